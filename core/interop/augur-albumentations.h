/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "augur-recipe.h"

G_BEGIN_DECLS

/* The Albumentations version whose format an export writes. */
#define AUGUR_ALB_VERSION "2.0.8"
/* The top-level key of an export that holds Augur's own metadata;
 * A.from_dict reads only "transform" and ignores it. */
#define AUGUR_ALB_METADATA_KEY "augur"

typedef enum
{
  AUGUR_ALB_EXPORT_DEFAULT          = 0,
  AUGUR_ALB_EXPORT_SKIP_UNSUPPORTED = 1 << 0, /* leave out steps with no counterpart */
} AugurAlbExportFlags;

typedef enum
{
  AUGUR_ALB_IMPORT_DEFAULT = 0,
  AUGUR_ALB_IMPORT_LENIENT = 1 << 0, /* keep what can be kept, note each loss */
} AugurAlbImportFlags;

const char  *augur_param_alb_name            (const AugurParamSpec     *spec);
const char  *augur_transform_alb_class       (const AugurTransformInfo *info);
AugurAlbEncoding augur_param_alb_encoding    (const AugurParamSpec     *spec);
const char  *augur_param_alb_encoding_text   (const AugurParamSpec     *spec);
gboolean     augur_param_alb_active          (const AugurTransformInfo *info,
                                              const AugurValue         *params,
                                              const AugurParamSpec     *spec);
JsonNode    *augur_param_to_albumentations   (const AugurParamSpec     *spec,
                                              const AugurValue         *value);

JsonNode    *augur_albumentations_export     (const AugurRecipe        *recipe,
                                              AugurAlbExportFlags       flags,
                                              GPtrArray                *skipped,
                                              GError                  **error);
char        *augur_albumentations_to_yaml    (JsonNode                 *root,
                                              GError                  **error);
char        *augur_albumentations_to_python  (const AugurRecipe        *recipe,
                                              AugurAlbExportFlags       flags,
                                              GPtrArray                *skipped,
                                              GError                  **error);

gboolean     augur_albumentations_detect     (const char               *data,
                                              gsize                     length);
AugurRecipe *augur_albumentations_parse      (const char               *data,
                                              gsize                     length,
                                              const char               *filename,
                                              AugurAlbImportFlags       flags,
                                              GPtrArray                *notes,
                                              GError                  **error);
AugurRecipe *augur_albumentations_load       (const char               *path,
                                              AugurAlbImportFlags       flags,
                                              GPtrArray                *notes,
                                              GError                  **error);

JsonNode    *augur_albumentations_describe   (const AugurTransformInfo *info);
char        *augur_albumentations_markdown   (void);

G_END_DECLS
