/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "augur-labels.h"
#include "augur-preview-engine.h"
#include "augur-recipe.h"
#include "augur-sample.h"

G_BEGIN_DECLS

/*
 * Two recipes side by side: A (the window's document) and B (a duplicate
 * of it, or another recipe file). Both sides draw the same sample with the
 * same draw seeds, augur_seed_derive (seed, sample name, i) as the preview
 * grid and augur-cli do, so that draw i of A and draw i of B differ only by
 * what the recipes do differently.
 *
 * Under each side, what its steps did over %AUGUR_COMPARE_STATS_DRAWS draws
 * of the sample (the draws shown are the first of them), sampled on a
 * worker without rendering pixels: how often each step applied, the output
 * sizes, and with labels, how many boxes and keypoints were lost.
 */

#define AUGUR_COMPARE_STATS_DRAWS 200

typedef enum
{
  AUGUR_COMPARE_A,
  AUGUR_COMPARE_B,
  AUGUR_COMPARE_N_SIDES
} AugurCompareSide;

/**
 * AugurCompareStats:
 *
 * What one recipe's steps did over @n_draws draws: @applied maps a
 * transform's node id to the number of draws in which it applied (at least
 * once); @sizes maps "WIDTHxHEIGHT" to the number of draws of that output
 * size; @labels_in counts the boxes and keypoints given to each draw,
 * summed over the draws, and @labels_lost those a draw dropped. @error:
 * why the recipe could not be sampled (NULL when it could).
 */
typedef struct
{
  guint       n_draws;
  GHashTable *applied;   /* char * → GUINT_TO_POINTER (count) */
  GHashTable *sizes;     /* char * → GUINT_TO_POINTER (count) */
  guint       labels_in;
  guint       labels_lost;
  char       *error;
} AugurCompareStats;

AugurCompareStats *augur_compare_stats_compute (const AugurNode          *pipeline,
                                                const AugurShape         *in,
                                                guint64                   seed,
                                                const char               *key,
                                                guint                     n_draws,
                                                AugurReferencePool       *pool,
                                                const AugurLabels        *labels,
                                                const AugurLabelParams   *label_params,
                                                GCancellable             *cancellable);
guint              augur_compare_stats_get_applied (const AugurCompareStats *stats,
                                                    const char              *node_id);
guint              augur_compare_stats_get_size    (const AugurCompareStats *stats,
                                                    int                      width,
                                                    int                      height);
void               augur_compare_stats_free    (AugurCompareStats        *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurCompareStats, augur_compare_stats_free)

#define AUGUR_TYPE_COMPARE_VIEW (augur_compare_view_get_type ())
G_DECLARE_FINAL_TYPE (AugurCompareView, augur_compare_view, AUGUR, COMPARE_VIEW, GtkWidget)

GtkWidget          *augur_compare_view_new            (void);
void                augur_compare_view_set_recipe     (AugurCompareView   *self,
                                                       AugurCompareSide    side,
                                                       const AugurRecipe  *recipe,
                                                       const char         *title);
void                augur_compare_view_set_sample     (AugurCompareView   *self,
                                                       AugurSample        *sample,
                                                       AugurLabels        *labels);
void                augur_compare_view_set_seed       (AugurCompareView   *self,
                                                       guint64             seed);
guint64             augur_compare_view_get_seed       (AugurCompareView   *self);
void                augur_compare_view_set_n_draws    (AugurCompareView   *self,
                                                       guint               n_draws);
guint               augur_compare_view_get_n_draws    (AugurCompareView   *self);
void                augur_compare_view_set_references (AugurCompareView   *self,
                                                       AugurReferencePool *pool);
void                augur_compare_view_set_editing    (AugurCompareView   *self,
                                                       AugurCompareSide    side);
AugurCompareSide    augur_compare_view_get_editing    (AugurCompareView   *self);
/* For tests: the full-resolution draws shown (NULL until in), the
 * statistics (NULL until computed) and whether everything is in. */
AugurRenderResult  *augur_compare_view_get_result     (AugurCompareView   *self,
                                                       AugurCompareSide    side,
                                                       guint               index);
const AugurCompareStats *augur_compare_view_get_stats (AugurCompareView   *self,
                                                       AugurCompareSide    side);
gboolean            augur_compare_view_is_complete    (AugurCompareView   *self);

G_END_DECLS
