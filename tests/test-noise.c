/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-hls-rows.h"
#include "augur-pipeline.h"
#include "augur-rng.h"
#include "augur-weather-kernels.h"

#include "augur-test-util.h"

/* The noise and quality transforms: measured statistics against the
 * parameters (means and standard deviations within 10 %, fractions within
 * 10 %), and the meaning of Downscale, RingingOvershoot, ChromaticAberration
 * and WebP compression. */

/* Helpers ---------------------------------------------------------------------- */

/* Mean and standard deviation of f (out) - f (src) over colour channel @c
 * (-1: every colour channel). */
typedef double (*ValueMap) (int v);

static double
identity_map (int v)
{
  return v;
}

static double
linear_light (int v)
{
  return pow (v / 255.0, 2.2);
}

static void
stats (const AugurImage *out,
       int               c,
       ValueMap          map,
       double           *mean,
       double           *std)
{
  int cc = out->channels == 4 ? 3 : out->channels;
  double sum = 0, sum2 = 0, n = 0;

  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      for (int k = 0; k < cc; k++)
        if (c < 0 || k == c)
          {
            double v = map (augur_image_row (out, y)[x * out->channels + k]);

            sum += v;
            sum2 += v * v;
            n++;
          }
  *mean = sum / n;
  *std = sqrt (MAX (sum2 / n - *mean * *mean, 0));
}

static void
assert_within (double measured,
               double expected,
               double tolerance)
{
  g_test_message ("measured %.4f, expected %.4f (tolerance %.4f)", measured, expected, tolerance);
  g_assert_cmpfloat (fabs (measured - expected), <=, tolerance);
}

/* Every transform with its defaults ------------------------------------------------ */

static const char *const all_steps[] = {
  "{\"type\": \"ISONoise\"}",
  "{\"type\": \"MultiplicativeNoise\"}",
  "{\"type\": \"MultiplicativeNoise\", \"params\": {\"per_channel\": true, \"elementwise\": true}}",
  "{\"type\": \"SaltAndPepper\"}",
  "{\"type\": \"ShotNoise\"}",
  "{\"type\": \"AdditiveNoise\"}",
  "{\"type\": \"AdditiveNoise\", \"params\": {\"noise_type\": \"gaussian\", \"spatial_mode\": \"per_pixel\", \"approximation\": 0.5}}",
  "{\"type\": \"AdditiveNoise\", \"params\": {\"noise_type\": \"laplace\", \"spatial_mode\": \"shared\"}}",
  "{\"type\": \"AdditiveNoise\", \"params\": {\"noise_type\": \"beta\", \"spatial_mode\": \"per_pixel\"}}",
  "{\"type\": \"Downscale\"}",
  "{\"type\": \"RingingOvershoot\"}",
  "{\"type\": \"ChromaticAberration\"}",
  "{\"type\": \"ChromaticAberration\", \"params\": {\"mode\": \"random\", \"interpolation\": \"cubic\"}}",
};

static void
test_defaults (gconstpointer data)
{
  const char *json = data;

  /* ChromaticAberration moves colour planes: a gray image has none. */
  augur_test_check_pixel_transform (json, strstr (json, "Chromatic") == NULL);
}

/* ISONoise ------------------------------------------------------------------------ */

/* Hue of an RGB pixel in degrees. */
static double
hue_of (const guint8 *p)
{
  double r = p[0], g = p[1], b = p[2];
  double mx = MAX (r, MAX (g, b)), mn = MIN (r, MIN (g, b)), d = mx - mn, h;

  if (d == 0)
    return 0;
  if (mx == r)
    h = 60 * (g - b) / d;
  else if (mx == g)
    h = 120 + 60 * (b - r) / d;
  else
    h = 240 + 60 * (r - g) / d;
  return h < 0 ? h + 360 : h;
}

/* On a flat colour (no lightness spread, so no speckle) the hue's spread
 * is color_shift * 360 * intensity degrees. */
static void
test_iso_hue (void)
{
  g_autoptr(AugurImage) src = augur_test_fill_image (256, 256, 3, (int[]) { 200, 60, 60, 255 });
  g_autoptr(AugurImage) out = augur_test_run_step ("{\"type\": \"ISONoise\", \"params\": {\"color_shift\": [0.05, 0.05], "
                                                   "\"intensity\": [0.5, 0.5]}}", src, 3, NULL);
  double sum = 0, sum2 = 0, n = 0, mean, std;

  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      {
        double d = hue_of (augur_image_row (out, y) + 3 * x);

        d = d > 180 ? d - 360 : d;
        sum += d;
        sum2 += d * d;
        n++;
      }
  mean = sum / n;
  std = sqrt (sum2 / n - mean * mean);
  assert_within (std, 0.05 * 360 * 0.5, 0.1 * 9);
  assert_within (mean, 0, 0.1 * 9);
}

static guint8
unit_to_byte (float v)
{
  return v <= 0 ? 0 : v >= 1 ? 255 : (guint8) (v * 255.0f + 0.5f);
}

/* The hue turn and lightness gain without the HLS round trip give the
 * round trip's colours within one level: greys, pairs of equal channels
 * and random colours, shifts of either sign and past a whole turn, gains
 * of none (most pixels) to past white, on RGB and RGBA (alpha copied). */
static void
test_iso_turn_lighten (void)
{
  enum { W = 4096 };
  g_autofree guint8 *src = g_new (guint8, W * 4);
  g_autofree guint8 *dest = g_new (guint8, W * 4);
  g_autofree float *shift = g_new (float, W);
  g_autofree float *gain = g_new (float, W);
  AugurRng rng;
  int worst = 0;

  augur_rng_init (&rng, 41);
  for (int nc = 3; nc <= 4; nc++)
    for (int round = 0; round < 16; round++)
      {
        for (int x = 0; x < W; x++)
          {
            guint8 *p = src + x * nc;

            for (int c = 0; c < nc; c++)
              p[c] = (guint8) augur_rng_int (&rng, 0, 255);
            if (x % 8 == 0)
              p[1] = p[2] = p[0];   /* grey */
            else if (x % 8 == 1)
              p[1] = p[0];          /* two equal channels */
            shift[x] = (float) augur_rng_range (&rng, -7.5, 7.5);
            gain[x] = x % 3 ? 0.0f : (float) (augur_rng_int (&rng, 1, 6) * augur_rng_range (&rng, 0, 0.5));
          }
        augur_hls_turn_lighten_row (src, shift, gain, dest, W, nc);
        for (int x = 0; x < W; x++)
          {
            const guint8 *p = src + x * nc, *q = dest + x * nc;
            float h, l, sat, rgb[3];

            augur_rgb_to_hls (p[0] / 255.0f, p[1] / 255.0f, p[2] / 255.0f, &h, &l, &sat);
            l += gain[x] * (1.0f - l);
            augur_hls_to_rgb (h + shift[x] * 60.0f, MIN (l, 1.0f), sat, &rgb[0], &rgb[1], &rgb[2]);
            for (int c = 0; c < 3; c++)
              worst = MAX (worst, abs (q[c] - unit_to_byte (rgb[c])));
            if (nc == 4)
              g_assert_cmpint (q[3], ==, p[3]);
            if (x % 8 == 0 && gain[x] == 0)
              g_assert_cmpmem (q, 3, p, 3);
          }
      }
  g_test_message ("largest difference %d", worst);
  g_assert_cmpint (worst, <=, 1);
}

/* Lightness speckle: a pixel gains k * intensity * (1 - L) with k Poisson of
 * mean std (L) * intensity; half the image at L = 0.2, half at 0.8 gives
 * std (L) = 0.3. */
static void
test_iso_speckle (void)
{
  g_autoptr(AugurImage) src = augur_image_new (256, 256, 3);
  g_autoptr(AugurImage) out = NULL;
  double lambda = 0.3 * 0.5, raised = 0, gain = 0, n = 0;

  for (int y = 0; y < 256; y++)
    memset (augur_image_row (src, y), y < 128 ? 51 : 204, 256 * 3);
  out = augur_test_run_step ("{\"type\": \"ISONoise\", \"params\": {\"color_shift\": [0, 0], \"intensity\": [0.5, 0.5]}}",
                             src, 5, NULL);
  for (int y = 0; y < 256; y++)
    for (int x = 0; x < 256; x++)
      {
        int s = augur_image_row (src, y)[3 * x], d = augur_image_row (out, y)[3 * x];

        raised += d > s + 2;
        /* k = gain / (intensity (1 - L)) */
        gain += (d - s) / 255.0 / (0.5 * (1 - s / 255.0));
        n++;
      }
  assert_within (raised / n, 1 - exp (-lambda), 0.1 * (1 - exp (-lambda)));
  assert_within (gain / n, lambda, 0.1 * lambda);
}

/* MultiplicativeNoise ----------------------------------------------------------------- */

static void
test_multiplicative_elementwise (void)
{
  g_autoptr(AugurImage) src = augur_test_level_image (256, 256, 3, 100);
  g_autoptr(AugurImage) out = augur_test_run_step ("{\"type\": \"MultiplicativeNoise\", \"params\": {\"multiplier\": [0.8, 1.2], "
                                                   "\"per_channel\": true, \"elementwise\": true}}", src, 9, NULL);
  double mean, std, expected_std = 100 * 0.4 / sqrt (12);
  int differ = 0;

  for (int c = 0; c < 3; c++)
    {
      stats (out, c, identity_map, &mean, &std);
      assert_within (mean, 100, 0.1 * expected_std);
      assert_within (std, expected_std, 0.1 * expected_std);
    }
  /* Per channel: the channels of a pixel differ. */
  for (int x = 0; x < 256; x++)
    differ += augur_image_row (out, 7)[3 * x] != augur_image_row (out, 7)[3 * x + 1];
  g_assert_cmpint (differ, >, 200);
}

/* One multiplier for the image: every pixel is round (v * m). */
static void
test_multiplicative_image (void)
{
  g_autoptr(AugurImage) src = augur_test_noise_image (64, 64, 4, 0, 200, 2);
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurImage) out = augur_test_run_step ("{\"type\": \"MultiplicativeNoise\", \"params\": {\"multiplier\": [0.5, 1.5]}}",
                                                   src, 4, &replay);
  guint n;
  const double *m = augur_drawn_get_list (&replay->drawn, "multiplier", &n);

  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (m[0], ==, m[1]);
  for (int y = 0; y < 64; y++)
    for (int x = 0; x < 64 * 4; x++)
      {
        int s = augur_image_row (src, y)[x];
        int expected = x % 4 == 3 ? s : MIN (255, (int) floor (s * m[0] + 0.5));

        g_assert_cmpint (abs (augur_image_row (out, y)[x] - expected), <=, 1);
      }
}

/* SaltAndPepper ----------------------------------------------------------------------- */

typedef struct
{
  double amount;
  double salt;
} SaltCase;

/* 0.1 by a coin a pixel; 0.03 and 0.05 by geometric gaps (below
 * AUGUR_RNG_SPARSE_P). */
static const SaltCase salt_cases[] = { { 0.1, 0.3 }, { 0.03, 0.3 }, { 0.05, 0.7 } };

static void
test_salt_and_pepper (gconstpointer data)
{
  const SaltCase *sc = data;
  g_autoptr(AugurImage) src = augur_test_level_image (300, 300, 4, 128);
  g_autofree char *json = g_strdup_printf ("{\"type\": \"SaltAndPepper\", \"params\": {\"amount\": [%g, %g], "
                                           "\"salt_vs_pepper\": [%g, %g]}}",
                                           sc->amount, sc->amount, sc->salt, sc->salt);
  g_autoptr(AugurImage) out = augur_test_run_step (json, src, 11, NULL);
  double salt = 0, pepper = 0, n = 300.0 * 300.0;

  for (int y = 0; y < 300; y++)
    for (int x = 0; x < 300; x++)
      {
        const guint8 *p = augur_image_row (out, y) + 4 * x;

        g_assert_cmpint (p[3], ==, 255);
        g_assert_true (p[0] == p[1] && p[1] == p[2]);
        salt += p[0] == 255;
        pepper += p[0] == 0;
        g_assert_true (p[0] == 255 || p[0] == 0 || p[0] == 128);
      }
  assert_within ((salt + pepper) / n, sc->amount, 0.1 * sc->amount);
  assert_within (salt / (salt + pepper), sc->salt, 0.1 * sc->salt);
}

/* ShotNoise ----------------------------------------------------------------------- */

/* In linear light the noisy value has the input's mean and a variance of
 * scale times it. */
static void
test_shot_noise (gconstpointer data)
{
  const double *scale = data;
  g_autoptr(AugurImage) src = augur_test_level_image (300, 300, 3, 128);
  g_autofree char *json = g_strdup_printf ("{\"type\": \"ShotNoise\", \"params\": {\"scale_range\": [%g, %g]}}",
                                           *scale, *scale);
  g_autoptr(AugurImage) out = augur_test_run_step (json, src, 13, NULL);
  double lin = linear_light (128), mean, std;

  stats (out, -1, linear_light, &mean, &std);
  assert_within (mean, lin, 0.1 * lin);
  assert_within (std, sqrt (*scale * lin), 0.1 * sqrt (*scale * lin));
}

/* AdditiveNoise ------------------------------------------------------------------ */

typedef struct
{
  const char *params;
  double      mean;  /* in levels */
  double      std;
} AdditiveCase;

static const AdditiveCase additive_cases[] = {
  { "\"noise_type\": \"gaussian\", \"mean_range\": [0.1, 0.1], \"std_range\": [0.05, 0.05]", 25.5, 12.75 },
  { "\"noise_type\": \"uniform\", \"ranges\": [-0.2, 0.1]", -12.75, 0.3 * 255 / 3.4641016 },
  { "\"noise_type\": \"laplace\", \"mean_range\": [0, 0], \"scale_range\": [0.05, 0.05]", 0, 0.05 * 255 * G_SQRT2 },
  /* 2 B - 1, B ~ Beta (2, 2): mean 0, variance 4 * 1 / 20. */
  { "\"noise_type\": \"beta\", \"alpha_range\": [2, 2], \"beta_range\": [2, 2], \"scale_range\": [0.2, 0.2]",
    0, 0.2 * 255 * 0.4472136 },
  /* B ~ Beta (2, 5): mean 2 / 7, variance 10 / 392. */
  { "\"noise_type\": \"beta\", \"alpha_range\": [2, 2], \"beta_range\": [5, 5], \"scale_range\": [0.2, 0.2]",
    0.2 * 255 * (4.0 / 7 - 1), 0.2 * 255 * 2 * 0.1597191 },
};

static void
test_additive (gconstpointer data)
{
  const AdditiveCase *c = data;
  g_autoptr(AugurImage) src = augur_test_level_image (300, 300, 3, 128);
  g_autofree char *json = g_strdup_printf ("{\"type\": \"AdditiveNoise\", \"params\": {\"spatial_mode\": \"per_pixel\", %s}}",
                                           c->params);
  g_autoptr(AugurImage) out = augur_test_run_step (json, src, 17, NULL);
  double mean, std;

  for (int ch = 0; ch < 3; ch++)
    {
      stats (out, ch, identity_map, &mean, &std);
      assert_within (mean - 128, c->mean, 0.1 * MAX (fabs (c->mean), c->std));
      assert_within (std, c->std, 0.1 * c->std);
    }
}

/* Per pixel at full size, each byte gains one of 65536 equally likely
 * offsets: the noise at the middle of each 1/65536 of its distribution,
 * rounded. For uniform noise on [lo, lo + width) the frequency of every
 * offset k, counted over an RGBA image (alpha untouched), is the share of
 * the middles that round to k, within 5 standard errors of a binomial
 * count. */
static void
test_additive_levels (void)
{
  enum { W = 400, H = 300, N_BYTES = W * H * 3 };
  const double lo = -0.1 * 255, width = 0.2 * 255;
  g_autoptr(AugurImage) src = augur_test_level_image (W, H, 4, 128);
  g_autoptr(AugurImage) out = augur_test_run_step ("{\"type\": \"AdditiveNoise\", \"params\": {\"spatial_mode\": "
                                                   "\"per_pixel\", \"ranges\": [-0.1, 0.1]}}", src, 29, NULL);
  double expected[64] = { 0 };
  guint counted[64] = { 0 };

  for (int i = 0; i < 65536; i++)
    {
      int k = (int) floor (lo + width * ((i + 0.5) / 65536) + 0.5);

      g_assert_cmpint (k, >=, -32);
      g_assert_cmpint (k, <, 32);
      expected[k + 32] += 1.0 / 65536;
    }
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        const guint8 *p = augur_image_row (out, y) + 4 * x;

        g_assert_cmpint (p[3], ==, 255);
        for (int c = 0; c < 3; c++)
          {
            int k = p[c] - 128;

            g_assert_cmpint (k, >=, -32);
            g_assert_cmpint (k, <, 32);
            counted[k + 32]++;
          }
      }
  for (int k = 0; k < 64; k++)
    {
      double want = expected[k] * N_BYTES;
      double se = sqrt (N_BYTES * expected[k] * (1 - expected[k]));

      if (expected[k] == 0)
        g_assert_cmpuint (counted[k], ==, 0);
      else
        g_assert_cmpfloat (fabs (counted[k] - want), <=, 5 * se + 1);
    }
}

/* Constant mode: one offset a channel, the same everywhere; shared mode:
 * the same offset in every channel of a pixel. */
static void
test_additive_modes (void)
{
  g_autoptr(AugurImage) src = augur_test_level_image (64, 64, 3, 128);
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurImage) constant = augur_test_run_step ("{\"type\": \"AdditiveNoise\", \"params\": {\"ranges\": [-0.3, 0.3]}}",
                                                        src, 19, &replay);
  g_autoptr(AugurImage) shared = augur_test_run_step ("{\"type\": \"AdditiveNoise\", \"params\": {\"spatial_mode\": \"shared\"}}",
                                                      src, 19, NULL);
  guint n;
  const double *noise = augur_drawn_get_list (&replay->drawn, "noise", &n);
  int varied = 0;

  g_assert_cmpuint (n, ==, 3);
  for (int y = 0; y < 64; y++)
    for (int x = 0; x < 64; x++)
      for (int c = 0; c < 3; c++)
        {
          const guint8 *s = augur_image_row (shared, y) + 3 * x;

          g_assert_cmpint (augur_image_row (constant, y)[3 * x + c], ==, (int) floor (128 + noise[c] * 255 + 0.5));
          g_assert_cmpint (s[c], ==, s[0]);
          varied += s[0] != augur_image_row (shared, 0)[0];
        }
  g_assert_cmpint (varied, >, 64 * 64);
}

/* Downscale ---------------------------------------------------------------------- */

/* Mean absolute difference of horizontal neighbours: the energy of the
 * highest frequencies. */
static double
detail (const AugurImage *image)
{
  double sum = 0;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x + 1 < image->width; x++)
      sum += abs (augur_image_row (image, y)[(x + 1) * image->channels] - augur_image_row (image, y)[x * image->channels]);
  return sum / (image->height * (image->width - 1.0));
}

static void
test_downscale (void)
{
  g_autoptr(AugurImage) src = augur_test_random_image (128, 96, 3, 23);
  g_autoptr(AugurImage) same = augur_test_run_step ("{\"type\": \"Downscale\", \"params\": {\"scale_range\": [1, 1]}}", src, 1, NULL);
  g_autoptr(AugurImage) quarter = augur_test_run_step ("{\"type\": \"Downscale\", \"params\": {\"scale_range\": [0.25, 0.25]}}",
                                                       src, 1, NULL);
  g_autoptr(AugurImage) linear = augur_test_run_step ("{\"type\": \"Downscale\", \"params\": {\"scale_range\": [0.25, 0.25], "
                                                      "\"downscale\": \"area\", \"upscale\": \"linear\"}}", src, 1, NULL);

  g_assert_true (augur_image_equal (src, same));
  g_test_message ("detail: %.1f, nearest %.1f, area/linear %.1f", detail (src), detail (quarter), detail (linear));
  /* Nearest both ways: 4 x 4 blocks, so 3 neighbour pairs in 4 are equal. */
  g_assert_cmpfloat (detail (quarter), <, 0.3 * detail (src));
  g_assert_cmpfloat (detail (linear), <, 0.1 * detail (src));
  g_assert_cmpint (quarter->width, ==, 128);
  g_assert_cmpint (quarter->height, ==, 96);
}

/* RingingOvershoot ------------------------------------------------------------------- */

/* A step from 60 to 190: the sinc filter overshoots on both sides of the
 * edge and leaves the flat parts far from it alone. */
static void
test_ringing (void)
{
  g_autoptr(AugurImage) src = augur_image_new (80, 20, 1);
  g_autoptr(AugurImage) out = NULL;
  int lo = 255, hi = 0;

  for (int y = 0; y < 20; y++)
    for (int x = 0; x < 80; x++)
      augur_image_row (src, y)[x] = x < 40 ? 60 : 190;
  out = augur_test_run_step ("{\"type\": \"RingingOvershoot\", \"params\": {\"blur_limit\": [15, 15], \"cutoff\": [0.6, 0.6]}}",
                             src, 1, NULL);
  for (int x = 30; x < 50; x++)
    {
      lo = MIN (lo, augur_image_row (out, 10)[x]);
      hi = MAX (hi, augur_image_row (out, 10)[x]);
    }
  g_test_message ("range near the edge: %d..%d", lo, hi);
  g_assert_cmpint (lo, <, 60 - 4);
  g_assert_cmpint (hi, >, 190 + 4);
  g_assert_cmpint (abs (augur_image_row (out, 10)[5] - 60), <=, 1);
  g_assert_cmpint (abs (augur_image_row (out, 10)[75] - 190), <=, 1);
}

/* ChromaticAberration ------------------------------------------------------------------ */

/* The x centroid of channel @c of @image. */
static double
centroid_x (const AugurImage *image,
            int               c)
{
  double sum = 0, weight = 0;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        double v = augur_image_row (image, y)[x * image->channels + c];

        sum += v * x;
        weight += v;
      }
  return sum / weight;
}

/* red_blue: a white bar right of the centre moves one way in red, the other
 * way in blue, and not at all in green. */
static void
test_chromatic (void)
{
  g_autoptr(AugurImage) src = augur_image_new (200, 100, 3);
  g_autoptr(AugurImage) out = NULL;
  double g0, r, g, b;

  for (int y = 0; y < 100; y++)
    for (int x = 150; x < 156; x++)
      memset (augur_image_row (src, y) + 3 * x, 255, 3);
  out = augur_test_run_step ("{\"type\": \"ChromaticAberration\", \"params\": {\"primary_distortion_limit\": [0.3, 0.3], "
                             "\"secondary_distortion_limit\": [0, 0], \"mode\": \"red_blue\"}}", src, 1, NULL);
  g0 = centroid_x (src, 1);
  r = centroid_x (out, 0);
  g = centroid_x (out, 1);
  b = centroid_x (out, 2);
  g_test_message ("green %.2f, red %.2f, blue %.2f", g, r, b);
  g_assert_cmpfloat (g, ==, g0);
  g_assert_cmpfloat ((r - g) * (b - g), <, 0);
  g_assert_cmpfloat (fabs (r - g), >, 1);
  g_assert_cmpfloat (fabs (b - g), >, 1);
}

/* ImageCompression: WebP at quality 100 comes back close to the input. */
static void
test_webp_round_trip (void)
{
  g_autoptr(AugurImage) src = augur_image_new (128, 96, 3);
  g_autoptr(AugurImage) out = NULL;

  if (!augur_image_format_available (AUGUR_IMAGE_FORMAT_WEBP))
    {
      g_test_skip ("no WebP GdkPixbuf loader");
      return;
    }
  for (int y = 0; y < 96; y++)
    for (int x = 0; x < 128; x++)
      {
        guint8 *p = augur_image_row (src, y) + 3 * x;

        p[0] = (guint8) (2 * x), p[1] = (guint8) (2 * y), p[2] = (guint8) (x + y);
      }
  out = augur_test_run_step ("{\"type\": \"ImageCompression\", \"params\": {\"compression_type\": \"webp\", "
                             "\"quality_range\": [100, 100]}}", src, 1, NULL);
  g_test_message ("mean difference %.3f", augur_test_mean_difference (src, out));
  g_assert_cmpfloat (augur_test_mean_difference (src, out), <, 2.0);
  g_assert_false (augur_image_equal (src, out));
}

/* Albumentations references ----------------------------------------------------------- */

typedef struct
{
  const char *file;
  const char *step;
} Reference;

static const Reference references[] = {
  { "RingingOvershoot_7_c0.5.png",
    "{\"type\": \"RingingOvershoot\", \"params\": {\"blur_limit\": [7, 7], \"cutoff\": [0.5, 0.5]}}" },
  { "Downscale_0.4.png", "{\"type\": \"Downscale\", \"params\": {\"scale_range\": [0.4, 0.4]}}" },
  { "ChromaticAberration_green_purple.png",
    "{\"type\": \"ChromaticAberration\", \"params\": {\"primary_distortion_limit\": [0.05, 0.05], "
    "\"secondary_distortion_limit\": [0.05, 0.05], \"mode\": \"green_purple\"}}" },
};

/* Within the references' stated tolerance of 1.5 levels (mean absolute
 * difference) of what Albumentations 2.0.8 computes on the same input. */
static void
test_reference (gconstpointer data)
{
  const Reference *r = data;
  const char *source = g_getenv ("AUGUR_SOURCE_DIR");
  g_autoptr(GError) error = NULL;
  g_autofree char *input = NULL;
  g_autofree char *expected_path = NULL;
  g_autoptr(AugurImage) src = NULL;
  g_autoptr(AugurImage) expected = NULL;
  g_autoptr(AugurImage) out = NULL;
  double diff;

  if (source == NULL)
    {
      g_test_skip ("AUGUR_SOURCE_DIR is not set");
      return;
    }
  input = g_build_filename (source, "data", "samples", "chelsea.png", NULL);
  expected_path = g_build_filename (source, "tests", "data", "albumentations", r->file, NULL);
  src = augur_image_load (input, AUGUR_DEFAULT_MAX_PIXELS, &error);
  g_assert_no_error (error);
  expected = augur_image_load (expected_path, AUGUR_DEFAULT_MAX_PIXELS, &error);
  g_assert_no_error (error);
  out = augur_test_run_step (r->step, src, 1, NULL);
  diff = augur_test_mean_difference (out, expected);
  g_test_message ("%s: mean difference %.3f", r->file, diff);
  g_assert_cmpfloat (diff, <=, 1.5);
}

int
main (int argc, char **argv)
{
  static const double shot_scales[] = { 0.03, 0.1, 0.3 };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (all_steps); i++)
    {
      g_autofree char *path = g_strdup_printf ("/noise/defaults/%u", i);

      g_test_add_data_func (path, all_steps[i], test_defaults);
    }
  g_test_add_func ("/noise/iso/hue", test_iso_hue);
  g_test_add_func ("/noise/iso/turn-lighten", test_iso_turn_lighten);
  g_test_add_func ("/noise/iso/speckle", test_iso_speckle);
  g_test_add_func ("/noise/multiplicative/elementwise", test_multiplicative_elementwise);
  g_test_add_func ("/noise/multiplicative/image", test_multiplicative_image);
  for (guint i = 0; i < G_N_ELEMENTS (salt_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/noise/salt-and-pepper/%g", salt_cases[i].amount);

      g_test_add_data_func (path, &salt_cases[i], test_salt_and_pepper);
    }
  for (guint i = 0; i < G_N_ELEMENTS (shot_scales); i++)
    {
      g_autofree char *path = g_strdup_printf ("/noise/shot/%g", shot_scales[i]);

      g_test_add_data_func (path, &shot_scales[i], test_shot_noise);
    }
  for (guint i = 0; i < G_N_ELEMENTS (additive_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/noise/additive/%u", i);

      g_test_add_data_func (path, &additive_cases[i], test_additive);
    }
  g_test_add_func ("/noise/additive/modes", test_additive_modes);
  g_test_add_func ("/noise/additive/levels", test_additive_levels);
  g_test_add_func ("/quality/downscale", test_downscale);
  g_test_add_func ("/quality/ringing", test_ringing);
  g_test_add_func ("/quality/chromatic", test_chromatic);
  g_test_add_func ("/quality/webp", test_webp_round_trip);
  for (guint i = 0; i < G_N_ELEMENTS (references); i++)
    {
      g_autofree char *path = g_strdup_printf ("/quality/reference/%s", references[i].file);

      g_test_add_data_func (path, &references[i], test_reference);
    }

  return g_test_run ();
}
