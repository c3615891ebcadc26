/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "augur-labels.h"
#include "augur-preview-engine.h"
#include "augur-sample.h"

G_BEGIN_DECLS

#define AUGUR_TYPE_DRAW_VIEW (augur_draw_view_get_type ())
G_DECLARE_FINAL_TYPE (AugurDrawView, augur_draw_view, AUGUR, DRAW_VIEW, GtkWidget)

GtkWidget   *augur_draw_view_new            (AugurPreviewEngine *engine);
void         augur_draw_view_show_draw      (AugurDrawView      *self,
                                             const char         *title,
                                             AugurSample        *sample,
                                             const AugurNode    *pipeline,
                                             AugurRenderResult  *preview);
void         augur_draw_view_update_draw    (AugurDrawView      *self,
                                             const AugurNode    *pipeline,
                                             AugurRenderResult  *preview);
void         augur_draw_view_clear          (AugurDrawView      *self);
void         augur_draw_view_set_labels     (AugurDrawView          *self,
                                             const AugurLabels      *labels,
                                             const AugurLabelParams *settings);
const AugurLabels *augur_draw_view_get_draw_labels (AugurDrawView *self);
void         augur_draw_view_set_label_flags (AugurDrawView     *self,
                                              guint              flags);
AugurImage  *augur_draw_view_get_image      (AugurDrawView      *self);
gboolean     augur_draw_view_is_full_size   (AugurDrawView      *self);
char        *augur_draw_view_dup_replay_json (AugurDrawView     *self);
void         augur_draw_view_zoom_fit       (AugurDrawView      *self);
void         augur_draw_view_zoom_original  (AugurDrawView      *self);
double       augur_draw_view_get_zoom       (AugurDrawView      *self);
gboolean     augur_draw_view_get_replay_visible (AugurDrawView  *self);
void         augur_draw_view_set_replay_visible (AugurDrawView  *self,
                                                 gboolean        visible);
const char  *augur_draw_view_get_view       (AugurDrawView      *self);
void         augur_draw_view_set_view       (AugurDrawView      *self,
                                             const char         *view);

G_END_DECLS
