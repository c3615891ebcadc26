/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-labels"

#include "config.h"

#include <string.h>

#include "augur-error.h"
#include "augur-label-report.h"

/* COCO's area classes, in pixels: small < 32^2 <= medium < 96^2 <= large. */
#define N_AREAS 3

/* The numbers one line carries and the report sums, by name. */
static const char *const counts[] = {
  "boxes_in", "boxes", "boxes_clipped", "keypoints_in", "keypoints",
};
/* The blends' numbers, written only when not 0 (so that a run without
 * blends writes the lines it always wrote) and read as 0 when absent:
 * the labels out that blends brought in from other images, and the
 * images blends drew that had no labels. */
static const char *const blend_counts[] = {
  "boxes_added", "keypoints_added", "references_unlabelled",
};
static const char *const step_counts[] = {
  "boxes_dropped", "boxes_clipped", "keypoints_dropped",
};

typedef struct
{
  char   *id;
  char   *type;
  gint64  n[G_N_ELEMENTS (step_counts)];
} StepSum;

struct _AugurLabelReport
{
  guint       outputs;
  gint64      n[G_N_ELEMENTS (counts)];
  gint64      added[G_N_ELEMENTS (blend_counts)];
  gint64      areas_in[N_AREAS];
  gint64      areas[N_AREAS];
  GPtrArray  *steps;      /* StepSum, in order of first appearance */
  GHashTable *step_index; /* id -> StepSum */
};

static void
step_sum_free (gpointer data)
{
  StepSum *s = data;

  g_free (s->id);
  g_free (s->type);
  g_free (s);
}

AugurLabelReport *
augur_label_report_new (void)
{
  AugurLabelReport *report = g_new0 (AugurLabelReport, 1);

  report->steps = g_ptr_array_new_with_free_func (step_sum_free);
  report->step_index = g_hash_table_new (g_str_hash, g_str_equal);
  return report;
}

void
augur_label_report_free (AugurLabelReport *report)
{
  if (report == NULL)
    return;
  g_hash_table_unref (report->step_index);
  g_ptr_array_unref (report->steps);
  g_free (report);
}

static void
count_areas (const AugurLabels *labels,
             gint64             areas[N_AREAS])
{
  memset (areas, 0, N_AREAS * sizeof areas[0]);
  for (guint i = 0; i < labels->boxes->len; i++)
    {
      const AugurBox *b = &g_array_index (labels->boxes, AugurBox, i);
      double area = (b->x_max - b->x_min) * (b->y_max - b->y_min);

      areas[area < 32 * 32 ? 0 : area < 96 * 96 ? 1 : 2]++;
    }
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_areas (JsonBuilder  *builder,
           const char   *name,
           const gint64  areas[N_AREAS])
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (int i = 0; i < N_AREAS; i++)
    json_builder_add_int_value (builder, areas[i]);
  json_builder_end_array (builder);
}

/* A step's name in the report: its id, or for the checks of the input
 * (clip, filter_invalid_bboxes) "input". */
static const char *
step_id (const AugurLabelStep *step)
{
  if (step->node == NULL)
    return step->final ? "output" : "input";
  return step->node->id ? step->node->id : augur_node_type_name (step->node);
}

/**
 * augur_label_report_line:
 * @in: the labels an output started from
 * @out: its labels
 * @record: what each step did to them
 *
 * Returns: (transfer full): the numbers of one output, for its manifest
 *   line: boxes and keypoints in and out, boxes cut, the COCO area classes
 *   before and after, and each step that dropped or cut something.
 */
JsonNode *
augur_label_report_line (const AugurLabels      *in,
                         const AugurLabels      *out,
                         const AugurLabelRecord *record)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 areas[N_AREAS], clipped = 0, added[G_N_ELEMENTS (blend_counts)] = { 0 };

  for (guint i = 0; i < record->steps->len; i++)
    {
      const AugurLabelStep *s = &g_array_index (record->steps, AugurLabelStep, i);

      clipped += s->boxes_clipped;
      added[2] += s->references_unlabelled;
    }
  /* what blends brought in and the steps after them kept: the labels out
   * that were not in */
  for (guint i = 0; i < out->boxes->len; i++)
    added[0] += augur_labels_find_box (in, g_array_index (out->boxes, AugurBox, i).id) == NULL;
  for (guint i = 0; i < out->keypoints->len; i++)
    added[1] += augur_labels_find_keypoint (in, g_array_index (out->keypoints, AugurKeypoint, i).id) == NULL;

  json_builder_begin_object (builder);
  add_int (builder, "boxes_in", in->boxes->len);
  add_int (builder, "boxes", out->boxes->len);
  add_int (builder, "boxes_clipped", clipped);
  add_int (builder, "keypoints_in", in->keypoints->len);
  add_int (builder, "keypoints", out->keypoints->len);
  for (guint i = 0; i < G_N_ELEMENTS (blend_counts); i++)
    if (added[i] != 0)
      add_int (builder, blend_counts[i], added[i]);
  count_areas (in, areas);
  add_areas (builder, "areas_in", areas);
  count_areas (out, areas);
  add_areas (builder, "areas", areas);
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < record->steps->len; i++)
    {
      const AugurLabelStep *s = &g_array_index (record->steps, AugurLabelStep, i);

      if (s->boxes_dropped == 0 && s->boxes_clipped == 0 && s->keypoints_dropped == 0)
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, step_id (s));
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, s->node ? augur_node_type_name (s->node) : step_id (s));
      add_int (builder, "boxes_dropped", s->boxes_dropped);
      add_int (builder, "boxes_clipped", s->boxes_clipped);
      add_int (builder, "keypoints_dropped", s->keypoints_dropped);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
get_count (JsonObject  *object,
           const char  *name,
           gint64      *out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0 || json_node_get_int (node) > G_MAXINT32)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "labels.%s: expected a count", name);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
get_areas (JsonObject  *object,
           const char  *name,
           gint64       areas[N_AREAS],
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (array = json_node_get_array (node)) != N_AREAS)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "labels.%s: expected 3 counts", name);
      return FALSE;
    }
  for (guint i = 0; i < N_AREAS; i++)
    {
      JsonNode *n = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64 ||
          json_node_get_int (n) < 0)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "labels.%s: expected 3 counts", name);
          return FALSE;
        }
      areas[i] = json_node_get_int (n);
    }
  return TRUE;
}

/**
 * augur_label_report_add:
 * @line: the "labels" member of a manifest line (augur_label_report_line ())
 *
 * Adds one output's numbers. The line is checked (manifests are untrusted):
 * a malformed one is an error and adds nothing.
 */
gboolean
augur_label_report_add (AugurLabelReport  *report,
                        JsonNode          *line,
                        GError           **error)
{
  gint64 n[G_N_ELEMENTS (counts)], added[G_N_ELEMENTS (blend_counts)], areas_in[N_AREAS], areas[N_AREAS];
  JsonObject *object;
  JsonNode *steps;

  if (!JSON_NODE_HOLDS_OBJECT (line))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "labels: expected an object");
      return FALSE;
    }
  object = json_node_get_object (line);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    if (!get_count (object, counts[i], &n[i], error))
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (blend_counts); i++)
    {
      added[i] = 0;
      if (json_object_has_member (object, blend_counts[i]) &&
          !get_count (object, blend_counts[i], &added[i], error))
        return FALSE;
    }
  if (!get_areas (object, "areas_in", areas_in, error) || !get_areas (object, "areas", areas, error))
    return FALSE;
  steps = json_object_get_member (object, "steps");
  if (steps == NULL || !JSON_NODE_HOLDS_ARRAY (steps))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "labels.steps: expected a list");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (steps)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (steps), i);
      JsonObject *step;
      const char *id, *type;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          (id = json_object_get_string_member_with_default (step = json_node_get_object (node), "id", NULL)) == NULL ||
          (type = json_object_get_string_member_with_default (step, "type", NULL)) == NULL)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "labels.steps[%u]: expected an id and a type", i);
          return FALSE;
        }
      for (guint k = 0; k < G_N_ELEMENTS (step_counts); k++)
        {
          gint64 v;

          if (!get_count (step, step_counts[k], &v, error))
            return FALSE;
        }
    }

  /* checked: now add */
  report->outputs++;
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    report->n[i] += n[i];
  for (guint i = 0; i < G_N_ELEMENTS (blend_counts); i++)
    report->added[i] += added[i];
  for (int i = 0; i < N_AREAS; i++)
    {
      report->areas_in[i] += areas_in[i];
      report->areas[i] += areas[i];
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (steps)); i++)
    {
      JsonObject *step = json_array_get_object_element (json_node_get_array (steps), i);
      const char *id = json_object_get_string_member (step, "id");
      StepSum *sum = g_hash_table_lookup (report->step_index, id);

      if (sum == NULL)
        {
          sum = g_new0 (StepSum, 1);
          sum->id = g_strdup (id);
          sum->type = g_strdup (json_object_get_string_member (step, "type"));
          g_ptr_array_add (report->steps, sum);
          g_hash_table_insert (report->step_index, sum->id, sum);
        }
      for (guint k = 0; k < G_N_ELEMENTS (step_counts); k++)
        sum->n[k] += json_object_get_int_member (step, step_counts[k]);
    }
  return TRUE;
}

guint
augur_label_report_outputs (const AugurLabelReport *report)
{
  return report->outputs;
}

/* Returns: (transfer full): the manifest's last line, {"labels_report": ...}. */
JsonNode *
augur_label_report_to_json (const AugurLabelReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, AUGUR_LABEL_REPORT_MEMBER);
  json_builder_begin_object (builder);
  add_int (builder, "outputs", report->outputs);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    add_int (builder, counts[i], report->n[i]);
  for (guint i = 0; i < G_N_ELEMENTS (blend_counts); i++)
    if (report->added[i] != 0)
      add_int (builder, blend_counts[i], report->added[i]);
  add_areas (builder, "areas_in", report->areas_in);
  add_areas (builder, "areas", report->areas);
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->steps->len; i++)
    {
      const StepSum *s = report->steps->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, s->id);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, s->type);
      for (guint k = 0; k < G_N_ELEMENTS (step_counts); k++)
        add_int (builder, step_counts[k], s->n[k]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static double
percent (gint64 part,
         gint64 whole)
{
  return whole > 0 ? 100.0 * part / whole : 0;
}

/* Returns: (transfer full): the report for people, a few lines. */
char *
augur_label_report_text (const AugurLabelReport *report)
{
  GString *text = g_string_new (NULL);
  /* the input's labels kept: those out less those blends brought in */
  gint64 boxes_in = report->n[0], boxes = report->n[1] - report->added[0], clipped = report->n[2];
  gint64 keypoints_in = report->n[3], keypoints = report->n[4] - report->added[1];

  g_string_append_printf (text,
                          "labels: %" G_GINT64_FORMAT " boxes in, %" G_GINT64_FORMAT " kept, %"
                          G_GINT64_FORMAT " dropped (%.1f%%), %" G_GINT64_FORMAT " cut at the edge; %"
                          G_GINT64_FORMAT " keypoints in, %" G_GINT64_FORMAT " kept, %" G_GINT64_FORMAT
                          " dropped (%.1f%%)\n",
                          boxes_in, boxes, boxes_in - boxes, percent (boxes_in - boxes, boxes_in), clipped,
                          keypoints_in, keypoints, keypoints_in - keypoints,
                          percent (keypoints_in - keypoints, keypoints_in));
  if (report->added[0] != 0 || report->added[1] != 0)
    g_string_append_printf (text, "  blends brought in %" G_GINT64_FORMAT " boxes and %" G_GINT64_FORMAT
                            " keypoints of their other images\n", report->added[0], report->added[1]);
  if (report->added[2] != 0)
    g_string_append_printf (text, "  %" G_GINT64_FORMAT " images blends drew had no labels: what they show "
                            "in the outputs is unlabelled\n", report->added[2]);
  for (guint i = 0; i < report->steps->len; i++)
    {
      const StepSum *s = report->steps->pdata[i];

      g_string_append_printf (text, "  %s (%s): %" G_GINT64_FORMAT " boxes dropped, %" G_GINT64_FORMAT
                              " cut, %" G_GINT64_FORMAT " keypoints dropped\n",
                              s->id, s->type, s->n[0], s->n[1], s->n[2]);
    }
  g_string_append_printf (text, "  box areas (small < 32x32 <= medium < 96x96 <= large): before %"
                          G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT ", after %"
                          G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "\n",
                          report->areas_in[0], report->areas_in[1], report->areas_in[2],
                          report->areas[0], report->areas[1], report->areas[2]);
  return g_string_free (text, FALSE);
}
