/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AugurFileWriter:
 *
 * A file written under a temporary name beside its final path and renamed
 * over it once complete and flushed: a reader sees the old file or the new
 * one, never half of one, and never bytes of whatever had the temporary's
 * name before (the temporary is created anew, exclusively).
 */
typedef struct _AugurFileWriter AugurFileWriter;

AugurFileWriter *augur_file_writer_new      (const char       *path,
                                             GError          **error);
gboolean         augur_file_writer_write    (AugurFileWriter  *writer,
                                             const void       *data,
                                             gsize             length,
                                             GError          **error);
gboolean         augur_file_writer_commit   (AugurFileWriter  *writer,
                                             GError          **error);
void             augur_file_writer_free     (AugurFileWriter  *writer);

gboolean         augur_file_set_errno_error (GError          **error,
                                             int               saved_errno,
                                             const char       *path,
                                             const char       *what);
char            *augur_file_hidden_sibling  (const char       *path,
                                             const char       *suffix);
char            *augur_file_temporary_path  (const char       *path);
gboolean         augur_file_write_atomic    (const char       *path,
                                             const char       *data,
                                             gsize             length,
                                             GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurFileWriter, augur_file_writer_free)

G_END_DECLS
