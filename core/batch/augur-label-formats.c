/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-labels"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <png.h>

#include "augur-error.h"
#include "augur-file.h"
#include "augur-json.h"
#include "augur-label-formats.h"

static const char *const format_names[] = { "coco", "yolo", "voc", "masks" };

/* COCO's images and categories, indexed once when the file is opened. */
typedef struct
{
  guint       index;        /* its place in "images" */
  JsonObject *object;
  gint64      id;
  int         width;
  int         height;
  GPtrArray  *annotations;  /* JsonObject, in the file's order */
} CocoImage;

typedef struct
{
  char      *name;
  char     **keypoints;     /* names, or NULL */
} CocoCategory;

struct _AugurLabelSource
{
  AugurLabelFormat format;
  char            *path;
  char            *display;
  /* COCO */
  JsonNode        *coco;
  GHashTable      *coco_images;      /* file_name -> CocoImage */
  GHashTable      *coco_basenames;   /* base name -> CocoImage, or NULL when several share it */
  GHashTable      *coco_categories;  /* id (gint64 *) -> CocoCategory */
  /* YOLO */
  GPtrArray       *classes;          /* char * */
};

static void
coco_image_free (gpointer data)
{
  CocoImage *image = data;

  g_ptr_array_unref (image->annotations);
  g_free (image);
}

static void
coco_category_free (gpointer data)
{
  CocoCategory *category = data;

  g_free (category->name);
  g_strfreev (category->keypoints);
  g_free (category);
}

const char *
augur_label_format_name (AugurLabelFormat format)
{
  g_return_val_if_fail (format <= AUGUR_LABEL_FORMAT_MASKS, NULL);
  return format_names[format];
}

static gboolean
bad (GError     **error,
     const char  *where,
     const char  *format,
     ...) G_GNUC_PRINTF (3, 4);

/* A label error, "WHERE: MESSAGE". */
static gboolean
bad (GError     **error,
     const char  *where,
     const char  *format,
     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_CORRUPT, "%s: %s", where, message);
  return FALSE;
}

/* The file's contents, refused over @max bytes before reading. */
static char *
read_limited (const char  *path,
              gsize        max,
              gsize       *length,
              GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  GStatBuf st;
  char *data = NULL;

  if (g_stat (path, &st) != 0)
    {
      augur_file_set_errno_error (error, errno, path, NULL);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      bad (error, display, "not a regular file");
      return NULL;
    }
  if ((guint64) st.st_size > max)
    {
      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE, "%s: larger than %" G_GSIZE_FORMAT " bytes",
                   display, max);
      return NULL;
    }
  if (!g_file_get_contents (path, &data, length, error))
    return NULL;
  return data;
}

/* The path of @key's label file under @root, with @extension instead of
 * the image's. */
static char *
label_file (const char *root,
            const char *key,
            const char *extension)
{
  const char *slash = strrchr (key, '/');
  const char *dot = strrchr (slash ? slash : key, '.');
  g_autofree char *stem = dot ? g_strndup (key, (gsize) (dot - key)) : g_strdup (key);
  g_autofree char *name = g_strconcat (stem, extension, NULL);

  return g_build_filename (root, name, NULL);
}

/* Numbers ------------------------------------------------------------------------ */

static gboolean
is_number (JsonNode *node)
{
  GType t = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_NONE;

  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

/* Integral values as integers, so that a file read and written back keeps
 * its numbers as it wrote them. */
static void
add_number (JsonBuilder *builder,
            double       v)
{
  if (v == floor (v) && fabs (v) < 9007199254740992.0)
    json_builder_add_int_value (builder, (gint64) v);
  else
    json_builder_add_double_value (builder, v);
}

static gboolean
parse_double (const char *text,
              double     *out)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  *out = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*out);
}

/* COCO ---------------------------------------------------------------------------- */

static JsonArray *
coco_array (JsonObject  *root,
            const char  *name,
            gboolean     required,
            const char  *display,
            GError     **error)
{
  JsonNode *node = json_object_get_member (root, name);

  if (node == NULL && !required)
    return NULL;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      bad (error, display, "\"%s\": expected a list", name);
      return NULL;
    }
  return json_node_get_array (node);
}

static gboolean
coco_int (JsonObject  *object,
          const char  *name,
          gint64      *out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
coco_open_categories (AugurLabelSource  *source,
                      JsonObject        *root,
                      GError           **error)
{
  JsonArray *categories = coco_array (root, "categories", TRUE, source->display, error);

  if (categories == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (categories); i++)
    {
      JsonNode *node = json_array_get_element (categories, i);
      g_autofree char *where = g_strdup_printf ("%s: categories[%u]", source->display, i);
      JsonObject *object;
      CocoCategory *category;
      JsonNode *names;
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return bad (error, where, "expected an object");
      object = json_node_get_object (node);
      if (!coco_int (object, "id", &id))
        return bad (error, where, "\"id\": expected an integer");
      if (json_object_get_string_member_with_default (object, "name", NULL) == NULL)
        return bad (error, where, "\"name\": expected a string");
      if (g_hash_table_contains (source->coco_categories, &id))
        return bad (error, where, "id %" G_GINT64_FORMAT " is given twice", id);
      category = g_new0 (CocoCategory, 1);
      category->name = g_strdup (json_object_get_string_member (object, "name"));
      names = json_object_get_member (object, "keypoints");
      if (names != NULL)
        {
          g_autoptr(GStrvBuilder) list = g_strv_builder_new ();

          if (!JSON_NODE_HOLDS_ARRAY (names))
            {
              coco_category_free (category);
              return bad (error, where, "\"keypoints\": expected a list of names");
            }
          for (guint k = 0; k < json_array_get_length (json_node_get_array (names)); k++)
            {
              JsonNode *name = json_array_get_element (json_node_get_array (names), k);

              if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
                {
                  coco_category_free (category);
                  return bad (error, where, "\"keypoints\"[%u]: expected a name", k);
                }
              g_strv_builder_add (list, json_node_get_string (name));
            }
          category->keypoints = g_strv_builder_end (list);
        }
      g_hash_table_insert (source->coco_categories, g_memdup2 (&id, sizeof id), category);
    }
  return TRUE;
}

static gboolean
coco_open_images (AugurLabelSource  *source,
                  JsonObject        *root,
                  GHashTable        *by_id,
                  GError           **error)
{
  JsonArray *images = coco_array (root, "images", TRUE, source->display, error);

  if (images == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (images); i++)
    {
      JsonNode *node = json_array_get_element (images, i);
      g_autofree char *where = g_strdup_printf ("%s: images[%u]", source->display, i);
      JsonObject *object;
      CocoImage *image;
      const char *name;
      gint64 id, w, h;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return bad (error, where, "expected an object");
      object = json_node_get_object (node);
      name = json_object_get_string_member_with_default (object, "file_name", NULL);
      if (!coco_int (object, "id", &id))
        return bad (error, where, "\"id\": expected an integer");
      if (name == NULL)
        return bad (error, where, "\"file_name\": expected a string");
      if (!coco_int (object, "width", &w) || !coco_int (object, "height", &h) ||
          w < 1 || h < 1 || w > G_MAXINT || h > G_MAXINT)
        return bad (error, where, "\"width\" and \"height\": expected positive integers");
      if (g_hash_table_contains (source->coco_images, name))
        return bad (error, where, "\"%s\" is listed twice", name);
      if (g_hash_table_contains (by_id, &id))
        return bad (error, where, "id %" G_GINT64_FORMAT " is given twice", id);
      image = g_new0 (CocoImage, 1);
      image->index = i;
      image->object = object;
      image->id = id;
      image->width = (int) w;
      image->height = (int) h;
      image->annotations = g_ptr_array_new ();
      g_hash_table_insert (source->coco_images, (gpointer) name, image);
      g_hash_table_insert (by_id, &image->id, image);
      {
        const char *base = strrchr (name, '/') ? strrchr (name, '/') + 1 : name;

        g_hash_table_insert (source->coco_basenames, (gpointer) base,
                             g_hash_table_contains (source->coco_basenames, base) ? NULL : image);
      }
    }
  return TRUE;
}

/* Checks one annotation against its image and category. */
static gboolean
coco_check_annotation (AugurLabelSource  *source,
                       JsonObject        *object,
                       const CocoImage   *image,
                       const char        *where,
                       GError           **error)
{
  JsonNode *bbox = json_object_get_member (object, "bbox");
  JsonNode *keypoints = json_object_get_member (object, "keypoints");
  JsonNode *segmentation = json_object_get_member (object, "segmentation");
  CocoCategory *category;
  gint64 category_id;
  double v[4];

  if (!coco_int (object, "category_id", &category_id))
    return bad (error, where, "\"category_id\": expected an integer");
  category = g_hash_table_lookup (source->coco_categories, &category_id);
  if (category == NULL)
    return bad (error, where, "category_id %" G_GINT64_FORMAT " is not in \"categories\"", category_id);
  if (bbox == NULL || !JSON_NODE_HOLDS_ARRAY (bbox) || json_array_get_length (json_node_get_array (bbox)) != 4)
    return bad (error, where, "\"bbox\": expected [x, y, width, height]");
  for (guint i = 0; i < 4; i++)
    {
      JsonNode *n = json_array_get_element (json_node_get_array (bbox), i);

      if (!is_number (n))
        return bad (error, where, "\"bbox\": expected [x, y, width, height]");
      v[i] = json_node_get_double (n);
    }
  if (!(v[2] >= 0 && v[3] >= 0))
    return bad (error, where, "\"bbox\": a negative width or height");
  if (!(v[0] >= 0 && v[1] >= 0 && v[0] + v[2] <= image->width + 1e-6 &&
        v[1] + v[3] <= image->height + 1e-6))
    return bad (error, where, "\"bbox\" [%g, %g, %g, %g] reaches outside the image (%d x %d)",
                v[0], v[1], v[2], v[3], image->width, image->height);

  if (keypoints != NULL)
    {
      guint n = category->keypoints ? g_strv_length (category->keypoints) : 0;
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (keypoints))
        return bad (error, where, "\"keypoints\": expected a list of numbers");
      array = json_node_get_array (keypoints);
      if (json_array_get_length (array) != 3 * n)
        return bad (error, where, "\"keypoints\": %u numbers, but its category \"%s\" names %u keypoints "
                    "(3 numbers each)", json_array_get_length (array), category->name, n);
      for (guint i = 0; i < 3 * n; i++)
        if (!is_number (json_array_get_element (array, i)))
          return bad (error, where, "\"keypoints\"[%u]: expected a number", i);
      for (guint k = 0; k < n; k++)
        {
          double x = json_array_get_double_element (array, 3 * k);
          double y = json_array_get_double_element (array, 3 * k + 1);
          double vis = json_array_get_double_element (array, 3 * k + 2);

          if (vis != 0 && vis != 1 && vis != 2)
            return bad (error, where, "\"keypoints\"[%u]: visibility %g is not 0, 1 or 2", 3 * k + 2, vis);
          if (vis > 0 && !(x >= 0 && y >= 0 && x <= image->width && y <= image->height))
            return bad (error, where, "keypoint \"%s\" (%g, %g) lies outside the image (%d x %d)",
                        category->keypoints[k], x, y, image->width, image->height);
        }
    }

  /* polygons (lists of x, y pairs, 3 corners or more), or RLE (an object,
   * carried only by outputs no step moved) */
  if (segmentation != NULL && JSON_NODE_HOLDS_ARRAY (segmentation))
    {
      JsonArray *polygons = json_node_get_array (segmentation);

      for (guint i = 0; i < json_array_get_length (polygons); i++)
        {
          JsonNode *polygon = json_array_get_element (polygons, i);
          guint n = JSON_NODE_HOLDS_ARRAY (polygon) ? json_array_get_length (json_node_get_array (polygon)) : 0;

          if (n < 6 || n % 2 != 0)
            return bad (error, where, "\"segmentation\"[%u]: expected a polygon, [x0, y0, x1, y1, x2, y2, ...]", i);
          for (guint k = 0; k < n; k++)
            if (!is_number (json_array_get_element (json_node_get_array (polygon), k)))
              return bad (error, where, "\"segmentation\"[%u][%u]: expected a number", i, k);
        }
    }
  else if (segmentation != NULL && !JSON_NODE_HOLDS_OBJECT (segmentation))
    return bad (error, where, "\"segmentation\": expected a list of polygons or an RLE object");
  return TRUE;
}

static gboolean
coco_open (AugurLabelSource  *source,
           GError           **error)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree char *data = NULL;
  JsonObject *root;
  JsonArray *annotations;
  gsize length;

  data = read_limited (source->path, AUGUR_LABELS_MAX_COCO_BYTES, &length, error);
  if (data == NULL)
    return FALSE;
  source->coco = augur_json_parse_limited (data, (gssize) length, AUGUR_LABELS_MAX_COCO_BYTES, 32, error);
  if (source->coco == NULL)
    {
      g_prefix_error (error, "%s: ", source->display);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (source->coco))
    return bad (error, source->display, "expected a COCO object with \"images\", \"annotations\" "
                "and \"categories\"");
  root = json_node_get_object (source->coco);
  source->coco_images = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, coco_image_free);
  source->coco_basenames = g_hash_table_new (g_str_hash, g_str_equal);
  source->coco_categories = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, coco_category_free);

  if (!coco_open_categories (source, root, error) || !coco_open_images (source, root, by_id, error))
    return FALSE;
  annotations = coco_array (root, "annotations", TRUE, source->display, error);
  if (annotations == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (annotations); i++)
    {
      JsonNode *node = json_array_get_element (annotations, i);
      g_autofree char *where = g_strdup_printf ("%s: annotations[%u]", source->display, i);
      JsonObject *object;
      CocoImage *image;
      gint64 image_id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return bad (error, where, "expected an object");
      object = json_node_get_object (node);
      if (!coco_int (object, "image_id", &image_id))
        return bad (error, where, "\"image_id\": expected an integer");
      image = g_hash_table_lookup (by_id, &image_id);
      if (image == NULL)
        return bad (error, where, "image_id %" G_GINT64_FORMAT " is not in \"images\"", image_id);
      if (!coco_check_annotation (source, object, image, where, error))
        return FALSE;
      g_ptr_array_add (image->annotations, object);
    }
  return TRUE;
}

/* The image whose file_name is @key; failing that, the one image whose
 * file_name has @key's base name (COCO files often name images without
 * their folder). */
static CocoImage *
coco_lookup (AugurLabelSource *source,
             const char       *key)
{
  CocoImage *image = g_hash_table_lookup (source->coco_images, key);
  const char *base = strrchr (key, '/') ? strrchr (key, '/') + 1 : key;

  return image ? image : g_hash_table_lookup (source->coco_basenames, base);
}

/* An annotation's polygons (checked when the file was opened). */
static void
coco_read_polygons (JsonObject  *annotation,
                    guint        box,
                    AugurLabels *labels)
{
  JsonNode *segmentation = json_object_get_member (annotation, "segmentation");
  JsonArray *polygons;

  if (segmentation == NULL || !JSON_NODE_HOLDS_ARRAY (segmentation))
    return;
  polygons = json_node_get_array (segmentation);
  for (guint i = 0; i < json_array_get_length (polygons); i++)
    {
      JsonArray *corners = json_array_get_array_element (polygons, i);
      guint n = json_array_get_length (corners);
      g_autofree double *xy = g_new (double, n);

      for (guint k = 0; k < n; k++)
        xy[k] = json_array_get_double_element (corners, k);
      augur_labels_add_polygon (labels, box, xy, n / 2);
    }
}

static AugurLabels *
coco_read (AugurLabelSource  *source,
           const char        *key,
           int                width,
           int                height,
           GError           **error)
{
  CocoImage *image = coco_lookup (source, key);
  g_autoptr(AugurLabels) labels = NULL;

  if (image == NULL)
    {
      bad (error, source->display, "no entry in \"images\" has the file_name \"%s\" (nor, alone, its "
           "base name)", key);
      return NULL;
    }
  if (image->width != width || image->height != height)
    {
      bad (error, source->display, "images[%u] (\"%s\") says %d x %d, but the image is %d x %d",
           image->index, key, image->width, image->height, width, height);
      return NULL;
    }

  labels = augur_labels_new (width, height);
  for (guint i = 0; i < image->annotations->len; i++)
    {
      JsonObject *object = image->annotations->pdata[i];
      JsonArray *bbox = json_object_get_array_member (object, "bbox");
      gint64 category_id = json_object_get_int_member (object, "category_id");
      CocoCategory *category = g_hash_table_lookup (source->coco_categories, &category_id);
      double x = json_array_get_double_element (bbox, 0), y = json_array_get_double_element (bbox, 1);
      AugurBox *box;
      JsonArray *points;

      box = augur_labels_add_box (labels, x, y, x + json_array_get_double_element (bbox, 2),
                                  y + json_array_get_double_element (bbox, 3), (int) category_id,
                                  category->name);
      coco_read_polygons (object, box->id, labels);
      if (!json_object_has_member (object, "keypoints"))
        continue;
      points = json_object_get_array_member (object, "keypoints");
      for (guint k = 0; category->keypoints && category->keypoints[k]; k++)
        {
          double v = json_array_get_double_element (points, 3 * k + 2);
          AugurKeypoint *point;

          if (v == 0)
            continue;
          point = augur_labels_add_keypoint (labels, json_array_get_double_element (points, 3 * k),
                                             json_array_get_double_element (points, 3 * k + 1),
                                             category->keypoints[k]);
          point->owner = (int) box->id;
          point->slot = (int) k;
          point->visibility = (int) v;
        }
    }
  return g_steal_pointer (&labels);
}

/* YOLO ---------------------------------------------------------------------------- */

/* The lines of @data, without their ends ("\n" or "\r\n"). */
static char **
split_lines (const char *data)
{
  char **lines = g_strsplit (data, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      gsize n = strlen (lines[i]);

      if (n > 0 && lines[i][n - 1] == '\r')
        lines[i][n - 1] = '\0';
    }
  return lines;
}

static gboolean
yolo_open (AugurLabelSource  *source,
           GError           **error)
{
  g_autofree char *path = g_build_filename (source->path, "classes.txt", NULL);
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return bad (error, display, "missing: YOLO labels need the list of class names, one a line");
  data = read_limited (path, AUGUR_LABELS_MAX_FILE_BYTES, &length, error);
  if (data == NULL)
    return FALSE;
  if (memchr (data, '\0', length) != NULL || !g_utf8_validate (data, (gssize) length, NULL))
    return bad (error, display, "not UTF-8 text");
  lines = split_lines (data);
  source->classes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *name = g_strstrip (g_strdup (lines[i]));

      if (*name == '\0')
        {
          /* only a last, empty line (the file's final newline) may be blank */
          if (lines[i + 1] == NULL || (*lines[i + 1] == '\0' && lines[i + 2] == NULL))
            break;
          return bad (error, display, "line %u: an empty class name", i + 1);
        }
      g_ptr_array_add (source->classes, g_steal_pointer (&name));
    }
  if (source->classes->len == 0)
    return bad (error, display, "no class names");
  return TRUE;
}

static AugurLabels *
yolo_read (AugurLabelSource  *source,
           const char        *key,
           int                width,
           int                height,
           GError           **error)
{
  g_autofree char *path = label_file (source->path, key, ".txt");
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(AugurLabels) labels = augur_labels_new (width, height);
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      bad (error, display, "missing: no label file for the image %s (an image without objects "
           "has an empty one)", key);
      return NULL;
    }
  data = read_limited (path, AUGUR_LABELS_MAX_FILE_BYTES, &length, error);
  if (data == NULL)
    return NULL;
  if (memchr (data, '\0', length) != NULL)
    {
      bad (error, display, "not a text file");
      return NULL;
    }
  lines = split_lines (data);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      g_autofree char *where = g_strdup_printf ("%s:%u", display, i + 1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();
      guint64 class_id;
      double v[4];

      for (guint f = 0; fields[f]; f++)
        if (*fields[f] != '\0')
          g_ptr_array_add (words, fields[f]);
      if (words->len == 0)
        continue;
      if (words->len != 5)
        {
          bad (error, where, "expected \"class x_centre y_centre width height\", found %u fields",
               words->len);
          return NULL;
        }
      if (!g_ascii_string_to_unsigned (words->pdata[0], 10, 0, G_MAXINT, &class_id, NULL))
        {
          bad (error, where, "\"%s\" is not a class number", (char *) words->pdata[0]);
          return NULL;
        }
      if (class_id >= source->classes->len)
        {
          bad (error, where, "class %" G_GUINT64_FORMAT " is not in classes.txt (%u classes)",
               class_id, source->classes->len);
          return NULL;
        }
      for (int k = 0; k < 4; k++)
        if (!parse_double (words->pdata[k + 1], &v[k]))
          {
            bad (error, where, "\"%s\" is not a number", (char *) words->pdata[k + 1]);
            return NULL;
          }
      if (!(v[2] >= 0 && v[3] >= 0 && v[0] - v[2] / 2 >= -1e-6 && v[1] - v[3] / 2 >= -1e-6 &&
            v[0] + v[2] / 2 <= 1 + 1e-6 && v[1] + v[3] / 2 <= 1 + 1e-6))
        {
          bad (error, where, "the box reaches outside the image (YOLO boxes are fractions of its "
               "size, centre and sides)");
          return NULL;
        }
      augur_labels_add_box (labels, (v[0] - v[2] / 2) * width, (v[1] - v[3] / 2) * height,
                            (v[0] + v[2] / 2) * width, (v[1] + v[3] / 2) * height, (int) class_id,
                            source->classes->pdata[class_id]);
    }
  return g_steal_pointer (&labels);
}

static char *
yolo_text (const AugurLabels *labels)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < labels->boxes->len; i++)
    {
      const AugurBox *b = &g_array_index (labels->boxes, AugurBox, i);
      char v[4][G_ASCII_DTOSTR_BUF_SIZE];
      double values[4] = {
        (b->x_min + b->x_max) / 2 / labels->width, (b->y_min + b->y_max) / 2 / labels->height,
        (b->x_max - b->x_min) / labels->width, (b->y_max - b->y_min) / labels->height,
      };

      for (int k = 0; k < 4; k++)
        g_ascii_formatd (v[k], sizeof v[k], "%.6f", values[k]);
      g_string_append_printf (text, "%d %s %s %s %s\n", b->class_id, v[0], v[1], v[2], v[3]);
    }
  return g_string_free (text, FALSE);
}

/* Pascal VOC -------------------------------------------------------------------- */

static xmlDoc *
voc_parse (const char  *path,
           GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *data = NULL;
  xmlDoc *doc;
  xmlNode *root;
  gsize length;

  data = read_limited (path, AUGUR_LABELS_MAX_FILE_BYTES, &length, error);
  if (data == NULL)
    return NULL;
  /* No network, no entity substitution, no DTD loading; libxml2's own
   * limits on depth and entity growth stay on (no XML_PARSE_HUGE). */
  doc = xmlReadMemory (data, (int) length, NULL, NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    {
      const xmlError *e = xmlGetLastError ();

      if (e && e->message)
        {
          g_autofree char *message = g_strchomp (g_strdup (e->message));

          bad (error, display, "line %d: not well-formed XML: %s", e->line, message);
        }
      else
        bad (error, display, "not well-formed XML");
      return NULL;
    }
  root = xmlDocGetRootElement (doc);
  if (root == NULL || !xmlStrEqual (root->name, BAD_CAST "annotation"))
    {
      bad (error, display, "line %ld: expected an <annotation> element",
           root ? xmlGetLineNo (root) : 1L);
      xmlFreeDoc (doc);
      return NULL;
    }
  return doc;
}

static xmlNode *
child_element (xmlNode    *node,
               const char *name)
{
  for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && xmlStrEqual (c->name, BAD_CAST name))
      return c;
  return NULL;
}

/* The trimmed text of @node's child @name, or NULL. */
static char *
child_text (xmlNode    *node,
            const char *name)
{
  xmlNode *c = child_element (node, name);
  xmlChar *content;
  char *text;

  if (c == NULL)
    return NULL;
  content = xmlNodeGetContent (c);
  text = g_strstrip (g_strdup ((const char *) content));
  xmlFree (content);
  return text;
}

static void
set_child_text (xmlNode    *node,
                const char *name,
                const char *text)
{
  xmlNode *c = child_element (node, name);

  if (c != NULL)
    xmlNodeSetContent (c, BAD_CAST text);
}

static AugurLabels *
voc_read (AugurLabelSource  *source,
          const char        *key,
          int                width,
          int                height,
          GError           **error)
{
  g_autofree char *path = label_file (source->path, key, ".xml");
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(AugurLabels) labels = augur_labels_new (width, height);
  xmlNode *root, *size;
  xmlDoc *doc;
  gboolean ok = TRUE;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      bad (error, display, "missing: no annotation file for the image %s", key);
      return NULL;
    }
  doc = voc_parse (path, error);
  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);

  size = child_element (root, "size");
  if (size != NULL)
    {
      g_autofree char *w = child_text (size, "width");
      g_autofree char *h = child_text (size, "height");
      double dw, dh;

      if (!parse_double (w, &dw) || !parse_double (h, &dh))
        ok = bad (error, display, "line %ld: <size> needs a <width> and a <height>", xmlGetLineNo (size));
      else if ((int) dw != width || (int) dh != height)
        ok = bad (error, display, "line %ld: <size> says %g x %g, but the image is %d x %d",
                  xmlGetLineNo (size), dw, dh, width, height);
    }

  for (xmlNode *o = root->children; ok && o; o = o->next)
    {
      g_autofree char *name = NULL;
      const char *corners[4] = { "xmin", "ymin", "xmax", "ymax" };
      xmlNode *bndbox;
      double v[4];

      if (o->type != XML_ELEMENT_NODE || !xmlStrEqual (o->name, BAD_CAST "object"))
        continue;
      name = child_text (o, "name");
      bndbox = child_element (o, "bndbox");
      if (name == NULL || *name == '\0')
        {
          ok = bad (error, display, "line %ld: an <object> without a <name>", xmlGetLineNo (o));
          break;
        }
      if (bndbox == NULL)
        {
          ok = bad (error, display, "line %ld: the <object> \"%s\" has no <bndbox>", xmlGetLineNo (o), name);
          break;
        }
      for (int k = 0; ok && k < 4; k++)
        {
          g_autofree char *text = child_text (bndbox, corners[k]);

          if (!parse_double (text, &v[k]))
            ok = bad (error, display, "line %ld: <bndbox> needs a number in <%s>",
                      xmlGetLineNo (bndbox), corners[k]);
        }
      if (!ok)
        break;
      /* 1-based pixel corners: the box covers pixels xmin .. xmax */
      if (!(v[0] >= 1 && v[1] >= 1 && v[2] >= v[0] && v[3] >= v[1] && v[2] <= width && v[3] <= height))
        {
          ok = bad (error, display, "line %ld: the box of \"%s\" (%g, %g, %g, %g) reaches outside the "
                    "image (pixels 1 to %d across, 1 to %d down)", xmlGetLineNo (bndbox), name,
                    v[0], v[1], v[2], v[3], width, height);
          break;
        }
      augur_labels_add_box (labels, v[0] - 1, v[1] - 1, v[2], v[3], -1, name);
    }

  xmlFreeDoc (doc);
  return ok ? g_steal_pointer (&labels) : NULL;
}

/* The source's annotation of @key, with the boxes of @labels in place of
 * its objects (those dropped removed), and the output's name and size. */
/* @bndbox's corners (made when it has none): the pixels the box touches,
 * 1-based. */
static void
voc_set_box (xmlNode        *bndbox,
             const AugurBox *box)
{
  int v[4] = {
    (int) floor (box->x_min + 1e-9) + 1, (int) floor (box->y_min + 1e-9) + 1,
    (int) ceil (box->x_max - 1e-9), (int) ceil (box->y_max - 1e-9),
  };
  const char *corners[4] = { "xmin", "ymin", "xmax", "ymax" };

  for (int k = 0; k < 4; k++)
    {
      char number[32];

      g_snprintf (number, sizeof number, "%d", MAX (v[k], k < 2 ? 1 : v[k - 2]));
      if (child_element (bndbox, corners[k]) == NULL)
        xmlNewTextChild (bndbox, NULL, BAD_CAST corners[k], BAD_CAST number);
      else
        set_child_text (bndbox, corners[k], number);
    }
}

static char *
voc_text (AugurLabelSource   *source,
          const char         *key,
          const char         *output,
          const AugurLabels  *labels,
          gsize              *length,
          GError            **error)
{
  g_autofree char *path = label_file (source->path, key, ".xml");
  g_autofree char *base = g_path_get_basename (output);
  xmlDoc *doc = voc_parse (path, error);
  xmlNode *root, *size, *next;
  xmlChar *mem = NULL;
  char *text;
  int n = 0;
  guint index = 0;

  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  set_child_text (root, "filename", base);
  size = child_element (root, "size");
  if (size != NULL)
    {
      char number[32];

      g_snprintf (number, sizeof number, "%d", labels->width);
      set_child_text (size, "width", number);
      g_snprintf (number, sizeof number, "%d", labels->height);
      set_child_text (size, "height", number);
    }

  for (xmlNode *o = root->children; o; o = next)
    {
      const AugurBox *box;

      next = o->next;
      if (o->type != XML_ELEMENT_NODE || !xmlStrEqual (o->name, BAD_CAST "object"))
        continue;
      box = augur_labels_find_box (labels, index++);
      if (box == NULL)
        {
          /* the object and the blank text before it */
          if (o->prev && o->prev->type == XML_TEXT_NODE && xmlIsBlankNode (o->prev))
            {
              xmlNode *blank = o->prev;

              xmlUnlinkNode (blank);
              xmlFreeNode (blank);
            }
          xmlUnlinkNode (o);
          xmlFreeNode (o);
          continue;
        }
      voc_set_box (child_element (o, "bndbox"), box);
    }
  /* Boxes a blend brought in from other images (ids past the file's
   * objects): an object each, with its name and box. */
  for (guint i = 0; i < labels->boxes->len; i++)
    {
      const AugurBox *box = &g_array_index (labels->boxes, AugurBox, i);
      xmlNode *object;

      if (box->id < index)
        continue;
      object = xmlNewChild (root, NULL, BAD_CAST "object", NULL);
      xmlNewTextChild (object, NULL, BAD_CAST "name", BAD_CAST (box->label ? box->label : ""));
      voc_set_box (xmlNewChild (object, NULL, BAD_CAST "bndbox", NULL), box);
    }

  xmlDocDumpMemory (doc, &mem, &n);
  xmlFreeDoc (doc);
  text = g_strndup ((const char *) mem, (gsize) n);
  *length = (gsize) n;
  xmlFree (mem);
  return text;
}

/* PNG label maps ------------------------------------------------------------------ */

/* What libpng's callbacks reach, and what a read allocates (here, not in
 * locals, so that it is freed whatever longjmp () leaves). */
typedef struct
{
  char        message[256];
  jmp_buf     jump;
  GByteArray *out;
  guint8     *pixels;
  png_bytep  *rows;
} PngState;

static void
png_failed (png_structp       png,
            png_const_charp   message)
{
  PngState *state = png_get_error_ptr (png);

  g_strlcpy (state->message, message, sizeof state->message);
  longjmp (state->jump, 1);
}

static void
png_warned (png_structp      png,
            png_const_charp  message)
{
  /* a warning about damaged data fails the file, as the image loader does */
  png_failed (png, message);
}

/* Frees what a read allocated, on success and on failure alike. */
static void
png_read_done (PngState     *state,
               png_structp  *png,
               png_infop    *info,
               FILE         *file)
{
  png_destroy_read_struct (png, info, NULL);
  fclose (file);
  g_clear_pointer (&state->pixels, g_free);
  g_clear_pointer (&state->rows, g_free);
}

/**
 * augur_label_map_load:
 *
 * Reads a PNG label map of @width x @height into @labels' mask: one
 * channel, gray (1 to 16 bits, values kept as they are, not scaled) or
 * palette (the indices are the labels).
 */
gboolean
augur_label_map_load (const char   *path,
                      int           width,
                      int           height,
                      AugurLabels  *labels,
                      GError      **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree guint16 *values = NULL;
  PngState state = { "" };
  png_structp png = NULL;
  png_infop info = NULL;
  png_uint_32 w = 0, h = 0;
  int bit_depth = 0, color_type = 0, depth;
  gsize rowbytes;
  guint8 signature[8];
  FILE *file;

  file = g_fopen (path, "rb");
  if (file == NULL)
    return augur_file_set_errno_error (error, errno, path, NULL);
  if (fread (signature, 1, 8, file) != 8 || png_sig_cmp (signature, 0, 8) != 0)
    {
      fclose (file);
      return bad (error, display, "not a PNG file (label maps are PNG)");
    }
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &state, png_failed, png_warned);
  info = png ? png_create_info_struct (png) : NULL;
  if (info == NULL)
    {
      png_read_done (&state, &png, NULL, file);
      return bad (error, display, "out of memory");
    }
  if (setjmp (state.jump))
    {
      png_read_done (&state, &png, &info, file);
      return bad (error, display, "damaged PNG: %s", state.message);
    }
  png_init_io (png, file);
  png_set_sig_bytes (png, 8);
  png_read_info (png, info);
  png_get_IHDR (png, info, &w, &h, &bit_depth, &color_type, NULL, NULL, NULL);
  if (color_type != PNG_COLOR_TYPE_GRAY && color_type != PNG_COLOR_TYPE_PALETTE)
    {
      png_read_done (&state, &png, &info, file);
      return bad (error, display, "a label map has one channel (gray or palette), this one has colour "
                  "or alpha");
    }
  /* before anything the size decides is allocated */
  if ((gint64) w != width || (gint64) h != height)
    {
      png_read_done (&state, &png, &info, file);
      return bad (error, display, "the label map is %u x %u, but the image is %d x %d", w, h, width, height);
    }
  if (bit_depth < 8)
    png_set_packing (png);
  if (bit_depth == 16 && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    png_set_swap (png);
  png_set_interlace_handling (png);
  png_read_update_info (png, info);
  depth = bit_depth == 16 ? 16 : 8;
  rowbytes = png_get_rowbytes (png, info);
  state.pixels = g_malloc ((gsize) h * rowbytes);
  state.rows = g_new (png_bytep, h);
  for (png_uint_32 y = 0; y < h; y++)
    state.rows[y] = state.pixels + (gsize) y * rowbytes;
  png_read_image (png, state.rows);
  png_read_end (png, NULL);

  values = g_new (guint16, (gsize) w * h);
  for (png_uint_32 y = 0; y < h; y++)
    for (png_uint_32 x = 0; x < w; x++)
      values[(gsize) y * w + x] = depth == 16 ? ((guint16 *) state.rows[y])[x] : state.rows[y][x];
  png_read_done (&state, &png, &info, file);
  augur_labels_set_mask (labels, values, depth);
  return TRUE;
}

static void
png_write_bytes (png_structp png,
                 png_bytep   data,
                 size_t      length)
{
  PngState *state = png_get_error_ptr (png);

  g_byte_array_append (state->out, data, (guint) length);
}

static void
png_flush_nothing (png_structp png)
{
}

/**
 * augur_label_map_save:
 *
 * Writes @labels' label map as a gray PNG of its depth, atomically.
 */
gboolean
augur_label_map_save (const AugurLabels  *labels,
                      const char         *path,
                      GError            **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *row = NULL;
  g_autofree char *display = g_filename_display_name (path);
  PngState state = { "" };
  png_structp png;
  png_infop info;
  int w = labels->width, h = labels->height, bytes = labels->mask_depth == 16 ? 2 : 1;

  g_return_val_if_fail (labels->mask_depth != 0, FALSE);

  state.out = out;
  row = g_malloc ((gsize) w * bytes);
  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &state, png_failed, png_warned);
  info = png ? png_create_info_struct (png) : NULL;
  if (info == NULL)
    {
      png_destroy_write_struct (&png, NULL);
      return bad (error, display, "out of memory");
    }
  if (setjmp (state.jump))
    {
      png_destroy_write_struct (&png, &info);
      return bad (error, display, "cannot encode the label map: %s", state.message);
    }
  png_set_write_fn (png, &state, png_write_bytes, png_flush_nothing);
  png_set_IHDR (png, info, (png_uint_32) w, (png_uint_32) h, labels->mask_depth, PNG_COLOR_TYPE_GRAY,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  for (int y = 0; y < h; y++)
    {
      for (int x = 0; x < w; x++)
        {
          guint v = augur_labels_mask_value (labels, x, y);

          /* PNG stores 16-bit samples most significant byte first */
          if (bytes == 2)
            row[2 * x] = (guint8) (v >> 8), row[2 * x + 1] = (guint8) v;
          else
            row[x] = (guint8) v;
        }
      png_write_row (png, row);
    }
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);

  return augur_file_write_atomic (path, (const char *) out->data, out->len, error);
}

/* Sources ---------------------------------------------------------------------- */

/**
 * augur_label_source_open:
 * @spec: "coco:FILE", "yolo:DIR", "voc:DIR" or "masks:DIR"
 *
 * Opens the labels of a dataset. A COCO file is read and checked whole
 * here; the other formats are read one image at a time.
 */
AugurLabelSource *
augur_label_source_open (const char  *spec,
                         GError     **error)
{
  g_autoptr(AugurLabelSource) source = g_new0 (AugurLabelSource, 1);
  const char *colon;
  gboolean found = FALSE;

  g_return_val_if_fail (spec != NULL, NULL);

  colon = strchr (spec, ':');
  for (guint i = 0; colon && i < G_N_ELEMENTS (format_names); i++)
    if (strlen (format_names[i]) == (gsize) (colon - spec) && strncmp (spec, format_names[i], colon - spec) == 0)
      {
        source->format = (AugurLabelFormat) i;
        found = TRUE;
      }
  if (!found || colon[1] == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "labels \"%s\": expected coco:FILE, yolo:DIR, voc:DIR or masks:DIR", spec);
      return NULL;
    }
  source->path = g_strdup (colon + 1);
  source->display = g_filename_display_name (source->path);

  if (source->format != AUGUR_LABEL_FORMAT_COCO && !g_file_test (source->path, G_FILE_TEST_IS_DIR))
    {
      bad (error, source->display, "not a folder (%s labels are a folder)", format_names[source->format]);
      return NULL;
    }
  if (source->format == AUGUR_LABEL_FORMAT_COCO && !coco_open (source, error))
    return NULL;
  if (source->format == AUGUR_LABEL_FORMAT_YOLO && !yolo_open (source, error))
    return NULL;
  return g_steal_pointer (&source);
}

void
augur_label_source_free (AugurLabelSource *source)
{
  if (source == NULL)
    return;
  g_clear_pointer (&source->coco_basenames, g_hash_table_unref);
  g_clear_pointer (&source->coco_images, g_hash_table_unref);
  g_clear_pointer (&source->coco_categories, g_hash_table_unref);
  g_clear_pointer (&source->coco, json_node_unref);
  g_clear_pointer (&source->classes, g_ptr_array_unref);
  g_free (source->path);
  g_free (source->display);
  g_free (source);
}

AugurLabelFormat
augur_label_source_format (AugurLabelSource *source)
{
  return source->format;
}

/**
 * augur_label_source_read:
 * @key: the image's path relative to its input folder, '/'-separated
 * @width: the image's size, which the labels must fit
 *
 * The labels of one image. Safe to call from several threads at once.
 *
 * Returns: (transfer full): the labels, or NULL with @error naming the
 *   file and line (or member) at fault.
 */
AugurLabels *
augur_label_source_read (AugurLabelSource  *source,
                         const char        *key,
                         int                width,
                         int                height,
                         GError           **error)
{
  g_return_val_if_fail (source != NULL && key != NULL, NULL);

  switch (source->format)
    {
    case AUGUR_LABEL_FORMAT_COCO:
      return coco_read (source, key, width, height, error);
    case AUGUR_LABEL_FORMAT_YOLO:
      return yolo_read (source, key, width, height, error);
    case AUGUR_LABEL_FORMAT_VOC:
      return voc_read (source, key, width, height, error);
    case AUGUR_LABEL_FORMAT_MASKS:
    default:
      {
        g_autofree char *path = label_file (source->path, key, ".png");
        g_autoptr(AugurLabels) labels = augur_labels_new (width, height);

        if (!g_file_test (path, G_FILE_TEST_EXISTS))
          {
            g_autofree char *display = g_filename_display_name (path);

            bad (error, display, "missing: no label map for the image %s", key);
            return NULL;
          }
        if (!augur_label_map_load (path, width, height, labels, error))
          return NULL;
        return g_steal_pointer (&labels);
      }
    }
}

/**
 * augur_label_source_has:
 * @key: an image's key, as for augur_label_source_read ()
 *
 * Whether the source has labels for the image (a label file, or a COCO
 * entry), without reading or checking them: what a list of samples shows.
 */
gboolean
augur_label_source_has (AugurLabelSource *source,
                        const char       *key)
{
  static const char *const extensions[] = { NULL, ".txt", ".xml", ".png" };
  g_autofree char *path = NULL;

  g_return_val_if_fail (source != NULL && key != NULL, FALSE);

  if (source->format == AUGUR_LABEL_FORMAT_COCO)
    return coco_lookup (source, key) != NULL;
  path = label_file (source->path, key, extensions[source->format]);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* Sinks ------------------------------------------------------------------------- */

typedef struct
{
  char        *key;
  char        *output;
  AugurLabels *labels;
  gboolean     moved;
} SinkEntry;

static void
sink_entry_free (gpointer data)
{
  SinkEntry *entry = data;

  g_free (entry->key);
  g_free (entry->output);
  augur_labels_free (entry->labels);
  g_free (entry);
}

struct _AugurLabelSink
{
  AugurLabelSource *source;      /* borrowed */
  char             *output_dir;
  GMutex            lock;
  GPtrArray        *entries;     /* SinkEntry: COCO, written at the end */
  guint             shard_index; /* 1-based; 0: not a shard */
  guint             shard_count;
};

/* @source must outlive the sink. */
AugurLabelSink *
augur_label_sink_new (AugurLabelSource *source,
                      const char       *output_dir)
{
  AugurLabelSink *sink = g_new0 (AugurLabelSink, 1);

  sink->source = source;
  sink->output_dir = g_strdup (output_dir);
  g_mutex_init (&sink->lock);
  sink->entries = g_ptr_array_new_with_free_func (sink_entry_free);
  return sink;
}

/**
 * augur_label_sink_set_shard:
 * @index: 1 .. @count
 *
 * For a shard of a run: COCO's one file is written as this shard's part,
 * NAME.shard-I-of-N.json beside where NAME.json would be, holding the
 * shard's outputs alone (the other formats write a file per output, and
 * shards never share one).
 */
void
augur_label_sink_set_shard (AugurLabelSink *sink,
                            guint           index,
                            guint           count)
{
  g_return_if_fail (sink != NULL && index >= 1 && index <= count);

  sink->shard_index = count > 1 ? index : 0;
  sink->shard_count = count > 1 ? count : 0;
}

void
augur_label_sink_free (AugurLabelSink *sink)
{
  if (sink == NULL)
    return;
  g_ptr_array_unref (sink->entries);
  g_mutex_clear (&sink->lock);
  g_free (sink->output_dir);
  g_free (sink);
}

/**
 * augur_label_sink_path:
 * @output: an output image's path relative to the output folder
 *
 * Where the labels of @output are written: beside it with the format's
 * extension (.txt, .xml), under masks/ for label maps, and for COCO the
 * one file named as the input's, in the output folder.
 */
char *
augur_label_sink_path (AugurLabelSink *sink,
                       const char     *output)
{
  switch (sink->source->format)
    {
    case AUGUR_LABEL_FORMAT_COCO:
      {
        g_autofree char *base = g_path_get_basename (sink->source->path);
        g_autofree char *stem = NULL;
        g_autofree char *part = NULL;

        if (sink->shard_count == 0)
          return g_build_filename (sink->output_dir, base, NULL);
        stem = g_str_has_suffix (base, ".json") ? g_strndup (base, strlen (base) - 5) : g_strdup (base);
        part = g_strdup_printf ("%s.shard-%u-of-%u.json", stem, sink->shard_index, sink->shard_count);
        return g_build_filename (sink->output_dir, part, NULL);
      }
    case AUGUR_LABEL_FORMAT_YOLO:
      return label_file (sink->output_dir, output, ".txt");
    case AUGUR_LABEL_FORMAT_VOC:
      return label_file (sink->output_dir, output, ".xml");
    case AUGUR_LABEL_FORMAT_MASKS:
    default:
      {
        g_autofree char *dir = g_build_filename (sink->output_dir, "masks", NULL);

        return label_file (dir, output, ".png");
      }
    }
}

static gboolean
write_file (const char  *path,
            const char  *data,
            gsize        length,
            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    return augur_file_set_errno_error (error, errno, dir, "cannot create the folder");
  return augur_file_write_atomic (path, data, length, error);
}

/**
 * augur_label_sink_add:
 * @key: the source image's key (as given to augur_label_source_read ())
 * @output: the output image's path relative to the output folder
 * @labels: the output's labels
 * @moved: whether a step moved pixels (COCO: an annotation's polygon
 *   "segmentation" is then left out, as it was not carried)
 *
 * Writes the labels of one output (COCO: keeps them for
 * augur_label_sink_finish ()). Safe to call from several threads at once.
 */
gboolean
augur_label_sink_add (AugurLabelSink     *sink,
                      const char         *key,
                      const char         *output,
                      const AugurLabels  *labels,
                      gboolean            moved,
                      GError            **error)
{
  g_autofree char *path = augur_label_sink_path (sink, output);
  g_autofree char *text = NULL;
  gsize length;

  switch (sink->source->format)
    {
    case AUGUR_LABEL_FORMAT_COCO:
      {
        SinkEntry *entry = g_new0 (SinkEntry, 1);

        entry->key = g_strdup (key);
        entry->output = g_strdup (output);
        entry->labels = augur_labels_copy (labels);
        entry->moved = moved;
        g_mutex_lock (&sink->lock);
        g_ptr_array_add (sink->entries, entry);
        g_mutex_unlock (&sink->lock);
        return TRUE;
      }
    case AUGUR_LABEL_FORMAT_YOLO:
      text = yolo_text (labels);
      return write_file (path, text, strlen (text), error);
    case AUGUR_LABEL_FORMAT_VOC:
      text = voc_text (sink->source, key, output, labels, &length, error);
      return text != NULL && write_file (path, text, length, error);
    case AUGUR_LABEL_FORMAT_MASKS:
    default:
      {
        g_autofree char *dir = g_path_get_dirname (path);

        if (labels->mask_depth == 0)
          return bad (error, output, "no label map to write");
        if (g_mkdir_with_parents (dir, 0755) != 0)
          return augur_file_set_errno_error (error, errno, dir, "cannot create the folder");
        return augur_label_map_save (labels, path, error);
      }
    }
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  AugurLabelSource *source = user_data;
  const SinkEntry *x = *(SinkEntry **) a, *y = *(SinkEntry **) b;
  const CocoImage *ix = coco_lookup (source, x->key);
  const CocoImage *iy = coco_lookup (source, y->key);

  if (ix->index != iy->index)
    return ix->index < iy->index ? -1 : 1;
  return strcmp (x->output, y->output);
}

/* A copy of @object with @replaced's members set instead (and those
 * named in @removed left out). */
static void
copy_object (JsonBuilder  *builder,
             JsonObject   *object,
             const char  **replaced,
             const char  **removed)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (replaced, l->data) && !(removed && g_strv_contains (removed, l->data)))
      {
        json_builder_set_member_name (builder, l->data);
        json_builder_add_value (builder, json_node_copy (json_object_get_member (object, l->data)));
      }
}

/* "segmentation": the polygons of @box in @labels; returns their area. */
static double
coco_write_polygons (JsonBuilder       *builder,
                     const AugurLabels *labels,
                     const AugurBox    *box)
{
  double area = 0;

  json_builder_set_member_name (builder, "segmentation");
  json_builder_begin_array (builder);
  for (guint i = 0; i < labels->polygons->len; i++)
    {
      const AugurPolygon *p = &g_array_index (labels->polygons, AugurPolygon, i);

      if (p->box != box->id)
        continue;
      json_builder_begin_array (builder);
      for (guint k = 0; k < p->xy->len; k++)
        add_number (builder, g_array_index (p->xy, double, k));
      json_builder_end_array (builder);
      area += augur_polygon_area (p);
    }
  json_builder_end_array (builder);
  return area;
}

static void
coco_write_annotation (JsonBuilder       *builder,
                       JsonObject        *annotation,
                       const SinkEntry   *entry,
                       const AugurBox    *box,
                       CocoCategory      *category,
                       gint64             id,
                       gint64             image_id)
{
  static const char *replaced[] = { "id", "image_id", "bbox", "area", "keypoints", "num_keypoints", NULL };
  static const char *removed[] = { "segmentation", NULL };
  double w = box->x_max - box->x_min, h = box->y_max - box->y_min, area = w * h;
  JsonNode *segmentation = json_object_get_member (annotation, "segmentation");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "image_id");
  json_builder_add_int_value (builder, image_id);
  copy_object (builder, annotation, replaced, entry->moved ? removed : NULL);
  /* Polygons moved with the image: the outlines of what is left of the
   * object, whose area is the annotation's. (RLE is not carried: an
   * output a step moved leaves it out.) */
  if (entry->moved && segmentation != NULL && JSON_NODE_HOLDS_ARRAY (segmentation))
    area = coco_write_polygons (builder, entry->labels, box);
  json_builder_set_member_name (builder, "bbox");
  json_builder_begin_array (builder);
  add_number (builder, box->x_min);
  add_number (builder, box->y_min);
  add_number (builder, w);
  add_number (builder, h);
  json_builder_end_array (builder);
  if (json_object_has_member (annotation, "area"))
    {
      json_builder_set_member_name (builder, "area");
      if (entry->moved)
        add_number (builder, area);
      else
        json_builder_add_value (builder, json_node_copy (json_object_get_member (annotation, "area")));
    }
  if (json_object_has_member (annotation, "keypoints"))
    {
      guint n = category->keypoints ? g_strv_length (category->keypoints) : 0;
      g_autofree const AugurKeypoint **slots = g_new0 (const AugurKeypoint *, MAX (n, 1));
      gint64 visible = 0;

      for (guint i = 0; i < entry->labels->keypoints->len; i++)
        {
          const AugurKeypoint *k = &g_array_index (entry->labels->keypoints, AugurKeypoint, i);

          int slot = k->slot;

          /* a keypoint renamed by a mirror (label_swap) takes its new
           * name's place in the category's list */
          for (guint s = 0; k->label && s < n; s++)
            if (g_str_equal (category->keypoints[s], k->label))
              slot = (int) s;
          if (k->owner == (int) box->id && slot >= 0 && (guint) slot < n)
            slots[slot] = k;
        }
      json_builder_set_member_name (builder, "keypoints");
      json_builder_begin_array (builder);
      for (guint s = 0; s < n; s++)
        {
          /* a keypoint off the image is written as not labelled */
          gboolean on = slots[s] && slots[s]->x >= 0 && slots[s]->y >= 0 &&
                        slots[s]->x <= entry->labels->width && slots[s]->y <= entry->labels->height;

          add_number (builder, on ? slots[s]->x : 0);
          add_number (builder, on ? slots[s]->y : 0);
          json_builder_add_int_value (builder, on ? slots[s]->visibility : 0);
          visible += on;
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "num_keypoints");
      json_builder_add_int_value (builder, visible);
    }
  json_builder_end_object (builder);
}

/* A box a blend brought in from another image (its id is past the
 * image's own annotations): an annotation of its own, with its category,
 * box, outline (when it came with one) and area. Its keypoints are not written (they belong to the other
 * image's annotation, which this output does not hold). */
static void
coco_write_added (JsonBuilder       *builder,
                  const AugurLabels *labels,
                  const AugurBox    *box,
                  gint64             id,
                  gint64             image_id)
{
  double area = (box->x_max - box->x_min) * (box->y_max - box->y_min);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "image_id");
  json_builder_add_int_value (builder, image_id);
  json_builder_set_member_name (builder, "category_id");
  json_builder_add_int_value (builder, box->class_id);
  json_builder_set_member_name (builder, "bbox");
  json_builder_begin_array (builder);
  add_number (builder, box->x_min);
  add_number (builder, box->y_min);
  add_number (builder, box->x_max - box->x_min);
  add_number (builder, box->y_max - box->y_min);
  json_builder_end_array (builder);
  for (guint i = 0; i < labels->polygons->len; i++)
    if (g_array_index (labels->polygons, AugurPolygon, i).box == box->id)
      {
        area = coco_write_polygons (builder, labels, box);
        break;
      }
  json_builder_set_member_name (builder, "area");
  add_number (builder, area);
  json_builder_set_member_name (builder, "iscrowd");
  json_builder_add_int_value (builder, 0);
  json_builder_end_object (builder);
}

static gboolean
coco_finish (AugurLabelSink  *sink,
             GError         **error)
{
  static const char *image_replaced[] = { "id", "file_name", "width", "height", NULL };
  AugurLabelSource *source = sink->source;
  JsonObject *root = json_node_get_object (source->coco);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) doc = NULL;
  g_autoptr(GList) members = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GHashTable) outputs_of = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean keep_ids = TRUE;
  gint64 annotation_id = 1, max_id = 0;

  g_ptr_array_sort_with_data (sink->entries, compare_entries, source);
  /* One output an image keeps the ids; more get new ones, in order. */
  for (guint i = 0; i < sink->entries->len; i++)
    {
      SinkEntry *entry = sink->entries->pdata[i];

      if (g_hash_table_contains (outputs_of, entry->key))
        keep_ids = FALSE;
      g_hash_table_add (outputs_of, entry->key);
    }

  /* Boxes blends brought in have no annotation of their own: with the
   * input's ids kept, theirs follow the largest id the file holds. */
  for (guint i = 0; i < sink->entries->len; i++)
    {
      CocoImage *image = coco_lookup (source, ((SinkEntry *) sink->entries->pdata[i])->key);

      for (guint a = 0; a < image->annotations->len; a++)
        if (json_object_has_member (image->annotations->pdata[a], "id"))
          max_id = MAX (max_id, json_object_get_int_member (image->annotations->pdata[a], "id"));
    }

  json_builder_begin_object (builder);
  members = json_object_get_members (root);
  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;

      json_builder_set_member_name (builder, name);
      if (g_str_equal (name, "images"))
        {
          json_builder_begin_array (builder);
          for (guint i = 0; i < sink->entries->len; i++)
            {
              SinkEntry *entry = sink->entries->pdata[i];
              CocoImage *image = coco_lookup (source, entry->key);

              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "id");
              json_builder_add_int_value (builder, keep_ids ? image->id : (gint64) i + 1);
              json_builder_set_member_name (builder, "file_name");
              json_builder_add_string_value (builder, entry->output);
              json_builder_set_member_name (builder, "width");
              json_builder_add_int_value (builder, entry->labels->width);
              json_builder_set_member_name (builder, "height");
              json_builder_add_int_value (builder, entry->labels->height);
              copy_object (builder, image->object, image_replaced, NULL);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
        }
      else if (g_str_equal (name, "annotations"))
        {
          json_builder_begin_array (builder);
          for (guint i = 0; i < sink->entries->len; i++)
            {
              SinkEntry *entry = sink->entries->pdata[i];
              CocoImage *image = coco_lookup (source, entry->key);
              gint64 image_id = keep_ids ? image->id : (gint64) i + 1;

              for (guint b = 0; b < entry->labels->boxes->len; b++)
                {
                  const AugurBox *box = &g_array_index (entry->labels->boxes, AugurBox, b);
                  JsonObject *annotation;
                  gint64 category_id, id;

                  if (box->id >= image->annotations->len)
                    {
                      coco_write_added (builder, entry->labels, box, keep_ids ? ++max_id : annotation_id++,
                                        image_id);
                      continue;
                    }
                  annotation = image->annotations->pdata[box->id];
                  category_id = json_object_get_int_member (annotation, "category_id");
                  id = annotation_id++;
                  if (keep_ids && json_object_has_member (annotation, "id"))
                    id = json_object_get_int_member (annotation, "id");
                  coco_write_annotation (builder, annotation, entry, box,
                                         g_hash_table_lookup (source->coco_categories, &category_id),
                                         id, image_id);
                }
            }
          json_builder_end_array (builder);
        }
      else
        json_builder_add_value (builder, json_node_copy (json_object_get_member (root, name)));
    }
  json_builder_end_object (builder);

  doc = json_builder_get_root (builder);
  text = augur_json_to_string (doc, TRUE);
  path = augur_label_sink_path (sink, "");
  return write_file (path, text, strlen (text), error);
}

/**
 * augur_label_sink_finish:
 *
 * Writes what is written once for the whole run: the COCO file (images in
 * the input file's order, each image's outputs by name; the other members
 * as they were), YOLO's classes.txt.
 */
gboolean
augur_label_sink_finish (AugurLabelSink  *sink,
                         GError         **error)
{
  switch (sink->source->format)
    {
    case AUGUR_LABEL_FORMAT_COCO:
      return coco_finish (sink, error);
    case AUGUR_LABEL_FORMAT_YOLO:
      {
        g_autoptr(GString) text = g_string_new (NULL);
        g_autofree char *path = g_build_filename (sink->output_dir, "classes.txt", NULL);

        for (guint i = 0; i < sink->source->classes->len; i++)
          g_string_append_printf (text, "%s\n", (char *) sink->source->classes->pdata[i]);
        return write_file (path, text->str, text->len, error);
      }
    case AUGUR_LABEL_FORMAT_VOC:
    case AUGUR_LABEL_FORMAT_MASKS:
    default:
      return TRUE;
    }
}
