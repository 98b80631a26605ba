/* probes.h - the console's one probe scheduler (diag/probe/probe_sched.h),
 * process-wide like the wizard session: the shell (tui/loop.c) plans and
 * starts the due probes and puts their results into each sample; the
 * Servers pane asks for an idle-drop probe on P and shows the results in
 * its details. */
#ifndef QT_PANES_PROBES_H
#define QT_PANES_PROBES_H

#include "diag/probe/probe_sched.h"
#include "panes/pane.h"
#include "panes/table.h"

/* The scheduler (never NULL; zero until the first update). */
qt_probe_sched *qt_panes_probes(void);
/* Rows "probe ..." for the service on port in a key/value detail table:
 * the last handshake and idle results, or why it is not probed. */
void qt_panes_probe_rows(const struct qt_view_in *in, unsigned port, qt_table *t);

#endif
