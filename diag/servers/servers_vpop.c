/* servers_vpop.c - can a service's checkpassword program read vpopmail's
 * passwords? vchkpw runs with the ids its front end gives the program
 * (tcpserver -u/-g, tcpserver(1)); vpopmail keeps ~vpopmail/domains mode
 * 0700 owned by vpopmail (vpopmail's Makefile.am), so under the LWQ setup
 * (qmail-smtpd under tcpserver -u qmaild) vchkpw cannot open any
 * DOMAIN/vpasswd.cdb and answers every AUTH as "vpopmail user not found"
 * (issue 15, docs/domain/vpopmail.md). The fact is read here, the finding
 * is the lint's (diag/lint/lint_auth.c). */
#include "diag/core/uaccess.h"
#include "diag/procs/procs.h"
#include "diag/servers/servers_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* An absolute .../bin/vchkpw after qmail-smtpd or qmail-popup: its index, or -1. */
static int vchkpw_word(const qt_cmd *c)
{
    for (int k = 0; k < c->nlinks; k++) {
        const struct qt_link *ln = &c->links[k];
        if (ln->kind != QT_LINK_QMAIL_SMTPD && ln->kind != QT_LINK_QMAIL_POPUP)
            continue;
        for (int a = ln->first + 1; a < c->argc; a++) {
            size_t l = strlen(c->argv[a]);
            if (c->argv[a][0] == '/' && l > 11 && !strcmp(c->argv[a] + l - 11, "/bin/vchkpw"))
                return a;
        }
    }
    return -1;
}

/* The vpasswd.cdb of the first domain in users/assign that has one
 * (+DOMAIN-:DOMAIN:UID:GID:DIR:-::, qmail-users(5)), as on the system. */
static int first_cdb(const qt_ctx *ctx, char *out, size_t n)
{
    char abs[4096], *text = NULL, path[4096];
    struct stat st;
    int found = 0, lines = 0;
    if (!qt_ctx_qmail(ctx, "users/assign", abs, sizeof abs) || qt_ctx_read(ctx, abs, 1 << 22, &text, NULL) < 0)
        return 0;
    for (char *p = text; p && *p && !found && lines++ < 1000;) {
        char *nl = strchr(p, '\n'), *f = p;
        if (nl)
            *nl = '\0';
        for (int i = 0; i < 4 && f; i++)
            if ((f = strchr(f, ':')))
                f++;
        if (p[0] == '+' && f && f[0] == '/') {
            f[strcspn(f, ":")] = '\0';
            snprintf(path, sizeof path, "%.3000s/vpasswd.cdb", f);
            found = strlen(path) < n && qt_ctx_stat(ctx, path, &st) == 0;
            if (found)
                snprintf(out, n, "%s", path);
        }
        p = nl ? nl + 1 : NULL;
    }
    free(text);
    return found;
}

static int id_opt(const qt_cmd *c, char letter, unsigned *v)
{
    const struct qt_opt *o = qt_cmd_last(c, letter);
    unsigned long x;
    if (!o || !o->arg || qt_parse_ulong(o->arg, &x) != 0 || x >= (unsigned)-1)
        return 0;
    *v = (unsigned)x;
    return 1;
}

/* A running qmail-smtpd child of the listener (a wrapper such as
 * setuidgid may have changed its ids): its real uid and gid, 1; else 0. */
static int running_ids(const qt_ctx *ctx, qt_procs *procs, const qt_procs_kids *kids, const struct qt_server *sv,
                       unsigned *u, unsigned *g, int *pid)
{
    size_t first, n;
    if (!procs || !kids || sv->pid <= 0)
        return 0;
    n = qt_procs_kids_of(kids, sv->pid, &first);
    for (size_t i = 0; i < n; i++) {
        const struct qt_proc *c = &procs->v[kids->by_ppid[first + i]];
        if (c->pid == sv->pid || c->state == 'Z' || strcmp(c->comm, "qmail-smtpd") != 0)
            continue;
        qt_procs_want_pid(procs, c->pid);
        qt_procs_load(procs);
        c = qt_procs_find(procs, c->pid);
        if (c && c->uid != (unsigned)-1 && qt_proc_real_gid(ctx, c->pid, g)) {
            *u = c->uid;
            *pid = c->pid;
            return 1;
        }
        return 0;   /* one child tells; do not load them all */
    }
    return 0;
}

void qt_servers_auth_access(const qt_ctx *ctx, qt_procs *procs, const qt_procs_kids *kids, struct qt_server *sv)
{
    const qt_cmd *c = sv->cmd;
    unsigned u = 0, g = 0;
    int have_u, have_g, pid;

    sv->auth_denied = 0;
    if (!c || sv->other[0] || vchkpw_word(c) < 0 || !first_cdb(ctx, sv->auth_path, sizeof sv->auth_path))
        return;
    have_u = id_opt(c, 'u', &u);
    have_g = id_opt(c, 'g', &g);
    if (running_ids(ctx, procs, kids, sv, &u, &g, &pid)) {
        if (u == 0)
            return;
        snprintf(sv->auth_ids, sizeof sv->auth_ids, "the running qmail-smtpd, pid %d", pid);
    } else if (have_u || have_g)
        snprintf(sv->auth_ids, sizeof sv->auth_ids, "%s%s%s", have_u ? "-u" : "", have_u && have_g ? " " : "",
                 have_g ? "-g" : "");
    else if (sv->pid > 0 && sv->uid != (unsigned)-1 && sv->uid != 0) {
        u = sv->uid;
        snprintf(sv->auth_ids, sizeof sv->auth_ids, "the listener's own uid");
    } else
        return;   /* root: reads everything */
    sv->auth_uid = u;
    sv->auth_gid = g;
    sv->auth_denied = qt_access_read_as(ctx, sv->auth_path, u, g, sv->auth_why, sizeof sv->auth_why) == 0;
}
