/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-transform-private.h"

const AugurTransformInfo augur_weather_transforms[] = {
};

const guint augur_n_weather_transforms = G_N_ELEMENTS (augur_weather_transforms);
