/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-ui"

#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "augur-draw-view.h"
#include "augur-extremes.h"
#include "augur-label-formats.h"
#include "augur-label-overlay.h"
#include "augur-cell-grid.h"
#include "augur-picture.h"
#include "augur-preview-pane.h"

/*
 * The centre of the window: the current sample's original beside what the
 * recipe does to it, in one of four modes:
 *
 * - grid: N draws (1, 4, 9, 16) of the current sample;
 * - all-samples: one draw of each loaded sample;
 * - step-through: for one draw, the image after each applied step;
 * - extremes: for the step selected in the editor, each of its ranges at
 *   its low end, middle and high end.
 *
 * Every image is made on the engine's workers; this file only asks for
 * them and shows them. See augur-preview-pane.h for how seeds behave.
 */

typedef enum
{
  MODE_GRID,
  MODE_ALL_SAMPLES,
  MODE_STEP_THROUGH,
  MODE_EXTREMES,
  N_MODES
} Mode;

static const char *const mode_names[N_MODES] = {
  "grid", "all-samples", "step-through", "extremes",
};

static const char *const mode_labels[N_MODES] = {
  "Grid", "All Samples", "Step-Through", "Extremes",
};

static const char *const mode_icons[N_MODES] = {
  "view-grid-symbolic", "view-app-grid-symbolic", "view-continuous-symbolic", "view-dual-symbolic",
};

static const char *const mode_tooltips[N_MODES] = {
  "Random draws of the current sample",
  "One draw of every sample",
  "The image after each step of one draw",
  "The selected step at the ends of its ranges",
};

/* One image of the step-through or extremes views. */
typedef struct
{
  AugurImage *image;
  GdkTexture *texture;
  char       *title;
  char       *subtitle;
  char       *group;   /* extremes: the parameter */
} Frame;

static void
frame_free (Frame *frame)
{
  g_clear_pointer (&frame->image, augur_image_unref);
  g_clear_object (&frame->texture);
  g_free (frame->title);
  g_free (frame->subtitle);
  g_free (frame->group);
  g_free (frame);
}

struct _AugurPreviewPane
{
  GtkWidget           parent_instance;

  AugurPreviewEngine *engine;
  GListModel         *samples;
  AugurSample        *current;
  AugurRecipe        *recipe;
  char               *selected_path;

  Mode                mode;
  guint               grid_size;
  gboolean            diff;
  gboolean            seed_locked;
  gboolean            have_seed;
  guint64             seed;
  int                 preview_size;
  guint               selected_draw;
  guint               open_draw;      /* the draw the draw view shows */

  GPtrArray          *draw_samples;   /* AugurSample of each draw of the engine's request */
  char               *references_key; /* the samples the engine's reference pool holds */
  AugurReferencePool *references;     /* that pool: its labels are the samples' */
  guint64             error_generation; /* the request whose failure was last told */
  AugurLabelSource   *label_source;   /* NULL: no labels drawn */
  AugurLabelOverlayFlags label_flags;

  GCancellable       *aux_cancellable;
  guint               aux_serial;
  GPtrArray          *frames;         /* Frame: step-through or extremes */
  gboolean            frames_reduced; /* the frames are the quick pass */
  gboolean            aux_full_shown;

  /* widgets */
  GtkWidget          *box;
  GtkWidget          *toolbar;
  GtkWidget          *grid_button;
  GtkWidget          *labels_button;
  GtkWidget          *mode_menu;
  GtkWidget          *diff_button;
  GtkWidget          *seed_spin;
  GtkWidget          *spinner;
  GtkWidget          *main_stack;
  GtkWidget          *status_empty;
  GtkWidget          *status_error;
  GtkWidget          *original_box;
  GtkWidget          *original_picture;
  GtkWidget          *original_layer;
  GtkWidget          *original_caption;
  GtkWidget          *content_stack;
  GtkWidget          *content_title;
  GtkWidget          *draw_nav;
  GtkWidget          *content_caption;
  GtkWidget          *status_content;
  GtkWidget          *draw_grid;
  GPtrArray          *cells;          /* GtkWidget (cell overlay) */
  GtkWidget          *frames_box;
  GtkWidget          *draw_view;
};

G_DEFINE_FINAL_TYPE (AugurPreviewPane, augur_preview_pane, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODE,
  PROP_GRID_SIZE,
  PROP_DIFF,
  PROP_SEED_LOCKED,
  PROP_SEED,
  PROP_SHOW_BOXES,
  PROP_SHOW_KEYPOINTS,
  PROP_SHOW_MASKS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_RENDERED,
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void refresh (AugurPreviewPane *self);
static void set_label_flag (AugurPreviewPane *self, AugurLabelOverlayFlags flag, gboolean on,
                            GParamSpec *pspec);
static void update_content_heading (AugurPreviewPane *self);

/* On a draw from the quick pass, until the full-resolution one replaces it. */
#define REDUCED_BADGE "Preview"

/* Helpers ------------------------------------------------------------------------------------ */

/* The seed of draw @index of @sample: augur_seed_derive (seed, key, index),
 * as augur-cli apply derives the seed of variant @index of an input from
 * the recipe's seed and the input's key, its path relative to the input
 * folder. The key here is the file's name: a sample added on its own is
 * its own folder's only input, and a folder is read one level deep (the
 * window does not descend into subfolders), so for every sample the name
 * is the key augur-cli gives the same file when run on the folder it is
 * in. */
static guint64
draw_seed (AugurPreviewPane *self,
           AugurSample      *sample,
           guint             index)
{
  return augur_seed_derive (self->seed, augur_sample_get_name (sample), index);
}

/* What the engine draws item @sample from: its full-resolution image, with
 * its proxy for the quick pass. */
static AugurRenderItem
sample_item (AugurPreviewPane *self,
             AugurSample      *sample,
             guint             index)
{
  AugurRenderItem item = { augur_sample_get_proxy (sample), draw_seed (self, sample, index), sample };

  return item;
}

static gboolean
pipeline_is_empty (AugurPreviewPane *self)
{
  return self->recipe == NULL || augur_node_count_transforms (self->recipe->pipeline) == 0;
}

static void
set_status (GtkWidget  *status,
            const char *icon,
            const char *title,
            const char *description)
{
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), icon);
  adw_status_page_set_title (ADW_STATUS_PAGE (status), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (status), description);
}

static void
show_content_status (AugurPreviewPane *self,
                     const char       *icon,
                     const char       *title,
                     const char       *description)
{
  set_status (self->status_content, icon, title, description);
  gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "status");
}

static void
cancel_aux (AugurPreviewPane *self)
{
  self->aux_serial++;
  self->frames_reduced = FALSE;
  if (self->aux_cancellable)
    g_cancellable_cancel (self->aux_cancellable);
  g_clear_object (&self->aux_cancellable);
}

static void
update_spinner (AugurPreviewPane *self,
                gboolean          busy)
{
  /* always in the toolbar, drawn only while busy: showing and hiding it
   * would squeeze the buttons beside it during every slider drag */
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  gtk_widget_set_opacity (self->spinner, busy ? 1.0 : 0.0);
}

/* One cell of the draw grid: a flat button (focusable, activated by click,
 * Enter or Space) around a picture with its caption over the image. */
static GtkWidget *
cell_new (guint       index,
          const char *caption)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *picture = augur_picture_new ();
  g_autofree char *label = g_strdup_printf ("Enlarge %s", caption);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "augur-draw-cell");
  gtk_widget_set_hexpand (button, TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "preview.open-draw");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", index);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);

  /* Rows as tall as the images (height for width), from the top, like the
   * original; when the window is shorter, they shrink to fit. */
  gtk_widget_set_hexpand (picture, TRUE);
  augur_picture_set_caption (AUGUR_PICTURE (picture), caption);
  gtk_button_set_child (GTK_BUTTON (button), augur_label_layer_new (picture));

  return button;
}

static AugurLabelLayer *
cell_get_layer (GtkWidget *cell)
{
  return AUGUR_LABEL_LAYER (gtk_button_get_child (GTK_BUTTON (cell)));
}

static AugurPicture *
cell_get_picture (GtkWidget *cell)
{
  return augur_label_layer_get_picture (cell_get_layer (cell));
}

/* Labels --------------------------------------------------------------------------------------- */

static void
apply_label_flags (AugurPreviewPane *self)
{
  AugurLabelOverlayFlags flags = self->label_flags | AUGUR_LABEL_OVERLAY_NAMES;

  augur_label_layer_set_flags (AUGUR_LABEL_LAYER (self->original_layer), flags);
  augur_draw_view_set_label_flags (AUGUR_DRAW_VIEW (self->draw_view), flags);
  for (guint i = 0; i < self->cells->len; i++)
    augur_label_layer_set_flags (cell_get_layer (self->cells->pdata[i]), flags);
}

static void
set_label_flag (AugurPreviewPane       *self,
                AugurLabelOverlayFlags  flag,
                gboolean                on,
                GParamSpec             *pspec)
{
  AugurLabelOverlayFlags flags = on ? self->label_flags | flag : self->label_flags & ~flag;

  if (flags == self->label_flags)
    return;
  self->label_flags = flags;
  apply_label_flags (self);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

/* The labels of @sample at its full size, keyed by file name as augur-cli
 * keys the files of one folder; NULL when it has none (or they cannot be
 * read: the label file was checked when opened). */
static AugurLabels *
sample_labels (AugurPreviewPane *self,
               AugurSample      *sample)
{
  g_autoptr(GError) error = NULL;
  AugurLabels *labels;
  const char *key;

  if (self->label_source == NULL || sample == NULL || !augur_sample_get_loaded (sample))
    return NULL;
  key = augur_sample_get_name (sample);
  if (!augur_label_source_has (self->label_source, key))
    return NULL;
  labels = augur_label_source_read (self->label_source, key, augur_sample_get_width (sample),
                                    augur_sample_get_height (sample), &error);
  if (labels == NULL)
    g_debug ("No labels for %s: %s", key, error->message);
  return labels;
}

/* @sample's labels carried through @result's draw: the replay is the
 * full-resolution draw's, so a quick pass (drawn from the reduced copy)
 * shows none until the full draw replaces it. */
static AugurLabels *
draw_labels (AugurPreviewPane  *self,
             AugurSample       *sample,
             AugurRenderResult *result)
{
  g_autoptr(AugurLabels) labels = NULL;
  g_autoptr(GError) error = NULL;
  AugurLabels *out = NULL;

  if (result->reduced || self->recipe == NULL || (labels = sample_labels (self, sample)) == NULL)
    return NULL;
  /* Blends bring in the labels of the samples they drew (the pool is the
   * one the draw was rendered with, its images already decoded). */
  if (!augur_node_apply_labels_full (self->recipe->pipeline, NULL, labels, result->replay, self->references,
                                     self->recipe->labels, NULL, &out, NULL, &error))
    {
      g_debug ("No labels for the draw: %s", error->message);
      return NULL;
    }
  return out;
}

/* Rebuilds the grid's cells when their number or captions change; keeps
 * them (and the images they show) otherwise, so that a re-render swaps
 * pictures in place without flicker. */
static void
layout_cells (AugurPreviewPane   *self,
              guint               n,
              const char *const  *captions)
{
  gboolean same = self->cells->len == n;

  for (guint i = 0; same && i < n; i++)
    {
      same = g_strcmp0 (augur_picture_get_caption (cell_get_picture (self->cells->pdata[i])), captions[i]) == 0;
    }
  if (same)
    return;

  for (guint i = 0; i < self->cells->len; i++)
    augur_cell_grid_remove (AUGUR_CELL_GRID (self->draw_grid), self->cells->pdata[i]);
  g_ptr_array_set_size (self->cells, 0);

  for (guint i = 0; i < n; i++)
    {
      GtkWidget *cell = cell_new (i, captions[i]);

      augur_label_layer_set_flags (cell_get_layer (cell), self->label_flags | AUGUR_LABEL_OVERLAY_NAMES);
      g_ptr_array_add (self->cells, cell);
      augur_cell_grid_append (AUGUR_CELL_GRID (self->draw_grid), cell);
    }
}

static void
show_result (AugurPreviewPane *self,
             guint             index)
{
  AugurRenderResult *result = augur_preview_engine_get_result (self->engine, index);
  g_autofree char *tooltip = NULL;
  GtkWidget *cell;

  if (result == NULL || index >= self->cells->len)
    return;
  cell = self->cells->pdata[index];
  augur_picture_set_texture (cell_get_picture (cell),
                             self->diff && result->diff_texture ? result->diff_texture : result->texture);
  augur_label_layer_set_labels (cell_get_layer (cell),
                                index < self->draw_samples->len
                                ? draw_labels (self, self->draw_samples->pdata[index], result) : NULL);
  augur_picture_set_badge (cell_get_picture (cell), result->reduced ? REDUCED_BADGE : NULL);
  tooltip = result->reduced
            ? g_strdup_printf ("Seed %" G_GUINT64_FORMAT " — a quick preview from a reduced copy; "
                               "the full-resolution draw replaces it", result->seed)
            : g_strdup_printf ("Seed %" G_GUINT64_FORMAT ", drawn at %d × %d — click to enlarge",
                               result->seed, result->full_width, result->full_height);
  gtk_widget_set_tooltip_text (cell, tooltip);
}

/* Engine --------------------------------------------------------------------------------------- */

static gboolean
draw_view_visible (AugurPreviewPane *self)
{
  return g_str_equal (gtk_stack_get_visible_child_name (GTK_STACK (self->main_stack)), "draw");
}

static void
engine_result (AugurPreviewEngine *engine,
               guint               index,
               AugurPreviewPane   *self)
{
  AugurRenderResult *result;

  show_result (self, index);

  /* The enlarged draw follows edits of the recipe. */
  if (draw_view_visible (self) && index == self->open_draw && self->recipe != NULL &&
      (result = augur_preview_engine_get_result (self->engine, index)) != NULL)
    augur_draw_view_update_draw (AUGUR_DRAW_VIEW (self->draw_view), self->recipe->pipeline, result);
}

/* A sample that decoded once for its proxy and not again (changed or gone
 * since): say so, since its cell keeps the quick pass. */
static void
engine_failed (AugurPreviewEngine *engine,
               guint               index,
               const char         *reason,
               AugurPreviewPane   *self)
{
  g_autofree char *message = NULL;

  /* A recipe's error (a blend without references) fails every draw alike:
   * told once per request. */
  if (index >= self->draw_samples->len ||
      self->error_generation == augur_preview_engine_get_generation (engine))
    return;
  self->error_generation = augur_preview_engine_get_generation (engine);
  message = g_strdup_printf ("Could not draw “%s” at full resolution: %s",
                             augur_sample_get_name (self->draw_samples->pdata[index]), reason);
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, message);
}

static void
engine_finished (AugurPreviewEngine *engine,
                 guint64             generation,
                 AugurPreviewPane   *self)
{
  if (self->mode != MODE_GRID && self->mode != MODE_ALL_SAMPLES)
    return;
  update_spinner (self, FALSE);
  g_signal_emit (self, signals[SIGNAL_RENDERED], 0);
}

/* Sample loading ----------------------------------------------------------------------------- */

static void
sample_loaded (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(AugurPreviewPane) self = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (ref);
  g_free (ref);

  if (!augur_sample_load_finish (AUGUR_SAMPLE (object), result, &error))
    {
      if (self != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          const char *reason = error->message;
          const char *colon = strstr (reason, ": ");
          g_autofree char *message = NULL;

          /* the name says which file: not its full path again */
          if (colon != NULL && g_path_is_absolute (reason) && colon[2] != '\0')
            reason = colon + 2;
          message = g_strdup_printf ("Could not open “%s”: %s",
                                     augur_sample_get_name (AUGUR_SAMPLE (object)), reason);
          g_signal_emit (self, signals[SIGNAL_ERROR], 0, message);
          if (AUGUR_SAMPLE (object) != self->current)
            refresh (self);
        }
      return;
    }
  /* The current sample's notifications refresh already. */
  if (self != NULL && AUGUR_SAMPLE (object) != self->current)
    refresh (self);
}

/* Returns TRUE when @sample has a proxy at the preview size; starts a load
 * otherwise (refreshing when it is in). */
static gboolean
ensure_loaded (AugurPreviewPane *self,
               AugurSample      *sample)
{
  GWeakRef *ref;

  if (augur_sample_get_loaded (sample) && augur_sample_get_max_side (sample) == self->preview_size)
    return TRUE;
  if (augur_sample_is_loading (sample) || augur_sample_get_error (sample) != NULL)
    return augur_sample_get_loaded (sample);

  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  augur_sample_load_async (sample, self->preview_size, NULL, sample_loaded, ref);
  return augur_sample_get_loaded (sample);
}

/* Step-through and extremes: work on the pool, shown when in ---------------------------------- */

typedef struct
{
  AugurImage  *proxy;
  AugurSample *sample;       /* NULL for the reduced pass */
  AugurReferencePool *references;
  AugurNode   *node;
  guint64      seed;
  gboolean     extremes;
  int          display_side;
} AuxRequest;

typedef struct
{
  GWeakRef pane;
  guint    serial;
  gboolean reduced;
} AuxHandle;

static void
aux_request_free (AuxRequest *request)
{
  augur_image_unref (request->proxy);
  g_clear_object (&request->sample);
  g_clear_pointer (&request->references, augur_reference_pool_unref);
  augur_node_free (request->node);
  g_free (request);
}

/* @image is brought down to @display_side, as the grid's draws are. */
static Frame *
frame_new (AugurImage *image,
           int         display_side,
           const char *title,
           const char *subtitle)
{
  Frame *frame = g_new0 (Frame, 1);

  frame->image = augur_image_fit (image, display_side);
  frame->texture = augur_texture_new_for_image (frame->image);
  frame->title = g_strdup (title);
  frame->subtitle = g_strdup (subtitle);
  return frame;
}

static void
aux_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  AuxRequest *request = task_data;
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) frame_free);
  g_autoptr(AugurImage) src = NULL;
  g_autoptr(GError) error = NULL;

  /* The full pass draws from the full-resolution image, as augur-cli does. */
  src = request->sample ? augur_sample_load_full (request->sample, cancellable, &error)
                        : augur_image_ref (request->proxy);
  if (src == NULL)
    {
      g_ptr_array_unref (frames);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (request->extremes)
    {
      g_autoptr(GPtrArray) extremes = augur_extremes_new (request->node);

      for (guint i = 0; i < extremes->len; i++)
        {
          AugurExtreme *e = extremes->pdata[i];
          g_autoptr(AugurImage) image = NULL;
          Frame *frame;

          if (g_cancellable_is_cancelled (cancellable))
            break;
          image = augur_extreme_render_full (e, src, request->references, NULL, &error);
          if (image == NULL)
            {
              g_ptr_array_unref (frames);
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          {
            /* The heading names the range; each frame its value and end. */
            const char *eq = strstr (e->label, " = ");
            g_autofree char *end = g_strdup_printf ("%s end", augur_extreme_end_name (e->end));

            frame = frame_new (image, request->display_side, eq ? eq + 3 : e->label,
                               e->end == AUGUR_EXTREME_MIDDLE ? "middle" : end);
          }
          {
            g_autofree char *name = g_strdup (e->param);
            char *dot = strchr (name, '.');
            int index;

            if (dot)
              *dot = '\0';
            index = augur_transform_param_index (request->node->info, name);
            frame->group = index >= 0 && request->node->info->params[index].label
                           ? g_strdup_printf ("%s%s%s · %s", request->node->info->params[index].label,
                                              dot ? " " : "", dot ? dot + 1 : "", e->param)
                           : g_strdup (e->param);
          }
          g_ptr_array_add (frames, frame);
        }
      if (extremes->len == 0 && !g_cancellable_is_cancelled (cancellable))
        {
          /* Nothing drawn from a range (a flip): it looks the same every
           * time it applies, so show that one look. */
          AugurShape shape = { src->width, src->height, src->channels };
          g_autoptr(AugurReplay) replay = augur_node_sample_forced (request->node, &shape,
                                                                    AUGUR_EXTREMES_SEED);
          g_autoptr(AugurImage) image = augur_node_apply (request->node, src, replay);
          Frame *frame = frame_new (image, request->display_side, "Applied", "the same every time");

          frame->group = g_strdup ("No ranges: every time it applies, it does this");
          g_ptr_array_add (frames, frame);
        }
    }
  else
    {
      AugurShape shape = { src->width, src->height, src->channels };
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(GPtrArray) film = NULL;

      /* blends draw from the pane's samples, as the grid's draws do */
      replay = augur_node_sample_full (request->node, &shape, request->seed, FALSE,
                                       request->references, &error);
      film = replay ? augur_filmstrip_new_full (request->node, src, replay, request->references, &error)
                    : NULL;
      if (film == NULL)
        {
          g_ptr_array_unref (frames);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_ptr_array_add (frames, frame_new (src, request->display_side, "Original", "Before any step"));
      for (guint i = 0; i < film->len; i++)
        {
          AugurFrame *f = film->pdata[i];
          g_autofree char *title = g_strdup_printf ("%u · %s", i + 1, f->label);

          g_ptr_array_add (frames, frame_new (f->image, request->display_side, title,
                                              *f->values ? f->values : "Nothing drawn"));
        }
    }

  if (g_task_return_error_if_cancelled (task))
    {
      g_ptr_array_unref (frames);
      return;
    }
  g_task_return_pointer (task, frames, (GDestroyNotify) g_ptr_array_unref);
}

static GtkWidget *
frame_widget (Frame    *frame,
              int       min_width,
              gboolean  reduced)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *picture = augur_picture_new ();
  GtkWidget *title = gtk_label_new (frame->title);
  GtkWidget *subtitle = gtk_label_new (frame->subtitle);

  gtk_widget_add_css_class (box, "augur-frame");
  augur_picture_set_texture (AUGUR_PICTURE (picture), frame->texture);
  augur_picture_set_badge (AUGUR_PICTURE (picture), reduced ? REDUCED_BADGE : NULL);
  /* As wide as the flow's column, as tall as the image's aspect asks. */
  gtk_widget_set_hexpand (picture, TRUE);
  gtk_widget_set_size_request (picture, min_width, -1);
  gtk_box_append (GTK_BOX (box), picture);

  /* two lines before an ellipsis: a step's name fits a narrow frame */
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_lines (GTK_LABEL (title), 2);
  gtk_label_set_justify (GTK_LABEL (title), GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 22);
  gtk_widget_set_tooltip_text (title, frame->title);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);

  /* a long list of values (a seed, hole positions) must not widen the
   * pane: at most three lines, the rest in the tooltip */
  gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (subtitle), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_label_set_lines (GTK_LABEL (subtitle), 3);
  gtk_widget_set_tooltip_text (subtitle, frame->subtitle);
  gtk_label_set_max_width_chars (GTK_LABEL (subtitle), 26);
  gtk_label_set_justify (GTK_LABEL (subtitle), GTK_JUSTIFY_CENTER);
  gtk_label_set_selectable (GTK_LABEL (subtitle), TRUE);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "numeric");
  gtk_box_append (GTK_BOX (box), subtitle);

  return box;
}

static void
clear_frames_box (AugurPreviewPane *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->frames_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->frames_box), child);
}

static void
show_frames (AugurPreviewPane *self)
{
  GtkWidget *flow = NULL;
  const char *group = NULL;

  clear_frames_box (self);

  /* Step-through: one flow of frames in order. Extremes: a heading per
   * range, then its low, middle and high end side by side. */
  for (guint i = 0; i < self->frames->len; i++)
    {
      Frame *frame = self->frames->pdata[i];

      if (flow == NULL || (self->mode == MODE_EXTREMES && g_strcmp0 (group, frame->group) != 0))
        {
          if (self->mode == MODE_EXTREMES)
            {
              GtkWidget *heading = gtk_label_new (frame->group);

              gtk_label_set_xalign (GTK_LABEL (heading), 0);
              gtk_widget_add_css_class (heading, "heading");
              gtk_widget_set_margin_start (heading, 6);
              gtk_widget_set_margin_top (heading, flow ? 12 : 0);
              gtk_box_append (GTK_BOX (self->frames_box), heading);
              group = frame->group;
            }
          flow = gtk_flow_box_new ();
          gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
          gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
          /* Three a row: low, middle, high; or three steps. */
          gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 3);
          gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 3);
          gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 8);
          gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 12);
          gtk_widget_set_valign (flow, GTK_ALIGN_START);
          gtk_box_append (GTK_BOX (self->frames_box), flow);
        }
      gtk_flow_box_append (GTK_FLOW_BOX (flow), frame_widget (frame, 64, self->frames_reduced));
    }
}

static void
aux_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  AuxHandle *handle = user_data;
  g_autoptr(AugurPreviewPane) self = g_weak_ref_get (&handle->pane);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) frames = g_task_propagate_pointer (G_TASK (result), &error);
  guint serial = handle->serial;
  gboolean reduced = handle->reduced;

  g_weak_ref_clear (&handle->pane);
  g_free (handle);

  if (self == NULL || serial != self->aux_serial)
    return;
  if (frames == NULL)
    {
      if (!reduced && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf ("Could not render at full resolution: %s",
                                                      error->message);

          g_signal_emit (self, signals[SIGNAL_ERROR], 0, message);
          update_spinner (self, FALSE);
        }
      return;
    }
  /* the quick pass, late: the full one is in already */
  if (reduced && self->aux_full_shown)
    return;
  self->aux_full_shown = !reduced;
  self->frames_reduced = reduced;

  g_clear_pointer (&self->frames, g_ptr_array_unref);
  self->frames = g_steal_pointer (&frames);
  show_frames (self);
  update_content_heading (self);

  if (self->mode == MODE_STEP_THROUGH && self->frames->len == 1)
    show_content_status (self, "media-playlist-shuffle-symbolic", "No Step Applied",
                         "No step of the pipeline applied in this draw. Re-roll, or raise the steps’ probabilities.");
  else
    gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "frames");

  if (reduced)
    return;
  update_spinner (self, FALSE);
  g_signal_emit (self, signals[SIGNAL_RENDERED], 0);
}

static void
start_aux_pass (AugurPreviewPane *self,
                AugurSample      *sample,
                const AugurNode  *node,
                guint64           seed,
                gboolean          extremes,
                gboolean          reduced)
{
  g_autoptr(GTask) task = NULL;
  AuxRequest *request = g_new0 (AuxRequest, 1);
  AuxHandle *handle = g_new0 (AuxHandle, 1);

  request->proxy = augur_image_ref (augur_sample_get_proxy (sample));
  request->sample = reduced ? NULL : g_object_ref (sample);
  request->node = augur_node_copy (node);
  request->references = augur_preview_engine_get_references (self->engine);
  if (request->references)
    augur_reference_pool_ref (request->references);
  request->seed = seed;
  request->extremes = extremes;
  request->display_side = self->preview_size;
  g_weak_ref_init (&handle->pane, self);
  handle->serial = self->aux_serial;
  handle->reduced = reduced;

  task = g_task_new (NULL, self->aux_cancellable, aux_done, handle);
  g_task_set_source_tag (task, start_aux_pass);
  g_task_set_task_data (task, request, (GDestroyNotify) aux_request_free);
  augur_preview_engine_run_task (self->engine, task, aux_thread);
}

/* Step-through or extremes of @sample: a quick pass on the proxy first
 * when the sample is larger, then the full-resolution one. */
static void
start_aux (AugurPreviewPane *self,
           AugurSample      *sample,
           const AugurNode  *node,
           guint64           seed,
           gboolean          extremes)
{
  AugurImage *proxy = augur_sample_get_proxy (sample);

  self->aux_cancellable = g_cancellable_new ();
  self->aux_full_shown = FALSE;
  if (proxy->width < augur_sample_get_width (sample) || proxy->height < augur_sample_get_height (sample))
    start_aux_pass (self, sample, node, seed, extremes, TRUE);
  start_aux_pass (self, sample, node, seed, extremes, FALSE);
  update_spinner (self, TRUE);
}

/* Refresh: decide what to show and ask for it ---------------------------------------------------- */

static void
update_original (AugurPreviewPane *self,
                 AugurSample      *sample)
{
  AugurImage *proxy = augur_sample_get_proxy (sample);
  g_autofree char *caption = NULL;

  /* Made on the loader's worker, with the proxy. */
  augur_picture_set_texture (AUGUR_PICTURE (self->original_picture),
                             proxy ? augur_sample_get_proxy_texture (sample) : NULL);
  augur_label_layer_set_labels (AUGUR_LABEL_LAYER (self->original_layer), sample_labels (self, sample));
  /* the size on its own line, then the name: a narrow column shortens the
   * name in the middle (the strip and the tooltip show it in full) rather
   * than breaking it inside a word */
  caption = g_strdup_printf ("%d × %d\n%s", augur_sample_get_width (sample),
                             augur_sample_get_height (sample), augur_sample_get_name (sample));
  gtk_label_set_text (GTK_LABEL (self->original_caption), caption);
  gtk_widget_set_tooltip_text (self->original_caption, caption);
}

static void
render_grid (AugurPreviewPane *self)
{
  g_autofree AugurRenderItem *items = g_new0 (AugurRenderItem, self->grid_size);
  g_autoptr(GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_set_size (self->draw_samples, 0);
  for (guint i = 0; i < self->grid_size; i++)
    {
      items[i] = sample_item (self, self->current, i);
      g_ptr_array_add (self->draw_samples, g_object_ref (self->current));
      g_ptr_array_add (captions, g_strdup_printf ("%u", i + 1));
    }
  g_ptr_array_add (captions, NULL);
  layout_cells (self, self->grid_size, (const char *const *) captions->pdata);
  gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "grid");
  augur_preview_engine_render (self->engine, self->recipe->pipeline, items, self->grid_size, self->diff);
  update_spinner (self, !augur_preview_engine_is_complete (self->engine));
}

static void
render_all_samples (AugurPreviewPane *self)
{
  guint n = self->samples ? g_list_model_get_n_items (self->samples) : 0;
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (AugurRenderItem));
  g_autoptr(GPtrArray) captions = g_ptr_array_new ();

  g_ptr_array_set_size (self->draw_samples, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AugurSample) sample = g_list_model_get_item (self->samples, i);
      AugurRenderItem item;

      if (!ensure_loaded (self, sample))
        continue;
      item = sample_item (self, sample, 0);
      g_array_append_val (items, item);
      g_ptr_array_add (captions, (gpointer) augur_sample_get_name (sample));
      g_ptr_array_add (self->draw_samples, g_object_ref (sample));
    }
  g_ptr_array_add (captions, NULL);

  if (items->len == 0)
    {
      augur_preview_engine_cancel (self->engine);
      show_content_status (self, "image-loading-symbolic", "Loading Samples", NULL);
      return;
    }
  layout_cells (self, items->len, (const char *const *) captions->pdata);
  gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "grid");
  augur_preview_engine_render (self->engine, self->recipe->pipeline,
                               (AugurRenderItem *) (gpointer) items->data, items->len, self->diff);
  update_spinner (self, !augur_preview_engine_is_complete (self->engine));
}

static void
render_extremes (AugurPreviewPane *self)
{
  const AugurNode *node = self->selected_path
                          ? augur_node_at_path (self->recipe->pipeline, self->selected_path) : NULL;

  if (node == NULL || node->kind != AUGUR_NODE_TRANSFORM)
    {
      show_content_status (self, "view-list-bullet-symbolic", "Select a Step",
                           "Choose a transform in the pipeline to see each of its ranges at its low end, middle and high end.");
      return;
    }
  /* (a step without ranges shows its one look) */
  start_aux (self, self->current, node, 0, TRUE);
}

static void
update_content_heading (AugurPreviewPane *self)
{
  static const char *const titles[N_MODES] = { "Draws", "All Samples", "Step-Through", "Extremes" };
  g_autofree char *caption = NULL;
  const AugurNode *node;

  switch (self->mode)
    {
    case MODE_GRID:
      caption = g_strdup_printf ("%u random draw%s · seed %" G_GUINT64_FORMAT "%s%s",
                                 self->grid_size, self->grid_size == 1 ? "" : "s", self->seed,
                                 self->seed_locked ? " (locked)" : "",
                                 self->diff ? " · difference from the original ×" G_STRINGIFY (AUGUR_DIFF_GAIN) : "");
      break;
    case MODE_ALL_SAMPLES:
      caption = g_strdup_printf ("One draw of each sample · seed %" G_GUINT64_FORMAT "%s", self->seed,
                                 self->diff ? " · difference from the original ×" G_STRINGIFY (AUGUR_DIFF_GAIN) : "");
      break;
    case MODE_STEP_THROUGH:
      caption = g_strdup_printf ("Draw %u of %u after each step that applied",
                                 MIN (self->selected_draw, self->grid_size - 1) + 1, self->grid_size);
      break;
    case MODE_EXTREMES:
      node = self->selected_path && self->recipe
             ? augur_node_at_path (self->recipe->pipeline, self->selected_path) : NULL;
      caption = node && node->kind == AUGUR_NODE_TRANSFORM
                ? g_strdup_printf ("%s: each range at its low end, middle and high end", node->info->label)
                : g_strdup ("The selected step at the ends of its ranges");
      break;
    case N_MODES:
    default:
      g_assert_not_reached ();
    }
  /* the quick pass says so, in words as well as on each frame */
  if ((self->mode == MODE_STEP_THROUGH || self->mode == MODE_EXTREMES) && self->frames_reduced)
    {
      char *full = g_strconcat (caption, " · quick preview, full resolution on its way", NULL);

      g_free (caption);
      caption = full;
    }
  gtk_label_set_text (GTK_LABEL (self->content_title), titles[self->mode]);
  gtk_widget_set_visible (self->draw_nav, self->mode == MODE_STEP_THROUGH && self->grid_size > 1);
  gtk_label_set_text (GTK_LABEL (self->content_caption), caption);
  /* in full where a narrow pane cuts it */
  gtk_widget_set_tooltip_text (self->content_caption, caption);
}

static void
refresh (AugurPreviewPane *self)
{
  cancel_aux (self);
  update_spinner (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.reroll", !self->seed_locked);

  /* nothing to look at: the toolbar's controls would do nothing */
  gtk_widget_set_sensitive (self->toolbar,
                            self->current != NULL ||
                            (self->samples != NULL && g_list_model_get_n_items (self->samples) > 0));

  if (self->current == NULL && !(self->mode == MODE_ALL_SAMPLES && self->samples &&
                                 g_list_model_get_n_items (self->samples) > 0))
    {
      augur_preview_engine_cancel (self->engine);
      if (!g_str_equal (gtk_stack_get_visible_child_name (GTK_STACK (self->main_stack)), "draw"))
        gtk_stack_set_visible_child_name (GTK_STACK (self->main_stack), "empty");
      return;
    }

  if (self->current != NULL && !ensure_loaded (self, self->current))
    {
      augur_preview_engine_cancel (self->engine);
      if (augur_sample_get_error (self->current) != NULL)
        {
          set_status (self->status_error, "image-missing-symbolic", "Cannot Show This Sample",
                      augur_sample_get_error (self->current));
          gtk_stack_set_visible_child_name (GTK_STACK (self->main_stack), "error");
        }
      else
        {
          gtk_stack_set_visible_child_name (GTK_STACK (self->main_stack), "loading");
        }
      return;
    }

  if (!g_str_equal (gtk_stack_get_visible_child_name (GTK_STACK (self->main_stack)), "draw"))
    gtk_stack_set_visible_child_name (GTK_STACK (self->main_stack), "preview");
  if (self->current != NULL)
    update_original (self, self->current);
  gtk_widget_set_sensitive (self->grid_button, self->mode == MODE_GRID);
  gtk_widget_set_sensitive (self->diff_button, self->mode == MODE_GRID || self->mode == MODE_ALL_SAMPLES);
  /* Each draw of "all samples" has its own original. */
  gtk_widget_set_visible (self->original_box, self->current != NULL && self->mode != MODE_ALL_SAMPLES);

  if (pipeline_is_empty (self))
    {
      if (draw_view_visible (self))
        {
          augur_draw_view_clear (AUGUR_DRAW_VIEW (self->draw_view));
          gtk_stack_set_visible_child_name (GTK_STACK (self->main_stack), "preview");
          gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.close-draw", FALSE);
        }
      augur_preview_engine_cancel (self->engine);
      /* (the editor says "No Steps" beside it: this says what will be here) */
      show_content_status (self, "image-x-generic-symbolic", "No Draws Yet",
                           "The draws appear here once the pipeline has a step.");
      return;
    }

  update_content_heading (self);

  switch (self->mode)
    {
    case MODE_GRID:
      render_grid (self);
      break;
    case MODE_ALL_SAMPLES:
      render_all_samples (self);
      break;
    case MODE_STEP_THROUGH:
      augur_preview_engine_cancel (self->engine);
      start_aux (self, self->current, self->recipe->pipeline,
                 draw_seed (self, self->current, MIN (self->selected_draw, self->grid_size - 1)), FALSE);
      break;
    case MODE_EXTREMES:
      augur_preview_engine_cancel (self->engine);
      render_extremes (self);
      break;
    case N_MODES:
    default:
      g_assert_not_reached ();
    }
}

/* Seed ---------------------------------------------------------------------------------------------- */

static void
sync_seed_spin (AugurPreviewPane *self)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, self->seed);

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->seed_spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->seed_spin), text);
  gtk_editable_set_editable (GTK_EDITABLE (self->seed_spin), !self->seed_locked);
  gtk_widget_set_tooltip_text (self->seed_spin,
                               self->seed_locked ? "Seed (locked)" : "Seed of the draws (Enter to apply)");
}

static void
change_seed (AugurPreviewPane *self,
             guint64           seed)
{
  seed &= AUGUR_SEED_MASK;
  self->have_seed = TRUE;
  if (self->seed == seed)
    return;
  self->seed = seed;
  sync_seed_spin (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEED]);
  refresh (self);
}

/* A typed seed: digits only, below 2^53; anything else puts the current one back. */
static void
seed_entry_activate (AugurPreviewPane *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->seed_spin));
  guint64 seed;

  if (!self->seed_locked &&
      g_ascii_string_to_unsigned (text, 10, 0, AUGUR_SEED_MASK, &seed, NULL) &&
      seed != self->seed)
    change_seed (self, seed);
  else
    sync_seed_spin (self);
}

/* Actions ----------------------------------------------------------------------------------------------- */

static void
reroll_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AugurPreviewPane *self = AUGUR_PREVIEW_PANE (widget);

  if (self->seed_locked)
    return;
  /* Short seeds are easier to read and to type back. */
  change_seed (self, augur_seed_derive (self->seed, "re-roll", 0) % 1000000);
}

/* @delta places on from @current among @n, wrapping around. */
static guint
step_index (guint current,
            int   delta,
            guint n)
{
  return (guint) (((int) current + delta % (int) n + (int) n) % (int) n);
}

static void
open_draw_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AugurPreviewPane *self = AUGUR_PREVIEW_PANE (widget);
  guint index = g_variant_get_uint32 (parameter);
  AugurRenderResult *result;
  AugurSample *sample;
  g_autofree char *title = NULL;

  if (self->mode != MODE_GRID && self->mode != MODE_ALL_SAMPLES)
    return;
  result = augur_preview_engine_get_result (self->engine, index);
  if (result == NULL || index >= self->draw_samples->len || self->recipe == NULL)
    return;

  sample = self->draw_samples->pdata[index];
  if (self->mode == MODE_GRID)
    {
      title = g_strdup_printf ("Draw %u", index + 1);
      self->selected_draw = index;
    }
  else
    title = g_strdup (augur_sample_get_name (sample));

  self->open_draw = index;
  /* the grid shows differences: so does the draw it enlarges */
  if (self->diff)
    augur_draw_view_set_view (AUGUR_DRAW_VIEW (self->draw_view), "difference");
  {
    g_autoptr(AugurLabels) labels = sample_labels (self, sample);

    augur_draw_view_set_labels (AUGUR_DRAW_VIEW (self->draw_view), labels, self->recipe->labels);
  }
  augur_draw_view_show_draw (AUGUR_DRAW_VIEW (self->draw_view), title,
                             sample, self->recipe->pipeline, result);
  gtk_stack_set_visible_child_name (GTK_STACK (self->main_stack), "draw");
  gtk_widget_action_set_enabled (widget, "preview.close-draw", TRUE);
  /* (only if the pane had it: a programmatic open leaves the focus alone) */
  if (gtk_widget_get_focus_child (widget) != NULL)
    gtk_widget_grab_focus (self->draw_view);
}

/* The enlarged view's previous / next draw: the grid's (or the samples'),
 * wrapping around. */
static void
open_next_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AugurPreviewPane *self = AUGUR_PREVIEW_PANE (widget);
  int delta = g_variant_get_int32 (parameter);
  int n = (int) augur_preview_engine_get_n_items (self->engine);

  if (n == 0 || !draw_view_visible (self))
    return;
  gtk_widget_activate_action (widget, "preview.open-draw", "u", step_index (self->open_draw, delta, (guint) n));
}

/* Step-through shows draw i of the grid; this moves to the previous or next. */
static void
step_draw_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AugurPreviewPane *self = AUGUR_PREVIEW_PANE (widget);
  int delta = g_variant_get_int32 (parameter);
  guint n = self->grid_size;
  guint current = MIN (self->selected_draw, n - 1);

  self->selected_draw = step_index (current, delta, n);
  if (self->mode == MODE_STEP_THROUGH)
    refresh (self);
}

static void
close_draw_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AugurPreviewPane *self = AUGUR_PREVIEW_PANE (widget);

  if (!g_str_equal (gtk_stack_get_visible_child_name (GTK_STACK (self->main_stack)), "draw"))
    return;
  gboolean had_focus = gtk_widget_get_focus_child (self->draw_view) != NULL;

  augur_draw_view_clear (AUGUR_DRAW_VIEW (self->draw_view));
  gtk_stack_set_visible_child_name (GTK_STACK (self->main_stack), "preview");
  gtk_widget_action_set_enabled (widget, "preview.close-draw", FALSE);
  refresh (self);
  /* back where the keyboard was: the draw that was enlarged */
  if (had_focus && self->open_draw < self->cells->len)
    gtk_widget_grab_focus (self->cells->pdata[self->open_draw]);
}

static void
draw_view_error (AugurDrawView    *view,
                 const char       *message,
                 AugurPreviewPane *self)
{
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, message);
}

/* Public API ---------------------------------------------------------------------------------------------- */

GtkWidget *
augur_preview_pane_new (void)
{
  return g_object_new (AUGUR_TYPE_PREVIEW_PANE, NULL);
}

/* The pool's reader of the samples' labels: the pane's label source, read
 * when a draw's labels are carried through a blend (on the main thread). */
static AugurLabels *
reference_labels (const char  *key,
                  int          width,
                  int          height,
                  gpointer     user_data,
                  GError     **error)
{
  AugurPreviewPane *self = user_data;

  if (self->label_source == NULL || !augur_label_source_has (self->label_source, key))
    return NULL;
  return augur_label_source_read (self->label_source, key, width, height, error);
}

static void
add_reference (AugurReferencePool *pool,
               GString            *key,
               AugurSample        *sample)
{
  if (augur_sample_get_error (sample) != NULL)
    return;
  if (augur_reference_pool_add_file (pool, augur_sample_get_name (sample), augur_sample_get_path (sample)))
    g_string_append_printf (key, "%s\n%s\n", augur_sample_get_name (sample), augur_sample_get_path (sample));
}

/* Blends (MixUp, Mosaic...) draw their references from the samples, keyed
 * by file name as augur-cli keys the files of one folder; the pool reads
 * each file at full resolution when a blend first draws it, as augur-cli
 * does. Returns TRUE when the pool changed. */
static gboolean
update_references (AugurPreviewPane *self)
{
  g_autoptr(AugurReferencePool) pool = augur_reference_pool_new ();
  g_autoptr(GString) key = g_string_new (NULL);
  guint n = self->samples ? g_list_model_get_n_items (self->samples) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AugurSample) sample = g_list_model_get_item (self->samples, i);

      add_reference (pool, key, sample);
    }
  if (self->current)
    add_reference (pool, key, self->current);

  if (g_strcmp0 (key->str, self->references_key) == 0)
    return FALSE;
  g_free (self->references_key);
  self->references_key = g_string_free (g_steal_pointer (&key), FALSE);
  if (self->references)
    augur_reference_pool_set_label_reader (self->references, NULL, NULL);
  g_clear_pointer (&self->references, augur_reference_pool_unref);
  self->references = augur_reference_pool_ref (pool);
  augur_reference_pool_set_label_reader (pool, reference_labels, self);
  augur_preview_engine_set_references (self->engine, pool);
  return TRUE;
}

static gboolean
recipe_has_blends (AugurPreviewPane *self)
{
  return self->recipe != NULL && augur_node_has_blends (self->recipe->pipeline);
}

static void
samples_changed (GListModel       *model,
                 guint             position,
                 guint             removed,
                 guint             added,
                 AugurPreviewPane *self)
{
  if (update_references (self) && recipe_has_blends (self))
    refresh (self);
  else if (self->mode == MODE_ALL_SAMPLES)
    refresh (self);
}

void
augur_preview_pane_set_samples (AugurPreviewPane *self,
                                GListModel       *samples)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_PANE (self));
  g_return_if_fail (samples == NULL || G_IS_LIST_MODEL (samples));

  if (self->samples == samples)
    return;
  if (self->samples)
    g_signal_handlers_disconnect_by_func (self->samples, samples_changed, self);
  g_set_object (&self->samples, samples);
  if (samples)
    g_signal_connect_object (samples, "items-changed", G_CALLBACK (samples_changed), self, 0);
  if ((update_references (self) && recipe_has_blends (self)) || self->mode == MODE_ALL_SAMPLES)
    refresh (self);
}

static void
current_notify (AugurSample      *sample,
                GParamSpec       *pspec,
                AugurPreviewPane *self)
{
  refresh (self);
}

void
augur_preview_pane_set_current (AugurPreviewPane *self,
                                AugurSample      *sample)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_PANE (self));
  g_return_if_fail (sample == NULL || AUGUR_IS_SAMPLE (sample));

  if (self->current == sample)
    return;
  if (self->current)
    g_signal_handlers_disconnect_by_func (self->current, current_notify, self);
  g_set_object (&self->current, sample);
  /* Another sample's draws must not linger while the new ones render. */
  for (guint i = 0; i < self->cells->len; i++)
    augur_picture_set_texture (cell_get_picture (self->cells->pdata[i]), NULL);
  if (sample)
    {
      g_signal_connect_object (sample, "notify::loaded", G_CALLBACK (current_notify), self, 0);
      g_signal_connect_object (sample, "notify::error", G_CALLBACK (current_notify), self, 0);
    }
  close_draw_action (GTK_WIDGET (self), "preview.close-draw", NULL);
  update_references (self);
  refresh (self);
}

/**
 * augur_preview_pane_set_labels:
 * @source: (transfer full) (nullable): the label file, opened with
 *   augur_label_source_open(); the pane owns it from now on. NULL: no labels
 *
 * Draws each sample's labels (looked up by file name, as augur-cli keys the
 * files of one folder) over the original and, carried through each draw's
 * replay, over every draw of the grid; the preview.show-boxes,
 * preview.show-keypoints and preview.show-masks actions switch them.
 */
void
augur_preview_pane_set_labels (AugurPreviewPane *self,
                               AugurLabelSource *source)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_PANE (self));

  if (source == self->label_source)
    return;
  g_clear_pointer (&self->label_source, augur_label_source_free);
  self->label_source = source;
  gtk_widget_set_visible (self->labels_button, source != NULL);
  if (self->current != NULL && augur_sample_get_loaded (self->current))
    update_original (self, self->current);
  for (guint i = 0; i < augur_preview_engine_get_n_items (self->engine); i++)
    show_result (self, i);
}

/* Whether @sample has labels in the pane's label file. */
gboolean
augur_preview_pane_sample_has_labels (AugurPreviewPane *self,
                                      AugurSample      *sample)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_PANE (self), FALSE);
  g_return_val_if_fail (AUGUR_IS_SAMPLE (sample), FALSE);

  return self->label_source != NULL &&
         augur_label_source_has (self->label_source, augur_sample_get_name (sample));
}

/**
 * augur_preview_pane_set_recipe:
 *
 * Copies @recipe and re-renders. The pane seed follows the recipe's seed
 * only when that seed differs from the last recipe's and the seed is not
 * locked; an edit of the steps keeps the draws' seeds.
 */
void
augur_preview_pane_set_recipe (AugurPreviewPane  *self,
                               const AugurRecipe *recipe)
{
  guint64 old_recipe_seed;
  gboolean had_recipe;

  g_return_if_fail (AUGUR_IS_PREVIEW_PANE (self));

  had_recipe = self->recipe != NULL;
  old_recipe_seed = had_recipe ? self->recipe->seed : 0;
  g_clear_pointer (&self->recipe, augur_recipe_free);
  self->recipe = recipe ? augur_recipe_copy (recipe) : NULL;

  if (recipe != NULL && !self->seed_locked &&
      (!self->have_seed || !had_recipe || recipe->seed != old_recipe_seed))
    {
      self->have_seed = TRUE;
      if (self->seed != (recipe->seed & AUGUR_SEED_MASK))
        {
          self->seed = recipe->seed & AUGUR_SEED_MASK;
          sync_seed_spin (self);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEED]);
        }
    }

  /* An enlarged draw stays open: it is rendered again with the new recipe. */
  refresh (self);
}

void
augur_preview_pane_set_selected_path (AugurPreviewPane *self,
                                      const char       *path)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_PANE (self));

  if (g_strcmp0 (self->selected_path, path) == 0)
    return;
  g_free (self->selected_path);
  self->selected_path = g_strdup (path);
  if (self->mode == MODE_EXTREMES)
    refresh (self);
}

void
augur_preview_pane_set_grid_size (AugurPreviewPane *self,
                                  guint             n_draws)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_PANE (self));

  if (n_draws != 1 && n_draws != 4 && n_draws != 9 && n_draws != 16)
    {
      g_warning ("Grid size %u is not one of 1, 4, 9, 16", n_draws);
      return;
    }
  if (self->grid_size == n_draws)
    return;
  self->grid_size = n_draws;
  {
    g_autofree char *label = g_strdup_printf ("%u Draw%s", n_draws, n_draws == 1 ? "" : "s");

    gtk_menu_button_set_label (GTK_MENU_BUTTON (self->grid_button), label);
  }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRID_SIZE]);
  refresh (self);
}

void
augur_preview_pane_set_threads (AugurPreviewPane *self,
                                guint             n_threads)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_PANE (self));
  augur_preview_engine_set_threads (self->engine, n_threads);
}

void
augur_preview_pane_set_preview_size (AugurPreviewPane *self,
                                     int               max_side)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_PANE (self));

  max_side = CLAMP (max_side, 64, 4096);
  if (self->preview_size == max_side)
    return;
  self->preview_size = max_side;
  augur_preview_engine_set_display_size (self->engine, max_side);
  refresh (self);
}

guint
augur_preview_pane_get_n_draws (AugurPreviewPane *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_PANE (self), 0);

  if (self->mode == MODE_ALL_SAMPLES)
    return self->draw_samples->len;
  return self->grid_size;
}

/**
 * augur_preview_pane_get_draw:
 *
 * Returns: (transfer none) (nullable): draw @index of the current request
 *   (grid and all-samples modes), once rendered
 */
AugurImage *
augur_preview_pane_get_draw (AugurPreviewPane *self,
                             guint             index)
{
  AugurRenderResult *result;

  g_return_val_if_fail (AUGUR_IS_PREVIEW_PANE (self), NULL);

  if (self->mode != MODE_GRID && self->mode != MODE_ALL_SAMPLES)
    return NULL;
  result = augur_preview_engine_get_result (self->engine, index);
  if (result == NULL)
    return NULL;
  return self->diff && result->diff ? result->diff : result->image;
}

guint64
augur_preview_pane_get_seed (AugurPreviewPane *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_PANE (self), 0);
  return self->seed;
}

/* Sets the seed whether it is locked or not: an explicit choice. */
void
augur_preview_pane_set_seed (AugurPreviewPane *self,
                             guint64           seed)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_PANE (self));
  change_seed (self, seed);
}

const char *
augur_preview_pane_get_mode (AugurPreviewPane *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_PANE (self), NULL);
  return mode_names[self->mode];
}

void
augur_preview_pane_set_mode (AugurPreviewPane *self,
                             const char       *mode)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_PANE (self));
  g_return_if_fail (mode != NULL);

  for (guint i = 0; i < N_MODES; i++)
    if (g_str_equal (mode, mode_names[i]))
      {
        if (self->mode == (Mode) i)
          return;
        self->mode = i;
        gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->mode_menu), mode_icons[i]);
        close_draw_action (GTK_WIDGET (self), "preview.close-draw", NULL);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
        refresh (self);
        return;
      }
  g_warning ("Unknown preview mode “%s”", mode);
}

/* Returns: (transfer none): the engine the pane renders with */
AugurPreviewEngine *
augur_preview_pane_get_engine (AugurPreviewPane *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_PANE (self), NULL);
  return self->engine;
}

/* Returns: (transfer none): the enlarged draw's view */
GtkWidget *
augur_preview_pane_get_draw_view (AugurPreviewPane *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_PANE (self), NULL);
  return self->draw_view;
}

/* The frames of the step-through (the original first) or extremes view. */
guint
augur_preview_pane_get_n_frames (AugurPreviewPane *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_PANE (self), 0);
  return self->frames ? self->frames->len : 0;
}

AugurImage *
augur_preview_pane_get_frame (AugurPreviewPane *self,
                              guint             index)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_PANE (self), NULL);
  if (self->frames == NULL || index >= self->frames->len)
    return NULL;
  return ((Frame *) self->frames->pdata[index])->image;
}

const char *
augur_preview_pane_get_frame_caption (AugurPreviewPane *self,
                                      guint             index)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_PANE (self), NULL);
  if (self->frames == NULL || index >= self->frames->len)
    return NULL;
  return ((Frame *) self->frames->pdata[index])->title;
}

/* "empty", "loading", "error", "draw", or the content page of "preview":
 * "grid", "frames" or "status". */
const char *
augur_preview_pane_get_visible_page (AugurPreviewPane *self)
{
  const char *page;

  g_return_val_if_fail (AUGUR_IS_PREVIEW_PANE (self), NULL);
  page = gtk_stack_get_visible_child_name (GTK_STACK (self->main_stack));
  if (g_str_equal (page, "preview"))
    return gtk_stack_get_visible_child_name (GTK_STACK (self->content_stack));
  return page;
}

/* GObject --------------------------------------------------------------------------------------------------- */

static void
augur_preview_pane_dispose (GObject *object)
{
  AugurPreviewPane *self = AUGUR_PREVIEW_PANE (object);

  cancel_aux (self);
  if (self->engine)
    {
      g_signal_handlers_disconnect_by_data (self->engine, self);
      augur_preview_engine_cancel (self->engine);
    }
  if (self->current)
    g_signal_handlers_disconnect_by_data (self->current, self);
  if (self->samples)
    g_signal_handlers_disconnect_by_data (self->samples, self);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->engine);
  g_clear_object (&self->samples);
  g_clear_object (&self->current);
  g_clear_pointer (&self->recipe, augur_recipe_free);
  g_clear_pointer (&self->selected_path, g_free);
  g_clear_pointer (&self->references_key, g_free);
  /* the engine's workers may hold the pool longer: it forgets the pane */
  if (self->references)
    augur_reference_pool_set_label_reader (self->references, NULL, NULL);
  g_clear_pointer (&self->references, augur_reference_pool_unref);
  g_clear_pointer (&self->label_source, augur_label_source_free);
  g_clear_pointer (&self->draw_samples, g_ptr_array_unref);
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  g_clear_pointer (&self->frames, g_ptr_array_unref);

  G_OBJECT_CLASS (augur_preview_pane_parent_class)->dispose (object);
}

static void
augur_preview_pane_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AugurPreviewPane *self = AUGUR_PREVIEW_PANE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_string (value, mode_names[self->mode]);
      break;
    case PROP_GRID_SIZE:
      g_value_set_uint (value, self->grid_size);
      break;
    case PROP_DIFF:
      g_value_set_boolean (value, self->diff);
      break;
    case PROP_SEED_LOCKED:
      g_value_set_boolean (value, self->seed_locked);
      break;
    case PROP_SEED:
      g_value_set_uint64 (value, self->seed);
      break;
    case PROP_SHOW_BOXES:
      g_value_set_boolean (value, (self->label_flags & AUGUR_LABEL_OVERLAY_BOXES) != 0);
      break;
    case PROP_SHOW_KEYPOINTS:
      g_value_set_boolean (value, (self->label_flags & AUGUR_LABEL_OVERLAY_KEYPOINTS) != 0);
      break;
    case PROP_SHOW_MASKS:
      g_value_set_boolean (value, (self->label_flags & AUGUR_LABEL_OVERLAY_MASKS) != 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
augur_preview_pane_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AugurPreviewPane *self = AUGUR_PREVIEW_PANE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      augur_preview_pane_set_mode (self, g_value_get_string (value));
      break;
    case PROP_GRID_SIZE:
      augur_preview_pane_set_grid_size (self, g_value_get_uint (value));
      break;
    case PROP_DIFF:
      if (self->diff != g_value_get_boolean (value))
        {
          self->diff = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
          refresh (self);
        }
      break;
    case PROP_SEED_LOCKED:
      if (self->seed_locked != g_value_get_boolean (value))
        {
          self->seed_locked = g_value_get_boolean (value);
          sync_seed_spin (self);
          gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.reroll", !self->seed_locked);
          update_content_heading (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_SEED:
      change_seed (self, g_value_get_uint64 (value));
      break;
    case PROP_SHOW_BOXES:
      set_label_flag (self, AUGUR_LABEL_OVERLAY_BOXES, g_value_get_boolean (value), pspec);
      break;
    case PROP_SHOW_KEYPOINTS:
      set_label_flag (self, AUGUR_LABEL_OVERLAY_KEYPOINTS, g_value_get_boolean (value), pspec);
      break;
    case PROP_SHOW_MASKS:
      set_label_flag (self, AUGUR_LABEL_OVERLAY_MASKS, g_value_get_boolean (value), pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static const char pane_css[] =
  "augur-preview-pane .augur-toolbar { padding: 6px 12px; }\n"
  "augur-preview-pane button.augur-draw-cell { padding: 0; min-height: 0; min-width: 0; border-radius: 0; }\n"
  "augur-preview-pane button.augur-draw-cell:hover { background: none; filter: brightness(1.1); }\n"
  "augur-preview-pane button.augur-draw-cell:focus-visible { outline-offset: -3px; }\n"
  "augur-preview-pane .augur-original { padding: 12px; }\n"
  "augur-preview-pane .augur-section { font-weight: bold; }\n"
  "augur-preview-pane .augur-frame { padding: 4px; }\n"
  "augur-preview-pane .augur-replay-sidebar { background-color: @sidebar_bg_color; }\n"
  "augur-preview-pane .augur-canvas { background-color: @shade_color; }\n"
  "augur-preview-pane .augur-canvas augur-picture:focus-visible { outline: 2px solid alpha(@accent_color, 0.5); outline-offset: -2px; }\n";

static void
augur_preview_pane_class_init (AugurPreviewPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = augur_preview_pane_dispose;
  object_class->get_property = augur_preview_pane_get_property;
  object_class->set_property = augur_preview_pane_set_property;

  properties[PROP_MODE] =
    g_param_spec_string ("mode", NULL, NULL, "grid",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GRID_SIZE] =
    g_param_spec_uint ("grid-size", NULL, NULL, 1, 16, 4,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIFF] =
    g_param_spec_boolean ("diff", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEED_LOCKED] =
    g_param_spec_boolean ("seed-locked", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEED] =
    g_param_spec_uint64 ("seed", NULL, NULL, 0, AUGUR_SEED_MASK, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_BOXES] =
    g_param_spec_boolean ("show-boxes", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_KEYPOINTS] =
    g_param_spec_boolean ("show-keypoints", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_MASKS] =
    g_param_spec_boolean ("show-masks", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AugurPreviewPane::rendered:
   *
   * Every image of the current request is in and shown.
   */
  signals[SIGNAL_RENDERED] =
    g_signal_new ("rendered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_property_action (widget_class, "preview.mode", "mode");
  gtk_widget_class_install_property_action (widget_class, "preview.grid-size", "grid-size");
  gtk_widget_class_install_property_action (widget_class, "preview.diff", "diff");
  gtk_widget_class_install_property_action (widget_class, "preview.lock-seed", "seed-locked");
  gtk_widget_class_install_property_action (widget_class, "preview.show-boxes", "show-boxes");
  gtk_widget_class_install_property_action (widget_class, "preview.show-keypoints", "show-keypoints");
  gtk_widget_class_install_property_action (widget_class, "preview.show-masks", "show-masks");
  gtk_widget_class_install_action (widget_class, "preview.reroll", NULL, reroll_action);
  gtk_widget_class_install_action (widget_class, "preview.open-draw", "u", open_draw_action);
  gtk_widget_class_install_action (widget_class, "preview.close-draw", NULL, close_draw_action);
  gtk_widget_class_install_action (widget_class, "preview.step-draw", "i", step_draw_action);
  gtk_widget_class_install_action (widget_class, "preview.open-next", "i", open_next_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "preview.close-draw", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "augur-preview-pane");
}

static GtkWidget *
mode_switcher (gboolean icons)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_widget_add_css_class (box, "linked");
  for (guint i = 0; i < N_MODES; i++)
    {
      GtkWidget *button = gtk_toggle_button_new ();
      g_autofree char *tooltip = icons ? g_strdup_printf ("%s: %s", mode_labels[i], mode_tooltips[i])
                                       : g_strdup (mode_tooltips[i]);

      if (icons)
        gtk_button_set_icon_name (GTK_BUTTON (button), mode_icons[i]);
      else
        gtk_button_set_label (GTK_BUTTON (button), mode_labels[i]);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "preview.mode");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", mode_names[i]);
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_box_append (GTK_BOX (box), button);
    }
  return box;
}

/* The narrowest form of the mode switcher: a menu of the four views. */
static GtkWidget *
mode_menu_button (AugurPreviewPane *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkWidget *button = gtk_menu_button_new ();

  for (guint i = 0; i < N_MODES; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (mode_labels[i], NULL);

      g_menu_item_set_action_and_target_value (item, "preview.mode",
                                               g_variant_new_string (mode_names[i]));
      g_menu_append_item (menu, item);
    }
  /* the current view's icon, updated by augur_preview_pane_set_mode () */
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), mode_icons[self->mode]);
  gtk_menu_button_set_always_show_arrow (GTK_MENU_BUTTON (button), TRUE);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (button, "View");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  self->mode_menu = button;
  return button;
}

/* The first of @wide, @narrow and @narrowest (may be NULL) that fits
 * (AdwSqueezer), so that the toolbar shrinks with the pane instead of
 * widening the window or being cut off. */
static GtkWidget *
squeeze3 (GtkWidget *wide,
          GtkWidget *narrow,
          GtkWidget *narrowest)
{
  GtkWidget *squeezer = adw_squeezer_new ();

  adw_squeezer_set_homogeneous (ADW_SQUEEZER (squeezer), FALSE);
  adw_squeezer_set_transition_type (ADW_SQUEEZER (squeezer), ADW_SQUEEZER_TRANSITION_TYPE_NONE);
  adw_squeezer_set_xalign (ADW_SQUEEZER (squeezer), 0);
  /* each form keeps its own width, not the squeezer's */
  gtk_widget_set_halign (wide, GTK_ALIGN_START);
  gtk_widget_set_halign (narrow, GTK_ALIGN_START);
  adw_squeezer_add (ADW_SQUEEZER (squeezer), wide);
  adw_squeezer_add (ADW_SQUEEZER (squeezer), narrow);
  if (narrowest != NULL)
    {
      gtk_widget_set_halign (narrowest, GTK_ALIGN_START);
      adw_squeezer_add (ADW_SQUEEZER (squeezer), narrowest);
    }
  return squeezer;
}

static GtkWidget *
squeeze (GtkWidget *wide,
         GtkWidget *narrow)
{
  return squeeze3 (wide, narrow, NULL);
}

static GtkWidget *
diff_toggle (const char *label)
{
  GtkWidget *button = gtk_toggle_button_new_with_label (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "preview.diff");
  gtk_widget_set_tooltip_text (button, "Difference: show |augmented − original|, amplified ×"
                                       G_STRINGIFY (AUGUR_DIFF_GAIN) " so that small colour changes show");
  return button;
}

static GtkWidget *
build_toolbar (AugurPreviewPane *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *seed_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *lock, *reroll, *seed_label;
  g_autoptr(GMenu) menu = g_menu_new ();
  const guint sizes[] = { 1, 4, 9, 16 };

  gtk_widget_add_css_class (toolbar, "augur-toolbar");

  gtk_box_append (GTK_BOX (toolbar), squeeze3 (mode_switcher (FALSE), mode_switcher (TRUE),
                                               mode_menu_button (self)));

  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (toolbar), spacer);


  self->diff_button = squeeze (diff_toggle ("Difference"), diff_toggle ("Diff"));
  /* the room a squeezer keeps for the wider form goes to the left, next to
   * the spacer, not between the buttons */
  for (GtkWidget *form = gtk_widget_get_first_child (self->diff_button); form != NULL;
       form = gtk_widget_get_next_sibling (form))
    gtk_widget_set_halign (form, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (toolbar), self->diff_button);

  {
    g_autoptr(GMenu) labels = g_menu_new ();

    g_menu_append (labels, "Boxes", "preview.show-boxes");
    g_menu_append (labels, "Keypoints", "preview.show-keypoints");
    g_menu_append (labels, "Masks", "preview.show-masks");
    self->labels_button = gtk_menu_button_new ();
    gtk_menu_button_set_label (GTK_MENU_BUTTON (self->labels_button), "Labels");
    gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->labels_button), G_MENU_MODEL (labels));
    gtk_widget_set_tooltip_text (self->labels_button, "Which labels to draw over the images");
    /* only with labels to draw */
    gtk_widget_set_visible (self->labels_button, FALSE);
    gtk_box_append (GTK_BOX (toolbar), self->labels_button);
  }

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *label = g_strdup_printf ("%u Draw%s", sizes[i], sizes[i] == 1 ? "" : "s");
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "preview.grid-size", g_variant_new_uint32 (sizes[i]));
      g_menu_append_item (menu, item);
    }
  /* words, not the grid icon, which the Grid view's button has already */
  self->grid_button = gtk_menu_button_new ();
  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->grid_button), "4 Draws");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->grid_button), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (self->grid_button, "Number of Draws");
  gtk_box_append (GTK_BOX (toolbar), self->grid_button);

  seed_label = gtk_label_new ("Seed");
  gtk_widget_add_css_class (seed_label, "dim-label");
  gtk_widget_set_margin_start (seed_label, 6);
  /* always there: squeezed away, it left a gap of its width beside the field */
  gtk_box_append (GTK_BOX (toolbar), seed_label);

  gtk_widget_add_css_class (seed_box, "linked");
  self->seed_spin = gtk_entry_new ();
  gtk_entry_set_input_purpose (GTK_ENTRY (self->seed_spin), GTK_INPUT_PURPOSE_DIGITS);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->seed_spin), 5);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (self->seed_spin), 16);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->seed_spin), GTK_ACCESSIBLE_PROPERTY_LABEL, "Seed", -1);
  gtk_widget_add_css_class (self->seed_spin, "numeric");
  gtk_widget_set_tooltip_text (self->seed_spin, "Seed of the draws: type one and press Enter to see its draws again");
  g_signal_connect_swapped (self->seed_spin, "activate", G_CALLBACK (seed_entry_activate), self);
  {
    GtkEventController *focus = gtk_event_controller_focus_new ();

    g_signal_connect_swapped (focus, "leave", G_CALLBACK (seed_entry_activate), self);
    gtk_widget_add_controller (self->seed_spin, focus);
  }
  gtk_box_append (GTK_BOX (seed_box), self->seed_spin);

  lock = gtk_toggle_button_new ();
  gtk_button_set_icon_name (GTK_BUTTON (lock), "changes-prevent-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (lock), "preview.lock-seed");
  gtk_widget_set_tooltip_text (lock, "Lock the Seed: the same draws after every edit and re-roll. "
                                     "Each step draws on its own, so with a step switched off "
                                     "the other steps keep their draws");
  gtk_box_append (GTK_BOX (seed_box), lock);

  reroll = gtk_button_new_from_icon_name ("media-playlist-shuffle-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (reroll), "preview.reroll");
  gtk_widget_set_tooltip_text (reroll, "Re-roll (R)");
  gtk_box_append (GTK_BOX (seed_box), reroll);
  gtk_box_append (GTK_BOX (toolbar), seed_box);

  return toolbar;
}

static GtkWidget *
build_preview_page (AugurPreviewPane *self)
{
  GtkWidget *page = gtk_grid_new ();
  GtkWidget *original = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new ("Original");
  GtkWidget *draws = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller;

  gtk_grid_set_column_homogeneous (GTK_GRID (page), TRUE);

  /* The original: a quarter of the width. */
  gtk_widget_add_css_class (original, "augur-original");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (original), heading);
  self->original_caption = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->original_caption), 0);
  /* two lines (size, name), each shortened in the middle when the
   * original's column is narrow */
  gtk_label_set_ellipsize (GTK_LABEL (self->original_caption), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (self->original_caption, "caption");
  gtk_widget_add_css_class (self->original_caption, "dim-label");
  gtk_box_append (GTK_BOX (original), self->original_caption);
  self->original_picture = augur_picture_new ();
  self->original_layer = augur_label_layer_new (self->original_picture);
  gtk_widget_set_vexpand (self->original_layer, TRUE);
  augur_label_layer_set_align_top (AUGUR_LABEL_LAYER (self->original_layer), TRUE);
  gtk_box_append (GTK_BOX (original), self->original_layer);
  gtk_grid_attach (GTK_GRID (page), original, 0, 0, 1, 1);
  self->original_box = original;

  /* What the recipe does: the draws, the frames, or a status. */
  self->content_stack = gtk_stack_new ();
  gtk_stack_set_transition_type (GTK_STACK (self->content_stack), GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  /* each view asks only for its own width: the frames need more than the grid */
  gtk_stack_set_hhomogeneous (GTK_STACK (self->content_stack), FALSE);
  gtk_widget_set_hexpand (self->content_stack, TRUE);
  gtk_widget_set_vexpand (self->content_stack, TRUE);

  /* cells as large as the space allows, in as many columns as that takes */
  self->draw_grid = augur_cell_grid_new ();
  gtk_widget_set_vexpand (self->draw_grid, TRUE);
  gtk_widget_set_margin_bottom (self->draw_grid, 12);
  {
    /* one draw of each of many samples scrolls, at a readable size */
    GtkWidget *grid_scroller = gtk_scrolled_window_new ();

    gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (grid_scroller), GTK_POLICY_NEVER,
                                    GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (grid_scroller), self->draw_grid);
    gtk_stack_add_named (GTK_STACK (self->content_stack), grid_scroller, "grid");
  }

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  self->frames_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_bottom (self->frames_box, 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->frames_box);
  gtk_stack_add_named (GTK_STACK (self->content_stack), scroller, "frames");

  self->status_content = adw_status_page_new ();
  gtk_widget_add_css_class (self->status_content, "compact");
  gtk_stack_add_named (GTK_STACK (self->content_stack), self->status_content, "status");

  gtk_widget_set_margin_start (draws, 6);
  gtk_widget_set_margin_end (draws, 12);
  gtk_widget_set_margin_top (draws, 12);
  self->content_title = gtk_label_new ("Augmented");
  gtk_label_set_xalign (GTK_LABEL (self->content_title), 0);
  gtk_widget_add_css_class (self->content_title, "heading");
  {
    /* The spinner beside the heading, where it moves nothing: in the
     * toolbar it squeezed the view buttons during every slider drag. */
    GtkWidget *title_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

    self->spinner = gtk_spinner_new ();
    gtk_widget_set_opacity (self->spinner, 0.0);
    gtk_widget_set_tooltip_text (self->spinner, "Rendering");
    gtk_box_append (GTK_BOX (title_box), self->content_title);
    gtk_box_append (GTK_BOX (title_box), self->spinner);
    gtk_box_append (GTK_BOX (draws), title_box);
  }
  {
    /* Step-through: which draw, with previous / next, floating at the
     * heading's end so that the headings stay aligned. */
    GtkWidget *prev = gtk_button_new_from_icon_name ("go-previous-symbolic");
    GtkWidget *next = gtk_button_new_from_icon_name ("go-next-symbolic");

    self->draw_nav = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
    gtk_widget_add_css_class (self->draw_nav, "linked");
    gtk_actionable_set_action_name (GTK_ACTIONABLE (prev), "preview.step-draw");
    gtk_actionable_set_action_target (GTK_ACTIONABLE (prev), "i", -1);
    gtk_widget_set_tooltip_text (prev, "Previous Draw");
    gtk_actionable_set_action_name (GTK_ACTIONABLE (next), "preview.step-draw");
    gtk_actionable_set_action_target (GTK_ACTIONABLE (next), "i", 1);
    gtk_widget_set_tooltip_text (next, "Next Draw");
    gtk_box_append (GTK_BOX (self->draw_nav), prev);
    gtk_box_append (GTK_BOX (self->draw_nav), next);
    gtk_widget_set_visible (self->draw_nav, FALSE);
    gtk_widget_set_halign (self->draw_nav, GTK_ALIGN_END);
    gtk_widget_set_valign (self->draw_nav, GTK_ALIGN_START);
    gtk_widget_set_margin_top (self->draw_nav, 6);
    gtk_widget_set_margin_end (self->draw_nav, 12);
  }
  self->content_caption = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->content_caption), 0);
  gtk_label_set_wrap (GTK_LABEL (self->content_caption), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->content_caption), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (self->content_caption, "caption");
  gtk_widget_add_css_class (self->content_caption, "dim-label");
  gtk_widget_add_css_class (self->content_caption, "numeric");
  gtk_box_append (GTK_BOX (draws), self->content_caption);
  gtk_box_append (GTK_BOX (draws), self->content_stack);
  {
    GtkWidget *overlay = gtk_overlay_new ();

    gtk_overlay_set_child (GTK_OVERLAY (overlay), draws);
    gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->draw_nav);
    /* the draws three quarters of the width, the original one */
    gtk_grid_attach (GTK_GRID (page), overlay, 1, 0, 3, 1);
  }

  return page;
}

static void
augur_preview_pane_init (AugurPreviewPane *self)
{
  static gboolean css_loaded;
  GtkWidget *loading;

  self->label_flags = AUGUR_LABEL_OVERLAY_BOXES | AUGUR_LABEL_OVERLAY_KEYPOINTS | AUGUR_LABEL_OVERLAY_MASKS;

  if (!css_loaded && gdk_display_get_default () != NULL)
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_data (provider, pane_css, -1);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      css_loaded = TRUE;
    }

  self->engine = augur_preview_engine_new (0);
  g_signal_connect (self->engine, "result", G_CALLBACK (engine_result), self);
  g_signal_connect (self->engine, "finished", G_CALLBACK (engine_finished), self);
  g_signal_connect (self->engine, "failed", G_CALLBACK (engine_failed), self);
  self->mode = MODE_GRID;
  self->grid_size = 4;
  self->preview_size = AUGUR_PREVIEW_DEFAULT_SIZE;
  augur_preview_engine_set_display_size (self->engine, self->preview_size);
  self->draw_samples = g_ptr_array_new_with_free_func (g_object_unref);
  self->cells = g_ptr_array_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->toolbar = build_toolbar (self);
  gtk_box_append (GTK_BOX (self->box), self->toolbar);
  gtk_box_append (GTK_BOX (self->box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  self->main_stack = gtk_stack_new ();
  gtk_stack_set_transition_type (GTK_STACK (self->main_stack), GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_stack_set_hhomogeneous (GTK_STACK (self->main_stack), FALSE);
  gtk_widget_set_vexpand (self->main_stack, TRUE);
  gtk_box_append (GTK_BOX (self->box), self->main_stack);

  self->status_empty = adw_status_page_new ();
  set_status (self->status_empty, "image-x-generic-symbolic", "No Sample",
              "Open images or a folder, or drop them here, to see what the recipe does to them.");
  {
    /* the window's one call to action while it has no sample */
    GtkWidget *open = gtk_button_new_with_mnemonic ("_Open Images…");

    gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "win.open-images");
    gtk_widget_set_halign (open, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (open, "pill");
    gtk_widget_add_css_class (open, "suggested-action");
    adw_status_page_set_child (ADW_STATUS_PAGE (self->status_empty), open);
  }
  gtk_stack_add_named (GTK_STACK (self->main_stack), self->status_empty, "empty");

  loading = adw_status_page_new ();
  set_status (loading, "image-loading-symbolic", "Loading…", NULL);
  gtk_stack_add_named (GTK_STACK (self->main_stack), loading, "loading");

  self->status_error = adw_status_page_new ();
  gtk_stack_add_named (GTK_STACK (self->main_stack), self->status_error, "error");

  gtk_stack_add_named (GTK_STACK (self->main_stack), build_preview_page (self), "preview");

  self->draw_view = augur_draw_view_new (self->engine);
  g_signal_connect (self->draw_view, "error", G_CALLBACK (draw_view_error), self);
  gtk_stack_add_named (GTK_STACK (self->main_stack), self->draw_view, "draw");

  gtk_stack_set_visible_child_name (GTK_STACK (self->main_stack), "empty");
  gtk_widget_set_sensitive (self->toolbar, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.close-draw", FALSE);
  sync_seed_spin (self);

  /* R re-rolls from anywhere in the window, unless a text field takes the key first. */
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();

    gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_MANAGED);
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_r, 0),
                                                            gtk_named_action_new ("preview.reroll")));
    /* Escape leaves the enlarged draw wherever the focus is (the action is
     * disabled otherwise, and the key goes on to others) */
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                            gtk_named_action_new ("preview.close-draw")));
    gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  }
}

/* The label file the pane draws from (transfer none), or NULL. */
AugurLabelSource *
augur_preview_pane_get_labels (AugurPreviewPane *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_PANE (self), NULL);

  return self->label_source;
}
