/* vpw.c - lab credentials file reader. See vpw.h. */
#include "vpw.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void vpw_copy(char *d, size_t n, const char *s)
{
    size_t l = strnlen(s, n - 1);
    memcpy(d, s, l);
    d[l] = 0;
}

static char bindir[PATH_MAX] = ".";

void vpw_init(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    if (slash)
        snprintf(bindir, sizeof bindir, "%.*s", (int)(slash - argv0), argv0);
}

int vpw_beside(void)
{
    const char *p = getenv("QT_LAB_VPASSWD");
    return !p || !*p;
}

/* PATH of FILE beside the program */
static void beside_path(const char *file, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", bindir, file);
}

int vpw_setting(const char *env, const char *file, char *buf, size_t n)
{
    const char *v = getenv(env);
    buf[0] = 0;
    if (v && *v) {
        vpw_copy(buf, n, v);
        return 1;
    }
    if (!vpw_beside())
        return 0;
    char path[PATH_MAX + 64];
    beside_path(file, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    if (!fgets(buf, (int)n, f))
        buf[0] = 0;
    fclose(f);
    buf[strcspn(buf, "\r\n")] = 0;
    return 1;
}

static unsigned parse_flags(const char *s)
{
    static const struct { const char *word; unsigned bit; } map[] = {
        { "nopasswdchange", VPW_NO_PASSWD_CHNG }, { "nopop", VPW_NO_POP },
        { "nowebmail", VPW_NO_WEBMAIL },          { "noimap", VPW_NO_IMAP },
        { "bounce", VPW_BOUNCE_MAIL },            { "norelay", VPW_NO_RELAY },
        { "nodialup", VPW_NO_DIALUP },            { "nosmtp", VPW_NO_SMTP },
    };
    unsigned flags = 0;
    char buf[256];
    vpw_copy(buf, sizeof buf, s);
    for (char *save = NULL, *w = strtok_r(buf, ", \t", &save); w;
         w = strtok_r(NULL, ", \t", &save)) {
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
            if (strcasecmp(w, map[i].word) == 0)
                flags |= map[i].bit;
    }
    return flags;
}

int vpw_lookup(const char *user, const char *domain, struct vpw_entry *out)
{
    char path[PATH_MAX + 64];
    if (vpw_beside())
        beside_path("vchkpw-creds", path, sizeof path);
    else
        vpw_copy(path, sizeof path, getenv("QT_LAB_VPASSWD"));
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == '#' || line[0] == 0)
            continue;
        char *c1 = strchr(line, ':');
        if (!c1)
            continue;
        *c1 = 0;
        char *pw = c1 + 1;
        char *c2 = strrchr(pw, ':'); /* password may contain ':' */
        const char *flags = "";
        if (c2) {
            *c2 = 0;
            flags = c2 + 1;
        }
        char *at = strchr(line, '@');
        if (!at)
            continue;
        *at = 0;
        if (strcasecmp(line, user) != 0 || strcasecmp(at + 1, domain) != 0)
            continue;
        memset(out, 0, sizeof *out);
        vpw_copy(out->user, sizeof out->user, line);
        vpw_copy(out->domain, sizeof out->domain, at + 1);
        vpw_copy(out->password, sizeof out->password, pw);
        out->flags = parse_flags(flags);
        found = 1;
    }
    fclose(f);
    return found;
}

void vpw_dir(const struct vpw_entry *e, char *buf, unsigned long size)
{
    const char *home = getenv("QT_LAB_VPOPMAIL_HOME");
    if (!home || !*home)
        home = "/home/vpopmail";
    snprintf(buf, size, "%s/domains/%s/%s", home, e->domain, e->user);
}
