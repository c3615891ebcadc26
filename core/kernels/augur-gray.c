/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-cpu.h"
#include "augur-gray.h"
#include "augur-simd.h"

/* One loop per channel count, in unsigned 32-bit lanes, for the
 * vectoriser. */
AUGUR_SIMD_CLONES static void
luma_rows (guint8       *restrict dst,
           int                    dst_stride,
           const guint8 *restrict src,
           int                    src_stride,
           int                    w,
           int                    h,
           int                    nc)
{
  for (int y = 0; y < h; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint8 *g = dst + (gsize) y * dst_stride;

      if (nc == 3)
        for (int x = 0; x < w; x++)
          g[x] = augur_gray_pixel (s[3 * x], s[3 * x + 1], s[3 * x + 2]);
      else
        for (int x = 0; x < w; x++)
          g[x] = augur_gray_pixel (s[4 * x], s[4 * x + 1], s[4 * x + 2]);
    }
}

#if defined(AUGUR_CPU_X86_64) && !defined(__clang__)
# define HAVE_LUMA_SSSE3 1
# include <immintrin.h>

/* RGB luma with SSSE3: each 16-byte load holds four pixels, which two byte
 * shuffles spread into 16-bit (r, g) and (b, 0) pairs; pmaddwd multiplies
 * and adds the pairs by the weights into 32 bits, exactly as
 * augur_gray_pixel() does. Sixteen pixels a step; the last pixels, whose
 * load would read past the row, are left to the scalar loop. Baseline
 * x86-64 has no byte shuffle: this is chosen at run time. */
__attribute__ ((target ("ssse3"))) static void
luma_rows_3_ssse3 (guint8       *restrict dst,
                   int                    dst_stride,
                   const guint8 *restrict src,
                   int                    src_stride,
                   int                    w,
                   int                    h)
{
  const __m128i rg_of = _mm_setr_epi8 (0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1);
  const __m128i b_of = _mm_setr_epi8 (2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1);
  const __m128i w_rg = _mm_setr_epi16 (4899, 9617, 4899, 9617, 4899, 9617, 4899, 9617);
  const __m128i w_b = _mm_setr_epi16 (1868, 0, 1868, 0, 1868, 0, 1868, 0);
  const __m128i half = _mm_set1_epi32 (1 << 13);

  for (int y = 0; y < h; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint8 *g = dst + (gsize) y * dst_stride;
      int x = 0;

      /* The fourth load of a step reads 4 bytes past its 12. */
      for (; (x + 16) * 3 + 4 <= w * 3; x += 16)
        {
          __m128i q[4];

          for (int k = 0; k < 4; k++)
            {
              __m128i v = _mm_loadu_si128 ((const __m128i *) (s + (gsize) (x + 4 * k) * 3));
              __m128i rg = _mm_madd_epi16 (_mm_shuffle_epi8 (v, rg_of), w_rg);
              __m128i b = _mm_madd_epi16 (_mm_shuffle_epi8 (v, b_of), w_b);

              q[k] = _mm_srai_epi32 (_mm_add_epi32 (_mm_add_epi32 (rg, b), half), 14);
            }
          _mm_storeu_si128 ((__m128i *) (g + x),
                            _mm_packus_epi16 (_mm_packs_epi32 (q[0], q[1]),
                                              _mm_packs_epi32 (q[2], q[3])));
        }
      for (; x < w; x++)
        g[x] = augur_gray_pixel (s[3 * x], s[3 * x + 1], s[3 * x + 2]);
    }
}

/* Sixteen gray bytes spread to 48 (each repeated three times) by three
 * byte shuffles; the last pixels of the row are left to the caller. */
__attribute__ ((target ("ssse3"))) static int
expand_3_ssse3 (const guint8 *restrict g,
                guint8       *restrict d,
                int                    w)
{
  const __m128i a = _mm_setr_epi8 (0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5);
  const __m128i b = _mm_setr_epi8 (5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10);
  const __m128i c = _mm_setr_epi8 (10, 11, 11, 11, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15);
  int x = 0;

  for (; x + 16 <= w; x += 16)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (g + x));

      _mm_storeu_si128 ((__m128i *) (d + 3 * x), _mm_shuffle_epi8 (v, a));
      _mm_storeu_si128 ((__m128i *) (d + 3 * x + 16), _mm_shuffle_epi8 (v, b));
      _mm_storeu_si128 ((__m128i *) (d + 3 * x + 32), _mm_shuffle_epi8 (v, c));
    }
  return x;
}

/* RGB luma with AVX-512 VBMI: sixteen pixels (48 bytes) a register. One
 * byte permute spreads them into 16-bit (r, g) pairs, another into (b, 1)
 * pairs (the 1 from the pass-through of a masked permute), and pmaddwd
 * with (4899, 9617) and (1868, 8192) gives augur_gray_pixel()'s sum with
 * its rounding term, exactly. Each luma ends in the low byte of a 32-bit
 * lane. */
#define HAVE_LUMA_VBMI 1

/* GCC 12 warns that its own AVX-512 intrinsics may use uninitialised
 * values: they pass an undefined register as the unused merge source of
 * the unmasked forms. Nothing of ours is uninitialised. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

typedef struct
{
  __m512i rg_of, b_of, b_one, w_rg, w_b, spread3;
} LumaVbmi;

__attribute__ ((target ("avx512f,avx512bw,avx512vbmi"))) static inline void
luma_vbmi_init (LumaVbmi *k)
{
  guint8 rg[64], b[64], one[64], spread[64];

  for (int i = 0; i < 64; i++)
    {
      int j = i / 4;

      rg[i] = (guint8) (i % 4 == 0 ? 3 * j : i % 4 == 2 ? 3 * j + 1 : 0);
      b[i] = (guint8) (3 * j + 2);
      one[i] = (guint8) (i % 4 == 2);
      /* output byte i of three-channel gray: the luma of pixel i / 3 */
      spread[i] = (guint8) (4 * MIN (i / 3, 15));
    }
  k->rg_of = _mm512_loadu_si512 (rg);
  k->b_of = _mm512_loadu_si512 (b);
  k->b_one = _mm512_loadu_si512 (one);
  k->w_rg = _mm512_set1_epi32 (4899 | (9617 << 16));
  k->w_b = _mm512_set1_epi32 (1868 | (8192 << 16));
  k->spread3 = _mm512_loadu_si512 (spread);
}

/* The lumas of the sixteen pixels in the first 48 bytes of @v. */
__attribute__ ((target ("avx512f,avx512bw,avx512vbmi"))) static inline __m512i
luma_vbmi_16 (const LumaVbmi *k,
              __m512i         v)
{
  __m512i rg = _mm512_maskz_permutexvar_epi8 (0x5555555555555555ull, k->rg_of, v);
  __m512i b = _mm512_mask_permutexvar_epi8 (k->b_one, 0x1111111111111111ull, k->b_of, v);

  return _mm512_srli_epi32 (_mm512_add_epi32 (_mm512_madd_epi16 (rg, k->w_rg),
                                              _mm512_madd_epi16 (b, k->w_b)), 14);
}

/* The luma of a row of RGB, to one channel (@out3 FALSE) or three. The
 * last pixels go through masked loads and stores, which touch nothing
 * past the row. */
__attribute__ ((target ("avx512f,avx512bw,avx512vbmi"))) static void
luma_row_3_vbmi (const LumaVbmi *restrict k,
                 guint8         *restrict d,
                 const guint8   *restrict s,
                 int                      w,
                 gboolean                 out3)
{
  int x = 0;

  /* A full 64-byte load needs 16 bytes past the 48 used. */
  for (; (x + 16) * 3 + 16 <= w * 3; x += 16)
    {
      __m512i g = luma_vbmi_16 (k, _mm512_loadu_si512 (s + 3 * x));

      if (out3)
        _mm512_mask_storeu_epi8 (d + 3 * x, 0xffffffffffffull,
                                 _mm512_permutexvar_epi8 (k->spread3, g));
      else
        _mm_storeu_si128 ((__m128i *) (d + x), _mm512_cvtepi32_epi8 (g));
    }
  for (; x < w; x += 16)
    {
      int n = MIN (16, w - x);
      __m512i g = luma_vbmi_16 (k, _mm512_maskz_loadu_epi8 ((1ull << (3 * n)) - 1, s + 3 * x));

      if (out3)
        _mm512_mask_storeu_epi8 (d + 3 * x, (1ull << (3 * n)) - 1,
                                 _mm512_permutexvar_epi8 (k->spread3, g));
      else
        _mm512_mask_cvtepi32_storeu_epi8 (d + x, (__mmask16) ((1u << n) - 1), g);
    }
}

__attribute__ ((target ("avx512f,avx512bw,avx512vbmi"))) static void
luma_rows_3_vbmi (guint8       *restrict dst,
                  int                    dst_stride,
                  const guint8 *restrict src,
                  int                    src_stride,
                  int                    w,
                  int                    h,
                  gboolean               out3)
{
  LumaVbmi k;

  luma_vbmi_init (&k);
  for (int y = 0; y < h; y++)
    luma_row_3_vbmi (&k, dst + (gsize) y * dst_stride, src + (gsize) y * src_stride, w, out3);
}
#pragma GCC diagnostic pop
#endif

/* The luma rows by the loop that @features (augur_cpu_has() bits, asked
 * once by the caller, not per row) allow. */
static void
gray_rows_with (guint         features,
                guint8       *dst,
                int           dst_stride,
                const guint8 *src,
                int           src_stride,
                int           w,
                int           h,
                int           nc)
{
#ifdef HAVE_LUMA_VBMI
  if (nc == 3 && (features & AUGUR_CPU_AVX512_VBMI))
    {
      luma_rows_3_vbmi (dst, dst_stride, src, src_stride, w, h, FALSE);
      return;
    }
#endif
#ifdef HAVE_LUMA_SSSE3
  if (nc == 3 && (features & AUGUR_CPU_SSSE3))
    {
      luma_rows_3_ssse3 (dst, dst_stride, src, src_stride, w, h);
      return;
    }
#endif
  luma_rows (dst, dst_stride, src, src_stride, w, h, nc);
}

static guint
gray_features (void)
{
  return (augur_cpu_has (AUGUR_CPU_SSSE3) ? AUGUR_CPU_SSSE3 : 0) |
         (augur_cpu_has (AUGUR_CPU_AVX512_VBMI) ? AUGUR_CPU_AVX512_VBMI : 0);
}

/**
 * augur_gray_rows:
 *
 * Writes the BT.601 luma of @h rows of @w pixels of @nc (3 or 4) channels
 * from @src into the one-channel rows of @dst, as OpenCV's 8-bit RGB2GRAY
 * computes it (augur_gray_pixel()); alpha is ignored. RGB takes the SSSE3
 * loop when augur_cpu_has() allows it.
 */
void
augur_gray_rows (guint8       *dst,
                 int           dst_stride,
                 const guint8 *src,
                 int           src_stride,
                 int           w,
                 int           h,
                 int           nc)
{
  g_return_if_fail (nc == 3 || nc == 4);

  gray_rows_with (gray_features (), dst, dst_stride, src, src_stride, w, h, nc);
}

/**
 * augur_gray_rows_3:
 *
 * As augur_gray_rows(), but each luma is written three times, into the
 * three-channel rows of @dst (gray as RGB). The luma goes through one row
 * of scratch, never a whole plane, so that three output channels cost
 * little more than one.
 */
void
augur_gray_rows_3 (guint8       *dst,
                   int           dst_stride,
                   const guint8 *src,
                   int           src_stride,
                   int           w,
                   int           h,
                   int           nc)
{
  g_autofree guint8 *row = NULL;
  guint features = gray_features ();

  g_return_if_fail (nc == 3 || nc == 4);

#ifdef HAVE_LUMA_VBMI
  /* Each luma computed once and spread to three bytes in registers. */
  if (nc == 3 && (features & AUGUR_CPU_AVX512_VBMI))
    {
      luma_rows_3_vbmi (dst, dst_stride, src, src_stride, w, h, TRUE);
      return;
    }
#endif
  row = g_malloc (w);
  for (int y = 0; y < h; y++)
    {
      guint8 *d = dst + (gsize) y * dst_stride;
      int x = 0;

      gray_rows_with (features, row, w, src + (gsize) y * src_stride, src_stride, w, 1, nc);
#ifdef HAVE_LUMA_SSSE3
      if (features & AUGUR_CPU_SSSE3)
        x = expand_3_ssse3 (row, d, w);
#endif
      for (; x < w; x++)
        d[3 * x] = d[3 * x + 1] = d[3 * x + 2] = row[x];
    }
}
