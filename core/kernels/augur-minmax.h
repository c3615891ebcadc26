/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AugurMinMax:
 *
 * The elementwise maximum (or minimum) of rows of bytes, the step of
 * dilation and erosion, with the loop chosen for this machine once (the
 * environment is read when it is set up, not per row).
 */
typedef struct
{
  gboolean max;
  gboolean avx2;
} AugurMinMax;

void augur_minmax_init (AugurMinMax         *mm,
                        gboolean             max);
void augur_minmax_rows (const AugurMinMax   *mm,
                        guint8              *d,
                        const guint8 *const *rows,
                        int                  n_rows,
                        int                  n);

G_END_DECLS
