/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-labels.h"
#include "augur-reference.h"
#include "augur-rng.h"

#include "augur-test-util.h"

/*
 * Labels through the blends that show other images (MixUp, CutMix,
 * Mosaic): the image holds a red object with its box (class 1) and its
 * mask (value 1); each reference a green one with its box and mask (class
 * and value 1 + k). After a seeded draw through the pipeline with a
 * reference pool, the result must agree with its labels: every clearly
 * red pixel lies in a box of class 1 and every clearly green one in a box
 * of a reference's class; every box holds pixels of its colour; the mask
 * says 1 where the result is red alone, a reference's class where it is
 * green alone, and 0 where it is black. The step's record counts the
 * image's box as kept, cut or dropped, and the references' as added.
 */

#define W 64
#define H 48
#define RW 80
#define RH 60
#define DRAWS 24

typedef struct
{
  AugurImage  *image;
  AugurLabels *labels;
} Sample;

static void
sample_clear (Sample *sample)
{
  g_clear_pointer (&sample->image, augur_image_unref);
  g_clear_pointer (&sample->labels, augur_labels_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sample, sample_clear)

/* A black RGB image of @w x @h with a rectangle of @channel at 255, its box
 * of @class and a label map of @class over it; the rectangle drawn from
 * @seed, 4 to 20 pixels a side. */
static Sample
make_sample (int     w,
             int     h,
             int     channel,
             int     class_id,
             guint64 seed)
{
  Sample sample;
  AugurRng rng;
  int r[4], rw, rh;
  g_autofree guint16 *mask = g_new0 (guint16, (gsize) w * h);

  augur_rng_init (&rng, seed);
  rw = (int) augur_rng_int (&rng, 4, 20);
  rh = (int) augur_rng_int (&rng, 4, 20);
  r[0] = (int) augur_rng_int (&rng, 0, w - rw);
  r[1] = (int) augur_rng_int (&rng, 0, h - rh);
  r[2] = r[0] + rw;
  r[3] = r[1] + rh;

  sample.image = augur_test_flat_image (w, h, 3, 0);
  sample.labels = augur_labels_new (w, h);
  for (int y = r[1]; y < r[3]; y++)
    for (int x = r[0]; x < r[2]; x++)
      {
        augur_image_row (sample.image, y)[x * 3 + channel] = 255;
        mask[(gsize) y * w + x] = (guint16) class_id;
      }
  augur_labels_add_box (sample.labels, r[0], r[1], r[2], r[3], class_id, class_id == 1 ? "image" : "reference");
  augur_labels_add_keypoint (sample.labels, (r[0] + r[2]) / 2.0, (r[1] + r[3]) / 2.0, "centre");
  augur_labels_set_mask (sample.labels, mask, 8);
  return sample;
}

/* Whether the 3 x 3 pixels around (x, y) all have channel @c over 0.4
 * of @level (@bright), or all under 0.08 of it. */
static gboolean
uniform (const AugurImage *image,
         int               x,
         int               y,
         int               c,
         double            level,
         gboolean          bright)
{
  for (int dy = -1; dy <= 1; dy++)
    for (int dx = -1; dx <= 1; dx++)
      {
        int v, xx = x + dx, yy = y + dy;

        if (xx < 0 || yy < 0 || xx >= image->width || yy >= image->height)
          return FALSE;
        v = augur_test_pixel (image, xx, yy, c);
        if (bright ? v <= 0.4 * level : v >= 0.08 * level)
          return FALSE;
      }
  return TRUE;
}

/* Whether a box of @out whose class is 1 (@image) or not lies within
 * @reach of the pixel centre (x + 0.5, y + 0.5). */
static gboolean
in_a_box (const AugurLabels *out,
          int                x,
          int                y,
          gboolean           image,
          double             reach)
{
  for (guint i = 0; i < out->boxes->len; i++)
    {
      const AugurBox *b = &g_array_index (out->boxes, AugurBox, i);

      if ((b->class_id == 1) == image && x + 0.5 >= b->x_min - reach && x + 0.5 <= b->x_max + reach &&
          y + 0.5 >= b->y_min - reach && y + 0.5 <= b->y_max + reach)
        return TRUE;
    }
  return FALSE;
}

static AugurNode *
blend_node (const char *name)
{
  AugurNode *node = augur_test_leaf (name);

  if (g_str_equal (name, "Mosaic"))
    {
      AugurValue *target = augur_test_param (node, "target_size");
      AugurValue *cell = augur_test_param (node, "cell_shape");

      target->v[0] = H, target->v[1] = W;
      cell->v[0] = 40, cell->v[1] = 48;
    }
  return node;
}

static void
test_blend (gconstpointer data)
{
  const char *name = data;
  g_autoptr(AugurNode) node = blend_node (name);
  guint n_refs = node->info->n_references, kept = 0, cut = 0, dropped = 0, added = 0;

  for (guint draw = 0; draw < DRAWS; draw++)
    {
      g_auto(Sample) sample = make_sample (W, H, 0, 1, 100 + draw);
      g_autoptr(AugurReferencePool) pool = augur_reference_pool_new ();
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) plain = NULL;
      g_autoptr(AugurImage) out = NULL;
      g_autoptr(AugurLabels) labels = NULL;
      g_autoptr(AugurLabelRecord) record = augur_label_record_new ();
      g_autoptr(GError) error = NULL;
      AugurShape shape = { W, H, 3 };
      const AugurLabelStep *step;
      guint ref_boxes = 0;
      double level[2] = { 255, 255 };

      for (guint k = 0; k < n_refs; k++)
        {
          g_auto(Sample) ref = make_sample (RW, RH, 1, 2 + (int) k, 1000 + draw * 8 + k);
          g_autofree char *key = g_strdup_printf ("ref-%u", k);

          g_assert_true (augur_reference_pool_add_image (pool, key, ref.image));
          g_assert_true (augur_reference_pool_set_labels (pool, key, ref.labels));
        }
      replay = augur_node_sample_full (node, &shape, 7 + draw, FALSE, pool, &error);
      g_assert_no_error (error);
      plain = augur_node_apply_full (node, sample.image, replay, pool, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (augur_node_apply_labels_full (node, sample.image, sample.labels, replay, pool, NULL,
                                                   &out, &labels, record, &error));
      g_assert_no_error (error);
      /* the same pixels as without labels */
      g_assert_true (augur_image_equal (out, plain));
      g_assert_cmpint (labels->width, ==, out->width);
      g_assert_cmpint (labels->height, ==, out->height);
      g_assert_cmpint (labels->mask_depth, ==, 8);

      /* the level each object shows at: MixUp weighs them */
      if (g_str_equal (name, "MixUp"))
        {
          level[0] = 255 * augur_drawn_get (&replay->drawn, "lambda");
          level[1] = 255 - level[0];
        }
      /* every object's pixels are in a box of its source */
      for (int y = 0; y < out->height; y++)
        for (int x = 0; x < out->width; x++)
          {
            if (augur_test_pixel (out, x, y, 0) > MAX (0.25 * level[0], 2))
              g_assert_true (in_a_box (labels, x, y, TRUE, 2));
            if (augur_test_pixel (out, x, y, 1) > MAX (0.25 * level[1], 2))
              g_assert_true (in_a_box (labels, x, y, FALSE, 2));
          }
      /* every box holds pixels of its colour */
      for (guint i = 0; i < labels->boxes->len; i++)
        {
          const AugurBox *b = &g_array_index (labels->boxes, AugurBox, i);
          int c = b->class_id == 1 ? 0 : 1, bright = 0;

          g_assert_cmpfloat (b->x_min, >=, 0);
          g_assert_cmpfloat (b->y_min, >=, 0);
          g_assert_cmpfloat (b->x_max, <=, out->width);
          g_assert_cmpfloat (b->y_max, <=, out->height);
          for (int y = (int) b->y_min; y < (int) ceil (b->y_max); y++)
            for (int x = (int) b->x_min; x < (int) ceil (b->x_max); x++)
              bright += augur_test_pixel (out, x, y, c) > 0.25 * level[c];
          /* (an object MixUp weighs under 5% is kept, but barely shows) */
          if (level[c] >= 0.05 * 255)
            g_assert_cmpint (bright, >, 0);
          ref_boxes += b->class_id != 1;
        }
      /* the mask agrees with the image away from the objects' edges */
      for (int y = 0; y < out->height; y++)
        for (int x = 0; x < out->width; x++)
          {
            guint v = augur_labels_mask_value (labels, x, y);
            gboolean red = uniform (out, x, y, 0, level[0], TRUE);
            gboolean green = uniform (out, x, y, 1, level[1], TRUE);
            gboolean no_red = uniform (out, x, y, 0, level[0], FALSE);
            gboolean no_green = uniform (out, x, y, 1, level[1], FALSE);

            /* MixUp: where both show, the heavier's label */
            if (red && green)
              g_assert_cmpuint (v, ==, level[0] >= level[1] ? 1 : 2);

            if (red && no_green)
              g_assert_cmpuint (v, ==, 1);
            if (green && no_red)
              g_assert_true (v >= 2 && v < 2 + n_refs);
            /* (an object MixUp weighs under 5% keeps its label where it
             * barely shows) */
            if (no_red && no_green && MIN (level[0], level[1]) >= 0.05 * 255)
              g_assert_cmpuint (v, ==, 0);
          }
      /* keypoints stay on their object's colour */
      for (guint i = 0; i < labels->keypoints->len; i++)
        {
          const AugurKeypoint *k = &g_array_index (labels->keypoints, AugurKeypoint, i);
          const AugurBox *own = k->owner >= 0 ? augur_labels_find_box (labels, (guint) k->owner) : NULL;

          g_assert_true (k->x >= 0 && k->y >= 0 && k->x < out->width && k->y < out->height);
          /* the image's keypoint keeps its id (0); the references' are new */
          int c = k->id == 0 ? 0 : 1;

          g_assert_null (own);
          if (level[c] >= 0.05 * 255)
            g_assert_cmpint (augur_test_pixel (out, (int) k->x, (int) k->y, c), >, 0.25 * level[c]);
        }

      /* the record: the image's box kept, cut or dropped by the blend, the
       * references' added */
      g_assert_cmpuint (record->steps->len, ==, 1);
      step = &g_array_index (record->steps, AugurLabelStep, 0);
      g_assert_true (step->node == node);
      g_assert_cmpuint (step->boxes_in, ==, 1);
      g_assert_cmpuint (step->boxes_added, ==, ref_boxes);
      g_assert_cmpuint (labels->boxes->len, ==, 1 - step->boxes_dropped + step->boxes_added);
      g_assert_cmpuint (step->references_unlabelled, ==, 0);
      /* the replay's account names what the blend brought in */
      if (step->boxes_added > 0)
        {
          g_autofree char *text = augur_label_record_describe (record, sample.labels, labels);
          g_autofree char *line = g_strdup_printf ("(%s): brought in %u boxes and %u keypoints", name,
                                                   step->boxes_added, step->keypoints_added);

          g_assert_nonnull (strstr (text, line));
        }
      kept += step->boxes_dropped == 0 && step->boxes_clipped == 0;
      cut += step->boxes_clipped;
      dropped += step->boxes_dropped;
      added += step->boxes_added;
    }
  g_test_message ("%s: image's box kept %u, cut %u, dropped %u; references' added %u",
                  name, kept, cut, dropped, added);
  /* MixUp keeps everything; the others cut or drop some */
  g_assert_cmpuint (added, >, 0);
  if (g_str_equal (name, "MixUp"))
    g_assert_cmpuint (kept, ==, DRAWS);
  else
    g_assert_cmpuint (cut + dropped, >, 0);
}

static AugurDrawn
cutmix_drawn (double x,
              double y,
              double w,
              double h)
{
  AugurDrawn drawn;

  augur_drawn_init (&drawn);
  augur_drawn_set (&drawn, "lambda", 1 - w * h / (W * H));
  augur_drawn_set (&drawn, "x", x);
  augur_drawn_set (&drawn, "y", y);
  augur_drawn_set (&drawn, "width", w);
  augur_drawn_set (&drawn, "height", h);
  return drawn;
}

/* CutMix's box over part of the image's box: covering its right half, the
 * box keeps its left half; covering its middle rows only, it stays whole
 * (its visible part still spans it); covering it all, it goes, dropped by
 * the blend; min_visibility drops a box the paste mostly hides. The
 * reference's box outside the pasted one is not brought in. */
static void
test_cutmix_rules (void)
{
  const AugurTransformInfo *info = augur_transform_lookup ("CutMix");
  g_autoptr(AugurNode) node = augur_node_new_transform (info);
  g_autoptr(AugurLabelParams) strict = augur_label_params_new ();
  /* the pasted box: x, y, width, height */
  /* and the object's outline: the visible part, in as many pieces */
  struct { double hole[4]; const AugurLabelParams *settings; gboolean kept; double want[4];
           guint pieces; double area; } cases[] = {
    { { 30, 0, 34, 48 }, NULL, TRUE, { 20, 10, 30, 30 }, 1, 200 },
    { { 0, 15, 64, 5 }, NULL, TRUE, { 20, 10, 40, 30 }, 2, 300 },
    { { 10, 5, 40, 30 }, NULL, FALSE, { 0 }, 0, 0 },
    { { 25, 0, 14, 48 }, strict, FALSE, { 0 }, 0, 0 },
    { { 25, 0, 14, 48 }, NULL, TRUE, { 20, 10, 40, 30 }, 2, 120 },
  };

  strict->min_visibility = 0.5;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
      g_autoptr(AugurLabels) ref = augur_labels_new (RW, RH);
      g_autoptr(AugurLabels) out = NULL;
      g_autoptr(GArray) events = g_array_new (FALSE, TRUE, sizeof (AugurLabelEvent));
      const AugurLabels *refs[] = { ref };
      AugurShape ref_shape = { RW, RH, 3 }, out_shape = { W, H, 3 };
      AugurDrawn drawn = cutmix_drawn (cases[i].hole[0], cases[i].hole[1], cases[i].hole[2], cases[i].hole[3]);
      AugurLabelStep step;
      guint next_id = 1;

      augur_labels_add_box (labels, 20, 10, 40, 30, 1, "image");
      augur_labels_add_polygon (labels, 0, (const double[]) { 20, 10, 40, 10, 40, 30, 20, 30 }, 4);
      /* far from every pasted box: never brought in */
      augur_labels_add_box (ref, 0, 0, 8, 8, 2, "reference");
      out = augur_labels_blend (info, node->params, &drawn, labels, refs, &ref_shape, &out_shape,
                                cases[i].settings, &next_id, &step, events, 3);
      augur_drawn_clear (&drawn);

      g_assert_cmpuint (step.boxes_added, ==, 0);
      g_assert_cmpuint (out->boxes->len, ==, cases[i].kept ? 1 : 0);
      g_assert_cmpuint (out->polygons->len, ==, cases[i].pieces);
      {
        double area = 0;

        for (guint k = 0; k < out->polygons->len; k++)
          {
            const AugurPolygon *p = &g_array_index (out->polygons, AugurPolygon, k);

            g_assert_cmpuint (p->box, ==, 0);
            area += augur_polygon_area (p);
          }
        g_assert_cmpfloat_with_epsilon (area, cases[i].area, 1e-9);
      }
      g_assert_cmpuint (step.boxes_dropped, ==, cases[i].kept ? 0 : 1);
      if (cases[i].kept)
        {
          const AugurBox *b = &g_array_index (out->boxes, AugurBox, 0);

          g_assert_cmpfloat_with_epsilon (b->x_min, cases[i].want[0], 1e-9);
          g_assert_cmpfloat_with_epsilon (b->y_min, cases[i].want[1], 1e-9);
          g_assert_cmpfloat_with_epsilon (b->x_max, cases[i].want[2], 1e-9);
          g_assert_cmpfloat_with_epsilon (b->y_max, cases[i].want[3], 1e-9);
        }
      else
        {
          const AugurLabelEvent *e = &g_array_index (events, AugurLabelEvent, events->len - 1);

          g_assert_cmpint (e->fate, ==, AUGUR_LABEL_DROPPED);
          g_assert_cmpuint (e->step, ==, 3);
          g_assert_cmpuint (e->id, ==, 0);
        }
    }
}

/* MixUp's masks: the heavier image's labels on top where both have one;
 * binary masks of both kept; a reference without labels brings none and
 * is counted. */
static void
test_mixup_masks (void)
{
  const AugurTransformInfo *info = augur_transform_lookup ("MixUp");
  g_autoptr(AugurNode) node = augur_node_new_transform (info);
  guint16 a[4 * 2] = { 1, 1, 0, 0, 1, 1, 0, 0 };
  guint16 b[4 * 2] = { 2, 0, 2, 0, 2, 0, 2, 0 };
  AugurShape shape = { 4, 2, 3 };

  for (int heavy = 0; heavy < 2; heavy++)
    {
      g_autoptr(AugurLabels) labels = augur_labels_new (4, 2);
      g_autoptr(AugurLabels) ref = augur_labels_new (4, 2);
      g_autoptr(AugurLabels) out = NULL;
      g_autoptr(AugurImage) bin = augur_test_flat_image (4, 2, 1, 1);
      const AugurLabels *refs[] = { ref };
      AugurDrawn drawn;
      AugurLabelStep step;
      guint next_id = 0;
      guint16 want[8];

      augur_labels_set_mask (labels, a, 8);
      augur_labels_set_mask (ref, b, 8);
      augur_labels_add_binary_mask (ref, bin, 2);
      augur_drawn_init (&drawn);
      augur_drawn_set (&drawn, "lambda", heavy ? 0.7 : 0.3);
      out = augur_labels_blend (info, node->params, &drawn, labels, refs, &shape, &shape, NULL, &next_id,
                                &step, NULL, 0);
      augur_drawn_clear (&drawn);

      for (int i = 0; i < 8; i++)
        want[i] = heavy ? (a[i] ? a[i] : b[i]) : (b[i] ? b[i] : a[i]);
      for (int i = 0; i < 8; i++)
        g_assert_cmpuint (augur_labels_mask_value (out, i % 4, i / 4), ==, want[i]);
      g_assert_cmpuint (out->binary->len, ==, 1);
      g_assert_cmpint (g_array_index (out->binary_class, int, 0), ==, 2);

      /* without the reference's labels */
      {
        const AugurLabels *none[] = { NULL };
        g_autoptr(AugurLabels) alone = NULL;

        augur_drawn_init (&drawn);
        augur_drawn_set (&drawn, "lambda", 0.3);
        alone = augur_labels_blend (info, node->params, &drawn, labels, none, &shape, &shape, NULL,
                                    &next_id, &step, NULL, 0);
        augur_drawn_clear (&drawn);
        g_assert_cmpuint (step.references_unlabelled, ==, 1);
        for (int i = 0; i < 8; i++)
          g_assert_cmpuint (augur_labels_mask_value (alone, i % 4, i / 4), ==, a[i]);
      }
    }
}

/* Colour-only blends leave labels as they are. */
static void
test_colour_blends (void)
{
  static const char *const names[] = { "HistogramMatching", "FDA", "PixelDistributionAdaptation" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(AugurNode) node = augur_test_leaf (names[i]);
      g_auto(Sample) sample = make_sample (W, H, 0, 1, 5);
      g_auto(Sample) ref = make_sample (RW, RH, 1, 2, 6);
      g_autoptr(AugurReferencePool) pool = augur_reference_pool_new ();
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurLabels) labels = NULL;
      g_autoptr(GError) error = NULL;
      AugurShape shape = { W, H, 3 };
      const AugurBox *in = &g_array_index (sample.labels->boxes, AugurBox, 0), *b;

      augur_reference_pool_add_image (pool, "ref", ref.image);
      augur_reference_pool_set_labels (pool, "ref", ref.labels);
      replay = augur_node_sample_full (node, &shape, 1, FALSE, pool, &error);
      g_assert_no_error (error);
      g_assert_true (augur_node_apply_labels_full (node, NULL, sample.labels, replay, pool, NULL, NULL,
                                                   &labels, NULL, &error));
      g_assert_cmpuint (labels->boxes->len, ==, 1);
      b = &g_array_index (labels->boxes, AugurBox, 0);
      g_assert_true (b->x_min == in->x_min && b->y_max == in->y_max);
      g_assert_true (augur_image_equal (labels->planes[0], sample.labels->planes[0]));
    }
}

/* A replay that names a reference the pool lacks fails, naming the step. */
static void
test_missing_reference (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("CutMix");
  g_auto(Sample) sample = make_sample (W, H, 0, 1, 5);
  g_auto(Sample) ref = make_sample (RW, RH, 1, 2, 6);
  g_autoptr(AugurReferencePool) pool = augur_reference_pool_new ();
  g_autoptr(AugurReferencePool) other = augur_reference_pool_new ();
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurLabels) labels = NULL;
  g_autoptr(GError) error = NULL;
  AugurShape shape = { W, H, 3 };

  augur_reference_pool_add_image (pool, "ref", ref.image);
  augur_reference_pool_add_image (other, "another", ref.image);
  replay = augur_node_sample_full (node, &shape, 1, FALSE, pool, &error);
  g_assert_no_error (error);
  g_assert_false (augur_node_apply_labels_full (node, sample.image, sample.labels, replay, other, NULL, NULL,
                                                &labels, NULL, &error));
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY);
  g_assert_nonnull (strstr (error->message, "CutMix"));
  g_assert_null (labels);
}

int
main (int   argc,
      char *argv[])
{
  static const char *const names[] = { "MixUp", "CutMix", "Mosaic" };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_strdup_printf ("/blend-labels/%s", names[i]);

      g_test_add_data_func (path, names[i], test_blend);
    }
  g_test_add_func ("/blend-labels/cutmix-rules", test_cutmix_rules);
  g_test_add_func ("/blend-labels/mixup-masks", test_mixup_masks);
  g_test_add_func ("/blend-labels/colour-blends", test_colour_blends);
  g_test_add_func ("/blend-labels/missing-reference", test_missing_reference);
  return g_test_run ();
}
