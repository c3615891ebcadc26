/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <string.h>

#include "augur-glass.h"
#include "augur-simd.h"

/*
 * The pixel swaps of GlassBlur. Albumentations' glass_blur() visits every
 * pixel (x, y) with delta < x <= width - delta (likewise y), from the
 * bottom-right, and swaps it with (x + dx, y + dy), both offsets drawn in
 * [-delta, delta). In its "fast" mode one pass is numpy's
 * `x[p], x[p + d] = x[p + d], x[p]` over all pixels at once: both sides are
 * read before anything is written, then the first side is written, then
 * the second, the last write to a pixel winning. In "exact" mode the swaps
 * happen one after the other. Here both modes visit row by row (numpy's
 * fast mode lists the pixels column by column, so where two writes land on
 * one pixel, a different one of them wins there).
 *
 * The fast pass here keeps the image as it was before the pass (src) and
 * writes a new one (dst): the first side is a gather, dst[p] = src[p + d],
 * which writes every visited pixel once; the second a scatter in the same
 * order, dst[p + d] = src[p]. That is the same result as reading both
 * sides into a list first, without the list.
 */

/* The 16-bit chunks to offsets: (chunk * span) >> 16 is the high half of
 * a 16-bit product, one instruction for many chunks at once. */
AUGUR_SIMD_CLONES static void
chunks_to_offsets (gint8         *d,
                   const guint16 *chunk,
                   gsize          n,
                   guint          span,
                   int            delta)
{
  for (gsize j = 0; j < n; j++)
    d[j] = (gint8) ((int) (((guint32) chunk[j] * span) >> 16) - delta);
}

/**
 * augur_glass_offsets:
 *
 * Fills @d with @n offsets in [-@delta, @delta), four from each 64-bit draw
 * of @rng, lowest 16 bits first, each chunk scaled to the 2 @delta values
 * (Lemire's multiply-shift; a bias under 2 @delta / 65536, far below what a
 * swap can show). The last draw's unused bits are dropped.
 */
void
augur_glass_offsets (AugurRng *rng,
                     gint8    *d,
                     gsize     n,
                     int       delta)
{
  guint span = 2 * (guint) delta;
  guint16 chunk[4 * 256];

  g_return_if_fail (delta >= 1 && delta <= 63);

  for (gsize j = 0; j < n; j += G_N_ELEMENTS (chunk))
    {
      gsize m = MIN (n - j, G_N_ELEMENTS (chunk));

      for (gsize k = 0; k < m; k += 4)
        {
          guint64 bits = augur_rng_next (rng);

          chunk[k] = (guint16) bits;
          chunk[k + 1] = (guint16) (bits >> 16);
          chunk[k + 2] = (guint16) (bits >> 32);
          chunk[k + 3] = (guint16) (bits >> 48);
        }
      chunks_to_offsets (d + j, chunk, m, span, delta);
    }
}

/* The pixel copies with the channel count fixed, so that each inlines to
 * a move or two. */
static inline void
copy_px (guint8       *d,
         const guint8 *s,
         int           nc)
{
  switch (nc)
    {
    case 1: *d = *s; break;
    case 3: memcpy (d, s, 3); break;
    case 4: memcpy (d, s, 4); break;
    default: memcpy (d, s, nc); break;
    }
}

static inline void
swap_px (guint8 *a,
         guint8 *b,
         int     nc)
{
  guint8 t[4];

  switch (nc)
    {
    case 1: t[0] = *a; *a = *b; *b = t[0]; break;
    case 3: memcpy (t, a, 3); memcpy (a, b, 3); memcpy (b, t, 3); break;
    default: memcpy (t, a, 4); memcpy (a, b, 4); memcpy (b, t, 4); break;
    }
}

/* One side of a fast pass from @src into @dst (rows by pointer), with the
 * offsets @d of the visited pixels in visiting order, dy then dx: the
 * gather dst[p] = src[p + d], or with @scatter, dst[p + d] = src[p]. */
static inline void
pass_side (guint8 *const       *restrict dst,
           const guint8 *const *restrict src,
           const gint8         *restrict d,
           int                           w,
           int                           h,
           int                           nc,
           int                           delta,
           gboolean                      scatter)
{
  for (int y = h - delta; y > delta; y--, d += 2 * (gsize) (w - 2 * delta))
    {
      guint8 *const *dnear = dst + y, *drow = dst[y];
      const guint8 *const *snear = src + y, *srow = src[y];

      if (scatter)
        for (int x = w - delta, i = 0; x > delta; x--, i += 2)
          copy_px (dnear[d[i]] + (x + d[i + 1]) * nc, srow + x * nc, nc);
      else
        for (int x = w - delta, i = 0; x > delta; x--, i += 2)
          copy_px (drow + x * nc, snear[d[i]] + (x + d[i + 1]) * nc, nc);
    }
}

/* A fast pass: the image as it was, then both sides. Inlined with the
 * channel count fixed at each call. */
static inline void
fast_pass (guint8 *const       *restrict dst,
           const guint8 *const *restrict src,
           const gint8         *restrict d,
           int                           w,
           int                           h,
           int                           nc,
           int                           delta)
{
  for (int y = 0; y < h; y++)
    memcpy (dst[y], src[y], (gsize) w * nc);
  pass_side (dst, src, d, w, h, nc, delta, FALSE);
  pass_side (dst, src, d, w, h, nc, delta, TRUE);
}

static inline void
exact_pass (guint8 *const *rows,
            const gint8   *d,
            int            w,
            int            h,
            int            nc,
            int            delta)
{
  gsize i = 0;

  for (int y = h - delta; y > delta; y--)
    for (int x = w - delta; x > delta; x--, i += 2)
      swap_px (rows[y] + x * nc, rows[y + d[i]] + (x + d[i + 1]) * nc, nc);
}

/**
 * augur_glass_swaps:
 *
 * Runs @iterations passes of glass swaps on the @width x @height image of
 * @channels (1, 3 or 4) interleaved bytes at @data, in place, drawing each
 * pass's offsets from @rng (augur_glass_offsets(), two a visited pixel, dy
 * then dx).
 */
void
augur_glass_swaps (guint8   *data,
                   gsize     stride,
                   int       width,
                   int       height,
                   int       channels,
                   int       delta,
                   int       iterations,
                   gboolean  exact,
                   AugurRng *rng)
{
  int nx = MAX (width - 2 * delta, 0), ny = MAX (height - 2 * delta, 0);
  gsize n = 2 * (gsize) nx * ny;
  g_autofree gint8 *d = NULL;
  g_autofree guint8 *spare = NULL;
  g_autofree guint8 **a = NULL;
  g_autofree guint8 **b = NULL;

  g_return_if_fail (channels == 1 || channels == 3 || channels == 4);
  if (n == 0 || iterations <= 0)
    return;

  d = g_new (gint8, n);
  a = g_new (guint8 *, height);
  for (int y = 0; y < height; y++)
    a[y] = data + (gsize) y * stride;

  if (exact)
    {
      for (int it = 0; it < iterations; it++)
        {
          augur_glass_offsets (rng, d, n, delta);
          switch (channels)
            {
            case 1: exact_pass (a, d, width, height, 1, delta); break;
            case 3: exact_pass (a, d, width, height, 3, delta); break;
            default: exact_pass (a, d, width, height, 4, delta); break;
            }
        }
      return;
    }

  spare = g_malloc ((gsize) width * channels * height);
  b = g_new (guint8 *, height);
  for (int y = 0; y < height; y++)
    b[y] = spare + (gsize) y * width * channels;

  for (int it = 0; it < iterations; it++)
    {
      guint8 **t;

      augur_glass_offsets (rng, d, n, delta);
      switch (channels)
        {
        case 1: fast_pass (b, (const guint8 *const *) a, d, width, height, 1, delta); break;
        case 3: fast_pass (b, (const guint8 *const *) a, d, width, height, 3, delta); break;
        default: fast_pass (b, (const guint8 *const *) a, d, width, height, 4, delta); break;
        }
      t = a;
      a = b;
      b = t;
    }

  /* After an odd number of passes the result is in the spare rows. */
  if (a[0] != data)
    for (int y = 0; y < height; y++)
      memcpy (data + (gsize) y * stride, a[y], (gsize) width * channels);
}
