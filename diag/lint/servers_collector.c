/* servers_collector.c - the servers collector: the model is read by
 * diag/servers/ (servers.h), the analyser is the lint (lint.h). It is
 * assembled here, above both, because the lint also reads the Ports model,
 * which itself reads the servers model. */
#include "diag/lint/lint.h"
#include "diag/servers/servers.h"
#include "diag/core/snapshot.h"

const qt_collector qt_collector_servers = {
    .id = QT_SRC_SERVERS,
    .name = "servers",
    .collect = qt_servers_collector_collect,
    .measure = qt_servers_collector_measure,
    .analyse = qt_servers_lint,
    .free_model = qt_servers_collector_free_model,
    .free_state = qt_servers_collector_free_state,
};
