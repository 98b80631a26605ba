/* allowlist.c - see allowlist.h */
#include "allowlist.h"

#include <stdio.h>
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
