/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-ui"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "augur-preview-engine.h"
#include "augur-sample.h"

/*
 * The preview engine renders draws on a pool of worker threads and hands
 * them back to the main loop:
 *
 * - a request is a pipeline (copied: workers read it, nobody writes it),
 *   a list of (image, seed) items and whether a difference image is wanted;
 * - each request has a generation and a GCancellable: a new request (a
 *   slider drag) cancels the old one, so that queued work is skipped, and
 *   results of an older generation are never shown;
 * - results are posted back with an idle source on the engine's main
 *   context and kept in a cache keyed by (image, pipeline hash, seed),
 *   bounded in bytes and evicted least recently used first. The cache holds
 *   a reference to each source image, so that an image's address cannot be
 *   reused by another image while it is a key.
 */

#define DEFAULT_CACHE_BYTES ((gsize) 256 * 1024 * 1024)

struct _AugurPreviewEngine
{
  GObject             parent_instance;

  GThreadPool        *pool;
  guint               n_threads;
  struct Shared      *shared;

  guint64             generation;
  struct Request     *request;
  GPtrArray          *results;     /* AugurRenderResult or NULL, one per item */
  guint               n_pending;
  guint               finish_idle;
  GArray             *cached;      /* guint: items answered from the cache, announced from an idle */

  GHashTable         *cache;       /* CacheKey → CacheEntry */
  GQueue              lru;         /* CacheEntry, most recent first */
  gsize               cache_bytes;
  gsize               max_cache_bytes;
};

G_DEFINE_FINAL_TYPE (AugurPreviewEngine, augur_preview_engine, G_TYPE_OBJECT)

enum {
  SIGNAL_RESULT,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Results ---------------------------------------------------------------------------- */

static void
render_result_clear (AugurRenderResult *result)
{
  g_clear_pointer (&result->image, augur_image_unref);
  g_clear_pointer (&result->replay, augur_replay_free);
  g_clear_object (&result->texture);
  g_clear_pointer (&result->diff, augur_image_unref);
  g_clear_object (&result->diff_texture);
}

AugurRenderResult *
augur_render_result_ref (AugurRenderResult *result)
{
  return g_atomic_rc_box_acquire (result);
}

void
augur_render_result_unref (AugurRenderResult *result)
{
  if (result == NULL)
    return;
  g_atomic_rc_box_release_full (result, (GDestroyNotify) render_result_clear);
}

static gsize
image_bytes (const AugurImage *image)
{
  return image ? (gsize) image->stride * image->height : 0;
}

/* |augmented − original|, per channel; the original is brought to the
 * augmented image's size and channels first when a step changed them. */
static AugurImage *
difference_image (const AugurImage *original,
                  const AugurImage *augmented)
{
  g_autoptr(AugurImage) sized = NULL;
  g_autoptr(AugurImage) base = NULL;
  AugurImage *out = augur_image_new_like (augmented);
  int nc = augmented->channels;

  if (original->width != augmented->width || original->height != augmented->height)
    sized = augur_image_scale (original, augmented->width, augmented->height);
  else
    sized = augur_image_ref ((AugurImage *) original);
  base = sized->channels == nc ? augur_image_ref (sized) : augur_image_convert (sized, nc);

  for (int y = 0; y < out->height; y++)
    {
      const guint8 *a = augur_image_row (augmented, y);
      const guint8 *b = augur_image_row (base, y);
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < out->width * nc; x++)
        d[x] = (guint8) abs ((int) a[x] - (int) b[x]);
      if (nc == 4)
        for (int x = 0; x < out->width; x++)
          d[x * 4 + 3] = 255;
    }

  return out;
}

/* Shared state, requests, jobs -------------------------------------------------------- */

typedef struct Shared
{
  GWeakRef      engine;
  GMainContext *context;
  gint          n_rendered;
} Shared;

static void
shared_clear (Shared *shared)
{
  g_weak_ref_clear (&shared->engine);
  g_main_context_unref (shared->context);
}

static void
shared_unref (Shared *shared)
{
  g_atomic_rc_box_release_full (shared, (GDestroyNotify) shared_clear);
}

typedef struct Request
{
  guint64       generation;
  GCancellable *cancellable;
  AugurNode    *pipeline;
  guint64       hash;
  gboolean      diff;
  GArray       *items;  /* AugurRenderItem, images not referenced: for comparison only */
} Request;

static void
request_clear (Request *request)
{
  g_clear_object (&request->cancellable);
  g_clear_pointer (&request->pipeline, augur_node_free);
  g_clear_pointer (&request->items, g_array_unref);
}

static Request *
request_ref (Request *request)
{
  return g_atomic_rc_box_acquire (request);
}

static void
request_unref (Request *request)
{
  g_atomic_rc_box_release_full (request, (GDestroyNotify) request_clear);
}

typedef enum
{
  JOB_DRAW,
  JOB_TASK,
} JobKind;

typedef struct
{
  JobKind          kind;
  Shared          *shared;
  /* JOB_DRAW */
  Request         *request;
  guint            index;
  AugurImage      *image;
  guint64          seed;
  /* JOB_TASK */
  GTask           *task;
  GTaskThreadFunc  func;
} Job;

static void
job_free (Job *job)
{
  shared_unref (job->shared);
  g_clear_pointer (&job->request, request_unref);
  g_clear_pointer (&job->image, augur_image_unref);
  g_clear_object (&job->task);
  g_free (job);
}

typedef struct
{
  Shared            *shared;
  Request           *request;
  guint              index;
  AugurImage        *image;
  AugurRenderResult *result;
} Delivery;

static void
delivery_free (Delivery *delivery)
{
  shared_unref (delivery->shared);
  request_unref (delivery->request);
  augur_image_unref (delivery->image);
  augur_render_result_unref (delivery->result);
  g_free (delivery);
}

/* Cache ------------------------------------------------------------------------------- */

typedef struct
{
  gconstpointer image;
  guint64       hash;
  guint64       seed;
  gboolean      diff;
} CacheKey;

typedef struct
{
  CacheKey           key;
  AugurImage        *image;
  AugurRenderResult *result;
  gsize              bytes;
  GList              link;
} CacheEntry;

static guint
cache_key_hash (gconstpointer data)
{
  const CacheKey *key = data;
  guint64 h = key->hash ^ (key->seed * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  h ^= (guint64) (guintptr) key->image * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= (guint64) key->diff;
  return (guint) (h ^ (h >> 32));
}

static gboolean
cache_key_equal (gconstpointer a,
                 gconstpointer b)
{
  const CacheKey *x = a, *y = b;

  return x->image == y->image && x->hash == y->hash && x->seed == y->seed && x->diff == y->diff;
}

static void
cache_entry_free (CacheEntry *entry)
{
  augur_image_unref (entry->image);
  augur_render_result_unref (entry->result);
  g_free (entry);
}

static void
cache_evict (AugurPreviewEngine *self)
{
  /* Keep at least the entries of one full grid. */
  while (self->cache_bytes > self->max_cache_bytes && self->lru.length > 16)
    {
      CacheEntry *entry = g_queue_peek_tail (&self->lru);

      g_queue_unlink (&self->lru, &entry->link);
      self->cache_bytes -= entry->bytes;
      g_hash_table_remove (self->cache, &entry->key);
    }
}

static AugurRenderResult *
cache_lookup (AugurPreviewEngine *self,
              const CacheKey     *key)
{
  CacheEntry *entry = g_hash_table_lookup (self->cache, key);

  if (entry == NULL)
    return NULL;
  g_queue_unlink (&self->lru, &entry->link);
  g_queue_push_head_link (&self->lru, &entry->link);
  return entry->result;
}

static void
cache_insert (AugurPreviewEngine *self,
              AugurImage         *image,
              guint64             hash,
              AugurRenderResult  *result,
              gboolean            diff)
{
  CacheKey key = { image, hash, result->seed, diff };
  CacheEntry *entry;

  if (g_hash_table_contains (self->cache, &key))
    return;

  entry = g_new0 (CacheEntry, 1);
  entry->key = key;
  entry->image = augur_image_ref (image);
  entry->result = augur_render_result_ref (result);
  entry->bytes = image_bytes (result->image) + image_bytes (result->diff) + sizeof *entry;
  entry->link.data = entry;
  g_hash_table_insert (self->cache, &entry->key, entry);
  g_queue_push_head_link (&self->lru, &entry->link);
  self->cache_bytes += entry->bytes;
  cache_evict (self);
}

/* Main-thread side --------------------------------------------------------------------- */

static void
maybe_finish (AugurPreviewEngine *self)
{
  if (self->n_pending == 0 && self->request != NULL)
    g_signal_emit (self, signals[SIGNAL_FINISHED], 0, self->generation);
}

static gboolean
deliver (gpointer data)
{
  Delivery *delivery = data;
  g_autoptr(AugurPreviewEngine) self = g_weak_ref_get (&delivery->shared->engine);

  if (self == NULL)
    return G_SOURCE_REMOVE;

  /* A stale draw is still a right answer for its key: keep it. */
  cache_insert (self, delivery->image, delivery->request->hash, delivery->result,
                delivery->request->diff);

  if (delivery->request != self->request ||
      g_ptr_array_index (self->results, delivery->index) != NULL)
    return G_SOURCE_REMOVE;

  g_ptr_array_index (self->results, delivery->index) = augur_render_result_ref (delivery->result);
  self->n_pending--;
  g_signal_emit (self, signals[SIGNAL_RESULT], 0, delivery->index);
  maybe_finish (self);

  return G_SOURCE_REMOVE;
}

static gboolean
finish_cached (gpointer data)
{
  AugurPreviewEngine *self = data;
  g_autoptr(GArray) cached = g_steal_pointer (&self->cached);

  self->finish_idle = 0;
  self->cached = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < cached->len; i++)
    g_signal_emit (self, signals[SIGNAL_RESULT], 0, g_array_index (cached, guint, i));
  maybe_finish (self);
  return G_SOURCE_REMOVE;
}

/* Worker side ---------------------------------------------------------------------------- */

static void
post_to_main (Shared      *shared,
              GSourceFunc  func,
              gpointer     data,
              GDestroyNotify destroy)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "[augur] preview result");
  g_source_attach (source, shared->context);
}

static void
render_draw (Job *job)
{
  Request *request = job->request;
  AugurShape shape = { job->image->width, job->image->height, job->image->channels };
  AugurRenderResult *result;
  Delivery *delivery;

  if (g_cancellable_is_cancelled (request->cancellable))
    return;

  result = g_atomic_rc_box_new0 (AugurRenderResult);
  result->seed = job->seed;
  result->replay = augur_node_sample (request->pipeline, &shape, job->seed);
  result->image = augur_node_apply (request->pipeline, job->image, result->replay);
  result->texture = augur_texture_new_for_image (result->image);
  if (request->diff)
    {
      result->diff = difference_image (job->image, result->image);
      result->diff_texture = augur_texture_new_for_image (result->diff);
    }
  g_atomic_int_inc (&job->shared->n_rendered);

  delivery = g_new0 (Delivery, 1);
  delivery->shared = g_atomic_rc_box_acquire (job->shared);
  delivery->request = request_ref (request);
  delivery->index = job->index;
  delivery->image = augur_image_ref (job->image);
  delivery->result = result;
  post_to_main (job->shared, deliver, delivery, (GDestroyNotify) delivery_free);
}

static void
worker (gpointer data,
        gpointer user_data)
{
  Job *job = data;

  if (job->kind == JOB_DRAW)
    render_draw (job);
  else
    job->func (job->task, g_task_get_source_object (job->task),
               g_task_get_task_data (job->task), g_task_get_cancellable (job->task));

  job_free (job);
}

static void
push_job (AugurPreviewEngine *self,
          Job                *job)
{
  g_autoptr(GError) error = NULL;

  job->shared = g_atomic_rc_box_acquire (self->shared);
  if (!g_thread_pool_push (self->pool, job, &error))
    {
      /* No thread could be started: run it here rather than lose it. */
      g_warning ("Could not start a preview worker: %s", error->message);
      worker (job, NULL);
    }
}

/* Public API ------------------------------------------------------------------------------ */

AugurPreviewEngine *
augur_preview_engine_new (guint n_threads)
{
  AugurPreviewEngine *self = g_object_new (AUGUR_TYPE_PREVIEW_ENGINE, NULL);

  augur_preview_engine_set_threads (self, n_threads);
  return self;
}

/* 0 means one thread per processor. */
void
augur_preview_engine_set_threads (AugurPreviewEngine *self,
                                  guint               n_threads)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_ENGINE (self));

  if (n_threads == 0)
    n_threads = MAX (1, g_get_num_processors ());
  n_threads = MIN (n_threads, 64);
  if (n_threads == self->n_threads)
    return;
  self->n_threads = n_threads;
  if (self->pool != NULL)
    g_thread_pool_set_max_threads (self->pool, (int) n_threads, NULL);
}

guint
augur_preview_engine_get_threads (AugurPreviewEngine *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (self), 0);
  return self->n_threads;
}

void
augur_preview_engine_set_cache_limit (AugurPreviewEngine *self,
                                      gsize               max_bytes)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_ENGINE (self));
  self->max_cache_bytes = max_bytes;
  cache_evict (self);
}

/**
 * augur_preview_engine_cancel:
 *
 * Drops the current request: its queued work is skipped and its results
 * are not shown.
 */
void
augur_preview_engine_cancel (AugurPreviewEngine *self)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_ENGINE (self));

  self->generation++;
  if (self->request != NULL)
    g_cancellable_cancel (self->request->cancellable);
  g_clear_pointer (&self->request, request_unref);
  g_ptr_array_set_size (self->results, 0);
  g_array_set_size (self->cached, 0);
  self->n_pending = 0;
  g_clear_handle_id (&self->finish_idle, g_source_remove);
}

/**
 * augur_preview_engine_render:
 * @pipeline: copied
 * @items: (array length=n_items): the draws; images are referenced
 * @diff: also compute |augmented − original| for each draw
 *
 * Starts a request, cancelling the previous one. ::result is emitted for
 * each draw as it comes in (cached draws included, from an idle), and
 * ::finished once every draw of the request is in; never synchronously.
 *
 * Returns: the request's generation
 */
guint64
augur_preview_engine_render (AugurPreviewEngine    *self,
                             const AugurNode       *pipeline,
                             const AugurRenderItem *items,
                             guint                  n_items,
                             gboolean               diff)
{
  Request *request;
  guint64 hash;

  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (self), 0);
  g_return_val_if_fail (pipeline != NULL, 0);
  g_return_val_if_fail (n_items == 0 || items != NULL, 0);
  for (guint i = 0; i < n_items; i++)
    g_return_val_if_fail (items[i].image != NULL, 0);

  /* The same request still in progress: let it finish rather than start over. */
  hash = augur_node_hash (pipeline);
  if (self->request != NULL && self->n_pending > 0 && self->request->hash == hash &&
      self->request->diff == diff && self->request->items->len == n_items &&
      memcmp (self->request->items->data, items, n_items * sizeof *items) == 0 &&
      augur_node_equal (self->request->pipeline, pipeline))
    return self->generation;

  augur_preview_engine_cancel (self);

  request = g_atomic_rc_box_new0 (Request);
  request->generation = self->generation;
  request->cancellable = g_cancellable_new ();
  request->pipeline = augur_node_copy (pipeline);
  request->hash = hash;
  request->diff = diff;
  request->items = g_array_sized_new (FALSE, FALSE, sizeof (AugurRenderItem), n_items);
  g_array_append_vals (request->items, items, n_items);
  self->request = request;

  g_ptr_array_set_size (self->results, n_items);
  for (guint i = 0; i < n_items; i++)
    {
      CacheKey key = { items[i].image, request->hash, items[i].seed, diff };
      AugurRenderResult *cached = cache_lookup (self, &key);
      Job *job;

      if (cached != NULL)
        {
          g_ptr_array_index (self->results, i) = augur_render_result_ref (cached);
          g_array_append_val (self->cached, i);
          continue;
        }

      self->n_pending++;
      job = g_new0 (Job, 1);
      job->kind = JOB_DRAW;
      job->request = request_ref (request);
      job->index = i;
      job->image = augur_image_ref (items[i].image);
      job->seed = items[i].seed;
      push_job (self, job);
    }

  /* Cached draws are announced (and a request of cached draws only is
   * finished) from an idle, never from within this call. */
  if (self->cached->len > 0 || self->n_pending == 0)
    self->finish_idle = g_idle_add_full (G_PRIORITY_DEFAULT, finish_cached, self, NULL);

  return self->generation;
}

guint64
augur_preview_engine_get_generation (AugurPreviewEngine *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (self), 0);
  return self->generation;
}

guint
augur_preview_engine_get_n_items (AugurPreviewEngine *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (self), 0);
  return self->results->len;
}

/* Returns: (transfer none) (nullable): the draw @index of the current request, once in */
AugurRenderResult *
augur_preview_engine_get_result (AugurPreviewEngine *self,
                                 guint               index)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (self), NULL);
  if (index >= self->results->len)
    return NULL;
  return g_ptr_array_index (self->results, index);
}

gboolean
augur_preview_engine_is_complete (AugurPreviewEngine *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (self), FALSE);
  return self->request != NULL && self->n_pending == 0;
}

/* How many draws the workers have rendered so far (cache hits excluded). */
guint
augur_preview_engine_get_n_rendered (AugurPreviewEngine *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (self), 0);
  return (guint) g_atomic_int_get (&self->shared->n_rendered);
}

guint
augur_preview_engine_get_cache_size (AugurPreviewEngine *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (self), 0);
  return self->lru.length;
}

/**
 * augur_preview_engine_run_task:
 * @func: run on a worker; it must return @task's value
 *
 * Runs other work (a full-size draw, a filmstrip, extremes) on the same
 * worker pool. @task is completed in its own main context, as with
 * g_task_run_in_thread(); its cancellable is the caller's way to drop it.
 */
void
augur_preview_engine_run_task (AugurPreviewEngine *self,
                               GTask              *task,
                               GTaskThreadFunc     func)
{
  Job *job;

  g_return_if_fail (AUGUR_IS_PREVIEW_ENGINE (self));
  g_return_if_fail (G_IS_TASK (task));

  job = g_new0 (Job, 1);
  job->kind = JOB_TASK;
  job->task = g_object_ref (task);
  job->func = func;
  push_job (self, job);
}

/* GObject ------------------------------------------------------------------------------------ */

static void
augur_preview_engine_dispose (GObject *object)
{
  AugurPreviewEngine *self = AUGUR_PREVIEW_ENGINE (object);

  if (self->pool != NULL)
    {
      augur_preview_engine_cancel (self);
      /* Queued jobs still run (and return at once, cancelled); nobody waits. */
      g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, FALSE);
    }

  G_OBJECT_CLASS (augur_preview_engine_parent_class)->dispose (object);
}

static void
augur_preview_engine_finalize (GObject *object)
{
  AugurPreviewEngine *self = AUGUR_PREVIEW_ENGINE (object);

  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_pointer (&self->cached, g_array_unref);
  /* The queue's links live inside the entries the table frees. */
  g_queue_init (&self->lru);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->shared, shared_unref);

  G_OBJECT_CLASS (augur_preview_engine_parent_class)->finalize (object);
}

static void
augur_preview_engine_class_init (AugurPreviewEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = augur_preview_engine_dispose;
  object_class->finalize = augur_preview_engine_finalize;

  /**
   * AugurPreviewEngine::result:
   * @index: the item whose draw came in
   */
  signals[SIGNAL_RESULT] =
    g_signal_new ("result", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * AugurPreviewEngine::finished:
   * @generation: the request that is complete
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
}

static void
augur_preview_engine_init (AugurPreviewEngine *self)
{
  g_autoptr(GError) error = NULL;

  self->shared = g_atomic_rc_box_new0 (Shared);
  g_weak_ref_init (&self->shared->engine, self);
  self->shared->context = g_main_context_ref_thread_default ();

  self->n_threads = MAX (1, g_get_num_processors ());
  self->pool = g_thread_pool_new (worker, NULL, (int) self->n_threads, FALSE, &error);
  g_assert_no_error (error);

  self->results = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_render_result_unref);
  self->cached = g_array_new (FALSE, FALSE, sizeof (guint));
  self->cache = g_hash_table_new_full (cache_key_hash, cache_key_equal, NULL,
                                       (GDestroyNotify) cache_entry_free);
  g_queue_init (&self->lru);
  self->max_cache_bytes = DEFAULT_CACHE_BYTES;
}
