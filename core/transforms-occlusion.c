/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

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

/* CoarseDropout ------------------------------------------------------------------- */

enum { CD_NUM_HOLES, CD_HEIGHT, CD_WIDTH, CD_FILL };

enum { CD_FILL_RANDOM, CD_FILL_RANDOM_UNIFORM, CD_FILL_INPAINT_TELEA, CD_FILL_INPAINT_NS };

#define CD_MAX_HOLES 1000

static const char *const cd_fill_nicks[] = {
  "random", "random_uniform", "inpaint_telea", "inpaint_ns", NULL,
};

static const AugurParamSpec cd_params[] = {
  [CD_NUM_HOLES] = {
    .name = "num_holes_range", .label = "Holes",
    .description = "Range of the number of holes",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 1, .max = CD_MAX_HOLES, .ui_min = 1, .ui_max = 20, .step = 1, .def = { 1, 2 } },
  [CD_HEIGHT] = {
    .name = "hole_height_range", .label = "Hole height",
    .description = "Range of a hole's height: numbers are fractions of the image height, "
                   "integers are pixels",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_PIXELS_IF_INT,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.5, .step = 0.01, .def = { 0.1, 0.2 } },
  [CD_WIDTH] = {
    .name = "hole_width_range", .label = "Hole width",
    .description = "Range of a hole's width: numbers are fractions of the image width, "
                   "integers are pixels",
    .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_PIXELS_IF_INT,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.5, .step = 0.01, .def = { 0.1, 0.2 } },
  [CD_FILL] = {
    .name = "fill", .label = "Fill",
    .description = "What fills a hole: a value for every colour channel, a list of per-channel "
                   "values (a fourth sets alpha), \"random\" (random pixels), \"random_uniform\" "
                   "(one random colour a hole), or \"inpaint_telea\" / \"inpaint_ns\" (filled "
                   "from the hole's border: an approximation of OpenCV's inpainting)",
    .type = AUGUR_PARAM_FILL, .min = 0, .max = 255, .ui_min = 0, .ui_max = 255, .step = 1,
    .def = { 0 }, .def_nick = -1, .nicks = cd_fill_nicks },
};

/* "holes": x1, y1, x2, y2 for each hole, fractions of the width and height;
 * "seed": for the random fills. */
static const AugurDrawnSpec cd_drawn[] = {
  { "holes", TRUE, 0, 1 },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK },
  { NULL },
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

      holes[4 * i] = (double) x / in->width;
      holes[4 * i + 1] = (double) ys[i] / in->height;
      holes[4 * i + 2] = (double) (x + widths[i]) / in->width;
      holes[4 * i + 3] = (double) (ys[i] + heights[i]) / in->height;
    }

  augur_drawn_set_list (drawn, "holes", holes, 4 * n);
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

static AugurImage *
cd_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  const AugurValue *fill = &params[CD_FILL];
  int w = src->width, h = src->height, nc = src->channels;
  int cc = nc == 4 ? 3 : nc;
  guint n_holes;
  g_autofree Hole *holes = holes_from_drawn (drawn, w, h, &n_holes);
  AugurImage *out = augur_image_copy (src);
  AugurRng rng;

  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));

  if (fill->nick == CD_FILL_INPAINT_TELEA || fill->nick == CD_FILL_INPAINT_NS)
    {
      g_autofree guint8 *mask = g_malloc0 ((gsize) w * h);

      for (guint i = 0; i < n_holes; i++)
        for (int y = holes[i].y1; y < holes[i].y2; y++)
          memset (mask + (gsize) y * w + holes[i].x1, 1, holes[i].x2 - holes[i].x1);
      inpaint (out, mask, fill->nick == CD_FILL_INPAINT_NS);
      return out;
    }

  for (guint i = 0; i < n_holes; i++)
    {
      const Hole *hole = &holes[i];
      guint8 colour[4];
      int set = cc;

      if (fill->nick == CD_FILL_RANDOM_UNIFORM)
        for (int c = 0; c < cc; c++)
          colour[c] = (guint8) (augur_rng_next (&rng) >> 56);
      else if (fill->nick < 0)
        {
          /* Channel c takes value c (the last repeats); alpha only when
           * the fill lists four values. */
          for (int c = 0; c < cc; c++)
            colour[c] = augur_clamp_u8 (fill->v[MIN (c, MAX (fill->n, 1) - 1)]);
          if (nc == 4 && fill->n == 4)
            colour[3] = augur_clamp_u8 (fill->v[3]), set = 4;
        }

      for (int y = hole->y1; y < hole->y2; y++)
        {
          guint8 *d = augur_image_row (out, y) + hole->x1 * nc;

          if (fill->nick == CD_FILL_RANDOM)
            {
              /* Random pixels, eight bytes a draw. */
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
          else
            for (int x = hole->x1; x < hole->x2; x++, d += nc)
              memcpy (d, colour, set);
        }
    }

  return out;
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
    .drawn = cd_drawn,
    .sample = cd_sample,
    .apply = cd_apply,
  },
};

const guint augur_n_occlusion_transforms = G_N_ELEMENTS (augur_occlusion_transforms);
