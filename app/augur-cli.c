/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-cli"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "augur-albumentations.h"
#include "augur-cost.h"
#include "augur-error.h"
#include "augur-gallery.h"
#include "augur-json.h"
#include "augur-file.h"
#include "augur-leakage.h"
#include "augur-manifest.h"
#include "augur-profile.h"
#include "augur-recipe.h"
#include "augur-runner.h"
#include "augur-sheet.h"
#include "augur-stress.h"

/* Exit codes. */
enum
{
  EXIT_OK = 0,
  EXIT_FAILURE_RUNTIME = 1,
  EXIT_USAGE = 2,
};

static const char *current_command;

static void message (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Every message goes to stderr, prefixed with the program's name. */
static void
message (const char *format,
         ...)
{
  va_list args;

  fputs ("augur-cli: ", stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
}

static int usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* A decimal integer option in [@lo, @hi], the whole text. */
static gboolean
parse_int_option (const char *text,
                  gint64      lo,
                  gint64      hi,
                  int        *out)
{
  gint64 value;

  if (!g_ascii_string_to_signed (text, 10, lo, hi, &value, NULL))
    return FALSE;
  *out = (int) value;
  return TRUE;
}

/* A quantity with an optional suffix: K, M, G, T (powers of @base, 1000
 * for operations, 1024 for bytes), e.g. "30G" or "512M"; 0 means no limit. */
static gboolean
parse_quantity (const char *text,
                double      base,
                double     *out)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  gsize len = strlen (copy);
  double factor = 1, value;
  char *end;

  if (len == 0)
    return FALSE;
  switch (g_ascii_toupper (copy[len - 1]))
    {
    case 'K': factor = base; break;
    case 'M': factor = base * base; break;
    case 'G': factor = base * base * base; break;
    case 'T': factor = base * base * base * base; break;
    default: break;
    }
  if (factor > 1)
    copy[--len] = '\0';
  value = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !(value >= 0) || value * factor > 1e18)
    return FALSE;
  *out = value * factor;
  return TRUE;
}

static int
usage_error (const char *format,
             ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  message ("%s", text);
  if (current_command)
    message ("try 'augur-cli %s --help'", current_command);
  else
    message ("try 'augur-cli --help'");
  return EXIT_USAGE;
}

static int
runtime_error (const GError *error)
{
  message ("%s", error->message);
  return EXIT_FAILURE_RUNTIME;
}

static char *
format_number (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", v));
}

/* Parses a command's options; a parse error is a usage error. */
static gboolean
parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv,
               int             *status)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = usage_error ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

static GOptionContext *
command_context (const char *parameters,
                 const char *summary)
{
  GOptionContext *context = g_option_context_new (parameters);

  g_option_context_set_summary (context, summary);
  return context;
}

static gboolean
parse_seed (const char *text,
            guint64    *seed)
{
  g_autoptr(GError) error = NULL;

  return g_ascii_string_to_unsigned (text, 10, 0, AUGUR_SEED_MASK, seed, &error);
}

/* list ------------------------------------------------------------------------------- */

static int
command_list (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Write JSON", NULL },
    { NULL }
  };
  const AugurTransformInfo *const *list;
  guint n;
  int status = EXIT_OK;

  context = command_context (NULL, "List the transforms Augur has, from its transform table.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return usage_error ("list: unexpected argument '%s'", argv[1]);

  list = augur_transforms_list (&n);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, list[i]->name);
          json_builder_set_member_name (builder, "label");
          json_builder_add_string_value (builder, list[i]->label);
          json_builder_set_member_name (builder, "category");
          json_builder_add_string_value (builder, list[i]->category);
          json_builder_set_member_name (builder, "description");
          json_builder_add_string_value (builder, list[i]->description);
          json_builder_set_member_name (builder, "default_p");
          json_builder_add_double_value (builder, list[i]->default_p);
          json_builder_set_member_name (builder, "n_params");
          json_builder_add_int_value (builder, list[i]->n_params);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      text = augur_json_to_string (root, TRUE);
      fputs (text, stdout);
      return EXIT_OK;
    }
  else
    {
      int name_width = 4, category_width = 8;

      for (guint i = 0; i < n; i++)
        {
          name_width = MAX (name_width, (int) g_utf8_strlen (list[i]->name, -1));
          category_width = MAX (category_width, (int) g_utf8_strlen (list[i]->category, -1));
        }

      printf ("%-*s  %-*s  %s\n", name_width, "NAME", category_width, "CATEGORY", "DESCRIPTION");
      for (guint i = 0; i < n; i++)
        {
          /* Pad by characters, not bytes ("Colour" fits, so would "Couleur"). */
          int pad = category_width - (int) g_utf8_strlen (list[i]->category, -1);

          printf ("%-*s  %s%*s  %s\n", name_width, list[i]->name,
                  list[i]->category, pad, "", list[i]->description);
        }
    }
  return EXIT_OK;
}

/* describe --------------------------------------------------------------------------- */

static gboolean
has_numeric_limits (const AugurParamSpec *spec)
{
  return spec->type != AUGUR_PARAM_BOOL && spec->type != AUGUR_PARAM_ENUM;
}

/* A JSON value as people write it: [-90, 90], {"x": [0.9, 1.1], ...}. */
static void
append_human (GString  *s,
              JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (s, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append (s, ", ");
            append_human (s, json_array_get_element (array, i));
          }
        g_string_append_c (s, ']');
      }
      break;
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) names = json_object_get_members (object);

        g_string_append_c (s, '{');
        for (GList *l = names; l; l = l->next)
          {
            g_string_append_printf (s, "%s\"%s\": ", l == names ? "" : ", ", (char *) l->data);
            append_human (s, json_object_get_member (object, l->data));
          }
        g_string_append_c (s, '}');
      }
      break;
    case JSON_NODE_NULL:
      g_string_append (s, "null");
      break;
    case JSON_NODE_VALUE:
    default:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        g_string_append_printf (s, "\"%s\"", json_node_get_string (node));
      else if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        g_string_append (s, json_node_get_boolean (node) ? "true" : "false");
      else
        {
          g_autofree char *number = format_number (json_node_get_double (node));

          g_string_append (s, number);
        }
      break;
    }
}

static char *
default_text (const AugurParamSpec *spec)
{
  g_autoptr(JsonNode) node = augur_param_default_json (spec);
  GString *s = g_string_new (NULL);

  append_human (s, node);
  return g_string_free (s, FALSE);
}

static char *
range_text (double lo,
            double hi)
{
  g_autofree char *a = format_number (lo);
  g_autofree char *b = format_number (hi);

  return g_strdup_printf ("%s .. %s", a, b);
}

static char *
choices_text (const AugurParamSpec *spec)
{
  if (spec->nicks == NULL || spec->nicks[0] == NULL)
    return NULL;
  return g_strjoinv (", ", (char **) spec->nicks);
}

static JsonNode *
describe_json (const AugurTransformInfo *info)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, info->name);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, info->label);
  json_builder_set_member_name (builder, "category");
  json_builder_add_string_value (builder, info->category);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, info->description);
  if (info->notes != NULL)
    {
      json_builder_set_member_name (builder, "notes");
      json_builder_add_string_value (builder, info->notes);
    }
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, info->version);
  json_builder_set_member_name (builder, "default_p");
  json_builder_add_double_value (builder, info->default_p);
  json_builder_set_member_name (builder, "spatial");
  json_builder_add_boolean_value (builder, augur_transform_is_spatial (info));
  json_builder_set_member_name (builder, "params");
  json_builder_begin_array (builder);
  for (guint i = 0; i < info->n_params; i++)
    {
      const AugurParamSpec *spec = &info->params[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, spec->name);
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, spec->label);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, augur_param_type_name (spec->type));
      json_builder_set_member_name (builder, "default");
      json_builder_add_value (builder, augur_param_default_json (spec));
      if (has_numeric_limits (spec))
        {
          json_builder_set_member_name (builder, "min");
          json_builder_add_double_value (builder, spec->min);
          json_builder_set_member_name (builder, "max");
          json_builder_add_double_value (builder, spec->max);
          json_builder_set_member_name (builder, "ui_min");
          json_builder_add_double_value (builder, spec->ui_min);
          json_builder_set_member_name (builder, "ui_max");
          json_builder_add_double_value (builder, spec->ui_max);
          json_builder_set_member_name (builder, "step");
          json_builder_add_double_value (builder, spec->step);
        }
      if (spec->nicks && spec->nicks[0])
        {
          json_builder_set_member_name (builder, "choices");
          json_builder_begin_array (builder);
          for (guint j = 0; spec->nicks[j]; j++)
            json_builder_add_string_value (builder, spec->nicks[j]);
          json_builder_end_array (builder);
        }
      json_builder_set_member_name (builder, "nullable");
      json_builder_add_boolean_value (builder, (spec->flags & AUGUR_PARAM_NULLABLE) != 0);
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, spec->description ? spec->description : "");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "albumentations");
  json_builder_add_value (builder, augur_albumentations_describe (info));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* The Albumentations mapping, for describe's text: the class, renamed or
 * re-encoded arguments, 1.x names, and what is left out. */
static void
describe_albumentations_text (const AugurTransformInfo *info)
{
  g_autoptr(JsonNode) node = augur_albumentations_describe (info);
  JsonObject *alb = json_node_get_object (node);
  JsonArray *args = json_object_get_array_member (alb, "arguments");
  JsonArray *left_out = json_object_get_array_member (alb, "left_out");

  if (!json_object_get_boolean_member (alb, "exported"))
    {
      printf ("\nAlbumentations: no counterpart; exports refuse this step%s%s.\n",
              json_object_has_member (alb, "hint") ? " (" : "",
              json_object_has_member (alb, "hint") ? json_object_get_string_member (alb, "hint") : "");
      return;
    }
  printf ("\nAlbumentations: A.%s (since %s)\n", json_object_get_string_member (alb, "class"),
          json_object_get_string_member (alb, "since"));
  for (guint i = 0; i < json_array_get_length (args); i++)
    {
      JsonObject *arg = json_array_get_object_element (args, i);

      printf ("  %s: %s", json_object_get_string_member (arg, "name"), json_object_get_string_member (arg, "encoding"));
      if (json_object_has_member (arg, "v1_names"))
        {
          JsonArray *v1 = json_object_get_array_member (arg, "v1_names");

          printf ("; 1.x: %s", json_array_get_string_element (v1, 0));
          if (json_array_get_length (v1) > 1)
            printf (", %s", json_array_get_string_element (v1, 1));
        }
      if (json_object_has_member (arg, "v1_units"))
        printf (" (%s)", json_object_get_string_member (arg, "v1_units"));
      printf ("\n");
    }
  for (guint i = 0; i < json_array_get_length (left_out); i++)
    {
      JsonObject *entry = json_array_get_object_element (left_out, i);

      printf ("  left out: %s (%s; %s on import)\n", json_object_get_string_member (entry, "name"),
              json_object_get_string_member (entry, "why"), json_object_get_string_member (entry, "import"));
    }
}

static void
describe_text (const AugurTransformInfo *info)
{
  enum { COL_NAME, COL_TYPE, COL_DEFAULT, COL_LIMITS, COL_SLIDER, N_COLS };
  static const char *const headings[N_COLS] = { "NAME", "TYPE", "DEFAULT", "LIMITS", "SLIDER" };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  int widths[N_COLS];
  g_autofree char *p = format_number (info->default_p);

  printf ("%s - %s\n", info->name, info->label);
  printf ("  %s\n", info->description);
  if (info->notes != NULL)
    printf ("  Note: %s\n", info->notes);
  printf ("  Category: %s; default p: %s; %s\n", info->category, p,
          augur_transform_is_spatial (info) ? "spatial (moves pixels, boxes and keypoints follow)"
                                            : "pixel-level");

  {
    g_autofree char *drawn = augur_drawn_describe_specs (info->drawn);

    if (*drawn != '\0')
      printf ("  Each application draws: %s\n", drawn);
  }

  if (info->n_params == 0)
    {
      printf ("\nNo parameters.\n");
      describe_albumentations_text (info);
      return;
    }

  for (guint c = 0; c < N_COLS; c++)
    widths[c] = (int) strlen (headings[c]);

  for (guint i = 0; i < info->n_params; i++)
    {
      const AugurParamSpec *spec = &info->params[i];
      char *row[N_COLS];

      row[COL_NAME] = g_strdup (spec->name);
      row[COL_TYPE] = g_strdup (augur_param_type_name (spec->type));
      row[COL_DEFAULT] = default_text (spec);
      row[COL_LIMITS] = has_numeric_limits (spec) ? range_text (spec->min, spec->max) : g_strdup ("-");
      row[COL_SLIDER] = has_numeric_limits (spec) ? range_text (spec->ui_min, spec->ui_max) : g_strdup ("-");
      for (guint c = 0; c < N_COLS; c++)
        {
          widths[c] = MAX (widths[c], (int) g_utf8_strlen (row[c], -1));
          g_ptr_array_add (cells, row[c]);
        }
    }

  printf ("\nParameters:\n ");
  for (guint c = 0; c < N_COLS; c++)
    printf (" %-*s", c + 1 < N_COLS ? widths[c] + 1 : 0, headings[c]);
  printf ("\n");
  for (guint i = 0; i < info->n_params; i++)
    {
      printf (" ");
      for (guint c = 0; c < N_COLS; c++)
        {
          const char *cell = cells->pdata[i * N_COLS + c];

          printf (" %-*s", c + 1 < N_COLS ? widths[c] + 1 : 0, cell);
        }
      printf ("\n");
    }

  printf ("\n");
  for (guint i = 0; i < info->n_params; i++)
    {
      const AugurParamSpec *spec = &info->params[i];
      g_autofree char *choices = choices_text (spec);

      g_autofree char *relevance = augur_param_describe_relevance (spec);

      printf ("  %-*s  %s\n", widths[COL_NAME], spec->name, spec->description ? spec->description : "");
      if (relevance)
        printf ("  %-*s  Takes effect %s.\n", widths[COL_NAME], "", relevance);
      if (spec->zero_text)
        printf ("  %-*s  0 means %s.\n", widths[COL_NAME], "", spec->zero_text);
      if (choices)
        printf ("  %-*s  %s: %s\n", widths[COL_NAME], "",
                spec->type == AUGUR_PARAM_FILL ? "Also one of" : "One of", choices);
      if (spec->flags & AUGUR_PARAM_NULLABLE)
        printf ("  %-*s  May be null (not set).\n", widths[COL_NAME], "");
    }
  describe_albumentations_text (info);
}

/* A table cell of Markdown: one line, with its pipes escaped. */
static void
append_cell (GString    *s,
             const char *text)
{
  g_string_append (s, " ");
  for (const char *p = text; *p; p++)
    {
      if (*p == '|')
        g_string_append (s, "\\|");
      else if (*p == '\n')
        g_string_append_c (s, ' ');
      else
        g_string_append_c (s, *p);
    }
  g_string_append (s, " |");
}

/* A heading's anchor as GitHub and most renderers make it from a name of
 * letters and digits. */
static char *
anchor_text (const char *name)
{
  return g_ascii_strdown (name, -1);
}

static void
describe_markdown (GString                  *s,
                   const AugurTransformInfo *info)
{
  g_autofree char *p = format_number (info->default_p);

  g_string_append_printf (s, "### %s\n\n", info->name);
  g_string_append_printf (s, "%s\n\n", info->description);
  if (info->notes != NULL)
    g_string_append_printf (s, "*Note:* %s\n\n", info->notes);
  g_string_append_printf (s, "Shown as *%s* · default p: %s · %s · version %u\n\n", info->label, p,
                          augur_transform_is_spatial (info)
                            ? "spatial (moves pixels; boxes and keypoints can follow)"
                            : "pixel-level (leaves geometry alone)",
                          info->version);

  {
    g_autofree char *drawn = augur_drawn_describe_specs (info->drawn);

    if (*drawn != '\0')
      g_string_append_printf (s, "Each application draws: %s.\n\n", drawn);
  }

  if (info->n_params == 0)
    g_string_append (s, "No parameters.\n\n");
  else
    {
      g_string_append (s, "| Parameter | Type | Default | Limits | Slider | Choices | Description |\n");
      g_string_append (s, "|---|---|---|---|---|---|---|\n");
      for (guint i = 0; i < info->n_params; i++)
        {
          const AugurParamSpec *spec = &info->params[i];
          g_autofree char *name = g_strdup_printf ("`%s`", spec->name);
          g_autofree char *def = default_text (spec);
          g_autofree char *def_code = g_strdup_printf ("`%s`", def);
          g_autofree char *limits = has_numeric_limits (spec) ? range_text (spec->min, spec->max) : g_strdup ("");
          g_autofree char *slider = has_numeric_limits (spec) ? range_text (spec->ui_min, spec->ui_max) : g_strdup ("");
          g_autofree char *choices = NULL;
          g_autofree char *description = NULL;

          if (spec->nicks && spec->nicks[0])
            {
              GString *c = g_string_new (spec->type == AUGUR_PARAM_FILL ? "or " : "");

              for (guint j = 0; spec->nicks[j]; j++)
                g_string_append_printf (c, "%s`%s`", j > 0 ? ", " : "", spec->nicks[j]);
              choices = g_string_free (c, FALSE);
            }
          description = g_strdup_printf ("%s%s%s", spec->description ? spec->description : "",
                                         spec->description && (spec->flags & AUGUR_PARAM_NULLABLE) ? ". " : "",
                                         (spec->flags & AUGUR_PARAM_NULLABLE) ? "May be null (not set)" : "");
          {
            g_autofree char *relevance = augur_param_describe_relevance (spec);

            if (relevance != NULL || spec->zero_text != NULL)
              {
                g_autofree char *more = g_strdup_printf ("%s%s%s%s%s%s%s", description,
                                                         *description ? ". " : "",
                                                         relevance ? "Takes effect " : "",
                                                         relevance ? relevance : "",
                                                         relevance && spec->zero_text ? ". " : "",
                                                         spec->zero_text ? "0 means " : "",
                                                         spec->zero_text ? spec->zero_text : "");

                g_free (description);
                description = g_steal_pointer (&more);
              }
          }

          g_string_append (s, "|");
          append_cell (s, name);
          append_cell (s, augur_param_type_name (spec->type));
          append_cell (s, def_code);
          append_cell (s, limits);
          append_cell (s, slider);
          append_cell (s, choices ? choices : "");
          append_cell (s, description);
          g_string_append_c (s, '\n');
        }
      g_string_append_c (s, '\n');
    }

  g_string_append_printf (s, "![%s: the original, random draws with the defaults, and each range at "
                             "its low end, middle and high end](gallery/%s.jpg)\n\n",
                          info->name, info->name);
}

/* The whole reference, by category in the table's order. */
static char *
reference_markdown (void)
{
  const char *const *categories = augur_transform_categories ();
  const AugurTransformInfo *const *list;
  GString *s = g_string_new (NULL);
  guint n;

  list = augur_transforms_list (&n);

  g_string_append (s,
                   "# Transform reference\n\n"
                   "<!-- Generated from the transform table by `augur-cli describe --markdown` "
                   "(`make docs`); do not edit by hand. -->\n\n");
  g_string_append_printf (s,
                          "Augur has %u transforms. Names and parameter names are those of "
                          "Albumentations 2.x, so a recipe reads like the Python it exports to. "
                          "*Limits* are the values a recipe may hold; *Slider* is the narrower "
                          "range the editor offers. A range given as one number x means [-x, x] "
                          "where the parameter says so.\n\n", n);
  g_string_append (s,
                   "Each picture is made by `augur-cli gallery -o docs/gallery --format jpg --size 96 --quality 85` on "
                   "`data/samples/astronaut.png`. Its first row is the original and random draws "
                   "with the defaults. Every further row is one range parameter (one axis of an "
                   "x/y range): the original, then the range collapsed to its low end, its middle "
                   "and its high end, with every other range at its middle. A range whose default "
                   "is a single value is opened to its slider range (marked \"slider range\" in "
                   "its own row), so that its row shows what the parameter does and the other "
                   "rows show it at the middle of that range.\n\n");

  /* An index: one line per category. */
  for (guint c = 0; categories[c]; c++)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *anchor = NULL;

          if (!g_str_equal (list[i]->category, categories[c]))
            continue;
          anchor = anchor_text (list[i]->name);
          g_string_append_printf (line, "%s[%s](#%s)", line->len > 0 ? ", " : "", list[i]->name, anchor);
        }
      if (line->len > 0)
        g_string_append_printf (s, "- **%s:** %s\n", categories[c], line->str);
    }
  g_string_append_c (s, '\n');

  for (guint c = 0; categories[c]; c++)
    {
      gboolean any = FALSE;

      for (guint i = 0; i < n; i++)
        {
          if (!g_str_equal (list[i]->category, categories[c]))
            continue;
          if (!any)
            g_string_append_printf (s, "## %s\n\n", categories[c]);
          any = TRUE;
          describe_markdown (s, list[i]);
        }
    }

  /* A transform whose category is not in the list still gets documented. */
  for (guint i = 0; i < n; i++)
    {
      gboolean known = FALSE;

      for (guint c = 0; categories[c] && !known; c++)
        known = g_str_equal (list[i]->category, categories[c]);
      if (!known)
        {
          g_string_append_printf (s, "## %s\n\n", list[i]->category);
          describe_markdown (s, list[i]);
        }
    }

  /* No blank line at the very end. */
  while (s->len > 0 && s->str[s->len - 1] == '\n')
    g_string_truncate (s, s->len - 1);
  g_string_append_c (s, '\n');
  return g_string_free (s, FALSE);
}

static int
command_describe (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  gboolean json = FALSE, markdown = FALSE, alb_markdown = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Write JSON", NULL },
    { "albumentations-markdown", 0, 0, G_OPTION_ARG_NONE, &alb_markdown,
      "Write the Albumentations mapping of every transform, in Markdown (docs/albumentations.md)", NULL },
    { "markdown", 0, 0, G_OPTION_ARG_NONE, &markdown,
      "Write Markdown; without NAME, the reference of every transform (docs/transforms.md)", NULL },
    { NULL }
  };
  const AugurTransformInfo *info;
  int status = EXIT_OK;

  context = command_context ("NAME | --markdown [NAME]",
                             "Describe a transform and its parameters; with --markdown and no NAME,\n"
                             "write the reference of every transform (make docs).");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (json && markdown)
    return usage_error ("describe: --json and --markdown exclude each other");
  if (alb_markdown)
    {
      g_autofree char *text = NULL;

      if (argc != 1 || json || markdown)
        return usage_error ("describe: --albumentations-markdown takes no NAME and no other option");
      text = augur_albumentations_markdown ();
      fputs (text, stdout);
      return EXIT_OK;
    }
  if (markdown && argc == 1)
    {
      g_autofree char *text = reference_markdown ();

      fputs (text, stdout);
      return EXIT_OK;
    }
  if (argc != 2)
    return usage_error ("describe: expected one transform name (see 'augur-cli list')");

  info = augur_transform_lookup (argv[1]);
  if (info == NULL)
    return usage_error ("describe: no transform named '%s' (see 'augur-cli list')", argv[1]);

  if (json)
    {
      g_autoptr(JsonNode) node = describe_json (info);
      g_autofree char *text = augur_json_to_string (node, TRUE);

      fputs (text, stdout);
    }
  else if (markdown)
    {
      g_autoptr(GString) s = g_string_new (NULL);

      describe_markdown (s, info);
      g_string_truncate (s, s->len - 1);
      fputs (s->str, stdout);
    }
  else
    describe_text (info);
  return EXIT_OK;
}

/* validate --------------------------------------------------------------------------- */

static int
command_validate (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = NULL;
  g_autofree char *size_text = NULL;
  int status = EXIT_OK, size_w = 4000, size_h = 3000;
  guint n;
  const GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_STRING, &size_text, "Estimate the cost for inputs of this size (default 4000x3000)", "WxH" },
    { NULL }
  };

  context = command_context ("RECIPE", "Check a recipe file; exit 0 if it is valid. Also says what the\n"
                                       "recipe may cost one input at most (work and memory), beside the\n"
                                       "budget 'apply' enforces.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (size_text)
    {
      g_auto(GStrv) parts = g_strsplit (size_text, "x", -1);
      int w = 0, h = 0;

      if (g_strv_length (parts) != 2 || !parse_int_option (parts[0], 1, 1 << 20, &w) ||
          !parse_int_option (parts[1], 1, 1 << 20, &h))
        return usage_error ("validate: --size expects WIDTHxHEIGHT, e.g. 4000x3000");
      size_w = w, size_h = h;
    }
  if (argc != 2)
    return usage_error ("validate: expected one recipe file");

  recipe = augur_recipe_load (argv[1], &error);
  if (recipe == NULL)
    return runtime_error (error);

  n = augur_node_count_transforms (recipe->pipeline);
  printf ("%s: valid, %u step%s\n", argv[1], n, n == 1 ? "" : "s");

  /* What it may cost, on an input of the size asked for. */
  {
    AugurShape in = { size_w, size_h, 3 }, out;
    AugurCost cost;
    g_autofree char *text = NULL;
    g_autoptr(GError) over = NULL;

    augur_node_cost (recipe->pipeline, &in, &out, &cost);
    text = augur_cost_describe (&cost);
    printf ("cost per %dx%d RGB input, at most: %s\n", size_w, size_h, text);
    if (!augur_cost_check (&cost, AUGUR_COST_DEFAULT_MAX_WORK, AUGUR_COST_DEFAULT_MAX_MEMORY, &over))
      printf ("over the default budget of apply: %s\n", over->message);
    else
      printf ("within the default budget of apply (--max-cost %.0fG, --max-memory %.0fG)\n",
              AUGUR_COST_DEFAULT_MAX_WORK / 1e9, AUGUR_COST_DEFAULT_MAX_MEMORY / (1024.0 * 1024 * 1024));
  }
  return EXIT_OK;
}

/* export, import -------------------------------------------------------------------- */

/* Writes @text to @path atomically, or to stdout when @path is NULL or "-". */
static int
write_output (const char *path,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  if (path == NULL || g_str_equal (path, "-"))
    {
      fputs (text, stdout);
      return fflush (stdout) == 0 ? EXIT_OK : EXIT_FAILURE_RUNTIME;
    }
  if (!augur_file_write_atomic (path, text, strlen (text), &error))
    {
      g_prefix_error (&error, "could not write %s: ", path);
      return runtime_error (error);
    }
  return EXIT_OK;
}

static int
command_export (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = NULL;
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *to = NULL;
  g_autofree char *output = NULL;
  g_autofree char *text = NULL;
  gboolean yaml = FALSE, python = FALSE, skip_unsupported = FALSE;
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "The format: albumentations", "FORMAT" },
    { "yaml", 0, 0, G_OPTION_ARG_NONE, &yaml, "Write YAML (A.load(path, data_format=\"yaml\"))", NULL },
    { "python", 0, 0, G_OPTION_ARG_NONE, &python, "Write a Python snippet that builds the pipeline", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (default: standard output)", "FILE" },
    { "skip-unsupported", 0, 0, G_OPTION_ARG_NONE, &skip_unsupported,
      "Leave out steps Albumentations has no counterpart for (listed on stderr)", NULL },
    { NULL }
  };
  AugurAlbExportFlags flags;
  int status = EXIT_OK;

  context = command_context ("RECIPE --to albumentations",
                             "Export a recipe for Albumentations 2.x training code: JSON for\n"
                             "A.load(\"recipe.json\") (the default), YAML, or a Python snippet.\n"
                             "Disabled steps are left out. A step with no Albumentations counterpart\n"
                             "fails the export unless --skip-unsupported.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage_error ("export: expected one recipe file");
  if (to == NULL)
    return usage_error ("export: --to is required (--to albumentations)");
  if (!g_str_equal (to, "albumentations"))
    return usage_error ("export: unknown format '%s' (known: albumentations)", to);
  if (yaml && python)
    return usage_error ("export: --yaml and --python exclude each other");

  recipe = augur_recipe_load (argv[1], &error);
  if (recipe == NULL)
    return runtime_error (error);

  flags = skip_unsupported ? AUGUR_ALB_EXPORT_SKIP_UNSUPPORTED : AUGUR_ALB_EXPORT_DEFAULT;
  if (python)
    text = augur_albumentations_to_python (recipe, flags, skipped, &error);
  else
    {
      g_autoptr(JsonNode) root = augur_albumentations_export (recipe, flags, skipped, &error);

      if (root != NULL)
        text = yaml ? augur_albumentations_to_yaml (root, &error) : augur_json_to_string (root, TRUE);
    }
  if (text == NULL)
    {
      g_prefix_error (&error, "%s: ", argv[1]);
      return runtime_error (error);
    }
  for (guint i = 0; i < skipped->len; i++)
    message ("%s: %s", argv[1], (char *) skipped->pdata[i]);
  return write_output (output, text);
}

static int
command_import (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = NULL;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *output = NULL;
  g_autofree char *text = NULL;
  gboolean lenient = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the recipe to FILE (default: standard output)", "FILE" },
    { "lenient", 0, 0, G_OPTION_ARG_NONE, &lenient,
      "Keep what can be imported and list each loss, instead of failing", NULL },
    { NULL }
  };
  int status = EXIT_OK;

  context = command_context ("FILE",
                             "Import an Albumentations file (JSON or YAML, as A.save writes it, 1.x or\n"
                             "2.x) as an Augur recipe. Arguments that do not change an image (mask-only,\n"
                             "box-only) are accepted and noted on stderr; anything else Augur cannot\n"
                             "represent fails the import unless --lenient.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage_error ("import: expected one Albumentations file");

  recipe = augur_albumentations_load (argv[1], lenient ? AUGUR_ALB_IMPORT_LENIENT : AUGUR_ALB_IMPORT_DEFAULT,
                                      notes, &error);
  for (guint i = 0; i < notes->len; i++)
    message ("%s", (char *) notes->pdata[i]);
  if (recipe == NULL)
    return runtime_error (error);

  text = augur_recipe_to_string (recipe);
  return write_output (output, text);
}

/* apply ------------------------------------------------------------------------------ */

typedef struct
{
  gboolean tty;
  gboolean drawn;     /* a bar is on the current line */
  gint64   start;
  gint64   last;
  gint64   interval;  /* without a terminal: between progress lines, in µs */
  guint    done;      /* outputs written so far */
  guint    total;
} Progress;

static void
clear_bar (Progress *progress)
{
  if (progress->drawn)
    {
      fputs ("\r\033[K", stderr);
      progress->drawn = FALSE;
    }
}

static char *
duration_text (double seconds)
{
  gint64 s = (gint64) (seconds + 0.5);

  if (s >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60), (int) (s % 60));
  return g_strdup_printf ("%d:%02d", (int) (s / 60), (int) (s % 60));
}

static void
on_progress (guint    done,
             guint    total,
             gpointer user_data)
{
  Progress *progress = user_data;
  gint64 now = g_get_monotonic_time ();
  double elapsed, rate, fraction;
  g_autofree char *eta = NULL;
  char bar[31];
  int filled;

  progress->done = done;
  progress->total = total;
  if (done == 0)
    {
      progress->start = now;
      progress->last = now;
    }
  if (!progress->tty)
    {
      /* A log gets a line every few seconds, never a bar. */
      if (done == 0 || done >= total || now - progress->last < progress->interval)
        return;
      progress->last = now;
      elapsed = (now - progress->start) / (double) G_USEC_PER_SEC;
      rate = elapsed > 0 ? done / elapsed : 0;
      eta = rate > 0 ? duration_text ((total - done) / rate) : g_strdup ("--:--");
      message ("%s: %u/%u outputs (%.0f %%), %.1f/s, %s left", current_command, done, total,
               100.0 * done / MAX (total, 1), rate, eta);
      return;
    }
  /* At most ten redraws a second, and always the last. */
  if (done > 0 && done < total && now - progress->last < G_USEC_PER_SEC / 10)
    return;
  progress->last = now;

  elapsed = (now - progress->start) / (double) G_USEC_PER_SEC;
  rate = elapsed > 0 ? done / elapsed : 0;
  fraction = total > 0 ? (double) done / total : 1.0;
  filled = (int) (fraction * 30);
  memset (bar, '#', filled);
  memset (bar + filled, '.', 30 - filled);
  bar[30] = '\0';
  eta = rate > 0 ? duration_text ((total - done) / rate) : g_strdup ("--:--");

  fprintf (stderr, "\r\033[K[%s] %u/%u outputs %3.0f%%  %.1f/s  ETA %s",
           bar, done, total, fraction * 100, rate, eta);
  progress->drawn = TRUE;
  if (done >= total)
    {
      fputc ('\n', stderr);
      progress->drawn = FALSE;
    }
  fflush (stderr);
}

static void
on_failure (const GError *error,
            gpointer      user_data)
{
  Progress *progress = user_data;

  clear_bar (progress);
  message ("%s", error->message);
}

static gboolean
parse_shard (const char *text,
             guint      *index,
             guint      *count)
{
  g_auto(GStrv) parts = g_strsplit (text, "/", -1);
  guint64 i, n;

  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXUINT, &i, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXUINT, &n, NULL) ||
      i > n)
    return FALSE;
  *index = (guint) i;
  *count = (guint) n;
  return TRUE;
}

static int
command_apply (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRunner) runner = NULL;
  g_autofree char *output = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *shard = NULL;
  g_autofree char *format_text = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *replay = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *variants_text = NULL;
  g_autofree char *threads_text = NULL;
  g_autofree char *quality_text = NULL;
  g_autofree char *labels_spec = NULL;
  g_autoptr(AugurLabelSource) labels = NULL;
  int variants = 1, threads = 0, quality = AUGUR_RUNNER_DEFAULT_QUALITY;
  gint64 max_pixels = AUGUR_DEFAULT_MAX_PIXELS;
  gboolean resume = FALSE;
  double progress_interval = 5;
  double max_work = AUGUR_COST_DEFAULT_MAX_WORK, max_memory = AUGUR_COST_DEFAULT_MAX_MEMORY;
  g_autofree char *max_cost_text = NULL;
  g_autofree char *max_memory_text = NULL;
  g_autofree char *memory_budget_text = NULL;
  double memory_budget = augur_runner_default_memory_budget ();
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write outputs under OUTDIR (required)", "OUTDIR" },
    { "variants", 'n', 0, G_OPTION_ARG_STRING, &variants_text, "Augmented variants per input (default 1)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text, "Seed (default: the recipe's)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &threads_text, "Worker threads (default: one per CPU)", "N" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard, "Process only shard I of N (1-based): inputs i with i % N == I-1", "I/N" },
    { "resume", 0, 0, G_OPTION_ARG_NONE, &resume,
      "Continue the same run (same recipe, seed, inputs and output settings; another is refused): "
      "skip outputs already complete (their inputs are still decoded, to record their replays)", NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text, "Output format: png, jpeg or webp (default: each input's own; BMP and TIFF become PNG)", "FORMAT" },
    { "quality", 0, 0, G_OPTION_ARG_STRING, &quality_text, "JPEG/WebP quality, 1-100 (default 95)", "Q" },
    { "manifest", 0, 0, G_OPTION_ARG_FILENAME, &manifest,
      "Write the manifest to FILE (default OUTDIR/manifest.jsonl; for a shard manifest.shard-I-of-N.jsonl)", "FILE" },
    { "max-pixels", 0, 0, G_OPTION_ARG_INT64, &max_pixels, "Refuse inputs with more pixels (default 100000000)", "N" },
    { "replay", 0, 0, G_OPTION_ARG_FILENAME, &replay, "Reproduce the outputs of MANIFEST (no RECIPE, no INPUT)", "MANIFEST" },
    { "reference", 0, 0, G_OPTION_ARG_FILENAME, &reference,
      "Blends (MixUp, CutMix, Mosaic, HistogramMatching, FDA, PixelDistributionAdaptation) draw their "
      "other images from the images under DIR (default: the run's own inputs, all of them whatever "
      "the shard); the manifest records it for --replay", "DIR" },
    { "max-cost", 0, 0, G_OPTION_ARG_STRING, &max_cost_text,
      "Fail an input on which the recipe could cost more work (operations; K, M, G suffixes; default 30G; 0: no limit)", "N" },
    { "max-memory", 0, 0, G_OPTION_ARG_STRING, &max_memory_text,
      "Fail an input on which the recipe could hold more memory (bytes; K, M, G suffixes; default 2G; 0: no limit)", "SIZE" },
    { "memory-budget", 0, 0, G_OPTION_ARG_STRING, &memory_budget_text,
      "What the inputs in flight may hold together; more wait their turn (default: half the machine's memory; 0: no limit)", "SIZE" },
    { "progress-interval", 0, 0, G_OPTION_ARG_DOUBLE, &progress_interval,
      "Without a terminal, a progress line every S seconds (default 5)", "S" },
    { "labels", 0, 0, G_OPTION_ARG_FILENAME, &labels_spec,
      "Carry the inputs' labels through every step and write them beside the outputs in their "
      "format: coco:FILE, yolo:DIR, voc:DIR or masks:DIR (blends bring in the labels it holds for "
      "their other images; with --replay, give the labels the run read)", "FORMAT:PATH" },
    { NULL }
  };
  Progress progress = { 0 };
  AugurImageFormat format = AUGUR_IMAGE_FORMAT_PNG;
  guint shard_index = 1, shard_count = 1, failed = 0;
  guint64 seed = 0;
  int status = EXIT_OK;

  context = command_context ("RECIPE INPUT... -o OUTDIR",
                             "Apply a recipe to images and folders of images.\n\n"
                             "Folders are searched recursively; outputs mirror the input tree as\n"
                             "STEM_VARIANT.EXT under OUTDIR, with a JSON-lines manifest of every\n"
                             "output's seed and drawn parameters.\n\n"
                             "  augur-cli apply --replay MANIFEST -o OUTDIR\n"
                             "reproduces the outputs listed in a manifest, byte for byte.");
  g_option_context_set_description (context,
                                    "Exit status: 0 success, 1 some input failed or a runtime error, "
                                    "2 usage error.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;

  if (output == NULL)
    return usage_error ("apply: missing -o OUTDIR");
  /* Taken as written: a value given is checked, never read as "not given". */
  if (variants_text && !parse_int_option (variants_text, 1, 100000, &variants))
    return usage_error ("apply: -n must be an integer from 1 to 100000, not \"%s\"", variants_text);
  if (threads_text && !parse_int_option (threads_text, 1, 1024, &threads))
    return usage_error ("apply: --threads must be an integer from 1 to 1024, not \"%s\"", threads_text);
  if (quality_text && !parse_int_option (quality_text, 1, 100, &quality))
    return usage_error ("apply: --quality must be an integer from 1 to 100, not \"%s\"", quality_text);
  if (max_pixels < 1)
    return usage_error ("apply: --max-pixels must be positive");
  if (max_cost_text && !parse_quantity (max_cost_text, 1000, &max_work))
    return usage_error ("apply: --max-cost expects a number of operations, e.g. 30G, not \"%s\"", max_cost_text);
  if (max_memory_text && !parse_quantity (max_memory_text, 1024, &max_memory))
    return usage_error ("apply: --max-memory expects a size in bytes, e.g. 2G or 512M, not \"%s\"", max_memory_text);
  if (memory_budget_text && !parse_quantity (memory_budget_text, 1024, &memory_budget))
    return usage_error ("apply: --memory-budget expects a size in bytes, e.g. 8G, not \"%s\"", memory_budget_text);
  if (!(progress_interval > 0 && progress_interval <= 86400))
    return usage_error ("apply: --progress-interval must be a number of seconds above 0");
  if (seed_text && !parse_seed (seed_text, &seed))
    return usage_error ("apply: --seed must be an integer from 0 to %" G_GUINT64_FORMAT, AUGUR_SEED_MASK);
  if (shard && !parse_shard (shard, &shard_index, &shard_count))
    return usage_error ("apply: --shard expects I/N with 1 <= I <= N, e.g. --shard 2/8");
  if (format_text && !augur_image_format_from_string (format_text, &format))
    return usage_error ("apply: --format must be png, jpeg or webp");

  if (replay)
    {
      if (argc > 1)
        return usage_error ("apply: --replay takes no RECIPE or INPUT (the manifest names them)");
      if (variants_text || seed_text || shard || format_text || quality_text || reference)
        return usage_error ("apply: -n, --seed, --shard, --format, --quality and --reference come from "
                            "the manifest with --replay");
      runner = augur_runner_new_replay (replay, &error);
      if (runner == NULL)
        return runtime_error (error);
    }
  else
    {
      g_autoptr(AugurRecipe) recipe = NULL;

      if (argc < 3)
        return usage_error ("apply: expected a RECIPE and at least one INPUT");

      recipe = augur_recipe_load (argv[1], &error);
      if (recipe == NULL)
        return runtime_error (error);

      runner = augur_runner_new (recipe);
      if (seed_text)
        augur_runner_set_seed (runner, seed);
      augur_runner_set_variants (runner, (guint) variants);
      augur_runner_set_shard (runner, shard_index, shard_count);
      /* Without --format, each output keeps its input's format. */
      if (format_text)
        augur_runner_set_format (runner, format, quality);
      else
        augur_runner_set_quality (runner, quality);
      if (!augur_runner_add_inputs (runner, (const char * const *) argv + 2, &error))
        return runtime_error (error);
      if (reference)
        {
          if (!g_file_test (reference, G_FILE_TEST_IS_DIR))
            return usage_error ("apply: --reference %s: not a folder", reference);
          augur_runner_set_references (runner, reference);
        }
    }
  /* With --replay, the labels the run read: the replay writes the label
   * files it wrote. */
  if (labels_spec)
    {
      labels = augur_label_source_open (labels_spec, &error);
      if (labels == NULL && g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE))
        return usage_error ("apply: --%s", error->message);
      if (labels == NULL)
        return runtime_error (error);
      augur_runner_set_labels (runner, labels);
    }

  augur_runner_set_threads (runner, (guint) threads);
  augur_runner_set_budget (runner, max_work, max_memory);
  augur_runner_set_memory_budget (runner, memory_budget);
  augur_runner_set_resume (runner, resume);
  augur_runner_set_max_pixels (runner, max_pixels);
  if (manifest)
    augur_runner_set_manifest (runner, manifest);

  progress.tty = isatty (STDERR_FILENO);
  progress.interval = (gint64) (progress_interval * G_USEC_PER_SEC);
  augur_runner_set_callbacks (runner, on_progress, on_failure, &progress);

  if (!augur_runner_run (runner, output, &failed, &error))
    {
      clear_bar (&progress);
      if (g_error_matches (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_OVERLAP))
        return usage_error ("%s", error->message);
      return runtime_error (error);
    }

  /* A summary, on a terminal or in a log: what was written, where, how fast. */
  {
    double elapsed = (g_get_monotonic_time () - progress.start) / (double) G_USEC_PER_SEC;
    g_autofree char *took = duration_text (elapsed);

    message ("%s: %u output%s in %s (%.1f/s) under %s, %u input%s failed; manifest %s", current_command,
             progress.done, progress.done == 1 ? "" : "s", took, elapsed > 0 ? progress.done / elapsed : 0.0,
             output, failed, failed == 1 ? "" : "s", augur_runner_get_manifest_path (runner, output));
  }
  if (augur_runner_get_label_report (runner))
    {
      g_autofree char *report = augur_label_report_text (augur_runner_get_label_report (runner));

      fputs (report, stderr);
    }
  if (failed > 0)
    {
      message ("%u input%s failed; the others were written", failed, failed == 1 ? "" : "s");
      return EXIT_FAILURE_RUNTIME;
    }
  return EXIT_OK;
}

/* stress ----------------------------------------------------------------------------- */

/* "3" or "2-4" (within 1-5) */
static gboolean
parse_severities (const char *text,
                  guint      *low,
                  guint      *high)
{
  g_auto(GStrv) parts = g_strsplit (text, "-", 2);
  guint64 a, b;

  if (!g_ascii_string_to_unsigned (parts[0], 10, 1, 5, &a, NULL))
    return FALSE;
  b = a;
  if (parts[1] != NULL && !g_ascii_string_to_unsigned (parts[1], 10, a, 5, &b, NULL))
    return FALSE;
  *low = (guint) a;
  *high = (guint) b;
  return TRUE;
}

/* OUT/stress.json: which recipe wrote which folder, and each folder's manifest. */
static gboolean
write_stress_index (const char  *output,
                    const char  *suite,
                    GPtrArray   *members,
                    GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (output, "stress.json", NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, "augur-stress");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "suite");
  json_builder_add_string_value (builder, suite);
  json_builder_set_member_name (builder, "runs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < members->len; i++)
    {
      const AugurBundled *member = members->pdata[i];
      g_autofree char *level = g_strdup_printf ("%u", member->level);
      g_autofree char *folder = g_build_path ("/", member->group, level, NULL);
      g_autofree char *manifest = g_build_path ("/", folder, AUGUR_MANIFEST_DEFAULT_NAME, NULL);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "corruption");
      json_builder_add_string_value (builder, member->group);
      json_builder_set_member_name (builder, "severity");
      json_builder_add_int_value (builder, member->level);
      json_builder_set_member_name (builder, "recipe");
      json_builder_add_string_value (builder, member->name);
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, member->description);
      json_builder_set_member_name (builder, "output");
      json_builder_add_string_value (builder, folder);
      json_builder_set_member_name (builder, "manifest");
      json_builder_add_string_value (builder, manifest);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = augur_json_to_string (root, TRUE);
  return augur_file_write_atomic (path, text, strlen (text), error);
}

static int
command_stress (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) members = NULL;
  g_autofree char *output = NULL;
  g_autofree char *suite = NULL;
  g_autofree char *severities = NULL;
  g_autofree char *only = NULL;
  g_autofree char *datadir = NULL;
  g_autofree char *threads_text = NULL;
  g_autofree char *format_text = NULL;
  g_autofree char *quality_text = NULL;
  g_autofree char *sheet_path = NULL;
  gboolean list = FALSE;
  int size = 224;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write OUT/CORRUPTION/SEVERITY/... (required, but for --sheet)", "OUT" },
    { "sheet", 0, 0, G_OPTION_ARG_FILENAME, &sheet_path,
      "Draw a contact sheet of the suite on the first INPUT image to FILE (.png, .jpg or .webp): a row per "
      "corruption, a column per severity", "FILE" },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "With --sheet: the cell size in pixels (default 224)", "PX" },
    { "suite", 0, 0, G_OPTION_ARG_STRING, &suite, "The suite: corruptions (ImageNet-C) or weather (required)", "SUITE" },
    { "severities", 0, 0, G_OPTION_ARG_STRING, &severities, "Severities to write, e.g. 3 or 1-5 (default 1-5)", "A-B" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only, "Only these corruptions, comma-separated (default all)", "NAME,..." },
    { "list", 0, 0, G_OPTION_ARG_NONE, &list, "List the suite's recipes and what each does, then stop", NULL },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &threads_text, "Worker threads (default: one per CPU)", "N" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text, "Output format: png, jpeg or webp (default png, so that "
      "only the corruption degrades the image)", "FORMAT" },
    { "quality", 0, 0, G_OPTION_ARG_STRING, &quality_text, "JPEG/WebP quality, 1-100 (default 95)", "Q" },
    { NULL }
  };
  g_auto(GStrv) wanted = NULL;
  AugurImageFormat format = AUGUR_IMAGE_FORMAT_PNG;
  guint low = 1, high = 5, failed_total = 0;
  int threads = 0, quality = AUGUR_RUNNER_DEFAULT_QUALITY, status = EXIT_OK;

  context = command_context ("INPUT... -o OUT --suite SUITE",
                             "Write a robustness stress set: every corruption of a suite at each\n"
                             "severity, as OUT/CORRUPTION/SEVERITY/..., each folder with its own\n"
                             "manifest, and OUT/stress.json naming them. The suites are recipes\n"
                             "(data/suites/SUITE/CORRUPTION-SEVERITY.json), read like any other.\n"
                             "Outputs are deterministic: each recipe's seed and the input's path.");
  g_option_context_set_description (context,
                                    "Exit status: 0 success, 1 some input failed or a runtime error, "
                                    "2 usage error.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;

  if (suite == NULL)
    return usage_error ("stress: missing --suite (corruptions or weather)");
  if (severities && !parse_severities (severities, &low, &high))
    return usage_error ("stress: --severities expects a level from 1 to 5 or a range such as 1-5, not \"%s\"",
                        severities);
  if (threads_text && !parse_int_option (threads_text, 1, 1024, &threads))
    return usage_error ("stress: --threads must be an integer from 1 to 1024, not \"%s\"", threads_text);
  if (quality_text && !parse_int_option (quality_text, 1, 100, &quality))
    return usage_error ("stress: --quality must be an integer from 1 to 100, not \"%s\"", quality_text);
  if (format_text && !augur_image_format_from_string (format_text, &format))
    return usage_error ("stress: --format must be png, jpeg or webp");

  datadir = augur_data_dir ();
  members = augur_stress_suite_list (datadir, suite, low, high, &error);
  if (members == NULL)
    {
      if (g_error_matches (error, AUGUR_ERROR, AUGUR_ERROR_FAILED))
        return usage_error ("stress: %s", error->message);
      return runtime_error (error);
    }
  if (only)
    {
      wanted = g_strsplit (only, ",", -1);
      for (guint w = 0; wanted[w]; w++)
        {
          gboolean known = FALSE;

          for (guint i = 0; i < members->len && !known; i++)
            known = g_str_equal (((AugurBundled *) members->pdata[i])->group, wanted[w]);
          if (!known)
            return usage_error ("stress: --only: the suite %s has no corruption \"%s\"", suite, wanted[w]);
        }
      for (guint i = members->len; i-- > 0;)
        if (!g_strv_contains ((const char * const *) wanted, ((AugurBundled *) members->pdata[i])->group))
          g_ptr_array_remove_index (members, i);
    }

  if (list)
    {
      for (guint i = 0; i < members->len; i++)
        {
          const AugurBundled *member = members->pdata[i];

          printf ("%-20s %u  %s\n", member->group, member->level, member->description);
        }
      return EXIT_OK;
    }

  if (argc < 2)
    return usage_error ("stress: expected at least one INPUT folder or image");
  if (sheet_path)
    {
      g_autoptr(GPtrArray) inputs = augur_runner_collect_inputs ((const char * const *) argv + 1, NULL, &error);
      g_autoptr(AugurImage) image = NULL;
      g_autoptr(AugurImage) sheet = NULL;
      const AugurRunnerInput *first;
      AugurImageFormat sheet_format = AUGUR_IMAGE_FORMAT_PNG;
      const char *dot = strrchr (sheet_path, '.');

      if (size < 16 || size > 4096)
        return usage_error ("stress: --size must be from 16 to 4096 pixels");
      if (dot == NULL || strchr (dot, '/') != NULL || !augur_image_format_from_string (dot + 1, &sheet_format))
        return usage_error ("stress: --sheet FILE must end in .png, .jpg or .webp");
      if (inputs == NULL)
        return runtime_error (error);
      first = inputs->pdata[0];
      if (first->error)
        return runtime_error (first->error);
      image = augur_image_load (first->path, AUGUR_DEFAULT_MAX_PIXELS, &error);
      if (image == NULL)
        return runtime_error (error);
      sheet = augur_stress_sheet (members, image, first->key, size, &error);
      if (sheet == NULL || !augur_image_save (sheet, sheet_path, sheet_format, 90, &error))
        return runtime_error (error);
      if (output == NULL)
        return EXIT_OK;
    }
  if (output == NULL)
    return usage_error ("stress: missing -o OUT");

  for (guint i = 0; i < members->len; i++)
    {
      const AugurBundled *member = members->pdata[i];
      g_autoptr(AugurRecipe) recipe = NULL;
      g_autoptr(AugurRunner) runner = NULL;
      g_autofree char *level = g_strdup_printf ("%u", member->level);
      g_autofree char *folder = g_build_filename (output, member->group, level, NULL);
      Progress progress = { 0 };
      guint failed = 0;

      recipe = augur_recipe_load (member->path, &error);
      if (recipe == NULL)
        return runtime_error (error);
      runner = augur_runner_new (recipe);
      augur_runner_set_format (runner, format, quality);
      augur_runner_set_threads (runner, (guint) threads);
      if (!augur_runner_add_inputs (runner, (const char * const *) argv + 1, &error))
        return runtime_error (error);

      progress.tty = isatty (STDERR_FILENO);
      progress.interval = 5 * G_USEC_PER_SEC;
      augur_runner_set_callbacks (runner, on_progress, on_failure, &progress);
      if (!augur_runner_run (runner, folder, &failed, &error))
        {
          clear_bar (&progress);
          if (g_error_matches (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_OVERLAP))
            return usage_error ("%s", error->message);
          return runtime_error (error);
        }
      clear_bar (&progress);
      message ("stress: %s %u: %u output%s under %s", member->group, member->level,
               progress.done, progress.done == 1 ? "" : "s", folder);
      failed_total += failed;
    }

  if (!write_stress_index (output, suite, members, &error))
    return runtime_error (error);
  if (failed_total > 0)
    {
      message ("%u output%s failed; the others were written", failed_total, failed_total == 1 ? "" : "s");
      return EXIT_FAILURE_RUNTIME;
    }
  return EXIT_OK;
}

/* presets ---------------------------------------------------------------------------- */

static int
command_presets (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) presets = NULL;
  g_autofree char *output = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "With NAME: write a copy of the preset to FILE", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Write the list as JSON", NULL },
    { NULL }
  };
  int status = EXIT_OK;

  context = command_context ("[NAME -o FILE]",
                             "List the bundled starting recipes with what each simulates and\n"
                             "avoids, or write a copy of one (NAME -o FILE) to edit.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;

  if (argc > 2)
    return usage_error ("presets: expected at most one NAME");
  if (argc == 2)
    {
      g_autoptr(AugurRecipe) recipe = NULL;

      if (output == NULL)
        return usage_error ("presets: missing -o FILE to write the preset \"%s\" to", argv[1]);
      recipe = augur_preset_load (NULL, argv[1], &error);
      if (recipe == NULL)
        {
          if (g_error_matches (error, AUGUR_ERROR, AUGUR_ERROR_FAILED))
            return usage_error ("presets: %s", error->message);
          return runtime_error (error);
        }
      if (!augur_recipe_save (recipe, output, &error))
        return runtime_error (error);
      return EXIT_OK;
    }
  if (output)
    return usage_error ("presets: -o needs a preset NAME");

  presets = augur_presets_list (NULL, &error);
  if (presets == NULL)
    return runtime_error (error);
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < presets->len; i++)
        {
          const AugurBundled *preset = presets->pdata[i];

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, preset->name);
          json_builder_set_member_name (builder, "description");
          json_builder_add_string_value (builder, preset->description);
          json_builder_set_member_name (builder, "path");
          json_builder_add_string_value (builder, preset->path);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      text = augur_json_to_string (root, TRUE);
      printf ("%s\n", text);
      return EXIT_OK;
    }
  for (guint i = 0; i < presets->len; i++)
    {
      const AugurBundled *preset = presets->pdata[i];

      printf ("%-14s %s\n", preset->name, preset->description);
    }
  return EXIT_OK;
}

/* sheet ------------------------------------------------------------------------------ */

/* The first @rows rows of cells of @sheet (and its header band). */
static AugurImage *
sheet_crop_rows (const AugurImage *sheet,
                 guint             rows,
                 guint             columns,
                 int               cell,
                 int               header)
{
  AugurImage *out;
  int width, height;

  augur_sheet_size (rows, columns, cell, &width, &height);
  out = augur_image_new (sheet->width, height + header, 3);
  for (int y = 0; y < out->height; y++)
    memcpy (augur_image_row (out, y), augur_image_row (sheet, y), (gsize) sheet->width * 3);
  return out;
}

/* A recipe's label on a sheet: its file name without the folder and ".json". */
static char *
recipe_label (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  if (g_str_has_suffix (base, ".json"))
    base[strlen (base) - 5] = '\0';
  return g_steal_pointer (&base);
}

static int
command_sheet (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) recipes = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_recipe_free);
  g_autoptr(GPtrArray) inputs = NULL;
  g_autoptr(AugurImage) sheet = NULL;
  g_autofree char *output = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *reference = NULL;
  g_autoptr(AugurReferencePool) pool = NULL;
  int draws = AUGUR_SHEET_DEFAULT_DRAWS, size = AUGUR_SHEET_DEFAULT_CELL;
  gint64 max_pixels = AUGUR_DEFAULT_MAX_PIXELS;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the sheet to FILE (.png, .jpg or .webp; required)", "FILE" },
    { "draws", 'n', 0, G_OPTION_ARG_INT, &draws, "Augmented draws per image and recipe (default 4)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text, "Seed (default: each recipe's own)", "N" },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "Cell size in pixels (default 256)", "PX" },
    { "max-pixels", 0, 0, G_OPTION_ARG_INT64, &max_pixels, "Refuse inputs with more pixels (default 100000000)", "N" },
    { "reference", 0, 0, G_OPTION_ARG_FILENAME, &reference,
      "Blends draw their other images from the images under DIR (default: the sheet's images, as "
      "'augur-cli apply' does with its inputs)", "DIR" },
    { NULL }
  };
  AugurImageFormat format = AUGUR_IMAGE_FORMAT_PNG;
  const char *dot;
  guint64 seed = 0;
  guint failed = 0, rows = 0, columns, n_recipes = 0;
  int status = EXIT_OK, header = 0, text_scale;

  context = command_context ("RECIPE... IMAGE... -o SHEET.png",
                             "Draw a contact sheet: one row per image, the original then N draws of\n"
                             "each recipe (the arguments ending in .json, before the images). With\n"
                             "several recipes, each group of draws is labelled with its recipe's name.\n\n"
                             "Draw k of an image uses the seed 'augur-cli apply' gives variant k of\n"
                             "the same file, so the sheet previews the outputs of a run. Images are\n"
                             "read one at a time, so a long sheet needs no more memory than its largest\n"
                             "image.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;

  while (1 + n_recipes < (guint) argc && g_str_has_suffix (argv[1 + n_recipes], ".json"))
    n_recipes++;

  if (output == NULL)
    return usage_error ("sheet: missing -o SHEET.png");
  if (n_recipes == 0 || (guint) argc < 2 + n_recipes)
    return usage_error ("sheet: expected at least one RECIPE (.json) and at least one IMAGE");
  if (draws < 0 || draws > 64)
    return usage_error ("sheet: -n must be between 0 and 64");
  if (n_recipes > 16)
    return usage_error ("sheet: at most 16 recipes side by side");
  if (size < 16 || size > 4096)
    return usage_error ("sheet: --size must be between 16 and 4096");
  if (max_pixels < 1)
    return usage_error ("sheet: --max-pixels must be positive");
  if (seed_text && !parse_seed (seed_text, &seed))
    return usage_error ("sheet: --seed must be an integer from 0 to %" G_GUINT64_FORMAT, AUGUR_SEED_MASK);
  dot = strrchr (output, '.');
  if (dot && strchr (dot, '/') == NULL && !augur_image_format_from_string (dot + 1, &format))
    return usage_error ("sheet: cannot write '%s': the name must end in .png, .jpg or .webp", output);

  for (guint r = 0; r < n_recipes; r++)
    {
      AugurRecipe *recipe = augur_recipe_load (argv[1 + r], &error);

      if (recipe == NULL)
        return runtime_error (error);
      g_ptr_array_add (recipes, recipe);
    }

  inputs = augur_runner_collect_inputs ((const char * const *) argv + 1 + n_recipes, NULL, &error);
  if (inputs == NULL)
    return runtime_error (error);
  /* Blends: the pool, decoded only as drawn; an empty one is refused
   * before any image is read. */
  {
    const char *reference_paths[] = { reference, NULL };

    pool = augur_runner_reference_pool (reference ? reference_paths : (const char * const *) argv + 1 + n_recipes,
                                        max_pixels, &error);
    if (pool == NULL)
      return runtime_error (error);
    for (guint r = 0; r < n_recipes; r++)
      if (!augur_node_check_references (((AugurRecipe *) recipes->pdata[r])->pipeline, pool, &error))
        {
          g_prefix_error (&error, "%s: ", argv[1 + r]);
          return runtime_error (error);
        }
  }
  columns = 1 + n_recipes * (guint) draws;
  /* Before any image is decoded: a folder of thousands of images would
   * otherwise end in an allocation that fails. */
  if (!augur_sheet_check_size (inputs->len + (n_recipes > 1 ? 1 : 0), columns, size, &error))
    return usage_error ("sheet: %s; pass fewer images, a smaller -n or a smaller --size", error->message);

  /* Several recipes: a band of labels above each recipe's draws. */
  text_scale = MAX (1, size / 128);
  if (n_recipes > 1)
    header = text_scale * 10 + augur_sheet_gap (size);
  sheet = augur_sheet_blank (inputs->len, columns, size, header);
  if (n_recipes > 1)
    {
      const guint8 ink[3] = { 0x30, 0x30, 0x30 };
      int gap = augur_sheet_gap (size);

      augur_draw_text (sheet, gap, gap, text_scale, ink, "original");
      for (guint r = 0; r < n_recipes; r++)
        {
          g_autofree char *label = recipe_label (argv[1 + r]);

          augur_draw_text (sheet, gap + (int) (1 + r * (guint) draws) * (size + gap), gap, text_scale, ink, label);
        }
    }

  /* One input at a time: decoded, painted, released. */
  for (guint i = 0; i < inputs->len; i++)
    {
      AugurRunnerInput *input = inputs->pdata[i];
      g_autoptr(GError) local_error = NULL;
      g_autoptr(AugurImage) image = input->error ? NULL : augur_image_load (input->path, max_pixels, &local_error);

      if (image == NULL)
        {
          message ("%s", input->error ? input->error->message : local_error->message);
          failed++;
          continue;
        }
      augur_sheet_paint_cell (sheet, rows, 0, size, header, image);
      for (guint r = 0; r < n_recipes; r++)
        {
          const AugurRecipe *recipe = recipes->pdata[r];

          if (!augur_sheet_paint_draws (sheet, rows, 1 + r * (guint) draws, size, header, recipe->pipeline,
                                        seed_text ? seed : recipe->seed, image, input->key, (guint) draws,
                                        pool, &error))
            return runtime_error (error);
        }
      rows++;
    }

  if (rows == 0)
    {
      message ("sheet: no image could be read");
      return EXIT_FAILURE_RUNTIME;
    }
  if (rows < inputs->len)
    {
      AugurImage *cropped = sheet_crop_rows (sheet, rows, columns, size, header);

      augur_image_unref (sheet);
      sheet = cropped;
    }

  if (!augur_image_save (sheet, output, format, AUGUR_RUNNER_DEFAULT_QUALITY, &error))
    return runtime_error (error);

  return failed > 0 ? EXIT_FAILURE_RUNTIME : EXIT_OK;
}

/* gallery ---------------------------------------------------------------------------- */

/* The bundled sample, from the source tree or the installed data. */
static char *
default_gallery_image (void)
{
  const char *const candidates[] = {
    "data/samples/astronaut.png",
    SOURCE_DATADIR "/samples/astronaut.png",
    PKGDATADIR "/samples/astronaut.png",
  };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (g_file_test (candidates[i], G_FILE_TEST_IS_REGULAR))
      return g_strdup (candidates[i]);
  return g_strdup (candidates[0]);
}

static int
command_gallery (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurImage) src = NULL;
  g_autofree char *output = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *image_path = NULL;
  g_autofree char *reference = NULL;
  g_autoptr(AugurReferencePool) pool = NULL;
  g_auto(GStrv) only = NULL;
  int draws = AUGUR_GALLERY_DEFAULT_DRAWS, size = AUGUR_GALLERY_DEFAULT_CELL;
  int quality = AUGUR_RUNNER_DEFAULT_QUALITY;
  gint64 max_pixels = AUGUR_DEFAULT_MAX_PIXELS;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the sheets into DIR (required; made if missing)", "DIR" },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "Cell size in pixels (default 128)", "PX" },
    { "draws", 'n', 0, G_OPTION_ARG_INT, &draws, "Random draws in the first row (default 3)", "N" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, "png (default), jpg or webp", "FORMAT" },
    { "quality", 'q', 0, G_OPTION_ARG_INT, &quality, "JPEG / WebP quality, 1 to 100 (default 95)", "Q" },
    { "only", 0, 0, G_OPTION_ARG_STRING_ARRAY, &only, "Only this transform (repeatable)", "NAME" },
    { "max-pixels", 0, 0, G_OPTION_ARG_INT64, &max_pixels, "Refuse an input with more pixels (default 100000000)", "N" },
    { "reference", 0, 0, G_OPTION_ARG_FILENAME, &reference,
      "Blends draw their other images from the images under DIR (default: the bundled samples)", "DIR" },
    { NULL }
  };
  const AugurTransformInfo *const *list;
  AugurImageFormat format = AUGUR_IMAGE_FORMAT_PNG;
  guint n, written = 0;
  int status = EXIT_OK;

  context = command_context ("-o DIR [IMAGE]",
                             "Draw one sheet per transform: DIR/NAME.png (and DIR/NAME.txt, its captions).\n\n"
                             "The first row is the original and random draws with the defaults; each\n"
                             "further row is one range parameter at its low end, middle and high end,\n"
                             "every other range at its middle. A range whose default is a single value\n"
                             "is opened to its slider range, in every row. IMAGE defaults to the\n"
                             "bundled data/samples/astronaut.png. The same table and image give the\n"
                             "same sheets.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;

  if (output == NULL)
    return usage_error ("gallery: missing -o DIR");
  if (argc > 2)
    return usage_error ("gallery: expected at most one IMAGE");
  if (draws < 0 || draws > 16)
    return usage_error ("gallery: -n must be between 0 and 16");
  if (size < 16 || size > 1024)
    return usage_error ("gallery: --size must be between 16 and 1024");
  if (max_pixels < 1)
    return usage_error ("gallery: --max-pixels must be positive");
  if (format_name && !augur_image_format_from_string (format_name, &format))
    return usage_error ("gallery: --format must be png, jpg or webp");
  if (quality < 1 || quality > 100)
    return usage_error ("gallery: --quality must be between 1 and 100");
  for (guint i = 0; only && only[i]; i++)
    if (augur_transform_lookup (only[i]) == NULL)
      return usage_error ("gallery: no transform named '%s' (see 'augur-cli list')", only[i]);

  image_path = argc == 2 ? g_strdup (argv[1]) : default_gallery_image ();
  src = augur_image_load (image_path, max_pixels, &error);
  if (src == NULL)
    return runtime_error (error);
  {
    g_autofree char *samples = NULL;
    g_autofree char *default_image = default_gallery_image ();
    const char *reference_paths[] = { NULL, NULL };

    samples = g_path_get_dirname (default_image);
    reference_paths[0] = reference ? reference : samples;
    pool = augur_runner_reference_pool (reference_paths, max_pixels, &error);
    if (pool == NULL)
      return runtime_error (error);
  }

  if (g_mkdir_with_parents (output, 0755) != 0)
    {
      int saved = errno;

      message ("cannot make '%s': %s", output, g_strerror (saved));
      return EXIT_FAILURE_RUNTIME;
    }

  list = augur_transforms_list (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AugurGallery) gallery = NULL;
      g_autoptr(AugurImage) sheet = NULL;
      g_autofree char *base = NULL;
      g_autofree char *image_file = NULL;
      g_autofree char *text_file = NULL;
      g_autofree char *text = NULL;

      if (only && !g_strv_contains ((const char * const *) only, list[i]->name))
        continue;

      gallery = augur_gallery_new_full (list[i], src, (guint) draws, pool, &error);
      if (gallery == NULL)
        return runtime_error (error);
      sheet = augur_gallery_render (gallery, size);
      base = g_build_filename (output, list[i]->name, NULL);
      image_file = g_strdup_printf ("%s.%s", base, augur_image_format_extension (format));
      text_file = g_strdup_printf ("%s.txt", base);
      text = augur_gallery_to_text (gallery, list[i]);

      if (!augur_image_save (sheet, image_file, format, quality, &error) ||
          !augur_file_write_atomic (text_file, text, strlen (text), &error))
        return runtime_error (error);
      written++;
    }

  printf ("%u sheet%s written to %s\n", written, written == 1 ? "" : "s", output);
  return EXIT_OK;
}

/* bench ------------------------------------------------------------------------------ */

/* The bundled samples, from the source tree or the installed data. */
static char *
default_samples_folder (void)
{
  const char *const candidates[] = { "data/samples", SOURCE_DATADIR "/samples", PKGDATADIR "/samples" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (g_file_test (candidates[i], G_FILE_TEST_IS_DIR))
      return g_strdup (candidates[i]);
  return g_strdup (candidates[0]);
}

static int
compare_parts_by_time (gconstpointer a,
                       gconstpointer b)
{
  const AugurProfilePart *x = *(AugurProfilePart *const *) a;
  const AugurProfilePart *y = *(AugurProfilePart *const *) b;

  return x->ns > y->ns ? -1 : x->ns < y->ns;
}

static void
print_profile_json (const AugurProfile *profile,
                    const char         *recipe_path,
                    guint               n_files)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  double images = MAX (profile->images, 1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "recipe");
  json_builder_add_string_value (builder, recipe_path);
  json_builder_set_member_name (builder, "files");
  json_builder_add_int_value (builder, n_files);
  json_builder_set_member_name (builder, "threads");
  json_builder_add_int_value (builder, profile->threads);
  json_builder_set_member_name (builder, "images");
  json_builder_add_int_value (builder, (gint64) profile->images);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, profile->wall_ns / 1e9);
  json_builder_set_member_name (builder, "images_per_second");
  json_builder_add_double_value (builder, augur_profile_images_per_second (profile));
  json_builder_set_member_name (builder, "ms_per_image");
  json_builder_add_double_value (builder, profile->whole_ns / 1e6 / images);
  json_builder_set_member_name (builder, "parts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < profile->parts->len; i++)
    {
      const AugurProfilePart *part = profile->parts->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, part->label);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, part->node ? "step" : "stage");
      if (part->node)
        {
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, part->node->info->name);
        }
      json_builder_set_member_name (builder, "ms_per_image");
      json_builder_add_double_value (builder, part->ns / 1e6 / images);
      json_builder_set_member_name (builder, "share");
      json_builder_add_double_value (builder, profile->whole_ns > 0 ? (double) part->ns / profile->whole_ns : 0);
      json_builder_set_member_name (builder, "applied");
      json_builder_add_int_value (builder, (gint64) part->applied);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = augur_json_to_string (root, TRUE);
  printf ("%s\n", text);
}

static void
print_profile_text (const AugurProfile *profile,
                    const char         *recipe_path,
                    guint               n_files)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new (profile->parts->len);
  double images = MAX (profile->images, 1);
  gint64 accounted = 0;

  /* Borrowed: the profile owns the parts. */
  for (guint i = 0; i < profile->parts->len; i++)
    g_ptr_array_add (sorted, profile->parts->pdata[i]);
  g_ptr_array_sort (sorted, compare_parts_by_time);
  printf ("%s: %.1f images/s with %u thread%s (%" G_GUINT64_FORMAT " images of %u file%s in %.1f s; "
          "%.2f ms per image)\n\n",
          recipe_path, augur_profile_images_per_second (profile), profile->threads,
          profile->threads == 1 ? "" : "s", profile->images, n_files, n_files == 1 ? "" : "s",
          profile->wall_ns / 1e9, profile->whole_ns / 1e6 / images);
  printf ("  share   ms/image   applied  where the time goes\n");
  for (guint i = 0; i < sorted->len; i++)
    {
      const AugurProfilePart *part = sorted->pdata[i];

      accounted += part->ns;
      printf ("  %5.1f %%  %8.3f  %7.0f %%  %s\n",
              profile->whole_ns > 0 ? 100.0 * part->ns / profile->whole_ns : 0.0,
              part->ns / 1e6 / images, 100.0 * part->applied / images, part->label);
    }
  printf ("  %5.1f %%  %8.3f            (between the parts)\n",
          profile->whole_ns > 0 ? 100.0 * (profile->whole_ns - accounted) / profile->whole_ns : 0.0,
          (profile->whole_ns - accounted) / 1e6 / images);
}

static int
command_bench (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = NULL;
  g_autoptr(GPtrArray) inputs = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(AugurProfile) profile = NULL;
  g_autofree char *format_text = NULL;
  g_autofree char *samples = NULL;
  double seconds = 3;
  int threads = 1;
  gboolean json = FALSE;
  AugurImageFormat format = AUGUR_IMAGE_FORMAT_PNG;
  int status = EXIT_OK;
  const GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Run for S seconds after a first pass over the images (default 3)", "S" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Worker threads, as a data loader's workers (default 1)", "N" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text, "Encode outputs as png, jpeg or webp (default png)", "FORMAT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the profile as JSON", NULL },
    { NULL }
  };

  context = command_context ("RECIPE [IMAGE...]",
                             "Measure a recipe as a data loader runs it: images per second, and each\n"
                             "step's share of the time beside decoding, sampling and encoding, so that\n"
                             "the step that makes a loader slow shows at the top. The images (default:\n"
                             "the bundled samples) are read into memory first and run in turn.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc < 2)
    return usage_error ("bench: expected a RECIPE");
  if (!(seconds >= 0 && seconds <= 3600))
    return usage_error ("bench: --seconds must be between 0 and 3600");
  if (threads < 1 || threads > 256)
    return usage_error ("bench: --threads must be between 1 and 256");
  if (format_text && !augur_image_format_from_string (format_text, &format))
    return usage_error ("bench: --format must be png, jpeg or webp");

  recipe = augur_recipe_load (argv[1], &error);
  if (recipe == NULL)
    return runtime_error (error);

  if (argc > 2)
    inputs = augur_runner_collect_inputs ((const char * const *) argv + 2, NULL, &error);
  else
    {
      const char *paths[2] = { NULL, NULL };

      samples = default_samples_folder ();
      paths[0] = samples;
      inputs = augur_runner_collect_inputs (paths, NULL, &error);
    }
  if (inputs == NULL)
    return runtime_error (error);

  for (guint i = 0; i < inputs->len; i++)
    {
      AugurRunnerInput *input = inputs->pdata[i];
      g_autoptr(GError) local_error = NULL;
      g_autoptr(AugurImage) check = NULL;
      GBytes *bytes;
      char *data;
      gsize len;

      /* Only images that decode within the limits are measured. */
      if (input->error || !g_file_get_contents (input->path, &data, &len, &local_error))
        {
          message ("%s", input->error ? input->error->message : local_error->message);
          return EXIT_FAILURE_RUNTIME;
        }
      bytes = g_bytes_new_take (data, len);
      check = augur_image_load_bytes (bytes, 0, &local_error);
      if (check == NULL)
        {
          message ("%s: %s", input->path, local_error->message);
          g_bytes_unref (bytes);
          return EXIT_FAILURE_RUNTIME;
        }
      g_ptr_array_add (files, bytes);
      g_ptr_array_add (keys, input->key);
    }
  if (files->len == 0)
    {
      message ("bench: no images found");
      return EXIT_FAILURE_RUNTIME;
    }

  profile = augur_profile_run (recipe, (GBytes * const *) files->pdata, (const char * const *) keys->pdata,
                               files->len, seconds, (guint) threads, format, &error);
  if (profile == NULL)
    return runtime_error (error);

  if (json)
    print_profile_json (profile, argv[1], files->len);
  else
    print_profile_text (profile, argv[1], files->len);
  return EXIT_OK;
}

/* manifest --------------------------------------------------------------------------- */

static int
command_manifest (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  int status = EXIT_OK;
  guint n_lines = 0;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the merged manifest to FILE", "FILE" },
    { NULL }
  };

  context = command_context ("merge SHARD-MANIFEST... -o FILE",
                             "Join the manifests written by the shards of one run (apply --shard I/N)\n"
                             "into the manifest a single run writes: the same header, the same lines\n"
                             "in the same order. Shards of different runs (recipe, seed, inputs,\n"
                             "format or quality), a missing shard or one given twice are refused.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc < 2 || !g_str_equal (argv[1], "merge"))
    return usage_error ("manifest: expected 'merge' (augur-cli manifest merge SHARD... -o FILE)");
  if (argc < 3)
    return usage_error ("manifest merge: expected the shard manifests to join");
  if (output == NULL)
    return usage_error ("manifest merge: -o FILE is required");
  for (int i = 2; i < argc; i++)
    {
      g_autofree char *a = g_canonicalize_filename (argv[i], NULL);
      g_autofree char *b = g_canonicalize_filename (output, NULL);

      if (g_str_equal (a, b))
        return usage_error ("manifest merge: -o %s is one of the shards", output);
    }

  if (!augur_manifest_merge ((const char * const *) argv + 2, output, &n_lines, &error))
    return runtime_error (error);

  printf ("%d shards merged: %u output%s listed in %s\n", argc - 2, n_lines, n_lines == 1 ? "" : "s",
          output);
  return EXIT_OK;
}

/* leakage ---------------------------------------------------------------------------- */

static int
command_leakage (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurLeakage) leakage = NULL;
  g_autofree char *test_dir = NULL;
  g_autofree char *html = NULL;
  g_autofree char *cache = NULL;
  g_autofree char *threshold_text = NULL;
  g_autofree char *threads_text = NULL;
  g_auto(GStrv) manifests = NULL;
  gboolean json = FALSE, no_cache = FALSE;
  gint64 max_pixels = AUGUR_DEFAULT_MAX_PIXELS;
  int status = EXIT_OK, threshold = AUGUR_LEAKAGE_DEFAULT_THRESHOLD, threads = 0;
  guint n_unread = 0, n_leaks;
  const GOptionEntry entries[] = {
    { "test", 0, 0, G_OPTION_ARG_FILENAME, &test_dir, "A third split, the test set", "DIR" },
    { "manifest", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &manifests,
      "A manifest of 'apply' (repeatable): report outputs whose source is in another split", "FILE" },
    { "threshold", 0, 0, G_OPTION_ARG_STRING, &threshold_text,
      "Largest hash distance called a near-duplicate, 0-32 bits (default 8)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Write the report as JSON", NULL },
    { "html", 0, 0, G_OPTION_ARG_FILENAME, &html, "Also write an HTML report with thumbnails to FILE", "FILE" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &threads_text, "Worker threads (default: one per CPU)", "N" },
    { "cache", 0, 0, G_OPTION_ARG_FILENAME, &cache,
      "Keep hashes in DIR, keyed by file content (default: the user's cache folder, augur)", "DIR" },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &no_cache, "Neither read nor write the hash cache", NULL },
    { "max-pixels", 0, 0, G_OPTION_ARG_INT64, &max_pixels, "Refuse inputs with more pixels (default 100000000)", "N" },
    { NULL }
  };

  context = command_context ("TRAIN_DIR VAL_DIR",
                             "Find near-duplicate images across dataset splits (and within each): resized,\n"
                             "re-encoded, slightly cropped, brightened, flipped or turned copies.\n"
                             "With --manifest, also augmented outputs whose source is in another split.\n"
                             "Exit status: 0 no leak, 1 leaks found, 2 usage error or the check failed.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 3)
    return usage_error ("leakage: expected TRAIN_DIR and VAL_DIR");
  if (threshold_text && !parse_int_option (threshold_text, 0, AUGUR_LEAKAGE_MAX_THRESHOLD, &threshold))
    return usage_error ("--threshold: expected an integer from 0 to %d, not '%s'",
                        AUGUR_LEAKAGE_MAX_THRESHOLD, threshold_text);
  if (threads_text && !parse_int_option (threads_text, 1, 1024, &threads))
    return usage_error ("--threads: expected an integer from 1 to 1024, not '%s'", threads_text);
  if (max_pixels < 1)
    return usage_error ("--max-pixels: expected a positive number");

  leakage = augur_leakage_new ();
  if (!augur_leakage_add_split (leakage, "train", argv[1], &error) ||
      !augur_leakage_add_split (leakage, "val", argv[2], &error) ||
      (test_dir && !augur_leakage_add_split (leakage, "test", test_dir, &error)))
    return usage_error ("%s", error->message);
  for (guint i = 0; manifests && manifests[i]; i++)
    augur_leakage_add_manifest (leakage, manifests[i]);
  augur_leakage_set_threshold (leakage, (guint) threshold);
  if (threads > 0)
    augur_leakage_set_threads (leakage, (guint) threads);
  augur_leakage_set_max_pixels (leakage, max_pixels);
  if (!no_cache)
    {
      g_autofree char *folder = cache ? g_strdup (cache) : g_build_filename (g_get_user_cache_dir (), "augur", NULL);

      augur_leakage_set_cache_dir (leakage, folder);
    }

  if (!augur_leakage_run (leakage, &error))
    {
      message ("%s", error->message);
      return EXIT_USAGE;
    }

  if (json)
    {
      g_autoptr(JsonNode) node = augur_leakage_to_json (leakage);
      g_autofree char *text = augur_json_to_string (node, TRUE);

      printf ("%s\n", text);
    }
  else
    {
      g_autofree char *text = augur_leakage_to_text (leakage);

      fputs (text, stdout);
    }
  if (html && !augur_leakage_write_html (leakage, html, &error))
    {
      message ("%s", error->message);
      return EXIT_USAGE;
    }

  for (guint i = 0; i < augur_leakage_get_images (leakage)->len; i++)
    n_unread += ((AugurLeakageImage *) augur_leakage_get_images (leakage)->pdata[i])->error != NULL;
  if (n_unread > 0)
    message ("%u file%s could not be read (listed in the report)", n_unread, n_unread == 1 ? "" : "s");
  /* 1: leaks found (as diff's 1: differences found). */
  n_leaks = augur_leakage_get_n_leaks (leakage);
  return n_leaks > 0 ? EXIT_FAILURE_RUNTIME : EXIT_OK;
}

/* main ------------------------------------------------------------------------------- */

static const struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *synopsis;
} commands[] = {
  { "list",     command_list,     "list [--json]                          list the transforms" },
  { "describe", command_describe, "describe NAME [--json]                 describe a transform's parameters\n"
                                  "  describe --markdown                    the reference of every transform, in Markdown\n"
                                  "  describe --albumentations-markdown     the Albumentations mapping, in Markdown" },
  { "validate", command_validate, "validate RECIPE                        check a recipe file" },
  { "export",   command_export,   "export RECIPE --to albumentations      a file for A.load (--yaml, --python, -o FILE)" },
  { "import",   command_import,   "import FILE [-o RECIPE]                a recipe from an Albumentations file" },
  { "apply",    command_apply,    "apply RECIPE INPUT... -o OUTDIR [...]  apply a recipe to images and folders\n"
                                  "  apply --replay MANIFEST -o OUTDIR      reproduce the outputs of a manifest" },
  { "sheet",    command_sheet,    "sheet RECIPE... IMAGE... -o SHEET.png  draw a contact sheet of augmented draws" },
  { "gallery",  command_gallery,  "gallery -o DIR [IMAGE]                 draw each transform at the ends of its ranges" },
  { "bench",    command_bench,    "bench RECIPE [IMAGE...] [--seconds S]    profile a recipe: images/s, each step's share" },
  { "manifest", command_manifest, "manifest merge SHARD... -o FILE        join the manifests of a sharded run" },
  { "leakage",  command_leakage,  "leakage TRAIN_DIR VAL_DIR [--test DIR]  find near-duplicates across dataset splits" },
  { "stress",   command_stress,   "stress INPUT... -o OUT --suite SUITE   corrupt images at graded severities (ImageNet-C, weather)" },
  { "presets",  command_presets,  "presets [NAME -o FILE]                 list the starting recipes, or copy one" },
};

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage: augur-cli COMMAND [OPTION...] [ARGUMENT...]\n"
           "\n"
           "Apply Augur image augmentation recipes without the GUI.\n"
           "\n"
           "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %s\n", commands[i].synopsis);
  fprintf (out,
           "\n"
           "Options:\n"
           "  -h, --help     show this help ('augur-cli COMMAND --help' for a command)\n"
           "  --version      show the version\n"
           "\n"
           "Exit status: 0 success, 1 runtime failure, 2 usage error.\n");
}

int
main (int    argc,
      char **argv)
{
  const char *name;

  /* For the messages of GLib (and GOptionContext's help) in the user's
   * language and charset; numbers in files are written locale-free. */
  setlocale (LC_ALL, "");

  if (argc < 2)
    {
      print_usage (stderr);
      return EXIT_USAGE;
    }

  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      if (argc > 2 && !g_str_equal (name, "help"))
        return usage_error ("unexpected argument '%s'", argv[2]);
      if (argc > 2)
        {
          /* "help COMMAND" is "COMMAND --help". */
          for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
            if (g_str_equal (argv[2], commands[i].name))
              {
                g_autofree char *prgname = g_strdup_printf ("augur-cli %s", commands[i].name);
                char *help_argv[] = { argv[0], (char *) "--help", NULL };

                current_command = commands[i].name;
                g_set_prgname (prgname);
                return commands[i].run (2, help_argv);
              }
          return usage_error ("no command '%s'", argv[2]);
        }
      print_usage (stdout);
      return EXIT_OK;
    }
  if (g_str_equal (name, "--version"))
    {
      printf ("augur-cli %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (name, commands[i].name))
      {
        g_autofree char *prgname = g_strdup_printf ("augur-cli %s", name);

        current_command = commands[i].name;
        /* GOptionContext's usage line reads "augur-cli COMMAND [OPTION…]". */
        g_set_prgname (prgname);
        return commands[i].run (argc - 1, argv + 1);
      }

  if (name[0] == '-')
    return usage_error ("unknown option '%s' (a COMMAND comes first)", name);
  return usage_error ("unknown command '%s'", name);
}
