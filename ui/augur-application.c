/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-application"

#include "config.h"

#include <glib/gi18n.h>

#include "augur-application.h"
#include "augur-preferences-window.h"
#include "augur-window.h"

struct _AugurApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (AugurApplication, augur_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "recipe", 'r', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Open the recipe FILE"), N_("FILE") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL,
    NULL, N_("[IMAGE|FOLDER…]") },
  { NULL }
};

char *
augur_application_dup_datadir (void)
{
  const char *env = g_getenv ("AUGUR_DATADIR");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (PKGDATADIR "/samples", G_FILE_TEST_IS_DIR))
    return g_strdup (PKGDATADIR);
  return g_strdup (SOURCE_DATADIR);
}

GSettings *
augur_application_get_settings (AugurApplication *self)
{
  g_return_val_if_fail (AUGUR_IS_APPLICATION (self), NULL);

  return self->settings;
}

static AugurWindow *
new_window (AugurApplication *self)
{
  return augur_window_new (self);
}

/* With no arguments: what the last session had open (its recipe file and
 * its sample folder), or else the bundled default recipe and samples. */
static void
open_defaults (AugurWindow *window)
{
  g_autofree char *datadir = augur_application_dup_datadir ();
  g_autofree char *samples = g_build_filename (datadir, "samples", NULL);
  g_autofree char *recipe = g_build_filename (datadir, "recipes", "default.json", NULL);
  g_autoptr(GFile) samples_dir = g_file_new_for_path (samples);
  GFile *files[] = { samples_dir };
  gboolean had_recipe = FALSE, had_samples = FALSE;

  augur_window_restore_session (window, &had_recipe, &had_samples);
  if (!had_recipe && g_file_test (recipe, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr(GFile) recipe_file = g_file_new_for_path (recipe);

      augur_window_open_recipe_as_template (window, recipe_file);
    }
  if (!had_samples && g_file_test (samples, G_FILE_TEST_IS_DIR))
    augur_window_add_files (window, files, 1);
}

static int
augur_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("augur %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

static int
augur_application_command_line (GApplication            *app,
                                GApplicationCommandLine *cmdline)
{
  AugurApplication *self = AUGUR_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  g_autofree char *recipe = NULL;
  g_autofree const char **remaining = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  AugurWindow *window;

  g_variant_dict_lookup (options, "recipe", "^ay", &recipe);
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &remaining);

  for (guint i = 0; remaining != NULL && remaining[i] != NULL; i++)
    g_ptr_array_add (files,
                     g_application_command_line_create_file_for_arg (cmdline, remaining[i]));

  window = new_window (self);

  if (recipe != NULL)
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (cmdline, recipe);

      augur_window_open_recipe (window, file);
    }

  if (files->len > 0)
    augur_window_add_files (window, (GFile **) files->pdata, files->len);
  else if (recipe == NULL)
    open_defaults (window);

  gtk_window_present (GTK_WINDOW (window));
  augur_window_check_autosave (window);
  return 0;
}

static void
augur_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (new_window (AUGUR_APPLICATION (app)));
      open_defaults (AUGUR_WINDOW (window));
      gtk_window_present (window);
      augur_window_check_autosave (AUGUR_WINDOW (window));
      return;
    }
  gtk_window_present (window);
}

static void
augur_application_open (GApplication  *app,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (new_window (AUGUR_APPLICATION (app)));
  augur_window_add_files (AUGUR_WINDOW (window), files, n_files);
  gtk_window_present (window);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  AugurApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *prefs = GTK_WINDOW (augur_preferences_window_new (self->settings));

  gtk_window_set_transient_for (prefs, parent);
  gtk_window_present (prefs);
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  static const char *developers[] = { "The Augur developers", NULL };

  adw_show_about_window (parent,
                         "application-name", _("Augur"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Augur developers"),
                         "developers", developers,
                         "comments", _("Design image data-augmentation recipes by eye, "
                                       "then apply them to whole datasets with augur-cli."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://github.com/augur/augur",
                         "issue-url", "https://github.com/augur/augur/issues",
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));

  /* Close each window as the user would, so that unsaved work is offered
   * for saving; copy the list first, closing changes it. */
  g_autoptr(GList) copy = g_list_copy (windows);
  for (GList *l = copy; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static const GActionEntry app_entries[] = {
  { "preferences", preferences_action },
  { "shortcuts", shortcuts_action },
  { "about", about_action },
  { "quit", quit_action },
};

static void
augur_application_startup (GApplication *app)
{
  AugurApplication *self = AUGUR_APPLICATION (app);
  GtkApplication *gtk_app = GTK_APPLICATION (app);
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.shortcuts", { "<Control>question", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.open-images", { "<Control>o", NULL } },
    { "win.open-recipe", { "<Control><Shift>o", NULL } },
    { "win.open-labels", { "<Control>l", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "win.undo", { "<Control>z", NULL } },
    { "win.redo", { "<Control><Shift>z", "<Control>y", NULL } },
    { "win.export-command", { "<Control><Shift>c", NULL } },
    { "win.remove-sample", { "<Control>BackSpace", NULL } },
    { "win.show-samples", { "F9", NULL } },
  };

  G_APPLICATION_CLASS (augur_application_parent_class)->startup (app);

  self->settings = g_settings_new (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries,
                                   G_N_ELEMENTS (app_entries), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (gtk_app, accels[i].action, accels[i].accels);
}

static void
augur_application_dispose (GObject *object)
{
  AugurApplication *self = AUGUR_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (augur_application_parent_class)->dispose (object);
}

static void
augur_application_class_init (AugurApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = augur_application_dispose;

  app_class->startup = augur_application_startup;
  app_class->activate = augur_application_activate;
  app_class->open = augur_application_open;
  app_class->command_line = augur_application_command_line;
  app_class->handle_local_options = augur_application_handle_local_options;
}

static void
augur_application_init (AugurApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Design image augmentation recipes by eye."));
}

AugurApplication *
augur_application_new (void)
{
  return g_object_new (AUGUR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/augur/Augur",
                       NULL);
}
