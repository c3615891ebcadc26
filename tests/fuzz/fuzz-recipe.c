/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-fuzz"

#include "config.h"

#include "augur-recipe.h"

#include "fuzz-target.h"

/* The recipe reader and writer: any text is refused with an error or
 * read; a recipe read is written, and the text written reads back as an
 * equal recipe that writes the same text again. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = augur_recipe_parse ((const char *) data, (gssize) size, &error);
  g_autoptr(AugurRecipe) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  if (recipe == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  text = augur_recipe_to_string (recipe);
  again = augur_recipe_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (augur_recipe_equal (recipe, again));
  text_again = augur_recipe_to_string (again);
  g_assert_cmpstr (text, ==, text_again);
  return 0;
}
