/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-pipeline.h"

G_BEGIN_DECLS

/* The largest n a SomeOf or RandomOrder group accepts. */
#define AUGUR_GROUP_MAX_N 1000

/**
 * AugurGroupInfo:
 *
 * One group kind, declared once, as the transform table declares each
 * transform: the recipe reader validates a group's fields and its n against
 * it, and the editor, the draw view and the step chooser take their labels,
 * descriptions, icons and limits from it.
 *
 * @name is the recipe's "type" and Albumentations' class name. @label is
 * how rows and lists show the kind ("One of"), @menu_label how menus do
 * (header capitalisation: "One Of"). @order says how the chosen steps run,
 * for one-line summaries ("3 of 5, shuffled"). @fields lists every member a
 * recipe step of this kind may hold. Only kinds with @has_count take `n`
 * (an integer in [@n_min, @n_max]; when a recipe leaves it out, every step
 * if @n_default_all, else @n_min) and `replace`.
 */
typedef struct
{
  AugurNodeKind      kind;
  const char        *name;
  const char        *label;
  const char        *menu_label;
  const char        *description;
  const char        *icon_name;
  const char        *accel;
  const char        *order;
  const char *const *fields;
  gboolean           has_count;
  int                n_min;
  int                n_max;
  gboolean           n_default_all;
} AugurGroupInfo;

const AugurGroupInfo *augur_groups_list       (guint                 *n_groups);
const AugurGroupInfo *augur_group_info        (AugurNodeKind          kind);
const AugurGroupInfo *augur_group_lookup      (const char            *name);
int                   augur_group_default_n   (const AugurGroupInfo  *info,
                                               guint                  n_steps);
gboolean              augur_group_check_n     (const AugurGroupInfo  *info,
                                               gint64                 n,
                                               GError               **error);

G_END_DECLS
