/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-resample.h"

const char *const augur_interpolation_nicks[] = { "nearest", "linear", "cubic", "area", "lanczos4", NULL };
const char *const augur_border_nicks[] = { "constant", "replicate", "reflect", "wrap", "reflect_101", NULL };
