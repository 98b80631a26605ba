/* kernel_limits.c - the limits a front end runs under against what its -c
 * and its TLS need (docs/kernel.md "Limits"):
 *   processes   RLIMIT_NPROC counts every process of the listener's real
 *               uid; fork() fails above it (getrlimit(2); root is exempt).
 *               tcpserver spends one process per connection (the child
 *               execs the program), both sslservers two (the child keeps
 *               the TLS relay and forks the program: ucspi-ssl sslserver.c).
 *   open files  do not grow with -c: each child has its own table. The
 *               measured need of a TLS child is QT_KERNEL_TLS_NOFILE.
 *   memory      softlimit -m/-a/-d (softlimit(8)) set RLIMIT_AS/DATA for
 *               the listener and every child: too low, OpenSSL fails in
 *               the child (QT_KERNEL_TLS_AS_BYTES, _DATA_BYTES, measured).
 * The running listener's /proc/PID/limits is the truth; the run script's
 * softlimit says where it comes from (and is checked alone for a service
 * that is not running). See kernel.h. */
#include "diag/kernel/kernel.h"
#include "diag/core/severity.h"
#include "diag/core/util.h"
#include "diag/lint/lint.h"
#include "diag/parse/argv.h"
#include "diag/servers/servers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC "kernel"

int qt_softlimit_of(const struct qt_cmd *c, struct qt_rlimits *lim)
{
    int found = 0;

    lim->nofile = lim->nproc = lim->as = lim->data = QT_KVAL_UNKNOWN;
    for (int w = 0; c && w < c->nwraps; w++) {
        const struct qt_wrap *wr = &c->wraps[w];
        struct qt_opt *opts = NULL;
        int nopts = 0, optend = 0, missing = 0;
        size_t cap = 0;

        if (wr->kind != QT_WRAP_SOFTLIMIT)
            continue;
        found = 1;
        /* softlimit's own getopt string (daemontools softlimit.c) */
        qt_sgetopt(wr->last + 1, c->argv, wr->first + 1, "a:c:d:f:l:m:o:p:r:s:t:", &opts, &nopts, &cap, &optend,
                   &missing);
        for (int i = 0; i < nopts; i++) {
            const char *a = opts[i].arg;
            long long v;
            if (!a)
                continue;
            v = strcmp(a, "=") == 0 ? QT_KVAL_UNLIMITED : (long long)qt_scan_ulong(a);
            switch (opts[i].letter) {
            case 'm': lim->as = lim->data = v; break;
            case 'a': lim->as = v; break;
            case 'd': lim->data = v; break;
            case 'o': lim->nofile = v; break;
            case 'p': lim->nproc = v; break;
            default: break;
            }
        }
        free(opts);
    }
    return found;
}

/* A limit below need (unlimited and unknown are not). */
static int below(long long v, long long need)
{
    return v >= 0 && v < need;
}

static const struct qt_server *server_pid(const qt_snapshot *snap, int pid)
{
    for (size_t i = 0; snap->servers && i < snap->servers->n; i++)
        if (snap->servers->v[i].pid == pid)
            return &snap->servers->v[i];
    return NULL;
}

/* "softlimit -m 3000000 in /service/smtps/run", or "" */
static void script_origin(const struct qt_server *sv, char *out, size_t n)
{
    struct qt_rlimits s;
    out[0] = '\0';
    if (!sv->has_script_cmd || !qt_softlimit_of(&sv->script, &s))
        return;
    for (int w = 0; w < sv->script.nwraps; w++)
        if (sv->script.wraps[w].kind == QT_WRAP_SOFTLIMIT) {
            char *words = qt_cmd_join(&sv->script, sv->script.wraps[w].first, sv->script.wraps[w].last);
            snprintf(out, n, "%s in %s/run", words, sv->svcdir[0] ? sv->svcdir : "the run script");
            free(words);
            return;
        }
}

static void fix_apply(qt_finding *f, const struct qt_server *sv)
{
    char *apply = qt_lint_apply_cmd(sv);
    qt_finding_fix(f, "%s", apply);
    free(apply);
}

static void check_nproc(const qt_ctx *ctx, const struct qt_klistener *L, const struct qt_server *sv, qt_findings *out)
{
    const struct qt_service *svc = &ctx->services[L->svc];
    long per = sv->tls ? 2 : 1, need;
    unsigned uid = L->uid;
    const struct qt_opt *u = sv->cmd ? qt_cmd_last(sv->cmd, 'u') : NULL;
    char id[96];
    qt_finding *f;

    /* a listener still root (fehcom sslserver switches to -u in each
     * connection's processes, sslserver.c) counts against -u's uid: over
     * its limit, setuid() marks the process and the program's execve()
     * fails with EAGAIN (setuid(2), execve(2)) */
    if (uid == 0 && u && u->arg)
        uid = (unsigned)qt_scan_ulong(u->arg);
    /* root (and CAP_SYS_RESOURCE) is exempt from RLIMIT_NPROC (getrlimit(2)) */
    if (sv->limit <= 0 || uid == 0 || uid == (unsigned)-1)
        return;
    need = 1 + per * sv->limit;
    if (!below(L->lim.nproc, need))
        return;
    snprintf(id, sizeof id, "kernel.nproc:%s", svc->name);
    f = qt_findings_add(out, QT_SEV_WARN, SRC, id, "Process limit below what -c needs: fork fails before the -c limit");
    qt_finding_subject(f, "%s (%u)", svc->name, svc->port);
    qt_finding_evidence(f, "pid %d (%s, uid %u): Max processes %lld (/proc/%d/limits)", L->pid,
                        sv->cmd ? sv->cmd->server_name : "?", L->uid, L->lim.nproc, L->pid);
    if (uid != L->uid)
        qt_finding_evidence(f, "the connections' processes run as uid %u (-u)", uid);
    qt_finding_evidence(f, "-c %ld (%s): %ld process%s per connection + the listener = %ld", sv->limit,
                        sv->limit_source ? sv->limit_source : "?", per, per == 1 ? "" : "es", need);
    qt_finding_explain(f, "RLIMIT_NPROC counts every process of uid %u on the machine; above it fork() fails "
                          "(getrlimit(2)), or a process that switched to that uid cannot execve() the program "
                          "(EAGAIN, setuid(2)). %s then drops the new connection while fewer than -c are served. %s",
                       uid, sv->cmd ? sv->cmd->server_name : "the server",
                       per == 2 ? "An sslserver connection is two processes: the TLS relay and the program "
                                  "(ucspi-ssl sslserver.c)."
                                : "A tcpserver connection is one process: the child execs the program "
                                  "(ucspi-tcp tcpserver.c).");
    qt_finding_fix(f, "# in the run script: softlimit -p %ld (or more: other processes of uid %u count too), or raise "
                      "the limit in /etc/security/limits.conf for that user", need, uid);
    fix_apply(f, sv);
}

/* Memory and open files of a TLS front end; lim from /proc/PID/limits
 * (pid > 0) or the run script. */
static void check_tls(const qt_ctx *ctx, int svci, const struct qt_server *sv, const struct qt_rlimits *lim, int pid,
                      qt_findings *out)
{
    const struct qt_service *svc = &ctx->services[svci];
    const long long as_need = 2 * QT_KERNEL_TLS_AS_BYTES, data_need = 2 * QT_KERNEL_TLS_DATA_BYTES,
                    fd_need = 2 * QT_KERNEL_TLS_NOFILE;
    int mem = below(lim->as, as_need) || below(lim->data, data_need), fds = below(lim->nofile, fd_need);
    char id[96], origin[600], from[48];
    qt_finding *f;

    if (!sv->tls || (!mem && !fds))
        return;
    snprintf(id, sizeof id, "kernel.tls-limits:%s", svc->name);
    f = qt_findings_add(out, qt_server_inventory(sv) ? QT_SEV_INFO : QT_SEV_WARN, SRC, id,
                        "Resource limits too low for a TLS front end's children: OpenSSL fails under them");
    qt_finding_subject(f, "%s (%u)", svc->name, svc->port);
    if (pid > 0)
        snprintf(from, sizeof from, "/proc/%d/limits", pid);
    else
        snprintf(from, sizeof from, "the run script (not running)");
    if (below(lim->as, as_need))
        qt_finding_evidence(f, "Max address space %lld bytes (%s); a TLS child measured %lld, 2x = %lld", lim->as, from,
                            (long long)QT_KERNEL_TLS_AS_BYTES, as_need);
    if (below(lim->data, data_need))
        qt_finding_evidence(f, "Max data size %lld bytes (%s); a TLS child measured %lld, 2x = %lld", lim->data, from,
                            (long long)QT_KERNEL_TLS_DATA_BYTES, data_need);
    if (fds)
        qt_finding_evidence(f, "Max open files %lld (%s); a TLS child needed %d, 2x = %lld", lim->nofile, from,
                            QT_KERNEL_TLS_NOFILE, fd_need);
    script_origin(sv, origin, sizeof origin);
    if (origin[0])
        qt_finding_evidence(f, "set by %s", origin);
    qt_finding_explain(f, "softlimit's -m (data, stack, locked memory and address space), -a and -d (softlimit(8)) "
                          "bind the listener and every child. OpenSSL's library and handshake need the measured "
                          "amounts (docs/kernel.md); below them a child's malloc or mmap fails and the client sees "
                          "the connection dropped during the handshake. Open files do not grow with -c: each child "
                          "has its own table.");
    if (mem)
        qt_finding_fix(f, "# in the run script: softlimit -m %lld (at least; or remove -m/-a/-d)",
                       ((as_need + 9999999) / 10000000) * 10000000);
    if (fds)
        qt_finding_fix(f, "# in the run script: softlimit -o %lld (at least)", fd_need);
    fix_apply(f, sv);
}

void qt_kernel_check_limits(const qt_ctx *ctx, const qt_snapshot *snap, qt_findings *out)
{
    const qt_kernel *k = snap->kernel;

    if (!k || !snap->servers)
        return;
    for (size_t i = 0; i < k->nlis; i++) {
        const struct qt_klistener *L = &k->lis[i];
        const struct qt_server *sv = server_pid(snap, L->pid);
        if (!sv || !L->readable)
            continue;
        check_nproc(ctx, L, sv, out);
        check_tls(ctx, L->svc, sv, &L->lim, L->pid, out);
    }
    /* a service not running: its run script's softlimit is all there is */
    for (size_t i = 0; i < snap->servers->n; i++) {
        const struct qt_server *sv = &snap->servers->v[i];
        struct qt_rlimits lim;
        int svci = sv->port ? qt_ctx_service_index(ctx, sv->port) : -1;
        if (sv->pid > 0 || svci < 0 || !sv->has_script_cmd || !qt_softlimit_of(&sv->script, &lim))
            continue;
        check_tls(ctx, svci, sv, &lim, 0, out);
    }
}
