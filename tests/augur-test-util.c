/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "augur-error.h"
#include "augur-recipe.h"
#include "augur-rng.h"
#include "augur-transform.h"

#include "augur-test-util.h"

/* Synthetic images --------------------------------------------------------- */

/* Seeded uniform noise in [@lo, @hi] on every channel, alpha included, so
 * that a transform that touched it would be seen. */
AugurImage *
augur_test_noise_image (int     width,
                        int     height,
                        int     channels,
                        int     lo,
                        int     hi,
                        guint64 seed)
{
  AugurImage *image = augur_image_new (width, height, channels);
  AugurRng rng;

  augur_rng_init (&rng, seed);
  for (int y = 0; y < height; y++)
    {
      guint8 *row = augur_image_row (image, y);

      for (int i = 0; i < width * channels; i++)
        row[i] = (guint8) augur_rng_int (&rng, lo, hi);
    }
  return image;
}

/* Seeded noise over the whole byte range. */
AugurImage *
augur_test_random_image (int     width,
                         int     height,
                         int     channels,
                         guint64 seed)
{
  return augur_test_noise_image (width, height, channels, 0, 255, seed);
}

AugurReferencePool *
augur_test_reference_pool (void)
{
  const char *keys[] = { "ref/gray.png", "ref/rgb.png", "ref/rgba.png" };
  g_autoptr(AugurImage) gray = augur_test_noise_image (37, 29, 1, 20, 120, 901);
  g_autoptr(AugurImage) rgb = augur_test_noise_image (52, 41, 3, 100, 250, 902);
  g_autoptr(AugurImage) rgba = augur_test_noise_image (23, 60, 4, 0, 200, 903);
  AugurImage *images[] = { gray, rgb, rgba };

  return augur_reference_pool_new_from_images (keys, images, G_N_ELEMENTS (images));
}

/* Every byte @value. */
AugurImage *
augur_test_flat_image (int    width,
                       int    height,
                       int    channels,
                       guint8 value)
{
  AugurImage *image = augur_image_new (width, height, channels);

  for (int y = 0; y < height; y++)
    memset (augur_image_row (image, y), value, (gsize) width * channels);
  return image;
}

/* Every pixel the colour @value (@channels values). */
AugurImage *
augur_test_fill_image (int        width,
                       int        height,
                       int        channels,
                       const int *value)
{
  AugurImage *image = augur_image_new (width, height, channels);

  for (int y = 0; y < height; y++)
    {
      guint8 *d = augur_image_row (image, y);

      for (int x = 0; x < width; x++)
        for (int c = 0; c < channels; c++)
          d[x * channels + c] = (guint8) value[c];
    }
  return image;
}

/* A bright 3x3 dot centred on pixel (@dx, @dy) on black; alpha (RGBA)
 * opaque everywhere. */
AugurImage *
augur_test_dot_image (int width,
                      int height,
                      int channels,
                      int dx,
                      int dy)
{
  AugurImage *image = augur_test_flat_image (width, height, channels, 0);

  for (int y = dy - 1; y <= dy + 1; y++)
    for (int x = dx - 1; x <= dx + 1; x++)
      for (int c = 0; c < MIN (channels, 3); c++)
        augur_image_row (image, y)[x * channels + c] = 255;
  if (channels == 4)
    for (int y = 0; y < height; y++)
      for (int x = 0; x < width; x++)
        augur_image_row (image, y)[x * channels + 3] = 255;
  return image;
}

int
augur_test_pixel (const AugurImage *image,
                  int               x,
                  int               y,
                  int               c)
{
  return augur_image_row (image, y)[x * image->channels + c];
}

/* The centroid of channel 0's brightness, in pixel-centre coordinates, in
 * (@cx, @cy); returns the total brightness (0: no centroid, and @cx, @cy
 * are left alone). */
double
augur_test_centroid (const AugurImage *image,
                     double           *cx,
                     double           *cy)
{
  double sum = 0, mx = 0, my = 0;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        double v = augur_test_pixel (image, x, y, 0);

        sum += v;
        mx += v * (x + 0.5);
        my += v * (y + 0.5);
      }
  if (sum > 0)
    {
      *cx = mx / sum;
      *cy = my / sum;
    }
  return sum;
}

/* The mean absolute difference of two images of the same shape, over every
 * byte (alpha included). */
double
augur_test_mean_difference (const AugurImage *a,
                            const AugurImage *b)
{
  double sum = 0;

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  g_assert_cmpint (a->channels, ==, b->channels);
  for (int y = 0; y < a->height; y++)
    for (int i = 0; i < a->width * a->channels; i++)
      sum += ABS (augur_image_row (a, y)[i] - augur_image_row (b, y)[i]);
  return sum / ((double) a->width * a->height * a->channels);
}

/* The largest absolute difference of two images of the same shape, over
 * every byte (alpha included). */
int
augur_test_max_difference (const AugurImage *a,
                           const AugurImage *b)
{
  int worst = 0;

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  g_assert_cmpint (a->channels, ==, b->channels);
  for (int y = 0; y < a->height; y++)
    for (int i = 0; i < a->width * a->channels; i++)
      worst = MAX (worst, ABS (augur_image_row (a, y)[i] - augur_image_row (b, y)[i]));
  return worst;
}

/* OpenCV's reflect-101 index (BORDER_REFLECT_101), written out
 * independently of the core's augur_border_index () for the tests'
 * reference computations. */
int
augur_test_reflect_101 (int i,
                        int n)
{
  if (n == 1)
    return 0;
  while (i < 0 || i >= n)
    i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

/* Pipelines and parameters ------------------------------------------------- */

AugurNode *
augur_test_transform (const char *name,
                      double      p)
{
  const AugurTransformInfo *info = augur_transform_lookup (name);
  AugurNode *node;

  g_assert_nonnull (info);
  node = augur_node_new_transform (info);
  node->p = p;
  return node;
}

/* A transform leaf that always applies. */
AugurNode *
augur_test_leaf (const char *name)
{
  return augur_test_transform (name, 1.0);
}

/* A group of @kind with probability @p and the NULL-terminated children. */
AugurNode *
augur_test_group (AugurNodeKind kind,
                  double        p,
                  ...)
{
  AugurNode *node = augur_node_new_group (kind);
  AugurNode *child;
  va_list args;

  node->p = p;
  va_start (args, p);
  while ((child = va_arg (args, AugurNode *)) != NULL)
    augur_node_append (node, child);
  va_end (args);
  return node;
}

/* A step read from recipe JSON, which must be accepted. */
AugurNode *
augur_test_node_parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = json_from_string (json, &error);
  AugurNode *node;

  g_assert_no_error (error);
  node = augur_node_from_json (root, "test", &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* Whether a step in valid JSON is refused as an invalid recipe. */
gboolean
augur_test_node_refused (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = json_from_string (json, &error);
  g_autoptr(AugurNode) node = NULL;

  g_assert_no_error (error);
  node = augur_node_from_json (root, "test", &error);
  if (node == NULL)
    g_test_message ("refused as expected: %s", error->message);
  return node == NULL && g_error_matches (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
}

AugurValue *
augur_test_param (AugurNode  *node,
                  const char *name)
{
  int i = augur_transform_param_index (node->info, name);

  g_assert_cmpint (i, >=, 0);
  return &node->params[i];
}

void
augur_test_set_range (AugurNode  *node,
                      const char *name,
                      double      lo,
                      double      hi)
{
  AugurValue *v = augur_test_param (node, name);

  v->is_null = FALSE;
  v->v[0] = lo, v->v[1] = hi;
}

void
augur_test_set_bool (AugurNode  *node,
                     const char *name,
                     gboolean    value)
{
  augur_test_param (node, name)->v[0] = value ? 1 : 0;
}

/* The "fill" parameter as one number for every channel. */
void
augur_test_set_fill (AugurNode *node,
                     double     value)
{
  AugurValue *v = augur_test_param (node, "fill");

  v->nick = -1;
  v->n = 1;
  v->v[0] = value;
}

/* Runs --------------------------------------------------------------------- */

/* Samples @node with @seed (@forced: whatever its p), which must apply,
 * and applies it, checking that the output has the declared shape. */
static AugurImage *
run_checked (const AugurNode   *node,
             const AugurImage  *src,
             guint64            seed,
             gboolean           forced,
             AugurReplay      **replay_out)
{
  AugurShape in = { src->width, src->height, src->channels }, predicted;
  g_autoptr(AugurReplay) replay = NULL;
  /* Blends draw from the test pool; the others ignore it. */
  g_autoptr(AugurReferencePool) pool = augur_test_reference_pool ();
  g_autoptr(GError) error = NULL;
  AugurImage *out;

  replay = augur_node_sample_full (node, &in, seed, forced, pool, &error);
  g_assert_no_error (error);
  g_assert_true (replay->applied);
  out = augur_node_apply_full (node, src, replay, pool, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);

  augur_node_output_shape (node, replay, &in, &predicted);
  g_assert_cmpint (out->width, ==, predicted.width);
  g_assert_cmpint (out->height, ==, predicted.height);
  g_assert_cmpint (out->channels, ==, predicted.channels);

  if (replay_out)
    *replay_out = g_steal_pointer (&replay);
  return out;
}

/* Samples (with @seed; the node must apply) and applies @node through the
 * pipeline, checking that the declared output shape is the shape produced
 * and that the channels are kept. */
AugurImage *
augur_test_run (const AugurNode   *node,
                const AugurImage  *src,
                guint64            seed,
                AugurReplay      **replay_out)
{
  AugurImage *out = run_checked (node, src, seed, FALSE, replay_out);

  g_assert_cmpint (out->channels, ==, src->channels);
  return out;
}

/* Applies @node (forced, whatever its p) with @seed, checking that the
 * output has the declared shape (for a transform that declares none, the
 * input's size and channels). */
AugurImage *
augur_test_run_forced (const AugurNode   *node,
                       const AugurImage  *src,
                       guint64            seed,
                       AugurReplay      **replay_out)
{
  return run_checked (node, src, seed, TRUE, replay_out);
}

/* Writes @replay as JSON text (@pretty or compact), reads it back and
 * writes it again: the two texts must match byte for byte.  Returns the
 * replay read back. */
AugurReplay *
augur_test_replay_round_trip (const AugurNode   *node,
                              const AugurReplay *replay,
                              gboolean           pretty)
{
  g_autoptr(JsonNode) json = augur_replay_to_json (replay, node);
  g_autofree char *text = augur_json_to_string (json, pretty);
  g_autoptr(JsonNode) json_again = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  g_autofree char *text_again = NULL;
  g_autoptr(GError) error = NULL;
  AugurReplay *back;

  parsed = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  back = augur_replay_from_json (parsed, node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  json_again = augur_replay_to_json (back, node);
  text_again = augur_json_to_string (json_again, pretty);
  g_assert_cmpstr (text, ==, text_again);
  return back;
}

/* A bright 3x3 dot on black, at a place drawn (seed 9000 + @draw) within
 * @dot_range (x from [0] to [1], y from [2] to [3], inclusive) of a 64x48
 * image of @channels, goes through @node (seed 100 + @draw).  When
 * map_point keeps the dot's centre on the output, at least 3 pixels from
 * its edges, and @filter (if any) accepts the draw, the centroid of the
 * output's brightness must lie within a pixel of where map_point sends the
 * centre.  Returns whether the dot was followed (FALSE: the draw was
 * skipped). */
gboolean
augur_test_follow_dot (const AugurNode    *node,
                       int                 channels,
                       guint               draw,
                       const int           dot_range[4],
                       AugurTestDotFilter  filter)
{
  g_autoptr(AugurImage) src = NULL;
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurImage) out = NULL;
  AugurShape in = { 64, 48, channels };
  AugurRng rng;
  double px, py, mx = 0, my = 0;
  int dx, dy;

  augur_rng_init (&rng, 9000 + draw);
  dx = (int) augur_rng_int (&rng, dot_range[0], dot_range[1]);
  dy = (int) augur_rng_int (&rng, dot_range[2], dot_range[3]);
  src = augur_test_dot_image (in.width, in.height, channels, dx, dy);

  out = augur_test_run (node, src, 100 + draw, &replay);

  px = dx + 0.5, py = dy + 0.5;
  if (!augur_transform_map_point (node->info, node->params, &replay->drawn, &in, &px, &py))
    return FALSE;
  if (px < 3 || py < 3 || px > out->width - 3 || py > out->height - 3)
    return FALSE;
  if (filter != NULL && !filter (node, replay, &in, dx, dy, px, py))
    return FALSE;

  g_assert_cmpfloat (augur_test_centroid (out, &mx, &my), >, 0);
  g_assert_cmpfloat (fabs (mx - px), <=, 1.0);
  g_assert_cmpfloat (fabs (my - py), <=, 1.0);
  return TRUE;
}

/* Spatial transforms ---------------------------------------------------------- */

/* The spatial categories: every transform in them moves pixels. */
static const char *const spatial_categories[] = {
  AUGUR_CATEGORY_GEOMETRY, AUGUR_CATEGORY_CROP, AUGUR_CATEGORY_DISTORT,
};

/* Parameters that make a transform move pixels visibly on a 64 x 48 image (the size the warp and label tests use)
 * where its defaults barely do (or only cut it to its own size); every
 * other transform runs with its defaults. */
static const struct
{
  const char *name;
  const char *params;
} tuned[] = {
  { "Affine", "{\"scale\": {\"x\": [0.8, 1.2], \"y\": [0.8, 1.2]}, \"rotate\": [-40, 40], "
              "\"shear\": {\"x\": [-10, 10], \"y\": [-10, 10]}, "
              "\"translate_px\": {\"x\": [-5, 5], \"y\": [-5, 5]}}" },
  { "Resize", "{\"height\": 40, \"width\": 70}" },
  { "LongestMaxSize", "{\"max_size\": 80}" },
  { "SmallestMaxSize", "{\"max_size\": 36}" },
  { "PadIfNeeded", "{\"min_height\": 60, \"min_width\": 70, \"position\": \"random\"}" },
  { "RandomCrop", "{\"height\": 30, \"width\": 40}" },
  { "CenterCrop", "{\"height\": 30, \"width\": 40}" },
  { "Crop", "{\"x_min\": 5, \"y_min\": 4, \"x_max\": 50, \"y_max\": 40}" },
  { "RandomSizedCrop", "{\"min_max_height\": [24, 40], \"size\": [50, 60]}" },
  { "RandomResizedCrop", "{\"size\": [40, 60], \"scale\": [0.3, 1]}" },
  { "CropAndPad", "{\"px\": [-6, 6], \"keep_size\": false}" },
  { "RandomGridShuffle", "{\"grid\": [2, 3]}" },
  { "ElasticTransform", "{\"alpha\": 8, \"sigma\": 8}" },
  { "OpticalDistortion", "{\"distort_limit\": [-0.3, 0.3]}" },
};

/* A leaf of the spatial transform @info, tuned (see above). */
AugurNode *
augur_test_spatial_node (const AugurTransformInfo *info)
{
  for (guint i = 0; i < G_N_ELEMENTS (tuned); i++)
    if (g_str_equal (tuned[i].name, info->name))
      {
        g_autofree char *json = g_strdup_printf ("{\"type\": \"%s\", \"params\": %s}",
                                                 info->name, tuned[i].params);

        return augur_test_node_parse (json);
      }
  return augur_test_leaf (info->name);
}

/* Whether every transform of @category moves pixels. */
gboolean
augur_test_is_spatial_category (const char *category)
{
  for (guint i = 0; i < G_N_ELEMENTS (spatial_categories); i++)
    if (g_str_equal (category, spatial_categories[i]))
      return TRUE;
  return FALSE;
}

/* Files -------------------------------------------------------------------- */

/* A new empty folder in the temporary directory, named after @tmpl (with
 * its XXXXXX replaced); free it with g_free () after augur_test_rm_rf (). */
char *
augur_test_make_tmp (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dir);
  return dir;
}

/* Removes @path and, for a folder, everything below it (links are removed,
 * not followed). */
void
augur_test_rm_rf (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          augur_test_rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* The augur-cli under test, for the programs of suite 'cli': the last
 * argument left after g_test_init() (meson passes it), or the build
 * tree's. */
char *
augur_test_cli_path (int    argc,
                     char **argv)
{
  if (argc > 1 && argv[argc - 1][0] != '-')
    return g_strdup (argv[argc - 1]);
  if (g_getenv ("AUGUR_BUILD_DIR"))
    return g_build_filename (g_getenv ("AUGUR_BUILD_DIR"), "app", "augur-cli", NULL);
  return g_strdup ("augur-cli");
}

/* Pixel transforms ------------------------------------------------------------ */

/* Whether some colour channel of @a and @b differ. */
static gboolean
colours_differ (const AugurImage *a,
                const AugurImage *b)
{
  int cc = a->channels == 4 ? 3 : a->channels;

  for (int y = 0; y < a->height; y++)
    for (int x = 0; x < a->width; x++)
      for (int c = 0; c < cc; c++)
        if (augur_image_row (a, y)[x * a->channels + c] != augur_image_row (b, y)[x * b->channels + c])
          return TRUE;
  return FALSE;
}

/* The step @json (a pixel transform), forced to apply, on gray, RGB and
 * RGBA scenes: the shape is kept, the alpha of RGBA is untouched, a replay
 * written to JSON and read back gives the same bytes, and the colours
 * change for some of four seeds (on gray only when @gray_changes). */
void
augur_test_check_pixel_transform (const char *json,
                                  gboolean    gray_changes)
{
  g_autoptr(AugurNode) node = augur_test_node_parse (json);
  g_autoptr(AugurReferencePool) pool = augur_test_reference_pool ();

  for (int nc = 1; nc <= 4; nc++)
    {
      g_autoptr(AugurImage) src = NULL;
      gboolean changed = FALSE;

      if (nc == 2)
        continue;
      src = augur_test_noise_image (96, 64, nc, 40, 215, 7 + nc);
      for (guint64 seed = 1; seed <= 4; seed++)
        {
          g_autoptr(AugurReplay) replay = NULL;
          g_autoptr(AugurReplay) back = NULL;
          g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
          g_autoptr(AugurImage) again = NULL;

          g_assert_cmpint (out->width, ==, src->width);
          g_assert_cmpint (out->height, ==, src->height);
          g_assert_cmpint (out->channels, ==, nc);
          if (nc == 4)
            for (int y = 0; y < src->height; y++)
              for (int x = 0; x < src->width; x++)
                g_assert_cmpint (augur_image_row (out, y)[4 * x + 3], ==, augur_image_row (src, y)[4 * x + 3]);
          back = augur_test_replay_round_trip (node, replay, FALSE);
          again = augur_node_apply_full (node, src, back, pool, NULL, NULL, NULL);
          g_assert_true (augur_image_equal (out, again));
          changed = changed || colours_differ (src, out);
        }
      if (nc != 1 || gray_changes)
        g_assert_true (changed);
    }
}

/* The step @json run forced on @src with @seed (the replay in @replay_out
 * when not NULL). */
AugurImage *
augur_test_run_step (const char        *json,
                     const AugurImage  *src,
                     guint64            seed,
                     AugurReplay      **replay_out)
{
  g_autoptr(AugurNode) node = augur_test_node_parse (json);

  return augur_test_run_forced (node, src, seed, replay_out);
}

/* Every colour channel @level, alpha 255. */
AugurImage *
augur_test_level_image (int width,
                        int height,
                        int channels,
                        int level)
{
  int v[4] = { level, level, level, 255 };

  return augur_test_fill_image (width, height, channels, v);
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
augur_test_wait_for (AugurTestPredicate  pred,
                     gpointer            data,
                     guint               timeout_ms,
                     const char         *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  /* a tick, so that a predicate that changes without any event is seen */
  guint tick = g_timeout_add (10, wake_up, NULL);

  while (!pred (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}
