/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-image.h"
#include "augur-rng.h"
#include "augur-resample.h"

G_BEGIN_DECLS

/*
 * The displacement field of ElasticTransform, and the warp through it.
 *
 * Albumentations draws white noise at every pixel, smooths it with a
 * Gaussian of sigma (mirroring at the edges, OpenCV's BORDER_REFLECT_101)
 * and scales it by alpha. The field built here has the same distribution,
 * with far fewer random numbers: the noise is drawn at impulses on a
 * lattice about sigma apart, each of the strength of the f x f pixels it
 * stands for, and every impulse is spread by the same Gaussian. The
 * squares of Gaussians of sigma over a lattice of step f sum to a constant
 * within a relative exp (-pi^2 sigma^2 / f^2) (Poisson's summation
 * formula: 5e-5 at f = sigma, 2e-3 at f = 1.25 sigma), so the field's
 * variance and correlations are those of the full-resolution
 * construction, the same at every pixel; mirrored copies of the impulses stand for
 * the mirrored noise at the edges. The Gaussian is separable: one pass
 * along x on the rows of impulses (stored, a fraction 1 / f of the image),
 * and one along y, computed with each output row, so no full-size field
 * or map ever exists.
 */

/* Source coordinates are in units of 1 / (1 << AUGUR_ELASTIC_FRAC_BITS)
 * pixel, as the bilinear resampler (augur-resample.c) quantises them. */
#define AUGUR_ELASTIC_FRAC_BITS 7

typedef struct _AugurElasticField AugurElasticField;

AugurElasticField *augur_elastic_field_new    (int                      width,
                                               int                      height,
                                               double                   alpha,
                                               double                   sigma,
                                               double                   radius,
                                               double                   step,
                                               gboolean                 uniform,
                                               gboolean                 same,
                                               guint64                  seed);
void               augur_elastic_field_free   (AugurElasticField       *field);
gsize              augur_elastic_field_bytes  (int                      width,
                                               int                      height,
                                               double                   sigma,
                                               double                   radius,
                                               double                   step);
void               augur_elastic_field_row    (const AugurElasticField *field,
                                               int                      y,
                                               float                   *dx,
                                               float                   *dy);
void               augur_elastic_field_source (const AugurElasticField *field,
                                               int                      y,
                                               float                   *scratch,
                                               gint32                  *qx,
                                               gint32                  *qy);
void               augur_elastic_field_map    (const AugurElasticField *field,
                                               int                      y0,
                                               int                      n,
                                               float                   *map);

AugurImage        *augur_elastic_remap        (const AugurElasticField *field,
                                               const AugurImage        *src,
                                               AugurBorder              border,
                                               const AugurFill         *fill);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurElasticField, augur_elastic_field_free)

void               augur_elastic_noise        (AugurRng                *rng,
                                               gboolean                 uniform,
                                               float                   *out,
                                               gsize                    n);

G_END_DECLS
