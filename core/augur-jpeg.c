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
#include "augur-transform-private.h"

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
 * gdk_pixbuf_apply_embedded_orientation() does): each orientation is an
 * element of the dihedral group, done by augur_dihedral_copy (), whose
 * output (x, y) reads the input at (y, x) when the sides swap, each
 * coordinate mirrored first when its flip is set. */
static AugurImage *
orient (AugurImage *image,
        int         orientation)
{
  /* swap, flip_x, flip_y for orientations 2 to 8 */
  static const gboolean turns[7][3] = {
    { FALSE, TRUE,  FALSE },   /* 2: mirrored */
    { FALSE, TRUE,  TRUE  },   /* 3: turned 180 degrees */
    { FALSE, FALSE, TRUE  },   /* 4: flipped */
    { TRUE,  FALSE, FALSE },   /* 5: transposed */
    { TRUE,  TRUE,  FALSE },   /* 6: turned 90 degrees clockwise to show */
    { TRUE,  TRUE,  TRUE  },   /* 7: anti-transposed */
    { TRUE,  FALSE, TRUE  },   /* 8: turned 90 degrees counter-clockwise to show */
  };
  AugurImage *out;

  if (orientation <= 1 || orientation > 8)
    return image;
  out = augur_dihedral_copy (image, turns[orientation - 2][0], turns[orientation - 2][1],
                             turns[orientation - 2][2]);
  augur_image_unref (image);
  return out;
}

/* Whole decode --------------------------------------------------------------- */

/* libjpeg reading from memory, its errors and warnings kept in @check. */
typedef struct
{
  struct jpeg_decompress_struct cinfo;
  Check                         check;
  AugurImage                   *image;   /* here, not locals: they survive longjmp() */
  JSAMPROW                     *rows;
  int                           orientation;
} Decoder;

/* on the heap: nothing setjmp() may roll back lives on the stack */
static Decoder *
decoder_new (void)
{
  Decoder *d = g_new0 (Decoder, 1);

  d->cinfo.err = jpeg_std_error (&d->check.manager);
  d->check.manager.error_exit = on_error_exit;
  d->check.manager.emit_message = on_emit_message;   /* warnings kept, not printed */
  return d;
}

static void
decoder_free (Decoder *d)
{
  jpeg_destroy_decompress (&d->cinfo);
  g_clear_pointer (&d->image, augur_image_unref);
  g_free (d->rows);
  g_free (d);
}

/* Reads the header of @data and the EXIF orientation (1 when none). Only
 * from a function that has set d->check.exit, which libjpeg's errors
 * jump to. */
static void
decoder_read_header (Decoder      *d,
                     const guint8 *data,
                     gsize         len)
{
  jpeg_create_decompress (&d->cinfo);
  jpeg_mem_src (&d->cinfo, data, (unsigned long) len);
  jpeg_save_markers (&d->cinfo, JPEG_APP0 + 1, 0xffff);
  jpeg_read_header (&d->cinfo, TRUE);

  d->orientation = 1;
  for (jpeg_saved_marker_ptr m = d->cinfo.marker_list; m != NULL && d->orientation == 1; m = m->next)
    if (m->marker == JPEG_APP0 + 1)
      d->orientation = MAX (exif_orientation (m->data, m->data_length), 1);
}

/* Rows of the image d->image (allocated here, @zeroed or not) for libjpeg
 * to decode into, once jpeg_start_decompress() has set the output size. */
static void
decoder_alloc_rows (Decoder  *d,
                    gboolean  zeroed)
{
  struct jpeg_decompress_struct *cinfo = &d->cinfo;
  int w = (int) cinfo->output_width, h = (int) cinfo->output_height, nc = cinfo->output_components;

  d->image = zeroed ? augur_image_new (w, h, nc) : augur_image_new_uninitialized (w, h, nc);
  d->rows = g_new (JSAMPROW, cinfo->output_height);
  for (guint y = 0; y < cinfo->output_height; y++)
    d->rows[y] = augur_image_row (d->image, (int) y);
}

/**
 * augur_jpeg_decode:
 * @data: (array length=len): a JPEG file, untrusted, whose header Augur
 *   has read and checked against the pixel limit
 * @width: @height: the size that reading gave
 * @oriented_width: (out) (optional): @oriented_height: (out) (optional):
 *   the size of the result
 *
 * The whole image with its EXIF orientation applied, decoded once by
 * libjpeg straight into the image, with the settings of GdkPixbuf's JPEG
 * loader (the accurate integer inverse DCT, smooth chroma upsampling), so
 * that the pixels are the ones that loader gives. The refusals are those of
 * augur_jpeg_check_data(), found in the same pass: libjpeg failing, or
 * warning that data are missing or damaged.
 *
 * Errors: %AUGUR_ERROR_UNSUPPORTED_FORMAT, before anything large is
 * allocated, for a file this decoder leaves to GdkPixbuf (CMYK, YCCK,
 * anything but gray or 3-component colour); %AUGUR_ERROR_CORRUPT for a
 * damaged or truncated file, or one whose frame is not @width x @height.
 *
 * Returns: (transfer full) (nullable): the image, 1 channel for a gray
 *   file, 3 for colour
 */
AugurImage *
augur_jpeg_decode (const guint8  *data,
                   gsize          len,
                   int            width,
                   int            height,
                   int           *oriented_width,
                   int           *oriented_height,
                   GError       **error)
{
  Decoder *d;
  struct jpeg_decompress_struct *cinfo;
  AugurImage *image;

  g_return_val_if_fail (data != NULL, NULL);

  d = decoder_new ();
  cinfo = &d->cinfo;
  if (setjmp (d->check.exit))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "corrupt jpeg image: %s", d->check.message);
      decoder_free (d);
      return NULL;
    }
  decoder_read_header (d, data, len);

  if (!(cinfo->num_components == 1 && cinfo->jpeg_color_space == JCS_GRAYSCALE) &&
      !(cinfo->num_components == 3 && (cinfo->jpeg_color_space == JCS_YCbCr ||
                                       cinfo->jpeg_color_space == JCS_RGB)))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT,
                   "a jpeg image of %d components in colour space %d is left to GdkPixbuf",
                   cinfo->num_components, (int) cinfo->jpeg_color_space);
      decoder_free (d);
      return NULL;
    }
  if ((gint64) cinfo->image_width != width || (gint64) cinfo->image_height != height)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT,
                   "corrupt jpeg image: the decoder reads %ux%u where the header says %dx%d",
                   cinfo->image_width, cinfo->image_height, width, height);
      decoder_free (d);
      return NULL;
    }

  cinfo->out_color_space = cinfo->num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  cinfo->dct_method = JDCT_ISLOW;
  cinfo->do_fancy_upsampling = TRUE;
  jpeg_start_decompress (cinfo);
  if (d->check.warning == 0)
    decoder_alloc_rows (d, FALSE);   /* every row is written, or the file refused */
  while (d->check.warning == 0 && cinfo->output_scanline < cinfo->output_height)
    if (jpeg_read_scanlines (cinfo, d->rows + cinfo->output_scanline,
                             cinfo->output_height - cinfo->output_scanline) == 0)
      break;   /* (a memory source never suspends) */
  if (d->check.warning == 0 && cinfo->output_scanline == cinfo->output_height)
    jpeg_finish_decompress (cinfo);   /* to the end marker, as the check reads */
  if (d->check.warning != 0 || cinfo->output_scanline < cinfo->output_height)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "truncated or damaged jpeg image: %s",
                   d->check.warning != 0 ? d->check.message : "the data end before the image does");
      decoder_free (d);
      return NULL;
    }

  image = orient (g_steal_pointer (&d->image), d->orientation);
  decoder_free (d);
  if (oriented_width)
    *oriented_width = image->width;
  if (oriented_height)
    *oriented_height = image->height;
  return image;
}

/* DC-only decoding -----------------------------------------------------------
 *
 * At 1/8 each 8 x 8 block becomes one pixel, its DC term: the AC terms are
 * entropy-decoded only to be skipped, and that skipping is most of the
 * time of the whole reduced decode. libjpeg's decoder looks each Huffman
 * code up, then reads the value's bits, one step each. Here one lookup of
 * the next LOOKUP_BITS bits gives the code and its value's bits together,
 * and how far along the block they move, so that most AC terms cost one
 * table read. Baseline files only (one interleaved scan of Huffman-coded
 * 8-bit YCbCr or gray, the usual sampling factors); anything else, and any
 * data that do not decode cleanly (a file cut short, a bad code, a
 * restart marker out of place), go to libjpeg. The pixels are libjpeg's
 * own at 1/8 with the settings above, bit for bit, for luma and for chroma
 * sampled as finely: its 1 x 1 inverse DCT, its range limit, its YCbCr to
 * RGB tables. Chroma sampled at half is taken from its DC terms too and
 * repeated, where libjpeg would run a 2 x 2 inverse DCT on it: colour
 * detail finer than 16 pixels is lost, in a preview of a large image. */

#define LOOKUP_BITS 11

static gint dc_only_decodes;   /* how many reduced decodes took this path */
static gint split_decodes;     /* and of those, how many in two halves */
#define SKIP_EOB    64       /* an AC entry's move at the end of a block */

typedef struct
{
  /* AC: bits used (code and value) | positions moved in the block << 6
   * (SKIP_EOB at its end);
   * DC: bits of the code | value size << 6; 0: a longer code */
  guint16 fast[1 << LOOKUP_BITS];
  gint32  maxcode[18];     /* the largest code of each length, -1 for none */
  gint32  valoffset[18];
  guint8  huffval[256];
} Table;

typedef struct
{
  const guint8 *p, *end;
  guint64       bits;      /* left-aligned */
  int           n;         /* bits held */
  int           fake;      /* zero bits made up past a marker or the end */
  guint64       loaded;    /* data bits (not made up) put in @bits so far */
} Reader;

/* How many data bits @rd has used: its position in the scan, stuffing
 * left out. */
static inline guint64
reader_position (const Reader *rd)
{
  return rd->loaded - (guint64) (rd->n - rd->fake);
}

/* Builds @table from a DHT's counts and symbols as libjpeg does
 * (jpeg_make_d_derived_tbl()); FALSE for a table libjpeg would refuse. */
static gboolean
table_build (Table          *table,
             const JHUFF_TBL *huff,
             gboolean        ac)
{
  guint8 size[257];
  guint code[257];
  int k = 0, total = 0;
  guint c = 0;

  memset (table, 0, sizeof *table);
  for (int l = 1; l <= 16; l++)
    {
      total += huff->bits[l];
      if (total > 256)
        return FALSE;
      for (int i = 0; i < huff->bits[l]; i++)
        size[k++] = (guint8) l;
    }
  size[k] = 0;
  for (int i = 0, si = size[0]; size[i] != 0; si++)
    {
      while (size[i] == si)
        code[i++] = c++;
      if (c > (1u << si))
        return FALSE;   /* more codes than the length allows */
      c <<= 1;
    }
  k = 0;
  for (int l = 1; l <= 16; l++)
    {
      if (huff->bits[l] != 0)
        {
          table->valoffset[l] = k - (gint32) code[k];
          k += huff->bits[l];
          table->maxcode[l] = (gint32) code[k - 1];
        }
      else
        table->maxcode[l] = -1;
    }
  table->maxcode[17] = 0x7fffffff;   /* ends the slow search */
  memcpy (table->huffval, huff->huffval, sizeof table->huffval);

  for (int i = 0; i < total; i++)
    {
      int l = size[i], sym = huff->huffval[i];
      int r = sym >> 4, s = sym & 15, used;
      guint16 entry;

      if (!ac && sym > 15)
        return FALSE;
      if (l > LOOKUP_BITS)
        continue;
      if (!ac)
        entry = (guint16) (l | sym << 6);
      else if (l + s > LOOKUP_BITS)
        continue;   /* its value's bits do not fit: the slow path */
      else if (s == 0 && r != 15)
        entry = (guint16) (l | SKIP_EOB << 6);
      else
        {
          used = l + s;
          entry = (guint16) (used | (s == 0 ? 16 : r + 1) << 6);
        }
      for (guint fill = 0; fill < 1u << (LOOKUP_BITS - l); fill++)
        table->fast[code[i] << (LOOKUP_BITS - l) | fill] = entry;
    }
  return TRUE;
}

/* Tops @rd up to at least 56 bits: bytes in order, a stuffed 0xFF 0x00 as
 * 0xFF; at a marker (or the end) zero bits, counted in rd->fake, and the
 * reader stays there. Eight bytes at once when none of them is 0xFF. */
static inline void
reader_fill (Reader *rd)
{
  if (rd->fake == 0 && rd->end - rd->p >= 8)
    {
      guint64 word, inverted;

      memcpy (&word, rd->p, sizeof word);
      word = GUINT64_FROM_BE (word);
      inverted = ~word;

      /* no byte of @inverted is zero: no 0xFF in the eight */
      if (((inverted - 0x0101010101010101u) & ~inverted & 0x8080808080808080u) == 0)
        {
          int take = (63 - rd->n) >> 3;

          /* (the bits after the bytes taken are those of the next
           * one, which is not 0xFF: adding it again changes nothing) */
          rd->bits |= word >> rd->n;
          rd->p += take;
          rd->n += take * 8;
          rd->loaded += (guint64) take * 8;
          return;
        }
    }
  while (rd->n <= 56)
    {
      guint c = 0;

      if (rd->fake == 0 && rd->p < rd->end &&
          (rd->p[0] != 0xff || (rd->p + 1 < rd->end && rd->p[1] == 0x00)))
        {
          c = rd->p[0];
          rd->p += c == 0xff ? 2 : 1;
          rd->loaded += 8;
        }
      else
        rd->fake += 8;
      rd->bits |= (guint64) c << (56 - rd->n);
      rd->n += 8;
    }
}

static inline void
reader_skip (Reader *rd,
             int     n)
{
  rd->bits <<= n;
  rd->n -= n;
}

/* A code longer than the lookup (or an AC value too long for it): the
 * canonical search, as libjpeg's jpeg_huff_decode(). Returns the symbol,
 * or -1 for bits that are no code. Needs 16 bits in @rd. */
static int
decode_slow (Reader      *rd,
             const Table *table)
{
  guint32 peek = (guint32) (rd->bits >> 48);

  for (int l = 1; l <= 16; l++)
    {
      gint32 code = (gint32) (peek >> (16 - l));

      if (code <= table->maxcode[l])
        {
          reader_skip (rd, l);
          return table->huffval[(code + table->valoffset[l]) & 0xff];
        }
    }
  return -1;
}

/* One block: its DC difference (added to *@pred), its AC terms skipped.
 * FALSE for bits that are no code. */
static inline gboolean
decode_block (Reader      *rd,
              const Table *dc,
              const Table *ac,
              guint32     *pred)
{
  guint e;
  int s;

  if (rd->n < 32)
    reader_fill (rd);
  e = dc->fast[rd->bits >> (64 - LOOKUP_BITS)];
  if (e != 0)
    {
      reader_skip (rd, (int) (e & 63));
      s = (int) (e >> 6);
    }
  else if ((s = decode_slow (rd, dc)) < 0)
    return FALSE;
  if (s != 0)
    {
      guint32 v = (guint32) (rd->bits >> (64 - s));

      reader_skip (rd, s);
      /* F.12 EXTEND: a leading 0 bit means a negative value */
      *pred += v < (1u << (s - 1)) ? v - (1u << s) + 1 : v;
    }

  for (int k = 1; k < 64;)
    {
      if (rd->n < 32)
        reader_fill (rd);
      e = ac->fast[rd->bits >> (64 - LOOKUP_BITS)];
      if (e != 0)
        {
          reader_skip (rd, (int) (e & 63));
          k += (int) (e >> 6);   /* past 63 at the end of the block */
        }
      else
        {
          int sym = decode_slow (rd, ac);

          if (sym < 0)
            return FALSE;
          if ((sym & 15) != 0)
            {
              reader_skip (rd, sym & 15);
              k += (sym >> 4) + 1;
            }
          else if (sym == 0xf0)
            k += 16;
          else
            break;
        }
    }
  return TRUE;
}

/* libjpeg's jpeg_idct_1x1() on a DC term and its range limit: the term
 * times its quantizer, /8 rounded, +128, clamped, with the wrap-around of
 * libjpeg's range-limit table (RANGE_MASK) for values far out of range. */
static inline guint8
dc_pixel (guint32 pred,
          gint16  quant)
{
  int dcval = (int) (gint16) pred * quant;
  int v = ((dcval + 4) >> 3) & 1023;

  if (v < 128)
    return (guint8) (v + 128);
  if (v < 512)
    return 255;
  if (v < 896)
    return 0;
  return (guint8) (v - 896);
}

#define SCALEBITS 16
#define ONE_HALF ((gint32) 1 << (SCALEBITS - 1))
#define FIX(x) ((gint32) ((x) * (1L << SCALEBITS) + 0.5))

/* libjpeg's YCbCr to RGB (jdcolor.c, jdmerge.c), from its tables. */
static void
ycc_to_rgb (AugurImage    *image,
            guint8 *const  planes[3],
            const int      plane_width[3],
            const int      shift_x[3],
            const int      shift_y[3])
{
  gint32 cr_r[256], cb_b[256], cr_g[256], cb_g[256];

  for (int i = 0; i < 256; i++)
    {
      gint32 x = i - 128;

      cr_r[i] = (FIX (1.40200) * x + ONE_HALF) >> SCALEBITS;
      cb_b[i] = (FIX (1.77200) * x + ONE_HALF) >> SCALEBITS;
      cr_g[i] = -FIX (0.71414) * x;
      cb_g[i] = -FIX (0.34414) * x + ONE_HALF;
    }
  for (int y = 0; y < image->height; y++)
    {
      const guint8 *py = planes[0] + (gsize) (y >> shift_y[0]) * plane_width[0];
      const guint8 *pb = planes[1] + (gsize) (y >> shift_y[1]) * plane_width[1];
      const guint8 *pr = planes[2] + (gsize) (y >> shift_y[2]) * plane_width[2];
      guint8 *d = augur_image_row (image, y);

      for (int x = 0; x < image->width; x++)
        {
          int l = py[x >> shift_x[0]], cb = pb[x >> shift_x[1]], cr = pr[x >> shift_x[2]];

          d[3 * x] = (guint8) CLAMP (l + cr_r[cr], 0, 255);
          d[3 * x + 1] = (guint8) CLAMP (l + ((cb_g[cb] + cr_g[cr]) >> SCALEBITS), 0, 255);
          d[3 * x + 2] = (guint8) CLAMP (l + cb_b[cb], 0, 255);
        }
    }
}

#undef FIX
#undef ONE_HALF
#undef SCALEBITS

/* Moves @rd past the restart marker RSTn that must come now, after a
 * restart interval's last bits; FALSE when it does not. */
static gboolean
reader_restart (Reader *rd,
                int     n)
{
  if (rd->n - rd->fake >= 8)
    return FALSE;   /* a whole byte of the interval left unread */
  while (rd->p + 1 < rd->end && rd->p[0] == 0xff && rd->p[1] == 0xff)
    rd->p++;   /* fill bytes */
  if (rd->p + 1 >= rd->end || rd->p[0] != 0xff || rd->p[1] != 0xd0 + n)
    return FALSE;
  rd->p += 2;
  rd->bits = 0;
  rd->n = 0;
  rd->fake = 0;
  return TRUE;
}

/* Decoding in two halves ----------------------------------------------------
 *
 * A scan without restart markers can only be decoded from its start: each
 * code's end is the next one's start. But Huffman codes resynchronize: a
 * decoder started at an arbitrary bit, assuming a block starts there,
 * usually falls onto the true sequence of blocks within a few of them, and
 * once on it stays on it (its state is then the true one). So a second
 * thread decodes from the middle of the data, noting where each block it
 * finds starts, its place in the MCU and its DC difference; the first
 * thread decodes from the start and, past the middle, looks for one of its
 * own blocks among those: from there on, the second thread's blocks are
 * its own, and it takes their differences instead of decoding further.
 * When no block matches (the second thread never fell in step) or the
 * counts disagree, the first thread decodes on: the result is the same
 * either way, only sooner. */

#define SPLIT_MIN_BYTES ((gsize) 1 << 20)

typedef struct
{
  guint32 position;   /* data bits from the middle */
  gint16  diff;
  guint8  phase;      /* its block's place in the MCU */
} BlockNote;

typedef struct
{
  const Table *dc[10], *ac[10];   /* of each block of an MCU */
  int          n_blocks;
  Reader       start;             /* at the middle */
  BlockNote   *notes;
  gsize        capacity;
  gint         published;         /* notes the first thread may read */
  gint         stop;
} Speculation;

static gpointer
speculate (gpointer data)
{
  Speculation *sp = data;
  Reader rd = sp->start;
  gsize count = 0;
  int phase = 0;

  while (count < sp->capacity && (count & 255 || !g_atomic_int_get (&sp->stop)))
    {
      BlockNote *note = &sp->notes[count];
      guint64 position = reader_position (&rd);
      guint32 diff = 0;

      if (position > G_MAXUINT32 ||
          !decode_block (&rd, sp->dc[phase], sp->ac[phase], &diff) || rd.n < rd.fake)
        break;
      note->position = (guint32) position;
      note->diff = (gint16) diff;
      note->phase = (guint8) phase;
      count++;
      if ((count & 255) == 0)
        g_atomic_int_set (&sp->published, (gint) count);
      phase = phase + 1 == sp->n_blocks ? 0 : phase + 1;
    }
  g_atomic_int_set (&sp->published, (gint) count);
  return NULL;
}

/* The middle of the data from @rd on, not inside a stuffed 0xFF 0x00, and
 * how many data bits come before it; FALSE when there is nothing to split. */
static gboolean
find_middle (const Reader  *rd,
             const guint8 **middle,
             guint64       *bits_before)
{
  const guint8 *mid = rd->p + (rd->end - rd->p) / 2;
  gsize stuffed = 0;

  if ((gsize) (rd->end - rd->p) < SPLIT_MIN_BYTES)
    return FALSE;
  if (mid[-1] == 0xff)
    mid++;
  for (const guint8 *q = rd->p; (q = memchr (q, 0xff, (gsize) (mid - q))) != NULL && q + 1 < mid; q += 2)
    {
      if (q[1] != 0x00)
        return FALSE;   /* a marker in the scan: leave it to one decoder */
      stuffed++;
    }
  *middle = mid;
  *bits_before = ((guint64) (mid - rd->p) - stuffed) * 8;
  return TRUE;
}

/* The 1/8 image of the baseline scan that @cinfo's header ended on, or
 * NULL for a file this decoder leaves to libjpeg (or data it cannot
 * decode cleanly). Calls nothing in libjpeg. */
static AugurImage *
decode_dc_only (const struct jpeg_decompress_struct *cinfo)
{
  int nc = cinfo->num_components;
  int hmax = 1, vmax = 1, mcux, mcuy, n_blocks = 0;
  int width = (int) (cinfo->image_width + 7) / 8, height = (int) (cinfo->image_height + 7) / 8;
  int plane_width[3] = { 0 }, shift_x[3] = { 0 }, shift_y[3] = { 0 };
  int block_comp[10], block_dx[10], block_dy[10], block_h[10], block_v[10];
  const Table *block_dc[10], *block_ac[10];
  guint8 *planes[3] = { NULL };
  g_autofree guint8 *memory = NULL;
  g_autofree Table *tables = NULL;   /* DC 0-3, AC 0-3 */
  g_autofree BlockNote *notes = NULL;
  Speculation sp = { { NULL } };
  GThread *thread = NULL;
  guint64 split = G_MAXUINT64;
  gsize n_notes = 0, next_note = 0, synced = G_MAXSIZE, total, g;
  gint16 quant[3];
  guint32 pred[3] = { 0 };
  Reader rd = { 0 };
  int restarts = 0, todo, mx = 0, my = 0, b = 0;
  gboolean ok = TRUE;
  AugurImage *image;

  if (cinfo->progressive_mode || cinfo->arith_code || cinfo->data_precision != 8 ||
      cinfo->comps_in_scan != nc || cinfo->Ss != 0 || cinfo->Se != 63 || cinfo->Ah != 0 || cinfo->Al != 0 ||
      (!(nc == 1 && cinfo->jpeg_color_space == JCS_GRAYSCALE) &&
       !(nc == 3 && cinfo->jpeg_color_space == JCS_YCbCr)))
    return NULL;

  tables = g_new0 (Table, 8);
  for (int i = 0; i < nc; i++)
    {
      const jpeg_component_info *comp = cinfo->cur_comp_info[i];
      int c = comp->component_index;
      const JQUANT_TBL *q = comp->quant_tbl_no >= 0 && comp->quant_tbl_no < NUM_QUANT_TBLS
                            ? cinfo->quant_tbl_ptrs[comp->quant_tbl_no] : NULL;
      const JHUFF_TBL *dc = cinfo->dc_huff_tbl_ptrs[comp->dc_tbl_no & 3];
      const JHUFF_TBL *ac = cinfo->ac_huff_tbl_ptrs[comp->ac_tbl_no & 3];

      if (c < 0 || c >= nc || q == NULL || dc == NULL || ac == NULL ||
          comp->h_samp_factor < 1 || comp->h_samp_factor > 2 || comp->v_samp_factor < 1 || comp->v_samp_factor > 2 ||
          (c > 0 && (comp->h_samp_factor != 1 || comp->v_samp_factor != 1)) ||
          !table_build (&tables[comp->dc_tbl_no & 3], dc, FALSE) ||
          !table_build (&tables[4 + (comp->ac_tbl_no & 3)], ac, TRUE))
        return NULL;
      quant[c] = (gint16) q->quantval[0];
      hmax = MAX (hmax, comp->h_samp_factor);
      vmax = MAX (vmax, comp->v_samp_factor);
    }

  /* The blocks of one MCU, in scan order; one block when there is one
   * component (a non-interleaved scan). */
  for (int i = 0; i < nc; i++)
    {
      const jpeg_component_info *comp = cinfo->cur_comp_info[i];
      int h = nc == 1 ? 1 : comp->h_samp_factor, v = nc == 1 ? 1 : comp->v_samp_factor;

      for (int by = 0; by < v; by++)
        for (int bx = 0; bx < h; bx++)
          {
            block_comp[n_blocks] = comp->component_index;
            block_dx[n_blocks] = bx;
            block_dy[n_blocks] = by;
            block_h[n_blocks] = h;
            block_v[n_blocks] = v;
            block_dc[n_blocks] = &tables[comp->dc_tbl_no & 3];
            block_ac[n_blocks] = &tables[4 + (comp->ac_tbl_no & 3)];
            n_blocks++;
          }
    }
  if (nc == 1)
    hmax = vmax = 1;
  mcux = (width + hmax - 1) / hmax;
  mcuy = (height + vmax - 1) / vmax;
  total = (gsize) mcux * mcuy * n_blocks;

  {
    gsize offset = 0;
    gsize sizes[3] = { 0 };

    for (int c = 0; c < nc; c++)
      {
        const jpeg_component_info *comp = &cinfo->comp_info[c];
        int h = nc == 1 ? 1 : comp->h_samp_factor, v = nc == 1 ? 1 : comp->v_samp_factor;

        plane_width[c] = mcux * h;
        shift_x[c] = h == hmax ? 0 : 1;
        shift_y[c] = v == vmax ? 0 : 1;
        sizes[c] = (gsize) plane_width[c] * mcuy * v;
      }
    memory = g_malloc ((nc == 1 ? sizes[0] : sizes[0] + sizes[1] + sizes[2]) + 1);
    for (int c = 0; c < nc; c++)
      {
        planes[c] = memory + offset;
        offset += sizes[c];
      }
  }

  rd.p = cinfo->src->next_input_byte;
  rd.end = rd.p + cinfo->src->bytes_in_buffer;

  /* the second half on another thread, for a large scan without restarts */
  if (cinfo->restart_interval == 0 && g_get_num_processors () > 1 &&
      find_middle (&rd, &sp.start.p, &split))
    {
      sp.start.end = rd.end;
      sp.n_blocks = n_blocks;
      memcpy (sp.dc, block_dc, sizeof sp.dc);
      memcpy (sp.ac, block_ac, sizeof sp.ac);
      sp.capacity = MIN (total, (gsize) G_MAXINT);
      notes = sp.notes = g_new (BlockNote, sp.capacity);
      thread = g_thread_try_new ("augur-jpeg", speculate, &sp, NULL);
      if (thread == NULL)
        split = G_MAXUINT64;
    }

  todo = cinfo->restart_interval;
  for (g = 0; g < total && ok; g++)
    {
      int c = block_comp[b];
      guint8 *dst = &planes[c][(gsize) (my * block_v[b] + block_dy[b]) * plane_width[c] + mx * block_h[b] + block_dx[b]];

      if (b == 0 && cinfo->restart_interval != 0 && todo-- == 0)
        {
          if (!reader_restart (&rd, restarts++ & 7))
            {
              ok = FALSE;
              break;
            }
          memset (pred, 0, sizeof pred);
          todo = cinfo->restart_interval - 1;
        }

      /* past the middle: is this block one the second thread found? */
      if (synced == G_MAXSIZE && reader_position (&rd) >= split)
        {
          guint64 here = reader_position (&rd) - split;

          if (next_note >= n_notes)
            n_notes = (gsize) g_atomic_int_get (&sp.published);
          while (next_note < n_notes && notes[next_note].position < here)
            next_note++;
          if (next_note < n_notes && notes[next_note].position == here && notes[next_note].phase == b)
            {
              /* in step: the rest is the second thread's, if it has as
               * many blocks as are left */
              g_thread_join (g_steal_pointer (&thread));
              n_notes = (gsize) g_atomic_int_get (&sp.published);
              if (n_notes - next_note == total - g)
                {
                  synced = next_note - g;
                  g_atomic_int_inc (&split_decodes);
                }
              else
                split = G_MAXUINT64;
            }
        }

      if (synced != G_MAXSIZE)
        pred[c] += (guint32) (gint32) notes[g + synced].diff;
      else if (!decode_block (&rd, block_dc[b], block_ac[b], &pred[c]))
        ok = FALSE;
      *dst = dc_pixel (pred[c], quant[c]);

      if (++b == n_blocks)
        {
          b = 0;
          if (synced == G_MAXSIZE && rd.n < rd.fake)
            ok = FALSE;   /* the data ended (or hit a marker) too soon */
          if (++mx == mcux)
            {
              mx = 0;
              my++;
            }
        }
    }
  if (thread != NULL)
    {
      g_atomic_int_set (&sp.stop, 1);
      g_thread_join (thread);
    }
  if (!ok)
    return NULL;

  g_atomic_int_inc (&dc_only_decodes);
  image = augur_image_new_uninitialized (width, height, nc);
  if (nc == 1)
    for (int y = 0; y < height; y++)
      memcpy (augur_image_row (image, y), planes[0] + (gsize) y * plane_width[0], (gsize) width);
  else
    ycc_to_rgb (image, planes, plane_width, shift_x, shift_y);
  return image;
}

/**
 * augur_jpeg_get_stats:
 * @dc_only: (out) (optional): how many reduced decodes the DC-only decoder
 *   made rather than libjpeg
 * @split: (out) (optional): how many of those were finished from the
 *   second thread's half
 *
 * Since the process began (tests and benchmarks).
 */
void
augur_jpeg_get_stats (guint *dc_only,
                      guint *split)
{
  if (dc_only)
    *dc_only = (guint) g_atomic_int_get (&dc_only_decodes);
  if (split)
    *split = (guint) g_atomic_int_get (&split_decodes);
}

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
  Decoder *r;
  struct jpeg_decompress_struct *cinfo;
  gboolean swap;
  AugurImage *image;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (denom == 2 || denom == 4 || denom == 8, NULL);

  r = decoder_new ();
  cinfo = &r->cinfo;
  if (setjmp (r->check.exit))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "corrupt jpeg image: %s", r->check.message);
      decoder_free (r);
      return NULL;
    }
  decoder_read_header (r, data, len);

  if ((gint64) cinfo->image_width * cinfo->image_height > max_pixels)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                   "image is %ux%u, over the limit of %" G_GINT64_FORMAT " pixels",
                   cinfo->image_width, cinfo->image_height, max_pixels);
      decoder_free (r);
      return NULL;
    }
  if (cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT,
                   "a CMYK jpeg image is not decoded at a reduced size");
      decoder_free (r);
      return NULL;
    }

  if (denom == 8)
    r->image = decode_dc_only (cinfo);
  if (r->image == NULL)
    {
      cinfo->out_color_space = cinfo->num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
      cinfo->scale_num = 1;
      cinfo->scale_denom = (unsigned int) denom;
      cinfo->dct_method = JDCT_IFAST;
      cinfo->do_fancy_upsampling = FALSE;
      cinfo->do_block_smoothing = FALSE;
      jpeg_start_decompress (cinfo);

      /* zeroed: rows of a file that ends early stay black, never garbage */
      decoder_alloc_rows (r, TRUE);
      while (cinfo->output_scanline < cinfo->output_height)
        if (jpeg_read_scanlines (cinfo, r->rows + cinfo->output_scanline,
                                 cinfo->output_height - cinfo->output_scanline) == 0)
          break;   /* (a memory source never suspends) */
      jpeg_abort_decompress (cinfo);   /* the rest of the file is not needed */
    }

  swap = r->orientation >= 5;
  if (full_width)
    *full_width = (int) (swap ? cinfo->image_height : cinfo->image_width);
  if (full_height)
    *full_height = (int) (swap ? cinfo->image_width : cinfo->image_height);
  image = orient (g_steal_pointer (&r->image), r->orientation);
  decoder_free (r);
  return image;
}
