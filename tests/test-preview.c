/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "augur-draw-view.h"
#include "augur-label-overlay.h"
#include "augur-picture.h"
#include "augur-pipeline-editor.h"
#include "augur-preview-pane.h"
#include "augur-sample-strip.h"

/* Runs under Xvfb (GTK_A11Y=test, GSK_RENDERER=cairo). */

#define TIMEOUT_US (20 * G_USEC_PER_SEC)

typedef struct
{
  char        *dir;
  GFile       *file;
  AugurImage  *full;     /* the sample as written */
  AugurSample *sample;
  GtkWidget   *pane;
  guint        n_rendered;
} Fixture;

/* An asymmetric image: no flip maps it onto itself. */
static AugurImage *
make_image (int width,
            int height)
{
  AugurImage *image = augur_image_new (width, height, 3);

  for (int y = 0; y < height; y++)
    {
      guint8 *row = augur_image_row (image, y);

      for (int x = 0; x < width; x++)
        {
          row[3 * x + 0] = (guint8) (x * 255 / width);
          row[3 * x + 1] = (guint8) (y * 255 / height);
          row[3 * x + 2] = (guint8) ((x * x + 3 * y) % 256);
        }
    }
  return image;
}

static AugurImage *
flip (const AugurImage *image,
      const char       *type)
{
  g_autoptr(AugurNode) node = augur_node_new_transform (augur_transform_lookup (type));
  AugurShape shape = { image->width, image->height, image->channels };
  g_autoptr(AugurReplay) replay = NULL;

  replay = augur_node_sample_forced (node, &shape, 0);
  return augur_node_apply (node, image, replay);
}

static AugurRecipe *
recipe_from (const char *steps,
             guint64     seed)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": %"
                                           G_GUINT64_FORMAT ", \"pipeline\": {\"type\": \"Sequential\", "
                                           "\"steps\": [%s]}}", seed, steps);
  AugurRecipe *recipe = augur_recipe_parse (text, -1, &error);

  g_assert_no_error (error);
  return recipe;
}

static void
on_rendered (AugurPreviewPane *pane,
             Fixture          *fixture)
{
  fixture->n_rendered++;
}

/* Iterates the main context until ::rendered has been emitted @target times. */
static void
wait_rendered (Fixture *fixture,
               guint    target)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  while (fixture->n_rendered < target)
    {
      g_main_context_iteration (NULL, FALSE);
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for ::rendered (%u of %u)", fixture->n_rendered, target);
      g_usleep (500);
    }
}

static guint
render_and_wait (Fixture *fixture)
{
  guint target = fixture->n_rendered + 1;

  wait_rendered (fixture, target);
  return target;
}

/* Lets pending idles run, so that stale deliveries get their chance to
 * (wrongly) show up. */
static void
settle (void)
{
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC / 5;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
set_recipe (Fixture    *fixture,
            const char *steps,
            guint64     seed)
{
  g_autoptr(AugurRecipe) recipe = recipe_from (steps, seed);

  augur_preview_pane_set_recipe (AUGUR_PREVIEW_PANE (fixture->pane), recipe);
}

static AugurImage *
proxy (Fixture *fixture)
{
  return augur_sample_get_proxy (fixture->sample);
}

/* The pane's preview size in these tests: the sample (96 × 64) is larger. */
#define SHOWN_SIDE 72

/* What augur-cli apply writes for the sample with @pipeline and @seed,
 * brought down for display as the pane does. */
static AugurImage *
shown (Fixture         *fixture,
       const AugurNode *pipeline,
       guint64          seed)
{
  g_autoptr(AugurImage) full = augur_node_run (pipeline, fixture->full, seed, NULL);

  return augur_image_fit (full, SHOWN_SIDE);
}

static AugurImage *
shown_image (const AugurImage *full)
{
  return augur_image_fit (full, SHOWN_SIDE);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("augur-preview-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "sample.png", NULL);
  fixture->full = make_image (96, 64);
  augur_image_save (fixture->full, path, AUGUR_IMAGE_FORMAT_PNG, 0, &error);
  g_assert_no_error (error);
  fixture->file = g_file_new_for_path (path);
  fixture->sample = augur_sample_new (fixture->file);

  fixture->pane = g_object_ref_sink (augur_preview_pane_new ());
  g_signal_connect (fixture->pane, "rendered", G_CALLBACK (on_rendered), fixture);
  /* A proxy smaller than the file, so that full size and proxy differ. */
  augur_preview_pane_set_preview_size (AUGUR_PREVIEW_PANE (fixture->pane), SHOWN_SIDE);
  augur_preview_pane_set_threads (AUGUR_PREVIEW_PANE (fixture->pane), 3);
}

static void
fixture_start (Fixture    *fixture,
               const char *steps)
{
  set_recipe (fixture, steps, 7);
  augur_preview_pane_set_current (AUGUR_PREVIEW_PANE (fixture->pane), fixture->sample);
  render_and_wait (fixture);
  g_assert_nonnull (proxy (fixture));
  g_assert_cmpint (proxy (fixture)->width, ==, 72);
  g_assert_cmpint (proxy (fixture)->height, ==, 48);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (fixture->file);

  g_signal_handlers_disconnect_by_data (fixture->pane, fixture);
  g_assert_finalize_object (g_steal_pointer (&fixture->pane));
  settle ();
  g_clear_object (&fixture->sample);
  g_clear_object (&fixture->file);
  g_clear_pointer (&fixture->full, augur_image_unref);
  g_unlink (path);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static void
assert_all_draws (Fixture          *fixture,
                  const AugurImage *expected)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (fixture->pane);

  g_assert_cmpuint (augur_preview_pane_get_n_draws (pane), >, 0);
  for (guint i = 0; i < augur_preview_pane_get_n_draws (pane); i++)
    {
      AugurImage *draw = augur_preview_pane_get_draw (pane, i);

      g_assert_nonnull (draw);
      g_assert_true (augur_image_equal (draw, expected));
    }
}

/* p = 1 HorizontalFlip: every draw is the flipped proxy, byte for byte;
 * disabled, every draw is the proxy itself. */
static void
test_flip_and_disable (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(AugurImage) flipped = NULL;

  fixture_start (fixture, "{\"type\": \"HorizontalFlip\", \"p\": 1}");
  g_assert_cmpstr (augur_preview_pane_get_visible_page (AUGUR_PREVIEW_PANE (fixture->pane)), ==, "grid");
  flipped = flip (proxy (fixture), "HorizontalFlip");
  g_assert_false (augur_image_equal (flipped, proxy (fixture)));
  assert_all_draws (fixture, flipped);

  set_recipe (fixture, "{\"type\": \"HorizontalFlip\", \"p\": 1, \"enabled\": false}", 7);
  render_and_wait (fixture);
  assert_all_draws (fixture, proxy (fixture));
}

/* A new recipe while the previous one renders: only the last one shows,
 * and ::rendered fires once, for it. */
static void
test_stale_results_dropped (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(AugurImage) vflipped = NULL;
  guint before;

  fixture_start (fixture, "{\"type\": \"HorizontalFlip\", \"p\": 1}");
  augur_preview_pane_set_grid_size (AUGUR_PREVIEW_PANE (fixture->pane), 16);
  render_and_wait (fixture);

  before = fixture->n_rendered;
  set_recipe (fixture, "{\"type\": \"RandomBrightnessContrast\", \"p\": 1}", 7);
  set_recipe (fixture, "{\"type\": \"HorizontalFlip\", \"p\": 1}, {\"type\": \"RandomBrightnessContrast\", \"p\": 1}", 7);
  set_recipe (fixture, "{\"type\": \"VerticalFlip\", \"p\": 1}", 7);
  wait_rendered (fixture, before + 1);
  settle ();

  g_assert_cmpuint (fixture->n_rendered, ==, before + 1);
  vflipped = flip (proxy (fixture), "VerticalFlip");
  assert_all_draws (fixture, vflipped);
}

/* The same (image, pipeline, seed) comes from the cache: nothing renders. */
static void
test_cache (Fixture       *fixture,
            gconstpointer  data)
{
  AugurPreviewEngine *engine = augur_preview_pane_get_engine (AUGUR_PREVIEW_PANE (fixture->pane));
  const char *a = "{\"type\": \"RandomBrightnessContrast\", \"p\": 1}";
  const char *b = "{\"type\": \"RandomBrightnessContrast\", \"p\": 1, \"params\": {\"brightness_limit\": 0.5}}";
  g_autoptr(AugurImage) first = NULL;
  guint n;

  fixture_start (fixture, a);
  n = augur_preview_engine_get_n_rendered (engine);
  g_assert_cmpuint (n, ==, 4);
  first = augur_image_ref (augur_preview_pane_get_draw (AUGUR_PREVIEW_PANE (fixture->pane), 0));

  set_recipe (fixture, b, 7);
  render_and_wait (fixture);
  g_assert_cmpuint (augur_preview_engine_get_n_rendered (engine), ==, n + 4);
  g_assert_false (augur_image_equal (first, augur_preview_pane_get_draw (AUGUR_PREVIEW_PANE (fixture->pane), 0)));

  set_recipe (fixture, a, 7);
  render_and_wait (fixture);
  g_assert_cmpuint (augur_preview_engine_get_n_rendered (engine), ==, n + 4);
  /* The very image rendered the first time. */
  g_assert_true (augur_preview_pane_get_draw (AUGUR_PREVIEW_PANE (fixture->pane), 0) == first);
  g_assert_cmpuint (augur_preview_engine_get_cache_size (engine), ==, 8);
}

/* The grid size sets the number of draws; each draw is augur_node_run()
 * on the full-resolution sample with the seed augur-cli would use for the
 * same seed and file name, brought down for display. */
static void
test_grid_size_and_seeds (Fixture       *fixture,
                          gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (fixture->pane);
  g_autoptr(AugurRecipe) recipe = recipe_from ("{\"type\": \"RandomBrightnessContrast\", \"p\": 1}", 7);
  const guint sizes[] = { 9, 1, 16, 4 };
  gboolean some_differ = FALSE;

  fixture_start (fixture, "{\"type\": \"RandomBrightnessContrast\", \"p\": 1}");
  g_assert_cmpuint (augur_preview_pane_get_n_draws (pane), ==, 4);

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      gtk_widget_activate_action (fixture->pane, "preview.grid-size", "u", sizes[k]);
      render_and_wait (fixture);
      g_assert_cmpuint (augur_preview_pane_get_n_draws (pane), ==, sizes[k]);

      for (guint i = 0; i < sizes[k]; i++)
        {
          guint64 seed = augur_seed_derive (7, "sample.png", i);
          g_autoptr(AugurImage) expected = shown (fixture, recipe->pipeline, seed);
          AugurRenderResult *result = augur_preview_engine_get_result (augur_preview_pane_get_engine (pane), i);

          g_assert_cmpuint (result->seed, ==, seed);
          g_assert_true (augur_image_equal (augur_preview_pane_get_draw (pane, i), expected));
          if (i > 0 && !augur_image_equal (augur_preview_pane_get_draw (pane, i),
                                           augur_preview_pane_get_draw (pane, 0)))
            some_differ = TRUE;
        }
    }
  g_assert_true (some_differ);
}

/* Seeds stay through edits, change on re-roll, and a lock keeps them. */
static void
test_seed_lock (Fixture       *fixture,
                gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (fixture->pane);
  guint64 rolled;

  fixture_start (fixture, "{\"type\": \"RandomBrightnessContrast\", \"p\": 1}");
  g_assert_cmpuint (augur_preview_pane_get_seed (pane), ==, 7);

  gtk_widget_activate_action (fixture->pane, "preview.reroll", NULL);
  render_and_wait (fixture);
  rolled = augur_preview_pane_get_seed (pane);
  g_assert_cmpuint (rolled, !=, 7);

  /* An edit (same recipe seed) keeps the rolled seed. */
  set_recipe (fixture, "{\"type\": \"RandomBrightnessContrast\", \"p\": 0.9}", 7);
  render_and_wait (fixture);
  g_assert_cmpuint (augur_preview_pane_get_seed (pane), ==, rolled);

  /* Another recipe's seed comes in, unless locked. */
  set_recipe (fixture, "{\"type\": \"RandomBrightnessContrast\", \"p\": 0.9}", 11);
  render_and_wait (fixture);
  g_assert_cmpuint (augur_preview_pane_get_seed (pane), ==, 11);

  gtk_widget_activate_action (fixture->pane, "preview.lock-seed", NULL);
  g_assert_false (gtk_widget_activate_action (fixture->pane, "preview.reroll", NULL) &&
                  augur_preview_pane_get_seed (pane) != 11);
  set_recipe (fixture, "{\"type\": \"RandomBrightnessContrast\", \"p\": 0.9}", 12);
  render_and_wait (fixture);
  g_assert_cmpuint (augur_preview_pane_get_seed (pane), ==, 11);

  /* An explicit seed is always taken. */
  augur_preview_pane_set_seed (pane, 5);
  render_and_wait (fixture);
  g_assert_cmpuint (augur_preview_pane_get_seed (pane), ==, 5);
  g_assert_cmpuint (augur_preview_engine_get_result (augur_preview_pane_get_engine (pane), 0)->seed,
                    ==, augur_seed_derive (5, "sample.png", 0));
}

/* RandomBrightnessContrast's (alpha, beta) in draw @draw, the child @index
 * of the root; FALSE when it did not apply. */
static gboolean
rbc_values (AugurPreviewPane *pane,
            guint             draw,
            int               index,
            double            values[2])
{
  AugurRenderResult *result = augur_preview_engine_get_result (augur_preview_pane_get_engine (pane), draw);

  g_assert_nonnull (result);
  for (guint i = 0; result->replay->steps && i < result->replay->steps->len; i++)
    {
      const AugurReplay *step = result->replay->steps->pdata[i];

      if (step->index == index && step->applied)
        {
          values[0] = augur_drawn_get (&step->drawn, "alpha");
          values[1] = augur_drawn_get (&step->drawn, "beta");
          return TRUE;
        }
    }
  return FALSE;
}

/* Switching a step off while the seed stays: every draw keeps what the
 * other steps drew, so the grid before and after compares by eye. */
static void
test_toggle_keeps_draws (Fixture       *fixture,
                         gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (fixture->pane);
  AugurPreviewEngine *engine = augur_preview_pane_get_engine (pane);
  const char *on = "{\"type\": \"HorizontalFlip\", \"p\": 0.5}, "
                   "{\"type\": \"RandomBrightnessContrast\", \"p\": 0.7}";
  const char *off = "{\"type\": \"HorizontalFlip\", \"p\": 0.5, \"enabled\": false}, "
                    "{\"type\": \"RandomBrightnessContrast\", \"p\": 0.7}";
  g_autofree double *before = NULL;
  g_autofree gboolean *applied = NULL;
  guint n, n_applied = 0;

  fixture_start (fixture, on);
  while (!augur_preview_engine_is_complete (engine))
    render_and_wait (fixture);
  n = augur_preview_pane_get_n_draws (pane);
  g_assert_cmpuint (n, >, 1);
  before = g_new0 (double, 2 * n);
  applied = g_new0 (gboolean, n);
  for (guint i = 0; i < n; i++)
    {
      applied[i] = rbc_values (pane, i, 1, &before[2 * i]);
      n_applied += applied[i];
    }
  g_assert_cmpuint (n_applied, >, 0);

  set_recipe (fixture, off, 7);
  render_and_wait (fixture);
  while (!augur_preview_engine_is_complete (engine))
    render_and_wait (fixture);
  g_assert_cmpuint (augur_preview_pane_get_n_draws (pane), ==, n);
  for (guint i = 0; i < n; i++)
    {
      double now[2];

      g_assert_cmpint (rbc_values (pane, i, 1, now), ==, applied[i]);
      if (applied[i])
        {
          g_assert_cmpfloat (now[0], ==, before[2 * i]);
          g_assert_cmpfloat (now[1], ==, before[2 * i + 1]);
        }
    }
}

/* The difference view is |augmented − original| amplified: a flip's
 * difference is min (255, gain × |flip (x) − x|), computed per byte at full
 * resolution, then brought down for display. */
static void
test_difference (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(AugurImage) flipped = NULL;
  g_autoptr(AugurImage) diff = NULL;
  g_autoptr(AugurImage) expected = NULL;
  AugurImage *src = fixture->full;
  guint amplified = 0;

  fixture_start (fixture, "{\"type\": \"HorizontalFlip\", \"p\": 1}");
  gtk_widget_activate_action (fixture->pane, "preview.diff", NULL);
  render_and_wait (fixture);

  flipped = flip (src, "HorizontalFlip");
  diff = augur_image_new_like (src);
  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width * 3; x++)
      {
        int d = ABS (augur_image_row (flipped, y)[x] - augur_image_row (src, y)[x]);

        augur_image_row (diff, y)[x] = (guint8) MIN (255, AUGUR_DIFF_GAIN * d);
        amplified += d > 0 && d * AUGUR_DIFF_GAIN < 255;
      }
  g_assert_cmpuint (amplified, >, 0);
  expected = shown_image (diff);
  assert_all_draws (fixture, expected);
}

/* Step-through: the original, then the image after each applied step. */
static void
test_step_through (Fixture       *fixture,
                   gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (fixture->pane);
  g_autoptr(AugurImage) h = NULL;
  g_autoptr(AugurImage) hv = NULL;

  fixture_start (fixture, "{\"type\": \"HorizontalFlip\", \"p\": 1}, {\"type\": \"VerticalFlip\", \"p\": 0},"
                          "{\"type\": \"VerticalFlip\", \"p\": 1}");
  augur_preview_pane_set_mode (pane, "step-through");
  render_and_wait (fixture);

  /* drawn at full resolution, then brought down */
  h = flip (fixture->full, "HorizontalFlip");
  hv = flip (h, "VerticalFlip");
  g_assert_cmpstr (augur_preview_pane_get_visible_page (pane), ==, "frames");
  g_assert_cmpuint (augur_preview_pane_get_n_frames (pane), ==, 3);
  {
    g_autoptr(AugurImage) h_shown = shown_image (h);
    g_autoptr(AugurImage) hv_shown = shown_image (hv);

    g_assert_true (augur_image_equal (augur_preview_pane_get_frame (pane, 0), proxy (fixture)));
    g_assert_true (augur_image_equal (augur_preview_pane_get_frame (pane, 1), h_shown));
    g_assert_true (augur_image_equal (augur_preview_pane_get_frame (pane, 2), hv_shown));
  }
  g_assert_cmpstr (augur_preview_pane_get_frame_caption (pane, 1), ==, "1 · Horizontal flip");
  g_assert_cmpstr (augur_preview_pane_get_frame_caption (pane, 2), ==, "2 · Vertical flip");
  g_assert_null (augur_preview_pane_get_draw (pane, 0));

  /* Previous / next walk through the grid's draws, wrapping around. */
  {
    g_autoptr(AugurRecipe) recipe = recipe_from ("{\"type\": \"RandomBrightnessContrast\", \"p\": 1}", 7);
    const int steps[] = { 0, 1, -1, -1 };
    const guint expected_draw[] = { 0, 1, 0, 3 };

    for (guint k = 0; k < G_N_ELEMENTS (steps); k++)
      {
        g_autoptr(AugurImage) expected = NULL;

        if (k == 0)
          augur_preview_pane_set_recipe (pane, recipe);
        else
          gtk_widget_activate_action (fixture->pane, "preview.step-draw", "i", steps[k]);
        render_and_wait (fixture);
        expected = shown (fixture, recipe->pipeline, augur_seed_derive (7, "sample.png", expected_draw[k]));
        g_assert_cmpuint (augur_preview_pane_get_n_frames (pane), ==, 2);
        g_assert_true (augur_image_equal (augur_preview_pane_get_frame (pane, 1), expected));
      }
  }
}

/* Extremes of the selected step: three images a range, brightness rising. */
static void
test_extremes (Fixture       *fixture,
               gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (fixture->pane);

  fixture_start (fixture, "{\"type\": \"HorizontalFlip\", \"p\": 1},"
                          "{\"type\": \"RandomBrightnessContrast\", \"p\": 0.5,"
                          " \"params\": {\"brightness_limit\": [-0.1, 0.1]}}");
  gtk_widget_activate_action (fixture->pane, "preview.mode", "s", "extremes");
  g_assert_cmpstr (augur_preview_pane_get_visible_page (pane), ==, "status");

  augur_preview_pane_set_selected_path (pane, "1");
  render_and_wait (fixture);
  g_assert_cmpstr (augur_preview_pane_get_visible_page (pane), ==, "frames");
  g_assert_cmpuint (augur_preview_pane_get_n_frames (pane), ==, 6);
  g_assert_cmpstr (augur_preview_pane_get_frame_caption (pane, 0), ==, "-0.1");
  g_assert_cmpstr (augur_preview_pane_get_frame_caption (pane, 1), ==, "0");
  g_assert_cmpstr (augur_preview_pane_get_frame_caption (pane, 2), ==, "0.1");
  g_assert_cmpfloat (augur_image_mean (augur_preview_pane_get_frame (pane, 0), -1), <,
                     augur_image_mean (augur_preview_pane_get_frame (pane, 1), -1));
  g_assert_cmpfloat (augur_image_mean (augur_preview_pane_get_frame (pane, 1), -1), <,
                     augur_image_mean (augur_preview_pane_get_frame (pane, 2), -1));

  /* A step without ranges shows its one look: flipped back, the original. */
  augur_preview_pane_set_selected_path (pane, "0");
  render_and_wait (fixture);
  g_assert_cmpstr (augur_preview_pane_get_visible_page (pane), ==, "frames");
  g_assert_cmpuint (augur_preview_pane_get_n_frames (pane), ==, 1);
  {
    g_autoptr(AugurImage) back = flip (augur_preview_pane_get_frame (pane, 0), "HorizontalFlip");

    g_assert_false (augur_image_equal (augur_preview_pane_get_frame (pane, 0),
                                       augur_sample_get_proxy (fixture->sample)));
    g_assert_true (augur_image_equal (back, augur_sample_get_proxy (fixture->sample)));
  }
}

static AugurPicture *
find_picture (GtkWidget *widget)
{
  if (AUGUR_IS_PICTURE (widget))
    return AUGUR_PICTURE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AugurPicture *found = find_picture (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The same pixels (textures made from images, downloaded again). */
static void
assert_texture_equal (GdkTexture *a,
                      GdkTexture *b)
{
  int w = gdk_texture_get_width (a), h = gdk_texture_get_height (a);
  g_autofree guchar *pa = NULL;
  g_autofree guchar *pb = NULL;

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (w, ==, gdk_texture_get_width (b));
  g_assert_cmpint (h, ==, gdk_texture_get_height (b));
  pa = g_malloc ((gsize) w * h * 4);
  pb = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (a, pa, (gsize) w * 4);
  gdk_texture_download (b, pb, (gsize) w * 4);
  g_assert_cmpmem (pa, (gsize) w * h * 4, pb, (gsize) w * h * 4);
}

/* The seed of the draw the enlarged view shows, from its replay JSON. */
static guint64
shown_seed (AugurDrawView *view)
{
  g_autofree char *json = augur_draw_view_dup_replay_json (view);
  g_autoptr(JsonNode) root = json_from_string (json, NULL);

  g_assert_nonnull (root);
  return (guint64) json_object_get_int_member (json_node_get_object (root), "seed");
}

static void
on_full_size (AugurDrawView *view,
              gboolean      *done)
{
  *done = TRUE;
}

/* Enlarging a draw renders it from the full-size file with the draw's seed. */
static void
test_open_draw (Fixture       *fixture,
                gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (fixture->pane);
  AugurDrawView *view = AUGUR_DRAW_VIEW (augur_preview_pane_get_draw_view (pane));
  g_autoptr(AugurImage) expected = NULL;
  g_autofree char *json = NULL;
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;
  gboolean done = FALSE;

  fixture_start (fixture, "{\"type\": \"HorizontalFlip\", \"p\": 1}");
  g_signal_connect (view, "full-size-ready", G_CALLBACK (on_full_size), &done);
  gtk_widget_activate_action (fixture->pane, "preview.open-draw", "u", 2);
  g_assert_cmpstr (augur_preview_pane_get_visible_page (pane), ==, "draw");

  while (!done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done);

  expected = flip (fixture->full, "HorizontalFlip");
  g_assert_cmpint (augur_draw_view_get_image (view)->width, ==, 96);
  g_assert_true (augur_image_equal (augur_draw_view_get_image (view), expected));

  /* The replay JSON reads back against the pipeline, with the draw's seed. */
  json = augur_draw_view_dup_replay_json (view);
  g_assert_nonnull (strstr (json, "\"HorizontalFlip\""));
  {
    g_autoptr(JsonNode) root = json_from_string (json, NULL);
    g_autoptr(AugurRecipe) recipe = recipe_from ("{\"type\": \"HorizontalFlip\", \"p\": 1}", 7);
    g_autoptr(AugurReplay) replay = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_nonnull (root);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "seed"), ==,
                     (gint64) augur_seed_derive (7, "sample.png", 2));
    replay = augur_replay_from_json (json_object_get_member (json_node_get_object (root), "replay"),
                                     recipe->pipeline, &error);
    g_assert_no_error (error);
    g_assert_true (((AugurReplay *) replay->steps->pdata[0])->applied);
  }

  augur_draw_view_zoom_original (view);
  g_assert_cmpfloat (augur_draw_view_get_zoom (view), ==, 1.0);
  augur_draw_view_zoom_fit (view);
  g_assert_cmpfloat (augur_draw_view_get_zoom (view), ==, 0.0);

  /* The replay folds away (draw.show-replay, Ctrl+I) and leaves its room
   * to the draw: the view then needs less width. */
  {
    int shown, folded;

    g_assert_true (augur_draw_view_get_replay_visible (view));
    gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_HORIZONTAL, -1, &shown, NULL, NULL, NULL);
    gtk_widget_activate_action (GTK_WIDGET (view), "draw.show-replay", NULL);
    g_assert_false (augur_draw_view_get_replay_visible (view));
    gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_HORIZONTAL, -1, &folded, NULL, NULL, NULL);
    g_assert_cmpint (folded, <, shown);
    gtk_widget_activate_action (GTK_WIDGET (view), "draw.show-replay", NULL);
    g_assert_true (augur_draw_view_get_replay_visible (view));
  }

  /* An edit of the recipe renders the enlarged draw again, still open. */
  done = FALSE;
  set_recipe (fixture, "{\"type\": \"VerticalFlip\", \"p\": 1}", 7);
  deadline = g_get_monotonic_time () + TIMEOUT_US;
  while (!done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done);
  g_assert_cmpstr (augur_preview_pane_get_visible_page (pane), ==, "draw");
  {
    g_autoptr(AugurImage) vflipped = flip (fixture->full, "VerticalFlip");

    g_assert_true (augur_image_equal (augur_draw_view_get_image (view), vflipped));
  }

  /* Comparisons at full size: the original, the amplified difference, and
   * the original and the draw either side of a divider. */
  {
    AugurPicture *picture = find_picture (GTK_WIDGET (view));
    g_autoptr(AugurImage) vflipped = flip (fixture->full, "VerticalFlip");
    g_autoptr(AugurImage) diff = augur_preview_difference (fixture->full, vflipped);
    g_autoptr(GdkTexture) diff_texture = augur_texture_new_for_image (diff);
    g_autoptr(GdkTexture) original_texture = augur_texture_new_for_image (fixture->full);

    g_assert_nonnull (picture);
    g_assert_cmpstr (augur_draw_view_get_view (view), ==, "draw");
    gtk_widget_activate_action (GTK_WIDGET (view), "draw.view", "s", "original");
    assert_texture_equal (augur_picture_get_texture (picture), original_texture);
    g_assert_null (augur_picture_get_before (picture));
    gtk_widget_activate_action (GTK_WIDGET (view), "draw.view", "s", "difference");
    assert_texture_equal (augur_picture_get_texture (picture), diff_texture);
    gtk_widget_activate_action (GTK_WIDGET (view), "draw.view", "s", "split");
    assert_texture_equal (augur_picture_get_before (picture), original_texture);
    /* the divider starts half-way and moves with the picture's split */
    g_assert_cmpfloat (augur_picture_get_split (picture), ==, 0.5);
    augur_picture_set_split (picture, 2);
    g_assert_cmpfloat (augur_picture_get_split (picture), ==, 1);
    augur_picture_set_split (picture, 0.5);
    g_assert_cmpint (gdk_texture_get_width (augur_picture_get_texture (picture)), ==, 96);

    /* The next draw, and the one before it again, wrapping: the view stays. */
    done = FALSE;
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "draw.next", NULL));
    deadline = g_get_monotonic_time () + TIMEOUT_US;
    while (!done && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (done);
    g_assert_cmpuint (shown_seed (view), ==, augur_seed_derive (7, "sample.png", 3));
    g_assert_cmpstr (augur_draw_view_get_view (view), ==, "split");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "draw.next", NULL));
    g_assert_cmpuint (shown_seed (view), ==, augur_seed_derive (7, "sample.png", 0));
    gtk_widget_activate_action (GTK_WIDGET (view), "draw.view", "s", "draw");
  }

  /* With the grid showing differences, an enlarged draw shows its own. */
  gtk_widget_activate_action (fixture->pane, "preview.close-draw", NULL);
  gtk_widget_activate_action (fixture->pane, "preview.diff", NULL);
  render_and_wait (fixture);
  gtk_widget_activate_action (fixture->pane, "preview.open-draw", "u", 1);
  g_assert_cmpstr (augur_draw_view_get_view (view), ==, "difference");
  gtk_widget_activate_action (fixture->pane, "preview.diff", NULL);
  render_and_wait (fixture);

  gtk_widget_activate_action (fixture->pane, "preview.close-draw", NULL);
  g_assert_cmpstr (augur_preview_pane_get_visible_page (pane), ==, "grid");
}

/* The cache is bounded: past its limit, the least recently used entries
 * go (a full grid is always kept). */
static void
test_cache_bounded (void)
{
  g_autoptr(AugurPreviewEngine) engine = augur_preview_engine_new (2);
  g_autoptr(AugurImage) image = make_image (32, 32);
  g_autoptr(AugurRecipe) recipe = recipe_from ("{\"type\": \"RandomBrightnessContrast\", \"p\": 1}", 1);
  AugurRenderItem items[40] = { { 0 } };
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      items[i].image = image;
      items[i].seed = i;
    }
  augur_preview_engine_set_cache_limit (engine, 1);
  augur_preview_engine_render (engine, recipe->pipeline, items, G_N_ELEMENTS (items), FALSE);
  while (!augur_preview_engine_is_complete (engine) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (augur_preview_engine_is_complete (engine));
  g_assert_cmpuint (augur_preview_engine_get_n_rendered (engine), ==, 40);
  g_assert_cmpuint (augur_preview_engine_get_cache_size (engine), ==, 16);
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    g_assert_cmpuint (augur_preview_engine_get_result (engine, i)->seed, ==, i);
}

/* No sample, no step: status pages instead of images. */
static void
test_empty_states (Fixture       *fixture,
                   gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (fixture->pane);

  g_assert_cmpstr (augur_preview_pane_get_visible_page (pane), ==, "empty");
  set_recipe (fixture, "", 7);
  g_assert_cmpstr (augur_preview_pane_get_visible_page (pane), ==, "empty");

  augur_preview_pane_set_current (pane, fixture->sample);
  g_assert_cmpstr (augur_preview_pane_get_visible_page (pane), ==, "loading");
  {
    gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

    while (!augur_sample_get_loaded (fixture->sample) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpstr (augur_preview_pane_get_visible_page (pane), ==, "status");
  g_assert_null (augur_preview_pane_get_draw (pane, 0));
}

static void
on_error (AugurPreviewPane *pane,
          const char       *message,
          char            **out)
{
  g_free (*out);
  *out = g_strdup (message);
}

/* An unreadable sample is reported through ::error, with its name. */
static void
test_unreadable_sample (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "broken.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(AugurSample) broken = NULL;
  g_autofree char *message = NULL;
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  g_assert_true (g_file_set_contents (path, "not an image", -1, NULL));
  broken = augur_sample_new (file);
  g_signal_connect (fixture->pane, "error", G_CALLBACK (on_error), &message);
  set_recipe (fixture, "{\"type\": \"HorizontalFlip\", \"p\": 1}", 7);
  augur_preview_pane_set_current (AUGUR_PREVIEW_PANE (fixture->pane), broken);
  while (message == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "broken.png"));
  g_assert_cmpstr (augur_preview_pane_get_visible_page (AUGUR_PREVIEW_PANE (fixture->pane)), ==, "error");
  g_signal_handlers_disconnect_by_func (fixture->pane, on_error, &message);
  augur_preview_pane_set_current (AUGUR_PREVIEW_PANE (fixture->pane), NULL);
  g_unlink (path);
}

/* All samples: one draw per loaded sample, each with its own key's seed. */
static void
test_all_samples (Fixture       *fixture,
                  gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (fixture->pane);
  g_autoptr(GListStore) store = g_list_store_new (AUGUR_TYPE_SAMPLE);
  g_autofree char *path = g_build_filename (fixture->dir, "other.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(AugurSample) other = augur_sample_new (file);
  g_autoptr(AugurImage) image = make_image (40, 30);
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;
  AugurPreviewEngine *engine = augur_preview_pane_get_engine (pane);

  g_assert_true (augur_image_save (image, path, AUGUR_IMAGE_FORMAT_PNG, 0, NULL));
  g_list_store_append (store, fixture->sample);
  g_list_store_append (store, other);
  augur_preview_pane_set_samples (pane, G_LIST_MODEL (store));
  fixture_start (fixture, "{\"type\": \"RandomBrightnessContrast\", \"p\": 1}");

  augur_preview_pane_set_mode (pane, "all-samples");
  /* Rendered again once the second sample is in. */
  while ((augur_preview_pane_get_n_draws (pane) < 2 || !augur_preview_engine_is_complete (engine)) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (augur_preview_pane_get_n_draws (pane), ==, 2);
  g_assert_cmpint (augur_preview_pane_get_draw (pane, 1)->width, ==, 40);
  g_assert_cmpuint (augur_preview_engine_get_result (engine, 0)->seed, ==, augur_seed_derive (7, "sample.png", 0));
  g_assert_cmpuint (augur_preview_engine_get_result (engine, 1)->seed, ==, augur_seed_derive (7, "other.png", 0));
  augur_preview_pane_set_samples (pane, NULL);
  g_unlink (path);
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

/* Draw cells shown: mapped pictures with a caption. */
static guint
count_cells (GtkWidget *pane)
{
  g_autoptr(GPtrArray) pictures = g_ptr_array_new ();
  guint n = 0;

  collect (pane, AUGUR_TYPE_PICTURE, pictures);
  for (guint i = 0; i < pictures->len; i++)
    if (augur_picture_get_caption (pictures->pdata[i]) != NULL)
      n++;
  return n;
}

/* In a window: as many cells as draws, each keeping the image's aspect
 * ratio; the seed entry applies a typed seed and refuses one when locked. */
static void
test_widgets (Fixture       *fixture,
              gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (fixture->pane);
  GtkWidget *window = gtk_window_new ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autoptr(GPtrArray) pictures = g_ptr_array_new ();
  GtkWidget *entry;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_set_child (GTK_WINDOW (window), fixture->pane);
  gtk_window_present (GTK_WINDOW (window));
  fixture_start (fixture, "{\"type\": \"HorizontalFlip\", \"p\": 1}");
  augur_preview_pane_set_grid_size (pane, 9);
  render_and_wait (fixture);
  settle ();
  g_assert_cmpuint (count_cells (fixture->pane), ==, 9);

  /* Fitted pictures (the original and the draws) keep the image's aspect
   * ratio (72 × 48). */
  collect (fixture->pane, AUGUR_TYPE_PICTURE, pictures);
  for (guint i = 0; i < pictures->len; i++)
    {
      AugurPicture *picture = pictures->pdata[i];
      double scale = augur_picture_get_scale (picture);

      int w = gtk_widget_get_width (pictures->pdata[i]), h = gtk_widget_get_height (pictures->pdata[i]);

      /* Contained, and touching two sides. */
      g_assert_cmpfloat (scale, >, 0);
      g_assert_cmpfloat (72 * scale, <=, w + 0.5);
      g_assert_cmpfloat (48 * scale, <=, h + 0.5);
      g_assert_true (ABS (72 * scale - w) < 1 || ABS (48 * scale - h) < 1);
    }

  augur_preview_pane_set_grid_size (pane, 1);
  render_and_wait (fixture);
  settle ();
  g_assert_cmpuint (count_cells (fixture->pane), ==, 1);

  collect (fixture->pane, GTK_TYPE_ENTRY, entries);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = entries->pdata[0];
  gtk_editable_set_text (GTK_EDITABLE (entry), "42");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (augur_preview_pane_get_seed (pane), ==, 42);
  render_and_wait (fixture);

  gtk_editable_set_text (GTK_EDITABLE (entry), "not a seed");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (augur_preview_pane_get_seed (pane), ==, 42);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "42");

  gtk_widget_activate_action (fixture->pane, "preview.lock-seed", NULL);
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (entry)));

  /* The window must not keep the pane alive for the teardown's check. */
  g_object_ref (fixture->pane);
  gtk_window_set_child (GTK_WINDOW (window), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (fixture->pane);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* In zoom-to-fit the scale follows the allocation, and says so: the draw
 * view's zoom label listens to it (it once read 0% until a click). */
static void
test_picture_fit_scale (void)
{
  g_autoptr(AugurImage) image = make_image (200, 100);
  g_autoptr(GdkTexture) texture = augur_texture_new_for_image (image);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *picture = augur_picture_new ();
  guint notified = 0;
  double scale = 0;

  g_signal_connect (picture, "notify::scale", G_CALLBACK (count_notify), &notified);
  augur_picture_set_texture (AUGUR_PICTURE (picture), texture);
  gtk_widget_set_size_request (picture, 400, 400);
  gtk_window_set_child (GTK_WINDOW (window), picture);
  gtk_window_present (GTK_WINDOW (window));
  settle ();

  g_object_get (picture, "scale", &scale, NULL);
  g_assert_cmpuint (notified, >=, 1);
  g_assert_cmpfloat_with_epsilon (scale, (double) gtk_widget_get_width (picture) / 200, 1e-9);
  g_assert_cmpfloat (scale, >=, 2.0);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The invariant, on an image large enough for pixel-sized parameters to
 * matter: each draw of the grid is, byte for byte, what augur-cli apply
 * writes for the same file and variant, brought down for display with
 * augur_image_fit(). Then an edit of the last step, twice: the second
 * starts from the image the first kept after the blur (a prefix), and the
 * draws still are the full-resolution ones. */

#define BIG_W 3000
#define BIG_H 2000
#define BIG_DRAWS 4

static const char big_steps[] =
  "{\"type\": \"GaussianBlur\", \"id\": \"blur\", \"p\": 1,"
  " \"params\": {\"blur_limit\": [0, 0], \"sigma_limit\": [6, 6]}},"
  "{\"type\": \"HorizontalFlip\", \"id\": \"flip\", \"p\": 0.5},"
  "{\"type\": \"CoarseDropout\", \"id\": \"holes\", \"p\": 1,"
  " \"params\": {\"num_holes_range\": [%d, %d], \"hole_height_range\": [40, 40],"
  " \"hole_width_range\": [40, 40]}}";

static void
count_result (AugurPreviewEngine *engine,
              guint               index,
              guint              *n)
{
  (*n)++;
}

static void
wait_complete (AugurPreviewPane *pane)
{
  AugurPreviewEngine *engine = augur_preview_pane_get_engine (pane);
  gint64 deadline = g_get_monotonic_time () + 4 * TIMEOUT_US;

  while (!augur_preview_engine_is_complete (engine))
    {
      g_main_context_iteration (NULL, FALSE);
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for the full-resolution draws");
      g_usleep (1000);
    }
}

/* augur-cli apply @recipe_path @input -o @out -n @n_variants */
static void
cli_apply (const char *recipe_path,
           const char *input,
           const char *out,
           guint       n_variants)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cli = g_build_filename (g_getenv ("AUGUR_BUILD_DIR"), "app", "augur-cli", NULL);
  g_autofree char *variants = g_strdup_printf ("%u", n_variants);
  g_autoptr(GSubprocess) process = NULL;

  g_assert_nonnull (g_getenv ("AUGUR_BUILD_DIR"));
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, cli, "apply", recipe_path, input,
                              "-o", out, "-n", variants, "--threads", "2", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
}

static void
test_matches_cli (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("augur-preview-big-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "big.png", NULL);
  g_autofree char *recipe_path = g_build_filename (dir, "recipe.json", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *steps = g_strdup_printf (big_steps, 12, 12);
  g_autoptr(AugurRecipe) recipe = recipe_from (steps, 3);
  g_autoptr(AugurImage) big = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(AugurSample) sample = NULL;
  GtkWidget *widget = g_object_ref_sink (augur_preview_pane_new ());
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (widget);
  AugurPreviewEngine *engine = augur_preview_pane_get_engine (pane);
  guint n_results = 0;
  guint differs_from_proxy = 0;

  g_assert_no_error (error);
  g_assert_nonnull (g_getenv ("AUGUR_BUILD_DIR"));

  /* fine detail everywhere, so that a blur of sigma 6 at full resolution
   * and one on a reduced copy cannot look alike */
  big = augur_image_new (BIG_W, BIG_H, 3);
  for (int y = 0; y < BIG_H; y++)
    for (int x = 0; x < BIG_W; x++)
      {
        guint8 *px = augur_image_row (big, y) + 3 * x;

        px[0] = (guint8) (x * 255 / BIG_W);
        px[1] = (guint8) (((x / 3) ^ (y / 3)) & 1 ? 230 : 20);
        px[2] = (guint8) ((x * 7 + y * 13) % 256);
      }
  augur_image_save (big, path, AUGUR_IMAGE_FORMAT_PNG, 0, &error);
  g_assert_no_error (error);
  augur_recipe_save (recipe, recipe_path, &error);
  g_assert_no_error (error);

  cli_apply (recipe_path, path, out, BIG_DRAWS);

  file = g_file_new_for_path (path);
  sample = augur_sample_new (file);
  g_signal_connect (engine, "result", G_CALLBACK (count_result), &n_results);
  g_assert_cmpint (augur_preview_engine_get_display_size (engine), ==, AUGUR_PREVIEW_DEFAULT_SIZE);
  augur_preview_pane_set_grid_size (pane, BIG_DRAWS);
  augur_preview_pane_set_recipe (pane, recipe);
  augur_preview_pane_set_current (pane, sample);
  {
    gint64 deadline = g_get_monotonic_time () + 4 * TIMEOUT_US;

    while (!augur_sample_get_loaded (sample) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  wait_complete (pane);
  g_assert_cmpuint (n_results, >=, BIG_DRAWS);

  for (guint i = 0; i < BIG_DRAWS; i++)
    {
      g_autofree char *name = g_strdup_printf ("big_%u.png", i);
      g_autofree char *written_path = g_build_filename (out, name, NULL);
      g_autoptr(AugurImage) written = augur_image_load (written_path, 0, &error);
      g_autoptr(AugurImage) expected = NULL;
      g_autoptr(AugurImage) from_proxy = NULL;
      AugurRenderResult *result = augur_preview_engine_get_result (engine, i);

      g_assert_no_error (error);
      g_assert_nonnull (result);
      g_assert_false (result->reduced);
      g_assert_cmpint (result->full_width, ==, BIG_W);
      g_assert_cmpint (result->full_height, ==, BIG_H);
      g_assert_cmpuint (result->seed, ==, augur_seed_derive (3, "big.png", i));
      expected = augur_image_fit (written, AUGUR_PREVIEW_DEFAULT_SIZE);
      g_assert_cmpint (expected->width, ==, AUGUR_PREVIEW_DEFAULT_SIZE);
      g_assert_true (augur_image_equal (augur_preview_pane_get_draw (pane, i), expected));

      /* what the old proxy rendering showed: the same recipe on the reduced
       * copy is not the same picture (40 px holes are 7 px here) */
      from_proxy = augur_node_run (recipe->pipeline, augur_sample_get_proxy (sample), result->seed, NULL);
      differs_from_proxy += !augur_image_equal (from_proxy, expected);
      g_unlink (written_path);
    }
  g_assert_cmpuint (differs_from_proxy, ==, BIG_DRAWS);

  /* Two edits of the holes: the second reuses the image after the blur. */
  for (int holes = 3; holes <= 4; holes++)
    {
      g_autofree char *edited_steps = g_strdup_printf (big_steps, holes, holes);
      g_autoptr(AugurRecipe) edited = recipe_from (edited_steps, 3);

      augur_preview_pane_set_recipe (pane, edited);
      wait_complete (pane);
      for (guint i = 0; i < BIG_DRAWS; i++)
        {
          g_autoptr(AugurImage) full = augur_node_run (edited->pipeline, big,
                                                       augur_seed_derive (3, "big.png", i), NULL);
          g_autoptr(AugurImage) expected = augur_image_fit (full, AUGUR_PREVIEW_DEFAULT_SIZE);

          g_assert_true (augur_image_equal (augur_preview_pane_get_draw (pane, i), expected));
        }
    }
  g_assert_cmpuint (augur_preview_engine_get_prefix_hits (engine), >=, BIG_DRAWS);

  g_signal_handlers_disconnect_by_data (engine, &n_results);
  g_assert_finalize_object (widget);
  settle ();
  {
    g_autofree char *manifest = g_build_filename (out, "manifest.jsonl", NULL);

    g_unlink (manifest);
  }
  g_rmdir (out);
  g_unlink (recipe_path);
  g_unlink (path);
  g_rmdir (dir);
}

/* A large JPEG shows first with a proxy from a reduced decode (the load
 * completes with it while the whole image still decodes), then the proxy
 * made from the whole image replaces it; the grid's full draws are those of
 * the whole image all the same. */
static void
count_loaded (AugurSample *sample,
              GParamSpec  *pspec,
              guint       *n)
{
  (*n)++;
  if (*n == 1)
    {
      /* the quick proxy: the whole image's size, and more to come */
      g_assert_cmpint (augur_sample_get_width (sample), ==, 2400);
      g_assert_cmpint (augur_sample_get_height (sample), ==, 1800);
      g_assert_true (augur_sample_is_loading (sample));
    }
}

static void
test_quick_jpeg (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("augur-preview-jpeg-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "photo.jpg", NULL);
  g_autoptr(AugurImage) src = augur_image_new (2400, 1800, 3);
  g_autoptr(AugurImage) whole = NULL;
  g_autoptr(AugurImage) proxy = NULL;
  g_autoptr(AugurRecipe) recipe = recipe_from ("{\"type\": \"Rotate\", \"p\": 1, \"params\": {\"limit\": [-20, 20]}}", 5);
  g_autoptr(GFile) file = NULL;
  g_autoptr(AugurSample) sample = NULL;
  GtkWidget *widget = g_object_ref_sink (augur_preview_pane_new ());
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (widget);
  gint64 deadline = g_get_monotonic_time () + 4 * TIMEOUT_US;
  guint n_loaded = 0;

  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      {
        guint8 *px = augur_image_row (src, y) + 3 * x;

        px[0] = (guint8) (x * 255 / src->width);
        px[1] = (guint8) (y * 255 / src->height);
        px[2] = (guint8) ((x / 40 + y / 40) % 2 ? 200 : 60);
      }
  augur_image_save (src, path, AUGUR_IMAGE_FORMAT_JPEG, 90, &error);
  g_assert_no_error (error);
  whole = augur_image_load (path, 0, &error);
  g_assert_no_error (error);
  augur_sample_clear_decode_cache ();

  file = g_file_new_for_path (path);
  sample = augur_sample_new (file);
  g_signal_connect (sample, "notify::loaded", G_CALLBACK (count_loaded), &n_loaded);
  augur_preview_pane_set_grid_size (pane, 4);
  augur_preview_pane_set_recipe (pane, recipe);
  augur_preview_pane_set_current (pane, sample);
  while ((n_loaded < 2 || augur_sample_is_loading (sample)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (n_loaded, ==, 2);
  proxy = augur_image_fit (whole, AUGUR_PREVIEW_DEFAULT_SIZE);
  g_assert_true (augur_image_equal (augur_sample_get_proxy (sample), proxy));

  wait_complete (pane);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(AugurImage) full = augur_node_run (recipe->pipeline, whole,
                                                   augur_seed_derive (5, "photo.jpg", i), NULL);
      g_autoptr(AugurImage) expected = augur_image_fit (full, AUGUR_PREVIEW_DEFAULT_SIZE);

      g_assert_true (augur_image_equal (augur_preview_pane_get_draw (pane, i), expected));
    }

  g_signal_handlers_disconnect_by_data (sample, &n_loaded);
  g_assert_finalize_object (widget);
  settle ();
  augur_sample_clear_decode_cache ();
  g_unlink (path);
  g_rmdir (dir);
}

typedef struct
{
  AugurSample *samples[4];
  guint        n_loaded[4];
  guint        order[8];    /* which sample each "loaded" came from */
  guint        n_order;
} LoadOrder;

static void
record_loaded (AugurSample *sample,
               GParamSpec  *pspec,
               LoadOrder   *log)
{
  for (guint i = 0; i < G_N_ELEMENTS (log->samples); i++)
    if (log->samples[i] == sample && log->n_order < G_N_ELEMENTS (log->order))
      {
        log->n_loaded[i]++;
        log->order[log->n_order++] = i;
      }
}

static gboolean
all_loaded_twice (gpointer data)
{
  LoadOrder *log = data;

  for (guint i = 0; i < G_N_ELEMENTS (log->samples); i++)
    if (log->n_loaded[i] < 2 || augur_sample_is_loading (log->samples[i]))
      return FALSE;
  return TRUE;
}

/* Large JPEGs added together (a folder opened): every sample's quick
 * proxy comes before any sample's full decode, which would otherwise hold
 * the decode pool (and the processors) while samples still show nothing. */
static void
test_quick_first (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("augur-preview-order-XXXXXX", &error);
  g_autoptr(AugurImage) src = augur_image_new (2400, 1800, 3);
  g_autoptr(GBytes) jpeg = NULL;
  LoadOrder log = { { NULL } };
  gint64 deadline = g_get_monotonic_time () + 4 * TIMEOUT_US;

  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      augur_image_row (src, y)[3 * x + 1] = (guint8) ((x / 30 + y / 30) % 2 ? 220 : 30);
  jpeg = augur_image_encode (src, AUGUR_IMAGE_FORMAT_JPEG, 90, &error);
  g_assert_no_error (error);
  augur_sample_clear_decode_cache ();

  for (guint i = 0; i < G_N_ELEMENTS (log.samples); i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%u.jpg", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      g_file_set_contents (path, g_bytes_get_data (jpeg, NULL), (gssize) g_bytes_get_size (jpeg), &error);
      g_assert_no_error (error);
      log.samples[i] = augur_sample_new (file);
      g_signal_connect (log.samples[i], "notify::loaded", G_CALLBACK (record_loaded), &log);
    }
  /* All four queued before any starts, then one at a time: what is
   * checked is the queue's order, not how two threads happen to race on
   * a busy machine. */
  augur_sample_set_max_loads (0);
  for (guint i = 0; i < G_N_ELEMENTS (log.samples); i++)
    augur_sample_load_async (log.samples[i], AUGUR_PREVIEW_DEFAULT_SIZE, NULL, NULL, NULL);
  augur_sample_set_max_loads (1);
  while (!all_loaded_twice (&log) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  augur_sample_set_max_loads (G_MAXINT);
  g_assert_true (all_loaded_twice (&log));

  g_assert_cmpuint (log.n_order, ==, 8);
  /* the first four are the four quick proxies, one from each sample */
  for (guint i = 0; i < 4; i++)
    for (guint j = 0; j < i; j++)
      g_assert_cmpuint (log.order[i], !=, log.order[j]);

  for (guint i = 0; i < G_N_ELEMENTS (log.samples); i++)
    {
      g_autofree char *path = g_strdup (augur_sample_get_path (log.samples[i]));

      g_signal_handlers_disconnect_by_data (log.samples[i], &log);
      g_clear_object (&log.samples[i]);
      g_unlink (path);
    }
  settle ();
  augur_sample_clear_decode_cache ();
  g_rmdir (dir);
}

/* Each step's cost, measured in the grid's full-resolution draws: every
 * step that applied has a figure, a large median blur the largest, and
 * the editor's rows show it ("12 ms"), with a tooltip saying what was
 * measured. An edited step has no figure until it is drawn again. */
static void
test_measured_costs (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("augur-preview-cost-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cost.png", NULL);
  g_autoptr(AugurImage) image = make_image (640, 480);
  g_autoptr(AugurRecipe) recipe = recipe_from (
    "{\"type\": \"HorizontalFlip\", \"p\": 1},"
    " {\"type\": \"MedianBlur\", \"p\": 1, \"params\": {\"blur_limit\": [21, 21]}},"
    " {\"type\": \"RandomBrightnessContrast\", \"p\": 1}", 3);
  g_autoptr(AugurRecipe) edited = recipe_from (
    "{\"type\": \"HorizontalFlip\", \"p\": 1},"
    " {\"type\": \"MedianBlur\", \"p\": 1, \"params\": {\"blur_limit\": [5, 5]}},"
    " {\"type\": \"RandomBrightnessContrast\", \"p\": 1}", 3);
  g_autoptr(GFile) file = NULL;
  g_autoptr(AugurSample) sample = NULL;
  GtkWidget *widget = g_object_ref_sink (augur_preview_pane_new ());
  GtkWidget *editor = g_object_ref_sink (augur_pipeline_editor_new ());
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (widget);
  AugurPreviewEngine *engine = augur_preview_pane_get_engine (pane);
  AugurStepCost cost[3];
  const char *paths[3] = { "0", "1", "2" };
  GtkWidget *row;
  const char *tooltip;

  augur_image_save (image, path, AUGUR_IMAGE_FORMAT_PNG, 0, &error);
  g_assert_no_error (error);
  file = g_file_new_for_path (path);
  sample = augur_sample_new (file);
  augur_pipeline_editor_set_pipeline (AUGUR_PIPELINE_EDITOR (editor), recipe->pipeline);
  augur_pipeline_editor_set_cost_source (AUGUR_PIPELINE_EDITOR (editor), engine);
  g_assert_false (augur_preview_engine_get_step_cost (engine, "1", recipe->pipeline->children->pdata[1], &cost[1]));

  augur_preview_pane_set_grid_size (pane, 4);
  augur_preview_pane_set_recipe (pane, recipe);
  augur_preview_pane_set_current (pane, sample);
  wait_complete (pane);

  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (augur_preview_engine_get_step_cost (engine, paths[i],
                                                         recipe->pipeline->children->pdata[i], &cost[i]));
      g_assert_cmpuint (cost[i].applied, ==, 4);
      g_assert_cmpfloat (cost[i].megapixels, ==, 640 * 480 / 1e6);
      g_test_message ("step %s: %.3f ms", paths[i], cost[i].ms);
    }
  g_assert_cmpfloat (cost[1].ms, >, cost[0].ms);
  g_assert_cmpfloat (cost[1].ms, >, cost[2].ms);

  row = augur_pipeline_editor_get_row (AUGUR_PIPELINE_EDITOR (editor), "1");
  g_assert_nonnull (g_strrstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), " ms"));
  tooltip = gtk_widget_get_tooltip_text (row);
  g_assert_nonnull (strstr (tooltip, "\n\nMeasured: "));

  /* the edited blur is not the measured one: no figure for it */
  g_assert_false (augur_preview_engine_get_step_cost (engine, "1", edited->pipeline->children->pdata[1], &cost[1]));
  augur_pipeline_editor_set_pipeline (AUGUR_PIPELINE_EDITOR (editor), edited->pipeline);
  row = augur_pipeline_editor_get_row (AUGUR_PIPELINE_EDITOR (editor), "1");
  g_assert_null (g_strrstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), " ms"));
  augur_preview_pane_set_recipe (pane, edited);
  wait_complete (pane);
  g_assert_true (augur_preview_engine_get_step_cost (engine, "1", edited->pipeline->children->pdata[1], &cost[1]));
  g_assert_nonnull (g_strrstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), " ms"));

  g_assert_finalize_object (editor);
  g_assert_finalize_object (widget);
  settle ();
  g_unlink (path);
  g_rmdir (dir);
}

/* Blends draw their references from the pane's samples, keyed by file name
 * as augur-cli keys the files of one folder: a recipe with MixUp renders,
 * differs from the same recipe without it, and is what augur-cli apply
 * writes for the folder. */
#define MIX_DRAWS 4
#define MIX_W 90
#define MIX_H 60

static void
load_and_wait (AugurSample *sample)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  augur_sample_load_async (sample, AUGUR_PREVIEW_DEFAULT_SIZE, NULL, NULL, NULL);
  while (!augur_sample_get_loaded (sample) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (augur_sample_get_loaded (sample));
}

static void
test_blend_matches_cli (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("augur-preview-mix-XXXXXX", &error);
  g_autofree char *images = g_build_filename (dir, "images", NULL);
  g_autofree char *recipe_path = g_build_filename (dir, "recipe.json", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  const char *names[] = { "a.png", "b.png" };
  const char *mix = "{\"type\": \"HorizontalFlip\", \"id\": \"flip\", \"p\": 0.5},"
                    "{\"type\": \"MixUp\", \"id\": \"mix\", \"p\": 1}";
  g_autoptr(AugurRecipe) recipe = recipe_from (mix, 5);
  g_autoptr(AugurRecipe) plain = recipe_from ("{\"type\": \"HorizontalFlip\", \"id\": \"flip\", \"p\": 0.5}", 5);
  g_autoptr(GListStore) store = g_list_store_new (AUGUR_TYPE_SAMPLE);
  g_autoptr(GPtrArray) with_mix = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_image_unref);
  GtkWidget *widget = g_object_ref_sink (augur_preview_pane_new ());
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (widget);
  AugurPreviewEngine *engine = augur_preview_pane_get_engine (pane);
  guint differ = 0;
  gboolean from_b[MIX_DRAWS] = { FALSE };
  guint n_from_b = 0;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (images, 0700), ==, 0);
  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      g_autofree char *path = g_build_filename (images, names[k], NULL);
      g_autoptr(AugurImage) image = augur_image_new (MIX_W, MIX_H, 3);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(AugurSample) sample = NULL;

      /* a: a horizontal ramp; b: a vertical one in another channel */
      for (int y = 0; y < MIX_H; y++)
        for (int x = 0; x < MIX_W; x++)
          {
            guint8 *px = augur_image_row (image, y) + 3 * x;

            px[0] = k == 0 ? (guint8) (x * 255 / MIX_W) : 10;
            px[1] = 40;
            px[2] = k == 1 ? (guint8) (y * 255 / MIX_H) : 200;
          }
      augur_image_save (image, path, AUGUR_IMAGE_FORMAT_PNG, 0, &error);
      g_assert_no_error (error);
      sample = augur_sample_new (file);
      load_and_wait (sample);
      g_list_store_append (store, sample);
    }
  augur_recipe_save (recipe, recipe_path, &error);
  g_assert_no_error (error);
  cli_apply (recipe_path, images, out, MIX_DRAWS);

  augur_preview_pane_set_grid_size (pane, MIX_DRAWS);
  augur_preview_pane_set_samples (pane, G_LIST_MODEL (store));
  augur_preview_pane_set_recipe (pane, recipe);
  {
    g_autoptr(AugurSample) first = g_list_model_get_item (G_LIST_MODEL (store), 0);

    augur_preview_pane_set_current (pane, first);
  }
  wait_complete (pane);
  g_assert_cmpuint (augur_reference_pool_size (augur_preview_engine_get_references (engine)), ==, 2);

  for (guint i = 0; i < MIX_DRAWS; i++)
    {
      g_autofree char *name = g_strdup_printf ("a_%u.png", i);
      g_autofree char *written_path = g_build_filename (out, name, NULL);
      g_autoptr(AugurImage) written = augur_image_load (written_path, 0, &error);
      AugurImage *draw = augur_preview_pane_get_draw (pane, i);
      AugurRenderResult *result = augur_preview_engine_get_result (engine, i);
      const AugurReplay *mixed = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (draw);
      g_assert_true (augur_image_equal (draw, written));
      g_ptr_array_add (with_mix, augur_image_ref (draw));
      /* which sample it mixed in: the other one must show */
      for (guint k = 0; k < result->replay->steps->len; k++)
        if (((AugurReplay *) result->replay->steps->pdata[k])->index == 1)
          mixed = result->replay->steps->pdata[k];
      g_assert_nonnull (mixed);
      g_assert_true (mixed->applied);
      g_assert_nonnull (mixed->references);
      from_b[i] = g_strcmp0 (mixed->references[0], "b.png") == 0;
      n_from_b += from_b[i];
    }
  g_assert_cmpuint (n_from_b, >=, 1);

  augur_preview_pane_set_recipe (pane, plain);
  wait_complete (pane);
  for (guint i = 0; i < MIX_DRAWS; i++)
    {
      gboolean same = augur_image_equal (augur_preview_pane_get_draw (pane, i), with_mix->pdata[i]);

      if (from_b[i])
        g_assert_false (same);
      differ += !same;
    }
  g_assert_cmpuint (differ, >=, n_from_b);

  g_assert_finalize_object (widget);
  settle ();
  for (guint i = 0; i < MIX_DRAWS; i++)
    for (guint k = 0; k < G_N_ELEMENTS (names); k++)
      {
        g_autofree char *stem = g_strndup (names[k], 1);
        g_autofree char *name = g_strdup_printf ("%s_%u.png", stem, i);
        g_autofree char *path = g_build_filename (out, name, NULL);

        g_unlink (path);
      }
  {
    g_autofree char *manifest = g_build_filename (out, "manifest.jsonl", NULL);

    g_unlink (manifest);
  }
  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      g_autofree char *path = g_build_filename (images, names[k], NULL);

      g_unlink (path);
    }
  g_rmdir (images);
  g_rmdir (out);
  g_unlink (recipe_path);
  g_rmdir (dir);
}

/* Labels: the bundled samples' COCO file, drawn over the original and,
 * carried through the draw, over the draw. */
static void
collect_layers (GtkWidget *widget,
                GPtrArray *layers)
{
  if (AUGUR_IS_LABEL_LAYER (widget))
    g_ptr_array_add (layers, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_layers (child, layers);
}

/* @layer as drawn on screen, into an image surface of its size. */
static void
painted (GdkFrameClock *clock,
         gboolean      *done)
{
  *done = TRUE;
}

/* Runs the main loop until @widget's window has painted a frame: by then
 * every resize queued before (a new texture of another size, say) has
 * been laid out, and the widget can be drawn out of the frame cycle. */
static void
wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;
  gboolean done = FALSE;
  gulong handler;

  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (painted), &done);
  gtk_widget_queue_draw (widget);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
  while (!done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  g_assert_true (done);
}

static cairo_surface_t *
render_layer (GtkWidget *layer)
{
  GtkSnapshot *snapshot;
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  wait_for_frame (layer);
  snapshot = gtk_snapshot_new ();
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gtk_widget_get_width (layer),
                                        gtk_widget_get_height (layer));
  cr = cairo_create (surface);
  GTK_WIDGET_GET_CLASS (layer)->snapshot (layer, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static guint32
surface_pixel (cairo_surface_t *surface,
               int              x,
               int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);

  return *(const guint32 *) (data + (gsize) y * cairo_image_surface_get_stride (surface) + 4 * x);
}

/* The layer's box @id, in the layer's pixels: the picture fits the image
 * into the layer's width, from the top. */
static void
box_on_screen (GtkWidget *layer,
               guint      id,
               double     rect[4])
{
  const AugurLabels *labels = augur_label_layer_get_labels (AUGUR_LABEL_LAYER (layer));
  AugurPicture *picture = augur_label_layer_get_picture (AUGUR_LABEL_LAYER (layer));
  GdkTexture *texture = augur_picture_get_texture (picture);
  const AugurBox *box = augur_labels_find_box (labels, id);
  double scale = augur_picture_get_scale (picture) * gdk_texture_get_width (texture) / labels->width;
  double x0 = (int) ((gtk_widget_get_width (layer) - gdk_texture_get_width (texture) * augur_picture_get_scale (picture)) / 2);

  g_assert_nonnull (box);
  rect[0] = x0 + box->x_min * scale;
  rect[1] = box->y_min * scale;
  rect[2] = x0 + box->x_max * scale;
  rect[3] = box->y_max * scale;
}

static void
count_tags (GtkWidget *widget,
            guint     *n)
{
  if (GTK_IS_IMAGE (widget) && gtk_widget_get_visible (widget) &&
      g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (widget)), "user-bookmarks-symbolic") == 0)
    (*n)++;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count_tags (child, n);
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (ADW_IS_ACTION_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static gboolean
has_labels (AugurSample *sample,
            gpointer     pane)
{
  return augur_preview_pane_sample_has_labels (pane, sample);
}

static void
test_labels (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *coco = g_build_filename (g_getenv ("AUGUR_DATADIR"), "samples", "labels.coco.json", NULL);
  g_autofree char *spec = g_strconcat ("coco:", coco, NULL);
  g_autofree char *path = g_build_filename (g_getenv ("AUGUR_DATADIR"), "samples", "astronaut.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(AugurSample) sample = augur_sample_new (file);
  g_autoptr(AugurRecipe) recipe = recipe_from ("{\"type\": \"HorizontalFlip\", \"id\": \"flip\", \"p\": 1}", 2);
  g_autoptr(GPtrArray) layers = g_ptr_array_new ();
  AugurLabelSource *source = augur_label_source_open (spec, &error);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *widget = augur_preview_pane_new ();
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (widget);
  GtkWidget *original = NULL, *draw = NULL;
  const AugurBox *face, *flipped;
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  g_assert_no_error (error);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));
  augur_preview_pane_set_grid_size (pane, 1);
  augur_preview_pane_set_recipe (pane, recipe);
  load_and_wait (sample);
  augur_preview_pane_set_current (pane, sample);
  augur_preview_pane_set_labels (pane, source);
  g_assert_true (augur_preview_pane_sample_has_labels (pane, sample));
  wait_complete (pane);

  collect_layers (widget, layers);
  for (guint i = 0; i < layers->len; i++)
    {
      AugurPicture *picture = augur_label_layer_get_picture (layers->pdata[i]);

      if (augur_picture_get_texture (picture) == NULL || !gtk_widget_get_mapped (layers->pdata[i]))
        continue;
      /* the grid's draws are buttons (click to enlarge); the original is not */
      if (gtk_widget_get_ancestor (layers->pdata[i], GTK_TYPE_BUTTON) == NULL)
        original = layers->pdata[i];
      else
        draw = layers->pdata[i];
    }
  g_assert_nonnull (original);
  g_assert_nonnull (draw);
  while (gtk_widget_get_width (draw) <= 1 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);

  /* the face box [178, 60, 97 × 115] of the COCO file; flipped in the draw */
  g_assert_nonnull (augur_label_layer_get_labels (AUGUR_LABEL_LAYER (original)));
  g_assert_nonnull (augur_label_layer_get_labels (AUGUR_LABEL_LAYER (draw)));
  face = augur_labels_find_box (augur_label_layer_get_labels (AUGUR_LABEL_LAYER (original)), 0);
  flipped = augur_labels_find_box (augur_label_layer_get_labels (AUGUR_LABEL_LAYER (draw)), 0);
  g_assert_nonnull (face);
  g_assert_nonnull (flipped);
  g_assert_cmpfloat_with_epsilon (face->x_min, 178, 1e-6);
  g_assert_cmpfloat_with_epsilon (face->y_max, 175, 1e-6);
  g_assert_cmpfloat_with_epsilon (flipped->x_min, 512 - 275, 1e-6);
  g_assert_cmpfloat_with_epsilon (flipped->x_max, 512 - 178, 1e-6);
  g_assert_cmpfloat_with_epsilon (flipped->y_min, 60, 1e-6);

  /* On screen: the box's left edge changes with boxes shown and hidden;
   * a point inside the box, away from its edges and its name, does not. */
  for (guint k = 0; k < 2; k++)
    {
      GtkWidget *layer = k == 0 ? original : draw;
      double rect[4];
      cairo_surface_t *on, *off;
      int ex, ey, ix, iy;

      wait_for_frame (layer);
      box_on_screen (layer, 0, rect);
      ex = (int) (rect[0] + 0.5);
      ey = (int) ((rect[1] + rect[3]) / 2);
      ix = (int) ((rect[0] + rect[2]) / 2);
      iy = (int) (rect[1] + 0.75 * (rect[3] - rect[1]));
      /* the actions are the toolbar's toggles: hiding keypoints leaves boxes */
      g_assert_true (gtk_widget_activate_action (widget, "preview.show-keypoints", NULL));
      g_assert_false (augur_label_layer_get_flags (AUGUR_LABEL_LAYER (layer)) & AUGUR_LABEL_OVERLAY_KEYPOINTS);
      on = render_layer (layer);
      g_object_set (pane, "show-boxes", FALSE, NULL);
      off = render_layer (layer);
      g_object_set (pane, "show-boxes", TRUE, "show-keypoints", TRUE, NULL);
      g_assert_cmpuint (surface_pixel (on, ex, ey), !=, surface_pixel (off, ex, ey));
      g_assert_cmpuint (surface_pixel (on, ix, iy), ==, surface_pixel (off, ix, iy));
      cairo_surface_destroy (on);
      cairo_surface_destroy (off);
    }

  /* the enlarged draw: its labels carried through the full-size replay,
   * and one line per label in the replay's list */
  {
    AugurDrawView *view = AUGUR_DRAW_VIEW (augur_preview_pane_get_draw_view (pane));
    gboolean done = FALSE;
    const AugurBox *big;
    guint n_label_rows = 0;
    g_autoptr(GPtrArray) rows = g_ptr_array_new ();

    g_signal_connect (view, "full-size-ready", G_CALLBACK (on_full_size), &done);
    gtk_widget_activate_action (widget, "preview.open-draw", "u", 0);
    while (!done && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (done);
    g_signal_handlers_disconnect_by_data (view, &done);
    g_assert_nonnull (augur_draw_view_get_draw_labels (view));
    big = augur_labels_find_box (augur_draw_view_get_draw_labels (view), 0);
    g_assert_nonnull (big);
    g_assert_cmpfloat_with_epsilon (big->x_min, 512 - 275, 1e-6);
    collect_rows (GTK_WIDGET (view), rows);
    for (guint i = 0; i < rows->len; i++)
      n_label_rows += g_strcmp0 (adw_preferences_row_get_title (rows->pdata[i]), "Label") == 0;
    g_assert_cmpuint (n_label_rows, ==, augur_label_layer_get_labels (AUGUR_LABEL_LAYER (original))->boxes->len +
                                        augur_label_layer_get_labels (AUGUR_LABEL_LAYER (original))->keypoints->len);
    gtk_widget_activate_action (widget, "preview.close-draw", NULL);
  }

  /* the strip marks the samples with labels: astronaut.png, not a file
   * the label file does not name */
  {
    g_autofree char *tmp = g_dir_make_tmp ("augur-preview-tags-XXXXXX", &error);
    g_autofree char *other_path = g_build_filename (tmp, "unlabelled.png", NULL);
    g_autoptr(AugurImage) image = augur_image_new (32, 32, 3);
    g_autoptr(GFile) other_file = g_file_new_for_path (other_path);
    g_autoptr(AugurSample) other = NULL;
    g_autoptr(GListStore) store = g_list_store_new (AUGUR_TYPE_SAMPLE);
    GtkWidget *strip_window = gtk_window_new ();
    GtkWidget *strip = augur_sample_strip_new ();
    guint n_tags = 0;

    g_assert_no_error (error);
    augur_image_save (image, other_path, AUGUR_IMAGE_FORMAT_PNG, 0, &error);
    g_assert_no_error (error);
    other = augur_sample_new (other_file);
    load_and_wait (other);
    g_list_store_append (store, sample);
    g_list_store_append (store, other);
    gtk_window_set_default_size (GTK_WINDOW (strip_window), 200, 600);
    gtk_window_set_child (GTK_WINDOW (strip_window), strip);
    augur_sample_strip_set_model (AUGUR_SAMPLE_STRIP (strip), G_LIST_MODEL (store));
    gtk_window_present (GTK_WINDOW (strip_window));
    augur_sample_strip_set_tag_func (AUGUR_SAMPLE_STRIP (strip), has_labels, pane, NULL);
    settle ();
    g_assert_true (augur_sample_strip_get_tagged (AUGUR_SAMPLE_STRIP (strip), sample));
    g_assert_false (augur_sample_strip_get_tagged (AUGUR_SAMPLE_STRIP (strip), other));
    count_tags (strip, &n_tags);
    g_assert_cmpuint (n_tags, ==, 1);

    augur_preview_pane_set_labels (pane, NULL);
    augur_sample_strip_set_tag_func (AUGUR_SAMPLE_STRIP (strip), has_labels, pane, NULL);
    n_tags = 0;
    count_tags (strip, &n_tags);
    g_assert_cmpuint (n_tags, ==, 0);
    gtk_window_destroy (GTK_WINDOW (strip_window));
    g_unlink (other_path);
    g_rmdir (tmp);
  }

  g_assert_null (augur_label_layer_get_labels (AUGUR_LABEL_LAYER (original)));
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

typedef struct
{
  GtkWidget *pane;
  guint      n_reduced;
  guint      n_full;
} PassLog;

static AugurPicture *
find_picture_with_caption (GtkWidget  *widget,
                           const char *caption)
{
  if (AUGUR_IS_PICTURE (widget) && g_strcmp0 (augur_picture_get_caption (AUGUR_PICTURE (widget)), caption) == 0)
    return AUGUR_PICTURE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AugurPicture *found = find_picture_with_caption (child, caption);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* After the pane has shown draw @index: its cell says whether it is the
 * quick pass. */
static void
log_pass (AugurPreviewEngine *engine,
          guint               index,
          PassLog            *log)
{
  AugurRenderResult *result = augur_preview_engine_get_result (engine, index);
  g_autofree char *caption = g_strdup_printf ("%u", index + 1);
  AugurPicture *cell = find_picture_with_caption (log->pane, caption);

  g_assert_nonnull (cell);
  if (result->reduced)
    {
      /* first, and from the reduced copy: the proxy's size */
      g_assert_cmpuint (log->n_full, ==, 0);
      g_assert_cmpstr (augur_picture_get_badge (cell), ==, "Preview");
      g_assert_cmpint (result->image->width, ==, SHOWN_SIDE);
      log->n_reduced++;
    }
  else
    {
      g_assert_null (augur_picture_get_badge (cell));
      g_assert_cmpint (result->full_width, ==, 96);
      log->n_full++;
    }
}

/* A sample larger than the preview size: each draw comes first from the
 * reduced copy, marked "Preview", then at full resolution, unmarked. With
 * one worker the order is certain: every quick pass is queued before the
 * full draws. */
static void
test_quick_pass (Fixture       *fixture,
                 gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (fixture->pane);
  AugurPreviewEngine *engine = augur_preview_pane_get_engine (pane);
  PassLog log = { fixture->pane, 0, 0 };

  augur_preview_pane_set_threads (pane, 1);
  fixture_start (fixture, "{\"type\": \"HorizontalFlip\", \"p\": 1}");
  g_signal_connect (engine, "result", G_CALLBACK (log_pass), &log);
  set_recipe (fixture, "{\"type\": \"RandomBrightnessContrast\", \"p\": 1}", 7);
  render_and_wait (fixture);
  g_signal_handlers_disconnect_by_data (engine, &log);

  g_assert_cmpuint (log.n_reduced, ==, 4);
  g_assert_cmpuint (log.n_full, ==, 4);
}

/* Edits of the last step after a group: the draws start from the image
 * the prefix cache kept, and are still exactly what a run from the start
 * gives, for every draw of the grid. */
static void
test_prefix_after_group (Fixture       *fixture,
                         gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (fixture->pane);
  AugurPreviewEngine *engine = augur_preview_pane_get_engine (pane);
  static const char steps[] =
    "{\"type\": \"RandomBrightnessContrast\", \"id\": \"rbc\", \"p\": 0.8},"
    "{\"type\": \"OneOf\", \"id\": \"one\", \"p\": 0.9, \"steps\": ["
    "  {\"type\": \"GaussianBlur\", \"id\": \"blur\", \"p\": 1},"
    "  {\"type\": \"GaussNoise\", \"id\": \"noise\", \"p\": 1}]},"
    "{\"type\": \"CoarseDropout\", \"id\": \"holes\", \"p\": 1,"
    " \"params\": {\"num_holes_range\": [%d, %d]}}";
  guint hits;

  augur_preview_pane_set_grid_size (pane, 9);
  {
    g_autofree char *first = g_strdup_printf (steps, 1, 1);

    fixture_start (fixture, first);
  }
  hits = augur_preview_engine_get_prefix_hits (engine);
  for (int holes = 2; holes <= 4; holes++)
    {
      g_autofree char *text = g_strdup_printf (steps, holes, holes);
      g_autoptr(AugurRecipe) recipe = recipe_from (text, 7);

      augur_preview_pane_set_recipe (pane, recipe);
      render_and_wait (fixture);
      for (guint i = 0; i < 9; i++)
        {
          g_autoptr(AugurImage) expected = shown (fixture, recipe->pipeline,
                                                  augur_seed_derive (7, "sample.png", i));

          g_assert_true (augur_image_equal (augur_preview_pane_get_draw (pane, i), expected));
        }
    }
  /* the first edit keeps the prefixes, the next two start from them */
  g_assert_cmpuint (augur_preview_engine_get_prefix_hits (engine), >=, hits + 2 * 9 - 2);
}

/* A sample that cannot be decoded again (changed since its proxy was
 * made): the grid keeps the quick pass, still marked, and says why. */
static void
test_full_draw_fails (Fixture       *fixture,
                      gconstpointer  data)
{
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (fixture->pane);
  AugurPreviewEngine *engine = augur_preview_pane_get_engine (pane);
  g_autofree char *path = g_file_get_path (fixture->file);
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  fixture_start (fixture, "{\"type\": \"HorizontalFlip\", \"p\": 1}");
  g_file_set_contents (path, "not an image any more", -1, &error);
  g_assert_no_error (error);
  augur_sample_clear_decode_cache ();
  g_signal_connect (fixture->pane, "error", G_CALLBACK (on_error), &message);

  set_recipe (fixture, "{\"type\": \"VerticalFlip\", \"p\": 1}", 7);
  render_and_wait (fixture);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "“sample.png” at full resolution"));
  for (guint i = 0; i < 4; i++)
    g_assert_true (augur_preview_engine_get_result (engine, i)->reduced);
  g_signal_handlers_disconnect_by_data (fixture->pane, &message);
}

/* Full-resolution decodes are shared and cached by bytes: a second draw of
 * a sample decodes nothing, and past the limit the older image goes (the
 * newest always stays). */
static void
test_decode_cache (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *other_path = g_build_filename (fixture->dir, "other.png", NULL);
  g_autoptr(GFile) other_file = g_file_new_for_path (other_path);
  g_autoptr(AugurSample) other = augur_sample_new (other_file);
  g_autoptr(AugurImage) a = NULL;
  g_autoptr(AugurImage) b = NULL;
  g_autoptr(AugurImage) again = NULL;
  g_autoptr(GError) error = NULL;
  gsize one = (gsize) fixture->full->stride * fixture->full->height;
  gsize bytes;
  guint n0, n;

  augur_image_save (fixture->full, other_path, AUGUR_IMAGE_FORMAT_PNG, 0, &error);
  g_assert_no_error (error);
  augur_sample_clear_decode_cache ();
  augur_sample_get_decode_stats (&bytes, &n0);
  g_assert_cmpuint (bytes, ==, 0);

  a = augur_sample_load_full (fixture->sample, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (augur_image_equal (a, fixture->full));
  again = augur_sample_load_full (fixture->sample, NULL, &error);
  g_assert_true (again == a);
  augur_sample_get_decode_stats (&bytes, &n);
  g_assert_cmpuint (n, ==, n0 + 1);
  g_assert_cmpuint (bytes, ==, one);

  /* room for one image: the other sample's replaces it */
  augur_sample_set_decode_cache_limit (one);
  b = augur_sample_load_full (other, NULL, &error);
  g_assert_no_error (error);
  augur_sample_get_decode_stats (&bytes, &n);
  g_assert_cmpuint (n, ==, n0 + 2);
  g_assert_cmpuint (bytes, ==, one);
  g_clear_pointer (&again, augur_image_unref);
  again = augur_sample_load_full (fixture->sample, NULL, &error);
  augur_sample_get_decode_stats (NULL, &n);
  g_assert_cmpuint (n, ==, n0 + 3);
  g_assert_true (augur_image_equal (again, a));

  augur_sample_set_decode_cache_limit (G_MAXSIZE);
  augur_sample_clear_decode_cache ();
  g_unlink (other_path);
}

/* A MixUp over labelled samples: every draw's labels hold the image's
 * boxes and those of the sample it mixed in (the reference pool reads the
 * samples' labels), one of them at least the cat's. */
static void
test_blend_labels (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *coco = g_build_filename (g_getenv ("AUGUR_DATADIR"), "samples", "labels.coco.json", NULL);
  g_autofree char *spec = g_strconcat ("coco:", coco, NULL);
  const char *names[] = { "astronaut.png", "chelsea.png" };
  g_autoptr(AugurRecipe) recipe = recipe_from ("{\"type\": \"MixUp\", \"id\": \"mix\", \"p\": 1}", 3);
  g_autoptr(GListStore) store = g_list_store_new (AUGUR_TYPE_SAMPLE);
  g_autoptr(GPtrArray) layers = g_ptr_array_new ();
  AugurLabelSource *source = augur_label_source_open (spec, &error);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *widget = augur_preview_pane_new ();
  AugurPreviewPane *pane = AUGUR_PREVIEW_PANE (widget);
  g_autoptr(AugurSample) current = NULL;
  guint own = 0, draws = 0, cat = 0;

  g_assert_no_error (error);
  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("AUGUR_DATADIR"), "samples", names[k], NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(AugurSample) sample = augur_sample_new (file);

      load_and_wait (sample);
      g_list_store_append (store, sample);
      if (k == 0)
        current = g_object_ref (sample);
    }
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));
  augur_preview_pane_set_grid_size (pane, 4);
  augur_preview_pane_set_samples (pane, G_LIST_MODEL (store));
  augur_preview_pane_set_recipe (pane, recipe);
  augur_preview_pane_set_current (pane, current);
  augur_preview_pane_set_labels (pane, source);
  wait_complete (pane);

  collect_layers (widget, layers);
  for (guint i = 0; i < layers->len; i++)
    if (gtk_widget_get_ancestor (layers->pdata[i], GTK_TYPE_BUTTON) == NULL &&
        augur_label_layer_get_labels (layers->pdata[i]) != NULL)
      own = augur_label_layer_get_labels (layers->pdata[i])->boxes->len;
  g_assert_cmpuint (own, >, 0);
  for (guint i = 0; i < layers->len; i++)
    {
      const AugurLabels *labels = augur_label_layer_get_labels (layers->pdata[i]);

      if (gtk_widget_get_ancestor (layers->pdata[i], GTK_TYPE_BUTTON) == NULL || labels == NULL)
        continue;
      draws++;
      g_assert_cmpuint (labels->boxes->len, >, own);
      for (guint b = 0; b < labels->boxes->len; b++)
        cat += g_strcmp0 (g_array_index (labels->boxes, AugurBox, b).label, "cat face") == 0;
    }
  g_assert_cmpuint (draws, ==, 4);
  g_assert_cmpuint (cat, >, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(name, func) \
  g_test_add ("/preview/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("flip-and-disable", test_flip_and_disable);
  ADD ("stale-results-dropped", test_stale_results_dropped);
  ADD ("cache", test_cache);
  ADD ("grid-size-and-seeds", test_grid_size_and_seeds);
  ADD ("seed-lock", test_seed_lock);
  ADD ("toggle-keeps-draws", test_toggle_keeps_draws);
  ADD ("difference", test_difference);
  ADD ("step-through", test_step_through);
  ADD ("extremes", test_extremes);
  ADD ("open-draw", test_open_draw);
  ADD ("empty-states", test_empty_states);
  ADD ("unreadable-sample", test_unreadable_sample);
  ADD ("all-samples", test_all_samples);
  ADD ("widgets", test_widgets);
  ADD ("decode-cache", test_decode_cache);
  ADD ("quick-pass", test_quick_pass);
  ADD ("full-draw-fails", test_full_draw_fails);
  ADD ("prefix-after-group", test_prefix_after_group);
#undef ADD
  g_test_add_func ("/preview/cache-bounded", test_cache_bounded);
  g_test_add_func ("/preview/picture-fit-scale", test_picture_fit_scale);
  g_test_add_func ("/preview/matches-cli", test_matches_cli);
  g_test_add_func ("/preview/quick-jpeg", test_quick_jpeg);
  g_test_add_func ("/preview/quick-first", test_quick_first);
  g_test_add_func ("/preview/measured-costs", test_measured_costs);
  g_test_add_func ("/preview/blend-matches-cli", test_blend_matches_cli);
  g_test_add_func ("/preview/labels", test_labels);
  g_test_add_func ("/preview/blend-labels", test_blend_labels);

  return g_test_run ();
}
