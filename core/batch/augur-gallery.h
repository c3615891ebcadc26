/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-reference.h"

#include "augur-image.h"
#include "augur-transform.h"

G_BEGIN_DECLS

#define AUGUR_GALLERY_DEFAULT_CELL  128
#define AUGUR_GALLERY_DEFAULT_DRAWS 3

/**
 * AugurGallery:
 *
 * The picture of one transform for the documentation: a grid of cells, each
 * an image with a caption. Row 0 holds the original and random draws of the
 * transform with its defaults; then one row per range parameter (per axis
 * of an x/y range): the original, then the transform with that range at its
 * low end, its middle and its high end, every other range at its middle
 * (core/batch/augur-extremes.h). A range whose default is a single value is
 * opened to its slider range for its own row, so that the row shows what
 * the parameter does.
 *
 * Everything is deterministic: the same transform table and image give the
 * same gallery.
 */
typedef struct
{
  guint       rows;
  guint       columns;
  GPtrArray  *images;    /* AugurImage, rows × columns, row by row; NULL: empty cell */
  GPtrArray  *captions;  /* char *, the same order; "" for none */
} AugurGallery;

AugurGallery *augur_gallery_new        (const AugurTransformInfo *info,
                                        const AugurImage         *src,
                                        guint                     n_draws);
AugurGallery *augur_gallery_new_full   (const AugurTransformInfo *info,
                                        const AugurImage         *src,
                                        guint                     n_draws,
                                        AugurReferencePool       *pool,
                                        GError                  **error);
void          augur_gallery_free       (AugurGallery             *gallery);

int           augur_gallery_caption_height (int                   cell);
void          augur_gallery_size       (guint                     rows,
                                        guint                     columns,
                                        int                       cell,
                                        int                      *width,
                                        int                      *height);
void          augur_gallery_cell_origin (int                      cell,
                                         guint                    row,
                                         guint                    column,
                                         int                     *x,
                                         int                     *y);
AugurImage   *augur_gallery_render     (const AugurGallery       *gallery,
                                        int                       cell);
char         *augur_gallery_to_text    (const AugurGallery       *gallery,
                                        const AugurTransformInfo *info);

void          augur_draw_text          (AugurImage               *image,
                                        int                       x,
                                        int                       y,
                                        int                       scale,
                                        const guint8             *colour,
                                        const char               *text);
int           augur_text_width         (const char               *text,
                                        int                       scale);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurGallery, augur_gallery_free)

G_END_DECLS
