/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-error.h"
#include "augur-group.h"

static const char *const plain_fields[] = { "type", "id", "p", "enabled", "steps", NULL };
static const char *const count_fields[] = { "type", "id", "p", "enabled", "n", "replace", "steps", NULL };

/* In the order of AugurNodeKind, which is also the order the step chooser
 * and the menus list them in. The semantics are Albumentations 2.x's (see
 * augur-pipeline.h). */
static const AugurGroupInfo groups[] = {
  {
    .kind = AUGUR_NODE_SEQUENTIAL, .name = "Sequential",
    .label = "Sequence", .menu_label = "Sequence",
    .description = "Every step in order, each with its own probability",
    .icon_name = "media-playlist-consecutive-symbolic",
    .order = "in order", .fields = plain_fields,
  },
  {
    .kind = AUGUR_NODE_ONE_OF, .name = "OneOf",
    .label = "One of", .menu_label = "One Of",
    .description = "Exactly one step, chosen with weights proportional to the steps' p; "
                   "the chosen step always applies",
    .icon_name = "view-list-bullet-symbolic", .accel = "<Control>g",
    .order = "by weight", .fields = plain_fields,
  },
  {
    .kind = AUGUR_NODE_SOME_OF, .name = "SomeOf",
    .label = "Some of", .menu_label = "Some Of",
    .description = "n steps chosen at random, applied in list order, each with its own probability",
    .icon_name = "view-grid-symbolic",
    .order = "in order", .fields = count_fields,
    .has_count = TRUE, .n_min = 1, .n_max = AUGUR_GROUP_MAX_N,
  },
  {
    .kind = AUGUR_NODE_RANDOM_ORDER, .name = "RandomOrder",
    .label = "Random order", .menu_label = "Random Order",
    .description = "n steps chosen at random, applied in the order drawn, each with its own "
                   "probability",
    .icon_name = "media-playlist-shuffle-symbolic",
    .order = "shuffled", .fields = count_fields,
    .has_count = TRUE, .n_min = 1, .n_max = AUGUR_GROUP_MAX_N, .n_default_all = TRUE,
  },
};

G_STATIC_ASSERT (G_N_ELEMENTS (groups) == AUGUR_NODE_RANDOM_ORDER - AUGUR_NODE_SEQUENTIAL + 1);

/**
 * augur_groups_list:
 *
 * Returns: (array length=n_groups): every group kind, in table order
 */
const AugurGroupInfo *
augur_groups_list (guint *n_groups)
{
  if (n_groups)
    *n_groups = G_N_ELEMENTS (groups);
  return groups;
}

/**
 * augur_group_info:
 *
 * Returns: the descriptor of the group kind @kind, or %NULL for
 *   %AUGUR_NODE_TRANSFORM (a transform is described by its own table)
 */
const AugurGroupInfo *
augur_group_info (AugurNodeKind kind)
{
  g_return_val_if_fail (kind <= AUGUR_NODE_RANDOM_ORDER, NULL);

  if (kind < AUGUR_NODE_SEQUENTIAL)
    return NULL;
  return &groups[kind - AUGUR_NODE_SEQUENTIAL];
}

/**
 * augur_group_lookup:
 *
 * Returns: the group kind named @name ("OneOf"), or %NULL if @name names
 *   none (case matters, as in a recipe)
 */
const AugurGroupInfo *
augur_group_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    if (g_str_equal (name, groups[i].name))
      return &groups[i];
  return NULL;
}

/**
 * augur_group_default_n:
 *
 * Returns: the n of a group of this kind with @n_steps steps whose recipe
 *   leaves n out (0 for a kind without n). "Every step" is not held to
 *   @n_max: the group's size is bounded by the recipe's own limits.
 */
int
augur_group_default_n (const AugurGroupInfo *info,
                       guint                 n_steps)
{
  g_return_val_if_fail (info != NULL, 0);

  if (!info->has_count)
    return 0;
  if (info->n_default_all)
    return (int) MAX (n_steps, (guint) info->n_min);
  return info->n_min;
}

/**
 * augur_group_check_n:
 *
 * Returns: %TRUE if a group of this kind accepts @n; else %FALSE with
 *   @error (%AUGUR_ERROR_INVALID_RECIPE) saying why, starting "n: "
 */
gboolean
augur_group_check_n (const AugurGroupInfo  *info,
                     gint64                 n,
                     GError               **error)
{
  g_return_val_if_fail (info != NULL, FALSE);

  if (!info->has_count)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "n: a %s group has no n (only groups that choose some of their steps do)",
                   info->name);
      return FALSE;
    }
  if (n < info->n_min || n > info->n_max)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "n: %" G_GINT64_FORMAT " is out of range [%d, %d]", n, info->n_min, info->n_max);
      return FALSE;
    }
  return TRUE;
}
