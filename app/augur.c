/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur"

#include "config.h"

#include <glib/gi18n.h>

#include "augur-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(AugurApplication) app = NULL;

  g_set_application_name (_("Augur"));
  app = augur_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
