/* firewall_collector.c - the firewall collector (snapshot pointer
 * `firewall`, QT_SRC_FIREWALL): the live ruleset (diag/firewall/firewall.h)
 * re-read at most every FW_REREAD seconds, and per watched service what the
 * coverage check needs from the Ports and servers models (the families it
 * listens on for other hosts, the front end's own per-IP limit, the largest
 * per-IP count past the TLS handshake). It sits here, above ports and
 * servers, like the servers collector, so that diag/firewall stays below
 * the Ports model that writes its block lines with it. */
#include "diag/firewall/firewall.h"
#include "diag/lint/lint.h"
#include "diag/ports/ipcounter.h"
#include "diag/ports/ports.h"
#include "diag/servers/servers.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define FW_REREAD 30.0   /* s: rules change by hand, rarely; a listing forks only for legacy tables */

struct fw_state {
    qt_firewall cache;
    double read_at;      /* monotonic; 0 never */
    unsigned peak[QT_MAX_SERVICES];
    qt_ipcounter count; /* kept: a steady sample counts in the same memory */
};

static int loopback(const struct qt_listener *l)
{
    static const uint8_t v6lo[16] = {[15] = 1};
    return l->family == AF_INET ? l->laddr[0] == 127 : !memcmp(l->laddr, v6lo, 16);
}

static unsigned listen_fam(const qt_sockets *m, int svc)
{
    static const uint8_t any6[16];
    unsigned fam = 0;
    for (size_t i = 0; m && i < m->nlisteners; i++) {
        const struct qt_listener *l = &m->listeners[i];
        if (l->svc != svc || loopback(l))
            continue;
        if (l->family == AF_INET)
            fam |= QT_FW_V4;
        else    /* [::] takes IPv4 too unless IPV6_V6ONLY (ipv6(7), bindv6only defaults to 0) */
            fam |= QT_FW_V6 | (!memcmp(l->laddr, any6, 16) ? QT_FW_V4 : 0);
    }
    return fam;
}

static void copy_rules(qt_firewall *dst, const qt_firewall *src)
{
    *dst = *src;
    dst->rules = NULL;
    dst->cap = 0;
    if (src->nrules) {
        dst->rules = qt_calloc(src->nrules, sizeof *dst->rules);
        dst->cap = src->nrules;
        for (size_t i = 0; i < src->nrules; i++) {
            dst->rules[i] = src->rules[i];
            dst->rules[i].text = qt_strdup(src->rules[i].text);
        }
    }
}

static void fill_services(qt_firewall *fw, struct fw_state *st, const qt_ctx *ctx, const qt_snapshot *snap)
{
    unsigned now[QT_MAX_SERVICES];

    qt_ports_ip_peaks(snap->sockets, &st->count, now);
    fw->nsvc = ctx->nservices;
    for (int i = 0; i < ctx->nservices && i < QT_MAX_SERVICES; i++) {
        struct qt_fw_service *s = &fw->svc[i];
        if (now[i] > st->peak[i])
            st->peak[i] = now[i];
        snprintf(fw->svc_names[i], sizeof fw->svc_names[i], "%s", ctx->services[i].name);
        s->name = fw->svc_names[i];
        s->port = ctx->services[i].port;
        s->fam = listen_fam(snap->sockets, i);
        s->fe_limit = -1;
        s->peak = st->peak[i];
        for (size_t k = 0; snap->servers && k < snap->servers->n; k++) {
            const struct qt_server *sv = &snap->servers->v[k];
            if (sv->port == s->port && sv->pid && sv->iplimit >= 0) {
                s->fe_limit = sv->iplimit;
                s->fe_source = sv->iplimit_source ? sv->iplimit_source : "the front end's per-IP option";
            }
        }
    }
}

static int collect(const qt_ctx *ctx, void **state, qt_snapshot *snap, char *err, size_t errlen)
{
    struct fw_state *st = *state;
    qt_firewall *fw;
    (void)err, (void)errlen;

    if (!st)
        *state = st = qt_calloc(1, sizeof *st);
    fw = qt_calloc(1, sizeof *fw);
    snap->firewall = fw;
    /* the live ruleset is this host's: a recorded --proc tree is another's */
    if (ctx->proc && strcmp(ctx->proc, "/proc") != 0) {
        snprintf(fw->nft_why, sizeof fw->nft_why, "firewall not read: --proc is not the live /proc");
        return 0;
    }
    if (!st->read_at || qt_now_mono() - st->read_at >= FW_REREAD) {
        qt_fw_free(&st->cache);
        memset(&st->cache, 0, sizeof st->cache);
        qt_fw_read(&st->cache, ctx);
        st->read_at = qt_now_mono();
    }
    copy_rules(fw, &st->cache);
    fill_services(fw, st, ctx, snap);
    return 0;
}

static void analyse(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out)
{
    (void)ctx, (void)hist;
    if (snap->firewall)
        qt_fw_analyse(snap->firewall, out);
}

static void free_model(qt_snapshot *snap)
{
    if (snap->firewall)
        qt_fw_free(snap->firewall);
    free(snap->firewall);
    snap->firewall = NULL;
}

static void free_state(void *state)
{
    struct fw_state *st = state;
    if (st) {
        qt_fw_free(&st->cache);
        qt_ipcounter_free(&st->count);
    }
    free(st);
}

const qt_collector qt_collector_firewall = {
    .id = QT_SRC_FIREWALL,
    .name = "firewall",
    .collect = collect,
    .analyse = analyse,
    .free_model = free_model,
    .free_state = free_state,
};
