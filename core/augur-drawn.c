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

/* A number as a person reads it: whole numbers without decimals, others to
 * three significant digits (1.23, 12.3, 123), never in exponent form. */
static void
append_readable (GString  *s,
                 double    v,
                 gboolean  signed_)
{
  if (v == 0)
    v = 0;  /* no "-0" */
  if (signed_ && v > 0)
    g_string_append_c (s, '+');
  if (fabs (v - round (v)) < 1e-9 || fabs (v) >= 100)
    g_string_append_printf (s, "%.0f", v);
  else if (fabs (v) >= 10)
    g_string_append_printf (s, "%.1f", v);
  else if (fabs (v) >= 1)
    g_string_append_printf (s, "%.2f", v);
  else
    g_string_append_printf (s, "%.3g", v);
}

/* A unit made of letters ("px") stands apart from its number; a sign
 * ("°", "%") is written against it. */
static void
append_unit (GString    *s,
             const char *unit)
{
  if (unit == NULL || *unit == '\0')
    return;
  if (g_ascii_isalpha (unit[0]))
    g_string_append_c (s, ' ');
  g_string_append (s, unit);
}

static void
append_scaled (GString              *s,
               const AugurDrawnSpec *spec,
               double                v)
{
  append_readable (s, v * (spec->scale != 0 ? spec->scale : 1.0) + spec->offset, spec->signed_);
  append_unit (s, spec->unit);
}

/* "hole|holes": the form for @n. */
static void
append_noun (GString    *s,
             const char *forms,
             guint       n)
{
  const char *bar = forms ? strchr (forms, '|') : NULL;

  if (forms == NULL)
    return;
  g_string_append_c (s, ' ');
  if (bar == NULL)
    g_string_append (s, forms);
  else if (n == 1)
    g_string_append_len (s, forms, bar - forms);
  else
    g_string_append (s, bar + 1);
}

static void
append_value (GString               *s,
              const AugurDrawnSpec  *spec,
              const double          *values,
              guint                  n)
{
  switch (spec->show)
    {
    case AUGUR_DRAWN_SHOW_HIDDEN:
      g_assert_not_reached ();
      break;

    case AUGUR_DRAWN_SHOW_NUMBER:
      if (n == 0)
        g_string_append (s, "none");
      else if (values[0] == 0 && spec->zero_text != NULL)
        g_string_append (s, spec->zero_text);
      else
        append_scaled (s, spec, values[0]);
      break;

    case AUGUR_DRAWN_SHOW_CHOICE:
      {
        guint count = 0;
        double v = n > 0 ? values[0] : -1;

        while (spec->choices != NULL && spec->choices[count] != NULL)
          count++;
        if (v >= 0 && v < count && v == floor (v))
          g_string_append (s, spec->choices[(guint) v]);
        else
          append_readable (s, v, FALSE);
      }
      break;

    case AUGUR_DRAWN_SHOW_COUNT:
      {
        /* (@scale: 0.25 for records of four numbers, a partial one not
         * counted; @offset: a list of n + 1 cell edges holds n cells) */
        double counted = floor (n * (spec->scale != 0 ? spec->scale : 1.0) + 1e-9) + spec->offset;
        guint records = counted > 0 ? (guint) counted : 0;

        g_string_append_printf (s, "%u", records);
        append_noun (s, spec->unit, records);
      }
      break;

    case AUGUR_DRAWN_SHOW_SPAN:
      {
        double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;

        if (n == 0)
          {
            g_string_append (s, "none");
            break;
          }
        for (guint i = 0; i < n; i++)
          {
            lo = MIN (lo, values[i]);
            hi = MAX (hi, values[i]);
          }
        append_scaled (s, spec, lo);
        if (hi != lo)
          {
            g_string_append (s, " to ");
            append_scaled (s, spec, hi);
          }
      }
      break;
    }
}

/**
 * augur_drawn_format:
 * @specs: (nullable): the transform's declared values
 *
 * The values of one application in the user's terms, as the table declares
 * them (see #AugurDrawnSpec): "Sigma 1.25 px, Kernel size auto". Values
 * declared hidden are left out; values the table does not declare are
 * shown by name.
 *
 * Returns: (transfer full): the text, "" when nothing shown was drawn
 */
char *
augur_drawn_format (const AugurDrawn     *drawn,
                    const AugurDrawnSpec *specs)
{
  GString *s = g_string_new (NULL);
  gboolean shown[AUGUR_DRAWN_MAX] = { FALSE };

  for (const AugurDrawnSpec *spec = specs; spec && spec->name; spec++)
    for (guint i = 0; i < drawn->n_entries; i++)
      {
        const AugurDrawnEntry *entry = &drawn->entries[i];

        if (shown[i] || !g_str_equal (entry->name, spec->name))
          continue;
        shown[i] = TRUE;
        if (spec->show == AUGUR_DRAWN_SHOW_HIDDEN)
          continue;
        if (s->len > 0)
          g_string_append (s, ", ");
        if (spec->show != AUGUR_DRAWN_SHOW_COUNT || spec->unit == NULL)
          {
            g_string_append (s, spec->label ? spec->label : spec->name);
            g_string_append_c (s, ' ');
          }
        append_value (s, spec, &g_array_index (drawn->values, double, entry->offset), entry->n);
      }

  /* Anything the table does not declare: by name, as a plain number or list. */
  for (guint i = 0; i < drawn->n_entries; i++)
    {
      const AugurDrawnEntry *entry = &drawn->entries[i];
      AugurDrawnSpec plain = { .name = entry->name,
                               .show = entry->list ? AUGUR_DRAWN_SHOW_SPAN : AUGUR_DRAWN_SHOW_NUMBER };

      if (shown[i])
        continue;
      if (s->len > 0)
        g_string_append (s, ", ");
      g_string_append_printf (s, "%s ", entry->name);
      append_value (s, &plain, &g_array_index (drawn->values, double, entry->offset), entry->n);
    }

  return g_string_free (s, FALSE);
}

/**
 * augur_drawn_describe_specs:
 * @specs: (nullable): a transform's declared values
 *
 * What one application draws, in words, for a reference page: "sigma
 * (Sigma, px), ksize (Kernel size, px; 0 means auto)". Hidden values are
 * left out.
 *
 * Returns: (transfer full): the text, "" when nothing shown is drawn
 */
char *
augur_drawn_describe_specs (const AugurDrawnSpec *specs)
{
  GString *s = g_string_new (NULL);

  for (const AugurDrawnSpec *spec = specs; spec && spec->name; spec++)
    {
      g_autoptr(GPtrArray) parts = g_ptr_array_new ();

      if (spec->show == AUGUR_DRAWN_SHOW_HIDDEN)
        continue;
      if (s->len > 0)
        g_string_append (s, ", ");
      g_string_append (s, spec->name);
      if (spec->label != NULL)
        g_ptr_array_add (parts, (gpointer) spec->label);
      if (spec->show == AUGUR_DRAWN_SHOW_COUNT)
        g_ptr_array_add (parts, (gpointer) "shown as a count");
      else if (spec->show == AUGUR_DRAWN_SHOW_SPAN)
        g_ptr_array_add (parts, (gpointer) "a list, shown as its span");
      else if (spec->show == AUGUR_DRAWN_SHOW_CHOICE)
        g_ptr_array_add (parts, (gpointer) "one of a set, shown by name");
      if (spec->unit != NULL && spec->show != AUGUR_DRAWN_SHOW_COUNT)
        g_ptr_array_add (parts, (gpointer) spec->unit);
      if (parts->len > 0 || spec->zero_text != NULL)
        {
          g_string_append (s, " (");
          for (guint i = 0; i < parts->len; i++)
            g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", (const char *) parts->pdata[i]);
          if (spec->zero_text != NULL)
            g_string_append_printf (s, "%s0 means %s", parts->len > 0 ? "; " : "", spec->zero_text);
          g_string_append_c (s, ')');
        }
    }
  return g_string_free (s, FALSE);
}
