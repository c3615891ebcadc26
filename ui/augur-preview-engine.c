/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-ui"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "augur-preview-engine.h"
#include "augur-sample.h"
#include "augur-strips.h"

/*
 * The preview engine renders draws on a pool of worker threads and hands
 * them back to the main loop. Its invariant: a draw it delivers as full
 * (not reduced) is what augur-cli apply writes for the same file and seed,
 * brought down to the display size with augur_image_fit() and nothing else.
 *
 * - a request is a pipeline (copied: workers read it, nobody writes it),
 *   a list of items (a sample or an image, and a seed) and whether a
 *   difference image is wanted;
 * - each draw of a sample is rendered from the sample's full-resolution
 *   image (the shared decode cache of augur-sample.c); a quick pass on
 *   the sample's proxy comes first when the proxy is smaller, delivered as
 *   a reduced result and replaced by the full one;
 * - each request has a generation and a GCancellable: a new request (a
 *   slider drag) cancels the old one, so that queued work is skipped and
 *   work in progress stops before its next transform
 *   (augur_node_apply_cancellable()); results of an older generation are
 *   never shown;
 * - finished draws are kept in a cache keyed by (sample or image, pipeline
 *   hash, seed, difference, display size), bounded in bytes and evicted
 *   least recently used first. The cache holds a reference to each source,
 *   so that an address cannot be reused by another source while it is a key;
 * - images half-way through a draw are kept in a prefix cache: see
 *   "Prefixes" below;
 * - each transform step of a full-resolution draw is timed: see "Measured
 *   cost" below.
 */

#define DEFAULT_CACHE_BYTES ((gsize) 256 * 1024 * 1024)
#define DEFAULT_PREFIX_CACHE_BYTES ((gsize) 768 * 1024 * 1024)
/* Freed full-resolution buffers kept for the next draw's steps: four of a
 * 24-megapixel RGB image (see augur_image_set_recycle_limit()). */
#define RECYCLE_BYTES ((gsize) 320 * 1024 * 1024)

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

  int                 display_side;
  AugurNode          *last_pipeline; /* of the last request: where the next one differs */
  AugurReferencePool *references;    /* blends draw from it; NULL: none */
  guint64             references_serial;
  GHashTable         *step_costs;    /* "path#hash" → AugurStepCost */
};

G_DEFINE_FINAL_TYPE (AugurPreviewEngine, augur_preview_engine, G_TYPE_OBJECT)

enum {
  SIGNAL_RESULT,
  SIGNAL_FAILED,
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

/* |augmented − original| × AUGUR_DIFF_GAIN, per channel, saturated: a
 * colour shift of a few levels shows instead of reading as black. The
 * original is brought to the augmented image's size and channels first when
 * a step changed them. */
AugurImage *
augur_preview_difference (const AugurImage *original,
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
        d[x] = (guint8) MIN (255, AUGUR_DIFF_GAIN * abs ((int) a[x] - (int) b[x]));
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
  gint          prefix_hits;

  /* the prefix cache: workers use it, under the lock */
  GMutex        lock;
  GHashTable   *prefixes;    /* PrefixEntry → itself */
  GQueue        prefix_lru;  /* PrefixEntry, most recent first */
  gsize         prefix_bytes;
  gsize         max_prefix_bytes;
} Shared;

static void prefix_entry_free (gpointer data);

static void
shared_clear (Shared *shared)
{
  g_weak_ref_clear (&shared->engine);
  g_main_context_unref (shared->context);
  g_queue_init (&shared->prefix_lru);
  g_clear_pointer (&shared->prefixes, g_hash_table_unref);
  g_mutex_clear (&shared->lock);
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
  AugurReferencePool *references;
  guint64       hash;
  gboolean      diff;
  int           display_side;
  GArray       *items;  /* AugurRenderItem, not referenced: for comparison only */
  /* Prefixes: the hash of each of the root's children, and the first child
   * that differs from the last request's (G_MAXUINT: none) */
  guint64      *child_hashes;
  guint         checkpoint;
  /* Measured cost: transform node of @pipeline → StepTiming, under the lock */
  GMutex        timing_lock;
  GHashTable   *timings;
} Request;

static void
request_clear (Request *request)
{
  g_clear_object (&request->cancellable);
  g_clear_pointer (&request->pipeline, augur_node_free);
  g_clear_pointer (&request->references, augur_reference_pool_unref);
  g_clear_pointer (&request->items, g_array_unref);
  g_clear_pointer (&request->child_hashes, g_free);
  g_clear_pointer (&request->timings, g_hash_table_unref);
  g_mutex_clear (&request->timing_lock);
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
  AugurImage      *image;      /* the source, or the proxy of a reduced pass */
  AugurSample     *sample;     /* NULL: draw from @image */
  guint64          seed;
  gboolean         reduced;
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
  g_clear_object (&job->sample);
  g_clear_object (&job->task);
  g_free (job);
}

typedef struct
{
  Shared            *shared;
  Request           *request;
  guint              index;
  AugurSample       *sample;   /* the item's sample, or */
  AugurImage        *image;    /* its image */
  AugurRenderResult *result;   /* NULL: the draw failed */
  char              *error;
} Delivery;

static void
delivery_free (Delivery *delivery)
{
  shared_unref (delivery->shared);
  request_unref (delivery->request);
  g_clear_object (&delivery->sample);
  g_clear_pointer (&delivery->image, augur_image_unref);
  augur_render_result_unref (delivery->result);
  g_free (delivery->error);
  g_free (delivery);
}

/* Cache ------------------------------------------------------------------------------- */

typedef struct
{
  gconstpointer source;  /* an AugurSample or an AugurImage */
  guint64       hash;
  guint64       seed;
  gboolean      diff;
  int           display_side;
} CacheKey;

typedef struct
{
  CacheKey           key;
  AugurSample       *sample;  /* the source, held: */
  AugurImage        *image;   /* one of the two */
  AugurRenderResult *result;
  gsize              bytes;
  GList              link;
} CacheEntry;

static guint
cache_key_hash (gconstpointer data)
{
  const CacheKey *key = data;
  guint64 h = key->hash ^ (key->seed * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  h ^= (guint64) (guintptr) key->source * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= (guint64) key->diff ^ ((guint64) key->display_side << 1);
  return (guint) (h ^ (h >> 32));
}

static gboolean
cache_key_equal (gconstpointer a,
                 gconstpointer b)
{
  const CacheKey *x = a, *y = b;

  return x->source == y->source && x->hash == y->hash && x->seed == y->seed &&
         x->diff == y->diff && x->display_side == y->display_side;
}

static void
cache_entry_free (CacheEntry *entry)
{
  g_clear_object (&entry->sample);
  g_clear_pointer (&entry->image, augur_image_unref);
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
              const Request      *request,
              AugurSample        *sample,
              AugurImage         *image,
              AugurRenderResult  *result)
{
  gconstpointer source = sample ? (gconstpointer) sample : (gconstpointer) image;
  CacheKey key = { source, request->hash, result->seed, request->diff, request->display_side };
  CacheEntry *entry;

  if (g_hash_table_contains (self->cache, &key))
    return;

  entry = g_new0 (CacheEntry, 1);
  entry->key = key;
  entry->sample = sample ? g_object_ref (sample) : NULL;
  entry->image = sample ? NULL : augur_image_ref (image);
  entry->result = augur_render_result_ref (result);
  entry->bytes = image_bytes (result->image) + image_bytes (result->diff) + sizeof *entry;
  entry->link.data = entry;
  g_hash_table_insert (self->cache, &entry->key, entry);
  g_queue_push_head_link (&self->lru, &entry->link);
  self->cache_bytes += entry->bytes;
  cache_evict (self);
}

/* Measured cost ------------------------------------------------------------------------

 * What each step costs on the samples shown, at full resolution: every
 * transform that applies in a full draw is timed (the observer of
 * augur_node_apply_full(), as augur-cli bench times steps), summed per step
 * over the request's draws, and once the request is complete its average
 * per application replaces what was known of that step. A step is known by
 * its path in the tree ("2.0") and the hash of its settings in the
 * pipeline the caller gave, so that an edited step is measured anew and
 * the others keep their figures (a draw from the caches runs nothing). */

typedef struct
{
  char    *path;
  guint64  hash;
  gint64   ns;
  guint    applied;
  gint64   pixels;   /* summed over applications: what it was measured on */
} StepTiming;

static void
step_timing_free (StepTiming *timing)
{
  g_free (timing->path);
  g_free (timing);
}

static char *
step_cost_key (const char *path,
               guint64     hash)
{
  return g_strdup_printf ("%s#%016" G_GINT64_MODIFIER "x", path, hash);
}

/* Fills @timings for the transforms of @node (of the request's copy), keyed
 * by the settings of @given, the same place in the caller's pipeline. */
static void
collect_steps (const AugurNode *node,
               const AugurNode *given,
               const char      *path,
               GHashTable      *timings)
{
  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      StepTiming *timing = g_new0 (StepTiming, 1);

      timing->path = g_strdup (path);
      timing->hash = augur_node_hash (given);
      g_hash_table_insert (timings, (gpointer) node, timing);
      return;
    }
  for (guint i = 0; i < node->children->len; i++)
    {
      g_autofree char *child = *path ? g_strdup_printf ("%s.%u", path, i) : g_strdup_printf ("%u", i);

      collect_steps (node->children->pdata[i], given->children->pdata[i], child, timings);
    }
}

typedef struct
{
  Request *request;
  gint64   pixels;
} Timed;

static void
on_step_timed (const AugurNode *node,
               gint64           elapsed_ns,
               gpointer         user_data)
{
  Timed *timed = user_data;
  StepTiming *timing;

  g_mutex_lock (&timed->request->timing_lock);
  timing = g_hash_table_lookup (timed->request->timings, node);
  if (timing != NULL)
    {
      timing->ns += elapsed_ns;
      timing->applied++;
      timing->pixels += timed->pixels;
    }
  g_mutex_unlock (&timed->request->timing_lock);
}

/* On the main thread, once every full draw of @request is in. */
static void
merge_timings (AugurPreviewEngine *self,
               Request            *request)
{
  GHashTableIter iter;
  StepTiming *timing;

  g_mutex_lock (&request->timing_lock);
  g_hash_table_iter_init (&iter, request->timings);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &timing))
    if (timing->applied > 0)
      {
        AugurStepCost *cost = g_new0 (AugurStepCost, 1);

        cost->ms = timing->ns / 1e6 / timing->applied;
        cost->applied = timing->applied;
        cost->megapixels = timing->pixels / 1e6 / timing->applied;
        g_hash_table_replace (self->step_costs, step_cost_key (timing->path, timing->hash), cost);
      }
  g_mutex_unlock (&request->timing_lock);
}

/**
 * augur_preview_engine_get_step_cost:
 * @path: the step's place in the pipeline ("2.0": child 0 of the root's child 2)
 * @step: the step, as in the pipeline given to augur_preview_engine_render()
 * @cost: (out): what it took
 *
 * What the step @step at @path took per application, measured in the
 * full-resolution draws of the requests made so far, with these settings.
 *
 * Returns: %FALSE when it has not been measured (it has not applied in a
 *   full draw since its settings changed)
 */
gboolean
augur_preview_engine_get_step_cost (AugurPreviewEngine *self,
                                    const char         *path,
                                    const AugurNode    *step,
                                    AugurStepCost      *cost)
{
  g_autofree char *key = NULL;
  AugurStepCost *known;

  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (self), FALSE);
  g_return_val_if_fail (path != NULL && step != NULL && cost != NULL, FALSE);

  key = step_cost_key (path, augur_node_hash (step));
  known = g_hash_table_lookup (self->step_costs, key);
  if (known == NULL)
    return FALSE;
  *cost = *known;
  return TRUE;
}

/* Main-thread side --------------------------------------------------------------------- */

static void
maybe_finish (AugurPreviewEngine *self)
{
  if (self->n_pending == 0 && self->request != NULL)
    {
      merge_timings (self, self->request);
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0, self->generation);
    }
}

static gboolean
deliver (gpointer data)
{
  Delivery *delivery = data;
  g_autoptr(AugurPreviewEngine) self = g_weak_ref_get (&delivery->shared->engine);
  AugurRenderResult *shown;

  if (self == NULL)
    return G_SOURCE_REMOVE;

  /* A stale draw is still a right answer for its key: keep it (a reduced
   * one is not the answer). */
  if (delivery->result != NULL && !delivery->result->reduced)
    cache_insert (self, delivery->request, delivery->sample, delivery->image, delivery->result);

  if (delivery->request != self->request)
    return G_SOURCE_REMOVE;
  shown = g_ptr_array_index (self->results, delivery->index);

  if (delivery->result == NULL)
    {
      /* The full draw failed (its file could not be read again): what is
       * shown stays, the views are told, and the request can still finish. */
      self->n_pending--;
      g_signal_emit (self, signals[SIGNAL_FAILED], 0, delivery->index, delivery->error);
      maybe_finish (self);
      return G_SOURCE_REMOVE;
    }

  /* A reduced pass never replaces anything: it only fills an empty cell. */
  if (delivery->result->reduced ? shown != NULL : shown != NULL && !shown->reduced)
    return G_SOURCE_REMOVE;

  g_clear_pointer (&g_ptr_array_index (self->results, delivery->index), augur_render_result_unref);
  g_ptr_array_index (self->results, delivery->index) = augur_render_result_ref (delivery->result);
  if (!delivery->result->reduced)
    self->n_pending--;
  g_signal_emit (self, signals[SIGNAL_RESULT], 0, delivery->index);
  if (!delivery->result->reduced)
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

/* Prefixes -------------------------------------------------------------------------------

 * Most edits change one step. With a stream per node, what a step draws
 * depends only on the draw seed, its id and its settings (and the image it
 * is given), so the image after the first m steps that applied is the same
 * for every pipeline whose first m applied steps are the same nodes. A
 * worker therefore starts a full-resolution draw from the longest prefix it
 * finds in this cache, keyed by (sample file, seed, the hashes of the
 * applied top-level steps so far); and it stores the image that goes into
 * the first step at or after the request's checkpoint: the first top-level
 * step that differs from the previous request, which is the step a slider
 * drag keeps changing. Only for a Sequential root (the root of every
 * recipe) and for samples (a file path names them for good).
 */

typedef struct
{
  char       *source;
  guint64     seed;
  guint64     hash;
  guint       n_steps;
  AugurImage *image;
  gsize       bytes;
  GList       link;
} PrefixEntry;

static guint
prefix_entry_hash (gconstpointer data)
{
  const PrefixEntry *e = data;
  guint64 h = e->hash ^ (e->seed * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)) ^ e->n_steps;

  return g_str_hash (e->source) ^ (guint) (h ^ (h >> 32));
}

static gboolean
prefix_entry_equal (gconstpointer a,
                    gconstpointer b)
{
  const PrefixEntry *x = a, *y = b;

  return x->seed == y->seed && x->hash == y->hash && x->n_steps == y->n_steps &&
         g_str_equal (x->source, y->source);
}

static void
prefix_entry_free (gpointer data)
{
  PrefixEntry *e = data;

  g_free (e->source);
  g_clear_pointer (&e->image, augur_image_unref);
  g_free (e);
}

static guint64
prefix_mix (guint64 h,
            guint64 v)
{
  h ^= v + G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
  return h * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
}

/* Called with the lock held. */
static void
prefix_evict_locked (Shared *shared)
{
  while (shared->prefix_bytes > shared->max_prefix_bytes && shared->prefix_lru.length > 0)
    {
      PrefixEntry *e = g_queue_peek_tail (&shared->prefix_lru);

      g_queue_unlink (&shared->prefix_lru, &e->link);
      shared->prefix_bytes -= e->bytes;
      g_hash_table_remove (shared->prefixes, e);
    }
}

/* Returns: (transfer full) (nullable): the cached image after @n_steps */
static AugurImage *
prefix_lookup (Shared     *shared,
               const char *source,
               guint64     seed,
               guint64     hash,
               guint       n_steps)
{
  PrefixEntry key = { (char *) source, seed, hash, n_steps, NULL, 0, { 0 } };
  AugurImage *image = NULL;
  PrefixEntry *e;

  g_mutex_lock (&shared->lock);
  e = g_hash_table_lookup (shared->prefixes, &key);
  if (e != NULL)
    {
      g_queue_unlink (&shared->prefix_lru, &e->link);
      g_queue_push_head_link (&shared->prefix_lru, &e->link);
      image = augur_image_ref (e->image);
    }
  g_mutex_unlock (&shared->lock);
  return image;
}

static void
prefix_store (Shared     *shared,
              const char *source,
              guint64     seed,
              guint64     hash,
              guint       n_steps,
              AugurImage *image)
{
  PrefixEntry *e = g_new0 (PrefixEntry, 1);

  e->source = g_strdup (source);
  e->seed = seed;
  e->hash = hash;
  e->n_steps = n_steps;
  e->image = augur_image_ref (image);
  e->bytes = (gsize) image->stride * image->height + sizeof *e;
  e->link.data = e;

  g_mutex_lock (&shared->lock);
  if (e->bytes > shared->max_prefix_bytes || g_hash_table_contains (shared->prefixes, e))
    {
      g_mutex_unlock (&shared->lock);
      prefix_entry_free (e);
      return;
    }
  g_hash_table_add (shared->prefixes, e);
  g_queue_push_head_link (&shared->prefix_lru, &e->link);
  shared->prefix_bytes += e->bytes;
  prefix_evict_locked (shared);
  g_mutex_unlock (&shared->lock);
}

/* @node (the request's pipeline or one of its parts) applied to @src, each
 * transform timed for the measured cost, as a step of a draw of @sample;
 * cancelled between the strips of a step (augur-strips.c), and then NULL. */
static AugurImage *
apply_timed (Job               *job,
             const AugurNode   *node,
             const AugurImage  *src,
             const AugurReplay *replay,
             const AugurImage  *sample,
             GError           **error)
{
  Request *request = job->request;
  Timed timed = { request, (gint64) sample->width * sample->height };
  AugurImage *out;

  if (g_cancellable_set_error_if_cancelled (request->cancellable, error))
    return NULL;
  augur_strips_push_cancellable (request->cancellable);
  out = augur_node_apply_full (node, src, replay, request->references, on_step_timed, &timed, error);
  augur_strips_pop_cancellable ();
  if (out != NULL && g_cancellable_set_error_if_cancelled (request->cancellable, error))
    g_clear_pointer (&out, augur_image_unref);
  return out;
}

/* The full-resolution draw of @src under @replay: augur_node_apply() on the
 * request's pipeline, by way of the prefix cache when it can. NULL when
 * cancelled. */
static AugurImage *
apply_with_prefixes (Job               *job,
                     const AugurImage  *src,
                     const AugurReplay *replay,
                     GError           **error)
{
  Request *request = job->request;
  const AugurNode *root = request->pipeline;
  const char *source = job->sample ? augur_sample_get_path (job->sample) : NULL;
  g_autofree guint64 *hashes = NULL;
  g_autoptr(AugurImage) image = NULL;
  guint n, start = 0;
  gboolean stored = FALSE;

  if (source == NULL || root->kind != AUGUR_NODE_SEQUENTIAL || !replay->applied ||
      replay->steps == NULL || replay->steps->len == 0)
    return apply_timed (job, root, src, replay, src, error);

  /* hashes[m]: the first m applied steps */
  n = replay->steps->len;
  hashes = g_new0 (guint64, n + 1);
  for (guint m = 0; m < n; m++)
    {
      const AugurReplay *step = replay->steps->pdata[m];

      hashes[m + 1] = prefix_mix (hashes[m], request->child_hashes[step->index]);
    }

  for (guint m = n - 1; m > 0 && image == NULL; m--)
    if ((image = prefix_lookup (job->shared, source, job->seed, hashes[m], m)) != NULL)
      {
        start = m;
        g_atomic_int_inc (&job->shared->prefix_hits);
      }
  if (image == NULL)
    image = augur_image_ref ((AugurImage *) src);

  for (guint m = start; m < n; m++)
    {
      const AugurReplay *step = replay->steps->pdata[m];
      AugurImage *next;

      if (!stored && m > start && (guint) step->index >= request->checkpoint)
        {
          prefix_store (job->shared, source, job->seed, hashes[m], m, image);
          stored = TRUE;
        }
      next = apply_timed (job, root->children->pdata[step->index], image, step, src, error);
      if (next == NULL)
        return NULL;
      g_clear_pointer (&image, augur_image_unref);
      image = next;
    }
  return g_steal_pointer (&image);
}

/* Workers ------------------------------------------------------------------------------------- */

static void
deliver_later (Job               *job,
               AugurRenderResult *result,
               const char        *error)
{
  Delivery *delivery = g_new0 (Delivery, 1);

  delivery->shared = g_atomic_rc_box_acquire (job->shared);
  delivery->request = request_ref (job->request);
  delivery->index = job->index;
  delivery->sample = job->sample ? g_object_ref (job->sample) : NULL;
  delivery->image = job->sample ? NULL : augur_image_ref (job->image);
  delivery->result = result;
  delivery->error = g_strdup (error);
  post_to_main (job->shared, deliver, delivery, (GDestroyNotify) delivery_free);
}

static void
render_draw (Job *job)
{
  Request *request = job->request;
  g_autoptr(AugurImage) src = NULL;
  g_autoptr(AugurImage) drawn = NULL;
  g_autoptr(GError) error = NULL;
  AugurRenderResult *result;
  AugurShape shape;

  if (g_cancellable_is_cancelled (request->cancellable))
    return;

  if (job->sample != NULL && !job->reduced)
    src = augur_sample_load_full (job->sample, request->cancellable, &error);
  else
    src = augur_image_ref (job->image);
  if (src == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        deliver_later (job, NULL, error->message);
      return;
    }

  result = g_atomic_rc_box_new0 (AugurRenderResult);
  result->seed = job->seed;
  result->reduced = job->reduced;
  shape = (AugurShape) { src->width, src->height, src->channels };
  result->replay = augur_node_sample_full (request->pipeline, &shape, job->seed, FALSE,
                                           request->references, &error);
  if (result->replay == NULL)
    drawn = NULL;
  else if (job->reduced)
    drawn = augur_node_apply_full_cancellable (request->pipeline, src, result->replay,
                                               request->references, request->cancellable, &error);
  else
    drawn = apply_with_prefixes (job, src, result->replay, &error);
  if (drawn == NULL)
    {
      augur_render_result_unref (result);
      /* A blend without references (or one that cannot be read) is the
       * recipe's error, not the sample's: the views say so. A reduced pass
       * leaves it to the full one. */
      if (!job->reduced && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        deliver_later (job, NULL, error->message);
      return;
    }

  result->full_width = drawn->width;
  result->full_height = drawn->height;
  result->image = augur_image_fit (drawn, request->display_side);
  result->texture = augur_texture_new_for_image (result->image);
  if (request->diff)
    {
      g_autoptr(AugurImage) diff = augur_preview_difference (src, drawn);

      result->diff = augur_image_fit (diff, request->display_side);
      result->diff_texture = augur_texture_new_for_image (result->diff);
    }
  if (!job->reduced)
    g_atomic_int_inc (&job->shared->n_rendered);

  deliver_later (job, result, NULL);
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

/* A node's hash for the caches: with the reference pool's serial mixed in
 * when it holds a blend, so that a new pool redraws blends and only them. */
static guint64
references_hash (AugurPreviewEngine *self,
                 const AugurNode    *node)
{
  guint64 hash = augur_node_hash (node);

  if (augur_node_has_blends (node))
    hash = prefix_mix (hash, self->references_serial);
  return hash;
}

/* The same draws: the same seeds of the same samples (whatever their proxy)
 * or images. */
static gboolean
items_equal (const AugurRenderItem *a,
             guint                  n_a,
             const AugurRenderItem *b,
             guint                  n_b)
{
  if (n_a != n_b)
    return FALSE;
  for (guint i = 0; i < n_a; i++)
    if (a[i].seed != b[i].seed || a[i].sample != b[i].sample ||
        (a[i].sample == NULL && a[i].image != b[i].image))
      return FALSE;
  return TRUE;
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
 * @items: (array length=n_items): the draws; images and samples are referenced
 * @diff: also compute |augmented − original| for each draw
 *
 * Starts a request, cancelling the previous one. ::result is emitted for
 * each draw as it comes in (cached draws included, from an idle; a reduced
 * quick pass first, then the full draw that replaces it), and ::finished
 * once every full draw of the request is in; never synchronously.
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
  g_autoptr(GPtrArray) full_jobs = NULL;

  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (self), 0);
  g_return_val_if_fail (pipeline != NULL, 0);
  g_return_val_if_fail (n_items == 0 || items != NULL, 0);
  for (guint i = 0; i < n_items; i++)
    g_return_val_if_fail (items[i].image != NULL || items[i].sample != NULL, 0);

  /* The same request still in progress: let it finish rather than start
   * over (a sample's new proxy, once its full decode is in, only serves
   * quick passes: the full draws in flight stay right). */
  hash = references_hash (self, pipeline);
  if (self->request != NULL && self->n_pending > 0 && self->request->hash == hash &&
      self->request->diff == diff && self->request->display_side == self->display_side &&
      items_equal ((const AugurRenderItem *) self->request->items->data, self->request->items->len,
                   items, n_items) &&
      augur_node_equal (self->request->pipeline, pipeline))
    return self->generation;

  augur_preview_engine_cancel (self);

  request = g_atomic_rc_box_new0 (Request);
  request->generation = self->generation;
  request->cancellable = g_cancellable_new ();
  request->pipeline = augur_node_copy (pipeline);
  request->references = self->references ? augur_reference_pool_ref (self->references) : NULL;
  /* named as the sampler would name them, so that prefixes are keyed by
   * the ids the streams use */
  if (!augur_node_has_ids (request->pipeline))
    augur_node_ensure_ids (request->pipeline);
  request->hash = hash;
  request->diff = diff;
  request->display_side = self->display_side;
  request->items = g_array_sized_new (FALSE, FALSE, sizeof (AugurRenderItem), n_items);
  g_array_append_vals (request->items, items, n_items);
  request->checkpoint = G_MAXUINT;
  g_mutex_init (&request->timing_lock);
  request->timings = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) step_timing_free);
  collect_steps (request->pipeline, pipeline, "", request->timings);
  if (request->pipeline->kind != AUGUR_NODE_TRANSFORM)
    {
      GPtrArray *children = request->pipeline->children;

      request->child_hashes = g_new0 (guint64, MAX (children->len, 1));
      for (guint i = 0; i < children->len; i++)
        request->child_hashes[i] = references_hash (self, children->pdata[i]);
      if (self->last_pipeline != NULL && self->last_pipeline->kind == request->pipeline->kind &&
          !augur_node_equal (self->last_pipeline, request->pipeline))
        {
          GPtrArray *before = self->last_pipeline->children;
          guint i = 0;

          while (i < children->len && i < before->len &&
                 augur_node_equal (children->pdata[i], before->pdata[i]))
            i++;
          request->checkpoint = i;
        }
    }
  g_clear_pointer (&self->last_pipeline, augur_node_free);
  self->last_pipeline = augur_node_copy (request->pipeline);
  self->request = request;

  /* Quick passes first, for every draw, then the full ones. */
  full_jobs = g_ptr_array_new ();
  g_ptr_array_set_size (self->results, n_items);
  for (guint i = 0; i < n_items; i++)
    {
      gpointer source = items[i].sample ? (gpointer) items[i].sample : (gpointer) items[i].image;
      CacheKey key = { source, request->hash, items[i].seed, diff, request->display_side };
      AugurRenderResult *cached = cache_lookup (self, &key);
      Job *job;

      if (cached != NULL)
        {
          g_ptr_array_index (self->results, i) = augur_render_result_ref (cached);
          g_array_append_val (self->cached, i);
          continue;
        }

      if (items[i].sample != NULL && items[i].image != NULL &&
          (items[i].image->width < augur_sample_get_width (items[i].sample) ||
           items[i].image->height < augur_sample_get_height (items[i].sample)))
        {
          job = g_new0 (Job, 1);
          job->kind = JOB_DRAW;
          job->request = request_ref (request);
          job->index = i;
          job->image = augur_image_ref (items[i].image);
          job->seed = items[i].seed;
          job->reduced = TRUE;
          push_job (self, job);
        }

      self->n_pending++;
      job = g_new0 (Job, 1);
      job->kind = JOB_DRAW;
      job->request = request_ref (request);
      job->index = i;
      job->image = items[i].image ? augur_image_ref (items[i].image) : NULL;
      job->sample = items[i].sample ? g_object_ref (items[i].sample) : NULL;
      job->seed = items[i].seed;
      g_ptr_array_add (full_jobs, job);
    }
  for (guint i = 0; i < full_jobs->len; i++)
    push_job (self, full_jobs->pdata[i]);

  /* Cached draws are announced (and a request of cached draws only is
   * finished) from an idle, never from within this call. */
  if (self->cached->len > 0 || self->n_pending == 0)
    self->finish_idle = g_idle_add_full (G_PRIORITY_DEFAULT, finish_cached, self, NULL);

  return self->generation;
}

/**
 * augur_preview_engine_set_references:
 * @pool: (nullable): where blends (MixUp, Mosaic...) draw their references;
 *   NULL or empty: a pipeline with an enabled blend fails, naming it
 *
 * Applies from the next request on; draws of pipelines with blends made
 * with another pool are not taken from the cache.
 */
void
augur_preview_engine_set_references (AugurPreviewEngine *self,
                                     AugurReferencePool *pool)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_ENGINE (self));

  if (pool == self->references)
    return;
  g_clear_pointer (&self->references, augur_reference_pool_unref);
  self->references = pool ? augur_reference_pool_ref (pool) : NULL;
  self->references_serial++;
}

AugurReferencePool *
augur_preview_engine_get_references (AugurPreviewEngine *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (self), NULL);
  return self->references;
}

/**
 * augur_preview_engine_set_display_size:
 * @max_side: the longest side of the images results carry; 0 or less keeps
 *   them at full resolution
 *
 * Applies from the next request on.
 */
void
augur_preview_engine_set_display_size (AugurPreviewEngine *self,
                                       int                 max_side)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_ENGINE (self));
  self->display_side = MAX (max_side, 0);
}

int
augur_preview_engine_get_display_size (AugurPreviewEngine *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (self), 0);
  return self->display_side;
}

/* How many bytes of half-way images the prefix cache may keep. */
void
augur_preview_engine_set_prefix_cache_limit (AugurPreviewEngine *self,
                                             gsize               max_bytes)
{
  g_return_if_fail (AUGUR_IS_PREVIEW_ENGINE (self));

  g_mutex_lock (&self->shared->lock);
  self->shared->max_prefix_bytes = max_bytes;
  prefix_evict_locked (self->shared);
  g_mutex_unlock (&self->shared->lock);
}

/* How many full-resolution draws started from a cached prefix. */
guint
augur_preview_engine_get_prefix_hits (AugurPreviewEngine *self)
{
  g_return_val_if_fail (AUGUR_IS_PREVIEW_ENGINE (self), 0);
  return (guint) g_atomic_int_get (&self->shared->prefix_hits);
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

/* Returns: (transfer none) (nullable): the draw @index of the current
 * request, once in: the full draw, or until it comes the reduced one */
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
  g_clear_pointer (&self->last_pipeline, augur_node_free);
  g_clear_pointer (&self->references, augur_reference_pool_unref);
  g_clear_pointer (&self->step_costs, g_hash_table_unref);
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
   * AugurPreviewEngine::failed:
   * @index: the item whose full-resolution draw could not be made
   * @message: why (its file could not be decoded again)
   */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);

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

  augur_image_set_recycle_limit (RECYCLE_BYTES);
  /* an open must not wait for the kernel to compact memory */
  augur_image_set_huge_pages (FALSE);
  self->shared = g_atomic_rc_box_new0 (Shared);
  g_weak_ref_init (&self->shared->engine, self);
  self->shared->context = g_main_context_ref_thread_default ();
  g_mutex_init (&self->shared->lock);
  self->shared->prefixes = g_hash_table_new_full (prefix_entry_hash, prefix_entry_equal,
                                                  prefix_entry_free, NULL);
  g_queue_init (&self->shared->prefix_lru);
  self->shared->max_prefix_bytes = DEFAULT_PREFIX_CACHE_BYTES;

  self->n_threads = MAX (1, g_get_num_processors ());
  self->pool = g_thread_pool_new (worker, NULL, (int) self->n_threads, FALSE, &error);
  g_assert_no_error (error);

  self->results = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_render_result_unref);
  self->cached = g_array_new (FALSE, FALSE, sizeof (guint));
  self->cache = g_hash_table_new_full (cache_key_hash, cache_key_equal, NULL,
                                       (GDestroyNotify) cache_entry_free);
  g_queue_init (&self->lru);
  self->max_cache_bytes = DEFAULT_CACHE_BYTES;
  self->step_costs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
