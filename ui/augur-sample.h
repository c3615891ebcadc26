/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "augur-image.h"

G_BEGIN_DECLS

/* The longest side of a sample's thumbnail texture. */
#define AUGUR_SAMPLE_THUMBNAIL_SIDE 160

#define AUGUR_TYPE_SAMPLE (augur_sample_get_type ())
G_DECLARE_FINAL_TYPE (AugurSample, augur_sample, AUGUR, SAMPLE, GObject)

AugurSample *augur_sample_new            (GFile               *file);
GFile       *augur_sample_get_file       (AugurSample         *self);
const char  *augur_sample_get_name       (AugurSample         *self);
const char  *augur_sample_get_path       (AugurSample         *self);
void         augur_sample_load_async     (AugurSample         *self,
                                          int                  max_side,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean     augur_sample_load_finish    (AugurSample         *self,
                                          GAsyncResult        *result,
                                          GError             **error);
AugurImage  *augur_sample_get_proxy      (AugurSample         *self);
GdkTexture  *augur_sample_get_thumbnail  (AugurSample         *self);
GdkTexture  *augur_sample_get_proxy_texture (AugurSample      *self);
gboolean     augur_sample_get_loaded     (AugurSample         *self);
gboolean     augur_sample_is_loading     (AugurSample         *self);
const char  *augur_sample_get_error      (AugurSample         *self);
int          augur_sample_get_max_side   (AugurSample         *self);
int          augur_sample_get_width      (AugurSample         *self);
int          augur_sample_get_height     (AugurSample         *self);

AugurImage  *augur_sample_load_full      (AugurSample         *self,
                                          GCancellable        *cancellable,
                                          GError             **error);
void         augur_sample_set_decode_cache_limit (gsize        max_bytes);
void         augur_sample_get_decode_stats (gsize             *bytes,
                                            guint             *n_decodes);
void         augur_sample_clear_decode_cache (void);
void         augur_sample_set_max_loads      (int n);

GdkTexture  *augur_texture_new_for_image (const AugurImage    *image);

G_END_DECLS
