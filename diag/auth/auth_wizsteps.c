/* auth_wizsteps.c - the wizard's steps 1-4 and 6: what each runs, and how
 * its evidence becomes a result; see auth_wizard.h. */
#include "diag/auth/auth_wizard.h"
#include "diag/auth/auth_wizard_int.h"
#include "diag/auth/auth_redact.h"
#include "diag/core/uaccess.h"
#include "diag/logmon/logmon.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int executable(const char *p)
{
    return p && *p && access(p, X_OK) == 0;
}

/* The descriptor of the program to run (executed as checked: no second
 * lookup of the name). A path the admin named runs as given; anything
 * qtriage found itself must pass the trust check (trust.h). -1 with why. */
static int open_program(const qt_wizard *w, const char *path, int named, char *why, size_t n)
{
    struct stat st;
    int fd;
    if (!named)
        return qt_trust_open(path, w->in.vpop_uid, why, n);
    if ((fd = open(path, O_PATH | O_CLOEXEC)) < 0) {
        snprintf(why, n, "%.200s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, n, "%.200s is not a regular file", path);
        close(fd);
        return -1;
    }
    return fd;
}

/* Every form of the password (auth_redact.h) out of text: a server or a
 * helper program might echo it; nothing on screen may show it. */
static char *scrub(const qt_wizard *w, const char *text)
{
    return qt_auth_redact(w->in.account, w->pass, NULL, text, strlen(text), NULL);
}

static void detail_block(qt_wizard *w, char **field, const char *label, const char *text, size_t dropped)
{
    char *clean = scrub(w, text);
    const char *p = clean;
    int n = 0;
    qt_wiz_line(field, "%s:%s", label, *clean ? "" : " (nothing)");
    while (*p && n < 200) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        qt_wiz_line(field, "  %.*s", len > 400 ? 400 : len, p);
        n++;
        if (!nl)
            break;
        p = nl + 1;
    }
    if (dropped)
        qt_wiz_line(field, "  ... (%zu more bytes dropped)", dropped);
    free(clean);
}

/* "smtp", "pop", "imap" or "webmail": the access flag vchkpw checks. */
static const char *service_kind(const qt_wizard *w)
{
    char name[48];
    qt_vchkpw_log_name(w->port, w->in.remote_ip, w->in.program, name, sizeof name);
    if (strstr(name, "webmail"))
        return "webmail";
    if (strstr(name, "pop"))
        return "pop";
    if (strstr(name, "imap"))
        return "imap";
    if (w->port == 25 || w->port == 465 || w->port == 587 || strstr(w->in.program, "true"))
        return "smtp";
    return w->port ? "pop" : "smtp";
}

void qt_wiz_read_control(const qt_ctx *ctx, const char *name, char *out, size_t n)
{
    char rel[128], abs[4096], *text = NULL;
    out[0] = '\0';
    snprintf(rel, sizeof rel, "control/%s", name);
    if (!qt_ctx_qmail(ctx, rel, abs, sizeof abs) || qt_ctx_read(ctx, abs, 4096, &text, NULL) < 0)
        return;
    {
        size_t l = strcspn(text, "\r\n");
        while (l && isspace((unsigned char)text[l - 1]))
            l--;
        snprintf(out, n, "%.*s", (int)l, text);
    }
    free(text);
}

/* ---------- 1. account ---------- */

static void account_judge(qt_wizard *w)
{
    struct qt_wiz_result *r = &w->res[QT_WS_ACCOUNT];
    const char *kind = service_kind(w);

    if (w->acct_state == 1) {
        if (w->vui_ran && w->vui.found == 1) {
            const struct qt_vuserinfo *u = &w->vui;
            int closed = (!strcmp(kind, "smtp") && u->smtp_closed) || (!strcmp(kind, "pop") && u->pop_closed) ||
                         (!strcmp(kind, "imap") && u->imap_closed) || (!strcmp(kind, "webmail") && u->webmail_closed);
            w->acct_closed = closed;
            w->acct_clear_pass = u->clear_set;
            if (closed)
                qt_wiz_set(r, QT_V_FAIL, NULL, "%s exists, but %s access is closed for it", w->in.account, kind);
            else
                qt_wiz_set(r, QT_V_OK, NULL, "%s exists; quota %s; last auth %s%s%s", w->in.account,
                           u->quota[0] ? u->quota : "?", u->last_auth[0] ? u->last_auth : "not shown",
                           u->last_auth_ip[0] ? " from " : "", u->last_auth_ip);
            if (u->nlimits)
                for (int i = 0; i < u->nlimits; i++)
                    qt_wiz_line(&r->explain, "limit: %s%s", u->limits[i],
                                strstr(u->limits[i], "(*)") ? "  [(*) = set by the domain's limits]" : "");
            if (u->dir[0])
                qt_wiz_line(&r->explain, "mailbox: %s", u->dir);
            qt_wiz_line(&r->explain, "clear-text password stored: %s%s", u->clear_set ? "yes" : "no",
                        u->clear_set ? "" : " (vchkpw then cannot check CRAM-MD5 logins)");
            if (closed) {
                qt_wiz_line(&r->explain, "vchkpw refuses this login with \"%s access denied\" (exit 1) before it "
                            "even checks the password.", kind);
                qt_wiz_line(&r->fix, "vmoduser -x %s   # clears ALL flags; re-add the ones you want "
                            "(-p no POP, -s no SMTP, -i no IMAP, -w no webmail)", w->in.account);
                qt_wiz_line(&r->fix, "a (*) limit comes from the domain: vmoddomlimits %s", w->domain[0] ? w->domain : "DOMAIN");
            }
        } else {
            int closed = w->look.has_flags && !strcmp(kind, "smtp") && (w->look.flags & QT_VPOP_NO_SMTP);
            w->acct_closed = closed;
            if (closed)
                qt_wiz_set(r, QT_V_FAIL, NULL, "%s exists (vpasswd), but its flags close smtp access (0x%lx)",
                           w->in.account, w->look.flags);
            else
                qt_wiz_set(r, QT_V_OK, NULL, "%s exists (%s)", w->in.account,
                           w->look.user_dir[0] ? w->look.user_dir : "vpasswd line");
        }
    } else if (w->domain_missing) {
        qt_wiz_set(r, QT_V_FAIL, NULL, "no such domain: %s is not a vpopmail domain", w->domain);
        qt_wiz_line(&r->explain, "neither users/assign nor the vpopmail domains directory knows %s; vuserinfo "
                    "says \"no such user\" and vchkpw \"vpopmail user not found\" for every login of it, so "
                    "adding the user or changing its password cannot help.", w->domain);
        qt_wiz_line(&r->fix, "check the domain part of the login (%s); if this server should host %s:", w->in.account,
                    w->domain);
        qt_wiz_line(&r->fix, "vadddomain %s   # then vadduser %s", w->domain, w->in.account);
    } else if (w->acct_state == 0) {
        qt_wiz_set(r, QT_V_FAIL, NULL, "no such user: %s", w->in.account);
        qt_wiz_line(&r->explain, "vchkpw will answer \"vpopmail user not found\" (exit 3, the same code as a bad "
                    "password), and qmail-smtpd 535.");
        qt_wiz_line(&r->fix, "check the spelling the client uses; vadduser %s to create it", w->in.account);
    } else {
        qt_wiz_set(r, QT_V_WARN, NULL, "could not check the account (no vuserinfo, no readable vpopmail directory)");
        qt_wiz_line(&r->fix, "give the vchkpw path (e) so qtriage finds ~vpopmail/bin/vuserinfo next to it");
    }
    if (!w->domain[0]) {
        if (r->verdict == QT_V_OK)
            r->verdict = QT_V_WARN;
        qt_wiz_line(&r->explain, "the login has no @domain: vpopmail looks the name up in its default domain "
                    "(DEFAULT_DOMAIN), which is rarely the user's; this is a frequent cause of \"password fail\".");
        qt_wiz_line(&r->fix, "use the full address as the user name in the mail client (user@domain)");
    }
}

/* ~vpopmail (under the root): two levels above bin/vchkpw. */
static void vpop_home(const qt_wizard *w, char *home, size_t n)
{
    const char *v = w->in.vchkpw;
    size_t l = strlen(v);
    if (l > 11 && strcmp(v + l - 11, "/bin/vchkpw") == 0)
        snprintf(home, n, "%.*s", (int)(l - 11), v);
    else if (!qt_ctx_path(w->ctx, "/home/vpopmail", home, n))
        snprintf(home, n, "/home/vpopmail");
}

/* vuserinfo and vchkpw say "no such user" for an unknown domain too: tell
 * them apart. Missing only when something vpopmail keeps its domains in
 * exists (users/assign or ~vpopmail/domains) and knows no such domain. */
static void domain_check(qt_wizard *w, const char *home)
{
    char path[4096], assign[4096];
    struct stat st;
    int known_place;
    if (!w->domain[0])
        return;
    if (!w->look_ran) {
        qt_vpop_lookup(w->ctx, home, w->user, w->domain, &w->look);
        w->look_ran = 1;
    }
    snprintf(path, sizeof path, "%s/domains", home);
    known_place = (qt_ctx_qmail(w->ctx, "users/assign", assign, sizeof assign) && qt_ctx_stat(w->ctx, assign, &st) == 0) ||
                  (qt_ctx_stat(w->ctx, path, &st) == 0 && S_ISDIR(st.st_mode));
    w->domain_missing = known_place && !w->look.domain_found;
}

static void account_fallback(qt_wizard *w)
{
    struct qt_wiz_result *r = &w->res[QT_WS_ACCOUNT];
    char home[1024], sys[1024];
    qt_buf cmd = {0};

    vpop_home(w, home, sizeof home);
    qt_vpop_lookup(w->ctx, home, w->user, w->domain[0] ? w->domain : "(default domain)", &w->look);
    w->look_ran = 1;
    if (w->look.user_found)
        w->acct_state = 1;
    else if (w->look.domain_found)
        w->acct_state = 0;
    domain_check(w, home);
    qt_wiz_sys(w, home, sys, sizeof sys);
    qt_buf_printf(&cmd, "ls -d %s/domains/%s/%s; grep '^%s:' %s/domains/%s/vpasswd | cut -d: -f1,4", sys,
                  w->domain, w->user, w->user, sys, w->domain);
    if (!r->command)
        r->command = qt_buf_steal(&cmd);
    else
        qt_buf_free(&cmd);
    qt_wiz_line(&r->detail, "vpopmail directory lookup (no usable vuserinfo):");
    detail_block(w, &r->detail, "looked at", w->look.how, 0);
}

qt_job *qt_wiz_step_account(qt_wizard *w)
{
    struct qt_wiz_result *r = &w->res[QT_WS_ACCOUNT];
    char vui[1100];
    const char *slash = strrchr(w->in.vchkpw, '/');

    snprintf(vui, sizeof vui, "%.*s/vuserinfo", slash ? (int)(slash - w->in.vchkpw) : 1,
             slash ? w->in.vchkpw : ".");
    if (executable(vui)) {
        char *argv[] = {vui, w->in.account, NULL};
        char *envp[] = {(char *)"PATH=/usr/bin:/bin", NULL};
        char why[300];
        /* never named by the admin (found next to vchkpw): always checked; runs as root */
        int fd = open_program(w, vui, 0, why, sizeof why);
        if (fd >= 0) {
            struct qt_child_spec sp = {.path = vui, .argv = argv, .envp = envp, .timeout = w->in.timeout,
                                       .has_exec_fd = 1, .exec_fd = fd};
            qt_buf cmd = {0};
            qt_job *j;
            char sys[1100];
            qt_shell_quote(&cmd, qt_wiz_sys(w, vui, sys, sizeof sys));
            qt_buf_putc(&cmd, ' ');
            qt_shell_quote(&cmd, w->in.account);
            r->command = qt_buf_steal(&cmd);
            j = qt_child_job_new(&sp);
            close(fd);
            return j;
        }
        qt_wiz_line(&r->detail, "refused to run %s as root: %s", vui, why);
        qt_wiz_line(&r->explain, "vuserinfo was not run: %s (root runs only files whose every directory is owned by "
                    "root or vpopmail and not writable by others; docs/auth-wizard.md)", why);
    } else {
        qt_wiz_line(&r->detail, "%s: not found or not executable", vui);
    }
    account_fallback(w);
    account_judge(w);
    return NULL;
}

static void account_collect(qt_wizard *w, qt_job *inner, int aborted)
{
    struct qt_wiz_result *r = &w->res[QT_WS_ACCOUNT];
    const struct qt_child_result *cr = qt_child_job_result(inner);
    char st[160], *red;

    qt_child_status_str(cr, st, sizeof st);
    r->took = cr->took;
    if (aborted) {
        qt_wiz_set(r, QT_V_SKIPPED, NULL, "aborted by the user (vuserinfo was killed)");
        return;
    }
    red = qt_vuserinfo_redact(qt_buf_str(&cr->out), cr->out.len);
    qt_wiz_line(&r->detail, "vuserinfo: %s after %.0f ms", st, cr->took * 1000);
    detail_block(w, &r->detail, "output (passwords hidden)", red, cr->dropped);
    if (cr->err.len)
        detail_block(w, &r->detail, "stderr", qt_buf_str(&cr->err), 0);
    qt_vuserinfo_parse(red, strlen(red), &w->vui);
    free(red);
    w->vui_ran = 1;
    if (w->vui.found == 1)
        w->acct_state = 1;
    else if (w->vui.found == 0) {
        char home[1024];
        w->acct_state = 0;
        vpop_home(w, home, sizeof home);
        domain_check(w, home);
    } else {
        qt_wiz_line(&r->detail, "vuserinfo gave no account information%s%s: trying the directory",
                    w->vui.error[0] ? ": " : "", w->vui.error);
        account_fallback(w);
    }
    account_judge(w);
}

/* ---------- 2. vchkpw ---------- */

static void vchkpw_req(const qt_wizard *w, struct qt_vchkpw_req *q)
{
    memset(q, 0, sizeof *q);
    q->vchkpw = w->in.vchkpw;
    q->program = w->in.program;
    q->user = w->in.account;
    q->pass = w->pass;
    q->port = w->port;
    q->remote_ip = w->in.remote_ip;
    q->timeout = w->in.timeout;
}

/* uid:gid for vchkpw: the service's (auth_runas.h); qtriage's own when it
 * is not root or nothing is known. Sets q->drop and w->runas_used. */
static void vchkpw_ids(qt_wizard *w, struct qt_vchkpw_req *q)
{
    char src[220];
    unsigned u, g;
    snprintf(w->runas_ids, sizeof w->runas_ids, "uid %u gid %u", (unsigned)geteuid(), (unsigned)getegid());
    if (qt_wiz_runas_pick(w->in.runas, w->in.nrunas, w->in.vpop_uid, w->in.vpop_gid, w->port, &u, &g, src,
                          sizeof src) != 0) {
        snprintf(w->runas_used, sizeof w->runas_used, "uid %u gid %u, qtriage's own (%s)", (unsigned)geteuid(),
                 (unsigned)getegid(), src);
        return;
    }
    if (geteuid() != 0 && (u != geteuid() || g != getegid())) {
        snprintf(w->runas_used, sizeof w->runas_used, "uid %u gid %u, qtriage's own: not root, cannot switch to "
                 "%u:%u (%s)", (unsigned)geteuid(), (unsigned)getegid(), u, g, src);
        return;
    }
    q->drop = 1;
    q->uid = u;
    q->gid = g;
    snprintf(w->runas_ids, sizeof w->runas_ids, "uid %u gid %u", u, g);
    snprintf(w->runas_used, sizeof w->runas_used, "uid %u gid %u (%s)", u, g, src);
}

/* Can the uid:gid vchkpw runs as read the domain's vpasswd.cdb? vpopmail
 * keeps ~vpopmail/domains 0700 (issue 15: vchkpw under tcpserver -u
 * qmaild then says "user not found" for everybody). */
static void vpasswd_access(qt_wizard *w, const struct qt_vchkpw_req *q)
{
    char home[1024], dir[4096], path[4200];
    w->vpasswd_denied = 0;
    if (!q->drop || !w->domain[0])
        return;
    if (!w->look_ran) {
        vpop_home(w, home, sizeof home);
        qt_vpop_lookup(w->ctx, home, w->user, w->domain, &w->look);
        w->look_ran = 1;
    }
    if (!w->look.domain_found)
        return;
    qt_wiz_sys(w, w->look.domain_dir, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/vpasswd.cdb", dir);
    w->vpasswd_denied = qt_access_read_as(w->ctx, path, q->uid, q->gid, w->vpasswd_why, sizeof w->vpasswd_why) == 0;
}

qt_job *qt_wiz_step_vchkpw(qt_wizard *w)
{
    struct qt_wiz_result *r = &w->res[QT_WS_VCHKPW];
    struct qt_vchkpw_req q;
    char why[300];
    qt_job *j;
    int fd;

    vchkpw_req(w, &q);
    vchkpw_ids(w, &q);
    vpasswd_access(w, &q);
    if (w->vpasswd_denied)
        qt_wiz_line(&r->explain, "as %s vchkpw cannot read vpopmail's passwords: %s", w->runas_ids, w->vpasswd_why);
    {
        /* the command shown names the system's path; the job runs the found one */
        struct qt_vchkpw_req shown = q;
        char sys[1024];
        shown.vchkpw = qt_wiz_sys(w, w->in.vchkpw, sys, sizeof sys);
        r->command = qt_vchkpw_command(&shown);
    }
    if (w->in.vchkpw_note[0])
        qt_wiz_line(&r->explain, "detected and refused: %s", w->in.vchkpw_note);
    if (w->ctx->read_only) {
        qt_wiz_set(r, QT_V_SKIPPED, NULL, "not run: --read-only (vchkpw records every login in vpopmail's "
                   "lastauth; vuserinfo in step 1 still runs)");
        return NULL;
    }
    if (!w->pass) {
        qt_wiz_set(r, QT_V_SKIPPED, NULL, "no password given");
        return NULL;
    }
    if (!executable(w->in.vchkpw)) {
        qt_wiz_set(r, QT_V_FAIL, NULL, "vchkpw not found or not executable: %s", w->in.vchkpw);
        qt_wiz_line(&r->explain, "qmail-smtpd runs the checkpassword program named on its command line; "
                    "this path does not lead to one.");
        qt_wiz_line(&r->fix, "give the path from the qmail-smtpd run script (e edits it, --vchkpw PATH)");
        w->vck_ran = 1;
        w->vck.kind = QT_VCK_NOT_RUN;
        return NULL;
    }
    fd = open_program(w, w->in.vchkpw, w->in.vchkpw_origin == QT_ORIGIN_EXPLICIT, why, sizeof why);
    if (fd < 0) {
        qt_wiz_set(r, QT_V_FAIL, NULL, "refused to run %s with the password: %s", w->in.vchkpw, why);
        qt_wiz_line(&r->explain, "this path was found by qtriage, not named by you: root hands the password only "
                    "to a program whose every directory is owned by root or vpopmail and not writable by group "
                    "or others (docs/auth-wizard.md).");
        qt_wiz_line(&r->fix, "if you trust it, name it yourself: --vchkpw PATH, or e in the wizard");
        w->vck_ran = 1;
        w->vck.kind = QT_VCK_NOT_RUN;
        return NULL;
    }
    q.has_exec_fd = 1;
    q.exec_fd = fd;
    /* vchkpw logs this login: the logs collector leaves it out (logmon.h) */
    qt_logmon_own_login(w->in.account, qt_ctx_now(w->ctx));
    j = qt_vchkpw_job_new(&q);
    close(fd);
    return j;
}

static void vchkpw_collect(qt_wizard *w, qt_job *inner, int aborted)
{
    struct qt_wiz_result *r = &w->res[QT_WS_VCHKPW];
    const struct qt_child_result *cr = qt_child_job_result(inner);
    struct qt_vchkpw_req q;
    struct qt_vchkpw_outcome *o = &w->vck;
    size_t need = strlen(w->in.account) + qt_secret_len(w->pass) + 2;

    vchkpw_req(w, &q);
    r->took = cr->took;
    qt_vchkpw_interpret(&q, cr, o);
    if (aborted) {
        qt_wiz_set(r, QT_V_SKIPPED, NULL, "aborted by the user (vchkpw's process group was killed)");
        return;
    }
    w->vck_ran = 1;
    switch (o->kind) {
    case QT_VCK_ACCEPTED:
        qt_wiz_set(r, QT_V_OK, NULL, "%s: %s (as %s)", o->status, o->meaning, w->runas_ids);
        break;
    case QT_VCK_UNKNOWN:
        qt_wiz_set(r, QT_V_WARN, NULL, "%s: %s (as %s)", o->status, o->meaning, w->runas_ids);
        break;
    default:
        qt_wiz_set(r, QT_V_FAIL, NULL, "%s: %s (as %s)", o->status, o->meaning, w->runas_ids);
        break;
    }
    qt_wiz_line(&r->explain, "vchkpw exit codes are vpopmail's own: 0 runs the program, 1 access denied by flags, "
                "3 bad password or unknown user, 11 misuse, 24 backend down - not checkpassword's 1/2/111.");
    qt_wiz_line(&r->explain, "it logs as %s (from TCPLOCALPORT=%u%s), not from its own name.", o->log_name, w->port,
                w->port ? "" : " i.e. unset, as under sslserver without -e");
    if (w->port_why[0])
        qt_wiz_line(&r->explain, "TCPLOCALPORT as the real service sets it: %s.", w->port_why);
    if (w->port != 25 && w->port != 465 && w->port != 587 && w->port != 110 && w->port != 995 && w->port != 143 &&
        w->port != 993)
        qt_wiz_line(&r->explain, "for TCPLOCALPORT=%u vchkpw guesses the service from its program argument: %s "
                    "makes it %s (SMTP only when the program name contains \"true\").", w->port, w->in.program,
                    strstr(w->in.program, "true") ? "SMTP" : strstr(w->in.program, "imap") ? "IMAP" : "POP");
    switch (o->kind) {
    case QT_VCK_REJECTED:
        qt_wiz_line(&r->explain, "the same exit 3 means \"password fail\" and \"vpopmail user not found\": step 1 "
                    "tells which.");
        if (need > QT_VCHKPW_AUTH_SIZE)
            qt_wiz_line(&r->explain, "the login plus password are %zu bytes; vchkpw reads at most %d from fd 3 "
                        "(AUTH_SIZE) and cuts the rest: a long password can never match.", need, QT_VCHKPW_AUTH_SIZE);
        if (w->domain_missing)
            qt_wiz_line(&r->fix, "the domain %s does not exist in vpopmail (step 1): vadddomain %s", w->domain,
                        w->domain);
        else if (w->acct_state == 0)
            qt_wiz_line(&r->fix, "the user does not exist (step 1): vadduser %s", w->in.account);
        else
            qt_wiz_line(&r->fix, "reset the password: vpasswd %s", w->in.account);
        break;
    case QT_VCK_DENIED:
        qt_wiz_line(&r->fix, "vuserinfo %s shows the limits; vmoduser -x %s clears the flags", w->in.account,
                    w->in.account);
        break;
    case QT_VCK_BACKEND:
        qt_wiz_line(&r->explain, "every login fails while the vpopmail backend (MySQL, LDAP, cdb files) is not reachable.");
        qt_wiz_line(&r->fix, "check the vpopmail database server and ~vpopmail/etc/vpopmail.mysql");
        break;
    case QT_VCK_MISUSE:
        qt_wiz_line(&r->explain, "qtriage gave vchkpw fd 3 and a program: misuse means it could not read them; "
                    "is this path really vchkpw?");
        break;
    case QT_VCK_SETUP:
        qt_wiz_line(&r->explain, "for POP/IMAP vchkpw changes to the mailbox owner and directory: that needs root.");
        break;
    case QT_VCK_NOT_RUN:
        qt_wiz_line(&r->fix, "check the path and its permissions (e edits it)");
        break;
    case QT_VCK_TIMEOUT:
        qt_wiz_line(&r->explain, "vchkpw hung for %.0f s: a slow or hanging authentication backend (SQL) makes "
                    "every SMTP AUTH hang the same way.", w->in.timeout);
        break;
    default:
        break;
    }
    qt_wiz_line(&r->explain, "ran as %s.", w->runas_used);
    qt_wiz_line(&r->detail, "ran: %s %s  (argv holds no secret) as %s", w->in.vchkpw, w->in.program, w->runas_used);
    qt_wiz_line(&r->detail, "environment: PATH=/usr/bin:/bin%s%.0u TCPREMOTEIP=%s TCPLOCALIP=127.0.0.1 PROTO=TCP",
                w->port ? " TCPLOCALPORT=" : " (TCPLOCALPORT unset)", w->port, w->in.remote_ip);
    qt_wiz_line(&r->detail, "fd 3: %s\\0<password>\\0 (%zu bytes, through a pipe)", w->in.account, need);
    qt_wiz_line(&r->detail, "status: %s after %.0f ms", o->status, cr->took * 1000);
    detail_block(w, &r->detail, "stdout", qt_buf_str(&cr->out), 0);
    detail_block(w, &r->detail, "stderr", qt_buf_str(&cr->err), 0);
    if (o->log_line[0])
        qt_wiz_line(&r->detail, "syslog (mail facility, tag vpopmail) should show: %s", o->log_line);
}

/* ---------- 3. AUTH strings ---------- */

void qt_wiz_step_strings(qt_wizard *w)
{
    struct qt_wiz_result *r = &w->res[QT_WS_STRINGS];
    qt_buf cmd = {0};
    const char *pw = qt_secret_str(w->pass);
    size_t pl = qt_secret_len(w->pass);
    int high = 0, space = pl && (isspace((unsigned char)pw[0]) || isspace((unsigned char)pw[pl - 1]));
    char *s;

    qt_buf_puts(&cmd, "printf '\\0%s\\0%s' ");
    qt_shell_quote(&cmd, w->in.account);
    qt_buf_puts(&cmd, " '<password>' | base64 -w0");
    r->command = qt_buf_steal(&cmd);
    if (!w->pass) {
        qt_wiz_set(r, QT_V_SKIPPED, NULL, "no password given");
        return;
    }
    for (size_t i = 0; i < pl; i++)
        if ((unsigned char)pw[i] >= 0x80 || (unsigned char)pw[i] < 0x20)
            high = 1;
    qt_wiz_set(r, high || space ? QT_V_WARN : QT_V_OK, NULL, "AUTH PLAIN and LOGIN strings built (x reveals them)");
    qt_wiz_line(&r->explain, "AUTH PLAIN sends base64(\"\\0user\\0password\"); LOGIN sends base64(user) and "
                "base64(password) after two 334 prompts. Base64 is encoding, not encryption: only TLS protects it.");
    if (high)
        qt_wiz_line(&r->explain, "the password has non-ASCII or control bytes: a client that encodes it in another "
                    "character set (Latin-1 vs UTF-8) sends different bytes and gets 535.");
    if (space)
        qt_wiz_line(&r->explain, "the password starts or ends with white space: copy-paste and some clients drop it.");
    if (high || space)
        qt_wiz_line(&r->fix, "try a password of plain ASCII letters and digits to rule out encoding");
    s = qt_wizard_auth_strings(w, 0);
    qt_wiz_line(&r->detail, "%s", s);
    free(s);
}

/* ---------- 4. SMTP ---------- */

static void local_helo(char *out, size_t n)
{
    char h[256] = "";
    size_t k = 0;
    if (gethostname(h, sizeof h - 1) != 0)
        h[0] = '\0';
    for (const char *p = h; *p && k + 1 < n; p++)
        if (isalnum((unsigned char)*p) || *p == '.' || *p == '-')
            out[k++] = *p;
    out[k] = '\0';
    if (!k)
        snprintf(out, n, "qtriage.invalid");
}

/* The swaks command that works on this service: --tlsc (TLS on connect)
 * for implicit TLS, --tls only where STARTTLS is offered (starttls = 1
 * offered, 0 not, -1 not known yet: then as the mode says). */
static char *swaks_command(const qt_wizard *w, int starttls)
{
    qt_buf cmd = {0};
    const char *tls = w->tls == QT_TLS_IMPLICIT ? " --tlsc"
                      : w->tls == QT_TLS_NONE || starttls == 0 ? ""
                                                                : " --tls";
    qt_buf_printf(&cmd, "timeout %.0f swaks --server %s%s%s:%u%s --auth%s%s --auth-user ", 6 * w->in.timeout,
                  strchr(w->target.host, ':') ? "[" : "", w->target.host, strchr(w->target.host, ':') ? "]" : "",
                  w->target.port, tls, w->mech ? " " : "", w->mech ? qt_mech_name(w->mech) : "");
    qt_shell_quote(&cmd, w->in.account);
    qt_buf_puts(&cmd, " --auth-password '<password>' --quit-after AUTH");
    return qt_buf_steal(&cmd);
}

qt_job *qt_wiz_step_smtp(qt_wizard *w)
{
    struct qt_wiz_result *r = &w->res[QT_WS_SMTP];
    struct qt_smtp_cfg cfg;
    char helo[128];

    qt_wiz_read_control(w->ctx, "me", w->me, sizeof w->me);
    r->command = swaks_command(w, -1);
    if (!w->pass) {
        qt_wiz_set(r, QT_V_SKIPPED, NULL, "no password given");
        return NULL;
    }
    local_helo(helo, sizeof helo);
    memset(&cfg, 0, sizeof cfg);
    cfg.user = w->in.account;
    cfg.pass = w->pass;
    cfg.mech = w->mech;
    cfg.tls = w->tls;
    cfg.helo = helo;
    cfg.cleartext_ok = w->target.loopback || w->tls == QT_TLS_NONE;
    qt_logmon_own_login(w->in.account, qt_ctx_now(w->ctx));
    return qt_smtp_job_new(&cfg, &w->target, w->me[0] ? w->me : NULL, w->in.timeout);
}

static const char *outcome_words(enum qt_smtp_outcome o)
{
    switch (o) {
    case QT_SMTP_AUTH_OK: return "235: logged in";
    case QT_SMTP_AUTH_FAILED: return "authentication failed";
    case QT_SMTP_AUTH_TEMPFAIL: return "temporary failure during AUTH";
    case QT_SMTP_AUTH_REFUSED: return "AUTH refused";
    case QT_SMTP_MECH_MISMATCH: return "mechanism mismatch";
    case QT_SMTP_NO_AUTH: return "no AUTH offered";
    case QT_SMTP_NO_STARTTLS: return "no STARTTLS";
    case QT_SMTP_STARTTLS_REFUSED: return "STARTTLS refused";
    case QT_SMTP_TLS_FAILED: return "TLS failed";
    case QT_SMTP_CLEARTEXT: return "not sent in clear";
    case QT_SMTP_CONNECT_FAILED: return "cannot connect";
    case QT_SMTP_BANNER_REJECTED: return "greeting refused";
    case QT_SMTP_EHLO_FAILED: return "EHLO refused";
    case QT_SMTP_TIMEOUT: return "no answer";
    case QT_SMTP_CLOSED: return "connection closed";
    case QT_SMTP_PROTOCOL: return "not SMTP";
    default: return "?";
    }
}

static void smtp_collect(qt_wizard *w, qt_job *inner, int aborted)
{
    struct qt_wiz_result *r = &w->res[QT_WS_SMTP];
    const qt_smtp *s = qt_smtp_job_session(inner);
    struct qt_wiz_smtp_ev *e = &w->smtp;
    char m1[64], m2[64];

    memset(e, 0, sizeof *e);
    e->ran = !aborted;
    e->outcome = s->outcome;
    e->phase = s->fail_phase;
    e->have_ehlo1 = s->have_ehlo1;
    e->have_ehlo2 = s->have_ehlo2;
    e->ehlo1 = s->ehlo1;
    e->ehlo2 = s->ehlo2;
    e->tls = s->tls;
    e->tls_active = s->tls_active;
    e->mech_used = s->mech_used;
    e->mech_wanted = s->mech_wanted;
    e->tls_mode = s->tls_mode;
    e->last_code = s->last_code;
    snprintf(e->last_text, sizeof e->last_text, "%s", s->last_text);
    snprintf(e->why, sizeof e->why, "%s", s->why);
    r->took = qt_smtp_job_took(inner);

    if (aborted)
        qt_wiz_set(r, QT_V_SKIPPED, NULL, "aborted by the user (connection closed)");
    else if (s->outcome == QT_SMTP_AUTH_OK)
        qt_wiz_set(r, QT_V_OK, NULL, "%s (AUTH %s%s)", outcome_words(s->outcome), qt_mech_name(s->mech_used),
                   s->tls_active ? " over TLS" : ", no TLS");
    else
        qt_wiz_set(r, QT_V_FAIL, NULL, "%s: %s", outcome_words(s->outcome), s->why);

    qt_mechs_str(s->ehlo1.mechs, m1, sizeof m1);
    qt_mechs_str(s->ehlo2.mechs, m2, sizeof m2);
    if (s->have_ehlo1)
        qt_wiz_line(&r->explain, "before STARTTLS: AUTH %s%s", s->ehlo1.auth ? s->ehlo1.mech_list : "not offered",
                    s->ehlo1.starttls ? "; STARTTLS offered" : "; no STARTTLS");
    if (s->have_ehlo2)
        qt_wiz_line(&r->explain, "after STARTTLS: AUTH %s", s->ehlo2.auth ? s->ehlo2.mech_list : "not offered");
    if (s->have_ehlo1 && s->have_ehlo2 && !s->ehlo1.auth && s->ehlo2.auth)
        qt_wiz_line(&r->explain, "AUTH appears only after STARTTLS: a client set to \"no encryption\" never "
                    "sees it and cannot log in (that is the secure setup).");
    if (s->have_ehlo1 && s->ehlo1.auth && (s->ehlo1.mechs & (QT_MECH_PLAIN | QT_MECH_LOGIN)) && !w->target.loopback)
        qt_wiz_line(&r->explain, "PLAIN/LOGIN are offered before STARTTLS: clients may send passwords unencrypted.");
    if (s->tls.done) {
        qt_wiz_line(&r->explain, "TLS %s; certificate %s, issuer %s, expires %s (%ld days); verification: %s%s%s",
                    s->tls.version, s->tls.subject, s->tls.issuer, s->tls.not_after, s->tls.days_left,
                    s->tls.verify_str, s->tls.self_signed ? " (self-signed)" : "",
                    s->tls.name_match == 0 ? "; name does not match" : "");
        if (s->tls.name_match == 0)
            qt_wiz_line(&r->explain, "the certificate does not name %s: strict clients warn or refuse.",
                        s->tls.checked_name);
        if (s->tls.days_left < 0)
            qt_wiz_line(&r->fix, "renew the certificate (control/servercert.pem): it expired %s", s->tls.not_after);
        if (r->verdict == QT_V_OK && (s->tls.days_left < 14 || s->tls.name_match == 0))
            r->verdict = QT_V_WARN;
    }
    switch (s->outcome) {
    case QT_SMTP_AUTH_FAILED:
        qt_wiz_line(&r->explain, "qmail-smtpd answers 535 for any non-zero exit of its checkpassword program "
                    "(after a 5 s pause): compare with step 2.");
        break;
    case QT_SMTP_AUTH_TEMPFAIL:
        qt_wiz_line(&r->explain, "qmail-smtpd says 454 when the checkpassword program crashed or could not start.");
        break;
    case QT_SMTP_NO_AUTH:
        qt_wiz_line(&r->explain, "qmail-smtpd advertises AUTH only when started with a checkpassword program "
                    "(and, for some patches, a hostname) as arguments.");
        qt_wiz_line(&r->fix, "check the qmail-smtpd command line in the Servers pane: ... qmail-smtpd "
                    "/home/vpopmail/bin/vchkpw /bin/true");
        break;
    case QT_SMTP_NO_STARTTLS:
        qt_wiz_line(&r->fix, "qmail-smtpd (TLS patch) offers STARTTLS only if control/servercert.pem exists");
        break;
    case QT_SMTP_TIMEOUT:
        qt_wiz_line(&r->explain, "no answer within %.0f s during %s.", w->in.timeout, qt_smtp_phase_name(s->fail_phase));
        break;
    default:
        break;
    }
    if (s->tls_mode == QT_TLS_IMPLICIT)
        qt_wiz_line(&r->detail, "implicit TLS (%s): TLS starts before the banner",
                    w->tls_why[0] ? w->tls_why : "asked for");
    if (!aborted && s->tls_mode != QT_TLS_IMPLICIT && s->have_ehlo1) {
        /* now it is known whether STARTTLS is offered: the command that works here */
        free(r->command);
        r->command = swaks_command(w, s->ehlo1.starttls);
    }
    detail_block(w, &r->detail, "transcript (secrets redacted)", qt_buf_str(&s->transcript), 0);
}

/* ---------- dispatch ---------- */

void qt_wiz_collect(qt_wizard *w, int step, qt_job *inner, int aborted)
{
    switch (step) {
    case QT_WS_ACCOUNT: account_collect(w, inner, aborted); break;
    case QT_WS_VCHKPW: vchkpw_collect(w, inner, aborted); break;
    case QT_WS_SMTP: smtp_collect(w, inner, aborted); break;
    case QT_WS_DNS: qt_wiz_dns_collect(w, inner, aborted); break;
    default: break;
    }
}
