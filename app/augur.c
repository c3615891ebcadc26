/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur"

#include "config.h"

#include <glib/gi18n.h>

#include "augur-application.h"

/* Run from a build directory (<build>/app/augur), use the schema compiled
 * into <build>/data, so that the program works before it is installed. */
static void
use_build_tree_schema (const char *argv0)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *app_dir = NULL;
  g_autofree char *build_dir = NULL;
  g_autofree char *schema_dir = NULL;
  g_autofree char *compiled = NULL;
  g_autofree char *ninja = NULL;

  if (exe == NULL)
    exe = g_canonicalize_filename (argv0, NULL);
  app_dir = g_path_get_dirname (exe);
  build_dir = g_path_get_dirname (app_dir);
  schema_dir = g_build_filename (build_dir, "data", NULL);
  compiled = g_build_filename (schema_dir, "gschemas.compiled", NULL);
  ninja = g_build_filename (build_dir, "build.ninja", NULL);

  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL &&
      g_file_test (compiled, G_FILE_TEST_IS_REGULAR) &&
      g_file_test (ninja, G_FILE_TEST_IS_REGULAR))
    g_setenv ("GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(AugurApplication) app = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  use_build_tree_schema (argv[0]);

  /* Without its schema GSettings would abort; say what is wrong instead. */
  schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (),
                                            APP_ID, TRUE);
  if (schema == NULL)
    {
      g_printerr ("augur: the settings schema %s is not installed; install Augur, "
                  "or set GSETTINGS_SCHEMA_DIR to the build directory's data folder\n",
                  APP_ID);
      return 1;
    }

  g_set_application_name (_("Augur"));
  app = augur_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
