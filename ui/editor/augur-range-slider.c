/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-editor"

#include "config.h"

#include <math.h>

#include "augur-range-slider.h"

/**
 * AugurRangeSlider:
 *
 * A slider with two handles, for a `[lower, upper]` range within
 * `[min, max]`. GTK has no such widget. The handles never cross; the focused
 * one moves with the arrow keys (Page Up/Down: ten steps, Home/End: to the
 * limit), and Tab moves the focus from the lower handle to the upper one.
 */

#define HANDLE_RADIUS   9.0
#define TROUGH_HEIGHT   4.0
#define MIN_WIDTH       80
#define NAT_WIDTH       220
#define HEIGHT          (int) (2 * HANDLE_RADIUS + 8)

struct _AugurRangeSlider
{
  GtkWidget parent_instance;

  double min;
  double max;
  double step;
  double lower;
  double upper;

  AugurRangeSliderHandle active;
  gboolean dragging;
  double drag_start_x;
};

G_DEFINE_FINAL_TYPE (AugurRangeSlider, augur_range_slider, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MIN,
  PROP_MAX,
  PROP_STEP,
  PROP_LOWER,
  PROP_UPPER,
  N_PROPS
};

enum {
  VALUE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static double
snap (AugurRangeSlider *self,
      double            v)
{
  if (self->step > 0)
    v = self->min + round ((v - self->min) / self->step) * self->step;
  return CLAMP (v, self->min, self->max);
}

static void
update_accessible (AugurRangeSlider *self)
{
  g_autofree char *text = g_strdup_printf ("%g to %g", self->lower, self->upper);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, self->min,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, self->max,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW,
                                  self->active == AUGUR_RANGE_SLIDER_LOWER ? self->lower : self->upper,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text,
                                  -1);
}

/* Sets both values, keeping min <= lower <= upper <= max; notifies what
 * changed and returns whether anything did. */
static gboolean
set_values_internal (AugurRangeSlider *self,
                     double            lower,
                     double            upper)
{
  gboolean changed = FALSE;

  lower = CLAMP (lower, self->min, self->max);
  upper = CLAMP (upper, self->min, self->max);
  if (lower > upper)
    upper = lower;

  g_object_freeze_notify (G_OBJECT (self));
  if (lower != self->lower)
    {
      self->lower = lower;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOWER]);
      changed = TRUE;
    }
  if (upper != self->upper)
    {
      self->upper = upper;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPPER]);
      changed = TRUE;
    }
  g_object_thaw_notify (G_OBJECT (self));

  if (changed)
    {
      update_accessible (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  return changed;
}

/* A user moves the active handle to @v. */
static void
move_active (AugurRangeSlider *self,
             double            v)
{
  gboolean changed;

  v = snap (self, v);
  if (self->active == AUGUR_RANGE_SLIDER_LOWER)
    changed = set_values_internal (self, MIN (v, self->upper), self->upper);
  else
    changed = set_values_internal (self, self->lower, MAX (v, self->lower));

  if (changed)
    g_signal_emit (self, signals[VALUE_CHANGED], 0);
}

static double
track_start (void)
{
  return HANDLE_RADIUS + 1;
}

static double
track_length (AugurRangeSlider *self)
{
  return MAX (1.0, gtk_widget_get_width (GTK_WIDGET (self)) - 2 * track_start ());
}

static double
value_to_x (AugurRangeSlider *self,
            double            v)
{
  double span = self->max - self->min;
  double f = span > 0 ? (v - self->min) / span : 0;

  return track_start () + CLAMP (f, 0, 1) * track_length (self);
}

static double
x_to_value (AugurRangeSlider *self,
            double            x)
{
  double f = (x - track_start ()) / track_length (self);

  return self->min + CLAMP (f, 0, 1) * (self->max - self->min);
}

/* Drawing -------------------------------------------------------------------- */

static void
get_colors (AugurRangeSlider *self,
            GdkRGBA          *fg,
            GdkRGBA          *accent)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (context, fg);
  if (!gtk_style_context_lookup_color (context, "accent_bg_color", accent))
    *accent = (GdkRGBA) { 0.21, 0.52, 0.89, 1.0 };
  if (!gtk_widget_is_sensitive (GTK_WIDGET (self)))
    accent->alpha *= 0.4;
}

static void
append_rounded (GtkSnapshot     *snapshot,
                const graphene_rect_t *rect,
                double           radius,
                const GdkRGBA   *color)
{
  GskRoundedRect rounded;

  gsk_rounded_rect_init_from_rect (&rounded, rect, radius);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, color, rect);
  gtk_snapshot_pop (snapshot);
}

static void
draw_handle (AugurRangeSlider *self,
             GtkSnapshot      *snapshot,
             double            cx,
             double            cy,
             gboolean          focused,
             const GdkRGBA    *fg,
             const GdkRGBA    *accent)
{
  graphene_rect_t rect = GRAPHENE_RECT_INIT (cx - HANDLE_RADIUS, cy - HANDLE_RADIUS,
                                             2 * HANDLE_RADIUS, 2 * HANDLE_RADIUS);
  GskRoundedRect rounded;
  GdkRGBA shadow = { 0, 0, 0, 0.3 };
  GdkRGBA white = { 1, 1, 1, 1 };
  GdkRGBA edge = *fg;

  gsk_rounded_rect_init_from_rect (&rounded, &rect, HANDLE_RADIUS);

  if (focused && gtk_widget_has_visible_focus (GTK_WIDGET (self)))
    {
      graphene_rect_t ring = GRAPHENE_RECT_INIT (cx - HANDLE_RADIUS - 3, cy - HANDLE_RADIUS - 3,
                                                 2 * HANDLE_RADIUS + 6, 2 * HANDLE_RADIUS + 6);
      GdkRGBA ring_color = *accent;

      ring_color.alpha = 0.5;
      append_rounded (snapshot, &ring, HANDLE_RADIUS + 3, &ring_color);
    }

  gtk_snapshot_append_outset_shadow (snapshot, &rounded, &shadow, 0, 1, 0, 2);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, &white, &rect);
  gtk_snapshot_pop (snapshot);

  edge.alpha = focused && self->dragging ? 0.35 : 0.15;
  gtk_snapshot_append_border (snapshot, &rounded,
                              (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { edge, edge, edge, edge });
}

static void
augur_range_slider_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  AugurRangeSlider *self = AUGUR_RANGE_SLIDER (widget);
  double height = gtk_widget_get_height (widget);
  double cy = height / 2;
  double x0 = track_start ();
  double x1 = x0 + track_length (self);
  double xl = value_to_x (self, self->lower);
  double xu = value_to_x (self, self->upper);
  GdkRGBA fg, accent, trough;
  gboolean focus = gtk_widget_has_focus (widget);

  get_colors (self, &fg, &accent);
  trough = fg;
  trough.alpha = 0.15;

  append_rounded (snapshot,
                  &GRAPHENE_RECT_INIT (x0, cy - TROUGH_HEIGHT / 2, x1 - x0, TROUGH_HEIGHT),
                  TROUGH_HEIGHT / 2, &trough);
  append_rounded (snapshot,
                  &GRAPHENE_RECT_INIT (xl, cy - TROUGH_HEIGHT / 2, MAX (xu - xl, 1), TROUGH_HEIGHT),
                  TROUGH_HEIGHT / 2, &accent);

  /* The active handle on top, so that it stays grabbable when both meet. */
  if (self->active == AUGUR_RANGE_SLIDER_LOWER)
    {
      draw_handle (self, snapshot, xu, cy, FALSE, &fg, &accent);
      draw_handle (self, snapshot, xl, cy, focus, &fg, &accent);
    }
  else
    {
      draw_handle (self, snapshot, xl, cy, FALSE, &fg, &accent);
      draw_handle (self, snapshot, xu, cy, focus, &fg, &accent);
    }
}

static void
augur_range_slider_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = NAT_WIDTH;
    }
  else
    *minimum = *natural = HEIGHT;
}

/* Input ---------------------------------------------------------------------- */

static AugurRangeSliderHandle
pick_handle (AugurRangeSlider *self,
             double            x)
{
  double xl = value_to_x (self, self->lower);
  double xu = value_to_x (self, self->upper);

  if (fabs (xl - xu) < 0.5)
    {
      /* Both handles meet: take the one that can move towards the pointer. */
      if (x < xl - 0.5)
        return AUGUR_RANGE_SLIDER_LOWER;
      if (x > xu + 0.5)
        return AUGUR_RANGE_SLIDER_UPPER;
      return self->upper >= self->max ? AUGUR_RANGE_SLIDER_LOWER : self->active;
    }
  return fabs (x - xl) <= fabs (x - xu) ? AUGUR_RANGE_SLIDER_LOWER : AUGUR_RANGE_SLIDER_UPPER;
}

static void
drag_begin_cb (GtkGestureDrag   *gesture,
               double            x,
               double            y,
               AugurRangeSlider *self)
{
  if (!gtk_widget_is_sensitive (GTK_WIDGET (self)))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (gtk_widget_get_focusable (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self));

  self->active = pick_handle (self, x);
  self->dragging = TRUE;
  self->drag_start_x = x;
  move_active (self, x_to_value (self, x));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag   *gesture,
                double            dx,
                double            dy,
                AugurRangeSlider *self)
{
  move_active (self, x_to_value (self, self->drag_start_x + dx));
}

static void
drag_end_cb (GtkGestureDrag   *gesture,
             double            dx,
             double            dy,
             AugurRangeSlider *self)
{
  self->dragging = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
augur_range_slider_handle_key (AugurRangeSlider *self,
                               guint             keyval,
                               GdkModifierType   state)
{
  double current, step;

  g_return_val_if_fail (AUGUR_IS_RANGE_SLIDER (self), FALSE);

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;

  current = self->active == AUGUR_RANGE_SLIDER_LOWER ? self->lower : self->upper;
  step = self->step > 0 ? self->step : (self->max - self->min) / 100;

  switch (keyval)
    {
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_active (self, current + step);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_active (self, current - step);
      return TRUE;
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      move_active (self, current + 10 * step);
      return TRUE;
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
      move_active (self, current - 10 * step);
      return TRUE;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      move_active (self, self->min);
      return TRUE;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      move_active (self, self->max);
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                AugurRangeSlider      *self)
{
  return augur_range_slider_handle_key (self, keyval, state);
}

static gboolean
augur_range_slider_focus (GtkWidget        *widget,
                          GtkDirectionType  direction)
{
  AugurRangeSlider *self = AUGUR_RANGE_SLIDER (widget);

  if (!gtk_widget_get_focusable (widget) || !gtk_widget_is_sensitive (widget))
    return FALSE;

  if (!gtk_widget_has_focus (widget))
    {
      self->active = direction == GTK_DIR_TAB_BACKWARD ? AUGUR_RANGE_SLIDER_UPPER
                                                       : AUGUR_RANGE_SLIDER_LOWER;
      gtk_widget_grab_focus (widget);
      update_accessible (self);
      return TRUE;
    }

  if (direction == GTK_DIR_TAB_FORWARD && self->active == AUGUR_RANGE_SLIDER_LOWER)
    {
      augur_range_slider_set_active_handle (self, AUGUR_RANGE_SLIDER_UPPER);
      return TRUE;
    }
  if (direction == GTK_DIR_TAB_BACKWARD && self->active == AUGUR_RANGE_SLIDER_UPPER)
    {
      augur_range_slider_set_active_handle (self, AUGUR_RANGE_SLIDER_LOWER);
      return TRUE;
    }
  return FALSE;
}

static void
focus_changed_cb (GtkEventControllerFocus *controller,
                  AugurRangeSlider        *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* GObject -------------------------------------------------------------------- */

static void
augur_range_slider_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AugurRangeSlider *self = AUGUR_RANGE_SLIDER (object);

  switch (prop_id)
    {
    case PROP_MIN:   g_value_set_double (value, self->min); break;
    case PROP_MAX:   g_value_set_double (value, self->max); break;
    case PROP_STEP:  g_value_set_double (value, self->step); break;
    case PROP_LOWER: g_value_set_double (value, self->lower); break;
    case PROP_UPPER: g_value_set_double (value, self->upper); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
augur_range_slider_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AugurRangeSlider *self = AUGUR_RANGE_SLIDER (object);

  switch (prop_id)
    {
    case PROP_MIN:
      augur_range_slider_set_limits (self, g_value_get_double (value), MAX (self->max, g_value_get_double (value)));
      break;
    case PROP_MAX:
      augur_range_slider_set_limits (self, MIN (self->min, g_value_get_double (value)), g_value_get_double (value));
      break;
    case PROP_STEP:
      augur_range_slider_set_step (self, g_value_get_double (value));
      break;
    case PROP_LOWER:
      augur_range_slider_set_values (self, g_value_get_double (value), MAX (self->upper, g_value_get_double (value)));
      break;
    case PROP_UPPER:
      augur_range_slider_set_values (self, MIN (self->lower, g_value_get_double (value)), g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
augur_range_slider_class_init (AugurRangeSliderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = augur_range_slider_get_property;
  object_class->set_property = augur_range_slider_set_property;

  widget_class->snapshot = augur_range_slider_snapshot;
  widget_class->measure = augur_range_slider_measure;
  widget_class->focus = augur_range_slider_focus;

  properties[PROP_MIN] =
    g_param_spec_double ("min", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX] =
    g_param_spec_double ("max", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STEP] =
    g_param_spec_double ("step", NULL, NULL, 0, G_MAXDOUBLE, 0.01,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOWER] =
    g_param_spec_double ("lower", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPPER] =
    g_param_spec_double ("upper", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AugurRangeSlider::value-changed:
   *
   * The user moved a handle (by pointer or keyboard).
   */
  signals[VALUE_CHANGED] =
    g_signal_new ("value-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "augur-range-slider");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_SLIDER);
}

static void
augur_range_slider_init (AugurRangeSlider *self)
{
  GtkGesture *drag;
  GtkEventController *key, *focus;

  self->min = 0;
  self->max = 1;
  self->step = 0.01;
  self->lower = 0;
  self->upper = 1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "enter", G_CALLBACK (focus_changed_cb), self);
  g_signal_connect (focus, "leave", G_CALLBACK (focus_changed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  update_accessible (self);
}

/* API ------------------------------------------------------------------------ */

GtkWidget *
augur_range_slider_new (double min,
                        double max,
                        double step)
{
  g_return_val_if_fail (min <= max, NULL);

  return g_object_new (AUGUR_TYPE_RANGE_SLIDER,
                       "max", max, "min", min, "step", step,
                       "upper", max, "lower", min,
                       NULL);
}

void
augur_range_slider_set_limits (AugurRangeSlider *self,
                               double            min,
                               double            max)
{
  g_return_if_fail (AUGUR_IS_RANGE_SLIDER (self));
  g_return_if_fail (min <= max);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->min != min)
    {
      self->min = min;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIN]);
    }
  if (self->max != max)
    {
      self->max = max;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX]);
    }
  set_values_internal (self, self->lower, self->upper);
  g_object_thaw_notify (G_OBJECT (self));

  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
augur_range_slider_get_min (AugurRangeSlider *self)
{
  g_return_val_if_fail (AUGUR_IS_RANGE_SLIDER (self), 0);
  return self->min;
}

double
augur_range_slider_get_max (AugurRangeSlider *self)
{
  g_return_val_if_fail (AUGUR_IS_RANGE_SLIDER (self), 0);
  return self->max;
}

void
augur_range_slider_set_step (AugurRangeSlider *self,
                             double            step)
{
  g_return_if_fail (AUGUR_IS_RANGE_SLIDER (self));
  g_return_if_fail (step >= 0);

  if (self->step == step)
    return;
  self->step = step;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

double
augur_range_slider_get_step (AugurRangeSlider *self)
{
  g_return_val_if_fail (AUGUR_IS_RANGE_SLIDER (self), 0);
  return self->step;
}

void
augur_range_slider_set_values (AugurRangeSlider *self,
                               double            lower,
                               double            upper)
{
  g_return_if_fail (AUGUR_IS_RANGE_SLIDER (self));

  set_values_internal (self, lower, upper);
}

double
augur_range_slider_get_lower (AugurRangeSlider *self)
{
  g_return_val_if_fail (AUGUR_IS_RANGE_SLIDER (self), 0);
  return self->lower;
}

double
augur_range_slider_get_upper (AugurRangeSlider *self)
{
  g_return_val_if_fail (AUGUR_IS_RANGE_SLIDER (self), 0);
  return self->upper;
}

void
augur_range_slider_set_active_handle (AugurRangeSlider       *self,
                                      AugurRangeSliderHandle  handle)
{
  g_return_if_fail (AUGUR_IS_RANGE_SLIDER (self));

  if (self->active == handle)
    return;
  self->active = handle;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

AugurRangeSliderHandle
augur_range_slider_get_active_handle (AugurRangeSlider *self)
{
  g_return_val_if_fail (AUGUR_IS_RANGE_SLIDER (self), AUGUR_RANGE_SLIDER_LOWER);
  return self->active;
}

gboolean
augur_range_slider_is_dragging (AugurRangeSlider *self)
{
  g_return_val_if_fail (AUGUR_IS_RANGE_SLIDER (self), FALSE);
  return self->dragging;
}
