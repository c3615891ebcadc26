/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "augur-labels.h"
#include "augur-picture.h"

G_BEGIN_DECLS

/*
 * Labels drawn over an image on screen: boxes with their class names,
 * keypoints with their names, and masks as a translucent colour per
 * class, each switched on or off on its own. A class (or a keypoint name)
 * always has the same colour, wherever it is drawn, so that a box keeps
 * its colour from the original to every draw.
 *
 * The drawing is for a given display scale: label coordinates are image
 * pixels, multiplied by @scale onto the context; lines and text keep
 * their size in screen pixels whatever the scale.
 */

typedef enum
{
  AUGUR_LABEL_OVERLAY_BOXES     = 1 << 0,
  AUGUR_LABEL_OVERLAY_KEYPOINTS = 1 << 1,
  AUGUR_LABEL_OVERLAY_MASKS     = 1 << 2,
  AUGUR_LABEL_OVERLAY_NAMES     = 1 << 3,
  AUGUR_LABEL_OVERLAY_ALL       = 0xf,
} AugurLabelOverlayFlags;

/* How opaque masks are drawn. */
#define AUGUR_LABEL_OVERLAY_MASK_ALPHA 0.45

void augur_label_overlay_colour   (const char             *name,
                                   int                     class_id,
                                   GdkRGBA                *colour);
void augur_label_overlay_draw     (cairo_t                *cr,
                                   const AugurLabels      *labels,
                                   double                  scale,
                                   AugurLabelOverlayFlags  flags);
void augur_label_overlay_snapshot (GtkSnapshot            *snapshot,
                                   const AugurLabels      *labels,
                                   double                  scale,
                                   AugurLabelOverlayFlags  flags);

#define AUGUR_TYPE_LABEL_LAYER (augur_label_layer_get_type ())
G_DECLARE_FINAL_TYPE (AugurLabelLayer, augur_label_layer, AUGUR, LABEL_LAYER, GtkWidget)

GtkWidget         *augur_label_layer_new           (GtkWidget              *picture);
AugurPicture      *augur_label_layer_get_picture   (AugurLabelLayer        *self);
void               augur_label_layer_set_labels    (AugurLabelLayer        *self,
                                                    AugurLabels            *labels);
const AugurLabels *augur_label_layer_get_labels    (AugurLabelLayer        *self);
void               augur_label_layer_set_flags     (AugurLabelLayer        *self,
                                                    AugurLabelOverlayFlags  flags);
AugurLabelOverlayFlags augur_label_layer_get_flags (AugurLabelLayer       *self);
void               augur_label_layer_set_align_top (AugurLabelLayer        *self,
                                                    gboolean                align_top);

G_END_DECLS
