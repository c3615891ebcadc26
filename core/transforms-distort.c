/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-transform-private.h"

/*
 * Perspective and the non-rigid distortions.
 *
 * Every transform here warps through one map: for each output pixel centre,
 * the input point it reads (augur_warp_map()), in pixel-centre coordinates.
 * The random parts (corner offsets, grid steps, control-point offsets, the
 * seed of an elastic noise field) are drawn in `sample` and kept in the
 * replay; the dense map is computed in `apply` from them and the image size
 * alone, so `map_point` can rebuild the very same map and invert it.
 */

/* Canvases that grow (Perspective's fit_output) stay within these. */
#define DISTORT_MAX_SIDE   16384
#define DISTORT_MAX_PIXELS AUGUR_DEFAULT_MAX_PIXELS

static gboolean
point_inside (double x,
              double y,
              int    w,
              int    h)
{
  return x >= 0 && y >= 0 && x < w && y < h;
}

static AugurImage *
warp_map_with (const AugurImage *src,
               int               out_w,
               int               out_h,
               const float      *map,
               const AugurValue *interp,
               const AugurValue *border,
               const AugurValue *fill_value)
{
  AugurFill fill;

  augur_fill_from_value (fill_value, src->channels, &fill);
  return augur_warp_map (src, out_w, out_h, map, (AugurInterpolation) interp->nick,
                         (AugurBorder) border->nick, &fill);
}

/* Solves the n x n system held with its @nrhs right-hand sides in @a
 * (row-major, n rows of n + nrhs numbers) by Gaussian elimination with
 * partial pivoting; the solutions replace the right-hand sides. */
static gboolean
solve_linear (double *a,
              int     n,
              int     nrhs)
{
  int cols = n + nrhs;

  for (int k = 0; k < n; k++)
    {
      int pivot = k;

      for (int i = k + 1; i < n; i++)
        if (fabs (a[i * cols + k]) > fabs (a[pivot * cols + k]))
          pivot = i;
      if (!(fabs (a[pivot * cols + k]) > 1e-12))
        return FALSE;
      if (pivot != k)
        for (int j = 0; j < cols; j++)
          {
            double t = a[k * cols + j];

            a[k * cols + j] = a[pivot * cols + j];
            a[pivot * cols + j] = t;
          }
      for (int i = k + 1; i < n; i++)
        {
          double f = a[i * cols + k] / a[k * cols + k];

          if (f == 0)
            continue;
          for (int j = k; j < cols; j++)
            a[i * cols + j] -= f * a[k * cols + j];
        }
    }

  for (int r = 0; r < nrhs; r++)
    for (int k = n - 1; k >= 0; k--)
      {
        double s = a[k * cols + n + r];

        for (int j = k + 1; j < n; j++)
          s -= a[k * cols + j] * a[j * cols + n + r];
        a[k * cols + n + r] = s / a[k * cols + k];
      }
  return TRUE;
}

/* Perspective ------------------------------------------------------------------- */

enum { PSP_SCALE, PSP_KEEP_SIZE, PSP_FIT_OUTPUT, PSP_INTERP, PSP_BORDER, PSP_FILL };

/* Albumentations keeps each corner offset below 0.32 of the side (the
 * absolute normal draw taken modulo 0.32): the four corners stay in their
 * own quarters and the quadrilateral stays convex. */
#define PSP_MAX_OFFSET 0.32

static const AugurParamSpec perspective_params[] = {
  [PSP_SCALE] = {
    .name = "scale", .label = "Strength",
    .description = "Range of the standard deviation of the corner offsets, as a fraction of the "
                   "image side (each offset is the absolute value of a normal draw, below 0.32)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.3, .step = 0.005, .def = { 0.05, 0.1 } },
  [PSP_KEEP_SIZE] = {
    .name = "keep_size", .label = "Keep size",
    .description = "Resize the result back to the input size; otherwise it keeps the size of "
                   "the quadrilateral (the longer of each pair of opposite sides)",
    .type = AUGUR_PARAM_BOOL, .def = { 1 } },
  [PSP_FIT_OUTPUT] = {
    .name = "fit_output", .label = "Fit output",
    .description = "Grow the canvas so that the whole warped image fits, instead of keeping "
                   "only the quadrilateral (capped at 16384 pixels a side)",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
  [PSP_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [PSP_BORDER] = AUGUR_PARAM_BORDER_MODE (AUGUR_BORDER_CONSTANT),
  [PSP_FILL] = AUGUR_PARAM_FILL_VALUE (0),
};

/* "corners": the offsets of the top-left (x, y), top-right, bottom-right
 * and bottom-left corners inwards, as fractions of the width and height. */
static const AugurDrawnSpec perspective_drawn[] = {
  { "corners", TRUE, 0, PSP_MAX_OFFSET },
  { NULL },
};

static void
perspective_sample (const AugurValue *params,
                    const AugurShape *in,
                    AugurRng         *rng,
                    AugurDrawn       *drawn)
{
  double scale = augur_rng_range (rng, params[PSP_SCALE].v[0], params[PSP_SCALE].v[1]);
  double corners[8];

  for (int i = 0; i < 8; i++)
    corners[i] = fmod (fabs (scale * augur_rng_normal (rng)), PSP_MAX_OFFSET);
  augur_drawn_set_list (drawn, "corners", corners, 8);
}

static void
homography_apply (const double  m[9],
                  double        x,
                  double        y,
                  double       *ox,
                  double       *oy,
                  double       *oz)
{
  double z = m[6] * x + m[7] * y + m[8];

  *oz = z;
  *ox = (m[0] * x + m[1] * y + m[2]) / z;
  *oy = (m[3] * x + m[4] * y + m[5]) / z;
}

/* The homography (row-major 3x3) that sends the four points @from to @to. */
static gboolean
homography_from_points (const double from[8],
                        const double to[8],
                        double       m[9])
{
  double a[8 * 9];

  memset (a, 0, sizeof a);
  for (int i = 0; i < 4; i++)
    {
      double x = from[2 * i], y = from[2 * i + 1], u = to[2 * i], v = to[2 * i + 1];
      double *r0 = a + (2 * i) * 9, *r1 = a + (2 * i + 1) * 9;

      r0[0] = x, r0[1] = y, r0[2] = 1, r0[6] = -u * x, r0[7] = -u * y, r0[8] = u;
      r1[3] = x, r1[4] = y, r1[5] = 1, r1[6] = -v * x, r1[7] = -v * y, r1[8] = v;
    }
  if (!solve_linear (a, 8, 1))
    return FALSE;
  for (int i = 0; i < 8; i++)
    m[i] = a[i * 9 + 8];
  m[8] = 1;
  return TRUE;
}

static gboolean
homography_invert (const double m[9],
                   double       inv[9])
{
  double c0 = m[4] * m[8] - m[5] * m[7];
  double c1 = m[5] * m[6] - m[3] * m[8];
  double c2 = m[3] * m[7] - m[4] * m[6];
  double det = m[0] * c0 + m[1] * c1 + m[2] * c2;

  if (!isfinite (det) || fabs (det) < 1e-300)
    return FALSE;
  inv[0] = c0 / det;
  inv[1] = (m[2] * m[7] - m[1] * m[8]) / det;
  inv[2] = (m[1] * m[5] - m[2] * m[4]) / det;
  inv[3] = c1 / det;
  inv[4] = (m[0] * m[8] - m[2] * m[6]) / det;
  inv[5] = (m[2] * m[3] - m[0] * m[5]) / det;
  inv[6] = c2 / det;
  inv[7] = (m[1] * m[6] - m[0] * m[7]) / det;
  inv[8] = (m[0] * m[4] - m[1] * m[3]) / det;
  return TRUE;
}

/* The forward homography (input to output pixel coordinates) and the
 * output size, from the drawn corners and the input size. The quadrilateral
 * of the moved-in corners is stretched onto the output rectangle: the whole
 * image when keep_size, else a canvas of the quadrilateral's own size. With
 * fit_output, the canvas is the bounding box of the whole warped image
 * (resized to the input size when keep_size). */
static void
perspective_geometry (const AugurValue *params,
                      const AugurDrawn *drawn,
                      int               w,
                      int               h,
                      double            m[9],
                      int              *out_w,
                      int              *out_h)
{
  static const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  gboolean keep = AUGUR_PARAM_BOOL_VALUE (params, PSP_KEEP_SIZE);
  gboolean fit = AUGUR_PARAM_BOOL_VALUE (params, PSP_FIT_OUTPUT);
  const double *list;
  double c[8], quad[8], rect[8], side_w, side_h;
  guint n;
  int tw, th;

  list = augur_drawn_get_list (drawn, "corners", &n);
  for (int i = 0; i < 8; i++)
    c[i] = i < (int) n ? CLAMP (list[i], 0, PSP_MAX_OFFSET) : 0;

  quad[0] = c[0] * w,       quad[1] = c[1] * h;
  quad[2] = (1 - c[2]) * w, quad[3] = c[3] * h;
  quad[4] = (1 - c[4]) * w, quad[5] = (1 - c[5]) * h;
  quad[6] = c[6] * w,       quad[7] = (1 - c[7]) * h;

  side_w = MAX (hypot (quad[2] - quad[0], quad[3] - quad[1]),
                hypot (quad[4] - quad[6], quad[5] - quad[7]));
  side_h = MAX (hypot (quad[4] - quad[2], quad[5] - quad[3]),
                hypot (quad[6] - quad[0], quad[7] - quad[1]));

  tw = keep || fit ? w : (int) CLAMP (floor (side_w + 1e-6), 1, DISTORT_MAX_SIDE);
  th = keep || fit ? h : (int) CLAMP (floor (side_h + 1e-6), 1, DISTORT_MAX_SIDE);
  rect[0] = 0, rect[1] = 0, rect[2] = tw, rect[3] = 0;
  rect[4] = tw, rect[5] = th, rect[6] = 0, rect[7] = th;

  *out_w = tw, *out_h = th;
  if (!homography_from_points (quad, rect, m))
    {
      memcpy (m, identity, sizeof identity);
      *out_w = w, *out_h = h;
      return;
    }

  if (fit)
    {
      const double corners[8] = { 0, 0, w, 0, w, h, 0, h };
      double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
      double fw, fh, sx, sy;

      for (int i = 0; i < 4; i++)
        {
          double x, y, z;

          homography_apply (m, corners[2 * i], corners[2 * i + 1], &x, &y, &z);
          if (!(z > 0) || !isfinite (x) || !isfinite (y))
            continue;
          min_x = MIN (min_x, x), max_x = MAX (max_x, x);
          min_y = MIN (min_y, y), max_y = MAX (max_y, y);
        }
      if (min_x > max_x)
        min_x = max_x = min_y = max_y = 0;
      fw = CLAMP (ceil (max_x - min_x - 1e-6), 1, DISTORT_MAX_SIDE);
      fh = CLAMP (ceil (max_y - min_y - 1e-6), 1, DISTORT_MAX_SIDE);
      fh = MIN (fh, MAX (1, floor (DISTORT_MAX_PIXELS / fw)));

      /* shift the bounding box to the origin, then scale it to the canvas */
      sx = keep ? w / fw : 1;
      sy = keep ? h / fh : 1;
      for (int j = 0; j < 3; j++)
        {
          m[j] = sx * (m[j] - min_x * m[6 + j]);
          m[3 + j] = sy * (m[3 + j] - min_y * m[6 + j]);
        }
      *out_w = keep ? w : (int) fw;
      *out_h = keep ? h : (int) fh;
    }
}

static void
perspective_output_shape (const AugurValue *params,
                          const AugurDrawn *drawn,
                          const AugurShape *in,
                          AugurShape       *out)
{
  double m[9];

  *out = *in;
  perspective_geometry (params, drawn, in->width, in->height, m, &out->width, &out->height);
}

static AugurImage *
perspective_apply (const AugurImage *src,
                   const AugurValue *params,
                   const AugurDrawn *drawn)
{
  g_autofree float *map = NULL;
  double m[9], inv[9];
  int w, h;

  perspective_geometry (params, drawn, src->width, src->height, m, &w, &h);
  if (!homography_invert (m, inv))
    {
      memset (inv, 0, sizeof inv);
      inv[0] = inv[4] = inv[8] = 1;
    }

  map = g_new (float, 2 * (gsize) w * h);
  for (int y = 0; y < h; y++)
    {
      float *row = map + 2 * (gsize) y * w;
      double cy = y + 0.5;
      double bx = inv[1] * cy + inv[2], by = inv[4] * cy + inv[5], bz = inv[7] * cy + inv[8];

      for (int x = 0; x < w; x++)
        {
          double cx = x + 0.5, z = inv[6] * cx + bz;

          if (z > 1e-12)
            {
              row[2 * x] = (float) ((inv[0] * cx + bx) / z);
              row[2 * x + 1] = (float) ((inv[3] * cx + by) / z);
            }
          else
            {
              /* beyond the horizon: far outside the input */
              row[2 * x] = -1e7f;
              row[2 * x + 1] = -1e7f;
            }
        }
    }

  return warp_map_with (src, w, h, map, &params[PSP_INTERP], &params[PSP_BORDER], &params[PSP_FILL]);
}

static gboolean
perspective_map (const AugurValue *params,
                 const AugurDrawn *drawn,
                 const AugurShape *in,
                 double           *x,
                 double           *y)
{
  double m[9], z;
  int w, h;

  perspective_geometry (params, drawn, in->width, in->height, m, &w, &h);
  homography_apply (m, *x, *y, x, y, &z);
  return z > 0 && point_inside (*x, *y, w, h);
}

/* The table ---------------------------------------------------------------------- */

const AugurTransformInfo augur_distort_transforms[] = {
  {
    .name = "Perspective",
    .label = "Perspective",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Move the four corners inwards by random amounts and stretch the "
                   "quadrilateral they make onto the output, as if the picture were seen from "
                   "another angle. Albumentations' mask-only options (fill_mask, "
                   "mask_interpolation) do not apply to images and are left out.",
    .version = 1,
    .default_p = 0.5,
    .params = perspective_params,
    .n_params = G_N_ELEMENTS (perspective_params),
    .drawn = perspective_drawn,
    .sample = perspective_sample,
    .output_shape = perspective_output_shape,
    .apply = perspective_apply,
    .map_point = perspective_map,
  },
};

const guint augur_n_distort_transforms = G_N_ELEMENTS (augur_distort_transforms);
