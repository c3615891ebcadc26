/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <string.h>

#include "augur-simd.h"
#include "augur-weather-kernels.h"

/* d[i] += k * s[i], the inner loop of both passes. */
AUGUR_SIMD_CLONES static void
mac_row (float       *restrict d,
         const float *restrict s,
         float                 k,
         gsize                 n)
{
  for (gsize i = 0; i < n; i++)
    d[i] += k * s[i];
}

/* d = s, bytes to floats. */
AUGUR_SIMD_CLONES void
augur_weather_bytes_to_floats (const guint8 *restrict s,
                               float        *restrict d,
                               gsize                  n)
{
  for (gsize i = 0; i < n; i++)
    d[i] = s[i];
}

/* d = s rounded and saturated to 0..255, in a loop the compiler vectorises. */
AUGUR_SIMD_CLONES void
augur_weather_floats_to_bytes (const float *restrict s,
                               guint8      *restrict d,
                               gsize                 n)
{
  for (gsize i = 0; i < n; i++)
    {
      float v = s[i] + 0.5f;

      v = v < 0.0f ? 0.0f : v;
      v = v > 255.0f ? 255.0f : v;
      d[i] = (guint8) (int) v;
    }
}

/**
 * augur_weather_sep_filter:
 * @kernel: @ksize taps (odd), applied along both axes
 *
 * Filters @planes interleaved float planes in place with the separable
 * kernel, borders replicated. Each pass is a sum of whole shifted rows
 * scaled by one tap, so the loops run over contiguous memory and vectorise.
 */
void
augur_weather_sep_filter (float       *data,
                          int          width,
                          int          height,
                          int          planes,
                          const float *kernel,
                          int          ksize)
{
  int r = ksize / 2;
  gsize row = (gsize) width * planes;
  g_autofree float *tmp = g_new (float, row * height);
  g_autofree float *pad = g_new (float, row + (gsize) 2 * r * planes);

  g_return_if_fail (ksize % 2 == 1);

  /* Vertical pass into tmp. */
  for (int y = 0; y < height; y++)
    {
      float *d = tmp + (gsize) y * row;

      memset (d, 0, row * sizeof (float));
      for (int j = 0; j < ksize; j++)
        {
          int sy = CLAMP (y + j - r, 0, height - 1);

          mac_row (d, data + (gsize) sy * row, kernel[j], row);
        }
    }

  /* Horizontal pass back into data, through a row padded on both sides. */
  for (int y = 0; y < height; y++)
    {
      const float *s = tmp + (gsize) y * row;
      float *d = data + (gsize) y * row;

      for (int x = 0; x < r; x++)
        for (int c = 0; c < planes; c++)
          {
            pad[(gsize) x * planes + c] = s[c];
            pad[(gsize) (width + r + x) * planes + c] = s[(gsize) (width - 1) * planes + c];
          }
      memcpy (pad + (gsize) r * planes, s, row * sizeof (float));
      memset (d, 0, row * sizeof (float));
      for (int j = 0; j < ksize; j++)
        mac_row (d, pad + (gsize) j * planes, kernel[j], row);
    }
}

/* A Gaussian of standard deviation @sigma, cut at three sigma. Wide ones
 * (sigma over 5) run on a copy reduced by box averaging by f = sigma / 2.5
 * and are upscaled bilinearly: at 2.5 pixels of the reduced copy the result
 * is smooth enough for the interpolation to be invisible, and the cost
 * stays that of a filter of at most 31 taps. */
void
augur_weather_gaussian (float *data,
                        int    width,
                        int    height,
                        int    planes,
                        double sigma)
{
  int f = sigma > 5 ? (int) floor (sigma / 2.5) : 1;

  if (sigma <= 0)
    return;

  if (f > 1 && width >= 4 * f && height >= 4 * f)
    {
      int sw = width / f, sh = height / f;
      g_autofree float *small = g_new0 (float, (gsize) sw * sh * planes);
      float inv = 1.0f / (f * f);

      for (int sy = 0; sy < sh; sy++)
        {
          float *d = small + (gsize) sy * sw * planes;

          for (int k = 0; k < f; k++)
            {
              const float *s = data + (gsize) (sy * f + k) * width * planes;

              for (int sx = 0; sx < sw; sx++)
                for (int j = 0; j < f; j++)
                  for (int c = 0; c < planes; c++)
                    d[sx * planes + c] += s[(sx * f + j) * planes + c] * inv;
            }
        }

      augur_weather_gaussian (small, sw, sh, planes, sqrt (MAX (sigma * sigma / (f * f) - 0.25, 0.25)));

      {
        g_autofree float *big = augur_weather_upscale (small, sw, sh, planes, width, height);

        memcpy (data, big, (gsize) width * height * planes * sizeof (float));
      }
      return;
    }

  {
    int r = MAX (1, (int) ceil (3 * sigma));
    int ksize = 2 * r + 1;
    g_autofree float *k = g_new (float, ksize);
    double sum = 0;

    for (int i = 0; i < ksize; i++)
      sum += k[i] = (float) exp (-0.5 * (i - r) * (i - r) / (sigma * sigma));
    for (int i = 0; i < ksize; i++)
      k[i] = (float) (k[i] / sum);
    augur_weather_sep_filter (data, width, height, planes, k, ksize);
  }
}

/* The mean over a @ksize square (OpenCV's blur with an odd size). */
void
augur_weather_box (float *data,
                   int    width,
                   int    height,
                   int    planes,
                   int    ksize)
{
  g_autofree float *k = NULL;

  ksize |= 1;
  if (ksize <= 1)
    return;
  k = g_new (float, ksize);
  for (int i = 0; i < ksize; i++)
    k[i] = 1.0f / ksize;
  augur_weather_sep_filter (data, width, height, planes, k, ksize);
}

/* One input row interpolated horizontally at the output's columns. */
static void
horizontal_row (const float *restrict r,
                const int   *restrict x0,
                const int   *restrict x1,
                const float *restrict ax,
                int                   dw,
                int                   planes,
                float       *restrict d)
{
  /* The common plane counts as loops of their own, unrolled. */
  if (planes == 1)
    for (int x = 0; x < dw; x++)
      d[x] = r[x0[x]] + ax[x] * (r[x1[x]] - r[x0[x]]);
  else if (planes == 3)
    for (int x = 0; x < dw; x++)
      for (int c = 0; c < 3; c++)
        d[x * 3 + c] = r[x0[x] + c] + ax[x] * (r[x1[x] + c] - r[x0[x] + c]);
  else
    for (int x = 0; x < dw; x++)
      for (int c = 0; c < planes; c++)
        d[x * planes + c] = r[x0[x] + c] + ax[x] * (r[x1[x] + c] - r[x0[x] + c]);
}

/* d = a + t (b - a). */
AUGUR_SIMD_CLONES static void
lerp_rows (const float *restrict a,
           const float *restrict b,
           float                 t,
           float       *restrict d,
           gsize                 n)
{
  for (gsize i = 0; i < n; i++)
    d[i] = a[i] + t * (b[i] - a[i]);
}

/**
 * augur_upscaler_init:
 *
 * Bilinear upscaling of @planes interleaved float planes from @sw x @sh to
 * @dw x @dh, pixel centres aligned as OpenCV's INTER_LINEAR (coordinates
 * below 0 clamped to the first pixel), one output row at a time, so that a
 * caller can consume a large field without it ever existing at full size.
 * Each horizontally interpolated input row is kept while consecutive output
 * rows read it.
 */
void
augur_upscaler_init (AugurUpscaler *u,
                     const float   *src,
                     int            sw,
                     int            sh,
                     int            planes,
                     int            dw,
                     int            dh)
{
  gsize drow = (gsize) dw * planes;

  u->src = src;
  u->sw = sw;
  u->sh = sh;
  u->planes = planes;
  u->dw = dw;
  u->dh = dh;
  u->x0 = g_new (int, dw);
  u->x1 = g_new (int, dw);
  u->ax = g_new (float, dw);
  u->top = g_new (float, drow);
  u->bottom = g_new (float, drow);
  u->row = g_new (float, drow);
  u->cached = -1;
  for (int x = 0; x < dw; x++)
    {
      double fx = MAX ((x + 0.5) * sw / dw - 0.5, 0.0);
      int i = (int) floor (fx);

      u->x0[x] = MIN (i, sw - 1) * planes;
      u->x1[x] = MIN (i + 1, sw - 1) * planes;
      u->ax[x] = (float) (fx - i);
    }
}

/* Output row @y (dw * planes floats, valid until the next call). */
const float *
augur_upscaler_row (AugurUpscaler *u,
                    int            y)
{
  double fy = MAX ((y + 0.5) * u->sh / u->dh - 0.5, 0.0);
  int j = (int) floor (fy);
  gsize srow = (gsize) u->sw * u->planes;

  if (j != u->cached)
    {
      horizontal_row (u->src + (gsize) MIN (j, u->sh - 1) * srow, u->x0, u->x1, u->ax, u->dw, u->planes, u->top);
      horizontal_row (u->src + (gsize) MIN (j + 1, u->sh - 1) * srow, u->x0, u->x1, u->ax, u->dw, u->planes,
                      u->bottom);
      u->cached = j;
    }
  lerp_rows (u->top, u->bottom, (float) (fy - j), u->row, (gsize) u->dw * u->planes);
  return u->row;
}

void
augur_upscaler_clear (AugurUpscaler *u)
{
  g_clear_pointer (&u->x0, g_free);
  g_clear_pointer (&u->x1, g_free);
  g_clear_pointer (&u->ax, g_free);
  g_clear_pointer (&u->top, g_free);
  g_clear_pointer (&u->bottom, g_free);
  g_clear_pointer (&u->row, g_free);
}

/* The whole upscaled field (see augur_upscaler_init()). */
float *
augur_weather_upscale (const float *src,
                       int          sw,
                       int          sh,
                       int          planes,
                       int          dw,
                       int          dh)
{
  gsize drow = (gsize) dw * planes;
  float *dst = g_new (float, drow * dh);
  AugurUpscaler u;

  augur_upscaler_init (&u, src, sw, sh, planes, dw, dh);
  for (int y = 0; y < dh; y++)
    memcpy (dst + (gsize) y * drow, augur_upscaler_row (&u, y), drow * sizeof (float));
  augur_upscaler_clear (&u);
  return dst;
}
