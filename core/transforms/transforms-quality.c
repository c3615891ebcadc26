/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

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
    .type = AUGUR_PARAM_ENUM, .def_nick = IC_JPEG, .nicks = ic_type_nicks,
    .alb.v1_units = AUGUR_ALB_V1_CHOICE_INDEX },
  [IC_QUALITY] = {
    .name = "quality_range", .label = "Quality",
    .description = "Range of the encoder's quality, 1 (worst) to 100 (best)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 1, .max = 100, .ui_min = 1, .ui_max = 100, .step = 1, .def = { 99, 100 },
    .alb = { .v1_name = "quality_lower", .v1_name_second = "quality_upper" } },
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

static gboolean
append_to_array (const gchar  *buf,
                 gsize         count,
                 GError      **error,
                 gpointer      data)
{
  g_byte_array_append (data, (const guint8 *) buf, (guint) count);
  return TRUE;
}

/* The colours of @rgb (3 channels) encoded and decoded again, as an RGB
 * image; NULL (with a warning) if the codec failed, which a valid image
 * should never make it do.
 *
 * The bytes are our own, so none of the checks that augur_image_load_bytes()
 * makes of untrusted files is needed: the encoder writes into one buffer
 * sized for the whole file (not grown from a kilobyte), the decoder takes
 * the file in one write (not in 64-kilobyte pieces, each a suspension of
 * libjpeg and a round of signals) with no handler connected, and its rows
 * are copied once into an uninitialised image. */
static AugurImage *
round_trip (const AugurImage *rgb,
            AugurImageFormat  format,
            int               quality)
{
  const char *type = format == AUGUR_IMAGE_FORMAT_WEBP ? "webp" : "jpeg";
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) source = NULL;
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autofree char *quality_str = g_strdup_printf ("%d", quality);
  GdkPixbuf *decoded = NULL;
  const guint8 *pixels;
  AugurImage *out;
  int nc, rowstride;

  g_assert (rgb->channels == 3);

  source = gdk_pixbuf_new_from_data (rgb->data, GDK_COLORSPACE_RGB, FALSE, 8,
                                     rgb->width, rgb->height, rgb->stride, NULL, NULL);
  bytes = g_byte_array_sized_new ((guint) MIN ((gsize) rgb->stride * rgb->height / 4 + 4096, G_MAXUINT / 2));
  loader = gdk_pixbuf_loader_new_with_type (type, &error);
  if (loader != NULL)
    {
      gboolean ok = gdk_pixbuf_save_to_callback (source, append_to_array, bytes, type, &error,
                                                 "quality", quality_str, NULL) &&
                    gdk_pixbuf_loader_write (loader, bytes->data, bytes->len, &error);

      /* A loader is always closed, whatever failed before. */
      ok = gdk_pixbuf_loader_close (loader, ok ? &error : NULL) && ok;
      if (ok)
        decoded = gdk_pixbuf_loader_get_pixbuf (loader);
    }
  if (decoded == NULL)
    {
      g_warning ("ImageCompression: %s; the image is left as it was",
                 error != NULL ? error->message : "the decoder gave no image");
      return NULL;
    }

  if (gdk_pixbuf_get_width (decoded) != rgb->width || gdk_pixbuf_get_height (decoded) != rgb->height ||
      gdk_pixbuf_get_bits_per_sample (decoded) != 8)
    {
      g_warning ("ImageCompression: the decoder returned %d×%d for %d×%d; the image is left as it was",
                 gdk_pixbuf_get_width (decoded), gdk_pixbuf_get_height (decoded), rgb->width, rgb->height);
      return NULL;
    }

  /* JPEG decodes to RGB, which the image takes as it is (the pixbuf is
   * ours alone): no copy, and no second image-sized buffer, which on a
   * large image would be enough for malloc to hand the heap back to the
   * system after each round trip and fault it in again on the next. WebP
   * may come back with an (opaque) alpha, which a copy drops. */
  nc = gdk_pixbuf_get_n_channels (decoded);
  rowstride = gdk_pixbuf_get_rowstride (decoded);
  if (nc == 3 && gdk_pixbuf_get_byte_length (decoded) >=
                   (gsize) rowstride * (rgb->height - 1) + (gsize) rgb->width * 3)
    return augur_image_new_for_data (rgb->width, rgb->height, 3, rowstride,
                                     gdk_pixbuf_get_pixels (decoded),
                                     g_object_unref, g_object_ref (decoded));

  pixels = gdk_pixbuf_read_pixels (decoded);
  out = augur_image_new_uninitialized (rgb->width, rgb->height, 3);
  for (int y = 0; y < rgb->height; y++)
    {
      const guint8 *s = pixels + (gsize) y * rowstride;
      guint8 *d = augur_image_row (out, y);

      if (nc == 3)
        memcpy (d, s, (gsize) rgb->width * 3);
      else
        for (int x = 0; x < rgb->width; x++, s += nc, d += 3)
          {
            d[0] = s[0];
            d[1] = s[1];
            d[2] = s[2];
          }
    }

  return out;
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

/* An encoder and a decoder: some hundred operations per channel value
 * (colour conversion, DCT both ways, entropy coding), and the encoded file
 * beside the two images. */
static void
image_compression_cost (const AugurValue *params,
                        const AugurShape *in,
                        AugurShape       *out,
                        AugurCost        *cost)
{
  *out = *in;
  cost->work = augur_cost_image_bytes (in) * 150;
  cost->memory = 3 * augur_cost_image_bytes (in);
}

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
    .cost = image_compression_cost,
  },
};

const guint augur_n_quality_transforms = G_N_ELEMENTS (augur_quality_transforms);
