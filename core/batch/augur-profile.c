/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-batch"

#include "config.h"

#include <time.h>

#include "augur-profile.h"
#include "augur-rng.h"

/*
 * Recipe profiles: run a recipe over a few images for a while, the way a
 * data loader would (decode, sample, apply, encode), and report where the
 * time goes, step by step, so that a user sees which step makes their
 * loader slow. Each thread keeps its own sums; they are added at the end.
 */

enum { PART_DECODE, PART_SAMPLE, PART_ENCODE, N_STAGES };

typedef struct
{
  const AugurRecipe  *recipe;
  GBytes * const     *files;
  const char * const *keys;
  guint               n_files;
  AugurImageFormat    format;
  gint64              deadline;
  GHashTable         *step_index;  /* AugurNode* -> part index + 1 */
  guint               n_parts;
  AugurReferencePool *pool;        /* NULL: the recipe has no blend */

  GMutex              lock;
  guint               next;        /* the next image to take, over all threads */
  GError             *error;
} Shared;

typedef struct
{
  Shared  *shared;
  gint64  *ns;        /* one per part */
  guint64 *applied;
  guint64  images;
  gint64   whole_ns;
} Worker;

static gint64
clock_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static void
observe_step (const AugurNode *node,
              gint64           elapsed_ns,
              gpointer         user_data)
{
  Worker *worker = user_data;
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (worker->shared->step_index, node));

  g_assert (i > 0);
  worker->ns[i - 1] += elapsed_ns;
  worker->applied[i - 1]++;
}

/* One image through the whole recipe, timed stage by stage. */
static gboolean
run_one (Worker  *worker,
         guint    n,
         GError **error)
{
  Shared *shared = worker->shared;
  guint f = n % shared->n_files;
  g_autoptr(AugurImage) image = NULL;
  g_autoptr(AugurImage) out = NULL;
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(GBytes) encoded = NULL;
  gint64 t0, t1, t2, t3;
  AugurShape shape;

  t0 = clock_ns ();
  image = augur_image_load_bytes (shared->files[f], 0, error);
  if (image == NULL)
    {
      g_prefix_error (error, "%s: ", shared->keys[f]);
      return FALSE;
    }
  t1 = clock_ns ();

  /* Variant n / n_files of the file: every pass over the files draws anew. */
  shape = (AugurShape) { image->width, image->height, image->channels };
  replay = augur_node_sample_full (shared->recipe->pipeline, &shape,
                                   augur_seed_derive (shared->recipe->seed, shared->keys[f], n / shared->n_files),
                                   FALSE, shared->pool, error);
  if (replay == NULL)
    return FALSE;
  t2 = clock_ns ();

  out = augur_node_apply_full (shared->recipe->pipeline, image, replay, shared->pool, observe_step, worker, error);
  if (out == NULL)
    return FALSE;
  t3 = clock_ns ();

  encoded = augur_image_encode (out, shared->format, 95, error);
  if (encoded == NULL)
    return FALSE;

  worker->ns[PART_DECODE] += t1 - t0;
  worker->ns[PART_SAMPLE] += t2 - t1;
  worker->ns[PART_ENCODE] += clock_ns () - t3;
  worker->whole_ns += clock_ns () - t0;
  worker->applied[PART_DECODE]++;
  worker->applied[PART_SAMPLE]++;
  worker->applied[PART_ENCODE]++;
  worker->images++;
  return TRUE;
}

static gpointer
worker_main (gpointer data)
{
  Worker *worker = data;
  Shared *shared = worker->shared;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      guint n;

      g_mutex_lock (&shared->lock);
      /* At least one pass over the files, then until the deadline. */
      if (shared->error != NULL || (shared->next >= shared->n_files && clock_ns () >= shared->deadline))
        {
          g_mutex_unlock (&shared->lock);
          break;
        }
      n = shared->next++;
      g_mutex_unlock (&shared->lock);

      if (!run_one (worker, n, &error))
        {
          g_mutex_lock (&shared->lock);
          if (shared->error == NULL)
            shared->error = g_steal_pointer (&error);
          g_mutex_unlock (&shared->lock);
          break;
        }
    }
  return NULL;
}

/* The transform nodes of the pipeline in order, with their places
 * ("step 2", "step 4.1" inside a group). */
static void
collect_steps (const AugurNode *node,
               const char      *path,
               GPtrArray       *parts,
               GHashTable      *index)
{
  if (!node->enabled)
    return;

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      AugurProfilePart *part = g_new0 (AugurProfilePart, 1);

      part->node = node;
      part->label = g_strdup_printf ("%s (step %s)", node->info->name, path);
      g_ptr_array_add (parts, part);
      g_hash_table_insert (index, (gpointer) node, GUINT_TO_POINTER (parts->len));
      return;
    }

  for (guint i = 0; i < node->children->len; i++)
    {
      g_autofree char *child = *path ? g_strdup_printf ("%s.%u", path, i + 1) : g_strdup_printf ("%u", i + 1);

      collect_steps (node->children->pdata[i], child, parts, index);
    }
}

static void
part_free (AugurProfilePart *part)
{
  g_free (part->label);
  g_free (part);
}

void
augur_profile_free (AugurProfile *profile)
{
  if (profile == NULL)
    return;
  g_ptr_array_unref (profile->parts);
  g_free (profile);
}

double
augur_profile_images_per_second (const AugurProfile *profile)
{
  return profile->wall_ns > 0 ? profile->images * 1e9 / profile->wall_ns : 0;
}

/**
 * augur_profile_run:
 * @files: the encoded images, run in turn (one pass at least)
 * @keys: their keys, for the seeds (as `augur-cli apply` derives them)
 * @seconds: how long to run after the first pass
 * @threads: workers, each taking the next image
 * @format: what outputs are encoded as
 *
 * Returns: (transfer full) (nullable): the profile, or NULL when an image
 *   cannot be decoded or an output encoded
 */
AugurProfile *
augur_profile_run (const AugurRecipe  *recipe,
                   GBytes * const     *files,
                   const char * const *keys,
                   guint               n_files,
                   double              seconds,
                   guint               threads,
                   AugurImageFormat    format,
                   GError            **error)
{
  g_autoptr(AugurProfile) profile = g_new0 (AugurProfile, 1);
  g_autoptr(GHashTable) step_index = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autofree Worker *workers = NULL;
  g_autofree GThread **pool = NULL;
  static const char *const stages[N_STAGES] = { "decode", "sample", "encode" };
  Shared shared = { 0 };
  gint64 start;

  g_return_val_if_fail (recipe != NULL && n_files > 0 && threads > 0, NULL);

  profile->threads = threads;
  profile->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) part_free);
  for (guint i = 0; i < N_STAGES; i++)
    {
      AugurProfilePart *part = g_new0 (AugurProfilePart, 1);

      part->label = g_strdup (stages[i]);
      g_ptr_array_add (profile->parts, part);
    }
  collect_steps (recipe->pipeline, "", profile->parts, step_index);

  /* Blends draw from the images profiled, as `apply` draws from its inputs. */
  if (augur_node_has_blends (recipe->pipeline))
    {
      shared.pool = augur_reference_pool_new ();
      for (guint i = 0; i < n_files; i++)
        {
          g_autoptr(AugurImage) image = augur_image_load_bytes (files[i], 0, error);

          if (image == NULL)
            {
              g_prefix_error (error, "%s: ", keys[i]);
              g_clear_pointer (&shared.pool, augur_reference_pool_unref);
              return NULL;
            }
          augur_reference_pool_add_image (shared.pool, keys[i], image);
        }
    }

  shared.recipe = recipe;
  shared.files = files;
  shared.keys = keys;
  shared.n_files = n_files;
  shared.format = format;
  shared.step_index = step_index;
  shared.n_parts = profile->parts->len;
  g_mutex_init (&shared.lock);

  workers = g_new0 (Worker, threads);
  pool = g_new0 (GThread *, threads);
  start = clock_ns ();
  shared.deadline = start + (gint64) (MAX (seconds, 0) * 1e9);
  for (guint t = 0; t < threads; t++)
    {
      workers[t].shared = &shared;
      workers[t].ns = g_new0 (gint64, shared.n_parts);
      workers[t].applied = g_new0 (guint64, shared.n_parts);
      pool[t] = g_thread_new ("augur-profile", worker_main, &workers[t]);
    }
  for (guint t = 0; t < threads; t++)
    g_thread_join (pool[t]);
  profile->wall_ns = clock_ns () - start;

  for (guint t = 0; t < threads; t++)
    {
      for (guint i = 0; i < shared.n_parts; i++)
        {
          AugurProfilePart *part = profile->parts->pdata[i];

          part->ns += workers[t].ns[i];
          part->applied += workers[t].applied[i];
        }
      profile->images += workers[t].images;
      profile->whole_ns += workers[t].whole_ns;
      g_free (workers[t].ns);
      g_free (workers[t].applied);
    }
  g_mutex_clear (&shared.lock);
  g_clear_pointer (&shared.pool, augur_reference_pool_unref);

  if (shared.error != NULL)
    {
      g_propagate_error (error, shared.error);
      return NULL;
    }
  return g_steal_pointer (&profile);
}
