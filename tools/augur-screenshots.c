/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-screenshots"

#include "config.h"

#include <glib/gstdio.h>

#include "augur-application.h"
#include "augur-preview-pane.h"
#include "augur-pipeline-editor.h"
#include "augur-window.h"

/* Renders the documentation screenshots: drives a real window with the
 * bundled samples and the default recipe through each view, and grabs the
 * screen (under Xvfb, see tools/screenshots.sh) cropped to the window.
 *
 *   augur-screenshots OUTDIR
 */

#define SETTLE_MS   600
#define TIMEOUT_MS  30000

static guint rendered_count;

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  guint tick = g_timeout_add (5, wake_up, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static void
on_rendered (GtkWidget *pane,
             gpointer   user_data)
{
  rendered_count++;
}

/* Waits for the next "rendered" after @since, then lets the frame settle. */
static void
wait_rendered (guint since)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) TIMEOUT_MS * 1000;
  guint tick = g_timeout_add (10, wake_up, NULL);

  while (rendered_count == since && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  if (rendered_count == since)
    g_warning ("The preview did not finish rendering in time");
  iterate_for (SETTLE_MS);
}

static gboolean
all_loaded (AugurWindow *window)
{
  GListModel *samples = augur_window_get_samples (window);
  guint n = g_list_model_get_n_items (samples);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) sample = g_list_model_get_item (samples, i);
      gboolean loaded = FALSE;
      g_autofree char *error = NULL;

      g_object_get (sample, "loaded", &loaded, "error", &error, NULL);
      if (!loaded && error == NULL)
        return FALSE;
    }
  return n > 0;
}

/* Grabs the screen and keeps the window's rectangle (without the shadow of
 * the client-side decorations). The window is the only one on an Xvfb
 * screen without a window manager, so its surface sits at the origin. */
static void
capture (GtkWindow  *window,
         const char *outdir,
         const char *name)
{
  g_autofree char *tmp = g_build_filename (g_get_tmp_dir (), "augur-screen-XXXXXX.png", NULL);
  g_autofree char *out = g_build_filename (outdir, name, NULL);
  const char *argv[] = { "import", "-window", "root", NULL, NULL };
  g_autoptr(GdkPixbuf) screen = NULL;
  g_autoptr(GdkPixbuf) cropped = NULL;
  g_autoptr(GError) error = NULL;
  double sx = 0, sy = 0;
  int fd, status, width, height;

  fd = g_mkstemp (tmp);
  g_assert (fd >= 0);
  close (fd);
  argv[3] = tmp;

  gtk_native_get_surface_transform (GTK_NATIVE (window), &sx, &sy);
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("import failed: %s", error->message);

  screen = gdk_pixbuf_new_from_file (tmp, &error);
  if (screen == NULL)
    g_error ("Could not read the screen grab: %s", error->message);
  g_unlink (tmp);

  width = MIN (width, gdk_pixbuf_get_width (screen) - (int) sx);
  height = MIN (height, gdk_pixbuf_get_height (screen) - (int) sy);
  cropped = gdk_pixbuf_new_subpixbuf (screen, (int) sx, (int) sy, width, height);
  if (!gdk_pixbuf_save (cropped, out, "png", &error, "compression", "9", NULL))
    g_error ("Could not write %s: %s", out, error->message);
  g_print ("wrote %s (%d×%d)\n", out, width, height);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(AugurApplication) app = NULL;
  g_autofree char *datadir = NULL;
  g_autofree char *samples_path = NULL;
  g_autofree char *recipe_path = NULL;
  g_autoptr(GFile) samples = NULL;
  g_autoptr(GFile) recipe = NULL;
  g_autoptr(GError) error = NULL;
  AugurWindow *window;
  AugurPreviewPane *pane;
  AugurPipelineEditor *editor;
  const char *outdir;
  guint since;

  if (argc != 2)
    {
      g_printerr ("usage: %s OUTDIR\n", argv[0]);
      return 2;
    }
  outdir = argv[1];
  if (g_mkdir_with_parents (outdir, 0755) != 0)
    {
      g_printerr ("Could not create %s\n", outdir);
      return 1;
    }

  /* A registered application, so that its stylesheet and icons load as in
   * the real program; non-unique, so that it never talks to a running
   * instance. */
  app = augur_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) |
                           G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("Could not register the application: %s", error->message);

  datadir = augur_application_dup_datadir ();
  samples_path = g_build_filename (datadir, "samples", NULL);
  recipe_path = g_build_filename (datadir, "recipes", "default.json", NULL);
  samples = g_file_new_for_path (samples_path);
  recipe = g_file_new_for_path (recipe_path);

  window = augur_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1440, 880);
  pane = AUGUR_PREVIEW_PANE (augur_window_get_preview_pane (window));
  editor = AUGUR_PIPELINE_EDITOR (augur_window_get_editor (window));
  g_signal_connect (pane, "rendered", G_CALLBACK (on_rendered), NULL);

  augur_preview_pane_set_seed (pane, 7);
  since = rendered_count;
  augur_window_open_recipe (window, recipe);
  augur_window_add_files (window, (GFile *[]) { samples }, 1);
  gtk_window_present (GTK_WINDOW (window));

  while (!all_loaded (window))
    g_main_context_iteration (NULL, TRUE);
  wait_rendered (since);

  /* 1. The main window: the grid, with one step expanded in the editor. */
  since = rendered_count;
  augur_pipeline_editor_select_path (editor, "1");
  augur_pipeline_editor_set_expanded (editor, "1", TRUE);
  iterate_for (SETTLE_MS);
  capture (GTK_WINDOW (window), outdir, "main-window.png");

  /* 2. One draw enlarged, with its replay. */
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.open-draw", "u", 1);
  iterate_for (SETTLE_MS * 3);
  capture (GTK_WINDOW (window), outdir, "draw-view.png");
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.close-draw", NULL);
  iterate_for (SETTLE_MS);

  /* 3. Step-through: the image after each step of one draw. */
  since = rendered_count;
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.mode", "s", "step-through");
  iterate_for (SETTLE_MS * 3);
  capture (GTK_WINDOW (window), outdir, "step-through.png");

  /* 4. Extremes of the selected step (the rotation). */
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.mode", "s", "extremes");
  iterate_for (SETTLE_MS * 3);
  capture (GTK_WINDOW (window), outdir, "extremes.png");

  /* 5. The add-step list, with live thumbnails of the current sample. */
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.mode", "s", "grid");
  iterate_for (SETTLE_MS);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-step", NULL);
  iterate_for (SETTLE_MS * 4);
  capture (GTK_WINDOW (window), outdir, "add-step.png");

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (100);
  return 0;
}
