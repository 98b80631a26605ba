/* ports.c - the Ports pane. Placeholder until its collector exists: it says so. */
#include "pane.h"
#include "panes.h"

static void build(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    (void)head;
    qt_table_init(t, "Ports");
    qt_table_col(t, "", 20, QT_COL_FLEX);
    qt_view_source_state(in, QT_SRC_SOCKETS, t);
}

static const qt_view top = {
    .name = "ports",
    .build = build,
};

const qt_pane_def qt_pane_ports = {
    .name = "Ports",
    .top = &top,
};
