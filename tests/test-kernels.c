/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-kernels"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-blur-rows.h"
#include "augur-cpu.h"
#include "augur-filter-rows.h"
#include "augur-gray.h"
#include "augur-lut.h"
#include "augur-matrix3.h"
#include "augur-median.h"
#include "augur-mirror.h"
#include "augur-rng.h"

/* Every kernel runs twice: with the run-time choice of SIMD loops, and with
 * the environment forcing the portable loops. */
static const char *const no_simd[] = { "AUGUR_NO_SSSE3", "AUGUR_NO_AVX2", "AUGUR_NO_AVX512" };

static void
force_portable (gboolean portable)
{
  for (guint i = 0; i < G_N_ELEMENTS (no_simd); i++)
    if (portable)
      g_setenv (no_simd[i], "1", TRUE);
    else
      g_unsetenv (no_simd[i]);
}

static void
fill_random (guint8  *data,
             gsize    len,
             guint64  seed)
{
  AugurRng rng;

  augur_rng_init (&rng, seed);
  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) augur_rng_int (&rng, 0, 255);
}

/* The processor is asked once; the environment switches a feature off and
 * on again within one process, one feature at a time. */
static void
test_cpu (void)
{
  guint hw = augur_cpu_features ();

  force_portable (FALSE);
  g_assert_cmpuint (augur_cpu_features (), ==, hw);
#if defined(__GNUC__) && defined(__x86_64__)
  g_assert_cmpint (!!(hw & AUGUR_CPU_SSSE3), ==, !!__builtin_cpu_supports ("ssse3"));
  g_assert_cmpint (!!(hw & AUGUR_CPU_AVX2), ==, !!__builtin_cpu_supports ("avx2"));
  g_assert_cmpint (!!(hw & AUGUR_CPU_AVX512_VBMI), ==,
                   __builtin_cpu_supports ("avx512vbmi") && __builtin_cpu_supports ("avx512bw"));
#else
  g_assert_cmpuint (hw, ==, 0);
#endif
  g_assert_cmpint (augur_cpu_has (AUGUR_CPU_SSSE3), ==, !!(hw & AUGUR_CPU_SSSE3));
  g_assert_cmpint (augur_cpu_has (AUGUR_CPU_AVX2), ==, !!(hw & AUGUR_CPU_AVX2));

  g_setenv ("AUGUR_NO_SSSE3", "", TRUE);
  g_assert_false (augur_cpu_has (AUGUR_CPU_SSSE3));
  g_assert_cmpint (augur_cpu_has (AUGUR_CPU_AVX2), ==, !!(hw & AUGUR_CPU_AVX2));
  g_unsetenv ("AUGUR_NO_SSSE3");
  g_assert_cmpint (augur_cpu_has (AUGUR_CPU_SSSE3), ==, !!(hw & AUGUR_CPU_SSSE3));

  g_setenv ("AUGUR_NO_AVX2", "1", TRUE);
  g_assert_false (augur_cpu_has (AUGUR_CPU_AVX2));
  g_assert_cmpint (augur_cpu_has (AUGUR_CPU_SSSE3), ==, !!(hw & AUGUR_CPU_SSSE3));
  g_unsetenv ("AUGUR_NO_AVX2");

  g_setenv ("AUGUR_NO_AVX512", "1", TRUE);
  g_assert_false (augur_cpu_has (AUGUR_CPU_AVX512_VBMI));
  g_assert_cmpint (augur_cpu_has (AUGUR_CPU_AVX2), ==, !!(hw & AUGUR_CPU_AVX2));
  g_unsetenv ("AUGUR_NO_AVX512");
  g_assert_cmpint (augur_cpu_has (AUGUR_CPU_AVX512_VBMI), ==, !!(hw & AUGUR_CPU_AVX512_VBMI));
  g_assert_cmpuint (augur_cpu_features (), ==, hw);

  if (hw == 0)
    g_test_message ("no SIMD feature on this machine: only the portable loops are compared");
}

#define PAD 19  /* bytes after each row that a kernel must leave alone */

/* mirror: each row reversed pixel by pixel, for widths around every loop's
 * step, and not a byte written past a row. */
static void
test_mirror (void)
{
  static const int channel_counts[] = { 1, 3, 4 };

  for (int portable = 0; portable < 2; portable++)
    {
      force_portable (portable);
      for (guint c = 0; c < G_N_ELEMENTS (channel_counts); c++)
        for (int w = 1; w <= 40; w++)
          {
            int nc = channel_counts[c], h = 3, stride = w * nc + PAD;
            g_autofree guint8 *src = g_malloc ((gsize) stride * h);
            g_autofree guint8 *dst = g_malloc ((gsize) stride * h);

            fill_random (src, (gsize) stride * h, (guint64) (w * 10 + nc));
            memset (dst, 0xa5, (gsize) stride * h);
            mirror (dst, stride, src, stride, w, h, nc);

            for (int y = 0; y < h; y++)
              {
                const guint8 *s = src + (gsize) y * stride;
                const guint8 *d = dst + (gsize) y * stride;

                for (int x = 0; x < w; x++)
                  g_assert_cmpmem (d + x * nc, nc, s + (w - 1 - x) * nc, nc);
                for (int i = w * nc; i < stride; i++)
                  g_assert_cmpint (d[i], ==, 0xa5);
              }
          }
    }
  force_portable (FALSE);
}

/* augur_flip_rows: against the straightforward copy, one memcpy() per row
 * in reverse order, for row lengths around the 32-byte step (shorter,
 * equal, a few over, several steps and a tail), even and odd heights (the
 * middle row), and not a byte written past a row. */
static void
test_flip_rows (void)
{
  static const int rows[] = { 1, 2, 3, 31, 32, 33, 63, 64, 65, 95, 100, 129, 1411 * 3 };

  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (int h = 1; h <= 6; h++)
      {
        int row = rows[r], src_stride = row + 7, dst_stride = row + PAD;
        g_autofree guint8 *src = g_malloc ((gsize) src_stride * h);
        g_autofree guint8 *dst = g_malloc ((gsize) dst_stride * h);
        g_autofree guint8 *expected = g_malloc ((gsize) dst_stride * h);

        fill_random (src, (gsize) src_stride * h, (guint64) (row * 10 + h));
        memset (dst, 0xa5, (gsize) dst_stride * h);
        memset (expected, 0xa5, (gsize) dst_stride * h);
        for (int y = 0; y < h; y++)
          memcpy (expected + (gsize) y * dst_stride, src + (gsize) (h - 1 - y) * src_stride, row);

        augur_flip_rows (dst, dst_stride, src, src_stride, row, h);
        g_assert_cmpmem (dst, (gsize) dst_stride * h, expected, (gsize) dst_stride * h);
      }
}

/* augur_copy_rows: every row equal to its source, for the same lengths,
 * and not a byte written past a row; a padded row of all the bytes at
 * once (augur_image_copy()'s whole-image call) too. */
static void
test_copy_rows (void)
{
  static const int rows[] = { 1, 2, 31, 32, 33, 64, 65, 100, 2048, 2049, 1411 * 3 };

  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (int h = 1; h <= 4; h++)
      {
        int row = rows[r], src_stride = row + 5, dst_stride = row + PAD;
        g_autofree guint8 *src = g_malloc ((gsize) src_stride * h);
        g_autofree guint8 *dst = g_malloc ((gsize) dst_stride * h);
        g_autofree guint8 *whole = g_malloc ((gsize) src_stride * h + PAD);

        fill_random (src, (gsize) src_stride * h, (guint64) (row * 7 + h));
        memset (dst, 0xa5, (gsize) dst_stride * h);
        augur_copy_rows (dst, dst_stride, src, src_stride, row, h);
        for (int y = 0; y < h; y++)
          {
            const guint8 *d = dst + (gsize) y * dst_stride;

            g_assert_cmpmem (d, row, src + (gsize) y * src_stride, row);
            for (int i = row; i < dst_stride; i++)
              g_assert_cmpint (d[i], ==, 0xa5);
          }

        memset (whole, 0xa5, (gsize) src_stride * h + PAD);
        augur_copy_rows (whole, 0, src, 0, (gsize) src_stride * h, 1);
        g_assert_cmpmem (whole, (gsize) src_stride * h, src, (gsize) src_stride * h);
        for (int i = 0; i < PAD; i++)
          g_assert_cmpint (whole[(gsize) src_stride * h + i], ==, 0xa5);
      }
}

/* augur_gray_rows: the 14-bit formula on every pixel, alpha ignored, and
 * nothing written past a row of the gray image; augur_gray_rows_3: the
 * same luma in each of three channels, nothing past a row either. With
 * every loop, without AVX-512 (SSSE3), and portable. */
static void
test_gray (void)
{
  for (int mode = 0; mode < 3; mode++)
    {
      force_portable (mode == 2);
      if (mode == 1)
        g_setenv ("AUGUR_NO_AVX512", "1", TRUE);
      for (int nc = 3; nc <= 4; nc++)
        for (int w = 1; w <= 200; w += w < 70 ? 3 : 7)
          {
            int h = 2, stride = w * nc + PAD, gstride = w + PAD;
            g_autofree guint8 *src = g_malloc ((gsize) stride * h);
            g_autofree guint8 *dst = g_malloc ((gsize) gstride * h);
            int stride3 = w * 3 + PAD;
            g_autofree guint8 *dst3 = g_malloc ((gsize) stride3 * h);

            fill_random (src, (gsize) stride * h, (guint64) (w * 7 + nc));
            memset (dst, 0x5a, (gsize) gstride * h);
            memset (dst3, 0x5a, (gsize) stride3 * h);
            augur_gray_rows (dst, gstride, src, stride, w, h, nc);
            augur_gray_rows_3 (dst3, stride3, src, stride, w, h, nc);

            for (int y = 0; y < h; y++)
              {
                for (int x = 0; x < w; x++)
                  {
                    const guint8 *p = src + (gsize) y * stride + x * nc;

                    g_assert_cmpint (dst[(gsize) y * gstride + x], ==,
                                     (p[0] * 4899 + p[1] * 9617 + p[2] * 1868 + 8192) >> 14);
                    g_assert_cmpint (augur_gray_pixel (p[0], p[1], p[2]), ==,
                                     dst[(gsize) y * gstride + x]);
                  }
                for (int i = w; i < gstride; i++)
                  g_assert_cmpint (dst[(gsize) y * gstride + i], ==, 0x5a);
                for (int i = 0; i < 3 * w; i++)
                  g_assert_cmpint (dst3[(gsize) y * stride3 + i], ==, dst[(gsize) y * gstride + i / 3]);
                for (int i = 3 * w; i < stride3; i++)
                  g_assert_cmpint (dst3[(gsize) y * stride3 + i], ==, 0x5a);
              }
          }
    }
  force_portable (FALSE);
}

/* augur_matrix3_rows: the Q12 formula on every channel of every pixel
 * (clipped at 255, which the large weights below reach), alpha copied,
 * nothing written past a row; with every SIMD loop, with AVX2, with
 * SSSE3 alone, and portable, for widths around the 16- and 32-pixel
 * steps. */
static void
test_matrix3 (void)
{
  static const AugurMatrix3 m = { {
    { 1610, 3150, 774 },
    { 32767, 0, 1 },
    { 0, 4096, 2048 },
  } };

  /* every loop; AVX2; SSSE3 alone; portable */
  for (int mode = 0; mode < 4; mode++)
    {
      force_portable (mode == 3);
      if (mode == 1 || mode == 2)
        g_setenv ("AUGUR_NO_AVX512", "1", TRUE);
      if (mode == 2)
        g_setenv ("AUGUR_NO_AVX2", "1", TRUE);
      for (int nc = 3; nc <= 4; nc++)
        for (int w = 1; w <= 100; w += 3)
          {
            int h = 2, stride = w * nc + PAD;
            g_autofree guint8 *src = g_malloc ((gsize) stride * h);
            g_autofree guint8 *dst = g_malloc ((gsize) stride * h);

            fill_random (src, (gsize) stride * h, (guint64) (w * 13 + nc));
            memset (dst, 0x3c, (gsize) stride * h);
            augur_matrix3_rows (&m, dst, stride, src, stride, w, h, nc);

            for (int y = 0; y < h; y++)
              {
                const guint8 *s = src + (gsize) y * stride;
                const guint8 *d = dst + (gsize) y * stride;

                for (int x = 0; x < w; x++)
                  {
                    const guint8 *p = s + x * nc;

                    for (int c = 0; c < 3; c++)
                      g_assert_cmpint (d[x * nc + c], ==,
                                       MIN ((p[0] * m.w[c][0] + p[1] * m.w[c][1] + p[2] * m.w[c][2] + 2048) >> 12, 255));
                    if (nc == 4)
                      g_assert_cmpint (d[x * nc + 3], ==, p[3]);
                  }
                for (int i = w * nc; i < stride; i++)
                  g_assert_cmpint (d[i], ==, 0x3c);
              }
          }
    }
  force_portable (FALSE);
}

/* augur_median25 by the 0-1 principle: a comparator network selects the
 * median of any 25 values if it does for every choice of 25 zeros and
 * ones, here all 2^25 of them: inputs 0-15 run through their 2^16
 * patterns along the row, inputs 16-24 hold one of 2^9 patterns per
 * call. Then values other than 0 and 1, against a sort, for the loop's
 * remainder widths. */
static void
test_median25 (void)
{
  enum { LOW = 16, N = 1 << LOW };
  g_autofree guint8 *bits = g_malloc ((gsize) 25 * N);
  g_autofree guint8 *low_ones = g_malloc (N);
  g_autofree guint8 *d = g_malloc (N + 1);
  const guint8 *p[25];

  for (int v = 0; v < 25; v++)
    p[v] = bits + (gsize) v * N;
  for (int i = 0; i < N; i++)
    {
      low_ones[i] = 0;
      for (int v = 0; v < LOW; v++)
        {
          bits[(gsize) v * N + i] = (i >> v) & 1;
          low_ones[i] += (i >> v) & 1;
        }
    }
  for (int high = 0; high < 1 << (25 - LOW); high++)
    {
      int high_ones = 0;

      for (int v = LOW; v < 25; v++)
        {
          memset (bits + (gsize) v * N, (high >> (v - LOW)) & 1, N);
          high_ones += (high >> (v - LOW)) & 1;
        }
      d[N] = 0x42;
      augur_median25 (d, p, N);
      g_assert_cmpint (d[N], ==, 0x42);
      for (int i = 0; i < N; i++)
        if (d[i] != (low_ones[i] + high_ones >= 13))
          g_error ("median of pattern %#x is %d", (high << LOW) | i, d[i]);
    }

  for (int n = 1; n <= 70; n += 3)
    {
      fill_random (bits, (gsize) 25 * N, (guint64) n);
      augur_median25 (d, p, n);
      for (int i = 0; i < n; i++)
        {
          guint8 w[25];

          for (int v = 0; v < 25; v++)
            w[v] = p[v][i];
          /* insertion sort */
          for (int a = 1; a < 25; a++)
            for (int b = a; b > 0 && w[b - 1] > w[b]; b--)
              {
                guint8 t = w[b];

                w[b] = w[b - 1];
                w[b - 1] = t;
              }
          g_assert_cmpint (d[i], ==, w[12]);
        }
    }
}

/* augur_filter_row: the float sum, tap after tap from 0, plus 0.5, clipped
 * and truncated, bit for bit on both paths; weights of both signs and
 * beyond 1 so that sums fall below 0 and above 255; 1 to 11 taps, rows
 * around the 32-value step, nothing written past the row. */
static void
test_filter_row (void)
{
  /* every loop; AVX2; portable */
  for (int mode = 0; mode < 3; mode++)
    {
      AugurFilterRow f;

      force_portable (mode == 2);
      if (mode == 1)
        g_setenv ("AUGUR_NO_AVX512", "1", TRUE);
      augur_filter_row_init (&f);
      g_assert_cmpint (f.avx2, ==, augur_cpu_has (AUGUR_CPU_AVX2));
      g_assert_cmpint (f.avx512, ==, f.avx2 && augur_cpu_has (AUGUR_CPU_AVX512_VBMI));
      for (int taps = 1; taps <= 11; taps += 2)
        for (int n = 1; n <= 200; n += 7)
          {
            g_autofree float *data = g_new (float, (gsize) taps * n);
            g_autofree const float **rows = g_new (const float *, taps);
            g_autofree guint8 *d = g_malloc (n + 1);
            float k[11];
            AugurRng rng;

            augur_rng_init (&rng, (guint64) (taps * 1000 + n));
            for (int t = 0; t < taps; t++)
              {
                k[t] = (float) augur_rng_range (&rng, -1.5, 2.5);
                rows[t] = data + (gsize) t * n;
                for (int i = 0; i < n; i++)
                  data[(gsize) t * n + i] = (float) augur_rng_int (&rng, 0, 255);
              }
            d[n] = 0x99;
            augur_filter_row (&f, d, rows, k, taps, n);
            g_assert_cmpint (d[n], ==, 0x99);
            for (int i = 0; i < n; i++)
              {
                volatile float acc = 0;
                float v;

                for (int t = 0; t < taps; t++)
                  {
                    volatile float prod = k[t] * rows[t][i];

                    acc = acc + prod;
                  }
                v = acc + 0.5f;
                v = v < 0 ? 0 : v > 255 ? 255 : v;
                g_assert_cmpint (d[i], ==, (int) v);
              }
          }
    }
  force_portable (FALSE);
}

/* augur_lut_bytes: every byte through a table that is no simple formula
 * (a seeded shuffle of 0-255), on both paths, for runs around the 64-byte
 * step, and not a byte written past a run. */
static void
test_lut (void)
{
  guint8 lut[256];
  AugurRng rng;

  augur_rng_init (&rng, 77);
  for (int i = 0; i < 256; i++)
    lut[i] = (guint8) i;
  for (int i = 255; i > 0; i--)
    {
      int j = (int) augur_rng_int (&rng, 0, i);
      guint8 t = lut[i];

      lut[i] = lut[j];
      lut[j] = t;
    }
  for (int portable = 0; portable < 2; portable++)
    {
      AugurLut t;

      force_portable (portable);
      augur_lut_init (&t, lut);
      g_assert_cmpint (t.vbmi, ==, augur_cpu_has (AUGUR_CPU_AVX512_VBMI));
      for (gsize n = 0; n <= 300; n += n < 140 ? 1 : 37)
        {
          g_autofree guint8 *s = g_malloc (n + PAD);
          g_autofree guint8 *d = g_malloc (n + PAD);

          fill_random (s, n + PAD, n);
          memset (d, 0xc3, n + PAD);
          augur_lut_bytes (&t, d, s, n);
          for (gsize i = 0; i < n; i++)
            g_assert_cmpint (d[i], ==, lut[s[i]]);
          for (gsize i = n; i < n + PAD; i++)
            g_assert_cmpint (d[i], ==, 0xc3);
        }
    }
  force_portable (FALSE);
}

/* augur_lut_rgb: three different tables (seeded shuffles), each byte through
 * its own channel's, on both paths, for runs around the 64-pixel step and
 * its masked tail, and not a byte written past a run. */
static void
test_lut_rgb (void)
{
  guint8 luts[3][256];
  AugurRng rng;

  augur_rng_init (&rng, 78);
  for (int c = 0; c < 3; c++)
    {
      for (int i = 0; i < 256; i++)
        luts[c][i] = (guint8) i;
      for (int i = 255; i > 0; i--)
        {
          int j = (int) augur_rng_int (&rng, 0, i);
          guint8 t = luts[c][i];

          luts[c][i] = luts[c][j];
          luts[c][j] = t;
        }
    }
  for (int portable = 0; portable < 2; portable++)
    {
      AugurLutRgb t;

      force_portable (portable);
      augur_lut_rgb_init (&t, luts);
      g_assert_cmpint (t.vbmi, ==, augur_cpu_has (AUGUR_CPU_AVX512_VBMI));
      for (gsize n = 0; n <= 300; n += n < 140 ? 1 : 37)
        {
          g_autofree guint8 *s = g_malloc (3 * n + PAD);
          g_autofree guint8 *d = g_malloc (3 * n + PAD);

          fill_random (s, 3 * n + PAD, n + 1000);
          memset (d, 0xc3, 3 * n + PAD);
          augur_lut_rgb (&t, d, s, n);
          for (gsize i = 0; i < 3 * n; i++)
            g_assert_cmpint (d[i], ==, luts[i % 3][s[i]]);
          for (gsize i = 3 * n; i < 3 * n + PAD; i++)
            g_assert_cmpint (d[i], ==, 0xc3);
        }
    }
  force_portable (FALSE);
}

/* augur_histogram_channels: against one count per byte, for every channel
 * count and number of channels counted, widths around the four-pixel
 * step, a stride with bytes that must not count, and a flat image (one
 * bin takes every pixel). */
static void
test_histogram (void)
{
  for (int nc = 1; nc <= 4; nc++)
    for (int n_hist = 1; n_hist <= nc; n_hist++)
      for (int w = 1; w <= 23; w += 2)
        for (int flat = 0; flat < 2; flat++)
          {
            int h = 5, stride = w * nc + PAD;
            g_autofree guint8 *src = g_malloc ((gsize) stride * h);
            guint64 hist[4][256], want[4][256] = { { 0 } };

            if (flat)
              memset (src, 7, (gsize) stride * h);
            else
              fill_random (src, (gsize) stride * h, (guint64) (w * 100 + nc * 10 + n_hist));
            for (int y = 0; y < h; y++)
              for (int x = 0; x < w; x++)
                for (int c = 0; c < n_hist; c++)
                  want[c][src[(gsize) y * stride + x * nc + c]]++;
            memset (hist, 0xff, sizeof hist);
            augur_histogram_channels (src, stride, w, h, nc, n_hist, hist);
            for (int c = 0; c < n_hist; c++)
              g_assert_cmpmem (hist[c], sizeof hist[c], want[c], sizeof want[c]);
            if (flat)
              g_assert_cmpuint (hist[0][7], ==, (guint64) w * h);
          }
}

/* augur_and_xor_rows: (s & and[c]) ^ xor[c] on every channel, for 1, 3
 * and 4 channels, rows around the pattern's 192 bytes, and not a byte
 * written past a row. */
static void
test_and_xor (void)
{
  static const int channel_counts[] = { 1, 3, 4 };
  const guint8 and_mask[4] = { 0xff, 0, 0x0f, 0xff }, xor_mask[4] = { 0, 0x5a, 0xf0, 0xff };

  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    for (int w = 1; w <= 200; w += w < 70 ? 1 : 13)
      {
        int nc = channel_counts[k], h = 3, stride = w * nc + PAD;
        g_autofree guint8 *src = g_malloc ((gsize) stride * h);
        g_autofree guint8 *dst = g_malloc ((gsize) stride * h);

        fill_random (src, (gsize) stride * h, (guint64) (w * 5 + nc));
        memset (dst, 0x3c, (gsize) stride * h);
        augur_and_xor_rows (dst, stride, src, stride, w, h, nc, and_mask, xor_mask);
        for (int y = 0; y < h; y++)
          {
            const guint8 *s = src + (gsize) y * stride, *d = dst + (gsize) y * stride;

            for (int i = 0; i < w * nc; i++)
              g_assert_cmpint (d[i], ==, (s[i] & and_mask[i % nc]) ^ xor_mask[i % nc]);
            for (int i = w * nc; i < stride; i++)
              g_assert_cmpint (d[i], ==, 0x3c);
          }
      }
}

/* A normalised Gaussian of radius r. */
static void
gaussian (float  *k,
          int     r,
          double  sigma)
{
  double sum = 0;

  for (int j = -r; j <= r; j++)
    sum += k[j + r] = (float) exp (-0.5 * j * j / (sigma * sigma));
  for (int j = 0; j <= 2 * r; j++)
    k[j] = (float) (k[j] / sum);
}

/* The blur's two passes against their definition in integers: the taps
 * sum to exactly 1 in Q14, the x pass keeps 6 fractional bits, the y pass
 * rounds once; both paths, radii 0 to 6, rows shorter and longer than a
 * vector, one and three channels apart. */
static void
test_blur_rows (void)
{
  /* every loop; AVX2; portable */
  for (int mode = 0; mode < 3; mode++)
    {
      force_portable (mode == 2);
      if (mode == 1)
        g_setenv ("AUGUR_NO_AVX512", "1", TRUE);
      for (int r = 0; r <= 6; r++)
        for (int off = 1; off <= 3; off += 2)
          for (int n = 1; n <= 70; n += 3)
            {
              float k[13];
              g_auto(AugurBlurKernel) kernel = { 0 };
              g_autofree guint8 *line = g_malloc ((gsize) n + 2 * r * off);
              const guint8 *centre = line + r * off;
              g_autofree guint16 *x_out = g_new (guint16, n + 1);
              g_autofree guint16 *ring = g_new (guint16, (gsize) n * (2 * r + 1));
              g_autofree const guint16 **rows = g_new (const guint16 *, 2 * r + 1);
              g_autofree guint8 *y_out = g_malloc ((gsize) n + 1);
              guint32 total = 0;

              gaussian (k, r, 0.4 + r * 0.6);
              augur_blur_kernel_init (&kernel, k, r);
              g_assert_cmpint (kernel.avx2, ==, augur_cpu_has (AUGUR_CPU_AVX2));
              g_assert_cmpint (kernel.avx512, ==, kernel.avx2 && augur_cpu_has (AUGUR_CPU_AVX512_VBMI));
              for (int j = 0; j <= r; j++)
                total += (j ? 2 : 1) * kernel.k[j];
              g_assert_cmpuint (total, ==, 1u << AUGUR_BLUR_KBITS);

              fill_random (line, (gsize) n + 2 * r * off, (guint64) (r * 1000 + n * 10 + off));
              x_out[n] = 0xbeef;
              augur_blur_row_x (&kernel, centre, x_out, n, off);
              g_assert_cmpuint (x_out[n], ==, 0xbeef);
              for (int i = 0; i < n; i++)
                {
                  guint32 acc = 0;

                  for (int j = -r; j <= r; j++)
                    acc += kernel.k[ABS (j)] * centre[i + j * off];
                  g_assert_cmpuint (x_out[i], ==, (acc + (1u << (AUGUR_BLUR_KBITS - 7))) >> (AUGUR_BLUR_KBITS - 6));
                }

              /* Rows of 16-bit values as the x pass makes them (at most
               * 255 << 6). */
              for (int j = 0; j <= 2 * r; j++)
                {
                  guint16 *row = ring + (gsize) j * n;
                  AugurRng rng;

                  augur_rng_init (&rng, (guint64) (j + 100 * n + r));
                  for (int i = 0; i < n; i++)
                    row[i] = (guint16) augur_rng_int (&rng, 0, 255 << 6);
                  rows[j] = row;
                }
              y_out[n] = 0x77;
              augur_blur_row_y (&kernel, rows, y_out, n);
              g_assert_cmpuint (y_out[n], ==, 0x77);
              for (int i = 0; i < n; i++)
                {
                  guint32 acc = 0;

                  for (int j = -r; j <= r; j++)
                    acc += kernel.k[ABS (j)] * rows[r + j][i];
                  g_assert_cmpuint (y_out[i], ==, (acc + (1u << (AUGUR_BLUR_KBITS + 5))) >> (AUGUR_BLUR_KBITS + 6));
                }
            }
    }
  force_portable (FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kernels/cpu", test_cpu);
  g_test_add_func ("/kernels/mirror", test_mirror);
  g_test_add_func ("/kernels/flip-rows", test_flip_rows);
  g_test_add_func ("/kernels/copy-rows", test_copy_rows);
  g_test_add_func ("/kernels/gray", test_gray);
  g_test_add_func ("/kernels/matrix3", test_matrix3);
  g_test_add_func ("/kernels/median25", test_median25);
  g_test_add_func ("/kernels/filter-row", test_filter_row);
  g_test_add_func ("/kernels/lut", test_lut);
  g_test_add_func ("/kernels/lut-rgb", test_lut_rgb);
  g_test_add_func ("/kernels/histogram", test_histogram);
  g_test_add_func ("/kernels/and-xor", test_and_xor);
  g_test_add_func ("/kernels/blur-rows", test_blur_rows);

  return g_test_run ();
}
