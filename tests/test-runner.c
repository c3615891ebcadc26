/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "augur-error.h"
#include "augur-recipe.h"
#include "augur-runner.h"
#include "augur-sheet.h"

#include "augur-test-util.h"

/* Tests of the runner and sheet building blocks, through the core API. */

static void
touch (const char *root,
       const char *rel,
       const char *content)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, content, -1, NULL));
}

static AugurImage *
solid (int    width,
       int    height,
       int    channels,
       guint8 value)
{
  AugurImage *image = augur_image_new (width, height, channels);

  memset (image->data, value, (gsize) image->stride * height);
  return image;
}

static void
save_solid (const char *root,
            const char *rel,
            guint8      value)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(AugurImage) image = solid (12, 8, 3, value);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  /* A gradient row, so that flips change the pixels. */
  for (int x = 0; x < image->width; x++)
    augur_image_row (image, 0)[x * 3] = (guint8) (x * 20);
  g_assert_true (augur_image_save (image, path, AUGUR_IMAGE_FORMAT_PNG, 90, &error));
  g_assert_no_error (error);
}

static AugurRecipe *
flip_recipe (void)
{
  g_autoptr(GError) error = NULL;
  AugurRecipe *recipe = augur_recipe_parse (
    "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 5, \"pipeline\": {\"type\": \"Sequential\", \"steps\": ["
    "{\"type\": \"HorizontalFlip\", \"p\": 0.5}, {\"type\": \"VerticalFlip\", \"p\": 0.5},"
    "{\"type\": \"RandomBrightnessContrast\", \"p\": 0.5}]}}", -1, &error);

  g_assert_no_error (error);
  return recipe;
}

/* Inputs ------------------------------------------------------------------------------ */

static void
test_collect (void)
{
  g_autofree char *root = augur_test_make_tmp ("augur-runner-XXXXXX");
  g_autofree char *dir = g_build_filename (root, "data", NULL);
  g_autofree char *single = g_build_filename (root, "single.jpg", NULL);
  g_autoptr(GPtrArray) roots = NULL;
  g_autoptr(GPtrArray) inputs = NULL;
  g_autoptr(GError) error = NULL;
  static const struct { const char *key; const char *stem; guint root; } expected[] = {
    { "B.bmp",          "B",          0 },
    { "a.png",          "a",          0 },
    { "a/deep/x.TIFF",  "a/deep/x",   0 },
    { "b.webp",         "b",          0 },
    { "z.tar.jpeg",     "z.tar",      0 },
    { "single.jpg",     "single",     1 },
  };

  touch (dir, "b.webp", "x");
  touch (dir, "a.png", "x");
  touch (dir, "B.bmp", "x");
  touch (dir, "a/deep/x.TIFF", "x");
  touch (dir, "z.tar.jpeg", "x");
  touch (dir, "notes.txt", "not an input");
  touch (dir, ".hidden/y.png", "skipped: hidden");
  touch (dir, ".a_0.png.part", "skipped: hidden");
  touch (root, "single.jpg", "x");

  {
    const char *paths[] = { dir, single, NULL };

    inputs = augur_runner_collect_inputs (paths, &roots, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpuint (inputs->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < inputs->len; i++)
    {
      AugurRunnerInput *input = inputs->pdata[i];

      g_assert_cmpstr (input->key, ==, expected[i].key);
      g_assert_cmpstr (input->stem, ==, expected[i].stem);
      g_assert_cmpuint (input->root, ==, expected[i].root);
      g_assert_no_error (input->error);
    }

  /* Roots are absolute folders: a file's root is its folder. */
  g_assert_cmpuint (roots->len, ==, 2);
  g_assert_true (g_path_is_absolute (roots->pdata[0]));
  g_assert_true (g_str_has_suffix (roots->pdata[0], "/data"));
  g_assert_cmpstr (roots->pdata[1], ==, root);

  augur_test_rm_rf (root);
}

static void
test_collect_missing (void)
{
  const char *paths[] = { "/nonexistent/augur/input", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) inputs = augur_runner_collect_inputs (paths, NULL, &error);

  g_assert_null (inputs);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "/nonexistent/augur/input"));
}

typedef struct
{
  const char *name;
  gboolean    image;
} NameCase;

static const NameCase name_cases[] = {
  { "a.png", TRUE }, { "a.JPG", TRUE }, { "a.jpeg", TRUE }, { "a.webp", TRUE },
  { "a.tif", TRUE }, { "a.tiff", TRUE }, { "a.bmp", TRUE }, { "a.gif", FALSE },
  { "png", FALSE }, { ".png", FALSE }, { "a.png.part", FALSE }, { "a.txt", FALSE },
};

static void
test_image_names (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (name_cases); i++)
    {
      g_test_message ("%s", name_cases[i].name);
      g_assert_cmpint (augur_runner_is_image_name (name_cases[i].name), ==, name_cases[i].image);
    }
}

static void
test_output_names (void)
{
  static const struct { const char *stem; guint variant; AugurImageFormat format; const char *name; } cases[] = {
    { "cat", 0, AUGUR_IMAGE_FORMAT_PNG, "cat_0.png" },
    { "sub/cat", 12, AUGUR_IMAGE_FORMAT_JPEG, "sub/cat_12.jpg" },
    { "a.b", 3, AUGUR_IMAGE_FORMAT_WEBP, "a.b_3.webp" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = augur_runner_output_name (cases[i].stem, cases[i].variant, cases[i].format);

      g_assert_cmpstr (name, ==, cases[i].name);
    }
}

/* Overlap ------------------------------------------------------------------------------ */

static void
test_overlap (void)
{
  g_autofree char *root = augur_test_make_tmp ("augur-runner-XXXXXX");
  g_autofree char *in = g_build_filename (root, "in", NULL);
  g_autofree char *file = g_build_filename (root, "out", "x.png", NULL);
  g_autofree char *link = g_build_filename (root, "link", NULL);
  struct { const char *input; const char *output; gboolean ok; } cases[] = {
    { "in",       "out",          TRUE },
    { "in",       "in",           FALSE },
    { "in",       "in/aug",       FALSE },
    { "in",       "in/new/deeper", FALSE },
    { "in",       "out/../in/x",  FALSE },
    { "in",       "link/x",       FALSE }, /* through a symbolic link */
    { "in",       "inside",       TRUE },  /* a prefix, not a parent */
    { "in/sub",   "in",           FALSE }, /* an input inside the output */
    { "out/x.png", "out",         FALSE }, /* a file inside the output */
    { "out/x.png", "elsewhere",   TRUE },
  };

  touch (in, "sub/a.png", "x");
  touch (root, "out/x.png", "x");
  g_assert_cmpint (symlink (in, link), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *input = g_build_filename (root, cases[i].input, NULL);
      g_autofree char *output = g_build_filename (root, cases[i].output, NULL);
      const char *roots[] = { input };
      g_autoptr(GError) error = NULL;
      gboolean ok = augur_runner_check_overlap (roots, 1, output, &error);

      g_test_message ("%s -> %s", cases[i].input, cases[i].output);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        g_assert_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_OVERLAP);
    }

  augur_test_rm_rf (root);
}

/* Runs --------------------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *failures;
  guint      last_done;
  guint      last_total;
} Record;

static void
record_progress (guint    done,
                 guint    total,
                 gpointer user_data)
{
  Record *record = user_data;

  g_assert_cmpuint (done, >=, record->last_done);
  g_assert_cmpuint (done, <=, total);
  record->last_done = done;
  record->last_total = total;
}

static void
record_failure (const GError *error,
                gpointer      user_data)
{
  Record *record = user_data;

  g_ptr_array_add (record->failures, g_strdup (error->message));
}

static char *
run_to (const char *in,
        const char *out,
        guint       threads,
        Record     *record)
{
  g_autoptr(AugurRecipe) recipe = flip_recipe ();
  g_autoptr(AugurRunner) runner = augur_runner_new (recipe);
  g_autoptr(GError) error = NULL;
  g_autofree char *manifest = g_build_filename (out, "manifest.jsonl", NULL);
  const char *paths[] = { in, NULL };
  char *text = NULL;
  guint failed = 99;

  augur_runner_set_threads (runner, threads);
  augur_runner_set_variants (runner, 2);
  augur_runner_set_callbacks (runner, record_progress, record_failure, record);
  g_assert_true (augur_runner_add_inputs (runner, paths, &error));
  g_assert_no_error (error);
  g_assert_true (augur_runner_run (runner, out, &failed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (failed, ==, record->failures->len);

  g_file_get_contents (manifest, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
test_run_threads (void)
{
  g_autofree char *root = augur_test_make_tmp ("augur-runner-XXXXXX");
  g_autofree char *in = g_build_filename (root, "in", NULL);
  g_autofree char *a = g_build_filename (root, "a", NULL);
  g_autofree char *b = g_build_filename (root, "b", NULL);
  g_autofree char *ma = NULL;
  g_autofree char *mb = NULL;
  Record ra = { g_ptr_array_new_with_free_func (g_free), 0, 0 };
  Record rb = { g_ptr_array_new_with_free_func (g_free), 0, 0 };

  for (guint i = 0; i < 24; i++)
    {
      g_autofree char *name = g_strdup_printf ("d%u/i%02u.png", i % 3, i);

      save_solid (in, name, (guint8) (i * 10));
    }
  touch (in, "d1/broken.png", "not a png");
  /* Temporaries left by a killed run, longer than what replaces them: an
   * output is exactly its own bytes whatever was in the folder before. */
  {
    g_autofree char *junk = g_strnfill (200000, 'J');

    touch (b, "d0/.i00_0.png.part", junk);
    touch (b, "d1/.i01_1.png.part", junk);
    touch (b, ".manifest.jsonl.part", junk);
  }

  ma = run_to (in, a, 1, &ra);
  mb = run_to (in, b, 4, &rb);

  g_assert_cmpstr (ma, ==, mb);
  for (guint i = 0; i < 2; i++)
    {
      const char *rel = i == 0 ? "d0/i00_0.png" : "d1/i01_1.png";
      g_autofree char *pa = g_build_filename (a, rel, NULL);
      g_autofree char *pb = g_build_filename (b, rel, NULL);
      g_autofree char *da = NULL;
      g_autofree char *db = NULL;
      gsize la, lb;

      g_assert_true (g_file_get_contents (pa, &da, &la, NULL));
      g_assert_true (g_file_get_contents (pb, &db, &lb, NULL));
      g_assert_cmpmem (da, la, db, lb);
    }
  g_assert_cmpuint (ra.failures->len, ==, 1);
  g_assert_nonnull (strstr (ra.failures->pdata[0], "broken.png"));
  /* Progress counts outputs: 25 inputs (one broken) × 2 variants. */
  g_assert_cmpuint (ra.last_done, ==, 50);
  g_assert_cmpuint (ra.last_total, ==, 50);
  /* 24 inputs × 2 variants, and the header. */
  {
    g_auto(GStrv) lines = g_strsplit (ma, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 1 + 48 + 1 /* after the last newline */);
    g_assert_cmpstr (lines[49], ==, "");
  }

  g_ptr_array_unref (ra.failures);
  g_ptr_array_unref (rb.failures);
  augur_test_rm_rf (root);
}

/* Entries that are not read are each reported as a failed input, and a
 * folder that cannot be walked fails alone: the rest of the run goes on. */
static void
test_run_skipped_reported (void)
{
  g_autofree char *root = augur_test_make_tmp ("augur-runner-XXXXXX");
  g_autofree char *in = g_build_filename (root, "in", NULL);
  g_autofree char *out = g_build_filename (root, "out", NULL);
  g_autofree char *fifo = g_build_filename (in, "fifo.png", NULL);
  g_autofree char *dangling = g_build_filename (in, "dangling.png", NULL);
  g_autofree char *loop = g_build_filename (in, "loop.png", NULL);
  g_autofree char *device = g_build_filename (in, "zero.png", NULL);
  g_autofree char *folder_link = g_build_filename (in, "more", NULL);
  g_autoptr(GString) deep = g_string_new (in);
  g_autofree char *manifest = NULL;
  Record record = { g_ptr_array_new_with_free_func (g_free), 0, 0 };
  static const char *const expected[] = {
    "dangling.png: skipped: a dangling symbolic link",
    "fifo.png: skipped: not a regular file (a FIFO)",
    "loop.png: skipped: a symbolic link loop",
    "more: skipped: a symbolic link to a folder, not followed",
    "zero.png: skipped: not a regular file (a device)",
    "folders nested too deeply",
  };

  save_solid (in, "a.png", 10);
  save_solid (in, "sub/b.png", 20);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (symlink ("nowhere.png", dangling), ==, 0);
  g_assert_cmpint (symlink ("loop.png", loop), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", device), ==, 0);
  g_assert_cmpint (symlink ("sub", folder_link), ==, 0);
  /* A folder too deep to walk (as root, the one kind of folder that
   * cannot be read whatever its permissions). */
  for (guint i = 0; i < 258; i++)
    g_string_append (deep, "/d");
  g_assert_cmpint (g_mkdir_with_parents (deep->str, 0755), ==, 0);

  manifest = run_to (in, out, 2, &record);
  g_assert_cmpuint (record.failures->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      gboolean found = FALSE;

      for (guint k = 0; k < record.failures->len; k++)
        found = found || strstr (record.failures->pdata[k], expected[i]) != NULL;
      if (!found)
        g_error ("no failure reports \"%s\"", expected[i]);
    }
  /* The readable images were written all the same. */
  {
    g_autofree char *a = g_build_filename (out, "a_1.png", NULL);
    g_autofree char *b = g_build_filename (out, "sub", "b_1.png", NULL);

    g_assert_true (g_file_test (a, G_FILE_TEST_IS_REGULAR));
    g_assert_true (g_file_test (b, G_FILE_TEST_IS_REGULAR));
  }

  /* A folder that cannot be opened, where permissions hold. */
  if (geteuid () != 0)
    {
      g_autofree char *locked = g_build_filename (in, "locked", NULL);
      g_autofree char *out2 = g_build_filename (root, "out2", NULL);
      Record again = { g_ptr_array_new_with_free_func (g_free), 0, 0 };
      g_autofree char *text = NULL;

      g_assert_cmpint (g_mkdir (locked, 0), ==, 0);
      text = run_to (in, out2, 1, &again);
      g_assert_cmpuint (again.failures->len, ==, G_N_ELEMENTS (expected) + 1);
      g_assert_cmpint (g_chmod (locked, 0755), ==, 0);
      g_ptr_array_unref (again.failures);
    }

  g_ptr_array_unref (record.failures);
  augur_test_rm_rf (root);
}

static void
test_run_collision (void)
{
  g_autofree char *root = augur_test_make_tmp ("augur-runner-XXXXXX");
  g_autofree char *in = g_build_filename (root, "in", NULL);
  g_autofree char *out = g_build_filename (root, "out", NULL);
  g_autoptr(AugurRecipe) recipe = flip_recipe ();
  g_autoptr(AugurRunner) runner = augur_runner_new (recipe);
  g_autoptr(GError) error = NULL;
  const char *paths[] = { in, NULL };

  save_solid (in, "cat.png", 10);
  save_solid (in, "cat.jpg", 20);
  g_assert_true (augur_runner_add_inputs (runner, paths, &error));
  g_assert_false (augur_runner_run (runner, out, NULL, &error));
  g_assert_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_COLLISION);
  g_assert_nonnull (strstr (error->message, "cat_0.png"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  augur_test_rm_rf (root);
}

static void
test_replay_header (void)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "", "empty" },
    { "[1, 2]\n", "expected a JSON object" },
    { "{\"manifest\": \"other\"}\n", "manifest: expected \"augur\"" },
    { "{\"manifest\": \"augur\", \"version\": 2}\n", "version: 2 is outside" },
    { "{\"manifest\": \"augur\", \"version\": 1, \"extra\": 0}\n", "extra: unknown member" },
    { "{\"manifest\": \"augur\", \"version\": 1, \"recipe\": {\"format\": \"augur-recipe\", \"version\": 1,"
      " \"pipeline\": {\"type\": \"Sequential\", \"steps\": [{\"type\": \"Nope\"}]}}}\n", "recipe: " },
    { "{\"manifest\": \"augur\", \"version\": 1, \"recipe\": {\"format\": \"augur-recipe\", \"version\": 1,"
      " \"pipeline\": {\"type\": \"Sequential\", \"steps\": []}}, \"format\": \"png\", \"quality\": 90,"
      " \"inputs\": [\"\"]}\n", "inputs[0]: expected a folder path" },
    { "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
      "nested deeper" },
  };
  g_autofree char *root = augur_test_make_tmp ("augur-runner-XXXXXX");
  g_autofree char *path = g_build_filename (root, "m.jsonl", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AugurRunner) runner = NULL;

      g_assert_true (g_file_set_contents (path, cases[i].text, -1, NULL));
      runner = augur_runner_new_replay (path, &error);
      g_assert_null (runner);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("case %u: expected '%s' in '%s'", i, cases[i].message, error->message);
      if (*cases[i].text)
        g_assert_nonnull (strstr (error->message, "m.jsonl:1: "));
    }
  augur_test_rm_rf (root);
}

/* Sheets ------------------------------------------------------------------------------- */

static void
test_sheet (void)
{
  g_autoptr(AugurRecipe) recipe = flip_recipe ();
  g_autoptr(AugurImage) wide = solid (100, 50, 3, 200);
  g_autoptr(AugurImage) tall = solid (10, 40, 1, 30);
  g_autoptr(AugurImage) sheet = NULL;
  AugurImage *images[] = { wide, tall };
  const char *keys[] = { "wide.png", "tall.png" };
  const int cell = 40, gap = augur_sheet_gap (40);
  const guint8 *p;

  sheet = augur_sheet_new (recipe->pipeline, 5, images, keys, 2, 3, cell);
  g_assert_cmpint (sheet->width, ==, gap + 4 * (cell + gap));
  g_assert_cmpint (sheet->height, ==, gap + 2 * (cell + gap));
  g_assert_cmpint (sheet->channels, ==, 3);

  /* The wide image fills its cell's width at 40×20, centred: the middle of
   * the cell is the image, the top of the cell background. */
  p = augur_image_row (sheet, gap + cell / 2) + (gap + cell / 2) * 3;
  g_assert_cmpuint (p[0], ==, 200);
  p = augur_image_row (sheet, gap + 2) + (gap + cell / 2) * 3;
  g_assert_cmpuint (p[0], !=, 200);
  /* The tall gray image, in the second row: 10×40 in a 40 px cell. */
  p = augur_image_row (sheet, 2 * gap + cell + cell / 2) + (gap + cell / 2) * 3;
  g_assert_cmpuint (p[0], ==, 30);
  g_assert_cmpuint (p[1], ==, 30);
  p = augur_image_row (sheet, 2 * gap + cell + cell / 2) + (gap + 2) * 3;
  g_assert_cmpuint (p[0], !=, 30);
}

/* Draw k of a row is variant k of `augur-cli apply` for the same key. */
static void
test_sheet_draws (void)
{
  g_autoptr(AugurRecipe) recipe = flip_recipe ();
  g_autoptr(AugurImage) image = augur_image_new (30, 20, 3);
  g_autoptr(AugurImage) sheet = NULL;
  g_autoptr(AugurImage) expected = NULL;
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_image_unref);
  AugurImage *images[] = { image };
  const char *keys[] = { "sub/photo.png" };

  for (int y = 0; y < 20; y++)
    for (int x = 0; x < 30 * 3; x++)
      augur_image_row (image, y)[x] = (guint8) (x * 2 + y * 5);

  g_ptr_array_add (cells, augur_image_ref (image));
  for (guint k = 0; k < 5; k++)
    g_ptr_array_add (cells, augur_node_run (recipe->pipeline, image,
                                            augur_seed_derive (77, "sub/photo.png", k), NULL));
  expected = augur_sheet_compose ((AugurImage * const *) cells->pdata, 1, 6, 24);
  sheet = augur_sheet_new (recipe->pipeline, 77, images, keys, 1, 5, 24);
  g_assert_true (augur_image_equal (sheet, expected));

  /* and the draws differ from one another (the recipe flips at p = 0.5) */
  {
    guint differ = 0;

    for (guint k = 2; k < cells->len; k++)
      differ += !augur_image_equal (cells->pdata[1], cells->pdata[k]);
    g_assert_cmpuint (differ, >, 0);
  }
}

static void
test_thumbnail (void)
{
  static const struct { int w, h, cell, tw, th; } cases[] = {
    { 100, 50, 40, 40, 20 },
    { 10, 40, 40, 10, 40 },
    { 640, 480, 256, 256, 192 },
    { 16, 8, 64, 64, 32 },   /* small images are enlarged */
    { 1000, 1, 50, 50, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AugurImage) image = solid (cases[i].w, cases[i].h, 3, 9);
      g_autoptr(AugurImage) thumb = augur_sheet_thumbnail (image, cases[i].cell);

      g_assert_cmpint (thumb->width, ==, cases[i].tw);
      g_assert_cmpint (thumb->height, ==, cases[i].th);
    }
}

/* Admission: with a memory budget smaller than one input's cost, four
 * workers take one input at a time (each still runs: alone), and write the
 * same bytes as an unbounded run; without a budget they overlap. */
static void
test_run_memory_budget (void)
{
  g_autofree char *root = augur_test_make_tmp ("augur-runner-XXXXXX");
  g_autofree char *in = g_build_filename (root, "in", NULL);
  g_autofree char *ma = NULL;
  g_autofree char *mb = NULL;
  const char *paths[] = { in, NULL };

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("i%02u.png", i);

      save_solid (in, name, (guint8) (i * 5));
    }

  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr(AugurRecipe) recipe = flip_recipe ();
      g_autoptr(AugurRunner) runner = augur_runner_new (recipe);
      g_autoptr(GError) error = NULL;
      g_autofree char *out = g_build_filename (root, pass == 0 ? "tight" : "loose", NULL);
      g_autofree char *manifest = g_build_filename (out, "manifest.jsonl", NULL);
      guint failed = 99;

      augur_runner_set_threads (runner, 4);
      augur_runner_set_variants (runner, 3);
      augur_runner_set_memory_budget (runner, pass == 0 ? 1 : 0);
      g_assert_true (augur_runner_add_inputs (runner, paths, &error));
      g_assert_true (augur_runner_run (runner, out, &failed, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (failed, ==, 0);
      if (pass == 0)
        g_assert_cmpuint (augur_runner_get_max_in_flight (runner), ==, 1);
      else
        g_assert_cmpuint (augur_runner_get_max_in_flight (runner), >=, 1);
      g_assert_true (g_file_get_contents (manifest, pass == 0 ? &ma : &mb, NULL, NULL));
    }
  g_assert_cmpstr (ma, ==, mb);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/runner/collect", test_collect);
  g_test_add_func ("/runner/collect-missing", test_collect_missing);
  g_test_add_func ("/runner/image-names", test_image_names);
  g_test_add_func ("/runner/output-names", test_output_names);
  g_test_add_func ("/runner/overlap", test_overlap);
  g_test_add_func ("/runner/run-threads", test_run_threads);
  g_test_add_func ("/runner/memory-budget", test_run_memory_budget);
  g_test_add_func ("/runner/collision", test_run_collision);
  g_test_add_func ("/runner/skipped-reported", test_run_skipped_reported);
  g_test_add_func ("/runner/replay-header", test_replay_header);
  g_test_add_func ("/sheet/compose", test_sheet);
  g_test_add_func ("/sheet/draws", test_sheet_draws);
  g_test_add_func ("/sheet/thumbnail", test_thumbnail);

  return g_test_run ();
}
