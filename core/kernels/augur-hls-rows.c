/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>

#include "augur-hls-rows.h"
#include "augur-simd.h"

/* Row kernels in HLS for ISONoise. */

/*
 * A hue rotation and lightness gain in HLS, saturation kept, without the
 * round trip's branches. In HLS every channel of a colour is
 * p1 + (p2 - p1) g (hue + offset), with g the trapezoid that rises over
 * the first sixth of the circle, is 1 over the next two, falls over the
 * fourth and is 0 over the last two, offsets of +1/3 (red), 0 (green) and
 * -1/3 (blue) of the circle, and p2 and p1 the largest and smallest
 * channel, functions of lightness and saturation. The hue comes straight
 * from the bytes; everything is in sixths of the circle and written
 * without a condition on floats (floating point work after one may not be
 * merged across it, and the compiler would keep branches and stop
 * vectorising): selects are weights of 0 and 1, clamps are absolute
 * values.
 */

/* t - 6 floor (t / 6): t in sixths of the circle taken into [0, 6).
 * floor as truncation corrected below 0 (no libm call). */
static inline float
wrap_sixths (float t)
{
  float q = t * (1.0f / 6.0f);
  int turns = (int) q;

  turns -= q < (float) turns;
  return t - 6.0f * (float) turns;
}

/* g for a channel whose trapezoid is centred @centre sixths from the
 * hue, h in [0, 6): the trapezoid is 1 within one sixth of its centre
 * (two sixths after its rise starts) and falls to 0 at two, so g is
 * 2 - d clamped to [0, 1], d the distance round the circle,
 * 3 - |3 - |h - centre||. Clamps by max (x, 0) = (x + |x|) / 2 and
 * min (x, 1) = (x + 1 - |x - 1|) / 2. */
static inline float
hue_weight (float h,
            float centre)
{
  float g = fabsf (3.0f - fabsf (h - centre)) - 1.0f;

  g = 0.5f * (g + fabsf (g));
  return 0.5f * (g + 1.0f - fabsf (g - 1.0f));
}

/* @nc a constant at each call, so that each copy has fixed strides. */
static G_ALWAYS_INLINE inline void
turn_lighten_pixels (const guint8 *restrict s,
                     const float  *restrict shift,
                     const float  *restrict gain,
                     guint8       *restrict d,
                     int                    w,
                     const int              nc)
{
  for (int x = 0; x < w; x++)
    {
      int ri = s[x * nc], gi = s[x * nc + 1], bi = s[x * nc + 2];
      int mxi = MAX (ri, MAX (gi, bi)), mni = MIN (ri, MIN (gi, bi));
      /* The saturation's denominator, in levels: max + min below half
       * lightness, 510 - max - min above. */
      int den = mxi + mni < 255 ? mxi + mni : 510 - mxi - mni;
      /* The hue's sector and place in it, from the largest channel (red
       * first, then green): selects on integers. */
      int num = mxi == ri ? gi - bi : mxi == gi ? bi - ri : ri - gi;
      int sector = mxi == ri ? 0 : mxi == gi ? 2 : 4;
      float c = mxi - mni;
      /* 1 / c and the saturation c / den from one division: c den is a
       * whole number, where adding 1e-30 changes nothing; where c is 0
       * so is num (0 times anything finite is 0), and neither hue nor
       * saturation matters. */
      float q = 1.0f / (c * (float) den + 1e-30f);
      float sat = c * c * q;
      float h = (float) sector + (float) num * ((float) den * q);
      float l = (mxi + mni) * (0.5f / 255.0f), lo, p1, p2;

      /* The hue on [0, 6); green's trapezoid is centred at 2 sixths,
       * red's at 0 and blue's at 4. */
      h = wrap_sixths (h + shift[x]);
      /* L + gain (1 - L), at most 1: min (x, 1) = (x + 1 - |x - 1|) / 2. */
      l += gain[x] * (1.0f - l);
      l = 0.5f * (l + 1.0f - fabsf (l - 1.0f));
      lo = (float) (l <= 0.5f);
      p2 = lo * (l * (1.0f + sat)) + (1.0f - lo) * (l + sat - l * sat);
      p1 = 2.0f * l - p2;
      /* Between p1 and p2, inside 0..1: no clamp needed. */
      d[x * nc] = (guint8) (int) ((p1 + (p2 - p1) * hue_weight (h, 0.0f)) * 255.0f + 0.5f);
      d[x * nc + 1] = (guint8) (int) ((p1 + (p2 - p1) * hue_weight (h, 2.0f)) * 255.0f + 0.5f);
      d[x * nc + 2] = (guint8) (int) ((p1 + (p2 - p1) * hue_weight (h, 4.0f)) * 255.0f + 0.5f);
      if (nc == 4)
        d[x * nc + 3] = s[x * nc + 3];
    }
}

AUGUR_SIMD_CLONES static void
turn_lighten_row (const guint8 *restrict src,
                  const float  *restrict shift,
                  const float  *restrict gain,
                  guint8       *restrict dest,
                  int                    width,
                  int                    channels)
{
  if (channels == 4)
    turn_lighten_pixels (src, shift, gain, dest, width, 4);
  else
    turn_lighten_pixels (src, shift, gain, dest, width, 3);
}

/**
 * augur_hls_turn_lighten_row:
 * @src: a row of RGB or RGBA bytes
 * @shift: each pixel's hue shift, in sixths of the hue circle (60 degrees)
 * @gain: each pixel's lightness gain: L becomes L + gain (1 - L), at most 1
 * @dest: where the row goes (alpha copied)
 * @width: the number of pixels
 * @channels: 3 or 4
 *
 * Turns each pixel's HLS hue and raises its lightness, saturation kept:
 * the colours of the round trip through HLS (augur_rgb_to_hls,
 * augur_hls_to_rgb) within one level.
 */
void
augur_hls_turn_lighten_row (const guint8 *src,
                            const float  *shift,
                            const float  *gain,
                            guint8       *dest,
                            int           width,
                            int           channels)
{
  g_return_if_fail (channels == 3 || channels == 4);

  turn_lighten_row (src, shift, gain, dest, width, channels);
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

/* out[i] = scale * table[idx[i]], gathered in vectors where the
 * instruction set has them. */
AUGUR_SIMD_CLONES static void
scaled_lookup (const float   *restrict table,
               const guint16 *restrict idx,
               float         *restrict out,
               gsize                   n,
               float                   scale)
{
  for (gsize i = 0; i < n; i++)
    out[i] = scale * table[idx[i]];
}

/**
 * augur_scaled_lookup:
 * @table: a table of 65536 values
 * @idx: indices into it
 * @out: where the values go
 * @n: how many
 * @scale: a factor for every value
 *
 * @out[i] = @scale * @table[@idx[i]]: deviates from a quantile table and
 * 16-bit uniform indices.
 */
void
augur_scaled_lookup (const float   *table,
                     const guint16 *idx,
                     float         *out,
                     gsize          n,
                     float          scale)
{
  scaled_lookup (table, idx, out, n, scale);
}

/* How many of the first four thresholds each uniform reaches, times
 * @scale; whether any reaches the fourth. */
AUGUR_SIMD_CLONES static gboolean
speckle_gain_row (const guint32 *restrict u,
                  const guint32 *restrict cdf,
                  float                   scale,
                  float         *restrict gain,
                  int                     width)
{
  guint32 c0 = cdf[0], c1 = cdf[1], c2 = cdf[2], c3 = cdf[3];
  int beyond = 0;

  for (int x = 0; x < width; x++)
    {
      int k = (u[x] >= c0) + (u[x] >= c1) + (u[x] >= c2) + (u[x] >= c3);

      gain[x] = scale * (float) k;
      beyond |= k == 4;
    }
  return beyond;
}

/**
 * augur_speckle_gain_row:
 * @u: uniform 32-bit values, one a pixel
 * @cdf: 16 cumulative probabilities of the count, as 32-bit thresholds
 * @scale: the gain of one count
 * @gain: where each pixel's gain goes
 * @width: the number of pixels
 *
 * Inversion, pixel by pixel: the count k of a pixel is the number of
 * thresholds among the first 15 its uniform reaches (the first at or
 * above it is cdf[k]), and its gain is @scale k. Counts below 4 are
 * found in vectors; the rare larger ones one at a time.
 */
void
augur_speckle_gain_row (const guint32 *u,
                        const guint32 *cdf,
                        float          scale,
                        float         *gain,
                        int            width)
{
  if (!speckle_gain_row (u, cdf, scale, gain, width))
    return;
  for (int x = 0; x < width; x++)
    if (u[x] >= cdf[3])
      {
        int k = 4;

        while (k < 15 && u[x] >= cdf[k])
          k++;
        gain[x] = scale * (float) k;
      }
}
