/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* OpenCV's RGB2GRAY: 0.299, 0.587, 0.114 in 14-bit fixed point, rounded
 * (OpenCV's color conversion code, its 8-bit path). ToGray and
 * augur_image_convert() both reduce colour to gray with it. */
static inline guint8
augur_gray_pixel (guint r,
                  guint g,
                  guint b)
{
  return (guint8) ((r * 4899u + g * 9617u + b * 1868u + (1u << 13)) >> 14);
}

void augur_gray_rows (guint8       *dst,
                      int           dst_stride,
                      const guint8 *src,
                      int           src_stride,
                      int           w,
                      int           h,
                      int           nc);

void augur_gray_rows_3 (guint8       *dst,
                        int           dst_stride,
                        const guint8 *src,
                        int           src_stride,
                        int           w,
                        int           h,
                        int           nc);

G_END_DECLS
