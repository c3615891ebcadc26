/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-editor"

#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "augur-cost.h"
#include "augur-error.h"
#include "augur-group.h"
#include "augur-param-control.h"
#include "augur-pipeline-editor.h"
#include "augur-pipeline-ops.h"
#include "augur-range-slider.h"
#include "augur-step-chooser.h"

/**
 * AugurPipelineEditor:
 *
 * The recipe's pipeline as a list of rows, one per step, indented under its
 * group. A row shows the step's name, category, p and effective probability
 * and, expanded, the controls built from the step's parameter descriptors.
 * The editor owns its copy of the pipeline; every edit is validated against
 * the descriptors before it is applied and then announced with ::changed.
 */

/* Consecutive edits of one control closer than this are one gesture. */
#define MERGE_WINDOW_USEC (G_USEC_PER_SEC)
#define INDENT_PX         22

struct _AugurPipelineEditor
{
  GtkWidget parent_instance;

  AugurNode *pipeline;

  GtkWidget *box;
  GtkWidget *add_button;
  GtkWidget *chooser;
  GtkWidget *stack;
  GtkWidget *scroller;
  GtkWidget *list;
  GtkWidget *context_menu;

  GPtrArray *rows;          /* GtkWidget (AdwExpanderRow), display order */
  GHashTable *expanded;     /* AugurNode * set */
  GHashTable *selected;     /* AugurNode * set */
  AugurNode *cursor;        /* the primary selection */

  char *last_edit_key;
  gint64 last_edit_time;

  AugurShape input;         /* the current sample's size; width 0: none */
  AugurPreviewEngine *costs; /* where each step's measured cost comes from; NULL: none */
};

G_DEFINE_FINAL_TYPE (AugurPipelineEditor, augur_pipeline_editor, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  AugurPipelineEditor *editor;  /* NULL once the row is out of the list */
  AugurNode *node;
  GtkWidget *row;
  GtkWidget *p_button;
  GtkWidget *p_scale;
  GtkWidget *p_spin;
  GtkWidget *eff_label;
  GtkWidget *n_spin;
  GtkWidget *replace_switch;
  GtkWidget *enable_switch;
  GPtrArray *controls;          /* AugurParamControl by param index, once built */
  gboolean updating;
} RowData;

static void rebuild (AugurPipelineEditor *self);
static void update_actions (AugurPipelineEditor *self);
static void update_costs (AugurPipelineEditor *self);

static RowData *
row_data (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "augur-row-data");
}

static void
row_data_free (RowData *d)
{
  g_clear_pointer (&d->controls, g_ptr_array_unref);
  g_free (d);
}

static RowData *
find_row (AugurPipelineEditor *self,
          const AugurNode     *node)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      RowData *d = row_data (self->rows->pdata[i]);

      if (d->node == node)
        return d;
    }
  return NULL;
}

static char *
node_subtitle (const AugurNode *node)
{
  const AugurGroupInfo *info;
  guint m;

  if (node->kind == AUGUR_NODE_TRANSFORM)
    return g_strdup (node->info->category ? node->info->category : "");

  info = augur_group_info (node->kind);
  m = node->children->len;
  if (info->has_count)
    return g_strdup_printf ("%d of %u, %s%s", node->n, m, info->order,
                            node->replace ? ", repeats" : "");
  if (node->kind == AUGUR_NODE_ONE_OF)
    return g_strdup_printf ("1 of %u, %s", m, info->order);
  return g_strdup_printf ("%u step%s, %s", m, m == 1 ? "" : "s", info->order);
}

/* Signals ------------------------------------------------------------------------ */

static void
emit_changed (AugurPipelineEditor *self,
              const char          *description,
              const char          *key,
              gboolean             interactive)
{
  gint64 now = g_get_monotonic_time ();
  gboolean mergeable = interactive && key != NULL &&
                       g_strcmp0 (key, self->last_edit_key) == 0 &&
                       now - self->last_edit_time < MERGE_WINDOW_USEC;

  g_free (self->last_edit_key);
  self->last_edit_key = interactive ? g_strdup (key) : NULL;
  self->last_edit_time = now;

  update_actions (self);
  update_costs (self);
  g_signal_emit (self, signals[CHANGED], 0, description, mergeable);
}

/* Probabilities ------------------------------------------------------------------- */

static void
collect_effective (const AugurNode *node,
                   double           f,
                   GHashTable      *out)
{
  g_hash_table_insert (out, (gpointer) node, g_memdup2 (&f, sizeof f));

  if (node->kind == AUGUR_NODE_TRANSFORM)
    return;

  for (guint i = 0; i < node->children->len; i++)
    {
      const AugurNode *child = node->children->pdata[i];
      double fc = f * augur_pipeline_child_share (node, i);

      if (node->kind != AUGUR_NODE_ONE_OF)
        fc *= child->p;
      collect_effective (child, fc, out);
    }
}

static char *
format_percent (double f)
{
  double pc = 100 * f;

  if (f <= 0)
    return g_strdup ("0%");
  if (pc >= 99.95)
    return g_strdup ("100%");
  if (pc < 0.1)
    return g_strdup ("<0.1%");
  if (pc < 10 || fabs (pc - round (pc)) >= 0.05)
    return g_strdup_printf ("%.1f%%", pc);
  return g_strdup_printf ("%.0f%%", pc);
}

static void
update_row_texts (AugurPipelineEditor *self)
{
  g_autoptr(GHashTable) eff = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  collect_effective (self->pipeline, self->pipeline->enabled ? self->pipeline->p : 0, eff);

  for (guint i = 0; i < self->rows->len; i++)
    {
      RowData *d = row_data (self->rows->pdata[i]);
      const double *f = g_hash_table_lookup (eff, d->node);
      g_autofree char *text = format_percent (f ? *f : 0);
      g_autofree char *tip = g_strdup_printf ("Applied to %s of the draws: its p, and the "
                                              "choice and p of every group around it",
                                              text);

      gtk_label_set_text (GTK_LABEL (d->eff_label), text);
      gtk_widget_set_tooltip_text (d->eff_label, tip);
      if (f && *f > 0)
        gtk_widget_remove_css_class (d->eff_label, "augur-never");
      else
        gtk_widget_add_css_class (d->eff_label, "augur-never");
      {
        AugurNode *parent = NULL;
        guint index;
        g_autofree char *p_tip = NULL;

        if (augur_pipeline_find_parent (self->pipeline, d->node, &parent, &index) &&
            parent->kind == AUGUR_NODE_ONE_OF)
          p_tip = g_strdup_printf ("Weight of %s in the choice of its One of group; "
                                   "once chosen, it always applies",
                                   augur_pipeline_node_title (d->node));
        else
          p_tip = g_strdup_printf ("Probability that %s applies when reached",
                                   augur_pipeline_node_title (d->node));
        gtk_widget_set_tooltip_text (d->p_button, p_tip);
        /* A step directly in an always-applied Sequential root applies as
         * often as its p says: one number is enough. (Decided by place,
         * not by value, so that switching a step off moves nothing.) */
        gtk_widget_set_visible (d->eff_label,
                                !(parent == self->pipeline &&
                                  self->pipeline->kind == AUGUR_NODE_SEQUENTIAL &&
                                  self->pipeline->p == 1));
      }
      if (f && *f > 0)
        gtk_widget_remove_css_class (d->row, "augur-inactive");
      else
        gtk_widget_add_css_class (d->row, "augur-inactive");
    }
  /* the subtitles: each step's kind, and its share of the work */
  update_costs (self);
}

/* Cost --------------------------------------------------------------------------- */

/* Each node's estimated cost on the shape it receives: a Sequential,
 * SomeOf or RandomOrder group hands each child the previous one's output;
 * One of hands each its own input. */
static void
collect_costs (const AugurNode  *node,
               const AugurShape *in,
               AugurShape       *out,
               GHashTable       *costs)
{
  AugurCost cost;

  augur_node_cost (node, in, out, &cost);
  g_hash_table_insert (costs, (gpointer) node, g_memdup2 (&cost, sizeof cost));
  if (node->kind == AUGUR_NODE_TRANSFORM)
    return;
  {
    AugurShape shape = *in;

    for (guint i = 0; i < node->children->len; i++)
      {
        AugurShape child_out;

        collect_costs (node->children->pdata[i], &shape, &child_out, costs);
        if (node->kind != AUGUR_NODE_ONE_OF)
          shape = child_out;
      }
  }
}

static const char *
node_description (const AugurNode *node)
{
  return node->kind == AUGUR_NODE_TRANSFORM ? node->info->description
                                            : augur_group_info (node->kind)->description;
}

static char *
format_ms (double ms)
{
  if (ms >= 1000)
    return g_strdup_printf ("%.1f s", ms / 1000);
  if (ms >= 10)
    return g_strdup_printf ("%.0f ms", ms);
  return g_strdup_printf ("%.1f ms", ms);
}

/* After each step's subtitle, what it costs: measured, when the preview
 * has timed it in its full-resolution draws of the current samples (the
 * milliseconds it took per application, on average); otherwise its share
 * of the whole recipe's estimated work on the current sample (the cost
 * model of augur-cost.h: cheap, no pixels). A badge beside p would read as
 * one more probability, and the subtitle has room where the row's end has
 * none; a measured figure is explained under the row's description in its
 * tooltip. */
static void
update_costs (AugurPipelineEditor *self)
{
  g_autoptr(GHashTable) costs = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  const AugurCost *total;
  AugurShape out;

  if (self->input.width > 0)
    collect_costs (self->pipeline, &self->input, &out, costs);
  total = g_hash_table_lookup (costs, self->pipeline);

  for (guint i = 0; i < self->rows->len; i++)
    {
      RowData *d = row_data (self->rows->pdata[i]);
      const AugurCost *cost = g_hash_table_lookup (costs, d->node);
      g_autofree char *subtitle = node_subtitle (d->node);
      g_autofree char *share = NULL;
      g_autofree char *text = NULL;
      g_autofree char *tooltip = NULL;
      g_autofree char *path = NULL;
      AugurStepCost measured;

      if (cost != NULL && total != NULL && total->work > 0 && d->node->enabled)
        share = format_percent (cost->work / total->work);
      if (self->costs != NULL && d->node->enabled && d->node->kind == AUGUR_NODE_TRANSFORM &&
          (path = augur_pipeline_path_of (self->pipeline, d->node)) != NULL &&
          augur_preview_engine_get_step_cost (self->costs, path, d->node, &measured))
        {
          g_autofree char *ms = format_ms (measured.ms);

          text = g_strdup_printf ("%s%s%s", subtitle, *subtitle ? " · " : "", ms);
          tooltip = g_strdup_printf ("%s\n\nMeasured: %.1f ms per application on average, over "
                                     "the %u time%s it applied in the preview's full-resolution "
                                     "draws of the current samples (%.1f megapixels)",
                                     node_description (d->node), measured.ms, measured.applied,
                                     measured.applied == 1 ? "" : "s", measured.megapixels);
        }
      else if (share != NULL)
        text = g_strdup_printf ("%s%s%s of the work", subtitle, *subtitle ? " · " : "", share);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (d->row), text ? text : subtitle);
      gtk_widget_set_tooltip_text (d->row, tooltip ? tooltip : node_description (d->node));
    }
}

static void
costs_measured (AugurPipelineEditor *self)
{
  update_costs (self);
}

/**
 * augur_pipeline_editor_set_cost_source:
 * @engine: (nullable): the preview's engine, whose full-resolution draws
 *   time each step (augur_preview_engine_get_step_cost())
 *
 * Shows each step's measured cost in its row, updated whenever the
 * preview's draws are all in.
 */
void
augur_pipeline_editor_set_cost_source (AugurPipelineEditor *self,
                                       AugurPreviewEngine  *engine)
{
  g_return_if_fail (AUGUR_IS_PIPELINE_EDITOR (self));
  g_return_if_fail (engine == NULL || AUGUR_IS_PREVIEW_ENGINE (engine));

  if (self->costs == engine)
    return;
  if (self->costs != NULL)
    g_signal_handlers_disconnect_by_func (self->costs, costs_measured, self);
  g_set_object (&self->costs, engine);
  if (engine != NULL)
    g_signal_connect_object (engine, "finished", G_CALLBACK (costs_measured), self, G_CONNECT_SWAPPED);
  update_costs (self);
}

/* Selection ---------------------------------------------------------------------- */

static void
update_selection_style (AugurPipelineEditor *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = self->rows->pdata[i];
      RowData *d = row_data (row);

      if (g_hash_table_contains (self->selected, d->node))
        gtk_widget_add_css_class (row, "augur-selected");
      else
        gtk_widget_remove_css_class (row, "augur-selected");
    }
}

static void
selection_updated (AugurPipelineEditor *self)
{
  update_selection_style (self);
  update_actions (self);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
select_only (AugurPipelineEditor *self,
             AugurNode           *node)
{
  if (self->cursor == node && g_hash_table_size (self->selected) == (node ? 1u : 0u))
    return;

  g_hash_table_remove_all (self->selected);
  if (node)
    g_hash_table_add (self->selected, node);
  self->cursor = node;
  selection_updated (self);
}

static void
toggle_selected (AugurPipelineEditor *self,
                 AugurNode           *node)
{
  if (g_hash_table_contains (self->selected, node))
    {
      g_hash_table_remove (self->selected, node);
      if (self->cursor == node)
        {
          GHashTableIter iter;
          gpointer key = NULL;

          g_hash_table_iter_init (&iter, self->selected);
          self->cursor = g_hash_table_iter_next (&iter, &key, NULL) ? key : NULL;
        }
    }
  else
    {
      g_hash_table_add (self->selected, node);
      self->cursor = node;
    }
  selection_updated (self);
}

/* Shift+click: the cursor's siblings from the cursor to @node, when @node
 * is one of them; otherwise @node alone. */
static void
select_range (AugurPipelineEditor *self,
              AugurNode           *node)
{
  AugurNode *parent, *other;
  guint from, to;

  if (!augur_pipeline_find_parent (self->pipeline, self->cursor, &parent, &from) ||
      !augur_pipeline_find_parent (self->pipeline, node, &other, &to) || other != parent)
    {
      select_only (self, node);
      return;
    }

  g_hash_table_remove_all (self->selected);
  for (guint i = MIN (from, to); i <= MAX (from, to); i++)
    g_hash_table_add (self->selected, parent->children->pdata[i]);
  /* The cursor stays where the range started. */
  selection_updated (self);
}

/* Editing ------------------------------------------------------------------------ */

/* Shows only the controls that take effect under the step's other values,
 * as the table declares (a fill colour only for a constant border). */
static void
update_relevance (RowData *d)
{
  const AugurTransformInfo *info = d->node->info;

  if (d->controls == NULL || d->node->kind != AUGUR_NODE_TRANSFORM)
    return;
  for (guint i = 0; i < d->controls->len && i < info->n_params; i++)
    {
      GtkWidget *row = gtk_widget_get_parent (d->controls->pdata[i]);

      gtk_widget_set_visible (row, augur_param_is_relevant (info->params, info->n_params,
                                                            d->node->params, i));
    }
}

static gboolean
apply_param (AugurPipelineEditor  *self,
             AugurNode            *node,
             guint                 index,
             const AugurValue     *value,
             gboolean              interactive,
             GError              **error)
{
  const AugurParamSpec *spec = &node->info->params[index];
  g_autofree char *description = NULL;
  g_autofree char *key = NULL;
  RowData *d;

  if (!augur_param_check (spec, value, error))
    return FALSE;

  if (node->info->check)
    {
      g_autofree AugurValue *trial = g_memdup2 (node->params, sizeof (AugurValue) * node->info->n_params);

      trial[index] = *value;
      if (!node->info->check (trial, error))
        return FALSE;
    }

  d = find_row (self, node);
  if (augur_param_equal (spec, &node->params[index], value) &&
      node->params[index].integers == value->integers)
    {
      if (d && d->controls)
        augur_param_control_set_value (d->controls->pdata[index], &node->params[index]);
      return TRUE;
    }

  node->params[index] = *value;
  if (d && d->controls)
    {
      augur_param_control_set_value (d->controls->pdata[index], value);
      update_relevance (d);
    }

  description = g_strdup_printf ("Change %s %s", node->info->label, spec->label);
  key = g_strdup_printf ("param:%p:%u", (void *) node, index);
  emit_changed (self, description, key, interactive);
  return TRUE;
}

static void
sync_p (RowData *d)
{
  g_autofree char *label = g_strdup_printf ("p %.2f", d->node->p);

  d->updating = TRUE;
  gtk_label_set_text (GTK_LABEL (gtk_menu_button_get_child (GTK_MENU_BUTTON (d->p_button))), label);
  if (gtk_spin_button_get_value (GTK_SPIN_BUTTON (d->p_spin)) != d->node->p)
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (d->p_spin), d->node->p);
  if (gtk_range_get_value (GTK_RANGE (d->p_scale)) != d->node->p)
    gtk_range_set_value (GTK_RANGE (d->p_scale), d->node->p);
  d->updating = FALSE;
}

static gboolean
apply_p (AugurPipelineEditor  *self,
         AugurNode            *node,
         double                p,
         gboolean              interactive,
         GError              **error)
{
  g_autofree char *description = NULL;
  g_autofree char *key = NULL;
  RowData *d;

  if (!isfinite (p) || p < 0 || p > 1)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "p: %g is out of range [0, 1]", p);
      return FALSE;
    }
  if (node->p == p)
    return TRUE;

  node->p = p;
  d = find_row (self, node);
  if (d)
    sync_p (d);
  update_row_texts (self);

  description = g_strdup_printf ("Change %s probability", augur_pipeline_node_title (node));
  key = g_strdup_printf ("p:%p", (void *) node);
  emit_changed (self, description, key, interactive);
  return TRUE;
}

static gboolean
apply_group_choice (AugurPipelineEditor  *self,
                    AugurNode            *node,
                    int                   n,
                    gboolean              replace,
                    gboolean              interactive,
                    GError              **error)
{
  g_autofree char *description = NULL;
  g_autofree char *key = NULL;
  RowData *d;

  const AugurGroupInfo *info = augur_group_info (node->kind);

  if (info == NULL || !info->has_count)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "A %s step has no n or replace", augur_node_type_name (node));
      return FALSE;
    }
  if (!augur_group_check_n (info, n, error))
    return FALSE;
  if (node->n == n && node->replace == replace)
    return TRUE;

  description = g_strdup_printf (node->n != n ? "Change %s n" : "Change %s replacement",
                                 augur_pipeline_node_title (node));
  key = g_strdup_printf ("%s:%p", node->n != n ? "n" : "replace", (void *) node);
  node->n = n;
  node->replace = replace;

  d = find_row (self, node);
  if (d && d->n_spin)
    {
      d->updating = TRUE;
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (d->n_spin), n);
      gtk_switch_set_active (GTK_SWITCH (d->replace_switch), replace);
      d->updating = FALSE;
    }
  update_row_texts (self);
  emit_changed (self, description, key, interactive);
  return TRUE;
}

static void
apply_enabled (AugurPipelineEditor *self,
               AugurNode           *node,
               gboolean             enabled)
{
  g_autofree char *description = NULL;
  RowData *d;

  if (node->enabled == enabled)
    return;

  node->enabled = enabled;
  d = find_row (self, node);
  if (d)
    {
      d->updating = TRUE;
      gtk_switch_set_active (GTK_SWITCH (d->enable_switch), enabled);
      d->updating = FALSE;
    }
  update_row_texts (self);

  description = g_strdup_printf ("%s %s", enabled ? "Enable" : "Disable",
                                 augur_pipeline_node_title (node));
  emit_changed (self, description, NULL, FALSE);
}

/* Row contents ------------------------------------------------------------------- */

static void
control_edited_cb (AugurParamControl *control,
                   gpointer           value,
                   RowData           *d)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (control), "param-index"));
  g_autoptr(GError) error = NULL;

  if (d->editor == NULL)
    return;

  if (!apply_param (d->editor, d->node, index, value, TRUE, &error))
    {
      /* Refused: the control goes back to the value in the pipeline. */
      g_debug ("Refused %s: %s", augur_param_control_get_spec (control)->name, error->message);
      augur_param_control_set_value (control, &d->node->params[index]);
      {
        /* in the user's words: the control's label, not the recipe's name */
        const AugurParamSpec *spec = augur_param_control_get_spec (control);
        g_autofree char *prefix = g_strdup_printf ("%s: ", spec->name);
        g_autofree char *message = g_str_has_prefix (error->message, prefix)
          ? g_strdup_printf ("%s: %s", spec->label, error->message + strlen (prefix))
          : g_strdup (error->message);

        augur_param_control_show_error (control, message);
      }
      gtk_widget_error_bell (GTK_WIDGET (control));
    }
}

static void
n_changed_cb (GtkSpinButton *spin,
              RowData       *d)
{
  if (d->editor == NULL || d->updating)
    return;
  apply_group_choice (d->editor, d->node, gtk_spin_button_get_value_as_int (spin),
                      d->node->replace, TRUE, NULL);
}

static void
replace_changed_cb (GtkSwitch  *toggle,
                    GParamSpec *pspec,
                    RowData    *d)
{
  if (d->editor == NULL || d->updating)
    return;
  apply_group_choice (d->editor, d->node, d->node->n, gtk_switch_get_active (toggle), TRUE, NULL);
}

static GtkWidget *
text_row (const char *text)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 8);
  gtk_widget_set_margin_bottom (label, 8);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
build_contents (RowData *d)
{
  AdwExpanderRow *expander = ADW_EXPANDER_ROW (d->row);
  AugurNode *node = d->node;
  const AugurGroupInfo *group;

  if (d->controls)
    return;
  d->controls = g_ptr_array_new ();

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      adw_expander_row_add_row (expander, text_row (node->info->description));

      for (guint i = 0; i < node->info->n_params; i++)
        {
          GtkWidget *control = augur_param_control_new (&node->info->params[i], &node->params[i]);
          GtkWidget *row = gtk_list_box_row_new ();

          g_object_set_data (G_OBJECT (control), "param-index", GUINT_TO_POINTER (i));
          g_signal_connect (control, "edited", G_CALLBACK (control_edited_cb), d);
          gtk_widget_set_margin_start (control, 12);
          gtk_widget_set_margin_end (control, 12);
          gtk_widget_set_margin_top (control, 8);
          gtk_widget_set_margin_bottom (control, 8);
          gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), control);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
          gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
          adw_expander_row_add_row (expander, row);
          g_ptr_array_add (d->controls, control);
        }
      if (node->info->n_params == 0)
        adw_expander_row_add_row (expander, text_row ("No parameters."));
      update_relevance (d);
      return;
    }

  group = augur_group_info (node->kind);
  adw_expander_row_add_row (expander, text_row (group->description));

  if (group->has_count)
    {
      GtkWidget *n_row = adw_action_row_new ();
      GtkWidget *r_row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (n_row), "Steps chosen");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (n_row), "How many steps each draw applies (n)");
      d->n_spin = gtk_spin_button_new_with_range (group->n_min, group->n_max, 1);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (d->n_spin), node->n);
      gtk_widget_set_valign (d->n_spin, GTK_ALIGN_CENTER);
      g_signal_connect (d->n_spin, "value-changed", G_CALLBACK (n_changed_cb), d);
      adw_action_row_add_suffix (ADW_ACTION_ROW (n_row), d->n_spin);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (n_row), d->n_spin);
      adw_expander_row_add_row (expander, n_row);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (r_row), "With replacement");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (r_row), "A step can be chosen more than once");
      d->replace_switch = gtk_switch_new ();
      gtk_switch_set_active (GTK_SWITCH (d->replace_switch), node->replace);
      gtk_widget_set_valign (d->replace_switch, GTK_ALIGN_CENTER);
      g_signal_connect (d->replace_switch, "notify::active", G_CALLBACK (replace_changed_cb), d);
      adw_action_row_add_suffix (ADW_ACTION_ROW (r_row), d->replace_switch);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (r_row), d->replace_switch);
      adw_expander_row_add_row (expander, r_row);
    }
}

/* Row callbacks -------------------------------------------------------------------- */

static void
p_changed_cb (GtkWidget *source,
              RowData   *d)
{
  double p;

  if (d->editor == NULL || d->updating)
    return;
  p = GTK_IS_SPIN_BUTTON (source) ? gtk_spin_button_get_value (GTK_SPIN_BUTTON (source))
                                  : round (gtk_range_get_value (GTK_RANGE (source)) * 100) / 100;
  apply_p (d->editor, d->node, p, TRUE, NULL);
}

static void
enable_changed_cb (GtkSwitch  *toggle,
                   GParamSpec *pspec,
                   RowData    *d)
{
  if (d->editor == NULL || d->updating)
    return;
  apply_enabled (d->editor, d->node, gtk_switch_get_active (toggle));
}

static void
expanded_changed_cb (AdwExpanderRow *row,
                     GParamSpec     *pspec,
                     RowData        *d)
{
  if (d->editor == NULL)
    return;

  if (adw_expander_row_get_expanded (row))
    {
      g_hash_table_add (d->editor->expanded, d->node);
      build_contents (d);
    }
  else
    g_hash_table_remove (d->editor->expanded, d->node);
}

static void
row_pressed_cb (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                RowData         *d)
{
  GdkModifierType state;

  if (d->editor == NULL)
    return;

  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  if ((state & GDK_SHIFT_MASK) && d->editor->cursor)
    select_range (d->editor, d->node);
  else if (state & GDK_CONTROL_MASK)
    toggle_selected (d->editor, d->node);
  else if (!g_hash_table_contains (d->editor->selected, d->node) ||
           g_hash_table_size (d->editor->selected) > 1 || d->editor->cursor != d->node)
    select_only (d->editor, d->node);
}

static void
row_secondary_cb (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  RowData         *d)
{
  AugurPipelineEditor *self = d->editor;
  graphene_point_t point;

  if (self == NULL)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (!g_hash_table_contains (self->selected, d->node))
    select_only (self, d->node);

  if (!gtk_widget_compute_point (d->row, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    return;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int) point.x, (int) point.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
row_focus_enter_cb (GtkEventControllerFocus *controller,
                    RowData                 *d)
{
  GdkEvent *event;

  if (d->editor == NULL)
    return;

  /* Keyboard navigation selects; a click has selected already. */
  event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
  if (event && gdk_event_get_event_type (event) == GDK_KEY_PRESS &&
      !g_hash_table_contains (d->editor->selected, d->node))
    select_only (d->editor, d->node);
}

/* Drag and drop ------------------------------------------------------------------- */

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 RowData       *d)
{
  g_autofree char *path = NULL;

  GtkWidget *picked;

  if (d->editor == NULL)
    return NULL;

  /* Drags start from the row's header, not from the controls in it or
   * below it, which have drags of their own (text selection, sliders). */
  if (y > 60)
    return NULL;
  for (picked = gtk_widget_pick (d->row, x, y, GTK_PICK_DEFAULT);
       picked && picked != d->row; picked = gtk_widget_get_parent (picked))
    if (GTK_IS_EDITABLE (picked) || GTK_IS_RANGE (picked) || GTK_IS_SWITCH (picked) ||
        GTK_IS_BUTTON (picked) || GTK_IS_MENU_BUTTON (picked) || AUGUR_IS_RANGE_SLIDER (picked))
      return NULL;

  path = augur_pipeline_path_of (d->editor->pipeline, d->node);
  if (path == NULL)
    return NULL;
  return gdk_content_provider_new_typed (G_TYPE_STRING, path);
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               RowData       *d)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (d->row);

  gtk_drag_source_set_icon (source, paintable, 24, 16);
}

typedef enum
{
  DROP_BEFORE,
  DROP_AFTER,
  DROP_INTO,
} DropPlace;

static DropPlace
drop_place (RowData *d,
            double   y)
{
  double h = gtk_widget_get_height (d->row);
  /* The header of an expanded row is about 60 px: judge by it. */
  double header = h > 0 ? MIN (h, 60) : 60;

  if (y < header / 2)
    return DROP_BEFORE;
  if (d->node->kind != AUGUR_NODE_TRANSFORM)
    return DROP_INTO;
  return DROP_AFTER;
}

static void
clear_drop_style (GtkWidget *row)
{
  gtk_widget_remove_css_class (row, "augur-drop-before");
  gtk_widget_remove_css_class (row, "augur-drop-after");
  gtk_widget_remove_css_class (row, "augur-drop-into");
}

static GdkDragAction
drop_motion_cb (GtkDropTarget *target,
                double         x,
                double         y,
                RowData       *d)
{
  static const char *const classes[] = { "augur-drop-before", "augur-drop-after", "augur-drop-into" };

  clear_drop_style (d->row);
  gtk_widget_add_css_class (d->row, classes[drop_place (d, y)]);
  return GDK_ACTION_MOVE;
}

static void
drop_leave_cb (GtkDropTarget *target,
               RowData       *d)
{
  clear_drop_style (d->row);
}

static gboolean
move_node (AugurPipelineEditor *self,
           AugurNode           *node,
           AugurNode           *new_parent,
           guint                index)
{
  AugurNode *parent;
  guint old;
  g_autofree char *description = NULL;

  if (augur_pipeline_contains (node, new_parent))
    return FALSE;
  if (!augur_pipeline_find_parent (self->pipeline, node, &parent, &old))
    return FALSE;

  if (parent == new_parent && old < index)
    index--;
  if (parent == new_parent && old == index)
    return FALSE;

  augur_pipeline_take_child (parent, old);
  augur_pipeline_insert_child (new_parent, index, node);

  rebuild (self);
  description = g_strdup_printf ("Move %s", augur_pipeline_node_title (node));
  emit_changed (self, description, NULL, FALSE);
  /* The selected step may be at another path now. */
  if (self->cursor)
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
  return TRUE;
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         RowData       *d)
{
  AugurPipelineEditor *self = d->editor;
  AugurNode *source, *parent;
  guint index;
  DropPlace place;

  clear_drop_style (d->row);
  if (self == NULL || !G_VALUE_HOLDS_STRING (value))
    return FALSE;

  source = augur_pipeline_lookup (self->pipeline, g_value_get_string (value), NULL, NULL);
  if (source == NULL || source == self->pipeline || source == d->node)
    return FALSE;

  place = drop_place (d, y);
  if (place == DROP_INTO)
    {
      parent = d->node;
      index = 0;
    }
  else
    {
      if (!augur_pipeline_find_parent (self->pipeline, d->node, &parent, &index))
        return FALSE;
      if (place == DROP_AFTER)
        index++;
    }

  if (!move_node (self, source, parent, index))
    return FALSE;
  select_only (self, source);
  return TRUE;
}

/* Rows ------------------------------------------------------------------------------ */

/* Appends an item that shows its key (a widget binding, which menus do
 * not find by themselves). */
static void
menu_append_with_key (GMenu      *menu,
                      const char *label,
                      const char *detailed_action,
                      const char *accel)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, detailed_action);

  g_menu_item_set_attribute (item, "accel", "s", accel);
  g_menu_append_item (menu, item);
}

/* "Group into" items, one per group kind of the table, with its shortcut. */
static void
append_group_kinds (GMenu *menu)
{
  guint n;
  const AugurGroupInfo *groups = augur_groups_list (&n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (groups[i].menu_label, NULL);

      g_menu_item_set_action_and_target (item, "editor.group", "s", groups[i].name);
      if (groups[i].accel)
        g_menu_item_set_attribute (item, "accel", "s", groups[i].accel);
      g_menu_append_item (menu, item);
    }
}

/* A narrow editor wraps a step's title and subtitle between words, never
 * inside one ("Horizont-al flip"). The labels are the row's own, found by
 * their style classes. */
static void
wrap_titles_by_word (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) &&
          (gtk_widget_has_css_class (child, "title") || gtk_widget_has_css_class (child, "subtitle")))
        gtk_label_set_wrap_mode (GTK_LABEL (child), PANGO_WRAP_WORD);
      else
        wrap_titles_by_word (child);
    }
}

static GtkWidget *
find_widget (GtkWidget  *widget,
             GType       type,
             const char *css_class)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) &&
          (css_class == NULL || gtk_widget_has_css_class (child, css_class)))
        return child;
      if ((found = find_widget (child, type, css_class)) != NULL)
        return found;
    }
  return NULL;
}

/* A click on a step's header selects it; only the arrow button at its end
 * opens its controls (the whole header used to do both, so choosing a step
 * also unfolded it and pushed the rows below away). The header row keeps
 * the focus and keys it had; its arrow image gives way to the button. */
static void
separate_selection_from_expansion (GtkWidget *row)
{
  GtkWidget *header = find_widget (row, ADW_TYPE_ACTION_ROW, NULL);
  GtkWidget *arrow = find_widget (row, GTK_TYPE_IMAGE, "expander-row-arrow");
  GtkWidget *button;

  if (header == NULL || arrow == NULL || !GTK_IS_BOX (gtk_widget_get_parent (arrow)))
    return;   /* another libadwaita: leave its row as it is */

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (header), FALSE);
  gtk_widget_set_visible (arrow, FALSE);

  button = gtk_toggle_button_new ();
  gtk_button_set_icon_name (GTK_BUTTON (button), "pan-down-symbolic");
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_add_css_class (button, "augur-expand");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, "Show or Hide the Parameters");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Parameters", -1);
  g_object_bind_property (row, "expanded", button, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_object_bind_property (row, "enable-expansion", button, "sensitive", G_BINDING_SYNC_CREATE);
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (arrow)), button, arrow);
}

static GtkWidget *
create_row (AugurPipelineEditor *self,
            AugurNode           *node,
            int                  depth)
{
  RowData *d = g_new0 (RowData, 1);
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *handle, *p_box, *p_label, *popover, *popover_box, *scale_box;
  GtkGesture *click;
  GtkDragSource *drag;
  GtkDropTarget *drop;
  GtkEventController *focus;
  g_autofree char *p_tip = NULL;

  d->editor = self;
  d->node = node;
  d->row = row;
  g_object_set_data_full (G_OBJECT (row), "augur-row-data", d, (GDestroyNotify) row_data_free);

  gtk_widget_add_css_class (row, "augur-step");
  if (node->kind != AUGUR_NODE_TRANSFORM)
    gtk_widget_add_css_class (row, "augur-group");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), augur_pipeline_node_title (node));
  gtk_widget_set_tooltip_text (row, node_description (node));
  gtk_widget_set_margin_start (row, INDENT_PX * MAX (depth - 1, 0));

  handle = gtk_image_new_from_icon_name (node->kind == AUGUR_NODE_TRANSFORM
                                         ? "list-drag-handle-symbolic"
                                         : augur_group_info (node->kind)->icon_name);
  gtk_widget_add_css_class (handle, "dim-label");
  gtk_widget_set_tooltip_text (handle, "Drag to move (Alt+Up, Alt+Down)");
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), handle);

  d->eff_label = gtk_label_new ("");
  gtk_widget_add_css_class (d->eff_label, "augur-eff");
  gtk_widget_add_css_class (d->eff_label, "numeric");
  gtk_widget_set_valign (d->eff_label, GTK_ALIGN_CENTER);

  p_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (p_box, GTK_ALIGN_CENTER);
  p_tip = g_strdup_printf (node->kind == AUGUR_NODE_TRANSFORM
                           ? "Probability that %s applies when reached"
                           : "Probability that the group (%s) runs when reached",
                           augur_pipeline_node_title (node));

  /* p: a compact button, with a slider and an exact entry in its popover. */
  popover = gtk_popover_new ();
  popover_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  p_label = gtk_label_new ("Probability");
  gtk_widget_add_css_class (p_label, "heading");
  gtk_label_set_xalign (GTK_LABEL (p_label), 0);
  gtk_box_append (GTK_BOX (popover_box), p_label);
  p_label = gtk_label_new (p_tip);
  gtk_widget_add_css_class (p_label, "dim-label");
  gtk_widget_add_css_class (p_label, "caption");
  gtk_label_set_wrap (GTK_LABEL (p_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (p_label), 30);
  gtk_label_set_xalign (GTK_LABEL (p_label), 0);
  gtk_box_append (GTK_BOX (popover_box), p_label);
  scale_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  d->p_scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 0.01);
  gtk_scale_set_draw_value (GTK_SCALE (d->p_scale), FALSE);
  gtk_scale_add_mark (GTK_SCALE (d->p_scale), 0.5, GTK_POS_BOTTOM, NULL);
  gtk_widget_set_size_request (d->p_scale, 180, -1);
  gtk_widget_set_hexpand (d->p_scale, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (d->p_scale),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Probability", -1);
  d->p_spin = gtk_spin_button_new_with_range (0, 1, 0.05);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (d->p_spin), 2);
  gtk_widget_set_valign (d->p_spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (d->p_spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Probability", -1);
  gtk_box_append (GTK_BOX (scale_box), d->p_scale);
  gtk_box_append (GTK_BOX (scale_box), d->p_spin);
  gtk_box_append (GTK_BOX (popover_box), scale_box);
  gtk_popover_set_child (GTK_POPOVER (popover), popover_box);

  d->p_button = gtk_menu_button_new ();
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (d->p_button), popover);
  /* A plain label: no arrow, which the row has no room for. */
  gtk_menu_button_set_child (GTK_MENU_BUTTON (d->p_button), gtk_label_new (NULL));
  gtk_widget_add_css_class (d->p_button, "flat");
  gtk_widget_add_css_class (d->p_button, "augur-p");
  gtk_widget_add_css_class (d->p_button, "numeric");
  gtk_widget_set_valign (d->p_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (d->p_button, p_tip);
  sync_p (d);
  g_signal_connect (d->p_spin, "value-changed", G_CALLBACK (p_changed_cb), d);
  g_signal_connect (d->p_scale, "value-changed", G_CALLBACK (p_changed_cb), d);


  gtk_box_append (GTK_BOX (p_box), d->eff_label);
  gtk_box_append (GTK_BOX (p_box), d->p_button);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), p_box);

  /* The step's own switch, not the expander's: AdwExpanderRow collapses a
   * row whose expansion is switched off, and the rows below jumped under
   * the pointer, so that a quick off-and-on hit the next row's switch.
   * Switched off, a row keeps its place, its size and its open controls;
   * only its words dim (update_row_texts()). */
  d->enable_switch = gtk_switch_new ();
  gtk_switch_set_active (GTK_SWITCH (d->enable_switch), node->enabled);
  gtk_widget_set_valign (d->enable_switch, GTK_ALIGN_CENTER);
  {
    g_autofree char *tip = g_strdup_printf ("Switch %s on or off: the other steps keep their draws",
                                            augur_pipeline_node_title (node));

    gtk_widget_set_tooltip_text (d->enable_switch, tip);
    gtk_accessible_update_property (GTK_ACCESSIBLE (d->enable_switch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    tip, -1);
  }
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), d->enable_switch);
  wrap_titles_by_word (row);
  separate_selection_from_expansion (row);
  if (g_hash_table_contains (self->expanded, node))
    {
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
      build_contents (d);
    }
  g_signal_connect (d->enable_switch, "notify::active", G_CALLBACK (enable_changed_cb), d);
  g_signal_connect (row, "notify::expanded", G_CALLBACK (expanded_changed_cb), d);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (row_pressed_cb), d);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (click));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (row_secondary_cb), d);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (click));

  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "enter", G_CALLBACK (row_focus_enter_cb), d);
  gtk_widget_add_controller (row, focus);

  drag = gtk_drag_source_new ();
  gtk_drag_source_set_actions (drag, GDK_ACTION_MOVE);
  g_signal_connect (drag, "prepare", G_CALLBACK (drag_prepare_cb), d);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), d);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (drag));

  drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_MOVE);
  g_signal_connect (drop, "motion", G_CALLBACK (drop_motion_cb), d);
  g_signal_connect (drop, "enter", G_CALLBACK (drop_motion_cb), d);
  g_signal_connect (drop, "leave", G_CALLBACK (drop_leave_cb), d);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), d);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (drop));

  return row;
}

/* Appends the rows of @group's children, reusing the rows in @reuse (a
 * node → row map whose references it takes over). */
static void
add_rows (AugurPipelineEditor *self,
          AugurNode           *group,
          int                  depth,
          GHashTable          *reuse)
{
  for (guint i = 0; i < group->children->len; i++)
    {
      AugurNode *child = group->children->pdata[i];
      GtkWidget *row = g_hash_table_lookup (reuse, child);

      if (row)
        {
          g_hash_table_steal (reuse, child);
          gtk_widget_set_margin_start (row, INDENT_PX * MAX (depth - 1, 0));
          g_ptr_array_add (self->rows, row);
        }
      else
        {
          row = create_row (self, child, depth);
          g_ptr_array_add (self->rows, g_object_ref (row));
        }
      gtk_list_box_append (GTK_LIST_BOX (self->list), row);
      if (child->kind != AUGUR_NODE_TRANSFORM)
        add_rows (self, child, depth + 1, reuse);
    }
}

static void
kill_row (GtkWidget *row)
{
  row_data (row)->editor = NULL;
  g_object_unref (row);
}

static void
collect_nodes (AugurNode  *node,
               GHashTable *set)
{
  g_hash_table_add (set, node);
  if (node->kind != AUGUR_NODE_TRANSFORM)
    for (guint i = 0; i < node->children->len; i++)
      collect_nodes (node->children->pdata[i], set);
}

static gboolean
not_in_set (gpointer key,
            gpointer value,
            gpointer user_data)
{
  return !g_hash_table_contains (user_data, key);
}

static void
clear_rows (AugurPipelineEditor *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = self->rows->pdata[i];

      row_data (row)->editor = NULL;
      if (gtk_widget_get_parent (row) == self->list)
        gtk_list_box_remove (GTK_LIST_BOX (self->list), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static void
rebuild (AugurPipelineEditor *self)
{
  g_autoptr(GHashTable) present = g_hash_table_new (NULL, NULL);
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));
  double scroll = gtk_adjustment_get_value (vadj);
  gboolean was_selected = g_hash_table_size (self->selected) > 0;
  g_autoptr(GHashTable) reuse = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) kill_row);
  g_autofree GtkWidget **old_rows = NULL;
  gsize n_old = 0;

  collect_nodes (self->pipeline, present);
  g_hash_table_remove (present, self->pipeline);

  /* Rows of steps still in the pipeline are kept, with their controls;
   * the others die. */
  old_rows = (GtkWidget **) g_ptr_array_steal (self->rows, &n_old);
  for (gsize i = 0; i < n_old; i++)
    {
      RowData *d = row_data (old_rows[i]);

      if (gtk_widget_get_parent (old_rows[i]) == self->list)
        gtk_list_box_remove (GTK_LIST_BOX (self->list), old_rows[i]);
      if (d->editor && g_hash_table_contains (present, d->node) &&
          !g_hash_table_contains (reuse, d->node))
        g_hash_table_insert (reuse, d->node, old_rows[i]);
      else
        kill_row (old_rows[i]);
    }

  g_hash_table_foreach_remove (self->expanded, not_in_set, present);
  g_hash_table_foreach_remove (self->selected, not_in_set, present);
  if (self->cursor && !g_hash_table_contains (present, self->cursor))
    self->cursor = NULL;
  if (self->cursor == NULL && g_hash_table_size (self->selected) > 0)
    g_hash_table_remove_all (self->selected);

  add_rows (self, self->pipeline, 1, reuse);
  update_row_texts (self);
  update_selection_style (self);

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack),
                                    self->pipeline->children->len > 0 ? "list" : "empty");
  gtk_adjustment_set_value (vadj, scroll);
  update_actions (self);

  if (was_selected && g_hash_table_size (self->selected) == 0)
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/* Structure edits ------------------------------------------------------------------ */

static void
update_actions (AugurPipelineEditor *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  AugurNode *parent = NULL;
  guint index = 0;
  gboolean has = self->cursor != NULL &&
                 augur_pipeline_find_parent (self->pipeline, self->cursor, &parent, &index);
  gboolean nested = has && parent != self->pipeline;

  gtk_widget_action_set_enabled (widget, "editor.remove", has);
  gtk_widget_action_set_enabled (widget, "editor.duplicate", has);
  gtk_widget_action_set_enabled (widget, "editor.move-up", has && (index > 0 || nested));
  gtk_widget_action_set_enabled (widget, "editor.move-down",
                                 has && (index + 1 < parent->children->len || nested));
  gtk_widget_action_set_enabled (widget, "editor.group", has);
  gtk_widget_action_set_enabled (widget, "editor.ungroup",
                                 has && self->cursor->kind != AUGUR_NODE_TRANSFORM);
}

static AugurNode *
create_node (const char *type_name)
{
  const AugurTransformInfo *info = augur_transform_lookup (type_name);
  AugurNodeKind kind;

  if (info)
    return augur_node_new_transform (info);
  if (augur_node_kind_from_name (type_name, &kind))
    return augur_node_new_group (kind);
  return NULL;
}

static void
remove_selected (AugurPipelineEditor *self)
{
  g_autoptr(GPtrArray) doomed = g_ptr_array_new ();
  AugurNode *next = NULL;
  AugurNode *parent;
  guint index;
  GHashTableIter iter;
  gpointer key;
  g_autofree char *description = NULL;

  if (self->cursor == NULL)
    return;

  /* The top-most selected nodes: a selected child of a selected group goes
   * with its group. */
  g_hash_table_iter_init (&iter, self->selected);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gboolean covered = FALSE;
      GHashTableIter other;
      gpointer o;

      g_hash_table_iter_init (&other, self->selected);
      while (g_hash_table_iter_next (&other, &o, NULL))
        if (o != key && augur_pipeline_contains (o, key))
          covered = TRUE;
      if (!covered)
        g_ptr_array_add (doomed, key);
    }

  description = doomed->len == 1
    ? g_strdup_printf ("Remove %s", augur_pipeline_node_title (doomed->pdata[0]))
    : g_strdup_printf ("Remove %u steps", doomed->len);

  /* What to select next: the step after the cursor's, or before it, or its group. */
  if (augur_pipeline_find_parent (self->pipeline, self->cursor, &parent, &index))
    {
      for (guint i = index + 1; i < parent->children->len && next == NULL; i++)
        if (!g_ptr_array_find (doomed, parent->children->pdata[i], NULL))
          next = parent->children->pdata[i];
      for (guint i = index; i-- > 0 && next == NULL;)
        if (!g_ptr_array_find (doomed, parent->children->pdata[i], NULL))
          next = parent->children->pdata[i];
      if (next == NULL && parent != self->pipeline && !g_ptr_array_find (doomed, parent, NULL))
        next = parent;
    }

  for (guint i = 0; i < doomed->len; i++)
    if (augur_pipeline_find_parent (self->pipeline, doomed->pdata[i], &parent, &index))
      augur_node_free (augur_pipeline_take_child (parent, index));

  g_hash_table_remove_all (self->selected);
  self->cursor = NULL;
  if (next)
    {
      g_hash_table_add (self->selected, next);
      self->cursor = next;
    }
  rebuild (self);
  emit_changed (self, description, NULL, FALSE);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
duplicate_cursor (AugurPipelineEditor *self)
{
  AugurNode *parent, *copy;
  guint index;
  g_autofree char *description = NULL;

  if (self->cursor == NULL ||
      !augur_pipeline_find_parent (self->pipeline, self->cursor, &parent, &index))
    return;

  /* A duplicate is a new step: new ids, so that it draws on its own. */
  copy = augur_node_copy (self->cursor);
  augur_node_clear_ids (copy);
  augur_pipeline_insert_child (parent, index + 1, copy);
  augur_node_ensure_ids (self->pipeline);
  if (g_hash_table_contains (self->expanded, self->cursor))
    g_hash_table_add (self->expanded, copy);
  description = g_strdup_printf ("Duplicate %s", augur_pipeline_node_title (copy));
  g_hash_table_remove_all (self->selected);
  g_hash_table_add (self->selected, copy);
  self->cursor = copy;
  rebuild (self);
  emit_changed (self, description, NULL, FALSE);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
move_cursor (AugurPipelineEditor *self,
             int                  direction)
{
  AugurNode *parent, *grand;
  guint index, parent_index;

  if (self->cursor == NULL ||
      !augur_pipeline_find_parent (self->pipeline, self->cursor, &parent, &index))
    return;

  if (direction < 0 && index > 0)
    move_node (self, self->cursor, parent, index - 1);
  else if (direction > 0 && index + 1 < parent->children->len)
    move_node (self, self->cursor, parent, index + 2);
  else if (parent != self->pipeline &&
           augur_pipeline_find_parent (self->pipeline, parent, &grand, &parent_index))
    /* At the edge of its group: out of the group, before or after it. */
    move_node (self, self->cursor, grand, direction < 0 ? parent_index : parent_index + 1);
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

static void
group_selected (AugurPipelineEditor *self,
                AugurNodeKind        kind)
{
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));
  AugurNode *parent, *group;
  guint index;
  GHashTableIter iter;
  gpointer key;
  g_autofree char *description = NULL;

  if (self->cursor == NULL ||
      !augur_pipeline_find_parent (self->pipeline, self->cursor, &parent, &index))
    return;

  /* Every selected sibling of the cursor; others stay where they are. */
  g_hash_table_iter_init (&iter, self->selected);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      AugurNode *p;
      guint i;

      if (augur_pipeline_find_parent (self->pipeline, key, &p, &i) && p == parent)
        g_array_append_val (indices, i);
    }
  if (indices->len == 0)
    g_array_append_val (indices, index);
  g_array_sort (indices, compare_uint);

  group = augur_pipeline_group (parent, (const guint *) (void *) indices->data, indices->len, kind);
  augur_node_ensure_ids (self->pipeline);
  description = g_strdup_printf ("Group into %s", augur_pipeline_node_title (group));
  g_hash_table_remove_all (self->selected);
  g_hash_table_add (self->selected, group);
  self->cursor = group;
  rebuild (self);
  emit_changed (self, description, NULL, FALSE);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
ungroup_cursor (AugurPipelineEditor *self)
{
  AugurNode *parent, *group, *first;
  guint index;

  if (self->cursor == NULL || self->cursor->kind == AUGUR_NODE_TRANSFORM ||
      !augur_pipeline_find_parent (self->pipeline, self->cursor, &parent, &index))
    return;

  group = self->cursor;
  first = group->children->len > 0 ? group->children->pdata[0] : NULL;
  augur_pipeline_ungroup (parent, index);

  g_hash_table_remove_all (self->selected);
  self->cursor = first;
  if (first)
    g_hash_table_add (self->selected, first);
  rebuild (self);
  emit_changed (self, "Ungroup", NULL, FALSE);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/* Actions -------------------------------------------------------------------------- */

static void
add_step_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AugurPipelineEditor *self = AUGUR_PIPELINE_EDITOR (widget);

  if (gtk_widget_get_mapped (self->add_button))
    gtk_menu_button_popup (GTK_MENU_BUTTON (self->add_button));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  remove_selected (AUGUR_PIPELINE_EDITOR (widget));
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  duplicate_cursor (AUGUR_PIPELINE_EDITOR (widget));
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  move_cursor (AUGUR_PIPELINE_EDITOR (widget),
               g_str_equal (action_name, "editor.move-up") ? -1 : 1);
}

static void
group_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  AugurNodeKind kind;

  if (!augur_node_kind_from_name (g_variant_get_string (parameter, NULL), &kind))
    {
      g_warning ("editor.group: unknown group kind “%s”", g_variant_get_string (parameter, NULL));
      return;
    }
  group_selected (AUGUR_PIPELINE_EDITOR (widget), kind);
}

static void
ungroup_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ungroup_cursor (AUGUR_PIPELINE_EDITOR (widget));
}

#define REVEAL_SCROLL_US (500 * G_TIME_SPAN_MILLISECOND)

/* Keeps @row (its header and, while they unfold, its controls) in view:
 * frame by frame, until the expansion's animation is over. */
static gboolean
reveal_row_tick (GtkWidget     *row,
                 GdkFrameClock *clock,
                 gpointer       user_data)
{
  AugurPipelineEditor *self = user_data;
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));
  gint64 start = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "augur-reveal-start"));
  graphene_rect_t bounds;
  double value = gtk_adjustment_get_value (vadj);
  double page = gtk_adjustment_get_page_size (vadj);

  if (gtk_widget_compute_bounds (row, self->list, &bounds))
    {
      double top = bounds.origin.y, bottom = top + bounds.size.height;

      if (bottom > value + page)
        value = bottom - page;
      if (top < value)
        value = top;   /* a row taller than the view shows its header */
      gtk_adjustment_set_value (vadj, value);
    }
  return gdk_frame_clock_get_frame_time (clock) - start < REVEAL_SCROLL_US ? G_SOURCE_CONTINUE
                                                                           : G_SOURCE_REMOVE;
}

static void
reveal_row (AugurPipelineEditor *self,
            GtkWidget           *row)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (row);

  if (clock == NULL)
    return;
  g_object_set_data (G_OBJECT (row), "augur-reveal-start",
                     GSIZE_TO_POINTER ((gsize) gdk_frame_clock_get_frame_time (clock)));
  gtk_widget_add_tick_callback (row, reveal_row_tick, self, NULL);
}

static void
chosen_cb (AugurStepChooser    *chooser,
           const char          *type_name,
           AugurPipelineEditor *self)
{
  RowData *d;

  augur_pipeline_editor_add_step (self, type_name);

  /* Chosen by hand: open the new step's controls and bring it into view. */
  d = self->cursor ? find_row (self, self->cursor) : NULL;
  if (d)
    {
      if (self->cursor->kind == AUGUR_NODE_TRANSFORM && self->cursor->info->n_params > 0)
        adw_expander_row_set_expanded (ADW_EXPANDER_ROW (d->row), TRUE);
      gtk_widget_grab_focus (d->row);
      reveal_row (self, d->row);
    }
}

/* Building ------------------------------------------------------------------------ */

static const char editor_css[] =
  "augur-pipeline-editor button.augur-expand:checked image {"
  "  -gtk-icon-transform: rotate(0.5turn);"
  "}"
  "augur-pipeline-editor row.augur-step.augur-selected {"
  "  box-shadow: inset 3px 0 0 0 @accent_bg_color;"
  "  background-color: alpha(@accent_bg_color, 0.08);"
  "}"
  "augur-pipeline-editor row.augur-step.augur-drop-before { box-shadow: inset 0 3px 0 0 @accent_bg_color; }"
  "augur-pipeline-editor row.augur-step.augur-drop-after { box-shadow: inset 0 -3px 0 0 @accent_bg_color; }"
  "augur-pipeline-editor row.augur-step.augur-drop-into { background-color: alpha(@accent_bg_color, 0.2); }"
  "augur-pipeline-editor .augur-eff {"
  "  font-size: smaller; font-weight: bold; padding: 2px 6px; border-radius: 999px;"
  "  background-color: alpha(currentColor, 0.08); min-width: 34px;"
  "}"
  "augur-pipeline-editor .augur-eff.augur-never { color: @error_color; }"
  "augur-pipeline-editor row.augur-step.augur-inactive label.title,"
  "augur-pipeline-editor row.augur-step.augur-inactive label.subtitle,"
  "augur-pipeline-editor row.augur-step.augur-inactive image { opacity: 0.55; }"
  "augur-pipeline-editor .augur-toolbar { padding: 6px; }"
  "augur-pipeline-editor menubutton.augur-p > button { font-weight: normal; padding: 2px 8px; min-height: 24px; }"
  "augur-pipeline-editor list.boxed-list { margin: 12px; }"
  ".augur-thumbnail { border-radius: 6px; }";

static void
ensure_css (void)
{
  static GdkDisplay *done_for;
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GtkCssProvider) provider = NULL;

  if (display == NULL || display == done_for)
    return;
  done_for = display;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, editor_css, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static GtkWidget *
tool_button (const char *icon,
             const char *tooltip,
             const char *action)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static void
build_ui (AugurPipelineEditor *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  GtkWidget *title = gtk_label_new ("Pipeline");
  GtkWidget *group_button = gtk_menu_button_new ();
  GtkWidget *status = adw_status_page_new ();
  GtkWidget *empty_button = gtk_button_new_with_mnemonic ("_Add Step");
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) kinds = g_menu_new ();
  g_autoptr(GMenu) undo = g_menu_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  /* A row's context menu, shared by every row. */
  {
    g_autoptr(GMenu) context = g_menu_new ();
    g_autoptr(GMenu) edit = g_menu_new ();
    g_autoptr(GMenu) order = g_menu_new ();
    g_autoptr(GMenu) grouping = g_menu_new ();
    g_autoptr(GMenu) into = g_menu_new ();
    g_autoptr(GMenu) removal = g_menu_new ();

    menu_append_with_key (edit, "_Duplicate", "editor.duplicate", "<Control>d");
    g_menu_append_section (context, NULL, G_MENU_MODEL (edit));
    menu_append_with_key (order, "Move _Up", "editor.move-up", "<Alt>Up");
    menu_append_with_key (order, "Move _Down", "editor.move-down", "<Alt>Down");
    g_menu_append_section (context, NULL, G_MENU_MODEL (order));
    append_group_kinds (into);
    g_menu_append_submenu (grouping, "_Group Into", G_MENU_MODEL (into));
    menu_append_with_key (grouping, "_Ungroup", "editor.ungroup", "<Control><Shift>g");
    g_menu_append_section (context, NULL, G_MENU_MODEL (grouping));
    menu_append_with_key (removal, "_Remove", "editor.remove", "Delete");
    g_menu_append_section (context, NULL, G_MENU_MODEL (removal));

    self->context_menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (context));
    gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
    gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
    gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));
  }

  gtk_widget_add_css_class (toolbar, "augur-toolbar");
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_set_margin_start (title, 6);
  gtk_box_append (GTK_BOX (toolbar), title);

  self->chooser = augur_step_chooser_new ();
  g_signal_connect (self->chooser, "chosen", G_CALLBACK (chosen_cb), self);
  self->add_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->add_button), "list-add-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->add_button), self->chooser);
  gtk_widget_set_tooltip_text (self->add_button, "Add Step");
  gtk_widget_add_css_class (self->add_button, "flat");
  gtk_box_append (GTK_BOX (toolbar), self->add_button);

  append_group_kinds (kinds);
  g_menu_append_section (menu, "Group Selected Steps Into", G_MENU_MODEL (kinds));
  menu_append_with_key (undo, "Ungroup", "editor.ungroup", "<Control><Shift>g");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (undo));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (group_button), "view-list-bullet-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (group_button), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (group_button, "Group or Ungroup");
  gtk_widget_add_css_class (group_button, "flat");
  gtk_box_append (GTK_BOX (toolbar), group_button);

  gtk_box_append (GTK_BOX (toolbar), tool_button ("go-up-symbolic", "Move Up (Alt+Up)", "editor.move-up"));
  gtk_box_append (GTK_BOX (toolbar), tool_button ("go-down-symbolic", "Move Down (Alt+Down)", "editor.move-down"));
  gtk_box_append (GTK_BOX (toolbar), tool_button ("edit-copy-symbolic", "Duplicate (Ctrl+D)", "editor.duplicate"));
  gtk_box_append (GTK_BOX (toolbar), tool_button ("user-trash-symbolic", "Remove (Delete)", "editor.remove"));
  gtk_box_append (GTK_BOX (self->box), toolbar);
  gtk_box_append (GTK_BOX (self->box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  self->stack = gtk_stack_new ();
  gtk_widget_set_name (self->stack, "editor-stack");
  gtk_widget_set_vexpand (self->stack, TRUE);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "view-list-ordered-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), "No Steps");
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                   "Add a transform to start the recipe");
  gtk_widget_add_css_class (status, "compact");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (empty_button), "editor.add-step");
  gtk_widget_add_css_class (empty_button, "pill");
  gtk_widget_add_css_class (empty_button, "suggested-action");
  gtk_widget_set_halign (empty_button, GTK_ALIGN_CENTER);
  adw_status_page_set_child (ADW_STATUS_PAGE (status), empty_button);
  gtk_stack_add_named (GTK_STACK (self->stack), status, "empty");

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_widget_set_valign (self->list, GTK_ALIGN_START);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->list);
  gtk_stack_add_named (GTK_STACK (self->stack), self->scroller, "list");
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
  gtk_box_append (GTK_BOX (self->box), self->stack);
}

/* GObject -------------------------------------------------------------------------- */

static void
augur_pipeline_editor_dispose (GObject *object)
{
  AugurPipelineEditor *self = AUGUR_PIPELINE_EDITOR (object);

  if (self->rows)
    clear_rows (self);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  if (self->costs != NULL)
    g_signal_handlers_disconnect_by_func (self->costs, costs_measured, self);
  g_clear_object (&self->costs);

  G_OBJECT_CLASS (augur_pipeline_editor_parent_class)->dispose (object);
}

static void
augur_pipeline_editor_finalize (GObject *object)
{
  AugurPipelineEditor *self = AUGUR_PIPELINE_EDITOR (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->expanded, g_hash_table_unref);
  g_clear_pointer (&self->selected, g_hash_table_unref);
  g_clear_pointer (&self->pipeline, augur_node_free);
  g_clear_pointer (&self->last_edit_key, g_free);

  G_OBJECT_CLASS (augur_pipeline_editor_parent_class)->finalize (object);
}

/* The table's group shortcuts (Ctrl+G: OneOf), each grouping the selection. */
static void
add_group_bindings (GtkWidgetClass *widget_class)
{
  guint n;
  const AugurGroupInfo *groups = augur_groups_list (&n);

  for (guint i = 0; i < n; i++)
    {
      guint key;
      GdkModifierType mods;

      if (groups[i].accel == NULL)
        continue;
      if (!gtk_accelerator_parse (groups[i].accel, &key, &mods))
        g_error ("%s: bad accelerator \"%s\" in the group table", groups[i].name, groups[i].accel);
      gtk_widget_class_add_binding_action (widget_class, key, mods, "editor.group", "s", groups[i].name);
    }
}

static void
augur_pipeline_editor_class_init (AugurPipelineEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = augur_pipeline_editor_dispose;
  object_class->finalize = augur_pipeline_editor_finalize;

  /**
   * AugurPipelineEditor::changed:
   * @description: what changed, for an undo menu ("Change Rotate Limit")
   * @mergeable: TRUE for a further edit of the control edited just before
   *   (a slider drag), which an undo stack folds into the previous step
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "editor.add-step", NULL, add_step_action);
  gtk_widget_class_install_action (widget_class, "editor.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "editor.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "editor.move-up", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "editor.move-down", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "editor.group", "s", group_action);
  gtk_widget_class_install_action (widget_class, "editor.ungroup", NULL, ungroup_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "editor.remove", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "editor.remove", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "editor.duplicate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "editor.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "editor.move-down", NULL);
  add_group_bindings (widget_class);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "editor.ungroup", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "augur-pipeline-editor");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
augur_pipeline_editor_init (AugurPipelineEditor *self)
{
  ensure_css ();

  self->pipeline = augur_node_new_group (AUGUR_NODE_SEQUENTIAL);
  augur_node_ensure_ids (self->pipeline);
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->expanded = g_hash_table_new (NULL, NULL);
  self->selected = g_hash_table_new (NULL, NULL);

  build_ui (self);
  rebuild (self);
}

/* API ------------------------------------------------------------------------------ */

GtkWidget *
augur_pipeline_editor_new (void)
{
  return g_object_new (AUGUR_TYPE_PIPELINE_EDITOR, NULL);
}

static gboolean
same_shape (const AugurNode *a,
            const AugurNode *b)
{
  if (a->kind != b->kind)
    return FALSE;
  if (a->kind == AUGUR_NODE_TRANSFORM)
    return a->info == b->info;
  if (a->children->len != b->children->len)
    return FALSE;
  for (guint i = 0; i < a->children->len; i++)
    if (!same_shape (a->children->pdata[i], b->children->pdata[i]))
      return FALSE;
  return TRUE;
}

/* Copies the values of @from into @to, of the same shape, keeping @to's
 * nodes (and so the rows that show them). */
static void
copy_values (AugurPipelineEditor *self,
             AugurNode           *to,
             const AugurNode     *from)
{
  RowData *d = find_row (self, to);

  /* Ids too: an undo gives back the steps it took, ids and all. */
  g_free (to->id);
  to->id = g_strdup (from->id);
  to->p = from->p;
  to->enabled = from->enabled;
  if (to->kind == AUGUR_NODE_TRANSFORM)
    {
      for (guint i = 0; i < to->info->n_params; i++)
        {
          to->params[i] = from->params[i];
          if (d && d->controls)
            augur_param_control_set_value (d->controls->pdata[i], &to->params[i]);
        }
      if (d != NULL)
        update_relevance (d);
    }
  else
    {
      to->n = from->n;
      to->replace = from->replace;
      for (guint i = 0; i < to->children->len; i++)
        copy_values (self, to->children->pdata[i], from->children->pdata[i]);
    }

  if (d)
    {
      sync_p (d);
      d->updating = TRUE;
      gtk_switch_set_active (GTK_SWITCH (d->enable_switch), to->enabled);
      if (d->n_spin)
        {
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (d->n_spin), to->n);
          gtk_switch_set_active (GTK_SWITCH (d->replace_switch), to->replace);
        }
      d->updating = FALSE;
    }
}

static GPtrArray *
paths_of_set (AugurPipelineEditor *self,
              GHashTable          *set)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      char *path = augur_pipeline_path_of (self->pipeline, key);

      if (path)
        g_ptr_array_add (paths, g_strconcat (path, "/", augur_node_type_name (key), NULL));
      g_free (path);
    }
  return paths;
}

/* The node at a "path/Type" key, if it is still of that type. */
static AugurNode *
lookup_key (AugurPipelineEditor *self,
            const char          *key)
{
  g_autofree char *path = g_strdup (key);
  char *slash = strrchr (path, '/');
  AugurNode *node;

  *slash = '\0';
  node = augur_pipeline_lookup (self->pipeline, path, NULL, NULL);
  if (node == NULL || node == self->pipeline ||
      !g_str_equal (augur_node_type_name (node), slash + 1))
    return NULL;
  return node;
}

void
augur_pipeline_editor_set_pipeline (AugurPipelineEditor *self,
                                    const AugurNode     *pipeline)
{
  g_autoptr(GPtrArray) expanded = NULL;
  g_autoptr(GPtrArray) selected = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *old_path = NULL;
  g_autofree char *new_path = NULL;
  g_autoptr(AugurNode) empty = NULL;

  g_return_if_fail (AUGUR_IS_PIPELINE_EDITOR (self));
  g_return_if_fail (pipeline == NULL || pipeline->kind != AUGUR_NODE_TRANSFORM);

  if (pipeline == NULL)
    pipeline = empty = augur_node_new_group (AUGUR_NODE_SEQUENTIAL);
  g_clear_pointer (&self->last_edit_key, g_free);

  /* The same steps with other values (an undo of a slider drag, say): update
   * in place, so that rows, expansion and selection stay as they are. */
  if (same_shape (self->pipeline, pipeline))
    {
      copy_values (self, self->pipeline, pipeline);
      augur_node_ensure_ids (self->pipeline);
      update_row_texts (self);
      update_actions (self);
      return;
    }

  /* Otherwise rebuild, keeping expansion and selection where the same kind
   * of step is still at the same place. */
  old_path = augur_pipeline_editor_dup_selected_path (self);
  expanded = paths_of_set (self, self->expanded);
  selected = paths_of_set (self, self->selected);
  if (self->cursor)
    {
      g_autofree char *path = augur_pipeline_path_of (self->pipeline, self->cursor);

      cursor = g_strconcat (path, "/", augur_node_type_name (self->cursor), NULL);
    }

  clear_rows (self);
  g_clear_pointer (&self->pipeline, augur_node_free);
  self->pipeline = augur_node_copy (pipeline);
  augur_node_ensure_ids (self->pipeline);
  g_hash_table_remove_all (self->expanded);
  g_hash_table_remove_all (self->selected);
  self->cursor = NULL;

  for (guint i = 0; i < expanded->len; i++)
    {
      AugurNode *node = lookup_key (self, expanded->pdata[i]);

      if (node)
        g_hash_table_add (self->expanded, node);
    }
  if (cursor)
    self->cursor = lookup_key (self, cursor);
  if (self->cursor)
    for (guint i = 0; i < selected->len; i++)
      {
        AugurNode *node = lookup_key (self, selected->pdata[i]);

        if (node)
          g_hash_table_add (self->selected, node);
      }

  rebuild (self);
  new_path = augur_pipeline_editor_dup_selected_path (self);
  if (g_strcmp0 (old_path, new_path) != 0)
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

const AugurNode *
augur_pipeline_editor_get_pipeline (AugurPipelineEditor *self)
{
  g_return_val_if_fail (AUGUR_IS_PIPELINE_EDITOR (self), NULL);
  return self->pipeline;
}

void
augur_pipeline_editor_set_thumbnail_image (AugurPipelineEditor *self,
                                           AugurImage          *image)
{
  g_return_if_fail (AUGUR_IS_PIPELINE_EDITOR (self));
  augur_step_chooser_set_image (AUGUR_STEP_CHOOSER (self->chooser), image);
}

void
augur_pipeline_editor_set_input_shape (AugurPipelineEditor *self,
                                       const AugurShape    *shape)
{
  g_return_if_fail (AUGUR_IS_PIPELINE_EDITOR (self));

  self->input = shape != NULL ? *shape : (AugurShape) { 0, 0, 0 };
  update_costs (self);
}

char *
augur_pipeline_editor_dup_selected_path (AugurPipelineEditor *self)
{
  g_return_val_if_fail (AUGUR_IS_PIPELINE_EDITOR (self), NULL);

  if (self->cursor == NULL)
    return NULL;
  return augur_pipeline_path_of (self->pipeline, self->cursor);
}

void
augur_pipeline_editor_add_step (AugurPipelineEditor *self,
                                const char          *type_name)
{
  AugurNode *node, *parent = self->pipeline;
  guint index = self->pipeline->children->len;
  g_autofree char *description = NULL;

  g_return_if_fail (AUGUR_IS_PIPELINE_EDITOR (self));
  g_return_if_fail (type_name != NULL);

  node = create_node (type_name);
  if (node == NULL)
    {
      g_critical ("%s: no transform or group is called “%s”", G_STRFUNC, type_name);
      return;
    }

  if (self->cursor)
    {
      if (self->cursor->kind != AUGUR_NODE_TRANSFORM && self->cursor->children->len == 0)
        {
          /* An empty group is waiting for its first step. */
          parent = self->cursor;
          index = 0;
        }
      else if (augur_pipeline_find_parent (self->pipeline, self->cursor, &parent, &index))
        index++;
    }

  augur_pipeline_insert_child (parent, index, node);
  augur_node_ensure_ids (self->pipeline);
  description = g_strdup_printf ("Add %s", augur_pipeline_node_title (node));
  g_hash_table_remove_all (self->selected);
  g_hash_table_add (self->selected, node);
  self->cursor = node;
  rebuild (self);
  emit_changed (self, description, NULL, FALSE);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

gboolean
augur_pipeline_editor_set_param (AugurPipelineEditor  *self,
                                 const char           *path,
                                 const char           *param,
                                 JsonNode             *value,
                                 GError              **error)
{
  AugurNode *node;
  AugurValue v;
  int index;

  g_return_val_if_fail (AUGUR_IS_PIPELINE_EDITOR (self), FALSE);
  g_return_val_if_fail (param != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  node = augur_pipeline_lookup (self->pipeline, path, NULL, NULL);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No step at “%s”", path ? path : "");
      return FALSE;
    }

  if (g_str_equal (param, "p"))
    {
      GType t = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_INVALID;

      if (t != G_TYPE_DOUBLE && t != G_TYPE_INT64)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "p: expected a number");
          return FALSE;
        }
      return apply_p (self, node, json_node_get_double (value), FALSE, error);
    }

  if (node->kind != AUGUR_NODE_TRANSFORM)
    {
      GType t = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_INVALID;

      if (g_str_equal (param, "n") && t == G_TYPE_INT64)
        return apply_group_choice (self, node, (int) CLAMP (json_node_get_int (value), -1, G_MAXINT),
                                   node->replace, FALSE, error);
      if (g_str_equal (param, "replace") && t == G_TYPE_BOOLEAN)
        return apply_group_choice (self, node, node->n, json_node_get_boolean (value), FALSE, error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: a %s group has no such parameter (or the value has the wrong type)",
                   param, augur_node_kind_name (node->kind));
      return FALSE;
    }

  index = augur_transform_param_index (node->info, param);
  if (index < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s has no parameter “%s”", node->info->name, param);
      return FALSE;
    }
  if (!augur_param_from_json (&node->info->params[index], value, &v, error))
    return FALSE;
  return apply_param (self, node, (guint) index, &v, FALSE, error);
}

void
augur_pipeline_editor_set_enabled (AugurPipelineEditor *self,
                                   const char          *path,
                                   gboolean             enabled)
{
  AugurNode *node;

  g_return_if_fail (AUGUR_IS_PIPELINE_EDITOR (self));

  node = augur_pipeline_lookup (self->pipeline, path, NULL, NULL);
  g_return_if_fail (node != NULL);
  apply_enabled (self, node, enabled);
}

void
augur_pipeline_editor_select_path (AugurPipelineEditor *self,
                                   const char          *path)
{
  AugurNode *node = NULL;

  g_return_if_fail (AUGUR_IS_PIPELINE_EDITOR (self));

  if (path)
    {
      node = augur_pipeline_lookup (self->pipeline, path, NULL, NULL);
      g_return_if_fail (node != NULL && node != self->pipeline);
    }
  select_only (self, node);
}

void
augur_pipeline_editor_extend_selection (AugurPipelineEditor *self,
                                        const char          *path)
{
  AugurNode *node;

  g_return_if_fail (AUGUR_IS_PIPELINE_EDITOR (self));

  node = augur_pipeline_lookup (self->pipeline, path, NULL, NULL);
  g_return_if_fail (node != NULL && node != self->pipeline);
  if (!g_hash_table_contains (self->selected, node))
    toggle_selected (self, node);
}

void
augur_pipeline_editor_select_range (AugurPipelineEditor *self,
                                    const char          *path)
{
  AugurNode *node;

  g_return_if_fail (AUGUR_IS_PIPELINE_EDITOR (self));

  node = augur_pipeline_lookup (self->pipeline, path, NULL, NULL);
  g_return_if_fail (node != NULL && node != self->pipeline);
  if (self->cursor)
    select_range (self, node);
  else
    select_only (self, node);
}

void
augur_pipeline_editor_set_expanded (AugurPipelineEditor *self,
                                    const char          *path,
                                    gboolean             expanded)
{
  GtkWidget *row;

  g_return_if_fail (AUGUR_IS_PIPELINE_EDITOR (self));

  row = augur_pipeline_editor_get_row (self, path);
  g_return_if_fail (row != NULL);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), expanded);
}

/* Returns: (transfer none) (nullable): the switch of the row of @path */
GtkWidget *
augur_pipeline_editor_get_enable_switch (AugurPipelineEditor *self,
                                         const char          *path)
{
  GtkWidget *row;

  g_return_val_if_fail (AUGUR_IS_PIPELINE_EDITOR (self), NULL);

  row = augur_pipeline_editor_get_row (self, path);
  return row ? row_data (row)->enable_switch : NULL;
}

GtkWidget *
augur_pipeline_editor_get_row (AugurPipelineEditor *self,
                               const char          *path)
{
  AugurNode *node;
  RowData *d;

  g_return_val_if_fail (AUGUR_IS_PIPELINE_EDITOR (self), NULL);

  node = augur_pipeline_lookup (self->pipeline, path, NULL, NULL);
  if (node == NULL)
    return NULL;
  d = find_row (self, node);
  return d ? d->row : NULL;
}

GtkWidget *
augur_pipeline_editor_get_step_chooser (AugurPipelineEditor *self)
{
  g_return_val_if_fail (AUGUR_IS_PIPELINE_EDITOR (self), NULL);
  return self->chooser;
}
