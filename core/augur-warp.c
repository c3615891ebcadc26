/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-simd.h"
#include "augur-transform-private.h"
#include "augur-warp.h"

/*
 * The warp module: everything a spatial transform's geometry implies.
 *
 * Each kind of warp keeps the resampling call it always had, so that the
 * pixels of a transform do not depend on how it is described: a crop reads
 * a window and resizes it (augur_resize), an affine warp goes through
 * augur_warp_affine, a homography and a dense map through
 * augur_warp_map_rows (their map computed row by row inside the strips),
 * a symmetry and a shuffle of tiles copy pixels.
 *
 * Composition: consecutive AFFINE and HOMOGRAPHY steps of a pipeline could
 * be multiplied into one matrix here and resampled once (as GEGL does for
 * its chains of OpTransform), which saves a pass and the blur of the
 * intermediate resample. That changes pixels, so it is left for a later,
 * explicit choice; this is where it would go, before warp_pixels ().
 */

void
augur_warp_init (AugurWarp        *warp,
                 const AugurValue *params,
                 const AugurDrawn *drawn,
                 const AugurShape *in)
{
  g_return_if_fail (warp != NULL && in != NULL);

  memset (warp, 0, sizeof *warp);
  warp->params = params;
  warp->drawn = drawn;
  warp->in = *in;
  warp->interp = AUGUR_INTERP_LINEAR;
  augur_warp_set_crop (warp, 0, 0, in->width, in->height);
  augur_warp_set_border (warp, AUGUR_BORDER_CONSTANT, NULL);
}

void
augur_warp_clear (AugurWarp *warp)
{
  g_return_if_fail (warp != NULL);

  if (warp->state && warp->state_free)
    warp->state_free (warp->state);
  warp->state = NULL;
  warp->state_free = NULL;
}

/* The rectangle @cx, @cy, @cw x @ch of the input, read whole and kept at
 * its size: the start of every crop geometry. */
void
augur_warp_set_crop (AugurWarp *warp,
                     int        cx,
                     int        cy,
                     int        cw,
                     int        ch)
{
  warp->kind = AUGUR_WARP_CROP;
  warp->crop.cx = cx, warp->crop.cy = cy, warp->crop.cw = cw, warp->crop.ch = ch;
  warp->crop.wx = 0, warp->crop.wy = 0, warp->crop.ww = cw, warp->crop.wh = ch;
  warp->out_width = cw;
  warp->out_height = ch;
}

/* @fill (nullable): a FILL parameter, for the input's channels. */
void
augur_warp_set_border (AugurWarp        *warp,
                       AugurBorder       border,
                       const AugurValue *fill)
{
  warp->border = border;
  augur_fill_from_value (fill, warp->in.channels, &warp->fill);
}

/* The interpolation, border and fill from the parameters that name them
 * (an enum of augur_interpolation_nicks, of augur_border_nicks, a FILL). */
void
augur_warp_set_resampling (AugurWarp        *warp,
                           const AugurValue *interp,
                           const AugurValue *border,
                           const AugurValue *fill)
{
  warp->interp = (AugurInterpolation) interp->nick;
  augur_warp_set_border (warp, (AugurBorder) border->nick, fill);
}

/* A dense map of the input's size (see AugurWarpMapInit). */
void
augur_warp_set_map (AugurWarp        *warp,
                    AugurWarpMapInit  init,
                    AugurWarpMapRows  rows,
                    GDestroyNotify    free_state)
{
  warp->kind = AUGUR_WARP_MAP;
  warp->map.init = init;
  warp->map.rows = rows;
  warp->map.free = free_state;
  warp->map.pixels = NULL;
  warp->out_width = warp->in.width;
  warp->out_height = warp->in.height;
}

/* After augur_warp_set_map (): the map's own image warp (augur-warp.h). */
void
augur_warp_set_map_pixels (AugurWarp         *warp,
                           AugurWarpMapPixels pixels)
{
  g_return_if_fail (warp != NULL && warp->kind == AUGUR_WARP_MAP);

  warp->map.pixels = pixels;
}

void
augur_warp_output_shape (const AugurWarp *warp,
                         AugurShape      *out)
{
  *out = warp->in;
  out->width = warp->out_width;
  out->height = warp->out_height;
}

/* Crop --------------------------------------------------------------------- */

/* The window @x0, @y0, @w x @h over @src: pixels outside read what @border
 * names, or @fill for a constant border (whole runs of it at a time: a
 * large padding is mostly fill). */
static AugurImage *
read_window (const AugurImage *src,
             int               x0,
             int               y0,
             int               w,
             int               h,
             AugurBorder       border,
             const AugurFill  *fill)
{
  AugurImage *out = augur_image_new_uninitialized (w, h, src->channels);
  g_autofree int *xs = g_new (int, w);
  int nc = src->channels;
  /* the columns that read the source directly: [a, b) */
  int a = CLAMP (-x0, 0, w), b = CLAMP (src->width - x0, a, w);
  guint8 fill_px[4];

  for (int c = 0; c < 4; c++)
    fill_px[c] = augur_clamp_u8 (fill->v[c]);
  for (int x = 0; x < w; x++)
    xs[x] = augur_border_index (x0 + x, src->width, border);

  for (int y = 0; y < h; y++)
    {
      int sy = augur_border_index (y0 + y, src->height, border);
      guint8 *d = augur_image_row (out, y);
      const guint8 *s;

      if (sy < 0)
        {
          augur_fill_span (d, fill_px, w, nc);
          continue;
        }

      s = augur_image_row (src, sy);
      if (b > a)
        memcpy (d + (gsize) a * nc, s + (gsize) (x0 + a) * nc, (gsize) (b - a) * nc);
      if (border == AUGUR_BORDER_CONSTANT)
        {
          augur_fill_span (d, fill_px, a, nc);
          augur_fill_span (d + (gsize) b * nc, fill_px, w - b, nc);
          continue;
        }
      for (int x = 0; x < w; x++)
        {
          if (x == a)
            x = b;
          if (x >= w)
            break;
          memcpy (d + (gsize) x * nc, xs[x] < 0 ? fill_px : s + (gsize) xs[x] * nc, nc);
        }
    }

  return out;
}

static AugurImage *
crop_pixels (const AugurWarp    *warp,
             const AugurImage   *src,
             AugurInterpolation  interp,
             const AugurFill    *fill)
{
  g_autoptr(AugurImage) windowed = NULL;
  int out_w = warp->out_width, out_h = warp->out_height;
  gboolean resize = out_w != warp->crop.ww || out_h != warp->crop.wh;
  AugurImage view;

  /* The rectangle as a borrowed view of the source rows: nothing below
   * keeps a reference to it. */
  view = *src;
  view.width = warp->crop.cw;
  view.height = warp->crop.ch;
  view.data = augur_image_row (src, warp->crop.cy) + (gsize) warp->crop.cx * src->channels;

  /* A window inside the rectangle reads no border: it is a view too,
   * copied row by row with no per-pixel border lookup. */
  if (warp->crop.wx >= 0 && warp->crop.wy >= 0 &&
      warp->crop.wx + warp->crop.ww <= warp->crop.cw && warp->crop.wy + warp->crop.wh <= warp->crop.ch)
    {
      view.data = augur_image_row (&view, warp->crop.wy) + (gsize) warp->crop.wx * src->channels;
      view.width = warp->crop.ww;
      view.height = warp->crop.wh;
      return resize ? augur_resize (&view, out_w, out_h, interp) : augur_image_copy (&view);
    }

  windowed = read_window (&view, warp->crop.wx, warp->crop.wy, warp->crop.ww, warp->crop.wh,
                          warp->border, fill);
  if (resize)
    return augur_resize (windowed, out_w, out_h, interp);
  return g_steal_pointer (&windowed);
}

/* Affine ------------------------------------------------------------------- */

static AugurImage *
affine_pixels (const AugurWarp    *warp,
               const AugurImage   *src,
               AugurInterpolation  interp,
               const AugurFill    *fill)
{
  double inverse[6];

  if (!augur_affine_invert (warp->affine.forward, inverse))
    {
      /* A collapsed matrix (scale ~0): every output pixel reads the centre. */
      inverse[0] = inverse[1] = inverse[3] = inverse[4] = 0;
      inverse[2] = src->width / 2.0;
      inverse[5] = src->height / 2.0;
    }
  return augur_warp_affine (src, warp->out_width, warp->out_height, inverse,
                            interp, warp->border, fill);
}

/* Homography --------------------------------------------------------------- */

static void
homography_point (const double  m[9],
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

/* One row of homography_rows (), without a branch so that the compiler
 * vectorises it: a point beyond the horizon computes a quotient that is
 * then thrown away. GCC turns the selects into blends only when it need
 * not keep floating-point exceptions as the branches would raise them
 * (nothing here reads them); the values are the same. */
#if defined(__GNUC__) && !defined(__clang__)
# define HOMOGRAPHY_ROW_FLAGS __attribute__ ((optimize ("no-trapping-math")))
#else
# define HOMOGRAPHY_ROW_FLAGS
#endif

AUGUR_SIMD_CLONES HOMOGRAPHY_ROW_FLAGS static void
homography_row (const double *inv,
                int           y,
                int           width,
                float        *restrict row)
{
  double cy = y + 0.5;
  double bx = inv[1] * cy + inv[2], by = inv[4] * cy + inv[5], bz = inv[7] * cy + inv[8];
  double m0 = inv[0], m3 = inv[3], m6 = inv[6];

  for (int x = 0; x < width; x++)
    {
      double cx = x + 0.5, z = m6 * cx + bz;
      gboolean ahead = z > 1e-12;
      double d = ahead ? z : 1.0;
      float px = (float) ((m0 * cx + bx) / d), py = (float) ((m3 * cx + by) / d);

      /* beyond the horizon: far outside the input */
      row[2 * x] = ahead ? px : -1e7f;
      row[2 * x + 1] = ahead ? py : -1e7f;
    }
}

/* The rows of a homography's inverse map: a homography is resampled
 * through its map, computed in strips beside the rows it resamples. */
static void
homography_rows (gconstpointer  state,
                 int            width,
                 int            height,
                 int            y0,
                 int            n,
                 float         *map)
{
  const double *inv = state;

  for (int y = y0; y < y0 + n; y++)
    homography_row (inv, y, width, map + 2 * (gsize) (y - y0) * width);
}

/* Dense maps --------------------------------------------------------------- */

/* Where the rows of an inverse map come from: a MAP warp's state, or a
 * homography's inverse matrix. */
typedef struct
{
  AugurWarpMapRows rows;
  gconstpointer    state;
  int              width;
  int              height;
} RowSource;

/* Builds a MAP warp's state on first use. */
static void
map_source (AugurWarp *warp,
            RowSource *source)
{
  g_assert (warp->kind == AUGUR_WARP_MAP);

  if (warp->state == NULL)
    {
      warp->state = warp->map.init (warp->params, warp->drawn, warp->in.width, warp->in.height);
      warp->state_free = warp->map.free;
    }
  *source = (RowSource) { warp->map.rows, warp->state, warp->out_width, warp->out_height };
}

static float *
source_full_map (const RowSource *source)
{
  float *map = g_new (float, 2 * (gsize) source->width * source->height);

  source->rows (source->state, source->width, source->height, 0, source->height, map);
  return map;
}

/* The warp through @source: each output row's map is computed beside the
 * row it resamples, in strips (augur_warp_map_rows ()), so that the map of
 * a large image never exists whole and the strips share the threads. */
static AugurImage *
map_pixels (const RowSource    *source,
            const AugurImage   *src,
            AugurInterpolation  interp,
            AugurBorder         border,
            const AugurFill    *fill)
{
  return augur_warp_map_rows (src, source->width, source->height, source->rows, source->state,
                              interp, border, fill);
}

/* The bilinear value of a dense map (samples at output pixel centres) at a
 * continuous output point, clamped to the map's edges. */
static void
map_sample (const float *map,
            int          w,
            int          h,
            double       x,
            double       y,
            double      *sx,
            double      *sy)
{
  double u = CLAMP (x - 0.5, 0, w - 1), v = CLAMP (y - 0.5, 0, h - 1);
  int x0 = (int) floor (u), y0 = (int) floor (v);
  int x1 = MIN (x0 + 1, w - 1), y1 = MIN (y0 + 1, h - 1);
  double fx = u - x0, fy = v - y0;
  const float *p00 = map + 2 * ((gsize) y0 * w + x0);
  const float *p10 = map + 2 * ((gsize) y0 * w + x1);
  const float *p01 = map + 2 * ((gsize) y1 * w + x0);
  const float *p11 = map + 2 * ((gsize) y1 * w + x1);

  *sx = (1 - fy) * ((1 - fx) * p00[0] + fx * p10[0]) + fy * ((1 - fx) * p01[0] + fx * p11[0]);
  *sy = (1 - fy) * ((1 - fx) * p00[1] + fx * p10[1]) + fy * ((1 - fx) * p01[1] + fx * p11[1]);
}

/* Where a point inversion reads a map: a whole map, or the source's rows
 * computed on demand into @buf (two rows). */
typedef struct
{
  const float     *map;
  const RowSource *source;
  float           *buf;
  int              w;
  int              h;
} MapReader;

static void
reader_sample (const MapReader *r,
               double           x,
               double           y,
               double          *sx,
               double          *sy)
{
  double v;
  int y0, n;

  if (r->map)
    {
      map_sample (r->map, r->w, r->h, x, y, sx, sy);
      return;
    }
  v = CLAMP (y - 0.5, 0, r->h - 1);
  y0 = MIN ((int) floor (v), MAX (r->h - 2, 0));
  n = MIN (2, r->h - y0);
  r->source->rows (r->source->state, r->w, r->h, y0, n, r->buf);
  map_sample (r->buf, r->w, n, x, v - y0 + 0.5, sx, sy);
}

/* Newton steps from (*ux, *uy) towards the output point the map sends to
 * (qx, qy), on the bilinear map; returns the squared distance left. */
static double
newton_invert (const MapReader *r,
               double           qx,
               double           qy,
               double          *ux,
               double          *uy)
{
  double mx, my;

  for (int it = 0; it < 30; it++)
    {
      double ax, ay, bx, by, ex, ey, det, dx, dy, len;
      double hx = *ux + 0.25 <= r->w - 0.5 ? 0.25 : -0.25;
      double hy = *uy + 0.25 <= r->h - 0.5 ? 0.25 : -0.25;

      reader_sample (r, *ux, *uy, &mx, &my);
      ex = qx - mx, ey = qy - my;
      if (ex * ex + ey * ey < 1e-10)
        break;
      reader_sample (r, *ux + hx, *uy, &ax, &ay);
      reader_sample (r, *ux, *uy + hy, &bx, &by);
      ax = (ax - mx) / hx, ay = (ay - my) / hx;
      bx = (bx - mx) / hy, by = (by - my) / hy;
      det = ax * by - bx * ay;
      if (!(fabs (det) > 1e-9))
        break;
      dx = (by * ex - bx * ey) / det;
      dy = (ax * ey - ay * ex) / det;
      len = hypot (dx, dy);
      if (len > 2)
        dx *= 2 / len, dy *= 2 / len;
      *ux = CLAMP (*ux + dx, 0, r->w);
      *uy = CLAMP (*uy + dy, 0, r->h);
    }

  reader_sample (r, *ux, *uy, &mx, &my);
  return (mx - qx) * (mx - qx) + (my - qy) * (my - qy);
}

/* The output point whose map value is the input point (*x, *y). Newton
 * steps from the point itself, reading only the rows they need; when they
 * do not settle (the map need not be monotonic), the nearest sample of the
 * whole map, then Newton steps from there. FALSE when no output point
 * comes within a pixel of it: the point left the image. */
static gboolean
invert_source (const RowSource *source,
               double          *x,
               double          *y)
{
  int w = source->width, h = source->height;
  g_autofree float *buf = g_new (float, 4 * (gsize) w);
  g_autofree float *map = NULL;
  MapReader r = { NULL, source, buf, w, h };
  double qx = *x, qy = *y, best = G_MAXDOUBLE, ux, uy, left;

  ux = CLAMP (qx, 0, w), uy = CLAMP (qy, 0, h);
  left = newton_invert (&r, qx, qy, &ux, &uy);
  if (left > 1e-4)
    {
      map = source_full_map (source);
      r.map = map;
      for (int j = 0; j < h; j++)
        {
          const float *m = map + 2 * (gsize) j * w;

          for (int i = 0; i < w; i++, m += 2)
            {
              double d = (m[0] - qx) * (m[0] - qx) + (m[1] - qy) * (m[1] - qy);

              if (d < best)
                best = d, ux = i + 0.5, uy = j + 0.5;
            }
        }
      left = newton_invert (&r, qx, qy, &ux, &uy);
    }

  *x = ux, *y = uy;
  return left < 1 && augur_point_inside (ux, uy, w, h);
}

/* Tiles -------------------------------------------------------------------- */

/* The cells' edges run from 0 to the input's sides and each cell takes a
 * cell of its own size, so every output byte is written once: the output
 * is not cleared first, and it is written row after row, each row whole
 * before the next (one pass over the output, in address order). */
static AugurImage *
tiles_pixels (const AugurWarp  *warp,
              const AugurImage *src)
{
  AugurImage *out = augur_image_new_like_uninitialized (src);
  const int *xs = warp->tiles.xs, *ys = warp->tiles.ys;
  int cols = warp->tiles.cols, nc = src->channels;

  g_assert (xs[0] == 0 && xs[cols] == src->width);
  g_assert (ys[0] == 0 && ys[warp->tiles.rows] == src->height);

  for (int r = 0; r < warp->tiles.rows; r++)
    for (int y = 0; y < ys[r + 1] - ys[r]; y++)
      {
        guint8 *d = augur_image_row (out, ys[r] + y);

        for (int c = 0; c < cols; c++)
          {
            int s = warp->tiles.source[r * cols + c], sr = s / cols, sc = s % cols;

            memcpy (d + (gsize) xs[c] * nc, augur_image_row (src, ys[sr] + y) + (gsize) xs[sc] * nc,
                    (gsize) (xs[c + 1] - xs[c]) * nc);
          }
      }

  return out;
}

/* The cell of the input that holds (x, y), and the output cell showing it. */
static void
tiles_locate (const AugurWarp *warp,
              double           x,
              double           y,
              int             *from,
              int             *to)
{
  int sr = 0, sc = 0, cols = warp->tiles.cols, n = warp->tiles.rows * cols;

  while (sr < warp->tiles.rows - 1 && y >= warp->tiles.ys[sr + 1])
    sr++;
  while (sc < cols - 1 && x >= warp->tiles.xs[sc + 1])
    sc++;
  *from = sr * cols + sc;
  for (int t = 0; t < n; t++)
    if (warp->tiles.source[t] == *from)
      {
        *to = t;
        return;
      }
  g_assert_not_reached ();
}

/* The offset that cell @from moves by to become cell @to. */
static void
tiles_offset (const AugurWarp *warp,
              int              from,
              int              to,
              double          *dx,
              double          *dy)
{
  int cols = warp->tiles.cols;

  *dx = warp->tiles.xs[to % cols] - warp->tiles.xs[from % cols];
  *dy = warp->tiles.ys[to / cols] - warp->tiles.ys[from / cols];
}

/* Pixels ------------------------------------------------------------------- */

static AugurImage *
warp_pixels (AugurWarp          *warp,
             const AugurImage   *src,
             AugurInterpolation  interp,
             const AugurFill    *fill)
{
  switch (warp->kind)
    {
    case AUGUR_WARP_CROP:
      return crop_pixels (warp, src, interp, fill);

    case AUGUR_WARP_AFFINE:
      return affine_pixels (warp, src, interp, fill);

    case AUGUR_WARP_HOMOGRAPHY:
      {
        static const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
        double inverse[9];
        RowSource source = { homography_rows, inverse, warp->out_width, warp->out_height };

        if (!homography_invert (warp->homography.forward, inverse))
          memcpy (inverse, identity, sizeof identity);
        return map_pixels (&source, src, interp, warp->border, fill);
      }

    case AUGUR_WARP_DIHEDRAL:
      return augur_dihedral_copy (src, warp->dihedral.swap,
                                  warp->dihedral.flip_x, warp->dihedral.flip_y);

    case AUGUR_WARP_MAP:
      {
        RowSource source;
        AugurImage *out;

        map_source (warp, &source);
        if (warp->map.pixels &&
            (out = warp->map.pixels (source.state, src, interp, warp->border, fill)) != NULL)
          return out;
        return map_pixels (&source, src, interp, warp->border, fill);
      }

    case AUGUR_WARP_TILES:
      return tiles_pixels (warp, src);

    default:
      g_assert_not_reached ();
      return NULL;
    }
}

/**
 * augur_warp_apply:
 * @src: an image of the shape the warp was described for
 *
 * Returns: (transfer full): the warped image.
 */
AugurImage *
augur_warp_apply (AugurWarp        *warp,
                  const AugurImage *src)
{
  g_return_val_if_fail (warp != NULL && src != NULL, NULL);
  g_return_val_if_fail (src->width == warp->in.width && src->height == warp->in.height, NULL);

  return warp_pixels (warp, src, warp->interp, &warp->fill);
}

/**
 * augur_warp_apply_mask:
 * @mask: a label mask: 8-bit, one channel, the input's size
 *
 * The mask through the same warp, with nearest interpolation, so that every
 * value of the result is a value of @mask or, where a constant border shows,
 * 0. Every path here moves whole pixels, so a 16-bit label map goes
 * through as two planes, its low and its high bytes (augur-labels.c): each
 * output pixel's two bytes come from the same input pixel.
 *
 * Returns: (transfer full): the warped mask.
 */
AugurImage *
augur_warp_apply_mask (AugurWarp        *warp,
                       const AugurImage *mask)
{
  return augur_warp_apply_mask_fill (warp, mask, 0);
}

/**
 * augur_warp_apply_mask_fill:
 * @fill: what a constant border shows in the mask (a transform's fill_mask)
 *
 * As augur_warp_apply_mask (), with @fill instead of 0.
 */
AugurImage *
augur_warp_apply_mask_fill (AugurWarp        *warp,
                            const AugurImage *mask,
                            guint8            fill)
{
  AugurFill value = { { fill, fill, fill, fill } };

  g_return_val_if_fail (warp != NULL && mask != NULL, NULL);
  g_return_val_if_fail (mask->channels == 1, NULL);
  g_return_val_if_fail (mask->width == warp->in.width && mask->height == warp->in.height, NULL);

  return warp_pixels (warp, mask, AUGUR_INTERP_NEAREST, &value);
}

/* Points ------------------------------------------------------------------- */

/* The point through the warp, without asking whether it stays inside;
 * FALSE only when it has no image (behind a homography's horizon, or a
 * dense map that does not reach it). */
static gboolean
map_point_raw (AugurWarp *warp,
               double    *x,
               double    *y)
{
  switch (warp->kind)
    {
    case AUGUR_WARP_CROP:
      *x = (*x - warp->crop.cx - warp->crop.wx) * warp->out_width / warp->crop.ww;
      *y = (*y - warp->crop.cy - warp->crop.wy) * warp->out_height / warp->crop.wh;
      return TRUE;

    case AUGUR_WARP_AFFINE:
      augur_affine_apply (warp->affine.forward, x, y);
      return TRUE;

    case AUGUR_WARP_HOMOGRAPHY:
      {
        double z;

        homography_point (warp->homography.forward, *x, *y, x, y, &z);
        return z > 0;
      }

    case AUGUR_WARP_DIHEDRAL:
      /* in pixel-centre coordinates a mirror of a side n is x -> n - x */
      if (warp->dihedral.swap)
        {
          double t = *x;

          *x = *y, *y = t;
        }
      if (warp->dihedral.flip_x)
        *x = warp->out_width - *x;
      if (warp->dihedral.flip_y)
        *y = warp->out_height - *y;
      return TRUE;

    case AUGUR_WARP_MAP:
      {
        RowSource source;

        map_source (warp, &source);
        return invert_source (&source, x, y);
      }

    case AUGUR_WARP_TILES:
      {
        int from, to;
        double dx, dy;

        if (!augur_point_inside (*x, *y, warp->in.width, warp->in.height))
          return FALSE;
        tiles_locate (warp, *x, *y, &from, &to);
        tiles_offset (warp, from, to, &dx, &dy);
        *x += dx, *y += dy;
        return TRUE;
      }

    default:
      g_assert_not_reached ();
      return FALSE;
    }
}

/**
 * augur_warp_map_point:
 *
 * Maps (*x, *y) from input to output coordinates (pixel centres at + 0.5).
 *
 * Returns: whether the point lands on the output image.
 */
gboolean
augur_warp_map_point (AugurWarp *warp,
                      double    *x,
                      double    *y)
{
  g_return_val_if_fail (warp != NULL && x != NULL && y != NULL, FALSE);

  return map_point_raw (warp, x, y) &&
         augur_point_inside (*x, *y, warp->out_width, warp->out_height);
}

/* Boxes -------------------------------------------------------------------- */

typedef struct
{
  double x0, y0, x1, y1;
} Bounds;

static void
bounds_add (Bounds *b,
            double  x,
            double  y)
{
  b->x0 = MIN (b->x0, x), b->x1 = MAX (b->x1, x);
  b->y0 = MIN (b->y0, y), b->y1 = MAX (b->y1, y);
}

/* Points spaced along each edge of a box, for dense maps (their interior
 * follows their outline, as they do not tear the image). */
#define BOX_EDGE_POINTS 16

/* The bounds of the warped box, not cut to the output image; FALSE when
 * no point of it has an image. */
static gboolean
map_box_bounds (AugurWarp *warp,
                double     box[4])
{
  Bounds b = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };

  switch (warp->kind)
    {
    case AUGUR_WARP_MAP:
      for (int e = 0; e < 4; e++)
        for (int i = 0; i < BOX_EDGE_POINTS; i++)
          {
            double t = (double) i / BOX_EDGE_POINTS;
            double x = e == 0 ? box[0] + t * (box[2] - box[0])
                     : e == 1 ? box[2]
                     : e == 2 ? box[2] - t * (box[2] - box[0])
                     : box[0];
            double y = e == 0 ? box[1]
                     : e == 1 ? box[1] + t * (box[3] - box[1])
                     : e == 2 ? box[3]
                     : box[3] - t * (box[3] - box[1]);

            if (map_point_raw (warp, &x, &y))
              bounds_add (&b, x, y);
          }
      break;

    case AUGUR_WARP_TILES:
      /* each cell the box covers moves its part of the box */
      for (int t = 0; t < warp->tiles.rows * warp->tiles.cols; t++)
        {
          int r = t / warp->tiles.cols, c = t % warp->tiles.cols, from, to;
          double x0 = MAX (box[0], warp->tiles.xs[c]), x1 = MIN (box[2], warp->tiles.xs[c + 1]);
          double y0 = MAX (box[1], warp->tiles.ys[r]), y1 = MIN (box[3], warp->tiles.ys[r + 1]);
          double dx, dy;

          if (x1 <= x0 || y1 <= y0)
            continue;
          tiles_locate (warp, warp->tiles.xs[c], warp->tiles.ys[r], &from, &to);
          tiles_offset (warp, from, to, &dx, &dy);
          bounds_add (&b, x0 + dx, y0 + dy);
          bounds_add (&b, x1 + dx, y1 + dy);
        }
      break;

    default:
      for (int i = 0; i < 4; i++)
        {
          double x = box[i % 2 == 0 ? 0 : 2], y = box[i < 2 ? 1 : 3];

          if (map_point_raw (warp, &x, &y))
            bounds_add (&b, x, y);
        }
      break;
    }

  box[0] = b.x0, box[1] = b.y0, box[2] = b.x1, box[3] = b.y1;
  return b.x0 <= b.x1;
}

/**
 * augur_warp_map_box:
 * @box: { x_min, y_min, x_max, y_max } in input coordinates; replaced by
 *   the box in output coordinates
 *
 * The box of the warped box, cut to the output image: exact for crops,
 * symmetries and shuffled tiles; the bounding box of the four mapped
 * corners for affine warps and homographies (exact for those that keep
 * axes); the bounding box of points spaced along the outline for dense
 * maps.
 *
 * Returns: whether anything of the box remains on the output image.
 */
gboolean
augur_warp_map_box (AugurWarp *warp,
                    double     box[4])
{
  gboolean any;

  g_return_val_if_fail (warp != NULL && box != NULL, FALSE);

  any = map_box_bounds (warp, box);
  box[0] = CLAMP (box[0], 0, warp->out_width);
  box[1] = CLAMP (box[1], 0, warp->out_height);
  box[2] = CLAMP (box[2], 0, warp->out_width);
  box[3] = CLAMP (box[3], 0, warp->out_height);
  return any && box[2] > box[0] && box[3] > box[1];
}

/**
 * augur_warp_map_box_unclipped:
 *
 * As augur_warp_map_box (), without cutting the result to the output
 * image: what a box's visibility after a step is measured against.
 *
 * Returns: whether any point of the box has an image.
 */
gboolean
augur_warp_map_box_unclipped (AugurWarp *warp,
                              double     box[4])
{
  g_return_val_if_fail (warp != NULL && box != NULL, FALSE);

  return map_box_bounds (warp, box);
}

/* Keypoints ---------------------------------------------------------------- */

/* The Jacobian of the warp at the input point (x, y), row-major 2x2: exact
 * for every kind but dense maps, whose is a central difference (one-sided
 * where a neighbour leaves the map). */
static gboolean
jacobian (AugurWarp *warp,
          double     x,
          double     y,
          double     j[4])
{
  switch (warp->kind)
    {
    case AUGUR_WARP_CROP:
      j[0] = (double) warp->out_width / warp->crop.ww, j[1] = 0;
      j[2] = 0, j[3] = (double) warp->out_height / warp->crop.wh;
      return TRUE;

    case AUGUR_WARP_AFFINE:
      j[0] = warp->affine.forward[0], j[1] = warp->affine.forward[1];
      j[2] = warp->affine.forward[3], j[3] = warp->affine.forward[4];
      return TRUE;

    case AUGUR_WARP_HOMOGRAPHY:
      {
        const double *m = warp->homography.forward;
        double ox, oy, z;

        homography_point (m, x, y, &ox, &oy, &z);
        if (!(z > 0))
          return FALSE;
        j[0] = (m[0] - ox * m[6]) / z, j[1] = (m[1] - ox * m[7]) / z;
        j[2] = (m[3] - oy * m[6]) / z, j[3] = (m[4] - oy * m[7]) / z;
        return TRUE;
      }

    case AUGUR_WARP_DIHEDRAL:
      j[0] = warp->dihedral.swap ? 0 : 1, j[1] = warp->dihedral.swap ? 1 : 0;
      j[2] = warp->dihedral.swap ? 1 : 0, j[3] = warp->dihedral.swap ? 0 : 1;
      if (warp->dihedral.flip_x)
        j[0] = -j[0], j[1] = -j[1];
      if (warp->dihedral.flip_y)
        j[2] = -j[2], j[3] = -j[3];
      return TRUE;

    case AUGUR_WARP_TILES:
      j[0] = 1, j[1] = 0, j[2] = 0, j[3] = 1;
      return TRUE;

    case AUGUR_WARP_MAP:
      for (int axis = 0; axis < 2; axis++)
        {
          const double h = 0.5;
          double ax = x - (axis == 0 ? h : 0), ay = y - (axis == 1 ? h : 0);
          double bx = x + (axis == 0 ? h : 0), by = y + (axis == 1 ? h : 0);
          double cx = x, cy = y, span = 2 * h;
          gboolean a_ok = map_point_raw (warp, &ax, &ay);
          gboolean b_ok = map_point_raw (warp, &bx, &by);

          if (!a_ok || !b_ok)
            {
              if (!map_point_raw (warp, &cx, &cy) || (!a_ok && !b_ok))
                return FALSE;
              span = h;
              if (!a_ok)
                ax = cx, ay = cy;
              else
                bx = cx, by = cy;
            }
          j[axis] = (bx - ax) / span;
          j[2 + axis] = (by - ay) / span;
        }
      return TRUE;

    default:
      g_assert_not_reached ();
      return FALSE;
    }
}

/**
 * augur_warp_map_keypoint:
 * @angle: radians, from +x towards +y (see the conventions above); the
 *   result lies in [0, 2 pi)
 * @scale: multiplied by the larger of the stretches of the warp's x and y
 *   axes at the point
 *
 * The point moves as augur_warp_map_point () moves it; the angle turns as
 * the warp turns a short segment from the point in its direction.
 *
 * Returns: whether the point lands on the output image.
 */
gboolean
augur_warp_map_keypoint (AugurWarp *warp,
                         double    *x,
                         double    *y,
                         double    *angle,
                         double    *scale)
{
  double j[4], dx, dy, a;

  g_return_val_if_fail (warp != NULL && x != NULL && y != NULL, FALSE);
  g_return_val_if_fail (angle != NULL && scale != NULL, FALSE);

  if (jacobian (warp, *x, *y, j))
    {
      dx = j[0] * cos (*angle) + j[1] * sin (*angle);
      dy = j[2] * cos (*angle) + j[3] * sin (*angle);
      if (dx != 0 || dy != 0)
        {
          a = fmod (atan2 (dy, dx), 2 * G_PI);
          *angle = a < 0 ? a + 2 * G_PI : a;
        }
      *scale *= MAX (hypot (j[0], j[2]), hypot (j[1], j[3]));
    }
  return augur_warp_map_point (warp, x, y);
}

/**
 * augur_warp_mirrors:
 *
 * Whether the warp mirrors the image (turns its orientation over), judged
 * at the centre of the input: what swaps left and right keypoint names.
 */
gboolean
augur_warp_mirrors (AugurWarp *warp)
{
  double j[4];

  g_return_val_if_fail (warp != NULL, FALSE);

  if (!jacobian (warp, warp->in.width / 2.0, warp->in.height / 2.0, j))
    return FALSE;
  return j[0] * j[3] - j[1] * j[2] < 0;
}

/* Per transform ------------------------------------------------------------ */

/* The warp of @info for @in (for a pixel-level transform, the identity
 * crop augur_warp_init () sets). */
static void
describe (const AugurTransformInfo *info,
          const AugurValue         *params,
          const AugurDrawn         *drawn,
          const AugurShape         *in,
          AugurWarp                *warp)
{
  augur_warp_init (warp, params, drawn, in);
  if (info->geometry)
    info->geometry (params, drawn, in, warp);
}

gboolean
augur_transform_is_spatial (const AugurTransformInfo *info)
{
  g_return_val_if_fail (info != NULL, FALSE);

  return info->geometry != NULL;
}

/* Whether @info takes other images from the reference pool. */
gboolean
augur_transform_is_blend (const AugurTransformInfo *info)
{
  g_return_val_if_fail (info != NULL, FALSE);

  return info->n_references > 0;
}

/**
 * augur_transform_blend:
 * @refs: info->n_references images, as the pipeline resolved them
 *
 * Applies a blend. augur_transform_apply() cannot: it has no other image.
 */
AugurImage *
augur_transform_blend (const AugurTransformInfo *info,
                       const AugurImage         *src,
                       AugurImage *const        *refs,
                       const AugurValue         *params,
                       const AugurDrawn         *drawn)
{
  g_return_val_if_fail (info != NULL && src != NULL && info->blend != NULL, NULL);
  for (guint i = 0; i < info->n_references; i++)
    g_return_val_if_fail (refs != NULL && refs[i] != NULL, NULL);

  return info->blend (src, refs, params, drawn);
}

void
augur_transform_output_shape (const AugurTransformInfo *info,
                              const AugurValue         *params,
                              const AugurDrawn         *drawn,
                              const AugurShape         *in,
                              AugurShape               *out)
{
  g_auto(AugurWarp) warp = { 0 };

  g_return_if_fail (info != NULL && in != NULL && out != NULL);

  *out = *in;
  if (!info->geometry)
    {
      if (info->output_shape)
        info->output_shape (params, drawn, in, out);
      return;
    }
  describe (info, params, drawn, in, &warp);
  augur_warp_output_shape (&warp, out);
}

AugurImage *
augur_transform_apply (const AugurTransformInfo *info,
                       const AugurImage         *src,
                       const AugurValue         *params,
                       const AugurDrawn         *drawn)
{
  g_auto(AugurWarp) warp = { 0 };

  g_return_val_if_fail (info != NULL && src != NULL, NULL);

  /* A blend needs its references: the caller goes through the pipeline
   * with a pool (augur_node_apply_full()) or augur_transform_blend(). */
  if (info->blend)
    {
      g_critical ("%s needs reference images: apply it with a reference pool", info->name);
      return augur_image_ref ((AugurImage *) src);
    }
  if (!info->geometry)
    return info->apply (src, params, drawn);
  describe (info, params, drawn, &(AugurShape) { src->width, src->height, src->channels }, &warp);
  return augur_warp_apply (&warp, src);
}

gboolean
augur_transform_map_point (const AugurTransformInfo *info,
                           const AugurValue         *params,
                           const AugurDrawn         *drawn,
                           const AugurShape         *in,
                           double                   *x,
                           double                   *y)
{
  g_auto(AugurWarp) warp = { 0 };

  g_return_val_if_fail (info != NULL && in != NULL, FALSE);

  describe (info, params, drawn, in, &warp);
  return augur_warp_map_point (&warp, x, y);
}

gboolean
augur_transform_map_box (const AugurTransformInfo *info,
                         const AugurValue         *params,
                         const AugurDrawn         *drawn,
                         const AugurShape         *in,
                         double                    box[4])
{
  g_auto(AugurWarp) warp = { 0 };

  g_return_val_if_fail (info != NULL && in != NULL, FALSE);

  describe (info, params, drawn, in, &warp);
  return augur_warp_map_box (&warp, box);
}

gboolean
augur_transform_map_keypoint (const AugurTransformInfo *info,
                              const AugurValue         *params,
                              const AugurDrawn         *drawn,
                              const AugurShape         *in,
                              double                   *x,
                              double                   *y,
                              double                   *angle,
                              double                   *scale)
{
  g_auto(AugurWarp) warp = { 0 };

  g_return_val_if_fail (info != NULL && in != NULL, FALSE);

  describe (info, params, drawn, in, &warp);
  return augur_warp_map_keypoint (&warp, x, y, angle, scale);
}

/* For a pixel-level transform, @mask itself (a new reference). */
AugurImage *
augur_transform_apply_mask (const AugurTransformInfo *info,
                            const AugurValue         *params,
                            const AugurDrawn         *drawn,
                            const AugurImage         *mask)
{
  g_auto(AugurWarp) warp = { 0 };

  g_return_val_if_fail (info != NULL && mask != NULL, NULL);

  if (!info->geometry)
    return augur_image_ref ((AugurImage *) mask);
  describe (info, params, drawn, &(AugurShape) { mask->width, mask->height, 1 }, &warp);
  return augur_warp_apply_mask (&warp, mask);
}
