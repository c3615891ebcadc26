/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "augur-transform.h"

G_BEGIN_DECLS

typedef enum
{
  AUGUR_NODE_TRANSFORM,
  AUGUR_NODE_SEQUENTIAL,
  AUGUR_NODE_ONE_OF,
  AUGUR_NODE_SOME_OF,
  AUGUR_NODE_RANDOM_ORDER,
} AugurNodeKind;

/**
 * AugurNode:
 *
 * A pipeline is a tree of nodes: groups (Sequential, OneOf, SomeOf,
 * RandomOrder) with children, and transform leaves with parameters. Every
 * node has a probability @p and an @enabled switch; a disabled node behaves
 * as if it were not in the tree. Semantics follow Albumentations 2.x:
 *
 * - Sequential: with probability p, every child in order, each with its own p.
 * - OneOf: with probability p, one child, chosen with weights proportional to
 *   the children's p, and applied regardless of its own p.
 * - SomeOf: with probability p, n children chosen uniformly (with or without
 *   replacement), applied in list order, each with its own p.
 * - RandomOrder: as SomeOf, applied in the order drawn.
 *
 * A node tree is plain mutable data, owned by whoever holds it; the GUI hands
 * a copy (augur_node_copy()) to each worker.
 */
typedef struct _AugurNode AugurNode;

struct _AugurNode
{
  AugurNodeKind             kind;
  double                    p;
  gboolean                  enabled;
  /* AUGUR_NODE_TRANSFORM */
  const AugurTransformInfo *info;
  AugurValue               *params;   /* info->n_params values */
  /* groups */
  GPtrArray                *children; /* AugurNode */
  int                       n;        /* SomeOf, RandomOrder */
  gboolean                  replace;  /* SomeOf, RandomOrder */
};

/**
 * AugurReplay:
 *
 * Every random choice of one augmented draw: for each node visited, whether
 * it applied, and for transforms the values drawn. Groups list their
 * executed children in order of execution (@steps), each carrying its
 * @index among the group's children; with replacement an index can repeat.
 */
typedef struct _AugurReplay AugurReplay;

struct _AugurReplay
{
  int         index;
  gboolean    applied;
  AugurDrawn  drawn;
  GPtrArray  *steps;  /* AugurReplay, groups only */
};

const char   *augur_node_kind_name          (AugurNodeKind        kind);
gboolean      augur_node_kind_from_name     (const char          *name,
                                             AugurNodeKind       *kind);
const char   *augur_node_type_name          (const AugurNode     *node);

AugurNode    *augur_node_new_transform      (const AugurTransformInfo *info);
AugurNode    *augur_node_new_group          (AugurNodeKind        kind);
AugurNode    *augur_node_copy               (const AugurNode     *node);
void          augur_node_free               (AugurNode           *node);
void          augur_node_append             (AugurNode           *group,
                                             AugurNode           *child);
gboolean      augur_node_equal              (const AugurNode     *a,
                                             const AugurNode     *b);
guint64       augur_node_hash               (const AugurNode     *node);
guint         augur_node_count_transforms   (const AugurNode     *node);

AugurReplay  *augur_node_sample             (const AugurNode     *node,
                                             const AugurShape    *in,
                                             AugurRng            *rng);
AugurReplay  *augur_node_sample_forced      (const AugurNode     *node,
                                             const AugurShape    *in,
                                             AugurRng            *rng);
AugurImage   *augur_node_apply              (const AugurNode     *node,
                                             const AugurImage    *src,
                                             const AugurReplay   *replay);
typedef void (*AugurStepObserver)            (const AugurNode     *node,
                                             gint64               elapsed_ns,
                                             gpointer             user_data);
AugurImage   *augur_node_apply_observed     (const AugurNode     *node,
                                             const AugurImage    *src,
                                             const AugurReplay   *replay,
                                             AugurStepObserver    observer,
                                             gpointer             user_data);
AugurImage   *augur_node_run                (const AugurNode     *node,
                                             const AugurImage    *src,
                                             guint64              seed,
                                             AugurReplay        **replay_out);
void          augur_node_output_shape       (const AugurNode     *node,
                                             const AugurReplay   *replay,
                                             const AugurShape    *in,
                                             AugurShape          *out);

AugurReplay  *augur_replay_new              (int                  index);
void          augur_replay_free             (AugurReplay         *replay);
JsonNode     *augur_replay_to_json          (const AugurReplay   *replay,
                                             const AugurNode     *node);
AugurReplay  *augur_replay_from_json        (JsonNode            *json,
                                             const AugurNode     *node,
                                             GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurNode, augur_node_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurReplay, augur_replay_free)

G_END_DECLS
