/* trust.h - may root run this file (or hand it a secret)? The trust
 * boundary of docs/security.md: a file is trusted when every component of
 * its path, as found on disk after resolving symbolic links, is owned by
 * root or by the vpopmail user and is not writable by group or others. A
 * directory owned by root with the sticky bit (/tmp) counts as safe: others
 * may create entries there but cannot rename or replace root's. The file
 * itself must be a regular file. Symbolic links must be owned by root or
 * vpopmail too (in a sticky directory their owner could replace them).
 *
 * The path is the one on disk (already under --root: qt_ctx_path()); the
 * walk starts at the real "/" so the --root prefix is checked as well.
 */
#ifndef QT_TRUST_H
#define QT_TRUST_H

#include <stddef.h>

#define QT_TRUST_NO_UID ((unsigned)-1)

/* Walk path component by component (openat O_PATH|O_NOFOLLOW, fstat each)
 * and return an O_PATH|O_CLOEXEC descriptor of the final regular file, so
 * the caller can execute exactly what was checked (execveat AT_EMPTY_PATH).
 * vpop_uid: the second trusted owner, or QT_TRUST_NO_UID for root only.
 * On refusal returns -1 with a reason in why ("/home/evil is owned by uid
 * 65534", "/srv/bin is writable by group"); why may be NULL. */
int qt_trust_open(const char *path, unsigned vpop_uid, char *why, size_t n);

/* The same walk for a directory (the final component must be one, and,
 * like every directory on the way, owned by root or vpop_uid; unlike the
 * ones on the way it must not be group/other-writable even when sticky):
 * an O_PATH|O_CLOEXEC descriptor of it, which openat(fd, ".", O_DIRECTORY)
 * opens. Used for a symlinked supervise/ (act.h). -1 with why on refusal. */
int qt_trust_open_dir(const char *path, unsigned vpop_uid, char *why, size_t n);

/* The same check without keeping the descriptor: 0 trusted, -1 refused. */
int qt_trust_check(const char *path, unsigned vpop_uid, char *why, size_t n);

#endif
