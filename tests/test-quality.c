/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "augur-image.h"

#include "augur-test-util.h"

/* The fast paths of the Quality transforms against the straightforward
 * computations written out here:
 * - ImageCompression (JPEG) against an encode and decode through
 *   GdkPixbuf, the path it took before: the same bytes out (tolerance 0);
 * - Downscale, nearest both ways, against OpenCV's INTER_NEAREST index
 *   rule applied pixel by pixel (tolerance 0);
 * - RingingOvershoot against the 2-D sinc convolution in doubles with
 *   reflected borders (tolerance 1 level: the filter runs in single
 *   precision or fixed point and rounds once). */

/* A picture with smooth colour ramps, sharp edges and some noise, of odd
 * size so that the codec's 16-pixel blocks and the resizers' steps do not
 * divide it. */
static AugurImage *
test_picture (int width,
              int height,
              int channels,
              guint64 seed)
{
  g_autoptr(AugurImage) noise = augur_test_noise_image (width, height, channels, 0, 40, seed);
  AugurImage *image = augur_image_new (width, height, channels);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < channels; c++)
        {
          int v = 30 + 120 * x / width + 60 * c * y / height + ((x / 7 + y / 5) % 3 == 0 ? 50 : 0);

          if (c == 3)
            v = (x * 5 + y * 3) % 256;
          else
            v += augur_test_pixel (noise, x, y, c);
          augur_image_row (image, y)[x * channels + c] = (guint8) CLAMP (v, 0, 255);
        }
  return image;
}

/* ImageCompression ------------------------------------------------------------- */

/* @src's colours through GdkPixbuf's JPEG saver and loader, as an RGB
 * image. */
static AugurImage *
pixbuf_jpeg (const AugurImage *src,
             int               quality)
{
  g_autoptr(AugurImage) rgb = augur_image_convert (src, 3);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_data (rgb->data, GDK_COLORSPACE_RGB, FALSE, 8, rgb->width,
                                                          rgb->height, rgb->stride, NULL, NULL);
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("jpeg", NULL);
  g_autofree char *quality_str = g_strdup_printf ("%d", quality);
  g_autofree gchar *bytes = NULL;
  g_autoptr(GError) error = NULL;
  GdkPixbuf *decoded;
  AugurImage *out;
  gsize size;

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &bytes, &size, "jpeg", &error, "quality", quality_str, NULL));
  g_assert_no_error (error);
  g_assert_true (gdk_pixbuf_loader_write (loader, (const guchar *) bytes, size, &error));
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_no_error (error);
  decoded = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_cmpint (gdk_pixbuf_get_n_channels (decoded), ==, 3);

  out = augur_image_new (src->width, src->height, 3);
  for (int y = 0; y < src->height; y++)
    memcpy (augur_image_row (out, y),
            gdk_pixbuf_read_pixels (decoded) + (gsize) y * gdk_pixbuf_get_rowstride (decoded),
            (gsize) src->width * 3);
  return out;
}

static void
test_jpeg_matches_pixbuf (void)
{
  static const int qualities[] = { 5, 50, 95, 100 };
  static const int sizes[][2] = { { 101, 67 }, { 16, 16 }, { 1, 1 }, { 333, 9 } };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (int nc = 1; nc <= 4; nc++)
      for (guint q = 0; q < G_N_ELEMENTS (qualities); q++)
        {
          g_autoptr(AugurImage) src = NULL;
          g_autoptr(AugurImage) reference = NULL;
          g_autoptr(AugurImage) expected = NULL;
          g_autoptr(AugurImage) out = NULL;
          g_autofree char *json = g_strdup_printf ("{\"type\": \"ImageCompression\", \"params\": "
                                                   "{\"quality_range\": [%d, %d]}}", qualities[q], qualities[q]);

          if (nc == 2)
            continue;
          src = test_picture (sizes[s][0], sizes[s][1], nc, 7 + s);
          reference = pixbuf_jpeg (src, qualities[q]);
          out = augur_test_run_step (json, src, 1, NULL);
          expected = augur_image_convert (reference, nc);
          if (nc == 4)
            for (int y = 0; y < src->height; y++)
              for (int x = 0; x < src->width; x++)
                augur_image_row (expected, y)[4 * x + 3] = augur_image_row (src, y)[4 * x + 3];
          g_assert_cmpint (augur_test_max_difference (out, expected), ==, 0);
          /* And the codec did work: at quality 50 or below the picture moved. */
          if (qualities[q] <= 50 && src->width > 8)
            g_assert_cmpfloat (augur_test_mean_difference (out, src), >, 1.0);
        }
}

/* The image handed over with a stride wider than its rows. */
static void
test_jpeg_strided (void)
{
  g_autoptr(AugurImage) tight = test_picture (45, 31, 3, 3);
  gsize stride = 45 * 3 + 29;
  guint8 *data = g_malloc0 (stride * 31);
  g_autoptr(AugurImage) wide = NULL;
  g_autoptr(AugurImage) a = NULL;
  g_autoptr(AugurImage) b = NULL;
  const char *json = "{\"type\": \"ImageCompression\", \"params\": {\"quality_range\": [40, 40]}}";

  for (int y = 0; y < 31; y++)
    memcpy (data + y * stride, augur_image_row (tight, y), 45 * 3);
  wide = augur_image_new_for_data (45, 31, 3, (int) stride, data, g_free, data);
  a = augur_test_run_step (json, tight, 1, NULL);
  b = augur_test_run_step (json, wide, 1, NULL);
  g_assert_cmpint (augur_test_max_difference (a, b), ==, 0);
}

/* Downscale ------------------------------------------------------------------ */

/* OpenCV's INTER_NEAREST, pixel by pixel: output (x, y) reads input
 * (floor (x * fx), floor (y * fy)), clamped to the image. */
static AugurImage *
nearest_reference (const AugurImage *src,
                   int               dw,
                   int               dh,
                   double            fx,
                   double            fy)
{
  AugurImage *out = augur_image_new (dw, dh, src->channels);

  for (int y = 0; y < dh; y++)
    for (int x = 0; x < dw; x++)
      for (int c = 0; c < src->channels; c++)
        {
          int sx = MIN ((int) floor (x * fx), src->width - 1);
          int sy = MIN ((int) floor (y * fy), src->height - 1);

          augur_image_row (out, y)[x * src->channels + c] = augur_image_row (src, sy)[sx * src->channels + c];
        }
  return out;
}

static void
test_downscale_nearest (void)
{
  static const double scales[] = { 0.25, 0.1, 0.5, 0.33, 0.77, 0.01 };
  static const int sizes[][2] = { { 101, 67 }, { 640, 480 }, { 7, 300 } };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (int nc = 1; nc <= 4; nc++)
      for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
        {
          int w = sizes[s][0], h = sizes[s][1];
          double scale = scales[i];
          int sw = MAX (1, (int) lrint (w * scale)), sh = MAX (1, (int) lrint (h * scale));
          g_autoptr(AugurImage) src = NULL;
          g_autoptr(AugurImage) small = NULL;
          g_autoptr(AugurImage) expected = NULL;
          g_autoptr(AugurImage) out = NULL;
          g_autofree char *json = g_strdup_printf ("{\"type\": \"Downscale\", \"params\": "
                                                   "{\"scale_range\": [%g, %g]}}", scale, scale);

          if (nc == 2)
            continue;
          src = test_picture (w, h, nc, 11 + i);
          small = nearest_reference (src, sw, sh, 1 / scale, 1 / scale);
          expected = nearest_reference (small, w, h, (double) sw / w, (double) sh / h);
          if (nc == 4)
            for (int y = 0; y < h; y++)
              for (int x = 0; x < w; x++)
                augur_image_row (expected, y)[4 * x + 3] = augur_image_row (src, y)[4 * x + 3];
          out = augur_test_run_step (json, src, 1, NULL);
          g_assert_cmpint (augur_test_max_difference (out, expected), ==, 0);
        }
}

/* RingingOvershoot --------------------------------------------------------------- */

/* The 2-D sinc of size @ks and cutoff @cutoff, normalised to sum 1, over
 * @src with reflected borders, in doubles; alpha kept. */
static AugurImage *
ringing_reference (const AugurImage *src,
                   int               ks,
                   double            cutoff)
{
  int r = ks / 2, nc = src->channels, colours = nc == 4 ? 3 : nc;
  g_autofree double *k = g_new (double, ks * ks);
  AugurImage *out = augur_image_copy (src);
  double sum = 0;

  for (int i = 0; i < ks; i++)
    for (int j = 0; j < ks; j++)
      {
        double d = hypot (i - r, j - r);

        k[i * ks + j] = d == 0 ? cutoff * cutoff / (4 * G_PI) : cutoff * j1 (cutoff * d) / (2 * G_PI * d);
        sum += k[i * ks + j];
      }
  for (int i = 0; i < ks * ks; i++)
    k[i] /= sum;

  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      for (int c = 0; c < colours; c++)
        {
          double v = 0;

          for (int i = 0; i < ks; i++)
            for (int j = 0; j < ks; j++)
              v += k[i * ks + j] * augur_image_row (src, augur_test_reflect_101 (y + i - r, src->height))
                                     [augur_test_reflect_101 (x + j - r, src->width) * nc + c];
          augur_image_row (out, y)[x * nc + c] = (guint8) CLAMP (lrint (v), 0, 255);
        }
  return out;
}

static void
test_ringing_reference (void)
{
  static const struct { int ks; double cutoff; } cases[] = {
    { 3, 0.5 }, { 7, 1.0 }, { 11, 1.0 }, { 11, 0.3 }, { 15, 2.5 }, { 31, 0.8 },
  };
  static const int sizes[][2] = { { 61, 37 }, { 5, 40 }, { 1, 1 } };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (int nc = 1; nc <= 4; nc++)
      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          g_autoptr(AugurImage) src = NULL;
          g_autoptr(AugurImage) expected = NULL;
          g_autoptr(AugurImage) out = NULL;
          g_autofree char *json = g_strdup_printf ("{\"type\": \"RingingOvershoot\", \"params\": "
                                                   "{\"blur_limit\": [%d, %d], \"cutoff\": [%g, %g]}}",
                                                   cases[i].ks, cases[i].ks, cases[i].cutoff, cases[i].cutoff);
          int worst;

          if (nc == 2)
            continue;
          src = test_picture (sizes[s][0], sizes[s][1], nc, 5 + i);
          expected = ringing_reference (src, cases[i].ks, cases[i].cutoff);
          out = augur_test_run_step (json, src, 1, NULL);
          worst = augur_test_max_difference (out, expected);
          g_test_message ("RingingOvershoot %d, cutoff %g, %d×%d×%d: within %d", cases[i].ks, cases[i].cutoff,
                          src->width, src->height, nc, worst);
          g_assert_cmpint (worst, <=, 1);
        }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/quality/jpeg/matches-pixbuf", test_jpeg_matches_pixbuf);
  g_test_add_func ("/quality/jpeg/strided", test_jpeg_strided);
  g_test_add_func ("/quality/downscale/nearest", test_downscale_nearest);
  g_test_add_func ("/quality/ringing/reference", test_ringing_reference);

  return g_test_run ();
}
