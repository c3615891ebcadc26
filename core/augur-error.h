/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AUGUR_ERROR (augur_error_quark ())

typedef enum
{
  AUGUR_ERROR_FAILED,
  AUGUR_ERROR_UNSUPPORTED_FORMAT,  /* magic bytes of a format we do not accept */
  AUGUR_ERROR_TOO_LARGE,           /* pixel limit, file size limit, nesting limit */
  AUGUR_ERROR_CORRUPT,             /* decoder refused the data */
  AUGUR_ERROR_INVALID_RECIPE,      /* recipe failed validation */
  AUGUR_ERROR_INVALID_REPLAY,      /* replay does not match its pipeline */
} AugurError;

GQuark augur_error_quark (void);

G_END_DECLS
