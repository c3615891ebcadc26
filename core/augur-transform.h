/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-drawn.h"
#include "augur-image.h"
#include "augur-param.h"
#include "augur-rng.h"
#include "augur-warp.h"

G_BEGIN_DECLS

/**
 * AugurTransformInfo:
 *
 * One entry of the transform table, the single source of truth for a
 * transform: the GUI builds its controls from it, the recipe reader validates
 * against it, the CLI lists and describes it, the exporters map from it.
 *
 * @sample draws every random value of one application into @drawn, given the
 * shape of the image the transform will see; it must take all randomness
 * from @rng. Everything else is a pure function of the parameters and the
 * drawn values, and must accept any value within the declared limits.
 *
 * A spatial transform (one that moves pixels) gives only @geometry: it
 * describes its warp for an input shape (see augur-warp.h), and the warp
 * module derives from it the output shape, the pixels, and the mapping of
 * points, boxes, keypoints and label masks. It sets none of @apply and
 * @output_shape.
 *
 * A pixel-level transform gives @apply, a pure function of the image, the
 * parameters and the drawn values, and @output_shape when the result's
 * shape differs from the input's (NULL: the same).
 *
 * A pixel-level transform that also changes masks (the dropouts, whose
 * holes take fill_mask in masks as Albumentations does) gives
 * @mask_holes: for an image of shape @in, it sets @hit to 1 where masks
 * take the value *@fill_mask (@hit holds width * height bytes, all 0 on
 * entry), and returns FALSE when masks are left alone (fill_mask not set).
 * Boxes and keypoints are left alone, as in Albumentations.
 *
 * Callers go through augur_transform_apply (), augur_transform_output_shape ()
 * and augur_transform_map_point () and friends, which work for both.
 */
typedef struct _AugurTransformInfo AugurTransformInfo;

/**
 * AugurBlendRegion:
 * @source: whose pixels: 0 the image, k the reference k - 1
 * @scale_x, @scale_y, @offset_x, @offset_y: where a point (x, y) of the
 *   source lands in the result: (scale_x x + offset_x, scale_y y + offset_y)
 * @x0, @y0, @x1, @y1: the rectangle of the result the source shows
 * @hole: except this rectangle (x0, y0, x1, y1; empty when hole[2] <= hole[0]):
 *   what another image covers there (CutMix's box)
 * @overlay: masks: only the source's nonzero values cover what the regions
 *   before it gave (MixUp, where both images show everywhere)
 *
 * One part of a blend's result, for the labels: a blend that shows other
 * images' content (MixUp, CutMix, Mosaic) describes where each shows, and
 * the labels module maps each image's labels there, keeping what lies in
 * its region (augur_labels_blend ()).
 */
typedef struct
{
  guint    source;
  double   scale_x, scale_y, offset_x, offset_y;
  int      x0, y0, x1, y1;
  int      hole[4];
  gboolean overlay;
} AugurBlendRegion;

/* The most regions a blend describes. */
#define AUGUR_BLEND_MAX_REGIONS 4

/**
 * AugurAlbAbsentAction:
 * @AUGUR_ALB_ABSENT_NOTE: an import accepts the argument and notes that it
 *   is left out (it does not change an image: mask-only, box-only, ...)
 * @AUGUR_ALB_ABSENT_REFUSE: an import refuses it (unless lenient): it would
 *   change the image and Augur cannot represent it
 * @AUGUR_ALB_ABSENT_NOTE_IF_NULL: accepted and noted when null (its default,
 *   no effect); refused otherwise
 */
typedef enum
{
  AUGUR_ALB_ABSENT_NOTE,
  AUGUR_ALB_ABSENT_REFUSE,
  AUGUR_ALB_ABSENT_NOTE_IF_NULL,
} AugurAlbAbsentAction;

/**
 * AugurAlbAbsent:
 * @name: the Albumentations argument (2.x name)
 * @v1_name: its 1.x name where it differs
 * @action: what an import does with it
 * @why: a few words for the import's note and the docs ("mask only")
 *
 * An Albumentations argument that Augur deliberately does not have.
 */
typedef struct
{
  const char           *name;
  const char           *v1_name;
  AugurAlbAbsentAction  action;
  const char           *why;
} AugurAlbAbsent;

/**
 * AugurTransformAlbumentations:
 * @class_name: the Albumentations class, NULL when it is the transform's name
 * @since: the first Albumentations version that loads the exported class
 *   and arguments as written, NULL for 2.0 (exports use 2.x names)
 * @unsupported: Albumentations has no counterpart: an export refuses the step
 * @hint: for @unsupported, what a user can do instead
 * @absent: Albumentations arguments Augur does not have, ended by a NULL name
 *   (NULL: none)
 *
 * A transform's Albumentations mapping. All zero (the default) means: same
 * class name, exported, every argument present.
 */
typedef struct
{
  const char           *class_name;
  const char           *since;
  gboolean              unsupported;
  const char           *hint;
  const AugurAlbAbsent *absent;
} AugurTransformAlbumentations;

/* What one application may cost at most (see augur-cost.h). */
typedef struct
{
  double work;
  double memory;
} AugurCost;

struct _AugurTransformInfo
{
  const char            *name;
  const char            *label;
  const char            *category;
  const char            *description;  /* what it does, for the user */
  const char            *notes;        /* (nullable) how it stands to Albumentations */
  guint                  version;
  double                 default_p;
  const AugurParamSpec  *params;
  guint                  n_params;
  const AugurDrawnSpec  *drawn;      /* terminated by a NULL name */

  gboolean    (*check)        (const AugurValue   *params,
                               GError            **error);
  void        (*sample)       (const AugurValue   *params,
                               const AugurShape   *in,
                               AugurRng           *rng,
                               AugurDrawn         *drawn);
  void        (*geometry)     (const AugurValue   *params,
                               const AugurDrawn   *drawn,
                               const AugurShape   *in,
                               AugurWarp          *warp);
  void        (*output_shape) (const AugurValue   *params,
                               const AugurDrawn   *drawn,
                               const AugurShape   *in,
                               AugurShape         *out);
  AugurImage *(*apply)        (const AugurImage   *src,
                               const AugurValue   *params,
                               const AugurDrawn   *drawn);
  /* NULL: the generic estimate of augur-cost.c, right for a transform
   * whose cost grows with the image alone */
  void        (*cost)         (const AugurValue   *params,
                               const AugurShape   *in,
                               AugurShape         *out,
                               AugurCost          *cost);

  /* Albumentations mapping (core/interop reads it) */
  AugurTransformAlbumentations alb;
  /* Blends only: how many other images one application takes from the
   * reference pool (augur-reference.h), and @blend, the pure function of
   * the image, those references (in the order drawn, any size and channel
   * count) and the drawn values that replaces @apply. The pipeline draws
   * the references from the step's own stream after @sample, records them
   * in the replay by key, and resolves them when applying. */
  guint                  n_references;
  AugurImage *(*blend)        (const AugurImage   *src,
                               AugurImage *const  *refs,
                               const AugurValue   *params,
                               const AugurDrawn   *drawn);
  /* Blends whose result shows the references' content: its regions, in
   * the order masks are painted, for an image of shape @in and references
   * of shapes @refs (n_references of them); returns how many (at most
   * AUGUR_BLEND_MAX_REGIONS). NULL: the blend changes colours only, and
   * labels stay as they are (HistogramMatching, FDA, ...). */
  guint       (*blend_regions) (const AugurValue   *params,
                                const AugurDrawn   *drawn,
                                const AugurShape   *in,
                                const AugurShape   *refs,
                                AugurBlendRegion   *regions);
  /* Dropouts: the holes one application cuts, for masks (labels) */
  gboolean    (*mask_holes)   (const AugurValue   *params,
                               const AugurDrawn   *drawn,
                               const AugurShape   *in,
                               guint8             *hit,
                               double             *fill_mask);
};

/* Category names, in the order the GUI and the docs show them. */
#define AUGUR_CATEGORY_GEOMETRY  "Geometry"
#define AUGUR_CATEGORY_CROP      "Crop and resize"
#define AUGUR_CATEGORY_DISTORT   "Distortion"
#define AUGUR_CATEGORY_COLOR     "Colour"
#define AUGUR_CATEGORY_BLUR      "Blur and sharpen"
#define AUGUR_CATEGORY_NOISE     "Noise"
#define AUGUR_CATEGORY_OCCLUSION "Occlusion"
#define AUGUR_CATEGORY_QUALITY   "Quality"
#define AUGUR_CATEGORY_WEATHER   "Weather and light"
#define AUGUR_CATEGORY_BLEND     "Blends"

const AugurTransformInfo *const *augur_transforms_list   (guint       *n);
const AugurTransformInfo        *augur_transform_lookup  (const char  *name);
const char *const               *augur_transform_categories (void);
int                              augur_transform_param_index (const AugurTransformInfo *info,
                                                              const char               *name);
void                             augur_transform_defaults (const AugurTransformInfo *info,
                                                           AugurValue               *params);
void                             augur_transform_output_shape (const AugurTransformInfo *info,
                                                               const AugurValue         *params,
                                                               const AugurDrawn         *drawn,
                                                               const AugurShape         *in,
                                                               AugurShape               *out);

/* The derived operations (augur-warp.c): for a pixel-level transform,
 * points, boxes and keypoints stay where they are, and a mask is returned
 * as it is (a new reference). */
gboolean    augur_transform_is_spatial   (const AugurTransformInfo *info);
gboolean    augur_transform_is_blend     (const AugurTransformInfo *info);
AugurImage *augur_transform_blend        (const AugurTransformInfo *info,
                                          const AugurImage         *src,
                                          AugurImage *const        *refs,
                                          const AugurValue         *params,
                                          const AugurDrawn         *drawn);
AugurImage *augur_transform_apply        (const AugurTransformInfo *info,
                                          const AugurImage         *src,
                                          const AugurValue         *params,
                                          const AugurDrawn         *drawn);
gboolean    augur_transform_map_point    (const AugurTransformInfo *info,
                                          const AugurValue         *params,
                                          const AugurDrawn         *drawn,
                                          const AugurShape         *in,
                                          double                   *x,
                                          double                   *y);
gboolean    augur_transform_map_box      (const AugurTransformInfo *info,
                                          const AugurValue         *params,
                                          const AugurDrawn         *drawn,
                                          const AugurShape         *in,
                                          double                    box[4]);
gboolean    augur_transform_map_keypoint (const AugurTransformInfo *info,
                                          const AugurValue         *params,
                                          const AugurDrawn         *drawn,
                                          const AugurShape         *in,
                                          double                   *x,
                                          double                   *y,
                                          double                   *angle,
                                          double                   *scale);
AugurImage *augur_transform_apply_mask   (const AugurTransformInfo *info,
                                          const AugurValue         *params,
                                          const AugurDrawn         *drawn,
                                          const AugurImage         *mask);

G_END_DECLS
