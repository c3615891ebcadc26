/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-gray.h"
#include "augur-lut.h"
#include "augur-matrix3.h"
#include "augur-simd.h"
#include "augur-strips.h"
#include "augur-transform-private.h"

/* Colour transforms change the colour channels only: the alpha channel of an
 * RGBA image is copied through untouched. */

static inline int
color_channels (const AugurImage *image)
{
  return image->channels == 4 ? 3 : image->channels;
}

/* The mean of the colour channels (alpha left out). */
static double
color_mean (const AugurImage *image)
{
  int nc = image->channels, cc = color_channels (image);
  double sum = 0;

  for (int y = 0; y < image->height; y++)
    {
      const guint8 *s = augur_image_row (image, y);
      guint64 row = 0;

      for (int x = 0; x < image->width; x++, s += nc)
        for (int c = 0; c < cc; c++)
          row += s[c];
      sum += (double) row;
    }

  return sum / ((double) image->width * image->height * cc);
}

/* A table that is x -> alpha * x + beta, rounded half up and clipped (as
 * augur_clamp_u8 builds it), is computed rather than looked up: in 16.16
 * fixed point, (x * a + b) >> 16, clipped, in 32-bit lanes that vectorise
 * (a lookup per byte does not). */
typedef struct
{
  gint32 a;
  gint32 b;
} AffineMap;

static inline guint8
affine_u8 (guint     x,
           AffineMap m)
{
  gint32 v = ((gint32) x * m.a + m.b) >> 16;

  /* MIN and MAX of a plain value, which vectorise as min and max. */
  v = MAX (v, 0);
  return (guint8) MIN (v, 255);
}

/* A fixed-point map that gives every entry of @lut exactly, if there is
 * one near @alpha: for each slope a tried (alpha rounded, then a few units
 * either side), each entry bounds the offset b from below or above, and
 * any b in what is left will do. FALSE (the table is then looked up) when
 * 16 fractional bits are too few, for a steep table. */
static gboolean
affine_fit_lut (const guint8  lut[256],
                double        alpha,
                AffineMap    *m)
{
  gint64 a0;

  if (!(fabs (alpha) <= 64))
    return FALSE;
  a0 = (gint64) lrint (alpha * 65536.0);

  for (int k = 0; k < 9; k++)
    {
      gint64 a = a0 + ((k + 1) / 2) * (k % 2 ? 1 : -1);
      gint64 lo = G_MININT32, hi = G_MAXINT32;

      for (int i = 0; i < 256; i++)
        {
          gint64 n = lut[i];

          if (n > 0)
            lo = MAX (lo, n * 65536 - i * a);
          if (n < 255)
            hi = MIN (hi, (n + 1) * 65536 - 1 - i * a);
        }
      if (lo > hi)
        continue;

      m->a = (gint32) a;
      m->b = (gint32) (lo + (hi - lo) / 2);
      /* 255 * a + b must not overflow 32 bits. */
      if ((gint64) ABS (m->a) * 255 + ABS ((gint64) m->b) > G_MAXINT32)
        continue;
      for (int i = 0; i < 256; i++)
        g_assert (affine_u8 ((guint) i, *m) == lut[i]);
      return TRUE;
    }
  return FALSE;
}

AUGUR_SIMD_CLONES static void
affine_rows (guint8       *restrict dst,
             int                    dst_stride,
             const guint8 *restrict src,
             int                    src_stride,
             int                    w,
             int                    h,
             int                    nc,
             AffineMap              m)
{
  for (int y = 0; y < h; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint8 *d = dst + (gsize) y * dst_stride;

      if (nc == 4)
        for (int x = 0; x < w; x++)
          {
            d[4 * x + 0] = affine_u8 (s[4 * x + 0], m);
            d[4 * x + 1] = affine_u8 (s[4 * x + 1], m);
            d[4 * x + 2] = affine_u8 (s[4 * x + 2], m);
            d[4 * x + 3] = s[4 * x + 3];
          }
      else
        for (int i = 0; i < w * nc; i++)
          d[i] = affine_u8 (s[i], m);
    }
}

/* One table for every colour channel; alpha copied. The table is
 * alpha * x + beta, rounded and clipped, for the @alpha given. */
static AugurImage *
apply_color_lut (const AugurImage *src,
                 const guint8      lut[256],
                 double            alpha)
{
  AugurImage *out = augur_image_new_like_uninitialized (src);
  int nc = src->channels, cc = color_channels (src);
  AffineMap m;

  if (affine_fit_lut (lut, alpha, &m))
    {
      affine_rows (out->data, out->stride, src->data, src->stride,
                   src->width, src->height, nc, m);
      return out;
    }

  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);

      if (nc == 4)
        for (int x = 0; x < src->width; x++, s += 4, d += 4)
          {
            d[0] = lut[s[0]];
            d[1] = lut[s[1]];
            d[2] = lut[s[2]];
            d[3] = s[3];
          }
      else
        for (int i = 0; i < src->width * cc; i++)
          d[i] = lut[s[i]];
    }

  return out;
}

/* RandomBrightnessContrast ------------------------------------------------------ */

enum { RBC_BRIGHTNESS, RBC_CONTRAST, RBC_BY_MAX, RBC_SAFE };

static const AugurParamSpec rbc_params[] = {
  [RBC_BRIGHTNESS] = {
    .name = "brightness_limit", .label = "Brightness",
    .description = "Added brightness, as a fraction of the maximum value (or of the mean, without brightness_by_max)",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -1, .max = 1, .ui_min = -0.5, .ui_max = 0.5, .step = 0.01, .def = { -0.2, 0.2 } },
  [RBC_CONTRAST] = {
    .name = "contrast_limit", .label = "Contrast",
    .description = "Contrast change: pixels are multiplied by 1 + this value",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -1, .max = 10, .ui_min = -0.5, .ui_max = 0.5, .step = 0.01, .def = { -0.2, 0.2 } },
  [RBC_BY_MAX] = {
    .name = "brightness_by_max", .label = "Brightness by maximum",
    .description = "Brightness is a fraction of the maximum value (255); otherwise of the image mean",
    .type = AUGUR_PARAM_BOOL, .def = { 1 } },
  [RBC_SAFE] = {
    .name = "ensure_safe_range", .label = "Safe range",
    .description = "Narrow the drawn factors so that no pixel is clipped: a brightening keeps "
                   "the top below 255 by lowering the contrast (and a darkening becomes none); "
                   "a negative contrast is raised until 255 maps to 0 or above",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
};

/* alpha: the contrast factor, 1 + contrast; beta: the brightness as a
 * fraction (of 255, or of the mean). Both as drawn: the safe range and the
 * mean depend on the image, so apply() works them out. */
static const AugurDrawnSpec rbc_drawn[] = {
  { "alpha", FALSE, 0, 11, .label = "Contrast", .unit = "%", .scale = 100, .offset = -100, .signed_ = TRUE },
  { "beta", FALSE, -1, 1, .label = "Brightness", .unit = "%", .scale = 100, .signed_ = TRUE },
  { NULL },
};

static void
rbc_sample (const AugurValue *params,
            const AugurShape *in,
            AugurRng         *rng,
            AugurDrawn       *drawn)
{
  double alpha = 1.0 + augur_rng_range (rng, params[RBC_CONTRAST].v[0], params[RBC_CONTRAST].v[1]);
  double beta = augur_rng_range (rng, params[RBC_BRIGHTNESS].v[0], params[RBC_BRIGHTNESS].v[1]);

  augur_drawn_set (drawn, "alpha", MAX (alpha, 0));
  augur_drawn_set (drawn, "beta", beta);
}

/* Albumentations 2.x get_safe_brightness_contrast_params(): for alpha > 0
 * the brightness is clipped to [0, max] and alpha lowered until max maps to
 * max at most; otherwise alpha is raised until max maps to 0 at least. */
static void
rbc_safe_range (double *alpha,
                double *beta,
                double  max_value)
{
  if (*alpha > 0)
    {
      *beta = CLAMP (*beta, 0, max_value);
      *alpha = MIN (*alpha, (max_value - *beta) / max_value);
    }
  else
    {
      *beta = MIN (*beta, max_value);
      *alpha = MAX (*alpha, -*beta / max_value);
    }
}

static AugurImage *
rbc_apply (const AugurImage *src,
           const AugurValue *params,
           const AugurDrawn *drawn)
{
  double alpha = augur_drawn_get (drawn, "alpha");
  double beta = augur_drawn_get (drawn, "beta");
  guint8 lut[256];

  /* Albumentations: alpha * x + beta * max (or beta * mean), clipped. */
  beta *= AUGUR_PARAM_BOOL_VALUE (params, RBC_BY_MAX) ? 255.0 : color_mean (src);
  if (AUGUR_PARAM_BOOL_VALUE (params, RBC_SAFE))
    rbc_safe_range (&alpha, &beta, 255.0);

  for (int i = 0; i < 256; i++)
    lut[i] = augur_clamp_u8 (alpha * i + beta);

  return apply_color_lut (src, lut, alpha);
}

/* HueSaturationValue ----------------------------------------------------------- */

enum { HSV_HUE, HSV_SAT, HSV_VAL };

static const AugurParamSpec hsv_params[] = {
  [HSV_HUE] = {
    .name = "hue_shift_limit", .label = "Hue shift",
    .description = "Added hue, in OpenCV's 8-bit units (a full turn is 180)",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -180, .max = 180, .ui_min = -90, .ui_max = 90, .step = 1, .def = { -20, 20 } },
  [HSV_SAT] = {
    .name = "sat_shift_limit", .label = "Saturation shift",
    .description = "Added saturation, on a 0-255 scale; gray pixels stay gray",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -255, .max = 255, .ui_min = -100, .ui_max = 100, .step = 1, .def = { -30, 30 } },
  [HSV_VAL] = {
    .name = "val_shift_limit", .label = "Value shift",
    .description = "Added value (brightness of the strongest channel), on a 0-255 scale",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -255, .max = 255, .ui_min = -100, .ui_max = 100, .step = 1, .def = { -20, 20 } },
};

static const AugurDrawnSpec hsv_drawn[] = {
  { "hue_shift", FALSE, -180, 180, .label = "Hue", .unit = "°", .scale = 2, .signed_ = TRUE },
  { "sat_shift", FALSE, -255, 255, .label = "Saturation", .signed_ = TRUE },
  { "val_shift", FALSE, -255, 255, .label = "Value", .signed_ = TRUE },
  { NULL },
};

static void
hsv_sample (const AugurValue *params,
            const AugurShape *in,
            AugurRng         *rng,
            AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "hue_shift", augur_rng_range (rng, params[HSV_HUE].v[0], params[HSV_HUE].v[1]));
  augur_drawn_set (drawn, "sat_shift", augur_rng_range (rng, params[HSV_SAT].v[0], params[HSV_SAT].v[1]));
  augur_drawn_set (drawn, "val_shift", augur_rng_range (rng, params[HSV_VAL].v[0], params[HSV_VAL].v[1]));
}

/* The shifts as whole steps: every HSV component is an integer, so adding
 * a fractional shift then rounding (saturation, value) or truncating (hue)
 * is adding the shift rounded or floored. The hue wraps modulo 180. */
typedef struct
{
  int hue;   /* in [0, 180) */
  int sat;
  int val;
} HsvShift;

/* augur_clamp_u8 ((double) f) for 0 <= f: rounded half up, capped. */
static inline int
hsv_round (float f)
{
  int n = (int) f;

  n += f - (float) n >= 0.5f;
  return MIN (n, 255);
}

/* One pixel of Albumentations' shift_hsv() on OpenCV's 8-bit HSV, written
 * without branches or tables so that whole rows vectorise:
 *
 * - RGB to HSV as OpenCV computes it, hue in [0, 180): 12-bit fixed point
 *   with OpenCV's division tables sdiv[v] = round (255 * 4096 / v) and
 *   hdiv[diff] = round (30 * 4096 / diff). A float division rounded gives
 *   every entry of both tables exactly (checked for all 255 divisors);
 *   a divisor of 0 (black, or gray) is replaced by 1, its product being 0.
 * - the hue shifted modulo 180; saturation and value shifted and clipped,
 *   with gray pixels (saturation 0) kept gray.
 * - HSV to RGB as OpenCV does it, in float: a sector of 60 degrees and
 *   four candidate levels, each rounded half up to 8 bits.
 *
 * The same pixels as the per-pixel version this replaced, for every one of
 * the 2^24 colours under the shifts tried (tests/test-pixel.c keeps that
 * version as its reference). */
static inline void
hsv_shift_pixel (const guint8 *restrict s,
                 guint8       *restrict d,
                 HsvShift                k)
{
  int r = s[0], g = s[1], b = s[2];
  int v = MAX (MAX (r, g), b), vmin = MIN (MIN (r, g), b), diff = v - vmin;
  int sdiv = (int) (1044480.0f / (float) (v + (v == 0)) + 0.5f);
  int hdiv = (int) (122880.0f / (float) (diff + (diff == 0)) + 0.5f);
  int sv = (diff * sdiv + 2048) >> 12;
  int is_r = -(v == r), is_g = -(v == g) & ~is_r, is_b = ~(is_r | is_g);
  int hn = (is_r & (g - b)) | (is_g & (b - r + 2 * diff)) | (is_b & (r - g + 4 * diff));
  int h = (hn * hdiv + 2048) >> 12;
  int gray, sector, t0, t1, t2, t3, s0, s1, s2, s3, s4, s5, rr, gg, bb;
  float sf, vf, hf, fr;

  h += 180 & -(h < 0);
  h += k.hue;
  h -= 180 & -(h >= 180);
  gray = -(sv == 0);
  sv = ~gray & MAX (MIN (sv + k.sat, 255), 0);
  v = MAX (MIN (v + k.val, 255), 0);

  sf = sv * (1.0f / 255.0f);
  vf = v * (1.0f / 255.0f);
  hf = h * (6.0f / 180.0f);
  sector = (int) hf;
  fr = hf - sector;
  t0 = hsv_round (vf * 255.0f);
  t1 = hsv_round (vf * (1.0f - sf) * 255.0f);
  t2 = hsv_round (vf * (1.0f - sf * fr) * 255.0f);
  t3 = hsv_round (vf * (1.0f - sf * (1.0f - fr)) * 255.0f);

  s0 = -(sector == 0), s1 = -(sector == 1), s2 = -(sector == 2);
  s3 = -(sector == 3), s4 = -(sector == 4), s5 = -(sector == 5);
  rr = ((s0 | s5) & t0) | (s1 & t2) | ((s2 | s3) & t1) | (s4 & t3);
  gg = (s0 & t3) | ((s1 | s2) & t0) | (s3 & t2) | ((s4 | s5) & t1);
  bb = ((s0 | s1) & t1) | (s2 & t3) | ((s3 | s4) & t0) | (s5 & t2);

  d[0] = (guint8) ((gray & v) | (~gray & rr));
  d[1] = (guint8) ((gray & v) | (~gray & gg));
  d[2] = (guint8) ((gray & v) | (~gray & bb));
}

AUGUR_SIMD_CLONES static void
hsv_shift_rows (guint8       *restrict dst,
                int                    dst_stride,
                const guint8 *restrict src,
                int                    src_stride,
                int                    w,
                int                    h,
                int                    nc,
                HsvShift               k)
{
  for (int y = 0; y < h; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint8 *d = dst + (gsize) y * dst_stride;

      if (nc == 3)
        for (int x = 0; x < w; x++)
          hsv_shift_pixel (s + 3 * x, d + 3 * x, k);
      else
        for (int x = 0; x < w; x++)
          {
            hsv_shift_pixel (s + 4 * x, d + 4 * x, k);
            d[4 * x + 3] = s[4 * x + 3];
          }
    }
}

/* Albumentations' shift_hsv(): OpenCV HSV; the hue through a table, wrapped
 * modulo 180 and truncated; saturation and value added and clipped, with
 * gray pixels (saturation 0) kept gray. A gray image takes the value shift
 * only. */
static AugurImage *
hsv_apply (const AugurImage *src,
           const AugurValue *params,
           const AugurDrawn *drawn)
{
  double hue = augur_drawn_get (drawn, "hue_shift");
  double sat = augur_drawn_get (drawn, "sat_shift");
  double val = augur_drawn_get (drawn, "val_shift");
  HsvShift k;
  AugurImage *out;

  /* No shift: the image as it is, not its HSV round trip. */
  if (hue == 0 && sat == 0 && val == 0)
    return augur_image_ref ((AugurImage *) src);

  /* Drawn values lie in [-180, 180] and [-255, 255]. */
  k.hue = (int) floor (hue) % 180;
  k.hue += k.hue < 0 ? 180 : 0;
  k.sat = (int) floor (sat + 0.5);
  k.val = (int) floor (val + 0.5);

  if (src->channels == 1)
    {
      guint8 val_lut[256];

      for (int i = 0; i < 256; i++)
        val_lut[i] = augur_clamp_u8 (i + val);
      return apply_color_lut (src, val_lut, 1.0);
    }

  out = augur_image_new_like_uninitialized (src);
  hsv_shift_rows (out->data, out->stride, src->data, src->stride,
                  src->width, src->height, src->channels, k);
  return out;
}

/* ToGray ------------------------------------------------------------------------ */

enum { GRAY_CHANNELS, GRAY_METHOD };

enum
{
  GRAY_WEIGHTED_AVERAGE,
  GRAY_FROM_LAB,
  GRAY_DESATURATION,
  GRAY_AVERAGE,
  GRAY_MAX,
  GRAY_PCA,
};

static const char *const gray_method_nicks[] = {
  "weighted_average", "from_lab", "desaturation", "average", "max", "pca", NULL,
};

static const AugurParamSpec gray_params[] = {
  [GRAY_CHANNELS] = {
    .name = "num_output_channels", .label = "Output channels",
    .description = "1 for a one-channel gray image, 3 for gray repeated in R, G and B "
                   "(an RGBA input keeps its alpha with 3, loses it with 1)",
    .type = AUGUR_PARAM_INT, .min = 1, .max = 3, .ui_min = 1, .ui_max = 3, .step = 2, .def = { 3 } },
  [GRAY_METHOD] = {
    .name = "method", .label = "Method",
    .description = "weighted_average: BT.601 luma; from_lab: CIELAB lightness; desaturation: "
                   "(max + min) / 2; average: channel mean; max: brightest channel; "
                   "pca: the first principal component, stretched to 0-255",
    .type = AUGUR_PARAM_ENUM, .def_nick = GRAY_WEIGHTED_AVERAGE, .nicks = gray_method_nicks },
};

static gboolean
gray_check (const AugurValue  *params,
            GError           **error)
{
  int n = (int) params[GRAY_CHANNELS].v[0];

  if (n != 1 && n != 3)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "num_output_channels: must be 1 or 3, not %d", n);
      return FALSE;
    }
  return TRUE;
}

static void
gray_sample (const AugurValue *params,
             const AugurShape *in,
             AugurRng         *rng,
             AugurDrawn       *drawn)
{
}

/* A gray input is left as it is (as Albumentations does); otherwise 1
 * channel, or 3 (4 with an RGBA input's alpha). */
static int
gray_out_channels (const AugurValue *params,
                   int               in_channels)
{
  if (in_channels == 1)
    return 1;
  if ((int) params[GRAY_CHANNELS].v[0] == 1)
    return 1;
  return in_channels == 4 ? 4 : 3;
}

static void
gray_output_shape (const AugurValue *params,
                   const AugurDrawn *drawn,
                   const AugurShape *in,
                   AugurShape       *out)
{
  *out = *in;
  out->channels = gray_out_channels (params, in->channels);
}

/* sRGB to linear light, for from_lab. */
static double
srgb_linear (int c)
{
  double v = c / 255.0;

  return v <= 0.04045 ? v / 12.92 : pow ((v + 0.055) / 1.055, 2.4);
}

/* The eigenvalues (largest first) and unit eigenvectors (columns of
 * @vecs) of the colours' 3x3 covariance (divided by the pixel count), by
 * Jacobi rotations. FALSE for an image of one colour. */
static gboolean
color_eigen (const AugurImage *src,
             double            mean[3],
             double            vals[3],
             double            vecs[3][3])
{
  int nc = src->channels;
  double n = (double) src->width * src->height;
  double sum[3] = { 0 }, prod[3][3] = { { 0 } };
  double a[3][3], v[3][3] = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
  int order[3] = { 0, 1, 2 };

  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);

      for (int x = 0; x < src->width; x++, s += nc)
        for (int i = 0; i < 3; i++)
          {
            sum[i] += s[i];
            for (int j = i; j < 3; j++)
              prod[i][j] += (double) s[i] * s[j];
          }
    }

  for (int i = 0; i < 3; i++)
    mean[i] = sum[i] / n;
  for (int i = 0; i < 3; i++)
    for (int j = i; j < 3; j++)
      a[i][j] = a[j][i] = prod[i][j] / n - mean[i] * mean[j];

  if (a[0][0] + a[1][1] + a[2][2] < 1e-9)
    return FALSE;

  for (int sweep = 0; sweep < 50; sweep++)
    {
      double off = fabs (a[0][1]) + fabs (a[0][2]) + fabs (a[1][2]);

      if (off < 1e-12)
        break;

      for (int p = 0; p < 2; p++)
        for (int q = p + 1; q < 3; q++)
          {
            double theta, t, c, s;

            if (fabs (a[p][q]) < 1e-15)
              continue;
            theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
            t = (theta >= 0 ? 1 : -1) / (fabs (theta) + sqrt (theta * theta + 1));
            c = 1 / sqrt (t * t + 1);
            s = t * c;

            for (int k = 0; k < 3; k++)
              {
                double akp = a[k][p], akq = a[k][q];

                a[k][p] = c * akp - s * akq;
                a[k][q] = s * akp + c * akq;
              }
            for (int k = 0; k < 3; k++)
              {
                double apk = a[p][k], aqk = a[q][k];

                a[p][k] = c * apk - s * aqk;
                a[q][k] = s * apk + c * aqk;
              }
            for (int k = 0; k < 3; k++)
              {
                double vkp = v[k][p], vkq = v[k][q];

                v[k][p] = c * vkp - s * vkq;
                v[k][q] = s * vkp + c * vkq;
              }
          }
    }

  /* Three entries: sorted by insertion. */
  for (int i = 1; i < 3; i++)
    for (int j = i; j > 0 && a[order[j]][order[j]] > a[order[j - 1]][order[j - 1]]; j--)
      {
        int t = order[j];

        order[j] = order[j - 1];
        order[j - 1] = t;
      }
  for (int k = 0; k < 3; k++)
    {
      vals[k] = a[order[k]][order[k]];
      for (int i = 0; i < 3; i++)
        vecs[i][k] = v[i][order[k]];
    }

  return TRUE;
}

/* The principal axis of the colours (unit vector, sign chosen so that its
 * components sum to >= 0: brighter stays brighter). FALSE for an image of
 * one colour. */
static gboolean
principal_axis (const AugurImage *src,
                double            mean[3],
                double            axis[3])
{
  double vals[3], vecs[3][3];

  if (!color_eigen (src, mean, vals, vecs))
    return FALSE;
  for (int i = 0; i < 3; i++)
    axis[i] = vecs[i][0];
  if (axis[0] + axis[1] + axis[2] < 0)
    for (int i = 0; i < 3; i++)
      axis[i] = -axis[i];

  return TRUE;
}

/* The gray plane, row by row, width * height bytes. */
static void
gray_compute (const AugurImage *src,
              int               method,
              guint8           *gray)
{
  int nc = src->channels, w = src->width;

  switch (method)
    {
    case GRAY_WEIGHTED_AVERAGE:
      augur_gray_rows (gray, w, src->data, src->stride, w, src->height, nc);
      break;

    case GRAY_FROM_LAB:
      {
        /* CIELAB L* of sRGB (D65), scaled from [0, 100] to [0, 255] as
         * OpenCV's 8-bit RGB2Lab does. Linear contributions by table. */
        float lr[256], lg[256], lb[256];

        for (int i = 0; i < 256; i++)
          {
            double l = srgb_linear (i);

            lr[i] = (float) (0.212671 * l);
            lg[i] = (float) (0.715160 * l);
            lb[i] = (float) (0.072169 * l);
          }

        for (int y = 0; y < src->height; y++)
          {
            const guint8 *s = augur_image_row (src, y);
            guint8 *g = gray + (gsize) y * w;

            for (int x = 0; x < w; x++, s += nc)
              {
                float yy = lr[s[0]] + lg[s[1]] + lb[s[2]];
                float l = yy > 0.008856f ? 116.0f * cbrtf (yy) - 16.0f : 903.3f * yy;

                g[x] = augur_clamp_u8 (l * (255.0f / 100.0f));
              }
          }
      }
      break;

    case GRAY_DESATURATION:
    case GRAY_AVERAGE:
    case GRAY_MAX:
      for (int y = 0; y < src->height; y++)
        {
          const guint8 *s = augur_image_row (src, y);
          guint8 *g = gray + (gsize) y * w;

          for (int x = 0; x < w; x++, s += nc)
            {
              int hi = MAX (MAX (s[0], s[1]), s[2]);
              int lo = MIN (MIN (s[0], s[1]), s[2]);

              /* Truncated, as Albumentations' casts to uint8 do. */
              if (method == GRAY_DESATURATION)
                g[x] = (guint8) ((hi + lo) / 2);
              else if (method == GRAY_AVERAGE)
                g[x] = (guint8) ((s[0] + s[1] + s[2]) / 3);
              else
                g[x] = (guint8) hi;
            }
        }
      break;

    case GRAY_PCA:
      {
        double mean[3], axis[3], lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, scale;
        g_autofree float *proj = NULL;

        if (!principal_axis (src, mean, axis))
          {
            memset (gray, 0, (gsize) w * src->height);
            break;
          }

        proj = g_new (float, (gsize) w * src->height);
        for (int y = 0; y < src->height; y++)
          {
            const guint8 *s = augur_image_row (src, y);
            float *p = proj + (gsize) y * w;

            for (int x = 0; x < w; x++, s += nc)
              {
                p[x] = (float) ((s[0] - mean[0]) * axis[0] + (s[1] - mean[1]) * axis[1] +
                                (s[2] - mean[2]) * axis[2]);
                lo = MIN (lo, p[x]);
                hi = MAX (hi, p[x]);
              }
          }

        /* Min-max stretched to [0, 255]. */
        scale = hi - lo > 1e-6 ? 255.0 / (hi - lo) : 0.0;
        for (gsize i = 0; i < (gsize) w * src->height; i++)
          gray[i] = augur_clamp_u8 (rint ((proj[i] - lo) * scale));
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static AugurImage *
gray_apply (const AugurImage *src,
            const AugurValue *params,
            const AugurDrawn *drawn)
{
  int out_nc = gray_out_channels (params, src->channels);
  g_autofree guint8 *gray = NULL;
  AugurImage *out;

  if (src->channels == 1)
    return augur_image_ref ((AugurImage *) src);

  out = augur_image_new_uninitialized (src->width, src->height, out_nc);

  /* Weighted average, the common case, to one channel or three: straight
   * into the output, no plane in between. */
  if (out_nc == 1 && AUGUR_PARAM_NICK (params, GRAY_METHOD) == GRAY_WEIGHTED_AVERAGE)
    {
      augur_gray_rows (out->data, out->stride, src->data, src->stride,
                       src->width, src->height, src->channels);
      return out;
    }
  if (out_nc == 3 && AUGUR_PARAM_NICK (params, GRAY_METHOD) == GRAY_WEIGHTED_AVERAGE)
    {
      augur_gray_rows_3 (out->data, out->stride, src->data, src->stride,
                         src->width, src->height, src->channels);
      return out;
    }

  gray = g_malloc ((gsize) src->width * src->height);
  gray_compute (src, AUGUR_PARAM_NICK (params, GRAY_METHOD), gray);

  for (int y = 0; y < src->height; y++)
    {
      const guint8 *g = gray + (gsize) y * src->width;
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);

      if (out_nc == 1)
        memcpy (d, g, src->width);
      else
        for (int x = 0; x < src->width; x++, d += out_nc)
          {
            d[0] = d[1] = d[2] = g[x];
            if (out_nc == 4)
              d[3] = s[x * 4 + 3];
          }
    }

  return out;
}

/* Shared with transforms-tone.c --------------------------------------------------- */

/* The luma (BT.601, as OpenCV's RGB2GRAY and the Y of YCrCb) of a colour
 * image, width * height bytes. */
void
augur_luma_plane (const AugurImage *src,
                  guint8           *plane)
{
  augur_gray_rows (plane, src->width, src->data, src->stride, src->width, src->height, src->channels);
}

/* An 8-bit sRGB level in linear light. */
double
augur_srgb_to_linear (int c)
{
  return srgb_linear (c);
}

/* ColorJitter ------------------------------------------------------------------------ */

enum { CJ_BRIGHTNESS, CJ_CONTRAST, CJ_SATURATION, CJ_HUE };

static const AugurParamSpec cj_params[] = {
  [CJ_BRIGHTNESS] = {
    .name = "brightness", .label = "Brightness",
    .description = "Range of the brightness factor: pixels are multiplied by it",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 10, .ui_min = 0, .ui_max = 2, .step = 0.01, .def = { 0.8, 1.2 } },
  [CJ_CONTRAST] = {
    .name = "contrast", .label = "Contrast",
    .description = "Range of the contrast factor: pixels move away from (above 1) or toward "
                   "(below 1) the mean gray level",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 10, .ui_min = 0, .ui_max = 2, .step = 0.01, .def = { 0.8, 1.2 } },
  [CJ_SATURATION] = {
    .name = "saturation", .label = "Saturation",
    .description = "Range of the saturation factor: 0 gives gray, 1 the image as it is",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 10, .ui_min = 0, .ui_max = 2, .step = 0.01, .def = { 0.8, 1.2 } },
  [CJ_HUE] = {
    .name = "hue", .label = "Hue",
    .description = "Range of the hue shift, as a fraction of a full turn",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -0.5, .max = 0.5, .ui_min = -0.5, .ui_max = 0.5, .step = 0.01, .def = { -0.5, 0.5 } },
};

/* The four factors, and the order the four adjustments run in (0
 * brightness, 1 contrast, 2 saturation, 3 hue). */
static const AugurDrawnSpec cj_drawn[] = {
  { "brightness", FALSE, 0, 10, .label = "Brightness" },
  { "contrast", FALSE, 0, 10, .label = "Contrast" },
  { "saturation", FALSE, 0, 10, .label = "Saturation" },
  { "hue", FALSE, -0.5, 0.5, .label = "Hue" },
  { "order", TRUE, 0, 3, 4, 4, .label = "Order", .show = AUGUR_DRAWN_SHOW_COUNT, .unit = "adjustment|adjustments" },
  { NULL },
};

static void
cj_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  double order[4] = { 0, 1, 2, 3 };

  augur_drawn_set (drawn, "brightness", augur_rng_range (rng, params[CJ_BRIGHTNESS].v[0], params[CJ_BRIGHTNESS].v[1]));
  augur_drawn_set (drawn, "contrast", augur_rng_range (rng, params[CJ_CONTRAST].v[0], params[CJ_CONTRAST].v[1]));
  augur_drawn_set (drawn, "saturation", augur_rng_range (rng, params[CJ_SATURATION].v[0], params[CJ_SATURATION].v[1]));
  augur_drawn_set (drawn, "hue", augur_rng_range (rng, params[CJ_HUE].v[0], params[CJ_HUE].v[1]));

  /* Albumentations shuffles the order of the four adjustments. */
  for (int i = 3; i > 0; i--)
    {
      int j = (int) augur_rng_int (rng, 0, i);
      double t = order[i];

      order[i] = order[j];
      order[j] = t;
    }
  augur_drawn_set_list (drawn, "order", order, 4);
}

/* The mean gray level (luma of a colour image). */
static double
gray_mean (const AugurImage *src)
{
  gsize n = (gsize) src->width * src->height;
  g_autofree guint8 *plane = NULL;
  guint64 sum = 0;

  if (src->channels == 1)
    return color_mean (src);
  plane = g_malloc (n);
  augur_luma_plane (src, plane);
  for (gsize i = 0; i < n; i++)
    sum += plane[i];
  return (double) sum / (double) n;
}

/* One row of @w pixels of a constant channel count @nc: the blend of each
 * colour channel with the pixel's gray, rounded and clipped. */
static inline void
saturation_pixels (guint8       *restrict d,
                   const guint8 *restrict s,
                   int                    w,
                   int                    nc,
                   float                  factor)
{
  for (int x = 0; x < w; x++)
    {
      const guint8 *p = s + nc * x;
      guint8 *q = d + nc * x;
      float g = (float) augur_gray_pixel (p[0], p[1], p[2]) * (1.0f - factor);

      for (int c = 0; c < 3; c++)
        {
          float v = p[c] * factor + g + 0.5f;

          v = MAX (v, 0.0f);
          q[c] = (guint8) MIN (v, 255.0f);
        }
      if (nc == 4)
        q[3] = p[3];
    }
}

/* A copy of the loop per channel count, so that the strides are constants
 * and the compiler vectorises it. */
AUGUR_SIMD_CLONES static void
saturation_rows (guint8       *restrict dst,
                 int                    dst_stride,
                 const guint8 *restrict src,
                 int                    src_stride,
                 int                    w,
                 int                    h,
                 int                    nc,
                 float                  factor)
{
  for (int y = 0; y < h; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint8 *d = dst + (gsize) y * dst_stride;

      if (nc == 3)
        saturation_pixels (d, s, w, 3, factor);
      else
        saturation_pixels (d, s, w, 4, factor);
    }
}

static AugurImage *
cj_adjust (const AugurImage *img,
           int               which,
           double            f)
{
  guint8 lut[256];

  switch (which)
    {
    case 0: /* brightness: x * f */
      for (int i = 0; i < 256; i++)
        lut[i] = augur_clamp_u8 (i * f);
      return apply_color_lut (img, lut, f);

    case 1: /* contrast: x * f + mean * (1 - f) */
      {
        double mean = gray_mean (img);

        for (int i = 0; i < 256; i++)
          lut[i] = augur_clamp_u8 (i * f + mean * (1 - f));
        return apply_color_lut (img, lut, f);
      }

    case 2: /* saturation: blend with the pixel's own gray */
      {
        AugurImage *out;

        if (img->channels == 1)
          return augur_image_ref ((AugurImage *) img);
        out = augur_image_new_like_uninitialized (img);
        saturation_rows (out->data, out->stride, img->data, img->stride,
                         img->width, img->height, img->channels, (float) f);
        return out;
      }

    case 3: /* hue: OpenCV's 8-bit hue (a turn is 180) shifted, wrapped */
      {
        HsvShift k = { 0, 0, 0 };
        AugurImage *out;

        if (img->channels == 1)
          return augur_image_ref ((AugurImage *) img);
        k.hue = (int) floor (180 * f) % 180;
        k.hue += k.hue < 0 ? 180 : 0;
        if (k.hue == 0)
          return augur_image_ref ((AugurImage *) img);
        out = augur_image_new_like_uninitialized (img);
        hsv_shift_rows (out->data, out->stride, img->data, img->stride,
                        img->width, img->height, img->channels, k);
        return out;
      }

    default:
      g_assert_not_reached ();
    }
}

/* Albumentations' ColorJitter (torchvision's meaning): brightness,
 * contrast, saturation and hue in the drawn order, each on the 8-bit result
 * of the one before. A gray image takes brightness and contrast only. */
static AugurImage *
cj_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  const char *const names[] = { "brightness", "contrast", "saturation", "hue" };
  guint n_order = 0;
  const double *order = augur_drawn_get_list (drawn, "order", &n_order);
  g_autoptr(AugurImage) cur = augur_image_ref ((AugurImage *) src);

  for (guint i = 0; i < n_order; i++)
    {
      int which = CLAMP ((int) order[i], 0, 3);
      AugurImage *next = cj_adjust (cur, which, augur_drawn_get (drawn, names[which]));

      g_clear_pointer (&cur, augur_image_unref);
      cur = next;
    }
  if (cur == src)
    return augur_image_copy (src);
  return g_steal_pointer (&cur);
}

/* RGBShift ------------------------------------------------------------------------ */

/* Albumentations 2.x builds RGBShift on its additive noise; the noise
 * arguments it writes (noise_type, spatial_mode, noise_params,
 * approximation) are fixed there and refused by its own constructor, so
 * they are left out. */
enum { RGBS_R, RGBS_G, RGBS_B };

#define RGBS_PARAM(name_, label_) \
  { .name = name_, .label = label_, \
    .description = "Range of the value added to this channel, in 8-bit levels", \
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC, \
    .min = -255, .max = 255, .ui_min = -100, .ui_max = 100, .step = 1, .def = { -20, 20 } }

static const AugurParamSpec rgbs_params[] = {
  [RGBS_R] = RGBS_PARAM ("r_shift_limit", "Red shift"),
  [RGBS_G] = RGBS_PARAM ("g_shift_limit", "Green shift"),
  [RGBS_B] = RGBS_PARAM ("b_shift_limit", "Blue shift"),
};

static const char *const rgbs_names[] = { "r_shift", "g_shift", "b_shift" };

static const AugurDrawnSpec rgbs_drawn[] = {
  { "r_shift", FALSE, -255, 255, .label = "R shift" },
  { "g_shift", FALSE, -255, 255, .label = "G shift" },
  { "b_shift", FALSE, -255, 255, .label = "B shift" },
  { NULL },
};

static void
rgbs_sample (const AugurValue *params,
             const AugurShape *in,
             AugurRng         *rng,
             AugurDrawn       *drawn)
{
  for (int c = 0; c < 3; c++)
    augur_drawn_set (drawn, rgbs_names[c], augur_rng_range (rng, params[c].v[0], params[c].v[1]));
}

/* Each shift added to its channel and clipped; a gray image takes the red
 * shift (Albumentations draws one value, from the first range). */
static AugurImage *
rgbs_apply (const AugurImage *src,
            const AugurValue *params,
            const AugurDrawn *drawn)
{
  guint8 luts[3][256];

  for (int c = 0; c < 3; c++)
    {
      double shift = augur_drawn_get (drawn, rgbs_names[c]);

      for (int i = 0; i < 256; i++)
        luts[c][i] = augur_clamp_u8 (i + shift);
    }
  return augur_apply_channel_luts (src, luts);
}

/* ChannelShuffle ------------------------------------------------------------------ */

static const AugurDrawnSpec cs_drawn[] = {
  { "channels_shuffled", TRUE, 0, 2, 0, 3, .label = "Channel order", .show = AUGUR_DRAWN_SHOW_SPAN },
  { NULL },
};

static void
cs_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  int cc = in->channels == 4 ? 3 : in->channels;
  double perm[3] = { 0, 1, 2 };

  for (int i = cc - 1; i > 0; i--)
    {
      int j = (int) augur_rng_int (rng, 0, i);
      double t = perm[i];

      perm[i] = perm[j];
      perm[j] = t;
    }
  augur_drawn_set_list (drawn, "channels_shuffled", perm, cc);
}

/* Output channel c is input channel perm[c]; alpha stays where it is (so
 * an RGBA input shuffles its three colours only). A replay whose list does
 * not fit the image keeps the channels it does not name. */
static AugurImage *
cs_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int nc = src->channels, cc = color_channels (src), perm[4] = { 0, 1, 2, 3 };
  guint n = 0;
  const double *list = augur_drawn_get_list (drawn, "channels_shuffled", &n);
  AugurImage *out = augur_image_new_like_uninitialized (src);

  for (int c = 0; c < cc && c < (int) n; c++)
    perm[c] = MIN ((int) list[c], cc - 1);

  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < src->width; x++, s += nc, d += nc)
        for (int c = 0; c < nc; c++)
          d[c] = s[perm[c]];
    }
  return out;
}

/* ChannelDropout ------------------------------------------------------------------ */

enum { CD_RANGE, CD_FILL };

static const AugurParamSpec cd_params[] = {
  [CD_RANGE] = {
    .name = "channel_drop_range", .label = "Channels dropped",
    .description = "Range of how many colour channels are filled (at least one is kept, so "
                   "a gray image is left as it is)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 1, .max = 2, .ui_min = 1, .ui_max = 2, .step = 1, .def = { 1, 1 } },
  [CD_FILL] = {
    .name = "fill", .label = "Fill",
    .description = "The value the dropped channels are filled with",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0, .max = 255, .ui_min = 0, .ui_max = 255, .step = 1, .def = { 0 } },
};

static const AugurDrawnSpec cd_drawn[] = {
  { "channels", TRUE, 0, 2, 0, 2, .label = "Dropped", .show = AUGUR_DRAWN_SHOW_COUNT, .unit = "channel|channels" },
  { NULL },
};

static void
cd_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  int cc = in->channels == 4 ? 3 : in->channels;
  int n = (int) augur_rng_int (rng, (gint64) params[CD_RANGE].v[0], (gint64) params[CD_RANGE].v[1]);
  double pool[3] = { 0, 1, 2 };

  /* Albumentations refuses an image with as few channels as it would
   * drop; here the count is capped so that one channel is always kept. */
  n = MIN (n, cc - 1);
  /* n distinct channels: the first n of a partial shuffle. */
  for (int i = 0; i < n; i++)
    {
      int j = (int) augur_rng_int (rng, i, cc - 1);
      double t = pool[i];

      pool[i] = pool[j];
      pool[j] = t;
    }
  augur_drawn_set_list (drawn, "channels", pool, (guint) MAX (n, 0));
}

static AugurImage *
cd_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  guint n = 0;
  const double *list = augur_drawn_get_list (drawn, "channels", &n);
  guint8 fill = augur_clamp_u8 (params[CD_FILL].v[0]);
  AugurImage *out = augur_image_new_like_uninitialized (src);
  int nc = src->channels, cc = color_channels (src);
  /* Kept channels copied (and 0xff), dropped ones set (and 0, xor fill),
   * in one pass. */
  guint8 and_mask[4] = { 0xff, 0xff, 0xff, 0xff }, xor_mask[4] = { 0 };

  for (guint i = 0; i < n; i++)
    {
      int c = (int) list[i];

      if (c >= cc || cc == 1 || c < 0)
        continue;
      and_mask[c] = 0;
      xor_mask[c] = fill;
    }
  augur_and_xor_rows (out->data, out->stride, src->data, src->stride,
                      src->width, src->height, nc, and_mask, xor_mask);
  return out;
}

/* ToSepia ------------------------------------------------------------------------ */

/* The sepia matrix Albumentations' ToSepia applies (rows give R, G, B), in
 * Q12 fixed point. */
static const AugurMatrix3 sepia_q12 = { {
  { 1610, 3150, 774 },  /* 0.393, 0.769, 0.189 */
  { 1430, 2810, 688 },  /* 0.349, 0.686, 0.168 */
  { 1114, 2187, 537 },  /* 0.272, 0.534, 0.131 */
} };

typedef struct
{
  const AugurImage *src;
  AugurImage       *out;
} SepiaStrips;

static void
sepia_strip (gpointer data,
             int      first,
             int      last)
{
  const SepiaStrips *p = data;

  augur_matrix3_rows (&sepia_q12, augur_image_row (p->out, first), p->out->stride,
                      augur_image_row (p->src, first), p->src->stride,
                      p->src->width, last - first, p->src->channels);
}

/* Sepia needs three channels: a gray image is left as it is (its tone
 * cannot be carried in one channel). In strips (augur-strips.h): several
 * threads for a large image, the same bytes; a cancelled apply comes back
 * black. */
static AugurImage *
sepia_apply (const AugurImage *src,
             const AugurValue *params,
             const AugurDrawn *drawn)
{
  SepiaStrips p = { src, NULL };

  if (src->channels == 1)
    return augur_image_copy (src);
  p.out = augur_image_new_like_uninitialized (src);
  if (!augur_strips_run (src->height, (double) src->width * src->channels * 3, sepia_strip, &p))
    memset (p.out->data, 0, (gsize) p.out->stride * p.out->height);
  return p.out;
}

/* FancyPCA ----------------------------------------------------------------------- */

static const AugurParamSpec fpca_params[] = {
  {
    .name = "alpha", .label = "Strength",
    .description = "Standard deviation of the random weight of each principal component",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0, .max = 10, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.1 } },
};

static const AugurDrawnSpec fpca_drawn[] = {
  { "alpha_vector", TRUE, -1000, 1000, 0, 3, .label = "Component weights", .show = AUGUR_DRAWN_SHOW_SPAN },
  { NULL },
};

static void
fpca_sample (const AugurValue *params,
             const AugurShape *in,
             AugurRng         *rng,
             AugurDrawn       *drawn)
{
  int cc = in->channels == 4 ? 3 : in->channels;
  double a[3];

  for (int i = 0; i < cc; i++)
    a[i] = params[0].v[0] * augur_rng_normal (rng);
  augur_drawn_set_list (drawn, "alpha_vector", a, cc);
}

/* AlexNet's colour augmentation as Albumentations computes it: on colours
 * scaled to [0, 1], the covariance's eigenvectors v_k and eigenvalues l_k
 * (largest first); every pixel gets sum_k alpha_k l_k v_k added. A gray
 * image has one component: its variance. */
static AugurImage *
fpca_apply (const AugurImage *src,
            const AugurValue *params,
            const AugurDrawn *drawn)
{
  guint n = 0;
  const double *alpha = augur_drawn_get_list (drawn, "alpha_vector", &n);
  double mean[3], vals[3], vecs[3][3], shift[3] = { 0, 0, 0 };
  guint8 luts[3][256];

  if (src->channels == 1)
    {
      double m, var = 0, cnt = (double) src->width * src->height;
      guint64 hist[256];

      augur_channel_histogram (src, 0, hist);
      m = color_mean (src) / 255.0;
      for (int i = 0; i < 256; i++)
        var += hist[i] * (i / 255.0 - m) * (i / 255.0 - m);
      var /= MAX (cnt - 1, 1);
      shift[0] = (n > 0 ? alpha[0] : 0) * var;
    }
  else if (color_eigen (src, mean, vals, vecs))
    {
      /* Sample covariance on [0, 1] colours, as numpy's cov. */
      double scale = (double) src->width * src->height;

      scale = scale / MAX (scale - 1, 1) / (255.0 * 255.0);
      for (guint k = 0; k < MIN (n, 3u); k++)
        for (int c = 0; c < 3; c++)
          shift[c] += alpha[k] * vals[k] * scale * vecs[c][k];
    }

  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 256; i++)
      luts[c][i] = augur_clamp_u8 (i + 255.0 * shift[c]);
  return augur_apply_channel_luts (src, luts);
}

/* PlanckianJitter ---------------------------------------------------------------- */

enum { PJ_MODE, PJ_TEMPERATURE, PJ_SAMPLING };
enum { PJ_BLACKBODY, PJ_CIED };
enum { PJ_UNIFORM, PJ_GAUSSIAN };

static const char *const pj_mode_nicks[] = { "blackbody", "cied", NULL };
static const char *const pj_sampling_nicks[] = { "uniform", "gaussian", NULL };

static const AugurParamSpec pj_params[] = {
  [PJ_MODE] = {
    .name = "mode", .label = "Illuminant",
    .description = "blackbody: Planckian radiators; cied: CIE daylight (from 4000 K)",
    .type = AUGUR_PARAM_ENUM, .def_nick = PJ_BLACKBODY, .nicks = pj_mode_nicks },
  [PJ_TEMPERATURE] = {
    .name = "temperature_limit", .label = "Temperature",
    .description = "Range of the colour temperature in kelvin: low is warm (red), high is cold (blue)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 3000, .max = 15000, .ui_min = 3000, .ui_max = 15000, .step = 100, .def = { 3000, 15000 } },
  [PJ_SAMPLING] = {
    .name = "sampling_method", .label = "Sampling",
    .description = "uniform over the range, or gaussian: a half-normal either side of 6000 K, "
                   "reaching each end of the range at three standard deviations",
    .type = AUGUR_PARAM_ENUM, .def_nick = PJ_UNIFORM, .nicks = pj_sampling_nicks },
};

static const AugurDrawnSpec pj_drawn[] = {
  { "temperature", FALSE, 3000, 15000, .label = "Temperature", .unit = "K" },
  { NULL },
};

#define PJ_WHITE 6000.0

static void
pj_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  double lo = params[PJ_TEMPERATURE].v[0], hi = params[PJ_TEMPERATURE].v[1], t;

  if (AUGUR_PARAM_NICK (params, PJ_SAMPLING) == PJ_UNIFORM)
    t = augur_rng_range (rng, lo, hi);
  else if (augur_rng_uniform (rng) < 0.5)
    t = PJ_WHITE - fabs (augur_rng_normal (rng) * fabs (PJ_WHITE - lo) / 3);
  else
    t = PJ_WHITE + fabs (augur_rng_normal (rng) * fabs (hi - PJ_WHITE) / 3);
  augur_drawn_set (drawn, "temperature", CLAMP (t, lo, hi));
}

/* Albumentations' PLANCKIAN_COEFFS (RGB of each illuminant, every 500 K
 * from 3000 K; CIE daylight from 4000 K). */
static const float pj_blackbody[25][3] = {
  { 0.6743f, 0.4029f, 0.0013f }, { 0.6281f, 0.4241f, 0.1665f }, { 0.5919f, 0.4372f, 0.2513f },
  { 0.5623f, 0.4457f, 0.3154f }, { 0.5376f, 0.4515f, 0.3672f }, { 0.5163f, 0.4555f, 0.4103f },
  { 0.4979f, 0.4584f, 0.4468f }, { 0.4816f, 0.4604f, 0.4782f }, { 0.4672f, 0.4619f, 0.5053f },
  { 0.4542f, 0.4630f, 0.5289f }, { 0.4426f, 0.4638f, 0.5497f }, { 0.4320f, 0.4644f, 0.5681f },
  { 0.4223f, 0.4648f, 0.5844f }, { 0.4135f, 0.4651f, 0.5990f }, { 0.4054f, 0.4653f, 0.6121f },
  { 0.3980f, 0.4654f, 0.6239f }, { 0.3911f, 0.4655f, 0.6346f }, { 0.3847f, 0.4656f, 0.6444f },
  { 0.3787f, 0.4656f, 0.6532f }, { 0.3732f, 0.4656f, 0.6613f }, { 0.3680f, 0.4655f, 0.6688f },
  { 0.3632f, 0.4655f, 0.6756f }, { 0.3586f, 0.4655f, 0.6820f }, { 0.3544f, 0.4654f, 0.6878f },
  { 0.3503f, 0.4653f, 0.6933f },
};

static const float pj_cied[23][3] = {
  { 0.5829f, 0.4421f, 0.2288f }, { 0.5510f, 0.4514f, 0.2948f }, { 0.5246f, 0.4576f, 0.3488f },
  { 0.5021f, 0.4618f, 0.3941f }, { 0.4826f, 0.4646f, 0.4325f }, { 0.4654f, 0.4667f, 0.4654f },
  { 0.4502f, 0.4681f, 0.4938f }, { 0.4364f, 0.4692f, 0.5186f }, { 0.4240f, 0.4700f, 0.5403f },
  { 0.4127f, 0.4705f, 0.5594f }, { 0.4023f, 0.4709f, 0.5763f }, { 0.3928f, 0.4713f, 0.5914f },
  { 0.3839f, 0.4715f, 0.6049f }, { 0.3757f, 0.4716f, 0.6171f }, { 0.3681f, 0.4717f, 0.6281f },
  { 0.3609f, 0.4718f, 0.6380f }, { 0.3543f, 0.4719f, 0.6472f }, { 0.3480f, 0.4719f, 0.6555f },
  { 0.3421f, 0.4719f, 0.6631f }, { 0.3365f, 0.4719f, 0.6702f }, { 0.3313f, 0.4719f, 0.6766f },
  { 0.3263f, 0.4719f, 0.6826f }, { 0.3217f, 0.4719f, 0.6882f },
};

/* The illuminant's RGB at @t kelvin, linear between the table's entries
 * (clamped to its span), as Albumentations' planckian_jitter(). */
static void
pj_coeffs (int    mode,
           double t,
           double rgb[3])
{
  const float (*table)[3] = mode == PJ_CIED ? pj_cied : pj_blackbody;
  int n = mode == PJ_CIED ? 23 : 25;
  double t0 = mode == PJ_CIED ? 4000 : 3000, f;
  int i;

  f = (CLAMP (t, t0, 15000) - t0) / 500.0;
  i = MIN ((int) f, n - 2);
  f -= i;
  for (int c = 0; c < 3; c++)
    rgb[c] = (1 - f) * table[i][c] + f * table[i + 1][c];
}

/* Red and blue multiplied by the illuminant's red / green and blue /
 * green; green kept. A gray image is left as it is. */
static AugurImage *
pj_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  double rgb[3], gain[3];
  guint8 luts[3][256];

  if (src->channels == 1)
    return augur_image_copy (src);
  pj_coeffs (AUGUR_PARAM_NICK (params, PJ_MODE), augur_drawn_get (drawn, "temperature"), rgb);
  gain[0] = rgb[0] / rgb[1];
  gain[1] = 1;
  gain[2] = rgb[2] / rgb[1];
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 256; i++)
      luts[c][i] = augur_clamp_u8 (i * gain[c]);
  return augur_apply_channel_luts (src, luts);
}

/* The table ---------------------------------------------------------------------- */

/* Keys Albumentations 2.0.8 writes for RGBShift (inherited from
 * AdditiveNoise) that its constructor does not take. */
#define RGB_SHIFT_NOT_AN_ARGUMENT(name_) \
  { (name_), NULL, AUGUR_ALB_ABSENT_NOTE, "written by 2.0.8 but not an argument of its constructor" }

const AugurTransformInfo augur_color_transforms[] = {
  {
    .name = "RandomBrightnessContrast",
    .label = "Brightness and contrast",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Change brightness and contrast by random amounts.",
    .version = 1,
    .default_p = 0.5,
    .params = rbc_params,
    .n_params = G_N_ELEMENTS (rbc_params),
    .drawn = rbc_drawn,
    .sample = rbc_sample,
    .apply = rbc_apply,
  },
  {
    .name = "HueSaturationValue",
    .label = "Hue, saturation and value",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Shift hue, saturation and value by random amounts (OpenCV HSV).",
    .version = 1,
    .default_p = 0.5,
    .params = hsv_params,
    .n_params = G_N_ELEMENTS (hsv_params),
    .drawn = hsv_drawn,
    .sample = hsv_sample,
    .apply = hsv_apply,
  },
  {
    .name = "ToGray",
    .label = "To gray",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Convert a colour image to gray (a gray image is left as it is).",
    .version = 1,
    .default_p = 0.5,
    .params = gray_params,
    .n_params = G_N_ELEMENTS (gray_params),
    .drawn = augur_no_drawn,
    .check = gray_check,
    .sample = gray_sample,
    .output_shape = gray_output_shape,
    .apply = gray_apply,
  },
  {
    .name = "ColorJitter",
    .label = "Colour jitter",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Change brightness, contrast, saturation and hue by random factors, in random "
                   "order (gray: brightness and contrast only).",
    .version = 1,
    .default_p = 0.5,
    .params = cj_params,
    .n_params = G_N_ELEMENTS (cj_params),
    .drawn = cj_drawn,
    .sample = cj_sample,
    .apply = cj_apply,
  },
  {
    .name = "RGBShift",
    .label = "RGB shift",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Add a random value to each of red, green and blue (gray: the red shift).",
    .alb.absent = AUGUR_ALB_ABSENT (RGB_SHIFT_NOT_AN_ARGUMENT ("approximation"),
                                    RGB_SHIFT_NOT_AN_ARGUMENT ("noise_params"),
                                    RGB_SHIFT_NOT_AN_ARGUMENT ("noise_type"),
                                    RGB_SHIFT_NOT_AN_ARGUMENT ("spatial_mode")),
    .version = 1,
    .default_p = 0.5,
    .params = rgbs_params,
    .n_params = G_N_ELEMENTS (rgbs_params),
    .drawn = rgbs_drawn,
    .sample = rgbs_sample,
    .apply = rgbs_apply,
  },
  {
    .name = "ChannelShuffle",
    .label = "Channel shuffle",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Permute the colour channels at random (gray: unchanged).",
    .version = 1,
    .default_p = 0.5,
    .drawn = cs_drawn,
    .sample = cs_sample,
    .apply = cs_apply,
  },
  {
    .name = "ChannelDropout",
    .label = "Channel dropout",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Fill one or two random colour channels with a constant (gray: unchanged).",
    .version = 1,
    .default_p = 0.5,
    .params = cd_params,
    .n_params = G_N_ELEMENTS (cd_params),
    .drawn = cd_drawn,
    .sample = cd_sample,
    .apply = cd_apply,
  },
  {
    .name = "ToSepia",
    .label = "Sepia",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Give the image a sepia tone (gray: unchanged).",
    .version = 1,
    .default_p = 0.5,
    .drawn = augur_no_drawn,
    .sample = augur_sample_nothing,
    .apply = sepia_apply,
  },
  {
    .name = "FancyPCA",
    .label = "Fancy PCA",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Shift the colours along their principal components by random amounts "
                   "(gray: along its one component).",
    .version = 1,
    .default_p = 0.5,
    .params = fpca_params,
    .n_params = G_N_ELEMENTS (fpca_params),
    .drawn = fpca_drawn,
    .sample = fpca_sample,
    .apply = fpca_apply,
  },
  {
    .name = "PlanckianJitter",
    .label = "Colour temperature",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Relight with a random colour temperature (gray: unchanged).",
    .version = 1,
    .default_p = 0.5,
    .params = pj_params,
    .n_params = G_N_ELEMENTS (pj_params),
    .drawn = pj_drawn,
    .sample = pj_sample,
    .apply = pj_apply,
  },
};

const guint augur_n_color_transforms = G_N_ELEMENTS (augur_color_transforms);
