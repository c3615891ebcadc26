/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>

#include "augur-blur-rows.h"
#include "augur-cpu.h"
#include "augur-simd.h"

/*
 * Fixed point. The kernel is quantised to Q14 (its taps sum to exactly
 * 1 << 14, so a flat image stays flat). The horizontal pass keeps 6
 * fractional bits in 16-bit rows (at most 255 << 6, so that two of them
 * still add up within a signed 16-bit lane); the vertical pass accumulates
 * those times Q14 in 32 bits (at most 255 << 20) and rounds once. Both
 * passes add the mirrored taps before multiplying. Every sum is an exact
 * integer, so the two implementations below give the same bits:
 *
 * - portable: blocks of BLUR_BLOCK values, tap by tap, in loops the
 *   compiler vectorises (keeping the block's sums in registers);
 * - AVX2 (chosen at run time): 16 values at a time, two taps per pmaddwd
 *   (16-bit pixel sums times 16-bit weights into 32-bit lanes); with
 *   AVX-512 (AVX512BW, on the processors that augur-cpu counts as AVX-512)
 *   the same, 32 at a time. Setting AUGUR_NO_AVX512 or AUGUR_NO_AVX2 in
 *   the environment forces the narrower paths (see augur-cpu.h), which the
 *   tests use to check that all agree.
 */
#define BLUR_KBITS   AUGUR_BLUR_KBITS
#define BLUR_HSHIFT  (BLUR_KBITS - 6)
#define BLUR_VSHIFT  (BLUR_KBITS + 6)
#define BLUR_BLOCK   32

/* GCC's unroll-and-jam (on at -O3) fuses two taps of the vertical pass and
 * then no longer vectorises the block loop: keep it off there. */
#if defined(__GNUC__) && !defined(__clang__)
# define BLUR_NO_JAM __attribute__ ((optimize ("no-loop-unroll-and-jam")))
#else
# define BLUR_NO_JAM
#endif

/* out[i] = sum over j in [-r, r] of k[|j|] * centre[i + j off], in Q8,
 * for i < BLUR_BLOCK. */
static inline void
blur_block_h (const guint8  *restrict centre,
              guint16       *restrict out,
              int            off,
              const guint32 *restrict k,
              int            r)
{
  guint32 acc[BLUR_BLOCK];

  for (int i = 0; i < BLUR_BLOCK; i++)
    acc[i] = centre[i] * k[0];
  for (int j = 1; j <= r; j++)
    {
      const guint8 *a = centre - j * off, *b = centre + j * off;
      const guint32 kj = k[j];

      for (int i = 0; i < BLUR_BLOCK; i++)
        acc[i] += (guint32) (a[i] + b[i]) * kj;
    }
  for (int i = 0; i < BLUR_BLOCK; i++)
    out[i] = (guint16) ((acc[i] + (1u << (BLUR_HSHIFT - 1))) >> BLUR_HSHIFT);
}

AUGUR_SIMD_CLONES static void
blur_row_h (const guint8  *centre,
            guint16       *out,
            int            n,
            int            off,
            const guint32 *k,
            int            r)
{
  int i = 0;

  if (n >= BLUR_BLOCK)
    {
      for (; i + BLUR_BLOCK <= n; i += BLUR_BLOCK)
        blur_block_h (centre + i, out + i, off, k, r);
      /* the last block overlaps the one before it */
      if (i < n)
        blur_block_h (centre + n - BLUR_BLOCK, out + n - BLUR_BLOCK, off, k, r);
      return;
    }
  for (; i < n; i++)
    {
      guint32 acc = centre[i] * k[0];

      for (int j = 1; j <= r; j++)
        acc += (guint32) (centre[i - j * off] + centre[i + j * off]) * k[j];
      out[i] = (guint16) ((acc + (1u << (BLUR_HSHIFT - 1))) >> BLUR_HSHIFT);
    }
}

/* out[i] = sum over j in [-r, r] of k[|j|] * rows[r + j][at + i], rounded,
 * for i < BLUR_BLOCK. */
static inline void
blur_block_v (const guint16 *const *rows,
              int                   at,
              guint8               *restrict out,
              const guint32        *restrict k,
              int                   r)
{
  const guint16 *restrict centre = rows[r] + at;
  guint32 acc[BLUR_BLOCK];

  for (int i = 0; i < BLUR_BLOCK; i++)
    acc[i] = centre[i] * k[0];
  for (int j = 1; j <= r; j++)
    {
      const guint16 *restrict a = rows[r - j] + at, *restrict b = rows[r + j] + at;
      const guint32 kj = k[j];

      for (int i = 0; i < BLUR_BLOCK; i++)
        acc[i] += ((guint32) a[i] + b[i]) * kj;
    }
  for (int i = 0; i < BLUR_BLOCK; i++)
    out[i] = (guint8) ((acc[i] + (1u << (BLUR_VSHIFT - 1))) >> BLUR_VSHIFT);
}

AUGUR_SIMD_CLONES BLUR_NO_JAM static void
blur_row_v (const guint16 *const *rows,
            guint8               *out,
            int                   n,
            const guint32        *k,
            int                   r)
{
  int i = 0;

  if (n >= BLUR_BLOCK)
    {
      for (; i + BLUR_BLOCK <= n; i += BLUR_BLOCK)
        blur_block_v (rows, i, out + i, k, r);
      if (i < n)
        blur_block_v (rows, n - BLUR_BLOCK, out + n - BLUR_BLOCK, k, r);
      return;
    }
  for (; i < n; i++)
    {
      guint32 acc = rows[r][i] * k[0];

      for (int j = 1; j <= r; j++)
        acc += ((guint32) rows[r - j][i] + rows[r + j][i]) * k[j];
      out[i] = (guint8) ((acc + (1u << (BLUR_VSHIFT - 1))) >> BLUR_VSHIFT);
    }
}

#ifdef AUGUR_CPU_X86_64
# define BLUR_HAVE_AVX2 1
# include <immintrin.h>

/* Sixteen bytes widened to sixteen 16-bit lanes. */
# define BLUR_LOAD8(p) _mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) (const void *) (p)))
# define BLUR_LOAD16(p) _mm256_loadu_si256 ((const __m256i *) (const void *) (p))

/* @pairs[m] holds the taps 2m and 2m + 1 (k[0] the centre, 0 past r) as
 * two 16-bit halves, for pmaddwd. */
__attribute__ ((target ("avx2"))) static void
blur_row_h_avx2 (const guint8  *centre,
                 guint16       *out,
                 int            n,
                 int            off,
                 const guint32 *k,
                 const guint32 *pairs,
                 int            r)
{
  const __m256i zero = _mm256_setzero_si256 ();
  const __m256i round = _mm256_set1_epi32 (1 << (BLUR_HSHIFT - 1));

  if (n < 16)
    {
      blur_row_h (centre, out, n, off, k, r);
      return;
    }
  for (int i = 0; i < n; i += 16)
    {
      const guint8 *c = centre + MIN (i, n - 16);
      __m256i lo = zero, hi = zero, res;

      for (int j = 0; j <= r; j += 2)
        {
          __m256i kk = _mm256_set1_epi32 ((int) pairs[j / 2]);
          __m256i s0 = j == 0 ? BLUR_LOAD8 (c)
                              : _mm256_add_epi16 (BLUR_LOAD8 (c - j * off), BLUR_LOAD8 (c + j * off));
          __m256i s1 = j + 1 > r ? zero
                                 : _mm256_add_epi16 (BLUR_LOAD8 (c - (j + 1) * off),
                                                     BLUR_LOAD8 (c + (j + 1) * off));

          lo = _mm256_add_epi32 (lo, _mm256_madd_epi16 (_mm256_unpacklo_epi16 (s0, s1), kk));
          hi = _mm256_add_epi32 (hi, _mm256_madd_epi16 (_mm256_unpackhi_epi16 (s0, s1), kk));
        }
      lo = _mm256_srai_epi32 (_mm256_add_epi32 (lo, round), BLUR_HSHIFT);
      hi = _mm256_srai_epi32 (_mm256_add_epi32 (hi, round), BLUR_HSHIFT);
      /* the unpacks split each 128-bit lane in halves; the pack undoes it */
      res = _mm256_packus_epi32 (lo, hi);
      _mm256_storeu_si256 ((__m256i *) (void *) (out + MIN (i, n - 16)), res);
    }
}

__attribute__ ((target ("avx2"))) static void
blur_row_v_avx2 (const guint16 *const *rows,
                 guint8               *out,
                 int                   n,
                 const guint32        *k,
                 const guint32        *pairs,
                 int                   r)
{
  const __m256i zero = _mm256_setzero_si256 ();
  const __m256i round = _mm256_set1_epi32 (1 << (BLUR_VSHIFT - 1));

  if (n < 16)
    {
      blur_row_v (rows, out, n, k, r);
      return;
    }
  for (int i = 0; i < n; i += 16)
    {
      const int at = MIN (i, n - 16);
      __m256i lo = zero, hi = zero, res;

      for (int j = 0; j <= r; j += 2)
        {
          __m256i kk = _mm256_set1_epi32 ((int) pairs[j / 2]);
          __m256i s0 = j == 0 ? BLUR_LOAD16 (rows[r] + at)
                              : _mm256_add_epi16 (BLUR_LOAD16 (rows[r - j] + at), BLUR_LOAD16 (rows[r + j] + at));
          __m256i s1 = j + 1 > r ? zero
                                 : _mm256_add_epi16 (BLUR_LOAD16 (rows[r - j - 1] + at),
                                                     BLUR_LOAD16 (rows[r + j + 1] + at));

          lo = _mm256_add_epi32 (lo, _mm256_madd_epi16 (_mm256_unpacklo_epi16 (s0, s1), kk));
          hi = _mm256_add_epi32 (hi, _mm256_madd_epi16 (_mm256_unpackhi_epi16 (s0, s1), kk));
        }
      lo = _mm256_srai_epi32 (_mm256_add_epi32 (lo, round), BLUR_VSHIFT);
      hi = _mm256_srai_epi32 (_mm256_add_epi32 (hi, round), BLUR_VSHIFT);
      res = _mm256_packus_epi32 (lo, hi);
      _mm_storeu_si128 ((__m128i *) (void *) (out + at),
                        _mm_packus_epi16 (_mm256_castsi256_si128 (res), _mm256_extracti128_si256 (res, 1)));
    }
}
/* The same two loops with AVX-512 BW: 32 values a step, the unpacks,
 * products and packs those of the AVX2 loops within each 128-bit lane.
 * Rows shorter than a step go to the AVX2 loops. GCC 12's AVX-512 headers
 * pass an undefined register as the unused merge source of the unmasked
 * forms, which its own -Wmaybe-uninitialized then reports. */
# define BLUR_LOAD8_512(p) _mm512_cvtepu8_epi16 (_mm256_loadu_si256 ((const __m256i *) (const void *) (p)))
# define BLUR_LOAD16_512(p) _mm512_loadu_si512 ((const void *) (p))

# pragma GCC diagnostic push
# pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__ ((target ("avx512f,avx512bw"))) static void
blur_row_h_avx512 (const guint8  *centre,
                   guint16       *out,
                   int            n,
                   int            off,
                   const guint32 *k,
                   const guint32 *pairs,
                   int            r)
{
  const __m512i zero = _mm512_setzero_si512 ();
  const __m512i round = _mm512_set1_epi32 (1 << (BLUR_HSHIFT - 1));

  if (n < 32)
    {
      blur_row_h_avx2 (centre, out, n, off, k, pairs, r);
      return;
    }
  for (int i = 0; i < n; i += 32)
    {
      const guint8 *c = centre + MIN (i, n - 32);
      __m512i lo = zero, hi = zero;

      for (int j = 0; j <= r; j += 2)
        {
          __m512i kk = _mm512_set1_epi32 ((int) pairs[j / 2]);
          __m512i s0 = j == 0 ? BLUR_LOAD8_512 (c)
                              : _mm512_add_epi16 (BLUR_LOAD8_512 (c - j * off), BLUR_LOAD8_512 (c + j * off));
          __m512i s1 = j + 1 > r ? zero
                                 : _mm512_add_epi16 (BLUR_LOAD8_512 (c - (j + 1) * off),
                                                     BLUR_LOAD8_512 (c + (j + 1) * off));

          lo = _mm512_add_epi32 (lo, _mm512_madd_epi16 (_mm512_unpacklo_epi16 (s0, s1), kk));
          hi = _mm512_add_epi32 (hi, _mm512_madd_epi16 (_mm512_unpackhi_epi16 (s0, s1), kk));
        }
      lo = _mm512_srai_epi32 (_mm512_add_epi32 (lo, round), BLUR_HSHIFT);
      hi = _mm512_srai_epi32 (_mm512_add_epi32 (hi, round), BLUR_HSHIFT);
      _mm512_storeu_si512 ((void *) (out + MIN (i, n - 32)), _mm512_packus_epi32 (lo, hi));
    }
}

__attribute__ ((target ("avx512f,avx512bw"))) static void
blur_row_v_avx512 (const guint16 *const *rows,
                   guint8               *out,
                   int                   n,
                   const guint32        *k,
                   const guint32        *pairs,
                   int                   r)
{
  const __m512i zero = _mm512_setzero_si512 ();
  const __m512i round = _mm512_set1_epi32 (1 << (BLUR_VSHIFT - 1));

  if (n < 32)
    {
      blur_row_v_avx2 (rows, out, n, k, pairs, r);
      return;
    }
  for (int i = 0; i < n; i += 32)
    {
      const int at = MIN (i, n - 32);
      __m512i lo = zero, hi = zero;

      for (int j = 0; j <= r; j += 2)
        {
          __m512i kk = _mm512_set1_epi32 ((int) pairs[j / 2]);
          __m512i s0 = j == 0 ? BLUR_LOAD16_512 (rows[r] + at)
                              : _mm512_add_epi16 (BLUR_LOAD16_512 (rows[r - j] + at),
                                                  BLUR_LOAD16_512 (rows[r + j] + at));
          __m512i s1 = j + 1 > r ? zero
                                 : _mm512_add_epi16 (BLUR_LOAD16_512 (rows[r - j - 1] + at),
                                                     BLUR_LOAD16_512 (rows[r + j + 1] + at));

          lo = _mm512_add_epi32 (lo, _mm512_madd_epi16 (_mm512_unpacklo_epi16 (s0, s1), kk));
          hi = _mm512_add_epi32 (hi, _mm512_madd_epi16 (_mm512_unpackhi_epi16 (s0, s1), kk));
        }
      lo = _mm512_srai_epi32 (_mm512_add_epi32 (lo, round), BLUR_VSHIFT);
      hi = _mm512_srai_epi32 (_mm512_add_epi32 (hi, round), BLUR_VSHIFT);
      /* at most 255 each: the narrowing saturates nothing */
      _mm256_storeu_si256 ((__m256i *) (void *) (out + at),
                           _mm512_cvtusepi16_epi8 (_mm512_packus_epi32 (lo, hi)));
    }
}
# pragma GCC diagnostic pop
#endif

/**
 * augur_blur_kernel_init:
 *
 * Prepares the symmetric kernel @k (2 @r + 1 taps, k[r] the centre,
 * summing to 1) for augur_blur_row_x() and augur_blur_row_y(): its taps
 * in Q14, the rounding error given to the centre so that they sum to
 * exactly 1 << 14, and the loops to run (AVX-512 or AVX2 when
 * augur_cpu_has() allows them). Free with augur_blur_kernel_clear().
 */
void
augur_blur_kernel_init (AugurBlurKernel *kernel,
                        const float     *k,
                        int              r)
{
  gint64 sum = 0;

  g_return_if_fail (kernel != NULL && k != NULL && r >= 0);

  kernel->r = r;
  kernel->k = g_new (guint32, r + 1);
  kernel->pairs = g_new0 (guint32, r / 2 + 1);
  kernel->avx2 = augur_cpu_has (AUGUR_CPU_AVX2);
  kernel->avx512 = kernel->avx2 && augur_cpu_has (AUGUR_CPU_AVX512_VBMI);

  for (int j = 0; j <= r; j++)
    {
      kernel->k[j] = (guint32) lrint (k[r + j] * (1 << BLUR_KBITS));
      sum += (j == 0 ? 1 : 2) * (gint64) kernel->k[j];
    }
  kernel->k[0] = (guint32) ((gint64) kernel->k[0] + (1 << BLUR_KBITS) - sum);
  for (int j = 0; j <= r; j++)
    kernel->pairs[j / 2] |= kernel->k[j] << (j % 2 ? 16 : 0);
}

void
augur_blur_kernel_clear (AugurBlurKernel *kernel)
{
  g_clear_pointer (&kernel->k, g_free);
  g_clear_pointer (&kernel->pairs, g_free);
}

/**
 * augur_blur_row_x:
 *
 * The pass along x of @n values: out[i] = sum over j in [-r, r] of
 * k[|j|] * centre[i + j @off], in 16 bits with 6 fractional bits. @off is
 * the distance between neighbours (the channel count); @centre must be
 * readable r @off values before its start and after its end.
 */
void
augur_blur_row_x (const AugurBlurKernel *kernel,
                  const guint8          *centre,
                  guint16               *out,
                  int                    n,
                  int                    off)
{
#ifdef BLUR_HAVE_AVX2
  if (kernel->avx512)
    {
      blur_row_h_avx512 (centre, out, n, off, kernel->k, kernel->pairs, kernel->r);
      return;
    }
  if (kernel->avx2)
    {
      blur_row_h_avx2 (centre, out, n, off, kernel->k, kernel->pairs, kernel->r);
      return;
    }
#endif
  blur_row_h (centre, out, n, off, kernel->k, kernel->r);
}

/**
 * augur_blur_row_y:
 *
 * The pass along y of @n values, from the 2 r + 1 rows of augur_blur_row_x()
 * results @rows (rows[r] the centre), rounded to 8 bits.
 */
void
augur_blur_row_y (const AugurBlurKernel *kernel,
                  const guint16 *const  *rows,
                  guint8                *out,
                  int                    n)
{
#ifdef BLUR_HAVE_AVX2
  if (kernel->avx512)
    {
      blur_row_v_avx512 (rows, out, n, kernel->k, kernel->pairs, kernel->r);
      return;
    }
  if (kernel->avx2)
    {
      blur_row_v_avx2 (rows, out, n, kernel->k, kernel->pairs, kernel->r);
      return;
    }
#endif
  blur_row_v (rows, out, n, kernel->k, kernel->r);
}
