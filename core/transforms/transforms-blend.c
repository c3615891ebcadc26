/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-transform-private.h"

/*
 * Blends: transforms that take other images from the reference pool
 * (augur-reference.h). Each declares how many it takes (n_references) and
 * gives `blend` instead of `apply`; the pipeline draws the references from
 * the step's own stream and passes them decoded, at their own size and
 * channel count. Each blend first brings a reference to the image's
 * channel count (augur_image_convert: gray to RGB by repeating, RGB to
 * gray by luma). Alpha is the image's own and is left alone.
 *
 * Labels: MixUp, CutMix and Mosaic describe where each image shows in the
 * result (blend_regions, AugurBlendRegion), from the same values their
 * pixels use (CutMix's drawn box, mosaic_layout ()); the labels module
 * maps each image's labels there and keeps what lies inside its region:
 * MixUp keeps both sets, CutMix the image's outside the box and the
 * reference's inside it, Mosaic each cell's within the window. The other
 * blends change colours only and leave labels alone.
 */

static int
color_channels (const AugurImage *image)
{
  return image->channels == 4 ? 3 : image->channels;
}

/* @ref with @src's channel count and, when @resize, its size: linear when
 * growing, area (the mean of the covered pixels) when shrinking, through
 * the transforms' resampler. */
static AugurImage *
reference_like (const AugurImage *ref,
                const AugurImage *src,
                gboolean          resize)
{
  g_autoptr(AugurImage) converted = augur_image_convert (ref, src->channels);
  gboolean shrink;

  if (!resize || (converted->width == src->width && converted->height == src->height))
    return g_steal_pointer (&converted);
  shrink = src->width <= converted->width && src->height <= converted->height;
  return augur_resize (converted, src->width, src->height,
                       shrink ? AUGUR_INTERP_AREA : AUGUR_INTERP_LINEAR);
}

/* Gamma(a, 1) by Marsaglia and Tsang (2000), boosted for a < 1 with
 * Gamma(a) = Gamma(a + 1) * U^(1/a). */
static double
sample_gamma (AugurRng *rng,
              double    a)
{
  double boost = 1, d, c;

  if (a < 1)
    {
      double u = augur_rng_uniform (rng);

      boost = pow (u > 0 ? u : 1e-300, 1.0 / a);
      a += 1;
    }
  d = a - 1.0 / 3;
  c = 1 / sqrt (9 * d);
  for (;;)
    {
      double x = augur_rng_normal (rng), v = 1 + c * x, u;

      if (v <= 0)
        continue;
      v = v * v * v;
      u = augur_rng_uniform (rng);
      if (u < 1 - 0.0331 * x * x * x * x || log (u) < 0.5 * x * x + d * (1 - v + log (v)))
        return boost * d * v;
    }
}

/* Beta(a, a) = X / (X + Y), X and Y Gamma(a). */
static double
sample_beta_symmetric (AugurRng *rng,
                       double    a)
{
  double x = sample_gamma (rng, a), y = sample_gamma (rng, a);

  return x + y > 0 ? x / (x + y) : 0.5;
}

#define PARAM_ALPHA(default_, what, source) \
  { .name = "alpha", .label = "Alpha", \
    .description = "Both shapes of the Beta(alpha, alpha) distribution the mixing weight lambda " \
                   "is drawn from: small values give lambda near 0 or 1 (" what "), 1 is uniform " \
                   "(default: " source ")", \
    .type = AUGUR_PARAM_NUMBER, \
    .min = 0.01, .max = 100, .ui_min = 0.05, .ui_max = 4, .step = 0.01, .def = { (default_) } }

/* MixUp -------------------------------------------------------------------------- */

static const AugurParamSpec mixup_params[] = {
  PARAM_ALPHA (0.4, "mostly one image", "the top of the 0.1 to 0.4 Zhang et al. 2018 used on ImageNet"),
};

static const AugurDrawnSpec mixup_drawn[] = {
  { "lambda", FALSE, 0, 1, .label = "Weight of the image" },
  { NULL },
};

static void
mixup_sample (const AugurValue *params,
              const AugurShape *in,
              AugurRng         *rng,
              AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "lambda", sample_beta_symmetric (rng, params[0].v[0]));
}

static AugurImage *
mixup_blend (const AugurImage  *src,
             AugurImage *const *refs,
             const AugurValue  *params,
             const AugurDrawn  *drawn)
{
  g_autoptr(AugurImage) ref = reference_like (refs[0], src, TRUE);
  AugurImage *out = augur_image_new_uninitialized (src->width, src->height, src->channels);
  int nc = color_channels (src), ch = src->channels, n = src->width * ch;
  /* Fixed point: lambda 1 gives exactly the image, 0 exactly the reference. */
  int wa = (int) lround (augur_drawn_get (drawn, "lambda") * 256), wb = 256 - wa;

  /* Every byte of the row mixed in one flat loop (which vectorises), then
   * the image's own alpha put back. */
  for (int y = 0; y < src->height; y++)
    {
      const guint8 *a = augur_image_row (src, y), *b = augur_image_row (ref, y);
      guint8 *d = augur_image_row (out, y);

      for (int i = 0; i < n; i++)
        d[i] = (guint8) ((a[i] * wa + b[i] * wb + 128) >> 8);
      if (nc != ch)
        for (int x = nc; x < n; x += ch)
          d[x] = a[x];
    }
  return out;
}

/* A region of the whole result showing @source, resized to @in. */
static AugurBlendRegion
stretched_region (guint             source,
                  const AugurShape *from,
                  const AugurShape *in)
{
  return (AugurBlendRegion) {
    .source = source,
    .scale_x = (double) in->width / from->width, .scale_y = (double) in->height / from->height,
    .x1 = in->width, .y1 = in->height,
  };
}

/* Both images everywhere; in masks the heavier one's labels lie on top. */
static guint
mixup_regions (const AugurValue *params,
               const AugurDrawn *drawn,
               const AugurShape *in,
               const AugurShape *refs,
               AugurBlendRegion *regions)
{
  gboolean image_on_top = augur_drawn_get (drawn, "lambda") >= 0.5;

  regions[0] = stretched_region (image_on_top ? 1 : 0, image_on_top ? &refs[0] : in, in);
  regions[1] = stretched_region (image_on_top ? 0 : 1, image_on_top ? in : &refs[0], in);
  regions[1].overlay = TRUE;
  return 2;
}

/* CutMix ------------------------------------------------------------------------- */

static const AugurParamSpec cutmix_params[] = {
  PARAM_ALPHA (1.0, "a box of almost nothing or almost everything", "Yun et al. 2019's on ImageNet"),
};

static const AugurDrawnSpec cutmix_drawn[] = {
  { "lambda", FALSE, 0, 1, .label = "Weight of the image" },
  { "x", FALSE, 0, 1e9, .label = "Box x", .unit = "px" },
  { "y", FALSE, 0, 1e9, .label = "Box y", .unit = "px" },
  { "width", FALSE, 0, 1e9, .label = "Box width", .unit = "px" },
  { "height", FALSE, 0, 1e9, .label = "Box height", .unit = "px" },
  { NULL },
};

/* The box keeps the image's aspect ratio and covers 1 - lambda of it
 * (sides W sqrt(1 - lambda), H sqrt(1 - lambda), as in the CutMix paper,
 * Yun et al. 2019), and lies wholly inside the image, so that its area is
 * the drawn one up to rounding. */
static void
cutmix_sample (const AugurValue *params,
               const AugurShape *in,
               AugurRng         *rng,
               AugurDrawn       *drawn)
{
  double lambda = sample_beta_symmetric (rng, params[0].v[0]);
  double side = sqrt (1 - lambda);
  int w = CLAMP ((int) lround (in->width * side), 0, in->width);
  int h = CLAMP ((int) lround (in->height * side), 0, in->height);

  augur_drawn_set (drawn, "lambda", lambda);
  augur_drawn_set (drawn, "x", (double) augur_rng_int (rng, 0, in->width - w));
  augur_drawn_set (drawn, "y", (double) augur_rng_int (rng, 0, in->height - h));
  augur_drawn_set (drawn, "width", w);
  augur_drawn_set (drawn, "height", h);
}

/* The pasted box, { x0, y0, x1, y1 }, within a @width x @height image (a
 * replay read from a file may name a box for another image size). */
static void
cutmix_box (const AugurDrawn *drawn,
            int               width,
            int               height,
            int               box[4])
{
  box[0] = MIN ((int) augur_drawn_get (drawn, "x"), width);
  box[1] = MIN ((int) augur_drawn_get (drawn, "y"), height);
  box[2] = MIN (box[0] + (int) augur_drawn_get (drawn, "width"), width);
  box[3] = MIN (box[1] + (int) augur_drawn_get (drawn, "height"), height);
}

static AugurImage *
cutmix_blend (const AugurImage  *src,
              AugurImage *const *refs,
              const AugurValue  *params,
              const AugurDrawn  *drawn)
{
  g_autoptr(AugurImage) ref = reference_like (refs[0], src, TRUE);
  AugurImage *out = augur_image_copy (src);
  int nc = color_channels (src), ch = src->channels;
  int box[4], x0, y0, x1, y1;

  cutmix_box (drawn, src->width, src->height, box);
  x0 = box[0], y0 = box[1], x1 = box[2], y1 = box[3];
  for (int y = y0; y < y1; y++)
    {
      const guint8 *b = augur_image_row (ref, y) + (gsize) x0 * ch;
      guint8 *d = augur_image_row (out, y) + (gsize) x0 * ch;

      if (nc == ch)
        memcpy (d, b, (gsize) (x1 - x0) * ch);
      else
        for (int x = x0; x < x1; x++, b += ch, d += ch)
          memcpy (d, b, nc);
    }
  return out;
}

/* The image everywhere but the box, the reference (resized) in the box. */
static guint
cutmix_regions (const AugurValue *params,
                const AugurDrawn *drawn,
                const AugurShape *in,
                const AugurShape *refs,
                AugurBlendRegion *regions)
{
  int box[4];

  cutmix_box (drawn, in->width, in->height, box);
  regions[0] = stretched_region (0, in, in);
  memcpy (regions[0].hole, box, sizeof box);
  regions[1] = stretched_region (1, &refs[0], in);
  regions[1].x0 = box[0], regions[1].y0 = box[1];
  regions[1].x1 = box[2], regions[1].y1 = box[3];
  return 2;
}

/* Mosaic ------------------------------------------------------------------------- */

#define MOSAIC_MAX_SIDE 16384

enum { MO_TARGET, MO_CELL, MO_CENTER, MO_FIT, MO_INTERP, MO_FILL };

static const char *const mosaic_fit_nicks[] = { "cover", "contain", NULL };

static const AugurParamSpec mosaic_params[] = {
  [MO_TARGET] = {
    .name = "target_size", .label = "Output size",
    .description = "Height and width of the result, a window of the 2x2 grid of cells",
    .type = AUGUR_PARAM_SIZE, .flags = AUGUR_PARAM_ALLOW_REVERSED,
    .min = 1, .max = MOSAIC_MAX_SIDE, .ui_min = 16, .ui_max = 2048, .step = 1, .def = { 512, 512 } },
  [MO_CELL] = {
    .name = "cell_shape", .label = "Cell size",
    .description = "Height and width of each of the four cells the images are fitted into",
    .type = AUGUR_PARAM_SIZE, .flags = AUGUR_PARAM_ALLOW_REVERSED,
    .min = 1, .max = MOSAIC_MAX_SIDE, .ui_min = 16, .ui_max = 2048, .step = 1, .def = { 512, 512 } },
  [MO_CENTER] = {
    .name = "center_range", .label = "Centre",
    .description = "Range of the window's centre, as a fraction of the span where the window "
                   "still overlaps all four cells (0.5: the grid's centre)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.3, 0.7 } },
  [MO_FIT] = {
    .name = "fit_mode", .label = "Fit",
    .description = "How each image is fitted into its cell: cover (scaled to fill it, the "
                   "overflow cropped, centred) or contain (scaled to fit, padded with the fill)",
    .type = AUGUR_PARAM_ENUM, .def_nick = 0, .nicks = mosaic_fit_nicks },
  [MO_INTERP] = AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
  [MO_FILL] = AUGUR_PARAM_FILL_VALUE (0),
};

static const AugurDrawnSpec mosaic_drawn[] = {
  { "center_x", FALSE, 0, 1, .label = "Centre x" },
  { "center_y", FALSE, 0, 1, .label = "Centre y" },
  { NULL },
};

static void
mosaic_sample (const AugurValue *params,
               const AugurShape *in,
               AugurRng         *rng,
               AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "center_x", augur_rng_range (rng, params[MO_CENTER].v[0], params[MO_CENTER].v[1]));
  augur_drawn_set (drawn, "center_y", augur_rng_range (rng, params[MO_CENTER].v[0], params[MO_CENTER].v[1]));
}

static void
mosaic_output_shape (const AugurValue *params,
                     const AugurDrawn *drawn,
                     const AugurShape *in,
                     AugurShape       *out)
{
  out->height = (int) params[MO_TARGET].v[0];
  out->width = (int) params[MO_TARGET].v[1];
  out->channels = in->channels;
}

/* Where the window lies on the grid of 2 x 2 cells, and which cell each
 * image fills: the image itself the cell the window shows most of (as
 * Albumentations 2.0.8 places its primary image), the references the
 * others in reading order. */
typedef struct
{
  int win_x, win_y;        /* the window's top-left corner on the grid */
  int owner[4];            /* cell (row-major) → 0 the image, 1.. reference k-1 */
} MosaicLayout;

static int
overlap (int a0,
         int a1,
         int b0,
         int b1)
{
  return MAX (0, MIN (a1, b1) - MAX (a0, b0));
}

static void
mosaic_layout (const AugurValue *params,
               const AugurDrawn *drawn,
               MosaicLayout     *layout)
{
  int th = (int) params[MO_TARGET].v[0], tw = (int) params[MO_TARGET].v[1];
  int ch = (int) params[MO_CELL].v[0], cw = (int) params[MO_CELL].v[1];
  int gw = 2 * cw, gh = 2 * ch;
  /* The centre's span: where a window of the target size lies within the
   * grid (Albumentations 2.0.8's calculate_mosaic_center_point). A window
   * larger than the grid is centred on it. */
  int min_cx = tw / 2, max_cx = gw - (tw + 1) / 2;
  int min_cy = th / 2, max_cy = gh - (th + 1) / 2;
  int cx = max_cx >= min_cx ? min_cx + (int) floor (augur_drawn_get (drawn, "center_x") * (max_cx - min_cx) + 0.5)
                            : gw / 2;
  int cy = max_cy >= min_cy ? min_cy + (int) floor (augur_drawn_get (drawn, "center_y") * (max_cy - min_cy) + 0.5)
                            : gh / 2;
  int best = 0, best_area = -1, next = 1;

  layout->win_x = cx - tw / 2;
  layout->win_y = cy - th / 2;

  for (int cell = 0; cell < 4; cell++)
    {
      int x0 = (cell % 2) * cw, y0 = (cell / 2) * ch;
      int area = overlap (x0, x0 + cw, layout->win_x, layout->win_x + tw) *
                 overlap (y0, y0 + ch, layout->win_y, layout->win_y + th);

      if (area > best_area)
        {
          best = cell;
          best_area = area;
        }
    }
  for (int cell = 0; cell < 4; cell++)
    layout->owner[cell] = cell == best ? 0 : next++;
}

/* How an image of @width x @height is fitted into a cell: scaled by @s
 * and moved by @off_x, @off_y within the cell (centred). */
static void
mosaic_fit (const AugurValue *params,
            int               width,
            int               height,
            double           *s,
            double           *off_x,
            double           *off_y)
{
  int ch = (int) params[MO_CELL].v[0], cw = (int) params[MO_CELL].v[1];
  double sx = (double) cw / width, sy = (double) ch / height;

  *s = AUGUR_PARAM_NICK (params, MO_FIT) == 0 ? MAX (sx, sy) : MIN (sx, sy);
  *off_x = (cw - width * *s) / 2;
  *off_y = (ch - height * *s) / 2;
}

/* Each cell the window shows, with the image fitted into it. */
static guint
mosaic_regions (const AugurValue *params,
                const AugurDrawn *drawn,
                const AugurShape *in,
                const AugurShape *refs,
                AugurBlendRegion *regions)
{
  int ch = (int) params[MO_CELL].v[0], cw = (int) params[MO_CELL].v[1];
  int th = (int) params[MO_TARGET].v[0], tw = (int) params[MO_TARGET].v[1];
  MosaicLayout layout;
  guint n = 0;

  mosaic_layout (params, drawn, &layout);
  for (int cell = 0; cell < 4; cell++)
    {
      int k = layout.owner[cell];
      const AugurShape *from = k == 0 ? in : &refs[k - 1];
      int cell_x = (cell % 2) * cw - layout.win_x, cell_y = (cell / 2) * ch - layout.win_y;
      AugurBlendRegion *r = &regions[n];
      double s, off_x, off_y;

      mosaic_fit (params, from->width, from->height, &s, &off_x, &off_y);
      *r = (AugurBlendRegion) {
        .source = (guint) k,
        .scale_x = s, .scale_y = s, .offset_x = cell_x + off_x, .offset_y = cell_y + off_y,
        .x0 = MAX (cell_x, 0), .y0 = MAX (cell_y, 0),
        .x1 = MIN (cell_x + cw, tw), .y1 = MIN (cell_y + ch, th),
      };
      if (r->x1 > r->x0 && r->y1 > r->y0)
        n++;
    }
  return n;
}

/* Draws the part of @cell that the window shows, from @image fitted into
 * the cell, into @out: one affine warp of that part alone. */
static void
mosaic_draw_cell (AugurImage         *out,
                  const AugurImage   *image,
                  const AugurValue   *params,
                  const MosaicLayout *layout,
                  int                 cell,
                  const AugurFill    *fill)
{
  int ch = (int) params[MO_CELL].v[0], cw = (int) params[MO_CELL].v[1];
  int cell_x = (cell % 2) * cw, cell_y = (cell / 2) * ch;
  int x0 = MAX (cell_x, layout->win_x), x1 = MIN (cell_x + cw, layout->win_x + out->width);
  int y0 = MAX (cell_y, layout->win_y), y1 = MIN (cell_y + ch, layout->win_y + out->height);
  double s, off_x, off_y;
  double inverse[6];
  g_autoptr(AugurImage) tile = NULL;
  int nch = out->channels;

  if (x1 <= x0 || y1 <= y0)
    return;
  mosaic_fit (params, image->width, image->height, &s, &off_x, &off_y);

  /* Tile pixel (x, y) is grid pixel (x0 + x, y0 + y), the cell's pixel
   * (x0 - cell_x + x, ...), the image's ((... - off_x) / s). */
  inverse[0] = 1 / s;
  inverse[1] = 0;
  inverse[2] = (x0 - cell_x - off_x) / s;
  inverse[3] = 0;
  inverse[4] = 1 / s;
  inverse[5] = (y0 - cell_y - off_y) / s;
  tile = augur_warp_affine (image, x1 - x0, y1 - y0, inverse,
                            AUGUR_PARAM_NICK (params, MO_INTERP), AUGUR_BORDER_CONSTANT, fill);

  for (int y = 0; y < tile->height; y++)
    memcpy (augur_image_row (out, y0 - layout->win_y + y) + (gsize) (x0 - layout->win_x) * nch,
            augur_image_row (tile, y), (gsize) tile->width * nch);
}

static AugurImage *
mosaic_blend (const AugurImage  *src,
              AugurImage *const *refs,
              const AugurValue  *params,
              const AugurDrawn  *drawn)
{
  AugurShape shape;
  AugurImage *out;
  AugurFill fill;
  MosaicLayout layout;
  int nch = src->channels;

  mosaic_output_shape (params, drawn, &(AugurShape) { src->width, src->height, src->channels }, &shape);
  mosaic_layout (params, drawn, &layout);
  augur_fill_from_value (&params[MO_FILL], nch, &fill);

  /* The window beyond the grid (a target larger than the grid) is fill. */
  out = augur_image_new (shape.width, shape.height, nch);
  for (int y = 0; y < out->height; y++)
    {
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < out->width; x++)
        for (int c = 0; c < nch; c++)
          d[x * nch + c] = augur_clamp_u8 (fill.v[c]);
    }

  for (int cell = 0; cell < 4; cell++)
    {
      int k = layout.owner[cell];
      g_autoptr(AugurImage) image = k == 0 ? augur_image_ref ((AugurImage *) src)
                                           : reference_like (refs[k - 1], src, FALSE);

      mosaic_draw_cell (out, image, params, &layout, cell, &fill);
    }
  return out;
}

static void
mosaic_cost (const AugurValue *params,
             const AugurShape *in,
             AugurShape       *out,
             AugurCost        *cost)
{
  AugurShape cell = { (int) params[MO_CELL].v[1], (int) params[MO_CELL].v[0], in->channels };

  mosaic_output_shape (params, NULL, in, out);
  /* One warp over the output; the references are decoded at their own
   * size (bounded by the pixel limit), taken here as the input's. */
  cost->work = augur_cost_warp_work (out, AUGUR_PARAM_NICK (params, MO_INTERP)) +
               augur_cost_image_bytes (out);
  cost->memory = 4 * augur_cost_image_bytes (in) + augur_cost_image_bytes (out) +
                 MIN (augur_cost_image_bytes (&cell), augur_cost_image_bytes (out));
}

/* HistogramMatching -------------------------------------------------------------- */

static const AugurParamSpec hm_params[] = {
  {
    .name = "blend_ratio", .label = "Blend",
    .description = "Range of the weight of the matched image against the original (0 keeps the "
                   "image, 1 is the full match)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.5, 1.0 } },
};

static const AugurDrawnSpec blend_ratio_drawn[] = {
  { "blend_ratio", FALSE, 0, 1, .label = "Blend" },
  { NULL },
};

static void
blend_ratio_sample (const AugurValue *params,
                    const AugurShape *in,
                    AugurRng         *rng,
                    AugurDrawn       *drawn)
{
  augur_sample_uniform_each (params, blend_ratio_drawn, rng, drawn);
}

/* One channel's table: each level goes to the reference's level at the
 * same quantile, interpolated between the reference's levels that occur
 * and truncated (scikit-image's match_histograms, as Albumentations 2.0.8
 * computes it), then blended with the level itself. */
static void
match_channel_lut (const guint64  src_hist[256],
                   const guint64  ref_hist[256],
                   double         ratio,
                   guint8         lut[256])
{
  double src_q[256], ref_q[256];
  int ref_v[256], n_ref = 0;
  guint64 src_total = 0, ref_total = 0, acc = 0;

  for (int v = 0; v < 256; v++)
    {
      src_total += src_hist[v];
      ref_total += ref_hist[v];
    }
  for (int v = 0; v < 256; v++)
    {
      acc += src_hist[v];
      src_q[v] = src_total ? (double) acc / src_total : 0;
    }
  acc = 0;
  for (int v = 0; v < 256; v++)
    if (ref_hist[v])
      {
        acc += ref_hist[v];
        ref_q[n_ref] = (double) acc / ref_total;
        ref_v[n_ref++] = v;
      }

  for (int v = 0, j = 0; v < 256; v++)
    {
      double q = src_q[v], matched;

      if (n_ref == 0)
        matched = v;
      else if (q <= ref_q[0])
        matched = ref_v[0];
      else
        {
          while (j + 1 < n_ref && ref_q[j + 1] < q)
            j++;
          if (j + 1 >= n_ref)
            matched = ref_v[n_ref - 1];
          else
            matched = ref_v[j] + (ref_v[j + 1] - ref_v[j]) * (q - ref_q[j]) / (ref_q[j + 1] - ref_q[j]);
        }
      matched = floor (matched);
      lut[v] = augur_clamp_u8 (ratio * matched + (1 - ratio) * v);
    }
}

static AugurImage *
hm_blend (const AugurImage  *src,
          AugurImage *const *refs,
          const AugurValue  *params,
          const AugurDrawn  *drawn)
{
  g_autoptr(AugurImage) ref = reference_like (refs[0], src, TRUE);
  double ratio = augur_drawn_get (drawn, "blend_ratio");
  guint8 luts[3][256];

  for (int c = 0; c < color_channels (src); c++)
    {
      guint64 src_hist[256], ref_hist[256];

      augur_channel_histogram (src, c, src_hist);
      augur_channel_histogram (ref, c, ref_hist);
      match_channel_lut (src_hist, ref_hist, ratio, luts[c]);
    }
  return augur_apply_channel_luts (src, luts);
}

/* FDA ---------------------------------------------------------------------------- */

static const AugurParamSpec fda_params[] = {
  {
    .name = "beta_limit", .label = "Beta",
    .description = "Range of beta, the half-side of the swapped band of low frequencies as a "
                   "fraction of the image's shorter side (0 keeps the image)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 0.5, .ui_min = 0, .ui_max = 0.3, .step = 0.005, .def = { 0, 0.1 } },
};

static const AugurDrawnSpec fda_drawn[] = {
  { "beta", FALSE, 0, 0.5, .label = "Beta" },
  { NULL },
};

static void
fda_sample (const AugurValue *params,
            const AugurShape *in,
            AugurRng         *rng,
            AugurDrawn       *drawn)
{
  augur_sample_uniform_each (params, fda_drawn, rng, drawn);
}

/* The band of one axis of n samples: the frequencies k0 <= k < k1 whose
 * amplitudes are swapped. Albumentations 2.0.8 takes rows h1..h2 of the
 * centred spectrum around (n / 2 - 0.5) +- border, truncated; the centred
 * index i is frequency i - n / 2. */
static void
fda_band (int  n,
          int  border,
          int *k0,
          int *k1)
{
  double centre = n / 2.0 - 0.5;
  int i0 = MAX (0, (int) (centre - border)), i1 = MIN ((int) (centre + border), n);

  *k0 = i0 - n / 2;
  *k1 = MAX (i1 - n / 2, *k0);
}

/* Discrete Fourier transforms of any length: radix 2 for powers of two,
 * Bluestein's chirp (a convolution done with radix 2) for the others. */

/* In place, n a power of two; @sign -1 forward, +1 inverse (unscaled).
 * @tw_c, @tw_s: the twiddles stage by stage, cos and sin of pi k / half
 * at [half + k] for k < half, so that each stage reads them in order. */
static void
fft_pow2 (double       *re,
          double       *im,
          int           n,
          int           sign,
          const double *tw_c,
          const double *tw_s)
{
  for (int i = 1, j = 0; i < n; i++)
    {
      int bit = n >> 1;

      for (; j & bit; bit >>= 1)
        j ^= bit;
      j ^= bit;
      if (i < j)
        {
          double t = re[i];

          re[i] = re[j];
          re[j] = t;
          t = im[i];
          im[i] = im[j];
          im[j] = t;
        }
    }
  for (int half = 1; half < n; half <<= 1)
    {
      const double *wc = tw_c + half, *ws = tw_s + half;

      for (int i0 = 0; i0 < n; i0 += 2 * half)
        {
          double *ar = re + i0, *ai = im + i0, *br = re + i0 + half, *bi = im + i0 + half;

          for (int k = 0; k < half; k++)
            {
              double wr = wc[k], wi = sign * ws[k];
              double xr = br[k] * wr - bi[k] * wi, xi = br[k] * wi + bi[k] * wr;

              br[k] = ar[k] - xr;
              bi[k] = ai[k] - xi;
              ar[k] += xr;
              ai[k] += xi;
            }
        }
    }
}

/* A transform of one length, planned once for the rows or the columns. */
typedef struct
{
  int     n, m;          /* the length; the power of two of the convolution (0: n is one) */
  double *cos_t, *sin_t; /* the radix-2 twiddles of m (or n), stage by stage (fft_pow2) */
  double *w_re, *w_im;   /* the chirp exp(-i pi k^2 / n), k < n */
  double *b_re, *b_im;   /* the transform of its conjugate, wrapped to m */
  double *a_re, *a_im;   /* work */
} Dft;

static void
dft_init (Dft *dft,
          int  n)
{
  int p;

  memset (dft, 0, sizeof *dft);
  dft->n = n;
  if ((n & (n - 1)) != 0)
    for (dft->m = 1; dft->m < 2 * n - 1; dft->m <<= 1)
      ;
  p = dft->m ? dft->m : n;
  dft->cos_t = g_new (double, MAX (p, 1));
  dft->sin_t = g_new (double, MAX (p, 1));
  for (int half = 1; half < p; half <<= 1)
    for (int k = 0; k < half; k++)
      {
        /* 2 pi (k p / 2 half) / p, written as the one table of p the
         * values were always taken from, so the bits do not change */
        int q = k * (p / (2 * half));

        dft->cos_t[half + k] = cos (2 * G_PI * q / p);
        dft->sin_t[half + k] = sin (2 * G_PI * q / p);
      }
  if (dft->m == 0)
    return;
  dft->w_re = g_new (double, n);
  dft->w_im = g_new (double, n);
  dft->b_re = g_new0 (double, dft->m);
  dft->b_im = g_new0 (double, dft->m);
  dft->a_re = g_new (double, dft->m);
  dft->a_im = g_new (double, dft->m);
  for (int k = 0; k < n; k++)
    {
      /* k^2 mod 2n keeps the angle exact for long transforms. */
      double angle = G_PI * (double) (((gint64) k * k) % (2 * (gint64) n)) / n;

      dft->w_re[k] = cos (angle);
      dft->w_im[k] = -sin (angle);
      dft->b_re[k] = dft->w_re[k];
      dft->b_im[k] = -dft->w_im[k];
      if (k > 0)
        {
          dft->b_re[dft->m - k] = dft->b_re[k];
          dft->b_im[dft->m - k] = dft->b_im[k];
        }
    }
  fft_pow2 (dft->b_re, dft->b_im, dft->m, -1, dft->cos_t, dft->sin_t);
}

static void
dft_clear (Dft *dft)
{
  g_free (dft->cos_t);
  g_free (dft->sin_t);
  g_free (dft->w_re);
  g_free (dft->w_im);
  g_free (dft->b_re);
  g_free (dft->b_im);
  g_free (dft->a_re);
  g_free (dft->a_im);
}

/* In place; @sign -1 forward, +1 inverse (unscaled). The inverse is the
 * conjugate of the forward transform of the conjugate. */
static void
dft_run (Dft    *dft,
         double *re,
         double *im,
         int     sign)
{
  int n = dft->n, m = dft->m;

  if (m == 0)
    {
      fft_pow2 (re, im, n, sign, dft->cos_t, dft->sin_t);
      return;
    }
  for (int j = 0; j < n; j++)
    {
      double xr = re[j], xi = sign > 0 ? -im[j] : im[j];

      dft->a_re[j] = xr * dft->w_re[j] - xi * dft->w_im[j];
      dft->a_im[j] = xr * dft->w_im[j] + xi * dft->w_re[j];
    }
  for (int j = n; j < m; j++)
    dft->a_re[j] = dft->a_im[j] = 0;
  fft_pow2 (dft->a_re, dft->a_im, m, -1, dft->cos_t, dft->sin_t);
  for (int j = 0; j < m; j++)
    {
      double ar = dft->a_re[j], ai = dft->a_im[j];

      dft->a_re[j] = ar * dft->b_re[j] - ai * dft->b_im[j];
      dft->a_im[j] = ar * dft->b_im[j] + ai * dft->b_re[j];
    }
  fft_pow2 (dft->a_re, dft->a_im, m, 1, dft->cos_t, dft->sin_t);
  for (int k = 0; k < n; k++)
    {
      double cr = dft->a_re[k] / m, ci = dft->a_im[k] / m;

      re[k] = cr * dft->w_re[k] - ci * dft->w_im[k];
      im[k] = cr * dft->w_im[k] + ci * dft->w_re[k];
      if (sign > 0)
        im[k] = -im[k];
    }
}

/* The coefficients of one channel of two images of one size in the band:
 * each row transformed (the two images' rows at once, as the real and
 * imaginary parts of one signal, separated by symmetry), the band's
 * columns kept, each of those transformed, the band's rows kept. */
static void
fda_band_dft (const AugurImage *a,
              const AugurImage *b,
              int               c,
              Dft              *rows,
              Dft              *cols,
              int               kx0,
              int               nkx,
              int               ky0,
              int               nky,
              double           *band_re[2],
              double           *band_im[2])
{
  int w = a->width, h = a->height, ch = a->channels;
  g_autofree double *re = g_new (double, MAX (w, h));
  g_autofree double *im = g_new (double, MAX (w, h));
  g_autofree double *col_re = g_new (double, (gsize) 2 * h * nkx);
  g_autofree double *col_im = g_new (double, (gsize) 2 * h * nkx);

  for (int y = 0; y < h; y++)
    {
      const guint8 *sa = augur_image_row (a, y) + c, *sb = augur_image_row (b, y) + c;

      for (int x = 0; x < w; x++)
        {
          re[x] = sa[x * ch];
          im[x] = sb[x * ch];
        }
      dft_run (rows, re, im, -1);
      for (int j = 0; j < nkx; j++)
        {
          int k = ((kx0 + j) % w + w) % w, q = (w - k) % w;

          /* A_k = (X_k + conj X_-k) / 2, B_k = (X_k - conj X_-k) / 2i */
          col_re[(gsize) j * h + y] = (re[k] + re[q]) / 2;
          col_im[(gsize) j * h + y] = (im[k] - im[q]) / 2;
          col_re[(gsize) (nkx + j) * h + y] = (im[k] + im[q]) / 2;
          col_im[(gsize) (nkx + j) * h + y] = (re[q] - re[k]) / 2;
        }
    }
  for (int j = 0; j < 2 * nkx; j++)
    {
      double *cr = col_re + (gsize) j * h, *ci = col_im + (gsize) j * h;
      int which = j / nkx, jj = j % nkx;

      dft_run (cols, cr, ci, -1);
      for (int i = 0; i < nky; i++)
        {
          int k = ((ky0 + i) % h + h) % h;

          band_re[which][i * nkx + jj] = cr[k];
          band_im[which][i * nkx + jj] = ci[k];
        }
    }
}

/* Fourier domain adaptation (Yang and Soatto, CVPR 2020), per colour
 * channel: the amplitudes of the band of low frequencies become the
 * reference's, the phases stay the image's; the result is the real part of
 * the inverse transform. Only the band changes, so the result is the image
 * plus the inverse transform of the band's change, and only the band's
 * columns are transformed along y. */
static AugurImage *
fda_blend (const AugurImage  *src,
           AugurImage *const *refs,
           const AugurValue  *params,
           const AugurDrawn  *drawn)
{
  int w = src->width, h = src->height, ch = src->channels;
  int border = (int) floor (MIN (w, h) * augur_drawn_get (drawn, "beta"));
  int kx0, kx1, ky0, ky1, nkx, nky;
  g_autoptr(AugurImage) ref = NULL;
  g_autofree double *s_re = NULL, *s_im = NULL, *r_re = NULL, *r_im = NULL;
  g_autofree double *g_re = NULL, *g_im = NULL, *re = NULL, *im = NULL;
  Dft rows, cols;
  AugurImage *out;

  fda_band (w, border, &kx0, &kx1);
  fda_band (h, border, &ky0, &ky1);
  nkx = kx1 - kx0;
  nky = ky1 - ky0;
  if (nkx == 0 || nky == 0)
    return augur_image_ref ((AugurImage *) src);

  ref = reference_like (refs[0], src, TRUE);
  out = augur_image_copy (src);
  dft_init (&rows, w);
  dft_init (&cols, h);
  s_re = g_new (double, nky * nkx);
  s_im = g_new (double, nky * nkx);
  r_re = g_new (double, nky * nkx);
  r_im = g_new (double, nky * nkx);
  g_re = g_new (double, (gsize) nkx * h);
  g_im = g_new (double, (gsize) nkx * h);
  re = g_new (double, MAX (w, h));
  im = g_new (double, MAX (w, h));

  for (int c = 0; c < color_channels (src); c++)
    {
      double *band_re[2] = { s_re, r_re }, *band_im[2] = { s_im, r_im };

      fda_band_dft (src, ref, c, &rows, &cols, kx0, nkx, ky0, nky, band_re, band_im);

      /* The change of each coefficient: (|R| - |S|) S / |S| (a zero
       * coefficient has phase 0). */
      for (int i = 0; i < nky * nkx; i++)
        {
          double a_s = hypot (s_re[i], s_im[i]), a_r = hypot (r_re[i], r_im[i]);

          if (a_s > 0)
            {
              s_re[i] = (a_r - a_s) * s_re[i] / a_s;
              s_im[i] = (a_r - a_s) * s_im[i] / a_s;
            }
          else
            {
              s_re[i] = a_r;
              s_im[i] = 0;
            }
        }

      /* Inverse: the band's columns along y, then every row along x. */
      for (int j = 0; j < nkx; j++)
        {
          double *cr = g_re + (gsize) j * h, *ci = g_im + (gsize) j * h;

          memset (cr, 0, sizeof (double) * h);
          memset (ci, 0, sizeof (double) * h);
          for (int i = 0; i < nky; i++)
            {
              int k = ((ky0 + i) % h + h) % h;

              cr[k] = s_re[i * nkx + j];
              ci[k] = s_im[i * nkx + j];
            }
          dft_run (&cols, cr, ci, 1);
        }
      /* Rows two at a time: the real part of a row's inverse is the
       * inverse of the spectrum's Hermitian part, which is real, so row
       * y + 1's goes in as the imaginary part. */
      for (int y = 0; y < h; y += 2)
        {
          memset (re, 0, sizeof (double) * w);
          memset (im, 0, sizeof (double) * w);
          for (int r = 0; r < 2 && y + r < h; r++)
            for (int j = 0; j < nkx; j++)
              {
                int k = ((kx0 + j) % w + w) % w, q = (w - k) % w;
                double gr = g_re[(gsize) j * h + y + r] / 2, gi = g_im[(gsize) j * h + y + r] / 2;

                /* H_k += G_k / 2, H_-k += conj G_k / 2; then times i for row y + 1 */
                if (r == 0)
                  {
                    re[k] += gr;
                    im[k] += gi;
                    re[q] += gr;
                    im[q] -= gi;
                  }
                else
                  {
                    re[k] -= gi;
                    im[k] += gr;
                    re[q] += gi;
                    im[q] += gr;
                  }
              }
          dft_run (&rows, re, im, 1);
          for (int r = 0; r < 2 && y + r < h; r++)
            {
              guint8 *d = augur_image_row (out, y + r) + c;
              const double *v = r == 0 ? re : im;

              for (int x = 0; x < w; x++)
                d[x * ch] = augur_clamp_u8 (d[x * ch] + v[x] / ((double) w * h));
            }
        }
    }
  dft_clear (&rows);
  dft_clear (&cols);
  return out;
}

/* The butterflies (complex multiply-adds, counted as a blur counts taps)
 * of one transform of length n: radix 2 for a power of two, else three
 * of the convolution's length and its two pointwise products. */
static double
dft_work (int n)
{
  int m = 1;

  if ((n & (n - 1)) == 0)
    return n / 2.0 * log2 (MAX (n, 2));
  while (m < 2 * n - 1)
    m <<= 1;
  return 3 * (m / 2.0 * log2 (m)) + 2.0 * m;
}

/* Per channel: the rows of the two images at once, twice the band's
 * columns forward and once back, and the rows back two at a time. */
static void
fda_cost (const AugurValue *params,
          const AugurShape *in,
          AugurShape       *out,
          AugurCost        *cost)
{
  double band = 2 * floor (MIN (in->width, in->height) * params[0].v[1]) + 1;
  int nc = in->channels == 4 ? 3 : in->channels;

  *out = *in;
  cost->work = nc * (1.5 * in->height * dft_work (in->width) + 3 * band * dft_work (in->height)) +
               augur_cost_image_bytes (in) * 2;
  cost->memory = 3 * augur_cost_image_bytes (in) + 16.0 * band * in->height * 2 + 64.0 * (in->width + in->height);
}

/* PixelDistributionAdaptation ---------------------------------------------------- */

enum { PDA_RATIO, PDA_TYPE };

static const char *const pda_type_nicks[] = { "pca", "standard", "minmax", NULL };

static const AugurParamSpec pda_params[] = {
  [PDA_RATIO] = {
    .name = "blend_ratio", .label = "Blend",
    .description = "Range of the weight of the adapted image against the original (0 keeps "
                   "the image, 1 is the full adaptation)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.25, 1.0 } },
  [PDA_TYPE] = {
    .name = "transform_type", .label = "Statistics",
    .description = "What is matched: pca (mean and principal axes of the colours), standard "
                   "(mean and deviation per channel) or minmax (range per channel)",
    .type = AUGUR_PARAM_ENUM, .def_nick = 0, .nicks = pda_type_nicks },
};

/* Colour statistics of one image, in [0, 1] units. */
typedef struct
{
  double mean[3], sd[3], min[3], max[3];
  double axes[3][3];   /* pca: principal axes, by descending variance, as rows */
} PdaStats;

/* Eigen-decomposition of a symmetric n x n matrix (n <= 3) by Jacobi
 * rotations; the eigenvectors are the columns of @v. */
static void
jacobi_eigen (int    n,
              double a[3][3],
              double eig[3],
              double v[3][3])
{
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      v[i][j] = i == j;

  for (int sweep = 0; sweep < 50; sweep++)
    {
      double off = 0;

      for (int p = 0; p < n; p++)
        for (int q = p + 1; q < n; q++)
          off += a[p][q] * a[p][q];
      if (off < 1e-30)
        break;

      for (int p = 0; p < n; p++)
        for (int q = p + 1; q < n; q++)
          {
            double theta, t, c, s;

            if (fabs (a[p][q]) < 1e-300)
              continue;
            theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
            t = (theta >= 0 ? 1 : -1) / (fabs (theta) + sqrt (theta * theta + 1));
            c = 1 / sqrt (t * t + 1);
            s = t * c;
            for (int k = 0; k < n; k++)
              {
                double akp = a[k][p], akq = a[k][q];

                a[k][p] = c * akp - s * akq;
                a[k][q] = s * akp + c * akq;
              }
            for (int k = 0; k < n; k++)
              {
                double apk = a[p][k], aqk = a[q][k];

                a[p][k] = c * apk - s * aqk;
                a[q][k] = s * apk + c * aqk;
              }
            for (int k = 0; k < n; k++)
              {
                double vkp = v[k][p], vkq = v[k][q];

                v[k][p] = c * vkp - s * vkq;
                v[k][q] = s * vkp + c * vkq;
              }
          }
    }
  for (int i = 0; i < n; i++)
    eig[i] = a[i][i];
}

static void
pda_stats (const AugurImage *image,
           int               nc,
           PdaStats         *st)
{
  double sum[3] = { 0 }, cross[3][3] = { { 0 } };
  double n = (double) image->width * image->height;
  double cov[3][3], eig[3], vec[3][3];
  int order[3] = { 0, 1, 2 };

  for (int c = 0; c < nc; c++)
    {
      st->min[c] = 1;
      st->max[c] = 0;
    }
  for (int y = 0; y < image->height; y++)
    {
      const guint8 *s = augur_image_row (image, y);

      for (int x = 0; x < image->width; x++, s += image->channels)
        for (int c = 0; c < nc; c++)
          {
            double v = s[c] / 255.0;

            sum[c] += v;
            st->min[c] = MIN (st->min[c], v);
            st->max[c] = MAX (st->max[c], v);
            for (int d = 0; d <= c; d++)
              cross[c][d] += v * (s[d] / 255.0);
          }
    }
  for (int c = 0; c < nc; c++)
    st->mean[c] = sum[c] / n;
  for (int c = 0; c < nc; c++)
    for (int d = 0; d <= c; d++)
      cov[c][d] = cov[d][c] = cross[c][d] / n - st->mean[c] * st->mean[d];
  for (int c = 0; c < nc; c++)
    st->sd[c] = sqrt (MAX (cov[c][c], 0));

  jacobi_eigen (nc, cov, eig, vec);
  for (int i = 0; i < nc; i++)
    for (int j = i + 1; j < nc; j++)
      if (eig[order[j]] > eig[order[i]])
        {
          int t = order[i];

          order[i] = order[j];
          order[j] = t;
        }
  /* Each axis signed so that its largest entry is positive (the rule
   * scikit-learn's PCA applies). */
  for (int i = 0; i < nc; i++)
    {
      int big = 0;

      for (int c = 1; c < nc; c++)
        if (fabs (vec[c][order[i]]) > fabs (vec[big][order[i]]))
          big = c;
      for (int c = 0; c < nc; c++)
        st->axes[i][c] = vec[c][order[i]] * (vec[big][order[i]] < 0 ? -1 : 1);
    }
}

static AugurImage *
pda_blend (const AugurImage  *src,
           AugurImage *const *refs,
           const AugurValue  *params,
           const AugurDrawn  *drawn)
{
  g_autoptr(AugurImage) ref = reference_like (refs[0], src, TRUE);
  double ratio = augur_drawn_get (drawn, "blend_ratio");
  int nc = color_channels (src), ch = src->channels, type = AUGUR_PARAM_NICK (params, PDA_TYPE);
  PdaStats s = { { 0 } }, t = { { 0 } };
  /* out = m x + b per channel, as one affine map of the colour (pca
   * mixes the channels: m is nc x nc). */
  double m[3][3] = { { 0 } }, b[3] = { 0 };
  AugurImage *out = augur_image_copy (src);

  pda_stats (src, nc, &s);
  pda_stats (ref, nc, &t);

  if (type == 0)
    {
      double trace_s = 0, trace_t = 0, sign;

      /* Albumentations 2.0.8 flips the reference's axes when the traces
       * of the two sets of axes differ in sign. */
      for (int i = 0; i < nc; i++)
        {
          trace_s += s.axes[i][i];
          trace_t += t.axes[i][i];
        }
      sign = (trace_s > 0) != (trace_t > 0) && trace_s != 0 && trace_t != 0 ? -1 : 1;
      /* x → t.mean + sum_k ((x - s.mean) . s.axis_k) t.axis_k */
      for (int c = 0; c < nc; c++)
        for (int d = 0; d < nc; d++)
          for (int k = 0; k < nc; k++)
            m[c][d] += sign * t.axes[k][c] * s.axes[k][d];
      for (int c = 0; c < nc; c++)
        {
          b[c] = t.mean[c];
          for (int d = 0; d < nc; d++)
            b[c] -= m[c][d] * s.mean[d];
        }
    }
  else
    for (int c = 0; c < nc; c++)
      {
        double scale_s = type == 1 ? s.sd[c] : s.max[c] - s.min[c];
        double scale_t = type == 1 ? t.sd[c] : t.max[c] - t.min[c];
        double from = type == 1 ? s.mean[c] : s.min[c], to = type == 1 ? t.mean[c] : t.min[c];

        /* A flat channel keeps its scale (as the scalers do). */
        if (scale_s == 0)
          scale_s = 1;
        if (scale_t == 0)
          scale_t = 1;
        m[c][c] = scale_t / scale_s;
        b[c] = to - m[c][c] * from;
      }

  for (int y = 0; y < src->height; y++)
    {
      guint8 *d = augur_image_row (out, y);
      const guint8 *p = augur_image_row (src, y);

      for (int x = 0; x < src->width; x++, d += ch, p += ch)
        for (int c = 0; c < nc; c++)
          {
            double v = b[c];

            for (int e = 0; e < nc; e++)
              v += m[c][e] * (p[e] / 255.0);
            /* The adapted image is clipped, then blended. */
            v = CLAMP (v, 0, 1) * 255.0;
            d[c] = augur_clamp_u8 ((1 - ratio) * p[c] + ratio * v);
          }
    }
  return out;
}

/* The table ---------------------------------------------------------------------- */

const AugurTransformInfo augur_blend_transforms[] = {
  {
    .name = "MixUp",
    .label = "MixUp",
    .category = AUGUR_CATEGORY_BLEND,
    .description = "Mix the image with another from the reference pool, lambda x image + "
                   "(1 - lambda) x other, lambda from Beta(alpha, alpha) (Zhang et al. 2018; "
                   "Albumentations 2.0.8 has no MixUp class). Gray mixes its one channel; "
                   "alpha is the image's.",
    .version = 1,
    .default_p = 0.5,
    .params = mixup_params,
    .n_params = G_N_ELEMENTS (mixup_params),
    .drawn = mixup_drawn,
    .sample = mixup_sample,
    .n_references = 1,
    .blend = mixup_blend,
    .blend_regions = mixup_regions,
    .alb = { .unsupported = TRUE,
             .hint = "Albumentations 2.0.8 has no MixUp: mix pairs of images in the training loop (for example torchvision.transforms.v2.MixUp)" },
  },
  {
    .name = "CutMix",
    .label = "CutMix",
    .category = AUGUR_CATEGORY_BLEND,
    .description = "Paste a box of another image from the reference pool, covering 1 - lambda "
                   "of the image, lambda from Beta(alpha, alpha) (Yun et al. 2019; "
                   "Albumentations 2.0.8 has no CutMix class). Gray pastes its one channel; "
                   "alpha is the image's.",
    .version = 1,
    .default_p = 0.5,
    .params = cutmix_params,
    .n_params = G_N_ELEMENTS (cutmix_params),
    .drawn = cutmix_drawn,
    .sample = cutmix_sample,
    .n_references = 1,
    .blend = cutmix_blend,
    .blend_regions = cutmix_regions,
    .alb = { .unsupported = TRUE,
             .hint = "Albumentations 2.0.8 has no CutMix: cut and mix pairs in the training loop (for example torchvision.transforms.v2.CutMix)" },
  },
  {
    .name = "Mosaic",
    .label = "Mosaic",
    .category = AUGUR_CATEGORY_BLEND,
    .description = "Fit the image and three others from the reference pool into a 2x2 grid of "
                   "cells and crop a window of the target size around a random centre (the "
                   "image takes the cell the window shows most of). Gray references are "
                   "repeated to colour and colour ones made gray to match; alpha comes from "
                   "each cell's image.",
    .version = 1,
    .default_p = 0.5,
    .params = mosaic_params,
    .n_params = G_N_ELEMENTS (mosaic_params),
    .drawn = mosaic_drawn,
    .sample = mosaic_sample,
    .output_shape = mosaic_output_shape,
    .cost = mosaic_cost,
    .n_references = 3,
    .blend = mosaic_blend,
    .blend_regions = mosaic_regions,
    .alb = { .unsupported = TRUE,
             .hint = "a saved Albumentations pipeline cannot hold the other images a mosaic needs: build it in the data loader" },
  },
  {
    .name = "HistogramMatching",
    .label = "Histogram matching",
    .category = AUGUR_CATEGORY_BLEND,
    .description = "Match each colour channel's histogram to a reference image's, blended with "
                   "the original. Gray matches its one channel; alpha is left alone.",
    .version = 1,
    .default_p = 0.5,
    .params = hm_params,
    .n_params = G_N_ELEMENTS (hm_params),
    .drawn = blend_ratio_drawn,
    .sample = blend_ratio_sample,
    .n_references = 1,
    .blend = hm_blend,
    .alb = { .unsupported = TRUE,
             .hint = "Albumentations takes the reference images at call time (hm_metadata), which a saved pipeline cannot hold: add the step in the training code" },
  },
  {
    .name = "FDA",
    .label = "Fourier domain adaptation",
    .category = AUGUR_CATEGORY_BLEND,
    .description = "Give the image a reference image's low-frequency amplitudes (its overall "
                   "tone and lighting), keeping the image's phases (its content). Gray adapts "
                   "its one channel; alpha is left alone.",
    .version = 1,
    .default_p = 0.5,
    .params = fda_params,
    .n_params = G_N_ELEMENTS (fda_params),
    .drawn = fda_drawn,
    .sample = fda_sample,
    .cost = fda_cost,
    .n_references = 1,
    .blend = fda_blend,
    .alb = { .unsupported = TRUE,
             .hint = "Albumentations takes the reference images at call time (fda_metadata), which a saved pipeline cannot hold: add the step in the training code" },
  },
  {
    .name = "PixelDistributionAdaptation",
    .label = "Pixel distribution adaptation",
    .category = AUGUR_CATEGORY_BLEND,
    .description = "Map the image's colour distribution onto a reference image's (principal "
                   "axes, mean and deviation, or range), blended with the original. Gray "
                   "adapts its one channel; alpha is left alone.",
    .version = 1,
    .default_p = 0.5,
    .params = pda_params,
    .n_params = G_N_ELEMENTS (pda_params),
    .drawn = blend_ratio_drawn,
    .sample = blend_ratio_sample,
    .n_references = 1,
    .blend = pda_blend,
    .alb = { .unsupported = TRUE,
             .hint = "Albumentations takes the reference images at call time (pda_metadata), which a saved pipeline cannot hold: add the step in the training code" },
  },
};

const guint augur_n_blend_transforms = G_N_ELEMENTS (augur_blend_transforms);
