/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-compare"

#include "config.h"

#include <stdio.h>

#include <adwaita.h>

#include "augur-compare-view.h"
#include "augur-label-overlay.h"
#include "augur-picture.h"
#include "augur-rng.h"

/* How many output sizes are listed; the rest are summed up. */
#define MAX_SIZES_LISTED 4
/* Each side's caches: the preview keeps its own (larger) ones, and a
 * comparison is a third and fourth set of draws beside it. */
#define SIDE_CACHE_BYTES ((gsize) 64 * 1024 * 1024)
#define SIDE_PREFIX_CACHE_BYTES ((gsize) 192 * 1024 * 1024)

/* Statistics ------------------------------------------------------------------------------------ */

static void
count_applied (const AugurNode  *node,
               const AugurDrawn *drawn,
               gpointer          user_data)
{
  GHashTable *seen = user_data;

  /* a step that applies twice in one draw (SomeOf with replacement)
   * counts once: the share of draws it changed */
  if (node->id != NULL)
    g_hash_table_add (seen, node->id);
}

/**
 * augur_compare_stats_compute:
 * @in: the sample's full-resolution shape
 * @key: the sample's key (its file name), from which each draw's seed is
 *   derived with @seed as the preview grid derives it
 * @pool: (nullable): the blends' references
 * @labels: (nullable): the sample's labels
 * @cancellable: (nullable): checked between draws
 *
 * Samples draws 0 to @n_draws − 1 of @pipeline, without rendering: how often
 * each transform applied, the output sizes and the labels lost.
 *
 * Returns: (transfer full): the statistics; NULL when cancelled
 */
AugurCompareStats *
augur_compare_stats_compute (const AugurNode        *pipeline,
                             const AugurShape       *in,
                             guint64                 seed,
                             const char             *key,
                             guint                   n_draws,
                             AugurReferencePool     *pool,
                             const AugurLabels      *labels,
                             const AugurLabelParams *label_params,
                             GCancellable           *cancellable)
{
  g_autoptr(AugurCompareStats) stats = g_new0 (AugurCompareStats, 1);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint labels_per_draw = labels ? labels->boxes->len + labels->keypoints->len : 0;

  g_return_val_if_fail (pipeline != NULL && in != NULL && key != NULL, NULL);

  stats->applied = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stats->sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n_draws; i++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *size = NULL;
      GHashTableIter iter;
      gpointer id;
      AugurShape out;

      if (g_cancellable_is_cancelled (cancellable))
        return NULL;
      replay = augur_node_sample_full (pipeline, in, augur_seed_derive (seed, key, i), FALSE, pool,
                                       &error);
      if (replay == NULL)
        {
          stats->error = g_strdup (error->message);
          break;
        }

      g_hash_table_remove_all (seen);
      augur_node_foreach_applied (pipeline, replay, count_applied, seen);
      g_hash_table_iter_init (&iter, seen);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        {
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (stats->applied, id));

          g_hash_table_replace (stats->applied, g_strdup (id), GUINT_TO_POINTER (count + 1));
        }

      augur_node_output_shape (pipeline, replay, in, &out);
      size = g_strdup_printf ("%dx%d", out.width, out.height);
      g_hash_table_replace (stats->sizes, g_strdup (size),
                            GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (stats->sizes, size)) + 1));

      if (labels != NULL && labels_per_draw > 0)
        {
          g_autoptr(AugurLabels) kept = NULL;

          augur_node_apply_labels (pipeline, NULL, labels, replay, label_params, &kept, NULL);
          stats->labels_in += labels_per_draw;
          if (kept != NULL)
            stats->labels_lost += labels_per_draw - MIN (labels_per_draw, kept->boxes->len + kept->keypoints->len);
          else
            stats->labels_lost += labels_per_draw;
        }
      stats->n_draws++;
    }
  return g_steal_pointer (&stats);
}

guint
augur_compare_stats_get_applied (const AugurCompareStats *stats,
                                 const char              *node_id)
{
  g_return_val_if_fail (stats != NULL && node_id != NULL, 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (stats->applied, node_id));
}

guint
augur_compare_stats_get_size (const AugurCompareStats *stats,
                              int                      width,
                              int                      height)
{
  g_autofree char *size = g_strdup_printf ("%dx%d", width, height);

  g_return_val_if_fail (stats != NULL, 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (stats->sizes, size));
}

void
augur_compare_stats_free (AugurCompareStats *stats)
{
  if (stats == NULL)
    return;
  g_clear_pointer (&stats->applied, g_hash_table_unref);
  g_clear_pointer (&stats->sizes, g_hash_table_unref);
  g_free (stats->error);
  g_free (stats);
}

/* The view ------------------------------------------------------------------------------------- */

typedef struct
{
  AugurCompareView   *view;
  AugurCompareSide    side;
  AugurPreviewEngine *engine;
  AugurRecipe        *recipe;
  char               *title;
  AugurCompareStats  *stats;
  GCancellable       *stats_cancellable;

  GtkWidget          *title_label;
  GtkWidget          *editing_label;
  GtkWidget          *stack;
  GtkWidget          *status;
  GtkWidget          *grid;
  GtkWidget          *stats_box;
  GPtrArray          *cells;        /* AugurLabelLayer around an AugurPicture */
} Side;

struct _AugurCompareView
{
  GtkWidget           parent_instance;

  Side                sides[AUGUR_COMPARE_N_SIDES];
  AugurSample        *sample;
  AugurLabels        *labels;
  AugurReferencePool *references;
  guint64             seed;
  guint               n_draws;
  AugurCompareSide    editing;

  GtkWidget          *box;
  GtkWidget          *edit_buttons[AUGUR_COMPARE_N_SIDES];
  GtkWidget          *caption;
  GtkWidget          *spinner;
};

G_DEFINE_FINAL_TYPE (AugurCompareView, augur_compare_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EDITING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_RENDERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const side_names[AUGUR_COMPARE_N_SIDES] = { "A", "B" };

static void
update_caption (AugurCompareView *self)
{
  g_autofree char *text = NULL;

  if (self->sample == NULL)
    text = g_strdup ("Open images to compare the two recipes on them");
  else
    text = g_strdup_printf ("Seed %" G_GUINT64_FORMAT " · %u draws of “%s” with the same seeds on both sides",
                            self->seed, self->n_draws, augur_sample_get_name (self->sample));
  gtk_label_set_text (GTK_LABEL (self->caption), text);
  gtk_widget_set_tooltip_text (self->caption, text);
}

static void
check_complete (AugurCompareView *self)
{
  gboolean complete = augur_compare_view_is_complete (self);

  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), !complete);
  gtk_widget_set_opacity (self->spinner, complete ? 0.0 : 1.0);
  if (complete)
    g_signal_emit (self, signals[SIGNAL_RENDERED], 0);
}

/* One line of the statistics: a name, a bar and a share. */
static void
add_stat_row (GtkGrid    *grid,
              int         row,
              int         depth,
              const char *name,
              guint       count,
              guint       total,
              gboolean    enabled)
{
  GtkWidget *label = gtk_label_new (name);
  g_autofree char *share = NULL;
  g_autofree char *tooltip = NULL;
  GtkWidget *value, *bar;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_margin_start (label, 12 * depth);
  gtk_grid_attach (grid, label, 0, row, 1, 1);

  if (!enabled)
    {
      value = gtk_label_new ("Off");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (value, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_grid_attach (grid, value, 1, row, 2, 1);
      return;
    }

  bar = gtk_level_bar_new_for_interval (0, 1);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), total ? (double) count / total : 0);
  gtk_widget_set_size_request (bar, 48, -1);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_grid_attach (grid, bar, 1, row, 1, 1);

  share = g_strdup_printf ("%.0f%%", total ? 100.0 * count / total : 0.0);
  value = gtk_label_new (share);
  gtk_label_set_xalign (GTK_LABEL (value), 1);
  gtk_label_set_width_chars (GTK_LABEL (value), 4);
  gtk_widget_add_css_class (value, "numeric");
  tooltip = g_strdup_printf ("%s applied in %u of %u draws", name, count, total);
  gtk_widget_set_tooltip_text (label, tooltip);
  gtk_widget_set_tooltip_text (value, tooltip);
  gtk_grid_attach (grid, value, 2, row, 1, 1);
}

static void
add_step_rows (GtkGrid                 *grid,
               int                     *row,
               const AugurNode         *node,
               int                      depth,
               gboolean                 enabled,
               const AugurCompareStats *stats)
{
  enabled = enabled && node->enabled;
  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      add_stat_row (grid, (*row)++, depth, node->info->label,
                    node->id ? augur_compare_stats_get_applied (stats, node->id) : 0,
                    stats->n_draws, enabled);
      return;
    }
  /* the root's steps at the left; a group's under its name */
  if (depth >= 0)
    {
      GtkWidget *label = gtk_label_new (augur_node_type_name (node));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_start (label, 12 * depth);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_grid_attach (grid, label, 0, (*row)++, 3, 1);
    }
  for (guint i = 0; i < node->children->len; i++)
    add_step_rows (grid, row, node->children->pdata[i], depth + 1, enabled, stats);
}

static int
compare_counts (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  GHashTable *sizes = user_data;
  guint ca = GPOINTER_TO_UINT (g_hash_table_lookup (sizes, *(const char **) a));
  guint cb = GPOINTER_TO_UINT (g_hash_table_lookup (sizes, *(const char **) b));

  if (ca != cb)
    return ca > cb ? -1 : 1;
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static GtkWidget *
heading_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 6);
  return label;
}

static void
show_stats (Side *side)
{
  AugurCompareView *self = side->view;
  const AugurCompareStats *stats = side->stats;
  GtkWidget *child, *grid;
  g_autofree char *heading = NULL;
  g_autoptr(GPtrArray) sizes = NULL;
  GHashTableIter iter;
  gpointer key;
  int row = 0;

  while ((child = gtk_widget_get_first_child (side->stats_box)) != NULL)
    gtk_box_remove (GTK_BOX (side->stats_box), child);
  if (stats == NULL || side->recipe == NULL)
    return;

  if (stats->error != NULL)
    {
      GtkWidget *label = gtk_label_new (stats->error);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "error");
      gtk_box_append (GTK_BOX (side->stats_box), label);
      return;
    }

  heading = g_strdup_printf ("How often each step applied, over %u draws", stats->n_draws);
  gtk_box_append (GTK_BOX (side->stats_box), heading_new (heading));
  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  add_step_rows (GTK_GRID (grid), &row, side->recipe->pipeline, -1, TRUE, stats);
  if (row == 0)
    {
      GtkWidget *label = gtk_label_new ("No steps");

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_grid_attach (GTK_GRID (grid), label, 0, 0, 3, 1);
    }
  gtk_box_append (GTK_BOX (side->stats_box), grid);

  /* the output sizes, most frequent first */
  gtk_box_append (GTK_BOX (side->stats_box), heading_new ("Output size"));
  sizes = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, stats->sizes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (sizes, key);
  g_ptr_array_sort_with_data (sizes, compare_counts, stats->sizes);
  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
  row = 0;
  for (guint i = 0; i < sizes->len && i < MAX_SIZES_LISTED; i++)
    {
      int width = 0, height = 0;
      g_autofree char *name = NULL;

      sscanf (sizes->pdata[i], "%dx%d", &width, &height);
      name = g_strdup_printf ("%d × %d", width, height);
      add_stat_row (GTK_GRID (grid), row++, 0, name,
                    GPOINTER_TO_UINT (g_hash_table_lookup (stats->sizes, sizes->pdata[i])),
                    stats->n_draws, TRUE);
    }
  if (sizes->len > MAX_SIZES_LISTED)
    {
      guint rest = 0;
      g_autofree char *name = NULL;

      for (guint i = MAX_SIZES_LISTED; i < sizes->len; i++)
        rest += GPOINTER_TO_UINT (g_hash_table_lookup (stats->sizes, sizes->pdata[i]));
      name = g_strdup_printf ("%u other sizes", sizes->len - MAX_SIZES_LISTED);
      add_stat_row (GTK_GRID (grid), row++, 0, name, rest, stats->n_draws, TRUE);
    }
  gtk_box_append (GTK_BOX (side->stats_box), grid);

  if (self->labels != NULL)
    {
      g_autofree char *text = NULL;
      GtkWidget *label;

      gtk_box_append (GTK_BOX (side->stats_box), heading_new ("Labels"));
      text = stats->labels_in > 0
             ? g_strdup_printf ("%u of %u boxes and keypoints lost (%.1f%%)", stats->labels_lost,
                                stats->labels_in, 100.0 * stats->labels_lost / stats->labels_in)
             : g_strdup ("This sample has no boxes or keypoints");
      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (side->stats_box), label);
    }
}

typedef struct
{
  AugurNode          *pipeline;
  AugurShape          shape;
  guint64             seed;
  char               *key;
  AugurReferencePool *pool;
  AugurLabels        *labels;
  AugurLabelParams   *label_params;
} StatsJob;

static void
stats_job_free (StatsJob *job)
{
  g_clear_pointer (&job->pipeline, augur_node_free);
  g_free (job->key);
  g_clear_pointer (&job->pool, augur_reference_pool_unref);
  g_clear_pointer (&job->labels, augur_labels_free);
  g_clear_pointer (&job->label_params, augur_label_params_free);
  g_free (job);
}

static void
stats_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  StatsJob *job = task_data;
  AugurCompareStats *stats;

  stats = augur_compare_stats_compute (job->pipeline, &job->shape, job->seed, job->key,
                                       AUGUR_COMPARE_STATS_DRAWS, job->pool, job->labels,
                                       job->label_params, cancellable);
  if (stats == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  else
    g_task_return_pointer (task, stats, (GDestroyNotify) augur_compare_stats_free);
}

static void
stats_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AugurCompareView *self = AUGUR_COMPARE_VIEW (object);
  AugurCompareSide which = GPOINTER_TO_UINT (user_data);
  AugurCompareStats *stats = g_task_propagate_pointer (G_TASK (result), NULL);
  Side *side = &self->sides[which];

  /* a stale request (cancelled since) brings nothing */
  if (stats == NULL || g_task_get_cancellable (G_TASK (result)) != side->stats_cancellable)
    {
      g_clear_pointer (&stats, augur_compare_stats_free);
      return;
    }
  g_clear_pointer (&side->stats, augur_compare_stats_free);
  side->stats = stats;
  g_clear_object (&side->stats_cancellable);
  show_stats (side);
  check_complete (self);
}

static void
start_stats (Side *side)
{
  AugurCompareView *self = side->view;
  g_autoptr(GTask) task = NULL;
  AugurImage *proxy = augur_sample_get_proxy (self->sample);
  StatsJob *job = g_new0 (StatsJob, 1);

  side->stats_cancellable = g_cancellable_new ();
  job->pipeline = augur_node_copy (side->recipe->pipeline);
  job->shape = (AugurShape) { augur_sample_get_width (self->sample), augur_sample_get_height (self->sample),
                              proxy->channels };
  job->seed = self->seed;
  job->key = g_strdup (augur_sample_get_name (self->sample));
  job->pool = self->references ? augur_reference_pool_ref (self->references) : NULL;
  job->labels = self->labels ? augur_labels_copy (self->labels) : NULL;
  job->label_params = side->recipe->labels ? augur_label_params_copy (side->recipe->labels) : NULL;

  task = g_task_new (self, side->stats_cancellable, stats_done, GUINT_TO_POINTER (side->side));
  g_task_set_task_data (task, job, (GDestroyNotify) stats_job_free);
  g_task_run_in_thread (task, stats_thread);
}

static void
set_side_status (Side       *side,
                 const char *icon,
                 const char *title,
                 const char *description)
{
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (side->status), icon);
  adw_status_page_set_title (ADW_STATUS_PAGE (side->status), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (side->status), description);
  gtk_stack_set_visible_child (GTK_STACK (side->stack), side->status);
}

/* Draws per row on each side: square-ish blocks, as the grid sizes of the
 * preview (1, 4, 9, 16) make them. */
static guint
columns_for (guint n)
{
  guint columns = 1;

  while (columns * columns < n)
    columns++;
  return columns;
}

static void
layout_cells (Side *side,
              guint n)
{
  guint columns = columns_for (n);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (side->grid)) != NULL)
    gtk_grid_remove (GTK_GRID (side->grid), child);
  g_ptr_array_set_size (side->cells, 0);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *picture = augur_picture_new ();
      GtkWidget *layer = augur_label_layer_new (picture);
      g_autofree char *caption = g_strdup_printf ("%s%u", side_names[side->side], i + 1);

      gtk_widget_set_hexpand (picture, TRUE);
      augur_picture_set_caption (AUGUR_PICTURE (picture), caption);
      /* (the cells are small: the labels without their names) */
      augur_label_layer_set_flags (AUGUR_LABEL_LAYER (layer), AUGUR_LABEL_OVERLAY_BOXES |
                                   AUGUR_LABEL_OVERLAY_KEYPOINTS | AUGUR_LABEL_OVERLAY_MASKS);
      gtk_grid_attach (GTK_GRID (side->grid), layer, i % columns, i / columns, 1, 1);
      g_ptr_array_add (side->cells, layer);
    }
}

/* Draws and statistics of @side for the current sample, seed and recipe. */
static void
refresh_side (Side *side)
{
  AugurCompareView *self = side->view;
  g_autofree AugurRenderItem *items = NULL;

  if (side->stats_cancellable != NULL)
    g_cancellable_cancel (side->stats_cancellable);
  g_clear_object (&side->stats_cancellable);
  g_clear_pointer (&side->stats, augur_compare_stats_free);
  show_stats (side);

  if (side->recipe == NULL)
    {
      augur_preview_engine_cancel (side->engine);
      set_side_status (side, "view-dual-symbolic", "No Recipe", NULL);
      return;
    }
  if (self->sample == NULL || !augur_sample_get_loaded (self->sample) ||
      augur_sample_get_proxy (self->sample) == NULL)
    {
      augur_preview_engine_cancel (side->engine);
      set_side_status (side, "image-x-generic-symbolic",
                       self->sample ? "Loading the Sample" : "No Samples",
                       self->sample ? NULL : "Open images to compare the recipes on them");
      return;
    }

  items = g_new0 (AugurRenderItem, self->n_draws);
  for (guint i = 0; i < self->n_draws; i++)
    {
      items[i].image = augur_sample_get_proxy (self->sample);
      items[i].seed = augur_seed_derive (self->seed, augur_sample_get_name (self->sample), i);
      items[i].sample = self->sample;
    }
  if (side->cells->len != self->n_draws)
    layout_cells (side, self->n_draws);
  gtk_stack_set_visible_child (GTK_STACK (side->stack), side->grid);
  augur_preview_engine_set_references (side->engine, self->references);
  augur_preview_engine_render (side->engine, side->recipe->pipeline, items, self->n_draws, FALSE);
  start_stats (side);
  check_complete (self);
}

static void
refresh_all (AugurCompareView *self)
{
  update_caption (self);
  for (guint i = 0; i < AUGUR_COMPARE_N_SIDES; i++)
    refresh_side (&self->sides[i]);
}

static void
engine_result (AugurPreviewEngine *engine,
               guint               index,
               Side               *side)
{
  AugurRenderResult *result = augur_preview_engine_get_result (engine, index);
  AugurLabels *labels = NULL;
  g_autofree char *tooltip = NULL;
  AugurLabelLayer *layer;
  AugurPicture *picture;

  if (result == NULL || index >= side->cells->len)
    return;
  layer = side->cells->pdata[index];
  picture = augur_label_layer_get_picture (layer);
  augur_picture_set_texture (picture, result->texture);
  /* the sample's labels carried through the draw's replay (once the
   * full-resolution draw, whose replay is the one counted, is in) */
  if (!result->reduced && side->view->labels != NULL && side->recipe != NULL)
    augur_node_apply_labels (side->recipe->pipeline, NULL, side->view->labels, result->replay,
                             side->recipe->labels, &labels, NULL);
  augur_label_layer_set_labels (layer, labels);
  augur_picture_set_badge (picture, result->reduced ? "Preview" : NULL);
  tooltip = result->reduced
            ? g_strdup_printf ("Seed %" G_GUINT64_FORMAT " — a quick preview from a reduced copy",
                               result->seed)
            : g_strdup_printf ("Seed %" G_GUINT64_FORMAT ", drawn at %d × %d", result->seed,
                               result->full_width, result->full_height);
  gtk_widget_set_tooltip_text (GTK_WIDGET (picture), tooltip);
}

static void
engine_finished (AugurPreviewEngine *engine,
                 guint64             generation,
                 Side               *side)
{
  check_complete (side->view);
}

static void
engine_failed (AugurPreviewEngine *engine,
               guint               index,
               const char         *reason,
               Side               *side)
{
  if (index < side->cells->len)
    gtk_widget_set_tooltip_text (side->cells->pdata[index], reason);
}

/* New seeds for both sides, derived from the current one as the preview's
 * re-roll derives them, so that the sequence of re-rolls is reproducible. */
static void
reroll_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AugurCompareView *self = AUGUR_COMPARE_VIEW (widget);

  augur_compare_view_set_seed (self, augur_seed_derive (self->seed, "re-roll", 0) % 1000000);
}

static void
update_editing (AugurCompareView *self)
{
  for (guint i = 0; i < AUGUR_COMPARE_N_SIDES; i++)
    {
      /* (hidden by opacity: both sides' draws stay at the same height) */
      gtk_widget_set_opacity (self->sides[i].editing_label, self->editing == i ? 1.0 : 0.0);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->edit_buttons[i]), self->editing == i);
    }
}

static void
edit_button_toggled (GtkToggleButton  *button,
                     AugurCompareView *self)
{
  for (guint i = 0; i < AUGUR_COMPARE_N_SIDES; i++)
    if (GTK_WIDGET (button) == self->edit_buttons[i] && gtk_toggle_button_get_active (button))
      augur_compare_view_set_editing (self, i);
}

static GtkWidget *
side_new (AugurCompareView *self,
          AugurCompareSide  which)
{
  Side *side = &self->sides[which];
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  side->view = self;
  side->side = which;
  side->cells = g_ptr_array_new ();
  /* both sides render at once: half the processors each */
  side->engine = augur_preview_engine_new (MAX (1, g_get_num_processors () / 2));
  augur_preview_engine_set_cache_limit (side->engine, SIDE_CACHE_BYTES);
  augur_preview_engine_set_prefix_cache_limit (side->engine, SIDE_PREFIX_CACHE_BYTES);
  g_signal_connect (side->engine, "result", G_CALLBACK (engine_result), side);
  g_signal_connect (side->engine, "finished", G_CALLBACK (engine_finished), side);
  g_signal_connect (side->engine, "failed", G_CALLBACK (engine_failed), side);

  gtk_widget_set_hexpand (box, TRUE);
  side->title_label = gtk_label_new (side_names[which]);
  gtk_label_set_xalign (GTK_LABEL (side->title_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (side->title_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (side->title_label, TRUE);
  gtk_widget_add_css_class (side->title_label, "title-4");
  gtk_box_append (GTK_BOX (header), side->title_label);
  side->editing_label = gtk_label_new ("Editing in the pipeline");
  gtk_label_set_xalign (GTK_LABEL (side->editing_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (side->editing_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (side->editing_label, "accent");
  gtk_widget_add_css_class (side->editing_label, "caption-heading");
  gtk_box_append (GTK_BOX (header), side->editing_label);
  gtk_box_append (GTK_BOX (box), header);

  side->stack = gtk_stack_new ();
  side->status = adw_status_page_new ();
  gtk_widget_add_css_class (side->status, "compact");
  gtk_stack_add_child (GTK_STACK (side->stack), side->status);
  side->grid = gtk_grid_new ();
  gtk_grid_set_column_homogeneous (GTK_GRID (side->grid), TRUE);
  gtk_grid_set_column_spacing (GTK_GRID (side->grid), 4);
  gtk_grid_set_row_spacing (GTK_GRID (side->grid), 4);
  gtk_widget_set_valign (side->grid, GTK_ALIGN_START);
  gtk_stack_add_child (GTK_STACK (side->stack), side->grid);
  gtk_box_append (GTK_BOX (box), side->stack);

  side->stats_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_box_append (GTK_BOX (box), side->stats_box);
  return box;
}

static void
augur_compare_view_dispose (GObject *object)
{
  AugurCompareView *self = AUGUR_COMPARE_VIEW (object);

  for (guint i = 0; i < AUGUR_COMPARE_N_SIDES; i++)
    {
      Side *side = &self->sides[i];

      if (side->stats_cancellable != NULL)
        g_cancellable_cancel (side->stats_cancellable);
      g_clear_object (&side->stats_cancellable);
      if (side->engine != NULL)
        {
          g_signal_handlers_disconnect_by_data (side->engine, side);
          augur_preview_engine_cancel (side->engine);
        }
      g_clear_object (&side->engine);
    }
  g_clear_pointer (&self->box, gtk_widget_unparent);
  if (self->sample != NULL)
    g_signal_handlers_disconnect_by_func (self->sample, refresh_all, self);
  g_clear_object (&self->sample);

  G_OBJECT_CLASS (augur_compare_view_parent_class)->dispose (object);
}

static void
augur_compare_view_finalize (GObject *object)
{
  AugurCompareView *self = AUGUR_COMPARE_VIEW (object);

  for (guint i = 0; i < AUGUR_COMPARE_N_SIDES; i++)
    {
      Side *side = &self->sides[i];

      g_clear_pointer (&side->recipe, augur_recipe_free);
      g_clear_pointer (&side->title, g_free);
      g_clear_pointer (&side->stats, augur_compare_stats_free);
      g_clear_pointer (&side->cells, g_ptr_array_unref);
    }
  g_clear_pointer (&self->labels, augur_labels_free);
  g_clear_pointer (&self->references, augur_reference_pool_unref);

  G_OBJECT_CLASS (augur_compare_view_parent_class)->finalize (object);
}

static void
augur_compare_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AugurCompareView *self = AUGUR_COMPARE_VIEW (object);

  switch (prop_id)
    {
    case PROP_EDITING:
      g_value_set_uint (value, self->editing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
augur_compare_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AugurCompareView *self = AUGUR_COMPARE_VIEW (object);

  switch (prop_id)
    {
    case PROP_EDITING:
      augur_compare_view_set_editing (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
augur_compare_view_class_init (AugurCompareViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = augur_compare_view_dispose;
  object_class->finalize = augur_compare_view_finalize;
  object_class->get_property = augur_compare_view_get_property;
  object_class->set_property = augur_compare_view_set_property;

  /**
   * AugurCompareView:editing:
   *
   * The side the pipeline editor edits (an #AugurCompareSide): the view
   * marks it, and its toggle sets it.
   */
  properties[PROP_EDITING] =
    g_param_spec_uint ("editing", NULL, NULL, 0, AUGUR_COMPARE_N_SIDES - 1, AUGUR_COMPARE_A,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AugurCompareView::rendered:
   *
   * Both sides' draws and statistics are in.
   */
  signals[SIGNAL_RENDERED] =
    g_signal_new ("rendered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "compare.reroll", NULL, reroll_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "augur-compare-view");
}

static void
augur_compare_view_init (AugurCompareView *self)
{
  GtkWidget *toolbar, *linked, *scrolled, *sides, *button;

  self->n_draws = 6;
  self->editing = AUGUR_COMPARE_A;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (toolbar, "toolbar");
  linked = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (linked, "linked");
  for (guint i = 0; i < AUGUR_COMPARE_N_SIDES; i++)
    {
      g_autofree char *label = g_strdup_printf ("Edit %s", side_names[i]);
      g_autofree char *tooltip = g_strdup_printf ("The pipeline editor edits recipe %s", side_names[i]);

      self->edit_buttons[i] = gtk_toggle_button_new_with_label (label);
      gtk_widget_set_tooltip_text (self->edit_buttons[i], tooltip);
      if (i > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (self->edit_buttons[i]),
                                     GTK_TOGGLE_BUTTON (self->edit_buttons[0]));
      g_signal_connect (self->edit_buttons[i], "toggled", G_CALLBACK (edit_button_toggled), self);
      gtk_box_append (GTK_BOX (linked), self->edit_buttons[i]);
    }
  gtk_box_append (GTK_BOX (toolbar), linked);

  self->spinner = gtk_spinner_new ();
  gtk_widget_set_hexpand (self->spinner, TRUE);
  gtk_widget_set_halign (self->spinner, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (toolbar), self->spinner);

  button = gtk_button_new_from_icon_name ("media-playlist-shuffle-symbolic");
  gtk_widget_set_tooltip_text (button, "Re-roll (R): new draws, with the same seeds on both sides");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, "Re-roll", -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "compare.reroll");
  gtk_box_append (GTK_BOX (toolbar), button);

  button = gtk_button_new_with_mnemonic ("Save _B As…");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.compare-save-b");
  gtk_widget_set_tooltip_text (button, "Save recipe B to a file");
  gtk_box_append (GTK_BOX (toolbar), button);
  button = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.compare-close");
  gtk_widget_set_tooltip_text (button, "Stop Comparing (Ctrl+Shift+B)");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Stop Comparing", -1);
  gtk_box_append (GTK_BOX (toolbar), button);
  gtk_box_append (GTK_BOX (self->box), toolbar);

  /* what both sides share, under the toolbar: a narrow window wraps it */
  self->caption = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->caption), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->caption), 0);
  gtk_widget_set_margin_start (self->caption, 12);
  gtk_widget_set_margin_end (self->caption, 12);
  gtk_widget_add_css_class (self->caption, "dim-label");
  gtk_widget_add_css_class (self->caption, "caption");
  gtk_box_append (GTK_BOX (self->box), self->caption);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  sides = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  gtk_box_set_homogeneous (GTK_BOX (sides), TRUE);
  gtk_widget_set_margin_start (sides, 12);
  gtk_widget_set_margin_end (sides, 12);
  gtk_widget_set_margin_top (sides, 6);
  gtk_widget_set_margin_bottom (sides, 12);
  for (guint i = 0; i < AUGUR_COMPARE_N_SIDES; i++)
    {
      gtk_box_append (GTK_BOX (sides), side_new (self, i));
      if (i == 0)
        gtk_box_append (GTK_BOX (sides), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
    }
  /* (the separator must not take a homogeneous share) */
  gtk_box_set_homogeneous (GTK_BOX (sides), FALSE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), sides);
  gtk_box_append (GTK_BOX (self->box), scrolled);

  /* R re-rolls from anywhere in the window while the comparison is shown
   * (a managed shortcut counts only while its widget is mapped, so the
   * preview's own R takes over when it is back) */
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();

    gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_MANAGED);
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_r, 0),
                                                            gtk_named_action_new ("compare.reroll")));
    gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  }

  update_editing (self);
  update_caption (self);
  for (guint i = 0; i < AUGUR_COMPARE_N_SIDES; i++)
    set_side_status (&self->sides[i], "view-dual-symbolic", "No Recipe", NULL);
}

GtkWidget *
augur_compare_view_new (void)
{
  return g_object_new (AUGUR_TYPE_COMPARE_VIEW, NULL);
}

/**
 * augur_compare_view_set_recipe:
 * @recipe: (nullable): copied
 * @title: what the side's heading names it ("recipe.json", "• Untitled recipe")
 *
 * Redraws @side when its pipeline, labels' settings or seed changed.
 */
void
augur_compare_view_set_recipe (AugurCompareView  *self,
                               AugurCompareSide   side,
                               const AugurRecipe *recipe,
                               const char        *title)
{
  Side *s;
  g_autofree char *heading = NULL;

  g_return_if_fail (AUGUR_IS_COMPARE_VIEW (self));
  g_return_if_fail (side < AUGUR_COMPARE_N_SIDES);

  s = &self->sides[side];
  /* "B · recipe.json"; an unsaved title's dot takes the separator's place
   * ("B • Copy of …") rather than sitting beside it */
  if (title != NULL && g_str_has_prefix (title, "• "))
    heading = g_strdup_printf ("%s %s", side_names[side], title);
  else
    heading = g_strdup_printf ("%s · %s", side_names[side], title ? title : "");
  gtk_label_set_text (GTK_LABEL (s->title_label), heading);
  gtk_widget_set_tooltip_text (s->title_label, heading);
  g_free (s->title);
  s->title = g_strdup (title);

  if (recipe == NULL && s->recipe == NULL)
    return;
  if (recipe != NULL && s->recipe != NULL && augur_recipe_equal (recipe, s->recipe))
    return;
  g_clear_pointer (&s->recipe, augur_recipe_free);
  s->recipe = recipe ? augur_recipe_copy (recipe) : NULL;
  refresh_side (s);
}

/**
 * augur_compare_view_set_sample:
 * @sample: (nullable): the sample both sides draw
 * @labels: (transfer full) (nullable): its labels, at its full size
 */
void
augur_compare_view_set_sample (AugurCompareView *self,
                               AugurSample      *sample,
                               AugurLabels      *labels)
{
  g_return_if_fail (AUGUR_IS_COMPARE_VIEW (self));

  if (self->sample != sample)
    {
      if (self->sample != NULL)
        g_signal_handlers_disconnect_by_func (self->sample, refresh_all, self);
      g_set_object (&self->sample, sample);
      /* a sample still loading is drawn once it is in */
      if (sample != NULL)
        g_signal_connect_object (sample, "notify::loaded", G_CALLBACK (refresh_all), self,
                                 G_CONNECT_SWAPPED);
    }
  g_clear_pointer (&self->labels, augur_labels_free);
  self->labels = labels;
  refresh_all (self);
}

void
augur_compare_view_set_seed (AugurCompareView *self,
                             guint64           seed)
{
  g_return_if_fail (AUGUR_IS_COMPARE_VIEW (self));

  if (seed == self->seed)
    return;
  self->seed = seed;
  refresh_all (self);
}

guint64
augur_compare_view_get_seed (AugurCompareView *self)
{
  g_return_val_if_fail (AUGUR_IS_COMPARE_VIEW (self), 0);

  return self->seed;
}

void
augur_compare_view_set_n_draws (AugurCompareView *self,
                                guint             n_draws)
{
  g_return_if_fail (AUGUR_IS_COMPARE_VIEW (self));
  g_return_if_fail (n_draws > 0);

  if (n_draws == self->n_draws)
    return;
  self->n_draws = n_draws;
  refresh_all (self);
}

guint
augur_compare_view_get_n_draws (AugurCompareView *self)
{
  g_return_val_if_fail (AUGUR_IS_COMPARE_VIEW (self), 0);

  return self->n_draws;
}

/**
 * augur_compare_view_set_references:
 * @pool: (nullable): where blends draw their references (the preview's)
 */
void
augur_compare_view_set_references (AugurCompareView   *self,
                                   AugurReferencePool *pool)
{
  g_return_if_fail (AUGUR_IS_COMPARE_VIEW (self));

  if (pool == self->references)
    return;
  g_clear_pointer (&self->references, augur_reference_pool_unref);
  self->references = pool ? augur_reference_pool_ref (pool) : NULL;
  refresh_all (self);
}

void
augur_compare_view_set_editing (AugurCompareView *self,
                                AugurCompareSide  side)
{
  g_return_if_fail (AUGUR_IS_COMPARE_VIEW (self));
  g_return_if_fail (side < AUGUR_COMPARE_N_SIDES);

  if (side == self->editing)
    return;
  self->editing = side;
  update_editing (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITING]);
}

AugurCompareSide
augur_compare_view_get_editing (AugurCompareView *self)
{
  g_return_val_if_fail (AUGUR_IS_COMPARE_VIEW (self), AUGUR_COMPARE_A);

  return self->editing;
}

/**
 * augur_compare_view_get_result:
 *
 * Returns: (transfer none) (nullable): draw @index of @side, once drawn
 *   from the full-resolution sample
 */
AugurRenderResult *
augur_compare_view_get_result (AugurCompareView *self,
                               AugurCompareSide  side,
                               guint             index)
{
  AugurRenderResult *result;

  g_return_val_if_fail (AUGUR_IS_COMPARE_VIEW (self), NULL);
  g_return_val_if_fail (side < AUGUR_COMPARE_N_SIDES, NULL);

  result = augur_preview_engine_get_result (self->sides[side].engine, index);
  return result != NULL && !result->reduced ? result : NULL;
}

const AugurCompareStats *
augur_compare_view_get_stats (AugurCompareView *self,
                              AugurCompareSide  side)
{
  g_return_val_if_fail (AUGUR_IS_COMPARE_VIEW (self), NULL);
  g_return_val_if_fail (side < AUGUR_COMPARE_N_SIDES, NULL);

  return self->sides[side].stats;
}

/* Whether both sides' draws (at full resolution) and statistics are in. */
gboolean
augur_compare_view_is_complete (AugurCompareView *self)
{
  g_return_val_if_fail (AUGUR_IS_COMPARE_VIEW (self), FALSE);

  for (guint i = 0; i < AUGUR_COMPARE_N_SIDES; i++)
    {
      Side *side = &self->sides[i];

      if (side->recipe == NULL || self->sample == NULL || !augur_sample_get_loaded (self->sample))
        return FALSE;
      if (side->stats == NULL || !augur_preview_engine_is_complete (side->engine))
        return FALSE;
      for (guint j = 0; j < self->n_draws; j++)
        if (augur_compare_view_get_result (self, i, j) == NULL)
          return FALSE;
    }
  return TRUE;
}
