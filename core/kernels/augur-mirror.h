/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Rows mirrored left to right: the pixels of HorizontalFlip and of the
 * dihedral group's reflections. */
void mirror (guint8       *dst,
             int           dst_stride,
             const guint8 *src,
             int           src_stride,
             int           w,
             int           h,
             int           nc);

/* Rows in the opposite order: VerticalFlip's pixels. */
void augur_flip_rows (guint8       *dst,
                      int           dst_stride,
                      const guint8 *src,
                      int           src_stride,
                      gsize         row,
                      int           h);

/* Rows copied in wide loads and stores: augur_image_copy()'s loop. */
void augur_copy_rows (guint8       *dst,
                      int           dst_stride,
                      const guint8 *src,
                      int           src_stride,
                      gsize         row,
                      int           h);

G_END_DECLS
