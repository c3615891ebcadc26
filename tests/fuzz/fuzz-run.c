/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-fuzz"

#include "config.h"

#include "augur-recipe.h"

#include "fuzz-target.h"

/* Recipe -> run on a tiny image -> replay: a recipe that reads is run on
 * a 7x5 image with the recipe's seed; its replay, written as JSON and read
 * back, must apply to the same pixels. Draws whose output would be over a
 * megapixel are sampled but not applied (recipes have no cost bound yet). */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(AugurRecipe) recipe = augur_recipe_parse ((const char *) data, (gssize) size, NULL);
  g_autoptr(AugurImage) image = NULL;
  g_autoptr(AugurReplay) drawn = NULL;
  g_autoptr(AugurReplay) back = NULL;
  g_autoptr(AugurImage) out = NULL;
  g_autoptr(AugurImage) replayed = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AugurShape in = { 7, 5, 3 }, shape;

  if (recipe == NULL)
    return 0;

  image = augur_image_new (in.width, in.height, in.channels);
  for (int i = 0; i < in.width * in.height * in.channels; i++)
    image->data[i] = (guint8) (i * 37 + 11);

  drawn = augur_node_sample (recipe->pipeline, &in, recipe->seed);
  augur_node_output_shape (recipe->pipeline, drawn, &in, &shape);
  g_assert_true (shape.width > 0 && shape.height > 0);
  if ((gint64) shape.width * shape.height > 1 << 20)
    return 0;

  out = augur_node_apply (recipe->pipeline, image, drawn);
  g_assert_cmpint (out->width, ==, shape.width);
  g_assert_cmpint (out->height, ==, shape.height);

  json = augur_replay_to_json (drawn, recipe->pipeline);
  text = augur_json_to_string (json, FALSE);
  parsed = augur_json_parse_limited (text, -1, 1 << 24, 256, &error);
  g_assert_no_error (error);
  back = augur_replay_from_json (parsed, recipe->pipeline, &error);
  g_assert_no_error (error);
  replayed = augur_node_apply (recipe->pipeline, image, back);
  g_assert_true (augur_image_equal (out, replayed));
  return 0;
}
