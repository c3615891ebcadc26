/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "augur-json.h"
#include "augur-labels.h"
#include "augur-pipeline.h"

G_BEGIN_DECLS

#define AUGUR_RECIPE_FORMAT     "augur-recipe"
#define AUGUR_RECIPE_VERSION    1
#define AUGUR_RECIPE_MAX_BYTES  (1024 * 1024)
#define AUGUR_RECIPE_MAX_DEPTH  32
/* The most transform applications one sample of a pipeline may make:
 * SomeOf with replacement, nested, would otherwise multiply without bound. */
#define AUGUR_RECIPE_MAX_APPLICATIONS 10000

/**
 * AugurRecipe:
 *
 * A seed and a pipeline: what a recipe file holds, and optionally the
 * settings of the labels that travel with the images (Compose-level, as
 * Albumentations' bbox_params and keypoint_params). See
 * docs/recipe-format.md.
 */
typedef struct
{
  guint64           seed;
  AugurNode        *pipeline;     /* always a group */
  char             *description;  /* what the recipe is for, or NULL (optional in the file) */
  AugurLabelParams *labels;       /* nullable: Albumentations' defaults */
} AugurRecipe;

/* The longest description a recipe may carry, in bytes. */
#define AUGUR_RECIPE_MAX_DESCRIPTION 4096

AugurRecipe *augur_recipe_new          (void);
AugurRecipe *augur_recipe_copy         (const AugurRecipe  *recipe);
void         augur_recipe_free         (AugurRecipe        *recipe);
gboolean     augur_recipe_equal        (const AugurRecipe  *a,
                                        const AugurRecipe  *b);

AugurRecipe *augur_recipe_load         (const char         *path,
                                        GError            **error);
AugurRecipe *augur_recipe_parse        (const char         *data,
                                        gssize              length,
                                        GError            **error);
AugurRecipe *augur_recipe_from_json    (JsonNode           *root,
                                        GError            **error);
JsonNode    *augur_recipe_to_json      (const AugurRecipe  *recipe);
char        *augur_recipe_to_string    (const AugurRecipe  *recipe);
gboolean     augur_recipe_save         (const AugurRecipe  *recipe,
                                        const char         *path,
                                        GError            **error);

JsonNode    *augur_node_to_json        (const AugurNode    *node);
AugurNode   *augur_node_from_json      (JsonNode           *json,
                                        const char         *where,
                                        GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurRecipe, augur_recipe_free)

G_END_DECLS
