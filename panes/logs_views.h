/* logs_views.h - internal to the Logs pane (panes/logs*.c): the views
 * one file opens from another's rows. */
#ifndef QT_LOGS_VIEWS_H
#define QT_LOGS_VIEWS_H

#include "panes/pane.h"

/* tcpserver's listeners: concurrency, time at the limit, denies, abnormal
 * ends, starts (panes/logs_tcp.c); its rows drill to one listener. */
extern const qt_view qt_logs_tcp_view;

#endif
