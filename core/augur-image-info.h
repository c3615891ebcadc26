/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AugurImageInfo:
 * @format: the GdkPixbuf loader's name: "png", "jpeg", "webp", "tiff", "bmp"
 * @width: @height: as the header declares them (before EXIF orientation)
 * @frames: frames (animated PNG or WebP) or pages (TIFF); 1 for a still image
 * @gray: stored as gray, which GdkPixbuf expands to RGB
 *
 * What Augur reads from an image file's header with its own code, before
 * any decoder sees the bytes.
 */
typedef struct
{
  const char *format;
  gint64      width;
  gint64      height;
  guint       frames;
  gboolean    gray;
} AugurImageInfo;

gboolean    augur_image_info_read      (const guint8     *bytes,
                                        gsize             len,
                                        AugurImageInfo   *info,
                                        GError          **error);
gboolean    augur_image_info_complete  (const AugurImageInfo *info,
                                        const guint8     *bytes,
                                        gsize             len);

G_END_DECLS
