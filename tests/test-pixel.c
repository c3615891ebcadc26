/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-pipeline.h"
#include "augur-recipe.h"

#include "augur-test-util.h"

/* Helpers ---------------------------------------------------------------------- */

static AugurImage *
run_json (const char       *json,
          const AugurImage *src,
          guint64           seed)
{
  g_autoptr(AugurNode) node = augur_test_node_parse (json);

  return augur_test_run_forced (node, src, seed, NULL);
}

static AugurImage *
image_gray_level (int width,
                  int height,
                  int channels,
                  int level)
{
  int v[4] = { level, level, level, 255 };

  return augur_test_fill_image (width, height, channels, v);
}

/* Smooth colour ramps with a random alpha: a natural-ish test picture. */
static AugurImage *
image_scene (int     width,
             int     height,
             int     channels,
             guint64 seed)
{
  AugurImage *image = augur_image_new (width, height, channels);
  AugurRng rng;

  augur_rng_init (&rng, seed);
  for (int y = 0; y < height; y++)
    {
      guint8 *d = augur_image_row (image, y);

      for (int x = 0; x < width; x++, d += channels)
        {
          int r = 255 * x / MAX (width - 1, 1);
          int g = 255 * y / MAX (height - 1, 1);
          int b = (r + g) / 2 ^ ((x / 8 + y / 8) % 2 ? 64 : 0);

          if (channels == 1)
            d[0] = (guint8) ((r + 2 * g + b) / 4);
          else
            {
              d[0] = (guint8) r, d[1] = (guint8) g, d[2] = (guint8) b;
              if (channels == 4)
                d[3] = (guint8) augur_rng_int (&rng, 0, 255);
            }
        }
    }
  return image;
}

/* Mean and standard deviation of channel @c (-1: every channel). */
static void
image_stats (const AugurImage *image,
             int               c,
             double           *mean,
             double           *std)
{
  double sum = 0, sum2 = 0, n = 0;

  for (int y = 0; y < image->height; y++)
    {
      const guint8 *s = augur_image_row (image, y);

      for (int x = 0; x < image->width; x++)
        for (int k = 0; k < image->channels; k++)
          if (c < 0 || k == c)
            {
              sum += s[x * image->channels + k];
              sum2 += (double) s[x * image->channels + k] * s[x * image->channels + k];
              n++;
            }
    }
  *mean = sum / n;
  if (std)
    *std = sqrt (MAX (sum2 / n - *mean * *mean, 0));
}

static gboolean
alpha_equal (const AugurImage *a,
             const AugurImage *b)
{
  g_assert_cmpint (a->channels, ==, 4);
  g_assert_cmpint (b->channels, ==, 4);
  for (int y = 0; y < a->height; y++)
    for (int x = 0; x < a->width; x++)
      if (augur_image_row (a, y)[x * 4 + 3] != augur_image_row (b, y)[x * 4 + 3])
        return FALSE;
  return TRUE;
}

/* Every transform of this file, with parameters that make it do something. */

typedef struct
{
  const char *json;
  gboolean    keeps_alpha;  /* an RGBA input's alpha comes out unchanged */
} Case;

static const Case cases[] = {
  { "{\"type\": \"RandomBrightnessContrast\"}", TRUE },
  { "{\"type\": \"RandomBrightnessContrast\", \"params\": {\"brightness_by_max\": false, \"ensure_safe_range\": true}}", TRUE },
  { "{\"type\": \"HueSaturationValue\"}", TRUE },
  { "{\"type\": \"HueSaturationValue\", \"params\": {\"hue_shift_limit\": 90, \"sat_shift_limit\": [-100, 100]}}", TRUE },
  { "{\"type\": \"ToGray\"}", TRUE },
  { "{\"type\": \"ToGray\", \"params\": {\"method\": \"from_lab\"}}", TRUE },
  { "{\"type\": \"ToGray\", \"params\": {\"method\": \"pca\"}}", TRUE },
  { "{\"type\": \"ToGray\", \"params\": {\"method\": \"desaturation\"}}", TRUE },
  { "{\"type\": \"ToGray\", \"params\": {\"method\": \"average\"}}", TRUE },
  { "{\"type\": \"ToGray\", \"params\": {\"method\": \"max\"}}", TRUE },
  { "{\"type\": \"GaussianBlur\"}", FALSE },
  { "{\"type\": \"GaussianBlur\", \"params\": {\"blur_limit\": [3, 8], \"sigma_limit\": [0, 2]}}", FALSE },
  { "{\"type\": \"GaussNoise\"}", TRUE },
  { "{\"type\": \"GaussNoise\", \"params\": {\"per_channel\": false, \"noise_scale_factor\": 0.3, \"mean_range\": [-0.1, 0.1]}}", TRUE },
  { "{\"type\": \"CoarseDropout\"}", TRUE },
  { "{\"type\": \"CoarseDropout\", \"params\": {\"num_holes_range\": [3, 6], \"hole_height_range\": [4, 12], \"fill\": \"random\"}}", TRUE },
  { "{\"type\": \"CoarseDropout\", \"params\": {\"fill\": \"random_uniform\"}}", TRUE },
  { "{\"type\": \"CoarseDropout\", \"params\": {\"fill\": \"inpaint_telea\"}}", TRUE },
  { "{\"type\": \"CoarseDropout\", \"params\": {\"fill\": \"inpaint_ns\", \"hole_width_range\": [0.3, 0.5]}}", TRUE },
  { "{\"type\": \"ImageCompression\", \"params\": {\"quality_range\": [20, 90]}}", TRUE },
  { "{\"type\": \"ImageCompression\", \"params\": {\"compression_type\": \"webp\", \"quality_range\": [20, 90]}}", TRUE },
};

/* Generic properties, for every case ------------------------------------------------ */

static void
test_never_at_p0 (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(AugurNode) node = augur_test_node_parse (c->json);
  g_autoptr(AugurImage) src = image_scene (32, 24, 3, 1);

  node->p = 0.0;
  for (guint64 seed = 0; seed < 200; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_node_run (node, src, seed, &replay);

      g_assert_false (replay->applied);
      g_assert_true (augur_image_equal (out, src));
    }
}

static void
test_deterministic_and_replay (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(AugurNode) node = augur_test_node_parse (c->json);

  for (int nc = 1; nc <= 4; nc++)
    {
      g_autoptr(AugurImage) src = NULL;

      if (nc == 2)
        continue;
      src = image_scene (48, 40, nc, nc);

      for (guint64 seed = 1; seed <= 5; seed++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(AugurReplay) replay = NULL;
          g_autoptr(AugurReplay) again = NULL;
          g_autoptr(AugurImage) a = augur_test_run_forced (node, src, seed, &replay);
          g_autoptr(AugurImage) b = augur_test_run_forced (node, src, seed, NULL);
          g_autoptr(AugurImage) c2 = NULL;
          g_autoptr(JsonNode) json = augur_replay_to_json (replay, node);
          g_autofree char *text = augur_json_to_string (json, FALSE);
          g_autoptr(JsonNode) parsed = json_from_string (text, &error);
          AugurShape in = { src->width, src->height, src->channels }, out;

          g_assert_true (augur_image_equal (a, b));

          /* Written, read back, applied: the same bytes. */
          g_assert_no_error (error);
          again = augur_replay_from_json (parsed, node, &error);
          g_assert_no_error (error);
          c2 = augur_node_apply (node, src, again);
          g_assert_true (augur_image_equal (a, c2));

          /* The declared output shape is the real one. */
          augur_node_output_shape (node, replay, &in, &out);
          g_assert_cmpint (out.width, ==, a->width);
          g_assert_cmpint (out.height, ==, a->height);
          g_assert_cmpint (out.channels, ==, a->channels);
        }
    }
}

/* A copy of @src whose rows are @pad bytes longer than its pixels (the
 * padding filled with a marker), as a decoder's buffer may be. */
static AugurImage *
image_padded (const AugurImage *src,
              int               pad)
{
  int stride = src->width * src->channels + pad;
  guint8 *data = g_malloc ((gsize) stride * src->height);

  memset (data, 0xa5, (gsize) stride * src->height);
  for (int y = 0; y < src->height; y++)
    memcpy (data + (gsize) y * stride, augur_image_row (src, y), (gsize) src->width * src->channels);
  return augur_image_new_for_data (src->width, src->height, src->channels, stride, data, g_free, data);
}

/* Images whose stride is more than their width (ImageCompression hands its
 * decoder's rows on as they are) give every transform the same result. */
static void
test_padded_rows (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(AugurNode) node = augur_test_node_parse (c->json);

  for (int nc = 1; nc <= 4; nc++)
    {
      g_autoptr(AugurImage) src = NULL;
      g_autoptr(AugurImage) padded = NULL;

      if (nc == 2)
        continue;
      src = image_scene (37, 29, nc, 20 + nc);
      padded = image_padded (src, 3);
      g_assert_cmpint (padded->stride, ==, src->stride + 3);
      g_assert_true (augur_image_equal (src, padded));

      for (guint64 seed = 1; seed <= 3; seed++)
        {
          g_autoptr(AugurReplay) replay = NULL;
          g_autoptr(AugurImage) a = augur_test_run_forced (node, src, seed, &replay);
          g_autoptr(AugurImage) b = augur_node_apply (node, padded, replay);

          g_assert_true (augur_image_equal (a, b));
        }
    }
}

static void
test_alpha_kept (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(AugurNode) node = augur_test_node_parse (c->json);
  g_autoptr(AugurImage) src = image_scene (40, 30, 4, 9);

  if (!c->keeps_alpha)
    {
      g_test_skip ("a spatial filter: alpha is filtered with the colours");
      return;
    }

  for (guint64 seed = 1; seed <= 5; seed++)
    {
      g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, NULL);

      /* ToGray to one channel drops alpha; every other output keeps it. */
      if (out->channels == 4)
        g_assert_true (alpha_equal (src, out));
      else
        g_assert_cmpint (out->channels, ==, 1);
    }
}

/* A replay whose values lie outside what the transform declares is refused. */
static void
test_replay_validated (void)
{
  static const struct { const char *step; const char *values; } bad[] = {
    { "{\"type\": \"RandomBrightnessContrast\"}", "{\"alpha\": 99, \"beta\": 0}" },
    { "{\"type\": \"RandomBrightnessContrast\"}", "{\"alpha\": 1}" },
    { "{\"type\": \"HueSaturationValue\"}", "{\"hue_shift\": 1e9, \"sat_shift\": 0, \"val_shift\": 0}" },
    { "{\"type\": \"CoarseDropout\"}", "{\"holes\": [0, 0, 2, 1], \"seed\": 1}" },
    { "{\"type\": \"CoarseDropout\"}", "{\"holes\": [0, 0, 0.5, -0.1], \"seed\": 1}" },
    { "{\"type\": \"CoarseDropout\"}", "{\"holes\": [0, 0, 0.5, 0.5], \"seed\": -1}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AugurNode) node = augur_test_node_parse (bad[i].step);
      g_autofree char *text = g_strdup_printf ("{\"type\": \"%s\", \"applied\": true, \"values\": %s}",
                                               node->info->name, bad[i].values);
      g_autoptr(JsonNode) json = json_from_string (text, &error);
      g_autoptr(AugurReplay) replay = NULL;

      g_assert_no_error (error);
      replay = augur_replay_from_json (json, node, &error);
      g_assert_null (replay);
      g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY);
    }
}

/* A replay within the limits but odd (reversed boxes, a partial hole)
 * is applied safely: nothing outside the image is touched. */
static void
test_replay_odd_holes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurNode) node = augur_test_node_parse ("{\"type\": \"CoarseDropout\"}");
  g_autoptr(JsonNode) json = json_from_string ("{\"type\": \"CoarseDropout\", \"applied\": true, \"values\": "
                                               "{\"holes\": [0.5, 0.5, 0.1, 0.1, 0.9, 0.9, 1, 1, 0.2], \"seed\": 3}}", &error);
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurImage) src = image_gray_level (10, 10, 3, 50);
  g_autoptr(AugurImage) out = NULL;

  g_assert_no_error (error);
  replay = augur_replay_from_json (json, node, &error);
  g_assert_no_error (error);
  out = augur_node_apply (node, src, replay);
  /* The reversed box is dropped; the last whole one is the corner pixel. */
  for (int y = 0; y < 10; y++)
    for (int x = 0; x < 10; x++)
      g_assert_cmpint (augur_image_row (out, y)[3 * x], ==, x == 9 && y == 9 ? 0 : 50);
}

/* Tiny images: every case runs, and the result has the declared shape. */
static void
test_tiny_images (gconstpointer data)
{
  const Case *c = data;
  static const int sizes[][2] = { { 1, 1 }, { 1, 5 }, { 5, 1 }, { 2, 2 }, { 3, 7 } };
  g_autoptr(AugurNode) node = augur_test_node_parse (c->json);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (int nc = 1; nc <= 4; nc++)
      for (guint64 seed = 1; seed <= 3 && nc != 2; seed++)
        {
          g_autoptr(AugurImage) src = augur_test_noise_image (sizes[i][0], sizes[i][1], nc, 0, 255,
                                                              seed);
          g_autoptr(AugurReplay) replay = NULL;
          g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
          AugurShape in = { src->width, src->height, src->channels }, shape;

          augur_node_output_shape (node, replay, &in, &shape);
          g_assert_cmpint (out->width, ==, shape.width);
          g_assert_cmpint (out->height, ==, shape.height);
          g_assert_cmpint (out->channels, ==, shape.channels);
        }
}

/* All of them in one pipeline, the channel count changing on the way: the
 * replay read back from JSON reproduces the output byte for byte. */
static void
test_pipeline_replay (void)
{
  g_autoptr(AugurNode) node = augur_test_node_parse (
    "{\"type\": \"Sequential\", \"steps\": ["
    "{\"type\": \"CoarseDropout\", \"params\": {\"fill\": \"inpaint_ns\"}},"
    "{\"type\": \"RandomBrightnessContrast\"},"
    "{\"type\": \"HueSaturationValue\"},"
    "{\"type\": \"GaussianBlur\"},"
    "{\"type\": \"ToGray\", \"p\": 0.5, \"params\": {\"num_output_channels\": 1}},"
    "{\"type\": \"GaussNoise\", \"params\": {\"std_range\": [0.02, 0.1]}},"
    "{\"type\": \"ImageCompression\", \"params\": {\"quality_range\": [40, 90]}},"
    "{\"type\": \"CoarseDropout\", \"params\": {\"fill\": \"random_uniform\", \"num_holes_range\": [2, 4]}}]}");
  g_autoptr(AugurImage) src = image_scene (64, 48, 4, 3);
  guint gray_outputs = 0;

  for (guint64 seed = 1; seed <= 12; seed++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_node_run (node, src, seed, &replay);
      g_autoptr(JsonNode) json = augur_replay_to_json (replay, node);
      g_autofree char *text = augur_json_to_string (json, TRUE);
      g_autoptr(JsonNode) parsed = json_from_string (text, &error);
      g_autoptr(AugurReplay) again = NULL;
      g_autoptr(AugurImage) replayed = NULL;

      g_assert_no_error (error);
      again = augur_replay_from_json (parsed, node, &error);
      g_assert_no_error (error);
      replayed = augur_node_apply (node, src, again);
      g_assert_true (augur_image_equal (out, replayed));
      gray_outputs += out->channels == 1;
    }
  /* ToGray at p = 0.5 took effect in some draws and not in others. */
  g_assert_cmpuint (gray_outputs, >, 0);
  g_assert_cmpuint (gray_outputs, <, 12);
}

/* Replays at the very limits each transform declares are applied safely:
 * apply trusts only what the drawn spec bounds. */
static void
test_replay_limits (void)
{
  static const char *const names[] = {
    "RandomBrightnessContrast", "HueSaturationValue", "ToGray", "GaussianBlur",
    "GaussNoise", "CoarseDropout", "ImageCompression",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    for (int end = 0; end < 2; end++)
      {
        const AugurTransformInfo *info = augur_transform_lookup (names[i]);
        g_autofree char *step = g_strdup_printf ("{\"type\": \"%s\"}", names[i]);
        g_autoptr(AugurNode) node = augur_test_node_parse (step);
        g_autoptr(GString) text = g_string_new (NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) json = NULL;
        g_autoptr(AugurReplay) replay = NULL;

        g_assert_nonnull (info);
        g_string_printf (text, "{\"type\": \"%s\", \"applied\": true, \"values\": {", names[i]);
        for (const AugurDrawnSpec *d = info->drawn; d->name; d++)
          {
            double v = end ? d->max : d->min;
            char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE], vs[G_ASCII_DTOSTR_BUF_SIZE];

            g_ascii_dtostr (lo, sizeof lo, d->min);
            g_ascii_dtostr (hi, sizeof hi, d->max);
            g_ascii_dtostr (vs, sizeof vs, v);
            g_string_append_printf (text, "%s\"%s\": ", d == info->drawn ? "" : ", ", d->name);
            if (d->list)
              g_string_append_printf (text, "[%s, %s, %s, %s, %s, %s, %s, %s]", lo, lo, hi, hi, vs, vs, vs, vs);
            else
              g_string_append (text, vs);
          }
        g_string_append (text, "}}");

        json = json_from_string (text->str, &error);
        g_assert_no_error (error);
        replay = augur_replay_from_json (json, node, &error);
        g_assert_no_error (error);

        for (int nc = 1; nc <= 4; nc++)
          {
            g_autoptr(AugurImage) src = NULL;
            g_autoptr(AugurImage) out = NULL;
            AugurShape in, shape;

            if (nc == 2)
              continue;
            src = augur_test_noise_image (9, 7, nc, 0, 255, 1);
            in = (AugurShape) { 9, 7, nc };
            out = augur_node_apply (node, src, replay);
            augur_node_output_shape (node, replay, &in, &shape);
            g_assert_cmpint (out->width, ==, 9);
            g_assert_cmpint (out->height, ==, 7);
            g_assert_cmpint (out->channels, ==, shape.channels);
          }
      }
}

/* RandomBrightnessContrast ----------------------------------------------------------- */

static void
test_brightness (void)
{
  for (int nc = 1; nc <= 4; nc++)
    {
      g_autoptr(AugurImage) src = NULL;
      g_autoptr(AugurImage) out = NULL;
      double before, after;

      if (nc == 2)
        continue;
      src = image_gray_level (32, 32, nc, 128);
      out = run_json ("{\"type\": \"RandomBrightnessContrast\", \"params\": "
                      "{\"brightness_limit\": [0.2, 0.2], \"contrast_limit\": [0, 0]}}", src, 3);
      image_stats (src, 0, &before, NULL);
      image_stats (out, 0, &after, NULL);
      g_assert_cmpfloat_with_epsilon (after - before, 51, 1.0);
    }
}

static void
test_contrast (void)
{
  static const double factors[] = { 0.5, 0.8, 1.3 };
  g_autoptr(AugurImage) src = augur_test_noise_image (64, 64, 3, 90, 166, 5);
  double m0, s0;

  image_stats (src, -1, &m0, &s0);
  for (guint i = 0; i < G_N_ELEMENTS (factors); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"type\": \"RandomBrightnessContrast\", \"params\": "
        "{\"brightness_limit\": 0, \"contrast_limit\": [%g, %g]}}",
        factors[i] - 1, factors[i] - 1);
      g_autoptr(AugurImage) out = run_json (json, src, 11);
      double m, s;

      image_stats (out, -1, &m, &s);
      /* No clipping at these levels: the spread scales by the factor
       * (within rounding). */
      g_assert_cmpfloat_with_epsilon (s / s0, factors[i], 0.02);
      g_assert_cmpfloat_with_epsilon (m, m0 * factors[i], 1.0);
    }
}

static guint8
reference_clamp (double v)
{
  return v <= 0 ? 0 : v >= 255 ? 255 : (guint8) (v + 0.5);
}

/* Every level 0-255 in every channel (RGB, and RGBA with its alpha kept)
 * maps to alpha * x + beta rounded half up and clipped, alpha = 1 +
 * contrast, beta = brightness * 255: whether the table is computed in
 * fixed point (most parameters) or looked up (a slope too steep for it). */
static void
test_brightness_contrast_exact (void)
{
  static const struct { const char *contrast, *brightness; } cases_[] = {
    { "0.2", "0.1" }, { "0", "0.5" }, { "-0.2", "-0.1" }, { "0.37", "-0.213" },
    { "-1", "0.3" }, { "-0.99", "0" }, { "9.71", "-0.77" }, { "10", "-1" }, { "0.001", "0.002" },
    /* Ties of alpha * x + beta that double rounding sends both ways: no
     * fixed-point line fits, the table is looked up. */
    { "-0.9", "0.12" }, { "-0.65", "-0.09" },
  };

  for (int nc = 3; nc <= 4; nc++)
    {
      g_autoptr(AugurImage) src = augur_image_new (256, 2, nc);

      for (int y = 0; y < 2; y++)
        for (int x = 0; x < 256; x++)
          for (int c = 0; c < nc; c++)
            augur_image_row (src, y)[x * nc + c] = (guint8) (c == 3 ? 255 - x : y ? 255 - x : x);

      for (guint i = 0; i < G_N_ELEMENTS (cases_); i++)
        {
          g_autofree char *json = g_strdup_printf (
            "{\"type\": \"RandomBrightnessContrast\", \"params\": "
            "{\"brightness_limit\": [%s, %s], \"contrast_limit\": [%s, %s]}}",
            cases_[i].brightness, cases_[i].brightness, cases_[i].contrast, cases_[i].contrast);
          g_autoptr(AugurImage) out = run_json (json, src, 3);
          double alpha = MAX (1.0 + g_ascii_strtod (cases_[i].contrast, NULL), 0);
          double beta = g_ascii_strtod (cases_[i].brightness, NULL) * 255.0;

          for (int y = 0; y < 2; y++)
            for (int x = 0; x < 256; x++)
              for (int c = 0; c < nc; c++)
                {
                  int in = augur_image_row (src, y)[x * nc + c];
                  int expected = c == 3 ? in : reference_clamp (alpha * in + beta);

                  g_assert_cmpint (augur_image_row (out, y)[x * nc + c], ==, expected);
                }
        }
    }
}

static void
test_brightness_by_mean_and_safe (void)
{
  g_autoptr(AugurImage) src = image_gray_level (16, 16, 3, 100);
  g_autoptr(AugurImage) by_mean = NULL;
  g_autoptr(AugurImage) safe = NULL;
  g_autoptr(AugurImage) bright = image_gray_level (16, 16, 3, 200);
  double m;

  /* Without brightness_by_max, beta is a fraction of the mean: 100 * 0.5. */
  by_mean = run_json ("{\"type\": \"RandomBrightnessContrast\", \"params\": {\"brightness_by_max\": false, "
                      "\"brightness_limit\": [0.5, 0.5], \"contrast_limit\": 0}}", src, 1);
  image_stats (by_mean, -1, &m, NULL);
  g_assert_cmpfloat_with_epsilon (m, 150, 0.6);

  /* With ensure_safe_range, +0.4 (102) and contrast 1.5 on 200: alpha is
   * lowered to (255 - 102) / 255 = 0.6, so 200 maps to 222, not clipped 255. */
  safe = run_json ("{\"type\": \"RandomBrightnessContrast\", \"params\": {\"ensure_safe_range\": true, "
                   "\"brightness_limit\": [0.4, 0.4], \"contrast_limit\": [0.5, 0.5]}}", bright, 1);
  image_stats (safe, -1, &m, NULL);
  g_assert_cmpfloat_with_epsilon (m, 0.6 * 200 + 102, 0.6);
}

/* HueSaturationValue ---------------------------------------------------------------- */

static void
test_hue_shift (void)
{
  static const struct { int shift; int rgb[3]; } cases_[] = {
    { 60, { 0, 255, 0 } },    /* +120 degrees: red to green */
    { 120, { 0, 0, 255 } },   /* +240 degrees: blue */
    { -60, { 0, 0, 255 } },   /* -120 degrees: blue */
    { 30, { 255, 255, 0 } },  /* +60 degrees: yellow */
    { 0, { 255, 0, 0 } },
  };
  int red[4] = { 255, 0, 0, 77 };

  for (guint i = 0; i < G_N_ELEMENTS (cases_); i++)
    for (int nc = 3; nc <= 4; nc++)
      {
        g_autoptr(AugurImage) src = augur_test_fill_image (8, 8, nc, red);
        g_autofree char *json = g_strdup_printf (
          "{\"type\": \"HueSaturationValue\", \"params\": {\"hue_shift_limit\": [%d, %d], "
          "\"sat_shift_limit\": 0, \"val_shift_limit\": 0}}", cases_[i].shift, cases_[i].shift);
        g_autoptr(AugurImage) out = run_json (json, src, 2);
        const guint8 *p = augur_image_row (out, 3) + 3 * nc;

        g_assert_cmpint (p[0], ==, cases_[i].rgb[0]);
        g_assert_cmpint (p[1], ==, cases_[i].rgb[1]);
        g_assert_cmpint (p[2], ==, cases_[i].rgb[2]);
        if (nc == 4)
          g_assert_cmpint (p[3], ==, 77);
      }
}

static void
test_hsv_sat_val (void)
{
  int gray[3] = { 120, 120, 120 }, pink[3] = { 200, 100, 100 };
  g_autoptr(AugurImage) g = augur_test_fill_image (8, 8, 3, gray);
  g_autoptr(AugurImage) p = augur_test_fill_image (8, 8, 3, pink);
  g_autoptr(AugurImage) g1 = image_gray_level (8, 8, 1, 120);
  const char *desat = "{\"type\": \"HueSaturationValue\", \"params\": {\"hue_shift_limit\": 0, "
                      "\"sat_shift_limit\": [200, 200], \"val_shift_limit\": [-20, -20]}}";
  const char *all = "{\"type\": \"HueSaturationValue\", \"params\": {\"hue_shift_limit\": [50, 50], "
                    "\"sat_shift_limit\": [100, 100], \"val_shift_limit\": [30, 30]}}";
  g_autoptr(AugurImage) go = run_json (desat, g, 1);
  g_autoptr(AugurImage) po = run_json (desat, p, 1);
  g_autoptr(AugurImage) g1o = run_json (all, g1, 1);
  const guint8 *q;

  /* A gray pixel stays gray under a saturation shift; value moves it. */
  q = augur_image_row (go, 0);
  g_assert_cmpint (q[0], ==, 100);
  g_assert_cmpint (q[1], ==, 100);
  g_assert_cmpint (q[2], ==, 100);
  /* A coloured pixel saturates fully: max 180, min 0. */
  q = augur_image_row (po, 0);
  g_assert_cmpint (q[0], ==, 180);
  g_assert_cmpint (q[1], ==, 0);
  g_assert_cmpint (q[2], ==, 0);
  /* A gray image takes the value shift only. */
  g_assert_cmpint (g1o->channels, ==, 1);
  g_assert_cmpint (augur_image_row (g1o, 4)[4], ==, 150);

  /* No shift at all leaves every pixel as it was (no HSV round trip). */
  {
    g_autoptr(AugurImage) scene = image_scene (40, 30, 4, 2);
    g_autoptr(AugurImage) same = run_json ("{\"type\": \"HueSaturationValue\", \"params\": {\"hue_shift_limit\": 0, "
                                           "\"sat_shift_limit\": 0, \"val_shift_limit\": 0}}", scene, 1);

    g_assert_true (augur_image_equal (same, scene));
  }
}

/* The per-pixel definition that the vectorised HueSaturationValue must
 * reproduce exactly: OpenCV's 8-bit RGB to HSV with its division tables,
 * the three shift tables, OpenCV's float HSV to RGB. */
static void
reference_hsv_pixel (const guint8 *s,
                     guint8       *d,
                     const guint8  hue_lut[256],
                     const guint8  sat_lut[256],
                     const guint8  val_lut[256])
{
  static const int sector_data[6][3] = {
    { 1, 3, 0 }, { 1, 0, 2 }, { 3, 0, 1 }, { 0, 2, 1 }, { 0, 1, 3 }, { 2, 1, 0 },
  };
  int r = s[0], g = s[1], b = s[2];
  int v = MAX (MAX (r, g), b), diff = v - MIN (MIN (r, g), b);
  int sdiv = v ? (int) lrint ((255 << 12) / (1.0 * v)) : 0;
  int hdiv = diff ? (int) lrint ((180 << 12) / (6.0 * diff)) : 0;
  int sv = (diff * sdiv + (1 << 11)) >> 12;
  int h = v == r ? g - b : v == g ? b - r + 2 * diff : r - g + 4 * diff;
  float hf, sf, vf, tab[4];
  int sector;

  h = (h * hdiv + (1 << 11)) >> 12;
  if (h < 0)
    h += 180;
  h = hue_lut[h], sv = sat_lut[sv], v = val_lut[v];
  if (sv == 0)
    {
      d[0] = d[1] = d[2] = (guint8) v;
      return;
    }
  sf = sv * (1.0f / 255.0f), vf = v * (1.0f / 255.0f);
  hf = h * (6.0f / 180.0f);
  sector = (int) floorf (hf);
  hf -= sector;
  tab[0] = vf;
  tab[1] = vf * (1.0f - sf);
  tab[2] = vf * (1.0f - sf * hf);
  tab[3] = vf * (1.0f - sf * (1.0f - hf));
  for (int c = 0; c < 3; c++)
    {
      double x = tab[sector_data[sector][2 - c]] * 255.0f;

      d[c] = x <= 0 ? 0 : x >= 255 ? 255 : (guint8) (x + 0.5);
    }
}

/* 64 levels a channel, every combination (gray pixels included), under
 * shifts whole and fractional, negative, and at the ends of their ranges:
 * every pixel equals the reference, alpha is kept. */
static void
test_hsv_matches_reference (void)
{
  static const double shifts[][3] = {
    { 10, 20, 10 }, { -10, -20, -10 }, { 0.5, 0.5, 0.5 }, { -0.3, 3.5, -2.5 },
    { 179.7, -254.6, 254.4 }, { -180, 255, -255 }, { 90, -100, 100 },
  };

  for (int nc = 3; nc <= 4; nc++)
    {
      g_autoptr(AugurImage) src = augur_image_new (512, 512, nc);

      for (int i = 0; i < 512 * 512; i++)
        {
          guint8 *p = src->data + (gsize) i * nc;

          p[0] = (guint8) ((i & 63) * 255 / 63);
          p[1] = (guint8) (((i >> 6) & 63) * 255 / 63);
          p[2] = (guint8) ((i >> 12) * 255 / 63);
          if (nc == 4)
            p[3] = (guint8) (i * 7);
        }

      for (guint k = 0; k < G_N_ELEMENTS (shifts); k++)
        {
          g_autofree char *json = g_strdup_printf (
            "{\"type\": \"HueSaturationValue\", \"params\": {\"hue_shift_limit\": [%g, %g], "
            "\"sat_shift_limit\": [%g, %g], \"val_shift_limit\": [%g, %g]}}",
            shifts[k][0], shifts[k][0], shifts[k][1], shifts[k][1], shifts[k][2], shifts[k][2]);
          g_autoptr(AugurImage) out = run_json (json, src, 1);
          guint8 hue_lut[256], sat_lut[256], val_lut[256];
          int mismatches = 0;

          for (int i = 0; i < 256; i++)
            {
              double hh = fmod (i + shifts[k][0], 180.0);

              if (hh < 0)
                hh += 180.0;
              hue_lut[i] = (guint8) MIN (floor (hh), 179);
              sat_lut[i] = reference_clamp (i + shifts[k][1]);
              val_lut[i] = reference_clamp (i + shifts[k][2]);
            }
          sat_lut[0] = 0;

          for (int i = 0; i < 512 * 512; i++)
            {
              const guint8 *p = src->data + (gsize) i * nc;
              const guint8 *q = out->data + (gsize) i * nc;
              guint8 expected[3];

              reference_hsv_pixel (p, expected, hue_lut, sat_lut, val_lut);
              if (memcmp (q, expected, 3) != 0 || (nc == 4 && q[3] != p[3]))
                {
                  if (mismatches++ < 5)
                    g_test_message ("shift %g %g %g, rgb %d %d %d: %d %d %d, expected %d %d %d",
                                    shifts[k][0], shifts[k][1], shifts[k][2], p[0], p[1], p[2],
                                    q[0], q[1], q[2], expected[0], expected[1], expected[2]);
                }
            }
          g_assert_cmpint (mismatches, ==, 0);
        }
    }
}

/* ToGray ----------------------------------------------------------------------------- */

static void
test_to_gray (void)
{
  static const struct { const char *method; int expected; } methods[] = {
    /* R 200, G 100, B 50 */
    { "weighted_average", 124 },  /* 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 124.2 */
    { "average", 116 },           /* 350 / 3 = 116.7, truncated */
    { "max", 200 },
    { "desaturation", 125 },      /* (200 + 50) / 2 */
    { "from_lab", 136 },          /* L* = 53.4 on 0-100 */
  };
  int colour[4] = { 200, 100, 50, 99 };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    for (int nc = 3; nc <= 4; nc++)
      for (int out_nc = 1; out_nc <= 3; out_nc += 2)
        {
          g_autoptr(AugurImage) src = augur_test_fill_image (6, 5, nc, colour);
          g_autofree char *json = g_strdup_printf (
            "{\"type\": \"ToGray\", \"params\": {\"method\": \"%s\", \"num_output_channels\": %d}}",
            methods[i].method, out_nc);
          g_autoptr(AugurImage) out = run_json (json, src, 1);
          const guint8 *p = augur_image_row (out, 2) + 2 * out->channels;

          g_assert_cmpint (out->channels, ==, out_nc == 1 ? 1 : nc);
          if (g_str_equal (methods[i].method, "from_lab"))
            g_assert_cmpint (abs (p[0] - methods[i].expected), <=, 1);
          else
            g_assert_cmpint (p[0], ==, methods[i].expected);
          for (int c = 1; c < MIN (out->channels, 3); c++)
            g_assert_cmpint (p[c], ==, p[0]);
          if (out->channels == 4)
            g_assert_cmpint (p[3], ==, 99);
        }
}

/* The weighted average is OpenCV's 14-bit fixed point, rounded, on every
 * pixel: widths around the 16-pixel vector step and its scalar tail, RGB
 * and RGBA, one and three output channels. */
static void
check_to_gray_weighted (void)
{
  static const int widths[] = { 1, 5, 16, 17, 21, 22, 37, 64, 101 };

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    for (int nc = 3; nc <= 4; nc++)
      for (int out_nc = 1; out_nc <= 3; out_nc += 2)
        {
          g_autoptr(AugurImage) src = image_scene (widths[i], 3, nc, 40 + i);
          g_autofree char *json = g_strdup_printf (
            "{\"type\": \"ToGray\", \"params\": {\"method\": \"weighted_average\", "
            "\"num_output_channels\": %d}}", out_nc);
          g_autoptr(AugurImage) out = run_json (json, src, 1);

          g_assert_cmpint (out->channels, ==, out_nc == 1 ? 1 : nc);
          for (int y = 0; y < src->height; y++)
            for (int x = 0; x < src->width; x++)
              {
                const guint8 *p = augur_image_row (src, y) + x * nc;
                const guint8 *q = augur_image_row (out, y) + x * out->channels;
                int expected = (p[0] * 4899 + p[1] * 9617 + p[2] * 1868 + (1 << 13)) >> 14;

                for (int c = 0; c < MIN (out->channels, 3); c++)
                  g_assert_cmpint (q[c], ==, expected);
                if (out->channels == 4)
                  g_assert_cmpint (q[3], ==, p[3]);
              }
        }
}

/* With the run-time choice of SSSE3, and with the portable loop. */
static void
test_to_gray_weighted_exact (void)
{
  check_to_gray_weighted ();
  g_setenv ("AUGUR_NO_SSSE3", "1", TRUE);
  check_to_gray_weighted ();
  g_unsetenv ("AUGUR_NO_SSSE3");
}

static void
test_to_gray_pca_and_gray_input (void)
{
  g_autoptr(AugurImage) src = image_scene (30, 20, 3, 4);
  g_autoptr(AugurImage) pca = run_json ("{\"type\": \"ToGray\", \"params\": {\"method\": \"pca\"}}", src, 1);
  g_autoptr(AugurImage) gray = image_scene (30, 20, 1, 4);
  g_autoptr(AugurImage) same = run_json ("{\"type\": \"ToGray\"}", gray, 1);
  int lo = 255, hi = 0;

  /* PCA stretches the first component over the full range. */
  for (int y = 0; y < pca->height; y++)
    for (int x = 0; x < pca->width; x++)
      {
        const guint8 *p = augur_image_row (pca, y) + x * 3;

        g_assert_true (p[0] == p[1] && p[1] == p[2]);
        lo = MIN (lo, p[0]);
        hi = MAX (hi, p[0]);
      }
  g_assert_cmpint (lo, ==, 0);
  g_assert_cmpint (hi, ==, 255);

  /* A gray input is left alone. */
  g_assert_true (augur_image_equal (same, gray));

  g_assert_true (augur_test_node_refused ("{\"type\": \"ToGray\", \"params\": {\"num_output_channels\": 2}}"));
}

/* GaussianBlur ------------------------------------------------------------------------ */

static void
test_blur_flat (void)
{
  for (int nc = 1; nc <= 4; nc++)
    {
      g_autoptr(AugurImage) src = NULL;
      g_autoptr(AugurImage) out = NULL;

      if (nc == 2)
        continue;
      src = image_gray_level (40, 30, nc, 137);
      out = run_json ("{\"type\": \"GaussianBlur\", \"params\": {\"sigma_limit\": [2.5, 2.5]}}", src, 4);
      /* A flat image stays flat: the kernel sums to 1, borders reflect. */
      g_assert_true (augur_image_equal (out, src));
    }
}

static void
test_blur_smooths (void)
{
  g_autoptr(AugurImage) src = augur_test_noise_image (96, 96, 3, 0, 255, 8);
  double m0, s0, m1, s1, m3, s3;
  g_autoptr(AugurImage) b1 = run_json ("{\"type\": \"GaussianBlur\", \"params\": {\"sigma_limit\": [1, 1]}}", src, 1);
  g_autoptr(AugurImage) b3 = run_json ("{\"type\": \"GaussianBlur\", \"params\": {\"sigma_limit\": [3, 3]}}", src, 1);

  image_stats (src, -1, &m0, &s0);
  image_stats (b1, -1, &m1, &s1);
  image_stats (b3, -1, &m3, &s3);
  g_test_message ("std: %.2f, sigma 1: %.2f, sigma 3: %.2f", s0, s1, s3);
  /* White noise through a 2D Gaussian of sigma s keeps about 1 / (2 s
   * sqrt(pi)) of its standard deviation: 0.28 at 1, 0.09 at 3. */
  g_assert_cmpfloat (s1, <, 0.35 * s0);
  g_assert_cmpfloat (s1, >, 0.20 * s0);
  g_assert_cmpfloat (s3, <, 0.13 * s0);
  g_assert_cmpfloat (s3, <, s1);
  g_assert_cmpfloat_with_epsilon (m1, m0, 1.0);
  g_assert_cmpfloat_with_epsilon (m3, m0, 1.0);
}

/* The reach of the kernel, seen on a one-row image (the vertical pass is
 * then the identity) holding one white pixel. */
static int
impulse_reach (const char *params)
{
  g_autoptr(AugurImage) src = image_gray_level (41, 1, 1, 0);
  g_autofree char *json = g_strdup_printf ("{\"type\": \"GaussianBlur\", \"params\": %s}", params);
  g_autoptr(AugurImage) out = NULL;
  int reach = 0;

  augur_image_row (src, 0)[20] = 255;
  out = run_json (json, src, 1);
  for (int x = 0; x < 41; x++)
    if (augur_image_row (out, 0)[x] != 0)
      reach = MAX (reach, abs (x - 20));
  return reach;
}

static void
test_blur_kernel_size (void)
{
  /* sigma 1, size from sigma: int(3.5) * 2 + 1 = 7 taps. */
  g_assert_cmpint (impulse_reach ("{\"sigma_limit\": [1, 1]}"), ==, 3);
  /* A given size bounds the kernel whatever sigma; even sizes round up. */
  g_assert_cmpint (impulse_reach ("{\"sigma_limit\": [5, 5], \"blur_limit\": [3, 3]}"), ==, 1);
  g_assert_cmpint (impulse_reach ("{\"sigma_limit\": [5, 5], \"blur_limit\": [4, 4]}"), ==, 2);
}

static void
test_blur_border (void)
{
  g_autoptr(AugurImage) src = image_gray_level (9, 1, 1, 0);
  g_autoptr(AugurImage) out = NULL;

  /* Three nearly equal taps: reflect_101 mirrors x = 1 (black) for x = -1,
   * so the corner becomes 255 / 3 (replicating the border would give 170). */
  augur_image_row (src, 0)[0] = 255;
  out = run_json ("{\"type\": \"GaussianBlur\", \"params\": {\"sigma_limit\": [50, 50], \"blur_limit\": [3, 3]}}", src, 1);
  g_assert_cmpint (abs (augur_image_row (out, 0)[0] - 85), <=, 1);
  g_assert_cmpint (abs (augur_image_row (out, 0)[1] - 85), <=, 1);
  g_assert_cmpint (augur_image_row (out, 0)[2], ==, 0);
}

/* GaussNoise -------------------------------------------------------------------------- */

/* Mean and standard deviation of out - in over the colour channels. */
static void
diff_stats (const AugurImage *in,
            const AugurImage *out,
            double           *mean,
            double           *std)
{
  int cc = in->channels == 4 ? 3 : in->channels;
  double sum = 0, sum2 = 0, n = 0;

  for (int y = 0; y < in->height; y++)
    for (int x = 0; x < in->width; x++)
      for (int c = 0; c < cc; c++)
        {
          double d = (double) augur_image_row (out, y)[x * in->channels + c] -
                     augur_image_row (in, y)[x * in->channels + c];

          sum += d;
          sum2 += d * d;
          n++;
        }
  *mean = sum / n;
  *std = sqrt (sum2 / n - *mean * *mean);
}

static void
test_noise_strength (void)
{
  for (int nc = 1; nc <= 4; nc++)
    {
      g_autoptr(AugurNode) node = augur_test_node_parse ("{\"type\": \"GaussNoise\", \"params\": "
                                                         "{\"std_range\": [0.04, 0.12], \"mean_range\": [0.1, 0.1]}}");
      g_autoptr(AugurImage) src = NULL;

      if (nc == 2)
        continue;
      src = image_gray_level (128, 128, nc, 100);

      for (guint64 seed = 1; seed <= 4; seed++)
        {
          g_autoptr(AugurReplay) replay = NULL;
          g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
          double drawn_std = augur_drawn_get (&replay->drawn, "std") * 255;
          double mean, std;

          diff_stats (src, out, &mean, &std);
          g_test_message ("%d channels: drawn std %.2f, measured %.2f, mean %.2f", nc, drawn_std, std, mean);
          g_assert_cmpfloat (drawn_std, >=, 0.04 * 255);
          g_assert_cmpfloat (drawn_std, <=, 0.12 * 255);
          g_assert_cmpfloat (fabs (std - drawn_std), <, 0.1 * drawn_std);
          g_assert_cmpfloat_with_epsilon (mean, 0.1 * 255, 1.0);
        }
    }
}

static void
test_noise_shared_and_scaled (void)
{
  g_autoptr(AugurImage) src = image_gray_level (120, 90, 3, 128);
  g_autoptr(AugurImage) shared = run_json ("{\"type\": \"GaussNoise\", \"params\": "
                                           "{\"per_channel\": false, \"std_range\": [0.1, 0.1]}}", src, 5);
  g_autoptr(AugurImage) separate = run_json ("{\"type\": \"GaussNoise\", \"params\": "
                                             "{\"std_range\": [0.1, 0.1]}}", src, 5);
  g_autoptr(AugurImage) coarse = run_json ("{\"type\": \"GaussNoise\", \"params\": "
                                           "{\"std_range\": [0.1, 0.1], \"noise_scale_factor\": 0.25}}", src, 5);
  gboolean all_same = TRUE, any_differ = FALSE;
  double step_fine = 0, step_coarse = 0, mean, std;

  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      {
        const guint8 *a = augur_image_row (shared, y) + 3 * x;
        const guint8 *b = augur_image_row (separate, y) + 3 * x;

        all_same = all_same && a[0] == a[1] && a[1] == a[2];
        any_differ = any_differ || b[0] != b[1] || b[1] != b[2];
        if (x > 0)
          {
            step_fine += abs (b[0] - b[-3]);
            step_coarse += abs (augur_image_row (coarse, y)[3 * x] - augur_image_row (coarse, y)[3 * x - 3]);
          }
      }
  /* per_channel false: one value a pixel for every channel. */
  g_assert_true (all_same);
  g_assert_true (any_differ);
  /* Noise drawn at a quarter of the size and upscaled varies slowly. */
  g_test_message ("summed steps: fine %.0f, coarse %.0f", step_fine, step_coarse);
  g_assert_cmpfloat (step_coarse, <, 0.5 * step_fine);
  diff_stats (src, coarse, &mean, &std);
  g_assert_cmpfloat (std, >, 5);
}

/* The noise is Gaussian in shape, not only in its first two moments: on a
 * large seeded sample (no clipping: 128 plus or minus 4.3 sigma stays
 * inside 0..255) the fractions within 1, 2 and 3 sigma are the normal's,
 * corrected for the rounding to whole levels, the skewness is near 0, the
 * kurtosis near 3, and the tails reach past 3.5 sigma as often as a
 * normal's do. */
static void
test_noise_gaussian_shape (void)
{
  g_autoptr(AugurImage) src = image_gray_level (512, 512, 3, 128);

  for (guint64 seed = 1; seed <= 2; seed++)
    {
      g_autoptr(AugurNode) node = augur_test_node_parse ("{\"type\": \"GaussNoise\", \"params\": "
                                                         "{\"std_range\": [0.1, 0.1]}}");
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
      double sigma = augur_drawn_get (&replay->drawn, "std") * 255;
      double m1 = 0, m2 = 0, m3 = 0, m4 = 0, n = 0;
      double within[3] = { 0 }, beyond = 0;

      for (int y = 0; y < src->height; y++)
        for (int i = 0; i < src->width * 3; i++)
          {
            double d = (double) augur_image_row (out, y)[i] - augur_image_row (src, y)[i];

            m1 += d;
            m2 += d * d;
            m3 += d * d * d;
            m4 += d * d * d * d;
            for (int k = 1; k <= 3; k++)
              within[k - 1] += fabs (d) <= floor (k * sigma);
            beyond += fabs (d) > 3.5 * sigma;
            n++;
          }
      m1 /= n;
      m2 /= n;
      m3 /= n;
      m4 /= n;

      {
        double var = m2 - m1 * m1;
        double skew = (m3 - 3 * m1 * m2 + 2 * m1 * m1 * m1) / pow (var, 1.5);
        double kurt = (m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 * m1 * m1 * m1) / (var * var);
        /* Tolerances are several standard errors of each estimate. */
        const double tolerance[3] = { 0.006, 0.003, 0.0008 };

        g_test_message ("seed %" G_GUINT64_FORMAT ": sigma %.2f, mean %.3f, std %.3f, skewness %.4f, kurtosis %.4f",
                        seed, sigma, m1, sqrt (var), skew, kurt);
        g_assert_cmpfloat (fabs (m1), <, 0.2);
        g_assert_cmpfloat (fabs (sqrt (var) - sigma), <, 0.02 * sigma);
        g_assert_cmpfloat (fabs (skew), <, 0.03);
        g_assert_cmpfloat (fabs (kurt - 3.0), <, 0.06);

        for (int k = 1; k <= 3; k++)
          {
            /* |d| <= m holds when the noise before rounding lies in
             * [-m - 0.5, m + 0.5). */
            double expected = erf ((floor (k * sigma) + 0.5) / sigma / G_SQRT2);
            double measured = within[k - 1] / n;

            g_test_message ("within %d sigma: %.4f (normal %.4f)", k, measured, expected);
            g_assert_cmpfloat (fabs (measured - expected), <, tolerance[k - 1]);
          }

        /* A normal puts 4.65e-4 of its mass beyond 3.5 sigma. */
        g_test_message ("beyond 3.5 sigma: %.6f", beyond / n);
        g_assert_cmpfloat (beyond / n, >, 0.5 * erfc (3.5 / G_SQRT2));
        g_assert_cmpfloat (beyond / n, <, 1.6 * erfc (3.5 / G_SQRT2));
      }
    }
}

/* CoarseDropout ----------------------------------------------------------------------- */

typedef struct
{
  const char *params;
  int         n_lo, n_hi;
  int         h_lo, h_hi;  /* pixels, on a 160 x 120 image */
  int         w_lo, w_hi;
} DropoutCase;

static const DropoutCase dropout_cases[] = {
  /* Pixels (JSON integers). */
  { "\"num_holes_range\": [2, 5], \"hole_height_range\": [8, 16], \"hole_width_range\": [5, 12]",
    2, 5, 8, 16, 5, 12 },
  /* Fractions (JSON numbers): 0.1-0.2 of 120, 0.05-0.1 of 160, truncated. */
  { "\"num_holes_range\": [1, 4], \"hole_height_range\": [0.1, 0.2], \"hole_width_range\": [0.05, 0.1]",
    1, 4, 12, 24, 8, 16 },
  /* Pixel sizes beyond the image are capped at its side. */
  { "\"num_holes_range\": [1, 1], \"hole_height_range\": [200, 300], \"hole_width_range\": [10, 10]",
    1, 1, 120, 120, 10, 10 },
};

/* Connected regions (4-neighbours) of pixels where @mask is set. */
static int
count_regions (guint8 *mask,
               int     w,
               int     h)
{
  g_autofree int *stack = g_new (int, (gsize) w * h);
  int regions = 0;

  for (int start = 0; start < w * h; start++)
    {
      int top = 0;

      if (mask[start] != 1)
        continue;
      regions++;
      mask[start] = 2;
      stack[top++] = start;
      while (top > 0)
        {
          int i = stack[--top], x = i % w, y = i / w;
          int next[4] = { x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1 };

          for (int k = 0; k < 4; k++)
            if (next[k] >= 0 && mask[next[k]] == 1)
              {
                mask[next[k]] = 2;
                stack[top++] = next[k];
              }
        }
    }
  return regions;
}

static void
test_dropout_holes (gconstpointer data)
{
  const DropoutCase *dc = data;
  static const int fill[3] = { 10, 20, 30 };
  g_autofree char *json = g_strdup_printf ("{\"type\": \"CoarseDropout\", \"params\": {%s, \"fill\": [10, 20, 30]}}",
                                           dc->params);
  g_autoptr(AugurNode) node = augur_test_node_parse (json);
  g_autoptr(JsonNode) written = augur_node_to_json (node);
  g_autoptr(AugurNode) reread = NULL;
  g_autoptr(GError) error = NULL;

  /* Pixel ranges stay integers through a recipe round trip. */
  reread = augur_node_from_json (written, "reread", &error);
  g_assert_no_error (error);
  g_assert_true (augur_node_equal (node, reread));

  for (int nc = 1; nc <= 4; nc++)
    for (guint64 seed = 1; seed <= 8 && nc != 2; seed++)
      {
        g_autoptr(AugurImage) src = image_gray_level (160, 120, nc, 200);
        g_autoptr(AugurReplay) replay = NULL;
        g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
        g_autofree guint8 *inside = g_malloc0 (160 * 120);
        guint n;
        const double *v = augur_drawn_get_list (&replay->drawn, "holes", &n);
        int regions;
        gboolean apart = TRUE;

        g_assert_cmpint (n % 4, ==, 0);
        g_assert_cmpint (n / 4, >=, dc->n_lo);
        g_assert_cmpint (n / 4, <=, dc->n_hi);
        for (guint i = 0; i < n; i += 4)
          {
            int x1 = (int) lrint (v[i] * 160), y1 = (int) lrint (v[i + 1] * 120);
            int x2 = (int) lrint (v[i + 2] * 160), y2 = (int) lrint (v[i + 3] * 120);

            g_assert_cmpint (y2 - y1, >=, dc->h_lo);
            g_assert_cmpint (y2 - y1, <=, dc->h_hi);
            g_assert_cmpint (x2 - x1, >=, dc->w_lo);
            g_assert_cmpint (x2 - x1, <=, dc->w_hi);
            g_assert_cmpint (x1, >=, 0);
            g_assert_cmpint (y1, >=, 0);
            g_assert_cmpint (x2, <=, 160);
            g_assert_cmpint (y2, <=, 120);
            for (int y = y1; y < y2; y++)
              memset (inside + y * 160 + x1, 1, x2 - x1);

            /* Whether every pair of holes is at least a pixel apart. */
            for (guint j = 0; j < i; j += 4)
              {
                int a1 = (int) lrint (v[j] * 160), b1 = (int) lrint (v[j + 1] * 120);
                int a2 = (int) lrint (v[j + 2] * 160), b2 = (int) lrint (v[j + 3] * 120);

                if (a1 <= x2 && x1 <= a2 && b1 <= y2 && y1 <= b2)
                  apart = FALSE;
              }
          }

        /* The pixels: the fill inside the holes, the image outside. */
        for (int y = 0; y < 120; y++)
          for (int x = 0; x < 160; x++)
            {
              const guint8 *p = augur_image_row (out, y) + x * nc;

              for (int c = 0; c < MIN (nc, 3); c++)
                g_assert_cmpint (p[c], ==, inside[y * 160 + x] ? fill[c] : 200);
              if (nc == 4)
                g_assert_cmpint (p[3], ==, 255);
            }

        /* Counted from the picture: as many rectangles as holes, fewer
         * only where holes touch. */
        regions = count_regions (inside, 160, 120);
        g_assert_cmpint (regions, >=, 1);
        g_assert_cmpint (regions, <=, (int) n / 4);
        if (apart)
          g_assert_cmpint (regions, ==, (int) n / 4);
      }
}

static void
test_dropout_fills (void)
{
  const char *one_hole = "\"num_holes_range\": [1, 1], \"hole_height_range\": [30, 30], \"hole_width_range\": [40, 40]";
  g_autoptr(AugurImage) src = image_gray_level (100, 80, 3, 128);
  g_autofree char *uniform_json = g_strdup_printf ("{\"type\": \"CoarseDropout\", \"params\": {%s, \"fill\": \"random_uniform\"}}", one_hole);
  g_autofree char *random_json = g_strdup_printf ("{\"type\": \"CoarseDropout\", \"params\": {%s, \"fill\": \"random\"}}", one_hole);
  g_autofree char *gray_json = g_strdup_printf ("{\"type\": \"CoarseDropout\", \"params\": {%s, \"fill\": 77}}", one_hole);

  for (guint64 seed = 1; seed <= 5; seed++)
    {
      g_autoptr(AugurImage) uniform = run_json (uniform_json, src, seed);
      g_autoptr(AugurImage) random = run_json (random_json, src, seed);
      g_autoptr(AugurImage) gray = run_json (gray_json, src, seed);
      guint8 colour[3] = { 0 };
      gboolean seen = FALSE, seen_values[256] = { FALSE };
      int changed = 0, distinct = 0, gray_count = 0;

      for (int y = 0; y < 80; y++)
        for (int x = 0; x < 100; x++)
          {
            const guint8 *u = augur_image_row (uniform, y) + 3 * x;
            const guint8 *r = augur_image_row (random, y) + 3 * x;
            const guint8 *g = augur_image_row (gray, y) + 3 * x;

            /* random_uniform: one colour over the whole hole. */
            if (u[0] != 128 || u[1] != 128 || u[2] != 128)
              {
                if (!seen)
                  memcpy (colour, u, 3), seen = TRUE;
                g_assert_cmpmem (u, 3, colour, 3);
                changed++;
              }
            if (r[0] != 128 || r[1] != 128 || r[2] != 128)
              for (int c = 0; c < 3; c++)
                seen_values[r[c]] = TRUE;
            if (g[0] == 77 && g[1] == 77 && g[2] == 77)
              gray_count++;
          }
      for (int i = 0; i < 256; i++)
        distinct += seen_values[i];

      /* Almost surely not the background colour: the whole hole changed. */
      g_assert_cmpint (changed, ==, 30 * 40);
      /* random: per-pixel values, nearly every byte value appears. */
      g_assert_cmpint (distinct, >, 200);
      /* A single number fills every colour channel. */
      g_assert_cmpint (gray_count, ==, 30 * 40);
    }
}

static void
test_dropout_inpaint (void)
{
  static const struct { const char *fill; double max_error; } fills[] = {
    { "inpaint_telea", 8.0 },
    { "inpaint_ns", 4.0 },
  };
  g_autoptr(AugurImage) src = augur_image_new (128, 96, 3);

  /* A smooth diagonal ramp, which a border fill should continue. */
  for (int y = 0; y < 96; y++)
    for (int x = 0; x < 128; x++)
      for (int c = 0; c < 3; c++)
        augur_image_row (src, y)[3 * x + c] = (guint8) (x + y + 20 * c);

  for (guint i = 0; i < G_N_ELEMENTS (fills); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"type\": \"CoarseDropout\", \"params\": {\"num_holes_range\": [1, 1], "
        "\"hole_height_range\": [24, 24], \"hole_width_range\": [30, 30], \"fill\": \"%s\"}}", fills[i].fill);
      g_autoptr(AugurImage) out = run_json (json, src, 3);
      g_autoptr(AugurImage) zero = NULL;
      double error = 0;

      for (int y = 0; y < 96; y++)
        for (int i2 = 0; i2 < 128 * 3; i2++)
          error += fabs ((double) augur_image_row (out, y)[i2] - augur_image_row (src, y)[i2]);
      /* Over the hole's 720 pixels. */
      error /= 24 * 30 * 3;
      g_test_message ("%s: mean error in the hole %.2f", fills[i].fill, error);
      g_assert_cmpfloat (error, <, fills[i].max_error);

      /* The same hole filled with 0 is far off: the fill did something. */
      zero = run_json ("{\"type\": \"CoarseDropout\", \"params\": {\"num_holes_range\": [1, 1], "
                       "\"hole_height_range\": [24, 24], \"hole_width_range\": [30, 30]}}", src, 3);
      g_assert_cmpfloat (augur_test_mean_difference (zero, src), >,
                         10 * augur_test_mean_difference (out, src));
    }
}

/* ImageCompression -------------------------------------------------------------------- */

/* Colour ramps with a gray checkerboard over them: luma edges for the
 * codec to smear, and colours smooth enough for chroma subsampling. */
static AugurImage *
image_texture (int width,
               int height,
               int channels)
{
  g_autoptr(AugurImage) scene = image_scene (width, height, channels, 6);
  AugurImage *image = augur_image_copy (scene);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = augur_image_row (image, y) + x * channels;
        int r = 40 + 150 * x / width, g = 40 + 150 * y / height, b = 120;
        int check = (x / 4 + y / 4) % 2 ? 30 : -30;

        if (channels == 1)
          p[0] = (guint8) (g + check);
        else
          p[0] = (guint8) (r + check), p[1] = (guint8) (g + check), p[2] = (guint8) (b + check);
      }
  return image;
}

static void
test_compression (gconstpointer data)
{
  const char *type = data;

  if (g_str_equal (type, "webp") && !augur_image_format_available (AUGUR_IMAGE_FORMAT_WEBP))
    {
      g_test_skip ("no WebP encoder");
      return;
    }

  for (int nc = 1; nc <= 4; nc++)
    {
      g_autoptr(AugurImage) src = NULL;
      g_autofree char *best_json = g_strdup_printf ("{\"type\": \"ImageCompression\", \"params\": "
                                                    "{\"compression_type\": \"%s\", \"quality_range\": [100, 100]}}", type);
      g_autofree char *worst_json = g_strdup_printf ("{\"type\": \"ImageCompression\", \"params\": "
                                                     "{\"compression_type\": \"%s\", \"quality_range\": [5, 5]}}", type);
      g_autoptr(AugurImage) best = NULL;
      g_autoptr(AugurImage) worst = NULL;
      double d_best, d_worst;

      if (nc == 2)
        continue;
      src = image_texture (96, 64, nc);
      best = run_json (best_json, src, 1);
      worst = run_json (worst_json, src, 1);

      g_assert_cmpint (best->channels, ==, nc);
      g_assert_cmpint (worst->channels, ==, nc);
      if (nc == 4)
        {
          /* The codec never sees alpha: it comes back exactly. */
          g_assert_true (alpha_equal (src, best));
          g_assert_true (alpha_equal (src, worst));
        }

      d_best = augur_test_mean_difference (best, src);
      d_worst = augur_test_mean_difference (worst, src);
      g_test_message ("%s, %d channels: mean difference %.2f at quality 100, %.2f at 5", type, nc, d_best, d_worst);
      if (nc == 4)
        {
          /* Alpha (a quarter of the bytes) is unchanged: scale to colour. */
          d_best *= 4.0 / 3.0;
          d_worst *= 4.0 / 3.0;
        }
      g_assert_cmpfloat (d_best, <, 2.0);
      g_assert_cmpfloat (d_worst, >, 4.0);
      g_assert_cmpfloat (d_worst, >, 3 * d_best);
    }
}

static void
test_compression_quality_drawn (void)
{
  g_autoptr(AugurNode) node = augur_test_node_parse ("{\"type\": \"ImageCompression\", \"params\": {\"quality_range\": [30, 34]}}");
  g_autoptr(AugurImage) src = image_scene (16, 16, 3, 1);
  gboolean seen[5] = { FALSE };

  for (guint64 seed = 0; seed < 60; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
      double q = augur_drawn_get (&replay->drawn, "quality");

      g_assert_cmpfloat (q, ==, floor (q));
      g_assert_cmpfloat (q, >=, 30);
      g_assert_cmpfloat (q, <=, 34);
      seen[(int) q - 30] = TRUE;
    }
  for (int i = 0; i < 5; i++)
    g_assert_true (seen[i]);

  g_assert_true (augur_test_node_refused ("{\"type\": \"ImageCompression\", \"params\": {\"quality_range\": [0, 50]}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"ImageCompression\", \"params\": {\"compression_type\": \"png\"}}"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *p0 = g_strdup_printf ("/pixel/generic/%u/p0", i);
      g_autofree char *det = g_strdup_printf ("/pixel/generic/%u/deterministic-replay", i);
      g_autofree char *alpha = g_strdup_printf ("/pixel/generic/%u/alpha", i);
      g_autofree char *tiny = g_strdup_printf ("/pixel/generic/%u/tiny", i);

      g_test_add_data_func (p0, &cases[i], test_never_at_p0);
      g_test_add_data_func (det, &cases[i], test_deterministic_and_replay);
      g_test_add_data_func (alpha, &cases[i], test_alpha_kept);
      g_test_add_data_func (tiny, &cases[i], test_tiny_images);
      {
        g_autofree char *padded = g_strdup_printf ("/pixel/generic/%u/padded-rows", i);

        g_test_add_data_func (padded, &cases[i], test_padded_rows);
      }
    }
  g_test_add_func ("/pixel/replay-validated", test_replay_validated);
  g_test_add_func ("/pixel/replay-odd-holes", test_replay_odd_holes);
  g_test_add_func ("/pixel/replay-limits", test_replay_limits);
  g_test_add_func ("/pixel/pipeline-replay", test_pipeline_replay);
  g_test_add_func ("/pixel/rbc/brightness", test_brightness);
  g_test_add_func ("/pixel/rbc/contrast", test_contrast);
  g_test_add_func ("/pixel/rbc/by-mean-and-safe", test_brightness_by_mean_and_safe);
  g_test_add_func ("/pixel/rbc/exact", test_brightness_contrast_exact);
  g_test_add_func ("/pixel/hsv/hue", test_hue_shift);
  g_test_add_func ("/pixel/hsv/sat-val", test_hsv_sat_val);
  g_test_add_func ("/pixel/hsv/matches-reference", test_hsv_matches_reference);
  g_test_add_func ("/pixel/to-gray/methods", test_to_gray);
  g_test_add_func ("/pixel/to-gray/weighted-exact", test_to_gray_weighted_exact);
  g_test_add_func ("/pixel/to-gray/pca-gray-input", test_to_gray_pca_and_gray_input);

  g_test_add_func ("/pixel/blur/flat", test_blur_flat);
  g_test_add_func ("/pixel/blur/smooths", test_blur_smooths);
  g_test_add_func ("/pixel/blur/kernel-size", test_blur_kernel_size);
  g_test_add_func ("/pixel/blur/border", test_blur_border);
  g_test_add_func ("/pixel/noise/strength", test_noise_strength);
  g_test_add_func ("/pixel/noise/shared-scaled", test_noise_shared_and_scaled);
  g_test_add_func ("/pixel/noise/gaussian-shape", test_noise_gaussian_shape);
  for (guint i = 0; i < G_N_ELEMENTS (dropout_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pixel/dropout/holes/%u", i);

      g_test_add_data_func (path, &dropout_cases[i], test_dropout_holes);
    }
  g_test_add_func ("/pixel/dropout/fills", test_dropout_fills);
  g_test_add_func ("/pixel/dropout/inpaint", test_dropout_inpaint);
  g_test_add_data_func ("/pixel/compression/jpeg", "jpeg", test_compression);
  g_test_add_data_func ("/pixel/compression/webp", "webp", test_compression);
  g_test_add_func ("/pixel/compression/quality-drawn", test_compression_quality_drawn);

  return g_test_run ();
}
