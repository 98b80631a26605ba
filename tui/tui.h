/* tui.h - the interactive console. */
#ifndef QT_TUI_H
#define QT_TUI_H

#include "src/options.h"

/* Run the console until the user quits or a terminating signal arrives.
 * The terminal is always restored. Returns the process exit code. */
int qt_tui_run(const qt_options *o);

#endif
