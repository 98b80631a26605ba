/* panes.h - the built-in panes (the list in screen order is panes/panes.c). */
#ifndef QT_PANES_H
#define QT_PANES_H

#include "panes/pane.h"

extern const qt_pane_def qt_pane_ports;
extern const qt_pane_def qt_pane_servers;
extern const qt_pane_def qt_pane_zombies;
extern const qt_pane_def qt_pane_config;
extern const qt_pane_def qt_pane_findings;
extern const qt_pane_def qt_pane_auth;
extern const qt_pane_def qt_pane_queue;
extern const qt_pane_def qt_pane_logs;

#endif
