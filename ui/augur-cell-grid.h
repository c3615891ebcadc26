/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AUGUR_TYPE_CELL_GRID (augur_cell_grid_get_type ())

G_DECLARE_FINAL_TYPE (AugurCellGrid, augur_cell_grid, AUGUR, CELL_GRID, GtkWidget)

GtkWidget *augur_cell_grid_new          (void);
void       augur_cell_grid_append       (AugurCellGrid *self,
                                         GtkWidget     *child);
void       augur_cell_grid_remove       (AugurCellGrid *self,
                                         GtkWidget     *child);
guint      augur_cell_grid_get_columns  (AugurCellGrid *self);
int        augur_cell_grid_get_cell_width (AugurCellGrid *self);
void       augur_cell_grid_best_fit     (guint          n,
                                         int            width,
                                         int            height,
                                         int            spacing,
                                         double         aspect,
                                         guint         *columns,
                                         int           *cell_width);

G_END_DECLS
