/* config_dotqmail.c - checks of .qmail files (config.h): forwards that keep
 * the original envelope sender (the receiver's SPF check then fails), lines
 * that do not do what they seem, catch-all bounces. Facts: dot-qmail(5),
 * qmail-command(8), notqmail qmail-local.c, vpopmail vdelivermail.c,
 * docs/domain/qmail.md and docs/domain/vpopmail.md. */
#include "diag/config/config_int.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SRC "config"

struct fctx {
    const qt_config *cfg;
    const struct qt_cfg_file *file;
    int srs;               /* control/srs_domain exists: the SRS patch rewrites forwards */
    qt_buf spf_ev, spf_fix, rw_ev, trap_ev, bash_ev, rel_ev;
    int spf_lines[64];
    size_t nspf;
    char *spf_dom[16];     /* remote domains forwarded to, each once */
    size_t ndom;
};

/* The address this file forwards as: user@domain for a vpopmail user,
 * EXT@domain for a domain's .qmail-EXT, NAME@me for ~alias/.qmail-NAME
 * (dots in the local part are ':' in file names, dot-qmail(5)). */
static void forwarder(const struct fctx *c, char *out, size_t n)
{
    const struct qt_cfg_file *f = c->file;
    if (f->kind == QT_CFG_VUSER) {
        snprintf(out, n, "%s", f->owner);
        return;
    }
    if (f->kind == QT_CFG_HOME) {   /* ~/.qmail-EXT delivers USER-EXT (dot-qmail(5)) */
        char *me = qt_cfg_value(c->cfg, "me", NULL);
        const char *ext = strncmp(f->name, ".qmail-", 7) == 0 ? f->name + 7 : "";
        int def = strcmp(ext, "default") == 0 || (strlen(ext) > 8 && strcmp(ext + strlen(ext) - 8, "-default") == 0);
        snprintf(out, n, "%s%s%s@%s", f->owner, *ext && !def ? "-" : "", def ? "" : ext, me);
        for (char *p = out; *p && *p != '@'; p++)
            if (*p == ':')
                *p = '.';
        free(me);
        return;
    }
    const char *ext = strncmp(f->name, ".qmail-", 7) == 0 ? f->name + 7 : f->name;
    char dom[256];
    if (f->kind == QT_CFG_DOMAIN) {
        snprintf(dom, sizeof dom, "%s", f->owner);
    } else {
        char *me = qt_cfg_value(c->cfg, "me", NULL);
        snprintf(dom, sizeof dom, "%s", me);
        free(me);
    }
    if (strcmp(ext, "default") == 0)
        ext = "postmaster";
    snprintf(out, n, "%s@%s", ext, dom);
    for (char *p = out; *p && *p != '@'; p++)
        if (*p == ':')
            *p = '.';
}

static int remote(const struct fctx *c, const char *addr)
{
    const char *d = qt_dq_addr_domain(addr);
    return d && !qt_cfg_is_local(c->cfg, d);
}

static void spf_forward(struct fctx *c, int no, const char *shown, const char *addr)
{
    char from[300], inj[512];
    forwarder(c, from, sizeof from);
    qt_cfg_bin(c->cfg, "qmail-inject", inj, sizeof inj);
    qt_buf_printf(&c->spf_ev, "%sline %d: %s", c->spf_ev.len ? "\n" : "", no, shown);
    qt_buf_printf(&c->spf_fix, "%sline %d -> |%s -f %s -a %s", c->spf_fix.len ? "\n" : "", no, inj, from, addr);
    if (c->nspf < sizeof c->spf_lines / sizeof c->spf_lines[0])
        c->spf_lines[c->nspf++] = no;
    const char *d = qt_dq_addr_domain(addr);
    for (size_t i = 0; d && i < c->ndom; i++)
        if (strcasecmp(c->spf_dom[i], d) == 0)
            d = NULL;
    if (d && c->ndom < QT_ARRAY_LEN(c->spf_dom))
        c->spf_dom[c->ndom++] = qt_strdup(d);
}

/* Words of a '|' line, split on blanks, '' and "" as empty words (enough for
 * the vdelivermail and forward lines checked here, not a shell). */
static size_t words(const char *s, char w[][256], size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        size_t l = 0;
        char q = 0;
        for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
            if (!q && (*s == '\'' || *s == '"'))
                q = *s;
            else if (q && *s == q)
                q = 0;
            else if (l < 255)
                w[n][l++] = *s;
        }
        w[n++][l] = 0;
    }
    return n;
}

static const char *base(const char *p)
{
    const char *b = strrchr(p, '/');
    return b ? b + 1 : p;
}

static const char *bashism(const char *s)
{
    static const char *const pat[] = {"&>", "[[", "<(", ">(", "|&", "$'", "${!"};
    for (size_t i = 0; i < sizeof pat / sizeof pat[0]; i++)
        if (strstr(s, pat[i]))
            return pat[i];
    return NULL;
}

static void program_line(struct fctx *c, qt_findings *out, const qt_dq_line *l)
{
    char w[8][256];
    size_t n = words(l->arg, w, 8);
    if (n == 0)
        return;
    const char *b = bashism(l->arg);
    if (b)
        qt_buf_printf(&c->bash_ev, "%sline %d: |%s  (%s)", c->bash_ev.len ? "\n" : "", l->no, l->arg, b);
    if (w[0][0] != '/')
        qt_buf_printf(&c->rel_ev, "%sline %d: |%s", c->rel_ev.len ? "\n" : "", l->no, l->arg);
    const char *prog = base(w[0]);
    if (strcmp(prog, "forward") == 0) {           /* forward(1): keeps $NEWSENDER */
        for (size_t i = 1; i < n; i++)
            if (remote(c, w[i])) {
                char shown[300];
                snprintf(shown, sizeof shown, "|%.250s", l->arg);
                spf_forward(c, l->no, shown, w[i]);
                break;
            }
    } else if (strcmp(prog, "qmail-inject") == 0) {
        for (size_t i = 1; i < n; i++)
            if (strncmp(w[i], "-f", 2) == 0) {
                qt_buf_printf(&c->rw_ev, "%sline %d: |%s", c->rw_ev.len ? "\n" : "", l->no, l->arg);
                break;
            }
    } else if (strcmp(prog, "vdelivermail") == 0 && n >= 3) {
        /* vdelivermail '' ARG: ARG is what happens to unknown users
         * (docs/domain/vpopmail.md): bounce-no-mailbox, delete, an address, a path */
        const char *arg = w[2];
        if (strcmp(arg, "bounce-no-mailbox") == 0 && c->file->kind == QT_CFG_DOMAIN &&
            strcmp(c->file->name, ".qmail-default") == 0) {
            char id[600];
            snprintf(id, sizeof id, "config.catchall-bounce:%s", c->file->owner);
            qt_finding *f = qt_findings_add(out, QT_SEV_WARN, SRC, id,
                                            "Mail to unknown users of a domain is accepted, then bounced");
            qt_finding_subject(f, "%s", c->file->path);
            qt_finding_evidence(f, "line %d: |%s", l->no, l->arg);
            qt_finding_explain(f, "qmail-smtpd accepts every recipient of %s; vdelivermail then bounces unknown "
                                  "ones to the (usually forged) sender: during a dictionary attack the server sends "
                                  "backscatter and its IP lands on blocklists",
                               c->file->owner);
            qt_finding_fix(f, "| %s '' delete   # drop mail to unknown users", w[0]);
            qt_finding_fix(f, "or reject unknown recipients at SMTP time (a recipient-check patch or plugin)");
        } else if (strchr(arg, '@') && remote(c, arg)) {
            char shown[300];
            snprintf(shown, sizeof shown, "|%.250s", l->arg);
            spf_forward(c, l->no, shown, arg);
        }
    }
}

static qt_finding *add_file_finding(const struct fctx *c, qt_findings *out, enum qt_sev sev, const char *kind,
                                    const char *title, const qt_buf *ev, const char *explain, const char *fix)
{
    char id[1100];
    snprintf(id, sizeof id, "config.%s:%s", kind, c->file->path);
    qt_finding *f = qt_findings_add(out, sev, SRC, id, title);
    qt_finding_subject(f, "%s", c->file->path);
    qt_finding_evidence(f, "%s", qt_buf_str(ev));
    if (c->file->owner[0])
        qt_finding_evidence(f, "owner: %s (%s)", c->file->owner, qt_cfg_kind_name(c->file->kind));
    qt_finding_explain(f, "%s", explain);
    if (fix)
        qt_finding_fix(f, "%s", fix);
    return f;
}

static void check_file(const qt_config *cfg, const qt_snapshot *snap, const struct qt_cfg_file *file, int srs,
                       qt_findings *out)
{
    enum qt_dq_dialect d = file->kind == QT_CFG_VUSER ? QT_DQ_VDELIVERMAIL : QT_DQ_QMAIL_LOCAL;
    const char *prog = d == QT_DQ_VDELIVERMAIL ? "vdelivermail" : "qmail-local";
    qt_dotqmail dq;
    qt_dotqmail_parse(file->text, file->len, d, &dq);
    struct fctx c = {.cfg = cfg, .file = file, .srs = srs};
    qt_buf traps = {0};
    for (size_t i = 0; i < dq.n; i++) {
        const qt_dq_line *l = &dq.v[i];
        if (l->trap)
            qt_buf_printf(&traps, "%sline %d: %s%s  -- %s", traps.len ? "\n" : "", l->no,
                          l->kind == QT_DQ_FORWARD ? "&" : "", l->arg, l->trap);
        if (l->kind == QT_DQ_PROGRAM)
            program_line(&c, out, l);
        else if (l->kind == QT_DQ_FORWARD && !l->trap && remote(&c, l->arg)) {
            char shown[300];
            snprintf(shown, sizeof shown, "&%.250s", l->arg);
            spf_forward(&c, l->no, shown, l->arg);
        }
    }
    if (dq.fatal) {
        qt_buf b = {0};
        qt_buf_printf(&b, "line %d: (blank)", dq.fatal_line);
        add_file_finding(&c, out, QT_SEV_WARN, "dotqmail-defers", "A .qmail file defers every message", &b,
                         "qmail-local: \"Uh-oh: first line of .qmail file is blank. (#4.2.1)\": mail stays in the "
                         "queue until queuelifetime, then bounces",
                         "remove the blank first line");
        qt_buf_free(&b);
    }
    if (d == QT_DQ_QMAIL_LOCAL && (file->mode & 002)) {
        qt_buf b = {0};
        qt_buf_printf(&b, "mode %04o", file->mode & 07777);
        char fix[1100];
        snprintf(fix, sizeof fix, "chmod o-w %s", file->path);
        add_file_finding(&c, out, QT_SEV_WARN, "dotqmail-writable", "A world-writable .qmail file defers every message",
                         &b, "qmail-local: \"Uh-oh: .qmail file is writable. (#4.7.0)\" (anybody could make it run "
                             "programs as its owner)", fix);
        qt_buf_free(&b);
    }
    if (d == QT_DQ_QMAIL_LOCAL && (file->mode & 0100) && (dq.programs || dq.files)) {
        qt_buf b = {0};
        qt_buf_printf(&b, "mode %04o, %d program and %d file lines", file->mode & 07777, dq.programs, dq.files);
        char fix[1100];
        snprintf(fix, sizeof fix, "chmod -x %s", file->path);
        add_file_finding(&c, out, QT_SEV_WARN, "dotqmail-x-bit", "An executable .qmail file defers its deliveries",
                         &b, "the x bit makes a .qmail forward-only (dot-qmail(5)): qmail-local defers with \".qmail "
                             "has prog delivery but has x bit set. (#4.7.0)\"", fix);
        qt_buf_free(&b);
    }
    if (traps.len) {
        char ex[200];
        snprintf(ex, sizeof ex, "%s reads these lines differently from what they seem to say (dot-qmail(5))", prog);
        add_file_finding(&c, out, QT_SEV_WARN, "dotqmail-trap", "A .qmail line does not do what it seems", &traps, ex,
                         "forwards: &user@example.com (no name, no angle brackets); maildirs end in '/'");
    }
    if (c.spf_ev.len && !srs) {
        char ex[600];
        snprintf(ex, sizeof ex,
                 "%s forwards with the original envelope sender: the receiving server checks SPF for the sender's "
                 "domain against this server's IP, and senders whose SPF ends in -all bounce (or vanish). Rewrite "
                 "the sender (qmail-inject -f) or install SRS (the qmail-SRS patch: control/srs_domain)",
                 prog);
        qt_finding *f = add_file_finding(&c, out, QT_SEV_WARN, "forward-spf",
                                         "A forward keeps the sender: SPF fails at the receiver", &c.spf_ev, ex,
                                         qt_buf_str(&c.spf_fix));
        qt_config_spf_logs(f, snap, (const char *const *)c.spf_dom, c.ndom, file->path);
    }
    if (c.rw_ev.len)
        add_file_finding(&c, out, QT_SEV_INFO, "forward-rewrites", "A forward rewrites the envelope sender", &c.rw_ev,
                         "qmail-inject -f sends it with this domain's address as the envelope sender: SPF passes at "
                         "the receiver, bounces come back here", NULL);
    if (c.bash_ev.len) {
        int known = cfg->binsh[0] != 0;
        if (!known || strcmp(cfg->binsh, "bash") != 0) {
            char ex[300];
            snprintf(ex, sizeof ex,
                     "'|' lines run with /bin/sh -c (qmail-command(8)); /bin/sh here is %s, which does not know "
                     "this bash syntax: the program fails and the message defers or bounces",
                     known ? cfg->binsh : "not known (Debian: dash, CentOS: bash)");
            add_file_finding(&c, out, known ? QT_SEV_WARN : QT_SEV_INFO, "dotqmail-bashism",
                             "A .qmail program line uses bash-only syntax", &c.bash_ev, ex,
                             "write it in POSIX sh (>>file 2>&1 for &>>, [ ] for [[ ]]) or run |/bin/bash -c '...'");
        }
    }
    if (c.rel_ev.len)
        add_file_finding(&c, out, QT_SEV_INFO, "program-path", "A .qmail program is not named by an absolute path",
                         &c.rel_ev, "it runs only if it is in the PATH qmail-start was given (the rc script): the "
                                    "same line breaks on a server whose PATH differs",
                         "name the program by its absolute path, e.g. |/var/qmail/bin/forward");
    qt_buf_free(&traps);
    qt_buf_free(&c.spf_ev);
    qt_buf_free(&c.spf_fix);
    qt_buf_free(&c.rw_ev);
    qt_buf_free(&c.bash_ev);
    qt_buf_free(&c.rel_ev);
    for (size_t i = 0; i < c.ndom; i++)
        free(c.spf_dom[i]);
    qt_dotqmail_free(&dq);
}

void qt_config_check_dotqmail(const qt_ctx *ctx, const qt_config *cfg, const qt_snapshot *snap, qt_findings *out)
{
    (void)ctx;
    const struct qt_cfg_file *srs = qt_config_find(cfg, QT_CFG_CONTROL, "srs_domain");
    int has_srs = srs && srs->present == 1 && srs->len > 0;
    for (size_t i = 0; i < cfg->n; i++) {
        const struct qt_cfg_file *f = &cfg->files[i];
        if ((f->kind == QT_CFG_ALIAS || f->kind == QT_CFG_DOMAIN || f->kind == QT_CFG_VUSER ||
             f->kind == QT_CFG_HOME) && f->present == 1 &&
            f->text)
            check_file(cfg, snap, f, has_srs, out);
    }
}
