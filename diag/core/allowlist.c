/* allowlist.c - see allowlist.h */
#include "diag/core/allowlist.h"
#include "diag/core/secret.h"
#include "diag/core/rootfs.h"
#include "diag/core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int has_prefix_dir(const char *abs, const char *dir)
{
    size_t l = strlen(dir), al = strlen(abs);

    if (al <= l + 1 || strncmp(abs, dir, l) != 0 || abs[l] != '/')
        return 0;
    return memchr(abs + l + 1, '/', al - l - 1) == NULL;
}

const char *qt_allow_file(const char *abs, unsigned owner, char *why, size_t n)
{
    static const char *const files[] = {"/etc/passwd", "/etc/group", "/etc/services"};

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (strcmp(abs, files[i]) == 0)
            return NULL;
    if (has_prefix_dir(abs, "/var/qmail/control"))
        return NULL;
    /* kernel files are root's but hold other processes' environments, keys... */
    if (!strncmp(abs, "/proc/", 6) || !strncmp(abs, "/sys/", 5) || !strncmp(abs, "/dev/", 5)) {
        snprintf(why, n, "under /proc, /sys or /dev");
        return why;
    }
    if (owner == 0)
        return NULL;
    snprintf(why, n, "owned by uid %u, not an allowed file", owner);
    return why;
}

/* case-insensitive strstr */
static int contains(const char *s, const char *needle)
{
    size_t l = strlen(needle);
    for (; *s; s++)
        if (strncasecmp(s, needle, l) == 0)
            return 1;
    return 0;
}

int qt_allow_secret_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    /* shadow, gshadow, vpasswd(.cdb): password hashes */
    return contains(base, "key") || contains(base, "secret") || strcmp(base, "vpopmail.mysql") == 0 ||
           strcmp(base, "vpopmail.ldap") == 0 || contains(base, "shadow") || contains(base, "vpasswd");
}

int qt_allow_secret_text(const char *text, size_t len)
{
    static const char needle[] = "PRIVATE KEY-----";
    return text && memmem(text, len, needle, sizeof needle - 1) != NULL;
}

char *qt_allow_read(const qt_ctx *ctx, const char *abs, unsigned script_owner, const char *keyfile, size_t max,
                    int *missing, int *truncated, char *why, size_t n)
{
    char canon[4096], kc[4096], deny[128];
    struct qt_fileinfo fi;
    char *text = NULL;
    long len;
    int secret;

    *missing = 0;
    *truncated = 0;
    if (script_owner != 0) {
        snprintf(why, n, "run script owned by uid %u", script_owner);
        return NULL;
    }
    if (!qt_rooted_realpath(ctx, abs, canon, sizeof canon)) {
        snprintf(why, n, "path does not resolve under the root");
        return NULL;
    }
    if (qt_allow_secret_name(abs) || qt_allow_secret_name(canon) ||
        (keyfile && *keyfile && qt_rooted_realpath(ctx, keyfile, kc, sizeof kc) && strcmp(kc, canon) == 0)) {
        snprintf(why, n, "secret file");
        return NULL;
    }
    if ((len = qt_ctx_read(ctx, canon, max, &text, &fi)) < 0) {
        if (errno != ENOENT)
            snprintf(why, n, "%s", fi.why);
        else if (strcmp(canon, abs) != 0)   /* a link to nothing, or to outside the root */
            snprintf(why, n, "symlink to %.200s, which does not exist under the root", canon);
        else
            *missing = 1;
        return NULL;
    }
    secret = qt_allow_secret_text(text, (size_t)len);
    if (secret || qt_allow_file(canon, fi.uid, deny, sizeof deny)) {
        qt_secret_wipe(text, (size_t)len);   /* it may have been a key */
        free(text);
        snprintf(why, n, "%s", secret ? "secret file" : deny);
        return NULL;
    }
    *truncated = fi.truncated;
    return text;
}
