/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <setjmp.h>
#include <stdio.h>

#include <jerror.h>
#include <jpeglib.h>

#include "augur-error.h"
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
