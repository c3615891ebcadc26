/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-pipeline.h"

#include "augur-test-util.h"

/* The blur, sharpen and texture transforms of the second catalogue, each
 * checked by what it means. */

static AugurImage *
run_json (const char       *json,
          const AugurImage *src,
          guint64           seed,
          AugurReplay     **replay)
{
  g_autoptr(AugurNode) node = augur_test_node_parse (json);

  return augur_test_run_forced (node, src, seed, replay);
}

/* One bright pixel at (x, y) on black. */
static AugurImage *
point_image (int width,
             int height,
             int channels,
             int x,
             int y)
{
  AugurImage *image = augur_test_flat_image (width, height, channels, 0);

  for (int c = 0; c < MIN (channels, 3); c++)
    augur_image_row (image, y)[x * channels + c] = 255;
  return image;
}

/* How many pixels of channel @c are not 0. */
static int
count_lit (const AugurImage *image,
           int               c)
{
  int n = 0;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      n += augur_test_pixel (image, x, y, c) != 0;
  return n;
}

/* Left half @lo, right half @hi. */
static AugurImage *
step_image (int channels,
            int lo,
            int hi)
{
  AugurImage *image = augur_image_new (40, 20, channels);

  for (int y = 0; y < 20; y++)
    for (int x = 0; x < 40; x++)
      for (int c = 0; c < channels; c++)
        augur_image_row (image, y)[x * channels + c] = (guint8) (c == 3 ? 255 : x < 20 ? lo : hi);
  return image;
}

/* Blur ---------------------------------------------------------------------- */

static void
test_box_size_matches_drawn (void)
{
  g_autoptr(AugurImage) src = point_image (31, 31, 1, 15, 15);

  for (guint64 seed = 1; seed <= 6; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = run_json ("{\"type\": \"Blur\", \"params\": {\"blur_limit\": [3, 9]}}",
                                            src, seed, &replay);
      int k = (int) augur_drawn_get (&replay->drawn, "ksize");

      g_assert_cmpint (k % 2, ==, 1);
      g_assert_cmpint (k, >=, 3);
      g_assert_cmpint (k, <=, 9);
      /* The dot becomes a k x k square of 255 / k^2. */
      g_assert_cmpint (count_lit (out, 0), ==, k * k);
      g_assert_cmpint (augur_test_pixel (out, 15 + k / 2, 15 - k / 2, 0), ==, (int) lrint (255.0 / (k * k)));
      g_assert_cmpint (augur_test_pixel (out, 15 + k / 2 + 1, 15, 0), ==, 0);
    }
}

static void
test_box_keeps_flat_and_mean (void)
{
  g_autoptr(AugurImage) flat = augur_test_flat_image (20, 15, 3, 77);
  g_autoptr(AugurImage) out = run_json ("{\"type\": \"Blur\", \"params\": {\"blur_limit\": [7, 7]}}", flat, 1, NULL);

  g_assert_true (augur_image_equal (out, flat));
}

/* The box against its definition: the sum over the k x k box, borders
 * reflect-101 (also boxes taller than the image, which reflect more than
 * once), times 1 / k^2 in float, rounded; the sizes of each loop (3, 5, 7,
 * the general small one, the running sum past 15), gray and colour. */
static void
test_box_definition (void)
{
  static const int sizes[] = { 3, 5, 7, 9, 17, 21 };

  for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
    for (int nc = 1; nc <= 3; nc += 2)
      {
        int k = sizes[z], r = k / 2;
        g_autoptr(AugurImage) src = augur_test_random_image (40, 13, nc, 31 * k + nc);
        g_autofree char *json = g_strdup_printf ("{\"type\": \"Blur\", \"params\": "
                                                 "{\"blur_limit\": [%d, %d]}}", k, k);
        g_autoptr(AugurImage) out = run_json (json, src, 1, NULL);
        float scale = 1.0f / ((float) k * k);

        for (int y = 0; y < src->height; y++)
          for (int x = 0; x < src->width; x++)
            for (int c = 0; c < nc; c++)
              {
                guint32 sum = 0;

                for (int i = -r; i <= r; i++)
                  for (int j = -r; j <= r; j++)
                    sum += augur_test_pixel (src, augur_test_reflect_101 (x + j, src->width),
                                             augur_test_reflect_101 (y + i, src->height), c);
                g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, (int) ((float) sum * scale + 0.5f));
              }
      }
}

/* MotionBlur ------------------------------------------------------------------ */

static void
test_motion_line_along_angle (void)
{
  g_autoptr(AugurImage) src = point_image (31, 31, 1, 15, 15);
  g_autoptr(AugurImage) across = run_json ("{\"type\": \"MotionBlur\", \"params\": {\"blur_limit\": [7, 7], "
                                           "\"angle_range\": [0, 0], \"direction_range\": [0, 0], "
                                           "\"allow_shifted\": false}}", src, 1, NULL);
  g_autoptr(AugurImage) down = run_json ("{\"type\": \"MotionBlur\", \"params\": {\"blur_limit\": [7, 7], "
                                         "\"angle_range\": [90, 90], \"direction_range\": [0, 0], "
                                         "\"allow_shifted\": false}}", src, 1, NULL);
  g_autoptr(AugurImage) diagonal = run_json ("{\"type\": \"MotionBlur\", \"params\": {\"blur_limit\": [7, 7], "
                                             "\"angle_range\": [45, 45], \"direction_range\": [0, 0], "
                                             "\"allow_shifted\": false}}", src, 1, NULL);
  g_autoptr(AugurImage) one_way = run_json ("{\"type\": \"MotionBlur\", \"params\": {\"blur_limit\": [7, 7], "
                                            "\"angle_range\": [0, 0], \"direction_range\": [1, 1], "
                                            "\"allow_shifted\": false}}", src, 1, NULL);

  /* Angle 0: seven pixels of the dot's row; 90: of its column. */
  g_assert_cmpint (count_lit (across, 0), ==, 7);
  g_assert_cmpint (count_lit (down, 0), ==, 7);
  for (int i = -3; i <= 3; i++)
    {
      g_assert_cmpint (augur_test_pixel (across, 15 + i, 15, 0), ==, (int) lrint (255 / 7.0));
      g_assert_cmpint (augur_test_pixel (down, 15, 15 + i, 0), ==, (int) lrint (255 / 7.0));
      /* 45 degrees: the diagonal, as far as 3 * cos 45 rounds (2 cells). */
      if (abs (i) <= 2)
        g_assert_cmpint (augur_test_pixel (diagonal, 15 + i, 15 + i, 0), ==, 51);
    }
  g_assert_cmpint (count_lit (diagonal, 0), ==, 5);
  /* Direction 1 stretches the line past the kernel, which clips it: along
   * x, the same seven cells. */
  g_assert_true (augur_image_equal (one_way, across));
}

/* MedianBlur --------------------------------------------------------------- */

static void
test_median_salt_and_pepper (void)
{
  for (int k = 3; k <= 7; k += 2)
    {
      g_autoptr(AugurImage) src = augur_test_flat_image (40, 30, 3, 120);
      g_autoptr(AugurImage) flat = augur_test_flat_image (40, 30, 3, 120);
      g_autofree char *json = g_strdup_printf ("{\"type\": \"MedianBlur\", \"params\": {\"blur_limit\": [%d, %d]}}", k, k);
      g_autoptr(AugurImage) out = NULL;
      AugurRng rng;

      /* Isolated salt and pepper pixels, at least 3 apart. */
      augur_rng_init (&rng, 61);
      for (int y = 1; y < 30; y += 4)
        for (int x = 1; x < 40; x += 4)
          {
            int v = augur_rng_chance (&rng, 0.5) ? 255 : 0;
            guint8 *p = augur_image_row (src, y) + 3 * (x + (int) augur_rng_int (&rng, 0, 1));

            p[0] = p[1] = p[2] = (guint8) v;
          }
      out = run_json (json, src, 1, NULL);
      g_assert_true (augur_image_equal (out, flat));
    }
}

static void
test_median_is_median (void)
{
  /* 75 rows: three strips of rows, each padded on its own; and images one,
   * two and three pixels wide, whose windows are all border (the 3 x 3
   * filter does its first and last pixel apart from the rest) */
  const struct { int w, h, channels; } shapes[] = { { 17, 75, 1 }, { 1, 9, 3 }, { 2, 7, 3 }, { 3, 5, 4 }, { 40, 11, 3 } };
  /* 3: sorted columns; 5: a selection network; 7: bit by bit; 17: the histogram. */
  const int sizes[] = { 3, 5, 7, 17 };

  for (guint sh = 0; sh < G_N_ELEMENTS (shapes); sh++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        g_autoptr(AugurImage) src = augur_test_random_image (shapes[sh].w, shapes[sh].h, shapes[sh].channels, 62 + sh);
        int k = sizes[s], colours = src->channels == 4 ? 3 : src->channels;
        g_autofree char *json = g_strdup_printf ("{\"type\": \"MedianBlur\", \"params\": {\"blur_limit\": [%d, %d]}}", k, k);
        g_autoptr(AugurImage) out = run_json (json, src, 1, NULL);

        /* Against a plain sort, borders replicated; alpha left alone. */
        for (int y = 0; y < src->height; y++)
          for (int x = 0; x < src->width; x++)
            for (int c = 0; c < src->channels; c++)
              {
                int v[17 * 17], n = 0;

                if (c >= colours)
                  {
                    g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, augur_test_pixel (src, x, y, c));
                    continue;
                  }
                for (int i = -k / 2; i <= k / 2; i++)
                  for (int j = -k / 2; j <= k / 2; j++)
                    {
                      int val = augur_test_pixel (src, CLAMP (x + j, 0, src->width - 1), CLAMP (y + i, 0, src->height - 1), c);
                      int at = n++;

                      while (at > 0 && v[at - 1] > val)
                        {
                          v[at] = v[at - 1];
                          at--;
                        }
                      v[at] = val;
                    }
                g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, v[n / 2]);
              }
      }
}

/* GlassBlur ------------------------------------------------------------------ */

static void
test_glass_local_swaps (void)
{
  g_autoptr(AugurImage) src = augur_test_noise_image (48, 40, 3, 0, 255, 71);
  const char *json = "{\"type\": \"GlassBlur\", \"params\": {\"sigma\": 0.0001, \"mode\": \"exact\"}}";
  g_autoptr(AugurImage) out = run_json (json, src, 5, NULL);
  g_autoptr(AugurImage) again = run_json (json, src, 5, NULL);
  guint64 hist_in[256] = { 0 }, hist_out[256] = { 0 };

  /* With no blur, the glass effect only swaps pixels: the same multiset of
   * values, moved. */
  for (int y = 0; y < 40; y++)
    for (int x = 0; x < 48; x++)
      {
        hist_in[augur_test_pixel (src, x, y, 0)]++;
        hist_out[augur_test_pixel (out, x, y, 0)]++;
      }
  g_assert_cmpmem (hist_in, sizeof hist_in, hist_out, sizeof hist_out);
  g_assert_false (augur_image_equal (out, src));
  /* Swaps reach at most max_delta (4) away from pixels at least one in
   * from the top-left: the first row and column never move. */
  for (int i = 0; i < 48; i++)
    g_assert_cmpint (augur_test_pixel (out, i, 0, 1), ==, augur_test_pixel (src, i, 0, 1));
  for (int i = 0; i < 40; i++)
    g_assert_cmpint (augur_test_pixel (out, 0, i, 2), ==, augur_test_pixel (src, 0, i, 2));
  /* The same seed, the same pixels. */
  g_assert_true (augur_image_equal (out, again));
}

/* Defocus ----------------------------------------------------------------- */

static void
test_defocus_disc (void)
{
  g_autoptr(AugurImage) src = point_image (41, 41, 1, 20, 20);

  for (int r = 3; r <= 9; r += 3)
    {
      g_autofree char *json = g_strdup_printf ("{\"type\": \"Defocus\", \"params\": {\"radius\": [%d, %d], "
                                               "\"alias_blur\": [0.1, 0.1]}}", r, r);
      g_autoptr(AugurImage) out = run_json (json, src, 1, NULL);

      for (int y = 0; y < 41; y++)
        for (int x = 0; x < 41; x++)
          {
            double d = hypot (x - 20, y - 20);

            if (d <= r - 1)
              g_assert_cmpint (augur_test_pixel (out, x, y, 0), >, 0);
            else if (d > r + 1.5)
              g_assert_cmpint (augur_test_pixel (out, x, y, 0), ==, 0);
          }
    }
}

/* ZoomBlur ---------------------------------------------------------------- */

static void
test_zoom_radial (void)
{
  /* Zoom blur smears a dot along the line from the centre through it. */
  g_autoptr(AugurImage) src = point_image (61, 61, 1, 50, 30);
  g_autoptr(AugurImage) out = run_json ("{\"type\": \"ZoomBlur\", \"params\": {\"max_factor\": [1.3, 1.3], "
                                        "\"step_factor\": [0.02, 0.02]}}", src, 1, NULL);
  double cx, cy;

  /* The dot at (50, 30), right of the centre (30, 30): the zooms (up to
   * 1.3) carry it outward along its row, to 30 + 20 * 1.3 = 56 at most. */
  g_assert_cmpint (augur_test_pixel (out, 50, 30, 0), <, 255);
  g_assert_cmpint (augur_test_pixel (out, 53, 30, 0) + augur_test_pixel (out, 54, 30, 0), >, 0);
  g_assert_cmpint (augur_test_pixel (out, 48, 30, 0) + augur_test_pixel (out, 58, 30, 0), ==, 0);
  augur_test_centroid (out, &cx, &cy);
  g_assert_cmpfloat (fabs (cy - 30.5), <, 0.5);
  g_assert_cmpfloat (cx, >, 51);
  g_assert_cmpfloat (cx, <, 57);
}

/* AdvancedBlur ------------------------------------------------------------ */

static void
test_advanced_kernel_sums_to_one (void)
{
  g_autoptr(AugurImage) flat = augur_test_flat_image (30, 20, 3, 150);
  g_autoptr(AugurImage) src = augur_test_noise_image (60, 40, 3, 0, 255, 81);

  for (guint64 seed = 1; seed <= 6; seed++)
    {
      g_autoptr(AugurImage) out_flat = run_json ("{\"type\": \"AdvancedBlur\"}", flat, seed, NULL);
      g_autoptr(AugurImage) out = run_json ("{\"type\": \"AdvancedBlur\", \"params\": {\"blur_limit\": [5, 7], "
                                            "\"sigma_x_limit\": [1, 2]}}", src, seed, NULL);

      /* A kernel summing to 1 keeps a flat image flat and the mean. */
      g_assert_true (augur_image_equal (out_flat, flat));
      g_assert_cmpfloat (fabs (augur_image_mean (out, -1) - augur_image_mean (src, -1)), <, 1.0);
      /* and it does blur: over the draws of these ranges (sigma_y down to
       * 0.2, a plateau kernel) the weakest moves noise by about 6 levels */
      g_assert_cmpfloat (augur_test_mean_difference (out, src), >, 3);
    }
}

/* Sharpen, UnsharpMask, Emboss ------------------------------------------------ */

static void
assert_edge_raised (const char *json)
{
  g_autoptr(AugurImage) src = step_image (3, 80, 160);
  g_autoptr(AugurImage) out = run_json (json, src, 1, NULL);

  /* An overshoot either side of the edge; flat parts far from it kept. */
  g_assert_cmpint (augur_test_pixel (out, 19, 10, 0), <, 78);
  g_assert_cmpint (augur_test_pixel (out, 20, 10, 0), >, 162);
  g_assert_cmpint (abs (augur_test_pixel (out, 5, 10, 1) - 80), <=, 1);
  g_assert_cmpint (abs (augur_test_pixel (out, 35, 10, 1) - 160), <=, 1);
}

static void
test_sharpen_edges (void)
{
  assert_edge_raised ("{\"type\": \"Sharpen\", \"params\": {\"alpha\": [0.5, 0.5], \"lightness\": [1, 1]}}");
  assert_edge_raised ("{\"type\": \"Sharpen\", \"params\": {\"alpha\": [0.5, 0.5], \"method\": \"gaussian\"}}");
  g_assert_true (augur_test_node_refused ("{\"type\": \"Sharpen\", \"params\": {\"kernel_size\": 4}}"));
}

static void
test_unsharp_edges (void)
{
  g_autoptr(AugurImage) noise = augur_test_noise_image (40, 30, 1, 100, 104, 91);
  g_autoptr(AugurImage) out = run_json ("{\"type\": \"UnsharpMask\", \"params\": {\"alpha\": [1, 1], "
                                        "\"threshold\": 10}}", noise, 1, NULL);

  assert_edge_raised ("{\"type\": \"UnsharpMask\", \"params\": {\"alpha\": [0.8, 0.8], \"blur_limit\": [5, 5]}}");
  /* Differences below the threshold (noise of 4 levels) are left alone. */
  g_assert_true (augur_image_equal (out, noise));
}

static void
test_emboss_flat_stays_flat (void)
{
  g_autoptr(AugurImage) flat = augur_test_flat_image (30, 20, 3, 90);
  g_autoptr(AugurImage) out = run_json ("{\"type\": \"Emboss\", \"params\": {\"alpha\": [1, 1], "
                                        "\"strength\": [1, 1]}}", flat, 1, NULL);
  g_autoptr(AugurImage) src = step_image (1, 80, 160);
  g_autoptr(AugurImage) relief = run_json ("{\"type\": \"Emboss\", \"params\": {\"alpha\": [1, 1], "
                                           "\"strength\": [0.5, 0.5]}}", src, 1, NULL);

  g_assert_true (augur_image_equal (out, flat));
  /* The rising edge (dark to bright, left to right) lights up. */
  g_assert_cmpint (augur_test_pixel (relief, 19, 10, 0), >, 80);
  g_assert_cmpint (augur_test_pixel (relief, 5, 10, 0), ==, 80);
}

/* Emboss and Sharpen against filter2D's definition, byte for byte: each
 * output value the sum, tap by tap in row order, of the float products of
 * the blended 3 x 3 kernel and the pixels under it (borders reflect-101),
 * plus 0.5, clipped and truncated; alpha kept. Images as small as one
 * pixel (which reflect onto themselves) and wider than a vector step. */
static void
test_kernel_3x3_definition (void)
{
  static const int sizes[][2] = { { 1, 1 }, { 2, 3 }, { 3, 2 }, { 40, 13 }, { 70, 5 } };
  const double a = 0.6, st = 0.7, l = 1.0;
  const double emboss[9] = { -1 - st, -st, 0, -st, 1, st, 0, st, 1 + st };
  const double sharpen[9] = { -1, -1, -1, -1, 8 + l, -1, -1, -1, -1 };

  for (int which = 0; which < 2; which++)
    for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
      for (int nc = 1; nc <= 4; nc++)
        {
          const double *effect = which == 0 ? emboss : sharpen;
          g_autoptr(AugurImage) src = NULL;
          g_autoptr(AugurImage) out = NULL;
          g_autofree char *json = NULL;
          float k[9];

          if (nc == 2)
            continue;
          src = augur_test_random_image (sizes[z][0], sizes[z][1], nc, 17 * z + nc);
          json = which == 0
            ? g_strdup_printf ("{\"type\": \"Emboss\", \"params\": {\"alpha\": [%g, %g], "
                               "\"strength\": [%g, %g]}}", a, a, st, st)
            : g_strdup_printf ("{\"type\": \"Sharpen\", \"params\": {\"alpha\": [%g, %g], "
                               "\"lightness\": [%g, %g]}}", a, a, l, l);
          out = run_json (json, src, 1, NULL);
          for (int i = 0; i < 9; i++)
            k[i] = (float) (a * effect[i] + (i == 4 ? 1 - a : 0));

          for (int y = 0; y < src->height; y++)
            for (int x = 0; x < src->width; x++)
              for (int c = 0; c < nc; c++)
                {
                  volatile float acc = 0;
                  float v;

                  if (c == 3)
                    {
                      g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, augur_test_pixel (src, x, y, c));
                      continue;
                    }
                  for (int i = 0; i < 9; i++)
                    {
                      volatile float prod;

                      if (k[i] == 0)
                        continue;
                      prod = k[i] * augur_test_pixel (src, augur_test_reflect_101 (x + i % 3 - 1, src->width),
                                                      augur_test_reflect_101 (y + i / 3 - 1, src->height), c);
                      acc = acc + prod;
                    }
                  v = acc + 0.5f;
                  v = v < 0 ? 0 : v > 255 ? 255 : v;
                  g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, (int) v);
                }
        }
}

/* Superpixels ------------------------------------------------------------- */

static int
count_colours (const AugurImage *image)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        guint key = (guint) augur_test_pixel (image, x, y, 0) << 16 |
                    (guint) augur_test_pixel (image, x, y, 1) << 8 | (guint) augur_test_pixel (image, x, y, 2);

        g_hash_table_add (seen, GUINT_TO_POINTER (key + 1));
      }
  return (int) g_hash_table_size (seen);
}

static void
test_superpixels_fewer_colours (void)
{
  g_autoptr(AugurImage) src = augur_test_noise_image (64, 64, 3, 0, 255, 101);
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurImage) out = run_json ("{\"type\": \"Superpixels\", \"params\": {\"p_replace\": [1, 1], "
                                        "\"n_segments\": [50, 50]}}", src, 1, &replay);
  g_autoptr(AugurImage) none = run_json ("{\"type\": \"Superpixels\", \"params\": {\"p_replace\": [0, 0]}}",
                                         src, 1, NULL);
  guint n = 0;

  augur_drawn_get_list (&replay->drawn, "replaced", &n);
  g_assert_cmpuint (n, ==, 50);
  /* Every segment one colour: about as many colours as segments. */
  g_assert_cmpint (count_colours (src), >, 3000);
  g_assert_cmpint (count_colours (out), <=, 100);
  /* Nothing drawn for replacing: the image as it was. */
  g_assert_true (augur_image_equal (none, src));
}

/* Morphological ------------------------------------------------------------ */

static void
test_morphology_dot (void)
{
  g_autoptr(AugurImage) src = point_image (21, 21, 1, 10, 10);
  g_autoptr(AugurImage) grown = run_json ("{\"type\": \"Morphological\", \"params\": {\"scale\": [3, 3], "
                                          "\"operation\": \"dilation\"}}", src, 1, NULL);
  g_autoptr(AugurImage) shrunk = run_json ("{\"type\": \"Morphological\", \"params\": {\"scale\": [3, 3], "
                                           "\"operation\": \"erosion\"}}", grown, 1, NULL);
  g_autoptr(AugurImage) big = run_json ("{\"type\": \"Morphological\", \"params\": {\"scale\": [7, 7]}}", src, 1, NULL);

  /* OpenCV's 3 x 3 ellipse is a plus: the dot grows into five pixels, and
   * erosion by the same element gives the dot back. */
  g_assert_cmpint (count_lit (grown, 0), ==, 5);
  g_assert_cmpint (augur_test_pixel (grown, 11, 10, 0), ==, 255);
  g_assert_cmpint (augur_test_pixel (grown, 11, 11, 0), ==, 0);
  g_assert_true (augur_image_equal (shrunk, src));
  g_assert_cmpint (count_lit (big, 0), >, 25);
  g_assert_cmpint (count_lit (big, 0), <, 49);
}

/* Dilation and erosion against their definition: the maximum (minimum)
 * over OpenCV's elliptical element (getStructuringElement's formula,
 * written out here), outside the image neutral; square, flat, tall and
 * even elements, alpha kept, with the AVX2 loop and the portable one. */
static void
test_morphology_definition (void)
{
  static const int sizes[][2] = { { 1, 1 }, { 2, 3 }, { 3, 3 }, { 4, 4 }, { 5, 5 }, { 7, 3 },
                                  { 1, 6 }, { 6, 1 }, { 9, 9 }, { 11, 7 } };

  for (int portable = 0; portable < 2; portable++)
    for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
      for (int nc = 1; nc <= 4; nc += nc == 1 ? 2 : 1)
        for (int dilate = 0; dilate < 2; dilate++)
          {
            int kw = sizes[z][0], kh = sizes[z][1], r = kh / 2, c = kw / 2;
            g_autoptr(AugurImage) src = augur_test_random_image (75, 23, nc, 17 * z + nc);
            g_autofree char *json = g_strdup_printf ("{\"type\": \"Morphological\", \"params\": "
                                                     "{\"scale\": [%d, %d], \"operation\": \"%s\"}}",
                                                     kw, kh, dilate ? "dilation" : "erosion");
            g_autoptr(AugurImage) out = NULL;

            if (portable)
              g_setenv ("AUGUR_NO_AVX2", "1", TRUE);
            out = run_json (json, src, 1, NULL);
            g_unsetenv ("AUGUR_NO_AVX2");

            for (int y = 0; y < src->height; y++)
              for (int x = 0; x < src->width; x++)
                for (int ch = 0; ch < nc; ch++)
                  {
                    int want = dilate ? 0 : 255;

                    for (int i = 0; i < kh && ch < 3; i++)
                      {
                        int dy = i - r;
                        int dx = (int) lrint (c * sqrt (r ? (double) (r * r - dy * dy) / (r * r) : 0));

                        for (int j = MAX (c - dx, 0); j < MIN (c + dx + 1, kw); j++)
                          {
                            int sx = x + j - c, sy = y + i - r, v;

                            if (sx < 0 || sy < 0 || sx >= src->width || sy >= src->height)
                              continue;
                            v = augur_test_pixel (src, sx, sy, ch);
                            want = dilate ? MAX (want, v) : MIN (want, v);
                          }
                      }
                    if (ch == 3)
                      want = augur_test_pixel (src, x, y, 3);
                    if (augur_test_pixel (out, x, y, ch) != want)
                      g_error ("%dx%d %s, %d channels%s: (%d, %d, %d) is %d, not %d", kw, kh,
                               dilate ? "dilation" : "erosion", nc, portable ? ", portable" : "",
                               x, y, ch, augur_test_pixel (out, x, y, ch), want);
                  }
          }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/blur/box/size", test_box_size_matches_drawn);
  g_test_add_func ("/blur/box/flat", test_box_keeps_flat_and_mean);
  g_test_add_func ("/blur/box/definition", test_box_definition);
  g_test_add_func ("/blur/motion/line", test_motion_line_along_angle);
  g_test_add_func ("/blur/median/salt-and-pepper", test_median_salt_and_pepper);
  g_test_add_func ("/blur/median/sorted", test_median_is_median);
  g_test_add_func ("/blur/glass/swaps", test_glass_local_swaps);
  g_test_add_func ("/blur/defocus/disc", test_defocus_disc);
  g_test_add_func ("/blur/zoom/radial", test_zoom_radial);
  g_test_add_func ("/blur/advanced/kernel-sum", test_advanced_kernel_sums_to_one);
  g_test_add_func ("/blur/sharpen/edges", test_sharpen_edges);
  g_test_add_func ("/blur/unsharp/edges", test_unsharp_edges);
  g_test_add_func ("/blur/emboss/flat", test_emboss_flat_stays_flat);
  g_test_add_func ("/blur/kernel-3x3/definition", test_kernel_3x3_definition);
  g_test_add_func ("/blur/superpixels/colours", test_superpixels_fewer_colours);
  g_test_add_func ("/blur/morphology/dot", test_morphology_dot);
  g_test_add_func ("/blur/morphology/definition", test_morphology_definition);

  return g_test_run ();
}
