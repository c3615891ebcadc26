/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-pipeline.h"
#include "augur-recipe.h"
#include "augur-resample.h"
#include "augur-rng.h"
#include "augur-transform.h"

#include "augur-test-util.h"

static const int channel_counts[] = { 1, 3, 4 };

/* Helpers ------------------------------------------------------------------ */

static void
set_xy (AugurNode  *node,
        const char *name,
        double      xlo,
        double      xhi,
        double      ylo,
        double      yhi)
{
  AugurValue *v = augur_test_param (node, name);

  v->is_null = FALSE;
  v->v[0] = xlo, v->v[1] = xhi, v->v[2] = ylo, v->v[3] = yhi;
}

static void
set_nick (AugurNode  *node,
          const char *name,
          int         nick)
{
  AugurValue *v = augur_test_param (node, name);

  v->is_null = FALSE;
  v->nick = (gint8) nick;
}

/* Flips -------------------------------------------------------------------- */

static void
test_flip_twice (gconstpointer data)
{
  const char *name = data;
  g_autoptr(AugurNode) node = augur_test_leaf (name);

  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (11, 7, channel_counts[k], 100 + k);
      g_autoptr(AugurImage) once = augur_node_run (node, src, 1, NULL);
      g_autoptr(AugurImage) twice = augur_node_run (node, once, 2, NULL);

      g_assert_false (augur_image_equal (src, once));
      g_assert_true (augur_image_equal (src, twice));
    }
}

/* Rotate ------------------------------------------------------------------- */

static void
test_rotate_zero (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("Rotate");

  augur_test_set_range (node, "limit", 0, 0);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (13, 8, channel_counts[k], 200 + k);

      for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
        for (int border = AUGUR_BORDER_CONSTANT; border <= AUGUR_BORDER_REFLECT_101; border++)
          for (int crop = 0; crop <= 1; crop++)
            {
              g_autoptr(AugurImage) out = NULL;

              set_nick (node, "interpolation", interp);
              set_nick (node, "border_mode", border);
              augur_test_set_bool (node, "crop_border", crop);
              out = augur_test_run (node, src, 7, NULL);
              g_assert_true (augur_image_equal (src, out));
            }
    }
}

/* 90 degrees counter-clockwise: output (x = j, y = w - 1 - i) shows input
 * (x = i, y = j), that is a transpose and a vertical flip. Exact for square
 * images; for others, in the part the input covers. */
static void
test_rotate_ninety (void)
{
  static const int sizes[][2] = { { 9, 9 }, { 10, 10 }, { 14, 8 }, { 8, 14 } };
  g_autoptr(AugurNode) node = augur_test_leaf ("Rotate");

  augur_test_set_range (node, "limit", 90, 90);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      {
        int w = sizes[s][0], h = sizes[s][1], nc = channel_counts[k];
        g_autoptr(AugurImage) src = augur_test_random_image (w, h, nc, 300 + 10 * s + k);
        /* the input augur_test_pixel (i, j) lands at (j + dx, w - 1 - i + dy) */
        int dx = (w - h) / 2, dy = (h - w) / 2;

        for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
          {
            g_autoptr(AugurImage) out = NULL;
            int checked = 0;

            set_nick (node, "interpolation", interp);
            out = augur_test_run (node, src, 1, NULL);
            g_assert_cmpint (out->width, ==, w);
            g_assert_cmpint (out->height, ==, h);

            for (int j = 0; j < h; j++)
              for (int i = 0; i < w; i++)
                {
                  int ox = j + dx, oy = w - 1 - i + dy;

                  if (ox < 0 || oy < 0 || ox >= w || oy >= h)
                    continue;
                  for (int c = 0; c < nc; c++)
                    g_assert_cmpint (augur_test_pixel (out, ox, oy, c), ==,
                                     augur_test_pixel (src, i, j, c));
                  checked++;
                }
            g_assert_cmpint (checked, >=, MIN (w, h) * MIN (w, h) / 4);
          }
      }
}

static void
test_rotate_direction (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("Rotate");
  AugurShape in = { 40, 30, 3 };
  g_autoptr(AugurReplay) replay = NULL;
  double x = 20 + 10, y = 15;

  augur_test_set_range (node, "limit", 90, 90);
  replay = augur_node_sample (node, &in, 3);

  /* A point right of the centre goes above it. */
  g_assert_true (augur_transform_map_point (node->info, node->params, &replay->drawn, &in, &x, &y));
  g_assert_cmpfloat_with_epsilon (x, 20, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, 15 - 10, 1e-9);
}

/* With crop_border no fill shows, and the output shrinks. */
static void
test_rotate_crop_border (void)
{
  static const double angles[] = { 10, 30, 45, 60, 89, -20, 135, 180 };
  g_autoptr(AugurNode) node = augur_test_leaf ("Rotate");

  augur_test_set_bool (node, "crop_border", TRUE);
  augur_test_set_fill (node, 0);
  for (guint a = 0; a < G_N_ELEMENTS (angles); a++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LINEAR; interp++)
        {
          g_autoptr(AugurImage) src = augur_test_flat_image (100, 60, channel_counts[k], 200);
          g_autoptr(AugurImage) out = NULL;

          augur_test_set_range (node, "limit", angles[a], angles[a]);
          set_nick (node, "interpolation", interp);
          out = augur_test_run (node, src, 1, NULL);

          g_assert_cmpint (out->width, <=, 100);
          g_assert_cmpint (out->height, <=, 60);
          if (fmod (angles[a], 90) != 0)
            g_assert_cmpint (out->width * out->height, <, 100 * 60);
          for (int y = 0; y < out->height; y++)
            for (int x = 0; x < out->width; x++)
              for (int c = 0; c < out->channels; c++)
                g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, 200);
        }
}

/* Affine ------------------------------------------------------------------- */

static void
test_affine_identity (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("Affine");

  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (12, 9, channel_counts[k], 400 + k);

      for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
        for (int fit = 0; fit <= 1; fit++)
          {
            g_autoptr(AugurImage) out = NULL;

            set_nick (node, "interpolation", interp);
            augur_test_set_bool (node, "fit_output", fit);
            out = augur_test_run (node, src, 11, NULL);
            g_assert_true (augur_image_equal (src, out));
          }
    }
}

static void
check_shifted (const AugurImage *src,
               const AugurImage *out,
               int               dx,
               int               dy,
               int               fill)
{
  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      for (int c = 0; c < out->channels; c++)
        {
          int sx = x - dx, sy = y - dy;
          gboolean inside = sx >= 0 && sy >= 0 && sx < src->width && sy < src->height;
          int expected = inside ? augur_test_pixel (src, sx, sy, c) : (c == 3 ? 255 : fill);

          g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, expected);
        }
}

static void
test_affine_translate_px (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("Affine");

  set_xy (node, "translate_px", 3, 3, -2, -2);
  augur_test_set_fill (node, 9);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (12, 9, channel_counts[k], 500 + k);

      for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
        {
          g_autoptr(AugurImage) out = NULL;

          set_nick (node, "interpolation", interp);
          out = augur_test_run (node, src, 5, NULL);
          check_shifted (src, out, 3, -2, 9);
        }
    }
}

/* translate_percent, when set, wins over translate_px. */
static void
test_affine_translate_percent (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("Affine");
  g_autoptr(AugurImage) src = augur_test_random_image (16, 10, 3, 600);
  g_autoptr(AugurImage) out = NULL;

  set_xy (node, "translate_px", 7, 7, 7, 7);
  set_xy (node, "translate_percent", -0.25, -0.25, 0.5, 0.5);
  out = augur_test_run (node, src, 5, NULL);
  check_shifted (src, out, -4, 5, 0);
}

static void
test_affine_fit_output (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("Affine");
  g_autoptr(AugurImage) src = augur_test_flat_image (12, 8, 3, 120);
  g_autoptr(AugurImage) doubled = NULL;
  g_autoptr(AugurImage) turned = NULL;

  augur_test_set_bool (node, "fit_output", TRUE);
  set_xy (node, "scale", 2, 2, 2, 2);
  doubled = augur_test_run (node, src, 1, NULL);
  /* Albumentations: the span of the corner pixels' centres, plus one */
  g_assert_cmpint (doubled->width, ==, 2 * 12 - 1);
  g_assert_cmpint (doubled->height, ==, 2 * 8 - 1);

  set_xy (node, "scale", 1, 1, 1, 1);
  augur_test_set_range (node, "rotate", 90, 90);
  set_xy (node, "translate_px", 5, 5, 5, 5);   /* moves nothing: the canvas follows */
  turned = augur_test_run (node, src, 1, NULL);
  g_assert_cmpint (turned->width, ==, 8);
  g_assert_cmpint (turned->height, ==, 12);
  for (int y = 0; y < turned->height; y++)
    for (int x = 0; x < turned->width; x++)
      g_assert_cmpint (augur_test_pixel (turned, x, y, 0), ==, 120);
}

static void
test_affine_scale_draws (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("Affine");
  AugurShape in = { 32, 32, 3 };
  int below[2] = { 0, 0 };
  const int n = 4000;

  set_xy (node, "scale", 0.5, 2, 0.5, 2);
  for (int balanced = 0; balanced <= 1; balanced++)
    {
      augur_test_set_bool (node, "balanced_scale", balanced);
      augur_test_set_bool (node, "keep_ratio", balanced);
      for (int i = 0; i < n; i++)
        {
          g_autoptr(AugurReplay) replay = NULL;
          double sx, sy;

          replay = augur_node_sample (node, &in, 1000 + i);
          sx = augur_drawn_get (&replay->drawn, "scale_x");
          sy = augur_drawn_get (&replay->drawn, "scale_y");
          g_assert_cmpfloat (sx, >=, 0.5);
          g_assert_cmpfloat (sx, <=, 2);
          if (balanced)
            g_assert_cmpfloat (sy, ==, sx);
          below[balanced] += sx < 1;
        }
    }
  /* uniform on [0.5, 2]: 1/3 below 1; balanced: 1/2 */
  g_assert_cmpfloat (fabs (below[0] / (double) n - 1 / 3.0), <, 0.03);
  g_assert_cmpfloat (fabs (below[1] / (double) n - 0.5), <, 0.03);
}

/* RandomResizedCrop -------------------------------------------------------- */

static void
test_rrc_size_and_draws (void)
{
  static const int inputs[][2] = { { 400, 300 }, { 300, 400 }, { 1000, 100 }, { 1, 1 }, { 1, 9 }, { 9, 1 } };
  static const double scale[2] = { 0.08, 1.0 }, ratio[2] = { 0.75, 4 / 3.0 };
  g_autoptr(AugurNode) node = augur_test_leaf ("RandomResizedCrop");
  AugurValue *size = augur_test_param (node, "size");

  size->v[0] = 24, size->v[1] = 40;   /* height, width */
  for (guint s = 0; s < G_N_ELEMENTS (inputs); s++)
    {
      int w = inputs[s][0], h = inputs[s][1];
      g_autoptr(AugurImage) src = augur_test_random_image (w, h, channel_counts[s % 3], 700 + s);
      int tries = w * h > 100 ? 300 : 20, fallbacks = 0;

      for (int i = 0; i < tries; i++)
        {
          g_autoptr(AugurReplay) replay = NULL;
          g_autoptr(AugurImage) out = augur_test_run (node, src, 5000 + i, &replay);
          double cx = augur_drawn_get (&replay->drawn, "x");
          double cy = augur_drawn_get (&replay->drawn, "y");
          double cw = augur_drawn_get (&replay->drawn, "width");
          double ch = augur_drawn_get (&replay->drawn, "height");
          double area = cw * ch / (w * (double) h), aspect = cw / ch;
          /* rounding each side to whole pixels */
          double slack = 0.5 / cw + 0.5 / ch + 1e-9;

          g_assert_cmpint (out->width, ==, 40);
          g_assert_cmpint (out->height, ==, 24);
          g_assert_cmpfloat (cx, >=, 0);
          g_assert_cmpfloat (cy, >=, 0);
          g_assert_cmpfloat (cx + cw, <=, w);
          g_assert_cmpfloat (cy + ch, <=, h);

          if (w * h <= 100)
            continue;   /* tiny images always end in the fallback */
          if (cw == w && (ch == h || w > h))
            fallbacks++;
          else
            {
              g_assert_cmpfloat (area, >=, scale[0] * (1 - 2 * slack));
              g_assert_cmpfloat (area, <=, scale[1] * (1 + 2 * slack));
              g_assert_cmpfloat (aspect, >=, ratio[0] * (1 - 2 * slack));
              g_assert_cmpfloat (aspect, <=, ratio[1] * (1 + 2 * slack));
            }
        }
      /* 10 tries nearly always succeed on images of ordinary shape */
      if (w * h > 100 && w / h < 4)
        g_assert_cmpint (fallbacks, <, tries / 10);
    }
}

/* The fallback of a very wide image: full height, widest allowed ratio. */
static void
test_rrc_fallback (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("RandomResizedCrop");
  AugurShape in = { 1000, 100, 3 };
  g_autoptr(AugurReplay) replay = NULL;

  augur_test_set_range (node, "scale", 1, 1);   /* whole area never fits a 4:3 crop */
  replay = augur_node_sample (node, &in, 9);
  g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "height"), ==, 100);
  g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "width"), ==, 133);
  g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "x"), ==, (1000 - 133) / 2);
  g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "y"), ==, 0);
}

/* area_for_downscale swaps nearest for area when shrinking: one-pixel
 * stripes average to grey instead of aliasing. */
static void
test_rrc_area_for_downscale (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("RandomResizedCrop");
  g_autoptr(AugurImage) src = augur_image_new (64, 64, 1);
  AugurValue *size = augur_test_param (node, "size");

  for (int y = 0; y < 64; y++)
    for (int x = 0; x < 64; x++)
      augur_image_row (src, y)[x] = x % 2 ? 255 : 0;

  size->v[0] = 16, size->v[1] = 16;
  augur_test_set_range (node, "scale", 1, 1);
  augur_test_set_range (node, "ratio", 1, 1);
  set_nick (node, "interpolation", AUGUR_INTERP_NEAREST);

  for (int with_area = 0; with_area <= 1; with_area++)
    {
      g_autoptr(AugurImage) out = NULL;

      if (with_area)
        set_nick (node, "area_for_downscale", 0);
      out = augur_test_run (node, src, 3, NULL);
      for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++)
          {
            int v = augur_test_pixel (out, x, y, 0);

            if (with_area)
              g_assert_cmpint (ABS (v - 128), <=, 1);
            else
              g_assert_true (v == 0 || v == 255);
          }
    }
}

/* Symmetries of the square ------------------------------------------------- */

/* The input pixel that the output augur_test_pixel (x, y) of a w x h input shows, for
 * each of Albumentations' D4 elements in its order (e, r90, r180, r270, v,
 * hvt, h, t), written out from np.rot90 / flips / transpose one by one. */
static void
d4_source (int  element,
           int  w,
           int  h,
           int  x,
           int  y,
           int *sx,
           int *sy)
{
  switch (element)
    {
    case 0: *sx = x, *sy = y; break;                    /* e */
    case 1: *sx = w - 1 - y, *sy = x; break;            /* r90: counter-clockwise */
    case 2: *sx = w - 1 - x, *sy = h - 1 - y; break;    /* r180 */
    case 3: *sx = y, *sy = h - 1 - x; break;            /* r270: clockwise */
    case 4: *sx = x, *sy = h - 1 - y; break;            /* v */
    case 5: *sx = w - 1 - y, *sy = h - 1 - x; break;    /* hvt: anti-transpose */
    case 6: *sx = w - 1 - x, *sy = y; break;            /* h */
    case 7: *sx = y, *sy = x; break;                    /* t */
    default: g_assert_not_reached ();
    }
}

static gboolean
d4_swaps (int element)
{
  return element == 1 || element == 3 || element == 5 || element == 7;
}

static gboolean
is_d4_element (const AugurImage *src,
               const AugurImage *out,
               int               element)
{
  int ow = d4_swaps (element) ? src->height : src->width;
  int oh = d4_swaps (element) ? src->width : src->height;

  if (out->width != ow || out->height != oh || out->channels != src->channels)
    return FALSE;
  for (int y = 0; y < oh; y++)
    for (int x = 0; x < ow; x++)
      {
        int sx, sy;

        d4_source (element, src->width, src->height, x, y, &sx, &sy);
        if (memcmp (augur_image_row (out, y) + x * out->channels,
                    augur_image_row (src, sy) + sx * src->channels, src->channels) != 0)
          return FALSE;
      }
  return TRUE;
}

static void
test_transpose (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("Transpose");

  g_assert_cmpfloat (node->info->default_p, ==, 0.5);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (11, 7, channel_counts[k], 1100 + k);
      g_autoptr(AugurImage) once = augur_test_run (node, src, 1, NULL);
      g_autoptr(AugurImage) twice = augur_test_run (node, once, 2, NULL);

      g_assert_true (is_d4_element (src, once, 7));
      g_assert_true (augur_image_equal (src, twice));
    }
}

static void
set_drawn_value (AugurReplay *replay,
                 const char  *name,
                 double       value)
{
  augur_drawn_clear (&replay->drawn);
  augur_drawn_set (&replay->drawn, name, value);
}

/* Each factor is np.rot90's counter-clockwise quarter turns, four quarter
 * turns are the identity, and the sampler draws the four equally often. */
static void
test_random_rotate90 (void)
{
  static const int element_of_factor[] = { 0, 1, 2, 3 };
  g_autoptr(AugurNode) node = augur_test_leaf ("RandomRotate90");
  AugurShape in = { 9, 5, 3 };
  int counts[4] = { 0 };
  const int n = 4000;

  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (9, 5, channel_counts[k], 1200 + k);
      g_autoptr(AugurImage) image = augur_image_ref (src);
      g_autoptr(AugurReplay) replay = NULL;

      replay = augur_node_sample (node, &in, 1);
      g_assert_true (replay->applied);

      for (int factor = 0; factor < 4; factor++)
        {
          g_autoptr(AugurImage) out = NULL;
          AugurShape predicted;

          set_drawn_value (replay, "factor", factor);
          out = augur_node_apply (node, src, replay);
          g_assert_true (is_d4_element (src, out, element_of_factor[factor]));
          augur_node_output_shape (node, replay, &in, &predicted);
          g_assert_cmpint (predicted.width, ==, out->width);
          g_assert_cmpint (predicted.height, ==, out->height);
        }

      set_drawn_value (replay, "factor", 1);
      for (int step = 0; step < 4; step++)
        {
          AugurImage *next = augur_node_apply (node, image, replay);

          if (step < 3)
            g_assert_false (augur_image_equal (src, next));
          augur_image_unref (image);
          image = next;
        }
      g_assert_true (augur_image_equal (src, image));
    }

  for (int i = 0; i < n; i++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      double f;

      replay = augur_node_sample (node, &in, 20000 + i);
      f = augur_drawn_get (&replay->drawn, "factor");
      g_assert_cmpfloat (f, ==, floor (f));
      g_assert_cmpfloat (f, >=, 0);
      g_assert_cmpfloat (f, <=, 3);
      counts[(int) f]++;
    }
  for (int f = 0; f < 4; f++)
    g_assert_cmpfloat (fabs (counts[f] / (double) n - 0.25), <, 0.03);
}

/* On an image with no symmetry of its own, D4 gives exactly the 8 distinct
 * symmetries, each drawn about equally often; on a non-square image the
 * declared output shape swaps for the turning and transposing elements. */
static void
test_d4 (void)
{
  static const int sizes[][2] = { { 8, 8 }, { 9, 6 } };
  g_autoptr(AugurNode) node = augur_test_leaf ("D4");
  const int n = 800;

  g_assert_cmpfloat (node->info->default_p, ==, 1.0);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      {
        int w = sizes[s][0], h = sizes[s][1];
        g_autoptr(AugurImage) src = augur_test_random_image (w, h, channel_counts[k],
                                                             1300 + 10 * s + k);
        g_autoptr(GPtrArray) distinct = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_image_unref);
        int counts[8] = { 0 };

        for (int i = 0; i < n; i++)
          {
            g_autoptr(AugurReplay) replay = NULL;
            g_autoptr(AugurImage) out = augur_test_run (node, src, 30000 + i, &replay);
            int element = (int) augur_drawn_get (&replay->drawn, "group_element");
            int matches = 0;
            gboolean seen = FALSE;

            g_assert_cmpint (element, >=, 0);
            g_assert_cmpint (element, <, 8);
            counts[element]++;
            /* it is the element it says, and no other */
            for (int e = 0; e < 8; e++)
              if (is_d4_element (src, out, e))
                {
                  g_assert_cmpint (e, ==, element);
                  matches++;
                }
            g_assert_cmpint (matches, ==, 1);

            for (guint j = 0; j < distinct->len && !seen; j++)
              seen = augur_image_equal (g_ptr_array_index (distinct, j), out);
            if (!seen)
              g_ptr_array_add (distinct, g_steal_pointer (&out));
          }
        g_assert_cmpuint (distinct->len, ==, 8);
        for (int e = 0; e < 8; e++)
          g_assert_cmpfloat (fabs (counts[e] / (double) n - 0.125), <, 0.04);
      }
}

/* The flips and the eight symmetries have specialised loops (by channel
 * count, vector shuffles for RGB, tiles for the transposing elements):
 * each must equal the per-pixel definition on every size, odd ones and
 * widths around the vector step and the tile size included. */
static void
check_symmetries (void)
{
  static const int sizes[][2] = {
    { 1, 1 }, { 1, 5 }, { 2, 3 }, { 5, 2 }, { 6, 1 }, { 7, 3 }, { 11, 4 },
    { 16, 3 }, { 17, 5 }, { 31, 2 }, { 33, 35 }, { 47, 65 }, { 65, 40 },
  };
  static const struct { const char *name; int element; } flips[] = {
    { "HorizontalFlip", 6 }, { "VerticalFlip", 4 },
  };
  g_autoptr(AugurNode) d4 = augur_test_leaf ("D4");

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      {
        int w = sizes[s][0], h = sizes[s][1];
        g_autoptr(AugurImage) src = augur_test_random_image (w, h, channel_counts[k],
                                                             1500 + 10 * s + k);
        g_autoptr(AugurReplay) replay = NULL;
        AugurShape in = { w, h, channel_counts[k] };

        for (guint f = 0; f < G_N_ELEMENTS (flips); f++)
          {
            g_autoptr(AugurNode) node = augur_test_leaf (flips[f].name);
            g_autoptr(AugurImage) out = augur_test_run (node, src, 1, NULL);

            g_assert_true (is_d4_element (src, out, flips[f].element));
          }

        replay = augur_node_sample (d4, &in, 1);
        for (int e = 0; e < 8; e++)
          {
            g_autoptr(AugurImage) out = NULL;

            set_drawn_value (replay, "group_element", e);
            out = augur_node_apply (d4, src, replay);
            g_assert_true (is_d4_element (src, out, e));
          }
      }
}

/* With the run-time choice of SSSE3 shuffles, and with the portable path. */
static void
test_symmetries_match_reference (void)
{
  check_symmetries ();
  g_setenv ("AUGUR_NO_SSSE3", "1", TRUE);
  check_symmetries ();
  g_unsetenv ("AUGUR_NO_SSSE3");
}

/* SafeRotate --------------------------------------------------------------- */

/* Eight-pixel blocks of four distinct values in the corners of a mid-grey
 * image: at every angle each corner's value is still in the output (nearest
 * interpolation copies values), the corners' centres map inside, and the
 * rotated image touches the frame (it is shrunk just enough). */
static void
test_safe_rotate_corners (void)
{
  static const double angles[] = { 0, 10, 30, 45, 60, 90, 135, -20, -75, 180, 270 };
  static const int sizes[][2] = { { 64, 64 }, { 90, 50 }, { 40, 70 } };
  static const guint8 corner_values[4] = { 30, 80, 170, 230 };
  g_autoptr(AugurNode) node = augur_test_leaf ("SafeRotate");

  set_nick (node, "interpolation", AUGUR_INTERP_NEAREST);
  augur_test_set_fill (node, 0);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      for (guint a = 0; a < G_N_ELEMENTS (angles); a++)
        {
          int w = sizes[s][0], h = sizes[s][1], nc = channel_counts[k];
          g_autoptr(AugurImage) src = augur_test_flat_image (w, h, nc, 128);
          g_autoptr(AugurReplay) replay = NULL;
          g_autoptr(AugurImage) out = NULL;
          AugurShape in = { w, h, nc };
          int min_x = w, min_y = h, max_x = -1, max_y = -1;

          for (int q = 0; q < 4; q++)
            for (int y = 0; y < 8; y++)
              for (int x = 0; x < 8; x++)
                {
                  int px = q % 2 ? w - 1 - x : x, py = q / 2 ? h - 1 - y : y;

                  for (int c = 0; c < MIN (nc, 3); c++)
                    augur_image_row (src, py)[px * nc + c] = corner_values[q];
                }

          augur_test_set_range (node, "limit", angles[a], angles[a]);
          out = augur_test_run (node, src, 1, &replay);
          g_assert_cmpint (out->width, ==, w);
          g_assert_cmpint (out->height, ==, h);

          for (int q = 0; q < 4; q++)
            {
              double x = q % 2 ? w - 0.5 : 0.5, y = q / 2 ? h - 0.5 : 0.5;
              gboolean found = FALSE;

              g_assert_true (augur_transform_map_point (node->info, node->params, &replay->drawn, &in, &x, &y));
              for (int oy = 0; oy < h && !found; oy++)
                for (int ox = 0; ox < w && !found; ox++)
                  found = augur_test_pixel (out, ox, oy, 0) == corner_values[q];
              g_assert_true (found);
            }

          for (int oy = 0; oy < h; oy++)
            for (int ox = 0; ox < w; ox++)
              if (augur_test_pixel (out, ox, oy, 0) != 0)
                {
                  min_x = MIN (min_x, ox), max_x = MAX (max_x, ox);
                  min_y = MIN (min_y, oy), max_y = MAX (max_y, oy);
                }
          g_assert_cmpint (min_x, <=, 1);
          g_assert_cmpint (min_y, <=, 1);
          g_assert_cmpint (max_x, >=, w - 2);
          g_assert_cmpint (max_y, >=, h - 2);

          /* off the right angles, the frame's corners show the fill */
          if (fmod (angles[a], 90) != 0)
            g_assert_cmpint (augur_test_pixel (out, 0, 0, 0), ==, 0);
        }
}

/* ShiftScaleRotate --------------------------------------------------------- */

static void
test_ssr_zero_limits (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("ShiftScaleRotate");

  augur_test_set_range (node, "shift_limit_x", 0, 0);
  augur_test_set_range (node, "shift_limit_y", 0, 0);
  augur_test_set_range (node, "scale_limit", 0, 0);
  augur_test_set_range (node, "rotate_limit", 0, 0);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (13, 9, channel_counts[k], 1400 + k);

      for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
        for (int border = AUGUR_BORDER_CONSTANT; border <= AUGUR_BORDER_REFLECT_101; border++)
          {
            g_autoptr(AugurImage) out = NULL;

            set_nick (node, "interpolation", interp);
            set_nick (node, "border_mode", border);
            out = augur_test_run (node, src, 3, NULL);
            g_assert_true (augur_image_equal (src, out));
          }
    }
}

/* The shift limits are fractions of the width and height; the scale limit
 * is added to 1. */
static void
test_ssr_shift_and_scale (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("ShiftScaleRotate");
  AugurShape in = { 40, 20, 3 };

  augur_test_set_range (node, "shift_limit_x", 0.25, 0.25);
  augur_test_set_range (node, "shift_limit_y", -0.1, -0.1);
  augur_test_set_range (node, "scale_limit", 0, 0);
  augur_test_set_range (node, "rotate_limit", 0, 0);
  augur_test_set_fill (node, 7);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (40, 20, channel_counts[k], 1500 + k);
      g_autoptr(AugurImage) out = augur_test_run (node, src, 5, NULL);

      check_shifted (src, out, 10, -2, 7);
    }

  augur_test_set_range (node, "scale_limit", -0.5, 1);
  for (int i = 0; i < 500; i++)
    {
      g_autoptr(AugurReplay) replay = NULL;

      replay = augur_node_sample (node, &in, 40000 + i);
      g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "scale_x"), >=, 0.5);
      g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "scale_x"), <=, 2);
      g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "scale_y"), >=, 0.5);
      g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "scale_y"), <=, 2);
    }
}

/* A zoom of 2 about the centre: the centre pixel stays, the pixel one to the
 * right of the centre moves two to the right. */
static void
test_ssr_zoom (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("ShiftScaleRotate");
  g_autoptr(AugurImage) src = augur_test_random_image (20, 20, 1, 1600);
  g_autoptr(AugurImage) out = NULL;

  augur_test_set_range (node, "shift_limit_x", 0, 0);
  augur_test_set_range (node, "shift_limit_y", 0, 0);
  augur_test_set_range (node, "scale_limit", 1, 1);
  augur_test_set_range (node, "rotate_limit", 0, 0);
  set_nick (node, "interpolation", AUGUR_INTERP_NEAREST);
  out = augur_test_run (node, src, 1, NULL);
  /* output pixel centre (x + 0.5) comes from 10 + (x + 0.5 - 10) / 2 */
  for (int y = 0; y < 20; y++)
    for (int x = 0; x < 20; x++)
      {
        int sx = (int) floor (10 + (x + 0.5 - 10) / 2), sy = (int) floor (10 + (y + 0.5 - 10) / 2);

        g_assert_cmpint (augur_test_pixel (out, x, y, 0), ==, augur_test_pixel (src, sx, sy, 0));
      }
}

/* The same turn as Rotate, in the same direction (counter-clockwise for a
 * positive angle), when nothing else moves. */
static void
test_ssr_rotation_is_rotate (void)
{
  static const double angles[] = { 90, -30, 45 };
  g_autoptr(AugurNode) ssr = augur_test_leaf ("ShiftScaleRotate");
  g_autoptr(AugurNode) rotate = augur_test_leaf ("Rotate");

  augur_test_set_range (ssr, "shift_limit_x", 0, 0);
  augur_test_set_range (ssr, "shift_limit_y", 0, 0);
  augur_test_set_range (ssr, "scale_limit", 0, 0);
  for (guint a = 0; a < G_N_ELEMENTS (angles); a++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      {
        g_autoptr(AugurImage) src = augur_test_random_image (17, 12, channel_counts[k], 1700 + k);
        g_autoptr(AugurImage) a_out = NULL;
        g_autoptr(AugurImage) b_out = NULL;

        augur_test_set_range (ssr, "rotate_limit", angles[a], angles[a]);
        augur_test_set_range (rotate, "limit", angles[a], angles[a]);
        a_out = augur_test_run (ssr, src, 1, NULL);
        b_out = augur_test_run (rotate, src, 1, NULL);
        g_assert_true (augur_image_equal (a_out, b_out));
      }
}

/* map_point agrees with the pixels ----------------------------------------- */

typedef struct
{
  const char *name;
  const char *transform;
  void      (*setup) (AugurNode *node);
} MapCase;

static void
setup_nothing (AugurNode *node)
{
}

static void
setup_rotate_crop (AugurNode *node)
{
  augur_test_set_range (node, "limit", -40, 40);
  augur_test_set_bool (node, "crop_border", TRUE);
}

static void
setup_affine_all (AugurNode *node)
{
  set_xy (node, "scale", 0.7, 1.4, 0.8, 1.3);
  set_xy (node, "translate_percent", -0.1, 0.1, -0.1, 0.1);
  augur_test_set_range (node, "rotate", -30, 30);
  set_xy (node, "shear", -15, 15, -10, 10);
}

static void
setup_affine_fit (AugurNode *node)
{
  setup_affine_all (node);
  augur_test_set_bool (node, "fit_output", TRUE);
}

static void
setup_affine_px (AugurNode *node)
{
  set_xy (node, "translate_px", -6, 6, -4, 4);
  augur_test_set_range (node, "rotate", 170, 190);
}

static void
setup_rrc (AugurNode *node)
{
  AugurValue *size = augur_test_param (node, "size");

  size->v[0] = 40, size->v[1] = 56;
  augur_test_set_range (node, "scale", 0.3, 1);
}

static void
setup_safe_rotate (AugurNode *node)
{
  augur_test_set_range (node, "limit", -120, 120);
}

static void
setup_ssr (AugurNode *node)
{
  augur_test_set_range (node, "shift_limit_x", -0.1, 0.1);
  augur_test_set_range (node, "shift_limit_y", -0.15, 0.15);
  augur_test_set_range (node, "scale_limit", -0.3, 0.4);
  augur_test_set_range (node, "rotate_limit", -60, 60);
}

static const MapCase map_cases[] = {
  { "HorizontalFlip", "HorizontalFlip", setup_nothing },
  { "VerticalFlip", "VerticalFlip", setup_nothing },
  { "Transpose", "Transpose", setup_nothing },
  { "RandomRotate90", "RandomRotate90", setup_nothing },
  { "D4", "D4", setup_nothing },
  { "SafeRotate", "SafeRotate", setup_safe_rotate },
  { "ShiftScaleRotate", "ShiftScaleRotate", setup_ssr },
  { "Rotate", "Rotate", setup_nothing },
  { "Rotate-crop", "Rotate", setup_rotate_crop },
  { "Affine", "Affine", setup_affine_all },
  { "Affine-fit", "Affine", setup_affine_fit },
  { "Affine-px", "Affine", setup_affine_px },
  { "RandomResizedCrop", "RandomResizedCrop", setup_rrc },
};

/* A bright 3x3 dot on black: after the transform, the centroid of the
 * brightness sits where map_point sends the dot's centre. */
static void
test_map_point (gconstpointer data)
{
  static const int dot_range[4] = { 16, 47, 12, 35 };
  const MapCase *mc = data;
  g_autoptr(AugurNode) node = augur_test_leaf (mc->transform);
  int checked = 0;

  mc->setup (node);
  for (guint i = 0; i < 40; i++)
    checked += augur_test_follow_dot (node, channel_counts[i % 3], i, dot_range, NULL);
  g_test_message ("%d dots followed", checked);
  g_assert_cmpint (checked, >=, 12);
}

/* Degenerate sizes, replays, probability ----------------------------------- */

static const char *const geometry_names[] = {
  "HorizontalFlip", "VerticalFlip", "Rotate", "Affine", "RandomResizedCrop",
  "Transpose", "RandomRotate90", "D4", "SafeRotate", "ShiftScaleRotate",
};

/* Whether a transform can bring the border into the picture. */
static gboolean
shows_border (const char *name)
{
  return g_str_equal (name, "Affine") || g_str_equal (name, "Rotate") ||
         g_str_equal (name, "SafeRotate") || g_str_equal (name, "ShiftScaleRotate");
}

static void
test_degenerate_sizes (void)
{
  static const int sizes[][2] = { { 1, 1 }, { 1, 7 }, { 7, 1 }, { 2, 1 } };

  for (guint t = 0; t < G_N_ELEMENTS (geometry_names); t++)
    {
      g_autoptr(AugurNode) node = augur_test_leaf (geometry_names[t]);

      if (g_str_equal (geometry_names[t], "Rotate"))
        augur_test_set_bool (node, "crop_border", TRUE);
      if (g_str_equal (geometry_names[t], "Affine"))
        {
          setup_affine_all (node);
          augur_test_set_bool (node, "fit_output", TRUE);
        }

      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
          for (int seed = 0; seed < 10; seed++)
            {
              g_autoptr(AugurImage) src = augur_test_flat_image (sizes[s][0], sizes[s][1],
                                                                 channel_counts[k], 90);
              g_autoptr(AugurImage) out = NULL;

              /* every interpolation, and every border where there is one */
              if (augur_transform_param_index (node->info, "interpolation") >= 0)
                set_nick (node, "interpolation", seed % 5);
              if (augur_transform_param_index (node->info, "border_mode") >= 0)
                set_nick (node, "border_mode", (seed / 2) % 5);
              out = augur_test_run (node, src, seed, NULL);

              g_assert_cmpint (out->width, >=, 1);
              g_assert_cmpint (out->height, >=, 1);
              /* A flat image stays flat wherever the image itself lands. */
              if (!shows_border (geometry_names[t]))
                for (int y = 0; y < out->height; y++)
                  for (int x = 0; x < out->width; x++)
                    g_assert_cmpint (augur_test_pixel (out, x, y, 0), ==, 90);
            }
    }
}

/* Rows longer than their pixels (a decoder's padded stride, which
 * ImageCompression passes on): every geometric transform, at every
 * interpolation and border, gives the same pixels as from unpadded rows. */
static void
test_padded_rows (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (geometry_names); t++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      {
        g_autoptr(AugurNode) node = augur_test_leaf (geometry_names[t]);
        g_autoptr(AugurImage) src = augur_test_random_image (23, 17, channel_counts[k], 1700 + k);
        int stride = src->stride + 5;
        guint8 *data = g_malloc ((gsize) stride * src->height);
        g_autoptr(AugurImage) padded = NULL;

        memset (data, 0x5a, (gsize) stride * src->height);
        for (int y = 0; y < src->height; y++)
          memcpy (data + (gsize) y * stride, augur_image_row (src, y), src->stride);
        padded = augur_image_new_for_data (src->width, src->height, src->channels, stride,
                                           data, g_free, data);

        for (int seed = 0; seed < 10; seed++)
          {
            g_autoptr(AugurReplay) replay = NULL;
            g_autoptr(AugurImage) a = NULL;
            g_autoptr(AugurImage) b = NULL;

            if (augur_transform_param_index (node->info, "interpolation") >= 0)
              set_nick (node, "interpolation", seed % 5);
            if (augur_transform_param_index (node->info, "border_mode") >= 0)
              set_nick (node, "border_mode", (seed / 2) % 5);
            a = augur_test_run (node, src, seed, &replay);
            b = augur_node_apply (node, padded, replay);
            g_assert_true (augur_image_equal (a, b));
          }
      }
}

/* A replay written to JSON and read back gives the same pixels and text. */
static void
test_replay_round_trip (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (geometry_names); t++)
    {
      g_autoptr(AugurNode) node = augur_test_leaf (geometry_names[t]);
      g_autoptr(AugurImage) src = augur_test_random_image (30, 20, 3, 800 + t);
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurReplay) back = NULL;
      g_autoptr(AugurImage) first = NULL;
      g_autoptr(AugurImage) again = NULL;
      g_autoptr(JsonNode) json = NULL;
      g_autoptr(GError) error = NULL;

      if (g_str_equal (geometry_names[t], "Affine"))
        setup_affine_all (node);
      if (g_str_equal (geometry_names[t], "ShiftScaleRotate"))
        setup_ssr (node);
      first = augur_node_run (node, src, 77, &replay);
      json = augur_replay_to_json (replay, node);
      back = augur_replay_from_json (json, node, &error);
      g_assert_no_error (error);
      again = augur_node_apply (node, src, back);
      g_assert_true (augur_image_equal (first, again));

      /* And the text too: written again, the same bytes (values in their
       * declared order, whatever order sample drew them in). */
      {
        g_autoptr(JsonNode) json_again = augur_replay_to_json (back, node);
        g_autofree char *text = augur_json_to_string (json, FALSE);
        g_autofree char *text_again = augur_json_to_string (json_again, FALSE);

        g_assert_cmpstr (text, ==, text_again);
      }
    }
}

static void
test_p_zero (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (geometry_names); t++)
    {
      g_autoptr(AugurNode) node = augur_test_leaf (geometry_names[t]);
      g_autoptr(AugurImage) src = augur_test_random_image (17, 13, 4, 900 + t);

      node->p = 0;
      for (int seed = 0; seed < 50; seed++)
        {
          g_autoptr(AugurReplay) replay = NULL;
          g_autoptr(AugurImage) out = augur_node_run (node, src, seed, &replay);

          g_assert_false (replay->applied);
          g_assert_true (augur_image_equal (src, out));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/geometry/flip/horizontal-twice", "HorizontalFlip", test_flip_twice);
  g_test_add_data_func ("/geometry/flip/vertical-twice", "VerticalFlip", test_flip_twice);
  g_test_add_func ("/geometry/rotate/zero-is-identity", test_rotate_zero);
  g_test_add_func ("/geometry/rotate/ninety", test_rotate_ninety);
  g_test_add_func ("/geometry/rotate/direction", test_rotate_direction);
  g_test_add_func ("/geometry/rotate/crop-border", test_rotate_crop_border);
  g_test_add_func ("/geometry/affine/identity", test_affine_identity);
  g_test_add_func ("/geometry/affine/translate-px", test_affine_translate_px);
  g_test_add_func ("/geometry/affine/translate-percent", test_affine_translate_percent);
  g_test_add_func ("/geometry/affine/fit-output", test_affine_fit_output);
  g_test_add_func ("/geometry/affine/scale-draws", test_affine_scale_draws);
  g_test_add_func ("/geometry/random-resized-crop/size-and-draws", test_rrc_size_and_draws);
  g_test_add_func ("/geometry/random-resized-crop/fallback", test_rrc_fallback);
  g_test_add_func ("/geometry/random-resized-crop/area-for-downscale", test_rrc_area_for_downscale);
  g_test_add_func ("/geometry/transpose/twice", test_transpose);
  g_test_add_func ("/geometry/random-rotate90/quarter-turns", test_random_rotate90);
  g_test_add_func ("/geometry/d4/eight-symmetries", test_d4);
  g_test_add_func ("/geometry/d4/matches-reference", test_symmetries_match_reference);
  g_test_add_func ("/geometry/padded-rows", test_padded_rows);
  g_test_add_func ("/geometry/safe-rotate/keeps-corners", test_safe_rotate_corners);
  g_test_add_func ("/geometry/shift-scale-rotate/zero-is-identity", test_ssr_zero_limits);
  g_test_add_func ("/geometry/shift-scale-rotate/shift-and-scale", test_ssr_shift_and_scale);
  g_test_add_func ("/geometry/shift-scale-rotate/zoom", test_ssr_zoom);
  g_test_add_func ("/geometry/shift-scale-rotate/rotation-is-rotate", test_ssr_rotation_is_rotate);
  for (guint i = 0; i < G_N_ELEMENTS (map_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/geometry/map-point/%s", map_cases[i].name);
      g_test_add_data_func (path, &map_cases[i], test_map_point);
    }
  g_test_add_func ("/geometry/degenerate-sizes", test_degenerate_sizes);
  g_test_add_func ("/geometry/replay-round-trip", test_replay_round_trip);
  g_test_add_func ("/geometry/p-zero", test_p_zero);

  return g_test_run ();
}
