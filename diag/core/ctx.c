/* ctx.c - see ctx.h */
#include "diag/core/ctx.h"
#include "diag/core/util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name; unsigned port; } mail_ports[] = {
    {"smtp", 25},   {"pop3", 110},  {"imap", 143},  {"smtps", 465},
    {"submission", 587}, {"imaps", 993}, {"pop3s", 995},
    /* aliases (IANA service names registry, RFC 8314: "submissions" on 465),
     * found by name only: qt_port_name gives the first name above */
    {"submissions", 465}, {"ssmtp", 465}, {"urd", 465}, {"pop-3", 110}, {"imap2", 143},
};

const char *qt_port_name(unsigned port)
{
    for (size_t i = 0; i < QT_ARRAY_LEN(mail_ports); i++)
        if (mail_ports[i].port == port)
            return mail_ports[i].name;
    return NULL;
}

unsigned qt_port_number(const char *name)
{
    for (size_t i = 0; i < QT_ARRAY_LEN(mail_ports); i++)
        if (strcmp(mail_ports[i].name, name) == 0)
            return mail_ports[i].port;
    return 0;
}

void qt_ctx_defaults(qt_ctx *ctx)
{
    char err[128];
    memset(ctx, 0, sizeof *ctx);
    ctx->root = "/";
    ctx->proc = "/proc";
    snprintf(ctx->qmail_prefix, sizeof ctx->qmail_prefix, "/var/qmail");
    snprintf(ctx->qmail_source, sizeof ctx->qmail_source, "default");
    ctx->log_window = 3600;
    ctx->log_window_bytes = 64ull << 20;
    ctx->want_bytes = 1;
    if (qt_ctx_parse_ports(ctx, "smtps=465,imaps=993,pop3s=995", err, sizeof err) != 0)
        qt_fatal("default ports: %s", err);
}

static char *join(const char *base, const char *rel, char *out, size_t n)
{
    size_t bl = strlen(base);
    int r;

    while (bl > 0 && base[bl - 1] == '/')
        bl--;
    while (*rel == '/')
        rel++;
    r = snprintf(out, n, "%.*s/%s", (int)bl, base, rel);
    return (r < 0 || (size_t)r >= n) ? NULL : out;
}

char *qt_ctx_path(const qt_ctx *ctx, const char *abs, char *out, size_t n)
{
    const char *root = ctx->root ? ctx->root : "/";
    size_t rl = strlen(root);

    while (rl > 1 && root[rl - 1] == '/')
        rl--;
    /* A path that is already under the root (a running process's command
     * line names real files, e.g. in the lab) is used as it is. */
    if (rl > 1 && strncmp(abs, root, rl) == 0 && (abs[rl] == '/' || abs[rl] == '\0')) {
        int r = snprintf(out, n, "%s", abs);
        return (r < 0 || (size_t)r >= n) ? NULL : out;
    }
    return join(root, abs, out, n);
}

static int strip(const char *real, const char *root, char *out, size_t n)
{
    size_t rl = strlen(root);
    while (rl > 1 && root[rl - 1] == '/')
        rl--;
    if (rl <= 1 || strncmp(real, root, rl) != 0 || (real[rl] != '/' && real[rl] != '\0'))
        return 0;
    snprintf(out, n, "%s", real[rl] ? real + rl : "/");
    return 1;
}

int qt_ctx_unroot(const qt_ctx *ctx, const char *real, char *out, size_t n)
{
    char rp[PATH_MAX];
    if (!ctx->root || strcmp(ctx->root, "/") == 0) {
        snprintf(out, n, "%s", real);
        return 1;
    }
    if (strip(real, ctx->root, out, n) || (realpath(ctx->root, rp) && strip(real, rp, out, n)))
        return 1;
    snprintf(out, n, "%s", real);
    return 0;
}

const char *qt_ctx_qmail_dir(const qt_ctx *ctx)
{
    return ctx->qmail_prefix[0] ? ctx->qmail_prefix : "/var/qmail";
}

char *qt_ctx_qmail(const qt_ctx *ctx, const char *rel, char *out, size_t n)
{
    return join(qt_ctx_qmail_dir(ctx), rel, out, n);
}

char *qt_ctx_proc(const qt_ctx *ctx, const char *rel, char *out, size_t n)
{
    return join(ctx->proc ? ctx->proc : "/proc", rel, out, n);
}

double qt_ctx_now(const qt_ctx *ctx)
{
    return ctx->now ? ctx->now() : qt_now_wall();
}

int qt_ctx_service_index(const qt_ctx *ctx, unsigned port)
{
    for (int i = 0; i < ctx->nservices; i++)
        if (ctx->services[i].port == port)
            return i;
    return -1;
}

static int valid_name(const char *s, size_t n)
{
    if (n == 0 || n >= sizeof ((struct qt_service *)0)->name)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

int qt_ctx_parse_ports(qt_ctx *ctx, const char *list, char *err, size_t errlen)
{
    struct qt_service sv[QT_MAX_SERVICES];
    int n = 0;
    const char *p = list;

    if (!list || !*list) {
        snprintf(err, errlen, "empty port list");
        return -1;
    }
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[64], *eq;
        unsigned long port = 0;

        if (len == 0 || len >= sizeof item) {
            snprintf(err, errlen, "bad port list item '%.*s'", (int)(len > 40 ? 40 : len), p);
            return -1;
        }
        if (n == QT_MAX_SERVICES) {
            snprintf(err, errlen, "too many ports (at most %d)", QT_MAX_SERVICES);
            return -1;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        eq = strchr(item, '=');
        if (eq) {
            *eq = '\0';
            if (!valid_name(item, strlen(item)) || qt_parse_ulong(eq + 1, &port) != 0 || port == 0 || port > 65535) {
                snprintf(err, errlen, "bad port list item '%s=%s' (want NAME=PORT)", item, eq + 1);
                return -1;
            }
            memcpy(sv[n].name, item, strlen(item) + 1); /* valid_name checked the length */
        } else if (qt_parse_ulong(item, &port) == 0) {
            const char *nm = qt_port_name((unsigned)port);
            if (port == 0 || port > 65535) {
                snprintf(err, errlen, "port out of range: %s", item);
                return -1;
            }
            if (nm)
                snprintf(sv[n].name, sizeof sv[n].name, "%s", nm);
            else
                snprintf(sv[n].name, sizeof sv[n].name, "port-%lu", port);
        } else {
            port = qt_port_number(item);
            if (!port) {
                snprintf(err, errlen, "unknown service name '%s' (known: smtp pop3 imap smtps submission imaps pop3s; or NAME=PORT)", item);
                return -1;
            }
            snprintf(sv[n].name, sizeof sv[n].name, "%.31s", item);
        }
        sv[n].port = (unsigned)port;
        for (int i = 0; i < n; i++)
            if (sv[i].port == sv[n].port) {
                snprintf(err, errlen, "port %u listed twice", sv[n].port);
                return -1;
            }
        n++;
        p += len;
        if (*p == ',')
            p++;
    }
    memcpy(ctx->services, sv, sizeof sv[0] * (size_t)n);
    ctx->nservices = n;
    return 0;
}
