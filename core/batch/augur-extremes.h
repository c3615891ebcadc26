/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-pipeline.h"

G_BEGIN_DECLS

/* The seed every extreme variant is rendered with, so that the randomness a
 * transform keeps outside its ranges (a direction, a noise field) is the same
 * in every variant and from one run to the next. */
#define AUGUR_EXTREMES_SEED G_GUINT64_CONSTANT (0x5eed)

typedef enum
{
  AUGUR_EXTREME_LOW,
  AUGUR_EXTREME_MIDDLE,
  AUGUR_EXTREME_HIGH,
} AugurExtremeEnd;

/**
 * AugurExtreme:
 *
 * One deterministic variant of a transform step: the range @param (for an
 * x/y range, one axis: "scale.x") collapsed to its low end, middle or high
 * end, every other range of the step collapsed to its middle.
 */
typedef struct
{
  char            *param;  /* "limit", or "scale.x" for one axis of an x/y range */
  char            *label;  /* "limit = -15" */
  AugurExtremeEnd  end;
  double           value;
  AugurNode       *node;   /* the variant: a transform node */
} AugurExtreme;

void        augur_extreme_free        (AugurExtreme       *extreme);

GPtrArray  *augur_extremes_new        (const AugurNode    *node);
AugurImage *augur_extreme_render      (const AugurExtreme *extreme,
                                       const AugurImage   *src,
                                       AugurReplay       **replay_out);
AugurImage *augur_extreme_render_full (const AugurExtreme *extreme,
                                       const AugurImage   *src,
                                       AugurReferencePool *pool,
                                       AugurReplay       **replay_out,
                                       GError            **error);
const char *augur_extreme_end_name    (AugurExtremeEnd     end);

/**
 * AugurFrame:
 *
 * One frame of a filmstrip: the image right after one applied transform
 * step of a replay, with the step's path in the tree ("2.0", as the
 * editor's selection), its name and the values it drew.
 */
typedef struct
{
  char       *path;
  char       *name;    /* the transform's name, "Rotate" */
  char       *label;   /* the transform's label, "Rotate" */
  char       *values;  /* "angle = 12.3, ..."; "" when nothing was drawn */
  AugurImage *image;
} AugurFrame;

void        augur_frame_free          (AugurFrame         *frame);

GPtrArray  *augur_filmstrip_new       (const AugurNode    *pipeline,
                                       const AugurImage   *src,
                                       const AugurReplay  *replay);
GPtrArray  *augur_filmstrip_new_full  (const AugurNode    *pipeline,
                                       const AugurImage   *src,
                                       const AugurReplay  *replay,
                                       AugurReferencePool *pool,
                                       GError            **error);

const AugurNode *augur_node_at_path   (const AugurNode    *root,
                                       const char         *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurExtreme, augur_extreme_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurFrame, augur_frame_free)

G_END_DECLS
