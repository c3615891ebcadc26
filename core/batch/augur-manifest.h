/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean augur_manifest_read_line (FILE      *file,
                                   GString   *line,
                                   gsize      max,
                                   gboolean  *too_long,
                                   GError   **error);
JsonNode *augur_manifest_parse_line (const char  *text,
                                     gsize        length,
                                     GError     **error);

/**
 * augur_manifest_merge:
 * @shards: the manifests written by the shards of one run (`apply --shard
 *   I/N`), in any order, NULL-terminated
 * @output: where to write the merged manifest (atomically)
 * @n_lines: (out) (optional): how many output lines it lists
 *
 * Joins the manifests of the N shards of one run into the manifest a single
 * run writes: the same header (without its "shard" member) and the same
 * lines in the same order (by input folder, then input path bytewise, then
 * variant). Refuses shards of different runs (recipe, seed, format,
 * quality or inputs differ: the message names the member), a missing or
 * repeated shard, a manifest that is not a shard's, and an output listed
 * twice.
 */
gboolean augur_manifest_merge (const char * const  *shards,
                               const char          *output,
                               guint               *n_lines,
                               GError             **error);

G_END_DECLS
