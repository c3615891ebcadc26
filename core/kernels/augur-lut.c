/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <string.h>

#include "augur-cpu.h"
#include "augur-lut.h"

/* Eight bytes to a word: one load and one store per eight bytes instead
 * of per byte, the lookups independent of each other. */
static void
lut_bytes_portable (guint8       *restrict d,
                    const guint8 *restrict s,
                    const guint8 *restrict lut,
                    gsize                  n)
{
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      guint64 in, out = 0;

      memcpy (&in, s + i, 8);
      for (int b = 0; b < 8; b++)
        out |= (guint64) lut[(in >> (8 * b)) & 0xff] << (8 * b);
      memcpy (d + i, &out, 8);
    }
  for (; i < n; i++)
    d[i] = lut[s[i]];
}

#if defined(AUGUR_CPU_X86_64) && !defined(__clang__)
# define HAVE_LUT_VBMI 1
# include <immintrin.h>

/* With AVX-512 VBMI the table is four registers: a two-table byte permute
 * looks 64 bytes up at once in each half of the table (the low seven bits
 * of each byte), and the top bit picks the half. The last bytes go through
 * masked loads and stores, which touch nothing past the run. */
__attribute__ ((target ("avx512f,avx512bw,avx512vbmi"))) static void
lut_bytes_vbmi (guint8       *restrict d,
                const guint8 *restrict s,
                const guint8 *restrict lut,
                gsize                  n)
{
  const __m512i t0 = _mm512_loadu_si512 (lut), t1 = _mm512_loadu_si512 (lut + 64);
  const __m512i t2 = _mm512_loadu_si512 (lut + 128), t3 = _mm512_loadu_si512 (lut + 192);
  gsize i = 0;

  for (; i + 64 <= n; i += 64)
    {
      __m512i x = _mm512_loadu_si512 (s + i);
      __m512i lo = _mm512_permutex2var_epi8 (t0, x, t1);
      __m512i hi = _mm512_permutex2var_epi8 (t2, x, t3);

      _mm512_storeu_si512 (d + i, _mm512_mask_blend_epi8 (_mm512_movepi8_mask (x), lo, hi));
    }
  if (i < n)
    {
      __mmask64 m = (1ull << (n - i)) - 1;  /* n - i < 64 */
      __m512i x = _mm512_maskz_loadu_epi8 (m, s + i);
      __m512i lo = _mm512_permutex2var_epi8 (t0, x, t1);
      __m512i hi = _mm512_permutex2var_epi8 (t2, x, t3);

      _mm512_mask_storeu_epi8 (d + i, m, _mm512_mask_blend_epi8 (_mm512_movepi8_mask (x), lo, hi));
    }
}
#endif

/**
 * augur_lut_init:
 *
 * Sets up @t to apply @lut (which must outlive it), with the AVX-512 loop
 * when augur_cpu_has() allows it.
 */
void
augur_lut_init (AugurLut     *t,
                const guint8  lut[256])
{
  t->lut = lut;
  t->vbmi = augur_cpu_has (AUGUR_CPU_AVX512_VBMI);
}

/**
 * augur_lut_bytes:
 *
 * Writes @d[i] = lut[@s[i]] for i < @n; @d and @s do not overlap.
 */
void
augur_lut_bytes (const AugurLut *t,
                 guint8         *d,
                 const guint8   *s,
                 gsize           n)
{
#ifdef HAVE_LUT_VBMI
  if (t->vbmi)
    {
      lut_bytes_vbmi (d, s, t->lut, n);
      return;
    }
#endif
  lut_bytes_portable (d, s, t->lut, n);
}
