/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <string.h>

#include "augur-error.h"
#include "augur-image.h"
#include "augur-image-info.h"

/* Reading image headers with Augur's own code. Every read is bounds
 * checked against @len, every size is 64-bit, and nothing is allocated:
 * the dimensions come from here, before any decoder sees the bytes, so
 * that an image over the pixel limit costs nothing. */

static inline guint32
be16 (const guint8 *p)
{
  return ((guint32) p[0] << 8) | p[1];
}

static inline guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static inline guint32
le16 (const guint8 *p)
{
  return p[0] | ((guint32) p[1] << 8);
}

static inline guint32
le24 (const guint8 *p)
{
  return p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16);
}

static inline guint32
le32 (const guint8 *p)
{
  return le24 (p) | ((guint32) p[3] << 24);
}

static gboolean
corrupt (GError     **error,
         const char  *format,
         const char  *what)
{
  g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "corrupt %s image: %s", format, what);
  return FALSE;
}

/* PNG: IHDR first; an animated PNG's acTL, if any, before the first IDAT. */
static gboolean
read_png (const guint8    *b,
          gsize            len,
          AugurImageInfo  *info,
          GError         **error)
{
  if (len < 33 || be32 (b + 8) != 13 || memcmp (b + 12, "IHDR", 4) != 0)
    return corrupt (error, "png", "no IHDR header");
  info->width = be32 (b + 16);
  info->height = be32 (b + 20);
  info->gray = b[25] == 0;   /* colour type 0: gray, no alpha */

  for (gsize i = 8; i + 12 <= len;)
    {
      guint32 n = be32 (b + i);

      if (memcmp (b + i + 4, "IDAT", 4) == 0 || n > len - i - 12)
        break;
      if (memcmp (b + i + 4, "acTL", 4) == 0 && n >= 8)
        info->frames = MAX (be32 (b + i + 8), 1);
      i += 12 + (gsize) n;
    }
  return TRUE;
}

static gboolean
is_frame_or_scan (guint8 marker)
{
  return (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc) ||
         marker == 0xda || marker == 0xd9;
}

static gboolean
is_scan (guint8 marker)
{
  return marker == 0xda || marker == 0xd9;
}

/* Walks a JPEG's marker segments from after SOI to the first marker that
 * @stop accepts; its offset, or @len when the walk ends first or finds a
 * damaged segment. At least 4 bytes follow a returned offset. */
static gsize
jpeg_find (const guint8 *b,
           gsize         len,
           gboolean    (*stop) (guint8 marker))
{
  gsize i = 2;

  while (i + 4 <= len)
    {
      guint8 marker;

      if (b[i] != 0xff)
        return len;
      marker = b[i + 1];
      if (marker == 0xff)
        i++;
      else if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
        i += 2;
      else if (stop (marker))
        return i;
      else
        i += 2 + be16 (b + i + 2);
    }
  return len;
}

/* JPEG: the marker segments up to the first start of frame. */
static gboolean
read_jpeg (const guint8    *b,
           gsize            len,
           AugurImageInfo  *info,
           GError         **error)
{
  gsize i = jpeg_find (b, len, is_frame_or_scan);

  if (i + 10 > len || is_scan (b[i + 1]))
    return corrupt (error, "jpeg", "no frame header before the image data");
  info->height = be16 (b + i + 5);
  info->width = be16 (b + i + 7);
  info->gray = b[i + 9] == 1;
  if (info->height == 0)
    return corrupt (error, "jpeg", "the height is left to a DNL marker, which is not supported");
  return TRUE;
}

/* WebP: the first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended,
 * with the canvas size and, for an animation, ANMF frame chunks). */
static gboolean
read_webp (const guint8    *b,
           gsize            len,
           AugurImageInfo  *info,
           GError         **error)
{
  if (len >= 30 && memcmp (b + 12, "VP8 ", 4) == 0)
    {
      if (b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a)
        return corrupt (error, "webp", "no VP8 start code");
      info->width = le16 (b + 26) & 0x3fff;
      info->height = le16 (b + 28) & 0x3fff;
      return TRUE;
    }
  if (len >= 25 && memcmp (b + 12, "VP8L", 4) == 0)
    {
      guint32 bits = le32 (b + 21);

      if (b[20] != 0x2f)
        return corrupt (error, "webp", "no VP8L signature");
      info->width = (bits & 0x3fff) + 1;
      info->height = ((bits >> 14) & 0x3fff) + 1;
      return TRUE;
    }
  if (len >= 30 && memcmp (b + 12, "VP8X", 4) == 0)
    {
      info->width = (gint64) le24 (b + 24) + 1;
      info->height = (gint64) le24 (b + 27) + 1;
      if (b[20] & 0x02)
        {
          /* Animated: count the frames. Chunks are padded to even sizes. */
          guint frames = 0;

          for (gsize i = 12; i + 8 <= len;)
            {
              guint64 size = le32 (b + i + 4);

              if (memcmp (b + i, "ANMF", 4) == 0)
                frames++;
              i += 8 + (gsize) MIN (size + (size & 1), (guint64) len);
            }
          info->frames = MAX (frames, 2);
        }
      return TRUE;
    }
  return corrupt (error, "webp", "the first chunk is not VP8, VP8L or VP8X");
}

/* BMP: a 12-byte OS/2 header has 16-bit sizes, every later one 32-bit
 * signed sizes (a negative height is a top-down image). */
static gboolean
read_bmp (const guint8    *b,
          gsize            len,
          AugurImageInfo  *info,
          GError         **error)
{
  guint32 header;

  if (len < 26)
    return corrupt (error, "bmp", "the header is cut short");
  /* The loader sizes buffers from these two fields: bounded by the file
   * (a header size of 3 GB made it allocate 3 GB for a 105-byte file). */
  header = le32 (b + 14);
  if (header < 12 || header > 124 || header > len - 14)
    return corrupt (error, "bmp", "the info header's size is not one a BMP has, or runs past the file");
  if (le32 (b + 10) > len)
    return corrupt (error, "bmp", "the pixel data would start after the end of the file");
  /* The loader sizes its colour table from the colours-used field: at
   * most what the bit depth can index, and within the file (a field of
   * 2^32 - 1 made it ask for 16 GB). */
  if (header >= 40)
    {
      guint32 bpp, colors;

      if (len < 14 + 40)
        return corrupt (error, "bmp", "the info header is cut short");
      bpp = le16 (b + 28);
      colors = le32 (b + 46);
      if ((bpp <= 8 && (guint64) colors > (G_GUINT64_CONSTANT (1) << bpp)) ||
          (guint64) colors * 4 > len)
        return corrupt (error, "bmp", "the colour table is larger than the bit depth or the file allows");
    }
  if (header == 12)
    {
      info->width = le16 (b + 18);
      info->height = le16 (b + 20);
    }
  else
    {
      info->width = (gint32) le32 (b + 18);
      info->height = ABS ((gint64) (gint32) le32 (b + 22));
    }
  return TRUE;
}

/* Samples per pixel a TIFF may have: colour or gray, alpha and a few
 * extra samples (CMYK with alpha is 5). */
#define AUGUR_TIFF_MAX_SAMPLES 8

/* TIFF: the chain of image file directories; each is a page unless its
 * NewSubfileType marks it a reduced-resolution copy (a thumbnail). */
static gboolean
read_tiff (const guint8    *b,
           gsize            len,
           AugurImageInfo  *info,
           GError         **error)
{
  gboolean le = b[0] == 'I';
  guint32 offset;
  guint pages = 0, ifds = 0;

  if (len < 8)
    return corrupt (error, "tiff", "the header is cut short");
  offset = le ? le32 (b + 4) : be32 (b + 4);

  while (offset != 0)
    {
      guint32 n, subfile = 0, samples = 1, bits = 1;
      gint64 width = -1, height = -1;

      /* Directories are at least 6 bytes and may not overlap the header;
       * a chain longer than the file could hold loops. */
      if (offset < 8 || (gsize) offset + 2 > len || ++ifds > len / 6)
        return corrupt (error, "tiff", ifds > len / 6 ? "the directory chain loops" : "a directory lies outside the file");
      n = le ? le16 (b + offset) : be16 (b + offset);
      if ((gsize) offset + 2 + (gsize) n * 12 + 4 > len)
        return corrupt (error, "tiff", "a directory runs past the end of the file");

      for (guint32 k = 0; k < n; k++)
        {
          const guint8 *e = b + offset + 2 + (gsize) k * 12;
          guint32 tag = le ? le16 (e) : be16 (e);
          guint32 type = le ? le16 (e + 2) : be16 (e + 2);
          guint32 value;

          if (type == 3)        /* SHORT, in the first two bytes of the field */
            value = le ? le16 (e + 8) : be16 (e + 8);
          else if (type == 4)   /* LONG */
            value = le ? le32 (e + 8) : be32 (e + 8);
          else
            continue;
          if (tag == 254)
            subfile = value;
          else if (tag == 256)
            width = value;
          else if (tag == 257)
            height = value;
          else if (tag == 258 && (le ? le32 (e + 4) : be32 (e + 4)) == 1)
            bits = value;   /* one value for every sample; a list lies elsewhere */
          else if (tag == 277)
            samples = value;
        }

      /* The decoder sizes its row buffers by width x samples x bits, not
       * by the pixel count that the limits check: a claim of thousands of
       * samples a pixel made a 145-byte file allocate 2.5 GB. What the
       * decoder can turn into RGB(A) has at most a few samples of at most
       * 16 bits (a list of bit depths is read by libtiff from elsewhere in
       * the file and bounded by the sample count). */
      if (samples == 0 || samples > AUGUR_TIFF_MAX_SAMPLES)
        return corrupt (error, "tiff", "the samples per pixel are out of range");
      if (bits == 0 || bits > 16)
        return corrupt (error, "tiff", "the bits per sample are out of range");

      if (ifds == 1)
        {
          if (width < 0 || height < 0)
            return corrupt (error, "tiff", "the first directory has no image size");
          info->width = width;
          info->height = height;
        }
      if ((subfile & 1) == 0)
        pages++;

      {
        const guint8 *next = b + offset + 2 + (gsize) n * 12;

        offset = le ? le32 (next) : be32 (next);
      }
    }

  if (ifds == 0)
    return corrupt (error, "tiff", "no image directory");
  info->frames = MAX (pages, 1);
  return TRUE;
}

/**
 * augur_image_info_read:
 *
 * Names the format of @bytes by its magic bytes and reads its width,
 * height, frame count and whether it is gray from the header. Errors:
 * %AUGUR_ERROR_UNSUPPORTED_FORMAT for a format Augur does not accept,
 * %AUGUR_ERROR_CORRUPT for a header that is damaged or cut short. The
 * size is not checked against any limit here.
 */
gboolean
augur_image_info_read (const guint8     *bytes,
                       gsize             len,
                       AugurImageInfo   *info,
                       GError          **error)
{
  const char *format = augur_image_sniff (bytes, len);

  g_return_val_if_fail (info != NULL, FALSE);

  memset (info, 0, sizeof *info);
  info->frames = 1;
  if (len == 0)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "empty file, not an image");
      return FALSE;
    }
  if (format == NULL)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT,
                   "not a PNG, JPEG, WebP, TIFF or BMP image (by its first bytes)");
      return FALSE;
    }
  info->format = format;

  if (g_str_equal (format, "png"))
    return read_png (bytes, len, info, error);
  if (g_str_equal (format, "jpeg"))
    return read_jpeg (bytes, len, info, error);
  if (g_str_equal (format, "webp"))
    return read_webp (bytes, len, info, error);
  if (g_str_equal (format, "bmp"))
    return read_bmp (bytes, len, info, error);
  return read_tiff (bytes, len, info, error);
}

/**
 * augur_image_info_complete:
 * @info: from augur_image_info_read() on the same bytes
 *
 * Whether the data run to the end their format requires: a PNG's chunks
 * to IEND, a JPEG's scan to EOI, an uncompressed BMP's rows, a WebP's RIFF
 * size. GdkPixbuf hands out a partly decoded image for a truncated PNG,
 * JPEG, BMP or WebP, the missing rows never written, so truncation is
 * checked here, before any decoder allocates (a 102-byte BMP may claim
 * 9000x9000 pixels).
 */
gboolean
augur_image_info_complete (const AugurImageInfo *info,
                           const guint8         *b,
                           gsize                 len)
{
  const char *format = info->format;

  if (g_str_equal (format, "png"))
    {
      gsize i = 8;

      while (i + 12 <= len)
        {
          guint32 n = be32 (b + i);

          if (memcmp (b + i + 4, "IEND", 4) == 0)
            return TRUE;
          if (n > len - i - 12)
            return FALSE;
          i += 12 + n;
        }
      return FALSE;
    }

  if (g_str_equal (format, "jpeg"))
    {
      /* The first start of scan, then the end-of-image marker: inside
       * entropy-coded data 0xff is always followed by 0x00 or a restart
       * marker, so 0xff 0xd9 is EOI. Looked for from the end (where it
       * is, unless data follow it): one after the scan is there if the
       * last one is after it. */
      gsize i = jpeg_find (b, len, is_scan);
      gsize start;

      if (i + 4 > len)
        return FALSE;
      start = i + 2 + be16 (b + i + 2);
      for (gsize j = len - 1; j > start; j--)
        if (b[j - 1] == 0xff && b[j] == 0xd9)
          return TRUE;
      return FALSE;
    }

  if (g_str_equal (format, "webp"))
    {
      /* The RIFF header gives the size of the rest of the file. */
      guint32 riff = le32 (b + 4);

      return (guint64) riff + 8 <= len;
    }

  if (g_str_equal (format, "bmp") && len >= 30)
    {
      /* Uncompressed rows (BI_RGB, BI_BITFIELDS) have a known size. */
      guint32 offset = le32 (b + 10);
      guint32 header = le32 (b + 14);
      guint bpp, compression = 0;

      if (header == 12)
        bpp = le16 (b + 24);
      else if (header >= 40 && len >= 34)
        {
          bpp = le16 (b + 28);
          compression = le32 (b + 30);
        }
      else
        return TRUE;   /* the decoder judges */

      if ((compression == 0 || compression == 3) && info->width > 0 && bpp > 0 && bpp <= 32)
        {
          /* At most 2^31 x 32 bits a row and 2^31 rows: no overflow. */
          guint64 row = (((guint64) info->width * bpp + 31) / 32) * 4;
          guint64 need = (guint64) offset + row * (guint64) info->height;

          return need <= len;
        }
    }

  return TRUE;
}

