/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-editor"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-group.h"
#include "augur-pipeline.h"
#include "augur-sample.h"
#include "augur-step-chooser.h"

#define THUMB_SIZE     64
#define THUMB_SEED     G_GUINT64_CONSTANT (20240611)
#define THUMB_ATTEMPTS 6
#define GROUPS_TITLE   "Groups"

struct _AugurStepChooser
{
  GtkPopover parent_instance;

  GtkWidget *search;
  GtkWidget *list;
  GPtrArray *pictures;     /* GtkPicture, one per transform, registry order */

  AugurImage *image;
  gboolean thumbs_dirty;
  guint generation;
  GCancellable *cancellable;
  guint n_thumbnails;
};

G_DEFINE_FINAL_TYPE (AugurStepChooser, augur_step_chooser, GTK_TYPE_POPOVER)

enum {
  CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Thumbnails --------------------------------------------------------------------- */

/* A small synthetic scene (sky, ground, sun, a slanted bar) in which flips,
 * rotations, crops and colour changes are all visible. */
AugurImage *
augur_step_chooser_default_image (int size)
{
  AugurImage *image = augur_image_new (size, size, 3);

  for (int y = 0; y < size; y++)
    {
      guint8 *row = augur_image_row (image, y);

      for (int x = 0; x < size; x++)
        {
          double fx = (x + 0.5) / size, fy = (y + 0.5) / size;
          guint8 *px = row + 3 * x;
          double sun = hypot (fx - 0.72, fy - 0.28);

          if (fy < 0.62)
            {
              px[0] = (guint8) (90 + 80 * fy);
              px[1] = (guint8) (150 + 60 * fy);
              px[2] = (guint8) (230 - 20 * fy);
            }
          else
            {
              px[0] = (guint8) (60 + 40 * fx);
              px[1] = (guint8) (140 - 30 * fy);
              px[2] = 50;
            }
          if (sun < 0.13)
            px[0] = 250, px[1] = 200, px[2] = 60;
          if (fabs ((fx - 0.25) - 0.5 * (fy - 0.55)) < 0.06 && fy > 0.3 && fy < 0.85)
            px[0] = 180, px[1] = 40, px[2] = 50;
        }
    }
  return image;
}

/* The thumbnail source: augur_image_fit(), in colour. */
static AugurImage *
fit_image (const AugurImage *image,
           int               size)
{
  g_autoptr(AugurImage) rgb = augur_image_fit (image, size);

  if (rgb->channels == 1)
    return augur_image_convert (rgb, 3);
  return g_steal_pointer (&rgb);
}

/* @image turned by half a turn: the reference a blend's thumbnail mixes
 * in, unlike the image wherever it is not symmetric. */
static AugurImage *
half_turn (const AugurImage *image)
{
  AugurImage *out = augur_image_new_like (image);
  int nc = image->channels;

  for (int y = 0; y < image->height; y++)
    {
      const guint8 *src = augur_image_row (image, image->height - 1 - y);
      guint8 *dst = augur_image_row (out, y);

      for (int x = 0; x < image->width; x++)
        memcpy (dst + x * nc, src + (image->width - 1 - x) * nc, nc);
    }
  return out;
}

AugurImage *
augur_step_chooser_render_thumbnail (const AugurImage *image,
                                     const char       *type_name,
                                     int               size)
{
  const AugurTransformInfo *info = augur_transform_lookup (type_name);
  g_autoptr(AugurImage) small = NULL;
  g_autoptr(AugurNode) node = NULL;
  g_autoptr(AugurImage) out = NULL;
  g_autoptr(AugurReferencePool) pool = NULL;
  AugurShape shape;

  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (info != NULL, NULL);

  small = fit_image (image, size);
  shape = (AugurShape) { small->width, small->height, small->channels };
  node = augur_node_new_transform (info);
  if (info->n_references > 0)
    {
      g_autoptr(AugurImage) turned = half_turn (small);
      const char *keys[] = { "thumbnail" };

      pool = augur_reference_pool_new_from_images (keys, &turned, 1);
    }

  /* A draw that changes nothing (a rotation by 0 quarter turns) says
   * nothing about the transform: try a few fixed seeds for one that shows
   * an effect, always in the same order, so the thumbnail is stable. */
  for (guint attempt = 0; attempt < THUMB_ATTEMPTS; attempt++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(GError) error = NULL;

      replay = augur_node_sample_full (node, &shape, THUMB_SEED + attempt, TRUE, pool, &error);
      g_clear_pointer (&out, augur_image_unref);
      if (replay != NULL)
        out = augur_node_apply_full (node, small, replay, pool, NULL, NULL, &error);
      if (out == NULL)
        {
          g_warning ("No thumbnail for %s: %s", type_name, error->message);
          break;
        }
      if (!augur_image_equal (out, small))
        break;
    }

  if (out == NULL)
    return NULL;
  if (out->channels == 1)
    return augur_image_convert (out, 3);
  return g_steal_pointer (&out);
}

typedef struct
{
  AugurImage *image;
  guint generation;
} ThumbJob;

static void
thumb_job_free (ThumbJob *job)
{
  g_clear_pointer (&job->image, augur_image_unref);
  g_free (job);
}

/* One thumbnail, posted from the worker as soon as it is made. */
typedef struct
{
  AugurStepChooser *self;
  guint             generation;
  guint             index;
  GdkTexture       *texture;   /* NULL: nothing to show */
  gboolean          final;     /* at full size */
} ThumbResult;

static void
thumb_result_free (gpointer data)
{
  ThumbResult *r = data;

  g_object_unref (r->self);
  g_clear_object (&r->texture);
  g_free (r);
}

static gboolean
show_thumb (gpointer data)
{
  ThumbResult *r = data;
  AugurStepChooser *self = r->self;

  if (r->generation != self->generation || r->index >= self->pictures->len)
    return G_SOURCE_REMOVE;
  /* (a small first pass is replaced; a full one that shows nothing stays empty) */
  if (r->texture != NULL || r->final)
    gtk_picture_set_paintable (GTK_PICTURE (self->pictures->pdata[r->index]),
                               GDK_PAINTABLE (r->texture));
  if (r->final && r->texture != NULL)
    self->n_thumbnails++;
  return G_SOURCE_REMOVE;
}

/* Renders every thumbnail twice, posting each as it is done: first at a
 * third of the size (all of them appear within a fraction of the time),
 * then at full size, replacing them one by one. */
static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  static const int sizes[] = { THUMB_SIZE / 3, THUMB_SIZE };
  ThumbJob *job = task_data;
  const AugurTransformInfo *const *list;
  guint n;

  list = augur_transforms_list (&n);
  for (guint pass = 0; pass < G_N_ELEMENTS (sizes); pass++)
    {
      g_autoptr(AugurImage) source = job->image ? fit_image (job->image, sizes[pass])
                                                : augur_step_chooser_default_image (sizes[pass]);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(AugurImage) thumb = NULL;
          ThumbResult *r;

          if (g_task_return_error_if_cancelled (task))
            return;
          thumb = augur_step_chooser_render_thumbnail (source, list[i]->name, sizes[pass]);
          r = g_new0 (ThumbResult, 1);
          r->self = g_object_ref (source_object);
          r->generation = job->generation;
          r->index = i;
          r->final = pass == G_N_ELEMENTS (sizes) - 1;
          /* A transform that leaves nothing to show keeps an empty picture. */
          r->texture = thumb && thumb->width > 0 && thumb->height > 0
                       ? augur_texture_new_for_image (thumb) : NULL;
          g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, show_thumb, r, thumb_result_free);
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
render_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

void
augur_step_chooser_update_thumbnails (AugurStepChooser *self)
{
  g_autoptr(GTask) task = NULL;
  ThumbJob *job;

  g_return_if_fail (AUGUR_IS_STEP_CHOOSER (self));

  if (!self->thumbs_dirty)
    return;
  self->thumbs_dirty = FALSE;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  job = g_new0 (ThumbJob, 1);
  job->image = self->image ? augur_image_ref (self->image) : NULL;
  job->generation = ++self->generation;
  self->n_thumbnails = 0;

  task = g_task_new (self, self->cancellable, render_done, NULL);
  g_task_set_source_tag (task, augur_step_chooser_update_thumbnails);
  g_task_set_task_data (task, job, (GDestroyNotify) thumb_job_free);
  g_task_run_in_thread (task, render_thread);
}

void
augur_step_chooser_set_image (AugurStepChooser *self,
                              AugurImage       *image)
{
  g_return_if_fail (AUGUR_IS_STEP_CHOOSER (self));

  if (image == self->image)
    return;
  g_clear_pointer (&self->image, augur_image_unref);
  if (image)
    self->image = augur_image_ref (image);
  self->thumbs_dirty = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    augur_step_chooser_update_thumbnails (self);
}

guint
augur_step_chooser_get_n_thumbnails (AugurStepChooser *self)
{
  g_return_val_if_fail (AUGUR_IS_STEP_CHOOSER (self), 0);
  return self->n_thumbnails;
}

/* The list ------------------------------------------------------------------------- */

static GtkWidget *
make_row (const char *type_name,
          const char *category,
          const char *label,
          const char *description,
          GtkWidget  *image)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (label);
  GtkWidget *desc = gtk_label_new (description);
  g_autofree char *search = g_strdup_printf ("%s %s %s %s", label, type_name, description, category);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);

  gtk_widget_set_valign (image, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), image);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (desc), 0);
  gtk_label_set_wrap (GTK_LABEL (desc), TRUE);
  gtk_label_set_lines (GTK_LABEL (desc), 2);
  gtk_label_set_ellipsize (GTK_LABEL (desc), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (desc), 40);
  gtk_label_set_width_chars (GTK_LABEL (desc), 34);
  gtk_widget_add_css_class (desc, "dim-label");
  gtk_widget_add_css_class (desc, "caption");
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), desc);
  gtk_box_append (GTK_BOX (box), text);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, description);
  g_object_set_data_full (G_OBJECT (row), "type-name", g_strdup (type_name), g_free);
  g_object_set_data (G_OBJECT (row), "category", (gpointer) category);
  g_object_set_data_full (G_OBJECT (row), "search", g_utf8_casefold (search, -1), g_free);
  return row;
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  const char *category = g_object_get_data (G_OBJECT (row), "category");
  const char *previous = before ? g_object_get_data (G_OBJECT (before), "category") : NULL;
  GtkWidget *header;

  if (previous && g_str_equal (previous, category))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_label_new (category);
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dim-label");
  gtk_widget_set_margin_top (header, before ? 12 : 6);
  gtk_widget_set_margin_bottom (header, 4);
  gtk_widget_set_margin_start (header, 8);
  gtk_list_box_row_set_header (row, header);
}

static gboolean
filter_func (GtkListBoxRow *row,
             gpointer       user_data)
{
  AugurStepChooser *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search));
  const char *haystack = g_object_get_data (G_OBJECT (row), "search");
  g_autofree char *needle = NULL;
  g_auto(GStrv) words = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;

  needle = g_utf8_casefold (text, -1);
  words = g_strsplit_set (needle, " \t", -1);
  for (guint i = 0; words[i]; i++)
    if (*words[i] && strstr (haystack, words[i]) == NULL)
      return FALSE;
  return TRUE;
}

static void
search_changed_cb (GtkSearchEntry   *entry,
                   AugurStepChooser *self)
{
  gtk_list_box_invalidate_filter (GTK_LIST_BOX (self->list));
  gtk_list_box_invalidate_headers (GTK_LIST_BOX (self->list));
}

static void
row_activated_cb (GtkListBox       *list,
                  GtkListBoxRow    *row,
                  AugurStepChooser *self)
{
  g_autofree char *name = g_strdup (g_object_get_data (G_OBJECT (row), "type-name"));

  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[CHOSEN], 0, name);
}

static GtkListBoxRow *
first_visible_row (AugurStepChooser *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (self->list);
       child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child) &&
        filter_func (GTK_LIST_BOX_ROW (child), self))
      return GTK_LIST_BOX_ROW (child);
  return NULL;
}

guint
augur_step_chooser_get_n_visible (AugurStepChooser *self)
{
  guint n = 0;

  g_return_val_if_fail (AUGUR_IS_STEP_CHOOSER (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (self->list);
       child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && filter_func (GTK_LIST_BOX_ROW (child), self))
      n++;
  return n;
}

void
augur_step_chooser_set_search (AugurStepChooser *self,
                               const char       *text)
{
  g_return_if_fail (AUGUR_IS_STEP_CHOOSER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search), text ? text : "");
  search_changed_cb (GTK_SEARCH_ENTRY (self->search), self);
}

static void
search_activate_cb (GtkSearchEntry   *entry,
                    AugurStepChooser *self)
{
  GtkListBoxRow *row = first_visible_row (self);

  if (row)
    row_activated_cb (GTK_LIST_BOX (self->list), row, self);
}

static gboolean
search_key_cb (GtkEventControllerKey *controller,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               AugurStepChooser      *self)
{
  GtkListBoxRow *row;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return FALSE;
  row = first_visible_row (self);
  if (row)
    gtk_widget_grab_focus (GTK_WIDGET (row));
  return row != NULL;
}

static void
stop_search_cb (GtkSearchEntry   *entry,
                AugurStepChooser *self)
{
  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
populate (AugurStepChooser *self)
{
  const char *const *categories = augur_transform_categories ();
  const AugurTransformInfo *const *list;
  const AugurGroupInfo *groups;
  guint n, n_groups;
  g_autofree GtkWidget **pictures = NULL;

  list = augur_transforms_list (&n);
  pictures = g_new0 (GtkWidget *, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      GtkWidget *picture = gtk_picture_new ();

      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_widget_set_size_request (picture, 48, 48);
      gtk_widget_add_css_class (picture, "augur-thumbnail");
      pictures[i] = picture;
      g_ptr_array_add (self->pictures, picture);
    }

  /* By category in the registry's order, then anything in a category the
   * list does not name. */
  for (guint c = 0; categories[c]; c++)
    for (guint i = 0; i < n; i++)
      if (g_strcmp0 (list[i]->category, categories[c]) == 0)
        gtk_list_box_append (GTK_LIST_BOX (self->list),
                             make_row (list[i]->name, list[i]->category, list[i]->label,
                                       list[i]->description, pictures[i]));
  for (guint i = 0; i < n; i++)
    if (gtk_widget_get_parent (pictures[i]) == NULL)
      gtk_list_box_append (GTK_LIST_BOX (self->list),
                           make_row (list[i]->name, list[i]->category ? list[i]->category : "Other",
                                     list[i]->label, list[i]->description, pictures[i]));

  groups = augur_groups_list (&n_groups);
  for (guint i = 0; i < n_groups; i++)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (groups[i].icon_name);

      gtk_image_set_pixel_size (GTK_IMAGE (icon), 24);
      gtk_widget_set_size_request (icon, 48, 48);
      gtk_widget_add_css_class (icon, "augur-thumbnail");
      gtk_list_box_append (GTK_LIST_BOX (self->list),
                           make_row (groups[i].name, GROUPS_TITLE, groups[i].label,
                                     groups[i].description, icon));
    }
}

static void
augur_step_chooser_show (GtkWidget *widget)
{
  AugurStepChooser *self = AUGUR_STEP_CHOOSER (widget);

  GTK_WIDGET_CLASS (augur_step_chooser_parent_class)->show (widget);

  augur_step_chooser_update_thumbnails (self);
  gtk_widget_grab_focus (self->search);
}

static void
augur_step_chooser_dispose (GObject *object)
{
  AugurStepChooser *self = AUGUR_STEP_CHOOSER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (augur_step_chooser_parent_class)->dispose (object);
}

static void
augur_step_chooser_finalize (GObject *object)
{
  AugurStepChooser *self = AUGUR_STEP_CHOOSER (object);

  g_clear_pointer (&self->image, augur_image_unref);
  g_clear_pointer (&self->pictures, g_ptr_array_unref);

  G_OBJECT_CLASS (augur_step_chooser_parent_class)->finalize (object);
}

static void
augur_step_chooser_class_init (AugurStepChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = augur_step_chooser_dispose;
  object_class->finalize = augur_step_chooser_finalize;
  widget_class->show = augur_step_chooser_show;

  /**
   * AugurStepChooser::chosen:
   * @type_name: a transform's name or a group kind ("OneOf", ...)
   */
  signals[CHOSEN] =
    g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
augur_step_chooser_init (AugurStepChooser *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *placeholder = gtk_label_new ("No matching transform");
  GtkEventController *key;

  self->pictures = g_ptr_array_new ();
  self->thumbs_dirty = TRUE;

  self->search = gtk_search_entry_new ();
  g_object_set (self->search, "placeholder-text", "Search transforms", NULL);
  g_signal_connect (self->search, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect (self->search, "activate", G_CALLBACK (search_activate_cb), self);
  g_signal_connect (self->search, "stop-search", G_CALLBACK (stop_search_cb), self);
  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (search_key_cb), self);
  gtk_widget_add_controller (self->search, key);
  gtk_box_append (GTK_BOX (box), self->search);

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (self->list), TRUE);
  gtk_list_box_set_header_func (GTK_LIST_BOX (self->list), header_func, NULL, NULL);
  gtk_list_box_set_filter_func (GTK_LIST_BOX (self->list), filter_func, self, NULL);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 24);
  gtk_widget_set_margin_bottom (placeholder, 24);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (self->list), placeholder);
  gtk_widget_add_css_class (self->list, "navigation-sidebar");
  g_signal_connect (self->list, "row-activated", G_CALLBACK (row_activated_cb), self);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 520);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 200);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->list);
  gtk_box_append (GTK_BOX (box), scroller);

  gtk_search_entry_set_key_capture_widget (GTK_SEARCH_ENTRY (self->search), box);
  gtk_popover_set_child (GTK_POPOVER (self), box);

  populate (self);
}

GtkWidget *
augur_step_chooser_new (void)
{
  return g_object_new (AUGUR_TYPE_STEP_CHOOSER, NULL);
}
