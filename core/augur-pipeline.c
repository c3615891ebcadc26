/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "augur-error.h"
#include "augur-group.h"
#include "augur-pipeline.h"
#include "augur-strips.h"

/* Group kinds are named by their table (augur-group.c). */
const char *
augur_node_kind_name (AugurNodeKind kind)
{
  g_return_val_if_fail (kind <= AUGUR_NODE_RANDOM_ORDER, NULL);
  return kind == AUGUR_NODE_TRANSFORM ? "Transform" : augur_group_info (kind)->name;
}

/* Group kinds only: a transform is named by its own name. */
gboolean
augur_node_kind_from_name (const char    *name,
                           AugurNodeKind *kind)
{
  const AugurGroupInfo *info = augur_group_lookup (name);

  if (info == NULL)
    return FALSE;
  *kind = info->kind;
  return TRUE;
}

const char *
augur_node_type_name (const AugurNode *node)
{
  return node->kind == AUGUR_NODE_TRANSFORM ? node->info->name : augur_group_info (node->kind)->name;
}

AugurNode *
augur_node_new_transform (const AugurTransformInfo *info)
{
  AugurNode *node;

  g_return_val_if_fail (info != NULL, NULL);

  node = g_new0 (AugurNode, 1);

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
  AugurNode *node;

  g_return_val_if_fail (kind > AUGUR_NODE_TRANSFORM && kind <= AUGUR_NODE_RANDOM_ORDER, NULL);

  node = g_new0 (AugurNode, 1);

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
  AugurNode *copy;

  g_return_val_if_fail (node != NULL, NULL);

  copy = g_memdup2 (node, sizeof *node);
  copy->id = g_strdup (node->id);

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
  g_free (node->id);
  g_free (node->params);
  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_free (node);
}

void
augur_node_append (AugurNode *group,
                   AugurNode *child)
{
  g_return_if_fail (group != NULL && child != NULL);
  g_return_if_fail (group->kind != AUGUR_NODE_TRANSFORM);
  g_return_if_fail (group != child);
  g_ptr_array_add (group->children, child);
}

static gboolean
has_count (const AugurNode *node)
{
  return node->kind != AUGUR_NODE_TRANSFORM && augur_group_info (node->kind)->has_count;
}

static gboolean
node_equal (const AugurNode *a,
            const AugurNode *b,
            gboolean         ids)
{
  if (a->kind != b->kind || a->p != b->p || !a->enabled != !b->enabled)
    return FALSE;
  if (ids && g_strcmp0 (a->id, b->id) != 0)
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

  /* n and replace mean something to SomeOf and RandomOrder only. */
  if (has_count (a) && (a->n != b->n || !a->replace != !b->replace))
    return FALSE;
  if (a->children->len != b->children->len)
    return FALSE;
  for (guint i = 0; i < a->children->len; i++)
    if (!node_equal (a->children->pdata[i], b->children->pdata[i], ids))
      return FALSE;
  return TRUE;
}

/**
 * augur_node_equal:
 *
 * Whether @a and @b draw and apply the same: the same settings and the same
 * ids, since a node's draws come from a stream named by its id. Caches key
 * on this (and on augur_node_hash(), which agrees with it).
 */
gboolean
augur_node_equal (const AugurNode *a,
                  const AugurNode *b)
{
  return node_equal (a, b, TRUE);
}

/* As augur_node_equal(), ids aside: the same recipe as a user reads it. */
gboolean
augur_node_equal_settings (const AugurNode *a,
                           const AugurNode *b)
{
  return node_equal (a, b, FALSE);
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
hash_int (guint64 *h,
          gint64   v)
{
  hash_bytes (h, &v, sizeof v);
}

/* Hashes exactly what augur_param_equal() compares, so that equal nodes
 * hash equal whatever their unused fields hold. */
static void
hash_param (guint64              *h,
            const AugurParamSpec *spec,
            const AugurValue     *v)
{
  hash_int (h, v->is_null != 0);
  if (v->is_null)
    return;

  switch (spec->type)
    {
    case AUGUR_PARAM_ENUM:
      hash_int (h, v->nick);
      break;
    case AUGUR_PARAM_FILL:
      hash_int (h, v->nick);
      if (v->nick < 0)
        {
          hash_int (h, v->n);
          for (int i = 0; i < v->n && i < (int) G_N_ELEMENTS (v->v); i++)
            hash_double (h, v->v[i]);
        }
      break;
    default:
      hash_int (h, v->integers != 0);
      for (guint i = 0; i < augur_param_n_values (spec); i++)
        hash_double (h, v->v[i]);
    }
}

static void
hash_node (guint64         *h,
           const AugurNode *node)
{
  hash_int (h, node->kind);
  hash_double (h, node->p);
  hash_int (h, node->enabled != 0);
  hash_int (h, node->id != NULL);
  if (node->id)
    hash_bytes (h, node->id, strlen (node->id) + 1);

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      hash_bytes (h, node->info->name, strlen (node->info->name) + 1);
      for (guint i = 0; i < node->info->n_params; i++)
        hash_param (h, &node->info->params[i], &node->params[i]);
      return;
    }

  if (has_count (node))
    {
      hash_int (h, node->n);
      hash_int (h, node->replace != 0);
    }
  hash_int (h, node->children->len);
  for (guint i = 0; i < node->children->len; i++)
    hash_node (h, node->children->pdata[i]);
}

/**
 * augur_node_hash:
 *
 * A hash of what @node means (kind, id, p, enabled, parameters, children),
 * for caches: nodes that augur_node_equal() calls equal hash equal.
 */
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

/* Ids ----------------------------------------------------------------------------- */

/**
 * augur_node_id_check:
 *
 * Whether @id can name a node: 1 to %AUGUR_NODE_ID_MAX ASCII letters,
 * digits, '-', '_' or '.', beginning with a letter or digit.
 */
gboolean
augur_node_id_check (const char  *id,
                     GError     **error)
{
  gsize len = strlen (id);

  if (len == 0 || len > AUGUR_NODE_ID_MAX)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "id: %s (an id has 1 to %d characters)", len ? "too long" : "empty",
                   AUGUR_NODE_ID_MAX);
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    {
      char c = id[i];

      if (!g_ascii_isalnum (c) && (i == 0 || (c != '-' && c != '_' && c != '.')))
        {
          /* Escaped: the id may hold control characters or broken UTF-8. */
          g_autofree char *shown = g_strescape (id, NULL);

          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "id: \"%s\" may hold only letters, digits, '-', '_' and '.', "
                       "and begins with a letter or digit", shown);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * augur_node_id_prefix:
 *
 * The stem of the ids generated for @node: its type name in kebab case
 * ("HorizontalFlip" gives "horizontal-flip", "ISONoise" "iso-noise").
 */
char *
augur_node_id_prefix (const AugurNode *node)
{
  const char *name = augur_node_type_name (node);
  GString *out = g_string_new (NULL);

  for (gsize i = 0; name[i]; i++)
    {
      char c = name[i];

      if (!g_ascii_isalnum (c))
        continue;
      /* A word starts at an upper-case letter after a lower-case one or a
       * digit, or at the last capital of an acronym ("ISONoise"). */
      if (i > 0 && g_ascii_isupper (c) &&
          (g_ascii_islower (name[i - 1]) || g_ascii_isdigit (name[i - 1]) ||
           (g_ascii_isupper (name[i - 1]) && g_ascii_islower (name[i + 1]))))
        g_string_append_c (out, '-');
      g_string_append_c (out, g_ascii_tolower (c));
    }
  return g_string_free (out, FALSE);
}

gboolean
augur_node_has_ids (const AugurNode *node)
{
  if (node->id == NULL)
    return FALSE;
  for (guint i = 0; node->children && i < node->children->len; i++)
    if (!augur_node_has_ids (node->children->pdata[i]))
      return FALSE;
  return TRUE;
}

static void
collect_ids (const AugurNode *node,
             GHashTable      *used)
{
  if (node->id)
    g_hash_table_add (used, node->id);
  for (guint i = 0; node->children && i < node->children->len; i++)
    collect_ids (node->children->pdata[i], used);
}

static void
give_ids (AugurNode  *node,
          GHashTable *used)
{
  if (node->id == NULL)
    {
      g_autofree char *prefix = augur_node_id_prefix (node);

      for (guint k = 1; node->id == NULL; k++)
        {
          g_autofree char *id = g_strdup_printf ("%s-%u", prefix, k);

          if (!g_hash_table_contains (used, id))
            node->id = g_steal_pointer (&id);
        }
      g_hash_table_add (used, node->id);
    }
  for (guint i = 0; node->children && i < node->children->len; i++)
    give_ids (node->children->pdata[i], used);
}

/**
 * augur_node_ensure_ids:
 *
 * Gives every node of @root that has no id one not used in the tree: its
 * type in kebab case and the lowest free counter ("rotate-1"), in tree order
 * (a group before its children). The same tree always gets the same ids, so
 * a recipe without ids reads the same every time.
 */
void
augur_node_ensure_ids (AugurNode *root)
{
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_if_fail (root != NULL);

  if (augur_node_has_ids (root))
    return;
  collect_ids (root, used);
  give_ids (root, used);
}

/* Forgets the ids of @node and everything under it (a copy about to be
 * inserted as a new step, which augur_node_ensure_ids() then names). */
void
augur_node_clear_ids (AugurNode *node)
{
  g_clear_pointer (&node->id, g_free);
  for (guint i = 0; node->children && i < node->children->len; i++)
    augur_node_clear_ids (node->children->pdata[i]);
}

AugurNode *
augur_node_find_id (AugurNode  *root,
                    const char *id)
{
  if (g_strcmp0 (root->id, id) == 0)
    return root;
  for (guint i = 0; root->children && i < root->children->len; i++)
    {
      AugurNode *found = augur_node_find_id (root->children->pdata[i], id);

      if (found)
        return found;
    }
  return NULL;
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
  g_strfreev (replay->references);
  g_free (replay);
}

/* Sampling: every node draws from its own streams --------------------------------- */

/* One draw: its seed, and how many times each id was visited so far. */
typedef struct
{
  guint64             seed;
  GHashTable         *visits;  /* id → count */
  AugurReferencePool *pool;
  gboolean            skip_blends; /* no pool: blends do not apply */
  GError            **error;   /* the first blend that found no reference */
} Draw;

/* The generator of one visit of @node, seeded from (draw seed, node id,
 * visits of that id before this one in the draw): nothing another node
 * draws, or whether it runs at all, can move it. */
static void
node_stream (Draw            *draw,
             const AugurNode *node,
             AugurRng        *rng)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (draw->visits, node->id));

  g_hash_table_insert (draw->visits, node->id, GUINT_TO_POINTER (count + 1));
  augur_rng_init (rng, augur_seed_derive (draw->seed, node->id, count));
}

/* A group's choices rank its children by keys, one per child and round,
 * each a uniform drawn from (the group's choice seed, the child's id, the
 * round): a child's key does not depend on its siblings, their order or
 * their p, so switching one child off or moving it changes the choice only
 * in the draws that chose that child. */
static double
child_key (guint64          choice,
           const AugurNode *child,
           guint            round)
{
  AugurRng rng;

  augur_rng_init (&rng, augur_seed_derive (choice, child->id, round));
  return augur_rng_uniform (&rng);
}

typedef struct
{
  guint  index;
  double key;
} Ranked;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const Ranked *x = a, *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static int
compare_index (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

static void
set_empty_pool_error (const AugurNode  *node,
                      GError          **error)
{
  g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_FAILED,
               "step \"%s\" (%s): needs %u other image%s, and the reference pool is empty",
               node->id ? node->id : node->info->name, node->info->name, node->info->n_references,
               node->info->n_references > 1 ? "s" : "");
}

/* A blend's references: uniform indices into the pool, drawn from the
 * step's stream after its own values, recorded by key. A blend that takes
 * several (Mosaic) gets different ones while the pool has enough. */
static void
draw_references (const AugurNode *node,
                 AugurRng        *rng,
                 Draw            *draw,
                 AugurReplay     *replay)
{
  guint n = augur_reference_pool_size (draw->pool);

  if (n == 0)
    {
      if (draw->error && *draw->error == NULL)
        set_empty_pool_error (node, draw->error);
      return;
    }
  replay->references = g_new0 (char *, node->info->n_references + 1);
  for (guint i = 0; i < node->info->n_references; i++)
    {
      const char *key;
      gboolean again;

      do
        {
          key = augur_reference_pool_key (draw->pool, (guint) augur_rng_int (rng, 0, n - 1));
          again = FALSE;
          for (guint j = 0; j < i && n >= node->info->n_references; j++)
            again = again || g_str_equal (replay->references[j], key);
        }
      while (again);
      replay->references[i] = g_strdup (key);
    }
}

static AugurReplay *sample_node (const AugurNode *node,
                                 int              index,
                                 AugurShape      *shape,
                                 Draw            *draw,
                                 gboolean         forced);

static void
add_step (AugurReplay     *replay,
          const AugurNode *group,
          guint            index,
          AugurShape      *shape,
          Draw            *draw,
          gboolean         forced)
{
  g_ptr_array_add (replay->steps,
                   sample_node (group->children->pdata[index], (int) index, shape, draw, forced));
}

/* OneOf: the child of least -ln(1 - u) / p, u its key. These are
 * exponential variables of rates p, so child i wins with probability
 * p_i / sum p (a child of p 0 never). */
static guint
choose_one (const AugurNode *node,
            GArray          *active,
            guint64          choice)
{
  guint chosen = G_MAXUINT;
  double best = INFINITY;

  for (guint i = 0; i < active->len; i++)
    {
      guint c = g_array_index (active, guint, i);
      const AugurNode *child = node->children->pdata[c];
      double t;

      if (!(child->p > 0))
        continue;
      t = -log1p (-child_key (choice, child, 0)) / child->p;
      if (chosen == G_MAXUINT || t < best)
        {
          chosen = c;
          best = t;
        }
    }
  return chosen;
}

/* SomeOf, RandomOrder: without replacement, the n children of least key
 * (a uniform random subset, in a uniform random order); with replacement,
 * in each of n rounds the child of least key in that round. */
static GArray *
choose_some (const AugurNode *node,
             GArray          *active,
             guint64          choice)
{
  guint m = active->len;
  guint n = node->replace ? (guint) MAX (node->n, 0) : MIN ((guint) MAX (node->n, 0), m);
  GArray *chosen = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) ranked = g_array_sized_new (FALSE, FALSE, sizeof (Ranked), m);

  if (m == 0)
    return chosen;

  for (guint round = 0; round < (node->replace ? n : 1); round++)
    {
      g_array_set_size (ranked, 0);
      for (guint i = 0; i < m; i++)
        {
          guint c = g_array_index (active, guint, i);
          Ranked r = { c, child_key (choice, node->children->pdata[c], round) };

          g_array_append_val (ranked, r);
        }
      g_array_sort (ranked, compare_ranked);
      for (guint i = 0; i < (node->replace ? 1 : n); i++)
        g_array_append_val (chosen, g_array_index (ranked, Ranked, i).index);
    }

  /* SomeOf applies its choice in list order, RandomOrder as drawn. */
  if (node->kind == AUGUR_NODE_SOME_OF)
    g_array_sort (chosen, compare_index);
  return chosen;
}

static AugurReplay *
sample_node (const AugurNode *node,
             int              index,
             AugurShape      *shape,
             Draw            *draw,
             gboolean         forced)
{
  AugurReplay *replay = augur_replay_new (index);
  g_autoptr(GArray) active = NULL;
  AugurRng rng;
  double u;

  if (!node->enabled)
    return replay;

  /* The chance is always the stream's first draw, so that a change of p
   * never moves what the node draws next. */
  node_stream (draw, node, &rng);
  u = augur_rng_uniform (&rng);
  replay->applied = forced || u < node->p;
  if (!replay->applied)
    return replay;

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      AugurShape out;

      /* The entry points without a pool (the preview's, for now) leave
       * blends out of the draw, recorded as not applied. */
      if (node->info->n_references > 0 && draw->skip_blends)
        {
          g_debug ("%s: not applied, no reference pool", node->info->name);
          replay->applied = FALSE;
          return replay;
        }
      node->info->sample (node->params, shape, &rng, &replay->drawn);
      if (node->info->n_references > 0)
        draw_references (node, &rng, draw, replay);
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
        add_step (replay, node, g_array_index (active, guint, i), shape, draw, FALSE);
      break;

    case AUGUR_NODE_ONE_OF:
      {
        guint chosen = choose_one (node, active, augur_rng_next (&rng));

        if (chosen != G_MAXUINT)
          add_step (replay, node, chosen, shape, draw, TRUE);
      }
      break;

    case AUGUR_NODE_SOME_OF:
    case AUGUR_NODE_RANDOM_ORDER:
      {
        g_autoptr(GArray) chosen = choose_some (node, active, augur_rng_next (&rng));

        for (guint i = 0; i < chosen->len; i++)
          add_step (replay, node, g_array_index (chosen, guint, i), shape, draw, FALSE);
      }
      break;

    case AUGUR_NODE_TRANSFORM:
    default:
      g_assert_not_reached ();
    }

  return replay;
}

static AugurReplay *sample_draw (const AugurNode     *node,
                                 const AugurShape    *in,
                                 guint64              draw_seed,
                                 gboolean             forced,
                                 AugurReferencePool  *pool,
                                 gboolean             skip_blends,
                                 GError             **error);

/**
 * augur_node_sample_full:
 * @forced: apply @node whatever its p (as augur_node_sample_forced())
 * @pool: (nullable): where blends draw their references from
 *
 * As augur_node_sample(), for pipelines that hold blends.
 *
 * Returns: the replay, or NULL with @error set when an applied blend found
 *   the pool empty (the error names the step)
 */
AugurReplay *
augur_node_sample_full (const AugurNode     *node,
                        const AugurShape    *in,
                        guint64              draw_seed,
                        gboolean             forced,
                        AugurReferencePool  *pool,
                        GError             **error)
{
  return sample_draw (node, in, draw_seed, forced, pool, FALSE, error);
}

static AugurReplay *
sample_draw (const AugurNode     *node,
             const AugurShape    *in,
             guint64              draw_seed,
             gboolean             forced,
             AugurReferencePool  *pool,
             gboolean             skip_blends,
             GError             **error)
{
  g_autoptr(AugurNode) named = NULL;
  g_autoptr(GHashTable) visits = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local = NULL;
  g_autoptr(AugurReplay) replay = NULL;
  Draw draw = { draw_seed, visits, pool, skip_blends, &local };
  AugurShape shape = *in;

  /* A tree built in code samples as it will once saved and read back. */
  if (!augur_node_has_ids (node))
    {
      named = augur_node_copy (node);
      augur_node_ensure_ids (named);
      node = named;
    }

  replay = sample_node (node, 0, &shape, &draw, forced);
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&replay);
}

/* The functions without a pool: blends are recorded as not applied (a
 * caller that has blends to run passes a pool to the _full variants). */
static AugurReplay *
sample (const AugurNode  *node,
        const AugurShape *in,
        guint64           draw_seed,
        gboolean          forced)
{
  return sample_draw (node, in, draw_seed, forced, NULL, TRUE, NULL);
}

/**
 * augur_node_sample:
 * @in: the shape of the image the pipeline will see
 * @draw_seed: the seed of this draw (augur_seed_derive())
 *
 * Draws every random choice of one application of @node. Blends take
 * other images from a pool, which this has not: they are recorded as not
 * applied (augur_node_sample_full() draws them).
 */
AugurReplay *
augur_node_sample (const AugurNode  *node,
                   const AugurShape *in,
                   guint64           draw_seed)
{
  return sample (node, in, draw_seed, FALSE);
}

/* As augur_node_sample(), with @node applied whatever its p (a child of a
 * OneOf, or a step previewed on its own). */
AugurReplay *
augur_node_sample_forced (const AugurNode  *node,
                          const AugurShape *in,
                          guint64           draw_seed)
{
  return sample (node, in, draw_seed, TRUE);
}

/**
 * augur_pipeline_child_share:
 *
 * The share of a group's draws in which its child @index is chosen (before
 * the child's own p, which a OneOf child ignores): what the sampler above
 * does, in expectation.
 */
double
augur_pipeline_child_share (const AugurNode *group,
                            guint            index)
{
  const AugurNode *child;
  guint m = 0;

  g_return_val_if_fail (group->kind != AUGUR_NODE_TRANSFORM, 0);
  g_return_val_if_fail (index < group->children->len, 0);

  child = group->children->pdata[index];
  if (!child->enabled)
    return 0;

  switch (group->kind)
    {
    case AUGUR_NODE_SEQUENTIAL:
      return 1;

    case AUGUR_NODE_ONE_OF:
      {
        double total = 0;

        for (guint i = 0; i < group->children->len; i++)
          {
            const AugurNode *c = group->children->pdata[i];

            if (c->enabled)
              total += c->p;
          }
        return total > 0 ? child->p / total : 0;
      }

    case AUGUR_NODE_SOME_OF:
    case AUGUR_NODE_RANDOM_ORDER:
      for (guint i = 0; i < group->children->len; i++)
        if (((const AugurNode *) group->children->pdata[i])->enabled)
          m++;
      if (m == 0 || group->n <= 0)
        return 0;
      if (group->replace)
        return 1 - pow (1 - 1.0 / m, group->n);
      return (double) MIN ((guint) group->n, m) / m;

    case AUGUR_NODE_TRANSFORM:
    default:
      g_return_val_if_reached (0);
    }
}

/* Applying: pure ------------------------------------------------------------ */

typedef struct
{
  AugurStepObserver   func;
  gpointer            data;
  GCancellable       *cancellable;
  AugurReferencePool *pool;
  GError            **error;
} Observer;

static gint64
clock_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/**
 * augur_node_find_references:
 * @node: a blend's node
 * @replay: its replay (applied)
 * @indices: (out caller-allocates): n_references positions in @pool
 *
 * Where the references the replay names are in @pool.
 *
 * Returns: FALSE with @error set, naming the step, when the replay names
 *   none, or one that is not in @pool.
 */
gboolean
augur_node_find_references (const AugurNode     *node,
                            const AugurReplay   *replay,
                            AugurReferencePool  *pool,
                            guint               *indices,
                            GError             **error)
{
  guint n = node->info->n_references;
  const char *name = node->id ? node->id : node->info->name;

  if (replay->references == NULL || g_strv_length (replay->references) != n)
    {
      if (augur_reference_pool_size (pool) == 0)
        set_empty_pool_error (node, error);
      else
        g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                     "step \"%s\" (%s): the replay records no reference images", name, node->info->name);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      int at = augur_reference_pool_find (pool, replay->references[i]);

      if (at < 0)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                       "step \"%s\" (%s): the replay names the reference \"%s\", which is not in "
                       "the reference pool", name, node->info->name, replay->references[i]);
          return FALSE;
        }
      indices[i] = (guint) at;
    }
  return TRUE;
}

/* A blend's references, by the keys its replay recorded. */
static AugurImage *
apply_blend (const AugurNode   *node,
             const AugurImage  *image,
             const AugurReplay *replay,
             const Observer    *observer)
{
  guint n = node->info->n_references;
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_image_unref);
  g_autofree guint *indices = g_new (guint, n);

  if (!augur_node_find_references (node, replay, observer->pool, indices, observer->error))
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      AugurImage *ref = augur_reference_pool_get (observer->pool, indices[i], observer->error);

      if (ref == NULL)
        {
          g_prefix_error (observer->error, "step \"%s\" (%s): ", node->id ? node->id : node->info->name,
                          node->info->name);
          return NULL;
        }
      g_ptr_array_add (refs, ref);
    }
  return augur_transform_blend (node->info, image, (AugurImage *const *) refs->pdata,
                                node->params, &replay->drawn);
}

static AugurImage *
apply_node (const AugurNode   *node,
            AugurImage        *image,
            const AugurReplay *replay,
            const Observer    *observer)
{
  if (!replay->applied)
    return image;

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      gint64 start;
      AugurImage *out;

      /* The one cancellation point: before each transform, never inside. */
      if (g_cancellable_set_error_if_cancelled (observer->cancellable, observer->error))
        {
          augur_image_unref (image);
          return NULL;
        }
      start = observer->func ? clock_ns () : 0;
      out = node->info->n_references > 0
        ? apply_blend (node, image, replay, observer)
        : augur_transform_apply (node->info, image, node->params, &replay->drawn);
      /* The step's time includes releasing its input. */
      augur_image_unref (image);
      if (observer->func && out)
        observer->func (node, clock_ns () - start, observer->data);
      return out;
    }

  for (guint i = 0; image && replay->steps && i < replay->steps->len; i++)
    {
      const AugurReplay *step = replay->steps->pdata[i];

      g_return_val_if_fail (step->index >= 0 && (guint) step->index < node->children->len, image);
      image = apply_node (node->children->pdata[step->index], image, step, observer);
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
  g_autoptr(GError) error = NULL;
  AugurImage *out = augur_node_apply_full (node, src, replay, NULL, NULL, NULL, &error);

  if (out == NULL)
    {
      g_critical ("%s (apply with augur_node_apply_full() and a pool)", error->message);
      out = augur_image_ref ((AugurImage *) src);
    }
  return out;
}

/**
 * augur_node_apply_full:
 * @pool: (nullable): where the replay's references are found
 * @observer: (nullable): as for augur_node_apply_observed()
 *
 * As augur_node_apply(), for pipelines that hold blends.
 *
 * Returns: (transfer full): the augmented image, or NULL with @error set
 *   when a blend's reference is not in @pool or cannot be decoded
 */
AugurImage *
augur_node_apply_full (const AugurNode     *node,
                       const AugurImage    *src,
                       const AugurReplay   *replay,
                       AugurReferencePool  *pool,
                       AugurStepObserver    observer,
                       gpointer             user_data,
                       GError             **error)
{
  g_autoptr(GError) local = NULL;
  Observer o = { observer, user_data, NULL, pool, &local };
  AugurImage *out = apply_node (node, augur_image_ref ((AugurImage *) src), replay, &o);

  if (out == NULL)
    {
      g_assert (local != NULL);
      g_propagate_error (error, g_steal_pointer (&local));
    }
  return out;
}

/**
 * augur_node_apply_observed:
 * @observer: called after each transform that applies, with the
 *   transform's node and the time its apply took, in nanoseconds (a
 *   monotonic clock)
 *
 * As augur_node_apply(), for profiles: the same pixels, and the time of
 * each step.
 */
AugurImage *
augur_node_apply_observed (const AugurNode   *node,
                           const AugurImage  *src,
                           const AugurReplay *replay,
                           AugurStepObserver  observer,
                           gpointer           user_data)
{
  g_autoptr(GError) error = NULL;
  AugurImage *out;

  g_return_val_if_fail (observer != NULL, NULL);
  out = augur_node_apply_full (node, src, replay, NULL, observer, user_data, &error);
  if (out == NULL)
    {
      g_critical ("%s (apply with augur_node_apply_full() and a pool)", error->message);
      out = augur_image_ref ((AugurImage *) src);
    }
  return out;
}

/**
 * augur_node_run_full:
 *
 * Samples and applies with @pool: NULL with @error set as the two do.
 */
AugurImage *
augur_node_run_full (const AugurNode     *node,
                     const AugurImage    *src,
                     guint64              seed,
                     AugurReferencePool  *pool,
                     AugurReplay        **replay_out,
                     GError             **error)
{
  AugurShape shape = { src->width, src->height, src->channels };
  g_autoptr(AugurReplay) replay = NULL;
  AugurImage *out;

  replay = augur_node_sample_full (node, &shape, seed, FALSE, pool, error);
  if (replay == NULL)
    return NULL;
  out = augur_node_apply_full (node, src, replay, pool, NULL, NULL, error);
  if (out && replay_out)
    *replay_out = g_steal_pointer (&replay);
  return out;
}

/* Whether an enabled blend is anywhere in @node. */
gboolean
augur_node_has_blends (const AugurNode *node)
{
  if (!node->enabled)
    return FALSE;
  if (node->kind == AUGUR_NODE_TRANSFORM)
    return node->info->n_references > 0;
  for (guint i = 0; i < node->children->len; i++)
    if (augur_node_has_blends (node->children->pdata[i]))
      return TRUE;
  return FALSE;
}

static const AugurNode *
first_blend (const AugurNode *node)
{
  if (!node->enabled)
    return NULL;
  if (node->kind == AUGUR_NODE_TRANSFORM)
    return node->info->n_references > 0 ? node : NULL;
  for (guint i = 0; i < node->children->len; i++)
    {
      const AugurNode *found = first_blend (node->children->pdata[i]);

      if (found)
        return found;
    }
  return NULL;
}

/**
 * augur_node_check_references:
 *
 * Checks, before a run, that every enabled blend of @node has a reference
 * to draw: FALSE, naming the first blend, when @pool is empty or NULL and
 * the pipeline holds one. A run checks this once, so that an empty pool
 * stops it before any output is written rather than failing every input.
 */
gboolean
augur_node_check_references (const AugurNode          *node,
                             const AugurReferencePool *pool,
                             GError                  **error)
{
  const AugurNode *blend = first_blend (node);

  if (blend && augur_reference_pool_size (pool) == 0)
    {
      set_empty_pool_error (blend, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * augur_node_apply_cancellable:
 * @cancellable: (nullable): checked before each transform that applies
 *
 * As augur_node_apply(), for work that a newer request makes useless (the
 * previewer): the same pixels when it runs to the end; when @cancellable is
 * cancelled, it stops before the next transform and fails with
 * %G_IO_ERROR_CANCELLED. A transform that has started always finishes.
 *
 * Returns: (transfer full) (nullable): the augmented image, or %NULL when
 *   cancelled
 */
AugurImage *
augur_node_apply_cancellable (const AugurNode    *node,
                              const AugurImage   *src,
                              const AugurReplay  *replay,
                              GCancellable       *cancellable,
                              GError            **error)
{
  return augur_node_apply_full_cancellable (node, src, replay, NULL, cancellable, error);
}

/**
 * augur_node_apply_full_cancellable:
 * @pool: (nullable): where the replay's references are found
 * @cancellable: (nullable): checked before each transform that applies
 *
 * augur_node_apply_cancellable() with a reference pool, for previews of
 * pipelines that hold blends: fails with %G_IO_ERROR_CANCELLED when
 * cancelled, and as augur_node_apply_full() when a reference is missing.
 *
 * Returns: (transfer full) (nullable): the augmented image, or %NULL with
 *   @error set
 */
AugurImage *
augur_node_apply_full_cancellable (const AugurNode     *node,
                                   const AugurImage    *src,
                                   const AugurReplay   *replay,
                                   AugurReferencePool  *pool,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  g_autoptr(GError) local = NULL;
  Observer o = { NULL, NULL, cancellable, pool, &local };
  AugurImage *out;

  g_return_val_if_fail (node != NULL && src != NULL && replay != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  /* Cancelled between steps (apply_node), or between the strips of a
   * step (augur-strips.c): then the image is dropped. */
  augur_strips_push_cancellable (cancellable);
  out = apply_node (node, augur_image_ref ((AugurImage *) src), replay, &o);
  augur_strips_pop_cancellable ();
  if (out != NULL && g_cancellable_set_error_if_cancelled (cancellable, &local))
    g_clear_pointer (&out, augur_image_unref);
  if (out == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "The draw was cancelled before it was complete");
      else
        g_propagate_error (error, g_steal_pointer (&local));
    }
  return out;
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

  replay = augur_node_sample (node, &shape, seed);
  out = augur_node_apply (node, src, replay);

  if (replay_out)
    *replay_out = g_steal_pointer (&replay);

  return out;
}

/**
 * augur_node_foreach_applied_replay:
 * @func: called for each transform that applies, in order of application,
 *   with its node and its part of @replay (the values it drew and, for a
 *   blend, the references it drew)
 *
 * Walks @replay as augur_node_apply() does: for whatever travels with the
 * pixels through the same steps (labels).
 */
void
augur_node_foreach_applied_replay (const AugurNode      *node,
                                   const AugurReplay    *replay,
                                   AugurReplayStepFunc   func,
                                   gpointer              user_data)
{
  g_return_if_fail (node != NULL && replay != NULL && func != NULL);

  if (!replay->applied)
    return;
  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      func (node, replay, user_data);
      return;
    }
  for (guint i = 0; replay->steps && i < replay->steps->len; i++)
    {
      const AugurReplay *step = replay->steps->pdata[i];

      g_return_if_fail (step->index >= 0 && (guint) step->index < node->children->len);
      augur_node_foreach_applied_replay (node->children->pdata[step->index], step, func, user_data);
    }
}

typedef struct
{
  AugurStepFunc func;
  gpointer      data;
} StepAdapter;

static void
step_adapter (const AugurNode   *node,
              const AugurReplay *replay,
              gpointer           user_data)
{
  StepAdapter *adapter = user_data;

  adapter->func (node, &replay->drawn, adapter->data);
}

/**
 * augur_node_foreach_applied:
 * @func: called for each transform that applies, in order of application,
 *   with its node and the values it drew
 *
 * As augur_node_foreach_applied_replay(), with the drawn values alone.
 */
void
augur_node_foreach_applied (const AugurNode   *node,
                            const AugurReplay *replay,
                            AugurStepFunc      func,
                            gpointer           user_data)
{
  StepAdapter adapter = { func, user_data };

  g_return_if_fail (func != NULL);
  augur_node_foreach_applied_replay (node, replay, step_adapter, &adapter);
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

static void
replay_to_json (JsonBuilder       *builder,
                const AugurReplay *replay,
                const AugurNode   *node,
                int                index)
{
  json_builder_begin_object (builder);

  /* A group's step leads with its index among the group's children. */
  if (index >= 0)
    {
      json_builder_set_member_name (builder, "index");
      json_builder_add_int_value (builder, index);
    }
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, augur_node_type_name (node));
  if (node->id)
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, node->id);
    }
  json_builder_set_member_name (builder, "applied");
  json_builder_add_boolean_value (builder, replay->applied);

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      if (replay->applied)
        {
          json_builder_set_member_name (builder, "values");
          json_builder_add_value (builder, augur_drawn_to_json (&replay->drawn, node->info->drawn));
          if (replay->references)
            {
              json_builder_set_member_name (builder, "references");
              json_builder_begin_array (builder);
              for (guint i = 0; replay->references[i]; i++)
                json_builder_add_string_value (builder, replay->references[i]);
              json_builder_end_array (builder);
            }
        }
    }
  else if (replay->applied)
    {
      json_builder_set_member_name (builder, "steps");
      json_builder_begin_array (builder);
      for (guint i = 0; replay->steps && i < replay->steps->len; i++)
        {
          const AugurReplay *step = replay->steps->pdata[i];

          replay_to_json (builder, step, node->children->pdata[step->index], step->index);
        }
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
}

/**
 * augur_replay_to_json:
 * @replay: drawn on @node
 *
 * The replay as JSON, for manifests and bug reports: an object with
 * "type" (the node's type name), "id" (the node's), "applied", and for an applied transform
 * "values" (what it drew), for an applied group "steps" (the children that
 * ran, in order of execution, each leading with its "index").
 */
JsonNode *
augur_replay_to_json (const AugurReplay *replay,
                      const AugurNode   *node)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  replay_to_json (builder, replay, node, -1);
  return json_builder_get_root (builder);
}

static gboolean
replay_check_members (JsonObject       *object,
                      const AugurNode  *node,
                      GError          **error)
{
  g_autoptr(GList) members = json_object_get_members (object);
  const char *body = node->kind == AUGUR_NODE_TRANSFORM ? "values" : "steps";

  gboolean blend = node->kind == AUGUR_NODE_TRANSFORM && node->info->n_references > 0;

  for (GList *l = members; l; l = l->next)
    if (!g_str_equal (l->data, "index") && !g_str_equal (l->data, "type") &&
        !g_str_equal (l->data, "id") &&
        !g_str_equal (l->data, "applied") && !g_str_equal (l->data, body) &&
        !(blend && g_str_equal (l->data, "references")))
      {
        g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                     "unknown field \"%s\" (a %s step has \"type\", \"id\", \"applied\", \"%s\")",
                     (const char *) l->data, augur_node_type_name (node), body);
        return FALSE;
      }
  return TRUE;
}

/* Whether the executed steps are ones the group could have drawn: a replay
 * read from a file is checked as strictly as its values. */
static gboolean
replay_check_steps (const AugurNode    *node,
                    const AugurReplay  *replay,
                    GError            **error)
{
  GPtrArray *steps = replay->steps;
  guint n_active = 0, limit;

  for (guint i = 0; i < node->children->len; i++)
    if (((AugurNode *) node->children->pdata[i])->enabled)
      n_active++;

  switch (node->kind)
    {
    case AUGUR_NODE_SEQUENTIAL:
      limit = n_active;
      break;
    case AUGUR_NODE_ONE_OF:
      limit = MIN (n_active, 1);
      break;
    case AUGUR_NODE_SOME_OF:
    case AUGUR_NODE_RANDOM_ORDER:
      limit = node->replace ? (guint) MAX (node->n, 0) : MIN ((guint) MAX (node->n, 0), n_active);
      break;
    case AUGUR_NODE_TRANSFORM:
    default:
      g_assert_not_reached ();
    }

  if (steps->len > limit)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                   "steps: %u steps, but this %s runs at most %u",
                   steps->len, augur_node_type_name (node), limit);
      return FALSE;
    }

  for (guint i = 1; i < steps->len; i++)
    {
      int prev = ((AugurReplay *) steps->pdata[i - 1])->index;
      int cur = ((AugurReplay *) steps->pdata[i])->index;
      gboolean ok;

      if (node->kind == AUGUR_NODE_SEQUENTIAL)
        ok = cur > prev;
      else if (node->kind == AUGUR_NODE_SOME_OF)
        ok = node->replace ? cur >= prev : cur > prev;
      else
        {
          ok = TRUE;
          for (guint j = 0; j < i && !node->replace; j++)
            ok = ok && ((AugurReplay *) steps->pdata[j])->index != cur;
        }

      if (!ok)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                       "steps[%u].index: %d cannot follow %d in a %s%s", i, cur, prev,
                       augur_node_type_name (node), node->replace ? " with replacement" : "");
          return FALSE;
        }
    }

  return TRUE;
}

/* A blend's "references": as many keys as it draws, each a non-empty
 * relative path (the pool, at apply time, decides whether it has them). */
#define REFERENCE_KEY_MAX 4096

static gboolean
replay_read_references (JsonObject       *object,
                        const AugurNode  *node,
                        AugurReplay      *replay,
                        GError          **error)
{
  JsonNode *member = json_object_get_member (object, "references");
  guint n = node->info->n_references;
  JsonArray *array;

  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member) ||
      json_array_get_length (array = json_node_get_array (member)) != n)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                   "references: expected a list of the %u reference image%s %s drew",
                   n, n > 1 ? "s" : "", node->info->name);
      return FALSE;
    }
  replay->references = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *key;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
          *(key = json_node_get_string (element)) == '\0' || strlen (key) > REFERENCE_KEY_MAX)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                       "references[%u]: expected the key (relative path) of a reference image", i);
          return FALSE;
        }
      replay->references[i] = g_strdup (key);
    }
  return TRUE;
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

  if (!replay_check_members (object, node, error))
    return NULL;

  /* Replays written before ids have none; one that has an id names the
   * step it was drawn for. */
  member = json_object_get_member (object, "id");
  if (member != NULL &&
      (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING ||
       g_strcmp0 (json_node_get_string (member), node->id) != 0))
    {
      if (node->id)
        g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                     "id: expected \"%s\", as in the pipeline", node->id);
      else
        g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                     "id: the pipeline's step has no id");
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
      if (node->info->n_references > 0 &&
          !replay_read_references (object, node, replay, error))
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
      gint64 child = -1;
      AugurReplay *step;

      index_node = JSON_NODE_HOLDS_OBJECT (element)
                   ? json_object_get_member (json_node_get_object (element), "index") : NULL;
      if (index_node != NULL && JSON_NODE_HOLDS_VALUE (index_node) &&
          json_node_get_value_type (index_node) == G_TYPE_INT64)
        child = json_node_get_int (index_node);
      if (child < 0 || child >= (gint64) node->children->len)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                       "steps[%u].index: expected the index of one of the group's %u steps",
                       i, node->children->len);
          return NULL;
        }

      /* Sampling never visits a disabled child. */
      if (!((AugurNode *) node->children->pdata[child])->enabled)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY,
                       "steps[%u].index: step %" G_GINT64_FORMAT " is disabled in the pipeline", i, child);
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

  if (!replay_check_steps (node, replay, error))
    return NULL;

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
