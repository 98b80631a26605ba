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

/* Call fn for each line of <root>/etc/passwd, split at ':' into at most 7
 * fields (passwd(5): name:pw:uid:gid:gecos:home:shell); n is how many the
 * line has (7 when well formed). The strings live until fn returns. fn
 * returns nonzero to stop. Returns -1 when the file cannot be read, else 0. */
int qt_passwd_each(const qt_ctx *ctx, int (*fn)(char *const f[7], int n, void *arg), void *arg);

#endif
