/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "augur-reference.h"
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
 * Every node has an @id, unique within its tree ("rotate-1"): its identity,
 * kept through save, copy, undo and moves. Each visit of a node in a draw
 * draws from its own generator, seeded from (the draw's seed, the node's id,
 * how many times the node was visited before in this draw), so that
 * switching a step off, moving it or changing its p leaves every other
 * step's draws as they were. A node without an id (built in code) samples as
 * if it had the one augur_node_ensure_ids() would give it.
 *
 * A node tree is plain mutable data, owned by whoever holds it; the GUI hands
 * a copy (augur_node_copy()) to each worker.
 */
typedef struct _AugurNode AugurNode;

struct _AugurNode
{
  AugurNodeKind             kind;
  char                     *id;       /* NULL until given one */
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
  GPtrArray  *steps;       /* AugurReplay, groups only */
  char      **references;  /* an applied blend's: the keys of the reference
                            * images it drew, in order (NULL-terminated) */
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
gboolean      augur_node_equal_settings     (const AugurNode     *a,
                                             const AugurNode     *b);
guint64       augur_node_hash               (const AugurNode     *node);
guint         augur_node_count_transforms   (const AugurNode     *node);

#define AUGUR_NODE_ID_MAX 64

gboolean      augur_node_id_check           (const char          *id,
                                             GError             **error);
char         *augur_node_id_prefix          (const AugurNode     *node);
gboolean      augur_node_has_ids            (const AugurNode     *node);
void          augur_node_ensure_ids         (AugurNode           *root);
void          augur_node_clear_ids          (AugurNode           *node);
AugurNode    *augur_node_find_id            (AugurNode           *root,
                                             const char          *id);

/* Group semantics, next to the sampler that follows them. */
double        augur_pipeline_child_share    (const AugurNode     *group,
                                             guint                index);

AugurReplay  *augur_node_sample             (const AugurNode     *node,
                                             const AugurShape    *in,
                                             guint64              draw_seed);
AugurReplay  *augur_node_sample_forced      (const AugurNode     *node,
                                             const AugurShape    *in,
                                             guint64              draw_seed);
AugurImage   *augur_node_apply              (const AugurNode     *node,
                                             const AugurImage    *src,
                                             const AugurReplay   *replay);
AugurImage   *augur_node_apply_cancellable  (const AugurNode     *node,
                                             const AugurImage    *src,
                                             const AugurReplay   *replay,
                                             GCancellable        *cancellable,
                                             GError             **error);
typedef void (*AugurStepObserver)            (const AugurNode     *node,
                                             gint64               elapsed_ns,
                                             gpointer             user_data);
AugurImage   *augur_node_apply_observed     (const AugurNode     *node,
                                             const AugurImage    *src,
                                             const AugurReplay   *replay,
                                             AugurStepObserver    observer,
                                             gpointer             user_data);
/* With a reference pool, for pipelines that hold blends: the choice of
 * each blend's references is drawn from the blend's own stream and
 * recorded by key; an enabled blend with an empty pool, or a replay naming
 * a key the pool lacks, is an error naming the step. The functions above
 * have no pool: their draws leave blends out (recorded as not applied),
 * and applying a replay in which a blend applied is a programming error
 * there. */
gboolean      augur_node_has_blends         (const AugurNode     *node);
gboolean      augur_node_find_references    (const AugurNode     *node,
                                             const AugurReplay   *replay,
                                             AugurReferencePool  *pool,
                                             guint               *indices,
                                             GError             **error);
gboolean      augur_node_check_references   (const AugurNode     *node,
                                             const AugurReferencePool *pool,
                                             GError             **error);
AugurReplay  *augur_node_sample_full        (const AugurNode     *node,
                                             const AugurShape    *in,
                                             guint64              draw_seed,
                                             gboolean             forced,
                                             AugurReferencePool  *pool,
                                             GError             **error);
AugurImage   *augur_node_apply_full         (const AugurNode     *node,
                                             const AugurImage    *src,
                                             const AugurReplay   *replay,
                                             AugurReferencePool  *pool,
                                             AugurStepObserver    observer,
                                             gpointer             user_data,
                                             GError             **error);
AugurImage   *augur_node_apply_full_cancellable (const AugurNode  *node,
                                                const AugurImage *src,
                                                const AugurReplay *replay,
                                                AugurReferencePool *pool,
                                                GCancellable     *cancellable,
                                                GError          **error);
AugurImage   *augur_node_run_full           (const AugurNode     *node,
                                             const AugurImage    *src,
                                             guint64              seed,
                                             AugurReferencePool  *pool,
                                             AugurReplay        **replay_out,
                                             GError             **error);
typedef void (*AugurStepFunc)                (const AugurNode     *node,
                                             const AugurDrawn    *drawn,
                                             gpointer             user_data);
void          augur_node_foreach_applied    (const AugurNode     *node,
                                             const AugurReplay   *replay,
                                             AugurStepFunc        func,
                                             gpointer             user_data);
typedef void (*AugurReplayStepFunc)          (const AugurNode     *node,
                                             const AugurReplay   *step,
                                             gpointer             user_data);
void          augur_node_foreach_applied_replay (const AugurNode *node,
                                             const AugurReplay   *replay,
                                             AugurReplayStepFunc  func,
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
