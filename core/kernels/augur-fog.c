/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-cpu.h"
#include "augur-fog.h"
#include "augur-simd.h"

/*
 * RandomFog's veil in one pass over the image. Everything smooth is kept
 * small: the transmission map arrives at a fraction of the image's size,
 * and the blurred image is made from F x F cell means blurred at the
 * reduced size. Both are enlarged bilinearly a row at a time, as the
 * output rows need them, and blended with the source bytes in one loop.
 *
 * Box means of F, a Gaussian of sigma' at the reduced size and the
 * bilinear enlargement add their variances, F² / 12 + F² sigma'² + F² / 6,
 * so sigma' = sqrt (sigma² / F² - 1 / 4) keeps the blur's width. With
 * F = floor (sigma) the reduced blur is about one cell wide: the result
 * differs from the full-size Gaussian only next to sharp edges, and the
 * blurred image enters the output with a weight a (1 - a) of at most 1/4.
 * With a reduction of 1 the blur is the full-size Gaussian (cut at three
 * sigma).
 *
 * The blend runs on 16-bit fixed point: t and a = 1 - t in Q15 (1 as
 * 32767), the pixel and b in Q7 (1/128 of a level), products rounded as
 * x86's pmulhrsw rounds them, so that the AVX2 loop and the portable one
 * give the same bytes. Each product rounds to 1/256 of a level; the
 * tests hold the bytes within 1 level of the blend computed in doubles.
 */

/* (a b + 2^14) >> 15: pmulhrsw's rounded Q15 product. */
static inline int
mulhrs (int a,
        int b)
{
  return (a * b + 0x4000) >> 15;
}

/* A field of @planes interleaved float planes, sw x sh, enlarged
 * bilinearly into rows of dw pixels of out_planes channels (a one-plane
 * field repeated into each), as 16-bit fixed point: output column x reads
 * the field at (x + 0.5) scale - 0.5, clamped to the field as OpenCV's
 * INTER_LINEAR does. A field row is rounded to fixed point (value * unit),
 * then output pixel x is q[i] + mulhrs (q[i + 1] - q[i], w) with its own
 * pixel i and Q15 weight w (the row carries one pixel more, a copy of its
 * last, for the right edge).
 *
 * A field of cells (scale 1 / F, F an integer) has only F weights, one for
 * each x mod F: the row is interpolated once for each of them (contiguous
 * loops), and the output pixels are copied from those rows, four values
 * at a time for three channels (the fourth is overwritten by the next
 * pixel; rows carry one value of slack).
 *
 * Two enlarged rows are kept while consecutive output rows read them. */
typedef struct
{
  const float *src;
  int          sw, sh, planes, out_planes, dw, cells;
  double       scale_y;
  float        unit;
  int         *pixel, *weight, *offset, *phase_weight;
  gint16      *q;
  gsize        len;
  gint16      *rows[2];
  int          have[2];
} FogField;

static void
field_init (FogField    *f,
            const float *src,
            int          sw,
            int          sh,
            int          planes,
            int          out_planes,
            int          dw,
            int          cells,
            double       scale_x,
            double       scale_y,
            float        unit)
{
  f->src = src;
  f->sw = sw;
  f->sh = sh;
  f->planes = planes;
  f->out_planes = out_planes;
  f->dw = dw;
  f->cells = cells;
  f->scale_y = scale_y;
  f->unit = unit;
  f->len = (gsize) (sw + 1) * planes + 1;
  f->pixel = g_new (int, dw);
  f->weight = g_new (int, dw);
  f->offset = g_new (int, dw);
  f->phase_weight = g_new (int, MAX (cells, 1));
  /* q, then for cells one interpolated row for each weight */
  f->q = g_new0 (gint16, (gsize) (cells + 1) * f->len);
  for (int k = 0; k < 2; k++)
    {
      f->rows[k] = g_new0 (gint16, (gsize) dw * out_planes + 1);
      f->have[k] = -1;
    }
  for (int p = 0; p < cells; p++)
    {
      double u = (p + 0.5) / cells - 0.5;

      f->phase_weight[p] = MIN (32767, (int) ((u - floor (u)) * 32768 + 0.5));
    }
  for (int x = 0; x < dw; x++)
    {
      double fx = (x + 0.5) * scale_x - 0.5;
      int i = (int) floor (fx), p = cells > 0 ? x % cells : 0;
      gboolean clamped;

      /* for cells, the position within the cell gives the weight */
      if (cells > 0)
        i = x / cells + (int) floor ((p + 0.5) / cells - 0.5);
      clamped = i < 0 || i >= sw - 1;
      f->pixel[x] = CLAMP (i, 0, sw - 1);
      f->weight[x] = clamped ? 0 : MIN (32767, (int) ((fx - i) * 32768 + 0.5));
      f->offset[x] = (clamped || cells == 0 ? 0 : (p + 1) * (int) f->len) + f->pixel[x] * planes;
    }
}

static void
field_clear (FogField *f)
{
  g_clear_pointer (&f->pixel, g_free);
  g_clear_pointer (&f->weight, g_free);
  g_clear_pointer (&f->offset, g_free);
  g_clear_pointer (&f->phase_weight, g_free);
  g_clear_pointer (&f->q, g_free);
  g_clear_pointer (&f->rows[0], g_free);
  g_clear_pointer (&f->rows[1], g_free);
}

/* d[k] = q[k] + mulhrs (q[k + planes] - q[k], w) for k < n. */
AUGUR_SIMD_CLONES static void
lerp_next (const gint16 *restrict q,
           int                    planes,
           int                    w,
           gint16       *restrict d,
           int                    n)
{
  for (int k = 0; k < n; k++)
    d[k] = (gint16) (q[k] + ((((int) q[k + planes] - q[k]) * w + 0x4000) >> 15));
}

/* Field row @j enlarged horizontally into @d. The values are at least 0,
 * so adding a half and truncating rounds them. */
static void
field_expand (FogField *f,
              int       j,
              gint16   *restrict d)
{
  const float *restrict r = f->src + (gsize) j * f->sw * f->planes;
  gint16 *restrict q = f->q;
  const int *restrict pixel = f->pixel, *restrict weight = f->weight, *restrict offset = f->offset;
  int m = f->sw * f->planes, np = f->planes, op = f->out_planes, dw = f->dw;

  for (int i = 0; i < m; i++)
    q[i] = (gint16) (r[i] * f->unit + 0.5f);
  for (int c = 0; c < np; c++)
    q[m + c] = q[m - np + c];

  if (f->cells > 0 && np == op)
    {
      /* the last pixel only ever comes from q (its weight is 0) */
      for (int p = 0; p < f->cells; p++)
        lerp_next (q, np, f->phase_weight[p], q + (p + 1) * f->len, m);
      if (np == 3)
        for (int x = 0; x < dw; x++)
          memcpy (d + 3 * x, q + offset[x], 4 * sizeof (gint16));
      else
        for (int x = 0; x < dw; x++)
          for (int c = 0; c < np; c++)
            d[x * np + c] = q[offset[x] + c];
      return;
    }

  /* a one-plane field (the transmission map): one value a pixel, repeated */
  if (np == 1 && op == 3)
    for (int x = 0; x < dw; x++)
      {
        int k = pixel[x];

        d[3 * x] = d[3 * x + 1] = d[3 * x + 2] = (gint16) (q[k] + mulhrs (q[k + 1] - q[k], weight[x]));
      }
  else
    for (int x = 0; x < dw; x++)
      for (int c = 0; c < op; c++)
        {
          int k = pixel[x] * np + (np == 1 ? 0 : c);

          d[x * op + c] = (gint16) (q[k] + mulhrs (q[k + np] - q[k], weight[x]));
        }
}

/* Enlarged field row @j, computed unless kept; the row with the lower
 * index makes way, as output rows only move down. */
static const gint16 *
field_row (FogField *f,
           int       j)
{
  int k;

  for (k = 0; k < 2; k++)
    if (f->have[k] == j)
      return f->rows[k];
  k = f->have[0] <= f->have[1] ? 0 : 1;
  field_expand (f, j, f->rows[k]);
  f->have[k] = j;
  return f->rows[k];
}

/* The two enlarged rows output row @y lies between, and its weight
 * towards the second in Q15. */
static gint16
field_rows (FogField      *f,
            int            y,
            const gint16 **top,
            const gint16 **bottom)
{
  double fy = MAX ((y + 0.5) * f->scale_y - 0.5, 0.0);
  int j = (int) floor (fy);

  *top = field_row (f, MIN (j, f->sh - 1));
  *bottom = field_row (f, MIN (j + 1, f->sh - 1));
  return (gint16) MIN (32767, (int) ((fy - j) * 32768 + 0.5));
}

/* acc = the sum of @rows rows of @n bytes from @src, in 16 bits. */
AUGUR_SIMD_CLONES static void
sum_rows (guint16      *restrict acc,
          const guint8 *restrict src,
          gsize                  stride,
          int                    rows,
          gsize                  n)
{
  for (gsize i = 0; i < n; i++)
    acc[i] = src[i];
  for (int r = 1; r < rows; r++)
    {
      const guint8 *restrict s = src + r * stride;

      for (gsize i = 0; i < n; i++)
        acc[i] += s[i];
    }
}

/* d = the sums of acc over the @f pixels of each of @cells whole cells of
 * three channels; inlined with @f a constant, the inner loop unrolls. */
static inline void
cell_sums_rgb (const guint16 *restrict acc,
               guint32       *restrict d,
               int                     cells,
               int                     f)
{
  for (int i = 0; i < cells; i++)
    for (int c = 0; c < 3; c++)
      {
        guint32 sum = 0;

        for (int k = 0; k < f; k++)
          sum += acc[(i * f + k) * 3 + c];
        d[3 * i + c] = sum;
      }
}

/* The means of @src's colour channels over cells of @f x @f pixels
 * (narrower at the right and bottom edges): bw x bh x cc floats. */
static float *
cell_means (const guint8 *src,
            gsize         stride,
            int           w,
            int           h,
            int           nc,
            int           cc,
            int           f,
            int           bw,
            int           bh)
{
  float *out = g_new (float, (gsize) bw * bh * cc);
  g_autofree guint16 *acc = g_new (guint16, (gsize) w * nc);
  g_autofree guint32 *sums = g_new (guint32, (gsize) bw * 3);

  for (int j = 0; j < bh; j++)
    {
      int y0 = j * f, y1 = MIN (h, y0 + f);
      float *d = out + (gsize) j * bw * cc;
      float inv_full = 1.0f / (f * (y1 - y0));
      int first = 0;

      sum_rows (acc, src + (gsize) y0 * stride, stride, y1 - y0, (gsize) w * nc);
      if (nc == 3)
        {
          int full = w / f;

          /* the common cell sizes with the size a constant */
          if (f == 2)
            cell_sums_rgb (acc, sums, full, 2);
          else if (f == 3)
            cell_sums_rgb (acc, sums, full, 3);
          else if (f == 4)
            cell_sums_rgb (acc, sums, full, 4);
          else
            cell_sums_rgb (acc, sums, full, f);
          for (int k = 0; k < full * 3; k++)
            d[k] = (float) sums[k] * inv_full;
          first = full;
        }
      for (int i = first; i < bw; i++)
        {
          int x0 = i * f, x1 = MIN (w, x0 + f);
          float inv = x1 - x0 == f ? inv_full : 1.0f / ((x1 - x0) * (y1 - y0));
          const guint16 *a = acc + (gsize) x0 * nc;

          /* the narrow last cell, and gray and RGBA */
          for (int c = 0; c < cc; c++)
            {
              guint sum = 0;

              for (int x = 0; x < x1 - x0; x++)
                sum += a[x * nc + c];
              d[i * cc + c] = (float) sum * inv;
            }
        }
    }
  return out;
}

/* d = k c. */
AUGUR_SIMD_CLONES static void
tap_centre (float       *restrict d,
            const float *restrict c,
            float                 k,
            gsize                 n)
{
  for (gsize i = 0; i < n; i++)
    d[i] = k * c[i];
}

/* d += k (a + b): two taps of a symmetric kernel at once. */
AUGUR_SIMD_CLONES static void
tap_pair (float       *restrict d,
          const float *restrict a,
          const float *restrict b,
          float                 k,
          gsize                 n)
{
  for (gsize i = 0; i < n; i++)
    d[i] += k * (a[i] + b[i]);
}

/* A Gaussian of standard deviation @sigma cut at three sigma, borders
 * replicated, at the size it is given (augur_weather_gaussian () would
 * reduce a wide one): whole rows scaled by a tap, the two taps at equal
 * distances together. */
static void
gaussian_taps (float *data,
               int    width,
               int    height,
               int    planes,
               double sigma)
{
  int r = MAX (1, (int) ceil (3 * sigma));
  gsize row = (gsize) width * planes;
  g_autofree float *k = g_new (float, r + 1);
  g_autofree float *tmp = g_new (float, row * height);
  g_autofree float *pad = g_new (float, row + (gsize) 2 * r * planes);
  double sum = 0;

  for (int i = -r; i <= r; i++)
    sum += exp (-0.5 * i * i / (sigma * sigma));
  for (int i = 0; i <= r; i++)
    k[i] = (float) (exp (-0.5 * i * i / (sigma * sigma)) / sum);

  for (int y = 0; y < height; y++)
    {
      float *d = tmp + (gsize) y * row;

      tap_centre (d, data + (gsize) y * row, k[0], row);
      for (int j = 1; j <= r; j++)
        tap_pair (d, data + (gsize) MAX (y - j, 0) * row, data + (gsize) MIN (y + j, height - 1) * row, k[j], row);
    }
  for (int y = 0; y < height; y++)
    {
      const float *s = tmp + (gsize) y * row;
      float *d = data + (gsize) y * row;
      const float *centre = pad + (gsize) r * planes;

      for (int x = 0; x < r; x++)
        for (int c = 0; c < planes; c++)
          {
            pad[(gsize) x * planes + c] = s[c];
            pad[(gsize) (width + r + x) * planes + c] = s[row - planes + c];
          }
      memcpy (pad + (gsize) r * planes, s, row * sizeof (float));
      tap_centre (d, centre, k[0], row);
      for (int j = 1; j <= r; j++)
        tap_pair (d, centre - j * planes, centre + j * planes, k[j], row);
    }
}

/* The enlarged rows of t (Q15) and b (Q7) one output row lies between,
 * and its weights towards the second ones (Q15). */
typedef struct
{
  const gint16 *t0, *t1, *b0, *b1;
  int           wt, wb;
} VeilRows;

/* d = t (s + a (b - s)) + 255 a, a = 1 - t, with t and b interpolated
 * between their two rows, rounded; values @from to @n. */
static void
veil_row (const guint8   *restrict s,
          const VeilRows *v,
          guint8         *restrict d,
          int                      from,
          int                      n)
{
  const gint16 *restrict t0 = v->t0, *restrict t1 = v->t1, *restrict b0 = v->b0, *restrict b1 = v->b1;
  int wt = v->wt, wb = v->wb;

  for (int i = from; i < n; i++)
    {
      int s7 = s[i] << 7;
      int t = t0[i] + mulhrs (t1[i] - t0[i], wt);
      int b = b0[i] + mulhrs (b1[i] - b0[i], wb);
      int a = 32767 - t;
      int z = s7 + mulhrs (b - s7, a);
      int o = mulhrs (z, t) + mulhrs (255 << 7, a);

      d[i] = (guint8) MIN (255, (o + 64) >> 7);
    }
}

#ifdef AUGUR_CPU_X86_64
# include <immintrin.h>

/* veil_row () sixteen values a step, the same operations. */
__attribute__ ((target ("avx2"))) static void
veil_row_avx2 (const guint8   *restrict s,
               const VeilRows *rows,
               guint8         *restrict d,
               int                      n)
{
  const gint16 *restrict t0 = rows->t0, *restrict t1 = rows->t1, *restrict b0 = rows->b0, *restrict b1 = rows->b1;
  const __m256i vwt = _mm256_set1_epi16 ((short) rows->wt), vwb = _mm256_set1_epi16 ((short) rows->wb);
  const __m256i one = _mm256_set1_epi16 (32767), white = _mm256_set1_epi16 (255 << 7);
  const __m256i half = _mm256_set1_epi16 (64);
  int i = 0;

  for (; i + 16 <= n; i += 16)
    {
      __m256i s7 = _mm256_slli_epi16 (_mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) (const void *) (s + i))), 7);
      __m256i vt0 = _mm256_loadu_si256 ((const __m256i *) (const void *) (t0 + i));
      __m256i vt1 = _mm256_loadu_si256 ((const __m256i *) (const void *) (t1 + i));
      __m256i vb0 = _mm256_loadu_si256 ((const __m256i *) (const void *) (b0 + i));
      __m256i vb1 = _mm256_loadu_si256 ((const __m256i *) (const void *) (b1 + i));
      __m256i t = _mm256_add_epi16 (vt0, _mm256_mulhrs_epi16 (_mm256_sub_epi16 (vt1, vt0), vwt));
      __m256i b = _mm256_add_epi16 (vb0, _mm256_mulhrs_epi16 (_mm256_sub_epi16 (vb1, vb0), vwb));
      __m256i a = _mm256_sub_epi16 (one, t);
      __m256i z = _mm256_add_epi16 (s7, _mm256_mulhrs_epi16 (_mm256_sub_epi16 (b, s7), a));
      __m256i v = _mm256_add_epi16 (_mm256_mulhrs_epi16 (z, t), _mm256_mulhrs_epi16 (white, a));

      v = _mm256_srai_epi16 (_mm256_add_epi16 (v, half), 7);
      _mm_storeu_si128 ((__m128i *) (void *) (d + i),
                        _mm_packus_epi16 (_mm256_castsi256_si128 (v), _mm256_extracti128_si256 (v, 1)));
    }
  veil_row (s, rows, d, i, n);
}
#endif

/**
 * augur_fog_veil_reduction:
 *
 * The cell size at which augur_fog_veil () blurs an image of
 * @width x @height by @sigma: floor (sigma), at most a quarter of the
 * short side and 257, at least 1.
 */
int
augur_fog_veil_reduction (double sigma,
                          int    width,
                          int    height)
{
  int f = (int) floor (sigma);

  return CLAMP (MIN (f, MIN (width, height) / 4), 1, 257);
}

/**
 * augur_fog_veil:
 * @channels: of both images: 1, 3 or 4 (alpha copied)
 * @reduction: the cell size of the blurred image, 1 for full size (at
 *   most 257: the rows of a cell are summed in 16 bits)
 *
 * Writes the veiled image (see #AugurFogVeil) into @dst.
 */
void
augur_fog_veil (const guint8       *src,
                gsize               src_stride,
                guint8             *dst,
                gsize               dst_stride,
                int                 width,
                int                 height,
                int                 channels,
                const AugurFogVeil *veil,
                int                 reduction)
{
  int nc = channels, cc = nc == 4 ? 3 : nc, f = CLAMP (reduction, 1, 257);
  int bw = (width + f - 1) / f, bh = (height + f - 1) / f;
  int n = width * cc;
  gboolean avx2 = augur_cpu_has (AUGUR_CPU_AVX2);
  g_autofree float *blurred = cell_means (src, src_stride, width, height, nc, cc, f, bw, bh);
  g_autofree guint8 *sbuf = nc != cc ? g_new (guint8, n) : NULL;
  g_autofree guint8 *dbuf = nc != cc ? g_new (guint8, n) : NULL;
  double sigma = veil->sigma;
  FogField tf, bf;

  if (f > 1)
    sigma = sqrt (MAX (sigma * sigma / (f * f) - 0.25, 0.25));
  if (sigma > 0)
    gaussian_taps (blurred, bw, bh, cc, sigma);

  field_init (&tf, veil->t, veil->tw, veil->th, 1, cc, width, 0, (double) veil->tw / width,
              (double) veil->th / height, 32767);
  field_init (&bf, blurred, bw, bh, cc, cc, width, f, 1.0 / f, 1.0 / f, 128);
  for (int y = 0; y < height; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint8 *d = dst + (gsize) y * dst_stride;
      VeilRows rows;
      const guint8 *in = s;
      guint8 *o = d;

      if (nc != cc)
        {
          for (int x = 0; x < width; x++)
            memcpy (sbuf + 3 * x, s + 4 * x, 3);
          in = sbuf;
          o = dbuf;
        }
      rows.wt = field_rows (&tf, y, &rows.t0, &rows.t1);
      rows.wb = field_rows (&bf, y, &rows.b0, &rows.b1);
#ifdef AUGUR_CPU_X86_64
      if (avx2)
        veil_row_avx2 (in, &rows, o, n);
      else
#endif
        veil_row (in, &rows, o, 0, n);
      if (nc == cc)
        continue;
      for (int x = 0; x < width; x++)
        {
          memcpy (d + 4 * x, dbuf + 3 * x, 3);
          d[4 * x + 3] = s[4 * x + 3];
        }
    }
  field_clear (&tf);
  field_clear (&bf);
}
