/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-cost.h"
#include "augur-error.h"
#include "augur-resample.h"
#include "augur-rng.h"

/*
 * The cost model: an upper bound of the work and memory one input costs a
 * recipe, from the transform table alone, so that a recipe that would take
 * minutes or gigabytes per image is refused before its first pixel.
 *
 * Work is counted in operations, not seconds:
 * - a pixel-level transform: PIXEL_OPS per channel value (table lookups,
 *   a few multiply-adds), unless it declares more (a blur counts its taps);
 * - a warp: per output channel value, the taps of its interpolation
 *   (nearest 1, linear and area 4, cubic 16, Lanczos 64), and per output
 *   pixel COORD_OPS for its source coordinate.
 * On one core of a 2020s desktop an operation takes roughly a nanosecond
 * or less, SIMD loops far less: the budget is a guard against the
 * unbounded, not a prediction.
 *
 * Memory is the peak of one step: its input, its output and its own
 * buffers; a recipe's peak is the largest step's, as each image is freed
 * once the next step has it.
 */

#define PIXEL_OPS 4.0
#define COORD_OPS 8.0

double
augur_cost_image_bytes (const AugurShape *shape)
{
  return (double) shape->width * shape->height * shape->channels;
}

double
augur_cost_warp_work (const AugurShape *out,
                      int               interpolation)
{
  static const double taps[] = {
    [AUGUR_INTERP_NEAREST] = 1,
    [AUGUR_INTERP_LINEAR] = 4,
    [AUGUR_INTERP_CUBIC] = 16,
    [AUGUR_INTERP_AREA] = 4,
    [AUGUR_INTERP_LANCZOS4] = 64,
  };
  double t = interpolation >= 0 && (guint) interpolation < G_N_ELEMENTS (taps) ? taps[interpolation] : 64;

  return (double) out->width * out->height * (out->channels * t + COORD_OPS);
}

/* A warp from @in to @out: its taps per output value, its input and output. */
void
augur_cost_set_warp (const AugurShape *in,
                     const AugurShape *out,
                     int               interpolation,
                     AugurCost        *cost)
{
  cost->work = augur_cost_warp_work (out, interpolation);
  cost->memory = augur_cost_image_bytes (in) + augur_cost_image_bytes (out);
}

/* A copy of pixels, moved but not computed (crops, quarter turns). */
void
augur_cost_set_copy (const AugurShape *in,
                     const AugurShape *out,
                     AugurCost        *cost)
{
  cost->work = augur_cost_image_bytes (out);
  cost->memory = augur_cost_image_bytes (in) + augur_cost_image_bytes (out);
}

/* The generic estimate: the output shape of one draw (exact for every
 * transform whose output size follows from its parameters alone; those
 * whose size is drawn declare a hook), and work that grows with it. */
static void
generic_cost (const AugurTransformInfo *info,
              const AugurValue         *params,
              const AugurShape         *in,
              AugurShape               *out,
              AugurCost                *cost)
{
  AugurDrawn drawn;
  AugurRng rng;

  augur_drawn_init (&drawn);
  augur_rng_init (&rng, 1);
  info->sample (params, in, &rng, &drawn);
  augur_transform_output_shape (info, params, &drawn, in, out);
  augur_drawn_clear (&drawn);

  if (info->geometry != NULL)
    {
      int interp = augur_transform_param_index (info, "interpolation");

      augur_cost_set_warp (in, out, interp >= 0 ? params[interp].nick : AUGUR_INTERP_LINEAR, cost);
      return;
    }
  cost->work = MAX (augur_cost_image_bytes (in), augur_cost_image_bytes (out)) * PIXEL_OPS;
  cost->memory = augur_cost_image_bytes (in) + augur_cost_image_bytes (out);
}

/**
 * augur_transform_cost:
 * @out: (out): the largest output shape any draw can give
 *
 * The most one application of @info with @params can cost on an input of
 * shape @in.
 */
void
augur_transform_cost (const AugurTransformInfo *info,
                      const AugurValue         *params,
                      const AugurShape         *in,
                      AugurShape               *out,
                      AugurCost                *cost)
{
  g_return_if_fail (info != NULL && in != NULL && out != NULL && cost != NULL);

  *cost = (AugurCost) { 0, 0 };
  *out = *in;
  if (info->cost != NULL)
    info->cost (params, in, out, cost);
  else
    generic_cost (info, params, in, out, cost);
}

static void
shape_max (AugurShape       *a,
           const AugurShape *b)
{
  a->width = MAX (a->width, b->width);
  a->height = MAX (a->height, b->height);
  a->channels = MAX (a->channels, b->channels);
}

static void
chain (const AugurNode  *node,
       guint             repeats,
       const AugurShape *in,
       AugurShape       *out,
       AugurCost        *cost)
{
  AugurShape shape = *in;

  for (guint r = 0; r < repeats; r++)
    for (guint i = 0; i < node->children->len; i++)
      {
        AugurShape next;
        AugurCost step;

        augur_node_cost (node->children->pdata[i], &shape, &next, &step);
        cost->work += step.work;
        cost->memory = MAX (cost->memory, step.memory);
        shape = next;
      }
  *out = shape;
}

/**
 * augur_node_cost:
 * @out: (out): the largest shape the node's output can have
 *
 * The most @node can cost one input of shape @in: every enabled step taken
 * to apply; a OneOf costs its dearest child; SomeOf and RandomOrder cost all
 * their steps (n times each, with replacement), in list order.
 */
void
augur_node_cost (const AugurNode  *node,
                 const AugurShape *in,
                 AugurShape       *out,
                 AugurCost        *cost)
{
  g_return_if_fail (node != NULL && in != NULL && out != NULL && cost != NULL);

  *out = *in;
  *cost = (AugurCost) { 0, augur_cost_image_bytes (in) };
  if (!node->enabled)
    return;

  switch (node->kind)
    {
    case AUGUR_NODE_TRANSFORM:
      augur_transform_cost (node->info, node->params, in, out, cost);
      break;

    case AUGUR_NODE_ONE_OF:
      for (guint i = 0; i < node->children->len; i++)
        {
          AugurShape child_out;
          AugurCost child;

          augur_node_cost (node->children->pdata[i], in, &child_out, &child);
          cost->work = MAX (cost->work, child.work);
          cost->memory = MAX (cost->memory, child.memory);
          shape_max (out, &child_out);
        }
      break;

    case AUGUR_NODE_SOME_OF:
    case AUGUR_NODE_RANDOM_ORDER:
      chain (node, node->replace ? (guint) MAX (node->n, 1) : 1, in, out, cost);
      break;

    case AUGUR_NODE_SEQUENTIAL:
    default:
      chain (node, 1, in, out, cost);
      break;
    }
}

/* g_format_size() with a plain space, for messages read in any locale. */
static char *
format_bytes (double bytes)
{
  g_autofree char *text = g_format_size ((guint64) CLAMP (bytes, 0, 1e18));
  g_auto(GStrv) parts = g_strsplit (text, "\u00a0", -1);

  return g_strjoinv (" ", parts);
}

static char *
format_work (double work)
{
  if (work >= 1e9)
    return g_strdup_printf ("%.1f G operations", work / 1e9);
  if (work >= 1e6)
    return g_strdup_printf ("%.1f M operations", work / 1e6);
  return g_strdup_printf ("%.0f operations", work);
}

/**
 * augur_cost_describe:
 *
 * Returns: "about 1.2 G operations and 45 MB at the peak"
 */
char *
augur_cost_describe (const AugurCost *cost)
{
  g_autofree char *work = format_work (cost->work);
  g_autofree char *memory = format_bytes (cost->memory);

  return g_strdup_printf ("about %s and %s at the peak", work, memory);
}

/**
 * augur_cost_check:
 * @max_work: at most this much work (0: no limit)
 * @max_memory: at most this many bytes (0: no limit)
 *
 * Returns: %TRUE within the budget; else %FALSE with %AUGUR_ERROR_TOO_LARGE
 *   saying what is over, by how much
 */
gboolean
augur_cost_check (const AugurCost  *cost,
                  double            max_work,
                  double            max_memory,
                  GError          **error)
{
  if (max_work > 0 && cost->work > max_work)
    {
      g_autofree char *is = format_work (cost->work);
      g_autofree char *limit = format_work (max_work);

      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                   "the recipe would cost up to %s on this input, over the budget of %s (--max-cost)",
                   is, limit);
      return FALSE;
    }
  if (max_memory > 0 && cost->memory > max_memory)
    {
      g_autofree char *is = format_bytes (cost->memory);
      g_autofree char *limit = format_bytes (max_memory);

      g_set_error (error, AUGUR_ERROR, AUGUR_ERROR_TOO_LARGE,
                   "the recipe would hold up to %s at once on this input, over the budget of %s "
                   "(--max-memory)", is, limit);
      return FALSE;
    }
  return TRUE;
}
