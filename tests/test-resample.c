/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-cpu.h"
#include "augur-pipeline.h"
#include "augur-recipe.h"
#include "augur-resample.h"
#include "augur-rng.h"
#include "augur-strips.h"

#include "augur-test-util.h"

static const int channel_counts[] = { 1, 3, 4 };

/* A one-row gray image with the given values. */
static AugurImage *
row_image (const guint8 *values,
           int           n)
{
  AugurImage *image = augur_image_new (n, 1, 1);

  memcpy (image->data, values, n);
  return image;
}

static void
translation (double  dx,
             double  dy,
             double  inverse[6])
{
  /* output point p comes from input point p - (dx, dy) */
  inverse[0] = 1, inverse[1] = 0, inverse[2] = -dx;
  inverse[3] = 0, inverse[4] = 1, inverse[5] = -dy;
}

/* Borders: the classic pictures of OpenCV's documentation. ---------------- */

typedef struct
{
  AugurBorder border;
  const char *expected;  /* indices -4 .. 7 of "abcd" */
} BorderCase;

static const BorderCase border_cases[] = {
  { AUGUR_BORDER_CONSTANT,    "....abcd...." },
  { AUGUR_BORDER_REPLICATE,   "aaaaabcddddd" },
  { AUGUR_BORDER_REFLECT,     "dcbaabcddcba" },
  { AUGUR_BORDER_WRAP,        "abcdabcdabcd" },
  { AUGUR_BORDER_REFLECT_101, "cdcbabcdcbab" },
};

static void
test_border_index (gconstpointer data)
{
  const BorderCase *bc = data;
  char got[13] = { 0 };

  for (int i = -4; i < 8; i++)
    {
      int j = augur_border_index (i, 4, bc->border);

      got[i + 4] = j < 0 ? '.' : (char) ('a' + j);
    }
  g_assert_cmpstr (got, ==, bc->expected);

  /* A single pixel, and indices far away: always in range or -1. */
  for (int i = -1000; i <= 1000; i += 37)
    {
      int j = augur_border_index (i, 1, bc->border);

      if (bc->border == AUGUR_BORDER_CONSTANT)
        g_assert_cmpint (j, ==, i == 0 ? 0 : -1);
      else
        g_assert_cmpint (j, ==, 0);

      j = augur_border_index (i * 1000, 7, bc->border);
      g_assert_true (j == -1 || (j >= 0 && j < 7));
    }
}

/* A 1-D ramp shifted right by 3 pixels shows the border on its left. */
typedef struct
{
  AugurBorder border;
  guint8      expected[3];
} RampCase;

static const RampCase ramp_cases[] = {
  { AUGUR_BORDER_CONSTANT,    { 200, 200, 200 } },
  { AUGUR_BORDER_REPLICATE,   { 0, 0, 0 } },
  { AUGUR_BORDER_REFLECT,     { 20, 10, 0 } },
  { AUGUR_BORDER_WRAP,        { 50, 60, 70 } },
  { AUGUR_BORDER_REFLECT_101, { 30, 20, 10 } },
};

static void
test_border_ramp (gconstpointer data)
{
  const RampCase *rc = data;
  static const guint8 ramp[8] = { 0, 10, 20, 30, 40, 50, 60, 70 };
  g_autoptr(AugurImage) src = row_image (ramp, 8);
  AugurValue value = { .v = { 200 }, .n = 1, .nick = -1 };
  AugurFill fill;
  double inverse[6];

  augur_fill_from_value (&value, 1, &fill);
  translation (3, 0, inverse);

  /* An integer shift reads pixels exactly, whatever the kernel. */
  for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
    {
      g_autoptr(AugurImage) out = augur_warp_affine (src, 8, 1, inverse, interp, rc->border, &fill);

      for (int x = 0; x < 3; x++)
        g_assert_cmpint (augur_test_pixel (out, x, 0, 0), ==, rc->expected[x]);
      for (int x = 3; x < 8; x++)
        g_assert_cmpint (augur_test_pixel (out, x, 0, 0), ==, ramp[x - 3]);
    }
}

/* Warps -------------------------------------------------------------------- */

static void
test_warp_identity (void)
{
  double identity[6];

  augur_affine_identity (identity);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (13, 7, channel_counts[k], 1 + k);

      for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
        for (int border = AUGUR_BORDER_CONSTANT; border <= AUGUR_BORDER_REFLECT_101; border++)
          {
            g_autoptr(AugurImage) out = augur_warp_affine (src, 13, 7, identity, interp, border, NULL);

            g_assert_true (augur_image_equal (src, out));
          }
    }
}

static void
test_warp_integer_shift (void)
{
  double inverse[6];

  translation (2, -1, inverse);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      int nc = channel_counts[k];
      g_autoptr(AugurImage) src = augur_test_random_image (9, 6, nc, 10 + k);

      for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
        {
          g_autoptr(AugurImage) out = augur_warp_affine (src, 9, 6, inverse, interp,
                                                         AUGUR_BORDER_REPLICATE, NULL);

          for (int y = 0; y < 6; y++)
            for (int x = 0; x < 9; x++)
              for (int c = 0; c < nc; c++)
                {
                  int sx = CLAMP (x - 2, 0, 8), sy = CLAMP (y + 1, 0, 5);

                  g_assert_cmpint (augur_test_pixel (out, x, y, c), ==,
                                   augur_test_pixel (src, sx, sy, c));
                }
        }
    }
}

/* Half a pixel on a linear ramp: every symmetric kernel gives the mean of
 * the two neighbours away from the edges; nearest takes the right one. */
static void
test_warp_half_pixel (void)
{
  guint8 ramp[24];
  g_autoptr(AugurImage) src = NULL;
  double inverse[6];

  for (int i = 0; i < 24; i++)
    ramp[i] = (guint8) (10 * i);
  src = row_image (ramp, 24);
  translation (-0.5, 0, inverse);

  for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
    {
      g_autoptr(AugurImage) out = augur_warp_affine (src, 24, 1, inverse, interp,
                                                     AUGUR_BORDER_REFLECT_101, NULL);

      for (int x = 4; x < 19; x++)
        {
          if (interp == AUGUR_INTERP_NEAREST)
            g_assert_cmpint (augur_test_pixel (out, x, 0, 0), ==, 10 * (x + 1));
          else
            g_assert_cmpint (ABS (augur_test_pixel (out, x, 0, 0) - (10 * x + 5)), <=, 1);
        }
    }
}

/* Cubic overshoots next to a step (its negative lobes), linear never does. */
static void
test_warp_kernel_shapes (void)
{
  static const guint8 step[12] = { 50, 50, 50, 50, 50, 50, 150, 150, 150, 150, 150, 150 };
  g_autoptr(AugurImage) src = row_image (step, 12);
  double inverse[6];
  int lo[5], hi[5];

  translation (-0.25, 0, inverse);
  for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
    {
      g_autoptr(AugurImage) out = augur_warp_affine (src, 12, 1, inverse, interp,
                                                     AUGUR_BORDER_REPLICATE, NULL);

      lo[interp] = 255, hi[interp] = 0;
      for (int x = 0; x < 12; x++)
        {
          lo[interp] = MIN (lo[interp], augur_test_pixel (out, x, 0, 0));
          hi[interp] = MAX (hi[interp], augur_test_pixel (out, x, 0, 0));
        }
    }
  g_assert_cmpint (lo[AUGUR_INTERP_LINEAR], ==, 50);
  g_assert_cmpint (hi[AUGUR_INTERP_LINEAR], ==, 150);
  g_assert_cmpint (lo[AUGUR_INTERP_CUBIC], <, 50);
  g_assert_cmpint (hi[AUGUR_INTERP_CUBIC], >, 150);
  g_assert_cmpint (lo[AUGUR_INTERP_LANCZOS4], <, 50);
  g_assert_cmpint (hi[AUGUR_INTERP_LANCZOS4], >, 150);
}

/* Constant borders take the fill per channel; RGBA alpha follows the rule
 * of augur_fill_from_value(). */
static void
test_warp_constant_fill (void)
{
  static const struct {
    int    channels;
    int    n;
    double v[4];
    int    expected[4];
  } cases[] = {
    { 1, 1, { 7 },               { 7 } },
    { 1, 3, { 7, 8, 9 },         { 7 } },
    { 3, 1, { 7 },               { 7, 7, 7 } },
    { 3, 3, { 7, 8, 9 },         { 7, 8, 9 } },
    { 4, 1, { 7 },               { 7, 7, 7, 255 } },
    { 4, 3, { 7, 8, 9 },         { 7, 8, 9, 255 } },
    { 4, 4, { 7, 8, 9, 0 },      { 7, 8, 9, 0 } },
  };
  double inverse[6];

  translation (100, 100, inverse);   /* everything comes from outside */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (5, 4, cases[i].channels, 20 + i);
      AugurValue value = { .n = (gint8) cases[i].n, .nick = -1 };
      AugurFill fill;

      memcpy (value.v, cases[i].v, sizeof value.v);
      augur_fill_from_value (&value, cases[i].channels, &fill);

      for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
        {
          g_autoptr(AugurImage) out = augur_warp_affine (src, 5, 4, inverse, interp,
                                                         AUGUR_BORDER_CONSTANT, &fill);

          for (int y = 0; y < 4; y++)
            for (int x = 0; x < 5; x++)
              for (int c = 0; c < cases[i].channels; c++)
                g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, cases[i].expected[c]);
        }
    }
}

/* The inverse map of @w x @h output pixels that an affine matrix gives. */
static float *
affine_map (const double m[6],
            int          w,
            int          h)
{
  float *map = g_new (float, 2 * (gsize) w * h);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double sx = x + 0.5, sy = y + 0.5;

        augur_affine_apply (m, &sx, &sy);
        map[2 * (y * w + x)] = (float) sx;
        map[2 * (y * w + x) + 1] = (float) sy;
      }
  return map;
}

/* A per-pixel map that says the same as an affine matrix gives the same
 * pixels (up to the coordinate quantisation of 1/256 pixel). */
static void
test_warp_map_matches_affine (void)
{
  double forward[6] = { 0.9, -0.3, 4.0, 0.25, 1.1, -2.0 }, inverse[6];
  const int w = 31, h = 23;
  g_autofree float *map = NULL;

  g_assert_true (augur_affine_invert (forward, inverse));
  map = affine_map (inverse, w, h);

  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (27, 19, channel_counts[k], 30 + k);

      for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
        for (int border = AUGUR_BORDER_CONSTANT; border <= AUGUR_BORDER_REFLECT_101; border++)
          {
            g_autoptr(AugurImage) a = augur_warp_affine (src, w, h, inverse, interp, border, NULL);
            g_autoptr(AugurImage) b = augur_warp_map (src, w, h, map, interp, border, NULL);
            int differ = 0;

            for (int y = 0; y < h; y++)
              for (int i = 0; i < w * src->channels; i++)
                {
                  int d = ABS (augur_image_row (a, y)[i] - augur_image_row (b, y)[i]);

                  if (interp != AUGUR_INTERP_NEAREST)
                    g_assert_cmpint (d, <=, 3);
                  differ += d != 0;
                }
            /* nearest can only differ where a centre sits on a pixel edge */
            g_assert_cmpint (differ, <=, w * h * src->channels / 50);
          }
    }
}

/* Non-finite and huge coordinates give the border, not a crash. */
static void
test_warp_wild_coordinates (void)
{
  g_autoptr(AugurImage) src = augur_test_random_image (4, 3, 3, 40);
  float map[] = { NAN, 0.5f, INFINITY, -INFINITY, 1e30f, 1.5f, -1e30f, 2.5f };

  for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
    for (int border = AUGUR_BORDER_CONSTANT; border <= AUGUR_BORDER_REFLECT_101; border++)
      {
        g_autoptr(AugurImage) out = augur_warp_map (src, 4, 1, map, interp, border, NULL);

        g_assert_nonnull (out);
        if (border == AUGUR_BORDER_CONSTANT)
          for (int i = 0; i < 12; i++)
            g_assert_cmpint (out->data[i], ==, 0);
      }
}

/* Linear through a map weighs its two taps by the fraction of the
 * coordinate quantised to 1/128 pixel, to the bit: along a row of 0, 255,
 * 0, 255 each of the 128 fractions gives its own value. The points sit on
 * and one float either side of each step and of each half step, where
 * the rounding decides. */
static void
test_warp_map_linear_fraction (void)
{
  static const guint8 ramp[4] = { 0, 255, 0, 255 };
  g_autoptr(AugurImage) src = augur_image_new (4, 2, 1);
  const int n = 128 * 6;
  g_autofree float *map = g_new (float, 2 * n);
  g_autoptr(AugurImage) out = NULL;

  for (int y = 0; y < 2; y++)
    memcpy (augur_image_row (src, y), ramp, 4);
  for (int i = 0; i < n; i++)
    {
      float u = 0.5f + (float) (i / 6) / 128 + (i % 6 >= 3 ? 1.f / 256 : 0.f);

      map[2 * i] = i % 3 == 0 ? u : i % 3 == 1 ? nextafterf (u, 0.f) : nextafterf (u, 2.f);
      map[2 * i + 1] = 0.5f;
    }

  out = augur_warp_map (src, n, 1, map, AUGUR_INTERP_LINEAR, AUGUR_BORDER_REPLICATE, NULL);
  for (int i = 0; i < n; i++)
    {
      /* the reference, in 64 bits: index and fraction of the point, its
       * pixel corner half a pixel to the left */
      gint64 q = (gint64) floor (((double) map[2 * i] - 0.5) * 128 + 0.5);
      int x0 = (int) (q >> 7), f = (int) (q & 127);
      int p0 = ramp[CLAMP (x0, 0, 3)], p1 = ramp[CLAMP (x0 + 1, 0, 3)];

      g_assert_cmpint (out->data[i], ==, (p0 * (128 - f) * 128 + p1 * f * 128 + 8192) >> 14);
    }
}

/* Nearest through a map reads the pixel that the coordinates, quantised to
 * 1/256 pixel and floored, name, through the border: at negative
 * fractions, exact integers, NaN and beyond the clamp of +-2^22 pixels. */
static void
test_warp_map_quantised (void)
{
  static const float xs[] = {
    0.f, 0.5f, 6.99f, 7.f, -0.001f, -0.5f, -1.f, -1.25f, -7.998047f, -13.3f, 13.3f,
    0.9980469f, 0.9980468f, -0.0019531f, -0.0019532f, 4194303.5f, 4194304.f, 5e6f,
    -4194303.5f, -4194305.f, -5e6f, NAN, 1e30f, -1e30f,
  };
  const int n = G_N_ELEMENTS (xs), w = 7, h = 5;
  g_autoptr(AugurImage) src = augur_test_random_image (w, h, 3, 41);
  g_autofree float *map = g_new (float, 2 * n * n);

  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      {
        map[2 * (j * n + i)] = xs[i];
        map[2 * (j * n + i) + 1] = xs[j];
      }

  for (int border = AUGUR_BORDER_CONSTANT; border <= AUGUR_BORDER_REFLECT_101; border++)
    {
      g_autoptr(AugurImage) out = augur_warp_map (src, n, n, map, AUGUR_INTERP_NEAREST,
                                                  border, NULL);

      for (int k = 0; k < n * n; k++)
        {
          int ix[2];

          for (int a = 0; a < 2; a++)
            {
              double u = map[2 * k + a];

              /* quantised as the resampler's reference, in 64 bits */
              u = !(u > -4194304.0) ? -4194304.0 : MIN (u, 4194304.0);
              ix[a] = augur_border_index ((int) floor (floor (u * 256 + 0.5) / 256),
                                          a == 0 ? w : h, border);
            }
          for (int c = 0; c < 3; c++)
            g_assert_cmpint (augur_test_pixel (out, k % n, k / n, c), ==,
                             ix[0] < 0 || ix[1] < 0 ? 0 : augur_test_pixel (src, ix[0], ix[1], c));
        }
    }
}

typedef struct
{
  const float *map;
  int          calls;
} WholeMap;

static void
whole_map_rows (gconstpointer state,
                int           width,
                int           height,
                int           y0,
                int           n,
                float        *map)
{
  const WholeMap *m = state;

  memcpy (map, m->map + 2 * (gsize) y0 * width, 2 * (gsize) n * width * sizeof *map);
  g_atomic_int_inc ((int *) &m->calls);
}

/* A map computed row by row, in strips on two threads, gives the bytes of
 * the same map given whole, for every kernel. */
static void
test_warp_map_rows (void)
{
  const int w = 700, h = 530;
  g_autofree float *map = g_new (float, 2 * (gsize) w * h);
  g_autoptr(AugurImage) src = augur_test_random_image (640, 480, 3, 42);
  WholeMap m = { map, 0 };

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double dx = x + 0.5 - w / 2.0, dy = y + 0.5 - h / 2.0;
        double f = 0.9 + 0.3 * (dx * dx + dy * dy) / (w * w);

        map[2 * ((gsize) y * w + x)] = (float) (320 + dx * f);
        map[2 * ((gsize) y * w + x) + 1] = (float) (240 + dy * f);
      }

  for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
    {
      g_autoptr(AugurImage) whole = NULL;
      g_autoptr(AugurImage) rows = NULL;
      guint before;

      augur_strips_set_max_threads (1);
      whole = augur_warp_map (src, w, h, map, interp, AUGUR_BORDER_REFLECT_101, NULL);
      augur_strips_set_max_threads (2);
      before = augur_strips_helpers_started ();
      m.calls = 0;
      rows = augur_warp_map_rows (src, w, h, whole_map_rows, &m, interp,
                                  AUGUR_BORDER_REFLECT_101, NULL);
      augur_strips_set_max_threads (0);
      g_assert_cmpuint (augur_strips_helpers_started (), >, before);
      g_assert_cmpint (m.calls, ==, h);
      g_assert_true (augur_image_equal (whole, rows));
    }
}

/* Images of one or two pixels a side, warped with a constant border whose
 * fill is the image's own value: every output pixel mixes that value with
 * itself. On such images the bilinear path's rows above and below the
 * image used to be addressed as data - stride (a pointer before the
 * image: undefined, which UBSan reports). */
static void
test_warp_tiny_images (void)
{
  static const int sizes[][2] = { { 1, 1 }, { 1, 2 }, { 2, 1 }, { 2, 2 } };
  const double shifts[][6] = {
    { 1, 0, 0.5, 0, 1, 0.5 },     /* half a pixel: every tap straddles the border */
    { 1, 0, -0.5, 0, 1, -0.5 },
    { 0.9, 0.2, 0.1, -0.2, 0.9, 0.3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (guint k = 0; k < G_N_ELEMENTS (shifts); k++)
      for (int nc = 1; nc <= 4; nc += nc == 1 ? 2 : 1)
        {
          g_autoptr(AugurImage) src = augur_image_new (sizes[i][0], sizes[i][1], nc);
          g_autoptr(AugurImage) out = NULL;
          AugurFill fill;

          memset (src->data, 200, (gsize) src->stride * src->height);
          for (int c = 0; c < 4; c++)
            fill.v[c] = 200;
          out = augur_warp_affine (src, sizes[i][0], sizes[i][1], shifts[k], AUGUR_INTERP_LINEAR,
                                   AUGUR_BORDER_CONSTANT, &fill);
          for (int y = 0; y < out->height; y++)
            for (int x = 0; x < out->width * nc; x++)
              g_assert_cmpint (augur_image_row (out, y)[x], ==, 200);
        }
}

/* Bilinear fast path ------------------------------------------------------ */

/* @src surrounded by @pad pixels on every side that hold what @border
 * reads there (the fill, for a constant border). */
static AugurImage *
pad_image (const AugurImage *src,
           int               pad,
           AugurBorder       border,
           const AugurFill  *fill)
{
  int nc = src->channels;
  AugurImage *out = augur_image_new (src->width + 2 * pad, src->height + 2 * pad, nc);

  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      {
        int sx = augur_border_index (x - pad, src->width, border);
        int sy = augur_border_index (y - pad, src->height, border);

        for (int c = 0; c < nc; c++)
          augur_image_row (out, y)[x * nc + c] =
            sx < 0 || sy < 0 ? (guint8) fill->v[c] : (guint8) augur_test_pixel (src, sx, sy, c);
      }
  return out;
}

/* An inverse matrix near a rotation and scale, its entries multiples of
 * 1/1024 so that every coordinate the warp computes is exact. */
static void
dyadic_matrix (AugurRng *rng,
               int       w,
               int       h,
               double    m[6])
{
  double angle = augur_rng_range (rng, -G_PI, G_PI);
  double scale = augur_rng_range (rng, 0.6, 1.6);
  double shear = augur_rng_range (rng, -0.3, 0.3);
  double raw[6] = {
    scale * cos (angle), scale * (-sin (angle) + shear), 0,
    scale * sin (angle), scale * cos (angle), 0,
  };

  /* about the centre, plus a shift of up to a third of the image */
  raw[2] = w / 2.0 - raw[0] * w / 2.0 - raw[1] * h / 2.0 + augur_rng_range (rng, -w / 3.0, w / 3.0);
  raw[5] = h / 2.0 - raw[3] * w / 2.0 - raw[4] * h / 2.0 + augur_rng_range (rng, -h / 3.0, h / 3.0);
  for (int i = 0; i < 6; i++)
    m[i] = round (raw[i] * 1024) / 1024;
}

/* The warp of an image equals the warp of the same image padded with its
 * own border, where every tap is inside: the span path (no border logic)
 * and the border path compute the same bits. Every border mode, 1, 3 and
 * 4 channels, odd sizes, random matrices; also through a per-pixel map. */
static void
test_warp_linear_paths_agree (void)
{
  static const int sizes[][2] = { { 13, 9 }, { 31, 17 }, { 2, 5 }, { 40, 1 } };
  const int pad = 96;
  AugurRng rng;

  augur_rng_init (&rng, 2024);
  for (guint sz = 0; sz < G_N_ELEMENTS (sizes); sz++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      for (int border = AUGUR_BORDER_CONSTANT; border <= AUGUR_BORDER_REFLECT_101; border++)
        for (int trial = 0; trial < 4; trial++)
          {
            int w = sizes[sz][0], h = sizes[sz][1], nc = channel_counts[k];
            int ow = w + 3, oh = h + 2;
            g_autoptr(AugurImage) src = augur_test_random_image (w, h, nc,
                                                                 100 + 17 * sz + 5 * k + trial);
            AugurFill fill = { { 7, 200, 33, trial % 2 ? 128 : 255 } };
            g_autoptr(AugurImage) padded = pad_image (src, pad, border, &fill);
            g_autoptr(AugurImage) a = NULL;
            g_autoptr(AugurImage) b = NULL;
            g_autoptr(AugurImage) c = NULL;
            g_autofree float *map = g_new (float, 2 * ow * oh);
            double m[6], mp[6];

            dyadic_matrix (&rng, w, h, m);
            memcpy (mp, m, sizeof m);
            mp[2] += pad;
            mp[5] += pad;
            for (int y = 0; y < oh; y++)
              for (int x = 0; x < ow; x++)
                {
                  double sx = x + 0.5, sy = y + 0.5;

                  augur_affine_apply (m, &sx, &sy);
                  g_assert_cmpfloat (fabs (sx), <, pad - 2);
                  g_assert_cmpfloat (fabs (sy), <, pad - 2);
                  map[2 * (y * ow + x)] = (float) sx;
                  map[2 * (y * ow + x) + 1] = (float) sy;
                }

            a = augur_warp_affine (src, ow, oh, m, AUGUR_INTERP_LINEAR, border, &fill);
            b = augur_warp_affine (padded, ow, oh, mp, AUGUR_INTERP_LINEAR, AUGUR_BORDER_CONSTANT, NULL);
            c = augur_warp_map (src, ow, oh, map, AUGUR_INTERP_LINEAR, border, &fill);
            g_assert_true (augur_image_equal (a, b));
            g_assert_true (augur_image_equal (a, c));
          }
}

/* The linear warp's pairs of pixels in AVX2 give the bytes of the
 * portable loop, inside, across the edges and in every border, for
 * rotations, zooms and shears of three- and four-channel images. */
static void
test_warp_linear_wide (void)
{
  static const int sizes[][2] = { { 13, 9 }, { 64, 40 }, { 3, 2 } };
  AugurRng rng;

  if (!augur_cpu_has (AUGUR_CPU_AVX2))
    {
      g_test_skip ("no AVX2 on this processor");
      return;
    }

  augur_rng_init (&rng, 91);
  for (guint sz = 0; sz < G_N_ELEMENTS (sizes); sz++)
    for (int nc = 3; nc <= 4; nc++)
      for (int border = AUGUR_BORDER_CONSTANT; border <= AUGUR_BORDER_REFLECT_101; border++)
        for (int trial = 0; trial < 4; trial++)
          {
            int w = sizes[sz][0], h = sizes[sz][1];
            g_autoptr(AugurImage) src = augur_test_random_image (w, h, nc, 500 + 11 * sz + trial);
            AugurFill fill = { { 30, 60, 90, 120 } };
            g_autoptr(AugurImage) wide = NULL;
            g_autoptr(AugurImage) portable = NULL;
            double m[6];

            dyadic_matrix (&rng, w, h, m);
            m[0] += 0.001 * trial, m[4] -= 0.0007 * trial;   /* fractions off the dyadic grid */
            wide = augur_warp_affine (src, w + 7, h + 5, m, AUGUR_INTERP_LINEAR, border, &fill);
            g_setenv ("AUGUR_NO_AVX2", "1", TRUE);
            portable = augur_warp_affine (src, w + 7, h + 5, m, AUGUR_INTERP_LINEAR, border, &fill);
            g_unsetenv ("AUGUR_NO_AVX2");
            g_assert_true (augur_image_equal (wide, portable));
          }
}

/* A constant border's affine warp samples only the run of each row whose
 * taps reach the input and fills the rest: the same bytes as the map
 * path, which samples every pixel, for every kernel, with rows that run
 * forwards, backwards, along one axis only, and wholly outside. */
static void
test_warp_constant_span (void)
{
  static const int sizes[][2] = { { 13, 9 }, { 31, 17 }, { 1, 1 }, { 64, 3 } };
  AugurRng rng;

  augur_rng_init (&rng, 77);
  for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
    for (guint sz = 0; sz < G_N_ELEMENTS (sizes); sz++)
      for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
        for (int trial = 0; trial < 8; trial++)
          {
            int w = sizes[sz][0], h = sizes[sz][1], nc = channel_counts[k];
            int ow = w + 5, oh = h + 4;
            g_autoptr(AugurImage) src = augur_test_random_image (w, h, nc, 300 + 7 * sz + trial);
            AugurFill fill = { { 9, trial % 2 ? 9 : 180, 9, trial % 2 ? 9 : 40 } };
            g_autoptr(AugurImage) a = NULL;
            g_autoptr(AugurImage) c = NULL;
            g_autofree float *map = NULL;
            double m[6];

            if (trial % 4 == 0)
              {
                /* axis-aligned, possibly mirrored: one axis is constant
                 * along a row, so whole rows fall outside */
                double sx = trial == 0 ? 1.25 : -0.75, sy = trial == 0 ? -1.5 : 0.5;

                m[0] = sx, m[1] = 0, m[2] = trial == 0 ? 3.5 : w + 2.25;
                m[3] = 0, m[4] = sy, m[5] = trial == 0 ? h + 1.75 : -2.5;
              }
            else
              dyadic_matrix (&rng, w, h, m);

            map = affine_map (m, ow, oh);
            a = augur_warp_affine (src, ow, oh, m, interp, AUGUR_BORDER_CONSTANT, &fill);
            c = augur_warp_map (src, ow, oh, map, interp, AUGUR_BORDER_CONSTANT, &fill);
            g_assert_true (augur_image_equal (a, c));
          }
}

/* Bilinear against its definition computed in double from the unquantised
 * coordinates: off by at most what 1/256 pixel of position is worth on
 * random pixels, and by much less on average. */
static void
test_warp_linear_reference (void)
{
  AugurRng rng;

  augur_rng_init (&rng, 77);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    for (int border = AUGUR_BORDER_CONSTANT; border <= AUGUR_BORDER_REFLECT_101; border++)
      {
        int nc = channel_counts[k], w = 37, h = 23;
        g_autoptr(AugurImage) src = augur_test_random_image (w, h, nc, 300 + k);
        g_autoptr(AugurImage) out = NULL;
        AugurFill fill = { { 90, 10, 250, 255 } };
        double m[6], total = 0;
        int worst = 0;

        dyadic_matrix (&rng, w, h, m);
        m[0] += 0.000123, m[4] -= 0.000321, m[2] += 0.3;   /* not dyadic */
        out = augur_warp_affine (src, w, h, m, AUGUR_INTERP_LINEAR, border, &fill);

        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++)
            {
              double sx = x + 0.5, sy = y + 0.5, fx, fy;
              int x0, y0;

              augur_affine_apply (m, &sx, &sy);
              sx -= 0.5, sy -= 0.5;
              x0 = (int) floor (sx), y0 = (int) floor (sy);
              fx = sx - x0, fy = sy - y0;
              for (int c = 0; c < nc; c++)
                {
                  double v = 0;
                  int d;

                  for (int j = 0; j < 2; j++)
                    for (int i = 0; i < 2; i++)
                      {
                        int ix = augur_border_index (x0 + i, w, border);
                        int iy = augur_border_index (y0 + j, h, border);
                        double p = ix < 0 || iy < 0 ? fill.v[c] : augur_test_pixel (src, ix, iy, c);

                        v += p * (i ? fx : 1 - fx) * (j ? fy : 1 - fy);
                      }
                  d = ABS (augur_test_pixel (out, x, y, c) - (int) floor (v + 0.5));
                  worst = MAX (worst, d);
                  total += d;
                }
            }
        g_test_message ("%d channels, border %s: largest difference %d, mean %.3f",
                        nc, augur_border_nicks[border], worst, total / (w * h * nc));
        g_assert_cmpint (worst, <=, 3);
        g_assert_cmpfloat (total / (w * h * nc), <, 0.5);
      }
}

/* Resize ------------------------------------------------------------------- */

typedef struct
{
  const char        *name;
  AugurInterpolation interp;
  int                in_n;
  guint8             in[6];
  int                out_n;
  guint8             out[6];
} ResizeCase;

static const ResizeCase resize_cases[] = {
  { "nearest-down",  AUGUR_INTERP_NEAREST, 4, { 0, 10, 20, 30 }, 2, { 10, 30 } },
  { "nearest-up",    AUGUR_INTERP_NEAREST, 2, { 0, 100 }, 4, { 0, 0, 100, 100 } },
  { "linear-up",     AUGUR_INTERP_LINEAR, 2, { 0, 100 }, 4, { 0, 25, 75, 100 } },
  { "linear-down",   AUGUR_INTERP_LINEAR, 4, { 0, 10, 20, 30 }, 2, { 5, 25 } },
  { "area-down-2",   AUGUR_INTERP_AREA, 4, { 0, 10, 20, 40 }, 2, { 5, 30 } },
  { "area-down-1.5", AUGUR_INTERP_AREA, 3, { 0, 90, 180 }, 2, { 30, 150 } },
  { "area-down-3",   AUGUR_INTERP_AREA, 6, { 0, 30, 60, 90, 90, 90 }, 2, { 30, 90 } },
  { "area-up-2",     AUGUR_INTERP_AREA, 2, { 0, 100 }, 4, { 0, 0, 100, 100 } },
  { "area-up-1.5",   AUGUR_INTERP_AREA, 2, { 0, 90 }, 3, { 0, 45, 90 } },
  { "cubic-up-flat", AUGUR_INTERP_CUBIC, 3, { 77, 77, 77 }, 5, { 77, 77, 77, 77, 77 } },
  { "lanczos-flat",  AUGUR_INTERP_LANCZOS4, 3, { 77, 77, 77 }, 6, { 77, 77, 77, 77, 77, 77 } },
  { "to-one",        AUGUR_INTERP_AREA, 4, { 0, 10, 20, 30 }, 1, { 15 } },
  { "from-one",      AUGUR_INTERP_CUBIC, 1, { 42 }, 3, { 42, 42, 42 } },
};

static void
test_resize_row (gconstpointer data)
{
  const ResizeCase *rc = data;
  g_autoptr(AugurImage) src = row_image (rc->in, rc->in_n);
  g_autoptr(AugurImage) out = augur_resize (src, rc->out_n, 1, rc->interp);
  g_autoptr(AugurImage) column = NULL;
  g_autoptr(AugurImage) out_column = NULL;

  g_assert_cmpint (out->width, ==, rc->out_n);
  g_assert_cmpint (out->height, ==, 1);
  for (int x = 0; x < rc->out_n; x++)
    g_assert_cmpint (ABS (augur_test_pixel (out, x, 0, 0) - rc->out[x]), <=, 1);

  /* The same along the other axis. */
  column = augur_image_new (1, rc->in_n, 1);
  for (int y = 0; y < rc->in_n; y++)
    augur_image_row (column, y)[0] = rc->in[y];
  out_column = augur_resize (column, 1, rc->out_n, rc->interp);
  for (int y = 0; y < rc->out_n; y++)
    g_assert_cmpint (augur_test_pixel (out_column, 0, y, 0), ==, augur_test_pixel (out, y, 0, 0));
}

/* Every interpolation keeps a flat image flat, in every channel, at sizes
 * that shrink, grow, and both. */
static void
test_resize_flat (void)
{
  static const int sizes[][2] = { { 1, 1 }, { 7, 3 }, { 20, 20 }, { 3, 40 }, { 64, 1 } };

  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      int nc = channel_counts[k];
      g_autoptr(AugurImage) src = augur_image_new (17, 11, nc);

      for (int y = 0; y < 11; y++)
        for (int x = 0; x < 17; x++)
          for (int c = 0; c < nc; c++)
            augur_image_row (src, y)[x * nc + c] = (guint8) (40 + 50 * c);

      for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
        for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
          {
            g_autoptr(AugurImage) out = augur_resize (src, sizes[s][0], sizes[s][1], interp);

            g_assert_cmpint (out->width, ==, sizes[s][0]);
            g_assert_cmpint (out->height, ==, sizes[s][1]);
            g_assert_cmpint (out->channels, ==, nc);
            for (int y = 0; y < out->height; y++)
              for (int x = 0; x < out->width; x++)
                for (int c = 0; c < nc; c++)
                  g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, 40 + 50 * c);
          }
    }
}

/* Area shrinking by an integer factor is the exact block mean. */
static void
test_resize_area_blocks (void)
{
  g_autoptr(AugurImage) src = augur_test_random_image (12, 9, 3, 50);
  g_autoptr(AugurImage) out = augur_resize (src, 4, 3, AUGUR_INTERP_AREA);

  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 4; x++)
      for (int c = 0; c < 3; c++)
        {
          int sum = 0;

          for (int j = 0; j < 3; j++)
            for (int i = 0; i < 3; i++)
              sum += augur_test_pixel (src, 3 * x + i, 3 * y + j, c);
          g_assert_cmpint (ABS (augur_test_pixel (out, x, y, c) * 9 - sum), <=, 5);
        }
}

/* GaussianBlur ------------------------------------------------------------ */

/* The blur computed in double from its definition (the kernel of
 * GaussianBlur, reflect_101 borders), rounded once. */
static AugurImage *
reference_blur (const AugurImage *src,
                double            sigma,
                int               r)
{
  int w = src->width, h = src->height, nc = src->channels;
  AugurImage *out = augur_image_new (w, h, nc);
  g_autofree double *k = g_new (double, 2 * r + 1);
  g_autofree double *tmp = g_new (double, (gsize) w * h * nc);
  double sum = 0;

  for (int i = -r; i <= r; i++)
    sum += k[i + r] = exp (-0.5 * (i / sigma) * (i / sigma));
  for (int i = 0; i <= 2 * r; i++)
    k[i] /= sum;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < nc; c++)
        {
          double acc = 0;

          for (int j = -r; j <= r; j++)
            acc += k[j + r] * augur_test_pixel (src,
                                                augur_border_index (x + j, w, AUGUR_BORDER_REFLECT_101), y, c);
          tmp[((gsize) y * w + x) * nc + c] = acc;
        }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < nc; c++)
        {
          double acc = 0;

          for (int j = -r; j <= r; j++)
            {
              int sy = augur_border_index (y + j, h, AUGUR_BORDER_REFLECT_101);

              acc += k[j + r] * tmp[((gsize) sy * w + x) * nc + c];
            }
          augur_image_row (out, y)[x * nc + c] = (guint8) CLAMP (floor (acc + 0.5), 0, 255);
        }
  return out;
}

static AugurImage *
run_blur (const AugurImage *src,
          double            sigma,
          int               ksize)
{
  g_autofree char *json = g_strdup_printf ("{\"type\": \"GaussianBlur\", \"params\": "
                                           "{\"sigma_limit\": [%g, %g], \"blur_limit\": [%d, %d]}}",
                                           sigma, sigma, ksize, ksize);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = json_from_string (json, &error);
  g_autoptr(AugurNode) node = NULL;
  g_autoptr(AugurReplay) replay = NULL;
  AugurShape shape = { src->width, src->height, src->channels };

  g_assert_no_error (error);
  node = augur_node_from_json (root, "test", &error);
  g_assert_no_error (error);
  replay = augur_node_sample_forced (node, &shape, 1);
  return augur_node_apply (node, src, replay);
}

/* The fixed-point blur is the exact blur within one level, on every path:
 * images wide enough for the split into a middle and two reflected ends,
 * narrow ones padded whole, rows shorter than the kernel, odd sizes. */
static void
test_blur_matches_reference (void)
{
  static const struct {
    int    width, height;
    double sigma;
    int    ksize;   /* 0: from sigma */
  } cases[] = {
    { 97, 41, 2.0, 0 },    /* r = 7, the benchmark's kernel */
    { 64, 64, 0.8, 0 },    /* r = 2 */
    { 29, 13, 2.0, 0 },    /* narrower than 4 r: padded whole */
    { 5, 9, 3.3, 0 },      /* the kernel longer than the image */
    { 1, 17, 1.5, 7 },
    { 33, 1, 1.5, 9 },
    { 50, 23, 5.0, 31 },
    { 203, 7, 1.1, 0 },    /* r = 3, odd: a tap pair with one weight */
    { 6, 40, 0.9, 5 },     /* rows shorter than a vector */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      {
        int nc = channel_counts[k];
        g_autoptr(AugurImage) src = augur_test_random_image (cases[i].width, cases[i].height, nc,
                                                             70 + 3 * i + k);
        int ksize = cases[i].ksize ? cases[i].ksize : (int) (cases[i].sigma * 3.5) * 2 + 1;
        g_autoptr(AugurImage) got = run_blur (src, cases[i].sigma, cases[i].ksize);
        g_autoptr(AugurImage) want = reference_blur (src, cases[i].sigma, ksize / 2);
        g_autoptr(AugurImage) portable = NULL;
        int worst = 0, differ = 0;

        /* the run-time choice of AVX2 changes no bit */
        g_setenv ("AUGUR_NO_AVX2", "1", TRUE);
        portable = run_blur (src, cases[i].sigma, cases[i].ksize);
        g_unsetenv ("AUGUR_NO_AVX2");
        g_assert_true (augur_image_equal (got, portable));

        for (int y = 0; y < src->height; y++)
          for (int x = 0; x < src->width * nc; x++)
            {
              int d = ABS (augur_image_row (got, y)[x] - augur_image_row (want, y)[x]);

              worst = MAX (worst, d);
              differ += d != 0;
            }
        g_test_message ("%dx%dx%d sigma %g: largest difference %d, %d values differ",
                        cases[i].width, cases[i].height, nc, cases[i].sigma, worst, differ);
        g_assert_cmpint (worst, <=, 1);
        /* a rounding tie now and then, not a bias */
        g_assert_cmpint (differ, <=, src->width * src->height * nc / 10);
      }
}

/* The weights of output position d along an axis of in_n -> out_n, in
 * double from their definition: linear interpolation between the two
 * centres around the mapped centre, or the overlap of the output pixel's
 * box with each input pixel. Edges replicate. */
static void
reference_axis (AugurInterpolation interp,
                int                in_n,
                int                out_n,
                int                d,
                double            *w)   /* in_n weights */
{
  double scale = (double) in_n / out_n;

  memset (w, 0, sizeof (double) * in_n);
  if (interp == AUGUR_INTERP_LINEAR)
    {
      double u = (d + 0.5) * scale - 0.5;
      int x0 = (int) floor (u);

      w[CLAMP (x0, 0, in_n - 1)] += 1 - (u - x0);
      w[CLAMP (x0 + 1, 0, in_n - 1)] += u - x0;
    }
  else
    {
      double start = d * scale, end = MIN ((d + 1) * scale, in_n);

      for (int i = 0; i < in_n; i++)
        w[i] = MAX (0, MIN (end, i + 1.0) - MAX (start, (double) i)) / (end - start);
    }
}

/* Linear and area resizing in fixed point are the exact weighted sums
 * within one level, shrinking and growing, odd sizes, 1/3/4 channels. */
static void
test_resize_reference (void)
{
  static const int sizes[][4] = {
    { 97, 61, 23, 17 }, { 23, 17, 97, 61 }, { 40, 30, 40, 7 }, { 13, 11, 5, 29 }, { 1, 9, 4, 3 },
    { 66, 38, 33, 19 },
  };

  for (guint sz = 0; sz < G_N_ELEMENTS (sizes); sz++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      for (int interp = AUGUR_INTERP_LINEAR; interp <= AUGUR_INTERP_AREA; interp += 2)
        {
          int iw = sizes[sz][0], ih = sizes[sz][1], ow = sizes[sz][2], oh = sizes[sz][3];
          int nc = channel_counts[k], worst = 0;
          g_autoptr(AugurImage) src = augur_test_random_image (iw, ih, nc, 500 + 7 * sz + k);
          g_autoptr(AugurImage) out = augur_resize (src, ow, oh, interp);
          g_autofree double *wx = g_new (double, iw);
          g_autofree double *wy = g_new (double, ih);

          for (int y = 0; y < oh; y++)
            {
              reference_axis (interp, ih, oh, y, wy);
              for (int x = 0; x < ow; x++)
                {
                  reference_axis (interp, iw, ow, x, wx);
                  for (int c = 0; c < nc; c++)
                    {
                      double v = 0;

                      for (int j = 0; j < ih; j++)
                        for (int i = 0; i < iw; i++)
                          if (wx[i] != 0 && wy[j] != 0)
                            v += wx[i] * wy[j] * augur_test_pixel (src, i, j, c);
                      worst = MAX (worst,
                                   ABS (augur_test_pixel (out, x, y, c) - (int) floor (v + 0.5)));
                    }
                }
            }
          g_test_message ("%dx%d -> %dx%d, %d channels, %s: largest difference %d",
                          iw, ih, ow, oh, nc, augur_interpolation_nicks[interp], worst);
          g_assert_cmpint (worst, <=, 1);
        }
}

/* The Q11 weights of one output position of a linear axis, as the
 * fixed-point resize makes them: each rounded, the rounding error given
 * to the larger. */
static void
q11_linear_axis (int      in_n,
                 int      out_n,
                 int      d,
                 int      idx[2],
                 guint32  q[2])
{
  double scale = (double) in_n / out_n, u = (d + 0.5) * scale - 0.5, x0 = floor (u), f = u - x0;
  float w[2] = { (float) (1 - f), (float) f };

  for (int t = 0; t < 2; t++)
    {
      idx[t] = (int) CLAMP (x0 + t, 0, in_n - 1);
      q[t] = (guint32) lrintf (MAX (w[t], 0.f) * 2048);
    }
  q[w[1] > w[0] ? 1 : 0] += 2048 - q[0] - q[1];
}

/* Linear resizing is the exact sum of the Q11 weights of both axes,
 * rounded once, to the bit (the two passes may go in either order), on
 * one thread and on two. */
static void
test_resize_linear_exact (void)
{
  static const int sizes[][4] = {
    { 97, 61, 23, 17 }, { 23, 17, 97, 61 }, { 40, 30, 41, 70 }, { 13, 11, 5, 29 }, { 2, 9, 7, 3 },
    { 301, 203, 331, 223 }, { 1300, 900, 1430, 990 },
  };

  for (guint sz = 0; sz < G_N_ELEMENTS (sizes); sz++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      {
        int iw = sizes[sz][0], ih = sizes[sz][1], ow = sizes[sz][2], oh = sizes[sz][3];
        int nc = channel_counts[k];
        g_autoptr(AugurImage) src = augur_test_random_image (iw, ih, nc, 700 + 7 * sz + k);
        g_autoptr(AugurImage) out = NULL;
        g_autoptr(AugurImage) two = NULL;
        guint before;

        augur_strips_set_max_threads (1);
        out = augur_resize (src, ow, oh, AUGUR_INTERP_LINEAR);
        augur_strips_set_max_threads (2);
        before = augur_strips_helpers_started ();
        two = augur_resize (src, ow, oh, AUGUR_INTERP_LINEAR);
        augur_strips_set_max_threads (0);
        g_assert_true (augur_image_equal (out, two));
        /* three and four channels of a large output go in strips */
        if (nc != 1 && ow * oh >= 1000000)
          g_assert_cmpuint (augur_strips_helpers_started (), >, before);

        for (int y = 0; y < oh; y++)
          {
            int iy[2], ix[2];
            guint32 wy[2], wx[2];

            q11_linear_axis (ih, oh, y, iy, wy);
            for (int x = 0; x < ow; x++)
              {
                q11_linear_axis (iw, ow, x, ix, wx);
                for (int c = 0; c < nc; c++)
                  {
                    guint32 sum = 1u << 21;

                    for (int j = 0; j < 2; j++)
                      for (int i = 0; i < 2; i++)
                        sum += wy[j] * wx[i] * (guint32) augur_test_pixel (src, ix[i], iy[j], c);
                    g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, sum >> 22);
                  }
              }
          }
      }
}

/* An exact halving, linear or area (a path of its own), is the mean of
 * each 2 x 2 block rounded half up, to the bit, as the general fixed-point
 * sum gives it, for every channel count and an odd output width. */
static void
test_resize_halve (void)
{
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    for (int interp = AUGUR_INTERP_LINEAR; interp <= AUGUR_INTERP_AREA; interp += 2)
      {
        int nc = channel_counts[k];
        g_autoptr(AugurImage) src = augur_test_random_image (78, 52, nc, 900 + k);
        g_autoptr(AugurImage) out = augur_resize (src, 39, 26, interp);

        g_assert_cmpint (out->width, ==, 39);
        g_assert_cmpint (out->height, ==, 26);
        for (int y = 0; y < 26; y++)
          for (int x = 0; x < 39; x++)
            for (int c = 0; c < nc; c++)
              {
                int sum = augur_test_pixel (src, 2 * x, 2 * y, c) + augur_test_pixel (src, 2 * x + 1, 2 * y, c)
                          + augur_test_pixel (src, 2 * x, 2 * y + 1, c)
                          + augur_test_pixel (src, 2 * x + 1, 2 * y + 1, c);

                g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, (sum + 2) >> 2);
              }
      }
}

/* Matrices ----------------------------------------------------------------- */

static void
test_affine_algebra (void)
{
  double m[6] = { 0.7, -1.2, 5, 0.4, 1.5, -3 }, inv[6], prod[6], id[6];
  double singular[6] = { 1, 2, 0, 2, 4, 0 };
  double x = 3.25, y = -7.5;

  g_assert_true (augur_affine_invert (m, inv));
  augur_affine_multiply (m, inv, prod);
  augur_affine_identity (id);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon (prod[i], id[i], 1e-12);

  augur_affine_apply (m, &x, &y);
  augur_affine_apply (inv, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, 3.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (y, -7.5, 1e-12);

  g_assert_false (augur_affine_invert (singular, inv));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (border_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/resample/border-index/%s",
                                               augur_border_nicks[border_cases[i].border]);
      g_test_add_data_func (path, &border_cases[i], test_border_index);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ramp_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/resample/border-ramp/%s",
                                               augur_border_nicks[ramp_cases[i].border]);
      g_test_add_data_func (path, &ramp_cases[i], test_border_ramp);
    }
  g_test_add_func ("/resample/resize/halve", test_resize_halve);
  g_test_add_func ("/resample/warp/identity", test_warp_identity);
  g_test_add_func ("/resample/warp/integer-shift", test_warp_integer_shift);
  g_test_add_func ("/resample/warp/half-pixel", test_warp_half_pixel);
  g_test_add_func ("/resample/warp/kernel-shapes", test_warp_kernel_shapes);
  g_test_add_func ("/resample/warp/constant-fill", test_warp_constant_fill);
  g_test_add_func ("/resample/warp/map-matches-affine", test_warp_map_matches_affine);
  g_test_add_func ("/resample/warp/wild-coordinates", test_warp_wild_coordinates);
  g_test_add_func ("/resample/warp/map-quantised", test_warp_map_quantised);
  g_test_add_func ("/resample/warp/map-linear-fraction", test_warp_map_linear_fraction);
  g_test_add_func ("/resample/warp/map-rows", test_warp_map_rows);
  g_test_add_func ("/resample/warp/tiny-images", test_warp_tiny_images);
  g_test_add_func ("/resample/warp/linear-paths-agree", test_warp_linear_paths_agree);
  g_test_add_func ("/resample/warp/linear-reference", test_warp_linear_reference);
  g_test_add_func ("/resample/warp/constant-span", test_warp_constant_span);
  g_test_add_func ("/resample/warp/linear-wide", test_warp_linear_wide);
  for (guint i = 0; i < G_N_ELEMENTS (resize_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/resample/resize/%s", resize_cases[i].name);
      g_test_add_data_func (path, &resize_cases[i], test_resize_row);
    }
  g_test_add_func ("/resample/resize/flat", test_resize_flat);
  g_test_add_func ("/resample/resize/area-blocks", test_resize_area_blocks);
  g_test_add_func ("/resample/resize/reference", test_resize_reference);
  g_test_add_func ("/resample/resize/linear-exact", test_resize_linear_exact);
  g_test_add_func ("/resample/affine/algebra", test_affine_algebra);
  g_test_add_func ("/resample/blur/matches-reference", test_blur_matches_reference);

  return g_test_run ();
}
