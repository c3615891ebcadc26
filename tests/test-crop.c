/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-pipeline.h"
#include "augur-recipe.h"
#include "augur-resample.h"
#include "augur-rng.h"
#include "augur-transform.h"

#include "augur-test-util.h"

static const int channel_counts[] = { 1, 3, 4 };

static const char *const crop_names[] = {
  "RandomScale", "Resize", "LongestMaxSize", "SmallestMaxSize", "PadIfNeeded", "RandomCrop",
  "CenterCrop", "Crop", "RandomSizedCrop", "CropAndPad", "RandomCropFromBorders",
  "RandomGridShuffle",
};

/* Helpers ------------------------------------------------------------------ */

/* Whether @out equals the part of @src at (@x, @y) of @out's size. */
static gboolean
is_slice (const AugurImage *out,
          const AugurImage *src,
          int               x,
          int               y)
{
  if (x < 0 || y < 0 || x + out->width > src->width || y + out->height > src->height ||
      out->channels != src->channels)
    return FALSE;
  for (int j = 0; j < out->height; j++)
    if (memcmp (augur_image_row (out, j), augur_image_row (src, y + j) + (gsize) x * src->channels,
                (gsize) out->width * out->channels) != 0)
      return FALSE;
  return TRUE;
}

static void
set_num (AugurNode  *node,
         const char *name,
         double      value)
{
  AugurValue *v = augur_test_param (node, name);

  v->is_null = FALSE;
  v->v[0] = value;
}

static void
set_pair (AugurNode  *node,
          const char *name,
          double      a,
          double      b)
{
  AugurValue *v = augur_test_param (node, name);

  v->is_null = FALSE;
  v->v[0] = a, v->v[1] = b;
}

static void
set_null (AugurNode  *node,
          const char *name)
{
  augur_test_param (node, name)->is_null = TRUE;
}

static void
set_nick (AugurNode  *node,
          const char *name,
          const char *nick)
{
  int i = augur_transform_param_index (node->info, name);
  AugurValue *v = augur_test_param (node, name);

  v->is_null = FALSE;
  v->nick = (gint8) augur_param_nick_index (&node->info->params[i], nick);
  g_assert_cmpint (v->nick, >=, 0);
}

/* Applies @node with a replay whose values are @names = @values, over
 * what sampling drew. */
static AugurImage *
run_with (const AugurNode   *node,
          const AugurImage  *src,
          const char *const *names,
          const double      *values,
          guint              n)
{
  AugurShape in = { src->width, src->height, src->channels }, predicted;
  g_autoptr(AugurReplay) replay = NULL;
  AugurImage *out;

  replay = augur_node_sample (node, &in, 1);
  {
    AugurDrawn changed;

    /* a value is set once: build the values afresh */
    augur_drawn_init (&changed);
    for (const AugurDrawnSpec *d = node->info->drawn; d->name; d++)
      {
        double v = augur_drawn_get (&replay->drawn, d->name);

        for (guint i = 0; i < n; i++)
          if (g_str_equal (names[i], d->name))
            v = values[i];
        augur_drawn_set (&changed, d->name, v);
      }
    augur_drawn_clear (&replay->drawn);
    replay->drawn = changed;
  }
  out = augur_node_apply (node, src, replay);
  augur_node_output_shape (node, replay, &in, &predicted);
  g_assert_cmpint (out->width, ==, predicted.width);
  g_assert_cmpint (out->height, ==, predicted.height);
  return out;
}

/* The registry ------------------------------------------------------------- */

static void
test_registry (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (crop_names); i++)
    {
      const AugurTransformInfo *info = augur_transform_lookup (crop_names[i]);
      g_autoptr(AugurNode) node = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (info);
      g_assert_cmpstr (info->category, ==, AUGUR_CATEGORY_CROP);
      /* spatial: the geometry gives pixels, shape and point mapping */
      g_assert_nonnull (info->geometry);
      g_assert_null (info->apply);
      g_assert_null (info->output_shape);
      g_assert_nonnull (info->sample);

      /* the defaults are a valid recipe step */
      node = augur_test_leaf (crop_names[i]);
      for (guint k = 0; k < info->n_params; k++)
        g_assert_true (augur_param_check (&info->params[k], &node->params[k], &error));
      if (info->check)
        g_assert_true (info->check (node->params, &error));
      g_assert_no_error (error);
    }
}

static AugurNode *
parse_step (const char  *json,
            GError     **error)
{
  g_autoptr(JsonNode) root = json_from_string (json, NULL);

  g_assert_nonnull (root);
  return augur_node_from_json (root, "test", error);
}

static void
test_recipe_checks (void)
{
  static const struct { const char *json; gboolean ok; } cases[] = {
    { "{\"type\": \"CropAndPad\", \"params\": {\"px\": null, \"percent\": null}}", FALSE },
    { "{\"type\": \"CropAndPad\", \"params\": {\"px\": [-4, 8]}}", TRUE },
    { "{\"type\": \"Crop\", \"params\": {\"x_min\": 10, \"x_max\": 10}}", FALSE },
    { "{\"type\": \"Crop\", \"params\": {\"y_min\": 20, \"y_max\": 5}}", FALSE },
    { "{\"type\": \"Crop\", \"params\": {\"x_min\": 2, \"y_min\": 3, \"x_max\": 9, \"y_max\": 4}}", TRUE },
    { "{\"type\": \"RandomCropFromBorders\", \"params\": {\"crop_left\": 0.6, \"crop_right\": 0.5}}", FALSE },
    { "{\"type\": \"RandomCropFromBorders\", \"params\": {\"crop_top\": 0.5, \"crop_bottom\": 0.5}}", TRUE },
    { "{\"type\": \"PadIfNeeded\", \"params\": {\"min_height\": null}}", FALSE },
    { "{\"type\": \"PadIfNeeded\", \"params\": {\"min_width\": null, \"pad_width_divisor\": 32}}", TRUE },
    { "{\"type\": \"PadIfNeeded\", \"params\": {\"position\": \"bottom_left\"}}", TRUE },
    { "{\"type\": \"PadIfNeeded\", \"params\": {\"position\": \"middle\"}}", FALSE },
    { "{\"type\": \"LongestMaxSize\", \"params\": {\"max_size\": null}}", FALSE },
    { "{\"type\": \"LongestMaxSize\", \"params\": {\"max_size\": null, \"max_size_hw\": [0, 0]}}", FALSE },
    { "{\"type\": \"SmallestMaxSize\", \"params\": {\"max_size\": null, \"max_size_hw\": [300, 0]}}", TRUE },
    { "{\"type\": \"RandomSizedCrop\", \"params\": {\"size\": [300, 200]}}", TRUE },
    { "{\"type\": \"RandomSizedCrop\", \"params\": {\"min_max_height\": [50, 20]}}", FALSE },
    { "{\"type\": \"RandomGridShuffle\", \"params\": {\"grid\": [4, 2]}}", TRUE },
    { "{\"type\": \"RandomGridShuffle\", \"params\": {\"grid\": [0, 2]}}", FALSE },
    { "{\"type\": \"RandomScale\", \"params\": {\"scale_limit\": 0.3}}", TRUE },
    { "{\"type\": \"Resize\", \"params\": {\"height\": 0}}", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AugurNode) node = parse_step (cases[i].json, &error);

      g_test_message ("%s: %s", cases[i].json, error ? error->message : "accepted");
      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_nonnull (node);
        }
      else
        {
          g_assert_null (node);
          g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
        }
    }

  /* One number x for scale_limit reads as [-x, x]. */
  {
    g_autoptr(AugurNode) node = parse_step ("{\"type\": \"RandomScale\", \"params\": {\"scale_limit\": 0.3}}", NULL);

    g_assert_cmpfloat (augur_test_param (node, "scale_limit")->v[0], ==, -0.3);
    g_assert_cmpfloat (augur_test_param (node, "scale_limit")->v[1], ==, 0.3);
  }
}

/* Resize and the max-size pair --------------------------------------------- */

static void
test_resize_size (void)
{
  static const int sizes[][4] = {
    /* in w, h; out w, h */
    { 40, 30, 17, 23 }, { 40, 30, 80, 60 }, { 7, 9, 7, 9 }, { 1, 1, 5, 3 }, { 13, 1, 4, 2 },
  };
  g_autoptr(AugurNode) node = augur_test_leaf ("Resize");

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      for (int interp = AUGUR_INTERP_NEAREST; interp <= AUGUR_INTERP_LANCZOS4; interp++)
        {
          g_autoptr(AugurImage) src = augur_test_flat_image (sizes[s][0], sizes[s][1],
                                                             channel_counts[k], 77);
          g_autoptr(AugurImage) noisy = augur_test_random_image (sizes[s][0], sizes[s][1],
                                                                 channel_counts[k], s);
          g_autoptr(AugurImage) out = NULL;
          g_autoptr(AugurImage) noisy_out = NULL;

          set_num (node, "width", sizes[s][2]);
          set_num (node, "height", sizes[s][3]);
          augur_test_param (node, "interpolation")->nick = (gint8) interp;
          out = augur_test_run (node, src, 1, NULL);
          g_assert_cmpint (out->width, ==, sizes[s][2]);
          g_assert_cmpint (out->height, ==, sizes[s][3]);
          /* every kernel keeps a flat image flat */
          for (int y = 0; y < out->height; y++)
            for (int x = 0; x < out->width; x++)
              g_assert_cmpint (augur_test_pixel (out, x, y, 0), ==, 77);

          /* the same size is the identity */
          noisy_out = augur_test_run (node, noisy, 1, NULL);
          if (sizes[s][0] == sizes[s][2] && sizes[s][1] == sizes[s][3])
            g_assert_true (augur_image_equal (noisy, noisy_out));
        }
}

/* area_for_downscale: one-pixel stripes shrunk by two average to grey. */
static void
test_resize_area_for_downscale (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("Resize");
  g_autoptr(AugurImage) src = augur_image_new (32, 8, 1);

  for (int y = 0; y < 8; y++)
    for (int x = 0; x < 32; x++)
      augur_image_row (src, y)[x] = x % 2 ? 255 : 0;

  set_num (node, "width", 16);
  set_num (node, "height", 8);
  set_nick (node, "interpolation", "nearest");
  for (int area = 0; area <= 1; area++)
    {
      g_autoptr(AugurImage) out = NULL;

      if (area)
        set_nick (node, "area_for_downscale", "image");
      out = augur_test_run (node, src, 1, NULL);
      for (int x = 0; x < 16; x++)
        {
          int v = augur_test_pixel (out, x, 3, 0);

          if (area)
            g_assert_cmpint (ABS (v - 128), <=, 1);
          else
            g_assert_true (v == 0 || v == 255);
        }
    }
}

typedef struct
{
  int         w, h;
  int         max_size;        /* 0: use hw */
  int         hw_h, hw_w;      /* 0: free side */
  gboolean    longest;
  int         out_w, out_h;    /* expected; -1: check the rule instead */
} MaxSizeCase;

static const MaxSizeCase max_size_cases[] = {
  /* Albumentations' documented examples */
  { 800, 1500, 1024, 0, 0, TRUE, 546, 1024 },
  { 800, 1500, 0, 800, 1024, TRUE, 427, 800 },
  { 1500, 800, 0, 800, 1024, TRUE, 1024, 546 },
  { 800, 1500, 0, 800, 0, TRUE, 427, 800 },
  { 150, 100, 120, 0, 0, FALSE, 180, 120 },
  { 160, 80, 0, 100, 200, FALSE, 200, 100 },
  { 80, 160, 0, 100, 200, FALSE, 200, 400 },
  { 160, 80, 0, 100, 0, FALSE, 200, 100 },
  { 160, 80, 0, 0, 40, FALSE, 40, 20 },
  /* shrinking, growing, odd ratios */
  { 97, 61, 40, 0, 0, TRUE, -1, -1 },
  { 61, 97, 40, 0, 0, FALSE, -1, -1 },
  { 33, 7, 100, 0, 0, TRUE, -1, -1 },
  { 7, 33, 100, 0, 0, FALSE, -1, -1 },
  { 1, 1, 9, 0, 0, TRUE, 9, 9 },
  { 1, 40, 10, 0, 0, TRUE, 1, 10 },
  { 40, 1, 10, 0, 0, FALSE, 400, 10 },
};

static void
test_max_size (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (max_size_cases); i++)
    {
      const MaxSizeCase *mc = &max_size_cases[i];
      g_autoptr(AugurNode) node = augur_test_leaf (mc->longest ? "LongestMaxSize" : "SmallestMaxSize");
      int nc = channel_counts[i % 3];
      g_autoptr(AugurImage) src = augur_test_flat_image (mc->w, mc->h, nc, 150);
      g_autoptr(AugurImage) out = NULL;
      double in_ratio = (double) mc->w / mc->h;

      if (mc->max_size > 0)
        set_num (node, "max_size", mc->max_size);
      else
        set_pair (node, "max_size_hw", mc->hw_h, mc->hw_w);
      out = augur_test_run (node, src, 1, NULL);
      g_test_message ("%dx%d -> %dx%d", mc->w, mc->h, out->width, out->height);

      if (mc->out_w > 0)
        {
          g_assert_cmpint (out->width, ==, mc->out_w);
          g_assert_cmpint (out->height, ==, mc->out_h);
        }
      else
        {
          int side = mc->longest ? MAX (out->width, out->height) : MIN (out->width, out->height);

          g_assert_cmpint (side, ==, mc->max_size);
        }
      /* the aspect ratio is kept to within a pixel on the derived side */
      if (out->width >= out->height)
        g_assert_cmpfloat (fabs (out->width / in_ratio - out->height), <=, 1.0);
      else
        g_assert_cmpfloat (fabs (out->height * in_ratio - out->width), <=, 1.0);
      for (int x = 0; x < out->width; x++)
        g_assert_cmpint (augur_test_pixel (out, x, out->height / 2, 0), ==, 150);
    }
}

/* RandomScale: the factor within 1 + scale_limit, each side truncated. */
static void
test_random_scale (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("RandomScale");
  g_autoptr(AugurImage) src = augur_test_random_image (50, 30, 3, 5);
  double lo = 2, hi = 0;

  set_pair (node, "scale_limit", -0.4, 0.6);
  for (int seed = 0; seed < 200; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run (node, src, seed, &replay);
      double s = augur_drawn_get (&replay->drawn, "scale");

      g_assert_cmpfloat (s, >=, 0.6);
      g_assert_cmpfloat (s, <=, 1.6);
      g_assert_cmpint (out->width, ==, (int) (50 * s));
      g_assert_cmpint (out->height, ==, (int) (30 * s));
      lo = MIN (lo, s), hi = MAX (hi, s);
    }
  /* the draws spread over the range */
  g_assert_cmpfloat (lo, <, 0.7);
  g_assert_cmpfloat (hi, >, 1.5);

  /* no change of size: the identity */
  set_pair (node, "scale_limit", 0, 0);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) img = augur_test_random_image (11, 7, channel_counts[k], 9);
      g_autoptr(AugurImage) out = augur_test_run (node, img, 3, NULL);

      g_assert_true (augur_image_equal (img, out));
    }
}

/* Crops -------------------------------------------------------------------- */

static void
test_center_crop (void)
{
  static const int cases[][4] = {
    /* in w, h; crop w, h */
    { 20, 16, 8, 6 }, { 21, 17, 8, 6 }, { 20, 16, 7, 5 }, { 9, 9, 9, 9 }, { 9, 9, 1, 1 },
    { 1, 12, 1, 5 },
  };
  g_autoptr(AugurNode) node = augur_test_leaf ("CenterCrop");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      {
        int w = cases[i][0], h = cases[i][1], cw = cases[i][2], ch = cases[i][3];
        g_autoptr(AugurImage) src = augur_test_random_image (w, h, channel_counts[k], 10 * i + k);
        g_autoptr(AugurImage) out = NULL;

        set_num (node, "width", cw);
        set_num (node, "height", ch);
        out = augur_test_run (node, src, 1, NULL);
        g_assert_cmpint (out->width, ==, cw);
        g_assert_cmpint (out->height, ==, ch);
        g_assert_true (is_slice (out, src, (w - cw) / 2, (h - ch) / 2));
        if (cw == w && ch == h)
          g_assert_true (augur_image_equal (src, out));
      }
}

/* A crop larger than the image: cut to the image without padding, padded
 * to the full size with it. */
static void
test_center_crop_pad (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("CenterCrop");
  g_autoptr(AugurImage) src = augur_test_random_image (10, 6, 3, 4);
  g_autoptr(AugurImage) cut = NULL;
  g_autoptr(AugurImage) padded = NULL;

  set_num (node, "width", 14);
  set_num (node, "height", 4);
  cut = augur_test_run (node, src, 1, NULL);
  g_assert_cmpint (cut->width, ==, 10);
  g_assert_cmpint (cut->height, ==, 4);
  g_assert_true (is_slice (cut, src, 0, 1));

  augur_test_param (node, "pad_if_needed")->v[0] = 1;
  augur_test_set_fill (node, 33);
  padded = augur_test_run (node, src, 1, NULL);
  g_assert_cmpint (padded->width, ==, 14);
  g_assert_cmpint (padded->height, ==, 4);
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 14; x++)
      for (int c = 0; c < 3; c++)
        {
          int sx = x - 2;   /* 4 columns of padding, 2 on each side */
          int expected = sx >= 0 && sx < 10 ? augur_test_pixel (src, sx, y + 1, c) : 33;

          g_assert_cmpint (augur_test_pixel (padded, x, y, c), ==, expected);
        }
}

/* With pad_if_needed on an image large enough to need none, the crop
 * window lies inside the image and reads no border: whatever the border
 * mode, the result is the slice (the window is copied as a plain
 * rectangle, without the per-pixel border lookup). */
static void
test_crop_window_inside (void)
{
  static const char *const borders[] = { "constant", "replicate", "reflect", "wrap", "reflect_101" };
  static const char *const kinds[] = { "CenterCrop", "RandomCrop" };

  for (guint b = 0; b < G_N_ELEMENTS (borders); b++)
    for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
      for (int seed = 0; seed < 12; seed++)
        {
          g_autoptr(AugurNode) node = augur_test_leaf (kinds[i]);
          g_autoptr(AugurImage) src = augur_test_random_image (23, 17, channel_counts[seed % 3], seed);
          g_autoptr(AugurReplay) replay = NULL;
          g_autoptr(AugurImage) out = NULL;
          int x = (23 - 9) / 2, y = (17 - 5) / 2;

          set_num (node, "width", 9);
          set_num (node, "height", 5);
          augur_test_param (node, "pad_if_needed")->v[0] = 1;
          set_nick (node, "border_mode", borders[b]);
          out = augur_test_run (node, src, seed, &replay);
          if (i == 1)
            {
              x = (int) augur_drawn_get (&replay->drawn, "x");
              y = (int) augur_drawn_get (&replay->drawn, "y");
            }
          g_assert_cmpint (out->width, ==, 9);
          g_assert_cmpint (out->height, ==, 5);
          g_assert_true (is_slice (out, src, x, y));
        }
}

static void
test_crop_box (void)
{
  static const int boxes[][4] = {
    { 0, 0, 20, 15 }, { 3, 2, 9, 14 }, { 19, 14, 20, 15 }, { 5, 5, 6, 6 },
  };
  g_autoptr(AugurNode) node = augur_test_leaf ("Crop");

  for (guint i = 0; i < G_N_ELEMENTS (boxes); i++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      {
        g_autoptr(AugurImage) src = augur_test_random_image (20, 15, channel_counts[k], 30 + i);
        g_autoptr(AugurImage) out = NULL;

        set_num (node, "x_min", boxes[i][0]);
        set_num (node, "y_min", boxes[i][1]);
        set_num (node, "x_max", boxes[i][2]);
        set_num (node, "y_max", boxes[i][3]);
        out = augur_test_run (node, src, 1, NULL);
        g_assert_cmpint (out->width, ==, boxes[i][2] - boxes[i][0]);
        g_assert_cmpint (out->height, ==, boxes[i][3] - boxes[i][1]);
        g_assert_true (is_slice (out, src, boxes[i][0], boxes[i][1]));
        if (i == 0)
          g_assert_true (augur_image_equal (src, out));
      }
}

/* A box past the image: cut to it, or (pad_if_needed) Albumentations'
 * padding: the needed pad split by the position, each side at least what
 * the box needs, and the box applied to the padded image. */
static void
test_crop_box_outside (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("Crop");
  g_autoptr(AugurImage) src = augur_test_random_image (10, 8, 1, 2);
  g_autoptr(AugurImage) cut = NULL;
  g_autoptr(AugurImage) centre = NULL;
  g_autoptr(AugurImage) corner = NULL;

  set_num (node, "x_min", 4);
  set_num (node, "y_min", 2);
  set_num (node, "x_max", 14);
  set_num (node, "y_max", 8);
  cut = augur_test_run (node, src, 1, NULL);
  g_assert_cmpint (cut->width, ==, 6);
  g_assert_cmpint (cut->height, ==, 6);
  g_assert_true (is_slice (cut, src, 4, 2));

  /* needs 4 columns on the right: centre puts 2 left, 4 right */
  augur_test_param (node, "pad_if_needed")->v[0] = 1;
  augur_test_set_fill (node, 200);
  centre = augur_test_run (node, src, 1, NULL);
  g_assert_cmpint (centre->width, ==, 10);
  g_assert_cmpint (centre->height, ==, 6);
  for (int y = 0; y < 6; y++)
    for (int x = 0; x < 10; x++)
      {
        int sx = 4 + x - 2, sy = 2 + y;

        g_assert_cmpint (augur_test_pixel (centre, x, y, 0), ==,
                         sx < 10 ? augur_test_pixel (src, sx, sy, 0) : 200);
      }

  /* top_left: the image stays where it was */
  set_nick (node, "pad_position", "top_left");
  corner = augur_test_run (node, src, 1, NULL);
  g_assert_cmpint (corner->width, ==, 10);
  for (int x = 0; x < 10; x++)
    g_assert_cmpint (augur_test_pixel (corner, x, 0, 0), ==,
                     4 + x < 10 ? augur_test_pixel (src, 4 + x, 2, 0) : 200);
}

static void
test_random_crop (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("RandomCrop");
  gboolean seen_x[7] = { FALSE }, seen_y[4] = { FALSE };

  set_num (node, "width", 10);
  set_num (node, "height", 6);
  for (int seed = 0; seed < 300; seed++)
    {
      int nc = channel_counts[seed % 3];
      g_autoptr(AugurImage) src = augur_test_random_image (16, 9, nc, seed);
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run (node, src, seed, &replay);
      int x = (int) augur_drawn_get (&replay->drawn, "x");
      int y = (int) augur_drawn_get (&replay->drawn, "y");

      g_assert_cmpint (x, >=, 0);
      g_assert_cmpint (x, <=, 6);
      g_assert_cmpint (y, >=, 0);
      g_assert_cmpint (y, <=, 3);
      g_assert_cmpint (out->width, ==, 10);
      g_assert_cmpint (out->height, ==, 6);
      g_assert_true (is_slice (out, src, x, y));
      seen_x[x] = seen_y[y] = TRUE;
    }
  /* every offset happens */
  for (int i = 0; i < 7; i++)
    g_assert_true (seen_x[i]);
  for (int i = 0; i < 4; i++)
    g_assert_true (seen_y[i]);
}

/* pad_if_needed with a random position: the image lands at the drawn
 * padding, and the crop is a window of the padded image. */
static void
test_random_crop_pad (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("RandomCrop");
  g_autoptr(AugurImage) src = augur_test_random_image (6, 5, 3, 8);
  int extremes = 0;

  set_num (node, "width", 12);
  set_num (node, "height", 7);
  augur_test_param (node, "pad_if_needed")->v[0] = 1;
  set_nick (node, "pad_position", "random");
  augur_test_set_fill (node, 1);
  for (int seed = 0; seed < 100; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run (node, src, seed, &replay);
      int top = (int) augur_drawn_get (&replay->drawn, "pad_top");
      int left = (int) augur_drawn_get (&replay->drawn, "pad_left");

      g_assert_cmpint (top, >=, 0);
      g_assert_cmpint (top, <=, 2);
      g_assert_cmpint (left, >=, 0);
      g_assert_cmpint (left, <=, 6);
      /* padded to exactly the crop: the crop is all of it */
      g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "x"), ==, 0);
      g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "y"), ==, 0);
      for (int y = 0; y < 7; y++)
        for (int x = 0; x < 12; x++)
          {
            int sx = x - left, sy = y - top;
            gboolean inside = sx >= 0 && sy >= 0 && sx < 6 && sy < 5;

            g_assert_cmpint (augur_test_pixel (out, x, y, 1), ==,
                             inside ? augur_test_pixel (src, sx, sy, 1) : 1);
          }
      extremes += (left == 0) + (left == 6);
    }
  g_assert_cmpint (extremes, >, 0);
}

static void
test_random_sized_crop (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("RandomSizedCrop");
  g_autoptr(AugurImage) src = augur_test_random_image (60, 40, 3, 12);
  int lo = 1000, hi = 0;

  set_pair (node, "min_max_height", 10, 30);
  set_pair (node, "size", 24, 32);   /* height, width */
  set_num (node, "w2h_ratio", 1.5);
  for (int seed = 0; seed < 300; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run (node, src, seed, &replay);
      int ch = (int) augur_drawn_get (&replay->drawn, "height");
      int cw = (int) augur_drawn_get (&replay->drawn, "width");
      int x = (int) augur_drawn_get (&replay->drawn, "x");
      int y = (int) augur_drawn_get (&replay->drawn, "y");

      g_assert_cmpint (ch, >=, 10);
      g_assert_cmpint (ch, <=, 30);
      g_assert_cmpint (cw, ==, (int) (ch * 1.5));
      g_assert_cmpint (x + cw, <=, 60);
      g_assert_cmpint (y + ch, <=, 40);
      g_assert_cmpint (out->width, ==, 32);
      g_assert_cmpint (out->height, ==, 24);
      lo = MIN (lo, ch), hi = MAX (hi, ch);
    }
  g_assert_cmpint (lo, ==, 10);
  g_assert_cmpint (hi, ==, 30);

  /* a crop of the whole image at the input size: the identity */
  set_pair (node, "min_max_height", 40, 40);
  set_pair (node, "size", 40, 60);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      g_autoptr(AugurImage) img = augur_test_random_image (60, 40, channel_counts[k], 13);
      g_autoptr(AugurImage) out = augur_test_run (node, img, 2, NULL);

      g_assert_true (augur_image_equal (img, out));
    }

  /* heights beyond the image are cut to it */
  set_pair (node, "min_max_height", 100, 200);
  set_num (node, "w2h_ratio", 1.0);
  {
    g_autoptr(AugurReplay) replay = NULL;
    g_autoptr(AugurImage) out = augur_test_run (node, src, 4, &replay);

    g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "height"), ==, 40);
    g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "width"), ==, 60);
    /* the whole image, at the requested size: the input unchanged */
    g_assert_true (augur_image_equal (src, out));
  }
}

/* PadIfNeeded -------------------------------------------------------------- */

/* The source index a border reads for i (pads smaller than n), written
 * out directly, or -1 for the fill. */
static int
expected_index (int         i,
                int         n,
                const char *border)
{
  if (i >= 0 && i < n)
    return i;
  if (g_str_equal (border, "constant"))
    return -1;
  if (g_str_equal (border, "replicate"))
    return i < 0 ? 0 : n - 1;
  if (g_str_equal (border, "reflect"))
    return i < 0 ? -i - 1 : 2 * n - 1 - i;
  if (g_str_equal (border, "wrap"))
    return i < 0 ? i + n : i - n;
  return i < 0 ? -i : 2 * n - 2 - i;   /* reflect_101 */
}

typedef struct
{
  const char *position;
  int         min_h, min_w, div_h, div_w;   /* 0: not set */
  int         out_w, out_h, top, left;
} PadCase;

/* The image is 7 x 5. */
static const PadCase pad_cases[] = {
  { "center", 9, 12, 0, 0, 12, 9, 2, 2 },
  { "top_left", 9, 12, 0, 0, 12, 9, 0, 0 },
  { "top_right", 9, 12, 0, 0, 12, 9, 0, 5 },
  { "bottom_left", 9, 12, 0, 0, 12, 9, 4, 0 },
  { "bottom_right", 9, 12, 0, 0, 12, 9, 4, 5 },
  { "center", 3, 10, 0, 0, 10, 5, 0, 1 },     /* already tall enough */
  { "center", 5, 7, 0, 0, 7, 5, 0, 0 },       /* nothing to do */
  { "center", 0, 0, 4, 3, 9, 8, 1, 1 },       /* up to multiples of 4 and 3 */
  { "top_left", 0, 0, 5, 7, 7, 5, 0, 0 },     /* already multiples */
  { "bottom_right", 0, 9, 8, 0, 9, 8, 3, 2 },
};

static void
test_pad_if_needed (void)
{
  static const char *const borders[] = { "constant", "replicate", "reflect", "wrap", "reflect_101" };

  for (guint i = 0; i < G_N_ELEMENTS (pad_cases); i++)
    for (guint b = 0; b < G_N_ELEMENTS (borders); b++)
      for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
        {
          const PadCase *pc = &pad_cases[i];
          g_autoptr(AugurNode) node = augur_test_leaf ("PadIfNeeded");
          int nc = channel_counts[k];
          g_autoptr(AugurImage) src = augur_test_random_image (7, 5, nc, 40 + i);
          g_autoptr(AugurImage) out = NULL;

          if (pc->min_h)
            set_num (node, "min_height", pc->min_h);
          if (pc->min_w)
            set_num (node, "min_width", pc->min_w);
          if (pc->div_h)
            set_num (node, "pad_height_divisor", pc->div_h);
          if (pc->div_w)
            set_num (node, "pad_width_divisor", pc->div_w);
          set_nick (node, "position", pc->position);
          set_nick (node, "border_mode", borders[b]);
          augur_test_set_fill (node, 61);
          out = augur_test_run (node, src, 1, NULL);

          g_assert_cmpint (out->width, ==, pc->out_w);
          g_assert_cmpint (out->height, ==, pc->out_h);
          for (int y = 0; y < out->height; y++)
            for (int x = 0; x < out->width; x++)
              {
                int sx = expected_index (x - pc->left, 7, borders[b]);
                int sy = expected_index (y - pc->top, 5, borders[b]);

                for (int c = 0; c < nc; c++)
                  {
                    int expected = sx >= 0 && sy >= 0
                                   ? augur_test_pixel (src, sx, sy, c) : (c == 3 ? 255 : 61);

                    g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, expected);
                  }
              }
          if (pc->out_w == 7 && pc->out_h == 5)
            g_assert_true (augur_image_equal (src, out));
        }
}

static void
test_pad_if_needed_random (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("PadIfNeeded");
  g_autoptr(AugurImage) src = augur_test_random_image (4, 3, 4, 50);
  gboolean seen_top[5] = { FALSE };

  set_num (node, "min_height", 7);
  set_num (node, "min_width", 4);
  set_nick (node, "position", "random");
  for (int seed = 0; seed < 100; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run (node, src, seed, &replay);
      int top = (int) augur_drawn_get (&replay->drawn, "pad_top");

      g_assert_cmpint (top, >=, 0);
      g_assert_cmpint (top, <=, 4);
      g_assert_cmpfloat (augur_drawn_get (&replay->drawn, "pad_left"), ==, 0);
      g_assert_cmpint (out->height, ==, 7);
      seen_top[top] = TRUE;
      for (int y = 0; y < 3; y++)
        g_assert_cmpmem (augur_image_row (out, top + y), 16, augur_image_row (src, y), 16);
    }
  for (int i = 0; i < 5; i++)
    g_assert_true (seen_top[i]);
}

/* CropAndPad --------------------------------------------------------------- */

static const char *const side_names[] = { "top", "right", "bottom", "left" };

static void
test_crop_and_pad_fixed (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("CropAndPad");

  augur_test_param (node, "keep_size")->v[0] = 0;
  augur_test_set_fill (node, 5);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      int nc = channel_counts[k];
      g_autoptr(AugurImage) src = augur_test_random_image (20, 16, nc, 60 + k);
      g_autoptr(AugurImage) padded = NULL;
      g_autoptr(AugurImage) cropped = NULL;
      g_autoptr(AugurImage) pct_pad = NULL;
      g_autoptr(AugurImage) pct_crop = NULL;
      g_autoptr(AugurImage) zero = NULL;

      /* px [3, 3]: 3 pixels of fill on every side */
      set_pair (node, "px", 3, 3);
      padded = augur_test_run (node, src, 1, NULL);
      g_assert_cmpint (padded->width, ==, 26);
      g_assert_cmpint (padded->height, ==, 22);
      for (int y = 0; y < 22; y++)
        for (int x = 0; x < 26; x++)
          {
            gboolean inside = x >= 3 && y >= 3 && x < 23 && y < 19;

            g_assert_cmpint (augur_test_pixel (padded, x, y, 0), ==,
                             inside ? augur_test_pixel (src, x - 3, y - 3, 0) : 5);
          }

      /* px [-3, -3]: 3 pixels cut from every side */
      set_pair (node, "px", -3, -3);
      cropped = augur_test_run (node, src, 1, NULL);
      g_assert_cmpint (cropped->width, ==, 14);
      g_assert_cmpint (cropped->height, ==, 10);
      g_assert_true (is_slice (cropped, src, 3, 3));

      /* percent: int(0.25 * 16) = 4 rows, int(0.25 * 20) = 5 columns */
      set_null (node, "px");
      set_pair (node, "percent", 0.25, 0.25);
      pct_pad = augur_test_run (node, src, 1, NULL);
      g_assert_cmpint (pct_pad->width, ==, 30);
      g_assert_cmpint (pct_pad->height, ==, 24);
      g_assert_cmpint (augur_test_pixel (pct_pad, 4, 3, 0), ==, 5);
      g_assert_cmpint (augur_test_pixel (pct_pad, 5, 4, 0), ==, augur_test_pixel (src, 0, 0, 0));

      set_pair (node, "percent", -0.25, -0.25);
      pct_crop = augur_test_run (node, src, 1, NULL);
      g_assert_cmpint (pct_crop->width, ==, 10);
      g_assert_cmpint (pct_crop->height, ==, 8);
      g_assert_true (is_slice (pct_crop, src, 5, 4));

      set_pair (node, "percent", 0, 0);
      zero = augur_test_run (node, src, 1, NULL);
      g_assert_true (augur_image_equal (src, zero));
    }
}

/* Independent draws within the range (randrange: the upper end excluded),
 * and the result laid out from them; keep_size brings it back. */
static void
test_crop_and_pad_draws (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("CropAndPad");
  g_autoptr(AugurImage) src = augur_test_random_image (30, 24, 3, 70);
  gboolean seen[10] = { FALSE };

  set_pair (node, "px", -4, 6);
  augur_test_set_fill (node, 0);
  for (int seed = 0; seed < 300; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = NULL;
      int v[4];

      augur_test_param (node, "keep_size")->v[0] = seed % 2;
      augur_test_param (node, "sample_independently")->v[0] = seed % 3 != 0;
      out = augur_test_run (node, src, seed, &replay);
      for (int i = 0; i < 4; i++)
        {
          v[i] = (int) augur_drawn_get (&replay->drawn, side_names[i]);
          g_assert_cmpint (v[i], >=, -4);
          g_assert_cmpint (v[i], <=, 5);
          seen[v[i] + 4] = TRUE;
          if (seed % 3 == 0)
            g_assert_cmpint (v[i], ==, v[0]);
        }
      if (seed % 2)
        {
          g_assert_cmpint (out->width, ==, 30);
          g_assert_cmpint (out->height, ==, 24);
        }
      else
        {
          g_assert_cmpint (out->width, ==, 30 + v[1] + v[3]);
          g_assert_cmpint (out->height, ==, 24 + v[0] + v[2]);
          /* the source pixel that stays at the top left of the kept part */
          {
            int ox = MAX (v[3], 0), oy = MAX (v[0], 0);
            int sx = MAX (-v[3], 0), sy = MAX (-v[0], 0);

            g_assert_cmpint (augur_test_pixel (out, ox, oy, 2), ==,
                             augur_test_pixel (src, sx, sy, 2));
          }
        }
    }
  for (int i = 0; i < 10; i++)
    g_assert_true (seen[i]);
}

/* Albumentations crops first and pads the cropped image: a wrapped border
 * repeats the cropped image's far side, not the cut-off one. */
static void
test_crop_and_pad_order (void)
{
  static const double values[] = { 0, -3, 0, 2 };   /* top, right, bottom, left */
  g_autoptr(AugurNode) node = augur_test_leaf ("CropAndPad");
  g_autoptr(AugurImage) src = augur_test_random_image (10, 4, 1, 80);
  g_autoptr(AugurImage) out = NULL;

  set_pair (node, "px", -5, 5);
  augur_test_param (node, "keep_size")->v[0] = 0;
  set_nick (node, "border_mode", "wrap");
  out = run_with (node, src, side_names, values, 4);
  g_assert_cmpint (out->width, ==, 9);
  for (int y = 0; y < 4; y++)
    {
      g_assert_cmpint (augur_test_pixel (out, 0, y, 0), ==, augur_test_pixel (src, 5, y, 0));
      g_assert_cmpint (augur_test_pixel (out, 1, y, 0), ==, augur_test_pixel (src, 6, y, 0));
      for (int x = 2; x < 9; x++)
        g_assert_cmpint (augur_test_pixel (out, x, y, 0), ==, augur_test_pixel (src, x - 2, y, 0));
    }
}

/* Crops beyond the image keep at least one pixel. */
static void
test_crop_and_pad_too_much (void)
{
  static const double values[] = { -50, -40, -60, -1 };
  g_autoptr(AugurNode) node = augur_test_leaf ("CropAndPad");
  g_autoptr(AugurImage) src = augur_test_random_image (9, 7, 4, 81);
  g_autoptr(AugurImage) out = NULL;

  set_pair (node, "px", -60, 0);
  augur_test_param (node, "keep_size")->v[0] = 0;
  out = run_with (node, src, side_names, values, 4);
  g_assert_cmpint (out->width, >=, 1);
  g_assert_cmpint (out->height, >=, 1);
  g_assert_cmpint (out->width, <=, 9);
  g_assert_cmpint (out->height, <=, 7);
}

/* RandomCropFromBorders ---------------------------------------------------- */

static void
test_crop_from_borders (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("RandomCropFromBorders");
  g_autoptr(AugurImage) src = augur_test_random_image (50, 40, 3, 90);
  int min_x0 = 100, max_x0 = 0;

  set_num (node, "crop_left", 0.2);
  set_num (node, "crop_right", 0.3);
  set_num (node, "crop_top", 0.1);
  set_num (node, "crop_bottom", 0.5);
  for (int seed = 0; seed < 300; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run (node, src, seed, &replay);
      int x0 = (int) augur_drawn_get (&replay->drawn, "x_min");
      int x1 = (int) augur_drawn_get (&replay->drawn, "x_max");
      int y0 = (int) augur_drawn_get (&replay->drawn, "y_min");
      int y1 = (int) augur_drawn_get (&replay->drawn, "y_max");

      g_assert_cmpint (x0, >=, 0);
      g_assert_cmpint (x0, <=, 10);    /* 0.2 * 50 */
      g_assert_cmpint (x1, >=, 35);    /* (1 - 0.3) * 50 */
      g_assert_cmpint (x1, <=, 50);
      g_assert_cmpint (y0, <=, 4);     /* 0.1 * 40 */
      g_assert_cmpint (y1, >=, 20);    /* (1 - 0.5) * 40 */
      g_assert_cmpint (y1, <=, 40);
      g_assert_cmpint (out->width, ==, x1 - x0);
      g_assert_cmpint (out->height, ==, y1 - y0);
      g_assert_true (is_slice (out, src, x0, y0));
      min_x0 = MIN (min_x0, x0), max_x0 = MAX (max_x0, x0);
    }
  g_assert_cmpint (min_x0, ==, 0);
  g_assert_cmpint (max_x0, ==, 10);

  /* nothing to remove: the identity */
  set_num (node, "crop_left", 0);
  set_num (node, "crop_right", 0);
  set_num (node, "crop_top", 0);
  set_num (node, "crop_bottom", 0);
  {
    g_autoptr(AugurImage) out = augur_test_run (node, src, 5, NULL);

    g_assert_true (augur_image_equal (src, out));
  }
}

/* RandomGridShuffle -------------------------------------------------------- */

/* The edges of @parts nearly equal parts of @size whose longer parts (one
 * pixel longer) are those set in @mask. */
static void
edges_from_mask (int       size,
                 int       parts,
                 guint     mask,
                 int      *edges)
{
  edges[0] = 0;
  for (int i = 0; i < parts; i++)
    edges[i + 1] = edges[i] + size / parts + ((mask >> i) & 1);
}

static gboolean
cells_equal (const AugurImage *a,
             int               ax,
             int               ay,
             const AugurImage *b,
             int               bx,
             int               by,
             int               w,
             int               h)
{
  for (int j = 0; j < h; j++)
    if (memcmp (augur_image_row (a, ay + j) + (gsize) ax * a->channels,
                augur_image_row (b, by + j) + (gsize) bx * b->channels,
                (gsize) w * a->channels) != 0)
      return FALSE;
  return TRUE;
}

/* Whether, on the grid with edges @xs and @ys, every cell of @out is a
 * distinct cell of @src (the multiset of cells is kept). */
static gboolean
cells_permuted (const AugurImage *src,
                const AugurImage *out,
                const int        *xs,
                const int        *ys,
                int               cols,
                int               rows)
{
  gboolean used[64] = { FALSE };

  for (int t = 0; t < rows * cols; t++)
    {
      int r = t / cols, c = t % cols, w = xs[c + 1] - xs[c], h = ys[r + 1] - ys[r];
      gboolean found = FALSE;

      for (int s = 0; s < rows * cols && !found; s++)
        {
          int sr = s / cols, sc = s % cols;

          if (used[s] || xs[sc + 1] - xs[sc] != w || ys[sr + 1] - ys[sr] != h)
            continue;
          if (cells_equal (out, xs[c], ys[r], src, xs[sc], ys[sr], w, h))
            found = used[s] = TRUE;
        }
      if (!found)
        return FALSE;
    }
  return TRUE;
}

/* The output is the input's cells rearranged: on one of the possible
 * layouts of the grid (which parts get the odd pixels is drawn), every
 * output cell is a distinct input cell. */
static void
test_grid_shuffle (void)
{
  static const int cases[][4] = {
    /* w, h, cols, rows */
    { 30, 30, 3, 3 }, { 32, 31, 3, 4 }, { 17, 9, 5, 2 }, { 12, 12, 12, 1 }, { 5, 6, 2, 6 },
  };
  int moved = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int seed = 0; seed < 30; seed++)
      {
        int w = cases[i][0], h = cases[i][1], cols = cases[i][2], rows = cases[i][3];
        g_autoptr(AugurNode) node = augur_test_leaf ("RandomGridShuffle");
        g_autoptr(AugurImage) src = augur_test_random_image (w, h, channel_counts[seed % 3],
                                                             100 + seed);
        g_autoptr(AugurImage) out = NULL;
        int layouts = 0;

        set_pair (node, "grid", rows, cols);
        out = augur_test_run (node, src, seed, NULL);
        g_assert_cmpint (out->width, ==, w);
        g_assert_cmpint (out->height, ==, h);
        moved += !augur_image_equal (src, out);

        for (guint mx = 0; mx < (1u << cols); mx++)
          for (guint my = 0; my < (1u << rows); my++)
            {
              int xs[16], ys[16];

              if (__builtin_popcount (mx) != w % cols || __builtin_popcount (my) != h % rows)
                continue;
              edges_from_mask (w, cols, mx, xs);
              edges_from_mask (h, rows, my, ys);
              layouts += cells_permuted (src, out, xs, ys, cols, rows);
            }
        g_assert_cmpint (layouts, >=, 1);
      }
  g_assert_cmpint (moved, >, 100);
}

static void
test_grid_shuffle_identity (void)
{
  g_autoptr(AugurNode) node = augur_test_leaf ("RandomGridShuffle");

  set_pair (node, "grid", 1, 1);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    for (int seed = 0; seed < 10; seed++)
      {
        g_autoptr(AugurImage) src = augur_test_random_image (13, 8, channel_counts[k], seed);
        g_autoptr(AugurImage) out = augur_test_run (node, src, seed, NULL);

        g_assert_true (augur_image_equal (src, out));
      }
}

/* Setups shared by the generic tests ---------------------------------------- */

typedef struct
{
  const char *name;
  const char *transform;
  void      (*setup) (AugurNode *node);
} CropCase;

static void
setup_nothing (AugurNode *node)
{
}

static void
setup_scale (AugurNode *node)
{
  set_pair (node, "scale_limit", -0.5, 0.6);
}

static void
setup_resize (AugurNode *node)
{
  set_num (node, "height", 40);
  set_num (node, "width", 90);
}

static void
setup_longest (AugurNode *node)
{
  set_num (node, "max_size", 100);
}

static void
setup_smallest_area (AugurNode *node)
{
  set_num (node, "max_size", 30);
  set_nick (node, "area_for_downscale", "image");
}

static void
setup_smallest_hw (AugurNode *node)
{
  set_null (node, "max_size");
  set_pair (node, "max_size_hw", 70, 0);
}

static void
setup_pad_random (AugurNode *node)
{
  set_num (node, "min_height", 80);
  set_num (node, "min_width", 90);
  set_nick (node, "position", "random");
}

static void
setup_pad_divisor (AugurNode *node)
{
  set_null (node, "min_height");
  set_null (node, "min_width");
  set_num (node, "pad_height_divisor", 20);
  set_num (node, "pad_width_divisor", 27);
  set_nick (node, "position", "bottom_right");
}

static void
setup_fixed_crop (AugurNode *node)
{
  set_num (node, "height", 30);
  set_num (node, "width", 40);
}

static void
setup_fixed_crop_pad (AugurNode *node)
{
  set_num (node, "height", 60);
  set_num (node, "width", 80);
  augur_test_param (node, "pad_if_needed")->v[0] = 1;
  set_nick (node, "pad_position", "random");
}

static void
setup_crop_box (AugurNode *node)
{
  set_num (node, "x_min", 10);
  set_num (node, "y_min", 8);
  set_num (node, "x_max", 60);
  set_num (node, "y_max", 44);
}

static void
setup_crop_box_pad (AugurNode *node)
{
  set_num (node, "x_min", 5);
  set_num (node, "y_min", 3);
  set_num (node, "x_max", 75);
  set_num (node, "y_max", 50);
  augur_test_param (node, "pad_if_needed")->v[0] = 1;
  set_nick (node, "pad_position", "random");
}

static void
setup_sized_crop (AugurNode *node)
{
  set_pair (node, "min_max_height", 20, 40);
  set_pair (node, "size", 50, 60);
  set_num (node, "w2h_ratio", 1.2);
}

static void
setup_crop_and_pad_px (AugurNode *node)
{
  set_pair (node, "px", -10, 10);
}

static void
setup_crop_and_pad_percent (AugurNode *node)
{
  set_pair (node, "percent", -0.2, 0.3);
  augur_test_param (node, "keep_size")->v[0] = 0;
}

static void
setup_borders (AugurNode *node)
{
  set_num (node, "crop_left", 0.3);
  set_num (node, "crop_right", 0.3);
  set_num (node, "crop_top", 0.3);
  set_num (node, "crop_bottom", 0.3);
}

static void
setup_grid (AugurNode *node)
{
  set_pair (node, "grid", 3, 4);
}

static const CropCase crop_cases[] = {
  { "RandomScale", "RandomScale", setup_scale },
  { "Resize", "Resize", setup_resize },
  { "LongestMaxSize", "LongestMaxSize", setup_longest },
  { "SmallestMaxSize-area", "SmallestMaxSize", setup_smallest_area },
  { "SmallestMaxSize-hw", "SmallestMaxSize", setup_smallest_hw },
  { "PadIfNeeded-random", "PadIfNeeded", setup_pad_random },
  { "PadIfNeeded-divisor", "PadIfNeeded", setup_pad_divisor },
  { "RandomCrop", "RandomCrop", setup_fixed_crop },
  { "RandomCrop-pad", "RandomCrop", setup_fixed_crop_pad },
  { "CenterCrop", "CenterCrop", setup_fixed_crop },
  { "CenterCrop-pad", "CenterCrop", setup_fixed_crop_pad },
  { "Crop", "Crop", setup_crop_box },
  { "Crop-pad", "Crop", setup_crop_box_pad },
  { "RandomSizedCrop", "RandomSizedCrop", setup_sized_crop },
  { "CropAndPad-px", "CropAndPad", setup_crop_and_pad_px },
  { "CropAndPad-percent", "CropAndPad", setup_crop_and_pad_percent },
  { "RandomCropFromBorders", "RandomCropFromBorders", setup_borders },
  { "RandomGridShuffle", "RandomGridShuffle", setup_grid },
  { "defaults-RandomScale", "RandomScale", setup_nothing },
};

/* map_point agrees with the pixels ----------------------------------------- */

/* A bright 3x3 dot on black: after the transform, the centroid of the
 * brightness sits where map_point sends the dot's centre, within a pixel.
 * Draws where the dot leaves the image, or is split (a grid cell edge
 * crosses it), are skipped. */
static gboolean
dot_whole (const AugurNode   *node,
           const AugurReplay *replay,
           const AugurShape  *in,
           int                dx,
           int                dy,
           double             px,
           double             py)
{
  /* the grid shuffle moves cells: the dot's corners must move with its
   * centre, or a cell edge split it */
  for (int k = 0; k < 4; k++)
    {
      double cx = dx + (k & 1 ? 1.5 : -0.5), cy = dy + (k & 2 ? 1.5 : -0.5);
      double qx = cx, qy = cy;

      if (!(augur_transform_map_point (node->info, node->params, &replay->drawn, in, &qx, &qy) &&
            qx - cx == px - (dx + 0.5) && qy - cy == py - (dy + 0.5)))
        return FALSE;
    }
  return TRUE;
}

static void
test_map_point (gconstpointer data)
{
  static const int dot_range[4] = { 16, 47, 12, 35 };
  const CropCase *cc = data;
  g_autoptr(AugurNode) node = augur_test_leaf (cc->transform);
  AugurTestDotFilter filter = g_str_equal (cc->transform, "RandomGridShuffle") ? dot_whole : NULL;
  int checked = 0;

  cc->setup (node);
  for (guint i = 0; i < 40; i++)
    checked += augur_test_follow_dot (node, channel_counts[i % 3], i, dot_range, filter);
  g_test_message ("%d dots followed", checked);
  g_assert_cmpint (checked, >=, 12);
}

/* Degenerate sizes, identities, replays ------------------------------------ */

/* Images of 1x1, 1xN and Nx1 give results of the declared shape; a flat
 * image (and a fill of the same value) stays flat. */
static void
test_tiny_images (gconstpointer data)
{
  static const int sizes[][2] = { { 1, 1 }, { 1, 7 }, { 7, 1 }, { 2, 1 }, { 1, 2 } };
  const CropCase *cc = data;
  g_autoptr(AugurNode) node = augur_test_leaf (cc->transform);

  cc->setup (node);
  if (augur_transform_param_index (node->info, "fill") >= 0)
    augur_test_set_fill (node, 90);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      for (int seed = 0; seed < 6; seed++)
        {
          g_autoptr(AugurImage) src = augur_test_flat_image (sizes[s][0], sizes[s][1],
                                                             channel_counts[k], 90);
          g_autoptr(AugurImage) out = augur_test_run (node, src, seed, NULL);

          g_assert_cmpint (out->width, >=, 1);
          g_assert_cmpint (out->height, >=, 1);
          for (int y = 0; y < out->height; y++)
            for (int x = 0; x < out->width; x++)
              for (int c = 0; c < MIN (out->channels, 3); c++)
                g_assert_cmpint (augur_test_pixel (out, x, y, c), ==, 90);
        }
}

static void
identity_centre (AugurNode *node)
{
  set_num (node, "height", 13);
  set_num (node, "width", 21);
}

static void
identity_crop (AugurNode *node)
{
  set_num (node, "x_max", 21);
  set_num (node, "y_max", 13);
}

static void
identity_sized (AugurNode *node)
{
  set_pair (node, "min_max_height", 13, 13);
  set_pair (node, "size", 13, 21);
  set_num (node, "w2h_ratio", 21 / 13.0 + 1e-9);
}

static void
identity_pad (AugurNode *node)
{
  set_num (node, "min_height", 13);
  set_num (node, "min_width", 5);
  set_nick (node, "border_mode", "reflect");
}

static void
identity_crop_and_pad (AugurNode *node)
{
  set_pair (node, "px", 0, 0);
  set_nick (node, "interpolation", "cubic");
}

static void
identity_borders (AugurNode *node)
{
  set_num (node, "crop_left", 0);
  set_num (node, "crop_right", 0);
  set_num (node, "crop_top", 0);
  set_num (node, "crop_bottom", 0);
}

static void
identity_longest (AugurNode *node)
{
  set_num (node, "max_size", 21);
  set_nick (node, "interpolation", "lanczos4");
}

static void
identity_smallest (AugurNode *node)
{
  set_null (node, "max_size");
  set_pair (node, "max_size_hw", 13, 21);
}

static void
identity_scale (AugurNode *node)
{
  set_pair (node, "scale_limit", 0, 0);
}

static void
identity_resize (AugurNode *node)
{
  set_num (node, "height", 13);
  set_num (node, "width", 21);
  set_nick (node, "interpolation", "area");
}

static void
identity_grid (AugurNode *node)
{
  set_pair (node, "grid", 1, 1);
}

static const CropCase identity_cases[] = {
  { "RandomCrop", "RandomCrop", identity_centre },
  { "CenterCrop", "CenterCrop", identity_centre },
  { "Crop", "Crop", identity_crop },
  { "RandomSizedCrop", "RandomSizedCrop", identity_sized },
  { "PadIfNeeded", "PadIfNeeded", identity_pad },
  { "CropAndPad", "CropAndPad", identity_crop_and_pad },
  { "RandomCropFromBorders", "RandomCropFromBorders", identity_borders },
  { "LongestMaxSize", "LongestMaxSize", identity_longest },
  { "SmallestMaxSize", "SmallestMaxSize", identity_smallest },
  { "RandomScale", "RandomScale", identity_scale },
  { "Resize", "Resize", identity_resize },
  { "RandomGridShuffle", "RandomGridShuffle", identity_grid },
};

/* A crop of the whole image (or padding, scaling, shuffling by nothing)
 * gives the image back, byte for byte, whatever the seed. */
static void
test_whole_image_identity (gconstpointer data)
{
  const CropCase *cc = data;
  g_autoptr(AugurNode) node = augur_test_leaf (cc->transform);

  cc->setup (node);
  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    for (int seed = 0; seed < 10; seed++)
      {
        g_autoptr(AugurImage) src = augur_test_random_image (21, 13, channel_counts[k], 200 + seed);
        g_autoptr(AugurImage) out = augur_test_run (node, src, seed, NULL);

        g_assert_true (augur_image_equal (src, out));
      }
}

/* A replay written to JSON, read back and written again: the same text,
 * byte for byte, and the same pixels. */
static void
test_replay_round_trip (gconstpointer data)
{
  const CropCase *cc = data;
  g_autoptr(AugurNode) node = augur_test_leaf (cc->transform);

  cc->setup (node);
  for (int seed = 0; seed < 20; seed++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (37, 29, channel_counts[seed % 3],
                                                           300 + seed);
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) first = augur_test_run (node, src, seed, &replay);
      g_autoptr(AugurReplay) back = augur_test_replay_round_trip (node, replay, FALSE);
      g_autoptr(AugurImage) again = NULL;

      again = augur_node_apply (node, src, back);
      g_assert_true (augur_image_equal (first, again));
    }
}

/* Replays at the very limits of each drawn spec (as a file may hold) are
 * applied safely, in the shape output_shape announces. */
static void
test_replay_limits (gconstpointer data)
{
  const CropCase *cc = data;
  g_autoptr(AugurNode) node = augur_test_leaf (cc->transform);
  const AugurTransformInfo *info = node->info;

  cc->setup (node);
  for (int end = 0; end < 3; end++)
    for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
      {
        g_autoptr(AugurImage) src = augur_test_random_image (9, 6, channel_counts[k], 400 + end);
        g_autoptr(AugurImage) out = NULL;
        const char *names[AUGUR_DRAWN_MAX];
        double values[AUGUR_DRAWN_MAX];
        guint n = 0;

        for (const AugurDrawnSpec *d = info->drawn; d->name; d++, n++)
          {
            names[n] = d->name;
            values[n] = end == 0 ? d->min : end == 1 ? d->max : (d->min + d->max) / 2;
            if (end == 1 && d->max > 2000)
              values[n] = 2000;   /* far past the image, and a short test */
          }
        out = run_with (node, src, names, values, n);
        g_assert_cmpint (out->channels, ==, src->channels);
      }
}

/* The letterbox recipe: longest side to 64, padded to 64 x 64 with the
 * image centred, then a 48 x 48 random crop. The pipeline announces every
 * size before rendering. */
static void
test_letterbox_pipeline (void)
{
  g_autoptr(AugurNode) pipeline = augur_node_new_group (AUGUR_NODE_SEQUENTIAL);
  AugurNode *longest = augur_test_leaf ("LongestMaxSize");
  AugurNode *pad = augur_test_leaf ("PadIfNeeded");
  AugurNode *crop = augur_test_leaf ("RandomCrop");

  set_num (longest, "max_size", 64);
  set_num (pad, "min_height", 64);
  set_num (pad, "min_width", 64);
  augur_test_set_fill (pad, 0);
  set_num (crop, "height", 48);
  set_num (crop, "width", 48);
  pipeline->p = 1.0;
  augur_node_append (pipeline, longest);
  augur_node_append (pipeline, pad);

  for (guint k = 0; k < G_N_ELEMENTS (channel_counts); k++)
    {
      int nc = channel_counts[k];
      g_autoptr(AugurImage) src = augur_test_flat_image (200, 100, nc, 180);
      g_autoptr(AugurImage) out = augur_test_run (pipeline, src, 1, NULL);

      /* 200 x 100 -> 64 x 32, then 16 rows of padding above and below */
      g_assert_cmpint (out->width, ==, 64);
      g_assert_cmpint (out->height, ==, 64);
      for (int y = 0; y < 64; y++)
        g_assert_cmpint (augur_test_pixel (out, 31, y, 0), ==, y >= 16 && y < 48 ? 180 : 0);
    }

  augur_node_append (pipeline, crop);
  for (int seed = 0; seed < 20; seed++)
    {
      g_autoptr(AugurImage) src = augur_test_random_image (90, 130, 3, seed);
      g_autoptr(AugurImage) out = augur_test_run (pipeline, src, seed, NULL);

      g_assert_cmpint (out->width, ==, 48);
      g_assert_cmpint (out->height, ==, 48);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crop/registry", test_registry);
  g_test_add_func ("/crop/recipe-checks", test_recipe_checks);
  g_test_add_func ("/crop/resize/size", test_resize_size);
  g_test_add_func ("/crop/resize/area-for-downscale", test_resize_area_for_downscale);
  g_test_add_func ("/crop/max-size", test_max_size);
  g_test_add_func ("/crop/random-scale", test_random_scale);
  g_test_add_func ("/crop/center-crop/centre", test_center_crop);
  g_test_add_func ("/crop/center-crop/pad", test_center_crop_pad);
  g_test_add_func ("/crop/crop/box", test_crop_box);
  g_test_add_func ("/crop/crop/window-inside", test_crop_window_inside);
  g_test_add_func ("/crop/crop/outside", test_crop_box_outside);
  g_test_add_func ("/crop/random-crop/sub-image", test_random_crop);
  g_test_add_func ("/crop/random-crop/pad-random", test_random_crop_pad);
  g_test_add_func ("/crop/random-sized-crop", test_random_sized_crop);
  g_test_add_func ("/crop/pad-if-needed/borders-positions", test_pad_if_needed);
  g_test_add_func ("/crop/pad-if-needed/random", test_pad_if_needed_random);
  g_test_add_func ("/crop/crop-and-pad/fixed", test_crop_and_pad_fixed);
  g_test_add_func ("/crop/crop-and-pad/draws", test_crop_and_pad_draws);
  g_test_add_func ("/crop/crop-and-pad/crop-then-pad", test_crop_and_pad_order);
  g_test_add_func ("/crop/crop-and-pad/too-much", test_crop_and_pad_too_much);
  g_test_add_func ("/crop/crop-from-borders", test_crop_from_borders);
  g_test_add_func ("/crop/grid-shuffle/tiles", test_grid_shuffle);
  g_test_add_func ("/crop/grid-shuffle/one-cell", test_grid_shuffle_identity);
  g_test_add_func ("/crop/letterbox-pipeline", test_letterbox_pipeline);
  for (guint i = 0; i < G_N_ELEMENTS (crop_cases); i++)
    {
      g_autofree char *map = g_strdup_printf ("/crop/map-point/%s", crop_cases[i].name);
      g_autofree char *tiny = g_strdup_printf ("/crop/tiny-images/%s", crop_cases[i].name);
      g_autofree char *replay = g_strdup_printf ("/crop/replay-round-trip/%s", crop_cases[i].name);
      g_autofree char *limits = g_strdup_printf ("/crop/replay-limits/%s", crop_cases[i].name);

      g_test_add_data_func (map, &crop_cases[i], test_map_point);
      g_test_add_data_func (tiny, &crop_cases[i], test_tiny_images);
      g_test_add_data_func (replay, &crop_cases[i], test_replay_round_trip);
      g_test_add_data_func (limits, &crop_cases[i], test_replay_limits);
    }
  for (guint i = 0; i < G_N_ELEMENTS (identity_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/crop/whole-image-identity/%s", identity_cases[i].name);

      g_test_add_data_func (path, &identity_cases[i], test_whole_image_identity);
    }

  return g_test_run ();
}
