/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-sheet"

#include "config.h"

#include <string.h>

#include "augur-error.h"
#include "augur-rng.h"
#include "augur-sheet.h"

/* A neutral light grey behind the thumbnails (and under their alpha). */
#define SHEET_BACKGROUND 0xe6

/**
 * augur_sheet_gap:
 *
 * The space between cells (and around the sheet) for cells of @cell pixels.
 */
int
augur_sheet_gap (int cell)
{
  return CLAMP (cell / 32, 2, 16);
}

/**
 * augur_sheet_thumbnail:
 *
 * @image scaled to fit a square of @cell pixels, keeping its aspect ratio
 * (small images are enlarged, so that a sheet of tiny images stays
 * readable).
 */
AugurImage *
augur_sheet_thumbnail (const AugurImage *image,
                       int               cell)
{
  double scale;
  int w, h;

  g_return_val_if_fail (image != NULL && cell > 0, NULL);

  scale = MIN ((double) cell / image->width, (double) cell / image->height);
  w = CLAMP ((int) (image->width * scale + 0.5), 1, cell);
  h = CLAMP ((int) (image->height * scale + 0.5), 1, cell);
  if (w == image->width && h == image->height)
    return augur_image_ref ((AugurImage *) image);
  return augur_image_scale (image, w, h);
}

/* One side of a sheet of @n cells, in 64 bits: the number of images is
 * the caller's and not bounded. */
static gint64
sheet_side (guint n,
            int   cell)
{
  gint64 gap = augur_sheet_gap (cell);

  return gap + (gint64) n * (cell + gap);
}

void
augur_sheet_size (guint  rows,
                  guint  columns,
                  int    cell,
                  int   *width,
                  int   *height)
{
  *width = (int) MIN (sheet_side (columns, cell), G_MAXINT);
  *height = (int) MIN (sheet_side (rows, cell), G_MAXINT);
}

/**
 * augur_sheet_check_size:
 *
 * Whether a sheet of @rows by @columns cells of @cell pixels stays within
 * %AUGUR_SHEET_MAX_PIXELS (an image Augur can read back); the error gives
 * the size it would have. For a caller to ask before it decodes anything.
 */
gboolean
augur_sheet_check_size (guint    rows,
                        guint    columns,
                        int      cell,
                        GError **error)
{
  gint64 width, height;

  g_return_val_if_fail (cell > 0, FALSE);

  width = sheet_side (columns, cell);
  height = sheet_side (rows, cell);
  /* Each side first: their product could overflow. */
  if (width > AUGUR_SHEET_MAX_PIXELS || height > AUGUR_SHEET_MAX_PIXELS ||
      width * height > AUGUR_SHEET_MAX_PIXELS)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                   "%u rows of %u cells of %d pixels make a %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                   " sheet, over the limit of %" G_GINT64_FORMAT " pixels",
                   rows, columns, cell, width, height, AUGUR_SHEET_MAX_PIXELS);
      return FALSE;
    }
  return TRUE;
}

/* Paints @thumb centred in the cell whose top left corner is (x0, y0),
 * blended over the background where it has alpha. */
static void
paint (AugurImage       *sheet,
       const AugurImage *thumb,
       int               x0,
       int               y0,
       int               cell)
{
  g_autoptr(AugurImage) rgba = augur_image_convert (thumb, 4);
  int ox = x0 + (cell - rgba->width) / 2;
  int oy = y0 + (cell - rgba->height) / 2;

  for (int y = 0; y < rgba->height; y++)
    {
      const guint8 *s = augur_image_row (rgba, y);
      guint8 *d = augur_image_row (sheet, oy + y) + (gsize) ox * 3;

      for (int x = 0; x < rgba->width; x++, s += 4, d += 3)
        for (int c = 0; c < 3; c++)
          d[c] = (guint8) ((s[c] * s[3] + SHEET_BACKGROUND * (255 - s[3]) + 127) / 255);
    }
}

/**
 * augur_sheet_blank:
 *
 * An empty sheet of @rows by @columns cells of @cell pixels (RGB, the
 * background colour), for augur_sheet_paint_cell() to fill: a caller that
 * paints row by row holds one input at a time, however many rows there are.
 * @header adds a band of that many pixels above the first row (for labels).
 */
AugurImage *
augur_sheet_blank (guint rows,
                   guint columns,
                   int   cell,
                   int   header)
{
  AugurImage *sheet;
  int width, height;

  g_return_val_if_fail (rows > 0 && columns > 0 && cell > 0 && header >= 0, NULL);

  augur_sheet_size (rows, columns, cell, &width, &height);
  sheet = augur_image_new (width, height + header, 3);
  memset (sheet->data, SHEET_BACKGROUND, (gsize) sheet->stride * sheet->height);
  return sheet;
}

/**
 * augur_sheet_paint_cell:
 * @sheet: from augur_sheet_blank(), still being filled
 * @header: the header band the sheet was made with
 *
 * Paints @image, scaled to fit the cell, centred in the cell at @row,
 * @column.
 */
void
augur_sheet_paint_cell (AugurImage       *sheet,
                        guint             row,
                        guint             column,
                        int               cell,
                        int               header,
                        const AugurImage *image)
{
  g_autoptr(AugurImage) thumb = augur_sheet_thumbnail (image, cell);
  int gap = augur_sheet_gap (cell);

  paint (sheet, thumb, gap + (int) column * (cell + gap), header + gap + (int) row * (cell + gap), cell);
}

/**
 * augur_sheet_compose:
 * @cells: @rows × @columns images, row by row; NULL leaves a cell empty
 *
 * A contact sheet: each image scaled to fit a square cell of @cell pixels,
 * centred, with a small gap between cells. The sheet is RGB.
 */
AugurImage *
augur_sheet_compose (AugurImage * const *cells,
                     guint               rows,
                     guint               columns,
                     int                 cell)
{
  AugurImage *sheet;

  g_return_val_if_fail (rows > 0 && columns > 0 && cell > 0, NULL);

  sheet = augur_sheet_blank (rows, columns, cell, 0);
  for (guint r = 0; r < rows; r++)
    for (guint c = 0; c < columns; c++)
      if (cells[r * columns + c] != NULL)
        augur_sheet_paint_cell (sheet, r, c, cell, 0, cells[r * columns + c]);

  return sheet;
}

/**
 * augur_sheet_paint_draws:
 * @key: the key of @image, as the runner derives seeds from (its path
 *   relative to its input root)
 * @first_column: where the draws start in the row
 *
 * Paints @n_draws draws of @pipeline on @image into @row. Draw k uses the
 * seed augur_seed_derive (@seed, @key, k), so the cells show, scaled down,
 * the outputs `augur-cli apply` writes for the same recipe, seed and key.
 * Each full-size draw lives only while it is painted. Blends draw from
 * @pool: FALSE with @error set when a blend finds no reference.
 */
gboolean
augur_sheet_paint_draws (AugurImage         *sheet,
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
                         GError            **error)
{
  for (guint k = 0; k < n_draws; k++)
    {
      g_autoptr(AugurImage) draw = augur_node_run_full (pipeline, image, augur_seed_derive (seed, key, k),
                                                        pool, NULL, error);

      if (draw == NULL)
        return FALSE;
      augur_sheet_paint_cell (sheet, row, first_column + k, cell, header, draw);
    }
  return TRUE;
}

/**
 * augur_sheet_new:
 * @keys: the key of each image (see augur_sheet_paint_draws())
 * @n_draws: augmented draws per image
 *
 * One row per image: the original, then @n_draws draws of @pipeline.
 */
AugurImage *
augur_sheet_new (const AugurNode    *pipeline,
                 guint64             seed,
                 AugurImage * const *images,
                 const char * const *keys,
                 guint               n_images,
                 guint               n_draws,
                 int                 cell)
{
  AugurImage *sheet;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (pipeline != NULL && n_images > 0, NULL);

  sheet = augur_sheet_blank (n_images, n_draws + 1, cell, 0);
  for (guint i = 0; i < n_images; i++)
    {
      augur_sheet_paint_cell (sheet, i, 0, cell, 0, images[i]);
      /* No pool: a pipeline with blends is the caller's to refuse. */
      if (!augur_sheet_paint_draws (sheet, i, 1, cell, 0, pipeline, seed, images[i], keys[i], n_draws,
                                    NULL, &error))
        g_critical ("%s", error->message);
    }
  return sheet;
}
