/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-compare"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "augur-compare-view.h"
#include "augur-pipeline-editor.h"
#include "augur-preview-pane.h"
#include "augur-rng.h"
#include "augur-test-util.h"
#include "augur-window.h"

/* Comparing two recipes in the real window, under Xvfb (see
 * tests/meson.build for the environment): both sides draw with the same
 * seeds, an edit of B changes B only, the statistics agree with counts
 * made here from the replays, and unsaved work in B is asked about. */

#define TIMEOUT_MS 60000
#define SAMPLE_NAME "sample.png"
#define N_DRAWS 8

/* A flip, a rotation and a crop that halves the width half of the time,
 * with ids the tests name. */
static const char recipe_json[] =
  "{ \"format\": \"augur-recipe\", \"version\": 1, \"seed\": 99,"
  "  \"pipeline\": { \"type\": \"Sequential\", \"id\": \"root\", \"steps\": ["
  "    { \"type\": \"HorizontalFlip\", \"id\": \"flip\", \"p\": 0.5 },"
  "    { \"type\": \"Rotate\", \"id\": \"rotate\", \"p\": 0.6, \"params\": { \"limit\": [-20, 20] } },"
  "    { \"type\": \"Crop\", \"id\": \"crop\", \"p\": 0.5,"
  "      \"params\": { \"x_min\": 0, \"y_min\": 0, \"x_max\": 48, \"y_max\": 64 } } ] } }";

typedef struct
{
  AugurWindow *window;
  char        *dir;
} Fixture;

typedef AugurTestPredicate Predicate;

/* Runs the main loop until @pred holds, or fails the test after TIMEOUT_MS. */
static void
wait_for (Predicate    pred,
          gpointer     data,
          const char  *what)
{
  augur_test_wait_for (pred, data, TIMEOUT_MS, what);
}

static gboolean
sample_loaded (gpointer data)
{
  GListModel *samples = augur_window_get_samples (data);
  g_autoptr(AugurSample) sample = NULL;

  if (augur_window_is_adding_files (data) || g_list_model_get_n_items (samples) == 0)
    return FALSE;
  sample = g_list_model_get_item (samples, 0);
  return augur_sample_get_loaded (sample);
}

static gboolean
compare_complete (gpointer data)
{
  return augur_compare_view_is_complete (data);
}

static AugurCompareView *
get_compare_view (Fixture *fixture)
{
  return AUGUR_COMPARE_VIEW (augur_window_get_compare_view (fixture->window));
}

static void
wait_compared (Fixture *fixture)
{
  wait_for (compare_complete, get_compare_view (fixture), "both sides of the comparison");
}

/* A gradient across and down: any flip, rotation or crop changes pixels. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(AugurImage) image = augur_image_new (96, 64, 3);
  g_autofree char *sample = NULL;
  g_autofree char *recipe = NULL;
  g_autofree char *autosave = augur_window_dup_autosave_path ();
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFile) recipe_file = NULL;
  g_autoptr(GError) error = NULL;

  g_unlink (autosave);
  fixture->dir = g_dir_make_tmp ("augur-test-compare-XXXXXX", &error);
  g_assert_no_error (error);

  for (int y = 0; y < 64; y++)
    {
      guint8 *row = augur_image_row (image, y);

      for (int x = 0; x < 96; x++)
        {
          row[3 * x + 0] = (guint8) (2 * x);
          row[3 * x + 1] = (guint8) (3 * y);
          row[3 * x + 2] = (guint8) ((x * y) % 251);
        }
    }
  sample = g_build_filename (fixture->dir, SAMPLE_NAME, NULL);
  g_assert_true (augur_image_save (image, sample, AUGUR_IMAGE_FORMAT_PNG, 0, &error));
  g_assert_no_error (error);
  recipe = g_build_filename (fixture->dir, "a.json", NULL);
  g_assert_true (g_file_set_contents (recipe, recipe_json, -1, NULL));

  fixture->window = g_object_ref (augur_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1280, 720);
  gtk_window_present (GTK_WINDOW (fixture->window));

  recipe_file = g_file_new_for_path (recipe);
  g_assert_true (augur_window_open_recipe (fixture->window, recipe_file));
  dir = g_file_new_for_path (fixture->dir);
  augur_window_add_files (fixture->window, &dir, 1);
  wait_for (sample_loaded, fixture->window, "the sample");
}

static gboolean
only_our_ref (gpointer data)
{
  return G_OBJECT (data)->ref_count == 1;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  wait_for (only_our_ref, fixture->window, "the window's other references to go");
  g_assert_finalize_object (fixture->window);

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

/* Starts comparing the recipe with its duplicate, N_DRAWS draws a side. */
static void
duplicate_as_b (Fixture *fixture)
{
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.compare-duplicate", NULL);
  g_assert_true (augur_window_get_comparing (fixture->window));
  augur_compare_view_set_n_draws (get_compare_view (fixture), N_DRAWS);
  wait_compared (fixture);
}

static gboolean
images_equal (const AugurImage *a,
              const AugurImage *b)
{
  if (a->width != b->width || a->height != b->height || a->channels != b->channels)
    return FALSE;
  for (int y = 0; y < a->height; y++)
    if (memcmp (augur_image_row ((AugurImage *) a, y), augur_image_row ((AugurImage *) b, y),
                (gsize) a->width * a->channels) != 0)
      return FALSE;
  return TRUE;
}

/* Whether the transform @id applied in @replay of @node: walked here, from
 * the replay's own records. */
static gboolean
replay_applied (const AugurNode   *node,
                const AugurReplay *replay,
                const char        *id)
{
  if (!replay->applied)
    return FALSE;
  if (node->kind == AUGUR_NODE_TRANSFORM)
    return g_strcmp0 (node->id, id) == 0;
  for (guint i = 0; replay->steps != NULL && i < replay->steps->len; i++)
    {
      const AugurReplay *step = replay->steps->pdata[i];

      if (replay_applied (node->children->pdata[step->index], step, id))
        return TRUE;
    }
  return FALSE;
}

static void
test_same_seeds (Fixture       *fixture,
                 gconstpointer  data)
{
  AugurCompareView *view = get_compare_view (fixture);
  AugurPipelineEditor *editor = AUGUR_PIPELINE_EDITOR (augur_window_get_editor (fixture->window));
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_image_unref);
  g_autoptr(AugurRecipe) recipe_a = NULL;
  guint n_flipped = 0, n_kept = 0, n_distinct = 0;

  duplicate_as_b (fixture);
  recipe_a = augur_recipe_copy (augur_window_get_recipe (fixture->window));

  /* a recipe and its duplicate: the same pixels, draw by draw */
  for (guint i = 0; i < N_DRAWS; i++)
    {
      AugurRenderResult *a = augur_compare_view_get_result (view, AUGUR_COMPARE_A, i);
      AugurRenderResult *b = augur_compare_view_get_result (view, AUGUR_COMPARE_B, i);

      g_assert_nonnull (a);
      g_assert_nonnull (b);
      g_assert_cmpuint (a->seed, ==, augur_seed_derive (augur_compare_view_get_seed (view), SAMPLE_NAME, i));
      g_assert_cmpuint (a->seed, ==, b->seed);
      g_assert_true (images_equal (a->image, b->image));
      if (i > 0 && !images_equal (a->image, ((AugurImage *) before->pdata[0])))
        n_distinct++;
      g_ptr_array_add (before, augur_image_ref (a->image));
    }
  /* (the draws themselves differ: the recipe does something) */
  g_assert_cmpuint (n_distinct, >, 0);

  /* the editor moves to B (the window's title names it); switching its
   * flip off changes B alone */
  augur_compare_view_set_editing (view, AUGUR_COMPARE_B);
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (fixture->window)), "Copy of a.json"));
  g_assert_false (augur_window_get_modified (fixture->window));
  augur_pipeline_editor_set_enabled (editor, "0", FALSE);
  g_assert_true (augur_window_get_modified (fixture->window));
  g_assert_false (augur_compare_view_is_complete (view));
  wait_compared (fixture);

  for (guint i = 0; i < N_DRAWS; i++)
    {
      AugurRenderResult *a = augur_compare_view_get_result (view, AUGUR_COMPARE_A, i);
      AugurRenderResult *b = augur_compare_view_get_result (view, AUGUR_COMPARE_B, i);

      g_assert_true (images_equal (a->image, before->pdata[i]));
      /* where A flipped, B (the same draw without the flip) differs;
       * elsewhere every other step drew the same and B is A */
      if (replay_applied (recipe_a->pipeline, a->replay, "flip"))
        {
          g_assert_false (images_equal (a->image, b->image));
          n_flipped++;
        }
      else
        {
          g_assert_true (images_equal (a->image, b->image));
          n_kept++;
        }
    }
  g_assert_cmpuint (n_flipped, >, 0);
  g_assert_cmpuint (n_kept, >, 0);

  /* A is as it was: back on A, the editor and the window hold it */
  augur_compare_view_set_editing (view, AUGUR_COMPARE_A);
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (fixture->window)), "a.json"));
  g_assert_true (augur_recipe_equal (augur_window_get_recipe (fixture->window), recipe_a));
  g_assert_false (augur_window_get_modified (fixture->window));
  g_assert_true (augur_node_equal (augur_pipeline_editor_get_pipeline (editor), recipe_a->pipeline));
}

/* The draws menu's grid size sets how many draws each side shows; a
 * re-roll gives both sides new seeds. */
static void
test_follows_grid_size (Fixture       *fixture,
                        gconstpointer  data)
{
  AugurCompareView *view = get_compare_view (fixture);
  GtkWidget *pane = augur_window_get_preview_pane (fixture->window);

  duplicate_as_b (fixture);
  g_object_set (pane, "grid-size", 4, NULL);
  g_assert_cmpuint (augur_compare_view_get_n_draws (view), ==, 4);
  wait_compared (fixture);
  for (guint i = 0; i < 4; i++)
    g_assert_true (images_equal (augur_compare_view_get_result (view, AUGUR_COMPARE_A, i)->image,
                                 augur_compare_view_get_result (view, AUGUR_COMPARE_B, i)->image));

  /* a re-roll: new seeds, the same on both sides */
  {
    guint64 seed = augur_compare_view_get_seed (view);

    gtk_widget_activate_action (GTK_WIDGET (view), "compare.reroll", NULL);
    g_assert_cmpuint (augur_compare_view_get_seed (view), !=, seed);
    wait_compared (fixture);
    for (guint i = 0; i < 4; i++)
      {
        AugurRenderResult *a = augur_compare_view_get_result (view, AUGUR_COMPARE_A, i);

        g_assert_cmpuint (a->seed, ==, augur_seed_derive (augur_compare_view_get_seed (view), SAMPLE_NAME, i));
        g_assert_true (images_equal (a->image, augur_compare_view_get_result (view, AUGUR_COMPARE_B, i)->image));
      }
  }
}

static void
count_applied (const AugurNode   *node,
               const AugurReplay *replay,
               GHashTable        *counts)
{
  /* every transform of the tree, applied or not */
  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, node->id));

      if (replay != NULL && replay_applied (node, replay, node->id))
        n++;
      g_hash_table_insert (counts, node->id, GUINT_TO_POINTER (n));
      return;
    }
  for (guint i = 0; i < node->children->len; i++)
    {
      const AugurReplay *step = NULL;

      for (guint j = 0; replay && replay->applied && replay->steps && j < replay->steps->len; j++)
        if (((AugurReplay *) replay->steps->pdata[j])->index == (int) i)
          step = replay->steps->pdata[j];
      count_applied (node->children->pdata[i], step, counts);
    }
}

static void
test_stats_match_replays (Fixture       *fixture,
                          gconstpointer  data)
{
  AugurCompareView *view = get_compare_view (fixture);
  AugurPipelineEditor *editor = AUGUR_PIPELINE_EDITOR (augur_window_get_editor (fixture->window));
  const AugurNode *pipeline;
  AugurShape shape = { 96, 64, 3 };

  duplicate_as_b (fixture);
  augur_compare_view_set_editing (view, AUGUR_COMPARE_B);
  augur_pipeline_editor_set_enabled (editor, "1", FALSE);
  wait_compared (fixture);

  for (guint side = 0; side < AUGUR_COMPARE_N_SIDES; side++)
    {
      const AugurCompareStats *stats = augur_compare_view_get_stats (view, side);
      g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GHashTable) shown_sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(AugurCompareStats) shown = NULL;
      guint narrow = 0;

      augur_compare_view_set_editing (view, side);
      pipeline = augur_window_get_recipe (fixture->window)->pipeline;
      g_assert_nonnull (stats);
      g_assert_null (stats->error);
      g_assert_cmpuint (stats->n_draws, ==, AUGUR_COMPARE_STATS_DRAWS);

      /* how often each step applied: the replays of the same seeds, each
       * walked here */
      for (guint i = 0; i < AUGUR_COMPARE_STATS_DRAWS; i++)
        {
          g_autoptr(AugurReplay) replay =
            augur_node_sample (pipeline, &shape, augur_seed_derive (augur_compare_view_get_seed (view),
                                                                    SAMPLE_NAME, i));

          count_applied (pipeline, replay, counts);
          if (replay_applied (pipeline, replay, "crop"))
            narrow++;
        }
      g_assert_cmpuint (g_hash_table_size (counts), ==, 3);
      for (guint k = 0; k < 3; k++)
        {
          static const char *const ids[] = { "flip", "rotate", "crop" };
          guint expected = GPOINTER_TO_UINT (g_hash_table_lookup (counts, ids[k]));

          g_assert_cmpuint (augur_compare_stats_get_applied (stats, ids[k]), ==, expected);
        }
      /* B's rotation is off; A's applied about 60% of the time */
      if (side == AUGUR_COMPARE_B)
        g_assert_cmpuint (augur_compare_stats_get_applied (stats, "rotate"), ==, 0);
      else
        g_assert_cmpuint (augur_compare_stats_get_applied (stats, "rotate"), >, AUGUR_COMPARE_STATS_DRAWS / 3);

      /* the sizes: the crop leaves 48 × 64, every other draw 96 × 64 */
      g_assert_cmpuint (narrow, >, 0);
      g_assert_cmpuint (augur_compare_stats_get_size (stats, 48, 64), ==, narrow);
      g_assert_cmpuint (augur_compare_stats_get_size (stats, 96, 64), ==, AUGUR_COMPARE_STATS_DRAWS - narrow);

      /* and over the draws shown, the sizes the draws came out at */
      shown = augur_compare_stats_compute (pipeline, &shape, augur_compare_view_get_seed (view), SAMPLE_NAME,
                                           N_DRAWS, NULL, NULL, NULL, NULL);
      for (guint i = 0; i < N_DRAWS; i++)
        {
          AugurRenderResult *result = augur_compare_view_get_result (view, side, i);
          int n_at = 0;

          for (guint j = 0; j < N_DRAWS; j++)
            {
              AugurRenderResult *other = augur_compare_view_get_result (view, side, j);

              n_at += other->full_width == result->full_width && other->full_height == result->full_height;
            }
          g_assert_cmpuint (augur_compare_stats_get_size (shown, result->full_width, result->full_height),
                            ==, n_at);
        }
    }
}

/* Labels lost: a box in the right half is lost exactly when the crop (the
 * left half) applied and the flip before it did not bring the box into the
 * left half (the rotation of at most 20° moves no corner across). */
static void
test_stats_labels_lost (void)
{
  g_autoptr(AugurRecipe) recipe = augur_recipe_parse (recipe_json, -1, NULL);
  g_autoptr(AugurLabels) labels = augur_labels_new (96, 64);
  g_autoptr(AugurCompareStats) stats = NULL;
  AugurShape shape = { 96, 64, 3 };
  guint cropped = 0;

  g_assert_nonnull (recipe);
  augur_labels_add_box (labels, 60, 10, 90, 50, 1, "thing");
  stats = augur_compare_stats_compute (recipe->pipeline, &shape, 5, SAMPLE_NAME, AUGUR_COMPARE_STATS_DRAWS,
                                       NULL, labels, recipe->labels, NULL);
  for (guint i = 0; i < AUGUR_COMPARE_STATS_DRAWS; i++)
    {
      g_autoptr(AugurReplay) replay = augur_node_sample (recipe->pipeline, &shape,
                                                         augur_seed_derive (5, SAMPLE_NAME, i));

      cropped += replay_applied (recipe->pipeline, replay, "crop") &&
                 !replay_applied (recipe->pipeline, replay, "flip");
    }
  g_assert_cmpuint (stats->labels_in, ==, AUGUR_COMPARE_STATS_DRAWS);
  g_assert_cmpuint (cropped, >, 0);
  g_assert_cmpuint (stats->labels_lost, ==, cropped);
}

/* The same through the window: labels opened while comparing reach both
 * sides' statistics. */
static void
test_labels_lost_in_window (Fixture       *fixture,
                            gconstpointer  data)
{
  static const char coco[] =
    "{ \"images\": [ { \"id\": 1, \"file_name\": \"" SAMPLE_NAME "\", \"width\": 96, \"height\": 64 } ],"
    "  \"annotations\": [ { \"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [60, 10, 30, 40],"
    "                       \"area\": 1200, \"iscrowd\": 0 } ],"
    "  \"categories\": [ { \"id\": 1, \"name\": \"thing\" } ] }";
  AugurCompareView *view = get_compare_view (fixture);
  g_autofree char *path = g_build_filename (fixture->dir, "labels.coco.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  const AugurNode *pipeline = augur_window_get_recipe (fixture->window)->pipeline;
  AugurShape shape = { 96, 64, 3 };
  guint lost = 0;

  g_assert_true (g_file_set_contents (path, coco, -1, NULL));
  duplicate_as_b (fixture);
  g_assert_null (augur_compare_view_get_stats (view, AUGUR_COMPARE_A)->error);
  g_assert_cmpuint (augur_compare_view_get_stats (view, AUGUR_COMPARE_A)->labels_in, ==, 0);

  g_assert_true (augur_window_open_labels (fixture->window, file));
  wait_compared (fixture);
  for (guint i = 0; i < AUGUR_COMPARE_STATS_DRAWS; i++)
    {
      g_autoptr(AugurReplay) replay =
        augur_node_sample (pipeline, &shape, augur_seed_derive (augur_compare_view_get_seed (view), SAMPLE_NAME, i));

      lost += replay_applied (pipeline, replay, "crop") && !replay_applied (pipeline, replay, "flip");
    }
  g_assert_cmpuint (lost, >, 0);
  for (guint side = 0; side < AUGUR_COMPARE_N_SIDES; side++)
    {
      const AugurCompareStats *stats = augur_compare_view_get_stats (view, side);

      g_assert_cmpuint (stats->labels_in, ==, AUGUR_COMPARE_STATS_DRAWS);
      g_assert_cmpuint (stats->labels_lost, ==, lost);
    }
}

/* Another recipe file as B: named after its file, compared as it is on
 * disk (nothing to save), and a broken file is refused by name. */
static void
test_open_as_b (Fixture       *fixture,
                gconstpointer  data)
{
  AugurCompareView *view = get_compare_view (fixture);
  g_autoptr(AugurRecipe) recipe_b = augur_recipe_parse (recipe_json, -1, NULL);
  g_autoptr(AugurRecipe) recipe_a = augur_recipe_copy (augur_window_get_recipe (fixture->window));
  g_autofree char *path_b = g_build_filename (fixture->dir, "other.json", NULL);
  g_autofree char *path_bad = g_build_filename (fixture->dir, "broken.json", NULL);
  g_autoptr(GFile) file_b = g_file_new_for_path (path_b);
  g_autoptr(GFile) file_bad = g_file_new_for_path (path_bad);
  g_autoptr(GError) error = NULL;
  guint narrow = 0;

  g_assert_true (g_file_set_contents (path_bad, "{ \"format\": \"augur-recipe\", \"version\": 1, \"pipeline\": 3 }",
                                      -1, NULL));
  g_assert_false (augur_window_open_recipe_as_b (fixture->window, file_bad));
  g_assert_nonnull (strstr (augur_window_get_last_message (fixture->window), "broken.json"));
  g_assert_false (augur_window_get_comparing (fixture->window));

  /* B: the crop always */
  augur_node_find_id (recipe_b->pipeline, "crop")->p = 1.0;
  g_assert_true (augur_recipe_save (recipe_b, path_b, &error));
  g_assert_no_error (error);
  g_assert_true (augur_window_open_recipe_as_b (fixture->window, file_b));
  g_assert_true (augur_window_get_comparing (fixture->window));
  augur_compare_view_set_n_draws (view, N_DRAWS);
  wait_compared (fixture);

  for (guint i = 0; i < N_DRAWS; i++)
    {
      AugurRenderResult *a = augur_compare_view_get_result (view, AUGUR_COMPARE_A, i);
      AugurRenderResult *b = augur_compare_view_get_result (view, AUGUR_COMPARE_B, i);

      g_assert_cmpint (b->full_width, ==, 48);
      narrow += a->full_width == 48;
    }
  /* (A crops half the time) */
  g_assert_cmpuint (narrow, <, N_DRAWS);
  g_assert_cmpuint (augur_compare_stats_get_size (augur_compare_view_get_stats (view, AUGUR_COMPARE_B), 48, 64),
                    ==, AUGUR_COMPARE_STATS_DRAWS);

  augur_compare_view_set_editing (view, AUGUR_COMPARE_B);
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (fixture->window)), "other.json"));
  g_assert_true (g_file_equal (augur_window_get_file (fixture->window), file_b));
  g_assert_false (augur_window_get_modified (fixture->window));

  /* unchanged, it leaves without asking; A is as it was */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.compare-close", NULL);
  g_assert_false (augur_window_get_comparing (fixture->window));
  g_assert_true (augur_recipe_equal (augur_window_get_recipe (fixture->window), recipe_a));
}

static gboolean
not_comparing (gpointer data)
{
  return !augur_window_get_comparing (data);
}

static AdwMessageDialog *
find_dialog (GtkWindow  *parent,
             const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwMessageDialog *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_window_get_transient_for (window) == parent &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), heading) == 0)
        found = ADW_MESSAGE_DIALOG (window);
    }
  return found;
}

#define LEAVE_HEADING "Save Recipe B Before Closing the Comparison?"

static void
test_leave_asks (Fixture       *fixture,
                 gconstpointer  data)
{
  AugurCompareView *view = get_compare_view (fixture);
  AugurPipelineEditor *editor = AUGUR_PIPELINE_EDITOR (augur_window_get_editor (fixture->window));
  g_autoptr(AugurRecipe) recipe_a = augur_recipe_copy (augur_window_get_recipe (fixture->window));
  g_autofree char *path_b = g_build_filename (fixture->dir, "b.json", NULL);
  g_autoptr(GFile) file_b = g_file_new_for_path (path_b);
  g_autoptr(AugurRecipe) saved_b = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  /* an untouched duplicate has nothing to lose */
  duplicate_as_b (fixture);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.compare-close", NULL);
  g_assert_null (find_dialog (GTK_WINDOW (fixture->window), LEAVE_HEADING));
  g_assert_false (augur_window_get_comparing (fixture->window));

  /* an edited one is asked about, while editing A too */
  duplicate_as_b (fixture);
  augur_compare_view_set_editing (view, AUGUR_COMPARE_B);
  augur_pipeline_editor_set_enabled (editor, "2", FALSE);
  augur_compare_view_set_editing (view, AUGUR_COMPARE_A);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.compare-close", NULL);
  dialog = find_dialog (GTK_WINDOW (fixture->window), LEAVE_HEADING);
  g_assert_nonnull (dialog);
  /* (the editor shows B, the one asked about) */
  g_assert_cmpuint (augur_compare_view_get_editing (view), ==, AUGUR_COMPARE_B);
  adw_message_dialog_response (dialog, "cancel");
  g_assert_true (augur_window_get_comparing (fixture->window));

  /* closing the window asks about B first */
  gtk_window_close (GTK_WINDOW (fixture->window));
  dialog = find_dialog (GTK_WINDOW (fixture->window), "Save Changes to Recipe B?");
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "cancel");
  g_assert_true (augur_window_get_comparing (fixture->window));

  /* saved (while B is edited, Save writes B, atomically), it leaves quietly */
  g_assert_true (augur_window_save_to_file (fixture->window, file_b, &error));
  g_assert_no_error (error);
  saved_b = augur_recipe_load (path_b, &error);
  g_assert_no_error (error);
  g_assert_false (augur_node_find_id (saved_b->pipeline, "crop")->enabled);
  g_assert_true (augur_node_find_id (recipe_a->pipeline, "crop")->enabled);
  augur_pipeline_editor_set_enabled (editor, "0", FALSE);

  /* discarding B's edit after the save leaves A as it was */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.compare-close", NULL);
  dialog = find_dialog (GTK_WINDOW (fixture->window), LEAVE_HEADING);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "discard");
  wait_for (not_comparing, fixture->window, "the comparison to close");
  g_assert_true (augur_recipe_equal (augur_window_get_recipe (fixture->window), recipe_a));
  g_assert_true (augur_node_equal (augur_pipeline_editor_get_pipeline (editor), recipe_a->pipeline));
  g_assert_false (augur_window_get_modified (fixture->window));
  /* B's save left A's file, and the window's name for it, alone */
  {
    g_autofree char *path_a = g_build_filename (fixture->dir, "a.json", NULL);
    g_autoptr(GFile) file_a = g_file_new_for_path (path_a);
    g_autoptr(AugurRecipe) on_disk = augur_recipe_load (path_a, &error);

    g_assert_no_error (error);
    g_assert_true (augur_node_equal (on_disk->pipeline, recipe_a->pipeline));
    g_assert_true (g_file_equal (augur_window_get_file (fixture->window), file_a));
  }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = NULL;

  g_test_init (&argc, &argv, NULL);

  home = g_dir_make_tmp ("augur-test-compare-home-XXXXXX", NULL);
  g_assert_nonnull (home);
  g_setenv ("XDG_STATE_HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);

  g_test_add_func ("/compare/stats/labels-lost", test_stats_labels_lost);
  if (!gtk_init_check ())
    {
      g_test_skip ("No display: run under xvfb-run");
      return g_test_run ();
    }
  adw_init ();

  g_test_add ("/compare/same-seeds", Fixture, NULL, fixture_set_up, test_same_seeds, fixture_tear_down);
  g_test_add ("/compare/grid-size-and-reroll", Fixture, NULL, fixture_set_up, test_follows_grid_size,
              fixture_tear_down);
  g_test_add ("/compare/stats-match-replays", Fixture, NULL, fixture_set_up, test_stats_match_replays,
              fixture_tear_down);
  g_test_add ("/compare/labels-lost-in-window", Fixture, NULL, fixture_set_up, test_labels_lost_in_window,
              fixture_tear_down);
  g_test_add ("/compare/open-as-b", Fixture, NULL, fixture_set_up, test_open_as_b, fixture_tear_down);
  g_test_add ("/compare/leave-asks", Fixture, NULL, fixture_set_up, test_leave_asks, fixture_tear_down);

  return g_test_run ();
}
