/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-image.h"
#include "augur-recipe.h"

G_BEGIN_DECLS

/**
 * AugurBundled:
 * @name: the file name without ".json" ("fundus", "gaussian_noise-3")
 * @path: the recipe file
 * @description: the recipe's description (never NULL: a bundled recipe
 *   without one is refused)
 * @group: for a suite member, what it corrupts ("gaussian_noise"); for a
 *   preset, its name
 * @level: for a suite member, its severity (1-5); for a preset, 0
 *
 * One recipe bundled with Augur: a preset to start from (data/presets) or a
 * member of a stress suite (data/suites/SUITE).
 */
typedef struct
{
  char  *name;
  char  *path;
  char  *description;
  char  *group;
  guint  level;
} AugurBundled;

void        augur_bundled_free       (AugurBundled  *bundled);

char       *augur_data_dir           (void);

GPtrArray  *augur_presets_list       (const char    *datadir,
                                      GError       **error);
AugurRecipe *augur_preset_load       (const char    *datadir,
                                      const char    *name,
                                      GError       **error);

char      **augur_stress_suites      (const char    *datadir);
GPtrArray  *augur_stress_suite_list  (const char    *datadir,
                                      const char    *suite,
                                      guint          min_level,
                                      guint          max_level,
                                      GError       **error);

AugurImage *augur_stress_sheet       (GPtrArray     *members,
                                      const AugurImage *image,
                                      const char    *key,
                                      int            cell,
                                      GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurBundled, augur_bundled_free)

G_END_DECLS
