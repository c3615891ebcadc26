/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-lut.h"
#include "augur-simd.h"
#include "augur-strips.h"
#include "augur-transform-private.h"

/* Tone transforms (category Colour): level curves and histograms,
 * inversion, CLAHE and illumination. Like the rest of the colour
 * transforms they change the colour channels only, alpha copied through;
 * a gray image's one channel is treated as a colour channel. */

static inline int
tone_channels (const AugurImage *image)
{
  return image->channels == 4 ? 3 : image->channels;
}

/* Shared with transforms-color.c ---------------------------------------------------- */

typedef struct
{
  const AugurImage *src;
  AugurImage       *out;
  const guint8    (*luts)[256];
  gboolean          one;
  AugurLut          t;
  AugurLutRgb       rgb;
} LutStrips;

static void
lut_strip (gpointer data,
           int      first,
           int      last)
{
  const LutStrips *l = data;
  int nc = l->src->channels;

  for (int y = first; y < last; y++)
    {
      const guint8 *s = augur_image_row (l->src, y);
      guint8 *d = augur_image_row (l->out, y);

      if (l->one)
        augur_lut_bytes (&l->t, d, s, (gsize) l->src->width * nc);
      else if (nc == 3)
        augur_lut_rgb (&l->rgb, d, s, (gsize) l->src->width);
      else
        for (int x = 0; x < l->src->width; x++, s += nc, d += nc)
          {
            d[0] = l->luts[0][s[0]];
            d[1] = l->luts[1][s[1]];
            d[2] = l->luts[2][s[2]];
            if (nc == 4)
              d[3] = s[3];
          }
    }
}

/* Applies one table per colour channel (@luts[c], c < 3; a gray image uses
 * @luts[0]); alpha copied. In strips (augur-strips.h): several threads for
 * a large image, the same bytes; a cancelled apply comes back black. */
AugurImage *
augur_apply_channel_luts (const AugurImage *src,
                          const guint8      luts[3][256])
{
  int nc = src->channels;
  /* One table for every channel (the common case): a flat loop over the
   * row's bytes. */
  LutStrips l = { src, augur_image_new_like_uninitialized (src), luts,
                  nc == 1 || (nc == 3 && memcmp (luts[0], luts[1], 256) == 0 &&
                              memcmp (luts[0], luts[2], 256) == 0) };

  augur_lut_init (&l.t, luts[0]);
  augur_lut_rgb_init (&l.rgb, luts);
  if (!augur_strips_run (src->height, (double) src->width * nc, lut_strip, &l))
    memset (l.out->data, 0, (gsize) l.out->stride * l.out->height);
  return l.out;
}

/* The histogram of colour channel @c (0 for gray). */
void
augur_channel_histogram (const AugurImage *src,
                         int               c,
                         guint64           hist[256])
{
  augur_histogram_channels (src->data + c, src->stride, src->width, src->height,
                            src->channels, 1, (guint64 (*)[256]) hist);
}

/* The histograms of every colour channel (the one channel of gray), in
 * one pass over the image. */
void
augur_channel_histograms (const AugurImage *src,
                          guint64           hist[3][256])
{
  augur_histogram_channels (src->data, src->stride, src->width, src->height,
                            src->channels, tone_channels (src), hist);
}

/* The histogram of the luma (BT.601, as OpenCV's RGB2GRAY and the Y of
 * YCrCb) of a colour image, and the luma plane itself. */
static void
luma_histogram (const AugurImage *src,
                guint8           *plane,
                guint64           hist[256])
{
  augur_luma_plane (src, plane);
  augur_histogram_channels (plane, src->width, src->width, src->height, 1, 1,
                            (guint64 (*)[256]) hist);
}

/* Adds lut[Y] - Y to every colour channel of @src, Y the luma in @plane:
 * changing only Y of YCrCb and converting back (Cr and Cb kept) moves R, G
 * and B alike by the change of Y. */
static AugurImage *
apply_luma_lut (const AugurImage *src,
                const guint8     *plane,
                const guint8      lut[256])
{
  AugurImage *out = augur_image_new_like_uninitialized (src);
  int nc = src->channels;

  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      const guint8 *g = plane + (gsize) y * src->width;
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < src->width; x++, s += nc, d += nc)
        {
          int delta = lut[g[x]] - g[x];

          for (int c = 0; c < 3; c++)
            {
              int v = s[c] + delta;

              d[c] = (guint8) CLAMP (v, 0, 255);
            }
          if (nc == 4)
            d[3] = s[3];
        }
    }
  return out;
}

/* d = (s & and_mask) ^ xor_mask on the colour channels, alpha copied:
 * Posterize (and) and InvertImg (xor), in a loop that vectorises. */
AUGUR_SIMD_CLONES static void
bits_rows (guint8       *restrict dst,
           int                    dst_stride,
           const guint8 *restrict src,
           int                    src_stride,
           int                    w,
           int                    h,
           int                    nc,
           guint8                 and_mask,
           guint8                 xor_mask)
{
  for (int y = 0; y < h; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint8 *d = dst + (gsize) y * dst_stride;

      if (nc == 4)
        for (int x = 0; x < w; x++)
          {
            d[4 * x] = (s[4 * x] & and_mask) ^ xor_mask;
            d[4 * x + 1] = (s[4 * x + 1] & and_mask) ^ xor_mask;
            d[4 * x + 2] = (s[4 * x + 2] & and_mask) ^ xor_mask;
            d[4 * x + 3] = s[4 * x + 3];
          }
      else
        for (int i = 0; i < w * nc; i++)
          d[i] = (s[i] & and_mask) ^ xor_mask;
    }
}

typedef struct
{
  const AugurImage *src;
  AugurImage       *out;
  guint8            and_mask, xor_mask;
} BitsStrips;

static void
bits_strip (gpointer data,
            int      first,
            int      last)
{
  const BitsStrips *b = data;

  bits_rows (augur_image_row (b->out, first), b->out->stride, augur_image_row (b->src, first),
             b->src->stride, b->src->width, last - first, b->src->channels, b->and_mask, b->xor_mask);
}

/* In strips (augur-strips.h): several threads for a large image, the
 * same bytes; a cancelled apply comes back black. */
static AugurImage *
apply_bits (const AugurImage *src,
            guint8            and_mask,
            guint8            xor_mask)
{
  BitsStrips b = { src, augur_image_new_like_uninitialized (src), and_mask, xor_mask };

  if (!augur_strips_run (src->height, (double) src->width * src->channels, bits_strip, &b))
    memset (b.out->data, 0, (gsize) b.out->stride * b.out->height);
  return b.out;
}

/* InvertImg ---------------------------------------------------------------------- */

/* 255 - x, which for a byte is x ^ 0xff. */
static AugurImage *
invert_apply (const AugurImage *src,
              const AugurValue *params,
              const AugurDrawn *drawn)
{
  return apply_bits (src, 0xff, 0xff);
}

/* Solarize ----------------------------------------------------------------------- */

static const AugurParamSpec sol_params[] = {
  {
    .name = "threshold_range", .label = "Threshold",
    .description = "Range of the threshold, as a fraction of 255: pixels at or above it are inverted",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.5, 0.5 },
    .alb = { .v1_name = "threshold", .v1_units = AUGUR_ALB_V1_PIXEL_LEVELS } },
};

static const AugurDrawnSpec sol_drawn[] = {
  { "threshold", FALSE, 0, 1, .label = "Threshold" },
  { NULL },
};

static void
sol_sample (const AugurValue *params,
            const AugurShape *in,
            AugurRng         *rng,
            AugurDrawn       *drawn)
{
  augur_sample_uniform_each (params, sol_drawn, rng, drawn);
}

static AugurImage *
sol_apply (const AugurImage *src,
           const AugurValue *params,
           const AugurDrawn *drawn)
{
  double threshold = augur_drawn_get (drawn, "threshold") * 255.0;
  guint8 luts[3][256];

  for (int i = 0; i < 256; i++)
    luts[0][i] = luts[1][i] = luts[2][i] = (guint8) (i >= threshold ? 255 - i : i);
  return augur_apply_channel_luts (src, luts);
}

/* Posterize ---------------------------------------------------------------------- */

static const AugurParamSpec post_params[] = {
  {
    .name = "num_bits", .label = "Bits",
    .description = "Range of the number of high bits kept per channel (8 keeps the image, "
                   "0 makes it black)",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 0, .max = 8, .ui_min = 1, .ui_max = 8, .step = 1, .def = { 4, 4 } },
};

static const AugurDrawnSpec post_drawn[] = {
  { "num_bits", FALSE, 0, 8, .label = "Bits", .unit = "bits" },
  { NULL },
};

static void
post_sample (const AugurValue *params,
             const AugurShape *in,
             AugurRng         *rng,
             AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "num_bits",
                   (double) augur_rng_int (rng, (gint64) params[0].v[0], (gint64) params[0].v[1]));
}

static AugurImage *
post_apply (const AugurImage *src,
            const AugurValue *params,
            const AugurDrawn *drawn)
{
  int bits = CLAMP ((int) augur_drawn_get (drawn, "num_bits"), 0, 8);

  return apply_bits (src, (guint8) (0xff00 >> bits), 0);
}

/* Equalize ----------------------------------------------------------------------- */

/* Albumentations' `mask` argument (an array given at call time, not a
 * setting of the transform) is left out. */
enum { EQ_MODE, EQ_BY_CHANNELS };
enum { EQ_CV, EQ_PIL };

static const char *const eq_mode_nicks[] = { "cv", "pil", NULL };

static const AugurParamSpec eq_params[] = {
  [EQ_MODE] = {
    .name = "mode", .label = "Method",
    .description = "cv: OpenCV's equalizeHist; pil: Pillow's ImageOps.equalize",
    .type = AUGUR_PARAM_ENUM, .def_nick = EQ_CV, .nicks = eq_mode_nicks },
  [EQ_BY_CHANNELS] = {
    .name = "by_channels", .label = "Per channel",
    .description = "Equalize each colour channel on its own; otherwise the luma (Y of YCrCb) "
                   "only, which keeps the hues",
    .type = AUGUR_PARAM_BOOL, .def = { 1 } },
};

/* OpenCV's equalizeHist() table. */
static void
equalize_lut_cv (const guint64 hist[256],
                 guint8        lut[256])
{
  guint64 total = 0, sum;
  int first = 0;
  double scale;

  for (int i = 0; i < 256; i++)
    total += hist[i];
  while (first < 255 && hist[first] == 0)
    first++;
  if (hist[first] == total)
    {
      /* One level: OpenCV maps everything to it. */
      for (int i = 0; i < 256; i++)
        lut[i] = (guint8) first;
      return;
    }

  scale = 255.0 / (double) (total - hist[first]);
  sum = 0;
  for (int i = 0; i < 256; i++)
    {
      if (i <= first)
        {
          lut[i] = 0;
          continue;
        }
      sum += hist[i];
      lut[i] = augur_clamp_u8 ((double) sum * scale);
    }
}

/* Pillow's ImageOps.equalize() table, as Albumentations computes it. */
static void
equalize_lut_pil (const guint64 hist[256],
                  guint8        lut[256])
{
  guint64 total = 0, last = 0, step, n;
  int used = 0;

  for (int i = 0; i < 256; i++)
    if (hist[i])
      {
        total += hist[i];
        last = hist[i];
        used++;
      }
  step = used > 1 ? (total - last) / 255 : 0;
  if (step == 0)
    {
      for (int i = 0; i < 256; i++)
        lut[i] = (guint8) i;
      return;
    }
  /* The cumulative count up to and including each level, as
   * Albumentations 2.0.8 writes Pillow's loop. */
  n = step / 2;
  for (int i = 0; i < 256; i++)
    {
      n += hist[i];
      lut[i] = (guint8) MIN (n / step, 255);
    }
}

static void
equalize_lut (int            mode,
              const guint64  hist[256],
              guint8         lut[256])
{
  if (mode == EQ_PIL)
    equalize_lut_pil (hist, lut);
  else
    equalize_lut_cv (hist, lut);
}

static AugurImage *
eq_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int mode = AUGUR_PARAM_NICK (params, EQ_MODE);
  guint8 luts[3][256];
  guint64 hist[3][256];

  if (src->channels > 1 && !AUGUR_PARAM_BOOL_VALUE (params, EQ_BY_CHANNELS))
    {
      g_autofree guint8 *plane = g_malloc ((gsize) src->width * src->height);

      luma_histogram (src, plane, hist[0]);
      equalize_lut (mode, hist[0], luts[0]);
      return apply_luma_lut (src, plane, luts[0]);
    }

  augur_channel_histograms (src, hist);
  for (int c = 0; c < tone_channels (src); c++)
    equalize_lut (mode, hist[c], luts[c]);
  return augur_apply_channel_luts (src, luts);
}

/* CLAHE ------------------------------------------------------------------------------ */

enum { CLAHE_CLIP, CLAHE_TILES };

#define CLAHE_MAX_TILES 64

static const AugurParamSpec clahe_params[] = {
  [CLAHE_CLIP] = {
    .name = "clip_limit", .label = "Clip limit",
    .description = "Range of the contrast limit: a tile's histogram is clipped at this many "
                   "times its mean bin height, the excess spread over all bins",
    .type = AUGUR_PARAM_RANGE,
    .min = 1, .max = 100, .ui_min = 1, .ui_max = 10, .step = 0.1, .def = { 1, 4 } },
  [CLAHE_TILES] = {
    .name = "tile_grid_size", .label = "Tiles",
    .description = "Tiles across and down, as OpenCV's tileGridSize",
    .type = AUGUR_PARAM_SIZE,
    .min = 1, .max = CLAHE_MAX_TILES, .ui_min = 1, .ui_max = 16, .step = 1, .def = { 8, 8 } },
};

static const AugurDrawnSpec clahe_drawn[] = {
  { "clip_limit", FALSE, 1, 100, .label = "Clip limit" },
  { NULL },
};

static void
clahe_sample (const AugurValue *params,
              const AugurShape *in,
              AugurRng         *rng,
              AugurDrawn       *drawn)
{
  augur_sample_uniform_each (params, clahe_drawn, rng, drawn);
}

/* OpenCV's reflect-101 index, for the tiles past the right and bottom
 * edges when the image does not divide into whole tiles. */
static inline int
clahe_reflect (int i,
               int n)
{
  if (n == 1)
    return 0;
  i = abs (i) % (2 * n - 2);
  return i < n ? i : 2 * n - 2 - i;
}

/*
 * OpenCV's CLAHE on one plane, in place: the image (padded on the right
 * and bottom to whole tiles, reflect-101) is cut into tx x ty tiles; each
 * tile's histogram is clipped at max(1, clip * area / 256), the excess
 * spread evenly (the remainder one by one at a regular step); its scaled
 * cumulative sum is the tile's table; each pixel takes the bilinear blend of
 * the four nearest tiles' tables by its distance to their centres.
 */
/* One row of the blend of @top's and @bottom's tile tables (floats of the
 * table bytes, 256 per tile), weights by column in @xw and tile offsets in
 * @xo, @ya down: rounded as augur_clamp_u8 () does (a blend of bytes is
 * never below 0 nor, rounded, above 255), without branches, for the
 * vectoriser. */
AUGUR_SIMD_CLONES static void
clahe_row (guint8      *restrict row,
           int                   w,
           const float *restrict top,
           const float *restrict bottom,
           const int   *restrict xo,
           const float *restrict xw,
           float                 ya)
{
  for (int x = 0; x < w; x++)
    {
      int v = row[x];
      float xa = xw[x];
      float a = top[xo[2 * x] + v] * (1 - xa) + top[xo[2 * x + 1] + v] * xa;
      float b = bottom[xo[2 * x] + v] * (1 - xa) + bottom[xo[2 * x + 1] + v] * xa;

      row[x] = (guint8) (int) ((double) (a * (1 - ya) + b * ya) + 0.5);
    }
}

static void
clahe_plane (guint8 *plane,
             int     w,
             int     h,
             int     tx,
             int     ty,
             double  clip)
{
  int pw = w % tx ? w + tx - w % tx : w, ph = h % ty ? h + ty - h % ty : h;
  int tw = pw / tx, th = ph / ty, area = tw * th;
  int limit = MAX ((int) (clip * area / 256), 1);
  g_autofree float *luts = g_new (float, (gsize) tx * ty * 256);
  g_autofree float *xw = g_new (float, w);
  g_autofree int *xo = g_new (int, 2 * w);
  float lut_scale = 255.0f / (float) area;

  for (int j = 0; j < ty; j++)
    for (int i = 0; i < tx; i++)
      {
        int hist[256] = { 0 }, clipped = 0, batch, residual, sum = 0;
        float *lut = luts + ((gsize) j * tx + i) * 256;

        if ((i + 1) * tw <= w && (j + 1) * th <= h)
          {
            /* A tile inside the image: the histogram kernel (flat
             * regions do not stall it). */
            guint64 counts[1][256];

            augur_histogram_channels (plane + (gsize) j * th * w + (gsize) i * tw, w, tw, th, 1, 1, counts);
            for (int k = 0; k < 256; k++)
              hist[k] = (int) counts[0][k];
          }
        else
          for (int y = j * th; y < (j + 1) * th; y++)
            {
              const guint8 *row = plane + (gsize) clahe_reflect (y, h) * w;

              if ((i + 1) * tw <= w)
                for (int x = i * tw; x < (i + 1) * tw; x++)
                  hist[row[x]]++;
              else
                for (int x = i * tw; x < (i + 1) * tw; x++)
                  hist[row[clahe_reflect (x, w)]]++;
            }

        for (int k = 0; k < 256; k++)
          if (hist[k] > limit)
            {
              clipped += hist[k] - limit;
              hist[k] = limit;
            }
        batch = clipped / 256;
        residual = clipped - batch * 256;
        for (int k = 0; k < 256; k++)
          hist[k] += batch;
        if (residual)
          {
            int step = MAX (256 / residual, 1);

            for (int k = 0; k < 256 && residual > 0; k += step, residual--)
              hist[k]++;
          }

        for (int k = 0; k < 256; k++)
          {
            sum += hist[k];
            lut[k] = augur_clamp_u8 (sum * lut_scale);  /* a byte, kept as a float */
          }
      }

  for (int x = 0; x < w; x++)
    {
      float f = (float) x / tw - 0.5f;
      int t1 = (int) floorf (f);

      xw[x] = f - t1;
      xo[2 * x] = MAX (t1, 0) * 256;
      xo[2 * x + 1] = MIN (t1 + 1, tx - 1) * 256;
    }

  for (int y = 0; y < h; y++)
    {
      float f = (float) y / th - 0.5f;
      int t1 = (int) floorf (f);

      clahe_row (plane + (gsize) y * w, w, luts + (gsize) MAX (t1, 0) * tx * 256,
                 luts + (gsize) MIN (t1 + 1, ty - 1) * tx * 256, xo, xw, f - t1);
    }
}

/* CIELAB (D65) of sRGB, 8-bit as OpenCV stores it: L scaled to 0-255, a
 * and b offset by 128. */
#define LAB_XN 0.950456
#define LAB_ZN 1.088754

/* The two curves of the conversion are tabulated on [0, 1] in 16384
 * steps and read at the nearest step (under a fifth of an 8-bit level
 * off), so that the row loops below are plain arithmetic and table reads,
 * which vectorise (as gathers) where the machine has them. */
#define LAB_STEPS 16384

typedef struct
{
  float lin[256];               /* sRGB level to linear light */
  float f[LAB_STEPS + 1];       /* CIELAB's f (t): cube root, linear near 0 */
  float encode[LAB_STEPS + 1];  /* linear light to an sRGB level (0-255) */
} LabTables;

static void
lab_tables_fill (LabTables *t)
{
  for (int i = 0; i < 256; i++)
    t->lin[i] = (float) augur_srgb_to_linear (i);
  for (int i = 0; i <= LAB_STEPS; i++)
    {
      double v = (double) i / LAB_STEPS;

      t->f[i] = (float) (v > 0.008856 ? cbrt (v) : 7.787 * v + 16.0 / 116.0);
      t->encode[i] = (float) (255.0 * (v <= 0.0031308 ? 12.92 * v : 1.055 * pow (v, 1.0 / 2.4) - 0.055));
    }
}

/* Built once, shared read-only by every thread. */
static const LabTables *
lab_tables (void)
{
  static LabTables *tables;

  if (g_once_init_enter (&tables))
    {
      LabTables *t = g_new (LabTables, 1);

      lab_tables_fill (t);
      g_once_init_leave (&tables, t);
    }
  return tables;
}

/* The row loops convert every pixel with the same float operations
 * either way; only GCC's default -ftrapping-math, which keeps it from
 * computing a float operation that the source computes on one side of a
 * choice, stops it from vectorising them. Floating-point exceptions are
 * never looked at here: switched off for these functions, the values are
 * the same. */
#if defined(__GNUC__) && !defined(__clang__)
# define LAB_NO_TRAPS __attribute__ ((optimize ("no-trapping-math")))
#else
# define LAB_NO_TRAPS
#endif

LAB_NO_TRAPS static inline int
lab_index (float v)
{
  v = MAX (v, 0.0f);
  v = MIN (v, 1.0f);
  return (int) (v * LAB_STEPS + 0.5f);
}

LAB_NO_TRAPS static inline guint8
lab_u8 (float v)
{
  v = MAX (v + 0.5f, 0.0f);
  return (guint8) MIN (v, 255.0f);
}

LAB_NO_TRAPS static inline float
lab_f_inverse (float t)
{
  return t > 0.206893f ? t * t * t : (t - 16.0f / 116.0f) * (1.0f / 7.787f);
}

/* sRGB to 8-bit L (0-255) and a, b (offset by 128), as OpenCV stores them,
 * for a constant channel count @nc (the loops below are copies of this one
 * for 3 and 4, so that the compiler vectorises them). */
LAB_NO_TRAPS static inline void
lab_forward_pixels (const guint8    *restrict s,
                    guint8          *restrict l,
                    guint8          *restrict ab,
                    int                       w,
                    int                       nc,
                    const LabTables *restrict t)
{
  for (int x = 0; x < w; x++)
    {
      float r = t->lin[s[x * nc]], g = t->lin[s[x * nc + 1]], b = t->lin[s[x * nc + 2]];
      float fx = t->f[lab_index ((0.412453f * r + 0.357580f * g + 0.180423f * b) * (float) (1 / LAB_XN))];
      float fy = t->f[lab_index (0.212671f * r + 0.715160f * g + 0.072169f * b)];
      float fz = t->f[lab_index ((0.019334f * r + 0.119193f * g + 0.950227f * b) * (float) (1 / LAB_ZN))];

      l[x] = lab_u8 ((116.0f * fy - 16.0f) * (255.0f / 100.0f));
      ab[2 * x] = lab_u8 (500.0f * (fx - fy) + 128.0f);
      ab[2 * x + 1] = lab_u8 (200.0f * (fy - fz) + 128.0f);
    }
}

AUGUR_SIMD_CLONES LAB_NO_TRAPS static void
lab_forward_row (const guint8    *restrict s,
                 guint8          *restrict l,
                 guint8          *restrict ab,
                 int                       w,
                 int                       nc,
                 const LabTables *restrict t)
{
  if (nc == 3)
    lab_forward_pixels (s, l, ab, w, 3, t);
  else
    lab_forward_pixels (s, l, ab, w, 4, t);
}

/* Back to sRGB for a constant channel count @nc; alpha copied from @s. */
LAB_NO_TRAPS static inline void
lab_inverse_pixels (const guint8    *restrict l,
                    const guint8    *restrict ab,
                    const guint8    *restrict s,
                    guint8          *restrict d,
                    int                       w,
                    int                       nc,
                    const LabTables *restrict t)
{
  for (int x = 0; x < w; x++)
    {
      float fy = (l[x] * (100.0f / 255.0f) + 16.0f) * (1.0f / 116.0f);
      float fx = fy + (ab[2 * x] - 128.0f) * (1.0f / 500.0f);
      float fz = fy - (ab[2 * x + 1] - 128.0f) * (1.0f / 200.0f);
      float xx = lab_f_inverse (fx) * (float) LAB_XN;
      float yy = lab_f_inverse (fy);
      float zz = lab_f_inverse (fz) * (float) LAB_ZN;

      d[x * nc] = lab_u8 (t->encode[lab_index (3.240479f * xx - 1.537150f * yy - 0.498535f * zz)]);
      d[x * nc + 1] = lab_u8 (t->encode[lab_index (-0.969256f * xx + 1.875992f * yy + 0.041556f * zz)]);
      d[x * nc + 2] = lab_u8 (t->encode[lab_index (0.055648f * xx - 0.204043f * yy + 1.057311f * zz)]);
      if (nc == 4)
        d[x * nc + 3] = s[x * nc + 3];
    }
}

AUGUR_SIMD_CLONES LAB_NO_TRAPS static void
lab_inverse_row (const guint8    *restrict l,
                 const guint8    *restrict ab,
                 const guint8    *restrict s,
                 guint8          *restrict d,
                 int                       w,
                 int                       nc,
                 const LabTables *restrict t)
{
  if (nc == 3)
    lab_inverse_pixels (l, ab, s, d, w, 3, t);
  else
    lab_inverse_pixels (l, ab, s, d, w, 4, t);
}

static AugurImage *
clahe_apply (const AugurImage *src,
             const AugurValue *params,
             const AugurDrawn *drawn)
{
  double clip = augur_drawn_get (drawn, "clip_limit");
  int tx = (int) params[CLAHE_TILES].v[0], ty = (int) params[CLAHE_TILES].v[1];
  int w = src->width, h = src->height, nc = src->channels;
  gsize n = (gsize) w * h;
  g_autofree guint8 *plane = g_malloc (n);
  g_autofree guint8 *ab = NULL;
  const LabTables *lab = NULL;
  AugurImage *out;

  if (nc == 1)
    {
      out = augur_image_copy (src);
      for (int y = 0; y < h; y++)
        memcpy (plane + (gsize) y * w, augur_image_row (src, y), w);
      clahe_plane (plane, w, h, tx, ty, clip);
      for (int y = 0; y < h; y++)
        memcpy (augur_image_row (out, y), plane + (gsize) y * w, w);
      return out;
    }

  /* Colour: CLAHE on CIELAB lightness, as Albumentations does. */
  lab = lab_tables ();
  ab = g_malloc (2 * n);
  for (int y = 0; y < h; y++)
    lab_forward_row (augur_image_row (src, y), plane + (gsize) y * w, ab + (gsize) y * 2 * w, w, nc, lab);

  clahe_plane (plane, w, h, tx, ty, clip);

  out = augur_image_new_like_uninitialized (src);
  for (int y = 0; y < h; y++)
    lab_inverse_row (plane + (gsize) y * w, ab + (gsize) y * 2 * w, augur_image_row (src, y),
                     augur_image_row (out, y), w, nc, lab);
  return out;
}

/* RandomGamma -------------------------------------------------------------------- */

static const AugurParamSpec gamma_params[] = {
  {
    .name = "gamma_limit", .label = "Gamma",
    .description = "Range of the gamma, in hundredths: above 100 darkens the mid-tones, "
                   "below brightens them",
    .type = AUGUR_PARAM_RANGE,
    .min = 1, .max = 1000, .ui_min = 20, .ui_max = 300, .step = 1, .def = { 80, 120 } },
};

static const AugurDrawnSpec gamma_drawn[] = {
  { "gamma", FALSE, 0.01, 10, .label = "Gamma" },
  { NULL },
};

static void
gamma_sample (const AugurValue *params,
              const AugurShape *in,
              AugurRng         *rng,
              AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "gamma", augur_rng_range (rng, params[0].v[0], params[0].v[1]) / 100.0);
}

/* Albumentations' gamma_transform(): (x / 255)^gamma * 255, truncated. */
static AugurImage *
gamma_apply (const AugurImage *src,
             const AugurValue *params,
             const AugurDrawn *drawn)
{
  double gamma = augur_drawn_get (drawn, "gamma");
  guint8 luts[3][256];

  for (int i = 0; i < 256; i++)
    luts[0][i] = luts[1][i] = luts[2][i] = (guint8) MIN (pow (i / 255.0, gamma) * 255.0 + 1e-9, 255.0);
  return augur_apply_channel_luts (src, luts);
}

/* RandomToneCurve ---------------------------------------------------------------- */

enum { TC_SCALE, TC_PER_CHANNEL };

static const AugurParamSpec tc_params[] = {
  [TC_SCALE] = {
    .name = "scale", .label = "Spread",
    .description = "Standard deviation of the curve's two control points around 0.25 and 0.75",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.3, .step = 0.01, .def = { 0.1 } },
  [TC_PER_CHANNEL] = {
    .name = "per_channel", .label = "Per channel",
    .description = "Draw one curve per colour channel instead of one for all",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
};

static const AugurDrawnSpec tc_drawn[] = {
  { "low_y", TRUE, 0, 1, 0, 3, .label = "Shadows curve", .show = AUGUR_DRAWN_SHOW_SPAN },
  { "high_y", TRUE, 0, 1, 0, 3, .label = "Highlights curve", .show = AUGUR_DRAWN_SHOW_SPAN },
  { NULL },
};

static void
tc_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  int cc = in->channels == 4 ? 3 : in->channels;
  int n = AUGUR_PARAM_BOOL_VALUE (params, TC_PER_CHANNEL) ? cc : 1;
  double scale = params[TC_SCALE].v[0], low[3], high[3];

  /* Albumentations draws all the low points, then all the high ones. */
  for (int i = 0; i < n; i++)
    {
      double v = 0.25 + scale * augur_rng_normal (rng);

      low[i] = CLAMP (v, 0, 1);
    }
  for (int i = 0; i < n; i++)
    {
      double v = 0.75 + scale * augur_rng_normal (rng);

      high[i] = CLAMP (v, 0, 1);
    }
  augur_drawn_set_list (drawn, "low_y", low, n);
  augur_drawn_set_list (drawn, "high_y", high, n);
}

/* Albumentations' move_tone_curve(): the cubic Bezier through (0, 0) and
 * (1, 1) with inner control values low_y and high_y, evaluated at t = x/255
 * and rounded. */
static AugurImage *
tc_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  guint n_low = 0, n_high = 0;
  const double *low = augur_drawn_get_list (drawn, "low_y", &n_low);
  const double *high = augur_drawn_get_list (drawn, "high_y", &n_high);
  guint8 luts[3][256];

  for (int c = 0; c < 3; c++)
    {
      double a = n_low ? low[MIN ((guint) c, n_low - 1)] : 0.25;
      double b = n_high ? high[MIN ((guint) c, n_high - 1)] : 0.75;

      for (int i = 0; i < 256; i++)
        {
          double t = i / 255.0, u = 1 - t;

          luts[c][i] = augur_clamp_u8 (rint ((3 * u * u * t * a + 3 * u * t * t * b + t * t * t) * 255));
        }
    }
  return augur_apply_channel_luts (src, luts);
}

/* AutoContrast ------------------------------------------------------------------- */

enum { AC_CUTOFF, AC_IGNORE, AC_METHOD };
enum { AC_CDF, AC_PIL };

static const char *const ac_method_nicks[] = { "cdf", "pil", NULL };

static const AugurParamSpec ac_params[] = {
  [AC_CUTOFF] = {
    .name = "cutoff", .label = "Cutoff",
    .description = "Percent of the darkest and of the brightest pixels ignored when finding the range",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0, .max = 49, .ui_min = 0, .ui_max = 10, .step = 0.1, .def = { 0 } },
  [AC_IGNORE] = {
    .name = "ignore", .label = "Ignored level",
    .description = "A level left out of the histogram and left as it is (a background value), or none",
    .type = AUGUR_PARAM_INT, .flags = AUGUR_PARAM_NULLABLE,
    .min = 0, .max = 255, .ui_min = 0, .ui_max = 255, .step = 1, .def_null = TRUE },
  [AC_METHOD] = {
    .name = "method", .label = "Method",
    .description = "cdf: levels spread by their cumulative distribution; pil: a linear "
                   "stretch of the range to 0-255, as Pillow's ImageOps.autocontrast",
    .type = AUGUR_PARAM_ENUM, .def_nick = AC_CDF, .nicks = ac_method_nicks },
};

/* One channel's table: the histogram (the ignored level taken out) gives
 * the range, narrowed by @cutoff percent of the pixels at each end, which
 * is stretched to 0-255 linearly (pil) or by the cumulative distribution
 * (cdf). A channel of one level is left as it is. */
static void
ac_lut (guint64  hist[256],
        double   cutoff,
        int      ignore,
        int      method,
        guint8   lut[256])
{
  guint64 total = 0, cdf[256], acc = 0;
  int lo, hi;

  for (int i = 0; i < 256; i++)
    lut[i] = (guint8) i;
  if (ignore >= 0)
    hist[ignore] = 0;
  for (int i = 0; i < 256; i++)
    total += hist[i];
  if (total == 0)
    return;

  if (cutoff > 0)
    {
      /* Albumentations' get_histogram_bounds (): lo is one past the level
       * where the count from below reaches the cut, hi the level where
       * the count from above does (a flat histogram: cutoff percent of
       * the 256 levels off each end). */
      double cut = total * cutoff / 100.0, sum = 0;
      gboolean flat = TRUE;

      for (int i = 1; i < 256; i++)
        flat &= hist[i] == hist[0];
      if (flat)
        {
          lo = (int) (256 * cutoff / 100);
          hi = 255 - lo;
        }
      else
        {
          lo = 0;
          for (int i = 0; i < 256; i++)
            {
              sum += (double) hist[i];
              if (sum >= cut)
                {
                  lo = i + 1;
                  break;
                }
            }
          lo = MIN (lo, 255);
          hi = 255;
          sum = 0;
          for (int i = 255; i >= 0; i--)
            {
              sum += (double) hist[i];
              if (sum >= cut)
                {
                  hi = i;
                  break;
                }
            }
        }
    }
  else
    {
      for (lo = 0; hist[lo] == 0; lo++)
        ;
      for (hi = 255; hist[hi] == 0; hi--)
        ;
    }
  if (lo >= hi)
    return;

  if (method == AC_PIL)
    {
      double scale = 255.0 / (hi - lo), offset = -lo * scale;

      for (int i = 0; i < 256; i++)
        lut[i] = augur_clamp_u8 (i * scale + offset);
    }
  else
    {
      double span;

      for (int i = 0; i < 256; i++)
        {
          acc += hist[i];
          cdf[i] = acc;
        }
      span = (double) (cdf[hi] - cdf[lo]);
      for (int i = 0; i < 256; i++)
        lut[i] = i <= lo ? 0 : i >= hi ? 255 : augur_clamp_u8 ((double) (cdf[i] - cdf[lo]) * 255.0 / span);
    }
  if (ignore >= 0)
    lut[ignore] = (guint8) ignore;
}

static AugurImage *
ac_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int ignore = params[AC_IGNORE].is_null ? -1 : (int) params[AC_IGNORE].v[0];
  guint8 luts[3][256];
  guint64 hist[3][256];

  augur_channel_histograms (src, hist);
  for (int c = 0; c < tone_channels (src); c++)
    ac_lut (hist[c], params[AC_CUTOFF].v[0], ignore, AUGUR_PARAM_NICK (params, AC_METHOD), luts[c]);
  return augur_apply_channel_luts (src, luts);
}

/* Illumination ------------------------------------------------------------------- */

enum { IL_MODE, IL_INTENSITY, IL_EFFECT, IL_ANGLE, IL_CENTER, IL_SIGMA };
enum { IL_LINEAR, IL_CORNER, IL_GAUSSIAN };
enum { IL_BRIGHTEN, IL_DARKEN, IL_BOTH };

static const char *const il_mode_nicks[] = { "linear", "corner", "gaussian", NULL };
static const char *const il_effect_nicks[] = { "brighten", "darken", "both", NULL };

static const AugurParamSpec il_params[] = {
  [IL_MODE] = {
    .name = "mode", .label = "Pattern",
    .description = "linear: a gradient along a direction; corner: light falling off from one "
                   "corner; gaussian: a spot of light",
    .type = AUGUR_PARAM_ENUM, .def_nick = IL_LINEAR, .nicks = il_mode_nicks },
  [IL_INTENSITY] = {
    .name = "intensity_range", .label = "Intensity",
    .description = "Range of the strength of the effect, as a fraction of 255 (linear) or of "
                   "the pixel (corner, gaussian)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.5, .step = 0.01, .def = { 0.01, 0.2 } },
  [IL_EFFECT] = {
    .name = "effect_type", .label = "Effect",
    .description = "Brighten, darken, or either with even chance",
    .type = AUGUR_PARAM_ENUM, .def_nick = IL_BOTH, .nicks = il_effect_nicks },
  [IL_ANGLE] = {
    .name = "angle_range", .label = "Angle",
    .description = "Range of the direction the linear gradient brightens toward, in degrees "
                   "(0 to the right, 90 down)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 360, .ui_min = 0, .ui_max = 360, .step = 1, .def = { 0, 360 } },
  [IL_CENTER] = {
    .name = "center_range", .label = "Centre",
    .description = "Range of the gaussian spot's centre, as a fraction of width and of height",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.1, 0.9 } },
  [IL_SIGMA] = {
    .name = "sigma_range", .label = "Spot size",
    .description = "Range of the gaussian spot's standard deviation, as a fraction of the longer side",
    .type = AUGUR_PARAM_RANGE,
    .min = 0.01, .max = 5, .ui_min = 0.05, .ui_max = 1, .step = 0.01, .def = { 0.2, 1.0 } },
};

/* Every value, whatever the mode (those the mode does not use are 0). */
static const AugurDrawnSpec il_drawn[] = {
  { "intensity", FALSE, -1, 1, .label = "Intensity" },
  { "angle", FALSE, 0, 360, .label = "Angle", .unit = "°" },
  { "corner", FALSE, 0, 3, .label = "Corner" },
  { "center_x", FALSE, 0, 1, .label = "Centre x" },
  { "center_y", FALSE, 0, 1, .label = "Centre y" },
  { "sigma", FALSE, 0, 5, .label = "Sigma" },
  { NULL },
};

static void
il_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  int mode = AUGUR_PARAM_NICK (params, IL_MODE), effect = AUGUR_PARAM_NICK (params, IL_EFFECT);
  double intensity = augur_rng_range (rng, params[IL_INTENSITY].v[0], params[IL_INTENSITY].v[1]);
  double angle = 0, corner = 0, cx = 0, cy = 0, sigma = 0;

  if (effect == IL_BOTH)
    intensity *= augur_rng_chance (rng, 0.5) ? -1 : 1;
  else if (effect == IL_DARKEN)
    intensity = -intensity;

  if (mode == IL_LINEAR)
    angle = augur_rng_range (rng, params[IL_ANGLE].v[0], params[IL_ANGLE].v[1]);
  else if (mode == IL_CORNER)
    corner = (double) augur_rng_int (rng, 0, 3);
  else
    {
      cx = augur_rng_range (rng, params[IL_CENTER].v[0], params[IL_CENTER].v[1]);
      cy = augur_rng_range (rng, params[IL_CENTER].v[0], params[IL_CENTER].v[1]);
      sigma = augur_rng_range (rng, params[IL_SIGMA].v[0], params[IL_SIGMA].v[1]);
    }

  augur_drawn_set (drawn, "intensity", intensity);
  augur_drawn_set (drawn, "angle", angle);
  augur_drawn_set (drawn, "corner", corner);
  augur_drawn_set (drawn, "center_x", cx);
  augur_drawn_set (drawn, "center_y", cy);
  augur_drawn_set (drawn, "sigma", sigma);
}

/* d = s * mul + add per pixel, the colour channels only. */
AUGUR_SIMD_CLONES static void
illuminate_row (guint8       *restrict d,
                const guint8 *restrict s,
                const float  *restrict mul,
                const float  *restrict add,
                int                    w,
                int                    nc)
{
  for (int x = 0; x < w; x++)
    for (int c = 0; c < nc; c++)
      {
        float v = c == 3 ? s[x * nc + c] : s[x * nc + c] * mul[x] + add[x] + 0.5f;

        v = MAX (v, 0.0f);
        d[x * nc + c] = (guint8) MIN (v, 255.0f);
      }
}

/*
 * Albumentations' Illumination:
 * - linear: a gradient g, 0 to 1 along the direction of the angle over
 *   coordinates normalised to [0, 1] (min-max stretched), added as
 *   intensity * g (in [0, 1] units);
 * - corner: the pixel multiplied by 1 - intensity * d / sqrt (w^2 + h^2),
 *   d the distance to the drawn corner pixel (0 top-left, then clockwise):
 *   light kept at the corner, falling off away from it;
 * - gaussian: multiplied by 1 + intensity * exp(-r^2 / 2 (sigma * side)^2)
 *   around the drawn centre, side the longer one.
 */
static AugurImage *
il_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int mode = AUGUR_PARAM_NICK (params, IL_MODE);
  int w = src->width, h = src->height, nc = src->channels;
  double intensity = augur_drawn_get (drawn, "intensity");
  g_autofree float *gx = g_new (float, w);
  g_autofree float *gy = g_new (float, h);
  AugurImage *out = augur_image_new_like_uninitialized (src);
  g_autofree float *mul = g_new (float, w);
  g_autofree float *add = g_new (float, w);
  double a = 0, b = 0, lo = 0, span = 1;
  float dmax = (float) hypot (w, h);
  int corner = 0;

  if (mode == IL_LINEAR)
    {
      double t = augur_drawn_get (drawn, "angle") * G_PI / 180.0;
      double cs = cos (t), sn = sin (t);

      /* The extremes of x cos + y sin over the unit square are at its corners. */
      lo = MIN (0, cs) + MIN (0, sn);
      span = fabs (cs) + fabs (sn);
      for (int x = 0; x < w; x++)
        gx[x] = (float) (cs * (w > 1 ? x / (double) (w - 1) : 0));
      for (int y = 0; y < h; y++)
        gy[y] = (float) (sn * (h > 1 ? y / (double) (h - 1) : 0));
    }
  else if (mode == IL_GAUSSIAN)
    {
      double side = MAX (w, h) * augur_drawn_get (drawn, "sigma");
      double s2 = 2 * side * side;

      a = augur_drawn_get (drawn, "center_x") * w;
      b = augur_drawn_get (drawn, "center_y") * h;
      for (int x = 0; x < w; x++)
        gx[x] = (float) exp (-(x - a) * (x - a) / s2);
      for (int y = 0; y < h; y++)
        gy[y] = (float) exp (-(y - b) * (y - b) / s2);
    }
  else
    corner = CLAMP ((int) augur_drawn_get (drawn, "corner"), 0, 3);

  for (int y = 0; y < h; y++)
    {
      /* This row's factor and offset per pixel, then one pass over it. */
      for (int x = 0; x < w; x++)
        {
          if (mode == IL_LINEAR)
            {
              mul[x] = 1;
              add[x] = (float) (intensity * 255.0 * ((gx[x] + gy[y] - lo) / span));
            }
          else if (mode == IL_GAUSSIAN)
            {
              mul[x] = (float) (1 + intensity * gx[x] * gy[y]);
              add[x] = 0;
            }
          else
            {
              float px = corner == 1 || corner == 2 ? w - 1 - x : x;
              float py = corner >= 2 ? h - 1 - y : y;

              mul[x] = (float) (1 - intensity * sqrtf (px * px + py * py) / dmax);
              add[x] = 0;
            }
        }
      illuminate_row (augur_image_row (out, y), augur_image_row (src, y), mul, add, w, nc);
    }
  return out;
}

/* The table ---------------------------------------------------------------------- */

const AugurTransformInfo augur_tone_transforms[] = {
  {
    .name = "InvertImg",
    .label = "Invert",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Invert every colour channel, 255 - x (gray too).",
    .version = 1,
    .default_p = 0.5,
    .drawn = augur_no_drawn,
    .sample = augur_sample_nothing,
    .apply = invert_apply,
  },
  {
    .name = "Solarize",
    .label = "Solarize",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Invert the levels at or above a random threshold (gray too).",
    .version = 1,
    .default_p = 0.5,
    .params = sol_params,
    .n_params = G_N_ELEMENTS (sol_params),
    .drawn = sol_drawn,
    .sample = sol_sample,
    .apply = sol_apply,
  },
  {
    .name = "Posterize",
    .label = "Posterize",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Keep only the high bits of each level (gray too).",
    .version = 1,
    .default_p = 0.5,
    .params = post_params,
    .n_params = G_N_ELEMENTS (post_params),
    .drawn = post_drawn,
    .sample = post_sample,
    .apply = post_apply,
  },
  {
    .name = "Equalize",
    .label = "Equalize",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Flatten the histogram, per channel or of the luma (gray: its one channel).",
    .alb.absent = AUGUR_ALB_ABSENT ({ "mask", NULL, AUGUR_ALB_ABSENT_NOTE_IF_NULL,
                                      "an array restricting the equalization, which a recipe cannot hold" }),
    .version = 1,
    .default_p = 0.5,
    .params = eq_params,
    .n_params = G_N_ELEMENTS (eq_params),
    .drawn = augur_no_drawn,
    .sample = augur_sample_nothing,
    .apply = eq_apply,
  },
  {
    .name = "CLAHE",
    .label = "CLAHE",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Contrast-limited adaptive histogram equalization of the lightness "
                   "(gray: of the gray level).",
    .version = 1,
    .default_p = 0.5,
    .params = clahe_params,
    .n_params = G_N_ELEMENTS (clahe_params),
    .drawn = clahe_drawn,
    .sample = clahe_sample,
    .apply = clahe_apply,
  },
  {
    .name = "RandomGamma",
    .label = "Gamma",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Apply a random gamma curve (gray too).",
    .version = 1,
    .default_p = 0.5,
    .params = gamma_params,
    .n_params = G_N_ELEMENTS (gamma_params),
    .drawn = gamma_drawn,
    .sample = gamma_sample,
    .apply = gamma_apply,
  },
  {
    .name = "RandomToneCurve",
    .label = "Tone curve",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Map levels through a random S-shaped or bowed curve (gray too).",
    .version = 1,
    .default_p = 0.5,
    .params = tc_params,
    .n_params = G_N_ELEMENTS (tc_params),
    .drawn = tc_drawn,
    .sample = tc_sample,
    .apply = tc_apply,
  },
  {
    .name = "AutoContrast",
    .label = "Auto contrast",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Stretch each channel's range of levels to 0-255 (gray too).",
    .version = 1,
    .default_p = 0.5,
    .params = ac_params,
    .n_params = G_N_ELEMENTS (ac_params),
    .drawn = augur_no_drawn,
    .sample = augur_sample_nothing,
    .apply = ac_apply,
  },
  {
    .name = "Illumination",
    .label = "Illumination",
    .category = AUGUR_CATEGORY_COLOR,
    .description = "Brighten or darken along a gradient, from a corner or in a spot (gray too).",
    .version = 1,
    .default_p = 0.5,
    .params = il_params,
    .n_params = G_N_ELEMENTS (il_params),
    .drawn = il_drawn,
    .sample = il_sample,
    .apply = il_apply,
  },
};

const guint augur_n_tone_transforms = G_N_ELEMENTS (augur_tone_transforms);
