/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "augur-error.h"
#include "augur-recipe.h"

#define HEAD "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 7, "
#define RECIPE(pipeline) HEAD "\"pipeline\": " pipeline "}"
#define SEQ(steps) "{\"type\": \"Sequential\", \"steps\": [" steps "]}"
#define HFLIP "{\"type\": \"HorizontalFlip\"}"
#define SEEDED(seed) "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": " seed ", " \
                     "\"pipeline\": {\"type\": \"Sequential\", \"steps\": []}}"
#define RBC(params) "{\"type\": \"RandomBrightnessContrast\", \"params\": " params "}"

/* Malformed recipes: each is refused with its code and message fragments -- */

typedef struct
{
  const char *name;
  const char *text;
  gssize      length;          /* -1: NUL-terminated */
  int         code;            /* AugurError */
  const char *fragments[3];    /* all must appear in the message */
} BadCase;

static const BadCase bad_cases[] = {
  /* The optional description */
  { "description-not-string",
    "{\"format\": \"augur-recipe\", \"version\": 1, \"description\": 3, \"pipeline\": " SEQ ("") "}", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "description", "expected a string" } },
  /* Unknown names */
  { "unknown-transform", RECIPE (SEQ (HFLIP ", " HFLIP ", {\"type\": \"NoSuchThing\"}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[2]", "type", "unknown transform \"NoSuchThing\"" } },
  { "unknown-transform-nested",
    RECIPE (SEQ (HFLIP ", " HFLIP ", {\"type\": \"OneOf\", \"steps\": [{\"type\": \"Blurr\"}]}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[2].steps[0]", "type", "\"Blurr\"" } },
  { "unknown-parameter", RECIPE (SEQ (RBC ("{\"brightness\": 0.1}"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "params.brightness", "no such parameter" } },
  { "unknown-parameter-of-flip",
    RECIPE (SEQ ("{\"type\": \"HorizontalFlip\", \"params\": {\"axis\": 1}}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "params.axis", "it has: none" } },
  { "unknown-step-field", RECIPE (SEQ ("{\"type\": \"HorizontalFlip\", \"probability\": 0.5}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "unknown field \"probability\"" } },
  { "unknown-group-field", RECIPE (SEQ ("{\"type\": \"OneOf\", \"n\": 2, \"steps\": []}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "unknown field \"n\"" } },
  { "unknown-top-level-field", HEAD "\"pipeline\": " SEQ ("") ", \"comment\": \"hi\"}", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "recipe", "unknown field \"comment\"" } },

  /* Wrong JSON types */
  { "string-for-number", RECIPE (SEQ ("{\"type\": \"HorizontalFlip\", \"p\": \"0.5\"}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "p: expected a number" } },
  { "bool-for-number", RECIPE (SEQ ("{\"type\": \"HorizontalFlip\", \"p\": true}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "p: expected a number" } },
  { "string-in-range", RECIPE (SEQ (RBC ("{\"brightness_limit\": [\"0.1\", 0.2]}"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "params.brightness_limit[0]", "got a string" } },
  { "bool-for-range", RECIPE (SEQ (RBC ("{\"contrast_limit\": true}"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "params.contrast_limit", "got a boolean" } },
  { "object-for-range", RECIPE (SEQ (RBC ("{\"brightness_limit\": {\"lo\": 0}}"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "params.brightness_limit", "list of two numbers", "got an object" } },
  { "range-of-three", RECIPE (SEQ (RBC ("{\"brightness_limit\": [0, 0.1, 0.2]}"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "params.brightness_limit", "another length" } },
  { "number-for-bool", RECIPE (SEQ (RBC ("{\"brightness_by_max\": 1}"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "params.brightness_by_max", "true or false" } },
  { "object-for-steps", RECIPE ("{\"type\": \"Sequential\", \"steps\": {}}"), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline", "steps", "not a list" } },
  { "missing-steps", RECIPE ("{\"type\": \"OneOf\"}"), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline", "steps: missing" } },
  { "list-for-params", RECIPE (SEQ (RBC ("[0.1, 0.2]"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "params: expected an object" } },
  { "number-for-step", RECIPE (SEQ (HFLIP ", 3")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[1]", "expected a step" } },
  { "type-not-string", RECIPE (SEQ ("{\"type\": 5}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "type: missing, or not a string" } },
  { "type-missing", RECIPE (SEQ ("{\"p\": 0.5}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "type: missing" } },
  { "enabled-not-bool", RECIPE (SEQ ("{\"type\": \"HorizontalFlip\", \"enabled\": \"yes\"}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "enabled: expected true or false" } },
  { "someof-n-fraction", RECIPE (SEQ ("{\"type\": \"SomeOf\", \"n\": 1.5, \"steps\": [" HFLIP "]}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "n: expected an integer" } },
  { "someof-n-zero", RECIPE (SEQ ("{\"type\": \"SomeOf\", \"n\": 0, \"steps\": [" HFLIP "]}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "n: 0 is out of range" } },
  { "someof-replace-not-bool",
    RECIPE (SEQ ("{\"type\": \"SomeOf\", \"replace\": 1, \"steps\": [" HFLIP "]}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "replace: expected true or false" } },
  { "root-not-object", "[1, 2]", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "recipe", "expected an object" } },

  /* Out-of-range values */
  { "range-beyond-limit", RECIPE (SEQ (RBC ("{\"brightness_limit\": [-2, 0]}"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "params.brightness_limit", "-2 is out of range [-1, 1]" } },
  { "symmetric-beyond-limit", RECIPE (SEQ (RBC ("{\"brightness_limit\": 1.5}"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "params.brightness_limit", "out of range" } },
  { "reversed-range", RECIPE (SEQ (RBC ("{\"brightness_limit\": [0.3, 0.1]}"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "params.brightness_limit", "reversed" } },
  { "p-above-one", RECIPE (SEQ (HFLIP ", {\"type\": \"VerticalFlip\", \"p\": 1.5}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[1]", "p: 1.5 is out of range [0, 1]" } },
  { "p-below-zero", RECIPE (SEQ ("{\"type\": \"VerticalFlip\", \"p\": -0.1}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline.steps[0]", "p: -0.1 is out of range" } },
  { "group-p-above-one", RECIPE ("{\"type\": \"Sequential\", \"p\": 2, \"steps\": []}"), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline (Sequential)", "p: 2 is out of range" } },
  { "seed-negative", SEEDED ("-1"), -1, AUGUR_ERROR_INVALID_RECIPE, { "recipe", "seed: -1 is out of range" } },
  { "seed-2^53", SEEDED ("9007199254740992"), -1, AUGUR_ERROR_INVALID_RECIPE, { "seed", "out of range" } },
  { "seed-fraction", SEEDED ("1.5"), -1, AUGUR_ERROR_INVALID_RECIPE, { "seed: expected an integer" } },
  { "seed-string", SEEDED ("\"42\""), -1, AUGUR_ERROR_INVALID_RECIPE, { "seed: expected an integer" } },

  /* NaN and Infinity: not JSON, refused by the reader with a clear word */
  { "nan", RECIPE (SEQ ("{\"type\": \"HorizontalFlip\", \"p\": NaN}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "not valid JSON", "\"NaN\"", "not JSON numbers" } },
  { "infinity", RECIPE (SEQ (RBC ("{\"brightness_limit\": [0, Infinity]}"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "not valid JSON", "\"Infinity\"" } },
  { "minus-infinity", RECIPE (SEQ (RBC ("{\"brightness_limit\": [-Infinity, 0]}"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "not valid JSON", "\"Infinity\"" } },
  /* ... and a number too large for a double (json-glib reads it as
   * infinity) or an integer over 64 bits (read as -1): refused as written */
  { "overflow-to-infinity-p", RECIPE (SEQ ("{\"type\": \"HorizontalFlip\", \"p\": 1e999}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "line 1", "1e999 is beyond the range of a double" } },
  { "overflow-to-infinity-param", RECIPE (SEQ (RBC ("{\"brightness_limit\": [0, -1e999]}"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "line 1", "-1e999 is beyond" } },
  { "overflow-integer-seed", SEEDED ("99999999999999999999"), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "line 1", "integer 99999999999999999999 does not fit" } },
  { "overflow-integer-negative", RECIPE (SEQ ("{\"type\": \"HorizontalFlip\", \"p\": -18446744073709551617}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "-18446744073709551617 does not fit" } },
  { "seed-int64-max", SEEDED ("9223372036854775807"), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "seed: 9223372036854775807 is out of range" } },

  /* Duplicate members: json-glib keeps the last, so a second "pipeline"
   * or "p" would silently replace the first */
  { "duplicate-pipeline", HEAD "\"pipeline\": " SEQ (HFLIP) ",\n\"pipeline\": " SEQ ("") "}", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "line 2", "\"pipeline\" appears twice" } },
  { "duplicate-p", RECIPE (SEQ ("{\"type\": \"HorizontalFlip\", \"p\": 1, \"p\": 0}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "\"p\" appears twice" } },
  { "duplicate-param", RECIPE (SEQ (RBC ("{\"brightness_limit\": [0, 0.1], \"brightness_limit\": [0, 0.2]}"))), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "\"brightness_limit\" appears twice" } },

  /* A NUL inside a string would end the C string there */
  { "nul-escape-type", RECIPE (SEQ ("{\"type\": \"HorizontalFlip\\u0000Evil\"}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "line 1", "NUL character" } },
  { "nul-escape-key", RECIPE (SEQ ("{\"type\": \"HorizontalFlip\", \"p\\u0000x\": 1}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "NUL character" } },

  /* The top level */
  { "missing-format", "{\"version\": 1, \"pipeline\": " SEQ ("") "}", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "format", "expected \"augur-recipe\"" } },
  { "other-format", "{\"format\": \"augur-manifest\", \"version\": 1, \"pipeline\": " SEQ ("") "}", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "format", "expected \"augur-recipe\"" } },
  { "missing-version", "{\"format\": \"augur-recipe\", \"pipeline\": " SEQ ("") "}", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "version", "missing" } },
  { "version-string", "{\"format\": \"augur-recipe\", \"version\": \"1\", \"pipeline\": " SEQ ("") "}", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "version", "not an integer" } },
  { "newer-version", "{\"format\": \"augur-recipe\", \"version\": 2, \"pipeline\": " SEQ ("") "}", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "version", "2 is not supported", "newer Augur" } },
  { "missing-pipeline", "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 3}", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline", "missing" } },
  { "albumentations-file",
    "{\"__version__\": \"2.0.8\", \"transform\": {\"__class_fullname__\": \"Compose\", \"p\": 1.0, "
    "\"transforms\": [{\"__class_fullname__\": \"HorizontalFlip\", \"p\": 0.5}]}}", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "format", "Albumentations file" } },
  { "transform-as-pipeline", RECIPE (HFLIP), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline", "must be a group" } },

  /* Work: nested SomeOf with replacement would apply 1000 x 1000 flips */
  { "too-many-applications",
    RECIPE ("{\"type\": \"SomeOf\", \"n\": 1000, \"replace\": true, \"steps\": ["
            "{\"type\": \"SomeOf\", \"n\": 1000, \"replace\": true, \"steps\": [" HFLIP "]}]}"), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "pipeline", "1000000 transforms", "limit of 10000" } },

  /* Text that is not a JSON document */
  { "empty", "", -1, AUGUR_ERROR_INVALID_RECIPE, { "empty" } },
  { "white-space-only", "  \n\t ", -1, AUGUR_ERROR_INVALID_RECIPE, { "empty" } },
  { "invalid-utf8", RECIPE (SEQ ("{\"type\": \"Horizontal\xff\xfe" "Flip\"}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "not UTF-8" } },
  { "nul-byte", "{\"format\": \"augur-recipe\"\0}", 27, AUGUR_ERROR_INVALID_RECIPE, { "not UTF-8" } },
  { "trailing-garbage", RECIPE (SEQ ("")) " trailing", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "line 1", "after the end" } },
  { "trailing-second-document", RECIPE (SEQ ("")) "\n{}", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "line 2", "after the end" } },
  { "trailing-bracket", RECIPE (SEQ ("")) "}", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "line 1", "after the end" } },
  { "unbalanced", "]", -1, AUGUR_ERROR_INVALID_RECIPE, { "unbalanced" } },
  { "truncated", HEAD "\"pipeline\": {\"type\": \"Sequential\", \"steps\": [", -1,
    AUGUR_ERROR_INVALID_RECIPE, { "ends early" } },
  { "comment", "/* a recipe */ " RECIPE (SEQ ("")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "not valid JSON", "no comments" } },
  { "single-quotes", RECIPE (SEQ ("{'type': 'HorizontalFlip'}")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "not valid JSON", "double quotes" } },
  { "trailing-comma", RECIPE (SEQ (HFLIP ",")), -1,
    AUGUR_ERROR_INVALID_RECIPE, { "not valid JSON", "line 1" } },
};

static void
test_bad_recipe (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = augur_recipe_parse (c->text, c->length, &error);

  g_assert_null (recipe);
  g_assert_nonnull (error);
  g_test_message ("%s: %s", c->name, error->message);
  g_assert_error (error, AUGUR_ERROR, c->code);
  for (guint i = 0; i < G_N_ELEMENTS (c->fragments) && c->fragments[i]; i++)
    if (strstr (error->message, c->fragments[i]) == NULL)
      g_error ("%s: \"%s\" lacks \"%s\"", c->name, error->message, c->fragments[i]);
}

/* Nesting ------------------------------------------------------------------- */

/* @levels Sequential groups, one inside the other, the innermost holding a
 * flip. */
static char *
nested_groups (guint levels)
{
  GString *s = g_string_new (HEAD "\"pipeline\": ");

  for (guint i = 0; i < levels; i++)
    g_string_append (s, "{\"type\": \"Sequential\", \"steps\": [");
  g_string_append (s, HFLIP);
  for (guint i = 0; i < levels; i++)
    g_string_append (s, "]}");
  g_string_append (s, "}");
  return g_string_free (s, FALSE);
}

static void
test_nesting_steps (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ok_text = nested_groups (AUGUR_RECIPE_MAX_DEPTH - 1);
  g_autofree char *bad_text = nested_groups (AUGUR_RECIPE_MAX_DEPTH + 1);
  g_autoptr(AugurRecipe) ok = NULL;
  g_autoptr(AugurRecipe) bad = NULL;

  /* 31 groups and the flip: 32 levels, the limit, still read. */
  ok = augur_recipe_parse (ok_text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (augur_node_count_transforms (ok->pipeline), ==, 1);

  /* 33 groups: refused, naming the level where it went too deep. */
  bad = augur_recipe_parse (bad_text, -1, &error);
  g_assert_null (bad);
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
  g_assert_nonnull (strstr (error->message, "nested deeper than 32 levels"));
  g_assert_nonnull (strstr (error->message, "pipeline.steps[0].steps[0]"));
}

static void
test_applications_limit (void)
{
  g_autoptr(GError) error = NULL;
  /* 100 x 100 = 10000 applications: the limit, accepted; a RandomOrder
   * without replacement of 3 costs its 3 steps at most. */
  g_autoptr(AugurRecipe) ok = augur_recipe_parse (RECIPE (SEQ (
    "{\"type\": \"SomeOf\", \"n\": 100, \"replace\": true, \"steps\": ["
    "  {\"type\": \"SomeOf\", \"n\": 100, \"replace\": true, \"steps\": [" HFLIP "]}]}")), -1, &error);
  g_autoptr(AugurRecipe) bad = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (ok);

  /* One more flip beside it: over. */
  bad = augur_recipe_parse (RECIPE (SEQ (
    HFLIP ", {\"type\": \"SomeOf\", \"n\": 100, \"replace\": true, \"steps\": ["
    "  {\"type\": \"SomeOf\", \"n\": 100, \"replace\": true, \"steps\": [" HFLIP "]}]}")), -1, &error);
  g_assert_null (bad);
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
  g_assert_nonnull (strstr (error->message, "10001 transforms"));
}

static void
test_nesting_brackets (void)
{
  g_autoptr(GString) deep = g_string_new (HEAD "\"pipeline\": {\"type\": \"Sequential\", \"steps\": ["
                                          "{\"type\": \"RandomBrightnessContrast\", "
                                          "\"params\": {\"brightness_limit\": ");
  g_autoptr(GString) hidden = g_string_new ("/* \" */ ");
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = NULL;

  /* Raw brackets, far deeper than any recipe: refused before parsing, so
   * the parser never recurses into them. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  recipe = augur_recipe_parse (deep->str, (gssize) deep->len, &error);
  g_assert_null (recipe);
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "nested deeper than"));
  g_clear_error (&error);

  /* The same behind a comment holding a quote, which json-glib would skip
   * but a naive depth count would take for the start of a string. */
  g_string_append (hidden, "[");
  for (guint i = 0; i < 100000; i++)
    g_string_append (hidden, "[");
  recipe = augur_recipe_parse (hidden->str, (gssize) hidden->len, &error);
  g_assert_null (recipe);
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
  g_assert_nonnull (strstr (error->message, "no comments"));
  g_clear_error (&error);

  /* Brackets inside strings do not count. */
  {
    g_autoptr(GString) quoted = g_string_new (HEAD "\"pipeline\": {\"type\": \"");

    for (guint i = 0; i < 1000; i++)
      g_string_append (quoted, "[{\\\"");
    g_string_append (quoted, "\", \"steps\": []}}");
    recipe = augur_recipe_parse (quoted->str, -1, &error);
    g_assert_null (recipe);
    /* Read as text, then refused as an unknown type. */
    g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
    g_assert_nonnull (strstr (error->message, "unknown transform"));
  }
}

/* Size ---------------------------------------------------------------------- */

static char *
padded_recipe (gsize size)
{
  GString *s = g_string_new (RECIPE (SEQ ("")));

  while (s->len < size)
    g_string_append_c (s, ' ');
  return g_string_free (s, FALSE);
}

static void
test_size_limit (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *at_limit = padded_recipe (AUGUR_RECIPE_MAX_BYTES);
  g_autofree char *over = padded_recipe (AUGUR_RECIPE_MAX_BYTES + 1);
  g_autofree char *dir = g_dir_make_tmp ("augur-recipe-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "big.json", NULL);
  g_autoptr(AugurRecipe) recipe = NULL;

  g_assert_no_error (error);

  /* 1 MiB exactly (trailing white space is allowed): read. */
  recipe = augur_recipe_parse (at_limit, -1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&recipe, augur_recipe_free);

  /* One byte more: refused, from memory and from a file. */
  recipe = augur_recipe_parse (over, -1, &error);
  g_assert_null (recipe);
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, over, -1, &error));
  recipe = augur_recipe_load (path, &error);
  g_assert_null (recipe);
  g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "limit"));
  g_clear_error (&error);

  /* A file that never ends is refused before it is read (it is not a
   * regular file), not read until memory runs out. */
  if (g_file_test ("/dev/zero", G_FILE_TEST_EXISTS))
    {
      recipe = augur_recipe_load ("/dev/zero", &error);
      g_assert_null (recipe);
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
      g_clear_error (&error);
    }

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Round trip and writer ------------------------------------------------------- */

static const char *valid_text =
  "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 42, \"pipeline\": "
  "{\"type\": \"Sequential\", \"steps\": ["
  "{\"type\": \"HorizontalFlip\", \"p\": 0.5},"
  "{\"type\": \"OneOf\", \"p\": 0.3, \"steps\": ["
  "  {\"type\": \"VerticalFlip\", \"enabled\": false},"
  "  {\"type\": \"RandomBrightnessContrast\", \"params\": {\"brightness_limit\": 0.1}}]},"
  "{\"type\": \"SomeOf\", \"n\": 2, \"steps\": []}]}}";

/* What the writer makes of valid_text: pretty, keys in a fixed order,
 * every parameter and every p written. */
static const char *valid_written =
  "{\n"
  "  \"format\": \"augur-recipe\",\n"
  "  \"version\": 1,\n"
  "  \"seed\": 42,\n"
  "  \"pipeline\": {\n"
  "    \"type\": \"Sequential\",\n"
  "    \"id\": \"sequential-1\",\n"
  "    \"p\": 1.0,\n"
  "    \"steps\": [\n"
  "      {\n"
  "        \"type\": \"HorizontalFlip\",\n"
  "        \"id\": \"horizontal-flip-1\",\n"
  "        \"p\": 0.5\n"
  "      },\n"
  "      {\n"
  "        \"type\": \"OneOf\",\n"
  "        \"id\": \"one-of-1\",\n"
  "        \"p\": 0.3,\n"
  "        \"steps\": [\n"
  "          {\n"
  "            \"type\": \"VerticalFlip\",\n"
  "            \"id\": \"vertical-flip-1\",\n"
  "            \"p\": 1.0,\n"
  "            \"enabled\": false\n"
  "          },\n"
  "          {\n"
  "            \"type\": \"RandomBrightnessContrast\",\n"
  "            \"id\": \"random-brightness-contrast-1\",\n"
  "            \"p\": 1.0,\n"
  "            \"params\": {\n"
  "              \"brightness_limit\": [-0.1, 0.1],\n"
  "              \"contrast_limit\": [-0.2, 0.2],\n"
  "              \"brightness_by_max\": true,\n"
  "              \"ensure_safe_range\": false\n"
  "            }\n"
  "          }\n"
  "        ]\n"
  "      },\n"
  "      {\n"
  "        \"type\": \"SomeOf\",\n"
  "        \"id\": \"some-of-1\",\n"
  "        \"p\": 1.0,\n"
  "        \"n\": 2,\n"
  "        \"replace\": false,\n"
  "        \"steps\": []\n"
  "      }\n"
  "    ]\n"
  "  }\n"
  "}\n";

static void
test_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = augur_recipe_parse (valid_text, -1, &error);
  g_autoptr(AugurRecipe) again = NULL;
  g_autofree char *written = NULL;
  g_autofree char *written_twice = NULL;
  g_autofree char *rewritten = NULL;

  g_assert_no_error (error);
  written = augur_recipe_to_string (recipe);
  g_assert_cmpstr (written, ==, valid_written);

  /* parse -> write -> parse gives an equal recipe ... */
  again = augur_recipe_parse (written, -1, &error);
  g_assert_no_error (error);
  g_assert_true (augur_recipe_equal (recipe, again));
  g_assert_cmpuint (augur_node_hash (recipe->pipeline), ==, augur_node_hash (again->pipeline));

  /* ... and writing is stable: the same bytes every time. */
  written_twice = augur_recipe_to_string (recipe);
  rewritten = augur_recipe_to_string (again);
  g_assert_cmpstr (written, ==, written_twice);
  g_assert_cmpstr (written, ==, rewritten);
}

/* Numbers come back exactly: the writer picks the shortest text that reads
 * back as the same double, and keeps integers (pixels) and numbers apart. */
static void
test_roundtrip_numbers (void)
{
  static const double values[] = { 0.1, 1.0 / 3, -0.7, 1e-7, 0.30000000000000004, 2.5e-300, 0.0 };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(AugurRecipe) recipe = augur_recipe_new ();
      g_autoptr(AugurRecipe) again = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      AugurNode *rbc = augur_node_new_transform (augur_transform_lookup ("RandomBrightnessContrast"));

      rbc->p = values[i] >= 0 && values[i] <= 1 ? values[i] : 0.5;
      rbc->params[0].v[0] = values[i] <= 0 ? values[i] : -values[i];
      rbc->params[0].v[1] = fabs (values[i]);
      recipe->seed = AUGUR_SEED_MASK;
      augur_node_append (recipe->pipeline, rbc);
      /* Ids are part of what reads back (the writer would give these). */
      augur_node_ensure_ids (recipe->pipeline);

      text = augur_recipe_to_string (recipe);
      again = augur_recipe_parse (text, -1, &error);
      g_assert_no_error (error);
      g_assert_true (augur_recipe_equal (recipe, again));
      g_assert_cmpuint (again->seed, ==, AUGUR_SEED_MASK);
    }
}

static void
test_defaults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = NULL;
  g_autofree char *written = NULL;
  const AugurTransformInfo *info = augur_transform_lookup ("RandomBrightnessContrast");
  AugurValue def;
  AugurNode *flip, *rbc;

  recipe = augur_recipe_parse (RECIPE (SEQ (HFLIP ", " RBC ("{\"brightness_limit\": [0.1, 0.2]}"))), -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recipe->seed, ==, 7);
  flip = recipe->pipeline->children->pdata[0];
  rbc = recipe->pipeline->children->pdata[1];

  /* p and enabled left out: 1.0 and true in a recipe file (not the
   * transform's default_p, which only the GUI uses for a new step). */
  g_assert_cmpfloat (flip->p, ==, 1.0);
  g_assert_true (flip->enabled);
  g_assert_cmpfloat (recipe->pipeline->p, ==, 1.0);

  /* The given parameter is read, the others take their defaults. */
  g_assert_cmpfloat (rbc->params[0].v[0], ==, 0.1);
  g_assert_cmpfloat (rbc->params[0].v[1], ==, 0.2);
  for (guint i = 1; i < info->n_params; i++)
    {
      augur_param_default (&info->params[i], &def);
      g_assert_true (augur_param_equal (&info->params[i], &rbc->params[i], &def));
    }

  /* The writer spells everything out: every p, every parameter. */
  written = augur_recipe_to_string (recipe);
  g_assert_nonnull (strstr (written, "\"type\": \"HorizontalFlip\",\n        \"id\": \"horizontal-flip-1\",\n        \"p\": 1.0\n"));
  g_assert_nonnull (strstr (written, "\"contrast_limit\": [-0.2, 0.2]"));
  g_assert_nonnull (strstr (written, "\"ensure_safe_range\": false"));

  /* A UTF-8 byte order mark before the document is allowed. */
  {
    g_autoptr(AugurRecipe) bom = augur_recipe_parse ("\xef\xbb\xbf" RECIPE (SEQ ("")), -1, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (bom->seed, ==, 7);
  }

  /* A recipe without a seed has seed 0. */
  {
    g_autoptr(AugurRecipe) unseeded =
      augur_recipe_parse ("{\"format\": \"augur-recipe\", \"version\": 1, \"pipeline\": " SEQ ("") "}", -1, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (unseeded->seed, ==, 0);
  }

  /* A description is optional; when present it is kept, written after
   * the version, and read back the same; without one none is written. */
  {
    g_autoptr(AugurRecipe) described =
      augur_recipe_parse ("{\"format\": \"augur-recipe\", \"version\": 1, "
                          "\"description\": \"Night \\u00e9t\\u00e9 \\\"driving\\\"\", \"pipeline\": " SEQ ("") "}",
                          -1, &error);
    g_autoptr(AugurRecipe) again = NULL;
    g_autoptr(AugurRecipe) plain = NULL;
    g_autofree char *text = NULL;
    g_autofree char *plain_text = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (described->description, ==, "Night \u00e9t\u00e9 \"driving\"");
    text = augur_recipe_to_string (described);
    g_assert_nonnull (strstr (text, "\"version\": 1,\n  \"description\": "));
    again = augur_recipe_parse (text, -1, &error);
    g_assert_no_error (error);
    g_assert_true (augur_recipe_equal (described, again));

    plain = augur_recipe_copy (described);
    g_clear_pointer (&plain->description, g_free);
    g_assert_false (augur_recipe_equal (described, plain));
    plain_text = augur_recipe_to_string (plain);
    g_assert_null (strstr (plain_text, "description"));
  }

  /* SomeOf's n defaults to 1, RandomOrder's to all of its steps;
   * replace to false. */
  {
    g_autoptr(AugurRecipe) groups = augur_recipe_parse (RECIPE (SEQ (
      "{\"type\": \"SomeOf\", \"steps\": [" HFLIP ", " HFLIP ", " HFLIP "]},"
      "{\"type\": \"RandomOrder\", \"steps\": [" HFLIP ", " HFLIP ", " HFLIP "]}")), -1, &error);
    AugurNode *some_of, *random_order;

    g_assert_no_error (error);
    some_of = groups->pipeline->children->pdata[0];
    random_order = groups->pipeline->children->pdata[1];
    g_assert_cmpint (some_of->n, ==, 1);
    g_assert_false (some_of->replace);
    g_assert_cmpint (random_order->n, ==, 3);
    g_assert_false (random_order->replace);
  }
}

static void
test_save (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("augur-recipe-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "recipe.json", NULL);
  g_autofree char *bad_path = g_build_filename (dir, "no-such-dir", "recipe.json", NULL);
  g_autoptr(AugurRecipe) recipe = augur_recipe_parse (valid_text, -1, &error);
  g_autoptr(AugurRecipe) loaded = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GDir) listing = NULL;
  GString *old = g_string_new (NULL);
  const char *name;
  guint n_files = 0;

  g_assert_no_error (error);

  /* An existing, longer file is replaced whole, not overwritten in place. */
  for (guint i = 0; i < 10000; i++)
    g_string_append (old, "old old old\n");
  g_assert_true (g_file_set_contents (path, old->str, (gssize) old->len, &error));
  g_string_free (old, TRUE);

  g_assert_true (augur_recipe_save (recipe, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_cmpstr (contents, ==, valid_written);

  loaded = augur_recipe_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (augur_recipe_equal (recipe, loaded));

  /* No temporary file is left beside it. */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_assert_cmpstr (name, ==, "recipe.json");
      n_files++;
    }
  g_assert_cmpuint (n_files, ==, 1);

  /* An unwritable path: a clean error, nothing created. */
  g_assert_false (augur_recipe_save (recipe, bad_path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "could not save recipe"));
  g_clear_error (&error);
  g_assert_false (g_file_test (bad_path, G_FILE_TEST_EXISTS));

  /* A directory in the way: refused, and the directory is left alone. */
  g_assert_false (augur_recipe_save (recipe, dir, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_load_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = augur_recipe_load ("no/such/recipe.json", &error);

  g_assert_null (recipe);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no/such/recipe.json"));
}

/* A FIFO or a folder given as a recipe is refused at once, naming it
 * (opening a FIFO for reading would wait for a writer for ever). */
static void
test_load_not_regular (void)
{
  g_autofree char *dir = g_dir_make_tmp ("augur-recipe-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "pipe.json", NULL);
  g_autoptr(GError) error = NULL;
  AugurRecipe *recipe;

  g_assert_nonnull (dir);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  recipe = augur_recipe_load (fifo, &error);
  g_assert_null (recipe);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_assert_nonnull (strstr (error->message, "pipe.json: not a regular file"));
  g_clear_error (&error);

  recipe = augur_recipe_load (dir, &error);
  g_assert_null (recipe);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
  g_clear_error (&error);

  g_assert_cmpint (g_remove (fifo), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Parameter values, type by type ------------------------------------------------ */

static const char *const test_nicks[] = { "nearest", "linear", "area", NULL };
static const char *const fill_nicks[] = { "random", NULL };

enum { P_RANGE, P_SYM, P_XY, P_XY_SYM, P_SIZE, P_ENUM, P_FILL, P_NULLABLE, P_PIXELS, P_INT, P_BOOL, P_REV };

static const AugurParamSpec test_specs[] = {
  [P_RANGE] = { .name = "limit", .type = AUGUR_PARAM_RANGE, .min = 0, .max = 1, .def = { 0.1, 0.2 } },
  [P_SYM] = { .name = "angle", .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
              .min = -90, .max = 90, .def = { -10, 10 } },
  [P_XY] = { .name = "scale", .type = AUGUR_PARAM_XY_RANGE, .min = 0.1, .max = 10, .def = { 1, 1, 1, 1 } },
  [P_XY_SYM] = { .name = "shear", .type = AUGUR_PARAM_XY_RANGE, .flags = AUGUR_PARAM_SYMMETRIC,
                 .min = -45, .max = 45, .def = { 0, 0, 0, 0 } },
  [P_SIZE] = { .name = "size", .type = AUGUR_PARAM_SIZE, .min = 1, .max = 8192, .def = { 256, 256 } },
  [P_ENUM] = { .name = "interpolation", .type = AUGUR_PARAM_ENUM, .def_nick = 1, .nicks = test_nicks },
  [P_FILL] = { .name = "fill", .type = AUGUR_PARAM_FILL, .min = 0, .max = 255, .def_nick = -1,
               .nicks = fill_nicks },
  [P_NULLABLE] = { .name = "seed_limit", .type = AUGUR_PARAM_NUMBER, .flags = AUGUR_PARAM_NULLABLE,
                   .min = 0, .max = 5, .def_null = TRUE },
  [P_PIXELS] = { .name = "hole_height_range", .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_PIXELS_IF_INT,
                 .min = 0, .max = 1, .def = { 0.1, 0.2 } },
  [P_INT] = { .name = "num_holes", .type = AUGUR_PARAM_INT, .min = 1, .max = 10, .def = { 1 } },
  [P_BOOL] = { .name = "always", .type = AUGUR_PARAM_BOOL, .def = { 0 } },
  [P_REV] = { .name = "span", .type = AUGUR_PARAM_RANGE, .flags = AUGUR_PARAM_ALLOW_REVERSED,
              .min = -1, .max = 1, .def = { 0, 0 } },
};

typedef struct
{
  const char *name;
  int         spec;
  const char *json;
  const char *error;     /* NULL: accepted */
  double      v[4];      /* accepted: the values expected */
  guint       n_v;
} ParamCase;

static const ParamCase param_cases[] = {
  { "range", P_RANGE, "[0.25, 0.5]", NULL, { 0.25, 0.5 }, 2 },
  { "range-equal-ends", P_RANGE, "[0.5, 0.5]", NULL, { 0.5, 0.5 }, 2 },
  { "range-from-number", P_RANGE, "0.5", "limit: expected a list of two numbers, got a number" },
  { "range-of-one", P_RANGE, "[0.5]", "limit: expected a list of two numbers, got a list of another length" },
  { "range-reversed", P_RANGE, "[0.5, 0.25]", "limit: range is reversed" },
  { "range-out", P_RANGE, "[0, 1.5]", "limit: 1.5 is out of range [0, 1]" },
  { "range-null", P_RANGE, "null", "limit: must not be null" },
  { "symmetric-number", P_SYM, "30", NULL, { -30, 30 }, 2 },
  { "symmetric-negative", P_SYM, "-30", NULL, { -30, 30 }, 2 },
  { "symmetric-list", P_SYM, "[-5, 20]", NULL, { -5, 20 }, 2 },
  { "symmetric-out", P_SYM, "100", "angle: -100 is out of range [-90, 90]" },
  { "xy-object", P_XY, "{\"x\": [0.5, 2], \"y\": [1, 1.5]}", NULL, { 0.5, 2, 1, 1.5 }, 4 },
  { "xy-one-range", P_XY, "[0.5, 2]", NULL, { 0.5, 2, 0.5, 2 }, 4 },
  { "xy-number", P_XY, "1.5", NULL, { 1.5, 1.5, 1.5, 1.5 }, 4 },
  { "xy-symmetric-number", P_XY_SYM, "10", NULL, { -10, 10, -10, 10 }, 4 },
  { "xy-reversed-y", P_XY, "{\"x\": [0.5, 2], \"y\": [2, 1]}", "scale.y: range is reversed" },
  { "xy-out-x", P_XY, "{\"x\": [0, 2], \"y\": [1, 1]}", "scale.x: 0 is out of range [0.1, 10]" },
  { "xy-string-element", P_XY, "{\"x\": [\"1\", 2], \"y\": [1, 1]}", "scale.x[0]: expected a number, got a string" },
  { "xy-missing-y", P_XY, "{\"x\": [1, 2]}", "scale: expected an object with exactly the members" },
  { "xy-extra-z", P_XY, "{\"x\": [1, 2], \"y\": [1, 2], \"z\": [1, 2]}", "exactly the members" },
  { "xy-string", P_XY, "\"wide\"", "scale: expected {\"x\": [lo, hi]" },
  { "size", P_SIZE, "[480, 640]", NULL, { 480, 640 }, 2 },
  { "size-portrait", P_SIZE, "[640, 480]", NULL, { 640, 480 }, 2 },
  { "size-fraction", P_SIZE, "[480, 640.5]", "size[1]: expected an integer, got 640.5" },
  { "size-zero", P_SIZE, "[0, 640]", "size: 0 is out of range [1, 8192]" },
  { "enum", P_ENUM, "\"area\"", NULL },
  { "enum-unknown", P_ENUM, "\"cubic\"", "interpolation: \"cubic\" is not one of \"nearest\", \"linear\", \"area\"" },
  { "enum-number", P_ENUM, "1", "interpolation: expected one of" },
  { "fill-number", P_FILL, "128", NULL, { 128 }, 1 },
  { "fill-list", P_FILL, "[0, 128, 255]", NULL, { 0, 128, 255 }, 3 },
  { "fill-name", P_FILL, "\"random\"", NULL },
  { "fill-unknown-name", P_FILL, "\"mean\"", "fill: \"mean\" is not a number, a list of numbers or one of \"random\"" },
  { "fill-five", P_FILL, "[1, 2, 3, 4, 5]", "fill: a fill lists 1 to 4 channel values, not 5" },
  { "fill-empty", P_FILL, "[]", "1 to 4" },
  { "fill-out", P_FILL, "[0, 300]", "fill: 300 is out of range [0, 255]" },
  { "fill-object", P_FILL, "{}", "fill: expected a number, a list of numbers or a name, got an object" },
  { "nullable-null", P_NULLABLE, "null", NULL },
  { "nullable-number", P_NULLABLE, "2.5", NULL, { 2.5 }, 1 },
  { "pixels-integers", P_PIXELS, "[8, 32]", NULL, { 8, 32 }, 2 },
  { "pixels-fractions", P_PIXELS, "[0.1, 0.3]", NULL, { 0.1, 0.3 }, 2 },
  { "pixels-floats-are-fractions", P_PIXELS, "[8.0, 32.0]", "hole_height_range: 8 is out of range [0, 1]" },
  { "pixels-negative", P_PIXELS, "[-1, 4]", "hole_height_range: -1 is out of range" },
  { "int", P_INT, "3", NULL, { 3 }, 1 },
  { "int-float-form", P_INT, "3.0", NULL, { 3 }, 1 },
  { "int-fraction", P_INT, "2.5", "num_holes: expected an integer, got 2.5" },
  { "int-out", P_INT, "11", "num_holes: 11 is out of range [1, 10]" },
  { "bool", P_BOOL, "true", NULL, { 1 }, 1 },
  { "bool-number", P_BOOL, "0", "always: expected true or false, got an integer" },
  { "reversed-allowed", P_REV, "[0.5, -0.5]", NULL, { 0.5, -0.5 }, 2 },
};

static void
test_param (gconstpointer data)
{
  const ParamCase *c = data;
  const AugurParamSpec *spec = &test_specs[c->spec];
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  AugurValue value;

  node = json_from_string (c->json, &error);
  g_assert_no_error (error);

  if (c->error)
    {
      g_assert_false (augur_param_from_json (spec, node, &value, &error));
      g_test_message ("%s: %s", c->name, error->message);
      g_assert_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE);
      if (strstr (error->message, c->error) == NULL)
        g_error ("%s: \"%s\" lacks \"%s\"", c->name, error->message, c->error);
      return;
    }

  g_assert_true (augur_param_from_json (spec, node, &value, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < c->n_v; i++)
    g_assert_cmpfloat (value.v[i], ==, c->v[i]);

  /* Whatever was read is written back so that it reads the same again. */
  {
    g_autoptr(JsonNode) written = augur_param_to_json (spec, &value);
    AugurValue again;

    g_assert_true (augur_param_from_json (spec, written, &again, &error));
    g_assert_no_error (error);
    g_assert_true (augur_param_equal (spec, &value, &again));
    g_assert_true (augur_param_check (spec, &again, NULL));
  }
}

static void
test_param_details (void)
{
  g_autoptr(GError) error = NULL;
  AugurValue value;

  /* Integers in a PIXELS_IF_INT range are pixels, and stay integers. */
  {
    g_autoptr(JsonNode) node = json_from_string ("[8, 32]", NULL);
    g_autoptr(JsonNode) written = NULL;

    g_assert_true (augur_param_from_json (&test_specs[P_PIXELS], node, &value, &error));
    g_assert_true (value.integers);
    written = augur_param_to_json (&test_specs[P_PIXELS], &value);
    g_assert_cmpint (json_node_get_value_type (json_array_get_element (json_node_get_array (written), 0)),
                     ==, G_TYPE_INT64);
  }
  {
    g_autoptr(JsonNode) node = json_from_string ("[0.1, 0.3]", NULL);

    g_assert_true (augur_param_from_json (&test_specs[P_PIXELS], node, &value, &error));
    g_assert_false (value.integers);
  }

  /* Enum and fill names. */
  {
    g_autoptr(JsonNode) node = json_from_string ("\"area\"", NULL);

    g_assert_true (augur_param_from_json (&test_specs[P_ENUM], node, &value, &error));
    g_assert_cmpint (value.nick, ==, 2);
  }
  {
    g_autoptr(JsonNode) node = json_from_string ("\"random\"", NULL);

    g_assert_true (augur_param_from_json (&test_specs[P_FILL], node, &value, &error));
    g_assert_cmpint (value.nick, ==, 0);
  }
  {
    g_autoptr(JsonNode) node = json_from_string ("null", NULL);

    g_assert_true (augur_param_from_json (&test_specs[P_NULLABLE], node, &value, &error));
    g_assert_true (value.is_null);
  }

  /* Defaults. */
  augur_param_default (&test_specs[P_ENUM], &value);
  g_assert_cmpint (value.nick, ==, 1);
  augur_param_default (&test_specs[P_FILL], &value);
  g_assert_cmpint (value.nick, ==, -1);
  augur_param_default (&test_specs[P_NULLABLE], &value);
  g_assert_true (value.is_null);

  /* A fill spec that forgot def_nick = -1 still defaults to a number, not
   * to a name it does not have. */
  {
    static const char *const none[] = { NULL };
    const AugurParamSpec careless = { .name = "fill", .type = AUGUR_PARAM_FILL, .min = 0, .max = 255,
                                      .nicks = none };

    augur_param_default (&careless, &value);
    g_assert_cmpint (value.nick, ==, -1);
    g_assert_true (augur_param_check (&careless, &value, NULL));
  }

  /* augur_param_check refuses values set from code as the reader would. */
  augur_param_default (&test_specs[P_RANGE], &value);
  value.v[0] = NAN;
  g_assert_false (augur_param_check (&test_specs[P_RANGE], &value, &error));
  g_assert_nonnull (strstr (error->message, "finite"));
  g_clear_error (&error);
  augur_param_default (&test_specs[P_ENUM], &value);
  value.nick = 3;
  g_assert_false (augur_param_check (&test_specs[P_ENUM], &value, &error));
  g_clear_error (&error);
}

/* Thousands of small, seeded mutations of a valid recipe: each is either
 * refused with an AUGUR_ERROR and a message, or read, and then it writes
 * and reads back equal, with stable bytes. */
static void
test_mutations (void)
{
  static const char alphabet[] = "{}[]\":,0123456789.-eE truefalsnul\\/'\xff";
  guint64 state = 0x9e3779b97f4a7c15u;
  gsize valid_len = strlen (valid_text);
  guint accepted = 0, refused = 0;

  for (guint iteration = 0; iteration < 20000; iteration++)
    {
      g_autofree char *text = g_malloc (valid_len + 8);
      g_autoptr(AugurRecipe) recipe = NULL;
      g_autoptr(GError) error = NULL;
      gsize len = valid_len;
      guint n_mutations;

      memcpy (text, valid_text, valid_len);
      state ^= state << 13, state ^= state >> 7, state ^= state << 17;
      n_mutations = 1 + state % 3;
      for (guint m = 0; m < n_mutations && len > 1; m++)
        {
          gsize pos;
          char c;

          state ^= state << 13, state ^= state >> 7, state ^= state << 17;
          pos = (state >> 8) % len;
          c = alphabet[(state >> 40) % (sizeof alphabet - 1)];
          switch (state % 3)
            {
            case 0:
              text[pos] = c;
              break;
            case 1:
              memmove (text + pos + 1, text + pos, len - pos);
              text[pos] = c;
              len++;
              break;
            default:
              memmove (text + pos, text + pos + 1, len - pos - 1);
              len--;
            }
          if (len >= valid_len + 7)
            break;
        }

      /* Passed with its length and no terminating NUL. */
      recipe = augur_recipe_parse (text, (gssize) len, &error);
      if (recipe == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == AUGUR_ERROR);
          g_assert_cmpuint (strlen (error->message), >, 5);
          refused++;
          continue;
        }

      g_assert_no_error (error);
      accepted++;
      {
        g_autofree char *written = augur_recipe_to_string (recipe);
        g_autoptr(AugurRecipe) again = augur_recipe_parse (written, -1, &error);
        g_autofree char *rewritten = NULL;

        g_assert_no_error (error);
        g_assert_true (augur_recipe_equal (recipe, again));
        rewritten = augur_recipe_to_string (again);
        g_assert_cmpstr (written, ==, rewritten);
      }
    }

  g_test_message ("%u mutations accepted, %u refused", accepted, refused);
  g_assert_cmpuint (accepted, >, 100);
  g_assert_cmpuint (refused, >, 10000);
}

/* A slider should never offer values the reader would refuse. Reported as
 * incomplete (TODO), not as a failure: the GUI clamps, so it is a defect
 * of the table to fix, not a broken recipe. */
static void
test_registry_sliders (void)
{
  guint n, checked = 0;
  const AugurTransformInfo *const *list = augur_transforms_list (&n);
  g_autoptr(GString) bad = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < list[i]->n_params; j++)
      {
        const AugurParamSpec *spec = &list[i]->params[j];

        if (spec->type == AUGUR_PARAM_BOOL || spec->type == AUGUR_PARAM_ENUM)
          continue;
        /* No slider range (both 0): the control offers the hard limits. */
        if (spec->ui_min == 0 && spec->ui_max == 0)
          continue;
        checked++;
        if (spec->ui_max <= spec->ui_min)
          g_string_append_printf (bad, "\n  %s.%s: empty slider [%g, %g] (the control would "
                                  "silently fall back to the limits)",
                                  list[i]->name, spec->name, spec->ui_min, spec->ui_max);
        else if (spec->ui_min < spec->min || spec->ui_max > spec->max)
          g_string_append_printf (bad, "\n  %s.%s: slider [%g, %g] outside the limits [%g, %g]",
                                  list[i]->name, spec->name,
                                  spec->ui_min, spec->ui_max, spec->min, spec->max);
      }

  g_test_message ("%u slider ranges checked", checked);
  g_assert_cmpuint (checked, >, 0);
  if (bad->len > 0)
    {
      g_test_message ("slider ranges the transform table must fix:%s", bad->str);
      g_test_fail ();
    }
}

/* The complete example of docs/recipe-format.md (its first json block)
 * reads, and is exactly what the writer writes for it. */
static void
test_doc_example (void)
{
  const char *source = g_getenv ("AUGUR_SOURCE_DIR");
  g_autofree char *path = NULL;
  g_autofree char *doc = NULL;
  g_autofree char *example = NULL;
  g_autofree char *written = NULL;
  g_autoptr(AugurRecipe) recipe = NULL;
  g_autoptr(GError) error = NULL;
  const char *start, *end;

  if (source == NULL)
    {
      g_test_skip ("AUGUR_SOURCE_DIR is not set");
      return;
    }
  path = g_build_filename (source, "docs", "recipe-format.md", NULL);
  g_assert_true (g_file_get_contents (path, &doc, NULL, &error));
  start = strstr (doc, "```json\n");
  g_assert_nonnull (start);
  start += strlen ("```json\n");
  end = strstr (start, "```");
  g_assert_nonnull (end);
  example = g_strndup (start, (gsize) (end - start));

  recipe = augur_recipe_parse (example, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recipe->seed, ==, 1234);
  written = augur_recipe_to_string (recipe);
  g_assert_cmpstr (written, ==, example);

  /* The replay example that follows is a valid replay of this recipe. */
  {
    const char *replay_start = strstr (end + 3, "```json\n");
    const char *replay_end;
    g_autofree char *replay_text = NULL;
    g_autoptr(JsonNode) json = NULL;
    g_autoptr(AugurReplay) replay = NULL;

    g_assert_nonnull (replay_start);
    replay_start += strlen ("```json\n");
    replay_end = strstr (replay_start, "```");
    g_assert_nonnull (replay_end);
    replay_text = g_strndup (replay_start, (gsize) (replay_end - replay_start));
    json = augur_json_parse_limited (replay_text, -1, 1 << 20, 100, &error);
    g_assert_no_error (error);
    replay = augur_replay_from_json (json, recipe->pipeline, &error);
    g_assert_no_error (error);
    g_assert_true (replay->applied);
  }
}

/* The table as a whole: what the reader relies on from every entry. */
static void
test_registry (void)
{
  guint n;
  const AugurTransformInfo *const *list = augur_transforms_list (&n);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (n, >=, 3);
  g_assert_null (augur_transform_lookup ("NoSuchTransform"));
  g_assert_null (augur_transform_lookup ("Sequential"));

  for (guint i = 0; i < n; i++)
    {
      const AugurTransformInfo *info = list[i];
      g_autoptr(AugurNode) node = NULL;
      g_autoptr(AugurNode) read = NULL;
      g_autoptr(JsonNode) json = NULL;
      g_autoptr(GError) error = NULL;
      guint n_drawn = 0;

      g_assert_nonnull (info->name);
      g_test_message ("%s", info->name);
      /* Unique, found by name, and not the name of a group. */
      g_assert_false (g_hash_table_contains (names, info->name));
      g_hash_table_add (names, (gpointer) info->name);
      g_assert_true (augur_transform_lookup (info->name) == info);
      {
        AugurNodeKind kind;

        g_assert_false (augur_node_kind_from_name (info->name, &kind));
      }
      g_assert_nonnull (info->sample);
      /* pixels come from apply, from the geometry of a spatial one, or
       * from blend for one that takes references (and only then) */
      g_assert_cmpint ((info->apply != NULL) + (info->geometry != NULL) + (info->blend != NULL), ==, 1);
      g_assert_true ((info->blend != NULL) == (info->n_references > 0));
      g_assert_nonnull (info->category);
      g_assert_true (g_strv_contains (augur_transform_categories (), info->category));
      g_assert_cmpfloat (info->default_p, >=, 0);
      g_assert_cmpfloat (info->default_p, <=, 1);
      for (const AugurDrawnSpec *d = info->drawn; d && d->name; d++)
        {
          /* Drawn names are unique, and their limits a real interval. */
          for (const AugurDrawnSpec *e = info->drawn; e != d; e++)
            g_assert_cmpstr (e->name, !=, d->name);
          g_assert_cmpfloat (d->min, <=, d->max);
          n_drawn++;
        }
      g_assert_cmpuint (n_drawn, <=, AUGUR_DRAWN_MAX);

      /* Every default passes the reader's own checks, and a step of
       * defaults reads back as itself: a new step can always be saved. */
      for (guint j = 0; j < info->n_params; j++)
        {
          AugurValue def;

          augur_param_default (&info->params[j], &def);
          if (!augur_param_check (&info->params[j], &def, &error))
            g_error ("%s.%s: default refused: %s", info->name, info->params[j].name, error->message);
          g_assert_cmpint (augur_transform_param_index (info, info->params[j].name), ==, (int) j);

        }
      node = augur_node_new_transform (info);
      json = augur_node_to_json (node);
      read = augur_node_from_json (json, "pipeline.steps[0]", &error);
      if (read == NULL)
        g_error ("%s: defaults do not read back: %s", info->name, error->message);
      g_assert_true (augur_node_equal_settings (node, read));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/recipe/bad/%s", bad_cases[i].name);

      g_test_add_data_func (path, &bad_cases[i], test_bad_recipe);
    }
  for (guint i = 0; i < G_N_ELEMENTS (param_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/recipe/param/%s", param_cases[i].name);

      g_test_add_data_func (path, &param_cases[i], test_param);
    }
  g_test_add_func ("/recipe/param-details", test_param_details);
  g_test_add_func ("/recipe/mutations", test_mutations);
  g_test_add_func ("/recipe/registry", test_registry);
  g_test_add_func ("/recipe/registry-sliders", test_registry_sliders);
  g_test_add_func ("/recipe/doc-example", test_doc_example);
  g_test_add_func ("/recipe/nesting/steps", test_nesting_steps);
  g_test_add_func ("/recipe/nesting/brackets", test_nesting_brackets);
  g_test_add_func ("/recipe/applications-limit", test_applications_limit);
  g_test_add_func ("/recipe/size-limit", test_size_limit);
  g_test_add_func ("/recipe/roundtrip", test_roundtrip);
  g_test_add_func ("/recipe/roundtrip-numbers", test_roundtrip_numbers);
  g_test_add_func ("/recipe/defaults", test_defaults);
  g_test_add_func ("/recipe/save", test_save);
  g_test_add_func ("/recipe/load-missing", test_load_missing);
  g_test_add_func ("/recipe/load-not-regular", test_load_not_regular);

  return g_test_run ();
}
