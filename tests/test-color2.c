/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-pipeline.h"

#include "augur-test-util.h"

/* The colour and tone transforms of the second catalogue, each checked by
 * what it means. */

/* Helpers ---------------------------------------------------------------------- */

static AugurImage *
run_json (const char       *json,
          const AugurImage *src,
          guint64           seed,
          AugurReplay     **replay)
{
  g_autoptr(AugurNode) node = augur_test_node_parse (json);

  return augur_test_run_forced (node, src, seed, replay);
}

static double
channel_mean (const AugurImage *image,
              int               c)
{
  double sum = 0;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      sum += augur_test_pixel (image, x, y, c);
  return sum / ((double) image->width * image->height);
}

static double
channel_std (const AugurImage *image,
             int               c,
             int               x0,
             int               x1)
{
  double sum = 0, sum2 = 0, n = 0;

  for (int y = 0; y < image->height; y++)
    for (int x = x0; x < x1; x++)
      {
        double v = augur_test_pixel (image, x, y, c);

        sum += v;
        sum2 += v * v;
        n++;
      }
  return sqrt (MAX (sum2 / n - (sum / n) * (sum / n), 0));
}

/* A one-row gray ramp 0..255 (as @channels equal channels). */
static AugurImage *
ramp_image (int channels)
{
  AugurImage *image = augur_image_new (256, 1, channels);

  for (int x = 0; x < 256; x++)
    for (int c = 0; c < channels; c++)
      augur_image_row (image, 0)[x * channels + c] = (guint8) (c == 3 ? 200 : x);
  return image;
}

/* ColorJitter ------------------------------------------------------------------- */

static void
test_color_jitter_brightness (void)
{
  for (int channels = 1; channels <= 3; channels += 2)
    {
      g_autoptr(AugurImage) src = augur_test_noise_image (48, 32, channels, 20, 120, 5);
      g_autoptr(AugurImage) out = run_json ("{\"type\": \"ColorJitter\", \"params\": {\"brightness\": [1.5, 1.5], "
                                            "\"contrast\": [1, 1], \"saturation\": [1, 1], \"hue\": [0, 0]}}",
                                            src, 1, NULL);

      for (int c = 0; c < channels; c++)
        g_assert_cmpfloat_with_epsilon (channel_mean (out, c), 1.5 * channel_mean (src, c), 0.6);
    }
}

static void
test_color_jitter_saturation_zero (void)
{
  g_autoptr(AugurImage) src = augur_test_noise_image (40, 30, 3, 0, 255, 8);
  g_autoptr(AugurImage) out = run_json ("{\"type\": \"ColorJitter\", \"params\": {\"brightness\": [1, 1], "
                                        "\"contrast\": [1, 1], \"saturation\": [0, 0], \"hue\": [0, 0]}}",
                                        src, 3, NULL);

  /* Saturation 0 leaves each pixel's own gray level in all three channels. */
  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      {
        int r = augur_test_pixel (src, x, y, 0), g = augur_test_pixel (src, x, y, 1);
        int b = augur_test_pixel (src, x, y, 2);
        double luma = 0.299 * r + 0.587 * g + 0.114 * b;

        for (int c = 0; c < 3; c++)
          g_assert_cmpfloat (fabs (augur_test_pixel (out, x, y, c) - luma), <=, 1.0);
      }
}

static void
test_color_jitter_contrast_zero (void)
{
  g_autoptr(AugurImage) src = augur_test_noise_image (40, 30, 1, 30, 200, 9);
  g_autoptr(AugurImage) out = run_json ("{\"type\": \"ColorJitter\", \"params\": {\"brightness\": [1, 1], "
                                        "\"contrast\": [0, 0], \"saturation\": [1, 1], \"hue\": [0, 0]}}",
                                        src, 3, NULL);
  int mean = (int) lrint (channel_mean (src, 0));

  /* Contrast 0 collapses the image to its mean. */
  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      g_assert_cmpint (abs (augur_test_pixel (out, x, y, 0) - mean), <=, 1);
}

static void
test_color_jitter_hue_half_turn (void)
{
  int red[3] = { 200, 40, 40 };
  g_autoptr(AugurImage) src = augur_test_fill_image (8, 8, 3, red);
  g_autoptr(AugurImage) out = run_json ("{\"type\": \"ColorJitter\", \"params\": {\"brightness\": [1, 1], "
                                        "\"contrast\": [1, 1], \"saturation\": [1, 1], \"hue\": [0.5, 0.5]}}",
                                        src, 3, NULL);

  /* Half a turn takes red to cyan, keeping value and saturation. */
  g_assert_cmpint (abs (augur_test_pixel (out, 3, 3, 0) - 40), <=, 2);
  g_assert_cmpint (abs (augur_test_pixel (out, 3, 3, 1) - 200), <=, 2);
  g_assert_cmpint (abs (augur_test_pixel (out, 3, 3, 2) - 200), <=, 2);
}

/* RGBShift ------------------------------------------------------------------------ */

static void
test_rgb_shift_means (void)
{
  g_autoptr(AugurImage) src = augur_test_noise_image (40, 30, 3, 50, 200, 2);

  for (guint64 seed = 1; seed <= 5; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = run_json ("{\"type\": \"RGBShift\"}", src, seed, &replay);
      const char *names[] = { "r_shift", "g_shift", "b_shift" };

      for (int c = 0; c < 3; c++)
        {
          double shift = augur_drawn_get (&replay->drawn, names[c]);

          g_assert_cmpfloat (fabs (shift), <=, 20);
          /* No clipping in 50..200: every pixel moves by the shift, rounded. */
          g_assert_cmpfloat_with_epsilon (channel_mean (out, c) - channel_mean (src, c), shift, 0.51);
        }
    }
}

/* ChannelShuffle ------------------------------------------------------------------- */

static void
test_channel_shuffle_permutes (void)
{
  g_autoptr(AugurImage) src = augur_test_random_image (20, 10, 4, 6);
  gboolean moved = FALSE;

  for (guint64 seed = 1; seed <= 8; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = run_json ("{\"type\": \"ChannelShuffle\"}", src, seed, &replay);
      guint n = 0;
      const double *perm = augur_drawn_get_list (&replay->drawn, "channels_shuffled", &n);
      gboolean seen[3] = { FALSE, FALSE, FALSE };

      g_assert_cmpuint (n, ==, 3);
      for (int c = 0; c < 3; c++)
        {
          seen[(int) perm[c]] = TRUE;
          moved |= (int) perm[c] != c;
        }
      g_assert_true (seen[0] && seen[1] && seen[2]);

      for (int y = 0; y < src->height; y++)
        for (int x = 0; x < src->width; x++)
          {
            for (int c = 0; c < 3; c++)
              g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, augur_test_pixel (src, x, y, (int) perm[c]));
            g_assert_cmpint (augur_test_pixel (out, x, y, 3), ==, augur_test_pixel (src, x, y, 3));
          }
    }
  g_assert_true (moved);
}

/* ChannelDropout ------------------------------------------------------------------- */

static void
test_channel_dropout_drawn_channels (void)
{
  g_autoptr(AugurImage) src = augur_test_noise_image (20, 10, 3, 100, 200, 4);

  for (guint64 seed = 1; seed <= 6; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = run_json ("{\"type\": \"ChannelDropout\", \"params\": "
                                            "{\"channel_drop_range\": [1, 2], \"fill\": 77}}",
                                            src, seed, &replay);
      guint n = 0;
      const double *dropped = augur_drawn_get_list (&replay->drawn, "channels", &n);
      gboolean is_dropped[3] = { FALSE, FALSE, FALSE };

      g_assert_cmpuint (n, >=, 1);
      g_assert_cmpuint (n, <=, 2);
      for (guint i = 0; i < n; i++)
        is_dropped[(int) dropped[i]] = TRUE;
      for (int y = 0; y < src->height; y++)
        for (int x = 0; x < src->width; x++)
          for (int c = 0; c < 3; c++)
            g_assert_cmpint (augur_test_pixel (out, x, y, c), ==,
                             is_dropped[c] ? 77 : augur_test_pixel (src, x, y, c));
    }
}

/* ToSepia --------------------------------------------------------------------- */

static void
test_sepia_matrix_on_ramp (void)
{
  g_autoptr(AugurImage) src = ramp_image (3);
  g_autoptr(AugurImage) out = run_json ("{\"type\": \"ToSepia\"}", src, 1, NULL);
  const double row_sums[3] = { 0.393 + 0.769 + 0.189, 0.349 + 0.686 + 0.168, 0.272 + 0.534 + 0.131 };

  for (int x = 0; x < 256; x++)
    for (int c = 0; c < 3; c++)
      {
        double want = MIN (x * row_sums[c], 255);

        g_assert_cmpfloat (fabs (augur_test_pixel (out, x, 0, c) - want), <=, 1.0);
      }
}

/* InvertImg and Solarize ------------------------------------------------------------ */

static void
test_invert_twice_identity (void)
{
  g_autoptr(AugurImage) src = augur_test_random_image (33, 17, 3, 12);
  g_autoptr(AugurImage) once = run_json ("{\"type\": \"InvertImg\"}", src, 1, NULL);
  g_autoptr(AugurImage) twice = run_json ("{\"type\": \"InvertImg\"}", once, 1, NULL);

  g_assert_cmpint (augur_test_pixel (once, 5, 5, 1), ==, 255 - augur_test_pixel (src, 5, 5, 1));
  g_assert_true (augur_image_equal (twice, src));
}

static void
test_solarize_thresholds (void)
{
  g_autoptr(AugurImage) src = ramp_image (1);
  g_autoptr(AugurImage) all = run_json ("{\"type\": \"Solarize\", \"params\": {\"threshold_range\": [0, 0]}}",
                                        src, 1, NULL);
  g_autoptr(AugurImage) half = run_json ("{\"type\": \"Solarize\"}", src, 1, NULL);
  g_autoptr(AugurImage) inverted = run_json ("{\"type\": \"InvertImg\"}", src, 1, NULL);

  /* Threshold 0: every pixel inverted. */
  g_assert_true (augur_image_equal (all, inverted));
  /* The default 0.5: below 127.5 kept, at or above inverted. */
  for (int x = 0; x < 256; x++)
    g_assert_cmpint (augur_test_pixel (half, x, 0, 0), ==, x < 128 ? x : 255 - x);
}

/* Posterize -------------------------------------------------------------------- */

static void
test_posterize_levels (void)
{
  g_autoptr(AugurImage) src = augur_test_random_image (64, 64, 3, 3);

  for (int bits = 1; bits <= 7; bits++)
    {
      g_autofree char *json = g_strdup_printf ("{\"type\": \"Posterize\", \"params\": {\"num_bits\": [%d, %d]}}",
                                               bits, bits);
      g_autoptr(AugurImage) out = run_json (json, src, 1, NULL);

      for (int c = 0; c < 3; c++)
        {
          gboolean seen[256] = { FALSE };
          int levels = 0;

          for (int y = 0; y < out->height; y++)
            for (int x = 0; x < out->width; x++)
              {
                int v = augur_test_pixel (out, x, y, c), s = augur_test_pixel (src, x, y, c);

                g_assert_cmpint (v, <=, s);
                g_assert_cmpint (s - v, <, 1 << (8 - bits));
                if (!seen[v])
                  levels++;
                seen[v] = TRUE;
              }
          g_assert_cmpint (levels, <=, 1 << bits);
        }
    }
}

/* Equalize -------------------------------------------------------------------- */

/* The largest distance between the output's cumulative distribution and the
 * straight line a flat histogram gives. */
static double
cdf_flatness (const AugurImage *image,
              int               c)
{
  guint64 hist[256] = { 0 }, acc = 0;
  double n = (double) image->width * image->height, worst = 0;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      hist[augur_test_pixel (image, x, y, c)]++;
  for (int v = 0; v < 256; v++)
    {
      acc += hist[v];
      if (hist[v])
        worst = MAX (worst, fabs (acc / n - (v + 1) / 256.0));
    }
  return worst;
}

static void
test_equalize_flattens (void)
{
  const char *modes[] = { "cv", "pil" };

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      /* Low contrast: 32 levels around 100, far from flat. */
      g_autoptr(AugurImage) src = augur_test_noise_image (64, 64, 3, 100, 131, 21);
      g_autofree char *json = g_strdup_printf ("{\"type\": \"Equalize\", \"params\": {\"mode\": \"%s\"}}", modes[m]);
      g_autoptr(AugurImage) out = run_json (json, src, 1, NULL);

      g_assert_cmpfloat (cdf_flatness (src, 0), >, 0.3);
      /* 32 input levels: each holds about 1/32 of the pixels, so a flat
       * histogram is one within about two levels' share of the line. */
      for (int c = 0; c < 3; c++)
        {
          g_assert_cmpfloat (cdf_flatness (out, c), <, 0.07);
          g_assert_cmpfloat (channel_std (out, c, 0, out->width), >, 60);
        }
    }
}

static void
test_equalize_luma_keeps_hue (void)
{
  g_autoptr(AugurImage) src = augur_test_noise_image (64, 64, 3, 100, 131, 22);
  g_autoptr(AugurImage) out = run_json ("{\"type\": \"Equalize\", \"params\": {\"by_channels\": false}}",
                                        src, 1, NULL);
  int checked = 0;

  /* Only the luma moves: every channel of a pixel moves by the same amount
   * (where nothing was clipped). */
  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      {
        int d0 = augur_test_pixel (out, x, y, 0) - augur_test_pixel (src, x, y, 0);
        int clipped = FALSE;

        for (int c = 0; c < 3; c++)
          clipped |= augur_test_pixel (out, x, y, c) == 0 || augur_test_pixel (out, x, y, c) == 255;
        if (clipped)
          continue;
        checked++;
        for (int c = 1; c < 3; c++)
          g_assert_cmpint (augur_test_pixel (out, x, y, c) - augur_test_pixel (src, x, y, c), ==, d0);
      }
  g_assert_cmpint (checked, >, 1000);
  g_assert_cmpfloat (channel_std (out, 0, 0, out->width), >, 2 * channel_std (src, 0, 0, src->width));
}

/* CLAHE ----------------------------------------------------------------------- */

static void
test_clahe_local_contrast (void)
{
  for (int channels = 1; channels <= 3; channels += 2)
    {
      /* Left half dark and low in contrast, right half bright. */
      g_autoptr(AugurImage) src = augur_test_noise_image (128, 64, channels, 20, 35, 31);
      g_autoptr(AugurImage) out = NULL;

      for (int y = 0; y < src->height; y++)
        for (int x = 64; x < 128; x++)
          for (int c = 0; c < channels; c++)
            augur_image_row (src, y)[x * channels + c] = 220;

      out = run_json ("{\"type\": \"CLAHE\", \"params\": {\"clip_limit\": [4, 4], \"tile_grid_size\": [8, 8]}}",
                      src, 1, NULL);
      /* The dark region away from the edge between halves. */
      g_assert_cmpfloat (channel_std (out, 0, 0, 48), >, 1.5 * channel_std (src, 0, 0, 48));
    }
}

/* RandomGamma ------------------------------------------------------------------- */

static void
test_gamma_mid_tones (void)
{
  g_autoptr(AugurImage) src = ramp_image (3);
  g_autoptr(AugurImage) dark = run_json ("{\"type\": \"RandomGamma\", \"params\": {\"gamma_limit\": [150, 150]}}",
                                         src, 1, NULL);
  g_autoptr(AugurImage) light = run_json ("{\"type\": \"RandomGamma\", \"params\": {\"gamma_limit\": [50, 50]}}",
                                          src, 1, NULL);

  for (int x = 0; x < 256; x++)
    {
      double want = pow (x / 255.0, 1.5) * 255;

      g_assert_cmpfloat (fabs (augur_test_pixel (dark, x, 0, 1) - want), <=, 1.0);
    }
  g_assert_cmpint (augur_test_pixel (dark, 128, 0, 0), <, 100);
  g_assert_cmpint (augur_test_pixel (light, 128, 0, 0), >, 170);
  g_assert_cmpint (augur_test_pixel (dark, 0, 0, 0), ==, 0);
  g_assert_cmpint (augur_test_pixel (dark, 255, 0, 0), ==, 255);
}

/* RandomToneCurve --------------------------------------------------------------- */

static void
test_tone_curve_monotonic (void)
{
  g_autoptr(AugurImage) src = ramp_image (3);

  for (guint64 seed = 1; seed <= 20; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = run_json ("{\"type\": \"RandomToneCurve\", \"params\": "
                                            "{\"scale\": 0.05, \"per_channel\": true}}", src, seed, &replay);
      guint n = 0;

      augur_drawn_get_list (&replay->drawn, "low_y", &n);
      g_assert_cmpuint (n, ==, 3);
      for (int c = 0; c < 3; c++)
        {
          g_assert_cmpint (augur_test_pixel (out, 0, 0, c), ==, 0);
          g_assert_cmpint (augur_test_pixel (out, 255, 0, c), ==, 255);
          for (int x = 1; x < 256; x++)
            g_assert_cmpint (augur_test_pixel (out, x, 0, c), >=, augur_test_pixel (out, x - 1, 0, c));
        }
    }
}

/* AutoContrast ------------------------------------------------------------------ */

static void
test_auto_contrast_stretches (void)
{
  const char *methods[] = { "cdf", "pil" };

  for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
    {
      g_autoptr(AugurImage) src = augur_test_noise_image (50, 40, 3, 60, 180, 41);
      g_autofree char *json = g_strdup_printf ("{\"type\": \"AutoContrast\", \"params\": {\"method\": \"%s\"}}",
                                               methods[m]);
      g_autoptr(AugurImage) out = run_json (json, src, 1, NULL);

      for (int c = 0; c < 3; c++)
        {
          int lo = 255, hi = 0;

          for (int y = 0; y < out->height; y++)
            for (int x = 0; x < out->width; x++)
              {
                lo = MIN (lo, augur_test_pixel (out, x, y, c));
                hi = MAX (hi, augur_test_pixel (out, x, y, c));
                /* Order kept: a brighter input is never darker. */
                if (x > 0 && augur_test_pixel (src, x, y, c) > augur_test_pixel (src, x - 1, y, c))
                  g_assert_cmpint (augur_test_pixel (out, x, y, c), >=, augur_test_pixel (out, x - 1, y, c));
              }
          g_assert_cmpint (lo, ==, 0);
          g_assert_cmpint (hi, ==, 255);
        }
    }
}

static void
test_auto_contrast_cutoff (void)
{
  g_autoptr(AugurImage) src = augur_image_new (100, 1, 1);
  g_autoptr(AugurImage) out = NULL;
  int black = 0, white = 0;

  /* Levels 50..149, one pixel each: a 10 % cutoff ignores about ten
   * pixels at each end, which go to 0 and 255. */
  for (int x = 0; x < 100; x++)
    augur_image_row (src, 0)[x] = (guint8) (50 + x);
  out = run_json ("{\"type\": \"AutoContrast\", \"params\": {\"cutoff\": 10, \"method\": \"pil\"}}",
                  src, 1, NULL);
  for (int x = 0; x < 100; x++)
    {
      black += augur_test_pixel (out, x, 0, 0) == 0;
      white += augur_test_pixel (out, x, 0, 0) == 255;
      if (x > 0)
        g_assert_cmpint (augur_test_pixel (out, x, 0, 0), >=, augur_test_pixel (out, x - 1, 0, 0));
    }
  g_assert_cmpint (black, >=, 10);
  g_assert_cmpint (black, <=, 12);
  g_assert_cmpint (white, >=, 10);
  g_assert_cmpint (white, <=, 12);
}

/* FancyPCA ------------------------------------------------------------------------ */

static void
test_fancy_pca_principal_shift (void)
{
  /* Colours along (1, 1, 0): red and green move together, blue is flat. */
  g_autoptr(AugurImage) src = augur_image_new (64, 32, 3);
  AugurRng rng;

  augur_rng_init (&rng, 51);
  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      {
        int t = (int) augur_rng_int (&rng, 40, 200);
        guint8 *p = augur_image_row (src, y) + 3 * x;

        p[0] = p[1] = (guint8) t;
        p[2] = 120;
      }

  for (guint64 seed = 1; seed <= 4; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = run_json ("{\"type\": \"FancyPCA\", \"params\": {\"alpha\": 2}}",
                                            src, seed, &replay);
      guint n = 0;
      const double *alpha = augur_drawn_get_list (&replay->drawn, "alpha_vector", &n);
      /* The first eigenvalue on [0, 1] colours: twice the (sample)
       * variance of t. */
      double sd = channel_std (src, 0, 0, src->width) / 255.0, cnt = (double) src->width * src->height;
      double var = sd * sd * cnt / (cnt - 1);
      double want = 255.0 * alpha[0] * 2 * var / sqrt (2);

      g_assert_cmpuint (n, ==, 3);
      /* The same shift at every pixel: along (1, 1, 0) by alpha_0 l_0. */
      for (int y = 0; y < out->height; y += 3)
        for (int x = 0; x < out->width; x += 3)
          {
            int s = augur_test_pixel (src, x, y, 0);
            double dr = augur_test_pixel (out, x, y, 0) - s;
            double dg = augur_test_pixel (out, x, y, 1) - augur_test_pixel (src, x, y, 1);
            double db = augur_test_pixel (out, x, y, 2) - 120;

            if (s + want <= 1 || s + want >= 254)
              continue;
            g_assert_cmpfloat (fabs (dr - dg), <=, 0.5);
            g_assert_cmpfloat (fabs (db), <=, 0.5);
            g_assert_cmpfloat (fabs (dr - want), <=, 0.6);
          }
    }
}

/* PlanckianJitter ---------------------------------------------------------------- */

static void
test_planckian_direction (void)
{
  int gray[3] = { 120, 120, 120 };
  g_autoptr(AugurImage) src = augur_test_fill_image (8, 8, 3, gray);
  g_autoptr(AugurImage) warm = run_json ("{\"type\": \"PlanckianJitter\", \"params\": "
                                         "{\"temperature_limit\": [3000, 3000]}}", src, 1, NULL);
  g_autoptr(AugurImage) cold = run_json ("{\"type\": \"PlanckianJitter\", \"params\": "
                                         "{\"temperature_limit\": [14000, 14000]}}", src, 1, NULL);
  g_autoptr(AugurImage) gsrc = augur_test_flat_image (8, 8, 1, 120);
  g_autoptr(AugurImage) gout = run_json ("{\"type\": \"PlanckianJitter\"}", gsrc, 1, NULL);

  /* Green is the reference; warm adds red and takes blue, cold the reverse. */
  g_assert_cmpint (augur_test_pixel (warm, 2, 2, 1), ==, 120);
  g_assert_cmpint (augur_test_pixel (warm, 2, 2, 0), >, 180);
  g_assert_cmpint (augur_test_pixel (warm, 2, 2, 2), <, 10);
  g_assert_cmpint (augur_test_pixel (cold, 2, 2, 0), <, 100);
  g_assert_cmpint (augur_test_pixel (cold, 2, 2, 2), >, 160);
  g_assert_true (augur_image_equal (gout, gsrc));
}

/* Illumination ----------------------------------------------------------------------- */

static void
test_illumination_toward_direction (void)
{
  g_autoptr(AugurImage) src = augur_test_flat_image (64, 48, 3, 100);
  g_autoptr(AugurImage) right = run_json ("{\"type\": \"Illumination\", \"params\": {\"mode\": \"linear\", "
                                          "\"effect_type\": \"brighten\", \"intensity_range\": [0.2, 0.2], "
                                          "\"angle_range\": [0, 0]}}", src, 1, NULL);
  g_autoptr(AugurImage) down_dark = run_json ("{\"type\": \"Illumination\", \"params\": {\"mode\": \"linear\", "
                                              "\"effect_type\": \"darken\", \"intensity_range\": [0.2, 0.2], "
                                              "\"angle_range\": [90, 90]}}", src, 1, NULL);
  g_autoptr(AugurImage) spot = run_json ("{\"type\": \"Illumination\", \"params\": {\"mode\": \"gaussian\", "
                                         "\"effect_type\": \"brighten\", \"intensity_range\": [0.3, 0.3], "
                                         "\"center_range\": [0.25, 0.25], \"sigma_range\": [0.2, 0.2]}}",
                                         src, 1, NULL);

  /* Brighter toward the right, by 0.2 * 255 at the far edge. */
  g_assert_cmpint (augur_test_pixel (right, 0, 10, 0), ==, 100);
  g_assert_cmpint (abs (augur_test_pixel (right, 63, 10, 0) - 151), <=, 1);
  for (int x = 1; x < 64; x++)
    g_assert_cmpint (augur_test_pixel (right, x, 20, 1), >=, augur_test_pixel (right, x - 1, 20, 1));
  /* Darker downward. */
  g_assert_cmpint (augur_test_pixel (down_dark, 30, 47, 0), <, augur_test_pixel (down_dark, 30, 0, 0));
  /* Corner: light kept at the drawn corner, falling off with the distance
   * to it, by intensity * d / diagonal. */
  {
    g_autoptr(AugurReplay) replay = NULL;
    g_autoptr(AugurImage) corner = run_json ("{\"type\": \"Illumination\", \"params\": {\"mode\": \"corner\", "
                                             "\"effect_type\": \"brighten\", \"intensity_range\": [0.3, 0.3]}}",
                                             src, 4, &replay);
    int k = (int) augur_drawn_get (&replay->drawn, "corner");
    int cx = k == 1 || k == 2 ? 63 : 0, cy = k >= 2 ? 47 : 0;
    double far = 100 * (1 - 0.3 * hypot (63, 47) / hypot (64, 48));

    g_assert_cmpint (augur_test_pixel (corner, cx, cy, 0), ==, 100);
    g_assert_cmpint (abs (augur_test_pixel (corner, 63 - cx, 47 - cy, 0) - (int) lrint (far)), <=, 1);
  }
  /* The spot is brightest at its centre (16, 12). */
  g_assert_cmpint (augur_test_pixel (spot, 16, 12, 2), >=, 129);
  g_assert_cmpint (augur_test_pixel (spot, 16, 12, 2), >, augur_test_pixel (spot, 63, 47, 2));
}

/* ChromaticAberration ------------------------------------------------------------ */

/* Where plane c of output pixel (x, y) reads, as OpenCV's undistortion map
 * for Albumentations' camera gives it, and the bilinear value there with
 * borders replicated, written out. */
static int
aberration_value (const AugurImage *src,
                  int               x,
                  int               y,
                  int               c,
                  double            k1,
                  double            k2)
{
  int w = src->width, h = src->height;
  float fw = (float) w, fh = (float) h, v = (y - 0.5f * fh) / fh, u = (x - 0.5f * fw) / fw;
  float r2 = u * u + v * v, f = 1 + (float) k1 * r2 + (float) k2 * r2 * r2;
  float sx = 0.5f * fw + u * f * fw, sy = 0.5f * fh + v * f * fh;
  int x0, y0, x1, y1;
  float ax, ay, top, bottom;

  sx = sx < 0 ? 0 : sx > w - 1 ? (float) (w - 1) : sx;
  sy = sy < 0 ? 0 : sy > h - 1 ? (float) (h - 1) : sy;
  x0 = (int) sx;
  y0 = (int) sy;
  x1 = MIN (x0 + 1, w - 1);
  y1 = MIN (y0 + 1, h - 1);
  ax = sx - x0;
  ay = sy - y0;
  top = augur_test_pixel (src, x0, y0, c) + ax * (augur_test_pixel (src, x1, y0, c) - augur_test_pixel (src, x0, y0, c));
  bottom = augur_test_pixel (src, x0, y1, c) + ax * (augur_test_pixel (src, x1, y1, c) - augur_test_pixel (src, x0, y1, c));
  return (int) (top + ay * (bottom - top) + 0.5f);
}

/* Linear ChromaticAberration (red and blue remapped in one pass) against
 * the remap written out: red and blue through their own drawn
 * coefficients, green and alpha kept, byte for byte. */
static void
test_chromatic_aberration_remap (void)
{
  for (int nc = 3; nc <= 4; nc++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (37, 23, nc, 90 + nc);
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = run_json ("{\"type\": \"ChromaticAberration\", \"params\": {"
                                            "\"primary_distortion_limit\": [0.3, 0.3], "
                                            "\"secondary_distortion_limit\": [0.2, 0.2], "
                                            "\"mode\": \"red_blue\"}}", src, 5, &replay);
      double k[4] = { augur_drawn_get (&replay->drawn, "primary_red"),
                      augur_drawn_get (&replay->drawn, "secondary_red"),
                      augur_drawn_get (&replay->drawn, "primary_blue"),
                      augur_drawn_get (&replay->drawn, "secondary_blue") };

      g_assert_cmpfloat (k[0], ==, -k[2]);
      for (int y = 0; y < src->height; y++)
        for (int x = 0; x < src->width; x++)
          {
            g_assert_cmpint (augur_test_pixel (out, x, y, 0), ==, aberration_value (src, x, y, 0, k[0], k[1]));
            g_assert_cmpint (augur_test_pixel (out, x, y, 2), ==, aberration_value (src, x, y, 2, k[2], k[3]));
            g_assert_cmpint (augur_test_pixel (out, x, y, 1), ==, augur_test_pixel (src, x, y, 1));
            if (nc == 4)
              g_assert_cmpint (augur_test_pixel (out, x, y, 3), ==, augur_test_pixel (src, x, y, 3));
          }
      g_assert_false (augur_image_equal (out, src));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/color2/color-jitter/brightness", test_color_jitter_brightness);
  g_test_add_func ("/color2/color-jitter/saturation-zero", test_color_jitter_saturation_zero);
  g_test_add_func ("/color2/color-jitter/contrast-zero", test_color_jitter_contrast_zero);
  g_test_add_func ("/color2/color-jitter/hue-half-turn", test_color_jitter_hue_half_turn);
  g_test_add_func ("/color2/rgb-shift/means", test_rgb_shift_means);
  g_test_add_func ("/color2/channel-shuffle/permutes", test_channel_shuffle_permutes);
  g_test_add_func ("/color2/channel-dropout/drawn", test_channel_dropout_drawn_channels);
  g_test_add_func ("/color2/sepia/ramp", test_sepia_matrix_on_ramp);
  g_test_add_func ("/color2/invert/twice", test_invert_twice_identity);
  g_test_add_func ("/color2/solarize/thresholds", test_solarize_thresholds);
  g_test_add_func ("/color2/posterize/levels", test_posterize_levels);
  g_test_add_func ("/color2/equalize/flattens", test_equalize_flattens);
  g_test_add_func ("/color2/equalize/luma", test_equalize_luma_keeps_hue);
  g_test_add_func ("/color2/clahe/local-contrast", test_clahe_local_contrast);
  g_test_add_func ("/color2/gamma/mid-tones", test_gamma_mid_tones);
  g_test_add_func ("/color2/tone-curve/monotonic", test_tone_curve_monotonic);
  g_test_add_func ("/color2/auto-contrast/stretches", test_auto_contrast_stretches);
  g_test_add_func ("/color2/auto-contrast/cutoff", test_auto_contrast_cutoff);
  g_test_add_func ("/color2/fancy-pca/principal", test_fancy_pca_principal_shift);
  g_test_add_func ("/color2/planckian/direction", test_planckian_direction);
  g_test_add_func ("/color2/illumination/direction", test_illumination_toward_direction);
  g_test_add_func ("/color2/chromatic-aberration/remap", test_chromatic_aberration_remap);

  return g_test_run ();
}
