/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-error.h"
#include "augur-json.h"

/* Untrusted JSON ----------------------------------------------------------------- */

/* json-glib 1.6 has no nesting limit, and it is lenient: it accepts C
 * comments, single-quoted strings and a second document after the first.
 * So the text is checked before the parser sees it, by a scan that knows
 * just enough of the JSON grammar to be exact: outside strings only JSON's
 * punctuation, numbers and the words true, false and null may appear (a
 * comment could otherwise hide a quote from the depth count), brackets are
 * counted for the depth, and nothing but white space may follow the
 * document. */
/* A number as written: an integer must fit in 64 bits and a fraction must
 * be finite, else json-glib reads 99999999999999999999 as -1 and 1e400 as
 * infinity, and a message would quote a value nobody wrote. */
static gboolean
number_check (const char  *text,
              gsize        len,
              guint        line,
              GError     **error)
{
  g_autofree char *copy = NULL;
  const char *digits;

  if (len > 64)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "line %u: a number of more than 64 characters (%.20s...)", line, text);
      return FALSE;
    }
  copy = g_strndup (text, len);
  digits = copy + (copy[0] == '-');
  if (strpbrk (copy, ".eE") == NULL)
    {
      if (*digits != '\0' && strspn (digits, "0123456789") == strlen (digits) &&
          !g_ascii_string_to_signed (copy, 10, G_MININT64, G_MAXINT64, NULL, NULL))
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "line %u: the integer %s does not fit in 64 bits", line, copy);
          return FALSE;
        }
    }
  else if (isinf (g_ascii_strtod (copy, NULL)))
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "line %u: the number %s is beyond the range of a double", line, copy);
      return FALSE;
    }
  return TRUE;   /* anything else malformed, json-glib refuses */
}

static gboolean
json_text_check (const char  *data,
                 gsize        len,
                 guint        max_depth,
                 GError     **error)
{
  guint depth = 0, line = 1;
  gboolean in_string = FALSE, done = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (c == '\n')
        line++;

      if (in_string)
        {
          if (c == '\\' && i + 5 < len && data[i + 1] == 'u' && strncmp (data + i + 2, "0000", 4) == 0)
            {
              /* json-glib decodes it, and the C string ends there:
               * "HorizontalFlip\u0000Evil" would read as HorizontalFlip. */
              g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                           "line %u: a string holds a NUL character (\\u0000)", line);
              return FALSE;
            }
          if (c == '\\')
            i++;
          else if (c == '"')
            {
              in_string = FALSE;
              done = depth == 0;
            }
          continue;
        }

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        continue;

      if (done)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "line %u: unexpected text after the end of the JSON document", line);
          return FALSE;
        }

      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            {
              g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                           "line %u: JSON nested deeper than %u levels", line, max_depth);
              return FALSE;
            }
        }
      else if (c == '}' || c == ']')
        {
          if (depth == 0)
            {
              g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                           "line %u: not valid JSON: unbalanced '%c'", line, c);
              return FALSE;
            }
          done = --depth == 0;
        }
      else if (c == '-' || g_ascii_isdigit (c))
        {
          gsize end = i;

          while (end < len && (g_ascii_isdigit (data[end]) || strchr ("+-.eE", data[end]) != NULL))
            end++;
          if (!number_check (data + i, end - i, line, error))
            return FALSE;
          i = end - 1;
          done = depth == 0;
        }
      else if (c == ':' || c == ',' || c == '+' || c == '.')
        {
          /* Punctuation (json-glib itself refuses a stray sign or point, and
           * a second scalar after a scalar document). */
        }
      else if (g_ascii_isalpha (c))
        {
          gsize end = i;

          while (end < len && g_ascii_isalpha (data[end]))
            end++;
          if (!((end - i == 4 && strncmp (data + i, "true", 4) == 0) ||
                (end - i == 5 && strncmp (data + i, "false", 5) == 0) ||
                (end - i == 4 && strncmp (data + i, "null", 4) == 0) ||
                /* an exponent: 1e5, 2E-3 */
                (end - i == 1 && (c == 'e' || c == 'E') && i > 0 && g_ascii_isdigit (data[i - 1]))))
            {
              g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                           "line %u: not valid JSON: unexpected word \"%.*s\"%s", line,
                           (int) MIN (end - i, 32), data + i,
                           end - i >= 3 && (g_ascii_strncasecmp (data + i, "nan", 3) == 0 ||
                                            g_ascii_strncasecmp (data + i, "inf", 3) == 0)
                           ? " (NaN and Infinity are not JSON numbers)" : "");
              return FALSE;
            }
          i = end - 1;
        }
      else
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "line %u: not valid JSON: unexpected character '%c'%s", line,
                       g_ascii_isprint (c) ? c : '?',
                       c == '/' ? " (JSON has no comments)" : c == '\'' ? " (JSON strings take double quotes)" : "");
          return FALSE;
        }
    }

  if (in_string || depth > 0)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "line %u: not valid JSON: the document ends early", line);
      return FALSE;
    }

  return TRUE;
}

/* json-glib keeps the last of two members of the same name: every member
 * parsed is counted per object, and an object with more members parsed
 * than it holds had a name twice. */
typedef struct
{
  GHashTable *counts; /* JsonObject -> members parsed */
  char       *name;   /* the first name seen twice */
  guint       line;
} Duplicate;

static void
on_object_member (JsonParser *parser,
                  JsonObject *object,
                  const char *name,
                  gpointer    user_data)
{
  Duplicate *duplicate = user_data;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (duplicate->counts, object)) + 1;

  g_hash_table_insert (duplicate->counts, object, GUINT_TO_POINTER (n));
  if (n > json_object_get_size (object) && duplicate->name == NULL)
    {
      duplicate->name = g_strdup (name);
      duplicate->line = json_parser_get_current_line (parser);
    }
}

/**
 * augur_json_parse_limited:
 *
 * Parses untrusted JSON text: refused when longer than @max_bytes, not
 * UTF-8, nested deeper than @max_depth brackets, empty, not strict JSON, or
 * followed by anything but white space. Every error is in the AUGUR_ERROR
 * domain (AUGUR_ERROR_TOO_LARGE for the limits, AUGUR_ERROR_INVALID_RECIPE
 * otherwise).
 */
JsonNode *
augur_json_parse_limited (const char  *data,
                          gssize       length,
                          gsize        max_bytes,
                          guint        max_depth,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  g_autofree char *duplicate_name = NULL;
  Duplicate duplicate = { counts, NULL, 0 };
  gboolean parsed;
  gsize len;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  len = length < 0 ? strlen (data) : (gsize) length;
  if (len > max_bytes)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                   "%" G_GSIZE_FORMAT " bytes, over the limit of %" G_GSIZE_FORMAT, len, max_bytes);
      return NULL;
    }
  if (len == 0 || data == NULL)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "empty document");
      return NULL;
    }
  /* A UTF-8 byte order mark, as some editors write, is not JSON: skip it. */
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      len -= 3;
    }
  {
    const char *nul = memchr (data, '\0', len);
    const char *bad = NULL;

    if (nul != NULL)
      {
        g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                     "not UTF-8 text: a NUL byte at offset %" G_GSIZE_FORMAT, (gsize) (nul - data));
        return NULL;
      }
    if (!g_utf8_validate (data, (gssize) len, &bad))
      {
        g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                     "not UTF-8 text: an invalid byte at offset %" G_GSIZE_FORMAT, (gsize) (bad - data));
        return NULL;
      }
  }
  if (!json_text_check (data, len, max_depth, error))
    return NULL;

  parser = json_parser_new_immutable ();
  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &duplicate);
  parsed = json_parser_load_from_data (parser, data, (gssize) len, &local_error);
  duplicate_name = duplicate.name;
  if (!parsed)
    {
      /* "<data>:1:8: Parse error: ..." reads better as "line 1:8: ...". */
      const char *message = local_error->message;

      if (g_str_has_prefix (message, "<data>:"))
        message += strlen ("<data>:");
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "not valid JSON: line %s", message);
      return NULL;
    }

  if (duplicate_name != NULL)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                   "line %u: \"%s\" appears twice in one object", duplicate.line, duplicate_name);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE, "empty document");
      return NULL;
    }
  return json_node_ref (root);
}

/* Writing JSON: stable and readable --------------------------------------------- */

/* The shortest text that reads back as the same double, and always with a
 * decimal point or exponent so that it reads back as a number, not an
 * integer: 0.1 is written "0.1", not json-glib's "0.10000000000000001". */
static void
append_double (GString *s,
               double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (v))
    {
      g_string_append (s, "null");
      return;
    }
  for (int precision = 1; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, v);
      /* Plain notation for everyday magnitudes: -90.0, not -9e+01. */
      if (g_ascii_strtod (buf, NULL) == v &&
          (strpbrk (buf, "eE") == NULL || fabs (v) < 1e-5 || fabs (v) >= 1e16))
        break;
    }
  g_string_append (s, buf);
  if (strpbrk (buf, ".eEn") == NULL)
    g_string_append (s, ".0");
}

static void
append_string (GString    *s,
               const char *str)
{
  g_string_append_c (s, '"');
  for (const char *p = str; *p; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':  g_string_append (s, "\\\""); break;
        case '\\': g_string_append (s, "\\\\"); break;
        case '\n': g_string_append (s, "\\n"); break;
        case '\r': g_string_append (s, "\\r"); break;
        case '\t': g_string_append (s, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (s, "\\u%04x", c);
          else
            g_string_append_c (s, (char) c);
        }
    }
  g_string_append_c (s, '"');
}

static gboolean
is_scalar (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) || JSON_NODE_HOLDS_NULL (node);
}

static gboolean
is_flat (JsonNode *node)
{
  /* Written on one line: scalars, lists of scalars and small objects of them
   * ({"x": [..], "y": [..]} in parameters). */
  if (is_scalar (node))
    return TRUE;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!is_scalar (json_array_get_element (array, i)))
          return FALSE;
      return json_array_get_length (array) <= 8;
    }
  return FALSE;
}

static void
append_node (GString  *s,
             JsonNode *node,
             gboolean  pretty,
             int       indent)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      g_string_append (s, "null");
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_BOOLEAN:
          g_string_append (s, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_INT64:
          g_string_append_printf (s, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (s, json_node_get_double (node));
          break;
        case G_TYPE_STRING:
          append_string (s, json_node_get_string (node));
          break;
        default:
          g_string_append (s, "null");
        }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);
        gboolean multi = pretty && !is_flat (node);

        g_string_append_c (s, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i)
              g_string_append (s, pretty && !multi ? ", " : ",");
            if (multi)
              g_string_append_printf (s, "\n%*s", indent + 2, "");
            append_node (s, json_array_get_element (array, i), pretty, indent + 2);
          }
        if (multi && n)
          g_string_append_printf (s, "\n%*s", indent, "");
        g_string_append_c (s, ']');
      }
      break;

    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object); /* insertion order */
        gboolean multi = pretty;
        gboolean flat = TRUE;

        for (GList *l = members; l; l = l->next)
          flat = flat && is_flat (json_object_get_member (object, l->data));
        if (flat && g_list_length (members) <= 2)
          multi = FALSE;

        g_string_append_c (s, '{');
        for (GList *l = members; l; l = l->next)
          {
            if (l != members)
              g_string_append (s, pretty && !multi ? ", " : ",");
            if (multi)
              g_string_append_printf (s, "\n%*s", indent + 2, "");
            append_string (s, l->data);
            g_string_append (s, pretty ? ": " : ":");
            append_node (s, json_object_get_member (object, l->data), pretty, indent + 2);
          }
        if (multi && members)
          g_string_append_printf (s, "\n%*s", indent, "");
        g_string_append_c (s, '}');
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

/**
 * augur_json_to_string:
 * @pretty: indented, for files people read and diff; otherwise one line,
 *   for JSON lines
 *
 * Members are written in insertion order, which the writers keep fixed.
 */
char *
augur_json_to_string (JsonNode *node,
                      gboolean  pretty)
{
  GString *s = g_string_new (NULL);

  append_node (s, node, pretty, 0);
  if (pretty)
    g_string_append_c (s, '\n');
  return g_string_free (s, FALSE);
}
