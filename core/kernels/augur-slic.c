/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-simd.h"
#include "augur-slic.h"

/*
 * The SLIC of Albumentations 2.0.8 (its own, in numpy: slic() in
 * albumentations/augmentations/pixel/functional.py): centres on a grid of
 * step sqrt(pixels / n), colours scaled by the image's maximum, ten rounds
 * in which each centre in turn claims the pixels within a step of it whose
 * distance (squared colour difference to the centre pixel plus 10 times
 * the squared spatial distance in steps) beats their current one, and each
 * centre then moves to the mean position of its pixels (truncated). Labels
 * of -1 are pixels no centre reached.
 *
 * The distances are computed in single precision exactly as a pixel at a
 * time would: each channel difference is a whole number, so converting the
 * channel values to float first and subtracting gives the same float; the
 * spatial term depends only on the offset from the centre and is read from
 * a table. The colour channels are kept as planes of floats, so that a row
 * of a centre's window is a vector loop.
 */

/* One row of a centre's window, @n pixels, against the centre's colour
 * (@c0, @c1, @c2 as floats) and the spatial terms @sp. */
static inline void
claim_row (float       *restrict dist,
           int         *restrict labels,
           const float *restrict p0,
           const float *restrict p1,
           const float *restrict p2,
           int                   cc,
           float                 c0,
           float                 c1,
           float                 c2,
           float                 scale,
           const float *restrict sp,
           int                   n,
           int                   label)
{
  if (cc == 3)
    for (int x = 0; x < n; x++)
      {
        float d0 = (p0[x] - c0) * scale;
        float d1 = (p1[x] - c1) * scale;
        float d2 = (p2[x] - c2) * scale;
        float dd = d0 * d0 + d1 * d1 + d2 * d2 + sp[x];
        gboolean better = dd < dist[x];

        dist[x] = better ? dd : dist[x];
        labels[x] = better ? label : labels[x];
      }
  else
    for (int x = 0; x < n; x++)
      {
        float d0 = (p0[x] - c0) * scale;
        float dd = d0 * d0 + sp[x];
        gboolean better = dd < dist[x];

        dist[x] = better ? dd : dist[x];
        labels[x] = better ? label : labels[x];
      }
}

/* A centre at (@px, @py) claims what it can of its window, rows [@y0,
 * @y1) and columns [@x0, @x1) of the @w wide planes (@cc of them, @npix
 * apart). */
AUGUR_SIMD_CLONES static void
claim_window (float       *dist,
              int         *labels,
              const float *planes,
              gsize        npix,
              int          w,
              int          cc,
              int          px,
              int          py,
              int          x0,
              int          x1,
              int          y0,
              int          y1,
              float        scale,
              const float *spatial,
              int          step,
              int          label)
{
  gsize at = (gsize) py * w + px, second = cc == 3 ? npix : 0;
  float c0 = planes[at], c1 = planes[second + at], c2 = planes[2 * second + at];
  int span = 2 * step + 1;

  for (int y = y0; y < y1; y++)
    {
      gsize o = (gsize) y * w + x0;

      claim_row (dist + o, labels + o, planes + o, planes + second + o, planes + 2 * second + o, cc,
                 c0, c1, c2, scale, spatial + (gsize) (y - py + step) * span + (x0 - px + step), x1 - x0, label);
    }
}

/**
 * augur_slic_labels:
 *
 * Segments the @width x @height image of @channels (1, 3 or 4; alpha is
 * left out) interleaved bytes at @data into about @n_segments segments:
 * writes each pixel's segment, or -1, to @labels (@width x @height, row
 * by row) and the number of centres to @n_centres.
 */
void
augur_slic_labels (const guint8 *data,
                   gsize         stride,
                   int           width,
                   int           height,
                   int           channels,
                   int           n_segments,
                   int          *labels,
                   int          *n_centres)
{
  int w = width, h = height, nc = channels, cc = nc == 4 ? 3 : nc;
  int step = MAX ((int) sqrt ((double) w * h / MAX (n_segments, 1)), 1), span = 2 * step + 1;
  int n = 0, maxv = 0;
  gsize npix = (gsize) w * h;
  g_autofree int *cx = NULL;
  g_autofree int *cy = NULL;
  g_autofree gint64 *sums = NULL;
  g_autofree float *planes = g_new (float, npix * cc);
  g_autofree float *dist = g_new (float, npix);
  g_autofree float *spatial = g_new (float, (gsize) span * span);
  float scale;

  for (int y = step / 2; y < h; y += step)
    for (int x = step / 2; x < w; x += step)
      n++;
  cx = g_new (int, MAX (n, 1));
  cy = g_new (int, MAX (n, 1));
  sums = g_new (gint64, 3 * (gsize) MAX (n, 1));
  n = 0;
  for (int y = step / 2; y < h; y += step)
    for (int x = step / 2; x < w; x += step)
      {
        cx[n] = x;
        cy[n] = y;
        n++;
      }
  *n_centres = n;

  for (int y = 0; y < h; y++)
    {
      const guint8 *row = data + (gsize) y * stride;

      for (int x = 0; x < w; x++)
        for (int c = 0; c < cc; c++)
          {
            maxv = MAX (maxv, row[x * nc + c]);
            planes[c * npix + (gsize) y * w + x] = row[x * nc + c];
          }
    }
  scale = 1.0f / ((float) maxv + 1e-6f);

  /* 10 times the squared spatial distance in steps, by offset. */
  for (int dy = -step; dy <= step; dy++)
    for (int dx = -step; dx <= step; dx++)
      {
        float ds = (float) (dy * dy + dx * dx) / (float) (step * step);

        spatial[(dy + step) * span + dx + step] = 10.0f * ds;
      }

  for (gsize i = 0; i < npix; i++)
    {
      labels[i] = -1;
      dist[i] = G_MAXFLOAT;
    }

  for (int round = 0; round < 10; round++)
    {
      for (int i = 0; i < n; i++)
        claim_window (dist, labels, planes, npix, w, cc, cx[i], cy[i],
                      MAX (cx[i] - step, 0), MIN (w, cx[i] + step + 1),
                      MAX (cy[i] - step, 0), MIN (h, cy[i] + step + 1),
                      scale, spatial, step, i);

      memset (sums, 0, 3 * sizeof (gint64) * n);
      for (int y = 0; y < h; y++)
        {
          const int *row = labels + (gsize) y * w;

          for (int x = 0; x < w; x++)
            if (row[x] >= 0)
              {
                sums[3 * row[x]] += x;
                sums[3 * row[x] + 1] += y;
                sums[3 * row[x] + 2] += 1;
              }
        }
      for (int i = 0; i < n; i++)
        if (sums[3 * i + 2] > 0)
          {
            cx[i] = (int) ((double) sums[3 * i] / (double) sums[3 * i + 2]);
            cy[i] = (int) ((double) sums[3 * i + 1] / (double) sums[3 * i + 2]);
          }
    }
}
