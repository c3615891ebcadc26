/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-blur-rows.h"
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
};

const guint augur_n_blur_transforms = G_N_ELEMENTS (augur_blur_transforms);
