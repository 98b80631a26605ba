/* readers_wizard.c - see readers_wizard.h */
#include "fuzz/readers_wizard.h"
#include "diag/auth/auth_wizard_int.h"
#include "diag/core/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* 12: the wizard's passwd lookup; the first word of the input is a name too */
void qt_fuzz_wiz_passwd(const qt_ctx *ctx, const char *d, size_t n)
{
    static const char *const names[] = {"vpopmail", "root", "qmaild", "", "x", NULL};
    char word[64], home[256];
    size_t wl = 0, rl = strlen(ctx->root);
    while (wl < n && wl < sizeof word - 1 && d[wl] != ':' && d[wl] != '\n' && d[wl] != '\0')
        wl++;
    memcpy(word, d, wl);
    word[wl] = '\0';
    for (size_t i = 0; i < QT_ARRAY_LEN(names); i++) {
        const char *name = names[i] ? names[i] : word;
        unsigned uid = 0, gid = 0;
        memset(home, 'Z', sizeof home);
        if (qt_wiz_passwd(ctx, name, &uid, &gid, home, sizeof home)) {
            /* ids fit, the home is a path under the root */
            if (uid == QT_TRUST_NO_UID || gid == QT_TRUST_NO_UID || !memchr(home, '\0', sizeof home) ||
                strncmp(home, ctx->root, rl) != 0 || home[rl] != '/')
                abort();
        }
        (void)qt_wiz_passwd(ctx, name, &uid, &gid, NULL, 0);
        (void)qt_wiz_passwd(ctx, name, &uid, &gid, home, 8); /* a home longer than the buffer */
    }
}

/* 13: the wizard's control files: one line, no CR/LF, no trailing blank */
void qt_fuzz_wiz_control(const qt_ctx *ctx)
{
    static const char *const names[] = {"me", "helohost"};
    static const size_t sizes[] = {256, 8, 1};
    char out[256];
    for (size_t i = 0; i < QT_ARRAY_LEN(names); i++)
        for (size_t k = 0; k < QT_ARRAY_LEN(sizes); k++) {
            size_t l;
            memset(out, 'Z', sizeof out);
            qt_wiz_read_control(ctx, names[i], out, sizes[k]);
            if (!memchr(out, '\0', sizes[k]) || strpbrk(out, "\r\n"))
                abort();
            l = strlen(out);
            if (l && l + 1 < sizes[k] && isspace((unsigned char)out[l - 1])) /* not cut by the buffer */
                abort();
        }
}

