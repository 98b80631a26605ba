/* passwd.h - one account of <root>/etc/passwd, read through the ctx (so
 * --root and the safe-read rules of docs/security.md apply).
 */
#ifndef QT_PASSWD_H
#define QT_PASSWD_H

#include <stddef.h>

#include "diag/core/ctx.h"

/* uid, gid and home directory (as on the system, not under --root) of user
 * name in <root>/etc/passwd. home may be NULL; a home that is not absolute
 * or does not fit in hn counts as not found when home is asked for.
 * Returns 1 found, 0 not (no file, no such line, malformed ids). */
int qt_passwd_lookup(const qt_ctx *ctx, const char *name, unsigned *uid, unsigned *gid, char *home, size_t hn);

#endif
