/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AugurFogVeil:
 * @t: the fog's transmission (1 clear air, 0 white), @tw x @th floats,
 *   enlarged bilinearly to the image with OpenCV's INTER_LINEAR centres
 * @sigma: standard deviation in pixels of the blur seen through the haze
 *
 * The last step of RandomFog: each colour channel becomes
 * t (s + a (b - s)) + 255 a, with a = 1 - t the haze and b the image
 * blurred by a Gaussian of @sigma: the pixel, blurred as much as it is
 * hazed, seen through haze a. Alpha is copied.
 */
typedef struct
{
  const float *t;
  int          tw, th;
  double       sigma;
} AugurFogVeil;

int  augur_fog_veil_reduction (double              sigma,
                               int                 width,
                               int                 height);
void augur_fog_veil           (const guint8       *src,
                               gsize               src_stride,
                               guint8             *dst,
                               gsize               dst_stride,
                               int                 width,
                               int                 height,
                               int                 channels,
                               const AugurFogVeil *veil,
                               int                 reduction);

G_END_DECLS
