/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <string.h>

#include "augur-error.h"
#include "augur-image.h"
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
        int v[3] = { x * 255 / width, y * 255 / height, (x + 2 * y) * 255 / (width + 2 * height) };

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
 * JPEG are corrupt; a file cut short still gives a picture (the whole
 * decode is the one that refuses it). */
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

  g_assert_null (augur_jpeg_decode_reduced (data, len, 8, 640 * 480 - 1, NULL, NULL, &error));
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_assert_null (augur_jpeg_decode_reduced (junk, sizeof junk, 8, AUGUR_DEFAULT_MAX_PIXELS, NULL, NULL, &error));
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT);
  g_clear_error (&error);

  cut = augur_jpeg_decode_reduced (data, len / 2, 8, AUGUR_DEFAULT_MAX_PIXELS, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cut->width, ==, 80);
  g_assert_cmpint (cut->height, ==, 60);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jpeg/core/reduced-matches-full", test_reduced_matches_full);
  g_test_add_func ("/jpeg/core/reduced-orientation", test_reduced_orientation);
  g_test_add_func ("/jpeg/core/reduced-errors", test_reduced_errors);

  return g_test_run ();
}
