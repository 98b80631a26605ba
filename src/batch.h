/* batch.h - headless output: every pane's top view in full, then all findings. */
#ifndef QT_BATCH_H
#define QT_BATCH_H

#include "diag/core/util.h"
#include "diag/core/snapshot.h"

/* Append the plain-text rendering of snap (no escape codes) to out. */
void qt_batch_render(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_buf *out);
struct qt_view_in;
struct qt_view;
/* Append one view (its head table, then its rows) as plain text to out. */
void qt_batch_render_view(const struct qt_view_in *in, const struct qt_view *v, qt_buf *out);
struct qt_report_store;
/* The same for a loaded report (--load F --once): a first line "LOADED
 * <path>: ..." then exactly what a live sample prints, panes as saved. */
void qt_batch_render_loaded(const struct qt_report_store *st, const char *path, qt_buf *out);
int qt_batch_run_loaded(const struct qt_report_store *st, const char *path);
/* Run --batch: count samples interval seconds apart, printed to stdout.
 * Each sample is bounded by timeout seconds (--timeout; 0 = none): past it
 * the process prints "qtriage: timed out ..." on stderr and exits 1, like
 * the headless modes. Returns the exit code. */
int qt_batch_run(const qt_ctx *ctx, unsigned long count, double interval, double timeout);

#endif
