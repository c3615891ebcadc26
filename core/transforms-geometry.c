/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-transform-private.h"

/* Flips ------------------------------------------------------------------------- */

static void
sample_nothing (const AugurValue *params,
                const AugurShape *in,
                AugurRng         *rng,
                AugurDrawn       *drawn)
{
}

static AugurImage *
horizontal_flip_apply (const AugurImage *src,
                       const AugurValue *params,
                       const AugurDrawn *drawn)
{
  AugurImage *out = augur_image_new_like (src);
  int nc = src->channels;

  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < src->width; x++)
        memcpy (d + x * nc, s + (src->width - 1 - x) * nc, nc);
    }

  return out;
}

static gboolean
horizontal_flip_map (const AugurValue *params,
                     const AugurDrawn *drawn,
                     const AugurShape *in,
                     double           *x,
                     double           *y)
{
  *x = in->width - *x;
  return TRUE;
}

static AugurImage *
vertical_flip_apply (const AugurImage *src,
                     const AugurValue *params,
                     const AugurDrawn *drawn)
{
  AugurImage *out = augur_image_new_like (src);

  for (int y = 0; y < src->height; y++)
    memcpy (augur_image_row (out, y), augur_image_row (src, src->height - 1 - y),
            (gsize) src->width * src->channels);

  return out;
}

static gboolean
vertical_flip_map (const AugurValue *params,
                   const AugurDrawn *drawn,
                   const AugurShape *in,
                   double           *x,
                   double           *y)
{
  *y = in->height - *y;
  return TRUE;
}

static const AugurDrawnSpec no_drawn[] = { { NULL } };

/* Shared by the affine family ---------------------------------------------------- */

/* Whether a point in pixel-centre coordinates lies on an image of w x h. */
static gboolean
point_inside (double x,
              double y,
              int    w,
              int    h)
{
  return x >= 0 && y >= 0 && x < w && y < h;
}

/* The forward matrix of "about the image centre": T(c) * linear * T(-c),
 * with c the centre of a w x h image (Albumentations' (w - 1) / 2 in index
 * coordinates is w / 2 in pixel-centre ones). */
static void
about_centre (const double linear[4],
              double       tx,
              double       ty,
              int          w,
              int          h,
              double       m[6])
{
  double cx = w / 2.0, cy = h / 2.0;

  m[0] = linear[0], m[1] = linear[1];
  m[3] = linear[2], m[4] = linear[3];
  m[2] = cx + tx - (m[0] * cx + m[1] * cy);
  m[5] = cy + ty - (m[3] * cx + m[4] * cy);
}

/* Rotation by @degrees, counter-clockwise on screen (y points down), as
 * OpenCV's getRotationMatrix2D and Albumentations. */
static void
rotation (double  degrees,
          double  linear[4])
{
  double a = fmod (degrees, 360.0) * G_PI / 180.0;
  double c = cos (a), s = sin (a);

  linear[0] = c, linear[1] = s;
  linear[2] = -s, linear[3] = c;
}

static AugurImage *
warp_with (const AugurImage *src,
           const double      forward[6],
           int               out_w,
           int               out_h,
           const AugurValue *interp,
           const AugurValue *border,
           const AugurValue *fill_value)
{
  double inverse[6];
  AugurFill fill;

  augur_fill_from_value (fill_value, src->channels, &fill);
  if (!augur_affine_invert (forward, inverse))
    {
      /* A collapsed matrix (scale ~0): every output pixel reads the centre. */
      inverse[0] = inverse[1] = inverse[3] = inverse[4] = 0;
      inverse[2] = src->width / 2.0;
      inverse[5] = src->height / 2.0;
    }
  return augur_warp_affine (src, out_w, out_h, inverse,
                            (AugurInterpolation) interp->nick,
                            (AugurBorder) border->nick, &fill);
}

/* Rotate --------------------------------------------------------------------------- */

enum { ROT_LIMIT, ROT_INTERP, ROT_BORDER, ROT_FILL, ROT_CROP_BORDER };

static const AugurParamSpec rotate_params[] = {
  [ROT_LIMIT] = {
    .name = "limit", .label = "Angle",
    .description = "Range of the rotation angle in degrees; positive turns counter-clockwise. "
                   "One number x means [-x, x]",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -360, .max = 360, .ui_min = -180, .ui_max = 180, .step = 1, .def = { -90, 90 } },
  [ROT_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [ROT_BORDER] = AUGUR_PARAM_BORDER_MODE (AUGUR_BORDER_CONSTANT),
  [ROT_FILL] = AUGUR_PARAM_FILL_VALUE (0),
  [ROT_CROP_BORDER] = {
    .name = "crop_border", .label = "Crop border",
    .description = "Crop the result to the largest upright rectangle inside the rotated image, "
                   "so that no border shows; the output gets smaller",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
};

static const AugurDrawnSpec rotate_drawn[] = {
  { "angle", FALSE, -360, 360 },
  { NULL },
};

static void
rotate_sample (const AugurValue *params,
               const AugurShape *in,
               AugurRng         *rng,
               AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "angle",
                   augur_rng_range (rng, params[ROT_LIMIT].v[0], params[ROT_LIMIT].v[1]));
}

/* The largest axis-aligned rectangle of maximal area inside a w x h image
 * rotated by @degrees, centred, in whole pixels (Albumentations'
 * _rotated_rect_with_max_area, rounded inwards); never empty. */
static void
rotated_crop (int     w,
              int     h,
              double  degrees,
              int    *x0,
              int    *y0,
              int    *x1,
              int    *y1)
{
  double a = degrees * G_PI / 180.0;
  double sin_a = fabs (sin (a)), cos_a = fabs (cos (a));
  gboolean width_longer = w >= h;
  double side_long = width_longer ? w : h, side_short = width_longer ? h : w;
  double wr, hr;

  if (side_short <= 2.0 * sin_a * cos_a * side_long || fabs (sin_a - cos_a) < 1e-10)
    {
      double x = 0.5 * side_short;

      wr = width_longer ? x / sin_a : x / cos_a;
      hr = width_longer ? x / cos_a : x / sin_a;
    }
  else
    {
      double cos_2a = cos_a * cos_a - sin_a * sin_a;

      wr = (w * cos_a - h * sin_a) / cos_2a;
      hr = (h * cos_a - w * sin_a) / cos_2a;
    }

  /* Albumentations truncates both ends, which can shift the crop up to a
   * pixel outside the rotated image; rounding inwards keeps it inside. */
  *x0 = (int) MAX (0, ceil (w / 2.0 - wr / 2 - 1e-9));
  *x1 = (int) MIN (w, floor (w / 2.0 + wr / 2 + 1e-9));
  *y0 = (int) MAX (0, ceil (h / 2.0 - hr / 2 - 1e-9));
  *y1 = (int) MIN (h, floor (h / 2.0 + hr / 2 + 1e-9));

  /* Tiny images can round to nothing: keep the centre pixel. */
  if (*x1 <= *x0)
    *x0 = MIN (*x0, w - 1), *x1 = *x0 + 1;
  if (*y1 <= *y0)
    *y0 = MIN (*y0, h - 1), *y1 = *y0 + 1;
}

/* Forward matrix from input to output pixels, and the output size. */
static void
rotate_geometry (const AugurValue *params,
                 const AugurDrawn *drawn,
                 int               w,
                 int               h,
                 double            m[6],
                 int              *out_w,
                 int              *out_h)
{
  double angle = augur_drawn_get (drawn, "angle"), linear[4];

  rotation (angle, linear);
  about_centre (linear, 0, 0, w, h, m);
  *out_w = w, *out_h = h;

  if (AUGUR_PARAM_BOOL_VALUE (params, ROT_CROP_BORDER))
    {
      int x0, y0, x1, y1;

      rotated_crop (w, h, angle, &x0, &y0, &x1, &y1);
      m[2] -= x0;
      m[5] -= y0;
      *out_w = x1 - x0;
      *out_h = y1 - y0;
    }
}

static void
rotate_output_shape (const AugurValue *params,
                     const AugurDrawn *drawn,
                     const AugurShape *in,
                     AugurShape       *out)
{
  double m[6];

  *out = *in;
  rotate_geometry (params, drawn, in->width, in->height, m, &out->width, &out->height);
}

static AugurImage *
rotate_apply (const AugurImage *src,
              const AugurValue *params,
              const AugurDrawn *drawn)
{
  double m[6];
  int w, h;

  rotate_geometry (params, drawn, src->width, src->height, m, &w, &h);
  return warp_with (src, m, w, h, &params[ROT_INTERP], &params[ROT_BORDER], &params[ROT_FILL]);
}

static gboolean
rotate_map (const AugurValue *params,
            const AugurDrawn *drawn,
            const AugurShape *in,
            double           *x,
            double           *y)
{
  double m[6];
  int w, h;

  rotate_geometry (params, drawn, in->width, in->height, m, &w, &h);
  augur_affine_apply (m, x, y);
  return point_inside (*x, *y, w, h);
}

/* The table ---------------------------------------------------------------------- */

const AugurTransformInfo augur_geometry_transforms[] = {
  {
    .name = "HorizontalFlip",
    .label = "Horizontal flip",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Mirror the image left to right.",
    .version = 1,
    .default_p = 0.5,
    .drawn = no_drawn,
    .sample = sample_nothing,
    .apply = horizontal_flip_apply,
    .map_point = horizontal_flip_map,
  },
  {
    .name = "VerticalFlip",
    .label = "Vertical flip",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Mirror the image top to bottom.",
    .version = 1,
    .default_p = 0.5,
    .drawn = no_drawn,
    .sample = sample_nothing,
    .apply = vertical_flip_apply,
    .map_point = vertical_flip_map,
  },
  {
    .name = "Rotate",
    .label = "Rotate",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Rotate about the image centre by a random angle. Albumentations' mask-only "
                   "and box-only options (fill_mask, mask_interpolation, rotate_method) do not "
                   "apply to images and are left out.",
    .version = 1,
    .default_p = 0.5,
    .params = rotate_params,
    .n_params = G_N_ELEMENTS (rotate_params),
    .drawn = rotate_drawn,
    .sample = rotate_sample,
    .output_shape = rotate_output_shape,
    .apply = rotate_apply,
    .map_point = rotate_map,
  },
};

const guint augur_n_geometry_transforms = G_N_ELEMENTS (augur_geometry_transforms);
