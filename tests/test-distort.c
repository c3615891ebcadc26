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

/* Smooth stripes in both directions: a displacement shows as a difference
 * about proportional to its size. */
static AugurImage *
wave_image (int width,
            int height,
            int channels)
{
  AugurImage *image = augur_image_new (width, height, channels);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < channels; c++)
        augur_image_row (image, y)[x * channels + c] =
          (guint8) (128 + 60 * sin (x / 3.0 + c) + 60 * cos (y / 4.0));
  return image;
}

static void
set_number (AugurNode  *node,
            const char *name,
            double      value)
{
  augur_test_param (node, name)->v[0] = value;
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

/* The table of cases ------------------------------------------------------- */

typedef struct
{
  const char *name;          /* test path part */
  const char *transform;
  /* zero strength: the identity */
  void      (*setup_zero) (AugurNode *node);
  /* strength level 0, 1, 2: weak, medium, strong */
  void      (*setup_strength) (AugurNode *node, int level);
  /* identity exact (TRUE) or within one level */
  gboolean    exact;
} DistortCase;

static void
perspective_zero (AugurNode *node)
{
  augur_test_set_range (node, "scale", 0, 0);
}

static void
perspective_strength (AugurNode *node,
                      int        level)
{
  static const double s[] = { 0.02, 0.06, 0.15 };

  augur_test_set_range (node, "scale", s[level], s[level]);
}

static void
optical_zero (AugurNode *node)
{
  augur_test_set_range (node, "distort_limit", 0, 0);
}

static void
optical_strength (AugurNode *node,
                  int        level)
{
  static const double k[] = { 0.05, 0.2, 0.6 };

  augur_test_set_range (node, "distort_limit", -k[level], k[level]);
}

static void
fisheye_strength (AugurNode *node,
                  int        level)
{
  optical_strength (node, level);
  set_nick (node, "mode", 1);
}

static void
grid_zero (AugurNode *node)
{
  augur_test_set_range (node, "distort_limit", 0, 0);
}

static void
grid_strength (AugurNode *node,
               int        level)
{
  static const double d[] = { 0.1, 0.3, 0.7 };

  augur_test_set_range (node, "distort_limit", -d[level], d[level]);
}

static void
grid_strength_free (AugurNode *node,
                    int        level)
{
  grid_strength (node, level);
  augur_test_set_bool (node, "normalized", FALSE);
}

static void
elastic_zero (AugurNode *node)
{
  set_number (node, "alpha", 0);
}

static void
elastic_strength (AugurNode *node,
                  int        level)
{
  static const double alpha[] = { 4, 15, 50 };

  set_number (node, "alpha", alpha[level]);
  set_number (node, "sigma", 5);
}

static void
elastic_strength_coarse (AugurNode *node,
                         int        level)
{
  static const double alpha[] = { 10, 40, 150 };

  set_number (node, "alpha", alpha[level]);
  set_number (node, "sigma", 14);
  augur_test_set_bool (node, "same_dxdy", TRUE);
  set_nick (node, "noise_distribution", 1);
}

static void
elastic_strength_approximate (AugurNode *node,
                              int        level)
{
  static const double alpha[] = { 3, 12, 40 };

  set_number (node, "alpha", alpha[level]);
  augur_test_set_bool (node, "approximate", TRUE);
}

static void
pwa_zero (AugurNode *node)
{
  augur_test_set_range (node, "scale", 0, 0);
}

static void
pwa_strength (AugurNode *node,
              int        level)
{
  static const double sc[] = { 0.01, 0.03, 0.08 };

  augur_test_set_range (node, "scale", sc[level], sc[level]);
}

static void
pwa_strength_absolute (AugurNode *node,
                       int        level)
{
  static const double px[] = { 0.5, 1.5, 4 };

  augur_test_set_range (node, "scale", px[level], px[level]);
  augur_test_set_range (node, "nb_rows", 3, 6);
  augur_test_set_range (node, "nb_cols", 5, 8);
  augur_test_set_bool (node, "absolute_scale", TRUE);
}

static void
tps_zero (AugurNode *node)
{
  augur_test_set_range (node, "scale_range", 0, 0);
}

static void
tps_strength (AugurNode *node,
              int        level)
{
  static const double sc[] = { 0.1, 0.3, 0.8 };

  augur_test_set_range (node, "scale_range", sc[level], sc[level]);
}

static void
tps_strength_two (AugurNode *node,
                  int        level)
{
  tps_strength (node, level);
  set_number (node, "num_control_points", 2);
}

static const DistortCase cases[] = {
  { "PiecewiseAffine", "PiecewiseAffine", pwa_zero, pwa_strength, TRUE },
  { "PiecewiseAffine-absolute", "PiecewiseAffine", pwa_zero, pwa_strength_absolute, TRUE },
  { "ThinPlateSpline", "ThinPlateSpline", tps_zero, tps_strength, FALSE },
  { "ThinPlateSpline-two", "ThinPlateSpline", tps_zero, tps_strength_two, FALSE },
  { "ElasticTransform", "ElasticTransform", elastic_zero, elastic_strength, TRUE },
  { "ElasticTransform-coarse", "ElasticTransform", elastic_zero, elastic_strength_coarse, TRUE },
  { "ElasticTransform-approximate", "ElasticTransform", elastic_zero, elastic_strength_approximate, TRUE },
  { "Perspective", "Perspective", perspective_zero, perspective_strength, TRUE },
  { "OpticalDistortion", "OpticalDistortion", optical_zero, optical_strength, TRUE },
  { "OpticalDistortion-fisheye", "OpticalDistortion", optical_zero, fisheye_strength, TRUE },
  { "GridDistortion", "GridDistortion", grid_zero, grid_strength, TRUE },
  { "GridDistortion-free", "GridDistortion", grid_zero, grid_strength_free, TRUE },
};

/* Zero strength is the identity, for every interpolation, border and
 * channel count. */
static void
test_zero_is_identity (gconstpointer data)
{
  const DistortCase *dc = data;
  g_autoptr(AugurNode) node = augur_test_leaf (dc->transform);

  dc->setup_zero (node);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (23, 17, channel_counts[k], 100 + k);

      for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
        for (int border = AUGUR_BORDER_CONSTANT; border <= AUGUR_BORDER_REFLECT_101; border++)
          {
            g_autoptr(AugurImage) out = NULL;

            set_nick (node, "interpolation", interp);
            set_nick (node, "border_mode", border);
            out = augur_test_run (node, src, 7 + interp, NULL);
            g_assert_cmpint (augur_test_max_difference (src, out), <=, dc->exact ? 0 : 1);
          }
    }

  /* an image large enough to be warped in strips of rows */
  for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LINEAR; interp++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (700, 420, 3, 99);
      g_autoptr(AugurImage) out = NULL;

      set_nick (node, "interpolation", interp);
      out = augur_test_run (node, src, 3, NULL);
      g_assert_cmpint (augur_test_max_difference (src, out), <=, dc->exact ? 0 : 1);
    }
}

/* More strength moves pixels further: the mean difference from the input,
 * averaged over draws, grows with the strength. */
static void
test_strength_grows (gconstpointer data)
{
  const DistortCase *dc = data;
  g_autoptr(AugurImage) src = wave_image (64, 48, 3);
  double previous = 0;

  for (int level = 0; level < 3; level++)
    {
      g_autoptr(AugurNode) node = augur_test_leaf (dc->transform);
      double sum = 0;
      const int draws = 8;

      dc->setup_strength (node, level);
      set_nick (node, "border_mode", AUGUR_BORDER_REFLECT_101);
      for (int i = 0; i < draws; i++)
        {
          g_autoptr(AugurImage) out = augur_test_run (node, src, 300 + i, NULL);

          if (out->width == src->width && out->height == src->height)
            sum += augur_test_mean_difference (src, out);
        }
      g_test_message ("%s strength %d: mean difference %.2f", dc->name, level, sum / draws);
      g_assert_cmpfloat (sum / draws, >, previous * 1.2);
      if (level == 0)
        g_assert_cmpfloat (sum / draws, >, 0.5);
      previous = sum / draws;
    }
}

/* A replay written as JSON text and read back writes the same text, and
 * applies to the same pixels. */
static void
test_replay_round_trip (gconstpointer data)
{
  const DistortCase *dc = data;
  g_autoptr(AugurNode) node = augur_test_leaf (dc->transform);

  dc->setup_strength (node, 1);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (30, 20, channel_counts[k], 800 + k);
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurReplay) back = NULL;
      g_autoptr(AugurImage) first = NULL;
      g_autoptr(AugurImage) again = NULL;

      first = augur_test_run (node, src, 77 + k, &replay);
      back = augur_test_replay_round_trip (node, replay, TRUE);
      again = augur_node_apply (node, src, back);
      g_assert_true (augur_image_equal (first, again));
    }
}

/* Tiny images give results of the declared shape; a flat image with a
 * replicated border stays flat whatever the warp. */
static void
test_tiny_images (gconstpointer data)
{
  static const int sizes[][2] = { { 1, 1 }, { 1, 7 }, { 7, 1 }, { 2, 1 }, { 1, 2 } };
  const DistortCase *dc = data;
  g_autoptr(AugurNode) node = augur_test_leaf (dc->transform);

  dc->setup_strength (node, 2);
  set_nick (node, "border_mode", AUGUR_BORDER_REPLICATE);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
        {
          g_autoptr(AugurImage) src = augur_test_flat_image (sizes[s][0], sizes[s][1],
                                                             channel_counts[k], 90);
          g_autoptr(AugurImage) out = NULL;

          set_nick (node, "interpolation", interp);
          out = augur_test_run (node, src, 40 + s + interp, NULL);
          g_assert_cmpint (out->width, >=, 1);
          g_assert_cmpint (out->height, >=, 1);
          for (int y = 0; y < out->height; y++)
            for (int x = 0; x < out->width; x++)
              for (int c = 0; c < out->channels; c++)
                g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, 90);
        }
}

/* Every channel count: the channels move together (a gray image copied
 * into every channel stays gray), and alpha follows the colour. */
static void
test_channels_move_together (gconstpointer data)
{
  const DistortCase *dc = data;
  g_autoptr(AugurNode) node = augur_test_leaf (dc->transform);
  g_autoptr(AugurImage) gray = augur_test_random_image (32, 24, 1, 55);

  dc->setup_strength (node, 2);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      int nc = channel_counts[k];
      g_autoptr(AugurImage) src = augur_image_new (32, 24, nc);
      g_autoptr(AugurImage) out = NULL;
      g_autoptr(AugurImage) out_gray = NULL;

      for (int y = 0; y < 24; y++)
        for (int x = 0; x < 32; x++)
          for (int c = 0; c < nc; c++)
            augur_image_row (src, y)[x * nc + c] = augur_image_row (gray, y)[x];

      set_nick (node, "border_mode", AUGUR_BORDER_REFLECT);
      out = augur_test_run (node, src, 9, NULL);
      out_gray = augur_test_run (node, gray, 9, NULL);
      for (int y = 0; y < out->height; y++)
        for (int x = 0; x < out->width; x++)
          for (int c = 0; c < nc; c++)
            g_assert_cmpint (augur_test_pixel (out, x, y, c), ==,
                             augur_test_pixel (out_gray, x, y, 0));
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
perspective_map_keep (AugurNode *node)
{
  augur_test_set_range (node, "scale", 0.05, 0.12);
}

static void
perspective_map_own_size (AugurNode *node)
{
  augur_test_set_range (node, "scale", 0.05, 0.12);
  augur_test_set_bool (node, "keep_size", FALSE);
}

static void
perspective_map_fit (AugurNode *node)
{
  augur_test_set_range (node, "scale", 0.05, 0.12);
  augur_test_set_bool (node, "fit_output", TRUE);
  augur_test_set_bool (node, "keep_size", FALSE);
}

static void
perspective_map_fit_keep (AugurNode *node)
{
  augur_test_set_range (node, "scale", 0.05, 0.12);
  augur_test_set_bool (node, "fit_output", TRUE);
}

static void
optical_map_camera (AugurNode *node)
{
  augur_test_set_range (node, "distort_limit", -0.4, 0.4);
}

static void
optical_map_fisheye (AugurNode *node)
{
  augur_test_set_range (node, "distort_limit", -0.3, 0.3);
  set_nick (node, "mode", 1);
}

static void
grid_map_setup (AugurNode *node)
{
  augur_test_set_range (node, "distort_limit", -0.5, 0.5);
}

static void
grid_map_free (AugurNode *node)
{
  augur_test_set_range (node, "distort_limit", -0.3, 0.5);
  augur_test_set_bool (node, "normalized", FALSE);
  augur_test_param (node, "num_steps")->v[0] = 7;
}

static void
elastic_map_setup (AugurNode *node)
{
  set_number (node, "alpha", 40);
  set_number (node, "sigma", 6);
}

static void
elastic_map_coarse (AugurNode *node)
{
  set_number (node, "alpha", 150);
  set_number (node, "sigma", 20);
  augur_test_set_bool (node, "same_dxdy", TRUE);
}

static void
elastic_map_approximate (AugurNode *node)
{
  set_number (node, "alpha", 15);
  augur_test_set_bool (node, "approximate", TRUE);
  set_nick (node, "noise_distribution", 1);
}

static void
pwa_map_setup (AugurNode *node)
{
  augur_test_set_range (node, "scale", 0.02, 0.05);
  augur_test_set_range (node, "nb_rows", 3, 6);
  augur_test_set_range (node, "nb_cols", 3, 6);
}

static void
tps_map_setup (AugurNode *node)
{
  augur_test_set_range (node, "scale_range", 0.3, 0.6);
}

static void
tps_map_many (AugurNode *node)
{
  augur_test_set_range (node, "scale_range", 0.2, 0.3);
  set_number (node, "num_control_points", 7);
}

static const MapCase map_cases[] = {
  { "PiecewiseAffine", "PiecewiseAffine", pwa_map_setup },
  { "ThinPlateSpline", "ThinPlateSpline", tps_map_setup },
  { "ThinPlateSpline-many", "ThinPlateSpline", tps_map_many },
  { "ElasticTransform", "ElasticTransform", elastic_map_setup },
  { "ElasticTransform-coarse", "ElasticTransform", elastic_map_coarse },
  { "ElasticTransform-approximate", "ElasticTransform", elastic_map_approximate },
  { "OpticalDistortion", "OpticalDistortion", optical_map_camera },
  { "OpticalDistortion-fisheye", "OpticalDistortion", optical_map_fisheye },
  { "GridDistortion", "GridDistortion", grid_map_setup },
  { "GridDistortion-free", "GridDistortion", grid_map_free },
  { "Perspective", "Perspective", perspective_map_keep },
  { "Perspective-own-size", "Perspective", perspective_map_own_size },
  { "Perspective-fit", "Perspective", perspective_map_fit },
  { "Perspective-fit-keep", "Perspective", perspective_map_fit_keep },
};

/* A bright 3x3 dot on black: after the transform, the centroid of the
 * brightness sits where map_point sends the dot's centre, within a pixel. */
static void
test_map_point (gconstpointer data)
{
  static const int dot_range[4] = { 12, 51, 10, 37 };
  const MapCase *mc = data;
  g_autoptr(AugurNode) node = augur_test_leaf (mc->transform);
  int checked = 0;

  mc->setup (node);
  for (guint i = 0; i < 40; i++)
    checked += augur_test_follow_dot (node, channel_counts[i % 3], i, dot_range, NULL);
  g_test_message ("%d dots followed", checked);
  g_assert_cmpint (checked, >=, 20);
}

/* Perspective ---------------------------------------------------------------- */

/* The drawn corners as the quadrilateral's corner points. */
static void
perspective_quad (const AugurReplay *replay,
                  int                w,
                  int                h,
                  double             q[8])
{
  guint n;
  const double *c = augur_drawn_get_list (&replay->drawn, "corners", &n);

  g_assert_cmpuint (n, ==, 8);
  for (guint i = 0; i < 8; i++)
    {
      g_assert_cmpfloat (c[i], >=, 0);
      g_assert_cmpfloat (c[i], <, 0.32);
    }
  q[0] = c[0] * w, q[1] = c[1] * h;
  q[2] = (1 - c[2]) * w, q[3] = c[3] * h;
  q[4] = (1 - c[4]) * w, q[5] = (1 - c[5]) * h;
  q[6] = c[6] * w, q[7] = (1 - c[7]) * h;
}

/* keep_size false: the result has the quadrilateral's own size, the longer
 * of each pair of opposite sides; the corners land on the output corners. */
static void
test_perspective_own_size (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("Perspective");
  g_autoptr(AugurImage) src = augur_test_flat_image (80, 60, 3, 200);

  augur_test_set_range (node, "scale", 0.1, 0.1);
  augur_test_set_bool (node, "keep_size", FALSE);
  for (int i = 0; i < 20; i++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run (node, src, 500 + i, &replay);
      AugurShape in = { 80, 60, 3 };
      double q[8], top, bottom, left, right;

      perspective_quad (replay, 80, 60, q);
      top = hypot (q[2] - q[0], q[3] - q[1]);
      bottom = hypot (q[4] - q[6], q[5] - q[7]);
      right = hypot (q[4] - q[2], q[5] - q[3]);
      left = hypot (q[6] - q[0], q[7] - q[1]);
      g_assert_cmpint (out->width, ==, (int) floor (MAX (top, bottom) + 1e-6));
      g_assert_cmpint (out->height, ==, (int) floor (MAX (left, right) + 1e-6));
      g_assert_cmpint (out->width, <, 80);
      g_assert_cmpint (out->height, <, 60);

      /* the quadrilateral fills the output: no border shows */
      for (int y = 1; y < out->height - 1; y++)
        for (int x = 1; x < out->width - 1; x++)
          g_assert_cmpint (augur_test_pixel (out, x, y, 0), ==, 200);

      /* its corners go to the output's corners */
      for (int c = 0; c < 4; c++)
        {
          static const int corner[4][2] = { { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 } };
          double x = q[2 * c], y = q[2 * c + 1];

          augur_transform_map_point (node->info, node->params, &replay->drawn, &in, &x, &y);
          g_assert_cmpfloat (fabs (x - corner[c][0] * out->width), <, 1e-6);
          g_assert_cmpfloat (fabs (y - corner[c][1] * out->height), <, 1e-6);
        }
    }
}

/* keep_size true: the quadrilateral is stretched over the whole input size,
 * a zoom in: the centre stays near the centre and the corners of the
 * quadrilateral go to the image corners. */
static void
test_perspective_keep_size (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("Perspective");
  g_autoptr(AugurImage) src = augur_test_flat_image (80, 60, 1, 200);

  augur_test_set_range (node, "scale", 0.08, 0.08);
  for (int i = 0; i < 20; i++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run (node, src, 600 + i, &replay);
      AugurShape in = { 80, 60, 1 };
      double q[8], x, y;

      g_assert_cmpint (out->width, ==, 80);
      g_assert_cmpint (out->height, ==, 60);
      perspective_quad (replay, 80, 60, q);
      x = q[4], y = q[5];
      augur_transform_map_point (node->info, node->params, &replay->drawn, &in, &x, &y);
      g_assert_cmpfloat (fabs (x - 80), <, 1e-6);
      g_assert_cmpfloat (fabs (y - 60), <, 1e-6);
      for (int yy = 1; yy < 59; yy++)
        for (int xx = 1; xx < 79; xx++)
          g_assert_cmpint (augur_test_pixel (out, xx, yy, 0), ==, 200);
    }
}

/* fit_output: the canvas grows to hold the whole warped image, whose four
 * corners land on the canvas edges; the fill shows around it. With
 * keep_size as well, that canvas is resized to the input size. */
static void
test_perspective_fit_output (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("Perspective");
  g_autoptr(AugurImage) src = augur_test_flat_image (80, 60, 3, 200);

  augur_test_set_range (node, "scale", 0.1, 0.1);
  augur_test_set_bool (node, "fit_output", TRUE);
  for (int keep = 0; keep <= 1; keep++)
    for (int i = 0; i < 20; i++)
      {
        g_autoptr(AugurReplay) replay = NULL;
        g_autoptr(AugurImage) out = NULL;
        AugurShape in = { 80, 60, 3 };
        double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
        int filled = 0;

        augur_test_set_bool (node, "keep_size", keep);
        out = augur_test_run (node, src, 700 + i, &replay);
        if (keep)
          {
            g_assert_cmpint (out->width, ==, 80);
            g_assert_cmpint (out->height, ==, 60);
          }
        else
          {
            g_assert_cmpint (out->width, >, 80);
            g_assert_cmpint (out->height, >, 60);
          }

        for (int c = 0; c < 4; c++)
          {
            double x = (c == 1 || c == 2) ? 80 : 0, y = c >= 2 ? 60 : 0;

            augur_transform_map_point (node->info, node->params, &replay->drawn, &in, &x, &y);
            min_x = MIN (min_x, x), max_x = MAX (max_x, x);
            min_y = MIN (min_y, y), max_y = MAX (max_y, y);
          }
        g_assert_cmpfloat (fabs (min_x), <, 1e-6);
        g_assert_cmpfloat (fabs (min_y), <, 1e-6);
        g_assert_cmpfloat (fabs (max_x - out->width), <=, 1);
        g_assert_cmpfloat (fabs (max_y - out->height), <=, 1);

        for (int y = 0; y < out->height; y++)
          for (int x = 0; x < out->width; x++)
            filled += augur_test_pixel (out, x, y, 0) == 0;
        g_assert_cmpint (filled, >, 0);
      }
}

/* PiecewiseAffine and ThinPlateSpline ---------------------------------------- */

/* A replay in which every point moves alike: both warps are then a plain
 * shift of the picture. */
static void
test_equal_moves_shift (void)
{
  static const char *const names[] = { "PiecewiseAffine", "ThinPlateSpline" };

  /* the last size is warped in strips of rows */
  for (guint t = 0; t < G_N_ELEMENTS (names); t++)
    for (guint k = 0; k <= G_N_ELEMENTS (channel_counts); k++)
      {
        int w = k < G_N_ELEMENTS (channel_counts) ? 60 : 600;
        int h = k < G_N_ELEMENTS (channel_counts) ? 40 : 440;
        int nc = channel_counts[k % G_N_ELEMENTS (channel_counts)];
        g_autoptr(AugurNode) node = augur_test_leaf (names[t]);
        g_autoptr(AugurImage) src = augur_test_random_image (w, h, nc, 31 + k);
        g_autoptr(GString) text = g_string_new (NULL);
        g_autoptr(JsonNode) json = NULL;
        g_autoptr(AugurReplay) replay = NULL;
        g_autoptr(AugurImage) out = NULL;
        g_autoptr(GError) error = NULL;
        AugurShape in = { w, h, nc };
        double x = 30.5, y = 20.5;
        int n = t == 0 ? 20 : 16;   /* 4 x 5 points; 4 x 4 control points */

        g_string_printf (text, "{\"type\": \"%s\", \"applied\": true, \"values\": {", names[t]);
        if (t == 0)
          g_string_append (text, "\"nb_rows\": 4, \"nb_cols\": 5, ");
        g_string_append (text, "\"dx\": [");
        for (int i = 0; i < n; i++)
          g_string_append_printf (text, "%s0.05", i ? ", " : "");
        g_string_append (text, "], \"dy\": [");
        for (int i = 0; i < n; i++)
          g_string_append_printf (text, "%s-0.05", i ? ", " : "");
        g_string_append (text, "]}}");

        set_nick (node, "interpolation", AUGUR_INTERP_NEAREST);
        json = json_from_string (text->str, &error);
        g_assert_no_error (error);
        replay = augur_replay_from_json (json, node, &error);
        g_assert_no_error (error);
        out = augur_node_apply (node, src, replay);

        /* output (x, y) reads input (x + 0.05 w, y - 0.05 h) */
        for (int yy = 0; yy < h; yy++)
          for (int xx = 0; xx < w; xx++)
            for (int c = 0; c < nc; c++)
              {
                int sx = xx + w / 20, sy = yy - h / 20;
                int expected = sx < w && sy >= 0
                               ? augur_test_pixel (src, sx, sy, c) : (c == 3 ? 255 : 0);

                g_assert_cmpint (augur_test_pixel (out, xx, yy, c), ==, expected);
              }
        g_assert_true (augur_transform_map_point (node->info, node->params, &replay->drawn, &in, &x, &y));
        g_assert_cmpfloat (fabs (x - (30.5 - w / 20)), <, 1e-3);
        g_assert_cmpfloat (fabs (y - (20.5 + h / 20)), <, 1e-3);
      }
}

/* PiecewiseAffine's map, as its rows are computed for the warp, is the
 * affine map of each grid cell's two triangles (s + t <= 1 the upper-left
 * one), written here pixel by pixel in double precision. */
static void
test_pwa_map_triangles (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("PiecewiseAffine");
  AugurShape in = { 97, 61, 3 };
  const int w = in.width, h = in.height;
  g_autofree float *map = g_new (float, 2 * w * h);

  augur_test_set_range (node, "scale", 0.03, 0.05);
  augur_test_set_range (node, "nb_rows", 3, 6);
  augur_test_set_range (node, "nb_cols", 3, 6);
  for (int seed = 0; seed < 12; seed++)
    {
      g_autoptr(AugurReplay) replay = augur_node_sample (node, &in, 40 + seed);
      int rows = (int) augur_drawn_get (&replay->drawn, "nb_rows");
      int cols = (int) augur_drawn_get (&replay->drawn, "nb_cols");
      const double *dx, *dy;
      guint ndx, ndy;
      AugurWarp warp;
      gpointer state;

      augur_warp_init (&warp, node->params, &replay->drawn, &in);
      node->info->geometry (node->params, &replay->drawn, &in, &warp);
      g_assert_cmpint (warp.kind, ==, AUGUR_WARP_MAP);
      state = warp.map.init (node->params, &replay->drawn, w, h);
      warp.map.rows (state, w, h, 0, h, map);
      warp.map.free (state);
      augur_warp_clear (&warp);

      dx = augur_drawn_get_list (&replay->drawn, "dx", &ndx);
      dy = augur_drawn_get_list (&replay->drawn, "dy", &ndy);
      g_assert_cmpuint (ndx, ==, (guint) (rows * cols));
      g_assert_cmpuint (ndy, ==, (guint) (rows * cols));
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            double gx = (x + 0.5) * (cols - 1) / w, gy = (y + 0.5) * (rows - 1) / h;
            int c = CLAMP ((int) floor (gx), 0, cols - 2), r = CLAMP ((int) floor (gy), 0, rows - 2);
            double s = gx - c, t = gy - r, corner[2][4];

            /* the input points of the corners 00, 10, 01, 11 */
            for (int k = 0; k < 4; k++)
              {
                int i = (r + k / 2) * cols + c + k % 2;

                corner[0][k] = (double) (c + k % 2) * w / (cols - 1) + dx[i] * w;
                corner[1][k] = (double) (r + k / 2) * h / (rows - 1) + dy[i] * h;
              }
            for (int a = 0; a < 2; a++)
              {
                const double *p = corner[a];
                double expected = s + t <= 1
                  ? p[0] + s * (p[1] - p[0]) + t * (p[2] - p[0])
                  : p[3] + (1 - s) * (p[2] - p[3]) + (1 - t) * (p[1] - p[3]);

                g_assert_cmpfloat_with_epsilon (map[2 * (y * w + x) + a], expected, 1e-3);
              }
          }
    }
}

/* Each grid point of the output reads the input at its own place plus its
 * drawn move: map_point sends that input point back onto the grid. */
static void
test_pwa_grid_points (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("PiecewiseAffine");
  AugurShape in = { 90, 70, 3 };

  augur_test_set_range (node, "scale", 0.02, 0.03);
  augur_test_set_range (node, "nb_rows", 3, 5);
  augur_test_set_range (node, "nb_cols", 2, 6);
  for (int seed = 0; seed < 30; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      const double *dx, *dy;
      guint ndx, ndy;
      int rows, cols;

      replay = augur_node_sample (node, &in, 70 + seed);
      rows = (int) augur_drawn_get (&replay->drawn, "nb_rows");
      cols = (int) augur_drawn_get (&replay->drawn, "nb_cols");
      g_assert_cmpint (rows, >=, 3);
      g_assert_cmpint (rows, <=, 5);
      g_assert_cmpint (cols, >=, 2);
      g_assert_cmpint (cols, <=, 6);
      dx = augur_drawn_get_list (&replay->drawn, "dx", &ndx);
      dy = augur_drawn_get_list (&replay->drawn, "dy", &ndy);
      g_assert_cmpuint (ndx, ==, (guint) (rows * cols));
      g_assert_cmpuint (ndy, ==, (guint) (rows * cols));

      for (int r = 1; r < rows - 1; r++)
        for (int c = 1; c < cols - 1; c++)
          {
            double gx = (double) c * 90 / (cols - 1), gy = (double) r * 70 / (rows - 1);
            double x = gx + dx[r * cols + c] * 90, y = gy + dy[r * cols + c] * 70;

            /* within the resolution of a map sampled at pixel centres,
             * half a pixel: the warp has a corner at each grid point,
             * which falls between the centres (over 2000 draws the worst
             * is 0.42 px; about 2% of draws pass 0.25) */
            g_assert_true (augur_transform_map_point (node->info, node->params, &replay->drawn, &in, &x, &y));
            g_assert_cmpfloat (fabs (x - gx), <, 0.5);
            g_assert_cmpfloat (fabs (y - gy), <, 0.5);
          }
    }
}

/* The moves' spread: scale as a fraction of each side, or in pixels with
 * absolute_scale (PiecewiseAffine); a tenth of scale_range
 * (ThinPlateSpline). */
static void
test_move_spread (void)
{
  static const struct { const char *name; const char *param; double value; gboolean absolute;
                        double expected_x; double expected_y; } setups[] = {
    { "PiecewiseAffine", "scale", 0.04, FALSE, 0.04, 0.04 },
    { "PiecewiseAffine", "scale", 6, TRUE, 6 / 200.0, 6 / 50.0 },
    { "ThinPlateSpline", "scale_range", 0.5, FALSE, 0.05, 0.05 },
  };
  AugurShape in = { 200, 50, 1 };

  for (guint s = 0; s < G_N_ELEMENTS (setups); s++)
    {
      g_autoptr(AugurNode) node = augur_test_leaf (setups[s].name);
      double sx = 0, sy = 0;
      guint n = 0;

      augur_test_set_range (node, setups[s].param, setups[s].value, setups[s].value);
      if (setups[s].absolute)
        augur_test_set_bool (node, "absolute_scale", TRUE);
      for (int seed = 0; seed < 100; seed++)
        {
          g_autoptr(AugurReplay) replay = NULL;
          const double *dx, *dy;
          guint ndx, ndy;

          replay = augur_node_sample (node, &in, 1000 + seed);
          dx = augur_drawn_get_list (&replay->drawn, "dx", &ndx);
          dy = augur_drawn_get_list (&replay->drawn, "dy", &ndy);
          g_assert_cmpuint (ndx, ==, ndy);
          for (guint i = 0; i < ndx; i++)
            sx += dx[i] * dx[i], sy += dy[i] * dy[i];
          n += ndx;
        }
      g_assert_cmpfloat (fabs (sqrt (sx / n) / setups[s].expected_x - 1), <, 0.1);
      g_assert_cmpfloat (fabs (sqrt (sy / n) / setups[s].expected_y - 1), <, 0.1);
    }
}

/* The spline passes through the moved control points: the output control
 * point reads the input at its moved place. */
static void
test_tps_control_points (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("ThinPlateSpline");
  AugurShape in = { 80, 64, 3 };

  augur_test_set_range (node, "scale_range", 0.3, 0.5);
  for (int npts = 2; npts <= 5; npts++)
    for (int seed = 0; seed < 8; seed++)
      {
        g_autoptr(AugurReplay) replay = NULL;
        const double *dx, *dy;
        guint ndx, ndy;

        set_number (node, "num_control_points", npts);
        replay = augur_node_sample (node, &in, 50 + seed);
        dx = augur_drawn_get_list (&replay->drawn, "dx", &ndx);
        dy = augur_drawn_get_list (&replay->drawn, "dy", &ndy);
        g_assert_cmpuint (ndx, ==, (guint) (npts * npts));
        for (int r = 0; r < npts; r++)
          for (int c = 0; c < npts; c++)
            {
              double gx = (double) c / (npts - 1), gy = (double) r / (npts - 1);
              double x = (gx + dx[r * npts + c]) * 80, y = (gy + dy[r * npts + c]) * 64;

              if (gx * 80 < 2 || gx * 80 > 78 || gy * 64 < 2 || gy * 64 > 62)
                continue;
              /* within the resolution of a map sampled at pixel centres */
              g_assert_true (augur_transform_map_point (node->info, node->params, &replay->drawn, &in, &x, &y));
              g_assert_cmpfloat (fabs (x - gx * 80), <, 0.2);
              g_assert_cmpfloat (fabs (y - gy * 64), <, 0.2);
            }
      }
}

/* ElasticTransform ----------------------------------------------------------- */

/* Gaussian-smoothed white noise of unit variance has a deviation of
 * 1 / (2 sqrt(pi) sigma): the displacements, measured through map_point
 * over many draws, have that size times alpha, whether the field is built
 * at full resolution (small sigma) or on coarse cells (large sigma);
 * uniform noise on [-1, 1] is weaker by sqrt(3). same_dxdy moves every
 * point along the diagonal. */
static void
test_elastic_amplitude (void)
{
  static const struct { double sigma; gboolean uniform; gboolean same; } setups[] = {
    { 4, FALSE, FALSE }, { 24, FALSE, FALSE }, { 9, TRUE, FALSE }, { 30, FALSE, TRUE },
  };

  for (guint s = 0; s < G_N_ELEMENTS (setups); s++)
    {
      g_autoptr(AugurNode) node = augur_test_leaf ("ElasticTransform");
      double sigma = setups[s].sigma, alpha = 10 * sigma, sum2 = 0, expected;
      /* well inside images several sigma wide: the mirrored edges of the
       * smoothing strengthen the field near them */
      int side = (int) MAX (96, 10 * sigma);
      AugurShape in = { side, side, 1 };
      int n = 0;

      set_number (node, "alpha", alpha);
      set_number (node, "sigma", sigma);
      set_nick (node, "noise_distribution", setups[s].uniform ? 1 : 0);
      augur_test_set_bool (node, "same_dxdy", setups[s].same);
      expected = alpha / (2 * sqrt (G_PI) * sigma) / (setups[s].uniform ? sqrt (3) : 1);

      for (int seed = 0; seed < 30; seed++)
        {
          g_autoptr(AugurReplay) replay = NULL;

          replay = augur_node_sample (node, &in, 4000 + seed);
          for (int py = side / 4; py <= 3 * side / 4; py += side / 8)
            for (int px = side / 4; px <= 3 * side / 4; px += side / 8)
              {
                double x = px + 0.5, y = py + 0.5;

                if (!augur_transform_map_point (node->info, node->params, &replay->drawn, &in, &x, &y))
                  continue;
                /* the output point reads the input point: minus the field */
                if (setups[s].same)
                  g_assert_cmpfloat (fabs ((px + 0.5 - x) - (py + 0.5 - y)), <, 0.05);
                sum2 += (x - px - 0.5) * (x - px - 0.5) + (y - py - 0.5) * (y - py - 0.5);
                n += 2;
              }
        }
      g_test_message ("sigma %g: displacement %.3f, expected %.3f", sigma, sqrt (sum2 / n), expected);
      g_assert_cmpint (n, >, 1000);
      g_assert_cmpfloat (sqrt (sum2 / n), >, 0.8 * expected);
      g_assert_cmpfloat (sqrt (sum2 / n), <, 1.2 * expected);
    }
}

/* The same seed gives the same field; another seed another one. */
static void
test_elastic_seed (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("ElasticTransform");
  g_autoptr(AugurImage) src = wave_image (40, 30, 3);
  g_autoptr(AugurImage) a = NULL;
  g_autoptr(AugurImage) b = NULL;
  g_autoptr(AugurImage) c = NULL;

  set_number (node, "alpha", 60);
  set_number (node, "sigma", 5);
  a = augur_test_run (node, src, 1, NULL);
  b = augur_test_run (node, src, 1, NULL);
  c = augur_test_run (node, src, 2, NULL);
  g_assert_true (augur_image_equal (a, b));
  g_assert_false (augur_image_equal (a, c));
}

/* OpticalDistortion ---------------------------------------------------------- */

/* Albumentations' lens models, written out: the input point that the output
 * point (x, y) reads. */
static void
lens_model (gboolean  fisheye,
            double    k,
            int       w,
            int       h,
            double    x,
            double    y,
            double   *sx,
            double   *sy)
{
  double dx = x - w / 2.0, dy = y - h / 2.0, f;

  if (fisheye)
    f = 1 + k * (dx * dx + dy * dy) / (w * w / 4.0 + h * h / 4.0);
  else
    {
      double r2 = (dx / w) * (dx / w) + (dy / h) * (dy / h);

      f = 1 + k * r2 + k * r2 * r2;
    }
  *sx = w / 2.0 + dx * f;
  *sy = h / 2.0 + dy * f;
}

/* k > 0 pulls the picture towards the centre (barrel), k < 0 pushes it out
 * (pincushion), by the amount the lens model says; the centre stays. */
static void
test_optical_lens (void)
{
  static const double ks[] = { 0.3, -0.3, 0.05, -0.05 };
  static const double points[][2] = { { 50, 30 }, { 10, 5 }, { 70, 55 }, { 40.5, 30.5 }, { 20, 44 } };
  g_autoptr(AugurNode) node = augur_test_leaf ("OpticalDistortion");
  AugurShape in = { 80, 60, 3 };
  g_autoptr(AugurImage) src = augur_test_random_image (80, 60, 3, 17);

  for (int mode = 0; mode <= 1; mode++)
    for (guint i = 0; i < G_N_ELEMENTS (ks); i++)
      {
        g_autoptr(AugurReplay) replay = NULL;
        g_autoptr(AugurImage) out = NULL;

        set_nick (node, "mode", mode);
        augur_test_set_range (node, "distort_limit", ks[i], ks[i]);
        set_nick (node, "interpolation", AUGUR_INTERP_NEAREST);
        out = augur_test_run (node, src, 1, &replay);
        g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "k"), ==, ks[i]);

        /* the centre pixel reads itself */
        for (int c = 0; c < 3; c++)
          g_assert_cmpint (augur_test_pixel (out, 40, 30, c), ==,
                           augur_test_pixel (src, 40, 30, c));

        for (guint p = 0; p < G_N_ELEMENTS (points); p++)
          {
            double x = points[p][0], y = points[p][1], sx, sy;
            double r_in = hypot (x - 40, y - 30), r_out;

            if (!augur_transform_map_point (node->info, node->params, &replay->drawn, &in, &x, &y))
              continue;
            r_out = hypot (x - 40, y - 30);
            if (r_in > 5)
              {
                if (ks[i] > 0)
                  g_assert_cmpfloat (r_out, <, r_in);
                else
                  g_assert_cmpfloat (r_out, >, r_in);
              }
            lens_model (mode == 1, ks[i], 80, 60, x, y, &sx, &sy);
            g_assert_cmpfloat (fabs (sx - points[p][0]), <, 0.05);
            g_assert_cmpfloat (fabs (sy - points[p][1]), <, 0.05);
          }
      }
}

/* GridDistortion ------------------------------------------------------------- */

/* Every cell stretched alike: normalized, that is the identity; not
 * normalized, a zoom by 1 + d about the top-left corner. */
static void
test_grid_uniform_stretch (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("GridDistortion");
  AugurShape in = { 50, 40, 3 };
  g_autoptr(AugurImage) src = augur_test_random_image (50, 40, 3, 23);

  set_nick (node, "interpolation", AUGUR_INTERP_NEAREST);
  augur_test_set_range (node, "distort_limit", 0.25, 0.25);
  for (int normalized = 0; normalized <= 1; normalized++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = NULL;
      double x = 30, y = 20;

      augur_test_set_bool (node, "normalized", normalized);
      out = augur_test_run (node, src, 3, &replay);
      g_assert_true (augur_transform_map_point (node->info, node->params, &replay->drawn, &in, &x, &y));
      if (normalized)
        {
          g_assert_true (augur_image_equal (src, out));
          g_assert_cmpfloat (fabs (x - 30), <, 1e-3);
          g_assert_cmpfloat (fabs (y - 20), <, 1e-3);
          continue;
        }

      g_assert_cmpfloat (fabs (x - 30 / 1.25), <, 1e-3);
      g_assert_cmpfloat (fabs (y - 20 / 1.25), <, 1e-3);
      for (int yy = 0; yy < 40; yy++)
        for (int xx = 0; xx < 50; xx++)
          {
            int sx = (int) floor ((xx + 0.5) * 1.25), sy = (int) floor ((yy + 0.5) * 1.25);

            for (int c = 0; c < 3; c++)
              g_assert_cmpint (augur_test_pixel (out, xx, yy, c), ==,
                               sx < 50 && sy < 40 ? augur_test_pixel (src, sx, sy, c) : 0);
          }
    }
}

/* normalized: the stretched cells together cover the input exactly, so the
 * first and last columns and rows read the input's edges and no border
 * fill shows inside. */
static void
test_grid_normalized_inside (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("GridDistortion");
  g_autoptr(AugurImage) src = augur_test_flat_image (61, 47, 1, 200);
  AugurShape in = { 61, 47, 1 };

  augur_test_set_range (node, "distort_limit", -0.6, 0.6);
  for (int i = 0; i < 20; i++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run (node, src, 900 + i, &replay);
      double x = 61, y = 47;

      for (int yy = 1; yy < 46; yy++)
        for (int xx = 1; xx < 60; xx++)
          g_assert_cmpint (augur_test_pixel (out, xx, yy, 0), ==, 200);
      /* the far corner stays the far corner */
      augur_transform_map_point (node->info, node->params, &replay->drawn, &in, &x, &y);
      g_assert_cmpfloat (fabs (x - 61), <, 0.6);
      g_assert_cmpfloat (fabs (y - 47), <, 0.6);
    }
}

/* Replays at the limits ------------------------------------------------------ */

/* apply trusts only what the drawn spec bounds: replays at its very limits,
 * with lists of the wrong length, apply safely, under extreme parameters
 * too, and give the declared shape. */
static void
test_replay_limits (void)
{
  static const struct { const char *transform; const char *params; } setups[] = {
    { "Perspective", "{}" },
    { "Perspective", "{\"fit_output\": true, \"keep_size\": false}" },
    { "Perspective", "{\"fit_output\": true}" },
    { "Perspective", "{\"keep_size\": false, \"interpolation\": \"lanczos4\"}" },
    { "ElasticTransform", "{}" },
    { "ElasticTransform", "{\"alpha\": 10000, \"sigma\": 1000, \"same_dxdy\": true}" },
    { "ElasticTransform", "{\"alpha\": 10000, \"sigma\": 1, \"approximate\": true}" },
    { "GridDistortion", "{\"num_steps\": 64, \"normalized\": false}" },
    { "GridDistortion", "{\"num_steps\": 1, \"border_mode\": \"wrap\"}" },
    { "OpticalDistortion", "{\"mode\": \"fisheye\"}" },
    { "OpticalDistortion", "{\"border_mode\": \"reflect\", \"interpolation\": \"cubic\"}" },
    { "PiecewiseAffine", "{\"absolute_scale\": true}" },
    { "ThinPlateSpline", "{\"num_control_points\": 12}" },
    { "ThinPlateSpline", "{\"num_control_points\": 2}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (setups); i++)
    for (int end = 0; end < 2; end++)
      {
        const AugurTransformInfo *info = augur_transform_lookup (setups[i].transform);
        g_autofree char *step = g_strdup_printf ("{\"type\": \"%s\", \"params\": %s}",
                                                 setups[i].transform, setups[i].params);
        g_autoptr(GString) text = g_string_new (NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) step_json = NULL;
        g_autoptr(JsonNode) json = NULL;
        g_autoptr(AugurNode) node = NULL;
        g_autoptr(AugurReplay) replay = NULL;

        g_assert_nonnull (info);
        step_json = json_from_string (step, &error);
        g_assert_no_error (error);
        node = augur_node_from_json (step_json, "test", &error);
        g_assert_no_error (error);

        g_string_printf (text, "{\"type\": \"%s\", \"applied\": true, \"values\": {", setups[i].transform);
        for (const AugurDrawnSpec *d = info->drawn; d->name; d++)
          {
            char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE], vs[G_ASCII_DTOSTR_BUF_SIZE];

            g_ascii_dtostr (lo, sizeof lo, d->min);
            g_ascii_dtostr (hi, sizeof hi, d->max);
            g_ascii_dtostr (vs, sizeof vs, end ? d->max : d->min);
            g_string_append_printf (text, "%s\"%s\": ", d == info->drawn ? "" : ", ", d->name);
            if (d->list)
              g_string_append_printf (text, "[%s, %s, %s, %s, %s, %s, %s, %s]", lo, lo, hi, hi, vs, vs, vs, vs);
            else
              g_string_append (text, vs);
          }
        g_string_append (text, "}}");

        json = json_from_string (text->str, &error);
        g_assert_no_error (error);
        replay = augur_replay_from_json (json, node, &error);
        g_assert_no_error (error);

        for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
          for (int size = 0; size < 2; size++)
            {
              int w = size ? 9 : 1, h = size ? 7 : 3;
              g_autoptr(AugurImage) src = augur_test_random_image (w, h, channel_counts[k], 5);
              g_autoptr(AugurImage) out = augur_node_apply (node, src, replay);
              AugurShape in = { w, h, channel_counts[k] }, shape;

              augur_node_output_shape (node, replay, &in, &shape);
              g_assert_cmpint (out->width, ==, shape.width);
              g_assert_cmpint (out->height, ==, shape.height);
              g_assert_cmpint (out->channels, ==, channel_counts[k]);
              g_assert_cmpint (out->width, <=, 4 * w);
              g_assert_cmpint (out->height, <=, 4 * h);
            }
      }
}

/* The registry --------------------------------------------------------------- */

/* Albumentations 2.0.8's image parameters and defaults (its
 * A.to_dict() output, with OpenCV codes written as Augur's names;
 * mask_interpolation and the keypoint-only arguments left out). */
static const struct { const char *name; const char *category; const char *defaults; } expected_defaults[] = {
  { "Perspective", "Geometry",
    "{\"border_mode\": \"constant\", \"fill\": 0.0, \"fill_mask\": 0.0, "
    "\"fit_output\": false, \"interpolation\": \"linear\", "
    "\"keep_size\": true, \"scale\": [0.05, 0.1]}" },
  { "ElasticTransform", "Distortion",
    "{\"alpha\": 1.0, \"approximate\": false, \"border_mode\": \"constant\", \"fill\": 0.0, \"fill_mask\": 0.0, "
    "\"interpolation\": \"linear\", \"noise_distribution\": \"gaussian\", \"same_dxdy\": false, \"sigma\": 50.0}" },
  { "GridDistortion", "Distortion",
    "{\"border_mode\": \"constant\", \"distort_limit\": [-0.3, 0.3], \"fill\": 0.0, \"fill_mask\": 0.0, "
    "\"interpolation\": \"linear\", "
    "\"normalized\": true, \"num_steps\": 5}" },
  { "OpticalDistortion", "Distortion",
    "{\"border_mode\": \"constant\", \"distort_limit\": [-0.05, 0.05], \"fill\": 0.0, \"fill_mask\": 0.0, "
    "\"interpolation\": \"linear\", "
    "\"mode\": \"camera\"}" },
  { "PiecewiseAffine", "Distortion",
    "{\"absolute_scale\": false, \"border_mode\": \"constant\", \"fill\": 0.0, \"fill_mask\": 0.0, "
    "\"interpolation\": \"linear\", "
    "\"nb_cols\": [4, 4], \"nb_rows\": [4, 4], \"scale\": [0.03, 0.05]}" },
  { "ThinPlateSpline", "Distortion",
    "{\"border_mode\": \"constant\", \"fill\": 0.0, \"fill_mask\": 0.0, "
    "\"interpolation\": \"linear\", \"num_control_points\": 4, "
    "\"scale_range\": [0.2, 0.4]}" },
};

static void
test_registry_defaults (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (expected_defaults); t++)
    {
      const AugurTransformInfo *info = augur_transform_lookup (expected_defaults[t].name);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) json = json_from_string (expected_defaults[t].defaults, &error);
      JsonObject *object;
      g_autoptr(GList) members = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (info);
      g_assert_cmpstr (info->category, ==, expected_defaults[t].category);
      g_assert_nonnull (info->geometry);
      g_assert_cmpfloat (info->default_p, ==, 0.5);
      object = json_node_get_object (json);
      g_assert_cmpuint (info->n_params, ==, json_object_get_size (object));
      members = json_object_get_members (object);
      for (GList *l = members; l; l = l->next)
        {
          int i = augur_transform_param_index (info, l->data);
          g_autoptr(JsonNode) ours = NULL;
          g_autofree char *ours_text = NULL;
          g_autofree char *theirs_text = NULL;

          g_assert_cmpint (i, >=, 0);
          ours = augur_param_default_json (&info->params[i]);
          ours_text = augur_json_to_string (ours, FALSE);
          theirs_text = augur_json_to_string (json_object_get_member (object, l->data), FALSE);
          if (!g_str_equal (ours_text, theirs_text))
            g_error ("%s.%s: default %s, Albumentations %s", info->name, (const char *) l->data,
                     ours_text, theirs_text);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      static const struct { const char *what; GTestDataFunc func; } generic[] = {
        { "zero-is-identity", test_zero_is_identity },
        { "strength-grows", test_strength_grows },
        { "replay-round-trip", test_replay_round_trip },
        { "tiny-images", test_tiny_images },
        { "channels-move-together", test_channels_move_together },
      };

      for (guint g = 0; g < G_N_ELEMENTS (generic); g++)
        {
          g_autofree char *path = g_strdup_printf ("/distort/%s/%s", cases[i].name, generic[g].what);

          g_test_add_data_func (path, &cases[i], generic[g].func);
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (map_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/distort/map-point/%s", map_cases[i].name);

      g_test_add_data_func (path, &map_cases[i], test_map_point);
    }
  g_test_add_func ("/distort/Perspective/own-size", test_perspective_own_size);
  g_test_add_func ("/distort/Perspective/keep-size", test_perspective_keep_size);
  g_test_add_func ("/distort/Perspective/fit-output", test_perspective_fit_output);
  g_test_add_func ("/distort/ElasticTransform/amplitude", test_elastic_amplitude);
  g_test_add_func ("/distort/ElasticTransform/seed", test_elastic_seed);
  g_test_add_func ("/distort/OpticalDistortion/lens", test_optical_lens);
  g_test_add_func ("/distort/GridDistortion/uniform-stretch", test_grid_uniform_stretch);
  g_test_add_func ("/distort/GridDistortion/normalized-inside", test_grid_normalized_inside);
  g_test_add_func ("/distort/PiecewiseAffine/grid-points", test_pwa_grid_points);
  g_test_add_func ("/distort/PiecewiseAffine/map-triangles", test_pwa_map_triangles);
  g_test_add_func ("/distort/ThinPlateSpline/control-points", test_tps_control_points);
  g_test_add_func ("/distort/equal-moves-shift", test_equal_moves_shift);
  g_test_add_func ("/distort/move-spread", test_move_spread);
  g_test_add_func ("/distort/replay-limits", test_replay_limits);
  g_test_add_func ("/distort/registry-defaults", test_registry_defaults);

  return g_test_run ();
}
