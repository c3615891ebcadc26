/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "augur-image.h"
#include "augur-param.h"

G_BEGIN_DECLS

/* Nick order equals OpenCV's codes, which Albumentations writes. */
typedef enum
{
  AUGUR_INTERP_NEAREST,
  AUGUR_INTERP_LINEAR,
  AUGUR_INTERP_CUBIC,
  AUGUR_INTERP_AREA,
  AUGUR_INTERP_LANCZOS4,
} AugurInterpolation;

typedef enum
{
  AUGUR_BORDER_CONSTANT,
  AUGUR_BORDER_REPLICATE,
  AUGUR_BORDER_REFLECT,
  AUGUR_BORDER_WRAP,
  AUGUR_BORDER_REFLECT_101,
} AugurBorder;

extern const char *const augur_interpolation_nicks[];
extern const char *const augur_border_nicks[];

/**
 * AugurFill:
 *
 * The constant a border or a hole is filled with, one value per channel.
 */
typedef struct
{
  double v[4];
} AugurFill;

void        augur_fill_from_value  (const AugurValue   *value,
                                    int                 channels,
                                    AugurFill          *fill);

void        augur_fill_span        (guint8             *d,
                                    const guint8       *px,
                                    int                 n,
                                    int                 nc);

int         augur_border_index     (int                 i,
                                    int                 n,
                                    AugurBorder         border);

/**
 * augur_warp_affine:
 * @inverse: the 2x3 matrix that maps an output point (x, y) to the input
 *   point (m[0] x + m[1] y + m[2], m[3] x + m[4] y + m[5]), in pixel-centre
 *   coordinates (a pixel's centre at its index + 0.5)
 * @fill: (nullable): the values of a constant border, from
 *   augur_fill_from_value(); NULL is black (and opaque for RGBA)
 *
 * Every channel, alpha included, is interpolated alike. In warps, area
 * interpolation is linear (as OpenCV's warpAffine); see augur-resample.c
 * for the kernels and the border rules.
 */
AugurImage *augur_warp_affine      (const AugurImage   *src,
                                    int                 out_width,
                                    int                 out_height,
                                    const double        inverse[6],
                                    AugurInterpolation  interp,
                                    AugurBorder         border,
                                    const AugurFill    *fill);

/**
 * augur_warp_map:
 * @map: for each output pixel, row by row, the input point (x, y) its centre
 *   comes from, in pixel-centre coordinates: 2 * out_width * out_height floats
 */
AugurImage *augur_warp_map         (const AugurImage   *src,
                                    int                 out_width,
                                    int                 out_height,
                                    const float        *map,
                                    AugurInterpolation  interp,
                                    AugurBorder         border,
                                    const AugurFill    *fill);

/* Fills rows @y0 .. @y0 + @n - 1 of an inverse map of @width x @height
 * output pixels (2 floats a pixel, as augur_warp_map ()). */
typedef void (*AugurMapRows)       (gconstpointer       state,
                                    int                 width,
                                    int                 height,
                                    int                 y0,
                                    int                 n,
                                    float              *map);

AugurImage *augur_warp_map_rows    (const AugurImage   *src,
                                    int                 out_width,
                                    int                 out_height,
                                    AugurMapRows        rows,
                                    gconstpointer       state,
                                    AugurInterpolation  interp,
                                    AugurBorder         border,
                                    const AugurFill    *fill);

AugurImage *augur_resize           (const AugurImage   *src,
                                    int                 width,
                                    int                 height,
                                    AugurInterpolation  interp);

/* 2x3 affine matrices (m[0] m[1] m[2] / m[3] m[4] m[5]), for the spatial
 * transforms that build one forward matrix and warp with its inverse. */
void        augur_affine_identity  (double              m[6]);
void        augur_affine_multiply  (const double        a[6],
                                    const double        b[6],
                                    double              out[6]);   /* a after b */
gboolean    augur_affine_invert    (const double        m[6],
                                    double              inverse[6]);
void        augur_affine_apply     (const double        m[6],
                                    double             *x,
                                    double             *y);

G_END_DECLS
