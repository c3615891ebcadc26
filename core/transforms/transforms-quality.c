/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <jpeglib.h>

#include "augur-error.h"
#include "augur-jpeg.h"
#include "augur-simd.h"
#include "augur-transform-private.h"
#include "augur-weather-kernels.h"

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
  { "quality", FALSE, 1, 100, .label = "Quality" },
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

/* JPEG, straight through libjpeg ----------------------------------------------- */

/* The encoded file of the last round trip on this thread, kept for the
 * next one: libjpeg writes into it (jpeg_mem_dest() only allocates when it
 * overflows), so a round trip allocates nothing of its own beyond the
 * output image. */
typedef struct
{
  unsigned char *data;
  unsigned long  capacity;
} JpegBuffer;

static void
jpeg_buffer_free (gpointer data)
{
  JpegBuffer *buffer = data;

  free (buffer->data);
  g_free (buffer);
}

static GPrivate jpeg_buffer_key = G_PRIVATE_INIT (jpeg_buffer_free);

/* The largest buffer kept between round trips: the file of a 24-megapixel
 * image at the initial estimate (three quarters of a byte per value). */
#define JPEG_BUFFER_KEPT ((gsize) 54 << 20)

typedef struct
{
  struct jpeg_error_mgr manager;
  jmp_buf               exit;
  char                  message[JMSG_LENGTH_MAX];
} JpegFailure;

static void
jpeg_on_error_exit (j_common_ptr cinfo)
{
  JpegFailure *failure = (JpegFailure *) cinfo->err;

  failure->manager.format_message (cinfo, failure->message);
  longjmp (failure->exit, 1);
}

/* Warnings (none are expected of data we encoded ourselves) are not
 * printed. */
static void
jpeg_on_message (j_common_ptr cinfo,
                 int          level)
{
}

/* The error manager of a compressor or decompressor: errors jump back to
 * the caller's setjmp () with the message kept, warnings are dropped. */
static struct jpeg_error_mgr *
jpeg_failure_init (JpegFailure *failure)
{
  struct jpeg_error_mgr *manager = jpeg_std_error (&failure->manager);

  manager->error_exit = jpeg_on_error_exit;
  manager->emit_message = jpeg_on_message;
  return manager;
}

/* @rgb's rows [y, y + n) as row pointers. */
static void
rows_of (const AugurImage *image,
         int               y,
         int               n,
         JSAMPROW         *rows)
{
  for (int i = 0; i < n; i++)
    rows[i] = (JSAMPROW) augur_image_row (image, y + i);
}

/* The encoder half: @rgb into @buffer as GdkPixbuf's JPEG saver writes it
 * (libjpeg's defaults, jpeg_set_quality (@quality, TRUE), so the same
 * quantisation tables and 4:2:0 chroma, baseline Huffman tables, the
 * accurate integer DCT). Only what survives a longjmp is touched after
 * setjmp(): the structures, which live in the caller. */
static gboolean
jpeg_encode (struct jpeg_compress_struct *cinfo,
             JpegFailure                 *failure,
             const AugurImage            *rgb,
             int                          quality,
             JpegBuffer                  *buffer,
             unsigned long               *length)
{
  unsigned char *data = buffer->data;
  unsigned long size = buffer->capacity;

  cinfo->err = jpeg_failure_init (failure);
  if (setjmp (failure->exit))
    {
      jpeg_destroy_compress (cinfo);
      return FALSE;
    }
  jpeg_create_compress (cinfo);
  jpeg_mem_dest (cinfo, &data, &size);
  cinfo->image_width = (JDIMENSION) rgb->width;
  cinfo->image_height = (JDIMENSION) rgb->height;
  cinfo->input_components = 3;
  cinfo->in_color_space = JCS_RGB;
  jpeg_set_defaults (cinfo);
  jpeg_set_quality (cinfo, quality, TRUE);
  cinfo->dct_method = JDCT_ISLOW;
  jpeg_start_compress (cinfo, TRUE);
  while (cinfo->next_scanline < cinfo->image_height)
    {
      JSAMPROW rows[16];
      int n = MIN (16, (int) (cinfo->image_height - cinfo->next_scanline));

      rows_of (rgb, (int) cinfo->next_scanline, n, rows);
      jpeg_write_scanlines (cinfo, rows, (JDIMENSION) n);
    }
  jpeg_finish_compress (cinfo);

  /* Grown by libjpeg: the new buffer is the one to keep, at least as
   * large as its contents. */
  if (data != buffer->data)
    {
      free (buffer->data);
      buffer->data = data;
      buffer->capacity = size;
    }
  *length = size;
  jpeg_destroy_compress (cinfo);
  return TRUE;
}

/* @rgb (3 channels) encoded as JPEG at @quality and decoded again, in
 * memory; NULL (with a warning) if libjpeg failed, which a valid image
 * should never make it do. */
static AugurImage *
jpeg_round_trip (const AugurImage *rgb,
                 int               quality)
{
  JpegBuffer *buffer = g_private_get (&jpeg_buffer_key);
  struct jpeg_compress_struct cinfo;
  JpegFailure failure;
  g_autoptr(GError) error = NULL;
  unsigned long length = 0;
  gsize wanted = (gsize) rgb->width * rgb->height * 3 / 4 + 4096;
  g_autoptr(AugurImage) out = NULL;

  g_assert (rgb->channels == 3);

  if (buffer == NULL)
    {
      buffer = g_new0 (JpegBuffer, 1);
      g_private_set (&jpeg_buffer_key, buffer);
    }
  /* A file a quarter of the pixels' size, which quality 100 on a noisy
   * image may pass (libjpeg then grows it). */
  if (buffer->capacity < wanted)
    {
      free (buffer->data);
      buffer->data = malloc (wanted);
      buffer->capacity = buffer->data != NULL ? wanted : 0;
    }

  if (!jpeg_encode (&cinfo, &failure, rgb, quality, buffer, &length))
    {
      g_warning ("ImageCompression: the JPEG encoder failed: %s; the image is left as it was", failure.message);
      return NULL;
    }
  /* (the loader's decode: the accurate inverse DCT, fancy upsampling) */
  out = augur_jpeg_decode (buffer->data, length, rgb->width, rgb->height, NULL, NULL, &error);
  if (out == NULL)
    {
      g_warning ("ImageCompression: the JPEG decoder failed: %s; the image is left as it was", error->message);
      return NULL;
    }

  /* A worker keeps the file of an ordinary image for the next one, not
   * that of a huge one. */
  if (buffer->capacity > JPEG_BUFFER_KEPT)
    {
      g_clear_pointer (&buffer->data, free);
      buffer->capacity = 0;
    }
  return g_steal_pointer (&out);
}

/* The colours of @rgb (3 channels) encoded and decoded again by
 * GdkPixbuf (WebP), as an RGB image; NULL (with a warning) if the codec
 * failed, which a valid image should never make it do.
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
 * A real encode and decode through libjpeg (directly, in memory) or libwebp
 * (by GdkPixbuf). The
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
  g_autoptr(AugurImage) decoded = format == AUGUR_IMAGE_FORMAT_JPEG ? jpeg_round_trip (rgb, quality)
                                                                   : round_trip (rgb, format, quality);
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

/* Downscale ---------------------------------------------------------------------- */

/* Albumentations' interpolation_pair is a dictionary {"downscale": ...,
 * "upscale": ...}; its two keys are two parameters here. */
enum { DS_SCALE, DS_DOWN, DS_UP };

static const AugurParamSpec ds_params[] = {
  [DS_SCALE] = {
    .name = "scale_range", .label = "Scale",
    .description = "Range of the factor the image is shrunk by before it is enlarged back "
                   "(1 leaves it as it is)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0.01, .max = 1, .ui_min = 0.05, .ui_max = 1, .step = 0.01, .def = { 0.25, 0.25 },
    .alb = { .v1_name = "scale_min", .v1_name_second = "scale_max" } },
  [DS_DOWN] = {
    .name = "downscale", .label = "Shrink interpolation",
    .description = "How the image is shrunk (interpolation_pair's \"downscale\")",
    .type = AUGUR_PARAM_ENUM, .def_nick = AUGUR_INTERP_NEAREST, .nicks = augur_interpolation_nicks,
    .alb.name = "interpolation_pair.downscale" },
  [DS_UP] = {
    .name = "upscale", .label = "Enlarge interpolation",
    .description = "How the small image is enlarged back (interpolation_pair's \"upscale\")",
    .type = AUGUR_PARAM_ENUM, .def_nick = AUGUR_INTERP_NEAREST, .nicks = augur_interpolation_nicks,
    .alb.name = "interpolation_pair.upscale" },
};

static const AugurDrawnSpec ds_drawn[] = {
  { "scale", FALSE, 0.01, 1, .label = "Scale", .unit = "×" },
  { NULL },
};

static void
ds_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "scale", augur_rng_range (rng, params[DS_SCALE].v[0], params[DS_SCALE].v[1]));
}

/* Input column of each of the @dw output columns of OpenCV's
 * INTER_NEAREST with input step @fx (resize_nearest_cv ()), from an input
 * @sw wide. */
static void
nearest_columns (int     *xs,
                 int      dw,
                 int      sw,
                 double   fx)
{
  for (int x = 0; x < dw; x++)
    xs[x] = MIN ((int) floor (x * fx), sw - 1);
}

/* One row of a gather: d[x] = s[xs[x]], pixels of @nc bytes, @xs
 * non-decreasing and below @sw. Three-byte pixels move as four-byte words,
 * each overwriting the next output pixel's first byte before that pixel is
 * written; not the last output pixel, nor those that read the last input
 * pixel (a word there would read past the row). */
static void
gather_row (const guint8 *restrict s,
            guint8       *restrict d,
            const int    *restrict xs,
            int                    dw,
            int                    sw,
            int                    nc)
{
  int x = 0;

  switch (nc)
    {
    case 1:
      for (; x < dw; x++)
        d[x] = s[xs[x]];
      break;
    case 3:
      for (; x < dw - 1 && xs[x] < sw - 1; x++)
        {
          guint32 v;

          memcpy (&v, s + 3 * xs[x], 4);
          memcpy (d + 3 * x, &v, 4);
        }
      for (; x < dw; x++)
        memcpy (d + 3 * x, s + 3 * xs[x], 3);
      break;
    case 4:
      for (; x < dw; x++)
        memcpy (d + 4 * x, s + 4 * xs[x], 4);
      break;
    default:
      for (; x < dw; x++)
        memcpy (d + (gsize) nc * x, s + (gsize) nc * xs[x], nc);
    }
}

/* OpenCV's INTER_NEAREST: output pixel x reads input pixel
 * floor (x * @fx), @fx the input step per output pixel (1 / fx when
 * cv2.resize is given a factor, the size ratio when given a size). It is
 * half a pixel off the centre-aligned nearest of augur_resize(), and the
 * factor (not the rounded size) sets the step; Downscale's default is
 * nearest both ways, where that difference shows on every block, so it is
 * reproduced here. */
static AugurImage *
resize_nearest_cv (const AugurImage *src,
                   int               dw,
                   int               dh,
                   double            fx,
                   double            fy)
{
  int nc = src->channels;
  AugurImage *out = augur_image_new_uninitialized (dw, dh, nc);
  g_autofree int *xs = g_new (int, dw);
  int last = -1;

  nearest_columns (xs, dw, src->width, fx);
  for (int y = 0; y < dh; y++)
    {
      int sy = MIN ((int) floor (y * fy), src->height - 1);
      guint8 *d = augur_image_row (out, y);

      /* Enlarging, consecutive rows read the same input row. */
      if (sy == last)
        memcpy (d, augur_image_row (out, y - 1), (gsize) dw * nc);
      else
        gather_row (augur_image_row (src, sy), d, xs, dw, src->width, nc);
      last = sy;
    }
  return out;
}

/* Down by nearest then up by nearest, as one gather: output pixel (x, y)
 * is input pixel (xd[xu[x]], yd[yu[y]]), xd, yd the shrink's indices and
 * xu, yu the enlargement's, so the small image is never made; an output row
 * that reads the same input row as the one above it is a copy of it. The
 * same pixels as resize_nearest_cv () twice. */
static AugurImage *
downscale_nearest_nearest (const AugurImage *src,
                           int               sw,
                           int               sh,
                           double            scale)
{
  int w = src->width, h = src->height, nc = src->channels;
  AugurImage *out = augur_image_new_uninitialized (w, h, nc);
  g_autofree int *xd = g_new (int, sw);
  g_autofree int *xs = g_new (int, w);
  int last = -1;

  nearest_columns (xd, sw, w, 1 / scale);
  nearest_columns (xs, w, sw, (double) sw / w);
  for (int x = 0; x < w; x++)
    xs[x] = xd[xs[x]];

  for (int y = 0; y < h; y++)
    {
      int small_y = MIN ((int) floor (y * ((double) sh / h)), sh - 1);
      int sy = MIN ((int) floor (small_y * (1 / scale)), h - 1);
      guint8 *d = augur_image_row (out, y);

      if (sy == last)
        memcpy (d, augur_image_row (out, y - 1), (gsize) w * nc);
      else
        gather_row (augur_image_row (src, sy), d, xs, w, w, nc);
      last = sy;
    }
  return out;
}

/* Alpha of @src put back into @out, of the same size. */
static void
keep_alpha (const AugurImage *src,
            AugurImage       *out)
{
  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < src->width; x++)
        d[4 * x + 3] = s[4 * x + 3];
    }
}

/* Albumentations' downscale: cv2.resize by the factor (the size rounded,
 * at least one pixel), then back to the original size. Alpha is left as
 * it was (Albumentations would degrade it with the colours). */
static AugurImage *
ds_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  double scale = augur_drawn_get (drawn, "scale");
  int sw = MAX (1, (int) lrint (src->width * scale));
  int sh = MAX (1, (int) lrint (src->height * scale));
  g_autoptr(AugurImage) small = NULL;
  AugurImage *out;

  if (sw == src->width && sh == src->height)
    return augur_image_copy (src);
  if (params[DS_DOWN].nick == AUGUR_INTERP_NEAREST && params[DS_UP].nick == AUGUR_INTERP_NEAREST)
    out = downscale_nearest_nearest (src, sw, sh, scale);
  else
    {
      if (params[DS_DOWN].nick == AUGUR_INTERP_NEAREST)
        small = resize_nearest_cv (src, sw, sh, 1 / scale, 1 / scale);
      else
        small = augur_resize (src, sw, sh, (AugurInterpolation) params[DS_DOWN].nick);
      if (params[DS_UP].nick == AUGUR_INTERP_NEAREST)
        out = resize_nearest_cv (small, src->width, src->height,
                                 (double) sw / src->width, (double) sh / src->height);
      else
        out = augur_resize (small, src->width, src->height, (AugurInterpolation) params[DS_UP].nick);
    }
  if (src->channels == 4)
    keep_alpha (src, out);
  return out;
}

/* RingingOvershoot ---------------------------------------------------------------- */

enum { RO_BLUR_LIMIT, RO_CUTOFF };

static const AugurParamSpec ro_params[] = {
  [RO_BLUR_LIMIT] = {
    .name = "blur_limit", .label = "Kernel size",
    .description = "Range of the filter's size in pixels (odd sizes are drawn)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 3, .max = 31, .ui_min = 3, .ui_max = 31, .step = 2, .def = { 7, 15 } },
  [RO_CUTOFF] = {
    .name = "cutoff", .label = "Cutoff",
    .description = "Range of the low-pass cutoff frequency in radians per pixel (lower: stronger "
                   "ringing and blur)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0.01, .max = G_PI, .ui_min = G_PI / 4, .ui_max = G_PI / 2, .step = 0.01,
    .def = { G_PI / 4, G_PI / 2 } },
};

static const AugurDrawnSpec ro_drawn[] = {
  { "ksize", FALSE, 3, 31, .label = "Kernel size", .unit = "px" },
  { "cutoff", FALSE, 0.01, G_PI, .label = "Cutoff", .unit = "rad" },
  { NULL },
};

static void
ro_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  int lo = ((int) params[RO_BLUR_LIMIT].v[0]) | 1;
  int hi = ((int) params[RO_BLUR_LIMIT].v[1]) | 1;
  int k = lo + 2 * (int) augur_rng_int (rng, 0, MAX (hi - lo, 0) / 2);

  augur_drawn_set (drawn, "ksize", MIN (k, 31));
  augur_drawn_set (drawn, "cutoff", augur_rng_range (rng, params[RO_CUTOFF].v[0], params[RO_CUTOFF].v[1]));
}

/* d = a + b. */
AUGUR_SIMD_CLONES static void
add_rows (float       *restrict d,
          const float *restrict a,
          const float *restrict b,
          gsize                 n)
{
  for (gsize i = 0; i < n; i++)
    d[i] = a[i] + b[i];
}

/* Eight floats: one AVX register, two SSE ones in the default clone. */
typedef float RoVec __attribute__ ((vector_size (32)));

#define RO_LANES 8
#define RO_BLOCK (4 * RO_LANES)

/* The eight floats at @p, unaligned. */
#define RO_LOAD(p) ({ RoVec l_; memcpy (&l_, (p), sizeof l_); l_; })

/* One output row of the filter from the r + 1 paired rows @rows (row i:
 * input rows y + i and y + 2r - i summed, row r the centre row alone):
 * each block of RO_BLOCK outputs is four vectors that stay in registers
 * while every weight is added in. The kernel is symmetric about both axes
 * and the diagonal: the values a weight (i, j) of a quadrant meets (two
 * rows of a pair, two mirrored columns) are summed before it is applied,
 * and with them those of (j, i), which weighs alike; 21 multiplies for the
 * 121 taps of a kernel of 11. @acc and the rows have RO_BLOCK floats of
 * slack at their ends. */
AUGUR_SIMD_CLONES static void
ro_filter_row (const float *const *rows,
               const float       *restrict k,
               int                ks,
               int                r,
               int                nc,
               float             *restrict acc,
               gsize              row)
{
  const float *pr = rows[r];

  for (gsize x0 = 0; x0 < row; x0 += RO_BLOCK)
    {
      RoVec a[4] = { { 0 }, { 0 }, { 0 }, { 0 } };

      for (int i = 0; i < r; i++)
        {
          const float *pi = rows[i] + x0, *ci = pr + x0;
          gsize ilo = (gsize) i * nc, ihi = (gsize) (ks - 1 - i) * nc, mid = (gsize) r * nc;

          /* (i, i): one pair of rows, two columns. */
          for (int v = 0; v < 4; v++)
            a[v] += k[i * ks + i] * (RO_LOAD (pi + ilo + v * RO_LANES) + RO_LOAD (pi + ihi + v * RO_LANES));
          /* (i, j) and (j, i), j between i and r. */
          for (int j = i + 1; j < r; j++)
            {
              const float *pj = rows[j] + x0;
              gsize jlo = (gsize) j * nc, jhi = (gsize) (ks - 1 - j) * nc;

              for (int v = 0; v < 4; v++)
                a[v] += k[i * ks + j] * ((RO_LOAD (pi + jlo + v * RO_LANES) + RO_LOAD (pi + jhi + v * RO_LANES)) +
                                         (RO_LOAD (pj + ilo + v * RO_LANES) + RO_LOAD (pj + ihi + v * RO_LANES)));
            }
          /* (i, r) and (r, i): the centre column of the pair, two columns
           * of the centre row. */
          for (int v = 0; v < 4; v++)
            a[v] += k[i * ks + r] * (RO_LOAD (pi + mid + v * RO_LANES) +
                                     (RO_LOAD (ci + ilo + v * RO_LANES) + RO_LOAD (ci + ihi + v * RO_LANES)));
        }
      for (int v = 0; v < 4; v++)
        a[v] += k[r * ks + r] * RO_LOAD (pr + x0 + (gsize) r * nc + v * RO_LANES);
      memcpy (acc + x0, a, sizeof a);
    }
}

/*
 * Albumentations' RingingOvershoot: the image convolved with the ideal
 * circular low-pass filter cut to ksize x ksize, whose sharp cut-off rings
 * at edges as a sharpened or compressed picture does:
 *
 *   k (r) = c J1 (c r) / (2 pi r),  k (0) = c^2 / (4 pi),  normalised to sum 1,
 *
 * c the cutoff, r the distance to the centre (the 2-D sinc; J1 the Bessel
 * function of the first kind). Borders reflect (OpenCV's filter2D default);
 * alpha is left alone. The kernel is symmetric in x and y, so each pair of
 * mirrored rows is summed before it is weighted.
 */
static AugurImage *
ro_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int ks = ((int) augur_drawn_get (drawn, "ksize")) | 1;
  double cutoff = augur_drawn_get (drawn, "cutoff");
  int r = ks / 2, w = src->width, h = src->height, nc = src->channels;
  gsize row = (gsize) w * nc, prow = (gsize) (w + 2 * r) * nc;
  g_autofree float *k = g_new (float, (gsize) ks * ks);
  /* (RO_BLOCK floats of slack: the last row's last block reads past it) */
  g_autofree float *pad = g_new (float, prow * (h + 2 * r) + RO_BLOCK);
  g_autofree float *pairs = g_new0 (float, prow * (ks / 2) + RO_BLOCK);
  g_autofree const float **rows = g_new (const float *, ks / 2 + 1);
  g_autofree float *acc = g_new (float, row + RO_BLOCK);
  AugurImage *out = augur_image_new_like_uninitialized (src);
  double sum = 0;

  for (int i = 0; i < ks; i++)
    for (int j = 0; j < ks; j++)
      {
        double d = hypot (i - r, j - r);

        k[i * ks + j] = (float) (d == 0 ? cutoff * cutoff / (4 * G_PI) : cutoff * j1 (cutoff * d) / (2 * G_PI * d));
        g_assert (j >= i || k[i * ks + j] == k[j * ks + i]);
        sum += k[i * ks + j];
      }
  for (int i = 0; i < ks * ks; i++)
    k[i] = (float) (k[i] / sum);

  memset (pad + prow * (h + 2 * r), 0, RO_BLOCK * sizeof *pad);
  /* The image as floats with a reflected border of r on every side. */
  for (int y = 0; y < h + 2 * r; y++)
    {
      const guint8 *s = augur_image_row (src, augur_border_index (y - r, h, AUGUR_BORDER_REFLECT_101));
      float *d = pad + (gsize) y * prow;

      for (gsize i = 0; i < row; i++)
        d[(gsize) r * nc + i] = s[i];
      for (int x = 0; x < r; x++)
        {
          int left = augur_border_index (x - r, w, AUGUR_BORDER_REFLECT_101);
          int right = augur_border_index (w + x, w, AUGUR_BORDER_REFLECT_101);

          for (int c = 0; c < nc; c++)
            {
              d[(gsize) x * nc + c] = s[left * nc + c];
              d[(gsize) (w + r + x) * nc + c] = s[right * nc + c];
            }
        }
    }

  for (int y = 0; y < h; y++)
    {
      guint8 *d = augur_image_row (out, y);
      const guint8 *s = augur_image_row (src, y);

      /* Row i of pairs: input rows y + i and y + 2r - i summed (the
       * kernel's rows i and 2r - i are equal); row r is the centre row,
       * read where it is. */
      for (int i = 0; i < r; i++)
        {
          float *p = pairs + (gsize) i * prow;

          add_rows (p, pad + (gsize) (y + i) * prow, pad + (gsize) (y + 2 * r - i) * prow, prow);
          rows[i] = p;
        }
      rows[r] = pad + (gsize) (y + r) * prow;
      ro_filter_row (rows, k, ks, r, nc, acc, row);
      augur_weather_floats_to_bytes (acc, d, row);
      if (nc == 4)
        for (int x = 0; x < w; x++)
          d[4 * x + 3] = s[4 * x + 3];
    }

  return out;
}

/* ChromaticAberration --------------------------------------------------------------- */

/*
 * In Quality rather than Distortion: the red and blue planes move by a few
 * pixels at most against the green one, and nothing a label points at
 * moves, so it is a pixel transform (no geometry, labels untouched); it is
 * a lens defect that degrades the picture, as blur and ringing are.
 */
enum { CA_PRIMARY, CA_SECONDARY, CA_MODE, CA_INTERPOLATION };
enum { CA_GREEN_PURPLE, CA_RED_BLUE, CA_RANDOM };

static const char *const ca_mode_nicks[] = { "green_purple", "red_blue", "random", NULL };

static const AugurParamSpec ca_params[] = {
  [CA_PRIMARY] = {
    .name = "primary_distortion_limit", .label = "Primary distortion",
    .description = "Range of the radial (r²) distortion coefficient of the red and blue planes",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -1, .max = 1, .ui_min = -0.2, .ui_max = 0.2, .step = 0.005, .def = { -0.02, 0.02 } },
  [CA_SECONDARY] = {
    .name = "secondary_distortion_limit", .label = "Secondary distortion",
    .description = "Range of the r⁴ distortion coefficient of the red and blue planes",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
    .min = -1, .max = 1, .ui_min = -0.2, .ui_max = 0.2, .step = 0.005, .def = { -0.05, 0.05 } },
  [CA_MODE] = {
    .name = "mode", .label = "Mode",
    .description = "green_purple: red and blue move the same way (green and purple fringes); "
                   "red_blue: opposite ways (red and blue fringes); random: either",
    .type = AUGUR_PARAM_ENUM, .def_nick = CA_GREEN_PURPLE, .nicks = ca_mode_nicks },
  AUGUR_PARAM_INTERPOLATION (AUGUR_INTERP_LINEAR),
};

static const AugurDrawnSpec ca_drawn[] = {
  { "primary_red", FALSE, -1, 1, .label = "Red, primary" },
  { "secondary_red", FALSE, -1, 1, .label = "Red, secondary" },
  { "primary_blue", FALSE, -1, 1, .label = "Blue, primary" },
  { "secondary_blue", FALSE, -1, 1, .label = "Blue, secondary" },
  { NULL },
};

static double
match_sign (double sign_of,
            double value)
{
  return (sign_of < 0) == (value < 0) ? value : -value;
}

/* Albumentations' get_params: four coefficients drawn, each secondary given
 * its primary's sign, then blue's signs matched to red's (green_purple) or
 * set opposite (red_blue). */
static void
ca_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  double pr = augur_rng_range (rng, params[CA_PRIMARY].v[0], params[CA_PRIMARY].v[1]);
  double sr = augur_rng_range (rng, params[CA_SECONDARY].v[0], params[CA_SECONDARY].v[1]);
  double pb = augur_rng_range (rng, params[CA_PRIMARY].v[0], params[CA_PRIMARY].v[1]);
  double sb = augur_rng_range (rng, params[CA_SECONDARY].v[0], params[CA_SECONDARY].v[1]);
  int mode = params[CA_MODE].nick;

  sr = match_sign (pr, sr);
  sb = match_sign (pb, sb);
  if (mode == CA_RANDOM)
    mode = augur_rng_chance (rng, 0.5) ? CA_GREEN_PURPLE : CA_RED_BLUE;
  if (mode == CA_GREEN_PURPLE)
    {
      pb = match_sign (pr, pb);
      sb = match_sign (sr, sb);
    }
  else
    {
      pb = match_sign (-pr, pb);
      sb = match_sign (-sr, sb);
    }
  augur_drawn_set (drawn, "primary_red", pr);
  augur_drawn_set (drawn, "secondary_red", sr);
  augur_drawn_set (drawn, "primary_blue", pb);
  augur_drawn_set (drawn, "secondary_blue", sb);
}

/* Plane @c of @src as a one-channel image. */
static AugurImage *
plane_of (const AugurImage *src,
          int               c)
{
  AugurImage *out = augur_image_new_uninitialized (src->width, src->height, 1);

  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y) + c;
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < src->width; x++)
        d[x] = s[x * src->channels];
    }
  return out;
}

/* Where output pixel (x, y) reads plane c, as OpenCV's
 * initUndistortRectifyMap gives it for the camera Albumentations builds
 * (focal lengths the width and the height, centre the image centre) and the
 * coefficients k1, k2: the offset from the centre times 1 + k1 r² + k2 r⁴,
 * in pixel indices. One row at a time, in float, for the vectoriser. */
AUGUR_SIMD_CLONES static void
ca_map_row (int    y,
            int    w,
            int    h,
            float  k1,
            float  k2,
            float *restrict mx,
            float *restrict my)
{
  float fw = (float) w, fh = (float) h, v = (y - 0.5f * fh) / fh;

  for (int x = 0; x < w; x++)
    {
      float u = (x - 0.5f * fw) / fw;
      float r2 = u * u + v * v, f = 1 + k1 * r2 + k2 * r2 * r2;

      mx[x] = 0.5f * fw + u * f * fw;
      my[x] = 0.5f * fh + v * f * fh;
    }
}

/* Channel @c of @src read at (@fx, @fy), bilinear, borders replicated. */
static inline guint8
ca_linear (const AugurImage *src,
           int               c,
           float             fx,
           float             fy)
{
  int w = src->width, h = src->height, nc = src->channels;
  float sx = CLAMP (fx, 0.0f, (float) (w - 1)), sy = CLAMP (fy, 0.0f, (float) (h - 1));
  int x0 = (int) sx, y0 = (int) sy;
  int x1 = MIN (x0 + 1, w - 1), y1 = MIN (y0 + 1, h - 1);
  float ax = sx - x0, ay = sy - y0;
  const guint8 *r0 = augur_image_row (src, y0) + c, *r1 = augur_image_row (src, y1) + c;
  float top = r0[x0 * nc] + ax * (r0[x1 * nc] - r0[x0 * nc]);
  float bottom = r1[x0 * nc] + ax * (r1[x1 * nc] - r1[x0 * nc]);

  return (guint8) (top + ay * (bottom - top) + 0.5f);
}

/* Channel @c of @out (a copy of @src) read from @src's channel @c through
 * the distortion (k1, k2), borders replicated. Nearest and linear are done
 * here, straight from the interleaved image; other interpolations go
 * through augur_warp_map() on the plane. */
static void
ca_distort (const AugurImage  *src,
            AugurImage        *out,
            int                c,
            double             k1,
            double             k2,
            AugurInterpolation interp)
{
  int w = src->width, h = src->height, nc = src->channels;
  g_autofree float *mx = g_new (float, w);
  g_autofree float *my = g_new (float, w);

  if (interp != AUGUR_INTERP_NEAREST && interp != AUGUR_INTERP_LINEAR)
    {
      g_autoptr(AugurImage) plane = plane_of (src, c);
      g_autoptr(AugurImage) warped = NULL;
      g_autofree float *map = g_new (float, (gsize) 2 * w * h);

      for (int y = 0; y < h; y++)
        {
          ca_map_row (y, w, h, (float) k1, (float) k2, mx, my);
          for (int x = 0; x < w; x++)
            {
              map[2 * ((gsize) y * w + x)] = mx[x] + 0.5f;
              map[2 * ((gsize) y * w + x) + 1] = my[x] + 0.5f;
            }
        }
      warped = augur_warp_map (plane, w, h, map, interp, AUGUR_BORDER_REPLICATE, NULL);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          augur_image_row (out, y)[x * nc + c] = augur_image_row (warped, y)[x];
      return;
    }

  for (int y = 0; y < h; y++)
    {
      guint8 *d = augur_image_row (out, y) + c;

      ca_map_row (y, w, h, (float) k1, (float) k2, mx, my);
      for (int x = 0; x < w; x++)
        d[x * nc] = interp == AUGUR_INTERP_NEAREST
                      ? augur_image_row (src, CLAMP ((int) floorf (my[x] + 0.5f), 0, h - 1))
                          [CLAMP ((int) floorf (mx[x] + 0.5f), 0, w - 1) * nc + c]
                      : ca_linear (src, c, mx[x], my[x]);
    }
}

/* A row of ca_linear ()'s taps worked out ahead, in a loop the compiler
 * vectorises: for each pixel the clipped position's byte offsets of its
 * left and right columns (channel @c included), its top and bottom rows,
 * and the two weights. */
typedef struct
{
  int   *xo0, *xo1, *y0, *y1;
  float *ax, *ay;
} CaTaps;

/* GCC's default -ftrapping-math keeps it from vectorising the clipping
 * below (it will not compute a comparison the source does on one side of
 * a choice); floating-point exceptions are never looked at here, so it is
 * switched off for this function: the values are the same. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__ ((optimize ("no-trapping-math")))
#endif
AUGUR_SIMD_CLONES static void
ca_taps_row (const float *restrict mx,
             const float *restrict my,
             int                   w,
             int                   h,
             int                   nc,
             int                   c,
             int         *restrict xo0,
             int         *restrict xo1,
             int         *restrict y0,
             int         *restrict y1,
             float       *restrict ax,
             float       *restrict ay)
{
  for (int x = 0; x < w; x++)
    {
      /* CLAMP (), as MAX then MIN (the maps are never NaN) */
      float sx = MIN (MAX (mx[x], 0.0f), (float) (w - 1)), sy = MIN (MAX (my[x], 0.0f), (float) (h - 1));
      int ix = (int) sx, iy = (int) sy;

      xo0[x] = ix * nc + c;
      xo1[x] = MIN (ix + 1, w - 1) * nc + c;
      y0[x] = iy;
      y1[x] = MIN (iy + 1, h - 1);
      ax[x] = sx - ix;
      ay[x] = sy - iy;
    }
}

/* Linear, the default, for red and blue at once: each output row written
 * once, red and blue read through their own maps, green and alpha copied,
 * rather than a copy of the image and a pass per plane; the taps worked
 * out a row at a time (ca_taps_row ()), the gathers and blends after. The
 * same values as ca_linear (). */
static void
ca_distort_linear (const AugurImage *src,
                   AugurImage       *out,
                   const double      k[4])
{
  int w = src->width, h = src->height, nc = src->channels;
  g_autofree float *maps = g_new (float, (gsize) 2 * w);
  g_autofree int *ints = g_new (int, (gsize) 8 * w);
  g_autofree float *weights = g_new (float, (gsize) 4 * w);
  CaTaps t[2];

  for (int p = 0; p < 2; p++)
    t[p] = (CaTaps) { ints + (gsize) (4 * p) * w, ints + (gsize) (4 * p + 1) * w,
                      ints + (gsize) (4 * p + 2) * w, ints + (gsize) (4 * p + 3) * w,
                      weights + (gsize) (2 * p) * w, weights + (gsize) (2 * p + 1) * w };

  for (int y = 0; y < h; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);

      for (int p = 0; p < 2; p++)
        {
          ca_map_row (y, w, h, (float) k[2 * p], (float) k[2 * p + 1], maps, maps + w);
          ca_taps_row (maps, maps + w, w, h, nc, 2 * p, t[p].xo0, t[p].xo1, t[p].y0, t[p].y1,
                       t[p].ax, t[p].ay);
        }
      for (int x = 0; x < w; x++, s += nc, d += nc)
        {
          for (int p = 0; p < 2; p++)
            {
              const guint8 *r0 = augur_image_row (src, t[p].y0[x]), *r1 = augur_image_row (src, t[p].y1[x]);
              int a = t[p].xo0[x], b = t[p].xo1[x];
              float top = r0[a] + t[p].ax[x] * (r0[b] - r0[a]);
              float bottom = r1[a] + t[p].ax[x] * (r1[b] - r1[a]);

              d[2 * p] = (guint8) (top + t[p].ay[x] * (bottom - top) + 0.5f);
            }
          d[1] = s[1];
          if (nc == 4)
            d[3] = s[3];
        }
    }
}

/* Albumentations' chromatic_aberration: the red and blue planes remapped
 * through their radial distortions, borders replicated, green kept. A gray
 * image has no colour planes and is returned as it is; alpha is left
 * alone. */
static AugurImage *
ca_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  AugurInterpolation interp = (AugurInterpolation) params[CA_INTERPOLATION].nick;
  AugurImage *out;

  if (src->channels == 1)
    return augur_image_copy (src);

  if (interp == AUGUR_INTERP_LINEAR)
    {
      const double k[4] = {
        augur_drawn_get (drawn, "primary_red"), augur_drawn_get (drawn, "secondary_red"),
        augur_drawn_get (drawn, "primary_blue"), augur_drawn_get (drawn, "secondary_blue"),
      };

      out = augur_image_new_like_uninitialized (src);
      ca_distort_linear (src, out, k);
      return out;
    }
  out = augur_image_copy (src);
  ca_distort (src, out, 0, augur_drawn_get (drawn, "primary_red"),
              augur_drawn_get (drawn, "secondary_red"), interp);
  ca_distort (src, out, 2, augur_drawn_get (drawn, "primary_blue"),
              augur_drawn_get (drawn, "secondary_blue"), interp);
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

/* RingingOvershoot at its largest kernel: the rows paired about the
 * centre (k adds a value), then (k + 1) / 2 paired columns of each of the
 * (k + 1) / 2 row pairs, a load and an add each (ro_filter_row () sums the
 * taps that weigh alike before it multiplies, about half as many). */
static void
ringing_overshoot_cost (const AugurValue *params,
                        const AugurShape *in,
                        AugurShape       *out,
                        AugurCost        *cost)
{
  double k = params[RO_BLUR_LIMIT].v[1], half = (k + 1) / 2;

  *out = *in;
  cost->work = augur_cost_image_bytes (in) * (k + 2 * half * half);
  cost->memory = augur_cost_image_bytes (in) * (2 + (half + 2) * sizeof (float));
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
  {
    .name = "Downscale",
    .label = "Downscale",
    .category = AUGUR_CATEGORY_QUALITY,
    .description = "Lose detail by shrinking the image and enlarging it back to its size. "
                   "Works alike on gray.",
    .version = 1,
    .default_p = 0.5,
    .params = ds_params,
    .n_params = G_N_ELEMENTS (ds_params),
    .drawn = ds_drawn,
    .sample = ds_sample,
    .apply = ds_apply,
  },
  {
    .name = "RingingOvershoot",
    .label = "Ringing and overshoot",
    .category = AUGUR_CATEGORY_QUALITY,
    .description = "Ripples and halos along edges, as an ideal low-pass filter (2-D sinc) leaves them. "
                   "Works alike on gray.",
    .version = 1,
    .default_p = 0.5,
    .params = ro_params,
    .n_params = G_N_ELEMENTS (ro_params),
    .drawn = ro_drawn,
    .sample = ro_sample,
    .apply = ro_apply,
    .cost = ringing_overshoot_cost,
  },
  {
    .name = "ChromaticAberration",
    .label = "Chromatic aberration",
    .category = AUGUR_CATEGORY_QUALITY,
    .description = "Lens colour fringes: the red and blue planes are distorted radially against "
                   "the green one. Gray images are left as they are.",
    .version = 1,
    .default_p = 0.5,
    .params = ca_params,
    .n_params = G_N_ELEMENTS (ca_params),
    .drawn = ca_drawn,
    .sample = ca_sample,
    .apply = ca_apply,
  },
};

const guint augur_n_quality_transforms = G_N_ELEMENTS (augur_quality_transforms);
