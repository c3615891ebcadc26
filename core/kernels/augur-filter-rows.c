/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <string.h>

#include "augur-cpu.h"
#include "augur-filter-rows.h"
#include "augur-simd.h"

/*
 * d[i] = the sum over taps t, in order, of k[t] * rows[t][i], starting from
 * 0, plus 0.5, clipped to [0, 255] and truncated: float products and sums
 * one at a time (no fused multiply-add), so that every path gives the same
 * bytes as the plain loops.
 *
 * - portable: a block of FILTER_BLOCK sums, tap by tap, in loops the
 *   compiler vectorises;
 * - AVX2 (chosen at run time): 32 sums in four registers, through all the
 *   taps, then converted and stored; no sum goes through memory;
 * - AVX-512 (chosen at run time): the same, 64 sums a step, the rest of
 *   the row to the AVX2 loop.
 */
#define FILTER_BLOCK 1024

static inline guint8
filter_store (float acc)
{
  float v = acc + 0.5f;

  v = MAX (v, 0.0f);
  return (guint8) MIN (v, 255.0f);
}

/**
 * augur_filter_add_tap:
 *
 * acc[i] += @k * @p[i] for i < @n: one tap into a row of float sums (the
 * portable path below, and the float blurs that keep their own sums). A
 * loop with restrict pointers, which the compiler vectorises.
 */
AUGUR_SIMD_CLONES void
augur_filter_add_tap (float       *restrict acc,
                      const float *restrict p,
                      float                 k,
                      int                   n)
{
  for (int i = 0; i < n; i++)
    acc[i] += k * p[i];
}

/* The sums into bytes, likewise. */
AUGUR_SIMD_CLONES static void
filter_store_block (guint8      *restrict d,
                    const float *restrict acc,
                    int                   n)
{
  for (int i = 0; i < n; i++)
    d[i] = filter_store (acc[i]);
}

static void
filter_row_portable (guint8             *d,
                     const float *const *rows,
                     const float        *k,
                     int                 taps,
                     int                 from,
                     int                 n)
{
  float acc[FILTER_BLOCK];

  for (int at = from; at < n; at += FILTER_BLOCK)
    {
      int len = MIN (FILTER_BLOCK, n - at);

      memset (acc, 0, sizeof (float) * len);
      for (int t = 0; t < taps; t++)
        augur_filter_add_tap (acc, rows[t] + at, k[t], len);
      filter_store_block (d + at, acc, len);
    }
}

#if defined(AUGUR_CPU_X86_64) && !defined(__clang__)
# define HAVE_FILTER_AVX2 1
# include <immintrin.h>

/* Values @from on, 32 a step; returns where it stopped. */
__attribute__ ((target ("avx2"))) static int
filter_row_avx2 (guint8             *restrict d,
                 const float *const *rows,
                 const float        *k,
                 int                 taps,
                 int                 from,
                 int                 n)
{
  const __m256 half = _mm256_set1_ps (0.5f), zero = _mm256_setzero_ps (), top = _mm256_set1_ps (255.0f);
  const __m256i order = _mm256_setr_epi32 (0, 4, 1, 5, 2, 6, 3, 7);
  int i = from;

  for (; i + 32 <= n; i += 32)
    {
      __m256 a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      __m256i q0, q1, q2, q3;

      for (int t = 0; t < taps; t++)
        {
          const float *p = rows[t] + i;
          __m256 kt = _mm256_set1_ps (k[t]);

          a0 = _mm256_add_ps (a0, _mm256_mul_ps (kt, _mm256_loadu_ps (p)));
          a1 = _mm256_add_ps (a1, _mm256_mul_ps (kt, _mm256_loadu_ps (p + 8)));
          a2 = _mm256_add_ps (a2, _mm256_mul_ps (kt, _mm256_loadu_ps (p + 16)));
          a3 = _mm256_add_ps (a3, _mm256_mul_ps (kt, _mm256_loadu_ps (p + 24)));
        }
      /* MAX (v, 0) then MIN (v, 255), as filter_store() */
      q0 = _mm256_cvttps_epi32 (_mm256_min_ps (_mm256_max_ps (_mm256_add_ps (a0, half), zero), top));
      q1 = _mm256_cvttps_epi32 (_mm256_min_ps (_mm256_max_ps (_mm256_add_ps (a1, half), zero), top));
      q2 = _mm256_cvttps_epi32 (_mm256_min_ps (_mm256_max_ps (_mm256_add_ps (a2, half), zero), top));
      q3 = _mm256_cvttps_epi32 (_mm256_min_ps (_mm256_max_ps (_mm256_add_ps (a3, half), zero), top));
      /* The packs interleave the 128-bit lanes; the permutation puts the
       * 32 bytes back in order. */
      _mm256_storeu_si256 ((__m256i *) (d + i),
                           _mm256_permutevar8x32_epi32 (
                             _mm256_packus_epi16 (_mm256_packus_epi32 (q0, q1),
                                                  _mm256_packus_epi32 (q2, q3)), order));
    }
  return i;
}

/* The AVX2 loop at twice the width: 64 sums in four 16-float registers,
 * products and sums one at a time as above (contraction into fused
 * multiply-adds, which AVX-512 would allow, is switched off so that the
 * bytes stay those of the other paths); each register's sixteen values are
 * clipped in float, truncated to 32 bits and narrowed to bytes by one
 * store. GCC 12's AVX-512 headers pass an undefined register as the unused
 * merge source of the unmasked forms, which its own
 * -Wmaybe-uninitialized then reports. */
# pragma GCC diagnostic push
# pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__ ((target ("avx512f"), optimize ("fp-contract=off"))) static int
filter_row_avx512 (guint8             *restrict d,
                   const float *const *rows,
                   const float        *k,
                   int                 taps,
                   int                 n)
{
  const __m512 half = _mm512_set1_ps (0.5f), zero = _mm512_setzero_ps (), top = _mm512_set1_ps (255.0f);
  int i = 0;

  for (; i + 64 <= n; i += 64)
    {
      __m512 a[4] = { zero, zero, zero, zero };

      for (int t = 0; t < taps; t++)
        {
          const float *p = rows[t] + i;
          __m512 kt = _mm512_set1_ps (k[t]);

          for (int q = 0; q < 4; q++)
            a[q] = _mm512_add_ps (a[q], _mm512_mul_ps (kt, _mm512_loadu_ps (p + 16 * q)));
        }
      for (int q = 0; q < 4; q++)
        _mm512_mask_cvtepi32_storeu_epi8 (d + i + 16 * q, 0xffff,
                                          _mm512_cvttps_epi32 (_mm512_min_ps (_mm512_max_ps (
                                            _mm512_add_ps (a[q], half), zero), top)));
    }
  return i;
}
# pragma GCC diagnostic pop
#endif

/**
 * augur_filter_row_init:
 *
 * Sets up @f with the AVX2 loop when augur_cpu_has() allows it.
 */
void
augur_filter_row_init (AugurFilterRow *f)
{
  f->avx2 = augur_cpu_has (AUGUR_CPU_AVX2);
  f->avx512 = f->avx2 && augur_cpu_has (AUGUR_CPU_AVX512_VBMI);
}

/**
 * augur_filter_row:
 *
 * Writes @n bytes to @d: for each i, the sum of @k[t] * @rows[t][i] over
 * the @taps taps in order, from 0, plus 0.5, clipped to [0, 255] and
 * truncated (OpenCV's rounding of filter2D into 8 bits).
 */
void
augur_filter_row (const AugurFilterRow *f,
                  guint8               *d,
                  const float *const   *rows,
                  const float          *k,
                  int                   taps,
                  int                   n)
{
  int done = 0;

#ifdef HAVE_FILTER_AVX2
  if (f->avx512)
    done = filter_row_avx512 (d, rows, k, taps, n);
  if (f->avx2)
    done = filter_row_avx2 (d, rows, k, taps, done, n);
#endif
  if (done < n)
    filter_row_portable (d, rows, k, taps, done, n);
}
