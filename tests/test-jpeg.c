/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <jpeglib.h>

#include "augur-error.h"
#include "augur-image.h"
#include "augur-image-info.h"
#include "augur-jpeg.h"
#include "augur-test-util.h"

/* The reduced JPEG decode that gives the first picture of a large sample:
 * checked against the whole decode (GdkPixbuf's loader, EXIF orientation
 * included) brought down to the same size. */

/* Smooth gradients, different in each channel and along each axis (what
 * 1/8 scaling keeps, and what shows a wrong turn or flip at once). */
static AugurImage *
gradient (int width,
          int height,
          int channels)
{
  AugurImage *image = augur_image_new (width, height, channels);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = augur_image_row (image, y) + x * channels;
        int v[4] = { x * 255 / width, y * 255 / height, (x + 2 * y) * 255 / (width + 2 * height),
                     255 - x * 255 / width };

        for (int c = 0; c < channels; c++)
          p[c] = (guint8) (channels == 1 ? (x * 160 / width + y * 95 / height) : v[c]);
      }
  return image;
}

static GBytes *
encode_jpeg (const AugurImage *image)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = augur_image_encode (image, AUGUR_IMAGE_FORMAT_JPEG, 95, &error);

  g_assert_no_error (error);
  return bytes;
}

static guint
dc_only_decodes (void)
{
  guint n;

  augur_jpeg_get_stats (&n, NULL);
  return n;
}

/* @jpeg with an EXIF APP1 segment giving @orientation, right after SOI;
 * @little: the TIFF data little-endian ("II"), or big-endian ("MM"). */
static GBytes *
with_orientation (GBytes   *jpeg,
                  int       orientation,
                  gboolean  little)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  guint8 tiff[26] = { 0 };
  GByteArray *out = g_byte_array_new ();
  guint8 marker[4] = { 0xff, 0xe1, 0, 2 + 6 + sizeof tiff };

#define PUT16(p, v) (little ? ((p)[0] = (v) & 0xff, (p)[1] = (v) >> 8) : ((p)[0] = (v) >> 8, (p)[1] = (v) & 0xff))
  memcpy (tiff, little ? "II" : "MM", 2);
  PUT16 (tiff + 2, 42);
  PUT16 (tiff + (little ? 4 : 6), 8);       /* IFD 0 at offset 8 */
  PUT16 (tiff + 8, 1);                      /* one entry */
  PUT16 (tiff + 10, 0x0112);                /* Orientation */
  PUT16 (tiff + 12, 3);                     /* SHORT */
  PUT16 (tiff + (little ? 14 : 16), 1);     /* count 1 */
  PUT16 (tiff + 18, orientation);           /* the value, left-justified */
#undef PUT16

  g_byte_array_append (out, data, 2);
  g_byte_array_append (out, marker, sizeof marker);
  g_byte_array_append (out, (const guint8 *) "Exif\0\0", 6);
  g_byte_array_append (out, tiff, sizeof tiff);
  g_byte_array_append (out, data + 2, (guint) (len - 2));
  return g_byte_array_free_to_bytes (out);
}

/* The reduced decode at @denom against the whole decode of the same bytes
 * scaled to the reduced size: within 3 levels on average. */
static void
check_against_full (GBytes *jpeg,
                    int     denom)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurImage) full = augur_image_load_bytes (jpeg, 0, &error);
  g_autoptr(AugurImage) reduced = NULL;
  g_autoptr(AugurImage) scaled = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  int width = 0, height = 0;
  double diff;

  g_assert_no_error (error);
  reduced = augur_jpeg_decode_reduced (data, len, denom, AUGUR_DEFAULT_MAX_PIXELS, &width, &height, &error);
  g_assert_no_error (error);
  g_assert_cmpint (width, ==, full->width);
  g_assert_cmpint (height, ==, full->height);
  g_assert_cmpint (reduced->channels, ==, full->channels);
  g_assert_cmpint (reduced->width, ==, (full->width + denom - 1) / denom);
  g_assert_cmpint (reduced->height, ==, (full->height + denom - 1) / denom);
  scaled = augur_image_scale (full, reduced->width, reduced->height);
  diff = augur_test_mean_difference (reduced, scaled);
  g_test_message ("%dx%d at 1/%d, %d channels: mean |reduced - scaled| = %.2f levels",
                  full->width, full->height, denom, full->channels, diff);
  g_assert_cmpfloat (diff, <, 3.0);
}

static void
test_reduced_matches_full (void)
{
  /* sides that are not multiples of 8 or 16: partial blocks and MCUs */
  const int shapes[][3] = { { 803, 601, 3 }, { 640, 480, 3 }, { 517, 389, 4 } };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr(AugurImage) src = gradient (shapes[i][0], shapes[i][1], shapes[i][2]);
      g_autoptr(GBytes) jpeg = encode_jpeg (src);

      for (int denom = 2; denom <= 8; denom *= 2)
        check_against_full (jpeg, denom);
    }
}

/* Every EXIF orientation, in either byte order, turns the reduced image
 * as GdkPixbuf turns the whole one, and gives the turned whole size. */
static void
test_reduced_orientation (void)
{
  g_autoptr(AugurImage) src = gradient (400, 240, 3);
  g_autoptr(GBytes) plain = encode_jpeg (src);

  for (int orientation = 1; orientation <= 8; orientation++)
    for (int little = 0; little <= 1; little++)
      {
        g_autoptr(GBytes) jpeg = with_orientation (plain, orientation, little);
        g_autoptr(GError) error = NULL;
        g_autoptr(AugurImage) full = augur_image_load_bytes (jpeg, 0, &error);

        g_assert_no_error (error);
        /* GdkPixbuf read the tag: the test's file is what it means to be */
        g_assert_cmpint (full->width, ==, orientation >= 5 ? 240 : 400);
        check_against_full (jpeg, 8);
      }
}

/* Over the pixel limit is refused from the header; bytes that are not a
 * JPEG are corrupt; a file cut short or damaged still gives a picture (the
 * whole decode is the one that refuses it), or an error, never garbage
 * sizes or a crash. */
static void
test_reduced_errors (void)
{
  g_autoptr(AugurImage) src = gradient (640, 480, 3);
  g_autoptr(GBytes) jpeg = encode_jpeg (src);
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurImage) cut = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  const guint8 junk[64] = { 0xff, 0xd8, 0xff, 0x01 };
  guint before;

  g_assert_null (augur_jpeg_decode_reduced (data, len, 8, 640 * 480 - 1, NULL, NULL, &error));
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_assert_null (augur_jpeg_decode_reduced (junk, sizeof junk, 8, AUGUR_DEFAULT_MAX_PIXELS, NULL, NULL, &error));
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT);
  g_clear_error (&error);

  /* (the DC-only decoder leaves it to libjpeg) */
  before = dc_only_decodes ();
  cut = augur_jpeg_decode_reduced (data, len / 2, 8, AUGUR_DEFAULT_MAX_PIXELS, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dc_only_decodes (), ==, before);

  /* damaged data (seeded byte changes after the headers): a picture of
   * the right size or an error, whichever decoder took it */
  for (guint32 i = 0, seed = 7; i < 200; i++)
    {
      g_autofree guint8 *bad = g_memdup2 (data, len);
      g_autoptr(AugurImage) image = NULL;
      g_autoptr(GError) local_error = NULL;

      for (int n = 0; n < 4; n++)
        {
          seed = seed * 1664525u + 1013904223u;
          bad[len / 4 + seed % (len - len / 4 - 2)] = (guint8) (seed >> 24);
        }
      image = augur_jpeg_decode_reduced (bad, len, 8, AUGUR_DEFAULT_MAX_PIXELS, NULL, NULL, &local_error);
      if (image != NULL)
        {
          g_assert_cmpint (image->width, ==, 80);
          g_assert_cmpint (image->height, ==, 60);
        }
      else
        g_assert_error (local_error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT);
    }
  g_assert_cmpint (cut->width, ==, 80);
  g_assert_cmpint (cut->height, ==, 60);
}


/* libjpeg itself at 1/8, with the settings of the reduced decode (fast
 * integer IDCT, chroma repeated): what the DC-only decoder must give, bit
 * for bit. Only for well-formed files: an error fails the test. */
static AugurImage *
libjpeg_eighth (GBytes *jpeg)
{
  struct jpeg_decompress_struct cinfo;
  struct jpeg_error_mgr err;
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  AugurImage *image;

  cinfo.err = jpeg_std_error (&err);
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, (unsigned long) len);
  g_assert_cmpint (jpeg_read_header (&cinfo, TRUE), ==, JPEG_HEADER_OK);
  cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  cinfo.scale_num = 1;
  cinfo.scale_denom = 8;
  cinfo.dct_method = JDCT_IFAST;
  cinfo.do_fancy_upsampling = FALSE;
  cinfo.do_block_smoothing = FALSE;
  jpeg_start_decompress (&cinfo);
  image = augur_image_new ((int) cinfo.output_width, (int) cinfo.output_height, cinfo.output_components);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      JSAMPROW row = augur_image_row (image, (int) cinfo.output_scanline);

      jpeg_read_scanlines (&cinfo, &row, 1);
    }
  g_assert_cmpint (err.num_warnings, ==, 0);
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  return image;
}

/* @image (1 or 3 channels) as libjpeg writes it with luma sampled @h x @v
 * times as finely as chroma, and a restart marker every @restart MCUs;
 * in progressive scans when @progressive. */
static GBytes *
encode_libjpeg (const AugurImage *image,
                int               h,
                int               v,
                unsigned int      restart,
                gboolean          progressive)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr err;
  unsigned char *out = NULL;
  unsigned long size = 0;
  GBytes *bytes;

  cinfo.err = jpeg_std_error (&err);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &out, &size);
  cinfo.image_width = (JDIMENSION) image->width;
  cinfo.image_height = (JDIMENSION) image->height;
  cinfo.input_components = image->channels;
  cinfo.in_color_space = image->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 90, TRUE);
  cinfo.comp_info[0].h_samp_factor = h;
  cinfo.comp_info[0].v_samp_factor = v;
  cinfo.restart_interval = restart;
  if (progressive)
    jpeg_simple_progression (&cinfo);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = augur_image_row (image, (int) cinfo.next_scanline);

      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  bytes = g_bytes_new (out, size);
  free (out);
  return bytes;
}

/* @image with fine detail (and so many AC terms to skip) over the
 * gradient: a seeded pattern, the same on every run. */
static void
add_detail (AugurImage *image,
            guint32     seed)
{
  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width * image->channels; x++)
      {
        guint8 *p = augur_image_row (image, y) + x;

        seed = seed * 1664525u + 1013904223u;
        *p = (guint8) CLAMP (*p + (int) (seed >> 27) - 16, 0, 255);
      }
}

/* @jpeg at 1/8 through augur_jpeg_decode_reduced(), made by its DC-only
 * decoder (not handed to libjpeg). */
static AugurImage *
dc_only_eighth (GBytes *jpeg)
{
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  guint before = dc_only_decodes ();
  AugurImage *image = augur_jpeg_decode_reduced (data, len, 8, AUGUR_DEFAULT_MAX_PIXELS, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (dc_only_decodes (), ==, before + 1);
  return image;
}

/* The 1/8 decode is libjpeg's, bit for bit, where libjpeg too takes only
 * the DC terms: luma, and chroma sampled as finely as luma. (For chroma
 * sampled at half, libjpeg runs a 2 x 2 inverse DCT on it instead: a
 * gray picture, whose chroma is flat, is the same either way.) Sides that
 * are not multiples of the MCU, restart markers or none, gray files. */
static void
test_dc_only_exact (void)
{
  const struct { int width, height, channels, h, v; unsigned int restart; gboolean gray_content; } cases[] = {
    { 803, 601, 3, 1, 1, 0, FALSE },
    { 803, 601, 3, 1, 1, 7, FALSE },
    { 517, 389, 1, 1, 1, 0, FALSE },
    { 517, 389, 1, 1, 1, 5, FALSE },
    { 803, 601, 3, 2, 2, 0, TRUE },
    { 803, 601, 3, 2, 2, 3, TRUE },
    { 611, 397, 3, 2, 1, 0, TRUE },
    { 611, 397, 3, 1, 2, 4, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AugurImage) src = gradient (cases[i].width, cases[i].height,
                                            cases[i].gray_content ? 1 : cases[i].channels);
      g_autoptr(AugurImage) shaped = NULL;
      g_autoptr(GBytes) jpeg = NULL;
      g_autoptr(AugurImage) want = NULL;
      g_autoptr(AugurImage) got = NULL;

      add_detail (src, 1234 + i);
      shaped = cases[i].gray_content ? augur_image_convert (src, 3) : augur_image_ref (src);
      jpeg = encode_libjpeg (shaped, cases[i].h, cases[i].v, cases[i].restart, FALSE);
      want = libjpeg_eighth (jpeg);
      got = dc_only_eighth (jpeg);
      g_test_message ("%dx%d, %d channels, %dx%d, restart %u: %" G_GSIZE_FORMAT " bytes",
                      cases[i].width, cases[i].height, cases[i].channels, cases[i].h, cases[i].v,
                      cases[i].restart, g_bytes_get_size (jpeg));
      g_assert_true (augur_image_equal (want, got));
    }
}

/* A large scan (over a megabyte of data, no restart markers) is decoded
 * in two halves, the second from the middle of the data, and gives the
 * same pixels as libjpeg: gray content so that the 4:2:0 file is compared
 * bit for bit, and 4:4:4 colour. */
static void
test_dc_only_halves (void)
{
  const int sampling[][2] = { { 2, 2 }, { 1, 1 } };

  for (guint i = 0; i < G_N_ELEMENTS (sampling); i++)
    {
      g_autoptr(AugurImage) src = gradient (2400, 1800, i == 0 ? 1 : 3);
      g_autoptr(AugurImage) rgb = NULL;
      g_autoptr(GBytes) jpeg = NULL;
      g_autoptr(AugurImage) want = NULL;
      g_autoptr(AugurImage) got = NULL;
      guint split_before, split_after;

      add_detail (src, 4321 + i);
      rgb = augur_image_convert (src, 3);
      jpeg = encode_libjpeg (rgb, sampling[i][0], sampling[i][1], 0, FALSE);
      g_test_message ("%dx%d sampling: %" G_GSIZE_FORMAT " bytes", sampling[i][0], sampling[i][1],
                      g_bytes_get_size (jpeg));
      g_assert_cmpuint (g_bytes_get_size (jpeg), >, 1 << 20);
      want = libjpeg_eighth (jpeg);
      augur_jpeg_get_stats (NULL, &split_before);
      got = dc_only_eighth (jpeg);
      augur_jpeg_get_stats (NULL, &split_after);
      if (g_get_num_processors () > 1)
        g_assert_cmpuint (split_after, ==, split_before + 1);
      g_assert_true (augur_image_equal (want, got));
    }
}

/* For chroma sampled at half, the DC-only decode differs from libjpeg's
 * 1/8 only in colour detail finer than 16 pixels: within 2 levels on
 * average of it, and of the whole decode scaled down. */
static void
test_dc_only_subsampled (void)
{
  g_autoptr(AugurImage) src = gradient (803, 601, 3);
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(AugurImage) want = NULL;
  g_autoptr(AugurImage) got = NULL;
  double diff;

  add_detail (src, 99);
  jpeg = encode_libjpeg (src, 2, 2, 0, FALSE);
  want = libjpeg_eighth (jpeg);
  got = dc_only_eighth (jpeg);
  diff = augur_test_mean_difference (want, got);
  g_test_message ("mean |DC only - libjpeg 1/8| = %.2f levels", diff);
  g_assert_cmpfloat (diff, <, 2.0);
  check_against_full (jpeg, 8);
}

/* The whole decode ----------------------------------------------------------
 *
 * A whole JPEG is decoded once, by libjpeg into the image. What it must
 * give is what Augur gave before, when a check pass read the data and then
 * GdkPixbuf's loader decoded them: the same refusals, and for every file
 * accepted the same pixels, bit for bit. */

/* The earlier way: augur_jpeg_check_data(), then GdkPixbuf's loader and
 * its EXIF orientation; NULL where either refuses, with the check's error
 * in @check_error when the check does. */
static GdkPixbuf *
pixbuf_decode (GBytes  *jpeg,
               GError **check_error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  gboolean ok;
  GdkPixbuf *pixbuf;

  if (!augur_jpeg_check_data (data, len, check_error))
    return NULL;
  loader = gdk_pixbuf_loader_new_with_type ("jpeg", NULL);
  g_assert_nonnull (loader);
  ok = gdk_pixbuf_loader_write (loader, data, len, NULL);
  ok = gdk_pixbuf_loader_close (loader, NULL) && ok;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (!ok || pixbuf == NULL)
    return NULL;
  return gdk_pixbuf_apply_embedded_orientation (pixbuf);
}

/* TRUE when @image holds @pixbuf's pixels exactly (a gray image: each of
 * the pixbuf's channels; alpha, which a JPEG has not, left out). */
static gboolean
same_pixels (const AugurImage *image,
             GdkPixbuf        *pixbuf)
{
  int nc = gdk_pixbuf_get_n_channels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);

  if (image->width != gdk_pixbuf_get_width (pixbuf) || image->height != gdk_pixbuf_get_height (pixbuf))
    return FALSE;
  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        const guint8 *s = pixels + (gsize) y * rowstride + x * nc;
        const guint8 *d = augur_image_row (image, y) + x * image->channels;

        for (int c = 0; c < 3; c++)
          if (d[image->channels == 1 ? 0 : c] != s[c])
            return FALSE;
      }
  return TRUE;
}

static guint n_direct;   /* files accepted that libjpeg decoded directly */

/* One file both ways; returns TRUE when it was accepted. Files whose
 * header Augur refuses never reach either decoder and are skipped. */
static gboolean
check_whole (GBytes     *jpeg,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) direct_error = NULL;
  g_autoptr(GError) check_error = NULL;
  g_autoptr(AugurImage) image = NULL;
  g_autoptr(AugurImage) direct = NULL;
  g_autoptr(GdkPixbuf) want = NULL;
  AugurImageInfo info;
  int width = 0, height = 0;
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);

  if (!augur_image_info_read (data, len, &info, NULL) || !g_str_equal (info.format, "jpeg") ||
      info.width <= 0 || info.height <= 0 || info.width * info.height > AUGUR_DEFAULT_MAX_PIXELS ||
      !augur_image_info_complete (&info, data, len))
    return FALSE;

  want = pixbuf_decode (jpeg, &check_error);
  image = augur_image_load_bytes (jpeg, 0, &error);
  /* and libjpeg directly, unless it leaves the file to GdkPixbuf */
  direct = augur_jpeg_decode (data, len, (int) info.width, (int) info.height, &width, &height, &direct_error);
  if (direct == NULL && !g_error_matches (direct_error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT))
    g_assert_error (direct_error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT);
  if (want == NULL)
    {
      if (image != NULL || direct != NULL)
        g_error ("%s: accepted, where the check and GdkPixbuf refuse it", name);
      g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT);
      /* refused by the check: in the same words */
      if (check_error != NULL)
        g_assert_cmpstr (error->message, ==, check_error->message);
      return FALSE;
    }
  if (image == NULL)
    g_error ("%s: refused (%s), where the check and GdkPixbuf accept it", name, error->message);
  if (!same_pixels (image, want))
    g_error ("%s: pixels differ from GdkPixbuf's", name);
  if (direct != NULL)
    {
      if (!same_pixels (direct, want) || width != direct->width || height != direct->height)
        g_error ("%s: the direct decode differs from GdkPixbuf's", name);
      n_direct++;
    }
  else if (!g_error_matches (direct_error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT))
    g_error ("%s: refused by the direct decode (%s)", name, direct_error->message);
  return TRUE;
}

/* Every kind of file the direct decoder takes: gray and colour, each chroma
 * sampling, restart markers, progressive scans, sides that are no multiple
 * of a block, every EXIF orientation; and the same files cut short or with
 * bytes changed, which must be refused exactly when they were before. */
static void
test_whole_matches_pixbuf (void)
{
  static const struct { int channels, h, v; unsigned int restart; gboolean progressive; } cases[] = {
    { 3, 1, 1, 0, FALSE }, { 3, 2, 1, 0, FALSE }, { 3, 2, 2, 0, FALSE }, { 3, 1, 2, 0, FALSE },
    { 3, 2, 2, 3, FALSE }, { 1, 1, 1, 0, FALSE }, { 1, 1, 1, 5, FALSE },
    { 3, 2, 2, 0, TRUE }, { 3, 1, 1, 0, TRUE }, { 1, 1, 1, 0, TRUE },
  };
  guint accepted = 0, refused = 0, before;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AugurImage) src = gradient (333, 197, cases[i].channels);
      g_autoptr(GBytes) jpeg = NULL;
      gsize len;
      const guint8 *data;

      add_detail (src, (guint32) i + 1);
      jpeg = encode_libjpeg (src, cases[i].h, cases[i].v, cases[i].restart, cases[i].progressive);
      data = g_bytes_get_data (jpeg, &len);
      before = n_direct;
      g_assert_true (check_whole (jpeg, "made"));
      g_assert_cmpuint (n_direct, ==, before + 1);   /* not left to GdkPixbuf */
      accepted++;

      for (int orientation = 2; orientation <= 8; orientation++)
        {
          g_autoptr(GBytes) turned = with_orientation (jpeg, orientation, orientation & 1);

          before = n_direct;
          g_assert_true (check_whole (turned, "turned"));
          g_assert_cmpuint (n_direct, ==, before + 1);
        }

      for (guint32 k = 0, seed = 11 + (guint32) i; k < 40; k++)
        {
          g_autofree guint8 *bad = g_memdup2 (data, len);
          g_autoptr(GBytes) damaged = NULL;
          gsize cut = len;

          seed = seed * 1664525u + 1013904223u;
          if (k % 4 == 0)
            cut = len / 3 + seed % (len - len / 3);   /* cut short */
          else
            for (int n = 0; n < 3; n++)
              {
                seed = seed * 1664525u + 1013904223u;
                bad[len / 4 + seed % (len - len / 4 - 2)] = (guint8) (seed >> 24);
              }
          damaged = g_bytes_new (bad, cut);
          if (check_whole (damaged, "damaged"))
            accepted++;
          else
            refused++;
        }
    }
  g_test_message ("%u accepted, %u refused alike", accepted, refused);
  g_assert_cmpuint (refused, >, 0);
}

/* The JPEG samples and every JPEG of the fuzz corpus and its crash inputs,
 * both ways. */
static void
test_whole_matches_pixbuf_files (void)
{
  const char *root = g_getenv ("AUGUR_SOURCE_DIR");
  const char *folders[] = { "data/samples", "tests/fuzz/corpus/image", "tests/fuzz/crashes/image" };
  guint seen = 0, accepted = 0;

  n_direct = 0;

  if (root == NULL)
    {
      g_test_skip ("AUGUR_SOURCE_DIR is not set");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *folder = g_build_filename (root, folders[i], NULL);
      g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (folder, name, NULL);
          g_autofree char *contents = NULL;
          g_autoptr(GBytes) bytes = NULL;
          gsize len;

          if (!g_file_get_contents (path, &contents, &len, NULL) || len < 3 ||
              memcmp (contents, "\xff\xd8\xff", 3) != 0)
            continue;
          bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
          seen++;
          if (check_whole (bytes, path))
            accepted++;
        }
    }
  g_test_message ("%u JPEG files, %u accepted, %u of them decoded by libjpeg directly",
                  seen, accepted, n_direct);
  g_assert_cmpuint (seen, >=, 3);
  g_assert_cmpuint (accepted, >=, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jpeg/core/reduced-matches-full", test_reduced_matches_full);
  g_test_add_func ("/jpeg/core/reduced-orientation", test_reduced_orientation);
  g_test_add_func ("/jpeg/core/reduced-errors", test_reduced_errors);
  g_test_add_func ("/jpeg/core/dc-only-exact", test_dc_only_exact);
  g_test_add_func ("/jpeg/core/dc-only-subsampled", test_dc_only_subsampled);
  g_test_add_func ("/jpeg/core/dc-only-halves", test_dc_only_halves);
  g_test_add_func ("/jpeg/core/whole-matches-pixbuf", test_whole_matches_pixbuf);
  g_test_add_func ("/jpeg/core/whole-matches-pixbuf-files", test_whole_matches_pixbuf_files);

  return g_test_run ();
}
