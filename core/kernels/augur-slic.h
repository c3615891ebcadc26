/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void augur_slic_labels (const guint8 *data,
                        gsize         stride,
                        int           width,
                        int           height,
                        int           channels,
                        int           n_segments,
                        int          *labels,
                        int          *n_centres);

G_END_DECLS
