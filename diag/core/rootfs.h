/* rootfs.h - opening and reading files under --root without leaving it.
 *
 * Every path qtriage reads under ctx->root is resolved as if the root were
 * "/": an absolute symlink target or ".." never leads out of it. The kernel
 * does this with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) (Linux
 * 5.6, openat2(2)); where openat2 is missing (ENOSYS, or EPERM from a
 * seccomp filter) a component-by-component walk does the same (fstatat and
 * openat with O_NOFOLLOW per component, links read with readlinkat and
 * resolved inside the root, at most QT_ROOTFS_MAX_LINKS).
 *
 * Only regular files are opened for reading, with O_NONBLOCK|O_NOCTTY: the
 * object is first opened O_PATH (which opens nothing), its kind checked
 * with fstat on that fd, and only then that same inode is reopened for
 * reading through /proc/self/fd/N, never by name again: a FIFO never
 * blocks, a device is never opened, even one swapped in meanwhile. Reads are capped; callers learn the owner (for the allowlist
 * in runscript.c) and whether the file was cut.
 *
 * Paths are absolute as on the served system ("/var/qmail/control/me"). A
 * path that already starts with ctx->root is taken relative to it (as
 * qt_ctx_path does for command lines naming real files).
 */
#ifndef QT_ROOTFS_H
#define QT_ROOTFS_H

#include <stddef.h>
#include <sys/stat.h>

#include "diag/core/ctx.h"
#include "diag/core/util.h"

#define QT_ROOTFS_MAX_LINKS 40

/* Open path inside the directory rootfd (an O_PATH or O_RDONLY directory
 * fd). flags: O_DIRECTORY opens a directory (O_RDONLY), O_PATH gives an
 * O_PATH fd of anything (for fstat), anything else opens a regular file
 * read-only; other kinds are refused with EINVAL. O_NOFOLLOW (with any of
 * those) refuses every symlink on the path, not only the last (ELOOP, "a
 * symlink on the path"): for a canonical name whose links were already
 * resolved. O_CLOEXEC, O_NOCTTY and O_NONBLOCK are always added. st (may be
 * NULL) receives fstat of the fd. Returns the fd (caller closes), or -1
 * with errno and why (may be NULL) set: "a FIFO, not a regular file", "too
 * many symlinks (a loop?)", ... */
int qt_rootfs_openat(int rootfd, const char *path, int flags, struct stat *st, char *why, size_t n);

/* Reopen the checked O_PATH fd pfd for flags (as above: 0 = a regular file
 * read-only, O_DIRECTORY) through /proc/self/fd/N, so that the inode the
 * caller looked at is what gets opened. pfd is always closed (with O_PATH
 * in flags it is returned as it is). Returns the fd (st: its fstat), or -1
 * with errno and why: "a device, not a regular file", "changed while being
 * opened"... */
int qt_rootfs_reopen(int pfd, int flags, struct stat *st, char *why, size_t n);

/* Open name, a direct entry of the directory dfd (a directory fd already
 * opened inside the root, e.g. by qt_rootfs_openat with O_DIRECTORY), as a
 * regular file for reading, in one openat: O_NOFOLLOW refuses a symlink
 * (ELOOP, "a symlink"), O_NONBLOCK keeps a FIFO from blocking the open,
 * O_NOCTTY, O_CLOEXEC; then fstat of that fd: anything but a regular file
 * is closed and refused (EINVAL, "a FIFO, not a regular file"). Safe
 * against links and swaps by construction (no name is looked up twice,
 * nothing leaves dfd); for loops over many files of one directory (qmail's
 * queue). name must be one component: "/" in it, "." and ".." are refused
 * (EINVAL). Returns the fd (st, may be NULL: its fstat), or -1 with errno
 * and why (may be NULL). */
int qt_rootfs_open_entry(int dfd, const char *name, struct stat *st, char *why, size_t n);

/* qt_ctx_open, qt_ctx_stat and qt_ctx_read (ctx.h) use this under ctx->root. */

/* Canonical absolute path of abs as on the served system, every symlink
 * resolved inside the root (an absolute target is taken under the root, as
 * it would be on the real machine; ".." stops at the root). For showing
 * names and for allowlist decisions; it reads no file content. Returns
 * out, or NULL (too long, more than 40 links). */
char *qt_rooted_realpath(const qt_ctx *ctx, const char *abs, char *out, size_t n);

/* Tests only: 1 forces the component walk even where openat2 exists. */
void qt_rootfs_force_walk(int on);
/* Tests only: fn (NULL: none) runs at the points where a name could be
 * swapped: "reopen" (before the checked O_PATH fd is reopened), "entry"
 * (qt_rootfs_open_entry: the entry is open, not yet read), "allow"
 * (allowlist.c: after the canonical name, before its open).
 * qt_rootfs_race(where) calls it. */
void qt_rootfs_set_race_hook(void (*fn)(const char *where));
void qt_rootfs_race(const char *where);

#endif
