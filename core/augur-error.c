/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-error.h"

G_DEFINE_QUARK (augur-error-quark, augur_error)
