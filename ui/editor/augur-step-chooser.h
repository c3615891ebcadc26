/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "augur-image.h"

G_BEGIN_DECLS

#define AUGUR_TYPE_STEP_CHOOSER (augur_step_chooser_get_type ())
G_DECLARE_FINAL_TYPE (AugurStepChooser, augur_step_chooser, AUGUR, STEP_CHOOSER, GtkPopover)

/* The add-step list: a search entry over every transform of the registry,
 * grouped by category, each with a live thumbnail of the transform applied
 * to the current image, then the groups. ::chosen (const char *type_name). */
GtkWidget *augur_step_chooser_new                (void);
void       augur_step_chooser_set_image          (AugurStepChooser *self,
                                                  AugurImage       *image);
/* Renders the thumbnails on a worker thread if they are out of date; the
 * popover does it when it is shown. */
void       augur_step_chooser_update_thumbnails  (AugurStepChooser *self);
/* How many thumbnails are in place (for tests). */
guint      augur_step_chooser_get_n_thumbnails   (AugurStepChooser *self);
void       augur_step_chooser_set_search         (AugurStepChooser *self,
                                                  const char       *text);
guint      augur_step_chooser_get_n_visible      (AugurStepChooser *self);

/* The thumbnails' renderer, exposed for tests: @info applied, forced, with a
 * fixed seed, to @image scaled to fit @size (RGB or RGBA result). */
AugurImage *augur_step_chooser_render_thumbnail  (const AugurImage *image,
                                                  const char       *type_name,
                                                  int               size);
AugurImage *augur_step_chooser_default_image     (int               size);

G_END_DECLS
