/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-drawn.h"
#include "augur-image.h"
#include "augur-param.h"
#include "augur-resample.h"

G_BEGIN_DECLS

/*
 * One warp description for every spatial transform.
 *
 * A spatial transform gives only its geometry: from its parameters, its
 * drawn values and the input shape it fills an AugurWarp (what moves where,
 * the output size, and the interpolation, border and fill it resamples
 * with). This module derives the rest from it, once for all of them: the
 * output shape, the warped image, and the mapping of points, boxes,
 * keypoints and label masks.
 *
 * Conventions, shared with Albumentations:
 * - Coordinates are continuous, in pixels, with the origin at the top left
 *   corner of the image: pixel (i, j) covers [i, i + 1) x [j, j + 1), and
 *   its centre is (i + 0.5, j + 0.5). y points down.
 * - A box is { x_min, y_min, x_max, y_max } in those coordinates (so the
 *   box of pixel (i, j) alone is { i, j, i + 1, j + 1 }).
 * - A keypoint is (x, y, angle, scale): the angle in radians, measured from
 *   the +x axis towards +y (clockwise on screen, as atan2 (dy, dx) in image
 *   coordinates); a horizontal flip sends it to pi - angle, a vertical flip
 *   to -angle, a quarter turn counter-clockwise on screen to angle - pi / 2
 *   (as Albumentations' flips and rot90): the angle turns as the warp turns
 *   a short segment from the point. The scale multiplies by the largest stretch of the warp at
 *   the point (Albumentations scales keypoints by max (scale_x, scale_y)).
 * - A label mask is an 8-bit, single-channel image of the input size whose
 *   values are labels: it is warped with nearest interpolation, and what
 *   comes from outside the image reads as the border mode says, with a
 *   constant border filling the transform's fill_mask (0 by default, as
 *   Albumentations; augur_warp_apply_mask_fill ()).
 */

typedef struct
{
  int width;
  int height;
  int channels;
} AugurShape;

typedef enum
{
  AUGUR_WARP_CROP,        /* a rectangle, a window over it, a resize */
  AUGUR_WARP_AFFINE,      /* a 2x3 matrix */
  AUGUR_WARP_HOMOGRAPHY,  /* a 3x3 matrix */
  AUGUR_WARP_DIHEDRAL,    /* one of the 8 symmetries of the rectangle */
  AUGUR_WARP_MAP,         /* a dense map, computed in strips of rows */
  AUGUR_WARP_TILES,       /* rectangles moved whole (a permutation of cells) */
} AugurWarpKind;

typedef struct _AugurWarp AugurWarp;

/* A dense map: @init builds the state from the parameters, the drawn
 * values and the input size, only when pixels or points are asked for (so
 * that an output shape costs nothing); @rows fills rows y0 .. y0 + n - 1 of
 * the inverse map, for each output pixel centre the input point it reads
 * (2 floats per pixel, out_width pixels a row); @free releases the state. */
typedef gpointer (*AugurWarpMapInit)  (const AugurValue *params,
                                       const AugurDrawn *drawn,
                                       int               width,
                                       int               height);
typedef void     (*AugurWarpMapRows)  (gconstpointer     state,
                                       int               width,
                                       int               height,
                                       int               y0,
                                       int               n,
                                       float            *map);
/* Optionally, a map's own way to warp an image: what
 * augur_warp_map_rows () makes from @rows with @interp, to the bit, only
 * faster; NULL where it has none for @interp (the rows are used then). */
typedef AugurImage *(*AugurWarpMapPixels) (gconstpointer       state,
                                           const AugurImage   *src,
                                           AugurInterpolation  interp,
                                           AugurBorder         border,
                                           const AugurFill    *fill);

struct _AugurWarp
{
  AugurWarpKind      kind;
  /* what the geometry was asked about (borrowed: they must outlive the
   * warp, as a dense map reads them when it first needs its state) */
  const AugurValue  *params;
  const AugurDrawn  *drawn;
  AugurShape         in;
  /* the result and how it is resampled */
  int                out_width;
  int                out_height;
  AugurInterpolation interp;
  AugurBorder        border;
  AugurFill          fill;

  union
  {
    /* The rectangle cx, cy, cw x ch inside the input; a window wx, wy,
     * ww x wh over it, in its coordinates, that may reach past its edges
     * (the border fills what lies outside: padding); the window is resized
     * to the output size when they differ. */
    struct
    {
      int cx, cy, cw, ch;
      int wx, wy, ww, wh;
    } crop;

    /* input to output: (m[0] x + m[1] y + m[2], m[3] x + m[4] y + m[5]) */
    struct
    {
      double forward[6];
    } affine;

    /* input to output, row by row, divided by the third coordinate */
    struct
    {
      double forward[9];
    } homography;

    /* transpose first (the sides swap), then mirror left to right and/or
     * top to bottom: every element of D4 has exactly one such form */
    struct
    {
      gboolean swap;
      gboolean flip_x;
      gboolean flip_y;
    } dihedral;

    struct
    {
      AugurWarpMapInit   init;
      AugurWarpMapRows   rows;
      GDestroyNotify     free;
      AugurWarpMapPixels pixels;
    } map;

    /* rows x cols cells, edges at ys[] and xs[] (rows + 1 and cols + 1
     * of them); cell t of the output shows cell source[t] of the input;
     * the cells that trade places have the same size */
    struct
    {
      int        rows;
      int        cols;
      const int *ys;
      const int *xs;
      const int *source;
    } tiles;
  };

  /* Owned by the warp, released by augur_warp_clear (): what a geometry
   * allocates (tiles' layout), and a dense map's state once built. */
  gpointer           state;
  GDestroyNotify     state_free;
};

void        augur_warp_init          (AugurWarp         *warp,
                                      const AugurValue  *params,
                                      const AugurDrawn  *drawn,
                                      const AugurShape  *in);
void        augur_warp_clear         (AugurWarp         *warp);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AugurWarp, augur_warp_clear)

/* For geometry functions. */
void        augur_warp_set_crop      (AugurWarp         *warp,
                                      int                cx,
                                      int                cy,
                                      int                cw,
                                      int                ch);
void        augur_warp_set_border    (AugurWarp         *warp,
                                      AugurBorder        border,
                                      const AugurValue  *fill);
void        augur_warp_set_resampling (AugurWarp        *warp,
                                       const AugurValue *interp,
                                       const AugurValue *border,
                                       const AugurValue *fill);
void        augur_warp_set_map       (AugurWarp         *warp,
                                      AugurWarpMapInit   init,
                                      AugurWarpMapRows   rows,
                                      GDestroyNotify     free_state);
void        augur_warp_set_map_pixels (AugurWarp        *warp,
                                       AugurWarpMapPixels pixels);

void        augur_warp_output_shape  (const AugurWarp   *warp,
                                      AugurShape        *out);
AugurImage *augur_warp_apply         (AugurWarp         *warp,
                                      const AugurImage  *src);
gboolean    augur_warp_map_point     (AugurWarp         *warp,
                                      double            *x,
                                      double            *y);
gboolean    augur_warp_map_box       (AugurWarp         *warp,
                                      double             box[4]);
gboolean    augur_warp_map_box_unclipped (AugurWarp     *warp,
                                          double         box[4]);
gboolean    augur_warp_mirrors       (AugurWarp         *warp);
gboolean    augur_warp_map_keypoint  (AugurWarp         *warp,
                                      double            *x,
                                      double            *y,
                                      double            *angle,
                                      double            *scale);
AugurImage *augur_warp_apply_mask    (AugurWarp         *warp,
                                      const AugurImage  *mask);
AugurImage *augur_warp_apply_mask_fill (AugurWarp       *warp,
                                        const AugurImage *mask,
                                        guint8           fill);


G_END_DECLS
