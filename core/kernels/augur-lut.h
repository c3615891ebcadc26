/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AugurLut:
 *
 * A table of 256 bytes applied to runs of bytes (d[i] = lut[s[i]]), with
 * the loop chosen for this machine once, when it is set up.
 */
typedef struct
{
  const guint8 *lut;
  gboolean      vbmi;
} AugurLut;

void augur_lut_init  (AugurLut       *t,
                      const guint8    lut[256]);
void augur_lut_bytes (const AugurLut *t,
                      guint8         *d,
                      const guint8   *s,
                      gsize           n);

G_END_DECLS
