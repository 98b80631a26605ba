/* servers.c - the Servers pane. Placeholder until its collector exists: it says so. */
#include "pane.h"
#include "panes.h"

static void build(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    (void)head;
    qt_table_init(t, "Servers");
    qt_table_col(t, "", 20, QT_COL_FLEX);
    qt_view_source_state(in, QT_SRC_SERVERS, t);
}

static const qt_view top = {
    .name = "servers",
    .build = build,
};

const qt_pane_def qt_pane_servers = {
    .name = "Servers",
    .top = &top,
};
