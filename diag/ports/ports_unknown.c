/* ports_unknown.c - what the Ports model cannot see, and how it is said:
 * hidden socket owners, the reason, "?"/">=N" counts, unknown pids, and
 * per-IP counts from the kernel's socket list for when the owners' side is
 * not readable. See ports.h and docs/monitoring.md ("Unknown, never zero"). */
#include "diag/ports/ipcounter.h"
#include "diag/ports/ports.h"
#include "diag/procs/procs.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int why_hidden(unsigned why, unsigned euid)
{
    switch (why) {
    case QT_WHY_UNREADABLE:
    case QT_WHY_NO_PROCS:
    case QT_WHY_TLS_SHARED:
    case QT_WHY_TLS_PROG_FIRST:   /* the program runs before the handshake: it proves nothing */
    case QT_WHY_TLS_NO_COUNTS:
    case QT_WHY_TLS_ORDER:
        return 1;
    case QT_WHY_NOT_FOUND:
        return euid != 0; /* not root: hidden processes (hidepid) look like this */
    default:
        return 0;
    }
}

int qt_ports_stage_hidden(const qt_sockets *m, size_t k)
{
    return m->own && k < m->socks.n && m->own[k].stage == QT_STAGE_UNKNOWN && why_hidden(m->own[k].why, m->euid);
}

static void unreadable_why(const qt_sockets *m, char *out, size_t n)
{
    if (m->euid != 0)
        snprintf(out, n, "socket owners not readable: not root (uid %u)", m->euid);
    else
        snprintf(out, n, "socket owners not readable: %u processes' fd lists could not be read", m->stage.unreadable);
}

void qt_ports_hidden_why(const qt_sockets *m, int svc, char *out, size_t n)
{
    unsigned cnt[QT_WHY_COUNT] = {0}, owners = 0;
    qt_buf b = {0};
    char t[160];

    for (size_t k = 0; k < m->socks.n; k++)
        if ((svc < 0 || m->socks.v[k].svc == svc) && qt_ports_stage_hidden(m, k))
            cnt[m->own[k].why]++;
    for (int i = 0; i < m->nsvc && i < QT_MAX_SERVICES; i++)
        if (svc < 0 || svc == i)
            owners += m->svc[i].listener_hidden;
    owners += cnt[QT_WHY_UNREADABLE] + cnt[QT_WHY_NOT_FOUND];
    if (cnt[QT_WHY_NO_PROCS]) {
        qt_buf_puts(&b, "the process table could not be read");
    } else if (owners) {
        unreadable_why(m, t, sizeof t);
        qt_buf_puts(&b, t);
    }
    if (cnt[QT_WHY_TLS_SHARED])
        qt_buf_printf(&b, "%sone TLS process serves many connections (stage of each not visible)", b.len ? "; " : "");
    if (cnt[QT_WHY_TLS_PROG_FIRST] + cnt[QT_WHY_TLS_NO_COUNTS] + cnt[QT_WHY_TLS_ORDER])
        qt_buf_printf(&b, "%s%u behind a TLS front end that may start the program before the handshake "
                          "(fehcom sslserver): handshake state not visible",
                      b.len ? "; " : "", cnt[QT_WHY_TLS_PROG_FIRST] + cnt[QT_WHY_TLS_NO_COUNTS] + cnt[QT_WHY_TLS_ORDER]);
    snprintf(out, n, "%s", qt_buf_str(&b));
    qt_buf_free(&b);
}

void qt_ports_count_str(unsigned known, unsigned hidden, char *out, size_t n)
{
    if (!hidden)
        snprintf(out, n, "%u", known);
    else if (!known)
        snprintf(out, n, "?");
    else
        snprintf(out, n, ">=%u", known);
}

void qt_ports_pid_str(const qt_sockets *m, const qt_snapshot *snap, int pid, char *out, size_t n)
{
    const struct qt_proc *p = snap && snap->procs && pid > 0 ? qt_procs_find(snap->procs, pid) : NULL;
    if (pid > 0)
        snprintf(out, n, "pid %d (%s)", pid, p ? qt_proc_name(p) : "?");
    else if (m->euid != 0)
        snprintf(out, n, "pid unknown (not root)");
    else if (!snap || !snap->procs)
        snprintf(out, n, "pid unknown (no process table)");
    else
        snprintf(out, n, "pid unknown (owner not visible)");
}

/* a before b in the order ties are broken by: family, then address */
static int peer_before(const struct qt_sock *a, const struct qt_sock *b)
{
    if (a->family != b->family)
        return a->family < b->family;
    return memcmp(a->raddr, b->raddr, a->family == AF_INET ? 4 : 16) < 0;
}

unsigned qt_ports_top_accepted(const qt_sockets *m, unsigned port, char *ip, size_t n)
{
    qt_ipcounter c = {0};
    const struct qt_sock *best = NULL;
    unsigned top = 0;

    qt_ipcounter_start(&c, m->socks.n);
    for (size_t k = 0; k < m->socks.n; k++) {
        const struct qt_sock *s = &m->socks.v[k];
        unsigned cnt;
        if (s->lport != port || !s->inode || (s->state != QT_TCP_ESTABLISHED && s->state != QT_TCP_CLOSE_WAIT))
            continue;
        /* equal counts: the lowest address, whichever reached it first */
        cnt = qt_ipcounter_add(&c, 0, s->family, s->raddr);
        if (cnt > top || (cnt == top && peer_before(s, best))) {
            top = cnt;
            best = s;
        }
    }
    if (best)
        qt_addr_str(best->family, best->raddr, ip, n);
    else if (n)
        ip[0] = '\0';
    qt_ipcounter_free(&c);
    return top;
}
