/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-drawn.h"
#include "augur-error.h"

void
augur_drawn_init (AugurDrawn *drawn)
{
  memset (drawn, 0, sizeof *drawn);
}

void
augur_drawn_clear (AugurDrawn *drawn)
{
  g_clear_pointer (&drawn->values, g_array_unref);
  drawn->n_entries = 0;
}

void
augur_drawn_copy (const AugurDrawn *src,
                  AugurDrawn       *dest)
{
  *dest = *src;
  if (src->values)
    {
      dest->values = g_array_sized_new (FALSE, FALSE, sizeof (double), src->values->len);
      g_array_append_vals (dest->values, src->values->data, src->values->len);
    }
}

static AugurDrawnEntry *
find (const AugurDrawn *drawn,
      const char       *name)
{
  for (guint i = 0; i < drawn->n_entries; i++)
    if (g_str_equal (drawn->entries[i].name, name))
      return (AugurDrawnEntry *) &drawn->entries[i];
  return NULL;
}

static void
set_values (AugurDrawn   *drawn,
            const char   *name,
            const double *values,
            guint         n,
            gboolean      list)
{
  AugurDrawnEntry *entry;

  g_return_if_fail (find (drawn, name) == NULL);
  g_return_if_fail (drawn->n_entries < AUGUR_DRAWN_MAX);

  if (drawn->values == NULL)
    drawn->values = g_array_new (FALSE, FALSE, sizeof (double));

  entry = &drawn->entries[drawn->n_entries++];
  entry->name = g_intern_string (name);
  entry->offset = drawn->values->len;
  entry->n = n;
  entry->list = list;
  g_array_append_vals (drawn->values, values, n);
}

void
augur_drawn_set (AugurDrawn *drawn,
                 const char *name,
                 double      value)
{
  set_values (drawn, name, &value, 1, FALSE);
}

void
augur_drawn_set_list (AugurDrawn   *drawn,
                      const char   *name,
                      const double *values,
                      guint         n)
{
  set_values (drawn, name, values, n, TRUE);
}

gboolean
augur_drawn_has (const AugurDrawn *drawn,
                 const char       *name)
{
  return find (drawn, name) != NULL;
}

/* The value @name; a transform asks only for what its own sample wrote
 * (a replay read from a file has been checked against the spec). */
double
augur_drawn_get (const AugurDrawn *drawn,
                 const char       *name)
{
  AugurDrawnEntry *entry = find (drawn, name);

  g_return_val_if_fail (entry != NULL && entry->n >= 1, 0.0);
  return g_array_index (drawn->values, double, entry->offset);
}

const double *
augur_drawn_get_list (const AugurDrawn *drawn,
                      const char       *name,
                      guint            *n)
{
  AugurDrawnEntry *entry = find (drawn, name);

  *n = 0;
  g_return_val_if_fail (entry != NULL, NULL);
  *n = entry->n;
  return entry->n ? &g_array_index (drawn->values, double, entry->offset) : NULL;
}

static void
add_entry (JsonBuilder           *builder,
           const AugurDrawn      *drawn,
           const AugurDrawnEntry *entry)
{
  /* No pointer into an empty array (its data are NULL: NULL + 0 is
   * undefined, as UBSan says). */
  const double *v = entry->n ? &g_array_index (drawn->values, double, entry->offset) : NULL;

  json_builder_set_member_name (builder, entry->name);
  if (entry->list)
    {
      json_builder_begin_array (builder);
      for (guint j = 0; j < entry->n; j++)
        json_builder_add_double_value (builder, v[j]);
      json_builder_end_array (builder);
    }
  else
    json_builder_add_double_value (builder, v[0]);
}

/**
 * augur_drawn_to_json:
 * @specs: (nullable): the transform's declared values
 *
 * The values as a JSON object, in the order @specs declares them (then any
 * others in the order drawn), so that a replay read back and written again
 * gives the same text whatever order `sample` drew in.
 */
JsonNode *
augur_drawn_to_json (const AugurDrawn     *drawn,
                     const AugurDrawnSpec *specs)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean written[AUGUR_DRAWN_MAX] = { FALSE };

  json_builder_begin_object (builder);
  for (const AugurDrawnSpec *spec = specs; spec && spec->name; spec++)
    for (guint i = 0; i < drawn->n_entries; i++)
      if (!written[i] && g_str_equal (drawn->entries[i].name, spec->name))
        {
          add_entry (builder, drawn, &drawn->entries[i]);
          written[i] = TRUE;
        }
  for (guint i = 0; i < drawn->n_entries; i++)
    if (!written[i])
      add_entry (builder, drawn, &drawn->entries[i]);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
read_value (JsonNode             *node,
            const AugurDrawnSpec *spec,
            double               *out,
            GError              **error)
{
  GType t = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                   "values.%s: expected a number", spec->name);
      return FALSE;
    }
  *out = json_node_get_double (node);
  if (!isfinite (*out) || *out < spec->min || *out > spec->max)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                   "values.%s: %g is outside [%g, %g]", spec->name, *out, spec->min, spec->max);
      return FALSE;
    }
  return TRUE;
}

/* Reads a replay's values, checked against what the transform declares. */
gboolean
augur_drawn_from_json (JsonNode             *node,
                       const AugurDrawnSpec *specs,
                       AugurDrawn           *drawn,
                       GError              **error)
{
  JsonObject *object;
  guint n_specs = 0;

  augur_drawn_init (drawn);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY, "values: expected an object");
      return FALSE;
    }
  object = json_node_get_object (node);

  for (const AugurDrawnSpec *spec = specs; spec && spec->name; spec++, n_specs++)
    {
      if (n_specs >= AUGUR_DRAWN_MAX)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                       "values: the transform declares more than %d values", AUGUR_DRAWN_MAX);
          goto fail;
        }

      JsonNode *member = json_object_get_member (object, spec->name);

      if (member == NULL)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                       "values.%s: missing", spec->name);
          goto fail;
        }

      if (spec->list)
        {
          JsonArray *array;
          g_autoptr(GArray) values = NULL;

          if (!JSON_NODE_HOLDS_ARRAY (member))
            {
              g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                           "values.%s: expected a list of numbers", spec->name);
              goto fail;
            }
          array = json_node_get_array (member);
          if (spec->list_group > 0 && json_array_get_length (array) % spec->list_group != 0)
            {
              g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                           "values.%s: %u numbers, not a whole number of records of %u",
                           spec->name, json_array_get_length (array), spec->list_group);
              goto fail;
            }
          if (spec->list_max > 0 && json_array_get_length (array) > spec->list_max)
            {
              g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                           "values.%s: %u numbers, more than the %u the transform can draw",
                           spec->name, json_array_get_length (array), spec->list_max);
              goto fail;
            }
          values = g_array_sized_new (FALSE, FALSE, sizeof (double), json_array_get_length (array));
          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              double v;

              if (!read_value (json_array_get_element (array, i), spec, &v, error))
                goto fail;
              g_array_append_val (values, v);
            }
          augur_drawn_set_list (drawn, spec->name, (double *) values->data, values->len);
        }
      else
        {
          double v;

          if (!read_value (member, spec, &v, error))
            goto fail;
          augur_drawn_set (drawn, spec->name, v);
        }
    }

  if (json_object_get_size (object) != n_specs)
    {
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l; l = l->next)
        {
          gboolean known = FALSE;

          for (const AugurDrawnSpec *spec = specs; spec && spec->name && !known; spec++)
            known = g_str_equal (spec->name, l->data);
          if (!known)
            {
              g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                           "values.%s: the transform draws no such value", (const char *) l->data);
              goto fail;
            }
        }
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                   "values: has %u members, the transform draws %u",
                   json_object_get_size (object), n_specs);
      goto fail;
    }

  return TRUE;

fail:
  augur_drawn_clear (drawn);
  return FALSE;
}
