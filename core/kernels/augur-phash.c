/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-phash"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augur-phash.h"
#include "augur-simd.h"

/* The hash (after the DCT hash of the pHash library, Zauner 2010): the
 * luma averaged down to 32 x 32 cells, its 2-D DCT-II, the 8 x 8 block of
 * lowest frequencies, each coefficient compared with the block's median.
 *
 * Averaging over cells makes it blind to the size and to re-encoding; the
 * low frequencies change little under a small crop; a brightness change
 * moves only the DC coefficient (as long as few pixels clip).
 *
 * Orientations: mirroring x (x -> 31 - x) multiplies the DCT coefficient of
 * horizontal frequency u by (-1)^u, mirroring y the one of vertical
 * frequency v by (-1)^v, and swapping x and y swaps u and v. So the blocks
 * of all 8 flips and quarter turns of the image come from the one DCT, and
 * the hash keeps all 8. Two images are compared in the orientation that
 * brings them closest. Reducing the 8 to one canonical hash (say the
 * smallest) would be cheaper to index, but which one is smallest can change
 * with a single bit: a re-encoded copy would then be compared in another
 * orientation and look unrelated.
 *
 * A 64-bit hash compared in 8 orientations and 16 windows meets chance
 * neighbours among thousands of images (in measurements, about one
 * distinct pair in 20,000 within 8 bits). The detail signature, the signs
 * of the 16 x 16 lowest frequencies of the whole image and of each window,
 * confirms a pair with 255 more bits. */

#define CELLS 32
#define BLOCK 8
#define DETAIL 16  /* the frequencies of the detail signature */
#define GRID  320   /* the luma grid windows are cut from: 10 units per cell */

static double dct_table[DETAIL][CELLS];

static gpointer
init_dct_table (gpointer data)
{
  for (int u = 0; u < DETAIL; u++)
    for (int x = 0; x < CELLS; x++)
      dct_table[u][x] = cos (G_PI * (2 * x + 1) * u / (2.0 * CELLS)) *
                        sqrt ((u == 0 ? 1.0 : 2.0) / CELLS);
  return NULL;
}

/* The windows, in grid units (x, y, width, height): the whole image, then
 * the 9 windows of 90 % x 90 % at the corners, edge middles and centre,
 * then 90 % of the width at full height and full width at 90 % height, at
 * either end and in the middle. On a grid of 320 every window is a whole
 * number of units per cell (9 or 10). */
static const int windows[AUGUR_PHASH_WINDOWS][4] = {
  { 0, 0, 320, 320 },
  { 0, 0, 288, 288 }, { 16, 0, 288, 288 }, { 32, 0, 288, 288 },
  { 0, 16, 288, 288 }, { 16, 16, 288, 288 }, { 32, 16, 288, 288 },
  { 0, 32, 288, 288 }, { 16, 32, 288, 288 }, { 32, 32, 288, 288 },
  { 0, 0, 288, 320 }, { 16, 0, 288, 320 }, { 32, 0, 288, 320 },
  { 0, 0, 320, 288 }, { 0, 16, 320, 288 }, { 0, 32, 320, 288 },
};

/* The luma (BT.601 weights, as augur_image_convert) averaged over GRID x
 * GRID units, as a summed-area table of (GRID + 1)^2 entries; an image
 * smaller than the grid repeats pixels into several units. */
static double *
luma_table (const AugurImage *image)
{
  double *table = g_new0 (double, (GRID + 1) * (GRID + 1));
  g_autofree double *row_sums = g_new0 (double, GRID);
  int x0[GRID + 1];

  for (int i = 0; i <= GRID; i++)
    x0[i] = (int) ((gint64) i * image->width / GRID);

  for (int gy = 0; gy < GRID; gy++)
    {
      int ya = (int) ((gint64) gy * image->height / GRID);
      int yb = MAX ((int) ((gint64) (gy + 1) * image->height / GRID), ya + 1);
      double *out = table + (gsize) (gy + 1) * (GRID + 1);
      const double *above = out - (GRID + 1);
      double run = 0;

      memset (row_sums, 0, sizeof (double) * GRID);
      for (int y = ya; y < yb; y++)
        {
          const guint8 *row = augur_image_row (image, MIN (y, image->height - 1));

          for (int gx = 0; gx < GRID; gx++)
            {
              int xa = x0[gx], xb = MAX (x0[gx + 1], xa + 1);
              guint sum = 0;

              for (int x = xa; x < xb; x++)
                {
                  const guint8 *p = row + (gsize) MIN (x, image->width - 1) * image->channels;

                  if (image->channels >= 3)
                    sum += (299u * p[0] + 587u * p[1] + 114u * p[2] + 500u) / 1000u;
                  else
                    sum += p[0];
                }
              row_sums[gx] += sum / (double) (xb - xa);
            }
        }
      for (int gx = 0; gx < GRID; gx++)
        {
          run += row_sums[gx] / (yb - ya);
          out[gx + 1] = above[gx + 1] + run;
        }
    }
  return table;
}

/* The DETAIL x DETAIL lowest DCT frequencies ([v][u]) of a window's
 * 32 x 32 cells. */
static void
window_block (const double *table,
              const int     window[4],
              double        block[DETAIL][DETAIL])
{
  int cw = window[2] / CELLS, ch = window[3] / CELLS;
  double rows[CELLS][DETAIL];   /* each row of cells' DCT along x */

  for (int cy = 0; cy < CELLS; cy++)
    {
      const double *top = table + (gsize) (window[1] + cy * ch) * (GRID + 1) + window[0];
      const double *bottom = top + (gsize) ch * (GRID + 1);
      double cells[CELLS];

      for (int cx = 0; cx < CELLS; cx++)
        cells[cx] = bottom[(cx + 1) * cw] - bottom[cx * cw] - top[(cx + 1) * cw] + top[cx * cw];
      for (int u = 0; u < DETAIL; u++)
        {
          double s = 0;

          for (int cx = 0; cx < CELLS; cx++)
            s += cells[cx] * dct_table[u][cx];
          rows[cy][u] = s;
        }
    }
  for (int v = 0; v < DETAIL; v++)
    for (int u = 0; u < DETAIL; u++)
      {
        double s = 0;

        for (int cy = 0; cy < CELLS; cy++)
          s += rows[cy][u] * dct_table[v][cy];
        block[v][u] = s / (cw * ch);
      }
}

/* The detail signature: bit v * 16 + u of word (v * 16 + u) / 64 is the
 * sign of coefficient (u, v), DC left out. A sign, unlike a comparison
 * with the median, turns with the image: see orient_detail(). */
static void
detail_bits (const double  block[DETAIL][DETAIL],
             guint64       detail[AUGUR_PHASH_DETAIL_WORDS])
{
  memset (detail, 0, sizeof (guint64) * AUGUR_PHASH_DETAIL_WORDS);
  for (int v = 0; v < DETAIL; v++)
    for (int u = 0; u < DETAIL; u++)
      if ((u || v) && block[v][u] > 0)
        detail[(v * DETAIL + u) / 64] |= G_GUINT64_CONSTANT (1) << ((v * DETAIL + u) % 64);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Bit v * 8 + u is set when coefficient (u, v) is above the median of the
 * 63 others than DC; bit 0 (DC) stays clear: it carries the brightness. */
static guint64
block_bits (const double block[DETAIL][DETAIL])
{
  double sorted[BLOCK * BLOCK - 1];
  double median;
  guint64 bits = 0;

  for (int i = 1; i < BLOCK * BLOCK; i++)
    sorted[i - 1] = block[i / BLOCK][i % BLOCK];
  qsort (sorted, G_N_ELEMENTS (sorted), sizeof (double), compare_doubles);
  median = sorted[G_N_ELEMENTS (sorted) / 2];

  for (int v = 0; v < BLOCK; v++)
    for (int u = 0; u < BLOCK; u++)
      if ((u || v) && block[v][u] > median)
        bits |= G_GUINT64_CONSTANT (1) << (v * BLOCK + u);
  return bits;
}

/**
 * augur_phash_compute:
 *
 * The perceptual hash of @image: the whole image in its 8 orientations
 * (orientation o is the image transposed when o & 4, then mirrored
 * left-right when o & 1 and top-bottom when o & 2; @hash->bits[0] is the
 * image as it is), and each of the windows a crop of a tenth may have
 * kept, in the image's own orientation.
 */
void
augur_phash_compute (const AugurImage *image,
                     AugurPhash       *hash)
{
  static GOnce once = G_ONCE_INIT;
  g_autofree double *table = NULL;
  double block[DETAIL][DETAIL];  /* [v][u] */

  g_return_if_fail (image != NULL && hash != NULL);
  g_return_if_fail (image->width > 0 && image->height > 0);

  g_once (&once, init_dct_table, NULL);
  table = luma_table (image);

  for (guint w = 1; w < AUGUR_PHASH_WINDOWS; w++)
    {
      window_block (table, windows[w], block);
      hash->windows[w - 1] = block_bits (block);
      detail_bits (block, hash->detail[w]);
    }

  window_block (table, windows[0], block);
  detail_bits (block, hash->detail[0]);
  for (guint o = 0; o < AUGUR_PHASH_ORIENTATIONS; o++)
    {
      double oriented[DETAIL][DETAIL];

      for (int v = 0; v < BLOCK; v++)
        for (int u = 0; u < BLOCK; u++)
          {
            double c = (o & 4) ? block[u][v] : block[v][u];

            if ((o & 1) && (u & 1))
              c = -c;
            if ((o & 2) && (v & 1))
              c = -c;
            oriented[v][u] = c;
          }
      hash->bits[o] = block_bits (oriented);
    }
}

/* The distance of @a, in any orientation, to the whole of @b or to one of
 * its windows: small when @a is @b, or a crop of it, flipped or turned. */
static guint
one_way (const AugurPhash *a,
         const AugurPhash *b)
{
  guint best = 64;

  for (guint o = 0; o < AUGUR_PHASH_ORIENTATIONS; o++)
    {
      best = MIN (best, augur_hamming (a->bits[o], b->bits[0]));
      for (guint w = 0; w < AUGUR_PHASH_WINDOWS - 1; w++)
        best = MIN (best, augur_hamming (a->bits[o], b->windows[w]));
    }
  return best;
}

/**
 * augur_phash_distance:
 *
 * The Hamming distance between @a and @b in the orientation and window
 * that bring them closest.
 */
guint
augur_phash_distance (const AugurPhash *a,
                      const AugurPhash *b)
{
  return MIN (one_way (a, b), one_way (b, a));
}

/* The detail signature of the image in orientation @o (see
 * augur_phash_compute()), from the one of the image as it is. */
static void
orient_detail (const guint64 *src,
               guint          o,
               guint64       *dst)
{
  memset (dst, 0, sizeof (guint64) * AUGUR_PHASH_DETAIL_WORDS);
  for (int v = 0; v < DETAIL; v++)
    for (int u = 0; u < DETAIL; u++)
      {
        int from = (o & 4) ? u * DETAIL + v : v * DETAIL + u;
        guint64 bit = (src[from / 64] >> (from % 64)) & 1;

        if ((u || v) && (((o & 1) && (u & 1)) != ((o & 2) && (v & 1))))
          bit ^= 1;
        dst[(v * DETAIL + u) / 64] |= bit << ((v * DETAIL + u) % 64);
      }
}

AUGUR_SIMD_CLONES static guint
detail_one_way (const AugurPhash *a,
                const AugurPhash *b)
{
  guint best = AUGUR_PHASH_DETAIL_WORDS * 64;

  for (guint o = 0; o < AUGUR_PHASH_ORIENTATIONS; o++)
    {
      guint64 oriented[AUGUR_PHASH_DETAIL_WORDS];

      orient_detail (a->detail[0], o, oriented);
      for (guint w = 0; w < AUGUR_PHASH_WINDOWS; w++)
        {
          guint d = 0;

          for (guint i = 0; i < AUGUR_PHASH_DETAIL_WORDS; i++)
            d += augur_hamming (oriented[i], b->detail[w][i]);
          best = MIN (best, d);
        }
    }
  return best;
}

/**
 * augur_phash_detail_distance:
 *
 * The Hamming distance between the 255-bit detail signatures of @a and
 * @b, in the orientation and window that bring them closest: slower than
 * augur_phash_distance(), and far more telling, for confirming a pair the
 * 64-bit hash proposes.
 */
guint
augur_phash_detail_distance (const AugurPhash *a,
                             const AugurPhash *b)
{
  return MIN (detail_one_way (a, b), detail_one_way (b, a));
}

/* Multi-index hashing (Norouzi, Punjani and Fleet, "Fast search in Hamming
 * space with multi-index hashing", CVPR 2012): the 64 bits are cut into 4
 * chunks of 16, each indexed by its value. Two hashes within distance r
 * differ in at least one chunk by at most r / 4 bits (else the 4 chunks
 * would differ by more than r in all), so a search looks up, in each
 * chunk's table, every value within r / 4 bits of the query's chunk, and
 * checks the full distance of what it finds there. */

#define CHUNKS      4
#define CHUNK_BITS  16
#define CHUNK_SIZE  (1u << CHUNK_BITS)

struct _AugurHammingIndex
{
  guint    n;
  guint64 *hashes;
  guint   *starts[CHUNKS];  /* CHUNK_SIZE + 1 offsets into ids */
  guint   *ids[CHUNKS];     /* the ids, by chunk value */
};

/* All 16-bit masks by number of bits set; masks_start[k] is the first with
 * k bits. */
static guint16 masks[CHUNK_SIZE];
static guint   masks_start[CHUNK_BITS + 2];

static gpointer
init_masks (gpointer data)
{
  guint next = 0;

  for (guint k = 0; k <= CHUNK_BITS; k++)
    {
      masks_start[k] = next;
      for (guint m = 0; m < CHUNK_SIZE; m++)
        if ((guint) __builtin_popcount (m) == k)
          masks[next++] = (guint16) m;
    }
  masks_start[CHUNK_BITS + 1] = next;
  return NULL;
}

static inline guint
chunk_of (guint64 hash,
          guint   c)
{
  return (guint) (hash >> (c * CHUNK_BITS)) & (CHUNK_SIZE - 1);
}

AugurHammingIndex *
augur_hamming_index_new (const guint64 *hashes,
                         guint          n)
{
  static GOnce once = G_ONCE_INIT;
  AugurHammingIndex *index = g_new0 (AugurHammingIndex, 1);

  g_return_val_if_fail (hashes != NULL || n == 0, NULL);

  g_once (&once, init_masks, NULL);

  index->n = n;
  index->hashes = g_memdup2 (hashes, sizeof (guint64) * n);
  for (guint c = 0; c < CHUNKS; c++)
    {
      guint *starts = g_new0 (guint, CHUNK_SIZE + 1);
      guint *ids = g_new (guint, MAX (n, 1));
      g_autofree guint *fill = NULL;

      /* A counting sort by chunk value. */
      for (guint i = 0; i < n; i++)
        starts[chunk_of (hashes[i], c) + 1]++;
      for (guint v = 0; v < CHUNK_SIZE; v++)
        starts[v + 1] += starts[v];
      fill = g_memdup2 (starts, sizeof (guint) * CHUNK_SIZE);
      for (guint i = 0; i < n; i++)
        ids[fill[chunk_of (hashes[i], c)]++] = i;

      index->starts[c] = starts;
      index->ids[c] = ids;
    }
  return index;
}

void
augur_hamming_index_free (AugurHammingIndex *index)
{
  if (index == NULL)
    return;
  for (guint c = 0; c < CHUNKS; c++)
    {
      g_free (index->starts[c]);
      g_free (index->ids[c]);
    }
  g_free (index->hashes);
  g_free (index);
}

/**
 * augur_hamming_index_search:
 * @radius: at most %AUGUR_HAMMING_MAX_RADIUS
 * @ids: (element-type guint): where the ids (positions in the array the
 *   index was made from) of the hashes within @radius of @query are
 *   appended, each once, in no particular order
 */
/* Compiled for AVX2 machines too (AUGUR_SIMD_CLONES), where the
 * population counts become single instructions. */
AUGUR_SIMD_CLONES void
augur_hamming_index_search (const AugurHammingIndex *index,
                            guint64                  query,
                            guint                    radius,
                            GArray                  *ids)
{
  guint sub = radius / CHUNKS;

  g_return_if_fail (index != NULL && ids != NULL);
  g_return_if_fail (radius <= AUGUR_HAMMING_MAX_RADIUS);

  for (guint c = 0; c < CHUNKS; c++)
    {
      guint q = chunk_of (query, c);

      for (guint m = 0; m < masks_start[sub + 1]; m++)
        {
          guint value = q ^ masks[m];

          for (guint k = index->starts[c][value]; k < index->starts[c][value + 1]; k++)
            {
              guint id = index->ids[c][k];
              guint64 hash = index->hashes[id];
              gboolean seen = FALSE;

              /* Found in an earlier chunk already? */
              for (guint e = 0; e < c && !seen; e++)
                seen = (guint) __builtin_popcount (chunk_of (hash, e) ^ chunk_of (query, e)) <= sub;
              if (!seen && augur_hamming (hash, query) <= radius)
                g_array_append_val (ids, id);
            }
        }
    }
}
