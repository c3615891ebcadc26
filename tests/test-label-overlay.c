/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <math.h>

#include "augur-label-overlay.h"

/*
 * The label overlay drawn onto a white surface at a display scale of 2:
 * each kind of label lands where its image coordinates say, in its class's
 * colour; what a flag switches off is not drawn; colours are stable.
 */

#define W 100
#define H 50
#define SCALE 2

static AugurLabels *
make_labels (void)
{
  AugurLabels *labels = augur_labels_new (W, H);
  g_autofree guint16 *values = g_new0 (guint16, W * H);

  for (int y = 35; y < 45; y++)
    for (int x = 50; x < 60; x++)
      values[y * W + x] = 2;
  augur_labels_set_mask (labels, values, 8);
  augur_labels_add_box (labels, 10, 10, 40, 30, 1, "cup");
  augur_labels_add_keypoint (labels, 70.5, 20.5, "left_eye");
  return labels;
}

static cairo_surface_t *
render (const AugurLabels      *labels,
        AugurLabelOverlayFlags  flags)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W * SCALE, H * SCALE);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  augur_label_overlay_draw (cr, labels, SCALE, flags);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* The pixel at (x, y) in 0..255 per channel. */
static void
pixel (cairo_surface_t *surface,
       int              x,
       int              y,
       int              rgb[3])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 p = *(const guint32 *) (data + (gsize) y * cairo_image_surface_get_stride (surface) + 4 * x);

  rgb[0] = (p >> 16) & 0xff, rgb[1] = (p >> 8) & 0xff, rgb[2] = p & 0xff;
}

static void
assert_colour (cairo_surface_t *surface,
               int              x,
               int              y,
               double           r,
               double           g,
               double           b,
               int              tolerance)
{
  int rgb[3];

  pixel (surface, x, y, rgb);
  g_assert_cmpint (abs (rgb[0] - (int) lround (r * 255)), <=, tolerance);
  g_assert_cmpint (abs (rgb[1] - (int) lround (g * 255)), <=, tolerance);
  g_assert_cmpint (abs (rgb[2] - (int) lround (b * 255)), <=, tolerance);
}

static void
test_colours (void)
{
  GdkRGBA a, b, c, d;

  augur_label_overlay_colour ("cup", 0, &a);
  augur_label_overlay_colour ("cup", 7, &b);
  augur_label_overlay_colour ("saucer", 0, &c);
  augur_label_overlay_colour (NULL, 3, &d);
  g_assert_true (gdk_rgba_equal (&a, &b));
  g_assert_false (gdk_rgba_equal (&a, &c));
  augur_label_overlay_colour (NULL, 3, &b);
  g_assert_true (gdk_rgba_equal (&d, &b));
}

/* Each label where it belongs, at the display scale. */
static void
test_places (void)
{
  g_autoptr(AugurLabels) labels = make_labels ();
  cairo_surface_t *surface = render (labels, AUGUR_LABEL_OVERLAY_BOXES | AUGUR_LABEL_OVERLAY_KEYPOINTS |
                                             AUGUR_LABEL_OVERLAY_MASKS);
  GdkRGBA cup, eye, mask;
  double a = AUGUR_LABEL_OVERLAY_MASK_ALPHA;

  augur_label_overlay_colour ("cup", 1, &cup);
  augur_label_overlay_colour ("left_eye", 0, &eye);
  augur_label_overlay_colour (NULL, 2, &mask);

  /* the box's left edge at 10 * 2, its bottom at 30 * 2; inside and
   * outside untouched */
  assert_colour (surface, 21, 40, cup.red, cup.green, cup.blue, 1);
  assert_colour (surface, 50, 58, cup.red, cup.green, cup.blue, 1);
  assert_colour (surface, 50, 40, 1, 1, 1, 0);
  assert_colour (surface, 16, 40, 1, 1, 1, 0);
  /* the keypoint at (70.5, 20.5) * 2 */
  assert_colour (surface, 141, 41, eye.red, eye.green, eye.blue, 1);
  /* the mask, translucent over white, over (50, 35)-(60, 45) * 2 */
  assert_colour (surface, 110, 80, 1 - a + a * mask.red, 1 - a + a * mask.green, 1 - a + a * mask.blue, 2);
  assert_colour (surface, 98, 80, 1, 1, 1, 0);
  assert_colour (surface, 110, 91, 1, 1, 1, 0);
  assert_colour (surface, 118, 88, 1 - a + a * mask.red, 1 - a + a * mask.green, 1 - a + a * mask.blue, 2);
  cairo_surface_destroy (surface);
}

/* What a flag switches off is not drawn; names add tags. */
static void
test_toggles (void)
{
  g_autoptr(AugurLabels) labels = make_labels ();
  cairo_surface_t *none = render (labels, 0);
  cairo_surface_t *boxes = render (labels, AUGUR_LABEL_OVERLAY_BOXES);
  cairo_surface_t *named = render (labels, AUGUR_LABEL_OVERLAY_BOXES | AUGUR_LABEL_OVERLAY_NAMES);
  GdkRGBA cup;
  guint tag = 0;

  augur_label_overlay_colour ("cup", 1, &cup);
  for (int y = 0; y < H * SCALE; y++)
    for (int x = 0; x < W * SCALE; x++)
      assert_colour (none, x, y, 1, 1, 1, 0);
  assert_colour (boxes, 141, 41, 1, 1, 1, 0);
  assert_colour (boxes, 110, 80, 1, 1, 1, 0);
  assert_colour (boxes, 21, 40, cup.red, cup.green, cup.blue, 1);
  /* the name's tag fills a band below the box's top left corner */
  for (int x = 24; x < 40; x++)
    {
      int with[3], without[3];

      pixel (named, x, 24, with);
      pixel (boxes, x, 24, without);
      tag += with[0] != without[0] || with[1] != without[1] || with[2] != without[2];
    }
  g_assert_cmpuint (tag, >, 8);
  cairo_surface_destroy (none);
  cairo_surface_destroy (boxes);
  cairo_surface_destroy (named);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/label-overlay/colours", test_colours);
  g_test_add_func ("/label-overlay/places", test_places);
  g_test_add_func ("/label-overlay/toggles", test_toggles);

  return g_test_run ();
}
