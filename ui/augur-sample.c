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

/* Loading ------------------------------------------------------------------------- */

typedef struct
{
  char  *path;
  int    max_side;
  guint  serial;
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

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadRequest *request = task_data;
  g_autoptr(AugurImage) image = NULL;
  g_autoptr(AugurImage) small = NULL;
  g_autoptr(GError) error = NULL;
  LoadResult *result;

  if (g_task_return_error_if_cancelled (task))
    return;

  image = augur_image_load (request->path, AUGUR_DEFAULT_MAX_PIXELS, &error);
  if (image == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result = g_new0 (LoadResult, 1);
  result->width = image->width;
  result->height = image->height;
  result->proxy = augur_image_fit (image, request->max_side);
  result->proxy_texture = augur_texture_new_for_image (result->proxy);
  small = augur_image_fit (result->proxy, AUGUR_SAMPLE_THUMBNAIL_SIDE);
  result->thumbnail = augur_texture_new_for_image (small);

  g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
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

static void
load_done (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  AugurSample *self = AUGUR_SAMPLE (object);
  g_autoptr(GTask) outer = user_data;
  g_autoptr(GError) error = NULL;
  LoadRequest *request = g_task_get_task_data (G_TASK (res));
  guint serial = request->serial;
  LoadResult *result;

  self->n_loading--;
  result = g_task_propagate_pointer (G_TASK (res), &error);
  if (result == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && serial == self->load_serial)
        set_error (self, error->message);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  /* A later load (another preview size) wins over an earlier one. */
  if (serial == self->load_serial)
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
  load_result_free (result);
  g_task_return_boolean (outer, TRUE);
}

/**
 * augur_sample_load_async:
 * @max_side: the longest side of the proxy the preview renders from
 *
 * Decodes the sample on a worker thread (limits checked by
 * augur_image_load()), and keeps a proxy and a thumbnail. Returns at once
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
  self->n_loading++;
  inner = g_task_new (self, cancellable, load_done, g_steal_pointer (&outer));
  g_task_set_task_data (inner, request, (GDestroyNotify) load_request_free);
  g_task_run_in_thread (inner, load_thread);
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
}

static void
augur_sample_finalize (GObject *object)
{
  AugurSample *self = AUGUR_SAMPLE (object);

  g_clear_object (&self->file);
  g_clear_pointer (&self->name, g_free);
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
