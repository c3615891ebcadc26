/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The fractional bits of an AugurMatrix3's weights. */
#define AUGUR_MATRIX3_BITS 12

/**
 * AugurMatrix3:
 *
 * A 3 x 3 colour matrix with nonnegative weights in Q12 (each below
 * 2^15): output channel i of a pixel is
 * min ((w[i][0] r + w[i][1] g + w[i][2] b + 2^11) >> 12, 255).
 */
typedef struct
{
  guint16 w[3][3];
} AugurMatrix3;

static inline guint8
augur_matrix3_channel (const guint16 w[3],
                       guint         r,
                       guint         g,
                       guint         b)
{
  guint32 v = (r * w[0] + g * w[1] + b * w[2] + (1u << (AUGUR_MATRIX3_BITS - 1))) >> AUGUR_MATRIX3_BITS;

  return (guint8) MIN (v, 255u);
}

void augur_matrix3_rows (const AugurMatrix3 *m,
                         guint8             *dst,
                         int                 dst_stride,
                         const guint8       *src,
                         int                 src_stride,
                         int                 w,
                         int                 h,
                         int                 nc);

G_END_DECLS
