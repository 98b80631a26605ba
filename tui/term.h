/* term.h - owning the terminal: curses setup and teardown, colours by
 * semantic role, and signals. The terminal is restored on every exit path:
 * normal return, SIGINT/SIGTERM/SIGHUP/SIGQUIT (flagged, handled by the loop), and
 * fatal signals (best-effort endwin, then the signal is re-raised).
 */
#ifndef QT_TERM_H
#define QT_TERM_H

#include <curses.h>

#include "panes/table.h"

/* Roles beyond the table roles, for the shell's own chrome. */
enum {
    QT_ROLE_TITLE = QT_ROLE_COUNT,   /* focused pane title */
    QT_ROLE_BAR,                     /* header and key bar */
    QT_ROLE_SELECT,                  /* selected row */
    QT_ROLE_ALL
};

struct qt_term_opts {
    int no_color;
    int ascii;
};

/* Start curses on the controlling terminal. Returns 0, or -1 with a message
 * on stderr (e.g. stdout is not a terminal). */
int qt_term_init(const struct qt_term_opts *o);
/* Restore the terminal (idempotent; safe from atexit). */
void qt_term_done(void);
/* Attribute for a role (colour pair or mono attributes). */
attr_t qt_term_attr(int role);
/* 1 when line-drawing glyphs and UTF-8 are usable (not --ascii, UTF-8 locale). */
int qt_term_utf8(void);

/* Read end of the self-pipe that becomes readable when a terminating signal
 * arrived; qt_term_signalled() then returns the signal number (0 if none). */
int qt_term_signal_fd(void);
int qt_term_signalled(void);

#endif
