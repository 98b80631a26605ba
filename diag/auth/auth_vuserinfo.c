/* auth_vuserinfo.c - see auth_vuserinfo.h */
#include "diag/auth/auth_vuserinfo.h"
#include "diag/core/util.h"
#include "diag/core/secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static void copy_val(char *dst, size_t n, const char *v, size_t len)
{
    while (len && (*v == ' ' || *v == '\t')) {
        v++;
        len--;
    }
    while (len && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r'))
        len--;
    if (len >= n)
        len = n - 1;
    memcpy(dst, v, len);
    dst[len] = '\0';
}

/* Does line p[0..len) start with key (e.g. "dir:")? Returns the value start. */
static const char *field(const char *p, size_t len, const char *key)
{
    size_t kl = strlen(key);
    if (len >= kl && strncmp(p, key, kl) == 0)
        return p + kl;
    return NULL;
}

static void add_limit(struct qt_vuserinfo *in, const char *l)
{
    if (!*l || in->nlimits >= QT_VUI_MAXLIMITS)
        return;
    snprintf(in->limits[in->nlimits++], sizeof in->limits[0], "%s", l);
    if (strstr(l, "smtp access is closed"))
        in->smtp_closed = 1;
    else if (strstr(l, "pop access closed"))
        in->pop_closed = 1;
    else if (strstr(l, "imap access closed"))
        in->imap_closed = 1;
    else if (strstr(l, "webmail access closed"))
        in->webmail_closed = 1;
    else if (strstr(l, "mail will be bounced"))
        in->bounce = 1;
    else if (strstr(l, "not allowed to relay"))
        in->relay_closed = 1;
}

int qt_vuserinfo_parse(const char *text, size_t len, struct qt_vuserinfo *in)
{
    const char *p = text, *end = text + len;
    int in_limits = 0, saw_name = 0;

    memset(in, 0, sizeof *in);
    in->found = -1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *v;

        if (in_limits && l && (p[0] == ' ' || p[0] == '\t')) {
            char line[80];
            copy_val(line, sizeof line, p, l);
            if (strncmp(line, "* = set", 7) != 0)   /* the legend line, not a limit */
                add_limit(in, line);
        } else {
            in_limits = 0;
            if ((v = field(p, l, "name:"))) {
                copy_val(in->name, sizeof in->name, v, l - (size_t)(v - p));
                saw_name = 1;
            } else if ((v = field(p, l, "passwd:"))) {
                char tmp[8];
                copy_val(tmp, sizeof tmp, v, l - (size_t)(v - p));
                in->crypted_set = tmp[0] != '\0';
            } else if ((v = field(p, l, "clear passwd:"))) {
                char tmp[8];
                copy_val(tmp, sizeof tmp, v, l - (size_t)(v - p));
                in->clear_set = tmp[0] != '\0';
            } else if ((v = field(p, l, "gecos:"))) {
                copy_val(in->gecos, sizeof in->gecos, v, l - (size_t)(v - p));
            } else if ((v = field(p, l, "flags:"))) {
                char tmp[32];
                copy_val(tmp, sizeof tmp, v, l - (size_t)(v - p));
                in->has_flags = qt_parse_ulong(tmp, &in->flags) == 0;
            } else if ((v = field(p, l, "limits:"))) {
                char tmp[80];
                copy_val(tmp, sizeof tmp, v, l - (size_t)(v - p));
                in_limits = tmp[0] == '\0';   /* "limits: No user limits set." has no list */
            } else if ((v = field(p, l, "dir:"))) {
                copy_val(in->dir, sizeof in->dir, v, l - (size_t)(v - p));
            } else if ((v = field(p, l, "quota:"))) {
                copy_val(in->quota, sizeof in->quota, v, l - (size_t)(v - p));
            } else if ((v = field(p, l, "usage:"))) {
                copy_val(in->usage, sizeof in->usage, v, l - (size_t)(v - p));
            } else if ((v = field(p, l, "last auth ip:"))) {
                copy_val(in->last_auth_ip, sizeof in->last_auth_ip, v, l - (size_t)(v - p));
            } else if ((v = field(p, l, "last auth:"))) {
                copy_val(in->last_auth, sizeof in->last_auth, v, l - (size_t)(v - p));
                in->never_logged_in = strstr(in->last_auth, "Never logged in") != NULL;
            } else if ((v = field(p, l, "no such user"))) {
                copy_val(in->error, sizeof in->error, p, l);
                in->found = 0;
            } else if ((v = field(p, l, "Error:"))) {
                copy_val(in->error, sizeof in->error, p, l);
            }
        }
        p = nl ? nl + 1 : end;
    }
    if (saw_name && in->found != 0)
        in->found = 1;
    /* the flags line is authoritative where the limits text is missing */
    if (in->has_flags) {
        if (in->flags & QT_VPOP_NO_SMTP)
            in->smtp_closed = 1;
        if (in->flags & QT_VPOP_NO_POP)
            in->pop_closed = 1;
        if (in->flags & QT_VPOP_NO_IMAP)
            in->imap_closed = 1;
    }
    return in->found;
}

char *qt_vuserinfo_redact(const char *text, size_t len)
{
    qt_buf b = {0};
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (l >= 7 && strncmp(p, "passwd:", 7) == 0)
            qt_buf_puts(&b, "passwd: <hidden>");
        else if (l >= 13 && strncmp(p, "clear passwd:", 13) == 0)
            qt_buf_puts(&b, "clear passwd: <hidden>");
        else
            qt_buf_add(&b, p, l);
        if (nl)
            qt_buf_putc(&b, '\n');
        p = nl ? nl + 1 : end;
    }
    return qt_buf_steal(&b);
}

/* Copy with truncation (paths: keep the compiler's format checks quiet). */
static void cpy(char *d, size_t n, const char *s)
{
    size_t l = strlen(s);
    if (l >= n)
        l = n - 1;
    memcpy(d, s, l);
    d[l] = '\0';
}

/* path is under the root (qt_ctx_path'd): resolved without leaving it */
static int is_dir(const qt_ctx *ctx, const char *path)
{
    struct stat st;
    return qt_ctx_stat(ctx, path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* +DOMAIN-:DOMAIN:UID:GID:DIR:-:: in users/assign -> DIR */
static int assign_dir(const qt_ctx *ctx, const char *domain, char *out, size_t n)
{
    char path[4096], *text = NULL;
    long len;
    size_t dl = strlen(domain);
    int found = 0;

    if (!qt_ctx_qmail(ctx, "users/assign", path, sizeof path))
        return 0;
    len = qt_ctx_read(ctx, path, 1 << 22, &text, NULL);
    if (len < 0)
        return 0;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if (p[0] == '+' && strncasecmp(p + 1, domain, dl) == 0 && p[1 + dl] == '-' && p[2 + dl] == ':') {
            /* fields after "+DOMAIN-:": DOMAIN, UID, GID, DIR */
            char *f = p + 3 + dl;
            for (int i = 0; i < 3 && f; i++) {
                f = strchr(f, ':');
                if (f)
                    f++;
            }
            if (f) {
                char *e = strchr(f, ':');
                size_t fl = e ? (size_t)(e - f) : strlen(f);
                char real[1024];
                snprintf(real, sizeof real, "%.*s", (int)fl, f);
                found = qt_ctx_path(ctx, real, out, n) != NULL;
            }
            break;
        }
        p = nl ? nl + 1 : NULL;
    }
    free(text);
    return found;
}

void qt_vpop_lookup(const qt_ctx *ctx, const char *vpop_home, const char *user, const char *domain,
                    struct qt_vpop_lookup *o)
{
    qt_buf how = {0};
    char path[8192], *text = NULL;
    size_t ul = strlen(user);
    long tl;

    memset(o, 0, sizeof *o);
    if (assign_dir(ctx, domain, o->domain_dir, sizeof o->domain_dir) && is_dir(ctx, o->domain_dir)) {
        o->domain_found = 1;
        qt_buf_printf(&how, "users/assign maps %s to %s\n", domain, o->domain_dir);
    } else {
        snprintf(path, sizeof path, "%s/domains/%s", vpop_home, domain);
        cpy(o->domain_dir, sizeof o->domain_dir, path);
        o->domain_found = is_dir(ctx, path);
        qt_buf_printf(&how, "%s: %s\n", path, o->domain_found ? "exists" : "no such directory");
    }
    if (o->domain_found) {
        snprintf(path, sizeof path, "%s/%s", o->domain_dir, user);
        if (is_dir(ctx, path)) {
            o->user_found = 1;
            cpy(o->user_dir, sizeof o->user_dir, path);
        } else {
            /* big domains hash users into one-character subdirectories */
            static const char chars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
            for (const char *c = chars; *c && !o->user_found; c++) {
                snprintf(path, sizeof path, "%s/%c/%s", o->domain_dir, *c, user);
                if (is_dir(ctx, path)) {
                    o->user_found = 1;
                    cpy(o->user_dir, sizeof o->user_dir, path);
                }
            }
        }
        qt_buf_printf(&how, "mailbox directory: %s\n", o->user_found ? o->user_dir : "none found");
        snprintf(path, sizeof path, "%s/vpasswd", o->domain_dir);
        if ((tl = qt_ctx_read(ctx, path, 1 << 24, &text, NULL)) >= 0) {
            /* name:crypted:uid:gid(flags):gecos:dir:quota[:clear] - only name and flags are read */
            for (char *p = text; p && *p;) {
                char *nl = strchr(p, '\n');
                if (nl)
                    *nl = '\0';
                if (strncmp(p, user, ul) == 0 && p[ul] == ':') {
                    char *f = p + ul + 1;
                    o->vpasswd_line = 1;
                    o->user_found = 1;
                    for (int i = 0; i < 2 && f; i++) {
                        f = strchr(f, ':');
                        if (f)
                            f++;
                    }
                    if (f) {
                        char num[24];
                        char *e = strchr(f, ':');
                        snprintf(num, sizeof num, "%.*s", (int)(e ? e - f : (long)strlen(f)), f);
                        o->has_flags = qt_parse_ulong(num, &o->flags) == 0;
                    }
                    break;
                }
                p = nl ? nl + 1 : NULL;
            }
            qt_buf_printf(&how, "%s: %s\n", path, o->vpasswd_line ? "has a line for the user" : "no line for the user");
            /* vpasswd holds password hashes: wipe our copy */
            qt_secret_wipe(text, (size_t)tl);
            free(text);
        } else {
            qt_buf_printf(&how, "%s: not readable (SQL/LDAP backend, or permissions)\n", path);
        }
    }
    cpy(o->how, sizeof o->how, qt_buf_str(&how));
    qt_buf_free(&how);
}
