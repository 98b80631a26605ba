/* servers_other.c - every listener on a watched port gets a row in Servers,
 * found through its socket (the sockets model's listener pid), whatever
 * program holds it. A known front end already has its row (servers.c);
 * any other program becomes an "other front end" with its command line and
 * children. socat and stunnel get their limit and what bounds their TLS
 * handshake from their own arguments and the program registry
 * (diag/core/programs.c; docs/domain/ucspi.md#handshake-deadlines): socat's
 * max-children on its listen address (socat(1), default no limit; an
 * OPENSSL-LISTEN handshake is bounded by nothing), stunnel none of its own
 * (stunnel4(8)). Others say "deadline unknown". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag/core/programs.h"
#include "diag/core/util.h"
#include "diag/procs/procs.h"
#include "diag/servers/servers_int.h"

static int has_row(const qt_servers *s, int pid)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].pid == pid)
            return 1;
    return 0;
}

/* socat's listen address: "OPENSSL-LISTEN:465,bind=...,fork,max-children=100".
 * Address keywords are case-insensitive (socat(1)). */
static void socat_facts(struct qt_server *sv, const struct qt_proc *p)
{
    for (int a = 1; a < p->argc; a++) {
        const char *w = p->argv[a], *colon = strchr(w, ':');
        size_t kl = colon ? (size_t)(colon - w) : 0;
        if (!colon || kl < 6 || strncasecmp(colon - 6, "LISTEN", 6) != 0)
            continue;
        sv->tls = !strncasecmp(w, "OPENSSL-LISTEN", kl) || !strncasecmp(w, "SSL-LISTEN", kl) ||
                  !strncasecmp(w, "OPENSSL-LISTEN6", kl) || !strncasecmp(w, "OPENSSL-LISTEN4", kl);
        for (const char *o = strchr(colon, ','); o; o = strchr(o + 1, ',')) {
            if (!strncasecmp(o + 1, "max-children=", 13)) {
                sv->limit = (long)qt_scan_ulong(o + 14);
                sv->limit_source = "socat max-children";
            } else if (!strncasecmp(o + 1, "bind=", 5)) {
                size_t l = strcspn(o + 6, ",");
                snprintf(sv->host, sizeof sv->host, "%.*s", (int)(l < sizeof sv->host ? l : sizeof sv->host - 1), o + 6);
            }
        }
        break;
    }
    if (sv->limit < 0)
        sv->limit_source = "socat: no max-children (no limit)";
    if (sv->tls) {
        sv->hs_source = QT_HS_NONE;
        snprintf(sv->hs_detail, sizeof sv->hs_detail, "socat OPENSSL-LISTEN: nothing bounds the handshake (-T is an idle timeout)");
    } else {
        sv->hs_source = QT_HS_NA;
        snprintf(sv->hs_detail, sizeof sv->hs_detail, "no TLS in socat's listen address");
    }
}

static void other_facts(struct qt_server *sv, const struct qt_proc *p)
{
    const struct qt_program *pr = qt_program_find(qt_proc_name(p));

    sv->limit = -1;
    sv->iplimit = -1;
    sv->limit_source = "unknown";
    sv->hs_source = QT_HS_UNKNOWN;
    snprintf(sv->hs_detail, sizeof sv->hs_detail, "deadline unknown for %.40s", qt_proc_name(p));
    if (!strcmp(qt_proc_name(p), "socat")) {
        socat_facts(sv, p);
    } else if (pr && !strncmp(pr->name, "stunnel", 7)) {
        sv->tls = 1;
        sv->limit_source = "none: stunnel4(8) documents no connection limit";
        snprintf(sv->hs_detail, sizeof sv->hs_detail, "stunnel: TIMEOUTbusy in its configuration (not read)");
    }
    snprintf(sv->variant_evidence, sizeof sv->variant_evidence, "holds the listening socket; %s: limit %s, handshake %s",
             qt_proc_name(p), pr && pr->limit ? pr->limit : "unknown", pr && pr->handshake ? pr->handshake : "unknown");
}

/* Direct children are connections (socat forks one per client); their
 * children the program (started after the handshake). */
static void other_children(const qt_procs_kids *kids, struct qt_server *sv)
{
    size_t first, n = qt_procs_kids_of(kids, sv->pid, &first);
    for (size_t i = 0; i < n; i++) {
        const struct qt_proc *c = &kids->procs->v[kids->by_ppid[first + i]];
        size_t gfirst, gn;
        if (c->pid == sv->pid)
            continue;
        sv->children++;
        if (c->state == 'Z') {
            sv->zombies++;
            continue;
        }
        gn = qt_procs_kids_of(kids, c->pid, &gfirst);
        for (size_t g = 0; g < gn; g++)
            if (kids->procs->v[kids->by_ppid[gfirst + g]].state != 'Z') {
                sv->progs_running++;
                break;
            }
    }
}

void qt_servers_add_others(const qt_ctx *ctx, qt_procs *procs, const qt_procs_kids *kids, const struct qt_listen_pid *l,
                           size_t nl, qt_servers *s)
{
    (void)ctx;
    for (size_t i = 0; i < nl; i++)
        if (l[i].pid > 0 && !has_row(s, l[i].pid))
            qt_procs_want_pid(procs, l[i].pid);
    qt_procs_load(procs);
    for (size_t i = 0; i < nl; i++) {
        const struct qt_proc *p;
        struct qt_server *sv;
        if (l[i].pid <= 0 || has_row(s, l[i].pid) || !(p = qt_procs_find(procs, l[i].pid)))
            continue;
        sv = qt_servers_add(s);
        snprintf(sv->name, sizeof sv->name, "%.40s:%u", qt_proc_name(p), l[i].port);
        qt_copy(sv->other, sizeof sv->other, qt_proc_name(p));
        sv->pid = p->pid;
        sv->started = p->start;
        sv->uid = p->uid;
        sv->port = l[i].port;
        qt_cmd_parse(&sv->proc, p->argc, p->argv, NULL, QT_VAR_UNKNOWN);
        sv->proc.argv_more = p->argv_more;
        sv->cmd = &sv->proc;
        sv->variant = QT_VAR_UNKNOWN;
        sv->rules_exists = -1;
        sv->smtpd_smtpauth = -1;
        other_facts(sv, p);
        if (kids->procs)
            other_children(kids, sv);
    }
}
