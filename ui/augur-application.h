/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AUGUR_TYPE_APPLICATION (augur_application_get_type ())

G_DECLARE_FINAL_TYPE (AugurApplication, augur_application, AUGUR, APPLICATION, AdwApplication)

AugurApplication *augur_application_new          (void);
GSettings        *augur_application_get_settings (AugurApplication *self);

/* Where the bundled samples and recipes live: $AUGUR_DATADIR, else the
 * installed pkgdatadir, else the source tree. */
char             *augur_application_dup_datadir  (void);

G_END_DECLS
