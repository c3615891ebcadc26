/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-interop"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <yaml.h>

#include "augur-albumentations.h"
#include "augur-error.h"
#include "augur-json.h"
#include "augur-resample.h"

/*
 * Albumentations interop: every name and encoding comes from the transform
 * table's mapping data (AugurTransformInfo.alb, AugurParamSpec.alb); this
 * file holds only the format's rules.
 *
 * The format (Albumentations 2.0.8 serialization.py, to_dict / from_dict):
 * {"__version__": V, "transform": NODE}, each NODE an object with
 * "__class_fullname__", "p" and the constructor's arguments; groups carry
 * "transforms".
 */

/* YAML expands aliases: no document may grow past this many nodes. */
#define ALB_MAX_NODES 200000
/* Pipeline levels (AUGUR_RECIPE_MAX_DEPTH) each take an object and a list;
 * a value adds at most two more. */
#define ALB_MAX_JSON_DEPTH (AUGUR_RECIPE_MAX_DEPTH * 2 + 8)

/* The mapping ------------------------------------------------------------------- */

const char *
augur_param_alb_name (const AugurParamSpec *spec)
{
  return spec->alb.name ? spec->alb.name : spec->name;
}

const char *
augur_transform_alb_class (const AugurTransformInfo *info)
{
  return info->alb.class_name ? info->alb.class_name : info->name;
}

/* AUGUR_ALB_AUTO resolved from the type: a choice among the interpolation or
 * border nicks is an OpenCV code wherever it is declared. */
AugurAlbEncoding
augur_param_alb_encoding (const AugurParamSpec *spec)
{
  if (spec->alb.encoding != AUGUR_ALB_AUTO)
    return spec->alb.encoding;
  if (spec->type == AUGUR_PARAM_ENUM && spec->nicks == augur_interpolation_nicks)
    return AUGUR_ALB_CV_INTERPOLATION;
  if (spec->type == AUGUR_PARAM_ENUM && spec->nicks == augur_border_nicks)
    return AUGUR_ALB_CV_BORDER;
  return AUGUR_ALB_AUTO;
}

/* OpenCV's codes (imgproc.hpp: InterpolationFlags, BorderTypes) by nick. */
static const struct
{
  const char *nick;
  int         code;
  const char *cv2;
} cv_interpolations[] = {
  { "nearest",  0, "cv2.INTER_NEAREST" },
  { "linear",   1, "cv2.INTER_LINEAR" },
  { "cubic",    2, "cv2.INTER_CUBIC" },
  { "area",     3, "cv2.INTER_AREA" },
  { "lanczos4", 4, "cv2.INTER_LANCZOS4" },
}, cv_borders[] = {
  { "constant",    0, "cv2.BORDER_CONSTANT" },
  { "replicate",   1, "cv2.BORDER_REPLICATE" },
  { "reflect",     2, "cv2.BORDER_REFLECT" },
  { "wrap",        3, "cv2.BORDER_WRAP" },
  { "reflect_101", 4, "cv2.BORDER_REFLECT_101" },
};

static int
cv_index_by_nick (AugurAlbEncoding  encoding,
                  const char       *nick)
{
  guint n = encoding == AUGUR_ALB_CV_BORDER ? G_N_ELEMENTS (cv_borders) : G_N_ELEMENTS (cv_interpolations);

  for (guint i = 0; i < n; i++)
    if (g_str_equal (nick, encoding == AUGUR_ALB_CV_BORDER ? cv_borders[i].nick : cv_interpolations[i].nick))
      return (int) i;
  return -1;
}

static int
cv_index_by_code (AugurAlbEncoding encoding,
                  gint64           code)
{
  guint n = encoding == AUGUR_ALB_CV_BORDER ? G_N_ELEMENTS (cv_borders) : G_N_ELEMENTS (cv_interpolations);

  for (guint i = 0; i < n; i++)
    if (code == (encoding == AUGUR_ALB_CV_BORDER ? cv_borders[i].code : cv_interpolations[i].code))
      return (int) i;
  return -1;
}

/* Nodes that take the container (json_node_init_array() would add a
 * reference). */
static JsonNode *
array_node (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static gboolean
is_int_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
is_number_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) &&
         (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

static gboolean
is_string_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_pair_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) == 2;
}

static JsonNode *
int_pair (gint64 a,
          gint64 b)
{
  JsonArray *array = json_array_new ();

  json_array_add_int_element (array, a);
  json_array_add_int_element (array, b);
  return array_node (array);
}

/**
 * augur_param_to_albumentations:
 *
 * The value as Albumentations 2.x writes it, following the parameter's
 * mapping data.
 */
JsonNode *
augur_param_to_albumentations (const AugurParamSpec *spec,
                               const AugurValue     *value)
{
  AugurAlbEncoding encoding = augur_param_alb_encoding (spec);
  JsonNode *node;

  if (value->is_null)
    return json_node_new (JSON_NODE_NULL);

  switch (encoding)
    {
    case AUGUR_ALB_CV_INTERPOLATION:
    case AUGUR_ALB_CV_BORDER:
      {
        int i = cv_index_by_nick (encoding, spec->nicks[value->nick]);

        g_assert (i >= 0);
        return json_node_init_int (json_node_alloc (),
                                   encoding == AUGUR_ALB_CV_BORDER ? cv_borders[i].code : cv_interpolations[i].code);
      }
    case AUGUR_ALB_PAIR_SWAPPED:
      {
        AugurValue swapped = *value;

        swapped.v[0] = value->v[1];
        swapped.v[1] = value->v[0];
        return augur_param_to_json (spec, &swapped);
      }
    case AUGUR_ALB_XY_INTEGERS:
      {
        JsonObject *object = json_object_new ();

        json_object_set_member (object, "x", int_pair ((gint64) value->v[0], (gint64) value->v[1]));
        json_object_set_member (object, "y", int_pair ((gint64) value->v[2], (gint64) value->v[3]));
        return object_node (object);
      }
    case AUGUR_ALB_LIST_OF_ONE:
      {
        JsonArray *array = json_array_new ();

        json_array_add_element (array, augur_param_to_json (spec, value));
        return array_node (array);
      }
    case AUGUR_ALB_RGB_TRIPLE:
      if (value->nick < 0)
        {
          JsonArray *array = json_array_new ();

          for (int i = 0; i < MAX (3, value->n); i++)
            json_array_add_int_element (array, (gint64) nearbyint (value->v[value->n == 1 ? 0 : i]));
          return array_node (array);
        }
      return augur_param_to_json (spec, value);
    case AUGUR_ALB_XY_AS_BOX:
      {
        JsonArray *array = json_array_new ();

        json_array_add_double_element (array, value->v[0]);
        json_array_add_double_element (array, value->v[2]);
        json_array_add_double_element (array, value->v[1]);
        json_array_add_double_element (array, value->v[3]);
        return array_node (array);
      }
    case AUGUR_ALB_SIZE_ZERO_IS_NONE:
      {
        JsonArray *array = json_array_new ();

        for (int i = 0; i < 2; i++)
          if (value->v[i] == 0)
            json_array_add_null_element (array);
          else
            json_array_add_int_element (array, (gint64) value->v[i]);
        return array_node (array);
      }
    case AUGUR_ALB_AUTO:
    default:
      node = augur_param_to_json (spec, value);
      return node;
    }
}

/* Export ----------------------------------------------------------------------- */

typedef struct
{
  AugurAlbExportFlags flags;
  GPtrArray          *unsupported;  /* char *: steps refused */
  GPtrArray          *skipped;      /* char *: steps left out (caller's) */
  JsonArray          *meta_skipped;
  JsonArray          *meta_disabled;
  JsonArray          *meta_ids;      /* NULL: not recorded (Python) */
} ExportState;

/* Records @node's id under @path, so that an import gives it back. */
static void
record_id (ExportState     *state,
           const AugurNode *node,
           const char      *path)
{
  JsonObject *entry;

  if (state->meta_ids == NULL || node->id == NULL)
    return;
  entry = json_object_new ();
  json_object_set_string_member (entry, "path", path);
  json_object_set_string_member (entry, "id", node->id);
  json_array_add_object_element (state->meta_ids, entry);
}

static gint
compare_members (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/**
 * augur_param_alb_active:
 *
 * Whether @spec is written for @params: always, unless its mapping says
 * "when" another parameter has one of some values.
 */
gboolean
augur_param_alb_active (const AugurTransformInfo *info,
                        const AugurValue         *params,
                        const AugurParamSpec     *spec)
{
  g_autofree char *param = NULL;
  g_auto(GStrv) nicks = NULL;
  const char *eq;
  int i;

  if (spec->alb.when == NULL)
    return TRUE;
  eq = strchr (spec->alb.when, '=');
  g_return_val_if_fail (eq != NULL, TRUE);
  param = g_strndup (spec->alb.when, (gsize) (eq - spec->alb.when));
  i = augur_transform_param_index (info, param);
  g_return_val_if_fail (i >= 0 && info->params[i].type == AUGUR_PARAM_ENUM, TRUE);
  nicks = g_strsplit (eq + 1, "|", -1);
  return g_strv_contains ((const char * const *) nicks, info->params[i].nicks[params[i].nick]);
}

/* Sets @value (taken) under @name: "arg.key" is the member key of the
 * dictionary argument arg. */
static void
set_alb_member (JsonObject *object,
                const char *name,
                JsonNode   *value)
{
  const char *dot = strchr (name, '.');
  g_autofree char *arg = NULL;

  if (dot == NULL)
    {
      json_object_set_member (object, name, value);
      return;
    }
  arg = g_strndup (name, (gsize) (dot - name));
  if (!json_object_has_member (object, arg))
    json_object_set_object_member (object, arg, json_object_new ());
  json_object_set_member (json_object_get_object_member (object, arg), dot + 1, value);
}

/* Whether @arg is a dictionary argument some parameter of @info maps into. */
static gboolean
is_dict_arg (const AugurTransformInfo *info,
             const char               *arg)
{
  gsize len = strlen (arg);

  for (guint i = 0; i < info->n_params; i++)
    {
      const char *names[] = { augur_param_alb_name (&info->params[i]), info->params[i].alb.also };

      for (guint k = 0; k < G_N_ELEMENTS (names); k++)
        if (names[k] && strncmp (names[k], arg, len) == 0 && names[k][len] == '.')
          return TRUE;
    }
  return FALSE;
}

/* @node's arguments as Albumentations takes them, in the table's order. */
static JsonObject *
transform_args (const AugurNode *node)
{
  const AugurTransformInfo *info = node->info;
  JsonObject *args = json_object_new ();

  for (guint i = 0; i < info->n_params; i++)
    {
      const AugurParamSpec *spec = &info->params[i];
      JsonNode *value;

      if (!augur_param_alb_active (info, node->params, spec))
        continue;
      value = augur_param_to_albumentations (spec, &node->params[i]);
      if (spec->alb.also != NULL)
        set_alb_member (args, spec->alb.also, json_node_copy (value));
      set_alb_member (args, augur_param_alb_name (spec), value);
    }
  return args;
}

/* A transform's arguments, sorted by name as Albumentations writes them. */
static void
add_transform_args (JsonObject      *object,
                    const AugurNode *node)
{
  g_autoptr(JsonObject) args = transform_args (node);
  g_autoptr(GList) names = json_object_get_members (args);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

  for (GList *l = names; l; l = l->next)
    g_ptr_array_add (sorted, l->data);
  g_ptr_array_sort (sorted, compare_members);
  for (guint k = 0; k < sorted->len; k++)
    json_object_set_member (object, sorted->pdata[k], json_node_copy (json_object_get_member (args, sorted->pdata[k])));
}

static const char *
group_class (AugurNodeKind kind)
{
  switch (kind)
    {
    case AUGUR_NODE_SEQUENTIAL:   return "Sequential";
    case AUGUR_NODE_ONE_OF:       return "OneOf";
    case AUGUR_NODE_SOME_OF:      return "SomeOf";
    case AUGUR_NODE_RANDOM_ORDER: return "RandomOrder";
    default:                      g_assert_not_reached ();
    }
}

static JsonNode *export_node (const AugurNode *node,
                              const char      *path,
                              ExportState     *state);

/* The children of @node into a new list; disabled and skipped ones are
 * recorded in the metadata instead. */
static JsonArray *
export_children (const AugurNode *node,
                 const char      *path,
                 ExportState     *state)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < node->children->len; i++)
    {
      const AugurNode *child = node->children->pdata[i];
      g_autofree char *child_path = g_strdup_printf ("%s.transforms[%u]", path, i);
      JsonNode *json;

      if (!child->enabled)
        {
          JsonObject *entry = json_object_new ();

          json_object_set_string_member (entry, "path", child_path);
          json_object_set_member (entry, "step", augur_node_to_json (child));
          json_array_add_object_element (state->meta_disabled, entry);
          continue;
        }
      json = export_node (child, child_path, state);
      if (json != NULL)
        json_array_add_element (array, json);
    }
  return array;
}

static JsonNode *
export_node (const AugurNode *node,
             const char      *path,
             ExportState     *state)
{
  JsonObject *object;

  if (node->kind == AUGUR_NODE_TRANSFORM && node->info->alb.unsupported)
    {
      const AugurTransformInfo *info = node->info;
      g_autofree char *what = g_strdup_printf ("%s (%s): Albumentations has no %s%s%s", path,
                                               info->name, info->name,
                                               info->alb.hint ? "; " : "",
                                               info->alb.hint ? info->alb.hint : "");

      if (state->flags & AUGUR_ALB_EXPORT_SKIP_UNSUPPORTED)
        {
          JsonObject *entry = json_object_new ();

          json_object_set_string_member (entry, "path", path);
          json_object_set_member (entry, "step", augur_node_to_json (node));
          json_array_add_object_element (state->meta_skipped, entry);
          if (state->skipped)
            g_ptr_array_add (state->skipped, g_strdup_printf ("left out %s", what));
        }
      else
        g_ptr_array_add (state->unsupported, g_steal_pointer (&what));
      return NULL;
    }

  record_id (state, node, path);
  object = json_object_new ();
  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      json_object_set_string_member (object, "__class_fullname__", augur_transform_alb_class (node->info));
      json_object_set_double_member (object, "p", node->p);
      add_transform_args (object, node);
    }
  else
    {
      JsonArray *children = export_children (node, path, state);

      json_object_set_string_member (object, "__class_fullname__", group_class (node->kind));
      json_object_set_double_member (object, "p", node->p);
      if (node->kind == AUGUR_NODE_SOME_OF || node->kind == AUGUR_NODE_RANDOM_ORDER)
        {
          guint n = (guint) MAX (node->n, 0);

          /* Without replacement, at most every child: as our pipeline does. */
          if (!node->replace)
            n = MIN (n, json_array_get_length (children));
          json_object_set_int_member (object, "n", n);
          json_object_set_boolean_member (object, "replace", node->replace);
        }
      json_object_set_array_member (object, "transforms", children);
    }
  return object_node (object);
}

static char *
join_lines (GPtrArray *lines)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (s, "\n  %s", (char *) lines->pdata[i]);
  return g_string_free (s, FALSE);
}

static gboolean
refuse_unsupported (ExportState  *state,
                    GError      **error)
{
  g_autofree char *list = NULL;

  if (state->unsupported->len == 0)
    return TRUE;
  list = join_lines (state->unsupported);
  g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
               "%u step%s cannot be exported to Albumentations:%s\n"
               "Remove or disable %s, or export with --skip-unsupported to leave %s out.",
               state->unsupported->len, state->unsupported->len == 1 ? "" : "s", list,
               state->unsupported->len == 1 ? "it" : "them",
               state->unsupported->len == 1 ? "it" : "them");
  return FALSE;
}

/**
 * augur_albumentations_export:
 * @skipped: (nullable): receives a line (char *) for each step left out
 *
 * @recipe as Albumentations 2.x writes a Compose: `{"__version__",
 * "transform", "augur"}`. Disabled steps are left out (and kept in the
 * metadata); a step with no Albumentations counterpart fails the export
 * unless @flags has AUGUR_ALB_EXPORT_SKIP_UNSUPPORTED.
 */

static JsonArray *
string_list (char **values)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; values && values[i]; i++)
    json_array_add_string_element (array, values[i]);
  return array;
}

/* The recipe's box settings as Albumentations 2.0.8's BboxParams writes
 * them (A.from_dict passes them to BboxParams()). */
static JsonObject *
export_bbox_params (const AugurLabelParams *labels)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "format", labels->bbox_format);
  json_object_set_array_member (object, "label_fields", string_list (labels->bbox_label_fields));
  json_object_set_double_member (object, "min_area", labels->min_area);
  json_object_set_double_member (object, "min_visibility", labels->min_visibility);
  json_object_set_double_member (object, "min_width", labels->min_width);
  json_object_set_double_member (object, "min_height", labels->min_height);
  /* Augur filters boxes after every step, as check_each_transform does */
  json_object_set_boolean_member (object, "check_each_transform", TRUE);
  json_object_set_boolean_member (object, "clip", labels->clip);
  json_object_set_boolean_member (object, "filter_invalid_bboxes", labels->filter_invalid_bboxes);
  json_object_set_null_member (object, "max_accept_ratio");
  return object;
}

static JsonObject *
export_keypoint_params (const AugurLabelParams *labels)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "format", labels->keypoint_format);
  json_object_set_array_member (object, "label_fields", string_list (labels->keypoint_label_fields));
  json_object_set_boolean_member (object, "remove_invisible", labels->remove_invisible);
  json_object_set_boolean_member (object, "angle_in_degrees", labels->angle_in_degrees);
  json_object_set_boolean_member (object, "check_each_transform", labels->check_each_transform);
  return object;
}

JsonNode *
augur_albumentations_export (const AugurRecipe    *recipe,
                             AugurAlbExportFlags   flags,
                             GPtrArray            *skipped,
                             GError              **error)
{
  g_autoptr(GPtrArray) unsupported = g_ptr_array_new_with_free_func (g_free);
  ExportState state = { flags, unsupported, skipped, json_array_new (), json_array_new (), json_array_new () };
  const AugurNode *top = recipe->pipeline;
  JsonObject *compose = json_object_new ();
  JsonObject *root = json_object_new ();
  JsonObject *meta = json_object_new ();
  JsonArray *transforms;
  JsonNode *root_node;

  g_return_val_if_fail (recipe != NULL && recipe->pipeline != NULL, NULL);

  /* A Sequential at the top is the Compose itself; any other group is its
   * one child. */
  if (top->kind == AUGUR_NODE_SEQUENTIAL)
    {
      record_id (&state, top, "transform");
      transforms = export_children (top, "transform", &state);
    }
  else
    {
      JsonNode *child = export_node (top, "transform.transforms[0]", &state);

      transforms = json_array_new ();
      if (child != NULL)
        json_array_add_element (transforms, child);
    }

  json_object_set_string_member (compose, "__class_fullname__", "Compose");
  json_object_set_double_member (compose, "p", top->kind == AUGUR_NODE_SEQUENTIAL ? top->p : 1.0);
  json_object_set_array_member (compose, "transforms", transforms);
  if (recipe->labels != NULL)
    {
      json_object_set_object_member (compose, "bbox_params", export_bbox_params (recipe->labels));
      json_object_set_object_member (compose, "keypoint_params", export_keypoint_params (recipe->labels));
      /* Albumentations 2.0.8's KeypointParams has no swap pairs: kept for
       * the way back. */
      if (recipe->labels->label_swap->len > 0)
        {
          JsonArray *pairs = json_array_new ();

          for (guint i = 0; i + 1 < recipe->labels->label_swap->len; i += 2)
            {
              JsonArray *pair = json_array_new ();

              json_array_add_string_element (pair, recipe->labels->label_swap->pdata[i]);
              json_array_add_string_element (pair, recipe->labels->label_swap->pdata[i + 1]);
              json_array_add_array_element (pairs, pair);
            }
          json_object_set_array_member (meta, "label_swap", pairs);
        }
    }
  else
    {
      json_object_set_null_member (compose, "bbox_params");
      json_object_set_null_member (compose, "keypoint_params");
    }
  json_object_set_object_member (compose, "additional_targets", json_object_new ());
  json_object_set_boolean_member (compose, "is_check_shapes", TRUE);
  json_object_set_int_member (compose, "seed", (gint64) (recipe->seed & G_MAXINT64));

  json_object_set_string_member (meta, "generator", "Augur " PACKAGE_VERSION);
  json_object_set_string_member (meta, "format", AUGUR_RECIPE_FORMAT);
  json_object_set_int_member (meta, "version", AUGUR_RECIPE_VERSION);
  json_object_set_int_member (meta, "seed", (gint64) (recipe->seed & G_MAXINT64));
  json_object_set_string_member (meta, "pipeline", augur_node_type_name (top));
  json_object_set_array_member (meta, "ids", state.meta_ids);
  json_object_set_array_member (meta, "disabled", state.meta_disabled);
  json_object_set_array_member (meta, "skipped", state.meta_skipped);

  json_object_set_string_member (root, "__version__", AUGUR_ALB_VERSION);
  json_object_set_object_member (root, "transform", compose);
  json_object_set_object_member (root, AUGUR_ALB_METADATA_KEY, meta);
  root_node = object_node (root);

  if (!refuse_unsupported (&state, error))
    {
      json_node_unref (root_node);
      return NULL;
    }
  return root_node;
}

/* YAML output ----------------------------------------------------------------------- */

/* The shortest text that reads back as @v, always with a '.' in the
 * mantissa and a signed exponent: PyYAML's float pattern wants both. */
static char *
float_text (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  GString *s;
  char *e;

  if (isnan (v))
    return g_strdup (".nan");
  if (isinf (v))
    return g_strdup (v > 0 ? ".inf" : "-.inf");
  for (int precision = 15; precision <= 17; precision++)
    {
      g_ascii_formatd (buf, sizeof buf, precision == 15 ? "%.15g" : precision == 16 ? "%.16g" : "%.17g", v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  s = g_string_new (buf);
  e = strchr (s->str, 'e');
  if (e == NULL)
    {
      if (strchr (s->str, '.') == NULL)
        g_string_append (s, ".0");
    }
  else
    {
      gssize at = e - s->str;

      if (memchr (s->str, '.', (gsize) at) == NULL)
        g_string_insert (s, at, ".0"), at += 2;
      if (s->str[at + 1] != '-' && s->str[at + 1] != '+')
        g_string_insert_c (s, at + 1, '+');
    }
  return g_string_free (s, FALSE);
}

/* Whether a plain scalar @text would read back as something other than a
 * string (YAML 1.1 as PyYAML resolves it), so must be quoted. */
static gboolean
plain_is_ambiguous (const char *text)
{
  static const char *const reserved[] = {
    "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", NULL,
  };

  if (g_strv_contains (reserved, text))
    return TRUE;
  for (const char *c = text; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '_')
      return TRUE;
  return g_ascii_isdigit (text[0]);
}

static gboolean
emit_scalar (yaml_emitter_t *emitter,
             const char     *text,
             gboolean        quoted)
{
  yaml_event_t event;

  yaml_scalar_event_initialize (&event, NULL, NULL, (yaml_char_t *) text, (int) strlen (text),
                                !quoted, quoted,
                                quoted ? YAML_SINGLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE);
  return yaml_emitter_emit (emitter, &event);
}

static gboolean
emit_node (yaml_emitter_t *emitter,
           JsonNode       *node)
{
  yaml_event_t event;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      return emit_scalar (emitter, "null", FALSE);

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_BOOLEAN:
          return emit_scalar (emitter, json_node_get_boolean (node) ? "true" : "false", FALSE);
        case G_TYPE_INT64:
          {
            g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

            return emit_scalar (emitter, text, FALSE);
          }
        case G_TYPE_DOUBLE:
          {
            g_autofree char *text = float_text (json_node_get_double (node));

            return emit_scalar (emitter, text, FALSE);
          }
        default:
          {
            const char *text = json_node_get_string (node);

            return emit_scalar (emitter, text ? text : "", text == NULL || plain_is_ambiguous (text));
          }
        }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        yaml_sequence_start_event_initialize (&event, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
        if (!yaml_emitter_emit (emitter, &event))
          return FALSE;
        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!emit_node (emitter, json_array_get_element (array, i)))
            return FALSE;
        yaml_sequence_end_event_initialize (&event);
        return yaml_emitter_emit (emitter, &event);
      }

    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);

        yaml_mapping_start_event_initialize (&event, NULL, NULL, 1,
                                             members ? YAML_BLOCK_MAPPING_STYLE : YAML_FLOW_MAPPING_STYLE);
        if (!yaml_emitter_emit (emitter, &event))
          return FALSE;
        for (GList *l = members; l; l = l->next)
          if (!emit_scalar (emitter, l->data, plain_is_ambiguous (l->data)) ||
              !emit_node (emitter, json_object_get_member (object, l->data)))
            return FALSE;
        yaml_mapping_end_event_initialize (&event);
        return yaml_emitter_emit (emitter, &event);
      }

    default:
      g_assert_not_reached ();
    }
}

static int
yaml_write_to_string (void          *data,
                      unsigned char *buffer,
                      size_t         size)
{
  g_string_append_len (data, (const char *) buffer, (gssize) size);
  return 1;
}

/**
 * augur_albumentations_to_yaml:
 *
 * @root (an export) as YAML, through libyaml's emitter, as A.save(...,
 * data_format="yaml") would read it back.
 */
char *
augur_albumentations_to_yaml (JsonNode  *root,
                              GError   **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  yaml_emitter_t emitter;
  yaml_event_t event;
  gboolean ok;

  if (!yaml_emitter_initialize (&emitter))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_FAILED, "could not start the YAML writer");
      return NULL;
    }
  yaml_emitter_set_output (&emitter, yaml_write_to_string, out);
  yaml_emitter_set_unicode (&emitter, 1);
  yaml_emitter_set_width (&emitter, -1);

  yaml_stream_start_event_initialize (&event, YAML_UTF8_ENCODING);
  ok = yaml_emitter_emit (&emitter, &event);
  yaml_document_start_event_initialize (&event, NULL, NULL, NULL, 1);
  ok = ok && yaml_emitter_emit (&emitter, &event);
  ok = ok && emit_node (&emitter, root);
  yaml_document_end_event_initialize (&event, 1);
  ok = ok && yaml_emitter_emit (&emitter, &event);
  yaml_stream_end_event_initialize (&event);
  ok = ok && yaml_emitter_emit (&emitter, &event);
  ok = ok && yaml_emitter_flush (&emitter);
  if (!ok)
    g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_FAILED, "YAML writer: %s",
                 emitter.problem ? emitter.problem : "failed");
  yaml_emitter_delete (&emitter);
  if (!ok)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Python --------------------------------------------------------------------------- */

static void
append_python_string (GString    *s,
                      const char *text)
{
  g_string_append_c (s, '\'');
  for (const char *c = text; *c; c++)
    {
      if (*c == '\'' || *c == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *c);
    }
  g_string_append_c (s, '\'');
}

/* A JSON value as a Python literal: lists as tuples, as Albumentations'
 * signatures give them. */
static void
append_python (GString  *s,
               JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      g_string_append (s, "None");
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_BOOLEAN:
          g_string_append (s, json_node_get_boolean (node) ? "True" : "False");
          break;
        case G_TYPE_INT64:
          g_string_append_printf (s, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          {
            g_autofree char *text = float_text (json_node_get_double (node));

            if (g_str_has_suffix (text, "inf") || g_str_has_suffix (text, "nan"))
              g_string_append_printf (s, "float('%s')", text[0] == '-' ? "-inf" : text + 1);
            else
              g_string_append (s, text);
          }
          break;
        default:
          append_python_string (s, json_node_get_string (node));
        }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (s, '(');
        for (guint i = 0; i < n; i++)
          {
            if (i)
              g_string_append (s, ", ");
            append_python (s, json_array_get_element (array, i));
          }
        g_string_append (s, n == 1 ? ",)" : ")");
      }
      break;
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);

        g_string_append_c (s, '{');
        for (GList *l = members; l; l = l->next)
          {
            if (l != members)
              g_string_append (s, ", ");
            append_python_string (s, l->data);
            g_string_append (s, ": ");
            append_python (s, json_object_get_member (object, l->data));
          }
        g_string_append_c (s, '}');
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

typedef struct
{
  GString  *s;
  gboolean  uses_cv2;
} PythonWriter;

static void
python_arg (GString    *s,
            gboolean   *first,
            const char *name)
{
  if (!*first)
    g_string_append (s, ", ");
  *first = FALSE;
  g_string_append_printf (s, "%s=", name);
}

static void
python_transform (PythonWriter    *w,
                  const AugurNode *node)
{
  const AugurTransformInfo *info = node->info;
  gboolean first = TRUE;

  g_string_append_printf (w->s, "A.%s(", augur_transform_alb_class (info));
  for (guint i = 0; i < info->n_params; i++)
    {
      const AugurParamSpec *spec = &info->params[i];
      AugurAlbEncoding encoding = augur_param_alb_encoding (spec);
      AugurValue def;

      augur_param_default (spec, &def);
      if (!augur_param_alb_active (info, node->params, spec) || strchr (augur_param_alb_name (spec), '.') ||
          (!spec->alb.explicit && augur_param_equal (spec, &node->params[i], &def)))
        continue;
      python_arg (w->s, &first, augur_param_alb_name (spec));
      if ((encoding == AUGUR_ALB_CV_INTERPOLATION || encoding == AUGUR_ALB_CV_BORDER) &&
          !node->params[i].is_null)
        {
          int k = cv_index_by_nick (encoding, spec->nicks[node->params[i].nick]);

          g_string_append (w->s, encoding == AUGUR_ALB_CV_BORDER ? cv_borders[k].cv2 : cv_interpolations[k].cv2);
          w->uses_cv2 = TRUE;
        }
      else
        {
          g_autoptr(JsonNode) json = augur_param_to_albumentations (spec, &node->params[i]);

          append_python (w->s, json);
        }
    }
  /* A dictionary argument is written whole when one of its keys is off
   * its default. */
  {
    g_autoptr(JsonObject) args = transform_args (node);
    g_autoptr(GList) names = json_object_get_members (args);

    for (GList *l = names; l; l = l->next)
      {
        gboolean changed = FALSE;
        gsize len = strlen (l->data);

        if (!is_dict_arg (info, l->data))
          continue;
        for (guint i = 0; i < info->n_params; i++)
          {
            const AugurParamSpec *spec = &info->params[i];
            const char *name = augur_param_alb_name (spec);
            AugurValue def;

            augur_param_default (spec, &def);
            if (strncmp (name, l->data, len) == 0 && name[len] == '.' &&
                (spec->alb.explicit || !augur_param_equal (spec, &node->params[i], &def)))
              changed = TRUE;
          }
        if (!changed)
          continue;
        python_arg (w->s, &first, l->data);
        append_python (w->s, json_object_get_member (args, l->data));
      }
  }
  if (node->p != info->default_p)
    {
      g_autoptr(JsonNode) p = json_node_init_double (json_node_alloc (), node->p);

      python_arg (w->s, &first, "p");
      append_python (w->s, p);
    }
  g_string_append_c (w->s, ')');
}

static void
python_node (PythonWriter    *w,
             const AugurNode *node,
             int              indent,
             const char      *path,
             ExportState     *state);

static void
python_children (PythonWriter    *w,
                 const AugurNode *node,
                 int              indent,
                 const char      *path,
                 ExportState     *state)
{
  g_string_append (w->s, "[\n");
  for (guint i = 0; i < node->children->len; i++)
    {
      const AugurNode *child = node->children->pdata[i];
      g_autofree char *child_path = g_strdup_printf ("%s.transforms[%u]", path, i);

      if (!child->enabled)
        continue;
      if (child->kind == AUGUR_NODE_TRANSFORM && child->info->alb.unsupported)
        {
          g_autoptr(JsonNode) ignored = export_node (child, child_path, state);
          continue;
        }
      g_string_append_printf (w->s, "%*s", indent + 4, "");
      python_node (w, child, indent + 4, child_path, state);
      g_string_append (w->s, ",\n");
    }
  g_string_append_printf (w->s, "%*s]", indent, "");
}

static void
python_node (PythonWriter    *w,
             const AugurNode *node,
             int              indent,
             const char      *path,
             ExportState     *state)
{
  g_autoptr(JsonNode) p = json_node_init_double (json_node_alloc (), node->p);

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      python_transform (w, node);
      return;
    }
  g_string_append_printf (w->s, "A.%s(", group_class (node->kind));
  python_children (w, node, indent, path, state);
  if (node->kind == AUGUR_NODE_SOME_OF || node->kind == AUGUR_NODE_RANDOM_ORDER)
    {
      guint n = (guint) MAX (node->n, 0), n_children = 0;

      /* As the JSON export: without replacement, at most every child. */
      for (guint i = 0; i < node->children->len; i++)
        {
          const AugurNode *child = node->children->pdata[i];

          if (child->enabled && !(child->kind == AUGUR_NODE_TRANSFORM && child->info->alb.unsupported))
            n_children++;
        }
      if (!node->replace)
        n = MIN (n, n_children);
      g_string_append_printf (w->s, ", n=%u", n);
      if (node->replace)
        g_string_append (w->s, ", replace=True");
    }
  g_string_append (w->s, ", p=");
  append_python (w->s, p);
  g_string_append_c (w->s, ')');
}

/**
 * augur_albumentations_to_python:
 *
 * A runnable snippet that builds @recipe with Albumentations: one step a
 * line, only the arguments that differ from the defaults.
 */
char *
augur_albumentations_to_python (const AugurRecipe    *recipe,
                                AugurAlbExportFlags   flags,
                                GPtrArray            *skipped,
                                GError              **error)
{
  g_autoptr(GPtrArray) unsupported = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonArray) meta_skipped = json_array_new ();
  g_autoptr(JsonArray) meta_disabled = json_array_new ();
  ExportState state = { flags, unsupported, skipped, meta_skipped, meta_disabled, NULL };
  g_autoptr(GString) body = g_string_new (NULL);
  PythonWriter w = { body, FALSE };
  const AugurNode *top = recipe->pipeline;
  GString *out;

  g_string_append (body, "transform = A.Compose(");
  if (top->kind == AUGUR_NODE_SEQUENTIAL)
    python_children (&w, top, 0, "transform", &state);
  else
    {
      g_string_append (body, "[\n    ");
      python_node (&w, top, 4, "transform.transforms[0]", &state);
      g_string_append (body, ",\n]");
    }
  if (top->kind == AUGUR_NODE_SEQUENTIAL && top->p != 1.0)
    {
      g_autoptr(JsonNode) p = json_node_init_double (json_node_alloc (), top->p);

      g_string_append (body, ", p=");
      append_python (body, p);
    }
  /* Label settings, as keyword arguments of the Params classes. */
  if (recipe->labels != NULL)
    {
      struct { const char *keyword; const char *cls; JsonObject *(*build) (const AugurLabelParams *); } params[] = {
        { "bbox_params", "A.BboxParams", export_bbox_params },
        { "keypoint_params", "A.KeypointParams", export_keypoint_params },
      };

      for (guint k = 0; k < G_N_ELEMENTS (params); k++)
        {
          g_autoptr(JsonObject) object = params[k].build (recipe->labels);
          g_autoptr(GList) members = json_object_get_members (object);

          g_string_append_printf (body, ",\n    %s=%s(", params[k].keyword, params[k].cls);
          for (GList *l = members; l; l = l->next)
            {
              g_string_append_printf (body, "%s%s=", l == members ? "" : ", ", (char *) l->data);
              append_python (body, json_object_get_member (object, l->data));
            }
          g_string_append_c (body, ')');
        }
    }
  g_string_append_printf (body, ", seed=%" G_GUINT64_FORMAT ")\n", recipe->seed);

  if (!refuse_unsupported (&state, error))
    return NULL;

  out = g_string_new ("import albumentations as A\n");
  if (w.uses_cv2)
    g_string_append (out, "import cv2\n");
  g_string_append_printf (out, "\n# Written by Augur %s for Albumentations %s.\n", PACKAGE_VERSION, AUGUR_ALB_VERSION);
  g_string_append (out, body->str);
  return g_string_free (out, FALSE);
}

/* YAML input ------------------------------------------------------------------------ */

/* [-+]?[0-9][0-9_]* (no leading zero but "0"), PyYAML's decimal int. */
static gboolean
is_yaml_int (const char *text)
{
  const char *c = text + (text[0] == '-' || text[0] == '+');

  if (!g_ascii_isdigit (*c) || (c[0] == '0' && c[1] != '\0'))
    return FALSE;
  for (; *c; c++)
    if (!g_ascii_isdigit (*c) && *c != '_')
      return FALSE;
  return TRUE;
}

/* [-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?, PyYAML's float (the
 * sexagesimal forms left out). */
static gboolean
is_yaml_float (const char *text)
{
  const char *c = text + (text[0] == '-' || text[0] == '+');
  gboolean digits = FALSE;

  while (g_ascii_isdigit (*c) || (*c == '_' && digits))
    digits = TRUE, c++;
  if (*c != '.')
    return FALSE;
  c++;
  while (g_ascii_isdigit (*c) || *c == '_')
    digits = TRUE, c++;
  if (!digits)
    return FALSE;
  if (*c == 'e' || *c == 'E')
    {
      c++;
      if (*c != '-' && *c != '+')
        return FALSE;
      c++;
      if (!g_ascii_isdigit (*c))
        return FALSE;
      while (g_ascii_isdigit (*c))
        c++;
    }
  return *c == '\0';
}

/* YAML 1.1 plain scalars as PyYAML's resolver reads them (yaml/resolver.py):
 * null, booleans, integers and floats; anything else is a string. */
static JsonNode *
resolve_plain (const char *text)
{
  static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
  static const char *const trues[] = { "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", NULL };
  static const char *const falses[] = { "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", NULL };
  const char *unsigned_text = text + (text[0] == '-' || text[0] == '+');
  JsonNode *node = json_node_alloc ();

  if (g_strv_contains (nulls, text))
    return json_node_init_null (node);
  if (g_strv_contains (trues, text))
    return json_node_init_boolean (node, TRUE);
  if (g_strv_contains (falses, text))
    return json_node_init_boolean (node, FALSE);
  if (is_yaml_int (text))
    {
      g_autoptr(GString) digits = g_string_new (NULL);
      gint64 v;

      for (const char *c = text; *c; c++)
        if (*c != '_')
          g_string_append_c (digits, *c);
      if (g_ascii_string_to_signed (digits->str, 10, G_MININT64, G_MAXINT64, &v, NULL))
        return json_node_init_int (node, v);
      return json_node_init_double (node, g_ascii_strtod (digits->str, NULL));
    }
  if (is_yaml_float (text))
    {
      g_autoptr(GString) digits = g_string_new (NULL);

      for (const char *c = text; *c; c++)
        if (*c != '_')
          g_string_append_c (digits, *c);
      return json_node_init_double (node, g_ascii_strtod (digits->str, NULL));
    }
  if (g_ascii_strcasecmp (unsigned_text, ".inf") == 0)
    return json_node_init_double (node, text[0] == '-' ? -INFINITY : INFINITY);
  if (g_ascii_strcasecmp (text, ".nan") == 0)
    return json_node_init_double (node, NAN);
  return json_node_init_string (node, text);
}

static gboolean
tag_allowed (const char *tag)
{
  static const char *const allowed[] = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq", "!", NULL,
  };

  return tag == NULL || g_strv_contains (allowed, tag);
}

typedef struct
{
  JsonNode *node;     /* the container being filled */
  char     *key;      /* a mapping's pending key */
  char     *anchor;
} YamlFrame;

static guint
count_nodes (JsonNode *node)
{
  guint n = 1;

  if (JSON_NODE_HOLDS_ARRAY (node))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
      n += count_nodes (json_array_get_element (json_node_get_array (node), i));
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) values = json_object_get_values (json_node_get_object (node));

      for (GList *l = values; l; l = l->next)
        n += count_nodes (l->data);
    }
  return n;
}

/* Adds @value (taken) to the frame on top, or makes it the root. */
static gboolean
yaml_add (GArray     *stack,
          JsonNode  **root,
          JsonNode   *value,
          GHashTable *anchors,
          const char *anchor,
          const yaml_mark_t *mark,
          GError    **error)
{
  if (anchor != NULL)
    g_hash_table_replace (anchors, g_strdup (anchor), json_node_copy (value));

  if (stack->len == 0)
    {
      *root = value;
      return TRUE;
    }
  else
    {
      YamlFrame *top = &g_array_index (stack, YamlFrame, stack->len - 1);

      if (JSON_NODE_HOLDS_ARRAY (top->node))
        {
          json_array_add_element (json_node_get_array (top->node), value);
          return TRUE;
        }
      if (top->key == NULL)
        {
          if (!is_string_node (value) && !is_number_node (value) && !JSON_NODE_HOLDS_VALUE (value))
            {
              json_node_unref (value);
              g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                           "line %zu: a mapping key must be a plain value", mark->line + 1);
              return FALSE;
            }
          if (is_string_node (value))
            top->key = g_strdup (json_node_get_string (value));
          else if (is_int_node (value))
            top->key = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
          else
            top->key = g_strdup ("?");
          json_node_unref (value);
          return TRUE;
        }
      if (json_object_has_member (json_node_get_object (top->node), top->key))
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "line %zu: key \"%s\" appears twice", mark->line + 1, top->key);
          json_node_unref (value);
          return FALSE;
        }
      json_object_set_member (json_node_get_object (top->node), top->key, value);
      g_clear_pointer (&top->key, g_free);
      return TRUE;
    }
}

static void
yaml_frame_clear (gpointer data)
{
  YamlFrame *frame = data;

  g_clear_pointer (&frame->node, json_node_unref);
  g_clear_pointer (&frame->key, g_free);
  g_clear_pointer (&frame->anchor, g_free);
}

/* YAML (one document) into JSON values, with the recipe reader's limits:
 * nesting, and a bound on nodes that alias expansion cannot pass; tags that
 * name anything but plain data are refused. */
static JsonNode *
yaml_parse_limited (const char  *data,
                    gsize        length,
                    GError     **error)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, TRUE, sizeof (YamlFrame));
  g_autoptr(GHashTable) anchors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) json_node_unref);
  g_autoptr(JsonNode) root = NULL;
  yaml_parser_t parser;
  gboolean done = FALSE, ok = TRUE;
  guint n_nodes = 0, n_documents = 0;

  g_array_set_clear_func (stack, yaml_frame_clear);
  if (!yaml_parser_initialize (&parser))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_FAILED, "could not start the YAML reader");
      return NULL;
    }
  yaml_parser_set_input_string (&parser, (const unsigned char *) data, length);

  while (ok && !done)
    {
      yaml_event_t event;
      const char *tag = NULL, *anchor = NULL;

      if (!yaml_parser_parse (&parser, &event))
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "line %zu: YAML: %s",
                       parser.problem_mark.line + 1, parser.problem ? parser.problem : "unreadable");
          ok = FALSE;
          break;
        }

      switch (event.type)
        {
        case YAML_SCALAR_EVENT:
          tag = (const char *) event.data.scalar.tag;
          anchor = (const char *) event.data.scalar.anchor;
          break;
        case YAML_SEQUENCE_START_EVENT:
          tag = (const char *) event.data.sequence_start.tag;
          anchor = (const char *) event.data.sequence_start.anchor;
          break;
        case YAML_MAPPING_START_EVENT:
          tag = (const char *) event.data.mapping_start.tag;
          anchor = (const char *) event.data.mapping_start.anchor;
          break;
        default:
          break;
        }
      if (!tag_allowed (tag))
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "line %zu: YAML tag \"%s\" is refused: only plain data (maps, lists, "
                       "strings, numbers, booleans, null) is read, never objects a tag names",
                       event.start_mark.line + 1, tag);
          ok = FALSE;
        }
      else if (++n_nodes > ALB_MAX_NODES)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                       "line %zu: more than %d YAML nodes", event.start_mark.line + 1, ALB_MAX_NODES);
          ok = FALSE;
        }
      else
        switch (event.type)
          {
          case YAML_DOCUMENT_START_EVENT:
            if (++n_documents > 1)
              {
                g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                             "line %zu: more than one YAML document", event.start_mark.line + 1);
                ok = FALSE;
              }
            break;

          case YAML_SCALAR_EVENT:
            {
              const char *text = (const char *) event.data.scalar.value;
              JsonNode *value;

              if (tag != NULL && g_str_equal (tag, "tag:yaml.org,2002:str"))
                value = json_node_init_string (json_node_alloc (), text);
              else if (event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE || tag != NULL)
                value = resolve_plain (text);
              else
                value = json_node_init_string (json_node_alloc (), text);
              ok = yaml_add (stack, &root, value, anchors, anchor, &event.start_mark, error);
            }
            break;

          case YAML_ALIAS_EVENT:
            {
              JsonNode *target = g_hash_table_lookup (anchors, event.data.alias.anchor);

              if (target == NULL)
                {
                  g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                               "line %zu: YAML alias to an unknown anchor", event.start_mark.line + 1);
                  ok = FALSE;
                  break;
                }
              /* Each expansion counts in full: anchors of anchors cannot
               * grow the document past the limit. */
              n_nodes += count_nodes (target);
              if (n_nodes > ALB_MAX_NODES)
                {
                  g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                               "line %zu: YAML aliases expand past %d nodes",
                               event.start_mark.line + 1, ALB_MAX_NODES);
                  ok = FALSE;
                  break;
                }
              ok = yaml_add (stack, &root, json_node_copy (target), anchors, NULL, &event.start_mark, error);
            }
            break;

          case YAML_SEQUENCE_START_EVENT:
          case YAML_MAPPING_START_EVENT:
            {
              YamlFrame frame = { 0 };

              if (stack->len >= ALB_MAX_JSON_DEPTH)
                {
                  g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                               "line %zu: nested deeper than %d levels",
                               event.start_mark.line + 1, ALB_MAX_JSON_DEPTH);
                  ok = FALSE;
                  break;
                }
              frame.node = event.type == YAML_SEQUENCE_START_EVENT
                           ? array_node (json_array_new ())
                           : object_node (json_object_new ());
              frame.anchor = g_strdup (anchor);
              g_array_append_val (stack, frame);
            }
            break;

          case YAML_SEQUENCE_END_EVENT:
          case YAML_MAPPING_END_EVENT:
            {
              YamlFrame *top = &g_array_index (stack, YamlFrame, stack->len - 1);
              JsonNode *value = g_steal_pointer (&top->node);
              g_autofree char *frame_anchor = g_steal_pointer (&top->anchor);

              g_array_set_size (stack, stack->len - 1);
              ok = yaml_add (stack, &root, value, anchors, frame_anchor, &event.start_mark, error);
            }
            break;

          case YAML_STREAM_END_EVENT:
            done = TRUE;
            break;

          default:
            break;
          }
      yaml_event_delete (&event);
    }
  yaml_parser_delete (&parser);

  if (!ok)
    return NULL;
  if (root == NULL)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "empty document");
      return NULL;
    }
  return g_steal_pointer (&root);
}

/* Import --------------------------------------------------------------------------- */

typedef struct
{
  const char          *filename;
  AugurAlbImportFlags  flags;
  GPtrArray           *notes;
  gboolean             have_seed;
  gint64               seed;
  JsonObject          *labels;   /* the top Compose's label settings, Augur's names */
} ImportState;

static void note (ImportState *st, const char *path, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
note (ImportState *st,
      const char  *path,
      const char  *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (st->notes == NULL)
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (st->notes, g_strdup_printf ("%s: %s: %s", st->filename, path, text));
}

static gboolean loss (ImportState *st, GError **error, const char *path, const char *format, ...) G_GNUC_PRINTF (4, 5);

/* Something we cannot represent: an error, or (lenient) a note of what is
 * lost. Returns whether to go on. */
static gboolean
loss (ImportState  *st,
      GError      **error,
      const char   *path,
      const char   *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  if (st->flags & AUGUR_ALB_IMPORT_LENIENT)
    {
      if (st->notes)
        g_ptr_array_add (st->notes, g_strdup_printf ("%s: %s: lost: %s", st->filename, path, text));
      return TRUE;
    }
  g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "%s: %s: %s", st->filename, path, text);
  return FALSE;
}

static const char *
kind_text (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "a list";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "a mapping";
  if (is_string_node (node))
    return "a string";
  if (is_number_node (node))
    return "a number";
  return "a boolean";
}

/* A 2.x value into the recipe's form; NULL and @error on a wrong type. */
static JsonNode *
decode_v2 (const AugurParamSpec  *spec,
           JsonNode              *value,
           GError               **error)
{
  AugurAlbEncoding encoding = augur_param_alb_encoding (spec);

  switch (encoding)
    {
    case AUGUR_ALB_CV_INTERPOLATION:
    case AUGUR_ALB_CV_BORDER:
      {
        int i;

        if (JSON_NODE_HOLDS_NULL (value) || is_string_node (value))
          return json_node_copy (value);
        i = is_int_node (value) ? cv_index_by_code (encoding, json_node_get_int (value)) : -1;
        if (i < 0)
          {
            g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                         "%s: expected an OpenCV %s code (0 to 4), got %s", augur_param_alb_name (spec),
                         encoding == AUGUR_ALB_CV_BORDER ? "border" : "interpolation",
                         is_int_node (value) ? "another integer" : kind_text (value));
            return NULL;
          }
        return json_node_init_string (json_node_alloc (), encoding == AUGUR_ALB_CV_BORDER
                                                          ? cv_borders[i].nick : cv_interpolations[i].nick);
      }
    case AUGUR_ALB_PAIR_SWAPPED:
      if (is_pair_node (value))
        {
          JsonArray *array = json_node_get_array (value);
          JsonArray *swapped = json_array_new ();

          json_array_add_element (swapped, json_node_copy (json_array_get_element (array, 1)));
          json_array_add_element (swapped, json_node_copy (json_array_get_element (array, 0)));
          return array_node (swapped);
        }
      return json_node_copy (value);
    case AUGUR_ALB_SIZE_ZERO_IS_NONE:
      if (is_pair_node (value))
        {
          JsonArray *array = json_node_get_array (value);
          JsonArray *sides = json_array_new ();

          for (guint i = 0; i < 2; i++)
            {
              JsonNode *side = json_array_get_element (array, i);

              if (JSON_NODE_HOLDS_NULL (side))
                json_array_add_int_element (sides, 0);
              else
                json_array_add_element (sides, json_node_copy (side));
            }
          return array_node (sides);
        }
      return json_node_copy (value);
    case AUGUR_ALB_LIST_OF_ONE:
      if (JSON_NODE_HOLDS_ARRAY (value) && json_array_get_length (json_node_get_array (value)) > 0 &&
          JSON_NODE_HOLDS_ARRAY (json_array_get_element (json_node_get_array (value), 0)))
        {
          JsonArray *array = json_node_get_array (value);

          for (guint i = 1; i < json_array_get_length (array); i++)
            if (!json_node_equal (json_array_get_element (array, i), json_array_get_element (array, 0)))
              {
                g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                             "%s: the channels' ranges differ; Augur takes one range for every channel",
                             augur_param_alb_name (spec));
                return NULL;
              }
          return json_node_copy (json_array_get_element (array, 0));
        }
      return json_node_copy (value);
    case AUGUR_ALB_RGB_TRIPLE:
      /* (v, v, v) is one value for every channel, as the export wrote it */
      if (JSON_NODE_HOLDS_ARRAY (value) && json_array_get_length (json_node_get_array (value)) == 3)
        {
          JsonArray *rgb = json_node_get_array (value);

          if (json_node_equal (json_array_get_element (rgb, 0), json_array_get_element (rgb, 1)) &&
              json_node_equal (json_array_get_element (rgb, 0), json_array_get_element (rgb, 2)))
            return json_node_copy (json_array_get_element (rgb, 0));
        }
      return json_node_copy (value);
    case AUGUR_ALB_XY_AS_BOX:
      if (JSON_NODE_HOLDS_ARRAY (value) && json_array_get_length (json_node_get_array (value)) == 4)
        {
          JsonArray *box = json_node_get_array (value);
          JsonObject *xy = json_object_new ();
          JsonArray *x = json_array_new (), *y = json_array_new ();

          json_array_add_element (x, json_node_copy (json_array_get_element (box, 0)));
          json_array_add_element (x, json_node_copy (json_array_get_element (box, 2)));
          json_array_add_element (y, json_node_copy (json_array_get_element (box, 1)));
          json_array_add_element (y, json_node_copy (json_array_get_element (box, 3)));
          json_object_set_array_member (xy, "x", x);
          json_object_set_array_member (xy, "y", y);
          return object_node (xy);
        }
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "%s: expected [x_min, y_min, x_max, y_max], got %s", augur_param_alb_name (spec),
                   kind_text (value));
      return NULL;
    case AUGUR_ALB_NUMBER_IS_PAIR:
      if (is_number_node (value))
        {
          JsonArray *pair = json_array_new ();

          json_array_add_element (pair, json_node_copy (value));
          json_array_add_element (pair, json_node_copy (value));
          return array_node (pair);
        }
      return json_node_copy (value);
    case AUGUR_ALB_XY_INTEGERS:
    case AUGUR_ALB_AUTO:
    default:
      return json_node_copy (value);
    }
}

/* One number of a 1.x value in our units. */
static gboolean
v1_number (const AugurParamSpec  *spec,
           const char            *name,
           JsonNode              *value,
           JsonNode             **out,
           GError               **error)
{
  double v;

  if (spec->alb.v1_units == AUGUR_ALB_V1_SAME)
    {
      *out = json_node_copy (value);
      return TRUE;
    }
  if (!is_number_node (value))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "%s: expected a number, got %s",
                   name, kind_text (value));
      return FALSE;
    }
  v = json_node_get_double (value);
  if (spec->alb.v1_units == AUGUR_ALB_V1_VARIANCE_LEVELS)
    {
      if (!(v >= 0))
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "%s: a variance must not be negative, got %g", name, v);
          return FALSE;
        }
      v = sqrt (v);
    }
  *out = json_node_init_double (json_node_alloc (), v / 255.0);
  return TRUE;
}

/* A 1.x value (one argument) into the recipe's form. */
static JsonNode *
decode_v1 (const AugurParamSpec  *spec,
           JsonNode              *value,
           GError               **error)
{
  const char *name = spec->alb.v1_name;
  JsonArray *pair;

  if (spec->alb.v1_units == AUGUR_ALB_V1_CHOICE_INDEX)
    {
      gint64 i = is_int_node (value) ? json_node_get_int (value) : -1;

      if (is_string_node (value))
        return json_node_copy (value);
      if (i < 0 || i >= (gint64) g_strv_length ((char **) spec->nicks))
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "%s: expected a choice index (0 to %u), got %s", name,
                       g_strv_length ((char **) spec->nicks) - 1, kind_text (value));
          return NULL;
        }
      return json_node_init_string (json_node_alloc (), spec->nicks[i]);
    }
  if (spec->alb.v1_units == AUGUR_ALB_V1_SAME)
    return decode_v2 (spec, value, error);

  /* Units change: a number is one value (for a variance, 1.x read x as
   * [0, x]); a pair converts end by end. */
  pair = json_array_new ();
  if (is_pair_node (value))
    {
      for (guint i = 0; i < 2; i++)
        {
          JsonNode *converted = NULL;

          if (!v1_number (spec, name, json_array_get_element (json_node_get_array (value), i), &converted, error))
            {
              json_array_unref (pair);
              return NULL;
            }
          json_array_add_element (pair, converted);
        }
    }
  else
    {
      JsonNode *converted = NULL;

      if (!v1_number (spec, name, value, &converted, error))
        {
          json_array_unref (pair);
          return NULL;
        }
      if (spec->alb.v1_units == AUGUR_ALB_V1_VARIANCE_LEVELS)
        json_array_add_double_element (pair, 0);
      else
        json_array_add_element (pair, json_node_copy (converted));
      json_array_add_element (pair, converted);
    }
  return array_node (pair);
}

/* A pair that 1.x wrote as two arguments; a null end takes the other's
 * value, as 1.x did (min_holes = None meant max_holes). */
static JsonNode *
decode_v1_split (const AugurParamSpec *spec,
                 JsonNode             *first,
                 JsonNode             *second)
{
  JsonArray *pair = json_array_new ();

  if (first == NULL || JSON_NODE_HOLDS_NULL (first))
    first = second;
  if (second == NULL || JSON_NODE_HOLDS_NULL (second))
    second = first;
  json_array_add_element (pair, json_node_copy (first));
  json_array_add_element (pair, json_node_copy (second));
  return array_node (pair);
}

/* The argument @name ("arg.key": a member of a dictionary argument), noted
 * in @used; NULL when absent. */
static JsonNode *
take_member (JsonObject *args,
             GHashTable *used,
             const char *name)
{
  const char *dot = name ? strchr (name, '.') : NULL;
  JsonNode *member;

  if (name == NULL)
    return NULL;
  if (dot != NULL)
    {
      g_autofree char *arg = g_strndup (name, (gsize) (dot - name));
      JsonNode *dict = json_object_get_member (args, arg);

      if (dict == NULL || !JSON_NODE_HOLDS_OBJECT (dict) ||
          (member = json_object_get_member (json_node_get_object (dict), dot + 1)) == NULL)
        return NULL;
    }
  else if ((member = json_object_get_member (args, name)) == NULL)
    return NULL;
  g_hash_table_add (used, g_strdup (name));
  return member;
}

/* Reads one parameter: its 2.x argument, else its 1.x one(s), else the
 * default. Returns whether to go on. */
static gboolean
import_param (ImportState           *st,
              const char            *path,
              JsonObject            *args,
              GHashTable            *used,
              const AugurParamSpec  *spec,
              AugurValue            *value,
              GError               **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) native = NULL;
  JsonNode *member;

  augur_param_default (spec, value);

  if ((member = take_member (args, used, augur_param_alb_name (spec))) != NULL)
    native = spec->alb.v1_units == AUGUR_ALB_V1_CHOICE_INDEX && is_int_node (member)
             ? decode_v1 (spec, member, &local_error)  /* 1.x, same name, an IntEnum */
             : decode_v2 (spec, member, &local_error);
  else if (spec->alb.v1_name_second != NULL)
    {
      JsonNode *first = take_member (args, used, spec->alb.v1_name);
      JsonNode *second = take_member (args, used, spec->alb.v1_name_second);

      if ((first == NULL || JSON_NODE_HOLDS_NULL (first)) && (second == NULL || JSON_NODE_HOLDS_NULL (second)))
        return TRUE;
      native = decode_v1_split (spec, first, second);
    }
  else if ((member = take_member (args, used, spec->alb.v1_name)) != NULL)
    {
      /* 1.x wrote None for "the default" (value, cval, ...). */
      if (JSON_NODE_HOLDS_NULL (member) && !(spec->flags & AUGUR_PARAM_NULLABLE))
        return TRUE;
      native = decode_v1 (spec, member, &local_error);
    }
  else
    return TRUE;

  if (native == NULL || !augur_param_from_json (spec, native, value, &local_error))
    {
      augur_param_default (spec, value);
      return loss (st, error, path, "%s%s", local_error->message,
                   st->flags & AUGUR_ALB_IMPORT_LENIENT ? " (the default is kept)" : "");
    }
  return TRUE;
}

static const AugurAlbAbsent *
find_absent (const AugurTransformInfo *info,
             const char               *name)
{
  for (const AugurAlbAbsent *a = info->alb.absent; a && a->name; a++)
    if (g_str_equal (a->name, name) || g_strcmp0 (a->v1_name, name) == 0)
      return a;
  return NULL;
}

static const AugurTransformInfo *
lookup_class (const char *class_name)
{
  guint n;
  const AugurTransformInfo *const *list = augur_transforms_list (&n);

  for (guint i = 0; i < n; i++)
    if (!list[i]->alb.unsupported && g_str_equal (augur_transform_alb_class (list[i]), class_name))
      return list[i];
  return NULL;
}

static AugurNode *import_node (ImportState *st, JsonNode *json, const char *path,
                               guint depth, gboolean top, GError **error);

static gboolean
read_p (ImportState  *st,
        JsonObject   *object,
        const char   *path,
        double       *p,
        GError      **error)
{
  JsonNode *member = json_object_get_member (object, "p");
  JsonNode *always = json_object_get_member (object, "always_apply");

  if (member == NULL)
    {
      /* As Albumentations' loader does. */
      *p = 0.5;
      note (st, path, "no \"p\": 0.5, as Albumentations reads it");
    }
  else if (!is_number_node (member) || !(json_node_get_double (member) >= 0 && json_node_get_double (member) <= 1))
    {
      *p = 0.5;
      if (!loss (st, error, path, "p: expected a number from 0 to 1, got %s%s",
                 is_number_node (member) ? "one outside" : kind_text (member),
                 st->flags & AUGUR_ALB_IMPORT_LENIENT ? " (0.5 is kept)" : ""))
        return FALSE;
    }
  else
    *p = json_node_get_double (member);

  if (always != NULL)
    {
      if (JSON_NODE_HOLDS_VALUE (always) && json_node_get_value_type (always) == G_TYPE_BOOLEAN &&
          json_node_get_boolean (always))
        {
          *p = 1.0;
          note (st, path, "always_apply (1.x): read as p = 1");
        }
    }
  return TRUE;
}

static AugurNode *
import_transform (ImportState              *st,
                  const AugurTransformInfo *info,
                  JsonObject               *object,
                  const char               *path,
                  GError                  **error)
{
  g_autoptr(AugurNode) node = augur_node_new_transform (info);
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GError) check_error = NULL;

  if (!read_p (st, object, path, &node->p, error))
    return NULL;
  for (guint i = 0; i < info->n_params; i++)
    if (!import_param (st, path, object, used, &info->params[i], &node->params[i], error))
      return NULL;
  /* A copy (alb.also) is read by its parameter's own name. */
  for (guint i = 0; i < info->n_params; i++)
    if (info->params[i].alb.also)
      g_hash_table_add (used, g_strdup (info->params[i].alb.also));

  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;
      const AugurAlbAbsent *absent;

      if (is_dict_arg (info, name))
        {
          JsonNode *dict = json_object_get_member (object, name);
          g_autoptr(GList) keys = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (dict))
            {
              if (!loss (st, error, path, "%s: expected a mapping, got %s", name, kind_text (dict)))
                return NULL;
              continue;
            }
          keys = json_object_get_members (json_node_get_object (dict));
          for (GList *k = keys; k; k = k->next)
            {
              g_autofree char *full = g_strdup_printf ("%s.%s", name, (char *) k->data);

              if (!g_hash_table_contains (used, full) &&
                  !loss (st, error, path, "%s: %s has no such argument", full, info->name))
                return NULL;
            }
          continue;
        }
      if (g_hash_table_contains (used, name) || g_str_equal (name, "__class_fullname__") ||
          g_str_equal (name, "p") || g_str_equal (name, "always_apply"))
        continue;
      absent = find_absent (info, name);
      if (absent != NULL && (absent->action == AUGUR_ALB_ABSENT_NOTE ||
                             (absent->action == AUGUR_ALB_ABSENT_NOTE_IF_NULL &&
                              JSON_NODE_HOLDS_NULL (json_object_get_member (object, name)))))
        note (st, path, "%s: left out (%s)", name, absent->why);
      else if (absent != NULL)
        {
          if (!loss (st, error, path, "%s: Augur's %s does not have it (%s)", name, info->name, absent->why))
            return NULL;
        }
      else if (!loss (st, error, path, "%s: %s has no such argument", name, info->name))
        return NULL;
    }

  if (info->check != NULL && !info->check (node->params, &check_error))
    {
      /* Lenient: dropped and noted; otherwise @error is set. */
      loss (st, error, path, "%s; the step is left out", check_error->message);
      return NULL;
    }
  return g_steal_pointer (&node);
}

/* BboxParams and KeypointParams: the settings a recipe holds (its label
 * settings use Albumentations' names); the others are noted. */
static void
import_label_settings (ImportState *st,
                       const char  *path,
                       const char  *name,
                       JsonObject  *object)
{
  static const char *const bbox_keys[] = { "format", "label_fields", "min_area", "min_visibility",
                                           "min_width", "min_height", "clip", "filter_invalid_bboxes",
                                           NULL };
  static const char *const keypoint_keys[] = { "format", "label_fields", "remove_invisible",
                                               "angle_in_degrees", "check_each_transform", NULL };
  gboolean bbox = g_str_equal (name, "bbox_params");
  g_autoptr(GList) members = json_object_get_members (object);
  JsonObject *kept = json_object_new ();

  for (GList *l = members; l; l = l->next)
    {
      JsonNode *value = json_object_get_member (object, l->data);

      if (g_strv_contains (bbox ? bbox_keys : keypoint_keys, l->data))
        json_object_set_member (kept, l->data, json_node_copy (value));
      /* Augur filters boxes after every step; a null ratio is no limit */
      else if (JSON_NODE_HOLDS_NULL (value) ||
               (bbox && g_str_equal (l->data, "check_each_transform") &&
                JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN &&
                json_node_get_boolean (value)))
        continue;
      else
        note (st, path, "%s.%s: left out (Augur has no such label setting)", name, (char *) l->data);
    }
  if (st->labels == NULL)
    st->labels = json_object_new ();
  json_object_set_object_member (st->labels, name, kept);
}

static AugurNode *
import_group (ImportState    *st,
              AugurNodeKind   kind,
              const char     *class_name,
              JsonObject     *object,
              const char     *where,
              const char     *path,
              guint           depth,
              gboolean        top,
              GError        **error)
{
  static const char *const compose_keys[] = {
    "bbox_params", "keypoint_params", "additional_targets", "is_check_shapes", "seed",
    "strict", "mask_interpolation", "save_applied_params", NULL,
  };
  g_autoptr(AugurNode) node = augur_node_new_group (kind);
  g_autoptr(GList) members = json_object_get_members (object);
  gboolean compose = g_str_equal (class_name, "Compose");
  JsonNode *transforms = json_object_get_member (object, "transforms");

  if (!read_p (st, object, path, &node->p, error))
    return NULL;
  if (transforms == NULL || !JSON_NODE_HOLDS_ARRAY (transforms))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "%s: %s: transforms: %s",
                   st->filename, path, transforms ? "expected a list" : "missing");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (transforms)); i++)
    {
      g_autofree char *child_path = g_strdup_printf ("%s.transforms[%u]", where, i);
      AugurNode *child = import_node (st, json_array_get_element (json_node_get_array (transforms), i),
                                      child_path, depth + 1, FALSE, error);

      if (child != NULL)
        augur_node_append (node, child);
      else if (error && *error)
        return NULL;
    }

  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;
      JsonNode *member = json_object_get_member (object, name);

      if (g_str_equal (name, "__class_fullname__") || g_str_equal (name, "p") ||
          g_str_equal (name, "transforms") || g_str_equal (name, "always_apply"))
        continue;
      if ((kind == AUGUR_NODE_SOME_OF || kind == AUGUR_NODE_RANDOM_ORDER) && g_str_equal (name, "n"))
        {
          if (!is_int_node (member) || json_node_get_int (member) < 1 || json_node_get_int (member) > 1000)
            {
              if (!loss (st, error, path, "n: expected an integer from 1 to 1000"))
                return NULL;
            }
          else
            node->n = (int) json_node_get_int (member);
        }
      else if ((kind == AUGUR_NODE_SOME_OF || kind == AUGUR_NODE_RANDOM_ORDER) && g_str_equal (name, "replace"))
        {
          if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
            {
              if (!loss (st, error, path, "replace: expected true or false, got %s", kind_text (member)))
                return NULL;
            }
          else
            node->replace = json_node_get_boolean (member);
        }
      else if (compose && g_str_equal (name, "seed"))
        {
          if (JSON_NODE_HOLDS_NULL (member))
            continue;
          if (!is_int_node (member) || json_node_get_int (member) < 0)
            {
              if (!loss (st, error, path, "seed: expected a non-negative integer, got %s", kind_text (member)))
                return NULL;
            }
          else if (top)
            st->have_seed = TRUE, st->seed = json_node_get_int (member);
          else
            note (st, path, "seed of a nested Compose: ignored (the recipe has one seed)");
        }
      else if (compose && top && (g_str_equal (name, "bbox_params") || g_str_equal (name, "keypoint_params")) &&
               JSON_NODE_HOLDS_OBJECT (member))
        import_label_settings (st, path, name, json_node_get_object (member));
      else if (compose && g_strv_contains (compose_keys, name))
        {
          gboolean empty = JSON_NODE_HOLDS_NULL (member) ||
                           (JSON_NODE_HOLDS_OBJECT (member) && json_object_get_size (json_node_get_object (member)) == 0) ||
                           g_str_equal (name, "is_check_shapes") || g_str_equal (name, "strict");

          if (!empty)
            note (st, path, "%s: left out (labels and targets are set where the recipe is applied)", name);
        }
      else if (!loss (st, error, path, "%s: %s has no such argument", name, class_name))
        return NULL;
    }

  if ((kind == AUGUR_NODE_SOME_OF || kind == AUGUR_NODE_RANDOM_ORDER) && !json_object_has_member (object, "n"))
    node->n = kind == AUGUR_NODE_SOME_OF ? 1 : (int) MAX (1, node->children->len);
  return g_steal_pointer (&node);
}

/* NULL with @error set: fail; NULL without: the node is dropped (lenient,
 * noted). */
static AugurNode *
import_node (ImportState  *st,
             JsonNode     *json,
             const char   *path,
             guint         depth,
             gboolean      top,
             GError      **error)
{
  JsonObject *object;
  JsonNode *member;
  const char *class_name;
  const AugurTransformInfo *info;
  g_autofree char *here = NULL;
  AugurNodeKind kind;

  if (depth > AUGUR_RECIPE_MAX_DEPTH)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE, "%s: %s: nested deeper than %d levels",
                   st->filename, path, AUGUR_RECIPE_MAX_DEPTH);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json))
    {
      loss (st, error, path, "expected a transform (a mapping with \"__class_fullname__\"), got %s",
            kind_text (json));
      return NULL;
    }
  object = json_node_get_object (json);
  member = json_object_get_member (object, "__class_fullname__");
  if (member == NULL || !is_string_node (member))
    {
      loss (st, error, path, "__class_fullname__: %s", member ? "expected a string" : "missing");
      return NULL;
    }
  /* 0.x wrote the module path too. */
  class_name = strrchr (json_node_get_string (member), '.');
  class_name = class_name ? class_name + 1 : json_node_get_string (member);
  here = g_strdup_printf ("%s (%s)", path, class_name);

  if (g_str_equal (class_name, "Compose") || g_str_equal (class_name, "Sequential"))
    kind = AUGUR_NODE_SEQUENTIAL;
  else if (g_str_equal (class_name, "OneOf"))
    kind = AUGUR_NODE_ONE_OF;
  else if (g_str_equal (class_name, "SomeOf"))
    kind = AUGUR_NODE_SOME_OF;
  else if (g_str_equal (class_name, "RandomOrder"))
    kind = AUGUR_NODE_RANDOM_ORDER;
  else
    {
      if (g_str_equal (class_name, "Lambda"))
        {
          loss (st, error, here, "Lambda runs Python functions, which a recipe cannot hold");
          return NULL;
        }
      info = lookup_class (class_name);
      if (info == NULL)
        {
          loss (st, error, here, "Augur has no transform for the Albumentations class %s "
                "(augur-cli list shows what it has)", class_name);
          return NULL;
        }
      return import_transform (st, info, object, here, error);
    }
  return import_group (st, kind, class_name, object, path, here, depth, top, error);
}

/* Parses "transform.transforms[i].transforms[j]...": the indices. */
static GArray *
parse_step_path (const char *path)
{
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *c = path;

  if (!g_str_has_prefix (c, "transform"))
    return NULL;
  c += strlen ("transform");
  while (*c)
    {
      char *end = NULL;
      guint64 i;

      if (!g_str_has_prefix (c, ".transforms["))
        return NULL;
      c += strlen (".transforms[");
      if (!g_ascii_isdigit (*c))
        return NULL;
      i = g_ascii_strtoull (c, &end, 10);
      if (end == NULL || *end != ']' || i > G_MAXUINT16)
        return NULL;
      g_array_append_val (indices, (guint) { (guint) i });
      c = end + 1;
    }
  return g_steal_pointer (&indices);
}

/* The node at @indices under @root (the Compose), or NULL. */
static AugurNode *
node_at (AugurNode *root,
         GArray    *indices)
{
  AugurNode *node = root;

  for (guint k = 0; k < indices->len && node != NULL; k++)
    {
      guint index = g_array_index (indices, guint, k);

      if (node->kind == AUGUR_NODE_TRANSFORM || index >= node->children->len)
        return NULL;
      node = node->children->pdata[index];
    }
  return node;
}

/* Puts back what an export by Augur kept in its metadata key: disabled
 * steps where they were, and a top-level group that is not Sequential.
 * The key is optional, and A.from_dict ignores it; what in it does not fit
 * the pipeline is a loss like any other. */
static gboolean
restore_metadata (ImportState  *st,
                  JsonObject   *root,
                  AugurRecipe  *recipe,
                  GError      **error)
{
  JsonNode *meta_node = json_object_get_member (root, AUGUR_ALB_METADATA_KEY);
  JsonObject *meta;
  JsonNode *disabled, *kind_node, *ids;
  AugurNodeKind kind;

  if (meta_node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (meta_node))
    return loss (st, error, AUGUR_ALB_METADATA_KEY, "expected a mapping, got %s", kind_text (meta_node));
  meta = json_node_get_object (meta_node);

  disabled = json_object_get_member (meta, "disabled");
  if (disabled != NULL && !JSON_NODE_HOLDS_ARRAY (disabled))
    return loss (st, error, AUGUR_ALB_METADATA_KEY, "disabled: expected a list, got %s", kind_text (disabled));
  for (guint i = 0; disabled != NULL && i < json_array_get_length (json_node_get_array (disabled)); i++)
    {
      JsonNode *entry = json_array_get_element (json_node_get_array (disabled), i);
      g_autofree char *where = g_strdup_printf ("%s.disabled[%u]", AUGUR_ALB_METADATA_KEY, i);
      g_autoptr(GArray) indices = NULL;
      g_autoptr(GError) local_error = NULL;
      AugurNode *parent = recipe->pipeline;
      AugurNode *step;
      JsonNode *path, *json;
      guint last;

      if (!JSON_NODE_HOLDS_OBJECT (entry) ||
          (path = json_object_get_member (json_node_get_object (entry), "path")) == NULL || !is_string_node (path) ||
          (json = json_object_get_member (json_node_get_object (entry), "step")) == NULL ||
          (indices = parse_step_path (json_node_get_string (path))) == NULL || indices->len == 0)
        {
          if (!loss (st, error, where, "expected {\"path\": \"transform.transforms[i]...\", \"step\": {...}}"))
            return FALSE;
          continue;
        }
      last = g_array_index (indices, guint, indices->len - 1);
      g_array_set_size (indices, indices->len - 1);
      parent = node_at (recipe->pipeline, indices);
      if (parent == NULL || parent->kind == AUGUR_NODE_TRANSFORM || last > parent->children->len)
        {
          if (!loss (st, error, where, "%s: no such place in the pipeline", json_node_get_string (path)))
            return FALSE;
          continue;
        }
      step = augur_node_from_json (json, "step", &local_error);
      if (step == NULL)
        {
          if (!loss (st, error, where, "%s", local_error->message))
            return FALSE;
          continue;
        }
      step->enabled = FALSE;
      g_ptr_array_insert (parent->children, (gint) last, step);
    }

  /* The ids of the exported steps, now that every step is in its place. */
  ids = json_object_get_member (meta, "ids");
  if (ids != NULL && !JSON_NODE_HOLDS_ARRAY (ids))
    return loss (st, error, AUGUR_ALB_METADATA_KEY, "ids: expected a list, got %s", kind_text (ids));
  for (guint i = 0; ids != NULL && i < json_array_get_length (json_node_get_array (ids)); i++)
    {
      JsonNode *entry = json_array_get_element (json_node_get_array (ids), i);
      g_autofree char *where = g_strdup_printf ("%s.ids[%u]", AUGUR_ALB_METADATA_KEY, i);
      g_autoptr(GArray) indices = NULL;
      g_autoptr(GError) local_error = NULL;
      JsonNode *path, *id;
      AugurNode *node;

      if (!JSON_NODE_HOLDS_OBJECT (entry) ||
          (path = json_object_get_member (json_node_get_object (entry), "path")) == NULL || !is_string_node (path) ||
          (id = json_object_get_member (json_node_get_object (entry), "id")) == NULL || !is_string_node (id) ||
          (indices = parse_step_path (json_node_get_string (path))) == NULL)
        {
          if (!loss (st, error, where, "expected {\"path\": \"transform...\", \"id\": \"...\"}"))
            return FALSE;
          continue;
        }
      if ((node = node_at (recipe->pipeline, indices)) == NULL)
        {
          if (!loss (st, error, where, "%s: no such place in the pipeline", json_node_get_string (path)))
            return FALSE;
          continue;
        }
      if (!augur_node_id_check (json_node_get_string (id), &local_error))
        {
          if (!loss (st, error, where, "%s", local_error->message))
            return FALSE;
          continue;
        }
      if (augur_node_find_id (recipe->pipeline, json_node_get_string (id)) != NULL)
        {
          if (!loss (st, error, where, "id \"%s\" appears twice", json_node_get_string (id)))
            return FALSE;
          continue;
        }
      g_free (node->id);
      node->id = g_strdup (json_node_get_string (id));
    }

  /* Compose([group]) is how a recipe whose top is a group exports. */
  kind_node = json_object_get_member (meta, "pipeline");
  if (kind_node != NULL && is_string_node (kind_node) &&
      augur_node_kind_from_name (json_node_get_string (kind_node), &kind) && kind != AUGUR_NODE_SEQUENTIAL &&
      kind != AUGUR_NODE_TRANSFORM && recipe->pipeline->p == 1.0 && recipe->pipeline->children->len == 1 &&
      ((AugurNode *) recipe->pipeline->children->pdata[0])->kind == kind)
    {
      AugurNode *top = g_ptr_array_steal_index (recipe->pipeline->children, 0);

      augur_node_free (recipe->pipeline);
      recipe->pipeline = top;
    }
  return TRUE;
}

/**
 * augur_albumentations_detect:
 *
 * Whether @data looks like an Albumentations file (JSON or YAML with a
 * top-level "transform"), for callers that open either kind.
 */
gboolean
augur_albumentations_detect (const char *data,
                             gsize       length)
{
  g_autofree char *head = g_strndup (data, MIN (length, 65536));

  return strstr (head, "__class_fullname__") != NULL &&
         (strstr (head, "\"transform\"") != NULL || strstr (head, "transform:") != NULL);
}

/**
 * augur_albumentations_parse:
 * @filename: what messages call the file
 * @notes: (nullable): receives a line (char *) for each argument accepted
 *   and left out, and (lenient) each loss
 *
 * A recipe from an Albumentations file (JSON or YAML, written by 1.x or
 * 2.x), checked with the recipe reader's limits.
 */
AugurRecipe *
augur_albumentations_parse (const char           *data,
                            gsize                 length,
                            const char           *filename,
                            AugurAlbImportFlags   flags,
                            GPtrArray            *notes,
                            GError              **error)
{
  ImportState st = { filename ? filename : "(data)", flags, notes, FALSE, 0, NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(AugurRecipe) recipe = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *transform, *version;
  AugurNode *pipeline;
  gsize i = 0;

  if (length > AUGUR_RECIPE_MAX_BYTES)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                   "%s: %" G_GSIZE_FORMAT " bytes, over the limit of %d", st.filename, length,
                   AUGUR_RECIPE_MAX_BYTES);
      return NULL;
    }
  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "%s: a NUL byte: not a text file", st.filename);
      return NULL;
    }
  while (i < length && g_ascii_isspace (data[i]))
    i++;
  if (i < length && data[i] == '{')
    root = augur_json_parse_limited (data, (gssize) length, AUGUR_RECIPE_MAX_BYTES, ALB_MAX_JSON_DEPTH, &local_error);
  else
    root = yaml_parse_limited (data, length, &local_error);
  if (root == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", st.filename, local_error->message);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "%s: expected a mapping with \"transform\", got %s", st.filename, kind_text (root));
      return NULL;
    }
  object = json_node_get_object (root);
  if (json_object_has_member (object, "format") && json_object_has_member (object, "pipeline"))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "%s: this is an Augur recipe, not an Albumentations file", st.filename);
      return NULL;
    }
  transform = json_object_get_member (object, "transform");
  if (transform == NULL)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "%s: transform: missing (A.save writes the pipeline under \"transform\")", st.filename);
      return NULL;
    }
  version = json_object_get_member (object, "__version__");
  if (version != NULL && !is_string_node (version))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "%s: __version__: expected a string, got %s", st.filename, kind_text (version));
      return NULL;
    }

  pipeline = import_node (&st, transform, "transform", 1, TRUE, error);
  if (pipeline == NULL)
    {
      if (error && *error == NULL)
        g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                     "%s: transform: nothing left to import", st.filename);
      return NULL;
    }
  if (pipeline->kind == AUGUR_NODE_TRANSFORM || pipeline->kind != AUGUR_NODE_SEQUENTIAL)
    {
      AugurNode *group = augur_node_new_group (AUGUR_NODE_SEQUENTIAL);

      group->p = 1.0;
      augur_node_append (group, pipeline);
      pipeline = group;
    }

  recipe = augur_recipe_new ();
  g_clear_pointer (&recipe->pipeline, augur_node_free);
  recipe->pipeline = pipeline;
  if (!restore_metadata (&st, object, recipe, error))
    {
      g_clear_pointer (&st.labels, json_object_unref);
      return NULL;
    }
  if (st.labels != NULL)
    {
      g_autoptr(JsonObject) labels = g_steal_pointer (&st.labels);
      JsonNode *swap = NULL, *meta = json_object_get_member (object, AUGUR_ALB_METADATA_KEY);

      /* the swap pairs an export kept in the metadata */
      if (meta != NULL && JSON_NODE_HOLDS_OBJECT (meta))
        swap = json_object_get_member (json_node_get_object (meta), "label_swap");
      if (swap != NULL && json_object_has_member (labels, "keypoint_params"))
        json_object_set_member (json_object_get_object_member (labels, "keypoint_params"), "label_swap",
                                json_node_copy (swap));
      if (!augur_label_params_from_json (labels, &recipe->labels, &local_error))
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "%s: transform.%s", st.filename,
                       local_error->message);
          return NULL;
        }
    }
  /* Steps the metadata did not name get the ids a recipe read would give. */
  augur_node_ensure_ids (recipe->pipeline);
  if (st.have_seed)
    {
      if ((guint64) st.seed > AUGUR_SEED_MASK)
        note (&st, "transform", "seed %" G_GINT64_FORMAT " is over 2^53: its low 53 bits are kept", st.seed);
      recipe->seed = (guint64) st.seed & AUGUR_SEED_MASK;
    }

  /* Last, the recipe reader's own checks on the whole (its nesting and
   * the most applications a draw may make). */
  {
    g_autoptr(JsonNode) json = augur_recipe_to_json (recipe);
    g_autoptr(AugurRecipe) checked = augur_recipe_from_json (json, &local_error);

    if (checked == NULL)
      {
        g_set_error (error, local_error->domain, local_error->code, "%s: %s", st.filename, local_error->message);
        return NULL;
      }
  }
  return g_steal_pointer (&recipe);
}

/* At most @max + 1 bytes of a regular file: anything larger is refused
 * without reading it all. */
static char *
read_file_capped (const char  *path,
                  gsize        max,
                  gsize       *length,
                  GError     **error)
{
  GStatBuf st;
  char *data = NULL;

  if (g_stat (path, &st) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", path, g_strerror (errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "%s: not a regular file", path);
      return NULL;
    }
  if ((gsize) st.st_size > max)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                   "%s: %" G_GINT64_FORMAT " bytes, over the limit of %" G_GSIZE_FORMAT,
                   path, (gint64) st.st_size, max);
      return NULL;
    }
  if (!g_file_get_contents (path, &data, length, error))
    return NULL;
  if (*length > max)
    {
      g_free (data);
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                   "%s: over the limit of %" G_GSIZE_FORMAT " bytes", path, max);
      return NULL;
    }
  return data;
}

AugurRecipe *
augur_albumentations_load (const char           *path,
                           AugurAlbImportFlags   flags,
                           GPtrArray            *notes,
                           GError              **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  data = read_file_capped (path, AUGUR_RECIPE_MAX_BYTES, &length, error);
  if (data == NULL)
    return NULL;
  return augur_albumentations_parse (data, length, path, flags, notes, error);
}

/* Reference ---------------------------------------------------------------------- */

/**
 * augur_param_alb_encoding_text:
 *
 * How the parameter is written in an Albumentations file, in a few words.
 */
const char *
augur_param_alb_encoding_text (const AugurParamSpec *spec)
{
  switch (augur_param_alb_encoding (spec))
    {
    case AUGUR_ALB_CV_INTERPOLATION: return "OpenCV interpolation flag";
    case AUGUR_ALB_CV_BORDER:        return "OpenCV border code";
    case AUGUR_ALB_PAIR_SWAPPED:     return "pair in the other order";
    case AUGUR_ALB_XY_INTEGERS:      return "x/y ranges of integers";
    case AUGUR_ALB_SIZE_ZERO_IS_NONE: return "0 written as None";
    case AUGUR_ALB_NUMBER_IS_PAIR:   return "list; one number x reads as [x, x]";
    case AUGUR_ALB_LIST_OF_ONE:      return "list of per-channel ranges, all the same";
    case AUGUR_ALB_RGB_TRIPLE:       return "(R, G, B) integers";
    case AUGUR_ALB_XY_AS_BOX:        return "[x_min, y_min, x_max, y_max]";
    case AUGUR_ALB_AUTO:
    default:
      break;
    }
  switch (spec->type)
    {
    case AUGUR_PARAM_ENUM:      return "name";
    case AUGUR_PARAM_XY_RANGE:  return "{x: [lo, hi], y: [lo, hi]}";
    case AUGUR_PARAM_INT_RANGE:
    case AUGUR_PARAM_RANGE:     return (spec->flags & AUGUR_PARAM_PIXELS_IF_INT) ? "list; integers are pixels" : "list";
    case AUGUR_PARAM_SIZE:      return "list";
    case AUGUR_PARAM_FILL:      return "number, per-channel list or name";
    default:                    return "as is";
    }
}

static const char *
v1_units_text (AugurAlbV1Units units)
{
  switch (units)
    {
    case AUGUR_ALB_V1_PIXEL_LEVELS:    return "8-bit levels";
    case AUGUR_ALB_V1_VARIANCE_LEVELS: return "a variance in 8-bit levels";
    case AUGUR_ALB_V1_CHOICE_INDEX:    return "an index";
    case AUGUR_ALB_V1_SAME:
    default:                           return NULL;
    }
}

/**
 * augur_albumentations_describe:
 *
 * @info's mapping as JSON, for augur-cli describe: the class, each
 * parameter's argument, encoding and 1.x names, and the arguments left out.
 */
JsonNode *
augur_albumentations_describe (const AugurTransformInfo *info)
{
  JsonObject *object = json_object_new ();
  JsonArray *args = json_array_new ();
  JsonArray *absent = json_array_new ();

  json_object_set_string_member (object, "class", augur_transform_alb_class (info));
  json_object_set_string_member (object, "since", info->alb.since ? info->alb.since : "2.0");
  json_object_set_boolean_member (object, "exported", !info->alb.unsupported);
  if (info->alb.hint)
    json_object_set_string_member (object, "hint", info->alb.hint);
  for (guint i = 0; i < info->n_params; i++)
    {
      const AugurParamSpec *spec = &info->params[i];
      JsonObject *arg = json_object_new ();

      json_object_set_string_member (arg, "param", spec->name);
      json_object_set_string_member (arg, "name", augur_param_alb_name (spec));
      json_object_set_string_member (arg, "encoding", augur_param_alb_encoding_text (spec));
      if (spec->alb.when)
        json_object_set_string_member (arg, "when", spec->alb.when);
      if (spec->alb.v1_name)
        {
          JsonArray *v1 = json_array_new ();

          json_array_add_string_element (v1, spec->alb.v1_name);
          if (spec->alb.v1_name_second)
            json_array_add_string_element (v1, spec->alb.v1_name_second);
          json_object_set_array_member (arg, "v1_names", v1);
        }
      if (spec->alb.v1_units != AUGUR_ALB_V1_SAME)
        json_object_set_string_member (arg, "v1_units", v1_units_text (spec->alb.v1_units));
      json_array_add_object_element (args, arg);
    }
  for (const AugurAlbAbsent *a = info->alb.absent; a && a->name; a++)
    {
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "name", a->name);
      if (a->v1_name)
        json_object_set_string_member (entry, "v1_name", a->v1_name);
      json_object_set_string_member (entry, "import", a->action == AUGUR_ALB_ABSENT_NOTE ? "noted" :
                                                      a->action == AUGUR_ALB_ABSENT_REFUSE ? "refused"
                                                                                           : "noted when null");
      json_object_set_string_member (entry, "why", a->why);
      json_array_add_object_element (absent, entry);
    }
  json_object_set_array_member (object, "arguments", args);
  json_object_set_array_member (object, "left_out", absent);
  return object_node (object);
}

/**
 * augur_albumentations_markdown:
 *
 * The mapping table of every transform, for docs/albumentations.md.
 */
char *
augur_albumentations_markdown (void)
{
  GString *s = g_string_new (NULL);
  g_autoptr(GString) not_exported = g_string_new (NULL);
  guint n;
  const AugurTransformInfo *const *list = augur_transforms_list (&n);

  g_string_append (s,
    "# Albumentations interop\n"
    "\n"
    "<!-- Generated by `augur-cli describe --albumentations-markdown` (make docs) from the\n"
    "     transform table's mapping data: edit the table, not this file. -->\n"
    "\n"
    "A recipe designed in Augur exports to the format Albumentations' `A.save` writes, so that\n"
    "training code that augments on the fly loads it in two lines:\n"
    "\n"
    "```python\n"
    "transform = A.load(\"recipe.json\")\n"
    "out = transform(image=img)\n"
    "```\n"
    "\n"
    "## Export\n"
    "\n"
    "`augur-cli export RECIPE --to albumentations [--yaml | --python] [-o FILE] [--skip-unsupported]`\n"
    "\n"
    "- JSON (the default) and YAML (`A.load(path, data_format=\"yaml\")`) are written in the\n"
    "  format of Albumentations " AUGUR_ALB_VERSION ": `{\"__version__\", \"transform\": Compose}`, each\n"
    "  node with `__class_fullname__`, an explicit `p` and every argument under its\n"
    "  Albumentations name and encoding (below). Compose carries the recipe's `seed`.\n"
    "- Disabled steps are left out of the pipeline. Augur's own metadata (its version, the\n"
    "  recipe's seed, each step's id, the disabled and skipped steps as recipe JSON) is under\n"
    "  the top-level key `\"" AUGUR_ALB_METADATA_KEY "\"`, which `A.from_dict` ignores.\n"
    "- `--python` writes a runnable snippet: `import albumentations as A`, `import cv2` when\n"
    "  an OpenCV constant is used, and `A.Compose([...], seed=N)`, one step a line, with only the\n"
    "  arguments that differ from Albumentations' defaults (output sizes always).\n"
    "- A step with no Albumentations counterpart is never dropped silently: the export fails\n"
    "  and names each such step, unless `--skip-unsupported`, which leaves them out, lists them\n"
    "  on stderr and records them in the metadata.\n"
    "\n"
    "## Import\n"
    "\n"
    "`augur-cli import FILE [-o RECIPE] [--lenient]` reads JSON and YAML written by\n"
    "Albumentations 2.x and 1.x (1.x names are mapped as the table lists, with their units).\n"
    "\n"
    "- Arguments that do not change an image (mask-only, box-only and keypoint-only ones,\n"
    "  and the Affine keys 2.0.8 writes for SafeRotate) are accepted and noted on stderr.\n"
    "- Anything else Augur cannot represent (an unknown class, `Lambda`, an unknown argument,\n"
    "  a wrong type, a value outside Augur's limits) is reported with the file, the node's path\n"
    "  and the argument, and fails the import; `--lenient` keeps the rest and prints each loss.\n"
    "- The recipe reader's limits apply: the file's size is checked before parsing, and its\n"
    "  nesting; YAML aliases cannot expand a document past a fixed number of nodes, and YAML\n"
    "  tags that name anything but plain data (`!!python/...`) are refused.\n"
    "- A file Augur exported reads back to its recipe: the steps' ids, the disabled steps and\n"
    "  a top-level group other than Sequential are put back from the metadata key.\n"
    "- Import then export gives back an equivalent file for every transform Augur has.\n"
    "\n"
    "## What differs\n"
    "\n"
    "The meaning of every exported step matches: the same transform, the same ranges and\n"
    "probabilities. The pixels do not: Albumentations and Augur draw from different random\n"
    "streams (the same seed gives other draws), and their kernels differ in rounding and in\n"
    "details of interpolation, so an image augmented by each differs while the augmentation\n"
    "means the same. Where the table below says an argument is left out, Augur has no such\n"
    "option and Albumentations' default applies after an export.\n"
    "\n"
    "## The mapping\n"
    "\n"
    "Encodings: OpenCV flags for `interpolation` (0 nearest, 1 linear, 2 cubic, 3 area,\n"
    "4 lanczos4) and codes for `border_mode` (0 constant, 1 replicate, 2 reflect, 3 wrap,\n"
    "4 reflect_101); ranges as lists; x/y ranges as `{x: [lo, hi], y: [lo, hi]}`.\n"
    "GridDropout's `holes_number_xy` is written in the other order: Albumentations documents\n"
    "(x, y) but 2.0.8's code reads (rows, columns). CoarseDropout's hole sizes are pixels when\n"
    "written as integers, fractions of the side otherwise.\n"
    "\n");
  g_string_append (s, "| Augur | Albumentations | arguments: name, encoding | 1.x names | "
                      "Albumentations arguments left out |\n|---|---|---|---|---|\n");
  for (guint i = 0; i < n; i++)
    {
      const AugurTransformInfo *info = list[i];
      g_autoptr(GString) args = g_string_new (NULL);
      g_autoptr(GString) v1 = g_string_new (NULL);
      g_autoptr(GString) absent = g_string_new (NULL);

      for (guint k = 0; k < info->n_params; k++)
        {
          const AugurParamSpec *spec = &info->params[k];
          const char *units = v1_units_text (spec->alb.v1_units);
          g_autofree char *units_note = units ? g_strdup_printf (" (%s)", units) : g_strdup ("");

          g_string_append_printf (args, "%s`%s`", args->len ? "<br>" : "", augur_param_alb_name (spec));
          if (spec->alb.name)
            g_string_append_printf (args, " (Augur: `%s`)", spec->name);
          g_string_append_printf (args, ": %s", augur_param_alb_encoding_text (spec));
          if (spec->alb.when)
            g_string_append_printf (args, " (only when %s)", spec->alb.when);
          if (spec->alb.v1_name_second)
            g_string_append_printf (v1, "%s`%s`, `%s` → `%s`%s", v1->len ? "<br>" : "", spec->alb.v1_name,
                                    spec->alb.v1_name_second, augur_param_alb_name (spec), units_note);
          else if (spec->alb.v1_name || spec->alb.v1_units)
            g_string_append_printf (v1, "%s`%s` → `%s`%s", v1->len ? "<br>" : "",
                                    spec->alb.v1_name ? spec->alb.v1_name : augur_param_alb_name (spec),
                                    augur_param_alb_name (spec), units_note);
        }
      for (const AugurAlbAbsent *a = info->alb.absent; a && a->name; a++)
        g_string_append_printf (absent, "%s`%s`%s%s%s: %s, %s", absent->len ? "<br>" : "", a->name,
                                a->v1_name ? " (1.x `" : "", a->v1_name ? a->v1_name : "",
                                a->v1_name ? "`)" : "", a->why,
                                a->action == AUGUR_ALB_ABSENT_NOTE ? "accepted and noted on import" :
                                a->action == AUGUR_ALB_ABSENT_REFUSE ? "refused on import"
                                                                     : "accepted and noted on import when null, refused otherwise");
      if (info->alb.unsupported)
        {
          g_string_append_printf (s, "| %s | none: not exported | | | |\n", info->name);
          g_string_append_printf (not_exported, "- %s%s%s\n", info->name,
                                  info->alb.hint ? ": " : "", info->alb.hint ? info->alb.hint : "");
        }
      else
        g_string_append_printf (s, "| %s | `A.%s` (since %s) | %s | %s | %s |\n", info->name,
                                augur_transform_alb_class (info), info->alb.since ? info->alb.since : "2.0",
                                args->len ? args->str : "", v1->str, absent->str);
    }
  g_string_append (s, "\n## Transforms that do not export\n\n");
  if (not_exported->len)
    g_string_append_len (s, not_exported->str, (gssize) not_exported->len);
  else
    g_string_append (s, "None: every transform Augur has has an Albumentations counterpart.\n");
  return g_string_free (s, FALSE);
}
