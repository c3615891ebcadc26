/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-ui"

#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "augur-draw-view.h"
#include "augur-extremes.h"
#include "augur-group.h"
#include "augur-label-overlay.h"
#include "augur-picture.h"
#include "augur-recipe.h"
#include "augur-sample.h"

/*
 * One draw, enlarged: the image at full resolution (rendered on a worker
 * from the sample's full-resolution image, with the draw's seed), zoom
 * to fit or 1:1, panned by dragging or scrolling, and beside it the replay
 * as a readable list (which steps applied, every value drawn) with a
 * button that copies the replay as JSON. The replay is a side panel that
 * folds away (draw.show-replay, Ctrl+I), so that the draw can take the
 * whole width of a small window.
 */

/* What the enlarged view shows: the draw, the original, their difference,
 * or both either side of a divider. */
typedef enum
{
  VIEW_DRAW,
  VIEW_ORIGINAL,
  VIEW_DIFFERENCE,
  VIEW_SPLIT,
  N_VIEWS
} View;

static const char *const view_names[N_VIEWS] = { "draw", "original", "difference", "split" };

struct _AugurDrawView
{
  GtkWidget           parent_instance;

  AugurPreviewEngine *engine;
  GCancellable       *cancellable;
  GtkWidget          *back;

  AugurNode          *pipeline;
  AugurSample        *sample;
  AugurRenderResult  *preview;
  AugurImage         *image;       /* the full-size draw, once rendered */
  AugurReplay        *replay;      /* its replay */
  GdkTexture         *texture;     /* of the full-size draw */
  GdkTexture         *original;    /* the sample at full size */
  GdkTexture         *before;      /* the original at the draw's size, for the split */
  GdkTexture         *diff;        /* |draw − original| × AUGUR_DIFF_GAIN */
  guint64             seed;
  View                view;

  GtkWidget          *box;         /* the header above the paned */
  GtkWidget          *paned;
  GtkWidget          *sidebar;     /* the replay */
  GtkWidget          *scroller;
  GtkWidget          *picture;
  GtkWidget          *layer;       /* the picture, with labels drawn over it */
  AugurLabels        *labels;      /* the sample's, at full size; NULL: none */
  AugurLabelParams   *label_settings;
  AugurLabels        *draw_labels; /* carried through the full-size draw */
  GtkWidget          *title;
  GtkWidget          *subtitle;
  GtkWidget          *status;
  GtkWidget          *steps;
  GtkWidget          *zoom_label;
  GtkWidget          *view_buttons[N_VIEWS];
  GtkWidget          *view_menu;

  double              drag_h;
  double              drag_v;
  gboolean            drag_divider;
  double              drag_x;      /* where a divider drag began, in the picture */
};

G_DEFINE_FINAL_TYPE (AugurDrawView, augur_draw_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VIEW,
  PROP_REPLAY_VISIBLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_FULL_SIZE,
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The replay as rows ------------------------------------------------------------------ */

static void
add_row (AugurDrawView *self,
         const char    *title,
         const char    *subtitle,
         gboolean       applied,
         guint          depth)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle && *subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_margin_start (row, 0);

  icon = gtk_image_new_from_icon_name (applied ? "object-select-symbolic" : "window-close-symbolic");
  gtk_widget_set_margin_start (icon, (int) depth * 18);
  gtk_widget_set_tooltip_text (icon, applied ? "Applied" : "Not applied");
  if (!applied)
    {
      gtk_widget_add_css_class (icon, "dim-label");
      gtk_widget_add_css_class (row, "dim-label");
    }
  else
    gtk_widget_add_css_class (icon, "success");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_list_box_append (GTK_LIST_BOX (self->steps), row);
}

static void
add_replay_rows (AugurDrawView     *self,
                 const AugurNode   *node,
                 const AugurReplay *replay,
                 guint              depth,
                 gboolean           root)
{
  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      g_autofree char *values = replay->applied ? augur_drawn_format (&replay->drawn, node->info->drawn) : NULL;

      add_row (self, node->info->label,
               replay->applied ? (values && *values ? values : "Applied") : "Not applied",
               replay->applied, depth);
      return;
    }

  if (!root)
    {
      g_autofree char *what = NULL;

      if (!replay->applied)
        what = g_strdup ("Not applied");
      else if (node->kind == AUGUR_NODE_ONE_OF)
        what = g_strdup ("Chose one step");
      else if (node->kind != AUGUR_NODE_SEQUENTIAL)
        what = g_strdup_printf ("Chose %u step%s", replay->steps ? replay->steps->len : 0,
                                replay->steps && replay->steps->len == 1 ? "" : "s");
      add_row (self, augur_group_info (node->kind)->label, what, replay->applied, depth);
    }
  else if (!replay->applied)
    add_row (self, "Pipeline", "Not applied", FALSE, 0);

  for (guint i = 0; replay->steps && i < replay->steps->len; i++)
    {
      const AugurReplay *step = replay->steps->pdata[i];

      add_replay_rows (self, node->children->pdata[step->index], step, root ? depth : depth + 1, FALSE);
    }
}

static void
show_replay (AugurDrawView     *self,
             const AugurReplay *replay)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->steps)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->steps), child);

  g_clear_pointer (&self->draw_labels, augur_labels_free);
  if (self->pipeline == NULL || replay == NULL)
    return;
  add_replay_rows (self, self->pipeline, replay, 0, TRUE);
  if (gtk_widget_get_first_child (self->steps) == NULL)
    add_row (self, "No steps", "The pipeline is empty", FALSE, 0);

  /* what happened to each label: kept, cut, dropped, and by which step */
  if (self->labels != NULL)
    {
      g_autoptr(AugurLabelRecord) record = augur_label_record_new ();
      g_autofree char *fates = NULL;
      g_auto(GStrv) lines = NULL;

      g_autoptr(GError) error = NULL;

      /* blends bring in the labels of the samples they drew, from the
       * pool the draw was rendered with */
      if (!augur_node_apply_labels_full (self->pipeline, NULL, self->labels, replay,
                                         self->engine ? augur_preview_engine_get_references (self->engine) : NULL,
                                         self->label_settings, NULL, &self->draw_labels, record, &error))
        {
          add_row (self, "Labels", error->message, FALSE, 0);
          return;
        }
      fates = augur_label_record_describe (record, self->labels, self->draw_labels);
      lines = g_strsplit (fates, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        if (*lines[i])
          add_row (self, "Label", lines[i], strstr (lines[i], "dropped") == NULL, 0);
    }
}

static void
update_zoom_label (AugurDrawView *self)
{
  g_autofree char *text = NULL;

  text = g_strdup_printf ("%.0f%%", 100 * augur_picture_get_scale (AUGUR_PICTURE (self->picture)));
  gtk_label_set_text (GTK_LABEL (self->zoom_label), text);
}

/* What is shown --------------------------------------------------------------------------- */

/* The comparisons need the full-size draw: until it is in, the draw alone. */
static void
apply_view (AugurDrawView *self)
{
  AugurPicture *picture = AUGUR_PICTURE (self->picture);
  gboolean full = self->texture != NULL;
  View view = full ? self->view : VIEW_DRAW;

  for (guint i = 1; i < N_VIEWS; i++)
    gtk_widget_set_sensitive (self->view_buttons[i], full);
  gtk_widget_set_sensitive (self->view_menu, full);
  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->view_menu),
                             gtk_button_get_label (GTK_BUTTON (self->view_buttons[view])));

  augur_picture_set_before (picture, view == VIEW_SPLIT ? self->before : NULL);
  /* labels over the draw (once its replay is in) and over the original */
  augur_label_layer_set_labels (AUGUR_LABEL_LAYER (self->layer),
                                view == VIEW_DRAW && full && self->draw_labels
                                ? augur_labels_copy (self->draw_labels)
                                : view == VIEW_ORIGINAL && self->labels ? augur_labels_copy (self->labels)
                                : NULL);
  switch (view)
    {
    case VIEW_ORIGINAL:
      augur_picture_set_texture (picture, self->original);
      augur_picture_set_caption (picture, "Original");
      augur_picture_set_badge (picture, NULL);
      break;
    case VIEW_DIFFERENCE:
      augur_picture_set_texture (picture, self->diff);
      augur_picture_set_caption (picture, "Difference ×" G_STRINGIFY (AUGUR_DIFF_GAIN));
      augur_picture_set_badge (picture, NULL);
      break;
    case VIEW_SPLIT:
      augur_picture_set_texture (picture, self->texture);
      augur_picture_set_caption (picture, "Original");
      augur_picture_set_badge (picture, "Draw");
      break;
    case VIEW_DRAW:
    case N_VIEWS:
    default:
      augur_picture_set_texture (picture, full ? self->texture
                                               : self->preview ? self->preview->texture : NULL);
      augur_picture_set_caption (picture, NULL);
      augur_picture_set_badge (picture, NULL);
      break;
    }
}

/* Full-size rendering ---------------------------------------------------------------------- */

typedef struct
{
  AugurSample *sample;
  AugurNode   *pipeline;
  AugurReferencePool *references;
  guint64      seed;
} FullRequest;

typedef struct
{
  AugurImage  *image;
  AugurReplay *replay;
  GdkTexture  *texture;
  GdkTexture  *original;
  GdkTexture  *before;
  GdkTexture  *diff;
} FullResult;

static void
full_request_free (FullRequest *request)
{
  g_object_unref (request->sample);
  augur_node_free (request->pipeline);
  g_clear_pointer (&request->references, augur_reference_pool_unref);
  g_free (request);
}

static void
full_result_free (FullResult *result)
{
  g_clear_pointer (&result->image, augur_image_unref);
  g_clear_pointer (&result->replay, augur_replay_free);
  g_clear_object (&result->texture);
  g_clear_object (&result->original);
  g_clear_object (&result->before);
  g_clear_object (&result->diff);
  g_free (result);
}

static void
full_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FullRequest *request = task_data;
  g_autoptr(AugurImage) src = NULL;
  g_autoptr(GError) error = NULL;
  FullResult *result;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* the decode cache has it already when the grid drew from it */
  src = augur_sample_load_full (request->sample, cancellable, &error);
  if (src == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  result = g_new0 (FullResult, 1);
  {
    AugurShape shape = { src->width, src->height, src->channels };

    result->replay = augur_node_sample_full (request->pipeline, &shape, request->seed, FALSE,
                                             request->references, &error);
    if (result->replay != NULL)
      result->image = augur_node_apply_full_cancellable (request->pipeline, src, result->replay,
                                                         request->references, cancellable, &error);
  }
  if (result->image == NULL)
    {
      full_result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  result->texture = augur_texture_new_for_image (result->image);
  /* the comparisons: the original as it is, at the draw's size for the
   * split (a crop or a resize changed it), and the amplified difference */
  result->original = augur_texture_new_for_image (src);
  if (src->width == result->image->width && src->height == result->image->height)
    result->before = g_object_ref (result->original);
  else
    {
      g_autoptr(AugurImage) sized = augur_image_scale (src, result->image->width, result->image->height);

      result->before = augur_texture_new_for_image (sized);
    }
  {
    g_autoptr(AugurImage) diff = augur_preview_difference (src, result->image);

    result->diff = augur_texture_new_for_image (diff);
  }
  g_task_return_pointer (task, result, (GDestroyNotify) full_result_free);
}

static void
full_done (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(AugurDrawView) self = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  FullResult *result;

  g_weak_ref_clear (ref);
  g_free (ref);

  result = g_task_propagate_pointer (G_TASK (res), &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_pointer (&result, full_result_free);
      return;
    }

  if (result == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Could not render the full-size draw: %s",
                                                  error->message);

      gtk_label_set_text (GTK_LABEL (self->status), "Preview size (the full-size image could not be read)");
      g_signal_emit (self, signals[SIGNAL_ERROR], 0, message);
      return;
    }

  g_clear_pointer (&self->image, augur_image_unref);
  g_clear_pointer (&self->replay, augur_replay_free);
  self->image = g_steal_pointer (&result->image);
  self->replay = g_steal_pointer (&result->replay);
  g_set_object (&self->texture, result->texture);
  g_set_object (&self->original, result->original);
  g_set_object (&self->before, result->before);
  g_set_object (&self->diff, result->diff);
  full_result_free (result);
  show_replay (self, self->replay);
  apply_view (self);

  {
    g_autofree char *text = g_strdup_printf ("Full size, %d × %d", self->image->width,
                                             self->image->height);
    gtk_label_set_text (GTK_LABEL (self->status), text);
  }
  update_zoom_label (self);
  g_signal_emit (self, signals[SIGNAL_FULL_SIZE], 0);
}

/* Public API --------------------------------------------------------------------------------- */

GtkWidget *
augur_draw_view_new (AugurPreviewEngine *engine)
{
  AugurDrawView *self;

  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (engine), NULL);

  self = g_object_new (AUGUR_TYPE_DRAW_VIEW, NULL);
  self->engine = g_object_ref (engine);
  return GTK_WIDGET (self);
}

void
augur_draw_view_clear (AugurDrawView *self)
{
  g_return_if_fail (AUGUR_IS_DRAW_VIEW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pipeline, augur_node_free);
  g_clear_object (&self->sample);
  g_clear_pointer (&self->preview, augur_render_result_unref);
  g_clear_pointer (&self->image, augur_image_unref);
  g_clear_pointer (&self->replay, augur_replay_free);
  g_clear_object (&self->texture);
  g_clear_object (&self->original);
  g_clear_object (&self->before);
  g_clear_object (&self->diff);
  apply_view (self);
  show_replay (self, NULL);
}

static void
start_draw (AugurDrawView     *self,
            AugurSample       *sample,
            const AugurNode   *pipeline,
            AugurRenderResult *preview)
{
  g_autofree char *subtitle = NULL;
  g_autoptr(AugurSample) keep_sample = sample ? g_object_ref (sample) : NULL;

  augur_draw_view_clear (self);
  self->pipeline = augur_node_copy (pipeline);
  self->sample = g_steal_pointer (&keep_sample);
  self->preview = augur_render_result_ref (preview);
  self->seed = preview->seed;
  self->cancellable = g_cancellable_new ();

  subtitle = g_strdup_printf ("Seed %" G_GUINT64_FORMAT, preview->seed);
  gtk_label_set_text (GTK_LABEL (self->subtitle), subtitle);
  gtk_widget_set_tooltip_text (self->subtitle, subtitle);
  gtk_label_set_text (GTK_LABEL (self->status), "Preview size, rendering full size…");
  apply_view (self);
  show_replay (self, preview->replay);

  if (self->sample != NULL)
    {
      g_autoptr(GTask) task = NULL;
      FullRequest *request = g_new0 (FullRequest, 1);
      GWeakRef *ref = g_new0 (GWeakRef, 1);

      request->sample = g_object_ref (self->sample);
      request->pipeline = augur_node_copy (pipeline);
      request->seed = preview->seed;
      request->references = augur_preview_engine_get_references (self->engine);
      if (request->references)
        augur_reference_pool_ref (request->references);
      g_weak_ref_init (ref, self);

      /* No source object: a task in flight must not keep the view alive. */
      task = g_task_new (NULL, self->cancellable, full_done, ref);
      g_task_set_source_tag (task, start_draw);
      g_task_set_task_data (task, request, (GDestroyNotify) full_request_free);
      augur_preview_engine_run_task (self->engine, task, full_thread);
    }
}

/**
 * augur_draw_view_show_draw:
 * @sample: (nullable): the sample, drawn at full resolution on a worker
 * @pipeline: copied
 * @preview: the draw as rendered on the proxy, shown until the full-size
 *   one is in
 */
void
augur_draw_view_show_draw (AugurDrawView     *self,
                           const char        *title,
                           AugurSample       *sample,
                           const AugurNode   *pipeline,
                           AugurRenderResult *preview)
{
  g_return_if_fail (AUGUR_IS_DRAW_VIEW (self));
  g_return_if_fail (pipeline != NULL && preview != NULL);

  gtk_label_set_text (GTK_LABEL (self->title), title);
  start_draw (self, sample, pipeline, preview);
  augur_draw_view_zoom_fit (self);
}

/**
 * augur_draw_view_update_draw:
 *
 * The same draw (same file) after an edit of the recipe: rendered again,
 * keeping the zoom and the scroll position.
 */
void
augur_draw_view_update_draw (AugurDrawView     *self,
                             const AugurNode   *pipeline,
                             AugurRenderResult *preview)
{
  g_autoptr(AugurSample) sample = NULL;

  g_return_if_fail (AUGUR_IS_DRAW_VIEW (self));
  g_return_if_fail (pipeline != NULL && preview != NULL);

  sample = self->sample ? g_object_ref (self->sample) : NULL;
  start_draw (self, sample, pipeline, preview);
  update_zoom_label (self);
}

/**
 * augur_draw_view_set_labels:
 * @labels: (nullable): the sample's labels at its full size (copied); NULL:
 *   none
 * @settings: (nullable): the recipe's label settings (copied)
 *
 * For the next draw shown: its labels are drawn over it, carried through
 * its replay, and the replay lists what happened to each.
 */
void
augur_draw_view_set_labels (AugurDrawView          *self,
                            const AugurLabels      *labels,
                            const AugurLabelParams *settings)
{
  g_return_if_fail (AUGUR_IS_DRAW_VIEW (self));

  g_clear_pointer (&self->labels, augur_labels_free);
  g_clear_pointer (&self->label_settings, augur_label_params_free);
  self->labels = labels ? augur_labels_copy (labels) : NULL;
  self->label_settings = settings ? augur_label_params_copy (settings) : NULL;
}

/* Which labels are drawn (boxes, keypoints, masks), as in the grid. */
void
augur_draw_view_set_label_flags (AugurDrawView *self,
                                 guint          flags)
{
  g_return_if_fail (AUGUR_IS_DRAW_VIEW (self));
  augur_label_layer_set_flags (AUGUR_LABEL_LAYER (self->layer), flags);
}

/* The labels drawn over the enlarged draw: for tests. */
const AugurLabels *
augur_draw_view_get_draw_labels (AugurDrawView *self)
{
  g_return_val_if_fail (AUGUR_IS_DRAW_VIEW (self), NULL);
  return self->draw_labels;
}

/* Returns: (transfer none) (nullable): the full-size draw, once rendered */
AugurImage *
augur_draw_view_get_image (AugurDrawView *self)
{
  g_return_val_if_fail (AUGUR_IS_DRAW_VIEW (self), NULL);
  return self->image;
}

gboolean
augur_draw_view_is_full_size (AugurDrawView *self)
{
  g_return_val_if_fail (AUGUR_IS_DRAW_VIEW (self), FALSE);
  return self->image != NULL;
}

/* Returns: (transfer full) (nullable): the replay shown, as pretty JSON:
 * {"seed": N, "replay": {...}}, the members a manifest line has. */
char *
augur_draw_view_dup_replay_json (AugurDrawView *self)
{
  const AugurReplay *replay;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) json = NULL;

  g_return_val_if_fail (AUGUR_IS_DRAW_VIEW (self), NULL);

  replay = self->replay ? self->replay : self->preview ? self->preview->replay : NULL;
  if (replay == NULL || self->pipeline == NULL)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) self->seed);
  json_builder_set_member_name (builder, "replay");
  json_builder_add_value (builder, augur_replay_to_json (replay, self->pipeline));
  json_builder_end_object (builder);
  json = json_builder_get_root (builder);
  return augur_json_to_string (json, TRUE);
}

void
augur_draw_view_zoom_fit (AugurDrawView *self)
{
  g_return_if_fail (AUGUR_IS_DRAW_VIEW (self));
  augur_picture_set_zoom (AUGUR_PICTURE (self->picture), 0);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_NEVER);
  update_zoom_label (self);
}

static void
set_zoom (AugurDrawView *self,
          double         zoom)
{
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
  augur_picture_set_zoom (AUGUR_PICTURE (self->picture), CLAMP (zoom, 1.0 / 16, 16));
  update_zoom_label (self);
}

void
augur_draw_view_zoom_original (AugurDrawView *self)
{
  g_return_if_fail (AUGUR_IS_DRAW_VIEW (self));
  set_zoom (self, 1);
}

double
augur_draw_view_get_zoom (AugurDrawView *self)
{
  g_return_val_if_fail (AUGUR_IS_DRAW_VIEW (self), 0);
  return augur_picture_get_zoom (AUGUR_PICTURE (self->picture));
}

/* Actions and gestures ------------------------------------------------------------------------ */

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AugurDrawView *self = AUGUR_DRAW_VIEW (widget);
  double scale = augur_picture_get_scale (AUGUR_PICTURE (self->picture));

  if (g_str_equal (action_name, "draw.zoom-fit"))
    augur_draw_view_zoom_fit (self);
  else if (g_str_equal (action_name, "draw.zoom-original"))
    augur_draw_view_zoom_original (self);
  else if (g_str_equal (action_name, "draw.zoom-in"))
    set_zoom (self, scale * 1.5);
  else
    set_zoom (self, scale / 1.5);
}

static void
copy_replay_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AugurDrawView *self = AUGUR_DRAW_VIEW (widget);
  g_autofree char *json = augur_draw_view_dup_replay_json (self);

  if (json == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), json);
}

static void
drag_begin (GtkGestureDrag *gesture,
            double          x,
            double          y,
            AugurDrawView  *self)
{
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (self->scroller);
  AugurPicture *picture = AUGUR_PICTURE (self->picture);
  double px, py;

  /* Split: a drag that starts on the divider moves it; elsewhere it pans. */
  self->drag_divider = FALSE;
  if (augur_picture_get_before (picture) != NULL &&
      gtk_widget_translate_coordinates (self->scroller, self->picture, x, y, &px, &py) &&
      fabs (px - augur_picture_get_divider_x (picture)) < 16)
    {
      self->drag_divider = TRUE;
      self->drag_x = px;
      gtk_widget_set_cursor_from_name (self->scroller, "col-resize");
      return;
    }

  self->drag_h = gtk_adjustment_get_value (gtk_scrolled_window_get_hadjustment (scroller));
  self->drag_v = gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (scroller));
  gtk_widget_set_cursor_from_name (self->scroller, "grabbing");
}

static void
drag_update (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             AugurDrawView  *self)
{
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (self->scroller);

  if (self->drag_divider)
    {
      AugurPicture *picture = AUGUR_PICTURE (self->picture);

      augur_picture_set_split (picture, augur_picture_split_at (picture, self->drag_x + dx));
      return;
    }
  gtk_adjustment_set_value (gtk_scrolled_window_get_hadjustment (scroller), self->drag_h - dx);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (scroller), self->drag_v - dy);
}

static void
drag_end (GtkGestureDrag *gesture,
          double          dx,
          double          dy,
          AugurDrawView  *self)
{
  gtk_widget_set_cursor_from_name (self->scroller, NULL);
}

/* Arrow keys pan the image when it has the focus (Tab reaches it), as
 * dragging does with the mouse. */
static gboolean
picture_key_pressed (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     AugurDrawView         *self)
{
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (self->scroller);
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (scroller);
  GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (scroller);
  const double step = 48;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  /* Split: Shift with Left or Right moves the divider, as a drag does */
  if ((state & GDK_SHIFT_MASK) != 0 && augur_picture_get_before (AUGUR_PICTURE (self->picture)) != NULL &&
      (keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left || keyval == GDK_KEY_Right || keyval == GDK_KEY_KP_Right))
    {
      AugurPicture *picture = AUGUR_PICTURE (self->picture);
      double delta = keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left ? -0.05 : 0.05;

      augur_picture_set_split (picture, augur_picture_get_split (picture) + delta);
      return TRUE;
    }
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      gtk_adjustment_set_value (h, gtk_adjustment_get_value (h) - step);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      gtk_adjustment_set_value (h, gtk_adjustment_get_value (h) + step);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      gtk_adjustment_set_value (v, gtk_adjustment_get_value (v) - step);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      gtk_adjustment_set_value (v, gtk_adjustment_get_value (v) + step);
      return TRUE;
    default:
      return FALSE;
    }
}

/* GObject -------------------------------------------------------------------------------------- */

static void
augur_draw_view_dispose (GObject *object)
{
  AugurDrawView *self = AUGUR_DRAW_VIEW (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->pipeline, augur_node_free);
  g_clear_object (&self->sample);
  g_clear_pointer (&self->preview, augur_render_result_unref);
  g_clear_pointer (&self->image, augur_image_unref);
  g_clear_pointer (&self->replay, augur_replay_free);
  g_clear_pointer (&self->labels, augur_labels_free);
  g_clear_pointer (&self->label_settings, augur_label_params_free);
  g_clear_pointer (&self->draw_labels, augur_labels_free);
  g_clear_object (&self->texture);
  g_clear_object (&self->original);
  g_clear_object (&self->before);
  g_clear_object (&self->diff);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (augur_draw_view_parent_class)->dispose (object);
}

/* "draw", "original", "difference" or "split" */
const char *
augur_draw_view_get_view (AugurDrawView *self)
{
  g_return_val_if_fail (AUGUR_IS_DRAW_VIEW (self), NULL);
  return view_names[self->view];
}

void
augur_draw_view_set_view (AugurDrawView *self,
                          const char    *view)
{
  g_return_if_fail (AUGUR_IS_DRAW_VIEW (self));
  g_return_if_fail (view != NULL);

  for (guint i = 0; i < N_VIEWS; i++)
    if (g_str_equal (view, view_names[i]))
      {
        if (self->view == (View) i)
          return;
        self->view = i;
        apply_view (self);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
        return;
      }
  g_warning ("Unknown draw view “%s”", view);
}

gboolean
augur_draw_view_get_replay_visible (AugurDrawView *self)
{
  g_return_val_if_fail (AUGUR_IS_DRAW_VIEW (self), FALSE);
  return gtk_widget_get_visible (self->sidebar);
}

/* Shows or folds away the replay panel: folded, the draw takes its room. */
void
augur_draw_view_set_replay_visible (AugurDrawView *self,
                                    gboolean       visible)
{
  g_return_if_fail (AUGUR_IS_DRAW_VIEW (self));

  visible = !!visible;
  if (gtk_widget_get_visible (self->sidebar) == visible)
    return;
  gtk_widget_set_visible (self->sidebar, visible);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLAY_VISIBLE]);
}

static void
augur_draw_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AugurDrawView *self = AUGUR_DRAW_VIEW (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      g_value_set_string (value, view_names[self->view]);
      break;
    case PROP_REPLAY_VISIBLE:
      g_value_set_boolean (value, augur_draw_view_get_replay_visible (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
augur_draw_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  AugurDrawView *self = AUGUR_DRAW_VIEW (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      augur_draw_view_set_view (self, g_value_get_string (value));
      break;
    case PROP_REPLAY_VISIBLE:
      augur_draw_view_set_replay_visible (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Previous and next draw: the pane decides which (it knows the grid). */
static void
neighbour_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "preview.open-next", "i",
                              g_str_equal (action_name, "draw.previous") ? -1 : 1);
}

/* Focus lands on the way back, so that the keyboard stays in the view
 * (Escape, the zoom keys) instead of on a grid cell that was hidden. */
static gboolean
augur_draw_view_grab_focus (GtkWidget *widget)
{
  AugurDrawView *self = AUGUR_DRAW_VIEW (widget);

  return gtk_widget_grab_focus (self->back);
}

static void
augur_draw_view_class_init (AugurDrawViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = augur_draw_view_dispose;
  object_class->get_property = augur_draw_view_get_property;
  object_class->set_property = augur_draw_view_set_property;
  widget_class->grab_focus = augur_draw_view_grab_focus;

  properties[PROP_VIEW] =
    g_param_spec_string ("view", NULL, NULL, "draw",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* the replay panel is shown (the window keeps it in its settings) */
  properties[PROP_REPLAY_VISIBLE] =
    g_param_spec_boolean ("replay-visible", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The full-size draw is in (tests wait for it). */
  signals[SIGNAL_FULL_SIZE] =
    g_signal_new ("full-size-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "draw.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "draw.zoom-original", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "draw.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "draw.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "draw.copy-replay", NULL, copy_replay_action);
  gtk_widget_class_install_property_action (widget_class, "draw.view", "view");
  gtk_widget_class_install_property_action (widget_class, "draw.show-replay", "replay-visible");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "draw.show-replay", NULL);
  gtk_widget_class_install_action (widget_class, "draw.previous", NULL, neighbour_action);
  gtk_widget_class_install_action (widget_class, "draw.next", NULL, neighbour_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "draw.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "draw.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "draw.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "draw.zoom-original", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "draw.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "draw.zoom-out", NULL);
  /* the same keys without Shift and on the keypad */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "draw.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "draw.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "draw.zoom-out", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "augur-draw-view");
}

static GtkWidget *
icon_button (const char *icon,
             const char *action,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static void
augur_draw_view_init (AugurDrawView *self)
{
  GtkWidget *overlay, *zoom_box, *sidebar, *header, *back, *titles, *scroll, *copy, *clamp;
  GtkGesture *drag;

  /* the header (back, the draw's name, previous and next, the replay's
   * toggle) spans the view, so that it stays when the replay is folded */
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_shrink_end_child (GTK_PANED (self->paned), FALSE);
  gtk_paned_set_resize_end_child (GTK_PANED (self->paned), FALSE);
  /* the image keeps room for its zoom controls, never cut under the replay */
  gtk_paned_set_shrink_start_child (GTK_PANED (self->paned), FALSE);
  gtk_widget_set_vexpand (self->paned, TRUE);

  /* The image, with its zoom controls floating over it. */
  overlay = gtk_overlay_new ();
  gtk_widget_set_hexpand (overlay, TRUE);
  /* (an overlay measures its main child only: the zoom box needs this) */
  gtk_widget_set_size_request (overlay, 216, -1);
  self->scroller = gtk_scrolled_window_new ();
  gtk_widget_add_css_class (self->scroller, "augur-canvas");
  self->picture = augur_picture_new ();
  self->layer = augur_label_layer_new (self->picture);
  g_signal_connect_object (self->picture, "notify::scale",
                           G_CALLBACK (update_zoom_label), self, G_CONNECT_SWAPPED);
  gtk_widget_set_hexpand (self->picture, TRUE);
  gtk_widget_set_vexpand (self->picture, TRUE);
  gtk_widget_set_halign (self->picture, GTK_ALIGN_FILL);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->layer);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), self->scroller);

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end), self);
  gtk_widget_add_controller (self->scroller, GTK_EVENT_CONTROLLER (drag));

  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_widget_set_focusable (self->picture, TRUE);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    "The draw: arrow keys pan it", -1);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (picture_key_pressed), self);
    gtk_widget_add_controller (self->picture, keys);
  }

  zoom_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (zoom_box, "linked");
  gtk_widget_add_css_class (zoom_box, "osd");
  gtk_widget_add_css_class (zoom_box, "augur-zoom-box");
  gtk_widget_set_halign (zoom_box, GTK_ALIGN_END);
  gtk_widget_set_valign (zoom_box, GTK_ALIGN_END);
  gtk_widget_set_margin_end (zoom_box, 6);
  gtk_widget_set_margin_bottom (zoom_box, 6);
  gtk_box_append (GTK_BOX (zoom_box), icon_button ("zoom-out-symbolic", "draw.zoom-out", "Zoom Out (Ctrl+−)"));
  self->zoom_label = gtk_label_new ("100%");
  gtk_widget_set_size_request (self->zoom_label, 56, -1);
  gtk_widget_add_css_class (self->zoom_label, "numeric");
  gtk_box_append (GTK_BOX (zoom_box), self->zoom_label);
  gtk_box_append (GTK_BOX (zoom_box), icon_button ("zoom-in-symbolic", "draw.zoom-in", "Zoom In (Ctrl++)"));
  gtk_box_append (GTK_BOX (zoom_box), icon_button ("zoom-fit-best-symbolic", "draw.zoom-fit", "Zoom to Fit (Ctrl+0)"));
  gtk_box_append (GTK_BOX (zoom_box), icon_button ("zoom-original-symbolic", "draw.zoom-original", "Original Size (Ctrl+1)"));
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), zoom_box);

  {
    /* What to look at, and the draws before and after this one. */
    static const char *const labels[N_VIEWS] = { "Draw", "Original", "Diff ×" G_STRINGIFY (AUGUR_DIFF_GAIN), "Split" };
    static const char *const tips[N_VIEWS] = {
      "The draw at full resolution",
      "The sample before any step",
      "|draw − original|, amplified ×" G_STRINGIFY (AUGUR_DIFF_GAIN) " so that small changes show",
      "Before and after: the original left of the divider, the draw right of it; drag the divider, "
      "or move it with Shift+Left and Shift+Right",
    };
    GtkWidget *views = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
    GtkWidget *squeezer = adw_squeezer_new ();
    g_autoptr(GMenu) menu = g_menu_new ();

    gtk_widget_add_css_class (views, "linked");
    gtk_widget_add_css_class (views, "osd");
    for (guint i = 0; i < N_VIEWS; i++)
      {
        GtkWidget *button = gtk_toggle_button_new_with_label (labels[i]);

        gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "draw.view");
        gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", view_names[i]);
        gtk_widget_set_tooltip_text (button, tips[i]);
        gtk_box_append (GTK_BOX (views), button);
        self->view_buttons[i] = button;
      }
    /* narrow, a menu that names the view shown */
    for (guint i = 0; i < N_VIEWS; i++)
      {
        g_autoptr(GMenuItem) item = g_menu_item_new (labels[i], NULL);

        g_menu_item_set_action_and_target_value (item, "draw.view", g_variant_new_string (view_names[i]));
        g_menu_append_item (menu, item);
      }
    self->view_menu = gtk_menu_button_new ();
    gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->view_menu), G_MENU_MODEL (menu));
    gtk_menu_button_set_label (GTK_MENU_BUTTON (self->view_menu), labels[VIEW_DRAW]);
    gtk_widget_set_tooltip_text (self->view_menu, "What to Show");
    gtk_widget_add_css_class (self->view_menu, "osd");
    gtk_widget_set_halign (views, GTK_ALIGN_START);
    gtk_widget_set_halign (self->view_menu, GTK_ALIGN_START);
    adw_squeezer_add (ADW_SQUEEZER (squeezer), views);
    adw_squeezer_add (ADW_SQUEEZER (squeezer), self->view_menu);
    adw_squeezer_set_homogeneous (ADW_SQUEEZER (squeezer), FALSE);
    adw_squeezer_set_transition_type (ADW_SQUEEZER (squeezer), ADW_SQUEEZER_TRANSITION_TYPE_NONE);
    adw_squeezer_set_xalign (ADW_SQUEEZER (squeezer), 0);
    gtk_widget_set_halign (squeezer, GTK_ALIGN_FILL);
    gtk_widget_set_valign (squeezer, GTK_ALIGN_START);
    gtk_widget_set_margin_start (squeezer, 6);
    gtk_widget_set_margin_end (squeezer, 6);
    gtk_widget_set_margin_top (squeezer, 6);
    gtk_overlay_add_overlay (GTK_OVERLAY (overlay), squeezer);
  }
  gtk_paned_set_start_child (GTK_PANED (self->paned), overlay);

  /* The sidebar: what was drawn. */
  sidebar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  self->sidebar = sidebar;
  /* narrow enough for a small window; the replay's values wrap */
  gtk_widget_set_size_request (sidebar, 228, -1);
  gtk_widget_add_css_class (sidebar, "augur-replay-sidebar");

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 12);
  gtk_widget_set_margin_top (header, 6);
  gtk_widget_set_margin_bottom (header, 6);
  back = icon_button ("go-previous-symbolic", "preview.close-draw", "Back to the Grid (Escape)");
  self->back = back;
  gtk_widget_add_css_class (back, "flat");
  gtk_widget_set_valign (back, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (header), back);
  titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  self->title = gtk_label_new ("Draw");
  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_widget_add_css_class (self->title, "title-3");
  self->subtitle = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->subtitle), 0);
  gtk_label_set_selectable (GTK_LABEL (self->subtitle), TRUE);
  /* a long seed must not widen the replay: in full in the tooltip and the
   * copied JSON */
  gtk_label_set_ellipsize (GTK_LABEL (self->subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->subtitle, "dim-label");
  gtk_widget_add_css_class (self->subtitle, "numeric");
  gtk_box_append (GTK_BOX (titles), self->title);
  gtk_box_append (GTK_BOX (titles), self->subtitle);
  gtk_widget_set_hexpand (titles, TRUE);
  gtk_box_append (GTK_BOX (header), titles);
  {
    /* previous / next draw, beside its name */
    GtkWidget *nav = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

    gtk_widget_add_css_class (nav, "linked");
    gtk_widget_set_valign (nav, GTK_ALIGN_CENTER);
    gtk_box_append (GTK_BOX (nav), icon_button ("go-up-symbolic", "draw.previous", "Previous Draw (Page Up)"));
    gtk_box_append (GTK_BOX (nav), icon_button ("go-down-symbolic", "draw.next", "Next Draw (Page Down)"));
    gtk_box_append (GTK_BOX (header), nav);
  }
  {
    GtkWidget *toggle = gtk_toggle_button_new ();

    gtk_button_set_icon_name (GTK_BUTTON (toggle), "sidebar-show-right-symbolic");
    gtk_actionable_set_action_name (GTK_ACTIONABLE (toggle), "draw.show-replay");
    gtk_widget_set_tooltip_text (toggle, "Show the Replay (Ctrl+I)");
    gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
    gtk_box_append (GTK_BOX (header), toggle);
  }
  gtk_box_append (GTK_BOX (self->box), header);
  gtk_box_append (GTK_BOX (self->box), self->paned);

  self->status = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->status), 0);
  gtk_widget_add_css_class (self->status, "caption");
  gtk_widget_add_css_class (self->status, "dim-label");
  gtk_widget_set_margin_start (self->status, 12);
  gtk_widget_set_margin_end (self->status, 12);
  gtk_box_append (GTK_BOX (sidebar), self->status);

  scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroll, TRUE);
  clamp = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (clamp, 12);
  gtk_widget_set_margin_end (clamp, 12);
  gtk_widget_set_margin_top (clamp, 6);
  gtk_widget_set_margin_bottom (clamp, 12);
  {
    GtkWidget *heading = gtk_label_new ("Replay");
    gtk_label_set_xalign (GTK_LABEL (heading), 0);
    gtk_widget_add_css_class (heading, "heading");
    gtk_box_append (GTK_BOX (clamp), heading);
  }
  self->steps = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->steps), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->steps, "boxed-list");
  gtk_widget_set_valign (self->steps, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (clamp), self->steps);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), clamp);
  gtk_box_append (GTK_BOX (sidebar), scroll);

  copy = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (copy), adw_button_content_new ());
  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (gtk_button_get_child (GTK_BUTTON (copy))),
                                    "edit-copy-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (gtk_button_get_child (GTK_BUTTON (copy))),
                                "Copy Replay JSON");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "draw.copy-replay");
  gtk_widget_add_css_class (copy, "pill");
  gtk_widget_set_halign (copy, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (copy, 6);
  gtk_widget_set_margin_bottom (copy, 12);
  gtk_box_append (GTK_BOX (sidebar), copy);

  gtk_paned_set_end_child (GTK_PANED (self->paned), sidebar);
}
