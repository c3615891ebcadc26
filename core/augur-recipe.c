/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "augur-error.h"
#include "augur-file.h"
#include "augur-group.h"
#include "augur-recipe.h"

/* Recipes --------------------------------------------------------------------- */

AugurRecipe *
augur_recipe_new (void)
{
  AugurRecipe *recipe = g_new0 (AugurRecipe, 1);

  recipe->seed = 0;
  recipe->pipeline = augur_node_new_group (AUGUR_NODE_SEQUENTIAL);
  augur_node_ensure_ids (recipe->pipeline);
  return recipe;
}

AugurRecipe *
augur_recipe_copy (const AugurRecipe *recipe)
{
  AugurRecipe *copy = g_new0 (AugurRecipe, 1);

  copy->seed = recipe->seed;
  copy->pipeline = augur_node_copy (recipe->pipeline);
  copy->description = g_strdup (recipe->description);
  copy->labels = recipe->labels ? augur_label_params_copy (recipe->labels) : NULL;
  return copy;
}

void
augur_recipe_free (AugurRecipe *recipe)
{
  if (recipe == NULL)
    return;
  augur_node_free (recipe->pipeline);
  g_free (recipe->description);
  augur_label_params_free (recipe->labels);
  g_free (recipe);
}

gboolean
augur_recipe_equal (const AugurRecipe *a,
                    const AugurRecipe *b)
{
  return a->seed == b->seed &&
         g_strcmp0 (a->description, b->description) == 0 &&
         augur_node_equal (a->pipeline, b->pipeline) &&
         augur_label_params_equal (a->labels, b->labels);
}

/* Recipe → JSON ------------------------------------------------------------------ */

JsonNode *
augur_node_to_json (const AugurNode *node)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, augur_node_type_name (node));
  if (node->id)
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, node->id);
    }
  json_builder_set_member_name (builder, "p");
  json_builder_add_double_value (builder, node->p);
  if (!node->enabled)
    {
      json_builder_set_member_name (builder, "enabled");
      json_builder_add_boolean_value (builder, FALSE);
    }

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      if (node->info->n_params > 0)
        {
          json_builder_set_member_name (builder, "params");
          json_builder_begin_object (builder);
          for (guint i = 0; i < node->info->n_params; i++)
            {
              json_builder_set_member_name (builder, node->info->params[i].name);
              json_builder_add_value (builder, augur_param_to_json (&node->info->params[i], &node->params[i]));
            }
          json_builder_end_object (builder);
        }
    }
  else
    {
      if (augur_group_info (node->kind)->has_count)
        {
          json_builder_set_member_name (builder, "n");
          json_builder_add_int_value (builder, node->n);
          json_builder_set_member_name (builder, "replace");
          json_builder_add_boolean_value (builder, node->replace);
        }
      json_builder_set_member_name (builder, "steps");
      json_builder_begin_array (builder);
      for (guint i = 0; i < node->children->len; i++)
        json_builder_add_value (builder, augur_node_to_json (node->children->pdata[i]));
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
augur_recipe_to_json (const AugurRecipe *recipe)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(AugurNode) named = NULL;
  const AugurNode *pipeline = recipe->pipeline;

  /* A saved recipe names every step: those built without an id get the
   * one they already sample with (augur_node_ensure_ids()). */
  if (!augur_node_has_ids (pipeline))
    {
      named = augur_node_copy (pipeline);
      augur_node_ensure_ids (named);
      pipeline = named;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, AUGUR_RECIPE_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, AUGUR_RECIPE_VERSION);
  if (recipe->description != NULL)
    {
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, recipe->description);
    }
  /* Seeds are 53-bit so that every JSON reader keeps them exact; a larger
   * one could not be read back. */
  g_warn_if_fail (recipe->seed <= AUGUR_SEED_MASK);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) (recipe->seed & AUGUR_SEED_MASK));
  json_builder_set_member_name (builder, "pipeline");
  json_builder_add_value (builder, augur_node_to_json (pipeline));
  if (recipe->labels)
    augur_label_params_to_json (recipe->labels, builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

char *
augur_recipe_to_string (const AugurRecipe *recipe)
{
  g_autoptr(JsonNode) root = augur_recipe_to_json (recipe);

  return augur_json_to_string (root, TRUE);
}

gboolean
augur_recipe_save (const AugurRecipe  *recipe,
                   const char         *path,
                   GError            **error)
{
  g_autofree char *text = augur_recipe_to_string (recipe);

  if (!augur_file_write_atomic (path, text, strlen (text), error))
    {
      g_prefix_error (error, "could not save recipe: ");
      return FALSE;
    }
  return TRUE;
}

/* JSON → recipe: strict --------------------------------------------------------------- */

static gboolean
fail (GError     **error,
      const char  *where,
      const char  *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError     **error,
      const char  *where,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "%s: %s", where, message);
  return FALSE;
}

static gboolean
check_members (JsonObject         *object,
               const char *const  *allowed,
               const char         *where,
               const char         *what,
               GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *list = g_strjoinv ("\", \"", (char **) allowed);

        return fail (error, where, "unknown field \"%s\" (a %s has \"%s\")",
                     (char *) l->data, what, list);
      }
  return TRUE;
}

static gboolean
get_bool (JsonObject  *object,
          const char  *name,
          gboolean    *out,
          const char  *where,
          GError     **error)
{
  JsonNode *member = json_object_get_member (object, name);

  if (member == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
    return fail (error, where, "%s: expected true or false", name);
  *out = json_node_get_boolean (member);
  return TRUE;
}

static gboolean
get_number (JsonObject  *object,
            const char  *name,
            double       lo,
            double       hi,
            gboolean     integer,
            double      *out,
            const char  *where,
            GError     **error)
{
  JsonNode *member = json_object_get_member (object, name);
  GType t;

  if (member == NULL)
    return TRUE;
  t = JSON_NODE_HOLDS_VALUE (member) ? json_node_get_value_type (member) : G_TYPE_INVALID;
  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    return fail (error, where, "%s: expected %s", name, integer ? "an integer" : "a number");
  *out = json_node_get_double (member);
  if (integer && *out != floor (*out))
    return fail (error, where, "%s: expected an integer, got %.16g", name, *out);
  if (!isfinite (*out) || *out < lo || *out > hi)
    {
      /* As written: an integer is quoted exactly, not rounded to a double. */
      if (t == G_TYPE_INT64)
        return fail (error, where, "%s: %" G_GINT64_FORMAT " is out of range [%.16g, %.16g]",
                     name, json_node_get_int (member), lo, hi);
      return fail (error, where, "%s: %.16g is out of range [%.16g, %.16g]", name, *out, lo, hi);
    }
  return TRUE;
}

/* An optional "id": checked, and unique among the ids @seen so far (each
 * mapped to the step that holds it). */
static gboolean
get_id (JsonObject  *object,
        AugurNode   *node,
        GHashTable  *seen,
        const char  *where,
        GError     **error)
{
  JsonNode *member = json_object_get_member (object, "id");
  const char *id, *other;

  if (member == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return fail (error, where, "id: expected a string");
  id = json_node_get_string (member);
  if (!augur_node_id_check (id, error))
    {
      g_prefix_error (error, "%s: ", where);
      return FALSE;
    }
  other = g_hash_table_lookup (seen, id);
  if (other != NULL)
    return fail (error, where, "id: \"%s\" is already the id of %s (ids are unique in a recipe)",
                 id, other);
  node->id = g_strdup (id);
  g_hash_table_insert (seen, node->id, g_strdup (where));
  return TRUE;
}

static AugurNode *
node_from_json (JsonNode    *json,
                const char  *where,
                guint        depth,
                GHashTable  *seen,
                GError     **error)
{
  static const char *const transform_fields[] = { "type", "id", "p", "enabled", "params", NULL };
  g_autoptr(AugurNode) node = NULL;
  g_autofree char *here = NULL;
  JsonObject *object;
  JsonNode *member;
  const char *type;
  const AugurGroupInfo *group;
  double p = -1;

  if (depth > AUGUR_RECIPE_MAX_DEPTH)
    {
      fail (error, where, "nested deeper than %d levels", AUGUR_RECIPE_MAX_DEPTH);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json))
    {
      fail (error, where, "expected a step (an object with a \"type\")");
      return NULL;
    }
  object = json_node_get_object (json);

  member = json_object_get_member (object, "type");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    {
      fail (error, where, "type: missing, or not a string");
      return NULL;
    }
  type = json_node_get_string (member);
  here = g_strdup_printf ("%s (%s)", where, type);

  if ((group = augur_group_lookup (type)) != NULL)
    {
      JsonArray *steps;

      if (!check_members (object, group->fields, here, "group", error))
        return NULL;

      node = augur_node_new_group (group->kind);
      if (!get_id (object, node, seen, here, error))
        return NULL;

      member = json_object_get_member (object, "steps");
      if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
        {
          fail (error, here, "steps: missing, or not a list");
          return NULL;
        }
      steps = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (steps); i++)
        {
          g_autofree char *child_where = g_strdup_printf ("%s.steps[%u]", where, i);
          AugurNode *child = node_from_json (json_array_get_element (steps, i), child_where,
                                             depth + 1, seen, error);

          if (child == NULL)
            return NULL;
          augur_node_append (node, child);
        }

      if (group->has_count)
        {
          double n = augur_group_default_n (group, node->children->len);

          if (!get_number (object, "n", group->n_min, group->n_max, TRUE, &n, here, error) ||
              !get_bool (object, "replace", &node->replace, here, error))
            return NULL;
          node->n = (int) n;
        }
    }
  else
    {
      const AugurTransformInfo *info = augur_transform_lookup (type);

      if (info == NULL)
        {
          fail (error, where, "type: unknown transform \"%s\" (augur-cli list shows them all)", type);
          return NULL;
        }
      if (!check_members (object, transform_fields, here, "transform step", error))
        return NULL;

      node = augur_node_new_transform (info);
      if (!get_id (object, node, seen, here, error))
        return NULL;

      member = json_object_get_member (object, "params");
      if (member != NULL)
        {
          JsonObject *params;
          g_autoptr(GList) names = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (member))
            {
              fail (error, here, "params: expected an object");
              return NULL;
            }
          params = json_node_get_object (member);
          names = json_object_get_members (params);
          for (GList *l = names; l; l = l->next)
            {
              int i = augur_transform_param_index (info, l->data);

              if (i < 0)
                {
                  GString *known = g_string_new (NULL);

                  for (guint j = 0; j < info->n_params; j++)
                    g_string_append_printf (known, "%s%s", j ? ", " : "", info->params[j].name);
                  fail (error, here, "params.%s: %s has no such parameter (it has: %s)",
                        (char *) l->data, info->name, known->len ? known->str : "none");
                  g_string_free (known, TRUE);
                  return NULL;
                }
              if (!augur_param_from_json (&info->params[i], json_object_get_member (params, l->data),
                                          &node->params[i], error))
                {
                  g_prefix_error (error, "%s: params.", here);
                  return NULL;
                }
            }
        }

      if (info->check && !info->check (node->params, error))
        {
          g_prefix_error (error, "%s: params: ", here);
          return NULL;
        }
    }

  /* p defaults to 1.0 in a recipe (the file always writes it). */
  p = 1.0;
  if (!get_number (object, "p", 0, 1, FALSE, &p, here, error) ||
      !get_bool (object, "enabled", &node->enabled, here, error))
    return NULL;
  node->p = p;

  return g_steal_pointer (&node);
}

/* The most transforms one sample of @node can apply, as a double so that
 * it cannot overflow. Disabled nodes count too: the GUI can enable them. */
static double
max_applications (const AugurNode *node)
{
  g_autoptr(GArray) works = NULL;
  double total = 0, most = 0;
  guint n;

  if (node->kind == AUGUR_NODE_TRANSFORM)
    return 1;

  works = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < node->children->len; i++)
    {
      double w = max_applications (node->children->pdata[i]);

      g_array_append_val (works, w);
      total += w;
      most = MAX (most, w);
    }

  switch (node->kind)
    {
    case AUGUR_NODE_SEQUENTIAL:
      return total;
    case AUGUR_NODE_ONE_OF:
      return most;
    case AUGUR_NODE_SOME_OF:
    case AUGUR_NODE_RANDOM_ORDER:
      n = (guint) MAX (node->n, 0);
      if (node->replace)
        return n * most;
      /* Without replacement: at worst the n costliest children. */
      if (n >= works->len)
        return total;
      {
        double sum = 0;

        for (guint k = 0; k < n; k++)
          {
            guint best = 0;

            for (guint i = 1; i < works->len; i++)
              if (g_array_index (works, double, i) > g_array_index (works, double, best))
                best = i;
            sum += g_array_index (works, double, best);
            g_array_index (works, double, best) = -1;
          }
        return sum;
      }
    case AUGUR_NODE_TRANSFORM:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
check_applications (const AugurNode  *node,
                    const char       *where,
                    GError          **error)
{
  double most = max_applications (node);

  if (most > AUGUR_RECIPE_MAX_APPLICATIONS)
    return fail (error, where, "one image could go through %.0f transforms, over the limit of %d "
                 "(nested SomeOf or RandomOrder with replacement multiply)",
                 most, AUGUR_RECIPE_MAX_APPLICATIONS);
  return TRUE;
}

AugurNode *
augur_node_from_json (JsonNode    *json,
                      const char  *where,
                      GError     **error)
{
  g_autoptr(AugurNode) node = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_return_val_if_fail (json != NULL, NULL);

  if (where == NULL)
    where = "pipeline";
  node = node_from_json (json, where, 1, seen, error);
  if (node == NULL || !check_applications (node, where, error))
    return NULL;
  augur_node_ensure_ids (node);
  return g_steal_pointer (&node);
}

AugurRecipe *
augur_recipe_from_json (JsonNode  *root,
                        GError   **error)
{
  static const char *const fields[] = { "format", "version", "description", "seed", "pipeline",
                                        "bbox_params", "keypoint_params", NULL };
  g_autoptr(AugurRecipe) recipe = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  JsonObject *object;
  JsonNode *member;
  double seed = 0;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (error, "recipe", "expected an object");
      return NULL;
    }
  object = json_node_get_object (root);

  member = json_object_get_member (object, "format");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING ||
      !g_str_equal (json_node_get_string (member), AUGUR_RECIPE_FORMAT))
    {
      if (json_object_has_member (object, "__version__") || json_object_has_member (object, "transform"))
        fail (error, "format", "this is an Albumentations file, not an Augur recipe");
      else
        fail (error, "format", "expected \"%s\"", AUGUR_RECIPE_FORMAT);
      return NULL;
    }

  member = json_object_get_member (object, "version");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64)
    {
      fail (error, "version", "missing, or not an integer");
      return NULL;
    }
  if (json_node_get_int (member) != AUGUR_RECIPE_VERSION)
    {
      fail (error, "version", "%" G_GINT64_FORMAT " is not supported (this Augur reads version %d%s)",
            json_node_get_int (member), AUGUR_RECIPE_VERSION,
            json_node_get_int (member) > AUGUR_RECIPE_VERSION ? "; the file was written by a newer Augur" : "");
      return NULL;
    }

  if (!check_members (object, fields, "recipe", "recipe", error))
    return NULL;

  recipe = g_new0 (AugurRecipe, 1);
  if (!get_number (object, "seed", 0, (double) AUGUR_SEED_MASK, TRUE, &seed, "recipe", error))
    return NULL;
  recipe->seed = (guint64) seed;

  member = json_object_get_member (object, "description");
  if (member != NULL)
    {
      const char *text;

      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
        {
          fail (error, "description", "expected a string");
          return NULL;
        }
      text = json_node_get_string (member);
      if (strlen (text) > AUGUR_RECIPE_MAX_DESCRIPTION)
        {
          fail (error, "description", "longer than %d bytes", AUGUR_RECIPE_MAX_DESCRIPTION);
          return NULL;
        }
      recipe->description = g_strdup (text);
    }

  member = json_object_get_member (object, "pipeline");
  if (member == NULL)
    {
      fail (error, "pipeline", "missing");
      return NULL;
    }
  recipe->pipeline = node_from_json (member, "pipeline", 1, seen, error);
  if (recipe->pipeline == NULL)
    return NULL;
  if (recipe->pipeline->kind == AUGUR_NODE_TRANSFORM)
    {
      g_autoptr(GString) kinds = g_string_new (NULL);
      const AugurGroupInfo *groups;
      guint n_groups;

      groups = augur_groups_list (&n_groups);
      for (guint i = 0; i < n_groups; i++)
        g_string_append_printf (kinds, "%s%s", i == 0 ? "" : i + 1 == n_groups ? " or " : ", ", groups[i].name);
      fail (error, "pipeline", "must be a group (%s)", kinds->str);
      return NULL;
    }
  if (!check_applications (recipe->pipeline, "pipeline", error))
    return NULL;
  /* Steps without an id (files written before ids) get the same ones on
   * every read, so they draw the same every time. */
  augur_node_ensure_ids (recipe->pipeline);

  if (!augur_label_params_from_json (object, &recipe->labels, error))
    return NULL;

  return g_steal_pointer (&recipe);
}

AugurRecipe *
augur_recipe_parse (const char  *data,
                    gssize       length,
                    GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  root = augur_json_parse_limited (data, length, AUGUR_RECIPE_MAX_BYTES,
                                   AUGUR_RECIPE_MAX_DEPTH * 2 + 4, error);
  if (root == NULL)
    return NULL;
  return augur_recipe_from_json (root, error);
}

/* Reads at most @max + 1 bytes: a huge file, or a device that never ends,
 * is refused without reading it all. */
static char *
read_capped (const char  *path,
             gsize        max,
             gsize       *length,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree char *data = NULL;
  gsize n = 0;

  /* Only a regular file: opening a FIFO would block until a writer came,
   * and a device could be read for ever. */
  {
    GStatBuf st;

    if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode))
      {
        g_set_error (error, G_FILE_ERROR, S_ISDIR (st.st_mode) ? G_FILE_ERROR_ISDIR : G_FILE_ERROR_INVAL,
                     "not a regular file");
        return NULL;
      }
  }

  stream = g_file_read (file, NULL, error);
  if (stream == NULL)
    return NULL;

  data = g_malloc (max + 2);
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), data, max + 1, &n, NULL, error))
    return NULL;
  if (n > max)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                   "over the recipe limit of %" G_GSIZE_FORMAT " bytes", max);
      return NULL;
    }

  data[n] = '\0';
  *length = n;
  return g_steal_pointer (&data);
}

AugurRecipe *
augur_recipe_load (const char  *path,
                   GError     **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  AugurRecipe *recipe;

  g_return_val_if_fail (path != NULL, NULL);

  data = read_capped (path, AUGUR_RECIPE_MAX_BYTES, &len, error);
  if (data == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  recipe = augur_recipe_parse (data, (gssize) len, error);
  if (recipe == NULL)
    g_prefix_error (error, "%s: ", path);
  return recipe;
}
