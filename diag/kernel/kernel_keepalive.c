/* kernel_keepalive.c - keepalive folklore, checked per socket.
 *
 * net.ipv4.tcp_keepalive_* act only on sockets with SO_KEEPALIVE (tcp(7),
 * socket(7)); ucspi-tcp's tcpserver.c, ucspi-tcp6's tcpserver.c and both
 * ucspi-ssl sslserver.c (fehcom, SuperScript) never call setsockopt with
 * it. The kernel shows which sockets have it: such a socket runs the
 * keepalive timer (inet_diag idiag_timer 2, `ss -o` timer:(keepalive)).
 * When the sysctls were tuned and a watched service's accepted connections
 * carry no keepalive timer, one INFO finding says the tuning does nothing
 * for that service, and where a deadline really comes from. See kernel.h. */
#include "diag/kernel/kernel.h"
#include "diag/core/util.h"
#include "diag/parse/argv.h"
#include "diag/parse/variants.h"
#include "diag/ports/ports.h"
#include "diag/servers/servers.h"

#include <stdio.h>
#include <string.h>

#define SRC "kernel"

static int tuned(const qt_kernel *k)
{
    static const enum qt_sysctl ka[] = {QT_SYS_KA_TIME, QT_SYS_KA_INTVL, QT_SYS_KA_PROBES};
    for (size_t i = 0; i < QT_ARRAY_LEN(ka); i++)
        if (k->v[ka[i]] >= 0 && k->v[ka[i]] != qt_sysctl_default(ka[i]))
            return 1;
    return 0;
}

static const struct qt_server *server_on(const qt_snapshot *snap, unsigned port)
{
    if (!snap->servers)
        return NULL;
    for (size_t i = 0; i < snap->servers->n; i++)
        if (snap->servers->v[i].port == port && snap->servers->v[i].pid > 0)
            return &snap->servers->v[i];
    return NULL;
}

/* Where a silent client's deadline comes from for this front end. */
static void fix_deadline(qt_finding *f, const struct qt_server *sv)
{
    const struct qt_variant_def *d = sv && !sv->other[0] ? qt_variant_get(sv->variant) : NULL;

    qt_finding_fix(f, "# nothing to change in sysctl: the keepalive lines do no harm and no good here");
    if (d && d->handshake_opt)
        qt_finding_fix(f, "# a silent TLS client: %s -%c N bounds the handshake (see the servers.no-handshake-deadline "
                          "and probe.idle findings)", d->program, d->handshake_opt);
    for (int i = 0; d && i < d->nopts; i++)
        if (d->opts[i].role == QT_OR_IO_TIMEOUT)
            qt_finding_fix(f, "# an idle connection: %s -%c N (%s, %s)", d->program, d->opts[i].letter,
                           d->opts[i].meaning, d->opts[i].dflt ? d->opts[i].dflt : "no default");
    qt_finding_fix(f, "# after the handshake qmail-smtpd ends an idle session itself: control/timeoutsmtpd "
                      "(default 1200 s)");
}

void qt_kernel_check_keepalive(const qt_ctx *ctx, const qt_snapshot *snap, qt_findings *out)
{
    const qt_kernel *k = snap->kernel;
    const qt_sockets *m = snap->sockets;

    if (!k || !m || !tuned(k))
        return;
    for (int i = 0; i < ctx->nservices && i < m->nsvc; i++) {
        const struct qt_service *svc = &ctx->services[i];
        const struct qt_server *sv;
        unsigned n = 0, ka = 0, retrans = 0;
        char id[96];
        qt_finding *f;

        for (size_t s = 0; s < m->socks.n; s++) {
            const struct qt_sock *x = &m->socks.v[s];
            /* accepted connections only: what the server's process holds */
            if (x->svc != i || x->state != QT_TCP_ESTABLISHED || !x->inode)
                continue;
            n++;
            ka += x->timer == QT_SOCK_TIMER_KEEPALIVE;
            retrans += x->timer == QT_SOCK_TIMER_RETRANS;
        }
        if (!n || ka)
            continue;
        sv = server_on(snap, svc->port);
        snprintf(id, sizeof id, "kernel.keepalive-unused:%s", svc->name);
        f = qt_findings_add(out, QT_SEV_INFO, SRC, id,
                            "The tuned tcp_keepalive sysctls do nothing for this service: its sockets have no SO_KEEPALIVE");
        qt_finding_subject(f, "%s (%u)", svc->name, svc->port);
        qt_finding_evidence(f, "net.ipv4.tcp_keepalive_time/intvl/probes = %lld/%lld/%lld (kernel defaults 7200/75/9)",
                            k->v[QT_SYS_KA_TIME], k->v[QT_SYS_KA_INTVL], k->v[QT_SYS_KA_PROBES]);
        qt_finding_evidence(f, "%u accepted connection%s: none with a keepalive timer (%u retransmitting now)", n,
                            n == 1 ? "" : "s", retrans);
        if (sv && sv->cmd && sv->cmd->server_name[0])
            qt_finding_evidence(f, "front end: %s, pid %d", sv->cmd->server_name, sv->pid);
        qt_finding_explain(f, "The kernel sends keepalive probes only on sockets that asked for them with SO_KEEPALIVE "
                              "(tcp(7)); tcpserver and sslserver never set it, and the kernel shows it: no socket of "
                              "this service runs a keepalive timer (ss -o would print timer:(keepalive,...)). A silent "
                              "or vanished client is bounded by the server's own deadlines, not by these sysctls; "
                              "and a live but silent client answers the probes anyway.");
        fix_deadline(f, sv);
        qt_finding_fix(f, "ss -tno state established '( sport = :%u )'", svc->port);
    }
}
