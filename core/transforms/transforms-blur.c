/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-simd.h"
#include "augur-transform-private.h"

/* Shared by the blurs -------------------------------------------------------------- */

/* OpenCV's BORDER_REFLECT_101 (gfedcb|abcdefgh|gfedcba), for any offset. */
static inline int
reflect_101 (int i,
             int n)
{
  int period;

  if (n == 1)
    return 0;
  period = 2 * n - 2;
  i = abs (i) % period;
  return i < n ? i : period - i;
}

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
 *   (16-bit pixel sums times 16-bit weights into 32-bit lanes). Setting
 *   AUGUR_NO_AVX2 in the environment forces the portable path, which the
 *   tests use to check that both agree.
 */
#define BLUR_KBITS   14
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

#if defined(__GNUC__) && defined(__x86_64__)
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
#endif

static void
blur_h (gboolean       avx2,
        const guint8  *centre,
        guint16       *out,
        int            n,
        int            off,
        const guint32 *k,
        const guint32 *pairs,
        int            r)
{
#ifdef BLUR_HAVE_AVX2
  if (avx2)
    {
      blur_row_h_avx2 (centre, out, n, off, k, pairs, r);
      return;
    }
#endif
  blur_row_h (centre, out, n, off, k, r);
}

static void
blur_v (gboolean              avx2,
        const guint16 *const *rows,
        guint8               *out,
        int                   n,
        const guint32        *k,
        const guint32        *pairs,
        int                   r)
{
#ifdef BLUR_HAVE_AVX2
  if (avx2)
    {
      blur_row_v_avx2 (rows, out, n, k, pairs, r);
      return;
    }
#endif
  blur_row_v (rows, out, n, k, r);
}

/*
 * Convolves every channel of @src with the symmetric kernel @k (2 r + 1
 * taps, k[r] the centre, summing to 1) along x, then along y, borders
 * reflected as OpenCV's default (reflect_101). The x-filtered rows live in
 * a ring of 2 r + 1 rows, so the working set stays in cache: the rows the
 * vertical pass reads for output row y are the input rows [y - r, y + r]
 * reflected, which all lie in that window clipped to the image.
 */
static AugurImage *
convolve_separable (const AugurImage *src,
                    const float      *k,
                    int               r)
{
  int w = src->width, h = src->height, nc = src->channels, rowlen = w * nc;
  int ring = 2 * r + 1, done = 0;
  AugurImage *out = augur_image_new_like_uninitialized (src);
  g_autofree guint32 *kq = g_new (guint32, r + 1);
  g_autofree guint32 *pairs = g_new0 (guint32, r / 2 + 1);
#ifdef BLUR_HAVE_AVX2
  const gboolean avx2 = __builtin_cpu_supports ("avx2") && g_getenv ("AUGUR_NO_AVX2") == NULL;
#else
  const gboolean avx2 = FALSE;
#endif
  g_autofree guint8 *padded = g_new (guint8, (gsize) (w + 2 * r) * nc);
  g_autofree guint16 *tmp = g_new (guint16, (gsize) rowlen * ring);
  g_autofree const guint16 **rows = g_new (const guint16 *, ring);
  gint64 sum = 0;

  /* Q14 taps, the rounding error given to the centre. */
  for (int j = 0; j <= r; j++)
    {
      kq[j] = (guint32) lrint (k[r + j] * (1 << BLUR_KBITS));
      sum += (j == 0 ? 1 : 2) * (gint64) kq[j];
    }
  kq[0] = (guint32) ((gint64) kq[0] + (1 << BLUR_KBITS) - sum);
  for (int j = 0; j <= r; j++)
    pairs[j / 2] |= kq[j] << (j % 2 ? 16 : 0);

  for (int y = 0; y < h; y++)
    {
      int last = MIN (h - 1, y + r);
      guint8 *d = augur_image_row (out, y);

      /* Along x, the input rows up to y + r. */
      for (; done <= last; done++)
        {
          const guint8 *s = augur_image_row (src, done);
          guint16 *t = tmp + (gsize) (done % ring) * rowlen;

          if (w > 4 * r)
            {
              /* The middle straight from the row; each end through a
               * reflected copy of its 3 r pixels. */
              int m = w - 2 * r;

              for (int i = -r; i < 2 * r; i++)
                memcpy (padded + (gsize) (i + r) * nc, s + reflect_101 (i, w) * nc, nc);
              blur_h (avx2, padded + (gsize) r * nc, t, r * nc, nc, kq, pairs, r);
              blur_h (avx2, s + (gsize) r * nc, t + (gsize) r * nc, m * nc, nc, kq, pairs, r);
              for (int i = m; i < w + r; i++)
                memcpy (padded + (gsize) (i - m) * nc, s + reflect_101 (i, w) * nc, nc);
              blur_h (avx2, padded + (gsize) r * nc, t + (gsize) (m + r) * nc, r * nc, nc, kq, pairs, r);
              continue;
            }

          for (int i = -r; i < w + r; i++)
            memcpy (padded + (gsize) (i + r) * nc, s + reflect_101 (i, w) * nc, nc);
          blur_h (avx2, padded + (gsize) r * nc, t, rowlen, nc, kq, pairs, r);
        }

      /* Along y. */
      for (int j = -r; j <= r; j++)
        {
          int sy = y + j;

          if (sy < 0 || sy >= h)
            sy = reflect_101 (sy, h);
          rows[j + r] = tmp + (gsize) (sy % ring) * rowlen;
        }
      blur_v (avx2, rows, d, rowlen, kq, pairs, r);
    }

  return out;
}

/* GaussianBlur ------------------------------------------------------------------- */

enum { GB_BLUR_LIMIT, GB_SIGMA_LIMIT };

#define GB_MAX_KSIZE 255
#define GB_MAX_SIGMA 50

static const AugurParamSpec gb_params[] = {
  [GB_BLUR_LIMIT] = {
    .name = "blur_limit", .label = "Kernel size",
    .description = "Range of the kernel size in pixels; 0 computes it from sigma "
                   "(int(3.5 sigma) * 2 + 1, as PIL and Albumentations); even sizes are rounded up to odd",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 0, .max = GB_MAX_KSIZE, .ui_min = 0, .ui_max = 31, .step = 1, .def = { 0, 0 } },
  [GB_SIGMA_LIMIT] = {
    .name = "sigma_limit", .label = "Sigma",
    .description = "Range of the Gaussian's standard deviation, in pixels",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = GB_MAX_SIGMA, .ui_min = 0, .ui_max = 10, .step = 0.1, .def = { 0.5, 3.0 } },
};

static const AugurDrawnSpec gb_drawn[] = {
  { "sigma", FALSE, 0, GB_MAX_SIGMA },
  { "ksize", FALSE, 0, GB_MAX_KSIZE },
  { NULL },
};

static void
gb_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  /* Albumentations draws sigma first, then the size. */
  double sigma = augur_rng_range (rng, params[GB_SIGMA_LIMIT].v[0], params[GB_SIGMA_LIMIT].v[1]);
  gint64 ksize = augur_rng_int (rng, (gint64) params[GB_BLUR_LIMIT].v[0], (gint64) params[GB_BLUR_LIMIT].v[1]);

  augur_drawn_set (drawn, "sigma", sigma);
  augur_drawn_set (drawn, "ksize", (double) ksize);
}

/*
 * Albumentations 2.x create_gaussian_kernel_1d(): a size of 0 is computed
 * from sigma, an even size is rounded up, the taps are exp(-x^2 / 2 sigma^2)
 * normalised. Where Albumentations would divide by a zero sigma, OpenCV's
 * rule (sigma from the size) is used; with neither, nothing is blurred.
 */
static AugurImage *
gb_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  double sigma = augur_drawn_get (drawn, "sigma");
  int ksize = (int) augur_drawn_get (drawn, "ksize");
  g_autofree float *k = NULL;
  double sum = 0;
  int r;

  if (ksize <= 0)
    ksize = (int) (sigma * 3.5) * 2 + 1;
  if (ksize % 2 == 0)
    ksize++;
  if (sigma < 1e-6)
    sigma = 0.3 * ((ksize - 1) * 0.5 - 1) + 0.8;

  r = ksize / 2;
  if (r == 0 || sigma <= 0)
    return augur_image_copy (src);

  k = g_new (float, ksize);
  for (int i = 0; i < ksize; i++)
    {
      double x = i - r;

      k[i] = (float) exp (-0.5 * (x / sigma) * (x / sigma));
      sum += k[i];
    }
  for (int i = 0; i < ksize; i++)
    k[i] = (float) (k[i] / sum);

  /* Every channel, alpha too: a blur is spatial, and Albumentations blurs
   * all channels alike. */
  return convolve_separable (src, k, r);
}

/* The table ---------------------------------------------------------------------- */

const AugurTransformInfo augur_blur_transforms[] = {
  {
    .name = "GaussianBlur",
    .label = "Gaussian blur",
    .category = AUGUR_CATEGORY_BLUR,
    .description = "Blur with a Gaussian kernel of random sigma (and size).",
    .version = 1,
    .default_p = 0.5,
    .params = gb_params,
    .n_params = G_N_ELEMENTS (gb_params),
    .drawn = gb_drawn,
    .sample = gb_sample,
    .apply = gb_apply,
  },
};

const guint augur_n_blur_transforms = G_N_ELEMENTS (augur_blur_transforms);
