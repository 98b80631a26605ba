/* qmaildir.h - where qmail is installed (its prefix, "auto_qmail": conf-qmail
 * at build time, /var/qmail by default). Every qmail file qtriage reads
 * (control/, users/assign, queue/) is below it, through qt_ctx_qmail().
 *
 * Sources, first that holds (docs/domain/qmail.md, "Where qmail lives"):
 *   1. --qmail-dir DIR (named by the admin: taken as given);
 *   2. the cwd of a running qmail-send: it chdirs to auto_qmail and then to
 *      queue/ (qmail-send.c), so the prefix is that cwd without "/queue";
 *   3. a running qmail-smtpd's own path, PREFIX/bin/qmail-smtpd;
 *   4. the home directory of the alias user in <root>/etc/passwd
 *      (PREFIX/alias, INSTALL.ids);
 *   5. /var/qmail.
 * Sources 2-4 are hints anybody could plant (any user can start a process
 * named qmail-send in a directory of their own): a process counts only
 * when root or a qmail user (alias, qmaild, qmaill, qmailp, qmailq, qmailr,
 * qmails in <root>/etc/passwd) runs it, and every found prefix only when
 * the directory passes the trust walk (trust.h: owned by root all the way,
 * not writable by group or others). Refusals go into the source note.
 */
#ifndef QT_QMAILDIR_H
#define QT_QMAILDIR_H

#include <stddef.h>

#include "diag/core/ctx.h"

struct qt_procs;

/* Find the prefix (as on the system) into dir and where it came from into
 * src ("cwd of qmail-send pid 12 (uid 0)", "--qmail-dir", "default
 * /var/qmail (nothing running or in /etc/passwd tells)"); procs may be
 * NULL (sources 2 and 3 are then skipped). Returns the source number 1-5. */
int qt_qmail_dir_find(const qt_ctx *ctx, const struct qt_procs *procs, char *dir, size_t n, char *src, size_t sn);

/* Mark (qt_procs_want) what qt_qmail_dir_find needs read in a lazy table:
 * every process but zombies, kernel threads and forks that have not
 * exec'd (the parent's image: the parent's command line, which the
 * parent shows; a setuid after such a fork is not looked at). */
void qt_qmail_dir_want(struct qt_procs *t);

/* qt_qmail_dir_find on a one-shot read of the process table (stat of
 * every process, argv and uid of what qt_qmail_dir_want names), stored in
 * ctx->qmail_prefix and ctx->qmail_source. Returns the source number. */
int qt_qmail_dir_resolve(qt_ctx *ctx);

#endif
