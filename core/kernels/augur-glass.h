/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-rng.h"

G_BEGIN_DECLS

void augur_glass_offsets (AugurRng *rng,
                          gint8    *d,
                          gsize     n,
                          int       delta);
void augur_glass_swaps   (guint8   *data,
                          gsize     stride,
                          int       width,
                          int       height,
                          int       channels,
                          int       delta,
                          int       iterations,
                          gboolean  exact,
                          AugurRng *rng);

G_END_DECLS
