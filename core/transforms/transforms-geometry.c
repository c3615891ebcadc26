/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-mirror.h"
#include "augur-transform-private.h"

/* Shared by the affine family ---------------------------------------------------- */

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

/* An affine warp by the forward matrix @m (input to output, pixel-centre
 * coordinates) onto out_w x out_h, resampled as the parameters at
 * @interp, @border and @fill say. */
static void
set_affine (AugurWarp        *warp,
            const double      m[6],
            int               out_w,
            int               out_h,
            const AugurValue *interp,
            const AugurValue *border,
            const AugurValue *fill)
{
  warp->kind = AUGUR_WARP_AFFINE;
  memcpy (warp->affine.forward, m, sizeof warp->affine.forward);
  warp->out_width = out_w;
  warp->out_height = out_h;
  augur_warp_set_resampling (warp, interp, border, fill);
}

/* Rotate --------------------------------------------------------------------------- */

enum { ROT_LIMIT, ROT_INTERP, ROT_BORDER, ROT_FILL, ROT_CROP_BORDER, ROT_FILL_MASK };

static const AugurParamSpec rotate_params[] = {
  [ROT_LIMIT] = {
    .name = "limit", .label = "Angle",
    .description = "Range of the rotation angle in degrees; positive turns counter-clockwise. "
                   "One number x means [-x, x]",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -360, .max = 360, .ui_min = -180, .ui_max = 180, .step = 1, .def = { -90, 90 } },
  [ROT_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [ROT_BORDER] = AUGUR_PARAM_BORDER_MODE (AUGUR_BORDER_CONSTANT),
  [ROT_FILL] = AUGUR_PARAM_FILL_VALUE_WAS (0, "value"),
  [ROT_FILL_MASK] = AUGUR_PARAM_FILL_MASK_WAS ("mask_value"),
  [ROT_CROP_BORDER] = {
    .name = "crop_border", .label = "Crop border",
    .description = "Crop the result to the largest upright rectangle inside the rotated image, "
                   "so that no border shows; the output gets smaller",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
};

static const AugurDrawnSpec rotate_drawn[] = {
  { "angle", FALSE, -360, 360, .label = "Angle", .unit = "°", .signed_ = TRUE },
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

/* The rotation about the centre; with crop_border, the output is the
 * largest upright rectangle inside the rotated image. */
static void
rotate_geometry (const AugurValue *params,
                 const AugurDrawn *drawn,
                 const AugurShape *in,
                 AugurWarp        *warp)
{
  double angle = augur_drawn_get (drawn, "angle"), linear[4], m[6];
  int w = in->width, h = in->height, out_w = w, out_h = h;

  rotation (angle, linear);
  about_centre (linear, 0, 0, w, h, m);

  if (AUGUR_PARAM_BOOL_VALUE (params, ROT_CROP_BORDER))
    {
      int x0, y0, x1, y1;

      rotated_crop (w, h, angle, &x0, &y0, &x1, &y1);
      m[2] -= x0;
      m[5] -= y0;
      out_w = x1 - x0;
      out_h = y1 - y0;
    }
  set_affine (warp, m, out_w, out_h,
              &params[ROT_INTERP], &params[ROT_BORDER], &params[ROT_FILL]);
}

/* Affine --------------------------------------------------------------------------- */

enum {
  AFF_SCALE, AFF_TRANSLATE_PERCENT, AFF_TRANSLATE_PX, AFF_ROTATE, AFF_SHEAR,
  AFF_INTERP, AFF_FIT_OUTPUT, AFF_KEEP_RATIO, AFF_BALANCED_SCALE, AFF_BORDER, AFF_FILL,
  AFF_FILL_MASK,
};

/* fit_output canvases stay within these. */
#define AFFINE_MAX_SIDE   16384
#define AFFINE_MAX_PIXELS AUGUR_DEFAULT_MAX_PIXELS

static const AugurParamSpec affine_params[] = {
  [AFF_SCALE] = {
    .name = "scale", .label = "Scale",
    .description = "Zoom factor range, per axis (1 keeps the size, 0.5 halves it); "
                   "one range applies to both axes",
    .type = AUGUR_PARAM_XY_RANGE,
    .min = 0.01, .max = 10, .ui_min = 0.5, .ui_max = 2, .step = 0.01, .def = { 1, 1, 1, 1 } },
  [AFF_TRANSLATE_PERCENT] = {
    .name = "translate_percent", .label = "Shift (fraction)",
    .description = "Shift range as a fraction of the image width (x) and height (y); "
                   "when set, it is used instead of translate_px",
    .type = AUGUR_PARAM_XY_RANGE, .flags = AUGUR_PARAM_NULLABLE,
    .min = -1, .max = 1, .ui_min = -0.5, .ui_max = 0.5, .step = 0.01,
    .def = { 0, 0, 0, 0 }, .def_null = TRUE },
  [AFF_TRANSLATE_PX] = {
    .name = "translate_px", .label = "Shift (pixels)",
    .description = "Shift range in whole pixels, per axis (used when translate_percent is not set)",
    .type = AUGUR_PARAM_XY_RANGE,
    .min = -16384, .max = 16384, .ui_min = -100, .ui_max = 100, .step = 1, .def = { 0, 0, 0, 0 },
    .alb.encoding = AUGUR_ALB_XY_INTEGERS },
  [AFF_ROTATE] = {
    .name = "rotate", .label = "Rotation",
    .description = "Rotation angle range in degrees; positive turns counter-clockwise",
    .type = AUGUR_PARAM_RANGE,
    .min = -360, .max = 360, .ui_min = -180, .ui_max = 180, .step = 1, .def = { 0, 0 } },
  [AFF_SHEAR] = {
    .name = "shear", .label = "Shear",
    .description = "Shear angle range in degrees, per axis; one range applies to both axes",
    .type = AUGUR_PARAM_XY_RANGE,
    .min = -80, .max = 80, .ui_min = -45, .ui_max = 45, .step = 1, .def = { 0, 0, 0, 0 } },
  [AFF_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [AFF_FIT_OUTPUT] = {
    .name = "fit_output", .label = "Fit output",
    .description = "Enlarge (or shrink) the canvas so that the whole transformed image fits; "
                   "the output size changes (capped at 16384 pixels a side)",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
  [AFF_KEEP_RATIO] = {
    .name = "keep_ratio", .label = "Keep aspect ratio",
    .description = "Use the drawn x scale for y as well",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
  [AFF_BALANCED_SCALE] = {
    .name = "balanced_scale", .label = "Balanced scale",
    .description = "Draw from the part of the scale range below 1 or the part above 1 with equal "
                   "chance, so that zooming out is as likely as zooming in",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
  [AFF_BORDER] = AUGUR_PARAM_BORDER_MODE_WAS (AUGUR_BORDER_CONSTANT, "mode"),
  [AFF_FILL] = AUGUR_PARAM_FILL_VALUE_WAS (0, "cval"),
  [AFF_FILL_MASK] = AUGUR_PARAM_FILL_MASK_WAS ("cval_mask"),
};

static const AugurDrawnSpec affine_drawn[] = {
  { "scale_x", FALSE, 0.01, 10, .label = "Horizontal scale", .unit = "×" },
  { "scale_y", FALSE, 0.01, 10, .label = "Vertical scale", .unit = "×" },
  { "translate_x", FALSE, -1e9, 1e9, .label = "Horizontal shift", .unit = "px", .signed_ = TRUE },
  { "translate_y", FALSE, -1e9, 1e9, .label = "Vertical shift", .unit = "px", .signed_ = TRUE },
  { "rotate", FALSE, -360, 360, .label = "Rotation", .unit = "°", .signed_ = TRUE },
  { "shear_x", FALSE, -80, 80, .label = "Horizontal shear", .unit = "°", .signed_ = TRUE },
  { "shear_y", FALSE, -80, 80, .label = "Vertical shear", .unit = "°", .signed_ = TRUE },
  { NULL },
};

/* Albumentations' balanced scale: pick [lo, 1] or [1, hi] with equal
 * chance (when both exist), then draw uniformly inside it. */
static double
draw_scale (AugurRng *rng,
            double    lo,
            double    hi,
            gboolean  balanced)
{
  gboolean below, above;

  if (!balanced)
    return augur_rng_range (rng, lo, hi);

  below = lo < 1, above = hi > 1;
  if (below && above)
    return augur_rng_chance (rng, 0.5) ? augur_rng_range (rng, lo, 1) : augur_rng_range (rng, 1, hi);
  if (below)
    return augur_rng_range (rng, lo, 1);
  if (above)
    return augur_rng_range (rng, 1, hi);
  return 1;
}

/* A whole number of pixels from [lo, hi], as Python's randint. */
static double
draw_pixels (AugurRng *rng,
             double    lo,
             double    hi)
{
  double a = ceil (lo), b = floor (hi);

  if (a > b)
    return round (lo);
  return (double) augur_rng_int (rng, (gint64) a, (gint64) b);
}

static void
affine_sample (const AugurValue *params,
               const AugurShape *in,
               AugurRng         *rng,
               AugurDrawn       *drawn)
{
  const double *sc = params[AFF_SCALE].v, *sh = params[AFF_SHEAR].v;
  gboolean balanced = AUGUR_PARAM_BOOL_VALUE (params, AFF_BALANCED_SCALE);
  double tx, ty, sx, sy;

  if (!params[AFF_TRANSLATE_PERCENT].is_null)
    {
      const double *tp = params[AFF_TRANSLATE_PERCENT].v;

      tx = augur_rng_range (rng, tp[0], tp[1]) * in->width;
      ty = augur_rng_range (rng, tp[2], tp[3]) * in->height;
    }
  else
    {
      const double *px = params[AFF_TRANSLATE_PX].v;

      tx = draw_pixels (rng, px[0], px[1]);
      ty = draw_pixels (rng, px[2], px[3]);
    }
  augur_drawn_set (drawn, "translate_x", tx);
  augur_drawn_set (drawn, "translate_y", ty);

  augur_drawn_set (drawn, "shear_x", augur_rng_range (rng, sh[0], sh[1]));
  augur_drawn_set (drawn, "shear_y", augur_rng_range (rng, sh[2], sh[3]));

  sx = draw_scale (rng, sc[0], sc[1], balanced);
  sy = draw_scale (rng, sc[2], sc[3], balanced);
  if (AUGUR_PARAM_BOOL_VALUE (params, AFF_KEEP_RATIO))
    sy = sx;
  augur_drawn_set (drawn, "scale_x", sx);
  augur_drawn_set (drawn, "scale_y", sy);

  augur_drawn_set (drawn, "rotate",
                   augur_rng_range (rng, params[AFF_ROTATE].v[0], params[AFF_ROTATE].v[1]));
}

/* Albumentations' order about the centre: scale, then rotate, then shear,
 * then translate. Its shear is negated (skimage's convention): a positive
 * x shear moves the rows below the centre to the left. */
static void
affine_forward (double  sx,
                double  sy,
                double  rotate,
                double  shear_x,
                double  shear_y,
                double  tx,
                double  ty,
                int     w,
                int     h,
                double  m[6])
{
  double kx = tan (-shear_x * G_PI / 180.0);
  double ky = tan (-shear_y * G_PI / 180.0);
  double r[4], rs[4], linear[4];

  rotation (rotate, r);

  /* rotation * scale */
  rs[0] = r[0] * sx, rs[1] = r[1] * sy;
  rs[2] = r[2] * sx, rs[3] = r[3] * sy;
  /* shear * (rotation * scale) */
  linear[0] = rs[0] + kx * rs[2], linear[1] = rs[1] + kx * rs[3];
  linear[2] = ky * rs[0] + rs[2], linear[3] = ky * rs[1] + rs[3];

  about_centre (linear, tx, ty, w, h, m);
}

static void
affine_geometry (const AugurValue *params,
                 const AugurDrawn *drawn,
                 const AugurShape *in,
                 AugurWarp        *warp)
{
  int w = in->width, h = in->height, out_w = w, out_h = h;
  double m[6];

  affine_forward (augur_drawn_get (drawn, "scale_x"), augur_drawn_get (drawn, "scale_y"),
                  augur_drawn_get (drawn, "rotate"),
                  augur_drawn_get (drawn, "shear_x"), augur_drawn_get (drawn, "shear_y"),
                  augur_drawn_get (drawn, "translate_x"), augur_drawn_get (drawn, "translate_y"),
                  w, h, m);

  if (AUGUR_PARAM_BOOL_VALUE (params, AFF_FIT_OUTPUT))
    {
      static const double corners[4][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 } };
      double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
      double fw, fh;

      /* The bounding box of the corner pixels' centres, one pixel wider. */
      for (int i = 0; i < 4; i++)
        {
          double x = 0.5 + corners[i][0] * (w - 1), y = 0.5 + corners[i][1] * (h - 1);

          augur_affine_apply (m, &x, &y);
          min_x = MIN (min_x, x), max_x = MAX (max_x, x);
          min_y = MIN (min_y, y), max_y = MAX (max_y, y);
        }
      fw = ceil (max_x - min_x + 1 - 1e-6);
      fh = ceil (max_y - min_y + 1 - 1e-6);
      fw = CLAMP (fw, 1, AFFINE_MAX_SIDE);
      fh = CLAMP (fh, 1, AFFINE_MAX_SIDE);
      fh = MIN (fh, floor (AFFINE_MAX_PIXELS / fw));
      out_w = (int) fw;
      out_h = (int) fh;
      m[2] += 0.5 - min_x;
      m[5] += 0.5 - min_y;
    }
  set_affine (warp, m, out_w, out_h,
              &params[AFF_INTERP], &params[AFF_BORDER], &params[AFF_FILL]);
}

/* RandomResizedCrop ---------------------------------------------------------------- */

enum { RRC_SIZE, RRC_SCALE, RRC_RATIO, RRC_INTERP, RRC_AREA_FOR_DOWNSCALE };

static const AugurParamSpec rrc_params[] = {
  [RRC_SIZE] = {
    .name = "size", .label = "Output size",
    .description = "Height and width of the result, in pixels",
    .type = AUGUR_PARAM_SIZE,
    .min = 1, .max = 8192, .ui_min = 32, .ui_max = 1024, .step = 1, .def = { 256, 256 },
    .alb = { .v1_name = "height", .v1_name_second = "width", .explicit = TRUE } },
  [RRC_SCALE] = {
    .name = "scale", .label = "Crop area",
    .description = "Range of the crop's area, as a fraction of the image area",
    .type = AUGUR_PARAM_RANGE,
    .min = 0.001, .max = 1, .ui_min = 0.01, .ui_max = 1, .step = 0.01, .def = { 0.08, 1.0 } },
  [RRC_RATIO] = {
    .name = "ratio", .label = "Crop aspect ratio",
    .description = "Range of the crop's width / height, drawn on a log scale",
    .type = AUGUR_PARAM_RANGE,
    .min = 0.05, .max = 20, .ui_min = 0.25, .ui_max = 4, .step = 0.01,
    .def = { 0.75, 1.3333333333333333 } },
  [RRC_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [RRC_AREA_FOR_DOWNSCALE] = {
    .name = "area_for_downscale", .label = "Area when shrinking",
    .description = "Use area interpolation instead when the crop is larger than the output "
                   "(\"image\" or \"image_mask\": both apply to images; masks follow later); "
                   "not set: always the chosen interpolation",
    .type = AUGUR_PARAM_ENUM, .flags = AUGUR_PARAM_NULLABLE,
    .def_nick = 0, .def_null = TRUE, .nicks = augur_area_for_downscale_nicks },
};

/* torchvision's and Albumentations' crop drawing: up to 10 tries at an
 * area and a log-uniform aspect ratio that fit, else a central crop with
 * the ratio clamped into range. Python's round() is half-to-even, as
 * nearbyint() in the default rounding mode. */
static void
rrc_sample (const AugurValue *params,
            const AugurShape *in,
            AugurRng         *rng,
            AugurDrawn       *drawn)
{
  const double *scale = params[RRC_SCALE].v, *ratio = params[RRC_RATIO].v;
  int w = in->width, h = in->height;
  double area = (double) w * h;
  double log_lo = log (ratio[0]), log_hi = log (ratio[1]);
  double in_ratio;
  int cw, ch, x, y;

  for (int attempt = 0; attempt < 10; attempt++)
    {
      double target = augur_rng_range (rng, scale[0], scale[1]) * area;
      double aspect = exp (augur_rng_range (rng, log_lo, log_hi));

      cw = (int) nearbyint (sqrt (target * aspect));
      ch = (int) nearbyint (sqrt (target / aspect));
      if (cw > 0 && cw <= w && ch > 0 && ch <= h)
        {
          y = (int) augur_rng_int (rng, 0, h - ch);
          x = (int) augur_rng_int (rng, 0, w - cw);
          goto done;
        }
    }

  in_ratio = (double) w / h;
  if (in_ratio < MIN (ratio[0], ratio[1]))
    {
      cw = w;
      ch = (int) nearbyint (w / MIN (ratio[0], ratio[1]));
    }
  else if (in_ratio > MAX (ratio[0], ratio[1]))
    {
      ch = h;
      cw = (int) nearbyint (h * MAX (ratio[0], ratio[1]));
    }
  else
    {
      cw = w;
      ch = h;
    }
  cw = CLAMP (cw, 1, w);
  ch = CLAMP (ch, 1, h);
  y = (h - ch) / 2;
  x = (w - cw) / 2;

done:
  augur_drawn_set (drawn, "x", x);
  augur_drawn_set (drawn, "y", y);
  augur_drawn_set (drawn, "width", cw);
  augur_drawn_set (drawn, "height", ch);
}

/* The drawn crop, made to fit an image of w x h (a replay read from a file
 * is only checked against the drawn spec's limits). */
static void
rrc_crop (const AugurDrawn *drawn,
          int               w,
          int               h,
          int              *x,
          int              *y,
          int              *cw,
          int              *ch)
{
  *x = CLAMP ((int) augur_drawn_get (drawn, "x"), 0, w - 1);
  *y = CLAMP ((int) augur_drawn_get (drawn, "y"), 0, h - 1);
  *cw = CLAMP ((int) augur_drawn_get (drawn, "width"), 1, w - *x);
  *ch = CLAMP ((int) augur_drawn_get (drawn, "height"), 1, h - *y);
}

/* The drawn crop, resized to the output size (a crop warp, as the crop
 * transforms'). */
static void
rrc_geometry (const AugurValue *params,
              const AugurDrawn *drawn,
              const AugurShape *in,
              AugurWarp        *warp)
{
  int out_h = (int) params[RRC_SIZE].v[0], out_w = (int) params[RRC_SIZE].v[1];
  int x, y, cw, ch;

  rrc_crop (drawn, in->width, in->height, &x, &y, &cw, &ch);
  augur_warp_set_crop (warp, x, y, cw, ch);
  warp->out_width = out_w;
  warp->out_height = out_h;
  warp->interp = (AugurInterpolation) params[RRC_INTERP].nick;
  if (!params[RRC_AREA_FOR_DOWNSCALE].is_null && (cw > out_w || ch > out_h))
    warp->interp = AUGUR_INTERP_AREA;
}

/* Symmetries of the square: Transpose, RandomRotate90, D4 -------------------------- */

/* One of the 8 symmetries as "transpose first (swapping the sides), then
 * mirror the result left to right and/or top to bottom". Every element of
 * the dihedral group D4 has exactly one such form. */
typedef struct
{
  gboolean swap;
  gboolean flip_x;
  gboolean flip_y;
} Dihedral;

/* Albumentations' D4 elements, in its order (d4_group_elements: "e",
 * "r90", "r180", "r270", "v", "hvt", "h", "t"): identity, the three
 * counter-clockwise quarter turns of np.rot90, vertical flip,
 * anti-transpose, horizontal flip, transpose. The drawn "group_element" of
 * D4 is an index into d4_elements. */
/* The same elements as a user reads them in a replay. */
static const char *const d4_readable_names[] = {
  "unchanged", "turned 90° counter-clockwise", "turned 180°", "turned 90° clockwise",
  "flipped vertically",
  "flipped on the anti-diagonal", "flipped horizontally", "transposed", NULL
};

static const Dihedral d4_elements[] = {
  { FALSE, FALSE, FALSE },  /* e */
  { TRUE,  FALSE, TRUE  },  /* r90: (x, y) -> (y, W - 1 - x) */
  { FALSE, TRUE,  TRUE  },  /* r180 */
  { TRUE,  TRUE,  FALSE },  /* r270: (x, y) -> (H - 1 - y, x) */
  { FALSE, FALSE, TRUE  },  /* v */
  { TRUE,  TRUE,  TRUE  },  /* hvt: (x, y) -> (H - 1 - y, W - 1 - x) */
  { FALSE, TRUE,  FALSE },  /* h */
  { TRUE,  FALSE, FALSE },  /* t */
};

enum { D4_IDENTITY, D4_R90, D4_R180, D4_R270, D4_V, D4_H = 6, D4_TRANSPOSE = 7 };

G_STATIC_ASSERT (G_N_ELEMENTS (d4_readable_names) == G_N_ELEMENTS (d4_elements) + 1);

/* The swapping elements: output (ox, oy) is source (ty, tx), where tx, ty
 * are ox, oy mirrored when flip_x, flip_y. Square tiles keep both the
 * source columns and the output rows in cache; @nc is a constant once
 * inlined, so each pixel is a fixed-size move. */
static inline void
dihedral_swap (guint8       *restrict dst,
               int                    dst_stride,
               const guint8 *restrict src,
               int                    src_stride,
               int                    ow,
               int                    oh,
               gboolean               flip_x,
               gboolean               flip_y,
               int                    nc)
{
  enum { TILE = 32 };
  gssize step = flip_x ? -(gssize) src_stride : (gssize) src_stride;

  for (int oy0 = 0; oy0 < oh; oy0 += TILE)
    for (int ox0 = 0; ox0 < ow; ox0 += TILE)
      {
        int oy1 = MIN (oy0 + TILE, oh), ox1 = MIN (ox0 + TILE, ow);

        for (int oy = oy0; oy < oy1; oy++)
          {
            int sx = flip_y ? oh - 1 - oy : oy;
            int sy = flip_x ? ow - 1 - ox0 : ox0;
            const guint8 *p = src + (gsize) sy * src_stride + (gsize) sx * nc;
            guint8 *q = dst + (gsize) oy * dst_stride + (gsize) ox0 * nc;

            for (int ox = ox0; ox < ox1; ox++, p += step, q += nc)
              memcpy (q, p, nc);
          }
      }
}

AugurImage *
augur_dihedral_copy (const AugurImage *src,
                     gboolean          swap,
                     gboolean          flip_x,
                     gboolean          flip_y)
{
  int ow = swap ? src->height : src->width;
  int oh = swap ? src->width : src->height;
  int nc = src->channels;
  AugurImage *out = augur_image_new_uninitialized (ow, oh, nc);

  if (swap)
    {
      if (nc == 1)
        dihedral_swap (out->data, out->stride, src->data, src->stride, ow, oh, flip_x, flip_y, 1);
      else if (nc == 3)
        dihedral_swap (out->data, out->stride, src->data, src->stride, ow, oh, flip_x, flip_y, 3);
      else
        dihedral_swap (out->data, out->stride, src->data, src->stride, ow, oh, flip_x, flip_y, 4);
      return out;
    }

  /* A mirror alone: all rows in one call. */
  if (flip_x && !flip_y)
    {
      mirror (out->data, out->stride, src->data, src->stride, ow, oh, nc);
      return out;
    }

  /* A vertical flip alone: whole rows, from both ends at once. */
  if (flip_y && !flip_x)
    {
      augur_flip_rows (out->data, out->stride, src->data, src->stride, (gsize) ow * nc, oh);
      return out;
    }

  /* Whole rows, mirrored or copied, in mirrored order or not. */
  for (int oy = 0; oy < oh; oy++)
    {
      const guint8 *s = augur_image_row (src, flip_y ? oh - 1 - oy : oy);
      guint8 *row = augur_image_row (out, oy);

      if (flip_x)
        mirror (row, out->stride, s, src->stride, ow, 1, nc);
      else
        memcpy (row, s, (gsize) ow * nc);
    }
  return out;
}

/* The warp of symmetry @d. */
static void
set_dihedral (AugurWarp      *warp,
              const Dihedral *d)
{
  warp->kind = AUGUR_WARP_DIHEDRAL;
  warp->dihedral.swap = d->swap;
  warp->dihedral.flip_x = d->flip_x;
  warp->dihedral.flip_y = d->flip_y;
  warp->out_width = d->swap ? warp->in.height : warp->in.width;
  warp->out_height = d->swap ? warp->in.width : warp->in.height;
}

/* HorizontalFlip and VerticalFlip: the symmetries "h" and "v". */

static void
horizontal_flip_geometry (const AugurValue *params,
                          const AugurDrawn *drawn,
                          const AugurShape *in,
                          AugurWarp        *warp)
{
  set_dihedral (warp, &d4_elements[D4_H]);
}

static void
vertical_flip_geometry (const AugurValue *params,
                        const AugurDrawn *drawn,
                        const AugurShape *in,
                        AugurWarp        *warp)
{
  set_dihedral (warp, &d4_elements[D4_V]);
}

/* Transpose */

static void
transpose_geometry (const AugurValue *params,
                    const AugurDrawn *drawn,
                    const AugurShape *in,
                    AugurWarp        *warp)
{
  set_dihedral (warp, &d4_elements[D4_TRANSPOSE]);
}

/* RandomRotate90: "factor" counter-clockwise quarter turns, as np.rot90. */

/* "factor" counter-clockwise quarter turns, as a user reads them. */
static const char *const rotate90_turns[] = {
  "none", "90° counter-clockwise", "180°", "90° clockwise", NULL
};

static const AugurDrawnSpec rotate90_drawn[] = {
  { "factor", FALSE, 0, 3, .label = "Turn", .show = AUGUR_DRAWN_SHOW_CHOICE, .choices = rotate90_turns },
  { NULL },
};

static void
rotate90_geometry (const AugurValue *params,
                   const AugurDrawn *drawn,
                   const AugurShape *in,
                   AugurWarp        *warp)
{
  static const int by_factor[] = { D4_IDENTITY, D4_R90, D4_R180, D4_R270 };
  int factor = CLAMP ((int) augur_drawn_get (drawn, "factor"), 0, 3);

  set_dihedral (warp, &d4_elements[by_factor[factor]]);
}

static void
rotate90_sample (const AugurValue *params,
                 const AugurShape *in,
                 AugurRng         *rng,
                 AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "factor", (double) augur_rng_int (rng, 0, 3));
}

/* D4: one of the 8 elements, uniformly. */

static const AugurDrawnSpec d4_drawn[] = {
  { "group_element", FALSE, 0, G_N_ELEMENTS (d4_elements) - 1, .label = "Result", .show = AUGUR_DRAWN_SHOW_CHOICE, .choices = d4_readable_names },
  { NULL },
};

static void
d4_geometry (const AugurValue *params,
             const AugurDrawn *drawn,
             const AugurShape *in,
             AugurWarp        *warp)
{
  int i = CLAMP ((int) augur_drawn_get (drawn, "group_element"), 0,
                 (int) G_N_ELEMENTS (d4_elements) - 1);

  set_dihedral (warp, &d4_elements[i]);
}

static void
d4_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "group_element",
                   (double) augur_rng_int (rng, 0, G_N_ELEMENTS (d4_elements) - 1));
}

/* SafeRotate ------------------------------------------------------------------------ */

enum { SAFE_LIMIT, SAFE_INTERP, SAFE_BORDER, SAFE_FILL, SAFE_FILL_MASK };

static const AugurParamSpec safe_rotate_params[] = {
  [SAFE_LIMIT] = {
    .name = "limit", .label = "Angle",
    .description = "Range of the rotation angle in degrees; positive turns counter-clockwise. "
                   "One number x means [-x, x]",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -360, .max = 360, .ui_min = -180, .ui_max = 180, .step = 1, .def = { -90, 90 } },
  [SAFE_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [SAFE_BORDER] = AUGUR_PARAM_BORDER_MODE (AUGUR_BORDER_CONSTANT),
  [SAFE_FILL] = AUGUR_PARAM_FILL_VALUE (0),
  [SAFE_FILL_MASK] = AUGUR_PARAM_FILL_MASK,
};

/* The rotation by "angle" about the centre, then squeezed on each axis so
 * that the bounding box of the rotated image is exactly the w x h frame:
 * Albumentations' SafeRotate (it scales x and y apart, so a non-square
 * image changes its aspect ratio when turned). Albumentations rounds the
 * box down to whole pixels, which can cut up to a pixel off the corners;
 * the exact box keeps them all inside. */
static void
safe_rotate_geometry (const AugurValue *params,
                      const AugurDrawn *drawn,
                      const AugurShape *in,
                      AugurWarp        *warp)
{
  int w = in->width, h = in->height;
  double m[6];
  double angle = augur_drawn_get (drawn, "angle"), r[4], linear[4];
  double a = fabs (cos (angle * G_PI / 180.0)), b = fabs (sin (angle * G_PI / 180.0));
  double box_w = w * a + h * b, box_h = w * b + h * a;
  double sx = w / box_w, sy = h / box_h;

  rotation (angle, r);
  linear[0] = sx * r[0], linear[1] = sx * r[1];
  linear[2] = sy * r[2], linear[3] = sy * r[3];
  about_centre (linear, 0, 0, w, h, m);
  set_affine (warp, m, w, h, &params[SAFE_INTERP], &params[SAFE_BORDER], &params[SAFE_FILL]);
}

static void
safe_rotate_sample (const AugurValue *params,
                    const AugurShape *in,
                    AugurRng         *rng,
                    AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "angle",
                   augur_rng_range (rng, params[SAFE_LIMIT].v[0], params[SAFE_LIMIT].v[1]));
}


/* ShiftScaleRotate ------------------------------------------------------------------ */

enum { SSR_SHIFT_X, SSR_SHIFT_Y, SSR_SCALE, SSR_ROTATE, SSR_INTERP, SSR_BORDER, SSR_FILL, SSR_FILL_MASK };

static const AugurParamSpec ssr_params[] = {
  [SSR_SHIFT_X] = {
    .name = "shift_limit_x", .label = "Shift x",
    .description = "Range of the horizontal shift, as a fraction of the width. "
                   "One number x means [-x, x]",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -1, .max = 1, .ui_min = -0.5, .ui_max = 0.5, .step = 0.01,
    .def = { -0.0625, 0.0625 } },
  [SSR_SHIFT_Y] = {
    .name = "shift_limit_y", .label = "Shift y",
    .description = "Range of the vertical shift, as a fraction of the height. "
                   "One number x means [-x, x]",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -1, .max = 1, .ui_min = -0.5, .ui_max = 0.5, .step = 0.01,
    .def = { -0.0625, 0.0625 } },
  [SSR_SCALE] = {
    .name = "scale_limit", .label = "Scale change",
    .description = "Range of the zoom, added to 1 ([-0.1, 0.1] zooms by 0.9 to 1.1); the two "
                   "axes are drawn apart, as in Albumentations 2.x. One number x means [-x, x]",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -0.99, .max = 9, .ui_min = -0.5, .ui_max = 1, .step = 0.01, .def = { -0.1, 0.1 } },
  [SSR_ROTATE] = {
    .name = "rotate_limit", .label = "Angle",
    .description = "Range of the rotation angle in degrees; positive turns counter-clockwise. "
                   "One number x means [-x, x]",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -360, .max = 360, .ui_min = -180, .ui_max = 180, .step = 1, .def = { -45, 45 } },
  [SSR_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [SSR_BORDER] = AUGUR_PARAM_BORDER_MODE (AUGUR_BORDER_CONSTANT),
  [SSR_FILL] = AUGUR_PARAM_FILL_VALUE_WAS (0, "value"),
  [SSR_FILL_MASK] = AUGUR_PARAM_FILL_MASK_WAS ("mask_value"),
};

static const AugurDrawnSpec ssr_drawn[] = {
  { "translate_x", FALSE, -1e9, 1e9, .label = "Horizontal shift", .unit = "px", .signed_ = TRUE },
  { "translate_y", FALSE, -1e9, 1e9, .label = "Vertical shift", .unit = "px", .signed_ = TRUE },
  { "scale_x", FALSE, 0.01, 10, .label = "Horizontal scale", .unit = "×" },
  { "scale_y", FALSE, 0.01, 10, .label = "Vertical scale", .unit = "×" },
  { "rotate", FALSE, -360, 360, .label = "Rotation", .unit = "°", .signed_ = TRUE },
  { NULL },
};

/* Albumentations 2.x draws it as its Affine with translate_percent =
 * shift limits, scale = 1 + scale_limit on each axis on its own, no shear:
 * the same order, and the shift kept in pixels as Affine's. */
static void
ssr_sample (const AugurValue *params,
            const AugurShape *in,
            AugurRng         *rng,
            AugurDrawn       *drawn)
{
  const double *sx = params[SSR_SHIFT_X].v, *sy = params[SSR_SHIFT_Y].v;
  const double *sc = params[SSR_SCALE].v, *rot = params[SSR_ROTATE].v;

  augur_drawn_set (drawn, "translate_x", augur_rng_range (rng, sx[0], sx[1]) * in->width);
  augur_drawn_set (drawn, "translate_y", augur_rng_range (rng, sy[0], sy[1]) * in->height);
  augur_drawn_set (drawn, "scale_x", 1 + augur_rng_range (rng, sc[0], sc[1]));
  augur_drawn_set (drawn, "scale_y", 1 + augur_rng_range (rng, sc[0], sc[1]));
  augur_drawn_set (drawn, "rotate", augur_rng_range (rng, rot[0], rot[1]));
}

static void
ssr_geometry (const AugurValue *params,
              const AugurDrawn *drawn,
              const AugurShape *in,
              AugurWarp        *warp)
{
  double m[6];

  affine_forward (augur_drawn_get (drawn, "scale_x"), augur_drawn_get (drawn, "scale_y"),
                  augur_drawn_get (drawn, "rotate"), 0, 0,
                  augur_drawn_get (drawn, "translate_x"), augur_drawn_get (drawn, "translate_y"),
                  in->width, in->height, m);
  set_affine (warp, m, in->width, in->height,
              &params[SSR_INTERP], &params[SSR_BORDER], &params[SSR_FILL]);
}

/* The table ---------------------------------------------------------------------- */

/* Cost bounds ----------------------------------------------------------------------- */

/* A quarter turn may swap the sides: either side is at most the longer. */
static void
quarter_turn_cost (const AugurValue *params,
                   const AugurShape *in,
                   AugurShape       *out,
                   AugurCost        *cost)
{
  int side = MAX (in->width, in->height);

  *out = (AugurShape) { side, side, in->channels };
  augur_cost_set_copy (in, out, cost);
}

/* Rotate keeps the size, or crops inside it (crop_border). */
static void
rotate_cost (const AugurValue *params,
             const AugurShape *in,
             AugurShape       *out,
             AugurCost        *cost)
{
  *out = *in;
  augur_cost_set_warp (in, out, params[ROT_INTERP].nick, cost);
}

/* Albumentations 2.0.8 writes the Affine arguments SafeRotate inherits; they
 * do not change SafeRotate's output. */
#define SAFE_ROTATE_INHERITED(name_) \
  { (name_), NULL, AUGUR_ALB_ABSENT_NOTE, "inherited from Affine; no effect on SafeRotate" }

const AugurTransformInfo augur_geometry_transforms[] = {
  {
    .name = "HorizontalFlip",
    .label = "Horizontal flip",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Mirror the image left to right.",
    .version = 1,
    .default_p = 0.5,
    .drawn = augur_no_drawn,
    .sample = augur_sample_nothing,
    .geometry = horizontal_flip_geometry,
  },
  {
    .name = "VerticalFlip",
    .label = "Vertical flip",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Mirror the image top to bottom.",
    .version = 1,
    .default_p = 0.5,
    .drawn = augur_no_drawn,
    .sample = augur_sample_nothing,
    .geometry = vertical_flip_geometry,
  },
  {
    .name = "Transpose",
    .label = "Transpose",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Swap rows and columns (mirror about the main diagonal); width and height "
                   "swap.",
    .version = 1,
    .default_p = 0.5,
    .drawn = augur_no_drawn,
    .sample = augur_sample_nothing,
    .geometry = transpose_geometry,
  },
  {
    .name = "RandomRotate90",
    .label = "Random rotate 90",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Turn counter-clockwise by 0, 1, 2 or 3 quarter turns, each equally likely "
                   "(so a quarter of the draws leave the image as it is); width and height "
                   "swap on odd turns.",
    .version = 1,
    .default_p = 1.0,
    .drawn = rotate90_drawn,
    .sample = rotate90_sample,
    .geometry = rotate90_geometry,
    .cost = quarter_turn_cost,
  },
  {
    .name = "D4",
    .label = "D4 symmetry",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "One of the 8 symmetries of a square, equally likely: identity, the three "
                   "quarter turns, the two flips, transpose and anti-transpose (the drawn "
                   "group_element indexes Albumentations' order e, r90, r180, r270, v, hvt, h, "
                   "t). On a non-square image the turns and transposes swap width and height.",
    .version = 1,
    .default_p = 1.0,
    .drawn = d4_drawn,
    .sample = d4_sample,
    .geometry = d4_geometry,
    .cost = quarter_turn_cost,
  },
  {
    .name = "Rotate",
    .label = "Rotate",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Rotate about the image centre by a random angle.",
    .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL),
                                    AUGUR_ALB_BOX_ONLY ("rotate_method")),
    .version = 1,
    .default_p = 0.5,
    .params = rotate_params,
    .n_params = G_N_ELEMENTS (rotate_params),
    .drawn = rotate_drawn,
    .sample = rotate_sample,
    .geometry = rotate_geometry,
    .cost = rotate_cost,
  },
  {
    .name = "SafeRotate",
    .label = "Safe rotate",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Rotate about the centre by a random angle and shrink the result so that the "
                   "whole rotated image stays inside the frame (each axis on its own, so a "
                   "non-square image is squeezed); the size does not change.",
    .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL),
                                    AUGUR_ALB_BOX_ONLY ("rotate_method"),
                                    SAFE_ROTATE_INHERITED ("rotate"),
                                    SAFE_ROTATE_INHERITED ("scale"),
                                    SAFE_ROTATE_INHERITED ("shear"),
                                    SAFE_ROTATE_INHERITED ("translate_percent"),
                                    SAFE_ROTATE_INHERITED ("translate_px"),
                                    SAFE_ROTATE_INHERITED ("fit_output"),
                                    SAFE_ROTATE_INHERITED ("keep_ratio"),
                                    SAFE_ROTATE_INHERITED ("balanced_scale")),
    .version = 1,
    .default_p = 0.5,
    .params = safe_rotate_params,
    .n_params = G_N_ELEMENTS (safe_rotate_params),
    .drawn = rotate_drawn,
    .sample = safe_rotate_sample,
    .geometry = safe_rotate_geometry,
  },
  {
    .name = "Affine",
    .label = "Affine",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Scale, rotate, shear and shift about the image centre, with random amounts.",
    .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL),
                                    AUGUR_ALB_BOX_ONLY ("rotate_method")),
    .version = 1,
    .default_p = 0.5,
    .params = affine_params,
    .n_params = G_N_ELEMENTS (affine_params),
    .drawn = affine_drawn,
    .sample = affine_sample,
    .geometry = affine_geometry,
  },
  {
    .name = "ShiftScaleRotate",
    .label = "Shift, scale, rotate",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Shift, zoom and rotate about the centre by random amounts (Albumentations "
                   "keeps it as a special case of Affine, without shear).",
    .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL),
                                    AUGUR_ALB_BOX_ONLY ("rotate_method")),
    .version = 1,
    .default_p = 0.5,
    .params = ssr_params,
    .n_params = G_N_ELEMENTS (ssr_params),
    .drawn = ssr_drawn,
    .sample = ssr_sample,
    .geometry = ssr_geometry,
  },
  {
    .name = "RandomResizedCrop",
    .label = "Random resized crop",
    .category = AUGUR_CATEGORY_CROP,
    .description = "Crop a random area with a random aspect ratio, then resize it to a fixed "
                   "size (the torchvision / Inception recipe).",
    .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL)),
    .version = 1,
    .default_p = 1.0,
    .params = rrc_params,
    .n_params = G_N_ELEMENTS (rrc_params),
    .drawn = augur_box_drawn,
    .sample = rrc_sample,
    .geometry = rrc_geometry,
  },
};

const guint augur_n_geometry_transforms = G_N_ELEMENTS (augur_geometry_transforms);
