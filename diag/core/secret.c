/* secret.c - see secret.h */
#include "diag/core/secret.h"

#include <openssl/crypto.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct qt_secret {
    size_t len;
    size_t map_len;
    int locked;
    char bytes[];   /* len bytes + NUL, inside the same mapping */
};

qt_secret *qt_secret_new(const char *s, size_t n)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t need = sizeof(qt_secret) + QT_SECRET_MAX + 1;
    size_t map_len;
    qt_secret *sec;

    if (n > QT_SECRET_MAX || page <= 0)
        return NULL;
    map_len = (need + (size_t)page - 1) / (size_t)page * (size_t)page;
    sec = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sec == MAP_FAILED)
        return NULL;
    /* best effort: not every system lets an unprivileged user lock pages */
    sec->locked = mlock(sec, map_len) == 0;
#ifdef MADV_DONTDUMP
    (void)madvise(sec, map_len, MADV_DONTDUMP);
#endif
#ifdef MADV_DONTFORK
    /* a forked child (vchkpw runner) never inherits the page */
    (void)madvise(sec, map_len, MADV_DONTFORK);
#endif
    sec->map_len = map_len;
    sec->len = n;
    if (n)
        memcpy(sec->bytes, s, n);
    sec->bytes[n] = '\0';
    return sec;
}

const char *qt_secret_str(const qt_secret *sec) { return sec ? sec->bytes : ""; }
size_t qt_secret_len(const qt_secret *sec) { return sec ? sec->len : 0; }
int qt_secret_locked(const qt_secret *sec) { return sec ? sec->locked : 0; }

void qt_secret_wipe(void *p, size_t n)
{
    if (p && n)
        OPENSSL_cleanse(p, n);
}

void qt_secret_free(qt_secret *sec)
{
    size_t map_len;
    int locked;

    if (!sec)
        return;
    map_len = sec->map_len;
    locked = sec->locked;
    OPENSSL_cleanse(sec, map_len);
    if (locked)
        munlock(sec, map_len);
    munmap(sec, map_len);
}
