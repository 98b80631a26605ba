/* panes.c - screen order of the panes. */
#include "panes/panes.h"

const qt_pane_def *const qt_panes[] = {
    &qt_pane_ports,
    &qt_pane_servers,
    &qt_pane_zombies,
    &qt_pane_findings,
    &qt_pane_auth,
    &qt_pane_queue,
    &qt_pane_config,
    &qt_pane_logs,
};
const size_t qt_npanes = sizeof qt_panes / sizeof qt_panes[0];
