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

/**
 * AugurLutRgb:
 *
 * Three tables of 256 bytes, one per channel, applied to runs of RGB
 * pixels, with the loop chosen once, when it is set up.
 */
typedef struct
{
  const guint8 (*luts)[256];
  gboolean      vbmi;
} AugurLutRgb;

void augur_lut_init  (AugurLut       *t,
                      const guint8    lut[256]);
void augur_lut_bytes (const AugurLut *t,
                      guint8         *d,
                      const guint8   *s,
                      gsize           n);

void augur_lut_rgb_init (AugurLutRgb       *t,
                         const guint8       luts[3][256]);
void augur_lut_rgb      (const AugurLutRgb *t,
                         guint8            *d,
                         const guint8      *s,
                         gsize              n_pixels);

void augur_histogram_channels (const guint8 *src,
                               int           stride,
                               int           w,
                               int           h,
                               int           nc,
                               int           n_hist,
                               guint64       hist[][256]);

void augur_and_xor_rows (guint8       *dst,
                         int           dst_stride,
                         const guint8 *src,
                         int           src_stride,
                         int           w,
                         int           h,
                         int           nc,
                         const guint8  and_mask[],
                         const guint8  xor_mask[]);

G_END_DECLS
