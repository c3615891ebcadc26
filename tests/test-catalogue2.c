/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-pipeline.h"
#include "augur-strips.h"
#include "augur-transform.h"

#include "augur-test-util.h"

/* The second catalogue's colour, blur, sharpen and texture transforms as a
 * whole: each applies with its defaults to gray, RGB and RGBA (alpha left
 * alone), replays to the same pixels, and, where Albumentations 2.0.8's
 * own output is at hand, lands within its stated tolerance of it. */

static const char *const catalogue[] = {
  "ColorJitter", "RGBShift", "ChannelShuffle", "ChannelDropout", "ToSepia", "InvertImg",
  "Solarize", "Posterize", "Equalize", "CLAHE", "RandomGamma", "RandomToneCurve",
  "AutoContrast", "FancyPCA", "PlanckianJitter", "Illumination",
  "Blur", "MotionBlur", "MedianBlur", "GlassBlur", "Defocus", "ZoomBlur", "AdvancedBlur",
  "Sharpen", "UnsharpMask", "Emboss", "Superpixels", "Morphological",
};

/* Smooth ramps, a checker and noise: something for every transform to act on. */
static AugurImage *
scene_image (int     width,
             int     height,
             int     channels,
             guint64 seed)
{
  AugurImage *image = augur_image_new (width, height, channels);
  AugurRng rng;

  augur_rng_init (&rng, seed);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < channels; c++)
        {
          int v = c == 3 ? (int) augur_rng_int (&rng, 0, 255)
                         : (x * (c + 1) * 7 + y * 5) % 200 + ((x / 4 + y / 4) % 2) * 40 +
                           (int) augur_rng_int (&rng, 0, 15);

          augur_image_row (image, y)[x * channels + c] = (guint8) MIN (v, 255);
        }
  return image;
}

static void
test_defaults_every_format (gconstpointer data)
{
  const char *name = data;
  g_autoptr(AugurNode) node = augur_test_leaf (name);

  for (int channels = 1; channels <= 4; channels++)
    {
      g_autoptr(AugurImage) src = NULL;

      if (channels == 2)
        continue;
      src = scene_image (53, 41, channels, 7 + channels);
      for (guint64 seed = 1; seed <= 4; seed++)
        {
          g_autoptr(AugurReplay) replay = NULL;
          g_autoptr(AugurReplay) back = NULL;
          g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
          g_autoptr(AugurImage) again = NULL;

          g_assert_cmpint (out->width, ==, src->width);
          g_assert_cmpint (out->height, ==, src->height);
          g_assert_cmpint (out->channels, ==, src->channels);
          if (channels == 4)
            for (int y = 0; y < src->height; y++)
              for (int x = 0; x < src->width; x++)
                g_assert_cmpint (augur_test_pixel (out, x, y, 3), ==, augur_test_pixel (src, x, y, 3));

          /* The replay, written and read back, gives the same pixels. */
          back = augur_test_replay_round_trip (node, replay, FALSE);
          again = augur_node_apply (node, src, back);
          g_assert_true (augur_image_equal (again, out));
        }
    }
}

/* Runs @node on a small RGBA image and a 1 x 1 gray one: the shape is
 * kept, whatever the parameters. */
static void
assert_runs (const AugurNode *node)
{
  g_autoptr(AugurImage) rgba = scene_image (23, 17, 4, 3);
  g_autoptr(AugurImage) dot = augur_test_flat_image (1, 1, 1, 90);

  for (guint64 seed = 1; seed <= 2; seed++)
    {
      g_autoptr(AugurImage) a = augur_test_run_forced (node, rgba, seed, NULL);
      g_autoptr(AugurImage) b = augur_test_run_forced (node, dot, seed, NULL);

      g_assert_cmpint (a->width, ==, 23);
      g_assert_cmpint (a->height, ==, 17);
      g_assert_cmpint (a->channels, ==, 4);
      g_assert_cmpint (b->width * b->height * b->channels, ==, 1);
    }
}

/* Each parameter in turn at its hard limits (every nick of an enum, both
 * values of a boolean), the others at their defaults. */
static void
test_hard_limits (gconstpointer data)
{
  const char *name = data;
  const AugurTransformInfo *info = augur_transform_lookup (name);

  for (guint i = 0; i < info->n_params; i++)
    {
      const AugurParamSpec *spec = &info->params[i];
      int count = spec->type == AUGUR_PARAM_ENUM ? (int) g_strv_length ((char **) spec->nicks) : 2;

      for (int end = 0; end < count; end++)
        {
          g_autoptr(AugurNode) node = augur_test_leaf (name);
          AugurValue *v = &node->params[i];
          double at = end == 0 ? spec->min : spec->max;

          switch (spec->type)
            {
            case AUGUR_PARAM_ENUM:
              v->nick = (gint8) end;
              break;
            case AUGUR_PARAM_BOOL:
              v->v[0] = end;
              break;
            case AUGUR_PARAM_INT:
            case AUGUR_PARAM_NUMBER:
              if (spec->flags & AUGUR_PARAM_NULLABLE)
                v->is_null = end == 0;
              v->v[0] = at;
              break;
            case AUGUR_PARAM_RANGE:
            case AUGUR_PARAM_INT_RANGE:
            case AUGUR_PARAM_SIZE:
              v->v[0] = v->v[1] = at;
              break;
            default:
              continue;
            }
          if (info->check != NULL && !info->check (node->params, NULL))
            continue;
          assert_runs (node);
        }
    }
}

/* Albumentations 2.0.8 on samples/chelsea.png (tests/data/albumentations-2.0.8,
 * from its reference set): each call, the Augur step of the same meaning,
 * and the mean absolute difference allowed. */
typedef struct
{
  const char *file;
  const char *json;
  double      tolerance;
} Reference;

static const Reference references[] = {
  { "Blur_7.png", "{\"type\": \"Blur\", \"params\": {\"blur_limit\": [7, 7]}}", 0.6 },
  { "MedianBlur_5.png", "{\"type\": \"MedianBlur\", \"params\": {\"blur_limit\": [5, 5]}}", 0.05 },
  { "Sharpen_a0.7_l0.8.png", "{\"type\": \"Sharpen\", \"params\": {\"alpha\": [0.7, 0.7], \"lightness\": [0.8, 0.8]}}", 1.0 },
  { "Emboss_a0.6_s0.8.png", "{\"type\": \"Emboss\", \"params\": {\"alpha\": [0.6, 0.6], \"strength\": [0.8, 0.8]}}", 1.0 },
  { "UnsharpMask_5_s1_a0.5_t10.png", "{\"type\": \"UnsharpMask\", \"params\": {\"blur_limit\": [5, 5], "
    "\"sigma_limit\": [1, 1], \"alpha\": [0.5, 0.5], \"threshold\": 10}}", 1.0 },
  { "Defocus_r5_a0.2.png", "{\"type\": \"Defocus\", \"params\": {\"radius\": [5, 5], \"alias_blur\": [0.2, 0.2]}}", 1.5 },
  { "ZoomBlur_1.1_0.02.png", "{\"type\": \"ZoomBlur\", \"params\": {\"max_factor\": [1.1, 1.1], "
    "\"step_factor\": [0.02, 0.02]}}", 1.5 },
  { "Morphological_dilation_3.png", "{\"type\": \"Morphological\", \"params\": {\"scale\": [3, 3], "
    "\"operation\": \"dilation\"}}", 0.05 },
  { "Morphological_erosion_5.png", "{\"type\": \"Morphological\", \"params\": {\"scale\": [5, 5], "
    "\"operation\": \"erosion\"}}", 0.05 },
  { "InvertImg.png", "{\"type\": \"InvertImg\"}", 0.01 },
  { "Solarize_0.4.png", "{\"type\": \"Solarize\", \"params\": {\"threshold_range\": [0.4, 0.4]}}", 0.6 },
  { "Posterize_4.png", "{\"type\": \"Posterize\", \"params\": {\"num_bits\": [4, 4]}}", 0.01 },
  { "Equalize_cv.png", "{\"type\": \"Equalize\", \"params\": {\"mode\": \"cv\"}}", 1.0 },
  { "Equalize_pil.png", "{\"type\": \"Equalize\", \"params\": {\"mode\": \"pil\"}}", 1.0 },
  { "Equalize_cv_by_channels_false.png", "{\"type\": \"Equalize\", \"params\": {\"mode\": \"cv\", "
    "\"by_channels\": false}}", 1.0 },
  { "CLAHE_c3_t4.png", "{\"type\": \"CLAHE\", \"params\": {\"clip_limit\": [3, 3], \"tile_grid_size\": [4, 4]}}", 1.5 },
  { "RandomGamma_80.png", "{\"type\": \"RandomGamma\", \"params\": {\"gamma_limit\": [80, 80]}}", 0.6 },
  { "RandomGamma_150.png", "{\"type\": \"RandomGamma\", \"params\": {\"gamma_limit\": [150, 150]}}", 0.6 },
  { "ToSepia.png", "{\"type\": \"ToSepia\"}", 1.0 },
  { "AutoContrast.png", "{\"type\": \"AutoContrast\"}", 1.0 },
  { "ToGray_weighted_average.png", "{\"type\": \"ToGray\", \"params\": {\"method\": \"weighted_average\"}}", 0.6 },
  { "ToGray_from_lab.png", "{\"type\": \"ToGray\", \"params\": {\"method\": \"from_lab\"}}", 1.0 },
  { "ToGray_desaturation.png", "{\"type\": \"ToGray\", \"params\": {\"method\": \"desaturation\"}}", 0.6 },
  { "ToGray_average.png", "{\"type\": \"ToGray\", \"params\": {\"method\": \"average\"}}", 0.6 },
  { "ToGray_max.png", "{\"type\": \"ToGray\", \"params\": {\"method\": \"max\"}}", 0.6 },
  { "ToGray_pca.png", "{\"type\": \"ToGray\", \"params\": {\"method\": \"pca\"}}", 1.5 },
  { "RGBShift_20_-10_5.png", "{\"type\": \"RGBShift\", \"params\": {\"r_shift_limit\": [20, 20], "
    "\"g_shift_limit\": [-10, -10], \"b_shift_limit\": [5, 5]}}", 0.6 },
};

static void
test_reference (gconstpointer data)
{
  const Reference *ref = data;
  const char *source = g_getenv ("AUGUR_SOURCE_DIR");
  g_autofree char *input_path = NULL;
  g_autofree char *ref_path = NULL;
  g_autoptr(AugurImage) input = NULL;
  g_autoptr(AugurImage) want = NULL;
  g_autoptr(AugurImage) got = NULL;
  g_autoptr(AugurNode) node = NULL;
  g_autoptr(GError) error = NULL;
  double diff;

  if (source == NULL)
    {
      g_test_skip ("AUGUR_SOURCE_DIR is not set");
      return;
    }
  input_path = g_build_filename (source, "data", "samples", "chelsea.png", NULL);
  ref_path = g_build_filename (source, "tests", "data", "albumentations-2.0.8", ref->file, NULL);
  input = augur_image_load (input_path, 0, &error);
  g_assert_no_error (error);
  want = augur_image_load (ref_path, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (input->channels, ==, 3);

  node = augur_test_node_parse (ref->json);
  got = augur_test_run_forced (node, input, 1, NULL);
  g_assert_cmpint (got->width, ==, want->width);
  g_assert_cmpint (got->height, ==, want->height);
  g_assert_cmpint (got->channels, ==, want->channels);
  diff = augur_test_mean_difference (got, want);
  g_test_message ("%s: mean absolute difference %.4f (allowed %.2f)", ref->file, diff, ref->tolerance);
  g_assert_cmpfloat (diff, <=, ref->tolerance);
}

/* The pixel transforms that run in strips (augur-strips.h), with settings
 * that reach each loop: one table and three, gray as well. */
static const char *const strip_steps[] = {
  "{\"type\": \"ToSepia\"}",
  "{\"type\": \"InvertImg\"}",
  "{\"type\": \"Posterize\"}",
  "{\"type\": \"RandomGamma\"}",
  "{\"type\": \"Solarize\"}",
  "{\"type\": \"RandomToneCurve\", \"params\": {\"per_channel\": true}}",
  "{\"type\": \"MedianBlur\", \"params\": {\"blur_limit\": [3, 3]}}",
  "{\"type\": \"MedianBlur\", \"params\": {\"blur_limit\": [5, 5]}}",
  "{\"type\": \"Morphological\", \"params\": {\"scale\": [5, 5]}}",
  "{\"type\": \"Sharpen\"}",
  "{\"type\": \"MotionBlur\"}",
};

/* Each of them on an image large enough for helper threads: the bytes
 * with 2 and 3 threads are those of 1 thread, and helpers did run (on
 * colour). */
static void
test_strips_same_bytes (gconstpointer data)
{
  const char *json = data;
  g_autoptr(AugurNode) node = augur_test_node_parse (json);

  for (int channels = 1; channels <= 3; channels += 2)
    {
      g_autoptr(AugurImage) src = scene_image (1500, 900, channels, 4);
      g_autoptr(AugurImage) one = NULL;

      augur_strips_set_max_threads (1);
      one = augur_test_run_forced (node, src, 9, NULL);
      for (int threads = 2; threads <= 3; threads++)
        {
          guint before = augur_strips_helpers_started ();
          g_autoptr(AugurImage) many = NULL;

          augur_strips_set_max_threads (threads);
          many = augur_test_run_forced (node, src, 9, NULL);
          /* (ToSepia leaves gray alone, without strips) */
          if (channels == 3)
            g_assert_cmpuint (augur_strips_helpers_started (), >, before);
          g_assert_true (augur_image_equal (one, many));
        }
      augur_strips_set_max_threads (0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (catalogue); i++)
    {
      g_autofree char *path = g_strdup_printf ("/catalogue2/defaults/%s", catalogue[i]);

      g_assert_nonnull (augur_transform_lookup (catalogue[i]));
      g_autofree char *limits = g_strdup_printf ("/catalogue2/limits/%s", catalogue[i]);

      g_test_add_data_func (path, catalogue[i], test_defaults_every_format);
      g_test_add_data_func (limits, catalogue[i], test_hard_limits);
    }
  for (guint i = 0; i < G_N_ELEMENTS (references); i++)
    {
      g_autofree char *path = g_strdup_printf ("/catalogue2/albumentations/%s", references[i].file);

      g_test_add_data_func (path, &references[i], test_reference);
    }

  for (guint i = 0; i < G_N_ELEMENTS (strip_steps); i++)
    {
      g_autofree char *path = g_strdup_printf ("/catalogue2/strips/%u", i);

      g_test_add_data_func (path, strip_steps[i], test_strips_same_bytes);
    }

  return g_test_run ();
}
