/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void augur_hls_turn_lighten_row (const guint8 *src,
                                 const float  *shift,
                                 const float  *gain,
                                 guint8       *dest,
                                 int           width,
                                 int           channels);

void augur_lightness_sums (const guint8 *src,
                           int           width,
                           int           channels,
                           guint64      *sum,
                           guint64      *sum2);

void augur_scaled_lookup (const float   *table,
                          const guint16 *idx,
                          float         *out,
                          gsize          n,
                          float          scale);

void augur_speckle_gain_row (const guint32 *u,
                             const guint32 *cdf,
                             float          scale,
                             float         *gain,
                             int            width);

G_END_DECLS
