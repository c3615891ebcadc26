/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "augur-image.h"
#include "augur-pipeline.h"
#include "augur-preview-engine.h"

G_BEGIN_DECLS

#define AUGUR_TYPE_PIPELINE_EDITOR (augur_pipeline_editor_get_type ())
G_DECLARE_FINAL_TYPE (AugurPipelineEditor, augur_pipeline_editor, AUGUR, PIPELINE_EDITOR, GtkWidget)

GtkWidget       *augur_pipeline_editor_new                (void);
/* Replaces the edited pipeline with a copy of @pipeline (a group node). Does not emit ::changed. */
void             augur_pipeline_editor_set_pipeline       (AugurPipelineEditor *self,
                                                           const AugurNode     *pipeline);
const AugurNode *augur_pipeline_editor_get_pipeline       (AugurPipelineEditor *self);
/* Image used for the live thumbnails of the add-step list (may be NULL). */
void             augur_pipeline_editor_set_thumbnail_image (AugurPipelineEditor *self,
                                                            AugurImage          *image);
/* The current sample's size (NULL: none): each row shows its share of the
 * recipe's estimated work on it. */
void             augur_pipeline_editor_set_input_shape    (AugurPipelineEditor *self,
                                                           const AugurShape    *shape);
/* The selected step as a path of child indices from the root, e.g. "2.0"; NULL if none. */
char            *augur_pipeline_editor_dup_selected_path  (AugurPipelineEditor *self);
/* Adds a step with default parameters at the end (or after the selection); used by tests. */
void             augur_pipeline_editor_add_step           (AugurPipelineEditor *self,
                                                           const char          *type_name);
/* Sets one parameter of the step at @path from a JSON value (as in a recipe); for tests and
 * for programmatic edits; emits ::changed like a user edit. Returns FALSE with @error if the
 * value is refused by the descriptor. Besides the transform's parameters, "p" (any step) and
 * "n", "replace" (SomeOf, RandomOrder) are accepted. */
gboolean         augur_pipeline_editor_set_param          (AugurPipelineEditor *self,
                                                           const char          *path,
                                                           const char          *param,
                                                           JsonNode            *value,
                                                           GError             **error);
void             augur_pipeline_editor_set_enabled        (AugurPipelineEditor *self,
                                                           const char          *path,
                                                           gboolean             enabled);

/* Additions to the contract, for tests and the window. */
/* Selects the step at @path alone (NULL: nothing); emits ::selection-changed. */
void             augur_pipeline_editor_select_path        (AugurPipelineEditor *self,
                                                           const char          *path);
/* Adds the step at @path to the selection (multi-select, as Ctrl+click). */
void             augur_pipeline_editor_extend_selection   (AugurPipelineEditor *self,
                                                           const char          *path);
/* Selects from the selected step to the step at @path, its sibling (as
 * Shift+click). */
void             augur_pipeline_editor_select_range       (AugurPipelineEditor *self,
                                                           const char          *path);
/* Expands (or collapses) the row of the step at @path, building its controls. */
void             augur_pipeline_editor_set_expanded       (AugurPipelineEditor *self,
                                                           const char          *path,
                                                           gboolean             expanded);
/* The switch that turns the step at @path on and off, or NULL. */
GtkWidget       *augur_pipeline_editor_get_enable_switch  (AugurPipelineEditor *self,
                                                           const char          *path);
/* The row widget of the step at @path (an AdwExpanderRow), or NULL. */
GtkWidget       *augur_pipeline_editor_get_row            (AugurPipelineEditor *self,
                                                           const char          *path);
/* The add-step popover (an AugurStepChooser). */
GtkWidget       *augur_pipeline_editor_get_step_chooser   (AugurPipelineEditor *self);
/* The preview's engine: each step's row shows what it took in its full-resolution draws. */
void             augur_pipeline_editor_set_cost_source    (AugurPipelineEditor *self,
                                                           AugurPreviewEngine  *engine);

G_END_DECLS
