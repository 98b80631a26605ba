/* ipcounter.h - sockets counted per remote IP in one pass: an
 * open-addressing table keyed by (key, family, address), where key is what
 * the caller counts apart (a service index, or 0). Its owner keeps it
 * across samples: a new count forgets the last one in O(1) (a generation
 * number per slot), so a steady sample neither sorts nor faults in fresh
 * memory (issue 19, docs/performance-ports.md).
 *
 * Zero-initialise ({0}) before the first qt_ipcounter_start; free with
 * qt_ipcounter_free. Not thread-safe (one owner). */
#ifndef QT_PORTS_IPCOUNTER_H
#define QT_PORTS_IPCOUNTER_H

#include <stddef.h>
#include <stdint.h>

#include "diag/core/ctx.h"

struct qt_ipcounter_slot;
typedef struct qt_ipcounter {
    struct qt_ipcounter_slot *slot;
    size_t mask;      /* slots - 1 (0: no table yet) */
    size_t used;      /* keys of this generation */
    uint32_t gen;     /* slots of another generation are empty */
} qt_ipcounter;

/* Start a new count of about n additions (a hint: the table grows as
 * needed, at most half full). */
void qt_ipcounter_start(qt_ipcounter *c, size_t n);
/* Count one socket from (family, addr) under key: addr is 4 bytes for
 * AF_INET, 16 otherwise. Returns that (key, IP)'s count so far, >= 1. */
unsigned qt_ipcounter_add(qt_ipcounter *c, int key, int family, const uint8_t *addr);
void qt_ipcounter_free(qt_ipcounter *c);

/* peak[i] = the largest number of established connections one remote IP
 * holds on watched service i past the TLS handshake (stage mail or
 * program), for every i < QT_MAX_SERVICES; 0 when none or when m (may be
 * NULL) has no owners. c is the caller's counter, kept across samples. */
struct qt_sockets;
void qt_ports_ip_peaks(const struct qt_sockets *m, qt_ipcounter *c, unsigned peak[QT_MAX_SERVICES]);

#endif
