/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "augur-extremes.h"
#include "augur-recipe.h"

/* A gradient with a different value in every channel and no symmetry, so
 * that a flip or a brightness change always shows. */
static AugurImage *
make_image (int width,
            int height,
            int channels)
{
  AugurImage *image = augur_image_new (width, height, channels);

  for (int y = 0; y < height; y++)
    {
      guint8 *row = augur_image_row (image, y);

      for (int x = 0; x < width; x++)
        for (int c = 0; c < channels; c++)
          row[x * channels + c] = (guint8) (60 + (x * 7 + y * 3 + c * 20) % 130);
    }
  return image;
}

static AugurNode *
node_from_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = json_from_string (text, &error);
  AugurNode *node;

  g_assert_no_error (error);
  node = augur_node_from_json (json, "test", &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* Brightness at its low end, middle and high end: means increase, and each
 * variant keeps contrast at the middle of its range (alpha = 1). */
static void
test_brightness (void)
{
  g_autoptr(AugurNode) node = node_from_json (
    "{\"type\": \"RandomBrightnessContrast\", \"p\": 0.2,"
    " \"params\": {\"brightness_limit\": [-0.2, 0.1], \"contrast_limit\": [-0.1, 0.1]}}");
  g_autoptr(AugurImage) src = make_image (32, 24, 3);
  g_autoptr(GPtrArray) extremes = augur_extremes_new (node);
  const char *labels[] = {
    "brightness_limit = -0.2", "brightness_limit = -0.05", "brightness_limit = 0.1",
    "contrast_limit = -0.1", "contrast_limit = 0", "contrast_limit = 0.1",
  };
  double means[3];

  g_assert_cmpuint (extremes->len, ==, G_N_ELEMENTS (labels));
  for (guint i = 0; i < extremes->len; i++)
    {
      AugurExtreme *e = extremes->pdata[i];

      g_assert_cmpstr (e->label, ==, labels[i]);
      g_assert_cmpint (e->end, ==, i % 3);
      g_assert_cmpfloat (e->node->p, ==, 1.0);
    }

  for (guint i = 0; i < 3; i++)
    {
      AugurExtreme *e = extremes->pdata[i];
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_extreme_render (e, src, &replay);
      g_autoptr(AugurImage) again = augur_extreme_render (e, src, NULL);

      g_assert_true (replay->applied);
      g_assert_cmpfloat_with_epsilon (augur_drawn_get (&replay->drawn, "alpha"), 1.0, 1e-12);
      g_assert_cmpfloat_with_epsilon (augur_drawn_get (&replay->drawn, "beta"), e->value, 1e-12);
      g_assert_true (augur_image_equal (out, again));
      means[i] = augur_image_mean (out, -1);
    }

  /* beta * 255 is added to every pixel (none clip on this image). */
  g_assert_cmpfloat (means[0], <, means[1]);
  g_assert_cmpfloat (means[1], <, means[2]);
  g_assert_cmpfloat_with_epsilon (means[2] - means[0], 0.3 * 255, 1.0);
}

static void
test_no_ranges (void)
{
  g_autoptr(AugurNode) flip = node_from_json ("{\"type\": \"HorizontalFlip\"}");
  g_autoptr(AugurNode) group = node_from_json (
    "{\"type\": \"OneOf\", \"steps\": [{\"type\": \"RandomBrightnessContrast\"}]}");
  g_autoptr(GPtrArray) a = augur_extremes_new (flip);
  g_autoptr(GPtrArray) b = augur_extremes_new (group);

  g_assert_cmpuint (a->len, ==, 0);
  g_assert_cmpuint (b->len, ==, 0);
}

/* A transform of the test's own, with every kind of range. */
enum { FAKE_COUNT, FAKE_SCALE, FAKE_OPTIONAL, FAKE_AMOUNT, N_FAKE };

static const AugurParamSpec fake_params[] = {
  [FAKE_COUNT] = { .name = "count", .type = AUGUR_PARAM_INT_RANGE, .min = 0, .max = 10, .def = { 1, 4 } },
  [FAKE_SCALE] = { .name = "scale", .type = AUGUR_PARAM_XY_RANGE, .min = -5, .max = 5,
                   .def = { 0.5, 1.5, -2, 2 } },
  [FAKE_OPTIONAL] = { .name = "optional", .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_NULLABLE,
                      .min = 0, .max = 1, .def = { 0, 1 }, .def_null = TRUE },
  [FAKE_AMOUNT] = { .name = "amount", .type = AUGUR_PARAM_NUMBER, .min = 0, .max = 1, .def = { 0.5 } },
};

static const AugurDrawnSpec fake_drawn[] = { { NULL } };

static void
fake_sample (const AugurValue *params, const AugurShape *in, AugurRng *rng, AugurDrawn *drawn)
{
}

static AugurImage *
fake_apply (const AugurImage *src, const AugurValue *params, const AugurDrawn *drawn)
{
  return augur_image_copy (src);
}

static const AugurTransformInfo fake_info = {
  .name = "Fake", .label = "Fake", .params = fake_params, .n_params = N_FAKE,
  .drawn = fake_drawn, .sample = fake_sample, .apply = fake_apply,
};

typedef struct
{
  const char *param;
  double      value;
  double      count[2];
  double      scale[4];
} FakeCase;

static void
test_every_range_kind (void)
{
  g_autoptr(AugurNode) node = augur_node_new_transform (&fake_info);
  g_autoptr(GPtrArray) extremes = augur_extremes_new (node);
  /* The middle of an integer range [1, 4] rounds toward its low end. */
  const FakeCase cases[] = {
    { "count",   1,   { 1, 1 }, { 1, 1, 0, 0 } },
    { "count",   2,   { 2, 2 }, { 1, 1, 0, 0 } },
    { "count",   4,   { 4, 4 }, { 1, 1, 0, 0 } },
    { "scale.x", 0.5, { 2, 2 }, { 0.5, 0.5, 0, 0 } },
    { "scale.x", 1,   { 2, 2 }, { 1, 1, 0, 0 } },
    { "scale.x", 1.5, { 2, 2 }, { 1.5, 1.5, 0, 0 } },
    { "scale.y", -2,  { 2, 2 }, { 1, 1, -2, -2 } },
    { "scale.y", 0,   { 2, 2 }, { 1, 1, 0, 0 } },
    { "scale.y", 2,   { 2, 2 }, { 1, 1, 2, 2 } },
  };

  g_assert_cmpuint (extremes->len, ==, G_N_ELEMENTS (cases));
  for (guint i = 0; i < extremes->len; i++)
    {
      AugurExtreme *e = extremes->pdata[i];
      const AugurValue *v = e->node->params;

      g_test_message ("%s", e->label);
      g_assert_cmpstr (e->param, ==, cases[i].param);
      g_assert_cmpfloat (e->value, ==, cases[i].value);
      g_assert_cmpfloat (v[FAKE_COUNT].v[0], ==, cases[i].count[0]);
      g_assert_cmpfloat (v[FAKE_COUNT].v[1], ==, cases[i].count[1]);
      for (guint j = 0; j < 4; j++)
        g_assert_cmpfloat (v[FAKE_SCALE].v[j], ==, cases[i].scale[j]);
      /* Not set, not a range: untouched. */
      g_assert_true (v[FAKE_OPTIONAL].is_null);
      g_assert_cmpfloat (v[FAKE_AMOUNT].v[0], ==, 0.5);
    }
}

/* The filmstrip follows the replay: one frame per applied transform, with
 * its path, and the last frame is what augur_node_apply() returns. */
static void
test_filmstrip (void)
{
  g_autoptr(AugurNode) pipeline = node_from_json (
    "{\"type\": \"Sequential\", \"steps\": ["
    "  {\"type\": \"HorizontalFlip\", \"p\": 1},"
    "  {\"type\": \"VerticalFlip\", \"p\": 0},"
    "  {\"type\": \"OneOf\", \"p\": 1, \"steps\": ["
    "    {\"type\": \"VerticalFlip\", \"enabled\": false},"
    "    {\"type\": \"RandomBrightnessContrast\", \"p\": 0.1}]}]}");
  g_autoptr(AugurImage) src = make_image (20, 10, 4);
  AugurShape shape = { src->width, src->height, src->channels };
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurImage) expected = NULL;
  g_autoptr(AugurImage) flipped = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  AugurFrame *first, *last;

  replay = augur_node_sample (pipeline, &shape, 42);
  expected = augur_node_apply (pipeline, src, replay);
  frames = augur_filmstrip_new (pipeline, src, replay);

  g_assert_cmpuint (frames->len, ==, 2);
  first = frames->pdata[0];
  last = frames->pdata[1];
  g_assert_cmpstr (first->path, ==, "0");
  g_assert_cmpstr (first->name, ==, "HorizontalFlip");
  g_assert_cmpstr (first->values, ==, "");
  g_assert_cmpstr (last->path, ==, "2.1");
  g_assert_cmpstr (last->name, ==, "RandomBrightnessContrast");
  g_assert_true (g_str_has_prefix (last->values, "alpha = "));
  g_assert_nonnull (strstr (last->values, ", beta = "));

  flipped = augur_node_apply (augur_node_at_path (pipeline, "0"), src, replay->steps->pdata[0]);
  g_assert_true (augur_image_equal (first->image, flipped));
  g_assert_false (augur_image_equal (first->image, src));
  g_assert_true (augur_image_equal (last->image, expected));
}

static void
test_filmstrip_nothing_applied (void)
{
  g_autoptr(AugurNode) pipeline = node_from_json (
    "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"HorizontalFlip\", \"p\": 0}]}");
  g_autoptr(AugurImage) src = make_image (8, 8, 1);
  AugurShape shape = { 8, 8, 1 };
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(GPtrArray) frames = NULL;

  replay = augur_node_sample (pipeline, &shape, 1);
  frames = augur_filmstrip_new (pipeline, src, replay);
  g_assert_cmpuint (frames->len, ==, 0);
}

typedef struct
{
  const char *path;
  const char *type; /* NULL: no such node */
} PathCase;

static void
test_node_at_path (void)
{
  g_autoptr(AugurNode) pipeline = node_from_json (
    "{\"type\": \"Sequential\", \"steps\": ["
    "  {\"type\": \"HorizontalFlip\"},"
    "  {\"type\": \"OneOf\", \"steps\": [{\"type\": \"VerticalFlip\"}]}]}");
  const PathCase cases[] = {
    { "", "Sequential" }, { "0", "HorizontalFlip" }, { "1", "OneOf" }, { "1.0", "VerticalFlip" },
    { "2", NULL }, { "0.0", NULL }, { "1.", NULL }, { "a", NULL }, { "1.0x", NULL }, { "-1", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const AugurNode *node = augur_node_at_path (pipeline, cases[i].path);

      if (cases[i].type == NULL)
        g_assert_null (node);
      else
        g_assert_cmpstr (augur_node_type_name (node), ==, cases[i].type);
    }
  g_assert_null (augur_node_at_path (pipeline, NULL));
}

static void
test_describe (void)
{
  AugurDrawn drawn;
  const double holes[] = { 1, 2.5, 3, 4, 5 };
  g_autofree char *empty = NULL;
  g_autofree char *text = NULL;

  augur_drawn_init (&drawn);
  empty = augur_drawn_describe (&drawn);
  augur_drawn_set (&drawn, "angle", -15);
  augur_drawn_set (&drawn, "scale", 1.23456);
  augur_drawn_set_list (&drawn, "holes", holes, G_N_ELEMENTS (holes));
  text = augur_drawn_describe (&drawn);
  augur_drawn_clear (&drawn);

  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (text, ==, "angle = -15, scale = 1.23, holes = [1, 2.5, 3, 4, … 5 values]");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/extremes/brightness", test_brightness);
  g_test_add_func ("/extremes/no-ranges", test_no_ranges);
  g_test_add_func ("/extremes/every-range-kind", test_every_range_kind);
  g_test_add_func ("/extremes/filmstrip", test_filmstrip);
  g_test_add_func ("/extremes/filmstrip-nothing-applied", test_filmstrip_nothing_applied);
  g_test_add_func ("/extremes/node-at-path", test_node_at_path);
  g_test_add_func ("/extremes/describe", test_describe);
  return g_test_run ();
}
