/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "augur-sample.h"

G_BEGIN_DECLS

#define AUGUR_TYPE_SAMPLE_STRIP (augur_sample_strip_get_type ())

G_DECLARE_FINAL_TYPE (AugurSampleStrip, augur_sample_strip, AUGUR, SAMPLE_STRIP, GtkWidget)

typedef gboolean (*AugurSampleTagFunc) (AugurSample *sample,
                                        gpointer     user_data);

GtkWidget   *augur_sample_strip_new          (void);
void         augur_sample_strip_set_tag_func (AugurSampleStrip   *self,
                                              AugurSampleTagFunc  func,
                                              gpointer            user_data,
                                              GDestroyNotify      destroy);
gboolean     augur_sample_strip_get_tagged   (AugurSampleStrip   *self,
                                              AugurSample        *sample);
/* A model of AugurSample; the strip keeps a selection over it. */
void         augur_sample_strip_set_model    (AugurSampleStrip *self,
                                              GListModel       *samples);
AugurSample *augur_sample_strip_get_selected (AugurSampleStrip *self);
guint        augur_sample_strip_get_selected_position (AugurSampleStrip *self);
void         augur_sample_strip_select       (AugurSampleStrip *self,
                                              guint             position);

G_END_DECLS
