/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-stress"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "augur-error.h"
#include "augur-gallery.h"
#include "augur-sheet.h"
#include "augur-stress.h"

/* Bundled recipes: presets and stress suites --------------------------------------- */

void
augur_bundled_free (AugurBundled *bundled)
{
  if (bundled == NULL)
    return;
  g_free (bundled->name);
  g_free (bundled->path);
  g_free (bundled->description);
  g_free (bundled->group);
  g_free (bundled);
}

/**
 * augur_data_dir:
 *
 * Where Augur's bundled data (samples, recipes, presets, suites) lies:
 * $AUGUR_DATADIR when set (tests point it at the source tree's data/),
 * else the installed data folder when it holds the presets, else the
 * source tree's, for a program run from its build folder.
 *
 * Returns: (transfer full): a folder
 */
char *
augur_data_dir (void)
{
  const char *env = g_getenv ("AUGUR_DATADIR");
  g_autofree char *installed = g_build_filename (PKGDATADIR, "presets", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_IS_DIR))
    return g_strdup (PKGDATADIR);
  return g_strdup (SOURCE_DATADIR);
}

static int
compare_bundled (gconstpointer a,
                 gconstpointer b)
{
  const AugurBundled *x = *(const AugurBundled * const *) a;
  const AugurBundled *y = *(const AugurBundled * const *) b;
  int by_group = strcmp (x->group, y->group);

  if (by_group != 0)
    return by_group;
  return x->level < y->level ? -1 : x->level > y->level;
}

/* Every "*.json" of @folder, loaded (so that a broken one is reported
 * here, naming its file) and sorted by group then level. @split_level:
 * names are GROUP-LEVEL (suite members). */
static GPtrArray *
list_folder (const char  *folder,
             gboolean     split_level,
             guint        min_level,
             guint        max_level,
             GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_bundled_free);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, error);
  const char *entry;

  if (dir == NULL)
    return NULL;
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(AugurBundled) bundled = NULL;
      g_autoptr(AugurRecipe) recipe = NULL;
      const char *dash;

      if (!g_str_has_suffix (entry, ".json") || entry[0] == '.')
        continue;
      bundled = g_new0 (AugurBundled, 1);
      bundled->name = g_strndup (entry, strlen (entry) - strlen (".json"));
      bundled->path = g_build_filename (folder, entry, NULL);
      if (split_level)
        {
          char *end = NULL;
          guint64 level;

          dash = strrchr (bundled->name, '-');
          if (dash == NULL || dash == bundled->name ||
              (level = g_ascii_strtoull (dash + 1, &end, 10)) < 1 || level > 99 || *end != '\0')
            {
              g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_FAILED,
                           "%s: a suite member is named CORRUPTION-LEVEL.json, e.g. fog-3.json",
                           bundled->path);
              return NULL;
            }
          bundled->level = (guint) level;
          bundled->group = g_strndup (bundled->name, dash - bundled->name);
          if (bundled->level < min_level || bundled->level > max_level)
            continue;
        }
      else
        bundled->group = g_strdup (bundled->name);

      recipe = augur_recipe_load (bundled->path, error);
      if (recipe == NULL)
        return NULL;
      if (recipe->description == NULL)
        {
          g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_INVALID_RECIPE,
                       "%s: a bundled recipe must say what it is for in its \"description\"",
                       bundled->path);
          return NULL;
        }
      bundled->description = g_strdup (recipe->description);
      g_ptr_array_add (list, g_steal_pointer (&bundled));
    }
  g_ptr_array_sort (list, compare_bundled);
  return g_steal_pointer (&list);
}

/**
 * augur_presets_list:
 * @datadir: (nullable): the data folder, or NULL for augur_data_dir()
 *
 * The bundled starting recipes (DATADIR/presets/NAME.json), by name.
 *
 * Returns: (transfer full) (element-type AugurBundled): the presets
 */
GPtrArray *
augur_presets_list (const char  *datadir,
                    GError     **error)
{
  g_autofree char *fallback = datadir ? NULL : augur_data_dir ();
  g_autofree char *folder = g_build_filename (datadir ? datadir : fallback, "presets", NULL);

  return list_folder (folder, FALSE, 0, G_MAXUINT, error);
}

/**
 * augur_preset_load:
 * @datadir: (nullable): the data folder, or NULL for augur_data_dir()
 * @name: a preset's name, as augur_presets_list() gives it
 *
 * Returns: (transfer full): the preset's recipe, or NULL with @error set
 *   (an unknown name: the message lists the presets)
 */
AugurRecipe *
augur_preset_load (const char  *datadir,
                   const char  *name,
                   GError     **error)
{
  g_autoptr(GPtrArray) presets = augur_presets_list (datadir, error);
  g_autoptr(GString) names = g_string_new (NULL);

  g_return_val_if_fail (name != NULL, NULL);

  if (presets == NULL)
    return NULL;
  for (guint i = 0; i < presets->len; i++)
    {
      const AugurBundled *preset = presets->pdata[i];

      if (g_str_equal (preset->name, name))
        return augur_recipe_load (preset->path, error);
      g_string_append_printf (names, "%s%s", i ? ", " : "", preset->name);
    }
  g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_FAILED,
               "no preset named \"%s\" (there are: %s)", name, names->str);
  return NULL;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * augur_stress_suites:
 * @datadir: (nullable): the data folder, or NULL for augur_data_dir()
 *
 * Returns: (transfer full): the names of the bundled stress suites
 *   (DATADIR/suites/NAME/), sorted; empty when there are none
 */
char **
augur_stress_suites (const char *datadir)
{
  g_autofree char *fallback = datadir ? NULL : augur_data_dir ();
  g_autofree char *folder = g_build_filename (datadir ? datadir : fallback, "suites", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, entry, NULL);

      if (entry[0] != '.' && g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (names, g_strdup (entry));
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/**
 * augur_stress_suite_list:
 * @datadir: (nullable): the data folder, or NULL for augur_data_dir()
 * @suite: a suite's name ("corruptions", "weather")
 * @min_level: the lowest severity to list
 * @max_level: the highest
 *
 * The recipes of a stress suite (DATADIR/suites/SUITE/CORRUPTION-LEVEL.json)
 * whose level is in [@min_level, @max_level], sorted by corruption, then
 * level. Each is loaded, so that a broken file is reported by name.
 *
 * Returns: (transfer full) (element-type AugurBundled): the members, or
 *   NULL with @error set (an unknown suite: the message lists them)
 */
GPtrArray *
augur_stress_suite_list (const char  *datadir,
                         const char  *suite,
                         guint        min_level,
                         guint        max_level,
                         GError     **error)
{
  g_autofree char *fallback = datadir ? NULL : augur_data_dir ();
  const char *root = datadir ? datadir : fallback;
  g_auto(GStrv) suites = augur_stress_suites (root);
  g_autofree char *folder = NULL;

  g_return_val_if_fail (suite != NULL, NULL);

  if (!g_strv_contains ((const char * const *) suites, suite))
    {
      g_autofree char *known = g_strjoinv (", ", suites);

      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_FAILED,
                   "no stress suite named \"%s\" (there are: %s; under %s/suites)",
                   suite, *known ? known : "none", root);
      return NULL;
    }
  folder = g_build_filename (root, "suites", suite, NULL);
  return list_folder (folder, TRUE, min_level, max_level, error);
}

/* The contact sheet of a suite ---------------------------------------------------- */

/* @text on a light box at (@x, @y) of @sheet. */
static void
label (AugurImage *sheet,
       int         x,
       int         y,
       int         scale,
       const char *text)
{
  const guint8 ink[3] = { 0x20, 0x20, 0x20 };
  int pad = scale, w = augur_text_width (text, scale) + 2 * pad, h = 8 * scale + 2 * pad;

  for (int j = MAX (y, 0); j < MIN (y + h, sheet->height); j++)
    memset (augur_image_row (sheet, j) + (gsize) MAX (x, 0) * 3, 0xf4,
            (gsize) (MIN (x + w, sheet->width) - MAX (x, 0)) * 3);
  augur_draw_text (sheet, x + pad, y + pad, scale, ink, text);
}

/**
 * augur_stress_sheet:
 * @members: (element-type AugurBundled): from augur_stress_suite_list()
 * @image: the image to corrupt
 * @key: its key, as `augur-cli apply` and `stress` derive its seeds from
 * @cell: the cell size
 *
 * A contact sheet of a suite on one image: a row per corruption, the
 * original then each severity listed, with the names in labels. Each draw
 * is the one `augur-cli stress` writes for @key.
 *
 * Returns: (transfer full): the sheet, or NULL with @error set
 */
AugurImage *
augur_stress_sheet (GPtrArray         *members,
                    const AugurImage  *image,
                    const char        *key,
                    int                cell,
                    GError           **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();
  g_autoptr(AugurImage) sheet = NULL;
  guint max_level = 0, min_level = G_MAXUINT;
  int scale = MAX (1, cell / 128), gap = augur_sheet_gap (cell), header = scale * 12 + gap;

  g_return_val_if_fail (members != NULL && image != NULL && key != NULL, NULL);

  for (guint i = 0; i < members->len; i++)
    {
      const AugurBundled *member = members->pdata[i];

      if (groups->len == 0 || !g_str_equal (groups->pdata[groups->len - 1], member->group))
        g_ptr_array_add (groups, member->group);
      max_level = MAX (max_level, member->level);
      min_level = MIN (min_level, member->level);
    }
  if (groups->len == 0)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_FAILED, "no recipe to draw a sheet of");
      return NULL;
    }
  if (!augur_sheet_check_size (groups->len, 2 + max_level - min_level, cell, error))
    return NULL;

  sheet = augur_sheet_blank (groups->len, 2 + max_level - min_level, cell, header);
  label (sheet, gap, gap, scale, "original");
  for (guint level = min_level; level <= max_level; level++)
    {
      g_autofree char *text = g_strdup_printf ("severity %u", level);

      label (sheet, gap + (int) (1 + level - min_level) * (cell + gap), gap, scale, text);
    }

  for (guint i = 0, row = 0; i < members->len; i++)
    {
      const AugurBundled *member = members->pdata[i];
      g_autoptr(AugurRecipe) recipe = augur_recipe_load (member->path, error);

      if (recipe == NULL)
        return NULL;
      if (!g_str_equal (groups->pdata[row], member->group))
        row++;
      /* The suites hold no blends: no reference pool. */
      if (!augur_sheet_paint_draws (sheet, row, 1 + member->level - min_level, cell, header,
                                    recipe->pipeline, recipe->seed, image, key, 1, NULL, error))
        return NULL;
    }
  for (guint row = 0; row < groups->len; row++)
    {
      int y = header + gap + (int) row * (cell + gap);

      augur_sheet_paint_cell (sheet, row, 0, cell, header, image);
      label (sheet, gap, y, scale, groups->pdata[row]);
    }
  return g_steal_pointer (&sheet);
}
