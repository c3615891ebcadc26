/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void augur_median25 (guint8              *d,
                     const guint8 *const  p[25],
                     int                  n);

G_END_DECLS
