/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <string.h>

#include "augur-cpu.h"
#include "augur-mirror.h"
#include "augur-simd.h"

/* Mirroring a row of @w pixels, one loop per channel count so that each
 * pixel moves with fixed-size loads and stores, never a call. */
static inline void
mirror_row_1 (guint8       *restrict d,
              const guint8 *restrict s,
              int                    w)
{
  for (int x = 0; x < w; x++)
    d[x] = s[w - 1 - x];
}

/* RGB, portable: inner pixels move as one 4-byte word, the fourth byte
 * landing on the next output pixel, which the next move overwrites. The
 * first and last pixels move byte by byte, so that no access leaves either
 * row. */
static inline void
mirror_row_3 (guint8       *restrict d,
              const guint8 *restrict s,
              int                    w)
{
  int x;

  for (x = 1; x < w - 1; x++)
    {
      guint32 v;

      memcpy (&v, s + (gsize) (w - 1 - x) * 3, 4);
      memcpy (d + (gsize) x * 3, &v, 4);
    }
  for (x = 0; x < w; x += MAX (w - 1, 1))
    {
      const guint8 *p = s + (gsize) (w - 1 - x) * 3;

      d[x * 3 + 0] = p[0];
      d[x * 3 + 1] = p[1];
      d[x * 3 + 2] = p[2];
    }
}

#if defined(AUGUR_CPU_X86_64) && !defined(__clang__)
# define HAVE_MIRROR_SHUFFLE 1

typedef guint8 MirrorVec __attribute__ ((vector_size (16)));

/* RGB with SSSE3 byte shuffles: five pixels (15 bytes) reversed in one
 * 16-byte register per step; the 16th byte stored lands on the next
 * output pixel, which the next step overwrites. Output pixel 0 and the
 * last few move byte by byte, so that no access leaves either row.
 * Baseline x86-64 has no byte shuffle, hence a separate function chosen at
 * run time rather than a target clone. */
__attribute__ ((target ("ssse3"))) static void
mirror_rows_3_ssse3 (guint8       *restrict dst,
                     int                    dst_stride,
                     const guint8 *restrict src,
                     int                    src_stride,
                     int                    w,
                     int                    h)
{
  const MirrorVec reverse5 = { 12, 13, 14, 9, 10, 11, 6, 7, 8, 3, 4, 5, 0, 1, 2, 15 };

  for (int y = 0; y < h; y++)
    {
      guint8 *d = dst + (gsize) y * dst_stride;
      const guint8 *s = src + (gsize) y * src_stride;
      int x = 1;

      for (; x + 6 <= w; x += 5)
        {
          MirrorVec v;

          memcpy (&v, s + (gsize) (w - x - 5) * 3, 16);
          v = __builtin_shuffle (v, reverse5);
          memcpy (d + (gsize) x * 3, &v, 16);
        }
      for (int i = 0; i < w; i = i == 0 ? x : i + 1)
        {
          const guint8 *p = s + (gsize) (w - 1 - i) * 3;

          d[i * 3 + 0] = p[0];
          d[i * 3 + 1] = p[1];
          d[i * 3 + 2] = p[2];
        }
    }
}
#endif

static inline void
mirror_row_4 (guint8       *restrict d,
              const guint8 *restrict s,
              int                    w)
{
  for (int x = 0; x < w; x++)
    {
      guint32 v;

      memcpy (&v, s + (gsize) (w - 1 - x) * 4, 4);
      memcpy (d + (gsize) x * 4, &v, 4);
    }
}

AUGUR_SIMD_CLONES static void
mirror_rows (guint8       *restrict dst,
             int                    dst_stride,
             const guint8 *restrict src,
             int                    src_stride,
             int                    w,
             int                    h,
             int                    nc)
{
  for (int y = 0; y < h; y++)
    {
      guint8 *d = dst + (gsize) y * dst_stride;
      const guint8 *s = src + (gsize) y * src_stride;

      if (nc == 1)
        mirror_row_1 (d, s, w);
      else if (nc == 3)
        mirror_row_3 (d, s, w);
      else
        mirror_row_4 (d, s, w);
    }
}

/**
 * mirror:
 *
 * Writes @h rows of @w pixels of @nc (1, 3 or 4) channels from @src to
 * @dst, each mirrored left to right. The two must not overlap. RGB takes
 * the SSSE3 loop when augur_cpu_has() allows it.
 */
void
mirror (guint8       *dst,
        int           dst_stride,
        const guint8 *src,
        int           src_stride,
        int           w,
        int           h,
        int           nc)
{
  g_return_if_fail (nc == 1 || nc == 3 || nc == 4);

#ifdef HAVE_MIRROR_SHUFFLE
  if (nc == 3 && augur_cpu_has (AUGUR_CPU_SSSE3))
    {
      mirror_rows_3_ssse3 (dst, dst_stride, src, src_stride, w, h);
      return;
    }
#endif
  mirror_rows (dst, dst_stride, src, src_stride, w, h, nc);
}

/* Vertical flips ------------------------------------------------------------------ */

typedef guint8 RowVec __attribute__ ((vector_size (32)));

/* The step after the one at @i through @n bytes (at least 32): 32 bytes
 * on, the last step the 32 bytes that end the run (overlapping the one
 * before it), and @n when the run is done. */
static inline gsize
next_step (gsize i,
           gsize n)
{
  if (i + sizeof (RowVec) >= n)
    return n;
  return MIN (i + sizeof (RowVec), n - sizeof (RowVec));
}

/* Row @s0 to @d1 and row @s1 to @d0, @n bytes each, 32 at a time; a row
 * shorter than that byte by byte. */
static inline void
swap_copy_rows (guint8       *restrict d0,
                guint8       *restrict d1,
                const guint8 *restrict s0,
                const guint8 *restrict s1,
                gsize                  n)
{
  if (n < sizeof (RowVec))
    {
      for (gsize i = 0; i < n; i++)
        {
          guint8 a = s0[i], b = s1[i];

          d1[i] = a;
          d0[i] = b;
        }
      return;
    }
  for (gsize i = 0; i < n; i = next_step (i, n))
    {
      RowVec a, b;

      memcpy (&a, s0 + i, sizeof a);
      memcpy (&b, s1 + i, sizeof b);
      memcpy (d1 + i, &a, sizeof a);
      memcpy (d0 + i, &b, sizeof b);
    }
}

AUGUR_SIMD_CLONES static void
flip_rows (guint8       *restrict dst,
           int                    dst_stride,
           const guint8 *restrict src,
           int                    src_stride,
           gsize                  row,
           int                    h)
{
  /* the rows from both ends at once, top and bottom in one pass; the
   * middle row of an odd height stays where it is */
  for (int y = 0; y < h / 2; y++)
    swap_copy_rows (dst + (gsize) y * dst_stride, dst + (gsize) (h - 1 - y) * dst_stride,
                    src + (gsize) y * src_stride, src + (gsize) (h - 1 - y) * src_stride, row);
  if (h % 2)
    memcpy (dst + (gsize) (h / 2) * dst_stride, src + (gsize) (h / 2) * src_stride, row);
}

/**
 * augur_flip_rows:
 *
 * Writes @h rows of @row bytes from @src to @dst in the opposite order
 * (the last row first): VerticalFlip's pixels. The two must not overlap.
 * The top and the bottom rows move together, as in OpenCV's flip, in
 * 32-byte loads and stores. In interleaved runs of bench/augur-bench (rows
 * of 1.3 to 4 kB, caches cold as between the benchmark's passes), one
 * memcpy() per row took about 1.4 times as long, and so did the same
 * 32-byte loop over one row at a time: the two streams are the gain.
 */
void
augur_flip_rows (guint8       *dst,
                 int           dst_stride,
                 const guint8 *src,
                 int           src_stride,
                 gsize         row,
                 int           h)
{
  flip_rows (dst, dst_stride, src, src_stride, row, h);
}

/* Row copies ---------------------------------------------------------------------- */

/* @n bytes from @s to @d, in the steps of swap_copy_rows(); one stream
 * (pairing rows as the flip does was slower here: a crop of most of a
 * large image took 1.2 times as long). */
static inline void
copy_row (guint8       *restrict d,
          const guint8 *restrict s,
          gsize                  n)
{
  if (n < sizeof (RowVec))
    {
      memcpy (d, s, n);
      return;
    }
  for (gsize i = 0; i < n; i = next_step (i, n))
    {
      RowVec a;

      memcpy (&a, s + i, sizeof a);
      memcpy (d + i, &a, sizeof a);
    }
}

AUGUR_SIMD_CLONES static void
copy_rows (guint8       *restrict dst,
           int                    dst_stride,
           const guint8 *restrict src,
           int                    src_stride,
           gsize                  row,
           int                    h)
{
  for (int y = 0; y < h; y++)
    copy_row (dst + (gsize) y * dst_stride, src + (gsize) y * src_stride, row);
}

/**
 * augur_copy_rows:
 *
 * Copies @h rows of @row bytes from @src to @dst (which must not overlap),
 * in 32-byte loads and stores; a whole image without padding is one row
 * of all its bytes. On the benchmark's machine (an AMD EPYC, glibc 2.36,
 * whose memcpy() moves 2 kB to 1 MB with `rep movsb`), in interleaved
 * runs of bench/augur-bench, this loop copied whole images of 0.4 to 6 MB
 * about 8 % faster than memcpy(), and crops of rows of 2 to 4 kB about a
 * third faster; for rows of 768 bytes memcpy() was the faster, and
 * augur_image_copy() leaves short rows to it.
 */
void
augur_copy_rows (guint8       *dst,
                 int           dst_stride,
                 const guint8 *src,
                 int           src_stride,
                 gsize         row,
                 int           h)
{
  copy_rows (dst, dst_stride, src, src_stride, row, h);
}
