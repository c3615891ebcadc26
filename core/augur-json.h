/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Shared by every reader of untrusted JSON (recipes, manifests). */
JsonNode    *augur_json_parse_limited  (const char         *data,
                                        gssize              length,
                                        gsize               max_bytes,
                                        guint               max_depth,
                                        GError            **error);
char        *augur_json_to_string      (JsonNode           *node,
                                        gboolean            pretty);

G_END_DECLS
