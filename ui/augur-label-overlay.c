/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-ui"

#include "config.h"

#include <math.h>

#include "augur-label-overlay.h"
#include "augur-picture.h"

#define LINE_WIDTH      2.0
#define KEYPOINT_RADIUS 4.0
#define ANGLE_TICK      12.0
#define TEXT_PAD        2.0

/**
 * augur_label_overlay_colour:
 * @name: (nullable): the class or keypoint name; when NULL, @class_id
 *   names the class
 *
 * The colour of a class: a hue from a hash of its name (FNV-1a), spread
 * by the golden ratio, at a saturation and value that read on photographs.
 * The same name always gives the same colour.
 */
void
augur_label_overlay_colour (const char *name,
                            int         class_id,
                            GdkRGBA    *colour)
{
  g_autofree char *key = name ? NULL : g_strdup_printf ("class %d", class_id);
  const char *s = name ? name : key;
  guint32 hash = 2166136261u;
  float r, g, b;
  double hue;

  for (; *s; s++)
    hash = (hash ^ (guint8) *s) * 16777619u;
  hue = fmod (hash * 0.6180339887498949, 1.0);
  gtk_hsv_to_rgb ((float) hue, 0.8f, 0.95f, &r, &g, &b);
  *colour = (GdkRGBA) { r, g, b, 1 };
}

/* A label map, or one binary mask, as a translucent surface of the
 * labels' size: each class in its colour, the background (0) clear. */
static cairo_surface_t *
mask_surface (const AugurLabels *labels,
              const AugurImage  *binary,
              int                binary_class)
{
  int w = labels->width, h = labels->height;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint last = G_MAXUINT;
  guint32 pixel = 0;

  for (int y = 0; y < h; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * stride);

      for (int x = 0; x < w; x++)
        {
          guint v = binary ? (augur_image_row (binary, y)[x] != 0) : augur_labels_mask_value (labels, x, y);

          if (v == 0)
            {
              row[x] = 0;
              continue;
            }
          if (v != last)
            {
              GdkRGBA c;
              double a = AUGUR_LABEL_OVERLAY_MASK_ALPHA;

              augur_label_overlay_colour (NULL, binary ? binary_class : (int) v, &c);
              /* premultiplied ARGB in native byte order */
              pixel = (guint32) (a * 255 + 0.5) << 24 | (guint32) (c.red * a * 255 + 0.5) << 16 |
                      (guint32) (c.green * a * 255 + 0.5) << 8 | (guint32) (c.blue * a * 255 + 0.5);
              last = v;
            }
          row[x] = pixel;
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static void
paint_mask (cairo_t         *cr,
            cairo_surface_t *surface,
            double           scale)
{
  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  /* labels are not interpolated: each pixel keeps its class */
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surface);
}

/* @text at (x, y) on a tag of @colour (its top left corner there). */
static void
draw_tag (cairo_t       *cr,
          const char    *text,
          double         x,
          double         y,
          const GdkRGBA *colour)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans 9");
  double luma = 0.299 * colour->red + 0.587 * colour->green + 0.114 * colour->blue;
  int tw, th;

  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);

  gdk_cairo_set_source_rgba (cr, colour);
  cairo_rectangle (cr, x, y, tw + 2 * TEXT_PAD, th);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, luma > 0.6 ? 0 : 1, luma > 0.6 ? 0 : 1, luma > 0.6 ? 0 : 1);
  cairo_move_to (cr, x + TEXT_PAD, y);
  pango_cairo_show_layout (cr, layout);
  /* no current point left behind for the next shape to join */
  cairo_new_path (cr);

  pango_font_description_free (font);
  g_object_unref (layout);
}

static void
draw_boxes (cairo_t                *cr,
            const AugurLabels      *labels,
            double                  scale,
            AugurLabelOverlayFlags  flags)
{
  for (guint i = 0; i < labels->boxes->len; i++)
    {
      const AugurBox *b = &g_array_index (labels->boxes, AugurBox, i);
      GdkRGBA colour;

      augur_label_overlay_colour (b->label, b->class_id, &colour);
      gdk_cairo_set_source_rgba (cr, &colour);
      cairo_set_line_width (cr, LINE_WIDTH);
      /* the line inside the box's edges, so that it shows at the image's edge */
      cairo_rectangle (cr, b->x_min * scale + LINE_WIDTH / 2, b->y_min * scale + LINE_WIDTH / 2,
                       MAX ((b->x_max - b->x_min) * scale - LINE_WIDTH, 0),
                       MAX ((b->y_max - b->y_min) * scale - LINE_WIDTH, 0));
      cairo_stroke (cr);
      if (flags & AUGUR_LABEL_OVERLAY_NAMES)
        {
          g_autofree char *text = b->label ? g_strdup (b->label) : g_strdup_printf ("class %d", b->class_id);

          draw_tag (cr, text, b->x_min * scale, b->y_min * scale, &colour);
        }
    }
}

static void
draw_keypoints (cairo_t                *cr,
                const AugurLabels      *labels,
                double                  scale,
                AugurLabelOverlayFlags  flags)
{
  for (guint i = 0; i < labels->keypoints->len; i++)
    {
      const AugurKeypoint *k = &g_array_index (labels->keypoints, AugurKeypoint, i);
      double x = k->x * scale, y = k->y * scale;
      GdkRGBA colour;

      augur_label_overlay_colour (k->label, (int) k->id, &colour);
      if (k->angle != 0)
        {
          gdk_cairo_set_source_rgba (cr, &colour);
          cairo_set_line_width (cr, LINE_WIDTH);
          cairo_move_to (cr, x, y);
          cairo_line_to (cr, x + ANGLE_TICK * cos (k->angle), y + ANGLE_TICK * sin (k->angle));
          cairo_stroke (cr);
        }
      cairo_new_path (cr);
      cairo_arc (cr, x, y, KEYPOINT_RADIUS, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &colour);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
      if ((flags & AUGUR_LABEL_OVERLAY_NAMES) && k->label)
        draw_tag (cr, k->label, x + KEYPOINT_RADIUS + 2, y - KEYPOINT_RADIUS, &colour);
    }
}

/**
 * augur_label_overlay_draw:
 * @cr: a context whose user space is the displayed image's, in screen
 *   pixels (the image drawn at @scale from its origin)
 * @scale: displayed pixels per image pixel
 *
 * Draws what @flags switch on: masks first, then boxes, then keypoints,
 * names on top of each.
 */
void
augur_label_overlay_draw (cairo_t                *cr,
                          const AugurLabels      *labels,
                          double                  scale,
                          AugurLabelOverlayFlags  flags)
{
  g_return_if_fail (cr != NULL && labels != NULL && scale > 0);

  cairo_save (cr);
  if (flags & AUGUR_LABEL_OVERLAY_MASKS)
    {
      if (labels->mask_depth != 0)
        paint_mask (cr, mask_surface (labels, NULL, 0), scale);
      for (guint i = 0; i < labels->binary->len; i++)
        paint_mask (cr, mask_surface (labels, labels->binary->pdata[i],
                                      g_array_index (labels->binary_class, int, i)), scale);
    }
  if (flags & AUGUR_LABEL_OVERLAY_BOXES)
    draw_boxes (cr, labels, scale, flags);
  if (flags & AUGUR_LABEL_OVERLAY_KEYPOINTS)
    draw_keypoints (cr, labels, scale, flags);
  cairo_restore (cr);
}

/**
 * augur_label_overlay_snapshot:
 *
 * As augur_label_overlay_draw (), into a snapshot whose origin is the
 * displayed image's top left corner.
 */
void
augur_label_overlay_snapshot (GtkSnapshot            *snapshot,
                              const AugurLabels      *labels,
                              double                  scale,
                              AugurLabelOverlayFlags  flags)
{
  graphene_rect_t bounds;
  cairo_t *cr;

  g_return_if_fail (snapshot != NULL && labels != NULL && scale > 0);

  graphene_rect_init (&bounds, 0, 0, ceil (labels->width * scale), ceil (labels->height * scale));
  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  augur_label_overlay_draw (cr, labels, scale, flags);
  cairo_destroy (cr);
}

/* AugurLabelLayer ------------------------------------------------------------------------ */

/*
 * A picture with labels drawn over it: the layer holds the picture as its
 * only child and draws the labels on the image's area, which is found as
 * the picture finds it (scaled to fit, centred across, from the top when
 * @align_top, centred down otherwise). Labels are in the coordinates of
 * the image they belong to, which may be larger than the texture shown
 * (a draw brought down for display).
 */
struct _AugurLabelLayer
{
  GtkWidget               parent_instance;

  GtkWidget              *picture;
  AugurLabels            *labels;
  AugurLabelOverlayFlags  flags;
  gboolean                align_top;
};

G_DEFINE_FINAL_TYPE (AugurLabelLayer, augur_label_layer, GTK_TYPE_WIDGET)

static void
augur_label_layer_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  AugurLabelLayer *self = AUGUR_LABEL_LAYER (widget);
  GdkTexture *texture = augur_picture_get_texture (AUGUR_PICTURE (self->picture));
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double fit, dw, dh, scale;

  gtk_widget_snapshot_child (widget, self->picture, snapshot);
  if (self->labels == NULL || texture == NULL || self->flags == 0 || self->labels->width <= 0)
    return;

  fit = augur_picture_get_scale (AUGUR_PICTURE (self->picture));
  dw = gdk_texture_get_width (texture) * fit;
  dh = gdk_texture_get_height (texture) * fit;
  scale = dw / self->labels->width;
  gtk_snapshot_save (snapshot);
  /* zoomed, the picture draws the image from its corner, as it does */
  if (augur_picture_get_zoom (AUGUR_PICTURE (self->picture)) <= 0)
    gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((int) ((w - dw) / 2),
                                                            self->align_top ? 0 : (int) ((h - dh) / 2)));
  augur_label_overlay_snapshot (snapshot, self->labels, scale, self->flags);
  gtk_snapshot_restore (snapshot);
}

static void
augur_label_layer_dispose (GObject *object)
{
  AugurLabelLayer *self = AUGUR_LABEL_LAYER (object);

  g_clear_pointer (&self->picture, gtk_widget_unparent);
  g_clear_pointer (&self->labels, augur_labels_free);
  G_OBJECT_CLASS (augur_label_layer_parent_class)->dispose (object);
}

static void
augur_label_layer_class_init (AugurLabelLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = augur_label_layer_dispose;
  widget_class->snapshot = augur_label_layer_snapshot;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
augur_label_layer_init (AugurLabelLayer *self)
{
  self->flags = AUGUR_LABEL_OVERLAY_ALL;
}

/* @picture: an AugurPicture, which the layer takes as its child */
GtkWidget *
augur_label_layer_new (GtkWidget *picture)
{
  AugurLabelLayer *self;

  g_return_val_if_fail (AUGUR_IS_PICTURE (picture), NULL);

  self = g_object_new (AUGUR_TYPE_LABEL_LAYER, NULL);
  self->picture = picture;
  gtk_widget_set_parent (picture, GTK_WIDGET (self));
  return GTK_WIDGET (self);
}

AugurPicture *
augur_label_layer_get_picture (AugurLabelLayer *self)
{
  g_return_val_if_fail (AUGUR_IS_LABEL_LAYER (self), NULL);
  return AUGUR_PICTURE (self->picture);
}

/* @labels: (transfer full) (nullable): NULL draws none */
void
augur_label_layer_set_labels (AugurLabelLayer *self,
                              AugurLabels     *labels)
{
  g_return_if_fail (AUGUR_IS_LABEL_LAYER (self));

  g_clear_pointer (&self->labels, augur_labels_free);
  self->labels = labels;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const AugurLabels *
augur_label_layer_get_labels (AugurLabelLayer *self)
{
  g_return_val_if_fail (AUGUR_IS_LABEL_LAYER (self), NULL);
  return self->labels;
}

void
augur_label_layer_set_flags (AugurLabelLayer        *self,
                             AugurLabelOverlayFlags  flags)
{
  g_return_if_fail (AUGUR_IS_LABEL_LAYER (self));

  if (self->flags == flags)
    return;
  self->flags = flags;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

AugurLabelOverlayFlags
augur_label_layer_get_flags (AugurLabelLayer *self)
{
  g_return_val_if_fail (AUGUR_IS_LABEL_LAYER (self), 0);
  return self->flags;
}

/* As augur_picture_set_align_top() on the picture, which it calls. */
void
augur_label_layer_set_align_top (AugurLabelLayer *self,
                                 gboolean         align_top)
{
  g_return_if_fail (AUGUR_IS_LABEL_LAYER (self));

  self->align_top = align_top;
  augur_picture_set_align_top (AUGUR_PICTURE (self->picture), align_top);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
