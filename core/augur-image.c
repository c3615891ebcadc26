/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "augur-error.h"
#include "augur-gray.h"
#include "augur-image.h"
#include "augur-image-info.h"
#include "augur-jpeg.h"
#include "augur-mirror.h"
#include "augur-file.h"
#include "augur-simd.h"
#include "augur-strips.h"

/* Every image is allocated as this, the public part first: an image made
 * around memory it does not own (augur_image_new_for_data()) frees it
 * through its owner. */
typedef struct
{
  AugurImage     image;
  GDestroyNotify destroy;
  gpointer       destroy_data;
} AugurImageBox;

/* Recycling large buffers -----------------------------------------------------------

 * A buffer of a few megabytes comes from mmap() and goes back with munmap():
 * every page of a new one is faulted in and cleared by the kernel on first
 * touch. A 24-megapixel draw of five steps allocates five 72 MB images, so
 * that the kernel's part (1.5 million page faults for a grid of nine draws)
 * was a third of the preview's time. With a limit set
 * (augur_image_set_recycle_limit()), freed buffers of at least
 * RECYCLE_MIN_BYTES are kept, up to the limit in bytes and RECYCLE_SLOTS in
 * number, and the next image of exactly the same size takes one instead of
 * new memory. Off (a limit of 0) unless a program asks for it: the batch
 * runner accounts for its memory itself, and does not need it. Measured
 * over the samples, augur-cli apply (default recipe, 4 variants, 1 thread)
 * takes most of its faults in the first draws of each new size, which
 * glibc's heap then serves again; a default limit of 32 MB cut the faults
 * (5640 to 4794) but not the time (CPU ratio 0.99 over 12 paired runs),
 * and a long-running benchmark pass faults no page either way. */

#define RECYCLE_MIN_BYTES ((gsize) 1 << 20)
#define RECYCLE_SLOTS 8

static struct
{
  GMutex   lock;
  gsize    limit;
  gsize    bytes;
  guint    n;
  guint    reused;                 /* buffers handed out again, ever */
  gsize    size[RECYCLE_SLOTS];    /* oldest first */
  gpointer data[RECYCLE_SLOTS];
} recycler;

/* Called with the lock held: drops the oldest kept buffer. */
static void
recycler_drop_oldest_locked (void)
{
  g_free (recycler.data[0]);
  recycler.bytes -= recycler.size[0];
  recycler.n--;
  memmove (recycler.size, recycler.size + 1, recycler.n * sizeof recycler.size[0]);
  memmove (recycler.data, recycler.data + 1, recycler.n * sizeof recycler.data[0]);
}

/**
 * augur_image_set_recycle_limit:
 * @max_bytes: how many bytes of freed large buffers to keep for reuse; 0
 *   (the default) keeps none and frees those kept
 *
 * For a program that makes many images of the same large size one after
 * the other (the previewer's full-resolution draws): their memory is
 * reused instead of being returned to the system and faulted in again.
 */
void
augur_image_set_recycle_limit (gsize max_bytes)
{
  g_mutex_lock (&recycler.lock);
  recycler.limit = max_bytes;
  while (recycler.n > 0 && recycler.bytes > recycler.limit)
    recycler_drop_oldest_locked ();
  g_mutex_unlock (&recycler.lock);
}

/* How many buffers were handed out again since the process began. */
guint
augur_image_get_recycled (void)
{
  guint n;

  g_mutex_lock (&recycler.lock);
  n = recycler.reused;
  g_mutex_unlock (&recycler.lock);
  return n;
}

/* Returns: (nullable): a kept buffer of exactly @size bytes */
static gpointer
recycler_take (gsize size)
{
  gpointer data = NULL;

  if (size < RECYCLE_MIN_BYTES)
    return NULL;
  g_mutex_lock (&recycler.lock);
  for (guint i = recycler.n; i-- > 0;)
    if (recycler.size[i] == size)
      {
        data = recycler.data[i];
        recycler.bytes -= size;
        recycler.n--;
        memmove (recycler.size + i, recycler.size + i + 1, (recycler.n - i) * sizeof recycler.size[0]);
        memmove (recycler.data + i, recycler.data + i + 1, (recycler.n - i) * sizeof recycler.data[0]);
        recycler.reused++;
        break;
      }
  g_mutex_unlock (&recycler.lock);
  return data;
}

/* Keeps @data for reuse, or frees it. */
static void
recycler_give (gpointer data,
               gsize    size)
{
  if (size >= RECYCLE_MIN_BYTES)
    {
      g_mutex_lock (&recycler.lock);
      if (size <= recycler.limit)
        {
          while (recycler.n > 0 && (recycler.n == RECYCLE_SLOTS || recycler.bytes + size > recycler.limit))
            recycler_drop_oldest_locked ();
          recycler.size[recycler.n] = size;
          recycler.data[recycler.n] = data;
          recycler.n++;
          recycler.bytes += size;
          data = NULL;
        }
      g_mutex_unlock (&recycler.lock);
    }
  g_free (data);
}

static void
augur_image_clear (gpointer data)
{
  AugurImageBox *box = data;

  if (box->destroy != NULL)
    box->destroy (box->destroy_data);
  else
    recycler_give (box->image.data, (gsize) box->image.height * (gsize) box->image.stride);
}

/* Large pixel buffers ask for transparent huge pages where the system
 * gives them on request (numpy does the same for arrays of 4 MB and
 * more): a copy or a warp of a large image then walks one page table
 * entry per 2 MB instead of one per 4 kB. Only the whole 2 MB pages
 * inside the buffer are advised. The price is paid once, when such a page
 * is first touched and the kernel clears all of it: a short run pays it
 * (without the advice augur-cli apply over the samples took 4 % less CPU),
 * a long one gains (without it InvertImg, Erasing, CoarseDropout,
 * XYMasking and ResizeLinear took 20 to 35 % more per pass, the warps up
 * to 13 % more). */
#define HUGE_PAGE (2u << 20)

/* But where the kernel's defrag setting is "madvise" (Debian's default),
 * a fault in an advised range compacts memory on the spot when no free
 * huge page is at hand: on a machine whose memory is fragmented, the
 * first touch of 500 MB took 3.5 to 5 s instead of 0.3 s. A program that
 * must answer at once (the previewer) turns the advice off. */
static gint advise_huge_pages = TRUE;

/**
 * augur_image_set_huge_pages:
 * @advise: whether large pixel buffers ask for transparent huge pages (the
 *   default)
 *
 * For an interactive program: without the advice, a large buffer never
 * waits for the kernel to compact memory when it is first touched, at
 * the price of more page-table walks on passes over it.
 */
void
augur_image_set_huge_pages (gboolean advise)
{
  g_atomic_int_set (&advise_huge_pages, advise);
}

static void
huge_pages (gpointer data,
            gsize    len)
{
#ifdef MADV_HUGEPAGE
  guintptr start = ((guintptr) data + HUGE_PAGE - 1) & ~(guintptr) (HUGE_PAGE - 1);
  guintptr end = ((guintptr) data + len) & ~(guintptr) (HUGE_PAGE - 1);

  if (g_atomic_int_get (&advise_huge_pages) && len >= 2 * HUGE_PAGE && end > start)
    madvise ((gpointer) start, end - start, MADV_HUGEPAGE);
#endif
}

static AugurImage *
image_alloc (int      width,
             int      height,
             int      channels,
             gboolean zeroed)
{
  AugurImage *image;

  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (channels == 1 || channels == 3 || channels == 4, NULL);
  /* The stride is an int: a row must fit in one. */
  g_return_val_if_fail (width <= G_MAXINT / channels, NULL);

  image = &g_atomic_rc_box_new0 (AugurImageBox)->image;
  image->width = width;
  image->height = height;
  image->channels = channels;
  image->stride = width * channels;
  image->data = recycler_take ((gsize) height * (gsize) image->stride);
  if (image->data != NULL)
    {
      if (zeroed)
        memset (image->data, 0, (gsize) height * (gsize) image->stride);
    }
  else if (zeroed)
    image->data = g_malloc0_n ((gsize) height, (gsize) image->stride);
  else
    image->data = g_malloc_n ((gsize) height, (gsize) image->stride);
  huge_pages (image->data, (gsize) height * image->stride);

  return image;
}

/* A black (all zero) image. */
AugurImage *
augur_image_new (int width,
                 int height,
                 int channels)
{
  return image_alloc (width, height, channels, TRUE);
}

/**
 * augur_image_new_uninitialized:
 *
 * As augur_image_new(), without clearing the pixels: for a producer that
 * writes every byte of every row itself, so that it does not pay for a
 * pass over memory that it overwrites at once. Reading a byte before it
 * has been written is a bug (valgrind reports it).
 */
AugurImage *
augur_image_new_uninitialized (int width,
                               int height,
                               int channels)
{
  return image_alloc (width, height, channels, FALSE);
}

/**
 * augur_image_new_for_data:
 * @stride: bytes per row, at least @width * @channels
 * @data: the pixels, @height rows @stride bytes apart (the last row may
 *   end after its @width * @channels bytes), which the image takes over:
 *   nothing may write to them any more
 * @destroy: called with @destroy_data when the last reference goes
 *
 * An image around pixels that a codec or a toolkit allocated (a GdkPixbuf,
 * say), so that they need not be copied.
 */
AugurImage *
augur_image_new_for_data (int            width,
                          int            height,
                          int            channels,
                          int            stride,
                          guint8        *data,
                          GDestroyNotify destroy,
                          gpointer       destroy_data)
{
  AugurImageBox *box;

  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (channels == 1 || channels == 3 || channels == 4, NULL);
  g_return_val_if_fail (width <= G_MAXINT / channels && stride >= width * channels, NULL);
  g_return_val_if_fail (data != NULL && destroy != NULL, NULL);

  box = g_atomic_rc_box_new0 (AugurImageBox);
  box->image.width = width;
  box->image.height = height;
  box->image.channels = channels;
  box->image.stride = stride;
  box->image.data = data;
  box->destroy = destroy;
  box->destroy_data = destroy_data;

  return &box->image;
}

AugurImage *
augur_image_new_like (const AugurImage *like)
{
  return augur_image_new (like->width, like->height, like->channels);
}

AugurImage *
augur_image_new_like_uninitialized (const AugurImage *like)
{
  return augur_image_new_uninitialized (like->width, like->height, like->channels);
}

/* Bytes per row from which augur_image_copy() copies strided rows with
 * augur_copy_rows() rather than one memcpy() each. */
#define COPY_ROWS_MIN 2048

AugurImage *
augur_image_copy (const AugurImage *image)
{
  AugurImage *copy = augur_image_new_like_uninitialized (image);
  gsize row = (gsize) image->width * image->channels;

  /* Rows without padding are one block: one call, no per-row overhead.
   * Rows of a few kilobytes or more (a crop of most of a large image) go
   * through the same wide loop; shorter ones are memcpy()'s best case
   * (see augur_copy_rows()). */
  if ((gsize) image->stride == row && (gsize) copy->stride == row)
    augur_copy_rows (copy->data, 0, image->data, 0, row * image->height, 1);
  else if (row >= COPY_ROWS_MIN)
    augur_copy_rows (copy->data, copy->stride, image->data, image->stride, row, image->height);
  else
    for (int y = 0; y < image->height; y++)
      memcpy (augur_image_row (copy, y), augur_image_row (image, y), row);

  return copy;
}

AugurImage *
augur_image_ref (AugurImage *image)
{
  return g_atomic_rc_box_acquire (image);
}

void
augur_image_unref (AugurImage *image)
{
  g_atomic_rc_box_release_full (image, augur_image_clear);
}

gboolean
augur_image_equal (const AugurImage *a,
                   const AugurImage *b)
{
  if (a->width != b->width || a->height != b->height || a->channels != b->channels)
    return FALSE;

  for (int y = 0; y < a->height; y++)
    if (memcmp (augur_image_row (a, y), augur_image_row (b, y), (gsize) a->width * a->channels) != 0)
      return FALSE;

  return TRUE;
}

/* Mean of one channel, or of all channels when @channel is -1. */
double
augur_image_mean (const AugurImage *image,
                  int               channel)
{
  double sum = 0;
  gsize count = 0;

  for (int y = 0; y < image->height; y++)
    {
      const guint8 *row = augur_image_row (image, y);

      for (int x = 0; x < image->width; x++)
        for (int c = 0; c < image->channels; c++)
          if (channel < 0 || c == channel)
            {
              sum += row[x * image->channels + c];
              count++;
            }
    }

  return count ? sum / count : 0;
}

/**
 * augur_image_convert:
 *
 * The image with @channels channels: gray is repeated into RGB, RGB is
 * reduced to luma (BT.601, exactly as ToGray's weighted_average computes
 * it: augur_gray_rows()), alpha is added opaque or dropped.
 */
AugurImage *
augur_image_convert (const AugurImage *image,
                     int               channels)
{
  AugurImage *out;

  g_return_val_if_fail (channels == 1 || channels == 3 || channels == 4, NULL);

  if (image->channels == channels)
    return augur_image_ref ((AugurImage *) image);

  out = augur_image_new_uninitialized (image->width, image->height, channels);

  if (channels == 1)
    {
      augur_gray_rows (out->data, out->stride, image->data, image->stride,
                       image->width, image->height, image->channels);
      return out;
    }

  for (int y = 0; y < image->height; y++)
    {
      const guint8 *s = augur_image_row (image, y);
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < image->width; x++, s += image->channels, d += channels)
        {
          guint8 rgba[4];

          if (image->channels == 1)
            rgba[0] = rgba[1] = rgba[2] = s[0], rgba[3] = 255;
          else
            rgba[0] = s[0], rgba[1] = s[1], rgba[2] = s[2],
            rgba[3] = image->channels == 4 ? s[3] : 255;

          memcpy (d, rgba, channels);
        }
    }

  return out;
}

/* augur_image_scale () cannot fail: its strips run to the end even when
 * the apply around it has been cancelled. */
static void
scale_strips_run (int             n_rows,
                  double          work_per_row,
                  AugurStripFunc  func,
                  gpointer        data)
{
  GCancellable *cancellable = augur_strips_get_cancellable ();
  gboolean done;

  augur_strips_push_cancellable (NULL);
  done = augur_strips_run (n_rows, work_per_row, func, data);
  augur_strips_push_cancellable (cancellable);
  g_assert (done);
}

/* The box filter of augur_image_scale(): each output pixel is the rounded
 * mean of the source pixels its area covers, [x·sx, (x+1)·sx) widened to
 * whole pixels, and likewise in y. The sums are made column by column for
 * each output row, then added along the row, so that a large image brought
 * down for display is read once, in order (a 24-megapixel photograph goes
 * through this at every draw the previewer shows).
 *
 * The column sums go through 16-bit lanes, SHRINK_CHUNK_ROWS rows at a time
 * (255 × 257 = 65535 cannot overflow), which the compiler vectorises, and
 * are then widened into 32-bit ones; output rows are computed in strips
 * (augur_strips_run ()), each with its own sums; each pixel's sum is 32-bit
 * too. shrink_wide () below, the plain 64-bit form, remains for outputs
 * whose pixels cover more than SHRINK_MAX_COUNT source pixels (a
 * 24-megapixel photograph brought down to 1×1). Both give the same bytes. */
#define SHRINK_CHUNK_ROWS 257
#define SHRINK_MAX_COUNT 16843009   /* G_MAXUINT32 / 255: 32-bit sums */

/* Exact division by a reciprocal. For a count d ≤ SHRINK_RECIP_MAX_COUNT
 * and a sum s ≤ 255·d, n = s + ⌊d/2⌋ < 256·d, and with
 * m = ⌈2^40 / d⌉ = (2^40 + e) / d, 0 ≤ e < d:
 *   n·m / 2^40 = n/d + n·e / (d·2^40) = q + (r + n·e / 2^40) / d
 * where n = q·d + r, 0 ≤ r < d. As n·e < 256·d² ≤ 2^40, the bracket is
 * below r + 1 ≤ d, so ⌊n·m / 2^40⌋ = q = ⌊n/d⌋; and n·m < 2^48 + 256·d
 * fits in 64 bits. Larger counts keep the division. */
#define SHRINK_RECIP_SHIFT 40
#define SHRINK_RECIP_MAX_COUNT 65536

typedef struct
{
  const AugurImage *image;
  AugurImage       *out;
  const int        *xs;
  const int        *xe;
  double            sy;
  int               max_cw;     /* the widest output pixel, in source columns */
} Shrink;

/* Rows [ys, ye) of output row y, as in shrink_wide (). */
static void
shrink_rows (const Shrink *s,
             int           y,
             int          *ys,
             int          *ye)
{
  double y0 = y * s->sy, y1 = (y + 1) * s->sy;

  *ys = (int) y0;
  *ye = MAX (*ys + 1, MIN ((int) ceil (y1), s->image->height));
}

/* @acc holds @row (when @first) or adds it. */
AUGUR_SIMD_CLONES static void
add_bytes_u16 (guint16       *restrict acc,
               const guint8  *restrict row,
               int                     n,
               gboolean                first)
{
  if (first)
    for (int i = 0; i < n; i++)
      acc[i] = row[i];
  else
    for (int i = 0; i < n; i++)
      acc[i] += row[i];
}

/* @acc holds @part (when @first) or adds it. */
AUGUR_SIMD_CLONES static void
widen_u16 (guint32        *restrict acc,
           const guint16  *restrict part,
           int                      n,
           gboolean                 first)
{
  if (first)
    for (int i = 0; i < n; i++)
      acc[i] = part[i];
  else
    for (int i = 0; i < n; i++)
      acc[i] += part[i];
}

/* One output row from its column sums; inlined with @nc a constant. */
static inline void
shrink_row (const Shrink   *s,
            const guint32  *cols,
            const guint64  *recip,
            guint64         rows,
            guint8         *d,
            int             nc)
{
  for (int x = 0; x < s->out->width; x++)
    {
      guint32 sum[4] = { 0 };
      int cw = s->xe[x] - s->xs[x];
      guint64 count = (guint64) cw * rows, m = recip[cw];

      for (int xx = s->xs[x]; xx < s->xe[x]; xx++)
        for (int c = 0; c < nc; c++)
          sum[c] += cols[xx * nc + c];
      for (int c = 0; c < nc; c++)
        {
          guint64 n = sum[c] + count / 2;

          d[x * nc + c] = (guint8) (m != 0 ? (n * m) >> SHRINK_RECIP_SHIFT : n / count);
        }
    }
}

static void
shrink_strip (gpointer data,
              int      first,
              int      last)
{
  const Shrink *s = data;
  const AugurImage *image = s->image;
  int nc = image->channels, n = image->width * nc;
  g_autofree guint16 *part = g_new (guint16, n);
  g_autofree guint32 *cols = g_new (guint32, n);
  g_autofree guint64 *recip = g_new0 (guint64, s->max_cw + 1);

  for (int y = first; y < last; y++)
    {
      guint8 *d = augur_image_row (s->out, y);
      int ys, ye;

      shrink_rows (s, y, &ys, &ye);
      for (int y0 = ys; y0 < ye; y0 += SHRINK_CHUNK_ROWS)
        {
          for (int yy = y0; yy < MIN (ye, y0 + SHRINK_CHUNK_ROWS); yy++)
            add_bytes_u16 (part, augur_image_row (image, yy), n, yy == y0);
          widen_u16 (cols, part, n, y0 == ys);
        }

      for (int cw = 1; cw <= s->max_cw; cw++)
        {
          guint64 count = (guint64) cw * (guint64) (ye - ys);

          recip[cw] = count <= SHRINK_RECIP_MAX_COUNT
                      ? (((guint64) 1 << SHRINK_RECIP_SHIFT) + count - 1) / count : 0;
        }

      switch (nc)
        {
        case 1: shrink_row (s, cols, recip, ye - ys, d, 1); break;
        case 3: shrink_row (s, cols, recip, ye - ys, d, 3); break;
        case 4: shrink_row (s, cols, recip, ye - ys, d, 4); break;
        default: shrink_row (s, cols, recip, ye - ys, d, nc); break;
        }
    }
}

/* The box filter in 64-bit sums, on this thread, for outputs whose pixels
 * cover more than SHRINK_MAX_COUNT source pixels. */
static void
shrink_wide (const AugurImage *image,
             AugurImage       *out,
             double            sx,
             double            sy)
{
  int nc = image->channels, w = image->width;
  g_autofree int *xs = g_new (int, out->width);
  g_autofree int *xe = g_new (int, out->width);
  /* 64 bits: a 100-megapixel image shrunk to one pixel sums more than 2^32 */
  g_autofree guint64 *cols = g_new (guint64, (gsize) w * nc);

  for (int x = 0; x < out->width; x++)
    {
      double x0 = x * sx, x1 = (x + 1) * sx;

      xs[x] = (int) x0;
      xe[x] = MAX (xs[x] + 1, MIN ((int) ceil (x1), w));
    }

  for (int y = 0; y < out->height; y++)
    {
      double y0 = y * sy, y1 = (y + 1) * sy;
      int ys = (int) y0, ye = MAX (ys + 1, MIN ((int) ceil (y1), image->height));
      guint8 *d = augur_image_row (out, y);

      memset (cols, 0, (gsize) w * nc * sizeof *cols);
      for (int yy = ys; yy < ye; yy++)
        {
          const guint8 *r = augur_image_row (image, yy);

          for (int i = 0; i < w * nc; i++)
            cols[i] += r[i];
        }

      for (int x = 0; x < out->width; x++)
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
}


static void
shrink (const AugurImage *image,
        AugurImage       *out,
        double            sx,
        double            sy)
{
  g_autofree int *xs = g_new (int, out->width);
  g_autofree int *xe = g_new (int, out->width);
  Shrink s = { image, out, xs, xe, sy, 1 };
  int max_rows = 1;

  for (int x = 0; x < out->width; x++)
    {
      double x0 = x * sx, x1 = (x + 1) * sx;

      xs[x] = (int) x0;
      xe[x] = MAX (xs[x] + 1, MIN ((int) ceil (x1), image->width));
      s.max_cw = MAX (s.max_cw, xe[x] - xs[x]);
    }
  for (int y = 0; y < out->height; y++)
    {
      int ys, ye;

      shrink_rows (&s, y, &ys, &ye);
      max_rows = MAX (max_rows, ye - ys);
    }
  if ((gint64) max_rows * s.max_cw > SHRINK_MAX_COUNT)
    {
      shrink_wide (image, out, sx, sy);
      return;
    }

  scale_strips_run (out->height, (double) max_rows * image->width * image->channels,
                    shrink_strip, &s);
}

/* Bilinear between pixel centres, for augur_image_scale () growing on both
 * axes. The source positions of the columns are the same for every row and
 * are worked out once, by the same expressions, so that each byte is the
 * one the per-pixel form gave. */
typedef struct
{
  const AugurImage *image;
  AugurImage       *out;
  double            sy;
  const int        *xa;         /* the left and right source columns, times channels */
  const int        *xb;
  const double     *ax;         /* the weight of the right one */
} Grow;

static void
grow_strip (gpointer data,
            int      first,
            int      last)
{
  const Grow *g = data;
  const AugurImage *image = g->image;
  int nc = image->channels;

  for (int y = first; y < last; y++)
    {
      guint8 *d = augur_image_row (g->out, y);
      double fy = (y + 0.5) * g->sy - 0.5;
      int iy = (int) floor (fy);
      double ay = fy - iy;
      int ya = CLAMP (iy, 0, image->height - 1), yb = CLAMP (iy + 1, 0, image->height - 1);
      const guint8 *ra = augur_image_row (image, ya), *rb = augur_image_row (image, yb);

      for (int x = 0; x < g->out->width; x++)
        {
          int xa = g->xa[x], xb = g->xb[x];
          double ax = g->ax[x];

          for (int c = 0; c < nc; c++)
            {
              double top = ra[xa + c] * (1 - ax) + ra[xb + c] * ax;
              double bot = rb[xa + c] * (1 - ax) + rb[xb + c] * ax;
              d[x * nc + c] = (guint8) CLAMP (top * (1 - ay) + bot * ay + 0.5, 0, 255);
            }
        }
    }
}

static void
grow (const AugurImage *image,
      AugurImage       *out,
      double            sx,
      double            sy)
{
  int nc = image->channels;
  g_autofree int *xa = g_new (int, out->width);
  g_autofree int *xb = g_new (int, out->width);
  g_autofree double *ax = g_new (double, out->width);
  Grow g = { image, out, sy, xa, xb, ax };

  for (int x = 0; x < out->width; x++)
    {
      double fx = (x + 0.5) * sx - 0.5;
      int ix = (int) floor (fx);

      ax[x] = fx - ix;
      xa[x] = CLAMP (ix, 0, image->width - 1) * nc;
      xb[x] = CLAMP (ix + 1, 0, image->width - 1) * nc;
    }
  scale_strips_run (out->height, (double) out->width * nc * 4, grow_strip, &g);
}

/**
 * augur_image_scale:
 *
 * A box-filtered (when shrinking) or bilinear (when growing) resize, for
 * thumbnails, proxies and contact sheets. Transforms use augur_resize(),
 * which offers every interpolation.
 */
AugurImage *
augur_image_scale (const AugurImage *image,
                   int               width,
                   int               height)
{
  AugurImage *out;
  double sx, sy;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  out = augur_image_new (width, height, image->channels);
  sx = (double) image->width / width;
  sy = (double) image->height / height;

  /* Shrinking on either axis: the mean of the covered source pixels;
   * growing on both: bilinear. */
  if (!(sx <= 1.0 && sy <= 1.0))
    shrink (image, out, sx, sy);
  else
    grow (image, out, sx, sy);

  return out;
}

/**
 * augur_image_fit:
 *
 * For previews and thumbnails: @image brought down with augur_image_scale()
 * so that its longest side is at most @max_side, keeping its aspect ratio
 * (each side rounded, at least one pixel). An image that already fits, or
 * a @max_side of 0 or less, is returned as it is.
 *
 * Returns: (transfer full): the scaled image, or a new reference to @image
 */
AugurImage *
augur_image_fit (const AugurImage *image,
                 int               max_side)
{
  int side;
  double s;

  g_return_val_if_fail (image != NULL, NULL);

  side = MAX (image->width, image->height);
  if (max_side <= 0 || side <= max_side)
    return augur_image_ref ((AugurImage *) image);

  s = (double) max_side / side;
  return augur_image_scale (image,
                            MAX (1, (int) lround (image->width * s)),
                            MAX (1, (int) lround (image->height * s)));
}

/* Loading: untrusted input ------------------------------------------------- */

/**
 * augur_image_sniff:
 *
 * Names the format of @bytes by its magic bytes, among the five Augur
 * accepts; NULL for anything else. The name is the GdkPixbuf loader's.
 */
const char *
augur_image_sniff (const guint8 *b,
                   gsize         len)
{
  if (len >= 8 && memcmp (b, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "png";
  if (len >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
    return "jpeg";
  if (len >= 12 && memcmp (b, "RIFF", 4) == 0 && memcmp (b + 8, "WEBP", 4) == 0)
    return "webp";
  if (len >= 4 && (memcmp (b, "II*\0", 4) == 0 || memcmp (b, "MM\0*", 4) == 0))
    return "tiff";
  if (len >= 14 && b[0] == 'B' && b[1] == 'M')
    return "bmp";
  return NULL;
}

typedef struct
{
  gint64   max_pixels;
  int      expected_width;   /* from Augur's reading of the header */
  int      expected_height;
  int      width;
  int      height;
  gboolean too_large;
  guint8  *rows_seen;   /* one flag per row of the decoded image */
  int      n_rows;
  int      reduce;      /* > 1: a JPEG decoded at 1/reduce of its size */
  int      oriented_width;   /* the full image's size, EXIF orientation applied */
  int      oriented_height;
} SizeCheck;

/* The loader has allocated its image and not decoded a row yet. GdkPixbuf
 * does not clear that memory, so rows a damaged file never reaches would
 * hold whatever was there: clear it, so that the result of any file is
 * deterministic, and start counting the rows decoded. */
static void
on_area_prepared (GdkPixbufLoader *loader,
                  gpointer         user_data)
{
  SizeCheck *check = user_data;
  GdkPixbuf *pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  guint8 *pixels;

  if (pixbuf == NULL)
    return;
  /* gdk_pixbuf_get_pixels_with_length() gives a 32-bit length, which wraps
   * for an image of 4 GiB or more: the byte length is a gsize. */
  pixels = gdk_pixbuf_get_pixels (pixbuf);
  memset (pixels, 0, gdk_pixbuf_get_byte_length (pixbuf));

  g_clear_pointer (&check->rows_seen, g_free);
  check->n_rows = gdk_pixbuf_get_height (pixbuf);
  check->rows_seen = g_malloc0 ((gsize) check->n_rows);
}

static void
on_area_updated (GdkPixbufLoader *loader,
                 int              x,
                 int              y,
                 int              width,
                 int              height,
                 gpointer         user_data)
{
  SizeCheck *check = user_data;

  if (check->rows_seen == NULL)
    return;
  for (int row = MAX (y, 0); row < y + height && row < check->n_rows; row++)
    check->rows_seen[row] = 1;
}

static gboolean
all_rows_seen (const SizeCheck *check)
{
  if (check->rows_seen == NULL)
    return FALSE;
  return memchr (check->rows_seen, 0, (gsize) check->n_rows) == NULL;
}

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  SizeCheck *check = user_data;

  check->width = width;
  check->height = height;

  /* The decoder must see the size Augur checked; if it reads another,
   * it is stopped the same way. */
  if (width <= 0 || height <= 0 || (gint64) width * height > check->max_pixels ||
      width != check->expected_width || height != check->expected_height)
    {
      /* A size of 0 stops the loader before it allocates the image, the
       * same way gdk_pixbuf_get_file_info() reads only the header. */
      check->too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
    }
  else if (check->reduce > 1)
    /* The JPEG loader then has libjpeg scale by 1/reduce in its inverse
     * DCT, which gives exactly these sizes: nothing is resampled after. */
    gdk_pixbuf_loader_set_size (loader, (width + check->reduce - 1) / check->reduce,
                                (height + check->reduce - 1) / check->reduce);
}

static gboolean
alpha_is_opaque (GdkPixbuf *pixbuf)
{
  int w = gdk_pixbuf_get_width (pixbuf);
  int h = gdk_pixbuf_get_height (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (pixels[(gsize) y * rowstride + x * 4 + 3] != 255)
        return FALSE;
  return TRUE;
}

/* @gray: the file is gray (GdkPixbuf expanded it to RGB); @opaque_to_rgb:
 * the loader adds alpha to every image (TIFF), so an all-opaque alpha is
 * dropped. */
static AugurImage *
image_from_pixbuf (GdkPixbuf *pixbuf,
                   gboolean   gray,
                   gboolean   opaque_to_rgb)
{
  int w = gdk_pixbuf_get_width (pixbuf);
  int h = gdk_pixbuf_get_height (pixbuf);
  int nc = gdk_pixbuf_get_n_channels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int channels = gray && nc == 3 ? 1 : nc;
  AugurImage *image;

  if (nc == 4 && opaque_to_rgb && alpha_is_opaque (pixbuf))
    channels = 3;
  image = augur_image_new_uninitialized (w, h, channels);

  for (int y = 0; y < h; y++)
    {
      const guint8 *s = pixels + (gsize) y * rowstride;
      guint8 *d = augur_image_row (image, y);

      if (channels == 1)
        for (int x = 0; x < w; x++)
          d[x] = s[x * 3];
      else if (channels == nc)
        memcpy (d, s, (gsize) w * nc);
      else
        for (int x = 0; x < w; x++)
          memcpy (d + x * 3, s + x * 4, 3);
    }

  return image;
}

static AugurImage *
decode (GBytes     *bytes,
        SizeCheck  *check,
        GError    **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  const gsize chunk = check->reduce > 1 ? MAX (len, 1) : 64 * 1024;
  AugurImageInfo info;
  const char *format;
  GdkPixbuf *pixbuf;

  /* Augur's own reading of the header comes first: nothing is allocated
   * for an image over the limit, whatever a decoder would do (the WebP
   * loader ignores gdk_pixbuf_loader_set_size (0, 0) and allocates the
   * whole canvas that a 31-byte file claims). */
  if (!augur_image_info_read (data, len, &info, error))
    return NULL;
  format = info.format;
  if (info.width <= 0 || info.height <= 0)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT,
                   "%s header gives an empty size (%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ")",
                   format, info.width, info.height);
      return NULL;
    }
  /* Both sides are below 2^32: the division keeps the product exact. */
  if (info.width > G_MAXINT || info.height > G_MAXINT || info.width > check->max_pixels / info.height)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                   "image is %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ", over the limit of %" G_GINT64_FORMAT " pixels",
                   info.width, info.height, check->max_pixels);
      return NULL;
    }
  if (info.frames > 1)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT,
                   "%s with %u %s: Augur reads still images only, and would silently keep the first",
                   g_str_equal (format, "tiff") ? "a TIFF" : g_str_equal (format, "png") ? "an animated PNG" : "an animated WebP",
                   info.frames, g_str_equal (format, "tiff") ? "pages" : "frames");
      return NULL;
    }
  if (!augur_image_info_complete (&info, data, len))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT,
                   "truncated %s image: the data end before the image does", format);
      return NULL;
    }
  if (check->reduce > 1 && !g_str_equal (format, "jpeg"))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT,
                   "only a JPEG can be decoded at a reduced size, not a %s image", format);
      return NULL;
    }
  check->expected_width = (int) info.width;
  check->expected_height = (int) info.height;
  /* A whole JPEG: libjpeg decodes it once, finding damaged data as it
   * goes; what it leaves (CMYK) is checked, then decoded by GdkPixbuf.
   * (a reduced decode is a preview: the full one checks the data) */
  if (g_str_equal (format, "jpeg") && check->reduce <= 1)
    {
      g_autoptr(GError) local_error = NULL;
      AugurImage *image = augur_jpeg_decode (data, len, check->expected_width, check->expected_height,
                                             &check->oriented_width, &check->oriented_height,
                                             &local_error);

      if (image != NULL)
        return image;
      if (!g_error_matches (local_error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (!augur_jpeg_check_data (data, len, error))
        return NULL;
    }

  /* Only the loader of the sniffed format ever sees the bytes. */
  loader = gdk_pixbuf_loader_new_with_type (format, error);
  if (loader == NULL)
    {
      g_prefix_error (error, "no decoder for %s: ", format);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), check);
  g_signal_connect (loader, "area-prepared", G_CALLBACK (on_area_prepared), check);
  g_signal_connect (loader, "area-updated", G_CALLBACK (on_area_updated), check);

  for (gsize off = 0; off < len && !check->too_large; off += chunk)
    {
      g_autoptr(GError) local_error = NULL;

      if (!gdk_pixbuf_loader_write (loader, data + off, MIN (chunk, len - off), &local_error))
        {
          if (check->too_large)
            break;
          gdk_pixbuf_loader_close (loader, NULL);
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT,
                       "corrupt %s image: %s", format, local_error->message);
          return NULL;
        }
    }

  {
    g_autoptr(GError) local_error = NULL;

    /* Some loaders (TIFF) read the header only when closed, so the size
     * check can fire here too; it wins over the loader's own error. */
    if (!gdk_pixbuf_loader_close (loader, &local_error) && !check->too_large)
      {
        g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT,
                     "corrupt or truncated %s image: %s", format, local_error->message);
        return NULL;
      }
  }

  if (check->too_large)
    {
      if (check->width != check->expected_width || check->height != check->expected_height)
        g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT,
                     "corrupt %s image: the decoder reads %dx%d where the header says %dx%d", format,
                     check->width, check->height, check->expected_width, check->expected_height);
      else
        g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                     "image is %dx%d, %" G_GINT64_FORMAT " pixels, over the limit of %" G_GINT64_FORMAT,
                     check->width, check->height, (gint64) check->width * check->height, check->max_pixels);
      return NULL;
    }

  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  /* PNG and JPEG loaders report every decoded row (others report the
   * whole image at once): a row never reported was never decoded, as when
   * a PNG's data stream ends early but the file is well formed. */
  if (pixbuf != NULL &&
      (g_str_equal (format, "png") || g_str_equal (format, "jpeg")) && !all_rows_seen (check))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT,
                   "truncated %s image: the data end before the image does", format);
      return NULL;
    }
  if (pixbuf == NULL)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT,
                   "corrupt or truncated %s image: no pixels decoded", format);
      return NULL;
    }

  {
    g_autoptr(GdkPixbuf) oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);
    /* a quarter turn swaps the sides (a square looks the same either way) */
    gboolean turned = gdk_pixbuf_get_width (oriented) != gdk_pixbuf_get_width (pixbuf);

    check->oriented_width = turned ? check->expected_height : check->expected_width;
    check->oriented_height = turned ? check->expected_width : check->expected_height;

    /* TIFF gets alpha from the loader always, a CMYK JPEG too (JPEG has
     * none): dropped when opaque. */
    return image_from_pixbuf (oriented, info.gray,
                              g_str_equal (format, "tiff") || g_str_equal (format, "jpeg"));
  }
}

/**
 * augur_image_load_bytes:
 * @bytes: the contents of an image file, untrusted
 * @max_pixels: the most pixels (width x height) accepted, or 0 for
 *   %AUGUR_DEFAULT_MAX_PIXELS
 *
 * Decodes a PNG, JPEG, WebP, TIFF or BMP image, chosen by its first bytes
 * (never by a file name), applying its EXIF orientation. A gray file gives
 * a 1-channel image, an image with alpha 4 channels, anything else 3.
 *
 * Errors: %AUGUR_ERROR_UNSUPPORTED_FORMAT for any other format,
 * %AUGUR_ERROR_TOO_LARGE when the header declares more than @max_pixels
 * (checked before the image is allocated), %AUGUR_ERROR_CORRUPT for an
 * empty, damaged or truncated file.
 */
AugurImage *
augur_image_load_bytes (GBytes  *bytes,
                        gint64   max_pixels,
                        GError **error)
{
  SizeCheck check = { max_pixels > 0 ? max_pixels : AUGUR_DEFAULT_MAX_PIXELS, 0, 0, 0, 0, FALSE, NULL, 0, 1, 0, 0 };
  AugurImage *image;

  g_return_val_if_fail (bytes != NULL, NULL);

  image = decode (bytes, &check, error);
  g_free (check.rows_seen);
  return image;
}

/* The most bytes an image file of @max_pixels may take: 16 bytes a pixel
 * covers every accepted format, uncompressed 16-bit RGBA TIFF included. */
static gsize
file_size_limit (gint64 max_pixels)
{
  gint64 pixels = max_pixels > 0 ? max_pixels : AUGUR_DEFAULT_MAX_PIXELS;

  return (gsize) MIN (pixels, (G_MAXSSIZE - (1 << 20)) / 16) * 16 + (1 << 20);
}

/* Reads a regular file into memory. Not mapped: a file truncated while
 * mapped (a dataset being synced) would kill the process with SIGBUS, and
 * a FIFO or device would block or never end. */
static GBytes *
read_image_file (const char  *path,
                 gsize        limit,
                 GError     **error)
{
  g_autofree guint8 *data = NULL;
  struct stat st;
  gsize size, got = 0;
  int fd, saved_errno;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: %s", path, g_strerror (saved_errno));
      close (fd);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_FILE_ERROR, S_ISDIR (st.st_mode) ? G_FILE_ERROR_ISDIR : G_FILE_ERROR_INVAL,
                   "%s: %s", path, S_ISDIR (st.st_mode) ? "a folder, not an image file" : "not a regular file");
      close (fd);
      return NULL;
    }
  if ((guint64) st.st_size > limit)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                   "%s: %" G_GINT64_FORMAT " bytes, more than any image under the pixel limit takes",
                   path, (gint64) st.st_size);
      close (fd);
      return NULL;
    }

  size = (gsize) st.st_size;
  data = g_malloc (size + 1);
  while (got < size)
    {
      gssize n = read (fd, data + got, size - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved_errno = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       "%s: %s", path, g_strerror (saved_errno));
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;   /* shrank while being read: decode what is there */
      got += (gsize) n;
    }
  close (fd);

  return g_bytes_new_take (g_steal_pointer (&data), got);
}

/**
 * augur_image_read_file:
 * @path: a regular file
 *
 * The bytes of @path, refused before they are read when the file is larger
 * than any image within @max_pixels could be, for a caller that reads the
 * header (augur_image_info_read()) before it decodes
 * (augur_image_load_bytes()).
 */
GBytes *
augur_image_read_file (const char  *path,
                       gint64       max_pixels,
                       GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return read_image_file (path, file_size_limit (max_pixels), error);
}

/**
 * augur_image_load:
 * @path: a regular file
 *
 * As augur_image_load_bytes(), for a file; messages start with @path.
 * A file larger than any image within @max_pixels could be is refused
 * before it is read (%AUGUR_ERROR_TOO_LARGE); a missing or unreadable file
 * is a %G_FILE_ERROR.
 */
AugurImage *
augur_image_load (const char  *path,
                  gint64       max_pixels,
                  GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  AugurImage *image;

  g_return_val_if_fail (path != NULL, NULL);

  bytes = read_image_file (path, file_size_limit (max_pixels), error);
  if (bytes == NULL)
    return NULL;

  image = augur_image_load_bytes (bytes, max_pixels, error);
  if (image == NULL)
    g_prefix_error (error, "%s: ", path);

  return image;
}

/**
 * augur_image_load_reduced:
 * @min_side: the reduced image's longest side is at least this
 * @min_pixels: a smaller image is refused before it is decoded (its whole
 *   decode is quick enough)
 * @full_width: (out): @full_height: (out): the size augur_image_load()
 *   gives the same file
 *
 * A JPEG file decoded at 1/2, 1/4 or 1/8 of its size (the smallest of
 * these whose longest side is still @min_side or more), with its EXIF
 * orientation applied: libjpeg scales in its inverse DCT, so that this
 * costs a fraction of the whole decode. For a preview shown while the whole
 * image decodes: the header is read and checked against @max_pixels as
 * augur_image_load() does, but damaged data are left for the whole decode
 * to find. Errors: %AUGUR_ERROR_UNSUPPORTED_FORMAT for a file that is not
 * a JPEG, under @min_pixels or too small to be reduced, and those of
 * augur_image_load().
 *
 * Returns: (transfer full) (nullable): the reduced image
 */
AugurImage *
augur_image_load_reduced (const char  *path,
                          gint64       max_pixels,
                          int          min_side,
                          gint64       min_pixels,
                          int         *full_width,
                          int         *full_height,
                          GError     **error)
{
  SizeCheck check = { max_pixels > 0 ? max_pixels : AUGUR_DEFAULT_MAX_PIXELS, 0, 0, 0, 0, FALSE, NULL, 0, 1, 0, 0 };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  AugurImageInfo info;
  const guint8 *data;
  gsize len;
  gint64 side;
  AugurImage *image;

  g_return_val_if_fail (path != NULL && min_side > 0, NULL);

  /* a JPEG starts FF D8 FF: anything else is refused before it is read */
  {
    guint8 magic[3] = { 0 };
    int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
    gssize got = fd >= 0 ? read (fd, magic, sizeof magic) : -1;

    if (fd >= 0)
      close (fd);
    if (got == (gssize) sizeof magic && (magic[0] != 0xff || magic[1] != 0xd8 || magic[2] != 0xff))
      {
        g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT,
                     "%s: only a JPEG can be decoded at a reduced size", path);
        return NULL;
      }
  }

  bytes = read_image_file (path, file_size_limit (max_pixels), error);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  if (!augur_image_info_read (data, len, &info, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  side = MAX (info.width, info.height);
  for (int d = 8; d > 1 && check.reduce == 1; d /= 2)
    if ((side + d - 1) / d >= min_side)
      check.reduce = d;
  if (check.reduce == 1 || info.width * info.height < min_pixels)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT,
                   "%s: too small to be decoded at a reduced size", path);
      return NULL;
    }
  if (!augur_image_info_complete (&info, data, len))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT,
                   "%s: truncated jpeg image: the data end before the image does", path);
      return NULL;
    }

  /* libjpeg directly, at its fastest; GdkPixbuf's loader for CMYK */
  image = augur_jpeg_decode_reduced (data, len, check.reduce, check.max_pixels,
                                     full_width, full_height, &local_error);
  if (image != NULL || !g_error_matches (local_error, AUGUR_ERROR, AUGUR_ERROR_UNSUPPORTED_FORMAT))
    {
      if (image == NULL)
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
      return image;
    }

  image = decode (bytes, &check, error);
  g_free (check.rows_seen);
  if (image == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  if (full_width)
    *full_width = check.oriented_width;
  if (full_height)
    *full_height = check.oriented_height;
  return image;
}

/* Saving ------------------------------------------------------------------- */

static const struct
{
  const char *name;
  const char *extension;
  const char *pixbuf_type;
} formats[] = {
  [AUGUR_IMAGE_FORMAT_PNG]  = { "png",  "png",  "png" },
  [AUGUR_IMAGE_FORMAT_JPEG] = { "jpeg", "jpg",  "jpeg" },
  [AUGUR_IMAGE_FORMAT_WEBP] = { "webp", "webp", "webp" },
};

gboolean
augur_image_format_from_string (const char       *name,
                                AugurImageFormat *format)
{
  g_return_val_if_fail (name != NULL && format != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strcasecmp (name, formats[i].name) == 0 ||
        g_ascii_strcasecmp (name, formats[i].extension) == 0)
      {
        *format = i;
        return TRUE;
      }
  return FALSE;
}

const char *
augur_image_format_extension (AugurImageFormat format)
{
  g_return_val_if_fail ((guint) format < G_N_ELEMENTS (formats), NULL);
  return formats[format].extension;
}

gboolean
augur_image_format_available (AugurImageFormat format)
{
  g_autoptr(GSList) list = NULL;

  g_return_val_if_fail ((guint) format < G_N_ELEMENTS (formats), FALSE);

  list = gdk_pixbuf_get_formats ();
  for (GSList *l = list; l; l = l->next)
    {
      GdkPixbufFormat *f = l->data;
      g_autofree char *name = gdk_pixbuf_format_get_name (f);

      if (g_str_equal (name, formats[format].pixbuf_type))
        return gdk_pixbuf_format_is_writable (f);
    }
  return FALSE;
}

GBytes *
augur_image_encode (const AugurImage  *image,
                    AugurImageFormat   format,
                    int                quality,
                    GError           **error)
{
  g_autoptr(AugurImage) rgb = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *quality_str = NULL;
  char *buffer = NULL;
  gsize size = 0;
  gboolean ok;

  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail ((guint) format < G_N_ELEMENTS (formats), NULL);

  /* GdkPixbuf writes RGB and RGBA only; JPEG has no alpha. */
  if (image->channels == 1 || (image->channels == 4 && format == AUGUR_IMAGE_FORMAT_JPEG))
    rgb = augur_image_convert (image, 3);
  else
    rgb = augur_image_ref ((AugurImage *) image);

  pixbuf = gdk_pixbuf_new_from_data (rgb->data, GDK_COLORSPACE_RGB, rgb->channels == 4, 8,
                                     rgb->width, rgb->height, rgb->stride, NULL, NULL);
  quality_str = g_strdup_printf ("%d", CLAMP (quality, 1, 100));

  switch (format)
    {
    case AUGUR_IMAGE_FORMAT_PNG:
      ok = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", error,
                                      "compression", "6", NULL);
      break;
    case AUGUR_IMAGE_FORMAT_JPEG:
      ok = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", error,
                                      "quality", quality_str, NULL);
      break;
    case AUGUR_IMAGE_FORMAT_WEBP:
      ok = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "webp", error,
                                      "quality", quality_str, NULL);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    {
      g_prefix_error (error, "could not encode %s: ", formats[format].name);
      return NULL;
    }

  return g_bytes_new_take (buffer, size);
}

/* Written under a temporary name and renamed, so a crash never leaves half a file. */
gboolean
augur_image_save (const AugurImage  *image,
                  const char        *path,
                  AugurImageFormat   format,
                  int                quality,
                  GError           **error)
{
  g_autoptr(GBytes) bytes = augur_image_encode (image, format, quality, error);
  gsize len;
  const char *data;

  if (bytes == NULL)
    return FALSE;

  data = g_bytes_get_data (bytes, &len);
  return augur_file_write_atomic (path, data, len, error);
}
