/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For the files that define transforms (transforms-*.c) and the registry. */

#include "augur-cost.h"
#include "augur-resample.h"
#include "augur-transform.h"

G_BEGIN_DECLS

/* Each category file exports its part of the table. */
extern const AugurTransformInfo augur_geometry_transforms[];
extern const guint augur_n_geometry_transforms;
extern const AugurTransformInfo augur_color_transforms[];
extern const guint augur_n_color_transforms;
extern const AugurTransformInfo augur_crop_transforms[];
extern const guint augur_n_crop_transforms;
extern const AugurTransformInfo augur_distort_transforms[];
extern const guint augur_n_distort_transforms;
extern const AugurTransformInfo augur_blur_transforms[];
extern const guint augur_n_blur_transforms;
extern const AugurTransformInfo augur_noise_transforms[];
extern const guint augur_n_noise_transforms;
extern const AugurTransformInfo augur_occlusion_transforms[];
extern const guint augur_n_occlusion_transforms;
extern const AugurTransformInfo augur_quality_transforms[];
extern const guint augur_n_quality_transforms;
extern const AugurTransformInfo augur_tone_transforms[];
extern const guint augur_n_tone_transforms;
extern const AugurTransformInfo augur_weather_transforms[];
extern const guint augur_n_weather_transforms;
extern const AugurTransformInfo augur_stress_transforms[];
extern const guint augur_n_stress_transforms;

/* The frost texture of Frost (transforms-stress.c): width * height
 * opacities in [0, 1], a pure function of the seed and the size. */
float *augur_frost_texture (int     width,
                            int     height,
                            guint64 seed);
extern const AugurTransformInfo augur_blend_transforms[];
extern const guint augur_n_blend_transforms;

/* Parameters many transforms share, declared once. */
extern const char *const augur_fill_nicks_none[];
/* The border modes under which a fill colour takes effect. */
extern const char *const augur_fill_border_nicks[];
/* The nicks of area_for_downscale (RandomResizedCrop and the resizes). */
extern const char *const augur_area_for_downscale_nicks[];

/* A crop box in input pixels ("x", "y", "width", "height"), as drawn by
 * RandomResizedCrop and RandomSizedCrop. */
extern const AugurDrawnSpec augur_box_drawn[];

/* For a transform that draws nothing (the flips and Transpose, the fixed
 * crops and resizes; ToGray has its own sample but no values). */
extern const AugurDrawnSpec augur_no_drawn[];
void augur_sample_nothing (const AugurValue *params,
                           const AugurShape *in,
                           AugurRng         *rng,
                           AugurDrawn       *drawn);
void augur_sample_uniform_each (const AugurValue     *params,
                                const AugurDrawnSpec *specs,
                                AugurRng             *rng,
                                AugurDrawn           *drawn);

/* A symmetry of the rectangle as whole-pixel copies: transpose first when
 * @swap, then mirror left to right and/or top to bottom (the DIHEDRAL warps;
 * in transforms-geometry.c, beside the mirror loops it uses). */
AugurImage *augur_dihedral_copy (const AugurImage *src,
                                 gboolean          swap,
                                 gboolean          flip_x,
                                 gboolean          flip_y);

#define AUGUR_PARAM_INTERPOLATION(default_) \
  { .name = "interpolation", .label = "Interpolation", \
    .description = "How pixels between source pixels are computed", \
    .type = AUGUR_PARAM_ENUM, .def_nick = (default_), .nicks = augur_interpolation_nicks, \
    .alb.encoding = AUGUR_ALB_CV_INTERPOLATION }

/* ..._WAS: the same, with the parameter's Albumentations 1.x name. */
#define AUGUR_PARAM_BORDER_MODE_WAS(default_, v1_name_) \
  { .name = "border_mode", .label = "Border", \
    .description = "How the area outside the image is filled", \
    .type = AUGUR_PARAM_ENUM, .def_nick = (default_), .nicks = augur_border_nicks, \
    .alb = { .encoding = AUGUR_ALB_CV_BORDER, .v1_name = (v1_name_) } }
#define AUGUR_PARAM_BORDER_MODE(default_) AUGUR_PARAM_BORDER_MODE_WAS (default_, NULL)

#define AUGUR_PARAM_FILL_VALUE_WAS(default_, v1_name_) \
  { .name = "fill", .label = "Fill", \
    .description = "The value (or per-channel values) of a constant border", \
    .type = AUGUR_PARAM_FILL, .min = 0, .max = 255, .ui_min = 0, .ui_max = 255, .step = 1, \
    .def = { (default_) }, .def_nick = -1, .nicks = augur_fill_nicks_none, \
    .relevant_if = "border_mode", .relevant_nicks = augur_fill_border_nicks, \
    .alb.v1_name = (v1_name_) }
#define AUGUR_PARAM_FILL_VALUE(default_) AUGUR_PARAM_FILL_VALUE_WAS (default_, NULL)

/* Albumentations arguments a transform deliberately does not have
 * (AugurTransformInfo.alb.absent), for table entries:
 *   .alb.absent = AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("fill_mask", "mask_value"),
 *                                   AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL)), */
#define AUGUR_ALB_ABSENT(...) ((const AugurAlbAbsent[]) { __VA_ARGS__, { NULL } })
#define AUGUR_ALB_MASK_ONLY(name_, v1_name_) \
  { (name_), (v1_name_), AUGUR_ALB_ABSENT_NOTE, "applies to masks only" }
#define AUGUR_ALB_BOX_ONLY(name_) \
  { (name_), NULL, AUGUR_ALB_ABSENT_NOTE, "applies to bounding boxes only" }
#define AUGUR_ALB_KEYPOINT_ONLY(name_) \
  { (name_), NULL, AUGUR_ALB_ABSENT_NOTE, "applies to keypoints only" }
/* The two that every warp of a dense map leaves out (masks are always
 * warped nearest; keypoints through the map's inverse). */
#define AUGUR_ALB_ABSENT_REMAP \
  AUGUR_ALB_ABSENT (AUGUR_ALB_MASK_ONLY ("mask_interpolation", NULL), \
                    AUGUR_ALB_KEYPOINT_ONLY ("keypoint_remapping_method"))

/* Shared by the colour and tone files (transforms-color.c defines the
 * first two, transforms-tone.c the others). */
void        augur_luma_plane         (const AugurImage *src,
                                      guint8           *plane);
double      augur_srgb_to_linear     (int               c);
AugurImage *augur_apply_channel_luts (const AugurImage *src,
                                      const guint8      luts[3][256]);
void        augur_channel_histogram  (const AugurImage *src,
                                      int               c,
                                      guint64           hist[256]);
void        augur_channel_histograms (const AugurImage *src,
                                      guint64           hist[3][256]);

/* Albumentations' fill_mask of the spatial transforms: the label value
 * masks take where a constant border shows (images take "fill"). */
#define AUGUR_PARAM_FILL_MASK_WAS(v1_name_) \
  { .name = "fill_mask", .label = "Mask fill", \
    .description = "The label value masks take where a constant border shows", \
    .type = AUGUR_PARAM_NUMBER, .min = 0, .max = 65535, .ui_min = 0, .ui_max = 255, .step = 1, \
    .def = { 0 }, .alb.v1_name = (v1_name_) }
#define AUGUR_PARAM_FILL_MASK AUGUR_PARAM_FILL_MASK_WAS (NULL)

/* Convenience for apply functions. */
#define AUGUR_PARAM_NICK(params, i)  ((params)[i].nick)
#define AUGUR_PARAM_BOOL_VALUE(params, i) ((params)[i].v[0] != 0)

static inline guint8
augur_clamp_u8 (double v)
{
  return v <= 0 ? 0 : v >= 255 ? 255 : (guint8) (v + 0.5);
}

/* Whether a point in pixel-centre coordinates lies on an image of w x h
 * (for point mapping). */
static inline gboolean
augur_point_inside (double x,
                    double y,
                    double w,
                    double h)
{
  return x >= 0 && y >= 0 && x < w && y < h;
}

G_END_DECLS
