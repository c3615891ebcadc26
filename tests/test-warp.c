/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-pipeline.h"
#include "augur-recipe.h"
#include "augur-rng.h"
#include "augur-strips.h"
#include "augur-transform.h"
#include "augur-warp.h"

#include "augur-test-util.h"

/*
 * The warp module, for every spatial transform of the table: points, boxes,
 * keypoints and label masks must land where the transform's own pixels
 * land. Each case runs a transform on synthetic images (64 x 48, seeded
 * draws) and compares what the warp says with what the pixels show.
 */

#define W 64
#define H 48
#define DRAWS 24

/* A gray image, black but for the pixels whose centres @inside accepts. */
typedef gboolean (*Shape) (double x, double y, gconstpointer data);

static AugurImage *
draw_image (Shape         inside,
            gconstpointer data,
            guint8        value)
{
  AugurImage *image = augur_test_flat_image (W, H, 1, 0);

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (inside (x + 0.5, y + 0.5, data))
        augur_image_row (image, y)[x] = value;
  return image;
}

/* The transform's own run on @src (seed 100 + @draw), with its replay. */
static AugurImage *
run (const AugurNode  *node,
     const AugurImage *src,
     guint             draw,
     AugurReplay     **replay)
{
  return augur_test_run (node, src, 100 + draw, replay);
}

/* The warp the transform describes for a draw, to ask what kind it is. */
static AugurWarpKind
warp_kind (const AugurNode   *node,
           const AugurReplay *replay)
{
  const AugurShape in = { W, H, 1 };
  AugurWarp warp;
  AugurWarpKind kind;

  augur_warp_init (&warp, node->params, &replay->drawn, &in);
  node->info->geometry (node->params, &replay->drawn, &in, &warp);
  kind = warp.kind;
  augur_warp_clear (&warp);
  return kind;
}

/* The registry ------------------------------------------------------------ */

static void
test_every_spatial_transform (void)
{
  guint n, spatial = 0;
  const AugurTransformInfo *const *list = augur_transforms_list (&n);

  for (guint i = 0; i < n; i++)
    {
      const AugurTransformInfo *info = list[i];

      if (!augur_test_is_spatial_category (info->category))
        continue;
      spatial++;
      g_test_message ("%s", info->name);
      g_assert_nonnull (info->geometry);
      g_assert_true (augur_transform_is_spatial (info));
      /* the warp module derives these; a spatial transform gives neither */
      g_assert_null (info->apply);
      g_assert_null (info->output_shape);
    }
  g_assert_cmpuint (spatial, ==, 28);
}

/* Points ------------------------------------------------------------------ */

/* A dot that tiles would cut apart (RandomGridShuffle) has no one place
 * to land: its corners must move as its centre does. */
static gboolean
dot_moves_whole (const AugurNode   *node,
                 const AugurReplay *replay,
                 const AugurShape  *in,
                 int                dx,
                 int                dy,
                 double             px,
                 double             py)
{
  if (warp_kind (node, replay) != AUGUR_WARP_TILES)
    return TRUE;
  for (int i = 0; i < 4; i++)
    {
      double cx = i % 2 == 0 ? dx - 0.99 : dx + 1.99, cy = i < 2 ? dy - 0.99 : dy + 1.99;
      double x = cx, y = cy;

      if (!augur_transform_map_point (node->info, node->params, &replay->drawn, in, &x, &y) ||
          fabs ((x - cx) - (px - dx - 0.5)) > 1e-9 || fabs ((y - cy) - (py - dy - 0.5)) > 1e-9)
        return FALSE;
    }
  return TRUE;
}

/* map_point sends a bright dot's centre where the dot lands. */
static void
test_point (gconstpointer data)
{
  const AugurTransformInfo *info = data;
  g_autoptr(AugurNode) node = augur_test_spatial_node (info);
  static const int range[4] = { 4, W - 5, 4, H - 5 };
  guint followed = 0;

  for (guint draw = 0; draw < DRAWS; draw++)
    followed += augur_test_follow_dot (node, 1, draw, range, dot_moves_whole);
  g_test_message ("%s: %u of %u draws followed", info->name, followed, DRAWS);
  g_assert_cmpuint (followed, >=, DRAWS / 4);
}

/* Boxes ------------------------------------------------------------------- */

typedef struct
{
  double box[4];
} BoxData;

static gboolean
in_box (double        x,
        double        y,
        gconstpointer data)
{
  const double *b = ((const BoxData *) data)->box;

  return x >= b[0] && x < b[2] && y >= b[1] && y < b[3];
}

/* The box of a bright square holds every clearly bright output pixel (a
 * pixel's reach through interpolation is within 1.5 pixels); its corners,
 * taken just inside, map into it; and where the warp maps boxes through
 * their corners, it is exactly their bounding box. */
static void
test_box (gconstpointer data)
{
  const AugurTransformInfo *info = data;
  g_autoptr(AugurNode) node = augur_test_spatial_node (info);
  const AugurShape in = { W, H, 1 };
  guint checked = 0;

  for (guint draw = 0; draw < DRAWS; draw++)
    {
      g_autoptr(AugurImage) src = NULL;
      g_autoptr(AugurImage) out = NULL;
      g_autoptr(AugurReplay) replay = NULL;
      BoxData square;
      double mapped[4], corners[4][2], lo_x = G_MAXDOUBLE, lo_y = G_MAXDOUBLE;
      double hi_x = -G_MAXDOUBLE, hi_y = -G_MAXDOUBLE;
      gboolean corners_inside = TRUE;
      AugurRng rng;
      int side, bright = 0;

      augur_rng_init (&rng, 7000 + draw);
      side = (int) augur_rng_int (&rng, 4, 9);
      square.box[0] = (double) augur_rng_int (&rng, 3, W - 3 - side);
      square.box[1] = (double) augur_rng_int (&rng, 3, H - 3 - side);
      square.box[2] = square.box[0] + side;
      square.box[3] = square.box[1] + side;

      src = draw_image (in_box, &square, 255);
      out = run (node, src, draw, &replay);

      memcpy (mapped, square.box, sizeof mapped);
      if (!augur_transform_map_box (info, node->params, &replay->drawn, &in, mapped))
        continue;
      g_assert_cmpfloat (mapped[0], <, mapped[2]);
      g_assert_cmpfloat (mapped[1], <, mapped[3]);
      g_assert_cmpfloat (mapped[0], >=, 0);
      g_assert_cmpfloat (mapped[1], >=, 0);
      g_assert_cmpfloat (mapped[2], <=, out->width);
      g_assert_cmpfloat (mapped[3], <=, out->height);

      for (int y = 0; y < out->height; y++)
        for (int x = 0; x < out->width; x++)
          if (augur_test_pixel (out, x, y, 0) >= 128)
            {
              bright++;
              g_assert_cmpfloat (x + 0.5, >=, mapped[0] - 1.5);
              g_assert_cmpfloat (x + 0.5, <=, mapped[2] + 1.5);
              g_assert_cmpfloat (y + 0.5, >=, mapped[1] - 1.5);
              g_assert_cmpfloat (y + 0.5, <=, mapped[3] + 1.5);
            }

      for (int i = 0; i < 4; i++)
        {
          double x = i % 2 == 0 ? square.box[0] + 0.01 : square.box[2] - 0.01;
          double y = i < 2 ? square.box[1] + 0.01 : square.box[3] - 0.01;

          corners_inside &= augur_transform_map_point (info, node->params, &replay->drawn,
                                                       &in, &x, &y);
          corners[i][0] = x, corners[i][1] = y;
          lo_x = MIN (lo_x, x), hi_x = MAX (hi_x, x);
          lo_y = MIN (lo_y, y), hi_y = MAX (hi_y, y);
        }
      if (!corners_inside)
        continue;
      for (int i = 0; i < 4; i++)
        {
          g_assert_cmpfloat (corners[i][0], >=, mapped[0] - 1e-6);
          g_assert_cmpfloat (corners[i][0], <=, mapped[2] + 1e-6);
          g_assert_cmpfloat (corners[i][1], >=, mapped[1] - 1e-6);
          g_assert_cmpfloat (corners[i][1], <=, mapped[3] + 1e-6);
        }
      switch (warp_kind (node, replay))
        {
        case AUGUR_WARP_CROP:
        case AUGUR_WARP_AFFINE:
        case AUGUR_WARP_HOMOGRAPHY:
        case AUGUR_WARP_DIHEDRAL:
          /* the corners were taken 0.01 inside; a warp stretches that by
           * at most a few times here */
          g_assert_cmpfloat (fabs (lo_x - mapped[0]), <, 0.1);
          g_assert_cmpfloat (fabs (hi_x - mapped[2]), <, 0.1);
          g_assert_cmpfloat (fabs (lo_y - mapped[1]), <, 0.1);
          g_assert_cmpfloat (fabs (hi_y - mapped[3]), <, 0.1);
          break;
        case AUGUR_WARP_MAP:
        case AUGUR_WARP_TILES:
        default:
          break;
        }
      if (bright > 0)
        checked++;
    }
  g_test_message ("%s: %u of %u draws checked", info->name, checked, DRAWS);
  g_assert_cmpuint (checked, >=, DRAWS / 4);
}

/* Keypoints --------------------------------------------------------------- */

typedef struct
{
  double x, y, angle, length;
} Segment;

/* A segment from (x, y), @length long, in the direction of @angle (from +x
 * towards +y), a pixel wide. */
static gboolean
on_segment (double        x,
            double        y,
            gconstpointer data)
{
  const Segment *s = data;
  double ux = cos (s->angle), uy = sin (s->angle);
  double along = (x - s->x) * ux + (y - s->y) * uy;
  double across = -(x - s->x) * uy + (y - s->y) * ux;

  return along >= 0 && along <= s->length && fabs (across) <= 0.5;
}

static gboolean
on_dot (double        x,
        double        y,
        gconstpointer data)
{
  const Segment *s = data;

  return fabs (x - s->x) < 1.5 && fabs (y - s->y) < 1.5;
}

static double
angle_between (double a,
               double b)
{
  double d = fmod (fabs (a - b), 2 * G_PI);

  return MIN (d, 2 * G_PI - d);
}

/* A keypoint at a dot's centre lands where the dot lands, with the same
 * answer as map_point; its angle points along a short segment drawn from
 * it in that direction, as the warp carries the segment; its scale grows
 * as the segment does (within a factor of two: the scale follows the
 * larger of the warp's two axis stretches, the segment one direction). */
static void
test_keypoint (gconstpointer data)
{
  const AugurTransformInfo *info = data;
  g_autoptr(AugurNode) node = augur_test_spatial_node (info);
  const AugurShape in = { W, H, 1 };
  guint checked = 0;

  for (guint draw = 0; draw < DRAWS; draw++)
    {
      g_autoptr(AugurImage) dot = NULL;
      g_autoptr(AugurImage) line = NULL;
      g_autoptr(AugurImage) dot_out = NULL;
      g_autoptr(AugurImage) line_out = NULL;
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurReplay) replay2 = NULL;
      double kx, ky, angle, scale = 2, px, py, mx = 0, my = 0, lx = 0, ly = 0;
      double ex, ey, observed, stretch;
      Segment seg;
      AugurRng rng;

      augur_rng_init (&rng, 8000 + draw);
      seg.x = augur_rng_int (&rng, 12, W - 13) + 0.5;
      seg.y = augur_rng_int (&rng, 12, H - 13) + 0.5;
      seg.angle = augur_rng_range (&rng, 0, 2 * G_PI);
      seg.length = 8;

      dot = draw_image (on_dot, &seg, 255);
      line = draw_image (on_segment, &seg, 255);
      dot_out = run (node, dot, draw, &replay);
      line_out = run (node, line, draw, &replay2);

      kx = px = seg.x, ky = py = seg.y, angle = seg.angle;
      if (!augur_transform_map_keypoint (info, node->params, &replay->drawn, &in,
                                         &kx, &ky, &angle, &scale))
        continue;
      g_assert_true (augur_transform_map_point (info, node->params, &replay->drawn, &in, &px, &py));
      g_assert_cmpfloat (fabs (kx - px), <, 1e-9);
      g_assert_cmpfloat (fabs (ky - py), <, 1e-9);
      g_assert_cmpfloat (angle, >=, 0);
      g_assert_cmpfloat (angle, <, 2 * G_PI);

      /* the segment's far end must land on the image too, away from the
       * edges, and the segment must not be cut by a tile edge */
      ex = seg.x + seg.length * cos (seg.angle), ey = seg.y + seg.length * sin (seg.angle);
      if (!augur_transform_map_point (info, node->params, &replay->drawn, &in, &ex, &ey))
        continue;
      if (kx < 3 || ky < 3 || kx > dot_out->width - 3 || ky > dot_out->height - 3 ||
          ex < 3 || ey < 3 || ex > dot_out->width - 3 || ey > dot_out->height - 3)
        continue;
      stretch = hypot (ex - kx, ey - ky) / seg.length;
      if (fabs (stretch - 1) > 1e-9 && warp_kind (node, replay) == AUGUR_WARP_TILES)
        continue;
      if (!dot_moves_whole (node, replay, &in, (int) seg.x, (int) seg.y, kx, ky))
        continue;
      if (stretch * seg.length < 4)
        continue;

      g_assert_cmpfloat (augur_test_centroid (dot_out, &mx, &my), >, 0);
      g_assert_cmpfloat (fabs (mx - kx), <=, 1.0);
      g_assert_cmpfloat (fabs (my - ky), <=, 1.0);

      /* the segment's centroid lies halfway along it */
      g_assert_cmpfloat (augur_test_centroid (line_out, &lx, &ly), >, 0);
      observed = atan2 (ly - ky, lx - kx);
      g_assert_cmpfloat (angle_between (observed, angle), <, 0.35);
      g_assert_cmpfloat (scale / 2, >=, stretch * 0.5);
      g_assert_cmpfloat (scale / 2, <=, stretch * 2);
      checked++;
    }
  g_test_message ("%s: %u of %u draws checked", info->name, checked, DRAWS);
  g_assert_cmpuint (checked, >=, DRAWS / 4);
}

/* Masks ------------------------------------------------------------------- */

static const guint8 labels[] = { 0, 3, 7, 200 };

/* The mask: left third 3, a band across the bottom 7, the object 200,
 * the rest 0. */
static AugurImage *
label_mask (const BoxData *object)
{
  AugurImage *mask = augur_test_flat_image (W, H, 1, 0);

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        guint8 *p = augur_image_row (mask, y) + x;

        if (in_box (x + 0.5, y + 0.5, object))
          *p = 200;
        else if (y >= H - 10)
          *p = 7;
        else if (x < W / 3)
          *p = 3;
      }
  return mask;
}

/* The centroid of the pixels of value @v. */
static double
label_centroid (const AugurImage *mask,
                guint8            v,
                double           *cx,
                double           *cy)
{
  double n = 0, sx = 0, sy = 0;

  for (int y = 0; y < mask->height; y++)
    for (int x = 0; x < mask->width; x++)
      if (augur_test_pixel (mask, x, y, 0) == v)
        n++, sx += x + 0.5, sy += y + 0.5;
  if (n > 0)
    *cx = sx / n, *cy = sy / n;
  return n;
}

/* A label mask warps with nearest interpolation: no value appears that it
 * did not hold, it keeps the image's output shape, and its object stays
 * where the image's own bright object went. */
static void
test_mask (gconstpointer data)
{
  const AugurTransformInfo *info = data;
  g_autoptr(AugurNode) node = augur_test_spatial_node (info);
  guint checked = 0;

  for (guint draw = 0; draw < DRAWS; draw++)
    {
      g_autoptr(AugurImage) src = NULL;
      g_autoptr(AugurImage) mask = NULL;
      g_autoptr(AugurImage) out = NULL;
      g_autoptr(AugurImage) warped = NULL;
      g_autoptr(AugurReplay) replay = NULL;
      double ix = 0, iy = 0, lx = 0, ly = 0;
      BoxData object;
      AugurRng rng;
      int side;

      augur_rng_init (&rng, 9500 + draw);
      side = (int) augur_rng_int (&rng, 5, 9);
      object.box[0] = (double) augur_rng_int (&rng, 4, W - 4 - side);
      object.box[1] = (double) augur_rng_int (&rng, 4, H - 4 - side);
      object.box[2] = object.box[0] + side;
      object.box[3] = object.box[1] + side;

      src = draw_image (in_box, &object, 255);
      mask = label_mask (&object);
      out = run (node, src, draw, &replay);
      warped = augur_transform_apply_mask (info, node->params, &replay->drawn, mask);

      g_assert_cmpint (warped->width, ==, out->width);
      g_assert_cmpint (warped->height, ==, out->height);
      g_assert_cmpint (warped->channels, ==, 1);
      for (int y = 0; y < warped->height; y++)
        for (int x = 0; x < warped->width; x++)
          g_assert_nonnull (memchr (labels, augur_test_pixel (warped, x, y, 0), sizeof labels));

      /* the object, when it lands whole and well inside */
      if (label_centroid (warped, 200, &lx, &ly) < 9 || augur_test_centroid (out, &ix, &iy) == 0)
        continue;
      if (ix < 6 || iy < 6 || ix > out->width - 6 || iy > out->height - 6)
        continue;
      g_assert_cmpfloat (fabs (lx - ix), <=, 1.0);
      g_assert_cmpfloat (fabs (ly - iy), <=, 1.0);
      checked++;
    }
  g_test_message ("%s: %u of %u draws checked", info->name, checked, DRAWS);
  g_assert_cmpuint (checked, >=, DRAWS / 4);
}

/* A pixel-level transform leaves points, boxes and masks as they are. */
static void
test_pixel_level (void)
{
  const AugurTransformInfo *info = augur_transform_lookup ("RandomBrightnessContrast");
  g_autoptr(AugurNode) node = augur_test_leaf ("RandomBrightnessContrast");
  const AugurShape in = { W, H, 1 };
  g_autoptr(AugurImage) src = augur_test_flat_image (W, H, 1, 100);
  g_autoptr(AugurImage) mask = augur_test_flat_image (W, H, 1, 3);
  g_autoptr(AugurImage) out = NULL;
  g_autoptr(AugurImage) warped = NULL;
  g_autoptr(AugurReplay) replay = NULL;
  double x = 10.25, y = 20.75, angle = 1, scale = 3;
  double box[4] = { 2, 3, 20, 30 };

  g_assert_false (augur_transform_is_spatial (info));
  out = run (node, src, 1, &replay);
  g_assert_true (augur_transform_map_keypoint (info, node->params, &replay->drawn, &in,
                                               &x, &y, &angle, &scale));
  g_assert_cmpfloat (x, ==, 10.25);
  g_assert_cmpfloat (y, ==, 20.75);
  g_assert_cmpfloat (angle, ==, 1);
  g_assert_cmpfloat (scale, ==, 3);
  g_assert_true (augur_transform_map_box (info, node->params, &replay->drawn, &in, box));
  g_assert_cmpfloat (box[0], ==, 2);
  g_assert_cmpfloat (box[3], ==, 30);
  warped = augur_transform_apply_mask (info, node->params, &replay->drawn, mask);
  g_assert_true (warped == mask);
}

/* Strips ------------------------------------------------------------------- */

/* The default recipe with every step applied, on a 6-megapixel photo: its
 * rotation runs in strips on helper threads, and the bytes are the same
 * with 1, 2 and 3 threads. */
static const char *const every_step =
  "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 3, \"pipeline\": {\"type\": \"Sequential\", \"steps\": ["
  "{\"type\": \"HorizontalFlip\", \"p\": 1},"
  "{\"type\": \"Rotate\", \"p\": 1, \"params\": {\"limit\": [-15, 15], \"border_mode\": \"reflect_101\"}},"
  "{\"type\": \"RandomBrightnessContrast\", \"p\": 1},"
  "{\"type\": \"GaussianBlur\", \"p\": 1, \"params\": {\"sigma_limit\": [0.5, 2]}},"
  "{\"type\": \"CoarseDropout\", \"p\": 1}]}}";

static AugurImage *
apply_with_threads (const AugurRecipe *recipe,
                    const AugurImage  *src,
                    int                threads)
{
  AugurShape shape = { src->width, src->height, src->channels };
  g_autoptr(AugurReplay) replay = augur_node_sample (recipe->pipeline, &shape, 11);
  AugurImage *out;

  augur_strips_set_max_threads (threads);
  out = augur_node_apply (recipe->pipeline, src, replay);
  augur_strips_set_max_threads (0);
  return out;
}

static void
test_strips_same_bytes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = augur_recipe_parse (every_step, -1, &error);
  g_autoptr(AugurImage) src = augur_test_random_image (3000, 2000, 3, 5);
  g_autoptr(AugurImage) one = NULL;

  g_assert_no_error (error);
  one = apply_with_threads (recipe, src, 1);
  for (int threads = 2; threads <= 3; threads++)
    {
      guint before = augur_strips_helpers_started ();
      g_autoptr(AugurImage) many = apply_with_threads (recipe, src, threads);

      g_assert_cmpuint (augur_strips_helpers_started (), >, before);
      g_assert_true (augur_image_equal (one, many));
    }
}

/* The warps through a dense map or a homography compute it strip by
 * strip on helper threads: the same bytes as on one thread. */
static const char *const map_warp_steps[] = {
  "{\"type\": \"Perspective\", \"p\": 1, \"params\": {\"scale\": [0.1, 0.1]}}",
  "{\"type\": \"Perspective\", \"p\": 1, \"params\": {\"fit_output\": true, \"interpolation\": \"cubic\"}}",
  "{\"type\": \"OpticalDistortion\", \"p\": 1, \"params\": {\"distort_limit\": [0.4, 0.4]}}",
  "{\"type\": \"GridDistortion\", \"p\": 1, \"params\": {\"normalized\": false, \"border_mode\": \"reflect\"}}",
  "{\"type\": \"PiecewiseAffine\", \"p\": 1, \"params\": {\"interpolation\": \"nearest\"}}",
  "{\"type\": \"ElasticTransform\", \"p\": 1}",
  "{\"type\": \"ThinPlateSpline\", \"p\": 1}",
};

static void
test_strips_map_warps (gconstpointer data)
{
  const char *step = data;
  g_autofree char *text = g_strdup_printf ("{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 5,"
                                           " \"pipeline\": {\"type\": \"Sequential\", \"steps\": [%s]}}",
                                           step);
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = augur_recipe_parse (text, -1, &error);
  g_autoptr(AugurImage) src = augur_test_random_image (1200, 900, 3, 8);
  g_autoptr(AugurImage) one = NULL;
  g_autoptr(AugurImage) two = NULL;
  guint before;

  g_assert_no_error (error);
  one = apply_with_threads (recipe, src, 1);
  before = augur_strips_helpers_started ();
  two = apply_with_threads (recipe, src, 2);
  g_assert_cmpuint (augur_strips_helpers_started (), >, before);
  g_assert_true (augur_image_equal (one, two));
  /* and the warp did something */
  g_assert_false (one->width == src->width && one->height == src->height &&
                  augur_image_equal (one, src));
}

typedef struct
{
  GCancellable *cancellable;
  int           strips;
} CancelAfterOne;

static void
cancel_after_one (gpointer data,
                  int      first,
                  int      last)
{
  CancelAfterOne *c = data;

  c->strips++;
  g_cancellable_cancel (c->cancellable);
}

/* A cancelled apply starts no further strip, and the apply variant then
 * returns nothing but the cancellation; an apply that is not cancelled
 * gives augur_node_apply ()'s bytes. */
static void
test_strips_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = augur_recipe_parse (every_step, -1, &error);
  g_autoptr(AugurImage) src = augur_test_random_image (900, 600, 3, 6);
  AugurShape shape = { src->width, src->height, src->channels };
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurImage) plain = NULL;
  g_autoptr(AugurImage) kept = NULL;
  AugurImage *dropped;
  CancelAfterOne c = { cancellable, 0 };

  g_assert_no_error (error);
  augur_strips_set_max_threads (1);
  augur_strips_push_cancellable (cancellable);
  g_assert_false (augur_strips_run (10 * AUGUR_STRIP_ROWS, 1, cancel_after_one, &c));
  augur_strips_pop_cancellable ();
  augur_strips_set_max_threads (0);
  g_assert_cmpint (c.strips, ==, 1);

  replay = augur_node_sample (recipe->pipeline, &shape, 2);
  plain = augur_node_apply (recipe->pipeline, src, replay);
  g_cancellable_reset (cancellable);
  kept = augur_node_apply_cancellable (recipe->pipeline, src, replay, cancellable, &error);
  g_assert_no_error (error);
  g_assert_true (augur_image_equal (plain, kept));

  g_cancellable_cancel (cancellable);
  dropped = augur_node_apply_cancellable (recipe->pipeline, src, replay, cancellable, &error);
  g_assert_null (dropped);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  guint n;
  const AugurTransformInfo *const *list;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/warp/registry/every-spatial-transform", test_every_spatial_transform);
  g_test_add_func ("/warp/pixel-level", test_pixel_level);
  g_test_add_func ("/warp/strips/same-bytes", test_strips_same_bytes);
  for (guint i = 0; i < G_N_ELEMENTS (map_warp_steps); i++)
    {
      g_autofree char *path = g_strdup_printf ("/warp/strips/map-warps/%u", i);

      g_test_add_data_func (path, map_warp_steps[i], test_strips_map_warps);
    }
  g_test_add_func ("/warp/strips/cancel", test_strips_cancel);

  list = augur_transforms_list (&n);
  for (guint i = 0; i < n; i++)
    {
      const AugurTransformInfo *info = list[i];
      g_autofree char *point = NULL, *box = NULL, *keypoint = NULL, *mask = NULL;

      if (!augur_test_is_spatial_category (info->category))
        continue;
      point = g_strdup_printf ("/warp/point/%s", info->name);
      box = g_strdup_printf ("/warp/box/%s", info->name);
      keypoint = g_strdup_printf ("/warp/keypoint/%s", info->name);
      mask = g_strdup_printf ("/warp/mask/%s", info->name);
      g_test_add_data_func (point, info, test_point);
      g_test_add_data_func (box, info, test_box);
      g_test_add_data_func (keypoint, info, test_keypoint);
      g_test_add_data_func (mask, info, test_mask);
    }

  return g_test_run ();
}
