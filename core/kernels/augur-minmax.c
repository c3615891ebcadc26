/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <string.h>

#include "augur-cpu.h"
#include "augur-minmax.h"
#include "augur-simd.h"

/**
 * augur_minmax_init:
 *
 * Sets up @mm for maxima (@max TRUE) or minima, with the AVX2 loop when
 * augur_cpu_has() allows it.
 */
void
augur_minmax_init (AugurMinMax *mm,
                   gboolean     max)
{
  mm->max = max;
  mm->avx2 = augur_cpu_has (AUGUR_CPU_AVX2);
}

/* One row into the result at a time: a pass per row, vectorised. */
AUGUR_SIMD_CLONES static void
max_into (guint8       *d,
          const guint8 *s,
          int           n)
{
  for (int i = 0; i < n; i++)
    d[i] = MAX (d[i], s[i]);
}

AUGUR_SIMD_CLONES static void
min_into (guint8       *d,
          const guint8 *s,
          int           n)
{
  for (int i = 0; i < n; i++)
    d[i] = MIN (d[i], s[i]);
}

#if defined(AUGUR_CPU_X86_64) && !defined(__clang__)
# define HAVE_MINMAX_AVX2 1
# include <immintrin.h>

/* All the rows at once, 32 bytes at a time, the running result in a
 * register: one store per 32 bytes instead of one per row. Four vectors
 * a step, so that four chains of maxima overlap. Returns how many bytes
 * it did (a multiple of 32). */
#define MINMAX_STEP(op) \
  G_STMT_START { \
    for (; i + 128 <= n; i += 128) \
      { \
        __m256i a0 = _mm256_loadu_si256 ((const __m256i *) (rows[0] + i)); \
        __m256i a1 = _mm256_loadu_si256 ((const __m256i *) (rows[0] + i + 32)); \
        __m256i a2 = _mm256_loadu_si256 ((const __m256i *) (rows[0] + i + 64)); \
        __m256i a3 = _mm256_loadu_si256 ((const __m256i *) (rows[0] + i + 96)); \
        for (int r = 1; r < n_rows; r++) \
          { \
            const guint8 *p = rows[r] + i; \
            a0 = op (a0, _mm256_loadu_si256 ((const __m256i *) p)); \
            a1 = op (a1, _mm256_loadu_si256 ((const __m256i *) (p + 32))); \
            a2 = op (a2, _mm256_loadu_si256 ((const __m256i *) (p + 64))); \
            a3 = op (a3, _mm256_loadu_si256 ((const __m256i *) (p + 96))); \
          } \
        _mm256_storeu_si256 ((__m256i *) (d + i), a0); \
        _mm256_storeu_si256 ((__m256i *) (d + i + 32), a1); \
        _mm256_storeu_si256 ((__m256i *) (d + i + 64), a2); \
        _mm256_storeu_si256 ((__m256i *) (d + i + 96), a3); \
      } \
    for (; i + 32 <= n; i += 32) \
      { \
        __m256i a0 = _mm256_loadu_si256 ((const __m256i *) (rows[0] + i)); \
        for (int r = 1; r < n_rows; r++) \
          a0 = op (a0, _mm256_loadu_si256 ((const __m256i *) (rows[r] + i))); \
        _mm256_storeu_si256 ((__m256i *) (d + i), a0); \
      } \
  } G_STMT_END

__attribute__ ((target ("avx2"))) static int
minmax_rows_avx2 (gboolean             max,
                  guint8              *d,
                  const guint8 *const *rows,
                  int                  n_rows,
                  int                  n)
{
  int i = 0;

  if (max)
    MINMAX_STEP (_mm256_max_epu8);
  else
    MINMAX_STEP (_mm256_min_epu8);
  return i;
}

#undef MINMAX_STEP
#endif

/**
 * augur_minmax_rows:
 *
 * Writes to @d[i], for i in [0, @n), the maximum (or minimum, see
 * augur_minmax_init()) of @rows[r][i] over the @n_rows rows. @d may be
 * @rows[0] (the running result of earlier calls), but must not overlap
 * any other row.
 */
void
augur_minmax_rows (const AugurMinMax   *mm,
                   guint8              *d,
                   const guint8 *const *rows,
                   int                  n_rows,
                   int                  n)
{
  int done = 0;

  g_return_if_fail (n_rows >= 1);

#ifdef HAVE_MINMAX_AVX2
  if (mm->avx2)
    done = minmax_rows_avx2 (mm->max, d, rows, n_rows, n);
#endif
  if (done == n)
    return;
  if (d != rows[0])
    memmove (d + done, rows[0] + done, (gsize) (n - done));
  for (int r = 1; r < n_rows; r++)
    if (mm->max)
      max_into (d + done, rows[r] + done, n - done);
    else
      min_into (d + done, rows[r] + done, n - done);
}
