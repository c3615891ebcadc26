/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-image.h"
#include "augur-recipe.h"

G_BEGIN_DECLS

/**
 * AugurProfilePart:
 * @node: the step (a transform node of the recipe), or NULL for a stage of
 *   every image (decode, sample, encode)
 * @label: what to call it: "decode", "sample", "encode", or the step's
 *   type with its place in the pipeline ("Rotate (step 2)")
 * @ns: time spent in it over the whole profile, summed over threads
 * @applied: how many times the step applied (a stage: once per image)
 */
typedef struct
{
  const AugurNode *node;
  char            *label;
  gint64           ns;
  guint64          applied;
} AugurProfilePart;

/**
 * AugurProfile:
 * @images: images run through the whole recipe (decode, sample, apply,
 *   encode), over all threads
 * @wall_ns: how long the profile ran
 * @whole_ns: the time of every image from decode to encode, measured
 *   around each image on its own: the parts add up to it, but for the
 *   bookkeeping between them
 * @parts: AugurProfilePart, the stages first (decode, sample, encode), then
 *   the steps in pipeline order
 */
typedef struct
{
  guint      threads;
  guint64    images;
  gint64     wall_ns;
  gint64     whole_ns;
  GPtrArray *parts;
} AugurProfile;

AugurProfile *augur_profile_run   (const AugurRecipe  *recipe,
                                   GBytes * const     *files,
                                   const char * const *keys,
                                   guint               n_files,
                                   double              seconds,
                                   guint               threads,
                                   AugurImageFormat    format,
                                   GError            **error);
void          augur_profile_free  (AugurProfile       *profile);
double        augur_profile_images_per_second (const AugurProfile *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurProfile, augur_profile_free)

G_END_DECLS
