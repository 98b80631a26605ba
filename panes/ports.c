/* ports.c - the Ports pane: watched services on top (connections against
 * the -c limit, accept queue, stalled, history), remote IPs below sorted
 * by connection count; Enter on an IP lists its connections, Enter on a
 * connection shows its process (ports_proc.c). */
#include "panes/ports_views.h"
#include "panes/panes.h"
#include "panes/ui_ops.h"
#include "diag/core/severity.h"
#include "diag/logmon/logmon.h"
#include "panes/wrap.h"
#include "diag/firewall/firewall.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* --- shared helpers --- */

void qt_ports_conn_id(const struct qt_sock *s, char *out, size_t n)
{
    char ip[64];
    qt_addr_str(s->family, s->raddr, ip, sizeof ip);
    snprintf(out, n, "%s|%u|%u", ip, s->lport, s->rport);
}

/* Parse a text IP into family and bytes (as struct qt_sock stores them). */
static int parse_ip(const char *text, int *fam, uint8_t *a)
{
    memset(a, 0, 16);
    *fam = strchr(text, ':') ? AF_INET6 : AF_INET;
    return inet_pton(*fam, text, a) == 1 ? 0 : -1;
}

static int same_peer(const struct qt_sock *s, int fam, const uint8_t *a)
{
    return s->family == fam && memcmp(s->raddr, a, fam == AF_INET ? 4 : 16) == 0;
}

long qt_ports_find_conn(const qt_sockets *m, const char *id, char *ipout)
{
    char ip[64];
    unsigned lport, rport;
    const char *bar = strchr(id, '|');
    uint8_t a[16];
    int fam;

    if (!bar || (size_t)(bar - id) >= sizeof ip || sscanf(bar + 1, "%u|%u", &lport, &rport) != 2)
        return -1;
    memcpy(ip, id, (size_t)(bar - id));
    ip[bar - id] = '\0';
    if (ipout)
        snprintf(ipout, 64, "%s", ip);
    if (!m || parse_ip(ip, &fam, a) != 0)
        return -1;
    for (size_t k = 0; k < m->socks.n; k++) {
        const struct qt_sock *s = &m->socks.v[k];
        if (s->lport == lport && s->rport == rport && s->state != QT_TCP_LISTEN && same_peer(s, fam, a))
            return (long)k;
    }
    return -1;
}

void qt_ports_fmt_bytes(uint64_t v, char *out, size_t n)
{
    const char *unit = "KMGTP";
    double d = (double)v;
    int u = -1;
    if (v < 1000) {
        snprintf(out, n, "%llu", (unsigned long long)v);
        return;
    }
    while (d >= 1000 && u < 4) {
        d /= 1024;
        u++;
    }
    snprintf(out, n, d < 10 ? "%.1f%c" : "%.0f%c", d, unit[u]);
}

static void age_cell(qt_table *t, double start, double now)
{
    char a[32];
    if (start <= 0) {
        qt_table_cell_num(t, QT_ROLE_DIM, -1, "-");
        return;
    }
    qt_fmt_age(now - start, a, sizeof a);
    qt_table_cell_num(t, QT_ROLE_NORMAL, now - start, "%s", a);
}

/* ASCII sparkline of the last width values: ' ' is zero, '@' the top of
 * the scale (the -c limit when known, else the largest value shown). */
static void sparkline(const qt_history *hist, const char *key, double limit, char *out, size_t width)
{
    static const char levels[] = " .:-=+*#%@";
    double v[QT_HIST_LEN], top = limit > 0 ? limit : 0;
    const qt_series *s = hist ? qt_history_get(hist, key) : NULL;
    size_t n = s ? qt_series_values(s, v, width < QT_HIST_LEN ? width : QT_HIST_LEN) : 0;

    for (size_t i = 0; i < n; i++)
        if (v[i] > top)
            top = v[i];
    for (size_t i = 0; i < n; i++) {
        int l;
        if (isnan(v[i])) { /* an unknown sample: a gap, not a zero */
            out[i] = '?';
            continue;
        }
        l = top > 0 ? (int)(v[i] / top * 9 + 0.5) : 0;
        if (v[i] > 0 && l == 0)
            l = 1;  /* anything at all is visible */
        out[i] = levels[l < 0 ? 0 : l > 9 ? 9 : l];
    }
    out[n] = '\0';
}

/* A stalled count: "?" or ">=N" (num NAN: null in the JSON report) when
 * some of the connections' stages are hidden; never a plain 0 then. */
static void stalled_cell(qt_table *t, const struct qt_ip *ip)
{
    char txt[16];
    qt_ports_count_str(ip->stalled, ip->stalled_unknown, txt, sizeof txt);
    qt_table_cell_num(t, ip->stalled ? QT_ROLE_WARN : ip->stalled_unknown ? QT_ROLE_DIM : QT_ROLE_NORMAL,
                      ip->stalled_unknown ? NAN : ip->stalled, "%s", txt);
}

/* --- top view --- */

static void build_services(const struct qt_view_in *in, const qt_sockets *m, qt_table *h)
{
    int hidden = 0;
    unsigned noconn = 0;

    qt_table_init(h, "Services");
    qt_table_col(h, "SERVICE", 8, 0);
    qt_table_col(h, "PORT", 5, QT_COL_RIGHT);
    qt_table_col(h, "ACC/LIMIT", 9, QT_COL_RIGHT);
    qt_table_col(h, "QUEUE", 6, QT_COL_RIGHT);
    qt_table_col(h, "STALLED", 7, QT_COL_RIGHT);
    qt_table_col(h, "SYN", 4, QT_COL_RIGHT);
    qt_table_col(h, "CL-WAIT", 7, QT_COL_RIGHT);
    qt_table_col(h, "ESTABLISHED, LAST 20 SAMPLES", 20, QT_COL_FLEX);
    for (int i = 0; i < m->nsvc && i < in->ctx->nservices; i++) {
        const struct qt_service *sv = &in->ctx->services[i];
        const struct qt_svc_stats *v = &m->svc[i];
        const char *src;
        int limit = qt_ports_limit(in->ctx, in->snap, sv->port, &src);
        unsigned char role = QT_ROLE_NORMAL;
        char key[96], spark[24], stalled[16];

        unsigned used = v->accepted + v->noconn; /* slots: children, connection or not */

        if (limit > 0 && used >= (unsigned)limit)
            role = QT_ROLE_CRIT;
        else if (limit > 0 && used >= QT_PORTS_LIMIT_WARN * limit)
            role = QT_ROLE_WARN;
        qt_table_row(h, "%s", sv->name);
        qt_table_cell(h, QT_ROLE_NORMAL, "%s", sv->name);
        qt_table_cell(h, v->listeners ? QT_ROLE_NORMAL : QT_ROLE_DIM, "%u", sv->port);
        /* accepted only: the -c limit counts children, and the queue has its
         * own column (before issue 14 this added the queue: 26/20) */
        if (v->noconn) { /* accepted + slots held by children with no connection */
            if (limit > 0)
                qt_table_cell(h, role == QT_ROLE_CRIT ? role : QT_ROLE_WARN, "%u+%u/%d", v->accepted, v->noconn, limit);
            else
                qt_table_cell(h, QT_ROLE_WARN, "%u+%u/?", v->accepted, v->noconn);
        } else if (limit > 0) {
            qt_table_cell(h, role, "%u/%d", v->accepted, limit);
        } else {
            qt_table_cell(h, role, "%u/?", v->accepted);
        }
        noconn += v->noconn;
        if (!v->listeners)
            qt_table_cell(h, QT_ROLE_DIM, "none");
        else if (v->backlog)
            qt_table_cell(h, v->accept_queue ? QT_ROLE_WARN : QT_ROLE_NORMAL, "%u/%u", v->accept_queue, v->backlog);
        else
            qt_table_cell(h, v->accept_queue ? QT_ROLE_WARN : QT_ROLE_NORMAL, "%u", v->accept_queue);
        qt_ports_count_str(v->stalled, v->stalled_unknown, stalled, sizeof stalled);
        qt_table_cell(h, v->hs_old ? QT_ROLE_WARN : v->stalled_unknown ? QT_ROLE_DIM : QT_ROLE_NORMAL, "%s", stalled);
        hidden |= v->stalled_unknown || v->listener_hidden;
        qt_table_cell(h, QT_ROLE_NORMAL, "%u", v->syn_recv);
        qt_table_cell(h, QT_ROLE_NORMAL, "%u", v->close_wait);
        snprintf(key, sizeof key, "established.%s", sv->name);
        sparkline(in->hist, key, limit, spark, 20);
        qt_table_cell(h, QT_ROLE_INFO, "%s", spark);
    }
    if (noconn)
        qt_table_note(h, QT_ROLE_WARN, "ACC a+b: b slots held by children with no connection (%u in all; see Findings)",
                      noconn);
    if (hidden) {
        char why[160];
        qt_ports_hidden_why(m, -1, why, sizeof why);
        qt_table_note(h, QT_ROLE_WARN, "STALLED ? = unknown (>=N: N seen, more not visible): %s", why);
    }
}

static void build_top(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_sockets *m;
    const qt_logmon *lm = in->snap->logs;
    struct qt_logmon_ipfail *fails = NULL;
    size_t nfails = 0;
    int ncols;

    qt_table_init(t, "Remote IPs");
    if (qt_view_source_state(in, QT_SRC_SOCKETS, t)) {
        qt_table_col(t, "", 20, QT_COL_FLEX);
        return;
    }
    m = in->snap->sockets;
    build_services(in, m, head);
    qt_table_col(t, "REMOTE IP", 15, 0);
    qt_table_col(t, "TOTAL", 5, QT_COL_RIGHT | QT_COL_NUM);
    /* one column per service, as many as fit the table */
    ncols = m->nsvc < QT_TABLE_MAXCOLS - 7 ? m->nsvc : QT_TABLE_MAXCOLS - 7;
    for (int i = 0; i < ncols; i++)
        qt_table_col(t, in->ctx->services[i].name, 5, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "STALLED", 7, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "OLDEST", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "IN", 5, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "OUT", 5, QT_COL_RIGHT | QT_COL_NUM);
    /* its failed logins in the mail logs' auth window (the cross-reference
     * of issue 16); the first column to go on a narrow screen */
    if (lm) {
        fails = qt_logmon_ip_fails(lm, (int64_t)lm->now - QT_SEV_LOG_AUTH_WINDOW, &nfails);
        qt_table_col(t, "AUTHF", 5, QT_COL_RIGHT | QT_COL_NUM | QT_COL_DROP);
    }
    if (qt_ports_names_on())
        qt_table_col(t, "NAME", 16, QT_COL_FLEX);
    for (size_t k = 0; k < m->nips; k++) {
        const struct qt_ip *ip = &m->ips[k];
        char txt[64], in_b[16], out_b[16];
        qt_ip_str(ip, txt, sizeof txt);
        qt_table_row(t, "%s", txt);
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", txt);
        qt_table_cell_num(t, QT_ROLE_NORMAL, ip->total, "%u", ip->total);
        for (int i = 0; i < ncols; i++)
            qt_table_cell_num(t, ip->count[i] > QT_PORTS_IP_MIN ? QT_ROLE_WARN : QT_ROLE_NORMAL, ip->count[i], "%u",
                              ip->count[i]);
        stalled_cell(t, ip);
        if (ip->stalled_unknown && ip->oldest <= 0)
            qt_table_cell_num(t, QT_ROLE_DIM, NAN, "?");
        else
            age_cell(t, ip->oldest, m->now);
        if (ip->with_bytes) {
            qt_ports_fmt_bytes(ip->bytes_in, in_b, sizeof in_b);
            qt_ports_fmt_bytes(ip->bytes_out, out_b, sizeof out_b);
            qt_table_cell_num(t, QT_ROLE_NORMAL, (double)ip->bytes_in, "%s", in_b);
            qt_table_cell_num(t, QT_ROLE_NORMAL, (double)ip->bytes_out, "%s", out_b);
        } else {
            /* not read (no tcp_info this sample, or the /proc reader): absent, never 0 */
            qt_table_cell_num(t, QT_ROLE_DIM, NAN, "-");
            qt_table_cell_num(t, QT_ROLE_DIM, NAN, "-");
        }
        if (lm) {
            unsigned long af = qt_logmon_ip_fails_find(fails, nfails, txt);
            qt_table_cell_num(t, af ? QT_ROLE_WARN : QT_ROLE_NORMAL, (double)af, "%lu", af);
        }
        if (qt_ports_names_on()) {
            const char *nm = qt_ports_peer_name(txt);
            qt_table_cell(t, nm ? QT_ROLE_NORMAL : QT_ROLE_DIM, "%s", nm ? nm : "...");
        }
    }
    free(fails);
    t->sort_col = 1;
    t->sort_desc = 1;
    if (m->fallback_why[0])
        qt_table_note(t, QT_ROLE_INFO, "read from %s/net/tcp (netlink: %s)", in->ctx->proc, m->fallback_why);
    else if (m->own_conns)
        qt_table_note(t, QT_ROLE_DIM, "%u of qtriage's own connections (probes, auth wizard) left out", m->own_conns);
    else if (m->nips == 0)
        qt_table_note(t, QT_ROLE_DIM, "no connections on the watched ports");
}

static const qt_view *drill_top(const struct qt_view_in *in, const char *row_id)
{
    (void)in;
    (void)row_id;
    return &qt_ports_ip_view;
}

/* b on a row: the selected IP; d: peer names (the same in every Ports view) */
static int key_block_row(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)ch;
    return qt_ports_key_block(ui, in, row_id);
}

static int key_names(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)row_id, (void)ch;
    return qt_ports_key_names(ui, in);
}

static const struct qt_view_key top_keys[] = {
    {{'\r', '\n'}, "Enter", NULL, "connections of the selected IP"},
    {{'b'}, "b", key_block_row, "firewall lines (nft or iptables, the tool in use) to limit or block the selected IP (to copy; qtriage does not run them)"},
    {{'d'}, "d", key_names, "resolve peer names (PTR, via --dns-server; toggle)"},
    {{0}, NULL, NULL, NULL},
};

const qt_view qt_ports_top_view = {
    .name = "ports",
    .build = build_top,
    .needs = QT_VIEW_NEEDS_BYTES,
    .drill = drill_top,
    .keys = top_keys,
};

/* --- one IP's connections --- */

static void build_ip(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_sockets *m;
    const struct qt_ip *ip;
    const char *key = in->key ? in->key : "";
    const char *nm = qt_ports_peer_name(key);
    size_t rows = 0;
    uint8_t want[16];
    int fam;

    qt_table_init(t, "Connections");
    snprintf(t->title, sizeof t->title, "Connections of %s%s%s", key, nm ? " " : "", nm ? nm : "");
    qt_table_col(t, "SERVICE", 8, 0);
    qt_table_col(t, "LPORT", 5, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "RPORT", 5, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "STATE", 5, 0);
    qt_table_col(t, "STAGE", 17, 0);
    qt_table_col(t, "AGE", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "PID", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "PROGRAM", 12, QT_COL_FLEX);
    qt_table_col(t, "IN", 5, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "OUT", 5, QT_COL_RIGHT | QT_COL_NUM);
    if (qt_view_source_state(in, QT_SRC_SOCKETS, t))
        return;
    m = in->snap->sockets;
    if (parse_ip(key, &fam, want) != 0) {
        qt_table_note(t, QT_ROLE_DIM, "no connections from %s in this sample", key);
        return;
    }
    ip = qt_ports_find_ip(m, key);
    if (ip) {
        char age[32];
        qt_table_init(head, "");
        qt_table_col(head, "CLIENT", 15, 0);
        qt_table_col(head, "CONNECTIONS", 11, QT_COL_RIGHT);
        qt_table_col(head, "STALLED", 7, QT_COL_RIGHT);
        qt_table_col(head, "OLDEST", 6, QT_COL_RIGHT);
        qt_table_row(head, "ip");
        qt_table_cell(head, QT_ROLE_NORMAL, "%s", key);
        qt_table_cell(head, QT_ROLE_NORMAL, "%u", ip->total);
        stalled_cell(head, ip);
        if (ip->oldest > 0)
            qt_fmt_age(m->now - ip->oldest, age, sizeof age);
        else
            snprintf(age, sizeof age, "%s", ip->stalled_unknown ? "?" : "-");
        qt_table_cell(head, QT_ROLE_NORMAL, "%s", age);
    }
    for (size_t k = 0; k < m->socks.n; k++) {
        const struct qt_sock *s = &m->socks.v[k];
        const struct qt_owner *o = &m->own[k];
        const struct qt_proc *p;
        char id[96], b1[16], b2[16];
        unsigned char role;
        int hidden;

        if (s->state == QT_TCP_LISTEN || s->state == QT_TCP_SYN_RECV || !same_peer(s, fam, want))
            continue;
        rows++;
        qt_ports_conn_id(s, id, sizeof id);
        qt_table_row(t, "%s", id);
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", s->svc >= 0 && s->svc < in->ctx->nservices ? in->ctx->services[s->svc].name : "?");
        qt_table_cell_num(t, QT_ROLE_NORMAL, s->lport, "%u", s->lport);
        qt_table_cell_num(t, QT_ROLE_NORMAL, s->rport, "%u", s->rport);
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", qt_tcp_state_name(s->state));
        role = o->stage == QT_STAGE_HANDSHAKE || o->stage == QT_STAGE_STARTING ? QT_ROLE_WARN
             : o->stage == QT_STAGE_UNKNOWN ? QT_ROLE_DIM : QT_ROLE_NORMAL;
        qt_table_cell(t, role, "%s", qt_stage_label(o->stage, o->why));
        hidden = qt_ports_stage_hidden(m, k);
        if (hidden && o->start <= 0) /* not "-" (one process serves many): not known */
            qt_table_cell_num(t, QT_ROLE_DIM, NAN, "?");
        else
            age_cell(t, o->start, m->now);
        if (o->pid)
            qt_table_cell_num(t, QT_ROLE_NORMAL, o->pid, "%d", o->pid);
        else if (s->inode)
            qt_table_cell_num(t, QT_ROLE_DIM, NAN, "?");   /* someone holds it: not visible to us */
        else
            qt_table_cell_num(t, QT_ROLE_DIM, 0, "-");
        p = in->snap->procs && o->pid ? qt_procs_find(in->snap->procs, o->pid) : NULL;
        if (p) {
            const struct qt_proc *pp = o->prog_pid && o->prog_pid != o->pid ? qt_procs_find(in->snap->procs, o->prog_pid) : NULL;
            if (pp)
                qt_table_cell(t, QT_ROLE_NORMAL, "%s > %s", qt_proc_name(p), qt_proc_name(pp));
            else
                qt_table_cell(t, QT_ROLE_NORMAL, "%s", qt_proc_name(p));
        } else if (!s->inode) {
            qt_table_cell(t, QT_ROLE_DIM, "not accepted");
        } else {
            char why[160];
            qt_ports_hidden_why(m, s->svc, why, sizeof why);
            qt_table_cell(t, QT_ROLE_DIM, "not visible%s%s%s", hidden && *why ? " (" : "", hidden ? why : "",
                          hidden && *why ? ")" : "");
        }
        if (s->flags & QT_SOCK_HAS_BYTES) {
            qt_ports_fmt_bytes(s->bytes_received, b1, sizeof b1);
            qt_ports_fmt_bytes(s->bytes_acked, b2, sizeof b2);
            qt_table_cell_num(t, QT_ROLE_NORMAL, (double)s->bytes_received, "%s", b1);
            qt_table_cell_num(t, QT_ROLE_NORMAL, (double)s->bytes_acked, "%s", b2);
        } else {
            /* not read (no tcp_info this sample, or the /proc reader): absent, never 0 */
            qt_table_cell_num(t, QT_ROLE_DIM, NAN, "-");
            qt_table_cell_num(t, QT_ROLE_DIM, NAN, "-");
        }
    }
    t->sort_col = 5;
    t->sort_desc = 1;
    if (!rows)
        qt_table_note(t, QT_ROLE_DIM, "no connections from %s in this sample", key);
}

static const qt_view *drill_ip(const struct qt_view_in *in, const char *row_id)
{
    (void)in;
    (void)row_id;
    return &qt_ports_proc_view;
}

/* in one IP's view: b blocks the IP the view shows, K kills the selected connection's process */
static int key_block_ip(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)row_id, (void)ch;
    return qt_ports_key_block(ui, in, in->key);
}

static int key_kill_row(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)ch;
    return qt_ports_key_kill(ui, in, row_id);
}

static const struct qt_view_key ip_keys[] = {
    {{'\r', '\n'}, "Enter", NULL, "the process serving the selected connection"},
    {{'K'}, "K", key_kill_row, "kill the selected connection's process (per-connection child only; asks first)"},
    {{'b'}, "b", key_block_ip, "firewall lines (nft or iptables, the tool in use) to limit or block this IP (to copy; qtriage does not run them)"},
    {{'d'}, "d", key_names, "resolve peer names (toggle)"},
    {{0}, NULL, NULL, NULL},
};

const qt_view qt_ports_ip_view = {
    .name = "ports.ip",
    .build = build_ip,
    .needs = QT_VIEW_NEEDS_BYTES,
    .drill = drill_ip,
    .keys = ip_keys,
};

/* --- b: firewall lines for one IP --- */

int qt_ports_key_block(struct qt_ui *ui, const struct qt_view_in *in, const char *ip)
{
    const qt_sockets *m = in->snap ? in->snap->sockets : NULL;
    const struct qt_ip *e = m && ip ? qt_ports_find_ip(m, ip) : NULL;
    qt_buf b = {0}, folded = {0};
    char title[128];

    if (!e) {
        qt_ui_flash(ui, "select a remote IP first");
        return 1;
    }
    for (int i = 0; i < m->nsvc && i < in->ctx->nservices; i++)
        if (e->count[i]) {
            if (b.len)
                qt_buf_putc(&b, '\n');
            qt_buf_printf(&b, "# %s holds %u connections on %s (%u)\n", ip, e->count[i], in->ctx->services[i].name,
                          in->ctx->services[i].port);
            qt_fw_lines_port(in->snap->firewall, e->family, ip, in->ctx->services[i].port, in->ctx->services[i].name, &b);
        }
    qt_buf_puts(&b, "\n# qtriage does not run these: review, then paste them in a root shell.\n");
    snprintf(title, sizeof title, "Firewall lines for %s (%s)", ip, qt_fw_tool_name(qt_fw_tool_of(in->snap->firewall)));
    /* broken at shell-safe points (never inside the nft lines' quotes): each still pastes as one command */
    qt_wrap_cmd(qt_buf_str(&b), 70, &folded);
    qt_ui_text(ui, title, qt_buf_str(&folded));
    qt_buf_free(&b);
    qt_buf_free(&folded);
    return 1;
}

/* --- the pane --- */

const qt_pane_def qt_pane_ports = {
    .name = "Ports",
    .top = &qt_ports_top_view,
    .legend = "ACC/LIMIT    accepted connections (a process holds them) / tcpserver -c limit (? = unknown)\n"
              "QUEUE        clients waiting to be accepted / backlog (Recv-Q/Send-Q of the listener);\n"
              "             the metric `established` counts both (ss ESTABLISHED)\n"
              "STALLED      connected, mail program not running: TLS handshake pending or starting\n"
              "history      ' .:-=+*#%@' from none to the limit (or the largest value shown)\n"
              "stages       queued: not accepted; handshake pending: TLS front end with nothing beneath\n"
              "             or no byte received; starting: forked listener, program not exec'd;\n"
              "             in mail program; in program (another program); unknown: not visible (reason shown)\n"
              "AGE          start of the per-connection process; - when one process serves many\n"
              "IN/OUT       bytes received from / sent to the client (tcp_info); - when not read: the\n"
              "             console reads them while a Ports view is on screen, --batch/--check never\n"
              "             (ports with a TLS front end always); the /proc reader has none\n"
              "AUTHF        failed logins from the IP in the last 10 min of the mail logs (Logs pane);\n"
              "             the first column left out on a narrow screen\n"
              "?            unknown: the socket's owner is not visible (not root, or its fd list not readable);\n"
              "             >=N: N seen, more not visible. Never a 0 that stands for unknown",
    .slot = QT_SLOT_TOP,
    .min_rows = 5,   /* title, header and three rows */
};
