/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-cpu.h"
#include "augur-elastic.h"
#include "augur-simd.h"
#include "augur-strips.h"

#ifdef AUGUR_CPU_X86_64
#include <immintrin.h>
#endif

/* Noise ---------------------------------------------------------------------- */

/* (0, 1), never 0: for logarithms. */
static inline double
noise_open_uniform (AugurRng *rng)
{
  return ((augur_rng_next (rng) >> 11) + 0.5) * 0x1.0p-53;
}

/*
 * Standard normal numbers by Marsaglia and Tsang's ziggurat ("The
 * Ziggurat Method for Generating Random Variables", J. Stat. Softw. 5,
 * 2000), 128 layers: a 32-bit signed draw scaled to its layer, accepted at
 * once unless it falls in the layer's wedge or the tail (about 1.2 % of
 * draws), which are sampled exactly. The layer comes from other bits of
 * the same 64-bit word than the value, so that the two are independent
 * (the original shares bits between them).
 */
#define ZIG_LAYERS 128
#define ZIG_R      3.442619855899
#define ZIG_V      9.91256303526217e-3

typedef struct
{
  guint32 k[ZIG_LAYERS];
  double  w[ZIG_LAYERS];
  double  f[ZIG_LAYERS];
} Ziggurat;

static Ziggurat zig;

static void
ziggurat_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      const double m = 2147483648.0;
      double d = ZIG_R, t = d, q = ZIG_V / exp (-0.5 * d * d);

      zig.k[0] = (guint32) (d / q * m);
      zig.k[1] = 0;
      zig.w[0] = q / m;
      zig.w[ZIG_LAYERS - 1] = d / m;
      zig.f[0] = 1.0;
      zig.f[ZIG_LAYERS - 1] = exp (-0.5 * d * d);
      for (int i = ZIG_LAYERS - 2; i >= 1; i--)
        {
          d = sqrt (-2 * log (ZIG_V / d + exp (-0.5 * d * d)));
          zig.k[i + 1] = (guint32) (d / t * m);
          t = d;
          zig.f[i] = exp (-0.5 * d * d);
          zig.w[i] = d / m;
        }
      g_once_init_leave (&done, 1);
    }
}

/* The rare draws that miss the rectangle of layer @i. */
static double
ziggurat_slow (AugurRng *rng,
               gint32    h,
               int       i)
{
  for (;;)
    {
      double x = h * zig.w[i];
      guint64 r;

      if (i == 0)
        {
          double y;

          /* the tail beyond ZIG_R, by Marsaglia's exponential method */
          do
            {
              x = -log (noise_open_uniform (rng)) / ZIG_R;
              y = -log (noise_open_uniform (rng));
            }
          while (y + y < x * x);
          return h > 0 ? ZIG_R + x : -ZIG_R - x;
        }
      if (zig.f[i] + noise_open_uniform (rng) * (zig.f[i - 1] - zig.f[i]) < exp (-0.5 * x * x))
        return x;

      r = augur_rng_next (rng);
      h = (gint32) (r >> 32);
      i = (int) (r & (ZIG_LAYERS - 1));
      if ((guint32) ABS ((gint64) h) < zig.k[i])
        return h * zig.w[i];
    }
}

/**
 * augur_elastic_noise:
 * @uniform: uniform on [-1, 1) instead of standard normal
 *
 * Fills @out with @n independent numbers drawn from @rng.
 */
void
augur_elastic_noise (AugurRng *rng,
                     gboolean  uniform,
                     float    *out,
                     gsize     n)
{
  if (uniform)
    {
      for (gsize j = 0; j < n; j++)
        out[j] = (float) ((gint64) (augur_rng_next (rng) >> 11) * 0x1.0p-52 - 1.0);
      return;
    }

  ziggurat_init ();
  for (gsize j = 0; j < n; j++)
    {
      guint64 r = augur_rng_next (rng);
      gint32 h = (gint32) (r >> 32);
      int i = (int) (r & (ZIG_LAYERS - 1));

      if ((guint32) ABS ((gint64) h) < zig.k[i])
        out[j] = (float) (h * zig.w[i]);
      else
        out[j] = (float) ziggurat_slow (rng, h, i);
    }
}

/* The impulses along one axis ------------------------------------------------- */

/*
 * Along an axis of n pixels (centres at 0 .. n - 1), impulses at c f,
 * c = 0 .. N, f = (n - 1) / N <= the step asked for. Reflect-101 mirrors
 * the noise about the first and last pixel centres, so each impulse has
 * images at +-q + 2 k (n - 1): the lattice goes on beyond the edges with
 * the same step, the impulses on the two mirror lines being their own
 * images. The weight of impulse c at pixel p sums the Gaussian over the
 * images within the radius, times sqrt (f), so that an impulse carries
 * the noise of the f pixels it stands for.
 *
 * Reflect-101 takes the edge pixel once and every other pixel twice;
 * at the edge the smoothed noise then has a variance short of that of
 * mirrored continuous noise by k (p)^2, k the kernel (the edge pixel's
 * missing twin). The impulses on the mirror lines carry a variance of
 * (2 - 1 / f) f so that the lattice is short of it by the same amount:
 * by the trapezoid rule, the lattice gives the integral less
 * (2 - beta^2) f k (p)^2. At f = 1 this is the full-resolution
 * construction itself.
 */
typedef struct
{
  int    n;
  int    impulses;  /* N + 1 */
  double step;      /* f */
  double sigma;
  double radius;
  double norm;      /* sqrt (f) / the sum of the discrete kernel */
  double edge;      /* beta: the mirror-line impulses' extra amplitude */
  /* by pixel: taps weights from impulse first[p] on */
  int    taps;
  int   *first;
  float *w;
} Axis;

/* The images of impulse c, sign @s (a mirror-line impulse has only those
 * of sign 1, being its own mirror image), that reach a pixel: the
 * positions s q + k 2 (n - 1) in [-r, n - 1 + r], k from *k0 to *k1. */
static gboolean
axis_images (const Axis *a,
             int         c,
             int         s,
             double     *q,
             double     *k0,
             double     *k1)
{
  double period = 2.0 * (a->n - 1);

  if (s < 0 && (c == 0 || c == a->impulses - 1))
    return FALSE;
  *q = s * c * a->step;
  *k0 = ceil ((-a->radius - *q) / period);
  *k1 = floor ((a->n - 1 + a->radius - *q) / period);
  return *k0 <= *k1;
}

/* The pixels an image at @at reaches: *p0 .. *p1. */
static gboolean
axis_span (const Axis *a,
           double      at,
           int        *p0,
           int        *p1)
{
  *p0 = (int) MAX (ceil (at - a->radius), 0);
  *p1 = (int) MIN (floor (at + a->radius), a->n - 1);
  return *p0 <= *p1;
}

/* Calls @fn for every image of every impulse that reaches a pixel, with
 * its position and the pixels it reaches. */
typedef void (*AxisVisit) (const Axis *a,
                           int         c,
                           double      at,
                           int         p0,
                           int         p1,
                           gpointer    data);

static void
axis_visit (const Axis *a,
            AxisVisit   fn,
            gpointer    data)
{
  double period = 2.0 * (a->n - 1);

  for (int c = 0; c < a->impulses; c++)
    for (int s = 1; s >= -1; s -= 2)
      {
        double q, k0, k1;
        int p0, p1;

        if (axis_images (a, c, s, &q, &k0, &k1))
          for (double k = k0; k <= k1; k++)
            if (axis_span (a, q + k * period, &p0, &p1))
              fn (a, c, q + k * period, p0, p1, data);
      }
}

/* The lowest and highest impulse reaching each pixel. */
static void
note_reach (const Axis *a,
            int         c,
            double      at,
            int         p0,
            int         p1,
            gpointer    data)
{
  int **bounds = data;

  for (int p = p0; p <= p1; p++)
    {
      bounds[0][p] = MIN (bounds[0][p], c);
      bounds[1][p] = MAX (bounds[1][p], c);
    }
}

/* The Gaussian of an image over the pixels it reaches, into their taps,
 * times sqrt (f) (and beta on the mirror lines). From pixel to pixel it
 * goes by its ratio g (d + 1) / g (d) = exp (-(2 d + 1) / (2 sigma^2)),
 * which itself shrinks by exp (-1 / sigma^2) a step. */
static void
add_gaussian (const Axis *a,
              int         c,
              double      at,
              int         p0,
              int         p1,
              gpointer    data)
{
  double *acc = data;
  double two_s2 = 2 * a->sigma * a->sigma, d = p0 - at;
  double scale = a->norm * (c == 0 || c == a->impulses - 1 ? a->edge : 1.0);
  double g = exp (-d * d / two_s2) * scale, ratio = exp (-(2 * d + 1) / two_s2);
  double shrink = exp (-2 / two_s2);

  for (int p = p0; p <= p1; p++)
    {
      acc[(gsize) p * a->taps + (c - a->first[p])] += g;
      g *= ratio;
      ratio *= shrink;
    }
}

static void
axis_init (Axis   *a,
           int     n,
           double  sigma,
           double  radius,
           double  step)
{
  g_autofree int *lo = g_new (int, n);
  g_autofree int *hi = g_new (int, n);
  double z = 0;

  a->n = n;
  a->sigma = sigma;
  a->radius = radius;
  if (n == 1)
    {
      a->impulses = 1;
      a->step = 1;
    }
  else
    {
      int gaps = (int) MAX (1, ceil ((n - 1) / MAX (step, 1.0)));

      a->impulses = gaps + 1;
      a->step = (double) (n - 1) / gaps;
    }
  for (int i = -(int) floor (radius); i <= (int) floor (radius); i++)
    z += exp (-(double) i * i / (2 * sigma * sigma));
  a->norm = sqrt (a->step) / z;
  a->edge = sqrt (MAX (2 - 1 / a->step, 1.0));

  if (n == 1)
    {
      a->taps = 1;
      a->first = g_new0 (int, 1);
      a->w = g_new (float, 1);
      a->w[0] = 1;
      return;
    }

  /* which impulses reach each pixel */
  for (int p = 0; p < n; p++)
    lo[p] = a->impulses, hi[p] = -1;
  axis_visit (a, note_reach, (int *[2]) { lo, hi });
  a->taps = 1;
  for (int p = 0; p < n; p++)
    {
      if (hi[p] < lo[p])
        lo[p] = hi[p] = 0;   /* too far from every impulse: weights 0 */
      a->taps = MAX (a->taps, hi[p] - lo[p] + 1);
    }

  /* the Gaussian of each image over the pixels it reaches, summed into
   * their taps, times sqrt (f) (and beta on the mirror lines) */
  a->first = g_new (int, n);
  a->w = g_new0 (float, (gsize) n * a->taps);
  for (int p = 0; p < n; p++)
    /* taps past hi[p] weigh 0; keep them inside the impulses */
    a->first[p] = MIN (lo[p], a->impulses - a->taps);
  {
    g_autofree double *acc = g_new0 (double, (gsize) n * a->taps);

    axis_visit (a, add_gaussian, acc);
    for (gsize i = 0; i < (gsize) n * a->taps; i++)
      a->w[i] = (float) acc[i];
  }
}

static void
axis_clear (Axis *a)
{
  g_clear_pointer (&a->first, g_free);
  g_clear_pointer (&a->w, g_free);
}

/* The field ------------------------------------------------------------------- */

struct _AugurElasticField
{
  int     width;
  int     height;
  gboolean same;
  Axis    ax;
  Axis    ay;
  /* The pass along x: for each row of impulses, the field's value at
   * every column, alpha included; ey is ex for same_dxdy. */
  float  *ex;
  float  *ey;
  gboolean avx2;   /* by gather_rows_avx2 () and source_row_avx2 () */
};

/* One row of impulses spread along x: out[x] = sum over c of
 * noise[c] * w (x, c), impulse by impulse over the pixels it reaches, so
 * that the inner loop runs over contiguous pixels. */
AUGUR_SIMD_CLONES static void
spread_row (const int   *restrict start,
            const int   *restrict len,
            const float *const   *cols,
            const float *restrict noise,
            int                   impulses,
            float                 scale,
            float       *restrict out,
            int                   width)
{
  memset (out, 0, (gsize) width * sizeof *out);
  for (int c = 0; c < impulses; c++)
    {
      const float *restrict w = cols[c];
      float *restrict o = out + start[c];
      float v = noise[c] * scale;

      for (int i = 0; i < len[c]; i++)
        o[i] += v * w[i];
    }
}

static void
field_spread (AugurElasticField *field,
              const float       *noise,
              const float       *noise_y,
              float              alpha)
{
  const Axis *a = &field->ax;
  int n = a->n, m = a->impulses;
  g_autofree int *start = g_new (int, m);
  g_autofree int *len = g_new0 (int, m);
  g_autofree float **cols = g_new0 (float *, m);
  g_autofree float *store = NULL;
  gsize total = 0, at = 0;

  /* the weights by impulse: the pixels each one reaches */
  for (int c = 0; c < m; c++)
    start[c] = n;
  for (int p = 0; p < n; p++)
    for (int t = 0; t < a->taps; t++)
      if (a->w[(gsize) p * a->taps + t] != 0)
        {
          int c = a->first[p] + t;

          start[c] = MIN (start[c], p);
          len[c] = p + 1;   /* the end, for now */
        }
  for (int c = 0; c < m; c++)
    {
      if (len[c] == 0)
        start[c] = 0;
      len[c] -= start[c];
      total += len[c];
    }
  store = g_new0 (float, MAX (total, 1));
  for (int c = 0; c < m; c++)
    {
      cols[c] = store + at;
      at += len[c];
    }
  for (int p = 0; p < n; p++)
    for (int t = 0; t < a->taps; t++)
      {
        int c = a->first[p] + t;

        if (p >= start[c] && p < start[c] + len[c])
          cols[c][p - start[c]] = a->w[(gsize) p * a->taps + t];
      }

  /* both fields through the same weights */
  for (int r = 0; r < field->ay.impulses; r++)
    {
      spread_row (start, len, (const float *const *) cols, noise + (gsize) r * m, m, alpha,
                  field->ex + (gsize) r * n, n);
      if (noise_y != NULL)
        spread_row (start, len, (const float *const *) cols, noise_y + (gsize) r * m, m, alpha,
                    field->ey + (gsize) r * n, n);
    }
}

/**
 * augur_elastic_field_new:
 * @alpha: the scale of the field
 * @sigma: the Gaussian's deviation, in pixels
 * @radius: where the Gaussian is cut (OpenCV: round (4 sigma); 8 for a
 *   17-tap kernel)
 * @step: the largest step between impulses, in pixels (up to about
 *   1.25 sigma for an even field; 1 reproduces the full-resolution
 *   construction)
 * @uniform: noise uniform on [-1, 1) rather than standard normal
 * @same: one field for both directions
 * @seed: of the noise
 *
 * Returns: (transfer full): the field of an image of @width x @height.
 */
AugurElasticField *
augur_elastic_field_new (int      width,
                         int      height,
                         double   alpha,
                         double   sigma,
                         double   radius,
                         double   step,
                         gboolean uniform,
                         gboolean same,
                         guint64  seed)
{
  AugurElasticField *field;
  g_autofree float *noise = NULL;
  gsize cells, rows;
  AugurRng rng;

  g_return_val_if_fail (width > 0 && height > 0 && sigma > 0 && radius >= 0, NULL);

  field = g_new0 (AugurElasticField, 1);
  field->width = width;
  field->height = height;
  field->same = same;
#ifdef AUGUR_CPU_X86_64
  field->avx2 = augur_cpu_has (AUGUR_CPU_AVX2);
#endif
  radius = floor (radius);
  axis_init (&field->ax, width, sigma, radius, step);
  axis_init (&field->ay, height, sigma, radius, step);

  cells = (gsize) field->ax.impulses * field->ay.impulses;
  rows = (gsize) field->ay.impulses * width;
  /* dx's noise, then dy's, from one stream */
  noise = g_new (float, same ? cells : 2 * cells);
  augur_rng_init (&rng, seed);
  augur_elastic_noise (&rng, uniform, noise, cells);
  field->ex = g_new (float, rows);
  if (same)
    field->ey = field->ex;
  else
    {
      augur_elastic_noise (&rng, uniform, noise + cells, cells);
      field->ey = g_new (float, rows);
    }
  field_spread (field, noise, same ? NULL : noise + cells, (float) alpha);
  return field;
}

void
augur_elastic_field_free (AugurElasticField *field)
{
  if (field == NULL)
    return;
  if (field->ey != field->ex)
    g_free (field->ey);
  g_free (field->ex);
  axis_clear (&field->ax);
  axis_clear (&field->ay);
  g_free (field);
}

/* What augur_elastic_field_new () holds for these settings, for cost
 * bounds: the rows of the pass along x, the noise, and the weights. */
gsize
augur_elastic_field_bytes (int    width,
                           int    height,
                           double sigma,
                           double radius,
                           double step)
{
  double s = MAX (step, 1.0);
  double ix = ceil (MAX (width - 1, 1) / s) + 1, iy = ceil (MAX (height - 1, 1) / s) + 1;
  double f = MIN (MAX (width - 1, 1) / (ix - 1), MAX (height - 1, 1) / (iy - 1));
  double taps = 2 * floor (radius) / f + 2;

  /* two fields of spread rows, their noise, the weights by pixel and by impulse */
  return (gsize) ((2 * iy * width + 2 * ix * iy + taps * (2 * width + height)) * sizeof (float));
}

/* The pass along y for one output row: the weighted sum of the rows of
 * impulses that reach it, in the order of the taps (the same sums on
 * every path). */
AUGUR_SIMD_CLONES static void
gather_rows (const float *restrict rows,
             const float *restrict w,
             int                   taps,
             int                   width,
             gsize                 stride,
             float       *restrict out)
{
  for (int x = 0; x < width; x++)
    out[x] = w[0] * rows[x];
  for (int t = 1; t < taps; t++)
    {
      const float *restrict r = rows + t * stride;
      float wt = w[t];

      for (int x = 0; x < width; x++)
        out[x] += wt * r[x];
    }
}

#ifdef AUGUR_CPU_X86_64
/* gather_rows () with the taps inner: each sum stays in a register, four
 * blocks of eight pixels at once so that their additions overlap. The same
 * products and sums in the same order, so the same bits. */
__attribute__ ((target ("avx2"))) static void
gather_rows_avx2 (const float *rows,
                  const float *w,
                  int          taps,
                  int          width,
                  float       *out)
{
  gsize stride = width;
  int x = 0;

  for (; x + 32 <= width; x += 32)
    {
      const float *r = rows + x;
      __m256 w0 = _mm256_set1_ps (w[0]);
      __m256 a0 = _mm256_mul_ps (w0, _mm256_loadu_ps (r));
      __m256 a1 = _mm256_mul_ps (w0, _mm256_loadu_ps (r + 8));
      __m256 a2 = _mm256_mul_ps (w0, _mm256_loadu_ps (r + 16));
      __m256 a3 = _mm256_mul_ps (w0, _mm256_loadu_ps (r + 24));

      for (int t = 1; t < taps; t++)
        {
          __m256 wt = _mm256_set1_ps (w[t]);

          r += stride;
          a0 = _mm256_add_ps (a0, _mm256_mul_ps (wt, _mm256_loadu_ps (r)));
          a1 = _mm256_add_ps (a1, _mm256_mul_ps (wt, _mm256_loadu_ps (r + 8)));
          a2 = _mm256_add_ps (a2, _mm256_mul_ps (wt, _mm256_loadu_ps (r + 16)));
          a3 = _mm256_add_ps (a3, _mm256_mul_ps (wt, _mm256_loadu_ps (r + 24)));
        }
      _mm256_storeu_ps (out + x, a0);
      _mm256_storeu_ps (out + x + 8, a1);
      _mm256_storeu_ps (out + x + 16, a2);
      _mm256_storeu_ps (out + x + 24, a3);
    }
  if (x < width)
    gather_rows (rows + x, w, taps, width - x, stride, out + x);
}
#endif

/**
 * augur_elastic_field_row:
 *
 * The displacement of row @y (alpha included), @width numbers each.
 */
void
augur_elastic_field_row (const AugurElasticField *field,
                         int                      y,
                         float                   *dx,
                         float                   *dy)
{
  const Axis *a = &field->ay;
  const float *w = a->w + (gsize) y * a->taps;
  gsize at = (gsize) a->first[y] * field->width;

#ifdef AUGUR_CPU_X86_64
  if (field->avx2)
    {
      gather_rows_avx2 (field->ex + at, w, a->taps, field->width, dx);
      if (!field->same)
        gather_rows_avx2 (field->ey + at, w, a->taps, field->width, dy);
    }
  else
#endif
    {
      gather_rows (field->ex + at, w, a->taps, field->width, field->width, dx);
      if (!field->same)
        gather_rows (field->ey + at, w, a->taps, field->width, field->width, dy);
    }
  if (field->same)
    memcpy (dy, dx, (gsize) field->width * sizeof *dy);
}

/* The source positions of a row, clamped to +-2^15 pixels (far outside
 * any image: the quantised values and their float map stay exact), in
 * 1 / 128 pixel, rounded half up. */
#define SOURCE_LIMIT 32768.0f
#define FRAC_ONE     (1 << AUGUR_ELASTIC_FRAC_BITS)

/* x + dx[i] of each pixel x = x_first + i, and y + dy[i], quantised; dx
 * and dy are overwritten. One step a loop, as the vectoriser takes them
 * only apart. */
AUGUR_SIMD_CLONES static void
quantize_row (float  *restrict dx,
              float  *restrict dy,
              int              x_first,
              int              y,
              int              n,
              gint32 *restrict qx,
              gint32 *restrict qy)
{
  const float scale = (float) FRAC_ONE;
  float fy = (float) y;

  for (int x = 0; x < n; x++)
    {
      float u = (float) (x_first + x) + dx[x], v = fy + dy[x];

      dx[x] = u > -SOURCE_LIMIT ? u : -SOURCE_LIMIT;   /* also NaN */
      dy[x] = v > -SOURCE_LIMIT ? v : -SOURCE_LIMIT;
    }
  for (int x = 0; x < n; x++)
    {
      dx[x] = dx[x] > SOURCE_LIMIT ? SOURCE_LIMIT : dx[x];
      dy[x] = dy[x] > SOURCE_LIMIT ? SOURCE_LIMIT : dy[x];
    }
  for (int x = 0; x < n; x++)
    {
      float u = dx[x] * scale + 0.5f, v = dy[x] * scale + 0.5f;
      gint32 i = (gint32) u, j = (gint32) v;

      qx[x] = i - ((float) i > u);
      qy[x] = j - ((float) j > v);
    }
}

#ifdef AUGUR_CPU_X86_64
/* Eight source points from their displacements, as quantize_row ():
 * floor () is the truncation moved down where it rose. */
__attribute__ ((target ("avx2"))) static G_ALWAYS_INLINE inline __m256i
quantize_eight (__m256 at,
                __m256 d)
{
  const __m256 lo = _mm256_set1_ps (-SOURCE_LIMIT), hi = _mm256_set1_ps (SOURCE_LIMIT);
  const __m256 scale = _mm256_set1_ps ((float) FRAC_ONE), half = _mm256_set1_ps (0.5f);
  __m256 u = _mm256_min_ps (_mm256_max_ps (_mm256_add_ps (at, d), lo), hi);

  u = _mm256_add_ps (_mm256_mul_ps (u, scale), half);
  return _mm256_cvtps_epi32 (_mm256_round_ps (u, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
}

/* The sums of gather_rows () for @nb blocks of eight pixels of @nf
 * fields (rows at @r[f]), in registers: the same products in the same
 * order. Both fields in one pass over the taps. */
__attribute__ ((target ("avx2"))) static G_ALWAYS_INLINE inline void
sum_taps (const float *const *r,
          const int           nf,
          const int           nb,
          const float        *w,
          int                 taps,
          gsize               stride,
          __m256              acc[2][4])
{
  __m256 w0 = _mm256_set1_ps (w[0]);

  for (int f = 0; f < nf; f++)
    for (int k = 0; k < nb; k++)
      acc[f][k] = _mm256_mul_ps (w0, _mm256_loadu_ps (r[f] + 8 * k));
  for (int t = 1; t < taps; t++)
    {
      __m256 wt = _mm256_set1_ps (w[t]);
      gsize o = t * stride;

      for (int f = 0; f < nf; f++)
#pragma GCC unroll 4
        for (int k = 0; k < nb; k++)
          acc[f][k] = _mm256_add_ps (acc[f][k], _mm256_mul_ps (wt, _mm256_loadu_ps (r[f] + o + 8 * k)));
    }
}

/* augur_elastic_field_row () and quantize_row () in one pass, 32 pixels
 * at a time: the displacements stay in registers from the sums to the
 * source points. */
__attribute__ ((target ("avx2"))) static void
source_row_avx2 (const AugurElasticField *field,
                 int                      y,
                 float                   *scratch,
                 gint32                  *qx,
                 gint32                  *qy)
{
  const Axis *a = &field->ay;
  const float *w = a->w + (gsize) y * a->taps;
  gsize at = (gsize) a->first[y] * field->width, stride = field->width;
  const float *ex = field->ex + at, *ey = field->ey + at;
  const __m256 eight = _mm256_set1_ps (8);
  const __m256 fy = _mm256_set1_ps ((float) y);
  /* the columns x .. x + 7, exact below 2^24 */
  __m256 col = _mm256_setr_ps (0, 1, 2, 3, 4, 5, 6, 7);
  int n = field->width, x = 0;

  for (; x + 32 <= n; x += 32)
    {
      const float *rows[2] = { ex + x, ey + x };
      __m256 d[2][4];

      if (field->same)
        {
          sum_taps (rows, 1, 4, w, a->taps, stride, d);
          memcpy (d[1], d[0], sizeof d[1]);
        }
      else
        sum_taps (rows, 2, 4, w, a->taps, stride, d);
#pragma GCC unroll 4
      for (int k = 0; k < 4; k++)
        {
          _mm256_storeu_si256 ((__m256i *) (qx + x + 8 * k), quantize_eight (col, d[0][k]));
          _mm256_storeu_si256 ((__m256i *) (qy + x + 8 * k), quantize_eight (fy, d[1][k]));
          col = _mm256_add_ps (col, eight);
        }
    }
  for (; x + 8 <= n; x += 8)
    {
      const float *rows[2] = { ex + x, ey + x };
      __m256 d[2][4];

      sum_taps (rows, field->same ? 1 : 2, 1, w, a->taps, stride, d);
      if (field->same)
        d[1][0] = d[0][0];
      _mm256_storeu_si256 ((__m256i *) (qx + x), quantize_eight (col, d[0][0]));
      _mm256_storeu_si256 ((__m256i *) (qy + x), quantize_eight (fy, d[1][0]));
      col = _mm256_add_ps (col, eight);
    }
  if (x < n)
    {
      float *dx = scratch, *dy = scratch + n;

      gather_rows (ex + x, w, a->taps, n - x, stride, dx);
      if (field->same)
        memcpy (dy, dx, (gsize) (n - x) * sizeof *dy);
      else
        gather_rows (ey + x, w, a->taps, n - x, stride, dy);
      quantize_row (dx, dy, x, y, n - x, qx + x, qy + x);
    }
}
#endif

/**
 * augur_elastic_field_source:
 * @scratch: room for 2 * width floats
 *
 * For each pixel of output row @y, the input point it reads, in pixel
 * index coordinates (pixel i's centre at i) and units of
 * 1 / (1 << AUGUR_ELASTIC_FRAC_BITS) pixel.
 */
void
augur_elastic_field_source (const AugurElasticField *field,
                            int                      y,
                            float                   *scratch,
                            gint32                  *qx,
                            gint32                  *qy)
{
  int w = field->width;

#ifdef AUGUR_CPU_X86_64
  if (field->avx2)
    {
      source_row_avx2 (field, y, scratch, qx, qy);
      return;
    }
#endif
  augur_elastic_field_row (field, y, scratch, scratch + w);
  quantize_row (scratch, scratch + w, 0, y, w, qx, qy);
}

/**
 * augur_elastic_field_map:
 *
 * Rows @y0 .. @y0 + @n - 1 of the inverse map (augur-warp.h: pixel-centre
 * coordinates, x and y interleaved): the source points of
 * augur_elastic_field_source (), exactly, so that whatever resamples
 * through the map reads the same points.
 */
void
augur_elastic_field_map (const AugurElasticField *field,
                         int                      y0,
                         int                      n,
                         float                   *map)
{
  int w = field->width;
  g_autofree float *scratch = g_new (float, 2 * (gsize) w);
  g_autofree gint32 *q = g_new (gint32, 2 * (gsize) w);
  const float unit = 1.0f / (1 << AUGUR_ELASTIC_FRAC_BITS);

  for (int y = y0; y < y0 + n; y++)
    {
      float *row = map + 2 * (gsize) (y - y0) * w;

      augur_elastic_field_source (field, y, scratch, q, q + w);
      for (int x = 0; x < w; x++)
        {
          row[2 * x] = (float) q[x] * unit + 0.5f;
          row[2 * x + 1] = (float) q[w + x] * unit + 0.5f;
        }
    }
}

/* The warp ---------------------------------------------------------------------- */

/*
 * Bilinear resampling through the field, with the arithmetic of
 * augur-resample.c's bilinear warps to the bit (1 / 128 pixel, weights
 * in 1 / 16384 summed in integers and rounded half up), so that an image
 * warped here is the image augur_warp_map_rows () makes from
 * augur_elastic_field_map (): only faster, as the source points come
 * straight from the field in fixed point and eight pixels are read and
 * mixed at once.
 */

#define MIX_BITS (2 * AUGUR_ELASTIC_FRAC_BITS)
#define FRAC_MASK (FRAC_ONE - 1)

typedef struct
{
  const AugurElasticField *field;
  const AugurImage        *src;
  AugurImage              *out;
  AugurBorder              border;
  guint8                   fill[4];
  gboolean                 avx2;
} Remap;

/* One tap: the pixel, its border image, or the fill. */
static inline const guint8 *
remap_tap (const Remap *r,
           int          x,
           int          y,
           const guint8 *fill)
{
  const AugurImage *src = r->src;

  if ((unsigned) x >= (unsigned) src->width || (unsigned) y >= (unsigned) src->height)
    {
      if (r->border == AUGUR_BORDER_CONSTANT)
        return fill;
      x = augur_border_index (x, src->width, r->border);
      y = augur_border_index (y, src->height, r->border);
    }
  return src->data + (gsize) y * src->stride + (gsize) x * src->channels;
}

/* Pixel by pixel, from any source point. */
static void
remap_pixels (const Remap  *r,
              const gint32 *qx,
              const gint32 *qy,
              int           from,
              int           to,
              guint8       *dst)
{
  int nc = r->src->channels;

  for (int i = from; i < to; i++)
    {
      int x0 = qx[i] >> AUGUR_ELASTIC_FRAC_BITS, y0 = qy[i] >> AUGUR_ELASTIC_FRAC_BITS;
      gint32 fx = qx[i] & FRAC_MASK, fy = qy[i] & FRAC_MASK;
      gint32 w11 = fx * fy, w01 = fx * FRAC_ONE - w11, w10 = fy * FRAC_ONE - w11;
      gint32 w00 = (1 << MIX_BITS) - w01 - w10 - w11;
      const guint8 *p00 = remap_tap (r, x0, y0, r->fill), *p01 = remap_tap (r, x0 + 1, y0, r->fill);
      const guint8 *p10 = remap_tap (r, x0, y0 + 1, r->fill), *p11 = remap_tap (r, x0 + 1, y0 + 1, r->fill);

      for (int c = 0; c < nc; c++)
        dst[(gsize) i * nc + c] = (guint8) (((p00[c] * w00 + p10[c] * w10) + (p01[c] * w01 + p11[c] * w11)
                                             + (1 << (MIX_BITS - 1))) >> MIX_BITS);
    }
}

/* The largest x0 whose four taps the vector loop may read as 4-byte
 * words: the last one, (x0 + 1, y0 + 1), must have 4 bytes of the image
 * from its first. */
static int
remap_x_limit (const AugurImage *src)
{
  switch (src->channels)
    {
    case 4:  return src->width - 2;
    case 3:  return src->width - 3;
    default: return src->width - 5;
    }
}

#ifdef AUGUR_CPU_X86_64

/* Word @k of each lane of @v, in the whole lane. */
__attribute__ ((target ("avx2"))) static G_ALWAYS_INLINE inline __m256i
lane_broadcast (__m256i v,
                int     k)
{
  switch (k)
    {
    case 0:  return _mm256_shuffle_epi32 (v, 0x00);
    case 1:  return _mm256_shuffle_epi32 (v, 0x55);
    case 2:  return _mm256_shuffle_epi32 (v, 0xaa);
    default: return _mm256_shuffle_epi32 (v, 0xff);
    }
}

/* The mixed pixels of eight pixels of three or four channels whose taps
 * lie inside, as eight words (a fourth byte that is thrown away for three
 * channels). Each row's two taps are one 8-byte read, four pixels to a
 * vector, the two rows interleaved byte by byte, so that each channel's
 * taps of a column meet the pair of weights (wa: w00, w10; wb: w01, w11)
 * of their pixel in one multiply-add: the sums of remap_pixels (). */
__attribute__ ((target ("avx2"))) static G_ALWAYS_INLINE inline __m256i
remap_mix_rows (const guint8 *data,
                __m256i       off,
                int           stride,
                const int     nc,
                __m256i       wa,
                __m256i       wb)
{
  /* unsigned, so that the offsets widen to pointers for free (those of
   * the pixels outside are 0, the others positive) */
  guint32 at[8];
  const guint8 *below = data + stride;
  /* the taps of a row, interleaved with the next row's, widened to 16
   * bits: (p00, p10) of each channel (lo), then (p01, p11) (hi); for three
   * channels the second tap starts at byte 6, and the fourth pair is 0 */
  const __m256i lo_pick = nc == 3
    ? _mm256_setr_epi8 (0, -1, 1, -1, 2, -1, 3, -1, 4, -1, 5, -1, -1, -1, -1, -1,
                        0, -1, 1, -1, 2, -1, 3, -1, 4, -1, 5, -1, -1, -1, -1, -1)
    : _mm256_setr_epi8 (0, -1, 1, -1, 2, -1, 3, -1, 4, -1, 5, -1, 6, -1, 7, -1,
                        0, -1, 1, -1, 2, -1, 3, -1, 4, -1, 5, -1, 6, -1, 7, -1);
  const __m256i hi_pick = nc == 3
    ? _mm256_setr_epi8 (6, -1, 7, -1, 8, -1, 9, -1, 10, -1, 11, -1, -1, -1, -1, -1,
                        6, -1, 7, -1, 8, -1, 9, -1, 10, -1, 11, -1, -1, -1, -1, -1)
    : _mm256_setr_epi8 (8, -1, 9, -1, 10, -1, 11, -1, 12, -1, 13, -1, 14, -1, 15, -1,
                        8, -1, 9, -1, 10, -1, 11, -1, 12, -1, 13, -1, 14, -1, 15, -1);
  const __m256i half = _mm256_set1_epi32 (1 << (MIX_BITS - 1));
  __m256i sums[4];

  /* plain loads: faster than gathers here */
  _mm256_storeu_si256 ((__m256i *) at, off);
  for (int g = 0; g < 2; g++)
    {
      /* pixels 2 g, 2 g + 1 in lane 0 and 2 g + 4, 2 g + 5 in lane 1 */
      gsize o0 = at[2 * g], o1 = at[2 * g + 1], o4 = at[2 * g + 4], o5 = at[2 * g + 5];
      __m256i top = _mm256_inserti128_si256 (
        _mm256_castsi128_si256 (_mm_unpacklo_epi64 (_mm_loadl_epi64 ((const __m128i *) (data + o0)),
                                                     _mm_loadl_epi64 ((const __m128i *) (data + o1)))),
        _mm_unpacklo_epi64 (_mm_loadl_epi64 ((const __m128i *) (data + o4)),
                            _mm_loadl_epi64 ((const __m128i *) (data + o5))), 1);
      __m256i bottom = _mm256_inserti128_si256 (
        _mm256_castsi128_si256 (_mm_unpacklo_epi64 (_mm_loadl_epi64 ((const __m128i *) (below + o0)),
                                                     _mm_loadl_epi64 ((const __m128i *) (below + o1)))),
        _mm_unpacklo_epi64 (_mm_loadl_epi64 ((const __m128i *) (below + o4)),
                            _mm_loadl_epi64 ((const __m128i *) (below + o5))), 1);
      /* pixels 2 g (lane 0) and 2 g + 4 (lane 1); then 2 g + 1 and 2 g + 5 */
      __m256i rows[2] = { _mm256_unpacklo_epi8 (top, bottom), _mm256_unpackhi_epi8 (top, bottom) };

#pragma GCC unroll 2
      for (int h = 0; h < 2; h++)
        {
          __m256i sum;

          /* the weights of pixel 2 g + h in lane 0, of 2 g + h + 4 in lane 1 */
          sum = _mm256_add_epi32 (_mm256_madd_epi16 (_mm256_shuffle_epi8 (rows[h], lo_pick),
                                                     lane_broadcast (wa, 2 * g + h)),
                                  _mm256_madd_epi16 (_mm256_shuffle_epi8 (rows[h], hi_pick),
                                                     lane_broadcast (wb, 2 * g + h)));
          sums[2 * g + h] = _mm256_srli_epi32 (_mm256_add_epi32 (sum, half), MIX_BITS);
        }
    }
  {
    /* sums: (0, 4), (1, 5), (2, 6), (3, 7) by lane; the packs give
     * lane 0: 0 1 2 3, lane 1: 4 5 6 7 */
    __m256i a = _mm256_packs_epi32 (sums[0], sums[1]);
    __m256i b = _mm256_packs_epi32 (sums[2], sums[3]);

    return _mm256_packus_epi16 (a, b);
  }
}

/* Eight pixels whose taps all lie inside, at @dst; @room: 8 more bytes
 * may be written past them (they are rewritten later). */
__attribute__ ((target ("avx2"))) static G_ALWAYS_INLINE inline void
remap_eight (const guint8 *data,
             __m256i       off,
             int           stride,
             const int     nc,
             __m256i       fx,
             __m256i       fy,
             guint8       *dst,
             gboolean      room)
{
  /* (w00, w10) and (w01, w11) as pairs of 16-bit weights, each the
   * product of the axes' weights (in 1 / FRAC_ONE): w00 = (1 - fx) (1 - fy),
   * w10 = (1 - fx) fy, w01 = fx (1 - fy), w11 = fx fy, the integers
   * remap_pixels () finds by difference; the largest, 1 << MIX_BITS, fits
   * a signed 16-bit word */
  const __m256i one = _mm256_set1_epi32 (FRAC_ONE);
  __m256i gx = _mm256_sub_epi32 (one, fx);
  __m256i ypair = _mm256_or_si256 (_mm256_sub_epi32 (one, fy), _mm256_slli_epi32 (fy, 16));
  __m256i wa = _mm256_mullo_epi16 (_mm256_or_si256 (gx, _mm256_slli_epi32 (gx, 16)), ypair);
  __m256i wb = _mm256_mullo_epi16 (_mm256_or_si256 (fx, _mm256_slli_epi32 (fx, 16)), ypair);
  const __m256i half = _mm256_set1_epi32 (1 << (MIX_BITS - 1));
  __m256i packed = _mm256_setzero_si256 ();

  if (nc != 1)
    packed = remap_mix_rows (data, off, stride, nc, wa, wb);
  else
    {
      __m256i vstride = _mm256_set1_epi32 (stride);
      __m256i p00 = _mm256_i32gather_epi32 ((const int *) data, off, 1);
      __m256i p01 = _mm256_i32gather_epi32 ((const int *) data, _mm256_add_epi32 (off, _mm256_set1_epi32 (1)), 1);
      __m256i p10 = _mm256_i32gather_epi32 ((const int *) data, _mm256_add_epi32 (off, vstride), 1);
      __m256i p11 = _mm256_i32gather_epi32 ((const int *) data,
                                            _mm256_add_epi32 (off, _mm256_add_epi32 (vstride, _mm256_set1_epi32 (1))), 1);
      const int c = 0;
      /* byte c of each word, at byte 0 (lo) or byte 2 (hi) of the word */
      const __m256i lo = _mm256_setr_epi8 (c, -1, -1, -1, 4 + c, -1, -1, -1, 8 + c, -1, -1, -1, 12 + c, -1, -1, -1,
                                           c, -1, -1, -1, 4 + c, -1, -1, -1, 8 + c, -1, -1, -1, 12 + c, -1, -1, -1);
      const __m256i hi = _mm256_setr_epi8 (-1, -1, c, -1, -1, -1, 4 + c, -1, -1, -1, 8 + c, -1, -1, -1, 12 + c, -1,
                                           -1, -1, c, -1, -1, -1, 4 + c, -1, -1, -1, 8 + c, -1, -1, -1, 12 + c, -1);
      __m256i a = _mm256_or_si256 (_mm256_shuffle_epi8 (p00, lo), _mm256_shuffle_epi8 (p10, hi));
      __m256i b = _mm256_or_si256 (_mm256_shuffle_epi8 (p01, lo), _mm256_shuffle_epi8 (p11, hi));
      __m256i sum = _mm256_add_epi32 (_mm256_madd_epi16 (a, wa), _mm256_madd_epi16 (b, wb));

      packed = _mm256_srli_epi32 (_mm256_add_epi32 (sum, half), MIX_BITS);
    }

  if (nc == 4)
    {
      _mm256_storeu_si256 ((__m256i *) dst, packed);
      return;
    }
  if (nc == 3)
    {
      /* 4 pixels of 3 bytes at the start of each lane */
      const __m256i pick = _mm256_setr_epi8 (0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,
                                             0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
      __m256i t = _mm256_shuffle_epi8 (packed, pick);

      if (room)
        {
          _mm_storeu_si128 ((__m128i *) dst, _mm256_castsi256_si128 (t));
          _mm_storeu_si128 ((__m128i *) (dst + 12), _mm256_extracti128_si256 (t, 1));
        }
      else
        {
          guint8 tmp[32];

          _mm256_storeu_si256 ((__m256i *) tmp, t);
          memcpy (dst, tmp, 12);
          memcpy (dst + 12, tmp + 16, 12);
        }
      return;
    }
  {
    const __m256i pick = _mm256_setr_epi8 (0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                           0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    __m256i t = _mm256_shuffle_epi8 (packed, pick);
    guint32 a = (guint32) _mm256_extract_epi32 (t, 0), b = (guint32) _mm256_extract_epi32 (t, 4);

    memcpy (dst, &a, 4);
    memcpy (dst + 4, &b, 4);
  }
}

/* One row: eight pixels at a time where all their taps lie inside, the
 * rest one by one. */
__attribute__ ((target ("avx2"))) static G_ALWAYS_INLINE inline void
remap_row_nc (const Remap  *r,
              const gint32 *qx,
              const gint32 *qy,
              int           n,
              guint8       *dst,
              const int     nc)
{
  const AugurImage *src = r->src;
  /* in registers across the calls for the pixels outside */
  const guint8 *data = src->data;
  int stride = (int) src->stride;
  const __m256i mask = _mm256_set1_epi32 (FRAC_MASK);
  /* x0 <= xmax and y0 <= h - 2, as unsigned comparisons: x0 + 2^31 <= xmax + 2^31 */
  const __m256i bias = _mm256_set1_epi32 (G_MININT32);
  const __m256i xmax = _mm256_set1_epi32 (remap_x_limit (src) ^ G_MININT32);
  const __m256i ymax = _mm256_set1_epi32 ((src->height - 2) ^ G_MININT32);
  const __m256i vnc = _mm256_set1_epi32 (nc), vstride = _mm256_set1_epi32 (stride);
  int i = 0;

  for (; i + 8 <= n; i += 8)
    {
      __m256i vx = _mm256_loadu_si256 ((const __m256i *) (qx + i));
      __m256i vy = _mm256_loadu_si256 ((const __m256i *) (qy + i));
      __m256i x0 = _mm256_srai_epi32 (vx, AUGUR_ELASTIC_FRAC_BITS);
      __m256i y0 = _mm256_srai_epi32 (vy, AUGUR_ELASTIC_FRAC_BITS);
      /* outside: x0 (unsigned) > xmax, or y0 > ymax */
      __m256i out = _mm256_or_si256 (_mm256_cmpgt_epi32 (_mm256_xor_si256 (x0, bias), xmax),
                                     _mm256_cmpgt_epi32 (_mm256_xor_si256 (y0, bias), ymax));

      int outside = _mm256_movemask_ps (_mm256_castsi256_ps (out));

      if (outside == 0xff)
        {
          remap_pixels (r, qx, qy, i, i + 8, dst);
          continue;
        }
      /* the pixels outside read pixel 0 here, and are then done one by one */
      remap_eight (data,
                   _mm256_andnot_si256 (out, _mm256_add_epi32 (_mm256_mullo_epi32 (y0, vstride),
                                                               _mm256_mullo_epi32 (x0, vnc))),
                   stride, nc, _mm256_and_si256 (vx, mask), _mm256_and_si256 (vy, mask),
                   dst + (gsize) i * nc, i + 16 <= n);
      for (int k = 0; outside != 0; k++, outside >>= 1)
        if (outside & 1)
          remap_pixels (r, qx, qy, i + k, i + k + 1, dst);
    }
  remap_pixels (r, qx, qy, i, n, dst);
}

__attribute__ ((target ("avx2"))) static void
remap_row_avx2 (const Remap  *r,
                const gint32 *qx,
                const gint32 *qy,
                int           n,
                guint8       *dst)
{
  switch (r->src->channels)
    {
    case 1:  remap_row_nc (r, qx, qy, n, dst, 1); break;
    case 3:  remap_row_nc (r, qx, qy, n, dst, 3); break;
    default: remap_row_nc (r, qx, qy, n, dst, 4); break;
    }
}
#endif

static void
remap_strip (gpointer data,
             int      first,
             int      last)
{
  const Remap *r = data;
  int w = r->out->width;
  g_autofree float *scratch = g_new (float, 2 * (gsize) w);
  g_autofree gint32 *q = g_new (gint32, 2 * (gsize) w);

  for (int y = first; y < last; y++)
    {
      guint8 *dst = augur_image_row (r->out, y);

      augur_elastic_field_source (r->field, y, scratch, q, q + w);
#ifdef AUGUR_CPU_X86_64
      if (r->avx2)
        {
          remap_row_avx2 (r, q, q + w, w, dst);
          continue;
        }
#endif
      remap_pixels (r, q, q + w, 0, w, dst);
    }
}

/**
 * augur_elastic_remap:
 * @src: an image of the field's size
 * @fill: what a constant border shows (NULL: black, opaque)
 *
 * @src warped through @field with bilinear interpolation, in strips: the
 * image augur_warp_map_rows () gives from augur_elastic_field_map () with
 * AUGUR_INTERP_LINEAR, to the bit.
 *
 * Returns: (transfer full): the warped image; black when the current
 * apply was cancelled part way.
 */
AugurImage *
augur_elastic_remap (const AugurElasticField *field,
                     const AugurImage        *src,
                     AugurBorder              border,
                     const AugurFill         *fill)
{
  Remap r = { field, src, NULL, border, { 0 }, FALSE };

  g_return_val_if_fail (field != NULL && src != NULL, NULL);
  g_return_val_if_fail (src->width == field->width && src->height == field->height, NULL);
  g_return_val_if_fail (src->channels == 1 || src->channels == 3 || src->channels == 4, NULL);

  for (int c = 0; c < 4; c++)
    {
      /* as the resampler rounds its fill */
      float v = fill ? (float) CLAMP (fill->v[c], 0, 255) : (c == 3 ? 255.f : 0.f);

      r.fill[c] = v <= 0.f ? 0 : v >= 255.f ? 255 : (guint8) (v + 0.5f);
    }
#ifdef AUGUR_CPU_X86_64
  /* the vector loop's offsets are 32-bit */
  r.avx2 = augur_cpu_has (AUGUR_CPU_AVX2) && (gsize) src->stride * src->height < G_MAXINT32
           && src->height >= 2 && remap_x_limit (src) >= 0;
#endif
  r.out = augur_image_new_uninitialized (src->width, src->height, src->channels);
  if (!augur_strips_run (src->height, (double) src->width * src->channels * 2, remap_strip, &r))
    memset (r.out->data, 0, (gsize) r.out->stride * r.out->height);
  return r.out;
}
