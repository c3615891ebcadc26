/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <time.h>

#include "augur-cost.h"
#include "augur-error.h"
#include "augur-recipe.h"
#include "augur-strips.h"
#include "augur-test-util.h"

/* The cost model bounds what every draw can do: for every transform of the
 * table, with its defaults and on three input shapes, no draw's output is
 * larger than the bound the model gives. */
static void
check_shape_bound (const AugurTransformInfo *info,
                   AugurNode                *node)
{
  static const AugurShape shapes[] = { { 64, 48, 3 }, { 33, 90, 1 }, { 120, 120, 4 } };
  /* Blends draw from a pool; the others ignore it. */
  g_autoptr(AugurReferencePool) pool = augur_test_reference_pool ();

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      AugurShape bound;
      AugurCost cost;

      augur_transform_cost (info, node->params, &shapes[s], &bound, &cost);
      g_assert_cmpfloat (cost.work, >, 0);
      g_assert_cmpfloat (cost.memory, >=, augur_cost_image_bytes (&shapes[s]));

      for (guint64 seed = 0; seed < 200; seed++)
        {
          g_autoptr(AugurReplay) replay = augur_node_sample_full (node, &shapes[s], seed, TRUE, pool, NULL);
          AugurShape out;

          augur_node_output_shape (node, replay, &shapes[s], &out);
          if (out.width > bound.width || out.height > bound.height || out.channels > bound.channels)
            g_error ("%s on %dx%dx%d, draw %" G_GUINT64_FORMAT ": %dx%dx%d is over the bound %dx%dx%d",
                     info->name, shapes[s].width, shapes[s].height, shapes[s].channels, seed,
                     out.width, out.height, out.channels, bound.width, bound.height, bound.channels);
        }
    }
}

/* With its defaults, and with every switch (fit_output, keep_size...)
 * turned the other way. */
static void
test_shape_bound (gconstpointer data)
{
  const AugurTransformInfo *info = data;
  g_autoptr(AugurNode) node = augur_node_new_transform (info);

  check_shape_bound (info, node);
  for (guint i = 0; i < info->n_params; i++)
    if (info->params[i].type == AUGUR_PARAM_BOOL)
      node->params[i].v[0] = !node->params[i].v[0];
  check_shape_bound (info, node);
}

static AugurRecipe *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  AugurRecipe *recipe = augur_recipe_parse (json, -1, &error);

  g_assert_no_error (error);
  return recipe;
}

static void
recipe_cost (const char       *json,
             const AugurShape *in,
             AugurCost        *cost)
{
  g_autoptr(AugurRecipe) recipe = parse (json);
  AugurShape out;

  augur_node_cost (recipe->pipeline, in, &out, cost);
}

/* The bundled default recipe is far inside the default budget on a
 * 12-megapixel photo; the recipes of the reliability review that cost
 * without bound are refused, each for what is over. */
static void
test_budget (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("AUGUR_SOURCE_DIR"), "data", "recipes", "default.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) blurs = g_string_new ("{\"format\": \"augur-recipe\", \"version\": 1, \"pipeline\": "
                                           "{\"type\": \"Sequential\", \"steps\": [");
  const AugurShape photo = { 4000, 3000, 3 }, small = { 512, 512, 3 };
  AugurCost cost;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  recipe_cost (text, &photo, &cost);
  {
    g_autofree char *described = augur_cost_describe (&cost);

    g_test_message ("default recipe on 4000x3000: %s", described);
  }
  g_assert_true (augur_cost_check (&cost, AUGUR_COST_DEFAULT_MAX_WORK / 10, AUGUR_COST_DEFAULT_MAX_MEMORY / 10,
                                   &error));
  g_assert_no_error (error);

  /* 100 Gaussian blurs at sigma 50 on 512x512 */
  for (int i = 0; i < 100; i++)
    g_string_append_printf (blurs, "%s{\"type\": \"GaussianBlur\", \"p\": 1, \"params\": "
                            "{\"sigma_limit\": [50, 50]}}", i ? ", " : "");
  g_string_append (blurs, "]}}");
  recipe_cost (blurs->str, &small, &cost);
  g_assert_false (augur_cost_check (&cost, AUGUR_COST_DEFAULT_MAX_WORK, AUGUR_COST_DEFAULT_MAX_MEMORY, &error));
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "--max-cost"));
  g_clear_error (&error);

  /* a resize of a small input to 16384x16384 */
  recipe_cost ("{\"format\": \"augur-recipe\", \"version\": 1, \"pipeline\": {\"type\": \"Sequential\", "
               "\"steps\": [{\"type\": \"Resize\", \"params\": {\"height\": 16384, \"width\": 16384}}]}}",
               &small, &cost);
  g_assert_cmpfloat (cost.memory, >=, 16384.0 * 16384 * 3);
  g_assert_false (augur_cost_check (&cost, 0, AUGUR_COST_DEFAULT_MAX_MEMORY / 4, &error));
  g_assert_nonnull (strstr (error->message, "--max-memory"));
  g_clear_error (&error);
}

/* Costs grow with what makes a step dear: a blur's sigma, an
 * interpolation's taps, a OneOf costs its dearest child. */
static void
test_grows (void)
{
  const AugurShape in = { 640, 480, 3 };
  AugurCost narrow, wide, linear, lanczos, one_of, cubic_alone;

  recipe_cost ("{\"format\": \"augur-recipe\", \"version\": 1, \"pipeline\": {\"type\": \"Sequential\", \"steps\": "
               "[{\"type\": \"GaussianBlur\", \"params\": {\"sigma_limit\": [0.5, 1]}}]}}", &in, &narrow);
  recipe_cost ("{\"format\": \"augur-recipe\", \"version\": 1, \"pipeline\": {\"type\": \"Sequential\", \"steps\": "
               "[{\"type\": \"GaussianBlur\", \"params\": {\"sigma_limit\": [0.5, 20]}}]}}", &in, &wide);
  g_assert_cmpfloat (wide.work, >, 10 * narrow.work);

  recipe_cost ("{\"format\": \"augur-recipe\", \"version\": 1, \"pipeline\": {\"type\": \"Sequential\", \"steps\": "
               "[{\"type\": \"Rotate\", \"params\": {\"interpolation\": \"linear\"}}]}}", &in, &linear);
  recipe_cost ("{\"format\": \"augur-recipe\", \"version\": 1, \"pipeline\": {\"type\": \"Sequential\", \"steps\": "
               "[{\"type\": \"Rotate\", \"params\": {\"interpolation\": \"lanczos4\"}}]}}", &in, &lanczos);
  g_assert_cmpfloat (lanczos.work, >, 4 * linear.work);

  recipe_cost ("{\"format\": \"augur-recipe\", \"version\": 1, \"pipeline\": {\"type\": \"OneOf\", \"steps\": "
               "[{\"type\": \"Rotate\", \"params\": {\"interpolation\": \"linear\"}},"
               " {\"type\": \"Rotate\", \"params\": {\"interpolation\": \"cubic\"}}]}}", &in, &one_of);
  recipe_cost ("{\"format\": \"augur-recipe\", \"version\": 1, \"pipeline\": {\"type\": \"Sequential\", \"steps\": "
               "[{\"type\": \"Rotate\", \"params\": {\"interpolation\": \"cubic\"}}]}}", &in, &cubic_alone);
  g_assert_cmpfloat (one_of.work, ==, cubic_alone.work);
}

/* This thread's CPU time, in microseconds: unlike the wall clock, it does
 * not count the time other processes on a busy machine take from us. */
static double
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* The least CPU time, in microseconds, of several applications of
 * @recipe's pipeline to @image on this thread (the least is the run least
 * disturbed by others, through caches and frequency). */
static double
least_time (const AugurRecipe *recipe,
            const AugurImage  *image)
{
  AugurShape shape = { image->width, image->height, image->channels };
  g_autoptr(AugurReplay) replay = augur_node_sample (recipe->pipeline, &shape, 7);
  double best = G_MAXDOUBLE;

  for (int run = 0; run < 7; run++)
    {
      double t0 = thread_cpu_us ();
      g_autoptr(AugurImage) out = augur_node_apply (recipe->pipeline, image, replay);

      best = MIN (best, thread_cpu_us () - t0);
      g_assert_nonnull (out);
    }
  return MAX (best, 1);
}

/* For transforms whose cost hook follows a size parameter, the cost
 * ratio between a small and a large setting follows the measured time
 * ratio within a factor of 3 (ratios, not absolute times: a busy machine
 * slows both alike). */
static const char *const ratio_cases[][3] = {
  { "MedianBlur", "{\"blur_limit\": [21, 21]}", "{\"blur_limit\": [61, 61]}" },
  { "MotionBlur", "{\"blur_limit\": [9, 9], \"angle_range\": [0, 0]}",
    "{\"blur_limit\": [31, 31], \"angle_range\": [0, 0]}" },
  { "Defocus", "{\"radius\": [9, 9]}", "{\"radius\": [18, 18]}" },
  { "AdvancedBlur", "{\"blur_limit\": [5, 5], \"sigma_x_limit\": [4, 4], \"sigma_y_limit\": [4, 4], \"beta_limit\": [1, 1]}",
    "{\"blur_limit\": [15, 15], \"sigma_x_limit\": [4, 4], \"sigma_y_limit\": [4, 4], \"beta_limit\": [1, 1]}" },
  { "GaussianBlur", "{\"sigma_limit\": [1, 1]}", "{\"sigma_limit\": [6, 6]}" },
  { "ZoomBlur", "{\"max_factor\": [1.1, 1.1], \"step_factor\": [0.02, 0.02]}",
    "{\"max_factor\": [1.4, 1.4], \"step_factor\": [0.02, 0.02]}" },
  { "Morphological", "{\"scale\": [5, 5]}", "{\"scale\": [15, 15]}" },
  { "RingingOvershoot", "{\"blur_limit\": [7, 7], \"cutoff\": [1, 1]}",
    "{\"blur_limit\": [21, 21], \"cutoff\": [1, 1]}" },
  { "UnsharpMask", "{\"blur_limit\": [3, 3], \"sigma_limit\": [0.5, 0.5]}",
    "{\"blur_limit\": [15, 15], \"sigma_limit\": [2.5, 2.5]}" },
};

static void
test_time_ratio (gconstpointer data)
{
  const char *const *c = data;
  g_autoptr(AugurImage) image = augur_test_random_image (256, 256, 3, 11);
  const AugurShape in = { 256, 256, 3 };
  double cost_ratio, time_ratio, times[2];
  AugurCost costs[2];

  /* one thread: helper threads would add their own scheduling noise */
  augur_strips_set_max_threads (1);
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"format\": \"augur-recipe\", \"version\": 1, \"pipeline\": "
                                               "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"%s\", "
                                               "\"p\": 1, \"params\": %s}]}}", c[0], c[1 + i]);
      g_autoptr(AugurRecipe) recipe = parse (json);
      AugurShape out;

      augur_node_cost (recipe->pipeline, &in, &out, &costs[i]);
      times[i] = least_time (recipe, image);
    }
  augur_strips_set_max_threads (0);
  cost_ratio = costs[1].work / costs[0].work;
  time_ratio = times[1] / times[0];
  g_test_message ("%s: cost ratio %.2f, time ratio %.2f (%.0f and %.0f us)",
                  c[0], cost_ratio, time_ratio, times[0], times[1]);
  g_assert_cmpfloat (cost_ratio, >, 1);
  g_assert_cmpfloat (cost_ratio / time_ratio, <=, 3);
  g_assert_cmpfloat (time_ratio / cost_ratio, <=, 3);
}

int
main (int    argc,
      char **argv)
{
  const AugurTransformInfo *const *list;
  guint n;

  g_test_init (&argc, &argv, NULL);

  list = augur_transforms_list (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/cost/shape-bound/%s", list[i]->name);

      g_test_add_data_func (path, list[i], test_shape_bound);
    }
  g_test_add_func ("/cost/budget", test_budget);
  g_test_add_func ("/cost/grows", test_grows);
  for (guint i = 0; i < G_N_ELEMENTS (ratio_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cost/time-ratio/%s", ratio_cases[i][0]);

      g_test_add_data_func (path, ratio_cases[i], test_time_ratio);
    }

  return g_test_run ();
}
