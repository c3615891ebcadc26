/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-transform-private.h"

const char *const augur_fill_nicks_none[] = { NULL };
const char *const augur_fill_border_nicks[] = { "constant", NULL };
const char *const augur_area_for_downscale_nicks[] = { "image", "image_mask", NULL };

const AugurDrawnSpec augur_box_drawn[] = {
  { "x", FALSE, 0, 1e9, .label = "Left edge", .unit = "px" },
  { "y", FALSE, 0, 1e9, .label = "Top edge", .unit = "px" },
  { "width", FALSE, 1, 1e9, .label = "Width", .unit = "px" },
  { "height", FALSE, 1, 1e9, .label = "Height", .unit = "px" },
  { NULL },
};

const AugurDrawnSpec augur_no_drawn[] = { { NULL } };

void
augur_sample_nothing (const AugurValue *params,
                      const AugurShape *in,
                      AugurRng         *rng,
                      AugurDrawn       *drawn)
{
}

/* For a transform whose k-th drawn value is uniform over its k-th
 * parameter (a range), for every drawn entry in order. */
void
augur_sample_uniform_each (const AugurValue     *params,
                           const AugurDrawnSpec *specs,
                           AugurRng             *rng,
                           AugurDrawn           *drawn)
{
  for (guint k = 0; specs[k].name != NULL; k++)
    augur_drawn_set (drawn, specs[k].name, augur_rng_range (rng, params[k].v[0], params[k].v[1]));
}

static const char *const categories[] = {
  AUGUR_CATEGORY_GEOMETRY,
  AUGUR_CATEGORY_CROP,
  AUGUR_CATEGORY_DISTORT,
  AUGUR_CATEGORY_COLOR,
  AUGUR_CATEGORY_BLUR,
  AUGUR_CATEGORY_NOISE,
  AUGUR_CATEGORY_QUALITY,
  AUGUR_CATEGORY_WEATHER,
  AUGUR_CATEGORY_OCCLUSION,
  AUGUR_CATEGORY_BLEND,
  NULL,
};

const char *const *
augur_transform_categories (void)
{
  return categories;
}

static const AugurTransformInfo *const *
all_transforms (guint *n_out)
{
  static const AugurTransformInfo **list;
  static guint n;

  if (g_once_init_enter (&list))
    {
      const struct { const AugurTransformInfo *table; const guint *n; } parts[] = {
        { augur_geometry_transforms,  &augur_n_geometry_transforms },
        { augur_crop_transforms,      &augur_n_crop_transforms },
        { augur_distort_transforms,   &augur_n_distort_transforms },
        { augur_color_transforms,     &augur_n_color_transforms },
        { augur_tone_transforms,      &augur_n_tone_transforms },
        { augur_blur_transforms,      &augur_n_blur_transforms },
        { augur_noise_transforms,     &augur_n_noise_transforms },
        { augur_quality_transforms,   &augur_n_quality_transforms },
        { augur_weather_transforms,   &augur_n_weather_transforms },
        { augur_stress_transforms,    &augur_n_stress_transforms },
        { augur_occlusion_transforms, &augur_n_occlusion_transforms },
        { augur_blend_transforms,     &augur_n_blend_transforms },
      };
      GPtrArray *all = g_ptr_array_new ();

      for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
        for (guint j = 0; j < *parts[i].n; j++)
          g_ptr_array_add (all, (gpointer) &parts[i].table[j]);

      n = all->len;
      /* NULL-terminated, so the list is never a NULL pointer (which
       * g_once_init_leave refuses), even with no transforms at all. */
      g_ptr_array_add (all, NULL);
      g_once_init_leave (&list, (const AugurTransformInfo **) g_ptr_array_free (all, FALSE));
    }

  *n_out = n;
  return list;
}

/**
 * augur_transforms_list:
 *
 * Every transform Augur has, in the order of the category tables.
 */
const AugurTransformInfo *const *
augur_transforms_list (guint *n)
{
  return all_transforms (n);
}

const AugurTransformInfo *
augur_transform_lookup (const char *name)
{
  guint n;
  const AugurTransformInfo *const *list = all_transforms (&n);

  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < n; i++)
    if (g_str_equal (list[i]->name, name))
      return list[i];
  return NULL;
}

int
augur_transform_param_index (const AugurTransformInfo *info,
                             const char               *name)
{
  for (guint i = 0; i < info->n_params; i++)
    if (g_str_equal (info->params[i].name, name))
      return (int) i;
  return -1;
}

void
augur_transform_defaults (const AugurTransformInfo *info,
                          AugurValue               *params)
{
  for (guint i = 0; i < info->n_params; i++)
    augur_param_default (&info->params[i], &params[i]);
}
