/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "augur-pipeline.h"

G_BEGIN_DECLS

/*
 * Tree edits and look-ups on plain AugurNode trees, for the pipeline editor
 * and anything else that edits a recipe: a step is named by its path, the
 * child indices from the root joined by dots ("2.0"); the root itself is "".
 * Edits move nodes, so ids go with them; a caller that adds nodes (a new
 * step, a duplicate with its ids cleared, the group that
 * augur_pipeline_group() makes) names them with augur_node_ensure_ids().
 */

AugurNode *augur_pipeline_lookup        (AugurNode        *root,
                                         const char       *path,
                                         AugurNode       **parent,
                                         guint            *index);
gboolean   augur_pipeline_find_parent   (AugurNode        *root,
                                         const AugurNode  *node,
                                         AugurNode       **parent,
                                         guint            *index);
char      *augur_pipeline_path_of       (const AugurNode  *root,
                                         const AugurNode  *node);
int        augur_pipeline_depth_of      (const AugurNode  *root,
                                         const AugurNode  *node);
gboolean   augur_pipeline_contains      (const AugurNode  *ancestor,
                                         const AugurNode  *node);
/* The chance that one draw of the pipeline applies the step at @path,
 * through the p of every enclosing group and the group's choice rule. */
double     augur_pipeline_effective_p   (const AugurNode  *root,
                                         const char       *path);
/* Detaches the child @index of @group and returns it. */
AugurNode *augur_pipeline_take_child    (AugurNode        *group,
                                         guint             index);
void       augur_pipeline_insert_child  (AugurNode        *group,
                                         guint             index,
                                         AugurNode        *child);
/* Wraps the children @indices (sorted, distinct) of @parent into a new group
 * of @kind placed where the first of them was; returns the group. */
AugurNode *augur_pipeline_group         (AugurNode        *parent,
                                         const guint      *indices,
                                         guint             n_indices,
                                         AugurNodeKind     kind);
/* Replaces the group at @index of @parent by its children. */
gboolean   augur_pipeline_ungroup       (AugurNode        *parent,
                                         guint             index);
/* A human title for a node: the transform's label, or the group's. */
const char *augur_pipeline_node_title   (const AugurNode  *node);

G_END_DECLS
