/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-cpu.h"
#include "augur-matrix3.h"
#include "augur-simd.h"

AUGUR_SIMD_CLONES static void
matrix3_rows (const AugurMatrix3     *m,
              guint8       *restrict  dst,
              int                     dst_stride,
              const guint8 *restrict  src,
              int                     src_stride,
              int                     w,
              int                     h,
              int                     nc)
{
  for (int y = 0; y < h; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint8 *d = dst + (gsize) y * dst_stride;

      for (int x = 0; x < w; x++, s += nc, d += nc)
        {
          guint r = s[0], g = s[1], b = s[2];

          d[0] = augur_matrix3_channel (m->w[0], r, g, b);
          d[1] = augur_matrix3_channel (m->w[1], r, g, b);
          d[2] = augur_matrix3_channel (m->w[2], r, g, b);
          if (nc == 4)
            d[3] = s[3];
        }
    }
}

#if defined(AUGUR_CPU_X86_64) && !defined(__clang__)
# define HAVE_MATRIX3_SSSE3 1
# include <immintrin.h>

/* Where byte i of the @k-th 16 bytes of interleaved RGB output comes from
 * in the 16-byte plane of channel @c (-1: another channel's byte). */
static void
spread_index (int   k,
              int   c,
              gint8 idx[16])
{
  for (int i = 0; i < 16; i++)
    idx[i] = (16 * k + i) % 3 == c ? (gint8) ((16 * k + i) / 3) : -1;
}

/* With AVX-512 VBMI, sixteen pixels (48 bytes) a load: byte permutes
 * spread them straight into the (r, g) and (b, 1) pairs, the products are
 * those of the loops above, each plane of sixteen 32-bit results narrows
 * to bytes with unsigned saturation (255 at most, as
 * augur_matrix3_channel() clips), and one more permute interleaves the
 * three planes. Masked loads and stores: nothing past the row is touched,
 * and the last pixels need no other loop. GCC 12's AVX-512 headers pass
 * an undefined register as the unused merge source of the unmasked forms,
 * which its own -Wmaybe-uninitialized then reports: not this code's. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__ ((target ("avx512f,avx512bw,avx512vbmi"))) static void
matrix3_rows_3_vbmi (const AugurMatrix3     *m,
                     guint8       *restrict  dst,
                     int                     dst_stride,
                     const guint8 *restrict  src,
                     int                     src_stride,
                     int                     w,
                     int                     h)
{
  gint8 rg_idx[64], b_idx[64], out_idx[64];
  __mmask64 rg_keep = 0, b_keep = 0;
  __m512i w_rg[3], w_b1[3], spread_rg, spread_b, interleave;
  const __m512i one = _mm512_set1_epi32 (1 << 16);

  for (int p = 0; p < 16; p++)
    {
      rg_idx[4 * p] = (gint8) (3 * p);
      rg_idx[4 * p + 2] = (gint8) (3 * p + 1);
      rg_idx[4 * p + 1] = rg_idx[4 * p + 3] = 0;
      rg_keep |= 5ull << (4 * p);
      b_idx[4 * p] = (gint8) (3 * p + 2);
      b_idx[4 * p + 1] = b_idx[4 * p + 2] = b_idx[4 * p + 3] = 0;
      b_keep |= 1ull << (4 * p);
    }
  /* output byte 3 p + c is byte p of plane c: the packs below put it in
   * 128-bit lane p / 4, at 4 c + p % 4 */
  for (int i = 0; i < 64; i++)
    out_idx[i] = i < 48 ? (gint8) (16 * (i / 3 / 4) + 4 * (i % 3) + i / 3 % 4) : 0;
  spread_rg = _mm512_loadu_si512 (rg_idx);
  spread_b = _mm512_loadu_si512 (b_idx);
  interleave = _mm512_loadu_si512 (out_idx);
  for (int c = 0; c < 3; c++)
    {
      w_rg[c] = _mm512_set1_epi32 ((int) (m->w[c][0] | (guint32) m->w[c][1] << 16));
      w_b1[c] = _mm512_set1_epi32 ((int) (m->w[c][2] | 1u << (AUGUR_MATRIX3_BITS - 1 + 16)));
    }

  for (int y = 0; y < h; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint8 *d = dst + (gsize) y * dst_stride;

      for (int x = 0; x < w; x += 16)
        {
          int n = MIN (16, w - x);
          __mmask64 bytes = n == 16 ? (1ull << 48) - 1 : (1ull << (3 * n)) - 1;
          __m512i v = _mm512_maskz_loadu_epi8 (bytes, s + (gsize) x * 3);
          __m512i rg = _mm512_maskz_permutexvar_epi8 (rg_keep, spread_rg, v);
          __m512i b1 = _mm512_or_si512 (_mm512_maskz_permutexvar_epi8 (b_keep, spread_b, v), one);
          __m512i q[3], all;

          for (int c = 0; c < 3; c++)
            q[c] = _mm512_srli_epi32 (_mm512_add_epi32 (_mm512_madd_epi16 (rg, w_rg[c]),
                                                        _mm512_madd_epi16 (b1, w_b1[c])),
                                      AUGUR_MATRIX3_BITS);
          /* Saturated to bytes by two packs (as the AVX2 loop does; the
           * sums are not negative after the shift), lane by lane: lane L
           * holds pixels 4 L to 4 L + 3 of planes 0, 1, 2, 2. */
          all = _mm512_packus_epi16 (_mm512_packs_epi32 (q[0], q[1]), _mm512_packs_epi32 (q[2], q[2]));
          _mm512_mask_storeu_epi8 (d + (gsize) x * 3, bytes, _mm512_permutexvar_epi8 (interleave, all));
        }
    }
}

#pragma GCC diagnostic pop

/* As matrix3_rows_3_ssse3(), with AVX2: each 256-bit register holds two
 * of its steps, one per 128-bit lane (the byte shuffles and the packing
 * stay within a lane), so that a step is 32 pixels. */
__attribute__ ((target ("avx2"))) static int
matrix3_rows_3_avx2 (const AugurMatrix3     *m,
                     guint8       *restrict  d,
                     const guint8 *restrict  s,
                     int                     w)
{
  const __m256i rg_of = _mm256_setr_epi8 (0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1,
                                          0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1);
  const __m256i b_of = _mm256_setr_epi8 (2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1,
                                         2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1);
  const __m256i one = _mm256_set1_epi32 (1 << 16);
  __m256i w_rg[3], w_b1[3], spread[3][3];
  int x = 0;

  for (int c = 0; c < 3; c++)
    {
      w_rg[c] = _mm256_set1_epi32 ((int) (m->w[c][0] | (guint32) m->w[c][1] << 16));
      w_b1[c] = _mm256_set1_epi32 ((int) (m->w[c][2] | 1u << (AUGUR_MATRIX3_BITS - 1 + 16)));
    }
  for (int k = 0; k < 3; k++)
    for (int c = 0; c < 3; c++)
      {
        gint8 idx[16];

        spread_index (k, c, idx);
        spread[k][c] = _mm256_broadcastsi128_si256 (_mm_loadu_si128 ((const __m128i *) idx));
      }

  /* The last load of a step reads 4 bytes past its 12. */
  for (; (x + 32) * 3 + 4 <= w * 3; x += 32)
    {
      __m256i q[3][4], plane[3];

      for (int k = 0; k < 4; k++)
        {
          __m256i v = _mm256_inserti128_si256 (
            _mm256_castsi128_si256 (_mm_loadu_si128 ((const __m128i *) (s + (gsize) (x + 4 * k) * 3))),
            _mm_loadu_si128 ((const __m128i *) (s + (gsize) (x + 16 + 4 * k) * 3)), 1);
          __m256i rg = _mm256_shuffle_epi8 (v, rg_of);
          __m256i b1 = _mm256_or_si256 (_mm256_shuffle_epi8 (v, b_of), one);

          for (int c = 0; c < 3; c++)
            q[c][k] = _mm256_srli_epi32 (_mm256_add_epi32 (_mm256_madd_epi16 (rg, w_rg[c]),
                                                           _mm256_madd_epi16 (b1, w_b1[c])),
                                         AUGUR_MATRIX3_BITS);
        }
      for (int c = 0; c < 3; c++)
        plane[c] = _mm256_packus_epi16 (_mm256_packs_epi32 (q[c][0], q[c][1]),
                                        _mm256_packs_epi32 (q[c][2], q[c][3]));
      for (int k = 0; k < 3; k++)
        {
          __m256i o = _mm256_or_si256 (_mm256_or_si256 (_mm256_shuffle_epi8 (plane[0], spread[k][0]),
                                                        _mm256_shuffle_epi8 (plane[1], spread[k][1])),
                                       _mm256_shuffle_epi8 (plane[2], spread[k][2]));

          _mm_storeu_si128 ((__m128i *) (d + (gsize) x * 3 + 16 * k), _mm256_castsi256_si128 (o));
          _mm_storeu_si128 ((__m128i *) (d + (gsize) x * 3 + 48 + 16 * k), _mm256_extracti128_si256 (o, 1));
        }
    }
  return x;
}

/*
 * RGB with SSSE3, sixteen pixels a step: as the SSSE3 luma loop
 * (augur-gray.c), two byte shuffles spread four pixels of a 16-byte load
 * into 16-bit (r, g) and (b, 1) pairs, and pmaddwd multiplies and adds each
 * pair by an output channel's weights (the 1 by the rounding half) into 32
 * bits. The three output planes of sixteen bytes, saturated to 255 on
 * packing as augur_matrix3_channel() clips, are interleaved back by nine
 * byte shuffles. The last pixels, whose loads would read past the row, are
 * left to the scalar loop.
 */
__attribute__ ((target ("ssse3"))) static void
matrix3_rows_3_ssse3 (const AugurMatrix3     *m,
                      guint8       *restrict  dst,
                      int                     dst_stride,
                      const guint8 *restrict  src,
                      int                     src_stride,
                      int                     w,
                      int                     h,
                      gboolean                avx2)
{
  const __m128i rg_of = _mm_setr_epi8 (0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1);
  const __m128i b_of = _mm_setr_epi8 (2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1);
  const __m128i one = _mm_setr_epi16 (0, 1, 0, 1, 0, 1, 0, 1);
  __m128i w_rg[3], w_b1[3], spread[3][3];

  for (int c = 0; c < 3; c++)
    {
      w_rg[c] = _mm_setr_epi16 (m->w[c][0], m->w[c][1], m->w[c][0], m->w[c][1],
                                m->w[c][0], m->w[c][1], m->w[c][0], m->w[c][1]);
      w_b1[c] = _mm_setr_epi16 (m->w[c][2], 1 << (AUGUR_MATRIX3_BITS - 1),
                                m->w[c][2], 1 << (AUGUR_MATRIX3_BITS - 1),
                                m->w[c][2], 1 << (AUGUR_MATRIX3_BITS - 1),
                                m->w[c][2], 1 << (AUGUR_MATRIX3_BITS - 1));
    }
  for (int k = 0; k < 3; k++)
    for (int c = 0; c < 3; c++)
      {
        gint8 idx[16];

        spread_index (k, c, idx);
        spread[k][c] = _mm_loadu_si128 ((const __m128i *) idx);
      }

  for (int y = 0; y < h; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint8 *d = dst + (gsize) y * dst_stride;
      int x = avx2 ? matrix3_rows_3_avx2 (m, d, s, w) : 0;

      /* The fourth load of a step reads 4 bytes past its 12. */
      for (; (x + 16) * 3 + 4 <= w * 3; x += 16)
        {
          __m128i q[3][4], plane[3];

          for (int k = 0; k < 4; k++)
            {
              __m128i v = _mm_loadu_si128 ((const __m128i *) (s + (gsize) (x + 4 * k) * 3));
              __m128i rg = _mm_shuffle_epi8 (v, rg_of);
              __m128i b1 = _mm_or_si128 (_mm_shuffle_epi8 (v, b_of), one);

              for (int c = 0; c < 3; c++)
                q[c][k] = _mm_srli_epi32 (_mm_add_epi32 (_mm_madd_epi16 (rg, w_rg[c]),
                                                         _mm_madd_epi16 (b1, w_b1[c])),
                                          AUGUR_MATRIX3_BITS);
            }
          for (int c = 0; c < 3; c++)
            plane[c] = _mm_packus_epi16 (_mm_packs_epi32 (q[c][0], q[c][1]),
                                         _mm_packs_epi32 (q[c][2], q[c][3]));
          for (int k = 0; k < 3; k++)
            _mm_storeu_si128 ((__m128i *) (d + (gsize) x * 3 + 16 * k),
                              _mm_or_si128 (_mm_or_si128 (_mm_shuffle_epi8 (plane[0], spread[k][0]),
                                                          _mm_shuffle_epi8 (plane[1], spread[k][1])),
                                            _mm_shuffle_epi8 (plane[2], spread[k][2])));
        }
      for (; x < w; x++)
        {
          const guint8 *p = s + (gsize) x * 3;

          for (int c = 0; c < 3; c++)
            d[3 * x + c] = augur_matrix3_channel (m->w[c], p[0], p[1], p[2]);
        }
    }
}
#endif

/**
 * augur_matrix3_rows:
 *
 * Writes @m applied to each pixel of @h rows of @w pixels of @nc (3 or 4)
 * channels from @src into @dst (augur_matrix3_channel()); alpha is copied.
 * RGB takes the AVX-512 VBMI loop, or else the SSSE3 one and within it the
 * AVX2 one, when augur_cpu_has() allows them: the same bytes.
 */
void
augur_matrix3_rows (const AugurMatrix3 *m,
                    guint8             *dst,
                    int                 dst_stride,
                    const guint8       *src,
                    int                 src_stride,
                    int                 w,
                    int                 h,
                    int                 nc)
{
  g_return_if_fail (nc == 3 || nc == 4);

#ifdef HAVE_MATRIX3_SSSE3
  if (nc == 3 && augur_cpu_has (AUGUR_CPU_SSSE3))
    {
      for (int c = 0; c < 3; c++)
        for (int i = 0; i < 3; i++)
          g_return_if_fail (m->w[c][i] < 1u << 15);
      if (augur_cpu_has (AUGUR_CPU_AVX512_VBMI))
        {
          matrix3_rows_3_vbmi (m, dst, dst_stride, src, src_stride, w, h);
          return;
        }
      matrix3_rows_3_ssse3 (m, dst, dst_stride, src, src_stride, w, h,
                            augur_cpu_has (AUGUR_CPU_AVX2));
      return;
    }
#endif
  matrix3_rows (m, dst, dst_stride, src, src_stride, w, h, nc);
}
