/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-gallery"

#include "config.h"

#include <string.h>

#include "augur-extremes.h"
#include "augur-gallery.h"
#include "augur-pipeline.h"
#include "augur-rng.h"
#include "augur-sheet.h"

/* The sheet's light grey, and dark grey captions on it. */
#define GALLERY_BACKGROUND 0xe6
#define GALLERY_INK        0x26

/* A small bitmap font --------------------------------------------------------------- */

/* 5x7 glyphs (8 rows with the descenders of g, j, p, q, y) of the printable
 * ASCII characters from ' ' to '~', one byte a row, top to bottom, bit 4
 * the leftmost column; characters without a glyph are all zero and drawn
 * as a box. */
static const guint8 font_glyphs[95][8] = {
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* ' ' */
  { 0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04, 0x00 }, /* '!' */
  { 0x0a, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '"' */
  { 0x0a, 0x0a, 0x1f, 0x0a, 0x1f, 0x0a, 0x0a, 0x00 }, /* '#' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '$' */
  { 0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03, 0x00 }, /* '%' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '&' */
  { 0x04, 0x04, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '\'' */
  { 0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02, 0x00 }, /* '(' */
  { 0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08, 0x00 }, /* ')' */
  { 0x00, 0x04, 0x15, 0x0e, 0x15, 0x04, 0x00, 0x00 }, /* '*' */
  { 0x00, 0x04, 0x04, 0x1f, 0x04, 0x04, 0x00, 0x00 }, /* '+' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x04, 0x08 }, /* ',' */
  { 0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00, 0x00 }, /* '-' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c, 0x00 }, /* '.' */
  { 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00, 0x00 }, /* '/' */
  { 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e, 0x00 }, /* '0' */
  { 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e, 0x00 }, /* '1' */
  { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f, 0x00 }, /* '2' */
  { 0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e, 0x00 }, /* '3' */
  { 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02, 0x00 }, /* '4' */
  { 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e, 0x00 }, /* '5' */
  { 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e, 0x00 }, /* '6' */
  { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08, 0x00 }, /* '7' */
  { 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e, 0x00 }, /* '8' */
  { 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c, 0x00 }, /* '9' */
  { 0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00, 0x00 }, /* ':' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* ';' */
  { 0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02, 0x00 }, /* '<' */
  { 0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00, 0x00 }, /* '=' */
  { 0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08, 0x00 }, /* '>' */
  { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04, 0x00 }, /* '?' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '@' */
  { 0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11, 0x00 }, /* 'A' */
  { 0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e, 0x00 }, /* 'B' */
  { 0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e, 0x00 }, /* 'C' */
  { 0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c, 0x00 }, /* 'D' */
  { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f, 0x00 }, /* 'E' */
  { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10, 0x00 }, /* 'F' */
  { 0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f, 0x00 }, /* 'G' */
  { 0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11, 0x00 }, /* 'H' */
  { 0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e, 0x00 }, /* 'I' */
  { 0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c, 0x00 }, /* 'J' */
  { 0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11, 0x00 }, /* 'K' */
  { 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f, 0x00 }, /* 'L' */
  { 0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11, 0x00 }, /* 'M' */
  { 0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x00 }, /* 'N' */
  { 0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e, 0x00 }, /* 'O' */
  { 0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10, 0x00 }, /* 'P' */
  { 0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d, 0x00 }, /* 'Q' */
  { 0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11, 0x00 }, /* 'R' */
  { 0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e, 0x00 }, /* 'S' */
  { 0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x00 }, /* 'T' */
  { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e, 0x00 }, /* 'U' */
  { 0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04, 0x00 }, /* 'V' */
  { 0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a, 0x00 }, /* 'W' */
  { 0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11, 0x00 }, /* 'X' */
  { 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04, 0x04, 0x00 }, /* 'Y' */
  { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f, 0x00 }, /* 'Z' */
  { 0x0e, 0x08, 0x08, 0x08, 0x08, 0x08, 0x0e, 0x00 }, /* '[' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '\\' */
  { 0x0e, 0x02, 0x02, 0x02, 0x02, 0x02, 0x0e, 0x00 }, /* ']' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '^' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x00 }, /* '_' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '`' */
  { 0x00, 0x00, 0x0e, 0x01, 0x0f, 0x11, 0x0f, 0x00 }, /* 'a' */
  { 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1e, 0x00 }, /* 'b' */
  { 0x00, 0x00, 0x0e, 0x10, 0x10, 0x11, 0x0e, 0x00 }, /* 'c' */
  { 0x01, 0x01, 0x0d, 0x13, 0x11, 0x11, 0x0f, 0x00 }, /* 'd' */
  { 0x00, 0x00, 0x0e, 0x11, 0x1f, 0x10, 0x0e, 0x00 }, /* 'e' */
  { 0x06, 0x09, 0x08, 0x1c, 0x08, 0x08, 0x08, 0x00 }, /* 'f' */
  { 0x00, 0x00, 0x0f, 0x11, 0x11, 0x0f, 0x01, 0x0e }, /* 'g' */
  { 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11, 0x00 }, /* 'h' */
  { 0x04, 0x00, 0x0c, 0x04, 0x04, 0x04, 0x0e, 0x00 }, /* 'i' */
  { 0x02, 0x00, 0x06, 0x02, 0x02, 0x02, 0x12, 0x0c }, /* 'j' */
  { 0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12, 0x00 }, /* 'k' */
  { 0x0c, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e, 0x00 }, /* 'l' */
  { 0x00, 0x00, 0x1a, 0x15, 0x15, 0x11, 0x11, 0x00 }, /* 'm' */
  { 0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11, 0x00 }, /* 'n' */
  { 0x00, 0x00, 0x0e, 0x11, 0x11, 0x11, 0x0e, 0x00 }, /* 'o' */
  { 0x00, 0x00, 0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10 }, /* 'p' */
  { 0x00, 0x00, 0x0f, 0x11, 0x11, 0x0f, 0x01, 0x01 }, /* 'q' */
  { 0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10, 0x00 }, /* 'r' */
  { 0x00, 0x00, 0x0e, 0x10, 0x0e, 0x01, 0x1e, 0x00 }, /* 's' */
  { 0x08, 0x08, 0x1c, 0x08, 0x08, 0x09, 0x06, 0x00 }, /* 't' */
  { 0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0d, 0x00 }, /* 'u' */
  { 0x00, 0x00, 0x11, 0x11, 0x11, 0x0a, 0x04, 0x00 }, /* 'v' */
  { 0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0a, 0x00 }, /* 'w' */
  { 0x00, 0x00, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x00 }, /* 'x' */
  { 0x00, 0x00, 0x11, 0x11, 0x11, 0x0f, 0x01, 0x0e }, /* 'y' */
  { 0x00, 0x00, 0x1f, 0x02, 0x04, 0x08, 0x1f, 0x00 }, /* 'z' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '{' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '|' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '}' */
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '~' */
};

#define GLYPH_W       5
#define GLYPH_H       8
#define GLYPH_ADVANCE 6   /* one column between glyphs */
#define LINE_HEIGHT   9

int
augur_text_width (const char *text,
                  int         scale)
{
  int n = (int) strlen (text);

  return n > 0 ? scale * (n * GLYPH_ADVANCE - 1) : 0;
}

/**
 * augur_draw_text:
 * @image: an image its producer is still filling (images are immutable
 *   once handed out)
 * @colour: one value per channel of @image
 *
 * Draws @text (ASCII; other bytes as a box) with its top left corner at
 * (@x, @y), each font pixel a square of @scale pixels, clipped to @image.
 */
void
augur_draw_text (AugurImage   *image,
                 int           x,
                 int           y,
                 int           scale,
                 const guint8 *colour,
                 const char   *text)
{
  int nc = image->channels;

  g_return_if_fail (scale > 0);

  for (const char *p = text; *p; p++, x += GLYPH_ADVANCE * scale)
    {
      guchar ch = (guchar) *p;
      guint8 box[GLYPH_H] = { 0x1f, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1f, 0 };
      const guint8 *glyph;

      if (ch == ' ')
        continue;
      glyph = ch > ' ' && ch < 127 ? font_glyphs[ch - ' '] : box;
      if (ch > ' ' && ch < 127 && memcmp (glyph, (guint8[GLYPH_H]) { 0 }, GLYPH_H) == 0)
        glyph = box;

      for (int gy = 0; gy < GLYPH_H * scale; gy++)
        {
          int py = y + gy;
          guint8 bits = glyph[gy / scale];

          if (py < 0 || py >= image->height)
            continue;
          for (int gx = 0; gx < GLYPH_W * scale; gx++)
            {
              int px = x + gx;

              if (px < 0 || px >= image->width || !(bits & (0x10 >> (gx / scale))))
                continue;
              memcpy (augur_image_row (image, py) + px * nc, colour, nc);
            }
        }
    }
}

/* At most two lines of at most @max characters, broken at a space where
 * one is near; a longer text ends in "..". */
static void
wrap_caption (const char *text,
              int         max,
              char      **line1,
              char      **line2)
{
  gsize len = strlen (text);
  int cut;

  *line2 = NULL;
  if ((int) len <= max)
    {
      *line1 = g_strdup (text);
      return;
    }

  /* Before a parenthesis if the first part fits, else at the last space. */
  cut = max;
  if (strstr (text, " (") && strstr (text, " (") - text <= max)
    cut = (int) (strstr (text, " (") - text);
  else
    for (int i = max; i > max / 2; i--)
      if (text[i] == ' ')
        {
          cut = i;
          break;
        }
  *line1 = g_strndup (text, cut);
  text += cut;
  while (*text == ' ')
    text++;
  if ((int) strlen (text) <= max)
    *line2 = g_strdup (text);
  else
    *line2 = g_strdup_printf ("%.*s..", MAX (max - 2, 0), text);
}

/* Layout ------------------------------------------------------------------------------ */

static int
text_scale (int cell)
{
  return cell >= 224 ? 2 : 1;
}

/**
 * augur_gallery_caption_height:
 *
 * The strip under each cell that holds its caption (two lines).
 */
int
augur_gallery_caption_height (int cell)
{
  return text_scale (cell) * (2 * LINE_HEIGHT + 3);
}

void
augur_gallery_size (guint  rows,
                    guint  columns,
                    int    cell,
                    int   *width,
                    int   *height)
{
  int gap = augur_sheet_gap (cell);

  *width = gap + (int) columns * (cell + gap);
  *height = gap + (int) rows * (cell + augur_gallery_caption_height (cell) + gap);
}

/* The top left corner of a cell's image square. */
void
augur_gallery_cell_origin (int    cell,
                           guint  row,
                           guint  column,
                           int   *x,
                           int   *y)
{
  int gap = augur_sheet_gap (cell);

  *x = gap + (int) column * (cell + gap);
  *y = gap + (int) row * (cell + augur_gallery_caption_height (cell) + gap);
}

/* Building ---------------------------------------------------------------------------- */

void
augur_gallery_free (AugurGallery *gallery)
{
  if (gallery == NULL)
    return;
  g_ptr_array_unref (gallery->images);
  g_ptr_array_unref (gallery->captions);
  g_free (gallery);
}

static void
add_cell (AugurGallery *gallery,
          AugurImage   *image,
          char         *caption)
{
  g_ptr_array_add (gallery->images, image);
  g_ptr_array_add (gallery->captions, caption);
}

static gboolean
range_is_single (const AugurParamSpec *spec,
                 const AugurValue     *value)
{
  guint axes = spec->type == AUGUR_PARAM_XY_RANGE ? 2 : 1;

  for (guint a = 0; a < axes; a++)
    if (value->v[2 * a] != value->v[2 * a + 1])
      return FALSE;
  return TRUE;
}

/* Opens range @i of @node to its slider range when its default is a single
 * value and the transform accepts it; returns whether it did. */
static gboolean
open_range (const AugurTransformInfo *info,
            AugurNode                *node,
            guint                     i)
{
  const AugurParamSpec *spec = &info->params[i];
  AugurValue *value = &node->params[i];
  AugurValue saved = *value;

  if (!augur_param_is_range (spec) || value->is_null ||
      !range_is_single (spec, value) || spec->ui_min >= spec->ui_max)
    return FALSE;

  for (guint a = 0; a < (spec->type == AUGUR_PARAM_XY_RANGE ? 2u : 1u); a++)
    {
      value->v[2 * a] = spec->ui_min;
      value->v[2 * a + 1] = spec->ui_max;
    }
  if (!augur_param_check (spec, value, NULL) ||
      (info->check && !info->check (node->params, NULL)))
    {
      *value = saved;
      return FALSE;
    }
  return TRUE;
}

/* The step whose extremes make the row(s) of parameter @i: the defaults,
 * with every range whose default is a single value opened to its slider
 * range, so that the others sit at the middle of theirs. A transform whose
 * defaults are all "off" (XYMasking: no masks of no length) would otherwise
 * show nothing in any row. @opened says whether @i itself was opened. */
static AugurNode *
row_node (const AugurTransformInfo *info,
          guint                     i,
          gboolean                 *opened)
{
  AugurNode *node = augur_node_new_transform (info);

  node->p = 1.0;
  *opened = open_range (info, node, i);
  for (guint j = 0; j < info->n_params; j++)
    if (j != i)
      open_range (info, node, j);
  return node;
}

/**
 * augur_gallery_new:
 * @n_draws: random draws in row 0 (at least 3 columns follow the original
 *   in every row)
 *
 * Renders every cell of @info's gallery on @src, at full size (the sheet
 * scales them).
 *
 * Returns: (transfer full): the gallery
 */
AugurGallery *
augur_gallery_new (const AugurTransformInfo *info,
                   const AugurImage         *src,
                   guint                     n_draws)
{
  return augur_gallery_new_full (info, src, n_draws, NULL, NULL);
}

/**
 * augur_gallery_new_full:
 * @pool: (nullable): the images a blend draws from
 *
 * As augur_gallery_new(), for blends too: NULL with @error set when @info
 * is a blend and @pool has no image.
 */
AugurGallery *
augur_gallery_new_full (const AugurTransformInfo *info,
                        const AugurImage         *src,
                        guint                     n_draws,
                        AugurReferencePool       *pool,
                        GError                  **error)
{
  g_autoptr(AugurGallery) gallery = NULL;
  g_autoptr(AugurNode) defaults = NULL;

  g_return_val_if_fail (info != NULL && src != NULL, NULL);

  defaults = augur_node_new_transform (info);
  if (!augur_node_check_references (defaults, pool, error))
    return NULL;
  gallery = g_new0 (AugurGallery, 1);

  gallery->columns = 1 + MAX (n_draws, 3);
  gallery->images = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_image_unref);
  gallery->captions = g_ptr_array_new_with_free_func (g_free);

  /* Row 0: the original, then draws with the defaults. */
  defaults->p = 1.0;
  add_cell (gallery, augur_image_ref ((AugurImage *) src), g_strdup ("original"));
  for (guint k = 0; k < gallery->columns - 1; k++)
    {
      if (k < n_draws)
        {
          guint64 seed = augur_seed_derive (AUGUR_EXTREMES_SEED, info->name, k);

          AugurImage *draw = augur_node_run_full (defaults, src, seed, pool, NULL, error);

          if (draw == NULL)
            return NULL;
          add_cell (gallery, draw, g_strdup_printf ("draw %u", k + 1));
        }
      else
        add_cell (gallery, NULL, g_strdup (""));
    }
  gallery->rows = 1;

  /* A row per range (per axis): low, middle, high. */
  for (guint i = 0; i < info->n_params; i++)
    {
      const AugurParamSpec *spec = &info->params[i];
      g_autoptr(AugurNode) node = NULL;
      g_autoptr(GPtrArray) extremes = NULL;
      gboolean opened;

      if (!augur_param_is_range (spec))
        continue;
      node = row_node (info, i, &opened);
      extremes = augur_extremes_new (node);

      for (guint e = 0; e < extremes->len; e++)
        {
          const AugurExtreme *extreme = extremes->pdata[e];
          const char *value;
          AugurImage *rendered;

          if (!g_str_equal (extreme->param, spec->name) &&
              !(g_str_has_prefix (extreme->param, spec->name) &&
                extreme->param[strlen (spec->name)] == '.'))
            continue;

          if (extreme->end == AUGUR_EXTREME_LOW)
            {
              add_cell (gallery, augur_image_ref ((AugurImage *) src),
                        opened ? g_strdup_printf ("%s (slider range)", extreme->param)
                               : g_strdup (extreme->param));
              gallery->rows++;
            }
          value = strstr (extreme->label, " = ");
          value = value ? value + 3 : "";
          rendered = augur_extreme_render_full (extreme, src, pool, NULL, error);
          if (rendered == NULL)
            return NULL;
          add_cell (gallery, rendered,
                    g_strdup_printf ("%s: %s", extreme->end == AUGUR_EXTREME_LOW ? "low"
                                               : extreme->end == AUGUR_EXTREME_HIGH ? "high"
                                               : "middle", value));
          if (extreme->end == AUGUR_EXTREME_HIGH)
            for (guint c = 4; c < gallery->columns; c++)
              add_cell (gallery, NULL, g_strdup (""));
        }
    }

  g_assert (gallery->images->len == gallery->rows * gallery->columns);
  return g_steal_pointer (&gallery);
}

/* Rendering --------------------------------------------------------------------------- */

/**
 * augur_gallery_render:
 *
 * The gallery as one RGB sheet: each image scaled into a square cell of
 * @cell pixels, its caption centred under it.
 *
 * Returns: (transfer full): the sheet
 */
AugurImage *
augur_gallery_render (const AugurGallery *gallery,
                      int                 cell)
{
  static const guint8 ink[3] = { GALLERY_INK, GALLERY_INK, GALLERY_INK };
  int width, height, scale = text_scale (cell), gap = augur_sheet_gap (cell);
  int max_chars = (cell + gap) / (GLYPH_ADVANCE * scale);
  AugurImage *sheet;

  g_return_val_if_fail (gallery != NULL && cell > 0, NULL);

  augur_gallery_size (gallery->rows, gallery->columns, cell, &width, &height);
  sheet = augur_image_new (width, height, 3);
  memset (sheet->data, GALLERY_BACKGROUND, (gsize) sheet->stride * height);

  for (guint r = 0; r < gallery->rows; r++)
    {
      AugurImage * const *row = (AugurImage * const *) gallery->images->pdata + r * gallery->columns;
      g_autoptr(AugurImage) strip = augur_sheet_compose (row, 1, gallery->columns, cell);
      int x0, y0;

      /* The strip's cells, without its outer gaps, into place. */
      augur_gallery_cell_origin (cell, r, 0, &x0, &y0);
      for (int y = 0; y < cell; y++)
        memcpy (augur_image_row (sheet, y0 + y), augur_image_row (strip, gap + y),
                (gsize) MIN (strip->width, width) * 3);

      for (guint c = 0; c < gallery->columns; c++)
        {
          const char *caption = gallery->captions->pdata[r * gallery->columns + c];
          g_autofree char *line1 = NULL;
          g_autofree char *line2 = NULL;
          int cx, cy;

          if (*caption == '\0')
            continue;
          augur_gallery_cell_origin (cell, r, c, &cx, &cy);
          wrap_caption (caption, max_chars, &line1, &line2);
          cy += cell + 2 * scale;
          augur_draw_text (sheet, cx + (cell - augur_text_width (line1, scale)) / 2, cy,
                           scale, ink, line1);
          if (line2)
            augur_draw_text (sheet, cx + (cell - augur_text_width (line2, scale)) / 2,
                             cy + LINE_HEIGHT * scale, scale, ink, line2);
        }
    }

  return sheet;
}

/**
 * augur_gallery_to_text:
 *
 * The captions, row by row, for readers who cannot see the sheet.
 *
 * Returns: (transfer full): the text
 */
char *
augur_gallery_to_text (const AugurGallery       *gallery,
                       const AugurTransformInfo *info)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s: %u rows of %u cells\n", info->name, gallery->rows, gallery->columns);
  for (guint r = 0; r < gallery->rows; r++)
    {
      g_string_append_printf (s, "row %u:", r);
      for (guint c = 0; c < gallery->columns; c++)
        {
          const char *caption = gallery->captions->pdata[r * gallery->columns + c];

          if (*caption)
            g_string_append_printf (s, "%s %s", c > 0 ? " |" : "", caption);
        }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}
