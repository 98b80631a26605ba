/* zombies_check.c - findings about zombies: who fails to wait(), why it
 * matters for a qmail/tcpserver setup, and what to type. Pure: the
 * snapshot and the history in, findings out. See zombies.h. */
#include "diag/zombies/zombies.h"
#include "diag/procs/procs.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Raw text for a finding: the setters escape control bytes but keep '\n'
 * as a line break, so a newline inside a process name must not survive. */
static char *flat(const char *s)
{
    char *d = qt_strdup(s ? s : "");
    for (char *p = d; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = '?';
    return d;
}

/* Quote a path for a shell command line when it needs it. */
static char *shq(const char *s)
{
    qt_buf b = {0};
    int plain = *s != '\0';
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("_./-+:@%", *p)))
            plain = 0;
    if (plain)
        return qt_strdup(s);
    qt_buf_putc(&b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            qt_buf_puts(&b, "'\\''");
        else if (*p == '\n' || *p == '\r')
            qt_buf_putc(&b, '?');
        else
            qt_buf_putc(&b, *p);
    }
    qt_buf_putc(&b, '\'');
    return qt_buf_steal(&b);
}

static const char *state_word(char s)
{
    switch (s) {
    case 'R': return "running";
    case 'S': return "sleeping";
    case 'D': return "in uninterruptible sleep, stuck in the kernel";
    case 'T': return "stopped";
    case 't': return "stopped by a debugger";
    case 'I': return "idle";
    case '?': return "not readable";
    default: return "state";
    }
}

/* The one name all zombies share, or NULL. */
static const char *common_name(const struct qt_zgroup *g)
{
    for (size_t i = 1; i < g->n; i++)
        if (strcmp(g->z[i].comm, g->z[0].comm) != 0)
            return NULL;
    return g->z[0].comm;
}

static void add_pids(qt_finding *f, const struct qt_zgroup *g)
{
    qt_buf b = {0};
    char *names = qt_zgroup_names(g), *fn = flat(names);
    size_t show = g->n < 12 ? g->n : 12;

    for (size_t i = 0; i < show; i++)
        qt_buf_printf(&b, "%s%d", i ? " " : "", g->z[i].pid);
    if (show < g->n)
        qt_buf_printf(&b, " ... (%zu more)", g->n - show);
    qt_finding_evidence(f, "zombies: %zu (%s), pids %s", g->n, fn, qt_buf_str(&b));
    qt_buf_free(&b);
    free(names);
    free(fn);
}

static void add_ages(qt_finding *f, const qt_zombies *z, const struct qt_zgroup *g)
{
    char old[32], new[32], seen[32];
    double first_seen = g->z[0].seen;

    for (size_t i = 1; i < g->n; i++)
        if (g->z[i].seen < first_seen)
            first_seen = g->z[i].seen;
    qt_fmt_age(z->now - g->oldest, old, sizeof old);
    qt_fmt_age(z->now - g->newest, new, sizeof new);
    if (g->n == 1)
        qt_finding_evidence(f, "started %s ago", old);
    else
        qt_finding_evidence(f, "started: oldest %s ago, newest %s ago", old, new);
    if (z->now - first_seen >= 1) {
        qt_fmt_age(z->now - first_seen, seen, sizeof seen);
        qt_finding_evidence(f, "seen unreaped across samples for at least %s", seen);
    }
}

static void add_trend(qt_finding *f, enum qt_ztrend t, double from, double to)
{
    switch (t) {
    case QT_ZT_UNKNOWN:
        break;
    case QT_ZT_NEW:
        qt_finding_evidence(f, "trend: first sample with these zombies (no trend yet)");
        break;
    default:
        qt_finding_evidence(f, "trend over the last %d samples: %s (%.0f -> %.0f)", QT_ZTREND_WINDOW,
                            qt_ztrend_name(t), from, to);
    }
}

static void add_service(qt_finding *f, const struct qt_zgroup *g, unsigned euid)
{
    char buf[128];
    int assumed;
    const char *dir = qt_zgroup_dir_shown(g, buf, sizeof buf, &assumed);
    char *chain = qt_zgroup_chain(g), *fc = flat(chain), *fn = flat(g->svc_name);

    qt_finding_evidence(f, "chain: %s", fc);
    if (!g->svc_pid)
        qt_finding_evidence(f, "service: none (no supervise, runsv or s6-supervise above the parent)");
    else if (!g->svc_dir && euid != 0)
        qt_finding_evidence(f, "service: %s (%s %s; its directory is not readable by uid %u: run qtriage as root)",
                            fn, g->svc_kind, fn, euid);
    else if (dir && !assumed)
        qt_finding_evidence(f, "service: %s (%s %s, directory %s)", fn, g->svc_kind, fn, dir);
    else
        qt_finding_evidence(f, "service: %s (%s %s; its directory was not readable%s%s)", fn, g->svc_kind, fn,
                            dir ? ", assumed " : "", dir ? dir : "");
    free(chain);
    free(fc);
    free(fn);
}

/* The command that restarts the group's service, or NULL. Caller frees. */
static char *restart_cmd(const struct qt_zgroup *g, const char *flags)
{
    char buf[128];
    int assumed;
    const char *dir = qt_zgroup_dir_shown(g, buf, sizeof buf, &assumed);
    char *q, *cmd;

    if (!dir || !g->svc_kind)
        return NULL;
    q = shq(dir);
    if (strcmp(g->svc_kind, "s6-supervise") == 0)
        cmd = qt_asprintf("s6-svc %s %s", flags, q);
    else if (strcmp(g->svc_kind, "runsv") == 0)
        cmd = qt_asprintf("sv %s %s", strcmp(flags, "-t") == 0 ? "term" : "exit", q);
    else
        cmd = qt_asprintf("svc %s %s", flags, q);
    free(q);
    return cmd;
}

static void explain_role(qt_finding *f, const struct qt_zgroup *g, const char *pn)
{
    switch (g->role) {
    case QT_ZROLE_LISTENER:
        qt_finding_explain(f, "%s (pid %d) is the listener. tcpserver and sslserver reap children in their "
                              "SIGCHLD handler, which runs while they wait in accept(); zombies that stay mean the "
                              "handler is not running: the listener is stopped, stuck, or a patched build that keeps "
                              "SIGCHLD blocked.", pn, g->ppid);
        qt_finding_explain(f, "Until it reaps them the listener still counts them against its -c limit: every "
                              "zombie is a lost connection slot, and at the limit it stops accepting.");
        break;
    case QT_ZROLE_CONNECTION:
        qt_finding_explain(f, "%s (pid %d) is a per-connection process below the listener: it waits for its "
                              "child only when its own session ends, and it is still busy with its connection "
                              "(typically an SSL relay blocked in a TLS handshake that has no deadline, or relaying "
                              "until an idle timeout). Its connection still holds one of the listener's -c slots.",
                           pn, g->ppid);
        qt_finding_explain(f, "Restarting the service does not end it: svc -t signals only the listener, and "
                              "per-connection processes live on.");
        break;
    case QT_ZROLE_DAEMON:
        qt_finding_explain(f, "%s (pid %d) is a long-running process of its service: it is expected to wait() for "
                              "each child and is not doing so (stuck, busy, or stopped).", pn, g->ppid);
        break;
    case QT_ZROLE_SUPERVISOR:
        qt_finding_explain(f, "%s (pid %d) is not reaping the service process it started: the supervisor itself "
                              "is stopped or stuck, and while it is it cannot restart the service either.",
                           pn, g->ppid);
        break;
    default:
        qt_finding_explain(f, "%s (pid %d) has not called wait() for these children.", pn, g->ppid);
    }
    if (g->pstate == 'T' || g->pstate == 't')
        qt_finding_explain(f, "The parent is stopped (state %c): it cannot reap anything until it is continued.",
                           g->pstate);
    else if (g->pstate == 'D')
        qt_finding_explain(f, "The parent is in uninterruptible sleep (state D): it is stuck inside the kernel.");
    qt_finding_explain(f, "A zombie holds no memory and no CPU, only a process-table slot; killing it does "
                          "nothing (it is already dead). Its parent must wait() for it, or exit so that init "
                          "adopts and reaps it.");
}

static void fix_lines(qt_finding *f, const struct qt_zgroup *g)
{
    char *cmd;

    qt_finding_fix(f, "kill -CHLD %d    # harmless nudge: a parent that only missed the signal reaps now", g->ppid);
    if (g->pstate == 'T' || g->pstate == 't')
        qt_finding_fix(f, "kill -CONT %d    # the parent is stopped: let it run", g->ppid);
    switch (g->role) {
    case QT_ZROLE_CONNECTION:
        qt_finding_fix(f, "kill %d    # ends this one stuck connection; its zombie goes to init, which reaps it",
                       g->ppid);
        qt_finding_fix(f, "# then bound the TLS handshake (sslserver -T, stunnel TIMEOUTbusy): see the Servers pane");
        break;
    case QT_ZROLE_SUPERVISOR:
        if ((cmd = restart_cmd(g, "-dx"))) {
            qt_finding_fix(f, "%s    # supervise exits; svscan starts a new one within 5 s and the service comes "
                              "back up", cmd);
            free(cmd);
        } else {
            qt_finding_fix(f, "kill %d    # the supervisor; whatever started it (svscan) starts a new one", g->ppid);
        }
        break;
    default:
        if ((cmd = restart_cmd(g, "-t"))) {
            qt_finding_fix(f, "%s    # restart the service: a fresh process starts, the zombies go to init and "
                              "are reaped; running sessions are not cut", cmd);
            free(cmd);
        } else {
            qt_finding_fix(f, "# no supervise above pid %d: restart whatever starts it (kill %d, then start it "
                              "again)", g->ppid, g->ppid);
        }
    }
    qt_finding_fix(f, "# reboot only as the last resort: if the parent is stuck in state D and even kill -9 "
                      "does not end it");
}

static void group_finding(const qt_zombies *z, const struct qt_zgroup *g, const qt_history *hist, qt_findings *out)
{
    double from = 0, to = 0;
    enum qt_ztrend t = qt_zombies_trend(hist, g->label, QT_ZTREND_WINDOW, &from, &to);
    enum qt_sev sev = qt_zgroup_sev(g, t);
    const char *common = common_name(g);
    char id[64], *title, *pn = flat(g->pname), *pc = flat(g->pcmdline), *cn = flat(common ? common : "");
    char *names = qt_zgroup_names(g), *fnames = flat(names);
    char what[192];
    qt_finding *f;

    if (common)
        snprintf(what, sizeof what, "%zu zombie %s %s", g->n, cn, g->n == 1 ? "child" : "children");
    else
        snprintf(what, sizeof what, "%zu zombie children (%s)", g->n, fnames);
    if (g->mail)
        title = qt_asprintf("%s%s not reaped by %s (pid %d)", t == QT_ZT_GROWING ? "Growing: " : "", what, pn,
                            g->ppid);
    else
        title = qt_asprintf("%s of %s (pid %d), not part of the mail system", what, pn, g->ppid);
    snprintf(id, sizeof id, "zombies.parent:%d", g->ppid);
    f = qt_findings_add(out, sev, "zombies", id, title);
    if (g->svc_pid && g->svc_name[0]) {
        char *sn = flat(g->svc_name);
        qt_finding_subject(f, "%s", sn);
        free(sn);
    } else {
        qt_finding_subject(f, "pid %d", g->ppid);
    }
    if (g->puid != (unsigned)-1)
        qt_finding_evidence(f, "parent: pid %d, %s (%c), uid %u, role %s: %s", g->ppid, state_word(g->pstate),
                            g->pstate, g->puid, qt_zrole_name(g->role), pc);
    else
        qt_finding_evidence(f, "parent: pid %d, %s: %s", g->ppid, state_word(g->pstate), pc);
    if (g->mail && sev >= QT_SEV_WARN) {
        /* docs/incidents.md: one incident per parent program ("zombies:tcpserver") */
        char old[32], *sn = flat(g->svc_name[0] ? g->svc_name : "none");
        qt_fmt_age(z->now - g->oldest, old, sizeof old);
        qt_finding_incident(f, "zombies", pn, "%s (pid %d, service %s): %s not reaped%s; oldest %s", pn, g->ppid, sn,
                            what, t == QT_ZT_GROWING ? ", growing" : "", old);
        free(sn);
    }
    add_pids(f, g);
    add_ages(f, z, g);
    add_trend(f, t, from, to);
    add_service(f, g, z->euid);
    if (g->mail) {
        explain_role(f, g, pn);
        if (t == QT_ZT_GROWING)
            qt_finding_explain(f, "The count keeps growing: the parent is still creating children it never reaps.");
        fix_lines(f, g);
    } else {
        qt_finding_explain(f, "Neither the parent nor its service is part of the mail system: listed for "
                              "completeness, not escalated.");
        if (g->ppid == 1)
            qt_finding_explain(f, "PID 1 should reap orphans at once; if they stay, PID 1 is not a real init "
                                  "(in a container, run an init such as tini).");
        qt_finding_fix(f, "kill -CHLD %d    # harmless nudge", g->ppid);
    }
    free(title);
    free(pn);
    free(pc);
    free(cn);
    free(names);
    free(fnames);
}

void qt_zombies_analyse(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out)
{
    const qt_zombies *z = snap->zombies;
    (void)ctx;

    if (!z)
        return; /* the collector failed: panes and batch mode show it STALE */
    if (z->n == 0) {
        qt_finding *f = qt_findings_add(out, QT_SEV_OK, "zombies", "zombies.none", "No zombie processes");
        qt_finding_evidence(f, "scanned %zu processes (%s)", z->scanned, snap->procs ? snap->procs->backend : "?");
        if (z->leaders)
            qt_finding_evidence(f, "%zu process%s in state Zl (main thread exited, other threads running): "
                                   "not zombies, nothing to reap", z->leaders, z->leaders == 1 ? "" : "es");
        return;
    }
    for (size_t i = 0; i < z->n; i++)
        group_finding(z, &z->g[i], hist, out);
}
