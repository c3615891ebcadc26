/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "augur-image.h"
#include "augur-pipeline.h"

G_BEGIN_DECLS

/*
 * Labels: what travels with the pixels of one image.
 *
 * - Boxes with a class: { x_min, y_min, x_max, y_max } in the warp module's
 *   continuous pixel coordinates (see augur-warp.h), a class id and its
 *   name.
 * - Keypoints with a name: (x, y, angle in radians, scale), and for the
 *   formats that group them (COCO) the box they belong to and their place
 *   in their category's list.
 * - An optional mask: a label map (one value per pixel, a class id, 8 or 16
 *   bits), or a set of binary masks, each with its class.
 *
 * - Polygons outlining the boxes' objects (COCO's "segmentation"): each
 *   corner moves as a point does, and the polygon is cut to the image
 *   (for the distortions that bend straight lines, an approximation).
 *
 * Spatial steps move them through the warp module; pixel steps leave them,
 * except the dropouts, whose holes fill masks with fill_mask as
 * Albumentations does; after each step boxes are cut to the image and
 * filtered, and keypoints that left it are dropped, as the settings say
 * (AugurLabelParams, Albumentations' BboxParams and KeypointParams).
 */

typedef struct
{
  double x_min, y_min, x_max, y_max;
  int    class_id;
  char  *label;      /* the class name (nullable) */
  guint  id;         /* its index when first read: stable through a run */
} AugurBox;

typedef struct
{
  double x, y;
  double angle;      /* radians, from +x towards +y */
  double scale;
  char  *label;      /* the keypoint's name ("left_eye"; nullable) */
  int    owner;      /* id of the box it belongs to, or -1 */
  int    slot;       /* index in its category's keypoint list, or -1 */
  int    visibility; /* COCO's v (1: labelled, hidden; 2: visible), or 0 */
  guint  id;
} AugurKeypoint;

/* The outline of a box's object (COCO's polygon "segmentation"): corners
 * x0 y0 x1 y1 ..., 3 or more, in the labels' coordinates; an object may
 * have several (its visible parts). */
typedef struct
{
  guint   box;       /* the id of the box it outlines */
  GArray *xy;        /* double; shared between copies: never changed */
} AugurPolygon;

typedef struct _AugurLabels
{
  int         width;
  int         height;
  GArray     *boxes;       /* AugurBox */
  GArray     *keypoints;   /* AugurKeypoint */
  /* a label map: 0 (none), 8 or 16 bits; planes[0] holds the low byte of
   * each value, planes[1] the high byte of a 16-bit map (one-channel
   * images of the labels' size, warped alike with nearest interpolation,
   * so that each pixel's two bytes always come from the same source) */
  int         mask_depth;
  AugurImage *planes[2];
  /* binary masks (0 or nonzero), each of the labels' size, and their classes */
  GPtrArray  *binary;      /* AugurImage */
  GArray     *binary_class; /* int */
  GArray     *polygons;    /* AugurPolygon */
} AugurLabels;

/*
 * AugurLabelParams:
 *
 * The settings of a recipe's labels, at Compose level, named and meant as
 * Albumentations 2.x's BboxParams and KeypointParams:
 * - a box is dropped when, after a step, the part left on the image has an
 *   area under @min_area pixels, a width under @min_width or a height
 *   under @min_height, or is under @min_visibility of the box the step
 *   made before it was cut to the image;
 * - a keypoint that leaves the image is dropped when @remove_invisible;
 * - @label_swap: pairs of keypoint names that trade names when a step
 *   mirrors the image (left_eye and right_eye), as Albumentations 2.x's
 *   flips do with a label mapping.
 * - @check_each_transform: keypoints leave (remove_invisible) after each
 *   step; when FALSE, only those off the final image do, so that one a
 *   step moves off and a later one brings back stays.
 * @bbox_format, @keypoint_format, the label fields, @clip,
 * @filter_invalid_bboxes, @angle_in_degrees and @check_each_transform are
 * what an export to Albumentations writes; Augur's own boxes are always
 * pixel corners, and boxes are filtered after each step (Albumentations'
 * BboxParams default). @clip cuts the boxes given to the image
 * and @filter_invalid_bboxes drops those without area, before the first
 * step. @label_swap has no Albumentations 2.0.8 argument: an export
 * leaves it out.
 */
typedef struct
{
  char      *bbox_format;          /* "pascal_voc", "coco", "yolo", "albumentations" */
  char     **bbox_label_fields;
  double     min_area;
  double     min_visibility;
  double     min_width;
  double     min_height;
  gboolean   clip;
  gboolean   filter_invalid_bboxes;
  char      *keypoint_format;      /* "xyas", "xy", ... */
  char     **keypoint_label_fields;
  gboolean   remove_invisible;
  gboolean   angle_in_degrees;
  gboolean   check_each_transform;
  GPtrArray *label_swap;           /* char *: pairs, flattened */
} AugurLabelParams;

AugurLabelParams *augur_label_params_new       (void);
AugurLabelParams *augur_label_params_copy      (const AugurLabelParams *params);
void              augur_label_params_free      (AugurLabelParams       *params);
gboolean          augur_label_params_equal     (const AugurLabelParams *a,
                                                const AugurLabelParams *b);
void              augur_label_params_add_swap  (AugurLabelParams       *params,
                                                const char             *a,
                                                const char             *b);
const char       *augur_label_params_swapped   (const AugurLabelParams *params,
                                                const char             *label);
/* The recipe's "bbox_params" and "keypoint_params" members. */
void              augur_label_params_to_json   (const AugurLabelParams *params,
                                                JsonBuilder            *builder);
gboolean          augur_label_params_from_json (JsonObject             *recipe,
                                                AugurLabelParams      **out,
                                                GError                **error);

AugurLabels      *augur_labels_new             (int                     width,
                                                int                     height);
AugurLabels      *augur_labels_copy            (const AugurLabels      *labels);
void              augur_labels_free            (AugurLabels            *labels);
AugurBox         *augur_labels_add_box         (AugurLabels            *labels,
                                                double                  x_min,
                                                double                  y_min,
                                                double                  x_max,
                                                double                  y_max,
                                                int                     class_id,
                                                const char             *label);
AugurKeypoint    *augur_labels_add_keypoint    (AugurLabels            *labels,
                                                double                  x,
                                                double                  y,
                                                const char             *label);
void              augur_labels_add_polygon     (AugurLabels            *labels,
                                                guint                   box,
                                                const double           *xy,
                                                guint                   n_points);
double            augur_polygon_area           (const AugurPolygon     *polygon);
void              augur_labels_set_mask        (AugurLabels            *labels,
                                                const guint16          *values,
                                                int                     depth);
guint             augur_labels_mask_value      (const AugurLabels      *labels,
                                                int                     x,
                                                int                     y);
void              augur_labels_add_binary_mask (AugurLabels            *labels,
                                                AugurImage             *mask,
                                                int                     class_id);
const AugurBox   *augur_labels_find_box        (const AugurLabels      *labels,
                                                guint                   id);
const AugurKeypoint *augur_labels_find_keypoint (const AugurLabels     *labels,
                                                 guint                  id);

/*
 * AugurLabelRecord:
 *
 * What each applied step did to the labels, in order of application: how
 * many boxes and keypoints it was given, how many boxes it cut (lost area
 * at the image's edge, but kept), and how many boxes and keypoints it
 * dropped; and each label's fate (@events: one per label a step cut or
 * dropped), for a replay that lists what happened to each label.
 */
typedef struct
{
  const AugurNode *node;     /* the transform's node (borrowed); NULL for the
                              * checks before the first step or, when
                              * @final, after the last */
  gboolean final;
  guint boxes_in;
  guint boxes_clipped;
  guint boxes_dropped;
  guint keypoints_in;
  guint keypoints_dropped;
  /* a blend's: the other images' labels it brought in, and how many of
   * the images it drew had no labels to bring */
  guint boxes_added;
  guint keypoints_added;
  guint references_unlabelled;
} AugurLabelStep;

typedef enum
{
  AUGUR_LABEL_CLIPPED,
  AUGUR_LABEL_DROPPED,
} AugurLabelFate;

typedef struct
{
  gboolean       keypoint;  /* a keypoint's event, else a box's */
  guint          id;
  guint          step;      /* index into steps */
  AugurLabelFate fate;
} AugurLabelEvent;

typedef struct
{
  GArray *steps;   /* AugurLabelStep */
  GArray *events;  /* AugurLabelEvent */
} AugurLabelRecord;

AugurLabelRecord *augur_label_record_new       (void);
void              augur_label_record_free      (AugurLabelRecord       *record);
char             *augur_label_record_describe  (const AugurLabelRecord *record,
                                                const AugurLabels      *in,
                                                const AugurLabels      *out);

AugurLabels      *augur_labels_apply_step      (const AugurTransformInfo *info,
                                                const AugurValue       *params,
                                                const AugurDrawn       *drawn,
                                                const AugurLabels      *labels,
                                                const AugurShape       *in,
                                                const AugurLabelParams *settings,
                                                AugurLabelStep         *step,
                                                GArray                 *events,
                                                guint                   step_index);
AugurLabels      *augur_labels_blend           (const AugurTransformInfo *info,
                                                const AugurValue       *params,
                                                const AugurDrawn       *drawn,
                                                const AugurLabels      *labels,
                                                const AugurLabels * const *refs,
                                                const AugurShape       *ref_shapes,
                                                const AugurShape       *out_shape,
                                                const AugurLabelParams *settings,
                                                guint                  *next_id,
                                                AugurLabelStep         *step,
                                                GArray                 *events,
                                                guint                   step_index);
gboolean          augur_node_apply_labels_full (const AugurNode        *node,
                                                const AugurImage       *src,
                                                const AugurLabels      *labels,
                                                const AugurReplay      *replay,
                                                AugurReferencePool     *pool,
                                                const AugurLabelParams *settings,
                                                AugurImage            **out,
                                                AugurLabels           **labels_out,
                                                AugurLabelRecord       *record,
                                                GError                **error);
AugurImage       *augur_node_apply_labels      (const AugurNode        *node,
                                                const AugurImage       *src,
                                                const AugurLabels      *labels,
                                                const AugurReplay      *replay,
                                                const AugurLabelParams *settings,
                                                AugurLabels           **labels_out,
                                                AugurLabelRecord       *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurLabelParams, augur_label_params_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurLabels, augur_labels_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurLabelRecord, augur_label_record_free)

G_END_DECLS
