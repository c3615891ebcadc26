/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include <json-glib/json-glib.h>

#include "augur-error.h"
#include "augur-recipe.h"
#include "augur-rng.h"
#include "augur-stress.h"
#include "augur-test-util.h"
#include "augur-transform.h"

/*
 * Stress suites and presets: the shipped corruption recipes hold the
 * severity parameters of ImageNet-C (Hendrycks and Dietterich, ICLR 2019;
 * the table below is written from their make_imagenet_c.py), each
 * corruption grows with its severity on a photograph, Frost draws frost,
 * and `augur-cli stress` and `augur-cli presets` write what they say.
 */

static char *datadir;
static char *cli_path;

/* The published table ----------------------------------------------------------- */

static const double gaussian_noise_c[5] = { 0.08, 0.12, 0.18, 0.26, 0.38 };
static const double shot_noise_c[5] = { 60, 25, 12, 5, 3 };
static const double impulse_noise_c[5] = { 0.03, 0.06, 0.09, 0.17, 0.27 };
static const double defocus_c[5][2] = { { 3, 0.1 }, { 4, 0.5 }, { 6, 0.5 }, { 8, 0.5 }, { 10, 0.5 } };
static const double glass_c[5][3] = { { 0.7, 1, 2 }, { 0.9, 2, 1 }, { 1, 2, 3 }, { 1.1, 3, 2 }, { 1.5, 4, 2 } };
/* zoom_blur: np.arange(1, STOP, STEP) */
static const double zoom_c[5][2] = { { 1.11, 0.01 }, { 1.16, 0.01 }, { 1.21, 0.02 }, { 1.26, 0.02 }, { 1.31, 0.03 } };
static const double frost_c[5][2] = { { 1, 0.4 }, { 0.8, 0.6 }, { 0.7, 0.7 }, { 0.65, 0.7 }, { 0.6, 0.75 } };
static const double brightness_c[5] = { 0.1, 0.2, 0.3, 0.4, 0.5 };
static const double contrast_c[5] = { 0.4, 0.3, 0.2, 0.1, 0.05 };
/* elastic_transform: (alpha, sigma, affine), in pixels of a 224 px image
 * (the code writes 244 * k) */
static const double elastic_c[5][3] = {
  { 244 * 2, 244 * 0.7, 244 * 0.1 },
  { 244 * 2, 244 * 0.08, 244 * 0.2 },
  { 244 * 0.05, 244 * 0.01, 244 * 0.02 },
  { 244 * 0.07, 244 * 0.01, 244 * 0.02 },
  { 244 * 0.12, 244 * 0.01, 244 * 0.02 },
};
static const double pixelate_c[5] = { 0.6, 0.5, 0.4, 0.3, 0.25 };
static const double jpeg_c[5] = { 25, 18, 15, 10, 7 };

static const char *const corruptions[] = {
  "gaussian_noise", "shot_noise", "impulse_noise", "defocus_blur", "glass_blur", "motion_blur",
  "zoom_blur", "snow", "frost", "fog", "brightness", "contrast", "elastic_transform", "pixelate",
  "jpeg_compression",
};

/* The params of step @index of the recipe at @path, and its type. */
static JsonObject *
step_params (JsonParser  *parser,
             const char  *path,
             guint        index,
             const char **type)
{
  g_autoptr(GError) error = NULL;
  JsonObject *root, *step;
  JsonArray *steps;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  steps = json_object_get_array_member (json_object_get_object_member (root, "pipeline"), "steps");
  g_assert_cmpuint (json_array_get_length (steps), >, index);
  step = json_array_get_object_element (steps, index);
  g_assert_cmpfloat (json_object_get_double_member (step, "p"), ==, 1.0);
  *type = json_object_get_string_member (step, "type");
  return json_object_get_object_member (step, "params");
}

/* A range collapsed to one value: both ends @expected. */
static void
assert_fixed (JsonObject *params,
              const char *name,
              double      expected)
{
  JsonArray *range = json_object_get_array_member (params, name);

  g_assert_nonnull (range);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (range, 0), expected, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (range, 1), expected, 1e-6);
}

static void
assert_number (JsonObject *params,
               const char *name,
               double      expected)
{
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (params, name), expected, 1e-6);
}

static void
test_severity_table (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) members = augur_stress_suite_list (datadir, "corruptions", 1, 5, &error);

  g_assert_no_error (error);
  /* The 15 corruptions of the benchmark, each at its 5 severities. */
  g_assert_cmpuint (members->len, ==, 15 * 5);
  for (guint c = 0; c < G_N_ELEMENTS (corruptions); c++)
    for (guint s = 1; s <= 5; s++)
      {
        gboolean found = FALSE;

        for (guint i = 0; i < members->len && !found; i++)
          {
            const AugurBundled *member = members->pdata[i];

            found = g_str_equal (member->group, corruptions[c]) && member->level == s;
          }
        g_assert_true (found);
      }

  for (guint i = 0; i < members->len; i++)
    {
      const AugurBundled *member = members->pdata[i];
      g_autoptr(JsonParser) parser = json_parser_new ();
      const char *name = member->group, *type = NULL;
      guint s = member->level - 1;
      JsonObject *params = step_params (parser, member->path, 0, &type);

      g_test_message ("%s %u: %s", name, member->level, type);
      /* Each recipe cites where its numbers come from. */
      g_assert_nonnull (strstr (member->description, "Hendrycks and Dietterich"));

      if (g_str_equal (name, "gaussian_noise"))
        {
          g_assert_cmpstr (type, ==, "GaussNoise");
          assert_fixed (params, "std_range", gaussian_noise_c[s]);
          assert_fixed (params, "mean_range", 0);
        }
      else if (g_str_equal (name, "shot_noise"))
        {
          /* Poisson(x c) / c: a count of c photons at full scale. */
          g_assert_cmpstr (type, ==, "ShotNoise");
          assert_fixed (params, "scale_range", 1.0 / shot_noise_c[s]);
        }
      else if (g_str_equal (name, "impulse_noise"))
        {
          g_assert_cmpstr (type, ==, "SaltAndPepper");
          assert_fixed (params, "amount", impulse_noise_c[s]);
          assert_fixed (params, "salt_vs_pepper", 0.5);
        }
      else if (g_str_equal (name, "defocus_blur"))
        {
          g_assert_cmpstr (type, ==, "Defocus");
          assert_fixed (params, "radius", defocus_c[s][0]);
          assert_fixed (params, "alias_blur", defocus_c[s][1]);
        }
      else if (g_str_equal (name, "glass_blur"))
        {
          g_assert_cmpstr (type, ==, "GlassBlur");
          assert_number (params, "sigma", glass_c[s][0]);
          assert_number (params, "max_delta", glass_c[s][1]);
          assert_number (params, "iterations", glass_c[s][2]);
          g_assert_cmpstr (json_object_get_string_member (params, "mode"), ==, "exact");
        }
      else if (g_str_equal (name, "zoom_blur"))
        {
          g_assert_cmpstr (type, ==, "ZoomBlur");
          assert_fixed (params, "max_factor", zoom_c[s][0]);
          assert_fixed (params, "step_factor", zoom_c[s][1]);
        }
      else if (g_str_equal (name, "frost"))
        {
          g_assert_cmpstr (type, ==, "Frost");
          assert_number (params, "image_weight", frost_c[s][0]);
          assert_number (params, "frost_weight", frost_c[s][1]);
        }
      else if (g_str_equal (name, "brightness"))
        {
          /* + c on the HSV value, in 8-bit units */
          g_assert_cmpstr (type, ==, "HueSaturationValue");
          assert_fixed (params, "val_shift_limit", brightness_c[s] * 255);
          assert_fixed (params, "hue_shift_limit", 0);
          assert_fixed (params, "sat_shift_limit", 0);
        }
      else if (g_str_equal (name, "contrast"))
        {
          /* (x - mean) c + mean = c x + (1 - c) mean */
          g_assert_cmpstr (type, ==, "RandomBrightnessContrast");
          assert_fixed (params, "contrast_limit", contrast_c[s] - 1);
          assert_fixed (params, "brightness_limit", 1 - contrast_c[s]);
          g_assert_false (json_object_get_boolean_member (params, "brightness_by_max"));
        }
      else if (g_str_equal (name, "elastic_transform"))
        {
          g_assert_cmpstr (type, ==, "ElasticTransform");
          assert_number (params, "alpha", elastic_c[s][0]);
          assert_number (params, "sigma", elastic_c[s][1]);
          g_assert_cmpstr (json_object_get_string_member (params, "noise_distribution"), ==, "uniform");
        }
      else if (g_str_equal (name, "pixelate"))
        {
          g_assert_cmpstr (type, ==, "Downscale");
          assert_fixed (params, "scale_range", pixelate_c[s]);
          g_assert_cmpstr (json_object_get_string_member (params, "downscale"), ==, "area");
        }
      else if (g_str_equal (name, "jpeg_compression"))
        {
          g_assert_cmpstr (type, ==, "ImageCompression");
          assert_fixed (params, "quality_range", jpeg_c[s]);
          g_assert_cmpstr (json_object_get_string_member (params, "compression_type"), ==, "jpeg");
        }
      else if (g_str_equal (name, "motion_blur"))
        {
          /* Approximated (docs/stress.md): a line as long as the spread
           * of ImageMagick's streak of radius r and sigma s, that grows
           * with the severity. */
          g_assert_cmpstr (type, ==, "MotionBlur");
          g_assert_nonnull (json_object_get_array_member (params, "blur_limit"));
        }
      else if (g_str_equal (name, "snow"))
        g_assert_cmpstr (type, ==, "RandomSnow");
      else if (g_str_equal (name, "fog"))
        g_assert_cmpstr (type, ==, "RandomFog");
      else
        g_assert_not_reached ();
    }
}

/* Meaning grows with severity --------------------------------------------------- */

/* A 224 px photograph, as the benchmark corrupts them. */
static AugurImage *
photo (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (datadir, "samples", "chelsea.png", NULL);
  g_autoptr(AugurImage) full = augur_image_load (path, AUGUR_DEFAULT_MAX_PIXELS, &error);

  g_assert_no_error (error);
  return augur_image_scale (full, 224, 224);
}

/* Detail: the mean absolute Laplacian of the first channel. */
static double
detail (const AugurImage *image)
{
  double sum = 0;
  int nc = image->channels;

  for (int y = 1; y < image->height - 1; y++)
    for (int x = 1; x < image->width - 1; x++)
      {
        const guint8 *r = augur_image_row (image, y);
        int v = 4 * r[x * nc] - r[(x - 1) * nc] - r[(x + 1) * nc] -
                augur_image_row (image, y - 1)[x * nc] - augur_image_row (image, y + 1)[x * nc];

        sum += ABS (v);
      }
  return sum / ((image->width - 2.0) * (image->height - 2.0));
}

static double
mean_value (const AugurImage *image)
{
  double sum = 0;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width * image->channels; x++)
      sum += augur_image_row (image, y)[x];
  return sum / ((double) image->width * image->height * image->channels);
}

static double
std_value (const AugurImage *image)
{
  double mean = mean_value (image), sum = 0;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width * image->channels; x++)
      {
        double d = augur_image_row (image, y)[x] - mean;

        sum += d * d;
      }
  return sqrt (sum / ((double) image->width * image->height * image->channels));
}

/* How much of @a is left in @b: their correlation over every sample. */
static double
correlation (const AugurImage *a,
             const AugurImage *b)
{
  double ma = mean_value (a), mb = mean_value (b), sab = 0, saa = 0, sbb = 0;

  for (int y = 0; y < a->height; y++)
    for (int x = 0; x < a->width * a->channels; x++)
      {
        double da = augur_image_row (a, y)[x] - ma, db = augur_image_row (b, y)[x] - mb;

        sab += da * db;
        saa += da * da;
        sbb += db * db;
      }
  return sab / sqrt (saa * sbb);
}

typedef enum { GROWS_DIFFERENCE, LOSES_DETAIL, GROWS_MEAN, LOSES_SPREAD, LOSES_IMAGE } Meaning;

typedef struct
{
  const char *corruption;
  Meaning     meaning;
} MonotoneCase;

/* Elastic is left out: the benchmark's severities trade a large smooth
 * field (1, 2) for small sharp ones (3-5), not one quantity. */
static const MonotoneCase monotone_cases[] = {
  { "gaussian_noise", GROWS_DIFFERENCE },
  { "shot_noise", GROWS_DIFFERENCE },
  { "impulse_noise", GROWS_DIFFERENCE },
  { "defocus_blur", LOSES_DETAIL },
  { "glass_blur", GROWS_DIFFERENCE },
  { "motion_blur", LOSES_DETAIL },
  { "zoom_blur", GROWS_DIFFERENCE },
  { "snow", GROWS_DIFFERENCE },
  /* less image (1 down to 0.6) under more frost (0.4 up to 0.75): the
   * difference from the original need not grow, what is left of it falls */
  { "frost", LOSES_IMAGE },
  { "fog", GROWS_DIFFERENCE },
  { "brightness", GROWS_MEAN },
  { "contrast", LOSES_SPREAD },
  { "pixelate", GROWS_DIFFERENCE },
  { "jpeg_compression", GROWS_DIFFERENCE },
};

static void
test_monotone (gconstpointer data)
{
  const MonotoneCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) members = augur_stress_suite_list (datadir, "corruptions", 1, 5, &error);
  g_autoptr(AugurImage) image = photo ();
  double previous = 0;
  guint seen = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < members->len; i++)
    {
      const AugurBundled *member = members->pdata[i];
      g_autoptr(AugurRecipe) recipe = NULL;
      g_autoptr(AugurImage) out = NULL;
      double value = 0;

      if (!g_str_equal (member->group, c->corruption))
        continue;
      g_assert_cmpuint (member->level, ==, seen + 1);
      recipe = augur_recipe_load (member->path, &error);
      g_assert_no_error (error);
      out = augur_node_run (recipe->pipeline, image, augur_seed_derive (recipe->seed, "chelsea.png", 0), NULL);
      g_assert_cmpint (out->width, ==, image->width);
      g_assert_cmpint (out->height, ==, image->height);
      switch (c->meaning)
        {
        case GROWS_DIFFERENCE: value = augur_test_mean_difference (out, image); break;
        case LOSES_DETAIL: value = -detail (out); break;
        case GROWS_MEAN: value = mean_value (out); break;
        case LOSES_SPREAD: value = -std_value (out); break;
        case LOSES_IMAGE: value = -correlation (out, image); break;
        default: g_assert_not_reached ();
        }
      g_test_message ("%s %u: %g", c->corruption, member->level, value);
      /* Severity 1 already changes the image; each next one more. */
      if (seen == 0)
        {
          double base = 0;

          switch (c->meaning)
            {
            case GROWS_DIFFERENCE: base = 0; break;
            case LOSES_DETAIL: base = -detail (image); break;
            case GROWS_MEAN: base = mean_value (image); break;
            case LOSES_SPREAD: base = -std_value (image); break;
            case LOSES_IMAGE: base = -1; break;
            default: g_assert_not_reached ();
            }
          g_assert_cmpfloat (value, >, base);
        }
      else
        g_assert_cmpfloat (value, >, previous);
      previous = value;
      seen++;
    }
  g_assert_cmpuint (seen, ==, 5);
}

/* Frost ------------------------------------------------------------------------- */

static AugurNode *
frost_node (double image_weight,
            double frost_weight)
{
  g_autofree char *json = g_strdup_printf ("{\"type\": \"Frost\", \"params\": "
                                           "{\"image_weight\": %g, \"frost_weight\": %g}}",
                                           image_weight, frost_weight);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;
  AugurNode *frost = augur_node_from_json (node, "test", &error);

  g_assert_no_error (error);
  return frost;
}

static void
test_frost (void)
{
  g_autoptr(AugurImage) image = photo ();
  g_autoptr(AugurImage) black = augur_test_flat_image (224, 224, 3, 0);
  g_autoptr(AugurImage) gray = augur_test_flat_image (160, 120, 1, 40);
  g_autoptr(AugurNode) identity = frost_node (1, 0);
  g_autoptr(AugurNode) only_frost = frost_node (0, 1);
  g_autoptr(AugurNode) severity_3 = frost_node (0.7, 0.7);
  g_autoptr(AugurImage) same = augur_node_run (identity, image, 5, NULL);
  g_autoptr(AugurImage) ice = augur_node_run (only_frost, black, 5, NULL);
  g_autoptr(AugurImage) ice_again = augur_node_run (only_frost, black, 5, NULL);
  g_autoptr(AugurImage) ice_other = augur_node_run (only_frost, black, 6, NULL);
  g_autoptr(AugurImage) frosted = augur_node_run (severity_3, image, 5, NULL);
  g_autoptr(AugurImage) gray_frosted = augur_node_run (severity_3, gray, 5, NULL);
  guint blue_over_red = 0, n = 0;
  double ice_mean = mean_value (ice);

  /* Weights 1 and 0: the image itself. */
  g_assert_cmpfloat (augur_test_mean_difference (same, image), ==, 0);

  /* The frost alone: a partial film of ice (neither clear nor white), a
   * pure function of the seed, another for another seed. */
  g_assert_cmpfloat (ice_mean, >, 0.1 * 255);
  g_assert_cmpfloat (ice_mean, <, 0.7 * 255);
  g_assert_cmpfloat (augur_test_mean_difference (ice, ice_again), ==, 0);
  g_assert_cmpfloat (augur_test_mean_difference (ice, ice_other), >, 5);
  /* It has structure: crystals and patches, not a flat veil. */
  g_assert_cmpfloat (std_value (ice), >, 20);
  /* And it is a cold white: blue at least red wherever there is ice. */
  for (int y = 0; y < ice->height; y++)
    for (int x = 0; x < ice->width; x++)
      {
        const guint8 *p = augur_image_row (ice, y) + x * 3;

        if (p[0] > 30)
          {
            n++;
            blue_over_red += p[2] >= p[0];
          }
      }
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (blue_over_red, ==, n);

  /* 0.7 x + 0.7 frost, pixel by pixel, within rounding. */
  for (int y = 0; y < image->height; y += 7)
    for (int x = 0; x < image->width; x += 5)
      for (int c = 0; c < 3; c++)
        {
          double expected = 0.7 * augur_image_row (image, y)[x * 3 + c] + 0.7 * augur_image_row (ice, y)[x * 3 + c];

          g_assert_cmpfloat (fabs (MIN (expected, 255) - augur_image_row (frosted, y)[x * 3 + c]), <=, 1.5);
        }

  /* Gray in, gray out, brighter where the ice lies. */
  g_assert_cmpint (gray_frosted->channels, ==, 1);
  g_assert_cmpfloat (mean_value (gray_frosted), >, 0.7 * 40 + 10);
}

/* Presets ----------------------------------------------------------------------- */

static void
test_presets (void)
{
  static const char *const expected[] = { "documents", "driving", "fundus", "retail", "surveillance", "xray" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) presets = augur_presets_list (datadir, &error);
  g_autoptr(AugurRecipe) fundus = NULL;
  g_autoptr(AugurRecipe) missing = NULL;
  g_autoptr(AugurImage) image = photo ();

  g_assert_no_error (error);
  g_assert_cmpuint (presets->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < presets->len; i++)
    {
      const AugurBundled *preset = presets->pdata[i];
      g_autoptr(AugurRecipe) recipe = augur_recipe_load (preset->path, &error);
      g_autoptr(AugurImage) out = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (preset->name, ==, expected[i]);
      /* Each says what it simulates and what it avoids. */
      g_assert_nonnull (strstr (preset->description, "Simulates"));
      g_assert_nonnull (strstr (preset->description, "avoids"));
      /* And runs on a photograph. */
      out = augur_node_run (recipe->pipeline, image, augur_seed_derive (recipe->seed, "chelsea.png", 0), NULL);
      g_assert_nonnull (out);
    }

  /* The fundus preset keeps colour: no step of it changes hue. */
  fundus = augur_preset_load (datadir, "fundus", &error);
  g_assert_no_error (error);
  {
    g_autofree char *text = augur_recipe_to_string (fundus);

    g_assert_null (strstr (text, "Hue"));
    g_assert_null (strstr (text, "ColorJitter"));
    g_assert_null (strstr (text, "Planckian"));
  }

  missing = augur_preset_load (datadir, "cats", &error);
  g_assert_null (missing);
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "\"cats\""));
  g_assert_nonnull (strstr (error->message, "fundus"));
}

static void
test_suites (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) suites = augur_stress_suites (datadir);
  g_autoptr(GPtrArray) weather = NULL;
  g_autoptr(GPtrArray) some = NULL;
  g_autoptr(GPtrArray) none = NULL;
  static const char *const kinds[] = { "fog", "night", "rain", "shadow", "snow", "sun_flare" };

  g_assert_cmpuint (g_strv_length (suites), ==, 2);
  g_assert_cmpstr (suites[0], ==, "corruptions");
  g_assert_cmpstr (suites[1], ==, "weather");

  /* The weather suite: six conditions at five strengths, sorted. */
  weather = augur_stress_suite_list (datadir, "weather", 1, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (weather->len, ==, 6 * 5);
  for (guint i = 0; i < weather->len; i++)
    {
      const AugurBundled *member = weather->pdata[i];

      g_assert_cmpstr (member->group, ==, kinds[i / 5]);
      g_assert_cmpuint (member->level, ==, i % 5 + 1);
    }

  /* Night grows darker with its strength. */
  {
    g_autoptr(AugurImage) image = photo ();
    double previous = mean_value (image);

    for (guint i = 5; i < 10; i++)
      {
        const AugurBundled *member = weather->pdata[i];
        g_autoptr(AugurRecipe) recipe = augur_recipe_load (member->path, &error);
        g_autoptr(AugurImage) out = NULL;

        g_assert_no_error (error);
        out = augur_node_run (recipe->pipeline, image, recipe->seed, NULL);
        g_assert_cmpfloat (mean_value (out), <, previous);
        previous = mean_value (out);
      }
  }

  some = augur_stress_suite_list (datadir, "corruptions", 2, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (some->len, ==, 15 * 2);
  for (guint i = 0; i < some->len; i++)
    g_assert_cmpuint (((AugurBundled *) some->pdata[i])->level, ==, 2 + i % 2);

  none = augur_stress_suite_list (datadir, "earthquakes", 1, 5, &error);
  g_assert_null (none);
  g_assert_nonnull (strstr (error->message, "\"earthquakes\""));
  g_assert_nonnull (strstr (error->message, "corruptions, weather"));
}

/* augur-cli stress and presets ----------------------------------------------------- */

static char **
cli_env (void)
{
  char **env = g_get_environ ();

  return g_environ_setenv (env, "AUGUR_DATADIR", datadir, TRUE);
}

static int
run_cli (const char * const *args,
         char              **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = cli_env ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, cli_path);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, out, &err, &status, &error);
  g_assert_no_error (error);
  if (err && *err)
    g_test_message ("stderr: %s", err);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
test_cli_stress (void)
{
  g_autofree char *tmp = augur_test_make_tmp ("augur-stress-XXXXXX");
  g_autofree char *in = g_build_filename (tmp, "in", NULL);
  g_autofree char *sub = g_build_filename (in, "cats", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autofree char *again = g_build_filename (tmp, "again", NULL);
  g_autofree char *a_path = g_build_filename (sub, "a.png", NULL);
  g_autofree char *b_path = g_build_filename (in, "b.png", NULL);
  g_autofree char *index_path = g_build_filename (out, "stress.json", NULL);
  g_autofree char *index = NULL;
  g_autoptr(AugurImage) image = photo ();
  g_autoptr(AugurImage) small = augur_image_scale (image, 64, 48);
  g_autoptr(GError) error = NULL;
  const char *const only[] = { "gaussian_noise", "jpeg_compression" };

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  augur_image_save (image, a_path, AUGUR_IMAGE_FORMAT_PNG, 0, &error);
  g_assert_no_error (error);
  augur_image_save (small, b_path, AUGUR_IMAGE_FORMAT_PNG, 0, &error);
  g_assert_no_error (error);

  {
    const char *args[] = { "stress", in, "-o", out, "--suite", "corruptions", "--severities", "2-3",
                           "--only", "gaussian_noise,jpeg_compression", "--threads", "2", NULL };
    const char *args2[] = { "stress", in, "-o", again, "--suite", "corruptions", "--severities", "2-3",
                            "--only", "jpeg_compression,gaussian_noise", "--threads", "1", NULL };

    g_assert_cmpint (run_cli (args, NULL), ==, 0);
    g_assert_cmpint (run_cli (args2, NULL), ==, 0);
  }

  /* OUT/CORRUPTION/SEVERITY mirrors the inputs, with a manifest each;
   * no other corruption or severity is written. */
  for (guint c = 0; c < G_N_ELEMENTS (only); c++)
    for (guint s = 1; s <= 5; s++)
      {
        g_autofree char *level = g_strdup_printf ("%u", s);
        g_autofree char *folder = g_build_filename (out, only[c], level, NULL);
        g_autofree char *a_out = g_build_filename (folder, "cats", "a_0.png", NULL);
        g_autofree char *b_out = g_build_filename (folder, "b_0.png", NULL);
        g_autofree char *manifest = g_build_filename (folder, "manifest.jsonl", NULL);

        if (s < 2 || s > 3)
          {
            g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
            continue;
          }
        g_assert_true (g_file_test (a_out, G_FILE_TEST_IS_REGULAR));
        g_assert_true (g_file_test (b_out, G_FILE_TEST_IS_REGULAR));
        {
          g_autofree char *text = read_text (manifest);
          g_auto(GStrv) lines = g_strsplit (g_strstrip (text), "\n", -1);
          g_autoptr(AugurImage) a = augur_image_load (a_out, 0, &error);
          g_autofree char *a_again = g_build_filename (again, only[c], level, "cats", "a_0.png", NULL);
          g_autofree char *bytes = read_text (a_out);
          g_autofree char *bytes_again = read_text (a_again);

          /* One line per output, plus the run's header line. */
          g_assert_cmpuint (g_strv_length (lines), >=, 2);
          g_assert_nonnull (strstr (text, "cats/a.png"));
          g_assert_nonnull (strstr (text, "b.png"));
          /* The corruption did something, and the same again with other
           * threads and in another order: byte for byte. */
          g_assert_no_error (error);
          g_assert_cmpfloat (augur_test_mean_difference (a, image), >, 1);
          g_assert_cmpstr (bytes, ==, bytes_again);
        }
      }

  /* OUT/stress.json names each run, its folder and its manifest. */
  index = read_text (index_path);
  g_assert_nonnull (strstr (index, "\"suite\": \"corruptions\""));
  g_assert_nonnull (strstr (index, "\"output\": \"gaussian_noise/2\""));
  g_assert_nonnull (strstr (index, "\"manifest\": \"jpeg_compression/3/manifest.jsonl\""));
  g_assert_null (strstr (index, "gaussian_noise/4"));

  /* Usage errors: exit status 2. */
  {
    const char *no_suite[] = { "stress", in, "-o", out, NULL };
    const char *bad_suite[] = { "stress", in, "-o", out, "--suite", "earthquakes", NULL };
    const char *bad_levels[] = { "stress", in, "-o", out, "--suite", "corruptions", "--severities", "0-6", NULL };
    const char *bad_only[] = { "stress", in, "-o", out, "--suite", "weather", "--only", "hail", NULL };
    const char *inside[] = { "stress", in, "-o", sub, "--suite", "weather", "--only", "fog", NULL };

    g_assert_cmpint (run_cli (no_suite, NULL), ==, 2);
    g_assert_cmpint (run_cli (bad_suite, NULL), ==, 2);
    g_assert_cmpint (run_cli (bad_levels, NULL), ==, 2);
    g_assert_cmpint (run_cli (bad_only, NULL), ==, 2);
    /* Never into an input folder. */
    g_assert_cmpint (run_cli (inside, NULL), ==, 2);
  }

  augur_test_rm_rf (tmp);
}

static void
test_cli_presets (void)
{
  g_autofree char *tmp = augur_test_make_tmp ("augur-presets-XXXXXX");
  g_autofree char *copy = g_build_filename (tmp, "mine.json", NULL);
  g_autofree char *listing = NULL;
  g_autofree char *fundus_path = g_build_filename (datadir, "presets", "fundus.json", NULL);
  g_autoptr(AugurRecipe) original = NULL;
  g_autoptr(AugurRecipe) copied = NULL;
  g_autoptr(GError) error = NULL;
  const char *list[] = { "presets", NULL };
  const char *write[] = { "presets", "fundus", "-o", copy, NULL };
  const char *unknown[] = { "presets", "cats", "-o", copy, NULL };
  const char *no_output[] = { "presets", "fundus", NULL };

  g_assert_cmpint (run_cli (list, &listing), ==, 0);
  for (const char *const *name = (const char *const[]) { "documents", "driving", "fundus", "retail",
                                                         "surveillance", "xray", NULL }; *name; name++)
    g_assert_nonnull (strstr (listing, *name));
  g_assert_nonnull (strstr (listing, "colour carries the diagnosis"));

  g_assert_cmpint (run_cli (write, NULL), ==, 0);
  original = augur_recipe_load (fundus_path, &error);
  g_assert_no_error (error);
  copied = augur_recipe_load (copy, &error);
  g_assert_no_error (error);
  g_assert_true (augur_recipe_equal (original, copied));

  g_assert_cmpint (run_cli (unknown, NULL), ==, 2);
  g_assert_cmpint (run_cli (no_output, NULL), ==, 2);
  augur_test_rm_rf (tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("AUGUR_SOURCE_DIR"))
    datadir = g_build_filename (g_getenv ("AUGUR_SOURCE_DIR"), "data", NULL);
  else
    datadir = g_strdup (SOURCE_DATADIR);
  cli_path = augur_test_cli_path (argc, argv);

  g_test_add_func ("/stress/core/severity-table", test_severity_table);
  for (guint i = 0; i < G_N_ELEMENTS (monotone_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/stress/core/monotone-%s", monotone_cases[i].corruption);

      g_test_add_data_func (path, &monotone_cases[i], test_monotone);
    }
  g_test_add_func ("/stress/core/frost", test_frost);
  g_test_add_func ("/stress/core/presets", test_presets);
  g_test_add_func ("/stress/core/suites", test_suites);
  g_test_add_func ("/stress/cli/stress", test_cli_stress);
  g_test_add_func ("/stress/cli/presets", test_cli_presets);

  return g_test_run ();
}
