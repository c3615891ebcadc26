/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-labels.h"
#include "augur-warp.h"

/* Settings --------------------------------------------------------------------- */

static const char *const bbox_formats[] = { "pascal_voc", "coco", "yolo", "albumentations", NULL };
static const char *const keypoint_formats[] = { "xyas", "xy", "yx", "xya", "xys", "xysa", NULL };

/* Albumentations 2.0.8's defaults (BboxParams, KeypointParams), with the
 * formats in which Augur's own coordinates read directly. */
AugurLabelParams *
augur_label_params_new (void)
{
  AugurLabelParams *params = g_new0 (AugurLabelParams, 1);
  const char *bbox_fields[] = { "class_labels", NULL };
  const char *keypoint_fields[] = { "keypoint_labels", NULL };

  params->bbox_format = g_strdup ("pascal_voc");
  params->bbox_label_fields = g_strdupv ((char **) bbox_fields);
  params->keypoint_format = g_strdup ("xyas");
  params->keypoint_label_fields = g_strdupv ((char **) keypoint_fields);
  params->remove_invisible = TRUE;
  params->angle_in_degrees = TRUE;
  params->check_each_transform = TRUE;
  params->label_swap = g_ptr_array_new_with_free_func (g_free);
  return params;
}

AugurLabelParams *
augur_label_params_copy (const AugurLabelParams *params)
{
  AugurLabelParams *copy = g_memdup2 (params, sizeof *params);

  copy->bbox_format = g_strdup (params->bbox_format);
  copy->bbox_label_fields = g_strdupv (params->bbox_label_fields);
  copy->keypoint_format = g_strdup (params->keypoint_format);
  copy->keypoint_label_fields = g_strdupv (params->keypoint_label_fields);
  copy->label_swap = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < params->label_swap->len; i++)
    g_ptr_array_add (copy->label_swap, g_strdup (params->label_swap->pdata[i]));
  return copy;
}

void
augur_label_params_free (AugurLabelParams *params)
{
  if (params == NULL)
    return;
  g_free (params->bbox_format);
  g_strfreev (params->bbox_label_fields);
  g_free (params->keypoint_format);
  g_strfreev (params->keypoint_label_fields);
  g_ptr_array_unref (params->label_swap);
  g_free (params);
}

static gboolean
strv_equal (char **a,
            char **b)
{
  return (a == NULL || b == NULL) ? a == b : g_strv_equal ((const char *const *) a,
                                                           (const char *const *) b);
}

gboolean
augur_label_params_equal (const AugurLabelParams *a,
                          const AugurLabelParams *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->label_swap->len != b->label_swap->len)
    return FALSE;
  for (guint i = 0; i < a->label_swap->len; i++)
    if (!g_str_equal (a->label_swap->pdata[i], b->label_swap->pdata[i]))
      return FALSE;
  return g_str_equal (a->bbox_format, b->bbox_format) &&
         strv_equal (a->bbox_label_fields, b->bbox_label_fields) &&
         a->min_area == b->min_area && a->min_visibility == b->min_visibility &&
         a->min_width == b->min_width && a->min_height == b->min_height &&
         !a->clip == !b->clip && !a->filter_invalid_bboxes == !b->filter_invalid_bboxes &&
         g_str_equal (a->keypoint_format, b->keypoint_format) &&
         strv_equal (a->keypoint_label_fields, b->keypoint_label_fields) &&
         !a->remove_invisible == !b->remove_invisible &&
         !a->angle_in_degrees == !b->angle_in_degrees &&
         !a->check_each_transform == !b->check_each_transform;
}

void
augur_label_params_add_swap (AugurLabelParams *params,
                             const char       *a,
                             const char       *b)
{
  g_return_if_fail (params != NULL && a != NULL && b != NULL);

  g_ptr_array_add (params->label_swap, g_strdup (a));
  g_ptr_array_add (params->label_swap, g_strdup (b));
}

/* The name @label takes in a mirror image (itself when it has no pair). */
const char *
augur_label_params_swapped (const AugurLabelParams *params,
                            const char             *label)
{
  if (params == NULL || label == NULL)
    return label;
  for (guint i = 0; i + 1 < params->label_swap->len; i += 2)
    {
      if (g_str_equal (params->label_swap->pdata[i], label))
        return params->label_swap->pdata[i + 1];
      if (g_str_equal (params->label_swap->pdata[i + 1], label))
        return params->label_swap->pdata[i];
    }
  return label;
}

static void
add_strv (JsonBuilder *builder,
          const char  *name,
          char       **strv)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; strv && strv[i]; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static void
add_boolean (JsonBuilder *builder,
             const char  *name,
             gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

/**
 * augur_label_params_to_json:
 * @builder: inside the recipe's object
 *
 * Adds the members "bbox_params" and "keypoint_params".
 */
void
augur_label_params_to_json (const AugurLabelParams *params,
                            JsonBuilder            *builder)
{
  g_return_if_fail (params != NULL && builder != NULL);

  json_builder_set_member_name (builder, "bbox_params");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, params->bbox_format);
  add_strv (builder, "label_fields", params->bbox_label_fields);
  add_double (builder, "min_area", params->min_area);
  add_double (builder, "min_visibility", params->min_visibility);
  add_double (builder, "min_width", params->min_width);
  add_double (builder, "min_height", params->min_height);
  add_boolean (builder, "clip", params->clip);
  add_boolean (builder, "filter_invalid_bboxes", params->filter_invalid_bboxes);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "keypoint_params");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, params->keypoint_format);
  add_strv (builder, "label_fields", params->keypoint_label_fields);
  add_boolean (builder, "remove_invisible", params->remove_invisible);
  add_boolean (builder, "angle_in_degrees", params->angle_in_degrees);
  add_boolean (builder, "check_each_transform", params->check_each_transform);
  json_builder_set_member_name (builder, "label_swap");
  json_builder_begin_array (builder);
  for (guint i = 0; i + 1 < params->label_swap->len; i += 2)
    {
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, params->label_swap->pdata[i]);
      json_builder_add_string_value (builder, params->label_swap->pdata[i + 1]);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static gboolean
refuse (GError     **error,
        const char  *where,
        const char  *field,
        const char  *message)
{
  g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "%s.%s: %s", where, field, message);
  return FALSE;
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* Reads one member of a settings object into its field. */
static gboolean
read_setting (JsonNode          *value,
              const char        *where,
              const char        *field,
              AugurLabelParams  *params,
              GError           **error)
{
  struct { const char *name; double *field; double hi; } numbers[] = {
    { "min_area", &params->min_area, G_MAXDOUBLE },
    { "min_visibility", &params->min_visibility, 1 },
    { "min_width", &params->min_width, G_MAXDOUBLE },
    { "min_height", &params->min_height, G_MAXDOUBLE },
  };
  struct { const char *name; gboolean *field; } booleans[] = {
    { "clip", &params->clip },
    { "filter_invalid_bboxes", &params->filter_invalid_bboxes },
    { "remove_invisible", &params->remove_invisible },
    { "angle_in_degrees", &params->angle_in_degrees },
    { "check_each_transform", &params->check_each_transform },
  };
  gboolean bbox = g_str_equal (where, "bbox_params");

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    if (bbox && g_str_equal (field, numbers[i].name))
      {
        GType t = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_NONE;
        double v;

        if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
          return refuse (error, where, field, "expected a number");
        v = json_node_get_double (value);
        if (!(v >= 0 && v <= numbers[i].hi))
          return refuse (error, where, field, numbers[i].hi == 1 ? "must lie in [0, 1]"
                                                                 : "must be 0 or more");
        *numbers[i].field = v;
        return TRUE;
      }

  for (guint i = 0; i < G_N_ELEMENTS (booleans); i++)
    if (g_str_equal (field, booleans[i].name) && (i < 2) == bbox)
      {
        if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
          return refuse (error, where, field, "expected true or false");
        *booleans[i].field = json_node_get_boolean (value);
        return TRUE;
      }

  if (g_str_equal (field, "format"))
    {
      const char *const *allowed = bbox ? bbox_formats : keypoint_formats;
      char **slot = bbox ? &params->bbox_format : &params->keypoint_format;

      if (!is_string (value) || !g_strv_contains (allowed, json_node_get_string (value)))
        {
          g_autofree char *list = g_strjoinv (", ", (char **) allowed);
          g_autofree char *message = g_strdup_printf ("expected one of %s", list);

          return refuse (error, where, field, message);
        }
      g_free (*slot);
      *slot = g_strdup (json_node_get_string (value));
      return TRUE;
    }

  if (g_str_equal (field, "label_fields"))
    {
      char ***slot = bbox ? &params->bbox_label_fields : &params->keypoint_label_fields;
      g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (value))
        return refuse (error, where, field, "expected a list of names");
      array = json_node_get_array (value);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (!is_string (json_array_get_element (array, i)))
            return refuse (error, where, field, "expected a list of names");
          g_strv_builder_add (names, json_array_get_string_element (array, i));
        }
      g_strfreev (*slot);
      *slot = g_strv_builder_end (names);
      return TRUE;
    }

  if (!bbox && g_str_equal (field, "label_swap"))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (value))
        return refuse (error, where, field, "expected a list of pairs of names");
      array = json_node_get_array (value);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *pair = json_array_get_element (array, i);
          JsonArray *names;

          if (!JSON_NODE_HOLDS_ARRAY (pair) || json_array_get_length (json_node_get_array (pair)) != 2 ||
              !is_string (json_array_get_element (json_node_get_array (pair), 0)) ||
              !is_string (json_array_get_element (json_node_get_array (pair), 1)))
            return refuse (error, where, field, "each pair is a list of two names");
          names = json_node_get_array (pair);
          augur_label_params_add_swap (params, json_array_get_string_element (names, 0),
                                       json_array_get_string_element (names, 1));
        }
      return TRUE;
    }

  return refuse (error, where, field, "unknown member");
}

/**
 * augur_label_params_from_json:
 * @recipe: the recipe's object
 * @out: (out) (transfer full): the settings, or NULL when the recipe has
 *   neither "bbox_params" nor "keypoint_params" (files written before
 *   labels)
 *
 * Strict, as the rest of the recipe: an unknown member, a wrong type or a
 * value out of range is refused, naming the member.
 */
gboolean
augur_label_params_from_json (JsonObject         *recipe,
                              AugurLabelParams  **out,
                              GError            **error)
{
  static const char *const members[] = { "bbox_params", "keypoint_params" };
  g_autoptr(AugurLabelParams) params = NULL;

  g_return_val_if_fail (recipe != NULL && out != NULL, FALSE);

  *out = NULL;
  for (guint m = 0; m < G_N_ELEMENTS (members); m++)
    {
      JsonNode *node = json_object_get_member (recipe, members[m]);
      g_autoptr(GList) fields = NULL;

      if (node == NULL)
        continue;
      if (params == NULL)
        params = augur_label_params_new ();
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "%s: expected an object",
                       members[m]);
          return FALSE;
        }
      fields = json_object_get_members (json_node_get_object (node));
      for (GList *l = fields; l; l = l->next)
        if (!read_setting (json_object_get_member (json_node_get_object (node), l->data),
                           members[m], l->data, params, error))
          return FALSE;
    }

  *out = g_steal_pointer (&params);
  return TRUE;
}

/* Labels ------------------------------------------------------------------------ */

static void
box_clear (gpointer data)
{
  g_free (((AugurBox *) data)->label);
}

static void
keypoint_clear (gpointer data)
{
  g_free (((AugurKeypoint *) data)->label);
}

static void
polygon_clear (gpointer data)
{
  g_array_unref (((AugurPolygon *) data)->xy);
}

AugurLabels *
augur_labels_new (int width,
                  int height)
{
  AugurLabels *labels = g_new0 (AugurLabels, 1);

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  labels->width = width;
  labels->height = height;
  labels->boxes = g_array_new (FALSE, FALSE, sizeof (AugurBox));
  g_array_set_clear_func (labels->boxes, box_clear);
  labels->keypoints = g_array_new (FALSE, FALSE, sizeof (AugurKeypoint));
  g_array_set_clear_func (labels->keypoints, keypoint_clear);
  labels->binary = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_image_unref);
  labels->binary_class = g_array_new (FALSE, FALSE, sizeof (int));
  labels->polygons = g_array_new (FALSE, FALSE, sizeof (AugurPolygon));
  g_array_set_clear_func (labels->polygons, polygon_clear);
  return labels;
}

/* A new set of the given size, with copies of @labels' boxes and keypoints
 * and no masks. */
static AugurLabels *
copy_points (const AugurLabels *labels,
             int                width,
             int                height)
{
  AugurLabels *copy = augur_labels_new (width, height);

  for (guint i = 0; i < labels->boxes->len; i++)
    {
      AugurBox b = g_array_index (labels->boxes, AugurBox, i);

      b.label = g_strdup (b.label);
      g_array_append_val (copy->boxes, b);
    }
  for (guint i = 0; i < labels->keypoints->len; i++)
    {
      AugurKeypoint k = g_array_index (labels->keypoints, AugurKeypoint, i);

      k.label = g_strdup (k.label);
      g_array_append_val (copy->keypoints, k);
    }
  return copy;
}

AugurLabels *
augur_labels_copy (const AugurLabels *labels)
{
  AugurLabels *copy = copy_points (labels, labels->width, labels->height);

  copy->mask_depth = labels->mask_depth;
  for (int p = 0; p < 2; p++)
    copy->planes[p] = labels->planes[p] ? augur_image_ref (labels->planes[p]) : NULL;
  for (guint i = 0; i < labels->binary->len; i++)
    g_ptr_array_add (copy->binary, augur_image_ref (labels->binary->pdata[i]));
  g_array_append_vals (copy->binary_class, labels->binary_class->data, labels->binary_class->len);
  for (guint i = 0; i < labels->polygons->len; i++)
    {
      AugurPolygon p = g_array_index (labels->polygons, AugurPolygon, i);

      g_array_ref (p.xy);
      g_array_append_val (copy->polygons, p);
    }
  return copy;
}

void
augur_labels_free (AugurLabels *labels)
{
  if (labels == NULL)
    return;
  g_array_unref (labels->boxes);
  g_array_unref (labels->keypoints);
  g_clear_pointer (&labels->planes[0], augur_image_unref);
  g_clear_pointer (&labels->planes[1], augur_image_unref);
  g_ptr_array_unref (labels->binary);
  g_array_unref (labels->binary_class);
  g_array_unref (labels->polygons);
  g_free (labels);
}

/* Returns: (transfer none): the new box, valid until the next addition. */
AugurBox *
augur_labels_add_box (AugurLabels *labels,
                      double       x_min,
                      double       y_min,
                      double       x_max,
                      double       y_max,
                      int          class_id,
                      const char  *label)
{
  AugurBox b = { x_min, y_min, x_max, y_max, class_id, g_strdup (label), labels->boxes->len };

  g_array_append_val (labels->boxes, b);
  return &g_array_index (labels->boxes, AugurBox, labels->boxes->len - 1);
}

/* A keypoint with angle 0 and scale 1, owned by no box.
 * Returns: (transfer none): the new keypoint, valid until the next addition. */
AugurKeypoint *
augur_labels_add_keypoint (AugurLabels *labels,
                           double       x,
                           double       y,
                           const char  *label)
{
  AugurKeypoint k = { x, y, 0, 1, g_strdup (label), -1, -1, 0, labels->keypoints->len };

  g_array_append_val (labels->keypoints, k);
  return &g_array_index (labels->keypoints, AugurKeypoint, labels->keypoints->len - 1);
}

/* @xy: @n_points corners, x0 y0 x1 y1 ..., of the object of box @box. */
void
augur_labels_add_polygon (AugurLabels  *labels,
                          guint         box,
                          const double *xy,
                          guint         n_points)
{
  AugurPolygon p = { box, g_array_sized_new (FALSE, FALSE, sizeof (double), 2 * n_points) };

  g_return_if_fail (n_points >= 3);

  g_array_append_vals (p.xy, xy, 2 * n_points);
  g_array_append_val (labels->polygons, p);
}

/* The area the polygon encloses (the shoelace formula). */
double
augur_polygon_area (const AugurPolygon *polygon)
{
  const double *v = (const double *) (gpointer) polygon->xy->data;
  guint n = polygon->xy->len / 2;
  double twice = 0;

  for (guint i = 0; i < n; i++)
    {
      guint j = (i + 1) % n;

      twice += v[2 * i] * v[2 * j + 1] - v[2 * j] * v[2 * i + 1];
    }
  return fabs (twice) / 2;
}

/* Polygons ------------------------------------------------------------------------ */

/* One pass of Sutherland and Hodgman's clipping (1974): the part of the
 * polygon @in on the kept side of one edge of the window: coordinate
 * @axis (0 x, 1 y) at least @limit, or at most when @upper. */
static void
clip_edge (const GArray *in,
           GArray       *out,
           int           axis,
           double        limit,
           gboolean      upper)
{
  const double *v = (const double *) (gpointer) in->data;
  guint n = in->len / 2;

  g_array_set_size (out, 0);
  for (guint i = 0; i < n; i++)
    {
      const double *a = &v[2 * ((i + n - 1) % n)], *b = &v[2 * i];
      gboolean a_in = upper ? a[axis] <= limit : a[axis] >= limit;
      gboolean b_in = upper ? b[axis] <= limit : b[axis] >= limit;

      if (a_in != b_in)
        {
          double t = (limit - a[axis]) / (b[axis] - a[axis]), p[2];

          p[axis] = limit;
          p[1 - axis] = a[1 - axis] + t * (b[1 - axis] - a[1 - axis]);
          g_array_append_vals (out, p, 2);
        }
      if (b_in)
        g_array_append_vals (out, b, 2);
    }
}

/* @xy cut to the rectangle [x0, x1] x [y0, y1]; added to @out as an
 * outline of @box when something with area is left. */
static void
add_clipped_polygon (AugurLabels  *out,
                     guint         box,
                     const GArray *xy,
                     double        x0,
                     double        y0,
                     double        x1,
                     double        y1)
{
  g_autoptr(GArray) a = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) b = g_array_new (FALSE, FALSE, sizeof (double));
  AugurPolygon p;

  if (x1 <= x0 || y1 <= y0)
    return;
  g_array_append_vals (a, xy->data, xy->len);
  clip_edge (a, b, 0, x0, FALSE);
  clip_edge (b, a, 0, x1, TRUE);
  clip_edge (a, b, 1, y0, FALSE);
  clip_edge (b, a, 1, y1, TRUE);
  if (a->len < 6)
    return;
  p = (AugurPolygon) { box, g_steal_pointer (&a) };
  if (augur_polygon_area (&p) <= 0)
    {
      g_array_unref (p.xy);
      return;
    }
  g_array_append_val (out->polygons, p);
}

/* The polygons of @labels whose boxes @out kept (under the id @base
 * gives them), their corners moved by @warp, cut to @r (the region's
 * rectangle less its hole: the four rectangles around it), or to the
 * image when @r is NULL. */
static void
map_polygons (const AugurLabels      *labels,
              AugurWarp              *warp,
              const AugurBlendRegion *r,
              guint                   base,
              AugurLabels            *out)
{
  for (guint i = 0; i < labels->polygons->len; i++)
    {
      const AugurPolygon *p = &g_array_index (labels->polygons, AugurPolygon, i);
      g_autoptr(GArray) xy = NULL;
      double *v;

      if (augur_labels_find_box (out, p->box + base) == NULL)
        continue;
      xy = g_array_copy (p->xy);
      v = (double *) (gpointer) xy->data;
      for (guint k = 0; k + 1 < xy->len; k += 2)
        augur_warp_map_point (warp, &v[k], &v[k + 1]);
      if (r == NULL)
        add_clipped_polygon (out, p->box, xy, 0, 0, out->width, out->height);
      else if (!(r->hole[2] > r->hole[0] && r->hole[3] > r->hole[1]))
        add_clipped_polygon (out, p->box + base, xy, r->x0, r->y0, r->x1, r->y1);
      else
        {
          const int *h = r->hole;

          add_clipped_polygon (out, p->box + base, xy, r->x0, r->y0, MIN (h[0], r->x1), r->y1);
          add_clipped_polygon (out, p->box + base, xy, MAX (h[2], r->x0), r->y0, r->x1, r->y1);
          add_clipped_polygon (out, p->box + base, xy, MAX (h[0], r->x0), r->y0, MIN (h[2], r->x1),
                               MIN (h[1], r->y1));
          add_clipped_polygon (out, p->box + base, xy, MAX (h[0], r->x0), MAX (h[3], r->y0),
                               MIN (h[2], r->x1), r->y1);
        }
    }
}

/**
 * augur_labels_set_mask:
 * @values: width * height label values, row by row
 * @depth: 8 or 16: the values' range (0 .. 255 or 0 .. 65535)
 */
void
augur_labels_set_mask (AugurLabels   *labels,
                       const guint16 *values,
                       int            depth)
{
  int w = labels->width, h = labels->height;

  g_return_if_fail (depth == 8 || depth == 16);

  g_clear_pointer (&labels->planes[0], augur_image_unref);
  g_clear_pointer (&labels->planes[1], augur_image_unref);
  labels->mask_depth = depth;
  for (int p = 0; p < (depth == 16 ? 2 : 1); p++)
    {
      labels->planes[p] = augur_image_new (w, h, 1);
      for (int y = 0; y < h; y++)
        {
          guint8 *row = augur_image_row (labels->planes[p], y);

          for (int x = 0; x < w; x++)
            row[x] = (guint8) (values[(gsize) y * w + x] >> (8 * p));
        }
    }
}

guint
augur_labels_mask_value (const AugurLabels *labels,
                         int                x,
                         int                y)
{
  guint v = 0;

  g_return_val_if_fail (labels->mask_depth != 0, 0);
  g_return_val_if_fail (x >= 0 && y >= 0 && x < labels->width && y < labels->height, 0);

  for (int p = 0; p < 2; p++)
    if (labels->planes[p])
      v |= (guint) augur_image_row (labels->planes[p], y)[x] << (8 * p);
  return v;
}

/* @mask: one channel, the labels' size; the labels take a reference. */
void
augur_labels_add_binary_mask (AugurLabels *labels,
                              AugurImage  *mask,
                              int          class_id)
{
  g_return_if_fail (mask->channels == 1 && mask->width == labels->width &&
                    mask->height == labels->height);

  g_ptr_array_add (labels->binary, augur_image_ref (mask));
  g_array_append_val (labels->binary_class, class_id);
}

const AugurBox *
augur_labels_find_box (const AugurLabels *labels,
                       guint              id)
{
  for (guint i = 0; i < labels->boxes->len; i++)
    if (g_array_index (labels->boxes, AugurBox, i).id == id)
      return &g_array_index (labels->boxes, AugurBox, i);
  return NULL;
}

const AugurKeypoint *
augur_labels_find_keypoint (const AugurLabels *labels,
                            guint              id)
{
  for (guint i = 0; i < labels->keypoints->len; i++)
    if (g_array_index (labels->keypoints, AugurKeypoint, i).id == id)
      return &g_array_index (labels->keypoints, AugurKeypoint, i);
  return NULL;
}

/* Records ------------------------------------------------------------------------ */

AugurLabelRecord *
augur_label_record_new (void)
{
  AugurLabelRecord *record = g_new0 (AugurLabelRecord, 1);

  record->steps = g_array_new (FALSE, TRUE, sizeof (AugurLabelStep));
  record->events = g_array_new (FALSE, TRUE, sizeof (AugurLabelEvent));
  return record;
}

void
augur_label_record_free (AugurLabelRecord *record)
{
  if (record == NULL)
    return;
  g_array_unref (record->steps);
  g_array_unref (record->events);
  g_free (record);
}

static void
add_event (GArray         *events,
           gboolean        keypoint,
           guint           id,
           guint           step,
           AugurLabelFate  fate)
{
  AugurLabelEvent e = { keypoint, id, step, fate };

  if (events)
    g_array_append_val (events, e);
}

/* What happened to one label, in @events' order: "cut by ID (Type)",
 * "dropped by ...". */
static void
append_fates (GString                *line,
              const AugurLabelRecord *record,
              gboolean                keypoint,
              guint                   id)
{
  gboolean first = TRUE;

  for (guint i = 0; i < record->events->len; i++)
    {
      const AugurLabelEvent *e = &g_array_index (record->events, AugurLabelEvent, i);
      const AugurNode *node;

      if (!e->keypoint != !keypoint || e->id != id || e->step >= record->steps->len)
        continue;
      node = g_array_index (record->steps, AugurLabelStep, e->step).node;
      g_string_append_printf (line, "%s%s by %s", first ? "" : ", ",
                              e->fate == AUGUR_LABEL_CLIPPED ? "cut" : "dropped",
                              node == NULL ? (g_array_index (record->steps, AugurLabelStep, e->step).final
                                              ? "the final checks" : "the input checks")
                              : node->id ? node->id : augur_node_type_name (node));
      if (node != NULL)
        g_string_append_printf (line, " (%s)", augur_node_type_name (node));
      first = FALSE;
    }
  if (first)
    g_string_append (line, "kept");
}

/**
 * augur_label_record_describe:
 * @in: the labels the draw started from
 * @out: the labels it ended with
 *
 * What happened to each label in one draw, one line each, for the draw
 * view's replay: "box 2 (spoon): cut by rotate-1 (Rotate)", "keypoint 0
 * (left_eye): kept, now right_eye", "box 3 (cup): dropped by crop-1
 * (Crop)"; and for each blend that brought in other images' labels, or
 * drew images without labels, "mosaic-1 (Mosaic): brought in 3 boxes and
 * 0 keypoints of the images it drew; 1 of those had no labels".
 *
 * Returns: (transfer full): the lines, each ended by a newline.
 */
char *
augur_label_record_describe (const AugurLabelRecord *record,
                             const AugurLabels      *in,
                             const AugurLabels      *out)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (record != NULL && in != NULL && out != NULL, NULL);

  for (guint i = 0; i < in->boxes->len; i++)
    {
      const AugurBox *b = &g_array_index (in->boxes, AugurBox, i);

      g_string_append_printf (text, "box %u (%s): ", b->id, b->label ? b->label : "no name");
      append_fates (text, record, FALSE, b->id);
      g_string_append_c (text, '\n');
    }
  for (guint i = 0; i < in->keypoints->len; i++)
    {
      const AugurKeypoint *k = &g_array_index (in->keypoints, AugurKeypoint, i);
      const AugurKeypoint *now = augur_labels_find_keypoint (out, k->id);

      g_string_append_printf (text, "keypoint %u (%s): ", k->id, k->label ? k->label : "no name");
      append_fates (text, record, TRUE, k->id);
      if (now && g_strcmp0 (now->label, k->label) != 0)
        g_string_append_printf (text, ", now %s", now->label ? now->label : "no name");
      g_string_append_c (text, '\n');
    }
  for (guint i = 0; i < record->steps->len; i++)
    {
      const AugurLabelStep *step = &g_array_index (record->steps, AugurLabelStep, i);

      if (step->node == NULL || (step->boxes_added == 0 && step->keypoints_added == 0 &&
                                 step->references_unlabelled == 0))
        continue;
      g_string_append_printf (text, "%s (%s): brought in %u boxes and %u keypoints of the images it drew",
                              step->node->id ? step->node->id : augur_node_type_name (step->node),
                              augur_node_type_name (step->node), step->boxes_added, step->keypoints_added);
      if (step->references_unlabelled > 0)
        g_string_append_printf (text, "; %u of those had no labels", step->references_unlabelled);
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

/* One step ------------------------------------------------------------------------ */

/* A copy of @plane with @value where @hit is set. */
static AugurImage *
fill_plane (const AugurImage *plane,
            const guint8     *hit,
            guint8            value)
{
  AugurImage *out = augur_image_copy (plane);

  for (int y = 0; y < out->height; y++)
    {
      guint8 *row = augur_image_row (out, y);
      const guint8 *h = hit + (gsize) y * out->width;

      for (int x = 0; x < out->width; x++)
        if (h[x])
          row[x] = value;
    }
  return out;
}

/* The masks of @labels through a pixel step: the dropouts' holes. */
static void
fill_masks (const AugurTransformInfo *info,
            const AugurValue         *params,
            const AugurDrawn         *drawn,
            const AugurShape         *in,
            const AugurLabels        *labels,
            AugurLabels              *out)
{
  g_autofree guint8 *hit = NULL;
  double fill = 0;
  guint value;

  if (info->mask_holes == NULL || (labels->mask_depth == 0 && labels->binary->len == 0))
    return;
  hit = g_new0 (guint8, (gsize) labels->width * labels->height);
  if (!info->mask_holes (params, drawn, in, hit, &fill))
    return;

  value = (guint) CLAMP (fill, 0, labels->mask_depth == 16 ? 65535 : 255);
  for (int p = 0; p < 2; p++)
    if (out->planes[p])
      {
        AugurImage *filled = fill_plane (out->planes[p], hit, (guint8) (value >> (8 * p)));

        augur_image_unref (out->planes[p]);
        out->planes[p] = filled;
      }
  for (guint i = 0; i < out->binary->len; i++)
    {
      AugurImage *filled = fill_plane (out->binary->pdata[i], hit, (guint8) MIN (value, 255));

      augur_image_unref (out->binary->pdata[i]);
      out->binary->pdata[i] = filled;
    }
}

/* The box through @warp and the filter of @settings; FALSE when dropped. */
static gboolean
map_box (AugurWarp              *warp,
         const AugurLabelParams *settings,
         AugurBox               *box,
         gboolean               *clipped)
{
  double b[4] = { box->x_min, box->y_min, box->x_max, box->y_max };
  double full_area, area, w, h;

  *clipped = FALSE;
  if (!augur_warp_map_box_unclipped (warp, b))
    return FALSE;
  full_area = (b[2] - b[0]) * (b[3] - b[1]);
  box->x_min = CLAMP (b[0], 0, warp->out_width);
  box->y_min = CLAMP (b[1], 0, warp->out_height);
  box->x_max = CLAMP (b[2], 0, warp->out_width);
  box->y_max = CLAMP (b[3], 0, warp->out_height);
  w = box->x_max - box->x_min;
  h = box->y_max - box->y_min;
  area = w * h;
  *clipped = area < full_area * (1 - 1e-9);

  return w > 0 && h > 0 && area >= settings->min_area &&
         !(full_area > 0 && area / full_area < settings->min_visibility) &&
         w >= settings->min_width && h >= settings->min_height;
}

static AugurLabelParams *
default_settings (void)
{
  static AugurLabelParams *defaults;

  if (g_once_init_enter (&defaults))
    g_once_init_leave (&defaults, augur_label_params_new ());
  return defaults;
}

/**
 * augur_labels_apply_step:
 * @in: the shape of the image the step sees (the labels' size)
 * @settings: (nullable): Albumentations' defaults when NULL
 * @step: (out caller-allocates): the counts of this step (its node unset)
 * @events: (nullable): where each label's cut or drop is appended
 * @step_index: the step's number, for @events
 *
 * The labels through one transform with the values it drew.
 *
 * Returns: (transfer full): the labels after the step.
 */
AugurLabels *
augur_labels_apply_step (const AugurTransformInfo *info,
                         const AugurValue         *params,
                         const AugurDrawn         *drawn,
                         const AugurLabels        *labels,
                         const AugurShape         *in,
                         const AugurLabelParams   *settings,
                         AugurLabelStep           *step,
                         GArray                   *events,
                         guint                    step_index)
{
  g_auto(AugurWarp) warp = { 0 };
  AugurLabels *out;
  gboolean mirror;
  guint fill = 0;
  int fill_index;

  g_return_val_if_fail (info != NULL && labels != NULL && in != NULL && step != NULL, NULL);
  g_return_val_if_fail (labels->width == in->width && labels->height == in->height, NULL);

  if (settings == NULL)
    settings = default_settings ();
  memset (step, 0, sizeof *step);
  step->boxes_in = labels->boxes->len;
  step->keypoints_in = labels->keypoints->len;

  if (!augur_transform_is_spatial (info))
    {
      out = augur_labels_copy (labels);
      fill_masks (info, params, drawn, in, labels, out);
      return out;
    }

  augur_warp_init (&warp, params, drawn, in);
  info->geometry (params, drawn, in, &warp);
  out = copy_points (labels, warp.out_width, warp.out_height);
  g_array_set_size (out->boxes, 0);
  g_array_set_size (out->keypoints, 0);
  mirror = settings->label_swap->len > 0 && augur_warp_mirrors (&warp);

  for (guint i = 0; i < labels->boxes->len; i++)
    {
      AugurBox b = g_array_index (labels->boxes, AugurBox, i);
      gboolean clipped;

      if (!map_box (&warp, settings, &b, &clipped))
        {
          step->boxes_dropped++;
          add_event (events, FALSE, b.id, step_index, AUGUR_LABEL_DROPPED);
          continue;
        }
      if (clipped)
        {
          step->boxes_clipped++;
          add_event (events, FALSE, b.id, step_index, AUGUR_LABEL_CLIPPED);
        }
      b.label = g_strdup (b.label);
      g_array_append_val (out->boxes, b);
    }

  for (guint i = 0; i < labels->keypoints->len; i++)
    {
      AugurKeypoint k = g_array_index (labels->keypoints, AugurKeypoint, i);
      gboolean inside = augur_warp_map_keypoint (&warp, &k.x, &k.y, &k.angle, &k.scale);

      if (!inside && settings->remove_invisible && settings->check_each_transform)
        {
          step->keypoints_dropped++;
          add_event (events, TRUE, k.id, step_index, AUGUR_LABEL_DROPPED);
          continue;
        }
      k.label = g_strdup (mirror ? augur_label_params_swapped (settings, k.label) : k.label);
      g_array_append_val (out->keypoints, k);
    }

  map_polygons (labels, &warp, NULL, 0, out);

  /* a transform's fill_mask, where it has one (Albumentations' default 0) */
  fill_index = augur_transform_param_index (info, "fill_mask");
  if (fill_index >= 0 && !params[fill_index].is_null)
    fill = (guint) CLAMP (params[fill_index].v[0], 0, labels->mask_depth == 16 ? 65535 : 255);
  out->mask_depth = labels->mask_depth;
  for (int p = 0; p < 2; p++)
    if (labels->planes[p])
      out->planes[p] = augur_warp_apply_mask_fill (&warp, labels->planes[p], (guint8) (fill >> (8 * p)));
  for (guint i = 0; i < labels->binary->len; i++)
    g_ptr_array_add (out->binary, augur_warp_apply_mask_fill (&warp, labels->binary->pdata[i],
                                                              (guint8) MIN (fill, 255)));
  g_array_append_vals (out->binary_class, labels->binary_class->data, labels->binary_class->len);

  return out;
}

/* Blends ------------------------------------------------------------------------- */

/* The part of @r the result shows of its source, for a point. */
static gboolean
region_shows (const AugurBlendRegion *r,
              double                  x,
              double                  y)
{
  return x >= r->x0 && x < r->x1 && y >= r->y0 && y < r->y1 &&
         !(x >= r->hole[0] && x < r->hole[2] && y >= r->hole[1] && y < r->hole[3]);
}

/* One side of a box, [*a0, *a1], once [h0, h1] is taken away from it:
 * cut at the end it covers, left whole when it lies inside (the rest
 * still reaches both ends), emptied when it covers all. */
static void
cut_interval (double *a0,
              double *a1,
              double  h0,
              double  h1)
{
  if (h0 <= *a0 && h1 >= *a1)
    *a1 = *a0;
  else if (h0 <= *a0 && h1 > *a0)
    *a0 = h1;
  else if (h1 >= *a1 && h0 < *a1)
    *a1 = h0;
}

/* The box (its source's coordinates) in the result, cut to what @r shows
 * of it and filtered as after any step: the part left is the region's
 * rectangle less the hole, and the box becomes the bounding box of that
 * part, as Albumentations 2.x's dropouts resize a box to its visible
 * pixels (resize_boxes_to_visible_area); its visibility is the visible
 * area over the area of the box as the blend moved it. FALSE: dropped. */
static gboolean
blend_box (AugurWarp              *warp,
           const AugurBlendRegion *r,
           const AugurLabelParams *settings,
           AugurBox               *box,
           gboolean               *clipped)
{
  double b[4] = { box->x_min, box->y_min, box->x_max, box->y_max };
  double full_area, area, w, h, c[4];

  *clipped = FALSE;
  if (!augur_warp_map_box_unclipped (warp, b))
    return FALSE;
  full_area = (b[2] - b[0]) * (b[3] - b[1]);
  c[0] = CLAMP (b[0], r->x0, r->x1);
  c[1] = CLAMP (b[1], r->y0, r->y1);
  c[2] = CLAMP (b[2], r->x0, r->x1);
  c[3] = CLAMP (b[3], r->y0, r->y1);
  area = MAX (c[2] - c[0], 0) * MAX (c[3] - c[1], 0);
  if (r->hole[2] > r->hole[0] && r->hole[3] > r->hole[1])
    {
      double hx0 = MAX (c[0], r->hole[0]), hx1 = MIN (c[2], r->hole[2]);
      double hy0 = MAX (c[1], r->hole[1]), hy1 = MIN (c[3], r->hole[3]);

      if (hx1 > hx0 && hy1 > hy0)
        {
          area -= (hx1 - hx0) * (hy1 - hy0);
          /* The hole takes a side away only where it spans the other side. */
          if (hy0 <= c[1] && hy1 >= c[3])
            cut_interval (&c[0], &c[2], hx0, hx1);
          if (hx0 <= c[0] && hx1 >= c[2])
            cut_interval (&c[1], &c[3], hy0, hy1);
        }
    }
  box->x_min = c[0], box->y_min = c[1], box->x_max = c[2], box->y_max = c[3];
  w = c[2] - c[0];
  h = c[3] - c[1];
  *clipped = area < full_area * (1 - 1e-9);

  return w > 0 && h > 0 && area > 0 && area >= settings->min_area &&
         !(full_area > 0 && area / full_area < settings->min_visibility) &&
         w >= settings->min_width && h >= settings->min_height;
}

/* The warp that moves @r's source (of @from's size) into the result. */
static void
region_warp (AugurWarp              *warp,
             const AugurBlendRegion *r,
             const AugurShape       *from,
             const AugurShape       *out)
{
  augur_warp_init (warp, NULL, NULL, from);
  warp->kind = AUGUR_WARP_AFFINE;
  warp->affine.forward[0] = r->scale_x;
  warp->affine.forward[1] = 0;
  warp->affine.forward[2] = r->offset_x;
  warp->affine.forward[3] = 0;
  warp->affine.forward[4] = r->scale_y;
  warp->affine.forward[5] = r->offset_y;
  warp->out_width = out->width;
  warp->out_height = out->height;
}

/* The highest id among @labels' boxes and keypoints, plus one. */
static guint
ids_end (const AugurLabels *labels)
{
  guint end = 0;

  for (guint i = 0; i < labels->boxes->len; i++)
    end = MAX (end, g_array_index (labels->boxes, AugurBox, i).id + 1);
  for (guint i = 0; i < labels->keypoints->len; i++)
    end = MAX (end, g_array_index (labels->keypoints, AugurKeypoint, i).id + 1);
  return end;
}

/* One source's boxes and keypoints into @out through @r; the image's
 * (@base < 0) are counted and their fates recorded, the references' are
 * renumbered from @base and kept only inside their region. */
static void
blend_points (const AugurLabels      *from,
              const AugurBlendRegion *r,
              AugurWarp              *warp,
              gint64                  base,
              const AugurLabelParams *settings,
              AugurLabels            *out,
              AugurLabelStep         *step,
              GArray                 *events,
              guint                   step_index)
{
  gboolean own = base < 0;

  for (guint i = 0; i < from->boxes->len; i++)
    {
      AugurBox b = g_array_index (from->boxes, AugurBox, i);
      gboolean clipped = FALSE, kept = r != NULL && blend_box (warp, r, settings, &b, &clipped);

      if (own && !kept)
        {
          step->boxes_dropped++;
          add_event (events, FALSE, b.id, step_index, AUGUR_LABEL_DROPPED);
        }
      if (!kept)
        continue;
      if (own && clipped)
        {
          step->boxes_clipped++;
          add_event (events, FALSE, b.id, step_index, AUGUR_LABEL_CLIPPED);
        }
      if (!own)
        {
          b.id += (guint) base;
          step->boxes_added++;
        }
      b.label = g_strdup (b.label);
      g_array_append_val (out->boxes, b);
    }

  for (guint i = 0; i < from->keypoints->len; i++)
    {
      AugurKeypoint k = g_array_index (from->keypoints, AugurKeypoint, i);
      gboolean inside = r != NULL && augur_warp_map_keypoint (warp, &k.x, &k.y, &k.angle, &k.scale) &&
                        region_shows (r, k.x, k.y);

      if (own && !inside && settings->remove_invisible && settings->check_each_transform)
        {
          step->keypoints_dropped++;
          add_event (events, TRUE, k.id, step_index, AUGUR_LABEL_DROPPED);
          continue;
        }
      if (!own && !inside)
        continue;
      if (!own)
        {
          k.id += (guint) base;
          k.owner = k.owner >= 0 ? k.owner + (int) base : -1;
          step->keypoints_added++;
        }
      k.label = g_strdup (k.label);
      g_array_append_val (out->keypoints, k);
    }
}

/* @mask through @warp, 0 where @r does not show it. */
static AugurImage *
region_mask (AugurWarp              *warp,
             const AugurBlendRegion *r,
             const AugurImage       *mask)
{
  AugurImage *out = augur_warp_apply_mask_fill (warp, mask, 0);

  for (int y = 0; y < out->height; y++)
    {
      guint8 *row = augur_image_row (out, y);

      for (int x = 0; x < out->width; x++)
        if (!region_shows (r, x + 0.5, y + 0.5))
          row[x] = 0;
    }
  return out;
}

/* The label map of the result: each region in turn paints its source's
 * values where it shows (0 from a source without a map), an overlay
 * region only its nonzero ones. */
static void
blend_label_map (const AugurLabels *const *sources,
                 const AugurBlendRegion   *regions,
                 guint                     n_regions,
                 AugurWarp                *warps,
                 AugurLabels              *out)
{
  g_autofree guint16 *values = g_new0 (guint16, (gsize) out->width * out->height);
  int depth = 0;

  for (guint i = 0; i < n_regions; i++)
    {
      const AugurBlendRegion *r = &regions[i];
      const AugurLabels *from = sources[r->source];
      g_autoptr(AugurImage) low = NULL;
      g_autoptr(AugurImage) high = NULL;

      if (from != NULL && from->mask_depth != 0)
        {
          depth = MAX (depth, from->mask_depth);
          low = augur_warp_apply_mask_fill (&warps[i], from->planes[0], 0);
          if (from->planes[1])
            high = augur_warp_apply_mask_fill (&warps[i], from->planes[1], 0);
        }
      for (int y = MAX (r->y0, 0); y < MIN (r->y1, out->height); y++)
        for (int x = MAX (r->x0, 0); x < MIN (r->x1, out->width); x++)
          {
            guint v = 0;

            if (!region_shows (r, x + 0.5, y + 0.5))
              continue;
            if (low)
              v = augur_image_row (low, y)[x] | (high ? (guint) augur_image_row (high, y)[x] << 8 : 0);
            if (v != 0 || !r->overlay)
              values[(gsize) y * out->width + x] = (guint16) v;
          }
    }
  if (depth != 0)
    augur_labels_set_mask (out, values, depth);
}

/**
 * augur_labels_blend:
 * @labels: the image's labels
 * @refs: (array): each reference's labels, NULL for one that has none
 * @ref_shapes: (array): each reference's size
 * @out_shape: the result's shape
 * @settings: (nullable): Albumentations' defaults when NULL
 * @next_id: (inout): the first id no label of this draw has: the labels
 *   the references bring are numbered from it, and it moves past them
 * @step: (out caller-allocates): the counts of this step (its node unset)
 *
 * The labels through a blend that shows other images (info->blend_regions):
 * each image's boxes and keypoints are moved where the blend puts that
 * image and kept where its region shows them (boxes cut to it, then
 * filtered as after any step), masks painted region by region, binary
 * masks of each image kept within its region. The image's own labels that
 * the blend covers are counted as dropped or cut by this step; the
 * references' come in as new labels (@step's boxes_added, keypoints_added).
 * A blend without regions changes colours only: the labels are copied.
 *
 * Returns: (transfer full): the labels of the result.
 */
AugurLabels *
augur_labels_blend (const AugurTransformInfo  *info,
                    const AugurValue          *params,
                    const AugurDrawn          *drawn,
                    const AugurLabels         *labels,
                    const AugurLabels * const *refs,
                    const AugurShape          *ref_shapes,
                    const AugurShape          *out_shape,
                    const AugurLabelParams    *settings,
                    guint                     *next_id,
                    AugurLabelStep            *step,
                    GArray                    *events,
                    guint                      step_index)
{
  AugurBlendRegion regions[AUGUR_BLEND_MAX_REGIONS];
  AugurWarp warps[AUGUR_BLEND_MAX_REGIONS];
  const AugurLabels *sources[1 + AUGUR_BLEND_MAX_REGIONS] = { labels };
  AugurShape in = { labels->width, labels->height, 1 };
  AugurLabels *out;
  guint n;

  g_return_val_if_fail (info != NULL && labels != NULL && step != NULL && next_id != NULL, NULL);
  g_return_val_if_fail (info->n_references < AUGUR_BLEND_MAX_REGIONS + 1, NULL);

  if (settings == NULL)
    settings = default_settings ();
  memset (step, 0, sizeof *step);
  step->boxes_in = labels->boxes->len;
  step->keypoints_in = labels->keypoints->len;
  for (guint k = 0; k < info->n_references; k++)
    {
      sources[1 + k] = refs[k];
      step->references_unlabelled += refs[k] == NULL;
    }

  if (info->blend_regions == NULL)
    return augur_labels_copy (labels);

  n = info->blend_regions (params, drawn, &in, ref_shapes, regions);
  g_assert (n <= AUGUR_BLEND_MAX_REGIONS);
  for (guint i = 0; i < n; i++)
    region_warp (&warps[i], &regions[i], regions[i].source == 0 ? &in : &ref_shapes[regions[i].source - 1],
                 out_shape);

  out = augur_labels_new (out_shape->width, out_shape->height);
  for (guint s = 0; s <= info->n_references; s++)
    {
      const AugurBlendRegion *r = NULL;
      AugurWarp *warp = NULL;
      gint64 base = -1;

      if (sources[s] == NULL)
        continue;
      for (guint i = 0; i < n && r == NULL; i++)
        if (regions[i].source == s)
          r = &regions[i], warp = &warps[i];
      if (s > 0)
        {
          base = *next_id;
          *next_id += ids_end (sources[s]);
        }
      blend_points (sources[s], r, warp, base, settings, out, step, events, step_index);
      if (r != NULL)
        map_polygons (sources[s], warp, r, base < 0 ? 0 : (guint) base, out);

      for (guint m = 0; r != NULL && m < sources[s]->binary->len; m++)
        {
          g_ptr_array_add (out->binary, region_mask (warp, r, sources[s]->binary->pdata[m]));
          g_array_append_val (out->binary_class, g_array_index (sources[s]->binary_class, int, m));
        }
    }
  blend_label_map (sources, regions, n, warps, out);
  return out;
}

/* The pipeline ------------------------------------------------------------------- */

typedef struct
{
  AugurImage             *image;    /* NULL: labels only */
  AugurShape              shape;    /* the labels' shape when there is no image */
  AugurLabels            *labels;
  const AugurLabelParams *settings;
  AugurLabelRecord       *record;
  AugurReferencePool     *pool;
  guint                   next_id;  /* the first id free for the references' labels */
  GError                 *error;    /* the first step that failed: the rest are skipped */
} Walk;

/* A blend's step: its references' images and labels from the pool, the
 * image blended (when there is one) and the labels combined. */
static gboolean
walk_blend (Walk              *walk,
            const AugurNode   *node,
            const AugurReplay *replay,
            AugurLabelStep    *step)
{
  guint n = node->info->n_references;
  g_autofree guint *indices = g_new0 (guint, n);
  g_autofree AugurShape *shapes = g_new0 (AugurShape, n);
  g_autoptr(GPtrArray) refs = g_ptr_array_new_full (n, (GDestroyNotify) augur_labels_free);
  g_autoptr(GPtrArray) images = g_ptr_array_new_full (n, (GDestroyNotify) augur_image_unref);
  AugurShape out_shape;
  AugurLabels *labels;

  if (!augur_node_find_references (node, replay, walk->pool, indices, &walk->error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      AugurLabels *ref_labels = NULL;

      if (!augur_reference_pool_get_labels (walk->pool, indices[i], &shapes[i].width, &shapes[i].height,
                                            &ref_labels, &walk->error))
        return FALSE;
      shapes[i].channels = walk->shape.channels;
      g_ptr_array_add (refs, ref_labels);
      if (walk->image)
        {
          AugurImage *image = augur_reference_pool_get (walk->pool, indices[i], &walk->error);

          if (image == NULL)
            return FALSE;
          g_ptr_array_add (images, image);
        }
    }

  augur_transform_output_shape (node->info, node->params, &replay->drawn, &walk->shape, &out_shape);
  labels = augur_labels_blend (node->info, node->params, &replay->drawn, walk->labels,
                               (const AugurLabels *const *) refs->pdata, shapes, &out_shape, walk->settings,
                               &walk->next_id, step, walk->record->events, walk->record->steps->len);
  augur_labels_free (walk->labels);
  walk->labels = labels;
  if (walk->image)
    {
      AugurImage *image = augur_transform_blend (node->info, walk->image, (AugurImage *const *) images->pdata,
                                                 node->params, &replay->drawn);

      augur_image_unref (walk->image);
      walk->image = image;
    }
  walk->shape = out_shape;
  return TRUE;
}

static void
walk_step (const AugurNode   *node,
           const AugurReplay *replay,
           gpointer           user_data)
{
  Walk *walk = user_data;
  AugurShape in = walk->shape;
  AugurLabelStep step;
  AugurLabels *labels;
  AugurImage *image;

  if (walk->error)
    return;
  if (node->info->n_references > 0 && walk->pool != NULL)
    {
      if (walk_blend (walk, node, replay, &step))
        {
          step.node = node;
          g_array_append_val (walk->record->steps, step);
        }
      else
        g_prefix_error (&walk->error, "step \"%s\" (%s): ", node->id ? node->id : node->info->name,
                        node->info->name);
      return;
    }

  labels = augur_labels_apply_step (node->info, node->params, &replay->drawn, walk->labels, &in,
                                    walk->settings, &step, walk->record->events,
                                    walk->record->steps->len);
  step.node = node;
  g_array_append_val (walk->record->steps, step);
  augur_labels_free (walk->labels);
  walk->labels = labels;

  if (walk->image == NULL)
    {
      augur_transform_output_shape (node->info, node->params, &replay->drawn, &in, &walk->shape);
      return;
    }
  image = augur_transform_apply (node->info, walk->image, node->params, &replay->drawn);
  augur_image_unref (walk->image);
  walk->image = image;
  walk->shape = (AugurShape) { image->width, image->height, image->channels };
}

/* Albumentations' checks of the boxes given (clip, filter_invalid_bboxes),
 * recorded as a step without a node. */
static AugurLabels *
prepare_input (const AugurLabels      *labels,
               const AugurLabelParams *settings,
               AugurLabelRecord       *record)
{
  AugurLabels *out = augur_labels_copy (labels);
  AugurLabelStep step = { .boxes_in = labels->boxes->len, .keypoints_in = labels->keypoints->len };

  if (!settings->clip && !settings->filter_invalid_bboxes)
    return out;

  for (guint i = out->boxes->len; i-- > 0;)
    {
      AugurBox *b = &g_array_index (out->boxes, AugurBox, i);

      if (settings->clip)
        {
          double x0 = CLAMP (b->x_min, 0, out->width), x1 = CLAMP (b->x_max, 0, out->width);
          double y0 = CLAMP (b->y_min, 0, out->height), y1 = CLAMP (b->y_max, 0, out->height);

          if (x0 != b->x_min || x1 != b->x_max || y0 != b->y_min || y1 != b->y_max)
            {
              step.boxes_clipped++;
              add_event (record->events, FALSE, b->id, 0, AUGUR_LABEL_CLIPPED);
            }
          b->x_min = x0, b->x_max = x1, b->y_min = y0, b->y_max = y1;
        }
      if (settings->filter_invalid_bboxes && !(b->x_max > b->x_min && b->y_max > b->y_min))
        {
          step.boxes_dropped++;
          add_event (record->events, FALSE, b->id, 0, AUGUR_LABEL_DROPPED);
          g_array_remove_index (out->boxes, i);
        }
    }
  g_array_append_val (record->steps, step);
  return out;
}

/* Without check_each_transform, the keypoints off the final image leave
 * at the end, recorded as a final step without a node. */
static void
finish_keypoints (AugurLabels            *labels,
                  const AugurLabelParams *settings,
                  AugurLabelRecord       *record)
{
  AugurLabelStep step = { .final = TRUE, .boxes_in = labels->boxes->len, .keypoints_in = labels->keypoints->len };

  if (settings->check_each_transform || !settings->remove_invisible)
    return;
  for (guint i = labels->keypoints->len; i-- > 0;)
    {
      const AugurKeypoint *k = &g_array_index (labels->keypoints, AugurKeypoint, i);

      if (k->x >= 0 && k->y >= 0 && k->x < labels->width && k->y < labels->height)
        continue;
      step.keypoints_dropped++;
      add_event (record->events, TRUE, k->id, record->steps->len, AUGUR_LABEL_DROPPED);
      g_array_remove_index (labels->keypoints, i);
    }
  g_array_append_val (record->steps, step);
}

/**
 * augur_node_apply_labels_full:
 * @src: (nullable): the image; NULL to carry the labels alone (what an
 *   output already written needs, to count its labels again)
 * @labels: of @src's size
 * @pool: (nullable): where blends find the references the replay names,
 *   with their labels (augur_reference_pool_get_labels ()); without it,
 *   blends leave the labels alone and must not have applied when @src is
 *   given
 * @settings: (nullable): the recipe's label settings; Albumentations'
 *   defaults when NULL
 * @out: (out) (transfer full) (optional): the augmented image, the same
 *   pixels as augur_node_apply_full () gives (NULL without @src)
 * @labels_out: (out) (transfer full): the labels of the result
 * @record: (nullable): where each applied step's counts and each label's
 *   fate are appended (with @settings' clip or filter_invalid_bboxes, a
 *   first step without a node holds what they did to the input; without
 *   check_each_transform, a final one what remove_invisible did at the end)
 *
 * As augur_node_apply_full (), with the labels carried through every step:
 * spatial steps move them, blends that show other images combine them
 * (augur_labels_blend ()), other steps leave them.
 *
 * Returns: FALSE with @error set, naming the step, when a blend's
 *   reference, or its labels, cannot be found or read.
 */
gboolean
augur_node_apply_labels_full (const AugurNode        *node,
                              const AugurImage       *src,
                              const AugurLabels      *labels,
                              const AugurReplay      *replay,
                              AugurReferencePool     *pool,
                              const AugurLabelParams *settings,
                              AugurImage            **out,
                              AugurLabels           **labels_out,
                              AugurLabelRecord       *record,
                              GError                **error)
{
  g_autoptr(AugurLabelRecord) own = NULL;
  Walk walk = { 0 };

  g_return_val_if_fail (node != NULL && labels != NULL && replay != NULL, FALSE);
  g_return_val_if_fail (src == NULL || (labels->width == src->width && labels->height == src->height), FALSE);
  g_return_val_if_fail (labels_out != NULL, FALSE);

  if (record == NULL)
    record = own = augur_label_record_new ();
  if (settings == NULL)
    settings = default_settings ();

  walk.image = src ? augur_image_ref ((AugurImage *) src) : NULL;
  walk.shape = (AugurShape) { labels->width, labels->height, src ? src->channels : 3 };
  walk.labels = prepare_input (labels, settings, record);
  walk.settings = settings;
  walk.record = record;
  walk.pool = pool;
  walk.next_id = ids_end (labels);
  augur_node_foreach_applied_replay (node, replay, walk_step, &walk);
  if (walk.error)
    {
      g_propagate_error (error, walk.error);
      g_clear_pointer (&walk.image, augur_image_unref);
      augur_labels_free (walk.labels);
      return FALSE;
    }
  finish_keypoints (walk.labels, settings, record);

  *labels_out = walk.labels;
  if (out)
    *out = walk.image;
  else
    g_clear_pointer (&walk.image, augur_image_unref);
  return TRUE;
}

/**
 * augur_node_apply_labels:
 *
 * As augur_node_apply_labels_full () without a reference pool: blends
 * leave the labels alone.
 *
 * Returns: (transfer full): the augmented image, the same pixels as
 *   augur_node_apply () gives (NULL without @src).
 */
AugurImage *
augur_node_apply_labels (const AugurNode        *node,
                         const AugurImage       *src,
                         const AugurLabels      *labels,
                         const AugurReplay      *replay,
                         const AugurLabelParams *settings,
                         AugurLabels           **labels_out,
                         AugurLabelRecord       *record)
{
  AugurImage *out = NULL;

  augur_node_apply_labels_full (node, src, labels, replay, NULL, settings, &out, labels_out, record, NULL);
  return out;
}
