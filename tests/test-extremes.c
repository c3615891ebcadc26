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
  g_assert_true (g_str_has_prefix (last->values, "Contrast "));
  g_assert_nonnull (strstr (last->values, "%, Brightness "));

  flipped = augur_node_apply (augur_node_at_path (pipeline, "0"), src, replay->steps->pdata[0]);
  g_assert_true (augur_image_equal (first->image, flipped));
  g_assert_false (augur_image_equal (first->image, src));
  g_assert_true (augur_image_equal (last->image, expected));
}

/* With the preview's pool, a blend's frame is the blend itself: MixUp
 * towards a flat reference changes the image, and the last frame is what
 * augur_node_apply_full() gives with the same pool. Without a pool the
 * replay could not have applied the blend at all. */
static void
test_filmstrip_blend (void)
{
  g_autoptr(AugurNode) pipeline = node_from_json (
    "{\"type\": \"Sequential\", \"steps\": ["
    " {\"type\": \"HorizontalFlip\", \"p\": 1},"
    " {\"type\": \"MixUp\", \"p\": 1}]}");
  g_autoptr(AugurImage) src = make_image (40, 30, 3);
  g_autoptr(AugurImage) ref = augur_image_new (40, 30, 3);
  const char *keys[] = { "black.png" };
  AugurImage *images[] = { ref };
  g_autoptr(AugurReferencePool) pool = augur_reference_pool_new_from_images (keys, images, 1);
  AugurShape shape = { src->width, src->height, src->channels };
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurImage) expected = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(AugurReferencePool) empty = augur_reference_pool_new ();
  g_autoptr(GError) error = NULL;
  AugurFrame *blend;

  augur_node_ensure_ids (pipeline);
  replay = augur_node_sample_full (pipeline, &shape, 7, FALSE, pool, &error);
  g_assert_no_error (error);
  expected = augur_node_apply_full (pipeline, src, replay, pool, NULL, NULL, &error);
  g_assert_no_error (error);
  frames = augur_filmstrip_new_full (pipeline, src, replay, pool, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (frames->len, ==, 2);
  blend = frames->pdata[1];
  g_assert_cmpstr (blend->name, ==, "MixUp");
  g_assert_cmpstr (blend->path, ==, "1");
  g_assert_false (augur_image_equal (blend->image, ((AugurFrame *) frames->pdata[0])->image));
  g_assert_true (augur_image_equal (blend->image, expected));

  /* a pool that lacks the replay's reference: an error naming the step */
  none = augur_filmstrip_new_full (pipeline, src, replay, empty, &error);
  g_assert_null (none);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "MixUp"));
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

/* Values the table does not describe read by name. */
static void
test_format_plain (void)
{
  AugurDrawn drawn;
  const double holes[] = { 1, 2.5, 3, 4, 5 };
  g_autofree char *empty = NULL;
  g_autofree char *text = NULL;

  augur_drawn_init (&drawn);
  empty = augur_drawn_format (&drawn, NULL);
  augur_drawn_set (&drawn, "angle", -15);
  augur_drawn_set (&drawn, "scale", 1.23456);
  augur_drawn_set_list (&drawn, "holes", holes, G_N_ELEMENTS (holes));
  text = augur_drawn_format (&drawn, NULL);
  augur_drawn_clear (&drawn);

  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (text, ==, "angle -15, scale 1.23, holes 1 to 5");
}

typedef struct
{
  const char *transform;
  const char *names[3];
  double      values[3];
  const char *expected;
} FormatCase;

/* Values as the table declares them: in the user's terms and units. */
static const FormatCase format_cases[] = {
  { "GaussianBlur", { "sigma", "ksize" }, { 1.25, 0 }, "Sigma 1.25 px, Kernel size auto" },
  { "GaussianBlur", { "sigma", "ksize" }, { 6, 37 }, "Sigma 6 px, Kernel size 37 px" },
  { "RandomBrightnessContrast", { "alpha", "beta" }, { 1.12, -0.05 }, "Contrast +12%, Brightness -5%" },
  { "Rotate", { "angle" }, { -12.345 }, "Angle -12.3°" },
  { "D4", { "group_element" }, { 6 }, "Result flipped horizontally" },
  { "RandomRotate90", { "factor" }, { 3 }, "Turn 90° clockwise" },
  { "HueSaturationValue", { "hue_shift", "sat_shift", "val_shift" }, { 10, -20, 0 },
    "Hue +20°, Saturation -20, Value 0" },
  { "GaussNoise", { "std", "mean", "seed" }, { 0.05, 0, 123456 }, "Strength 5%, Mean 0%" },
};

static void
test_format_table (gconstpointer data)
{
  const FormatCase *c = data;
  const AugurTransformInfo *info = augur_transform_lookup (c->transform);
  g_autofree char *text = NULL;
  AugurDrawn drawn;

  g_assert_nonnull (info);
  augur_drawn_init (&drawn);
  for (guint i = 0; i < G_N_ELEMENTS (c->names) && c->names[i] != NULL; i++)
    augur_drawn_set (&drawn, c->names[i], c->values[i]);
  text = augur_drawn_format (&drawn, info->drawn);
  augur_drawn_clear (&drawn);
  g_assert_cmpstr (text, ==, c->expected);
}

/* A list of records reads as how many there are; a seed is not shown. */
static void
test_format_holes (void)
{
  const AugurTransformInfo *info = augur_transform_lookup ("CoarseDropout");
  g_autoptr(AugurNode) node = NULL;
  g_autoptr(AugurReplay) replay = NULL;
  AugurShape shape = { 640, 480, 3 };
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  const double *holes;
  guint n;

  g_assert_nonnull (info);
  node = augur_node_new_transform (info);
  replay = augur_node_sample_forced (node, &shape, 7);
  holes = augur_drawn_get_list (&replay->drawn, "holes", &n);
  g_assert_nonnull (holes);
  g_assert_cmpuint (n % 4, ==, 0);
  g_assert_cmpuint (n, >, 0);
  text = augur_drawn_format (&replay->drawn, info->drawn);
  expected = g_strdup_printf ("%u %s", n / 4, n / 4 == 1 ? "hole" : "holes");
  g_assert_cmpstr (text, ==, expected);
}

/* The reference pages say, from the same data, what a step draws and when
 * a parameter takes effect. */
static void
test_describe_from_table (void)
{
  const AugurTransformInfo *blur = augur_transform_lookup ("GaussianBlur");
  const AugurTransformInfo *rotate = augur_transform_lookup ("Rotate");
  const AugurTransformInfo *noise = augur_transform_lookup ("GaussNoise");
  g_autofree char *blur_text = augur_drawn_describe_specs (blur->drawn);
  g_autofree char *noise_text = augur_drawn_describe_specs (noise->drawn);
  g_autofree char *fill = augur_param_describe_relevance (
    &rotate->params[augur_transform_param_index (rotate, "fill")]);
  g_autofree char *angle = augur_param_describe_relevance (
    &rotate->params[augur_transform_param_index (rotate, "limit")]);

  g_assert_cmpstr (blur_text, ==, "sigma (Sigma, px), ksize (Kernel size, px; 0 means auto)");
  /* the noise seed is internal */
  g_assert_null (strstr (noise_text, "seed"));
  g_assert_cmpstr (fill, ==, "only when border_mode is constant");
  g_assert_null (angle);
}

/* Every value a transform draws is declared, and every declared value has
 * a label or is shown otherwise than by its internal name. */
static void
test_format_every_transform (void)
{
  guint n = 0;
  const AugurTransformInfo *const *list = augur_transforms_list (&n);

  for (guint i = 0; i < n; i++)
    for (const AugurDrawnSpec *spec = list[i]->drawn; spec && spec->name; spec++)
      {
        g_test_message ("%s: %s", list[i]->name, spec->name);
        g_assert_true (spec->label != NULL || spec->show == AUGUR_DRAWN_SHOW_HIDDEN ||
                       (spec->show == AUGUR_DRAWN_SHOW_COUNT && spec->unit != NULL));
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/extremes/brightness", test_brightness);
  g_test_add_func ("/extremes/no-ranges", test_no_ranges);
  g_test_add_func ("/extremes/every-range-kind", test_every_range_kind);
  g_test_add_func ("/extremes/filmstrip", test_filmstrip);
  g_test_add_func ("/extremes/filmstrip-blend", test_filmstrip_blend);
  g_test_add_func ("/extremes/filmstrip-nothing-applied", test_filmstrip_nothing_applied);
  g_test_add_func ("/extremes/node-at-path", test_node_at_path);
  g_test_add_func ("/extremes/format-plain", test_format_plain);
  for (guint i = 0; i < G_N_ELEMENTS (format_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/extremes/format/%s/%u", format_cases[i].transform, i);

      g_test_add_data_func (path, &format_cases[i], test_format_table);
    }
  g_test_add_func ("/extremes/format-holes", test_format_holes);
  g_test_add_func ("/extremes/format-every-transform", test_format_every_transform);
  g_test_add_func ("/extremes/describe-from-table", test_describe_from_table);
  return g_test_run ();
}
