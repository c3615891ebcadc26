/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean augur_jpeg_check_data (const guint8  *data,
                                gsize          len,
                                GError       **error);

G_END_DECLS
