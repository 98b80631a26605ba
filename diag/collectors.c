/* collectors.c - the table of built-in collectors, in run order.
 * procs runs first: sockets (stage mapping), servers and zombies read it. */
#include "snapshot.h"
#include "procs.h"
#include "ports.h"
#include "servers.h"
#include "zombies.h"

const qt_collector *const qt_collectors[] = {
    &qt_collector_procs,
    &qt_collector_sockets,
    &qt_collector_servers,
    &qt_collector_zombies,
};
const size_t qt_ncollectors = sizeof qt_collectors / sizeof qt_collectors[0];
