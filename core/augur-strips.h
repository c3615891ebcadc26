/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Strips: a kernel whose output rows are independent of each other hands
 * them out in strips of AUGUR_STRIP_ROWS, to this thread and, when the
 * image is large enough to pay for it, to helper threads. Each row is
 * computed by exactly the code it would be on one thread, so the bytes do
 * not depend on how many threads ran. Between strips, the cancellable of
 * the current apply (augur_strips_push_cancellable ()) is checked; once it
 * is cancelled no further strip starts and augur_strips_run () returns
 * FALSE, leaving the rest of the output unwritten.
 */

#define AUGUR_STRIP_ROWS 32

/* Computes rows [@first, @last) of the output. */
typedef void (*AugurStripFunc) (gpointer data,
                                int      first,
                                int      last);

gboolean      augur_strips_run               (int             n_rows,
                                              double          work_per_row,
                                              AugurStripFunc  func,
                                              gpointer        data);
void          augur_strips_set_max_threads   (int             n);
guint         augur_strips_helpers_started   (void);
int           augur_strips_get_max_threads   (void);
void          augur_strips_push_cancellable  (GCancellable   *cancellable);
void          augur_strips_pop_cancellable   (void);
GCancellable *augur_strips_get_cancellable   (void);

G_END_DECLS
