/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>

#include "augur-hls-rows.h"
#include "augur-simd.h"

/* Row kernels in HLS for ISONoise. */

/*
 * A hue rotation in HLS with lightness and saturation kept, without the
 * round trip through them. In HLS every channel of a colour is
 * min + (max - min) g (hue + offset), with g the trapezoid that rises over
 * the first sixth of the circle, is 1 over the next two, falls over the
 * fourth and is 0 over the last two, and offsets of +1/3 (red), 0 (green)
 * and -1/3 (blue) of the circle. Lightness (max + min) / 2 and saturation,
 * a function of max and min, are kept exactly when max and min are, so the
 * rotated colour is min + (max - min) g (hue + shift + offset) with the
 * same max and min. Everything here is in bytes and sixths of the circle,
 * with no branch, so that the loop vectorises.
 */

/* g (t), t in sixths of the circle, any real. Written without a
 * condition on floats: floating point work after one may not be merged
 * across it, so the compiler would keep branches and stop vectorising. */
static inline float
hue_weight (float t)
{
  float q = t * (1.0f / 6.0f), g;
  /* floor (q), as truncation corrected below 0 (no libm call). */
  int turns = (int) q;

  turns -= q < (float) turns;
  t -= 6.0f * (float) turns;
  /* min (t, 4 - t) on [0, 6), then clamped to [0, 1] with
   * max (x, 0) = (x + |x|) / 2 and min (x, 1) = (x + 1 - |x - 1|) / 2. */
  g = 2.0f - fabsf (t - 2.0f);
  g = 0.5f * (g + fabsf (g));
  return 0.5f * (g + 1.0f - fabsf (g - 1.0f));
}

/* @nc a constant at each call, so that each copy has fixed strides. */
static G_ALWAYS_INLINE inline void
rotate_pixels (const guint8 *restrict s,
               const float  *restrict shift,
               guint8       *restrict d,
               int                    w,
               const int              nc)
{
  for (int x = 0; x < w; x++)
    {
      int ri = s[x * nc], gi = s[x * nc + 1], bi = s[x * nc + 2];
      int mxi = MAX (ri, MAX (gi, bi)), mni = MIN (ri, MIN (gi, bi));
      float r = ri, g = gi, b = bi, mn = mni, c = mxi - mni;
      /* c is a whole number of levels, where adding 1e-30 changes
       * nothing; where it is 0 so is every difference (0 / 1e-30 = 0),
       * and the hue does not matter. No branch, no select: the compiler
       * would move the division under one and stop vectorising. */
      float inv = 1.0f / (c + 1e-30f);
      /* The sector of the largest channel (red first, then green), chosen
       * by weights of 0 and 1 rather than a condition: floating point
       * work under a condition may not be done ahead of it, and the
       * compiler would keep a branch and stop vectorising. */
      float wr = (float) (mxi == ri), wg = (float) (mxi != ri && mxi == gi), wb = 1.0f - wr - wg;
      float h = wr * ((g - b) * inv) + wg * (2.0f + (b - r) * inv) + wb * (4.0f + (r - g) * inv);

      h += shift[x];
      /* Between min and max: no clamp needed. */
      d[x * nc] = (guint8) (int) (mn + c * hue_weight (h + 2.0f) + 0.5f);
      d[x * nc + 1] = (guint8) (int) (mn + c * hue_weight (h) + 0.5f);
      d[x * nc + 2] = (guint8) (int) (mn + c * hue_weight (h - 2.0f) + 0.5f);
      if (nc == 4)
        d[x * nc + 3] = s[x * nc + 3];
    }
}

AUGUR_SIMD_CLONES static void
hue_rotate_row (const guint8 *restrict src,
                const float  *restrict shift,
                guint8       *restrict dest,
                int                    width,
                int                    channels)
{
  if (channels == 4)
    rotate_pixels (src, shift, dest, width, 4);
  else
    rotate_pixels (src, shift, dest, width, 3);
}

/**
 * augur_hue_rotate_row:
 * @src: a row of RGB or RGBA bytes
 * @shift: each pixel's hue shift, in sixths of the hue circle (60 degrees)
 * @dest: where the row goes (alpha copied)
 * @width: the number of pixels
 * @channels: 3 or 4
 *
 * Rotates each pixel's HLS hue by its shift, lightness and saturation
 * kept: the same colours as the round trip through HLS (augur_rgb_to_hls,
 * augur_hls_to_rgb), within one level.
 */
void
augur_hue_rotate_row (const guint8 *src,
                      const float  *shift,
                      guint8       *dest,
                      int           width,
                      int           channels)
{
  g_return_if_fail (channels == 3 || channels == 4);

  hue_rotate_row (src, shift, dest, width, channels);
}

/* Twice the HLS lightness in levels, max + min (0..510), summed with its
 * square over at most LIGHTNESS_CHUNK pixels: 510^2 times that fits 32
 * bits, so the sums vectorise in 32-bit lanes. */
#define LIGHTNESS_CHUNK 8192

static G_ALWAYS_INLINE inline void
lightness_chunk (const guint8 *restrict s,
                 int                    n,
                 const int              nc,
                 guint32               *sum,
                 guint32               *sum2)
{
  guint32 a = 0, b = 0;

  for (int x = 0; x < n; x++)
    {
      guint32 v = nc == 1 ? 2u * s[x]
                          : (guint32) MAX (s[x * nc], MAX (s[x * nc + 1], s[x * nc + 2])) +
                            MIN (s[x * nc], MIN (s[x * nc + 1], s[x * nc + 2]));

      a += v;
      b += v * v;
    }
  *sum = a;
  *sum2 = b;
}

AUGUR_SIMD_CLONES static void
lightness_sums (const guint8 *restrict src,
                int                    width,
                int                    channels,
                guint64               *sum,
                guint64               *sum2)
{
  for (int x = 0; x < width; x += LIGHTNESS_CHUNK)
    {
      const guint8 *s = src + (gsize) x * channels;
      int n = MIN (LIGHTNESS_CHUNK, width - x);
      guint32 a, b;

      if (channels == 1)
        lightness_chunk (s, n, 1, &a, &b);
      else if (channels == 3)
        lightness_chunk (s, n, 3, &a, &b);
      else
        lightness_chunk (s, n, 4, &a, &b);
      *sum += a;
      *sum2 += b;
    }
}

/**
 * augur_lightness_sums:
 * @src: a row of gray, RGB or RGBA bytes
 * @width: the number of pixels
 * @channels: 1, 3 or 4
 * @sum: adds the sum of max + min over the row (twice the HLS lightness,
 *   in levels; a gray level counts twice)
 * @sum2: adds the sum of its squares
 *
 * Exact integer sums, for the mean and spread of the lightness.
 */
void
augur_lightness_sums (const guint8 *src,
                      int           width,
                      int           channels,
                      guint64      *sum,
                      guint64      *sum2)
{
  g_return_if_fail (channels == 1 || channels == 3 || channels == 4);

  lightness_sums (src, width, channels, sum, sum2);
}
