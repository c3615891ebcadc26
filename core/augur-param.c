/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-param.h"

/* Pixel sizes given as integers are sane below this. */
#define MAX_PIXELS_VALUE 1000000.0

const char *
augur_param_type_name (AugurParamType type)
{
  switch (type)
    {
    case AUGUR_PARAM_BOOL:      return "boolean";
    case AUGUR_PARAM_INT:       return "integer";
    case AUGUR_PARAM_NUMBER:    return "number";
    case AUGUR_PARAM_INT_RANGE: return "integer range";
    case AUGUR_PARAM_RANGE:     return "range";
    case AUGUR_PARAM_XY_RANGE:  return "x/y range";
    case AUGUR_PARAM_SIZE:      return "size";
    case AUGUR_PARAM_ENUM:      return "choice";
    case AUGUR_PARAM_FILL:      return "fill";
    default:                    g_assert_not_reached ();
    }
}

gboolean
augur_param_is_range (const AugurParamSpec *spec)
{
  return spec->type == AUGUR_PARAM_INT_RANGE ||
         spec->type == AUGUR_PARAM_RANGE ||
         spec->type == AUGUR_PARAM_XY_RANGE;
}

/* How many of v[] the type uses. */
guint
augur_param_n_values (const AugurParamSpec *spec)
{
  switch (spec->type)
    {
    case AUGUR_PARAM_BOOL:
    case AUGUR_PARAM_INT:
    case AUGUR_PARAM_NUMBER:
      return 1;
    case AUGUR_PARAM_INT_RANGE:
    case AUGUR_PARAM_RANGE:
    case AUGUR_PARAM_SIZE:
      return 2;
    case AUGUR_PARAM_XY_RANGE:
      return 4;
    case AUGUR_PARAM_FILL:
      return 4;
    case AUGUR_PARAM_ENUM:
      return 0;
    default:
      g_assert_not_reached ();
    }
}

int
augur_param_nick_index (const AugurParamSpec *spec,
                        const char           *nick)
{
  if (spec->nicks == NULL)
    return -1;
  for (int i = 0; spec->nicks[i]; i++)
    if (g_str_equal (spec->nicks[i], nick))
      return i;
  return -1;
}

static guint
n_nicks (const AugurParamSpec *spec)
{
  return spec->nicks ? g_strv_length ((char **) spec->nicks) : 0;
}

void
augur_param_default (const AugurParamSpec *spec,
                     AugurValue           *value)
{
  memset (value, 0, sizeof *value);
  memcpy (value->v, spec->def, sizeof value->v);
  value->nick = (gint8) spec->def_nick;
  value->is_null = spec->def_null;
  value->n = 1;
  /* A fill's default is a number unless def_nick names one of its nicks. */
  if (spec->type == AUGUR_PARAM_FILL && (spec->def_nick < 0 || spec->def_nick >= (int) n_nicks (spec)))
    value->nick = -1;
  if (spec->flags & AUGUR_PARAM_PIXELS_IF_INT)
    value->integers = FALSE;
}

static char *
nicks_list (const AugurParamSpec *spec)
{
  GString *s = g_string_new (NULL);

  for (int i = 0; spec->nicks && spec->nicks[i]; i++)
    g_string_append_printf (s, "%s\"%s\"", i ? ", " : "", spec->nicks[i]);

  return g_string_free (s, FALSE);
}

/* @name is what messages call the value: the parameter's name, or
 * "name.x" for one axis of an x/y range. */
static gboolean
check_number (const char  *name,
              double       v,
              double       lo,
              double       hi,
              GError     **error)
{
  if (!isfinite (v))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "%s: must be a finite number", name);
      return FALSE;
    }
  if (v < lo || v > hi)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "%s: %.16g is out of range [%.16g, %.16g]", name, v, lo, hi);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_pair (const AugurParamSpec  *spec,
            const char            *name,
            const double          *v,
            double                 lo,
            double                 hi,
            GError               **error)
{
  if (!check_number (name, v[0], lo, hi, error) || !check_number (name, v[1], lo, hi, error))
    return FALSE;
  /* A size is [height, width], not a range: either may be the larger. */
  if (v[0] > v[1] && spec->type != AUGUR_PARAM_SIZE && !(spec->flags & AUGUR_PARAM_ALLOW_REVERSED))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "%s: range is reversed ([%g, %g]): the first value must not exceed the second",
                   name, v[0], v[1]);
      return FALSE;
    }
  return TRUE;
}

/**
 * augur_param_check:
 *
 * Whether @value lies within @spec's hard limits. The recipe reader calls it
 * on everything it reads; the GUI on everything it sets.
 */
gboolean
augur_param_check (const AugurParamSpec  *spec,
                   const AugurValue      *value,
                   GError               **error)
{
  double lo = spec->min, hi = spec->max;

  if (value->is_null)
    {
      if (spec->flags & AUGUR_PARAM_NULLABLE)
        return TRUE;
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "%s: must not be null", spec->name);
      return FALSE;
    }

  if ((spec->flags & AUGUR_PARAM_PIXELS_IF_INT) && value->integers)
    lo = MAX (lo, 0), hi = MAX_PIXELS_VALUE;

  switch (spec->type)
    {
    case AUGUR_PARAM_BOOL:
      return TRUE;
    case AUGUR_PARAM_INT:
    case AUGUR_PARAM_NUMBER:
      return check_number (spec->name, value->v[0], lo, hi, error);
    case AUGUR_PARAM_INT_RANGE:
    case AUGUR_PARAM_RANGE:
    case AUGUR_PARAM_SIZE:
      return check_pair (spec, spec->name, value->v, lo, hi, error);
    case AUGUR_PARAM_XY_RANGE:
      {
        g_autofree char *x = g_strconcat (spec->name, ".x", NULL);
        g_autofree char *y = g_strconcat (spec->name, ".y", NULL);

        return check_pair (spec, x, value->v, lo, hi, error) &&
               check_pair (spec, y, value->v + 2, lo, hi, error);
      }
    case AUGUR_PARAM_ENUM:
      if (value->nick < 0 || value->nick >= (int) n_nicks (spec))
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "%s: no such choice", spec->name);
          return FALSE;
        }
      return TRUE;
    case AUGUR_PARAM_FILL:
      if (value->nick >= (int) n_nicks (spec))
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "%s: no such named fill", spec->name);
          return FALSE;
        }
      if (value->nick >= 0)
        return TRUE;
      if (value->n < 1 || value->n > 4)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "%s: a fill has 1 to 4 channel values, not %d", spec->name, value->n);
          return FALSE;
        }
      for (int i = 0; i < value->n; i++)
        if (!check_number (spec->name, value->v[i], lo, hi, error))
          return FALSE;
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static const char *
json_kind (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT: return "an object";
    case JSON_NODE_ARRAY:  return "an array";
    case JSON_NODE_NULL:   return "null";
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_BOOLEAN: return "a boolean";
        case G_TYPE_STRING:  return "a string";
        case G_TYPE_INT64:   return "an integer";
        default:             return "a number";
        }
    default:
      return "something else";
    }
}

static gboolean
is_number (JsonNode *node)
{
  GType t;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static gboolean
is_integer_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
read_number (const char  *name,
             JsonNode    *node,
             gboolean     integer,
             double      *out,
             GError     **error)
{
  if (!is_number (node))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "%s: expected %s, got %s", name,
                   integer ? "an integer" : "a number", json_kind (node));
      return FALSE;
    }
  *out = json_node_get_double (node);
  if (integer && *out != floor (*out))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "%s: expected an integer, got %.16g", name, *out);
      return FALSE;
    }
  return TRUE;
}

/* A [lo, hi] pair, or (SYMMETRIC) one number x meaning [-x, x]. */
static gboolean
read_pair (const AugurParamSpec  *spec,
           const char            *name,
           JsonNode              *node,
           gboolean               integer,
           double                *out,
           gboolean              *all_ints,
           GError               **error)
{
  JsonArray *array;

  if (is_number (node) && (spec->flags & AUGUR_PARAM_SYMMETRIC))
    {
      double x;

      if (!read_number (name, node, integer, &x, error))
        return FALSE;
      out[0] = -fabs (x);
      out[1] = fabs (x);
      *all_ints = is_integer_node (node);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) != 2)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "%s: expected a list of two %s%s, got %s", name,
                   integer ? "integers" : "numbers",
                   spec->flags & AUGUR_PARAM_SYMMETRIC ? " (or one number x for [-x, x])" : "",
                   JSON_NODE_HOLDS_ARRAY (node) ? "a list of another length" : json_kind (node));
      return FALSE;
    }

  array = json_node_get_array (node);
  *all_ints = TRUE;
  for (guint i = 0; i < 2; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *element_name = g_strdup_printf ("%s[%u]", name, i);

      if (!read_number (element_name, element, integer, &out[i], error))
        return FALSE;
      *all_ints = *all_ints && is_integer_node (element);
    }
  return TRUE;
}

gboolean
augur_param_from_json (const AugurParamSpec  *spec,
                       JsonNode              *node,
                       AugurValue            *value,
                       GError               **error)
{
  gboolean all_ints = FALSE;

  augur_param_default (spec, value);

  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (!(spec->flags & AUGUR_PARAM_NULLABLE))
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "%s: must not be null", spec->name);
          return FALSE;
        }
      value->is_null = TRUE;
      return TRUE;
    }
  value->is_null = FALSE;

  switch (spec->type)
    {
    case AUGUR_PARAM_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "%s: expected true or false, got %s", spec->name, json_kind (node));
          return FALSE;
        }
      value->v[0] = json_node_get_boolean (node) ? 1 : 0;
      break;

    case AUGUR_PARAM_INT:
    case AUGUR_PARAM_NUMBER:
      if (!read_number (spec->name, node, spec->type == AUGUR_PARAM_INT, &value->v[0], error))
        return FALSE;
      break;

    case AUGUR_PARAM_INT_RANGE:
    case AUGUR_PARAM_RANGE:
    case AUGUR_PARAM_SIZE:
      if (!read_pair (spec, spec->name, node, spec->type != AUGUR_PARAM_RANGE, value->v, &all_ints, error))
        return FALSE;
      if (spec->flags & AUGUR_PARAM_PIXELS_IF_INT)
        value->integers = all_ints;
      break;

    case AUGUR_PARAM_XY_RANGE:
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *object = json_node_get_object (node);
          static const char *const axes[] = { "x", "y" };

          if (json_object_get_size (object) != 2 ||
              !json_object_has_member (object, "x") || !json_object_has_member (object, "y"))
            {
              g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                           "%s: expected an object with exactly the members \"x\" and \"y\"", spec->name);
              return FALSE;
            }
          for (guint i = 0; i < 2; i++)
            {
              g_autofree char *axis_name = g_strconcat (spec->name, ".", axes[i], NULL);

              if (!read_pair (spec, axis_name, json_object_get_member (object, axes[i]), FALSE,
                              value->v + 2 * i, &all_ints, error))
                return FALSE;
            }
        }
      else if (is_number (node) && !(spec->flags & AUGUR_PARAM_SYMMETRIC))
        {
          value->v[0] = value->v[1] = value->v[2] = value->v[3] = json_node_get_double (node);
        }
      else if (JSON_NODE_HOLDS_ARRAY (node) || is_number (node))
        {
          if (!read_pair (spec, spec->name, node, FALSE, value->v, &all_ints, error))
            return FALSE;
          value->v[2] = value->v[0];
          value->v[3] = value->v[1];
        }
      else
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "%s: expected {\"x\": [lo, hi], \"y\": [lo, hi]}, one [lo, hi] for both, or a number; got %s",
                       spec->name, json_kind (node));
          return FALSE;
        }
      break;

    case AUGUR_PARAM_ENUM:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
          augur_param_nick_index (spec, json_node_get_string (node)) < 0)
        {
          g_autofree char *choices = nicks_list (spec);

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                         "%s: \"%s\" is not one of %s", spec->name, json_node_get_string (node), choices);
          else
            g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                         "%s: expected one of %s, got %s", spec->name, choices, json_kind (node));
          return FALSE;
        }
      value->nick = (gint8) augur_param_nick_index (spec, json_node_get_string (node));
      break;

    case AUGUR_PARAM_FILL:
      value->nick = -1;
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          int nick = augur_param_nick_index (spec, json_node_get_string (node));

          if (nick < 0)
            {
              g_autofree char *choices = nicks_list (spec);

              g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                           "%s: \"%s\" is not a number, a list of numbers%s%s", spec->name,
                           json_node_get_string (node), *choices ? " or one of " : "", choices);
              return FALSE;
            }
          value->nick = (gint8) nick;
        }
      else if (is_number (node))
        {
          value->n = 1;
          value->v[0] = json_node_get_double (node);
        }
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          guint len = json_array_get_length (array);

          if (len < 1 || len > 4)
            {
              g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                           "%s: a fill lists 1 to 4 channel values, not %u", spec->name, len);
              return FALSE;
            }
          value->n = (gint8) len;
          for (guint i = 0; i < len; i++)
            {
              g_autofree char *element_name = g_strdup_printf ("%s[%u]", spec->name, i);

              if (!read_number (element_name, json_array_get_element (array, i), FALSE, &value->v[i], error))
                return FALSE;
            }
        }
      else
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "%s: expected a number, a list of numbers or a name, got %s",
                       spec->name, json_kind (node));
          return FALSE;
        }
      break;

    default:
      g_assert_not_reached ();
    }

  return augur_param_check (spec, value, error);
}

static void
add_number (JsonBuilder *builder,
            double       v,
            gboolean     integer)
{
  if (integer)
    json_builder_add_int_value (builder, (gint64) v);
  else
    json_builder_add_double_value (builder, v);
}

static void
add_pair (JsonBuilder  *builder,
          const double *v,
          gboolean      integer)
{
  json_builder_begin_array (builder);
  add_number (builder, v[0], integer);
  add_number (builder, v[1], integer);
  json_builder_end_array (builder);
}

JsonNode *
augur_param_to_json (const AugurParamSpec *spec,
                     const AugurValue     *value)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (value->is_null)
    return json_node_new (JSON_NODE_NULL);

  switch (spec->type)
    {
    case AUGUR_PARAM_BOOL:
      return json_node_init_boolean (json_node_alloc (), value->v[0] != 0);
    case AUGUR_PARAM_INT:
      return json_node_init_int (json_node_alloc (), (gint64) value->v[0]);
    case AUGUR_PARAM_NUMBER:
      return json_node_init_double (json_node_alloc (), value->v[0]);
    case AUGUR_PARAM_INT_RANGE:
    case AUGUR_PARAM_SIZE:
      add_pair (builder, value->v, TRUE);
      break;
    case AUGUR_PARAM_RANGE:
      add_pair (builder, value->v, value->integers);
      break;
    case AUGUR_PARAM_XY_RANGE:
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "x");
      add_pair (builder, value->v, FALSE);
      json_builder_set_member_name (builder, "y");
      add_pair (builder, value->v + 2, FALSE);
      json_builder_end_object (builder);
      break;
    case AUGUR_PARAM_ENUM:
      return json_node_init_string (json_node_alloc (), spec->nicks[value->nick]);
    case AUGUR_PARAM_FILL:
      if (value->nick >= 0)
        return json_node_init_string (json_node_alloc (), spec->nicks[value->nick]);
      else if (value->n == 1)
        return json_node_init_double (json_node_alloc (), value->v[0]);
      else
        {
          json_builder_begin_array (builder);
          for (int i = 0; i < value->n; i++)
            json_builder_add_double_value (builder, value->v[i]);
          json_builder_end_array (builder);
        }
      break;
    default:
      g_assert_not_reached ();
    }

  return json_builder_get_root (builder);
}

JsonNode *
augur_param_default_json (const AugurParamSpec *spec)
{
  AugurValue value;

  augur_param_default (spec, &value);
  return augur_param_to_json (spec, &value);
}

gboolean
augur_param_equal (const AugurParamSpec *spec,
                   const AugurValue     *a,
                   const AugurValue     *b)
{
  if (a->is_null != b->is_null)
    return FALSE;
  if (a->is_null)
    return TRUE;

  switch (spec->type)
    {
    case AUGUR_PARAM_ENUM:
      return a->nick == b->nick;
    case AUGUR_PARAM_FILL:
      if (a->nick != b->nick)
        return FALSE;
      if (a->nick >= 0)
        return TRUE;
      if (a->n != b->n)
        return FALSE;
      for (int i = 0; i < a->n; i++)
        if (a->v[i] != b->v[i])
          return FALSE;
      return TRUE;
    default:
      if (a->integers != b->integers)
        return FALSE;
      for (guint i = 0; i < augur_param_n_values (spec); i++)
        if (a->v[i] != b->v[i])
          return FALSE;
      return TRUE;
    }
}

/**
 * augur_param_is_relevant:
 * @specs: a transform's parameters
 * @values: their current values
 * @index: the parameter asked about
 *
 * Whether parameter @index takes effect under the current values of the
 * others, as its spec declares (@relevant_if, @relevant_nicks,
 * @relevant_unless). A parameter that declares nothing, or names a
 * parameter the transform does not have, is always relevant.
 */
gboolean
augur_param_is_relevant (const AugurParamSpec *specs,
                         guint                 n_specs,
                         const AugurValue     *values,
                         guint                 index)
{
  const AugurParamSpec *spec;
  const AugurParamSpec *other = NULL;
  const AugurValue *value = NULL;
  gboolean holds = FALSE;

  g_return_val_if_fail (specs != NULL && values != NULL, TRUE);
  g_return_val_if_fail (index < n_specs, TRUE);

  spec = &specs[index];
  if (spec->relevant_if == NULL)
    return TRUE;
  for (guint i = 0; i < n_specs && other == NULL; i++)
    if (i != index && g_strcmp0 (specs[i].name, spec->relevant_if) == 0)
      {
        other = &specs[i];
        value = &values[i];
      }
  if (other == NULL)
    return TRUE;

  if (spec->relevant_nicks == NULL)
    holds = !value->is_null && value->v[0] != 0;
  else if (value->nick >= 0 && other->nicks != NULL)
    for (guint i = 0; spec->relevant_nicks[i] != NULL && !holds; i++)
      holds = g_strcmp0 (other->nicks[value->nick], spec->relevant_nicks[i]) == 0;

  return spec->relevant_unless ? !holds : holds;
}

/**
 * augur_param_describe_relevance:
 *
 * When the parameter takes effect, in words ("only when border_mode is
 * constant"), from its declared relevance.
 *
 * Returns: (transfer full) (nullable): the text, or NULL when it always does
 */
char *
augur_param_describe_relevance (const AugurParamSpec *spec)
{
  g_autofree char *nicks = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  if (spec->relevant_if == NULL)
    return NULL;
  if (spec->relevant_nicks == NULL)
    return g_strdup_printf ("only when %s is %s", spec->relevant_if,
                            spec->relevant_unless ? "false" : "true");
  nicks = g_strjoinv (" or ", (char **) spec->relevant_nicks);
  return g_strdup_printf ("only when %s is %s%s", spec->relevant_if,
                          spec->relevant_unless ? "not " : "", nicks);
}
