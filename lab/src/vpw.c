/* vpw.c - lab credentials file reader. See vpw.h. */
#include "vpw.h"

#include <errno.h>
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
    const char *path = getenv("QT_LAB_VPASSWD");
    if (!path || !*path) {
        errno = ENOENT;
        return -1;
    }
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
