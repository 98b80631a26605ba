/* ports_dump.c - one sample of the Ports collector on the live system,
 * one line per connection, for the integration tests (the same code path
 * as `qtriage --once`, with the per-connection detail batch mode does not
 * print):
 *   conn SERVICE REMOTE_IP REMOTE_PORT STATE STAGE PID PROGRAM
 *   svc SERVICE established=N accepted=N queued=N accept_queue=N stalled=N
 * Usage: ports_dump LIST   (LIST as for --ports) */
#include "diag/ports/ports.h"
#include "diag/procs/procs.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    qt_ctx ctx;
    qt_sampler s = {0};
    qt_snapshot *snap;
    const qt_sockets *m;
    char err[256];

    if (argc != 2) {
        fprintf(stderr, "usage: ports_dump PORTS\n");
        return 2;
    }
    qt_ctx_defaults(&ctx);
    if (qt_ctx_parse_ports(&ctx, argv[1], err, sizeof err) != 0) {
        fprintf(stderr, "ports_dump: %s\n", err);
        return 2;
    }
    snap = qt_sample(&s, &ctx);
    if (!(m = snap->sockets)) {
        fprintf(stderr, "ports_dump: %s\n", snap->src[QT_SRC_SOCKETS].err);
        return 1;
    }
    for (int i = 0; i < m->nsvc; i++)
        printf("svc %s established=%u accepted=%u queued=%u accept_queue=%u stalled=%u backend=%s\n",
               ctx.services[i].name, m->svc[i].established, m->svc[i].accepted, m->svc[i].queued,
               m->svc[i].accept_queue, m->svc[i].stalled, m->backend);
    for (size_t k = 0; k < m->socks.n; k++) {
        const struct qt_sock *x = &m->socks.v[k];
        const struct qt_owner *o = &m->own[k];
        const struct qt_proc *p = o->pid && snap->procs ? qt_procs_find(snap->procs, o->pid) : NULL;
        const struct qt_proc *pp = o->prog_pid && snap->procs ? qt_procs_find(snap->procs, o->prog_pid) : NULL;
        char ip[64], stage[32];
        if (x->state == QT_TCP_LISTEN || x->state == QT_TCP_SYN_RECV)
            continue;
        qt_addr_str(x->family, x->raddr, ip, sizeof ip);
        snprintf(stage, sizeof stage, "%s", qt_stage_name(o->stage));
        for (char *c = stage; *c; c++)
            if (*c == ' ')
                *c = '_';
        printf("conn %s %s %u %s %s %d %s %s\n", ctx.services[x->svc].name, ip, x->rport, qt_tcp_state_name(x->state),
               stage, o->pid, p ? qt_proc_name(p) : "-", pp ? qt_proc_name(pp) : "-");
    }
    qt_snapshot_free(snap);
    qt_sampler_free(&s);
    return 0;
}
