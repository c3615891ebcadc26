/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-fuzz"

#include "config.h"

#include "augur-image.h"
#include "augur-image-info.h"
#include "augur-jpeg.h"

#include "fuzz-target.h"

/* The image loader on untrusted bytes: Augur's header reader, then the
 * whole load under a small pixel limit (so that a valid huge header is
 * refused, not decoded). A loaded image must have the size the header
 * declared, or that size turned by EXIF orientation. A JPEG also goes
 * through the previewer's reduced decode (its own DC-only decoder at 1/8,
 * libjpeg at 1/2), whose image must be that size divided, rounded up. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(AugurImage) image = NULL;
  AugurImageInfo info;
  gboolean have_info;

  have_info = augur_image_info_read (data, size, &info, NULL);
  if (have_info)
    augur_image_info_complete (&info, data, size);

  image = augur_image_load_bytes (bytes, 1 << 20, NULL);
  if (image != NULL)
    {
      g_assert_true (have_info);
      g_assert_true ((image->width == info.width && image->height == info.height) ||
                     (image->width == info.height && image->height == info.width));
      g_assert_true (image->channels == 1 || image->channels == 3 || image->channels == 4);
    }

  if (have_info && g_str_equal (info.format, "jpeg"))
    for (int denom = 2; denom <= 8; denom += 6)
      {
        g_autoptr(AugurImage) reduced = augur_jpeg_decode_reduced (data, size, denom, 1 << 20, NULL, NULL, NULL);
        gint64 w = (info.width + denom - 1) / denom, h = (info.height + denom - 1) / denom;

        if (reduced != NULL)
          g_assert_true ((reduced->width == w && reduced->height == h) ||
                         (reduced->width == h && reduced->height == w));
      }
  return 0;
}
