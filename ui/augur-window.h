/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "augur-application.h"
#include "augur-recipe.h"

G_BEGIN_DECLS

#define AUGUR_TYPE_WINDOW (augur_window_get_type ())

G_DECLARE_FINAL_TYPE (AugurWindow, augur_window, AUGUR, WINDOW, AdwApplicationWindow)

AugurWindow       *augur_window_new                   (AugurApplication *application);

/* Adds images; folders are scanned (not recursively) for images, sorted by
 * name. A .json file among @files is opened as the recipe. Returns at once:
 * the files are stat'ed and the folders read on a worker thread. */
void               augur_window_add_files             (AugurWindow      *self,
                                                       GFile           **files,
                                                       guint             n_files);
/* Whether files given to augur_window_add_files() are still being examined
 * (off the main thread) before they join the strip. */
gboolean           augur_window_is_adding_files       (AugurWindow      *self);
/* Opens @file as the document; errors are shown in the window. */
gboolean           augur_window_open_recipe           (AugurWindow      *self,
                                                       GFile            *file);
/* Loads @file as an untitled recipe (the bundled default), so that saving
 * asks where. */
gboolean           augur_window_open_recipe_as_template (AugurWindow    *self,
                                                         GFile          *file);
/* Opens the bundled preset @name (see augur_presets_list()) as an untitled
 * recipe; errors are shown in the window. */
gboolean           augur_window_open_preset           (AugurWindow      *self,
                                                       const char       *name);
/* Opens a COCO file, or a folder of YOLO, VOC or mask labels (told apart
 * by what it holds), and shows them on the preview; errors are shown in
 * the window. */
gboolean           augur_window_open_labels           (AugurWindow      *self,
                                                       GFile            *file);
void               augur_window_open_labels_async     (AugurWindow      *self,
                                                       GFile            *file,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
gboolean           augur_window_open_labels_finish    (AugurWindow      *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);
char              *augur_window_dup_label_spec        (GFile            *file,
                                                       GError          **error);
void               augur_window_check_leaks           (AugurWindow      *self,
                                                       GFile            *first,
                                                       GFile            *second);
/* Opens what the last session had: its recipe file (when it still reads)
 * and its sample folder (when it still exists). Says which through
 * @recipe_out and @samples_out, so that the caller opens the bundled
 * ones for the rest. */
void               augur_window_restore_session       (AugurWindow      *self,
                                                       gboolean         *recipe_out,
                                                       gboolean         *samples_out);
/* If a crash left an autosaved recipe that differs from the open one, offers
 * to restore it. */
void               augur_window_check_autosave        (AugurWindow      *self);

gboolean           augur_window_save_to_file          (AugurWindow      *self,
                                                       GFile            *file,
                                                       GError          **error);

const AugurRecipe *augur_window_get_recipe            (AugurWindow      *self);
GFile             *augur_window_get_file              (AugurWindow      *self);
gboolean           augur_window_get_modified          (AugurWindow      *self);
GListModel        *augur_window_get_samples           (AugurWindow      *self);
GtkWidget         *augur_window_get_preview_pane      (AugurWindow      *self);
GtkWidget         *augur_window_get_editor            (AugurWindow      *self);
GtkWidget         *augur_window_get_sample_strip      (AugurWindow      *self);
/* Comparing recipes: the view of A and B side by side, and whether it is
 * shown (win.compare-duplicate, win.compare-open start it,
 * win.compare-close ends it, asking about B's unsaved changes). */
GtkWidget         *augur_window_get_compare_view      (AugurWindow      *self);
gboolean           augur_window_open_recipe_as_b      (AugurWindow      *self,
                                                       GFile            *file);
gboolean           augur_window_get_comparing         (AugurWindow      *self);
guint              augur_window_get_n_undo            (AugurWindow      *self);
/* The text of the last toast (an error or a notice), for tests, and the
 * error's full text behind its "Details" button (NULL: none). */
const char        *augur_window_get_last_message      (AugurWindow      *self);
const char        *augur_window_get_last_details      (AugurWindow      *self);
/* What the bar over the views says when the recipe's estimated cost on
 * the current sample is over the budget for one input; NULL: hidden. */
const char        *augur_window_get_cost_warning      (AugurWindow      *self);
/* The most images a folder adds (500); a larger folder is sampled evenly. */
void               augur_window_set_max_folder_images (AugurWindow      *self,
                                                       guint             max);
guint              augur_window_sample_evenly         (GPtrArray        *files,
                                                       guint             max,
                                                       guint32           seed);
char              *augur_window_dup_plain_reason      (const GError     *error);
int                augur_window_editor_width_for      (int               saved,
                                                       int               width);

/* The crash-recovery file: $XDG_STATE_HOME/augur/autosave.json. */
char              *augur_window_dup_autosave_path     (void);

G_END_DECLS
