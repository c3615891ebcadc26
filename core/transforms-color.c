/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-transform-private.h"

/* RandomBrightnessContrast ------------------------------------------------------ */

enum { RBC_BRIGHTNESS, RBC_CONTRAST, RBC_BY_MAX, RBC_SAFE };

static const AugurParamSpec rbc_params[] = {
  [RBC_BRIGHTNESS] = {
    .name = "brightness_limit", .label = "Brightness",
    .description = "Added brightness, as a fraction of the maximum value (or of the mean, without brightness_by_max)",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -1, .max = 1, .ui_min = -0.5, .ui_max = 0.5, .step = 0.01, .def = { -0.2, 0.2 } },
  [RBC_CONTRAST] = {
    .name = "contrast_limit", .label = "Contrast",
    .description = "Contrast change: pixels are multiplied by 1 + this value",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -1, .max = 10, .ui_min = -0.5, .ui_max = 0.5, .step = 0.01, .def = { -0.2, 0.2 } },
  [RBC_BY_MAX] = {
    .name = "brightness_by_max", .label = "Brightness by maximum",
    .description = "Brightness is a fraction of the maximum value (255); otherwise of the image mean",
    .type = AUGUR_PARAM_BOOL, .def = { 1 } },
  [RBC_SAFE] = {
    .name = "ensure_safe_range", .label = "Safe range",
    .description = "Narrow the drawn values so that no pixel would leave [0, 255]",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
};

static const AugurDrawnSpec rbc_drawn[] = {
  { "alpha", FALSE, 0, 11 },
  { "beta", FALSE, -1, 1 },
  { NULL },
};

static void
rbc_sample (const AugurValue *params,
            const AugurShape *in,
            AugurRng         *rng,
            AugurDrawn       *drawn)
{
  double alpha = 1.0 + augur_rng_range (rng, params[RBC_CONTRAST].v[0], params[RBC_CONTRAST].v[1]);
  double beta = augur_rng_range (rng, params[RBC_BRIGHTNESS].v[0], params[RBC_BRIGHTNESS].v[1]);

  augur_drawn_set (drawn, "alpha", MAX (alpha, 0));
  augur_drawn_set (drawn, "beta", beta);
}

static AugurImage *
rbc_apply (const AugurImage *src,
           const AugurValue *params,
           const AugurDrawn *drawn)
{
  double alpha = augur_drawn_get (drawn, "alpha");
  double beta = augur_drawn_get (drawn, "beta");
  int nc = src->channels, color = nc == 4 ? 3 : nc;
  AugurImage *out = augur_image_new_like (src);
  guint8 lut[256];

  /* Albumentations: alpha * x + beta * max (or beta * mean). */
  beta *= AUGUR_PARAM_BOOL_VALUE (params, RBC_BY_MAX) ? 255.0 : augur_image_mean (src, -1);
  for (int i = 0; i < 256; i++)
    lut[i] = augur_clamp_u8 (alpha * i + beta);

  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < src->width; x++, s += nc, d += nc)
        {
          for (int c = 0; c < color; c++)
            d[c] = lut[s[c]];
          if (nc == 4)
            d[3] = s[3];
        }
    }

  return out;
}

/* The table ---------------------------------------------------------------------- */

const AugurTransformInfo augur_color_transforms[] = {
  {
    .name = "RandomBrightnessContrast",
    .label = "Brightness and contrast",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Change brightness and contrast by random amounts.",
    .version = 1,
    .default_p = 0.5,
    .params = rbc_params,
    .n_params = G_N_ELEMENTS (rbc_params),
    .drawn = rbc_drawn,
    .sample = rbc_sample,
    .apply = rbc_apply,
  },
};

const guint augur_n_color_transforms = G_N_ELEMENTS (augur_color_transforms);
