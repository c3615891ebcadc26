/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-editor"

#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augur-error.h"
#include "augur-group.h"
#include "augur-param-control.h"
#include "augur-pipeline-editor.h"
#include "augur-pipeline-ops.h"
#include "augur-range-slider.h"
#include "augur-recipe.h"
#include "augur-step-chooser.h"

#include "augur-test-util.h"

/* Helpers ---------------------------------------------------------------------------- */

static void
pump (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct
{
  GtkWidget *window;
  AugurPipelineEditor *editor;
  guint n_changed;
  guint n_selection;
  char *last_description;
  gboolean last_mergeable;
} Fixture;

static void
changed_cb (AugurPipelineEditor *editor,
            const char          *description,
            gboolean             mergeable,
            Fixture             *f)
{
  f->n_changed++;
  g_free (f->last_description);
  f->last_description = g_strdup (description);
  f->last_mergeable = mergeable;
}

static void
selection_cb (AugurPipelineEditor *editor,
              Fixture             *f)
{
  f->n_selection++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 480, 800);
  f->editor = AUGUR_PIPELINE_EDITOR (augur_pipeline_editor_new ());
  g_object_ref_sink (f->editor);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->editor));
  g_signal_connect (f->editor, "changed", G_CALLBACK (changed_cb), f);
  g_signal_connect (f->editor, "selection-changed", G_CALLBACK (selection_cb), f);
  gtk_window_present (GTK_WINDOW (f->window));
  pump ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (f->editor, f);
  gtk_window_destroy (GTK_WINDOW (f->window));
  pump ();
  /* The editor, its rows and controls go away with no reference left. */
  g_assert_finalize_object (f->editor);
  g_free (f->last_description);
}

static char *
node_json (const AugurNode *node)
{
  g_autoptr(JsonNode) json = augur_node_to_json (node);

  return augur_json_to_string (json, FALSE);
}

/* The same steps and settings; ids are checked where they matter. */
static void
assert_pipeline (Fixture         *f,
                 const AugurNode *expected)
{
  const AugurNode *actual = augur_pipeline_editor_get_pipeline (f->editor);

  if (!augur_node_equal_settings (actual, expected))
    {
      g_autofree char *a = node_json (actual);
      g_autofree char *e = node_json (expected);

      g_test_message ("pipeline %s, expected %s", a, e);
      g_assert_not_reached ();
    }
}

/* Every widget of @type inside @widget (itself included), in order. */
static void
collect_of_type (GtkWidget *widget,
                 GType      type,
                 GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_of_type (child, type, out);
}

static AugurParamControl *
find_control (Fixture    *f,
              const char *path,
              const char *param)
{
  GtkWidget *row = augur_pipeline_editor_get_row (f->editor, path);
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();

  g_assert_nonnull (row);
  collect_of_type (row, AUGUR_TYPE_PARAM_CONTROL, controls);
  for (guint i = 0; i < controls->len; i++)
    if (g_str_equal (augur_param_control_get_spec (controls->pdata[i])->name, param))
      return controls->pdata[i];
  return NULL;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found)
        return found;
    }
  return NULL;
}

static void
add_at_end (Fixture    *f,
            const char *type_name)
{
  augur_pipeline_editor_select_path (f->editor, NULL);
  augur_pipeline_editor_add_step (f->editor, type_name);
}

/* The range slider -------------------------------------------------------------------- */

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

static void
test_range_slider_keys (void)
{
  GtkWidget *slider = augur_range_slider_new (0, 10, 1);
  AugurRangeSlider *s = AUGUR_RANGE_SLIDER (slider);
  guint changes = 0;
  double lower, upper;

  g_object_ref_sink (slider);
  g_signal_connect (slider, "value-changed", G_CALLBACK (count_cb), &changes);

  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (slider)), ==,
                   GTK_ACCESSIBLE_ROLE_SLIDER);

  /* Programmatic changes do not count as the user's. */
  augur_range_slider_set_values (s, 2, 5);
  g_assert_cmpuint (changes, ==, 0);
  g_object_get (slider, "lower", &lower, "upper", &upper, NULL);
  g_assert_cmpfloat (lower, ==, 2);
  g_assert_cmpfloat (upper, ==, 5);

  augur_range_slider_set_active_handle (s, AUGUR_RANGE_SLIDER_LOWER);
  g_assert_true (augur_range_slider_handle_key (s, GDK_KEY_Right, 0));
  g_assert_cmpfloat (augur_range_slider_get_lower (s), ==, 3);
  g_assert_cmpuint (changes, ==, 1);
  augur_range_slider_handle_key (s, GDK_KEY_Left, 0);
  augur_range_slider_handle_key (s, GDK_KEY_Down, 0);
  g_assert_cmpfloat (augur_range_slider_get_lower (s), ==, 1);
  augur_range_slider_handle_key (s, GDK_KEY_Home, 0);
  g_assert_cmpfloat (augur_range_slider_get_lower (s), ==, 0);
  g_assert_cmpuint (changes, ==, 4);
  /* At the limit nothing moves and nothing is announced. */
  augur_range_slider_handle_key (s, GDK_KEY_Left, 0);
  g_assert_cmpuint (changes, ==, 4);

  /* The lower handle stops at the upper one. */
  augur_range_slider_handle_key (s, GDK_KEY_Page_Up, 0);
  g_assert_cmpfloat (augur_range_slider_get_lower (s), ==, 5);
  g_assert_cmpfloat (augur_range_slider_get_upper (s), ==, 5);

  augur_range_slider_set_active_handle (s, AUGUR_RANGE_SLIDER_UPPER);
  augur_range_slider_handle_key (s, GDK_KEY_End, 0);
  g_assert_cmpfloat (augur_range_slider_get_upper (s), ==, 10);
  augur_range_slider_handle_key (s, GDK_KEY_Page_Down, 0);
  g_assert_cmpfloat (augur_range_slider_get_upper (s), ==, 5);
  g_assert_cmpfloat (augur_range_slider_get_lower (s), ==, 5);
  augur_range_slider_handle_key (s, GDK_KEY_Up, 0);
  g_assert_cmpfloat (augur_range_slider_get_upper (s), ==, 6);

  /* Keys it does not use go on to others. */
  g_assert_false (augur_range_slider_handle_key (s, GDK_KEY_a, 0));
  g_assert_false (augur_range_slider_handle_key (s, GDK_KEY_Up, GDK_ALT_MASK));

  /* Limits clamp the values; steps snap them. */
  augur_range_slider_set_limits (s, 0, 4);
  g_assert_cmpfloat (augur_range_slider_get_lower (s), ==, 4);
  g_assert_cmpfloat (augur_range_slider_get_upper (s), ==, 4);
  augur_range_slider_set_limits (s, -1, 1);
  augur_range_slider_set_step (s, 0.25);
  augur_range_slider_set_values (s, -1, 1);
  augur_range_slider_set_active_handle (s, AUGUR_RANGE_SLIDER_LOWER);
  augur_range_slider_handle_key (s, GDK_KEY_Right, 0);
  g_assert_cmpfloat (augur_range_slider_get_lower (s), ==, -0.75);

  g_assert_finalize_object (slider);
}

static void
test_range_slider_focus (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *slider = augur_range_slider_new (0, 1, 0.1);
  AugurRangeSlider *s = AUGUR_RANGE_SLIDER (slider);

  gtk_box_append (GTK_BOX (box), slider);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  pump ();
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  augur_range_slider_set_active_handle (s, AUGUR_RANGE_SLIDER_UPPER);

  /* Tab enters on the lower handle, then moves to the upper, then leaves. */
  g_assert_true (gtk_widget_child_focus (slider, GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_widget_has_focus (slider));
  g_assert_cmpint (augur_range_slider_get_active_handle (s), ==, AUGUR_RANGE_SLIDER_LOWER);
  g_assert_true (gtk_widget_child_focus (slider, GTK_DIR_TAB_FORWARD));
  g_assert_cmpint (augur_range_slider_get_active_handle (s), ==, AUGUR_RANGE_SLIDER_UPPER);
  g_assert_false (gtk_widget_child_focus (slider, GTK_DIR_TAB_FORWARD));
  /* And back. */
  g_assert_true (gtk_widget_child_focus (slider, GTK_DIR_TAB_BACKWARD));
  g_assert_cmpint (augur_range_slider_get_active_handle (s), ==, AUGUR_RANGE_SLIDER_LOWER);

  /* Drawn without complaint. */
  gtk_widget_queue_draw (window);
  wait_ms (30);
  gtk_window_destroy (GTK_WINDOW (window));
  pump ();
}

/* Parameter controls on their own ------------------------------------------------------ */

static const char *const test_nicks[] = { "nearest", "reflect_101", "jpeg", NULL };

static const AugurParamSpec test_specs[] = {
  { .name = "shift", .label = "Shift", .description = "x/y range",
    .type = AUGUR_PARAM_XY_RANGE, .min = -1, .max = 1, .ui_min = -0.5, .ui_max = 0.5,
    .step = 0.1, .def = { -0.1, 0.1, -0.1, 0.1 } },
  { .name = "amount", .label = "Amount", .description = "nullable number",
    .type = AUGUR_PARAM_NUMBER, .flags = AUGUR_PARAM_NULLABLE, .min = 0, .max = 10,
    .ui_min = 0, .ui_max = 5, .step = 0.5, .def = { 2 }, .def_null = TRUE },
  { .name = "mode", .label = "Mode", .description = "a choice",
    .type = AUGUR_PARAM_ENUM, .def_nick = 0, .nicks = test_nicks },
};

typedef struct
{
  AugurValue value;
  guint count;
} Edits;

static void
edited_cb (AugurParamControl *control,
           gpointer           value,
           Edits             *edits)
{
  edits->value = *(AugurValue *) value;
  edits->count++;
}

static void
test_param_control (void)
{
  Edits got = { 0 };
  AugurValue v;
  GtkWidget *control;
  GtkWidget *check, *dropdown;
  g_autofree char *label = augur_param_nick_label ("reflect_101");
  g_autofree char *format = augur_param_nick_label ("jpeg");

  g_assert_cmpstr (label, ==, "Reflect 101");
  g_assert_cmpstr (format, ==, "JPEG");

  /* x/y: equal axes start folded; differing axes unfold; folding copies x
   * onto y. */
  augur_param_default (&test_specs[0], &v);
  control = g_object_ref_sink (augur_param_control_new (&test_specs[0], &v));
  g_signal_connect (control, "edited", G_CALLBACK (edited_cb), &got);
  check = find_descendant (control, GTK_TYPE_CHECK_BUTTON);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  v.v[2] = -0.3;
  augur_param_control_set_value (AUGUR_PARAM_CONTROL (control), &v);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  g_assert_cmpuint (got.count, ==, 0);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_assert_cmpuint (got.count, ==, 1);
  g_assert_cmpfloat (got.value.v[2], ==, -0.1);
  g_assert_cmpfloat (got.value.v[3], ==, 0.1);
  g_assert_finalize_object (control);

  /* Nullable: "set" proposes a valid value, unset proposes null. */
  memset (&got, 0, sizeof got);
  augur_param_default (&test_specs[1], &v);
  g_assert_true (v.is_null);
  control = g_object_ref_sink (augur_param_control_new (&test_specs[1], &v));
  g_signal_connect (control, "edited", G_CALLBACK (edited_cb), &got);
  check = find_descendant (control, GTK_TYPE_CHECK_BUTTON);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_assert_cmpuint (got.count, ==, 1);
  g_assert_false (got.value.is_null);
  g_assert_cmpfloat (got.value.v[0], ==, 2);
  g_assert_true (augur_param_check (&test_specs[1], &got.value, NULL));
  augur_param_control_set_value (AUGUR_PARAM_CONTROL (control), &got.value);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
  g_assert_cmpuint (got.count, ==, 2);
  g_assert_true (got.value.is_null);
  g_assert_finalize_object (control);

  /* Enum: a drop-down of human labels proposing the nick's index. */
  memset (&got, 0, sizeof got);
  augur_param_default (&test_specs[2], &v);
  control = g_object_ref_sink (augur_param_control_new (&test_specs[2], &v));
  g_signal_connect (control, "edited", G_CALLBACK (edited_cb), &got);
  dropdown = find_descendant (control, GTK_TYPE_DROP_DOWN);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown))), ==, 3);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 2);
  g_assert_cmpuint (got.count, ==, 1);
  g_assert_cmpint (got.value.nick, ==, 2);
  g_assert_finalize_object (control);
}

/* Controls for the whole registry ---------------------------------------------------------- */

static void
test_every_transform (Fixture       *f,
                      gconstpointer  data)
{
  guint n;
  const AugurTransformInfo *const *list = augur_transforms_list (&n);
  const AugurNode *pipeline;

  g_assert_cmpuint (n, >, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%u", i);
      g_autoptr(GPtrArray) controls = g_ptr_array_new ();
      GtkWidget *row;

      add_at_end (f, list[i]->name);
      augur_pipeline_editor_set_expanded (f->editor, path, TRUE);
      pump ();

      row = augur_pipeline_editor_get_row (f->editor, path);
      g_assert_true (ADW_IS_EXPANDER_ROW (row));
      g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)));
      collect_of_type (row, AUGUR_TYPE_PARAM_CONTROL, controls);
      /* One control per declared parameter, in the declared order. */
      g_assert_cmpuint (controls->len, ==, list[i]->n_params);
      for (guint j = 0; j < controls->len; j++)
        g_assert_true (augur_param_control_get_spec (controls->pdata[j]) == &list[i]->params[j]);
    }

  pipeline = augur_pipeline_editor_get_pipeline (f->editor);
  g_assert_cmpuint (pipeline->children->len, ==, n);
  g_assert_cmpuint (f->n_changed, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const AugurNode *child = pipeline->children->pdata[i];

      g_assert_true (child->info == list[i]);
      g_assert_cmpfloat (child->p, ==, list[i]->default_p);
    }

  /* Drawn on screen as well, all of them expanded. */
  gtk_widget_queue_draw (f->window);
  wait_ms (50);
}

/* Parameters --------------------------------------------------------------------------- */

static void
test_set_param (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) good = json_from_string ("[-0.1, 0.3]", NULL);
  g_autoptr(JsonNode) wide = json_from_string ("[-5, 0.3]", NULL);
  g_autoptr(JsonNode) reversed = json_from_string ("[0.3, -0.1]", NULL);
  g_autoptr(JsonNode) half = json_from_string ("0.25", NULL);
  g_autoptr(JsonNode) too_big = json_from_string ("1.5", NULL);
  const AugurTransformInfo *info = augur_transform_lookup ("RandomBrightnessContrast");
  int index = augur_transform_param_index (info, "brightness_limit");
  const AugurNode *node;
  AugurParamControl *control;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  add_at_end (f, "HorizontalFlip");
  add_at_end (f, "RandomBrightnessContrast");
  augur_pipeline_editor_set_expanded (f->editor, "1", TRUE);
  pump ();
  node = augur_pipeline_editor_get_pipeline (f->editor)->children->pdata[1];
  f->n_changed = 0;

  g_assert_true (augur_pipeline_editor_set_param (f->editor, "1", "brightness_limit", good, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->n_changed, ==, 1);
  g_assert_false (f->last_mergeable);
  g_assert_nonnull (strstr (f->last_description, info->params[index].label));
  g_assert_cmpfloat (node->params[index].v[0], ==, -0.1);
  g_assert_cmpfloat (node->params[index].v[1], ==, 0.3);

  /* The expanded control shows the new value. */
  control = find_control (f, "1", "brightness_limit");
  g_assert_nonnull (control);
  g_assert_cmpfloat (augur_param_control_get_value (control)->v[0], ==, -0.1);
  g_assert_cmpfloat (augur_param_control_get_value (control)->v[1], ==, 0.3);

  /* Refused values leave the pipeline alone and announce nothing. */
  before = node_json (augur_pipeline_editor_get_pipeline (f->editor));
  g_assert_false (augur_pipeline_editor_set_param (f->editor, "1", "brightness_limit", wide, &error));
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
  g_clear_error (&error);
  g_assert_false (augur_pipeline_editor_set_param (f->editor, "1", "brightness_limit", reversed, &error));
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
  g_clear_error (&error);
  g_assert_false (augur_pipeline_editor_set_param (f->editor, "1", "no_such_thing", good, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (augur_pipeline_editor_set_param (f->editor, "7", "brightness_limit", good, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (augur_pipeline_editor_set_param (f->editor, "1", "p", too_big, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  after = node_json (augur_pipeline_editor_get_pipeline (f->editor));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (f->n_changed, ==, 1);

  /* p is a parameter too. */
  g_assert_true (augur_pipeline_editor_set_param (f->editor, "0", "p", half, &error));
  g_assert_cmpfloat (((AugurNode *) augur_pipeline_editor_get_pipeline (f->editor)->children->pdata[0])->p, ==, 0.25);
  g_assert_cmpuint (f->n_changed, ==, 2);
}

static void
test_control_edits (Fixture       *f,
                    gconstpointer  data)
{
  const AugurTransformInfo *info = augur_transform_lookup ("RandomBrightnessContrast");
  int index = augur_transform_param_index (info, "brightness_limit");
  const AugurNode *node;
  AugurParamControl *control;
  AugurValue v;

  add_at_end (f, "RandomBrightnessContrast");
  augur_pipeline_editor_set_expanded (f->editor, "0", TRUE);
  pump ();
  node = augur_pipeline_editor_get_pipeline (f->editor)->children->pdata[0];
  control = find_control (f, "0", "brightness_limit");
  g_assert_nonnull (control);
  f->n_changed = 0;

  /* A drag: the first edit starts an undo step, the next ones merge into it. */
  v = node->params[index];
  v.v[1] = 0.25;
  g_signal_emit_by_name (control, "edited", &v);
  g_assert_cmpuint (f->n_changed, ==, 1);
  g_assert_false (f->last_mergeable);
  v.v[1] = 0.3;
  g_signal_emit_by_name (control, "edited", &v);
  g_assert_cmpuint (f->n_changed, ==, 2);
  g_assert_true (f->last_mergeable);
  g_assert_cmpfloat (node->params[index].v[1], ==, 0.3);

  /* Beyond the hard limit: refused before it reaches the pipeline, and the
   * control goes back to the pipeline's value. */
  v.v[1] = 3;
  g_signal_emit_by_name (control, "edited", &v);
  g_assert_cmpuint (f->n_changed, ==, 2);
  g_assert_cmpfloat (node->params[index].v[1], ==, 0.3);
  g_assert_cmpfloat (augur_param_control_get_value (control)->v[1], ==, 0.3);

  /* The reset button, shown now that the value differs from the default,
   * brings the default back. */
  {
    GtkWidget *reset = NULL;
    g_autoptr(GPtrArray) stack = g_ptr_array_new ();
    AugurValue def;

    g_ptr_array_add (stack, control);
    while (stack->len > 0)
      {
        GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);

        if (GTK_IS_BUTTON (w) && g_strcmp0 (gtk_widget_get_tooltip_text (w), "Reset to the default") == 0)
          reset = w;
        for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
    g_assert_nonnull (reset);
    g_assert_true (gtk_widget_get_visible (reset));
    g_signal_emit_by_name (reset, "clicked");
    augur_param_default (&info->params[index], &def);
    g_assert_true (augur_param_equal (&info->params[index], &node->params[index], &def));
    g_assert_false (gtk_widget_get_visible (reset));
    g_assert_cmpuint (f->n_changed, ==, 3);
  }

  /* Another control is another undo step. */
  {
    AugurParamControl *contrast = find_control (f, "0", "contrast_limit");
    AugurValue c = *augur_param_control_get_value (contrast);

    c.v[0] = -0.1;
    g_signal_emit_by_name (contrast, "edited", &c);
    g_assert_cmpuint (f->n_changed, ==, 4);
    g_assert_false (f->last_mergeable);
  }
}

/* A control that does not take effect under the step's other values is
 * hidden, as the table declares: Rotate's fill only for a constant border. */
static void
test_relevance (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reflect = json_from_string ("\"reflect_101\"", NULL);
  g_autoptr(JsonNode) constant = json_from_string ("\"constant\"", NULL);
  const AugurTransformInfo *info = augur_transform_lookup ("Rotate");
  int border = augur_transform_param_index (info, "border_mode");
  int fill = augur_transform_param_index (info, "fill");
  AugurParamControl *control;
  GtkWidget *row;

  g_assert_cmpint (border, >=, 0);
  g_assert_cmpint (fill, >=, 0);
  /* the data itself */
  {
    g_autofree AugurValue *values = g_new0 (AugurValue, info->n_params);

    augur_transform_defaults (info, values);
    values[border].nick = augur_param_nick_index (&info->params[border], "constant");
    g_assert_true (augur_param_is_relevant (info->params, info->n_params, values, fill));
    values[border].nick = augur_param_nick_index (&info->params[border], "reflect_101");
    g_assert_false (augur_param_is_relevant (info->params, info->n_params, values, fill));
    /* a parameter that declares nothing always matters */
    g_assert_true (augur_param_is_relevant (info->params, info->n_params, values, border));
  }

  add_at_end (f, "Rotate");
  augur_pipeline_editor_set_expanded (f->editor, "0", TRUE);
  pump ();
  g_assert_true (augur_pipeline_editor_set_param (f->editor, "0", "border_mode", constant, &error));
  g_assert_no_error (error);
  control = find_control (f, "0", "fill");
  g_assert_nonnull (control);
  row = gtk_widget_get_parent (GTK_WIDGET (control));
  g_assert_true (gtk_widget_get_visible (row));

  g_assert_true (augur_pipeline_editor_set_param (f->editor, "0", "border_mode", reflect, &error));
  g_assert_no_error (error);
  g_assert_false (gtk_widget_get_visible (row));
  /* the border itself stays */
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (GTK_WIDGET (find_control (f, "0", "border_mode")))));

  g_assert_true (augur_pipeline_editor_set_param (f->editor, "0", "border_mode", constant, &error));
  g_assert_true (gtk_widget_get_visible (row));
}

/* GaussianBlur's kernel of 0 reads "auto"; a typed value the parameter
 * cannot take is refused with the reason shown, not silently put back. */
static void
test_typed_values (Fixture       *f,
                   gconstpointer  data)
{
  const AugurTransformInfo *info = augur_transform_lookup ("GaussianBlur");
  int index = augur_transform_param_index (info, "blur_limit");
  g_autoptr(GPtrArray) spins = g_ptr_array_new ();
  const AugurNode *node;
  AugurParamControl *control;
  GtkSpinButton *lo, *hi;
  AugurValue v;

  add_at_end (f, "GaussianBlur");
  augur_pipeline_editor_set_expanded (f->editor, "0", TRUE);
  pump ();
  node = augur_pipeline_editor_get_pipeline (f->editor)->children->pdata[0];
  g_assert_cmpfloat (node->params[index].v[0], ==, 0);
  control = find_control (f, "0", "blur_limit");
  g_assert_nonnull (control);
  collect_of_type (GTK_WIDGET (control), GTK_TYPE_SPIN_BUTTON, spins);
  g_assert_cmpuint (spins->len, ==, 2);
  lo = spins->pdata[0];
  hi = spins->pdata[1];
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (lo)), ==, "auto");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hi)), ==, "auto");
  g_assert_null (augur_param_control_get_error (control));

  /* A number typed in is taken... */
  f->n_changed = 0;
  gtk_editable_set_text (GTK_EDITABLE (hi), "7");
  gtk_spin_button_update (hi);
  pump ();
  g_assert_cmpfloat (node->params[index].v[1], ==, 7);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hi)), ==, "7");
  g_assert_cmpuint (f->n_changed, ==, 1);

  /* ...a word that is not a number is refused, and says so... */
  gtk_editable_set_text (GTK_EDITABLE (hi), "seven");
  gtk_spin_button_update (hi);
  pump ();
  g_assert_cmpfloat (node->params[index].v[1], ==, 7);
  g_assert_nonnull (augur_param_control_get_error (control));
  g_assert_nonnull (strstr (augur_param_control_get_error (control), "not a number"));

  /* ...as is a value beyond the hard limit... */
  gtk_editable_set_text (GTK_EDITABLE (hi), "100000");
  gtk_spin_button_update (hi);
  pump ();
  g_assert_cmpfloat (node->params[index].v[1], ==, 7);
  g_assert_nonnull (strstr (augur_param_control_get_error (control), "highest allowed value"));

  /* ...and "auto" is read back as 0; an accepted value clears the reason. */
  gtk_editable_set_text (GTK_EDITABLE (hi), "auto");
  gtk_spin_button_update (hi);
  pump ();
  g_assert_cmpfloat (node->params[index].v[1], ==, 0);
  g_assert_null (augur_param_control_get_error (control));

  /* A value the step refuses (a lowest above the highest) says why. */
  v = node->params[index];
  v.v[0] = 9;
  v.v[1] = 3;
  g_signal_emit_by_name (control, "edited", &v);
  g_assert_cmpfloat (node->params[index].v[0], ==, 0);
  g_assert_nonnull (augur_param_control_get_error (control));
  g_test_message ("refused: %s", augur_param_control_get_error (control));
}

/* A step chosen by hand is brought into view with its controls, however
 * long the list above it. */
static void
test_added_step_revealed (Fixture       *f,
                          gconstpointer  data)
{
  GtkWidget *chooser = augur_pipeline_editor_get_step_chooser (f->editor);
  GtkWidget *scroller, *row, *list;
  GtkAdjustment *vadj;
  graphene_rect_t bounds;
  guint n;

  for (guint i = 0; i < 14; i++)
    add_at_end (f, "HorizontalFlip");
  pump ();
  wait_ms (100);
  augur_pipeline_editor_select_path (f->editor, NULL);
  g_signal_emit_by_name (chooser, "chosen", "Rotate");
  wait_ms (800);

  n = augur_pipeline_editor_get_pipeline (f->editor)->children->len;
  {
    g_autofree char *path = g_strdup_printf ("%u", n - 1);

    row = augur_pipeline_editor_get_row (f->editor, path);
  }
  g_assert_nonnull (row);
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)));
  scroller = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scroller);
  list = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  if (GTK_IS_VIEWPORT (list))
    list = gtk_viewport_get_child (GTK_VIEWPORT (list));
  vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_assert_true (gtk_adjustment_get_upper (vadj) > gtk_adjustment_get_page_size (vadj));
  g_assert_true (gtk_widget_compute_bounds (row, list, &bounds));
  g_test_message ("row %g..%g, view %g..%g", bounds.origin.y, bounds.origin.y + bounds.size.height,
                  gtk_adjustment_get_value (vadj),
                  gtk_adjustment_get_value (vadj) + gtk_adjustment_get_page_size (vadj));
  /* its header and its controls' end are on screen */
  g_assert_cmpfloat (bounds.origin.y, >=, gtk_adjustment_get_value (vadj) - 1);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                     gtk_adjustment_get_value (vadj) + gtk_adjustment_get_page_size (vadj) + 1);
}

/* Clicking a step selects it and leaves it folded: only the arrow button
 * unfolds it. A step directly in the pipeline shows one probability. */
static void
test_click_selects (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *row, *header, *button = NULL;
  g_autoptr(GPtrArray) toggles = g_ptr_array_new ();
  g_autofree char *selected = NULL;

  add_at_end (f, "Rotate");
  add_at_end (f, "OneOf");
  augur_pipeline_editor_select_path (f->editor, "1");
  augur_pipeline_editor_add_step (f->editor, "GaussianBlur");
  augur_pipeline_editor_select_path (f->editor, NULL);
  pump ();
  row = augur_pipeline_editor_get_row (f->editor, "0");
  g_assert_nonnull (row);
  header = find_descendant (row, ADW_TYPE_ACTION_ROW);
  g_assert_nonnull (header);

  /* the header is no longer what unfolds the row */
  g_assert_false (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (header)));
  g_signal_emit_by_name (header, "activate");
  pump ();
  g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)));

  /* a press on it selects (the editor's own click handler, as a real click) */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (row);

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

        if (GTK_IS_GESTURE_CLICK (c) &&
            gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (c)) == GDK_BUTTON_PRIMARY)
          g_signal_emit_by_name (c, "pressed", 1, 20.0, 20.0);
      }
  }
  selected = augur_pipeline_editor_dup_selected_path (f->editor);
  g_assert_cmpstr (selected, ==, "0");
  g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)));

  /* the arrow button unfolds and folds it */
  collect_of_type (row, GTK_TYPE_TOGGLE_BUTTON, toggles);
  for (guint i = 0; i < toggles->len; i++)
    if (gtk_widget_has_css_class (toggles->pdata[i], "augur-expand"))
      button = toggles->pdata[i];
  g_assert_nonnull (button);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), FALSE);
  g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)));

  /* one probability for a top-level step; both inside a group */
  {
    g_autoptr(GPtrArray) labels = g_ptr_array_new ();
    GtkWidget *nested = augur_pipeline_editor_get_row (f->editor, "1.0");
    guint shown = 0;

    collect_of_type (row, GTK_TYPE_LABEL, labels);
    for (guint i = 0; i < labels->len; i++)
      if (gtk_widget_has_css_class (labels->pdata[i], "augur-eff") &&
          gtk_widget_get_visible (labels->pdata[i]))
        shown++;
    g_assert_cmpuint (shown, ==, 0);
    g_assert_nonnull (nested);
    g_ptr_array_set_size (labels, 0);
    collect_of_type (nested, GTK_TYPE_LABEL, labels);
    for (guint i = 0; i < labels->len; i++)
      if (gtk_widget_has_css_class (labels->pdata[i], "augur-eff") &&
          gtk_widget_get_visible (labels->pdata[i]))
        shown++;
    g_assert_cmpuint (shown, ==, 1);
  }
}

static void
test_enabled (Fixture       *f,
              gconstpointer  data)
{
  const AugurNode *pipeline;
  GtkWidget *toggle;

  add_at_end (f, "HorizontalFlip");
  add_at_end (f, "VerticalFlip");
  pipeline = augur_pipeline_editor_get_pipeline (f->editor);
  toggle = augur_pipeline_editor_get_enable_switch (f->editor, "1");
  g_assert_true (GTK_IS_SWITCH (toggle));
  f->n_changed = 0;

  augur_pipeline_editor_set_enabled (f->editor, "1", FALSE);
  g_assert_cmpuint (f->n_changed, ==, 1);
  g_assert_false (((AugurNode *) pipeline->children->pdata[1])->enabled);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));
  g_assert_cmpfloat (augur_pipeline_effective_p (pipeline, "1"), ==, 0);

  /* Again: nothing changes, nothing is announced. */
  augur_pipeline_editor_set_enabled (f->editor, "1", FALSE);
  g_assert_cmpuint (f->n_changed, ==, 1);

  augur_pipeline_editor_set_enabled (f->editor, "1", TRUE);
  g_assert_cmpuint (f->n_changed, ==, 2);
  g_assert_true (((AugurNode *) pipeline->children->pdata[1])->enabled);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));

  /* The row's switch is the same switch. */
  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  g_assert_cmpuint (f->n_changed, ==, 3);
  g_assert_false (((AugurNode *) pipeline->children->pdata[1])->enabled);
}

/* Where every row of the editor is, in the editor's coordinates. */
static GArray *
row_bounds (Fixture *f,
            guint    n)
{
  GArray *bounds = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%u", i);
      graphene_rect_t r;

      g_assert_true (gtk_widget_compute_bounds (augur_pipeline_editor_get_row (f->editor, path),
                                                GTK_WIDGET (f->editor), &r));
      g_array_append_val (bounds, r);
    }
  return bounds;
}

static void
assert_same_bounds (GArray *before,
                    GArray *after)
{
  g_assert_cmpuint (before->len, ==, after->len);
  for (guint i = 0; i < before->len; i++)
    {
      const graphene_rect_t *a = &g_array_index (before, graphene_rect_t, i);
      const graphene_rect_t *b = &g_array_index (after, graphene_rect_t, i);

      if (!graphene_rect_equal (a, b))
        g_error ("row %u moved: %g,%g %gx%g became %g,%g %gx%g", i,
                 a->origin.x, a->origin.y, a->size.width, a->size.height,
                 b->origin.x, b->origin.y, b->size.width, b->size.height);
    }
}

/* Switching a step off or on moves nothing: its open controls stay open,
 * and no row below it jumps under the pointer. */
static void
test_toggle_moves_nothing (Fixture       *f,
                           gconstpointer  data)
{
  const char *types[] = { "HorizontalFlip", "RandomBrightnessContrast", "GaussianBlur", "VerticalFlip" };
  g_autoptr(GArray) before = NULL;

  gtk_window_set_default_size (GTK_WINDOW (f->window), 480, 900);
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    add_at_end (f, types[i]);
  augur_pipeline_editor_set_expanded (f->editor, "1", TRUE);
  wait_ms (600);
  before = row_bounds (f, G_N_ELEMENTS (types));
  /* the open row is taller than the others: its controls are showing */
  g_assert_cmpfloat (g_array_index (before, graphene_rect_t, 1).size.height, >,
                     2 * g_array_index (before, graphene_rect_t, 0).size.height);

  for (guint k = 0; k < 4; k++)
    {
      /* the open row off and on, then a closed one off and on */
      const char *path = k < 2 ? "1" : "2";
      GtkWidget *toggle = augur_pipeline_editor_get_enable_switch (f->editor, path);
      gboolean was = gtk_switch_get_active (GTK_SWITCH (toggle));
      g_autoptr(GArray) after = NULL;

      g_assert_true (gtk_widget_activate (toggle));
      wait_ms (600);
      g_assert_cmpint (gtk_switch_get_active (GTK_SWITCH (toggle)), !=, was);
      g_assert_cmpint (((AugurNode *) augur_pipeline_editor_get_pipeline (f->editor)->children->pdata[atoi (path)])->enabled,
                       !=, was);
      g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (augur_pipeline_editor_get_row (f->editor, "1"))));
      after = row_bounds (f, G_N_ELEMENTS (types));
      assert_same_bounds (before, after);
    }
}

/* Keyboard shortcuts -------------------------------------------------------------------- */

static void
test_shortcuts (Fixture       *f,
                gconstpointer  data)
{
  const struct { const char *trigger; const char *action; } expected[] = {
    { "Delete",          "editor.remove" },
    { "<Control>d",      "editor.duplicate" },
    { "<Alt>Up",         "editor.move-up" },
    { "<Alt>Down",       "editor.move-down" },
  };
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->editor));
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (GTK_IS_NAMED_ACTION (action))
            g_hash_table_insert (found,
                                 gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut)),
                                 g_strdup (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action))));
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_hash_table_lookup (found, expected[i].trigger), ==, expected[i].action);

  /* Nothing selected: the selection actions do nothing. */
  add_at_end (f, "HorizontalFlip");
  augur_pipeline_editor_select_path (f->editor, NULL);
  f->n_changed = 0;
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.remove", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.duplicate", NULL);
  g_assert_cmpuint (augur_pipeline_editor_get_pipeline (f->editor)->children->len, ==, 1);
  g_assert_cmpuint (f->n_changed, ==, 0);
}

/* Structure ----------------------------------------------------------------------------- */

static void
activate (Fixture    *f,
          const char *action,
          GVariant   *parameter)
{
  g_autoptr(GVariant) owned = parameter ? g_variant_ref_sink (parameter) : NULL;

  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (f->editor), action, owned));
  pump ();
}

static void
assert_selected (Fixture    *f,
                 const char *expected)
{
  g_autofree char *path = augur_pipeline_editor_dup_selected_path (f->editor);

  g_assert_cmpstr (path, ==, expected);
}

/* The id of the step at @path (a copy: the tree changes under it). */
static char *
dup_id (Fixture    *f,
        const char *path)
{
  AugurNode *node = augur_pipeline_lookup ((AugurNode *) augur_pipeline_editor_get_pipeline (f->editor),
                                           path, NULL, NULL);

  g_assert_nonnull (node);
  g_assert_nonnull (node->id);
  return g_strdup (node->id);
}

static void
test_structure (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *flip_id = NULL, *rbc_id = NULL, *copy_id = NULL, *group_id = NULL;
  g_autoptr(AugurNode) expected = NULL;
  GtkWidget *row;

  add_at_end (f, "HorizontalFlip");
  add_at_end (f, "VerticalFlip");
  add_at_end (f, "RandomBrightnessContrast");
  assert_selected (f, "2");
  /* New steps get ids of their own. */
  g_assert_true (augur_node_has_ids (augur_pipeline_editor_get_pipeline (f->editor)));
  flip_id = dup_id (f, "0");
  rbc_id = dup_id (f, "2");
  g_assert_cmpstr (flip_id, ==, "horizontal-flip-1");
  g_assert_cmpstr (rbc_id, ==, "random-brightness-contrast-1");

  /* Remove: the next step is selected. */
  augur_pipeline_editor_select_path (f->editor, "1");
  f->n_changed = 0;
  activate (f, "editor.remove", NULL);
  g_assert_cmpuint (f->n_changed, ==, 1);
  expected = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_transform ("HorizontalFlip", 0.5),
                               augur_test_transform ("RandomBrightnessContrast", 0.5),
                               NULL);
  assert_pipeline (f, expected);
  assert_selected (f, "1");
  g_clear_pointer (&expected, augur_node_free);

  /* Duplicate: the copy follows and is selected. */
  augur_pipeline_editor_select_path (f->editor, "0");
  activate (f, "editor.duplicate", NULL);
  expected = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_transform ("HorizontalFlip", 0.5),
                               augur_test_transform ("HorizontalFlip", 0.5),
                               augur_test_transform ("RandomBrightnessContrast", 0.5),
                               NULL);
  assert_pipeline (f, expected);
  assert_selected (f, "1");
  g_clear_pointer (&expected, augur_node_free);
  /* The duplicate is a new step with a new id; the original keeps its own. */
  copy_id = dup_id (f, "1");
  g_assert_cmpstr (copy_id, !=, flip_id);
  g_assert_cmpstr (copy_id, ==, "horizontal-flip-2");
  {
    g_autofree char *id0 = dup_id (f, "0");

    g_assert_cmpstr (id0, ==, flip_id);
  }

  /* Move up and down; the selection follows the step, and so does its row,
   * expanded, with its controls. */
  augur_pipeline_editor_set_expanded (f->editor, "2", TRUE);
  row = augur_pipeline_editor_get_row (f->editor, "2");
  augur_pipeline_editor_select_path (f->editor, "2");
  f->n_selection = 0;
  activate (f, "editor.move-up", NULL);
  assert_selected (f, "1");
  /* Same step, new path: the window hears of it. */
  g_assert_cmpuint (f->n_selection, ==, 1);
  g_assert_true (augur_pipeline_editor_get_row (f->editor, "1") == row);
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)));
  g_assert_nonnull (find_control (f, "1", "brightness_limit"));
  activate (f, "editor.move-up", NULL);
  assert_selected (f, "0");
  /* At the top already: nothing moves. */
  f->n_changed = 0;
  gtk_widget_activate_action_variant (GTK_WIDGET (f->editor), "editor.move-up", NULL);
  g_assert_cmpuint (f->n_changed, ==, 0);
  assert_selected (f, "0");
  expected = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_transform ("RandomBrightnessContrast", 0.5),
                               augur_test_transform ("HorizontalFlip", 0.5),
                               augur_test_transform ("HorizontalFlip", 0.5),
                               NULL);
  assert_pipeline (f, expected);
  g_clear_pointer (&expected, augur_node_free);
  /* Moved steps keep their ids. */
  {
    g_autofree char *id0 = dup_id (f, "0");
    g_autofree char *id1 = dup_id (f, "1");
    g_autofree char *id2 = dup_id (f, "2");

    g_assert_cmpstr (id0, ==, rbc_id);
    g_assert_cmpstr (id1, ==, flip_id);
    g_assert_cmpstr (id2, ==, copy_id);
  }
  activate (f, "editor.move-down", NULL);
  assert_selected (f, "1");

  /* Group two selected steps into a OneOf, where the first was. */
  augur_pipeline_editor_select_path (f->editor, "0");
  augur_pipeline_editor_extend_selection (f->editor, "2");
  activate (f, "editor.group", g_variant_new_string ("OneOf"));
  expected = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_group (AUGUR_NODE_ONE_OF, 1,
                                                 augur_test_transform ("HorizontalFlip", 0.5),
                                                 augur_test_transform ("HorizontalFlip", 0.5),
                                                 NULL),
                               augur_test_transform ("RandomBrightnessContrast", 0.5),
                               NULL);
  assert_pipeline (f, expected);
  assert_selected (f, "0");
  g_clear_pointer (&expected, augur_node_free);
  /* The new group gets an id; the grouped steps keep theirs. */
  group_id = dup_id (f, "0");
  g_assert_cmpstr (group_id, ==, "one-of-1");
  {
    g_autofree char *id0 = dup_id (f, "0.0");
    g_autofree char *id1 = dup_id (f, "0.1");

    g_assert_cmpstr (id0, ==, flip_id);
    g_assert_cmpstr (id1, ==, copy_id);
  }

  /* Alt+Up at the top of a group takes the step out of it. */
  augur_pipeline_editor_select_path (f->editor, "0.0");
  activate (f, "editor.move-up", NULL);
  assert_selected (f, "0");
  expected = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_transform ("HorizontalFlip", 0.5),
                               augur_test_group (AUGUR_NODE_ONE_OF, 1,
                                                 augur_test_transform ("HorizontalFlip", 0.5),
                                                 NULL),
                               augur_test_transform ("RandomBrightnessContrast", 0.5),
                               NULL);
  assert_pipeline (f, expected);
  g_clear_pointer (&expected, augur_node_free);

  /* Ungroup puts the children back in the group's place. */
  augur_pipeline_editor_select_path (f->editor, "1");
  activate (f, "editor.ungroup", NULL);
  expected = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_transform ("HorizontalFlip", 0.5),
                               augur_test_transform ("HorizontalFlip", 0.5),
                               augur_test_transform ("RandomBrightnessContrast", 0.5),
                               NULL);
  assert_pipeline (f, expected);
  assert_selected (f, "1");
  g_clear_pointer (&expected, augur_node_free);

  /* A single selected step grouped into a SomeOf; an added step lands
   * after the selection. */
  augur_pipeline_editor_select_path (f->editor, "2");
  activate (f, "editor.group", g_variant_new_string ("SomeOf"));
  augur_pipeline_editor_select_path (f->editor, "2.0");
  augur_pipeline_editor_add_step (f->editor, "VerticalFlip");
  assert_selected (f, "2.1");
  expected = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_transform ("HorizontalFlip", 0.5),
                               augur_test_transform ("HorizontalFlip", 0.5),
                               augur_test_group (AUGUR_NODE_SOME_OF, 1,
                                                 augur_test_transform ("RandomBrightnessContrast", 0.5),
                                                 augur_test_transform ("VerticalFlip", 0.5),
                                                 NULL),
                               NULL);
  assert_pipeline (f, expected);
  g_clear_pointer (&expected, augur_node_free);

  /* Removing a group removes what it holds. */
  augur_pipeline_editor_select_path (f->editor, "2");
  activate (f, "editor.remove", NULL);
  expected = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_transform ("HorizontalFlip", 0.5),
                               augur_test_transform ("HorizontalFlip", 0.5),
                               NULL);
  assert_pipeline (f, expected);
  assert_selected (f, "1");

  /* A range of siblings, grouped at once. */
  augur_pipeline_editor_select_path (f->editor, "0");
  augur_pipeline_editor_select_range (f->editor, "1");
  assert_selected (f, "0");
  activate (f, "editor.group", g_variant_new_string ("RandomOrder"));
  g_clear_pointer (&expected, augur_node_free);
  expected = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_group (AUGUR_NODE_RANDOM_ORDER, 1,
                                                 augur_test_transform ("HorizontalFlip", 0.5),
                                                 augur_test_transform ("HorizontalFlip", 0.5),
                                                 NULL),
                               NULL);
  ((AugurNode *) expected->children->pdata[0])->n = 2;
  assert_pipeline (f, expected);
  assert_selected (f, "0");

  /* Actions follow the selection. */
  augur_pipeline_editor_select_path (f->editor, NULL);
  g_assert_null (augur_pipeline_editor_dup_selected_path (f->editor));
  g_assert_false (gtk_widget_activate_action_variant (GTK_WIDGET (f->editor), "editor.nothing", NULL));
}

static void
test_selection (Fixture       *f,
                gconstpointer  data)
{
  add_at_end (f, "HorizontalFlip");
  add_at_end (f, "VerticalFlip");
  f->n_selection = 0;

  augur_pipeline_editor_select_path (f->editor, "0");
  g_assert_cmpuint (f->n_selection, ==, 1);
  assert_selected (f, "0");
  g_assert_true (gtk_widget_has_css_class (augur_pipeline_editor_get_row (f->editor, "0"), "augur-selected"));
  g_assert_false (gtk_widget_has_css_class (augur_pipeline_editor_get_row (f->editor, "1"), "augur-selected"));

  /* Selecting the same again is no change. */
  augur_pipeline_editor_select_path (f->editor, "0");
  g_assert_cmpuint (f->n_selection, ==, 1);

  augur_pipeline_editor_select_path (f->editor, NULL);
  g_assert_cmpuint (f->n_selection, ==, 2);
  assert_selected (f, NULL);

  /* A right click selects the row and opens the context menu. */
  {
    GtkWidget *row = augur_pipeline_editor_get_row (f->editor, "1");
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (row);
    GtkGesture *secondary = NULL;
    GtkWidget *menu = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_GESTURE_CLICK (controller) &&
            gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
          secondary = GTK_GESTURE (controller);
      }
    for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (f->editor)); child;
         child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_POPOVER_MENU (child))
        menu = child;
    g_assert_nonnull (secondary);
    g_assert_nonnull (menu);
    g_assert_false (gtk_widget_get_visible (menu));

    g_signal_emit_by_name (secondary, "pressed", 1, 20.0, 20.0);
    pump ();
    assert_selected (f, "1");
    g_assert_true (gtk_widget_get_visible (menu));
    gtk_popover_popdown (GTK_POPOVER (menu));
    pump ();
  }
}

/* Effective probability ------------------------------------------------------------------ */

static void
test_effective_probability (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(AugurNode) pipeline = NULL;
  AugurNode *some_of, *with_replacement;
  const struct { const char *path; double p; const char *label; } cases[] = {
    { "0",   0.5,                     "50%" },   /* OneOf p 0.5 */
    { "0.0", 0.5 * 0.2 / 0.8,         "12.5%" }, /* weight 0.2 of 0.8 */
    { "0.1", 0.5 * 0.6 / 0.8,         "37.5%" }, /* own p ignored: a weight */
    { "1",   0.8,                     "80%" },
    { "1.0", 0.8 * 1.0 * 0.5,         "40%" },   /* n = 2 of the 2 enabled */
    { "1.1", 0.8 * 1.0 * 1.0,         "80%" },
    { "1.2", 0,                       "0%" },    /* disabled */
    { "2",   1,                       "100%" },
    { "2.0", (1 - 4.0 / 9.0) * 0.5,   "27.8%" }, /* with replacement: 1 - (2/3)^2 */
    { "2.2", (1 - 4.0 / 9.0) * 1.0,   "55.6%" },
    { "3",   0.5,                     "50%" },
    { "3.0", 0.5,                     "50%" },   /* SomeOf p 1 inside Sequential p 0.5 */
    { "3.0.1", 0.5 * (1.0 / 3.0) * 1.0, "16.7%" }, /* n = 1 of 3 */
  };

  some_of = augur_test_group (AUGUR_NODE_SOME_OF, 0.8,
                              augur_test_transform ("HorizontalFlip", 0.5),
                              augur_test_transform ("VerticalFlip", 1.0),
                              augur_test_transform ("RandomBrightnessContrast", 1.0),
                              NULL);
  some_of->n = 2;
  ((AugurNode *) some_of->children->pdata[2])->enabled = FALSE;
  with_replacement = augur_test_group (AUGUR_NODE_RANDOM_ORDER, 1,
                                       augur_test_transform ("HorizontalFlip", 0.5),
                                       augur_test_transform ("VerticalFlip", 0.5),
                                       augur_test_transform ("RandomBrightnessContrast", 1.0),
                                       NULL);
  with_replacement->n = 2;
  with_replacement->replace = TRUE;
  pipeline = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_group (AUGUR_NODE_ONE_OF, 0.5,
                                                 augur_test_transform ("HorizontalFlip", 0.2),
                                                 augur_test_transform ("VerticalFlip", 0.6),
                                                 NULL),
                               some_of,
                               with_replacement,
                               augur_test_group (AUGUR_NODE_SEQUENTIAL, 0.5,
                                                 augur_test_group (AUGUR_NODE_SOME_OF, 1,
                                                                   augur_test_transform ("HorizontalFlip", 1.0),
                                                                   augur_test_transform ("VerticalFlip", 1.0),
                                                                   augur_test_transform ("RandomBrightnessContrast", 1.0),
                                                                   NULL),
                                                 NULL),
                               NULL);

  augur_pipeline_editor_set_pipeline (f->editor, pipeline);
  g_assert_cmpuint (f->n_changed, ==, 0);
  pump ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GtkWidget *row = augur_pipeline_editor_get_row (f->editor, cases[i].path);
      GtkWidget *label = NULL;

      g_test_message ("step %s", cases[i].path);
      g_assert_cmpfloat_with_epsilon (augur_pipeline_effective_p (augur_pipeline_editor_get_pipeline (f->editor),
                                                                  cases[i].path),
                                      cases[i].p, 1e-12);
      g_assert_nonnull (row);
      /* The row shows the number in its probability badge. */
      {
        g_autoptr(GPtrArray) stack = g_ptr_array_new ();

        g_ptr_array_add (stack, row);
        while (stack->len > 0 && label == NULL)
          {
            GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);

            if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "augur-eff"))
              label = w;
            for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
              g_ptr_array_add (stack, c);
          }
      }
      g_assert_nonnull (label);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, cases[i].label);
    }

  /* The SomeOf nested in the Sequential: n = 1 of 3 gives every child a third
   * of the group's chances. */
  g_assert_cmpfloat_with_epsilon (augur_pipeline_effective_p (augur_pipeline_editor_get_pipeline (f->editor), "3.0.1"),
                                  0.5 / 3, 1e-12);
}

/* The share of the work the row of the step at @path shows after its
 * subtitle; -1: none shown. */
static double
cost_share (Fixture    *f,
            const char *path)
{
  GtkWidget *row = augur_pipeline_editor_get_row (f->editor, path);
  const char *subtitle, *dot;

  g_assert_nonnull (row);
  subtitle = adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row));
  if ((dot = strstr (subtitle, " · ")) == NULL)
    return -1;
  g_assert_true (g_str_has_suffix (subtitle, "% of the work"));
  dot += strlen (" · ");
  if (dot[0] == '<')
    return 0;
  return g_ascii_strtod (dot, NULL);
}

/* Each row shows its share of the recipe's estimated work on the current
 * sample: a wide blur takes nearly all of it, a flip next to nothing, the
 * shares of the steps of a Sequential add up to the whole, and a step
 * switched off has none. */
static void
test_step_cost (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(AugurNode) pipeline = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                                                    augur_test_transform ("HorizontalFlip", 1.0),
                                                    augur_test_transform ("GaussianBlur", 1.0),
                                                    NULL);
  g_autoptr(JsonNode) sigma = json_from_string ("[40, 40]", NULL);
  g_autoptr(GError) error = NULL;
  const AugurShape shape = { 512, 384, 3 };
  double flip, blur;

  augur_pipeline_editor_set_pipeline (f->editor, pipeline);
  g_assert_true (augur_pipeline_editor_set_param (f->editor, "1", "sigma_limit", sigma, &error));
  g_assert_no_error (error);
  pump ();

  /* no sample: nothing to estimate on */
  g_assert_cmpfloat (cost_share (f, "0"), ==, -1);

  augur_pipeline_editor_set_input_shape (f->editor, &shape);
  flip = cost_share (f, "0");
  blur = cost_share (f, "1");
  g_test_message ("flip %.1f%%, blur %.1f%%", flip, blur);
  g_assert_cmpfloat (blur, >, 90);
  g_assert_cmpfloat (flip, <, 10);
  g_assert_cmpfloat_with_epsilon (flip + blur, 100, 0.2);

  /* switched off, the blur costs nothing and the flip is all the work */
  augur_pipeline_editor_set_enabled (f->editor, "1", FALSE);
  pump ();
  g_assert_cmpfloat (cost_share (f, "1"), ==, -1);
  g_assert_cmpfloat (cost_share (f, "0"), ==, 100);

  augur_pipeline_editor_set_input_shape (f->editor, NULL);
  g_assert_cmpfloat (cost_share (f, "0"), ==, -1);
}

/* The pipeline in and out ------------------------------------------------------------------ */

static void
test_set_pipeline (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(AugurNode) pipeline = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                                                    augur_test_transform ("HorizontalFlip", 0.3),
                                                    augur_test_group (AUGUR_NODE_ONE_OF, 0.7,
                                                                      augur_test_transform ("VerticalFlip", 1),
                                                                      NULL),
                                                    NULL);
  GtkWidget *stack = find_named (GTK_WIDGET (f->editor), "editor-stack");

  /* Empty: the status page with its Add Step button. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  g_assert_true (gtk_widget_get_mapped (find_descendant (GTK_WIDGET (f->editor), ADW_TYPE_STATUS_PAGE)));

  augur_pipeline_editor_set_pipeline (f->editor, pipeline);
  g_assert_cmpuint (f->n_changed, ==, 0);
  g_assert_true (augur_pipeline_editor_get_pipeline (f->editor) != pipeline);
  assert_pipeline (f, pipeline);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "list");
  g_assert_nonnull (augur_pipeline_editor_get_row (f->editor, "1.0"));
  g_assert_null (augur_pipeline_editor_get_row (f->editor, "2"));

  /* The editor's copy is its own. */
  ((AugurNode *) pipeline->children->pdata[0])->p = 0.9;
  g_assert_false (augur_node_equal (augur_pipeline_editor_get_pipeline (f->editor), pipeline));

  augur_pipeline_editor_set_pipeline (f->editor, NULL);
  g_assert_cmpuint (augur_pipeline_editor_get_pipeline (f->editor)->children->len, ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
}

static void
test_set_pipeline_keeps_place (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(AugurNode) before = NULL;
  g_autoptr(AugurNode) edited = NULL;
  g_autoptr(AugurNode) longer = NULL;
  const AugurTransformInfo *info = augur_transform_lookup ("RandomBrightnessContrast");
  int index = augur_transform_param_index (info, "brightness_limit");
  GtkWidget *row;
  AugurParamControl *control;

  add_at_end (f, "HorizontalFlip");
  add_at_end (f, "RandomBrightnessContrast");
  augur_pipeline_editor_set_expanded (f->editor, "1", TRUE);
  augur_pipeline_editor_select_path (f->editor, "1");
  pump ();
  before = augur_node_copy (augur_pipeline_editor_get_pipeline (f->editor));
  row = augur_pipeline_editor_get_row (f->editor, "1");

  /* An undo of a value: the rows stay, and show the value. */
  edited = augur_node_copy (before);
  ((AugurNode *) edited->children->pdata[1])->params[index].v[1] = 0.45;
  ((AugurNode *) edited->children->pdata[0])->enabled = FALSE;
  f->n_selection = 0;
  augur_pipeline_editor_set_pipeline (f->editor, edited);
  assert_pipeline (f, edited);
  g_assert_true (augur_pipeline_editor_get_row (f->editor, "1") == row);
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)));
  control = find_control (f, "1", "brightness_limit");
  g_assert_cmpfloat (augur_param_control_get_value (control)->v[1], ==, 0.45);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (augur_pipeline_editor_get_enable_switch (f->editor, "0"))));
  assert_selected (f, "1");
  g_assert_cmpuint (f->n_selection, ==, 0);
  g_assert_cmpuint (f->n_changed, ==, 2);

  /* Another shape: the selection and expansion stay where the same kind of
   * step still is. */
  longer = augur_node_copy (before);
  augur_node_append (longer, augur_test_transform ("VerticalFlip", 0.5));
  augur_pipeline_editor_set_pipeline (f->editor, longer);
  assert_pipeline (f, longer);
  assert_selected (f, "1");
  g_assert_cmpuint (f->n_selection, ==, 0);
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (augur_pipeline_editor_get_row (f->editor, "1"))));

  /* And where it is not, the selection goes. */
  augur_pipeline_editor_set_pipeline (f->editor, NULL);
  assert_selected (f, NULL);
  g_assert_cmpuint (f->n_selection, ==, 1);
  g_assert_cmpuint (f->n_changed, ==, 2);
}

/* Drag and drop --------------------------------------------------------------------------- */

static gpointer
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;  /* the widget keeps it alive */
    }
  return NULL;
}

static void
drop_on (Fixture    *f,
         const char *source_path,
         const char *target_path,
         double      y)
{
  GtkWidget *source = augur_pipeline_editor_get_row (f->editor, source_path);
  GtkWidget *target = augur_pipeline_editor_get_row (f->editor, target_path);
  GtkDragSource *drag = find_controller (source, GTK_TYPE_DRAG_SOURCE);
  GtkDropTarget *drop = find_controller (target, GTK_TYPE_DROP_TARGET);
  g_autoptr(GdkContentProvider) content = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  g_assert_nonnull (drag);
  g_assert_nonnull (drop);

  /* What the drag carries: the path of the dragged step. */
  g_signal_emit_by_name (drag, "prepare", 10.0, 10.0, &content);
  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, source_path);

  g_signal_emit_by_name (drop, "drop", &value, 10.0, y, &accepted);
  g_assert_true (accepted);
  pump ();
  {
    g_autofree char *j = node_json (augur_pipeline_editor_get_pipeline (f->editor));
    g_test_message ("after drop %s on %s: %s", source_path, target_path, j);
  }
}

static void
test_drag_and_drop (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(AugurNode) expected = NULL;

  add_at_end (f, "HorizontalFlip");
  add_at_end (f, "VerticalFlip");
  add_at_end (f, "OneOf");
  add_at_end (f, "RandomBrightnessContrast");
  wait_ms (100);
  f->n_changed = 0;

  /* On the upper half of a row: before it. */
  drop_on (f, "3", "0", 5);
  expected = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_transform ("RandomBrightnessContrast", 0.5),
                               augur_test_transform ("HorizontalFlip", 0.5),
                               augur_test_transform ("VerticalFlip", 0.5),
                               augur_test_group (AUGUR_NODE_ONE_OF, 1, NULL),
                               NULL);
  assert_pipeline (f, expected);
  assert_selected (f, "0");
  g_clear_pointer (&expected, augur_node_free);

  /* On the lower half of a step: after it. */
  drop_on (f, "0", "1", 40);
  expected = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_transform ("HorizontalFlip", 0.5),
                               augur_test_transform ("RandomBrightnessContrast", 0.5),
                               augur_test_transform ("VerticalFlip", 0.5),
                               augur_test_group (AUGUR_NODE_ONE_OF, 1, NULL),
                               NULL);
  assert_pipeline (f, expected);
  g_clear_pointer (&expected, augur_node_free);

  /* On the lower half of a group: into it. */
  drop_on (f, "0", "3", 40);
  drop_on (f, "1", "2", 40);
  expected = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_transform ("RandomBrightnessContrast", 0.5),
                               augur_test_group (AUGUR_NODE_ONE_OF, 1,
                                                 augur_test_transform ("VerticalFlip", 0.5),
                                                 augur_test_transform ("HorizontalFlip", 0.5),
                                                 NULL),
                               NULL);
  assert_pipeline (f, expected);
  assert_selected (f, "1.0");
  g_assert_cmpuint (f->n_changed, ==, 4);
}

/* The add-step list ------------------------------------------------------------------------ */

static void
record_paintable_width (GtkPicture *picture,
                        GParamSpec *pspec,
                        GArray     *widths)
{
  GdkPaintable *paintable = gtk_picture_get_paintable (picture);

  if (paintable != NULL)
    {
      int width = gdk_paintable_get_intrinsic_width (paintable);

      g_array_append_val (widths, width);
    }
}

static void
test_step_chooser (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (int));
  GtkWidget *first_picture = NULL;
  AugurStepChooser *chooser = AUGUR_STEP_CHOOSER (augur_pipeline_editor_get_step_chooser (f->editor));
  guint n, all;
  g_autoptr(AugurImage) image = augur_step_chooser_default_image (40);
  g_autoptr(AugurImage) flipped = NULL;
  gint64 deadline;

  augur_transforms_list (&n);

  /* Every transform, and the four groups. */
  all = augur_step_chooser_get_n_visible (chooser);
  g_assert_cmpuint (all, ==, n + 4);
  augur_step_chooser_set_search (chooser, "vertical flip");
  g_assert_cmpuint (augur_step_chooser_get_n_visible (chooser), ==, 1);
  augur_step_chooser_set_search (chooser, "zzzz-nothing");
  g_assert_cmpuint (augur_step_chooser_get_n_visible (chooser), ==, 0);
  augur_step_chooser_set_search (chooser, NULL);
  g_assert_cmpuint (augur_step_chooser_get_n_visible (chooser), ==, all);

  /* Choosing adds the step. */
  g_signal_emit_by_name (chooser, "chosen", "VerticalFlip");
  g_assert_cmpuint (augur_pipeline_editor_get_pipeline (f->editor)->children->len, ==, 1);
  g_assert_cmpuint (f->n_changed, ==, 1);

  /* The thumbnail renderer: a forced horizontal flip mirrors the picture. */
  flipped = augur_step_chooser_render_thumbnail (image, "HorizontalFlip", 64);
  g_assert_cmpint (flipped->width, ==, 40);
  for (int y = 0; y < 40; y++)
    for (int x = 0; x < 40; x++)
      for (int c = 0; c < 3; c++)
        g_assert_cmpuint (augur_image_row (flipped, y)[3 * x + c], ==,
                          augur_image_row (image, y)[3 * (39 - x) + c]);

  /* The popover renders every thumbnail on a worker and fills them in,
   * each as it comes: a small one first, then the full size in its place
   * (seen on the first thumbnail of the list). */
  {
    g_autoptr(GPtrArray) pictures = g_ptr_array_new ();

    collect_of_type (GTK_WIDGET (chooser), GTK_TYPE_PICTURE, pictures);
    g_assert_cmpuint (pictures->len, >, 0);
    first_picture = pictures->pdata[0];
    g_signal_connect (first_picture, "notify::paintable",
                      G_CALLBACK (record_paintable_width), widths);
  }
  augur_pipeline_editor_set_thumbnail_image (f->editor, image);
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.add-step", NULL);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (augur_step_chooser_get_n_thumbnails (chooser) < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (augur_step_chooser_get_n_thumbnails (chooser), ==, n);
  g_assert_cmpuint (widths->len, >=, 2);
  g_assert_cmpint (g_array_index (widths, int, 0), <=, 64 / 3);
  g_assert_cmpint (g_array_index (widths, int, widths->len - 1), >, 64 / 3);
  g_signal_handlers_disconnect_by_data (first_picture, widths);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (chooser)));
  gtk_popover_popdown (GTK_POPOVER (chooser));
  pump ();
}

/* The editor shown ------------------------------------------------------------------ */

static guint
count_step_rows (GtkWidget *widget)
{
  guint n = gtk_widget_has_css_class (widget, "augur-step") ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    n += count_step_rows (child);
  return n;
}

/* The first widget under @widget (itself included) that @match accepts,
 * leaving out popovers (p's controls live in one in every row). */
typedef gboolean (*WidgetMatch) (GtkWidget     *widget,
                                 gconstpointer  data);

static GtkWidget *
find_in_row (GtkWidget     *widget,
             WidgetMatch    match,
             gconstpointer  data)
{
  if (GTK_IS_POPOVER (widget))
    return NULL;
  if (match (widget, data))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_in_row (child, match, data);

      if (found)
        return found;
    }
  return NULL;
}

static gboolean
is_label_with_text (GtkWidget     *widget,
                    gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
is_image_of_icon (GtkWidget     *widget,
                  gconstpointer  icon_name)
{
  return GTK_IS_IMAGE (widget) && g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (widget)), icon_name) == 0;
}

static gboolean
is_spin_button (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_SPIN_BUTTON (widget);
}

/* The row of the step at @path is on screen, titled as the transform or
 * group table says, its group icon from the group table. */
static GtkWidget *
assert_row (Fixture         *f,
            const char      *path,
            const AugurNode *node)
{
  GtkWidget *row = augur_pipeline_editor_get_row (f->editor, path);
  const char *title;

  g_assert_nonnull (row);
  g_assert_true (ADW_IS_EXPANDER_ROW (row));
  g_assert_true (gtk_widget_get_mapped (row));
  title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
  if (node->kind == AUGUR_NODE_TRANSFORM)
    g_assert_cmpstr (title, ==, node->info->label);
  else
    {
      const AugurGroupInfo *info = augur_group_info (node->kind);

      g_assert_cmpstr (title, ==, info->label);
      g_assert_nonnull (find_in_row (row, is_image_of_icon, info->icon_name));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (row), ==, info->description);
    }
  return row;
}

/* A three-level recipe shown in a window, edited the way a user would
 * (rows expanded, a step selected, one switched off, a range set): the
 * editor maps, has one row per step with the tables' titles and icons,
 * and every edit shows. With AUGUR_EDITOR_SHOW=seconds the window then
 * stays up to be looked at (AUGUR_EDITOR_SHOW_EMPTY, _ALL, _MENU,
 * _CHOOSER, _WIDTH and _HEIGHT vary what it shows). */
static void
test_show (Fixture       *f,
           gconstpointer  data)
{
  const char *show = g_getenv ("AUGUR_EDITOR_SHOW");
  g_autoptr(AugurNode) pipeline = NULL;
  AugurNode *some_of;
  GtkWidget *row;
  const AugurGroupInfo *some_of_info = augur_group_info (AUGUR_NODE_SOME_OF);
  static const char *const paths[] = { "0", "1", "1.0", "1.1", "2", "2.0", "2.1" };

  some_of = augur_test_group (AUGUR_NODE_SOME_OF, 0.8,
                              augur_test_transform ("HorizontalFlip", 0.5),
                              augur_test_transform ("VerticalFlip", 1.0),
                              NULL);
  pipeline = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1,
                               augur_test_transform ("RandomBrightnessContrast", 0.5),
                               augur_test_group (AUGUR_NODE_ONE_OF, 0.5,
                                                 augur_test_transform ("HorizontalFlip", 0.2),
                                                 augur_test_transform ("VerticalFlip", 0.6),
                                                 NULL),
                               some_of,
                               NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 460,
                               g_getenv ("AUGUR_EDITOR_SHOW_HEIGHT")
                               ? atoi (g_getenv ("AUGUR_EDITOR_SHOW_HEIGHT")) : 980);
  if (g_getenv ("AUGUR_EDITOR_SHOW_WIDTH"))
    gtk_window_set_default_size (GTK_WINDOW (f->window), atoi (g_getenv ("AUGUR_EDITOR_SHOW_WIDTH")), 980);
  if (show && g_getenv ("AUGUR_EDITOR_SHOW_EMPTY"))
    {
      wait_ms ((guint) (1000 * g_ascii_strtod (show, NULL)));
      return;
    }
  augur_pipeline_editor_set_pipeline (f->editor, pipeline);
  augur_pipeline_editor_set_expanded (f->editor, "0", TRUE);
  augur_pipeline_editor_set_expanded (f->editor, "2", TRUE);
  augur_pipeline_editor_select_path (f->editor, "1.1");
  augur_pipeline_editor_set_enabled (f->editor, "2.0", FALSE);
  {
    g_autoptr(JsonNode) value = json_from_string ("[-0.3, 0.25]", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true (augur_pipeline_editor_set_param (f->editor, "0", "brightness_limit", value, &error));
    g_assert_no_error (error);
  }
  pump ();

  /* It is on screen, with one row per step, none for the root. */
  g_assert_true (gtk_widget_get_mapped (f->window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->editor)));
  g_assert_cmpuint (count_step_rows (GTK_WIDGET (f->editor)), ==, G_N_ELEMENTS (paths));
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_auto(GStrv) steps = g_strsplit (paths[i], ".", -1);
      const AugurNode *node = augur_pipeline_editor_get_pipeline (f->editor);

      for (guint k = 0; steps[k]; k++)
        node = node->children->pdata[atoi (steps[k])];
      assert_row (f, paths[i], node);
    }
  g_assert_null (augur_pipeline_editor_get_row (f->editor, "3"));

  /* The edits show: expansion, selection, the switched-off step, the
   * range set. */
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (augur_pipeline_editor_get_row (f->editor, "0"))));
  g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (augur_pipeline_editor_get_row (f->editor, "1"))));
  {
    g_autofree char *selected = augur_pipeline_editor_dup_selected_path (f->editor);

    g_assert_cmpstr (selected, ==, "1.1");
  }
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (augur_pipeline_editor_get_enable_switch (f->editor, "2.0"))));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (augur_pipeline_editor_get_enable_switch (f->editor, "2.1"))));
  {
    AugurParamControl *control = find_control (f, "0", "brightness_limit");
    const AugurValue *value;

    g_assert_nonnull (control);
    /* once the expanding row has revealed it */
    for (guint i = 0; i < 300 && !gtk_widget_get_mapped (GTK_WIDGET (control)); i++)
      wait_ms (10);
    g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (control)));
    value = augur_param_control_get_value (control);
    g_assert_cmpfloat_with_epsilon (value->v[0], -0.3, 1e-9);
    g_assert_cmpfloat_with_epsilon (value->v[1], 0.25, 1e-9);
  }

  /* The expanded SomeOf: its description, its summary and an n within the
   * table's limits. */
  row = augur_pipeline_editor_get_row (f->editor, "2");
  g_assert_nonnull (find_in_row (row, is_label_with_text, some_of_info->description));
  {
    g_autofree char *subtitle = g_strdup_printf ("1 of 2, %s", some_of_info->order);
    GtkWidget *spin = find_in_row (row, is_spin_button, NULL);
    double lo, hi;

    g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), ==, subtitle);
    g_assert_nonnull (spin);
    gtk_spin_button_get_range (GTK_SPIN_BUTTON (spin), &lo, &hi);
    g_assert_cmpfloat (lo, ==, some_of_info->n_min);
    g_assert_cmpfloat (hi, ==, some_of_info->n_max);
  }

  if (show == NULL)
    return;

  if (g_getenv ("AUGUR_EDITOR_SHOW_ALL"))
    {
      guint n;
      const AugurTransformInfo *const *list = augur_transforms_list (&n);

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *path = g_strdup_printf ("%u", i + 3);

          add_at_end (f, list[i]->name);
          augur_pipeline_editor_set_expanded (f->editor, path, TRUE);
        }
    }
  if (g_getenv ("AUGUR_EDITOR_SHOW_MENU"))
    {
      g_autoptr(GListModel) controllers = NULL;

      wait_ms (300);
      controllers = gtk_widget_observe_controllers (augur_pipeline_editor_get_row (f->editor, "1.1"));
      for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
        {
          g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

          if (GTK_IS_GESTURE_CLICK (controller) &&
              gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
            g_signal_emit_by_name (controller, "pressed", 1, 120.0, 20.0);
        }
    }
  if (g_getenv ("AUGUR_EDITOR_SHOW_CHOOSER"))
    gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.add-step", NULL);
  wait_ms ((guint) (1000 * g_ascii_strtod (show, NULL)));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/editor/range-slider/keys", test_range_slider_keys);
  g_test_add_func ("/editor/range-slider/focus", test_range_slider_focus);
  g_test_add_func ("/editor/param-control", test_param_control);
#define ADD(path, func) \
  g_test_add ("/editor/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("every-transform", test_every_transform);
  ADD ("set-param", test_set_param);
  ADD ("control-edits", test_control_edits);
  ADD ("relevance", test_relevance);
  ADD ("typed-values", test_typed_values);
  ADD ("added-step-revealed", test_added_step_revealed);
  ADD ("click-selects", test_click_selects);
  ADD ("enabled", test_enabled);
  ADD ("toggle-moves-nothing", test_toggle_moves_nothing);
  ADD ("shortcuts", test_shortcuts);
  ADD ("structure", test_structure);
  ADD ("selection", test_selection);
  ADD ("effective-probability", test_effective_probability);
  ADD ("step-cost", test_step_cost);
  ADD ("set-pipeline", test_set_pipeline);
  ADD ("set-pipeline-keeps-place", test_set_pipeline_keeps_place);
  ADD ("drag-and-drop", test_drag_and_drop);
  ADD ("step-chooser", test_step_chooser);
  ADD ("show", test_show);
#undef ADD

  return g_test_run ();
}
