/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "augur-label-formats.h"
#include "augur-label-report.h"

#include "augur-test-util.h"

/*
 * augur-cli apply --labels: labels written beside the outputs in their
 * format, each output's label numbers in its manifest line, and the
 * annotation-loss report on stderr and as the manifest's last line,
 * checked on a recipe built to lose exactly half of the boxes (a crop
 * that keeps the left half of images whose boxes lie half on each side).
 */

#define W 64
#define H 48

static char *cli_path;

static int
run_cli (char       **err,
         const char  *first,
         ...) G_GNUC_NULL_TERMINATED;

static int
run_cli (char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err_text = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, cli_path);
  va_start (ap, first);
  for (arg = first; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_newv ((const char * const *) args->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err_text, &error);  g_assert_no_error (error);
  g_test_message ("%s", err_text);
  if (err)
    *err = g_steal_pointer (&err_text);
  return g_subprocess_get_exit_status (process);
}

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static char **
read_lines (const char *path)
{
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return g_strsplit (g_strchomp (text), "\n", -1);
}

/* A temporary folder with a dataset: its images (in), YOLO labels (yolo,
 * given as spec) and recipe. */
typedef struct
{
  char *dir;
  char *recipe;
  char *in;
  char *yolo;
  char *spec;
} Dataset;

static void
dataset_clear (Dataset *set)
{
  augur_test_rm_rf (set->dir);
  g_free (set->dir);
  g_free (set->recipe);
  g_free (set->in);
  g_free (set->yolo);
  g_free (set->spec);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Dataset, dataset_clear)

/* @n images under DIR/in, each with four boxes in its left half and four
 * in its right half, as YOLO labels under DIR/yolo, and a recipe that
 * keeps the left half. */
static Dataset
make_dataset (guint n)
{
  Dataset value = { 0 }, *set = &value;
  const char *dir, *in, *yolo;

  set->dir = augur_test_make_tmp ("augur-cli-labels-XXXXXX");
  set->recipe = g_build_filename (set->dir, "half.json", NULL);
  set->in = g_build_filename (set->dir, "in", NULL);
  set->yolo = g_build_filename (set->dir, "yolo", NULL);
  set->spec = g_strconcat ("yolo:", set->yolo, NULL);
  dir = set->dir, in = set->in, yolo = set->yolo;

  write_file (yolo, "classes.txt", "left\nright\n");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AugurImage) image = augur_test_random_image (W, H, 3, 40 + i);
      g_autofree char *name = g_strdup_printf ("%simg%u.png", i % 2 ? "sub/" : "", i);
      g_autofree char *label = g_strdup_printf ("%simg%u.txt", i % 2 ? "sub/" : "", i);
      g_autofree char *path = g_build_filename (in, name, NULL);
      g_autofree char *parent = g_path_get_dirname (path);
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
      g_assert_true (augur_image_save (image, path, AUGUR_IMAGE_FORMAT_PNG, 90, &error));
      for (int b = 0; b < 4; b++)
        {
          /* 6 pixels wide: left at 2 + 7b, right at 34 + 7b */
          g_string_append_printf (text, "0 %.6f 0.5 0.09375 0.25\n", (5 + 7 * b) / (double) W);
          g_string_append_printf (text, "1 %.6f 0.5 0.09375 0.25\n", (37 + 7 * b) / (double) W);
        }
      write_file (yolo, label, text->str);
    }
  write_file (dir, "half.json",
              "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 5, \"pipeline\": "
              "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"HorizontalFlip\", \"p\": 0.5}, "
              "{\"type\": \"Crop\", \"params\": {\"x_min\": 0, \"y_min\": 0, \"x_max\": 32, \"y_max\": 48}}]}}");
  return value;
}

/* The dataset's boxes (make_dataset ()) as a COCO file DIR/NAME. */
static void
write_coco (const char *dir,
            const char *name,
            guint       n)
{
  g_autoptr(GString) text = g_string_new ("{\"images\": [");
  guint id = 1;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s{\"id\": %u, \"file_name\": \"%simg%u.png\", \"width\": %d, \"height\": %d}",
                            i ? ", " : "", i + 1, i % 2 ? "sub/" : "", i, W, H);
  g_string_append (text, "], \"categories\": [{\"id\": 1, \"name\": \"left\"}, {\"id\": 2, \"name\": \"right\"}], "
                   "\"annotations\": [");
  for (guint i = 0; i < n; i++)
    for (int b = 0; b < 8; b++)
      g_string_append_printf (text, "%s{\"id\": %u, \"image_id\": %u, \"category_id\": %d, "
                              "\"bbox\": [%d, 18, 6, 12]}", id > 1 ? ", " : "", id, i + 1, 1 + b % 2,
                              (b % 2 ? 34 : 2) + 7 * (b / 2)), id++;
  g_string_append (text, "]}\n");
  write_file (dir, name, text->str);
}

static JsonObject *
report_of (const char *manifest,
           JsonNode  **keep)
{
  g_auto(GStrv) lines = read_lines (manifest);
  guint n = g_strv_length (lines);

  *keep = json_from_string (lines[n - 1], NULL);
  g_assert_nonnull (*keep);
  g_assert_true (json_object_has_member (json_node_get_object (*keep), AUGUR_LABEL_REPORT_MEMBER));
  return json_object_get_object_member (json_node_get_object (*keep), AUGUR_LABEL_REPORT_MEMBER);
}

/* Half the boxes go, whichever way the flip falls; the report says so on
 * stderr and in the manifest, each line holds its output's numbers, and
 * the labels written read back as YOLO labels of the outputs. */
static void
test_half_lost (void)
{
  g_auto(Dataset) set = make_dataset (4);
  g_autofree char *out = g_build_filename (set.dir, "out", NULL);
  g_autofree char *manifest = g_build_filename (out, "manifest.jsonl", NULL);
  g_autofree char *out_spec = g_strconcat ("yolo:", out, NULL);
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) keep = NULL;
  g_autoptr(AugurLabelSource) written = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *report;
  JsonObject *step;

  g_assert_cmpint (run_cli (&err, "apply", set.recipe, set.in, "-o", out, "-n", "3", "--labels", set.spec, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "labels: 96 boxes in, 48 kept, 48 dropped (50.0%), 0 cut at the edge"));
  g_assert_nonnull (strstr (err, "crop-1 (Crop): 48 boxes dropped"));

  report = report_of (manifest, &keep);
  g_assert_cmpint (json_object_get_int_member (report, "outputs"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (report, "boxes_in"), ==, 96);
  g_assert_cmpint (json_object_get_int_member (report, "boxes"), ==, 48);
  step = json_array_get_object_element (json_object_get_array_member (report, "steps"), 0);
  g_assert_cmpstr (json_object_get_string_member (step, "id"), ==, "crop-1");
  g_assert_cmpint (json_object_get_int_member (step, "boxes_dropped"), ==, 48);

  lines = read_lines (manifest);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 12 + 1);
  written = augur_label_source_open (out_spec, NULL);
  g_assert_nonnull (written);
  for (guint i = 1; i <= 12; i++)
    {
      g_autoptr(JsonNode) line = json_from_string (lines[i], NULL);
      JsonObject *labels = json_object_get_object_member (json_node_get_object (line), "labels");
      const char *output = json_object_get_string_member (json_node_get_object (line), "output");
      g_autoptr(AugurLabels) back = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (json_object_get_int_member (labels, "boxes_in"), ==, 8);
      g_assert_cmpint (json_object_get_int_member (labels, "boxes"), ==, 4);
      back = augur_label_source_read (written, output, W / 2, H, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (back->boxes->len, ==, 4);
      for (guint b = 0; b < back->boxes->len; b++)
        {
          const AugurBox *box = &g_array_index (back->boxes, AugurBox, b);

          /* the kept half is the left boxes, or the right ones mirrored */
          g_assert_cmpfloat (box->x_max - box->x_min, >, 5.99);
          g_assert_cmpfloat (box->x_max, <=, W / 2);
        }
    }

  /* a manifest with labels replays: its report line is not an output */
  {
    g_autofree char *again = g_build_filename (set.dir, "again", NULL);

    g_autofree char *moved = g_build_filename (set.dir, "moved.jsonl", NULL);
    g_autofree char *moved_text = NULL;
    g_autofree char *elsewhere = g_build_filename (set.dir, "elsewhere", NULL);

    g_assert_cmpint (run_cli (NULL, "apply", "--replay", manifest, "-o", again, NULL), ==, 0);
    /* anywhere but last, the report line is refused */
    moved_text = g_strjoin ("\n", lines[0], lines[13], lines[1], lines[2], "", NULL);
    g_assert_true (g_file_set_contents (moved, moved_text, -1, NULL));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (&err, "apply", "--replay", moved, "-o", elsewhere, NULL), !=, 0);
    g_assert_nonnull (strstr (err, "must be the manifest's last"));
  }
}

/* Every file under @a (but the manifest) has the same bytes under @b, and
 * @b has no other; returns how many. */
static guint
same_files (const char *a,
            const char *b,
            const char *under)
{
  g_autofree char *dir_path = g_build_filename (a, under, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  guint n = 0, here = 0, n_b = 0;
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *rel = g_build_filename (under, name, NULL);
      g_autofree char *pa = g_build_filename (a, rel, NULL);
      g_autofree char *pb = g_build_filename (b, rel, NULL);
      g_autofree char *ta = NULL;
      g_autofree char *tb = NULL;
      gsize la, lb;

      /* the manifest, and the run's own record of it */
      if (strstr (name, "manifest") != NULL)
        continue;
      if (g_file_test (pa, G_FILE_TEST_IS_DIR))
        {
          n += same_files (a, b, rel);
          continue;
        }
      g_assert_true (g_file_get_contents (pa, &ta, &la, NULL));
      g_assert_true (g_file_get_contents (pb, &tb, &lb, NULL));
      g_assert_cmpmem (ta, la, tb, lb);
      n++;
      here++;
    }
  /* and nothing more on @b's side */
  {
    g_autofree char *b_path = g_build_filename (b, under, NULL);
    g_autoptr(GDir) other = g_dir_open (b_path, 0, NULL);

    while ((name = g_dir_read_name (other)) != NULL)
      {
        g_autofree char *pb = g_build_filename (b_path, name, NULL);

        if (strstr (name, "manifest") == NULL && !g_file_test (pb, G_FILE_TEST_IS_DIR))
          n_b++;
      }
  }
  g_assert_cmpuint (n_b, ==, here);
  return n;
}

/* A replay with --labels writes the label files the run wrote, byte for
 * byte (YOLO files and COCO's one file alike). */
static void
test_replay (void)
{
  g_auto(Dataset) set = make_dataset (4);
  const char *formats[] = { "yolo", "coco" };

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *out = g_strdup_printf ("%s/out-%s", set.dir, formats[f]);
      g_autofree char *again = g_strdup_printf ("%s/again-%s", set.dir, formats[f]);
      g_autofree char *manifest = g_build_filename (out, "manifest.jsonl", NULL);
      g_autofree char *coco = g_build_filename (set.dir, "labels.json", NULL);
      g_autofree char *spec = NULL;
      g_autofree char *written = g_build_filename (again, f == 0 ? "img0_0.txt" : "labels.json", NULL);

      if (f == 1)
        {
          write_coco (set.dir, "labels.json", 4);
          spec = g_strconcat ("coco:", coco, NULL);
        }
      else
        spec = g_strdup (set.spec);

      g_assert_cmpint (run_cli (NULL, "apply", set.recipe, set.in, "-o", out, "-n", "2", "--labels", spec, NULL), ==, 0);
      g_assert_cmpint (run_cli (NULL, "apply", "--replay", manifest, "-o", again, "--labels", spec, NULL), ==, 0);
      g_assert_true (g_file_test (written, G_FILE_TEST_EXISTS));
      g_assert_cmpuint (same_files (out, again, ""), >=, 8);
    }
}

/* Shards of a run with labels merge into the single run's manifest, its
 * report line included. */
static void
test_shards (void)
{
  g_auto(Dataset) set = make_dataset (5);
  g_autofree char *one = g_build_filename (set.dir, "one", NULL);
  g_autofree char *split = g_build_filename (set.dir, "split", NULL);
  g_autofree char *m_one = g_build_filename (one, "manifest.jsonl", NULL);
  g_autofree char *s1 = g_build_filename (split, "manifest.shard-1-of-2.jsonl", NULL);
  g_autofree char *s2 = g_build_filename (split, "manifest.shard-2-of-2.jsonl", NULL);
  g_autofree char *merged = g_build_filename (set.dir, "merged.jsonl", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;

  g_assert_cmpint (run_cli (NULL, "apply", set.recipe, set.in, "-o", one, "-n", "2", "--labels", set.spec, NULL), ==, 0);
  g_assert_cmpint (run_cli (NULL, "apply", set.recipe, set.in, "-o", split, "-n", "2", "--shard", "1/2",
                            "--labels", set.spec, NULL), ==, 0);
  g_assert_cmpint (run_cli (NULL, "apply", set.recipe, set.in, "-o", split, "-n", "2", "--shard", "2/2",
                            "--labels", set.spec, NULL), ==, 0);
  g_assert_cmpint (run_cli (NULL, "manifest", "merge", s2, s1, "-o", merged, NULL), ==, 0);
  g_assert_true (g_file_get_contents (m_one, &expected, NULL, NULL));
  g_assert_true (g_file_get_contents (merged, &got, NULL, NULL));
  g_assert_cmpstr (got, ==, expected);
  g_assert_nonnull (strstr (got, "\"labels_report\":{\"outputs\":10,\"boxes_in\":80,\"boxes\":40"));
}

/* COCO with shards: each shard writes its part (a COCO file of its own
 * outputs); a replay of the merged manifest over the shards' outputs
 * (--resume: nothing is drawn again) writes the COCO file a single run
 * writes, byte for byte. */
static void
test_coco_shards (void)
{
  g_auto(Dataset) set = make_dataset (5);
  g_autofree char *coco = g_build_filename (set.dir, "labels.json", NULL);
  g_autofree char *spec = g_strconcat ("coco:", coco, NULL);
  g_autofree char *one = g_build_filename (set.dir, "one", NULL);
  g_autofree char *split = g_build_filename (set.dir, "split", NULL);
  g_autofree char *s1 = g_build_filename (split, "manifest.shard-1-of-2.jsonl", NULL);
  g_autofree char *s2 = g_build_filename (split, "manifest.shard-2-of-2.jsonl", NULL);
  g_autofree char *part1 = g_build_filename (split, "labels.shard-1-of-2.json", NULL);
  g_autofree char *part2 = g_build_filename (split, "labels.shard-2-of-2.json", NULL);
  /* beside the shards' manifests: the input folders are relative to it */
  g_autofree char *merged = g_build_filename (split, "merged.jsonl", NULL);
  g_autofree char *again = g_build_filename (set.dir, "again.jsonl", NULL);
  g_autofree char *want_path = g_build_filename (one, "labels.json", NULL);
  g_autofree char *got_path = g_build_filename (split, "labels.json", NULL);
  g_autofree char *part_spec = g_strconcat ("coco:", part1, NULL);
  g_autofree char *want = NULL;
  g_autofree char *got = NULL;
  g_autoptr(AugurLabelSource) part = NULL;

  write_coco (set.dir, "labels.json", 5);
  g_assert_cmpint (run_cli (NULL, "apply", set.recipe, set.in, "-o", one, "-n", "2", "--labels", spec, NULL), ==, 0);
  g_assert_cmpint (run_cli (NULL, "apply", set.recipe, set.in, "-o", split, "-n", "2", "--shard", "1/2",
                            "--labels", spec, NULL), ==, 0);
  g_assert_cmpint (run_cli (NULL, "apply", set.recipe, set.in, "-o", split, "-n", "2", "--shard", "2/2",
                            "--labels", spec, NULL), ==, 0);
  /* each part is a COCO file of its shard's outputs (inputs 0, 2, 4: six) */
  g_assert_true (g_file_test (part2, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (got_path, G_FILE_TEST_EXISTS));
  part = augur_label_source_open (part_spec, NULL);
  g_assert_nonnull (part);
  g_assert_true (augur_label_source_has (part, "img0_0.png"));
  g_assert_true (augur_label_source_has (part, "img4_1.png"));
  g_assert_false (augur_label_source_has (part, "sub/img1_0.png"));

  g_assert_cmpint (run_cli (NULL, "manifest", "merge", s1, s2, "-o", merged, NULL), ==, 0);
  g_assert_cmpint (run_cli (NULL, "apply", "--replay", merged, "--resume", "--labels", spec, "-o", split,
                            "--manifest", again, NULL), ==, 0);
  g_assert_true (g_file_get_contents (want_path, &want, NULL, NULL));
  g_assert_true (g_file_get_contents (got_path, &got, NULL, NULL));
  g_assert_cmpstr (got, ==, want);
}

/* Bad labels fail their input, naming the file and line; the others are
 * still written. */
static void
test_bad_labels (void)
{
  g_auto(Dataset) set = make_dataset (4);
  g_autofree char *out = g_build_filename (set.dir, "out", NULL);
  g_autofree char *missing = g_build_filename (set.yolo, "img0.txt", NULL);
  g_autofree char *written = g_build_filename (out, "img2_0.txt", NULL);
  g_autofree char *err = NULL;

  g_assert_cmpint (g_unlink (missing), ==, 0);
  write_file (set.yolo, "sub/img1.txt", "0 0.5 0.5 0.1 0.1\n5 0.5 0.5 0.1 0.1\n");
  write_file (set.yolo, "sub/img3.txt", "0 0.5 0.5 0.1\n");
  g_assert_cmpint (run_cli (&err, "apply", set.recipe, set.in, "-o", out, "--labels", set.spec, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "img0.txt: missing: no label file for the image img0.png"));
  g_assert_nonnull (strstr (err, "sub/img1.txt:2: class 5 is not in classes.txt"));
  g_assert_nonnull (strstr (err, "sub/img3.txt:1: expected \"class x_centre y_centre width height\""));
  g_assert_nonnull (strstr (err, "3 inputs failed"));
  g_assert_true (g_file_test (written, G_FILE_TEST_EXISTS));

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&err, "apply", set.recipe, set.in, "-o", out, "--labels", "xml:foo", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "expected coco:FILE, yolo:DIR, voc:DIR or masks:DIR"));
}

/* A run with a Mosaic: each output holds boxes from its other images, the
 * report says so (also with the inputs named as the reference folder);
 * with a reference folder of its own, whose images the labels do not
 * describe (even where an input has the same name), the outputs hold only
 * the image's own, and the report says how many images came without
 * labels. */
static void
test_blend (void)
{
  g_auto(Dataset) set = make_dataset (4);
  g_autofree char *recipe = g_build_filename (set.dir, "mosaic.json", NULL);
  g_autofree char *out = g_build_filename (set.dir, "out", NULL);
  g_autofree char *bare = g_build_filename (set.dir, "bare", NULL);
  g_autofree char *refs = g_build_filename (set.dir, "refs", NULL);
  g_autofree char *manifest = g_build_filename (out, "manifest.jsonl", NULL);
  g_autofree char *bare_manifest = g_build_filename (bare, "manifest.jsonl", NULL);
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) keep = NULL;
  g_autoptr(JsonNode) keep_bare = NULL;
  JsonObject *report;

  write_file (set.dir, "mosaic.json",
              "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 5, \"pipeline\": "
              "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"Mosaic\", \"p\": 1, \"params\": "
              "{\"target_size\": [48, 64], \"cell_shape\": [48, 64]}}]}}");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(AugurImage) image = augur_test_random_image (W, H, 3, 90 + i);
      /* named as inputs are: the labels of those inputs are not theirs */
      g_autofree char *path = g_strdup_printf ("%s/img%u.png", refs, i);

      g_assert_cmpint (g_mkdir_with_parents (refs, 0755), ==, 0);
      g_assert_true (augur_image_save (image, path, AUGUR_IMAGE_FORMAT_PNG, 90, NULL));
    }

  g_assert_cmpint (run_cli (&err, "apply", recipe, set.in, "-o", out, "--labels", set.spec, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "blends brought in"));
  report = report_of (manifest, &keep);
  /* a quarter of each of four images: about as many boxes out as in */
  g_assert_cmpint (json_object_get_int_member (report, "boxes_in"), ==, 32);
  g_assert_cmpint (json_object_get_int_member (report, "boxes_added"), >, 0);
  g_assert_cmpint (json_object_get_int_member (report, "boxes"), >,
                   json_object_get_int_member (report, "boxes_added"));
  g_assert_false (json_object_has_member (report, "references_unlabelled"));

  /* the inputs given as the reference folder: the same */
  {
    g_autofree char *same = g_build_filename (set.dir, "same", NULL);
    g_autofree char *same_manifest = g_build_filename (same, "manifest.jsonl", NULL);
    g_autoptr(JsonNode) keep_same = NULL;
    JsonObject *same_report;

    g_assert_cmpint (run_cli (NULL, "apply", recipe, set.in, "-o", same, "--reference", set.in,
                              "--labels", set.spec, NULL), ==, 0);
    same_report = report_of (same_manifest, &keep_same);
    g_assert_cmpint (json_object_get_int_member (same_report, "boxes_added"), >, 0);
    g_assert_false (json_object_has_member (same_report, "references_unlabelled"));
  }

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&err, "apply", recipe, set.in, "-o", bare, "--reference", refs,
                            "--labels", set.spec, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "12 images blends drew had no labels"));
  report = report_of (bare_manifest, &keep_bare);
  g_assert_cmpint (json_object_get_int_member (report, "references_unlabelled"), ==, 12);
  g_assert_false (json_object_has_member (report, "boxes_added"));
  g_assert_cmpint (json_object_get_int_member (report, "boxes"), <, 32);

  /* COCO: the boxes brought in get annotations of their own; the file
   * written reads back with each output's boxes */
  {
    g_autofree char *coco_out = g_build_filename (set.dir, "coco-out", NULL);
    g_autofree char *coco = g_build_filename (set.dir, "labels.json", NULL);
    g_autofree char *spec = g_strconcat ("coco:", coco, NULL);
    g_autofree char *written_path = g_build_filename (coco_out, "labels.json", NULL);
    g_autofree char *written_spec = g_strconcat ("coco:", written_path, NULL);
    g_autofree char *coco_manifest = g_build_filename (coco_out, "manifest.jsonl", NULL);
    g_autoptr(AugurLabelSource) written = NULL;
    g_auto(GStrv) lines = NULL;
    guint added = 0;

    write_coco (set.dir, "labels.json", 4);
    g_assert_cmpint (run_cli (NULL, "apply", recipe, set.in, "-o", coco_out, "--labels", spec, NULL), ==, 0);
    written = augur_label_source_open (written_spec, NULL);
    g_assert_nonnull (written);
    lines = read_lines (coco_manifest);
    for (guint i = 1; lines[i + 1]; i++)
      {
        g_autoptr(JsonNode) line = json_from_string (lines[i], NULL);
        JsonObject *numbers = json_object_get_object_member (json_node_get_object (line), "labels");
        const char *output = json_object_get_string_member (json_node_get_object (line), "output");
        g_autoptr(AugurLabels) back = NULL;
        g_autoptr(GError) error = NULL;

        back = augur_label_source_read (written, output, W, H, &error);
        g_assert_no_error (error);
        g_assert_cmpint (back->boxes->len, ==, json_object_get_int_member (numbers, "boxes"));
        added += (guint) json_object_get_int_member_with_default (numbers, "boxes_added", 0);
      }
    g_assert_cmpuint (added, >, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  cli_path = augur_test_cli_path (argc, argv);

  g_test_add_func ("/cli-labels/half-lost", test_half_lost);
  g_test_add_func ("/cli-labels/shards", test_shards);
  g_test_add_func ("/cli-labels/coco-shards", test_coco_shards);
  g_test_add_func ("/cli-labels/bad-labels", test_bad_labels);
  g_test_add_func ("/cli-labels/replay", test_replay);
  g_test_add_func ("/cli-labels/blend", test_blend);

  return g_test_run ();
}
