/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-ui"

#include "config.h"

#include "augur-picture.h"

/*
 * AugurPicture shows a texture over a checkerboard (so that transparent
 * areas read as such), either fitted into its allocation keeping the aspect
 * ratio (zoom 0) or at a fixed zoom, in which case its size is the
 * texture's times the zoom, for a scrolled window to pan.
 */

#define CHECKER 8

struct _AugurPicture
{
  GtkWidget   parent_instance;

  GdkTexture *texture;
  double      zoom;
  char       *caption;
  PangoLayout *layout;
  char       *badge;
  PangoLayout *badge_layout;
  GdkTexture *before;       /* split: shown left of the divider */
  double      split;        /* the divider, 0 (left edge) to 1 */
  gboolean    align_top;
  double      shown_scale;  /* the scale last notified */
};

G_DEFINE_FINAL_TYPE (AugurPicture, augur_picture, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXTURE,
  PROP_ZOOM,
  PROP_SCALE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
augur_picture_new (void)
{
  return g_object_new (AUGUR_TYPE_PICTURE, NULL);
}

void
augur_picture_set_texture (AugurPicture *self,
                           GdkTexture   *texture)
{
  gboolean resized;

  g_return_if_fail (AUGUR_IS_PICTURE (self));

  if (self->texture == texture)
    return;
  resized = self->texture == NULL || texture == NULL ||
            gdk_texture_get_width (self->texture) != gdk_texture_get_width (texture) ||
            gdk_texture_get_height (self->texture) != gdk_texture_get_height (texture);
  g_set_object (&self->texture, texture);
  /* Fitted, the height for a width follows the aspect ratio. */
  if (resized)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
}

GdkTexture *
augur_picture_get_texture (AugurPicture *self)
{
  g_return_val_if_fail (AUGUR_IS_PICTURE (self), NULL);
  return self->texture;
}

/* 0 fits the texture into the widget; otherwise screen pixels per texel. */
void
augur_picture_set_zoom (AugurPicture *self,
                        double        zoom)
{
  g_return_if_fail (AUGUR_IS_PICTURE (self));

  zoom = MAX (zoom, 0);
  if (self->zoom == zoom)
    return;
  self->zoom = zoom;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
augur_picture_get_zoom (AugurPicture *self)
{
  g_return_val_if_fail (AUGUR_IS_PICTURE (self), 0);
  return self->zoom;
}

/* The scale the texture is drawn at right now. */
double
augur_picture_get_scale (AugurPicture *self)
{
  int w, h, tw, th;

  g_return_val_if_fail (AUGUR_IS_PICTURE (self), 1);

  if (self->zoom > 0 || self->texture == NULL)
    return self->zoom > 0 ? self->zoom : 1;
  w = gtk_widget_get_width (GTK_WIDGET (self));
  h = gtk_widget_get_height (GTK_WIDGET (self));
  tw = gdk_texture_get_width (self->texture);
  th = gdk_texture_get_height (self->texture);
  return MIN ((double) w / tw, (double) h / th);
}

/* A small label drawn over the image's top-left corner, in an OSD pill. */
void
augur_picture_set_caption (AugurPicture *self,
                           const char   *caption)
{
  g_return_if_fail (AUGUR_IS_PICTURE (self));

  if (g_strcmp0 (self->caption, caption) == 0)
    return;
  g_free (self->caption);
  self->caption = g_strdup (caption);
  g_clear_object (&self->layout);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A word drawn over the image's top-right corner, in an OSD pill: what
 * kind of image this is ("Preview" for a quick reduced pass). */
void
augur_picture_set_badge (AugurPicture *self,
                         const char   *badge)
{
  g_return_if_fail (AUGUR_IS_PICTURE (self));

  if (g_strcmp0 (self->badge, badge) == 0)
    return;
  g_free (self->badge);
  self->badge = g_strdup (badge);
  g_clear_object (&self->badge_layout);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
augur_picture_get_badge (AugurPicture *self)
{
  g_return_val_if_fail (AUGUR_IS_PICTURE (self), NULL);
  return self->badge;
}

/**
 * augur_picture_set_before:
 * @before: (nullable): drawn over the same area as the texture, left of
 *   the divider (see augur_picture_set_split()); NULL shows the texture
 *   alone
 *
 * A before/after comparison: @before (an original) on the left of a
 * vertical divider, the texture (the draw) on its right. @before should
 * have the texture's size: it is stretched onto it.
 */
void
augur_picture_set_before (AugurPicture *self,
                          GdkTexture   *before)
{
  g_return_if_fail (AUGUR_IS_PICTURE (self));

  if (g_set_object (&self->before, before))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

GdkTexture *
augur_picture_get_before (AugurPicture *self)
{
  g_return_val_if_fail (AUGUR_IS_PICTURE (self), NULL);
  return self->before;
}

/* Where the divider is, from 0 (all draw) to 1 (all original). */
void
augur_picture_set_split (AugurPicture *self,
                         double        split)
{
  g_return_if_fail (AUGUR_IS_PICTURE (self));

  split = CLAMP (split, 0, 1);
  if (self->split == split)
    return;
  self->split = split;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
augur_picture_get_split (AugurPicture *self)
{
  g_return_val_if_fail (AUGUR_IS_PICTURE (self), 0);
  return self->split;
}

/* The rectangle the texture is drawn in, in the widget's coordinates. */
static void
image_area (AugurPicture    *self,
            graphene_rect_t *area)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  double scale = augur_picture_get_scale (self);
  double dw = gdk_texture_get_width (self->texture) * scale;
  double dh = gdk_texture_get_height (self->texture) * scale;

  /* Whole pixels, so that 1:1 is sharp. */
  if (self->zoom > 0)
    graphene_rect_init (area, 0, 0, (int) (dw + 0.5), (int) (dh + 0.5));
  else
    graphene_rect_init (area, (int) ((w - dw) / 2), self->align_top ? 0 : (int) ((h - dh) / 2),
                        (int) (dw + 0.5), (int) (dh + 0.5));
}

/* The split position that puts the divider at @x (widget coordinates). */
double
augur_picture_split_at (AugurPicture *self,
                        double        x)
{
  graphene_rect_t area;

  g_return_val_if_fail (AUGUR_IS_PICTURE (self), 0);
  if (self->texture == NULL)
    return self->split;
  image_area (self, &area);
  return area.size.width > 0 ? CLAMP ((x - area.origin.x) / area.size.width, 0, 1) : self->split;
}

/* The divider's x in widget coordinates. */
double
augur_picture_get_divider_x (AugurPicture *self)
{
  graphene_rect_t area;

  g_return_val_if_fail (AUGUR_IS_PICTURE (self), 0);
  if (self->texture == NULL)
    return 0;
  image_area (self, &area);
  return area.origin.x + self->split * area.size.width;
}

/* Fitted, the image sits at the top of the widget rather than its centre. */
void
augur_picture_set_align_top (AugurPicture *self,
                             gboolean      align_top)
{
  g_return_if_fail (AUGUR_IS_PICTURE (self));
  self->align_top = !!align_top;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
augur_picture_get_caption (AugurPicture *self)
{
  g_return_val_if_fail (AUGUR_IS_PICTURE (self), NULL);
  return self->caption;
}

static GtkSizeRequestMode
augur_picture_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
augur_picture_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  AugurPicture *self = AUGUR_PICTURE (widget);
  int size = 0;

  if (self->texture != NULL)
    size = orientation == GTK_ORIENTATION_HORIZONTAL ? gdk_texture_get_width (self->texture)
                                                      : gdk_texture_get_height (self->texture);
  if (self->zoom > 0)
    {
      *minimum = *natural = (int) (size * self->zoom + 0.5);
      return;
    }
  *minimum = 16;
  *natural = MAX (16, MIN (size, 96));
  /* Fitted, a given width asks for the height that keeps the aspect ratio. */
  if (orientation == GTK_ORIENTATION_VERTICAL && for_size > 0 && self->texture != NULL)
    *natural = MAX (16, (int) ((double) for_size * gdk_texture_get_height (self->texture) /
                               gdk_texture_get_width (self->texture) + 0.5));
}

static PangoLayout *
pill_layout (AugurPicture *self,
             const char   *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

/* @layout in an OSD pill inside @area, 6 px from its top-left corner, or
 * from its top-right one when @right; nothing when it does not fit. */
static void
snapshot_pill (GtkSnapshot           *snapshot,
               PangoLayout           *layout,
               const graphene_rect_t *area,
               gboolean               right)
{
  GskRoundedRect pill;
  int tw, th;
  double x, y = area->origin.y + 6;

  pango_layout_get_pixel_size (layout, &tw, &th);
  if (tw + 16 > area->size.width || th + 4 > area->size.height)
    return;
  x = right ? area->origin.x + area->size.width - 6 - (tw + 14) : area->origin.x + 6;

  gsk_rounded_rect_init_from_rect (&pill, &GRAPHENE_RECT_INIT (x, y, tw + 14, th + 4), (th + 4) / 2.0);
  gtk_snapshot_push_rounded_clip (snapshot, &pill);
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 0.6 }, &pill.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 7, y + 2));
  gtk_snapshot_append_layout (snapshot, layout, &(GdkRGBA) { 1, 1, 1, 1 });
  gtk_snapshot_restore (snapshot);
}

static void
augur_picture_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  AugurPicture *self = AUGUR_PICTURE (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  graphene_rect_t area, tile;

  if (self->texture == NULL || w <= 0 || h <= 0)
    return;

  image_area (self, &area);

  graphene_rect_init (&tile, area.origin.x, area.origin.y, 2 * CHECKER, 2 * CHECKER);
  gtk_snapshot_push_repeat (snapshot, &area, &tile);
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.80, 0.80, 0.80, 1 },
                             &GRAPHENE_RECT_INIT (area.origin.x, area.origin.y, 2 * CHECKER, 2 * CHECKER));
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.60, 0.60, 0.60, 1 },
                             &GRAPHENE_RECT_INIT (area.origin.x, area.origin.y, CHECKER, CHECKER));
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.60, 0.60, 0.60, 1 },
                             &GRAPHENE_RECT_INIT (area.origin.x + CHECKER, area.origin.y + CHECKER,
                                                  CHECKER, CHECKER));
  gtk_snapshot_pop (snapshot);

  gtk_snapshot_append_texture (snapshot, self->texture, &area);
  if (self->before != NULL)
    {
      double x = area.origin.x + (int) (self->split * area.size.width + 0.5);

      gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (area.origin.x, area.origin.y,
                                                             x - area.origin.x, area.size.height));
      gtk_snapshot_append_texture (snapshot, self->before, &area);
      gtk_snapshot_pop (snapshot);
      /* the divider: light on dark, to show on any picture */
      gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 0.5 },
                                 &GRAPHENE_RECT_INIT (x - 2, area.origin.y, 4, area.size.height));
      gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 1, 1, 1, 0.9 },
                                 &GRAPHENE_RECT_INIT (x - 1, area.origin.y, 2, area.size.height));
    }
  if (self->caption != NULL && *self->caption)
    {
      if (self->layout == NULL)
        self->layout = pill_layout (self, self->caption);
      snapshot_pill (snapshot, self->layout, &area, FALSE);
    }
  if (self->badge != NULL && *self->badge)
    {
      if (self->badge_layout == NULL)
        self->badge_layout = pill_layout (self, self->badge);
      snapshot_pill (snapshot, self->badge_layout, &area, TRUE);
    }
}

static void
augur_picture_dispose (GObject *object)
{
  AugurPicture *self = AUGUR_PICTURE (object);

  g_clear_object (&self->texture);
  g_clear_object (&self->layout);
  g_clear_pointer (&self->caption, g_free);
  g_clear_object (&self->badge_layout);
  g_clear_pointer (&self->badge, g_free);
  g_clear_object (&self->before);

  G_OBJECT_CLASS (augur_picture_parent_class)->dispose (object);
}

static void
augur_picture_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AugurPicture *self = AUGUR_PICTURE (object);

  switch (prop_id)
    {
    case PROP_TEXTURE:
      g_value_set_object (value, self->texture);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_SCALE:
      g_value_set_double (value, augur_picture_get_scale (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
augur_picture_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AugurPicture *self = AUGUR_PICTURE (object);

  switch (prop_id)
    {
    case PROP_TEXTURE:
      augur_picture_set_texture (self, g_value_get_object (value));
      break;
    case PROP_ZOOM:
      augur_picture_set_zoom (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* In zoom-to-fit the scale follows the allocation: tell the zoom label. */
static void
augur_picture_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  AugurPicture *self = AUGUR_PICTURE (widget);
  double scale = augur_picture_get_scale (self);

  if (scale != self->shown_scale)
    {
      self->shown_scale = scale;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
    }
}

static void
augur_picture_class_init (AugurPictureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = augur_picture_dispose;
  object_class->get_property = augur_picture_get_property;
  object_class->set_property = augur_picture_set_property;
  widget_class->get_request_mode = augur_picture_get_request_mode;
  widget_class->measure = augur_picture_measure;
  widget_class->snapshot = augur_picture_snapshot;
  widget_class->size_allocate = augur_picture_size_allocate;

  properties[PROP_TEXTURE] =
    g_param_spec_object ("texture", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0, 64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALE] =
    g_param_spec_double ("scale", NULL, NULL, 0, G_MAXDOUBLE, 1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "augur-picture");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
augur_picture_init (AugurPicture *self)
{
  self->split = 0.5;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}
