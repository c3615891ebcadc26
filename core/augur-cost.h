/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-pipeline.h"

G_BEGIN_DECLS

/*
 * AugurCost (declared in augur-transform.h): what one input may cost a
 * recipe, bounded from above.
 *
 * @work: estimated operations, one per channel value per kernel tap or per
 *   arithmetic step of a pixel (see augur-cost.c for what each kind of
 *   transform counts); a count, not a time
 * @memory: bytes held at the peak, the step's input image included
 *
 * Every step is taken to apply, each at the end of its ranges that costs
 * most. The recipe reader accepts recipes whose cost has no bound of its
 * own (a hundred wide blurs, a resize to 16384 x 16384); the budget
 * refuses them per input, before any pixel is decoded.
 */

/* The default budget per input: about half a minute of one core of a
 * 2020s desktop for the work, and 2 GiB of memory. */
#define AUGUR_COST_DEFAULT_MAX_WORK    3.0e10
#define AUGUR_COST_DEFAULT_MAX_MEMORY  (2.0 * 1024 * 1024 * 1024)

void      augur_transform_cost   (const AugurTransformInfo *info,
                                  const AugurValue         *params,
                                  const AugurShape         *in,
                                  AugurShape               *out,
                                  AugurCost                *cost);
void      augur_node_cost        (const AugurNode          *node,
                                  const AugurShape         *in,
                                  AugurShape               *out,
                                  AugurCost                *cost);
gboolean  augur_cost_check       (const AugurCost          *cost,
                                  double                    max_work,
                                  double                    max_memory,
                                  GError                  **error);
char     *augur_cost_describe    (const AugurCost          *cost);

/* Helpers for the transforms' cost hooks. */
double    augur_cost_image_bytes (const AugurShape         *shape);
double    augur_cost_warp_work   (const AugurShape         *out,
                                  int                       interpolation);
void      augur_cost_set_warp    (const AugurShape         *in,
                                  const AugurShape         *out,
                                  int                       interpolation,
                                  AugurCost                *cost);
void      augur_cost_set_copy    (const AugurShape         *in,
                                  const AugurShape         *out,
                                  AugurCost                *cost);

G_END_DECLS
