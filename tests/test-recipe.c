/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "augur-error.h"
#include "augur-recipe.h"

static void
test_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  const char *text =
    "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 7, \"pipeline\": {\"type\": \"Sequential\", \"steps\": ["
    "{\"type\": \"HorizontalFlip\", \"p\": 0.5},"
    "{\"type\": \"RandomBrightnessContrast\", \"params\": {\"brightness_limit\": [0.1, 0.3]}}]}}";
  g_autoptr(AugurRecipe) recipe = augur_recipe_parse (text, -1, &error);
  g_autoptr(AugurRecipe) again = NULL;
  g_autofree char *written = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (recipe);
  written = augur_recipe_to_string (recipe);
  again = augur_recipe_parse (written, -1, &error);
  g_assert_no_error (error);
  g_assert_true (augur_recipe_equal (recipe, again));
  g_test_message ("%s", written);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/recipe/roundtrip", test_roundtrip);
  return g_test_run ();
}
