/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-gray.h"
#include "augur-simd.h"
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
  { "alpha", FALSE, 0, 11 },
  { "beta", FALSE, -1, 1 },
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
  { "hue_shift", FALSE, -180, 180 },
  { "sat_shift", FALSE, -255, 255 },
  { "val_shift", FALSE, -255, 255 },
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

/* The principal axis of the colours (unit vector, sign chosen so that its
 * components sum to >= 0: brighter stays brighter), by Jacobi rotations of
 * the 3x3 covariance matrix. FALSE for an image of one colour. */
static gboolean
principal_axis (const AugurImage *src,
                double            mean[3],
                double            axis[3])
{
  int nc = src->channels;
  double n = (double) src->width * src->height;
  double sum[3] = { 0 }, prod[3][3] = { { 0 } };
  double a[3][3], v[3][3] = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
  int best = 0;

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

  for (int i = 1; i < 3; i++)
    if (a[i][i] > a[best][best])
      best = i;
  for (int i = 0; i < 3; i++)
    axis[i] = v[i][best];
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

  /* One channel of weighted average, the common case: straight into the
   * output, no plane in between. */
  if (out_nc == 1 && AUGUR_PARAM_NICK (params, GRAY_METHOD) == GRAY_WEIGHTED_AVERAGE)
    {
      augur_gray_rows (out->data, out->stride, src->data, src->stride,
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

/* The table ---------------------------------------------------------------------- */

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
};

const guint augur_n_color_transforms = G_N_ELEMENTS (augur_color_transforms);
