/* ports_proc.c - the Ports pane's connection detail: the socket, its stage
 * and why, the owning process, its parent chain up to supervise, what runs
 * beneath it, and the tcpserver-style environment; and K, which kills a
 * per-connection process after asking. */
#include "panes/ports_views.h"
#include "diag/act/act.h"
#include "panes/ui_ops.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>



static void proc_line(qt_table *t, const char *id, const char *label, const struct qt_proc *p, double now)
{
    char *cmd = qt_proc_cmdline(p), age[32];
    qt_fmt_age(now - p->start, age, sizeof age);
    qt_table_kv(t, id, label, p->state == 'Z' ? QT_ROLE_DIM : QT_ROLE_NORMAL, "%d %s%s, up %s: %s", p->pid,
       qt_proc_name(p), p->state == 'Z' ? " <defunct>" : "", age, cmd);
    free(cmd);
}

static const char *const env_names[] = {
    "TCPREMOTEIP", "TCPREMOTEPORT", "TCPLOCALIP", "TCPLOCALPORT", "TCPREMOTEHOST", "TCPREMOTEINFO",
    "SSLREMOTEIP", "SSLREMOTEPORT", "SSLLOCALPORT", "PROTO", "RELAYCLIENT",
};

/* The environment of pid, read on demand (it is not part of the sample). */
static void env_rows(qt_table *t, const qt_ctx *ctx, int pid, const char *who)
{
    char *env = NULL, id[64];
    long n = qt_proc_read_environ(ctx, pid, &env);
    int shown = 0;

    if (n < 0) {
        snprintf(id, sizeof id, "env.%d", pid);
        qt_table_kv(t, id, "environment", QT_ROLE_DIM, "of %s %d not readable: %s", who, pid, strerror(errno));
        return;
    }
    for (size_t i = 0; i < QT_ARRAY_LEN(env_names); i++) {
        const char *v = qt_environ_get(env, (size_t)n, env_names[i]);
        if (!v)
            continue;
        snprintf(id, sizeof id, "env.%d.%s", pid, env_names[i]);
        qt_table_kv(t, id, shown ? "" : "environment", QT_ROLE_NORMAL, "%s=%s (%s %d)", env_names[i], v, who, pid);
        shown++;
    }
    if (!shown) {
        snprintf(id, sizeof id, "env.%d", pid);
        qt_table_kv(t, id, "environment", QT_ROLE_DIM, "no TCP*/SSL* variables in %s %d", who, pid);
    }
    free(env);
}

static void build_proc(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_sockets *m;
    const struct qt_sock *s;
    const struct qt_owner *o;
    const qt_procs *procs = in->snap->procs;
    const struct qt_proc *p;
    char ip[64], la[64], age[32], b1[16], b2[16];
    long k;

    (void)head;
    qt_table_init(t, "Connection");
    qt_table_col(t, "", 11, 0);
    qt_table_col(t, "", 40, QT_COL_FLEX);
    if (qt_view_source_state(in, QT_SRC_SOCKETS, t))
        return;
    m = in->snap->sockets;
    k = qt_ports_find_conn(m, in->key ? in->key : "", ip);
    if (k < 0) {
        qt_table_note(t, QT_ROLE_DIM, "this connection is gone in the current sample");
        return;
    }
    s = &m->socks.v[k];
    o = &m->own[k];
    qt_addr_str(s->family, s->laddr, la, sizeof la);
    snprintf(t->title, sizeof t->title, "Connection %s:%u -> %s", ip, s->rport, s->svc >= 0 && s->svc < in->ctx->nservices ? in->ctx->services[s->svc].name : "?");
    qt_table_kv(t, "conn", "connection", QT_ROLE_NORMAL, "%s port %u -> %s port %u, %s%s", ip, s->rport, la, s->lport,
       qt_tcp_state_name(s->state), s->flags & QT_SOCK_V4MAPPED ? " (IPv4-mapped IPv6 socket)" : "");
    qt_table_kv(t, "stage", "stage", o->stage == QT_STAGE_HANDSHAKE || o->stage == QT_STAGE_STARTING ? QT_ROLE_WARN : QT_ROLE_NORMAL,
       "%s: %s", qt_stage_label(o->stage, o->why), qt_stage_why_text(o->why));
    if (o->start > 0) {
        qt_fmt_age(m->now - o->start, age, sizeof age);
        qt_table_kv(t, "age", "age", QT_ROLE_NORMAL, "%s (start of the per-connection process)", age);
    } else {
        qt_table_kv(t, "age", "age", QT_ROLE_DIM, "unknown (%s)",
                    qt_ports_stage_hidden(m, (size_t)k) ? "owner not visible" : "no per-connection process");
    }
    if (s->flags & QT_SOCK_HAS_BYTES) {
        qt_ports_fmt_bytes(s->bytes_received, b1, sizeof b1);
        qt_ports_fmt_bytes(s->bytes_acked, b2, sizeof b2);
        qt_table_kv(t, "bytes", "bytes", QT_ROLE_NORMAL, "%s received from the client, %s sent and acknowledged (%llu / %llu)", b1,
           b2, (unsigned long long)s->bytes_received, (unsigned long long)s->bytes_acked);
    } else if (s->state != QT_TCP_LISTEN) {
        qt_table_kv(t, "bytes", "bytes", QT_ROLE_DIM, "not read: %s",
                    !m->tcp_info ? "not asked for in this sample (no view showing bytes was on screen)"
                    : strcmp(m->backend, "proc") == 0 ? "/proc/net/tcp has no byte counts"
                                                      : "the kernel gave no tcp_info for it");
    }
    qt_table_kv(t, "socket", "socket", QT_ROLE_DIM, "inode %u, uid %u, Recv-Q %u, Send-Q %u", s->inode, s->uid, s->rqueue, s->wqueue);
    if (!o->pid || !procs || !(p = qt_procs_find(procs, o->pid))) {
        char why[160] = "";
        if (s->inode && qt_ports_stage_hidden(m, (size_t)k))
            qt_ports_hidden_why(m, s->svc, why, sizeof why);
        qt_table_kv(t, "owner", "owner", QT_ROLE_DIM, "%s%s%s%s", s->inode ? "not visible" : "none: not accepted yet",
                    *why ? " (" : "", why, *why ? ")" : "");
        return;
    }
    proc_line(t, "owner", "owner", p, m->now);
    /* beneath: children and grandchildren */
    for (size_t i = 0; i < procs->n; i++) {
        const struct qt_proc *c = &procs->v[i];
        char id[32];
        if (c->ppid != p->pid)
            continue;
        snprintf(id, sizeof id, "child.%d", c->pid);
        proc_line(t, id, "beneath", c, m->now);
        for (size_t j = 0; j < procs->n; j++)
            if (procs->v[j].ppid == c->pid) {
                snprintf(id, sizeof id, "child.%d", procs->v[j].pid);
                proc_line(t, id, "  beneath", &procs->v[j], m->now);
            }
    }
    /* parent chain up to supervise (or pid 1) */
    for (int pid = p->ppid, hops = 0; pid > 0 && hops < 16; hops++) {
        const struct qt_proc *a = qt_procs_find(procs, pid);
        char id[32];
        if (!a)
            break;
        snprintf(id, sizeof id, "parent.%d", a->pid);
        proc_line(t, id, hops ? "" : "parents", a, m->now);
        if (strcmp(qt_proc_name(a), "supervise") == 0 || a->pid == 1)
            break;
        pid = a->ppid;
    }
    env_rows(t, in->ctx, p->pid, "owner");
    if (o->prog_pid && o->prog_pid != p->pid)
        env_rows(t, in->ctx, o->prog_pid, "program");
}

/* the view shows one connection (in->key): K and b act on it */
static int key_kill_conn(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)row_id, (void)ch;
    return qt_ports_key_kill(ui, in, in->key);
}

static int key_block_conn(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    char ip[64] = "";
    (void)row_id, (void)ch;
    qt_ports_find_conn(NULL, in->key ? in->key : "", ip);
    return ip[0] ? qt_ports_key_block(ui, in, ip) : 0;
}

static int key_page(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)row_id, (void)ch;
    return qt_view_page(ui, &qt_ports_proc_view, in);
}

static const struct qt_view_key proc_keys[] = {
    {{'v'}, "v", key_page, "this whole view in the pager (/ searches, q closes)"},
    {{'K'}, "K", key_kill_conn, "kill this connection's process (per-connection child only; asks first)"},
    {{'b'}, "b", key_block_conn, "firewall lines (nft or iptables, the tool in use) to limit or block this client (to copy)"},
    {{0}, NULL, NULL, NULL},
};

const qt_view qt_ports_proc_view = {
    .name = "ports.conn",
    .build = build_proc,
    .needs = QT_VIEW_NEEDS_BYTES,
    .keys = proc_keys,
};

/* --- K --- */

struct kill_arg {
    const qt_ctx *ctx;
    int pid;
    double start;
    unsigned long long ticks; /* exact start in clock ticks (qt_proc.ticks) */
    char what[160];
};

/* The pid must still be the process sampled (start time), and only on the
 * live /proc: a fixture's pid names an unrelated process (diag/act/act.h). */
static void do_kill(struct qt_ui *ui, void *arg)
{
    struct kill_arg *a = arg;
    char err[256];

    qt_act_proc p = {.pid = a->pid, .has_ticks = a->ticks != 0, .ticks = a->ticks, .start = a->start};
    if (qt_act_signal_proc(a->ctx, &p, SIGTERM, err, sizeof err) != 0)
        qt_ui_flash(ui, "%s", err);
    else
        qt_ui_flash(ui, "sent SIGTERM to %s", a->what);
    qt_ui_resample(ui);
}

int qt_ports_key_kill(struct qt_ui *ui, const struct qt_view_in *in, const char *conn_id)
{
    const qt_sockets *m = in->snap ? in->snap->sockets : NULL;
    const struct qt_proc *p;
    const struct qt_owner *o;
    struct kill_arg *a;
    char ip[64], q[256];
    long k;

    if (qt_ui_read_only(ui)) {
        qt_ui_flash(ui, "read-only: K (kill) is disabled");
        return 1;
    }
    if (!m || !conn_id || (k = qt_ports_find_conn(m, conn_id, ip)) < 0) {
        qt_ui_flash(ui, "select a connection first");
        return 1;
    }
    o = &m->own[k];
    p = o->pid && in->snap->procs ? qt_procs_find(in->snap->procs, o->pid) : NULL;
    if (!p) {
        qt_ui_flash(ui, "no visible process holds this connection");
        return 1;
    }
    /* only a process that serves this one connection: never a listener or a shared server */
    for (size_t l = 0; l < m->nlisteners; l++)
        if (m->listeners[l].pid == p->pid) {
            qt_ui_flash(ui, "pid %d (%s) is a listener: not killing it", p->pid, qt_proc_name(p));
            return 1;
        }
    if (o->start <= 0) {
        qt_ui_flash(ui, "pid %d (%s) serves more than this connection (a listener or shared server): not killing it",
                    p->pid, qt_proc_name(p));
        return 1;
    }
    a = qt_calloc(1, sizeof *a);
    a->ctx = in->ctx;
    a->pid = p->pid;
    a->start = p->start;
    a->ticks = p->ticks;
    snprintf(a->what, sizeof a->what, "pid %d (%s) serving %s port %u", p->pid, qt_proc_name(p), ip,
             m->socks.v[k].rport);
    snprintf(q, sizeof q, "Kill pid %d (%s) serving %s port %u on %s?", p->pid, qt_proc_name(p), ip,
             m->socks.v[k].rport, m->socks.v[k].svc >= 0 && m->socks.v[k].svc < in->ctx->nservices
                                      ? in->ctx->services[m->socks.v[k].svc].name : "?");
    qt_ui_confirm(ui, q, do_kill, a, free);
    return 1;
}
