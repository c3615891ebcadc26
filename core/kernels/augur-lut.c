/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <string.h>

#include "augur-cpu.h"
#include "augur-lut.h"
#include "augur-simd.h"

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

/* Three tables, one per channel of interleaved RGB. */
static void
lut_rgb_portable (guint8       *restrict d,
                  const guint8 *restrict s,
                  const guint8 (*luts)[256],
                  gsize                  n_pixels)
{
  for (gsize i = 0; i < n_pixels; i++, s += 3, d += 3)
    {
      d[0] = luts[0][s[0]];
      d[1] = luts[1][s[1]];
      d[2] = luts[2][s[2]];
    }
}

#ifdef HAVE_LUT_VBMI
/* The lanes i of a 64-byte register with i % 3 == 0, 1 and 2: in a run of
 * RGB bytes from a pixel's first byte, the lanes of red, green and blue in
 * the first register. 64 % 3 == 1, so in the next register the channels
 * move one lane on. */
static const guint64 lanes_mod3[3] = {
  0x9249249249249249ull, 0x2492492492492492ull, 0x4924924924924924ull,
};

/* One register of RGB bytes looked up in its channels' tables: each table
 * looks up only its own channel's lanes (zero elsewhere), in the half of
 * the table that the byte's top bit picks, and the results are ORed. */
__attribute__ ((target ("avx512f,avx512bw,avx512vbmi"))) static inline __m512i
lut_rgb_vector (const __m512i  t[3][4],
                __m512i        x,
                const __mmask64 lanes[3])
{
  __mmask64 hi = _mm512_movepi8_mask (x);
  __m512i r[3];

  for (int c = 0; c < 3; c++)
    r[c] = _mm512_or_si512 (_mm512_maskz_permutex2var_epi8 (lanes[c] & ~hi, t[c][0], x, t[c][1]),
                            _mm512_maskz_permutex2var_epi8 (lanes[c] & hi, t[c][2], x, t[c][3]));
  return _mm512_ternarylogic_epi64 (r[0], r[1], r[2], 0xfe);  /* a | b | c */
}

/* 64 pixels (three registers) a step; the rest through masked loads and
 * stores of at most three registers, which touch nothing past the run. */
__attribute__ ((target ("avx512f,avx512bw,avx512vbmi"))) static void
lut_rgb_vbmi (guint8       *restrict d,
              const guint8 *restrict s,
              const guint8 (*luts)[256],
              gsize                  n_pixels)
{
  __m512i t[3][4];
  __mmask64 lanes[3][3];
  gsize n = n_pixels * 3, i = 0;

  for (int c = 0; c < 3; c++)
    for (int q = 0; q < 4; q++)
      t[c][q] = _mm512_loadu_si512 (luts[c] + 64 * q);
  /* lanes[k][c]: the lanes of channel c in register k of a step. */
  for (int k = 0; k < 3; k++)
    for (int c = 0; c < 3; c++)
      lanes[k][c] = lanes_mod3[(c + 3 - k) % 3];

  for (; i + 192 <= n; i += 192)
    for (int k = 0; k < 3; k++)
      {
        __m512i x = _mm512_loadu_si512 (s + i + 64 * k);

        _mm512_storeu_si512 (d + i + 64 * k, lut_rgb_vector (t, x, lanes[k]));
      }
  for (int k = 0; i < n; i += 64, k++)
    {
      __mmask64 m = n - i >= 64 ? ~0ull : (1ull << (n - i)) - 1;
      __m512i x = _mm512_maskz_loadu_epi8 (m, s + i);

      _mm512_mask_storeu_epi8 (d + i, m, lut_rgb_vector (t, x, lanes[k]));
    }
}
#endif

/**
 * augur_lut_rgb_init:
 *
 * Sets up @t to apply @luts[c] to channel c of RGB pixels (@luts must
 * outlive it), with the AVX-512 loop when augur_cpu_has() allows it.
 */
void
augur_lut_rgb_init (AugurLutRgb  *t,
                    const guint8  luts[3][256])
{
  t->luts = luts;
  t->vbmi = augur_cpu_has (AUGUR_CPU_AVX512_VBMI);
}

/**
 * augur_lut_rgb:
 *
 * Writes @d[3 i + c] = luts[c][@s[3 i + c]] for i < @n_pixels and c < 3;
 * @d and @s do not overlap.
 */
void
augur_lut_rgb (const AugurLutRgb *t,
               guint8            *d,
               const guint8      *s,
               gsize              n_pixels)
{
#ifdef HAVE_LUT_VBMI
  if (t->vbmi)
    {
      lut_rgb_vbmi (d, s, t->luts, n_pixels);
      return;
    }
#endif
  lut_rgb_portable (d, s, t->luts, n_pixels);
}

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

/* Histograms count into four copies, one per pixel of four in a row, so
 * that runs of equal bytes (a flat background) increment different words
 * in turn rather than waiting each on the last increment of the same
 * one. The copies count in 32 bits and are added into the caller's 64-bit
 * counts often enough never to wrap. */
#define HIST_COPIES 4
#define HIST_FLUSH_PIXELS (1u << 30)

typedef guint32 HistCopies[HIST_COPIES][4][256];

static inline G_GNUC_UNUSED __attribute__ ((always_inline)) void
histogram_rows (HistCopies   *sub,
                const guint8 *src,
                int           stride,
                int           w,
                int           h,
                int           nc,
                int           n_hist)
{
  for (int y = 0; y < h; y++)
    {
      const guint8 *p = src + (gsize) y * stride;
      int x = 0;

      for (; x + HIST_COPIES <= w; x += HIST_COPIES, p += HIST_COPIES * nc)
        for (int c = 0; c < n_hist; c++)
          {
            (*sub)[0][c][p[c]]++;
            (*sub)[1][c][p[nc + c]]++;
            (*sub)[2][c][p[2 * nc + c]]++;
            (*sub)[3][c][p[3 * nc + c]]++;
          }
      for (; x < w; x++, p += nc)
        for (int c = 0; c < n_hist; c++)
          (*sub)[0][c][p[c]]++;
    }
}

/**
 * augur_histogram_channels:
 *
 * Counts the bytes of channels 0 to @n_hist - 1 (at most 4, at most @nc)
 * of @h rows of @w pixels of @nc interleaved channels, in one pass, into
 * @hist[c] (cleared first).
 */
void
augur_histogram_channels (const guint8 *src,
                          int           stride,
                          int           w,
                          int           h,
                          int           nc,
                          int           n_hist,
                          guint64       hist[][256])
{
  g_autofree HistCopies *sub = g_new (HistCopies, 1);
  int block = MAX (1, (int) MIN ((guint64) G_MAXINT, HIST_FLUSH_PIXELS / (guint64) MAX (w, 1)));

  g_return_if_fail (n_hist >= 1 && n_hist <= MIN (nc, 4));

  for (int c = 0; c < n_hist; c++)
    memset (hist[c], 0, 256 * sizeof (guint64));
  for (int y0 = 0; y0 < h; y0 += block)
    {
      const guint8 *s = src + (gsize) y0 * stride;
      int rows = MIN (block, h - y0);

      memset (sub, 0, sizeof (HistCopies));
      /* The common shapes with their counts known to the compiler. */
      if (nc == 3 && n_hist == 3)
        histogram_rows (sub, s, stride, w, rows, 3, 3);
      else if (nc == 1)
        histogram_rows (sub, s, stride, w, rows, 1, 1);
      else
        histogram_rows (sub, s, stride, w, rows, nc, n_hist);
      for (int c = 0; c < n_hist; c++)
        for (int k = 0; k < HIST_COPIES; k++)
          for (int i = 0; i < 256; i++)
            hist[c][i] += (*sub)[k][c][i];
    }
}

/* Patterns of AND_XOR_PERIOD bytes, a whole number of pixels of 1, 3 or 4
 * channels and of 64-byte registers, so that a fixed-length inner loop
 * vectorises with the pattern in registers. */
#define AND_XOR_PERIOD 192

AUGUR_SIMD_CLONES static void
and_xor_run (guint8       *restrict d,
             const guint8 *restrict s,
             gsize                  n,
             const guint8 *restrict and_p,
             const guint8 *restrict xor_p)
{
  gsize i = 0;

  for (; i + AND_XOR_PERIOD <= n; i += AND_XOR_PERIOD)
    for (int j = 0; j < AND_XOR_PERIOD; j++)
      d[i + j] = (s[i + j] & and_p[j]) ^ xor_p[j];
  for (gsize j = 0; i + j < n; j++)
    d[i + j] = (s[i + j] & and_p[j]) ^ xor_p[j];
}

/**
 * augur_and_xor_rows:
 *
 * Writes (s & @and_mask[c]) ^ @xor_mask[c] for every channel c of @h rows
 * of @w pixels of @nc (1, 3 or 4) channels, in one pass: keeping a
 * channel (0xff, 0), setting it (0, value), inverting it (0xff, 0xff).
 */
void
augur_and_xor_rows (guint8       *dst,
                    int           dst_stride,
                    const guint8 *src,
                    int           src_stride,
                    int           w,
                    int           h,
                    int           nc,
                    const guint8  and_mask[],
                    const guint8  xor_mask[])
{
  guint8 and_p[AND_XOR_PERIOD], xor_p[AND_XOR_PERIOD];

  g_return_if_fail (nc == 1 || nc == 3 || nc == 4);

  for (int j = 0; j < AND_XOR_PERIOD; j++)
    {
      and_p[j] = and_mask[j % nc];
      xor_p[j] = xor_mask[j % nc];
    }
  for (int y = 0; y < h; y++)
    and_xor_run (dst + (gsize) y * dst_stride, src + (gsize) y * src_stride, (gsize) w * nc, and_p, xor_p);
}
