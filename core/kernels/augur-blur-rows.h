/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The fractional bits of a blur kernel's quantised taps. */
#define AUGUR_BLUR_KBITS 14

/**
 * AugurBlurKernel:
 *
 * A symmetric convolution kernel of 2 @r + 1 taps, quantised for the row
 * loops of a separable blur, with the loops chosen for this machine. The
 * caller walks the image (borders, the ring of filtered rows); these give
 * the same bits on every path.
 */
typedef struct
{
  int       r;
  guint32  *k;      /* r + 1 taps in Q14, k[0] the centre */
  guint32  *pairs;  /* taps 2m and 2m + 1 as two 16-bit halves */
  gboolean  avx2;
  gboolean  avx512;
} AugurBlurKernel;

void augur_blur_kernel_init  (AugurBlurKernel       *kernel,
                              const float           *k,
                              int                    r);
void augur_blur_kernel_clear (AugurBlurKernel       *kernel);
void augur_blur_row_x        (const AugurBlurKernel *kernel,
                              const guint8          *centre,
                              guint16               *out,
                              int                    n,
                              int                    off);
void augur_blur_row_y        (const AugurBlurKernel *kernel,
                              const guint16 *const  *rows,
                              guint8                *out,
                              int                    n);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AugurBlurKernel, augur_blur_kernel_clear)

G_END_DECLS
