/* uaccess.h - may another uid read a file? Used for the checkpassword
 * program a service runs as its own uid (tcpserver -u/-g): vpopmail keeps
 * ~vpopmail/domains mode 0700 owned by vpopmail (vpopmail's Makefile.am),
 * so vchkpw run as qmaild cannot read any domain's vpasswd.cdb and answers
 * every login with "vpopmail user not found" (docs/domain/vpopmail.md).
 */
#ifndef QT_UACCESS_H
#define QT_UACCESS_H

#include <stddef.h>

#include "diag/core/ctx.h"

/* May uid:gid read the regular file abs (as on the system; looked at under
 * ctx->root)? Only that gid counts: tcpserver -g sets exactly one group
 * (setgroups of one gid) and so does vchkpw's own setgid. Every directory
 * from "/" down needs search permission, the file read permission, by the
 * owner / group / other mode bits (POSIX ACLs are not read). uid 0 may.
 * Returns 1 yes, 0 no (why names the first component that stops it,
 * "/home/vpopmail/domains is mode 0700 owned by uid 89 gid 89"), -1 when a
 * component is missing or cannot be examined (why says which). */
int qt_access_read_as(const qt_ctx *ctx, const char *abs, unsigned uid, unsigned gid, char *why, size_t n);

#endif
