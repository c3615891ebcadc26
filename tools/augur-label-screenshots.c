/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-label-screenshots"

#include "config.h"

#include <stdlib.h>

#include "augur-label-formats.h"
#include "augur-label-overlay.h"
#include "augur-recipe.h"
#include "augur-rng.h"

/*
 * Renders docs/screenshots/labels.png: for three of the bundled samples,
 * the original and three draws of the default recipe (the draws
 * `augur-cli apply -n 3` writes), each with its labels drawn over it by
 * the label overlay: boxes with class names, keypoints with names, the
 * coffee mask in colour.
 *
 *   augur-label-screenshots SOURCEDIR OUTPUT.png
 */

#define CELL   240
#define GAP    6
#define DRAWS  3

static const char *const samples[] = { "chelsea.png", "coffee.png", "astronaut.png" };

static cairo_surface_t *
surface_of (const AugurImage *image)
{
  g_autoptr(AugurImage) rgb = augur_image_convert (image, 3);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, rgb->width, rgb->height);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  for (int y = 0; y < rgb->height; y++)
    {
      const guint8 *s = augur_image_row (rgb, y);
      guint32 *d = (guint32 *) (data + (gsize) y * stride);

      for (int x = 0; x < rgb->width; x++)
        d[x] = (guint32) s[3 * x] << 16 | (guint32) s[3 * x + 1] << 8 | s[3 * x + 2];
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* @image and its @labels in a CELL x CELL cell at (x, y), fitted. */
static void
draw_cell (cairo_t           *cr,
           double             x,
           double             y,
           const AugurImage  *image,
           const AugurLabels *labels)
{
  cairo_surface_t *surface = surface_of (image);
  double scale = MIN ((double) CELL / image->width, (double) CELL / image->height);

  cairo_save (cr);
  cairo_translate (cr, x + (CELL - image->width * scale) / 2, y + (CELL - image->height * scale) / 2);
  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);
  augur_label_overlay_draw (cr, labels, scale, AUGUR_LABEL_OVERLAY_ALL);
  cairo_restore (cr);
  cairo_surface_destroy (surface);
}

static void
fail (GError *error)
{
  g_printerr ("augur-label-screenshots: %s\n", error->message);
  exit (1);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *recipe_path = NULL;
  g_autofree char *coco = NULL;
  g_autofree char *masks_dir = NULL;
  g_autofree char *coco_spec = NULL;
  g_autofree char *masks_spec = NULL;
  g_autoptr(AugurRecipe) recipe = NULL;
  g_autoptr(AugurLabelSource) boxes = NULL;
  g_autoptr(AugurLabelSource) masks = NULL;
  cairo_surface_t *sheet;
  cairo_t *cr;
  int width = (DRAWS + 1) * CELL + DRAWS * GAP, height = 3 * CELL + 2 * GAP;

  if (argc != 3)
    {
      g_printerr ("usage: augur-label-screenshots SOURCEDIR OUTPUT.png\n");
      return 2;
    }
  recipe_path = g_build_filename (argv[1], "data", "recipes", "default.json", NULL);
  coco = g_build_filename (argv[1], "data", "samples", "labels.coco.json", NULL);
  masks_dir = g_build_filename (argv[1], "data", "sample-masks", NULL);
  coco_spec = g_strconcat ("coco:", coco, NULL);
  masks_spec = g_strconcat ("masks:", masks_dir, NULL);

  recipe = augur_recipe_load (recipe_path, &error);
  if (recipe == NULL)
    fail (error);
  if (recipe->labels == NULL)
    recipe->labels = augur_label_params_new ();
  augur_label_params_add_swap (recipe->labels, "left_eye", "right_eye");
  boxes = augur_label_source_open (coco_spec, &error);
  masks = boxes ? augur_label_source_open (masks_spec, &error) : NULL;
  if (masks == NULL)
    fail (error);

  sheet = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (sheet);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  for (guint s = 0; s < G_N_ELEMENTS (samples); s++)
    {
      g_autofree char *path = g_build_filename (argv[1], "data", "samples", samples[s], NULL);
      g_autoptr(AugurImage) image = augur_image_load (path, AUGUR_DEFAULT_MAX_PIXELS, &error);
      g_autoptr(AugurLabels) labels = NULL;
      AugurShape shape;

      if (image == NULL)
        fail (error);
      labels = augur_label_source_read (boxes, samples[s], image->width, image->height, &error);
      if (labels == NULL)
        fail (error);
      if (g_str_equal (samples[s], "coffee.png"))
        {
          g_autoptr(AugurLabels) map = augur_label_source_read (masks, samples[s], image->width,
                                                                image->height, &error);

          if (map == NULL)
            fail (error);
          labels->mask_depth = map->mask_depth;
          labels->planes[0] = augur_image_ref (map->planes[0]);
        }
      shape = (AugurShape) { image->width, image->height, image->channels };
      draw_cell (cr, 0, s * (CELL + GAP), image, labels);
      for (guint k = 0; k < DRAWS; k++)
        {
          guint64 seed = augur_seed_derive (recipe->seed, samples[s], k);
          g_autoptr(AugurReplay) replay = augur_node_sample (recipe->pipeline, &shape, seed);
          g_autoptr(AugurLabels) out_labels = NULL;
          g_autoptr(AugurImage) out = augur_node_apply_labels (recipe->pipeline, image, labels, replay,
                                                               recipe->labels, &out_labels, NULL);

          draw_cell (cr, (k + 1) * (CELL + GAP), s * (CELL + GAP), out, out_labels);
        }
    }

  cairo_destroy (cr);
  if (cairo_surface_write_to_png (sheet, argv[2]) != CAIRO_STATUS_SUCCESS)
    {
      g_printerr ("augur-label-screenshots: cannot write %s\n", argv[2]);
      return 1;
    }
  cairo_surface_destroy (sheet);
  return 0;
}
