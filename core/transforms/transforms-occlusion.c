/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-mirror.h"
#include "augur-resample.h"
#include "augur-simd.h"
#include "augur-rng-bulk.h"
#include "augur-transform-private.h"

/* Holes, shared by the dropouts ------------------------------------------------------ */

typedef struct
{
  int x1, y1, x2, y2;  /* pixels, x2 and y2 excluded */
} Hole;

/* Reads the drawn "holes" list (x1, y1, x2, y2 as fractions of the width
 * and height, each in [0, 1]) back into pixels. Malformed entries (a
 * trailing partial hole, an empty or reversed box) are dropped, so nothing
 * a replay file says can index outside the image. */
static Hole *
holes_from_drawn (const AugurDrawn *drawn,
                  int               width,
                  int               height,
                  guint            *n_holes)
{
  guint n;
  const double *v = augur_drawn_get_list (drawn, "holes", &n);
  Hole *holes = g_new (Hole, n / 4 + 1);
  guint count = 0;

  for (guint i = 0; i + 3 < n; i += 4)
    {
      Hole h = {
        CLAMP ((int) lrint (v[i] * width), 0, width),
        CLAMP ((int) lrint (v[i + 1] * height), 0, height),
        CLAMP ((int) lrint (v[i + 2] * width), 0, width),
        CLAMP ((int) lrint (v[i + 3] * height), 0, height),
      };

      if (h.x2 > h.x1 && h.y2 > h.y1)
        holes[count++] = h;
    }

  *n_holes = count;
  return holes;
}

/*
 * Inpainting stand-ins for OpenCV's inpaint_telea and inpaint_ns, on the
 * colour channels of @image where @mask is set.
 *
 * Both start the same way: the hole is peeled from its border inwards
 * (breadth-first, 4-connected), and each pixel takes the mean of its
 * already-known 8 neighbours, weighted by 1 / distance. This is the order of
 * Telea's fast marching without its gradient and level-set terms, and is
 * what inpaint_telea gives. inpaint_ns then relaxes the hole towards the
 * smooth (harmonic) surface that meets its border, by Gauss-Seidel sweeps of
 * 4-neighbour averaging: a diffusion standing in for the Navier-Stokes
 * transport of isophotes. Neither reproduces OpenCV's pixels exactly.
 */
static void
inpaint (AugurImage   *image,
         const guint8 *mask,
         gboolean      diffuse)
{
  static const int dx[8] = { 1, -1, 0, 0, 1, 1, -1, -1 };
  static const int dy[8] = { 0, 0, 1, -1, 1, -1, 1, -1 };
  static const float weight[8] = { 1, 1, 1, 1, (float) G_SQRT2 / 2, (float) G_SQRT2 / 2,
                                   (float) G_SQRT2 / 2, (float) G_SQRT2 / 2 };
  int w = image->width, h = image->height, nc = image->channels;
  int cc = nc == 4 ? 3 : nc;
  gsize npix = (gsize) w * h, head = 0, tail = 0;
  g_autofree int *layer = g_new (int, npix);
  g_autofree guint32 *queue = g_new (guint32, npix);
  g_autofree float *value = NULL;
  gsize n_unknown = 0;

  for (gsize i = 0; i < npix; i++)
    {
      layer[i] = mask[i] ? -1 : 0;
      n_unknown += mask[i] != 0;
    }
  if (n_unknown == 0)
    return;

  /* Layer 1: hole pixels with a known 4-neighbour; then breadth-first. */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        gsize i = (gsize) y * w + x;

        if (layer[i] != -1)
          continue;
        for (int k = 0; k < 4; k++)
          {
            int nx = x + dx[k], ny = y + dy[k];

            if (nx >= 0 && nx < w && ny >= 0 && ny < h && layer[(gsize) ny * w + nx] == 0)
              {
                layer[i] = 1;
                queue[tail++] = (guint32) i;
                break;
              }
          }
      }

  while (head < tail)
    {
      guint32 i = queue[head++];
      int x = (int) (i % w), y = (int) (i / w);

      for (int k = 0; k < 4; k++)
        {
          int nx = x + dx[k], ny = y + dy[k];
          gsize j;

          if (nx < 0 || nx >= w || ny < 0 || ny >= h)
            continue;
          j = (gsize) ny * w + nx;
          if (layer[j] == -1)
            {
              layer[j] = layer[i] + 1;
              queue[tail++] = (guint32) j;
            }
        }
    }

  /* The whole image a hole: nothing to inpaint from. */
  if (tail == 0)
    {
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          memset (augur_image_row (image, y) + x * nc, 0, cc);
      return;
    }

  value = g_new (float, npix * cc);
  for (int y = 0; y < h; y++)
    {
      const guint8 *s = augur_image_row (image, y);

      for (int x = 0; x < w; x++)
        for (int c = 0; c < cc; c++)
          value[((gsize) y * w + x) * cc + c] = s[x * nc + c];
    }

  /* Peel: each pixel from its neighbours of earlier layers. */
  for (gsize q = 0; q < tail; q++)
    {
      guint32 i = queue[q];
      int x = (int) (i % w), y = (int) (i / w);
      float sum[3] = { 0 }, wsum = 0;

      for (int k = 0; k < 8; k++)
        {
          int nx = x + dx[k], ny = y + dy[k];
          gsize j;

          if (nx < 0 || nx >= w || ny < 0 || ny >= h)
            continue;
          j = (gsize) ny * w + nx;
          if (layer[j] >= layer[i])
            continue;
          for (int c = 0; c < cc; c++)
            sum[c] += weight[k] * value[j * cc + c];
          wsum += weight[k];
        }
      for (int c = 0; c < cc; c++)
        value[(gsize) i * cc + c] = wsum > 0 ? sum[c] / wsum : 0;
    }

  if (diffuse)
    {
      /* Sweeps in proportion to the depth of the hole, capped to bound
       * the cost on large holes (the peeled start is already close). */
      int sweeps = CLAMP (layer[queue[tail - 1]], 10, 100);

      for (int it = 0; it < sweeps; it++)
        for (gsize q = 0; q < tail; q++)
          {
            guint32 i = queue[q];
            int x = (int) (i % w), y = (int) (i / w);
            float sum[3] = { 0 };
            int count = 0;

            for (int k = 0; k < 4; k++)
              {
                int nx = x + dx[k], ny = y + dy[k];
                gsize j;

                if (nx < 0 || nx >= w || ny < 0 || ny >= h)
                  continue;
                j = (gsize) ny * w + nx;
                for (int c = 0; c < cc; c++)
                  sum[c] += value[j * cc + c];
                count++;
              }
            for (int c = 0; c < cc; c++)
              value[(gsize) i * cc + c] = sum[c] / count;
          }
    }

  for (gsize q = 0; q < tail; q++)
    {
      guint32 i = queue[q];
      guint8 *d = augur_image_row (image, (int) (i / w)) + (i % w) * nc;

      for (int c = 0; c < cc; c++)
        d[c] = augur_clamp_u8 (value[(gsize) i * cc + c]);
    }
}

/* Fills, shared by the dropouts ------------------------------------------------------ */

/* Every transform that cuts holes (CoarseDropout, GridDropout, Erasing,
 * XYMasking) fills them the same way, from the same "fill" parameter. */
enum { FILL_RANDOM, FILL_RANDOM_UNIFORM, FILL_INPAINT_TELEA, FILL_INPAINT_NS };

static const char *const hole_fill_nicks[] = {
  "random", "random_uniform", "inpaint_telea", "inpaint_ns", NULL,
};

/* _WAS: with the parameter's Albumentations 1.x name. */
#define HOLE_FILL_PARAM_WAS(what, v1_name_) \
  { .name = "fill", .label = "Fill", \
    .description = "What fills " what ": a value for every colour channel, a list of per-channel " \
                   "values (a fourth sets alpha), \"random\" (random pixels), \"random_uniform\" " \
                   "(one random colour a hole), or \"inpaint_telea\" / \"inpaint_ns\" (filled " \
                   "from the hole's border: an approximation of OpenCV's inpainting)", \
    .type = AUGUR_PARAM_FILL, .min = 0, .max = 255, .ui_min = 0, .ui_max = 255, .step = 1, \
    .def = { 0 }, .def_nick = -1, .nicks = hole_fill_nicks, .alb.v1_name = (v1_name_) }
#define HOLE_FILL_PARAM(what) HOLE_FILL_PARAM_WAS (what, NULL)

/* Albumentations' fill_mask: what a hole puts in masks (label maps and
 * binary masks); not set, masks keep what they had. */
#define HOLE_FILL_MASK_PARAM_WAS(v1_name_) \
  { .name = "fill_mask", .label = "Mask fill", \
    .description = "The label value holes put in masks; not set: masks are left alone", \
    .type = AUGUR_PARAM_NUMBER, .flags = AUGUR_PARAM_NULLABLE, \
    .min = 0, .max = 65535, .ui_min = 0, .ui_max = 255, .step = 1, \
    .def = { 0 }, .def_null = TRUE, .alb.v1_name = (v1_name_) }
#define HOLE_FILL_MASK_PARAM HOLE_FILL_MASK_PARAM_WAS (NULL)

/* Marks @holes in @hit (width bytes a row). */
static void
mark_holes (const Hole *holes,
            guint       n_holes,
            int         width,
            guint8     *hit)
{
  for (guint i = 0; i < n_holes; i++)
    for (int y = holes[i].y1; y < holes[i].y2; y++)
      memset (hit + (gsize) y * width + holes[i].x1, 1, holes[i].x2 - holes[i].x1);
}

/* "holes": x1, y1, x2, y2 for each hole, fractions of the width and height;
 * "seed": for the random fills. */
static const AugurDrawnSpec holes_drawn[] = {
  { "holes", TRUE, 0, 1, .show = AUGUR_DRAWN_SHOW_COUNT, .scale = 0.25, .unit = "hole|holes" },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

/* Writes a hole in pixels as the fractions "holes" records. */
static void
box_to_fractions (double *out,
                  int     x1,
                  int     y1,
                  int     x2,
                  int     y2,
                  int     width,
                  int     height)
{
  out[0] = (double) x1 / width;
  out[1] = (double) y1 / height;
  out[2] = (double) x2 / width;
  out[3] = (double) y2 / height;
}

/* The colour of a value fill (@fill->nick < 0) for an image of @nc
 * channels: channel c takes value c (the last repeats); alpha only when the
 * fill lists four values. Returns how many channels the colour sets. */
static int
fill_colour (const AugurValue *fill,
             int               nc,
             guint8            colour[4])
{
  int cc = nc == 4 ? 3 : nc;

  for (int c = 0; c < cc; c++)
    colour[c] = augur_clamp_u8 (fill->v[MIN (c, MAX (fill->n, 1) - 1)]);
  if (nc == 4 && fill->n == 4)
    {
      colour[3] = augur_clamp_u8 (fill->v[3]);
      return 4;
    }
  return cc;
}

/* Sets the rectangle [x1, x2) x [y1, y2) of @image to @colour, its first
 * @set channels (an RGBA image given an RGB colour keeps its alpha). With
 * every channel set, one pattern row is built and copied into each row;
 * otherwise each pixel takes three fixed bytes. Never a call per pixel. */
static void
fill_rect (AugurImage   *image,
           int           x1,
           int           y1,
           int           x2,
           int           y2,
           const guint8 *colour,
           int           set)
{
  int nc = image->channels, n = x2 - x1;
  gsize len = (gsize) n * nc;

  if (n <= 0 || y2 <= y1)
    return;

  if (set == nc)
    {
      g_autofree guint8 *pattern = g_malloc (len);

      augur_fill_span (pattern, colour, n, nc);
      for (int y = y1; y < y2; y++)
        memcpy (augur_image_row (image, y) + (gsize) x1 * nc, pattern, len);
      return;
    }

  g_assert (nc == 4 && set == 3);
  for (int y = y1; y < y2; y++)
    {
      guint8 *d = augur_image_row (image, y) + (gsize) x1 * 4;

      for (int x = 0; x < n; x++, d += 4)
        {
          d[0] = colour[0];
          d[1] = colour[1];
          d[2] = colour[2];
        }
    }
}

/* Fills @holes of @image (in place) as @fill says; the random fills draw
 * from @seed, hole after hole, so that a replay gives the same pixels. */
static void
fill_holes (AugurImage       *image,
            const Hole       *holes,
            guint             n_holes,
            const AugurValue *fill,
            guint64           seed)
{
  int w = image->width, h = image->height, nc = image->channels;
  int cc = nc == 4 ? 3 : nc;
  AugurRng rng;

  augur_rng_init (&rng, seed);

  if (fill->nick == FILL_INPAINT_TELEA || fill->nick == FILL_INPAINT_NS)
    {
      g_autofree guint8 *mask = g_malloc0 ((gsize) w * h);

      for (guint i = 0; i < n_holes; i++)
        for (int y = holes[i].y1; y < holes[i].y2; y++)
          memset (mask + (gsize) y * w + holes[i].x1, 1, holes[i].x2 - holes[i].x1);
      inpaint (image, mask, fill->nick == FILL_INPAINT_NS);
      return;
    }

  for (guint i = 0; i < n_holes; i++)
    {
      const Hole *hole = &holes[i];
      guint8 colour[4];
      int set = cc;

      if (fill->nick == FILL_RANDOM_UNIFORM)
        for (int c = 0; c < cc; c++)
          colour[c] = (guint8) (augur_rng_next (&rng) >> 56);
      else if (fill->nick < 0)
        set = fill_colour (fill, nc, colour);

      if (fill->nick != FILL_RANDOM)
        {
          fill_rect (image, hole->x1, hole->y1, hole->x2, hole->y2, colour, set);
          continue;
        }

      /* Random pixels, eight bytes a draw. */
      for (int y = hole->y1; y < hole->y2; y++)
        {
          guint8 *d = augur_image_row (image, y) + hole->x1 * nc;
          guint64 bits = 0;
          int left = 0;

          for (int x = hole->x1; x < hole->x2; x++, d += nc)
            for (int c = 0; c < cc; c++)
              {
                if (left == 0)
                  bits = augur_rng_next (&rng), left = 8;
                d[c] = (guint8) bits;
                bits >>= 8;
                left--;
              }
        }
    }
}

typedef struct
{
  int x1, x2;
} Span;

static int
compare_span (gconstpointer a,
              gconstpointer b)
{
  int x = ((const Span *) a)->x1, y = ((const Span *) b)->x1;

  return (x > y) - (x < y);
}

/* Sorts @spans by their left edge: by insertion when they are few (the
 * holes of a band are most often in order already), else qsort(). */
static void
sort_spans (Span  *spans,
            guint  n)
{
  if (n > 16)
    {
      qsort (spans, n, sizeof *spans, compare_span);
      return;
    }
  for (guint i = 1; i < n; i++)
    {
      Span v = spans[i];
      guint j = i;

      for (; j > 0 && spans[j - 1].x1 > v.x1; j--)
        spans[j] = spans[j - 1];
      spans[j] = v;
    }
}

typedef guint8 SpanVec __attribute__ ((vector_size (32)));
typedef guint8 SpanHalf __attribute__ ((vector_size (16)));

/* @n bytes from @s to @d, which must not overlap, without a call: the
 * spans between and in holes are often short (GridDropout's, a few dozen
 * bytes), where memcpy()'s call and dispatch cost more than the move.
 * From 32 bytes on, 32 a step, the stores aligned after the first (a span
 * starts anywhere in a row, and stores that straddle cache lines cost
 * about twice as much), the last step the 32 bytes that end the span;
 * shorter spans in two overlapping moves of 16 bytes; under 16 bytes (a
 * few pixels) memcpy(). */
static inline void
put_span (guint8       *restrict d,
          const guint8 *restrict s,
          gsize                  n)
{
  if (n >= sizeof (SpanVec))
    {
      SpanVec a;
      gsize i;

      memcpy (&a, s, sizeof a);
      memcpy (d, &a, sizeof a);
      for (i = sizeof a - ((guintptr) d & (sizeof a - 1)); i + sizeof a <= n; i += sizeof a)
        {
          memcpy (&a, s + i, sizeof a);
          *(SpanVec *) __builtin_assume_aligned (d + i, sizeof a) = a;
        }
      memcpy (&a, s + n - sizeof a, sizeof a);
      memcpy (d + n - sizeof a, &a, sizeof a);
    }
  else if (n >= sizeof (SpanHalf))
    {
      SpanHalf a, b;

      memcpy (&a, s, sizeof a);
      memcpy (&b, s + n - sizeof b, sizeof b);
      memcpy (d, &a, sizeof a);
      memcpy (d + n - sizeof b, &b, sizeof b);
    }
  else
    memcpy (d, s, n);
}

/*
 * Writes @out (@src's size, its own rows) from @src with @holes (inside the
 * image) set to their colours, @nc bytes a hole in @colours: each output
 * row once, copying the spans between holes and filling those inside them,
 * so that no byte is copied and then overwritten. The rows fall into bands
 * between the holes' top and bottom edges; in a band the same holes cross
 * every row, and their union (sorted, merged where they overlap or touch)
 * is worked out once. With one colour for all holes the union's spans are
 * filled; otherwise each hole in order, so that where holes overlap the
 * later one wins, as when they are filled one after the other.
 */
AUGUR_SIMD_CLONES static void
copy_filling_holes (AugurImage       *out,
                    const AugurImage *src,
                    const Hole       *holes,
                    guint             n_holes,
                    const guint8     *colours)
{
  int w = src->width, h = src->height, nc = src->channels;
  gboolean one_colour = TRUE;
  gsize pattern_len = (gsize) w * nc;
  g_autofree guint8 *edge = g_malloc0 ((gsize) h + 1);
  g_autofree guint *active = g_new (guint, n_holes + 1);
  g_autofree Span *spans = g_new (Span, n_holes + 1);
  g_autofree gsize *offsets = g_new (gsize, n_holes + 1);
  g_autofree guint8 *patterns = NULL;
  gsize row = (gsize) w * nc, pending = 0;
  gboolean linear = (gsize) src->stride == row && (gsize) out->stride == row;

  for (guint i = 1; i < n_holes && one_colour; i++)
    one_colour = memcmp (colours, colours + (gsize) i * nc, nc) == 0;

  /* Each hole's colour over its width, or the one colour over a row. */
  if (!one_colour)
    {
      pattern_len = 0;
      for (guint i = 0; i < n_holes; i++)
        {
          offsets[i] = pattern_len;
          pattern_len += (gsize) MAX (holes[i].x2 - holes[i].x1, 0) * nc;
        }
    }
  patterns = g_malloc (MAX (pattern_len, 1));
  for (guint i = 0; i < (one_colour ? 1 : n_holes); i++)
    {
      gsize start = one_colour ? 0 : offsets[i];
      gsize end = one_colour ? pattern_len : start + (gsize) MAX (holes[i].x2 - holes[i].x1, 0) * nc;

      augur_fill_span (patterns + start, colours + (gsize) i * nc, (int) ((end - start) / nc), nc);
    }

  /* The rows where a hole starts or ends bound the bands. */
  for (guint i = 0; i < n_holes; i++)
    {
      g_assert (holes[i].x1 >= 0 && holes[i].x2 <= w && holes[i].y1 >= 0 && holes[i].y2 <= h);
      edge[holes[i].y1] = edge[holes[i].y2] = 1;
    }
  edge[h] = 1;

  for (int ya = 0, yb; ya < h; ya = yb)
    {
      guint n_active = 0, n_spans = 0;

      for (yb = ya + 1; !edge[yb]; yb++)
        ;

      /* The holes crossing this band, in order, and their union. */
      for (guint i = 0; i < n_holes; i++)
        if (holes[i].y1 <= ya && ya < holes[i].y2 && holes[i].x1 < holes[i].x2)
          {
            active[n_active] = i;
            spans[n_active].x1 = holes[i].x1;
            spans[n_active].x2 = holes[i].x2;
            n_active++;
          }
      sort_spans (spans, n_active);
      for (guint k = 0; k < n_active; k++)
        if (n_spans > 0 && spans[k].x1 <= spans[n_spans - 1].x2)
          spans[n_spans - 1].x2 = MAX (spans[n_spans - 1].x2, spans[k].x2);
        else
          spans[n_spans++] = spans[k];

      /* A band no hole crosses: left to the next copy when the images are
       * one block each, else its rows in one call. */
      if (n_spans == 0)
        {
          if (!linear)
            augur_copy_rows (augur_image_row (out, ya), out->stride, augur_image_row (src, ya),
                             src->stride, row, yb - ya);
          continue;
        }

      for (int y = ya; y < yb; y++)
        {
          /* The bytes from @pending up to each span are copied: across
           * rows too when the images are one block each. */
          guint8 *d = linear ? out->data : augur_image_row (out, y);
          const guint8 *s = linear ? src->data : augur_image_row (src, y);
          gsize o = linear ? (gsize) y * row : 0;

          if (!linear)
            pending = 0;
          for (guint k = 0; k < n_spans; k++)
            {
              gsize x1 = o + (gsize) spans[k].x1 * nc;

              put_span (d + pending, s + pending, x1 - pending);
              if (one_colour)
                put_span (d + x1, patterns, (gsize) (spans[k].x2 - spans[k].x1) * nc);
              pending = o + (gsize) spans[k].x2 * nc;
            }
          if (!linear)
            put_span (d + pending, s + pending, row - pending);

          if (!one_colour)
            for (guint k = 0; k < n_active; k++)
              {
                const Hole *hole = &holes[active[k]];

                put_span (d + o + (gsize) hole->x1 * nc, patterns + offsets[active[k]],
                          (gsize) (hole->x2 - hole->x1) * nc);
              }
        }
    }

  if (linear)
    put_span (out->data + pending, src->data + pending, row * h - pending);
}

/* @holes of a copy of @src filled as @fill says, the random fills drawing
 * from @seed. With @one_pass, fills of one colour a hole on every channel
 * are written in one pass (copy_filling_holes()); the rest (random pixels,
 * inpainting, an RGBA image whose alpha the fill keeps) fill a whole copy.
 *
 * Only XYMasking asks for one pass. In paired runs of augur-bench (base and
 * new interleaved, 15 passes a run, on images of 0.1 to 0.8 Mpixel that
 * stay in cache) it read XYMasking about 1.2 times as fast; Erasing and
 * CoarseDropout 0.8 to 1.1 (no clear gain), and GridDropout, whose rows
 * break into many short spans, about 0.85: there the whole-image copy,
 * one stream at full speed, with fills landing in lines it just wrote,
 * costs less than the span handling saves. */
static AugurImage *
apply_holes (const AugurImage *src,
             const Hole       *holes,
             guint             n_holes,
             const AugurValue *fill,
             guint64           seed,
             gboolean          one_pass)
{
  int nc = src->channels, cc = nc == 4 ? 3 : nc;
  AugurImage *out;

  if (one_pass && (fill->nick < 0 || (fill->nick == FILL_RANDOM_UNIFORM && cc == nc)))
    {
      g_autofree guint8 *colours = g_malloc ((gsize) MAX (n_holes, 1) * nc);
      AugurRng rng;
      int set = cc;

      augur_rng_init (&rng, seed);
      /* The colours fill_holes() would give, hole after hole. */
      for (guint i = 0; i < n_holes; i++)
        if (fill->nick == FILL_RANDOM_UNIFORM)
          for (int c = 0; c < cc; c++)
            colours[(gsize) i * nc + c] = (guint8) (augur_rng_next (&rng) >> 56);
        else
          set = fill_colour (fill, nc, colours + (gsize) i * nc);

      if (set == nc)
        {
          out = augur_image_new_like_uninitialized (src);
          copy_filling_holes (out, src, holes, n_holes, colours);
          return out;
        }
    }

  out = augur_image_copy (src);
  fill_holes (out, holes, n_holes, fill, seed);
  return out;
}

/* The apply of the transforms whose draw is holes_drawn. */
static AugurImage *
apply_drawn_holes (const AugurImage *src,
                   const AugurValue *fill,
                   const AugurDrawn *drawn,
                   gboolean          one_pass)
{
  guint n_holes;
  g_autofree Hole *holes = holes_from_drawn (drawn, src->width, src->height, &n_holes);

  return apply_holes (src, holes, n_holes, fill, (guint64) augur_drawn_get (drawn, "seed"), one_pass);
}

/* The mask_holes of the transforms whose draw is holes_drawn. */
static gboolean
mask_drawn_holes (const AugurValue *fill_mask,
                  const AugurDrawn *drawn,
                  int               width,
                  int               height,
                  guint8           *hit,
                  double           *fill)
{
  guint n_holes;
  g_autofree Hole *holes = NULL;

  if (fill_mask->is_null)
    return FALSE;
  holes = holes_from_drawn (drawn, width, height, &n_holes);
  mark_holes (holes, n_holes, width, hit);
  *fill = fill_mask->v[0];
  return TRUE;
}

/* CoarseDropout ------------------------------------------------------------------- */

enum { CD_NUM_HOLES, CD_HEIGHT, CD_WIDTH, CD_FILL, CD_FILL_MASK };

#define CD_MAX_HOLES 1000

static const AugurParamSpec cd_params[] = {
  [CD_NUM_HOLES] = {
    .name = "num_holes_range", .label = "Holes",
    .description = "Range of the number of holes",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 1, .max = CD_MAX_HOLES, .ui_min = 1, .ui_max = 20, .step = 1, .def = { 1, 2 },
    .alb = { .v1_name = "min_holes", .v1_name_second = "max_holes" } },
  [CD_HEIGHT] = {
    .name = "hole_height_range", .label = "Hole height",
    .description = "Range of a hole's height: numbers are fractions of the image height, "
                   "integers are pixels",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_PIXELS_IF_INT,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.5, .step = 0.01, .def = { 0.1, 0.2 },
    .alb = { .v1_name = "min_height", .v1_name_second = "max_height" } },
  [CD_WIDTH] = {
    .name = "hole_width_range", .label = "Hole width",
    .description = "Range of a hole's width: numbers are fractions of the image width, "
                   "integers are pixels",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_PIXELS_IF_INT,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.5, .step = 0.01, .def = { 0.1, 0.2 },
    .alb = { .v1_name = "min_width", .v1_name_second = "max_width" } },
  [CD_FILL] = HOLE_FILL_PARAM_WAS ("a hole", "fill_value"),
  [CD_FILL_MASK] = HOLE_FILL_MASK_PARAM_WAS ("mask_fill_value"),
};

/* One side of each hole, as Albumentations 2.x calculate_hole_dimensions():
 * pixels drawn as integers, at most the image side; fractions drawn as
 * numbers, times the side, truncated. */
static void
cd_sample_sides (const AugurValue *range,
                 int               side,
                 AugurRng         *rng,
                 int              *out,
                 int               n)
{
  for (int i = 0; i < n; i++)
    {
      if (range->integers)
        {
          gint64 hi = MIN ((gint64) range->v[1], side);
          gint64 lo = MIN ((gint64) range->v[0], hi);

          out[i] = (int) augur_rng_int (rng, lo, hi);
        }
      else
        out[i] = (int) (side * augur_rng_range (rng, range->v[0], range->v[1]));
      out[i] = CLAMP (out[i], 0, side);
    }
}

static void
cd_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  int n = (int) augur_rng_int (rng, (gint64) params[CD_NUM_HOLES].v[0], (gint64) params[CD_NUM_HOLES].v[1]);
  g_autofree int *heights = g_new (int, MAX (n, 1));
  g_autofree int *widths = g_new (int, MAX (n, 1));
  g_autofree int *ys = g_new (int, MAX (n, 1));
  g_autofree double *holes = g_new (double, 4 * MAX (n, 1));

  /* In Albumentations' order: heights, widths, then corners. */
  cd_sample_sides (&params[CD_HEIGHT], in->height, rng, heights, n);
  cd_sample_sides (&params[CD_WIDTH], in->width, rng, widths, n);
  for (int i = 0; i < n; i++)
    ys[i] = (int) augur_rng_int (rng, 0, in->height - heights[i]);
  for (int i = 0; i < n; i++)
    {
      int x = (int) augur_rng_int (rng, 0, in->width - widths[i]);

      box_to_fractions (holes + 4 * i, x, ys[i], x + widths[i], ys[i] + heights[i],
                        in->width, in->height);
    }

  augur_drawn_set_list (drawn, "holes", holes, 4 * n);
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

static AugurImage *
cd_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  return apply_drawn_holes (src, &params[CD_FILL], drawn, FALSE);
}

static gboolean
cd_mask_holes (const AugurValue *params,
               const AugurDrawn *drawn,
               const AugurShape *in,
               guint8           *hit,
               double           *fill)
{
  return mask_drawn_holes (&params[CD_FILL_MASK], drawn, in->width, in->height, hit, fill);
}

/* GridDropout --------------------------------------------------------------------- */

enum { GD_RATIO, GD_UNIT_SIZE, GD_HOLES_XY, GD_SHIFT_XY, GD_RANDOM_OFFSET, GD_FILL, GD_FILL_MASK };

#define GD_MAX_PIXELS 100000

static const AugurParamSpec gd_params[] = {
  [GD_RATIO] = {
    .name = "ratio", .label = "Hole ratio",
    .description = "A hole's side as a fraction of its grid cell's side (both directions): "
                   "0.5 removes a quarter of the area",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0.001, .max = 1, .ui_min = 0.05, .ui_max = 1, .step = 0.01, .def = { 0.5 } },
  [GD_UNIT_SIZE] = {
    .name = "unit_size_range", .label = "Cell size",
    .description = "Range of the side of a square grid cell, in pixels (capped at the "
                   "shorter side); not set: a tenth of each side",
    .type = AUGUR_PARAM_INT_RANGE, .flags = AUGUR_PARAM_NULLABLE,
    .min = 2, .max = GD_MAX_PIXELS, .ui_min = 2, .ui_max = 200, .step = 1,
    .def = { 10, 40 }, .def_null = TRUE,
    .alb = { .v1_name = "unit_size_min", .v1_name_second = "unit_size_max" } },
  [GD_HOLES_XY] = {
    .name = "holes_number_xy", .label = "Cells across, down",
    .description = "The number of grid cells across (x) and down (y), each at most half the "
                   "side; overrides the cell size when set",
    .type = AUGUR_PARAM_INT_RANGE, .flags = AUGUR_PARAM_NULLABLE | AUGUR_PARAM_ALLOW_REVERSED,
    .min = 1, .max = GD_MAX_PIXELS, .ui_min = 1, .ui_max = 50, .step = 1,
    .def = { 10, 10 }, .def_null = TRUE,
    /* Albumentations documents (x, y) but 2.0.8's code reads (rows, columns). */
    .alb = { .encoding = AUGUR_ALB_PAIR_SWAPPED,
             .v1_name = "holes_number_x", .v1_name_second = "holes_number_y" } },
  [GD_SHIFT_XY] = {
    .name = "shift_xy", .label = "Shift x, y",
    .description = "Offset in pixels of every hole from its cell's corner, across (x) and "
                   "down (y); used without random_offset",
    .type = AUGUR_PARAM_INT_RANGE, .flags = AUGUR_PARAM_ALLOW_REVERSED,
    .min = 0, .max = GD_MAX_PIXELS, .ui_min = 0, .ui_max = 50, .step = 1, .def = { 0, 0 },
    .alb = { .v1_name = "shift_x", .v1_name_second = "shift_y" } },
  [GD_RANDOM_OFFSET] = {
    .name = "random_offset", .label = "Random offset",
    .description = "Place each hole at random within its cell (shift_xy is then ignored)",
    .type = AUGUR_PARAM_BOOL, .def = { 1 } },
  [GD_FILL] = HOLE_FILL_PARAM_WAS ("a hole", "fill_value"),
  [GD_FILL_MASK] = HOLE_FILL_MASK_PARAM_WAS ("mask_fill_value"),
};

/* "cols" and "rows": the edges of the grid's cells, fractions of the width
 * and height (n + 1 values for n cells); "seed": each hole's place in its
 * cell (random_offset) and the random fills. The holes follow from these and
 * the parameters: a record of a fine grid stays small. */
static const AugurDrawnSpec gd_drawn[] = {
  { "cols", TRUE, 0, 1, .show = AUGUR_DRAWN_SHOW_COUNT, .offset = -1, .unit = "column|columns" },
  { "rows", TRUE, 0, 1, .show = AUGUR_DRAWN_SHOW_COUNT, .offset = -1, .unit = "row|rows" },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

/* Splits @side into @n cells of almost equal sizes (they differ by at most
 * one pixel), in shuffled order, and writes the n + 1 edges as fractions. */
static void
gd_split (int       side,
          int       n,
          AugurRng *rng,
          double   *edges)
{
  g_autofree int *sizes = g_new (int, n);
  int sum = 0;

  for (int i = 0; i < n; i++)
    sizes[i] = side / n + (i < side % n ? 1 : 0);
  for (int i = n - 1; i > 0; i--)
    {
      int j = (int) augur_rng_int (rng, 0, i), t = sizes[i];

      sizes[i] = sizes[j];
      sizes[j] = t;
    }
  edges[0] = 0;
  for (int i = 0; i < n; i++)
    {
      sum += sizes[i];
      edges[i + 1] = (double) sum / side;
    }
}

static void
gd_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  int w = in->width, h = in->height, nx, ny;
  g_autofree double *cols = NULL;
  g_autofree double *rows = NULL;

  /* As Albumentations 2.x: holes_number_xy first, then a cell size drawn
   * from unit_size_range (here inclusive, and capped at the shorter side),
   * else a tenth of each side, at least 2 pixels. */
  if (!params[GD_HOLES_XY].is_null)
    {
      /* As documented there: x across, y down (2.0.8's code hands the
       * pair to its grid splitter as rows, columns). */
      nx = (int) MIN (params[GD_HOLES_XY].v[0], MAX (1, w / 2));
      ny = (int) MIN (params[GD_HOLES_XY].v[1], MAX (1, h / 2));
    }
  else
    {
      int unit_w, unit_h;

      if (!params[GD_UNIT_SIZE].is_null)
        {
          gint64 hi = MIN ((gint64) params[GD_UNIT_SIZE].v[1], MIN (w, h));
          gint64 lo = MIN ((gint64) params[GD_UNIT_SIZE].v[0], hi);

          unit_w = unit_h = (int) augur_rng_int (rng, MAX (lo, 1), MAX (hi, 1));
        }
      else
        {
          unit_w = MAX (2, w / 10);
          unit_h = MAX (2, h / 10);
        }
      nx = w / unit_w;
      ny = h / unit_h;
    }
  nx = CLAMP (nx, 1, w);
  ny = CLAMP (ny, 1, h);

  cols = g_new (double, nx + 1);
  rows = g_new (double, ny + 1);
  gd_split (h, ny, rng, rows);
  gd_split (w, nx, rng, cols);

  augur_drawn_set_list (drawn, "cols", cols, nx + 1);
  augur_drawn_set_list (drawn, "rows", rows, ny + 1);
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/* The drawn edges in pixels, strictly increasing: whatever a replay file
 * says, at most side + 1 edges, each within [0, side]. */
static int *
gd_edges (const AugurDrawn *drawn,
          const char       *name,
          int               side,
          guint            *n_edges)
{
  guint n;
  const double *v = augur_drawn_get_list (drawn, name, &n);
  int *edges = g_new (int, MIN (n, (guint) side + 1) + 1);
  guint count = 0;

  for (guint i = 0; i < n; i++)
    {
      int e = CLAMP ((int) lrint (v[i] * side), 0, side);

      if (count == 0 || e > edges[count - 1])
        edges[count++] = e;
    }
  *n_edges = count;
  return edges;
}

/* A hole's side in a cell of side @cell: ratio of it, truncated, at least
 * 1 and at most cell - 1 (0 in a cell of one pixel), as Albumentations. */
static int
gd_hole_side (int    cell,
              double ratio)
{
  double s = MIN (MAX (cell * ratio, 1), cell - 1);

  return MAX ((int) s, 0);
}

/* The grid's holes for an image of @w x @h. */
static GArray *
gd_holes (const AugurValue *params,
          const AugurDrawn *drawn,
          int               w,
          int               h)
{
  gboolean random_offset = AUGUR_PARAM_BOOL_VALUE (params, GD_RANDOM_OFFSET);
  int shift_x = (int) params[GD_SHIFT_XY].v[0], shift_y = (int) params[GD_SHIFT_XY].v[1];
  double ratio = params[GD_RATIO].v[0];
  guint64 seed = (guint64) augur_drawn_get (drawn, "seed");
  guint n_cols, n_rows;
  g_autofree int *cols = gd_edges (drawn, "cols", w, &n_cols);
  g_autofree int *rows = gd_edges (drawn, "rows", h, &n_rows);
  GArray *holes = g_array_new (FALSE, FALSE, sizeof (Hole));
  AugurRng rng;

  if (n_cols < 2 || n_rows < 2)
    return holes;

  /* The offsets from their own generator, the fills from the seed itself.
   * Cells under two pixels hold no hole, so there are at most a quarter as
   * many holes as pixels. */
  augur_rng_init (&rng, seed ^ G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));
  for (guint i = 0; i + 1 < n_rows; i++)
    for (guint j = 0; j + 1 < n_cols; j++)
      {
        int cell_h = rows[i + 1] - rows[i], cell_w = cols[j + 1] - cols[j];
        int hole_h = gd_hole_side (cell_h, ratio), hole_w = gd_hole_side (cell_w, ratio);
        int off_y = shift_y, off_x = shift_x;
        Hole hole;

        if (random_offset)
          {
            off_y = (int) augur_rng_int (&rng, 0, cell_h - hole_h);
            off_x = (int) augur_rng_int (&rng, 0, cell_w - hole_w);
          }
        if (hole_h == 0 || hole_w == 0)
          continue;
        /* A shift past the image edge stops at the edge. */
        hole.x1 = (int) CLAMP ((gint64) cols[j] + off_x, 0, w - hole_w);
        hole.y1 = (int) CLAMP ((gint64) rows[i] + off_y, 0, h - hole_h);
        hole.x2 = hole.x1 + hole_w;
        hole.y2 = hole.y1 + hole_h;
        g_array_append_val (holes, hole);
      }
  return holes;
}

static AugurImage *
gd_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  g_autoptr(GArray) holes = gd_holes (params, drawn, src->width, src->height);

  return apply_holes (src, (const Hole *) holes->data, holes->len, &params[GD_FILL],
                      (guint64) augur_drawn_get (drawn, "seed"), FALSE);
}

static gboolean
gd_mask_holes (const AugurValue *params,
               const AugurDrawn *drawn,
               const AugurShape *in,
               guint8           *hit,
               double           *fill)
{
  g_autoptr(GArray) holes = NULL;

  if (params[GD_FILL_MASK].is_null)
    return FALSE;
  holes = gd_holes (params, drawn, in->width, in->height);
  mark_holes ((const Hole *) holes->data, holes->len, in->width, hit);
  *fill = params[GD_FILL_MASK].v[0];
  return TRUE;
}

/* PixelDropout -------------------------------------------------------------------- */

enum { PD_PROB, PD_PER_CHANNEL, PD_DROP_VALUE, PD_MASK_DROP_VALUE };

static const AugurParamSpec pd_params[] = {
  [PD_PROB] = {
    .name = "dropout_prob", .label = "Probability",
    .description = "Probability that a pixel (or, per channel, a channel value) is dropped",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.5, .step = 0.005, .def = { 0.01 } },
  [PD_PER_CHANNEL] = {
    .name = "per_channel", .label = "Per channel",
    .description = "Drop each channel of a pixel on its own draw, instead of the whole pixel",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
  [PD_DROP_VALUE] = {
    .name = "drop_value", .label = "Drop value",
    .description = "The value of a dropped pixel: one for every colour channel, or a list of "
                   "per-channel values (a fourth sets alpha); not set: one random colour each time",
    .type = AUGUR_PARAM_FILL, .flags = AUGUR_PARAM_NULLABLE,
    .min = 0, .max = 255, .ui_min = 0, .ui_max = 255, .step = 1,
    .def = { 0 }, .def_nick = -1, .nicks = augur_fill_nicks_none },
  [PD_MASK_DROP_VALUE] = {
    .name = "mask_drop_value", .label = "Mask drop value",
    .description = "The label value a dropped pixel (any of its channels, per channel) takes in "
                   "masks; not set: masks are left alone",
    .type = AUGUR_PARAM_NUMBER, .flags = AUGUR_PARAM_NULLABLE,
    .min = 0, .max = 65535, .ui_min = 0, .ui_max = 255, .step = 1,
    .def = { 0 }, .def_null = TRUE },
};

/* "seed": which pixels drop, and a random drop value. A sub-seed rather
 * than the mask itself: apply draws the same mask from it. */
static const AugurDrawnSpec pd_drawn[] = {
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
pd_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/* Draws one decision at a time from 32-bit halves of the generator's
 * output: TRUE with probability threshold / 2^32. */
typedef struct
{
  AugurRng *rng;
  guint64   threshold;
  guint64   bits;
  gboolean  half;
} PdCoin;

static inline gboolean
pd_coin_flip (PdCoin *coin)
{
  guint32 u;

  if (!coin->half)
    {
      coin->bits = augur_rng_next (coin->rng);
      u = (guint32) coin->bits;
    }
  else
    u = (guint32) (coin->bits >> 32);
  coin->half = !coin->half;
  return u < coin->threshold;
}

/* The drops of one application, in one pass over the pixels: @out (when
 * not NULL, a copy of the image) takes the drop colour, @hit (when not
 * NULL) marks each pixel where anything dropped. Both see the same draws,
 * so a mask's drops are the image's. */
static void
pd_walk (const AugurValue *params,
         const AugurDrawn *drawn,
         int               w,
         int               h,
         int               nc,
         AugurImage       *out,
         guint8           *hit)
{
  const AugurValue *drop = &params[PD_DROP_VALUE];
  gboolean per_channel = AUGUR_PARAM_BOOL_VALUE (params, PD_PER_CHANNEL);
  double prob = params[PD_PROB].v[0];
  guint8 colour[4];
  int set = nc == 4 ? 3 : nc;
  AugurRng rng;
  PdCoin coin = { &rng, 0, 0, FALSE };

  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));

  if (prob <= 0)
    return;
  coin.threshold = prob >= 1 ? G_GUINT64_CONSTANT (1) << 32 : (guint64) (prob * 4294967296.0);

  /* Not set: one random colour for this application (alpha kept). */
  if (drop->is_null)
    for (int c = 0; c < set; c++)
      colour[c] = (guint8) (augur_rng_next (&rng) >> 56);
  else
    set = fill_colour (drop, nc, colour);

  /* Few drops: walk from one to the next by geometric gaps, over pixels
   * or, per channel, over each pixel's channels in turn (the same
   * distribution as a coin for each, for a draw and a logarithm a drop). */
  if (prob < AUGUR_RNG_SPARSE_P)
    {
      guint slots = per_channel ? (guint) set : 1;
      guint64 total = (guint64) w * h * slots;
      double log_q = log1p (-prob);

      for (guint64 j = augur_rng_geometric (&rng, log_q); j < total;
           j += 1 + augur_rng_geometric (&rng, log_q))
        {
          guint64 pixel = j / slots;
          guint8 *d;

          if (hit)
            hit[pixel] = 1;
          if (out == NULL)
            continue;
          d = augur_image_row (out, (int) (pixel / w)) + (pixel % w) * nc;
          if (per_channel)
            d[j % slots] = colour[j % slots];
          else
            memcpy (d, colour, set);
        }
      return;
    }

  for (int y = 0; y < h; y++)
    {
      guint8 *d = out ? augur_image_row (out, y) : NULL;
      guint8 *m = hit ? hit + (gsize) y * w : NULL;

      for (int x = 0; x < w; x++)
        if (per_channel)
          {
            for (int c = 0; c < set; c++)
              if (pd_coin_flip (&coin))
                {
                  if (d)
                    d[(gsize) x * nc + c] = colour[c];
                  if (m)
                    m[x] = 1;
                }
          }
        else if (pd_coin_flip (&coin))
          {
            if (m)
              m[x] = 1;
            if (d == NULL)
              continue;
            /* Constant sizes: moves, not a call per pixel. */
            if (set == 4)
              memcpy (d + (gsize) x * nc, colour, 4);
            else if (set == 3)
              memcpy (d + (gsize) x * nc, colour, 3);
            else
              d[(gsize) x * nc] = colour[0];
          }
    }
}

static AugurImage *
pd_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  AugurImage *out = augur_image_copy (src);

  pd_walk (params, drawn, src->width, src->height, src->channels, out, NULL);
  return out;
}

/* Albumentations' mask_drop_value: the image's drops, in masks. */
static gboolean
pd_mask_holes (const AugurValue *params,
               const AugurDrawn *drawn,
               const AugurShape *in,
               guint8           *hit,
               double           *fill)
{
  if (params[PD_MASK_DROP_VALUE].is_null)
    return FALSE;
  pd_walk (params, drawn, in->width, in->height, in->channels, NULL, hit);
  *fill = params[PD_MASK_DROP_VALUE].v[0];
  return TRUE;
}

/* Erasing ------------------------------------------------------------------------- */

enum { ER_SCALE, ER_RATIO, ER_FILL, ER_FILL_MASK };

static const AugurParamSpec er_params[] = {
  [ER_SCALE] = {
    .name = "scale", .label = "Area",
    .description = "Range of the erased area, as a fraction of the image area",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.02, 0.33 } },
  [ER_RATIO] = {
    .name = "ratio", .label = "Aspect ratio",
    .description = "Range of the erased rectangle's width / height",
    .type = AUGUR_PARAM_RANGE,
    .min = 0.01, .max = 100, .ui_min = 0.1, .ui_max = 10, .step = 0.01, .def = { 0.3, 3.3 } },
  [ER_FILL] = HOLE_FILL_PARAM ("the erased rectangle"),
  [ER_FILL_MASK] = HOLE_FILL_MASK_PARAM,
};

/* As Albumentations 2.0.8 (after torchvision's RandomErasing): an area
 * within scale that some aspect within ratio fits into the image, then an
 * aspect within ratio that fits for that area, then a place. When none
 * fits, nothing is erased (an empty "holes"). */
static void
er_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  double w = in->width, h = in->height, area = w * h;
  double r_lo = params[ER_RATIO].v[0], r_hi = params[ER_RATIO].v[1];
  double min_area = area * params[ER_SCALE].v[0];
  double max_area = MIN (area * params[ER_SCALE].v[1], MIN (r_lo * h * h, w * w / r_hi));
  double box[4];
  guint n = 0;

  if (max_area >= min_area && max_area > 0)
    {
      double erase = augur_rng_range (rng, min_area, max_area);
      double lo = MAX (r_lo, erase / (h * h)), hi = MIN (r_hi, w * w / erase);

      if (erase > 0 && lo <= hi)
        {
          double aspect = augur_rng_range (rng, lo, hi);
          int eh = CLAMP ((int) nearbyint (sqrt (erase / aspect)), 0, in->height);
          int ew = CLAMP ((int) nearbyint (sqrt (erase * aspect)), 0, in->width);
          int top = (int) augur_rng_int (rng, 0, in->height - eh);
          int left = (int) augur_rng_int (rng, 0, in->width - ew);

          box_to_fractions (box, left, top, left + ew, top + eh, in->width, in->height);
          n = 4;
        }
    }

  augur_drawn_set_list (drawn, "holes", box, n);
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

static AugurImage *
er_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  return apply_drawn_holes (src, &params[ER_FILL], drawn, FALSE);
}

static gboolean
er_mask_holes (const AugurValue *params,
               const AugurDrawn *drawn,
               const AugurShape *in,
               guint8           *hit,
               double           *fill)
{
  return mask_drawn_holes (&params[ER_FILL_MASK], drawn, in->width, in->height, hit, fill);
}

/* XYMasking ----------------------------------------------------------------------- */

enum { XY_NUM_X, XY_NUM_Y, XY_LENGTH_X, XY_LENGTH_Y, XY_FILL, XY_FILL_MASK };

#define XY_MAX_MASKS 1000

static const AugurParamSpec xy_params[] = {
  [XY_NUM_X] = {
    .name = "num_masks_x", .label = "Vertical stripes",
    .description = "Range of the number of stripes across the x axis (each the full height)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 0, .max = XY_MAX_MASKS, .ui_min = 0, .ui_max = 10, .step = 1, .def = { 0, 0 } },
  [XY_NUM_Y] = {
    .name = "num_masks_y", .label = "Horizontal stripes",
    .description = "Range of the number of stripes across the y axis (each the full width)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 0, .max = XY_MAX_MASKS, .ui_min = 0, .ui_max = 10, .step = 1, .def = { 0, 0 } },
  [XY_LENGTH_X] = {
    .name = "mask_x_length", .label = "Vertical stripe width",
    .description = "Range of a vertical stripe's width in pixels (capped at the image width)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 0, .max = 100000, .ui_min = 0, .ui_max = 100, .step = 1, .def = { 0, 0 } },
  [XY_LENGTH_Y] = {
    .name = "mask_y_length", .label = "Horizontal stripe height",
    .description = "Range of a horizontal stripe's height in pixels (capped at the image height)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 0, .max = 100000, .ui_min = 0, .ui_max = 100, .step = 1, .def = { 0, 0 } },
  [XY_FILL] = HOLE_FILL_PARAM ("a stripe"),
  [XY_FILL_MASK] = HOLE_FILL_MASK_PARAM,
};

/* The stripes of one axis, appended to @holes as Albumentations 2.0.8
 * draws them: a count, then for each a length and a place. Albumentations
 * refuses lengths beyond the image side; they are capped here. */
static void
xy_sample_axis (const AugurValue *num,
                const AugurValue *length,
                gboolean          vertical,
                const AugurShape *in,
                AugurRng         *rng,
                GArray           *holes)
{
  int side = vertical ? in->width : in->height;
  int n = (int) augur_rng_int (rng, (gint64) num->v[0], (gint64) num->v[1]);

  for (int i = 0; i < n; i++)
    {
      gint64 drawn_len = augur_rng_int (rng, (gint64) length->v[0], (gint64) length->v[1]);
      int len = (int) MIN (drawn_len, side);
      int start = (int) augur_rng_int (rng, 0, side - len);
      double box[4];

      if (vertical)
        box_to_fractions (box, start, 0, start + len, in->height, in->width, in->height);
      else
        box_to_fractions (box, 0, start, in->width, start + len, in->width, in->height);
      g_array_append_vals (holes, box, 4);
    }
}

static void
xy_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  g_autoptr(GArray) holes = g_array_new (FALSE, FALSE, sizeof (double));

  xy_sample_axis (&params[XY_NUM_X], &params[XY_LENGTH_X], TRUE, in, rng, holes);
  xy_sample_axis (&params[XY_NUM_Y], &params[XY_LENGTH_Y], FALSE, in, rng, holes);
  augur_drawn_set_list (drawn, "holes", (const double *) holes->data, holes->len);
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

static AugurImage *
xy_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  return apply_drawn_holes (src, &params[XY_FILL], drawn, TRUE);
}

static gboolean
xy_mask_holes (const AugurValue *params,
               const AugurDrawn *drawn,
               const AugurShape *in,
               guint8           *hit,
               double           *fill)
{
  return mask_drawn_holes (&params[XY_FILL_MASK], drawn, in->width, in->height, hit, fill);
}

/* The table ---------------------------------------------------------------------- */

const AugurTransformInfo augur_occlusion_transforms[] = {
  {
    .name = "CoarseDropout",
    .label = "Coarse dropout",
    .category = AUGUR_CATEGORY_OCCLUSION,
    .description = "Cut random rectangular holes and fill them.",
    .version = 1,
    .default_p = 0.5,
    .params = cd_params,
    .n_params = G_N_ELEMENTS (cd_params),
    .drawn = holes_drawn,
    .sample = cd_sample,
    .apply = cd_apply,
    .mask_holes = cd_mask_holes,
  },
  {
    .name = "GridDropout",
    .label = "Grid dropout",
    .category = AUGUR_CATEGORY_OCCLUSION,
    .description = "Cut a regular grid of rectangular holes and fill them.",
    .version = 1,
    .default_p = 0.5,
    .params = gd_params,
    .n_params = G_N_ELEMENTS (gd_params),
    .drawn = gd_drawn,
    .sample = gd_sample,
    .apply = gd_apply,
    .mask_holes = gd_mask_holes,
  },
  {
    .name = "PixelDropout",
    .label = "Pixel dropout",
    .category = AUGUR_CATEGORY_OCCLUSION,
    .description = "Set random single pixels (or channel values) to a value.",
    .version = 1,
    .default_p = 0.5,
    .params = pd_params,
    .n_params = G_N_ELEMENTS (pd_params),
    .drawn = pd_drawn,
    .sample = pd_sample,
    .apply = pd_apply,
    .mask_holes = pd_mask_holes,
  },
  {
    .name = "Erasing",
    .label = "Random erasing",
    .category = AUGUR_CATEGORY_OCCLUSION,
    .description = "Erase one random rectangle of a random area and aspect ratio.",
    .version = 1,
    .default_p = 0.5,
    .params = er_params,
    .n_params = G_N_ELEMENTS (er_params),
    .drawn = holes_drawn,
    .sample = er_sample,
    .apply = er_apply,
    .mask_holes = er_mask_holes,
  },
  {
    .name = "XYMasking",
    .label = "XY masking",
    .category = AUGUR_CATEGORY_OCCLUSION,
    .description = "Mask random full-height and full-width stripes, as in spectrogram masking.",
    .version = 1,
    .default_p = 0.5,
    .params = xy_params,
    .n_params = G_N_ELEMENTS (xy_params),
    .drawn = holes_drawn,
    .sample = xy_sample,
    .apply = xy_apply,
    .mask_holes = xy_mask_holes,
  },
};

const guint augur_n_occlusion_transforms = G_N_ELEMENTS (augur_occlusion_transforms);
