/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "augur-image.h"

G_BEGIN_DECLS

AugurImage *augur_scene_image (guint seed,
                               int   width,
                               int   height);
AugurImage *augur_scene_mirror (const AugurImage *src);

G_END_DECLS
