/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-window"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "augur-error.h"
#include "augur-albumentations.h"
#include "augur-compare-view.h"
#include "augur-cost.h"
#include "augur-file.h"
#include "augur-json.h"
#include "augur-label-formats.h"
#include "augur-leakage.h"
#include "augur-sample.h"
#include "augur-sample-strip.h"
#include "augur-stress.h"
#include "augur-window.h"

#ifdef AUGUR_HAVE_PREVIEW_PANE
# include "augur-preview-pane.h"
#endif
#ifdef AUGUR_HAVE_PIPELINE_EDITOR
# include "augur-pipeline-editor.h"
#endif

/* How long after the last edit the recipe is written to the autosave file. */
#define AUTOSAVE_DELAY_MS 2000
/* A folder adds at most this many images, so that opening a whole dataset by
 * mistake does not flood the strip: a larger one is sampled evenly. */
#define MAX_FOLDER_IMAGES 500
/* How many recipes "Open Recent" lists. */
#define MAX_RECENT_RECIPES 10
/* How long a toast stays, in seconds; an error a little longer. */
#define TOAST_TIMEOUT 5
#define ERROR_TOAST_TIMEOUT 10

typedef struct
{
  AugurRecipe *recipe;       /* the state before the edit */
  char        *description;
} UndoEntry;

/* The document of the other side of a comparison: what the window keeps
 * for the recipe being edited, swapped with it when the editor changes
 * sides, so that undo, the title, saving and the unsaved-changes check
 * work alike on A and B. */
typedef struct
{
  AugurRecipe          *recipe;
  AugurRecipe          *saved_recipe;
  GFile                *file;
  GPtrArray            *undo_stack;
  GPtrArray            *redo_stack;
  char                 *merge_description;
} OtherDocument;

struct _AugurWindow
{
  AdwApplicationWindow  parent_instance;

  /* template */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkWidget            *undo_button;
  GtkWidget            *redo_button;
  GtkPaned             *outer_paned;
  GtkPaned             *inner_paned;
  GtkInfoBar           *cost_bar;
  GtkLabel             *cost_label;
  AugurSampleStrip     *sample_strip;

  GtkWidget            *preview_pane;
  GtkWidget            *editor;

  GSettings            *settings;
  GCancellable         *cancellable;

  /* the document */
  AugurRecipe          *recipe;
  AugurRecipe          *saved_recipe;  /* as on disk (or as opened) */
  GFile                *file;          /* NULL: untitled */
  GPtrArray            *undo_stack;    /* UndoEntry, oldest first */
  GPtrArray            *redo_stack;    /* UndoEntry, most recent last */
  char                 *merge_description; /* the last edit, if mergeable */
  guint                 autosave_id;
  guint                 autosave_generation; /* bumped when the autosave goes */
  gboolean              autosave_writing;    /* a write is on a worker */
  gboolean              autosave_again;      /* an edit came during it */

  GListStore           *samples;       /* AugurSample */
  guint                 n_adding;      /* augur_window_add_files() under way */
  AugurSample          *current;
  gboolean              selecting;     /* the window selects, not the user */
  gboolean              auto_selected; /* the current sample was picked on adding */
  guint                 max_folder_images;
  GMenu                *recent_menu;
  GMenu                *open_menu;
  char                 *pending_recent; /* the recent recipe to open next */
  char                 *pending_preset; /* the preset to open next */

  gboolean              force_close;
  char                 *last_message;  /* the last toast, for tests */
  AdwToast             *shown_toast;   /* the last toast while it is shown */
  char                 *last_details;  /* the full error behind the last toast */

  /* comparing recipes (A/B): the document the editor does not edit now */
  gboolean              comparing;
  gboolean              editing_b;     /* the document above is B, A waits below */
  OtherDocument         other;
  GtkWidget            *view_stack;    /* the preview pane or the comparison */
  GtkWidget            *compare_view;
  AugurSample          *compare_sample;  /* what the comparison's labels were read for */
  gboolean              compare_loaded;
  AugurLabelSource     *compare_labels;  /* (not owned: compared only) */
  char                 *b_name;        /* B's name until it has a file ("Copy of …") */
};

G_DEFINE_FINAL_TYPE (AugurWindow, augur_window, ADW_TYPE_APPLICATION_WINDOW)

typedef void (*ContinueFunc) (AugurWindow *self);

static void update_state     (AugurWindow *self);
static void update_cost      (AugurWindow *self);
static void schedule_autosave (AugurWindow *self);
static void sync_compare     (AugurWindow *self);
static void save_as_then     (AugurWindow *self,
                              ContinueFunc then);

static void
undo_entry_free (gpointer data)
{
  UndoEntry *entry = data;

  augur_recipe_free (entry->recipe);
  g_free (entry->description);
  g_free (entry);
}

static UndoEntry *
undo_entry_new (const AugurRecipe *recipe,
                const char        *description)
{
  UndoEntry *entry = g_new0 (UndoEntry, 1);

  entry->recipe = augur_recipe_copy (recipe);
  entry->description = g_strdup (description);
  return entry;
}

char *
augur_window_dup_autosave_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "augur", "autosave.json", NULL);
}

/* The reason of an error without the file's full path in front ("/a/b.png:
 * not a PNG…"), which the heading names already and which would push the
 * reason out of a toast. */
static const char *
reason_without_path (const char *message)
{
  const char *colon = strstr (message, ": ");

  if (colon != NULL && g_path_is_absolute (message) && colon[2] != '\0')
    return colon + 2;
  return message;
}

static void
toast_dismissed (AdwToast    *toast,
                 AugurWindow *self)
{
  if (self->shown_toast == toast)
    self->shown_toast = NULL;
}

/* Shows @message, unless the same message is on screen already: one
 * unreadable image is reported by its load and by the preview. With
 * @details, the toast offers them behind a "Details" button. */
static void
add_toast (AugurWindow *self,
           const char  *message,
           const char  *details,
           guint        timeout)
{
  AdwToast *toast;

  if (self->shown_toast != NULL && g_strcmp0 (self->last_message, message) == 0)
    return;
  toast = adw_toast_new (message);
  g_free (self->last_message);
  self->last_message = g_strdup (message);
  g_free (self->last_details);
  self->last_details = g_strdup (details);
  adw_toast_set_timeout (toast, timeout);
  if (details != NULL)
    {
      g_autofree char *both = g_strdup_printf ("%s\n\n%s", message, details);

      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.error-details");
      adw_toast_set_action_target_value (toast, g_variant_new_string (both));
    }
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed), self, 0);
  self->shown_toast = toast;
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_toast (AugurWindow *self,
            const char  *message)
{
  add_toast (self, message, NULL, TOAST_TIMEOUT);
}

/**
 * augur_window_dup_plain_reason:
 *
 * What went wrong, in the words of someone who did not write the decoder:
 * a missing file, a refused permission, a damaged or unsupported image. A
 * recipe's own messages (which name the step and field) are plain already.
 *
 * Returns: (transfer full): the reason
 */
char *
augur_window_dup_plain_reason (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return g_strdup (_("the file does not exist (it may have been moved or deleted)"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ||
      g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_ACCES) ||
      g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_PERM))
    return g_strdup (_("you do not have permission to read or write it"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE) ||
      g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
    return g_strdup (_("the disk is full"));
  if (error->domain == GDK_PIXBUF_ERROR ||
      g_error_matches (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT))
    return g_strdup (_("the image is damaged or incomplete"));
  if (g_error_matches (error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT))
    return g_strdup (_("it is not an image Augur can read (PNG, JPEG or WebP)"));
  if (g_error_matches (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE))
    return g_strdup (_("it is larger than Augur accepts"));
  return g_strdup (reason_without_path (error->message));
}

static void
show_error (AugurWindow  *self,
            const char   *heading,
            const GError *error)
{
  g_autofree char *reason = augur_window_dup_plain_reason (error);
  g_autofree char *message = g_strdup_printf ("%s: %s", heading, reason);

  g_debug ("%s: %s", heading, error->message);
  /* the decoder's own words, for whoever wants them */
  add_toast (self, message, g_str_equal (reason, reason_without_path (error->message)) ? NULL
                                                                                    : error->message,
             ERROR_TOAST_TIMEOUT);
}

static void
error_details_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (widget), _("Error Details"),
                                                       g_variant_get_string (parameter, NULL)));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */
/* Document state */

static char *
dup_display_name (AugurWindow *self)
{
  if (self->file != NULL)
    return g_file_get_basename (self->file);
  if (self->editing_b && self->b_name != NULL)
    return g_strdup (self->b_name);
  return g_strdup (_("Untitled recipe"));
}

gboolean
augur_window_get_modified (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), FALSE);

  return !augur_recipe_equal (self->recipe, self->saved_recipe);
}

static void
update_state (AugurWindow *self)
{
  g_autofree char *name = dup_display_name (self);
  g_autofree char *title = NULL;
  g_autofree char *window_title = NULL;
  g_autofree char *subtitle = NULL;
  gboolean modified = augur_window_get_modified (self);
  guint n_steps = augur_node_count_transforms (self->recipe->pipeline);

  title = modified ? g_strdup_printf ("• %s", name) : g_strdup (name);
  adw_window_title_set_title (self->window_title, title);

  if (self->file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->file);
      g_autofree char *dir = parent ? g_file_get_parse_name (parent) : NULL;
      const char *home = g_get_home_dir ();

      if (dir != NULL && home != NULL && g_str_has_prefix (dir, home) &&
          (dir[strlen (home)] == '/' || dir[strlen (home)] == '\0'))
        subtitle = g_strconcat ("~", dir + strlen (home), NULL);
      else
        subtitle = g_steal_pointer (&dir);
    }
  else
    subtitle = g_strdup_printf (g_dngettext (NULL, "Draft · %u step", "Draft · %u steps",
                                             n_steps), n_steps);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  window_title = g_strdup_printf ("%s — %s", title, _("Augur"));
  gtk_window_set_title (GTK_WINDOW (self), window_title);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", self->undo_stack->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo", self->redo_stack->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-sample",
                                 self->current != NULL);

  if (self->undo_stack->len > 0)
    {
      UndoEntry *entry = g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1);
      g_autofree char *tip = g_strdup_printf (_("Undo “%s”"), entry->description);

      gtk_widget_set_tooltip_text (self->undo_button, tip);
    }
  else
    gtk_widget_set_tooltip_text (self->undo_button, _("Undo"));

  if (self->redo_stack->len > 0)
    {
      UndoEntry *entry = g_ptr_array_index (self->redo_stack, self->redo_stack->len - 1);
      g_autofree char *tip = g_strdup_printf (_("Redo “%s”"), entry->description);

      gtk_widget_set_tooltip_text (self->redo_button, tip);
    }
  else
    gtk_widget_set_tooltip_text (self->redo_button, _("Redo"));

  update_cost (self);
  sync_compare (self);
}

/* The current sample's size, once it has been read. */
static gboolean
get_current_shape (AugurWindow *self,
                   AugurShape  *shape)
{
  AugurImage *proxy;

  if (self->current == NULL || !augur_sample_get_loaded (self->current))
    return FALSE;
  proxy = augur_sample_get_proxy (self->current);
  shape->width = augur_sample_get_width (self->current);
  shape->height = augur_sample_get_height (self->current);
  shape->channels = proxy != NULL ? proxy->channels : 3;
  return shape->width > 0 && shape->height > 0;
}

/* The recipe's estimated cost on the current sample, per step in the
 * editor and, when the whole is over the budget that applying it allows
 * one input, on a bar above the views, before anyone waits for a render. */
static void
update_cost (AugurWindow *self)
{
  g_autoptr(GError) error = NULL;
  AugurShape shape, out;
  AugurCost cost;
  gboolean have = get_current_shape (self, &shape);

#ifdef AUGUR_HAVE_PIPELINE_EDITOR
  augur_pipeline_editor_set_input_shape (AUGUR_PIPELINE_EDITOR (self->editor),
                                         have ? &shape : NULL);
#endif
  if (have)
    {
      augur_node_cost (self->recipe->pipeline, &shape, &out, &cost);
      if (!augur_cost_check (&cost, AUGUR_COST_DEFAULT_MAX_WORK, AUGUR_COST_DEFAULT_MAX_MEMORY,
                             &error))
        {
          g_autofree char *text =
            g_strdup_printf (_("This recipe is over the budget for one image on “%s” (%d×%d), so rendering it will be slow and applying it will refuse the image: %s"),
                             augur_sample_get_name (self->current), shape.width, shape.height,
                             error->message);

          gtk_label_set_text (self->cost_label, text);
          gtk_info_bar_set_revealed (self->cost_bar, TRUE);
          return;
        }
    }
  gtk_info_bar_set_revealed (self->cost_bar, FALSE);
}

const char *
augur_window_get_cost_warning (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), NULL);

  if (!gtk_info_bar_get_revealed (self->cost_bar))
    return NULL;
  return gtk_label_get_text (self->cost_label);
}

/* Hands the current recipe to the views. @to_editor: also reset the editor
 * (after undo, redo or opening a file; not after an edit made in it). */
static void
push_recipe_to_views (AugurWindow *self,
                      gboolean     to_editor)
{
#ifdef AUGUR_HAVE_PIPELINE_EDITOR
  if (to_editor)
    augur_pipeline_editor_set_pipeline (AUGUR_PIPELINE_EDITOR (self->editor),
                                        self->recipe->pipeline);
#endif
#ifdef AUGUR_HAVE_PREVIEW_PANE
  /* (hidden while comparing: it catches up when the comparison ends) */
  if (!self->comparing)
    augur_preview_pane_set_recipe (AUGUR_PREVIEW_PANE (self->preview_pane), self->recipe);
#endif
}

/* Replaces the whole document (open, restore); clears the history. */
static void
set_document (AugurWindow *self,
              AugurRecipe *recipe,
              GFile       *file,
              gboolean     clean)
{
  g_clear_pointer (&self->recipe, augur_recipe_free);
  self->recipe = recipe;
  if (clean)
    {
      g_clear_pointer (&self->saved_recipe, augur_recipe_free);
      self->saved_recipe = augur_recipe_copy (recipe);
    }
  g_set_object (&self->file, file);
  /* (B replaced by another recipe is no longer a copy of A) */
  if (self->editing_b)
    g_clear_pointer (&self->b_name, g_free);
  g_ptr_array_set_size (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  g_clear_pointer (&self->merge_description, g_free);

  push_recipe_to_views (self, TRUE);
  update_state (self);
}

/* Records an edit: @recipe is the new state, owned by the window. */
static void
commit_edit (AugurWindow *self,
             AugurRecipe *recipe,
             const char  *description,
             gboolean     mergeable)
{
  gboolean merge = mergeable &&
                   self->merge_description != NULL &&
                   self->undo_stack->len > 0 &&
                   g_strcmp0 (self->merge_description, description) == 0;

  if (!merge)
    g_ptr_array_add (self->undo_stack, undo_entry_new (self->recipe, description));
  g_ptr_array_set_size (self->redo_stack, 0);

  g_clear_pointer (&self->recipe, augur_recipe_free);
  self->recipe = recipe;

  g_free (self->merge_description);
  self->merge_description = mergeable ? g_strdup (description) : NULL;

  update_state (self);
  schedule_autosave (self);
}

static void
undo_redo (AugurWindow *self,
           GPtrArray   *from,
           GPtrArray   *to)
{
  UndoEntry *entry;

  if (from->len == 0)
    return;

  entry = g_ptr_array_steal_index (from, from->len - 1);
  g_ptr_array_add (to, undo_entry_new (self->recipe, entry->description));
  augur_recipe_free (self->recipe);
  self->recipe = g_steal_pointer (&entry->recipe);
  undo_entry_free (entry);
  g_clear_pointer (&self->merge_description, g_free);

  push_recipe_to_views (self, TRUE);
  update_state (self);
  schedule_autosave (self);
}

/* ------------------------------------------------------------------------ */
/* Autosave and crash recovery */

/* The window whose recipe the autosave file holds: with several windows
 * open, one that closes cleanly must not delete another's unsaved work. */
static AugurWindow *autosave_owner;

static void
remove_autosave (AugurWindow *self)
{
  g_autofree char *path = augur_window_dup_autosave_path ();

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  /* a write still on its worker is stale now: autosave_done removes it */
  self->autosave_generation++;
  self->autosave_again = FALSE;
  if (autosave_owner != NULL && autosave_owner != self)
    return;
  autosave_owner = NULL;
  if (g_unlink (path) != 0 && errno != ENOENT)
    g_debug ("Could not remove %s: %s", path, g_strerror (errno));
}

/* Writes the recipe (a copy, in the task data) on a worker: a slow disk
 * must not stall the window. */
static void
autosave_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  const AugurRecipe *recipe = task_data;
  g_autofree char *path = augur_window_dup_autosave_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  GError *error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                               _("Could not create %s: %s"), dir, g_strerror (saved_errno));
      return;
    }
  if (!augur_recipe_save (recipe, path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void write_autosave (AugurWindow *self);

static void
autosave_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  AugurWindow *self = AUGUR_WINDOW (object);
  guint generation = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (result), "generation"));
  g_autoptr(GError) error = NULL;

  self->autosave_writing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (generation == self->autosave_generation)
        show_error (self, _("Could not autosave the recipe"), error);
      return;
    }
  if (generation != self->autosave_generation)
    {
      /* saved, closed or discarded while it was being written */
      if (autosave_owner == NULL || autosave_owner == self)
        {
          g_autofree char *path = augur_window_dup_autosave_path ();

          autosave_owner = NULL;
          g_unlink (path);
        }
      return;
    }
  if (self->autosave_again)
    write_autosave (self);
}

static void
write_autosave (AugurWindow *self)
{
  g_autoptr(GTask) task = NULL;

  self->autosave_again = FALSE;
  if (self->autosave_writing)
    {
      /* one write at a time: the next one starts when this one ends */
      self->autosave_again = TRUE;
      return;
    }
  self->autosave_writing = TRUE;
  autosave_owner = self;
  task = g_task_new (self, NULL, autosave_done, NULL);
  g_task_set_source_tag (task, write_autosave);
  g_task_set_task_data (task, augur_recipe_copy (self->recipe), (GDestroyNotify) augur_recipe_free);
  g_object_set_data (G_OBJECT (task), "generation", GUINT_TO_POINTER (self->autosave_generation));
  g_task_run_in_thread (task, autosave_thread);
}

static gboolean
autosave_cb (gpointer user_data)
{
  AugurWindow *self = user_data;

  self->autosave_id = 0;
  /* the autosave keeps A; B is asked about before it can be lost */
  if (self->editing_b)
    return G_SOURCE_REMOVE;
  if (!augur_window_get_modified (self))
    remove_autosave (self);
  else
    write_autosave (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_autosave (AugurWindow *self)
{
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  self->autosave_id = g_timeout_add (AUTOSAVE_DELAY_MS, autosave_cb, self);
}

static void
restore_response (AdwMessageDialog *dialog,
                  const char       *response,
                  AugurWindow      *self)
{
  g_autofree char *path = augur_window_dup_autosave_path ();

  if (g_strcmp0 (response, "restore") == 0)
    {
      g_autoptr(GError) error = NULL;
      AugurRecipe *restored = augur_recipe_load (path, &error);

      if (restored == NULL)
        {
          show_error (self, _("Could not restore the recipe"), error);
          return;
        }
      /* The restored recipe is an edit of the open document: undoable, and
       * unsaved until the user saves it. */
      commit_edit (self, restored, _("Restore Unsaved Recipe"), FALSE);
      push_recipe_to_views (self, TRUE);
    }
  else if (g_strcmp0 (response, "discard") == 0)
    remove_autosave (self);
}

void
augur_window_check_autosave (AugurWindow *self)
{
  g_autofree char *path = augur_window_dup_autosave_path ();
  g_autoptr(AugurRecipe) autosaved = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  guint n_steps;

  g_return_if_fail (AUGUR_IS_WINDOW (self));

  /* Another open window of this instance wrote it: not a crash. */
  if (autosave_owner != NULL && autosave_owner != self)
    return;
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return;

  autosaved = augur_recipe_load (path, &error);
  if (autosaved == NULL)
    {
      show_error (self, _("The autosaved recipe could not be read"), error);
      return;
    }
  if (augur_recipe_equal (autosaved, self->recipe))
    {
      remove_autosave (self);
      return;
    }

  n_steps = augur_node_count_transforms (autosaved->pipeline);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Restore Unsaved Recipe?"), NULL));
  adw_message_dialog_format_body (dialog,
                                  g_dngettext (NULL,
                                               "Augur did not close cleanly last time. A recipe with %u step was not saved.",
                                               "Augur did not close cleanly last time. A recipe with %u steps was not saved.",
                                               n_steps),
                                  n_steps);
  adw_message_dialog_add_responses (dialog,
                                    "discard", _("_Discard"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "restore", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "restore");
  adw_message_dialog_set_close_response (dialog, "later");
  g_signal_connect_object (dialog, "response", G_CALLBACK (restore_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */
/* Recent recipes */

static void
update_recent_menu (AugurWindow *self)
{
  g_auto(GStrv) uris = g_settings_get_strv (self->settings, "recent-recipes");

  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; uris[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (uris[i]);
      g_autofree char *name = g_file_get_basename (file);
      g_autoptr(GMenuItem) item = g_menu_item_new (name, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (uris[i]));
      g_menu_append_item (self->recent_menu, item);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-recent", uris[0] != NULL);
}

/* Puts @file first in the recent list (@first) or takes it out of it, at
 * most MAX_RECENT_RECIPES long; a recipe opened or saved is also the one
 * the next start opens, and one taken out is not. */
static void
update_recent (AugurWindow *self,
               GFile       *file,
               gboolean     first)
{
  g_autofree char *uri = g_file_get_uri (file);
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "recent-recipes");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) uris = NULL;
  g_autofree char *last = g_settings_get_string (self->settings, "last-recipe");
  guint n = first ? 1 : 0;

  if (first)
    g_strv_builder_add (builder, uri);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT_RECIPES; i++)
    if (!g_str_equal (old[i], uri))
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  uris = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-recipes", (const char *const *) uris);
  if (first)
    g_settings_set_string (self->settings, "last-recipe", uri);
  else if (g_str_equal (last, uri))
    g_settings_set_string (self->settings, "last-recipe", "");
}

static void
remember_recipe (AugurWindow *self,
                 GFile       *file)
{
  update_recent (self, file, TRUE);
}

static void
forget_recipe (AugurWindow *self,
               GFile       *file)
{
  update_recent (self, file, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Files */

gboolean
augur_window_save_to_file (AugurWindow  *self,
                           GFile        *file,
                           GError      **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (AUGUR_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Recipes can only be saved to local files"));
      return FALSE;
    }
  if (!augur_recipe_save (self->recipe, path, error))
    return FALSE;

  g_clear_pointer (&self->saved_recipe, augur_recipe_free);
  self->saved_recipe = augur_recipe_copy (self->recipe);
  g_set_object (&self->file, file);
  if (!self->editing_b)
    remove_autosave (self);
  remember_recipe (self, file);
  update_state (self);
  return TRUE;
}

/* Whether @path holds an Albumentations file rather than a recipe (its
 * first bytes are enough). */
static gboolean
albumentations_file (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, NULL);
  char head[4096];
  gsize n = 0;

  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), head, sizeof head, &n, NULL, NULL))
    return FALSE;
  return augur_albumentations_detect (head, n);
}

static AugurRecipe *
load_recipe (AugurWindow *self,
             GFile       *file,
             gboolean    *imported)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  AugurRecipe *recipe;

  if (path == NULL)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Recipes can only be opened from local files"));
      recipe = NULL;
    }
  else
    recipe = augur_recipe_load (path, &error);

  /* A file A.save wrote: imported, with what was left out on a toast. */
  if (recipe == NULL && path != NULL && albumentations_file (path))
    {
      g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);

      g_clear_error (&error);
      recipe = augur_albumentations_load (path, AUGUR_ALB_IMPORT_DEFAULT, notes, &error);
      if (recipe != NULL)
        {
          g_autofree char *message = NULL;

          for (guint i = 0; i < notes->len; i++)
            g_debug ("%s", (char *) notes->pdata[i]);
          if (notes->len > 0)
            message = g_strdup_printf (g_dngettext (NULL,
                                                    "Imported from Albumentations; %u argument that does not change images was left out",
                                                    "Imported from Albumentations; %u arguments that do not change images were left out",
                                                    notes->len),
                                       notes->len);
          else
            message = g_strdup (_("Imported from Albumentations"));
          show_toast (self, message);
          if (imported)
            *imported = TRUE;
        }
    }

  if (recipe == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *heading = g_strdup_printf (_("Could not open “%s”"), name);

      show_error (self, heading, error);
    }
  return recipe;
}

gboolean
augur_window_open_recipe (AugurWindow *self,
                          GFile       *file)
{
  AugurRecipe *recipe;

  gboolean imported = FALSE;

  g_return_val_if_fail (AUGUR_IS_WINDOW (self), FALSE);

  if ((recipe = load_recipe (self, file, &imported)) == NULL)
    {
      /* gone or broken: not offered again */
      forget_recipe (self, file);
      return FALSE;
    }
  /* Save never writes a recipe over the Albumentations file. */
  set_document (self, recipe, imported ? NULL : file, TRUE);
  remember_recipe (self, file);
  return TRUE;
}

gboolean
augur_window_open_recipe_as_template (AugurWindow *self,
                                      GFile       *file)
{
  AugurRecipe *recipe;

  g_return_val_if_fail (AUGUR_IS_WINDOW (self), FALSE);

  if ((recipe = load_recipe (self, file, NULL)) == NULL)
    return FALSE;
  set_document (self, recipe, NULL, TRUE);
  return TRUE;
}

static gboolean
is_image_name (const char *name)
{
  static const char *const extensions[] = { ".png", ".jpg", ".jpeg", ".webp", NULL };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; extensions[i] != NULL; i++)
    if (g_str_has_suffix (lower, extensions[i]))
      return TRUE;
  return FALSE;
}

static int
compare_by_collate_key (gconstpointer a,
                        gconstpointer b)
{
  GFile *fa = *(GFile **) a;
  GFile *fb = *(GFile **) b;

  return g_strcmp0 (g_object_get_data (G_OBJECT (fa), "augur-collate-key"),
                    g_object_get_data (G_OBJECT (fb), "augur-collate-key"));
}

/* The images directly inside @dir, sorted by name as a file manager would. */
static GPtrArray *
scan_folder (GFile   *dir,
             GError **error)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);

  enumerator = g_file_enumerate_children (dir,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                          G_FILE_ATTRIBUTE_STANDARD_IS_HIDDEN,
                                          G_FILE_QUERY_INFO_NONE, NULL, error);
  if (enumerator == NULL)
    return NULL;

  for (;;)
    {
      GFileInfo *info;
      GFile *child;
      const char *name;

      if (!g_file_enumerator_iterate (enumerator, &info, &child, NULL, error))
        return NULL;
      if (info == NULL)
        break;
      name = g_file_info_get_name (info);
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR ||
          g_file_info_get_is_hidden (info) || !is_image_name (name))
        continue;
      g_object_set_data_full (G_OBJECT (child), "augur-collate-key",
                              g_utf8_collate_key_for_filename (name, -1), g_free);
      g_ptr_array_add (found, g_object_ref (child));
    }
  g_ptr_array_sort (found, compare_by_collate_key);
  return g_steal_pointer (&found);
}

/**
 * augur_window_sample_evenly:
 * @files: (element-type GFile): the images of a folder, in order; cut
 *   down in place
 * @max: how many to keep
 * @seed: the same seed keeps the same images
 *
 * Keeps @max of @files spread over the whole list: one from each of @max
 * equal stretches, drawn with @seed, in their order. (The first @max by
 * name would show only the start of a dataset.)
 *
 * Returns: how many were left out
 */
guint
augur_window_sample_evenly (GPtrArray *files,
                            guint      max,
                            guint32    seed)
{
  g_autoptr(GRand) rand = NULL;
  g_autofree gpointer *all = NULL;
  gsize n = files->len;

  if (n <= max)
    return 0;
  rand = g_rand_new_with_seed (seed);
  all = g_ptr_array_steal (files, &n);
  for (guint k = 0; k < max; k++)
    {
      guint lo = (guint) ((guint64) k * n / max);
      guint hi = (guint) ((guint64) (k + 1) * n / max);
      guint pick = lo + (guint) g_rand_int_range (rand, 0, (gint32) (hi - lo));

      g_ptr_array_add (files, g_steal_pointer (&all[pick]));
    }
  for (gsize i = 0; i < n; i++)
    g_clear_object (&all[i]);
  return (guint) (n - max);
}

static gboolean
has_sample (AugurWindow *self,
            GFile       *file)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->samples));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AugurSample) sample = g_list_model_get_item (G_LIST_MODEL (self->samples), i);

      if (g_file_equal (augur_sample_get_file (sample), file))
        return TRUE;
    }
  return FALSE;
}

static int
get_preview_size (AugurWindow *self)
{
  return g_settings_get_int (self->settings, "preview-size");
}

/* Selects the sample at @position; @automatic: the window chose it (on
 * adding files), so a sample that turns out unreadable gives way to the
 * next readable one. */
static void
select_sample (AugurWindow *self,
               guint        position,
               gboolean     automatic)
{
  self->selecting = TRUE;
  augur_sample_strip_select (self->sample_strip, position);
  self->selecting = FALSE;
  self->auto_selected = automatic;
}

/* After an automatic selection of @broken: the first sample after it (or
 * else before it) that has not failed. */
static void
select_readable_instead (AugurWindow *self,
                         AugurSample *broken)
{
  GListModel *samples = G_LIST_MODEL (self->samples);
  guint n = g_list_model_get_n_items (samples);
  guint at = G_MAXUINT;

  if (!self->auto_selected || broken != self->current)
    return;
  for (guint i = 0; i < n && at == G_MAXUINT; i++)
    {
      g_autoptr(AugurSample) sample = g_list_model_get_item (samples, i);

      if (sample == broken)
        at = i;
    }
  for (guint k = 1; at != G_MAXUINT && k < n; k++)
    {
      guint i = (at + k) % n;
      g_autoptr(AugurSample) sample = g_list_model_get_item (samples, i);

      if (augur_sample_get_error (sample) == NULL)
        {
          select_sample (self, i, TRUE);
          return;
        }
    }
}

static void
sample_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AugurWindow) self = user_data;
  AugurSample *sample = AUGUR_SAMPLE (object);
  g_autoptr(GError) error = NULL;

  if (!augur_sample_load_finish (sample, result, &error))
    {
      g_autofree char *heading = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      heading = g_strdup_printf (_("Could not open “%s”"), augur_sample_get_name (sample));
      show_error (self, heading, error);
      select_readable_instead (self, sample);
      return;
    }

#ifdef AUGUR_HAVE_PIPELINE_EDITOR
  if (sample == self->current)
    augur_pipeline_editor_set_thumbnail_image (AUGUR_PIPELINE_EDITOR (self->editor),
                                               augur_sample_get_proxy (sample));
#endif
  if (sample == self->current)
    {
      update_cost (self);
      /* (its labels can be read now) */
      sync_compare (self);
    }
}

static void
add_sample_file (AugurWindow *self,
                 GFile       *file,
                 GPtrArray   *added)
{
  g_autoptr(AugurSample) sample = NULL;

  if (has_sample (self, file))
    return;
  sample = augur_sample_new (file);
  g_ptr_array_add (added, g_object_ref (sample));
  augur_sample_load_async (sample, get_preview_size (self), self->cancellable,
                           sample_loaded_cb, g_object_ref (self));
}

/* What augur_window_add_files() found for one of its files, off the main
 * thread: its type and, for a folder, the images in it or why it could
 * not be read. */
typedef struct
{
  GFile     *file;
  GFileType  type;
  GPtrArray *images;
  GError    *error;
} AddEntry;

static void
add_entry_free (gpointer data)
{
  AddEntry *entry = data;

  g_object_unref (entry->file);
  g_clear_pointer (&entry->images, g_ptr_array_unref);
  g_clear_error (&entry->error);
  g_free (entry);
}

/* Stats every file and reads every folder: on a large or remote folder
 * that takes long enough to freeze the window. */
static void
add_files_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GPtrArray *entries = task_data;

  for (guint i = 0; i < entries->len; i++)
    {
      AddEntry *entry = entries->pdata[i];

      if (g_task_return_error_if_cancelled (task))
        return;
      entry->type = g_file_query_file_type (entry->file, G_FILE_QUERY_INFO_NONE, cancellable);
      if (entry->type == G_FILE_TYPE_DIRECTORY)
        entry->images = scan_folder (entry->file, &entry->error);
    }
  g_task_return_boolean (task, TRUE);
}

static void
add_files_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AugurWindow *self = AUGUR_WINDOW (object);
  GPtrArray *entries = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  guint first;

  self->n_adding--;
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;   /* cancelled: the window is going away */

  first = g_list_model_get_n_items (G_LIST_MODEL (self->samples));

  for (guint i = 0; i < entries->len; i++)
    {
      AddEntry *entry = entries->pdata[i];
      g_autofree char *name = g_file_get_basename (entry->file);

      if (entry->type == G_FILE_TYPE_DIRECTORY)
        {
          GPtrArray *images = entry->images;
          g_autofree char *uri = g_file_get_uri (entry->file);

          if (images == NULL)
            {
              g_autofree char *heading = g_strdup_printf (_("Could not read the folder “%s”"), name);

              show_error (self, heading, entry->error);
              continue;
            }
          if (images->len == 0)
            {
              g_autofree char *message = g_strdup_printf (_("No images in “%s”"), name);

              show_toast (self, message);
              continue;
            }
          if (images->len > self->max_folder_images)
            {
              guint total = images->len;
              /* the same folder shows the same images every time */
              guint skipped = augur_window_sample_evenly (images, self->max_folder_images,
                                                          g_str_hash (uri));
              g_autofree char *message =
                g_strdup_printf (_("“%s” holds %u images: showing %u spread across it, %u skipped"),
                                 name, total, images->len, skipped);

              show_toast (self, message);
            }
          for (guint j = 0; j < images->len; j++)
            add_sample_file (self, g_ptr_array_index (images, j), added);
          g_settings_set_string (self->settings, "last-folder", uri);
          g_settings_set_string (self->settings, "samples-folder", uri);
        }
      else if (name != NULL && g_str_has_suffix (name, ".json"))
        augur_window_open_recipe (self, entry->file);
      else
        add_sample_file (self, entry->file, added);
    }

  if (added->len > 0)
    {
      g_list_store_splice (self->samples, first, 0, added->pdata, added->len);
      select_sample (self, first, TRUE);
    }
}

void
augur_window_add_files (AugurWindow  *self,
                        GFile       **files,
                        guint         n_files)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *entries;

  g_return_if_fail (AUGUR_IS_WINDOW (self));

  entries = g_ptr_array_new_with_free_func (add_entry_free);
  for (guint i = 0; i < n_files; i++)
    {
      AddEntry *entry = g_new0 (AddEntry, 1);

      entry->file = g_object_ref (files[i]);
      g_ptr_array_add (entries, entry);
    }

  self->n_adding++;
  task = g_task_new (self, self->cancellable, add_files_done, NULL);
  g_task_set_source_tag (task, augur_window_add_files);
  g_task_set_task_data (task, entries, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, add_files_thread);
}

gboolean
augur_window_is_adding_files (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), FALSE);
  return self->n_adding > 0;
}

/* ------------------------------------------------------------------------ */
/* Views */

static void
on_sample_selected (AugurWindow *self)
{
  AugurSample *sample = augur_sample_strip_get_selected (self->sample_strip);

  if (!g_set_object (&self->current, sample))
    return;
  if (!self->selecting)
    self->auto_selected = FALSE;  /* the user's choice stands */

#ifdef AUGUR_HAVE_PREVIEW_PANE
  augur_preview_pane_set_current (AUGUR_PREVIEW_PANE (self->preview_pane), sample);
#endif
#ifdef AUGUR_HAVE_PIPELINE_EDITOR
  augur_pipeline_editor_set_thumbnail_image (AUGUR_PIPELINE_EDITOR (self->editor),
                                             sample ? augur_sample_get_proxy (sample) : NULL);
#endif
  update_state (self);
}

#ifdef AUGUR_HAVE_PIPELINE_EDITOR
static void
on_editor_changed (AugurPipelineEditor *editor,
                   const char          *description,
                   gboolean             mergeable,
                   AugurWindow         *self)
{
  AugurRecipe *recipe = augur_recipe_copy (self->recipe);

  augur_node_free (recipe->pipeline);
  recipe->pipeline = augur_node_copy (augur_pipeline_editor_get_pipeline (editor));
  commit_edit (self, recipe, description, mergeable);
  push_recipe_to_views (self, FALSE);
}

static void
on_editor_selection_changed (AugurPipelineEditor *editor,
                             AugurWindow         *self)
{
#ifdef AUGUR_HAVE_PREVIEW_PANE
  g_autofree char *path = augur_pipeline_editor_dup_selected_path (editor);

  augur_preview_pane_set_selected_path (AUGUR_PREVIEW_PANE (self->preview_pane), path);
#endif
}
#endif

#ifdef AUGUR_HAVE_PREVIEW_PANE
static void
on_pane_error (GtkWidget   *pane,
               const char  *message,
               AugurWindow *self)
{
  add_toast (self, message, NULL, ERROR_TOAST_TIMEOUT);
}
#endif

static void
apply_settings (AugurWindow *self,
                const char  *key)
{
#ifdef AUGUR_HAVE_PREVIEW_PANE
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (self->preview_pane);

  if (key == NULL || g_str_equal (key, "worker-threads"))
    {
      guint n = g_settings_get_uint (self->settings, "worker-threads");

      augur_preview_pane_set_threads (pane, n > 0 ? n : g_get_num_processors ());
    }
  if (key == NULL || g_str_equal (key, "preview-size"))
    augur_preview_pane_set_preview_size (pane, get_preview_size (self));
#endif
}

static void
on_settings_changed (GSettings   *settings,
                     const char  *key,
                     AugurWindow *self)
{
  if (g_strcmp0 (key, "recent-recipes") == 0)
    update_recent_menu (self);
  apply_settings (self, key);
}

#if !defined (AUGUR_HAVE_PREVIEW_PANE) || !defined (AUGUR_HAVE_PIPELINE_EDITOR)
static GtkWidget *
placeholder_new (const char *title)
{
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (page), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (page), _("Not available in this build"));
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), "face-uncertain-symbolic");
  return page;
}
#endif

/* ------------------------------------------------------------------------ */
/* Dialogs */

static GtkFileFilter *
new_filter (const char        *name,
            const char *const *patterns,
            const char        *mime)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns != NULL && patterns[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, patterns[i]);
  if (mime != NULL)
    gtk_file_filter_add_mime_type (filter, mime);
  return filter;
}

static void
set_dialog_folder (AugurWindow    *self,
                   GtkFileChooser *chooser)
{
  g_autofree char *uri = g_settings_get_string (self->settings, "last-folder");

  if (uri != NULL && *uri != '\0')
    {
      g_autoptr(GFile) folder = g_file_new_for_uri (uri);

      gtk_file_chooser_set_current_folder (chooser, folder, NULL);
    }
}

static void
open_images_response (GtkNativeDialog *dialog,
                      int              response,
                      AugurWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);
      guint n = g_list_model_get_n_items (files);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      if (array->len > 0)
        {
          g_autoptr(GFile) parent = g_file_get_parent (g_ptr_array_index (array, 0));

          if (parent != NULL)
            {
              g_autofree char *uri = g_file_get_uri (parent);

              g_settings_set_string (self->settings, "last-folder", uri);
            }
        }
      augur_window_add_files (self, (GFile **) array->pdata, array->len);
    }
  g_object_unref (dialog);
}

static void
open_images_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AugurWindow *self = AUGUR_WINDOW (widget);
  gboolean folder = g_str_equal (action_name, "win.open-folder");
  static const char *const image_patterns[] = { "png", "jpg", "jpeg", "webp", NULL };
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (folder ? _("Add a Folder of Images") : _("Add Images"),
                                        GTK_WINDOW (self),
                                        folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                               : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Add"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  if (!folder)
    {
      g_autoptr(GtkFileFilter) images = new_filter (_("Images"), image_patterns, NULL);

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), images);
    }
  set_dialog_folder (self, GTK_FILE_CHOOSER (dialog));
  g_signal_connect (dialog, "response", G_CALLBACK (open_images_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Asks what to do with unsaved changes, then runs @then unless cancelled. */
typedef struct
{
  AugurWindow  *self;
  ContinueFunc  then;
} Continuation;

static void
unsaved_response (AdwMessageDialog *dialog,
                  const char       *response,
                  Continuation     *cont)
{
  AugurWindow *self = cont->self;

  if (g_str_equal (response, "discard"))
    cont->then (self);
  else if (g_str_equal (response, "save"))
    {
      g_autoptr(GError) error = NULL;

      if (self->file == NULL)
        save_as_then (self, cont->then);
      else if (augur_window_save_to_file (self, self->file, &error))
        cont->then (self);
      else
        show_error (self, _("Could not save the recipe"), error);
    }
  g_object_unref (self);
  g_free (cont);
}

static void
confirm_unsaved_then (AugurWindow  *self,
                      const char   *heading,
                      ContinueFunc  then)
{
  AdwMessageDialog *dialog;
  Continuation *cont;
  g_autofree char *name = NULL;

  if (!augur_window_get_modified (self))
    {
      then (self);
      return;
    }

  name = dup_display_name (self);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  adw_message_dialog_format_body (dialog,
                                  _("“%s” has unsaved changes. Changes which are not saved will be permanently lost."),
                                  name);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");

  cont = g_new0 (Continuation, 1);
  cont->self = g_object_ref (self);
  cont->then = then;
  g_signal_connect (dialog, "response", G_CALLBACK (unsaved_response), cont);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_recipe_response (GtkNativeDialog *dialog,
                      int              response,
                      AugurWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      augur_window_open_recipe (self, file);
    }
  g_object_unref (dialog);
}

/* A chooser of recipes (and Albumentations files) titled @title, which
 * calls @response (a GtkNativeDialog::response handler) with the window. */
static void
show_recipe_chooser (AugurWindow *self,
                     const char  *title,
                     GCallback    response)
{
  static const char *const patterns[] = { "json", "yaml", "yml", NULL };
  g_autoptr(GtkFileFilter) filter = new_filter (_("Recipes and Albumentations files"), patterns,
                                                "application/json");
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_signal_connect (dialog, "response", response, self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
show_open_recipe_dialog (AugurWindow *self)
{
  show_recipe_chooser (self, _("Open a Recipe"), G_CALLBACK (open_recipe_response));
}

static void
open_recipe_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  confirm_unsaved_then (AUGUR_WINDOW (widget), _("Save Changes Before Opening?"),
                        show_open_recipe_dialog);
}

typedef struct
{
  AugurWindow  *self;
  ContinueFunc  then;
} SaveAsData;

static void
save_as_response (GtkNativeDialog *dialog,
                  int              response,
                  SaveAsData      *data)
{
  AugurWindow *self = data->self;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (!augur_window_save_to_file (self, file, &error))
        show_error (self, _("Could not save the recipe"), error);
      else if (data->then != NULL)
        data->then (self);
    }
  g_object_unref (dialog);
  g_object_unref (self);
  g_free (data);
}

static void
save_as_then (AugurWindow  *self,
              ContinueFunc  then)
{
  static const char *const patterns[] = { "json", NULL };
  g_autoptr(GtkFileFilter) filter = new_filter (_("Recipes"), patterns, "application/json");
  GtkFileChooserNative *dialog;
  SaveAsData *data;

  dialog = gtk_file_chooser_native_new (_("Save Recipe"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  if (self->file != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), self->file, NULL);
  else
    {
      set_dialog_folder (self, GTK_FILE_CHOOSER (dialog));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog),
                                         self->editing_b ? "recipe-b.json" : "recipe.json");
    }

  data = g_new0 (SaveAsData, 1);
  data->self = g_object_ref (self);
  data->then = then;
  g_signal_connect (dialog, "response", G_CALLBACK (save_as_response), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AugurWindow *self = AUGUR_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->file == NULL || g_str_equal (action_name, "win.save-as"))
    {
      save_as_then (self, NULL);
      return;
    }
  if (!augur_window_save_to_file (self, self->file, &error))
    show_error (self, _("Could not save the recipe"), error);
}

static void
open_pending_recent (AugurWindow *self)
{
  g_autofree char *uri = g_steal_pointer (&self->pending_recent);
  g_autoptr(GFile) file = NULL;

  if (uri == NULL)
    return;
  file = g_file_new_for_uri (uri);
  augur_window_open_recipe (self, file);
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AugurWindow *self = AUGUR_WINDOW (widget);

  g_free (self->pending_recent);
  self->pending_recent = g_variant_dup_string (parameter, NULL);
  confirm_unsaved_then (self, _("Save Changes Before Opening?"), open_pending_recent);
}

/* ------------------------------------------------------------------------ */
/* Labels */

/* Which label format a folder holds, by what is directly inside it: the
 * class list of YOLO, the per-image XML of Pascal VOC, or PNG label maps. */
static const char *
detect_label_folder (GFile   *dir,
                     GError **error)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  gboolean xml = FALSE, png = FALSE, txt = FALSE;

  enumerator = g_file_enumerate_children (dir,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NONE, NULL, error);
  if (enumerator == NULL)
    return NULL;
  for (;;)
    {
      GFileInfo *info;
      g_autofree char *lower = NULL;

      if (!g_file_enumerator_iterate (enumerator, &info, NULL, NULL, error))
        return NULL;
      if (info == NULL)
        break;
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        continue;
      lower = g_ascii_strdown (g_file_info_get_name (info), -1);
      if (g_str_equal (lower, "classes.txt"))
        return "yolo";
      xml |= g_str_has_suffix (lower, ".xml");
      png |= g_str_has_suffix (lower, ".png");
      txt |= g_str_has_suffix (lower, ".txt");
    }
  if (xml)
    return "voc";
  if (png)
    return "masks";
  {
    g_autofree char *name = g_file_get_parse_name (dir);

    if (txt)
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_FAILED,
                   _("%s: YOLO labels need a classes.txt (one class name a line)"), name);
    else
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_FAILED,
                   _("%s: no classes.txt (YOLO), .xml files (Pascal VOC) or .png label maps"),
                   name);
  }
  return NULL;
}

/**
 * augur_window_dup_label_spec:
 * @file: a COCO JSON file, or a folder of YOLO, VOC or mask labels
 *
 * Returns: (transfer full): the source's spec for augur_label_source_open()
 *   ("coco:FILE", "yolo:DIR", "voc:DIR" or "masks:DIR"), or NULL with
 *   @error set
 */
char *
augur_window_dup_label_spec (GFile   *file,
                             GError **error)
{
  g_autofree char *path = g_file_get_path (file);
  const char *format;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Labels can only be opened from local files"));
      return NULL;
    }
  switch (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL))
    {
    case G_FILE_TYPE_DIRECTORY:
      if ((format = detect_label_folder (file, error)) == NULL)
        return NULL;
      break;
    case G_FILE_TYPE_REGULAR:
      format = "coco";
      break;
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("%s: no such file or folder"), path);
      return NULL;
    }
  return g_strconcat (format, ":", path, NULL);
}

#ifdef AUGUR_HAVE_PREVIEW_PANE
static gboolean
sample_has_labels (AugurSample *sample,
                   gpointer     pane)
{
  return augur_preview_pane_sample_has_labels (AUGUR_PREVIEW_PANE (pane), sample);
}
#endif

/* Shows @source (transfer full; NULL: @error says why it could not be
 * opened) as the labels of the preview. */
static gboolean
labels_opened (AugurWindow      *self,
               GFile            *file,
               AugurLabelSource *source,
               const GError     *error)
{
  g_autoptr(AugurLabelSource) owned = source;
  g_autofree char *name = g_file_get_basename (file);

  if (owned == NULL)
    {
      g_autofree char *heading = g_strdup_printf (_("Could not open the labels “%s”"), name);

      show_error (self, heading, error);
      return FALSE;
    }
#ifdef AUGUR_HAVE_PREVIEW_PANE
  {
    g_autofree char *message =
      g_strdup_printf (_("Labels from “%s” (%s)"), name,
                       augur_label_format_name (augur_label_source_format (owned)));

    augur_preview_pane_set_labels (AUGUR_PREVIEW_PANE (self->preview_pane),
                                   g_steal_pointer (&owned));
    /* the strip marks the samples that have labels */
    augur_sample_strip_set_tag_func (self->sample_strip, sample_has_labels, self->preview_pane, NULL);
    sync_compare (self);
    show_toast (self, message);
  }
  return TRUE;
#else
  show_toast (self, _("Labels cannot be shown in this build"));
  return FALSE;
#endif
}

/* Where the labels are read: the format told from @file, then the whole
 * source parsed (a COCO file of a large dataset takes a while). */
static AugurLabelSource *
read_labels (GFile   *file,
             GError **error)
{
  g_autofree char *spec = augur_window_dup_label_spec (file, error);

  return spec != NULL ? augur_label_source_open (spec, error) : NULL;
}

/**
 * augur_window_open_labels:
 *
 * Opens a COCO file, or a folder of YOLO, VOC or mask labels, on the
 * calling thread, and shows them (or the error) in the window. The
 * window's own commands use augur_window_open_labels_async().
 */
gboolean
augur_window_open_labels (AugurWindow *self,
                          GFile       *file)
{
  g_autoptr(GError) error = NULL;
  AugurLabelSource *source;

  g_return_val_if_fail (AUGUR_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  source = read_labels (file, &error);
  return labels_opened (self, file, source, error);
}

static void
open_labels_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  AugurLabelSource *source = read_labels (task_data, &error);

  if (source == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, source, (GDestroyNotify) augur_label_source_free);
}

/* Back on the main thread: the labels are shown, then the caller told. */
static void
open_labels_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  AugurWindow *self = AUGUR_WINDOW (object);
  g_autoptr(GTask) outer = user_data;
  g_autoptr(GError) error = NULL;
  AugurLabelSource *source = g_task_propagate_pointer (G_TASK (result), &error);

  if (source == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  /* (labels_opened () fails only without a source, that is with @error) */
  if (labels_opened (self, g_task_get_task_data (G_TASK (result)), source, error))
    g_task_return_boolean (outer, TRUE);
  else
    g_task_return_error (outer, g_steal_pointer (&error));
}

/**
 * augur_window_open_labels_async:
 *
 * As augur_window_open_labels(), with the file read and parsed on a worker
 * so that the window stays responsive; the labels (or the error) are shown
 * when it is done, then @callback runs.
 */
void
augur_window_open_labels_async (AugurWindow         *self,
                                GFile               *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (AUGUR_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, augur_window_open_labels_async);
  inner = g_task_new (self, cancellable, open_labels_done, outer);
  g_task_set_task_data (inner, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (inner, open_labels_thread);
}

gboolean
augur_window_open_labels_finish (AugurWindow   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
open_labels_response (GtkNativeDialog *dialog,
                      int              response,
                      AugurWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      augur_window_open_labels_async (self, file, self->cancellable, NULL, NULL);
    }
  g_object_unref (dialog);
}

/* win.open-labels: a COCO file; win.open-label-folder: a folder whose
 * format is told by what it holds. */
static void
open_labels_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AugurWindow *self = AUGUR_WINDOW (widget);
  gboolean folder = g_str_equal (action_name, "win.open-label-folder");
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (folder ? _("Open a Folder of Labels (YOLO, VOC or Masks)")
                                               : _("Open COCO Labels"),
                                        GTK_WINDOW (self),
                                        folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                               : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  if (!folder)
    {
      static const char *const patterns[] = { "json", NULL };
      g_autoptr(GtkFileFilter) filter = new_filter (_("COCO JSON"), patterns, "application/json");

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
    }
  set_dialog_folder (self, GTK_FILE_CHOOSER (dialog));
  g_signal_connect (dialog, "response", G_CALLBACK (open_labels_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ------------------------------------------------------------------------ */
/* Presets */

gboolean
augur_window_open_preset (AugurWindow *self,
                          const char  *name)
{
  g_autoptr(GError) error = NULL;
  AugurRecipe *recipe;

  g_return_val_if_fail (AUGUR_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if ((recipe = augur_preset_load (NULL, name, &error)) == NULL)
    {
      g_autofree char *heading = g_strdup_printf (_("Could not open the preset “%s”"), name);

      show_error (self, heading, error);
      return FALSE;
    }
  /* a starting point, like the bundled default: saving asks where */
  set_document (self, recipe, NULL, TRUE);
  return TRUE;
}

static void
open_pending_preset (AugurWindow *self)
{
  g_autofree char *name = g_steal_pointer (&self->pending_preset);

  if (name != NULL)
    augur_window_open_preset (self, name);
}

static void
open_preset_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AugurWindow *self = AUGUR_WINDOW (widget);

  g_free (self->pending_preset);
  self->pending_preset = g_variant_dup_string (parameter, NULL);
  confirm_unsaved_then (self, _("Save Changes Before Opening?"), open_pending_preset);
}

static void
preset_row_activated (GtkListBox    *list,
                      GtkListBoxRow *row,
                      AugurWindow   *self)
{
  const char *name = g_object_get_data (G_OBJECT (row), "augur-preset");
  GtkRoot *dialog = gtk_widget_get_root (GTK_WIDGET (list));

  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-preset", "s", name);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A list of the bundled presets, each with what it is for and what it
 * deliberately leaves out; choosing one opens it as an untitled recipe. */
static void
new_from_preset_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AugurWindow *self = AUGUR_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) presets = augur_presets_list (NULL, &error);
  GtkWidget *dialog, *box, *scrolled, *clamp, *list;

  if (presets == NULL)
    {
      show_error (self, _("Could not list the presets"), error);
      return;
    }

  dialog = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (dialog), _("New from Preset"));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, 640);
  gtk_widget_add_css_class (dialog, "augur-presets");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  clamp = adw_clamp_new ();
  gtk_widget_set_margin_top (clamp, 12);
  gtk_widget_set_margin_bottom (clamp, 12);
  gtk_widget_set_margin_start (clamp, 12);
  gtk_widget_set_margin_end (clamp, 12);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_set_valign (list, GTK_ALIGN_START);

  for (guint i = 0; i < presets->len; i++)
    {
      const AugurBundled *preset = presets->pdata[i];
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), preset->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), preset->description);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "augur-preset", g_strdup (preset->name), g_free);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  g_signal_connect_object (list, "row-activated", G_CALLBACK (preset_row_activated), self, 0);

  adw_clamp_set_child (ADW_CLAMP (clamp), list);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (dialog), box);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AugurWindow *self = AUGUR_WINDOW (widget);

  if (g_str_equal (action_name, "win.undo"))
    undo_redo (self, self->undo_stack, self->redo_stack);
  else
    undo_redo (self, self->redo_stack, self->undo_stack);
}

static void
remove_sample_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AugurWindow *self = AUGUR_WINDOW (widget);
  guint position = augur_sample_strip_get_selected_position (self->sample_strip);

  if (position != GTK_INVALID_LIST_POSITION)
    g_list_store_remove (self->samples, position);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->samples)) == 0)
    on_sample_selected (self);
}

/* The folder that holds every sample, or NULL when they come from several. */
static GFile *
dup_common_folder (AugurWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->samples));
  g_autoptr(GFile) common = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AugurSample) sample = g_list_model_get_item (G_LIST_MODEL (self->samples), i);
      g_autoptr(GFile) parent = g_file_get_parent (augur_sample_get_file (sample));

      if (parent == NULL)
        return NULL;
      if (common == NULL)
        common = g_steal_pointer (&parent);
      else if (!g_file_equal (common, parent))
        return NULL;
    }
  return g_steal_pointer (&common);
}

static char *
dup_command_line (AugurWindow *self)
{
  g_autofree char *recipe = self->file ? g_file_get_path (self->file) : NULL;
  g_autoptr(GFile) folder = dup_common_folder (self);
  g_autofree char *input = folder ? g_file_get_path (folder) : NULL;
  g_autofree char *q_recipe = g_shell_quote (recipe ? recipe : "recipe.json");
  g_autofree char *q_input = g_shell_quote (input ? input : "IMAGES");

  return g_strdup_printf ("augur-cli apply %s %s -o augmented -n 4", q_recipe, q_input);
}

static void
export_command_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AugurWindow *self = AUGUR_WINDOW (widget);
  g_autofree char *line = dup_command_line (self);
  AdwToast *toast;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), line);

  if (self->file == NULL || augur_window_get_modified (self))
    {
      toast = adw_toast_new (_("Command line copied; save the recipe before running it"));
      adw_toast_set_button_label (toast, _("_Save"));
      adw_toast_set_action_name (toast, "win.save");
    }
  else
    toast = adw_toast_new (_("Command line copied to the clipboard"));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* ------------------------------------------------------------------------ */
/* Albumentations export */

/* The export of the current recipe as @format ("json", "yaml" or
 * "python"); NULL with @error when a step has no Albumentations
 * counterpart (unless @flags skips them). */
static char *
albumentations_text (AugurWindow          *self,
                     const char           *format,
                     AugurAlbExportFlags   flags,
                     GError              **error)
{
  g_autoptr(JsonNode) root = NULL;

  if (g_str_equal (format, "python"))
    return augur_albumentations_to_python (self->recipe, flags, NULL, error);
  root = augur_albumentations_export (self->recipe, flags, NULL, error);
  if (root == NULL)
    return NULL;
  if (g_str_equal (format, "yaml"))
    return augur_albumentations_to_yaml (root, error);
  return augur_json_to_string (root, TRUE);
}

typedef struct
{
  AugurWindow         *self;
  char                *format;
  AugurAlbExportFlags  flags;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_object_unref (data->self);
  g_free (data->format);
  g_free (data);
}

static void
export_file_response (GtkNativeDialog *dialog,
                      int              response,
                      ExportData      *data)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = albumentations_text (data->self, data->format, data->flags, &error);

      if (text != NULL && path == NULL)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     _("Exports can only be written to local files"));
      if (text != NULL && path != NULL && augur_file_write_atomic (path, text, strlen (text), &error))
        {
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *message = g_strdup_printf (_("Exported to “%s”"), name);

          show_toast (data->self, message);
        }
      else
        show_error (data->self, _("Could not export the recipe"), error);
    }
  g_object_unref (dialog);
  export_data_free (data);
}

static void
show_export_file_dialog (AugurWindow         *self,
                         const char          *format,
                         AugurAlbExportFlags  flags)
{
  const char *extension = g_str_equal (format, "python") ? "py" : format;
  const char *const patterns[] = { extension, NULL };
  g_autoptr(GtkFileFilter) filter = new_filter (g_str_equal (format, "python") ? _("Python") :
                                                g_str_equal (format, "yaml") ? _("Albumentations YAML")
                                                                             : _("Albumentations JSON"),
                                                patterns, NULL);
  g_autofree char *base = self->file ? g_file_get_basename (self->file) : g_strdup ("recipe.json");
  g_autofree char *stem = g_str_has_suffix (base, ".json") ? g_strndup (base, strlen (base) - 5) : g_strdup (base);
  g_autofree char *name = g_strdup_printf ("%s-albumentations.%s", stem, extension);
  GtkFileChooserNative *dialog;
  ExportData *data;

  dialog = gtk_file_chooser_native_new (_("Export for Albumentations"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  set_dialog_folder (self, GTK_FILE_CHOOSER (dialog));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);

  data = g_new0 (ExportData, 1);
  data->self = g_object_ref (self);
  data->format = g_strdup (format);
  data->flags = flags;
  g_signal_connect (dialog, "response", G_CALLBACK (export_file_response), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Copies the Python snippet, or (@format a file format) asks where to
 * write the export. */
static void
export_albumentations_with (AugurWindow         *self,
                            const char          *format,
                            AugurAlbExportFlags  flags)
{
  if (format == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = albumentations_text (self, "python", flags, &error);

      if (text == NULL)
        {
          show_error (self, _("Could not export the recipe"), error);
          return;
        }
      gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
      show_toast (self, _("Python code copied to the clipboard"));
      return;
    }
  show_export_file_dialog (self, format, flags);
}

static void
unsupported_response (AdwMessageDialog *dialog,
                      const char       *response,
                      ExportData       *data)
{
  if (g_str_equal (response, "skip"))
    export_albumentations_with (data->self, data->format, AUGUR_ALB_EXPORT_SKIP_UNSUPPORTED);
  export_data_free (data);
}

/* Steps with no Albumentations counterpart are never dropped silently: a
 * dialog lists them and offers to export without them. */
static void
export_albumentations (AugurWindow *self,
                       const char  *format)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = albumentations_text (self, format ? format : "python", 0, &error);
  AdwMessageDialog *dialog;
  ExportData *data;

  if (text != NULL)
    {
      export_albumentations_with (self, format, 0);
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Some Steps Cannot Be Exported"), NULL));
  adw_message_dialog_set_body (dialog, error->message);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "skip", _("Export _Without Them"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "skip", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  data = g_new0 (ExportData, 1);
  data->self = g_object_ref (self);
  data->format = g_strdup (format);
  g_signal_connect (dialog, "response", G_CALLBACK (unsupported_response), data);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_albumentations_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  export_albumentations (AUGUR_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
copy_python_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  export_albumentations (AUGUR_WINDOW (widget), NULL);
}

/* ------------------------------------------------------------------------ */
/* Drag and drop */

/* ------------------------------------------------------------------------ */
/* Leakage check */

/* The result lists at most this many pairs (augur-cli leakage lists all). */
#define MAX_LEAK_ROWS 100
#define LEAK_THUMBNAIL_SIZE 96

typedef struct
{
  char         *first;   /* the samples' folder */
  char         *second;  /* the folder to compare with */
  AugurLeakage *leakage; /* the finished check */
  GHashTable   *thumbnails; /* image index -> GdkPixbuf, for the listed pairs */
} LeakJob;

static void
leak_job_free (gpointer data)
{
  LeakJob *job = data;

  g_free (job->first);
  g_free (job->second);
  g_clear_pointer (&job->leakage, augur_leakage_free);
  g_clear_pointer (&job->thumbnails, g_hash_table_unref);
  g_free (job);
}

static void
add_leak_thumbnail (LeakJob *job,
                    guint    index)
{
  GPtrArray *images = augur_leakage_get_images (job->leakage);
  const AugurLeakageImage *image = images->pdata[index];
  GdkPixbuf *pixbuf;

  if (g_hash_table_contains (job->thumbnails, GUINT_TO_POINTER (index)))
    return;
  /* the check has read it within the pixel limit already */
  pixbuf = gdk_pixbuf_new_from_file_at_scale (image->path, LEAK_THUMBNAIL_SIZE,
                                              LEAK_THUMBNAIL_SIZE, TRUE, NULL);
  if (pixbuf != NULL)
    g_hash_table_insert (job->thumbnails, GUINT_TO_POINTER (index), pixbuf);
}

/* On a worker: hashes both folders, compares them, and makes the
 * thumbnails of the pairs that will be listed. */
static void
check_leaks_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  LeakJob *job = task_data;
  g_autoptr(AugurLeakage) leakage = augur_leakage_new ();
  g_autoptr(GError) error = NULL;
  GArray *cross;

  if (!augur_leakage_add_split (leakage, "samples", job->first, &error) ||
      !augur_leakage_add_split (leakage, "other", job->second, &error) ||
      !augur_leakage_run (leakage, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->leakage = g_steal_pointer (&leakage);
  job->thumbnails = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  cross = augur_leakage_get_cross (job->leakage);
  for (guint i = 0; i < MIN (cross->len, MAX_LEAK_ROWS); i++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        break;
      add_leak_thumbnail (job, g_array_index (cross, AugurLeakagePair, i).a);
      add_leak_thumbnail (job, g_array_index (cross, AugurLeakagePair, i).b);
    }
  g_task_return_boolean (task, TRUE);
}

/* One side of a pair: its thumbnail over its path. */
static GtkWidget *
leak_side_new (LeakJob *job,
               guint    index)
{
  const AugurLeakageImage *image = augur_leakage_get_images (job->leakage)->pdata[index];
  GdkPixbuf *pixbuf = g_hash_table_lookup (job->thumbnails, GUINT_TO_POINTER (index));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *picture, *label;

  if (pixbuf != NULL)
    {
      g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (pixbuf);

      picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
    }
  else
    picture = gtk_picture_new ();
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_size_request (picture, LEAK_THUMBNAIL_SIZE, LEAK_THUMBNAIL_SIZE);
  label = gtk_label_new (image->path);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_START);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_widget_set_tooltip_text (label, image->path);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_hexpand (box, TRUE);
  return box;
}

static GtkWidget *
leak_pairs_new (LeakJob *job,
                GArray  *cross)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < MIN (cross->len, MAX_LEAK_ROWS); i++)
    {
      const AugurLeakagePair *pair = &g_array_index (cross, AugurLeakagePair, i);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      g_autofree char *distance = NULL;
      GtkWidget *label;

      if (pair->identical)
        distance = g_strdup (_("identical files"));
      else
        distance = g_strdup_printf (g_dngettext (NULL, "%u bit apart", "%u bits apart",
                                                 pair->distance), pair->distance);
      gtk_widget_set_margin_top (row, 6);
      gtk_widget_set_margin_bottom (row, 6);
      gtk_widget_set_margin_start (row, 6);
      gtk_widget_set_margin_end (row, 6);
      gtk_box_append (GTK_BOX (row), leak_side_new (job, pair->a));
      label = gtk_label_new (distance);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (GTK_BOX (row), leak_side_new (job, pair->b));
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 480);
  return scrolled;
}

static void
check_leaks_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  AugurWindow *self = AUGUR_WINDOW (object);
  LeakJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  AdwMessageDialog *dialog;
  GArray *cross;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("Could not check for leaks"), error);
      return;
    }
  cross = augur_leakage_get_cross (job->leakage);
  if (cross->len == 0)
    heading = g_strdup (_("No Near-Duplicates"));
  else
    heading = g_strdup_printf (g_dngettext (NULL, "%u Near-Duplicate Pair",
                                            "%u Near-Duplicate Pairs", cross->len),
                               cross->len);
  first = g_path_get_basename (job->first);
  second = g_path_get_basename (job->second);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  if (cross->len == 0)
    adw_message_dialog_format_body (dialog,
                                    _("No image in “%s” is a copy or near-copy of one in “%s”."),
                                    first, second);
  else
    {
      adw_message_dialog_format_body (dialog,
                                      _("These images of “%s” are copies or near-copies of images in “%s”: a model tested on one has seen the other."),
                                      first, second);
      adw_message_dialog_set_extra_child (dialog, leak_pairs_new (job, cross));
    }
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * augur_window_check_leaks:
 * @first: the samples' folder
 * @second: the folder to compare with
 *
 * Looks for images of @first that are copies or near-copies of images in
 * @second, on a worker, then shows the pairs side by side (or that there
 * are none); errors are shown in the window.
 */
void
augur_window_check_leaks (AugurWindow *self,
                          GFile       *first,
                          GFile       *second)
{
  g_autoptr(GTask) task = NULL;
  LeakJob *job;

  g_return_if_fail (AUGUR_IS_WINDOW (self));

  job = g_new0 (LeakJob, 1);
  job->first = g_file_get_path (first);
  job->second = g_file_get_path (second);
  task = g_task_new (self, self->cancellable, check_leaks_done, NULL);
  g_task_set_task_data (task, job, leak_job_free);
  if (job->first == NULL || job->second == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Only local folders can be checked"));
      return;
    }
  show_toast (self, _("Checking for near-duplicates…"));
  g_task_run_in_thread (task, check_leaks_thread);
}

static void
check_leaks_response (GtkNativeDialog *dialog,
                      int              response,
                      AugurWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) second = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GFile) first = dup_common_folder (self);

      /* the samples may have changed while the chooser was open */
      if (first != NULL)
        augur_window_check_leaks (self, first, second);
      else
        show_toast (self, _("The samples no longer share one folder: open a folder of samples first"));
    }
  g_object_unref (dialog);
}

static void
check_leaks_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AugurWindow *self = AUGUR_WINDOW (widget);
  g_autoptr(GFile) first = dup_common_folder (self);
  GtkFileChooserNative *dialog;

  if (first == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->samples)) == 0)
    {
      show_toast (self, _("Open a folder of samples first: it is compared with another folder"));
      return;
    }
  dialog = gtk_file_chooser_native_new (_("Compare the Samples’ Folder With"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                        _("_Check"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  set_dialog_folder (self, GTK_FILE_CHOOSER (dialog));
  g_signal_connect (dialog, "response", G_CALLBACK (check_leaks_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         AugurWindow   *self)
{
  GSList *list;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  list = g_value_get_boxed (value);
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  augur_window_add_files (self, (GFile **) files->pdata, files->len);
  return files->len > 0;
}

/* ------------------------------------------------------------------------ */
/* Comparing recipes (A/B) */

static void
swap_pointers (gpointer *a,
               gpointer *b)
{
  gpointer tmp = *a;

  *a = *b;
  *b = tmp;
}

static void
swap_documents (AugurWindow *self)
{
  swap_pointers ((gpointer *) &self->recipe, (gpointer *) &self->other.recipe);
  swap_pointers ((gpointer *) &self->saved_recipe, (gpointer *) &self->other.saved_recipe);
  swap_pointers ((gpointer *) &self->file, (gpointer *) &self->other.file);
  swap_pointers ((gpointer *) &self->undo_stack, (gpointer *) &self->other.undo_stack);
  swap_pointers ((gpointer *) &self->redo_stack, (gpointer *) &self->other.redo_stack);
  swap_pointers ((gpointer *) &self->merge_description, (gpointer *) &self->other.merge_description);
}

static void
clear_other_document (AugurWindow *self)
{
  g_clear_pointer (&self->other.recipe, augur_recipe_free);
  g_clear_pointer (&self->other.saved_recipe, augur_recipe_free);
  g_clear_object (&self->other.file);
  g_clear_pointer (&self->other.undo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->other.redo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->other.merge_description, g_free);
}

/* What a side's heading calls it: its file's name, or "Untitled recipe",
 * with a dot while it has unsaved changes (as the window title has). */
static char *
dup_side_title (GFile             *file,
                const char        *untitled,
                const AugurRecipe *recipe,
                const AugurRecipe *saved)
{
  g_autofree char *name = file ? g_file_get_basename (file)
                               : g_strdup (untitled ? untitled : _("Untitled recipe"));

  return augur_recipe_equal (recipe, saved) ? g_steal_pointer (&name) : g_strdup_printf ("• %s", name);
}

static gboolean
b_is_modified (AugurWindow *self)
{
  if (!self->comparing)
    return FALSE;
  if (self->editing_b)
    return augur_window_get_modified (self);
  return !augur_recipe_equal (self->other.recipe, self->other.saved_recipe);
}

/* Hands both recipes, the current sample (with its labels) and the blends'
 * references to the comparison. */
static void
sync_compare (AugurWindow *self)
{
  AugurCompareView *view = AUGUR_COMPARE_VIEW (self->compare_view);
  const AugurRecipe *a = self->editing_b ? self->other.recipe : self->recipe;
  const AugurRecipe *b = self->editing_b ? self->recipe : self->other.recipe;
  g_autofree char *title_a = NULL;
  g_autofree char *title_b = NULL;
  AugurLabelSource *labels = NULL;
  gboolean loaded;

  if (!self->comparing)
    return;

  title_a = self->editing_b ? dup_side_title (self->other.file, NULL, a, self->other.saved_recipe)
                            : dup_side_title (self->file, NULL, a, self->saved_recipe);
  title_b = self->editing_b ? dup_side_title (self->file, self->b_name, b, self->saved_recipe)
                            : dup_side_title (self->other.file, self->b_name, b, self->other.saved_recipe);
#ifdef AUGUR_HAVE_PREVIEW_PANE
  labels = augur_preview_pane_get_labels (AUGUR_PREVIEW_PANE (self->preview_pane));
  augur_compare_view_set_references (view,
    augur_preview_engine_get_references (augur_preview_pane_get_engine (AUGUR_PREVIEW_PANE (self->preview_pane))));
#endif

  /* the sample's labels are read again only when the sample, its loading
   * or the label file changed */
  loaded = self->current != NULL && augur_sample_get_loaded (self->current);
  if (self->current != self->compare_sample || loaded != self->compare_loaded ||
      labels != self->compare_labels)
    {
      AugurLabels *sample_labels = NULL;

      g_set_object (&self->compare_sample, self->current);
      self->compare_loaded = loaded;
      self->compare_labels = labels;
      if (loaded && labels != NULL && augur_label_source_has (labels, augur_sample_get_name (self->current)))
        {
          g_autoptr(GError) error = NULL;

          sample_labels = augur_label_source_read (labels, augur_sample_get_name (self->current),
                                                   augur_sample_get_width (self->current),
                                                   augur_sample_get_height (self->current), &error);
          if (sample_labels == NULL)
            g_debug ("No labels for %s: %s", augur_sample_get_name (self->current), error->message);
        }
      augur_compare_view_set_sample (view, self->current, sample_labels);
    }
  augur_compare_view_set_recipe (view, AUGUR_COMPARE_A, a, title_a);
  augur_compare_view_set_recipe (view, AUGUR_COMPARE_B, b, title_b);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare-save-b", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare-close", TRUE);
}

/* Moves the editor (and undo, the title, saving) to B or back to A. */
static void
edit_side (AugurWindow *self,
           gboolean     b)
{
  if (!self->comparing || self->editing_b == b)
    return;
  swap_documents (self);
  self->editing_b = b;
  augur_compare_view_set_editing (AUGUR_COMPARE_VIEW (self->compare_view),
                                  b ? AUGUR_COMPARE_B : AUGUR_COMPARE_A);
  push_recipe_to_views (self, TRUE);
  update_state (self);
  /* back on A: its autosave, skipped while B was edited, catches up */
  if (!b && augur_window_get_modified (self))
    schedule_autosave (self);
}

#ifdef AUGUR_HAVE_PREVIEW_PANE
/* The draws menu and the preferences set how many draws each side shows. */
static void
on_pane_grid_size (AugurWindow *self)
{
  guint grid_size = 0;

  if (!self->comparing)
    return;
  g_object_get (self->preview_pane, "grid-size", &grid_size, NULL);
  augur_compare_view_set_n_draws (AUGUR_COMPARE_VIEW (self->compare_view), MAX (grid_size, 1));
}
#endif

static void
on_compare_editing (AugurWindow *self)
{
  edit_side (self,
             augur_compare_view_get_editing (AUGUR_COMPARE_VIEW (self->compare_view)) == AUGUR_COMPARE_B);
}

/* Makes @recipe (owned) recipe B, as read from @file (NULL: untitled,
 * called @name), and shows the comparison. */
static void
set_recipe_b (AugurWindow *self,
              AugurRecipe *recipe,
              GFile       *file,
              char        *name)
{
  if (self->editing_b)
    {
      set_document (self, recipe, file, TRUE);
      g_free (self->b_name);
      self->b_name = name;
      update_state (self);
      return;
    }
  g_free (self->b_name);
  self->b_name = name;
  clear_other_document (self);
  self->other.recipe = recipe;
  self->other.saved_recipe = augur_recipe_copy (recipe);
  self->other.file = file ? g_object_ref (file) : NULL;
  self->other.undo_stack = g_ptr_array_new_with_free_func (undo_entry_free);
  self->other.redo_stack = g_ptr_array_new_with_free_func (undo_entry_free);

  if (!self->comparing)
    {
      AugurCompareView *view = AUGUR_COMPARE_VIEW (self->compare_view);

      self->comparing = TRUE;
#ifdef AUGUR_HAVE_PREVIEW_PANE
      {
        AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (self->preview_pane);
        guint grid_size = 0;

        /* the draws the grid showed, seed and all */
        g_object_get (pane, "grid-size", &grid_size, NULL);
        augur_compare_view_set_seed (view, augur_preview_pane_get_seed (pane));
        augur_compare_view_set_n_draws (view, MAX (grid_size, 1));
      }
#else
      augur_compare_view_set_seed (view, self->recipe->seed);
#endif
      augur_compare_view_set_editing (view, AUGUR_COMPARE_A);
      gtk_stack_set_visible_child (GTK_STACK (self->view_stack), self->compare_view);
    }
  update_state (self);
}

static AugurRecipe *
dup_recipe_a (AugurWindow *self)
{
  return augur_recipe_copy (self->editing_b ? self->other.recipe : self->recipe);
}

static void
duplicate_as_b (AugurWindow *self)
{
  g_autofree char *name_a = NULL;

  /* A's name, as its side shows it */
  if (self->editing_b)
    name_a = self->other.file ? g_file_get_basename (self->other.file) : g_strdup (_("Untitled recipe"));
  else
    name_a = dup_display_name (self);
  set_recipe_b (self, dup_recipe_a (self), NULL, g_strdup_printf (_("Copy of %s"), name_a));
}

/**
 * augur_window_open_recipe_as_b:
 * @file: a recipe (or an Albumentations file, imported)
 *
 * Compares the recipe with @file as recipe B, replacing B if there was one
 * (without asking: win.compare-open asks first); errors are shown in the
 * window, naming the file.
 *
 * Returns: whether @file was read
 */
gboolean
augur_window_open_recipe_as_b (AugurWindow *self,
                               GFile       *file)
{
  gboolean imported = FALSE;
  AugurRecipe *recipe;

  g_return_val_if_fail (AUGUR_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if ((recipe = load_recipe (self, file, &imported)) == NULL)
    return FALSE;
  /* (an imported file is saved elsewhere: named after it all the same) */
  set_recipe_b (self, recipe, imported ? NULL : file, imported ? g_file_get_basename (file) : NULL);
  return TRUE;
}

static void
open_b_response (GtkNativeDialog *dialog,
                 int              response,
                 AugurWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      augur_window_open_recipe_as_b (self, file);
    }
  g_object_unref (dialog);
}

static void
show_open_b_dialog (AugurWindow *self)
{
  show_recipe_chooser (self, _("Open a Recipe as B"), G_CALLBACK (open_b_response));
}

/* Runs @then, after asking what to do with B's unsaved changes (if any):
 * the editor moves to B for the question, so that saving saves B. */
static void
confirm_b_then (AugurWindow  *self,
                const char   *heading,
                ContinueFunc  then)
{
  if (!b_is_modified (self))
    {
      then (self);
      return;
    }
  edit_side (self, TRUE);
  confirm_unsaved_then (self, heading, then);
}

static void
finish_compare (AugurWindow *self)
{
  if (!self->comparing)
    return;
  edit_side (self, FALSE);
  self->comparing = FALSE;
  clear_other_document (self);
  g_clear_pointer (&self->b_name, g_free);
  g_clear_object (&self->compare_sample);
  self->compare_labels = NULL;
  augur_compare_view_set_recipe (AUGUR_COMPARE_VIEW (self->compare_view), AUGUR_COMPARE_A, NULL, NULL);
  augur_compare_view_set_recipe (AUGUR_COMPARE_VIEW (self->compare_view), AUGUR_COMPARE_B, NULL, NULL);
  augur_compare_view_set_sample (AUGUR_COMPARE_VIEW (self->compare_view), NULL, NULL);
  gtk_stack_set_visible_child (GTK_STACK (self->view_stack), self->preview_pane);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare-save-b", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare-close", FALSE);
  push_recipe_to_views (self, FALSE);
  update_state (self);
}

static void
finish_compare_then_close (AugurWindow *self)
{
  finish_compare (self);
  gtk_window_close (GTK_WINDOW (self));
}

static void
compare_duplicate_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  confirm_b_then (AUGUR_WINDOW (widget), _("Save Recipe B Before Replacing It?"), duplicate_as_b);
}

static void
compare_open_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  confirm_b_then (AUGUR_WINDOW (widget), _("Save Recipe B Before Replacing It?"), show_open_b_dialog);
}

static void
compare_save_b_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AugurWindow *self = AUGUR_WINDOW (widget);

  if (!self->comparing)
    return;
  /* the editor shows what is being saved */
  edit_side (self, TRUE);
  save_as_then (self, NULL);
}

static void
compare_close_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  confirm_b_then (AUGUR_WINDOW (widget), _("Save Recipe B Before Closing the Comparison?"),
                  finish_compare);
}

/**
 * augur_window_get_compare_view:
 *
 * Returns: (transfer none): the comparison of recipes A and B, shown in
 *   place of the preview while comparing
 */
GtkWidget *
augur_window_get_compare_view (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), NULL);

  return self->compare_view;
}

gboolean
augur_window_get_comparing (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), FALSE);

  return self->comparing;
}

/* ------------------------------------------------------------------------ */
/* Window */

static void
finish_close (AugurWindow *self)
{
  remove_autosave (self);
  self->force_close = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_window_state (AugurWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_int (self->settings, "sidebar-position",
                      gtk_paned_get_position (self->outer_paned));
  if (gtk_widget_get_width (self->editor) > 0)
    g_settings_set_int (self->settings, "editor-width", gtk_widget_get_width (self->editor));
  g_settings_apply (self->settings);
}

static gboolean
augur_window_close_request (GtkWindow *window)
{
  AugurWindow *self = AUGUR_WINDOW (window);

  /* B first (its question names it), then A as ever */
  if (!self->force_close && b_is_modified (self))
    {
      confirm_b_then (self, _("Save Changes to Recipe B?"), finish_compare_then_close);
      return TRUE;
    }
  finish_compare (self);

  if (!self->force_close && augur_window_get_modified (self))
    {
      confirm_unsaved_then (self, _("Save Changes?"), finish_close);
      return TRUE;
    }

  save_window_state (self);
  if (!augur_window_get_modified (self))
    remove_autosave (self);
  g_clear_handle_id (&self->autosave_id, g_source_remove);

  return GTK_WINDOW_CLASS (augur_window_parent_class)->close_request (window);
}

/* The editor gets the width it had last time (its comfortable width, its
 * titles on one line, the first time), within what the window has room
 * for beside a preview of PREVIEW_COMFORTABLE_WIDTH; a window with room for
 * both never gets less than the comfortable width (a narrow session does
 * not leave a wide screen with a cramped editor), and the editor never
 * takes more than half. Done at the first allocation: afterwards the
 * divider is the user's, and both sides grow with the window. */
#define EDITOR_COMFORTABLE_WIDTH 430
#define PREVIEW_COMFORTABLE_WIDTH 560

/**
 * augur_window_editor_width_for:
 * @saved: the width saved last time, or <= 0
 * @width: the width of the preview and editor together
 *
 * Returns: the editor's width in a window of @width (see above)
 */
int
augur_window_editor_width_for (int saved,
                               int width)
{
  int editor_width = saved > 0 ? saved : EDITOR_COMFORTABLE_WIDTH;

  if (width >= EDITOR_COMFORTABLE_WIDTH + PREVIEW_COMFORTABLE_WIDTH)
    editor_width = MAX (editor_width, EDITOR_COMFORTABLE_WIDTH);
  editor_width = MIN (editor_width, width - PREVIEW_COMFORTABLE_WIDTH);
  editor_width = MIN (editor_width, width / 2);
  return MAX (editor_width, 0);
}

static void
place_editor_divider (AugurWindow *self)
{
  int max_position = 0, min_position = 0, width, editor_width;

  g_object_get (self->inner_paned, "max-position", &max_position,
                "min-position", &min_position, NULL);
  if (max_position <= 0)
    return;
  g_signal_handlers_disconnect_by_func (self->inner_paned, place_editor_divider, self);
  width = gtk_widget_get_width (GTK_WIDGET (self->inner_paned));
  editor_width = augur_window_editor_width_for (g_settings_get_int (self->settings, "editor-width"),
                                                width);
  /* (the paned keeps the editor at its minimum at least) */
  gtk_paned_set_position (self->inner_paned, CLAMP (width - editor_width, min_position, max_position));
}

static void
augur_window_constructed (GObject *object)
{
  AugurWindow *self = AUGUR_WINDOW (object);

  G_OBJECT_CLASS (augur_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  gtk_paned_set_position (self->outer_paned,
                          g_settings_get_int (self->settings, "sidebar-position"));
  g_signal_connect_object (self->inner_paned, "notify::max-position",
                           G_CALLBACK (place_editor_divider), self, G_CONNECT_SWAPPED);
}

static void
augur_window_dispose (GObject *object)
{
  AugurWindow *self = AUGUR_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  self->autosave_generation++;
  if (autosave_owner == self)
    autosave_owner = NULL;
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, on_settings_changed, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), AUGUR_TYPE_WINDOW);

  g_clear_object (&self->current);
  g_clear_object (&self->compare_sample);
  g_clear_object (&self->samples);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->recent_menu);

  G_OBJECT_CLASS (augur_window_parent_class)->dispose (object);
}

static void
augur_window_finalize (GObject *object)
{
  AugurWindow *self = AUGUR_WINDOW (object);

  g_clear_pointer (&self->recipe, augur_recipe_free);
  g_clear_pointer (&self->saved_recipe, augur_recipe_free);
  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->redo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->merge_description, g_free);
  g_clear_pointer (&self->last_message, g_free);
  g_clear_pointer (&self->last_details, g_free);
  g_clear_pointer (&self->pending_recent, g_free);
  g_clear_pointer (&self->pending_preset, g_free);
  g_clear_object (&self->file);
  clear_other_document (self);
  g_clear_pointer (&self->b_name, g_free);

  G_OBJECT_CLASS (augur_window_parent_class)->finalize (object);
}

static void
augur_window_class_init (AugurWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = augur_window_constructed;
  object_class->dispose = augur_window_dispose;
  object_class->finalize = augur_window_finalize;
  window_class->close_request = augur_window_close_request;

  g_type_ensure (AUGUR_TYPE_SAMPLE_STRIP);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/augur/Augur/augur-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AugurWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AugurWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, AugurWindow, undo_button);
  gtk_widget_class_bind_template_child (widget_class, AugurWindow, redo_button);
  gtk_widget_class_bind_template_child (widget_class, AugurWindow, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, AugurWindow, inner_paned);
  gtk_widget_class_bind_template_child (widget_class, AugurWindow, cost_bar);
  gtk_widget_class_bind_template_child (widget_class, AugurWindow, cost_label);
  gtk_widget_class_bind_template_child (widget_class, AugurWindow, sample_strip);
  gtk_widget_class_bind_template_child (widget_class, AugurWindow, open_menu);

  gtk_widget_class_install_action (widget_class, "win.open-images", NULL, open_images_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_images_action);
  gtk_widget_class_install_action (widget_class, "win.open-recipe", NULL, open_recipe_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.remove-sample", NULL, remove_sample_action);
  gtk_widget_class_install_action (widget_class, "win.export-command", NULL, export_command_action);
  gtk_widget_class_install_action (widget_class, "win.error-details", "s", error_details_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.export-albumentations", "s",
                                   export_albumentations_action);
  gtk_widget_class_install_action (widget_class, "win.copy-python", NULL, copy_python_action);
  gtk_widget_class_install_action (widget_class, "win.open-labels", NULL, open_labels_action);
  gtk_widget_class_install_action (widget_class, "win.open-label-folder", NULL,
                                   open_labels_action);
  gtk_widget_class_install_action (widget_class, "win.check-leaks", NULL, check_leaks_action);
  gtk_widget_class_install_action (widget_class, "win.new-from-preset", NULL,
                                   new_from_preset_action);
  gtk_widget_class_install_action (widget_class, "win.open-preset", "s", open_preset_action);
  gtk_widget_class_install_action (widget_class, "win.compare-duplicate", NULL,
                                   compare_duplicate_action);
  gtk_widget_class_install_action (widget_class, "win.compare-open", NULL, compare_open_action);
  gtk_widget_class_install_action (widget_class, "win.compare-save-b", NULL, compare_save_b_action);
  gtk_widget_class_install_action (widget_class, "win.compare-close", NULL, compare_close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK,
                                       "win.compare-duplicate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_B, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.compare-close", NULL);
}

static void
augur_window_init (AugurWindow *self)
{
  GtkDropTarget *drop;

  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  self->recipe = augur_recipe_new ();
  self->saved_recipe = augur_recipe_new ();
  self->undo_stack = g_ptr_array_new_with_free_func (undo_entry_free);
  self->redo_stack = g_ptr_array_new_with_free_func (undo_entry_free);
  self->samples = g_list_store_new (AUGUR_TYPE_SAMPLE);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->max_folder_images = MAX_FOLDER_IMAGES;
  self->recent_menu = g_menu_new ();
  {
    g_autoptr(GMenu) section = g_menu_new ();

    g_menu_append_submenu (section, _("Open Rece_nt"), G_MENU_MODEL (self->recent_menu));
    g_menu_append_section (self->open_menu, NULL, G_MENU_MODEL (section));
  }
  update_recent_menu (self);

#ifdef AUGUR_HAVE_PREVIEW_PANE
  self->preview_pane = augur_preview_pane_new ();
  augur_preview_pane_set_samples (AUGUR_PREVIEW_PANE (self->preview_pane),
                                  G_LIST_MODEL (self->samples));
  g_signal_connect_object (self->preview_pane, "error", G_CALLBACK (on_pane_error), self, 0);
  /* both ways: the preferences and the pane's own draws menu */
  g_settings_bind (self->settings, "grid-size", self->preview_pane, "grid-size",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "show-replay",
                   augur_preview_pane_get_draw_view (AUGUR_PREVIEW_PANE (self->preview_pane)),
                   "replay-visible", G_SETTINGS_BIND_DEFAULT);
#else
  self->preview_pane = placeholder_new (_("Preview"));
#endif
  gtk_widget_set_hexpand (self->preview_pane, TRUE);
  /* the preview, or two recipes side by side while comparing */
  self->compare_view = augur_compare_view_new ();
  g_signal_connect_object (self->compare_view, "notify::editing", G_CALLBACK (on_compare_editing),
                           self, G_CONNECT_SWAPPED);
  self->view_stack = gtk_stack_new ();
  /* sized by the view shown: the other's minimum must not widen the window */
  gtk_stack_set_hhomogeneous (GTK_STACK (self->view_stack), FALSE);
  gtk_stack_set_vhomogeneous (GTK_STACK (self->view_stack), FALSE);
  gtk_stack_add_child (GTK_STACK (self->view_stack), self->preview_pane);
  gtk_stack_add_child (GTK_STACK (self->view_stack), self->compare_view);
  gtk_stack_set_visible_child (GTK_STACK (self->view_stack), self->preview_pane);
  gtk_paned_set_start_child (self->inner_paned, self->view_stack);
#ifdef AUGUR_HAVE_PREVIEW_PANE
  g_signal_connect_object (self->preview_pane, "notify::grid-size", G_CALLBACK (on_pane_grid_size),
                           self, G_CONNECT_SWAPPED);
#endif
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare-save-b", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare-close", FALSE);

#ifdef AUGUR_HAVE_PIPELINE_EDITOR
  self->editor = augur_pipeline_editor_new ();
  g_signal_connect_object (self->editor, "changed", G_CALLBACK (on_editor_changed), self, 0);
  g_signal_connect_object (self->editor, "selection-changed",
                           G_CALLBACK (on_editor_selection_changed), self, 0);
#else
  self->editor = placeholder_new (_("Pipeline"));
#endif
  /* room for a step's name, its badges and its switch; the preview takes
   * whatever the window has beyond */
  gtk_widget_set_size_request (self->editor, 360, -1);
  gtk_paned_set_end_child (self->inner_paned, self->editor);
#if defined (AUGUR_HAVE_PREVIEW_PANE) && defined (AUGUR_HAVE_PIPELINE_EDITOR)
  /* each step's row shows what it took in the preview's full draws */
  augur_pipeline_editor_set_cost_source (AUGUR_PIPELINE_EDITOR (self->editor),
                                         augur_preview_pane_get_engine (AUGUR_PREVIEW_PANE (self->preview_pane)));
#endif

  augur_sample_strip_set_model (self->sample_strip, G_LIST_MODEL (self->samples));
  g_settings_bind (self->settings, "show-samples", self->sample_strip, "visible",
                   G_SETTINGS_BIND_DEFAULT);
  {
    /* win.show-samples (F9): the strip's visibility, for the keyboard */
    g_autoptr(GPropertyAction) show_samples =
      g_property_action_new ("show-samples", self->sample_strip, "visible");

    g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (show_samples));
  }
  g_signal_connect_object (self->sample_strip, "notify::selected",
                           G_CALLBACK (on_sample_selected), self, G_CONNECT_SWAPPED);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  g_signal_connect (self->settings, "changed", G_CALLBACK (on_settings_changed), self);
  apply_settings (self, NULL);

  push_recipe_to_views (self, TRUE);
  update_state (self);
}

AugurWindow *
augur_window_new (AugurApplication *application)
{
  return g_object_new (AUGUR_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

const AugurRecipe *
augur_window_get_recipe (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), NULL);
  return self->recipe;
}

GFile *
augur_window_get_file (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), NULL);
  return self->file;
}

GListModel *
augur_window_get_samples (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->samples);
}

GtkWidget *
augur_window_get_preview_pane (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), NULL);
  return self->preview_pane;
}

GtkWidget *
augur_window_get_editor (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), NULL);
  return self->editor;
}

GtkWidget *
augur_window_get_sample_strip (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->sample_strip);
}

const char *
augur_window_get_last_message (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), NULL);
  return self->last_message;
}

guint
augur_window_get_n_undo (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), 0);
  return self->undo_stack->len;
}

const char *
augur_window_get_last_details (AugurWindow *self)
{
  g_return_val_if_fail (AUGUR_IS_WINDOW (self), NULL);
  return self->last_details;
}

void
augur_window_set_max_folder_images (AugurWindow *self,
                                    guint        max)
{
  g_return_if_fail (AUGUR_IS_WINDOW (self));
  g_return_if_fail (max > 0);
  self->max_folder_images = max;
}

void
augur_window_restore_session (AugurWindow *self,
                              gboolean    *recipe_out,
                              gboolean    *samples_out)
{
  g_autofree char *recipe_uri = NULL;
  g_autofree char *folder_uri = NULL;
  gboolean recipe = FALSE, samples = FALSE;

  g_return_if_fail (AUGUR_IS_WINDOW (self));

  recipe_uri = g_settings_get_string (self->settings, "last-recipe");
  if (*recipe_uri != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_uri (recipe_uri);

      /* a recipe deleted since is forgotten quietly, not reported */
      if (g_file_query_exists (file, NULL))
        recipe = augur_window_open_recipe (self, file);
      else
        forget_recipe (self, file);
    }

  folder_uri = g_settings_get_string (self->settings, "samples-folder");
  if (*folder_uri != '\0')
    {
      g_autoptr(GFile) folder = g_file_new_for_uri (folder_uri);

      if (g_file_query_file_type (folder, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
        {
          augur_window_add_files (self, &folder, 1);
          samples = TRUE;
        }
    }

  if (recipe_out != NULL)
    *recipe_out = recipe;
  if (samples_out != NULL)
    *samples_out = samples;
}
