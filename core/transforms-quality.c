/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-transform-private.h"

const AugurTransformInfo augur_quality_transforms[] = {
  { NULL },
};

const guint augur_n_quality_transforms = 0;
