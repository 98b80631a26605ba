/* logs_find.h - where the mail logs are (issue 16): each supervised
 * service's multilog directory and the syslog files, with their rotations,
 * each with where it was found and why.
 *
 * Log directories and files are hostile (qmaill owns them,
 * docs/security.md): directories are opened through the rooted open
 * (qt_ctx_open), entries are looked at with fstatat(AT_SYMLINK_NOFOLLOW) on
 * that descriptor, and only regular files are listed; anything else (a
 * symlink, a FIFO, a directory named like a log) is named in the source's
 * notes, never followed. Counts are bounded (QT_LOGSRC_*).
 */
#ifndef QT_LOGS_FIND_H
#define QT_LOGS_FIND_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "diag/core/ctx.h"
#include "diag/core/util.h"

#define QT_LOGSRC_MAX_ENTRIES 4096   /* directory entries looked at, per directory */
#define QT_LOGSRC_MAX_FILES   64     /* files kept per source: the newest */

enum qt_log_src_kind { QT_LOGSRC_MULTILOG, QT_LOGSRC_SYSLOG };

struct qt_log_file {
    char path[800];      /* absolute, as on the system (dir + "/" + a name of at most 255 bytes) */
    int rotated;         /* 0: the file being written (current, maillog); 1: a rotation */
    int gz;              /* ends in .gz (qt_log_reader inflates it) */
    time_t mtime;
    off_t size;
};

struct qt_log_source {
    enum qt_log_src_kind kind;
    char name[64];               /* the service ("smtpd") or the syslog file ("maillog") */
    char dir[512];               /* the directory the files are in */
    char why[700];               /* how it was found: "multilog t ... in /service/smtpd/log/run" */
    struct qt_log_file *files;   /* oldest first; the one being written last */
    size_t nfiles;
    qt_buf notes;                /* one line per entry refused or not kept */
};

/* A supervised service's logger, as the servers model read it from log/run
 * (diag/servers: qt_server.logdir): the caller passes them, so this package
 * needs no process table. */
struct qt_log_svc {
    const char *name;            /* service name */
    const char *logrun;          /* the log/run script it came from, as on the system */
    const char *logdir;          /* the directory multilog writes to ("" or NULL: none) */
};

struct qt_log_sources {
    struct qt_log_source *v;
    size_t n;
};

/* Find the sources under ctx->root: one per service with a log directory
 * that exists (DIR/current and DIR/@<TAI64N>.s|.u, multilog(8)), then the
 * syslog files /var/log/maillog, mail.log, mail.err, messages and secure
 * that exist, with their rotations NAME.N, NAME-YYYYMMDD, each also .gz.
 * out is filled (free with qt_log_sources_free). Returns the count. */
size_t qt_log_sources_find(const qt_ctx *ctx, const struct qt_log_svc *svcs, size_t nsvcs, struct qt_log_sources *out);
void qt_log_sources_free(struct qt_log_sources *s);

#endif
