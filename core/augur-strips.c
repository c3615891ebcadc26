/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-strips.h"

/*
 * Helper threads are started per call and joined before it returns: the
 * kernels that use strips take milliseconds on the images that qualify,
 * against tens of microseconds to start a thread. Process-wide, at most
 * max_threads - 1 helpers run at once, so that the batch runner's workers
 * (one input each) do not multiply into more threads than cores: a call
 * that finds no helper free does its strips alone.
 */

/* Below this much work (bytes of output, times taps), one thread does
 * it all. */
#define STRIPS_MIN_WORK (1 << 20)

static gint max_threads = 0;       /* 0: the processor count */
static gint active_helpers = 0;
static guint helpers_started = 0;  /* ever, for tests */
static GPrivate current_cancellable;

typedef struct
{
  AugurStripFunc  func;
  gpointer        data;
  int             n_rows;
  gint            next;           /* the next strip to hand out */
  gint            stopped;        /* a strip found the apply cancelled */
  GCancellable   *cancellable;
} Strips;

/**
 * augur_strips_set_max_threads:
 * @n: threads per call, this one included; 0 for the processor count
 *
 * How many threads one kernel may use (tests compare 1 with N; the
 * default uses every core).
 */
void
augur_strips_set_max_threads (int n)
{
  g_return_if_fail (n >= 0);
  g_atomic_int_set (&max_threads, n);
}

/* How many helper threads have been started, in all: a test's proof
 * that a kernel did run on several threads. */
guint
augur_strips_helpers_started (void)
{
  return g_atomic_int_get (&helpers_started);
}

int
augur_strips_get_max_threads (void)
{
  int n = g_atomic_int_get (&max_threads);

  return n > 0 ? n : (int) g_get_num_processors ();
}

/**
 * augur_strips_push_cancellable:
 *
 * Makes @cancellable (or none) the one that kernels run by this thread
 * check between strips, until augur_strips_pop_cancellable (). Not nested:
 * one apply at a time per thread.
 */
void
augur_strips_push_cancellable (GCancellable *cancellable)
{
  g_private_set (&current_cancellable, cancellable);
}

void
augur_strips_pop_cancellable (void)
{
  g_private_set (&current_cancellable, NULL);
}

GCancellable *
augur_strips_get_cancellable (void)
{
  return g_private_get (&current_cancellable);
}

static void
strips_work (Strips *s)
{
  for (;;)
    {
      int strip = g_atomic_int_add (&s->next, 1);
      int first = strip * AUGUR_STRIP_ROWS;

      if (first >= s->n_rows || g_atomic_int_get (&s->stopped))
        return;
      if (s->cancellable != NULL && g_cancellable_is_cancelled (s->cancellable))
        {
          g_atomic_int_set (&s->stopped, 1);
          return;
        }
      s->func (s->data, first, MIN (first + AUGUR_STRIP_ROWS, s->n_rows));
    }
}

static gpointer
strips_helper (gpointer data)
{
  strips_work (data);
  return NULL;
}

/* Takes up to @want helper slots of the process-wide allowance. */
static int
take_helpers (int want)
{
  int limit = augur_strips_get_max_threads () - 1;

  for (;;)
    {
      int active = g_atomic_int_get (&active_helpers);
      int take = MIN (want, limit - active);

      if (take <= 0)
        return 0;
      if (g_atomic_int_compare_and_exchange (&active_helpers, active, active + take))
        return take;
    }
}

/**
 * augur_strips_run:
 * @n_rows: rows of the output
 * @work_per_row: the work of one output row (bytes written, times taps
 *   where a kernel has many), to judge whether helpers pay
 * @func: computes a range of rows
 *
 * Runs @func over [0, @n_rows) in strips, on helper threads too when the
 * output is large. Returns when every strip has finished.
 *
 * Returns: %TRUE when every row was computed, %FALSE when the current
 *   cancellable was cancelled first.
 */
gboolean
augur_strips_run (int             n_rows,
                  double          work_per_row,
                  AugurStripFunc  func,
                  gpointer        data)
{
  Strips s = { func, data, n_rows, 0, 0, augur_strips_get_cancellable () };
  int n_strips = (n_rows + AUGUR_STRIP_ROWS - 1) / AUGUR_STRIP_ROWS;
  int helpers = 0;
  GThread *threads[16];

  g_return_val_if_fail (func != NULL, FALSE);

  if (n_rows * work_per_row >= STRIPS_MIN_WORK && n_strips > 1)
    helpers = take_helpers (MIN (n_strips - 1, (int) G_N_ELEMENTS (threads)));
  for (int i = 0; i < helpers; i++)
    threads[i] = g_thread_new ("augur-strips", strips_helper, &s);
  if (helpers > 0)
    g_atomic_int_add (&helpers_started, helpers);
  strips_work (&s);
  for (int i = 0; i < helpers; i++)
    g_thread_join (threads[i]);
  if (helpers > 0)
    g_atomic_int_add (&active_helpers, -helpers);

  return !g_atomic_int_get (&s.stopped);
}
