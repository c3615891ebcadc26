/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-transform-private.h"

/*
 * Crop, pad and resize transforms.
 *
 * All but RandomGridShuffle are one shape of operation, a crop warp (see
 * augur-warp.h): take a rectangle that lies inside the source, read a
 * window over it that may reach past its edges (the border mode fills what
 * lies outside: padding), then resize the window to the output size. Each
 * transform's geometry computes it from the parameters, the drawn values
 * and the input size; the warp module derives the pixels, the output shape
 * and the mapping of points and labels from that one description, so that
 * they never disagree. RandomGridShuffle is a warp of tiles.
 *
 * Drawn values are checked only against the limits of their spec when a
 * replay is read from a file, so every geometry clamps them to the image.
 */

/* Output sides are bounded by this, and every size parameter. */
#define CROP_MAX_SIDE   16384
#define CROP_MAX_PIXELS AUGUR_DEFAULT_MAX_PIXELS
/* CropAndPad's padding keeps a side within this (or the input's side). */
#define CROP_PAD_SIDE   10000

#define PARAM_AREA_FOR_DOWNSCALE \
  { .name = "area_for_downscale", .label = "Area when shrinking", \
    .description = "Use area interpolation instead when the image shrinks (\"image\" or " \
                   "\"image_mask\": both apply to images; masks follow later); not set: always " \
                   "the chosen interpolation", \
    .type = AUGUR_PARAM_ENUM, .flags = AUGUR_PARAM_NULLABLE, \
    .def_nick = 0, .def_null = TRUE, .nicks = augur_area_for_downscale_nicks }

/* The interpolation of a resize from in_w x in_h to out_w x out_h. */
static AugurInterpolation
pick_interp (const AugurValue *params,
             int               interp_index,
             int               area_index,
             int               in_w,
             int               in_h,
             int               out_w,
             int               out_h)
{
  if (area_index >= 0 && !params[area_index].is_null && (out_w < in_w || out_h < in_h))
    return AUGUR_INTERP_AREA;
  return (AugurInterpolation) params[interp_index].nick;
}

/* A w x h image scaled by @scale, each side truncated (@truncate, as
 * Python's int()) or rounded half to even (as round()), at least one
 * pixel, and kept within the output limits (shrunk alike on both axes when
 * it would exceed them). */
static void
scaled_size (int      w,
             int      h,
             double   scale,
             gboolean truncate,
             int     *out_w,
             int     *out_h)
{
  double fw = truncate ? trunc (w * scale) : nearbyint (w * scale);
  double fh = truncate ? trunc (h * scale) : nearbyint (h * scale);
  double f = 1;

  fw = MAX (fw, 1);
  fh = MAX (fh, 1);
  if (fw > CROP_MAX_SIDE)
    f = MIN (f, CROP_MAX_SIDE / fw);
  if (fh > CROP_MAX_SIDE)
    f = MIN (f, CROP_MAX_SIDE / fh);
  if (fw * fh * f * f > CROP_MAX_PIXELS)
    f = MIN (f, sqrt (CROP_MAX_PIXELS / (fw * fh)));
  if (f < 1)
    {
      fw = MAX (1, floor (fw * f));
      fh = MAX (1, floor (fh * f));
    }
  *out_w = (int) fw;
  *out_h = (int) fh;
}

/* A drawn pixel value, clamped to [lo, hi]. */
static int
drawn_int (const AugurDrawn *drawn,
           const char       *name,
           int               lo,
           int               hi)
{
  double v = augur_drawn_get (drawn, name);

  if (hi < lo)
    hi = lo;
  return (int) CLAMP (v, lo, hi);
}

/* Padding: amounts and placement ------------------------------------------------ */

enum { POS_CENTER, POS_TOP_LEFT, POS_TOP_RIGHT, POS_BOTTOM_LEFT, POS_BOTTOM_RIGHT, POS_RANDOM };

static const char *const position_nicks[] = {
  "center", "top_left", "top_right", "bottom_left", "bottom_right", "random", NULL,
};

static const AugurDrawnSpec pad_drawn[] = {
  { "pad_top", FALSE, 0, 1e9, .label = "Padding above", .unit = "px" },
  { "pad_left", FALSE, 0, 1e9, .label = "Padding left", .unit = "px" },
  { NULL },
};

/* Albumentations' get_dimension_padding: up to @min_size (when > 0),
 * else up to the next multiple of @divisor (when > 0); split evenly, the
 * odd pixel after. */
static void
pad_amounts (int  size,
             int  min_size,
             int  divisor,
             int *before,
             int *after)
{
  int total = 0;

  if (min_size > 0)
    total = MAX (0, min_size - size);
  else if (divisor > 0 && size % divisor != 0)
    total = divisor - size % divisor;
  *before = total / 2;
  *after = total - *before;
}

/* Albumentations' adjust_padding_by_position: "top_left" keeps the image
 * at the top left (all padding after it), and so on; "random" splits each
 * axis' total at the drawn pad_top / pad_left (@drawn is read only then). */
static void
place_padding (int               position,
               const AugurDrawn *drawn,
               int              *top,
               int              *bottom,
               int              *left,
               int              *right)
{
  int hsum = *top + *bottom, wsum = *left + *right;

  switch (position)
    {
    case POS_TOP_LEFT:
      *top = 0, *left = 0;
      break;
    case POS_TOP_RIGHT:
      *top = 0, *left = wsum;
      break;
    case POS_BOTTOM_LEFT:
      *top = hsum, *left = 0;
      break;
    case POS_BOTTOM_RIGHT:
      *top = hsum, *left = wsum;
      break;
    case POS_RANDOM:
      *top = drawn_int (drawn, "pad_top", 0, hsum);
      *left = drawn_int (drawn, "pad_left", 0, wsum);
      break;
    case POS_CENTER:
    default:
      return;
    }
  *bottom = hsum - *top;
  *right = wsum - *left;
}

/* Draws where "random" puts the image, as randint(0, total) per axis; for
 * the other positions records where they put it, so that a replay reads
 * true. */
static void
sample_placement (int         position,
                  int         top,
                  int         bottom,
                  int         left,
                  int         right,
                  AugurRng   *rng,
                  AugurDrawn *drawn)
{
  if (position == POS_RANDOM)
    {
      augur_drawn_set (drawn, "pad_top", (double) augur_rng_int (rng, 0, top + bottom));
      augur_drawn_set (drawn, "pad_left", (double) augur_rng_int (rng, 0, left + right));
      return;
    }

  place_padding (position, NULL, &top, &bottom, &left, &right);
  augur_drawn_set (drawn, "pad_top", top);
  augur_drawn_set (drawn, "pad_left", left);
}

#define PARAM_PAD_POSITION(name_) \
  { .name = (name_), .label = "Image position", \
    .description = "Where the image sits inside the padding: \"center\", a corner " \
                   "(\"top_left\" pads below and to the right), or \"random\"", \
    .type = AUGUR_PARAM_ENUM, .def_nick = POS_CENTER, .nicks = position_nicks }

#define PARAM_SIDE(name_, label_, description_, min_, default_) \
  { .name = (name_), .label = (label_), .description = (description_), \
    .type = AUGUR_PARAM_INT, .min = (min_), .max = CROP_MAX_SIDE, .ui_min = 16, .ui_max = 2048, \
    .step = 1, .def = { (default_) }, .alb.explicit = TRUE }

/* RandomScale -------------------------------------------------------------------- */

enum { RS_SCALE_LIMIT, RS_INTERP, RS_AREA };

static const AugurParamSpec random_scale_params[] = {
  [RS_SCALE_LIMIT] = {
    .name = "scale_limit", .label = "Scale change",
    .description = "Range of the change of size, added to 1: [-0.1, 0.1] scales by 0.9 to 1.1. "
                   "One number x means [-x, x]",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -0.99, .max = 9, .ui_min = -0.5, .ui_max = 1, .step = 0.01, .def = { -0.1, 0.1 } },
  [RS_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [RS_AREA] = PARAM_AREA_FOR_DOWNSCALE,
};

static const AugurDrawnSpec random_scale_drawn[] = {
  { "scale", FALSE, 0.01, 10, .label = "Scale", .unit = "×" },
  { NULL },
};

static void
random_scale_sample (const AugurValue *params,
                     const AugurShape *in,
                     AugurRng         *rng,
                     AugurDrawn       *drawn)
{
  const double *limit = params[RS_SCALE_LIMIT].v;

  augur_drawn_set (drawn, "scale", 1.0 + augur_rng_range (rng, limit[0], limit[1]));
}

/* Albumentations' scale(): each side times the factor, truncated. */
static void
random_scale_geometry (const AugurValue *params,
                       const AugurDrawn *drawn,
                       const AugurShape *in,
                       AugurWarp        *warp)
{
  int w = in->width, h = in->height;
  augur_warp_set_crop (warp, 0, 0, w, h);
  scaled_size (w, h, augur_drawn_get (drawn, "scale"), TRUE, &warp->out_width, &warp->out_height);
  warp->interp = pick_interp (params, RS_INTERP, RS_AREA, w, h, warp->out_width, warp->out_height);
}

/* Resize ------------------------------------------------------------------------- */

enum { RSZ_HEIGHT, RSZ_WIDTH, RSZ_INTERP, RSZ_AREA };

static const AugurParamSpec resize_params[] = {
  [RSZ_HEIGHT] = PARAM_SIDE ("height", "Height", "Height of the result, in pixels", 1, 256),
  [RSZ_WIDTH] = PARAM_SIDE ("width", "Width", "Width of the result, in pixels", 1, 256),
  [RSZ_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [RSZ_AREA] = PARAM_AREA_FOR_DOWNSCALE,
};

static void
resize_geometry (const AugurValue *params,
                 const AugurDrawn *drawn,
                 const AugurShape *in,
                 AugurWarp        *warp)
{
  int w = in->width, h = in->height;
  augur_warp_set_crop (warp, 0, 0, w, h);
  warp->out_height = (int) params[RSZ_HEIGHT].v[0];
  warp->out_width = (int) params[RSZ_WIDTH].v[0];
  warp->interp = pick_interp (params, RSZ_INTERP, RSZ_AREA, w, h, warp->out_width, warp->out_height);
}

/* LongestMaxSize, SmallestMaxSize ------------------------------------------------ */

enum { MS_MAX_SIZE, MS_MAX_SIZE_HW, MS_INTERP, MS_AREA };

#define MAX_SIZE_PARAMS(what_, hw_what_) \
  [MS_MAX_SIZE] = { \
    .name = "max_size", .label = "Side", \
    .description = "The length, in pixels, the " what_ " side is scaled to (a list of sizes " \
                   "to choose from is not supported)", \
    .type = AUGUR_PARAM_INT, .flags = AUGUR_PARAM_NULLABLE, \
    .min = 1, .max = CROP_MAX_SIDE, .ui_min = 16, .ui_max = 2048, .step = 1, .def = { 512 }, \
    .alb.explicit = TRUE }, \
  [MS_MAX_SIZE_HW] = { \
    .name = "max_size_hw", .label = "Height and width", \
    .description = "[height, width] the image is scaled to " hw_what_ ", keeping its aspect " \
                   "ratio; 0 leaves that side free (None in Albumentations). When set, it is " \
                   "used instead of max_size", \
    .type = AUGUR_PARAM_SIZE, .flags = AUGUR_PARAM_NULLABLE | AUGUR_PARAM_ALLOW_REVERSED, \
    .min = 0, .max = CROP_MAX_SIDE, .ui_min = 0, .ui_max = 2048, .step = 1, \
    .def = { 512, 512 }, .def_null = TRUE, .alb.encoding = AUGUR_ALB_SIZE_ZERO_IS_NONE }, \
  [MS_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR), \
  [MS_AREA] = PARAM_AREA_FOR_DOWNSCALE

static const AugurParamSpec longest_max_size_params[] = {
  MAX_SIZE_PARAMS ("longest", "fit inside (both sides at most these)"),
};

static const AugurParamSpec smallest_max_size_params[] = {
  MAX_SIZE_PARAMS ("shortest", "cover (both sides at least these)"),
};

static gboolean
max_size_check (const AugurValue  *params,
                GError           **error)
{
  const AugurValue *hw = &params[MS_MAX_SIZE_HW];

  if (!hw->is_null && hw->v[0] < 1 && hw->v[1] < 1)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "max_size_hw: at least one of height and width must be set");
      return FALSE;
    }
  if (hw->is_null && params[MS_MAX_SIZE].is_null)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "max_size: either max_size or max_size_hw must be set");
      return FALSE;
    }
  return TRUE;
}

/* Albumentations' MaxSizeTransform: one factor for both sides, each side
 * rounded (half to even, as Python's round()). */
static void
max_size_warp (const AugurValue *params,
               int               w,
               int               h,
               gboolean          longest,
               AugurWarp        *warp)
{
  const AugurValue *hw = &params[MS_MAX_SIZE_HW];
  double scale;

  if (!hw->is_null && (hw->v[0] >= 1 || hw->v[1] >= 1))
    {
      double sy = hw->v[0] / h, sx = hw->v[1] / w;

      if (hw->v[0] >= 1 && hw->v[1] >= 1)
        scale = longest ? MIN (sx, sy) : MAX (sx, sy);
      else
        scale = hw->v[0] >= 1 ? sy : sx;
    }
  else if (!params[MS_MAX_SIZE].is_null)
    scale = params[MS_MAX_SIZE].v[0] / (longest ? MAX (w, h) : MIN (w, h));
  else
    scale = 1;   /* refused by the check; harmless here */

  augur_warp_set_crop (warp, 0, 0, w, h);
  scaled_size (w, h, scale, FALSE, &warp->out_width, &warp->out_height);
  warp->interp = pick_interp (params, MS_INTERP, MS_AREA, w, h, warp->out_width, warp->out_height);
}

static void
longest_max_size_geometry (const AugurValue *params,
                           const AugurDrawn *drawn,
                           const AugurShape *in,
                           AugurWarp        *warp)
{
  int w = in->width, h = in->height;
  max_size_warp (params, w, h, TRUE, warp);
}

static void
smallest_max_size_geometry (const AugurValue *params,
                            const AugurDrawn *drawn,
                            const AugurShape *in,
                            AugurWarp        *warp)
{
  int w = in->width, h = in->height;
  max_size_warp (params, w, h, FALSE, warp);
}

/* PadIfNeeded -------------------------------------------------------------------- */

enum { PIN_MIN_HEIGHT, PIN_MIN_WIDTH, PIN_H_DIVISOR, PIN_W_DIVISOR, PIN_POSITION, PIN_BORDER, PIN_FILL, PIN_FILL_MASK };

static const AugurParamSpec pad_if_needed_params[] = {
  [PIN_MIN_HEIGHT] = {
    .name = "min_height", .label = "Minimum height",
    .description = "Pad the image to at least this height",
    .type = AUGUR_PARAM_INT, .flags = AUGUR_PARAM_NULLABLE,
    .min = 1, .max = CROP_MAX_SIDE, .ui_min = 16, .ui_max = 2048, .step = 1, .def = { 512 },
    .alb.explicit = TRUE },
  [PIN_MIN_WIDTH] = {
    .name = "min_width", .label = "Minimum width",
    .description = "Pad the image to at least this width",
    .type = AUGUR_PARAM_INT, .flags = AUGUR_PARAM_NULLABLE,
    .min = 1, .max = CROP_MAX_SIDE, .ui_min = 16, .ui_max = 2048, .step = 1, .def = { 512 },
    .alb.explicit = TRUE },
  [PIN_H_DIVISOR] = {
    .name = "pad_height_divisor", .label = "Height divisor",
    .description = "Pad the height up to a multiple of this; when set, it is used instead of "
                   "min_height",
    .type = AUGUR_PARAM_INT, .flags = AUGUR_PARAM_NULLABLE,
    .min = 1, .max = CROP_MAX_SIDE, .ui_min = 1, .ui_max = 256, .step = 1,
    .def = { 32 }, .def_null = TRUE },
  [PIN_W_DIVISOR] = {
    .name = "pad_width_divisor", .label = "Width divisor",
    .description = "Pad the width up to a multiple of this; when set, it is used instead of "
                   "min_width",
    .type = AUGUR_PARAM_INT, .flags = AUGUR_PARAM_NULLABLE,
    .min = 1, .max = CROP_MAX_SIDE, .ui_min = 1, .ui_max = 256, .step = 1,
    .def = { 32 }, .def_null = TRUE },
  [PIN_POSITION] = PARAM_PAD_POSITION ("position"),
  [PIN_BORDER] = AUGUR_PARAM_BORDER_MODE (AUGUR_BORDER_CONSTANT),
  [PIN_FILL] = AUGUR_PARAM_FILL_VALUE_WAS (0, "value"),
  [PIN_FILL_MASK] = AUGUR_PARAM_FILL_MASK_WAS ("mask_value"),
};

static gboolean
pad_if_needed_check (const AugurValue  *params,
                     GError           **error)
{
  if (params[PIN_MIN_HEIGHT].is_null && params[PIN_H_DIVISOR].is_null)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "min_height: either min_height or pad_height_divisor must be set");
      return FALSE;
    }
  if (params[PIN_MIN_WIDTH].is_null && params[PIN_W_DIVISOR].is_null)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "min_width: either min_width or pad_width_divisor must be set");
      return FALSE;
    }
  return TRUE;
}

static void
pad_if_needed_amounts (const AugurValue *params,
                       int               w,
                       int               h,
                       int              *top,
                       int              *bottom,
                       int              *left,
                       int              *right)
{
  const AugurValue *mh = &params[PIN_MIN_HEIGHT], *mw = &params[PIN_MIN_WIDTH];
  const AugurValue *dh = &params[PIN_H_DIVISOR], *dw = &params[PIN_W_DIVISOR];

  pad_amounts (h, dh->is_null && !mh->is_null ? (int) mh->v[0] : 0,
               dh->is_null ? 0 : (int) dh->v[0], top, bottom);
  pad_amounts (w, dw->is_null && !mw->is_null ? (int) mw->v[0] : 0,
               dw->is_null ? 0 : (int) dw->v[0], left, right);
}

/* The window @x, @y, @ww x @wh over the whole @w x @h input, reading the
 * warp's border outside it (a window inside the input reads none: see
 * crop_pixels () in augur-warp.c). */
static void
set_window (AugurWarp *warp,
            int        w,
            int        h,
            int        x,
            int        y,
            int        ww,
            int        wh)
{
  augur_warp_set_crop (warp, 0, 0, w, h);
  warp->crop.wx = x;
  warp->crop.wy = y;
  warp->crop.ww = warp->out_width = ww;
  warp->crop.wh = warp->out_height = wh;
}

static void
pad_if_needed_sample (const AugurValue *params,
                      const AugurShape *in,
                      AugurRng         *rng,
                      AugurDrawn       *drawn)
{
  int top, bottom, left, right;

  pad_if_needed_amounts (params, in->width, in->height, &top, &bottom, &left, &right);
  sample_placement (params[PIN_POSITION].nick, top, bottom, left, right, rng, drawn);
}

static void
pad_if_needed_geometry (const AugurValue *params,
                        const AugurDrawn *drawn,
                        const AugurShape *in,
                        AugurWarp        *warp)
{
  int w = in->width, h = in->height;
  int top, bottom, left, right;

  pad_if_needed_amounts (params, w, h, &top, &bottom, &left, &right);
  place_padding (params[PIN_POSITION].nick, drawn, &top, &bottom, &left, &right);
  set_window (warp, w, h, -left, -top, w + left + right, h + top + bottom);
  augur_warp_set_border (warp, (AugurBorder) params[PIN_BORDER].nick, &params[PIN_FILL]);
}

/* RandomCrop, CenterCrop --------------------------------------------------------- */

enum { FC_HEIGHT, FC_WIDTH, FC_PAD_IF_NEEDED, FC_PAD_POSITION, FC_BORDER, FC_FILL, FC_FILL_MASK };

#define FIXED_CROP_PARAMS \
  [FC_HEIGHT] = PARAM_SIDE ("height", "Height", "Height of the crop, in pixels", 1, 256), \
  [FC_WIDTH] = PARAM_SIDE ("width", "Width", "Width of the crop, in pixels", 1, 256), \
  [FC_PAD_IF_NEEDED] = { \
    .name = "pad_if_needed", .label = "Pad if needed", \
    .description = "Pad an image smaller than the crop first, so that the crop always has " \
                   "its size; otherwise the crop is cut to the image", \
    .type = AUGUR_PARAM_BOOL, .def = { 0 } }, \
  [FC_PAD_POSITION] = PARAM_PAD_POSITION ("pad_position"), \
  [FC_BORDER] = AUGUR_PARAM_BORDER_MODE_WAS (AUGUR_BORDER_CONSTANT, "pad_mode"), \
  [FC_FILL] = AUGUR_PARAM_FILL_VALUE_WAS (0, "pad_cval"), \
  [FC_FILL_MASK] = AUGUR_PARAM_FILL_MASK_WAS ("pad_cval_mask")

static const AugurParamSpec random_crop_params[] = { FIXED_CROP_PARAMS };
static const AugurParamSpec center_crop_params[] = { FIXED_CROP_PARAMS };

/* In the order sample sets them, so that a replay's text reads back the
 * same. */
static const AugurDrawnSpec random_crop_drawn[] = {
  { "pad_top", FALSE, 0, 1e9, .label = "Padding above", .unit = "px" },
  { "pad_left", FALSE, 0, 1e9, .label = "Padding left", .unit = "px" },
  { "x", FALSE, 0, 1e9, .label = "Left edge", .unit = "px" },
  { "y", FALSE, 0, 1e9, .label = "Top edge", .unit = "px" },
  { NULL },
};

/* The crop size and, with pad_if_needed, the padding that brings the image
 * up to it (before placement). Without padding, a crop larger than the
 * image is cut to it (Albumentations refuses such an image). */
static void
fixed_crop_size (const AugurValue *params,
                 int               w,
                 int               h,
                 int              *cw,
                 int              *ch,
                 int               pad[4])
{
  *ch = (int) params[FC_HEIGHT].v[0];
  *cw = (int) params[FC_WIDTH].v[0];
  if (AUGUR_PARAM_BOOL_VALUE (params, FC_PAD_IF_NEEDED))
    {
      pad_amounts (h, *ch, 0, &pad[0], &pad[1]);
      pad_amounts (w, *cw, 0, &pad[2], &pad[3]);
    }
  else
    {
      pad[0] = pad[1] = pad[2] = pad[3] = 0;
      *ch = MIN (*ch, h);
      *cw = MIN (*cw, w);
    }
}

static void
random_crop_sample (const AugurValue *params,
                    const AugurShape *in,
                    AugurRng         *rng,
                    AugurDrawn       *drawn)
{
  int cw, ch, pad[4];

  fixed_crop_size (params, in->width, in->height, &cw, &ch, pad);
  sample_placement (params[FC_PAD_POSITION].nick, pad[0], pad[1], pad[2], pad[3], rng, drawn);
  /* Albumentations: int((size - crop + 1) * random()), uniform over the
   * offsets that keep the crop inside the padded image */
  augur_drawn_set (drawn, "x", (double) augur_rng_int (rng, 0, in->width + pad[2] + pad[3] - cw));
  augur_drawn_set (drawn, "y", (double) augur_rng_int (rng, 0, in->height + pad[0] + pad[1] - ch));
}

static void
fixed_crop_warp (const AugurValue *params,
                 const AugurDrawn *drawn,
                 int               w,
                 int               h,
                 gboolean          centre,
                 AugurWarp        *warp)
{
  int cw, ch, pad[4], pw, ph, x, y;

  fixed_crop_size (params, w, h, &cw, &ch, pad);
  place_padding (params[FC_PAD_POSITION].nick, drawn, &pad[0], &pad[1], &pad[2], &pad[3]);
  ph = h + pad[0] + pad[1];
  pw = w + pad[2] + pad[3];

  if (centre)
    {
      y = (ph - ch) / 2;
      x = (pw - cw) / 2;
    }
  else
    {
      y = drawn_int (drawn, "y", 0, ph - ch);
      x = drawn_int (drawn, "x", 0, pw - cw);
    }

  set_window (warp, w, h, x - pad[2], y - pad[0], cw, ch);
  augur_warp_set_border (warp, (AugurBorder) params[FC_BORDER].nick, &params[FC_FILL]);
}

static void
random_crop_geometry (const AugurValue *params,
                      const AugurDrawn *drawn,
                      const AugurShape *in,
                      AugurWarp        *warp)
{
  int w = in->width, h = in->height;
  fixed_crop_warp (params, drawn, w, h, FALSE, warp);
}

static void
center_crop_sample (const AugurValue *params,
                    const AugurShape *in,
                    AugurRng         *rng,
                    AugurDrawn       *drawn)
{
  int cw, ch, pad[4];

  fixed_crop_size (params, in->width, in->height, &cw, &ch, pad);
  sample_placement (params[FC_PAD_POSITION].nick, pad[0], pad[1], pad[2], pad[3], rng, drawn);
}

static void
center_crop_geometry (const AugurValue *params,
                      const AugurDrawn *drawn,
                      const AugurShape *in,
                      AugurWarp        *warp)
{
  int w = in->width, h = in->height;
  fixed_crop_warp (params, drawn, w, h, TRUE, warp);
}

/* Crop --------------------------------------------------------------------------- */

enum { CR_X_MIN, CR_Y_MIN, CR_X_MAX, CR_Y_MAX, CR_PAD_IF_NEEDED, CR_PAD_POSITION, CR_BORDER, CR_FILL, CR_FILL_MASK };

/* The slider starts at the limit: a right or bottom edge is at least 1. */
#define PARAM_COORD(name_, label_, description_, min_, max_, default_) \
  { .name = (name_), .label = (label_), .description = (description_), \
    .type = AUGUR_PARAM_INT, .min = (min_), .max = (max_), .ui_min = (min_), .ui_max = 2048, \
    .step = 1, .def = { (default_) }, .alb.explicit = TRUE }

static const AugurParamSpec crop_params[] = {
  [CR_X_MIN] = PARAM_COORD ("x_min", "Left", "Left edge of the box, in pixels", 0, CROP_MAX_SIDE - 1, 0),
  [CR_Y_MIN] = PARAM_COORD ("y_min", "Top", "Top edge of the box, in pixels", 0, CROP_MAX_SIDE - 1, 0),
  [CR_X_MAX] = PARAM_COORD ("x_max", "Right", "Right edge of the box (excluded), in pixels",
                            1, CROP_MAX_SIDE, 256),
  [CR_Y_MAX] = PARAM_COORD ("y_max", "Bottom", "Bottom edge of the box (excluded), in pixels",
                            1, CROP_MAX_SIDE, 256),
  [CR_PAD_IF_NEEDED] = {
    .name = "pad_if_needed", .label = "Pad if needed",
    .description = "Pad an image the box reaches past first (the box then applies to the padded "
                   "image); otherwise the box is cut to the image",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
  [CR_PAD_POSITION] = PARAM_PAD_POSITION ("pad_position"),
  [CR_BORDER] = AUGUR_PARAM_BORDER_MODE (AUGUR_BORDER_CONSTANT),
  [CR_FILL] = AUGUR_PARAM_FILL_VALUE (0),
  [CR_FILL_MASK] = AUGUR_PARAM_FILL_MASK,
};

static gboolean
crop_check (const AugurValue  *params,
            GError           **error)
{
  if (params[CR_X_MAX].v[0] <= params[CR_X_MIN].v[0])
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "x_max: must be greater than x_min");
      return FALSE;
    }
  if (params[CR_Y_MAX].v[0] <= params[CR_Y_MIN].v[0])
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "y_max: must be greater than y_min");
      return FALSE;
    }
  return TRUE;
}

/* Albumentations' Crop padding: the box may need pad_bottom and pad_right;
 * that total is split by the position, and each side keeps at least what
 * the box needs. Before placement, pad[] is the split; @need the minimum
 * bottom and right. */
static void
crop_padding (const AugurValue *params,
              int               w,
              int               h,
              int               pad[4],
              int               need[2])
{
  int x_max = (int) params[CR_X_MAX].v[0], y_max = (int) params[CR_Y_MAX].v[0];

  need[0] = need[1] = 0;
  pad[0] = pad[1] = pad[2] = pad[3] = 0;
  if (!AUGUR_PARAM_BOOL_VALUE (params, CR_PAD_IF_NEEDED))
    return;

  need[0] = MAX (0, y_max - h);
  need[1] = MAX (0, x_max - w);
  if (need[0] == 0 && need[1] == 0)
    return;
  pad[0] = need[0] / 2;
  pad[1] = need[0] - pad[0];
  pad[2] = need[1] / 2;
  pad[3] = need[1] - pad[2];
}

static void
crop_sample (const AugurValue *params,
             const AugurShape *in,
             AugurRng         *rng,
             AugurDrawn       *drawn)
{
  int pad[4], need[2];

  crop_padding (params, in->width, in->height, pad, need);
  sample_placement (params[CR_PAD_POSITION].nick, pad[0], pad[1], pad[2], pad[3], rng, drawn);
}

/* [lo, hi) cut to [0, n), never empty. */
static void
clip_span (int  n,
           int *lo,
           int *hi)
{
  *hi = CLAMP (*hi, 1, n);
  *lo = CLAMP (*lo, 0, *hi - 1);
}

static void
crop_geometry (const AugurValue *params,
               const AugurDrawn *drawn,
               const AugurShape *in,
               AugurWarp        *warp)
{
  int w = in->width, h = in->height;
  int x0 = (int) params[CR_X_MIN].v[0], y0 = (int) params[CR_Y_MIN].v[0];
  int x1 = (int) params[CR_X_MAX].v[0], y1 = (int) params[CR_Y_MAX].v[0];
  int pad[4], need[2];

  crop_padding (params, w, h, pad, need);
  if (need[0] > 0 || need[1] > 0)
    {
      place_padding (params[CR_PAD_POSITION].nick, drawn, &pad[0], &pad[1], &pad[2], &pad[3]);
      pad[1] = MAX (pad[1], need[0]);
      pad[3] = MAX (pad[3], need[1]);
    }

  clip_span (w + pad[2] + pad[3], &x0, &x1);
  clip_span (h + pad[0] + pad[1], &y0, &y1);

  set_window (warp, w, h, x0 - pad[2], y0 - pad[0], x1 - x0, y1 - y0);
  augur_warp_set_border (warp, (AugurBorder) params[CR_BORDER].nick, &params[CR_FILL]);
}

/* RandomSizedCrop ---------------------------------------------------------------- */

enum { RSC_MIN_MAX_HEIGHT, RSC_SIZE, RSC_W2H_RATIO, RSC_INTERP, RSC_AREA };

static const AugurParamSpec random_sized_crop_params[] = {
  [RSC_MIN_MAX_HEIGHT] = {
    .name = "min_max_height", .label = "Crop height",
    .description = "Range of the crop's height, in pixels (cut to the image)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 1, .max = CROP_MAX_SIDE, .ui_min = 1, .ui_max = 1024, .step = 1, .def = { 128, 256 },
    .alb.explicit = TRUE },
  [RSC_SIZE] = {
    .name = "size", .label = "Output size",
    .description = "Height and width of the result, in pixels",
    .type = AUGUR_PARAM_SIZE, .flags = AUGUR_PARAM_ALLOW_REVERSED,
    .min = 1, .max = CROP_MAX_SIDE, .ui_min = 16, .ui_max = 1024, .step = 1, .def = { 256, 256 },
    .alb = { .v1_name = "height", .v1_name_second = "width", .explicit = TRUE } },
  [RSC_W2H_RATIO] = {
    .name = "w2h_ratio", .label = "Crop aspect ratio",
    .description = "The crop's width divided by its height",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0.01, .max = 100, .ui_min = 0.25, .ui_max = 4, .step = 0.01, .def = { 1.0 } },
  [RSC_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [RSC_AREA] = PARAM_AREA_FOR_DOWNSCALE,
};

/* Albumentations: height from randint(min_max_height), width the height
 * times w2h_ratio (truncated), at a uniform offset; a crop larger than the
 * image is cut to it. */
static void
random_sized_crop_sample (const AugurValue *params,
                          const AugurShape *in,
                          AugurRng         *rng,
                          AugurDrawn       *drawn)
{
  const double *mm = params[RSC_MIN_MAX_HEIGHT].v;
  int ch = (int) augur_rng_int (rng, (gint64) mm[0], (gint64) mm[1]);
  double cw = trunc (ch * params[RSC_W2H_RATIO].v[0]);

  ch = MIN (ch, in->height);
  cw = CLAMP (cw, 1, in->width);
  augur_drawn_set (drawn, "x", (double) augur_rng_int (rng, 0, in->width - (int) cw));
  augur_drawn_set (drawn, "y", (double) augur_rng_int (rng, 0, in->height - ch));
  augur_drawn_set (drawn, "width", cw);
  augur_drawn_set (drawn, "height", ch);
}

static void
random_sized_crop_geometry (const AugurValue *params,
                            const AugurDrawn *drawn,
                            const AugurShape *in,
                            AugurWarp        *warp)
{
  int w = in->width, h = in->height;
  int x = drawn_int (drawn, "x", 0, w - 1), y = drawn_int (drawn, "y", 0, h - 1);
  int cw = drawn_int (drawn, "width", 1, w - x), ch = drawn_int (drawn, "height", 1, h - y);

  augur_warp_set_crop (warp, x, y, cw, ch);
  warp->out_height = (int) params[RSC_SIZE].v[0];
  warp->out_width = (int) params[RSC_SIZE].v[1];
  warp->interp = pick_interp (params, RSC_INTERP, RSC_AREA, cw, ch, warp->out_width, warp->out_height);
}

/* CropAndPad --------------------------------------------------------------------- */

enum { CAP_PX, CAP_PERCENT, CAP_KEEP_SIZE, CAP_SAMPLE_INDEPENDENTLY, CAP_INTERP, CAP_BORDER, CAP_FILL, CAP_FILL_MASK };

static const AugurParamSpec crop_and_pad_params[] = {
  [CAP_PX] = {
    .name = "px", .label = "Pixels",
    .description = "Range of the pixels added (positive) or cut (negative) on each side; as "
                   "Albumentations (Python's randrange) the upper end is excluded unless both "
                   "ends are equal. When set, it is used instead of percent (single values and "
                   "per-side lists are not supported)",
    .type = AUGUR_PARAM_INT_RANGE, .flags = AUGUR_PARAM_NULLABLE,
    .min = -CROP_MAX_SIDE, .max = CROP_MAX_SIDE, .ui_min = -100, .ui_max = 100, .step = 1,
    .def = { 0, 0 }, .def_null = TRUE, .alb.encoding = AUGUR_ALB_NUMBER_IS_PAIR },
  [CAP_PERCENT] = {
    .name = "percent", .label = "Fraction",
    .description = "Range of the amount added (positive) or cut (negative) on each side, as a "
                   "fraction of the image height (top, bottom) or width (left, right)",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_NULLABLE,
    .min = -1, .max = 1, .ui_min = -0.5, .ui_max = 0.5, .step = 0.01, .def = { -0.1, 0.1 },
    .alb.encoding = AUGUR_ALB_NUMBER_IS_PAIR },
  [CAP_KEEP_SIZE] = {
    .name = "keep_size", .label = "Keep size",
    .description = "Resize the result back to the input size",
    .type = AUGUR_PARAM_BOOL, .def = { 1 } },
  [CAP_SAMPLE_INDEPENDENTLY] = {
    .name = "sample_independently", .label = "Sides independent",
    .description = "Draw each side's amount separately; otherwise one amount for all four",
    .type = AUGUR_PARAM_BOOL, .def = { 1 } },
  [CAP_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [CAP_BORDER] = AUGUR_PARAM_BORDER_MODE_WAS (AUGUR_BORDER_CONSTANT, "pad_mode"),
  [CAP_FILL] = AUGUR_PARAM_FILL_VALUE_WAS (0, "pad_cval"),
  [CAP_FILL_MASK] = AUGUR_PARAM_FILL_MASK_WAS ("pad_cval_mask"),
};

/* Per side, in Albumentations' order: pixels (px) or fractions (percent). */
static const AugurDrawnSpec crop_and_pad_drawn[] = {
  { "top", FALSE, -CROP_MAX_SIDE, CROP_MAX_SIDE, .label = "Top" },
  { "right", FALSE, -CROP_MAX_SIDE, CROP_MAX_SIDE, .label = "Right" },
  { "bottom", FALSE, -CROP_MAX_SIDE, CROP_MAX_SIDE, .label = "Bottom" },
  { "left", FALSE, -CROP_MAX_SIDE, CROP_MAX_SIDE, .label = "Left" },
  { NULL },
};

static const char *const sides[4] = { "top", "right", "bottom", "left" };

static gboolean
crop_and_pad_check (const AugurValue  *params,
                    GError           **error)
{
  if (params[CAP_PX].is_null && params[CAP_PERCENT].is_null)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "px: either px or percent must be set");
      return FALSE;
    }
  return TRUE;
}

static void
crop_and_pad_sample (const AugurValue *params,
                     const AugurShape *in,
                     AugurRng         *rng,
                     AugurDrawn       *drawn)
{
  gboolean px = !params[CAP_PX].is_null;
  const double *range = px ? params[CAP_PX].v : params[CAP_PERCENT].v;
  gboolean independent = AUGUR_PARAM_BOOL_VALUE (params, CAP_SAMPLE_INDEPENDENTLY);
  double v = 0;

  for (int i = 0; i < 4; i++)
    {
      if (i == 0 || independent)
        {
          if (!px)
            v = augur_rng_range (rng, range[0], range[1]);
          else if (range[1] > range[0])
            v = (double) augur_rng_int (rng, (gint64) range[0], (gint64) range[1] - 1);
          else
            v = range[0];
        }
      augur_drawn_set (drawn, sides[i], v);
    }
}

/* Albumentations' __prevent_zero: give back enough of the two crops of
 * one axis that the image keeps a pixel. */
static void
prevent_zero (int *a,
              int *b,
              int  size)
{
  int regain = size + 1, r1 = regain / 2, r2 = regain / 2;

  if (r1 + r2 < regain)
    r1++;
  if (r1 > *a)
    r2 += r1 - *a, r1 = *a;
  else if (r2 > *b)
    r1 += r2 - *b, r2 = *b;
  *a = MAX (0, *a - r1);
  *b = MAX (0, *b - r2);

  /* Crops far beyond the image can still leave nothing; keep a pixel. */
  if (*a + *b > size - 1)
    {
      *a = MIN (*a, size - 1);
      *b = size - 1 - *a;
    }
}

/* Padding that would make a side longer than @limit shrinks alike on both
 * ends of the axis. */
static void
cap_padding (int  inner,
             int  limit,
             int *a,
             int *b)
{
  double f;

  if (inner + *a + *b <= limit)
    return;
  f = (double) (limit - inner) / (*a + *b);
  *a = (int) floor (*a * f);
  *b = (int) floor (*b * f);
}

static void
crop_and_pad_geometry (const AugurValue *params,
                       const AugurDrawn *drawn,
                       const AugurShape *in,
                       AugurWarp        *warp)
{
  int w = in->width, h = in->height;
  gboolean px = !params[CAP_PX].is_null;
  int v[4], crop[4], pad[4];

  for (int i = 0; i < 4; i++)
    {
      double d = augur_drawn_get (drawn, sides[i]);

      /* percent: int() of the fraction times the side (truncated) */
      if (!px)
        d = CLAMP (d, -1, 1) * (i % 2 == 0 ? h : w);
      v[i] = (int) CLAMP (trunc (d), -CROP_MAX_SIDE, CROP_MAX_SIDE);
      pad[i] = MAX (v[i], 0);
      crop[i] = MAX (-v[i], 0);
    }
  if (h - crop[0] - crop[2] < 1)
    prevent_zero (&crop[0], &crop[2], h);
  if (w - crop[1] - crop[3] < 1)
    prevent_zero (&crop[3], &crop[1], w);

  warp->crop.cx = crop[3];
  warp->crop.cy = crop[0];
  warp->crop.cw = w - crop[1] - crop[3];
  warp->crop.ch = h - crop[0] - crop[2];
  /* a safety bound: sides within the larger of the input's and 10000
   * pixels, so that the result stays near the pixel limit */
  cap_padding (warp->crop.cw, MAX (w, CROP_PAD_SIDE), &pad[3], &pad[1]);
  cap_padding (warp->crop.ch, MAX (h, CROP_PAD_SIDE), &pad[0], &pad[2]);
  warp->crop.wx = -pad[3];
  warp->crop.wy = -pad[0];
  warp->crop.ww = warp->crop.cw + pad[1] + pad[3];
  warp->crop.wh = warp->crop.ch + pad[0] + pad[2];
  warp->out_width = warp->crop.ww;
  warp->out_height = warp->crop.wh;
  if (AUGUR_PARAM_BOOL_VALUE (params, CAP_KEEP_SIZE))
    warp->out_width = w, warp->out_height = h;
  warp->interp = (AugurInterpolation) params[CAP_INTERP].nick;
  augur_warp_set_border (warp, (AugurBorder) params[CAP_BORDER].nick, &params[CAP_FILL]);
}

/* RandomCropFromBorders ---------------------------------------------------------- */

enum { CFB_LEFT, CFB_RIGHT, CFB_TOP, CFB_BOTTOM };

#define PARAM_BORDER_FRACTION(name_, label_, side_) \
  { .name = (name_), .label = (label_), \
    .description = "The largest fraction of the image the crop may remove from the " side_, \
    .type = AUGUR_PARAM_NUMBER, .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.5, .step = 0.01, \
    .def = { 0.1 } }

static const AugurParamSpec crop_from_borders_params[] = {
  [CFB_LEFT] = PARAM_BORDER_FRACTION ("crop_left", "Left", "left"),
  [CFB_RIGHT] = PARAM_BORDER_FRACTION ("crop_right", "Right", "right"),
  [CFB_TOP] = PARAM_BORDER_FRACTION ("crop_top", "Top", "top"),
  [CFB_BOTTOM] = PARAM_BORDER_FRACTION ("crop_bottom", "Bottom", "bottom"),
};

static const AugurDrawnSpec crop_from_borders_drawn[] = {
  { "x_min", FALSE, 0, 1e9, .label = "Left edge", .unit = "px" },
  { "y_min", FALSE, 0, 1e9, .label = "Top edge", .unit = "px" },
  { "x_max", FALSE, 1, 1e9, .label = "Right edge", .unit = "px" },
  { "y_max", FALSE, 1, 1e9, .label = "Bottom edge", .unit = "px" },
  { NULL },
};

static gboolean
crop_from_borders_check (const AugurValue  *params,
                         GError           **error)
{
  if (params[CFB_LEFT].v[0] + params[CFB_RIGHT].v[0] > 1)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "crop_right: crop_left + crop_right must not exceed 1");
      return FALSE;
    }
  if (params[CFB_TOP].v[0] + params[CFB_BOTTOM].v[0] > 1)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "crop_bottom: crop_top + crop_bottom must not exceed 1");
      return FALSE;
    }
  return TRUE;
}

/* Albumentations: the near edge from randint(0, int(before * n)), the far
 * edge from randint(max(near + 1, int((1 - after) * n)), n). */
static void
draw_edges (AugurRng *rng,
            int       n,
            double    before,
            double    after,
            int      *lo,
            int      *hi)
{
  int a = (int) MIN (trunc (before * n), n - 1);
  int b;

  *lo = (int) augur_rng_int (rng, 0, MAX (a, 0));
  b = MAX (*lo + 1, (int) trunc ((1 - after) * n));
  b = MIN (b, n);
  *hi = (int) augur_rng_int (rng, b, n);
}

static void
crop_from_borders_sample (const AugurValue *params,
                          const AugurShape *in,
                          AugurRng         *rng,
                          AugurDrawn       *drawn)
{
  int x0, x1, y0, y1;

  draw_edges (rng, in->width, params[CFB_LEFT].v[0], params[CFB_RIGHT].v[0], &x0, &x1);
  draw_edges (rng, in->height, params[CFB_TOP].v[0], params[CFB_BOTTOM].v[0], &y0, &y1);
  augur_drawn_set (drawn, "x_min", x0);
  augur_drawn_set (drawn, "y_min", y0);
  augur_drawn_set (drawn, "x_max", x1);
  augur_drawn_set (drawn, "y_max", y1);
}

static void
crop_from_borders_geometry (const AugurValue *params,
                            const AugurDrawn *drawn,
                            const AugurShape *in,
                            AugurWarp        *warp)
{
  int w = in->width, h = in->height;
  int x0 = drawn_int (drawn, "x_min", 0, w - 1), y0 = drawn_int (drawn, "y_min", 0, h - 1);
  int x1 = drawn_int (drawn, "x_max", x0 + 1, w), y1 = drawn_int (drawn, "y_max", y0 + 1, h);

  augur_warp_set_crop (warp, x0, y0, x1 - x0, y1 - y0);
}

/* RandomGridShuffle -------------------------------------------------------------- */

enum { GS_GRID };

#define GRID_MAX 64

static const AugurParamSpec grid_shuffle_params[] = {
  [GS_GRID] = {
    .name = "grid", .label = "Grid",
    .description = "Rows and columns of the grid whose cells are shuffled (at most one cell "
                   "per pixel); cells of equal size swap places",
    .type = AUGUR_PARAM_SIZE, .flags = AUGUR_PARAM_ALLOW_REVERSED,
    .min = 1, .max = GRID_MAX, .ui_min = 1, .ui_max = 10, .step = 1, .def = { 3, 3 } },
};

/* The shuffle itself is not stored: it is regenerated from "seed". */
static const AugurDrawnSpec grid_shuffle_drawn[] = {
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

typedef struct
{
  int  rows, cols;
  int  ys[GRID_MAX + 1], xs[GRID_MAX + 1];  /* cell edges */
  int  source[GRID_MAX * GRID_MAX];         /* the cell each cell shows */
} GridLayout;

static void
shuffle_ints (AugurRng *rng,
              int      *v,
              int       n)
{
  for (int i = n - 1; i > 0; i--)
    {
      int j = (int) augur_rng_int (rng, 0, i), t = v[i];

      v[i] = v[j];
      v[j] = t;
    }
}

/* Albumentations' split_uniform_grid: n nearly equal parts (the odd
 * pixels spread over randomly chosen parts), as edges. */
static void
split_edges (AugurRng *rng,
             int       size,
             int       parts,
             int      *edges)
{
  int sizes[GRID_MAX];

  for (int i = 0; i < parts; i++)
    sizes[i] = size / parts + (i < size % parts);
  shuffle_ints (rng, sizes, parts);
  edges[0] = 0;
  for (int i = 0; i < parts; i++)
    edges[i + 1] = edges[i] + sizes[i];
}

/* Cells of the same size are shuffled among themselves (Albumentations'
 * shuffle_tiles_within_shape_groups); the layout is a pure function of
 * the seed, the grid and the image size. */
static void
grid_layout (const AugurValue *params,
             const AugurDrawn *drawn,
             int               w,
             int               h,
             GridLayout       *g)
{
  AugurRng rng;
  int n;

  g->rows = CLAMP ((int) params[GS_GRID].v[0], 1, MIN (h, GRID_MAX));
  g->cols = CLAMP ((int) params[GS_GRID].v[1], 1, MIN (w, GRID_MAX));
  n = g->rows * g->cols;

  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));
  split_edges (&rng, h, g->rows, g->ys);
  split_edges (&rng, w, g->cols, g->xs);

  for (int i = 0; i < n; i++)
    g->source[i] = -1;

  /* at most four cell sizes: for each, collect its cells and shuffle */
  for (int first = 0; first < n; first++)
    {
      int group[GRID_MAX * GRID_MAX], shuffled[GRID_MAX * GRID_MAX], k = 0;
      int fr = first / g->cols, fc = first % g->cols;
      int gh = g->ys[fr + 1] - g->ys[fr], gw = g->xs[fc + 1] - g->xs[fc];

      if (g->source[first] >= 0)
        continue;
      for (int t = first; t < n; t++)
        {
          int r = t / g->cols, c = t % g->cols;

          if (g->ys[r + 1] - g->ys[r] == gh && g->xs[c + 1] - g->xs[c] == gw)
            group[k++] = t;
        }
      memcpy (shuffled, group, sizeof (int) * k);
      shuffle_ints (&rng, shuffled, k);
      for (int i = 0; i < k; i++)
        g->source[group[i]] = shuffled[i];
    }
}

static void
grid_shuffle_sample (const AugurValue *params,
                     const AugurShape *in,
                     AugurRng         *rng,
                     AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/* A warp of tiles: the layout belongs to the warp. */
static void
grid_shuffle_geometry (const AugurValue *params,
                       const AugurDrawn *drawn,
                       const AugurShape *in,
                       AugurWarp        *warp)
{
  GridLayout *g = g_new (GridLayout, 1);

  grid_layout (params, drawn, in->width, in->height, g);
  warp->kind = AUGUR_WARP_TILES;
  warp->tiles.rows = g->rows;
  warp->tiles.cols = g->cols;
  warp->tiles.ys = g->ys;
  warp->tiles.xs = g->xs;
  warp->tiles.source = g->source;
  warp->state = g;
  warp->state_free = g_free;
}

/* The table ---------------------------------------------------------------------- */

/* Cost bounds ----------------------------------------------------------------------- */

/* The largest scale makes the largest output. */
static void
random_scale_cost (const AugurValue *params,
                   const AugurShape *in,
                   AugurShape       *out,
                   AugurCost        *cost)
{
  g_auto(AugurWarp) warp = { 0 };
  AugurDrawn drawn;

  augur_drawn_init (&drawn);
  augur_drawn_set (&drawn, "scale", 1.0 + MAX (params[RS_SCALE_LIMIT].v[1], params[RS_SCALE_LIMIT].v[0]));
  random_scale_geometry (params, &drawn, in, &warp);
  augur_drawn_clear (&drawn);
  *out = (AugurShape) { warp.out_width, warp.out_height, in->channels };
  augur_cost_set_warp (in, out, params[RS_INTERP].nick, cost);
}

/* The most padding on every side makes the largest output (kept to the
 * input's size with keep_size). */
static void
crop_and_pad_cost (const AugurValue *params,
                   const AugurShape *in,
                   AugurShape       *out,
                   AugurCost        *cost)
{
  g_auto(AugurWarp) warp = { 0 };
  gboolean px = !params[CAP_PX].is_null;
  double most = px ? params[CAP_PX].v[1] : params[CAP_PERCENT].is_null ? 0 : params[CAP_PERCENT].v[1];
  AugurDrawn drawn;

  augur_drawn_init (&drawn);
  for (int i = 0; i < 4; i++)
    augur_drawn_set (&drawn, sides[i], MAX (most, 0));
  crop_and_pad_geometry (params, &drawn, in, &warp);
  augur_drawn_clear (&drawn);
  *out = (AugurShape) { MAX (warp.out_width, in->width), MAX (warp.out_height, in->height), in->channels };
  augur_cost_set_warp (in, out, params[CAP_INTERP].nick, cost);
}

/* A crop inside the image: at most the image. */
static void
crop_from_borders_cost (const AugurValue *params,
                        const AugurShape *in,
                        AugurShape       *out,
                        AugurCost        *cost)
{
  *out = *in;
  augur_cost_set_copy (in, out, cost);
}

const AugurTransformInfo augur_crop_transforms[] = {
  {
    .name = "RandomScale",
    .label = "Random scale",
    .category = AUGUR_CATEGORY_CROP,
    .description = "Resize by a random factor, the same on both sides: the output size changes.",
    .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL)),
    .version = 1,
    .default_p = 0.5,
    .params = random_scale_params,
    .n_params = G_N_ELEMENTS (random_scale_params),
    .drawn = random_scale_drawn,
    .sample = random_scale_sample,
    .geometry = random_scale_geometry,
    .cost = random_scale_cost,
  },
  {
    .name = "Resize",
    .label = "Resize",
    .category = AUGUR_CATEGORY_CROP,
    .description = "Resize to a fixed height and width (the aspect ratio may change).",
    .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL)),
    .version = 1,
    .default_p = 1.0,
    .params = resize_params,
    .n_params = G_N_ELEMENTS (resize_params),
    .drawn = augur_no_drawn,
    .sample = augur_sample_nothing,
    .geometry = resize_geometry,
  },
  {
    .name = "LongestMaxSize",
    .label = "Longest side",
    .category = AUGUR_CATEGORY_CROP,
    .description = "Scale the image, keeping its aspect ratio, so that its longest side is "
                   "max_size (or so that it fits inside max_size_hw).",
    .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL)),
    .version = 1,
    .default_p = 1.0,
    .params = longest_max_size_params,
    .n_params = G_N_ELEMENTS (longest_max_size_params),
    .drawn = augur_no_drawn,
    .check = max_size_check,
    .sample = augur_sample_nothing,
    .geometry = longest_max_size_geometry,
  },
  {
    .name = "SmallestMaxSize",
    .label = "Shortest side",
    .category = AUGUR_CATEGORY_CROP,
    .description = "Scale the image, keeping its aspect ratio, so that its shortest side is "
                   "max_size (or so that it covers max_size_hw).",
    .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL)),
    .version = 1,
    .default_p = 1.0,
    .params = smallest_max_size_params,
    .n_params = G_N_ELEMENTS (smallest_max_size_params),
    .drawn = augur_no_drawn,
    .check = max_size_check,
    .sample = augur_sample_nothing,
    .geometry = smallest_max_size_geometry,
  },
  {
    .name = "PadIfNeeded",
    .label = "Pad if needed",
    .category = AUGUR_CATEGORY_CROP,
    .description = "Pad the image up to a minimum size, or up to a multiple of a divisor.",
    .alb.absent = AUGUR_ALB_ABSENT ({ "padding", NULL, AUGUR_ALB_ABSENT_NOTE,
                                      "written by 2.0.8 but not an argument of its constructor" }),
    .version = 1,
    .default_p = 1.0,
    .params = pad_if_needed_params,
    .n_params = G_N_ELEMENTS (pad_if_needed_params),
    .drawn = pad_drawn,
    .check = pad_if_needed_check,
    .sample = pad_if_needed_sample,
    .geometry = pad_if_needed_geometry,
  },
  {
    .name = "RandomCrop",
    .label = "Random crop",
    .category = AUGUR_CATEGORY_CROP,
    .description = "Cut a part of fixed size out of the image, at a random place.",

    .version = 1,
    .default_p = 1.0,
    .params = random_crop_params,
    .n_params = G_N_ELEMENTS (random_crop_params),
    .drawn = random_crop_drawn,
    .sample = random_crop_sample,
    .geometry = random_crop_geometry,
  },
  {
    .name = "CenterCrop",
    .label = "Centre crop",
    .category = AUGUR_CATEGORY_CROP,
    .description = "Cut a part of fixed size out of the middle of the image.",

    .version = 1,
    .default_p = 1.0,
    .params = center_crop_params,
    .n_params = G_N_ELEMENTS (center_crop_params),
    .drawn = pad_drawn,
    .sample = center_crop_sample,
    .geometry = center_crop_geometry,
  },
  {
    .name = "Crop",
    .label = "Crop",
    .category = AUGUR_CATEGORY_CROP,
    .description = "Cut out a fixed box, given by its edges in pixels.",

    .version = 1,
    .default_p = 1.0,
    .params = crop_params,
    .n_params = G_N_ELEMENTS (crop_params),
    .drawn = pad_drawn,
    .check = crop_check,
    .sample = crop_sample,
    .geometry = crop_geometry,
  },
  {
    .name = "RandomSizedCrop",
    .label = "Random sized crop",
    .category = AUGUR_CATEGORY_CROP,
    .description = "Cut a part of random height and fixed aspect ratio out of the image, at a "
                   "random place, then resize it to a fixed size.",
    .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL)),
    .version = 1,
    .default_p = 1.0,
    .params = random_sized_crop_params,
    .n_params = G_N_ELEMENTS (random_sized_crop_params),
    .drawn = augur_box_drawn,
    .sample = random_sized_crop_sample,
    .geometry = random_sized_crop_geometry,
  },
  {
    .name = "CropAndPad",
    .label = "Crop and pad",
    .category = AUGUR_CATEGORY_CROP,
    .description = "Cut from or add to each side a random amount, in pixels or as a fraction of "
                   "the image; optionally resize back to the input size. The drawn values are "
                   "per side, in pixels (px) or fractions (percent). Padding stops where a "
                   "side would pass 10000 pixels (or the input's side, if longer).",
    .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL)),
    .version = 1,
    .default_p = 1.0,
    .params = crop_and_pad_params,
    .n_params = G_N_ELEMENTS (crop_and_pad_params),
    .drawn = crop_and_pad_drawn,
    .check = crop_and_pad_check,
    .sample = crop_and_pad_sample,
    .geometry = crop_and_pad_geometry,
    .cost = crop_and_pad_cost,
  },
  {
    .name = "RandomCropFromBorders",
    .label = "Crop from borders",
    .category = AUGUR_CATEGORY_CROP,
    .description = "Cut a random amount off each side, up to the given fraction of the image.",
    .version = 1,
    .default_p = 1.0,
    .params = crop_from_borders_params,
    .n_params = G_N_ELEMENTS (crop_from_borders_params),
    .drawn = crop_from_borders_drawn,
    .check = crop_from_borders_check,
    .sample = crop_from_borders_sample,
    .geometry = crop_from_borders_geometry,
    .cost = crop_from_borders_cost,
  },
  {
    .name = "RandomGridShuffle",
    .label = "Grid shuffle",
    .category = AUGUR_CATEGORY_CROP,
    .description = "Cut the image into a grid of cells and shuffle the cells.",
    .version = 1,
    .default_p = 0.5,
    .params = grid_shuffle_params,
    .n_params = G_N_ELEMENTS (grid_shuffle_params),
    .drawn = grid_shuffle_drawn,
    .sample = grid_shuffle_sample,
    .geometry = grid_shuffle_geometry,
  },
};

const guint augur_n_crop_transforms = G_N_ELEMENTS (augur_crop_transforms);
