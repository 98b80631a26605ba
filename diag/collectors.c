/* collectors.c - the registry of collectors: the one list of them.
 * Indexed by enum qt_src_id (snapshot.h), which is also the run order: procs
 * runs first, sockets (stage mapping), servers and zombies read it; the
 * queue reads only files. Each
 * descriptor's name is the collector's name everywhere (the report's
 * "collectors" array, --load, Prometheus, the STALE lines), so a new
 * collector touches: its enum value and model pointer in snapshot.h, its
 * package, and one line here. */
#include "diag/core/snapshot.h"
#include "diag/procs/procs.h"
#include "diag/ports/ports.h"
#include "diag/lint/lint.h"
#include "diag/zombies/zombies.h"
#include "diag/queue/queue.h"
#include "diag/config/config.h"
#include "diag/logmon/logmon.h"
#include "diag/kernel/kernel.h"

const qt_collector *const qt_collectors[] = {
    [QT_SRC_PROCS] = &qt_collector_procs,
    [QT_SRC_SOCKETS] = &qt_collector_sockets,
    [QT_SRC_SERVERS] = &qt_collector_servers,
    [QT_SRC_ZOMBIES] = &qt_collector_zombies,
    [QT_SRC_QUEUE] = &qt_collector_queue,
    [QT_SRC_CONFIG] = &qt_collector_config,
    [QT_SRC_LOGS] = &qt_collector_logs,
    [QT_SRC_KERNEL] = &qt_collector_kernel,
    [QT_SRC_FIREWALL] = &qt_collector_firewall,
};
/* every id has its collector (a hole in the middle is caught by test_registry) */
_Static_assert(sizeof qt_collectors / sizeof qt_collectors[0] == QT_SRC_COUNT, "one collector per enum qt_src_id");
const size_t qt_ncollectors = sizeof qt_collectors / sizeof qt_collectors[0];
