/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <jpeglib.h>

/* Built with AddressSanitizer (gcc or clang)? */
#if defined(__SANITIZE_ADDRESS__)
# define AUGUR_TEST_ASAN 1
#elif defined(__has_feature)
# if __has_feature (address_sanitizer)
#  define AUGUR_TEST_ASAN 1
# endif
#endif
#ifdef AUGUR_TEST_ASAN
# include <sanitizer/allocator_interface.h>
#endif

#include "augur-error.h"
#include "augur-image.h"
#include "augur-image-info.h"
#include "augur-strips.h"
#include "augur-test-util.h"

/* Fixtures ------------------------------------------------------------------- */

static char *tmp_dir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static void
write_file (const char   *name,
            const guint8 *data,
            gsize         len)
{
  g_autofree char *path = tmp_path (name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, (gssize) len, &error);
  g_assert_no_error (error);
}

/* A smooth but not flat image, so that JPEG sizes depend on quality. */
static AugurImage *
pattern (int width,
         int height,
         int channels)
{
  AugurImage *image = augur_image_new (width, height, channels);

  for (int y = 0; y < height; y++)
    {
      guint8 *row = augur_image_row (image, y);

      for (int x = 0; x < width; x++)
        for (int c = 0; c < channels; c++)
          row[x * channels + c] = (guint8) (c == 3 ? 255 - (x * 7 + y) % 256
                                                   : (x * (c + 1) * 5 + y * 3 + ((x * y) % 13) * 4) % 256);
    }
  return image;
}

/* Gentle gradients: what JPEG keeps well. */
static AugurImage *
smooth (int width,
        int height)
{
  AugurImage *image = augur_image_new (width, height, 3);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = augur_image_row (image, y) + x * 3;

        p[0] = (guint8) (x * 3);
        p[1] = (guint8) (y * 4);
        p[2] = (guint8) (x + y * 2);
      }
  return image;
}

/* A hand-made PNG: GdkPixbuf cannot write gray images, and a header that
 * lies about the size has to be written by hand anyway. The data are one
 * stored (uncompressed) deflate block, so no zlib is needed. */
static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         len)
{
  crc = ~crc;
  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
  return ~crc;
}

static void
put_be32 (GByteArray *a,
          guint32     v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

  g_byte_array_append (a, b, 4);
}

static void
put_chunk (GByteArray   *png,
           const char   *type,
           const guint8 *data,
           gsize         len)
{
  guint32 crc;

  put_be32 (png, (guint32) len);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, (guint) len);
  crc = crc32_update (0, (const guint8 *) type, 4);
  crc = crc32_update (crc, data, len);
  put_be32 (png, crc);
}

/* A gray (colour type 0) 8-bit PNG of @width x @height as its header says;
 * @pixels (width * height bytes) or none, for a file that stops right
 * after the header. */
static GBytes *gray_png_rows (guint32 width, guint32 height, const guint8 *pixels, guint32 rows);

static GBytes *
gray_png (guint32       width,
          guint32       height,
          const guint8 *pixels)
{
  return gray_png_rows (width, height, pixels, height);
}

/* As gray_png(), with the data of the first @rows rows only, in a well
 * formed stream: a file whose every chunk is intact but whose image ends
 * early. */
static GBytes *
gray_png_rows (guint32       width,
               guint32       height,
               const guint8 *pixels,
               guint32       rows)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  GByteArray *png = g_byte_array_new ();
  guint8 ihdr[13];

  g_byte_array_append (png, signature, 8);
  ihdr[0] = width >> 24, ihdr[1] = width >> 16, ihdr[2] = width >> 8, ihdr[3] = width;
  ihdr[4] = height >> 24, ihdr[5] = height >> 16, ihdr[6] = height >> 8, ihdr[7] = height;
  ihdr[8] = 8;    /* bit depth */
  ihdr[9] = 0;    /* gray */
  ihdr[10] = ihdr[11] = ihdr[12] = 0;
  put_chunk (png, "IHDR", ihdr, 13);

  if (pixels)
    {
      /* Each row: filter byte 0, then the row. */
      gsize raw_len = (gsize) rows * (width + 1);
      g_autoptr(GByteArray) z = g_byte_array_new ();
      guint32 a = 1, b = 0;
      guint8 head[5];

      g_assert_cmpuint (raw_len, <, 65536);
      g_byte_array_append (z, (const guint8 *) "\x78\x01", 2);
      head[0] = 1;   /* final stored block */
      head[1] = raw_len & 0xff, head[2] = raw_len >> 8;
      head[3] = ~raw_len & 0xff, head[4] = (~raw_len >> 8) & 0xff;
      g_byte_array_append (z, head, 5);
      for (guint32 y = 0; y < rows; y++)
        {
          guint8 filter = 0;

          g_byte_array_append (z, &filter, 1);
          g_byte_array_append (z, pixels + (gsize) y * width, width);
        }
      /* Adler-32 of the raw bytes. */
      for (gsize i = 7; i < z->len; i++)
        {
          a = (a + z->data[i]) % 65521;
          b = (b + a) % 65521;
        }
      put_be32 (z, (b << 16) | a);
      put_chunk (png, "IDAT", z->data, z->len);
    }
  else
    {
      /* The start of a zlib stream only: libpng reports the header to the
       * loader when it meets the first IDAT, so a limit check has to act
       * on that, before any row is decoded. */
      put_chunk (png, "IDAT", (const guint8 *) "\x78\x01", 2);
    }

  put_chunk (png, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (png);
}

/* Bytes of @image in a format GdkPixbuf writes (bmp, tiff, ico ...). */
static GBytes *
pixbuf_encode (const AugurImage *image,
               const char       *type)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  g_assert_true (image->channels == 3 || image->channels == 4);
  pixbuf = gdk_pixbuf_new_from_data (image->data, GDK_COLORSPACE_RGB, image->channels == 4, 8,
                                     image->width, image->height, image->stride, NULL, NULL);
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, type, &error, NULL))
    {
      g_test_message ("GdkPixbuf cannot write %s: %s", type, error->message);
      return NULL;
    }
  return g_bytes_new_take (buffer, size);
}

static GBytes *
truncated (GBytes *bytes,
           gsize   keep)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_assert_cmpuint (keep, <, len);
  return g_bytes_new (data, keep);
}

/* Loading what we accept -------------------------------------------------------- */

static void
test_load_png (void)
{
  for (int channels = 3; channels <= 4; channels++)
    {
      g_autoptr(AugurImage) image = pattern (37, 23, channels);
      g_autofree char *path = tmp_path (channels == 3 ? "rgb.png" : "rgba.png");
      g_autoptr(AugurImage) loaded = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (augur_image_save (image, path, AUGUR_IMAGE_FORMAT_PNG, 0, &error));
      g_assert_no_error (error);
      loaded = augur_image_load (path, 0, &error);
      g_assert_no_error (error);
      /* Lossless, channels kept. */
      g_assert_true (augur_image_equal (image, loaded));
    }
}

static void
test_load_gray_png (void)
{
  guint8 pixels[11 * 7];
  g_autoptr(GBytes) png = NULL;
  g_autoptr(AugurImage) loaded = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < sizeof pixels; i++)
    pixels[i] = (guint8) (i * 37);
  png = gray_png (11, 7, pixels);

  /* A gray file stays gray: one channel, the same values. */
  loaded = augur_image_load_bytes (png, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->channels, ==, 1);
  g_assert_cmpint (loaded->width, ==, 11);
  g_assert_cmpint (loaded->height, ==, 7);
  for (int y = 0; y < 7; y++)
    g_assert_cmpmem (augur_image_row (loaded, y), 11, pixels + y * 11, 11);
}

static void
test_load_jpeg (void)
{
  g_autoptr(AugurImage) image = smooth (64, 48);
  g_autofree char *path = tmp_path ("image.jpg");
  g_autoptr(AugurImage) loaded = NULL;
  g_autoptr(GError) error = NULL;
  double diff = 0;

  g_assert_true (augur_image_save (image, path, AUGUR_IMAGE_FORMAT_JPEG, 95, &error));
  loaded = augur_image_load (path, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->width, ==, 64);
  g_assert_cmpint (loaded->height, ==, 48);
  g_assert_cmpint (loaded->channels, ==, 3);
  for (gsize i = 0; i < (gsize) 64 * 48 * 3; i++)
    diff += fabs ((double) loaded->data[i] - image->data[i]);
  /* Lossy, but close at quality 95. */
  g_assert_cmpfloat (diff / (64 * 48 * 3), <, 2.0);

  /* A gray image saved as JPEG comes back as RGB with equal channels
   * (GdkPixbuf writes RGB JPEGs). */
  {
    g_autoptr(AugurImage) gray = augur_image_convert (image, 1);
    g_autoptr(AugurImage) back = NULL;

    g_assert_true (augur_image_save (gray, path, AUGUR_IMAGE_FORMAT_JPEG, 90, &error));
    back = augur_image_load (path, 0, &error);
    g_assert_no_error (error);
    g_assert_true (back->channels == 1 || back->channels == 3);
  }
}

static void
test_load_bmp_tiff (void)
{
  static const char *const types[] = { "bmp", "tiff" };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(AugurImage) image = pattern (19, 13, 3);
      g_autoptr(GBytes) bytes = pixbuf_encode (image, types[i]);
      g_autoptr(AugurImage) loaded = NULL;
      g_autoptr(GError) error = NULL;

      if (bytes == NULL)
        {
          g_test_message ("skipping %s: not writable here", types[i]);
          continue;
        }
      g_assert_cmpstr (augur_image_sniff (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)),
                       ==, types[i]);
      loaded = augur_image_load_bytes (bytes, 0, &error);
      g_assert_no_error (error);
      g_test_message ("%s: %d channels", types[i], loaded->channels);
      g_assert_cmpint (loaded->channels, ==, 3);
      g_assert_true (augur_image_equal (image, loaded));

      /* Over a custom pixel limit (19 x 13 = 247): refused as too large,
       * also for TIFF, whose loader reads the header only when closed. */
      g_clear_pointer (&loaded, augur_image_unref);
      loaded = augur_image_load_bytes (bytes, 200, &error);
      g_assert_null (loaded);
      g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE);
      g_assert_nonnull (strstr (error->message, "19x13"));
    }
}

/* Refusing what we do not accept -------------------------------------------------- */

typedef struct
{
  const char *name;
  GBytes     *(*make) (void);
  int         code;
  const char *fragment;
} BadImage;

static GBytes *
make_empty (void)
{
  return g_bytes_new (NULL, 0);
}

static GBytes *
make_corrupt_png (void)
{
  static const guint8 data[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                 'n', 'o', 't', ' ', 'a', ' ', 'c', 'h', 'u', 'n', 'k', '!', 0, 1, 2, 3 };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
make_truncated_png (void)
{
  g_autoptr(AugurImage) image = pattern (64, 64, 3);
  g_autoptr(GBytes) full = augur_image_encode (image, AUGUR_IMAGE_FORMAT_PNG, 0, NULL);

  return truncated (full, g_bytes_get_size (full) / 2);
}

static GBytes *
make_truncated_jpeg (void)
{
  g_autoptr(AugurImage) image = pattern (64, 64, 3);
  g_autoptr(GBytes) full = augur_image_encode (image, AUGUR_IMAGE_FORMAT_JPEG, 90, NULL);

  return truncated (full, g_bytes_get_size (full) / 3);
}

/* Cut at half and an end-of-image marker appended: the scan ends early but
 * the file ends the way a whole one does. libjpeg warns "premature end of
 * data segment" and fills the rest with gray, which GdkPixbuf handed out. */
static GBytes *
make_truncated_jpeg_with_eoi (void)
{
  g_autoptr(AugurImage) image = pattern (64, 64, 3);
  g_autoptr(GBytes) full = augur_image_encode (image, AUGUR_IMAGE_FORMAT_JPEG, 90, NULL);
  gsize half = g_bytes_get_size (full) / 2;
  guint8 *data = g_memdup2 (g_bytes_get_data (full, NULL), half + 2);

  data[half] = 0xff;
  data[half + 1] = 0xd9;
  return g_bytes_new_take (data, half + 2);
}

static GBytes *
make_truncated_bmp (void)
{
  g_autoptr(AugurImage) image = pattern (64, 64, 3);
  g_autoptr(GBytes) full = pixbuf_encode (image, "bmp");

  return full ? truncated (full, g_bytes_get_size (full) / 2) : NULL;
}

static GBytes *
make_truncated_tiff (void)
{
  g_autoptr(AugurImage) image = pattern (64, 64, 3);
  g_autoptr(GBytes) full = pixbuf_encode (image, "tiff");

  return full ? truncated (full, g_bytes_get_size (full) / 2) : NULL;
}

static GBytes *
make_truncated_webp (void)
{
  g_autoptr(AugurImage) image = pattern (64, 64, 3);
  g_autoptr(GBytes) full = NULL;

  if (!augur_image_format_available (AUGUR_IMAGE_FORMAT_WEBP))
    return NULL;
  full = augur_image_encode (image, AUGUR_IMAGE_FORMAT_WEBP, 90, NULL);
  return truncated (full, g_bytes_get_size (full) / 2);
}

static GBytes *
make_short_rows_png (void)
{
  guint8 pixels[32 * 16];

  memset (pixels, 77, sizeof pixels);
  return gray_png_rows (32, 16, pixels, 9);
}

static GBytes *
make_huge_png (void)
{
  /* 100000 x 100000 = 10^10 pixels (30 GB decoded), header only. */
  return gray_png (100000, 100000, NULL);
}

static GBytes *
make_zero_png (void)
{
  return gray_png (0, 16, NULL);
}

static GBytes *
make_ico (void)
{
  /* An ICO directory with one 16x16 entry (the bytes an ICO loader would
   * parse), whatever the file is called. */
  static const guint8 data[] = {
    0, 0, 1, 0, 1, 0,                          /* reserved, type 1 (icon), one image */
    16, 16, 0, 0, 1, 0, 32, 0,                 /* 16x16, no palette, 1 plane, 32 bpp */
    0x68, 0x04, 0, 0, 22, 0, 0, 0,             /* size, offset */
  };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
make_gif (void)
{
  static const guint8 data[] = {
    'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff,
    ',', 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, ';',
  };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
make_xpm (void)
{
  static const char data[] =
    "/* XPM */\nstatic char *x[] = {\"1 1 1 1\", \"a c #ff0000\", \"a\"};\n";

  return g_bytes_new (data, sizeof data - 1);
}

static GBytes *
make_tga (void)
{
  /* An uncompressed 1x1 true-colour TGA: no magic bytes at all. */
  static const guint8 data[] = { 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 24, 0, 0, 0, 255 };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
make_svg (void)
{
  static const char data[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100000\" height=\"100000\"/>";

  return g_bytes_new (data, sizeof data - 1);
}

static GBytes *
make_text (void)
{
  static const char data[] = "BM";   /* too short to be a BMP header */

  return g_bytes_new (data, sizeof data - 1);
}

static const BadImage bad_images[] = {
  { "empty", make_empty, AUGUR_ERROR_CORRUPT, "empty" },
  { "corrupt-png", make_corrupt_png, AUGUR_ERROR_CORRUPT, "corrupt" },
  { "truncated-png", make_truncated_png, AUGUR_ERROR_CORRUPT, "png" },
  { "truncated-jpeg", make_truncated_jpeg, AUGUR_ERROR_CORRUPT, "jpeg" },
  { "truncated-jpeg-with-eoi", make_truncated_jpeg_with_eoi, AUGUR_ERROR_CORRUPT, "premature end" },
  { "png-rows-missing", make_short_rows_png, AUGUR_ERROR_CORRUPT, "truncated png" },
  { "truncated-bmp", make_truncated_bmp, AUGUR_ERROR_CORRUPT, "bmp" },
  { "truncated-tiff", make_truncated_tiff, AUGUR_ERROR_CORRUPT, "tiff" },
  { "truncated-webp", make_truncated_webp, AUGUR_ERROR_CORRUPT, "webp" },
  { "huge-png", make_huge_png, AUGUR_ERROR_TOO_LARGE, "100000x100000" },
  { "zero-size-png", make_zero_png, AUGUR_ERROR_CORRUPT, "png" },
  { "ico", make_ico, AUGUR_ERROR_UNSUPPORTED_FORMAT, "by its first bytes" },
  { "gif", make_gif, AUGUR_ERROR_UNSUPPORTED_FORMAT, "not a PNG, JPEG, WebP, TIFF or BMP" },
  { "xpm", make_xpm, AUGUR_ERROR_UNSUPPORTED_FORMAT, "by its first bytes" },
  { "tga", make_tga, AUGUR_ERROR_UNSUPPORTED_FORMAT, "by its first bytes" },
  { "svg", make_svg, AUGUR_ERROR_UNSUPPORTED_FORMAT, "by its first bytes" },
  { "short-bmp-magic", make_text, AUGUR_ERROR_UNSUPPORTED_FORMAT, "by its first bytes" },
};

static void
test_bad_image (gconstpointer data)
{
  const BadImage *c = data;
  g_autoptr(GBytes) bytes = c->make ();
  g_autofree char *name = g_strconcat ("bad-", c->name, ".png", NULL);
  g_autofree char *path = tmp_path (name);
  g_autoptr(AugurImage) image = NULL;
  g_autoptr(GError) error = NULL;

  if (bytes == NULL)
    {
      g_test_skip ("no encoder here to make this file");
      return;
    }

  /* From memory ... */
  image = augur_image_load_bytes (bytes, 0, &error);
  g_assert_null (image);
  g_test_message ("%s: %s", c->name, error ? error->message : "(no error)");
  g_assert_error (error, AUGUR_ERROR, c->code);
  if (strstr (error->message, c->fragment) == NULL)
    g_error ("%s: \"%s\" lacks \"%s\"", c->name, error->message, c->fragment);
  g_clear_error (&error);

  /* ... and from a file named .png, whose message starts with the path. */
  write_file (name, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  image = augur_image_load (path, 0, &error);
  g_assert_null (image);
  g_assert_error (error, AUGUR_ERROR, c->code);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_cmpint (g_remove (path), ==, 0);
}

static void
test_pixel_limit (void)
{
  g_autoptr(AugurImage) image = pattern (64, 64, 3);
  g_autoptr(GBytes) png = augur_image_encode (image, AUGUR_IMAGE_FORMAT_PNG, 0, NULL);
  g_autoptr(GBytes) jpeg = augur_image_encode (image, AUGUR_IMAGE_FORMAT_JPEG, 90, NULL);
  g_autoptr(AugurImage) loaded = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *both[] = { png, jpeg };

  for (guint i = 0; i < G_N_ELEMENTS (both); i++)
    {
      /* At the limit: read. One pixel under the size: refused. */
      loaded = augur_image_load_bytes (both[i], 64 * 64, &error);
      g_assert_no_error (error);
      g_clear_pointer (&loaded, augur_image_unref);

      loaded = augur_image_load_bytes (both[i], 64 * 64 - 1, &error);
      g_assert_null (loaded);
      g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE);
      g_assert_nonnull (strstr (error->message, "64x64"));
      g_assert_nonnull (strstr (error->message, "4095"));
      g_clear_error (&error);
    }

  /* WebP too, when its codec is here. */
  if (augur_image_format_available (AUGUR_IMAGE_FORMAT_WEBP))
    {
      g_autoptr(GBytes) webp = augur_image_encode (image, AUGUR_IMAGE_FORMAT_WEBP, 90, &error);

      g_assert_no_error (error);
      loaded = augur_image_load_bytes (webp, 64 * 64 - 1, &error);
      g_assert_null (loaded);
      g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE);
      g_clear_error (&error);
    }

  /* The default limit is 100 megapixels: 100000 x 100000 is far over it,
   * refused from the header before anything is allocated for it. */
  {
    g_autoptr(GBytes) huge = make_huge_png ();

    loaded = augur_image_load_bytes (huge, 0, &error);
    g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE);
    g_assert_nonnull (strstr (error->message, "100000000"));
    g_clear_error (&error);
  }
}

/* Tests that no large allocation is made cap the address space of a child
 * process. Under AddressSanitizer, which reserves terabytes of address
 * space for its shadow memory, that cap cannot be used: the allocator's
 * hooks record the largest single allocation instead. */
#ifdef AUGUR_TEST_ASAN
static volatile gsize largest_allocation;

static void
on_malloc (const volatile void *ptr,
           size_t               size)
{
  if (size > largest_allocation)
    largest_allocation = size;
}

static void
on_free (const volatile void *ptr)
{
}
#endif

/* Loads a small image of every format Augur writes, so that the decoders'
 * modules are loaded before the cap: their code does not count. */
static void
load_decoders (void)
{
  g_autoptr(AugurImage) image = pattern (8, 8, 3);

  for (AugurImageFormat f = AUGUR_IMAGE_FORMAT_PNG; f <= AUGUR_IMAGE_FORMAT_WEBP; f++)
    if (augur_image_format_available (f))
      {
        g_autoptr(GBytes) bytes = augur_image_encode (image, f, 90, NULL);
        g_autoptr(AugurImage) again = augur_image_load_bytes (bytes, 0, NULL);

        g_assert_nonnull (again);
      }
}

/* Runs @check in a child process that may allocate at most @headroom bytes
 * more than it holds once the decoders are loaded. */
static void
run_capped (void  (*check) (void),
            gsize   headroom)
{
  if (g_test_subprocess ())
    {
      load_decoders ();
#ifdef AUGUR_TEST_ASAN
      __sanitizer_install_malloc_and_free_hooks (on_malloc, on_free);
      check ();
      g_assert_cmpuint (largest_allocation, <, headroom);
#else
      {
        g_autofree char *statm = NULL;
        struct rlimit limit;
        gsize in_use;

        g_assert_true (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL));
        in_use = (gsize) g_ascii_strtoull (statm, NULL, 10) * (gsize) sysconf (_SC_PAGESIZE);
        limit.rlim_cur = limit.rlim_max = (rlim_t) (in_use + headroom);
        g_assert_cmpint (setrlimit (RLIMIT_AS, &limit), ==, 0);
        check ();
      }
#endif
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
check_huge_png (void)
{
  g_autoptr(GBytes) huge = make_huge_png ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurImage) loaded = augur_image_load_bytes (huge, 0, &error);

  g_assert_null (loaded);
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE);
}

/* The 100000 x 100000 header again, in a child that may allocate 64 MiB
 * more: were the loader to allocate the image (30 GB) before the limit is
 * checked, the allocation would fail and the error be another one (or the
 * child abort). */
static void
test_pixel_limit_no_allocation (void)
{
  run_capped (check_huge_png, (gsize) 64 << 20);
}

/* A CMYK JPEG (as print workflows write): GdkPixbuf converts it to RGBA
 * with an opaque alpha; Augur gives RGB, as for any other JPEG. */
static void
test_load_cmyk_jpeg (void)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  unsigned char *buffer = NULL;
  unsigned long size = 0;
  guint8 row[16 * 4];
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AugurImage) loaded = NULL;
  g_autoptr(GError) error = NULL;

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &buffer, &size);
  cinfo.image_width = 16;
  cinfo.image_height = 8;
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_CMYK;
  jpeg_set_defaults (&cinfo);
  jpeg_start_compress (&cinfo, TRUE);
  for (int x = 0; x < 16; x++)
    {
      row[x * 4 + 0] = (guint8) (x * 16);
      row[x * 4 + 1] = 200;
      row[x * 4 + 2] = 100;
      row[x * 4 + 3] = 255;
    }
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW rows[1] = { row };

      jpeg_write_scanlines (&cinfo, rows, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  bytes = g_bytes_new (buffer, size);
  free (buffer);

  loaded = augur_image_load_bytes (bytes, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->width, ==, 16);
  g_assert_cmpint (loaded->height, ==, 8);
  g_assert_cmpint (loaded->channels, ==, 3);
}

/* Headers that claim more than they hold -------------------------------------- */

/* Tiny files whose headers claim huge images: each must be refused from
 * Augur's own reading of the header, before any decoder allocates. */

static GBytes *
make_webp_vp8x_huge (void)
{
  /* 31 bytes: a VP8X header claiming a 513 x 4609072 canvas; the WebP
   * loader allocated all of it (7.1 GB) before the limit was checked. */
  static const guint8 data[31] = {
    'R', 'I', 'F', 'F', 23, 0, 0, 0, 'W', 'E', 'B', 'P',
    'V', 'P', '8', 'X', 10, 0, 0, 0,
    0x00, 0, 0, 0,                 /* flags, reserved */
    0x00, 0x02, 0x00,              /* width - 1 = 512 */
    0x2f, 0x54, 0x46,              /* height - 1 = 4609071 */
    0,
  };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
make_bmp_claim (void)
{
  /* 102 bytes: a 24-bit 9000 x 9000 BMP (81 megapixels, under the limit)
   * holding 48 bytes of rows; it cost 244 MB before it was refused. */
  guint8 data[102] = { 'B', 'M', 102, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0,
                       40, 0, 0, 0, 0x28, 0x23, 0, 0, 0x28, 0x23, 0, 0, 1, 0, 24, 0 };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
make_jpeg_huge (void)
{
  /* SOI, a baseline frame header of 65535 x 65535, three components. */
  static const guint8 data[] = {
    0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0xff, 0xff, 0xff, 0xff, 3,
    1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 0xff, 0xd9,
  };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
make_tiff_huge (void)
{
  /* 4000000000 x 4000000000: the pixel count overflows 64 bits' signed
   * range when multiplied carelessly. */
  static const guint8 data[] = {
    'I', 'I', 42, 0, 8, 0, 0, 0,
    2, 0,
    0x00, 0x01, 4, 0, 1, 0, 0, 0, 0x00, 0x28, 0x6b, 0xee,   /* ImageWidth LONG */
    0x01, 0x01, 4, 0, 1, 0, 0, 0, 0x00, 0x28, 0x6b, 0xee,   /* ImageLength LONG */
    0, 0, 0, 0,
  };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
make_tiff_two_pages (void)
{
  /* Two 4 x 4 directories chained: a document of two pages, of which the
   * decoder would keep the first. */
  static const guint8 data[] = {
    'I', 'I', 42, 0, 8, 0, 0, 0,
    2, 0,
    0x00, 0x01, 3, 0, 1, 0, 0, 0, 4, 0, 0, 0,
    0x01, 0x01, 3, 0, 1, 0, 0, 0, 4, 0, 0, 0,
    38, 0, 0, 0,
    2, 0,
    0x00, 0x01, 3, 0, 1, 0, 0, 0, 4, 0, 0, 0,
    0x01, 0x01, 3, 0, 1, 0, 0, 0, 4, 0, 0, 0,
    0, 0, 0, 0,
  };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
make_tiff_loop (void)
{
  /* A directory whose next directory is itself. */
  static const guint8 data[] = {
    'I', 'I', 42, 0, 8, 0, 0, 0,
    2, 0,
    0x00, 0x01, 3, 0, 1, 0, 0, 0, 4, 0, 0, 0,
    0x01, 0x01, 3, 0, 1, 0, 0, 0, 4, 0, 0, 0,
    8, 0, 0, 0,
  };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
make_webp_animated (void)
{
  /* VP8X with the animation flag and two (empty) ANMF frames. */
  static const guint8 data[] = {
    'R', 'I', 'F', 'F', 54, 0, 0, 0, 'W', 'E', 'B', 'P',
    'V', 'P', '8', 'X', 10, 0, 0, 0, 0x02, 0, 0, 0, 3, 0, 0, 3, 0, 0,
    'A', 'N', 'M', 'F', 0, 0, 0, 0,
    'A', 'N', 'M', 'F', 0, 0, 0, 0,
  };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
make_bmp_header_size (void)
{
  /* Found by fuzzing: an info header size of 3 GB, which the BMP loader
   * allocated for this 105-byte file. */
  static const guint8 data[105] = {
    0x42, 0x4d, 0xae, 0, 0, 0, 0, 0, 0x26, 0, 0x36, 0, 0, 0x08, 0x53, 0,
    0, 0xc0, 0x60, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0x18, 0,
  };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
make_bmp_colors_used (void)
{
  /* Found by fuzzing: an 8-bit 6x2 BMP whose colours-used field is
   * 2^32 - 1, from which the loader sized its colour table (16 GB). */
  static const guint8 data[145] = {
    0x42, 0x4d, 0xae, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x36, 0x00,
    0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x02, 0x00,
    0x00, 0x00, 0x11, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x78, 0x00,
    0x02, 0x00, 0x13, 0x0b, 0x00, 0x00, 0xea, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xf4, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x6f, 0x94, 0x99, 0x9e,
    0xb9, 0xbe, 0xc3, 0x45, 0xe3, 0xe8, 0xde, 0x60, 0x65, 0x2a, 0x85, 0xb9,
    0x80, 0x75, 0x90, 0x95, 0x9a, 0xb5, 0xba, 0xbf, 0xdf, 0xae, 0x2a, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x36, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00,
    0x00, 0x06, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x11, 0x00, 0x18,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x78, 0x00, 0x02, 0x00, 0x13, 0x0b, 0x00,
    0x00, 0xea, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x00,
  };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
make_tiff_samples (void)
{
  /* Found by fuzzing: a 16391x39 RGB TIFF that claims 30723 samples a
   * pixel, from which libtiff sized its strip buffer (2.5 GB). */
  static const guint8 data[130] = {
    0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x01, 0x03, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x07, 0x40, 0x00, 0x00, 0x01, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x27, 0x00,
    0x00, 0x00, 0x02, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x81, 0x01, 0x00,
    0x00, 0xfa, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x11, 0x01, 0x01, 0x00, 0x00, 0x04, 0x00, 0x00, 0x7a, 0x00,
    0x00, 0x00, 0x15, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x78, 0x62, 0x6d, 0x16, 0x01,
    0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x17, 0x01, 0x04, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x69, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x00, 0x01,
    0x00, 0x14,
  };

  return g_bytes_new (data, sizeof data);
}

typedef struct
{
  const char *name;
  GBytes   *(*make) (void);
  int         code;
  const char *fragment;
} ClaimCase;

static const ClaimCase claim_cases[] = {
  { "webp-vp8x", make_webp_vp8x_huge, AUGUR_ERROR_TOO_LARGE, "513x4609072" },
  { "bmp", make_bmp_claim, AUGUR_ERROR_CORRUPT, "truncated bmp" },
  { "bmp-header-size", make_bmp_header_size, AUGUR_ERROR_CORRUPT, "info header" },
  { "bmp-colors-used", make_bmp_colors_used, AUGUR_ERROR_CORRUPT, "colour table" },
  { "jpeg", make_jpeg_huge, AUGUR_ERROR_TOO_LARGE, "65535x65535" },
  { "tiff", make_tiff_huge, AUGUR_ERROR_TOO_LARGE, "4000000000x4000000000" },
  { "png", make_huge_png, AUGUR_ERROR_TOO_LARGE, "100000x100000" },
  { "tiff-pages", make_tiff_two_pages, AUGUR_ERROR_UNSUPPORTED_FORMAT, "TIFF with 2 pages" },
  { "tiff-loop", make_tiff_loop, AUGUR_ERROR_CORRUPT, "loops" },
  { "tiff-samples", make_tiff_samples, AUGUR_ERROR_CORRUPT, "samples per pixel" },
  { "webp-animated", make_webp_animated, AUGUR_ERROR_UNSUPPORTED_FORMAT, "animated WebP with 2 frames" },
};

static void
check_claims (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (claim_cases); i++)
    {
      g_autoptr(GBytes) bytes = claim_cases[i].make ();
      g_autoptr(GError) error = NULL;
      g_autoptr(AugurImage) loaded = augur_image_load_bytes (bytes, 0, &error);

      g_test_message ("%s: %s", claim_cases[i].name, error ? error->message : "(loaded)");
      g_assert_null (loaded);
      g_assert_error (error, AUGUR_ERROR, claim_cases[i].code);
      g_assert_nonnull (strstr (error->message, claim_cases[i].fragment));
    }
}

/* Each claim refused in a child that may allocate 64 MiB more: an
 * allocation of the claimed image (244 MB for the BMP, 7.1 GB for the
 * WebP) would fail there, and the error be another one or the child
 * abort. */
static void
test_claims_no_allocation (void)
{
  run_capped (check_claims, (gsize) 64 << 20);
}

/* The header reader agrees with the decoders on real files of every
 * format Augur writes. */
static void
test_info_read (void)
{
  g_autoptr(AugurImage) image = pattern (37, 21, 3);

  /* Every magic prefix, cut to every length up to 40 bytes. */
  {
    static const struct { const char *bytes; gsize len; } magics[] = {
      { "\x89PNG\r\n\x1a\n", 8 }, { "\xff\xd8\xff", 3 }, { "RIFF\x10\0\0\0WEBPVP8X", 16 },
      { "II*\0", 4 }, { "MM\0*", 4 }, { "BM", 2 },
    };

    for (guint m = 0; m < G_N_ELEMENTS (magics); m++)
      for (gsize cut = 0; cut <= 40; cut++)
        {
          g_autofree guint8 *copy = g_malloc0 (MAX (cut, 1));
          AugurImageInfo info;

          memcpy (copy, magics[m].bytes, MIN (cut, magics[m].len));
          if (augur_image_info_read (copy, cut, &info, NULL))
            augur_image_info_complete (&info, copy, cut);
        }
  }

  for (AugurImageFormat f = AUGUR_IMAGE_FORMAT_PNG; f <= AUGUR_IMAGE_FORMAT_WEBP; f++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      AugurImageInfo info;
      gsize len;
      const guint8 *data;

      if (!augur_image_format_available (f))
        continue;
      bytes = augur_image_encode (image, f, 90, &error);
      g_assert_no_error (error);
      data = g_bytes_get_data (bytes, &len);
      g_assert_true (augur_image_info_read (data, len, &info, &error));
      g_assert_no_error (error);
      g_assert_cmpint (info.width, ==, 37);
      g_assert_cmpint (info.height, ==, 21);
      g_assert_cmpuint (info.frames, ==, 1);
      g_assert_true (augur_image_info_complete (&info, data, len));
      /* Cut short: never complete, and never read past the end (each cut
       * in a buffer of its own size, for the sanitized suite and valgrind
       * to see an over-read: fuzzing found one in a 5-byte TIFF). */
      for (gsize cut = 0; cut < len; cut += 1 + cut / 8)
        {
          g_autofree guint8 *copy = g_memdup2 (data, cut);

          if (augur_image_info_read (copy, cut, &info, NULL))
            g_assert_false (augur_image_info_complete (&info, copy, cut));
        }
    }
}

/* Damaged files, seeded: each is refused with an AUGUR_ERROR, or decodes,
 * and decodes to the same pixels every time (a decoder that left rows it
 * never reached uninitialised would differ between two loads). */
static void
test_damaged_deterministic (void)
{
  g_autoptr(AugurImage) image = pattern (23, 17, 3);
  g_autoptr(GPtrArray) seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint64 state = 0x2545f4914f6cdd1du;
  guint decoded = 0, refused = 0;

  g_ptr_array_add (seeds, augur_image_encode (image, AUGUR_IMAGE_FORMAT_PNG, 0, NULL));
  g_ptr_array_add (seeds, augur_image_encode (image, AUGUR_IMAGE_FORMAT_JPEG, 80, NULL));
  {
    g_autoptr(GBytes) bmp = pixbuf_encode (image, "bmp");

    /* GdkPixbuf's BMP writer leaves each row's padding bytes uninitialised
     * (valgrind traces them into the decoded pixels of damaged copies):
     * clear them, so that the seed file itself is fully defined. */
    if (bmp)
      {
        gsize len;
        guint8 *data = g_memdup2 (g_bytes_get_data (bmp, &len), g_bytes_get_size (bmp));
        guint32 offset = data[10] | data[11] << 8 | data[12] << 16 | (guint32) data[13] << 24;
        gsize row_size = ((gsize) image->width * 24 + 31) / 32 * 4;

        for (int y = 0; y < image->height; y++)
          for (gsize x = (gsize) image->width * 3; x < row_size; x++)
            if (offset + y * row_size + x < len)
              data[offset + y * row_size + x] = 0;
        g_ptr_array_add (seeds, g_bytes_new_take (data, len));
      }
  }

  for (guint iteration = 0; iteration < 3000; iteration++)
    {
      GBytes *seed = seeds->pdata[iteration % seeds->len];
      gsize len;
      const guint8 *data = g_bytes_get_data (seed, &len);
      guint8 *copy = g_memdup2 (data, len);
      g_autoptr(GBytes) damaged = NULL;
      g_autoptr(AugurImage) a = NULL;
      g_autoptr(AugurImage) b = NULL;
      g_autoptr(GError) error = NULL;

      for (guint m = 0; m < 1 + iteration % 3; m++)
        {
          gsize pos;

          state ^= state << 13, state ^= state >> 7, state ^= state << 17;
          pos = 8 + (state >> 8) % (len - 8);   /* keep the magic bytes */
          if (state % 4 == 0)
            len = pos + 1;                        /* cut */
          else
            copy[pos] ^= (guint8) (1 << ((state >> 40) % 8));
        }
      damaged = g_bytes_new_take (copy, len);

      a = augur_image_load_bytes (damaged, 1000000, &error);
      if (a == NULL)
        {
          g_assert_true (error->domain == AUGUR_ERROR);
          g_assert_cmpuint (strlen (error->message), >, 5);
          refused++;
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpint (a->width, >, 0);
      g_assert_cmpint (a->height, >, 0);
      g_assert_cmpint ((gint64) a->width * a->height, <=, 1000000);
      b = augur_image_load_bytes (damaged, 1000000, &error);
      g_assert_no_error (error);
      g_assert_true (augur_image_equal (a, b));
      decoded++;
    }

  g_test_message ("%u damaged files decoded, %u refused", decoded, refused);
  g_assert_cmpuint (refused, >, 100);
}

static void
test_missing_file (void)
{
  g_autofree char *path = tmp_path ("no-such-image.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurImage) image = augur_image_load (path, 0, &error);

  g_assert_null (image);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "no-such-image.png"));
}

/* Only regular files are read: a folder, a FIFO (which would block) and a
 * device that never ends are refused at once. */
static void
test_not_regular (void)
{
  g_autofree char *fifo = tmp_path ("fifo.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurImage) image = NULL;

  image = augur_image_load (tmp_dir, 0, &error);
  g_assert_null (image);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
  g_assert_nonnull (strstr (error->message, "a folder"));
  g_clear_error (&error);

  if (mkfifo (fifo, 0600) == 0)
    {
      image = augur_image_load (fifo, 0, &error);
      g_assert_null (image);
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
      g_assert_nonnull (strstr (error->message, "not a regular file"));
      g_clear_error (&error);
      g_assert_cmpint (g_remove (fifo), ==, 0);
    }

  if (g_file_test ("/dev/zero", G_FILE_TEST_EXISTS))
    {
      image = augur_image_load ("/dev/zero", 0, &error);
      g_assert_null (image);
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
      g_clear_error (&error);
    }

  /* A file bigger than any image under the pixel limit: refused unread. */
  {
    g_autofree char *big = tmp_path ("big.png");
    g_autoptr(GBytes) png = make_corrupt_png ();
    FILE *f = fopen (big, "wb");

    g_assert_nonnull (f);
    fwrite (g_bytes_get_data (png, NULL), 1, g_bytes_get_size (png), f);
    g_assert_cmpint (fseek (f, 64 * 16 + (1 << 20) + 10, SEEK_SET), ==, 0);
    fputc (0, f);
    fclose (f);
    image = augur_image_load (big, 64, &error);
    g_assert_null (image);
    g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE);
    g_assert_true (g_str_has_prefix (error->message, big));
    g_clear_error (&error);
    g_assert_cmpint (g_remove (big), ==, 0);
  }
}

static void
test_sniff (void)
{
  static const struct { const char *bytes; gsize len; const char *format; } cases[] = {
    { "\x89PNG\r\n\x1a\n", 8, "png" },
    { "\x89PNG\r\n\x1a", 7, NULL },
    { "\xff\xd8\xff\xe0", 4, "jpeg" },
    { "\xff\xd8", 2, NULL },
    { "RIFF\0\0\0\0WEBPVP8 ", 16, "webp" },
    { "RIFF\0\0\0\0WAVEfmt ", 16, NULL },
    { "II*\0", 4, "tiff" },
    { "MM\0*", 4, "tiff" },
    { "BM\0\0\0\0\0\0\0\0\0\0\0\0", 14, "bmp" },
    { "BM", 2, NULL },
    { "GIF89a", 6, NULL },
    { "\0\0\1\0", 4, NULL },
    { "", 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (augur_image_sniff ((const guint8 *) cases[i].bytes, cases[i].len), ==, cases[i].format);
}

/* Saving and encoding ------------------------------------------------------------ */

static void
test_png_lossless (void)
{
  for (int channels = 1; channels <= 4; channels++)
    {
      g_autoptr(AugurImage) image = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(AugurImage) loaded = NULL;
      g_autoptr(AugurImage) converted = NULL;
      g_autoptr(GError) error = NULL;

      if (channels == 2)
        continue;
      image = pattern (31, 17, channels);
      bytes = augur_image_encode (image, AUGUR_IMAGE_FORMAT_PNG, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (augur_image_sniff (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)), ==, "png");
      loaded = augur_image_load_bytes (bytes, 0, &error);
      g_assert_no_error (error);

      /* Gray is written as RGB (R = G = B) and reads back equal once
       * converted; RGB and RGBA read back as they were. */
      g_assert_cmpint (loaded->channels, ==, channels == 1 ? 3 : channels);
      converted = augur_image_convert (loaded, channels);
      g_assert_true (augur_image_equal (image, converted));
    }
}

static void
test_jpeg_quality (void)
{
  g_autoptr(AugurImage) image = pattern (128, 96, 3);
  g_autoptr(AugurImage) rgba = pattern (128, 96, 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) low = augur_image_encode (image, AUGUR_IMAGE_FORMAT_JPEG, 20, &error);
  g_autoptr(GBytes) high = augur_image_encode (image, AUGUR_IMAGE_FORMAT_JPEG, 95, &error);
  g_autoptr(GBytes) no_alpha = NULL;
  g_autoptr(AugurImage) loaded = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (augur_image_sniff (g_bytes_get_data (low, NULL), g_bytes_get_size (low)), ==, "jpeg");
  g_assert_cmpuint (g_bytes_get_size (low) * 2, <, g_bytes_get_size (high));

  /* JPEG has no alpha: RGBA is written as RGB. */
  no_alpha = augur_image_encode (rgba, AUGUR_IMAGE_FORMAT_JPEG, 90, &error);
  g_assert_no_error (error);
  loaded = augur_image_load_bytes (no_alpha, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->channels, ==, 3);
}

static void
test_webp (void)
{
  g_autoptr(AugurImage) image = pattern (40, 30, 3);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AugurImage) loaded = NULL;
  g_autoptr(GError) error = NULL;

  if (!augur_image_format_available (AUGUR_IMAGE_FORMAT_WEBP))
    {
      g_test_skip ("no WebP encoder for GdkPixbuf here");
      return;
    }
  bytes = augur_image_encode (image, AUGUR_IMAGE_FORMAT_WEBP, 90, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (augur_image_sniff (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)), ==, "webp");
  loaded = augur_image_load_bytes (bytes, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->width, ==, 40);
  g_assert_cmpint (loaded->height, ==, 30);
}

static void
test_formats (void)
{
  AugurImageFormat format = AUGUR_IMAGE_FORMAT_PNG;

  g_assert_true (augur_image_format_from_string ("JPG", &format));
  g_assert_cmpint (format, ==, AUGUR_IMAGE_FORMAT_JPEG);
  g_assert_true (augur_image_format_from_string ("jpeg", &format));
  g_assert_cmpint (format, ==, AUGUR_IMAGE_FORMAT_JPEG);
  g_assert_true (augur_image_format_from_string ("webp", &format));
  g_assert_cmpint (format, ==, AUGUR_IMAGE_FORMAT_WEBP);
  g_assert_true (augur_image_format_from_string ("png", &format));
  g_assert_cmpint (format, ==, AUGUR_IMAGE_FORMAT_PNG);
  g_assert_false (augur_image_format_from_string ("gif", &format));
  g_assert_cmpstr (augur_image_format_extension (AUGUR_IMAGE_FORMAT_JPEG), ==, "jpg");
  g_assert_cmpstr (augur_image_format_extension (AUGUR_IMAGE_FORMAT_PNG), ==, "png");
  g_assert_true (augur_image_format_available (AUGUR_IMAGE_FORMAT_PNG));
  g_assert_true (augur_image_format_available (AUGUR_IMAGE_FORMAT_JPEG));
}

static void
test_save_atomic (void)
{
  g_autoptr(AugurImage) image = pattern (16, 16, 3);
  g_autofree char *path = tmp_path ("saved.png");
  g_autofree char *bad = g_build_filename (tmp_dir, "missing-dir", "x.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurImage) loaded = NULL;
  GString *junk = g_string_new (NULL);

  /* An existing, larger file is replaced whole. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (junk, 'x');
  write_file ("saved.png", (const guint8 *) junk->str, junk->len);
  g_string_free (junk, TRUE);
  g_assert_true (augur_image_save (image, path, AUGUR_IMAGE_FORMAT_PNG, 0, &error));
  loaded = augur_image_load (path, 0, &error);
  g_assert_no_error (error);
  g_assert_true (augur_image_equal (image, loaded));
  g_assert_cmpint (g_remove (path), ==, 0);

  g_assert_false (augur_image_save (image, bad, AUGUR_IMAGE_FORMAT_PNG, 0, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* Conversions and scaling ---------------------------------------------------------- */

static void
test_convert (void)
{
  g_autoptr(AugurImage) rgba = augur_image_new (2, 1, 4);
  g_autoptr(AugurImage) rgb = NULL;
  g_autoptr(AugurImage) gray = NULL;
  g_autoptr(AugurImage) back = NULL;
  g_autoptr(AugurImage) same = NULL;
  static const guint8 px[8] = { 255, 0, 0, 10, 30, 60, 90, 200 };

  memcpy (rgba->data, px, 8);

  /* RGBA -> RGB drops alpha. */
  rgb = augur_image_convert (rgba, 3);
  g_assert_cmpint (rgb->channels, ==, 3);
  g_assert_cmpmem (rgb->data, 3, px, 3);
  g_assert_cmpmem (rgb->data + 3, 3, px + 4, 3);

  /* RGB -> gray is BT.601 luma in OpenCV's 14-bit fixed point: pure red
   * is 76, (30, 60, 90) is 54. */
  gray = augur_image_convert (rgb, 1);
  g_assert_cmpint (gray->data[0], ==, 76);
  g_assert_cmpint (gray->data[1], ==, (30 * 4899 + 60 * 9617 + 90 * 1868 + (1 << 13)) >> 14);
  g_assert_cmpint (gray->data[1], ==, 54);

  /* gray -> RGBA repeats the value, opaque. */
  back = augur_image_convert (gray, 4);
  g_assert_cmpint (back->data[0], ==, 76);
  g_assert_cmpint (back->data[1], ==, 76);
  g_assert_cmpint (back->data[2], ==, 76);
  g_assert_cmpint (back->data[3], ==, 255);

  /* RGB -> RGBA adds opaque alpha. */
  {
    g_autoptr(AugurImage) opaque = augur_image_convert (rgb, 4);

    g_assert_cmpint (opaque->data[3], ==, 255);
    g_assert_cmpint (opaque->data[4], ==, 30);
  }

  /* Same channel count: the same image, shared. */
  same = augur_image_convert (rgb, 3);
  g_assert_true (same == rgb);
}

/* One gray for the whole program: augur_image_convert() reduces colour to
 * exactly what ToGray (weighted_average, one channel) gives, for RGB and
 * RGBA, on widths around the vector loop's step, with the run-time choice
 * of SSSE3 and with the portable loop, and that is OpenCV's 14-bit
 * formula. */
static void
test_convert_matches_to_gray (void)
{
  g_autoptr(AugurNode) to_gray =
    augur_test_node_parse ("{\"type\": \"ToGray\", \"params\": {\"num_output_channels\": 1}}");
  static const int widths[] = { 1, 5, 15, 16, 17, 21, 33, 64 };

  /* (1, 123, 0) is where weights in thousandths (72.999 -> 73) and
   * OpenCV's 14-bit weights (72.97 -> 72) part. */
  {
    g_autoptr(AugurImage) px = augur_image_new (1, 1, 3);
    g_autoptr(AugurImage) gray = NULL;

    px->data[0] = 1, px->data[1] = 123, px->data[2] = 0;
    gray = augur_image_convert (px, 1);
    g_assert_cmpint (gray->data[0], ==, 72);
  }

  for (int pass = 0; pass < 2; pass++)
    {
      if (pass == 1)
        g_setenv ("AUGUR_NO_SSSE3", "1", TRUE);
      for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
        for (int nc = 3; nc <= 4; nc++)
          {
            g_autoptr(AugurImage) src = augur_test_random_image (widths[i], 7, nc, 40 + i * 2 + (guint) nc);
            g_autoptr(AugurImage) converted = augur_image_convert (src, 1);
            g_autoptr(AugurImage) gray = augur_node_run (to_gray, src, 1, NULL);

            g_assert_cmpint (gray->channels, ==, 1);
            g_assert_true (augur_image_equal (converted, gray));
            for (int y = 0; y < src->height; y++)
              for (int x = 0; x < src->width; x++)
                {
                  const guint8 *p = augur_image_row (src, y) + x * nc;

                  g_assert_cmpint (augur_image_row (converted, y)[x], ==,
                                   (p[0] * 4899 + p[1] * 9617 + p[2] * 1868 + (1 << 13)) >> 14);
                }
          }
    }
  g_unsetenv ("AUGUR_NO_SSSE3");
}

static void
test_scale (void)
{
  g_autoptr(AugurImage) flat = augur_image_new (7, 5, 3);
  g_autoptr(AugurImage) check = augur_image_new (4, 4, 1);

  memset (flat->data, 90, (gsize) flat->stride * flat->height);
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 4; x++)
      augur_image_row (check, y)[x] = ((x / 2 + y / 2) % 2) ? 200 : 0;

  /* A flat image stays flat at any size, up, down or mixed. */
  {
    static const int sizes[][2] = { { 14, 10 }, { 3, 2 }, { 1, 1 }, { 20, 2 }, { 2, 20 }, { 7, 5 } };

    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        g_autoptr(AugurImage) s = augur_image_scale (flat, sizes[i][0], sizes[i][1]);

        g_assert_cmpint (s->width, ==, sizes[i][0]);
        g_assert_cmpint (s->height, ==, sizes[i][1]);
        g_assert_cmpint (s->channels, ==, 3);
        g_assert_cmpfloat (augur_image_mean (s, -1), ==, 90.0);
      }
  }

  /* Shrinking by 2 averages each 2x2 block exactly. */
  {
    g_autoptr(AugurImage) half = augur_image_scale (check, 2, 2);

    g_assert_cmpint (half->data[0], ==, 0);
    g_assert_cmpint (augur_image_row (half, 0)[1], ==, 200);
    g_assert_cmpint (augur_image_row (half, 1)[0], ==, 200);
    g_assert_cmpint (augur_image_row (half, 1)[1], ==, 0);
  }
  /* Down to one pixel: the mean. */
  {
    g_autoptr(AugurImage) one = augur_image_scale (check, 1, 1);

    g_assert_cmpint (one->data[0], ==, 100);
  }
  /* The same size: unchanged. */
  {
    g_autoptr(AugurImage) same = augur_image_scale (check, 4, 4);

    g_assert_true (augur_image_equal (same, check));
  }
  /* Growing interpolates between neighbours, within their range, and
   * keeps the mean. */
  {
    g_autoptr(AugurImage) ramp = augur_image_new (2, 1, 1);
    g_autoptr(AugurImage) big = NULL;

    ramp->data[0] = 0;
    ramp->data[1] = 200;
    big = augur_image_scale (ramp, 8, 1);
    for (int x = 1; x < 8; x++)
      g_assert_cmpint (big->data[x], >=, big->data[x - 1]);
    g_assert_cmpint (big->data[0], ==, 0);
    g_assert_cmpint (big->data[7], ==, 200);
    g_assert_cmpfloat_with_epsilon (augur_image_mean (big, 0), 100.0, 1.0);
  }
  /* A large shrink factor does not overflow the sums: 4096 x 4096 of 255
   * to one pixel is 255. */
  {
    g_autoptr(AugurImage) white = augur_image_new (4096, 4096, 4);
    g_autoptr(AugurImage) dot = NULL;

    memset (white->data, 255, (gsize) white->stride * white->height);
    dot = augur_image_scale (white, 1, 1);
    g_assert_cmpmem (dot->data, 4, "\xff\xff\xff\xff", 4);
  }
}

/* augur_image_scale () as it was before its column sums went to 16 and
 * 32 bits and its rows to strips: the fast form must give these bytes. */
static AugurImage *
scale_reference (const AugurImage *image,
                 int               width,
                 int               height)
{
  AugurImage *out = augur_image_new (width, height, image->channels);
  int nc = image->channels, w = image->width;
  double sx = (double) image->width / width, sy = (double) image->height / height;

  if (!(sx <= 1.0 && sy <= 1.0))
    {
      g_autofree int *xs = g_new (int, width);
      g_autofree int *xe = g_new (int, width);
      g_autofree guint64 *cols = g_new (guint64, (gsize) w * nc);

      for (int x = 0; x < width; x++)
        {
          xs[x] = (int) (x * sx);
          xe[x] = MAX (xs[x] + 1, MIN ((int) ceil ((x + 1) * sx), w));
        }
      for (int y = 0; y < height; y++)
        {
          int ys = (int) (y * sy), ye = MAX (ys + 1, MIN ((int) ceil ((y + 1) * sy), image->height));
          guint8 *d = augur_image_row (out, y);

          memset (cols, 0, (gsize) w * nc * sizeof *cols);
          for (int yy = ys; yy < ye; yy++)
            for (int i = 0; i < w * nc; i++)
              cols[i] += augur_image_row (image, yy)[i];
          for (int x = 0; x < width; x++)
            {
              guint64 sum[4] = { 0 };
              guint64 count = (guint64) (xe[x] - xs[x]) * (guint64) (ye - ys);

              for (int xx = xs[x]; xx < xe[x]; xx++)
                for (int c = 0; c < nc; c++)
                  sum[c] += cols[xx * nc + c];
              for (int c = 0; c < nc; c++)
                d[x * nc + c] = (guint8) ((sum[c] + count / 2) / count);
            }
        }
      return out;
    }

  for (int y = 0; y < height; y++)
    {
      guint8 *d = augur_image_row (out, y);
      double fy = (y + 0.5) * sy - 0.5;
      int iy = (int) floor (fy);
      double ay = fy - iy;
      const guint8 *ra = augur_image_row (image, CLAMP (iy, 0, image->height - 1));
      const guint8 *rb = augur_image_row (image, CLAMP (iy + 1, 0, image->height - 1));

      for (int x = 0; x < width; x++)
        {
          double fx = (x + 0.5) * sx - 0.5;
          int ix = (int) floor (fx);
          double ax = fx - ix;
          int xa = CLAMP (ix, 0, image->width - 1), xb = CLAMP (ix + 1, 0, image->width - 1);

          for (int c = 0; c < nc; c++)
            {
              double top = ra[xa * nc + c] * (1 - ax) + ra[xb * nc + c] * ax;
              double bot = rb[xa * nc + c] * (1 - ax) + rb[xb * nc + c] * ax;
              d[x * nc + c] = (guint8) CLAMP (top * (1 - ay) + bot * ay + 0.5, 0, 255);
            }
        }
    }
  return out;
}

/* Noise, or (when @extreme) only 0, 1, 254 and 255, which puts the sums
 * at the ends of their range. */
static AugurImage *
scale_noise (GRand    *rand,
             int       width,
             int       height,
             int       channels,
             gboolean  extreme)
{
  static const guint8 ends[] = { 0, 1, 254, 255 };
  AugurImage *image = augur_image_new (width, height, channels);

  for (int y = 0; y < height; y++)
    for (int i = 0; i < width * channels; i++)
      augur_image_row (image, y)[i] = extreme ? ends[g_rand_int_range (rand, 0, 4)]
                                              : (guint8) g_rand_int_range (rand, 0, 256);
  return image;
}

static int
scale_side (GRand *rand,
            int    side,
            int    kind)
{
  switch (kind)
    {
    case 0: return 1;                                                  /* one pixel */
    case 1: return g_rand_int_range (rand, 1, side + 1);               /* shrink */
    case 2: return g_rand_int_range (rand, side, 3 * side + 2);        /* grow */
    default: return side / g_rand_int_range (rand, 2, 40) + 1;         /* by a large factor */
    }
}

/* The scale equals the reference on random images of many sizes, channel
 * counts and factors: shrinking, growing, one of each, one pixel. */
static void
test_scale_matches_reference (void)
{
  static const int channels[] = { 1, 3, 4 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (1111);

  for (int i = 0; i < 600; i++)
    {
      int w = g_rand_int_range (rand, 1, i < 500 ? 90 : 700);
      int h = g_rand_int_range (rand, 1, i < 500 ? 90 : 700);
      int nc = channels[i % 3];
      int ow = scale_side (rand, w, g_rand_int_range (rand, 0, 4));
      int oh = scale_side (rand, h, g_rand_int_range (rand, 0, 4));
      g_autoptr(AugurImage) image = scale_noise (rand, w, h, nc, i % 5 == 0);
      g_autoptr(AugurImage) want = scale_reference (image, ow, oh);
      g_autoptr(AugurImage) got = augur_image_scale (image, ow, oh);

      if (!augur_image_equal (got, want))
        g_error ("%d×%d×%d to %d×%d differs from the reference", w, h, nc, ow, oh);
    }

  /* More source rows per output row than 16-bit column sums hold (257):
   * a tall image to a few rows, and a wide one to a few columns. */
  {
    static const int cases[][4] = { { 5, 3000, 2, 1 }, { 3, 1200, 3, 4 }, { 2000, 3, 1, 1 },
                                    { 40, 2600, 7, 9 }, { 1, 700, 1, 2 } };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      for (int e = 0; e < 2; e++)
        {
          g_autoptr(AugurImage) image = scale_noise (rand, cases[i][0], cases[i][1], 3, e);
          g_autoptr(AugurImage) want = scale_reference (image, cases[i][2], cases[i][3]);
          g_autoptr(AugurImage) got = augur_image_scale (image, cases[i][2], cases[i][3]);

          g_assert_true (augur_image_equal (got, want));
        }
  }

  /* Around the most source pixels one output pixel may cover with 32-bit
   * sums (16843009, 255 times that fits): the largest count below it, at
   * the largest value, and counts above it, which take 64-bit sums. */
  {
    static const int cases[][4] = { { 4097, 4111, 255 }, { 4097, 4112, 255 }, { 4200, 4100, -1 } };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(AugurImage) image = NULL;
        g_autoptr(AugurImage) want = NULL;
        g_autoptr(AugurImage) got = NULL;

        if (cases[i][2] < 0)
          image = scale_noise (rand, cases[i][0], cases[i][1], 1, FALSE);
        else
          {
            image = augur_image_new (cases[i][0], cases[i][1], 1);
            memset (image->data, cases[i][2], (gsize) image->stride * image->height);
          }
        want = scale_reference (image, 1, 1);
        got = augur_image_scale (image, 1, 1);
        g_assert_true (augur_image_equal (got, want));
      }
  }
}

/* Each output pixel is ⌊(s + ⌊n/2⌋) / n⌋ for the sum s of its n source
 * pixels: a one-row image brought down to one pixel, with sums that put
 * the remainder at each end (n − 1 and 0 after rounding), for counts on
 * both sides of where the division by a reciprocal stops (65536). */
static void
test_scale_rounding (void)
{
  static const int counts[] = { 1, 2, 3, 5, 7, 12, 100, 255, 256, 257, 1000, 4097, 65535, 65536,
                                65537, 100000 };

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      int n = counts[i];
      g_autoptr(AugurImage) row = augur_image_new (n, 1, 1);

      for (int q = 0; q <= 255; q += n > 1000 ? 17 : 1)
        for (int end = 0; end < 2; end++)
          {
            gint64 s = CLAMP ((gint64) q * n + (end ? n - 1 : 0) - n / 2, 0, (gint64) 255 * n);
            g_autoptr(AugurImage) dot = NULL;

            for (int x = 0; x < n; x++)
              row->data[x] = (guint8) (s / n + (x < s % n ? 1 : 0));
            dot = augur_image_scale (row, 1, 1);
            g_assert_cmpint (dot->data[0], ==, (s + n / 2) / n);
          }
    }
}

/* The same bytes with one thread and with two, shrinking and growing,
 * on images large enough to be shared out. */
static void
test_scale_threads (void)
{
  static const int cases[][5] = { { 1100, 900, 3, 317, 211 }, { 1000, 700, 4, 1900, 90 },
                                  { 300, 200, 1, 1500, 1000 }, { 400, 300, 3, 130, 1700 } };
  g_autoptr(GRand) rand = g_rand_new_with_seed (2222);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AugurImage) image = scale_noise (rand, cases[i][0], cases[i][1], cases[i][2], FALSE);
      g_autoptr(AugurImage) one = NULL;
      g_autoptr(AugurImage) two = NULL;
      guint before;

      augur_strips_set_max_threads (1);
      one = augur_image_scale (image, cases[i][3], cases[i][4]);
      augur_strips_set_max_threads (2);
      before = augur_strips_helpers_started ();
      two = augur_image_scale (image, cases[i][3], cases[i][4]);
      g_assert_cmpuint (augur_strips_helpers_started (), >, before);
      augur_strips_set_max_threads (0);

      g_assert_true (augur_image_equal (one, two));
    }
}

static void
test_basics (void)
{
  g_autoptr(AugurImage) a = pattern (9, 4, 3);
  g_autoptr(AugurImage) b = augur_image_copy (a);
  g_autoptr(AugurImage) c = augur_image_new_like (a);

  g_assert_true (a->data != b->data);
  g_assert_true (augur_image_equal (a, b));
  b->data[5] ^= 1;
  g_assert_false (augur_image_equal (a, b));
  g_assert_cmpint (c->width, ==, 9);
  g_assert_cmpint (c->stride, >=, 27);
  g_assert_cmpfloat (augur_image_mean (c, -1), ==, 0.0);

  /* Mean of one channel and of all. */
  {
    g_autoptr(AugurImage) m = augur_image_new (2, 1, 3);

    memcpy (m->data, "\x00\x0a\x14\x1e\x28\x32", 6);
    g_assert_cmpfloat (augur_image_mean (m, 0), ==, 15.0);
    g_assert_cmpfloat (augur_image_mean (m, 2), ==, 35.0);
    g_assert_cmpfloat (augur_image_mean (m, -1), ==, 25.0);
  }
}

/* augur_image_fit: the longest side brought down to the limit, the aspect
 * ratio kept to within a rounded pixel, and the pixels those of
 * augur_image_scale() at that size; an image that fits is the same image. */
static void
test_fit (void)
{
  static const struct { int w, h, max_side, want_w, want_h; } cases[] = {
    { 640, 480, 160, 160, 120 },
    { 480, 640, 160, 120, 160 },
    { 301, 100, 100, 100, 33 },    /* 33.2 rounds down */
    { 100, 301, 100, 33, 100 },
    { 299, 100, 200, 200, 67 },    /* 66.9 rounds up */
    { 1000, 3, 100, 100, 1 },      /* 0.3 would vanish: one pixel */
    { 64, 64, 64, 64, 64 },        /* fits exactly */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AugurImage) src = augur_image_new (cases[i].w, cases[i].h, 3);
      g_autoptr(AugurImage) fit = NULL;
      g_autoptr(AugurImage) scaled = NULL;

      for (int y = 0; y < src->height; y++)
        for (int x = 0; x < src->width * 3; x++)
          augur_image_row (src, y)[x] = (guint8) ((x * 7 + y * 13) % 256);

      fit = augur_image_fit (src, cases[i].max_side);
      g_assert_cmpint (fit->width, ==, cases[i].want_w);
      g_assert_cmpint (fit->height, ==, cases[i].want_h);
      g_assert_cmpint (MAX (fit->width, fit->height), <=, cases[i].max_side);
      g_assert_cmpint (fit->channels, ==, 3);
      if (fit->width == src->width && fit->height == src->height)
        {
          g_assert_true (fit == src);
          continue;
        }
      scaled = augur_image_scale (src, cases[i].want_w, cases[i].want_h);
      g_assert_true (augur_image_equal (fit, scaled));
    }

  /* Smaller than the limit, or no limit: the same image, never enlarged. */
  {
    g_autoptr(AugurImage) small = augur_image_new (30, 20, 4);
    g_autoptr(AugurImage) a = augur_image_fit (small, 100);
    g_autoptr(AugurImage) b = augur_image_fit (small, 0);
    g_autoptr(AugurImage) c = augur_image_fit (small, -5);

    g_assert_true (a == small);
    g_assert_true (b == small);
    g_assert_true (c == small);
  }
}

/* A JPEG decoded at 1/8 of its size looks like the whole image brought
 * down to that size (within a few levels), and reports the whole size;
 * anything that is not a JPEG, or too small to reduce, is refused. */
static void
test_load_reduced (void)
{
  g_autofree char *dir = g_dir_make_tmp ("augur-reduced-XXXXXX", NULL);
  g_autofree char *jpeg = g_build_filename (dir, "big.jpg", NULL);
  g_autofree char *png = g_build_filename (dir, "big.png", NULL);
  g_autoptr(AugurImage) src = augur_image_new (1600, 1200, 3);
  g_autoptr(AugurImage) full = NULL;
  g_autoptr(AugurImage) reduced = NULL;
  g_autoptr(AugurImage) scaled = NULL;
  g_autoptr(GError) error = NULL;
  int width = 0, height = 0;
  double diff = 0;

  /* smooth gradients: what 1/8 scaling keeps */
  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      {
        guint8 *p = augur_image_row (src, y) + x * 3;

        p[0] = (guint8) (x * 255 / src->width);
        p[1] = (guint8) (y * 255 / src->height);
        p[2] = (guint8) ((x + y) * 255 / (src->width + src->height));
      }
  g_assert_true (augur_image_save (src, jpeg, AUGUR_IMAGE_FORMAT_JPEG, 95, &error));
  g_assert_true (augur_image_save (src, png, AUGUR_IMAGE_FORMAT_PNG, 0, &error));

  reduced = augur_image_load_reduced (jpeg, 0, 200, 0, &width, &height, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reduced->width, ==, 200);
  g_assert_cmpint (reduced->height, ==, 150);
  g_assert_cmpint (width, ==, 1600);
  g_assert_cmpint (height, ==, 1200);
  full = augur_image_load (jpeg, 0, &error);
  g_assert_no_error (error);
  scaled = augur_image_scale (full, 200, 150);
  for (int y = 0; y < 150; y++)
    for (int x = 0; x < 200 * 3; x++)
      diff += fabs ((double) augur_image_row (reduced, y)[x] - augur_image_row (scaled, y)[x]);
  diff /= 200.0 * 150 * 3;
  g_test_message ("mean |reduced − scaled| = %.2f levels", diff);
  g_assert_cmpfloat (diff, <, 3.0);

  /* 1/4 when 1/8 would be below the side asked for */
  g_clear_pointer (&reduced, augur_image_unref);
  reduced = augur_image_load_reduced (jpeg, 0, 300, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reduced->width, ==, 400);

  g_assert_null (augur_image_load_reduced (jpeg, 0, 1000, 0, NULL, NULL, &error));
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT);
  g_clear_error (&error);
  /* under the size that pays for two decodes */
  g_assert_null (augur_image_load_reduced (jpeg, 0, 200, 1600 * 1200 + 1, NULL, NULL, &error));
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT);
  g_clear_error (&error);
  g_assert_null (augur_image_load_reduced (png, 0, 200, 0, NULL, NULL, &error));
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT);
  g_clear_error (&error);
  /* the pixel limit holds as for a whole decode */
  g_assert_null (augur_image_load_reduced (jpeg, 1000 * 1000, 200, 0, NULL, NULL, &error));
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE);

  g_unlink (jpeg);
  g_unlink (png);
  g_rmdir (dir);
}

/* With a recycle limit, a freed large buffer serves the next image of the
 * same size; a cleared image made from it is all zero again, and an image
 * of another size does not take it. */
static void
test_recycle (void)
{
  const int w = 1024, h = 512;   /* 1.5 MiB in RGB: large enough to be kept */
  guint before;

  augur_image_set_recycle_limit ((gsize) 16 << 20);
  before = augur_image_get_recycled ();
  {
    g_autoptr(AugurImage) a = augur_image_new_uninitialized (w, h, 3);

    memset (a->data, 0xab, (gsize) a->stride * a->height);
  }
  {
    g_autoptr(AugurImage) other = augur_image_new_uninitialized (w, h + 1, 3);

    g_assert_cmpuint (augur_image_get_recycled (), ==, before);
  }
  {
    g_autoptr(AugurImage) b = augur_image_new (w, h, 3);
    gsize sum = 0;

    g_assert_cmpuint (augur_image_get_recycled (), ==, before + 1);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w * 3; x++)
        sum += augur_image_row (b, y)[x];
    g_assert_cmpuint (sum, ==, 0);
  }
  /* a limit of 0 frees what was kept: nothing is handed out again */
  augur_image_set_recycle_limit (0);
  {
    g_autoptr(AugurImage) c = augur_image_new (w, h, 3);

    g_assert_cmpuint (augur_image_get_recycled (), ==, before + 1);
  }
}

/* The VmFlags of the mapping that holds @address ("hg": huge pages
 * advised), or NULL where /proc/self/smaps cannot be read. */
static char *
vm_flags_at (gconstpointer address)
{
  g_autofree char *smaps = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean inside = FALSE;

  if (!g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL))
    return NULL;
  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 lo, hi;

      /* a mapping's first line: "START-END perms offset ..." */
      if (sscanf (lines[i], "%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x ", &lo, &hi) == 2)
        inside = (guint64) (guintptr) address >= lo && (guint64) (guintptr) address < hi;
      else if (inside && g_str_has_prefix (lines[i], "VmFlags:"))
        return g_strdup (lines[i] + strlen ("VmFlags:"));
    }
  return NULL;
}

/* Large buffers ask for huge pages unless the program turned that off
 * (the previewer does: a first touch must not wait for compaction). In a
 * process of its own, so that no earlier test has advised the memory the
 * allocator hands out: first without the advice, then with it. */
static void
test_huge_pages (void)
{
  const int side = 2048;   /* 12 MB of RGB: whole 2 MB pages inside */

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT);
      g_test_trap_assert_passed ();
      return;
    }
  for (int advise = 0; advise <= 1; advise++)
    {
      g_autoptr(AugurImage) image = NULL;
      g_autofree char *flags = NULL;
      guintptr page;

      augur_image_set_huge_pages (advise);
      image = augur_image_new_uninitialized (side, side, 3);
      page = ((guintptr) image->data + (2u << 20) - 1) & ~(guintptr) ((2u << 20) - 1);
      flags = vm_flags_at ((gconstpointer) page);
      if (flags == NULL)
        {
          g_test_skip ("/proc/self/smaps has no VmFlags here");
          break;
        }
      g_test_message ("advise %d: VmFlags%s", advise, flags);
      if (advise)
        g_assert_nonnull (strstr (flags, " hg"));
      else
        g_assert_null (strstr (flags, " hg"));
    }
  augur_image_set_huge_pages (TRUE);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = g_dir_make_tmp ("augur-image-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/image/basics", test_basics);
  g_test_add_func ("/image/recycle", test_recycle);
  g_test_add_func ("/image/load/reduced", test_load_reduced);
  g_test_add_func ("/image/load/png", test_load_png);
  g_test_add_func ("/image/load/gray-png", test_load_gray_png);
  g_test_add_func ("/image/load/jpeg", test_load_jpeg);
  g_test_add_func ("/image/load/bmp-tiff", test_load_bmp_tiff);
  g_test_add_func ("/image/load/cmyk-jpeg", test_load_cmyk_jpeg);
  for (guint i = 0; i < G_N_ELEMENTS (bad_images); i++)
    {
      g_autofree char *path = g_strdup_printf ("/image/load/bad/%s", bad_images[i].name);

      g_test_add_data_func (path, &bad_images[i], test_bad_image);
    }
  g_test_add_func ("/image/load/pixel-limit", test_pixel_limit);
  g_test_add_func ("/image/load/pixel-limit-no-allocation", test_pixel_limit_no_allocation);
  g_test_add_func ("/image/load/claims-no-allocation", test_claims_no_allocation);
  g_test_add_func ("/image/info/read", test_info_read);
  g_test_add_func ("/image/load/damaged-deterministic", test_damaged_deterministic);
  g_test_add_func ("/image/load/missing", test_missing_file);
  g_test_add_func ("/image/load/not-regular", test_not_regular);
  g_test_add_func ("/image/sniff", test_sniff);
  g_test_add_func ("/image/save/png-lossless", test_png_lossless);
  g_test_add_func ("/image/save/jpeg-quality", test_jpeg_quality);
  g_test_add_func ("/image/save/webp", test_webp);
  g_test_add_func ("/image/save/atomic", test_save_atomic);
  g_test_add_func ("/image/formats", test_formats);
  g_test_add_func ("/image/convert", test_convert);
  g_test_add_func ("/image/convert-matches-to-gray", test_convert_matches_to_gray);
  g_test_add_func ("/image/scale", test_scale);
  g_test_add_func ("/image/scale-matches-reference", test_scale_matches_reference);
  g_test_add_func ("/image/scale-rounding", test_scale_rounding);
  g_test_add_func ("/image/scale-threads", test_scale_threads);
  g_test_add_func ("/image/fit", test_fit);
  g_test_add_func ("/image/huge-pages", test_huge_pages);

  status = g_test_run ();

  /* Only files this test made are in the directory. */
  {
    g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = tmp_path (name);

        g_remove (path);
      }
    g_rmdir (tmp_dir);
    g_free (tmp_dir);
  }
  return status;
}
