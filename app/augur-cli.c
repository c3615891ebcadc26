/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-cli"

#include "config.h"

#include "augur-recipe.h"

int
main (int argc, char **argv)
{
  return 0;
}
