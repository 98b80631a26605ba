/* config_patches.c - control files that common qmail patches add, checked
 * only when present (a missing file says nothing about whether the patch
 * is in the binary): the SPF patch's spfbehavior, the TLS patch's
 * tlsserverciphers / tlsclientciphers and its regenerated dh2048.pem /
 * rsa2048.pem (docs/domain/qmail.md#starttls), and the files that hold a
 * secret (the AUTH patch's authsenders, servercert.pem) readable by
 * everybody. */
#include "diag/config/config_int.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC "config"
#define TMPKEY_OLD (30 * 86400.0)   /* dh2048.pem / rsa2048.pem not regenerated for this long */

static const struct qt_cfg_file *present(const qt_config *cfg, const char *name)
{
    const struct qt_cfg_file *f = qt_config_find(cfg, QT_CFG_CONTROL, name);
    return f && f->present == 1 ? f : NULL;
}

/* 1 when out holds a finding whose id starts with pre. */
static int has_prefix(const qt_findings *out, const char *pre)
{
    for (size_t i = 0; i < out->n; i++)
        if (strncmp(out->v[i].id, pre, strlen(pre)) == 0)
            return 1;
    return 0;
}

/* The SPF patch's spfbehavior (qmail-spf README; the SPFBEHAVIOR
 * environment variable overrides it): 0 no lookups, 1 Received-SPF header
 * only, 2 also temporary errors on DNS trouble, 3 reject fail, 4 reject
 * softfail too, 5 reject neutral too, 6 reject everything but pass;
 * above 6 is 6. */
static void check_spf(const qt_config *cfg, qt_findings *out)
{
    const struct qt_cfg_file *f = present(cfg, "spfbehavior");
    unsigned long v;
    if (!f || !f->text || !qt_control_int(f->text, f->len, &v))
        return;
    qt_finding *x;
    if (v == 0 && (has_prefix(out, "config.forward-spf:") || has_prefix(out, "config.forward-rewrites:"))) {
        x = qt_findings_add(out, QT_SEV_INFO, SRC, "config.spf-off", "SPF checks are off here while mail is forwarded");
        qt_finding_subject(x, "%s", f->path);
        qt_finding_evidence(x, "line 1: 0");
        qt_finding_explain(x, "spfbehavior 0: qmail-smtpd looks nothing up and adds no Received-SPF header; the "
                              "forwards of this server meet receivers that do check SPF (see the forward findings)");
        qt_finding_fix(x, "echo 3 > %s   # reject mail whose SPF result is fail", f->path);
    } else if (v >= 4) {
        static const char *const what[] = {"softfail (~all) too", "neutral (?all) and softfail too",
                                           "everything that does not pass, also domains without SPF"};
        unsigned long k = v > 6 ? 6 : v;
        x = qt_findings_add(out, k >= 6 ? QT_SEV_WARN : QT_SEV_INFO, SRC, "config.spf-strict",
                            "qmail-smtpd rejects mail on weak SPF results");
        qt_finding_subject(x, "%s", f->path);
        qt_finding_evidence(x, "line 1: %lu%s: rejects %s", v, v > 6 ? " (read as 6)" : "", what[k - 4]);
        qt_finding_explain(x, "softfail and neutral mean the domain does not vouch either way, and most domains "
                              "publish no SPF at all: mail forwarded by other servers or sent by senders without SPF "
                              "is refused");
        qt_finding_fix(x, "echo 3 > %s   # reject only fail (-all)", f->path);
    }
}

/* Elements of an OpenSSL cipher list (ciphers(1): separated by ':', ',' or
 * spaces; '!' and '-' take ciphers out, '+' only moves them) that add weak
 * suites: RC4, single and triple DES, NULL encryption, export grade, no
 * authentication. Written to into weak (space-separated). */
/* 1 when list takes every weak class out again ("!RC4", "-DES", ...). */
static int excludes_weak(const char *list)
{
    static const char *const cls[] = {"RC4", "DES", "EXP", "aNULL", "eNULL"};
    for (size_t i = 0; i < QT_ARRAY_LEN(cls); i++) {
        char a[16], b[16];
        snprintf(a, sizeof a, "!%s", cls[i]);
        snprintf(b, sizeof b, "-%s", cls[i]);
        if (!strstr(list, a) && !strstr(list, b))
            return 0;
    }
    return 1;
}

static void weak_elements(const char *list, char *weak, size_t n)
{
    /* ALL (and LOW) hold RC4, DES and export suites in the OpenSSL
     * versions that still build them */
    static const char *const bad[] = {"RC4", "DES", "NULL", "EXP", "ADH", "AECDH", "LOW", "ALL"};
    weak[0] = 0;
    for (const char *p = list; *p;) {
        size_t l = strcspn(p, ":, ");
        if (l && p[0] != '!' && p[0] != '-' && p[0] != '+') {
            for (size_t i = 0; i < QT_ARRAY_LEN(bad); i++) {
                const char *h = memmem(p, l, bad[i], strlen(bad[i]));
                if (h && strcmp(bad[i], "ALL") == 0 && (l != 3 || excludes_weak(list)))
                    h = NULL;   /* COMPLEMENTOFALL, or ALL with the weak classes taken out */
                if (h) {
                    size_t have = strlen(weak);
                    snprintf(weak + have, n - have, "%s%.*s", have ? " " : "", (int)l, p);
                    break;
                }
            }
        }
        p += l;
        p += strspn(p, ":, ");
    }
}

static void check_ciphers(const qt_config *cfg, qt_findings *out)
{
    static const char *const files[] = {"tlsserverciphers", "tlsclientciphers"};
    for (size_t i = 0; i < QT_ARRAY_LEN(files); i++) {
        const struct qt_cfg_file *f = present(cfg, files[i]);
        if (!f || !f->text)
            continue;
        char *line = qt_control_line(f->text, f->len), weak[300];
        weak_elements(line, weak, sizeof weak);
        if (weak[0]) {
            char id[96];
            snprintf(id, sizeof id, "config.weak-ciphers:%s", files[i]);
            qt_finding *x = qt_findings_add(out, QT_SEV_WARN, SRC, id, "The TLS cipher list allows weak ciphers");
            qt_finding_subject(x, "%s", f->path);
            qt_finding_evidence(x, "line 1: %s", line);
            qt_finding_evidence(x, "weak: %s", weak);
            qt_finding_explain(x, "%s hands this list to OpenSSL (ciphers(1)): RC4 and DES are broken (RFC 7465; "
                                  "Sweet32 for 3DES), NULL and export suites give no or trivial encryption, anonymous "
                                  "ones no authentication",
                               i ? "qmail-remote" : "qmail-smtpd");
            qt_finding_fix(x, "echo 'HIGH:!aNULL:!MD5:!RC4:!3DES' > %s", f->path);
        }
        free(line);
    }
}

/* The TLS patch's temporary DH parameters and RSA key are regenerated by
 * its update_tmprsadh script, run from cron. */
static void check_tmpkeys(const qt_ctx *ctx, const qt_config *cfg, qt_findings *out)
{
    static const char *const files[] = {"dh2048.pem", "rsa2048.pem"};
    double now = qt_ctx_now(ctx);
    for (size_t i = 0; i < QT_ARRAY_LEN(files); i++) {
        const struct qt_cfg_file *f = present(cfg, files[i]);
        if (!f || f->mtime <= 0 || now - f->mtime < TMPKEY_OLD)
            continue;
        char id[96], age[32];
        snprintf(id, sizeof id, "config.tmpkey-old:%s", files[i]);
        qt_fmt_age(now - f->mtime, age, sizeof age);
        qt_finding *x = qt_findings_add(out, QT_SEV_INFO, SRC, id, "A TLS temporary key file is not regenerated");
        qt_finding_subject(x, "%s", f->path);
        qt_finding_evidence(x, "%s last changed %s ago", f->path, age);
        qt_finding_explain(x, "the TLS patch's update_tmprsadh regenerates it from cron; a file this old means the "
                              "cron job no longer runs");
        qt_finding_fix(x, "%s/bin/update_tmprsadh   # and check its crontab line", cfg->prefix);
    }
}

/* A file holding a key or passwords that every local user can read. */
static void check_secret_modes(const qt_config *cfg, qt_findings *out)
{
    for (size_t i = 0; i < cfg->n; i++) {
        const struct qt_cfg_file *f = &cfg->files[i];
        if (f->kind != QT_CFG_CONTROL || !f->secret || f->present != 1 || !(f->mode & 004))
            continue;
        char id[300];
        snprintf(id, sizeof id, "config.secret-readable:%s", f->name);
        qt_finding *x = qt_findings_add(out, QT_SEV_WARN, SRC, id, "A file holding a secret is readable by everybody");
        qt_finding_subject(x, "%s", f->path);
        qt_finding_evidence(x, "mode %04o", f->mode & 07777);
        qt_finding_explain(x, "%s holds %s: any local user or web script can read it", f->name,
                           strcmp(f->name, "authsenders") == 0 ? "the passwords qmail-remote logs in with"
                                                                : "a private key or a secret");
        qt_finding_fix(x, "chmod o-r %s   # the reading program's group keeps access", f->path);
    }
}

void qt_config_check_patches(const qt_ctx *ctx, const qt_config *cfg, qt_findings *out)
{
    check_spf(cfg, out);
    check_ciphers(cfg, out);
    check_tmpkeys(ctx, cfg, out);
    check_secret_modes(cfg, out);
}
