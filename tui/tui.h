/* tui.h - the interactive console. */
#ifndef QT_TUI_H
#define QT_TUI_H

#include "diag/core/ctx.h"

struct qt_report_store;

/* What the console needs from the command line (src/main.c fills it from
 * struct qt_options). Pointers are borrowed for the whole run. */
struct qt_tui_config {
    const qt_ctx *ctx;        /* the live sampling context (read_only inside); not NULL */
    double interval;          /* seconds between samples */
    const char *report_dir;   /* where w writes (NULL: the report code's default) */
    const struct qt_report_store *store;  /* a loaded --load report, else NULL */
    const char *load;         /* its file name, for the status line (set with store) */
    int no_color, ascii;
};

/* Run the console until the user quits or a terminating signal arrives.
 * The terminal is always restored. Returns the process exit code. */
int qt_tui_run(const struct qt_tui_config *cfg);

#endif
