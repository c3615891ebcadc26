/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AUGUR_TYPE_PICTURE (augur_picture_get_type ())
G_DECLARE_FINAL_TYPE (AugurPicture, augur_picture, AUGUR, PICTURE, GtkWidget)

GtkWidget  *augur_picture_new          (void);
void        augur_picture_set_texture  (AugurPicture *self,
                                        GdkTexture   *texture);
GdkTexture *augur_picture_get_texture  (AugurPicture *self);
void        augur_picture_set_zoom     (AugurPicture *self,
                                        double        zoom);
double      augur_picture_get_zoom     (AugurPicture *self);
double      augur_picture_get_scale    (AugurPicture *self);
void        augur_picture_set_caption  (AugurPicture *self,
                                        const char   *caption);
const char *augur_picture_get_caption  (AugurPicture *self);
void        augur_picture_set_badge    (AugurPicture *self,
                                        const char   *badge);
const char *augur_picture_get_badge    (AugurPicture *self);
void        augur_picture_set_before   (AugurPicture *self,
                                        GdkTexture   *before);
GdkTexture *augur_picture_get_before   (AugurPicture *self);
void        augur_picture_set_split    (AugurPicture *self,
                                        double        split);
double      augur_picture_get_split    (AugurPicture *self);
double      augur_picture_split_at     (AugurPicture *self,
                                        double        x);
double      augur_picture_get_divider_x (AugurPicture *self);
void        augur_picture_set_align_top (AugurPicture *self,
                                         gboolean      align_top);

G_END_DECLS
