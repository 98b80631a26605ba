/* ports_names.c - peer name resolution for the Ports pane: off by default;
 * `d` turns it on and looks up the PTR names of the IPs in the current
 * sample in the background (c-ares against --dns-server, 3 s deadline;
 * never the system resolver), `d` again turns it off. The names are pane
 * state, not part of the snapshot: a cache kept for the session. */
#include "panes/ports_views.h"
#include "diag/ports/peername.h"
#include "panes/ui_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOKUP_TIMEOUT 3.0
#define CACHE_MAX 4096

struct name_entry {
    char ip[64];
    char name[256];      /* name, or "(no PTR)", "(timeout)", "(error)"; "" while looking up */
};

static struct {
    int on;
    int busy;            /* a lookup job is running */
    struct qt_peername *res;   /* the running job's addresses and results */
    size_t nres;
    struct name_entry *v;
    size_t n, cap;
} names;

int qt_ports_names_on(void)
{
    return names.on;
}

static struct name_entry *find(const char *ip)
{
    for (size_t i = 0; i < names.n; i++)
        if (strcmp(names.v[i].ip, ip) == 0)
            return &names.v[i];
    return NULL;
}

const char *qt_ports_peer_name(const char *ip)
{
    const struct name_entry *e;
    if (!names.on || !ip || !(e = find(ip)) || !e->name[0])
        return NULL;
    return e->name;
}

/* Called once the job finished; the job may already be freed: only the
 * pane-owned results are read. */
static void done(struct qt_ui *ui, void *arg)
{
    const struct qt_peername *r = names.res;
    size_t n = names.nres, ok = 0;
    (void)arg;

    for (size_t i = 0; i < n; i++) {
        struct name_entry *e = find(r[i].ip);
        if (!e)
            continue;
        if (r[i].status == QT_PEER_OK) {
            snprintf(e->name, sizeof e->name, "%s", r[i].name);
            ok++;
        } else {
            snprintf(e->name, sizeof e->name, "(%s)", qt_peername_status_name(r[i].status));
        }
    }
    free(names.res);
    names.res = NULL;
    names.nres = 0;
    names.busy = 0;
    qt_ui_flash(ui, "peer names: %zu of %zu resolved", ok, n);
    qt_ui_dirty(ui);
}

int qt_ports_key_names(struct qt_ui *ui, const struct qt_view_in *in)
{
    const qt_sockets *m = in->snap ? in->snap->sockets : NULL;
    struct qt_peername *res;
    char err[256];
    size_t n = 0;
    qt_job *job;

    if (names.on) {
        names.on = 0;
        qt_ui_flash(ui, "peer names off");
        return 1;
    }
    if (!in->ctx->dns_server) {
        qt_ui_flash(ui, "no --dns-server given: peer names stay off (the system resolver is never used)");
        return 1;
    }
    names.on = 1;
    if (names.busy) {
        qt_ui_flash(ui, "peer names on; lookups still running");
        return 1;
    }
    res = qt_calloc(QT_PEERNAME_MAX, sizeof *res);
    for (size_t i = 0; m && i < m->nips && n < QT_PEERNAME_MAX; i++) {
        char ip[64];
        struct name_entry *e;
        qt_ip_str(&m->ips[i], ip, sizeof ip);
        if ((e = find(ip)) && e->name[0] && strcmp(e->name, "(timeout)") != 0)
            continue; /* known already (timeouts are retried) */
        if (!e) {
            if (names.n >= CACHE_MAX)
                names.n = 0; /* crude bound: forget everything rather than grow without end */
            qt_grow(&names.v, &names.cap, names.n + 1, sizeof *names.v);
            e = &names.v[names.n++];
            snprintf(e->ip, sizeof e->ip, "%s", ip);
        }
        e->name[0] = '\0';
        snprintf(res[n++].ip, sizeof res->ip, "%s", ip);
    }
    if (n == 0) {
        free(res);
        qt_ui_flash(ui, "peer names on");
        return 1;
    }
    job = qt_peername_start(in->ctx->dns_server, res, n, LOOKUP_TIMEOUT, err, sizeof err);
    if (!job) {
        free(res);
        names.on = 0;
        qt_ui_flash(ui, "peer names: %s", err);
        return 1;
    }
    names.busy = 1;
    names.res = res;
    names.nres = n;
    qt_ui_flash(ui, "peer names on: looking up %zu addresses via %s", n, in->ctx->dns_server);
    qt_ui_run_job(ui, job, done, NULL);
    return 1;
}
