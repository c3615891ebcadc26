/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-batch"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "augur-file.h"
#include "augur-json.h"
#include "augur-manifest.h"
#include "augur-recipe.h"
#include "augur-runner.h"

/**
 * augur_manifest_read_line:
 * @max: the longest line accepted, in bytes
 * @too_long: (out): set when the line was longer than @max; it is then read
 *   to its end and @line is left empty
 *
 * Reads one line (without its newline, nor a final carriage return) into
 * @line. A NUL byte is kept, so that the JSON reader refuses the line with
 * its number: fgets would end the string there and glue the rest of the line
 * to the next one.
 *
 * Returns: FALSE at the end of the file, or on a read error (then set)
 */
gboolean
augur_manifest_read_line (FILE      *file,
                          GString   *line,
                          gsize      max,
                          gboolean  *too_long,
                          GError   **error)
{
  gboolean any = FALSE;
  int c;

  g_string_truncate (line, 0);
  *too_long = FALSE;

  while ((c = getc_unlocked (file)) != EOF)
    {
      any = TRUE;
      if (c == '\n')
        break;
      if (*too_long)
        continue;
      if (line->len + 1 > max)
        {
          *too_long = TRUE;
          g_string_truncate (line, 0);
          continue;
        }
      g_string_append_c (line, (char) c);
    }

  if (ferror (file))
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "read error: %s", g_strerror (errno));
      return FALSE;
    }
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  return any;
}

/* Merging shards ------------------------------------------------------------------ */

typedef struct
{
  gint64  root;
  char   *source;
  gint64  variant;
  char   *output;
  char   *text;    /* the line as the shard wrote it */
  guint   shard;   /* 1-based, for messages */
  guint   lineno;
} MergeLine;

static void
merge_line_free (MergeLine *line)
{
  g_free (line->source);
  g_free (line->output);
  g_free (line->text);
  g_free (line);
}

/* The order of a single run: input folder, input key bytewise, variant. */
static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  const MergeLine *x = *(MergeLine *const *) a;
  const MergeLine *y = *(MergeLine *const *) b;
  int c;

  if (x->root != y->root)
    return x->root < y->root ? -1 : 1;
  c = strcmp (x->source, y->source);
  if (c != 0)
    return c;
  return x->variant < y->variant ? -1 : x->variant > y->variant;
}

/**
 * augur_manifest_parse_line:
 *
 * Parses one manifest line, which must be a JSON object, within the size
 * and depth limits of untrusted manifests.
 *
 * Returns: (transfer full) (nullable): the object's node
 */
JsonNode *
augur_manifest_parse_line (const char  *text,
                           gsize        length,
                           GError     **error)
{
  JsonNode *node = augur_json_parse_limited (text, (gssize) length, AUGUR_MANIFEST_MAX_LINE,
                                             AUGUR_RECIPE_MAX_DEPTH * 4 + 8, error);

  if (node != NULL && !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST, "expected a JSON object");
      g_clear_pointer (&node, json_node_unref);
    }
  return node;
}

static gboolean
object_int (JsonObject *object,
            const char *name,
            gint64     *out)
{
  JsonNode *member = json_object_get_member (object, name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (member);
  return TRUE;
}

static const char *
object_string (JsonObject *object,
               const char *name)
{
  JsonNode *member = json_object_get_member (object, name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (member);
}

/* The header's "shard": [I, N] with 1 <= I <= N; the member is removed. */
static gboolean
take_shard (JsonObject  *header,
            guint       *index,
            guint       *count,
            GError     **error)
{
  JsonNode *member = json_object_get_member (header, "shard");
  JsonArray *array;
  gint64 i, n;

  if (member == NULL)
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                   "not a shard's manifest (its header has no \"shard\": it was written by a run "
                   "without --shard)");
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (member) || json_array_get_length (array = json_node_get_array (member)) != 2 ||
      json_node_get_value_type (json_array_get_element (array, 0)) != G_TYPE_INT64 ||
      json_node_get_value_type (json_array_get_element (array, 1)) != G_TYPE_INT64 ||
      (n = json_array_get_int_element (array, 1)) < 2 || n > G_MAXINT ||
      (i = json_array_get_int_element (array, 0)) < 1 || i > n)
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                   "shard: expected [I, N] with 1 <= I <= N and N >= 2");
      return FALSE;
    }
  *index = (guint) i;
  *count = (guint) n;
  json_object_remove_member (header, "shard");
  return TRUE;
}

/* The first member whose value differs between two headers (which are
 * objects with the same writer, so members come in the same order). */
static const char *
first_difference (JsonObject *a,
                  JsonObject *b)
{
  static const char *const members[] = { "manifest", "version", "recipe", "format", "quality", "inputs", NULL };

  for (guint i = 0; members[i]; i++)
    {
      JsonNode *x = json_object_get_member (a, members[i]);
      JsonNode *y = json_object_get_member (b, members[i]);

      if ((x == NULL) != (y == NULL) || (x != NULL && !json_node_equal (x, y)))
        return members[i];
    }
  return NULL;
}

static const char *
describe_difference (const char *member)
{
  if (g_str_equal (member, "recipe"))
    return "the recipe or its seed";
  if (g_str_equal (member, "inputs"))
    return "the input folders";
  if (g_str_equal (member, "format") || g_str_equal (member, "quality"))
    return "the output format or quality";
  return "the manifest version";
}

/* Reads one shard: its header into @header (shard member removed), its
 * lines appended to @lines. */
static gboolean
read_shard (const char  *path,
            guint       *index,
            guint       *count,
            JsonNode   **header,
            GPtrArray   *lines,
            GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(GString) line = g_string_new (NULL);
  GStatBuf st;
  FILE *file;
  gboolean too_long;
  guint lineno = 0;
  int fd;

  /* Opened without blocking, and refused unless a regular file: a FIFO
   * would hang the merge, a device never end. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, fd < 0 ? g_file_error_from_errno (saved) : G_FILE_ERROR_INVAL,
                   "%s: %s", display, fd < 0 ? g_strerror (saved) : "not a regular file");
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  file = fdopen (fd, "rb");
  if (file == NULL)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", display, g_strerror (errno));
      close (fd);
      return FALSE;
    }

  for (;;)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(JsonNode) node = NULL;
      JsonObject *object;
      MergeLine *entry;
      const char *source, *output;

      if (!augur_manifest_read_line (file, line, AUGUR_MANIFEST_MAX_LINE, &too_long, &local))
        {
          if (local != NULL)
            {
              g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", display);
              fclose (file);
              return FALSE;
            }
          break;
        }
      lineno++;
      if (too_long)
        {
          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                       "%s:%u: longer than %d bytes", display, lineno, AUGUR_MANIFEST_MAX_LINE);
          fclose (file);
          return FALSE;
        }
      node = augur_manifest_parse_line (line->str, line->len, &local);
      if (node == NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s:%u: ", display, lineno);
          fclose (file);
          return FALSE;
        }
      object = json_node_get_object (node);

      if (lineno == 1)
        {
          const char *format = object_string (object, "manifest");

          if (format == NULL || !g_str_equal (format, AUGUR_MANIFEST_FORMAT))
            {
              g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                           "%s:1: not an Augur manifest header", display);
              fclose (file);
              return FALSE;
            }
          if (!take_shard (object, index, count, &local))
            {
              g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s:1: ", display);
              fclose (file);
              return FALSE;
            }
          *header = g_steal_pointer (&node);
          continue;
        }

      /* A shard's annotation-loss report: the merge sums the lines again. */
      if (json_object_has_member (object, AUGUR_LABEL_REPORT_MEMBER))
        continue;

      entry = g_new0 (MergeLine, 1);
      g_ptr_array_add (lines, entry);
      source = object_string (object, "source");
      output = object_string (object, "output");
      if (source == NULL || output == NULL || !object_int (object, "root", &entry->root) ||
          !object_int (object, "variant", &entry->variant))
        {
          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                       "%s:%u: expected an output line with \"source\", \"root\", \"output\" and "
                       "\"variant\"", display, lineno);
          fclose (file);
          return FALSE;
        }
      entry->source = g_strdup (source);
      entry->output = g_strdup (output);
      entry->text = g_strndup (line->str, line->len);
      entry->shard = *index;
      entry->lineno = lineno;
    }

  fclose (file);
  if (*header == NULL)
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST, "%s: empty", display);
      return FALSE;
    }
  return TRUE;
}

/* Runs with labels end with the sum of their lines' label numbers: the
 * merged manifest ends with the sum over all the shards' lines, in the
 * merged order, which is what a single run writes. */
static gboolean
append_label_report (GPtrArray  *lines,
                     GString    *merged,
                     GError    **error)
{
  g_autoptr(AugurLabelReport) report = augur_label_report_new ();
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  gboolean any = FALSE;

  for (guint i = 0; i < lines->len; i++)
    {
      const MergeLine *line = lines->pdata[i];
      g_autoptr(JsonNode) node = augur_manifest_parse_line (line->text, strlen (line->text), error);
      JsonNode *labels;

      if (node == NULL)
        return FALSE;
      labels = json_object_get_member (json_node_get_object (node), AUGUR_LABEL_LINE_MEMBER);
      if (labels == NULL)
        continue;
      any = TRUE;
      if (!augur_label_report_add (report, labels, error))
        {
          g_prefix_error (error, "line %u of shard %u: ", line->lineno, line->shard);
          return FALSE;
        }
    }
  if (!any)
    return TRUE;
  json = augur_label_report_to_json (report);
  text = augur_json_to_string (json, FALSE);
  g_string_append (merged, text);
  g_string_append_c (merged, '\n');
  return TRUE;
}

gboolean
augur_manifest_merge (const char * const  *shards,
                      const char          *output,
                      guint               *n_lines,
                      GError             **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) merge_line_free);
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(GHashTable) outputs = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree const char **seen = NULL;
  g_autoptr(GString) merged = NULL;
  g_autofree char *header_text = NULL;
  guint n_shards = g_strv_length ((char **) shards), count = 0;

  g_return_val_if_fail (shards != NULL && output != NULL, FALSE);

  if (n_shards == 0)
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST, "no shard manifests given");
      return FALSE;
    }

  for (guint s = 0; s < n_shards; s++)
    {
      g_autoptr(JsonNode) header = NULL;
      g_autofree char *display = g_filename_display_name (shards[s]);
      guint index = 0, n = 0;
      const char *differs;

      if (!read_shard (shards[s], &index, &n, &header, lines, error))
        return FALSE;

      if (first == NULL)
        {
          count = n;
          seen = g_new0 (const char *, count + 1);
          first = g_steal_pointer (&header);
        }
      else if (n != count)
        {
          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                       "%s: shard %u of %u, but %s is a shard of %u", display, index, n,
                       g_filename_display_name (shards[0]), count);
          return FALSE;
        }
      else if ((differs = first_difference (json_node_get_object (first), json_node_get_object (header))))
        {
          g_autofree char *display0 = g_filename_display_name (shards[0]);

          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                       "%s and %s are shards of different runs: %s differ (header member \"%s\")",
                       display0, display, describe_difference (differs), differs);
          return FALSE;
        }

      if (seen[index] != NULL)
        {
          g_autofree char *earlier = g_filename_display_name (seen[index]);

          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                       "shard %u of %u is given twice: %s and %s", index, count, earlier, display);
          return FALSE;
        }
      seen[index] = shards[s];
    }

  for (guint i = 1; i <= count; i++)
    if (seen[i] == NULL)
      {
        g_autoptr(GString) missing = g_string_new (NULL);

        for (guint j = i; j <= count; j++)
          if (seen[j] == NULL)
            g_string_append_printf (missing, "%s%u", missing->len ? ", " : "", j);
        g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                     "missing shard%s %s of %u", strchr (missing->str, ',') ? "s" : "", missing->str, count);
        return FALSE;
      }

  g_ptr_array_sort (lines, compare_lines);

  for (guint i = 0; i < lines->len; i++)
    {
      MergeLine *line = lines->pdata[i];
      MergeLine *other = g_hash_table_lookup (outputs, line->output);

      if (other != NULL)
        {
          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                       "the output %s is listed twice: line %u of shard %u and line %u of shard %u",
                       line->output, other->lineno, other->shard, line->lineno, line->shard);
          return FALSE;
        }
      g_hash_table_insert (outputs, line->output, line);
    }

  header_text = augur_json_to_string (first, FALSE);
  merged = g_string_new (header_text);
  g_string_append_c (merged, '\n');
  for (guint i = 0; i < lines->len; i++)
    {
      g_string_append (merged, ((MergeLine *) lines->pdata[i])->text);
      g_string_append_c (merged, '\n');
    }
  if (!append_label_report (lines, merged, error))
    return FALSE;

  if (!augur_file_write_atomic (output, merged->str, merged->len, error))
    return FALSE;
  if (n_lines)
    *n_lines = lines->len;
  return TRUE;
}
