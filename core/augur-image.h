/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AugurImage:
 *
 * An 8-bit image with 1 (gray), 3 (RGB) or 4 (RGBA) interleaved channels.
 *
 * Images are reference counted and immutable once they have been handed
 * out: a producer fills `data` right after augur_image_new() and never
 * writes to it again, so an image can be shared between threads freely.
 */
typedef struct
{
  int     width;
  int     height;
  int     channels;
  int     stride;   /* bytes per row, >= width * channels */
  guint8 *data;
} AugurImage;

#define AUGUR_DEFAULT_MAX_PIXELS ((gint64) 100 * 1000 * 1000)

typedef enum
{
  AUGUR_IMAGE_FORMAT_PNG,
  AUGUR_IMAGE_FORMAT_JPEG,
  AUGUR_IMAGE_FORMAT_WEBP,
} AugurImageFormat;

AugurImage *augur_image_new              (int                width,
                                          int                height,
                                          int                channels);
AugurImage *augur_image_new_uninitialized (int              width,
                                            int              height,
                                            int              channels);
void        augur_image_set_recycle_limit (gsize             max_bytes);
void        augur_image_set_huge_pages    (gboolean          advise);
guint       augur_image_get_recycled     (void);
AugurImage *augur_image_new_for_data     (int                width,
                                          int                height,
                                          int                channels,
                                          int                stride,
                                          guint8            *data,
                                          GDestroyNotify     destroy,
                                          gpointer           destroy_data);
AugurImage *augur_image_new_like         (const AugurImage  *like);
AugurImage *augur_image_new_like_uninitialized (const AugurImage *like);
AugurImage *augur_image_copy             (const AugurImage  *image);
AugurImage *augur_image_ref              (AugurImage        *image);
void        augur_image_unref            (AugurImage        *image);

static inline guint8 *
augur_image_row (const AugurImage *image,
                 int               y)
{
  return image->data + (gsize) y * image->stride;
}

gboolean    augur_image_equal            (const AugurImage  *a,
                                          const AugurImage  *b);
double      augur_image_mean             (const AugurImage  *image,
                                          int                channel);
AugurImage *augur_image_convert          (const AugurImage  *image,
                                          int                channels);
AugurImage *augur_image_scale            (const AugurImage  *image,
                                          int                width,
                                          int                height);
AugurImage *augur_image_fit              (const AugurImage  *image,
                                          int                max_side);

const char *augur_image_sniff            (const guint8      *bytes,
                                          gsize              len);
AugurImage *augur_image_load             (const char        *path,
                                          gint64             max_pixels,
                                          GError           **error);
GBytes     *augur_image_read_file        (const char        *path,
                                          gint64             max_pixels,
                                          GError           **error);
AugurImage *augur_image_load_reduced     (const char        *path,
                                          gint64             max_pixels,
                                          int                min_side,
                                          gint64             min_pixels,
                                          int               *full_width,
                                          int               *full_height,
                                          GError           **error);
AugurImage *augur_image_load_bytes       (GBytes            *bytes,
                                          gint64             max_pixels,
                                          GError           **error);
GBytes     *augur_image_encode           (const AugurImage  *image,
                                          AugurImageFormat   format,
                                          int                quality,
                                          GError           **error);
gboolean    augur_image_save             (const AugurImage  *image,
                                          const char        *path,
                                          AugurImageFormat   format,
                                          int                quality,
                                          GError           **error);
gboolean    augur_image_format_from_string (const char      *name,
                                            AugurImageFormat *format);
const char *augur_image_format_extension (AugurImageFormat   format);
gboolean    augur_image_format_available (AugurImageFormat   format);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurImage, augur_image_unref)

G_END_DECLS
