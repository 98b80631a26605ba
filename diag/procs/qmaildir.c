/* qmaildir.c - see qmaildir.h. */
#include "diag/procs/qmaildir.h"
#include "diag/core/passwd.h"
#include "diag/core/trust.h"
#include "diag/core/util.h"
#include "diag/procs/procs.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The users of INSTALL.ids: a process of one of them (or of root) may tell
 * where qmail lives. */
static int qmail_uid(const qt_ctx *ctx, unsigned uid)
{
    static const char *const users[] = {"alias", "qmaild", "qmaill", "qmailp", "qmailq", "qmailr", "qmails"};
    unsigned u, g;
    if (uid == 0)
        return 1;
    for (size_t i = 0; i < QT_ARRAY_LEN(users); i++)
        if (qt_passwd_lookup(ctx, users[i], &u, &g, NULL, 0) && u == uid)
            return 1;
    return 0;
}

static void note(char *refused, size_t rn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(char *refused, size_t rn, const char *fmt, ...)
{
    size_t l = strlen(refused);
    va_list ap;
    if (l + 3 >= rn)
        return;
    if (l) {
        snprintf(refused + l, rn - l, "; ");
        l += 2;
    }
    va_start(ap, fmt);
    vsnprintf(refused + l, rn - l, fmt, ap);
    va_end(ap);
}

/* 1 when prefix (as on the system) is a directory root controls. */
static int trusted_dir(const qt_ctx *ctx, const char *prefix, char *refused, size_t rn)
{
    char path[PATH_MAX], why[300];
    if (prefix[0] != '/' || !qt_ctx_path(ctx, prefix, path, sizeof path))
        return 0;
    int fd = qt_trust_open_dir(path, QT_TRUST_NO_UID, why, sizeof why);
    if (fd >= 0) {
        close(fd);
        return 1;
    }
    note(refused, rn, "refused %.200s: %.200s", prefix, why);
    return 0;
}

/* Cut a trailing "/last" off p (in place); 1 when it was there. */
static int cut_last(char *p, const char *last)
{
    size_t l = strlen(p), k = strlen(last);
    if (l <= k + 1 || p[l - k - 1] != '/' || strcmp(p + l - k, last) != 0)
        return 0;
    p[l - k - 1] = '\0';
    return 1;
}

static int from_send(const qt_ctx *ctx, const qt_procs *procs, char *dir, size_t n, char *src, size_t sn,
                     char *refused, size_t rn)
{
    int noted = 0;
    for (size_t i = 0; procs && i < procs->n; i++) {
        const struct qt_proc *p = &procs->v[i];
        char rel[64], link[PATH_MAX], cwd[PATH_MAX];
        ssize_t l;
        if (strcmp(p->comm, "qmail-send") != 0)
            continue;
        snprintf(rel, sizeof rel, "%d/cwd", p->pid);
        if (!qt_ctx_proc(ctx, rel, link, sizeof link) || (l = readlink(link, cwd, sizeof cwd - 1)) <= 0)
            continue;
        cwd[l] = '\0';
        if (!qmail_uid(ctx, p->uid)) {
            if (!noted++)   /* one is enough to explain */
                note(refused, rn, "qmail-send pid %d runs as uid %u, not root nor a qmail user", p->pid, p->uid);
            continue;
        }
        if (!cut_last(cwd, "queue") || !trusted_dir(ctx, cwd, refused, rn))
            continue;
        snprintf(dir, n, "%s", cwd);
        snprintf(src, sn, "cwd of qmail-send (pid %d, uid %u)", p->pid, p->uid);
        return 1;
    }
    return 0;
}

static int from_smtpd(const qt_ctx *ctx, const qt_procs *procs, char *dir, size_t n, char *src, size_t sn,
                      char *refused, size_t rn)
{
    int noted = 0;
    char last[PATH_MAX] = ""; /* refused just now: a listener's children name it again */
    for (size_t i = 0; procs && i < procs->n; i++) {
        const struct qt_proc *p = &procs->v[i];
        for (int a = 0; a < p->argc && a < 32; a++) {
            char path[PATH_MAX];
            if (p->argv[a][0] != '/' || snprintf(path, sizeof path, "%s", p->argv[a]) >= (int)sizeof path ||
                !cut_last(path, "qmail-smtpd") || !cut_last(path, "bin"))
                continue;
            if (!qmail_uid(ctx, p->uid)) {
                if (!noted++)
                    note(refused, rn, "qmail-smtpd pid %d runs as uid %u, not root nor a qmail user", p->pid, p->uid);
                break;
            }
            if (strcmp(path, last) == 0)
                break;
            if (!trusted_dir(ctx, path, refused, rn)) {
                snprintf(last, sizeof last, "%s", path);
                break;
            }
            snprintf(dir, n, "%s", path);
            snprintf(src, sn, "path of qmail-smtpd (pid %d)", p->pid);
            return 1;
        }
    }
    return 0;
}

static int from_alias(const qt_ctx *ctx, char *dir, size_t n, char *src, size_t sn, char *refused, size_t rn)
{
    char home[PATH_MAX];
    unsigned u, g;
    if (!qt_passwd_lookup(ctx, "alias", &u, &g, home, sizeof home) || !cut_last(home, "alias") ||
        !trusted_dir(ctx, home, refused, rn))
        return 0;
    snprintf(dir, n, "%s", home);
    snprintf(src, sn, "home of the alias user in /etc/passwd");
    return 1;
}

int qt_qmail_dir_find(const qt_ctx *ctx, const qt_procs *procs, char *dir, size_t n, char *src, size_t sn)
{
    char refused[400] = "";
    int k;
    if (ctx->qmail_dir && *ctx->qmail_dir) {
        snprintf(dir, n, "%s", ctx->qmail_dir);
        snprintf(src, sn, "--qmail-dir");
        return 1;
    }
    if (from_send(ctx, procs, dir, n, src, sn, refused, sizeof refused))
        k = 2;
    else if (from_smtpd(ctx, procs, dir, n, src, sn, refused, sizeof refused))
        k = 3;
    else if (from_alias(ctx, dir, n, src, sn, refused, sizeof refused))
        k = 4;
    else {
        snprintf(dir, n, "/var/qmail");
        snprintf(src, sn, "default (no qmail-send, qmail-smtpd or alias user tells)");
        k = 5;
    }
    if (refused[0]) {
        size_t l = strlen(src);
        snprintf(src + l, sn - l, "; %s", refused);
    }
    return k;
}

void qt_qmail_dir_want(qt_procs *t)
{
    for (size_t i = 0; i < t->n; i++) {
        struct qt_proc *p = &t->v[i];
        const struct qt_proc *parent;
        if (p->state == 'Z' || (p->flags & QT_PF_KTHREAD))
            continue;
        parent = qt_procs_find(t, p->ppid);
        if (p->image && parent && parent->image == p->image)
            continue; /* forked, not exec'd: its parent's command line */
        qt_procs_want(t, p);
    }
}

/* Only the stat lines of every process, then the command lines
 * qt_qmail_dir_want() names: not the whole table's (a listener with
 * thousands of children cost 30,000 file reads here). The read is the
 * procs collector's first (qt_procs_prime): not a scan of its own. */
int qt_qmail_dir_resolve(qt_ctx *ctx)
{
    qt_procs procs;
    char err[200];
    int have = 0, k;

    if (!(ctx->qmail_dir && *ctx->qmail_dir))
        have = qt_procs_prime(ctx, &procs, err, sizeof err) == 0;
    if (have) {
        qt_qmail_dir_want(&procs);
        qt_procs_load(&procs);
        qt_procs_seal(&procs);
    }
    k = qt_qmail_dir_find(ctx, have ? &procs : NULL, ctx->qmail_prefix, sizeof ctx->qmail_prefix,
                          ctx->qmail_source, sizeof ctx->qmail_source);
    if (have)
        qt_procs_free(&procs);
    return k;
}
