/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AugurFilterRow:
 *
 * One output row of a 2-D correlation (OpenCV's filter2D on 8-bit
 * images): @taps rows of floats, each already shifted to its tap, and
 * their weights. The loop is chosen for this machine once, when it is set
 * up (augur_filter_row_init()).
 */
typedef struct
{
  gboolean avx2;
  gboolean avx512;
} AugurFilterRow;

void augur_filter_row_init (AugurFilterRow        *f);
void augur_filter_row      (const AugurFilterRow  *f,
                            guint8                *d,
                            const float *const    *rows,
                            const float           *k,
                            int                    taps,
                            int                    n);
void augur_filter_add_tap  (float                 *acc,
                            const float           *p,
                            float                  k,
                            int                    n);

G_END_DECLS
