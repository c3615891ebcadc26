/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <stdlib.h>

#include "augur-group.h"
#include "augur-pipeline-ops.h"

static gboolean
is_group (const AugurNode *node)
{
  return node->kind != AUGUR_NODE_TRANSFORM;
}

AugurNode *
augur_pipeline_lookup (AugurNode   *root,
                       const char  *path,
                       AugurNode  **parent,
                       guint       *index)
{
  g_auto(GStrv) parts = NULL;
  AugurNode *node = root;
  AugurNode *up = NULL;
  guint at = 0;

  g_return_val_if_fail (root != NULL, NULL);

  if (path == NULL || *path == '\0')
    {
      if (parent)
        *parent = NULL;
      if (index)
        *index = 0;
      return root;
    }

  parts = g_strsplit (path, ".", -1);
  for (guint i = 0; parts[i]; i++)
    {
      char *end = NULL;
      guint64 k;

      if (!is_group (node) || parts[i][0] < '0' || parts[i][0] > '9')
        return NULL;
      k = g_ascii_strtoull (parts[i], &end, 10);
      if (*end != '\0' || k >= node->children->len)
        return NULL;
      up = node;
      at = (guint) k;
      node = node->children->pdata[at];
    }

  if (parent)
    *parent = up;
  if (index)
    *index = at;
  return node;
}

gboolean
augur_pipeline_find_parent (AugurNode        *root,
                            const AugurNode  *node,
                            AugurNode       **parent,
                            guint            *index)
{
  if (!is_group (root))
    return FALSE;

  for (guint i = 0; i < root->children->len; i++)
    {
      AugurNode *child = root->children->pdata[i];

      if (child == node)
        {
          *parent = root;
          *index = i;
          return TRUE;
        }
      if (augur_pipeline_find_parent (child, node, parent, index))
        return TRUE;
    }
  return FALSE;
}

static gboolean
build_path (const AugurNode *root,
            const AugurNode *node,
            GString         *path)
{
  if (root == node)
    return TRUE;
  if (!is_group (root))
    return FALSE;

  for (guint i = 0; i < root->children->len; i++)
    {
      gsize len = path->len;

      g_string_append_printf (path, "%s%u", len ? "." : "", i);
      if (build_path (root->children->pdata[i], node, path))
        return TRUE;
      g_string_truncate (path, len);
    }
  return FALSE;
}

char *
augur_pipeline_path_of (const AugurNode *root,
                        const AugurNode *node)
{
  g_autoptr(GString) path = g_string_new (NULL);

  if (!build_path (root, node, path))
    return NULL;
  return g_string_free (g_steal_pointer (&path), FALSE);
}

int
augur_pipeline_depth_of (const AugurNode *root,
                         const AugurNode *node)
{
  g_autofree char *path = augur_pipeline_path_of (root, node);
  int depth = 0;

  if (path == NULL)
    return -1;
  if (*path == '\0')
    return 0;
  depth = 1;
  for (const char *c = path; *c; c++)
    if (*c == '.')
      depth++;
  return depth;
}

gboolean
augur_pipeline_contains (const AugurNode *ancestor,
                         const AugurNode *node)
{
  if (ancestor == node)
    return TRUE;
  if (!is_group (ancestor))
    return FALSE;
  for (guint i = 0; i < ancestor->children->len; i++)
    if (augur_pipeline_contains (ancestor->children->pdata[i], node))
      return TRUE;
  return FALSE;
}

double
augur_pipeline_effective_p (const AugurNode *root,
                            const char      *path)
{
  g_auto(GStrv) parts = NULL;
  const AugurNode *node = root;
  double f;

  g_return_val_if_fail (root != NULL, 0);

  if (augur_pipeline_lookup ((AugurNode *) root, path, NULL, NULL) == NULL)
    return 0;

  f = root->enabled ? root->p : 0;
  if (path == NULL || *path == '\0')
    return f;

  parts = g_strsplit (path, ".", -1);
  for (guint i = 0; parts[i] && f > 0; i++)
    {
      guint k = (guint) g_ascii_strtoull (parts[i], NULL, 10);
      const AugurNode *child = node->children->pdata[k];

      f *= augur_pipeline_child_share (node, k);
      /* A OneOf applies its choice whatever the child's own p. */
      if (node->kind != AUGUR_NODE_ONE_OF)
        f *= child->p;
      node = child;
    }
  return f;
}

AugurNode *
augur_pipeline_take_child (AugurNode *group,
                           guint      index)
{
  g_return_val_if_fail (is_group (group), NULL);
  g_return_val_if_fail (index < group->children->len, NULL);

  return g_ptr_array_steal_index (group->children, index);
}

void
augur_pipeline_insert_child (AugurNode *group,
                             guint      index,
                             AugurNode *child)
{
  g_return_if_fail (is_group (group));

  g_ptr_array_insert (group->children, (int) MIN (index, group->children->len), child);
}

AugurNode *
augur_pipeline_group (AugurNode     *parent,
                      const guint   *indices,
                      guint          n_indices,
                      AugurNodeKind  kind)
{
  AugurNode *group;

  g_return_val_if_fail (is_group (parent), NULL);
  g_return_val_if_fail (kind != AUGUR_NODE_TRANSFORM, NULL);
  g_return_val_if_fail (n_indices > 0, NULL);
  for (guint i = 0; i < n_indices; i++)
    {
      g_return_val_if_fail (indices[i] < parent->children->len, NULL);
      g_return_val_if_fail (i == 0 || indices[i] > indices[i - 1], NULL);
    }

  group = augur_node_new_group (kind);
  /* From the last, so that the earlier indices stay valid. */
  for (guint i = n_indices; i-- > 0;)
    g_ptr_array_insert (group->children, 0, augur_pipeline_take_child (parent, indices[i]));
  if (kind == AUGUR_NODE_SOME_OF || kind == AUGUR_NODE_RANDOM_ORDER)
    group->n = kind == AUGUR_NODE_RANDOM_ORDER ? (int) n_indices : MAX (1, (int) n_indices / 2);
  augur_pipeline_insert_child (parent, indices[0], group);

  return group;
}

gboolean
augur_pipeline_ungroup (AugurNode *parent,
                        guint      index)
{
  g_autoptr(AugurNode) group = NULL;

  g_return_val_if_fail (is_group (parent), FALSE);
  g_return_val_if_fail (index < parent->children->len, FALSE);

  if (!is_group (parent->children->pdata[index]))
    return FALSE;

  group = augur_pipeline_take_child (parent, index);
  while (group->children->len > 0)
    {
      AugurNode *child = g_ptr_array_steal_index (group->children, group->children->len - 1);

      augur_pipeline_insert_child (parent, index, child);
    }
  return TRUE;
}

const char *
augur_pipeline_node_title (const AugurNode *node)
{
  if (node->kind == AUGUR_NODE_TRANSFORM)
    return node->info->label;
  return augur_group_info (node->kind)->label;
}
