/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "augur-error.h"
#include "augur-gallery.h"
#include "augur-recipe.h"
#include "augur-runner.h"
#include "augur-sheet.h"

#include "augur-json.h"
#include "augur-test-util.h"

/* Tests of the augur-cli program: each spawns the built binary on images
 * synthesised into a temporary folder. */

static char *cli_path;

/* Helpers ----------------------------------------------------------------------------- */

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = augur_test_make_tmp ("augur-cli-XXXXXX");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  augur_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static char *
path_in (Fixture    *fixture,
         const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

/* A deterministic pseudo-random pattern (no unseeded randomness), with
 * texture so that encoding takes a little time. */
static AugurImage *
make_image (guint index,
            int   width,
            int   height,
            int   channels)
{
  AugurImage *image = augur_image_new (width, height, channels);
  guint32 state = 2463534242u + index * 7919u;

  for (int y = 0; y < height; y++)
    {
      guint8 *row = augur_image_row (image, y);

      for (int x = 0; x < width * channels; x++)
        {
          state ^= state << 13;
          state ^= state >> 17;
          state ^= state << 5;
          row[x] = (guint8) (((x / channels) * 3 + y * 2 + index * 40) % 256 / 2 + (state & 63));
        }
    }
  return image;
}

/* Writes @n images under @dir: most at the top, every third in "sub/". */
static void
make_images (const char *dir,
             guint       n,
             int         width,
             int         height)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AugurImage) image = make_image (i, width, height, i % 4 == 3 ? 4 : 3);
      g_autofree char *name = g_strdup_printf ("%simg%02u.png", i % 3 == 2 ? "sub/" : "", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *parent = g_path_get_dirname (path);

      g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
      g_assert_true (augur_image_save (image, path, AUGUR_IMAGE_FORMAT_PNG, 90, &error));
      g_assert_no_error (error);
    }
}

/* The transforms every checkout has, plus some that may exist by now:
 * chosen through the registry, so the test keeps working either way. */
static guint
write_recipe (const char *path)
{
  static const char *const optional[] = { "Rotate", "HueSaturationValue", "GaussNoise", "GaussianBlur" };
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint n = 3;

  g_string_append (text,
                   "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 1234,\n"
                   " \"pipeline\": {\"type\": \"Sequential\", \"steps\": [\n"
                   "  {\"type\": \"HorizontalFlip\", \"p\": 0.5},\n"
                   "  {\"type\": \"VerticalFlip\", \"p\": 0.5},\n"
                   "  {\"type\": \"RandomBrightnessContrast\", \"p\": 0.9,"
                   " \"params\": {\"brightness_limit\": [-0.3, 0.3]}}");
  for (guint i = 0; i < G_N_ELEMENTS (optional); i++)
    if (augur_transform_lookup (optional[i]) != NULL)
      {
        g_string_append_printf (text, ",\n  {\"type\": \"%s\", \"p\": 0.5}", optional[i]);
        n++;
      }
  g_string_append (text, "]}}\n");

  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, &error));
  g_assert_no_error (error);
  return n;
}

/* Runs augur-cli with the NULL-terminated arguments; returns its exit
 * status. */
static int
run_cli_argv (const char * const *args,
              char              **out,
              char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;

  g_ptr_array_add (argv, cli_path);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  if (out)
    *out = g_steal_pointer (&stdout_text);
  if (err)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_exit_status (process);
}

static int run_cli (char **out, char **err, ...) G_GNUC_NULL_TERMINATED;

static int
run_cli (char **out,
         char **err,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return run_cli_argv ((const char * const *) args->pdata, out, err);
}

/* Every line on stderr carries the program's prefix. */
static void
assert_prefixed (const char *err)
{
  g_auto(GStrv) lines = g_strsplit (err, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    if (*lines[i])
      g_assert_true (g_str_has_prefix (lines[i], "augur-cli: "));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
list_files_in (const char *root,
               const char *prefix,
               GPtrArray  *out)
{
  g_autofree char *dir_path = *prefix ? g_build_filename (root, prefix, NULL) : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *rel = *prefix ? g_strconcat (prefix, "/", name, NULL) : g_strdup (name);
      g_autofree char *full = g_build_filename (root, rel, NULL);

      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        list_files_in (root, rel, out);
      else
        g_ptr_array_add (out, g_steal_pointer (&rel));
    }
}

/* Every file under @root, relative, sorted. */
static GPtrArray *
list_files (const char *root)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  list_files_in (root, "", files);
  g_ptr_array_sort (files, compare_strings);
  return files;
}

static GPtrArray *
list_images (const char *root)
{
  g_autoptr(GPtrArray) all = list_files (root);
  GPtrArray *images = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < all->len; i++)
    if (g_str_has_suffix (all->pdata[i], ".png") || g_str_has_suffix (all->pdata[i], ".jpg"))
      g_ptr_array_add (images, g_strdup (all->pdata[i]));
  g_ptr_array_sort (images, compare_strings);
  return images;
}

static GBytes *
read_bytes (const char *dir,
            const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static void
assert_same_file (const char *dir_a,
                  const char *dir_b,
                  const char *name)
{
  g_autoptr(GBytes) a = read_bytes (dir_a, name);
  g_autoptr(GBytes) b = read_bytes (dir_b, name);

  if (!g_bytes_equal (a, b))
    g_error ("%s differs between %s and %s", name, dir_a, dir_b);
}

/* The same output images, byte for byte. */
static void
assert_same_images (const char *dir_a,
                    const char *dir_b,
                    guint       expected)
{
  g_autoptr(GPtrArray) a = list_images (dir_a);
  g_autoptr(GPtrArray) b = list_images (dir_b);

  g_assert_cmpuint (a->len, ==, expected);
  g_assert_cmpuint (b->len, ==, expected);
  for (guint i = 0; i < a->len; i++)
    {
      g_assert_cmpstr (a->pdata[i], ==, b->pdata[i]);
      assert_same_file (dir_a, dir_b, a->pdata[i]);
    }
}

static char **
read_lines (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (text, "\n"));
  text[strlen (text) - 1] = '\0';
  return g_strsplit (text, "\n", -1);
}

/* list, describe, validate -------------------------------------------------------------- */

static void
test_list (void)
{
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const AugurTransformInfo *const *list;
  JsonArray *array;
  guint n;

  list = augur_transforms_list (&n);

  g_assert_cmpint (run_cli (&out, NULL, "list", "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, list[i]->name);
      g_assert_cmpstr (json_object_get_string_member (object, "category"), ==, list[i]->category);
    }

  /* The human list: a heading, then one line per transform, name first. */
  g_assert_cmpint (run_cli (&text, NULL, "list", NULL), ==, 0);
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

    g_assert_true (g_str_has_prefix (lines[0], "NAME "));
    for (guint i = 0; i < n; i++)
      {
        g_autofree char *prefix = g_strconcat (list[i]->name, " ", NULL);

        g_assert_true (g_str_has_prefix (lines[i + 1], prefix));
        g_assert_nonnull (strstr (lines[i + 1], list[i]->description));
      }
  }
}

static void
test_describe (void)
{
  const AugurTransformInfo *info = augur_transform_lookup ("RandomBrightnessContrast");
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonArray *params;

  g_assert_cmpint (run_cli (&out, NULL, "describe", "RandomBrightnessContrast", "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "RandomBrightnessContrast");
  params = json_object_get_array_member (object, "params");
  g_assert_cmpuint (json_array_get_length (params), ==, info->n_params);
  for (guint i = 0; i < info->n_params; i++)
    {
      JsonObject *param = json_array_get_object_element (params, i);

      g_assert_cmpstr (json_object_get_string_member (param, "name"), ==, info->params[i].name);
      g_assert_cmpstr (json_object_get_string_member (param, "type"), ==,
                       augur_param_type_name (info->params[i].type));
      g_assert_true (json_object_has_member (param, "default"));
      if (info->params[i].type == AUGUR_PARAM_RANGE)
        {
          g_assert_cmpfloat (json_object_get_double_member (param, "min"), ==, info->params[i].min);
          g_assert_cmpfloat (json_object_get_double_member (param, "ui_max"), ==, info->params[i].ui_max);
        }
    }

  /* Human output names every parameter and its default. */
  g_assert_cmpint (run_cli (&text, NULL, "describe", "RandomBrightnessContrast", NULL), ==, 0);
  g_assert_nonnull (strstr (text, "brightness_limit"));
  g_assert_nonnull (strstr (text, "[-0.2, 0.2]"));
  g_assert_nonnull (strstr (text, "ensure_safe_range"));

  g_assert_cmpint (run_cli (NULL, &err, "describe", "NoSuchTransform", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "NoSuchTransform"));
  assert_prefixed (err);
}

static void
test_validate (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *recipe = path_in (fixture, "recipe.json");
  g_autofree char *bad = path_in (fixture, "bad.json");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  guint n = write_recipe (recipe);

  g_assert_cmpint (run_cli (&out, NULL, "validate", recipe, NULL), ==, 0);
  /* the verdict first, then the cost lines (test_apply_budget) */
  expected = g_strdup_printf ("%s: valid, %u steps\n", recipe, n);
  g_assert_true (g_str_has_prefix (out, expected));

  g_assert_true (g_file_set_contents (bad,
                                      "{\"format\": \"augur-recipe\", \"version\": 1, \"pipeline\": "
                                      "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"HorizontalFlip\"}, "
                                      "{\"type\": \"RandomBrightnessContrast\", \"params\": {\"contrast_limit\": [0, 99]}}]}}",
                                      -1, NULL));
  g_assert_cmpint (run_cli (NULL, &err, "validate", bad, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "pipeline.steps[1]"));
  g_assert_nonnull (strstr (err, "contrast_limit"));
  assert_prefixed (err);
  g_clear_pointer (&err, g_free);

  /* apply refuses it the same way, before writing anything. */
  {
    g_autofree char *in = path_in (fixture, "in");
    g_autofree char *outdir = path_in (fixture, "out");

    make_images (in, 1, 16, 16);
    g_assert_cmpint (run_cli (NULL, &err, "apply", bad, in, "-o", outdir, NULL), ==, 1);
    g_assert_nonnull (strstr (err, "pipeline.steps[1]"));
    g_assert_false (g_file_test (outdir, G_FILE_TEST_EXISTS));
  }
}

/* Exit codes --------------------------------------------------------------------------- */

typedef struct
{
  const char *args[8];
  int         status;
  const char *message;
} UsageCase;

static const UsageCase usage_cases[] = {
  { { NULL }, 2, "Usage" },
  { { "frobnicate", NULL }, 2, "unknown command" },
  { { "--frobnicate", NULL }, 2, "unknown option" },
  { { "apply", "@RECIPE", "@IN", NULL }, 2, "missing -o" },
  { { "apply", "@RECIPE", "-o", "@OUT", NULL }, 2, "at least one INPUT" },
  { { "apply", "@RECIPE", "@IN", "-o", "@OUT", "--shard", "0/2", NULL }, 2, "--shard" },
  { { "apply", "@RECIPE", "@IN", "-o", "@OUT", "--shard", "3/2", NULL }, 2, "--shard" },
  { { "apply", "@RECIPE", "@IN", "-o", "@OUT", "--shard", "two", NULL }, 2, "--shard" },
  { { "apply", "@RECIPE", "@IN", "-o", "@OUT", "--frobnicate", NULL }, 2, "frobnicate" },
  { { "apply", "@RECIPE", "@IN", "-o", "@OUT", "-n", "0", NULL }, 2, "-n" },
  { { "apply", "@RECIPE", "@IN", "-o", "@OUT", "--format", "gif", NULL }, 2, "--format" },
  { { "apply", "@RECIPE", "@IN", "-o", "@OUT", "--quality", "0", NULL }, 2, "--quality" },
  /* -1 was the "not given" value: given, it is refused as written */
  { { "apply", "@RECIPE", "@IN", "-o", "@OUT", "-n", "-1", NULL }, 2, "-n must be an integer from 1 to 100000, not \"-1\"" },
  { { "apply", "@RECIPE", "@IN", "-o", "@OUT", "--quality", "-1", NULL }, 2, "--quality must be an integer from 1 to 100, not \"-1\"" },
  { { "apply", "@RECIPE", "@IN", "-o", "@OUT", "--threads", "0", NULL }, 2, "--threads" },
  { { "apply", "@RECIPE", "@IN", "-o", "@OUT", "-n", "99999999999", NULL }, 2, "not \"99999999999\"" },
  { { "apply", "@RECIPE", "@IN", "-o", "@OUT", "--seed", "-5", NULL }, 2, "--seed" },
  { { "apply", "--replay", "@RECIPE", "-o", "@OUT", "--seed", "3", NULL }, 2, "--replay" },
  { { "describe", NULL }, 2, "transform name" },
  { { "list", "extra", NULL }, 2, "extra" },
  { { "validate", NULL }, 2, "recipe" },
  { { "sheet", "@RECIPE", "@IN", NULL }, 2, "missing -o" },
  { { "sheet", "@RECIPE", "@IN", "-o", "@OUT", "--size", "2", NULL }, 2, "--size" },
  { { "sheet", "@RECIPE", "@IN", "-o", "@OUT", "--size=4096", "--draws=64", NULL }, 2, "2 rows of 65 cells" },
  { { "apply", "@MISSING", "@IN", "-o", "@OUT", NULL }, 1, "MISSING" },
  { { "apply", "@RECIPE", "@MISSING", "-o", "@OUT", NULL }, 1, "MISSING" },
  /* a device never ends: refused, not read forever */
  { { "apply", "--replay", "/dev/zero", "-o", "@OUT", NULL }, 1, "/dev/zero: not a regular file" },
  { { "gallery", NULL }, 2, "missing -o" },
  { { "gallery", "-o", "@OUT", "--only", "NoSuchTransform", NULL }, 2, "NoSuchTransform" },
  { { "gallery", "-o", "@OUT", "--size", "2", NULL }, 2, "--size" },
  { { "gallery", "-o", "@OUT", "--format", "gif", NULL }, 2, "--format" },
  { { "gallery", "-o", "@OUT", "@MISSING", NULL }, 1, "MISSING" },
  { { "describe", "--markdown", "NoSuchTransform", NULL }, 2, "NoSuchTransform" },
};

/* A FIFO with no writer is refused at once, not waited on for ever. */
static void
test_replay_fifo (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *fifo = path_in (fixture, "manifest.jsonl");
  g_autofree char *outdir = path_in (fixture, "out");
  g_autofree char *err = NULL;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (run_cli (NULL, &err, "apply", "--replay", fifo, "-o", outdir, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "manifest.jsonl: not a regular file"));
  g_assert_false (g_file_test (outdir, G_FILE_TEST_EXISTS));
}

static void
test_usage (Fixture       *fixture,
            gconstpointer  data)
{
  const UsageCase *c = data;
  g_autofree char *recipe = path_in (fixture, "recipe.json");
  g_autofree char *in = path_in (fixture, "in");
  g_autofree char *outdir = path_in (fixture, "out");
  g_autofree char *missing = path_in (fixture, "MISSING");
  g_autofree char *err = NULL;
  const char *args[G_N_ELEMENTS (c->args)];

  write_recipe (recipe);
  make_images (in, 2, 16, 16);

  for (guint i = 0; i < G_N_ELEMENTS (c->args); i++)
    {
      const char *arg = c->args[i];

      args[i] = arg == NULL ? NULL
              : g_str_equal (arg, "@RECIPE") ? recipe
              : g_str_equal (arg, "@IN") ? in
              : g_str_equal (arg, "@OUT") ? outdir
              : g_str_equal (arg, "@MISSING") ? missing
              : arg;
      if (arg == NULL)
        break;
    }

  g_assert_cmpint (run_cli_argv (args, NULL, &err), ==, c->status);
  if (!strstr (err, c->message))
    g_error ("expected '%s' in: %s", c->message, err);
  if (c->args[0] != NULL)
    assert_prefixed (err);
  /* A refused command writes nothing. */
  g_assert_false (g_file_test (outdir, G_FILE_TEST_EXISTS));
}

static void
test_help (void)
{
  g_autofree char *out = NULL;
  g_autofree char *apply_help = NULL;
  g_autofree char *help_apply = NULL;
  g_autofree char *version = NULL;

  g_assert_cmpint (run_cli (&out, NULL, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "apply RECIPE INPUT"));
  g_assert_nonnull (strstr (out, "sheet RECIPE"));
  g_assert_cmpint (run_cli (&apply_help, NULL, "apply", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (apply_help, "--resume"));
  g_assert_nonnull (strstr (apply_help, "--shard"));
  g_assert_cmpint (run_cli (&help_apply, NULL, "help", "apply", NULL), ==, 0);
  g_assert_cmpstr (help_apply, ==, apply_help);
  g_assert_cmpint (run_cli (&version, NULL, "--version", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (version, "augur-cli " PACKAGE_VERSION));
}

/* apply -------------------------------------------------------------------------------- */

#define N_INPUTS 9
#define N_VARIANTS 3

typedef struct
{
  char *recipe;
  char *in;
} Dataset;

static void
dataset_make (Fixture *fixture,
              Dataset *set)
{
  set->recipe = path_in (fixture, "recipe.json");
  set->in = path_in (fixture, "in");
  write_recipe (set->recipe);
  make_images (set->in, N_INPUTS, 40, 28);
}

static void
dataset_clear (Dataset *set)
{
  g_free (set->recipe);
  g_free (set->in);
}

/* What a successful apply says on stderr without a terminal: progress lines
 * (a slow run prints one every few seconds), then its summary line. */
static void
assert_apply_summary (const char *err,
                      guint       failed)
{
  g_autofree char *expected = g_strdup_printf (", %u input%s failed; manifest ", failed, failed == 1 ? "" : "s");
  g_auto(GStrv) lines = g_strsplit (err, "\n", -1);
  guint n = g_strv_length (lines);

  g_test_message ("stderr: %s", err);
  /* ends with a newline: the last element is empty */
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpstr (lines[n - 1], ==, "");
  for (guint i = 0; i + 2 < n; i++)
    {
      g_assert_true (g_str_has_prefix (lines[i], "augur-cli: apply: "));
      g_assert_nonnull (strstr (lines[i], " outputs ("));
    }
  g_assert_true (g_str_has_prefix (lines[n - 2], "augur-cli: apply: "));
  g_assert_nonnull (strstr (lines[n - 2], " outputs in "));
  g_assert_nonnull (strstr (lines[n - 2], expected));
}

static void
apply_ok (const char *recipe,
          const char *in,
          const char *out,
          ...) G_GNUC_NULL_TERMINATED;

static void
apply_ok (const char *recipe,
          const char *in,
          const char *out,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *err = NULL;
  const char *arg;
  va_list ap;
  int status;

  g_ptr_array_add (args, (gpointer) "apply");
  g_ptr_array_add (args, (gpointer) recipe);
  g_ptr_array_add (args, (gpointer) in);
  g_ptr_array_add (args, (gpointer) "-o");
  g_ptr_array_add (args, (gpointer) out);
  va_start (ap, out);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  status = run_cli_argv ((const char * const *) args->pdata, NULL, &err);
  if (status != 0)
    g_error ("augur-cli apply exited with %d: %s", status, err);
  assert_apply_summary (err, 0);
}

static void
test_apply_threads (Fixture       *fixture,
                    gconstpointer  data)
{
  Dataset set;
  g_autofree char *one = path_in (fixture, "one");
  g_autofree char *two = path_in (fixture, "two");
  g_autofree char *manifest = NULL;
  g_autoptr(GPtrArray) images = NULL;
  g_auto(GStrv) lines = NULL;

  dataset_make (fixture, &set);
  apply_ok (set.recipe, set.in, one, "-n", "3", "--threads", "1", NULL);
  apply_ok (set.recipe, set.in, two, "-n", "3", "--threads", "2", NULL);

  assert_same_images (one, two, N_INPUTS * N_VARIANTS);
  assert_same_file (one, two, "manifest.jsonl");

  /* Outputs mirror the input tree as STEM_VARIANT.EXT. */
  images = list_images (one);
  g_assert_true (g_ptr_array_find_with_equal_func (images, "img00_0.png", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (images, "sub/img02_2.png", g_str_equal, NULL));

  /* A header, then one line per output in input order (by key), then variant. */
  manifest = g_build_filename (one, "manifest.jsonl", NULL);
  lines = read_lines (manifest);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + N_INPUTS * N_VARIANTS);
  g_assert_true (g_str_has_prefix (lines[0], "{\"manifest\":\"augur\",\"version\":1,\"recipe\":"));
  {
    g_autoptr(JsonNode) first = augur_json_parse_limited (lines[1], -1, 1 << 20, 64, NULL);
    g_autoptr(JsonNode) last = augur_json_parse_limited (lines[N_INPUTS * N_VARIANTS], -1, 1 << 20, 64, NULL);
    JsonObject *f = json_node_get_object (first);
    JsonObject *l = json_node_get_object (last);

    g_assert_cmpstr (json_object_get_string_member (f, "source"), ==, "img00.png");
    g_assert_cmpstr (json_object_get_string_member (f, "output"), ==, "img00_0.png");
    g_assert_cmpint (json_object_get_int_member (f, "variant"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (f, "seed"), ==,
                     (gint64) augur_seed_derive (1234, "img00.png", 0));
    g_assert_true (json_object_has_member (f, "replay"));
    /* "sub/..." sorts after "img..." bytewise. */
    g_assert_cmpstr (json_object_get_string_member (l, "source"), ==, "sub/img08.png");
    g_assert_cmpint (json_object_get_int_member (l, "variant"), ==, N_VARIANTS - 1);
  }

  /* A different --seed changes the outputs' seeds. */
  {
    g_autofree char *three = path_in (fixture, "three");
    g_autofree char *m3 = g_build_filename (three, "manifest.jsonl", NULL);
    g_auto(GStrv) lines3 = NULL;

    apply_ok (set.recipe, set.in, three, "-n", "3", "--seed", "99", NULL);
    lines3 = read_lines (m3);
    g_assert_nonnull (strstr (lines3[1], "\"seed\":"));
    g_assert_cmpstr (lines3[1], !=, lines[1]);
  }

  dataset_clear (&set);
}

static void
test_apply_shards (Fixture       *fixture,
                   gconstpointer  data)
{
  Dataset set;
  g_autofree char *one = path_in (fixture, "one");
  g_autofree char *split = path_in (fixture, "split");
  g_autofree char *m_one = g_build_filename (one, "manifest.jsonl", NULL);
  g_autofree char *m_a = g_build_filename (split, "manifest.shard-1-of-2.jsonl", NULL);
  g_autofree char *m_b = g_build_filename (split, "manifest.shard-2-of-2.jsonl", NULL);
  g_auto(GStrv) all = NULL;
  g_auto(GStrv) a = NULL;
  g_auto(GStrv) b = NULL;
  g_autoptr(GPtrArray) merged = g_ptr_array_new ();
  g_autoptr(GPtrArray) images = NULL;
  guint ia = 1, ib = 1;

  dataset_make (fixture, &set);
  apply_ok (set.recipe, set.in, one, "-n", "3", NULL);
  apply_ok (set.recipe, set.in, split, "-n", "3", "--shard", "1/2", "--threads", "1", NULL);
  apply_ok (set.recipe, set.in, split, "-n", "3", "--shard", "2/2", "--threads", "2", NULL);

  images = list_images (one);
  assert_same_images (one, split, N_INPUTS * N_VARIANTS);

  all = read_lines (m_one);
  a = read_lines (m_a);
  b = read_lines (m_b);
  /* A shard's header is the run's, with its place among the shards. */
  {
    g_autofree char *head = g_strndup (all[0], strlen (all[0]) - 1);
    g_autofree char *head_a = g_strconcat (head, ",\"shard\":[1,2]}", NULL);
    g_autofree char *head_b = g_strconcat (head, ",\"shard\":[2,2]}", NULL);

    g_assert_cmpstr (a[0], ==, head_a);
    g_assert_cmpstr (b[0], ==, head_b);
  }
  g_assert_cmpuint (g_strv_length (a) + g_strv_length (b), ==, g_strv_length (all) + 1);

  /* Shard 1 takes inputs 0, 2, 4...; merged back input by input, the
   * lines are the single run's lines. */
  for (guint input = 0; input < N_INPUTS; input++)
    for (guint k = 0; k < N_VARIANTS; k++)
      g_ptr_array_add (merged, input % 2 == 0 ? a[ia++] : b[ib++]);
  g_assert_null (a[ia]);
  g_assert_null (b[ib]);
  for (guint i = 0; i < merged->len; i++)
    g_assert_cmpstr (merged->pdata[i], ==, all[i + 1]);

  dataset_clear (&set);
}

/* Blends draw from the run's own inputs (all of them, whatever the shard)
 * or from --reference DIR: 1 or 2 threads, two shards and a replay give
 * the same bytes; the manifest names the references; an empty pool stops
 * the run, naming the step, before any output is written. */
static void
test_apply_blends (Fixture       *fixture,
                   gconstpointer  data)
{
  Dataset set;
  g_autofree char *recipe = path_in (fixture, "blends.json");
  g_autofree char *one = path_in (fixture, "one");
  g_autofree char *two = path_in (fixture, "two");
  g_autofree char *split = path_in (fixture, "split");
  g_autofree char *again = path_in (fixture, "again");
  g_autofree char *refs = path_in (fixture, "refs");
  g_autofree char *other = path_in (fixture, "other");
  g_autofree char *empty = path_in (fixture, "empty");
  g_autofree char *none = path_in (fixture, "none");
  g_autofree char *manifest = g_build_filename (one, "manifest.jsonl", NULL);
  g_autofree char *m_other = g_build_filename (other, "manifest.jsonl", NULL);
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) lines_other = NULL;
  const char *text =
    "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 5, \"pipeline\": {\"type\": \"OneOf\", "
    "\"p\": 1, \"steps\": [{\"type\": \"MixUp\"}, {\"type\": \"CutMix\"}, {\"type\": \"HistogramMatching\"}, "
    "{\"type\": \"FDA\"}, {\"type\": \"PixelDistributionAdaptation\"}, {\"type\": \"Mosaic\", \"params\": "
    "{\"target_size\": [32, 48], \"cell_shape\": [30, 30]}}]}}";

  dataset_make (fixture, &set);
  g_assert_true (g_file_set_contents (recipe, text, -1, NULL));
  apply_ok (recipe, set.in, one, "-n", "3", "--threads", "1", NULL);
  apply_ok (recipe, set.in, two, "-n", "3", "--threads", "2", NULL);
  assert_same_images (one, two, N_INPUTS * N_VARIANTS);
  assert_same_file (one, two, "manifest.jsonl");

  apply_ok (recipe, set.in, split, "-n", "3", "--shard", "1/2", NULL);
  apply_ok (recipe, set.in, split, "-n", "3", "--shard", "2/2", NULL);
  assert_same_images (one, split, N_INPUTS * N_VARIANTS);

  g_assert_cmpint (run_cli (NULL, &err, "apply", "--replay", manifest, "-o", again, NULL), ==, 0);
  assert_same_images (one, again, N_INPUTS * N_VARIANTS);
  assert_same_file (one, again, "manifest.jsonl");
  g_clear_pointer (&err, g_free);

  /* The header names the pool's folder; each line its references, keys
   * of the inputs. */
  lines = read_lines (manifest);
  g_assert_nonnull (strstr (lines[0], "\"references\":[\"../in\"]"));
  g_assert_nonnull (strstr (lines[1], "\"references\":[\""));
  g_assert_nonnull (strstr (lines[1], "img"));

  /* --reference: the keys are the reference folder's. */
  make_images (refs, 2, 24, 36);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *from = g_strdup_printf ("%s/img%02u.png", refs, i);
      g_autofree char *to = g_strdup_printf ("%s/ref-%c.png", refs, 'a' + i);

      g_assert_cmpint (g_rename (from, to), ==, 0);
    }
  apply_ok (recipe, set.in, other, "--reference", refs, NULL);
  lines_other = read_lines (m_other);
  g_assert_nonnull (strstr (lines_other[0], "\"references\":[\"../refs\"]"));
  for (guint i = 1; lines_other[i]; i++)
    g_assert_nonnull (strstr (lines_other[i], "\"references\":[\"ref-"));

  /* Outputs may not go under the reference folder (they would join the
   * pool of a resumed run). */
  {
    g_autofree char *inside = g_build_filename (refs, "out", NULL);

    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (NULL, &err, "apply", recipe, set.in, "-o", inside, "--reference", refs, NULL), !=, 0);
    g_assert_nonnull (strstr (err, "--reference: "));
    g_clear_pointer (&err, g_free);
  }

  /* An empty reference folder: refused before anything is written. */
  g_assert_cmpint (g_mkdir_with_parents (empty, 0755), ==, 0);
  g_assert_cmpint (run_cli (NULL, &err, "apply", recipe, set.in, "-o", none, "--reference", empty, NULL), !=, 0);
  g_assert_nonnull (strstr (err, "\"mix-up-1\" (MixUp)"));
  g_assert_nonnull (strstr (err, "reference pool is empty"));
  if (g_file_test (none, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GPtrArray) written = list_images (none);

      g_assert_cmpuint (written->len, ==, 0);
    }

  dataset_clear (&set);
}

/* `manifest merge` gives back the single run's manifest, byte for byte, and
 * refuses what would not be one run. */
static void
test_manifest_merge (Fixture       *fixture,
                     gconstpointer  data)
{
  Dataset set;
  g_autofree char *one = path_in (fixture, "one");
  g_autofree char *split = path_in (fixture, "split");
  g_autofree char *other = path_in (fixture, "other");
  g_autofree char *merged = path_in (fixture, "merged.jsonl");
  g_autofree char *m_one = g_build_filename (one, "manifest.jsonl", NULL);
  g_autofree char *s1 = g_build_filename (split, "manifest.shard-1-of-3.jsonl", NULL);
  g_autofree char *s2 = g_build_filename (split, "manifest.shard-2-of-3.jsonl", NULL);
  g_autofree char *s3 = g_build_filename (split, "manifest.shard-3-of-3.jsonl", NULL);
  g_autofree char *o2 = g_build_filename (other, "manifest.shard-2-of-3.jsonl", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  static const struct { int which[3]; const char *message; } refused[] = {
    { { 1, 2, -1 }, "missing shard 3 of 3" },
    { { 1, 1, 3 }, "shard 1 of 3 is given twice" },
    { { 1, 4, 3 }, "shards of different runs: the recipe or its seed differ" },
    { { 0, -1, -1 }, "not a shard's manifest" },
  };

  dataset_make (fixture, &set);
  apply_ok (set.recipe, set.in, one, "-n", "2", NULL);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *shard = g_strdup_printf ("%u/3", i);

      apply_ok (set.recipe, set.in, split, "-n", "2", "--shard", shard, NULL);
    }
  apply_ok (set.recipe, set.in, other, "-n", "2", "--shard", "2/3", "--seed", "99", NULL);

  /* Any order of the shards gives the one manifest. */
  g_assert_cmpint (run_cli (NULL, NULL, "manifest", "merge", s3, s1, s2, "-o", merged, NULL), ==, 0);
  g_assert_true (g_file_get_contents (m_one, &expected, NULL, NULL));
  g_assert_true (g_file_get_contents (merged, &got, NULL, NULL));
  g_assert_cmpstr (got, ==, expected);

  for (guint c = 0; c < G_N_ELEMENTS (refused); c++)
    {
      const char *paths[] = { m_one, s1, s2, s3, o2 };
      const char *args[8] = { "manifest", "merge" };
      guint n = 2;
      g_autofree char *err = NULL;
      g_autofree char *out_path = g_strdup_printf ("%s/refused-%u.jsonl", fixture->dir, c);

      for (guint k = 0; k < 3 && refused[c].which[k] >= 0; k++)
        args[n++] = paths[refused[c].which[k]];
      args[n++] = "-o";
      args[n++] = out_path;
      g_assert_cmpint (run_cli_argv (args, NULL, &err), ==, 1);
      g_test_message ("%s", err);
      g_assert_nonnull (strstr (err, refused[c].message));
      g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));
    }

  dataset_clear (&set);
}

/* Input folders are recorded relative to the manifest: a dataset moved as a
 * whole (inputs, outputs, manifest) replays where it now is. */
static void
test_apply_moved (Fixture       *fixture,
                  gconstpointer  data)
{
  Dataset set;
  g_autofree char *one = path_in (fixture, "one");
  g_autofree char *moved = path_in (fixture, "moved");
  g_autofree char *again = path_in (fixture, "again");
  g_autofree char *manifest = g_build_filename (moved, "one", "manifest.jsonl", NULL);
  g_autofree char *moved_one = g_build_filename (moved, "one", NULL);
  g_autofree char *m_one = g_build_filename (one, "manifest.jsonl", NULL);
  g_auto(GStrv) lines = NULL;
  g_autofree char *in_new = g_build_filename (moved, "in", NULL);
  g_autofree char *err = NULL;

  dataset_make (fixture, &set);
  apply_ok (set.recipe, set.in, one, "-n", "2", NULL);
  lines = read_lines (m_one);
  g_assert_nonnull (strstr (lines[0], "\"inputs\":[\"../in\"]"));

  g_assert_cmpint (g_mkdir (moved, 0755), ==, 0);
  g_assert_cmpint (g_rename (set.in, in_new), ==, 0);
  g_assert_cmpint (g_rename (one, moved_one), ==, 0);

  g_assert_cmpint (run_cli (NULL, &err, "apply", "--replay", manifest, "-o", again, NULL), ==, 0);
  assert_apply_summary (err, 0);
  assert_same_images (moved_one, again, N_INPUTS * 2);

  dataset_clear (&set);
}

/* The cost budget: validate says what a recipe may cost; apply fails an
 * input on which it could cost more than --max-cost or --max-memory,
 * before the recipe runs, and writes the others. */
static void
test_apply_budget (Fixture       *fixture,
                   gconstpointer  data)
{
  Dataset set;
  g_autofree char *out = path_in (fixture, "out");
  g_autofree char *free_out = path_in (fixture, "free");
  g_autofree char *text = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GPtrArray) images = NULL;

  dataset_make (fixture, &set);

  g_assert_cmpint (run_cli (&text, NULL, "validate", set.recipe, "--size", "640x480", NULL), ==, 0);
  g_assert_nonnull (strstr (text, "cost per 640x480 RGB input, at most: about "));
  g_assert_nonnull (strstr (text, "within the default budget"));
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (run_cli (&text, NULL, "validate", set.recipe, "--size", "200000x200000", NULL), ==, 0);
  g_assert_nonnull (strstr (text, "over the default budget"));

  /* A budget of a thousand operations: no input of the dataset fits. */
  g_assert_cmpint (run_cli (NULL, &err, "apply", set.recipe, set.in, "-o", out, "--max-cost", "1K", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "over the budget of 1000 operations (--max-cost)"));
  images = list_images (out);
  g_assert_cmpuint (images->len, ==, 0);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&images, g_ptr_array_unref);

  g_assert_cmpint (run_cli (NULL, &err, "apply", set.recipe, set.in, "-o", out, "--max-memory", "1K", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "(--max-memory)"));
  g_clear_pointer (&err, g_free);

  /* 0: no limit */
  g_assert_cmpint (run_cli (NULL, NULL, "apply", set.recipe, set.in, "-o", free_out, "--max-cost", "0",
                            "--max-memory", "0", NULL), ==, 0);
  images = list_images (free_out);
  g_assert_cmpuint (images->len, ==, N_INPUTS);

  g_assert_cmpint (run_cli (NULL, &err, "apply", set.recipe, set.in, "-o", out, "--max-cost", "lots", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--max-cost expects"));
  dataset_clear (&set);
}

/* Without a terminal (a log, a batch job), apply prints a progress line
 * every --progress-interval seconds and a summary at the end. */
static void
test_apply_progress_log (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *recipe = path_in (fixture, "blur.json");
  g_autofree char *in = path_in (fixture, "in");
  g_autofree char *out = path_in (fixture, "out");
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  guint progress_lines = 0;

  /* A blur wide enough that each output takes well over a millisecond. */
  g_assert_true (g_file_set_contents (recipe,
    "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 1, \"pipeline\": {\"type\": \"Sequential\","
    " \"steps\": [{\"type\": \"GaussianBlur\", \"p\": 1, \"params\": {\"sigma_limit\": [12, 12]}}]}}", -1, NULL));
  make_images (in, 6, 96, 96);

  g_assert_cmpint (run_cli (NULL, &err, "apply", recipe, in, "-o", out, "-n", "4", "--threads", "1",
                            "--progress-interval", "0.001", NULL), ==, 0);
  lines = g_strsplit (err, "\n", -1);
  for (guint i = 0; lines[i] && *lines[i]; i++)
    {
      if (lines[i + 1] == NULL || *lines[i + 1] == '\0')
        {
          /* the last line: the summary */
          g_assert_true (g_str_has_prefix (lines[i], "augur-cli: apply: 24 outputs in "));
          g_assert_nonnull (strstr (lines[i], "0 inputs failed; manifest "));
          break;
        }
      g_assert_true (g_str_has_prefix (lines[i], "augur-cli: apply: "));
      g_assert_nonnull (strstr (lines[i], "/24 outputs ("));
      g_assert_nonnull (strstr (lines[i], " left"));
      progress_lines++;
    }
  g_assert_cmpuint (progress_lines, >=, 1);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, "apply", recipe, in, "-o", out, "--progress-interval", "0", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--progress-interval"));
}

/* The format the file's bytes are in, by their magic. */
static const char *
sniff_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return augur_image_sniff ((const guint8 *) data, len);
}

/* Without --format each output keeps its input's format (formats Augur does
 * not write become PNG); --format overrides; a replay writes the same. */
static void
test_apply_keeps_format (Fixture       *fixture,
                         gconstpointer  data)
{
  Dataset set;
  g_autofree char *in = path_in (fixture, "mixed");
  g_autofree char *out = path_in (fixture, "out");
  g_autofree char *forced = path_in (fixture, "forced");
  g_autofree char *again = path_in (fixture, "again");
  g_autofree char *manifest = g_build_filename (out, "manifest.jsonl", NULL);
  g_autoptr(AugurImage) image = make_image (7, 40, 30, 3);
  g_autofree char *err = NULL;
  static const struct { const char *name; AugurImageFormat format; const char *output; const char *sniffed; } files[] = {
    { "a.png", AUGUR_IMAGE_FORMAT_PNG, "a_0.png", "png" },
    { "b.jpg", AUGUR_IMAGE_FORMAT_JPEG, "b_0.jpg", "jpeg" },
    { "c.jpeg", AUGUR_IMAGE_FORMAT_JPEG, "c_0.jpg", "jpeg" },
    { "d.webp", AUGUR_IMAGE_FORMAT_WEBP, "d_0.webp", "webp" },
  };

  dataset_make (fixture, &set);
  g_assert_cmpint (g_mkdir (in, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (in, files[i].name, NULL);
      g_autoptr(GError) error = NULL;

      if (!augur_image_format_available (files[i].format))
        {
          g_test_skip ("this system cannot write one of the formats");
          dataset_clear (&set);
          return;
        }
      g_assert_true (augur_image_save (image, path, files[i].format, 90, &error));
    }
  /* A BMP (Augur reads it, writes no BMP): its outputs are PNG. */
  {
    g_autofree char *src = g_build_filename (in, "a.png", NULL);
    g_autofree char *bmp = g_build_filename (in, "e.bmp", NULL);
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (src, NULL);

    g_assert_nonnull (pixbuf);
    g_assert_true (gdk_pixbuf_save (pixbuf, bmp, "bmp", NULL, NULL));
  }

  g_assert_cmpint (run_cli (NULL, &err, "apply", set.recipe, in, "-o", out, NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (out, files[i].output, NULL);

      g_assert_cmpstr (sniff_file (path), ==, files[i].sniffed);
    }
  {
    g_autofree char *path = g_build_filename (out, "e_0.png", NULL);

    g_assert_cmpstr (sniff_file (path), ==, "png");
  }

  /* The manifest says so, and its replay writes the same bytes. */
  {
    g_auto(GStrv) lines = read_lines (manifest);

    g_assert_nonnull (strstr (lines[0], "\"format\":\"input\""));
  }
  g_assert_cmpint (run_cli (NULL, NULL, "apply", "--replay", manifest, "-o", again, NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    assert_same_file (out, again, files[i].output);
  assert_same_file (out, again, "e_0.png");

  g_assert_cmpint (run_cli (NULL, NULL, "apply", set.recipe, in, "-o", forced, "--format", "png", NULL), ==, 0);
  {
    g_autofree char *path = g_build_filename (forced, "b_0.png", NULL);

    g_assert_cmpstr (sniff_file (path), ==, "png");
  }
  dataset_clear (&set);
}

static void
test_apply_replay (Fixture       *fixture,
                   gconstpointer  data)
{
  Dataset set;
  g_autofree char *one = path_in (fixture, "one");
  g_autofree char *again = path_in (fixture, "again");
  g_autofree char *manifest = g_build_filename (one, "manifest.jsonl", NULL);
  g_autofree char *err = NULL;

  dataset_make (fixture, &set);
  apply_ok (set.recipe, set.in, one, "-n", "3", "--format", "jpeg", "--quality", "80", NULL);

  g_assert_cmpint (run_cli (NULL, &err, "apply", "--replay", manifest, "-o", again, "--threads", "2", NULL), ==, 0);
  assert_apply_summary (err, 0);
  assert_same_images (one, again, N_INPUTS * N_VARIANTS);
  /* The replay's own manifest is the same manifest. */
  assert_same_file (one, again, "manifest.jsonl");
  g_clear_pointer (&err, g_free);

  /* The manifest is untrusted: a replay that does not fit the pipeline is
   * refused, naming the line; the other lines are still reproduced. */
  {
    g_auto(GStrv) lines = read_lines (manifest);
    /* Beside the manifest: its input folders are relative to where it is. */
    g_autofree char *tampered = g_build_filename (one, "tampered.jsonl", NULL);
    g_autofree char *third = path_in (fixture, "third");
    g_autoptr(GString) text = g_string_new (NULL);
    g_autoptr(GPtrArray) images = NULL;

    for (guint i = 0; lines[i]; i++)
      {
        g_autofree char *line = g_strdup (lines[i]);

        if (i == 2)
          {
            /* VerticalFlip where the pipeline has HorizontalFlip */
            g_auto(GStrv) parts = g_strsplit (line, "\"HorizontalFlip\"", -1);

            g_assert_cmpuint (g_strv_length (parts), ==, 2);
            g_free (line);
            line = g_strjoinv ("\"VerticalFlip\"", parts);
          }
        if (i == 4)
          {
            g_free (line);
            line = g_strdup ("{\"source\":\"../../etc/passwd\",\"root\":0,\"output\":\"x.jpg\","
                             "\"variant\":0,\"seed\":1,\"replay\":{}}");
          }
        if (i == 6)
          {
            /* A NUL byte inside the line: refused as line 7, and line 8
             * (the next replay) still read on its own. */
            g_string_append_len (text, line, 20);
            g_string_append_c (text, '\0');
            g_string_append_printf (text, "%s\n", line + 20);
            continue;
          }
        g_string_append_printf (text, "%s\n", line);
      }
    g_assert_true (g_file_set_contents (tampered, text->str, (gssize) text->len, NULL));

    g_assert_cmpint (run_cli (NULL, &err, "apply", "--replay", tampered, "-o", third, NULL), ==, 1);
    g_assert_nonnull (strstr (err, "tampered.jsonl:3: replay: "));
    g_assert_nonnull (strstr (err, "tampered.jsonl:5: source: "));
    g_assert_nonnull (strstr (err, "tampered.jsonl:7: "));
    g_assert_null (strstr (err, "tampered.jsonl:8: "));
    assert_prefixed (err);
    images = list_images (third);
    g_assert_cmpuint (images->len, ==, N_INPUTS * N_VARIANTS - 3);
  }

  dataset_clear (&set);
}

/* Two roots, a folder and a file elsewhere: the header lists their
 * folders, each line its root, and a replay finds every source again. */
static void
test_apply_roots (Fixture       *fixture,
                  gconstpointer  data)
{
  Dataset set;
  g_autofree char *extra_dir = path_in (fixture, "extra");
  g_autofree char *extra = NULL;
  g_autofree char *out = path_in (fixture, "out");
  g_autofree char *again = path_in (fixture, "again");
  g_autofree char *manifest = g_build_filename (out, "manifest.jsonl", NULL);
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) header = NULL;
  g_autoptr(JsonNode) last = NULL;
  g_auto(GStrv) lines = NULL;
  JsonArray *inputs;
  guint n;

  dataset_make (fixture, &set);
  {
    g_autoptr(AugurImage) image = make_image (100, 20, 20, 3);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (g_mkdir_with_parents (extra_dir, 0755), ==, 0);
    extra = g_build_filename (extra_dir, "lone.png", NULL);
    g_assert_true (augur_image_save (image, extra, AUGUR_IMAGE_FORMAT_PNG, 90, &error));
    g_assert_no_error (error);
  }

  g_assert_cmpint (run_cli (NULL, &err, "apply", set.recipe, set.in, extra, "-o", out, NULL), ==, 0);
  lines = read_lines (manifest);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, ==, 1 + N_INPUTS + 1);

  header = augur_json_parse_limited (lines[0], -1, 1 << 20, 64, NULL);
  inputs = json_object_get_array_member (json_node_get_object (header), "inputs");
  g_assert_cmpuint (json_array_get_length (inputs), ==, 2);
  /* Relative to the manifest's folder: a folder given, and a file's folder. */
  g_assert_cmpstr (json_array_get_string_element (inputs, 0), ==, "../in");
  g_assert_cmpstr (json_array_get_string_element (inputs, 1), ==, "../extra");

  last = augur_json_parse_limited (lines[n - 1], -1, 1 << 20, 64, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (last), "source"), ==, "lone.png");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (last), "root"), ==, 1);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, "apply", "--replay", manifest, "-o", again, NULL), ==, 0);
  assert_same_images (out, again, N_INPUTS + 1);

  /* Manifests of earlier versions record absolute folders: they still
   * replay, wherever the manifest now is. */
  {
    g_autofree char *old_style = path_in (fixture, "old.jsonl");
    g_autofree char *third = path_in (fixture, "third");
    g_autofree char *quoted = g_strdup_printf ("[\"%s\",\"%s\"]", set.in, extra_dir);
    g_auto(GStrv) parts = g_strsplit (lines[0], "[\"../in\",\"../extra\"]", -1);
    g_autofree char *head = NULL;
    g_autofree char *rest = NULL;
    g_autofree char *text = NULL;

    g_assert_cmpuint (g_strv_length (parts), ==, 2);
    head = g_strjoinv (quoted, parts);
    rest = g_strjoinv ("\n", lines + 1);
    text = g_strconcat (head, "\n", rest, NULL);
    g_assert_true (g_file_set_contents (old_style, text, -1, NULL));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (NULL, &err, "apply", "--replay", old_style, "-o", third, NULL), ==, 0);
    assert_same_images (out, third, N_INPUTS + 1);
  }
  dataset_clear (&set);
}

static gboolean
has_complete_output (const char *dir)
{
  g_autoptr(GPtrArray) images = list_images (dir);

  return images->len > 0;
}

static void
test_apply_resume (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *recipe = path_in (fixture, "recipe.json");
  g_autofree char *in = path_in (fixture, "in");
  g_autofree char *reference = path_in (fixture, "reference");
  g_autofree char *out = path_in (fixture, "out");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) partial = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *err = NULL;
  const guint n_inputs = 40, n_variants = 4;
  gint64 deadline;

  write_recipe (recipe);
  make_images (in, n_inputs, 192, 160);
  apply_ok (recipe, in, reference, "-n", "4", NULL);

  /* Start a slow run (one thread), and kill it once some outputs exist. */
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              cli_path, "apply", recipe, in, "-o", out, "-n", "4", "--threads", "1", NULL);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!has_complete_output (out) && g_get_monotonic_time () < deadline)
    g_usleep (2000);
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);

  partial = list_images (out);
  if (!g_subprocess_get_if_signaled (process) || partial->len >= n_inputs * n_variants)
    {
      g_test_skip ("the run finished before it could be interrupted");
      return;
    }
  g_test_message ("interrupted after %u of %u outputs", partial->len, n_inputs * n_variants);
  {
    g_autofree char *manifest = g_build_filename (out, "manifest.jsonl", NULL);

    g_assert_false (g_file_test (manifest, G_FILE_TEST_EXISTS));
  }

  /* No file under a final name is partial: each one decodes. */
  for (guint i = 0; i < partial->len; i++)
    {
      g_autofree char *path = g_build_filename (out, partial->pdata[i], NULL);
      g_autoptr(AugurImage) image = augur_image_load (path, 0, &error);

      g_assert_no_error (error);
      g_assert_cmpint (image->width, ==, 192);
      assert_same_file (out, reference, partial->pdata[i]);
    }

  /* --resume finishes the job: the same outputs and manifest as one run. */
  g_assert_cmpint (run_cli (NULL, &err, "apply", recipe, in, "-o", out, "-n", "4", "--resume", NULL), ==, 0);
  assert_apply_summary (err, 0);
  assert_same_images (out, reference, n_inputs * n_variants);
  assert_same_file (out, reference, "manifest.jsonl");

  files = list_files (out);
  for (guint i = 0; i < files->len; i++)
    g_assert_false (g_str_has_suffix (files->pdata[i], ".part"));
}

/* Every file under a final name in @out is whole: the same bytes as the
 * reference run's. */
static void
assert_outputs_whole (const char *out,
                      const char *reference)
{
  g_autoptr(GPtrArray) images = list_images (out);

  for (guint i = 0; i < images->len; i++)
    assert_same_file (out, reference, images->pdata[i]);
}

/* Crash consistency: stale temporaries planted beforehand, a run killed
 * (SIGKILL) at a point drawn from a seeded generator, its resumes killed
 * too, then one resume to the end: the outputs and the manifest are
 * byte for byte those of one clean run, and no temporary is left. A
 * resume with another seed is then refused and changes nothing. */
static void
test_apply_crash_consistency (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *recipe = path_in (fixture, "recipe.json");
  g_autofree char *in = path_in (fixture, "in");
  g_autofree char *reference = path_in (fixture, "reference");
  g_autofree char *out = path_in (fixture, "out");
  g_autofree char *junk = g_strnfill (150000, 'J');
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261202);
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *err = NULL;
  const char *stale[] = { ".img00_0.png.part", "sub/.img02_1.png.part", ".manifest.jsonl.part" };
  guint kills = 0;

  write_recipe (recipe);
  make_images (in, 24, 128, 96);
  apply_ok (recipe, in, reference, "-n", "2", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (stale); i++)
    {
      g_autofree char *path = g_build_filename (out, stale[i], NULL);
      g_autofree char *parent = g_path_get_dirname (path);

      g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
      g_assert_true (g_file_set_contents (path, junk, -1, NULL));
    }

  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;
      gulong wait_us = (gulong) g_rand_int_range (rand, 5000, 120000);
      const char *argv[] = { cli_path, "apply", recipe, in, "-o", out, "-n", "2", "--threads", "2",
                             round > 0 ? "--resume" : NULL, NULL };

      process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
      g_assert_no_error (error);
      g_usleep (wait_us);
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, &error);
      g_assert_no_error (error);
      if (g_subprocess_get_if_signaled (process))
        kills++;
      assert_outputs_whole (out, reference);
    }
  g_test_message ("%u of 4 runs killed before they finished", kills);

  g_assert_cmpint (run_cli (NULL, &err, "apply", recipe, in, "-o", out, "-n", "2", "--resume", NULL), ==, 0);
  assert_apply_summary (err, 0);
  assert_same_images (out, reference, 48);
  assert_same_file (out, reference, "manifest.jsonl");
  files = list_files (out);
  for (guint i = 0; i < files->len; i++)
    g_assert_false (g_str_has_suffix (files->pdata[i], ".part"));

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, "apply", recipe, in, "-o", out, "-n", "2", "--resume",
                            "--seed", "12345", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "its seed was"));
  assert_same_images (out, reference, 48);
  assert_same_file (out, reference, "manifest.jsonl");
}

/* --resume continues only the same run: a changed seed, recipe, output
 * format or quality, variant count or input set is refused, saying what
 * differs, and nothing in the folder changes. */
static void
test_apply_resume_other_run (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *recipe = path_in (fixture, "recipe.json");
  g_autofree char *other_recipe = path_in (fixture, "other.json");
  g_autofree char *in = path_in (fixture, "in");
  g_autofree char *in2 = path_in (fixture, "in2");
  g_autofree char *out = path_in (fixture, "out");
  g_autofree char *manifest = g_build_filename (out, "manifest.jsonl", NULL);
  g_autofree char *record = g_build_filename (out, ".manifest.jsonl.run", NULL);
  g_autofree char *before = NULL;
  g_autofree char *err = NULL;
  static const struct { const char *args[5]; const char *message; } cases[] = {
    { { "--seed", "99", NULL }, "its seed was 5, now 99" },
    { { "--format", "jpeg", NULL }, "its format was \"input\", now \"jpeg\"" },
    { { "--quality", "80", NULL }, "its quality was 95, now 80" },
    { { "-n", "3", NULL }, "its variants was 2, now 3" },
    { { "--shard", "1/2", NULL }, NULL },  /* another manifest: a run of its own */
  };

  g_assert_true (g_file_set_contents (recipe,
    "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 5, \"pipeline\": "
    "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"HorizontalFlip\"}]}}", -1, NULL));
  g_assert_true (g_file_set_contents (other_recipe,
    "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 5, \"pipeline\": "
    "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"VerticalFlip\"}]}}", -1, NULL));
  make_images (in, 3, 16, 12);
  make_images (in2, 3, 16, 12);
  apply_ok (recipe, in, out, "-n", "2", NULL);
  g_assert_true (g_file_get_contents (manifest, &before, NULL, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *after = NULL;

      g_clear_pointer (&err, g_free);
      for (const char *const *a = (const char *const[]) { "apply", recipe, in, "-o", out, "-n", "2", "--resume", NULL }; *a; a++)
        g_ptr_array_add (args, (char *) *a);
      for (guint k = 0; cases[i].args[k]; k++)
        g_ptr_array_add (args, (char *) cases[i].args[k]);
      g_ptr_array_add (args, NULL);
      if (cases[i].message == NULL)
        {
          g_assert_cmpint (run_cli_argv ((const char * const *) args->pdata, NULL, &err), ==, 0);
          continue;
        }
      g_assert_cmpint (run_cli_argv ((const char * const *) args->pdata, NULL, &err), ==, 1);
      g_test_message ("%s", err);
      g_assert_nonnull (strstr (err, cases[i].message));
      g_assert_nonnull (strstr (err, "without --resume"));
      g_assert_true (g_file_get_contents (manifest, &after, NULL, NULL));
      g_assert_cmpstr (after, ==, before);
    }

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, "apply", other_recipe, in, "-o", out, "-n", "2", "--resume", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "its recipe was"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, "apply", recipe, in2, "-o", out, "-n", "2", "--resume", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "its inputs was"));

  /* A folder holding only a killed run's temporaries holds no output of
   * another run: --resume starts there. */
  {
    g_autofree char *fresh = path_in (fixture, "fresh");
    g_autofree char *part = g_build_filename (fresh, "sub", ".img02_0.png.part", NULL);
    g_autofree char *parent = g_path_get_dirname (part);

    g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
    g_assert_true (g_file_set_contents (part, "stale", -1, NULL));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (NULL, &err, "apply", recipe, in, "-o", fresh, "-n", "2", "--resume", NULL), ==, 0);
  }

  /* The same run resumes. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, "apply", recipe, in, "-o", out, "-n", "2", "--resume", NULL), ==, 0);

  /* Outputs that nothing describes: refused too. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *shard_record = g_build_filename (out, ".manifest.shard-1-of-2.jsonl.run", NULL);
      g_autofree char *shard_manifest = g_build_filename (out, "manifest.shard-1-of-2.jsonl", NULL);

      g_assert_cmpint (g_unlink (i == 0 ? record : shard_record), ==, 0);
      g_assert_cmpint (g_unlink (i == 0 ? manifest : shard_manifest), ==, 0);
    }
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, "apply", recipe, in, "-o", out, "-n", "2", "--resume", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "nothing records which run wrote"));
}

/* A full disk, made by the test: a 256 KiB tmpfs mounted in a mount
 * namespace of its own (unshare -rm), so that neither root nor cleanup is
 * needed. The run stops early with one message, and leaves no temporary
 * file behind. Skipped, saying why, where no such namespace can be made. */
static void
test_apply_disk_full (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *recipe = path_in (fixture, "recipe.json");
  g_autofree char *in = path_in (fixture, "in");
  g_autofree char *mnt = path_in (fixture, "mnt");
  g_autofree char *unshare = g_find_program_in_path ("unshare");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) err_lines = NULL;
  const char *script =
    "mount -t tmpfs -o size=256k augur-full \"$1\" 2>/dev/null || { echo cannot mount >&2; exit 77; }\n"
    "\"$2\" apply \"$3\" \"$4\" -o \"$1/out\" --threads 2\n"
    "status=$?\n"
    "ls -A \"$1/out\"\n"
    "exit $status\n";

  if (unshare == NULL)
    {
      g_test_skip ("no unshare(1) here to make a small file system");
      return;
    }
  write_recipe (recipe);
  make_images (in, 40, 160, 120);
  g_assert_cmpint (g_mkdir (mnt, 0755), ==, 0);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              unshare, "-rm", "sh", "-c", script, "sh", mnt, cli_path, recipe, in, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) == 77 || strstr (err, "unshare:") != NULL)
    {
      g_test_skip_printf ("cannot mount a small tmpfs in a namespace here: %s", err);
      return;
    }

  g_test_message ("stderr: %s", err);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  err_lines = g_strsplit (g_strchomp (err), "\n", -1);
  g_assert_cmpuint (g_strv_length (err_lines), ==, 1);
  g_assert_nonnull (strstr (err, "the disk is full"));
  g_assert_nonnull (strstr (err, "--resume"));
  g_assert_null (strstr (out, ".part"));
}

static void
test_apply_bad_input (Fixture       *fixture,
                      gconstpointer  data)
{
  Dataset set;
  g_autofree char *out = path_in (fixture, "out");
  g_autofree char *bad = NULL;
  g_autofree char *truncated = NULL;
  g_autofree char *err = NULL;
  g_autofree char *manifest = NULL;
  g_autoptr(GPtrArray) images = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GBytes) good = NULL;

  dataset_make (fixture, &set);
  /* A text file disguised as a PNG, and a PNG whose header is corrupt. */
  bad = g_build_filename (set.in, "disguised.png", NULL);
  g_assert_true (g_file_set_contents (bad, "this is not an image\n", -1, NULL));
  good = read_bytes (set.in, "img00.png");
  {
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (good, NULL), g_bytes_get_size (good));

    copy[20] ^= 0x5a; /* inside IHDR: its CRC no longer matches */
    truncated = g_build_filename (set.in, "sub", "corrupt.png", NULL);
    g_assert_true (g_file_set_contents (truncated, (const char *) copy, (gssize) g_bytes_get_size (good), NULL));
  }

  g_assert_cmpint (run_cli (NULL, &err, "apply", set.recipe, set.in, "-o", out, NULL), ==, 1);
  assert_prefixed (err);
  g_assert_nonnull (strstr (err, "disguised.png: "));
  g_assert_nonnull (strstr (err, "corrupt.png: "));
  g_assert_nonnull (strstr (err, "2 inputs failed"));

  /* The good ones are all written and listed. */
  images = list_images (out);
  g_assert_cmpuint (images->len, ==, N_INPUTS);
  manifest = g_build_filename (out, "manifest.jsonl", NULL);
  lines = read_lines (manifest);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + N_INPUTS);
  for (guint i = 1; lines[i]; i++)
    g_assert_null (strstr (lines[i], "disguised"));

  /* Inputs are never modified. */
  {
    g_autofree char *text = NULL;

    g_file_get_contents (bad, &text, NULL, NULL);
    g_assert_cmpstr (text, ==, "this is not an image\n");
  }
  dataset_clear (&set);
}

static void
test_apply_overlap (Fixture       *fixture,
                    gconstpointer  data)
{
  Dataset set;
  g_autofree char *inside = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;

  dataset_make (fixture, &set);
  before = list_files (set.in);
  inside = g_build_filename (set.in, "sub", "augmented", NULL);

  g_assert_cmpint (run_cli (NULL, &err, "apply", set.recipe, set.in, "-o", inside, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "inside the input folder"));
  assert_prefixed (err);
  g_assert_cmpint (run_cli (NULL, &err2, "apply", set.recipe, set.in, "-o", set.in, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "is the input folder"));

  after = list_files (set.in);
  g_assert_cmpuint (after->len, ==, before->len);
  dataset_clear (&set);
}

static void
test_apply_max_pixels (Fixture       *fixture,
                       gconstpointer  data)
{
  Dataset set;
  g_autofree char *small = path_in (fixture, "small");
  g_autofree char *large = path_in (fixture, "large");
  g_autofree char *err = NULL;
  g_autoptr(GPtrArray) images = NULL;

  dataset_make (fixture, &set);

  /* The inputs are 40×28 = 1120 pixels. */
  g_assert_cmpint (run_cli (NULL, &err, "apply", set.recipe, set.in, "-o", small,
                            "--max-pixels", "1000", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "over the limit of 1000"));
  assert_prefixed (err);
  images = list_images (small);
  g_assert_cmpuint (images->len, ==, 0);

  apply_ok (set.recipe, set.in, large, "--max-pixels", "1120", NULL);
  g_clear_pointer (&images, g_ptr_array_unref);
  images = list_images (large);
  g_assert_cmpuint (images->len, ==, N_INPUTS);
  dataset_clear (&set);
}

/* sheet -------------------------------------------------------------------------------- */

static void
test_sheet (Fixture       *fixture,
            gconstpointer  data)
{
  Dataset set;
  g_autofree char *sheet = path_in (fixture, "sheet.png");
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *err = NULL;
  g_autoptr(AugurImage) image = NULL;
  g_autoptr(GError) error = NULL;
  const int cell = 64, gap = augur_sheet_gap (64);

  dataset_make (fixture, &set);
  a = g_build_filename (set.in, "img00.png", NULL);
  b = g_build_filename (set.in, "sub", "img02.png", NULL);

  g_assert_cmpint (run_cli (NULL, &err, "sheet", set.recipe, a, b, "-o", sheet, "-n", "3",
                            "--size", "64", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  image = augur_image_load (sheet, 0, &error);
  g_assert_no_error (error);
  /* Two rows; the original and three draws in each. */
  g_assert_cmpint (image->width, ==, gap + 4 * (cell + gap));
  g_assert_cmpint (image->height, ==, gap + 2 * (cell + gap));
  g_assert_cmpint (image->channels, ==, 3);
  dataset_clear (&set);
}

/* Recipes side by side: a labelled group of draws per recipe, each the
 * draws that recipe's own run would write; an image that cannot be read
 * leaves no empty row. */
static void
test_sheet_recipes (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *flip = path_in (fixture, "flip.json");
  g_autofree char *keep = path_in (fixture, "keep.json");
  g_autofree char *picture = path_in (fixture, "picture.png");
  g_autofree char *broken = path_in (fixture, "broken.png");
  g_autofree char *sheet = path_in (fixture, "ab.png");
  g_autofree char *err = NULL;
  g_autoptr(AugurImage) image = make_image (3, 64, 64, 3);
  g_autoptr(AugurImage) out = NULL;
  g_autoptr(GError) error = NULL;
  const int cell = 64, gap = augur_sheet_gap (64), header = 10 + gap;
  gboolean inked = FALSE;

  g_assert_true (g_file_set_contents (flip, "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 3,"
                                      " \"pipeline\": {\"type\": \"Sequential\", \"steps\": ["
                                      "{\"type\": \"VerticalFlip\", \"p\": 1}]}}", -1, NULL));
  g_assert_true (g_file_set_contents (keep, "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 3,"
                                      " \"pipeline\": {\"type\": \"Sequential\", \"steps\": []}}", -1, NULL));
  g_assert_true (augur_image_save (image, picture, AUGUR_IMAGE_FORMAT_PNG, 90, &error));
  g_assert_true (g_file_set_contents (broken, "\x89PNG\r\n\x1a\n", 8, NULL));

  g_assert_cmpint (run_cli (NULL, &err, "sheet", keep, flip, picture, broken, "-o", sheet, "-n", "2",
                            "--size", "64", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "broken.png"));
  out = augur_image_load (sheet, 0, &error);
  g_assert_no_error (error);
  /* One row (the broken image left none): the original, 2 draws of each. */
  g_assert_cmpint (out->width, ==, gap + 5 * (cell + gap));
  g_assert_cmpint (out->height, ==, header + gap + (cell + gap));

  for (int y = 0; y < cell; y++)
    for (int x = 0; x < cell; x++)
      for (int c = 0; c < 3; c++)
        {
          int top = header + gap + y;
          int original = augur_test_pixel (out, gap + x, top, c);

          /* "keep" changes nothing; "flip" turns the picture upside down. */
          g_assert_cmpint (augur_test_pixel (out, gap + 1 * (cell + gap) + x, top, c), ==, original);
          g_assert_cmpint (augur_test_pixel (out, gap + 3 * (cell + gap) + x, header + gap + (cell - 1 - y), c),
                           ==, original);
        }

  /* Each group is labelled: dark ink in the band above its first column. */
  for (int y = 0; y < header; y++)
    for (int x = gap + 3 * (cell + gap); x < gap + 4 * (cell + gap); x++)
      inked = inked || augur_test_pixel (out, x, y, 0) < 0x80;
  g_assert_true (inked);
}

/* bench: each step's share of the time, beside decoding, sampling and
 * encoding, adds up to the whole time per image; a deliberately slow step
 * comes first. */
static void
test_bench (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *recipe = path_in (fixture, "slow.json");
  g_autofree char *picture = path_in (fixture, "picture.png");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(AugurImage) image = make_image (5, 256, 256, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *parts;
  double whole, sum = 0, slowest = 0;
  const char *slowest_name = NULL;

  g_assert_true (g_file_set_contents (recipe,
    "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 1, \"pipeline\": {\"type\": \"Sequential\","
    " \"steps\": [{\"type\": \"HorizontalFlip\", \"p\": 1},"
    " {\"type\": \"MedianBlur\", \"p\": 1, \"params\": {\"blur_limit\": [99, 99]}},"
    " {\"type\": \"RandomBrightnessContrast\", \"p\": 1}]}}", -1, NULL));
  g_assert_true (augur_image_save (image, picture, AUGUR_IMAGE_FORMAT_PNG, 90, &error));

  g_assert_cmpint (run_cli (&out, &err, "bench", recipe, picture, "--seconds", "0.2", "--json", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  root = augur_json_parse_limited (out, -1, 1 << 20, 16, &error);
  g_assert_no_error (error);
  object = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (object, "images"), >=, 1);
  whole = json_object_get_double_member (object, "ms_per_image");
  parts = json_object_get_array_member (object, "parts");
  /* decode, sample, encode and the three steps */
  g_assert_cmpuint (json_array_get_length (parts), ==, 6);
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonObject *part = json_array_get_object_element (parts, i);
      double ms = json_object_get_double_member (part, "ms_per_image");

      g_assert_cmpfloat (ms, >=, 0);
      sum += ms;
      if (ms > slowest)
        {
          slowest = ms;
          slowest_name = json_object_get_string_member (part, "name");
        }
    }
  /* Only the bookkeeping between the parts is outside them (a few per
   * cent, more when the machine is busy and a part is preempted). */
  g_assert_cmpfloat (sum, <=, whole * 1.0001);
  g_assert_cmpfloat (sum, >=, whole * 0.9);
  g_assert_cmpstr (slowest_name, ==, "MedianBlur (step 2)");

  /* The text form ranks it first too. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (&out, NULL, "bench", recipe, picture, "--seconds", "0.2", NULL), ==, 0);
  {
    const char *table = strstr (out, "where the time goes\n");

    g_assert_nonnull (table);
    table = strchr (table, '\n') + 1;
    g_assert_nonnull (strstr (table, "MedianBlur (step 2)"));
    g_assert_true (strstr (table, "MedianBlur (step 2)") < strchr (table, '\n'));
  }
}

/* describe --markdown, gallery ---------------------------------------------------------- */

/* The text of @s from @from up to the next line starting with @heading
 * (exclusive), or to its end. */
static char *
section (const char *s,
         const char *from,
         const char *heading)
{
  const char *start = strstr (s, from);
  const char *end;

  g_assert_nonnull (start);
  end = strstr (start + strlen (from), heading);
  return end ? g_strndup (start, end - start) : g_strdup (start);
}

/* Every transform of the table is in the reference, under its category, in
 * the table's category order, with each parameter in its table and a link
 * to its gallery picture. */
static void
test_describe_markdown (void)
{
  const char *const *categories = augur_transform_categories ();
  const AugurTransformInfo *const *list;
  g_autofree char *out = NULL;
  g_autofree char *one = NULL;
  g_autofree char *err = NULL;
  const char *last = NULL;
  guint n;

  list = augur_transforms_list (&n);
  g_assert_cmpint (run_cli (&out, NULL, "describe", "--markdown", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "# Transform reference\n"));

  /* Categories in order, each present once. */
  for (guint c = 0; categories[c]; c++)
    {
      g_autofree char *heading = g_strdup_printf ("\n## %s\n", categories[c]);
      gboolean used = FALSE;
      const char *at = strstr (out, heading);

      for (guint i = 0; i < n; i++)
        used |= g_str_equal (list[i]->category, categories[c]);
      if (!used)
        {
          g_assert_null (at);
          continue;
        }
      g_assert_nonnull (at);
      g_assert_null (strstr (at + 1, heading));
      if (last)
        g_assert_true (at > last);
      last = at;
    }

  for (guint i = 0; i < n; i++)
    {
      const AugurTransformInfo *info = list[i];
      g_autofree char *category = g_strdup_printf ("\n## %s\n", info->category);
      g_autofree char *heading = g_strdup_printf ("\n### %s\n", info->name);
      g_autofree char *in_category = section (out, category, "\n## ");
      g_autofree char *entry = section (out, heading, "\n### ");
      g_autofree char *link = g_strdup_printf ("(gallery/%s.jpg)", info->name);
      g_autofree char *p = g_strdup_printf ("Shown as *%s* · default p: %g ", info->label, info->default_p);

      g_assert_nonnull (strstr (in_category, heading));
      g_assert_nonnull (strstr (entry, info->description));
      g_assert_nonnull (strstr (entry, p));
      g_assert_nonnull (strstr (entry, augur_transform_is_spatial (info) ? "spatial" : "pixel-level"));
      g_assert_nonnull (strstr (entry, link));
      if (info->n_params == 0)
        g_assert_nonnull (strstr (entry, "No parameters."));
      for (guint j = 0; j < info->n_params; j++)
        {
          g_autofree char *row = g_strdup_printf ("\n| `%s` | %s | ", info->params[j].name,
                                                  augur_param_type_name (info->params[j].type));

          g_assert_nonnull (strstr (entry, row));
        }
    }

  /* One transform: its entry alone. */
  g_assert_cmpint (run_cli (&one, NULL, "describe", "RandomBrightnessContrast", "--markdown", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (one, "### RandomBrightnessContrast\n"));
  g_assert_null (strstr (one, "# Transform reference"));
  g_assert_nonnull (strstr (one, "| `brightness_limit` | range | `[-0.2, 0.2]` | "));

  g_assert_cmpint (run_cli (NULL, &err, "describe", "--markdown", "--json", NULL), ==, 2);
  assert_prefixed (err);
}

/* The rows a transform's gallery has, from the table: the draws, then one
 * per range parameter that is set by default (per axis of an x/y range). */
static guint
expected_gallery_rows (const AugurTransformInfo *info)
{
  guint rows = 1;

  for (guint i = 0; i < info->n_params; i++)
    {
      const AugurParamSpec *spec = &info->params[i];

      if (!augur_param_is_range (spec) || ((spec->flags & AUGUR_PARAM_NULLABLE) && spec->def_null))
        continue;
      rows += spec->type == AUGUR_PARAM_XY_RANGE ? 2 : 1;
    }
  return rows;
}

static double
cell_mean (const AugurImage *sheet,
           int               cell,
           guint             row,
           guint             column)
{
  double sum = 0;
  int x0, y0;

  augur_gallery_cell_origin (cell, row, column, &x0, &y0);
  for (int y = y0; y < y0 + cell; y++)
    for (int x = x0; x < x0 + cell; x++)
      for (int c = 0; c < 3; c++)
        sum += augur_image_row (sheet, y)[x * 3 + c];
  return sum / (3.0 * cell * cell);
}

static gboolean
cells_equal (const AugurImage *sheet,
             int               cell,
             guint             row_a,
             guint             column_a,
             guint             row_b,
             guint             column_b)
{
  int ax, ay, bx, by;

  augur_gallery_cell_origin (cell, row_a, column_a, &ax, &ay);
  augur_gallery_cell_origin (cell, row_b, column_b, &bx, &by);
  for (int y = 0; y < cell; y++)
    if (memcmp (augur_image_row (sheet, ay + y) + ax * 3,
                augur_image_row (sheet, by + y) + bx * 3, (gsize) cell * 3) != 0)
      return FALSE;
  return TRUE;
}

/* One sheet and one caption file per transform, of the size the layout
 * gives for its rows; the same run twice gives the same bytes. */
static void
test_gallery (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *input = path_in (fixture, "input.png");
  g_autofree char *outdir = path_in (fixture, "gallery");
  g_autofree char *again = path_in (fixture, "again");
  g_autofree char *err = NULL;
  g_autoptr(AugurImage) src = make_image (0, 60, 44, 3);
  g_autoptr(GError) error = NULL;
  const AugurTransformInfo *const *list;
  const int cell = 48;
  guint n;

  g_assert_true (augur_image_save (src, input, AUGUR_IMAGE_FORMAT_PNG, 90, &error));
  g_assert_no_error (error);
  list = augur_transforms_list (&n);

  g_assert_cmpint (run_cli (NULL, &err, "gallery", "-o", outdir, input, "--size", "48", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *base = g_build_filename (outdir, list[i]->name, NULL);
      g_autofree char *png = g_strconcat (base, ".png", NULL);
      g_autofree char *txt = g_strconcat (base, ".txt", NULL);
      g_autofree char *text = NULL;
      g_autofree char *first = NULL;
      g_autoptr(AugurImage) sheet = NULL;
      guint rows = expected_gallery_rows (list[i]);
      int width, height;

      sheet = augur_image_load (png, 0, &error);
      g_assert_no_error (error);
      augur_gallery_size (rows, 1 + AUGUR_GALLERY_DEFAULT_DRAWS, cell, &width, &height);
      g_assert_cmpint (sheet->width, ==, width);
      g_assert_cmpint (sheet->height, ==, height);

      g_assert_true (g_file_get_contents (txt, &text, NULL, &error));
      g_assert_no_error (error);
      first = g_strdup_printf ("%s: %u rows of %d cells\nrow 0: original | draw 1 | draw 2 | draw 3\n",
                               list[i]->name, rows, 1 + AUGUR_GALLERY_DEFAULT_DRAWS);
      g_assert_true (g_str_has_prefix (text, first));

      /* every row starts with the original */
      for (guint r = 1; r < rows; r++)
        g_assert_true (cells_equal (sheet, cell, r, 0, 0, 0));
    }

  /* A transform whose defaults are all "off" still shows itself: XYMasking
   * defaults to no masks of no length, and each of its rows must show masks
   * at the high end (the other ranges sit at the middle of their slider
   * range, not at their single default value). */
  {
    g_autofree char *png = g_build_filename (outdir, "XYMasking.png", NULL);
    g_autoptr(AugurImage) sheet = augur_image_load (png, 0, &error);

    g_assert_no_error (error);
    for (guint r = 1; r < expected_gallery_rows (augur_transform_lookup ("XYMasking")); r++)
      g_assert_false (cells_equal (sheet, cell, r, 3, 0, 0));
  }

  /* Deterministic: a second run, of one transform, writes the same sheet. */
  g_assert_cmpint (run_cli (NULL, NULL, "gallery", "-o", again, input, "--size", "48",
                            "--only", "RandomBrightnessContrast", NULL), ==, 0);
  {
    g_autofree char *a = g_build_filename (outdir, "RandomBrightnessContrast.png", NULL);
    g_autofree char *b = g_build_filename (again, "RandomBrightnessContrast.png", NULL);
    g_autofree char *other = g_build_filename (again, "HorizontalFlip.png", NULL);
    g_autoptr(AugurImage) ia = augur_image_load (a, 0, NULL);
    g_autoptr(AugurImage) ib = augur_image_load (b, 0, NULL);

    g_assert_nonnull (ia);
    g_assert_nonnull (ib);
    g_assert_true (augur_image_equal (ia, ib));
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  }
}

/* RandomBrightnessContrast's rows: brightness at its low end is darker than
 * at its high end by about the range (0.4 of full scale, less the grey
 * background the thumbnail leaves around a non-square image), and its
 * middle lies between. */
static void
test_gallery_extremes (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *input = path_in (fixture, "input.png");
  g_autofree char *outdir = path_in (fixture, "gallery");
  g_autofree char *sheet_path = NULL;
  g_autofree char *txt_path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(AugurImage) src = make_image (1, 64, 64, 3);
  g_autoptr(AugurImage) sheet = NULL;
  g_autoptr(GError) error = NULL;
  const int cell = 64;
  double low, middle, high;

  g_assert_true (augur_image_save (src, input, AUGUR_IMAGE_FORMAT_PNG, 90, &error));
  g_assert_no_error (error);
  g_assert_cmpint (run_cli (NULL, NULL, "gallery", "-o", outdir, input, "--size", "64",
                            "--only", "RandomBrightnessContrast", NULL), ==, 0);

  txt_path = g_build_filename (outdir, "RandomBrightnessContrast.txt", NULL);
  g_assert_true (g_file_get_contents (txt_path, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "\nrow 1: brightness_limit | low: -0.2 | middle: 0 | high: 0.2\n"));

  sheet_path = g_build_filename (outdir, "RandomBrightnessContrast.png", NULL);
  sheet = augur_image_load (sheet_path, 0, &error);
  g_assert_no_error (error);

  low = cell_mean (sheet, cell, 1, 1);
  middle = cell_mean (sheet, cell, 1, 2);
  high = cell_mean (sheet, cell, 1, 3);
  g_test_message ("brightness low %.1f, middle %.1f, high %.1f", low, middle, high);
  g_assert_false (cells_equal (sheet, cell, 1, 1, 1, 3));
  g_assert_cmpfloat (high - low, >, 0.3 * 255);
  g_assert_cmpfloat (middle, >, low + 0.1 * 255);
  g_assert_cmpfloat (middle, <, high - 0.1 * 255);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  cli_path = augur_test_cli_path (argc, argv);

  g_test_add_func ("/cli/list", test_list);
  g_test_add_func ("/cli/describe", test_describe);
  g_test_add_func ("/cli/help", test_help);
  g_test_add ("/cli/validate", Fixture, NULL, fixture_setup, test_validate, fixture_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (usage_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/cli/exit-status/%u", i);

      g_test_add (name, Fixture, &usage_cases[i], fixture_setup, test_usage, fixture_teardown);
    }
  g_test_add ("/cli/apply/threads", Fixture, NULL, fixture_setup, test_apply_threads, fixture_teardown);
  g_test_add ("/cli/apply/shards", Fixture, NULL, fixture_setup, test_apply_shards, fixture_teardown);
  g_test_add ("/cli/apply/replay", Fixture, NULL, fixture_setup, test_apply_replay, fixture_teardown);
  g_test_add ("/cli/apply/blends", Fixture, NULL, fixture_setup, test_apply_blends, fixture_teardown);
  g_test_add ("/cli/sheet/recipes", Fixture, NULL, fixture_setup, test_sheet_recipes, fixture_teardown);
  g_test_add ("/cli/bench", Fixture, NULL, fixture_setup, test_bench, fixture_teardown);
  g_test_add ("/cli/apply/budget", Fixture, NULL, fixture_setup, test_apply_budget, fixture_teardown);
  g_test_add ("/cli/apply/progress-log", Fixture, NULL, fixture_setup, test_apply_progress_log, fixture_teardown);
  g_test_add ("/cli/apply/keeps-format", Fixture, NULL, fixture_setup, test_apply_keeps_format, fixture_teardown);
  g_test_add ("/cli/apply/moved", Fixture, NULL, fixture_setup, test_apply_moved, fixture_teardown);
  g_test_add ("/cli/manifest/merge", Fixture, NULL, fixture_setup, test_manifest_merge, fixture_teardown);
  g_test_add ("/cli/apply/replay-fifo", Fixture, NULL, fixture_setup, test_replay_fifo, fixture_teardown);
  g_test_add ("/cli/apply/roots", Fixture, NULL, fixture_setup, test_apply_roots, fixture_teardown);
  g_test_add ("/cli/apply/resume", Fixture, NULL, fixture_setup, test_apply_resume, fixture_teardown);
  g_test_add ("/cli/apply/crash-consistency", Fixture, NULL, fixture_setup, test_apply_crash_consistency,
              fixture_teardown);
  g_test_add ("/cli/apply/disk-full", Fixture, NULL, fixture_setup, test_apply_disk_full, fixture_teardown);
  g_test_add ("/cli/apply/resume-other-run", Fixture, NULL, fixture_setup, test_apply_resume_other_run,
              fixture_teardown);
  g_test_add ("/cli/apply/bad-input", Fixture, NULL, fixture_setup, test_apply_bad_input, fixture_teardown);
  g_test_add ("/cli/apply/overlap", Fixture, NULL, fixture_setup, test_apply_overlap, fixture_teardown);
  g_test_add ("/cli/apply/max-pixels", Fixture, NULL, fixture_setup, test_apply_max_pixels, fixture_teardown);
  g_test_add ("/cli/sheet", Fixture, NULL, fixture_setup, test_sheet, fixture_teardown);
  g_test_add_func ("/cli/describe/markdown", test_describe_markdown);
  g_test_add ("/cli/gallery/layout", Fixture, NULL, fixture_setup, test_gallery, fixture_teardown);
  g_test_add ("/cli/gallery/extremes", Fixture, NULL, fixture_setup, test_gallery_extremes, fixture_teardown);

  return g_test_run ();
}
