/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-group"

#include "config.h"

#include <string.h>

#include "augur-error.h"
#include "augur-group.h"
#include "augur-recipe.h"

static const AugurNodeKind all_kinds[] = {
  AUGUR_NODE_SEQUENTIAL, AUGUR_NODE_ONE_OF, AUGUR_NODE_SOME_OF, AUGUR_NODE_RANDOM_ORDER,
};

static gboolean
has_field (const AugurGroupInfo *info,
           const char           *field)
{
  return g_strv_contains ((const char *const *) info->fields, field);
}

static void
assert_text (const char *text)
{
  g_assert_nonnull (text);
  g_assert_cmpuint (strlen (text), >, 0);
}

/* Every group kind has one complete entry, found by its kind, and the list
 * holds exactly those entries. */
static void
test_table (void)
{
  guint n;
  const AugurGroupInfo *list = augur_groups_list (&n);

  g_assert_cmpuint (n, ==, G_N_ELEMENTS (all_kinds));
  g_assert_null (augur_group_info (AUGUR_NODE_TRANSFORM));

  for (guint i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      const AugurGroupInfo *info = augur_group_info (all_kinds[i]);

      g_assert_nonnull (info);
      g_assert_true (info == &list[i]);
      g_assert_cmpint (info->kind, ==, all_kinds[i]);
      assert_text (info->name);
      assert_text (info->label);
      assert_text (info->menu_label);
      assert_text (info->description);
      assert_text (info->icon_name);
      assert_text (info->order);
      g_assert_true (g_str_has_suffix (info->icon_name, "-symbolic"));
      /* one line, no full stop, as the transforms' descriptions */
      g_assert_null (strchr (info->description, '\n'));
      g_assert_false (g_str_has_suffix (info->description, "."));

      /* Every group has its type, id, p, enabled and steps; n and replace
       * exactly when it chooses some of its steps. */
      for (const char *const *f = (const char *const[]) { "type", "id", "p", "enabled", "steps", NULL }; *f; f++)
        g_assert_true (has_field (info, *f));
      g_assert_cmpint (has_field (info, "n"), ==, info->has_count);
      g_assert_cmpint (has_field (info, "replace"), ==, info->has_count);
      g_assert_cmpuint (g_strv_length ((char **) info->fields), ==, info->has_count ? 7 : 5);
      if (info->has_count)
        {
          g_assert_cmpint (info->n_min, >=, 1);
          g_assert_cmpint (info->n_min, <=, info->n_max);
          g_assert_cmpint (info->n_max, ==, AUGUR_GROUP_MAX_N);
        }
    }

  /* The kinds that take n are those of Albumentations' SomeOf family. */
  g_assert_true (augur_group_info (AUGUR_NODE_SOME_OF)->has_count);
  g_assert_true (augur_group_info (AUGUR_NODE_RANDOM_ORDER)->has_count);
  g_assert_false (augur_group_info (AUGUR_NODE_ONE_OF)->has_count);
  g_assert_false (augur_group_info (AUGUR_NODE_SEQUENTIAL)->has_count);
}

/* Names round-trip through the pipeline's kind names; nothing else is a
 * group. */
static void
test_names (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      const AugurGroupInfo *info = augur_group_info (all_kinds[i]);
      g_autoptr(AugurNode) group = augur_node_new_group (all_kinds[i]);
      AugurNodeKind kind = AUGUR_NODE_TRANSFORM;

      g_assert_true (augur_node_kind_from_name (info->name, &kind));
      g_assert_cmpint (kind, ==, all_kinds[i]);
      g_assert_cmpstr (augur_node_kind_name (all_kinds[i]), ==, info->name);
      g_assert_cmpstr (augur_node_type_name (group), ==, info->name);
      g_assert_true (augur_group_lookup (info->name) == info);

      /* Names are case-sensitive, as everywhere in a recipe. */
      {
        g_autofree char *lower = g_ascii_strdown (info->name, -1);

        g_assert_null (augur_group_lookup (lower));
        g_assert_false (augur_node_kind_from_name (lower, &kind));
      }
    }

  for (const char *const *s = (const char *const[]) { "Transform", "HorizontalFlip", "Sequence",
                                                      "One of", "", NULL };
       *s; s++)
    {
      AugurNodeKind kind = AUGUR_NODE_SEQUENTIAL;

      g_assert_null (augur_group_lookup (*s));
      g_assert_false (augur_node_kind_from_name (*s, &kind));
      g_assert_cmpint (kind, ==, AUGUR_NODE_SEQUENTIAL);
    }
  g_assert_cmpstr (augur_node_kind_name (AUGUR_NODE_TRANSFORM), ==, "Transform");
}

/* A one-group recipe: @kind with three flips and @n_member spliced in. */
static char *
group_recipe (const char *kind,
              const char *n_member)
{
  return g_strdup_printf ("{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 3, "
                          "\"pipeline\": {\"type\": \"Sequential\", \"steps\": ["
                          "{\"type\": \"%s\"%s, \"steps\": [{\"type\": \"HorizontalFlip\"}, "
                          "{\"type\": \"VerticalFlip\"}, {\"type\": \"HorizontalFlip\"}]}]}}",
                          kind, n_member);
}

static AugurRecipe *
parse_group (const char  *kind,
             const char  *n_member,
             GError     **error)
{
  g_autofree char *text = group_recipe (kind, n_member);

  return augur_recipe_parse (text, -1, error);
}

/* The reader takes n's limits from the table: the ends are read, one
 * beyond either is refused naming the step, the field and the range, as
 * augur_group_check_n() does for the editor. */
static void
test_reader_limits (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      const AugurGroupInfo *info = augur_group_info (all_kinds[i]);
      g_autoptr(AugurRecipe) plain = NULL;
      g_autoptr(GError) error = NULL;
      AugurNode *group;

      /* n left out: the table's default. */
      plain = parse_group (info->name, "", &error);
      g_assert_no_error (error);
      group = plain->pipeline->children->pdata[0];
      g_assert_cmpint (group->kind, ==, info->kind);
      if (info->has_count)
        g_assert_cmpint (group->n, ==, augur_group_default_n (info, 3));

      if (!info->has_count)
        {
          g_autoptr(AugurRecipe) refused = parse_group (info->name, ", \"n\": 1", &error);

          g_assert_null (refused);
          g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
          g_assert_nonnull (strstr (error->message, "pipeline.steps[0]"));
          g_assert_nonnull (strstr (error->message, "unknown field \"n\""));
          g_clear_error (&error);
          g_assert_false (augur_group_check_n (info, 1, &error));
          g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
          g_assert_cmpint (augur_group_default_n (info, 3), ==, 0);
          continue;
        }

      for (int k = 0; k < 2; k++)
        {
          int in = k == 0 ? info->n_min : info->n_max;
          int out = k == 0 ? info->n_min - 1 : info->n_max + 1;
          g_autofree char *in_member = g_strdup_printf (", \"n\": %d", in);
          g_autofree char *out_member = g_strdup_printf (", \"n\": %d", out);
          g_autofree char *range = g_strdup_printf ("[%d, %d]", info->n_min, info->n_max);
          g_autoptr(AugurRecipe) read = parse_group (info->name, in_member, &error);
          g_autoptr(AugurRecipe) refused = NULL;

          g_assert_no_error (error);
          g_assert_cmpint (((AugurNode *) read->pipeline->children->pdata[0])->n, ==, in);
          g_assert_true (augur_group_check_n (info, in, &error));
          g_assert_no_error (error);

          refused = parse_group (info->name, out_member, &error);
          g_assert_null (refused);
          g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
          g_test_message ("%s", error->message);
          g_assert_nonnull (strstr (error->message, "pipeline.steps[0]"));
          g_assert_nonnull (strstr (error->message, info->name));
          g_assert_nonnull (strstr (error->message, "n: "));
          g_assert_nonnull (strstr (error->message, range));
          g_clear_error (&error);

          g_assert_false (augur_group_check_n (info, out, &error));
          g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
          g_assert_nonnull (strstr (error->message, range));
          g_clear_error (&error);
        }

      /* n is a count: a fraction is refused too. */
      {
        g_autoptr(AugurRecipe) refused = parse_group (info->name, ", \"n\": 1.5", &error);

        g_assert_null (refused);
        g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
        g_assert_nonnull (strstr (error->message, "n: expected an integer"));
      }
    }
}

/* SomeOf picks one step unless told otherwise; RandomOrder every step (as
 * Albumentations' RandomOrder with n=None), never fewer than one. */
static void
test_default_n (void)
{
  const AugurGroupInfo *some_of = augur_group_info (AUGUR_NODE_SOME_OF);
  const AugurGroupInfo *random_order = augur_group_info (AUGUR_NODE_RANDOM_ORDER);

  g_assert_cmpint (augur_group_default_n (some_of, 0), ==, 1);
  g_assert_cmpint (augur_group_default_n (some_of, 7), ==, 1);
  g_assert_cmpint (augur_group_default_n (random_order, 0), ==, 1);
  g_assert_cmpint (augur_group_default_n (random_order, 7), ==, 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/group/table", test_table);
  g_test_add_func ("/group/names", test_names);
  g_test_add_func ("/group/reader-limits", test_reader_limits);
  g_test_add_func ("/group/default-n", test_default_n);

  return g_test_run ();
}
