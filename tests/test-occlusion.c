/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-pipeline.h"
#include "augur-recipe.h"

#include "augur-test-util.h"

/* The occlusion transforms other than CoarseDropout (tested with the pixel
 * transforms): GridDropout, PixelDropout, Erasing, XYMasking. */

/* Helpers ---------------------------------------------------------------------- */

/* Every colour channel @level, alpha 255. */
static AugurImage *
image_level (int width,
             int height,
             int channels,
             int level)
{
  int v[4] = { level, level, level, 255 };

  return augur_test_fill_image (width, height, channels, v);
}

/* 1 where any channel of @out differs from @src, else 0. */
static guint8 *
changed_mask (const AugurImage *src,
              const AugurImage *out)
{
  int w = src->width, h = src->height, nc = src->channels;
  guint8 *mask = g_malloc0 ((gsize) w * h);

  for (int y = 0; y < h; y++)
    {
      const guint8 *s = augur_image_row (src, y), *d = augur_image_row (out, y);

      for (int x = 0; x < w; x++)
        mask[y * w + x] = memcmp (s + x * nc, d + x * nc, nc) != 0;
    }
  return mask;
}

static gsize
count_set (const guint8 *mask,
           gsize         n)
{
  gsize count = 0;

  for (gsize i = 0; i < n; i++)
    count += mask[i] != 0;
  return count;
}

static gboolean
alpha_equal (const AugurImage *a,
             const AugurImage *b)
{
  for (int y = 0; y < a->height; y++)
    for (int x = 0; x < a->width; x++)
      if (augur_image_row (a, y)[4 * x + 3] != augur_image_row (b, y)[4 * x + 3])
        return FALSE;
  return TRUE;
}

/* The bounding boxes of the 4-connected regions where @mask is 1 (the mask
 * is consumed); each box as x1, y1, x2, y2 (excluded) and its pixel count. */
typedef struct
{
  int   x1, y1, x2, y2;
  gsize pixels;
} Region;

static GArray *
find_regions (guint8 *mask,
              int     w,
              int     h)
{
  g_autofree int *stack = g_new (int, (gsize) w * h);
  GArray *regions = g_array_new (FALSE, FALSE, sizeof (Region));

  for (int start = 0; start < w * h; start++)
    {
      Region r = { start % w, start / w, start % w + 1, start / w + 1, 0 };
      int top = 0;

      if (mask[start] != 1)
        continue;
      mask[start] = 2;
      stack[top++] = start;
      while (top > 0)
        {
          int i = stack[--top], x = i % w, y = i / w;
          int next[4] = { x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1,
                          y > 0 ? i - w : -1, y < h - 1 ? i + w : -1 };

          r.pixels++;
          r.x1 = MIN (r.x1, x), r.y1 = MIN (r.y1, y);
          r.x2 = MAX (r.x2, x + 1), r.y2 = MAX (r.y2, y + 1);
          for (int k = 0; k < 4; k++)
            if (next[k] >= 0 && mask[next[k]] == 1)
              {
                mask[next[k]] = 2;
                stack[top++] = next[k];
              }
        }
      g_array_append_val (regions, r);
    }
  return regions;
}

/* The replay goes to JSON text and back: the text written again is the
 * same, byte for byte, and so is the image applied from it. */
static void
assert_replay_round_trip (const AugurNode   *node,
                          const AugurImage  *src,
                          const AugurReplay *replay,
                          const AugurImage  *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = augur_replay_to_json (replay, node);
  g_autofree char *text = augur_json_to_string (json, TRUE);
  g_autoptr(JsonNode) parsed = json_from_string (text, &error);
  g_autoptr(AugurReplay) again = NULL;
  g_autoptr(JsonNode) json2 = NULL;
  g_autofree char *text2 = NULL;
  g_autoptr(AugurImage) replayed = NULL;

  g_assert_no_error (error);
  again = augur_replay_from_json (parsed, node, &error);
  g_assert_no_error (error);
  json2 = augur_replay_to_json (again, node);
  text2 = augur_json_to_string (json2, TRUE);
  g_assert_cmpstr (text, ==, text2);
  replayed = augur_node_apply (node, src, again);
  g_assert_true (augur_image_equal (out, replayed));
}

/* The edges a GridDropout record holds, in pixels. */
static int *
grid_edges (const AugurReplay *replay,
            const char        *name,
            int                side,
            guint             *n)
{
  const double *v = augur_drawn_get_list (&replay->drawn, name, n);
  int *edges = g_new (int, *n);

  for (guint i = 0; i < *n; i++)
    edges[i] = (int) lrint (v[i] * side);
  return edges;
}

/* A hole's side in a cell, as Albumentations: ratio of the cell, truncated,
 * within [1, cell - 1]. */
static int
expected_hole (int    cell,
               double ratio)
{
  return MAX (0, (int) MIN (MAX (cell * ratio, 1), cell - 1));
}

/* GridDropout ------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  double      ratio;
  int         unit;
} GridRatioCase;

static const GridRatioCase grid_ratio_cases[] = {
  { "half", 0.5, 20 },
  { "third", 0.3, 30 },
  { "most", 0.8, 15 },
  { "uneven", 0.45, 17 },   /* cells of 17 and 18 pixels; holes truncated */
  { "whole", 1.0, 12 },     /* a hole is at most its cell less a pixel */
};

/* Each cell holds one hole of ratio x its side, anywhere inside it
 * (random_offset): per axis the holes cover `ratio` of the side, and of
 * the area ratio^2, as Albumentations. */
static void
test_grid_ratio (gconstpointer data)
{
  const GridRatioCase *gc = data;
  const int w = 240, h = 180;
  g_autofree char *json = g_strdup_printf ("{\"type\": \"GridDropout\", \"params\": {\"ratio\": %g, "
                                           "\"unit_size_range\": [%d, %d], \"fill\": 0}}",
                                           gc->ratio, gc->unit, gc->unit);
  g_autoptr(AugurNode) node = augur_test_node_parse (json);

  for (int nc = 1; nc <= 4; nc++)
    for (guint64 seed = 1; seed <= 4 && nc != 2; seed++)
      {
        g_autoptr(AugurImage) src = image_level (w, h, nc, 200);
        g_autoptr(AugurReplay) replay = NULL;
        g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
        g_autofree guint8 *mask = changed_mask (src, out);
        guint n_cols, n_rows;
        g_autofree int *cols = grid_edges (replay, "cols", w, &n_cols);
        g_autofree int *rows = grid_edges (replay, "rows", h, &n_rows);
        gsize expected_area = 0, area = count_set (mask, (gsize) w * h);
        double cap = MIN (gc->ratio, 1.0 - 1.0 / gc->unit), across = 0, down = 0;

        /* The grid: w / unit cells across, h / unit down, covering the
         * image, of almost equal sizes. */
        g_assert_cmpuint (n_cols, ==, (guint) (w / gc->unit) + 1);
        g_assert_cmpuint (n_rows, ==, (guint) (h / gc->unit) + 1);
        g_assert_cmpint (cols[0], ==, 0);
        g_assert_cmpint (cols[n_cols - 1], ==, w);
        g_assert_cmpint (rows[0], ==, 0);
        g_assert_cmpint (rows[n_rows - 1], ==, h);

        /* In each cell, exactly one rectangle of the expected size. */
        for (guint i = 0; i + 1 < n_rows; i++)
          for (guint j = 0; j + 1 < n_cols; j++)
            {
              int cw = cols[j + 1] - cols[j], ch = rows[i + 1] - rows[i];
              int hw = expected_hole (cw, gc->ratio), hh = expected_hole (ch, gc->ratio);
              int x1 = G_MAXINT, y1 = G_MAXINT, x2 = -1, y2 = -1;
              gsize in_cell = 0;

              g_assert_cmpint (cw - w / ((int) n_cols - 1), >=, 0);
              g_assert_cmpint (cw - w / ((int) n_cols - 1), <=, 1);
              for (int y = rows[i]; y < rows[i + 1]; y++)
                for (int x = cols[j]; x < cols[j + 1]; x++)
                  if (mask[y * w + x])
                    {
                      in_cell++;
                      x1 = MIN (x1, x), y1 = MIN (y1, y), x2 = MAX (x2, x + 1), y2 = MAX (y2, y + 1);
                    }
              g_assert_cmpint (x2 - x1, ==, hw);
              g_assert_cmpint (y2 - y1, ==, hh);
              g_assert_cmpuint (in_cell, ==, (gsize) hw * hh);
              expected_area += (gsize) hw * hh;
              if (i == 0)
                across += hw;
              if (j == 0)
                down += hh;
            }
        g_assert_cmpuint (area, ==, expected_area);

        /* Per axis the holes cover `ratio` of the side, within the
         * truncation of a pixel a cell (and the cap at cell - 1); of the
         * area, the product. */
        across /= w;
        down /= h;
        g_assert_cmpfloat (fabs (across - cap), <=, 1.0 / gc->unit + 1e-9);
        g_assert_cmpfloat (fabs (down - cap), <=, 1.0 / gc->unit + 1e-9);
        g_assert_cmpfloat (fabs ((double) area / ((double) w * h) - across * down), <, 1e-9);
        g_assert_cmpfloat (fabs ((double) area / ((double) w * h) - cap * cap), <, 2.0 / gc->unit);

        /* The fill: 0 in the holes, alpha left alone. */
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++)
            if (mask[y * w + x])
              for (int c = 0; c < MIN (nc, 3); c++)
                g_assert_cmpint (augur_image_row (out, y)[x * nc + c], ==, 0);
        if (nc == 4)
          g_assert_true (alpha_equal (src, out));

        assert_replay_round_trip (node, src, replay, out);
      }
}

typedef struct
{
  const char *name;
  const char *params;
  int         nx, ny;      /* cells across and down, on 240 x 180 */
  int         shift_x, shift_y;
} GridLayoutCase;

static const GridLayoutCase grid_layout_cases[] = {
  { "xy", "\"holes_number_xy\": [6, 3]", 6, 3, 0, 0 },
  { "xy-uneven", "\"holes_number_xy\": [7, 5]", 7, 5, 0, 0 },
  { "shifted", "\"holes_number_xy\": [4, 4], \"shift_xy\": [5, 2]", 4, 4, 5, 2 },
  { "unit", "\"unit_size_range\": [30, 30]", 8, 6, 0, 0 },
  /* holes_number_xy wins over unit_size_range. */
  { "xy-over-unit", "\"unit_size_range\": [30, 30], \"holes_number_xy\": [2, 9]", 2, 9, 0, 0 },
  /* Neither set: cells of a tenth of each side. */
  { "default", "\"ratio\": 0.5", 10, 10, 0, 0 },
  /* More cells than half a side: capped there (cells of 2 pixels). */
  { "capped", "\"holes_number_xy\": [500, 1]", 120, 1, 0, 0 },
};

/* Without random_offset the holes form a grid: the dropped pixels are
 * exactly the crossings of a set of columns and a set of rows, with one
 * run of columns a cell across and one run of rows a cell down, each
 * starting shift_xy into its cell. */
static void
test_grid_layout (gconstpointer data)
{
  const GridLayoutCase *gc = data;
  const int w = 240, h = 180;
  g_autofree char *json = g_strdup_printf ("{\"type\": \"GridDropout\", \"params\": {%s, "
                                           "\"random_offset\": false, \"fill\": 9}}", gc->params);
  g_autoptr(AugurNode) node = augur_test_node_parse (json);

  for (guint64 seed = 1; seed <= 5; seed++)
    {
      g_autoptr(AugurImage) src = image_level (w, h, 3, 200);
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
      g_autofree guint8 *mask = changed_mask (src, out);
      g_autofree gboolean *col_any = g_new0 (gboolean, w);
      g_autofree gboolean *row_any = g_new0 (gboolean, h);
      guint n_cols, n_rows;
      g_autofree int *cols = grid_edges (replay, "cols", w, &n_cols);
      g_autofree int *rows = grid_edges (replay, "rows", h, &n_rows);
      double ratio = node->params[augur_transform_param_index (node->info, "ratio")].v[0];
      g_autoptr(GArray) regions = NULL;

      g_assert_cmpuint (n_cols, ==, (guint) gc->nx + 1);
      g_assert_cmpuint (n_rows, ==, (guint) gc->ny + 1);

      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          if (mask[y * w + x])
            col_any[x] = row_any[y] = TRUE;
      /* Separable: a pixel is dropped iff its column and its row are. */
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          g_assert_cmpint (mask[y * w + x], ==, col_any[x] && row_any[y]);

      /* Each column cell: its hole starts shift_x in and is ratio of it. */
      for (guint j = 0; j + 1 < n_cols; j++)
        {
          int cw = cols[j + 1] - cols[j], hw = expected_hole (cw, ratio);
          int start = MIN (cols[j] + gc->shift_x, w - hw);

          for (int x = cols[j]; x < cols[j + 1]; x++)
            g_assert_cmpint (col_any[x], ==, x >= start && x < start + hw);
        }
      for (guint i = 0; i + 1 < n_rows; i++)
        {
          int ch = rows[i + 1] - rows[i], hh = expected_hole (ch, ratio);
          int start = MIN (rows[i] + gc->shift_y, h - hh);

          for (int y = rows[i]; y < rows[i + 1]; y++)
            g_assert_cmpint (row_any[y], ==, y >= start && y < start + hh);
        }

      /* Counted from the picture (unshifted holes never touch). */
      regions = find_regions (mask, w, h);
      if (gc->shift_x == 0 && gc->shift_y == 0)
        g_assert_cmpuint (regions->len, ==, (guint) (gc->nx * gc->ny));
      assert_replay_round_trip (node, src, replay, out);
    }
}

/* Cells are of almost equal sizes (differing by a pixel at most), and
 * their order is shuffled from draw to draw. */
static void
test_grid_cells (void)
{
  g_autoptr(AugurNode) node = augur_test_node_parse ("{\"type\": \"GridDropout\", \"params\": {\"holes_number_xy\": [7, 7]}}");
  g_autoptr(AugurImage) src = image_level (100, 100, 1, 50);
  g_autoptr(GHashTable) orders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint64 seed = 1; seed <= 10; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
      guint n;
      g_autofree int *cols = grid_edges (replay, "cols", 100, &n);
      GString *order = g_string_new (NULL);

      for (guint j = 0; j + 1 < n; j++)
        {
          int cw = cols[j + 1] - cols[j];

          /* 100 = 2 x 15 + 5 x 14 */
          g_assert_true (cw == 14 || cw == 15);
          g_string_append_printf (order, "%d ", cw);
        }
      g_hash_table_add (orders, g_string_free (order, FALSE));
    }
  g_assert_cmpuint (g_hash_table_size (orders), >, 1);
}

/* unit_size_range: one square cell size a draw, anywhere in the range
 * (both ends included). */
static void
test_grid_unit_range (void)
{
  g_autoptr(AugurNode) node = augur_test_node_parse ("{\"type\": \"GridDropout\", \"params\": {\"unit_size_range\": [20, 23]}}");
  g_autoptr(AugurImage) src = image_level (276, 276, 1, 50);
  gboolean seen[24] = { FALSE };

  for (guint64 seed = 1; seed <= 40; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
      guint n_cols, n_rows;

      augur_drawn_get_list (&replay->drawn, "cols", &n_cols);
      augur_drawn_get_list (&replay->drawn, "rows", &n_rows);
      g_assert_cmpuint (n_cols, ==, n_rows);
      /* 276 divides into 13 cells of 20 or 21, 12 of 22 or 23. */
      g_assert_true (n_cols - 1 == 13 || n_cols - 1 == 12);
      seen[n_cols - 1] = TRUE;
    }
  g_assert_true (seen[12] && seen[13]);
}

/* A replay with odd edges (reversed, repeated, out of order) is applied
 * safely: only within the image, only cells of increasing edges. */
static void
test_grid_replay_odd (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurNode) node = augur_test_node_parse ("{\"type\": \"GridDropout\", \"params\": {\"ratio\": 0.5, \"random_offset\": false}}");
  g_autoptr(JsonNode) json = json_from_string ("{\"type\": \"GridDropout\", \"applied\": true, \"values\": "
                                               "{\"cols\": [0.5, 0.2, 0.5, 1, 1, 0], \"rows\": [1], \"seed\": 3}}", &error);
  g_autoptr(JsonNode) json2 = json_from_string ("{\"type\": \"GridDropout\", \"applied\": true, \"values\": "
                                                "{\"cols\": [0, 0.5, 0.5, 1, 0.9], \"rows\": [0, 1, 0.4, 1], \"seed\": 3}}", &error);
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurReplay) replay2 = NULL;
  g_autoptr(AugurImage) src = image_level (20, 10, 3, 50);
  g_autoptr(AugurImage) out = NULL;
  g_autoptr(AugurImage) out2 = NULL;

  g_assert_no_error (error);
  replay = augur_replay_from_json (json, node, &error);
  g_assert_no_error (error);
  /* One row edge: no cells, nothing cut. */
  out = augur_node_apply (node, src, replay);
  g_assert_true (augur_image_equal (src, out));

  replay2 = augur_replay_from_json (json2, node, &error);
  g_assert_no_error (error);
  out2 = augur_node_apply (node, src, replay2);
  /* Columns 0-10 and 10-20, one row 0-10: two holes of 5 x 5 at the corners. */
  for (int y = 0; y < 10; y++)
    for (int x = 0; x < 20; x++)
      g_assert_cmpint (augur_image_row (out2, y)[3 * x], ==, y < 5 && x % 10 < 5 ? 0 : 50);

  /* Values outside [0, 1] are refused before apply sees them. */
  {
    g_autoptr(JsonNode) bad = json_from_string ("{\"type\": \"GridDropout\", \"applied\": true, \"values\": "
                                                "{\"cols\": [0, 2], \"rows\": [0, 1], \"seed\": 3}}", &error);
    g_autoptr(AugurReplay) refused = NULL;

    g_assert_no_error (error);
    refused = augur_replay_from_json (bad, node, &error);
    g_assert_null (refused);
    g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY);
  }
}

/* The parameters as Albumentations reads them: nullable where it allows
 * None, ratio in (0, 1], cells of at least 2 pixels. */
static void
test_grid_params (void)
{
  g_autoptr(AugurNode) node = augur_test_node_parse ("{\"type\": \"GridDropout\", \"params\": {\"unit_size_range\": null, "
                                                     "\"holes_number_xy\": null, \"shift_xy\": [7, 0]}}");
  g_autoptr(JsonNode) written = augur_node_to_json (node);
  g_autofree char *text = augur_json_to_string (written, FALSE);

  g_assert_nonnull (strstr (text, "\"unit_size_range\":null"));
  g_assert_nonnull (strstr (text, "\"shift_xy\":[7,0]"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"GridDropout\", \"params\": {\"ratio\": 0}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"GridDropout\", \"params\": {\"ratio\": 1.5}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"GridDropout\", \"params\": {\"unit_size_range\": [1, 4]}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"GridDropout\", \"params\": {\"unit_size_range\": [8, 4]}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"GridDropout\", \"params\": {\"holes_number_xy\": [0, 4]}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"GridDropout\", \"params\": {\"shift_xy\": [-1, 0]}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"GridDropout\", \"params\": {\"shift_xy\": null}}"));
}

/* PixelDropout ------------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  double      prob;
  gboolean    per_channel;
  int         channels;
} PixelCase;

static const PixelCase pixel_cases[] = {
  { "gray", 0.1, FALSE, 1 },
  { "rgb", 0.05, FALSE, 3 },
  { "rgb-most", 0.9, FALSE, 3 },
  { "rgba", 0.3, FALSE, 4 },
  { "gray-per-channel", 0.2, TRUE, 1 },
  { "rgb-per-channel", 0.1, TRUE, 3 },
  { "rgb-per-channel-half", 0.5, TRUE, 3 },
  { "rgba-per-channel", 0.3, TRUE, 4 },
  /* Below AUGUR_RNG_SPARSE_P: drops reached by geometric gaps. */
  { "gray-sparse", 0.01, FALSE, 1 },
  { "rgb-sparse", 0.03, FALSE, 3 },
  { "rgba-sparse", 0.05, FALSE, 4 },
  { "rgb-per-channel-sparse", 0.04, TRUE, 3 },
  { "rgba-per-channel-sparse", 0.02, TRUE, 4 },
};

/* Drops are independent coins: in raster order the gaps between
 * consecutive drops follow the geometric law P (gap = g) = p (1 - p)^g, each
 * count within five standard errors, whether the walk goes by coins or
 * (below AUGUR_RNG_SPARSE_P) by drawn gaps. */
static void
test_pixel_gaps (gconstpointer data)
{
  const double *prob = data;
  const int w = 1000, h = 600, max_gap = 40;
  double p = *prob;
  g_autofree char *json = g_strdup_printf ("{\"type\": \"PixelDropout\", \"params\": {\"dropout_prob\": %g, "
                                           "\"drop_value\": 0}}", p);
  g_autoptr(AugurNode) node = augur_test_node_parse (json);
  g_autoptr(AugurImage) src = image_level (w, h, 1, 200);
  g_autoptr(AugurImage) out = augur_test_run_forced (node, src, 31, NULL);
  guint counts[40] = { 0 };
  double gaps = 0;
  gint64 last = -1;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (augur_image_row (out, y)[x] == 0)
        {
          gint64 j = (gint64) y * w + x;

          if (last >= 0)
            {
              if (j - last - 1 < max_gap)
                counts[j - last - 1]++;
              gaps++;
            }
          last = j;
        }
  for (int g = 0; g < max_gap; g++)
    {
      double f = p * pow (1 - p, g);

      g_assert_cmpfloat (fabs (counts[g] - gaps * f), <=, 5 * sqrt (gaps * f * (1 - f)) + 1);
    }
}

/* The fraction dropped matches dropout_prob: of pixels, or, per channel,
 * of each channel's values, independently (so that a pixel loses some
 * channel with probability 1 - (1 - p)^channels). */
static void
test_pixel_fraction (gconstpointer data)
{
  const PixelCase *pc = data;
  const int w = 200, h = 150, nc = pc->channels, cc = MIN (nc, 3);
  const double n = (double) w * h;
  g_autofree char *json = g_strdup_printf ("{\"type\": \"PixelDropout\", \"params\": {\"dropout_prob\": %g, "
                                           "\"per_channel\": %s, \"drop_value\": 0}}",
                                           pc->prob, pc->per_channel ? "true" : "false");
  g_autoptr(AugurNode) node = augur_test_node_parse (json);
  g_autoptr(GHashTable) masks = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);

  for (guint64 seed = 1; seed <= 4; seed++)
    {
      g_autoptr(AugurImage) src = image_level (w, h, nc, 200);
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
      g_autofree guint8 *mask = changed_mask (src, out);
      double per_channel[3] = { 0 }, any = 0, all = 0, p = pc->prob;

      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            const guint8 *d = augur_image_row (out, y) + x * nc;
            int dropped = 0;

            for (int c = 0; c < cc; c++)
              {
                g_assert_true (d[c] == 0 || d[c] == 200);
                per_channel[c] += d[c] == 0;
                dropped += d[c] == 0;
              }
            if (nc == 4)
              g_assert_cmpint (d[3], ==, 255);
            any += dropped > 0;
            all += dropped == cc;
            /* A whole pixel at a time, unless per channel. */
            if (!pc->per_channel)
              g_assert_true (dropped == 0 || dropped == cc);
          }

      /* Within five standard deviations of the binomial count. */
      for (int c = 0; c < cc; c++)
        g_assert_cmpfloat (fabs (per_channel[c] / n - p), <, 5 * sqrt (p * (1 - p) / n));
      if (pc->per_channel)
        {
          double p_any = 1 - pow (1 - p, cc), p_all = pow (p, cc);

          g_assert_cmpfloat (fabs (any / n - p_any), <, 5 * sqrt (p_any * (1 - p_any) / n));
          g_assert_cmpfloat (fabs (all / n - p_all), <, 5 * sqrt (p_all * (1 - p_all) / n) + 1e-9);
        }
      else
        g_assert_cmpfloat (any, ==, all);

      /* Each seed its own mask. */
      g_hash_table_add (masks, g_bytes_new (mask, (gsize) w * h));
      assert_replay_round_trip (node, src, replay, out);
    }
  g_assert_cmpuint (g_hash_table_size (masks), ==, 4);
}

/* drop_value: a number for every colour channel, a list per channel
 * (alpha only from a fourth value), or null for one random colour a draw. */
static void
test_pixel_values (void)
{
  static const struct { const char *value; int n; int v[4]; } values[] = {
    { "77", 1, { 77 } },
    { "[10, 20, 30]", 3, { 10, 20, 30 } },
    { "[10, 20, 30, 40]", 4, { 10, 20, 30, 40 } },
    { "null", 0, { 0 } },
  };
  const int w = 50, h = 40;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    for (int nc = 1; nc <= 4; nc++)
      {
        g_autofree char *json = g_strdup_printf ("{\"type\": \"PixelDropout\", \"params\": {\"dropout_prob\": 0.2, "
                                                 "\"drop_value\": %s}}", values[i].value);
        g_autoptr(AugurNode) node = augur_test_node_parse (json);
        g_autoptr(GHashTable) colours = g_hash_table_new (g_direct_hash, g_direct_equal);

        if (nc == 2)
          continue;
        for (guint64 seed = 1; seed <= 6; seed++)
          {
            g_autoptr(AugurImage) src = image_level (w, h, nc, 128);
            g_autoptr(AugurReplay) replay = NULL;
            g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
            g_autofree guint8 *mask = changed_mask (src, out);
            guint32 colour = G_MAXUINT32;

            g_assert_cmpuint (count_set (mask, (gsize) w * h), >, w * h / 10);
            if (nc == 4 && values[i].n != 4)
              g_assert_true (alpha_equal (src, out));
            for (int y = 0; y < h; y++)
              for (int x = 0; x < w; x++)
                {
                  const guint8 *d = augur_image_row (out, y) + x * nc;
                  guint32 packed = 0;

                  if (!mask[y * w + x])
                    continue;
                  for (int c = 0; c < nc; c++)
                    {
                      packed = packed << 8 | d[c];
                      if (values[i].n > 0)
                        g_assert_cmpint (d[c], ==, c == 3 ? (values[i].n == 4 ? values[i].v[3] : 255)
                                                          : values[i].v[MIN (c, values[i].n - 1)]);
                    }
                  /* One colour over every dropped pixel of a draw. */
                  if (colour == G_MAXUINT32)
                    colour = packed;
                  g_assert_cmpuint (packed, ==, colour);
                }
            g_hash_table_add (colours, GUINT_TO_POINTER (colour));
            assert_replay_round_trip (node, src, replay, out);
          }
        /* null: the colour differs from draw to draw. */
        if (values[i].n == 0)
          g_assert_cmpuint (g_hash_table_size (colours), >, 2);
        else
          g_assert_cmpuint (g_hash_table_size (colours), ==, 1);
      }
}

static void
test_pixel_extremes (void)
{
  g_autoptr(AugurNode) none = augur_test_node_parse ("{\"type\": \"PixelDropout\", \"params\": {\"dropout_prob\": 0, \"per_channel\": true}}");
  g_autoptr(AugurNode) every = augur_test_node_parse ("{\"type\": \"PixelDropout\", \"params\": {\"dropout_prob\": 1, \"drop_value\": 9}}");
  g_autoptr(AugurNode) every_channel = augur_test_node_parse ("{\"type\": \"PixelDropout\", \"params\": {\"dropout_prob\": 1, "
                                                              "\"per_channel\": true, \"drop_value\": [1, 2, 3]}}");
  g_autoptr(AugurImage) src = image_level (31, 17, 4, 100);
  g_autoptr(AugurImage) a = augur_test_run_forced (none, src, 1, NULL);
  g_autoptr(AugurImage) b = augur_test_run_forced (every, src, 1, NULL);
  g_autoptr(AugurImage) c = augur_test_run_forced (every_channel, src, 1, NULL);
  static const int nine[4] = { 9, 9, 9, 255 }, one_two_three[4] = { 1, 2, 3, 255 };
  g_autoptr(AugurImage) all_nine = augur_test_fill_image (31, 17, 4, nine);
  g_autoptr(AugurImage) all_123 = augur_test_fill_image (31, 17, 4, one_two_three);
  g_autoptr(AugurNode) unset = augur_test_node_parse ("{\"type\": \"PixelDropout\", \"params\": {\"drop_value\": null}}");
  g_autoptr(JsonNode) written = augur_node_to_json (unset);
  g_autofree char *text = augur_json_to_string (written, FALSE);

  g_assert_true (augur_image_equal (src, a));
  g_assert_true (augur_image_equal (all_nine, b));
  g_assert_true (augur_image_equal (all_123, c));

  g_assert_nonnull (strstr (text, "\"drop_value\":null"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"PixelDropout\", \"params\": {\"dropout_prob\": 1.5}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"PixelDropout\", \"params\": {\"drop_value\": \"random\"}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"PixelDropout\", \"params\": {\"drop_value\": [1, 2, 3, 4, 5]}}"));
}

/* Erasing ----------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  double      scale[2];
  double      ratio[2];
  gboolean    spread;   /* the area range is not cut down by the aspect */
} EraseCase;

static const EraseCase erase_cases[] = {
  { "default", { 0.02, 0.33 }, { 0.3, 3.3 }, FALSE },
  { "square", { 0.1, 0.1 }, { 1, 1 }, FALSE },
  { "wide", { 0.05, 0.2 }, { 2, 4 }, TRUE },
  { "tall", { 0.01, 0.12 }, { 0.2, 0.5 }, TRUE },
  { "tall-capped", { 0.01, 0.25 }, { 0.2, 0.5 }, FALSE },  /* at most 0.2 x 300^2 fits */
};

/* One rectangle, whose area lies within scale and aspect within ratio
 * (up to the rounding of its sides to pixels). */
static void
test_erasing_area (gconstpointer data)
{
  const EraseCase *ec = data;
  const int w = 400, h = 300;
  g_autofree char *json = g_strdup_printf ("{\"type\": \"Erasing\", \"params\": {\"scale\": [%g, %g], "
                                           "\"ratio\": [%g, %g]}}", ec->scale[0], ec->scale[1],
                                           ec->ratio[0], ec->ratio[1]);
  g_autoptr(AugurNode) node = augur_test_node_parse (json);
  g_autoptr(AugurImage) src = image_level (w, h, 3, 200);
  double lowest = 1, highest = 0;

  for (guint64 seed = 1; seed <= 40; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
      g_autofree guint8 *mask = changed_mask (src, out);
      g_autoptr(GArray) regions = NULL;
      const Region *r;
      guint n;
      const double *v = augur_drawn_get_list (&replay->drawn, "holes", &n);
      int ew, eh;
      double fraction, aspect, slack;

      g_assert_cmpuint (n, ==, 4);
      ew = (int) lrint ((v[2] - v[0]) * w);
      eh = (int) lrint ((v[3] - v[1]) * h);

      /* The picture: that one rectangle, filled with 0. */
      regions = find_regions (mask, w, h);
      g_assert_cmpuint (regions->len, ==, 1);
      r = &g_array_index (regions, Region, 0);
      g_assert_cmpint (r->x2 - r->x1, ==, ew);
      g_assert_cmpint (r->y2 - r->y1, ==, eh);
      g_assert_cmpuint (r->pixels, ==, (gsize) ew * eh);
      g_assert_cmpint (augur_image_row (out, r->y1)[3 * r->x1], ==, 0);

      /* Each side rounded by at most half a pixel. */
      fraction = (double) ew * eh / (w * h);
      slack = (0.5 * (ew + eh) + 0.25) / (w * h);
      g_assert_cmpfloat (fraction, >=, ec->scale[0] - slack);
      g_assert_cmpfloat (fraction, <=, ec->scale[1] + slack);
      aspect = (double) ew / eh;
      g_assert_cmpfloat (aspect, >=, (ec->ratio[0] * eh - 0.5) / (eh + 0.5) - 1e-9);
      g_assert_cmpfloat (aspect, <=, (ec->ratio[1] * eh + 0.5) / (eh - 0.5) + 1e-9);
      lowest = MIN (lowest, fraction);
      highest = MAX (highest, fraction);
      assert_replay_round_trip (node, src, replay, out);
    }

  /* Forty draws reach well into both ends of the range. */
  if (ec->spread)
    {
      double span = ec->scale[1] - ec->scale[0];

      g_assert_cmpfloat (lowest, <, ec->scale[0] + 0.25 * span);
      g_assert_cmpfloat (highest, >, ec->scale[1] - 0.25 * span);
    }
}

/* Nothing fits (the aspect keeps any rectangle far below the area asked
 * for): nothing is erased. Everything fits exactly: all is erased. */
static void
test_erasing_limits (void)
{
  g_autoptr(AugurNode) none = augur_test_node_parse ("{\"type\": \"Erasing\", \"params\": {\"scale\": [0.9, 1], \"ratio\": [10, 20]}}");
  g_autoptr(AugurNode) whole = augur_test_node_parse ("{\"type\": \"Erasing\", \"params\": {\"scale\": [1, 1], \"ratio\": [1.5, 1.5], \"fill\": 7}}");
  g_autoptr(AugurImage) src = image_level (60, 40, 3, 100);
  static const int seven[3] = { 7, 7, 7 };
  g_autoptr(AugurImage) all_seven = augur_test_fill_image (60, 40, 3, seven);

  for (guint64 seed = 1; seed <= 5; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) a = augur_test_run_forced (none, src, seed, &replay);
      g_autoptr(AugurImage) b = augur_test_run_forced (whole, src, seed, NULL);
      guint n;

      augur_drawn_get_list (&replay->drawn, "holes", &n);
      g_assert_cmpuint (n, ==, 0);
      g_assert_true (augur_image_equal (src, a));
      g_assert_true (augur_image_equal (all_seven, b));
      assert_replay_round_trip (none, src, replay, a);
    }

  g_assert_true (augur_test_node_refused ("{\"type\": \"Erasing\", \"params\": {\"scale\": [0.5, 0.2]}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"Erasing\", \"params\": {\"ratio\": [0, 1]}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"Erasing\", \"params\": {\"scale\": [0.1, 1.2]}}"));
}

/* XYMasking --------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  int         num_x[2], len_x[2];
  int         num_y[2], len_y[2];
} StripeCase;

static const StripeCase stripe_cases[] = {
  { "x", { 1, 3 }, { 5, 15 }, { 0, 0 }, { 0, 0 } },
  { "y", { 0, 0 }, { 0, 0 }, { 2, 4 }, { 3, 8 } },
  { "both", { 1, 2 }, { 4, 20 }, { 1, 3 }, { 2, 30 } },
  { "fixed", { 2, 2 }, { 10, 10 }, { 3, 3 }, { 1, 1 } },
  /* Wider than the image: capped at its side. */
  { "wide", { 1, 1 }, { 200, 300 }, { 0, 0 }, { 0, 0 } },
  /* Zero-length stripes are drawn and change nothing. */
  { "zero-length", { 2, 4 }, { 0, 0 }, { 1, 1 }, { 0, 0 } },
};

/* The record holds num_masks_x full-height stripes, each mask_x_length
 * wide, then num_masks_y full-width ones, mask_y_length high; the picture
 * is exactly their union. */
static void
test_xy_stripes (gconstpointer data)
{
  const StripeCase *sc = data;
  const int w = 160, h = 120;
  g_autofree char *json = g_strdup_printf ("{\"type\": \"XYMasking\", \"params\": {"
                                           "\"num_masks_x\": [%d, %d], \"mask_x_length\": [%d, %d], "
                                           "\"num_masks_y\": [%d, %d], \"mask_y_length\": [%d, %d]}}",
                                           sc->num_x[0], sc->num_x[1], sc->len_x[0], sc->len_x[1],
                                           sc->num_y[0], sc->num_y[1], sc->len_y[0], sc->len_y[1]);
  g_autoptr(AugurNode) node = augur_test_node_parse (json);

  for (int nc = 1; nc <= 4; nc++)
    for (guint64 seed = 1; seed <= 8 && nc != 2; seed++)
      {
        g_autoptr(AugurImage) src = image_level (w, h, nc, 200);
        g_autoptr(AugurReplay) replay = NULL;
        g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
        g_autofree guint8 *mask = changed_mask (src, out);
        g_autofree guint8 *expected = g_malloc0 ((gsize) w * h);
        guint n;
        const double *v = augur_drawn_get_list (&replay->drawn, "holes", &n);
        int n_vertical = 0, n_horizontal = 0;

        g_assert_cmpuint (n % 4, ==, 0);
        for (guint i = 0; i < n; i += 4)
          {
            int x1 = (int) lrint (v[i] * w), y1 = (int) lrint (v[i + 1] * h);
            int x2 = (int) lrint (v[i + 2] * w), y2 = (int) lrint (v[i + 3] * h);
            /* (No case here has a y stripe of the full height.) */
            gboolean vertical = y1 == 0 && y2 == h;

            /* The x stripes come first. */
            if (vertical)
              {
                g_assert_cmpint (n_horizontal, ==, 0);
                n_vertical++;
                g_assert_cmpint (x2 - x1, >=, MIN (sc->len_x[0], w));
                g_assert_cmpint (x2 - x1, <=, MIN (sc->len_x[1], w));
              }
            else
              {
                n_horizontal++;
                g_assert_cmpint (x1, ==, 0);
                g_assert_cmpint (x2, ==, w);
                g_assert_cmpint (y2 - y1, >=, sc->len_y[0]);
                g_assert_cmpint (y2 - y1, <=, sc->len_y[1]);
              }
            g_assert_cmpint (x1, >=, 0);
            g_assert_cmpint (x2, <=, w);
            g_assert_cmpint (y1, >=, 0);
            g_assert_cmpint (y2, <=, h);
            for (int y = y1; y < y2; y++)
              memset (expected + y * w + x1, 1, x2 - x1);
          }
        g_assert_cmpint (n_vertical, >=, sc->num_x[0]);
        g_assert_cmpint (n_vertical, <=, sc->num_x[1]);
        g_assert_cmpint (n_horizontal, >=, sc->num_y[0]);
        g_assert_cmpint (n_horizontal, <=, sc->num_y[1]);

        g_assert_cmpmem (mask, (gsize) w * h, expected, (gsize) w * h);
        if (nc == 4)
          g_assert_true (alpha_equal (src, out));

        /* Counted from the picture with only x stripes: whole dropped
         * columns, in at most as many runs as stripes. */
        if (sc->num_y[1] == 0 && sc->len_x[0] > 0)
          {
            int runs = 0;

            for (int x = 0; x < w; x++)
              {
                gboolean column = mask[x] != 0;

                for (int y = 1; y < h; y++)
                  g_assert_cmpint (mask[y * w + x] != 0, ==, column);
                runs += column && (x == 0 || !mask[x - 1]);
              }
            g_assert_cmpint (runs, >=, 1);
            g_assert_cmpint (runs, <=, n_vertical);
          }
        assert_replay_round_trip (node, src, replay, out);
      }
}

static void
test_xy_params (void)
{
  g_assert_true (augur_test_node_refused ("{\"type\": \"XYMasking\", \"params\": {\"num_masks_x\": [-1, 2]}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"XYMasking\", \"params\": {\"num_masks_x\": [3, 2]}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"XYMasking\", \"params\": {\"mask_y_length\": [0.5, 2]}}"));
  g_assert_true (augur_test_node_refused ("{\"type\": \"XYMasking\", \"params\": {\"fill\": \"sideways\"}}"));
}

/* Every transform: fills, tiny images, p = 0, replays ---------------------------------- */

/* Parameters under which a transform certainly cuts, with holes apart
 * from one another; "fill" is added. */
typedef struct
{
  const char *name;
  const char *params;
} HoleCase;

static const HoleCase hole_cases[] = {
  { "GridDropout", "\"ratio\": 0.5, \"unit_size_range\": [10, 10], \"random_offset\": false" },
  { "Erasing", "\"scale\": [0.2, 0.2], \"ratio\": [1, 1]" },
  { "XYMasking", "\"num_masks_x\": [1, 1], \"mask_x_length\": [10, 10]" },
};

typedef struct
{
  const char *name;
  const char *fill;
  int         n;         /* values listed; 0 for a named fill */
  int         v[4];
} FillCase;

static const FillCase fill_cases[] = {
  { "value", "77", 1, { 77 } },
  { "colour", "[10, 20, 30]", 3, { 10, 20, 30 } },
  { "colour-alpha", "[10, 20, 30, 40]", 4, { 10, 20, 30, 40 } },
  { "uniform", "\"random_uniform\"", 0, { 0 } },
  { "random", "\"random\"", 0, { 0 } },
};

typedef struct
{
  const HoleCase *hole;
  const FillCase *fill;
} HoleFill;

static void
test_fill (gconstpointer data)
{
  const HoleFill *hf = data;
  const int w = 60, h = 40;
  g_autofree char *json = g_strdup_printf ("{\"type\": \"%s\", \"params\": {%s, \"fill\": %s}}",
                                           hf->hole->name, hf->hole->params, hf->fill->fill);
  g_autoptr(AugurNode) node = augur_test_node_parse (json);

  for (int nc = 1; nc <= 4; nc++)
    for (guint64 seed = 1; seed <= 3 && nc != 2; seed++)
      {
        g_autoptr(AugurImage) src = image_level (w, h, nc, 128);
        g_autoptr(AugurReplay) replay = NULL;
        g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
        g_autofree guint8 *mask = changed_mask (src, out);
        gsize changed = count_set (mask, (gsize) w * h);
        gboolean seen[256] = { FALSE };
        int distinct = 0;

        g_assert_cmpuint (changed, >, 0);
        if (nc == 4 && hf->fill->n != 4)
          g_assert_true (alpha_equal (src, out));

        if (hf->fill->n > 0)
          {
            /* Channel c takes value c, the last repeating; alpha only
             * from a fourth value. */
            for (int y = 0; y < h; y++)
              for (int x = 0; x < w; x++)
                if (mask[y * w + x])
                  for (int c = 0; c < nc; c++)
                    {
                      int expected = c == 3 ? (hf->fill->n == 4 ? hf->fill->v[3] : 255)
                                            : hf->fill->v[MIN (c, hf->fill->n - 1)];

                      g_assert_cmpint (augur_image_row (out, y)[x * nc + c], ==, expected);
                    }
          }
        else if (g_str_equal (hf->fill->name, "uniform"))
          {
            /* One colour over each hole. */
            g_autoptr(GArray) regions = find_regions (mask, w, h);

            for (guint r = 0; r < regions->len; r++)
              {
                const Region *region = &g_array_index (regions, Region, r);
                const guint8 *first = augur_image_row (out, region->y1) + region->x1 * nc;

                g_assert_cmpuint (region->pixels, ==, (gsize) (region->x2 - region->x1) * (region->y2 - region->y1));
                for (int y = region->y1; y < region->y2; y++)
                  for (int x = region->x1; x < region->x2; x++)
                    g_assert_cmpmem (augur_image_row (out, y) + x * nc, MIN (nc, 3), first, MIN (nc, 3));
              }
          }
        else
          {
            /* Random pixels: nearly every byte value shows up. */
            for (int y = 0; y < h; y++)
              for (int x = 0; x < w; x++)
                if (mask[y * w + x])
                  for (int c = 0; c < MIN (nc, 3); c++)
                    seen[augur_image_row (out, y)[x * nc + c]] = TRUE;
            for (int i = 0; i < 256; i++)
              distinct += seen[i];
            g_assert_cmpuint (changed, >, 200);
            g_assert_cmpint (distinct, >, 150);
          }
        assert_replay_round_trip (node, src, replay, out);
      }
}

/* Steps for the checks every transform must pass, including degenerate
 * parameters (zero-size holes, ranges of one value). */
typedef struct
{
  const char *name;
  const char *json;
  gboolean    identity;   /* these parameters never change a pixel */
} StepCase;

static const StepCase step_cases[] = {
  { "grid-default", "{\"type\": \"GridDropout\"}", FALSE },
  { "grid-tiny-ratio", "{\"type\": \"GridDropout\", \"params\": {\"ratio\": 0.001, \"unit_size_range\": [2, 2]}}", FALSE },
  { "grid-whole", "{\"type\": \"GridDropout\", \"params\": {\"ratio\": 1, \"holes_number_xy\": [100000, 100000], \"fill\": \"random\"}}", FALSE },
  { "grid-shift-far", "{\"type\": \"GridDropout\", \"params\": {\"random_offset\": false, \"shift_xy\": [100000, 3], \"fill\": \"random_uniform\"}}", FALSE },
  { "grid-inpaint", "{\"type\": \"GridDropout\", \"params\": {\"unit_size_range\": [4, 9], \"fill\": \"inpaint_ns\"}}", FALSE },
  { "grid-telea", "{\"type\": \"GridDropout\", \"params\": {\"holes_number_xy\": [3, 2], \"fill\": \"inpaint_telea\"}}", FALSE },
  { "erasing-default", "{\"type\": \"Erasing\"}", FALSE },
  { "erasing-zero", "{\"type\": \"Erasing\", \"params\": {\"scale\": [0, 0]}}", TRUE },
  { "erasing-large", "{\"type\": \"Erasing\", \"params\": {\"scale\": [0.5, 1], \"ratio\": [1, 1], \"fill\": \"random\"}}", FALSE },
  { "erasing-inpaint", "{\"type\": \"Erasing\", \"params\": {\"scale\": [0.1, 0.1], \"ratio\": [1, 1], \"fill\": \"inpaint_telea\"}}", FALSE },
  { "xy-default", "{\"type\": \"XYMasking\"}", TRUE },
  { "xy-zero-length", "{\"type\": \"XYMasking\", \"params\": {\"num_masks_x\": [3, 3], \"num_masks_y\": [1, 2]}}", TRUE },
  { "xy-both", "{\"type\": \"XYMasking\", \"params\": {\"num_masks_x\": [1, 3], \"mask_x_length\": [1, 4], "
    "\"num_masks_y\": [1, 3], \"mask_y_length\": [2, 2], \"fill\": \"random_uniform\"}}", FALSE },
  { "xy-huge", "{\"type\": \"XYMasking\", \"params\": {\"num_masks_x\": [1, 1], \"mask_x_length\": [100000, 100000], "
    "\"fill\": [1, 2, 3]}}", FALSE },
  { "xy-inpaint", "{\"type\": \"XYMasking\", \"params\": {\"num_masks_y\": [2, 2], \"mask_y_length\": [3, 5], "
    "\"fill\": \"inpaint_ns\"}}", FALSE },
  { "pixel-default", "{\"type\": \"PixelDropout\"}", FALSE },
  { "pixel-zero", "{\"type\": \"PixelDropout\", \"params\": {\"dropout_prob\": 0, \"drop_value\": null}}", TRUE },
  { "pixel-all", "{\"type\": \"PixelDropout\", \"params\": {\"dropout_prob\": 1, \"per_channel\": true}}", FALSE },
  { "pixel-random", "{\"type\": \"PixelDropout\", \"params\": {\"dropout_prob\": 0.3, \"drop_value\": null}}", FALSE },
};

/* 1x1, 1xN, Nx1 and small images in gray, RGB and RGBA: a result of the
 * same shape, alpha kept, a replay that round-trips. */
static void
test_tiny (gconstpointer data)
{
  const StepCase *sc = data;
  static const int sizes[][2] = { { 1, 1 }, { 1, 6 }, { 6, 1 }, { 2, 2 }, { 3, 7 }, { 5, 4 } };
  g_autoptr(AugurNode) node = augur_test_node_parse (sc->json);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (int nc = 1; nc <= 4; nc++)
      for (guint64 seed = 1; seed <= 3 && nc != 2; seed++)
        {
          g_autoptr(AugurImage) src = augur_test_random_image (sizes[i][0], sizes[i][1], nc, seed);
          g_autoptr(AugurReplay) replay = NULL;
          g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);

          if (nc == 4)
            g_assert_true (alpha_equal (src, out));
          if (sc->identity)
            g_assert_true (augur_image_equal (src, out));
          assert_replay_round_trip (node, src, replay, out);
        }
}

/* A larger image: deterministic for a seed, replays exact; and what
 * changes is what the parameters say (or nothing). */
static void
test_replay (gconstpointer data)
{
  const StepCase *sc = data;
  g_autoptr(AugurNode) node = augur_test_node_parse (sc->json);
  g_autoptr(AugurImage) src = augur_test_random_image (97, 61, 4, 5);
  guint n_changed = 0;

  for (guint64 seed = 1; seed <= 6; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run_forced (node, src, seed, &replay);
      g_autoptr(AugurImage) again = augur_test_run_forced (node, src, seed, NULL);

      g_assert_true (augur_image_equal (out, again));
      g_assert_true (alpha_equal (src, out));
      assert_replay_round_trip (node, src, replay, out);
      n_changed += !augur_image_equal (src, out);
    }
  if (sc->identity)
    g_assert_cmpuint (n_changed, ==, 0);
  else
    g_assert_cmpuint (n_changed, >, 0);
}

/* p = 0: never applied, the image untouched. */
static void
test_p_zero (gconstpointer data)
{
  const StepCase *sc = data;
  g_autoptr(AugurNode) node = augur_test_node_parse (sc->json);
  g_autoptr(AugurImage) src = augur_test_random_image (33, 21, 3, 8);

  node->p = 0;
  for (guint64 seed = 1; seed <= 20; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_node_run (node, src, seed, &replay);

      g_assert_false (replay->applied);
      g_assert_true (augur_image_equal (src, out));
    }
}

/* Holes written in one pass ---------------------------------------------------- */

/* A fill, and the bytes it puts in a hole of an image of 1, 3 or 4
 * channels (the last value repeating; alpha only from a fourth value). */
typedef struct
{
  const char *json;
  int         n;
  int         v[4];
} OnePassFill;

static const OnePassFill one_pass_fills[] = {
  { "0", 1, { 0 } },
  { "77", 1, { 77 } },
  { "[10, 200, 30]", 3, { 10, 200, 30 } },
  { "[1, 2, 3, 4]", 4, { 1, 2, 3, 4 } },
  { "\"random_uniform\"", 0, { 0 } },
};

/* @n random holes in pixels, some overlapping, some touching another
 * (sharing an edge), some on the image's edges, some empty or reversed
 * (which apply drops): x1, y1, x2, y2 each. */
static int *
one_pass_boxes (int w,
                int h,
                int n)
{
  int *b = g_new (int, 4 * n);

  for (int i = 0; i < n; i++)
    {
      int *o = b + 4 * i;

      switch (g_test_rand_int_range (0, 5))
        {
        case 0: /* touches the hole before it on the right */
          if (i > 0)
            {
              o[0] = b[4 * (i - 1) + 2];
              o[1] = b[4 * (i - 1) + 1];
              o[2] = g_test_rand_int_range (o[0], w + 1);
              o[3] = g_test_rand_int_range (o[1], h + 1);
              continue;
            }
          G_GNUC_FALLTHROUGH;
        case 1: /* overlaps the hole before it */
          if (i > 0)
            {
              const int *p = b + 4 * (i - 1);
              int grow_x = g_test_rand_int_range (0, 6), grow_y = g_test_rand_int_range (0, 6);

              o[0] = (p[0] + p[2]) / 2;
              o[1] = (p[1] + p[3]) / 2;
              o[2] = MIN (w, p[2] + grow_x);
              o[3] = MIN (h, p[3] + grow_y);
              continue;
            }
          G_GNUC_FALLTHROUGH;
        case 2: /* reaches the image's edges */
          o[0] = g_test_rand_bit () ? 0 : g_test_rand_int_range (0, w);
          o[1] = g_test_rand_bit () ? 0 : g_test_rand_int_range (0, h);
          o[2] = g_test_rand_bit () ? w : g_test_rand_int_range (o[0], w + 1);
          o[3] = g_test_rand_bit () ? h : g_test_rand_int_range (o[1], h + 1);
          break;
        case 3: /* empty or reversed */
          o[0] = g_test_rand_int_range (0, w + 1);
          o[1] = g_test_rand_int_range (0, h + 1);
          o[2] = g_test_rand_bit () ? o[0] : g_test_rand_int_range (0, o[0] + 1);
          o[3] = g_test_rand_int_range (0, h + 1);
          break;
        default:
          o[0] = g_test_rand_int_range (0, w);
          o[1] = g_test_rand_int_range (0, h);
          o[2] = g_test_rand_int_range (o[0], w + 1);
          o[3] = g_test_rand_int_range (o[1], h + 1);
          break;
        }
    }
  return b;
}

/* A noisy image; with @pad, rows @pad bytes longer than its pixels. */
static AugurImage *
one_pass_image (int w,
                int h,
                int nc,
                int pad)
{
  int stride = w * nc + pad;
  guint8 *data = g_malloc ((gsize) stride * h);

  for (gsize i = 0; i < (gsize) stride * h; i++)
    data[i] = (guint8) g_test_rand_int_range (0, 256);
  return augur_image_new_for_data (w, h, nc, stride, data, g_free, data);
}

/* CoarseDropout, Erasing and XYMasking replayed over random hole sets,
 * on 1, 3 and 4 channels, rows padded or not: the output is what copying
 * the image and then filling the holes one after the other gives. For a
 * value fill that is the fill's bytes in every hole; for random_uniform
 * (one random colour a hole, unknown here) each hole's pixels that no
 * later hole covers share one colour. Outside the holes, the source. */
static void
test_one_pass (gconstpointer data)
{
  const char *type = data;
  static const int sizes[][2] = { { 37, 23 }, { 64, 16 }, { 1, 9 }, { 130, 3 } };

  for (guint f = 0; f < G_N_ELEMENTS (one_pass_fills); f++)
    for (guint si = 0; si < G_N_ELEMENTS (sizes); si++)
      for (int nc = 1; nc <= 4; nc++)
        for (int pad = 0; pad <= 5 && nc != 2; pad += 5)
          for (int trial = 0; trial < 4; trial++)
            {
              const OnePassFill *fill = &one_pass_fills[f];
              int w = sizes[si][0], h = sizes[si][1];
              int n = g_test_rand_int_range (0, 9);
              g_autofree int *boxes = one_pass_boxes (w, h, n);
              g_autoptr(GString) values = g_string_new ("[");
              g_autoptr(GError) error = NULL;
              g_autofree char *node_json = g_strdup_printf ("{\"type\": \"%s\", \"params\": {\"fill\": %s}}",
                                                            type, fill->json);
              g_autoptr(AugurNode) node = augur_test_node_parse (node_json);
              g_autoptr(JsonNode) json = NULL;
              g_autoptr(AugurReplay) replay = NULL;
              g_autoptr(AugurImage) src = one_pass_image (w, h, nc, pad);
              g_autoptr(AugurImage) out = NULL;
              g_autofree int *owner = g_new (int, (gsize) w * h);
              g_autofree char *replay_json = NULL;

              for (int i = 0; i < n; i++)
                g_string_append_printf (values, "%s%.17g, %.17g, %.17g, %.17g", i ? ", " : "",
                                        (double) boxes[4 * i] / w, (double) boxes[4 * i + 1] / h,
                                        (double) boxes[4 * i + 2] / w, (double) boxes[4 * i + 3] / h);
              g_string_append (values, "]");
              replay_json = g_strdup_printf ("{\"type\": \"%s\", \"applied\": true, \"values\": "
                                             "{\"holes\": %s, \"seed\": %d}}",
                                             type, values->str, 11 + trial);
              json = json_from_string (replay_json, &error);
              g_assert_no_error (error);
              replay = augur_replay_from_json (json, node, &error);
              g_assert_no_error (error);
              out = augur_node_apply (node, src, replay);
              g_assert_cmpint (out->width, ==, w);
              g_assert_cmpint (out->height, ==, h);
              g_assert_cmpint (out->channels, ==, nc);

              /* Which hole wrote each pixel last, -1 for none. */
              for (gsize i = 0; i < (gsize) w * h; i++)
                owner[i] = -1;
              for (int i = 0; i < n; i++)
                for (int y = boxes[4 * i + 1]; y < boxes[4 * i + 3]; y++)
                  for (int x = boxes[4 * i]; x < boxes[4 * i + 2]; x++)
                    owner[y * w + x] = i;

              for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                  {
                    const guint8 *o = augur_image_row (out, y) + (gsize) x * nc;
                    const guint8 *s = augur_image_row (src, y) + (gsize) x * nc;
                    int hole = owner[y * w + x];

                    for (int c = 0; c < nc; c++)
                      {
                        int expected = s[c];

                        if (hole >= 0 && fill->n > 0 && (c < 3 || fill->n == 4))
                          expected = nc == 4 && c == 3 ? fill->v[3] : fill->v[MIN (c, fill->n - 1)];
                        if (hole >= 0 && fill->n == 0 && (nc < 4 || c < 3))
                          {
                            /* The colour of the hole's first pixel it kept. */
                            for (int yy = boxes[4 * hole + 1]; yy <= y && expected == s[c]; yy++)
                              for (int xx = boxes[4 * hole]; xx < boxes[4 * hole + 2]; xx++)
                                if (owner[yy * w + xx] == hole)
                                  {
                                    expected = augur_image_row (out, yy)[(gsize) xx * nc + c];
                                    break;
                                  }
                          }
                        if (o[c] != expected)
                          g_error ("%s, fill %s, %dx%dx%d (row padding %d), hole %d of %d: "
                                   "pixel (%d, %d) channel %d is %d, expected %d",
                                   type, fill->json, w, h, nc, pad, hole, n, x, y, c, o[c], expected);
                      }
                  }
            }
}

int
main (int argc, char **argv)
{
  static const double pixel_gap_probs[] = { 0.04, 0.2 };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (grid_ratio_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/occlusion/grid/ratio/%s", grid_ratio_cases[i].name);

      g_test_add_data_func (path, &grid_ratio_cases[i], test_grid_ratio);
    }
  for (guint i = 0; i < G_N_ELEMENTS (grid_layout_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/occlusion/grid/layout/%s", grid_layout_cases[i].name);

      g_test_add_data_func (path, &grid_layout_cases[i], test_grid_layout);
    }
  g_test_add_func ("/occlusion/grid/cells", test_grid_cells);
  g_test_add_func ("/occlusion/grid/unit-range", test_grid_unit_range);
  g_test_add_func ("/occlusion/grid/replay-odd", test_grid_replay_odd);
  g_test_add_func ("/occlusion/grid/params", test_grid_params);

  for (guint i = 0; i < G_N_ELEMENTS (pixel_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/occlusion/pixel/fraction/%s", pixel_cases[i].name);

      g_test_add_data_func (path, &pixel_cases[i], test_pixel_fraction);
    }
  g_test_add_data_func ("/occlusion/pixel/gaps/sparse", &pixel_gap_probs[0], test_pixel_gaps);
  g_test_add_data_func ("/occlusion/pixel/gaps/coins", &pixel_gap_probs[1], test_pixel_gaps);
  g_test_add_func ("/occlusion/pixel/values", test_pixel_values);
  g_test_add_func ("/occlusion/pixel/extremes", test_pixel_extremes);

  for (guint i = 0; i < G_N_ELEMENTS (erase_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/occlusion/erasing/area/%s", erase_cases[i].name);

      g_test_add_data_func (path, &erase_cases[i], test_erasing_area);
    }
  g_test_add_func ("/occlusion/erasing/limits", test_erasing_limits);

  for (guint i = 0; i < G_N_ELEMENTS (stripe_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/occlusion/xy/stripes/%s", stripe_cases[i].name);

      g_test_add_data_func (path, &stripe_cases[i], test_xy_stripes);
    }
  g_test_add_func ("/occlusion/xy/params", test_xy_params);

  {
    static HoleFill hole_fills[G_N_ELEMENTS (hole_cases) * G_N_ELEMENTS (fill_cases)];

    for (guint i = 0; i < G_N_ELEMENTS (hole_cases); i++)
      for (guint j = 0; j < G_N_ELEMENTS (fill_cases); j++)
        {
          HoleFill *hf = &hole_fills[i * G_N_ELEMENTS (fill_cases) + j];
          g_autofree char *path = g_strdup_printf ("/occlusion/fill/%s/%s", hole_cases[i].name, fill_cases[j].name);

          hf->hole = &hole_cases[i];
          hf->fill = &fill_cases[j];
          g_test_add_data_func (path, hf, test_fill);
        }
  }

  g_test_add_data_func ("/occlusion/one-pass/coarse", "CoarseDropout", test_one_pass);
  g_test_add_data_func ("/occlusion/one-pass/erasing", "Erasing", test_one_pass);
  g_test_add_data_func ("/occlusion/one-pass/xy", "XYMasking", test_one_pass);

  for (guint i = 0; i < G_N_ELEMENTS (step_cases); i++)
    {
      g_autofree char *tiny = g_strdup_printf ("/occlusion/tiny/%s", step_cases[i].name);
      g_autofree char *replay = g_strdup_printf ("/occlusion/replay/%s", step_cases[i].name);
      g_autofree char *p_zero = g_strdup_printf ("/occlusion/p-zero/%s", step_cases[i].name);

      g_test_add_data_func (tiny, &step_cases[i], test_tiny);
      g_test_add_data_func (replay, &step_cases[i], test_replay);
      g_test_add_data_func (p_zero, &step_cases[i], test_p_zero);
    }

  return g_test_run ();
}
