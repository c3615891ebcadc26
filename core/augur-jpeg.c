/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "augur-error.h"
#include "augur-image.h"
#include "augur-jpeg.h"

/* GdkPixbuf's JPEG loader ignores libjpeg's warnings. When the entropy-
 * coded data end early, libjpeg warns ("Premature end of JPEG file",
 * "premature end of data segment") and fills the rest of the image with
 * flat gray: a truncated file with an end marker appended decodes to a
 * picture whose bottom half is gray, and no error. So the data are read
 * here with libjpeg itself, at 1/8 scale (every coefficient is still
 * entropy-decoded, but only the DC terms are transformed), and a warning
 * about missing or damaged data fails the file. */

typedef struct
{
  struct jpeg_error_mgr manager;
  jmp_buf               exit;
  int                   warning;   /* the first warning about the data, or 0 */
  char                  message[JMSG_LENGTH_MAX];
  JSAMPLE              *row;       /* here, not a local: it survives longjmp() */
} Check;

static void
on_error_exit (j_common_ptr cinfo)
{
  Check *check = (Check *) cinfo->err;

  check->manager.format_message (cinfo, check->message);
  longjmp (check->exit, 1);
}

static void
on_emit_message (j_common_ptr cinfo,
                 int          level)
{
  Check *check = (Check *) cinfo->err;
  int code = check->manager.msg_code;

  if (level >= 0 || check->warning != 0)
    return;   /* trace messages; or a warning already kept */
  if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || code == JWRN_MUST_RESYNC ||
      code == JWRN_NOT_SEQUENTIAL)
    {
      check->warning = code;
      check->manager.format_message (cinfo, check->message);
    }
}

/**
 * augur_jpeg_check_data:
 *
 * Reads a whole JPEG file's data with libjpeg, discarding the pixels.
 * Errors: %AUGUR_ERROR_CORRUPT, with libjpeg's message, when libjpeg fails
 * or warns that data are missing or damaged.
 */
gboolean
augur_jpeg_check_data (const guint8  *data,
                       gsize          len,
                       GError       **error)
{
  struct jpeg_decompress_struct cinfo;
  Check check = { 0 };

  g_return_val_if_fail (data != NULL, FALSE);

  cinfo.err = jpeg_std_error (&check.manager);
  check.manager.error_exit = on_error_exit;
  check.manager.emit_message = on_emit_message;
  if (setjmp (check.exit))
    {
      jpeg_destroy_decompress (&cinfo);
      g_free (check.row);
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "corrupt jpeg image: %s", check.message);
      return FALSE;
    }

  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, (unsigned long) len);
  jpeg_read_header (&cinfo, TRUE);
  cinfo.scale_num = 1;
  cinfo.scale_denom = 8;
  cinfo.dct_method = JDCT_IFAST;
  cinfo.do_fancy_upsampling = FALSE;
  cinfo.buffered_image = FALSE;
  jpeg_start_decompress (&cinfo);
  check.row = g_malloc_n (cinfo.output_width, (gsize) cinfo.output_components);
  while (cinfo.output_scanline < cinfo.output_height && check.warning == 0)
    {
      JSAMPROW rows[1] = { check.row };

      jpeg_read_scanlines (&cinfo, rows, 1);
    }
  if (check.warning == 0)
    jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  g_clear_pointer (&check.row, g_free);

  if (check.warning != 0)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT,
                   "truncated or damaged jpeg image: %s", check.message);
      return FALSE;
    }
  return TRUE;
}

/* Reduced decode ------------------------------------------------------------ */

/* The EXIF orientation (1 to 8) in an APP1 marker's data, or 0 when it
 * holds none: TIFF header, then IFD 0, whose tag 0x0112 is a SHORT. Not
 * inlined into a function that calls setjmp(). */
G_GNUC_NO_INLINE static int
exif_orientation (const guint8 *b,
                  gsize         len)
{
  gboolean le;
  guint32 ifd;
  guint n;

#define GET16(p) ((guint) (le ? (p)[0] | (p)[1] << 8 : (p)[0] << 8 | (p)[1]))
#define GET32(p) ((guint32) (le ? (p)[0] | (p)[1] << 8 | (p)[2] << 16 | (guint32) (p)[3] << 24 \
                                : (guint32) (p)[0] << 24 | (p)[1] << 16 | (p)[2] << 8 | (p)[3]))
  if (len < 6 + 8 || memcmp (b, "Exif\0\0", 6) != 0)
    return 0;
  b += 6;
  len -= 6;
  if (memcmp (b, "II", 2) == 0)
    le = TRUE;
  else if (memcmp (b, "MM", 2) == 0)
    le = FALSE;
  else
    return 0;
  if (GET16 (b + 2) != 42)
    return 0;
  ifd = GET32 (b + 4);
  if (ifd > len - 2)
    return 0;
  n = GET16 (b + ifd);
  for (guint i = 0; i < n && ifd + 2 + (gsize) (i + 1) * 12 <= len; i++)
    {
      const guint8 *entry = b + ifd + 2 + (gsize) i * 12;
      guint value = GET16 (entry + 8);

      if (GET16 (entry) == 0x0112 && GET16 (entry + 2) == 3 && GET32 (entry + 4) == 1)
        return value >= 1 && value <= 8 ? (int) value : 0;
    }
  return 0;
#undef GET16
#undef GET32
}

/* @image turned as EXIF @orientation asks for display (as
 * gdk_pixbuf_apply_embedded_orientation() does). */
static AugurImage *
orient (AugurImage *image,
        int         orientation)
{
  gboolean swap = orientation >= 5;
  int w = image->width, h = image->height, nc = image->channels;
  AugurImage *out;

  if (orientation <= 1)
    return image;
  out = augur_image_new_uninitialized (swap ? h : w, swap ? w : h, nc);
  for (int Y = 0; Y < out->height; Y++)
    {
      guint8 *d = augur_image_row (out, Y);

      for (int X = 0; X < out->width; X++)
        {
          int x, y;

          switch (orientation)
            {
            case 2: x = w - 1 - X; y = Y; break;
            case 3: x = w - 1 - X; y = h - 1 - Y; break;
            case 4: x = X; y = h - 1 - Y; break;
            case 5: x = Y; y = X; break;
            case 6: x = Y; y = h - 1 - X; break;
            case 7: x = w - 1 - Y; y = h - 1 - X; break;
            default: x = w - 1 - Y; y = X; break;   /* 8 */
            }
          memcpy (d + X * nc, augur_image_row (image, y) + x * nc, (gsize) nc);
        }
    }
  augur_image_unref (image);
  return out;
}

typedef struct
{
  struct jpeg_decompress_struct cinfo;
  Check                         check;
  AugurImage                   *image;   /* here, not locals: they survive longjmp() */
  JSAMPROW                     *rows;
  int                           orientation;
} Reduced;

/**
 * augur_jpeg_decode_reduced:
 * @data: (array length=len): a JPEG file, untrusted
 * @denom: 2, 4 or 8: libjpeg scales by 1/@denom in its inverse DCT
 * @max_pixels: the most pixels the whole image may have
 * @full_width: (out) (optional): @full_height: (out) (optional): the size
 *   of the whole image, EXIF orientation applied
 *
 * A preview of a JPEG at 1/@denom of its size (each side rounded up), with
 * its EXIF orientation applied, from libjpeg directly: the fast integer
 * inverse DCT, no smoothing of subsampled chroma, and rows decoded into
 * the image they end in. Every coefficient is still entropy-decoded, but
 * at 1/8 only the DC terms are transformed. Data that end early or are
 * damaged give gray blocks, not an error: the whole decode checks them.
 * Gray files give 1 channel, colour ones 3.
 *
 * Errors: %AUGUR_ERROR_TOO_LARGE over @max_pixels (read from the header,
 * before anything is allocated), %AUGUR_ERROR_UNSUPPORTED_FORMAT for CMYK
 * and YCCK files (left to GdkPixbuf, which knows Adobe's inverted CMYK),
 * %AUGUR_ERROR_CORRUPT when libjpeg fails.
 *
 * Returns: (transfer full) (nullable): the reduced image
 */
AugurImage *
augur_jpeg_decode_reduced (const guint8  *data,
                           gsize          len,
                           int            denom,
                           gint64         max_pixels,
                           int           *full_width,
                           int           *full_height,
                           GError       **error)
{
  Reduced *r;
  struct jpeg_decompress_struct *cinfo;
  gboolean swap;
  AugurImage *image;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (denom == 2 || denom == 4 || denom == 8, NULL);

  /* on the heap: nothing setjmp() may roll back lives on the stack */
  r = g_new0 (Reduced, 1);
  cinfo = &r->cinfo;
  cinfo->err = jpeg_std_error (&r->check.manager);
  r->check.manager.error_exit = on_error_exit;
  r->check.manager.emit_message = on_emit_message;   /* warnings kept, not printed */
  if (setjmp (r->check.exit))
    {
      jpeg_destroy_decompress (cinfo);
      g_clear_pointer (&r->image, augur_image_unref);
      g_free (r->rows);
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "corrupt jpeg image: %s", r->check.message);
      g_free (r);
      return NULL;
    }

  jpeg_create_decompress (cinfo);
  jpeg_mem_src (cinfo, data, (unsigned long) len);
  jpeg_save_markers (cinfo, JPEG_APP0 + 1, 0xffff);
  jpeg_read_header (cinfo, TRUE);

  if ((gint64) cinfo->image_width * cinfo->image_height > max_pixels)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                   "image is %ux%u, over the limit of %" G_GINT64_FORMAT " pixels",
                   cinfo->image_width, cinfo->image_height, max_pixels);
      goto refused;
    }
  if (cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT,
                   "a CMYK jpeg image is not decoded at a reduced size");
      goto refused;
    }
  r->orientation = 1;
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != NULL && r->orientation == 1; m = m->next)
    if (m->marker == JPEG_APP0 + 1)
      r->orientation = MAX (exif_orientation (m->data, m->data_length), 1);

  cinfo->out_color_space = cinfo->num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  cinfo->scale_num = 1;
  cinfo->scale_denom = (unsigned int) denom;
  cinfo->dct_method = JDCT_IFAST;
  cinfo->do_fancy_upsampling = FALSE;
  cinfo->do_block_smoothing = FALSE;
  jpeg_start_decompress (cinfo);

  /* zeroed: rows of a file that ends early stay black, never garbage */
  r->image = augur_image_new ((int) cinfo->output_width, (int) cinfo->output_height,
                              cinfo->output_components);
  r->rows = g_new (JSAMPROW, cinfo->output_height);
  for (guint y = 0; y < cinfo->output_height; y++)
    r->rows[y] = augur_image_row (r->image, (int) y);
  while (cinfo->output_scanline < cinfo->output_height)
    if (jpeg_read_scanlines (cinfo, r->rows + cinfo->output_scanline,
                             cinfo->output_height - cinfo->output_scanline) == 0)
      break;   /* (a memory source never suspends) */
  jpeg_abort_decompress (cinfo);   /* the rest of the file is not needed */

  swap = r->orientation >= 5;
  if (full_width)
    *full_width = (int) (swap ? cinfo->image_height : cinfo->image_width);
  if (full_height)
    *full_height = (int) (swap ? cinfo->image_width : cinfo->image_height);
  jpeg_destroy_decompress (cinfo);
  image = orient (g_steal_pointer (&r->image), r->orientation);
  g_free (r->rows);
  g_free (r);
  return image;

refused:
  jpeg_destroy_decompress (cinfo);
  g_free (r);
  return NULL;
}
