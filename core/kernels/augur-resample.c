/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-cpu.h"
#include "augur-resample.h"
#include "augur-strips.h"
#include "augur-simd.h"

#ifdef __SSE2__
# include <emmintrin.h>
#endif
#ifdef AUGUR_CPU_X86_64
# include <immintrin.h>
#endif

/*
 * The shared resampler of every spatial transform.
 *
 * Conventions (those of OpenCV, which Albumentations calls):
 *
 * - Coordinates are continuous, with a pixel's centre at its index + 0.5.
 *   A warp asks, for each output pixel centre, which input point it comes
 *   from; the interpolation kernel is centred on that point.
 * - nearest takes the pixel whose square holds the point; linear, cubic
 *   (Keys, a = -0.75) and lanczos4 (8x8, sinc windowed by sinc/4) weigh the
 *   2x2, 4x4 and 8x8 pixels around it.
 * - area: in augur_resize(), a box filter along each axis: an output
 *   pixel averages the input area it covers, partial pixels weighed by
 *   their overlap. Shrinking, that is an anti-aliasing average; growing,
 *   pixels are repeated with a one-pixel blend where an input edge cuts an
 *   output pixel (OpenCV computes the same weights when enlarging; when
 *   one axis grows and the other shrinks it does not average along the
 *   shrinking one, Augur does). In the warps, where there is no single
 *   scale, area behaves as linear, as in OpenCV's warpAffine and remap.
 * - Borders: kernel taps that fall outside the input read the pixel that
 *   augur_border_index() names, or the fill for a constant border. Resizing
 *   always replicates the edge, as OpenCV's resize does.
 * - Cubic and lanczos4 do not widen their kernel when shrinking (no
 *   anti-aliasing), like OpenCV; use area for that.
 *
 * Speed: a warp runs in two steps per output row. First the source
 * coordinates of the row are computed (the affine walk adds one step per
 * pixel) and quantised to 1/256 pixel (1/128 for linear), giving an
 * integer tap position and a row of a precomputed weight table (exact
 * integer weights for linear). Then a sampler, specialised at compile time
 * for the kernel size and the number of channels, reads the taps: a fast
 * path when every tap lies inside the image, a border path otherwise.
 * Linear, the common case, marks the inside pixels in a vectorised pass
 * and mixes them two at a time (SSE2, or both in one AVX2 register), and
 * looks the border taps up in per-warp tables. With a constant border, an
 * affine row samples only the run of pixels whose taps reach the input
 * (found by bisecting its monotonic walk) and fills the rest. A dense map
 * (or a homography) is computed a row at a time beside the row it
 * resamples, and quantised in single precision (exactly as in double).
 * Rows go in strips (augur-strips.h).
 * There is no branch on the interpolation kind inside a row. Resizing is
 * separable, with per-axis tap and weight tables: linear and area in exact
 * fixed point, with two taps a side (linear) the horizontal pass first on
 * the 8-bit rows an output row reads (see resize2 ()), otherwise a
 * vertical pass over whole input rows then a horizontal one (see
 * resize_fixed ()); cubic and lanczos4 in float, a horizontal pass into
 * float rows then a vertical one.
 */

const char *const augur_interpolation_nicks[] = { "nearest", "linear", "cubic", "area", "lanczos4", NULL };
const char *const augur_border_nicks[] = { "constant", "replicate", "reflect", "wrap", "reflect_101", NULL };

#define TAB_BITS  8
#define TAB_SIZE  (1 << TAB_BITS)
#define MAX_TAPS  8

/* Source coordinates are clamped to +-2^22 pixels (far beyond any allowed
 * image), which keeps the fixed-point arithmetic in range and makes NaN
 * harmless. */
#define COORD_LIMIT (1 << 22)

#define CUBIC_A (-0.75)

static inline guint8
clamp_u8f (float v)
{
  return v <= 0.f ? 0 : v >= 255.f ? 255 : (guint8) (v + 0.5f);
}

/* Fills ---------------------------------------------------------------------- */

/**
 * augur_fill_span:
 * @px: one pixel of @nc bytes
 *
 * Writes @n copies of @px at @d: one memset when its bytes are all alike
 * (black, white, gray), else the first pixel copied and the run doubled.
 */
void
augur_fill_span (guint8       *d,
                 const guint8 *px,
                 int           n,
                 int           nc)
{
  gsize len = (gsize) n * nc, done;

  if (n <= 0)
    return;
  if (memcmp (px, px + 1, nc - 1) == 0)
    {
      memset (d, px[0], len);
      return;
    }
  memcpy (d, px, nc);
  for (done = nc; done < len; done *= 2)
    memcpy (d + done, d, MIN (done, len - done));
}

/**
 * augur_fill_from_value:
 * @value: (nullable): a FILL parameter; NULL means 0
 * @channels: of the image the fill is for
 *
 * One number fills every colour channel; a list gives channel c the value
 * at index c (the last value repeats when the list is shorter). A gray image
 * takes the first value. The alpha of an RGBA image is the fourth value when
 * the fill lists four, otherwise 255: a constant border is opaque unless the
 * fill asks for transparency (OpenCV would make it transparent whenever the
 * fill is a single 0; Augur keeps the border looking the same on RGB and
 * RGBA images). Named fills are resolved by the transforms that offer them;
 * here they read as 0.
 */
void
augur_fill_from_value (const AugurValue *value,
                       int               channels,
                       AugurFill        *fill)
{
  int color = channels == 4 ? 3 : channels;
  gboolean numbers;

  g_return_if_fail (fill != NULL);

  numbers = value != NULL && !value->is_null && value->nick < 0 && value->n >= 1;
  memset (fill, 0, sizeof *fill);

  for (int c = 0; c < color && numbers; c++)
    fill->v[c] = value->v[MIN (c, value->n - 1)];

  if (channels == 4)
    fill->v[3] = numbers && value->n == 4 ? value->v[3] : 255;

  for (int c = 0; c < 4; c++)
    fill->v[c] = CLAMP (fill->v[c], 0, 255);
}

/* Borders -------------------------------------------------------------------- */

static inline int
border_index (int         i,
              int         n,
              AugurBorder border)
{
  int period;

  if ((unsigned) i < (unsigned) n)
    return i;

  switch (border)
    {
    case AUGUR_BORDER_REPLICATE:
      return i < 0 ? 0 : n - 1;

    case AUGUR_BORDER_REFLECT:       /* cba|abcd|dcb */
      period = 2 * n;
      i %= period;
      if (i < 0)
        i += period;
      return i < n ? i : period - 1 - i;

    case AUGUR_BORDER_WRAP:          /* bcd|abcd|abc */
      i %= n;
      return i < 0 ? i + n : i;

    case AUGUR_BORDER_REFLECT_101:   /* dcb|abcd|cba */
      if (n == 1)
        return 0;
      period = 2 * n - 2;
      i %= period;
      if (i < 0)
        i += period;
      return i < n ? i : period - i;

    case AUGUR_BORDER_CONSTANT:
    default:
      return -1;
    }
}

/**
 * augur_border_index:
 * @i: an index, possibly outside [0, n)
 * @n: the length of the row or column, > 0
 *
 * Returns: the index inside [0, n) that @border reads for @i, or -1 when
 *   the border is constant and @i lies outside
 */
int
augur_border_index (int         i,
                    int         n,
                    AugurBorder border)
{
  g_return_val_if_fail (n > 0, -1);

  return border_index (i, n, border);
}

/* Kernels -------------------------------------------------------------------- */

static double
keys_cubic (double t)
{
  t = fabs (t);
  if (t <= 1)
    return ((CUBIC_A + 2) * t - (CUBIC_A + 3)) * t * t + 1;
  if (t < 2)
    return ((CUBIC_A * t - 5 * CUBIC_A) * t + 8 * CUBIC_A) * t - 4 * CUBIC_A;
  return 0;
}

/* Taps at x0 - 1 .. x0 + 2 for a point at x0 + f. */
static void
cubic_weights (double f,
               float *w)
{
  w[0] = (float) keys_cubic (1 + f);
  w[1] = (float) keys_cubic (f);
  w[2] = (float) keys_cubic (1 - f);
  w[3] = 1.f - w[0] - w[1] - w[2];
}

/* Taps at x0 - 3 .. x0 + 4 for a point at x0 + f, normalised to sum 1. */
static void
lanczos_weights (double f,
                 float *w)
{
  double sum = 0, v[8];

  if (f < 1e-6)
    {
      memset (w, 0, 8 * sizeof *w);
      w[3] = 1;
      return;
    }

  for (int i = 0; i < 8; i++)
    {
      double t = f + 3 - i;
      double a = G_PI * t;

      v[i] = 4 * sin (a) * sin (a / 4) / (a * a);
      sum += v[i];
    }
  for (int i = 0; i < 8; i++)
    w[i] = (float) (v[i] / sum);
}

static void
linear_weights (double f,
                float *w)
{
  w[0] = (float) (1 - f);
  w[1] = (float) f;
}

static float u8_to_float[256];
static float cubic_tab[TAB_SIZE][4];
static float lanczos_tab[TAB_SIZE][8];

static void
init_tables (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (int i = 0; i < 256; i++)
        u8_to_float[i] = (float) i;
      for (int i = 0; i < TAB_SIZE; i++)
        {
          double f = (double) i / TAB_SIZE;

          cubic_weights (f, cubic_tab[i]);
          lanczos_weights (f, lanczos_tab[i]);
        }
      g_once_init_leave (&done, 1);
    }
}

static int
interp_taps (AugurInterpolation interp)
{
  switch (interp)
    {
    case AUGUR_INTERP_NEAREST:  return 1;
    case AUGUR_INTERP_CUBIC:    return 4;
    case AUGUR_INTERP_LANCZOS4: return 8;
    case AUGUR_INTERP_LINEAR:
    case AUGUR_INTERP_AREA:
    default:                    return 2;
    }
}

/* Warps ---------------------------------------------------------------------- */

/* Bilinear works in 1/128 pixel (see sample_row_linear()). */
#define LIN_BITS  7
#define LIN_ONE   (1 << LIN_BITS)
#define LIN_WBITS (2 * LIN_BITS)

typedef struct
{
  const AugurImage *src;
  AugurBorder       border;
  float             fill[4];
  guint8            fill_u8[4];   /* the fill rounded, for the integer kernels */
  int               taps;
  int               bits;         /* of the coordinates' fractions */
  const float      *tab;          /* 1 << bits rows of taps weights */
  gboolean          wide;         /* linear pairs in AVX2 (lin_pair_wide ()) */
  /* border_index() of x in [bx_lo, bx_lo + bx_n), of y likewise: a lookup
   * instead of a division for the taps around the image */
  int              *bx;
  int              *by;
  int               bx_lo, bx_n, by_lo, by_n;
} Sampler;

/* One output row's source positions: tap origin and weight-table row. */
typedef struct
{
  int     *xi;
  int     *yi;
  guint16 *xf;
  guint16 *yf;
  guint32 *wa;   /* linear only: the weights packed by lin_pack_row() */
  guint32 *wb;
  float   *map;  /* a row of an inverse map, for the warps that compute one */
  guint8  *in;   /* linear only: 1 where the taps lie inside, else 0 */
  guint64 *off;  /* linear only: yi * stride + xi * nc, where inside */
} RowCoords;

static void
sampler_init (Sampler            *s,
              const AugurImage   *src,
              AugurInterpolation  interp,
              AugurBorder         border,
              const AugurFill    *fill)
{
  init_tables ();

  s->src = src;
  s->border = border;
  for (int c = 0; c < 4; c++)
    {
      s->fill[c] = fill ? (float) CLAMP (fill->v[c], 0, 255) : (c == 3 ? 255.f : 0.f);
      s->fill_u8[c] = clamp_u8f (s->fill[c]);
    }
  s->taps = interp_taps (interp);
  s->bits = s->taps == 2 ? LIN_BITS : TAB_BITS;
#ifdef AUGUR_CPU_X86_64
  s->wide = s->taps == 2 && augur_cpu_has (AUGUR_CPU_AVX2);
#else
  s->wide = FALSE;
#endif
  switch (s->taps)
    {
    case 2:  s->tab = NULL; break;   /* integer weights */
    case 4:  s->tab = &cubic_tab[0][0]; break;
    case 8:  s->tab = &lanczos_tab[0][0]; break;
    default: s->tab = NULL; break;
    }

  /* One image size either side covers every tap of the usual warps
   * (rotations, scales near 1); others fall back to border_index(). */
  s->bx = s->by = NULL;
  s->bx_lo = s->bx_n = s->by_lo = s->by_n = 0;
  if (s->taps == 2 && border != AUGUR_BORDER_CONSTANT &&
      src->width <= (1 << 24) && src->height <= (1 << 24))
    {
      s->bx_lo = -src->width - 2;
      s->bx_n = 3 * src->width + 4;
      s->by_lo = -src->height - 2;
      s->by_n = 3 * src->height + 4;
      s->bx = g_new (int, s->bx_n);
      s->by = g_new (int, s->by_n);
      for (int i = 0; i < s->bx_n; i++)
        s->bx[i] = border_index (s->bx_lo + i, src->width, border);
      for (int i = 0; i < s->by_n; i++)
        s->by[i] = border_index (s->by_lo + i, src->height, border);
    }
}

static void
sampler_clear (Sampler *s)
{
  g_clear_pointer (&s->bx, g_free);
  g_clear_pointer (&s->by, g_free);
}

/* Splits a coordinate (already shifted so that an integer is a pixel
 * index) into the index below it and a fraction in 1 << bits. */
static inline void
quantize (double   u,
          int      bits,
          int     *index,
          guint16 *frac)
{
  gint64 q;

  if (!(u > -COORD_LIMIT))   /* also NaN */
    u = -COORD_LIMIT;
  else if (u > COORD_LIMIT)
    u = COORD_LIMIT;

  q = (gint64) floor (u * (1 << bits) + 0.5) + ((gint64) COORD_LIMIT << bits);
  *index = (int) (q >> bits) - COORD_LIMIT;
  *frac = (guint16) (q & ((1 << bits) - 1));
}

/* The start and step, in 32.32 fixed point, of the walk along a row of
 * @width coordinates u0 + x * step (see walk_row ()); FALSE when the row
 * leaves the range where the walk is exact enough, and the coordinates are
 * quantised one by one. */
static inline gboolean
walk_start (double  u0,
            double  step,
            int     bits,
            int     width,
            gint64 *q0,
            gint64 *dq)
{
  double last = u0 + step * (width - 1);

  if (!(fabs (u0) < COORD_LIMIT && fabs (last) < COORD_LIMIT))
    return FALSE;
  *q0 = (gint64) floor (u0 * 4294967296.0 + 0.5) + ((gint64) COORD_LIMIT << 32)
        + ((gint64) 1 << (31 - bits));
  *dq = (gint64) floor (step * 4294967296.0 + 0.5);
  return TRUE;
}

/* The tap index of pixel @x of a walk. */
static inline int
walk_index (gint64 q0,
            gint64 dq,
            int    x)
{
  return (int) ((q0 + dq * x) >> 32) - COORD_LIMIT;
}

/* The coordinates u0 + x * step of pixels @first .. @first + @n - 1 of an
 * output row of @width, into @index[0..n) and @frac[0..n). When the whole
 * row stays within range, the walk adds the step in 32.32 fixed point
 * (exact for integer steps, drifting less than 2^-14 pixel over the widest
 * row); otherwise each coordinate is clamped on its own. The values depend
 * on the row only: a piece of a row gets the bits of the whole row. */
AUGUR_SIMD_CLONES static void
walk_row (double   u0,
          double   step,
          int      bits,
          int      width,
          int      first,
          int      n,
          int     *index,
          guint16 *frac)
{
  gint64 q, dq;

  if (walk_start (u0, step, bits, width, &q, &dq))
    {
      const int fshift = 32 - bits, fmask = (1 << bits) - 1;

      q += dq * first;
      for (int x = 0; x < n; x++, q += dq)
        {
          index[x] = (int) (q >> 32) - COORD_LIMIT;
          frac[x] = (guint16) ((q >> fshift) & fmask);
        }
      return;
    }

  for (int x = 0; x < n; x++)
    quantize (u0 + step * (first + x), bits, &index[x], &frac[x]);
}

/* The first x in [0, @n] where walk_index () >= @t becomes true (a walk
 * forwards) or false (a walk backwards): the index is monotonic in x. */
static int
walk_cross (gint64 q0,
            gint64 dq,
            int    n,
            int    t)
{
  int lo = 0, hi = n;

  while (lo < hi)
    {
      int mid = lo + (hi - lo) / 2;

      if ((walk_index (q0, dq, mid) >= t) == (dq >= 0))
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

/* Narrows [*lo, *hi) to the pixels of a row of @width whose walk gives
 * an index in [@a, @b]; FALSE (and nothing narrowed) when the row is not
 * walked in fixed point. */
static gboolean
walk_span (double  u0,
           double  step,
           int     bits,
           int     width,
           int     a,
           int     b,
           int    *lo,
           int    *hi)
{
  gint64 q0, dq;
  int x0, x1;

  if (!walk_start (u0, step, bits, width, &q0, &dq))
    return FALSE;
  if (dq >= 0)
    x0 = walk_cross (q0, dq, width, a), x1 = walk_cross (q0, dq, width, b + 1);
  else
    x0 = walk_cross (q0, dq, width, b + 1), x1 = walk_cross (q0, dq, width, a);
  *lo = MAX (*lo, x0);
  *hi = MIN (*hi, x1);
  return TRUE;
}

/* quantize () of every point of a row of an inverse map (x, y floats
 * interleaved), each coordinate plus @shift (0 or -1/2), to the bit, in
 * single precision so that the compiler vectorises it eight lanes wide.
 * The clamp moves by -@shift instead (both bounds are floats), so that u
 * itself is scaled: v = u * 2^bits is exact, and so are its truncation,
 * hence floor (v), and the comparison of v - floor (v) with 1/2 (a
 * rounding of that difference cannot cross 1/2, a float). With k = shift
 * * 2^bits, an integer, floor ((u + shift) * 2^bits + 1/2) is floor (v) +
 * k + (v - floor (v) >= 1/2), which quantize () computes in double
 * precision. |v| < 2^31 after the clamp; NaN takes the lower bound. */
AUGUR_SIMD_CLONES static void
quantize_map_row (const float *restrict map,
                  double                shift,
                  int                   bits,
                  int                   n,
                  int         *restrict xi,
                  guint16     *restrict xf,
                  int         *restrict yi,
                  guint16     *restrict yf)
{
  const float scale = (float) (1 << bits);
  const float lo = (float) (-COORD_LIMIT - shift), hi = (float) (COORD_LIMIT - shift);
  const int k = (int) (shift * (1 << bits)), mask = (1 << bits) - 1;

  for (int x = 0; x < n; x++)
    {
      float u = map[2 * x], v = map[2 * x + 1];
      float su, sv, fu, fv;
      int qu, qv, du, dv;

      u = u > lo ? u : lo;   /* also NaN */
      u = u > hi ? hi : u;
      v = v > lo ? v : lo;
      v = v > hi ? hi : v;
      su = u * scale;
      sv = v * scale;
      qu = (int) su;
      qv = (int) sv;
      fu = (float) qu;
      fv = (float) qv;
      du = fu > su;
      dv = fv > sv;
      qu -= du;
      qv -= dv;
      fu -= (float) du;
      fv -= (float) dv;
      qu += k + (su - fu >= 0.5f);
      qv += k + (sv - fv >= 0.5f);
      xi[x] = qu >> bits;
      yi[x] = qv >> bits;
      xf[x] = (guint16) (qu & mask);
      yf[x] = (guint16) (qv & mask);
    }
}

#ifndef PREFETCH_AHEAD
# define PREFETCH_AHEAD 16
#endif

static G_ALWAYS_INLINE inline void
sample_row_nearest (const Sampler   *s,
                    guint8          *dst,
                    int              n,
                    const RowCoords *rc,
                    const int        nc)
{
  const AugurImage *src = s->src;
  const int w = src->width, h = src->height;
  /* three channels move four bytes (the fourth is the next pixel's, which
   * follows), but from the very last pixel and into the last one */
  const guint8 *last = src->data + (gsize) (h - 1) * src->stride + (gsize) (w - 1) * nc;

  for (int i = 0; i < n; i++, dst += nc)
    {
      int x = rc->xi[i], y = rc->yi[i];
      const guint8 *p;

      if (i + PREFETCH_AHEAD < n)
        {
          unsigned px = (unsigned) rc->xi[i + PREFETCH_AHEAD], py = (unsigned) rc->yi[i + PREFETCH_AHEAD];

          if (px < (unsigned) w && py < (unsigned) h)
            __builtin_prefetch (src->data + (gsize) py * src->stride + (gsize) px * nc);
        }

      if ((unsigned) x >= (unsigned) w || (unsigned) y >= (unsigned) h)
        {
          x = border_index (x, w, s->border);
          y = border_index (y, h, s->border);
          if (x < 0 || y < 0)
            {
              for (int c = 0; c < nc; c++)
                dst[c] = s->fill_u8[c];
              continue;
            }
        }

      p = src->data + (gsize) y * src->stride + (gsize) x * nc;
      if (nc == 4 || (nc == 3 && i + 1 < n && p != last))
        memcpy (dst, p, 4);
      else
        for (int c = 0; c < nc; c++)
          dst[c] = p[c];
    }
}

static G_ALWAYS_INLINE inline void
sample_row_kernel (const Sampler   *s,
                   guint8          *dst,
                   int              n,
                   const RowCoords *rc,
                   const int        K,
                   const int        nc)
{
  const AugurImage *src = s->src;
  const int w = src->width, h = src->height, lo = K / 2 - 1;
  const gsize stride = src->stride;

  for (int i = 0; i < n; i++, dst += nc)
    {
      const int x0 = rc->xi[i] - lo, y0 = rc->yi[i] - lo;
      const float *wx = s->tab + rc->xf[i] * K;
      const float *wy = s->tab + rc->yf[i] * K;
      float acc[4] = { 0, 0, 0, 0 };

#ifdef __SSE2__
      /* Three or four channels in one vector: each tap's bytes widened
       * to floats, the same products and sums in the same order as the
       * loop below, lane by lane. A three-channel tap reads four bytes,
       * so not at the image's very last pixel. */
      if (nc != 1 && x0 >= 0 && y0 >= 0 && x0 <= w - K && y0 <= h - K &&
          (nc == 4 || x0 < w - K || y0 < h - K))
        {
          const guint8 *p = src->data + (gsize) y0 * stride + (gsize) x0 * nc;
          const __m128i zero = _mm_setzero_si128 ();
          __m128 sum = _mm_setzero_ps ();

          for (int r = 0; r < K; r++, p += stride)
            {
              __m128 row = _mm_setzero_ps ();

#pragma GCC unroll 8
              for (int t = 0; t < K; t++)
                {
                  guint32 v;
                  __m128i px;

                  memcpy (&v, p + t * nc, 4);
                  px = _mm_unpacklo_epi16 (_mm_unpacklo_epi8 (_mm_cvtsi32_si128 ((int) v), zero), zero);
                  row = _mm_add_ps (row, _mm_mul_ps (_mm_set1_ps (wx[t]), _mm_cvtepi32_ps (px)));
                }
              sum = _mm_add_ps (sum, _mm_mul_ps (_mm_set1_ps (wy[r]), row));
            }
          _mm_storeu_ps (acc, sum);
        }
      else
#endif
      if (x0 >= 0 && y0 >= 0 && x0 <= w - K && y0 <= h - K)
        {
          const guint8 *p = src->data + (gsize) y0 * stride + (gsize) x0 * nc;

          for (int r = 0; r < K; r++, p += stride)
            {
              float row[4] = { 0, 0, 0, 0 };

#pragma GCC unroll 8
              for (int t = 0; t < K; t++)
                {
                  const float wt = wx[t];

#pragma GCC unroll 4
                  for (int c = 0; c < nc; c++)
                    row[c] += wt * u8_to_float[p[t * nc + c]];
                }
#pragma GCC unroll 4
              for (int c = 0; c < nc; c++)
                acc[c] += wy[r] * row[c];
            }
        }
      else if (s->border == AUGUR_BORDER_CONSTANT &&
               (x0 >= w || y0 >= h || x0 <= -K || y0 <= -K))
        {
          /* every tap in the border: the weights sum to 1 */
          for (int c = 0; c < nc; c++)
            acc[c] = s->fill[c];
        }
      else
        {
          int ix[MAX_TAPS];

          for (int t = 0; t < K; t++)
            ix[t] = border_index (x0 + t, w, s->border);

          for (int r = 0; r < K; r++)
            {
              int iy = border_index (y0 + r, h, s->border);
              float row[4] = { 0, 0, 0, 0 };

              if (iy < 0)
                {
                  /* the weights of a row sum to 1 */
                  for (int c = 0; c < nc; c++)
                    row[c] = s->fill[c];
                }
              else
                {
                  const guint8 *p = src->data + (gsize) iy * stride;

                  for (int t = 0; t < K; t++)
                    for (int c = 0; c < nc; c++)
                      row[c] += wx[t] * (ix[t] < 0 ? s->fill[c] : p[ix[t] * nc + c]);
                }
              for (int c = 0; c < nc; c++)
                acc[c] += wy[r] * row[c];
            }
        }

      for (int c = 0; c < nc; c++)
        dst[c] = clamp_u8f (acc[c]);
    }
}

/*
 * Bilinear in integers, the kernel of nearly every warp. Coordinates come
 * in 1/128 pixel (four times finer than OpenCV's 1/32), so that the four
 * weights are exact products in Q14 that sum to 1 << 14 and fit the 16-bit
 * lanes of SSE2's pmaddwd. Pixels whose 2x2 taps all lie inside the image
 * form spans handled without any border logic; the others look their taps
 * up in the sampler's border tables (or fill them, for a constant border)
 * and apply the same arithmetic, so both paths agree to the bit.
 */
typedef struct
{
  gint32 w00, w01, w10, w11;
} LinWeights;

static inline LinWeights
lin_weights (guint32 fx,
             guint32 fy)
{
  LinWeights lw;

  lw.w11 = (gint32) (fx * fy);
  lw.w01 = (gint32) (fx * LIN_ONE) - lw.w11;
  lw.w10 = (gint32) (fy * LIN_ONE) - lw.w11;
  lw.w00 = (1 << LIN_WBITS) - lw.w01 - lw.w10 - lw.w11;
  return lw;
}

/* The weights as pmaddwd pairs: (w00, w10) in a, (w01, w11) in b. */
static inline void
lin_pack (const LinWeights *lw,
          guint32          *a,
          guint32          *b)
{
  *a = (guint32) lw->w00 | (guint32) lw->w10 << 16;
  *b = (guint32) lw->w01 | (guint32) lw->w11 << 16;
}

/* lin_pack() of every pixel of a row, and whether its taps lie inside
 * (x0 < @wl, y0 < @hl, unsigned: see sample_row_linear ()), in a loop the
 * compiler vectorises. */
AUGUR_SIMD_CLONES static void
lin_pack_row (const guint16 *restrict xf,
              const guint16 *restrict yf,
              const int     *restrict xi,
              const int     *restrict yi,
              unsigned                wl,
              unsigned                hl,
              guint64                 stride,
              int                     nc,
              guint32       *restrict wa,
              guint32       *restrict wb,
              guint8        *restrict in,
              guint64       *restrict off,
              int                     n)
{
  for (int i = 0; i < n; i++)
    in[i] = ((unsigned) xi[i] < wl) & ((unsigned) yi[i] < hl);
  /* meaningful where inside (both indices then >= 0) */
  for (int i = 0; i < n; i++)
    off[i] = (guint32) yi[i] * stride + (guint32) (xi[i] * nc);
  for (int i = 0; i < n; i++)
    {
      guint32 fx = xf[i], fy = yf[i];
      guint32 w11 = fx * fy;
      guint32 w01 = fx * LIN_ONE - w11;
      guint32 w10 = fy * LIN_ONE - w11;
      guint32 w00 = (1u << LIN_WBITS) - w01 - w10 - w11;

      wa[i] = w00 | w10 << 16;
      wb[i] = w01 | w11 << 16;
    }
}

static inline guint8
lin_mix (const LinWeights *lw,
         int               p00,
         int               p01,
         int               p10,
         int               p11)
{
  return (guint8) (((p00 * lw->w00 + p10 * lw->w10) + (p01 * lw->w01 + p11 * lw->w11)
                    + (1 << (LIN_WBITS - 1))) >> LIN_WBITS);
}

/* Mixes the four taps of a pixel of nc = 3 or 4 channels; @load bytes are
 * read from each (4 also for three channels where the byte after a tap is
 * known to exist: its weight goes to a lane that is thrown away). Returns
 * the pixel in the low bytes. */
static G_ALWAYS_INLINE inline guint32
lin_mix4 (const guint8     *p00,
          const guint8     *p01,
          const guint8     *p10,
          const guint8     *p11,
          guint32           wa,
          guint32           wb,
          const int         load)
{
  guint32 a = 0, b = 0, c = 0, d = 0;

  memcpy (&a, p00, load);
  memcpy (&b, p01, load);
  memcpy (&c, p10, load);
  memcpy (&d, p11, load);

#ifdef __SSE2__
  {
    const __m128i zero = _mm_setzero_si128 ();
    __m128i top, bottom, mixed, sum;

    top = _mm_unpacklo_epi32 (_mm_cvtsi32_si128 ((int) a), _mm_cvtsi32_si128 ((int) b));
    bottom = _mm_unpacklo_epi32 (_mm_cvtsi32_si128 ((int) c), _mm_cvtsi32_si128 ((int) d));
    mixed = _mm_unpacklo_epi8 (top, bottom);   /* p00 p10 per channel, then p01 p11 */
    sum = _mm_add_epi32 (_mm_madd_epi16 (_mm_unpacklo_epi8 (mixed, zero),
                                         _mm_set1_epi32 ((int) wa)),
                         _mm_madd_epi16 (_mm_unpackhi_epi8 (mixed, zero),
                                         _mm_set1_epi32 ((int) wb)));
    sum = _mm_srai_epi32 (_mm_add_epi32 (sum, _mm_set1_epi32 (1 << (LIN_WBITS - 1))), LIN_WBITS);
    sum = _mm_packs_epi32 (sum, sum);
    return (guint32) _mm_cvtsi128_si32 (_mm_packus_epi16 (sum, sum));
  }
#else
  {
    LinWeights lw = { (gint32) (wa & 0xffff), (gint32) (wb & 0xffff), (gint32) (wa >> 16), (gint32) (wb >> 16) };
    guint32 v = 0;

    for (int k = 0; k < 4; k++)
      v |= (guint32) lin_mix (&lw, (a >> 8 * k) & 255, (b >> 8 * k) & 255,
                              (c >> 8 * k) & 255, (d >> 8 * k) & 255) << 8 * k;
    return v;
  }
#endif
}

static inline int
lin_border_index (int        i,
                  const int *table,
                  int        lo,
                  int        n,
                  int        size,
                  AugurBorder border)
{
  if ((unsigned) (i - lo) < (unsigned) n)
    return table[i - lo];
  return border_index (i, size, border);
}

/* One pixel whose taps may leave the image. */
static G_ALWAYS_INLINE inline void
lin_border_pixel (const Sampler *s,
                  guint8        *dst,
                  int            x0,
                  int            y0,
                  guint32        fx,
                  guint32        fy,
                  const int      nc)
{
  const AugurImage *src = s->src;
  const int w = src->width, h = src->height;
  const gsize stride = src->stride;
  LinWeights lw = lin_weights (fx, fy);
  int ix0, ix1, iy0, iy1;

  if (s->border != AUGUR_BORDER_CONSTANT)
    {
      const guint8 *r0, *r1;

      ix0 = lin_border_index (x0, s->bx, s->bx_lo, s->bx_n, w, s->border) * nc;
      ix1 = lin_border_index (x0 + 1, s->bx, s->bx_lo, s->bx_n, w, s->border) * nc;
      r0 = src->data + (gsize) lin_border_index (y0, s->by, s->by_lo, s->by_n, h, s->border) * stride;
      r1 = src->data + (gsize) lin_border_index (y0 + 1, s->by, s->by_lo, s->by_n, h, s->border) * stride;

      if (nc == 1)
        dst[0] = lin_mix (&lw, r0[ix0], r0[ix1], r1[ix0], r1[ix1]);
      else
        {
          /* Four-byte loads, but for a tap on the very last pixel of
           * a three-channel image (byte-wise loads into a word would
           * stall on store forwarding). */
          const guint8 *last = src->data + (gsize) (h - 1) * stride + (gsize) (w - 1) * nc;
          guint32 v, wa, wb;

          lin_pack (&lw, &wa, &wb);
          if (nc == 3 && (r0 + ix0 == last || r0 + ix1 == last || r1 + ix0 == last || r1 + ix1 == last))
            v = lin_mix4 (r0 + ix0, r0 + ix1, r1 + ix0, r1 + ix1, wa, wb, 3);
          else
            v = lin_mix4 (r0 + ix0, r0 + ix1, r1 + ix0, r1 + ix1, wa, wb, 4);
          memcpy (dst, &v, nc);
        }
      return;
    }

  if (x0 >= w || y0 >= h || x0 < -1 || y0 < -1)
    {
      /* every tap in the border: the weights sum to 1 */
      for (int c = 0; c < nc; c++)
        dst[c] = s->fill_u8[c];
      return;
    }

  ix0 = x0 >= 0 ? x0 * nc : -1;
  ix1 = x0 + 1 < w ? (x0 + 1) * nc : -1;
  iy0 = y0 >= 0 ? y0 : -1;
  iy1 = y0 + 1 < h ? y0 + 1 : -1;
  for (int c = 0; c < nc; c++)
    {
      /* A row outside the image has no pointer: src->data + (gsize) -1 *
       * stride would point before the image (undefined, UBSan says so). */
      const guint8 *r0 = iy0 >= 0 ? src->data + (gsize) iy0 * stride : NULL;
      const guint8 *r1 = iy1 >= 0 ? src->data + (gsize) iy1 * stride : NULL;
      int f = s->fill_u8[c];
      int p00 = iy0 >= 0 && ix0 >= 0 ? r0[ix0 + c] : f;
      int p01 = iy0 >= 0 && ix1 >= 0 ? r0[ix1 + c] : f;
      int p10 = iy1 >= 0 && ix0 >= 0 ? r1[ix0 + c] : f;
      int p11 = iy1 >= 0 && ix1 >= 0 ? r1[ix1 + c] : f;

      dst[c] = lin_mix (&lw, p00, p01, p10, p11);
    }
}

#ifdef __SSE2__
/* The four taps of a pixel of nc = 3 or 4 channels at @p, inside the
 * image (see sample_row_linear ()), as lin_mix4 () arranges them: p00 and p10
 * interleaved per channel in the low half, p01 and p11 in the high half.
 * One 8-byte load a row holds both of its taps; for three channels the
 * second tap is moved up to the next four-byte lane (the byte between
 * them goes to a lane that is thrown away). */
static G_ALWAYS_INLINE inline __m128i
lin_taps (const guint8 *p,
          gsize         stride,
          const int     nc)
{
  __m128i top = _mm_loadl_epi64 ((const __m128i *) p);
  __m128i bottom = _mm_loadl_epi64 ((const __m128i *) (p + stride));

  if (nc == 3)
    {
      top = _mm_unpacklo_epi32 (top, _mm_srli_epi64 (top, 24));
      bottom = _mm_unpacklo_epi32 (bottom, _mm_srli_epi64 (bottom, 24));
    }
  return _mm_unpacklo_epi8 (top, bottom);
}

/* lin_mix4 ()'s sums of one pixel's taps, rounded and shifted: four
 * 32-bit channels. */
static G_ALWAYS_INLINE inline __m128i
lin_sum (__m128i taps,
         guint32 wa,
         guint32 wb)
{
  const __m128i zero = _mm_setzero_si128 ();
  __m128i sum;

  sum = _mm_add_epi32 (_mm_madd_epi16 (_mm_unpacklo_epi8 (taps, zero), _mm_set1_epi32 ((int) wa)),
                       _mm_madd_epi16 (_mm_unpackhi_epi8 (taps, zero), _mm_set1_epi32 ((int) wb)));
  return _mm_srai_epi32 (_mm_add_epi32 (sum, _mm_set1_epi32 (1 << (LIN_WBITS - 1))), LIN_WBITS);
}

/* Pixels i and i + 1 of a row of three or four channels, both inside
 * (see sample_row_linear ()): the arithmetic of lin_mix4 () to the bit, with half
 * its loads and one pack and store for the pair. Three channels store two
 * bytes more when @room (pixel i + 2 exists and is written later). */
static G_ALWAYS_INLINE inline void
lin_pair (const AugurImage *src,
          guint8           *restrict dst,
          int               i,
          const RowCoords  *rc,
          gboolean          room,
          const int         nc)
{
  const gsize stride = src->stride;
  const guint8 *pa = src->data + rc->off[i];
  const guint8 *pb = src->data + rc->off[i + 1];
  __m128i a = lin_sum (lin_taps (pa, stride, nc), rc->wa[i], rc->wb[i]);
  __m128i b = lin_sum (lin_taps (pb, stride, nc), rc->wa[i + 1], rc->wb[i + 1]);
  __m128i v = _mm_packs_epi32 (a, b);
  guint64 both;

  v = _mm_packus_epi16 (v, v);
  if (nc == 4)
    {
      _mm_storel_epi64 ((__m128i *) (dst + (gsize) i * 4), v);
      return;
    }
  /* the 3 + 3 bytes of the 4 + 4 (a pshufb where the clone has one) */
  {
    typedef guint8 U8x16 __attribute__ ((vector_size (16)));
    const U8x16 pick = { 0, 1, 2, 4, 5, 6, 3, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

#ifdef __clang__
    v = (__m128i) __builtin_shufflevector ((U8x16) v, (U8x16) v, 0, 1, 2, 4, 5, 6, 3, 7,
                                           8, 9, 10, 11, 12, 13, 14, 15);
    (void) pick;
#else
    v = (__m128i) __builtin_shuffle ((U8x16) v, pick);
#endif
  }
  both = (guint64) _mm_cvtsi128_si64 (v);
  memcpy (dst + (gsize) i * 3, &both, room ? 8 : 6);
}
#endif

/* Pixels [i, end) of a row, all of whose taps lie inside the image (see
 * sample_row_linear ()). */
static G_ALWAYS_INLINE inline void
lin_span (const AugurImage *src,
          guint8           *restrict dst,
          int               i,
          int               end,
          const RowCoords  *rc,
          const int         nc)
{
  const gsize stride = src->stride;
  const guint8 *const data = src->data;
  const int *restrict xi = rc->xi, *restrict yi = rc->yi;
  const guint32 *restrict wa = rc->wa, *restrict wb = rc->wb;

  for (; i < end; i++)
    {
      const guint8 *p = data + (gsize) yi[i] * stride + (gsize) xi[i] * nc;

      if (nc == 1)
        {
          LinWeights lw = { (gint32) (wa[i] & 0xffff), (gint32) (wb[i] & 0xffff),
                            (gint32) (wa[i] >> 16), (gint32) (wb[i] >> 16) };

          dst[i] = lin_mix (&lw, p[0], p[1], p[stride], p[stride + 1]);
        }
      else
        {
          guint32 v = lin_mix4 (p, p + nc, p + stride, p + stride + nc, wa[i], wb[i], 4);

          /* three channels store a fourth byte, which the next pixel
           * overwrites; not past the last one */
          memcpy (dst + i * nc, &v, nc == 4 || i + 1 < end ? 4 : 3);
        }
    }
}

#ifdef AUGUR_CPU_X86_64
/*
 * lin_pair () in AVX2: the same sums of the same pairs, for both pixels in
 * one register. A pixel's two rows of taps go into one vector, and one
 * pshufb gives the layout of lin_taps (); each pixel's weights are
 * broadcast to its own 128-bit lane; the sums are packed as lin_pair ()
 * packs them. The portable loop and this one give the same bytes (tests:
 * resample/warp/linear-wide).
 */
__attribute__ ((target ("avx2"))) static inline __m128i
lin_taps_wide (const guint8 *p,
               gsize         stride,
               __m128i       pick)
{
  __m128i t = _mm_loadl_epi64 ((const __m128i *) p);

  t = _mm_castpd_si128 (_mm_loadh_pd (_mm_castsi128_pd (t), (const double *) (p + stride)));
  return _mm_shuffle_epi8 (t, pick);
}

__attribute__ ((target ("avx2"))) static inline void
lin_pair_wide (const guint8             *data,
               gsize                     stride,
               guint8                   *restrict dst,
               int                       i,
               const guint64            *restrict off,
               const guint32            *restrict wa,
               const guint32            *restrict wb,
               gboolean                  room,
               const int                 nc)
{
  /* (top, bottom) byte pairs: for three channels the second tap's bytes
   * start at 3, as lin_taps () moves them */
  const __m128i pick = nc == 3
    ? _mm_setr_epi8 (0, 8, 1, 9, 2, 10, 3, 11, 3, 11, 4, 12, 5, 13, 6, 14)
    : _mm_setr_epi8 (0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
  const __m256i zero = _mm256_setzero_si256 (), lanes = _mm256_setr_epi32 (0, 0, 0, 0, 1, 1, 1, 1);
  __m256i taps, wva, wvb, sum;
  __m128i v;
  guint64 both;

  taps = _mm256_inserti128_si256 (_mm256_castsi128_si256 (lin_taps_wide (data + off[i], stride, pick)),
                                  lin_taps_wide (data + off[i + 1], stride, pick), 1);
  wva = _mm256_permutevar8x32_epi32 (_mm256_castsi128_si256 (_mm_loadl_epi64 ((const __m128i *) (wa + i))), lanes);
  wvb = _mm256_permutevar8x32_epi32 (_mm256_castsi128_si256 (_mm_loadl_epi64 ((const __m128i *) (wb + i))), lanes);
  sum = _mm256_add_epi32 (_mm256_madd_epi16 (_mm256_unpacklo_epi8 (taps, zero), wva),
                          _mm256_madd_epi16 (_mm256_unpackhi_epi8 (taps, zero), wvb));
  sum = _mm256_srai_epi32 (_mm256_add_epi32 (sum, _mm256_set1_epi32 (1 << (LIN_WBITS - 1))), LIN_WBITS);
  sum = _mm256_packus_epi16 (_mm256_packs_epi32 (sum, sum), zero);
  /* pixel i's four bytes, then pixel i + 1's */
  v = _mm_unpacklo_epi32 (_mm256_castsi256_si128 (sum), _mm256_extracti128_si256 (sum, 1));
  if (nc == 4)
    {
      _mm_storel_epi64 ((__m128i *) (dst + (gsize) i * 4), v);
      return;
    }
  v = _mm_shuffle_epi8 (v, _mm_setr_epi8 (0, 1, 2, 4, 5, 6, 3, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  both = (guint64) _mm_cvtsi128_si64 (v);
  memcpy (dst + (gsize) i * 3, &both, room ? 8 : 6);
}
#endif

#ifndef LIN_AHEAD
# define LIN_AHEAD 32
#endif

#ifdef __SSE2__
/* The pixels of a row of three or four channels, in pairs where both lie
 * inside, by lin_pair_wide () when @wide (in a caller built for AVX2). */
static G_ALWAYS_INLINE inline void
lin_pairs (const Sampler   *s,
           guint8          *dst,
           int              n,
           const RowCoords *rc,
           const int        nc,
           const gboolean   wide)
{
  const guint8 *in = rc->in;

  /* pixels in pairs (in[n] is 0) */
  for (int i = 0; i < n;)
    {
      if (i + LIN_AHEAD < n && in[i + LIN_AHEAD])
        {
          __builtin_prefetch (s->src->data + rc->off[i + LIN_AHEAD]);
          __builtin_prefetch (s->src->data + rc->off[i + LIN_AHEAD] + s->src->stride);
        }
      if (in[i] & in[i + 1])
        {
#ifdef AUGUR_CPU_X86_64
          if (wide)
            lin_pair_wide (s->src->data, s->src->stride, dst, i, rc->off, rc->wa, rc->wb, i + 2 < n, nc);
          else
#endif
            lin_pair (s->src, dst, i, rc, i + 2 < n, nc);
          i += 2;
        }
      else if (in[i])
        {
          lin_span (s->src, dst, i, i + 1, rc, nc);
          i++;
        }
      else
        {
          lin_border_pixel (s, dst + i * nc, rc->xi[i], rc->yi[i], rc->xf[i], rc->yf[i], nc);
          i++;
        }
    }
}
#endif

#ifdef AUGUR_CPU_X86_64
__attribute__ ((target ("avx2"))) static void
lin_pairs_wide (const Sampler   *s,
                guint8          *dst,
                int              n,
                const RowCoords *rc)
{
  if (s->src->channels == 3)
    lin_pairs (s, dst, n, rc, 3, TRUE);
  else
    lin_pairs (s, dst, n, rc, 4, TRUE);
}
#endif

/* The fast path may read pixel i's taps when the 2x2 block lies inside,
 * and for three channels the byte after the right column (the fast path
 * reads four bytes a tap, eight for a pair), so x0 + 2 must exist as
 * well; lin_pack_row () marks those pixels in rc->in. */
static G_ALWAYS_INLINE inline void
sample_row_linear (const Sampler   *s,
                   guint8          *dst,
                   int              n,
                   const RowCoords *rc,
                   const int        nc)
{
  const int w = s->src->width, h = s->src->height;
  const guint8 *in = rc->in;

  /* which pixels take the fast path, as two unsigned comparisons */
  lin_pack_row (rc->xf, rc->yf, rc->xi, rc->yi, (unsigned) MAX (w - 1 - (nc == 3), 0),
                (unsigned) MAX (h - 1, 0), s->src->stride, nc, rc->wa, rc->wb, rc->in, rc->off, n);
  rc->in[n] = 0;   /* the pairs stop at the end (a longer row may have left a 1) */
#ifdef __SSE2__
  if (nc != 1)
    {
# ifdef AUGUR_CPU_X86_64
      if (s->wide)
        {
          lin_pairs_wide (s, dst, n, rc);
          return;
        }
# endif
      lin_pairs (s, dst, n, rc, nc, FALSE);
      return;
    }
#endif
  for (int i = 0; i < n;)
    {
      if (in[i])
        {
          int end = i + 1;

          while (in[end])
            end++;
          lin_span (s->src, dst, i, end, rc, nc);
          i = end;
        }
      else
        {
          lin_border_pixel (s, dst + i * nc, rc->xi[i], rc->yi[i], rc->xf[i], rc->yf[i], nc);
          i++;
        }
    }
}

/* One instantiation per kernel size and channel count; the choice is made
 * once per row. */
AUGUR_SIMD_CLONES static void
sample_row (const Sampler   *s,
            guint8          *dst,
            int              n,
            const RowCoords *rc)
{
#define KERNEL_CASE(K, NC) \
  case (K) * 8 + (NC): \
    if ((K) == 1) \
      sample_row_nearest (s, dst, n, rc, (NC)); \
    else if ((K) == 2) \
      sample_row_linear (s, dst, n, rc, (NC)); \
    else \
      sample_row_kernel (s, dst, n, rc, (K), (NC)); \
    break

  switch (s->taps * 8 + s->src->channels)
    {
    KERNEL_CASE (1, 1); KERNEL_CASE (1, 3); KERNEL_CASE (1, 4);
    KERNEL_CASE (2, 1); KERNEL_CASE (2, 3); KERNEL_CASE (2, 4);
    KERNEL_CASE (4, 1); KERNEL_CASE (4, 3); KERNEL_CASE (4, 4);
    KERNEL_CASE (8, 1); KERNEL_CASE (8, 3); KERNEL_CASE (8, 4);
    default:
      g_assert_not_reached ();
    }
#undef KERNEL_CASE
}

typedef struct
{
  RowCoords rc;
  int      *ibuf;
  guint16  *fbuf;
  guint32  *wbuf;
  float    *mbuf;
  guint8   *inbuf;
  guint64  *offbuf;
} RowBuffers;

static void
row_buffers_init (RowBuffers *b,
                  int         n)
{
  b->ibuf = g_new (int, 2 * (gsize) n);
  b->fbuf = g_new (guint16, 2 * (gsize) n);
  b->rc.xi = b->ibuf;
  b->rc.yi = b->ibuf + n;
  b->rc.xf = b->fbuf;
  b->rc.yf = b->fbuf + n;
  b->wbuf = g_new (guint32, 2 * (gsize) n);
  b->rc.wa = b->wbuf;
  b->rc.wb = b->wbuf + n;
  b->mbuf = g_new (float, 2 * (gsize) n);
  b->rc.map = b->mbuf;
  b->inbuf = g_new0 (guint8, (gsize) n + 1);
  b->rc.in = b->inbuf;
  b->offbuf = g_new (guint64, n);
  b->rc.off = b->offbuf;
}

static void
row_buffers_clear (RowBuffers *b)
{
  g_free (b->ibuf);
  g_free (b->fbuf);
  g_free (b->wbuf);
  g_free (b->mbuf);
  g_free (b->inbuf);
  g_free (b->offbuf);
}

static gboolean
check_warp_args (const AugurImage *src,
                 int               out_width,
                 int               out_height,
                 AugurInterpolation interp,
                 AugurBorder       border)
{
  g_return_val_if_fail (src != NULL, FALSE);
  g_return_val_if_fail (src->channels == 1 || src->channels == 3 || src->channels == 4, FALSE);
  g_return_val_if_fail (out_width > 0 && out_height > 0, FALSE);
  g_return_val_if_fail ((unsigned) interp <= AUGUR_INTERP_LANCZOS4, FALSE);
  g_return_val_if_fail ((unsigned) border <= AUGUR_BORDER_REFLECT_101, FALSE);
  return TRUE;
}

/* Fills @rc with the source coordinates of pixels @first .. @first + @n
 * - 1 of output row @y (of @width): the one thing that tells the warps
 * apart. @shift and @bits come from the sampler. */
typedef void (*RowSource) (gconstpointer  data,
                           int            y,
                           int            width,
                           int            first,
                           int            n,
                           double         shift,
                           int            bits,
                           RowCoords     *rc);

/* Narrows [*lo, *hi) to the pixels of output row @y whose kernel taps
 * reach the input: the others are the fill of a constant border. */
typedef void (*RowSpan)   (gconstpointer  data,
                           const Sampler *sampler,
                           int            y,
                           int            width,
                           double         shift,
                           int           *lo,
                           int           *hi);

/* What the strips of one warp share; the sampler is only read. */
typedef struct
{
  const Sampler *sampler;
  AugurImage    *out;
  RowSource      row_source;
  RowSpan        row_span;   /* nullable */
  gconstpointer  data;
  double         shift;
} WarpStrips;

static void
warp_strip (gpointer data,
            int      first,
            int      last)
{
  const WarpStrips *w = data;
  const Sampler *s = w->sampler;
  const int width = w->out->width, nc = w->out->channels;
  RowBuffers b;

  row_buffers_init (&b, width);
  for (int y = first; y < last; y++)
    {
      guint8 *row = augur_image_row (w->out, y);
      int lo = 0, hi = width;

      if (w->row_span)
        {
          w->row_span (w->data, s, y, width, w->shift, &lo, &hi);
          hi = MAX (hi, lo);
        }
      if (hi > lo)
        {
          w->row_source (w->data, y, width, lo, hi - lo, w->shift, s->bits, &b.rc);
          sample_row (s, row + (gsize) lo * nc, hi - lo, &b.rc);
        }
      augur_fill_span (row, s->fill_u8, lo, nc);
      augur_fill_span (row + (gsize) hi * nc, s->fill_u8, width - hi, nc);
    }
  row_buffers_clear (&b);
}

/* The frame every warp shares: check, set up the sampler, then row by row
 * the coordinates from @row_source and the samples from sample_row, in
 * strips (augur-strips.h: on several threads for a large output, the same
 * bytes). When the current apply is cancelled part way, the image comes
 * back black, never partly unwritten: the caller drops it. */
static AugurImage *
warp_rows (const AugurImage   *src,
           int                 out_width,
           int                 out_height,
           AugurInterpolation  interp,
           AugurBorder         border,
           const AugurFill    *fill,
           RowSource           row_source,
           RowSpan             row_span,
           gconstpointer       data)
{
  AugurImage *out;
  WarpStrips w;
  Sampler s;

  if (!check_warp_args (src, out_width, out_height, interp, border))
    return NULL;
  g_return_val_if_fail (data != NULL, NULL);

  sampler_init (&s, src, interp, border, fill);
  out = augur_image_new_uninitialized (out_width, out_height, src->channels);

  /* nearest picks the pixel whose square holds the point (floor of the
   * centre coordinate); kernels want the pixel index below the point. */
  w = (WarpStrips) { &s, out, row_source, border == AUGUR_BORDER_CONSTANT ? row_span : NULL,
                     data, s.taps == 1 ? 0.0 : -0.5 };
  if (!augur_strips_run (out_height, (double) out_width * src->channels, warp_strip, &w))
    memset (out->data, 0, (gsize) out->stride * out_height);

  sampler_clear (&s);
  return out;
}

/* Where row @y of an affine warp starts, on each axis. */
static inline void
affine_row_start (const double *inverse,
                  int           y,
                  double        shift,
                  double       *u,
                  double       *v)
{
  double cy = y + 0.5;

  *u = inverse[0] * 0.5 + inverse[1] * cy + inverse[2] + shift;
  *v = inverse[3] * 0.5 + inverse[4] * cy + inverse[5] + shift;
}

static void
affine_row (gconstpointer  data,
            int            y,
            int            width,
            int            first,
            int            n,
            double         shift,
            int            bits,
            RowCoords     *rc)
{
  const double *inverse = data;
  double u, v;

  affine_row_start (inverse, y, shift, &u, &v);
  walk_row (u, inverse[0], bits, width, first, n, rc->xi, rc->xf);
  walk_row (v, inverse[3], bits, width, first, n, rc->yi, rc->yf);
}

/* The taps of a kernel of K taps at index i are i - K / 2 + 1 .. i + K / 2
 * (nearest: i alone), so they reach an axis of @size pixels when i lies in
 * [-K / 2, size - 1 + K / 2 - 1] (nearest: [0, size - 1]). An affine row's
 * indices are monotonic, which makes the pixels that reach the input one
 * run; outside it the samplers would give the fill, to the bit. */
static void
affine_span (gconstpointer  data,
             const Sampler *sampler,
             int            y,
             int            width,
             double         shift,
             int           *lo,
             int           *hi)
{
  const double *inverse = data;
  const int above = sampler->taps / 2, below = MAX (above - 1, 0);
  const int w = sampler->src->width, h = sampler->src->height;
  int xlo = 0, xhi = width;
  double u, v;

  affine_row_start (inverse, y, shift, &u, &v);
  if (walk_span (u, inverse[0], sampler->bits, width, -above, w - 1 + below, &xlo, &xhi) &&
      walk_span (v, inverse[3], sampler->bits, width, -above, h - 1 + below, &xlo, &xhi))
    *lo = xlo, *hi = xhi;
}

AugurImage *
augur_warp_affine (const AugurImage   *src,
                   int                 out_width,
                   int                 out_height,
                   const double        inverse[6],
                   AugurInterpolation  interp,
                   AugurBorder         border,
                   const AugurFill    *fill)
{
  return warp_rows (src, out_width, out_height, interp, border, fill, affine_row, affine_span,
                    inverse);
}

static void
map_row (gconstpointer  data,
         int            y,
         int            width,
         int            first,
         int            n,
         double         shift,
         int            bits,
         RowCoords     *rc)
{
  const float *m = (const float *) data + 2 * ((gsize) y * width + first);

  quantize_map_row (m, shift, bits, n, rc->xi, rc->xf, rc->yi, rc->yf);
}

AugurImage *
augur_warp_map (const AugurImage   *src,
                int                 out_width,
                int                 out_height,
                const float        *map,
                AugurInterpolation  interp,
                AugurBorder         border,
                const AugurFill    *fill)
{
  return warp_rows (src, out_width, out_height, interp, border, fill, map_row, NULL, map);
}

typedef struct
{
  AugurMapRows  rows;
  gconstpointer state;
  int           height;
} MapRowsSource;

/* Whole rows only (it has no span). */
static void
map_rows_row (gconstpointer  data,
              int            y,
              int            width,
              int            first,
              int            n,
              double         shift,
              int            bits,
              RowCoords     *rc)
{
  const MapRowsSource *m = data;

  g_assert (first == 0 && n == width);

  m->rows (m->state, width, m->height, y, 1, rc->map);
  quantize_map_row (rc->map, shift, bits, width, rc->xi, rc->xf, rc->yi, rc->yf);
}

/**
 * augur_warp_map_rows:
 * @rows: fills rows of the inverse map (as @map of augur_warp_map ()), one
 *   output row at a time, from any thread: it must only read @state
 *
 * As augur_warp_map (), with the map computed a row at a time beside the
 * row it resamples, in the strips of augur-strips.h: the whole map never
 * exists, and a large output is shared between threads.
 */
AugurImage *
augur_warp_map_rows (const AugurImage   *src,
                     int                 out_width,
                     int                 out_height,
                     AugurMapRows        rows,
                     gconstpointer       state,
                     AugurInterpolation  interp,
                     AugurBorder         border,
                     const AugurFill    *fill)
{
  MapRowsSource m = { rows, state, out_height };

  g_return_val_if_fail (rows != NULL, NULL);

  return warp_rows (src, out_width, out_height, interp, border, fill, map_rows_row, NULL, &m);
}

/* Resize --------------------------------------------------------------------- */

/* For each output position along one axis, `taps` input indices (clamped:
 * the edge replicates) and their weights. */
typedef struct
{
  int    taps;
  int   *index;
  float *weight;
} Axis;

static void
axis_init (Axis               *a,
           int                 in_n,
           int                 out_n,
           AugurInterpolation  interp)
{
  double scale = (double) in_n / out_n;

  a->taps = interp == AUGUR_INTERP_AREA ? (int) ceil (scale) + 1 : interp_taps (interp);
  a->index = g_new (int, (gsize) out_n * a->taps);
  a->weight = g_new (float, (gsize) out_n * a->taps);

  for (int d = 0; d < out_n; d++)
    {
      int *idx = a->index + (gsize) d * a->taps;
      float *w = a->weight + (gsize) d * a->taps;

      if (interp == AUGUR_INTERP_NEAREST)
        {
          idx[0] = CLAMP ((int) floor ((d + 0.5) * scale), 0, in_n - 1);
          w[0] = 1;
        }
      else if (interp == AUGUR_INTERP_AREA)
        {
          double start = d * scale, end = MIN ((d + 1) * scale, in_n);
          int first = (int) floor (start);

          for (int t = 0; t < a->taps; t++)
            {
              int i = first + t;
              double overlap = MIN (end, i + 1.0) - MAX (start, (double) i);

              idx[t] = CLAMP (i, 0, in_n - 1);
              w[t] = overlap > 0 ? (float) (overlap / (end - start)) : 0.f;
            }
        }
      else
        {
          double u = (d + 0.5) * scale - 0.5;
          double x0 = floor (u), f = u - x0;
          int lo = a->taps / 2 - 1;

          switch (interp)
            {
            case AUGUR_INTERP_CUBIC:    cubic_weights (f, w); break;
            case AUGUR_INTERP_LANCZOS4: lanczos_weights (f, w); break;
            case AUGUR_INTERP_LINEAR:
            default:                    linear_weights (f, w); break;
            }
          for (int t = 0; t < a->taps; t++)
            idx[t] = (int) CLAMP (x0 - lo + t, 0, in_n - 1);
        }
    }
}

static void
axis_clear (Axis *a)
{
  g_free (a->index);
  g_free (a->weight);
}

static G_ALWAYS_INLINE inline void
resize_row_h (const guint8 *src,
              float        *dst,
              const Axis   *ax,
              int           out_w,
              const int     nc)
{
  for (int d = 0; d < out_w; d++, dst += nc)
    {
      const int *idx = ax->index + (gsize) d * ax->taps;
      const float *w = ax->weight + (gsize) d * ax->taps;
      float acc[4] = { 0, 0, 0, 0 };

      for (int t = 0; t < ax->taps; t++)
        {
          const guint8 *p = src + idx[t] * nc;
          const float wt = w[t];

#pragma GCC unroll 4
          for (int c = 0; c < nc; c++)
            acc[c] += wt * u8_to_float[p[c]];
        }
      for (int c = 0; c < nc; c++)
        dst[c] = acc[c];
    }
}

/* One row of resize_nearest (): pixel x of @d is the pixel at byte
 * xs[x] of @s, moved with a constant size (a run-time size is a call into
 * libc per pixel). */
static G_ALWAYS_INLINE inline void
nearest_row (const guint8 *restrict s,
             const int    *restrict xs,
             guint8       *restrict d,
             int                    width,
             const int              nc)
{
  for (int x = 0; x < width; x++, d += nc)
    memcpy (d, s + xs[x], nc);
}

static AugurImage *
resize_nearest (const AugurImage *src,
                int               width,
                int               height)
{
  AugurImage *out = augur_image_new_uninitialized (width, height, src->channels);
  g_autofree int *xs = g_new (int, width);
  int nc = src->channels;
  double sx = (double) src->width / width, sy = (double) src->height / height;

  for (int x = 0; x < width; x++)
    xs[x] = CLAMP ((int) floor ((x + 0.5) * sx), 0, src->width - 1) * nc;

  for (int y = 0; y < height; y++)
    {
      int ys = CLAMP ((int) floor ((y + 0.5) * sy), 0, src->height - 1);
      const guint8 *s = augur_image_row (src, ys);
      guint8 *d = augur_image_row (out, y);

      switch (nc)
        {
        case 1:  nearest_row (s, xs, d, width, 1); break;
        case 3:  nearest_row (s, xs, d, width, 3); break;
        default: nearest_row (s, xs, d, width, 4); break;
        }
    }

  return out;
}

/*
 * Linear and area resizing in fixed point: their weights are never
 * negative and sum to 1 along each axis, so with each axis's weights in
 * Q11 (summing to exactly 2048) the vertical sums of 8-bit pixels fit 19
 * bits and the horizontal sums of those 30: the whole 2-D sum is exact in
 * 32 bits and rounded once. The order of the passes does not change a bit
 * of the result; vertical first reads whole input rows (a loop the
 * compiler vectorises) and leaves the gathering pass only the output
 * row's width. OpenCV's linear resize also works in Q11.
 */
#define RESIZE_BITS 11

/* Q11 weights of one axis: for each output position, `taps` weights that
 * sum to 1 << RESIZE_BITS, the rounding error given to the largest. */
static guint32 *
axis_fixed_weights (const Axis *a,
                    int         out_n)
{
  guint32 *wq = g_new (guint32, (gsize) out_n * a->taps);

  for (int d = 0; d < out_n; d++)
    {
      const float *w = a->weight + (gsize) d * a->taps;
      guint32 *q = wq + (gsize) d * a->taps;
      gint32 sum = 0;
      int big = 0;

      for (int t = 0; t < a->taps; t++)
        {
          q[t] = (guint32) lrintf (MAX (w[t], 0.f) * (1 << RESIZE_BITS));
          sum += (gint32) q[t];
          if (w[t] > w[big])
            big = t;
        }
      q[big] = (guint32) ((gint32) q[big] + (1 << RESIZE_BITS) - sum);
    }
  return wq;
}

/* out[k] = sum over t of w[t] * rows[t][k]. */
AUGUR_SIMD_CLONES static void
resize_fixed_v (const guint8 *const *rows,
                const guint32       *w,
                int                  taps,
                guint32             *restrict out,
                int                  n)
{
  const guint8 *restrict r0 = rows[0];
  const guint32 w0 = w[0];

  for (int k = 0; k < n; k++)
    out[k] = r0[k] * w0;
  for (int t = 1; t < taps; t++)
    {
      const guint8 *restrict r = rows[t];
      const guint32 wt = w[t];

      for (int k = 0; k < n; k++)
        out[k] += r[k] * wt;
    }
}

/* out[k] = the sum over t of w[t][k] * tmp[index[t][k]], rounded: one
 * entry per output byte, tap-major. */
AUGUR_SIMD_CLONES static void
resize_fixed_h (const guint32 *restrict tmp,
                const int     *restrict index,
                const guint32 *restrict w,
                int                     taps,
                guint32       *restrict acc,
                guint8        *restrict out,
                int                     n)
{
  for (int k = 0; k < n; k++)
    acc[k] = w[k] * tmp[index[k]];
  for (int t = 1; t < taps; t++)
    {
      const int *restrict it = index + (gsize) t * n;
      const guint32 *restrict wt = w + (gsize) t * n;

      for (int k = 0; k < n; k++)
        acc[k] += wt[k] * tmp[it[k]];
    }
  for (int k = 0; k < n; k++)
    out[k] = (guint8) ((acc[k] + (1u << (2 * RESIZE_BITS - 1))) >> (2 * RESIZE_BITS));
}

typedef guint32 ResizeU32x4 __attribute__ ((vector_size (16)));
typedef guint8  ResizeU8x16 __attribute__ ((vector_size (16)));

/* The horizontal pass of a two-tap axis (linear) for three or four
 * channels: a pixel at a time, its channels in one vector. @tmp has one
 * spare value after the row (three channels read four). */
static G_ALWAYS_INLINE inline void
resize_fixed_h2_n (const guint32 *restrict tmp,
                   const int     *restrict index,
                   const guint32 *restrict w,
                   guint8        *restrict out,
                   int                     width,
                   const int               nc)
{
  const ResizeU8x16 pick = { 0, 4, 8, 12, 0, 4, 8, 12, 0, 4, 8, 12, 0, 4, 8, 12 };

  for (int d = 0; d < width; d++)
    {
      ResizeU32x4 a, b, v;
      ResizeU8x16 bytes;
      guint32 px;

      memcpy (&a, tmp + index[2 * d] * nc, sizeof a);
      memcpy (&b, tmp + index[2 * d + 1] * nc, sizeof b);
      v = (a * w[2 * d] + b * w[2 * d + 1] + (1u << (2 * RESIZE_BITS - 1))) >> (2 * RESIZE_BITS);
#ifdef __clang__
      bytes = __builtin_shufflevector ((ResizeU8x16) v, (ResizeU8x16) v, 0, 4, 8, 12, 0, 4, 8, 12,
                                       0, 4, 8, 12, 0, 4, 8, 12);
      (void) pick;
#else
      bytes = __builtin_shuffle ((ResizeU8x16) v, pick);
#endif
      memcpy (&px, &bytes, sizeof px);
      /* three channels store a fourth byte that the next pixel
       * overwrites; not past the row */
      memcpy (out + d * nc, &px, nc == 4 || d + 1 < width ? 4 : 3);
    }
}

AUGUR_SIMD_CLONES static void
resize_fixed_h2_3 (const guint32 *tmp,
                   const int     *index,
                   const guint32 *w,
                   guint8        *out,
                   int            width)
{
  resize_fixed_h2_n (tmp, index, w, out, width, 3);
}

AUGUR_SIMD_CLONES static void
resize_fixed_h2_4 (const guint32 *tmp,
                   const int     *index,
                   const guint32 *w,
                   guint8        *out,
                   int            width)
{
  resize_fixed_h2_n (tmp, index, w, out, width, 4);
}

#ifdef __SSE2__
/*
 * Two taps on each axis (linear, and area where it grows), three or four
 * channels: the same exact sum as resize_fixed (), the horizontal pass
 * first. It reads 8-bit pixels, so each output pixel's pair of taps is
 * one pmaddwd of (left, right) against (w0, w1), as the linear warps mix
 * theirs; its sums, below 2^19, are kept for the two input rows an output
 * row reads, and consecutive output rows mostly read the same ones. The
 * vertical pass then mixes two rows of sums, a loop the compiler
 * vectorises. Output rows go in strips, each strip with its own rows of
 * sums: the same bytes with any number of threads.
 */
typedef struct
{
  const AugurImage *src;
  AugurImage       *out;
  const int        *xoff;    /* byte offsets of each output pixel's two taps */
  const __m128i    *xw;      /* (w0, w1) pairs, broadcast */
  const int        *yidx;    /* two input rows per output row */
  const guint32    *wy;      /* and their Q11 weights */
  int               adj0;    /* [adj0, adj1): the output pixels whose */
  int               adj1;    /* right tap is the pixel after the left one */
} Resize2;

/* The horizontal sums of output pixels [@d0, @d1) of one input row. */
static G_ALWAYS_INLINE inline void
resize2_h_pixels (const guint8  *row,
                  const int     *restrict xoff,
                  const __m128i *restrict xw,
                  guint32       *restrict sums,
                  int            d0,
                  int            d1,
                  const int      nc)
{
  const __m128i zero = _mm_setzero_si128 ();

  for (int d = d0; d < d1; d++)
    {
      guint32 a, b;
      __m128i taps;

      memcpy (&a, row + xoff[2 * d], 4);
      memcpy (&b, row + xoff[2 * d + 1], 4);
      taps = _mm_unpacklo_epi8 (_mm_cvtsi32_si128 ((int) a), _mm_cvtsi32_si128 ((int) b));
      _mm_storeu_si128 ((__m128i *) (sums + (gsize) d * nc),
                        _mm_madd_epi16 (_mm_unpacklo_epi8 (taps, zero), xw[d]));
    }
}

/* The horizontal sums of one input row, nc of them per output pixel.
 * @row has 4 readable bytes from each pixel's first byte (the next row's
 * first byte follows a row of three channels); @sums one spare value
 * after the row (three channels store four). Where an output pixel's taps
 * are neighbours, one 8-byte load holds both, and two output pixels share
 * a shuffle into (left, right) pairs and the widening: the pairs, hence
 * the sums, of resize2_h_pixels (). */
static G_ALWAYS_INLINE inline void
resize2_h (const Resize2 *r,
           const guint8  *row,
           guint32       *restrict sums,
           const int      nc)
{
  typedef guint8 U8x16 __attribute__ ((vector_size (16)));
  const U8x16 pick3 = { 0, 3, 1, 4, 2, 5, 6, 7, 8, 11, 9, 12, 10, 13, 14, 15 };
  const U8x16 pick4 = { 0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15 };
  const __m128i zero = _mm_setzero_si128 ();
  const int *restrict xoff = r->xoff;
  const __m128i *restrict xw = r->xw;
  int d = r->adj0;

  resize2_h_pixels (row, xoff, xw, sums, 0, r->adj0, nc);
  for (; d + 1 < r->adj1; d += 2)
    {
      __m128i v = _mm_unpacklo_epi64 (_mm_loadl_epi64 ((const __m128i *) (row + xoff[2 * d])),
                                      _mm_loadl_epi64 ((const __m128i *) (row + xoff[2 * d + 2])));

#ifdef __clang__
      v = nc == 3
          ? (__m128i) __builtin_shufflevector ((U8x16) v, (U8x16) v, 0, 3, 1, 4, 2, 5, 6, 7,
                                               8, 11, 9, 12, 10, 13, 14, 15)
          : (__m128i) __builtin_shufflevector ((U8x16) v, (U8x16) v, 0, 4, 1, 5, 2, 6, 3, 7,
                                               8, 12, 9, 13, 10, 14, 11, 15);
      (void) pick3, (void) pick4;
#else
      v = (__m128i) __builtin_shuffle ((U8x16) v, nc == 3 ? pick3 : pick4);
#endif
      _mm_storeu_si128 ((__m128i *) (sums + (gsize) d * nc),
                        _mm_madd_epi16 (_mm_unpacklo_epi8 (v, zero), xw[d]));
      _mm_storeu_si128 ((__m128i *) (sums + (gsize) (d + 1) * nc),
                        _mm_madd_epi16 (_mm_unpackhi_epi8 (v, zero), xw[d + 1]));
    }
  resize2_h_pixels (row, xoff, xw, sums, d, r->out->width, nc);
}

/* resize2_h () for three or four channels, in a clone with pshufb. */
AUGUR_SIMD_CLONES static void
resize2_h_row (const Resize2 *r,
               const guint8  *row,
               guint32       *sums)
{
  if (r->src->channels == 3)
    resize2_h (r, row, sums, 3);
  else
    resize2_h (r, row, sums, 4);
}

/* out[k] = the two rows of sums mixed and rounded. */
AUGUR_SIMD_CLONES static void
resize2_v (const guint32 *restrict s0,
           const guint32 *restrict s1,
           guint32                 w0,
           guint32                 w1,
           guint8        *restrict out,
           int                     n)
{
  for (int k = 0; k < n; k++)
    out[k] = (guint8) ((s0[k] * w0 + s1[k] * w1 + (1u << (2 * RESIZE_BITS - 1))) >> (2 * RESIZE_BITS));
}

static void
resize2_strip (gpointer data,
               int      first,
               int      last)
{
  const Resize2 *r = data;
  const AugurImage *src = r->src;
  const int nc = src->channels, width = r->out->width, n = width * nc;
  const gsize in_len = (gsize) src->width * nc;
  g_autofree guint8 *pad = g_new0 (guint8, in_len + 4);
  g_autofree guint32 *sums = g_new (guint32, 2 * ((gsize) n + 1));
  guint32 *slot[2] = { sums, sums + n + 1 };
  int held[2] = { -1, -1 };

  for (int y = first; y < last; y++)
    {
      const guint32 *use[2];

      for (int t = 0; t < 2; t++)
        {
          int iy = r->yidx[2 * y + t], s = held[0] == iy ? 0 : held[1] == iy ? 1 : -1;

          if (s < 0)
            {
              /* into the slot that the other tap does not need; the
               * last row is read from a copy, as the taps read 4 bytes */
              const guint8 *row = augur_image_row (src, iy);

              s = held[0] == r->yidx[2 * y + 1 - t] ? 1 : 0;
              if (iy == src->height - 1)
                row = memcpy (pad, row, in_len);
              resize2_h_row (r, row, slot[s]);
              held[s] = iy;
            }
          use[t] = slot[s];
        }
      resize2_v (use[0], use[1], r->wy[2 * y], r->wy[2 * y + 1], augur_image_row (r->out, y), n);
    }
}

static AugurImage *
resize2 (const AugurImage *src,
         int               width,
         int               height,
         const Axis       *ax,
         const guint32    *wx,
         const Axis       *ay,
         const guint32    *wy)
{
  const int nc = src->channels;
  AugurImage *out = augur_image_new_uninitialized (width, height, nc);
  g_autofree int *xoff = g_new (int, 2 * (gsize) width);
  g_autofree __m128i *xw = g_new (__m128i, width);
  Resize2 r = { src, out, xoff, xw, ay->index, wy, 0, 0 };

  for (int d = 0; d < width; d++)
    {
      xoff[2 * d] = ax->index[2 * d] * nc;
      xoff[2 * d + 1] = ax->index[2 * d + 1] * nc;
      xw[d] = _mm_set1_epi32 ((int) (wx[2 * d] | wx[2 * d + 1] << 16));
    }
  /* the run of neighbouring taps: all but the clamped pixels at the ends */
  while (r.adj0 < width && xoff[2 * r.adj0 + 1] != xoff[2 * r.adj0] + nc)
    r.adj0++;
  r.adj1 = r.adj0;
  while (r.adj1 < width && xoff[2 * r.adj1 + 1] == xoff[2 * r.adj1] + nc)
    r.adj1++;
  if (!augur_strips_run (height, (double) width * nc, resize2_strip, &r))
    memset (out->data, 0, (gsize) out->stride * height);
  return out;
}
#endif

static AugurImage *
resize_fixed (const AugurImage   *src,
              int                 width,
              int                 height,
              AugurInterpolation  interp)
{
  const int nc = src->channels, n = width * nc, in_n = src->width * nc;
  AugurImage *out = augur_image_new_uninitialized (width, height, nc);
  g_autofree guint32 *wx = NULL;
  g_autofree guint32 *wy = NULL;
  g_autofree int *hindex = NULL;
  g_autofree guint32 *hw = NULL;
  g_autofree guint32 *tmp = g_new0 (guint32, in_n + 1);
  g_autofree guint32 *acc = g_new (guint32, n);
  g_autofree const guint8 **rows = NULL;
  g_autofree guint32 *rw = NULL;
  Axis ax, ay;

  axis_init (&ax, src->width, width, interp);
  axis_init (&ay, src->height, height, interp);
  wx = axis_fixed_weights (&ax, width);
  wy = axis_fixed_weights (&ay, height);

#ifdef __SSE2__
  if (ax.taps == 2 && ay.taps == 2 && nc != 1)
    {
      augur_image_unref (out);
      out = resize2 (src, width, height, &ax, wx, &ay, wy);
      axis_clear (&ax);
      axis_clear (&ay);
      return out;
    }
#endif

  /* The horizontal taps, one entry per output byte. */
  hindex = g_new (int, (gsize) ax.taps * n);
  hw = g_new (guint32, (gsize) ax.taps * n);
  for (int t = 0; t < ax.taps; t++)
    for (int d = 0; d < width; d++)
      for (int c = 0; c < nc; c++)
        {
          gsize k = (gsize) t * n + (gsize) d * nc + c;

          hindex[k] = ax.index[(gsize) d * ax.taps + t] * nc + c;
          hw[k] = wx[(gsize) d * ax.taps + t];
        }

  rows = g_new (const guint8 *, ay.taps);
  rw = g_new (guint32, ay.taps);
  for (int y = 0; y < height; y++)
    {
      int taps = 0;

      /* the rows this output row reads, zero weights left out */
      for (int t = 0; t < ay.taps; t++)
        {
          guint32 wt = wy[(gsize) y * ay.taps + t];

          if (wt == 0)
            continue;
          rows[taps] = augur_image_row (src, ay.index[(gsize) y * ay.taps + t]);
          rw[taps++] = wt;
        }
      resize_fixed_v (rows, rw, taps, tmp, in_n);
      if (ax.taps == 2 && nc == 3)
        resize_fixed_h2_3 (tmp, ax.index, wx, augur_image_row (out, y), width);
      else if (ax.taps == 2 && nc == 4)
        resize_fixed_h2_4 (tmp, ax.index, wx, augur_image_row (out, y), width);
      else
        resize_fixed_h (tmp, hindex, hw, ax.taps, acc, augur_image_row (out, y), n);
    }

  axis_clear (&ax);
  axis_clear (&ay);
  return out;
}

/*
 * An exact halving, linear or area: output pixel (x, y) maps to input
 * (2x + 0.5, 2y + 0.5), so both interpolations weigh the 2 x 2 block
 * under it alike, 1/4 each. resize_fixed () computes that sum with
 * weights of 1024 in Q11 and rounds once, which is (a + b + c + d + 2) >> 2
 * to the bit; here it is computed as such, a row pair at a time: the
 * vertical sums into 16 bits (a loop the compiler vectorises), then each
 * pair of them. OpenCV turns an exact 2x linear or area downscale into
 * the same 2 x 2 average (its area fast path).
 */
static G_ALWAYS_INLINE inline void
halve_row_n (const guint8 *restrict s0,
             const guint8 *restrict s1,
             guint16      *restrict sum,
             guint8       *restrict d,
             int                    width,
             const int              nc)
{
  const int in_n = 2 * width * nc;

  for (int k = 0; k < in_n; k++)
    sum[k] = (guint16) (s0[k] + s1[k]);
  for (int x = 0; x < width; x++)
    for (int c = 0; c < nc; c++)
      d[x * nc + c] = (guint8) ((sum[2 * x * nc + c] + sum[(2 * x + 1) * nc + c] + 2) >> 2);
}

AUGUR_SIMD_CLONES static void
halve_row_1 (const guint8 *s0,
             const guint8 *s1,
             guint16      *sum,
             guint8       *d,
             int           width)
{
  halve_row_n (s0, s1, sum, d, width, 1);
}

AUGUR_SIMD_CLONES static void
halve_row_3 (const guint8 *s0,
             const guint8 *s1,
             guint16      *sum,
             guint8       *d,
             int           width)
{
  halve_row_n (s0, s1, sum, d, width, 3);
}

AUGUR_SIMD_CLONES static void
halve_row_4 (const guint8 *s0,
             const guint8 *s1,
             guint16      *sum,
             guint8       *d,
             int           width)
{
  halve_row_n (s0, s1, sum, d, width, 4);
}

static AugurImage *
resize_halve (const AugurImage *src)
{
  const int width = src->width / 2, height = src->height / 2, nc = src->channels;
  AugurImage *out = augur_image_new_uninitialized (width, height, nc);
  g_autofree guint16 *sum = g_new (guint16, (gsize) src->width * nc);

  for (int y = 0; y < height; y++)
    {
      const guint8 *s0 = augur_image_row (src, 2 * y), *s1 = augur_image_row (src, 2 * y + 1);
      guint8 *d = augur_image_row (out, y);

      switch (nc)
        {
        case 1:  halve_row_1 (s0, s1, sum, d, width); break;
        case 3:  halve_row_3 (s0, s1, sum, d, width); break;
        default: halve_row_4 (s0, s1, sum, d, width); break;
        }
    }
  return out;
}

/**
 * augur_resize:
 *
 * Resizes @src to @width x @height. Pixel centres map onto each other
 * ((x + 0.5) * in / out), and the edge replicates. nearest takes the pixel
 * under the mapped centre (OpenCV's INTER_NEAREST_EXACT; OpenCV's
 * INTER_NEAREST is half a pixel off), area averages the input area each
 * output pixel covers.
 */
AugurImage *
augur_resize (const AugurImage   *src,
              int                 width,
              int                 height,
              AugurInterpolation  interp)
{
  AugurImage *out;
  Axis ax, ay;
  g_autofree float *tmp = NULL;
  g_autofree float *acc = NULL;
  g_autofree guint8 *needed = NULL;
  int nc;
  gsize row_len;

  g_return_val_if_fail (src != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail ((unsigned) interp <= AUGUR_INTERP_LANCZOS4, NULL);

  if (width == src->width && height == src->height)
    return augur_image_copy (src);
  if (interp == AUGUR_INTERP_NEAREST)
    return resize_nearest (src, width, height);
  if ((interp == AUGUR_INTERP_LINEAR || interp == AUGUR_INTERP_AREA)
      && src->width == 2 * width && src->height == 2 * height)
    return resize_halve (src);
  if (interp == AUGUR_INTERP_LINEAR || interp == AUGUR_INTERP_AREA)
    return resize_fixed (src, width, height, interp);

  init_tables ();
  nc = src->channels;
  row_len = (gsize) width * nc;
  axis_init (&ax, src->width, width, interp);
  axis_init (&ay, src->height, height, interp);

  /* Horizontal pass, on the input rows the vertical pass will read. */
  needed = g_new0 (guint8, src->height);
  for (gsize i = 0; i < (gsize) height * ay.taps; i++)
    if (ay.weight[i] != 0)
      needed[ay.index[i]] = 1;

  tmp = g_new (float, (gsize) src->height * row_len);
  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      float *d = tmp + (gsize) y * row_len;

      if (!needed[y])
        continue;
      switch (nc)
        {
        case 1:  resize_row_h (s, d, &ax, width, 1); break;
        case 3:  resize_row_h (s, d, &ax, width, 3); break;
        default: resize_row_h (s, d, &ax, width, 4); break;
        }
    }

  /* Vertical pass. */
  out = augur_image_new_uninitialized (width, height, nc);
  acc = g_new (float, row_len);
  for (int y = 0; y < height; y++)
    {
      const int *idx = ay.index + (gsize) y * ay.taps;
      const float *w = ay.weight + (gsize) y * ay.taps;
      guint8 *d = augur_image_row (out, y);

      memset (acc, 0, row_len * sizeof *acc);
      for (int t = 0; t < ay.taps; t++)
        {
          const float *s = tmp + (gsize) idx[t] * row_len;
          float wt = w[t];

          if (wt == 0)
            continue;
          for (gsize k = 0; k < row_len; k++)
            acc[k] += wt * s[k];
        }
      for (gsize k = 0; k < row_len; k++)
        d[k] = clamp_u8f (acc[k]);
    }

  axis_clear (&ax);
  axis_clear (&ay);
  return out;
}

/* Affine matrices ------------------------------------------------------------ */

void
augur_affine_identity (double m[6])
{
  m[0] = 1, m[1] = 0, m[2] = 0;
  m[3] = 0, m[4] = 1, m[5] = 0;
}

/* out = a * b: the map that applies b first, then a. */
void
augur_affine_multiply (const double a[6],
                       const double b[6],
                       double       out[6])
{
  double r[6];

  r[0] = a[0] * b[0] + a[1] * b[3];
  r[1] = a[0] * b[1] + a[1] * b[4];
  r[2] = a[0] * b[2] + a[1] * b[5] + a[2];
  r[3] = a[3] * b[0] + a[4] * b[3];
  r[4] = a[3] * b[1] + a[4] * b[4];
  r[5] = a[3] * b[2] + a[4] * b[5] + a[5];
  memcpy (out, r, sizeof r);
}

gboolean
augur_affine_invert (const double m[6],
                     double       inverse[6])
{
  double det = m[0] * m[4] - m[1] * m[3];
  double r[6];

  if (!isfinite (det) || fabs (det) < 1e-12)
    return FALSE;

  r[0] = m[4] / det;
  r[1] = -m[1] / det;
  r[3] = -m[3] / det;
  r[4] = m[0] / det;
  r[2] = -(r[0] * m[2] + r[1] * m[5]);
  r[5] = -(r[3] * m[2] + r[4] * m[5]);
  memcpy (inverse, r, sizeof r);
  return TRUE;
}

void
augur_affine_apply (const double  m[6],
                    double       *x,
                    double       *y)
{
  double px = *x, py = *y;

  *x = m[0] * px + m[1] * py + m[2];
  *y = m[3] * px + m[4] * py + m[5];
}
