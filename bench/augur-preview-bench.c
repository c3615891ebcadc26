/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-preview-bench"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "augur-image.h"
#include "augur-preview-engine.h"
#include "augur-recipe.h"
#include "augur-sample.h"

/*
 * augur-preview-bench: the previewer's latency, through the GUI's own
 * engine and sample loader (no window: both run without a display).
 *
 *   augur-preview-bench RECIPE IMAGE... [--repeats N] [--threads N] [--draws N]
 *
 * For each image, as the GUI does it:
 *
 * - open: a new sample is loaded (decoded once at full resolution through
 *   the shared decode pool, its proxy made), then a grid is asked for;
 *   timed from the start of the load;
 * - edit: the same grid again with another seed each repeat (a re-roll: no
 *   draw can come from the result cache; the decoded image is warm, as it
 *   is once a sample has been opened);
 * - step: the last step of the recipe changed, twice (a slider drag: the
 *   second time the draws start from the prefix the first one kept).
 *
 *   augur-preview-bench --make-sample SOURCE OUT.jpg
 *
 * writes the 24-megapixel sample the script times: SOURCE brought up to
 * 6000 × 4000, with seeded Gaussian grain so that it compresses and
 * decodes like a photograph, as a JPEG of quality 92.
 *
 * Each run prints when the first picture arrives (the quick pass on the
 * proxy, or a full draw when the sample is no larger than the display
 * size) and when every draw is in at full resolution, as JSON lines.
 */

#define DISPLAY_SIDE 512

typedef struct
{
  gint64 start;
  gint64 start_cpu;
  gint64 first;
  gboolean first_reduced;
} Timing;

/* The process's CPU time (every thread), in microseconds. */
static gint64
cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
start_timing (Timing *t)
{
  t->start = g_get_monotonic_time ();
  t->start_cpu = cpu_us ();
}

static void
on_result (AugurPreviewEngine *engine,
           guint               index,
           Timing             *t)
{
  if (t->first == 0)
    {
      AugurRenderResult *r = augur_preview_engine_get_result (engine, index);

      t->first = g_get_monotonic_time ();
      t->first_reduced = r != NULL && r->reduced;
    }
}

static void
loaded (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  if (!augur_sample_load_finish (AUGUR_SAMPLE (object), result, &error))
    g_error ("%s", error->message);
  *done = TRUE;
}

/* Renders @n draws of @sample under @pipeline with @seed and waits for the
 * full-resolution grid; @t->start is set by the caller. */
static void
render_grid (AugurPreviewEngine *engine,
             AugurSample        *sample,
             const AugurNode    *pipeline,
             guint64             seed,
             guint               n,
             Timing             *t)
{
  g_autofree AugurRenderItem *items = g_new0 (AugurRenderItem, n);

  t->first = 0;
  for (guint i = 0; i < n; i++)
    {
      items[i].image = augur_sample_get_proxy (sample);
      items[i].sample = sample;
      /* the pane's and augur-cli's derivation: the file's name is its key */
      items[i].seed = augur_seed_derive (seed, augur_sample_get_name (sample), i);
    }
  augur_preview_engine_render (engine, pipeline, items, n, FALSE);
  /* (a grid from the cache is complete at once, announced from an idle) */
  while (!augur_preview_engine_is_complete (engine) || t->first == 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
print_run (const char   *kind,
           AugurSample  *sample,
           int           rep,
           guint         draws,
           guint         threads,
           const Timing *t,
           gint64        end,
           gint64        load_end)
{
  g_autoptr(GString) line = g_string_new (NULL);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (line, "{\"suite\": \"preview-full\", \"kind\": \"%s\", \"image\": \"%s\","
                          " \"width\": %d, \"height\": %d, \"rep\": %d, \"draws\": %u, \"threads\": %u,"
                          " \"first_reduced\": %s",
                          kind, augur_sample_get_name (sample), augur_sample_get_width (sample),
                          augur_sample_get_height (sample), rep, draws, threads,
                          t->first_reduced ? "true" : "false");
  g_string_append_printf (line, ", \"first_ms\": %s",
                          g_ascii_formatd (buf, sizeof buf, "%.3f", (t->first - t->start) / 1e3));
  g_string_append_printf (line, ", \"full_ms\": %s",
                          g_ascii_formatd (buf, sizeof buf, "%.3f", (end - t->start) / 1e3));
  g_string_append_printf (line, ", \"cpu_ms\": %s",
                          g_ascii_formatd (buf, sizeof buf, "%.3f", (cpu_us () - t->start_cpu) / 1e3));
  if (load_end > 0)
    g_string_append_printf (line, ", \"load_ms\": %s",
                            g_ascii_formatd (buf, sizeof buf, "%.3f", (load_end - t->start) / 1e3));
  g_string_append (line, "}\n");
  fputs (line->str, stdout);
  fflush (stdout);
}

static gboolean
make_sample (const char  *source,
             const char  *out,
             GError     **error)
{
  g_autoptr(AugurImage) src = augur_image_load (source, AUGUR_DEFAULT_MAX_PIXELS, error);
  g_autoptr(AugurImage) rgb = NULL;
  g_autoptr(AugurImage) big = NULL;
  g_autoptr(AugurImage) grainy = NULL;
  g_autoptr(AugurRecipe) grain = NULL;

  if (src == NULL)
    return FALSE;
  grain = augur_recipe_parse ("{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 24,"
                              " \"pipeline\": {\"type\": \"Sequential\", \"steps\": [{\"type\": \"GaussNoise\","
                              " \"p\": 1, \"params\": {\"std_range\": [0.03, 0.03]}}]}}", -1, error);
  if (grain == NULL)
    return FALSE;
  rgb = augur_image_convert (src, 3);
  big = augur_image_scale (rgb, 6000, 4000);
  grainy = augur_node_run (grain->pipeline, big, 24, NULL);
  return augur_image_save (grainy, out, AUGUR_IMAGE_FORMAT_JPEG, 92, error);
}

/* The recipe with its last step's p nudged: an edit of that one step. */
static AugurNode *
edit_last_step (const AugurNode *pipeline,
                int              k)
{
  AugurNode *edited = augur_node_copy (pipeline);
  AugurNode *last;

  g_assert (edited->kind != AUGUR_NODE_TRANSFORM && edited->children->len > 0);
  last = edited->children->pdata[edited->children->len - 1];
  last->p = 0.999 - 0.001 * k;
  return edited;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AugurRecipe) recipe = NULL;
  g_autoptr(AugurPreviewEngine) engine = NULL;
  int repeats = 5, threads = 2, draws = 9;
  gboolean make = FALSE;
  const GOptionEntry entries[] = {
    { "make-sample", 0, 0, G_OPTION_ARG_NONE, &make, "Write the 24-megapixel sample: SOURCE OUT.jpg", NULL },
    { "repeats", 'r', 0, G_OPTION_ARG_INT, &repeats, "Edits timed per image (default 5)", "N" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Preview workers (default 2)", "N" },
    { "draws", 0, 0, G_OPTION_ARG_INT, &draws, "Draws per grid (default 9)", "N" },
    { NULL }
  };
  Timing t = { 0 };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("RECIPE IMAGE…");
  g_option_context_set_summary (context, "Time the previewer's grid for bench/preview-latency.sh.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("augur-preview-bench: %s\n", error->message);
      return 2;
    }
  if (make)
    {
      if (argc != 3)
        {
          g_printerr ("Usage: augur-preview-bench --make-sample SOURCE OUT.jpg\n");
          return 2;
        }
      if (!make_sample (argv[1], argv[2], &error))
        {
          g_printerr ("augur-preview-bench: %s\n", error->message);
          return 1;
        }
      return 0;
    }
  if (argc < 3 || repeats < 1 || threads < 1 || draws < 1)
    {
      g_printerr ("Usage: augur-preview-bench RECIPE IMAGE… [--repeats N] [--threads N] [--draws N]\n");
      return 2;
    }
  recipe = augur_recipe_load (argv[1], &error);
  if (recipe == NULL)
    {
      g_printerr ("augur-preview-bench: %s\n", error->message);
      return 1;
    }

  engine = augur_preview_engine_new ((guint) threads);
  augur_preview_engine_set_display_size (engine, DISPLAY_SIDE);
  g_signal_connect (engine, "result", G_CALLBACK (on_result), &t);

  for (int i = 2; i < argc; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);
      g_autoptr(AugurSample) sample = augur_sample_new (file);
      gboolean done = FALSE;
      gint64 load_end;

      /* Open: decode, proxy, grid, as on a click in the sample strip. */
      augur_sample_clear_decode_cache ();
      start_timing (&t);
      augur_sample_load_async (sample, DISPLAY_SIDE, NULL, loaded, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      load_end = g_get_monotonic_time ();
      render_grid (engine, sample, recipe->pipeline, recipe->seed, (guint) draws, &t);
      print_run ("open", sample, 0, (guint) draws, (guint) threads, &t, g_get_monotonic_time (), load_end);

      /* Re-rolls: new draws of a sample already decoded. */
      for (int rep = 0; rep < repeats; rep++)
        {
          start_timing (&t);
          render_grid (engine, sample, recipe->pipeline, recipe->seed + 1000 + (guint64) rep,
                       (guint) draws, &t);
          print_run ("reroll", sample, rep, (guint) draws, (guint) threads, &t, g_get_monotonic_time (), 0);
        }

      /* A drag of the last step's slider: the first change keeps the
       * image before that step, the next ones start from it. */
      for (int rep = 0; rep <= repeats; rep++)
        {
          g_autoptr(AugurNode) edited = edit_last_step (recipe->pipeline, rep);

          start_timing (&t);
          render_grid (engine, sample, edited, recipe->seed, (guint) draws, &t);
          if (rep > 0)
            print_run ("edit-last-step", sample, rep - 1, (guint) draws, (guint) threads, &t,
                       g_get_monotonic_time (), 0);
        }
    }

  return 0;
}
