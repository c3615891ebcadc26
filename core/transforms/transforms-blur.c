/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-blur-rows.h"
#include "augur-error.h"
#include "augur-filter-rows.h"
#include "augur-glass.h"
#include "augur-median.h"
#include "augur-minmax.h"
#include "augur-slic.h"
#include "augur-simd.h"
#include "augur-strips.h"
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
  g_auto(AugurBlurKernel) kernel = { 0 };
  g_autofree guint8 *padded = g_new (guint8, (gsize) (w + 2 * r) * nc);
  g_autofree guint16 *tmp = g_new (guint16, (gsize) rowlen * ring);
  g_autofree const guint16 **rows = g_new (const guint16 *, ring);

  augur_blur_kernel_init (&kernel, k, r);

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
              augur_blur_row_x (&kernel, padded + (gsize) r * nc, t, r * nc, nc);
              augur_blur_row_x (&kernel, s + (gsize) r * nc, t + (gsize) r * nc, m * nc, nc);
              for (int i = m; i < w + r; i++)
                memcpy (padded + (gsize) (i - m) * nc, s + reflect_101 (i, w) * nc, nc);
              augur_blur_row_x (&kernel, padded + (gsize) r * nc, t + (gsize) (m + r) * nc, r * nc, nc);
              continue;
            }

          for (int i = -r; i < w + r; i++)
            memcpy (padded + (gsize) (i + r) * nc, s + reflect_101 (i, w) * nc, nc);
          augur_blur_row_x (&kernel, padded + (gsize) r * nc, t, rowlen, nc);
        }

      /* Along y. */
      for (int j = -r; j <= r; j++)
        {
          int sy = y + j;

          if (sy < 0 || sy >= h)
            sy = reflect_101 (sy, h);
          rows[j + r] = tmp + (gsize) (sy % ring) * rowlen;
        }
      augur_blur_row_y (&kernel, rows, d, rowlen);
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
    .min = 0, .max = GB_MAX_KSIZE, .ui_min = 0, .ui_max = 31, .step = 1, .def = { 0, 0 },
    .zero_text = "auto" },
  [GB_SIGMA_LIMIT] = {
    .name = "sigma_limit", .label = "Sigma",
    .description = "Range of the Gaussian's standard deviation, in pixels",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = GB_MAX_SIGMA, .ui_min = 0, .ui_max = 10, .step = 0.1, .def = { 0.5, 3.0 } },
};

static const AugurDrawnSpec gb_drawn[] = {
  { "sigma", FALSE, 0, GB_MAX_SIGMA, .label = "Sigma", .unit = "px" },
  { "ksize", FALSE, 0, GB_MAX_KSIZE, .label = "Kernel size", .unit = "px", .zero_text = "auto" },
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

/* Shared by the blurs, sharpens and textures below ---------------------------- */

/* The new filters leave an RGBA image's alpha as it was: they compute every
 * channel in their row loops (simpler and vectorised) and then put the
 * source's alpha back. */
static void
keep_alpha (AugurImage       *out,
            const AugurImage *src)
{
  if (src->channels != 4 || out->channels != 4)
    return;
  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < src->width; x++)
        d[4 * x + 3] = s[4 * x + 3];
    }
}

AUGUR_SIMD_CLONES static void
widen_row (float        *restrict d,
           const guint8 *restrict s,
           int                    n)
{
  for (int i = 0; i < n; i++)
    d[i] = s[i];
}

/* Row @y of @src (reflect-101 above and below the image) widened to
 * float, with @rx columns added on each side by reflect-101 (OpenCV's
 * default border): what a kernel @rx columns wide either side reads. */
static void
widen_padded_row (float            *d,
                  const AugurImage *src,
                  int               y,
                  int               rx)
{
  int w = src->width, nc = src->channels;
  const guint8 *s = augur_image_row (src, reflect_101 (y, src->height));

  widen_row (d + (gsize) rx * nc, s, w * nc);
  for (int x = -rx; x < 0; x++)
    for (int c = 0; c < nc; c++)
      d[(x + rx) * nc + c] = s[reflect_101 (x, w) * nc + c];
  for (int x = w; x < w + rx; x++)
    for (int c = 0; c < nc; c++)
      d[(gsize) (x + rx) * nc + c] = s[reflect_101 (x, w) * nc + c];
}

AUGUR_SIMD_CLONES static void
store_row (guint8      *restrict d,
           const float *restrict acc,
           int                   n)
{
  for (int i = 0; i < n; i++)
    {
      float v = acc[i] + 0.5f;

      v = MAX (v, 0.0f);
      d[i] = (guint8) MIN (v, 255.0f);
    }
}

/*
 * OpenCV's filter2D: the correlation of every channel with the @kw x @kh
 * kernel @k (row by row, anchor at its centre), borders reflect-101, the
 * sum rounded and clipped. Zero taps are skipped, so a sparse kernel (a
 * motion line) costs only its nonzero taps. Alpha is kept.
 */
typedef struct
{
  const AugurImage *src;
  AugurImage       *out;
  int               kw, kh;
  AugurFilterRow    row;
  int               taps;        /* the nonzero taps, row by row: */
  const int        *ti, *tj;     /* each one's row and column in the kernel */
  const float      *tk;          /* and its weight */
} Filter2dStrips;

static void
filter2d_strip (gpointer data,
                int      first,
                int      last)
{
  const Filter2dStrips *f = data;
  int kw = f->kw, kh = f->kh, nc = f->src->channels, rowlen = f->src->width * nc;
  gsize stride = (gsize) (f->src->width + 2 * (kw / 2)) * nc;
  g_autofree const float **rows = g_new (const float *, MAX (f->taps, 1));
  /* The rows the strip reads, padded, widened to float once each straight
   * from the image, in a ring of kh rows, rather than once per tap. */
  g_autofree float *ring = g_new (float, stride * kh);

  for (int r = 0; r < kh - 1; r++)
    widen_padded_row (ring + (gsize) (r % kh) * stride, f->src, first - kh / 2 + r, kw / 2);
  for (int y = 0; y < last - first; y++)
    {
      int newest = y + kh - 1;

      widen_padded_row (ring + (gsize) (newest % kh) * stride, f->src, first - kh / 2 + newest, kw / 2);
      for (int t = 0; t < f->taps; t++)
        rows[t] = ring + (gsize) ((y + f->ti[t]) % kh) * stride + (gsize) f->tj[t] * nc;
      augur_filter_row (&f->row, augur_image_row (f->out, first + y), rows, f->tk, f->taps, rowlen);
    }
}

/*
 * OpenCV's filter2D: the correlation of every channel with the @kw x @kh
 * kernel @k (row by row, anchor at its centre), borders reflect-101, the
 * sum rounded and clipped. Zero taps are skipped, so a sparse kernel (a
 * motion line) costs only its nonzero taps; all the taps of an output
 * value are summed at once (augur-filter-rows.h). Alpha is kept. In strips
 * (augur-strips.h): several threads for a large image, the same bytes; a
 * cancelled apply comes back black.
 */
static AugurImage *
filter2d (const AugurImage *src,
          const float      *k,
          int               kw,
          int               kh)
{
  g_autofree int *ti = g_new (int, kw * kh);
  g_autofree int *tj = g_new (int, kw * kh);
  g_autofree float *tk = g_new (float, kw * kh);
  Filter2dStrips f = { src, augur_image_new_like_uninitialized (src), kw, kh,
                       .ti = ti, .tj = tj, .tk = tk };

  augur_filter_row_init (&f.row);
  for (int i = 0; i < kh; i++)
    for (int j = 0; j < kw; j++)
      if (k[i * kw + j] != 0)
        {
          ti[f.taps] = i;
          tj[f.taps] = j;
          tk[f.taps++] = k[i * kw + j];
        }
  if (!augur_strips_run (src->height, (double) src->width * src->channels * f.taps, filter2d_strip, &f))
    memset (f.out->data, 0, (gsize) f.out->stride * f.out->height);
  keep_alpha (f.out, src);
  return f.out;
}

/* The kernel size OpenCV's GaussianBlur derives from sigma for 8-bit
 * images. */
static int
gauss_ksize_for_sigma (double sigma)
{
  return ((int) lrint (sigma * 6 + 1)) | 1;
}

/* @ksize normalised Gaussian taps; sigma <= 0 takes OpenCV's sigma for the
 * size. */
static void
gauss_taps (int     ksize,
            double  sigma,
            float  *k)
{
  double sum = 0;
  int r = ksize / 2;

  if (sigma <= 0)
    sigma = 0.3 * ((ksize - 1) * 0.5 - 1) + 0.8;
  for (int i = 0; i < ksize; i++)
    {
      double x = i - r;

      k[i] = (float) exp (-0.5 * (x / sigma) * (x / sigma));
      sum += k[i];
    }
  for (int i = 0; i < ksize; i++)
    k[i] = (float) (k[i] / sum);
}

/* OpenCV's GaussianBlur on 8 bits (size 0: from sigma), alpha kept. */
static AugurImage *
gauss_blur_u8 (const AugurImage *src,
               int               ksize,
               double            sigma)
{
  g_autofree float *k = NULL;
  AugurImage *out;

  if (ksize <= 0)
    ksize = gauss_ksize_for_sigma (sigma);
  if (ksize < 3)
    return augur_image_copy (src);
  k = g_new (float, ksize);
  gauss_taps (ksize, sigma, k);
  out = convolve_separable (src, k, ksize / 2);
  keep_alpha (out, src);
  return out;
}


/* The same blur on a float plane, in place: along x through a padded
 * line, then along y row by row (whole rows at a time, so that it
 * vectorises). */
static void
gauss_blur_plane (float *plane,
                  int    w,
                  int    h,
                  int    ksize,
                  double sigma)
{
  int r = ksize / 2;
  g_autofree float *k = g_new (float, ksize);
  g_autofree float *line = g_new (float, w + 2 * r);
  g_autofree float *tmp = g_new (float, (gsize) w * h);

  gauss_taps (ksize, sigma, k);
  for (int y = 0; y < h; y++)
    {
      float *row = plane + (gsize) y * w, *t = tmp + (gsize) y * w;

      for (int i = -r; i < w + r; i++)
        line[i + r] = row[reflect_101 (i, w)];
      memset (t, 0, sizeof (float) * w);
      for (int j = 0; j < ksize; j++)
        augur_filter_add_tap (t, line + j, k[j], w);
    }
  for (int y = 0; y < h; y++)
    {
      float *row = plane + (gsize) y * w;

      memset (row, 0, sizeof (float) * w);
      for (int j = 0; j < ksize; j++)
        augur_filter_add_tap (row, tmp + (gsize) reflect_101 (y + j - r, h) * w, k[j], w);
    }
}

/* Albumentations' sample_odd_from_range(): an odd size from [lo, hi],
 * each odd value equally likely. */
static int
sample_odd (AugurRng *rng,
            double    lo_d,
            double    hi_d)
{
  int lo = (int) lo_d, hi = (int) hi_d;

  /* Both ends rounded up to odd, at least 3, as Albumentations does. */
  lo = MAX (3, lo | 1);
  hi = MAX (3, hi | 1);
  if (hi <= lo)
    return lo;
  return lo + 2 * (int) augur_rng_int (rng, 0, (hi - lo) / 2);
}

#define BLUR_PARAM_ODD_SIZE(name_, label_, min_, max_, lo_, hi_) \
  { .name = name_, .label = label_, \
    .description = "Range of the kernel size in pixels; an odd size is drawn", \
    .type = AUGUR_PARAM_INT_RANGE, \
    .min = min_, .max = max_, .ui_min = 3, .ui_max = 31, .step = 2, .def = { lo_, hi_ } }

static const AugurDrawnSpec ksize_drawn[] = {
  { "ksize", FALSE, 1, 255, .label = "Kernel size", .unit = "px" },
  { NULL },
};

/* Blur ------------------------------------------------------------------------- */

static const AugurParamSpec box_params[] = {
  BLUR_PARAM_ODD_SIZE ("blur_limit", "Kernel size", 3, 255, 3, 7),
};

static void
ksize_sample (const AugurValue *params,
              const AugurShape *in,
              AugurRng         *rng,
              AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "ksize", sample_odd (rng, params[0].v[0], params[0].v[1]));
}

/* The vertical step and the output in one pass: the column sums move
 * down a row (the row entering the box added, the one leaving it taken
 * away) and are scaled into bytes. */
AUGUR_SIMD_CLONES static void
box_step_store (guint8        *restrict d,
                guint32       *restrict sum,
                const guint16 *restrict add,
                const guint16 *restrict sub,
                float                   scale,
                int                     n)
{
  for (int i = 0; i < n; i++)
    {
      guint32 v = sum[i] + add[i] - sub[i];

      sum[i] = v;
      d[i] = (guint8) ((float) v * scale + 0.5f);
    }
}

AUGUR_SIMD_CLONES static void
box_start (guint32       *restrict sum,
           const guint16 *restrict add,
           int                     n)
{
  for (int i = 0; i < n; i++)
    sum[i] += add[i];
}

#define BOX_DIRECT_MAX 15

/* Small boxes: the k values of a sum added across the interleaved row at
 * once (vectorised), the common sizes in one pass. */
AUGUR_SIMD_CLONES static void
box_sum_row (guint16      *restrict o,
             const guint8 *restrict p,
             int                    n,
             int                    nc,
             int                    k)
{
  if (k == 3)
    for (int i = 0; i < n; i++)
      o[i] = (guint16) (p[i] + p[i + nc] + p[i + 2 * nc]);
  else if (k == 5)
    for (int i = 0; i < n; i++)
      o[i] = (guint16) (p[i] + p[i + nc] + p[i + 2 * nc] + p[i + 3 * nc] + p[i + 4 * nc]);
  else if (k == 7)
    for (int i = 0; i < n; i++)
      o[i] = (guint16) (p[i] + p[i + nc] + p[i + 2 * nc] + p[i + 3 * nc] + p[i + 4 * nc] +
                        p[i + 5 * nc] + p[i + 6 * nc]);
  else
    {
      for (int i = 0; i < n; i++)
        o[i] = p[i];
      for (int j = 1; j < k; j++)
        for (int i = 0; i < n; i++)
          o[i] += p[i + j * nc];
    }
}

/* The horizontal k-sums (16 bits) of one row of @src, through a row padded
 * by reflect-101. */
static void
box_hsum (const AugurImage *src,
          int               y,
          int               k,
          guint8           *pad,
          guint16          *o)
{
  int w = src->width, nc = src->channels, r = k / 2, rowlen = w * nc;
  const guint8 *s = augur_image_row (src, y);

  memcpy (pad + (gsize) r * nc, s, (gsize) rowlen);
  for (int x = -r; x < 0; x++)
    memcpy (pad + (gsize) (x + r) * nc, s + (gsize) reflect_101 (x, w) * nc, nc);
  for (int x = w; x < w + r; x++)
    memcpy (pad + (gsize) (x + r) * nc, s + (gsize) reflect_101 (x, w) * nc, nc);

  if (k <= BOX_DIRECT_MAX)
    {
      box_sum_row (o, pad, rowlen, nc, k);
      return;
    }
  /* Larger boxes: a running sum per channel. */
  for (int c = 0; c < nc; c++)
    {
      guint32 t = 0;

      for (int j = 0; j < k; j++)
        t += pad[j * nc + c];
      o[c] = (guint16) t;
      for (int x = 1; x < w; x++)
        {
          t += pad[(x + k - 1) * nc + c];
          t -= pad[(x - 1) * nc + c];
          o[x * nc + c] = (guint16) t;
        }
    }
}

/*
 * OpenCV's blur(): the mean over a k x k box, reflect-101 borders. Running
 * sums both ways: each row's horizontal k-sums (16 bits), kept in a ring
 * of k + 1 rows (padded row j, for j from -r to h - 1 + r, in slot
 * (j + r) mod (k + 1): the row entering the box never takes the slot of
 * the one leaving it), then a column sum per value that adds the row
 * entering the box and takes away the one leaving it.
 */
static AugurImage *
box_blur (const AugurImage *src,
          int               k)
{
  int w = src->width, h = src->height, nc = src->channels, r = k / 2, rowlen = w * nc;
  g_autofree guint8 *pad = g_malloc ((gsize) (w + 2 * r) * nc);
  g_autofree guint16 *ring = g_new (guint16, (gsize) rowlen * (k + 1));
  g_autofree guint32 *sum = g_new0 (guint32, rowlen);
  float scale = 1.0f / ((float) k * k);
  AugurImage *out = augur_image_new_like_uninitialized (src);

  for (int j = -r; j <= r; j++)
    {
      guint16 *o = ring + (gsize) ((j + r) % (k + 1)) * rowlen;

      box_hsum (src, reflect_101 (j, h), k, pad, o);
      box_start (sum, o, rowlen);
    }
  box_step_store (augur_image_row (out, 0), sum, ring, ring, scale, rowlen);
  for (int y = 1; y < h; y++)
    {
      guint16 *entering = ring + (gsize) ((y + 2 * r) % (k + 1)) * rowlen;
      const guint16 *leaving = ring + (gsize) ((y - 1) % (k + 1)) * rowlen;

      box_hsum (src, reflect_101 (y + r, h), k, pad, entering);
      box_step_store (augur_image_row (out, y), sum, entering, leaving, scale, rowlen);
    }
  keep_alpha (out, src);
  return out;
}

static AugurImage *
box_apply (const AugurImage *src,
           const AugurValue *params,
           const AugurDrawn *drawn)
{
  int k = (int) augur_drawn_get (drawn, "ksize");

  if (k < 2)
    return augur_image_copy (src);
  return box_blur (src, k);
}

/* MotionBlur -------------------------------------------------------------------- */

enum { MB_BLUR_LIMIT, MB_ANGLE, MB_DIRECTION, MB_SHIFTED };

#define MB_MAX_KSIZE 99

static const AugurParamSpec mb_params[] = {
  [MB_BLUR_LIMIT] = BLUR_PARAM_ODD_SIZE ("blur_limit", "Length", 3, MB_MAX_KSIZE, 3, 7),
  [MB_ANGLE] = {
    .name = "angle_range", .label = "Angle",
    .description = "Range of the angle of the motion line in degrees (0 along x, 90 along y)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 360, .ui_min = 0, .ui_max = 360, .step = 1, .def = { 0, 360 } },
  [MB_DIRECTION] = {
    .name = "direction_range", .label = "Direction",
    .description = "Range of the direction: away from 0 the line is stretched by 1 + |d| "
                   "and clipped to the kernel, as Albumentations 2.0.8 computes it",
    .type = AUGUR_PARAM_RANGE,
    .min = -1, .max = 1, .ui_min = -1, .ui_max = 1, .step = 0.05, .def = { -1, 1 } },
  [MB_SHIFTED] = {
    .name = "allow_shifted", .label = "Shifted",
    .description = "Let the line be shifted off the kernel's centre by up to a quarter of its length",
    .type = AUGUR_PARAM_BOOL, .def = { 1 } },
};

static const AugurDrawnSpec mb_drawn[] = {
  { "ksize", FALSE, 3, MB_MAX_KSIZE, .label = "Kernel size", .unit = "px" },
  { "angle", FALSE, 0, 360, .label = "Angle", .unit = "°" },
  { "direction", FALSE, -1, 1, .label = "Direction" },
  { "shift_x", FALSE, -MB_MAX_KSIZE, MB_MAX_KSIZE, .label = "Shift x", .unit = "px" },
  { "shift_y", FALSE, -MB_MAX_KSIZE, MB_MAX_KSIZE, .label = "Shift y", .unit = "px" },
  { NULL },
};

static void
mb_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  int k = sample_odd (rng, params[MB_BLUR_LIMIT].v[0], params[MB_BLUR_LIMIT].v[1]);
  double angle = augur_rng_range (rng, params[MB_ANGLE].v[0], params[MB_ANGLE].v[1]);
  double direction = augur_rng_range (rng, params[MB_DIRECTION].v[0], params[MB_DIRECTION].v[1]);
  double sx = 0, sy = 0;

  if (AUGUR_PARAM_BOOL_VALUE (params, MB_SHIFTED))
    {
      sx = augur_rng_range (rng, -1, 1) * (k / 2) / 2.0;
      sy = augur_rng_range (rng, -1, 1) * (k / 2) / 2.0;
    }
  augur_drawn_set (drawn, "ksize", k);
  augur_drawn_set (drawn, "angle", angle);
  augur_drawn_set (drawn, "direction", direction);
  augur_drawn_set (drawn, "shift_x", sx);
  augur_drawn_set (drawn, "shift_y", sy);
}

/*
 * Albumentations' create_motion_kernel(): 2 k points evenly along
 * [-L, L] (L = k / 2) on a line through the kernel's centre at the drawn
 * angle, shifted when drawn so, rounded to cells and clipped to the
 * kernel; each cell hit is set to 1, and the kernel is normalised and
 * applied with filter2D. As in Albumentations 2.0.8, a direction d other
 * than 0 stretches the line by 1 + |d| (flipped for d < 0) before the
 * clipping, so that the points past the kernel pile up on its border.
 */
static AugurImage *
mb_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int k = (int) augur_drawn_get (drawn, "ksize"), c = k / 2, n = 0;
  double t = augur_drawn_get (drawn, "angle") * G_PI / 180.0;
  double d = augur_drawn_get (drawn, "direction");
  double sx = augur_drawn_get (drawn, "shift_x"), sy = augur_drawn_get (drawn, "shift_y");
  double stretch = d == 0 ? 1 : (1 + fabs (d)) * (d < 0 ? -1 : 1);
  g_autofree float *kernel = g_new0 (float, (gsize) k * k);

  for (int i = 0; i < 2 * k; i++)
    {
      double s = (-c + 2.0 * c * i / (2.0 * k - 1)) * stretch;
      int x = (int) CLAMP (rint (c + cos (t) * s + sx), 0, k - 1);
      int y = (int) CLAMP (rint (c + sin (t) * s + sy), 0, k - 1);

      kernel[y * k + x] = 1;
    }
  for (int i = 0; i < k * k; i++)
    n += kernel[i] != 0;
  for (int i = 0; i < k * k; i++)
    kernel[i] /= (float) n;
  return filter2d (src, kernel, k, k);
}

/* MedianBlur -------------------------------------------------------------------- */

#define MED_MAX_KSIZE 99

static const AugurParamSpec med_params[] = {
  BLUR_PARAM_ODD_SIZE ("blur_limit", "Kernel size", 3, MED_MAX_KSIZE, 3, 7),
};

#define MED_SORT(a, b) do { guint8 lo_ = MIN (a, b); b = MAX (a, b); a = lo_; } while (0)

/* The median of nine from sorted columns: the median of the three
 * columns' minima's maximum, medians' median and maxima's minimum (each
 * of these bounds the median; see Paeth, Graphics Gems, and Smith's
 * "Implementing median filters in XC4000E FPGAs"): 3 sorts of three and
 * 12 minima and maxima to combine them, against 19 exchanges for a
 * network over the nine. */
static inline guint8
med3_u8 (guint8 a,
         guint8 b,
         guint8 c)
{
  return MAX (MIN (a, b), MIN (MAX (a, b), c));
}

/* The interior of a row in one pass: each window's three columns sorted
 * in registers and combined as above. Sorting each column three times (once
 * for each window that holds it) costs less than storing the sorted
 * columns and reading them back. */
AUGUR_SIMD_CLONES static void
median3_fused (guint8       *restrict d,
               const guint8 *restrict r0,
               const guint8 *restrict r1,
               const guint8 *restrict r2,
               int                    n,
               int                    nc)
{
  for (int i = 0; i < n; i++)
    {
      guint8 a0 = r0[i], a1 = r1[i], a2 = r2[i];
      guint8 b0 = r0[i + nc], b1 = r1[i + nc], b2 = r2[i + nc];
      guint8 c0 = r0[i + 2 * nc], c1 = r1[i + 2 * nc], c2 = r2[i + 2 * nc];

      MED_SORT (a0, a1); MED_SORT (a1, a2); MED_SORT (a0, a1);
      MED_SORT (b0, b1); MED_SORT (b1, b2); MED_SORT (b0, b1);
      MED_SORT (c0, c1); MED_SORT (c1, c2); MED_SORT (c0, c1);
      d[i] = med3_u8 (MAX (MAX (a0, b0), c0), med3_u8 (a1, b1, c1), MIN (MIN (a2, b2), c2));
    }
}

/* Pixel @x of a row, its columns outside the image replicated. */
static void
median3_edge (guint8       *d,
              const guint8 *r0,
              const guint8 *r1,
              const guint8 *r2,
              int           x,
              int           w,
              int           nc)
{
  int xs[3] = { MAX (x - 1, 0), x, MIN (x + 1, w - 1) };

  for (int c = 0; c < nc; c++)
    {
      guint8 lo[3], mid[3], hi[3];

      for (int k = 0; k < 3; k++)
        {
          guint8 a = r0[xs[k] * nc + c], b = r1[xs[k] * nc + c], e = r2[xs[k] * nc + c];

          MED_SORT (a, b); MED_SORT (b, e); MED_SORT (a, b);
          lo[k] = a;
          mid[k] = b;
          hi[k] = e;
        }
      d[x * nc + c] = med3_u8 (MAX (MAX (lo[0], lo[1]), lo[2]), med3_u8 (mid[0], mid[1], mid[2]),
                               MIN (MIN (hi[0], hi[1]), hi[2]));
    }
}

/* Output rows [@first, @last) of the 3 x 3 median, borders replicated,
 * straight from the image's rows (no padded copy): the interior in one
 * vectorised pass, the first and last pixel on their own. */
static void
median3_strip (const AugurImage *src,
               AugurImage       *out,
               int               first,
               int               last)
{
  int nc = src->channels, w = src->width, n = w * nc, h = src->height;

  for (int y = first; y < last; y++)
    {
      const guint8 *r0 = augur_image_row (src, MAX (y - 1, 0));
      const guint8 *r1 = augur_image_row (src, y);
      const guint8 *r2 = augur_image_row (src, MIN (y + 1, h - 1));
      guint8 *d = augur_image_row (out, y);

      if (w >= 3)
        median3_fused (d + nc, r0, r1, r2, n - 2 * nc, nc);
      else if (w == 2)
        median3_edge (d, r0, r1, r2, 1, w, nc);
      median3_edge (d, r0, r1, r2, 0, w, nc);
      if (w >= 3)
        median3_edge (d, r0, r1, r2, w - 1, w, nc);
    }
}

/* Any odd size up to MED_BITWISE_MAX: the median bit by bit. The median
 * of a window is the largest v with fewer than half + 1 values below v;
 * its bits are settled from the top, each by counting, for every pixel of
 * the row at once, the window values below the candidate. 8 k^2
 * comparisons a value, all in byte lanes (counts fit a byte up to 15 x 15). */
#define MED_BITWISE_MAX 15
#define MED_BLOCK 512

AUGUR_SIMD_CLONES static void
median_count_below (guint8       *restrict count,
                    const guint8 *restrict p,
                    const guint8 *restrict cand,
                    int                    n)
{
  for (int i = 0; i < n; i++)
    count[i] += p[i] < cand[i];
}

/* A whole row of a 7-wide window in one pass (fewer passes over the
 * counts than one value at a time). */
AUGUR_SIMD_CLONES static void
median_count_below_7 (guint8       *restrict count,
                      const guint8 *restrict p,
                      const guint8 *restrict cand,
                      int                    n,
                      int                    nc)
{
  for (int i = 0; i < n; i++)
    {
      guint8 c = cand[i];

      count[i] += (p[i] < c) + (p[i + nc] < c) + (p[i + 2 * nc] < c) + (p[i + 3 * nc] < c) +
                  (p[i + 4 * nc] < c) + (p[i + 5 * nc] < c) + (p[i + 6 * nc] < c);
    }
}

AUGUR_SIMD_CLONES static void
median_settle (guint8       *restrict res,
               guint8       *restrict cand,
               guint8       *restrict count,
               int                    n,
               int                    half,
               guint8                 bit)
{
  for (int i = 0; i < n; i++)
    {
      res[i] = count[i] <= half ? cand[i] : res[i];
      cand[i] = res[i] | bit;
      count[i] = 0;
    }
}

static void
median_bitwise_row (guint8       *d,
                    const guint8 *pad,
                    gsize         stride,
                    int           n,
                    int           nc,
                    int           k)
{
  int half = k * k / 2;
  guint8 cand[MED_BLOCK], count[MED_BLOCK];

  for (int at = 0; at < n; at += MED_BLOCK)
    {
      int len = MIN (MED_BLOCK, n - at);
      guint8 *res = d + at;

      memset (res, 0, len);
      memset (count, 0, len);
      memset (cand, 0x80, len);
      for (int bit = 0x80; bit > 0; bit >>= 1)
        {
          for (int i = 0; i < k; i++)
            {
              const guint8 *row = pad + i * stride + at;

              if (k == 7)
                median_count_below_7 (count, row, cand, len, nc);
              else
                for (int j = 0; j < k; j++)
                  median_count_below (count, row + (gsize) j * nc, cand, len);
            }
          median_settle (res, cand, count, len, half, (guint8) (bit >> 1));
        }
    }
}

/* Larger sizes: Huang's sliding histogram along each row, with a coarse
 * histogram of 16 bins to find the median in 32 steps. */
static void
median_huang_row (guint8       *d,
                  const guint8 *pad,
                  gsize         stride,
                  int           w,
                  int           nc,
                  int           k)
{
  int half = k * k / 2;

  for (int c = 0; c < nc; c++)
    {
      int fine[256] = { 0 }, coarse[16] = { 0 };

      for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
          {
            int v = pad[i * stride + (gsize) j * nc + c];

            fine[v]++;
            coarse[v >> 4]++;
          }
      for (int x = 0; x < w; x++)
        {
          int acc = 0, b = 0, v;

          if (x > 0)
            for (int i = 0; i < k; i++)
              {
                const guint8 *row = pad + i * stride;
                int out = row[(gsize) (x - 1) * nc + c], in = row[(gsize) (x + k - 1) * nc + c];

                fine[out]--;
                coarse[out >> 4]--;
                fine[in]++;
                coarse[in >> 4]++;
              }
          while (acc + coarse[b] <= half)
            acc += coarse[b++];
          v = b << 4;
          while (acc + fine[v] <= half)
            acc += fine[v++];
          d[x * nc + c] = (guint8) v;
        }
    }
}

typedef struct
{
  const AugurImage *src;
  AugurImage       *out;
  int               k;
} MedianStrips;

/* Output rows [@first, @last): their input rows, replicated at the
 * borders, padded into a band of last - first + k - 1 rows (small enough
 * to stay in cache, where a padded copy of the whole image was not), then
 * each row's median. */
static void
median_strip (gpointer data,
              int      first,
              int      last)
{
  const MedianStrips *m = data;
  const AugurImage *src = m->src;
  int k = m->k, r = k / 2, nc = src->channels, w = src->width, h = src->height;
  gsize stride = (gsize) (w + 2 * r) * nc;
  g_autofree guint8 *band = NULL;

  if (k == 3)
    {
      median3_strip (src, m->out, first, last);
      return;
    }
  band = g_malloc (stride * (last - first + 2 * r));

  for (int y = first - r; y < last + r; y++)
    {
      const guint8 *s = augur_image_row (src, CLAMP (y, 0, h - 1));
      guint8 *d = band + (gsize) (y - first + r) * stride;

      /* the row in one copy, then r replicated pixels each side */
      memcpy (d + (gsize) r * nc, s, (gsize) w * nc);
      for (int x = 0; x < r; x++)
        for (int c = 0; c < nc; c++)
          {
            d[(gsize) x * nc + c] = s[c];
            d[(gsize) (r + w + x) * nc + c] = s[(gsize) (w - 1) * nc + c];
          }
    }

  for (int y = first; y < last; y++)
    {
      const guint8 *top = band + (gsize) (y - first) * stride;
      guint8 *d = augur_image_row (m->out, y);

      if (k == 5)
        {
          const guint8 *taps[25];

          for (int i = 0; i < 25; i++)
            taps[i] = top + (i / 5) * stride + (gsize) (i % 5) * nc;
          augur_median25 (d, taps, w * nc);
        }
      else if (k <= MED_BITWISE_MAX)
        median_bitwise_row (d, top, stride, w * nc, nc, k);
      else
        median_huang_row (d, top, stride, w, nc, k);
    }
}

/* OpenCV's medianBlur(): borders replicated. In strips (augur-strips.h),
 * on several threads for a large image; a cancelled apply comes back
 * black. */
static AugurImage *
med_apply (const AugurImage *src,
           const AugurValue *params,
           const AugurDrawn *drawn)
{
  MedianStrips m = { src, NULL, (int) augur_drawn_get (drawn, "ksize") };

  if (m.k < 3)
    return augur_image_copy (src);

  m.out = augur_image_new_like_uninitialized (src);
  if (!augur_strips_run (src->height, (double) src->width * src->channels * m.k, median_strip, &m))
    memset (m.out->data, 0, (gsize) m.out->stride * m.out->height);
  keep_alpha (m.out, src);
  return m.out;
}

/* GlassBlur --------------------------------------------------------------------- */

enum { GL_SIGMA, GL_MAX_DELTA, GL_ITERATIONS, GL_MODE };
enum { GL_FAST, GL_EXACT };

static const char *const gl_mode_nicks[] = { "fast", "exact", NULL };

static const AugurParamSpec gl_params[] = {
  [GL_SIGMA] = {
    .name = "sigma", .label = "Sigma",
    .description = "Standard deviation of the Gaussian blur before and after the swaps",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0, .max = 20, .ui_min = 0, .ui_max = 3, .step = 0.05, .def = { 0.7 } },
  [GL_MAX_DELTA] = {
    .name = "max_delta", .label = "Reach",
    .description = "How far, in pixels, a pixel may be swapped with a neighbour",
    .type = AUGUR_PARAM_INT,
    .min = 1, .max = 50, .ui_min = 1, .ui_max = 10, .step = 1, .def = { 4 } },
  [GL_ITERATIONS] = {
    .name = "iterations", .label = "Iterations",
    .description = "How many passes of swaps",
    .type = AUGUR_PARAM_INT,
    .min = 1, .max = 20, .ui_min = 1, .ui_max = 5, .step = 1, .def = { 2 } },
  [GL_MODE] = {
    .name = "mode", .label = "Mode",
    .description = "fast: each pass swaps all pixels at once (as numpy's fancy indexing "
                   "does); exact: one swap after another",
    .type = AUGUR_PARAM_ENUM, .def_nick = GL_FAST, .nicks = gl_mode_nicks },
};

/* The swaps are many (two offsets per pixel and pass): a seed for them is
 * drawn and recorded, and apply() draws them from it. */
static const AugurDrawnSpec seed_drawn[] = {
  { "seed", FALSE, 0, 9007199254740992.0, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
seed_sample (const AugurValue *params,
             const AugurShape *in,
             AugurRng         *rng,
             AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/*
 * Albumentations' glass_blur(): a Gaussian blur, then `iterations` passes
 * of swapping each pixel with a random neighbour within max_delta (see
 * augur_glass_swaps()), then the blur again.
 */
static AugurImage *
gl_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  double sigma = params[GL_SIGMA].v[0];
  int delta = (int) params[GL_MAX_DELTA].v[0], iterations = (int) params[GL_ITERATIONS].v[0];
  gboolean exact = AUGUR_PARAM_NICK (params, GL_MODE) == GL_EXACT;
  g_autoptr(AugurImage) work = gauss_blur_u8 (src, 0, sigma);
  AugurImage *out;
  AugurRng rng;

  /* The swaps change the blurred image in place: it must be a new one,
   * not the source handed back for a blur of nothing. */
  if (work == src)
    {
      augur_image_unref (work);
      work = augur_image_copy (src);
    }
  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));
  augur_glass_swaps (work->data, work->stride, work->width, work->height, work->channels,
                     delta, iterations, exact, &rng);
  out = gauss_blur_u8 (work, 0, sigma);
  keep_alpha (out, src);
  return out;
}

/* Defocus ---------------------------------------------------------------------- */

enum { DF_RADIUS, DF_ALIAS };

#define DF_MAX_RADIUS 50

static const AugurParamSpec df_params[] = {
  [DF_RADIUS] = {
    .name = "radius", .label = "Radius",
    .description = "Range of the radius of the defocus disc, in pixels",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 1, .max = DF_MAX_RADIUS, .ui_min = 1, .ui_max = 20, .step = 1, .def = { 3, 10 } },
  [DF_ALIAS] = {
    .name = "alias_blur", .label = "Edge softness",
    .description = "Range of the sigma of the Gaussian that softens the disc's edge",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 5, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.1, 0.5 } },
};

static const AugurDrawnSpec df_drawn[] = {
  { "radius", FALSE, 1, DF_MAX_RADIUS, .label = "Radius", .unit = "px" },
  { "alias_blur", FALSE, 0, 5, .label = "Alias blur", .unit = "px" },
  { NULL },
};

static void
df_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "radius", (double) augur_rng_int (rng, (gint64) params[DF_RADIUS].v[0],
                                                            (gint64) params[DF_RADIUS].v[1]));
  augur_drawn_set (drawn, "alias_blur", augur_rng_range (rng, params[DF_ALIAS].v[0], params[DF_ALIAS].v[1]));
}

/*
 * Albumentations' defocus(): the disc x^2 + y^2 <= r^2 on a grid of
 * max(8, r) either side, normalised, blurred by a 3 x 3 Gaussian (5 x 5
 * past r = 8) of sigma alias_blur (reflect-101 at the grid's edge), then
 * applied with filter2D. The grid's empty margin is trimmed first.
 */
static AugurImage *
df_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int radius = (int) augur_drawn_get (drawn, "radius");
  double alias = augur_drawn_get (drawn, "alias_blur");
  int half = MAX (8, radius), n = 2 * half + 1, gk = radius <= 8 ? 3 : 5, gr = gk / 2;
  int lo = n, hi = -1, m;
  g_autofree float *disc = g_new0 (float, (gsize) n * n);
  g_autofree float *kernel = g_new0 (float, (gsize) n * n);
  g_autofree float *trimmed = NULL;
  float g[5];
  double sum = 0;

  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++)
      if ((x - half) * (x - half) + (y - half) * (y - half) <= radius * radius)
        {
          disc[y * n + x] = 1;
          sum += 1;
        }
  for (int i = 0; i < n * n; i++)
    disc[i] = (float) (disc[i] / sum);

  /* A sigma of 0 takes OpenCV's sigma for the size. */
  gauss_taps (gk, alias, g);
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++)
      {
        float v = 0;

        for (int i = -gr; i <= gr; i++)
          for (int j = -gr; j <= gr; j++)
            v += g[i + gr] * g[j + gr] * disc[reflect_101 (y + i, n) * n + reflect_101 (x + j, n)];
        kernel[y * n + x] = v;
        if (v > 1e-9f)
          {
            lo = MIN (lo, MIN (x, y));
            hi = MAX (hi, MAX (x, y));
          }
      }

  /* Symmetric about the centre: trim the same margin on every side. */
  lo = MIN (lo, n - 1 - hi);
  m = n - 2 * lo;
  trimmed = g_new (float, (gsize) m * m);
  for (int y = 0; y < m; y++)
    for (int x = 0; x < m; x++)
      trimmed[y * m + x] = kernel[(y + lo) * n + x + lo];
  return filter2d (src, trimmed, m, m);
}

/* ZoomBlur ------------------------------------------------------------------------ */

enum { ZB_MAX_FACTOR, ZB_STEP };

static const AugurParamSpec zb_params[] = {
  [ZB_MAX_FACTOR] = {
    .name = "max_factor", .label = "Zoom",
    .description = "Range of the largest zoom averaged in (1 is none)",
    .type = AUGUR_PARAM_RANGE,
    .min = 1, .max = 2, .ui_min = 1, .ui_max = 1.6, .step = 0.01, .def = { 1, 1.31 } },
  [ZB_STEP] = {
    .name = "step_factor", .label = "Step",
    .description = "Range of the step between successive zooms",
    .type = AUGUR_PARAM_RANGE,
    .min = 0.005, .max = 1, .ui_min = 0.005, .ui_max = 0.1, .step = 0.005, .def = { 0.01, 0.03 } },
};

static const AugurDrawnSpec zb_drawn[] = {
  { "max_factor", FALSE, 1, 2, .label = "Zoom", .unit = "×" },
  { "step_factor", FALSE, 0.005, 1, .label = "Zoom step" },
  { NULL },
};

static void
zb_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  augur_sample_uniform_each (params, zb_drawn, rng, drawn);
}

/* Source positions and weights of Albumentations' central_zoom() along
 * one side of @n pixels: the middle ceil(n / z) pixels (from
 * (n - ceil(n / z)) / 2) resized by OpenCV's bilinear rule to
 * int(ceil(n / z) z), of which the middle n are kept. */
static void
zoom_taps (int     n,
           double  z,
           int    *i0,
           float  *f)
{
  int crop = (int) ceil (n / z), top = (n - crop) / 2, scaled = MAX ((int) (crop * z), 1);
  int trim = scaled - n >= 0 ? (scaled - n) / 2 : -((n - scaled + 1) / 2);
  double ratio = (double) crop / scaled;

  for (int i = 0; i < n; i++)
    {
      double s = (i + trim + 0.5) * ratio - 0.5;
      int k = (int) floor (s);
      double fr = s - k;

      if (k < 0)
        k = 0, fr = 0;
      if (k >= crop - 1)
        k = crop - 1, fr = 0;
      i0[i] = top + k;
      f[i] = (float) fr;
    }
}

static inline void
zoom_resample_row_n (const guint8 *src_row,
                     const int    *xi,
                     const float  *xf,
                     int           w,
                     int           nc,
                     float        *out)
{
  for (int x = 0; x < w; x++)
    {
      const guint8 *p0 = src_row + xi[x] * nc, *p1 = src_row + MIN (xi[x] + 1, w - 1) * nc;

      for (int c = 0; c < nc; c++)
        out[x * nc + c] = p0[c] + xf[x] * (p1[c] - p0[c]);
    }
}

/* The same arithmetic, with the channel count a constant for the common
 * cases, so that the channel loop unrolls. */
static void
zoom_resample_row (const guint8 *src_row,
                   const int    *xi,
                   const float  *xf,
                   int           w,
                   int           nc,
                   float        *out)
{
  switch (nc)
    {
    case 1:
      zoom_resample_row_n (src_row, xi, xf, w, 1, out);
      break;
    case 3:
      zoom_resample_row_n (src_row, xi, xf, w, 3, out);
      break;
    case 4:
      zoom_resample_row_n (src_row, xi, xf, w, 4, out);
      break;
    default:
      zoom_resample_row_n (src_row, xi, xf, w, nc, out);
      break;
    }
}

AUGUR_SIMD_CLONES static void
zoom_blend_row (float       *restrict acc,
                const float *restrict top,
                const float *restrict bottom,
                float                 fy,
                int                   n)
{
  for (int i = 0; i < n; i++)
    acc[i] += top[i] + fy * (bottom[i] - top[i]);
}

/*
 * Albumentations' zoom_blur(): the mean of the image and its zooms about
 * the centre by 1, 1 + step, ... up to max_factor as numpy's arange gives
 * them (each zoom cropped back to the image), bilinear, in float.
 */
static AugurImage *
zb_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  double max_factor = augur_drawn_get (drawn, "max_factor"), step = augur_drawn_get (drawn, "step_factor");
  int w = src->width, h = src->height, nc = src->channels, rowlen = w * nc, count = 1;
  g_autofree float *acc = g_new (float, (gsize) rowlen * h);
  g_autofree int *xi = g_new (int, w);
  g_autofree float *xf = g_new (float, w);
  g_autofree int *yi = g_new (int, h);
  g_autofree float *yf = g_new (float, h);
  g_autofree float *hbuf = g_new (float, 2 * (gsize) rowlen);
  float *hline[2] = { hbuf, hbuf + rowlen };
  int cached[2];
  AugurImage *out = augur_image_new_like_uninitialized (src);

  for (int y = 0; y < h; y++)
    {
      const guint8 *s = augur_image_row (src, y);

      for (int i = 0; i < rowlen; i++)
        acc[(gsize) y * rowlen + i] = s[i];
    }

  /* numpy's arange (1, max_factor, step): ceil ((max - 1) / step) values,
   * which can include max_factor itself when the division rounds up. */
  for (int z = 0; z < (int) ceil ((max_factor - 1.0) / step); z++, count++)
    {
      double factor = 1.0 + z * step;

      zoom_taps (w, factor, xi, xf);
      zoom_taps (h, factor, yi, yf);
      cached[0] = cached[1] = -1;
      for (int y = 0; y < h; y++)
        {
          int r0 = yi[y], r1 = MIN (yi[y] + 1, h - 1);
          int s0 = cached[0] == r0 ? 0 : cached[1] == r0 ? 1 : -1, s1;

          /* The two source rows resampled along x, kept for the next
           * output rows, which mostly share them. */
          if (s0 < 0)
            {
              s0 = cached[0] == r1 ? 1 : 0;
              zoom_resample_row (augur_image_row (src, r0), xi, xf, w, nc, hline[s0]);
              cached[s0] = r0;
            }
          s1 = cached[0] == r1 ? 0 : cached[1] == r1 ? 1 : -1;
          if (s1 < 0)
            {
              s1 = 1 - s0;
              zoom_resample_row (augur_image_row (src, r1), xi, xf, w, nc, hline[s1]);
              cached[s1] = r1;
            }
          zoom_blend_row (acc + (gsize) y * rowlen, hline[s0], hline[s1], yf[y], rowlen);
        }
    }

  for (int y = 0; y < h; y++)
    {
      float *a = acc + (gsize) y * rowlen;

      for (int i = 0; i < rowlen; i++)
        a[i] /= (float) count;
      store_row (augur_image_row (out, y), a, rowlen);
    }
  keep_alpha (out, src);
  return out;
}

/* AdvancedBlur ------------------------------------------------------------------ */

enum { AB_BLUR_LIMIT, AB_SIGMA_X, AB_SIGMA_Y, AB_ROTATE, AB_BETA, AB_NOISE };

#define AB_MAX_KSIZE 31

static const AugurParamSpec ab_params[] = {
  [AB_BLUR_LIMIT] = BLUR_PARAM_ODD_SIZE ("blur_limit", "Kernel size", 3, AB_MAX_KSIZE, 3, 7),
  [AB_SIGMA_X] = {
    .name = "sigma_x_limit", .label = "Sigma x",
    .description = "Range of the kernel's standard deviation along its first axis",
    .type = AUGUR_PARAM_RANGE,
    .min = 0.01, .max = 20, .ui_min = 0.1, .ui_max = 5, .step = 0.05, .def = { 0.2, 1.0 } },
  [AB_SIGMA_Y] = {
    .name = "sigma_y_limit", .label = "Sigma y",
    .description = "Range of the kernel's standard deviation along its second axis",
    .type = AUGUR_PARAM_RANGE,
    .min = 0.01, .max = 20, .ui_min = 0.1, .ui_max = 5, .step = 0.05, .def = { 0.2, 1.0 } },
  [AB_ROTATE] = {
    .name = "rotate_limit", .label = "Rotation",
    .description = "Range of the rotation of the kernel's axes, in degrees",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -180, .max = 180, .ui_min = -90, .ui_max = 90, .step = 1, .def = { -90, 90 } },
  [AB_BETA] = {
    .name = "beta_limit", .label = "Shape",
    .description = "Range of the generalised Gaussian's exponent: below 1 heavy tails, "
                   "1 Gaussian, above 1 a flatter plateau (each side of 1 drawn half the time)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0.01, .max = 20, .ui_min = 0.2, .ui_max = 8, .step = 0.05, .def = { 0.5, 8.0 } },
  [AB_NOISE] = {
    .name = "noise_limit", .label = "Kernel noise",
    .description = "Range of the random factor each kernel tap is multiplied by",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 10, .ui_min = 0.5, .ui_max = 1.5, .step = 0.01, .def = { 0.9, 1.1 } },
};

static const AugurDrawnSpec ab_drawn[] = {
  { "ksize", FALSE, 3, AB_MAX_KSIZE, .label = "Kernel size", .unit = "px" },
  { "sigma_x", FALSE, 0.01, 20, .label = "Sigma x", .unit = "px" },
  { "sigma_y", FALSE, 0.01, 20, .label = "Sigma y", .unit = "px" },
  { "rotate", FALSE, -180, 180, .label = "Rotation", .unit = "°" },
  { "beta", FALSE, 0.01, 20, .label = "Shape (beta)" },
  { "seed", FALSE, 0, 9007199254740992.0, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
ab_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  double blo = params[AB_BETA].v[0], bhi = params[AB_BETA].v[1], beta;

  augur_drawn_set (drawn, "ksize", sample_odd (rng, params[AB_BLUR_LIMIT].v[0], params[AB_BLUR_LIMIT].v[1]));
  augur_drawn_set (drawn, "sigma_x", augur_rng_range (rng, params[AB_SIGMA_X].v[0], params[AB_SIGMA_X].v[1]));
  augur_drawn_set (drawn, "sigma_y", augur_rng_range (rng, params[AB_SIGMA_Y].v[0], params[AB_SIGMA_Y].v[1]));
  augur_drawn_set (drawn, "rotate", augur_rng_range (rng, params[AB_ROTATE].v[0], params[AB_ROTATE].v[1]));
  /* Albumentations splits the draw at 1 so that narrow kernels are not
   * drawn too often. */
  if (blo < 1 && bhi > 1)
    beta = augur_rng_chance (rng, 0.5) ? augur_rng_range (rng, blo, 1) : augur_rng_range (rng, 1, bhi);
  else
    beta = augur_rng_range (rng, blo, bhi);
  augur_drawn_set (drawn, "beta", beta);
  /* The k x k noise factors come from this seed. */
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/*
 * Albumentations' AdvancedBlur (the generalised Gaussian of Real-ESRGAN):
 * exp(-0.5 (p^T S^-1 p)^beta) over the k x k grid, S the covariance with
 * sigma_x, sigma_y rotated by the drawn angle, each tap multiplied by a
 * uniform noise factor, normalised to sum 1, applied with filter2D.
 */
static AugurImage *
ab_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int k = (int) augur_drawn_get (drawn, "ksize"), r = k / 2;
  double sx = augur_drawn_get (drawn, "sigma_x"), sy = augur_drawn_get (drawn, "sigma_y");
  double t = augur_drawn_get (drawn, "rotate") * G_PI / 180.0, beta = augur_drawn_get (drawn, "beta");
  double c = cos (t), s = sin (t), sum = 0;
  /* S = U diag(sx^2, sy^2) U^T; its inverse U diag(1/sx^2, 1/sy^2) U^T. */
  double a = c * c / (sx * sx) + s * s / (sy * sy);
  double b = c * s * (1 / (sx * sx) - 1 / (sy * sy));
  double d = s * s / (sx * sx) + c * c / (sy * sy);
  g_autofree float *kernel = g_new (float, (gsize) k * k);
  AugurRng rng;

  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));
  for (int y = 0; y < k; y++)
    for (int x = 0; x < k; x++)
      {
        double px = x - r, py = y - r;
        double q = a * px * px + 2 * b * px * py + d * py * py;
        double v = exp (-0.5 * pow (q, beta));

        v *= augur_rng_range (&rng, params[AB_NOISE].v[0], params[AB_NOISE].v[1]);
        kernel[y * k + x] = (float) v;
        sum += v;
      }
  if (sum <= 0)
    return augur_image_copy (src);
  for (int i = 0; i < k * k; i++)
    kernel[i] = (float) (kernel[i] / sum);
  return filter2d (src, kernel, k, k);
}

/* Sharpen ---------------------------------------------------------------------- */

enum { SH_ALPHA, SH_LIGHTNESS, SH_METHOD, SH_KSIZE, SH_SIGMA };
enum { SH_KERNEL, SH_GAUSSIAN };

static const char *const sh_method_nicks[] = { "kernel", "gaussian", NULL };

#define BLUR_PARAM_BLEND_ALPHA \
  { .name = "alpha", .label = "Strength", \
    .description = "Range of the blend of the effect over the image (0 none, 1 all effect)", \
    .type = AUGUR_PARAM_RANGE, \
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.2, 0.5 } }

static const AugurParamSpec sh_params[] = {
  [SH_ALPHA] = BLUR_PARAM_BLEND_ALPHA,
  [SH_LIGHTNESS] = {
    .name = "lightness", .label = "Lightness",
    .description = "Range of the centre weight beyond 8 in the kernel method: 1 keeps the "
                   "brightness, below darkens, above brightens",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 10, .ui_min = 0, .ui_max = 2, .step = 0.01, .def = { 0.5, 1.0 } },
  [SH_METHOD] = {
    .name = "method", .label = "Method",
    .description = "kernel: a 3 x 3 Laplacian kernel; gaussian: the image plus alpha times its "
                   "difference from a Gaussian blur",
    .type = AUGUR_PARAM_ENUM, .def_nick = SH_KERNEL, .nicks = sh_method_nicks },
  [SH_KSIZE] = {
    .name = "kernel_size", .label = "Blur size",
    .description = "Size of the Gaussian of the gaussian method (odd)",
    .type = AUGUR_PARAM_INT,
    .min = 3, .max = 99, .ui_min = 3, .ui_max = 15, .step = 2, .def = { 5 } },
  [SH_SIGMA] = {
    .name = "sigma", .label = "Blur sigma",
    .description = "Standard deviation of the Gaussian of the gaussian method",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0, .max = 50, .ui_min = 0.1, .ui_max = 5, .step = 0.1, .def = { 1.0 } },
};

static gboolean
sh_check (const AugurValue  *params,
          GError           **error)
{
  int k = (int) params[SH_KSIZE].v[0];

  if (k % 2 == 0)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "kernel_size: must be odd, not %d", k);
      return FALSE;
    }
  return TRUE;
}

static const AugurDrawnSpec sh_drawn[] = {
  { "alpha", FALSE, 0, 1, .label = "Strength" },
  { "lightness", FALSE, 0, 10, .label = "Lightness" },
  { NULL },
};

static void
sh_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  augur_sample_uniform_each (params, sh_drawn, rng, drawn);
}

/* A 3 x 3 kernel: (1 - alpha) times the identity plus alpha times @effect. */
static AugurImage *
blend_kernel_3x3 (const AugurImage *src,
                  double            alpha,
                  const double      effect[9])
{
  float k[9];

  for (int i = 0; i < 9; i++)
    k[i] = (float) (alpha * effect[i] + (i == 4 ? 1 - alpha : 0));
  return filter2d (src, k, 3, 3);
}

AUGUR_SIMD_CLONES static void
sharpen_rows (guint8       *restrict d,
              const guint8 *restrict s,
              const guint8 *restrict b,
              int                    n,
              float                  alpha)
{
  for (int i = 0; i < n; i++)
    {
      float v = s[i] + alpha * ((float) s[i] - b[i]) + 0.5f;

      v = MAX (v, 0.0f);
      d[i] = (guint8) MIN (v, 255.0f);
    }
}

/* Albumentations' Sharpen: the kernel method applies
 * (1 - alpha) I + alpha [-1 -1 -1; -1 8+lightness -1; -1 -1 -1]; the
 * gaussian method computes x + alpha (x - blur(x)). */
static AugurImage *
sh_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  double alpha = augur_drawn_get (drawn, "alpha"), lightness = augur_drawn_get (drawn, "lightness");
  g_autoptr(AugurImage) blurred = NULL;
  AugurImage *out;

  if (AUGUR_PARAM_NICK (params, SH_METHOD) == SH_KERNEL)
    {
      const double effect[9] = { -1, -1, -1, -1, 8 + lightness, -1, -1, -1, -1 };

      return blend_kernel_3x3 (src, alpha, effect);
    }

  blurred = gauss_blur_u8 (src, (int) params[SH_KSIZE].v[0], params[SH_SIGMA].v[0]);
  out = augur_image_new_like_uninitialized (src);
  for (int y = 0; y < src->height; y++)
    sharpen_rows (augur_image_row (out, y), augur_image_row (src, y), augur_image_row (blurred, y),
                  src->width * src->channels, (float) alpha);
  keep_alpha (out, src);
  return out;
}

/* UnsharpMask ------------------------------------------------------------------- */

enum { UM_BLUR_LIMIT, UM_SIGMA, UM_ALPHA, UM_THRESHOLD };

static const AugurParamSpec um_params[] = {
  [UM_BLUR_LIMIT] = {
    .name = "blur_limit", .label = "Blur size",
    .description = "Range of the Gaussian's size (odd; 0 derives it from sigma)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 0, .max = 99, .ui_min = 0, .ui_max = 31, .step = 2, .def = { 3, 7 } },
  [UM_SIGMA] = {
    .name = "sigma_limit", .label = "Blur sigma",
    .description = "Range of the Gaussian's standard deviation (0 derives it from the size)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 50, .ui_min = 0, .ui_max = 10, .step = 0.1, .def = { 0, 0 } },
  [UM_ALPHA] = BLUR_PARAM_BLEND_ALPHA,
  [UM_THRESHOLD] = {
    .name = "threshold", .label = "Threshold",
    .description = "Differences from the blur up to this many levels are not sharpened (noise)",
    .type = AUGUR_PARAM_INT,
    .min = 0, .max = 255, .ui_min = 0, .ui_max = 100, .step = 1, .def = { 10 } },
};

static const AugurDrawnSpec um_drawn[] = {
  { "ksize", FALSE, 0, 99, .label = "Kernel size", .unit = "px" },
  { "sigma", FALSE, 0, 50, .label = "Sigma", .unit = "px" },
  { "alpha", FALSE, 0, 1, .label = "Strength" },
  { NULL },
};

static void
um_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  int k = params[UM_BLUR_LIMIT].v[1] < 3 ? 0 : sample_odd (rng, MAX (params[UM_BLUR_LIMIT].v[0], 3),
                                                          params[UM_BLUR_LIMIT].v[1]);

  augur_drawn_set (drawn, "ksize", k);
  augur_drawn_set (drawn, "sigma", augur_rng_range (rng, params[UM_SIGMA].v[0], params[UM_SIGMA].v[1]));
  augur_drawn_set (drawn, "alpha", augur_rng_range (rng, params[UM_ALPHA].v[0], params[UM_ALPHA].v[1]));
}

/*
 * Albumentations' unsharp_mask(), on [0, 1] values per channel: the
 * residual x - blur(x); sharp = clip(x + alpha residual); a mask where
 * |residual| * 255 > threshold, itself blurred; the output blends sharp
 * over x by the soft mask.
 */
static AugurImage *
um_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int k = (int) augur_drawn_get (drawn, "ksize");
  double sigma = augur_drawn_get (drawn, "sigma");
  float alpha = (float) augur_drawn_get (drawn, "alpha"), threshold = (float) params[UM_THRESHOLD].v[0];
  int w = src->width, h = src->height, nc = src->channels, cc = nc == 4 ? 3 : nc;
  gsize n = (gsize) w * h;
  g_autofree float *x = g_new (float, n);
  g_autofree float *blur = g_new (float, n);
  g_autofree float *mask = g_new (float, n);
  AugurImage *out;

  if (k <= 0)
    k = sigma > 0 ? gauss_ksize_for_sigma (sigma) : 0;
  if (k < 3)
    return augur_image_copy (src);

  out = augur_image_copy (src);
  for (int c = 0; c < cc; c++)
    {
      for (int y = 0; y < h; y++)
        {
          const guint8 *s = augur_image_row (src, y);

          for (int i = 0; i < w; i++)
            x[(gsize) y * w + i] = s[i * nc + c] / 255.0f;
        }
      memcpy (blur, x, n * sizeof (float));
      gauss_blur_plane (blur, w, h, k, sigma);
      for (gsize i = 0; i < n; i++)
        mask[i] = fabsf (x[i] - blur[i]) * 255.0f > threshold ? 1.0f : 0.0f;
      gauss_blur_plane (mask, w, h, k, sigma);
      for (int y = 0; y < h; y++)
        {
          guint8 *d = augur_image_row (out, y);

          for (int i = 0; i < w; i++)
            {
              gsize j = (gsize) y * w + i;
              float sharp = CLAMP (x[j] + alpha * (x[j] - blur[j]), 0.0f, 1.0f);

              d[i * nc + c] = augur_clamp_u8 ((mask[j] * sharp + (1 - mask[j]) * x[j]) * 255.0f);
            }
        }
    }
  return out;
}

/* Emboss ------------------------------------------------------------------------ */

enum { EM_ALPHA, EM_STRENGTH };

static const AugurParamSpec em_params[] = {
  [EM_ALPHA] = BLUR_PARAM_BLEND_ALPHA,
  [EM_STRENGTH] = {
    .name = "strength", .label = "Depth",
    .description = "Range of the strength of the relief",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 10, .ui_min = 0, .ui_max = 2, .step = 0.01, .def = { 0.2, 0.7 } },
};

static const AugurDrawnSpec em_drawn[] = {
  { "alpha", FALSE, 0, 1, .label = "Strength" },
  { "strength", FALSE, 0, 10, .label = "Relief" },
  { NULL },
};

static void
em_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  augur_sample_uniform_each (params, em_drawn, rng, drawn);
}

/* Albumentations' Emboss: (1 - alpha) I + alpha
 * [-1-s -s 0; -s 1 s; 0 s 1+s], whose taps sum to 1 (flat stays flat). */
static AugurImage *
em_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  double s = augur_drawn_get (drawn, "strength");
  const double effect[9] = { -1 - s, -s, 0, -s, 1, s, 0, s, 1 + s };

  return blend_kernel_3x3 (src, augur_drawn_get (drawn, "alpha"), effect);
}

/* Superpixels ------------------------------------------------------------------- */

enum { SP_P_REPLACE, SP_N_SEGMENTS, SP_MAX_SIZE, SP_INTERPOLATION };

#define SP_MAX_SEGMENTS 1000

static const AugurParamSpec sp_params[] = {
  [SP_P_REPLACE] = {
    .name = "p_replace", .label = "Replaced share",
    .description = "Range of the probability that a segment is filled with its mean colour",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0, 0.1 } },
  [SP_N_SEGMENTS] = {
    .name = "n_segments", .label = "Segments",
    .description = "Range of the number of segments aimed at",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 1, .max = SP_MAX_SEGMENTS, .ui_min = 10, .ui_max = 500, .step = 1, .def = { 100, 100 } },
  [SP_MAX_SIZE] = {
    .name = "max_size", .label = "Working size",
    .description = "Segment a copy whose longer side is at most this, then resize back "
                   "(none: at full size)",
    .type = AUGUR_PARAM_INT, .flags = AUGUR_PARAM_NULLABLE,
    .min = 8, .max = 4096, .ui_min = 32, .ui_max = 512, .step = 1, .def = { 128 } },
  [SP_INTERPOLATION] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
};

static const AugurDrawnSpec sp_drawn[] = {
  { "n_segments", FALSE, 1, SP_MAX_SEGMENTS, .label = "Segments" },
  { "replaced", TRUE, 0, SP_MAX_SEGMENTS - 1, 0, SP_MAX_SEGMENTS, .label = "Replaced", .show = AUGUR_DRAWN_SHOW_COUNT, .unit = "segment|segments" },
  { NULL },
};

static void
sp_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  int n = (int) augur_rng_int (rng, (gint64) params[SP_N_SEGMENTS].v[0], (gint64) params[SP_N_SEGMENTS].v[1]);
  double p = augur_rng_range (rng, params[SP_P_REPLACE].v[0], params[SP_P_REPLACE].v[1]);
  g_autoptr(GArray) replaced = g_array_new (FALSE, FALSE, sizeof (double));

  /* Albumentations draws one chance per segment; the ones that came up
   * are recorded by index. */
  for (int i = 0; i < n; i++)
    if (augur_rng_uniform (rng) < p)
      {
        double v = i;

        g_array_append_val (replaced, v);
      }
  augur_drawn_set (drawn, "n_segments", n);
  augur_drawn_set_list (drawn, "replaced", (const double *) (const void *) replaced->data, replaced->len);
}

/*
 * Albumentations' superpixels(): nothing when no segment was drawn for
 * replacing; otherwise the image is shrunk to max_size (longer side), cut
 * into SLIC segments, the drawn ones filled with their mean colour (the
 * k-th segment present, in label order, takes draw k modulo n_segments),
 * and resized back.
 */
static AugurImage *
sp_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int n = (int) augur_drawn_get (drawn, "n_segments"), nc = src->channels, cc = nc == 4 ? 3 : nc;
  guint n_replaced = 0;
  const double *list = augur_drawn_get_list (drawn, "replaced", &n_replaced);
  AugurInterpolation interp = (AugurInterpolation) AUGUR_PARAM_NICK (params, SP_INTERPOLATION);
  g_autofree gboolean *replace = g_new0 (gboolean, MAX (n, 1));
  g_autoptr(AugurImage) img = NULL;
  g_autofree int *labels = NULL;
  g_autofree double *means = NULL;
  g_autofree int *order = NULL;
  int n_centres = 0, side = MAX (src->width, src->height), k = 0;
  AugurImage *out;

  for (guint i = 0; i < n_replaced; i++)
    if ((int) list[i] < n)
      replace[(int) list[i]] = TRUE;
  if (n_replaced == 0)
    return augur_image_copy (src);

  if (!params[SP_MAX_SIZE].is_null && side > (int) params[SP_MAX_SIZE].v[0])
    {
      double scale = params[SP_MAX_SIZE].v[0] / side;

      img = augur_resize (src, MAX ((int) (src->width * scale), 1), MAX ((int) (src->height * scale), 1), interp);
    }
  else
    img = augur_image_copy (src);

  labels = g_new (int, (gsize) img->width * img->height);
  augur_slic_labels (img->data, img->stride, img->width, img->height, nc, MAX (n, 1), labels, &n_centres);

  /* Per label: channel sums and count; then which draw each takes. */
  means = g_new0 (double, (gsize) MAX (n_centres, 1) * 4);
  order = g_new (int, MAX (n_centres, 1));
  for (int y = 0; y < img->height; y++)
    for (int x = 0; x < img->width; x++)
      {
        int l = labels[(gsize) y * img->width + x];

        if (l < 0)
          continue;
        for (int c = 0; c < cc; c++)
          means[4 * l + c] += augur_image_row (img, y)[x * nc + c];
        means[4 * l + 3] += 1;
      }
  for (int l = 0; l < n_centres; l++)
    order[l] = means[4 * l + 3] > 0 ? k++ : -1;

  for (int y = 0; y < img->height; y++)
    for (int x = 0; x < img->width; x++)
      {
        int l = labels[(gsize) y * img->width + x];

        if (l < 0 || !replace[order[l] % MAX (n, 1)])
          continue;
        for (int c = 0; c < cc; c++)
          augur_image_row (img, y)[x * nc + c] = augur_clamp_u8 (rint (means[4 * l + c] / means[4 * l + 3]));
      }

  if (img->width != src->width || img->height != src->height)
    out = augur_resize (img, src->width, src->height, interp);
  else
    out = augur_image_ref (img);
  keep_alpha (out, src);
  return out;
}

/* Morphological ----------------------------------------------------------------- */

enum { MO_SCALE, MO_OPERATION };
enum { MO_EROSION, MO_DILATION };

static const char *const mo_operation_nicks[] = { "erosion", "dilation", NULL };

/* Albumentations takes `scale` as the structuring element's size, not a
 * random range: [width, height], either order. */
static const AugurParamSpec mo_params[] = {
  [MO_SCALE] = {
    .name = "scale", .label = "Size",
    .description = "Width and height of the elliptical structuring element, in pixels",
    .type = AUGUR_PARAM_INT_RANGE, .flags = AUGUR_PARAM_ALLOW_REVERSED,
    .min = 1, .max = 51, .ui_min = 1, .ui_max = 15, .step = 1, .def = { 2, 3 } },
  [MO_OPERATION] = {
    .name = "operation", .label = "Operation",
    .description = "dilation: each pixel becomes the maximum under the element (bright grows); "
                   "erosion: the minimum (dark grows)",
    .type = AUGUR_PARAM_ENUM, .def_nick = MO_DILATION, .nicks = mo_operation_nicks },
};

/*
 * OpenCV's dilate() / erode() with getStructuringElement(MORPH_ELLIPSE,
 * (w, h)), anchored at (w / 2, h / 2); outside the image counts as the
 * neutral value (0 for dilation, 255 for erosion), as OpenCV's default
 * border does. Each row of the element is a run of columns, all centred on
 * the same column, so that the runs nest: the element is the union, over
 * each distinct run (widest first), of that run times the rows whose run
 * holds it. Maxima being separable over such rectangles, each output row
 * is built in levels: V, the maximum down the columns over the rows of the
 * levels so far (one more band of rows each level), and then the maximum
 * of V across the level's run, into the output. For 5 x 5: 3 rows down
 * and 5 across, then 2 more down and 1 across, instead of 17 shifted rows.
 * The passes down read the image's rows where they are (no padded copy).
 */
typedef struct
{
  const AugurImage *src;
  AugurImage       *out;
  int               kw, kh;
  AugurMinMax       mm;
  int               n_levels;
  const int        *j1, *j2;   /* each level's run of columns: [j1, j2) */
  const int        *first;     /* level t adds rows order[first[t]], ..., order[first[t + 1] - 1] */
  const int        *order;     /* the element's rows, widest run first */
} MorphStrips;

static void
mo_strip (gpointer data,
          int      first,
          int      last)
{
  const MorphStrips *m = data;
  int kw = m->kw, kh = m->kh, ax = kw / 2, ay = kh / 2, nc = m->src->channels, h = m->src->height;
  int rowlen = m->src->width * nc, px = MAX (ax, kw - 1 - ax);
  guint8 neutral = m->mm.max ? 0 : 255;
  gsize stride = (gsize) rowlen + 2 * (gsize) px * nc;
  /* V with px neutral columns either side, which no pass writes; rows
   * above and below the image read as a neutral row. */
  g_autofree guint8 *v = g_malloc (stride);
  g_autofree guint8 *outside = g_malloc (rowlen);
  g_autofree const guint8 **rows = g_new (const guint8 *, kh + kw + 1);
  /* A last level whose run is the anchor column alone (the top and
   * bottom rows of an ellipse) takes no pass of its own: across that
   * column V so far is already in the output (every wider run holds the
   * column), so its rows join the previous level's pass across, straight
   * from the image. */
  int top = m->n_levels - 1;
  int levels = top > 0 && m->j1[top] == ax && m->j2[top] == ax + 1 ? top : m->n_levels;

  memset (v, neutral, stride);
  memset (outside, neutral, rowlen);
  for (int y = first; y < last; y++)
    {
      guint8 *d = augur_image_row (m->out, y);
      int n = 0;

      for (int t = 0; t < levels; t++)
        {
          n = 0;
          if (t > 0)
            rows[n++] = v + (gsize) px * nc;
          for (int k = m->first[t]; k < m->first[t + 1]; k++)
            {
              int sy = y + m->order[k] - ay;

              rows[n++] = sy >= 0 && sy < h ? augur_image_row (m->src, sy) : outside;
            }
          augur_minmax_rows (&m->mm, v + (gsize) px * nc, rows, n, rowlen);

          n = 0;
          if (t > 0)
            rows[n++] = d;
          for (int j = m->j1[t]; j < m->j2[t]; j++)
            rows[n++] = v + (gsize) (j - ax + px) * nc;
          /* The rows of a last level left out above, into the output in
           * the same pass. */
          if (t == levels - 1)
            for (int k = m->first[levels]; k < m->first[m->n_levels]; k++)
              {
                int sy = y + m->order[k] - ay;

                rows[n++] = sy >= 0 && sy < h ? augur_image_row (m->src, sy) : outside;
              }
          augur_minmax_rows (&m->mm, d, rows, n, rowlen);
        }
    }
}

/* OpenCV's getStructuringElement (MORPH_ELLIPSE), @kw x @kh: every row i
 * has a run of columns [@j1[i], @j2[i]), [c - dx, c + dx + 1) clipped to
 * the element. */
static void
mo_ellipse_runs (int  kw,
                 int  kh,
                 int *j1,
                 int *j2)
{
  int r = kh / 2, c = kw / 2;
  double inv_r2 = r ? 1.0 / ((double) r * r) : 0;

  for (int i = 0; i < kh; i++)
    {
      int dy = i - r, dx = (int) lrint (c * sqrt ((r * r - dy * dy) * inv_r2));

      g_assert (abs (dy) <= r);
      j1[i] = MAX (c - dx, 0);
      j2[i] = MIN (c + dx + 1, kw);
    }
}

/* In strips (augur-strips.h): several threads for a large image, the
 * same bytes; a cancelled apply comes back black. */
static AugurImage *
mo_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int kw = (int) params[MO_SCALE].v[0], kh = (int) params[MO_SCALE].v[1];
  g_autofree int *row_j1 = g_new (int, kh);
  g_autofree int *row_j2 = g_new (int, kh);
  g_autofree int *order = g_new (int, kh);
  g_autofree int *j1 = g_new (int, kh);
  g_autofree int *j2 = g_new (int, kh);
  g_autofree int *first = g_new (int, kh + 1);
  MorphStrips m = { src, augur_image_new_like_uninitialized (src), kw, kh,
                    .j1 = j1, .j2 = j2, .first = first, .order = order };
  int n = 0;

  augur_minmax_init (&m.mm, AUGUR_PARAM_NICK (params, MO_OPERATION) == MO_DILATION);
  mo_ellipse_runs (kw, kh, row_j1, row_j2);
  /* The rows by run, widest first (insertion sort: kh is small), grouped
   * into levels of equal runs. */
  for (int i = 0; i < kh; i++)
    {
      int k = n++;

      for (; k > 0 && row_j2[order[k - 1]] - row_j1[order[k - 1]] < row_j2[i] - row_j1[i]; k--)
        order[k] = order[k - 1];
      order[k] = i;
    }
  for (int k = 0; k < kh; k++)
    {
      int i = order[k];

      if (k == 0 || row_j1[i] != j1[m.n_levels - 1] || row_j2[i] != j2[m.n_levels - 1])
        {
          /* Runs sharing a centre nest. */
          g_assert (k == 0 || (row_j1[i] >= j1[m.n_levels - 1] && row_j2[i] <= j2[m.n_levels - 1]));
          j1[m.n_levels] = row_j1[i];
          j2[m.n_levels] = row_j2[i];
          first[m.n_levels++] = k;
        }
    }
  first[m.n_levels] = kh;

  if (!augur_strips_run (src->height, (double) src->width * src->channels * (kw + kh), mo_strip, &m))
    memset (m.out->data, 0, (gsize) m.out->stride * m.out->height);
  keep_alpha (m.out, src);
  return m.out;
}

/* The table ---------------------------------------------------------------------- */

/* Separable: the widest kernel a draw can have, its taps both ways per
 * channel value, and float rows. */
static void
gaussian_blur_cost (const AugurValue *params,
                    const AugurShape *in,
                    AugurShape       *out,
                    AugurCost        *cost)
{
  double ksize = params[GB_BLUR_LIMIT].v[1];
  double from_sigma = floor (params[GB_SIGMA_LIMIT].v[1] * 3.5) * 2 + 1;

  *out = *in;
  cost->work = augur_cost_image_bytes (in) * 2 * MAX (MAX (ksize, from_sigma), 1);
  cost->memory = 2 * augur_cost_image_bytes (in) + (double) in->width * in->channels * 2 * sizeof (float);
}

/* MedianBlur at its largest size: per channel value the 3 x 3 network's
 * 19 exchanges (two operations each), 8 k^2 byte comparisons bit by bit
 * up to MED_BITWISE_MAX, and beyond it Huang's histogram: 2 k updates
 * out and in, and about 32 steps of the search. A replicated copy. */
static void
median_blur_cost (const AugurValue *params,
                  const AugurShape *in,
                  AugurShape       *out,
                  AugurCost        *cost)
{
  double k = params[0].v[1];
  double per_value = k <= 3 ? 38 : k <= MED_BITWISE_MAX ? 8 * k * k : 4 * k + 32;

  *out = *in;
  cost->work = augur_cost_image_bytes (in) * per_value;
  cost->memory = 2 * augur_cost_image_bytes (in)
                 + (double) (in->width + k) * (in->height + k) * in->channels;
}

/* A 2-D kernel through filter2d at its largest: @taps per channel value. */
static void
kernel_cost (const AugurShape *in,
             AugurShape       *out,
             double            taps,
             AugurCost        *cost)
{
  *out = *in;
  cost->work = augur_cost_image_bytes (in) * MAX (taps, 1);
  cost->memory = 2 * augur_cost_image_bytes (in) * (1 + sizeof (float));
}

/* MotionBlur: a line of k taps. */
static void
motion_blur_cost (const AugurValue *params,
                  const AugurShape *in,
                  AugurShape       *out,
                  AugurCost        *cost)
{
  kernel_cost (in, out, params[MB_BLUR_LIMIT].v[1], cost);
}

/* Defocus: a disc of the largest radius, widened by its alias blur (3
 * or 5 taps, as df_apply () draws it), on the square around it. */
static void
defocus_cost (const AugurValue *params,
              const AugurShape *in,
              AugurShape       *out,
              AugurCost        *cost)
{
  double radius = params[DF_RADIUS].v[1];
  double side = 2 * (radius + (radius <= 8 ? 1 : 2)) + 1;

  kernel_cost (in, out, side * side, cost);
}

/* AdvancedBlur: a full k x k kernel. */
static void
advanced_blur_cost (const AugurValue *params,
                    const AugurShape *in,
                    AugurShape       *out,
                    AugurCost        *cost)
{
  double k = params[AB_BLUR_LIMIT].v[1];

  kernel_cost (in, out, k * k, cost);
}

/* GlassBlur: two Gaussian blurs of the sigma (both ways, OpenCV's kernel
 * for it) around the swaps, two pixel moves per pixel and iteration. */
static void
glass_blur_cost (const AugurValue *params,
                 const AugurShape *in,
                 AugurShape       *out,
                 AugurCost        *cost)
{
  double ksize = gauss_ksize_for_sigma (params[GL_SIGMA].v[0]);

  *out = *in;
  cost->work = augur_cost_image_bytes (in) * (2 * 2 * ksize + 2 * params[GL_ITERATIONS].v[0]);
  cost->memory = 2 * augur_cost_image_bytes (in) * (1 + sizeof (float));
}

/* ZoomBlur: a linear zoom (4 taps) and an add per zoom, as many zooms as
 * the largest factor and the smallest step make. */
static void
zoom_blur_cost (const AugurValue *params,
                const AugurShape *in,
                AugurShape       *out,
                AugurCost        *cost)
{
  double zooms = ceil ((params[ZB_MAX_FACTOR].v[1] - 1) / MAX (params[ZB_STEP].v[0], 1e-3));

  *out = *in;
  cost->work = augur_cost_image_bytes (in) * MAX (zooms, 1) * 5;
  cost->memory = augur_cost_image_bytes (in) * (2 + 2 * sizeof (float));
}

/* UnsharpMask: two Gaussian blurs of the largest size (of the image, of
 * the mask) both ways, and the blend. */
static void
unsharp_mask_cost (const AugurValue *params,
                   const AugurShape *in,
                   AugurShape       *out,
                   AugurCost        *cost)
{
  double ksize = MAX (params[UM_BLUR_LIMIT].v[1], gauss_ksize_for_sigma (params[UM_SIGMA].v[1]));

  *out = *in;
  cost->work = augur_cost_image_bytes (in) * (2 * 2 * ksize + 10);
  cost->memory = augur_cost_image_bytes (in) * (2 + 3 * sizeof (float));
}

/* Superpixels: SLIC on a copy at most max_size a side (the whole image
 * when max_size is none), about ten iterations that each compare every
 * pixel with the nine nearest centres, then the means and a resize back.
 * Memory: the copy and its filled copy, and SLIC's float per colour
 * channel, distance and label per pixel. */
static void
superpixels_cost (const AugurValue *params,
                  const AugurShape *in,
                  AugurShape       *out,
                  AugurCost        *cost)
{
  double side = MAX (in->width, in->height);
  double scale = params[SP_MAX_SIZE].is_null ? 1.0 : MIN (1.0, params[SP_MAX_SIZE].v[0] / side);
  double pixels = (double) in->width * in->height * scale * scale, small = pixels * in->channels;

  *out = *in;
  cost->work = small * 10 * 9 * 2 + augur_cost_image_bytes (in) * 8;
  cost->memory = 2 * augur_cost_image_bytes (in) + 2 * small + pixels * sizeof (float) * (MIN (in->channels, 3) + 2);
}

/* Morphological: the ellipse's taps (about pi / 4 of its box), a min or
 * max each. */
static void
morphological_cost (const AugurValue *params,
                    const AugurShape *in,
                    AugurShape       *out,
                    AugurCost        *cost)
{
  int kw = (int) params[MO_SCALE].v[0], kh = (int) params[MO_SCALE].v[1];
  g_autofree int *j1 = g_new (int, kh);
  g_autofree int *j2 = g_new (int, kh);
  double passes = kh;

  /* mo_apply's passes: one down per row of the element, and one across
   * per column of each distinct run (the runs are nested: a wider run is
   * a new one). */
  mo_ellipse_runs (kw, kh, j1, j2);
  for (int i = 0; i < kh; i++)
    {
      gboolean seen = FALSE;

      for (int k = 0; k < i; k++)
        seen |= j1[k] == j1[i] && j2[k] == j2[i];
      if (!seen)
        passes += j2[i] - j1[i];
    }
  kernel_cost (in, out, passes, cost);
}

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
    .cost = gaussian_blur_cost,
  },
  {
    .name = "Blur",
    .label = "Box blur",
    .category = AUGUR_CATEGORY_BLUR,
    .description = "Average over a square of random odd size (gray too; alpha kept).",
    .version = 1,
    .default_p = 0.5,
    .params = box_params,
    .n_params = G_N_ELEMENTS (box_params),
    .drawn = ksize_drawn,
    .sample = ksize_sample,
    .apply = box_apply,
  },
  {
    .name = "MotionBlur",
    .label = "Motion blur",
    .category = AUGUR_CATEGORY_BLUR,
    .description = "Smear along a line of random length, angle and direction (gray too; alpha kept).",
    .version = 1,
    .default_p = 0.5,
    .params = mb_params,
    .n_params = G_N_ELEMENTS (mb_params),
    .drawn = mb_drawn,
    .sample = mb_sample,
    .apply = mb_apply,
    .cost = motion_blur_cost,
  },
  {
    .name = "MedianBlur",
    .label = "Median blur",
    .category = AUGUR_CATEGORY_BLUR,
    .description = "Replace each pixel by the median of a square of random odd size "
                   "(gray too; alpha kept).",
    .version = 1,
    .default_p = 0.5,
    .params = med_params,
    .n_params = G_N_ELEMENTS (med_params),
    .drawn = ksize_drawn,
    .sample = ksize_sample,
    .apply = med_apply,
    .cost = median_blur_cost,
  },
  {
    .name = "GlassBlur",
    .label = "Glass blur",
    .category = AUGUR_CATEGORY_BLUR,
    .description = "Blur, swap pixels with random near neighbours, blur again, as through "
                   "frosted glass (gray too; alpha kept).",
    .version = 1,
    .default_p = 0.5,
    .params = gl_params,
    .n_params = G_N_ELEMENTS (gl_params),
    .drawn = seed_drawn,
    .sample = seed_sample,
    .apply = gl_apply,
    .cost = glass_blur_cost,
  },
  {
    .name = "Defocus",
    .label = "Defocus",
    .category = AUGUR_CATEGORY_BLUR,
    .description = "Blur with a soft-edged disc of random radius, as an out-of-focus lens "
                   "(gray too; alpha kept).",
    .version = 1,
    .default_p = 0.5,
    .params = df_params,
    .n_params = G_N_ELEMENTS (df_params),
    .drawn = df_drawn,
    .sample = df_sample,
    .apply = df_apply,
    .cost = defocus_cost,
  },
  {
    .name = "ZoomBlur",
    .label = "Zoom blur",
    .category = AUGUR_CATEGORY_BLUR,
    .description = "Average the image with zooms of itself about the centre (gray too; alpha kept).",
    .version = 1,
    .default_p = 0.5,
    .params = zb_params,
    .n_params = G_N_ELEMENTS (zb_params),
    .drawn = zb_drawn,
    .sample = zb_sample,
    .apply = zb_apply,
    .cost = zoom_blur_cost,
  },
  {
    .name = "AdvancedBlur",
    .label = "Advanced blur",
    .category = AUGUR_CATEGORY_BLUR,
    .description = "Blur with a random anisotropic, rotated generalised Gaussian with noisy taps "
                   "(gray too; alpha kept).",
    .version = 1,
    .default_p = 0.5,
    .params = ab_params,
    .n_params = G_N_ELEMENTS (ab_params),
    .drawn = ab_drawn,
    .sample = ab_sample,
    .apply = ab_apply,
    .cost = advanced_blur_cost,
  },
  {
    .name = "Sharpen",
    .label = "Sharpen",
    .category = AUGUR_CATEGORY_BLUR,
    .description = "Sharpen with a Laplacian kernel or against a Gaussian blur (gray too; alpha kept).",
    .version = 1,
    .default_p = 0.5,
    .params = sh_params,
    .n_params = G_N_ELEMENTS (sh_params),
    .drawn = sh_drawn,
    .check = sh_check,
    .sample = sh_sample,
    .apply = sh_apply,
  },
  {
    .name = "UnsharpMask",
    .label = "Unsharp mask",
    .category = AUGUR_CATEGORY_BLUR,
    .description = "Sharpen by adding the difference from a Gaussian blur, where it exceeds a "
                   "threshold (gray too; alpha kept).",
    .version = 1,
    .default_p = 0.5,
    .params = um_params,
    .n_params = G_N_ELEMENTS (um_params),
    .drawn = um_drawn,
    .sample = um_sample,
    .apply = um_apply,
    .cost = unsharp_mask_cost,
  },
  {
    .name = "Emboss",
    .label = "Emboss",
    .category = AUGUR_CATEGORY_BLUR,
    .description = "Give the image a relief lit from the top left (gray too; alpha kept).",
    .version = 1,
    .default_p = 0.5,
    .params = em_params,
    .n_params = G_N_ELEMENTS (em_params),
    .drawn = em_drawn,
    .sample = em_sample,
    .apply = em_apply,
  },
  {
    .name = "Superpixels",
    .label = "Superpixels",
    .category = AUGUR_CATEGORY_BLUR,
    .description = "Fill random segments of a superpixel segmentation with their mean colour "
                   "(gray too; alpha kept).",
    .version = 1,
    .default_p = 0.5,
    .params = sp_params,
    .n_params = G_N_ELEMENTS (sp_params),
    .drawn = sp_drawn,
    .sample = sp_sample,
    .apply = sp_apply,
    .cost = superpixels_cost,
  },
  {
    .name = "Morphological",
    .label = "Morphology",
    .category = AUGUR_CATEGORY_BLUR,
    .description = "Dilate or erode with an elliptical element (gray too; alpha kept).",
    .version = 1,
    .default_p = 0.5,
    .params = mo_params,
    .n_params = G_N_ELEMENTS (mo_params),
    .drawn = augur_no_drawn,
    .sample = augur_sample_nothing,
    .apply = mo_apply,
    .cost = morphological_cost,
  },
};

const guint augur_n_blur_transforms = G_N_ELEMENTS (augur_blur_transforms);
