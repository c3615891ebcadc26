/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "augur-cell-grid.h"
#include "augur-picture.h"
#include "augur-preferences-window.h"
#include "augur-sample.h"
#include "augur-sample-strip.h"
#include "augur-stress.h"
#include "augur-test-util.h"
#include "augur-window.h"

#ifdef AUGUR_HAVE_PREVIEW_PANE
# include "augur-preview-pane.h"
#endif
#ifdef AUGUR_HAVE_PIPELINE_EDITOR
# include "augur-pipeline-editor.h"
#endif

/* Drives the real window through its actions and public entry points, under
 * Xvfb: see tests/meson.build for the environment. */

#define TIMEOUT_MS 20000

typedef struct
{
  AugurWindow *window;
  char        *dir;     /* a temporary folder of synthesised images */
} Fixture;

/* ------------------------------------------------------------------------ */
/* Helpers */

typedef AugurTestPredicate Predicate;

/* Runs the main loop until @pred holds, or fails the test after TIMEOUT_MS. */
static void
wait_for (Predicate    pred,
          gpointer     data,
          const char  *what)
{
  augur_test_wait_for (pred, data, TIMEOUT_MS, what);
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
iterate_briefly (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  guint tick = g_timeout_add (5, wake_up, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

/* A gradient with a per-image tint, so that every image is different. */
static AugurImage *
make_image (int width,
            int height,
            int tint)
{
  AugurImage *image = augur_image_new (width, height, 3);

  for (int y = 0; y < height; y++)
    {
      guint8 *row = augur_image_row (image, y);

      for (int x = 0; x < width; x++)
        {
          row[3 * x + 0] = (guint8) (40 + 100 * x / width);
          row[3 * x + 1] = (guint8) (40 + 100 * y / height);
          row[3 * x + 2] = (guint8) (40 + tint);
        }
    }
  return image;
}

static void
write_samples (const char *dir)
{
  /* deliberately not in name order */
  static const char *const names[] = { "b-second.png", "c-third.png", "a-first.png" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(AugurImage) image = make_image (96, 64, 30 * (int) i);
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autoptr(GError) error = NULL;

      augur_image_save (image, path, AUGUR_IMAGE_FORMAT_PNG, 0, &error);
      g_assert_no_error (error);
    }
  /* not images: skipped by the folder scan */
  {
    g_autofree char *notes = g_build_filename (dir, "notes.txt", NULL);
    g_autofree char *hidden = g_build_filename (dir, ".hidden.png", NULL);

    g_assert_true (g_file_set_contents (notes, "not an image", -1, NULL));
    g_assert_true (g_file_set_contents (hidden, "hidden", -1, NULL));
  }
}

static gboolean
all_loaded (gpointer data)
{
  GListModel *samples = augur_window_get_samples (data);
  guint n = g_list_model_get_n_items (samples);

  /* files still being examined have not joined the strip yet */
  if (augur_window_is_adding_files (data))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AugurSample) sample = g_list_model_get_item (samples, i);

      if (!augur_sample_get_loaded (sample) && augur_sample_get_error (sample) == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
open_sample_folder (Fixture *fixture)
{
  g_autoptr(GFile) dir = g_file_new_for_path (fixture->dir);
  GFile *files[] = { dir };
  guint before = g_list_model_get_n_items (augur_window_get_samples (fixture->window));

  augur_window_add_files (fixture->window, files, 1);
  /* the folder is read on a worker thread, never on the caller's: the
   * call returns before any of its images has joined the strip */
  g_assert_true (augur_window_is_adding_files (fixture->window));
  g_assert_cmpuint (g_list_model_get_n_items (augur_window_get_samples (fixture->window)), ==, before);
  wait_for (all_loaded, fixture->window, "the samples to load");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *autosave = augur_window_dup_autosave_path ();
  g_autoptr(GError) error = NULL;

  /* each test starts without a crash-recovery file */
  g_unlink (autosave);

  fixture->dir = g_dir_make_tmp ("augur-test-window-XXXXXX", &error);
  g_assert_no_error (error);
  write_samples (fixture->dir);

  fixture->window = augur_window_new (NULL);
  g_object_ref (fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static gboolean
only_our_ref (gpointer data)
{
  return G_OBJECT (data)->ref_count == 1;
}

/* The window must go away completely: no reference left behind by a signal
 * handler, an async load or a timeout. */
static void
destroy_and_check_finalized (AugurWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  wait_for (only_our_ref, window, "the window's other references to go");
  g_assert_finalize_object (window);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *autosave = augur_window_dup_autosave_path ();

  /* Closing a clean window removes the crash-recovery file. */
  if (!augur_window_get_modified (fixture->window))
    {
      gtk_window_close (GTK_WINDOW (fixture->window));
      g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));
    }
  destroy_and_check_finalized (g_steal_pointer (&fixture->window));
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* Removes the private home of the run: the autosave folder and whatever
 * else GTK wrote there. */
static void
remove_home (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL)
    {
      GFile *child;

      if (!g_file_enumerator_iterate (children, NULL, &child, NULL, NULL) || child == NULL)
        break;
      if (g_file_query_file_type (child, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL) ==
          G_FILE_TYPE_DIRECTORY)
        {
          g_autofree char *child_path = g_file_get_path (child);

          remove_home (child_path);
        }
      else
        g_file_delete (child, NULL, NULL);
    }
  g_file_delete (file, NULL, NULL);
}

static char *
write_recipe (const char *dir,
              const char *name,
              const char *json)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  return path;
}

/* The newest message dialog of @parent whose heading is @heading. */
static AdwMessageDialog *
find_dialog (GtkWindow  *parent,
             const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);
  AdwMessageDialog *found = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) &&
          gtk_window_get_transient_for (window) == parent &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), heading) == 0)
        found = ADW_MESSAGE_DIALOG (window);
    }
  return found;
}

/* Whether @window is still open (closing destroys it). */
static gboolean
is_open (AugurWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (toplevel == GTK_WINDOW (window))
        return TRUE;
    }
  return FALSE;
}

static const char *
window_title (AugurWindow *window)
{
  return gtk_window_get_title (GTK_WINDOW (window));
}

/* ------------------------------------------------------------------------ */
/* Tests that need only the window */

static void
test_open_folder (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char *const expected[] = { "a-first.png", "b-second.png", "c-third.png" };
  GListModel *samples = augur_window_get_samples (fixture->window);

  open_sample_folder (fixture);

  /* images only, sorted by name */
  g_assert_cmpuint (g_list_model_get_n_items (samples), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(AugurSample) sample = g_list_model_get_item (samples, i);
      AugurImage *proxy = augur_sample_get_proxy (sample);

      g_assert_cmpstr (augur_sample_get_name (sample), ==, expected[i]);
      g_assert_true (augur_sample_get_loaded (sample));
      g_assert_nonnull (proxy);
      g_assert_cmpint (proxy->width, ==, 96);
      g_assert_cmpint (proxy->height, ==, 64);
    }

  /* opening the same folder again adds nothing */
  open_sample_folder (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (samples), ==, G_N_ELEMENTS (expected));

  /* remove the current sample through the action */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.remove-sample", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (samples), ==, G_N_ELEMENTS (expected) - 1);
}

/* Dropping files on the window: images join the strip, a recipe opens. */
static void
test_drop_files (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *image_path = g_build_filename (fixture->dir, "b-second.png", NULL);
  g_autofree char *recipe_path = write_recipe (fixture->dir, "dropped.json",
                                               "{\"format\": \"augur-recipe\", \"version\": 1, "
                                               "\"pipeline\": {\"type\": \"Sequential\", \"steps\": "
                                               "[{\"type\": \"VerticalFlip\"}]}}");
  g_autoptr(GFile) image = g_file_new_for_path (image_path);
  g_autoptr(GFile) recipe = g_file_new_for_path (recipe_path);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->window));
  GtkDropTarget *target = NULL;
  GSList *files = NULL;
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  files = g_slist_append (files, g_object_ref (image));   /* the list owns its files */
  files = g_slist_append (files, g_object_ref (recipe));
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, files);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_assert_true (accepted);

  wait_for (all_loaded, fixture->window, "the dropped sample to load");
  g_assert_cmpuint (g_list_model_get_n_items (augur_window_get_samples (fixture->window)), ==, 1);
  g_assert_true (g_file_equal (augur_window_get_file (fixture->window), recipe));
  g_assert_cmpuint (augur_node_count_transforms (augur_window_get_recipe (fixture->window)->pipeline),
                    ==, 1);
}

static void
test_bad_image_reported (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "broken.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GFile *files[] = { file };
  const char *message;

  /* PNG magic, then garbage */
  g_assert_true (g_file_set_contents (path, "\x89PNG\r\n\x1a\n garbage", 16, NULL));
  augur_window_add_files (fixture->window, files, 1);
  wait_for (all_loaded, fixture->window, "the broken sample to fail");

  message = augur_window_get_last_message (fixture->window);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "broken.png"));
  /* the name, not the full path, which would push the reason out of view */
  g_assert_null (strstr (message, fixture->dir));
}

static void
test_bad_recipe_reported (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *path = write_recipe (fixture->dir, "bad.json",
                                        "{\"format\": \"augur-recipe\", \"version\": 1, "
                                        "\"pipeline\": {\"type\": \"Sequential\", \"steps\": "
                                        "[{\"type\": \"NoSuchTransform\"}]}}");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(AugurRecipe) before = augur_recipe_copy (augur_window_get_recipe (fixture->window));
  const char *message;

  g_assert_false (augur_window_open_recipe (fixture->window, file));

  /* the document is untouched, and the reason is in the window */
  g_assert_true (augur_recipe_equal (before, augur_window_get_recipe (fixture->window)));
  g_assert_null (augur_window_get_file (fixture->window));
  message = augur_window_get_last_message (fixture->window);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "bad.json"));
  g_assert_nonnull (strstr (message, "NoSuchTransform"));
}

/* A file Albumentations' A.save wrote opens as a new, unsaved recipe (Save
 * never writes a recipe over it), and what was left out is on a toast. */
static void
test_open_albumentations (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *path = write_recipe (fixture->dir, "pipeline.json",
                                        "{\"__version__\": \"2.0.8\", \"transform\": {\"__class_fullname__\": \"Compose\", "
                                        "\"p\": 1.0, \"seed\": 31, \"transforms\": [{\"__class_fullname__\": \"Rotate\", "
                                        "\"p\": 0.7, \"limit\": [-15.0, 15.0], \"border_mode\": 4, \"fill_mask\": 0.0}]}}");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  const AugurRecipe *recipe;
  const AugurNode *rotate;

  g_assert_true (augur_window_open_recipe (fixture->window, file));
  recipe = augur_window_get_recipe (fixture->window);
  g_assert_cmpuint (recipe->seed, ==, 31);
  g_assert_cmpuint (recipe->pipeline->children->len, ==, 1);
  rotate = recipe->pipeline->children->pdata[0];
  g_assert_cmpstr (rotate->info->name, ==, "Rotate");
  g_assert_cmpfloat (rotate->p, ==, 0.7);
  g_assert_cmpstr (rotate->info->params[2].nicks[rotate->params[2].nick], ==, "reflect_101");
  g_assert_null (augur_window_get_file (fixture->window));
  g_assert_nonnull (strstr (augur_window_get_last_message (fixture->window), "Imported from Albumentations"));
}

static const char two_step_recipe[] =
  "{\n"
  "  \"format\": \"augur-recipe\",\n"
  "  \"version\": 1,\n"
  "  \"seed\": 77,\n"
  "  \"pipeline\": {\n"
  "    \"type\": \"Sequential\",\n"
  "    \"steps\": [\n"
  "      { \"type\": \"HorizontalFlip\", \"p\": 0.5 },\n"
  "      { \"type\": \"RandomBrightnessContrast\", \"p\": 0.8,\n"
  "        \"params\": { \"brightness_limit\": [-0.1, 0.3] } }\n"
  "    ]\n"
  "  }\n"
  "}\n";

/* The text on @window's clipboard. */
static char *
clipboard_text (AugurWindow *window)
{
  GdkContentProvider *content = gdk_clipboard_get_content (gtk_widget_get_clipboard (GTK_WIDGET (window)));
  GValue value = G_VALUE_INIT;
  char *text;

  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  text = g_value_dup_string (&value);
  g_value_unset (&value);
  return text;
}

/* Copy as Python puts the A.Compose snippet of the recipe on the
 * clipboard, with only the arguments off their defaults. */
static void
test_copy_python (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = write_recipe (fixture->dir, "in.json", two_step_recipe);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *text = NULL;

  g_assert_true (augur_window_open_recipe (fixture->window, file));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.copy-python", NULL));
  text = clipboard_text (fixture->window);
  g_assert_true (g_str_has_prefix (text, "import albumentations as A\n"));
  g_assert_nonnull (strstr (text, "    A.HorizontalFlip(),\n"));
  g_assert_nonnull (strstr (text, "    A.RandomBrightnessContrast(brightness_limit=(-0.1, 0.3), p=0.8),\n"));
  g_assert_true (g_str_has_suffix (text, "], seed=77)\n"));
}

/* The toplevel (other than @window) that is transient for @window. */
static GtkWidget *
find_dialog_of (AugurWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (toplevel) == GTK_WINDOW (window))
        return GTK_WIDGET (toplevel);
    }
  return NULL;
}

/* Every descendant of @widget of @type, depth first. */
static void
collect_widgets (GtkWidget *widget,
                 GType      type,
                 GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, type, found);
}

/* "New from Preset" lists every bundled preset with its description, and
 * choosing one opens it as an untitled, unmodified recipe. */
static void
test_new_from_preset (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) presets = augur_presets_list (NULL, &error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(AugurRecipe) expected = NULL;
  GtkWidget *dialog, *chosen = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (presets->len, >=, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.new-from-preset", NULL));
  dialog = find_dialog_of (fixture->window);
  g_assert_nonnull (dialog);
  collect_widgets (dialog, ADW_TYPE_ACTION_ROW, rows);
  g_assert_cmpuint (rows->len, ==, presets->len);
  for (guint i = 0; i < presets->len; i++)
    {
      const AugurBundled *preset = presets->pdata[i];
      AdwActionRow *row = rows->pdata[i];

      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                       preset->name);
      g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, preset->description);
      if (g_str_equal (preset->name, "fundus"))
        chosen = GTK_WIDGET (row);
    }
  g_assert_nonnull (chosen);

  /* choosing a row opens that preset and closes the list */
  g_assert_true (gtk_widget_activate (chosen));
  expected = augur_preset_load (NULL, "fundus", &error);
  g_assert_no_error (error);
  g_assert_true (augur_recipe_equal (expected, augur_window_get_recipe (fixture->window)));
  g_assert_null (augur_window_get_file (fixture->window));
  g_assert_false (augur_window_get_modified (fixture->window));
  g_assert_true (g_str_has_prefix (window_title (fixture->window), "Untitled"));
  g_assert_null (find_dialog_of (fixture->window));

  /* an unknown name is an error on the window, and the document stays */
  g_assert_false (augur_window_open_preset (fixture->window, "no-such-preset"));
  g_assert_nonnull (strstr (augur_window_get_last_message (fixture->window), "no-such-preset"));
  g_assert_true (augur_recipe_equal (expected, augur_window_get_recipe (fixture->window)));
}

/* A folder's label format is told by what it holds. */
static void
test_label_folder_detected (Fixture       *fixture,
                            gconstpointer  data)
{
  static const struct { const char *file; const char *format; } cases[] = {
    { "classes.txt", "yolo" },
    { "a.xml", "voc" },
    { "a.png", "masks" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = g_build_filename (fixture->dir, cases[i].format, NULL);
      g_autofree char *path = g_build_filename (dir, cases[i].file, NULL);
      g_autoptr(GFile) folder = g_file_new_for_path (dir);
      g_autofree char *expected = g_strconcat (cases[i].format, ":", dir, NULL);
      g_autofree char *spec = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
      g_assert_true (g_file_set_contents (path, "", 0, NULL));
      spec = augur_window_dup_label_spec (folder, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (spec, ==, expected);
      g_assert_cmpint (g_unlink (path), ==, 0);
      g_assert_cmpint (g_rmdir (dir), ==, 0);
    }

  {
    g_autofree char *dir = g_build_filename (fixture->dir, "empty", NULL);
    g_autoptr(GFile) folder = g_file_new_for_path (dir);
    g_autoptr(GError) error = NULL;
    g_autofree char *spec = NULL;

    g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
    spec = augur_window_dup_label_spec (folder, &error);
    g_assert_null (spec);
    g_assert_nonnull (error);
    /* the message names the folder */
    g_assert_nonnull (strstr (error->message, "empty"));
    g_assert_cmpint (g_rmdir (dir), ==, 0);
  }
}

#ifdef AUGUR_HAVE_PREVIEW_PANE
/* The bundled COCO file, opened as the file chooser's response opens it,
 * reaches the preview pane; a broken file is an error that leaves it. */
static void
test_open_labels (Fixture       *fixture,
                  gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (augur_window_get_preview_pane (fixture->window));
  g_autofree char *path = g_build_filename (g_getenv ("AUGUR_DATADIR"), "samples",
                                            "labels.coco.json", NULL);
  g_autofree char *bad_path = write_recipe (fixture->dir, "bad.coco.json", "{ \"images\": 3 }");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
  AugurLabelSource *source;

  g_assert_null (augur_preview_pane_get_labels (pane));
  g_assert_true (augur_window_open_labels (fixture->window, file));
  source = augur_preview_pane_get_labels (pane);
  g_assert_nonnull (source);
  g_assert_cmpint (augur_label_source_format (source), ==, AUGUR_LABEL_FORMAT_COCO);
  g_assert_true (augur_label_source_has (source, "astronaut.png"));
  g_assert_false (augur_label_source_has (source, "not-in-the-file.png"));

  g_assert_false (augur_window_open_labels (fixture->window, bad));
  g_assert_nonnull (strstr (augur_window_get_last_message (fixture->window), "bad.coco.json"));
  g_assert_true (augur_preview_pane_get_labels (pane) == source);
  g_assert_cmpint (g_unlink (bad_path), ==, 0);
}

typedef struct
{
  gboolean      done;
  gboolean      ok;
  GError       *error;
} OpenResult;

static void
labels_opened_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  OpenResult *r = user_data;

  r->ok = augur_window_open_labels_finish (AUGUR_WINDOW (object), result, &r->error);
  r->done = TRUE;
}

static gboolean
open_done (gpointer data)
{
  return ((OpenResult *) data)->done;
}

/* What the window's Open Labels commands use: the file is read on a
 * worker, the labels (or the error) shown when it is done. */
static void
test_open_labels_async (Fixture       *fixture,
                        gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (augur_window_get_preview_pane (fixture->window));
  g_autofree char *path = g_build_filename (g_getenv ("AUGUR_DATADIR"), "samples",
                                            "labels.coco.json", NULL);
  g_autofree char *bad_path = write_recipe (fixture->dir, "broken.coco.json", "{ \"images\": 3 }");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
  OpenResult good_result = { FALSE }, bad_result = { FALSE };
  AugurLabelSource *source;

  augur_window_open_labels_async (fixture->window, file, NULL, labels_opened_cb, &good_result);
  /* nothing is shown before the worker is done */
  g_assert_null (augur_preview_pane_get_labels (pane));
  wait_for (open_done, &good_result, "the labels to be read");
  g_assert_true (good_result.ok);
  g_assert_no_error (good_result.error);
  source = augur_preview_pane_get_labels (pane);
  g_assert_nonnull (source);
  g_assert_true (augur_label_source_has (source, "astronaut.png"));

  augur_window_open_labels_async (fixture->window, bad, NULL, labels_opened_cb, &bad_result);
  wait_for (open_done, &bad_result, "the broken labels to be refused");
  g_assert_false (bad_result.ok);
  g_assert_nonnull (bad_result.error);
  g_clear_error (&bad_result.error);
  g_assert_nonnull (strstr (augur_window_get_last_message (fixture->window), "broken.coco.json"));
  g_assert_true (augur_preview_pane_get_labels (pane) == source);
  g_assert_cmpint (g_unlink (bad_path), ==, 0);
}
#endif

/* The newest message dialog of @parent whose heading ends with @suffix. */
static AdwMessageDialog *
find_dialog_ending (GtkWindow  *parent,
                    const char *suffix)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwMessageDialog *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_window_get_transient_for (window) == parent &&
          g_str_has_suffix (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), suffix))
        found = ADW_MESSAGE_DIALOG (window);
    }
  return found;
}

typedef struct
{
  AugurWindow *window;
  const char  *suffix;
} DialogWait;

static gboolean
dialog_shown (gpointer data)
{
  DialogWait *wait = data;

  return find_dialog_ending (GTK_WINDOW (wait->window), wait->suffix) != NULL;
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

/* The leakage check compares the samples' folder with another: nothing
 * when it holds an unrelated photo, the pair side by side once a copy of
 * a sample is planted there. */
static void
test_check_leaks (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *other = g_dir_make_tmp ("augur-test-other-XXXXXX", NULL);
  g_autofree char *photo = g_build_filename (g_getenv ("AUGUR_DATADIR"), "samples",
                                             "astronaut.png", NULL);
  g_autofree char *photo_copy = g_build_filename (other, "astronaut.png", NULL);
  g_autofree char *sample = g_build_filename (fixture->dir, "a-first.png", NULL);
  g_autofree char *planted = g_build_filename (other, "planted.png", NULL);
  g_autoptr(GFile) first = g_file_new_for_path (fixture->dir);
  g_autoptr(GFile) second = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  DialogWait none = { fixture->window, "No Near-Duplicates" };
  DialogWait some = { fixture->window, "Near-Duplicate Pair" };
  gboolean saw_sample = FALSE, saw_planted = FALSE, saw_identical = FALSE;
  AdwMessageDialog *dialog;

  /* (the check refuses folders inside one another) */
  g_assert_nonnull (other);
  second = g_file_new_for_path (other);
  copy_file (photo, photo_copy);

  augur_window_check_leaks (fixture->window, first, second);
  wait_for (dialog_shown, &none, "the leakage check to find nothing");
  gtk_window_destroy (GTK_WINDOW (find_dialog_ending (GTK_WINDOW (fixture->window),
                                                      none.suffix)));

  copy_file (sample, planted);
  augur_window_check_leaks (fixture->window, first, second);
  wait_for (dialog_shown, &some, "the leakage check to find the planted copy");
  dialog = find_dialog_ending (GTK_WINDOW (fixture->window), some.suffix);
  collect_widgets (GTK_WIDGET (dialog), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      const char *text = gtk_label_get_text (labels->pdata[i]);

      saw_sample |= g_str_equal (text, sample);
      saw_planted |= g_str_equal (text, planted);
      saw_identical |= g_str_equal (text, "identical files");
      g_assert_null (strstr (text, "astronaut"));
    }
  g_assert_true (saw_sample);
  g_assert_true (saw_planted);
  g_assert_true (saw_identical);
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_cmpint (g_unlink (planted), ==, 0);
  g_assert_cmpint (g_unlink (photo_copy), ==, 0);
  g_assert_cmpint (g_rmdir (other), ==, 0);
}

static void
test_save_and_reopen (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *in_path = write_recipe (fixture->dir, "in.json", two_step_recipe);
  g_autofree char *out_path = g_build_filename (fixture->dir, "out.json", NULL);
  g_autoptr(GFile) in = g_file_new_for_path (in_path);
  g_autoptr(GFile) out = g_file_new_for_path (out_path);
  g_autoptr(AugurRecipe) expected = augur_recipe_load (in_path, NULL);
  g_autoptr(AugurRecipe) saved = NULL;
  g_autoptr(GError) error = NULL;
  AugurWindow *second;

  g_assert_nonnull (expected);
  g_assert_true (augur_window_open_recipe (fixture->window, in));
  g_assert_true (augur_recipe_equal (expected, augur_window_get_recipe (fixture->window)));
  g_assert_false (augur_window_get_modified (fixture->window));
  g_assert_true (g_str_has_prefix (window_title (fixture->window), "in.json"));

  g_assert_true (augur_window_save_to_file (fixture->window, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_equal (augur_window_get_file (fixture->window), out));
  g_assert_true (g_str_has_prefix (window_title (fixture->window), "out.json"));

  saved = augur_recipe_load (out_path, &error);
  g_assert_no_error (error);
  g_assert_true (augur_recipe_equal (expected, saved));

  /* reopen in a fresh window */
  second = g_object_ref (augur_window_new (NULL));
  g_assert_true (augur_window_open_recipe (second, out));
  g_assert_true (augur_recipe_equal (expected, augur_window_get_recipe (second)));
  g_assert_false (augur_window_get_modified (second));
#ifdef AUGUR_HAVE_PIPELINE_EDITOR
  g_assert_true (augur_node_equal (expected->pipeline,
                                   augur_pipeline_editor_get_pipeline (
                                     AUGUR_PIPELINE_EDITOR (augur_window_get_editor (second)))));
#endif
  destroy_and_check_finalized (second);
}

static void
test_restore_autosave (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *autosave = augur_window_dup_autosave_path ();
  g_autofree char *state_dir = g_path_get_dirname (autosave);
  g_autoptr(AugurRecipe) expected = augur_recipe_parse (two_step_recipe, -1, NULL);
  AdwMessageDialog *dialog;

  /* as a crash would leave it */
  g_assert_cmpint (g_mkdir_with_parents (state_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (autosave, two_step_recipe, -1, NULL));

  augur_window_check_autosave (fixture->window);
  dialog = find_dialog (GTK_WINDOW (fixture->window), "Restore Unsaved Recipe?");
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "restore");
  iterate_briefly (50);

  g_assert_true (augur_recipe_equal (expected, augur_window_get_recipe (fixture->window)));
  g_assert_true (augur_window_get_modified (fixture->window));
  g_assert_true (g_str_has_prefix (window_title (fixture->window), "• "));
  /* restoring is itself undoable */
  g_assert_cmpuint (augur_window_get_n_undo (fixture->window), ==, 1);

  /* discarding on close removes the file, and the window goes */
  gtk_window_close (GTK_WINDOW (fixture->window));
  dialog = find_dialog (GTK_WINDOW (fixture->window), "Save Changes?");
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "discard");
  iterate_briefly (50);
  g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));
  g_assert_false (is_open (fixture->window));
}

static void
test_autosave_matching_is_dropped (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autofree char *autosave = augur_window_dup_autosave_path ();
  g_autofree char *state_dir = g_path_get_dirname (autosave);
  g_autofree char *in_path = write_recipe (fixture->dir, "in.json", two_step_recipe);
  g_autoptr(GFile) in = g_file_new_for_path (in_path);

  /* an autosave equal to the open recipe is not offered */
  g_assert_true (augur_window_open_recipe (fixture->window, in));
  g_assert_cmpint (g_mkdir_with_parents (state_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (autosave, two_step_recipe, -1, NULL));
  augur_window_check_autosave (fixture->window);
  g_assert_null (find_dialog (GTK_WINDOW (fixture->window), "Restore Unsaved Recipe?"));
  g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));
}

/* ------------------------------------------------------------------------ */
/* Files, errors and what the next start remembers */

/* Saving and opening put the recipe first in "Open Recent" (no duplicate),
 * and the next session reopens it with the last sample folder. */
static void
test_recent_and_session (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *in_path = write_recipe (fixture->dir, "in.json", two_step_recipe);
  g_autofree char *out_path = g_build_filename (fixture->dir, "out.json", NULL);
  g_autoptr(GFile) in = g_file_new_for_path (in_path);
  g_autoptr(GFile) out = g_file_new_for_path (out_path);
  g_autoptr(GFile) dir = g_file_new_for_path (fixture->dir);
  g_autofree char *in_uri = g_file_get_uri (in);
  g_autofree char *out_uri = g_file_get_uri (out);
  g_autofree char *dir_uri = g_file_get_uri (dir);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) recent = NULL;
  g_autofree char *last = NULL;
  g_autofree char *folder = NULL;
  gboolean had_recipe = FALSE, had_samples = FALSE;
  AugurWindow *next;

  g_settings_reset (settings, "recent-recipes");
  g_assert_true (augur_window_open_recipe (fixture->window, in));
  g_assert_true (augur_window_save_to_file (fixture->window, out, &error));
  g_assert_no_error (error);
  g_assert_true (augur_window_open_recipe (fixture->window, in));
  recent = g_settings_get_strv (settings, "recent-recipes");
  g_assert_cmpuint (g_strv_length (recent), ==, 2);
  g_assert_cmpstr (recent[0], ==, in_uri);
  g_assert_cmpstr (recent[1], ==, out_uri);
  last = g_settings_get_string (settings, "last-recipe");
  g_assert_cmpstr (last, ==, in_uri);
  /* the recent list is a menu action */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.open-recent",
                                             "s", out_uri));
  g_assert_true (g_file_equal (augur_window_get_file (fixture->window), out));

  open_sample_folder (fixture);
  folder = g_settings_get_string (settings, "samples-folder");
  g_assert_cmpstr (folder, ==, dir_uri);

  /* the next start */
  next = g_object_ref (augur_window_new (NULL));
  augur_window_restore_session (next, &had_recipe, &had_samples);
  g_assert_true (had_recipe);
  g_assert_true (had_samples);
  g_assert_true (g_file_equal (augur_window_get_file (next), out));
  wait_for (all_loaded, next, "the last session's samples");
  g_assert_cmpuint (g_list_model_get_n_items (augur_window_get_samples (next)), ==, 3);
  destroy_and_check_finalized (next);

  /* a recipe deleted since is dropped from the list, without a complaint */
  g_assert_cmpint (g_unlink (out_path), ==, 0);
  next = g_object_ref (augur_window_new (NULL));
  augur_window_restore_session (next, &had_recipe, NULL);
  g_assert_false (had_recipe);
  g_assert_null (augur_window_get_last_message (next));
  g_strfreev (recent);
  recent = g_settings_get_strv (settings, "recent-recipes");
  g_assert_false (g_strv_contains ((const char *const *) recent, out_uri));
  destroy_and_check_finalized (next);

  g_settings_reset (settings, "recent-recipes");
  g_settings_reset (settings, "last-recipe");
  g_settings_reset (settings, "samples-folder");
}

/* A folder over the limit is sampled across its whole length, the same way
 * every time, and the message says how many were skipped. */
static void
test_large_folder_sampled (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *big = g_build_filename (fixture->dir, "big", NULL);
  g_autoptr(GFile) big_dir = g_file_new_for_path (big);
  GFile *files[] = { big_dir };
  GListModel *samples = augur_window_get_samples (fixture->window);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *message;
  gboolean late = FALSE, early = FALSE;

  g_assert_cmpint (g_mkdir (big, 0700), ==, 0);
  for (int i = 0; i < 12; i++)
    {
      g_autoptr(AugurImage) image = make_image (16, 16, 10 * i);
      g_autofree char *name = g_strdup_printf ("img-%02d.png", i);
      g_autofree char *path = g_build_filename (big, name, NULL);

      g_assert_true (augur_image_save (image, path, AUGUR_IMAGE_FORMAT_PNG, 0, NULL));
    }

  augur_window_set_max_folder_images (fixture->window, 4);
  augur_window_add_files (fixture->window, files, 1);
  wait_for (all_loaded, fixture->window, "the sampled folder");

  g_assert_cmpuint (g_list_model_get_n_items (samples), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(AugurSample) sample = g_list_model_get_item (samples, i);
      const char *name = augur_sample_get_name (sample);
      int index = atoi (name + strlen ("img-"));

      /* one from each third of the twelve, in order */
      g_assert_cmpint (index, >=, (int) i * 3);
      g_assert_cmpint (index, <, (int) (i + 1) * 3);
      early |= index < 3;
      late |= index >= 9;
      g_ptr_array_add (names, g_strdup (name));
    }
  g_assert_true (early && late);
  message = augur_window_get_last_message (fixture->window);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "12 images"));
  g_assert_nonnull (strstr (message, "8 skipped"));

  /* the same folder, the same choice */
  {
    AugurWindow *again = g_object_ref (augur_window_new (NULL));
    GListModel *again_samples = augur_window_get_samples (again);

    augur_window_set_max_folder_images (again, 4);
    augur_window_add_files (again, files, 1);
    wait_for (all_loaded, again, "the sampled folder, again");
    for (guint i = 0; i < 4; i++)
      {
        g_autoptr(AugurSample) sample = g_list_model_get_item (again_samples, i);

        g_assert_cmpstr (augur_sample_get_name (sample), ==, names->pdata[i]);
      }
    destroy_and_check_finalized (again);
  }
  remove_tree (big);   /* (the fixture removes only its own folder's files) */
}

/* After adding a folder whose first image is broken, the first readable
 * one is selected; the broken one is reported in plain words, with the
 * decoder's text behind "Details". */
static void
test_broken_first_skipped (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "0-broken.png", NULL);
  GtkWidget *strip = augur_window_get_sample_strip (fixture->window);
  AugurSample *selected;
  const char *message;

  /* PNG magic, then garbage: sorted first */
  g_assert_true (g_file_set_contents (path, "\x89PNG\r\n\x1a\n garbage", 16, NULL));
  open_sample_folder (fixture);
  iterate_briefly (50);

  selected = augur_sample_strip_get_selected (AUGUR_SAMPLE_STRIP (strip));
  g_assert_nonnull (selected);
  g_assert_cmpstr (augur_sample_get_name (selected), ==, "a-first.png");
  g_assert_null (augur_sample_get_error (selected));

  message = augur_window_get_last_message (fixture->window);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "0-broken.png"));
  g_assert_nonnull (strstr (message, "damaged"));
  g_assert_nonnull (augur_window_get_last_details (fixture->window));
  g_test_message ("%s / details: %s", message, augur_window_get_last_details (fixture->window));
}

/* The editor's width is remembered, within what the window leaves room
 * for: a narrow session does not leave a wide screen with a cramped one. */
static void
test_editor_width (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  AugurWindow *window;
  int saved;

  /* the rule */
  g_assert_cmpint (augur_window_editor_width_for (-1, 2200), ==, 430);
  g_assert_cmpint (augur_window_editor_width_for (360, 2200), ==, 430);
  g_assert_cmpint (augur_window_editor_width_for (700, 2200), ==, 700);
  g_assert_cmpint (augur_window_editor_width_for (1500, 2200), ==, 1100);
  g_assert_cmpint (augur_window_editor_width_for (-1, 820), ==, 260);

  /* the window: what it leaves at closing is what the next one gets */
  g_settings_set_int (settings, "window-width", 1600);
  g_settings_set_int (settings, "window-height", 900);
  g_settings_set_int (settings, "editor-width", 520);
  window = g_object_ref (augur_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  iterate_briefly (300);
  g_assert_cmpint (abs (gtk_widget_get_width (augur_window_get_editor (window)) - 520), <=, 8);
  gtk_window_close (GTK_WINDOW (window));
  saved = g_settings_get_int (settings, "editor-width");
  g_assert_cmpint (abs (saved - 520), <=, 8);
  destroy_and_check_finalized (window);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "editor-width");
}

static void
test_window_size_restored (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  AugurWindow *window;
  int width = 0, height = 0;

  g_settings_set_int (settings, "window-width", 1000);
  g_settings_set_int (settings, "window-height", 700);

  window = g_object_ref (augur_window_new (NULL));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 700);

  /* the size at closing is what the next window gets */
  gtk_window_present (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 1111, 777);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1111);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 777);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  destroy_and_check_finalized (window);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

/* Finds the first descendant of @widget of @type. */
static GtkWidget *
find_child (GtkWidget *widget,
            GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_child (child, type)) != NULL)
        return found;
    }
  return NULL;
}

/* The draws take the columns that make them largest in the space they
 * have, wide and short or tall and narrow. */
static void
test_cell_grid_fit (void)
{
  guint cols = 0;
  int cell = 0;

  augur_cell_grid_best_fit (9, 405, 520, 6, 1.0, &cols, &cell);
  g_assert_cmpuint (cols, ==, 3);
  g_assert_cmpint (cell, ==, 131);
  /* wide and short: more columns, fewer rows */
  augur_cell_grid_best_fit (9, 1200, 300, 6, 1.0, &cols, &cell);
  g_assert_cmpuint (cols, ==, 5);
  g_assert_cmpint (cell, ==, 147);
  /* tall and narrow: one column */
  augur_cell_grid_best_fit (4, 200, 1000, 6, 1.0, &cols, &cell);
  g_assert_cmpuint (cols, ==, 1);
  g_assert_cmpint (cell, ==, 200);
  /* wide images fit more to a column */
  augur_cell_grid_best_fit (4, 400, 400, 0, 2.0, &cols, &cell);
  g_assert_cmpuint (cols, ==, 1);
  g_assert_cmpint (cell, ==, 200);
}

/* Many cells (one draw of each of many samples) keep a readable size and
 * scroll, rather than shrinking to specks. */
static void
test_cell_grid_many (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *grid = augur_cell_grid_new ();

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("sample-%02u.png", i);

      augur_cell_grid_append (AUGUR_CELL_GRID (grid), gtk_label_new (name));
    }
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), grid);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 400);
  gtk_window_present (GTK_WINDOW (window));
  iterate_briefly (300);

  g_test_message ("%u columns of %d px, %d px tall in a %d px view",
                  augur_cell_grid_get_columns (AUGUR_CELL_GRID (grid)),
                  augur_cell_grid_get_cell_width (AUGUR_CELL_GRID (grid)),
                  gtk_widget_get_height (grid), gtk_widget_get_height (scroller));
  g_assert_cmpint (augur_cell_grid_get_cell_width (AUGUR_CELL_GRID (grid)), >=, 128);
  g_assert_cmpint (gtk_widget_get_height (grid), >, gtk_widget_get_height (scroller));
  gtk_window_destroy (GTK_WINDOW (window));
}

#ifdef AUGUR_HAVE_PREVIEW_PANE
/* In the window, the grid of draws fills its space in one direction at
 * least, at the sizes the documentation shows. */
static void
test_grid_fills (Fixture       *fixture,
                 gconstpointer  data)
{
  static const int sizes[][2] = { { 1024, 700 }, { 1280, 720 }, { 1600, 1000 } };
  GtkWidget *window = GTK_WIDGET (fixture->window);

  open_sample_folder (fixture);
  augur_pipeline_editor_add_step (AUGUR_PIPELINE_EDITOR (augur_window_get_editor (fixture->window)),
                                  "HorizontalFlip");
  iterate_briefly (1000);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      GtkWidget *grid;
      int gw, gh, cell, block_w, block_h;
      guint cols, rows, n = 0;

      gtk_widget_set_visible (window, FALSE);
      gtk_window_set_default_size (GTK_WINDOW (window), sizes[i][0], sizes[i][1]);
      gtk_window_present (GTK_WINDOW (window));
      iterate_briefly (400);
      grid = find_child (augur_window_get_preview_pane (fixture->window), AUGUR_TYPE_CELL_GRID);
      g_assert_nonnull (grid);
      for (GtkWidget *c = gtk_widget_get_first_child (grid); c; c = gtk_widget_get_next_sibling (c))
        n++;
      g_assert_cmpuint (n, >, 0);
      gw = gtk_widget_get_width (grid);
      gh = gtk_widget_get_height (grid);
      cols = augur_cell_grid_get_columns (AUGUR_CELL_GRID (grid));
      cell = augur_cell_grid_get_cell_width (AUGUR_CELL_GRID (grid));
      rows = (n + cols - 1) / cols;
      block_w = (int) cols * cell + (int) (cols - 1) * 6;
      /* (the cells are as tall as the samples' aspect makes them) */
      block_h = (int) rows * gtk_widget_get_height (gtk_widget_get_first_child (grid)) +
                (int) (rows - 1) * 6;
      g_test_message ("%dx%d: %u draws in %u columns of %d px, %dx%d of %dx%d",
                      sizes[i][0], sizes[i][1], n, cols, cell, block_w, block_h, gw, gh);
      g_assert_true (gw - block_w <= (int) cols + 1 || gh - block_h <= (int) rows + 1);
      g_assert_cmpint (block_w, <=, gw);
      g_assert_cmpint (block_h, <=, gh);
    }
}
#endif

/* The first preferences row under @widget whose title has @text. */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_PREFERENCES_ROW (child) &&
          strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), text) != NULL)
        return child;
      if ((found = find_row (child, text)) != NULL)
        return found;
    }
  return NULL;
}

/* The preferences window writes GSettings, which the window follows. */
static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *prefs = g_object_ref (augur_preferences_window_new (settings));
  AdwComboRow *grid_row;

  gtk_window_present (GTK_WINDOW (prefs));
  grid_row = ADW_COMBO_ROW (find_child (prefs, ADW_TYPE_COMBO_ROW));
  g_assert_nonnull (grid_row);

  /* the row shows the setting, and choosing a row sets it */
  g_settings_set_uint (settings, "grid-size", 4);
  g_assert_cmpuint (adw_combo_row_get_selected (grid_row), ==, 1);
  adw_combo_row_set_selected (grid_row, 3);
  g_assert_cmpuint (g_settings_get_uint (settings, "grid-size"), ==, 16);
  adw_combo_row_set_selected (grid_row, 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "grid-size"), ==, 1);

  /* 0 worker threads reads as what it means */
  {
    GtkSpinButton *threads = GTK_SPIN_BUTTON (find_child (find_row (prefs, "Threads"),
                                                          GTK_TYPE_SPIN_BUTTON));

    g_assert_nonnull (threads);
    g_settings_set_uint (settings, "worker-threads", 0);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (threads)), ==, "Auto");
    g_settings_set_uint (settings, "worker-threads", 3);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (threads)), ==, "3");
    g_settings_reset (settings, "worker-threads");
  }

  gtk_window_destroy (GTK_WINDOW (prefs));
  g_assert_finalize_object (prefs);
  g_settings_reset (settings, "grid-size");
}


/* The Keyboard Shortcuts window lists the keys the widgets bind (the
 * editor's, the preview's and the draw view's), as GTK parses them. */
static void
test_shortcuts_listed (void)
{
  static const char *const expected[] = {
    "Delete", "<Control>d", "<Alt>Up", "<Alt>Down", "<Control>g", "<Shift><Control>g",
    "r", "Escape", "<Control>0", "<Control>1", "<Control>plus", "<Control>minus",
    "<Control>BackSpace", "F9", "<Control>l",
  };
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/augur/Augur/gtk/help-overlay.ui");
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);
  GObject *window = gtk_builder_get_object (builder, "help_overlay");

  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *accelerator = NULL;
      g_auto(GStrv) parts = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "accelerator", &accelerator, NULL);
      if (accelerator == NULL)
        continue;
      parts = g_strsplit (accelerator, " ", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          guint key;
          GdkModifierType mods;

          g_assert_true (gtk_accelerator_parse (parts[i], &key, &mods));
          g_ptr_array_add (listed, gtk_accelerator_name (key, mods));
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      guint key;
      GdkModifierType mods;
      g_autofree char *name = NULL;

      g_assert_true (gtk_accelerator_parse (expected[i], &key, &mods));
      name = gtk_accelerator_name (key, mods);
      if (!g_ptr_array_find_with_equal_func (listed, name, g_str_equal, NULL))
        g_error ("%s is not listed in the Keyboard Shortcuts window", name);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_version (void)
{
  g_autofree char *augur = g_build_filename (g_getenv ("AUGUR_BUILD_DIR"), "app", "augur", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { augur, "--version", NULL };
  int status;

  if (!g_file_test (augur, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("augur is not built");
      return;
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "augur " PACKAGE_VERSION "\n");
}

/* ------------------------------------------------------------------------ */
/* Tests through the editor and the preview */

#if defined (AUGUR_HAVE_PIPELINE_EDITOR)

static AugurPipelineEditor *
get_editor (Fixture *fixture)
{
  return AUGUR_PIPELINE_EDITOR (augur_window_get_editor (fixture->window));
}

static void
set_param (Fixture    *fixture,
           const char *path,
           const char *param,
           const char *json)
{
  g_autoptr(JsonNode) value = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (value);
  augur_pipeline_editor_set_param (get_editor (fixture), path, param, value, &error);
  g_assert_no_error (error);
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static void
test_undo_redo (Fixture       *fixture,
                gconstpointer  data)
{
  AugurPipelineEditor *editor = get_editor (fixture);
  GtkWidget *window = GTK_WIDGET (fixture->window);
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_recipe_free);
  g_autofree char *autosave = augur_window_dup_autosave_path ();
  g_autoptr(AugurRecipe) autosaved = NULL;

#define SNAPSHOT() g_ptr_array_add (states, augur_recipe_copy (augur_window_get_recipe (fixture->window)))

  SNAPSHOT ();
  g_assert_false (augur_window_get_modified (fixture->window));

  augur_pipeline_editor_add_step (editor, "RandomBrightnessContrast");
  SNAPSHOT ();
  augur_pipeline_editor_add_step (editor, "HorizontalFlip");
  SNAPSHOT ();
  set_param (fixture, "0", "brightness_limit", "[0.25, 0.4]");
  SNAPSHOT ();
  augur_pipeline_editor_set_enabled (editor, "1", FALSE);
  SNAPSHOT ();

  /* every edit changed the recipe and is one undo step */
  for (guint i = 1; i < states->len; i++)
    g_assert_false (augur_recipe_equal (g_ptr_array_index (states, i - 1),
                                        g_ptr_array_index (states, i)));
  g_assert_cmpuint (augur_window_get_n_undo (fixture->window), ==, states->len - 1);
  g_assert_true (augur_window_get_modified (fixture->window));
  g_assert_true (g_str_has_prefix (window_title (fixture->window), "• "));

  /* the edit is autosaved after a short delay */
  wait_for (file_exists, autosave, "the autosave");
  autosaved = augur_recipe_load (autosave, NULL);
  g_assert_nonnull (autosaved);
  g_assert_true (augur_recipe_equal (autosaved, augur_window_get_recipe (fixture->window)));

  /* undo all the way back, checking every state, in the editor too */
  for (int i = (int) states->len - 2; i >= 0; i--)
    {
      const AugurRecipe *expected = g_ptr_array_index (states, i);

      g_assert_true (gtk_widget_activate_action (window, "win.undo", NULL));
      g_assert_true (augur_recipe_equal (expected, augur_window_get_recipe (fixture->window)));
      g_assert_true (augur_node_equal (expected->pipeline,
                                       augur_pipeline_editor_get_pipeline (editor)));
    }
  /* back at the saved state: no unsaved mark */
  g_assert_false (augur_window_get_modified (fixture->window));
  g_assert_false (g_str_has_prefix (window_title (fixture->window), "• "));

  /* and redo all the way forward */
  for (guint i = 1; i < states->len; i++)
    {
      const AugurRecipe *expected = g_ptr_array_index (states, i);

      g_assert_true (gtk_widget_activate_action (window, "win.redo", NULL));
      g_assert_true (augur_recipe_equal (expected, augur_window_get_recipe (fixture->window)));
      g_assert_true (augur_node_equal (expected->pipeline,
                                       augur_pipeline_editor_get_pipeline (editor)));
    }

  /* a new edit after an undo drops the redo history */
  gtk_widget_activate_action (window, "win.undo", NULL);
  set_param (fixture, "0", "contrast_limit", "[0.0, 0.1]");
  g_assert_cmpuint (augur_window_get_n_undo (fixture->window), ==, states->len - 1);
  g_assert_false (augur_recipe_equal (g_ptr_array_index (states, states->len - 1),
                                      augur_window_get_recipe (fixture->window)));

#undef SNAPSHOT

  /* leave it clean for the teardown */
  {
    g_autofree char *path = g_build_filename (fixture->dir, "undo.json", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);

    g_assert_true (augur_window_save_to_file (fixture->window, file, NULL));
    g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));
    g_assert_cmpint (g_unlink (path), ==, 0);
  }
}

/* A second window closing cleanly leaves the first one's autosave alone. */
static void
test_autosave_other_window (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *autosave = augur_window_dup_autosave_path ();
  AugurWindow *other;

  augur_pipeline_editor_add_step (get_editor (fixture), "VerticalFlip");
  wait_for (file_exists, autosave, "the autosave");

  other = g_object_ref (augur_window_new (NULL));
  gtk_window_present (GTK_WINDOW (other));
  gtk_window_close (GTK_WINDOW (other));
  destroy_and_check_finalized (other);
  g_assert_true (g_file_test (autosave, G_FILE_TEST_IS_REGULAR));

  /* a window opened beside it does not offer it as a crash's leftover */
  other = g_object_ref (augur_window_new (NULL));
  gtk_window_present (GTK_WINDOW (other));
  augur_window_check_autosave (other);
  g_assert_null (find_dialog (GTK_WINDOW (other), "Restore Unsaved Recipe?"));
  gtk_window_close (GTK_WINDOW (other));
  destroy_and_check_finalized (other);

  /* the owner discarding its changes removes it */
  gtk_window_close (GTK_WINDOW (fixture->window));
  adw_message_dialog_response (find_dialog (GTK_WINDOW (fixture->window), "Save Changes?"),
                               "discard");
  iterate_briefly (50);
  g_assert_false (is_open (fixture->window));
  g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));
}

static void
test_mergeable_edits_coalesce (Fixture       *fixture,
                               gconstpointer  data)
{
  AugurPipelineEditor *editor = get_editor (fixture);
  g_autoptr(AugurRecipe) before = NULL;

  augur_pipeline_editor_add_step (editor, "RandomBrightnessContrast");
  before = augur_recipe_copy (augur_window_get_recipe (fixture->window));
  g_assert_cmpuint (augur_window_get_n_undo (fixture->window), ==, 1);

  /* a slider drag: several mergeable edits of one control */
  for (int i = 1; i <= 5; i++)
    {
      AugurNode *pipeline = augur_node_copy (augur_pipeline_editor_get_pipeline (editor));
      AugurNode *step = g_ptr_array_index (pipeline->children, 0);

      step->p = 0.5 + 0.1 * i;
      augur_pipeline_editor_set_pipeline (editor, pipeline);
      augur_node_free (pipeline);
      g_signal_emit_by_name (editor, "changed", "Change probability", TRUE);
    }
  g_assert_cmpuint (augur_window_get_n_undo (fixture->window), ==, 2);
  g_assert_cmpfloat_with_epsilon (((AugurNode *) g_ptr_array_index (
                                     augur_window_get_recipe (fixture->window)->pipeline->children,
                                     0))->p, 1.0, 1e-9);

  /* one undo takes the whole drag back */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  g_assert_true (augur_recipe_equal (before, augur_window_get_recipe (fixture->window)));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
  g_assert_false (augur_window_get_modified (fixture->window));
}

static void
test_close_confirmation (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "closing.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(AugurRecipe) saved = NULL;
  AdwMessageDialog *dialog;

  g_assert_true (augur_window_save_to_file (fixture->window, file, NULL));
  augur_pipeline_editor_add_step (get_editor (fixture), "HorizontalFlip");
  g_assert_true (augur_window_get_modified (fixture->window));

  /* cancel keeps the window and the changes */
  gtk_window_close (GTK_WINDOW (fixture->window));
  dialog = find_dialog (GTK_WINDOW (fixture->window), "Save Changes?");
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "cancel");
  iterate_briefly (50);
  g_assert_true (is_open (fixture->window));
  g_assert_true (augur_window_get_modified (fixture->window));

  /* save writes the file, then closes */
  gtk_window_close (GTK_WINDOW (fixture->window));
  dialog = find_dialog (GTK_WINDOW (fixture->window), "Save Changes?");
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "save");
  iterate_briefly (50);
  g_assert_false (is_open (fixture->window));
  saved = augur_recipe_load (path, NULL);
  g_assert_nonnull (saved);
  g_assert_true (augur_recipe_equal (saved, augur_window_get_recipe (fixture->window)));
  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
test_export_command (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "export.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *quoted_recipe = g_shell_quote (path);
  g_autofree char *quoted_input = g_shell_quote (fixture->dir);
  g_autofree char *line = NULL;

  open_sample_folder (fixture);
  g_assert_true (augur_window_save_to_file (fixture->window, file, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.export-command", NULL));

  line = clipboard_text (fixture->window);

  /* the headless line for this recipe over the samples' folder */
  g_assert_true (g_str_has_prefix (line, "augur-cli apply "));
  g_assert_nonnull (strstr (line, quoted_recipe));
  g_assert_nonnull (strstr (line, quoted_input));
  g_assert_nonnull (strstr (line, " -o "));
  g_assert_cmpint (g_unlink (path), ==, 0);
}

/* A recipe whose estimated cost on the current sample is over the budget
 * for one input says so above the views; a cheap one does not. */
static void
test_cost_warning (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char huge_blur[] =
    "{ \"format\": \"augur-recipe\", \"version\": 1, \"pipeline\": {"
    "  \"type\": \"Sequential\", \"steps\": ["
    "    { \"type\": \"Resize\", \"params\": { \"height\": 8192, \"width\": 8192 } },"
    "    { \"type\": \"GaussianBlur\", \"params\": { \"sigma_limit\": [50, 50] } } ] } }";
  g_autofree char *huge_path = write_recipe (fixture->dir, "huge.json", huge_blur);
  g_autofree char *cheap_path = write_recipe (fixture->dir, "cheap.json", two_step_recipe);
  g_autoptr(GFile) huge = g_file_new_for_path (huge_path);
  g_autoptr(GFile) cheap = g_file_new_for_path (cheap_path);
  const char *warning;

  open_sample_folder (fixture);
  g_assert_null (augur_window_get_cost_warning (fixture->window));

  g_assert_true (augur_window_open_recipe (fixture->window, huge));
  warning = augur_window_get_cost_warning (fixture->window);
  g_assert_nonnull (warning);
  /* it names the sample, its size and what is over */
  g_assert_nonnull (strstr (warning, "96×64"));
  g_assert_nonnull (strstr (warning, "operations"));

  g_assert_true (augur_window_open_recipe (fixture->window, cheap));
  g_assert_null (augur_window_get_cost_warning (fixture->window));
  g_assert_cmpint (g_unlink (huge_path), ==, 0);
  g_assert_cmpint (g_unlink (cheap_path), ==, 0);
}

#endif /* AUGUR_HAVE_PIPELINE_EDITOR */

#ifdef AUGUR_HAVE_PREVIEW_PANE

/* The preferences and the pane's own draws menu stay in step. */
static void
test_grid_size_setting (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *pane = augur_window_get_preview_pane (fixture->window);

  g_settings_set_uint (settings, "grid-size", 4);
  g_assert_cmpuint (augur_preview_pane_get_n_draws (AUGUR_PREVIEW_PANE (pane)), ==, 4);

  g_assert_true (gtk_widget_activate_action (pane, "preview.grid-size", "u", 16));
  g_assert_cmpuint (g_settings_get_uint (settings, "grid-size"), ==, 16);
  g_assert_cmpuint (augur_preview_pane_get_n_draws (AUGUR_PREVIEW_PANE (pane)), ==, 16);

  g_settings_reset (settings, "grid-size");
}

#endif

#if defined (AUGUR_HAVE_PIPELINE_EDITOR) && defined (AUGUR_HAVE_PREVIEW_PANE)

typedef struct
{
  guint count;
  guint seen;
} RenderWait;

static void
on_rendered (GtkWidget  *pane,
             RenderWait *wait)
{
  wait->count++;
}

static gboolean
rendered_again (gpointer data)
{
  RenderWait *wait = data;

  return wait->count > wait->seen;
}

static void
wait_rendered (RenderWait *wait)
{
  wait_for (rendered_again, wait, "the preview to be redrawn");
  wait->seen = wait->count;
  /* let any further render of the same request settle */
  iterate_briefly (20);
  wait->seen = wait->count;
}

static GPtrArray *
collect_draws (AugurPreviewPane *pane)
{
  GPtrArray *draws = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_image_unref);
  guint n = augur_preview_pane_get_n_draws (pane);

  for (guint i = 0; i < n; i++)
    {
      AugurImage *draw = augur_preview_pane_get_draw (pane, i);

      g_assert_nonnull (draw);
      g_ptr_array_add (draws, augur_image_ref (draw));
    }
  return draws;
}

static void
test_edit_redraws (Fixture       *fixture,
                   gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (augur_window_get_preview_pane (fixture->window));
  AugurPipelineEditor *editor = get_editor (fixture);
  RenderWait wait = { 0, 0 };
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) disabled = NULL;
  g_autoptr(AugurSample) sample = NULL;
  AugurImage *original;
  guint n_changed = 0;
  guint n_brighter = 0;

  g_signal_connect (pane, "rendered", G_CALLBACK (on_rendered), &wait);
  augur_preview_pane_set_seed (pane, 1234);
  augur_preview_pane_set_grid_size (pane, 9);

  open_sample_folder (fixture);
  sample = g_list_model_get_item (augur_window_get_samples (fixture->window), 0);
  original = augur_sample_get_proxy (sample);
  g_assert_nonnull (original);

  /* add a transform */
  augur_pipeline_editor_add_step (editor, "RandomBrightnessContrast");
  set_param (fixture, "0", "contrast_limit", "[0.0, 0.0]");
  wait_rendered (&wait);
  before = collect_draws (pane);
  g_assert_cmpuint (before->len, ==, 9);

  /* change a parameter: the draws are redrawn with different pixels */
  set_param (fixture, "0", "brightness_limit", "[0.4, 0.4]");
  wait_rendered (&wait);
  after = collect_draws (pane);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < after->len; i++)
    {
      AugurImage *draw = g_ptr_array_index (after, i);

      if (!augur_image_equal (g_ptr_array_index (before, i), draw))
        n_changed++;
      /* brightness +0.4 × 255 where applied: the mean rises by far */
      if (!augur_image_equal (original, draw))
        {
          g_assert_cmpfloat (augur_image_mean (draw, 0), >, augur_image_mean (original, 0) + 60);
          n_brighter++;
        }
    }
  g_assert_cmpuint (n_changed, >, 0);
  g_assert_cmpuint (n_brighter, >, 0);

  /* toggle the step off: every draw is the original */
  augur_pipeline_editor_set_enabled (editor, "0", FALSE);
  wait_rendered (&wait);
  disabled = collect_draws (pane);
  for (guint i = 0; i < disabled->len; i++)
    g_assert_true (augur_image_equal (original, g_ptr_array_index (disabled, i)));

  g_signal_handlers_disconnect_by_func (pane, on_rendered, &wait);

  /* leave it clean for the teardown */
  while (augur_window_get_n_undo (fixture->window) > 0)
    gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.undo", NULL);
}



/* The first shown grid cell: a button that enlarges its draw. */
static GtkWidget *
find_open_draw_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_widget_get_mapped (child) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), "preview.open-draw") == 0)
        return child;
      if ((found = find_open_draw_button (child)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
focus_inside (GtkWidget *window,
              GtkWidget *ancestor)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (window));

  return focus != NULL && (focus == ancestor || gtk_widget_is_ancestor (focus, ancestor));
}

/* Enlarging a draw from the keyboard moves the focus into the draw view
 * (where Escape and the zoom keys work), and going back returns it to the
 * draw's cell instead of losing it with the hidden grid. */
static void
test_draw_view_keyboard (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (augur_window_get_preview_pane (fixture->window));
  GtkWidget *draw_view = augur_preview_pane_get_draw_view (pane);
  RenderWait wait = { 0, 0 };
  GtkWidget *cell;

  g_signal_connect (pane, "rendered", G_CALLBACK (on_rendered), &wait);
  augur_preview_pane_set_grid_size (pane, 4);
  open_sample_folder (fixture);
  augur_pipeline_editor_add_step (get_editor (fixture), "HorizontalFlip");
  wait_rendered (&wait);
  g_signal_handlers_disconnect_by_func (pane, on_rendered, &wait);
  iterate_briefly (100);

  /* the first draw's cell, as Tab reaches it */
  cell = find_open_draw_button (GTK_WIDGET (pane));
  g_assert_nonnull (cell);
  g_assert_true (gtk_widget_grab_focus (cell));
  g_assert_true (gtk_widget_activate (cell));
  iterate_briefly (400);  /* (a button activated by key clicks after a moment) */
  g_assert_true (gtk_widget_get_mapped (draw_view));
  g_assert_true (focus_inside (window, draw_view));

  /* zoomed in, the image takes the focus, and arrow keys pan it */
  {
    GtkWidget *picture = find_child (draw_view, AUGUR_TYPE_PICTURE);
    GtkWidget *scroller = gtk_widget_get_ancestor (picture, GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (picture);
    gboolean handled = FALSE;
    double before;

    /* (the test's images are small: zoom in until they overflow) */
    g_assert_true (gtk_widget_activate_action (draw_view, "draw.zoom-original", NULL));
    iterate_briefly (100);
    for (guint i = 0; i < 12 && gtk_adjustment_get_upper (h) - gtk_adjustment_get_page_size (h) <= 48; i++)
      {
        g_assert_true (gtk_widget_activate_action (draw_view, "draw.zoom-in", NULL));
        iterate_briefly (100);
      }
    g_assert_true (gtk_widget_get_focusable (picture));
    g_assert_true (gtk_widget_grab_focus (picture));
    gtk_adjustment_set_value (h, 0);
    before = gtk_adjustment_get_value (h);
    g_assert_cmpfloat (gtk_adjustment_get_upper (h) - gtk_adjustment_get_page_size (h), >, 48);
    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
          g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Right, 0, 0, &handled);
      }
    g_assert_true (handled);
    g_assert_cmpfloat (gtk_adjustment_get_value (h), >, before);
  }

  g_assert_true (gtk_widget_activate_action (draw_view, "preview.close-draw", NULL));
  iterate_briefly (400);  /* (the cross-fade) */
  g_assert_false (gtk_widget_get_mapped (draw_view));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) == cell);

  while (augur_window_get_n_undo (fixture->window) > 0)
    gtk_widget_activate_action (window, "win.undo", NULL);
}


/* Which part of the window @widget is in: 0 the header bar, 1 the sample
 * strip, 2 the preview, 3 the editor, -1 elsewhere. */
static int
window_part (AugurWindow *window,
             GtkWidget   *widget)
{
  GtkWidget *parts[] = {
    NULL,
    augur_window_get_sample_strip (window),
    augur_window_get_preview_pane (window),
    augur_window_get_editor (window),
  };

  parts[0] = find_child (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (widget == parts[i] || gtk_widget_is_ancestor (widget, parts[i]))
      return (int) i;
  return -1;
}

/* Tab goes through the header bar, the samples, the preview and the
 * editor in that order, and comes back round: no part keeps the focus. */
static void
test_tab_order (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  g_autoptr(GString) parts = g_string_new (NULL);
  int last = -2;

  open_sample_folder (fixture);
  augur_pipeline_editor_add_step (get_editor (fixture), "Rotate");
  /* its controls too: a range slider, drop-downs, a colour button */
  augur_pipeline_editor_set_expanded (get_editor (fixture), "0", TRUE);
  iterate_briefly (300);
  gtk_window_set_focus (GTK_WINDOW (window), NULL);

  for (guint i = 0; i < 300 && !strstr (parts->str, "01230"); i++)
    {
      GtkWidget *focus;
      int part;

      if (!gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD))
        continue;  /* the end: the next Tab starts over */
      focus = gtk_window_get_focus (GTK_WINDOW (window));
      g_assert_nonnull (focus);
      part = window_part (fixture->window, focus);
      if (part != last)
        g_string_append_printf (parts, "%d", part);
      last = part;
    }
  g_test_message ("parts in Tab order: %s", parts->str);
  g_assert_nonnull (strstr (parts->str, "01230"));

  while (augur_window_get_n_undo (fixture->window) > 0)
    gtk_widget_activate_action (window, "win.undo", NULL);
}

/* Widgets whose horizontal extent leaves their parent's (and so may be cut
 * off or drawn under a neighbour): appended to @out as "Type [x, x + width]
 * in Parent [x, x + width]". Scrolled content is checked through its
 * scrolled window only; hidden widgets and popovers are skipped. */
static void
collect_overflowing (GtkWidget *widget,
                     GtkWidget *window,
                     GString   *out)
{
  graphene_rect_t parent_bounds;

  if (!gtk_widget_get_mapped (widget) || GTK_IS_SCROLLED_WINDOW (widget))
    return;
  if (!gtk_widget_compute_bounds (widget, window, &parent_bounds))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t bounds;

      if (!gtk_widget_get_mapped (child) || GTK_IS_NATIVE (child))
        continue;
      /* (1.5: the header bar reaches a pixel into the window's frame) */
      if (gtk_widget_compute_bounds (child, window, &bounds) &&
          (bounds.origin.x < parent_bounds.origin.x - 1.5 ||
           bounds.origin.x + bounds.size.width >
           parent_bounds.origin.x + parent_bounds.size.width + 1.5))
        g_string_append_printf (out, "%s%s [%.0f, %.0f] in %s [%.0f, %.0f]",
                                out->len ? ", " : "",
                                G_OBJECT_TYPE_NAME (child), bounds.origin.x,
                                bounds.origin.x + bounds.size.width,
                                G_OBJECT_TYPE_NAME (widget), parent_bounds.origin.x,
                                parent_bounds.origin.x + parent_bounds.size.width);
      collect_overflowing (child, window, out);
    }
}

/* Waits, up to the tests' timeout, for every widget to lie inside the
 * window, and fails naming what stays outside. A layout change (a view
 * opened, a panel shown) may take a few frames to settle on a busy
 * machine; what is checked is the settled layout, not the frame after. */
static void
assert_inside_window (GtkWidget  *window,
                      const char *view)
{
  gint64 end = g_get_monotonic_time () + (gint64) TIMEOUT_MS * 1000;
  g_autoptr(GString) overflow = g_string_new (NULL);

  for (;;)
    {
      g_string_truncate (overflow, 0);
      collect_overflowing (window, window, overflow);
      if (overflow->len == 0)
        return;
      if (g_get_monotonic_time () >= end)
        g_error ("In the %s view, out of the window: %s", view, overflow->str);
      iterate_briefly (50);
    }
}

static gboolean
allocated_at (gpointer data)
{
  GtkWidget *window = data;

  /* the default size counts the frame around the window's content */
  return gtk_widget_get_width (window) > 1000 && gtk_widget_get_width (window) <= 1024 &&
         gtk_widget_get_height (window) > 676 && gtk_widget_get_height (window) <= 700;
}

/* A 1024×700 window (a small laptop screen, or half of a wide one) keeps
 * every part inside it: the preview's minimum width fits beside the
 * editor and the sample strip, in every view of the pane. */
static void
test_narrow_window (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char *const modes[] = { "grid", "all-samples", "step-through", "extremes" };
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *pane = augur_window_get_preview_pane (fixture->window);
  int minimum = 0, natural = 0, width;

  /* a new size is taken when the window is next mapped */
  gtk_widget_set_visible (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  gtk_window_present (GTK_WINDOW (window));
  open_sample_folder (fixture);
  augur_pipeline_editor_add_step (get_editor (fixture), "Rotate");
  augur_pipeline_editor_add_step (get_editor (fixture), "RandomBrightnessContrast");
  /* its replay lists hole positions and a seed: long captions in step-through */
  augur_pipeline_editor_add_step (get_editor (fixture), "CoarseDropout");
  wait_for (allocated_at, window, "the window to take its size");

  gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  g_assert_cmpint (minimum, <=, 1024);
  width = gtk_widget_get_width (window);

  for (guint g = 0; g < 2; g++)
    for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
      {
        augur_preview_pane_set_grid_size (AUGUR_PREVIEW_PANE (pane), g == 0 ? 9 : 16);
        g_assert_true (gtk_widget_activate_action (pane, "preview.mode", "s", modes[i]));
        augur_pipeline_editor_select_path (get_editor (fixture), "0");
        iterate_briefly (300);
        g_assert_cmpint (gtk_widget_get_width (window), ==, width);
        gtk_widget_measure (pane, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
        g_test_message ("%s: the pane needs %d px, has %d", modes[i], minimum,
                        gtk_widget_get_width (pane));
        g_assert_cmpint (minimum, <=, gtk_widget_get_width (pane));
        assert_inside_window (window, modes[i]);
      }

  /* the enlarged draw, with its replay beside it */
  {
    g_assert_true (gtk_widget_activate_action (pane, "preview.mode", "s", "grid"));
    g_assert_true (gtk_widget_activate_action (pane, "preview.open-draw", "u", 0));
    iterate_briefly (300);
    g_assert_cmpint (gtk_widget_get_width (window), ==, width);
    assert_inside_window (window, "draw");
    /* Escape goes back to the grid */
    g_assert_true (gtk_widget_activate_action (pane, "preview.close-draw", NULL));
  }

  /* F9 hides the sample strip, and the preview takes its room */
  {
    GtkWidget *strip = augur_window_get_sample_strip (fixture->window);
    int before = gtk_widget_get_width (pane);

    g_assert_true (gtk_widget_get_visible (strip));
    g_assert_true (gtk_widget_activate_action (window, "win.show-samples", NULL));
    g_assert_false (gtk_widget_get_visible (strip));
    iterate_briefly (300);
    g_assert_cmpint (gtk_widget_get_width (pane), >, before);
    g_assert_true (gtk_widget_activate_action (window, "win.show-samples", NULL));
    g_assert_true (gtk_widget_get_visible (strip));
  }

  while (augur_window_get_n_undo (fixture->window) > 0)
    gtk_widget_activate_action (window, "win.undo", NULL);
}

#endif

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Keep the autosave and any other state away from the user's folders.
   * (G_TEST_OPTION_ISOLATE_DIRS would also hide the system MIME database,
   * which GdkPixbuf needs to recognise the theme's SVG icons.) */
  home = g_dir_make_tmp ("augur-test-home-XXXXXX", NULL);
  g_assert_nonnull (home);
  for (guint i = 0; i < 4; i++)
    {
      static const char *const vars[] = { "XDG_STATE_HOME", "XDG_CONFIG_HOME",
                                          "XDG_CACHE_HOME", "XDG_DATA_HOME" };
      g_autofree char *dir = g_build_filename (home, vars[i], NULL);

      g_setenv (vars[i], dir, TRUE);
    }

  if (!gtk_init_check ())
    {
      g_test_skip ("No display: run under xvfb-run");
      return g_test_run ();
    }
  adw_init ();

#define ADD(name, func) \
  g_test_add ("/window/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("open-folder", test_open_folder);
  ADD ("drop-files", test_drop_files);
  ADD ("bad-image-reported", test_bad_image_reported);
  ADD ("bad-recipe-reported", test_bad_recipe_reported);
  ADD ("open-albumentations", test_open_albumentations);
  ADD ("copy-python", test_copy_python);
  ADD ("save-and-reopen", test_save_and_reopen);
  ADD ("new-from-preset", test_new_from_preset);
  ADD ("label-folder-detected", test_label_folder_detected);
  ADD ("check-leaks", test_check_leaks);
#ifdef AUGUR_HAVE_PREVIEW_PANE
  ADD ("open-labels", test_open_labels);
  ADD ("open-labels-async", test_open_labels_async);
#endif
  ADD ("restore-autosave", test_restore_autosave);
  ADD ("autosave-matching-is-dropped", test_autosave_matching_is_dropped);
  g_test_add_func ("/window/size-restored", test_window_size_restored);
  g_test_add_func ("/window/editor-width", test_editor_width);
  g_test_add_func ("/window/cell-grid-fit", test_cell_grid_fit);
  g_test_add_func ("/window/cell-grid-many", test_cell_grid_many);
#ifdef AUGUR_HAVE_PREVIEW_PANE
  ADD ("grid-fills", test_grid_fills);
#endif
  ADD ("recent-and-session", test_recent_and_session);
  ADD ("large-folder-sampled", test_large_folder_sampled);
  ADD ("broken-first-skipped", test_broken_first_skipped);
  g_test_add_func ("/window/version", test_version);
  g_test_add_func ("/window/preferences", test_preferences);
  g_test_add_func ("/window/shortcuts-listed", test_shortcuts_listed);
#ifdef AUGUR_HAVE_PREVIEW_PANE
  ADD ("grid-size-setting", test_grid_size_setting);
#endif
#ifdef AUGUR_HAVE_PIPELINE_EDITOR
  ADD ("undo-redo", test_undo_redo);
  ADD ("mergeable-edits-coalesce", test_mergeable_edits_coalesce);
  ADD ("autosave-other-window", test_autosave_other_window);
  ADD ("close-confirmation", test_close_confirmation);
  ADD ("export-command", test_export_command);
  ADD ("cost-warning", test_cost_warning);
#endif
#if defined (AUGUR_HAVE_PIPELINE_EDITOR) && defined (AUGUR_HAVE_PREVIEW_PANE)
  ADD ("edit-redraws", test_edit_redraws);
  ADD ("narrow-window", test_narrow_window);
  ADD ("draw-view-keyboard", test_draw_view_keyboard);
  ADD ("tab-order", test_tab_order);
#endif

#undef ADD

  status = g_test_run ();
  remove_home (home);
  return status;
}
