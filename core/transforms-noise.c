/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-transform-private.h"

/* Fills @out with @n normal deviates (Marsaglia's polar method, both of
 * each pair used), scaled by @std and shifted by @mean. */
static void
fill_normal (AugurRng *rng,
             float    *out,
             gsize     n,
             double    mean,
             double    std)
{
  for (gsize i = 0; i < n; i += 2)
    {
      double u, v, s, f;

      do
        {
          u = 2.0 * augur_rng_uniform (rng) - 1.0;
          v = 2.0 * augur_rng_uniform (rng) - 1.0;
          s = u * u + v * v;
        }
      while (s >= 1.0 || s == 0.0);
      /* Single precision is plenty for pixel noise, and twice as fast. */
      f = std * sqrtf (-2.0f * logf ((float) s) / (float) s);

      out[i] = (float) (mean + u * f);
      if (i + 1 < n)
        out[i + 1] = (float) (mean + v * f);
    }
}

/*
 * Bilinear upscaling of an interleaved float field (@planes values a
 * pixel) from @sw x @sh to @dw x @dh, with pixel centres aligned as OpenCV's
 * INTER_LINEAR (coordinates below 0 clamped to the first pixel).
 */
static float *
upscale_linear (const float *src,
                int          sw,
                int          sh,
                int          planes,
                int          dw,
                int          dh)
{
  float *dst = g_new (float, (gsize) dw * dh * planes);
  g_autofree int *x0 = g_new (int, dw);
  g_autofree int *x1 = g_new (int, dw);
  g_autofree float *ax = g_new (float, dw);

  for (int x = 0; x < dw; x++)
    {
      double fx = MAX ((x + 0.5) * sw / dw - 0.5, 0.0);
      int i = (int) floor (fx);

      x0[x] = MIN (i, sw - 1);
      x1[x] = MIN (i + 1, sw - 1);
      ax[x] = (float) (fx - i);
    }

  for (int y = 0; y < dh; y++)
    {
      double fy = MAX ((y + 0.5) * sh / dh - 0.5, 0.0);
      int j = (int) floor (fy);
      float ay = (float) (fy - j);
      const float *r0 = src + (gsize) MIN (j, sh - 1) * sw * planes;
      const float *r1 = src + (gsize) MIN (j + 1, sh - 1) * sw * planes;
      float *d = dst + (gsize) y * dw * planes;

      for (int x = 0; x < dw; x++)
        for (int c = 0; c < planes; c++)
          {
            float top = r0[x0[x] * planes + c] + ax[x] * (r0[x1[x] * planes + c] - r0[x0[x] * planes + c]);
            float bot = r1[x0[x] * planes + c] + ax[x] * (r1[x1[x] * planes + c] - r1[x0[x] * planes + c]);

            d[x * planes + c] = top + ay * (bot - top);
          }
    }

  return dst;
}

/* GaussNoise --------------------------------------------------------------------- */

enum { GN_STD, GN_MEAN, GN_PER_CHANNEL, GN_SCALE };

static const AugurParamSpec gn_params[] = {
  [GN_STD] = {
    .name = "std_range", .label = "Standard deviation",
    .description = "Range of the noise's standard deviation, as a fraction of 255",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.5, .step = 0.01, .def = { 0.2, 0.44 } },
  [GN_MEAN] = {
    .name = "mean_range", .label = "Mean",
    .description = "Range of the noise's mean, as a fraction of 255",
    .type = AUGUR_PARAM_RANGE,
    .min = -1, .max = 1, .ui_min = -0.2, .ui_max = 0.2, .step = 0.01, .def = { 0, 0 } },
  [GN_PER_CHANNEL] = {
    .name = "per_channel", .label = "Per channel",
    .description = "Draw the noise of each colour channel separately; otherwise one value a pixel, added to every channel",
    .type = AUGUR_PARAM_BOOL, .def = { 1 } },
  [GN_SCALE] = {
    .name = "noise_scale_factor", .label = "Noise scale",
    .description = "Resolution of the noise field relative to the image; below 1 the noise is "
                   "drawn smaller and upscaled bilinearly (coarser grain, faster)",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0.01, .max = 1, .ui_min = 0.1, .ui_max = 1, .step = 0.05, .def = { 1 } },
};

/* The noise field itself is not stored: it is regenerated from "seed". */
static const AugurDrawnSpec gn_drawn[] = {
  { "std", FALSE, 0, 1 },
  { "mean", FALSE, -1, 1 },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK },
  { NULL },
};

static void
gn_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "std", augur_rng_range (rng, params[GN_STD].v[0], params[GN_STD].v[1]));
  augur_drawn_set (drawn, "mean", augur_rng_range (rng, params[GN_MEAN].v[0], params[GN_MEAN].v[1]));
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/*
 * Albumentations' GaussNoise: N(mean, std) (both times 255) added and
 * clipped, per colour channel or one value a pixel shared by them, drawn
 * at noise_scale_factor of the size and upscaled bilinearly. The alpha of
 * an RGBA image is left alone (Albumentations would add noise to it too).
 */
static AugurImage *
gn_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  double std = augur_drawn_get (drawn, "std") * 255.0;
  double mean = augur_drawn_get (drawn, "mean") * 255.0;
  guint64 seed = (guint64) augur_drawn_get (drawn, "seed");
  double factor = params[GN_SCALE].v[0];
  int w = src->width, h = src->height, nc = src->channels;
  int cc = nc == 4 ? 3 : nc;
  int planes = AUGUR_PARAM_BOOL_VALUE (params, GN_PER_CHANNEL) ? cc : 1;
  int nw = w, nh = h;
  g_autofree float *noise = NULL;
  AugurImage *out;
  AugurRng rng;

  augur_rng_init (&rng, seed);

  if (factor < 1.0)
    {
      nw = MAX (1, (int) (w * factor));
      nh = MAX (1, (int) (h * factor));
    }
  noise = g_new (float, (gsize) nw * nh * planes);
  fill_normal (&rng, noise, (gsize) nw * nh * planes, mean, std);
  if (nw != w || nh != h)
    {
      float *full = upscale_linear (noise, nw, nh, planes, w, h);

      g_free (noise);
      noise = full;
    }

  out = augur_image_new_like (src);
  for (int y = 0; y < h; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);
      const float *n = noise + (gsize) y * w * planes;

      for (int x = 0; x < w; x++, s += nc, d += nc, n += planes)
        {
          /* Branch-free clamping: the noise crosses 0 and 255 at random. */
          for (int c = 0; c < cc; c++)
            d[c] = (guint8) (fminf (fmaxf (s[c] + n[planes == 1 ? 0 : c], 0.0f), 255.0f) + 0.5f);
          if (nc == 4)
            d[3] = s[3];
        }
    }

  return out;
}

/* The table ---------------------------------------------------------------------- */

const AugurTransformInfo augur_noise_transforms[] = {
  {
    .name = "GaussNoise",
    .label = "Gaussian noise",
    .category = AUGUR_CATEGORY_NOISE,
    .description = "Add Gaussian noise of random strength.",
    .version = 1,
    .default_p = 0.5,
    .params = gn_params,
    .n_params = G_N_ELEMENTS (gn_params),
    .drawn = gn_drawn,
    .sample = gn_sample,
    .apply = gn_apply,
  },
};

const guint augur_n_noise_transforms = G_N_ELEMENTS (augur_noise_transforms);
