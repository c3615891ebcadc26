/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-transform-private.h"

/* Flips ------------------------------------------------------------------------- */

static void
sample_nothing (const AugurValue *params,
                const AugurShape *in,
                AugurRng         *rng,
                AugurDrawn       *drawn)
{
}

static AugurImage *
horizontal_flip_apply (const AugurImage *src,
                       const AugurValue *params,
                       const AugurDrawn *drawn)
{
  AugurImage *out = augur_image_new_like (src);
  int nc = src->channels;

  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < src->width; x++)
        memcpy (d + x * nc, s + (src->width - 1 - x) * nc, nc);
    }

  return out;
}

static gboolean
horizontal_flip_map (const AugurValue *params,
                     const AugurDrawn *drawn,
                     const AugurShape *in,
                     double           *x,
                     double           *y)
{
  *x = in->width - *x;
  return TRUE;
}

static AugurImage *
vertical_flip_apply (const AugurImage *src,
                     const AugurValue *params,
                     const AugurDrawn *drawn)
{
  AugurImage *out = augur_image_new_like (src);

  for (int y = 0; y < src->height; y++)
    memcpy (augur_image_row (out, y), augur_image_row (src, src->height - 1 - y),
            (gsize) src->width * src->channels);

  return out;
}

static gboolean
vertical_flip_map (const AugurValue *params,
                   const AugurDrawn *drawn,
                   const AugurShape *in,
                   double           *x,
                   double           *y)
{
  *y = in->height - *y;
  return TRUE;
}

static const AugurDrawnSpec no_drawn[] = { { NULL } };

/* The table ---------------------------------------------------------------------- */

const AugurTransformInfo augur_geometry_transforms[] = {
  {
    .name = "HorizontalFlip",
    .label = "Horizontal flip",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Mirror the image left to right.",
    .version = 1,
    .default_p = 0.5,
    .drawn = no_drawn,
    .sample = sample_nothing,
    .apply = horizontal_flip_apply,
    .map_point = horizontal_flip_map,
  },
  {
    .name = "VerticalFlip",
    .label = "Vertical flip",
    .category = AUGUR_CATEGORY_GEOMETRY,
    .description = "Mirror the image top to bottom.",
    .version = 1,
    .default_p = 0.5,
    .drawn = no_drawn,
    .sample = sample_nothing,
    .apply = vertical_flip_apply,
    .map_point = vertical_flip_map,
  },
};

const guint augur_n_geometry_transforms = G_N_ELEMENTS (augur_geometry_transforms);
