/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "augur-extremes.h"

/* Numbers as a person reads them: -15, 0.2, 1.25, 12.3. */
static void
append_number (GString *s,
               double   v)
{
  if (v == 0)
    v = 0;
  if (fabs (v - round (v)) < 1e-9 && fabs (v) <= (double) AUGUR_SEED_MASK)
    g_string_append_printf (s, "%.0f", v);
  else
    g_string_append_printf (s, "%.3g", v);
}

/**
 * augur_node_at_path:
 * @path: child indices from @root separated by dots ("2.0"); "" is @root
 *
 * Returns: (transfer none) (nullable): the node, or NULL when @path does not
 *   name one
 */
const AugurNode *
augur_node_at_path (const AugurNode *root,
                    const char      *path)
{
  const AugurNode *node = root;
  const char *p = path;

  g_return_val_if_fail (root != NULL, NULL);

  if (path == NULL)
    return NULL;

  while (*p)
    {
      char *end = NULL;
      guint64 index;

      if (!g_ascii_isdigit (*p))
        return NULL;
      index = g_ascii_strtoull (p, &end, 10);
      if (node->kind == AUGUR_NODE_TRANSFORM || index >= node->children->len)
        return NULL;
      node = node->children->pdata[index];
      p = end;
      if (*p == '.' && p[1] != '\0')
        p++;
      else if (*p != '\0')
        return NULL;
    }

  return node;
}

/* Extremes ------------------------------------------------------------------------ */

static const char *const end_names[] = { "low", "middle", "high" };

const char *
augur_extreme_end_name (AugurExtremeEnd end)
{
  g_return_val_if_fail (end <= AUGUR_EXTREME_HIGH, NULL);
  return end_names[end];
}

void
augur_extreme_free (AugurExtreme *extreme)
{
  if (extreme == NULL)
    return;
  g_free (extreme->param);
  g_free (extreme->label);
  augur_node_free (extreme->node);
  g_free (extreme);
}

/* Integer ranges (and ranges given in pixels) stay whole numbers. */
static gboolean
range_is_integer (const AugurParamSpec *spec,
                  const AugurValue     *value)
{
  return spec->type == AUGUR_PARAM_INT_RANGE ||
         ((spec->flags & AUGUR_PARAM_PIXELS_IF_INT) && value->integers);
}

static double
range_point (const AugurParamSpec *spec,
             const AugurValue     *value,
             guint                 axis,
             AugurExtremeEnd       end)
{
  double lo = value->v[2 * axis], hi = value->v[2 * axis + 1];
  double mid = (lo + hi) / 2;

  switch (end)
    {
    case AUGUR_EXTREME_LOW:
      return lo;
    case AUGUR_EXTREME_HIGH:
      return hi;
    case AUGUR_EXTREME_MIDDLE:
    default:
      /* Rounded toward lo, so that the middle stays inside [lo, hi]. */
      return range_is_integer (spec, value) ? (lo <= hi ? floor (mid) : ceil (mid)) : mid;
    }
}

static guint
range_n_axes (const AugurParamSpec *spec)
{
  return spec->type == AUGUR_PARAM_XY_RANGE ? 2 : 1;
}

static gboolean
range_is_active (const AugurParamSpec *spec,
                 const AugurValue     *value)
{
  return augur_param_is_range (spec) &&
         !((spec->flags & AUGUR_PARAM_NULLABLE) && value->is_null);
}

/**
 * augur_extremes_new:
 * @node: a transform step
 *
 * For each range of @node (each axis of an x/y range), three variants of
 * the step: the range collapsed to its low end, its middle and its high
 * end, every other range collapsed to its middle. Ranges that are not set
 * (null) are left alone. The variants are ordered by parameter, then low,
 * middle, high.
 *
 * Returns: (transfer full) (element-type AugurExtreme): the variants; empty
 *   for a group or a step without ranges
 */
GPtrArray *
augur_extremes_new (const AugurNode *node)
{
  GPtrArray *extremes = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_extreme_free);
  const AugurTransformInfo *info;
  g_autoptr(AugurNode) middle = NULL;

  g_return_val_if_fail (node != NULL, extremes);

  if (node->kind != AUGUR_NODE_TRANSFORM)
    return extremes;
  info = node->info;

  /* Every range at its middle: the base each variant starts from. */
  middle = augur_node_copy (node);
  middle->p = 1.0;
  middle->enabled = TRUE;
  for (guint i = 0; i < info->n_params; i++)
    {
      const AugurParamSpec *spec = &info->params[i];

      if (!range_is_active (spec, &node->params[i]))
        continue;
      for (guint axis = 0; axis < range_n_axes (spec); axis++)
        {
          double m = range_point (spec, &node->params[i], axis, AUGUR_EXTREME_MIDDLE);

          middle->params[i].v[2 * axis] = m;
          middle->params[i].v[2 * axis + 1] = m;
        }
    }

  for (guint i = 0; i < info->n_params; i++)
    {
      const AugurParamSpec *spec = &info->params[i];

      if (!range_is_active (spec, &node->params[i]))
        continue;

      for (guint axis = 0; axis < range_n_axes (spec); axis++)
        for (AugurExtremeEnd end = AUGUR_EXTREME_LOW; end <= AUGUR_EXTREME_HIGH; end++)
          {
            AugurExtreme *extreme = g_new0 (AugurExtreme, 1);
            GString *label;

            extreme->param = spec->type == AUGUR_PARAM_XY_RANGE
                             ? g_strdup_printf ("%s.%s", spec->name, axis == 0 ? "x" : "y")
                             : g_strdup (spec->name);
            extreme->end = end;
            extreme->value = range_point (spec, &node->params[i], axis, end);
            extreme->node = augur_node_copy (middle);
            extreme->node->params[i].v[2 * axis] = extreme->value;
            extreme->node->params[i].v[2 * axis + 1] = extreme->value;

            label = g_string_new (extreme->param);
            g_string_append (label, " = ");
            append_number (label, extreme->value);
            extreme->label = g_string_free (label, FALSE);

            g_ptr_array_add (extremes, extreme);
          }
    }

  return extremes;
}

/**
 * augur_extreme_render:
 * @replay_out: (out) (optional): the values drawn
 *
 * Applies the variant to @src, whatever its p, with #AUGUR_EXTREMES_SEED:
 * the same image every time.
 *
 * Returns: (transfer full): the image
 */
AugurImage *
augur_extreme_render (const AugurExtreme  *extreme,
                      const AugurImage    *src,
                      AugurReplay        **replay_out)
{
  AugurShape shape = { src->width, src->height, src->channels };
  g_autoptr(AugurReplay) replay = NULL;
  AugurImage *out;

  /* No pool: a blend is left out (see augur_node_sample()). */
  replay = augur_node_sample_forced (extreme->node, &shape, AUGUR_EXTREMES_SEED);
  out = augur_node_apply (extreme->node, src, replay);
  if (replay_out)
    *replay_out = g_steal_pointer (&replay);
  return out;
}

/**
 * augur_extreme_render_full:
 * @pool: (nullable): where a blend draws its references
 *
 * As augur_extreme_render(), for blends: NULL with @error set when the
 * pool has no reference for them.
 */
AugurImage *
augur_extreme_render_full (const AugurExtreme  *extreme,
                           const AugurImage    *src,
                           AugurReferencePool  *pool,
                           AugurReplay        **replay_out,
                           GError             **error)
{
  AugurShape shape = { src->width, src->height, src->channels };
  g_autoptr(AugurReplay) replay = NULL;
  AugurImage *out;

  replay = augur_node_sample_full (extreme->node, &shape, AUGUR_EXTREMES_SEED, TRUE, pool, error);
  if (replay == NULL)
    return NULL;
  out = augur_node_apply_full (extreme->node, src, replay, pool, NULL, NULL, error);
  if (out && replay_out)
    *replay_out = g_steal_pointer (&replay);
  return out;
}

/* Filmstrip ------------------------------------------------------------------------ */

void
augur_frame_free (AugurFrame *frame)
{
  if (frame == NULL)
    return;
  g_free (frame->path);
  g_free (frame->name);
  g_free (frame->label);
  g_free (frame->values);
  g_clear_pointer (&frame->image, augur_image_unref);
  g_free (frame);
}

/* As augur_node_apply_full(), keeping the image after each applied
 * transform. Takes @image; NULL with @error set when a blend's reference
 * cannot be had. */
static AugurImage *
film_node (const AugurNode    *node,
           AugurImage         *image,
           const AugurReplay  *replay,
           AugurReferencePool *pool,
           const char         *path,
           GPtrArray          *frames,
           GError            **error)
{
  if (!replay->applied)
    return image;

  if (node->kind == AUGUR_NODE_TRANSFORM)
    {
      /* one transform node: a blend draws its references from @pool */
      AugurImage *out = augur_node_apply_full (node, image, replay, pool, NULL, NULL, error);
      AugurFrame *frame;

      augur_image_unref (image);
      if (out == NULL)
        return NULL;
      frame = g_new0 (AugurFrame, 1);
      frame->path = g_strdup (path);
      frame->name = g_strdup (node->info->name);
      frame->label = g_strdup (node->info->label);
      frame->values = augur_drawn_format (&replay->drawn, node->info->drawn);
      frame->image = augur_image_ref (out);
      g_ptr_array_add (frames, frame);
      return out;
    }

  for (guint i = 0; image != NULL && replay->steps && i < replay->steps->len; i++)
    {
      const AugurReplay *step = replay->steps->pdata[i];
      g_autofree char *child_path = *path ? g_strdup_printf ("%s.%d", path, step->index)
                                          : g_strdup_printf ("%d", step->index);

      image = film_node (node->children->pdata[step->index], image, step, pool, child_path, frames, error);
    }

  return image;
}

/**
 * augur_filmstrip_new:
 * @replay: drawn by augur_node_sample() on @pipeline
 *
 * The image after each applied transform step of @replay, in order of
 * execution; the last frame's image equals augur_node_apply()'s result.
 *
 * Returns: (transfer full) (element-type AugurFrame): the frames, empty when
 *   no step applied
 */
GPtrArray *
augur_filmstrip_new (const AugurNode   *pipeline,
                     const AugurImage  *src,
                     const AugurReplay *replay)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *frames = augur_filmstrip_new_full (pipeline, src, replay, NULL, &error);

  if (frames == NULL)
    {
      g_critical ("%s (a filmstrip with blends needs augur_filmstrip_new_full() and a pool)",
                  error->message);
      frames = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_frame_free);
    }
  return frames;
}

/**
 * augur_filmstrip_new_full:
 * @replay: drawn by augur_node_sample_full() on @pipeline with @pool
 * @pool: (nullable): where the blends of @replay find their references
 *
 * As augur_filmstrip_new(), for pipelines that hold blends: each blend's
 * frame is the blend of its references from @pool, as
 * augur_node_apply_full() makes it.
 *
 * Returns: (transfer full) (element-type AugurFrame) (nullable): the
 *   frames, or NULL with @error set when a reference is not in @pool or
 *   cannot be decoded
 */
GPtrArray *
augur_filmstrip_new_full (const AugurNode    *pipeline,
                          const AugurImage   *src,
                          const AugurReplay  *replay,
                          AugurReferencePool *pool,
                          GError            **error)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_frame_free);
  AugurImage *last;

  g_return_val_if_fail (pipeline != NULL && src != NULL && replay != NULL, NULL);

  last = film_node (pipeline, augur_image_ref ((AugurImage *) src), replay, pool, "", frames, error);
  if (last == NULL)
    return NULL;
  augur_image_unref (last);
  return g_steal_pointer (&frames);
}
