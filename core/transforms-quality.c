/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-transform-private.h"

/* ImageCompression ---------------------------------------------------------------- */

enum { IC_TYPE, IC_QUALITY };

enum { IC_JPEG, IC_WEBP };

static const char *const ic_type_nicks[] = { "jpeg", "webp", NULL };

static const AugurParamSpec ic_params[] = {
  [IC_TYPE] = {
    .name = "compression_type", .label = "Format",
    .description = "The lossy format the image goes through",
    .type = AUGUR_PARAM_ENUM, .def_nick = IC_JPEG, .nicks = ic_type_nicks },
  [IC_QUALITY] = {
    .name = "quality_range", .label = "Quality",
    .description = "Range of the encoder's quality, 1 (worst) to 100 (best)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 1, .max = 100, .ui_min = 1, .ui_max = 100, .step = 1, .def = { 99, 100 } },
};

static const AugurDrawnSpec ic_drawn[] = {
  { "quality", FALSE, 1, 100 },
  { NULL },
};

static gboolean
ic_check (const AugurValue  *params,
          GError           **error)
{
  if (params[IC_TYPE].nick == IC_WEBP && !augur_image_format_available (AUGUR_IMAGE_FORMAT_WEBP))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "compression_type: \"webp\" needs the WebP GdkPixbuf loader, which is not installed");
      return FALSE;
    }
  return TRUE;
}

static void
ic_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "quality",
                   (double) augur_rng_int (rng, (gint64) params[IC_QUALITY].v[0], (gint64) params[IC_QUALITY].v[1]));
}

/* The colours of @src encoded and decoded again; NULL (with a warning) if
 * the codec failed, which a valid image should never make it do. */
static AugurImage *
round_trip (const AugurImage *rgb,
            AugurImageFormat  format,
            int               quality)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AugurImage) decoded = NULL;

  bytes = augur_image_encode (rgb, format, quality, &error);
  if (bytes != NULL)
    decoded = augur_image_load_bytes (bytes, (gint64) rgb->width * rgb->height, &error);
  if (decoded == NULL)
    {
      g_warning ("ImageCompression: %s; the image is left as it was", error->message);
      return NULL;
    }
  if (decoded->width != rgb->width || decoded->height != rgb->height)
    {
      g_warning ("ImageCompression: the decoder returned %d×%d for %d×%d; the image is left as it was",
                 decoded->width, decoded->height, rgb->width, rgb->height);
      return NULL;
    }

  /* JPEG decodes to RGB; WebP may come back with an (opaque) alpha. */
  return augur_image_convert (decoded, 3);
}

/*
 * A real encode and decode through libjpeg or libwebp (by GdkPixbuf). The
 * colour channels go through the codec as RGB; a gray image comes back as
 * one channel (the luma of the decoded RGB), and an RGBA image gets its
 * original alpha back, untouched by the codec.
 */
static AugurImage *
ic_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int quality = CLAMP ((int) lrint (augur_drawn_get (drawn, "quality")), 1, 100);
  AugurImageFormat format = params[IC_TYPE].nick == IC_WEBP ? AUGUR_IMAGE_FORMAT_WEBP
                                                            : AUGUR_IMAGE_FORMAT_JPEG;
  g_autoptr(AugurImage) rgb = augur_image_convert (src, 3);
  g_autoptr(AugurImage) decoded = round_trip (rgb, format, quality);
  AugurImage *out;

  if (decoded == NULL)
    return augur_image_copy (src);

  if (src->channels != 4)
    return augur_image_convert (decoded, src->channels);

  out = augur_image_new_like (src);
  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      const guint8 *c = augur_image_row (decoded, y);
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < src->width; x++, s += 4, c += 3, d += 4)
        {
          d[0] = c[0];
          d[1] = c[1];
          d[2] = c[2];
          d[3] = s[3];
        }
    }

  return out;
}

/* The table ---------------------------------------------------------------------- */

const AugurTransformInfo augur_quality_transforms[] = {
  {
    .name = "ImageCompression",
    .label = "Compression",
    .category = AUGUR_CATEGORY_QUALITY,
    .description = "Pass the image through JPEG or WebP at a random quality.",
    .version = 1,
    .default_p = 0.5,
    .params = ic_params,
    .n_params = G_N_ELEMENTS (ic_params),
    .drawn = ic_drawn,
    .check = ic_check,
    .sample = ic_sample,
    .apply = ic_apply,
  },
};

const guint augur_n_quality_transforms = G_N_ELEMENTS (augur_quality_transforms);
