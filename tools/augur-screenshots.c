/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-screenshots"

#include "config.h"

#include <glib/gstdio.h>

#include <stdio.h>

#include "augur-application.h"
#include "augur-compare-view.h"
#include "augur-sample-strip.h"
#include "augur-draw-view.h"
#include "augur-preview-pane.h"
#include "augur-pipeline-editor.h"
#include "augur-window.h"

/* Renders the documentation screenshots: drives a real window with the
 * bundled samples and the default recipe through each view (under Xvfb, see
 * tools/screenshots.sh), and renders the window as the screen would show it.
 *
 *   augur-screenshots [--size WIDTHxHEIGHT] [--gallery] OUTDIR
 *
 * --gallery renders, instead of the documentation's five images, every
 * other window and state a reviewer looks at (dialogs, empty states, an
 * error, the other views, odd samples, the dark style), for checking the
 * interface at a given window size; it is not part of the documentation.
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

/* Waits until both sides of the comparison are drawn and counted. */
static void
wait_compared (AugurWindow *window)
{
  AugurCompareView *view = AUGUR_COMPARE_VIEW (augur_window_get_compare_view (window));
  gint64 deadline = g_get_monotonic_time () + (gint64) TIMEOUT_MS * 1000;
  guint tick = g_timeout_add (10, wake_up, NULL);

  /* (an edit's request starts on the next iterations) */
  iterate_for (SETTLE_MS / 2);
  while (!augur_compare_view_is_complete (view) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  if (!augur_compare_view_is_complete (view))
    g_warning ("The comparison did not finish rendering in time");
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

/* Renders @native (a window or a popover) as the compositor would show it,
 * into a texture whose origin is @x, @y in the native's coordinates. */
static GdkTexture *
render_native (GtkWidget *native,
               double    *x,
               double    *y)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (native);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  graphene_rect_t bounds;

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot),
                          gtk_widget_get_width (native), gtk_widget_get_height (native));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  gsk_render_node_get_bounds (node, &bounds);
  *x = bounds.origin.x;
  *y = bounds.origin.y;
  return gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (native)), node, &bounds);
}

static void
paint_texture (cairo_t    *cr,
               GdkTexture *texture,
               double      x,
               double      y)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);

  cairo_surface_flush (surface);
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  cairo_set_source_surface (cr, surface, x, y);
  cairo_paint (cr);
  cairo_surface_destroy (surface);
}

/* Renders the window in process (no window manager, pointer or tooltip gets
 * into the picture) with @popover, if shown, composited where it sits. */
static void
capture (GtkWindow  *window,
         GtkWidget  *popover,
         const char *outdir,
         const char *name)
{
  g_autofree char *out = g_build_filename (outdir, name, NULL);
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (GTK_WIDGET (window));
  int height = gtk_widget_get_height (GTK_WIDGET (window));
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;
  double x, y;

  texture = render_native (GTK_WIDGET (window), &x, &y);
  paint_texture (cr, texture, x, y);

  if (popover != NULL && gtk_widget_get_mapped (popover))
    {
      g_autoptr(GdkTexture) popup = NULL;
      GdkSurface *popup_surface = gtk_native_get_surface (GTK_NATIVE (popover));
      double wsx, wsy, psx, psy, px, py;

      gtk_native_get_surface_transform (GTK_NATIVE (window), &wsx, &wsy);
      gtk_native_get_surface_transform (GTK_NATIVE (popover), &psx, &psy);
      popup = render_native (popover, &px, &py);
      paint_texture (cr, popup,
                     gdk_popup_get_position_x (GDK_POPUP (popup_surface)) - wsx + psx + px,
                     gdk_popup_get_position_y (GDK_POPUP (popup_surface)) - wsy + psy + py);
    }

  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, out);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    g_error ("Could not write %s: %s", out, cairo_status_to_string (status));
  g_print ("wrote %s (%d×%d)\n", out, width, height);
}


/* The first descendant of @widget that is a GtkMenuButton with @tooltip. */
static GtkWidget *
find_menu_button (GtkWidget  *widget,
                  const char *tooltip)
{
  if (GTK_IS_MENU_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_menu_button (child, tooltip);

      if (found)
        return found;
    }
  return NULL;
}

/* The toplevel shown since @before (a list of the visible windows then). */
static GtkWindow *
new_toplevel (GList *before)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_list_find (before, window) == NULL && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static GList *
list_toplevels (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);
  GList *list = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      /* (a hidden window, such as the shortcuts window, may be shown next) */
      if (gtk_widget_get_visible (GTK_WIDGET (window)))
        list = g_list_prepend (list, window);
    }
  return list;
}

/* Activates @action on @widget, captures the window it opens as @name,
 * and closes that window. */
static void
capture_dialog (GtkWidget  *widget,
                const char *action,
                const char *outdir,
                const char *name)
{
  g_autoptr(GList) before = list_toplevels ();
  GtkWindow *dialog;

  gtk_widget_activate_action (widget, action, NULL);
  iterate_for (SETTLE_MS * 2);
  dialog = new_toplevel (before);
  if (dialog == NULL)
    {
      g_warning ("%s opened no window", action);
      return;
    }
  capture (dialog, NULL, outdir, name);
  gtk_window_destroy (dialog);
  iterate_for (SETTLE_MS / 2);
}

static GFile *
write_test_image (const char *dir,
                  const char *name,
                  int         channels)
{
  g_autoptr(AugurImage) image = augur_image_new (320, 240, channels);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  for (int y = 0; y < 240; y++)
    {
      guint8 *row = augur_image_row (image, y);

      for (int x = 0; x < 320; x++)
        for (int c = 0; c < channels; c++)
          {
            int v = c == 3 ? 255 * x / 319                         /* alpha: a ramp */
                           : (((x / 40) + (y / 40)) % 2 ? 200 : 60) + 40 * c;

            row[channels * x + c] = (guint8) CLAMP (v, 0, 255);
          }
    }
  if (!augur_image_save (image, path, AUGUR_IMAGE_FORMAT_PNG, 0, &error))
    g_error ("Could not write %s: %s", path, error->message);
  return g_file_new_for_path (path);
}

static void
select_last_sample (AugurWindow *window)
{
  guint n = g_list_model_get_n_items (augur_window_get_samples (window));

  augur_sample_strip_select (AUGUR_SAMPLE_STRIP (augur_window_get_sample_strip (window)), n - 1);
}

static void
gallery (AugurApplication *app,
         GFile            *samples,
         GFile            *recipe,
         int               width,
         int               height,
         const char       *outdir)
{
  AugurWindow *window = augur_window_new (app);
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (augur_window_get_preview_pane (window));
  AugurPipelineEditor *editor = AUGUR_PIPELINE_EDITOR (augur_window_get_editor (window));
  g_autofree char *tmp = g_dir_make_tmp ("augur-gallery-XXXXXX", NULL);
  g_autoptr(GFile) gray = write_test_image (tmp, "gray.png", 1);
  g_autoptr(GFile) rgba = write_test_image (tmp, "rgba.png", 4);
  g_autofree char *broken_path = g_build_filename (tmp, "broken.png", NULL);
  g_autoptr(GFile) broken = g_file_new_for_path (broken_path);
  g_autoptr(JsonNode) size = json_from_string ("[160, 320]", NULL);
  static const char *const modes[] = { "grid", "all-samples", "step-through", "extremes" };
  guint since;

  g_file_set_contents (broken_path, "not a PNG", -1, NULL);

  /* a start after a crash: the recovery offer (first, while no other
   * window owns the autosave) */
  {
    g_autofree char *autosave = augur_window_dup_autosave_path ();
    g_autofree char *dir = g_path_get_dirname (autosave);
    g_autofree char *contents = NULL;
    g_autoptr(GList) before = NULL;
    AugurWindow *next;
    GtkWindow *dialog;

    g_mkdir_with_parents (dir, 0700);
    if (g_file_load_contents (recipe, NULL, &contents, NULL, NULL, NULL))
      g_file_set_contents (autosave, contents, -1, NULL);
    next = augur_window_new (app);
    gtk_window_set_default_size (GTK_WINDOW (next), width, height);
    gtk_window_present (GTK_WINDOW (next));
    iterate_for (SETTLE_MS);
    before = list_toplevels ();
    augur_window_check_autosave (next);

    iterate_for (SETTLE_MS * 2);
    dialog = new_toplevel (before);
    if (dialog != NULL)
      {
        capture (dialog, NULL, outdir, "crash-recovery.png");
        gtk_window_destroy (dialog);
      }
    else
      g_warning ("No recovery offered for %s", autosave);
    g_unlink (autosave);
    gtk_window_destroy (GTK_WINDOW (next));
    iterate_for (100);
  }

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  g_signal_connect (pane, "rendered", G_CALLBACK (on_rendered), NULL);
  augur_preview_pane_set_seed (pane, 7);

  /* empty: no samples, no steps */
  gtk_window_present (GTK_WINDOW (window));
  iterate_for (SETTLE_MS);
  capture (GTK_WINDOW (window), NULL, outdir, "empty.png");

  since = rendered_count;
  augur_window_add_files (window, (GFile *[]) { samples }, 1);
  while (!all_loaded (window))
    g_main_context_iteration (NULL, TRUE);
  iterate_for (SETTLE_MS);
  capture (GTK_WINDOW (window), NULL, outdir, "empty-pipeline.png");

  augur_window_open_recipe_as_template (window, recipe);
  wait_rendered (since);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *name = g_strdup_printf ("mode-%s.png", modes[i]);

      augur_pipeline_editor_select_path (editor, "2");
      gtk_widget_activate_action (GTK_WIDGET (pane), "preview.mode", "s", modes[i]);
      iterate_for (SETTLE_MS * 3);
      capture (GTK_WINDOW (window), NULL, outdir, name);
    }
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.mode", "s", "grid");
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.grid-size", "u", 16);
  iterate_for (SETTLE_MS * 3);
  capture (GTK_WINDOW (window), NULL, outdir, "grid-16.png");
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.grid-size", "u", 9);
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.diff", NULL);
  iterate_for (SETTLE_MS * 3);
  capture (GTK_WINDOW (window), NULL, outdir, "difference.png");
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.diff", NULL);

  /* the draw view, fitted and at 1:1 */
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.open-draw", "u", 2);
  iterate_for (SETTLE_MS * 3);
  capture (GTK_WINDOW (window), NULL, outdir, "draw-fit.png");
  {
    GtkWidget *draw_view = augur_preview_pane_get_draw_view (pane);

    gtk_widget_activate_action (draw_view, "draw.zoom-original", NULL);
  }
  iterate_for (SETTLE_MS * 2);
  capture (GTK_WINDOW (window), NULL, outdir, "draw-1to1.png");
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.close-draw", NULL);
  iterate_for (SETTLE_MS);

  /* dialogs */
  capture_dialog (GTK_WIDGET (window), "app.preferences", outdir, "preferences.png");
  capture_dialog (GTK_WIDGET (window), "win.show-help-overlay", outdir, "shortcuts.png");
  capture_dialog (GTK_WIDGET (window), "app.about", outdir, "about.png");

  /* an unreadable image: a toast */
  augur_window_add_files (window, (GFile *[]) { broken }, 1);
  iterate_for (SETTLE_MS * 2);
  capture (GTK_WINDOW (window), NULL, outdir, "error-toast.png");

  /* a gray and an RGBA sample, then draws of another size than the original */
  augur_window_add_files (window, (GFile *[]) { gray }, 1);
  while (!all_loaded (window))
    g_main_context_iteration (NULL, TRUE);
  select_last_sample (window);
  iterate_for (SETTLE_MS * 3);
  capture (GTK_WINDOW (window), NULL, outdir, "sample-gray.png");
  augur_window_add_files (window, (GFile *[]) { rgba }, 1);
  while (!all_loaded (window))
    g_main_context_iteration (NULL, TRUE);
  select_last_sample (window);
  iterate_for (SETTLE_MS * 3);
  capture (GTK_WINDOW (window), NULL, outdir, "sample-rgba.png");
  augur_sample_strip_select (AUGUR_SAMPLE_STRIP (augur_window_get_sample_strip (window)), 0);
  augur_pipeline_editor_add_step (editor, "RandomResizedCrop");
  {
    /* a wide output: draws of another shape than the square original */
    g_autofree char *path = augur_pipeline_editor_dup_selected_path (editor);
    g_autoptr(GError) error = NULL;

    if (path == NULL || !augur_pipeline_editor_set_param (editor, path, "size", size, &error))
      g_warning ("Could not set the crop's size: %s", error ? error->message : "no selection");
  }
  iterate_for (SETTLE_MS * 3);
  capture (GTK_WINDOW (window), NULL, outdir, "resized-crop.png");

  /* dark */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  augur_pipeline_editor_select_path (editor, "1");
  augur_pipeline_editor_set_expanded (editor, "1", TRUE);
  iterate_for (SETTLE_MS * 3);
  capture (GTK_WINDOW (window), NULL, outdir, "dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* the Export menu */
  {
    GtkWidget *button = find_menu_button (GTK_WIDGET (window), "Export");

    if (button != NULL)
      {
        gtk_menu_button_popup (GTK_MENU_BUTTON (button));
        iterate_for (SETTLE_MS * 2);
        capture (GTK_WINDOW (window), GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))),
                 outdir, "export-menu.png");
        gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
        iterate_for (SETTLE_MS);
      }
    else
      g_warning ("No Export menu button");
  }

  /* the main menu, with Compare With… */
  {
    GtkWidget *button = find_menu_button (GTK_WIDGET (window), "Main Menu (F10)");

    if (button != NULL)
      {
        gtk_menu_button_popup (GTK_MENU_BUTTON (button));
        iterate_for (SETTLE_MS * 2);
        capture (GTK_WINDOW (window), GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))),
                 outdir, "main-menu.png");
        gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
        iterate_for (SETTLE_MS);
      }
    else
      g_warning ("No main menu button");
  }

  /* closing with unsaved changes */
  {
    g_autoptr(GList) before = list_toplevels ();
    GtkWindow *dialog;

    gtk_window_close (GTK_WINDOW (window));
    iterate_for (SETTLE_MS * 2);
    dialog = new_toplevel (before);
    if (dialog != NULL)
      {
        capture (dialog, NULL, outdir, "unsaved.png");
        gtk_window_destroy (dialog);
      }
    else
      g_warning ("Closing with changes asked nothing");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (100);

  g_unlink (broken_path);
  g_unlink (g_file_peek_path (gray));
  g_unlink (g_file_peek_path (rgba));
  g_rmdir (tmp);
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
  g_autofree char *size = NULL;
  gboolean show_gallery = FALSE;
  const GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, "The window's size (default 1280x800)", "WIDTHxHEIGHT" },
    { "gallery", 0, 0, G_OPTION_ARG_NONE, &show_gallery, "Render every dialog and state instead", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("OUTDIR");
  int width = 1280, height = 800;
  const char *outdir;
  guint since;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 ||
      (size != NULL && sscanf (size, "%dx%d", &width, &height) != 2))
    {
      g_printerr ("usage: %s [--size WIDTHxHEIGHT] [--gallery] OUTDIR\n", argv[0]);
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

  if (show_gallery)
    {
      gallery (app, samples, recipe, width, height, outdir);
      return 0;
    }

  window = augur_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  pane = AUGUR_PREVIEW_PANE (augur_window_get_preview_pane (window));
  editor = AUGUR_PIPELINE_EDITOR (augur_window_get_editor (window));
  g_signal_connect (pane, "rendered", G_CALLBACK (on_rendered), NULL);

  augur_preview_pane_set_seed (pane, 7);
  since = rendered_count;
  augur_window_open_recipe_as_template (window, recipe);
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
  capture (GTK_WINDOW (window), NULL, outdir, "main-window.png");

  /* 2. One draw enlarged, with its replay. */
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.open-draw", "u", 1);
  iterate_for (SETTLE_MS * 3);
  capture (GTK_WINDOW (window), NULL, outdir, "draw-view.png");
  /* the same with the replay folded away (Ctrl+I): the draw takes its room */
  {
    GtkWidget *view = augur_preview_pane_get_draw_view (pane);

    augur_draw_view_set_replay_visible (AUGUR_DRAW_VIEW (view), FALSE);
    iterate_for (SETTLE_MS);
    capture (GTK_WINDOW (window), NULL, outdir, "draw-view-folded.png");
    augur_draw_view_set_replay_visible (AUGUR_DRAW_VIEW (view), TRUE);
  }
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.close-draw", NULL);
  iterate_for (SETTLE_MS);

  /* 3. Step-through: the image after each step of one draw. */
  since = rendered_count;
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.mode", "s", "step-through");
  iterate_for (SETTLE_MS * 3);
  capture (GTK_WINDOW (window), NULL, outdir, "step-through.png");

  /* 4. Extremes of the selected step: brightness and contrast, two ranges. */
  augur_pipeline_editor_set_expanded (editor, "1", FALSE);
  augur_pipeline_editor_select_path (editor, "2");
  augur_pipeline_editor_set_expanded (editor, "2", TRUE);
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.mode", "s", "extremes");
  iterate_for (SETTLE_MS * 3);
  capture (GTK_WINDOW (window), NULL, outdir, "extremes.png");

  /* 5. The add-step list, with live thumbnails of the current sample. */
  gtk_widget_activate_action (GTK_WIDGET (pane), "preview.mode", "s", "grid");
  iterate_for (SETTLE_MS);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-step", NULL);
  iterate_for (SETTLE_MS * 4);
  capture (GTK_WINDOW (window), augur_pipeline_editor_get_step_chooser (editor), outdir,
           "add-step.png");
  gtk_popover_popdown (GTK_POPOVER (augur_pipeline_editor_get_step_chooser (editor)));
  iterate_for (SETTLE_MS);

  /* 6. Two recipes side by side: the default as A, and as B a copy with
   * the rotation off and a resized crop to 384 × 512 added, edited in the
   * editor; the same seeds on both sides, and what the steps did under
   * each, labels lost included. */
  {
    g_autoptr(JsonNode) crop_size = json_from_string ("[512, 384]", NULL);
    g_autofree char *path = NULL;

    g_autofree char *labels_path = g_build_filename (datadir, "samples", "labels.coco.json", NULL);
    g_autoptr(GFile) labels = g_file_new_for_path (labels_path);

    /* with the bundled labels, to show the labels each recipe loses */
    augur_window_open_labels (window, labels);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.compare-duplicate", NULL);
    augur_compare_view_set_editing (AUGUR_COMPARE_VIEW (augur_window_get_compare_view (window)),
                                    AUGUR_COMPARE_B);
    augur_pipeline_editor_set_expanded (editor, "2", FALSE);
    augur_pipeline_editor_set_enabled (editor, "1", FALSE);
    augur_pipeline_editor_select_path (editor, "4");
    augur_pipeline_editor_add_step (editor, "RandomResizedCrop");
    path = augur_pipeline_editor_dup_selected_path (editor);
    if (path == NULL || !augur_pipeline_editor_set_param (editor, path, "size", crop_size, &error))
      g_warning ("Could not set the crop's size: %s", error ? error->message : "no selection");
    wait_compared (window);
    /* (the notice that the labels opened goes after five seconds) */
    iterate_for (6000);
    capture (GTK_WINDOW (window), NULL, outdir, "compare.png");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (100);
  return 0;
}
