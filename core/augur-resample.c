/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-resample.h"

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
 * pixel) and quantised to 1/256 pixel, giving an integer tap position and a
 * row of a precomputed weight table. Then a sampler, specialised at compile
 * time for the kernel size and the number of channels, reads the taps: a
 * fast path when every tap lies inside the image, a border path otherwise.
 * There is no branch on the interpolation kind inside a row. Resizing is
 * separable: per-axis tap and weight tables, a horizontal pass into float
 * rows, then a vertical pass.
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
static float linear_tab[TAB_SIZE][2];
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

          linear_weights (f, linear_tab[i]);
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

typedef struct
{
  const AugurImage *src;
  AugurBorder       border;
  float             fill[4];
  int               taps;
  const float      *tab;   /* TAB_SIZE rows of taps weights */
} Sampler;

/* One output row's source positions: tap origin and weight-table row. */
typedef struct
{
  int     *xi;
  int     *yi;
  guint16 *xf;
  guint16 *yf;
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
    s->fill[c] = fill ? (float) CLAMP (fill->v[c], 0, 255) : (c == 3 ? 255.f : 0.f);
  s->taps = interp_taps (interp);
  switch (s->taps)
    {
    case 2:  s->tab = &linear_tab[0][0]; break;
    case 4:  s->tab = &cubic_tab[0][0]; break;
    case 8:  s->tab = &lanczos_tab[0][0]; break;
    default: s->tab = NULL; break;
    }
}

/* Splits a coordinate (already shifted so that an integer is a pixel
 * index) into the index below it and a 1/TAB_SIZE fraction. */
static inline void
quantize (double   u,
          int     *index,
          guint16 *frac)
{
  gint64 q;

  if (!(u > -COORD_LIMIT))   /* also NaN */
    u = -COORD_LIMIT;
  else if (u > COORD_LIMIT)
    u = COORD_LIMIT;

  q = (gint64) floor (u * TAB_SIZE + 0.5) + ((gint64) COORD_LIMIT << TAB_BITS);
  *index = (int) (q >> TAB_BITS) - COORD_LIMIT;
  *frac = (guint16) (q & (TAB_SIZE - 1));
}

/* The coordinates u0 + x * step of one output row, x < n. When the whole
 * row stays within range, the walk adds the step in 32.32 fixed point
 * (exact for integer steps, drifting less than 2^-14 pixel over the widest
 * row); otherwise each coordinate is clamped on its own. */
static void
walk_row (double   u0,
          double   step,
          int      n,
          int     *index,
          guint16 *frac)
{
  double last = u0 + step * (n - 1);

  if (fabs (u0) < COORD_LIMIT && fabs (last) < COORD_LIMIT)
    {
      const gint64 bias = (gint64) COORD_LIMIT << 32;
      gint64 q = (gint64) floor (u0 * 4294967296.0 + 0.5) + bias + ((gint64) 1 << (31 - TAB_BITS));
      gint64 dq = (gint64) floor (step * 4294967296.0 + 0.5);

      for (int x = 0; x < n; x++, q += dq)
        {
          index[x] = (int) (q >> 32) - COORD_LIMIT;
          frac[x] = (guint16) ((q >> (32 - TAB_BITS)) & (TAB_SIZE - 1));
        }
      return;
    }

  for (int x = 0; x < n; x++)
    quantize (u0 + step * x, &index[x], &frac[x]);
}

static G_ALWAYS_INLINE inline void
sample_row_nearest (const Sampler   *s,
                    guint8          *dst,
                    int              n,
                    const RowCoords *rc,
                    const int        nc)
{
  const AugurImage *src = s->src;
  const int w = src->width, h = src->height;

  for (int i = 0; i < n; i++, dst += nc)
    {
      int x = rc->xi[i], y = rc->yi[i];

      if ((unsigned) x >= (unsigned) w || (unsigned) y >= (unsigned) h)
        {
          x = border_index (x, w, s->border);
          y = border_index (y, h, s->border);
          if (x < 0 || y < 0)
            {
              for (int c = 0; c < nc; c++)
                dst[c] = clamp_u8f (s->fill[c]);
              continue;
            }
        }

      {
        const guint8 *p = src->data + (gsize) y * src->stride + (gsize) x * nc;

        for (int c = 0; c < nc; c++)
          dst[c] = p[c];
      }
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

/* Bilinear in integers: weights in 1/256, the 2x2 fast path of nearly
 * every pixel of a warp. Gives the same result as the float kernel. */
static G_ALWAYS_INLINE inline void
sample_row_linear (const Sampler   *s,
                   guint8          *dst,
                   int              n,
                   const RowCoords *rc,
                   const int        nc)
{
  const AugurImage *src = s->src;
  const int w = src->width, h = src->height;
  const gsize stride = src->stride;

  for (int i = 0; i < n; i++, dst += nc)
    {
      const int x0 = rc->xi[i], y0 = rc->yi[i];

      if (x0 >= 0 && y0 >= 0 && x0 < w - 1 && y0 < h - 1)
        {
          const guint8 *p = src->data + (gsize) y0 * stride + (gsize) x0 * nc;
          const guint32 fx = rc->xf[i], fy = rc->yf[i];

          for (int c = 0; c < nc; c++)
            {
              guint32 top = p[c] * (TAB_SIZE - fx) + p[nc + c] * fx;
              guint32 bottom = p[stride + c] * (TAB_SIZE - fx) + p[stride + nc + c] * fx;

              dst[c] = (guint8) ((top * (TAB_SIZE - fy) + bottom * fy + (1u << (2 * TAB_BITS - 1)))
                                 >> (2 * TAB_BITS));
            }
        }
      else
        {
          RowCoords one = { (int *) &rc->xi[i], (int *) &rc->yi[i],
                            (guint16 *) &rc->xf[i], (guint16 *) &rc->yf[i] };

          sample_row_kernel (s, dst, 1, &one, 2, nc);
        }
    }
}

/* One instantiation per kernel size and channel count; the choice is made
 * once per row. */
static void
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
}

static void
row_buffers_clear (RowBuffers *b)
{
  g_free (b->ibuf);
  g_free (b->fbuf);
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

AugurImage *
augur_warp_affine (const AugurImage   *src,
                   int                 out_width,
                   int                 out_height,
                   const double        inverse[6],
                   AugurInterpolation  interp,
                   AugurBorder         border,
                   const AugurFill    *fill)
{
  AugurImage *out;
  RowBuffers b;
  Sampler s;
  double shift;

  if (!check_warp_args (src, out_width, out_height, interp, border))
    return NULL;
  g_return_val_if_fail (inverse != NULL, NULL);

  sampler_init (&s, src, interp, border, fill);
  out = augur_image_new (out_width, out_height, src->channels);
  row_buffers_init (&b, out_width);

  /* nearest picks the pixel whose square holds the point (floor of the
   * centre coordinate); kernels want the pixel index below the point. */
  shift = s.taps == 1 ? 0.0 : -0.5;

  for (int y = 0; y < out_height; y++)
    {
      double cy = y + 0.5;
      double u = inverse[0] * 0.5 + inverse[1] * cy + inverse[2] + shift;
      double v = inverse[3] * 0.5 + inverse[4] * cy + inverse[5] + shift;

      walk_row (u, inverse[0], out_width, b.rc.xi, b.rc.xf);
      walk_row (v, inverse[3], out_width, b.rc.yi, b.rc.yf);

      sample_row (&s, augur_image_row (out, y), out_width, &b.rc);
    }

  row_buffers_clear (&b);
  return out;
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
  AugurImage *out;
  RowBuffers b;
  Sampler s;
  double shift;

  if (!check_warp_args (src, out_width, out_height, interp, border))
    return NULL;
  g_return_val_if_fail (map != NULL, NULL);

  sampler_init (&s, src, interp, border, fill);
  out = augur_image_new (out_width, out_height, src->channels);
  row_buffers_init (&b, out_width);
  shift = s.taps == 1 ? 0.0 : -0.5;

  for (int y = 0; y < out_height; y++)
    {
      const float *m = map + 2 * (gsize) y * out_width;

      for (int x = 0; x < out_width; x++, m += 2)
        {
          quantize (m[0] + shift, &b.rc.xi[x], &b.rc.xf[x]);
          quantize (m[1] + shift, &b.rc.yi[x], &b.rc.yf[x]);
        }

      sample_row (&s, augur_image_row (out, y), out_width, &b.rc);
    }

  row_buffers_clear (&b);
  return out;
}

AugurImage *
augur_warp_perspective (const AugurImage   *src,
                        int                 out_width,
                        int                 out_height,
                        const double        inverse[9],
                        AugurInterpolation  interp,
                        AugurBorder         border,
                        const AugurFill    *fill)
{
  AugurImage *out;
  RowBuffers b;
  Sampler s;
  double shift;

  if (!check_warp_args (src, out_width, out_height, interp, border))
    return NULL;
  g_return_val_if_fail (inverse != NULL, NULL);

  sampler_init (&s, src, interp, border, fill);
  out = augur_image_new (out_width, out_height, src->channels);
  row_buffers_init (&b, out_width);
  shift = s.taps == 1 ? 0.0 : -0.5;

  for (int y = 0; y < out_height; y++)
    {
      double cy = y + 0.5;
      double u = inverse[0] * 0.5 + inverse[1] * cy + inverse[2];
      double v = inverse[3] * 0.5 + inverse[4] * cy + inverse[5];
      double w = inverse[6] * 0.5 + inverse[7] * cy + inverse[8];

      for (int x = 0; x < out_width; x++)
        {
          if (w > 1e-12)
            {
              double iw = 1.0 / w;

              quantize (u * iw + shift, &b.rc.xi[x], &b.rc.xf[x]);
              quantize (v * iw + shift, &b.rc.yi[x], &b.rc.yf[x]);
            }
          else
            {
              quantize (-COORD_LIMIT, &b.rc.xi[x], &b.rc.xf[x]);
              quantize (-COORD_LIMIT, &b.rc.yi[x], &b.rc.yf[x]);
            }
          u += inverse[0];
          v += inverse[3];
          w += inverse[6];
        }

      sample_row (&s, augur_image_row (out, y), out_width, &b.rc);
    }

  row_buffers_clear (&b);
  return out;
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

static AugurImage *
resize_nearest (const AugurImage *src,
                int               width,
                int               height)
{
  AugurImage *out = augur_image_new (width, height, src->channels);
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

      for (int x = 0; x < width; x++, d += nc)
        memcpy (d, s + xs[x], nc);
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
  out = augur_image_new (width, height, nc);
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
