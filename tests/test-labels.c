/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-labels.h"
#include "augur-recipe.h"
#include "augur-rng.h"

#include "augur-test-util.h"

/*
 * Labels through the pipeline: for every spatial transform of the table
 * and seeded draws, boxes, keypoints and masks carried by
 * augur_node_apply_labels () must stay on what the pixels show: a box
 * holds its object's bright pixels, a keypoint lands on its dot, a mask
 * still covers its object and gains no new values. Then the settings
 * (BboxParams' filters, remove_invisible, label_swap), the per-step
 * record, and the recipe's bbox_params and keypoint_params.
 */

#define W 64
#define H 48
#define DRAWS 16

/* A gray image, black but for the rectangle x0 .. x1, y0 .. y1 (pixels,
 * ends excluded) at @value. */
static AugurImage *
rect_image (int    x0,
            int    y0,
            int    x1,
            int    y1,
            guint8 value)
{
  AugurImage *image = augur_test_flat_image (W, H, 1, 0);

  for (int y = y0; y < y1; y++)
    memset (augur_image_row (image, y) + x0, value, x1 - x0);
  return image;
}

/* The draw's object: a rectangle of 4 to 12 pixels a side, 3 pixels or
 * more from the edges. */
static void
draw_rect (guint draw,
           int   r[4])
{
  AugurRng rng;
  int w, h;

  augur_rng_init (&rng, 5000 + draw);
  w = (int) augur_rng_int (&rng, 4, 12);
  h = (int) augur_rng_int (&rng, 4, 12);
  r[0] = (int) augur_rng_int (&rng, 3, W - 3 - w);
  r[1] = (int) augur_rng_int (&rng, 3, H - 3 - h);
  r[2] = r[0] + w;
  r[3] = r[1] + h;
}

/* Runs @node on @src with @labels (draw seed 100 + @draw); the image must
 * be the one augur_node_apply () gives. */
static AugurImage *
run_labels (const AugurNode   *node,
            const AugurImage  *src,
            const AugurLabels *labels,
            guint              draw,
            const AugurLabelParams *settings,
            AugurLabels      **out_labels,
            AugurLabelRecord  *record)
{
  AugurShape in = { src->width, src->height, src->channels };
  g_autoptr(AugurReplay) replay = augur_node_sample (node, &in, 100 + draw);
  g_autoptr(AugurImage) plain = augur_node_apply (node, src, replay);
  AugurImage *out;

  out = augur_node_apply_labels (node, src, labels, replay, settings, out_labels, record);
  g_assert_true (augur_image_equal (out, plain));
  g_assert_cmpint ((*out_labels)->width, ==, out->width);
  g_assert_cmpint ((*out_labels)->height, ==, out->height);
  return out;
}

/* Boxes: every clearly bright pixel of the result lies within its
 * object's mapped box (a pixel's reach through interpolation is 1.5
 * pixels); a box dropped for leaving the image leaves no bright pixel
 * farther than that from an edge. */
static void
test_box (gconstpointer data)
{
  const AugurTransformInfo *info = data;
  g_autoptr(AugurNode) node = augur_test_spatial_node (info);
  guint kept = 0;

  for (guint draw = 0; draw < DRAWS; draw++)
    {
      g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
      g_autoptr(AugurLabels) out_labels = NULL;
      g_autoptr(AugurLabelRecord) record = augur_label_record_new ();
      g_autoptr(AugurImage) src = NULL;
      g_autoptr(AugurImage) out = NULL;
      const AugurBox *box;
      int r[4];

      draw_rect (draw, r);
      src = rect_image (r[0], r[1], r[2], r[3], 255);
      augur_labels_add_box (labels, r[0], r[1], r[2], r[3], 3, "object");
      out = run_labels (node, src, labels, draw, NULL, &out_labels, record);

      g_assert_cmpuint (record->steps->len, ==, 1);
      g_assert_cmpuint (g_array_index (record->steps, AugurLabelStep, 0).boxes_in, ==, 1);
      box = augur_labels_find_box (out_labels, 0);
      g_assert_cmpuint (out_labels->boxes->len + g_array_index (record->steps, AugurLabelStep, 0).boxes_dropped,
                        ==, 1);

      for (int y = 0; y < out->height; y++)
        for (int x = 0; x < out->width; x++)
          {
            double cx = x + 0.5, cy = y + 0.5;

            if (augur_test_pixel (out, x, y, 0) < 128)
              continue;
            if (box == NULL)
              {
                g_assert_true (cx < 1.5 || cy < 1.5 || cx > out->width - 1.5 ||
                               cy > out->height - 1.5);
                continue;
              }
            g_assert_cmpfloat (cx, >=, box->x_min - 1.5);
            g_assert_cmpfloat (cx, <=, box->x_max + 1.5);
            g_assert_cmpfloat (cy, >=, box->y_min - 1.5);
            g_assert_cmpfloat (cy, <=, box->y_max + 1.5);
          }
      if (box)
        {
          g_assert_cmpint (box->class_id, ==, 3);
          g_assert_cmpstr (box->label, ==, "object");
          g_assert_cmpfloat (box->x_min, >=, 0);
          g_assert_cmpfloat (box->y_min, >=, 0);
          g_assert_cmpfloat (box->x_max, <=, out->width);
          g_assert_cmpfloat (box->y_max, <=, out->height);
          kept++;
        }
    }
  g_test_message ("%s: %u of %u boxes kept", info->name, kept, DRAWS);
  g_assert_cmpuint (kept, >=, DRAWS / 4);
}

/* Keypoints: a keypoint on a one-pixel dot lands on the dot's centroid; it is
 * dropped exactly when the warp sends it off the image. */
static void
test_keypoint (gconstpointer data)
{
  const AugurTransformInfo *info = data;
  g_autoptr(AugurNode) node = augur_test_spatial_node (info);
  guint checked = 0;

  for (guint draw = 0; draw < DRAWS; draw++)
    {
      g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
      g_autoptr(AugurLabels) out_labels = NULL;
      g_autoptr(AugurImage) src = NULL;
      g_autoptr(AugurImage) out = NULL;
      const AugurKeypoint *k;
      double mx = 0, my = 0;
      int r[4];

      draw_rect (draw, r);
      src = rect_image (r[0], r[1], r[0] + 1, r[1] + 1, 255);
      augur_labels_add_keypoint (labels, r[0] + 0.5, r[1] + 0.5, "dot");
      out = run_labels (node, src, labels, draw, NULL, &out_labels, NULL);

      k = augur_labels_find_keypoint (out_labels, 0);
      if (k == NULL)
        continue;
      g_assert_true (k->x >= 0 && k->y >= 0 && k->x <= out->width && k->y <= out->height);
      g_assert_cmpstr (k->label, ==, "dot");
      if (k->x < 3 || k->y < 3 || k->x > out->width - 3 || k->y > out->height - 3)
        continue;
      g_assert_cmpfloat (augur_test_centroid (out, &mx, &my), >, 0);
      g_assert_cmpfloat (fabs (mx - k->x), <=, 1.0);
      g_assert_cmpfloat (fabs (my - k->y), <=, 1.0);
      checked++;
    }
  g_test_message ("%s: %u of %u keypoints checked", info->name, checked, DRAWS);
  g_assert_cmpuint (checked, >=, DRAWS / 4);
}

/* Whether (x, y) lies inside the polygon (crossings of a ray to +x). */
static gboolean
polygon_contains (const AugurPolygon *p,
                  double              x,
                  double              y)
{
  const double *v = (const double *) (gpointer) p->xy->data;
  guint n = p->xy->len / 2;
  gboolean inside = FALSE;

  for (guint i = 0, j = n - 1; i < n; j = i++)
    if ((v[2 * i + 1] > y) != (v[2 * j + 1] > y) &&
        x < v[2 * j] + (y - v[2 * j + 1]) * (v[2 * i] - v[2 * j]) / (v[2 * i + 1] - v[2 * j + 1]))
      inside = !inside;
  return inside;
}

/* The kind of warp the node's step made in @replay's draw. */
static AugurWarpKind
warp_kind (const AugurNode   *node,
           const AugurReplay *replay,
           const AugurShape  *in)
{
  g_auto(AugurWarp) warp = { 0 };

  augur_warp_init (&warp, node->params, &replay->drawn, in);
  node->info->geometry (node->params, &replay->drawn, in, &warp);
  return warp.kind;
}

/* Polygons (COCO's segmentation): the outline of a rectangle object moves
 * with it and is cut to the result. Where the warp keeps lines straight
 * (crops, affine maps, homographies, the dihedral group), the polygon is
 * the object's outline: its area is the object's bright pixels up to its
 * perimeter, and every pixel the object fills lies inside it; after any
 * warp, its corners lie on the result. */
static void
test_polygon (gconstpointer data)
{
  const AugurTransformInfo *info = data;
  g_autoptr(AugurNode) node = augur_test_spatial_node (info);
  guint checked = 0;

  for (guint draw = 0; draw < DRAWS; draw++)
    {
      g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
      g_autoptr(AugurLabels) out_labels = NULL;
      g_autoptr(AugurImage) src = NULL;
      g_autoptr(AugurImage) out = NULL;
      g_autoptr(AugurReplay) replay = NULL;
      AugurShape in = { W, H, 1 };
      AugurWarpKind kind;
      double area = 0, perimeter = 0;
      int r[4];
      guint bright = 0;

      draw_rect (draw, r);
      src = rect_image (r[0], r[1], r[2], r[3], 255);
      augur_labels_add_box (labels, r[0], r[1], r[2], r[3], 3, "object");
      augur_labels_add_polygon (labels, 0, (const double[]) { r[0], r[1], r[2], r[1], r[2], r[3], r[0], r[3] }, 4);
      out = run_labels (node, src, labels, draw, NULL, &out_labels, NULL);

      for (guint i = 0; i < out_labels->polygons->len; i++)
        {
          const AugurPolygon *p = &g_array_index (out_labels->polygons, AugurPolygon, i);
          const double *v = (const double *) (gpointer) p->xy->data;
          guint n = p->xy->len / 2;

          g_assert_nonnull (augur_labels_find_box (out_labels, p->box));
          g_assert_cmpuint (n, >=, 3);
          for (guint k = 0; k < n; k++)
            {
              g_assert_true (v[2 * k] >= -1e-9 && v[2 * k] <= out->width + 1e-9);
              g_assert_true (v[2 * k + 1] >= -1e-9 && v[2 * k + 1] <= out->height + 1e-9);
              perimeter += hypot (v[2 * ((k + 1) % n)] - v[2 * k], v[2 * ((k + 1) % n) + 1] - v[2 * k + 1]);
            }
          area += augur_polygon_area (p);
        }

      replay = augur_node_sample (node, &in, 100 + draw);
      kind = replay->applied ? warp_kind (node, replay, &in) : AUGUR_WARP_CROP;
      if (kind == AUGUR_WARP_MAP || kind == AUGUR_WARP_TILES || augur_labels_find_box (out_labels, 0) == NULL)
        continue;
      /* a convex outline, cut to the image: one polygon */
      g_assert_cmpuint (out_labels->polygons->len, ==, 1);
      for (int y = 0; y < out->height; y++)
        for (int x = 0; x < out->width; x++)
          {
            int v = augur_test_pixel (out, x, y, 0);

            bright += v >= 128;
            if (v > 250)
              g_assert_true (polygon_contains (&g_array_index (out_labels->polygons, AugurPolygon, 0),
                                               x + 0.5, y + 0.5));
          }
      g_assert_cmpfloat (fabs (bright - area), <=, perimeter + 4);
      checked++;
    }
  g_test_message ("%s: %u of %u polygons checked", info->name, checked, DRAWS);
}

/* Masks, 8- and 16-bit: a label map of the image's own object still covers
 * it after the step (every pixel the object clearly fills has its label,
 * and every pixel of the label shows some of the object), and no value
 * appears that was not in the map. The 16-bit label has different low and
 * high bytes, so that a pixel whose two bytes came from different places
 * would show a new value. */
static void
check_mask (const AugurTransformInfo *info,
            guint                     label,
            int                       depth)
{
  g_autoptr(AugurNode) node = augur_test_spatial_node (info);
  guint covered = 0;

  for (guint draw = 0; draw < DRAWS; draw++)
    {
      g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
      g_autoptr(AugurLabels) out_labels = NULL;
      g_autoptr(AugurImage) src = NULL;
      g_autoptr(AugurImage) out = NULL;
      g_autofree guint16 *values = g_new0 (guint16, W * H);
      guint on_label = 0, bright_off = 0, filled = 0;
      int r[4];

      draw_rect (draw, r);
      src = rect_image (r[0], r[1], r[2], r[3], 255);
      for (int y = r[1]; y < r[3]; y++)
        for (int x = r[0]; x < r[2]; x++)
          values[y * W + x] = (guint16) label;
      augur_labels_set_mask (labels, values, depth);
      out = run_labels (node, src, labels, draw, NULL, &out_labels, NULL);

      g_assert_cmpint (out_labels->mask_depth, ==, depth);
      for (int y = 0; y < out->height; y++)
        for (int x = 0; x < out->width; x++)
          {
            guint v = augur_labels_mask_value (out_labels, x, y);
            int p = augur_test_pixel (out, x, y, 0);

            g_assert_true (v == 0 || v == label);
            if (p >= 250 && v != label)
              bright_off++;
            if (v == label)
              {
                on_label++;
                g_assert_cmpint (p, >=, 16);
              }
            filled += p >= 250;
          }
      /* the only pixels allowed off the label: those where a resize that
       * averages (area) fills a pixel from several that nearest picks one of */
      g_assert_cmpuint (bright_off, <=, filled / 20);
      covered += on_label > 0;
    }
  g_assert_cmpuint (covered, >=, DRAWS / 4);
}

static void
test_mask8 (gconstpointer data)
{
  check_mask (data, 7, 8);
}

static void
test_mask16 (gconstpointer data)
{
  check_mask (data, 0x0507, 16);
}

/* fill_mask: where a constant border shows (the image there is exactly
 * its fill, 0, and the input was 200 everywhere), masks take fill_mask;
 * where the image is whole, the label; nothing else. */
static void
test_fill_mask (gconstpointer data)
{
  const AugurTransformInfo *info = data;
  g_autoptr(AugurNode) node = augur_test_spatial_node (info);
  g_autoptr(AugurImage) src = augur_test_flat_image (W, H, 1, 200);
  AugurValue *fill_mask = augur_test_param (node, "fill_mask");
  guint border = 0;

  fill_mask->v[0] = 0x0309;
  for (guint draw = 0; draw < DRAWS; draw++)
    {
      g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
      g_autoptr(AugurLabels) out_labels = NULL;
      g_autoptr(AugurImage) out = NULL;
      g_autofree guint16 *values = g_new (guint16, W * H);

      for (int i = 0; i < W * H; i++)
        values[i] = 0x0105;
      augur_labels_set_mask (labels, values, 16);
      out = run_labels (node, src, labels, draw, NULL, &out_labels, NULL);
      for (int y = 0; y < out->height; y++)
        for (int x = 0; x < out->width; x++)
          {
            guint v = augur_labels_mask_value (out_labels, x, y);
            int p = augur_test_pixel (out, x, y, 0);

            g_assert_true (v == 0x0105 || v == 0x0309);
            if (p == 0)
              g_assert_cmpuint (v, ==, 0x0309);
            if (p == 200)
              g_assert_cmpuint (v, ==, 0x0105);
            border += v == 0x0309;
          }
    }
  g_test_message ("%s: %u pixels of border", info->name, border);
}

/* Pixel steps ---------------------------------------------------------------- */

/* Colour and blur steps leave every label where it was, and the masks as
 * they were. */
static void
test_pixel_steps (void)
{
  g_autoptr(AugurNode) node = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1.0,
                                                augur_test_leaf ("RandomBrightnessContrast"),
                                                augur_test_leaf ("GaussianBlur"), NULL);
  g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
  g_autoptr(AugurLabels) out_labels = NULL;
  g_autoptr(AugurLabelRecord) record = augur_label_record_new ();
  g_autoptr(AugurImage) src = augur_test_random_image (W, H, 3, 4);
  g_autoptr(AugurImage) out = NULL;
  g_autofree guint16 *values = g_new0 (guint16, W * H);
  const AugurBox *b;
  const AugurKeypoint *k;

  for (int i = 0; i < W * H; i++)
    values[i] = (guint16) (i % 5);
  augur_labels_set_mask (labels, values, 8);
  augur_labels_add_box (labels, 1.5, 2, 30, 40.25, 1, "cup");
  augur_labels_add_keypoint (labels, 10.5, 11.5, "handle")->angle = 1;
  out = run_labels (node, src, labels, 0, NULL, &out_labels, record);

  g_assert_cmpuint (record->steps->len, ==, 2);
  g_assert_cmpuint (record->events->len, ==, 0);
  b = augur_labels_find_box (out_labels, 0);
  g_assert_nonnull (b);
  g_assert_cmpfloat (b->x_min, ==, 1.5);
  g_assert_cmpfloat (b->y_max, ==, 40.25);
  k = augur_labels_find_keypoint (out_labels, 0);
  g_assert_nonnull (k);
  g_assert_cmpfloat (k->x, ==, 10.5);
  g_assert_cmpfloat (k->angle, ==, 1);
  g_assert_true (augur_image_equal (out_labels->planes[0], labels->planes[0]));
}

/* The dropouts fill their holes in masks with fill_mask (PixelDropout:
 * mask_drop_value; here on a black
 * image with white holes, so the holes are where the image is white), and
 * leave masks alone without it; boxes and keypoints stay. */
static void
test_dropout_masks (void)
{
  static const struct { const char *step; const char *fill_mask; } steps[] = {
    { "{\"type\": \"CoarseDropout\", \"params\": {\"fill\": 255", "fill_mask" },
    { "{\"type\": \"GridDropout\", \"params\": {\"fill\": 255", "fill_mask" },
    { "{\"type\": \"Erasing\", \"params\": {\"fill\": 255", "fill_mask" },
    { "{\"type\": \"XYMasking\", \"params\": {\"fill\": 255, \"num_masks_x\": [1, 2], "
      "\"mask_x_length\": [3, 8]", "fill_mask" },
    { "{\"type\": \"PixelDropout\", \"params\": {\"drop_value\": 255, \"dropout_prob\": 0.1",
      "mask_drop_value" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    for (int with = 0; with < 2; with++)
      {
        g_autofree char *json = g_strdup_printf ("%s%s%s%s}}", steps[i].step, with ? ", \"" : "",
                                                 with ? steps[i].fill_mask : "", with ? "\": 300" : "");
        g_autoptr(AugurNode) node = augur_test_node_parse (json);
        g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
        g_autoptr(AugurLabels) out_labels = NULL;
        g_autoptr(AugurImage) src = augur_test_flat_image (W, H, 1, 0);
        g_autoptr(AugurImage) out = NULL;
        g_autofree guint16 *values = g_new0 (guint16, W * H);
        guint holes = 0;

        for (int p = 0; p < W * H; p++)
          values[p] = (guint16) (1 + p % 3);
        augur_labels_set_mask (labels, values, 16);
        augur_labels_add_box (labels, 1, 1, 20, 20, 0, NULL);
        out = run_labels (node, src, labels, i, NULL, &out_labels, NULL);
        g_assert_cmpuint (out_labels->boxes->len, ==, 1);
        for (int y = 0; y < H; y++)
          for (int x = 0; x < W; x++)
            {
              gboolean hole = augur_test_pixel (out, x, y, 0) == 255;
              guint v = augur_labels_mask_value (out_labels, x, y);

              holes += hole;
              g_assert_cmpuint (v, ==, hole && with ? 300 : values[y * W + x]);
            }
        g_test_message ("%s: %u hole pixels", json, holes);
        g_assert_cmpuint (holes, >, 0);
      }
}

/* Filters and the record ------------------------------------------------------ */

/* Crop keeps the left half of the image. Of ten boxes, four lie in the
 * right half, four in the left, and two straddle the middle with 30% of
 * their area on the left: min_visibility decides whether those two are
 * cut and kept, or dropped. */
static void
check_half_crop (double min_visibility,
                 guint  expect_dropped,
                 guint  expect_clipped)
{
  g_autoptr(AugurNode) node = augur_test_node_parse (
    "{\"type\": \"Crop\", \"params\": {\"x_min\": 0, \"y_min\": 0, \"x_max\": 32, \"y_max\": 48}}");
  g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
  g_autoptr(AugurLabels) out_labels = NULL;
  g_autoptr(AugurLabelRecord) record = augur_label_record_new ();
  g_autoptr(AugurLabelParams) settings = augur_label_params_new ();
  g_autoptr(AugurImage) src = augur_test_flat_image (W, H, 3, 90);
  g_autoptr(AugurImage) out = NULL;
  const AugurLabelStep *step;
  guint clipped = 0, dropped = 0;

  settings->min_visibility = min_visibility;
  for (int i = 0; i < 4; i++)
    {
      augur_labels_add_box (labels, 2 + 7 * i, 4, 8 + 7 * i, 12, 0, "left");
      augur_labels_add_box (labels, 34 + 7 * i, 20, 40 + 7 * i, 30, 1, "right");
    }
  augur_labels_add_box (labels, 29, 30, 39, 40, 2, "middle");
  augur_labels_add_box (labels, 29, 2, 39, 40, 2, "middle");
  out = run_labels (node, src, labels, 0, settings, &out_labels, record);

  g_assert_cmpint (out->width, ==, 32);
  g_assert_cmpuint (record->steps->len, ==, 1);
  step = &g_array_index (record->steps, AugurLabelStep, 0);
  g_assert_true (step->node == node);
  g_assert_cmpuint (step->boxes_in, ==, 10);
  g_assert_cmpuint (step->boxes_dropped, ==, expect_dropped);
  g_assert_cmpuint (step->boxes_clipped, ==, expect_clipped);
  g_assert_cmpuint (out_labels->boxes->len, ==, 10 - expect_dropped);
  for (guint i = 0; i < record->events->len; i++)
    {
      const AugurLabelEvent *e = &g_array_index (record->events, AugurLabelEvent, i);

      g_assert_false (e->keypoint);
      g_assert_cmpuint (e->step, ==, 0);
      if (e->fate == AUGUR_LABEL_CLIPPED)
        {
          clipped++;
          g_assert_cmpfloat (augur_labels_find_box (out_labels, e->id)->x_max, ==, 32);
        }
      else
        {
          dropped++;
          g_assert_null (augur_labels_find_box (out_labels, e->id));
        }
    }
  g_assert_cmpuint (clipped, ==, expect_clipped);
  g_assert_cmpuint (dropped, ==, expect_dropped);
  for (guint i = 0; i < out_labels->boxes->len; i++)
    g_assert_cmpstr (g_array_index (out_labels->boxes, AugurBox, i).label, !=, "right");
}

static void
test_half_crop (void)
{
  check_half_crop (0, 4, 2);
  check_half_crop (0.25, 4, 2);
  check_half_crop (0.35, 6, 0);
}

/* min_area, min_width and min_height, in pixels of the result. */
static void
test_min_sizes (void)
{
  g_autoptr(AugurNode) node = augur_test_node_parse (
    "{\"type\": \"Resize\", \"params\": {\"height\": 24, \"width\": 32}}");
  g_autoptr(AugurImage) src = augur_test_flat_image (W, H, 1, 9);
  struct { double area, width, height; guint kept; } cases[] = {
    { 0, 0, 0, 3 },
    { 16, 0, 0, 2 },   /* 10 x 10 becomes 5 x 5 = 25; 6 x 6 becomes 9 */
    { 0, 4, 0, 2 },    /* 40 x 4 becomes 20 x 2: wide enough */
    { 0, 0, 4, 1 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
      g_autoptr(AugurLabels) out_labels = NULL;
      g_autoptr(AugurLabelParams) settings = augur_label_params_new ();
      g_autoptr(AugurImage) out = NULL;

      settings->min_area = cases[c].area;
      settings->min_width = cases[c].width;
      settings->min_height = cases[c].height;
      augur_labels_add_box (labels, 0, 0, 10, 10, 0, NULL);
      augur_labels_add_box (labels, 20, 20, 26, 26, 0, NULL);
      augur_labels_add_box (labels, 10, 40, 50, 44, 0, NULL);
      out = run_labels (node, src, labels, 0, settings, &out_labels, NULL);
      g_assert_cmpuint (out_labels->boxes->len, ==, cases[c].kept);
    }
}

/* remove_invisible: a keypoint a crop leaves behind is dropped, or kept
 * (outside the image) when the settings say so. */
static void
test_remove_invisible (void)
{
  g_autoptr(AugurNode) node = augur_test_node_parse (
    "{\"type\": \"Crop\", \"params\": {\"x_min\": 0, \"y_min\": 0, \"x_max\": 32, \"y_max\": 48}}");
  g_autoptr(AugurImage) src = augur_test_flat_image (W, H, 1, 9);

  for (int keep = 0; keep < 2; keep++)
    {
      g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
      g_autoptr(AugurLabels) out_labels = NULL;
      g_autoptr(AugurLabelParams) settings = augur_label_params_new ();
      g_autoptr(AugurLabelRecord) record = augur_label_record_new ();
      g_autoptr(AugurImage) out = NULL;

      settings->remove_invisible = !keep;
      augur_labels_add_keypoint (labels, 10, 10, "in");
      augur_labels_add_keypoint (labels, 50, 10, "out");
      out = run_labels (node, src, labels, 0, settings, &out_labels, record);
      g_assert_cmpuint (out_labels->keypoints->len, ==, keep ? 2 : 1);
      g_assert_cmpuint (g_array_index (record->steps, AugurLabelStep, 0).keypoints_dropped, ==,
                        keep ? 0 : 1);
      g_assert_nonnull (augur_labels_find_keypoint (out_labels, 0));
      if (keep)
        g_assert_cmpfloat (augur_labels_find_keypoint (out_labels, 1)->x, ==, 50);
    }
}

/* check_each_transform: a keypoint a shift sends off the image and a
 * second shift brings back stays when only the end is checked, and
 * leaves at the first shift otherwise. */
static void
test_check_each_transform (void)
{
  g_autoptr(AugurNode) node = augur_test_node_parse (
    "{\"type\": \"Sequential\", \"steps\": ["
    "{\"type\": \"Affine\", \"params\": {\"translate_px\": {\"x\": [30, 30], \"y\": [0, 0]}}}, "
    "{\"type\": \"Affine\", \"params\": {\"translate_px\": {\"x\": [-30, -30], \"y\": [0, 0]}}}]}");
  g_autoptr(AugurImage) src = augur_test_flat_image (W, H, 1, 9);

  for (int each = 0; each < 2; each++)
    {
      g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
      g_autoptr(AugurLabels) out_labels = NULL;
      g_autoptr(AugurLabelParams) settings = augur_label_params_new ();
      g_autoptr(AugurLabelRecord) record = augur_label_record_new ();
      g_autoptr(AugurImage) out = NULL;
      const AugurKeypoint *k;

      settings->check_each_transform = each;
      augur_labels_add_keypoint (labels, 50.5, 10.5, "far");
      augur_labels_add_keypoint (labels, 10.5, 10.5, "near");
      out = run_labels (node, src, labels, 0, settings, &out_labels, record);
      k = augur_labels_find_keypoint (out_labels, 0);
      if (each)
        {
          g_assert_null (k);
          g_assert_cmpuint (record->steps->len, ==, 2);
          g_assert_cmpuint (g_array_index (record->steps, AugurLabelStep, 0).keypoints_dropped, ==, 1);
        }
      else
        {
          g_assert_nonnull (k);
          g_assert_cmpfloat_with_epsilon (k->x, 50.5, 1e-6);
          /* the final check ran, and found nothing off the image */
          g_assert_cmpuint (record->steps->len, ==, 3);
          g_assert_true (g_array_index (record->steps, AugurLabelStep, 2).final);
          g_assert_cmpuint (g_array_index (record->steps, AugurLabelStep, 2).keypoints_dropped, ==, 0);
        }
      g_assert_nonnull (augur_labels_find_keypoint (out_labels, 1));
    }
}

/* label_swap: a mirror trades the names of a pair (and the point moves to
 * the other side), two mirrors trade them back, a quarter turn keeps them. */
static void
check_swap (const char *steps,
            const char *expect_left)
{
  g_autofree char *json = g_strdup_printf ("{\"type\": \"Sequential\", \"steps\": [%s]}", steps);
  g_autoptr(AugurNode) node = augur_test_node_parse (json);
  g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
  g_autoptr(AugurLabels) out_labels = NULL;
  g_autoptr(AugurLabelParams) settings = augur_label_params_new ();
  g_autoptr(AugurImage) src = augur_test_flat_image (W, H, 1, 9);
  g_autoptr(AugurImage) out = NULL;

  augur_label_params_add_swap (settings, "left_eye", "right_eye");
  augur_labels_add_keypoint (labels, 20, 10, "left_eye");
  augur_labels_add_keypoint (labels, 40, 10, "right_eye");
  augur_labels_add_keypoint (labels, 30, 20, "nose");
  out = run_labels (node, src, labels, 0, settings, &out_labels, NULL);
  g_assert_cmpstr (augur_labels_find_keypoint (out_labels, 0)->label, ==, expect_left);
  g_assert_cmpstr (augur_labels_find_keypoint (out_labels, 2)->label, ==, "nose");
  g_assert_cmpstr (augur_label_params_swapped (settings, expect_left), ==,
                   augur_labels_find_keypoint (out_labels, 1)->label);
}

static void
test_label_swap (void)
{
  check_swap ("{\"type\": \"HorizontalFlip\"}", "right_eye");
  check_swap ("{\"type\": \"VerticalFlip\"}", "right_eye");
  check_swap ("{\"type\": \"Transpose\"}", "right_eye");
  check_swap ("{\"type\": \"HorizontalFlip\"}, {\"type\": \"HorizontalFlip\"}", "left_eye");
  check_swap ("{\"type\": \"Affine\", \"params\": {\"rotate\": [90, 90]}}", "left_eye");
  check_swap ("{\"type\": \"RandomBrightnessContrast\"}", "left_eye");
}

/* The replay's account of each label: kept, cut, dropped, renamed, by
 * which step. */
static void
test_describe (void)
{
  g_autoptr(AugurNode) node = augur_test_node_parse (
    "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"HorizontalFlip\"}, "
    "{\"type\": \"Crop\", \"params\": {\"x_min\": 0, \"y_min\": 0, \"x_max\": 32, \"y_max\": 48}}]}");
  g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
  g_autoptr(AugurLabels) out_labels = NULL;
  g_autoptr(AugurLabelParams) settings = augur_label_params_new ();
  g_autoptr(AugurLabelRecord) record = augur_label_record_new ();
  g_autoptr(AugurImage) src = augur_test_flat_image (W, H, 1, 9);
  g_autoptr(AugurImage) out = NULL;
  g_autofree char *text = NULL;

  augur_label_params_add_swap (settings, "left_eye", "right_eye");
  augur_labels_add_box (labels, 40, 2, 50, 10, 0, "cup");      /* flips to 14 .. 24: kept */
  augur_labels_add_box (labels, 2, 2, 10, 10, 0, "saucer");    /* flips to 54 .. 62: dropped */
  augur_labels_add_box (labels, 28, 20, 40, 30, 0, "spoon");   /* flips to 24 .. 36: cut */
  augur_labels_add_keypoint (labels, 40, 5, "left_eye");
  out = run_labels (node, src, labels, 0, settings, &out_labels, record);
  text = augur_label_record_describe (record, labels, out_labels);
  g_test_message ("%s", text);
  g_assert_cmpstr (text, ==,
                   "box 0 (cup): kept\n"
                   "box 1 (saucer): dropped by crop-1 (Crop)\n"
                   "box 2 (spoon): cut by crop-1 (Crop)\n"
                   "keypoint 0 (left_eye): kept, now right_eye\n");
}

/* Binary masks go through the same warp as the label map. */
static void
test_binary_masks (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("HorizontalFlip");
  g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
  g_autoptr(AugurLabels) out_labels = NULL;
  g_autoptr(AugurImage) src = rect_image (2, 3, 10, 9, 255);
  g_autoptr(AugurImage) mask = rect_image (2, 3, 10, 9, 1);
  g_autoptr(AugurImage) out = NULL;

  augur_labels_add_binary_mask (labels, mask, 4);
  out = run_labels (node, src, labels, 0, NULL, &out_labels, NULL);
  g_assert_cmpuint (out_labels->binary->len, ==, 1);
  g_assert_cmpint (g_array_index (out_labels->binary_class, int, 0), ==, 4);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      g_assert_cmpint (augur_test_pixel (out_labels->binary->pdata[0], x, y, 0) * 255, ==,
                       augur_test_pixel (out, x, y, 0));
}

/* The input checks: clip cuts a box that reaches past the image, and
 * filter_invalid_bboxes drops one without area; both are recorded. */
static void
test_input_checks (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("HorizontalFlip");
  g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
  g_autoptr(AugurLabels) out_labels = NULL;
  g_autoptr(AugurLabelParams) settings = augur_label_params_new ();
  g_autoptr(AugurLabelRecord) record = augur_label_record_new ();
  g_autoptr(AugurImage) src = augur_test_flat_image (W, H, 1, 9);
  g_autoptr(AugurImage) out = NULL;
  const AugurLabelStep *first;

  settings->clip = TRUE;
  settings->filter_invalid_bboxes = TRUE;
  augur_labels_add_box (labels, -5, 2, 10, 12, 0, NULL);
  augur_labels_add_box (labels, 5, 5, 5, 12, 0, NULL);
  out = run_labels (node, src, labels, 0, settings, &out_labels, record);
  g_assert_cmpuint (record->steps->len, ==, 2);
  first = &g_array_index (record->steps, AugurLabelStep, 0);
  g_assert_null (first->node);
  g_assert_cmpuint (first->boxes_clipped, ==, 1);
  g_assert_cmpuint (first->boxes_dropped, ==, 1);
  g_assert_cmpuint (out_labels->boxes->len, ==, 1);
  g_assert_cmpfloat (augur_labels_find_box (out_labels, 0)->x_max, ==, W);
  g_assert_cmpfloat (augur_labels_find_box (out_labels, 0)->x_min, ==, W - 10);
}

/* The recipe ------------------------------------------------------------------ */

#define HEAD "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 7, " \
             "\"pipeline\": {\"type\": \"Sequential\", \"steps\": []}"

static void
test_recipe (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) old = augur_recipe_parse (HEAD "}", -1, &error);
  g_autoptr(AugurRecipe) recipe = NULL;
  g_autoptr(AugurRecipe) again = NULL;
  g_autofree char *text = NULL;
  static const struct { const char *member; const char *fragment; } bad[] = {
    { "\"bbox_params\": {\"min_visibility\": 2}", "bbox_params.min_visibility" },
    { "\"bbox_params\": {\"min_area\": -1}", "bbox_params.min_area" },
    { "\"bbox_params\": {\"format\": \"xyxy\"}", "bbox_params.format" },
    { "\"bbox_params\": {\"remove_invisible\": true}", "bbox_params.remove_invisible" },
    { "\"keypoint_params\": {\"label_swap\": [[\"a\"]]}", "keypoint_params.label_swap" },
    { "\"keypoint_params\": {\"min_area\": 1}", "keypoint_params.min_area" },
    { "\"keypoint_params\": []", "keypoint_params" },
  };

  g_assert_no_error (error);
  g_assert_null (old->labels);
  text = augur_recipe_to_string (old);
  g_assert_null (strstr (text, "bbox_params"));
  g_clear_pointer (&text, g_free);

  recipe = augur_recipe_parse (HEAD ", \"bbox_params\": {\"format\": \"coco\", \"min_area\": 12, "
                               "\"min_visibility\": 0.25, \"label_fields\": [\"cls\"]}, "
                               "\"keypoint_params\": {\"remove_invisible\": false, "
                               "\"label_swap\": [[\"left_eye\", \"right_eye\"]]}}", -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (recipe->labels);
  g_assert_cmpstr (recipe->labels->bbox_format, ==, "coco");
  g_assert_cmpfloat (recipe->labels->min_area, ==, 12);
  g_assert_cmpfloat (recipe->labels->min_visibility, ==, 0.25);
  g_assert_cmpstr (recipe->labels->bbox_label_fields[0], ==, "cls");
  g_assert_false (recipe->labels->remove_invisible);
  g_assert_cmpstr (augur_label_params_swapped (recipe->labels, "right_eye"), ==, "left_eye");

  text = augur_recipe_to_string (recipe);
  again = augur_recipe_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (augur_recipe_equal (recipe, again));
  again->labels->min_width = 3;
  g_assert_false (augur_recipe_equal (recipe, again));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *json = g_strdup_printf (HEAD ", %s}", bad[i].member);
      g_autoptr(AugurRecipe) refused = augur_recipe_parse (json, -1, &error);

      g_assert_null (refused);
      g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, bad[i].fragment));
      g_clear_error (&error);
    }
}

int
main (int    argc,
      char **argv)
{
  guint n;
  const AugurTransformInfo *const *list;

  g_test_init (&argc, &argv, NULL);

  list = augur_transforms_list (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *box = NULL, *keypoint = NULL, *mask8 = NULL, *mask16 = NULL, *polygon = NULL;

      if (!augur_transform_is_spatial (list[i]))
        continue;
      box = g_strdup_printf ("/labels/box/%s", list[i]->name);
      keypoint = g_strdup_printf ("/labels/keypoint/%s", list[i]->name);
      polygon = g_strdup_printf ("/labels/polygon/%s", list[i]->name);
      mask8 = g_strdup_printf ("/labels/mask8/%s", list[i]->name);
      mask16 = g_strdup_printf ("/labels/mask16/%s", list[i]->name);
      g_test_add_data_func (box, list[i], test_box);
      g_test_add_data_func (keypoint, list[i], test_keypoint);
      g_test_add_data_func (polygon, list[i], test_polygon);
      g_test_add_data_func (mask8, list[i], test_mask8);
      g_test_add_data_func (mask16, list[i], test_mask16);
      if (augur_transform_param_index (list[i], "fill_mask") >= 0)
        {
          g_autofree char *fill = g_strdup_printf ("/labels/fill-mask/%s", list[i]->name);

          g_test_add_data_func (fill, list[i], test_fill_mask);
        }
    }
  g_test_add_func ("/labels/pixel-steps", test_pixel_steps);
  g_test_add_func ("/labels/dropout-masks", test_dropout_masks);
  g_test_add_func ("/labels/half-crop", test_half_crop);
  g_test_add_func ("/labels/min-sizes", test_min_sizes);
  g_test_add_func ("/labels/remove-invisible", test_remove_invisible);
  g_test_add_func ("/labels/label-swap", test_label_swap);
  g_test_add_func ("/labels/check-each-transform", test_check_each_transform);
  g_test_add_func ("/labels/binary-masks", test_binary_masks);
  g_test_add_func ("/labels/describe", test_describe);
  g_test_add_func ("/labels/input-checks", test_input_checks);
  g_test_add_func ("/labels/recipe", test_recipe);

  return g_test_run ();
}
