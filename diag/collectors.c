/* collectors.c - the table of built-in collectors, in run order.
 * procs runs first: sockets (stage mapping), servers and zombies read it. */
#include "diag/core/snapshot.h"
#include "diag/procs/procs.h"
#include "diag/ports/ports.h"
#include "diag/lint/lint.h"
#include "diag/zombies/zombies.h"

const qt_collector *const qt_collectors[] = {
    &qt_collector_procs,
    &qt_collector_sockets,
    &qt_collector_servers,
    &qt_collector_zombies,
};
const size_t qt_ncollectors = sizeof qt_collectors / sizeof qt_collectors[0];
