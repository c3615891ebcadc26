/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "augur-label-formats.h"
#include "augur-preview-engine.h"
#include "augur-recipe.h"
#include "augur-sample.h"

G_BEGIN_DECLS

/*
 * Pixels. Every draw on screen is what augur-cli apply writes for the same
 * file and variant, brought down for display: the engine draws it from the
 * sample's full-resolution image and fits the result into the preview size
 * (augur_image_fit()). A quick pass from the sample's reduced copy (its
 * proxy, also at the preview size) may come first: it carries a "Preview"
 * badge and is replaced when the full draw is in. The enlarged view shows
 * the full-resolution draw itself.
 *
 * Seeds. Draw i of a sample uses augur_seed_derive (pane seed, sample name,
 * i), as augur-cli does for the same seed and file name, so a draw seen
 * here can be reproduced headlessly.
 *
 * - The pane seed starts as the recipe's seed and stays the same through
 *   every edit of the recipe: an edit never changes which random values are
 *   drawn, only what they mean, so a slider drag shows the same draws.
 * - Re-roll (R) moves to a new seed (derived from the current one, so the
 *   sequence of re-rolls is reproducible too).
 * - A recipe with a different seed (another file opened) brings its seed.
 * - Locked, the seed changes only when set explicitly
 *   (augur_preview_pane_set_seed()): neither re-roll nor another recipe's
 *   seed moves it, and the seed field is read-only.
 */

#define AUGUR_PREVIEW_DEFAULT_SIZE 512

#define AUGUR_TYPE_PREVIEW_PANE (augur_preview_pane_get_type ())
G_DECLARE_FINAL_TYPE (AugurPreviewPane, augur_preview_pane, AUGUR, PREVIEW_PANE, GtkWidget)

GtkWidget   *augur_preview_pane_new               (void);
void         augur_preview_pane_set_samples       (AugurPreviewPane  *self,
                                                   GListModel        *samples);
void         augur_preview_pane_set_current       (AugurPreviewPane  *self,
                                                   AugurSample       *sample);
void         augur_preview_pane_set_labels        (AugurPreviewPane  *self,
                                                   AugurLabelSource  *source);
gboolean     augur_preview_pane_sample_has_labels (AugurPreviewPane  *self,
                                                   AugurSample       *sample);
void         augur_preview_pane_set_recipe        (AugurPreviewPane  *self,
                                                   const AugurRecipe *recipe);
void         augur_preview_pane_set_selected_path (AugurPreviewPane  *self,
                                                   const char        *path);
void         augur_preview_pane_set_grid_size     (AugurPreviewPane  *self,
                                                   guint              n_draws);
void         augur_preview_pane_set_threads       (AugurPreviewPane  *self,
                                                   guint              n_threads);
void         augur_preview_pane_set_preview_size  (AugurPreviewPane  *self,
                                                   int                max_side);
guint        augur_preview_pane_get_n_draws       (AugurPreviewPane  *self);
AugurImage  *augur_preview_pane_get_draw          (AugurPreviewPane  *self,
                                                   guint              index);
guint64      augur_preview_pane_get_seed          (AugurPreviewPane  *self);
void         augur_preview_pane_set_seed          (AugurPreviewPane  *self,
                                                   guint64            seed);

/* Additions to the contract, for tests and the window. */
const char  *augur_preview_pane_get_mode          (AugurPreviewPane  *self);
void         augur_preview_pane_set_mode          (AugurPreviewPane  *self,
                                                   const char        *mode);
AugurPreviewEngine *augur_preview_pane_get_engine (AugurPreviewPane  *self);
GtkWidget   *augur_preview_pane_get_draw_view     (AugurPreviewPane  *self);
guint        augur_preview_pane_get_n_frames      (AugurPreviewPane  *self);
AugurImage  *augur_preview_pane_get_frame         (AugurPreviewPane  *self,
                                                   guint              index);
const char  *augur_preview_pane_get_frame_caption (AugurPreviewPane  *self,
                                                   guint              index);
const char  *augur_preview_pane_get_visible_page  (AugurPreviewPane  *self);

AugurLabelSource *augur_preview_pane_get_labels   (AugurPreviewPane  *self);

G_END_DECLS
