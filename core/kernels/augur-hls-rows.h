/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void augur_hue_rotate_row (const guint8 *src,
                           const float  *shift,
                           guint8       *dest,
                           int           width,
                           int           channels);

void augur_lightness_sums (const guint8 *src,
                           int           width,
                           int           channels,
                           guint64      *sum,
                           guint64      *sum2);

G_END_DECLS
