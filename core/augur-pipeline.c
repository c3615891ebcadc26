/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <string.h>

#include "augur-error.h"
#include "augur-pipeline.h"

static const char *const kind_names[] = {
  [AUGUR_NODE_TRANSFORM]    = "Transform",
  [AUGUR_NODE_SEQUENTIAL]   = "Sequential",
  [AUGUR_NODE_ONE_OF]       = "OneOf",
  [AUGUR_NODE_SOME_OF]      = "SomeOf",
  [AUGUR_NODE_RANDOM_ORDER] = "RandomOrder",
};

const char *
augur_node_kind_name (AugurNodeKind kind)
{
  return kind_names[kind];
}

/* Group kinds only: a transform is named by its own name. */
gboolean
augur_node_kind_from_name (const char    *name,
                           AugurNodeKind *kind)
{
  for (guint i = AUGUR_NODE_SEQUENTIAL; i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (name, kind_names[i]))
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
augur_node_type_name (const AugurNode *node)
{
  return node->kind == AUGUR_NODE_TRANSFORM ? node->info->name : kind_names[node->kind];
}

AugurNode *
augur_node_new_transform (const AugurTransformInfo *info)
{
  AugurNode *node = g_new0 (AugurNode, 1);

  node->kind = AUGUR_NODE_TRANSFORM;
  node->p = info->default_p;
  node->enabled = TRUE;
  node->info = info;
  node->params = g_new0 (AugurValue, MAX (info->n_params, 1));
  augur_transform_defaults (info, node->params);

  return node;
}

AugurNode *
augur_node_new_group (AugurNodeKind kind)
{
  AugurNode *node = g_new0 (AugurNode, 1);

  g_return_val_if_fail (kind != AUGUR_NODE_TRANSFORM, NULL);

  node->kind = kind;
  node->p = 1.0;
  node->enabled = TRUE;
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_node_free);
  node->n = 1;
  node->replace = FALSE;

  return node;
}

AugurNode *
augur_node_copy (const AugurNode *node)
{
  AugurNode *copy = g_memdup2 (node, sizeof *node);

  if (node->kind == AUGUR_NODE_TRANSFORM)
    copy->params = g_memdup2 (node->params, sizeof (AugurValue) * MAX (node->info->n_params, 1));
  else
    {
      copy->children = g_ptr_array_new_full (node->children->len, (GDestroyNotify) augur_node_free);
      for (guint i = 0; i < node->children->len; i++)
        g_ptr_array_add (copy->children, augur_node_copy (node->children->pdata[i]));
    }

  return copy;
}

void
augur_node_free (AugurNode *node)
{
  if (node == NULL)
    return;
  g_free (node->params);
  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_free (node);
}

void
augur_node_append (AugurNode *group,
                   AugurNode *child)
{
  g_return_if_fail (group->kind != AUGUR_NODE_TRANSFORM);
  g_ptr_array_add (group->children, child);
}

gboolean
augur_node_equal (const AugurNode *a,
                  const AugurNode *b)
{
  if (a->kind != b->kind || a->p != b->p || a->enabled != b->enabled)
    return FALSE;

  if (a->kind == AUGUR_NODE_TRANSFORM)
    {
      if (a->info != b->info)
        return FALSE;
      for (guint i = 0; i < a->info->n_params; i++)
        if (!augur_param_equal (&a->info->params[i], &a->params[i], &b->params[i]))
          return FALSE;
      return TRUE;
    }

  if (a->n != b->n || a->replace != b->replace || a->children->len != b->children->len)
    return FALSE;
  for (guint i = 0; i < a->children->len; i++)
    if (!augur_node_equal (a->children->pdata[i], b->children->pdata[i]))
      return FALSE;
  return TRUE;
}

/* 64-bit FNV-1a over the node's meaning (not its memory layout). */
static void
hash_bytes (guint64       *h,
            gconstpointer  data,
            gsize          len)
{
  const guchar *p = data;

  for (gsize i = 0; i < len; i++)
    {
      *h ^= p[i];
      *h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
}

static void
hash_double (guint64 *h,
             double   v)
{
  if (v == 0)
    v = 0; /* -0.0 and 0.0 mean the same */
  hash_bytes (h, &v, sizeof v);
}

static void
hash_node (guint64         *h,
           const AugurNode *node)
{
  int kind = node->kind;

  hash_bytes (h, &kind, sizeof kind);
  hash_double (h, node->p);
  hash_bytes (h, &node->enabled, sizeof node->enabled);

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      hash_bytes (h, node->info->name, strlen (node->info->name) + 1);
      for (guint i = 0; i < node->info->n_params; i++)
        {
          const AugurValue *v = &node->params[i];

          hash_bytes (h, &v->is_null, sizeof v->is_null);
          hash_bytes (h, &v->integers, sizeof v->integers);
          hash_bytes (h, &v->nick, sizeof v->nick);
          hash_bytes (h, &v->n, sizeof v->n);
          for (guint j = 0; j < G_N_ELEMENTS (v->v); j++)
            hash_double (h, v->v[j]);
        }
      return;
    }

  hash_bytes (h, &node->n, sizeof node->n);
  hash_bytes (h, &node->replace, sizeof node->replace);
  hash_bytes (h, &node->children->len, sizeof node->children->len);
  for (guint i = 0; i < node->children->len; i++)
    hash_node (h, node->children->pdata[i]);
}

guint64
augur_node_hash (const AugurNode *node)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  hash_node (&h, node);
  return h;
}

guint
augur_node_count_transforms (const AugurNode *node)
{
  guint n = 0;

  if (node->kind == AUGUR_NODE_TRANSFORM)
    return 1;
  for (guint i = 0; i < node->children->len; i++)
    n += augur_node_count_transforms (node->children->pdata[i]);
  return n;
}

/* Replays ------------------------------------------------------------------ */

AugurReplay *
augur_replay_new (int index)
{
  AugurReplay *replay = g_new0 (AugurReplay, 1);

  replay->index = index;
  augur_drawn_init (&replay->drawn);
  return replay;
}

void
augur_replay_free (AugurReplay *replay)
{
  if (replay == NULL)
    return;
  augur_drawn_clear (&replay->drawn);
  g_clear_pointer (&replay->steps, g_ptr_array_unref);
  g_free (replay);
}

/* Sampling: every random choice, in a fixed order ---------------------------- */

static int
compare_index (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

static AugurReplay *sample_node (const AugurNode *node,
                                 int              index,
                                 AugurShape      *shape,
                                 AugurRng        *rng,
                                 gboolean         forced);

static void
add_step (AugurReplay     *replay,
          const AugurNode *group,
          guint            index,
          AugurShape      *shape,
          AugurRng        *rng,
          gboolean         forced)
{
  g_ptr_array_add (replay->steps,
                   sample_node (group->children->pdata[index], (int) index, shape, rng, forced));
}

static AugurReplay *
sample_node (const AugurNode *node,
             int              index,
             AugurShape      *shape,
             AugurRng        *rng,
             gboolean         forced)
{
  AugurReplay *replay = augur_replay_new (index);
  g_autoptr(GArray) active = NULL;

  replay->applied = node->enabled && (forced || augur_rng_chance (rng, node->p));
  if (!replay->applied)
    return replay;

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      AugurShape out;

      node->info->sample (node->params, shape, rng, &replay->drawn);
      augur_transform_output_shape (node->info, node->params, &replay->drawn, shape, &out);
      *shape = out;
      return replay;
    }

  replay->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_replay_free);

  /* A disabled child is as if it were not in the group. */
  active = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < node->children->len; i++)
    if (((AugurNode *) node->children->pdata[i])->enabled)
      g_array_append_val (active, i);

  switch (node->kind)
    {
    case AUGUR_NODE_SEQUENTIAL:
      for (guint i = 0; i < active->len; i++)
        add_step (replay, node, g_array_index (active, guint, i), shape, rng, FALSE);
      break;

    case AUGUR_NODE_ONE_OF:
      {
        double total = 0, x;

        for (guint i = 0; i < active->len; i++)
          total += ((AugurNode *) node->children->pdata[g_array_index (active, guint, i)])->p;
        if (total <= 0)
          break;

        x = augur_rng_uniform (rng) * total;
        for (guint i = 0; i < active->len; i++)
          {
            guint c = g_array_index (active, guint, i);

            x -= ((AugurNode *) node->children->pdata[c])->p;
            if (x < 0 || i == active->len - 1)
              {
                add_step (replay, node, c, shape, rng, TRUE);
                break;
              }
          }
      }
      break;

    case AUGUR_NODE_SOME_OF:
    case AUGUR_NODE_RANDOM_ORDER:
      {
        guint m = active->len;
        guint n = node->replace ? (guint) node->n : MIN ((guint) node->n, m);
        g_autoptr(GArray) chosen = g_array_new (FALSE, FALSE, sizeof (guint));

        if (m == 0)
          break;

        if (node->replace)
          for (guint i = 0; i < n; i++)
            {
              guint c = g_array_index (active, guint, augur_rng_int (rng, 0, m - 1));
              g_array_append_val (chosen, c);
            }
        else
          /* A partial Fisher-Yates shuffle: the first n of a random permutation. */
          for (guint i = 0; i < n; i++)
            {
              guint j = (guint) augur_rng_int (rng, i, m - 1);
              guint t = g_array_index (active, guint, i);

              g_array_index (active, guint, i) = g_array_index (active, guint, j);
              g_array_index (active, guint, j) = t;
              g_array_append_val (chosen, g_array_index (active, guint, i));
            }

        /* SomeOf applies its choice in list order, RandomOrder as drawn. */
        if (node->kind == AUGUR_NODE_SOME_OF)
          g_array_sort (chosen, compare_index);

        for (guint i = 0; i < chosen->len; i++)
          add_step (replay, node, g_array_index (chosen, guint, i), shape, rng, FALSE);
      }
      break;

    case AUGUR_NODE_TRANSFORM:
    default:
      g_assert_not_reached ();
    }

  return replay;
}

/**
 * augur_node_sample:
 * @in: the shape of the image the pipeline will see
 *
 * Draws every random choice of one application of @node.
 */
AugurReplay *
augur_node_sample (const AugurNode  *node,
                   const AugurShape *in,
                   AugurRng         *rng)
{
  AugurShape shape = *in;

  return sample_node (node, 0, &shape, rng, FALSE);
}

/* As augur_node_sample(), with @node applied whatever its p (a child of a
 * OneOf, or a step previewed on its own). */
AugurReplay *
augur_node_sample_forced (const AugurNode  *node,
                          const AugurShape *in,
                          AugurRng         *rng)
{
  AugurShape shape = *in;

  return sample_node (node, 0, &shape, rng, TRUE);
}

/* Applying: pure ------------------------------------------------------------ */

static AugurImage *
apply_node (const AugurNode   *node,
            AugurImage        *image,
            const AugurReplay *replay)
{
  if (!replay->applied)
    return image;

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      AugurImage *out = node->info->apply (image, node->params, &replay->drawn);

      augur_image_unref (image);
      return out;
    }

  for (guint i = 0; replay->steps && i < replay->steps->len; i++)
    {
      const AugurReplay *step = replay->steps->pdata[i];

      image = apply_node (node->children->pdata[step->index], image, step);
    }

  return image;
}

/**
 * augur_node_apply:
 * @replay: drawn by augur_node_sample() on @node, or read and checked by
 *   augur_replay_from_json() against @node
 *
 * Returns: (transfer full): the augmented image (a new reference to @src
 *   when nothing applied)
 */
AugurImage *
augur_node_apply (const AugurNode   *node,
                  const AugurImage  *src,
                  const AugurReplay *replay)
{
  return apply_node (node, augur_image_ref ((AugurImage *) src), replay);
}

AugurImage *
augur_node_run (const AugurNode   *node,
                const AugurImage  *src,
                guint64            seed,
                AugurReplay      **replay_out)
{
  AugurShape shape = { src->width, src->height, src->channels };
  g_autoptr(AugurReplay) replay = NULL;
  AugurImage *out;
  AugurRng rng;

  augur_rng_init (&rng, seed);
  replay = augur_node_sample (node, &shape, &rng);
  out = augur_node_apply (node, src, replay);

  if (replay_out)
    *replay_out = g_steal_pointer (&replay);

  return out;
}

static void
output_shape (const AugurNode   *node,
              const AugurReplay *replay,
              AugurShape        *shape)
{
  if (!replay->applied)
    return;

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      AugurShape out;

      augur_transform_output_shape (node->info, node->params, &replay->drawn, shape, &out);
      *shape = out;
      return;
    }

  for (guint i = 0; replay->steps && i < replay->steps->len; i++)
    {
      const AugurReplay *step = replay->steps->pdata[i];

      output_shape (node->children->pdata[step->index], step, shape);
    }
}

void
augur_node_output_shape (const AugurNode   *node,
                         const AugurReplay *replay,
                         const AugurShape  *in,
                         AugurShape        *out)
{
  *out = *in;
  output_shape (node, replay, out);
}

/* Replay JSON ----------------------------------------------------------------- */

JsonNode *
augur_replay_to_json (const AugurReplay *replay,
                      const AugurNode   *node)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, augur_node_type_name (node));
  json_builder_set_member_name (builder, "applied");
  json_builder_add_boolean_value (builder, replay->applied);

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      if (replay->applied)
        {
          json_builder_set_member_name (builder, "values");
          json_builder_add_value (builder, augur_drawn_to_json (&replay->drawn));
        }
    }
  else if (replay->applied)
    {
      json_builder_set_member_name (builder, "steps");
      json_builder_begin_array (builder);
      for (guint i = 0; replay->steps && i < replay->steps->len; i++)
        {
          const AugurReplay *step = replay->steps->pdata[i];
          JsonNode *child = augur_replay_to_json (step, node->children->pdata[step->index]);

          /* The child's index leads its object. */
          json_object_set_int_member (json_node_get_object (child), "index", step->index);
          json_builder_add_value (builder, child);
        }
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static AugurReplay *
replay_from_json (JsonNode         *json,
                  const AugurNode  *node,
                  int               index,
                  guint             depth,
                  GError          **error)
{
  g_autoptr(AugurReplay) replay = augur_replay_new (index);
  JsonObject *object;
  JsonNode *member;

  if (depth > 64)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY, "nested too deeply");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY, "expected an object");
      return NULL;
    }
  object = json_node_get_object (json);

  member = json_object_get_member (object, "type");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING ||
      !g_str_equal (json_node_get_string (member), augur_node_type_name (node)))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                   "type: expected \"%s\", as in the pipeline", augur_node_type_name (node));
      return NULL;
    }

  member = json_object_get_member (object, "applied");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY, "applied: expected true or false");
      return NULL;
    }
  replay->applied = json_node_get_boolean (member);
  if (replay->applied && !node->enabled)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                   "applied: the step is disabled in the pipeline");
      return NULL;
    }
  if (!replay->applied)
    return g_steal_pointer (&replay);

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      member = json_object_get_member (object, "values");
      if (member == NULL)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY, "values: missing");
          return NULL;
        }
      if (!augur_drawn_from_json (member, node->info->drawn, &replay->drawn, error))
        return NULL;
      return g_steal_pointer (&replay);
    }

  member = json_object_get_member (object, "steps");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY, "steps: expected a list");
      return NULL;
    }

  replay->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_replay_free);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (member), i);
      JsonNode *index_node;
      gint64 child;
      AugurReplay *step;

      index_node = JSON_NODE_HOLDS_OBJECT (element)
                   ? json_object_get_member (json_node_get_object (element), "index") : NULL;
      if (index_node == NULL || !JSON_NODE_HOLDS_VALUE (index_node) ||
          json_node_get_value_type (index_node) != G_TYPE_INT64 ||
          (child = json_node_get_int (index_node)) < 0 || child >= node->children->len)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                       "steps[%u].index: expected the index of one of the group's %u steps",
                       i, node->children->len);
          return NULL;
        }

      step = replay_from_json (element, node->children->pdata[child], (int) child, depth + 1, error);
      if (step == NULL)
        {
          g_prefix_error (error, "steps[%u].", i);
          return NULL;
        }
      g_ptr_array_add (replay->steps, step);
    }

  return g_steal_pointer (&replay);
}

/**
 * augur_replay_from_json:
 *
 * Reads a replay and checks it against @node, so that augur_node_apply()
 * can trust it: the same structure, drawn values within their limits.
 */
AugurReplay *
augur_replay_from_json (JsonNode         *json,
                        const AugurNode  *node,
                        GError          **error)
{
  AugurReplay *replay = replay_from_json (json, node, 0, 0, error);

  if (replay == NULL)
    g_prefix_error (error, "replay: ");
  return replay;
}
