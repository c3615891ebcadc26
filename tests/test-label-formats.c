/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "augur-error.h"
#include "augur-label-formats.h"

#include "augur-test-util.h"

/*
 * Label files: COCO, YOLO, Pascal VOC and PNG label maps read and written
 * back unchanged through an identity; after a horizontal flip, the files
 * written read back in each format's own conventions (COCO [x, y, w, h],
 * YOLO normalised centres, VOC 1-based pixel corners); and every bad label
 * is refused naming its file and line (or member).
 */

#define W 40
#define H 30

static void
write_text (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static AugurLabelSource *
open_source (const char *format,
             const char *path)
{
  g_autofree char *spec = g_strconcat (format, ":", path, NULL);
  g_autoptr(GError) error = NULL;
  AugurLabelSource *source = augur_label_source_open (spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (source);
  return source;
}

static AugurLabels *
read_labels (AugurLabelSource *source,
             const char       *key)
{
  g_autoptr(GError) error = NULL;
  AugurLabels *labels = augur_label_source_read (source, key, W, H, &error);

  g_assert_no_error (error);
  g_assert_nonnull (labels);
  return labels;
}

/* @labels through a horizontal flip, with left_eye and right_eye paired. */
static AugurLabels *
flipped (const AugurLabels *labels)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("HorizontalFlip");
  g_autoptr(AugurLabelParams) settings = augur_label_params_new ();
  g_autoptr(AugurImage) src = augur_test_flat_image (W, H, 3, 10);
  g_autoptr(AugurImage) out = NULL;
  g_autoptr(AugurReplay) replay = NULL;
  AugurShape in = { W, H, 3 };
  AugurLabels *result = NULL;

  augur_label_params_add_swap (settings, "left_eye", "right_eye");
  replay = augur_node_sample (node, &in, 1);
  out = augur_node_apply_labels (node, src, labels, replay, settings, &result, NULL);
  return result;
}

static void
assert_refused (const char *format,
                const char *path,
                const char *key,
                const char *fragment1,
                const char *fragment2)
{
  g_autofree char *spec = g_strconcat (format, ":", path, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurLabelSource) source = augur_label_source_open (spec, &error);
  g_autoptr(AugurLabels) labels = NULL;

  if (source != NULL)
    labels = augur_label_source_read (source, key, W, H, &error);
  g_assert_null (labels);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, fragment1));
  g_assert_nonnull (strstr (error->message, fragment2));
}

/* COCO ---------------------------------------------------------------------------- */

#define COCO_CATEGORIES \
  "\"categories\": [{\"id\": 1, \"name\": \"cup\", \"supercategory\": \"kitchen\"}, " \
  "{\"id\": 5, \"name\": \"face\", \"keypoints\": [\"left_eye\", \"right_eye\", \"nose\"], " \
  "\"skeleton\": [[1, 3], [2, 3]]}]"

static const char coco_text[] =
  "{\"info\": {\"description\": \"test set\", \"year\": 2026},\n"
  " \"licenses\": [],\n"
  " \"images\": [{\"id\": 7, \"file_name\": \"a/one.png\", \"width\": 40, \"height\": 30, \"license\": 0},\n"
  "            {\"id\": 9, \"file_name\": \"two.jpg\", \"width\": 40, \"height\": 30}],\n"
  " \"annotations\": [\n"
  "  {\"id\": 100, \"image_id\": 7, \"category_id\": 1, \"bbox\": [2, 3, 10.5, 8], \"area\": 84, "
  "\"iscrowd\": 0, \"segmentation\": [[2, 3, 12.5, 3, 12.5, 11]]},\n"
  "  {\"id\": 101, \"image_id\": 7, \"category_id\": 5, \"bbox\": [20, 4, 12, 14], \"area\": 168, "
  "\"iscrowd\": 0, \"keypoints\": [23, 8, 2, 29, 8.5, 1, 0, 0, 0], \"num_keypoints\": 2},\n"
  "  {\"id\": 102, \"image_id\": 9, \"category_id\": 1, \"bbox\": [0, 0, 40, 30], \"area\": 1200, "
  "\"iscrowd\": 1}\n"
  " ],\n"
  " " COCO_CATEGORIES "}\n";

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_coco_round_trip (void)
{
  g_autofree char *dir = augur_test_make_tmp ("augur-coco-XXXXXX");
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *path = g_build_filename (dir, "train.json", NULL);
  g_autofree char *written_path = g_build_filename (out, "train.json", NULL);
  g_autoptr(AugurLabelSource) source = NULL;
  g_autoptr(AugurLabelSink) sink = NULL;
  g_autoptr(AugurLabels) one = NULL;
  g_autoptr(AugurLabels) two = NULL;
  g_autoptr(JsonNode) original = parse_json (coco_text);
  g_autoptr(JsonNode) written = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const AugurBox *b;
  const AugurKeypoint *k;

  write_text (dir, "train.json", coco_text);
  source = open_source ("coco", path);
  one = read_labels (source, "a/one.png");
  two = read_labels (source, "two.jpg");
  /* an image found by its base name alone, when no other shares it */
  g_assert_true (augur_label_source_has (source, "elsewhere/two.jpg"));
  g_assert_true (augur_label_source_has (source, "one.png"));
  g_assert_false (augur_label_source_has (source, "three.png"));

  /* COCO [x, y, w, h] are pixel corners and sides */
  g_assert_cmpuint (one->boxes->len, ==, 2);
  b = augur_labels_find_box (one, 0);
  g_assert_cmpfloat (b->x_min, ==, 2);
  g_assert_cmpfloat (b->y_min, ==, 3);
  g_assert_cmpfloat (b->x_max, ==, 12.5);
  g_assert_cmpfloat (b->y_max, ==, 11);
  g_assert_cmpint (b->class_id, ==, 1);
  g_assert_cmpstr (b->label, ==, "cup");
  /* the keypoint with v = 0 is not a label */
  g_assert_cmpuint (one->keypoints->len, ==, 2);
  k = augur_labels_find_keypoint (one, 1);
  g_assert_cmpstr (k->label, ==, "right_eye");
  g_assert_cmpfloat (k->x, ==, 29);
  g_assert_cmpfloat (k->y, ==, 8.5);
  g_assert_cmpint (k->visibility, ==, 1);
  g_assert_cmpint (k->owner, ==, 1);
  g_assert_cmpuint (two->boxes->len, ==, 1);

  sink = augur_label_sink_new (source, out);
  /* in reverse: the file keeps the input's order */
  g_assert_true (augur_label_sink_add (sink, "two.jpg", "two.jpg", two, FALSE, &error));
  g_assert_true (augur_label_sink_add (sink, "a/one.png", "a/one.png", one, FALSE, &error));
  g_assert_true (augur_label_sink_finish (sink, &error));
  g_assert_no_error (error);

  text = read_text (written_path);
  written = parse_json (text);
  g_assert_true (json_node_equal (original, written));

  augur_test_rm_rf (dir);
}

static void
test_coco_flipped (void)
{
  g_autofree char *dir = augur_test_make_tmp ("augur-coco-XXXXXX");
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *path = g_build_filename (dir, "train.json", NULL);
  g_autofree char *written_path = g_build_filename (out, "train.json", NULL);
  g_autoptr(AugurLabelSource) source = NULL;
  g_autoptr(AugurLabelSource) again = NULL;
  g_autoptr(AugurLabelSink) sink = NULL;
  g_autoptr(AugurLabels) one = NULL;
  g_autoptr(AugurLabels) mirror = NULL;
  g_autoptr(AugurLabels) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) written = NULL;
  g_autofree char *text = NULL;
  JsonObject *annotation;

  write_text (dir, "train.json", coco_text);
  source = open_source ("coco", path);
  one = read_labels (source, "a/one.png");
  mirror = flipped (one);

  sink = augur_label_sink_new (source, out);
  g_assert_true (augur_label_sink_add (sink, "a/one.png", "a/one_0.png", mirror, TRUE, &error));
  g_assert_true (augur_label_sink_add (sink, "a/one.png", "a/one_1.png", one, FALSE, &error));
  g_assert_true (augur_label_sink_finish (sink, &error));
  g_assert_no_error (error);

  text = read_text (written_path);
  written = parse_json (text);
  /* two outputs of one image: new ids; the moved annotation's polygon is
   * mirrored with it, and its area is the polygon's */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (written), "images")), ==, 2);
  annotation = json_array_get_object_element (json_object_get_array_member (json_node_get_object (written),
                                                                            "annotations"), 0);
  g_assert_cmpint (json_object_get_int_member (annotation, "id"), ==, 1);
  {
    JsonArray *polygons = json_object_get_array_member (annotation, "segmentation");
    JsonArray *corners;
    /* [2, 3, 12.5, 3, 12.5, 11] with x -> W - x */
    const double want[] = { 38, 3, 27.5, 3, 27.5, 11 };

    g_assert_cmpuint (json_array_get_length (polygons), ==, 1);
    corners = json_array_get_array_element (polygons, 0);
    g_assert_cmpuint (json_array_get_length (corners), ==, 6);
    for (guint k = 0; k < 6; k++)
      g_assert_cmpfloat (json_array_get_double_element (corners, k), ==, want[k]);
  }
  g_assert_cmpfloat (json_object_get_double_member (annotation, "area"), ==, 42);

  again = open_source ("coco", written_path);
  back = read_labels (again, "a/one_0.png");
  /* x -> W - x: [2, 3, 10.5, 8] becomes [27.5, 3, 10.5, 8] */
  g_assert_cmpfloat (augur_labels_find_box (back, 0)->x_min, ==, 27.5);
  g_assert_cmpfloat (augur_labels_find_box (back, 0)->x_max, ==, 38);
  g_assert_cmpfloat (augur_labels_find_box (back, 0)->y_min, ==, 3);
  /* the eyes traded places and names: the right eye is now at 40 - 23 */
  for (guint i = 0; i < back->keypoints->len; i++)
    {
      const AugurKeypoint *k = &g_array_index (back->keypoints, AugurKeypoint, i);

      if (g_str_equal (k->label, "right_eye"))
        {
          g_assert_cmpfloat (k->x, ==, 17);
          g_assert_cmpint (k->visibility, ==, 2);
        }
      else
        {
          g_assert_cmpstr (k->label, ==, "left_eye");
          g_assert_cmpfloat (k->x, ==, 11);
        }
    }
  augur_test_rm_rf (dir);
}

static void
test_coco_refused (void)
{
  g_autofree char *dir = augur_test_make_tmp ("augur-coco-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "bad.json", NULL);
  static const struct { const char *text; const char *key; const char *f1; const char *f2; } cases[] = {
    { "{\"images\": [{\"id\": 1, \"file_name\": \"x.png\", \"width\": 40, \"height\": 30}], "
      "\"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 3, \"bbox\": [1, 1, 2, 2]}], "
      COCO_CATEGORIES "}", "x.png", "annotations[0]", "category_id 3 is not in" },
    { "{\"images\": [{\"id\": 1, \"file_name\": \"x.png\", \"width\": 40, \"height\": 30}], "
      "\"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [35, 1, 10, 2]}], "
      COCO_CATEGORIES "}", "x.png", "annotations[0]", "outside the image" },
    { "{\"images\": [{\"id\": 1, \"file_name\": \"x.png\", \"width\": 40, \"height\": 30}], "
      "\"annotations\": [{\"id\": 1, \"image_id\": 2, \"category_id\": 1, \"bbox\": [1, 1, 2, 2]}], "
      COCO_CATEGORIES "}", "x.png", "annotations[0]", "image_id 2" },
    { "{\"images\": [{\"id\": 1, \"file_name\": \"x.png\", \"width\": 40, \"height\": 30}], "
      "\"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 5, \"bbox\": [1, 1, 2, 2], "
      "\"keypoints\": [1, 1, 2]}], " COCO_CATEGORIES "}", "x.png", "annotations[0]", "names 3 keypoints" },
    { "{\"images\": [{\"id\": 1, \"file_name\": \"x.png\", \"width\": 40, \"height\": 30}], "
      "\"annotations\": [], " COCO_CATEGORIES "}", "y.png", "bad.json", "no entry in \"images\"" },
    { "{\"images\": [{\"id\": 1, \"file_name\": \"x.png\", \"width\": 41, \"height\": 30}], "
      "\"annotations\": [], " COCO_CATEGORIES "}", "x.png", "images[0]", "41 x 30" },
    { "{\"images\": [], \"annotations\": [}", "x.png", "bad.json", "line 1" },
    { "{\"images\": [{\"id\": 1, \"file_name\": \"x.png\", \"width\": 40, \"height\": 30}], "
      "\"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], "
      "\"segmentation\": [[1, 1, 3, 1]]}], " COCO_CATEGORIES "}", "x.png", "annotations[0]",
      "\"segmentation\"[0]: expected a polygon" },
    { "{\"images\": [{\"id\": 1, \"file_name\": \"x.png\", \"width\": 40, \"height\": 30}], "
      "\"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], "
      "\"segmentation\": \"mask.png\"}], " COCO_CATEGORIES "}", "x.png", "annotations[0]",
      "expected a list of polygons or an RLE object" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      write_text (dir, "bad.json", cases[i].text);
      assert_refused ("coco", path, cases[i].key, cases[i].f1, cases[i].f2);
    }
  augur_test_rm_rf (dir);
}

/* YOLO ---------------------------------------------------------------------------- */

static const char yolo_boxes[] =
  "0 0.250000 0.400000 0.100000 0.200000\n"
  "2 0.512500 0.500000 0.975000 0.333333\n";

static void
test_yolo_round_trip (void)
{
  g_autofree char *dir = augur_test_make_tmp ("augur-yolo-XXXXXX");
  g_autofree char *labels_dir = g_build_filename (dir, "labels", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *written_path = g_build_filename (out, "sub", "img.txt", NULL);
  g_autofree char *flip_path = g_build_filename (out, "sub", "img_1.txt", NULL);
  g_autofree char *classes_path = g_build_filename (out, "classes.txt", NULL);
  g_autoptr(AugurLabelSource) source = NULL;
  g_autoptr(AugurLabelSource) again = NULL;
  g_autoptr(AugurLabelSink) sink = NULL;
  g_autoptr(AugurLabels) labels = NULL;
  g_autoptr(AugurLabels) mirror = NULL;
  g_autoptr(AugurLabels) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *classes = NULL;
  const AugurBox *b;

  write_text (labels_dir, "classes.txt", "cat\ndog\ncup\n");
  write_text (labels_dir, "sub/img.txt", yolo_boxes);
  source = open_source ("yolo", labels_dir);
  labels = read_labels (source, "sub/img.jpg");
  g_assert_true (augur_label_source_has (source, "sub/img.png"));
  g_assert_false (augur_label_source_has (source, "img.png"));

  /* normalised centre boxes: 0.25 +- 0.05 of 40, 0.4 +- 0.1 of 30 */
  b = augur_labels_find_box (labels, 0);
  g_assert_cmpfloat_with_epsilon (b->x_min, 8, 1e-9);
  g_assert_cmpfloat_with_epsilon (b->x_max, 12, 1e-9);
  g_assert_cmpfloat_with_epsilon (b->y_min, 9, 1e-9);
  g_assert_cmpfloat_with_epsilon (b->y_max, 15, 1e-9);
  g_assert_cmpstr (b->label, ==, "cat");
  g_assert_cmpstr (augur_labels_find_box (labels, 1)->label, ==, "cup");

  sink = augur_label_sink_new (source, out);
  g_assert_true (augur_label_sink_add (sink, "sub/img.jpg", "sub/img.png", labels, FALSE, &error));
  mirror = flipped (labels);
  g_assert_true (augur_label_sink_add (sink, "sub/img.jpg", "sub/img_1.png", mirror, TRUE, &error));
  g_assert_true (augur_label_sink_finish (sink, &error));
  g_assert_no_error (error);

  text = read_text (written_path);
  g_assert_cmpstr (text, ==, yolo_boxes);
  classes = read_text (classes_path);
  g_assert_cmpstr (classes, ==, "cat\ndog\ncup\n");

  g_clear_pointer (&text, g_free);
  text = read_text (flip_path);
  g_assert_cmpstr (text, ==, "0 0.750000 0.400000 0.100000 0.200000\n"
                             "2 0.487500 0.500000 0.975000 0.333333\n");
  again = open_source ("yolo", out);
  back = read_labels (again, "sub/img_1.png");
  g_assert_cmpfloat_with_epsilon (augur_labels_find_box (back, 0)->x_min, 28, 1e-6);
  augur_test_rm_rf (dir);
}

static void
test_yolo_refused (void)
{
  g_autofree char *dir = augur_test_make_tmp ("augur-yolo-XXXXXX");
  g_autofree char *empty = g_build_filename (dir, "empty", NULL);
  static const struct { const char *text; const char *f1; const char *f2; } cases[] = {
    { "0 0.5 0.5 0.1 0.1\n1 0.5 0.5 0.1\n", "x.txt:2", "found 4 fields" },
    { "0 0.5 0.5 0.1 0.1\n\n7 0.5 0.5 0.1 0.1\n", "x.txt:3", "class 7 is not in classes.txt" },
    { "0 0.95 0.5 0.2 0.1\n", "x.txt:1", "outside the image" },
    { "0 0.5 0.5 0.1 nan\n", "x.txt:1", "\"nan\" is not a number" },
    { "a 0.5 0.5 0.1 0.1\n", "x.txt:1", "not a class number" },
  };

  write_text (dir, "classes.txt", "a\nb\n");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      write_text (dir, "x.txt", cases[i].text);
      assert_refused ("yolo", dir, "x.png", cases[i].f1, cases[i].f2);
    }
  assert_refused ("yolo", dir, "missing.png", "missing.txt", "no label file for the image missing.png");
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  assert_refused ("yolo", empty, "x.png", "classes.txt", "missing");
  augur_test_rm_rf (dir);
}

/* Pascal VOC ---------------------------------------------------------------------- */

static const char voc_text[] =
  "<?xml version=\"1.0\"?>\n"
  "<annotation>\n"
  "  <folder>VOC</folder>\n"
  "  <filename>img.jpg</filename>\n"
  "  <size>\n    <width>40</width>\n    <height>30</height>\n    <depth>3</depth>\n  </size>\n"
  "  <object>\n    <name>cat</name>\n    <pose>Left</pose>\n    <difficult>0</difficult>\n"
  "    <bndbox>\n      <xmin>3</xmin>\n      <ymin>4</ymin>\n      <xmax>12</xmax>\n"
  "      <ymax>30</ymax>\n    </bndbox>\n  </object>\n"
  "  <object>\n    <name>dog</name>\n"
  "    <bndbox>\n      <xmin>1</xmin>\n      <ymin>1</ymin>\n      <xmax>40</xmax>\n"
  "      <ymax>10</ymax>\n    </bndbox>\n  </object>\n"
  "</annotation>\n";

static void
test_voc_round_trip (void)
{
  g_autofree char *dir = augur_test_make_tmp ("augur-voc-XXXXXX");
  g_autofree char *ann = g_build_filename (dir, "ann", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *written_path = g_build_filename (out, "img.xml", NULL);
  g_autoptr(AugurLabelSource) source = NULL;
  g_autoptr(AugurLabelSource) again = NULL;
  g_autoptr(AugurLabelSink) sink = NULL;
  g_autoptr(AugurLabels) labels = NULL;
  g_autoptr(AugurLabels) mirror = NULL;
  g_autoptr(AugurLabels) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const AugurBox *b;

  write_text (ann, "img.xml", voc_text);
  source = open_source ("voc", ann);
  labels = read_labels (source, "img.jpg");

  /* 1-based pixel corners: pixels 3 to 12 are [2, 12) */
  b = augur_labels_find_box (labels, 0);
  g_assert_cmpfloat (b->x_min, ==, 2);
  g_assert_cmpfloat (b->y_min, ==, 3);
  g_assert_cmpfloat (b->x_max, ==, 12);
  g_assert_cmpfloat (b->y_max, ==, 30);
  g_assert_cmpstr (b->label, ==, "cat");

  sink = augur_label_sink_new (source, out);
  g_assert_true (augur_label_sink_add (sink, "img.jpg", "img.jpg", labels, FALSE, &error));
  g_assert_no_error (error);
  text = read_text (written_path);
  g_assert_cmpstr (text, ==, voc_text);

  mirror = flipped (labels);
  g_assert_true (augur_label_sink_add (sink, "img.jpg", "img_0.png", mirror, TRUE, &error));
  g_assert_no_error (error);
  again = open_source ("voc", out);
  back = read_labels (again, "img_0.png");
  /* pixels 3 .. 12 of 40 mirror to 29 .. 38 */
  b = augur_labels_find_box (back, 0);
  g_assert_cmpfloat (b->x_min, ==, 28);
  g_assert_cmpfloat (b->x_max, ==, 38);
  g_clear_pointer (&text, g_free);
  {
    g_autofree char *flip_path = g_build_filename (out, "img_0.xml", NULL);

    text = read_text (flip_path);
  }
  g_assert_nonnull (strstr (text, "<filename>img_0.png</filename>"));
  g_assert_nonnull (strstr (text, "<xmin>29</xmin>"));
  g_assert_nonnull (strstr (text, "<pose>Left</pose>"));

  /* a box a blend brought in (an id past the file's objects) is written
   * as an object of its own */
  {
    g_autoptr(AugurLabels) blended = augur_labels_copy (labels);
    g_autoptr(AugurLabels) read_back = NULL;
    const AugurBox *added;

    augur_labels_add_box (blended, 20, 5, 30, 25, 0, "bird");
    g_assert_cmpuint (augur_labels_find_box (blended, 2)->id, ==, 2);
    g_assert_true (augur_label_sink_add (sink, "img.jpg", "img_1.png", blended, TRUE, &error));
    g_assert_no_error (error);
    read_back = read_labels (again, "img_1.png");
    g_assert_cmpuint (read_back->boxes->len, ==, 3);
    added = augur_labels_find_box (read_back, 2);
    g_assert_cmpstr (added->label, ==, "bird");
    g_assert_cmpfloat (added->x_min, ==, 20);
    g_assert_cmpfloat (added->y_min, ==, 5);
    g_assert_cmpfloat (added->x_max, ==, 30);
    g_assert_cmpfloat (added->y_max, ==, 25);
  }
  augur_test_rm_rf (dir);
}

static void
test_voc_refused (void)
{
  g_autofree char *dir = augur_test_make_tmp ("augur-voc-XXXXXX");
  static const struct { const char *text; const char *f1; const char *f2; } cases[] = {
    { "<annotation>\n<object>\n<name>cat</name>\n<bndbox><xmin>0</xmin><ymin>1</ymin><xmax>5</xmax>"
      "<ymax>5</ymax></bndbox>\n</object>\n</annotation>\n", "line 4", "outside the image" },
    { "<annotation>\n<size><width>64</width><height>30</height></size>\n</annotation>\n", "line 2",
      "64 x 30" },
    { "<annotation>\n<object>\n<name>cat</name>\n</object>\n</annotation>\n", "line 2", "no <bndbox>" },
    { "<annotation>\n<object>\n<name>cat\n</annotation>\n", "x.xml", "not well-formed" },
    { "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
      "<annotation><object><name>&e;</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax>"
      "<ymax>2</ymax></bndbox></object><object></object></annotation>\n", "line 3", "without a <name>" },
    { "<annotations/>\n", "line 1", "expected an <annotation>" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      write_text (dir, "x.xml", cases[i].text);
      assert_refused ("voc", dir, "x.png", cases[i].f1, cases[i].f2);
    }
  assert_refused ("voc", dir, "y.png", "y.xml", "missing");
  augur_test_rm_rf (dir);
}

/* Masks ----------------------------------------------------------------------------- */

static void
check_mask_round_trip (int depth)
{
  g_autofree char *dir = augur_test_make_tmp ("augur-masks-XXXXXX");
  g_autofree char *maps = g_build_filename (dir, "maps", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *path = g_build_filename (maps, "a", "img.png", NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree guint16 *values = g_new (guint16, W * H);
  g_autoptr(AugurLabels) labels = augur_labels_new (W, H);
  g_autoptr(AugurLabels) back = NULL;
  g_autoptr(AugurLabels) mirror = NULL;
  g_autoptr(AugurLabels) mirror_back = NULL;
  g_autoptr(AugurLabelSource) source = NULL;
  g_autoptr(AugurLabelSource) again = NULL;
  g_autoptr(AugurLabelSink) sink = NULL;
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < W * H; i++)
    values[i] = (guint16) (depth == 16 ? (i * 37) % 65536 : (i * 7) % 256);
  augur_labels_set_mask (labels, values, depth);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (augur_label_map_save (labels, path, &error));
  g_assert_no_error (error);

  source = open_source ("masks", maps);
  back = read_labels (source, "a/img.jpg");
  g_assert_cmpint (back->mask_depth, ==, depth);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      g_assert_cmpuint (augur_labels_mask_value (back, x, y), ==, values[y * W + x]);

  /* written beside the images, under masks/, and read back mirrored */
  mirror = flipped (back);
  sink = augur_label_sink_new (source, out);
  g_assert_true (augur_label_sink_add (sink, "a/img.jpg", "a/img_0.png", mirror, TRUE, &error));
  g_assert_no_error (error);
  {
    g_autofree char *masks_out = g_build_filename (out, "masks", NULL);

    again = open_source ("masks", masks_out);
  }
  mirror_back = read_labels (again, "a/img_0.png");
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      g_assert_cmpuint (augur_labels_mask_value (mirror_back, W - 1 - x, y), ==, values[y * W + x]);
  augur_test_rm_rf (dir);
}

static void
test_masks (void)
{
  check_mask_round_trip (8);
  check_mask_round_trip (16);
}

static void
test_masks_refused (void)
{
  g_autofree char *dir = augur_test_make_tmp ("augur-masks-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "x.png", NULL);
  g_autoptr(AugurImage) rgb = augur_test_flat_image (W, H, 3, 1);
  g_autoptr(AugurLabels) small = augur_labels_new (W - 1, H);
  g_autofree guint16 *values = g_new0 (guint16, (W - 1) * H);
  g_autoptr(GError) error = NULL;

  g_assert_true (augur_image_save (rgb, path, AUGUR_IMAGE_FORMAT_PNG, 95, &error));
  assert_refused ("masks", dir, "x.jpg", "x.png", "one channel");
  augur_labels_set_mask (small, values, 8);
  g_assert_true (augur_label_map_save (small, path, &error));
  assert_refused ("masks", dir, "x.jpg", "x.png", "39 x 30");
  write_text (dir, "x.png", "not a png at all");
  assert_refused ("masks", dir, "x.jpg", "x.png", "not a PNG");
  assert_refused ("masks", dir, "y.jpg", "y.png", "missing");
  assert_refused ("tiff", dir, "y.jpg", "tiff:", "expected coco:FILE");
  augur_test_rm_rf (dir);
}

/* The bundled samples' labels load, and the coffee mask fits its image. */
static void
test_bundled (void)
{
  const char *root = g_getenv ("AUGUR_SOURCE_DIR");
  g_autofree char *coco = NULL;
  g_autofree char *masks = NULL;
  g_autoptr(AugurLabelSource) source = NULL;
  g_autoptr(AugurLabelSource) maps = NULL;
  g_autoptr(GError) error = NULL;
  static const struct { const char *key; int w, h; guint boxes, keypoints; } samples[] = {
    { "astronaut.png", 512, 512, 4, 3 },
    { "chelsea.png", 451, 300, 1, 3 },
    { "coffee.png", 600, 400, 4, 0 },
    { "rocket.jpg", 640, 427, 0, 0 },
  };

  if (root == NULL)
    {
      g_test_skip ("AUGUR_SOURCE_DIR is not set");
      return;
    }
  coco = g_build_filename (root, "data", "samples", "labels.coco.json", NULL);
  masks = g_build_filename (root, "data", "sample-masks", NULL);
  source = open_source ("coco", coco);
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(AugurLabels) labels = augur_label_source_read (source, samples[i].key, samples[i].w,
                                                               samples[i].h, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (labels->boxes->len, ==, samples[i].boxes);
      g_assert_cmpuint (labels->keypoints->len, ==, samples[i].keypoints);
    }
  maps = open_source ("masks", masks);
  {
    g_autoptr(AugurLabels) coffee = augur_label_source_read (maps, "coffee.png", 600, 400, &error);

    g_assert_no_error (error);
    /* the middle of the cup, the saucer's rim, the table */
    g_assert_cmpuint (augur_labels_mask_value (coffee, 290, 130), ==, 1);
    g_assert_cmpuint (augur_labels_mask_value (coffee, 150, 320), ==, 2);
    g_assert_cmpuint (augur_labels_mask_value (coffee, 560, 30), ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/label-formats/coco/round-trip", test_coco_round_trip);
  g_test_add_func ("/label-formats/coco/flipped", test_coco_flipped);
  g_test_add_func ("/label-formats/coco/refused", test_coco_refused);
  g_test_add_func ("/label-formats/yolo/round-trip", test_yolo_round_trip);
  g_test_add_func ("/label-formats/yolo/refused", test_yolo_refused);
  g_test_add_func ("/label-formats/voc/round-trip", test_voc_round_trip);
  g_test_add_func ("/label-formats/voc/refused", test_voc_refused);
  g_test_add_func ("/label-formats/masks/round-trip", test_masks);
  g_test_add_func ("/label-formats/masks/refused", test_masks_refused);
  g_test_add_func ("/label-formats/bundled", test_bundled);

  return g_test_run ();
}
