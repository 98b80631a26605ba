/* allowlist.c - see allowlist.h */
#include "diag/core/allowlist.h"
#include "diag/core/secret.h"
#include "diag/core/rootfs.h"
#include "diag/core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int has_prefix_dir(const char *abs, const char *dir)
{
    size_t l = strlen(dir), al = strlen(abs);

    if (al <= l + 1 || strncmp(abs, dir, l) != 0 || abs[l] != '/')
        return 0;
    return memchr(abs + l + 1, '/', al - l - 1) == NULL;
}

/* The rules on the name alone, decided before anything is opened. */
static const char *allow_name(const char *abs, char *why, size_t n)
{
    /* kernel files are root's but hold other processes' environments, keys,
     * and some are consumed by reading (/proc/kmsg) */
    if (!strncmp(abs, "/proc/", 6) || !strncmp(abs, "/sys/", 5) || !strncmp(abs, "/dev/", 5)) {
        snprintf(why, n, "under /proc, /sys or /dev");
        return why;
    }
    return NULL;
}

const char *qt_allow_file(const char *abs, const struct stat *sb, char *why, size_t n)
{
    static const char *const files[] = {"/etc/passwd", "/etc/group", "/etc/services"};
    unsigned owner = (unsigned)sb->st_uid;

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (strcmp(abs, files[i]) == 0)
            return NULL;
    if (has_prefix_dir(abs, "/var/qmail/control"))
        return NULL;
    if (allow_name(abs, why, n))
        return why;
    if (owner != 0) {
        snprintf(why, n, "owned by uid %u, not an allowed file", owner);
        return why;
    }
    /* root's file is shown only when any local user could read it anyway:
     * root reads /root/.my.cnf (0600) too, and must not publish it */
    if (sb->st_mode & S_IROTH)
        return NULL;
    if ((sb->st_mode & S_IRGRP) && sb->st_gid != 0)
        snprintf(why, n, "readable only by root and group %u (mode %04o)", (unsigned)sb->st_gid,
                 (unsigned)sb->st_mode & 07777);
    else
        snprintf(why, n, "readable only by root (mode %04o)", (unsigned)sb->st_mode & 07777);
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

/* Open the canonical name once, refusing every symlink on it (it has none,
 * unless something was swapped since qt_rooted_realpath), as an O_PATH fd:
 * nothing is opened for reading yet. The pfd, or -1 with why / *missing. */
static int open_canonical(const qt_ctx *ctx, const char *abs, const char *canon, struct stat *sb, int *missing,
                          char *why, size_t n)
{
    int pfd = qt_ctx_open(ctx, canon, O_PATH | O_NOFOLLOW, sb, why, n);

    if (pfd >= 0 || errno != ENOENT)
        return pfd;
    if (strcmp(canon, abs) != 0)   /* a link to nothing, or to outside the root */
        snprintf(why, n, "symlink to %.200s, which does not exist under the root", canon);
    else
        *missing = 1;
    return -1;
}

char *qt_allow_read(const qt_ctx *ctx, const char *abs, unsigned script_owner, const char *keyfile, size_t max,
                    int *missing, int *truncated, char *why, size_t n)
{
    char canon[4096], kc[4096];
    struct qt_fileinfo fi;
    struct stat sb;
    char *text = NULL;
    long len;
    int fd;

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
    if (allow_name(canon, why, n))
        return NULL;
    qt_rootfs_race("allow");
    /* Decide on what was opened (its owner, mode, kind), then read that same
     * inode: a name swapped meanwhile is refused or simply not what is read. */
    if ((fd = open_canonical(ctx, abs, canon, &sb, missing, why, n)) < 0)
        return NULL;
    if (!S_ISREG(sb.st_mode) || qt_allow_file(canon, &sb, why, n)) {
        if (!S_ISREG(sb.st_mode))
            snprintf(why, n, "%s, not a regular file", qt_file_kind((unsigned)sb.st_mode));
        close(fd);
        return NULL;
    }
    if ((fd = qt_rootfs_reopen(fd, 0, NULL, why, n)) < 0)
        return NULL;
    if ((len = qt_read_fd_close(fd, NULL, max, &text, &fi)) < 0) {
        snprintf(why, n, "%s", fi.why);
        return NULL;
    }
    if (qt_allow_secret_text(text, (size_t)len)) {
        qt_secret_wipe(text, (size_t)len);   /* it may have been a key */
        free(text);
        snprintf(why, n, "secret file");
        return NULL;
    }
    *truncated = fi.truncated;
    return text;
}
