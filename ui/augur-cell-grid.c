/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-cell-grid"

#include "config.h"

#include <math.h>

#include "augur-cell-grid.h"

/*
 * AugurCellGrid: equal cells, as large as the space allows.
 *
 * A GtkGrid with a fixed number of columns sizes its cells by the width
 * alone: in a wide, short area the draws stay small and leave the bottom
 * empty, in a tall, narrow one they overflow. This grid tries every number
 * of columns and keeps the one that gives the largest cells that fit both
 * the width and the height, for cells of the children's aspect ratio (the
 * first child's height for a width, as an image's picture reports it).
 * Cells that do not fill the area are centred across and start at the top.
 * Many cells keep a readable size and the grid grows downwards instead.
 */

/* Cells never get smaller than this; a smaller area clips. */
#define MIN_CELL 32
/* More cells than a preview grid holds (one draw of each of many samples):
 * they keep a size at which an image and its name can be read, and the
 * grid grows downwards, for a scrolled window around it. */
#define MANY_CELLS    16
#define READABLE_CELL 128

struct _AugurCellGrid
{
  GtkWidget parent_instance;

  int       spacing;
  guint     columns;     /* of the last allocation */
  int       cell_width;
};

G_DEFINE_FINAL_TYPE (AugurCellGrid, augur_cell_grid, GTK_TYPE_WIDGET)

static guint
count_children (AugurCellGrid *self)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_should_layout (child))
      n++;
  return n;
}

/* Width over height of the cells, from the first child. */
static double
cell_aspect (AugurCellGrid *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
  int min = 0, nat = 0, half = 0;

  if (child == NULL)
    return 1.0;
  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, 1000, &min, &nat, NULL, NULL);
  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, 500, &min, &half, NULL, NULL);
  /* no image yet (its height does not follow the width): square cells */
  if (nat <= half || nat <= 0)
    return 1.0;
  return CLAMP (1000.0 / nat, 0.1, 10.0);
}

/**
 * augur_cell_grid_best_fit:
 * @aspect: the cells' width over height
 *
 * The number of columns that gives @n cells of @aspect the largest width
 * inside @width × @height with @spacing between them, and that width.
 */
void
augur_cell_grid_best_fit (guint   n,
                          int     width,
                          int     height,
                          int     spacing,
                          double  aspect,
                          guint  *columns,
                          int    *cell_width)
{
  guint best_cols = 1;
  double best = -1;

  for (guint cols = 1; cols <= MAX (n, 1); cols++)
    {
      guint rows = (MAX (n, 1) + cols - 1) / cols;
      double w = (double) (width - (int) (cols - 1) * spacing) / cols;
      double h = (double) (height - (int) (rows - 1) * spacing) / rows;
      double size = MIN (w, h * aspect);

      /* (strictly larger: on a tie, fewer columns, the squarer block) */
      if (size > best + 0.5)
        {
          best = size;
          best_cols = cols;
        }
    }
  *columns = best_cols;
  *cell_width = MAX (MIN_CELL, (int) floor (best));
}

/* For many cells: as many readable columns as @width holds, and their width. */
static void
readable_fit (int    width,
              int    spacing,
              guint *columns,
              int   *cell_width)
{
  guint cols = (guint) MAX (1, (width + spacing) / (READABLE_CELL + spacing));

  *columns = cols;
  *cell_width = MAX (MIN_CELL, (width - (int) (cols - 1) * spacing) / (int) cols);
}

static void
augur_cell_grid_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  AugurCellGrid *self = AUGUR_CELL_GRID (widget);
  guint n = count_children (self);
  guint cols = MAX (1, (guint) ceil (sqrt ((double) MAX (n, 1))));
  guint rows = (MAX (n, 1) + cols - 1) / cols;

  /* Small at least, so that the window can be narrow; naturally a square
   * block of comfortable cells. The allocation decides the real layout. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_CELL;
      *natural = (int) cols * 160 + (int) (cols - 1) * self->spacing;
    }
  else if (n > MANY_CELLS)
    {
      double aspect = cell_aspect (self);
      int cell;

      readable_fit (for_size > 0 ? for_size : (int) cols * 160, self->spacing, &cols, &cell);
      rows = (n + cols - 1) / cols;
      *minimum = *natural = (int) rows * (int) (cell / aspect) + (int) (rows - 1) * self->spacing;
    }
  else
    {
      double aspect = cell_aspect (self);
      int cell = for_size > 0 ? (for_size - (int) (cols - 1) * self->spacing) / (int) cols : 160;

      *minimum = MIN_CELL;
      *natural = (int) rows * (int) (MAX (cell, MIN_CELL) / aspect) + (int) (rows - 1) * self->spacing;
    }
  *natural = MAX (*natural, *minimum);
}

static void
augur_cell_grid_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  AugurCellGrid *self = AUGUR_CELL_GRID (widget);
  guint n = count_children (self);
  double aspect = cell_aspect (self);
  guint cols, i = 0;
  int cell_w, cell_h, block_w, x0;

  augur_cell_grid_best_fit (n, width, height, self->spacing, aspect, &cols, &cell_w);
  if (n > MANY_CELLS && cell_w < READABLE_CELL)
    readable_fit (width, self->spacing, &cols, &cell_w);
  cell_h = MAX (1, (int) floor (cell_w / aspect));
  block_w = (int) cols * cell_w + (int) (cols - 1) * self->spacing;
  x0 = MAX (0, (width - block_w) / 2);
  self->columns = cols;
  self->cell_width = cell_w;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkAllocation a;
      int min = 0;

      if (!gtk_widget_should_layout (child))
        continue;
      /* (a child's own minimum is respected, as GTK requires) */
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      a.x = x0 + (int) (i % cols) * (cell_w + self->spacing);
      a.y = (int) (i / cols) * (cell_h + self->spacing);
      a.width = MAX (cell_w, min);
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, a.width, &min, NULL, NULL, NULL);
      a.height = MAX (cell_h, min);
      gtk_widget_size_allocate (child, &a, -1);
      i++;
    }
}

static void
augur_cell_grid_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (augur_cell_grid_parent_class)->dispose (object);
}

static void
augur_cell_grid_class_init (AugurCellGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = augur_cell_grid_dispose;
  widget_class->measure = augur_cell_grid_measure;
  widget_class->size_allocate = augur_cell_grid_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "augur-cell-grid");
}

static void
augur_cell_grid_init (AugurCellGrid *self)
{
  self->spacing = 6;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
augur_cell_grid_new (void)
{
  return g_object_new (AUGUR_TYPE_CELL_GRID, NULL);
}

void
augur_cell_grid_append (AugurCellGrid *self,
                        GtkWidget     *child)
{
  g_return_if_fail (AUGUR_IS_CELL_GRID (self));
  g_return_if_fail (gtk_widget_get_parent (child) == NULL);

  gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
}

void
augur_cell_grid_remove (AugurCellGrid *self,
                        GtkWidget     *child)
{
  g_return_if_fail (AUGUR_IS_CELL_GRID (self));
  g_return_if_fail (gtk_widget_get_parent (child) == GTK_WIDGET (self));

  gtk_widget_unparent (child);
}

/* The layout of the last allocation: columns and cell width. */
guint
augur_cell_grid_get_columns (AugurCellGrid *self)
{
  g_return_val_if_fail (AUGUR_IS_CELL_GRID (self), 0);
  return self->columns;
}

int
augur_cell_grid_get_cell_width (AugurCellGrid *self)
{
  g_return_val_if_fail (AUGUR_IS_CELL_GRID (self), 0);
  return self->cell_width;
}
