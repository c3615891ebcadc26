/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-ui"

#include "config.h"

#include <math.h>

#include "augur-sample.h"

struct _AugurSample
{
  GObject      parent_instance;

  GFile       *file;
  char        *name;
  char        *path;     /* NULL for a file that is not local */
  AugurImage  *proxy;
  GdkTexture  *proxy_texture;
  GdkTexture  *thumbnail;
  char        *error;
  int          max_side;
  int          width;    /* of the full image */
  int          height;
  guint        load_serial;
  guint        n_loading;
};

G_DEFINE_FINAL_TYPE (AugurSample, augur_sample, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_NAME,
  PROP_LOADED,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * augur_texture_new_for_image:
 *
 * Wraps @image's pixels without copying them (gray is expanded to RGB).
 * Safe to call on any thread.
 *
 * Returns: (transfer full): a texture
 */
GdkTexture *
augur_texture_new_for_image (const AugurImage *image)
{
  g_autoptr(AugurImage) shown = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GdkMemoryFormat format;

  g_return_val_if_fail (image != NULL, NULL);

  if (image->channels == 1)
    shown = augur_image_convert (image, 3);
  else
    shown = augur_image_ref ((AugurImage *) image);

  format = shown->channels == 4 ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8;
  bytes = g_bytes_new_with_free_func (shown->data, (gsize) shown->stride * shown->height,
                                      (GDestroyNotify) augur_image_unref,
                                      augur_image_ref (shown));

  return gdk_memory_texture_new (shown->width, shown->height, format, bytes, shown->stride);
}

/* Decoding: one small pool and one cache for every sample ------------------------

 * A folder of 100-megapixel images must not be decoded all at once: every
 * decode, for a proxy or for a full-resolution draw, goes through
 * decode_full(), which lets at most MAX_DECODES run at the same time, makes
 * a second request for a file being decoded wait for the first, and keeps
 * the decoded images in a cache bounded in bytes (least recently used out
 * first). Proxy loads run on their own pool of MAX_DECODES threads, so
 * adding many samples queues them instead of starting a thread each. */

#define MAX_DECODES 2
#define DEFAULT_DECODE_CACHE_BYTES ((gsize) 768 * 1024 * 1024)

typedef struct
{
  char       *path;
  AugurImage *image;     /* NULL while decoding */
  gsize       bytes;
  GList       link;
} DecodeEntry;

static struct
{
  GMutex       lock;
  GCond        changed;
  GHashTable  *entries;  /* path → DecodeEntry */
  GQueue       lru;      /* decoded entries, most recent first */
  gsize        bytes;
  gsize        max_bytes;
  guint        n_decoding;
  guint        n_decodes;  /* decodes started since the process began */
  guint64      n_queued;   /* loads queued on the pool, for its order */
  GThreadPool *pool;
} decoder;

static void
decode_entry_free (DecodeEntry *entry)
{
  g_free (entry->path);
  g_clear_pointer (&entry->image, augur_image_unref);
  g_free (entry);
}

/* Called with the lock held. */
static void
decoder_init_locked (void)
{
  if (decoder.entries != NULL)
    return;
  decoder.entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) decode_entry_free);
  g_queue_init (&decoder.lru);
  if (decoder.max_bytes == 0)
    decoder.max_bytes = DEFAULT_DECODE_CACHE_BYTES;
}

/* Called with the lock held. The newest image always stays: a cache smaller
 * than one image still serves the draws of the current sample. */
static void
decoder_evict_locked (void)
{
  while (decoder.bytes > decoder.max_bytes && decoder.lru.length > 1)
    {
      DecodeEntry *entry = g_queue_peek_tail (&decoder.lru);

      g_queue_unlink (&decoder.lru, &entry->link);
      decoder.bytes -= entry->bytes;
      g_hash_table_remove (decoder.entries, entry->path);
    }
}

static AugurImage *
decode_full (const char    *path,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(AugurImage) image = NULL;
  g_autoptr(GError) local_error = NULL;
  DecodeEntry *entry;

  g_mutex_lock (&decoder.lock);
  decoder_init_locked ();
  for (;;)
    {
      entry = g_hash_table_lookup (decoder.entries, path);
      if (entry != NULL && entry->image != NULL)
        {
          g_queue_unlink (&decoder.lru, &entry->link);
          g_queue_push_head_link (&decoder.lru, &entry->link);
          image = augur_image_ref (entry->image);
          g_mutex_unlock (&decoder.lock);
          return g_steal_pointer (&image);
        }
      if (entry == NULL && decoder.n_decoding < MAX_DECODES)
        break;
      /* Someone decodes this file, or the pool is busy: wait, and look
       * again at the cancellable now and then. */
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_mutex_unlock (&decoder.lock);
          g_cancellable_set_error_if_cancelled (cancellable, error);
          return NULL;
        }
      g_cond_wait_until (&decoder.changed, &decoder.lock,
                         g_get_monotonic_time () + G_TIME_SPAN_MILLISECOND * 50);
    }

  entry = g_new0 (DecodeEntry, 1);
  entry->path = g_strdup (path);
  entry->link.data = entry;
  g_hash_table_insert (decoder.entries, entry->path, entry);
  decoder.n_decoding++;
  decoder.n_decodes++;
  g_mutex_unlock (&decoder.lock);

  image = augur_image_load (path, AUGUR_DEFAULT_MAX_PIXELS, &local_error);

  g_mutex_lock (&decoder.lock);
  decoder.n_decoding--;
  if (image != NULL)
    {
      entry->image = augur_image_ref (image);
      entry->bytes = (gsize) image->stride * image->height;
      decoder.bytes += entry->bytes;
      g_queue_push_head_link (&decoder.lru, &entry->link);
      decoder_evict_locked ();
    }
  else
    {
      /* not kept: the next request tries again (the file may be fixed) */
      g_hash_table_remove (decoder.entries, path);
    }
  g_cond_broadcast (&decoder.changed);
  g_mutex_unlock (&decoder.lock);

  if (image == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return g_steal_pointer (&image);
}

/**
 * augur_sample_set_decode_cache_limit:
 *
 * How many bytes of decoded full-resolution images every sample together
 * may keep (768 MiB by default). At least the most recent image is kept.
 */
void
augur_sample_set_decode_cache_limit (gsize max_bytes)
{
  g_mutex_lock (&decoder.lock);
  decoder_init_locked ();
  decoder.max_bytes = MAX (max_bytes, 1);
  decoder_evict_locked ();
  g_mutex_unlock (&decoder.lock);
}

/* What the decode cache holds now, in bytes, and how many decodes have
 * started since the process began (a cache hit starts none). */
void
augur_sample_get_decode_stats (gsize *bytes,
                               guint *n_decodes)
{
  g_mutex_lock (&decoder.lock);
  if (bytes)
    *bytes = decoder.bytes;
  if (n_decodes)
    *n_decodes = decoder.n_decodes;
  g_mutex_unlock (&decoder.lock);
}

/* Forgets every decoded image (tests, and a file changed on disk). */
void
augur_sample_clear_decode_cache (void)
{
  g_mutex_lock (&decoder.lock);
  decoder_init_locked ();
  while (decoder.lru.length > 0)
    {
      DecodeEntry *entry = g_queue_pop_head_link (&decoder.lru)->data;

      decoder.bytes -= entry->bytes;
      g_hash_table_remove (decoder.entries, entry->path);
    }
  g_mutex_unlock (&decoder.lock);
}

/**
 * augur_sample_load_full:
 * @cancellable: (nullable): stops a wait for the decode pool
 *
 * The sample at full resolution, decoded once and shared (see
 * decode_full()). Blocks: call it on a worker thread, never on the main
 * one. Safe from any thread.
 *
 * Returns: (transfer full) (nullable): the decoded image
 */
AugurImage *
augur_sample_load_full (AugurSample   *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE (self), NULL);

  if (self->path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s: only local files can be opened", self->name);
      return NULL;
    }
  return decode_full (self->path, cancellable, error);
}

/* Loading a proxy -------------------------------------------------------------------- */

/* A large JPEG's first proxy comes from a reduced decode (at 1/2 or 1/4
 * libjpeg scales in its inverse DCT; at 1/8 only the DC terms are kept,
 * see augur_jpeg_decode_reduced(): a small part of the CPU time of the
 * whole decode of a 24-megapixel photograph): the load completes with it,
 * so that the quick pass shows at once, and the proxy made from the
 * full-resolution image replaces it when that is decoded ("loaded" is
 * notified again). Smaller files decode whole at once. */
#define QUICK_MIN_PIXELS ((gint64) 4 * 1000 * 1000)

typedef struct
{
  char    *path;
  int      max_side;
  guint    serial;
  GTask   *outer;     /* the caller's, until answered: main thread only */
  gboolean quick_done;  /* the reduced decode's proxy is posted: only the full decode is left */
  guint64  order;       /* when it was queued, for the pool's order */
} LoadRequest;

typedef struct
{
  AugurImage *proxy;
  GdkTexture *proxy_texture;
  GdkTexture *thumbnail;
  int         width;
  int         height;
} LoadResult;

static void
load_request_free (LoadRequest *request)
{
  g_free (request->path);
  g_clear_object (&request->outer);
  g_free (request);
}

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->proxy, augur_image_unref);
  g_clear_object (&result->proxy_texture);
  g_clear_object (&result->thumbnail);
  g_free (result);
}

/* The proxy and thumbnail of @image, whose full size is @width × @height. */
static LoadResult *
load_result_new (const AugurImage *image,
                 int               max_side,
                 int               width,
                 int               height)
{
  LoadResult *result = g_new0 (LoadResult, 1);
  g_autoptr(AugurImage) small = NULL;

  result->width = width;
  result->height = height;
  result->proxy = augur_image_fit (image, max_side);
  result->proxy_texture = augur_texture_new_for_image (result->proxy);
  small = augur_image_fit (result->proxy, AUGUR_SAMPLE_THUMBNAIL_SIDE);
  result->thumbnail = augur_texture_new_for_image (small);
  return result;
}

/* TRUE when @path is decoded in the cache (or being decoded). */
static gboolean
decode_started (const char *path)
{
  gboolean started;

  g_mutex_lock (&decoder.lock);
  decoder_init_locked ();
  started = g_hash_table_contains (decoder.entries, path);
  g_mutex_unlock (&decoder.lock);
  return started;
}

static void apply_result (AugurSample *self,
                          LoadRequest *request,
                          LoadResult  *result);
static void push_load    (GTask       *task);

typedef struct
{
  GTask      *task;
  LoadResult *result;
} QuickProxy;

/* On the main thread: the reduced decode's proxy is in. */
static gboolean
quick_proxy_ready (gpointer data)
{
  QuickProxy *quick = data;
  LoadRequest *request = g_task_get_task_data (quick->task);
  AugurSample *self = g_task_get_source_object (quick->task);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (quick->task)))
    return G_SOURCE_REMOVE;   /* load_done() answers */
  if (request->serial == self->load_serial)
    apply_result (self, request, quick->result);
  if (request->outer != NULL)
    {
      /* answering does not take the caller's task: drop our reference */
      g_autoptr(GTask) outer = g_steal_pointer (&request->outer);

      g_task_return_boolean (outer, TRUE);
    }
  return G_SOURCE_REMOVE;
}

static void
quick_proxy_free (QuickProxy *quick)
{
  g_object_unref (quick->task);
  load_result_free (quick->result);
  g_free (quick);
}

/* On the decode pool; owns its reference to @data (a GTask). */
static void
load_thread (gpointer data,
             gpointer user_data)
{
  g_autoptr(GTask) task = data;
  LoadRequest *request = g_task_get_task_data (task);
  g_autoptr(AugurImage) image = NULL;
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!request->quick_done && !decode_started (request->path))
    {
      int width = 0, height = 0;
      g_autoptr(AugurImage) reduced = augur_image_load_reduced (request->path, AUGUR_DEFAULT_MAX_PIXELS,
                                                                 request->max_side, QUICK_MIN_PIXELS,
                                                                 &width, &height, NULL);

      if (reduced != NULL)
        {
          QuickProxy *quick = g_new0 (QuickProxy, 1);

          quick->task = g_object_ref (task);
          quick->result = load_result_new (reduced, request->max_side, width, height);
          g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT,
                                      quick_proxy_ready, quick, (GDestroyNotify) quick_proxy_free);
          /* The full decode goes back in the queue, behind every other
           * sample's reduced one (see load_order()). */
          request->quick_done = TRUE;
          push_load (g_steal_pointer (&task));
          return;
        }
    }

  image = decode_full (request->path, g_task_get_cancellable (task), &error);
  if (image == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, load_result_new (image, request->max_side, image->width, image->height),
                         (GDestroyNotify) load_result_free);
}

/* The decode pool's order: every reduced decode (a sample's first
 * picture) before any full one, so that a full decode already queued never
 * keeps a sample just opened waiting, nor takes a processor from it; then
 * first queued, first served. */
static gint
load_order (gconstpointer a,
            gconstpointer b,
            gpointer      user_data)
{
  const LoadRequest *ra = g_task_get_task_data ((GTask *) a);
  const LoadRequest *rb = g_task_get_task_data ((GTask *) b);

  if (ra->quick_done != rb->quick_done)
    return ra->quick_done ? 1 : -1;
  return ra->order < rb->order ? -1 : ra->order > rb->order;
}

/* Called with decoder.lock held. */
static void
ensure_pool (GError **error)
{
  if (decoder.pool != NULL)
    return;
  decoder.pool = g_thread_pool_new (load_thread, NULL, MAX_DECODES, FALSE, error);
  if (decoder.pool != NULL)
    g_thread_pool_set_sort_function (decoder.pool, load_order, NULL);
}

/**
 * augur_sample_set_max_loads:
 * @n: how many loads may run at the same time, at most MAX_DECODES; 0
 *   holds every queued load until a later call allows some
 *
 * For tests: makes the order of the decode queue observable, by queueing
 * several loads before any starts and running them one at a time.
 */
void
augur_sample_set_max_loads (int n)
{
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&decoder.lock);
  ensure_pool (&error);
  g_mutex_unlock (&decoder.lock);
  if (decoder.pool == NULL
      || !g_thread_pool_set_max_threads (decoder.pool, CLAMP (n, 0, MAX_DECODES), &error))
    g_warning ("Could not change the decoding threads: %s", error->message);
}

static void
push_load (GTask *task)
{
  g_autoptr(GError) error = NULL;
  LoadRequest *request = g_task_get_task_data (task);

  g_mutex_lock (&decoder.lock);
  ensure_pool (&error);
  request->order = ++decoder.n_queued;
  g_mutex_unlock (&decoder.lock);
  if (decoder.pool == NULL || !g_thread_pool_push (decoder.pool, task, &error))
    {
      g_warning ("Could not start a decoding thread: %s", error->message);
      load_thread (task, NULL);
    }
}

static void
set_error (AugurSample *self,
           const char  *message)
{
  if (g_strcmp0 (self->error, message) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* Shows @result's proxy (the main thread's side of a load). */
static void
apply_result (AugurSample *self,
              LoadRequest *request,
              LoadResult  *result)
{
  g_clear_pointer (&self->proxy, augur_image_unref);
  g_clear_object (&self->proxy_texture);
  g_clear_object (&self->thumbnail);
  self->proxy = g_steal_pointer (&result->proxy);
  self->proxy_texture = g_steal_pointer (&result->proxy_texture);
  self->thumbnail = g_steal_pointer (&result->thumbnail);
  self->max_side = request->max_side;
  self->width = result->width;
  self->height = result->height;
  set_error (self, NULL);
  /* "loaded" also fires when a proxy is replaced, so that views re-render. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

static void
load_done (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  AugurSample *self = AUGUR_SAMPLE (object);
  g_autoptr(GError) error = NULL;
  LoadRequest *request = g_task_get_task_data (G_TASK (res));
  g_autoptr(GTask) outer = g_steal_pointer (&request->outer);  /* NULL: answered by a quick proxy */
  guint serial = request->serial;
  LoadResult *result;

  self->n_loading--;
  result = g_task_propagate_pointer (G_TASK (res), &error);
  if (result == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && serial == self->load_serial)
        set_error (self, error->message);
      if (outer != NULL)
        g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  /* A later load (another preview size) wins over an earlier one. */
  if (serial == self->load_serial)
    apply_result (self, request, result);
  load_result_free (result);
  if (outer != NULL)
    g_task_return_boolean (outer, TRUE);
}

/**
 * augur_sample_load_async:
 * @max_side: the longest side of the proxy the preview renders from
 *
 * Decodes the sample on the shared decode pool (limits checked by
 * augur_image_load(); the full-resolution image stays in the decode cache
 * for the draws), and keeps a proxy and a thumbnail. Returns at once
 * when the sample is already loaded at @max_side.
 */
void
augur_sample_load_async (AugurSample         *self,
                         int                  max_side,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  LoadRequest *request;

  g_return_if_fail (AUGUR_IS_SAMPLE (self));
  g_return_if_fail (max_side > 0);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, augur_sample_load_async);

  if (self->proxy != NULL && self->max_side == max_side)
    {
      g_task_return_boolean (outer, TRUE);
      return;
    }

  request = g_new0 (LoadRequest, 1);
  request->path = g_file_get_path (self->file);
  request->max_side = max_side;
  if (request->path == NULL)
    {
      load_request_free (request);
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "%s: only local files can be opened", self->name);
      return;
    }

  request->serial = ++self->load_serial;
  request->outer = g_steal_pointer (&outer);
  self->n_loading++;
  inner = g_task_new (self, cancellable, load_done, NULL);
  g_task_set_task_data (inner, request, (GDestroyNotify) load_request_free);
  push_load (g_steal_pointer (&inner));
}

gboolean
augur_sample_load_finish (AugurSample   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Accessors ------------------------------------------------------------------------ */

AugurSample *
augur_sample_new (GFile *file)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  return g_object_new (AUGUR_TYPE_SAMPLE, "file", file, NULL);
}

GFile *
augur_sample_get_file (AugurSample *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE (self), NULL);
  return self->file;
}

/* Returns: (nullable): the sample's local path; the same for its life, so
 * that any thread may read it */
const char *
augur_sample_get_path (AugurSample *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE (self), NULL);
  return self->path;
}

const char *
augur_sample_get_name (AugurSample *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE (self), NULL);
  return self->name;
}

AugurImage *
augur_sample_get_proxy (AugurSample *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE (self), NULL);
  return self->proxy;
}

/* Returns: (transfer none) (nullable): the proxy as a texture, made on the worker */
GdkTexture *
augur_sample_get_proxy_texture (AugurSample *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE (self), NULL);
  return self->proxy_texture;
}

GdkTexture *
augur_sample_get_thumbnail (AugurSample *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE (self), NULL);
  return self->thumbnail;
}

gboolean
augur_sample_get_loaded (AugurSample *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE (self), FALSE);
  return self->proxy != NULL;
}

gboolean
augur_sample_is_loading (AugurSample *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE (self), FALSE);
  return self->n_loading > 0;
}

const char *
augur_sample_get_error (AugurSample *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE (self), NULL);
  return self->error;
}

int
augur_sample_get_max_side (AugurSample *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE (self), 0);
  return self->max_side;
}

int
augur_sample_get_width (AugurSample *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE (self), 0);
  return self->width;
}

int
augur_sample_get_height (AugurSample *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE (self), 0);
  return self->height;
}

/* GObject -------------------------------------------------------------------------- */

static void
augur_sample_constructed (GObject *object)
{
  AugurSample *self = AUGUR_SAMPLE (object);

  G_OBJECT_CLASS (augur_sample_parent_class)->constructed (object);

  g_assert (self->file != NULL);
  self->name = g_file_get_basename (self->file);
  self->path = g_file_get_path (self->file);
}

static void
augur_sample_finalize (GObject *object)
{
  AugurSample *self = AUGUR_SAMPLE (object);

  g_clear_object (&self->file);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->proxy, augur_image_unref);
  g_clear_object (&self->proxy_texture);
  g_clear_object (&self->thumbnail);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (augur_sample_parent_class)->finalize (object);
}

static void
augur_sample_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AugurSample *self = AUGUR_SAMPLE (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->proxy != NULL);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
augur_sample_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  AugurSample *self = AUGUR_SAMPLE (object);

  switch (prop_id)
    {
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
augur_sample_class_init (AugurSampleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = augur_sample_constructed;
  object_class->finalize = augur_sample_finalize;
  object_class->get_property = augur_sample_get_property;
  object_class->set_property = augur_sample_set_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
augur_sample_init (AugurSample *self)
{
}
