/* secret.h - the one buffer a password lives in.
 *
 * A qt_secret is a private anonymous mapping, locked in RAM with mlock()
 * where the system allows it (never swapped), excluded from core dumps
 * (MADV_DONTDUMP) and from children (MADV_DONTFORK), and wiped with
 * OPENSSL_cleanse() before it is unmapped. Code that derives other secret
 * bytes from it (AUTH PLAIN strings, the fd-3 payload for vchkpw) keeps
 * them only as long as it needs them and wipes them with qt_secret_wipe().
 */
#ifndef QT_SECRET_H
#define QT_SECRET_H

#include <stddef.h>

#define QT_SECRET_MAX 1024   /* longest password accepted, bytes */

typedef struct qt_secret qt_secret;

/* Copy n bytes of s (n <= QT_SECRET_MAX) into a new secret. The caller
 * wipes its own copy. Returns NULL if n is too long or mmap failed. */
qt_secret *qt_secret_new(const char *s, size_t n);
/* The bytes (NUL-terminated) and their length. NULL-safe: "" and 0. */
const char *qt_secret_str(const qt_secret *sec);
size_t qt_secret_len(const qt_secret *sec);
/* 1 if mlock() succeeded (shown to the admin: "locked in RAM"). */
int qt_secret_locked(const qt_secret *sec);
/* Wipe, unlock, unmap. NULL is ignored. */
void qt_secret_free(qt_secret *sec);

/* OPENSSL_cleanse(p, n); NULL-safe. */
void qt_secret_wipe(void *p, size_t n);

#endif
