/* ipcounter.c - see ipcounter.h. */
#include "diag/ports/ipcounter.h"
#include "diag/ports/ports.h"
#include "diag/core/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct qt_ipcounter_slot {
    uint32_t gen;      /* == the counter's gen: in use */
    unsigned n;
    int key;
    uint8_t family, addr[16];
};

static size_t alen(int family)
{
    return family == AF_INET ? 4 : 16;
}

static size_t slot_of(const qt_ipcounter *c, int key, int family, const uint8_t *addr)
{
    uint64_t h = qt_fnv1a(QT_FNV1A_INIT, &key, sizeof key);
    h = qt_fnv1a(h ^ (uint64_t)(uint8_t)family, addr, alen(family));
    return (size_t)h & c->mask;
}

/* A table of size slots (a power of two) holding this generation's keys. */
static void resize(qt_ipcounter *c, size_t size)
{
    struct qt_ipcounter_slot *old = c->slot;
    size_t oldn = c->slot ? c->mask + 1 : 0;

    c->slot = qt_calloc(size, sizeof *c->slot);
    c->mask = size - 1;
    for (size_t i = 0; i < oldn; i++) {
        size_t k;
        if (old[i].gen != c->gen)
            continue;
        for (k = slot_of(c, old[i].key, old[i].family, old[i].addr); c->slot[k].gen == c->gen; k = (k + 1) & c->mask)
            ;
        c->slot[k] = old[i];
    }
    free(old);
}

void qt_ipcounter_start(qt_ipcounter *c, size_t n)
{
    size_t size = c->slot ? c->mask + 1 : 64;

    if (++c->gen == 0) { /* wrapped: old generations could look current */
        if (c->slot)
            memset(c->slot, 0, (c->mask + 1) * sizeof *c->slot);
        c->gen = 1;
    }
    c->used = 0;
    while (size < 2 * n + 2)
        size *= 2;
    if (!c->slot || size != c->mask + 1)
        resize(c, size);
}

unsigned qt_ipcounter_add(qt_ipcounter *c, int key, int family, const uint8_t *addr)
{
    size_t i, l = alen(family);
    struct qt_ipcounter_slot *s;

    if (!c->slot)
        qt_ipcounter_start(c, 0);
    for (i = slot_of(c, key, family, addr); c->slot[i].gen == c->gen; i = (i + 1) & c->mask) {
        s = &c->slot[i];
        if (s->key == key && s->family == family && memcmp(s->addr, addr, l) == 0)
            return ++s->n;
    }
    if (2 * (c->used + 1) > c->mask + 1) {
        resize(c, 2 * (c->mask + 1));
        for (i = slot_of(c, key, family, addr); c->slot[i].gen == c->gen; i = (i + 1) & c->mask)
            ;
    }
    s = &c->slot[i];
    memset(s, 0, sizeof *s);
    s->gen = c->gen;
    s->key = key;
    s->family = (uint8_t)family;
    memcpy(s->addr, addr, l);
    c->used++;
    return s->n = 1;
}

void qt_ipcounter_free(qt_ipcounter *c)
{
    free(c->slot);
    memset(c, 0, sizeof *c);
}

void qt_ports_ip_peaks(const struct qt_sockets *m, qt_ipcounter *c, unsigned peak[QT_MAX_SERVICES])
{
    memset(peak, 0, QT_MAX_SERVICES * sizeof *peak);
    if (!m || !m->own)
        return;
    qt_ipcounter_start(c, m->socks.n);
    for (size_t i = 0; i < m->socks.n; i++) {
        const struct qt_sock *s = &m->socks.v[i];
        unsigned n;
        if (s->svc < 0 || s->svc >= QT_MAX_SERVICES || s->state != QT_TCP_ESTABLISHED ||
            (m->own[i].stage != QT_STAGE_MAIL && m->own[i].stage != QT_STAGE_PROGRAM))
            continue;
        if ((n = qt_ipcounter_add(c, s->svc, s->family, s->raddr)) > peak[s->svc])
            peak[s->svc] = n;
    }
}
