/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-elastic.h"
#include "augur-simd.h"
#include "augur-transform-private.h"

/*
 * Perspective and the non-rigid distortions.
 *
 * Perspective is a homography; every other transform here is a dense map
 * warp (see augur-warp.h): for each output pixel centre, the input point it
 * reads, in pixel-centre coordinates, computed in strips of rows. The random
 * parts (corner offsets, grid steps, control-point offsets, the seed of an
 * elastic noise field) are drawn in `sample` and kept in the replay; each
 * map's state is built from them and the image size alone, so that the
 * warp module can rebuild the very same map to move pixels, points and
 * labels.
 */

/* Canvases that grow (Perspective's fit_output) stay within these. */
#define DISTORT_MAX_SIDE   16384
#define DISTORT_MAX_PIXELS AUGUR_DEFAULT_MAX_PIXELS

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

enum { PSP_SCALE, PSP_KEEP_SIZE, PSP_FIT_OUTPUT, PSP_INTERP, PSP_BORDER, PSP_FILL, PSP_FILL_MASK };

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
                   "only the quadrilateral (capped at four times the input side, and 16384 "
                   "pixels)",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
  [PSP_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [PSP_BORDER] = AUGUR_PARAM_BORDER_MODE_WAS (AUGUR_BORDER_CONSTANT, "pad_mode"),
  [PSP_FILL] = AUGUR_PARAM_FILL_VALUE_WAS (0, "pad_val"),
  [PSP_FILL_MASK] = AUGUR_PARAM_FILL_MASK_WAS ("mask_pad_val"),
};

/* "corners": the offsets of the top-left (x, y), top-right, bottom-right
 * and bottom-left corners inwards, as fractions of the width and height. */
static const AugurDrawnSpec perspective_drawn[] = {
  { "corners", TRUE, 0, PSP_MAX_OFFSET, .label = "Corner moves", .show = AUGUR_DRAWN_SHOW_SPAN, .unit = "%", .scale = 100 },
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

/* The forward homography (input to output pixel coordinates) and the
 * output size, from the drawn corners and the input size. The quadrilateral
 * of the moved-in corners is stretched onto the output rectangle: the whole
 * image when keep_size, else a canvas of the quadrilateral's own size. With
 * fit_output, the canvas is the bounding box of the whole warped image
 * (resized to the input size when keep_size). */
static void
perspective_geometry (const AugurValue *params,
                      const AugurDrawn *drawn,
                      const AugurShape *in,
                      AugurWarp        *warp)
{
  static const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  gboolean keep = AUGUR_PARAM_BOOL_VALUE (params, PSP_KEEP_SIZE);
  gboolean fit = AUGUR_PARAM_BOOL_VALUE (params, PSP_FIT_OUTPUT);
  const double *list;
  double c[8], quad[8], rect[8], side_w, side_h;
  guint n;
  int w = in->width, h = in->height, tw, th;
  double *m = warp->homography.forward;

  warp->kind = AUGUR_WARP_HOMOGRAPHY;
  augur_warp_set_resampling (warp, &params[PSP_INTERP], &params[PSP_BORDER], &params[PSP_FILL]);
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

  warp->out_width = tw, warp->out_height = th;
  if (!homography_from_points (quad, rect, m))
    {
      memcpy (m, identity, sizeof identity);
      warp->out_width = w, warp->out_height = h;
      return;
    }

  if (fit)
    {
      const double corners[8] = { 0, 0, w, 0, w, h, 0, h };
      double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
      double fw, fh, sx, sy;

      for (int i = 0; i < 4; i++)
        {
          double cx = corners[2 * i], cy = corners[2 * i + 1];
          double z = m[6] * cx + m[7] * cy + m[8];
          double x = (m[0] * cx + m[1] * cy + m[2]) / z, y = (m[3] * cx + m[4] * cy + m[5]) / z;

          if (!(z > 0) || !isfinite (x) || !isfinite (y))
            continue;
          min_x = MIN (min_x, x), max_x = MAX (max_x, x);
          min_y = MIN (min_y, y), max_y = MAX (max_y, y);
        }
      if (min_x > max_x)
        min_x = max_x = min_y = max_y = 0;
      /* Strong offsets can put the horizon across the image: the
       * canvas then stays within four times the input side. */
      fw = CLAMP (ceil (max_x - min_x - 1e-6), 1, MIN (DISTORT_MAX_SIDE, 4.0 * w));
      fh = CLAMP (ceil (max_y - min_y - 1e-6), 1, MIN (DISTORT_MAX_SIDE, 4.0 * h));
      fh = MIN (fh, MAX (1, floor (DISTORT_MAX_PIXELS / fw)));

      /* shift the bounding box to the origin, then scale it to the canvas */
      sx = keep ? w / fw : 1;
      sy = keep ? h / fh : 1;
      for (int j = 0; j < 3; j++)
        {
          m[j] = sx * (m[j] - min_x * m[6 + j]);
          m[3 + j] = sy * (m[3 + j] - min_y * m[6 + j]);
        }
      warp->out_width = keep ? w : (int) fw;
      warp->out_height = keep ? h : (int) fh;
    }
}

/* ElasticTransform -------------------------------------------------------------- */

enum {
  ELA_ALPHA, ELA_SIGMA, ELA_INTERP, ELA_APPROXIMATE, ELA_SAME_DXDY, ELA_NOISE,
  ELA_BORDER, ELA_FILL, ELA_FILL_MASK,
};

static const char *const noise_distribution_nicks[] = { "gaussian", "uniform", NULL };

static const AugurParamSpec elastic_params[] = {
  [ELA_ALPHA] = {
    .name = "alpha", .label = "Strength",
    .description = "Scale of the displacement field, in pixels per unit of smoothed noise: "
                   "the typical displacement is about alpha / (3.5 sigma)",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0, .max = 10000, .ui_min = 0, .ui_max = 500, .step = 1, .def = { 1 } },
  [ELA_SIGMA] = {
    .name = "sigma", .label = "Smoothness",
    .description = "Standard deviation, in pixels, of the Gaussian that smooths the noise: "
                   "larger gives broader, gentler waves",
    .type = AUGUR_PARAM_NUMBER,
    .min = 1, .max = 1000, .ui_min = 1, .ui_max = 100, .step = 0.5, .def = { 50 } },
  [ELA_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [ELA_APPROXIMATE] = {
    .name = "approximate", .label = "Approximate",
    .description = "Smooth with a fixed 17 x 17 kernel instead of one 8 sigma wide: rougher "
                   "(and stronger) when sigma is large",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
  [ELA_SAME_DXDY] = {
    .name = "same_dxdy", .label = "Same field for x and y",
    .description = "Use one noise field for both directions: every pixel moves along the "
                   "diagonal",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
  [ELA_NOISE] = {
    .name = "noise_distribution", .label = "Noise",
    .description = "Distribution of the noise before smoothing: \"gaussian\" (standard normal) "
                   "or \"uniform\" (on [-1, 1], weaker by a factor of about 1.7)",
    .type = AUGUR_PARAM_ENUM, .def_nick = 0, .nicks = noise_distribution_nicks },
  [ELA_BORDER] = AUGUR_PARAM_BORDER_MODE (AUGUR_BORDER_CONSTANT),
  [ELA_FILL] = AUGUR_PARAM_FILL_VALUE_WAS (0, "value"),
  [ELA_FILL_MASK] = AUGUR_PARAM_FILL_MASK_WAS ("mask_value"),
};

/* The noise fields are regenerated from "seed" in apply. */
static const AugurDrawnSpec elastic_drawn[] = {
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
elastic_sample (const AugurValue *params,
                const AugurShape *in,
                AugurRng         *rng,
                AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/* Where the Gaussian is cut: OpenCV sizes a float kernel 2 round (4 sigma)
 * + 1 taps when given none, as Albumentations does; approximate asks for
 * 17 x 17. */
static double
elastic_radius (double   sigma,
                gboolean approximate)
{
  return approximate ? 8 : floor (4 * sigma + 0.5);
}

/* The step between the field's noise impulses (augur-elastic.h): 1.25
 * sigma, where the field's variance is even to 2e-3 (and 7 impulses reach
 * a pixel along each axis instead of 9 at sigma); a kernel cut short by
 * approximate is no longer smooth enough for that, so there the noise is
 * drawn at every pixel, as Albumentations does. */
static double
elastic_step (double   sigma,
              gboolean approximate)
{
  return approximate ? 1 : 1.25 * sigma;
}

/* Albumentations' field (white noise in each direction, smoothed by a
 * Gaussian of sigma, times alpha), built from impulses about sigma apart:
 * the same distribution from some sigma^2 times fewer random numbers. */
static gpointer
elastic_init (const AugurValue *params,
              const AugurDrawn *drawn,
              int               w,
              int               h)
{
  double sigma = MAX (params[ELA_SIGMA].v[0], 1);
  gboolean approximate = AUGUR_PARAM_BOOL_VALUE (params, ELA_APPROXIMATE);

  return augur_elastic_field_new (w, h, params[ELA_ALPHA].v[0], sigma,
                                  elastic_radius (sigma, approximate),
                                  elastic_step (sigma, approximate),
                                  params[ELA_NOISE].nick == 1,
                                  AUGUR_PARAM_BOOL_VALUE (params, ELA_SAME_DXDY),
                                  (guint64) augur_drawn_get (drawn, "seed"));
}

static void
elastic_free (gpointer data)
{
  augur_elastic_field_free (data);
}

static void
elastic_rows (gconstpointer  state,
              int            width,
              int            height,
              int            y0,
              int            n,
              float         *map)
{
  augur_elastic_field_map (state, y0, n, map);
}

/* Bilinear warps go straight from the field (augur_elastic_remap ():
 * the same pixels as through elastic_rows); the others through the map. */
static AugurImage *
elastic_pixels (gconstpointer       state,
                const AugurImage   *src,
                AugurInterpolation  interp,
                AugurBorder         border,
                const AugurFill    *fill)
{
  if (interp != AUGUR_INTERP_LINEAR)
    return NULL;
  return augur_elastic_remap (state, src, border, fill);
}

static void
elastic_geometry (const AugurValue *params,
                  const AugurDrawn *drawn,
                  const AugurShape *in,
                  AugurWarp        *warp)
{
  augur_warp_set_map (warp, elastic_init, elastic_rows, elastic_free);
  augur_warp_set_map_pixels (warp, elastic_pixels);
  augur_warp_set_resampling (warp, &params[ELA_INTERP], &params[ELA_BORDER], &params[ELA_FILL]);
}

/* OpticalDistortion ------------------------------------------------------------- */

enum { OPT_DISTORT_LIMIT, OPT_MODE, OPT_INTERP, OPT_BORDER, OPT_FILL, OPT_FILL_MASK };

static const char *const optical_mode_nicks[] = { "camera", "fisheye", NULL };

static const AugurParamSpec optical_params[] = {
  [OPT_DISTORT_LIMIT] = {
    .name = "distort_limit", .label = "Distortion",
    .description = "Range of the distortion coefficient k; positive bends straight lines "
                   "outwards (barrel), negative inwards (pincushion). One number x means [-x, x]",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -1, .max = 1, .ui_min = -0.5, .ui_max = 0.5, .step = 0.005, .def = { -0.05, 0.05 } },
  [OPT_MODE] = {
    .name = "mode", .label = "Lens model",
    .description = "\"camera\": OpenCV's lens model with k1 = k2 = k, radii relative to the "
                   "width and height; \"fisheye\": r (1 + k r^2), r relative to the corner",
    .type = AUGUR_PARAM_ENUM, .def_nick = 0, .nicks = optical_mode_nicks },
  [OPT_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [OPT_BORDER] = AUGUR_PARAM_BORDER_MODE (AUGUR_BORDER_CONSTANT),
  [OPT_FILL] = AUGUR_PARAM_FILL_VALUE (0),
  [OPT_FILL_MASK] = AUGUR_PARAM_FILL_MASK,
};

static const AugurDrawnSpec optical_drawn[] = {
  { "k", FALSE, -1, 1, .label = "Distortion", .signed_ = TRUE },
  { NULL },
};

static void
optical_sample (const AugurValue *params,
                const AugurShape *in,
                AugurRng         *rng,
                AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "k", augur_rng_range (rng, params[OPT_DISTORT_LIMIT].v[0],
                                                params[OPT_DISTORT_LIMIT].v[1]));
}

/* Each output point reads the input along the same ray from the image
 * centre, scaled by a factor that grows (k > 0) or shrinks with the radius:
 * camera, as cv2.initUndistortRectifyMap with fx = width, fy = height,
 * k1 = k2 = k: 1 + k r^2 + k r^4, r^2 = (dx / w)^2 + (dy / h)^2;
 * fisheye: 1 + k r^2 / R^2, R the distance from the centre to a corner. */
typedef struct
{
  double   k;
  gboolean fisheye;
} OpticalPlan;

static void
optical_rows (gconstpointer  state,
              int            width,
              int            height,
              int            y0,
              int            n,
              float         *map)
{
  const OpticalPlan *plan = state;
  int w = width, h = height;
  double k = plan->k, cx = w / 2.0, cy = h / 2.0;
  double corner2 = cx * cx + cy * cy;

  for (int y = y0; y < y0 + n; y++)
    {
      float *row = map + 2 * (gsize) (y - y0) * w;
      double dy = y + 0.5 - cy;

      for (int x = 0; x < w; x++)
        {
          double dx = x + 0.5 - cx, f;

          if (plan->fisheye)
            f = 1 + k * (dx * dx + dy * dy) / corner2;
          else
            {
              double r2 = (dx / w) * (dx / w) + (dy / h) * (dy / h);

              f = 1 + k * r2 + k * r2 * r2;
            }
          row[2 * x] = (float) (cx + dx * f);
          row[2 * x + 1] = (float) (cy + dy * f);
        }
    }
}

static gpointer
optical_init (const AugurValue *params,
              const AugurDrawn *drawn,
              int               w,
              int               h)
{
  OpticalPlan *plan = g_new0 (OpticalPlan, 1);

  plan->k = CLAMP (augur_drawn_get (drawn, "k"), -1, 1);
  plan->fisheye = params[OPT_MODE].nick == 1;
  return plan;
}

static void
optical_geometry (const AugurValue *params,
                  const AugurDrawn *drawn,
                  const AugurShape *in,
                  AugurWarp        *warp)
{
  augur_warp_set_map (warp, optical_init, optical_rows, g_free);
  augur_warp_set_resampling (warp, &params[OPT_INTERP], &params[OPT_BORDER], &params[OPT_FILL]);
}

/* GridDistortion ---------------------------------------------------------------- */

enum { GRID_NUM_STEPS, GRID_DISTORT_LIMIT, GRID_INTERP, GRID_NORMALIZED, GRID_BORDER, GRID_FILL, GRID_FILL_MASK };

#define GRID_MAX_STEPS 64

static const AugurParamSpec grid_params[] = {
  [GRID_NUM_STEPS] = {
    .name = "num_steps", .label = "Cells per side",
    .description = "Number of grid cells along each side of the image",
    .type = AUGUR_PARAM_INT,
    .min = 1, .max = GRID_MAX_STEPS, .ui_min = 1, .ui_max = 20, .step = 1, .def = { 5 } },
  [GRID_DISTORT_LIMIT] = {
    .name = "distort_limit", .label = "Distortion",
    .description = "Range of each cell's stretch: a cell covers 1 + d times its width (or "
                   "height) of the input, d drawn from this range. One number x means [-x, x]",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -1, .max = 1, .ui_min = -0.6, .ui_max = 0.6, .step = 0.01, .def = { -0.3, 0.3 } },
  [GRID_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [GRID_NORMALIZED] = {
    .name = "normalized", .label = "Stay inside",
    .description = "Scale the stretches so that the cells together cover exactly the input: "
                   "nothing leaves the image and no border shows",
    .type = AUGUR_PARAM_BOOL, .def = { 1 } },
  [GRID_BORDER] = AUGUR_PARAM_BORDER_MODE (AUGUR_BORDER_CONSTANT),
  [GRID_FILL] = AUGUR_PARAM_FILL_VALUE_WAS (0, "value"),
  [GRID_FILL_MASK] = AUGUR_PARAM_FILL_MASK_WAS ("mask_value"),
};

/* The stretches 1 + d of the num_steps + 1 cells along each axis (the last
 * cell is the remainder when the side does not divide evenly). */
static const AugurDrawnSpec grid_drawn[] = {
  { "steps_x", TRUE, 0, 2, .label = "Column stretch", .show = AUGUR_DRAWN_SHOW_SPAN, .unit = "%", .scale = 100, .offset = -100, .signed_ = TRUE },
  { "steps_y", TRUE, 0, 2, .label = "Row stretch", .show = AUGUR_DRAWN_SHOW_SPAN, .unit = "%", .scale = 100, .offset = -100, .signed_ = TRUE },
  { NULL },
};

static void
grid_sample (const AugurValue *params,
             const AugurShape *in,
             AugurRng         *rng,
             AugurDrawn       *drawn)
{
  int n = CLAMP ((int) params[GRID_NUM_STEPS].v[0], 1, GRID_MAX_STEPS) + 1;
  const double *limit = params[GRID_DISTORT_LIMIT].v;
  double steps[GRID_MAX_STEPS + 1] = { 0 };

  for (int i = 0; i < n; i++)
    steps[i] = 1 + augur_rng_range (rng, limit[0], limit[1]);
  augur_drawn_set_list (drawn, "steps_x", steps, n);
  for (int i = 0; i < n; i++)
    steps[i] = 1 + augur_rng_range (rng, limit[0], limit[1]);
  augur_drawn_set_list (drawn, "steps_y", steps, n);
}

/* One axis of the map, as Albumentations: the side is cut into num_steps
 * cells of side / num_steps whole pixels and a remainder cell; cell i reads
 * a stretch of the input steps[i] times its own length, the stretches
 * following each other from 0. normalized scales them to end exactly at
 * the far side. Between cell edges the map is linear; out[i] is the input
 * coordinate of output pixel centre i + 0.5. */
static void
grid_axis (const double *steps,
           guint         n_steps,
           int           num_steps,
           int           side,
           gboolean      normalized,
           float        *out,
           int           out_stride)
{
  double edge[GRID_MAX_STEPS + 2], src[GRID_MAX_STEPS + 2];
  double cell = side / num_steps >= 1 ? (double) (side / num_steps) : (double) side / num_steps;
  int n_cells = num_steps + 1, seg = 0;

  edge[0] = 0, src[0] = 0;
  for (int i = 1; i <= n_cells; i++)
    {
      double step = i - 1 < (int) n_steps ? CLAMP (steps[i - 1], 0, 2) : 1;

      edge[i] = i == n_cells ? side : MIN (i * cell, side);
      src[i] = src[i - 1] + (edge[i] - edge[i - 1]) * step;
    }
  if (normalized && src[n_cells] > 0)
    {
      double scale = side / src[n_cells];

      for (int i = 1; i <= n_cells; i++)
        src[i] = i == n_cells ? side : src[i] * scale;
    }

  for (int p = 0; p < side; p++)
    {
      double u = p + 0.5, len;

      while (seg < n_cells - 1 && u >= edge[seg + 1])
        seg++;
      len = edge[seg + 1] - edge[seg];
      out[(gsize) p * out_stride] =
        (float) (len > 0 ? src[seg] + (u - edge[seg]) / len * (src[seg + 1] - src[seg]) : src[seg]);
    }
}

/* The map is separable: one input x per output column, one input y per
 * output row. */
typedef struct
{
  float  *xx;
  float  *yy;
} GridPlan;

static void
grid_rows (gconstpointer  state,
           int            width,
           int            height,
           int            y0,
           int            n,
           float         *map)
{
  const GridPlan *plan = state;
  int w = width;

  for (int y = y0; y < y0 + n; y++)
    {
      float *row = map + 2 * (gsize) (y - y0) * w;

      for (int x = 0; x < w; x++)
        {
          row[2 * x] = plan->xx[x];
          row[2 * x + 1] = plan->yy[y];
        }
    }
}

static gpointer
grid_init (const AugurValue *params,
           const AugurDrawn *drawn,
           int               w,
           int               h)
{
  GridPlan *plan = g_new0 (GridPlan, 1);
  int num_steps = CLAMP ((int) params[GRID_NUM_STEPS].v[0], 1, GRID_MAX_STEPS);
  gboolean normalized = AUGUR_PARAM_BOOL_VALUE (params, GRID_NORMALIZED);
  const double *sx, *sy;
  guint nx, ny;

  sx = augur_drawn_get_list (drawn, "steps_x", &nx);
  sy = augur_drawn_get_list (drawn, "steps_y", &ny);
  plan->xx = g_new (float, w);
  plan->yy = g_new (float, h);
  grid_axis (sx, nx, num_steps, w, normalized, plan->xx, 1);
  grid_axis (sy, ny, num_steps, h, normalized, plan->yy, 1);
  return plan;
}

static void
grid_free (gpointer data)
{
  GridPlan *plan = data;

  g_free (plan->xx);
  g_free (plan->yy);
  g_free (plan);
}

static void
grid_geometry (const AugurValue *params,
               const AugurDrawn *drawn,
               const AugurShape *in,
               AugurWarp        *warp)
{
  augur_warp_set_map (warp, grid_init, grid_rows, grid_free);
  augur_warp_set_resampling (warp, &params[GRID_INTERP], &params[GRID_BORDER], &params[GRID_FILL]);
}

/* PiecewiseAffine --------------------------------------------------------------- */

enum { PWA_SCALE, PWA_NB_ROWS, PWA_NB_COLS, PWA_INTERP, PWA_ABSOLUTE_SCALE, PWA_BORDER, PWA_FILL, PWA_FILL_MASK };

#define PWA_MAX_POINTS 32
#define PWA_MAX_OFFSET 10

static const AugurParamSpec pwa_params[] = {
  [PWA_SCALE] = {
    .name = "scale", .label = "Strength",
    .description = "Range of the standard deviation of the grid points' random moves, as a "
                   "fraction of the image height (up and down) and width (sideways), or in "
                   "pixels with absolute_scale",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1000, .ui_min = 0, .ui_max = 0.1, .step = 0.005, .def = { 0.03, 0.05 } },
  [PWA_NB_ROWS] = {
    .name = "nb_rows", .label = "Rows of points",
    .description = "Range of the number of rows of grid points, the top and bottom edges "
                   "included (at least 2)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 2, .max = PWA_MAX_POINTS, .ui_min = 2, .ui_max = 12, .step = 1, .def = { 4, 4 } },
  [PWA_NB_COLS] = {
    .name = "nb_cols", .label = "Columns of points",
    .description = "Range of the number of columns of grid points, the left and right edges "
                   "included (at least 2)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 2, .max = PWA_MAX_POINTS, .ui_min = 2, .ui_max = 12, .step = 1, .def = { 4, 4 } },
  [PWA_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [PWA_ABSOLUTE_SCALE] = {
    .name = "absolute_scale", .label = "Strength in pixels",
    .description = "Read scale in pixels instead of as a fraction of the image side",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
  [PWA_BORDER] = AUGUR_PARAM_BORDER_MODE (AUGUR_BORDER_CONSTANT),
  [PWA_FILL] = AUGUR_PARAM_FILL_VALUE (0),
  [PWA_FILL_MASK] = AUGUR_PARAM_FILL_MASK,
};

/* "dx", "dy": where each grid point (row by row) reads the input, relative
 * to its own place, as fractions of the width and height. */
static const AugurDrawnSpec pwa_drawn[] = {
  { "nb_rows", FALSE, 2, PWA_MAX_POINTS, .label = "Grid rows" },
  { "nb_cols", FALSE, 2, PWA_MAX_POINTS, .label = "Grid columns" },
  { "dx", TRUE, -PWA_MAX_OFFSET, PWA_MAX_OFFSET, .label = "Horizontal moves", .show = AUGUR_DRAWN_SHOW_SPAN, .unit = "%", .scale = 100, .signed_ = TRUE },
  { "dy", TRUE, -PWA_MAX_OFFSET, PWA_MAX_OFFSET, .label = "Vertical moves", .show = AUGUR_DRAWN_SHOW_SPAN, .unit = "%", .scale = 100, .signed_ = TRUE },
  { NULL },
};

static void
pwa_sample (const AugurValue *params,
            const AugurShape *in,
            AugurRng         *rng,
            AugurDrawn       *drawn)
{
  int rows = (int) augur_rng_int (rng, (gint64) params[PWA_NB_ROWS].v[0], (gint64) params[PWA_NB_ROWS].v[1]);
  int cols = (int) augur_rng_int (rng, (gint64) params[PWA_NB_COLS].v[0], (gint64) params[PWA_NB_COLS].v[1]);
  double scale = augur_rng_range (rng, params[PWA_SCALE].v[0], params[PWA_SCALE].v[1]);
  gboolean absolute = AUGUR_PARAM_BOOL_VALUE (params, PWA_ABSOLUTE_SCALE);
  double sx = absolute ? scale / MAX (in->width, 1) : scale;
  double sy = absolute ? scale / MAX (in->height, 1) : scale;
  g_autofree double *dx = NULL;
  g_autofree double *dy = NULL;
  int n;

  rows = CLAMP (rows, 2, PWA_MAX_POINTS);
  cols = CLAMP (cols, 2, PWA_MAX_POINTS);
  n = rows * cols;
  dx = g_new (double, n);
  dy = g_new (double, n);
  /* Albumentations draws the vertical moves first */
  for (int i = 0; i < n; i++)
    dy[i] = CLAMP (sy * augur_rng_normal (rng), -PWA_MAX_OFFSET, PWA_MAX_OFFSET);
  for (int i = 0; i < n; i++)
    dx[i] = CLAMP (sx * augur_rng_normal (rng), -PWA_MAX_OFFSET, PWA_MAX_OFFSET);

  augur_drawn_set (drawn, "nb_rows", rows);
  augur_drawn_set (drawn, "nb_cols", cols);
  augur_drawn_set_list (drawn, "dx", dx, n);
  augur_drawn_set_list (drawn, "dy", dy, n);
}

/* For each pixel centre along one side of @n pixels: the grid cell it lies
 * in (of @cells) and its place inside it, 0 to 1. */
static void
cell_axis (int     n,
           int     cells,
           int    *index,
           double *frac)
{
  double size = (double) n / cells;

  for (int p = 0; p < n; p++)
    {
      double g = (p + 0.5) / size;
      int c = CLAMP ((int) floor (g), 0, cells - 1);

      index[p] = c;
      frac[p] = g - c;
    }
}

/* As skimage's PiecewiseAffineTransform, which Albumentations uses: the
 * output holds a regular grid of points from edge to edge; each reads the
 * input at its own place moved by the drawn offsets; each grid cell is cut
 * into two triangles along a diagonal, and inside a triangle the map is
 * the affine map of its three corners. */
typedef struct
{
  int     cols;
  double *px, *py;   /* where each grid point reads the input */
  int    *ci, *ri;   /* the cell of each column and row */
  double *cs, *rt;   /* the place inside it */
} PwaPlan;

/* Selects between the triangles without a branch, so that the compiler
 * vectorises pwa_cell_row (): GCC turns the select into a blend only when
 * it need not keep the floating-point exceptions of the branch not taken
 * (nothing reads them); the values are the same. */
#if defined(__GNUC__) && !defined(__clang__)
# define PWA_ROW_FLAGS __attribute__ ((optimize ("no-trapping-math")))
#else
# define PWA_ROW_FLAGS
#endif

/* Pixels [@x0, @x1) of a map row at height t inside one cell, whose
 * corners read the input at (@cx[k], @cy[k]), k = 00, 10, 01, 11: the
 * arithmetic of the upper-left triangle where s + t <= 1, of the
 * lower-right one elsewhere, term by term as written. */
AUGUR_SIMD_CLONES PWA_ROW_FLAGS static void
pwa_cell_row (const double *restrict cs,
              double                 t,
              const double           cx[4],
              const double           cy[4],
              int                    x0,
              int                    x1,
              float        *restrict row)
{
  const double ax = cx[1] - cx[0], bx = t * (cx[2] - cx[0]);
  const double ay = cy[1] - cy[0], by = t * (cy[2] - cy[0]);
  const double ex = cx[2] - cx[3], fx = (1 - t) * (cx[1] - cx[3]);
  const double ey = cy[2] - cy[3], fy = (1 - t) * (cy[1] - cy[3]);

  for (int x = x0; x < x1; x++)
    {
      double s = cs[x];
      gboolean upper = s + t <= 1;
      double ux = cx[0] + s * ax + bx, uy = cy[0] + s * ay + by;
      double lx = cx[3] + (1 - s) * ex + fx, ly = cy[3] + (1 - s) * ey + fy;

      row[2 * x] = (float) (upper ? ux : lx);
      row[2 * x + 1] = (float) (upper ? uy : ly);
    }
}

static void
pwa_rows (gconstpointer  state,
          int            width,
          int            height,
          int            y0,
          int            n,
          float         *map)
{
  const PwaPlan *plan = state;
  const double *px = plan->px, *py = plan->py;
  int w = width, cols = plan->cols;

  for (int y = y0; y < y0 + n; y++)
    {
      float *row = map + 2 * (gsize) (y - y0) * w;
      int r = plan->ri[y];

      /* a run of columns in one cell at a time */
      for (int x0 = 0, x1; x0 < w; x0 = x1)
        {
          int i00 = r * cols + plan->ci[x0], i10 = i00 + 1, i01 = i00 + cols, i11 = i01 + 1;
          const double cx[4] = { px[i00], px[i10], px[i01], px[i11] };
          const double cy[4] = { py[i00], py[i10], py[i01], py[i11] };

          for (x1 = x0 + 1; x1 < w && plan->ci[x1] == plan->ci[x0]; x1++)
            ;
          pwa_cell_row (plan->cs, plan->rt[y], cx, cy, x0, x1, row);
        }
    }
}

static gpointer
pwa_init (const AugurValue *params,
          const AugurDrawn *drawn,
          int               w,
          int               h)
{
  PwaPlan *plan = g_new0 (PwaPlan, 1);
  int rows = CLAMP ((int) augur_drawn_get (drawn, "nb_rows"), 2, PWA_MAX_POINTS);
  int cols = CLAMP ((int) augur_drawn_get (drawn, "nb_cols"), 2, PWA_MAX_POINTS);
  const double *dx, *dy;
  guint ndx, ndy;

  plan->cols = cols;
  plan->px = g_new (double, rows * cols);
  plan->py = g_new (double, rows * cols);
  dx = augur_drawn_get_list (drawn, "dx", &ndx);
  dy = augur_drawn_get_list (drawn, "dy", &ndy);
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++)
      {
        int i = r * cols + c;

        plan->px[i] = (double) c * w / (cols - 1) + (i < (int) ndx ? dx[i] : 0) * w;
        plan->py[i] = (double) r * h / (rows - 1) + (i < (int) ndy ? dy[i] : 0) * h;
      }

  plan->ci = g_new (int, w);
  plan->cs = g_new (double, w);
  plan->ri = g_new (int, h);
  plan->rt = g_new (double, h);
  cell_axis (w, cols - 1, plan->ci, plan->cs);
  cell_axis (h, rows - 1, plan->ri, plan->rt);
  return plan;
}

static void
pwa_free (gpointer data)
{
  PwaPlan *plan = data;

  g_free (plan->px);
  g_free (plan->py);
  g_free (plan->ci);
  g_free (plan->cs);
  g_free (plan->ri);
  g_free (plan->rt);
  g_free (plan);
}

static void
pwa_geometry (const AugurValue *params,
              const AugurDrawn *drawn,
              const AugurShape *in,
              AugurWarp        *warp)
{
  augur_warp_set_map (warp, pwa_init, pwa_rows, pwa_free);
  augur_warp_set_resampling (warp, &params[PWA_INTERP], &params[PWA_BORDER], &params[PWA_FILL]);
}

/* ThinPlateSpline --------------------------------------------------------------- */

enum { TPS_SCALE_RANGE, TPS_NUM_CONTROL_POINTS, TPS_INTERP, TPS_BORDER, TPS_FILL, TPS_FILL_MASK };

#define TPS_MAX_POINTS 12

static const AugurParamSpec tps_params[] = {
  [TPS_SCALE_RANGE] = {
    .name = "scale_range", .label = "Strength",
    .description = "Range of the control points' random moves: their standard deviation is "
                   "a tenth of this, as a fraction of the image side",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.2, 0.4 } },
  [TPS_NUM_CONTROL_POINTS] = {
    .name = "num_control_points", .label = "Control points per side",
    .description = "The control points form an n x n grid from edge to edge; more points "
                   "give more local bends",
    .type = AUGUR_PARAM_INT,
    .min = 2, .max = TPS_MAX_POINTS, .ui_min = 2, .ui_max = 8, .step = 1, .def = { 4 } },
  [TPS_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [TPS_BORDER] = AUGUR_PARAM_BORDER_MODE (AUGUR_BORDER_CONSTANT),
  [TPS_FILL] = AUGUR_PARAM_FILL_VALUE (0),
  [TPS_FILL_MASK] = AUGUR_PARAM_FILL_MASK,
};

/* "dx", "dy": each control point's move (row by row), as fractions of the
 * width and height. */
static const AugurDrawnSpec tps_drawn[] = {
  { "dx", TRUE, -1, 1, .label = "Horizontal moves", .show = AUGUR_DRAWN_SHOW_SPAN, .unit = "%", .scale = 100, .signed_ = TRUE },
  { "dy", TRUE, -1, 1, .label = "Vertical moves", .show = AUGUR_DRAWN_SHOW_SPAN, .unit = "%", .scale = 100, .signed_ = TRUE },
  { NULL },
};

static void
tps_sample (const AugurValue *params,
            const AugurShape *in,
            AugurRng         *rng,
            AugurDrawn       *drawn)
{
  int n = CLAMP ((int) params[TPS_NUM_CONTROL_POINTS].v[0], 2, TPS_MAX_POINTS);
  double sd = augur_rng_range (rng, params[TPS_SCALE_RANGE].v[0], params[TPS_SCALE_RANGE].v[1]) / 10;
  double dx[TPS_MAX_POINTS * TPS_MAX_POINTS], dy[TPS_MAX_POINTS * TPS_MAX_POINTS];

  for (int i = 0; i < n * n; i++)
    {
      dx[i] = CLAMP (sd * augur_rng_normal (rng), -1, 1);
      dy[i] = CLAMP (sd * augur_rng_normal (rng), -1, 1);
    }
  augur_drawn_set_list (drawn, "dx", dx, n * n);
  augur_drawn_set_list (drawn, "dy", dy, n * n);
}

/* The thin-plate radial basis r^2 log r, from r^2. */
static inline double
tps_kernel (double r2)
{
  return r2 > 0 ? 0.5 * r2 * log (r2) : 0;
}

typedef struct
{
  float  *nodes;   /* the map at every step-th pixel, and one node beyond */
  int     kw;      /* nodes per row */
  int     step;
} TpsPlan;

static void
tps_rows (gconstpointer  state,
          int            width,
          int            height,
          int            y0,
          int            n,
          float         *map)
{
  const TpsPlan *plan = state;
  int w = width, kw = plan->kw, step = plan->step;

  for (int y = y0; y < y0 + n; y++)
    {
      int j = y / step;
      float t = (float) (y - j * step) / step;
      const float *n0 = plan->nodes + 2 * (gsize) j * kw, *n1 = n0 + 2 * (gsize) kw;
      float *row = map + 2 * (gsize) (y - y0) * w;

      for (int x = 0; x < w; x++)
        {
          int i = x / step;
          float s = (float) (x - i * step) / step;

          for (int c = 0; c < 2; c++)
            {
              float top = step == 1 ? n0[2 * i + c] : (1 - s) * n0[2 * i + c] + s * n0[2 * i + 2 + c];
              float bottom = step == 1 ? top : (1 - s) * n1[2 * i + c] + s * n1[2 * i + 2 + c];

              row[2 * x + c] = step == 1 ? top : (1 - t) * top + t * bottom;
            }
        }
    }
}

/* The thin-plate spline through the control points (an n x n grid over the
 * unit square, in coordinates relative to the width and height) that sends
 * each to its moved place: each output point reads the input where the
 * spline sends it. The spline is evaluated on a lattice of nodes @step
 * pixels apart (every pixel on small images) and interpolated linearly
 * between them: it is smooth at that scale, and affine parts stay exact. */
static gpointer
tps_init (const AugurValue *params,
          const AugurDrawn *drawn,
          int               w,
          int               h)
{
  TpsPlan *plan = g_new0 (TpsPlan, 1);
  int n = CLAMP ((int) params[TPS_NUM_CONTROL_POINTS].v[0], 2, TPS_MAX_POINTS);
  int np = n * n, size = np + 3, step, kw, kh;
  g_autofree double *a = g_new0 (double, (gsize) size * (size + 2));
  g_autofree double *cx = g_new (double, np);
  g_autofree double *cy = g_new (double, np);
  float *nodes;
  const double *dx, *dy;
  double wx[TPS_MAX_POINTS * TPS_MAX_POINTS + 3], wy[TPS_MAX_POINTS * TPS_MAX_POINTS + 3];
  double work;
  guint ndx, ndy;

  dx = augur_drawn_get_list (drawn, "dx", &ndx);
  dy = augur_drawn_get_list (drawn, "dy", &ndy);
  for (int i = 0; i < np; i++)
    {
      cx[i] = (double) (i % n) / (n - 1);
      cy[i] = (double) (i / n) / (n - 1);
    }

  /* [K P; P^T 0] [w; a] = [targets; 0] */
  for (int i = 0; i < np; i++)
    {
      double *row = a + (gsize) i * (size + 2);

      for (int j = 0; j < np; j++)
        row[j] = tps_kernel ((cx[i] - cx[j]) * (cx[i] - cx[j]) + (cy[i] - cy[j]) * (cy[i] - cy[j]));
      row[np] = 1, row[np + 1] = cx[i], row[np + 2] = cy[i];
      row[size] = cx[i] + (i < (int) ndx ? CLAMP (dx[i], -1, 1) : 0);
      row[size + 1] = cy[i] + (i < (int) ndy ? CLAMP (dy[i], -1, 1) : 0);
    }
  for (int j = 0; j < np; j++)
    {
      a[(gsize) np * (size + 2) + j] = 1;
      a[(gsize) (np + 1) * (size + 2) + j] = cx[j];
      a[(gsize) (np + 2) * (size + 2) + j] = cy[j];
    }
  if (solve_linear (a, size, 2))
    for (int i = 0; i < size; i++)
      {
        wx[i] = a[(gsize) i * (size + 2) + size];
        wy[i] = a[(gsize) i * (size + 2) + size + 1];
      }
  else
    {
      /* cannot happen for distinct grid points; the identity */
      memset (wx, 0, sizeof wx);
      memset (wy, 0, sizeof wy);
      wx[np + 1] = 1, wy[np + 2] = 1;
    }

  work = (double) w * h * np;
  step = work <= 4e6 ? 1 : (int) CLAMP (ceil (sqrt (work / 4e6)), 1, 16);
  kw = (w - 1) / step + 2;
  kh = (h - 1) / step + 2;
  nodes = plan->nodes = g_new (float, 2 * (gsize) kw * kh);
  for (int j = 0; j < kh; j++)
    for (int i = 0; i < kw; i++)
      {
        double u = (i * step + 0.5) / w, v = (j * step + 0.5) / h;
        double fx = wx[np] + wx[np + 1] * u + wx[np + 2] * v;
        double fy = wy[np] + wy[np + 1] * u + wy[np + 2] * v;

        for (int k = 0; k < np; k++)
          {
            double b = tps_kernel ((u - cx[k]) * (u - cx[k]) + (v - cy[k]) * (v - cy[k]));

            fx += wx[k] * b;
            fy += wy[k] * b;
          }
        nodes[2 * ((gsize) j * kw + i)] = (float) (fx * w);
        nodes[2 * ((gsize) j * kw + i) + 1] = (float) (fy * h);
      }

  plan->kw = kw;
  plan->step = step;
  return plan;
}

static void
tps_free (gpointer data)
{
  TpsPlan *plan = data;

  g_free (plan->nodes);
  g_free (plan);
}

static void
tps_geometry (const AugurValue *params,
              const AugurDrawn *drawn,
              const AugurShape *in,
              AugurWarp        *warp)
{
  augur_warp_set_map (warp, tps_init, tps_rows, tps_free);
  augur_warp_set_resampling (warp, &params[TPS_INTERP], &params[TPS_BORDER], &params[TPS_FILL]);
}

/* The table ---------------------------------------------------------------------- */

/* Cost bounds ----------------------------------------------------------------------- */

/* The warp, and the field (augur-elastic.c): each of its two directions
 * spreads every row of impulses along x and sums taps rows of them for
 * each output row; it holds the spread rows, the noise and the weights. */
static void
elastic_cost (const AugurValue *params,
              const AugurShape *in,
              AugurShape       *out,
              AugurCost        *cost)
{
  double sigma = MAX (params[ELA_SIGMA].v[0], 1);
  gboolean approximate = AUGUR_PARAM_BOOL_VALUE (params, ELA_APPROXIMATE);
  double radius = elastic_radius (sigma, approximate), step = elastic_step (sigma, approximate);
  double taps = 2 * radius / step + 2;
  double rows = ceil (in->height / step);

  *out = *in;
  augur_cost_set_warp (in, out, params[ELA_INTERP].nick, cost);
  cost->work += 2 * taps * (double) in->width * (in->height + rows);
  cost->memory += (double) augur_elastic_field_bytes (in->width, in->height, sigma, radius, step);
}

/* Without keep_size, the output is the box of the moved corners, scaled to
 * the image's area; perspective_geometry holds each side within four times
 * the input's (and DISTORT_MAX_SIDE). */
static void
perspective_cost (const AugurValue *params,
                  const AugurShape *in,
                  AugurShape       *out,
                  AugurCost        *cost)
{
  *out = *in;
  if (!AUGUR_PARAM_BOOL_VALUE (params, PSP_KEEP_SIZE))
    {
      out->width = (int) MIN (DISTORT_MAX_SIDE, 4.0 * in->width);
      out->height = (int) MIN (DISTORT_MAX_SIDE, 4.0 * in->height);
    }
  augur_cost_set_warp (in, out, params[PSP_INTERP].nick, cost);
}

const AugurTransformInfo augur_distort_transforms[] = {
  {
    .name = "Perspective",
    .label = "Perspective",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Move the four corners inwards by random amounts and stretch the "
                   "quadrilateral they make onto the output, as if the picture were seen from "
                   "another angle.",
    .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL)),
    .version = 1,
    .default_p = 0.5,
    .params = perspective_params,
    .n_params = G_N_ELEMENTS (perspective_params),
    .drawn = perspective_drawn,
    .sample = perspective_sample,
    .geometry = perspective_geometry,
    .cost = perspective_cost,
  },
  {
    .name = "ElasticTransform",
    .label = "Elastic",
    .category = AUGUR_CATEGORY_DISTORT,
    .description = "Move every pixel by a smooth random field (Gaussian-smoothed noise), like "
                   "a drawing on rubber.",
    .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL),
                                    AUGUR_ALB_KEYPOINT_ONLY ("keypoint_remapping_method"),
                                    { "alpha_affine", NULL, AUGUR_ALB_ABSENT_REFUSE,
                                      "1.x only: an extra random affine step, gone in 2.x" }),
    .version = 1,
    .default_p = 0.5,
    .params = elastic_params,
    .n_params = G_N_ELEMENTS (elastic_params),
    .drawn = elastic_drawn,
    .sample = elastic_sample,
    .geometry = elastic_geometry,
    .cost = elastic_cost,
  },
  {
    .name = "OpticalDistortion",
    .label = "Optical distortion",
    .category = AUGUR_CATEGORY_DISTORT,
    .description = "Bend the image as a lens does, barrel or pincushion, about its centre.",
    .alb.absent = AUGUR_ALB_ABSENT_REMAP,
    .version = 1,
    .default_p = 0.5,
    .params = optical_params,
    .n_params = G_N_ELEMENTS (optical_params),
    .drawn = optical_drawn,
    .sample = optical_sample,
    .geometry = optical_geometry,
  },
  {
    .name = "GridDistortion",
    .label = "Grid distortion",
    .category = AUGUR_CATEGORY_DISTORT,
    .description = "Cut the image into a grid and stretch or squeeze each column and row of "
                   "cells by a random amount.",
    .alb.absent = AUGUR_ALB_ABSENT_REMAP,
    .version = 1,
    .default_p = 0.5,
    .params = grid_params,
    .n_params = G_N_ELEMENTS (grid_params),
    .drawn = grid_drawn,
    .sample = grid_sample,
    .geometry = grid_geometry,
  },
  {
    .name = "PiecewiseAffine",
    .label = "Piecewise affine",
    .category = AUGUR_CATEGORY_DISTORT,
    .description = "Place a regular grid of points on the image, move each by a random "
                   "amount, and warp each triangle between them by its own affine map.",
    .alb.absent = AUGUR_ALB_ABSENT_REMAP,
    .version = 1,
    .default_p = 0.5,
    .params = pwa_params,
    .n_params = G_N_ELEMENTS (pwa_params),
    .drawn = pwa_drawn,
    .sample = pwa_sample,
    .geometry = pwa_geometry,
  },
  {
    .name = "ThinPlateSpline",
    .label = "Thin-plate spline",
    .category = AUGUR_CATEGORY_DISTORT,
    .description = "Move a grid of control points by random amounts and bend the image "
                   "smoothly to follow them, as a thin metal plate would.",
    .alb.absent = AUGUR_ALB_ABSENT_REMAP,
    .version = 1,
    .default_p = 0.5,
    .params = tps_params,
    .n_params = G_N_ELEMENTS (tps_params),
    .drawn = tps_drawn,
    .sample = tps_sample,
    .geometry = tps_geometry,
  },
};

const guint augur_n_distort_transforms = G_N_ELEMENTS (augur_distort_transforms);
