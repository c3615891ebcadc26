/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-image.h"

G_BEGIN_DECLS

gboolean augur_jpeg_check_data (const guint8  *data,
                                gsize          len,
                                GError       **error);

AugurImage *augur_jpeg_decode         (const guint8  *data,
                                       gsize          len,
                                       int            width,
                                       int            height,
                                       int           *oriented_width,
                                       int           *oriented_height,
                                       GError       **error);
AugurImage *augur_jpeg_decode_reduced (const guint8  *data,
                                       gsize          len,
                                       int            denom,
                                       gint64         max_pixels,
                                       int           *full_width,
                                       int           *full_height,
                                       GError       **error);
void        augur_jpeg_get_stats      (guint         *dc_only,
                                       guint         *split);

G_END_DECLS
