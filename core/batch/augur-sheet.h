/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-image.h"
#include "augur-pipeline.h"

G_BEGIN_DECLS

#define AUGUR_SHEET_DEFAULT_CELL 256
#define AUGUR_SHEET_DEFAULT_DRAWS 4
/* A sheet is an image Augur can read back. */
#define AUGUR_SHEET_MAX_PIXELS AUGUR_DEFAULT_MAX_PIXELS

AugurImage *augur_sheet_thumbnail      (const AugurImage   *image,
                                        int                 cell);
int         augur_sheet_gap            (int                 cell);
void        augur_sheet_size           (guint               rows,
                                        guint               columns,
                                        int                 cell,
                                        int                *width,
                                        int                *height);
gboolean    augur_sheet_check_size     (guint               rows,
                                        guint               columns,
                                        int                 cell,
                                        GError            **error);
AugurImage *augur_sheet_blank          (guint               rows,
                                        guint               columns,
                                        int                 cell,
                                        int                 header);
void        augur_sheet_paint_cell     (AugurImage         *sheet,
                                        guint               row,
                                        guint               column,
                                        int                 cell,
                                        int                 header,
                                        const AugurImage   *image);
gboolean    augur_sheet_paint_draws    (AugurImage         *sheet,
                                        guint               row,
                                        guint               first_column,
                                        int                 cell,
                                        int                 header,
                                        const AugurNode    *pipeline,
                                        guint64             seed,
                                        const AugurImage   *image,
                                        const char         *key,
                                        guint               n_draws,
                                        AugurReferencePool *pool,
                                        GError            **error);
AugurImage *augur_sheet_compose        (AugurImage * const *cells,
                                        guint               rows,
                                        guint               columns,
                                        int                 cell);
AugurImage *augur_sheet_new            (const AugurNode    *pipeline,
                                        guint64             seed,
                                        AugurImage * const *images,
                                        const char * const *keys,
                                        guint               n_images,
                                        guint               n_draws,
                                        int                 cell);

G_END_DECLS
