/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-editor"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-param-control.h"
#include "augur-range-slider.h"

/* Integer ranges in pixels (PIXELS_IF_INT) are capped here by the core. */
#define PIXELS_MAX 1000000.0

struct _AugurParamControl
{
  GtkWidget parent_instance;

  const AugurParamSpec *spec;
  AugurValue value;
  AugurValue last_set;     /* NULLABLE: what "set" brings back */
  gboolean updating;

  GtkWidget *box;
  GtkWidget *set_check;
  GtkWidget *label;
  GtkWidget *extra;        /* header widgets after the label */
  GtkWidget *reset;
  GtkWidget *body;
  GtkWidget *error;        /* why the last typed value was refused */

  GtkWidget *spin[4];
  GtkWidget *scale;
  GtkWidget *slider[2];
  GtkWidget *same_toggle;
  GtkWidget *y_box;
  GtkWidget *x_label;
  GtkWidget *dropdown;
  GtkWidget *toggle;
  GtkWidget *color;
};

G_DEFINE_FINAL_TYPE (AugurParamControl, augur_param_control, GTK_TYPE_WIDGET)

enum {
  EDITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

char *
augur_param_nick_label (const char *nick)
{
  static const char *const acronyms[][2] = {
    { "jpeg", "JPEG" }, { "webp", "WebP" }, { "png", "PNG" }, { "rgb", "RGB" },
    { "hsv", "HSV" }, { "lab", "Lab" }, { "bgr", "BGR" },
  };
  char *label;

  for (guint i = 0; i < G_N_ELEMENTS (acronyms); i++)
    if (g_ascii_strcasecmp (nick, acronyms[i][0]) == 0)
      return g_strdup (acronyms[i][1]);

  label = g_strdup (nick);

  for (char *c = label; *c; c++)
    if (*c == '_' || *c == '-')
      *c = ' ';
  if (label[0])
    label[0] = g_ascii_toupper (label[0]);
  return label;
}

static gboolean
is_integer_type (AugurParamControl *self)
{
  const AugurParamSpec *spec = self->spec;

  return spec->type == AUGUR_PARAM_INT || spec->type == AUGUR_PARAM_INT_RANGE ||
         spec->type == AUGUR_PARAM_SIZE ||
         ((spec->flags & AUGUR_PARAM_PIXELS_IF_INT) && self->value.integers);
}

static double
finite_or (double v,
           double fallback)
{
  return isfinite (v) ? v : fallback;
}

/* The hard limits a spin button accepts. */
static void
hard_limits (AugurParamControl *self,
             double            *lo,
             double            *hi)
{
  *lo = finite_or (self->spec->min, -1e9);
  *hi = finite_or (self->spec->max, 1e9);
  if ((self->spec->flags & AUGUR_PARAM_PIXELS_IF_INT) && self->value.integers)
    {
      *lo = MAX (*lo, 0);
      *hi = PIXELS_MAX;
    }
  if (*hi <= *lo)
    *hi = *lo + 1;
}

/* The narrower range a slider offers, widened to show @a and @b. */
static void
slider_limits (AugurParamControl *self,
               double             a,
               double             b,
               double            *lo,
               double            *hi)
{
  const AugurParamSpec *spec = self->spec;

  if ((spec->flags & AUGUR_PARAM_PIXELS_IF_INT) && self->value.integers)
    {
      *lo = 0;
      *hi = MAX (100, 2 * MAX (fabs (a), fabs (b)));
    }
  else if (spec->ui_max > spec->ui_min)
    {
      *lo = spec->ui_min;
      *hi = spec->ui_max;
    }
  else
    hard_limits (self, lo, hi);

  *lo = MIN (*lo, MIN (a, b));
  *hi = MAX (*hi, MAX (a, b));
  if (*hi <= *lo)
    *hi = *lo + 1;
}

static double
step_of (AugurParamControl *self)
{
  if (is_integer_type (self))
    return MAX (1, round (self->spec->step));
  return self->spec->step > 0 ? self->spec->step : 0.01;
}

static guint
digits_of (AugurParamControl *self)
{
  double step = step_of (self);

  if (is_integer_type (self) || step >= 1)
    return 0;
  return (guint) CLAMP (ceil (-log10 (step) - 1e-9), 0, 4);
}

static void
emit_edited (AugurParamControl *self,
             AugurValue        *proposed)
{
  if (is_integer_type (self) && self->spec->type != AUGUR_PARAM_FILL)
    for (guint i = 0; i < 4; i++)
      proposed->v[i] = round (proposed->v[i]);

  /* A spin button announces a change after refusing what was typed:
   * nothing changed, and the reason stays on screen. */
  if (proposed->is_null == self->value.is_null &&
      augur_param_equal (self->spec, proposed, &self->value))
    return;
  augur_param_control_show_error (self, NULL);
  g_signal_emit (self, signals[EDITED], 0, proposed);
}

/* Reading the widgets ----------------------------------------------------------- */

static double
spin_value (GtkWidget *spin)
{
  return gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin));
}

static gboolean
same_axes (AugurParamControl *self)
{
  return self->same_toggle &&
         gtk_check_button_get_active (GTK_CHECK_BUTTON (self->same_toggle));
}

static void
source_changed_cb (GtkWidget         *source,
                   AugurParamControl *self)
{
  AugurValue v = self->value;

  if (self->updating)
    return;

  v.is_null = FALSE;

  switch (self->spec->type)
    {
    case AUGUR_PARAM_INT:
    case AUGUR_PARAM_NUMBER:
      v.v[0] = source == self->scale ? gtk_range_get_value (GTK_RANGE (self->scale))
                                     : spin_value (self->spin[0]);
      break;

    case AUGUR_PARAM_INT_RANGE:
    case AUGUR_PARAM_RANGE:
    case AUGUR_PARAM_SIZE:
      if (source == self->slider[0])
        {
          v.v[0] = augur_range_slider_get_lower (AUGUR_RANGE_SLIDER (source));
          v.v[1] = augur_range_slider_get_upper (AUGUR_RANGE_SLIDER (source));
        }
      else
        {
          v.v[0] = spin_value (self->spin[0]);
          v.v[1] = spin_value (self->spin[1]);
        }
      break;

    case AUGUR_PARAM_XY_RANGE:
      for (guint axis = 0; axis < 2; axis++)
        if (source == self->slider[axis])
          {
            v.v[2 * axis] = augur_range_slider_get_lower (AUGUR_RANGE_SLIDER (source));
            v.v[2 * axis + 1] = augur_range_slider_get_upper (AUGUR_RANGE_SLIDER (source));
          }
      for (guint i = 0; i < 4; i++)
        if (source == self->spin[i])
          v.v[i] = spin_value (source);
      if (same_axes (self))
        {
          v.v[2] = v.v[0];
          v.v[3] = v.v[1];
        }
      break;

    case AUGUR_PARAM_ENUM:
      v.nick = (gint8) gtk_drop_down_get_selected (GTK_DROP_DOWN (self->dropdown));
      break;

    case AUGUR_PARAM_BOOL:
      v.v[0] = gtk_switch_get_active (GTK_SWITCH (self->toggle)) ? 1 : 0;
      break;

    case AUGUR_PARAM_FILL:
      if (source == self->dropdown)
        {
          guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->dropdown));

          v.nick = selected == 0 || selected == GTK_INVALID_LIST_POSITION ? -1 : (gint8) (selected - 1);
        }
      else
        {
          GdkRGBA rgba;
          double unit = self->spec->max >= 255 ? 255 : MAX (self->spec->max, 1);

          gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (self->color), &rgba);
          v.nick = -1;
          v.n = 3;
          v.v[0] = rgba.red * unit;
          v.v[1] = rgba.green * unit;
          v.v[2] = rgba.blue * unit;
          if (unit == 255)
            for (guint i = 0; i < 3; i++)
              v.v[i] = round (v.v[i]);
        }
      break;

    default:
      g_assert_not_reached ();
    }

  emit_edited (self, &v);
}

static void
notify_source_cb (GObject           *source,
                  GParamSpec        *pspec,
                  AugurParamControl *self)
{
  source_changed_cb (GTK_WIDGET (source), self);
}

static void
same_toggled_cb (GtkCheckButton    *check,
                 AugurParamControl *self)
{
  gboolean same = gtk_check_button_get_active (check);

  gtk_widget_set_visible (self->y_box, !same);
  gtk_label_set_text (GTK_LABEL (self->x_label), same ? "x and y" : "x");

  if (self->updating || !same)
    return;

  if (self->value.v[2] != self->value.v[0] || self->value.v[3] != self->value.v[1])
    {
      AugurValue v = self->value;

      v.v[2] = v.v[0];
      v.v[3] = v.v[1];
      emit_edited (self, &v);
    }
}

static void
set_toggled_cb (GtkCheckButton    *check,
                AugurParamControl *self)
{
  AugurValue v;

  if (self->updating)
    return;

  if (gtk_check_button_get_active (check))
    {
      v = self->last_set;
      v.is_null = FALSE;
    }
  else
    {
      v = self->value;
      v.is_null = TRUE;
    }
  emit_edited (self, &v);
}

static void
reset_clicked_cb (GtkButton         *button,
                  AugurParamControl *self)
{
  AugurValue def;

  augur_param_default (self->spec, &def);
  emit_edited (self, &def);
}

/* Writing the widgets ----------------------------------------------------------- */

static void
set_spin (AugurParamControl *self,
          GtkWidget         *spin,
          double             v)
{
  double lo, hi;
  GtkAdjustment *adj = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (spin));
  double step = step_of (self);

  hard_limits (self, &lo, &hi);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits_of (self));
  gtk_adjustment_configure (adj, v, MIN (lo, v), MAX (hi, v), step, step * 10, 0);
  /* (shows the value again even when it did not change: its text may be
   * from before the output handler, or a refused entry) */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), v);
}

static void
set_slider (AugurParamControl *self,
            GtkWidget         *slider,
            double             a,
            double             b)
{
  double lo, hi;

  slider_limits (self, a, b, &lo, &hi);
  augur_range_slider_set_step (AUGUR_RANGE_SLIDER (slider), step_of (self));
  augur_range_slider_set_limits (AUGUR_RANGE_SLIDER (slider), lo, hi);
  augur_range_slider_set_values (AUGUR_RANGE_SLIDER (slider), MIN (a, b), MAX (a, b));
}

static void
update_widgets (AugurParamControl *self)
{
  const AugurValue *v = &self->value;
  gboolean set = !v->is_null;

  if (self->set_check)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (self->set_check), set);
  gtk_widget_set_sensitive (self->extra, set);
  gtk_widget_set_sensitive (self->body, set);

  {
    AugurValue def;

    augur_param_default (self->spec, &def);
    gtk_widget_set_visible (self->reset, !augur_param_equal (self->spec, &self->value, &def));
  }

  /* A null value shows what "set" would bring back. */
  if (!set)
    v = &self->last_set;

  switch (self->spec->type)
    {
    case AUGUR_PARAM_INT:
    case AUGUR_PARAM_NUMBER:
      {
        double lo, hi;

        set_spin (self, self->spin[0], v->v[0]);
        slider_limits (self, v->v[0], v->v[0], &lo, &hi);
        gtk_range_set_range (GTK_RANGE (self->scale), lo, hi);
        gtk_range_set_increments (GTK_RANGE (self->scale), step_of (self), step_of (self) * 10);
        gtk_range_set_round_digits (GTK_RANGE (self->scale), (int) digits_of (self));
        gtk_range_set_value (GTK_RANGE (self->scale), v->v[0]);
      }
      break;

    case AUGUR_PARAM_INT_RANGE:
    case AUGUR_PARAM_RANGE:
      set_spin (self, self->spin[0], v->v[0]);
      set_spin (self, self->spin[1], v->v[1]);
      set_slider (self, self->slider[0], v->v[0], v->v[1]);
      break;

    case AUGUR_PARAM_SIZE:
      set_spin (self, self->spin[0], v->v[0]);
      set_spin (self, self->spin[1], v->v[1]);
      break;

    case AUGUR_PARAM_XY_RANGE:
      /* Axes that differ cannot stay folded into one. */
      if (v->v[0] != v->v[2] || v->v[1] != v->v[3])
        gtk_check_button_set_active (GTK_CHECK_BUTTON (self->same_toggle), FALSE);
      for (guint i = 0; i < 4; i++)
        set_spin (self, self->spin[i], v->v[i]);
      set_slider (self, self->slider[0], v->v[0], v->v[1]);
      set_slider (self, self->slider[1], v->v[2], v->v[3]);
      break;

    case AUGUR_PARAM_ENUM:
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->dropdown), (guint) MAX (v->nick, 0));
      break;

    case AUGUR_PARAM_BOOL:
      gtk_switch_set_active (GTK_SWITCH (self->toggle), v->v[0] != 0);
      break;

    case AUGUR_PARAM_FILL:
      {
        double unit = self->spec->max >= 255 ? 255 : MAX (self->spec->max, 1);
        GdkRGBA rgba = { 0, 0, 0, 1 };

        if (v->n >= 3)
          rgba = (GdkRGBA) { v->v[0] / unit, v->v[1] / unit, v->v[2] / unit, 1 };
        else
          rgba = (GdkRGBA) { v->v[0] / unit, v->v[0] / unit, v->v[0] / unit, 1 };
        gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->color), &rgba);
        if (self->dropdown)
          gtk_drop_down_set_selected (GTK_DROP_DOWN (self->dropdown),
                                      v->nick >= 0 ? (guint) v->nick + 1 : 0);
        gtk_widget_set_sensitive (self->color, v->nick < 0);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Building ------------------------------------------------------------------------ */

/* A value of 0 that means something else shows its word ("auto"). */
static gboolean
spin_output_cb (GtkSpinButton     *spin,
                AugurParamControl *self)
{
  if (gtk_spin_button_get_value (spin) != 0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), self->spec->zero_text);
  return TRUE;
}

/* Reads what was typed; a value the parameter cannot take is refused with
 * the reason shown under the control, rather than silently put back. */
static int
spin_input_cb (GtkSpinButton     *spin,
               double            *new_value,
               AugurParamControl *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  g_autofree char *message = NULL;
  char *end = NULL;
  double lo, hi, v;

  if (self->spec->zero_text && g_ascii_strcasecmp (trimmed, self->spec->zero_text) == 0)
    {
      *new_value = 0;
      augur_param_control_show_error (self, NULL);
      return TRUE;
    }

  hard_limits (self, &lo, &hi);
  v = g_strtod (trimmed, &end);
  if (*trimmed == '\0' || end == NULL || *end != '\0' || !isfinite (v))
    message = g_strdup_printf ("%s: “%s” is not a number", self->spec->label, trimmed);
  else if (v < lo)
    message = g_strdup_printf ("%s: %s is below the lowest allowed value, %g",
                               self->spec->label, trimmed, lo);
  else if (v > hi)
    message = g_strdup_printf ("%s: %s is above the highest allowed value, %g",
                               self->spec->label, trimmed, hi);
  if (message != NULL)
    {
      augur_param_control_show_error (self, message);
      gtk_widget_error_bell (GTK_WIDGET (spin));
      /* (the spin button takes @new_value even on an error: keep it) */
      *new_value = gtk_spin_button_get_value (spin);
      return GTK_INPUT_ERROR;
    }

  augur_param_control_show_error (self, NULL);
  *new_value = v;
  return TRUE;
}

static GtkWidget *
make_spin (AugurParamControl *self,
           const char        *accessible_label)
{
  GtkAdjustment *adj = gtk_adjustment_new (0, 0, 1, 1, 10, 0);
  GtkWidget *spin = gtk_spin_button_new (adj, 1, 0);

  /* The slider beside it does the coarse moves: the entry is for exact
   * values (arrow keys and the wheel still step), without +/- buttons that
   * would not fit two to a line in a side pane. */
  for (GtkWidget *child = gtk_widget_get_first_child (spin); child;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child))
      gtk_widget_set_visible (child, FALSE);
  gtk_widget_add_css_class (spin, "augur-compact");
  /* (not numeric: a word such as "auto" may stand for 0) */
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), self->spec->zero_text == NULL);
  g_signal_connect (spin, "input", G_CALLBACK (spin_input_cb), self);
  if (self->spec->zero_text != NULL)
    g_signal_connect (spin, "output", G_CALLBACK (spin_output_cb), self);
  gtk_spin_button_set_update_policy (GTK_SPIN_BUTTON (spin), GTK_UPDATE_IF_VALID);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 6);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  g_signal_connect (spin, "value-changed", G_CALLBACK (source_changed_cb), self);
  return spin;
}

static GtkWidget *
make_slider (AugurParamControl *self,
             const char        *accessible_label)
{
  GtkWidget *slider = augur_range_slider_new (0, 1, 0.01);

  gtk_widget_set_hexpand (slider, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (slider),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  g_signal_connect (slider, "value-changed", G_CALLBACK (source_changed_cb), self);
  return slider;
}

static GtkWidget *
dash_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
build_range (AugurParamControl *self)
{
  g_autofree char *lo_name = g_strdup_printf ("%s, lowest", self->spec->label);
  g_autofree char *hi_name = g_strdup_printf ("%s, highest", self->spec->label);

  self->spin[0] = make_spin (self, lo_name);
  self->spin[1] = make_spin (self, hi_name);
  gtk_box_append (GTK_BOX (self->extra), self->spin[0]);
  gtk_box_append (GTK_BOX (self->extra), dash_label ("–"));
  gtk_box_append (GTK_BOX (self->extra), self->spin[1]);

  self->slider[0] = make_slider (self, self->spec->label);
  gtk_box_append (GTK_BOX (self->body), self->slider[0]);
}

static void
build_xy_range (AugurParamControl *self)
{
  static const char *const axes[] = { "x", "y" };

  self->same_toggle = gtk_check_button_new_with_label ("Same for both axes");
  gtk_widget_set_tooltip_text (self->same_toggle, "Use the x range for y as well");
  g_signal_connect (self->same_toggle, "toggled", G_CALLBACK (same_toggled_cb), self);
  gtk_box_append (GTK_BOX (self->extra), self->same_toggle);

  /* Per axis: its name and exact values on one line, the slider below. */
  for (guint axis = 0; axis < 2; axis++)
    {
      g_autofree char *name = g_strdup_printf ("%s, %s", self->spec->label, axes[axis]);
      g_autofree char *lo_name = g_strdup_printf ("%s, %s lowest", self->spec->label, axes[axis]);
      g_autofree char *hi_name = g_strdup_printf ("%s, %s highest", self->spec->label, axes[axis]);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      GtkWidget *axis_label = gtk_label_new (axes[axis]);

      gtk_widget_add_css_class (axis_label, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (axis_label), 0);
      gtk_widget_set_hexpand (axis_label, TRUE);
      self->slider[axis] = make_slider (self, name);
      self->spin[2 * axis] = make_spin (self, lo_name);
      self->spin[2 * axis + 1] = make_spin (self, hi_name);
      gtk_box_append (GTK_BOX (line), axis_label);
      gtk_box_append (GTK_BOX (line), self->spin[2 * axis]);
      gtk_box_append (GTK_BOX (line), dash_label ("–"));
      gtk_box_append (GTK_BOX (line), self->spin[2 * axis + 1]);
      gtk_box_append (GTK_BOX (box), line);
      gtk_box_append (GTK_BOX (box), self->slider[axis]);
      gtk_box_append (GTK_BOX (self->body), box);
      if (axis == 0)
        self->x_label = axis_label;
      else
        self->y_box = box;
    }
}

static GtkStringList *
nick_labels (const AugurParamSpec *spec,
             const char           *first)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  if (first)
    gtk_string_list_append (list, first);
  for (guint i = 0; spec->nicks && spec->nicks[i]; i++)
    {
      g_autofree char *label = augur_param_nick_label (spec->nicks[i]);

      gtk_string_list_append (list, label);
    }
  return list;
}

static void
build (AugurParamControl *self)
{
  const AugurParamSpec *spec = self->spec;
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_box_append (GTK_BOX (self->box), header);

  if (spec->flags & AUGUR_PARAM_NULLABLE)
    {
      self->set_check = gtk_check_button_new ();
      gtk_widget_set_tooltip_text (self->set_check, "Set this parameter (unset: the transform decides)");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->set_check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, "set", -1);
      g_signal_connect (self->set_check, "toggled", G_CALLBACK (set_toggled_cb), self);
      gtk_box_append (GTK_BOX (header), self->set_check);
    }

  self->label = gtk_label_new (spec->label ? spec->label : spec->name);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->label), TRUE);
  gtk_widget_set_hexpand (self->label, TRUE);
  gtk_box_append (GTK_BOX (header), self->label);

  self->reset = gtk_button_new_from_icon_name ("edit-undo-symbolic");
  gtk_widget_add_css_class (self->reset, "flat");
  gtk_widget_add_css_class (self->reset, "circular");
  gtk_widget_set_valign (self->reset, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->reset, "Reset to the default");
  g_signal_connect (self->reset, "clicked", G_CALLBACK (reset_clicked_cb), self);
  gtk_box_append (GTK_BOX (header), self->reset);

  self->extra = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_set_valign (self->extra, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (header), self->extra);

  self->body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_box_append (GTK_BOX (self->box), self->body);

  switch (spec->type)
    {
    case AUGUR_PARAM_INT:
    case AUGUR_PARAM_NUMBER:
      self->spin[0] = make_spin (self, spec->label);
      gtk_box_append (GTK_BOX (self->extra), self->spin[0]);
      self->scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 0.01);
      gtk_scale_set_draw_value (GTK_SCALE (self->scale), FALSE);
      gtk_widget_set_hexpand (self->scale, TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->scale),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, spec->label, -1);
      g_signal_connect (self->scale, "value-changed", G_CALLBACK (source_changed_cb), self);
      gtk_box_append (GTK_BOX (self->body), self->scale);
      break;

    case AUGUR_PARAM_INT_RANGE:
    case AUGUR_PARAM_RANGE:
      build_range (self);
      break;

    case AUGUR_PARAM_XY_RANGE:
      build_xy_range (self);
      break;

    case AUGUR_PARAM_SIZE:
      {
        g_autofree char *h_name = g_strdup_printf ("%s, height", spec->label);
        g_autofree char *w_name = g_strdup_printf ("%s, width", spec->label);

        self->spin[0] = make_spin (self, h_name);
        self->spin[1] = make_spin (self, w_name);
        gtk_widget_set_tooltip_text (self->spin[0], "Height");
        gtk_widget_set_tooltip_text (self->spin[1], "Width");
        gtk_box_append (GTK_BOX (self->extra), self->spin[0]);
        gtk_box_append (GTK_BOX (self->extra), dash_label ("×"));
        gtk_box_append (GTK_BOX (self->extra), self->spin[1]);
      }
      break;

    case AUGUR_PARAM_ENUM:
      self->dropdown = gtk_drop_down_new (G_LIST_MODEL (nick_labels (spec, NULL)), NULL);
      gtk_widget_set_valign (self->dropdown, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->dropdown),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, spec->label, -1);
      g_signal_connect (self->dropdown, "notify::selected",
                        G_CALLBACK (notify_source_cb), self);
      gtk_box_append (GTK_BOX (self->extra), self->dropdown);
      break;

    case AUGUR_PARAM_BOOL:
      self->toggle = gtk_switch_new ();
      gtk_widget_set_valign (self->toggle, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->toggle),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, spec->label, -1);
      g_signal_connect (self->toggle, "notify::active",
                        G_CALLBACK (notify_source_cb), self);
      gtk_box_append (GTK_BOX (self->extra), self->toggle);
      break;

    case AUGUR_PARAM_FILL:
      if (spec->nicks && spec->nicks[0])
        {
          self->dropdown = gtk_drop_down_new (G_LIST_MODEL (nick_labels (spec, "Colour")), NULL);
          gtk_widget_set_valign (self->dropdown, GTK_ALIGN_CENTER);
          gtk_accessible_update_property (GTK_ACCESSIBLE (self->dropdown),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, spec->label, -1);
          g_signal_connect (self->dropdown, "notify::selected",
                            G_CALLBACK (notify_source_cb), self);
          gtk_box_append (GTK_BOX (self->extra), self->dropdown);
        }
      self->color = gtk_color_button_new ();
      gtk_color_chooser_set_use_alpha (GTK_COLOR_CHOOSER (self->color), FALSE);
      gtk_color_button_set_title (GTK_COLOR_BUTTON (self->color), spec->label);
      gtk_widget_set_valign (self->color, GTK_ALIGN_CENTER);
      g_signal_connect (self->color, "color-set", G_CALLBACK (source_changed_cb), self);
      gtk_box_append (GTK_BOX (self->extra), self->color);
      break;

    default:
      g_assert_not_reached ();
    }

  if (gtk_widget_get_first_child (self->body) == NULL)
    gtk_widget_set_visible (self->body, FALSE);

  self->error = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->error), 0);
  gtk_widget_add_css_class (self->error, "error");
  gtk_widget_add_css_class (self->error, "caption");
  gtk_widget_set_visible (self->error, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->error);
}

/* GObject ---------------------------------------------------------------------- */

static void
augur_param_control_dispose (GObject *object)
{
  AugurParamControl *self = AUGUR_PARAM_CONTROL (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (augur_param_control_parent_class)->dispose (object);
}

static void
augur_param_control_class_init (AugurParamControlClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = augur_param_control_dispose;

  /**
   * AugurParamControl::edited:
   * @value: (type gpointer): the proposed `AugurValue *`
   */
  signals[EDITED] =
    g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "augur-param-control");
}

static void
augur_param_control_init (AugurParamControl *self)
{
}

GtkWidget *
augur_param_control_new (const AugurParamSpec *spec,
                         const AugurValue     *value)
{
  AugurParamControl *self;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);

  self = g_object_new (AUGUR_TYPE_PARAM_CONTROL, NULL);
  self->spec = spec;
  self->value = *value;
  augur_param_default (spec, &self->last_set);
  self->last_set.is_null = FALSE;
  if (!value->is_null)
    self->last_set = *value;
  else if (!augur_param_check (spec, &self->last_set, NULL))
    {
      /* A default that only makes sense as null: start "set" from the
       * slider's range instead. */
      double lo = spec->ui_max > spec->ui_min ? spec->ui_min : spec->min;
      double hi = spec->ui_max > spec->ui_min ? spec->ui_max : spec->max;

      self->last_set.v[0] = self->last_set.v[2] = lo;
      self->last_set.v[1] = self->last_set.v[3] = hi;
      if (spec->type == AUGUR_PARAM_INT || spec->type == AUGUR_PARAM_NUMBER)
        self->last_set.v[0] = lo;
    }

  gtk_widget_set_tooltip_text (GTK_WIDGET (self), spec->description);
  build (self);

  self->updating = TRUE;
  if (self->same_toggle)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (self->same_toggle),
                                 value->v[0] == value->v[2] && value->v[1] == value->v[3]);
  update_widgets (self);
  self->updating = FALSE;

  return GTK_WIDGET (self);
}

const AugurParamSpec *
augur_param_control_get_spec (AugurParamControl *self)
{
  g_return_val_if_fail (AUGUR_IS_PARAM_CONTROL (self), NULL);
  return self->spec;
}

const AugurValue *
augur_param_control_get_value (AugurParamControl *self)
{
  g_return_val_if_fail (AUGUR_IS_PARAM_CONTROL (self), NULL);
  return &self->value;
}

void
augur_param_control_set_value (AugurParamControl *self,
                               const AugurValue  *value)
{
  g_return_if_fail (AUGUR_IS_PARAM_CONTROL (self));

  self->value = *value;
  if (!value->is_null)
    self->last_set = *value;

  self->updating = TRUE;
  update_widgets (self);
  self->updating = FALSE;
}

/**
 * augur_param_control_show_error:
 * @message: (nullable): why the last edit was refused; NULL clears it
 *
 * Shows under the control why a value was refused (the control itself goes
 * back to the value in force), until the next accepted edit.
 */
void
augur_param_control_show_error (AugurParamControl *self,
                                const char        *message)
{
  g_return_if_fail (AUGUR_IS_PARAM_CONTROL (self));

  gtk_label_set_text (GTK_LABEL (self->error), message ? message : "");
  gtk_widget_set_visible (self->error, message != NULL);
}

/**
 * augur_param_control_get_error:
 *
 * Returns: (nullable): the reason shown under the control, or NULL
 */
const char *
augur_param_control_get_error (AugurParamControl *self)
{
  g_return_val_if_fail (AUGUR_IS_PARAM_CONTROL (self), NULL);
  return gtk_widget_get_visible (self->error) ? gtk_label_get_text (GTK_LABEL (self->error)) : NULL;
}
