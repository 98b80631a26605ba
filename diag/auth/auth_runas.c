/* auth_runas.c - which uid:gid the mail service runs its checkpassword
 * program with, so the wizard's step 2 runs vchkpw the same way
 * (docs/auth-wizard.md, "Which uid runs what"). Sources, best first: the
 * front end's -u/-g (tcpserver(1): it switches before running the program),
 * the running qmail-smtpd children's real ids, the listener's own uid;
 * without any service the vpopmail user from <root>/etc/passwd.
 * Only sources root (or vpopmail) controls count: a listener running as
 * another user, or a run script another user owns, could otherwise pick the
 * uid vchkpw runs as, and that user could then read the password out of
 * vchkpw (ptrace, /proc/PID/mem). Such services are skipped. */
#include "diag/auth/auth_runas.h"
#include "diag/core/trust.h"
#include "diag/procs/procs.h"
#include "diag/servers/servers.h"
#include "diag/core/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int opt_id(const qt_cmd *c, char letter, unsigned *v)
{
    const struct qt_opt *o = qt_cmd_last(c, letter);
    unsigned long x;
    if (!o || !o->arg || qt_parse_ulong(o->arg, &x) != 0 || x >= QT_TRUST_NO_UID)
        return 0;
    *v = (unsigned)x;
    return 1;
}

static int is_smtpd(const struct qt_proc *p)
{
    for (int a = 0; a < p->argc && a < 32; a++) {
        const char *b = strrchr(p->argv[a], '/');
        if (strcmp(b ? b + 1 : p->argv[a], "qmail-smtpd") == 0)
            return 1;
    }
    return 0;
}

/* A running qmail-smtpd child of the listener: its ids. */
static int child_ids(const qt_ctx *ctx, const struct qt_snapshot *snap, int listener, unsigned *uid, unsigned *gid,
                     int *pid)
{
    if (!snap->procs || listener <= 0)
        return 0;
    for (size_t i = 0; i < snap->procs->n; i++) {
        const struct qt_proc *p = &snap->procs->v[i];
        if (p->ppid == listener && p->uid != QT_TRUST_NO_UID && is_smtpd(p) && qt_proc_real_gid(ctx, p->pid, gid)) {
            *uid = p->uid;
            *pid = p->pid;
            return 1;
        }
    }
    return 0;
}

/* Does the front end set TCPLOCALPORT? tcpserver(1) always does; both
 * sslservers only with -e (sslserver.c: flagtcpenv, off by default). */
static int localport_env(const struct qt_server *s)
{
    switch (s->variant) {
    case QT_VAR_SSLSERVER:
    case QT_VAR_SSLSERVER_FEH:
        return qt_cmd_state(s->cmd, QT_OR_TCPENV_ON, QT_OR_TCPENV_OFF, 0) ? 1 : -1;
    case QT_VAR_UCSPI_TCP:
    case QT_VAR_UCSPI_TCP6:
    case QT_VAR_SSL_PATCH:
    case QT_VAR_INDIMAIL:
        return 1;
    default:
        return 0;
    }
}

static void one_server(const qt_ctx *ctx, const struct qt_snapshot *snap, const struct qt_server *s,
                       struct qt_wiz_runas *r)
{
    unsigned u = 0, g = 0;
    int have_u = s->cmd && opt_id(s->cmd, 'u', &u), have_g = s->cmd && opt_id(s->cmd, 'g', &g), pid;
    const char *fe = s->cmd && s->cmd->server_name[0] ? s->cmd->server_name : "the front end";

    r->port = s->port;
    snprintf(r->name, sizeof r->name, "%s", s->name);
    snprintf(r->front, sizeof r->front, "%s", fe);
    r->tls = s->tls;
    r->localport_env = localport_env(s);
    if (have_u || have_g) {
        r->uid = have_u ? u : 0;
        r->gid = have_g ? g : 0;
        snprintf(r->source, sizeof r->source, "%s %s%s%s on port %u (service %.64s)", fe, have_u ? "-u" : "no -u",
                 have_g ? " -g" : ", no -g", have_u && have_g ? "" : " (the missing one stays 0)", s->port,
                 s->name);
    } else if (child_ids(ctx, snap, s->pid, &r->uid, &r->gid, &pid)) {
        snprintf(r->source, sizeof r->source, "the running qmail-smtpd (pid %d) of %.64s on port %u", pid, s->name,
                 s->port);
    } else {
        r->uid = s->pid > 0 && s->uid != QT_TRUST_NO_UID ? s->uid : 0;
        r->gid = 0;
        snprintf(r->source, sizeof r->source, "%s without -u/-g on port %u (service %.64s) runs its program as %s",
                 fe, s->port, s->name, r->uid ? "its own uid" : "root");
    }
}

/* tcpserver -u U switches the listener itself to U after binding: a
 * listener running as U that a root supervise started from a root-owned run
 * script whose command (unchanged since) says -u U is root's choice, and
 * the real service hands every AUTH to U's qmail-smtpd anyway (the LWQ
 * `-u qmaild` setup, issue 15). */
static int root_chose_uid(const struct qt_snapshot *snap, const struct qt_server *s)
{
    const struct qt_proc *sup = snap->procs && s->supervisor_pid > 0 ? qt_procs_find(snap->procs, s->supervisor_pid) : NULL;
    unsigned u;
    return sup && sup->uid == 0 && s->has_script_cmd && s->rs.owner == 0 && !s->differs &&
           opt_id(&s->script, 'u', &u) && u == s->uid;
}

/* Does root (or vpopmail) decide what this service runs as? A running
 * listener: its own uid, or root through its supervisor (root_chose_uid);
 * a service that is down: its run script's owner. */
static int trusted_source(const struct qt_snapshot *snap, const struct qt_server *s, unsigned vpop_uid)
{
    unsigned who = s->pid > 0 ? s->uid : s->rs.owner;
    if (s->pid <= 0 && !s->has_script_cmd)
        return 0;
    return who == 0 || (vpop_uid != QT_TRUST_NO_UID && who == vpop_uid) || (s->pid > 0 && root_chose_uid(snap, s));
}

int qt_wiz_runas_collect(const qt_ctx *ctx, const struct qt_snapshot *snap, unsigned vpop_uid,
                         struct qt_wiz_runas *out, int max)
{
    int k = 0;
    if (!snap || !snap->servers)
        return 0;
    for (size_t i = 0; i < snap->servers->n && k < max; i++) {
        const struct qt_server *s = &snap->servers->v[i];
        if (!s->port || !s->cmd || !trusted_source(snap, s, vpop_uid))
            continue;
        one_server(ctx, snap, s, &out[k++]);
    }
    return k;
}

int qt_wiz_tls_ports(const struct qt_snapshot *snap, struct qt_wiz_tlsport *out, int max)
{
    int k = 0;
    if (!snap || !snap->servers)
        return 0;
    for (size_t i = 0; i < snap->servers->n && k < max; i++) {
        const struct qt_server *s = &snap->servers->v[i];
        int dup = 0;
        if (!s->port || !s->tls)
            continue;
        for (int j = 0; j < k; j++)
            dup |= out[j].port == s->port;
        if (dup)
            continue;
        out[k].port = s->port;
        snprintf(out[k].front, sizeof out[k].front, "%s",
                 s->other[0] ? s->other : s->cmd && s->cmd->server_name[0] ? s->cmd->server_name : s->name);
        k++;
    }
    return k;
}

int qt_wiz_runas_pick(const struct qt_wiz_runas *v, int n, unsigned vpop_uid, unsigned vpop_gid, unsigned port,
                      unsigned *uid, unsigned *gid, char *why, size_t wn)
{
    for (int i = 0; i < n; i++)
        if (port && v[i].port == port) {
            *uid = v[i].uid;
            *gid = v[i].gid;
            snprintf(why, wn, "%s", v[i].source);
            return 0;
        }
    if (vpop_uid != QT_TRUST_NO_UID) {
        *uid = vpop_uid;
        *gid = vpop_gid;
        snprintf(why, wn, "the vpopmail user in /etc/passwd (no service found on port %u)", port);
        return 0;
    }
    snprintf(why, wn, "no service found on port %u and no vpopmail user in /etc/passwd", port);
    return -1;
}
