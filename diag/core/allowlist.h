/* allowlist.h - which files a run script reads may qtriage show.
 *
 * A run script's `cat FILE` / `head -1 FILE` is answered from FILE under
 * --root, and the answer ends up on screen, in --once output and in
 * reports. qtriage runs as root, so with --root / that could publish any
 * file on the machine. The rule (docs/security.md):
 *   - a run script not owned by root is parsed, but nothing it names is read;
 *   - a file is read only when it is a qmail control file
 *     (/var/qmail/control/...), /etc/passwd, /etc/group, /etc/services, or
 *     is owned by root, readable by others (S_IROTH: what any local user
 *     could read anyway) and not under /proc, /sys or /dev;
 *   - a secret is never shown, even when allowed: a name matching *key*,
 *     *secret* (srs_secrets), *shadow* or *vpasswd* (password hashes),
 *     vpopmail.mysql, vpopmail.ldap, the file a KEYFILE variable names, or
 *     content holding a PEM "PRIVATE KEY" block.
 * Decisions are made on the canonical name (qt_rooted_realpath), so a link
 * into /var/qmail/control does not make a file allowed, and on the facts of
 * the one descriptor that is read: the name rules (secret names, /proc,
 * /sys, /dev) before anything is opened; then the canonical name is opened
 * once as O_PATH refusing every symlink (rootfs.h, O_NOFOLLOW), the owner,
 * mode and kind come from fstat of that descriptor, and only then is that
 * same inode opened for reading (qt_rootfs_reopen). A file swapped for a
 * link between the name and the open is refused, not followed.
 */
#ifndef QT_ALLOWLIST_H
#define QT_ALLOWLIST_H

#include <stddef.h>

#include "diag/core/ctx.h"

struct stat;

/* NULL when a file at canonical path abs, whose open descriptor's fstat is
 * sb, may be shown, else the reason ("owned by uid 1000, not an allowed
 * file", "readable only by root (mode 0600)"), written into why. */
const char *qt_allow_file(const char *abs, const struct stat *sb, char *why, size_t n);

/* 1 when the name (any path; only the last component counts, except for
 * the vpopmail files) marks a secret. */
int qt_allow_secret_name(const char *path);

/* 1 when the content holds a private key ("PRIVATE KEY-----" of a PEM). */
int qt_allow_secret_text(const char *text, size_t len);

/* Read abs (as on the system) for a run script owned by script_owner, to
 * be shown: under the root (qt_ctx_read), at most max bytes, and only when
 * the rules above allow it. keyfile: the script's KEYFILE value (may be
 * NULL). Returns the malloc'd NUL-terminated text (caller frees;
 * *truncated set when cut at max), or NULL with the reason in why ("secret
 * file", "run script owned by uid 1000", "a FIFO, not a regular file"...),
 * or NULL with *missing = 1 when the file does not exist (the shell reads
 * nothing: an empty value). Refused bytes are wiped before they are freed. */
char *qt_allow_read(const qt_ctx *ctx, const char *abs, unsigned script_owner, const char *keyfile, size_t max,
                    int *missing, int *truncated, char *why, size_t n);

#endif
