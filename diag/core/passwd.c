/* passwd.c - see passwd.h. Fields per passwd(5): name:pw:uid:gid:gecos:home:shell. */
#include "diag/core/passwd.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QT_NO_ID ((unsigned)-1)

int qt_passwd_each(const qt_ctx *ctx, int (*fn)(char *const f[7], int n, void *arg), void *arg)
{
    char *text = NULL;
    int stop = 0;

    if (qt_ctx_read(ctx, "/etc/passwd", 1 << 20, &text, NULL) < 0)
        return -1;
    for (char *p = text, *nl; p && *p && !stop; p = nl ? nl + 1 : NULL) {
        char *f[7] = {p};
        int k = 1;
        if ((nl = strchr(p, '\n')))
            *nl = '\0';
        for (char *c = p; *c && k < 7; c++)
            if (*c == ':') {
                *c = '\0';
                f[k++] = c + 1;
            }
        stop = fn(f, k, arg);
    }
    free(text);
    return 0;
}

struct lookup {
    const char *name;
    unsigned *uid, *gid;
    char *home;
    size_t hn;
    int found;
};

static int match(char *const f[7], int n, void *arg)
{
    struct lookup *l = arg;
    unsigned long u, g;

    if (strcmp(f[0], l->name) != 0)
        return 0;
    if (n != 7 || qt_parse_ulong(f[2], &u) != 0 || qt_parse_ulong(f[3], &g) != 0 || u >= QT_NO_ID || g >= QT_NO_ID)
        return 0; /* a malformed line is skipped, as glibc's files backend skips it */
    *l->uid = (unsigned)u;
    *l->gid = (unsigned)g;
    if (l->home) {
        int r = snprintf(l->home, l->hn, "%s", f[5]);
        if (f[5][0] != '/' || r < 0 || (size_t)r >= l->hn)
            return 0;
    }
    l->found = 1;
    return 1;
}

int qt_passwd_lookup(const qt_ctx *ctx, const char *name, unsigned *uid, unsigned *gid, char *home, size_t hn)
{
    struct lookup l = {.name = name, .uid = uid, .gid = gid, .home = home, .hn = hn};
    qt_passwd_each(ctx, match, &l);
    return l.found;
}
