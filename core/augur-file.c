/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "augur-file.h"

struct _AugurFileWriter
{
  char    *path;
  char    *temporary;
  int      fd;         /* -1 once closed */
  gboolean committed;
};

/**
 * augur_file_set_errno_error:
 * @what: (nullable): what was being done ("cannot write")
 *
 * Sets a %G_FILE_ERROR for @saved_errno: "PATH: WHAT: STRERROR".
 *
 * Returns: FALSE, so that a caller may return it
 */
gboolean
augur_file_set_errno_error (GError     **error,
                            int          saved_errno,
                            const char  *path,
                            const char  *what)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "%s: %s%s%s", display, what ? what : "", what ? ": " : "", g_strerror (saved_errno));
  return FALSE;
}

/**
 * augur_file_hidden_sibling:
 *
 * `.NAME.SUFFIX` in @path's folder: hidden, so that a folder walk skips
 * it, and in the same file system, so that a rename to @path is atomic.
 */
char *
augur_file_hidden_sibling (const char *path,
                           const char *suffix)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_strconcat (".", base, ".", suffix, NULL);

  return g_build_filename (dir, name, NULL);
}

/* The name @path is written under until it is complete: `.NAME.part`. */
char *
augur_file_temporary_path (const char *path)
{
  return augur_file_hidden_sibling (path, "part");
}

/**
 * augur_file_writer_new:
 *
 * Starts writing @path. Whatever has the temporary's name already (a
 * `.part` left by a run that was killed, or any file or link of that name)
 * is removed, and the temporary is created with O_EXCL and O_NOFOLLOW: the
 * bytes of the output are only the bytes written through this writer.
 * (GLib 2.74's g_file_set_contents_full() with G_FILE_SET_CONTENTS_DURABLE
 * reopens an existing temporary without truncating it.)
 */
AugurFileWriter *
augur_file_writer_new (const char  *path,
                       GError     **error)
{
  g_autofree char *temporary = NULL;
  AugurFileWriter *writer;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  temporary = augur_file_temporary_path (path);
  if (g_unlink (temporary) != 0 && errno != ENOENT)
    {
      augur_file_set_errno_error (error, errno, temporary, "cannot remove the old temporary file");
      return NULL;
    }
  fd = g_open (temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      augur_file_set_errno_error (error, errno, temporary, "cannot create");
      return NULL;
    }

  writer = g_new0 (AugurFileWriter, 1);
  writer->path = g_strdup (path);
  writer->temporary = g_steal_pointer (&temporary);
  writer->fd = fd;
  return writer;
}

gboolean
augur_file_writer_write (AugurFileWriter  *writer,
                         const void       *data,
                         gsize             length,
                         GError          **error)
{
  const guint8 *p = data;

  g_return_val_if_fail (writer != NULL && writer->fd >= 0, FALSE);

  while (length > 0)
    {
      gssize n = write (writer->fd, p, MIN (length, (gsize) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return augur_file_set_errno_error (error, errno, writer->temporary, "cannot write");
      p += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/**
 * augur_file_writer_commit:
 *
 * Flushes the temporary to disk, closes it and renames it to the final
 * path. On failure the temporary is removed (by augur_file_writer_free()).
 */
gboolean
augur_file_writer_commit (AugurFileWriter  *writer,
                          GError          **error)
{
  int fd;

  g_return_val_if_fail (writer != NULL && writer->fd >= 0, FALSE);

  fd = writer->fd;
  writer->fd = -1;
  if (fsync (fd) != 0)
    {
      int saved_errno = errno;

      close (fd);
      return augur_file_set_errno_error (error, saved_errno, writer->temporary, "cannot write");
    }
  if (close (fd) != 0)
    return augur_file_set_errno_error (error, errno, writer->temporary, "cannot write");
  if (g_rename (writer->temporary, writer->path) != 0)
    return augur_file_set_errno_error (error, errno, writer->path, "cannot rename the finished file");
  writer->committed = TRUE;
  return TRUE;
}

/* Frees @writer; a temporary never committed is removed. */
void
augur_file_writer_free (AugurFileWriter *writer)
{
  if (writer == NULL)
    return;
  if (writer->fd >= 0)
    close (writer->fd);
  if (!writer->committed)
    g_unlink (writer->temporary);
  g_free (writer->path);
  g_free (writer->temporary);
  g_free (writer);
}

/**
 * augur_file_write_atomic:
 *
 * Writes @data to @path through an #AugurFileWriter: the file under @path
 * is the old one or exactly @data, never anything else.
 */
gboolean
augur_file_write_atomic (const char  *path,
                         const char  *data,
                         gsize        length,
                         GError     **error)
{
  g_autoptr(AugurFileWriter) writer = augur_file_writer_new (path, error);

  return writer != NULL &&
         augur_file_writer_write (writer, data, length, error) &&
         augur_file_writer_commit (writer, error);
}
