/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-glass"

#include "config.h"

#include <string.h>

#include "augur-glass.h"
#include "augur-image.h"
#include "augur-rng.h"
#include "augur-test-util.h"

/*
 * GlassBlur's swaps (augur_glass_swaps()) against the straightforward
 * computation: the offsets drawn one by one, and each pass done as numpy's
 * fancy indexing does it, both sides read into a list, then the first side
 * written, then the second.
 */

/* @len random bytes from a seeded noise image. */
static guint8 *
random_bytes (gsize   len,
              guint64 seed)
{
  g_autoptr(AugurImage) noise = augur_test_noise_image ((int) len, 1, 1, 0, 255, seed);

  return g_memdup2 (noise->data, len);
}

/* One offset a 16-bit chunk, lowest chunk first, a draw for every four. */
static void
reference_offsets (AugurRng *rng,
                   gint8    *d,
                   gsize     n,
                   int       delta)
{
  guint64 bits = 0;

  for (gsize j = 0; j < n; j++, bits >>= 16)
    {
      if (j % 4 == 0)
        bits = augur_rng_next (rng);
      d[j] = (gint8) ((gint) (((bits & 0xffff) * (guint64) (2 * delta)) >> 16) - delta);
    }
}

static void
reference_swaps (guint8   *data,
                 gsize     stride,
                 int       w,
                 int       h,
                 int       nc,
                 int       delta,
                 int       iterations,
                 gboolean  exact,
                 AugurRng *rng)
{
  int nx = MAX (w - 2 * delta, 0), ny = MAX (h - 2 * delta, 0);
  gsize n = (gsize) nx * ny;
  g_autofree gint8 *d = g_new (gint8, 2 * MAX (n, 1));
  g_autofree guint8 *first = g_new (guint8, MAX (n, 1) * nc);
  g_autofree guint8 *second = g_new (guint8, MAX (n, 1) * nc);

  for (int it = 0; it < iterations && n > 0; it++)
    {
      gsize i = 0;

      reference_offsets (rng, d, 2 * n, delta);
      for (int y = h - delta; y > delta; y--)
        for (int x = w - delta; x > delta; x--, i++)
          {
            guint8 *p = data + (gsize) y * stride + (gsize) x * nc;
            guint8 *q = data + (gsize) (y + d[2 * i]) * stride + (gsize) (x + d[2 * i + 1]) * nc;

            if (exact)
              for (int c = 0; c < nc; c++)
                {
                  guint8 t = p[c];

                  p[c] = q[c];
                  q[c] = t;
                }
            else
              {
                memcpy (first + i * nc, q, nc);
                memcpy (second + i * nc, p, nc);
              }
          }
      if (exact)
        continue;
      i = 0;
      for (int y = h - delta; y > delta; y--)
        for (int x = w - delta; x > delta; x--, i++)
          memcpy (data + (gsize) y * stride + (gsize) x * nc, first + i * nc, nc);
      i = 0;
      for (int y = h - delta; y > delta; y--)
        for (int x = w - delta; x > delta; x--, i++)
          memcpy (data + (gsize) (y + d[2 * i]) * stride + (gsize) (x + d[2 * i + 1]) * nc,
                  second + i * nc, nc);
    }
}

static void
test_glass_offsets (void)
{
  static const int deltas[] = { 1, 4, 7, 50 };
  static const gsize counts[] = { 0, 1, 3, 4, 5, 1023, 1024, 1025, 5000 };

  for (guint a = 0; a < G_N_ELEMENTS (deltas); a++)
    for (guint b = 0; b < G_N_ELEMENTS (counts); b++)
      {
        gsize n = counts[b];
        g_autofree gint8 *fast = g_new (gint8, n + 1);
        g_autofree gint8 *ref = g_new (gint8, n + 1);
        AugurRng r1, r2;

        augur_rng_init (&r1, 17 + a);
        augur_rng_init (&r2, 17 + a);
        augur_glass_offsets (&r1, fast, n, deltas[a]);
        reference_offsets (&r2, ref, n, deltas[a]);
        g_assert_cmpmem (fast, n, ref, n);
        /* As many draws taken: the generators stay in step. */
        g_assert_cmpuint (augur_rng_next (&r1), ==, augur_rng_next (&r2));
      }
}

/* Every offset in [-delta, delta), each value about equally often. */
static void
test_glass_offsets_spread (void)
{
  const int delta = 4;
  const gsize n = 80000;
  g_autofree gint8 *d = g_new (gint8, n);
  int count[8] = { 0 };
  AugurRng rng;

  augur_rng_init (&rng, 5);
  augur_glass_offsets (&rng, d, n, delta);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpint (d[i], >=, -delta);
      g_assert_cmpint (d[i], <, delta);
      count[d[i] + delta]++;
    }
  /* 10000 expected each; 5 standard deviations is about 470. */
  for (int v = 0; v < 2 * delta; v++)
    g_assert_cmpint (ABS (count[v] - 10000), <, 500);
}

typedef struct
{
  int w, h, nc, delta, iterations;
  gboolean exact;
  int pad;
} GlassCase;

static const GlassCase glass_cases[] = {
  { 97, 61, 3, 4, 2, FALSE, 0 },
  { 97, 61, 3, 4, 3, FALSE, 5 },
  { 64, 40, 1, 1, 1, FALSE, 0 },
  { 64, 40, 4, 7, 2, FALSE, 3 },
  { 33, 20, 3, 9, 4, FALSE, 0 },
  { 12, 30, 3, 6, 2, FALSE, 0 },   /* too narrow: nothing moves */
  { 50, 13, 1, 6, 1, FALSE, 0 },   /* one row moves */
  { 97, 61, 3, 4, 2, TRUE, 0 },
  { 40, 33, 4, 2, 3, TRUE, 7 },
  { 40, 33, 1, 3, 1, TRUE, 0 },
};

static void
test_glass_swaps (gconstpointer data)
{
  const GlassCase *gc = data;
  gsize stride = (gsize) gc->w * gc->nc + gc->pad, len = stride * gc->h;
  g_autofree guint8 *before = random_bytes (len, 3 + gc->w);
  g_autofree guint8 *fast = g_memdup2 (before, len);
  g_autofree guint8 *ref = g_memdup2 (before, len);
  AugurRng r1, r2;

  augur_rng_init (&r1, 99);
  augur_rng_init (&r2, 99);
  augur_glass_swaps (fast, stride, gc->w, gc->h, gc->nc, gc->delta, gc->iterations, gc->exact, &r1);
  reference_swaps (ref, stride, gc->w, gc->h, gc->nc, gc->delta, gc->iterations, gc->exact, &r2);
  /* Padding bytes included: they are left alone. */
  g_assert_cmpmem (fast, len, ref, len);
  /* And something moved, where anything can. */
  if (gc->w > 2 * gc->delta && gc->h > 2 * gc->delta)
    g_assert_true (memcmp (before, fast, len) != 0);
  else
    g_assert_cmpmem (before, len, fast, len);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/glass/offsets", test_glass_offsets);
  g_test_add_func ("/glass/offsets-spread", test_glass_offsets_spread);
  for (guint i = 0; i < G_N_ELEMENTS (glass_cases); i++)
    {
      const GlassCase *gc = &glass_cases[i];
      g_autofree char *path = g_strdup_printf ("/glass/swaps/%dx%dx%d-d%d-i%d-%s%s", gc->w, gc->h, gc->nc,
                                               gc->delta, gc->iterations, gc->exact ? "exact" : "fast",
                                               gc->pad ? "-padded" : "");

      g_test_add_data_func (path, gc, test_glass_swaps);
    }

  return g_test_run ();
}
