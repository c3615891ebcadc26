/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-pipeline.h"
#include "augur-recipe.h"

#include "augur-test-util.h"

/* Helpers ---------------------------------------------------------------------- */

/* A 5x3 RGB image whose every byte differs from its mirror images. */
static AugurImage *
test_image (void)
{
  AugurImage *image = augur_image_new (5, 3, 3);

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width * 3; x++)
      augur_image_row (image, y)[x] = (guint8) (20 + y * 60 + x * 3);
  return image;
}

static AugurShape
shape_of (const AugurImage *image)
{
  AugurShape shape = { image->width, image->height, image->channels };

  return shape;
}

/* Within @sigmas standard errors of a proportion @p over @n draws. */
static void
assert_frequency (guint  hits,
                  guint  n,
                  double p,
                  double sigmas)
{
  double f = (double) hits / n, se = sqrt (p * (1 - p) / n);

  if (fabs (f - p) > sigmas * se + 1e-12)
    g_error ("frequency %g, expected %g (tolerance %g)", f, p, sigmas * se);
}

/* Probabilities -------------------------------------------------------------- */

static void
test_p_zero_and_one (void)
{
  g_autoptr(AugurImage) image = test_image ();
  g_autoptr(AugurNode) never = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1.0,
                                                 augur_test_transform ("HorizontalFlip", 0.0),
                                                 NULL);
  g_autoptr(AugurNode) always = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1.0,
                                                  augur_test_transform ("HorizontalFlip", 1.0),
                                                  NULL);
  g_autoptr(AugurImage) flipped = NULL;

  flipped = augur_transform_apply (augur_transform_lookup ("HorizontalFlip"), image, NULL, NULL);
  for (guint64 seed = 0; seed < 500; seed++)
    {
      g_autoptr(AugurReplay) r0 = NULL;
      g_autoptr(AugurReplay) r1 = NULL;
      g_autoptr(AugurImage) out0 = augur_node_run (never, image, seed, &r0);
      g_autoptr(AugurImage) out1 = augur_node_run (always, image, seed, &r1);

      g_assert_cmpuint (r0->steps->len, ==, 1);
      g_assert_false (((AugurReplay *) r0->steps->pdata[0])->applied);
      g_assert_true (out0 == image);   /* nothing applied: the same image */
      g_assert_true (((AugurReplay *) r1->steps->pdata[0])->applied);
      g_assert_true (augur_image_equal (out1, flipped));
    }
}

static void
test_sequential (void)
{
  g_autoptr(AugurImage) image = test_image ();
  AugurShape shape = shape_of (image);
  g_autoptr(AugurNode) seq = augur_test_group (AUGUR_NODE_SEQUENTIAL, 0.3,
                                               augur_test_transform ("HorizontalFlip", 1.0),
                                               augur_test_transform ("VerticalFlip", 0.2),
                                               NULL);
  const guint n = 20000;
  guint applied = 0, first = 0, second = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AugurReplay) r = augur_node_sample (seq, &shape, augur_seed_derive (11, NULL, i));

      if (!r->applied)
        {
          g_assert_null (r->steps);
          continue;
        }
      applied++;
      /* Every child is visited, in order, each with its own p. */
      g_assert_cmpuint (r->steps->len, ==, 2);
      g_assert_cmpint (((AugurReplay *) r->steps->pdata[0])->index, ==, 0);
      g_assert_cmpint (((AugurReplay *) r->steps->pdata[1])->index, ==, 1);
      first += ((AugurReplay *) r->steps->pdata[0])->applied;
      second += ((AugurReplay *) r->steps->pdata[1])->applied;
    }

  assert_frequency (applied, n, 0.3, 4);
  g_assert_cmpuint (first, ==, applied);
  assert_frequency (second, applied, 0.2, 4);
}

static void
test_one_of (void)
{
  g_autoptr(AugurImage) image = test_image ();
  AugurShape shape = shape_of (image);
  /* Weights 0.2 : 0.6 : 0.2, a p = 0 child never chosen, and a disabled
   * child that takes no part in the weights. */
  g_autoptr(AugurNode) one_of = augur_test_group (AUGUR_NODE_ONE_OF, 0.5,
                                                  augur_test_transform ("HorizontalFlip", 0.2),
                                                  augur_test_transform ("VerticalFlip", 0.6),
                                                  augur_test_transform ("HorizontalFlip", 0.0),
                                                  augur_test_transform ("RandomBrightnessContrast", 0.2),
                                                  augur_test_transform ("VerticalFlip", 0.9),
                                                  NULL);
  const guint n = 20000;
  guint applied = 0, counts[5] = { 0 };

  ((AugurNode *) one_of->children->pdata[4])->enabled = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AugurReplay) r = augur_node_sample (one_of, &shape, augur_seed_derive (12, NULL, i));
      const AugurReplay *step;

      if (!r->applied)
        continue;
      applied++;
      g_assert_cmpuint (r->steps->len, ==, 1);
      step = r->steps->pdata[0];
      /* Applied whatever its own p. */
      g_assert_true (step->applied);
      counts[step->index]++;
    }

  assert_frequency (applied, n, 0.5, 4);
  assert_frequency (counts[0], applied, 0.2, 4);
  assert_frequency (counts[1], applied, 0.6, 4);
  g_assert_cmpuint (counts[2], ==, 0);
  assert_frequency (counts[3], applied, 0.2, 4);
  g_assert_cmpuint (counts[4], ==, 0);
}

/* A OneOf whose children all have p = 0, or are all disabled, applies
 * nothing (and does not crash). */
static void
test_one_of_empty (void)
{
  g_autoptr(AugurImage) image = test_image ();
  AugurShape shape = shape_of (image);
  g_autoptr(AugurNode) zero = augur_test_group (AUGUR_NODE_ONE_OF, 1.0,
                                                augur_test_transform ("HorizontalFlip", 0.0),
                                                NULL);
  g_autoptr(AugurNode) none = augur_test_group (AUGUR_NODE_ONE_OF, 1.0, NULL);

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(AugurReplay) a = augur_node_sample (zero, &shape, augur_seed_derive (13, NULL, i));
      g_autoptr(AugurReplay) b = augur_node_sample (none, &shape, augur_seed_derive (113, NULL, i));

      g_assert_cmpuint (a->steps->len, ==, 0);
      g_assert_cmpuint (b->steps->len, ==, 0);
    }
}

static void
test_some_of (void)
{
  g_autoptr(AugurImage) image = test_image ();
  AugurShape shape = shape_of (image);
  g_autoptr(AugurNode) some_of = augur_test_group (AUGUR_NODE_SOME_OF, 1.0,
                                                   augur_test_transform ("HorizontalFlip", 1.0),
                                                   augur_test_transform ("VerticalFlip", 0.5),
                                                   augur_test_transform ("RandomBrightnessContrast", 1.0),
                                                   augur_test_transform ("HorizontalFlip", 1.0),
                                                   NULL);
  const guint n = 12000;
  guint pairs[4][4] = { { 0 } }, child_applied[4] = { 0 }, chosen[4] = { 0 };

  some_of->n = 2;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AugurReplay) r = augur_node_sample (some_of, &shape, augur_seed_derive (14, NULL, i));
      const AugurReplay *a, *b;

      /* Exactly n distinct children, in list order. */
      g_assert_cmpuint (r->steps->len, ==, 2);
      a = r->steps->pdata[0];
      b = r->steps->pdata[1];
      g_assert_cmpint (a->index, <, b->index);
      pairs[a->index][b->index]++;
      for (guint j = 0; j < 2; j++)
        {
          const AugurReplay *s = r->steps->pdata[j];

          chosen[s->index]++;
          child_applied[s->index] += s->applied;
        }
    }

  /* Uniform over the 6 pairs. */
  for (guint i = 0; i < 4; i++)
    for (guint j = i + 1; j < 4; j++)
      assert_frequency (pairs[i][j], n, 1.0 / 6, 4);
  /* Each chosen child with its own p. */
  g_assert_cmpuint (child_applied[0], ==, chosen[0]);
  assert_frequency (child_applied[1], chosen[1], 0.5, 4);

  /* n larger than the group: every child once. */
  some_of->n = 10;
  {
    g_autoptr(AugurReplay) r = augur_node_sample (some_of, &shape, 114);

    g_assert_cmpuint (r->steps->len, ==, 4);
    for (guint j = 0; j < 4; j++)
      g_assert_cmpint (((AugurReplay *) r->steps->pdata[j])->index, ==, (int) j);
  }

  /* A negative n (set from code) draws nothing rather than wrapping. */
  some_of->n = -1;
  {
    g_autoptr(AugurReplay) r = augur_node_sample (some_of, &shape, 115);

    g_assert_cmpuint (r->steps->len, ==, 0);
  }
}

static void
test_some_of_replace (void)
{
  g_autoptr(AugurImage) image = test_image ();
  AugurShape shape = shape_of (image);
  g_autoptr(AugurNode) some_of = augur_test_group (AUGUR_NODE_SOME_OF, 1.0,
                                                   augur_test_transform ("HorizontalFlip", 1.0),
                                                   augur_test_transform ("VerticalFlip", 1.0),
                                                   NULL);
  const guint n = 10000;
  guint all_same = 0;

  some_of->n = 3;
  some_of->replace = TRUE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AugurReplay) r = augur_node_sample (some_of, &shape, augur_seed_derive (15, NULL, i));
      int i0, i1, i2;

      g_assert_cmpuint (r->steps->len, ==, 3);
      i0 = ((AugurReplay *) r->steps->pdata[0])->index;
      i1 = ((AugurReplay *) r->steps->pdata[1])->index;
      i2 = ((AugurReplay *) r->steps->pdata[2])->index;
      /* Repeats allowed, still in list order. */
      g_assert_cmpint (i0, <=, i1);
      g_assert_cmpint (i1, <=, i2);
      all_same += i0 == i2;
    }
  /* Three independent draws of two: all the same with probability 2/8. */
  assert_frequency (all_same, n, 0.25, 4);
}

/* Applies each step of @replay's group on its own, in the order given. */
static AugurImage *
apply_steps_in_order (const AugurNode   *node,
                      const AugurImage  *src,
                      const AugurReplay *replay,
                      gboolean           reversed)
{
  AugurImage *image = augur_image_ref ((AugurImage *) src);

  for (guint k = 0; k < replay->steps->len; k++)
    {
      guint i = reversed ? replay->steps->len - 1 - k : k;
      const AugurReplay *step = replay->steps->pdata[i];
      AugurImage *next = augur_node_apply (node->children->pdata[step->index], image, step);

      augur_image_unref (image);
      image = next;
    }
  return image;
}

static void
test_random_order (void)
{
  g_autoptr(AugurImage) image = test_image ();
  AugurShape shape = shape_of (image);
  /* Brightness/contrast steps do not commute with each other (a1 (a2 x +
   * b2) + b1 differs from a2 (a1 x + b1) + b2), so the order shows. */
  g_autoptr(AugurNode) random_order = augur_test_group (AUGUR_NODE_RANDOM_ORDER, 1.0,
                                                        augur_test_transform ("RandomBrightnessContrast", 1.0),
                                                        augur_test_transform ("RandomBrightnessContrast", 1.0),
                                                        augur_test_transform ("RandomBrightnessContrast", 1.0),
                                                        NULL);
  g_autoptr(GHashTable) orders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const guint n = 6000;
  guint sensitive = 0;

  random_order->n = 3;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AugurReplay) r = augur_node_sample (random_order, &shape, augur_seed_derive (16, NULL, i));
      g_autoptr(AugurImage) out = augur_node_apply (random_order, image, r);
      g_autoptr(AugurImage) forward = apply_steps_in_order (random_order, image, r, FALSE);
      g_autoptr(AugurImage) backward = apply_steps_in_order (random_order, image, r, TRUE);
      char key[4];

      g_assert_cmpuint (r->steps->len, ==, 3);
      for (guint j = 0; j < 3; j++)
        key[j] = (char) ('0' + ((AugurReplay *) r->steps->pdata[j])->index);
      key[3] = '\0';
      g_assert_true (key[0] != key[1] && key[1] != key[2] && key[0] != key[2]);
      g_hash_table_replace (orders, g_strdup (key),
                            GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (orders, key)) + 1));

      /* Applied in the order drawn. */
      g_assert_true (augur_image_equal (out, forward));
      sensitive += !augur_image_equal (out, backward);
    }

  /* All 3! orders appear, each about a sixth of the time. */
  g_assert_cmpuint (g_hash_table_size (orders), ==, 6);
  {
    GHashTableIter iter;
    gpointer count;

    g_hash_table_iter_init (&iter, orders);
    while (g_hash_table_iter_next (&iter, NULL, &count))
      assert_frequency (GPOINTER_TO_UINT (count), n, 1.0 / 6, 4);
  }
  /* The check above can tell orders apart. */
  g_assert_cmpuint (sensitive, >, n / 2);
}

static void
test_disabled (void)
{
  g_autoptr(AugurImage) image = test_image ();
  AugurShape shape = shape_of (image);
  g_autoptr(AugurNode) seq = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1.0,
                                               augur_test_transform ("HorizontalFlip", 1.0),
                                               augur_test_transform ("VerticalFlip", 1.0),
                                               augur_test_group (AUGUR_NODE_SOME_OF, 1.0,
                                                                 augur_test_transform ("HorizontalFlip", 1.0),
                                                                 augur_test_transform ("VerticalFlip", 1.0),
                                                                 NULL),
                                               NULL);
  AugurNode *some_of = seq->children->pdata[2];

  ((AugurNode *) seq->children->pdata[0])->enabled = FALSE;
  ((AugurNode *) some_of->children->pdata[1])->enabled = FALSE;
  some_of->n = 2;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(AugurReplay) r = augur_node_sample (seq, &shape, augur_seed_derive (17, NULL, i));
      const AugurReplay *s;

      /* The disabled flip is not visited at all. */
      g_assert_cmpuint (r->steps->len, ==, 2);
      g_assert_cmpint (((AugurReplay *) r->steps->pdata[0])->index, ==, 1);
      s = r->steps->pdata[1];
      g_assert_cmpint (s->index, ==, 2);
      /* SomeOf n = 2 over one enabled child: only that child. */
      g_assert_cmpuint (s->steps->len, ==, 1);
      g_assert_cmpint (((AugurReplay *) s->steps->pdata[0])->index, ==, 0);
    }

  /* A disabled root applies nothing, whatever its p. */
  seq->enabled = FALSE;
  {
    g_autoptr(AugurReplay) r = NULL;
    g_autoptr(AugurImage) out = augur_node_run (seq, image, 1, &r);

    g_assert_false (r->applied);
    g_assert_true (augur_image_equal (out, image));
  }
}

static void
test_nested (void)
{
  g_autoptr(AugurImage) image = test_image ();
  g_autoptr(AugurImage) both = NULL;
  g_autoptr(AugurNode) tree = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1.0,
                                                augur_test_group (AUGUR_NODE_ONE_OF, 1.0,
                                                                  augur_test_group (AUGUR_NODE_SEQUENTIAL, 1.0,
                                                                                    augur_test_transform ("HorizontalFlip", 1.0),
                                                                                    augur_test_transform ("VerticalFlip", 1.0),
                                                                                    NULL),
                                                                  augur_test_transform ("VerticalFlip", 1.0),
                                                                  NULL),
                                                NULL);
  guint inner = 0, single = 0;

  {
    g_autoptr(AugurImage) h = augur_transform_apply (augur_transform_lookup ("HorizontalFlip"), image, NULL, NULL);

    both = augur_transform_apply (augur_transform_lookup ("VerticalFlip"), h, NULL, NULL);
  }

  for (guint64 seed = 0; seed < 400; seed++)
    {
      g_autoptr(AugurReplay) r = NULL;
      g_autoptr(AugurImage) out = augur_node_run (tree, image, seed, &r);
      const AugurReplay *one_of = r->steps->pdata[0];
      const AugurReplay *chosen = one_of->steps->pdata[0];

      if (chosen->index == 0)
        {
          /* The inner Sequential: both flips, a half turn. */
          g_assert_cmpuint (chosen->steps->len, ==, 2);
          g_assert_true (augur_image_equal (out, both));
          inner++;
        }
      else
        {
          g_assert_null (chosen->steps);
          g_assert_false (augur_image_equal (out, both));
          g_assert_false (augur_image_equal (out, image));
          single++;
        }
    }
  assert_frequency (inner, 400, 0.5, 4);
  g_assert_cmpuint (inner + single, ==, 400);
  g_assert_cmpuint (augur_node_count_transforms (tree), ==, 3);
}

/* Replays ---------------------------------------------------------------------- */

static AugurNode *
rich_pipeline (void)
{
  AugurNode *some_of = augur_test_group (AUGUR_NODE_SOME_OF, 0.9,
                                         augur_test_transform ("RandomBrightnessContrast", 0.7),
                                         augur_test_transform ("VerticalFlip", 0.5),
                                         augur_test_transform ("RandomBrightnessContrast", 1.0),
                                         NULL);
  AugurNode *random_order = augur_test_group (AUGUR_NODE_RANDOM_ORDER, 1.0,
                                              augur_test_transform ("RandomBrightnessContrast", 1.0),
                                              augur_test_transform ("RandomBrightnessContrast", 0.5),
                                              NULL);

  some_of->n = 2;
  some_of->replace = TRUE;
  random_order->n = 2;
  return augur_test_group (AUGUR_NODE_SEQUENTIAL, 1.0,
                           augur_test_transform ("HorizontalFlip", 0.5),
                           augur_test_group (AUGUR_NODE_ONE_OF, 0.8,
                                             augur_test_transform ("RandomBrightnessContrast", 0.3),
                                             augur_test_transform ("VerticalFlip", 0.3),
                                             NULL),
                           some_of,
                           random_order,
                           NULL);
}

static void
test_replay_roundtrip (void)
{
  g_autoptr(AugurImage) image = test_image ();
  g_autoptr(AugurNode) node = rich_pipeline ();

  for (guint64 seed = 0; seed < 300; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_node_run (node, image, seed, &replay);
      g_autoptr(JsonNode) json = augur_replay_to_json (replay, node);
      g_autofree char *text = augur_json_to_string (json, FALSE);
      g_autoptr(JsonNode) parsed = NULL;
      g_autoptr(AugurReplay) again = NULL;
      g_autoptr(AugurImage) out_again = NULL;
      g_autoptr(GError) error = NULL;

      parsed = augur_json_parse_limited (text, -1, 1 << 20, 100, &error);
      g_assert_no_error (error);
      again = augur_replay_from_json (parsed, node, &error);
      g_assert_no_error (error);

      /* The same pixels, byte for byte ... */
      out_again = augur_node_apply (node, image, again);
      g_assert_true (augur_image_equal (out, out_again));

      /* ... and the same replay text. */
      {
        g_autoptr(JsonNode) json_again = augur_replay_to_json (again, node);
        g_autofree char *text_again = augur_json_to_string (json_again, FALSE);

        g_assert_cmpstr (text, ==, text_again);
      }
    }
}

static void
test_replay_format (void)
{
  g_autoptr(AugurNode) node = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1.0,
                                                augur_test_transform ("HorizontalFlip", 0.0),
                                                augur_test_transform ("RandomBrightnessContrast", 1.0),
                                                NULL);
  AugurNode *rbc = node->children->pdata[1];
  g_autoptr(AugurImage) image = test_image ();
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurImage) out = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;

  /* Fixed draws: alpha = 1 + 0.25, beta = 0.5. */
  rbc->params[0].v[0] = rbc->params[0].v[1] = 0.5;
  rbc->params[1].v[0] = rbc->params[1].v[1] = 0.25;
  out = augur_node_run (node, image, 3, &replay);
  json = augur_replay_to_json (replay, node);
  text = augur_json_to_string (json, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"Sequential\",\"applied\":true,\"steps\":["
                   "{\"index\":0,\"type\":\"HorizontalFlip\",\"applied\":false},"
                   "{\"index\":1,\"type\":\"RandomBrightnessContrast\",\"applied\":true,"
                   "\"values\":{\"alpha\":1.25,\"beta\":0.5}}]}");
}

typedef struct
{
  const char *name;
  const char *json;
  const char *fragment;
} BadReplay;

/* Against the pipeline Sequential [HorizontalFlip, RandomBrightnessContrast,
 * OneOf [VerticalFlip, VerticalFlip (disabled)]]. */
static const BadReplay bad_replays[] = {
  { "not-object", "[1, 2]", "replay: expected an object" },
  { "wrong-type", "{\"type\": \"OneOf\", \"applied\": true, \"steps\": []}",
    "type: expected \"Sequential\"" },
  { "type-missing", "{\"applied\": true, \"steps\": []}", "type: expected" },
  { "applied-not-bool", "{\"type\": \"Sequential\", \"applied\": 1, \"steps\": []}",
    "applied: expected true or false" },
  { "steps-missing", "{\"type\": \"Sequential\", \"applied\": true}", "steps: expected a list" },
  { "unknown-field", "{\"type\": \"Sequential\", \"applied\": false, \"seed\": 3}",
    "unknown field \"seed\"" },
  { "index-out-of-range",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"index\": 3, \"type\": \"HorizontalFlip\", \"applied\": true, \"values\": {}}]}",
    "steps[0].index: expected the index of one of the group's 3 steps" },
  { "index-negative",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"index\": -1, \"type\": \"HorizontalFlip\", \"applied\": false}]}",
    "steps[0].index" },
  { "index-missing",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"type\": \"HorizontalFlip\", \"applied\": false}]}",
    "steps[0].index" },
  { "step-type-mismatch",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"index\": 0, \"type\": \"VerticalFlip\", \"applied\": true, \"values\": {}}]}",
    "steps[0].type: expected \"HorizontalFlip\"" },
  { "values-missing",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"index\": 1, \"type\": \"RandomBrightnessContrast\", \"applied\": true}]}",
    "steps[0].values: missing" },
  { "value-missing",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"index\": 1, \"type\": \"RandomBrightnessContrast\", \"applied\": true, \"values\": {\"alpha\": 1}}]}",
    "steps[0].values.beta: missing" },
  { "value-out-of-range",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"index\": 1, \"type\": \"RandomBrightnessContrast\", \"applied\": true, \"values\": {\"alpha\": 1, \"beta\": 7}}]}",
    "steps[0].values.beta: 7 is outside [-1, 1]" },
  { "value-not-number",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"index\": 1, \"type\": \"RandomBrightnessContrast\", \"applied\": true, \"values\": {\"alpha\": \"1\", \"beta\": 0}}]}",
    "steps[0].values.alpha: expected a number" },
  { "value-extra",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"index\": 1, \"type\": \"RandomBrightnessContrast\", \"applied\": true, \"values\": {\"alpha\": 1, \"beta\": 0, \"gamma\": 2}}]}",
    "values.gamma: the transform draws no such value" },
  { "values-not-object",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"index\": 1, \"type\": \"RandomBrightnessContrast\", \"applied\": true, \"values\": [1, 0]}]}",
    "values: expected an object" },
  { "sequential-out-of-order",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"index\": 1, \"type\": \"RandomBrightnessContrast\", \"applied\": false}, {\"index\": 0, \"type\": \"HorizontalFlip\", \"applied\": false}]}",
    "steps[1].index: 0 cannot follow 1" },
  { "one-of-two-steps",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"index\": 2, \"type\": \"OneOf\", \"applied\": true, \"steps\": ["
    "{\"index\": 0, \"type\": \"VerticalFlip\", \"applied\": true, \"values\": {}}, {\"index\": 0, \"type\": \"VerticalFlip\", \"applied\": true, \"values\": {}}]}]}",
    "steps[0].steps: 2 steps, but this OneOf runs at most 1" },
  { "disabled-applied",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"index\": 2, \"type\": \"OneOf\", \"applied\": true, \"steps\": ["
    "{\"index\": 1, \"type\": \"VerticalFlip\", \"applied\": true, \"values\": {}}]}]}",
    "steps[0].steps[0].index: step 1 is disabled in the pipeline" },
  { "disabled-not-applied",
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": [{\"index\": 2, \"type\": \"OneOf\", \"applied\": true, \"steps\": ["
    "{\"index\": 1, \"type\": \"VerticalFlip\", \"applied\": false}]}]}",
    "steps[0].steps[0].index: step 1 is disabled" },
  { "disabled-root-applied", NULL, "applied: the step is disabled in the pipeline" },
};

static AugurNode *
replay_target (void)
{
  AugurNode *node = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1.0,
                                      augur_test_transform ("HorizontalFlip", 0.5),
                                      augur_test_transform ("RandomBrightnessContrast", 0.5),
                                      augur_test_group (AUGUR_NODE_ONE_OF, 1.0,
                                                        augur_test_transform ("VerticalFlip", 0.5),
                                                        augur_test_transform ("VerticalFlip", 0.5),
                                                        NULL),
                                      NULL);
  AugurNode *one_of = node->children->pdata[2];

  ((AugurNode *) one_of->children->pdata[1])->enabled = FALSE;
  return node;
}

static void
test_replay_bad (gconstpointer data)
{
  const BadReplay *c = data;
  g_autoptr(AugurNode) node = replay_target ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(AugurReplay) replay = NULL;

  /* No text: a valid replay, against the pipeline with its root disabled. */
  if (c->json == NULL)
    {
      node->enabled = FALSE;
      json = json_from_string ("{\"type\": \"Sequential\", \"applied\": true, \"steps\": []}", &error);
    }
  else
    json = json_from_string (c->json, &error);

  g_assert_no_error (error);
  replay = augur_replay_from_json (json, node, &error);
  g_assert_null (replay);
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY);
  g_test_message ("%s: %s", c->name, error->message);
  if (strstr (error->message, c->fragment) == NULL)
    g_error ("%s: \"%s\" lacks \"%s\"", c->name, error->message, c->fragment);
}

/* And the same target accepts a well-formed replay. */
static void
test_replay_good (void)
{
  g_autoptr(AugurNode) node = replay_target ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = json_from_string (
    "{\"type\": \"Sequential\", \"applied\": true, \"steps\": ["
    "{\"index\": 0, \"type\": \"HorizontalFlip\", \"applied\": true, \"values\": {}},"
    "{\"index\": 1, \"type\": \"RandomBrightnessContrast\", \"applied\": true, \"values\": {\"alpha\": 1, \"beta\": 0.1}},"
    "{\"index\": 2, \"type\": \"OneOf\", \"applied\": true, \"steps\": ["
    "  {\"index\": 0, \"type\": \"VerticalFlip\", \"applied\": true, \"values\": {}}]}]}", &error);
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurImage) image = test_image ();
  g_autoptr(AugurImage) out = NULL;

  g_assert_no_error (error);
  replay = augur_replay_from_json (json, node, &error);
  g_assert_no_error (error);
  out = augur_node_apply (node, image, replay);
  /* Both flips and +0.1 * 255 = 25.5 brightness: pixel (0, 0) is the source's
   * last pixel plus 25 or 26. */
  {
    const guint8 *src_last = augur_image_row (image, image->height - 1) + (image->width - 1) * 3;

    g_assert_cmpfloat (fabs (out->data[0] - (src_last[0] + 25.5)), <=, 1.0);
  }
}

/* Copy, equality, hash ------------------------------------------------------- */

static void
test_copy_equal_hash (void)
{
  g_autoptr(AugurNode) a = rich_pipeline ();
  g_autoptr(AugurNode) b = augur_node_copy (a);
  AugurNode *rbc_b;
  guint64 ha = augur_node_hash (a);

  g_assert_true (augur_node_equal (a, b));
  g_assert_cmpuint (ha, ==, augur_node_hash (b));

  /* The copy is deep: changing it leaves the original alone. */
  rbc_b = ((AugurNode *) b->children->pdata[1])->children->pdata[0];
  rbc_b->params[0].v[1] = 0.4;
  g_assert_false (augur_node_equal (a, b));
  g_assert_cmpuint (ha, !=, augur_node_hash (b));
  g_assert_cmpuint (ha, ==, augur_node_hash (a));
  rbc_b->params[0].v[1] = ((AugurNode *) ((AugurNode *) a->children->pdata[1])->children->pdata[0])->params[0].v[1];
  g_assert_true (augur_node_equal (a, b));

  /* Fields that mean nothing do not count: v[2], v[3] of a plain range,
   * n of a Sequential. */
  rbc_b->params[0].v[3] = 99;
  b->n = 7;
  g_assert_true (augur_node_equal (a, b));
  g_assert_cmpuint (ha, ==, augur_node_hash (b));

  /* Each meaningful field counts. */
  {
    g_autoptr(AugurNode) c = augur_node_copy (a);

    c->p = 0.5;
    g_assert_false (augur_node_equal (a, c));
    g_assert_cmpuint (ha, !=, augur_node_hash (c));
  }
  {
    g_autoptr(AugurNode) c = augur_node_copy (a);

    ((AugurNode *) c->children->pdata[0])->enabled = FALSE;
    g_assert_false (augur_node_equal (a, c));
    g_assert_cmpuint (ha, !=, augur_node_hash (c));
  }
  {
    g_autoptr(AugurNode) c = augur_node_copy (a);
    AugurNode *some_of = c->children->pdata[2];

    some_of->n = 3;
    g_assert_false (augur_node_equal (a, c));
    g_assert_cmpuint (ha, !=, augur_node_hash (c));
    some_of->n = 2;
    some_of->replace = FALSE;
    g_assert_false (augur_node_equal (a, c));
    g_assert_cmpuint (ha, !=, augur_node_hash (c));
  }
  {
    g_autoptr(AugurNode) c = augur_node_copy (a);
    AugurNode *rbc = ((AugurNode *) c->children->pdata[1])->children->pdata[0];

    rbc->params[2].v[0] = 0;   /* brightness_by_max: true -> false */
    g_assert_false (augur_node_equal (a, c));
    g_assert_cmpuint (ha, !=, augur_node_hash (c));
  }
  {
    /* Swapping two children changes both. */
    g_autoptr(AugurNode) c = augur_node_copy (a);
    AugurNode *one_of = c->children->pdata[1];
    gpointer t = one_of->children->pdata[0];

    one_of->children->pdata[0] = one_of->children->pdata[1];
    one_of->children->pdata[1] = t;
    g_assert_false (augur_node_equal (a, c));
    g_assert_cmpuint (ha, !=, augur_node_hash (c));
  }

  /* 0.0 and -0.0 mean the same. */
  {
    g_autoptr(AugurNode) x = augur_test_transform ("RandomBrightnessContrast", 1.0);
    g_autoptr(AugurNode) y = augur_test_transform ("RandomBrightnessContrast", 1.0);

    x->params[0].v[0] = 0.0;
    y->params[0].v[0] = -0.0;
    g_assert_true (augur_node_equal (x, y));
    g_assert_cmpuint (augur_node_hash (x), ==, augur_node_hash (y));
  }

  /* Ids are identity: a node draws from the stream its id names, so
   * equal and hash tell ids apart; augur_node_equal_settings() does not. */
  {
    g_autoptr(AugurNode) named = augur_node_copy (a);
    g_autoptr(AugurNode) copy = NULL;
    AugurNode *first;

    augur_node_ensure_ids (named);
    g_assert_false (augur_node_equal (a, named));
    g_assert_true (augur_node_equal_settings (a, named));
    g_assert_cmpuint (ha, !=, augur_node_hash (named));

    copy = augur_node_copy (named);
    first = copy->children->pdata[0];
    g_assert_cmpstr (first->id, ==, ((AugurNode *) named->children->pdata[0])->id);
    g_assert_true (augur_node_equal (named, copy));
    g_assert_cmpuint (augur_node_hash (named), ==, augur_node_hash (copy));
    g_free (first->id);
    first->id = g_strdup ("renamed-1");
    g_assert_false (augur_node_equal (named, copy));
    g_assert_true (augur_node_equal_settings (named, copy));
    g_assert_cmpuint (augur_node_hash (named), !=, augur_node_hash (copy));
  }

  /* A node read from a recipe equals the one written out, ids included;
   * one written without ids reads back with the ids it samples with. */
  {
    g_autoptr(AugurNode) named = augur_node_copy (a);
    g_autoptr(JsonNode) json = NULL;
    g_autoptr(JsonNode) bare = augur_node_to_json (a);
    g_autoptr(GError) error = NULL;
    g_autoptr(AugurNode) read = NULL;
    g_autoptr(AugurNode) read_bare = NULL;

    augur_node_ensure_ids (named);
    json = augur_node_to_json (named);
    read = augur_node_from_json (json, "pipeline", &error);
    g_assert_no_error (error);
    g_assert_true (augur_node_equal (named, read));
    g_assert_cmpuint (augur_node_hash (named), ==, augur_node_hash (read));

    read_bare = augur_node_from_json (bare, "pipeline", &error);
    g_assert_no_error (error);
    g_assert_true (augur_node_equal (named, read_bare));
  }
}

/* Output shape ---------------------------------------------------------------- */

/* A test-only transform that widens the image by a drawn number of
 * columns and records the width it was sampled with. */
static const AugurDrawnSpec widen_drawn[] = {
  { "extra", FALSE, 0, 8 },
  { "seen_width", FALSE, 0, 100000 },
  { NULL },
};

static void
widen_sample (const AugurValue *params,
              const AugurShape *in,
              AugurRng         *rng,
              AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "extra", (double) augur_rng_int (rng, 1, 8));
  augur_drawn_set (drawn, "seen_width", in->width);
}

static void
widen_output_shape (const AugurValue *params,
                    const AugurDrawn *drawn,
                    const AugurShape *in,
                    AugurShape       *out)
{
  out->width = in->width + (int) augur_drawn_get (drawn, "extra");
}

static AugurImage *
widen_apply (const AugurImage *src,
             const AugurValue *params,
             const AugurDrawn *drawn)
{
  AugurImage *out = augur_image_new (src->width + (int) augur_drawn_get (drawn, "extra"),
                                     src->height, src->channels);

  for (int y = 0; y < src->height; y++)
    memcpy (augur_image_row (out, y), augur_image_row (src, y), (gsize) src->width * src->channels);
  return out;
}

static const AugurTransformInfo widen_info = {
  .name = "TestWiden",
  .label = "Widen",
  .category = AUGUR_CATEGORY_CROP,
  .description = "Test only",
  .version = 1,
  .default_p = 1.0,
  .drawn = widen_drawn,
  .sample = widen_sample,
  .output_shape = widen_output_shape,
  .apply = widen_apply,
};

static void
test_output_shape (void)
{
  g_autoptr(AugurImage) image = test_image ();
  AugurShape in = shape_of (image);
  g_autoptr(AugurNode) node = augur_test_group (AUGUR_NODE_SEQUENTIAL, 1.0,
                                                augur_node_new_transform (&widen_info),
                                                augur_test_transform ("HorizontalFlip", 0.5),
                                                augur_test_group (AUGUR_NODE_SOME_OF, 1.0,
                                                                  augur_node_new_transform (&widen_info),
                                                                  augur_node_new_transform (&widen_info),
                                                                  augur_node_new_transform (&widen_info),
                                                                  NULL),
                                                NULL);

  ((AugurNode *) node->children->pdata[2])->n = 2;
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(AugurReplay) r = augur_node_sample (node, &in, augur_seed_derive (18, NULL, i));
      g_autoptr(AugurImage) out = augur_node_apply (node, image, r);
      const AugurReplay *first = r->steps->pdata[0];
      const AugurReplay *some_of = r->steps->pdata[2];
      AugurShape shape;
      int width = in.width;

      augur_node_output_shape (node, r, &in, &shape);
      g_assert_cmpint (shape.width, ==, out->width);
      g_assert_cmpint (shape.height, ==, out->height);
      g_assert_cmpint (shape.channels, ==, out->channels);

      /* Each step was sampled with the shape its predecessors produce. */
      g_assert_cmpfloat (augur_drawn_get (&first->drawn, "seen_width"), ==, width);
      width += (int) augur_drawn_get (&first->drawn, "extra");
      for (guint j = 0; j < some_of->steps->len; j++)
        {
          const AugurReplay *s = some_of->steps->pdata[j];

          g_assert_cmpfloat (augur_drawn_get (&s->drawn, "seen_width"), ==, width);
          width += (int) augur_drawn_get (&s->drawn, "extra");
        }
      g_assert_cmpint (width, ==, out->width);
    }
}

/* A test-only transform drawing a list of boxes (records of 4, at most 2). */
static const AugurDrawnSpec boxes_drawn[] = {
  { "boxes", TRUE, 0, 1, 4, 8 },
  { NULL },
};

static void
boxes_sample (const AugurValue *params,
              const AugurShape *in,
              AugurRng         *rng,
              AugurDrawn       *drawn)
{
  double v[4] = { 0.1, 0.2, 0.3, 0.4 };

  augur_drawn_set_list (drawn, "boxes", v, 4);
}

static AugurImage *
boxes_apply (const AugurImage *src,
             const AugurValue *params,
             const AugurDrawn *drawn)
{
  return augur_image_copy (src);
}

static const AugurTransformInfo boxes_info = {
  .name = "TestBoxes",
  .label = "Boxes",
  .category = AUGUR_CATEGORY_OCCLUSION,
  .description = "Test only",
  .version = 1,
  .default_p = 1.0,
  .drawn = boxes_drawn,
  .sample = boxes_sample,
  .apply = boxes_apply,
};

static void
test_replay_lists (void)
{
  static const struct { const char *values; const char *error; } cases[] = {
    { "[0.1, 0.2, 0.3, 0.4]", NULL },
    { "[]", NULL },
    { "[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]", NULL },
    { "[0.1, 0.2, 0.3]", "values.boxes: 3 numbers, not a whole number of records of 4" },
    { "[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]", "values.boxes: 12 numbers, more than the 8" },
    { "[0.1, 0.2, 0.3, 1.5]", "values.boxes: 1.5 is outside [0, 1]" },
    { "[0.1, 0.2, 0.3, null]", "values.boxes: expected a number" },
    { "0.5", "values.boxes: expected a list of numbers" },
  };
  g_autoptr(AugurNode) node = augur_node_new_transform (&boxes_info);
  g_autoptr(AugurImage) image = test_image ();
  g_autoptr(AugurReplay) sampled = NULL;
  g_autoptr(AugurImage) out = augur_node_run (node, image, 1, &sampled);
  guint n;

  g_assert_nonnull (augur_drawn_get_list (&sampled->drawn, "boxes", &n));
  g_assert_cmpuint (n, ==, 4);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"type\": \"TestBoxes\", \"applied\": true, "
                                               "\"values\": {\"boxes\": %s}}", cases[i].values);
      g_autoptr(JsonNode) json = json_from_string (text, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(AugurReplay) replay = augur_replay_from_json (json, node, &error);

      if (cases[i].error == NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (replay);
          continue;
        }
      g_assert_null (replay);
      g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_REPLAY);
      if (strstr (error->message, cases[i].error) == NULL)
        g_error ("\"%s\" lacks \"%s\"", error->message, cases[i].error);
    }
}

/* Determinism: the same seed, the same pixels. */
static void
test_run_deterministic (void)
{
  g_autoptr(AugurImage) image = test_image ();
  g_autoptr(AugurNode) node = rich_pipeline ();
  guint differ = 0;

  for (guint64 seed = 0; seed < 50; seed++)
    {
      g_autoptr(AugurImage) a = augur_node_run (node, image, seed, NULL);
      g_autoptr(AugurImage) b = augur_node_run (node, image, seed, NULL);
      g_autoptr(AugurImage) c = augur_node_run (node, image, seed + 1000, NULL);

      g_assert_true (augur_image_equal (a, b));
      differ += !augur_image_equal (a, c);
    }
  g_assert_cmpuint (differ, >, 25);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pipeline/p-zero-and-one", test_p_zero_and_one);
  g_test_add_func ("/pipeline/sequential", test_sequential);
  g_test_add_func ("/pipeline/one-of", test_one_of);
  g_test_add_func ("/pipeline/one-of-empty", test_one_of_empty);
  g_test_add_func ("/pipeline/some-of", test_some_of);
  g_test_add_func ("/pipeline/some-of-replace", test_some_of_replace);
  g_test_add_func ("/pipeline/random-order", test_random_order);
  g_test_add_func ("/pipeline/disabled", test_disabled);
  g_test_add_func ("/pipeline/nested", test_nested);
  g_test_add_func ("/pipeline/replay/roundtrip", test_replay_roundtrip);
  g_test_add_func ("/pipeline/replay/format", test_replay_format);
  g_test_add_func ("/pipeline/replay/good", test_replay_good);
  for (guint i = 0; i < G_N_ELEMENTS (bad_replays); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pipeline/replay/bad/%s", bad_replays[i].name);

      g_test_add_data_func (path, &bad_replays[i], test_replay_bad);
    }
  g_test_add_func ("/pipeline/replay/lists", test_replay_lists);
  g_test_add_func ("/pipeline/copy-equal-hash", test_copy_equal_hash);
  g_test_add_func ("/pipeline/output-shape", test_output_shape);
  g_test_add_func ("/pipeline/run-deterministic", test_run_deterministic);

  return g_test_run ();
}
