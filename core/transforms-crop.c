/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-transform-private.h"

const AugurTransformInfo augur_crop_transforms[] = {
  { NULL },
};

const guint augur_n_crop_transforms = 0;
