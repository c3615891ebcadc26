/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-pipeline-ops.h"
#include "augur-pipeline.h"
#include "augur-recipe.h"
#include "augur-rng.h"

/*
 * Each node draws from its own stream, named by its id: switching one step
 * off, swapping two steps or changing one step's p leaves every other
 * step's draws as they were. Checked on the default recipe over 100 draws,
 * by comparing the replays step by step.
 */

#define N_DRAWS 100

static const AugurShape shape = { 64, 48, 3 };

static AugurRecipe *
load_default (void)
{
  const char *source = g_getenv ("AUGUR_SOURCE_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  AugurRecipe *recipe;

  g_assert_nonnull (source);
  path = g_build_filename (source, "data", "recipes", "default.json", NULL);
  recipe = augur_recipe_load (path, &error);
  g_assert_no_error (error);
  return recipe;
}

static guint64
draw_seed (const AugurRecipe *recipe,
           guint              draw)
{
  return augur_seed_derive (recipe->seed, "photos/cat.jpg", draw);
}

/* What each visited step did in one draw, by id: "applied {values}" or
 * "skipped". A step not visited (an unchosen OneOf child, a child of a
 * group that did not apply) has no entry. */
static void
collect (const AugurNode   *node,
         const AugurReplay *replay,
         GHashTable        *out)
{
  g_autofree char *values = NULL;

  g_assert_nonnull (node->id);
  g_assert_false (g_hash_table_contains (out, node->id));

  if (node->kind == AUGUR_NODE_TRANSFORM && replay->applied)
    {
      g_autoptr(JsonNode) json = augur_drawn_to_json (&replay->drawn, node->info->drawn);

      values = augur_json_to_string (json, FALSE);
    }
  g_hash_table_insert (out, g_strdup (node->id),
                       g_strdup_printf ("%s %s", replay->applied ? "applied" : "skipped",
                                        values ? values : ""));

  for (guint i = 0; replay->steps && i < replay->steps->len; i++)
    {
      const AugurReplay *step = replay->steps->pdata[i];

      collect (node->children->pdata[step->index], step, out);
    }
}

static GHashTable *
draws_of (const AugurNode *pipeline,
          guint64          seed)
{
  g_autoptr(AugurReplay) replay = augur_node_sample (pipeline, &shape, seed);
  GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  collect (pipeline, replay, out);
  return out;
}

static void
collect_ids (const AugurNode *node,
             GPtrArray       *ids)
{
  g_ptr_array_add (ids, node->id);
  for (guint i = 0; node->children && i < node->children->len; i++)
    collect_ids (node->children->pdata[i], ids);
}

/* The child of a OneOf @group that ran in @draws, or NULL. */
static const char *
chosen_child (const AugurNode *group,
              GHashTable      *draws)
{
  for (guint i = 0; i < group->children->len; i++)
    {
      const AugurNode *child = group->children->pdata[i];

      if (g_hash_table_contains (draws, child->id))
        return child->id;
    }
  return NULL;
}

/*
 * Compares the draws of @before and @after, the same pipeline but for the
 * step @changed (NULL: none):
 * - every step outside @changed, and outside a OneOf that holds it, drew
 *   the same (or was not visited in either);
 * - in a OneOf that holds @changed, the same child was chosen, with the
 *   same draws, unless one of the two draws chose @changed;
 * - @changed itself and its children, when it applied in both, drew the
 *   same (@changed_same_when_applied).
 */
static void
compare_draws (const AugurNode *pipeline,
               GHashTable      *before,
               GHashTable      *after,
               const char      *changed,
               gboolean         changed_same_when_applied,
               const char      *what)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  AugurNode *changed_node = NULL, *parent = NULL;
  guint index;

  collect_ids (pipeline, ids);
  if (changed)
    {
      changed_node = augur_node_find_id ((AugurNode *) pipeline, changed);
      g_assert_nonnull (changed_node);
      if (!augur_pipeline_find_parent ((AugurNode *) pipeline, changed_node, &parent, &index) ||
          parent->kind != AUGUR_NODE_ONE_OF)
        parent = NULL;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = ids->pdata[i];
      const AugurNode *node = augur_node_find_id ((AugurNode *) pipeline, id);
      const char *a = g_hash_table_lookup (before, id);
      const char *b = g_hash_table_lookup (after, id);
      gboolean inside = changed_node && augur_pipeline_contains (changed_node, node);

      if (inside)
        {
          const char *top_a = g_hash_table_lookup (before, changed);
          const char *top_b = g_hash_table_lookup (after, changed);

          if (changed_same_when_applied && top_a && top_b &&
              g_str_has_prefix (top_a, "applied") && g_str_has_prefix (top_b, "applied"))
            {
              /* Applied in both: the step, and every child, drew alike
               * (a child of a group that applied is visited in both). */
              if (node != changed_node || node->kind == AUGUR_NODE_TRANSFORM)
                if (g_strcmp0 (a, b) != 0)
                  g_error ("%s: %s drew \"%s\", then \"%s\"", what, id, a ? a : "(not visited)",
                           b ? b : "(not visited)");
            }
          continue;
        }

      if (parent && augur_pipeline_contains (parent, node) && node != parent)
        {
          const char *ca = chosen_child (parent, before);
          const char *cb = chosen_child (parent, after);

          if (g_strcmp0 (ca, changed) == 0 || g_strcmp0 (cb, changed) == 0)
            {
              /* The choice may move, but never a step's values. */
              if (a && b && g_strcmp0 (a, b) != 0)
                g_error ("%s: %s drew \"%s\", then \"%s\"", what, id, a, b);
              continue;
            }
        }

      if (g_strcmp0 (a, b) != 0)
        g_error ("%s: %s drew \"%s\", then \"%s\"", what, id,
                 a ? a : "(not visited)", b ? b : "(not visited)");
    }
}

static void
compare_over_draws (const AugurRecipe *recipe,
                    const AugurNode   *variant,
                    const char        *changed,
                    gboolean           changed_same_when_applied,
                    const char        *what)
{
  guint differ = 0;

  for (guint draw = 0; draw < N_DRAWS; draw++)
    {
      guint64 seed = draw_seed (recipe, draw);
      g_autoptr(GHashTable) before = draws_of (recipe->pipeline, seed);
      g_autoptr(GHashTable) after = draws_of (variant, seed);

      compare_draws (recipe->pipeline, before, after, changed, changed_same_when_applied, what);
      if (changed && g_strcmp0 (g_hash_table_lookup (before, changed),
                                g_hash_table_lookup (after, changed)) != 0)
        differ++;
    }
  g_test_message ("%s: the changed step drew otherwise in %u of %d draws", what, differ, N_DRAWS);
}

static void
steps_of (AugurNode *node,
          GPtrArray *out)
{
  for (guint i = 0; node->children && i < node->children->len; i++)
    {
      g_ptr_array_add (out, node->children->pdata[i]);
      steps_of (node->children->pdata[i], out);
    }
}

/* Switching any one step off (a transform, the OneOf, a child of the
 * OneOf) leaves every other step's draws as they were. */
static void
test_toggle (void)
{
  g_autoptr(AugurRecipe) recipe = load_default ();
  g_autoptr(GPtrArray) steps = g_ptr_array_new ();

  steps_of (recipe->pipeline, steps);
  g_assert_cmpuint (steps->len, ==, 7);

  for (guint i = 0; i < steps->len; i++)
    {
      const char *id = ((AugurNode *) steps->pdata[i])->id;
      g_autoptr(AugurNode) variant = augur_node_copy (recipe->pipeline);
      g_autofree char *what = g_strdup_printf ("%s switched off", id);
      guint off = 0;

      augur_node_find_id (variant, id)->enabled = FALSE;
      compare_over_draws (recipe, variant, id, FALSE, what);

      /* And the switched-off step itself is never visited. */
      for (guint draw = 0; draw < N_DRAWS; draw++)
        {
          g_autoptr(GHashTable) after = draws_of (variant, draw_seed (recipe, draw));
          const char *mine = g_hash_table_lookup (after, id);

          off += mine == NULL || g_str_has_prefix (mine, "skipped");
        }
      g_assert_cmpuint (off, ==, N_DRAWS);
    }
}

static void
swap_children (AugurNode *group,
               guint      i,
               guint      j)
{
  gpointer t = group->children->pdata[i];

  group->children->pdata[i] = group->children->pdata[j];
  group->children->pdata[j] = t;
}

/* Swapping any two steps of one group (the top-level steps, and the two
 * children of the OneOf) changes no step's draws: the OneOf chooses the
 * same child wherever it stands. */
static void
test_swap (void)
{
  g_autoptr(AugurRecipe) recipe = load_default ();
  AugurNode *root = recipe->pipeline;
  guint n = root->children->len;

  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        g_autoptr(AugurNode) variant = augur_node_copy (root);
        g_autofree char *what = g_strdup_printf ("steps %u and %u swapped", i, j);

        swap_children (variant, i, j);
        g_assert_false (augur_node_equal (variant, root));
        compare_over_draws (recipe, variant, NULL, TRUE, what);
      }

  {
    g_autoptr(AugurNode) variant = augur_node_copy (root);
    AugurNode *one_of = augur_node_find_id (variant, "one-of-1");

    g_assert_nonnull (one_of);
    swap_children (one_of, 0, 1);
    compare_over_draws (recipe, variant, NULL, TRUE, "the OneOf's children swapped");
  }
}

/* Changing one step's p changes only whether it applies (and, for a OneOf
 * child, how often it is chosen): its values when it applies, and every
 * other step's draws, stay. */
static void
test_change_p (void)
{
  g_autoptr(AugurRecipe) recipe = load_default ();
  g_autoptr(GPtrArray) steps = g_ptr_array_new ();

  steps_of (recipe->pipeline, steps);
  for (guint i = 0; i < steps->len; i++)
    {
      const AugurNode *step = steps->pdata[i];
      static const double others[] = { 0.15, 0.55, 0.9 };

      for (guint k = 0; k < G_N_ELEMENTS (others); k++)
        {
          g_autoptr(AugurNode) variant = augur_node_copy (recipe->pipeline);
          g_autofree char *what = g_strdup_printf ("%s with p %g instead of %g",
                                                   step->id, others[k], step->p);

          augur_node_find_id (variant, step->id)->p = others[k];
          compare_over_draws (recipe, variant, step->id, TRUE, what);
        }
    }
}

/* The derivation as docs/recipe-format.md gives it, computed here from the
 * generator alone: a node's stream is seeded with derive (draw seed, id,
 * visits); its first uniform decides p; a transform then draws its values,
 * a group its choice seed; a OneOf child's key is the first uniform of
 * derive (choice seed, child id, round). */
static void
test_documented_derivation (void)
{
  g_autoptr(AugurRecipe) recipe = load_default ();
  const AugurNode *root = recipe->pipeline;
  guint one_of_applied = 0;

  for (guint draw = 0; draw < 200; draw++)
    {
      guint64 seed = draw_seed (recipe, draw);
      g_autoptr(AugurReplay) replay = augur_node_sample (root, &shape, seed);

      g_assert_cmpuint (replay->steps->len, ==, root->children->len);
      for (guint i = 0; i < root->children->len; i++)
        {
          const AugurNode *node = root->children->pdata[i];
          const AugurReplay *step = replay->steps->pdata[i];
          AugurRng rng;
          gboolean applied;

          augur_rng_init (&rng, augur_seed_derive (seed, node->id, 0));
          applied = augur_rng_uniform (&rng) < node->p;
          g_assert_cmpint (step->applied, ==, applied);
          if (!applied)
            continue;

          if (node->kind == AUGUR_NODE_TRANSFORM)
            {
              AugurDrawn drawn;
              AugurShape in = shape;
              g_autoptr(JsonNode) expected = NULL;
              g_autoptr(JsonNode) actual = NULL;
              g_autofree char *e = NULL, *a = NULL;

              augur_drawn_init (&drawn);
              node->info->sample (node->params, &in, &rng, &drawn);
              expected = augur_drawn_to_json (&drawn, node->info->drawn);
              actual = augur_drawn_to_json (&step->drawn, node->info->drawn);
              e = augur_json_to_string (expected, FALSE);
              a = augur_json_to_string (actual, FALSE);
              g_assert_cmpstr (a, ==, e);
              augur_drawn_clear (&drawn);
            }
          else
            {
              guint64 choice = augur_rng_next (&rng);
              double best = INFINITY;
              int chosen = -1;

              g_assert_cmpint (node->kind, ==, AUGUR_NODE_ONE_OF);
              for (guint c = 0; c < node->children->len; c++)
                {
                  const AugurNode *child = node->children->pdata[c];
                  AugurRng key;
                  double t;

                  augur_rng_init (&key, augur_seed_derive (choice, child->id, 0));
                  t = -log1p (-augur_rng_uniform (&key)) / child->p;
                  if (t < best)
                    {
                      best = t;
                      chosen = (int) c;
                    }
                }
              g_assert_cmpuint (step->steps->len, ==, 1);
              g_assert_cmpint (((AugurReplay *) step->steps->pdata[0])->index, ==, chosen);
              one_of_applied++;
            }
        }
    }
  /* The OneOf (p 0.4) was checked often enough to mean something. */
  g_assert_cmpuint (one_of_applied, >, 40);
}

/* The streams are not one stream: two steps of the same type and the same
 * settings, or one step drawn twice, draw differently. */
static void
test_streams_differ (void)
{
  g_autoptr(AugurNode) pipeline = augur_node_new_group (AUGUR_NODE_SOME_OF);
  guint same = 0;

  for (guint i = 0; i < 2; i++)
    {
      AugurNode *rbc = augur_node_new_transform (augur_transform_lookup ("RandomBrightnessContrast"));

      rbc->p = 1.0;
      augur_node_append (pipeline, rbc);
    }
  pipeline->n = 3;
  pipeline->replace = TRUE;
  augur_node_ensure_ids (pipeline);

  for (guint64 seed = 0; seed < N_DRAWS; seed++)
    {
      g_autoptr(AugurReplay) replay = augur_node_sample (pipeline, &shape, seed);
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      g_assert_cmpuint (replay->steps->len, ==, 3);
      for (guint i = 0; i < replay->steps->len; i++)
        {
          const AugurReplay *step = replay->steps->pdata[i];
          const AugurNode *node = pipeline->children->pdata[step->index];
          g_autoptr(JsonNode) json = augur_drawn_to_json (&step->drawn, node->info->drawn);
          char *text = augur_json_to_string (json, FALSE);

          if (g_hash_table_contains (seen, text))
            same++;
          g_hash_table_add (seen, text);
        }
    }
  g_assert_cmpuint (same, ==, 0);
}

/* @a and @b draw alike; @b has ids, which both replays are written with. */
static void
assert_same_draws (const AugurNode *a,
                   const AugurNode *b,
                   guint64          seed)
{
  g_autoptr(AugurReplay) ra = augur_node_sample (a, &shape, seed);
  g_autoptr(AugurReplay) rb = augur_node_sample (b, &shape, seed);
  g_autoptr(JsonNode) ja = augur_replay_to_json (ra, b);
  g_autoptr(JsonNode) jb = augur_replay_to_json (rb, b);
  g_autofree char *ta = augur_json_to_string (ja, FALSE);
  g_autofree char *tb = augur_json_to_string (jb, FALSE);

  g_assert_cmpstr (ta, ==, tb);
}

/* A tree built in code, without ids, draws as it does once saved and read
 * back (with the ids the writer gives it). */
static void
test_unnamed_tree (void)
{
  g_autoptr(AugurRecipe) recipe = load_default ();
  g_autoptr(AugurRecipe) bare = augur_recipe_copy (recipe);
  g_autoptr(AugurRecipe) again = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  augur_node_clear_ids (bare->pipeline);
  text = augur_recipe_to_string (bare);
  again = augur_recipe_parse (text, -1, &error);
  g_assert_no_error (error);
  /* The default recipe's ids are the generated ones. */
  g_assert_true (augur_node_equal (again->pipeline, recipe->pipeline));

  for (guint draw = 0; draw < N_DRAWS; draw++)
    assert_same_draws (bare->pipeline, again->pipeline, draw_seed (recipe, draw));
}

/* A replay read from @text against the default recipe's pipeline. */
static AugurReplay *
read_replay (const AugurRecipe  *recipe,
             const char         *text,
             GError            **error)
{
  g_autoptr(JsonNode) json = augur_json_parse_limited (text, -1, 1 << 20, 100, error);

  g_assert_nonnull (json);
  return augur_replay_from_json (json, recipe->pipeline, error);
}

/* A replay written before ids (no "id" members) still applies: it holds
 * the drawn values, and applying is pure. */
static void
test_old_replay (void)
{
  g_autoptr(AugurRecipe) recipe = load_default ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurImage) image = augur_image_new (6, 4, 3);
  g_autoptr(AugurImage) out = NULL;
  g_autoptr(AugurImage) flipped = NULL;
  const char *text =
    "{\"type\":\"Sequential\",\"applied\":true,\"steps\":["
    "{\"index\":0,\"type\":\"HorizontalFlip\",\"applied\":true,\"values\":{}},"
    "{\"index\":1,\"type\":\"Rotate\",\"applied\":false},"
    "{\"index\":2,\"type\":\"RandomBrightnessContrast\",\"applied\":true,"
    "\"values\":{\"alpha\":1,\"beta\":0.1}},"
    "{\"index\":3,\"type\":\"OneOf\",\"applied\":false},"
    "{\"index\":4,\"type\":\"CoarseDropout\",\"applied\":false}]}";

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width * 3; x++)
      augur_image_row (image, y)[x] = (guint8) (10 + 7 * x + 30 * y);

  replay = read_replay (recipe, text, &error);
  g_assert_no_error (error);
  out = augur_node_apply (recipe->pipeline, image, replay);

  /* The flip, then +0.1 * 255 = 25.5 of brightness. */
  {
    const AugurTransformInfo *flip = augur_transform_lookup ("HorizontalFlip");
    AugurDrawn none;

    augur_drawn_init (&none);
    flipped = augur_transform_apply (flip, image, NULL, &none);
    augur_drawn_clear (&none);
  }
  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width * 3; x++)
      g_assert_cmpint (ABS ((int) augur_image_row (out, y)[x] -
                            ((int) augur_image_row (flipped, y)[x] + 25)), <=, 1);

  /* Written again, the replay names each step by its id. */
  {
    g_autoptr(JsonNode) written = augur_replay_to_json (replay, recipe->pipeline);
    g_autofree char *again = augur_json_to_string (written, FALSE);

    g_assert_nonnull (strstr (again, "\"type\":\"Rotate\",\"id\":\"rotate-1\""));
  }
}

/* A replay whose ids do not match the pipeline's is refused, naming both. */
static void
test_replay_wrong_id (void)
{
  g_autoptr(AugurRecipe) recipe = load_default ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurReplay) replay = NULL;

  replay = read_replay (recipe,
                        "{\"type\":\"Sequential\",\"applied\":true,\"steps\":["
                        "{\"index\":0,\"type\":\"HorizontalFlip\",\"id\":\"horizontal-flip-7\","
                        "\"applied\":false}]}", &error);
  g_assert_null (replay);
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY);
  g_assert_nonnull (strstr (error->message, "steps[0].id: expected \"horizontal-flip-1\""));
}

/* Ids in recipes ------------------------------------------------------------------ */

#define RECIPE(pipeline) \
  "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 5, \"pipeline\": " pipeline "}"

static AugurRecipe *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  AugurRecipe *recipe = augur_recipe_parse (text, -1, &error);

  g_assert_no_error (error);
  return recipe;
}

static const char *
id_at (const AugurRecipe *recipe,
       const char        *path)
{
  AugurNode *node = augur_pipeline_lookup (recipe->pipeline, path, NULL, NULL);

  g_assert_nonnull (node);
  return node->id;
}

/* A recipe written before ids reads as it is, with ids made from the types
 * in tree order, the same on every read; the next save writes them. */
static void
test_ids_generated (void)
{
  const char *text = RECIPE (
    "{\"type\": \"Sequential\", \"steps\": ["
    "  {\"type\": \"HorizontalFlip\", \"p\": 0.5},"
    "  {\"type\": \"OneOf\", \"steps\": ["
    "    {\"type\": \"RandomBrightnessContrast\"}, {\"type\": \"HorizontalFlip\"}]},"
    "  {\"type\": \"HorizontalFlip\", \"id\": \"horizontal-flip-1\"},"
    "  {\"type\": \"RandomResizedCrop\", \"params\": {\"size\": [32, 32]}}]}");
  g_autoptr(AugurRecipe) recipe = parse (text);
  g_autoptr(AugurRecipe) again = parse (text);
  g_autoptr(AugurRecipe) saved = NULL;
  g_autofree char *written = NULL;

  g_assert_cmpstr (id_at (recipe, ""), ==, "sequential-1");
  /* "horizontal-flip-1" is taken by the step that names itself so. */
  g_assert_cmpstr (id_at (recipe, "0"), ==, "horizontal-flip-2");
  g_assert_cmpstr (id_at (recipe, "1"), ==, "one-of-1");
  g_assert_cmpstr (id_at (recipe, "1.0"), ==, "random-brightness-contrast-1");
  g_assert_cmpstr (id_at (recipe, "1.1"), ==, "horizontal-flip-3");
  g_assert_cmpstr (id_at (recipe, "2"), ==, "horizontal-flip-1");
  g_assert_cmpstr (id_at (recipe, "3"), ==, "random-resized-crop-1");
  g_assert_true (augur_recipe_equal (recipe, again));

  written = augur_recipe_to_string (recipe);
  g_assert_nonnull (strstr (written, "\"id\": \"random-brightness-contrast-1\""));
  g_assert_nonnull (strstr (written, "\"id\": \"sequential-1\""));
  saved = parse (written);
  g_assert_true (augur_recipe_equal (recipe, saved));

  /* The same draws as the first read, ids and all. */
  for (guint64 seed = 0; seed < 20; seed++)
    assert_same_draws (recipe->pipeline, saved->pipeline, seed);
}

static void
test_id_prefix (void)
{
  static const struct { const char *type; const char *prefix; } cases[] = {
    { "HorizontalFlip", "horizontal-flip" },
    { "RandomBrightnessContrast", "random-brightness-contrast" },
    { "D4", "d4" },
    { "RandomRotate90", "random-rotate90" },
    { "XYMasking", "xy-masking" },
    { "OneOf", "one-of" },
    { "RandomOrder", "random-order" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const AugurTransformInfo *info = augur_transform_lookup (cases[i].type);
      AugurNodeKind kind;
      g_autoptr(AugurNode) node = NULL;
      g_autofree char *prefix = NULL;

      if (info)
        node = augur_node_new_transform (info);
      else
        {
          g_assert_true (augur_node_kind_from_name (cases[i].type, &kind));
          node = augur_node_new_group (kind);
        }
      prefix = augur_node_id_prefix (node);
      g_assert_cmpstr (prefix, ==, cases[i].prefix);
      g_assert_true (augur_node_id_check (prefix, NULL));
    }
}

typedef struct
{
  const char *name;
  const char *pipeline;
  const char *message;
} BadId;

static const BadId bad_ids[] = {
  { "duplicate",
    "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"Rotate\", \"id\": \"turn\"},"
    " {\"type\": \"OneOf\", \"steps\": [{\"type\": \"Rotate\", \"id\": \"turn\"}]}]}",
    "pipeline.steps[1].steps[0] (Rotate): id: \"turn\" is already the id of pipeline.steps[0] (Rotate)" },
  { "group-duplicate",
    "{\"type\": \"Sequential\", \"id\": \"all\", \"steps\": [{\"type\": \"OneOf\", \"id\": \"all\", \"steps\": []}]}",
    "pipeline.steps[0] (OneOf): id: \"all\" is already the id of pipeline (Sequential)" },
  { "not-string",
    "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"Rotate\", \"id\": 3}]}",
    "pipeline.steps[0] (Rotate): id: expected a string" },
  { "empty",
    "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"Rotate\", \"id\": \"\"}]}",
    "pipeline.steps[0] (Rotate): id: empty" },
  { "space",
    "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"Rotate\", \"id\": \"my turn\"}]}",
    "pipeline.steps[0] (Rotate): id: \"my turn\" may hold only letters, digits" },
  { "control",
    "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"Rotate\", \"id\": \"a\\nb\"}]}",
    "pipeline.steps[0] (Rotate): id: \"a\\nb\" may hold only" },
  { "leading-dash",
    "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"Rotate\", \"id\": \"-x\"}]}",
    "begins with a letter or digit" },
  { "too-long",
    "{\"type\": \"Sequential\", \"steps\": [{\"type\": \"Rotate\", \"id\": "
    "\"a1234567890123456789012345678901234567890123456789012345678901234\"}]}",
    "pipeline.steps[0] (Rotate): id: too long" },
};

static void
test_id_bad (gconstpointer data)
{
  const BadId *c = data;
  g_autofree char *text = g_strdup_printf ("{\"format\": \"augur-recipe\", \"version\": 1, "
                                           "\"pipeline\": %s}", c->pipeline);
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = augur_recipe_parse (text, -1, &error);

  g_assert_null (recipe);
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
  if (strstr (error->message, c->message) == NULL)
    g_error ("%s: \"%s\" lacks \"%s\"", c->name, error->message, c->message);
}

/* Tree edits keep ids; new steps get fresh ones. */
static void
test_ids_edits (void)
{
  g_autoptr(AugurRecipe) recipe = load_default ();
  AugurNode *root = recipe->pipeline;
  g_autoptr(AugurNode) before = augur_node_copy (root);
  AugurNode *copy, *group;
  const guint indices[] = { 1, 2 };

  /* A copy is the same steps, ids and all. */
  g_assert_true (augur_node_equal (before, root));

  /* A duplicate is a new step: new ids for it and all it holds. */
  copy = augur_node_copy (augur_node_find_id (root, "one-of-1"));
  augur_node_clear_ids (copy);
  augur_pipeline_insert_child (root, 4, copy);
  augur_node_ensure_ids (root);
  g_assert_cmpstr (copy->id, ==, "one-of-2");
  g_assert_cmpstr (((AugurNode *) copy->children->pdata[0])->id, ==, "gaussian-blur-2");
  g_assert_cmpstr (((AugurNode *) copy->children->pdata[1])->id, ==, "gauss-noise-2");

  /* Grouping names the new group and keeps its children's ids. */
  group = augur_pipeline_group (root, indices, G_N_ELEMENTS (indices), AUGUR_NODE_SOME_OF);
  augur_node_ensure_ids (root);
  g_assert_cmpstr (group->id, ==, "some-of-1");
  g_assert_cmpstr (((AugurNode *) group->children->pdata[0])->id, ==, "rotate-1");
  g_assert_cmpstr (((AugurNode *) group->children->pdata[1])->id, ==, "random-brightness-contrast-1");

  /* Ungrouping and moving keep them too. */
  g_assert_true (augur_pipeline_ungroup (root, 1));
  augur_pipeline_insert_child (root, 0, augur_pipeline_take_child (root, 2));
  augur_node_ensure_ids (root);
  g_assert_cmpstr (id_at (recipe, "0"), ==, "random-brightness-contrast-1");
  g_assert_cmpstr (id_at (recipe, "1"), ==, "horizontal-flip-1");
  g_assert_cmpstr (id_at (recipe, "2"), ==, "rotate-1");
  g_assert_null (augur_node_find_id (root, "some-of-1"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/streams/toggle", test_toggle);
  g_test_add_func ("/streams/swap", test_swap);
  g_test_add_func ("/streams/change-p", test_change_p);
  g_test_add_func ("/streams/documented-derivation", test_documented_derivation);
  g_test_add_func ("/streams/differ", test_streams_differ);
  g_test_add_func ("/streams/unnamed-tree", test_unnamed_tree);
  g_test_add_func ("/streams/old-replay", test_old_replay);
  g_test_add_func ("/streams/replay-wrong-id", test_replay_wrong_id);
  g_test_add_func ("/ids/generated", test_ids_generated);
  g_test_add_func ("/ids/prefix", test_id_prefix);
  g_test_add_func ("/ids/edits", test_ids_edits);
  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autofree char *name = g_strdup_printf ("/ids/bad/%s", bad_ids[i].name);

      g_test_add_data_func (name, &bad_ids[i], test_id_bad);
    }

  return g_test_run ();
}
