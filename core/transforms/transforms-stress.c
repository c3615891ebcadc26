/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-transform-private.h"

/*
 * Corruptions of robustness benchmarks that no other transform draws.
 *
 * Frost follows ImageNet-C's frost corruption (Hendrycks and Dietterich,
 * "Benchmarking Neural Network Robustness to Common Corruptions and
 * Perturbations", ICLR 2019): the result is a * image + b * frost, clipped,
 * where frost is a crop of a photograph of ice on a window. Augur draws its
 * own frost instead of shipping photographs: a cloudy layer of fractal value
 * noise, where thin ice gathers, and ice-crystal dendrites (needles that
 * branch at 60 degrees, as water ice does) grown from random seeds. The
 * texture is a pure function of the drawn seed and the image size, and its
 * features scale with the image's short side, measured against the 224 px
 * images of the benchmark.
 */

/* Frost texture ---------------------------------------------------------------- */

/* A well-mixed 64-bit hash (the SplitMix64 finaliser), for lattice values
 * that need no table. */
static inline guint64
frost_mix (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline float
frost_lattice (guint64 seed,
               int     octave,
               int     ix,
               int     iy)
{
  guint64 h = frost_mix (seed ^ frost_mix (((guint64) (guint32) ix << 32) ^ (guint32) iy ^
                                           ((guint64) octave << 58)));

  return (float) (h >> 40) / (float) (1 << 24);
}

/* Value noise of one octave at (x, y) in lattice units, smoothly
 * interpolated, in [0, 1). */
static float
frost_value_noise (guint64 seed,
                   int     octave,
                   double  x,
                   double  y)
{
  int ix = (int) floor (x), iy = (int) floor (y);
  float fx = (float) (x - ix), fy = (float) (y - iy);
  float sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
  float a = frost_lattice (seed, octave, ix, iy), b = frost_lattice (seed, octave, ix + 1, iy);
  float c = frost_lattice (seed, octave, ix, iy + 1), d = frost_lattice (seed, octave, ix + 1, iy + 1);

  return (a + (b - a) * sx) * (1 - sy) + (c + (d - c) * sx) * sy;
}

/* Adds @value at (x, y) spread bilinearly over the four nearest pixels. */
static inline void
frost_splat (float  *layer,
             int     w,
             int     h,
             double  x,
             double  y,
             float   value)
{
  int ix = (int) floor (x), iy = (int) floor (y);
  float fx = (float) (x - ix), fy = (float) (y - iy);

  for (int dy = 0; dy < 2; dy++)
    for (int dx = 0; dx < 2; dx++)
      {
        int px = ix + dx, py = iy + dy;
        float wgt = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);

        if (px >= 0 && px < w && py >= 0 && py < h)
          layer[(gsize) py * w + px] += value * wgt;
      }
}

/* One needle from (x, y) along @angle, @length pixels long, fading towards
 * its tip; side needles branch off at +-60 degrees, @depth levels deep. */
static void
frost_needle (float    *layer,
              int       w,
              int       h,
              AugurRng *rng,
              double    x,
              double    y,
              double    angle,
              double    length,
              float     strength,
              int       depth)
{
  double step = 0.5, next_branch = length * augur_rng_range (rng, 0.15, 0.3);

  for (double t = 0; t < length; t += step)
    {
      float fade = 1.0f - (float) (t / length) * 0.7f;

      frost_splat (layer, w, h, x, y, strength * fade);
      x += step * cos (angle);
      y += step * sin (angle);
      /* A needle wanders a little, as crystals bend round defects. */
      angle += augur_rng_range (rng, -0.04, 0.04);
      if (depth > 0 && t >= next_branch)
        {
          double side = augur_rng_chance (rng, 0.5) ? G_PI / 3 : -G_PI / 3;
          double rest = (length - t) * augur_rng_range (rng, 0.3, 0.6);

          frost_needle (layer, w, h, rng, x, y, angle + side, rest, strength * 0.8f, depth - 1);
          next_branch = t + length * augur_rng_range (rng, 0.1, 0.25);
        }
    }
}

/**
 * augur_frost_texture:
 * @width: the texture's width
 * @height: its height
 * @seed: what draws it
 *
 * Returns: (transfer full): @width * @height floats in [0, 1], the frost's
 *   opacity: 0 clear glass, 1 white ice
 */
float *
augur_frost_texture (int     width,
                     int     height,
                     guint64 seed)
{
  double scale = MAX (MIN (width, height) / 224.0, 0.25);
  gsize n = (gsize) width * height;
  float *layer = g_new0 (float, n);
  double area = (double) width * height / (224.0 * 224.0);
  guint n_crystals = (guint) CLAMP (150 * area, 8, 1000000);
  AugurRng rng;

  /* The film of thin ice: five octaves of value noise from 48 px cells
   * down to 3 px, thicker in patches, nowhere quite clear. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double cell = 48 * scale, sum = 0, amplitude = 1, total = 0;

        for (int octave = 0; octave < 5; octave++)
          {
            sum += amplitude * frost_value_noise (seed, octave, x / cell, y / cell);
            total += amplitude;
            amplitude *= 0.55;
            cell = MAX (cell / 2, 1.0);
          }
        sum /= total;
        sum = CLAMP ((sum - 0.25) / 0.5, 0, 1);
        layer[(gsize) y * width + x] = (float) (0.15 + 0.7 * sum * sum * (3 - 2 * sum));
      }

  /* The crystals: dendrites from random seeds, longer where the cloud is
   * thick, each with its side branches. */
  augur_rng_init (&rng, frost_mix (seed + 1));
  for (guint i = 0; i < n_crystals; i++)
    {
      double x = augur_rng_range (&rng, 0, width), y = augur_rng_range (&rng, 0, height);
      double angle = augur_rng_range (&rng, 0, 2 * G_PI);
      double length = augur_rng_range (&rng, 4, 18) * scale;
      int arms = (int) augur_rng_int (&rng, 1, 3);

      for (int a = 0; a < arms; a++)
        frost_needle (layer, width, height, &rng, x, y, angle + a * 2 * G_PI / 3, length,
                      (float) augur_rng_range (&rng, 0.15, 0.45), 2);
    }

  for (gsize i = 0; i < n; i++)
    layer[i] = MIN (layer[i], 1.0f);
  return layer;
}

/* Frost ------------------------------------------------------------------------ */

enum { FROST_IMAGE_WEIGHT, FROST_FROST_WEIGHT };

static const AugurParamSpec frost_params[] = {
  [FROST_IMAGE_WEIGHT] = {
    .name = "image_weight", .label = "Image weight",
    .description = "How much of the image remains (ImageNet-C: 1 at severity 1 down to 0.6 at 5)",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0, .max = 2, .ui_min = 0.3, .ui_max = 1, .step = 0.01, .def = { 0.7 } },
  [FROST_FROST_WEIGHT] = {
    .name = "frost_weight", .label = "Frost weight",
    .description = "How much frost is added (ImageNet-C: 0.4 at severity 1 up to 0.75 at 5)",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0, .max = 2, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.7 } },
};

static const AugurDrawnSpec frost_drawn[] = {
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
frost_sample (const AugurValue *params,
              const AugurShape *in,
              AugurRng         *rng,
              AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/* The ice's colour: a cold white, as in photographs of frost on glass. */
static const float frost_colour[3] = { 215, 232, 255 };

static AugurImage *
frost_apply (const AugurImage *src,
             const AugurValue *params,
             const AugurDrawn *drawn)
{
  float a = (float) params[FROST_IMAGE_WEIGHT].v[0], b = (float) params[FROST_FROST_WEIGHT].v[0];
  g_autofree float *ice = augur_frost_texture (src->width, src->height,
                                               (guint64) augur_drawn_get (drawn, "seed"));
  AugurImage *out = augur_image_new_like_uninitialized (src);
  int nc = src->channels, cc = nc == 4 ? 3 : nc;
  float gray = 0.299f * frost_colour[0] + 0.587f * frost_colour[1] + 0.114f * frost_colour[2];

  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);
      const float *t = ice + (gsize) y * src->width;

      for (int x = 0; x < src->width; x++)
        {
          for (int c = 0; c < cc; c++)
            {
              float colour = cc == 1 ? gray : frost_colour[c];
              float v = a * s[x * nc + c] + b * t[x] * colour;

              d[x * nc + c] = (guint8) CLAMP (v + 0.5f, 0, 255);
            }
          if (nc == 4)
            d[x * nc + 3] = s[x * nc + 3];
        }
    }
  return out;
}

/* The table ---------------------------------------------------------------------- */

const AugurTransformInfo augur_stress_transforms[] = {
  { .name = "Frost", .label = "Frost",
    .category = AUGUR_CATEGORY_WEATHER,
    .description = "Ice crystals and frost on the lens or window, drawn procedurally and blended "
                   "as ImageNet-C blends its frost photographs. On gray the ice is gray.",
    .version = 1, .default_p = 0.5,
    .params = frost_params, .n_params = G_N_ELEMENTS (frost_params),
    .drawn = frost_drawn, .sample = frost_sample, .apply = frost_apply,
    .alb = { .unsupported = TRUE,
             .hint = "Albumentations has no frost transform; leave the step out, or blend a frost "
                     "photograph in your training code" } },
};

const guint augur_n_stress_transforms = G_N_ELEMENTS (augur_stress_transforms);
