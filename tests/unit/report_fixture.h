/* report_fixture.h - a synthetic snapshot and a "Fixture" pane whose cells
 * hold quotes, backslashes, control bytes and non-UTF-8, ids that are not
 * UTF-8, a drill chain deeper than the report keeps and a view with more
 * drillable rows than the report saves. Shared by the report tests. */
#ifndef QT_REPORT_FIXTURE_H
#define QT_REPORT_FIXTURE_H

#include "report/report.h"

extern const qt_pane_def fx_pane;
extern const qt_pane_def *const fx_panes[];
extern const size_t fx_npanes;

#define FX_WALL 1700000000.25
#define FX_NOW 1700000100.0
#define FX_MANY 250     /* rows of fx.many, each drillable */

/* ctx with a fake clock, and a snapshot with findings, metrics and collector
 * states (caller qt_snapshot_free()s it). */
void fx_ctx(qt_ctx *ctx);
qt_snapshot *fx_snapshot(void);

#endif
