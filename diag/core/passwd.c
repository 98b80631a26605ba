/* passwd.c - see passwd.h. Fields per passwd(5): name:pw:uid:gid:gecos:home:shell. */
#include "diag/core/passwd.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QT_NO_ID ((unsigned)-1)

static int parse_line(char *p, const char *name, unsigned *uid, unsigned *gid, char *home, size_t hn)
{
    size_t nl_len = strlen(name);
    char *f[7] = {p};
    int k = 1;
    unsigned long u, g;

    if (strncmp(p, name, nl_len) != 0 || p[nl_len] != ':')
        return 0;
    for (char *c = p; *c && k < 7; c++)
        if (*c == ':') {
            *c = '\0';
            f[k++] = c + 1;
        }
    if (k != 7 || qt_parse_ulong(f[2], &u) != 0 || qt_parse_ulong(f[3], &g) != 0 || u >= QT_NO_ID || g >= QT_NO_ID)
        return 0;
    *uid = (unsigned)u;
    *gid = (unsigned)g;
    if (home) {
        int r = snprintf(home, hn, "%s", f[5]);
        if (f[5][0] != '/' || r < 0 || (size_t)r >= hn)
            return 0;
    }
    return 1;
}

int qt_passwd_lookup(const qt_ctx *ctx, const char *name, unsigned *uid, unsigned *gid, char *home, size_t hn)
{
    char *text = NULL;
    int found = 0;
    if (qt_ctx_read(ctx, "/etc/passwd", 1 << 20, &text, NULL) < 0)
        return 0;
    for (char *p = text; p && *p && !found;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        found = parse_line(p, name, uid, gid, home, hn);
        p = nl ? nl + 1 : NULL;
    }
    free(text);
    return found;
}
