/* logmon_journal.h - the systemd journal as a mail log source (issue 16).
 *
 * Read through libsystemd's sd-journal (sd-journal(3)) when qtriage was
 * built with it (QT_HAVE_SD_JOURNAL; meson option -Djournal). Under --root
 * the journal of that tree is opened (sd_journal_open_directory with
 * SD_JOURNAL_OS_ROOT: ROOT/var/log/journal and ROOT/run/log/journal), else
 * the local system journal (SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM).
 * Only mail entries are read: SYSLOG_FACILITY=2 (LOG_MAIL, syslog(3)) or a
 * SYSLOG_IDENTIFIER of the mail programs (QT_LOGMON_JOURNAL_FILTER).
 *
 * Each entry becomes one line for the classifier, in the form rsyslog
 * writes with its high-precision file format: "2026-12-07T12:46:09.849394
 * +00:00 HOST IDENT[PID]: MESSAGE" (the time from __REALTIME_TIMESTAMP, in
 * UTC), newlines and NUL bytes of the message as spaces.
 *
 * Never blocks: each poll calls sd_journal_process (no wait) and reads the
 * entries after the last one read, at most max of them; memory is libsystemd's
 * mmap windows plus a 64 KiB line. The journal files are root's (journald
 * writes them); libsystemd verifies their structure as it reads.
 */
#ifndef QT_LOGMON_JOURNAL_H
#define QT_LOGMON_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "diag/core/ctx.h"
#include "diag/logs/logs_follow.h"

#define QT_LOGMON_JOURNAL_FILTER                                                                            \
    "SYSLOG_FACILITY=2 (mail) or SYSLOG_IDENTIFIER vpopmail, vchkpw, qmail, qmail-send, qmail-smtpd, "     \
    "qmail-pop3d, splogger, tcpserver, sslserver"
#define QT_LOGMON_JOURNAL_POLL 20000   /* entries read per poll */
#define QT_LOGMON_JOURNAL_MATCH 8      /* newest messages kept to compare with the syslog files */

typedef struct qt_logmon_journal qt_logmon_journal;

/* 1 when qtriage was built with libsystemd. */
int qt_logmon_journal_built(void);

/* Open the journal for ctx (see above) with the mail filter. NULL with why
 * (built without libsystemd, no journal files, an sd-journal error).
 * where (n bytes) says which journal was opened. */
qt_logmon_journal *qt_logmon_journal_open(const qt_ctx *ctx, char *where, size_t wn, char *why, size_t n);

/* The newest mail messages (MESSAGE only), newest first, at most
 * QT_LOGMON_JOURNAL_MATCH, each cut to cap-1 bytes: to tell whether a
 * syslog file carries the same lines. Returns the count. */
size_t qt_logmon_journal_newest(qt_logmon_journal *jr, char (*msg)[200], size_t cap);

/* Read back the entries of the last `window` seconds before now, at most
 * `budget` message bytes (the newest kept), oldest first, to fn; then stay
 * after the last one. Returns the entries read, or -1 with why. */
long qt_logmon_journal_start(qt_logmon_journal *jr, double now, int64_t window, unsigned long long budget,
                             qt_log_line_fn fn, void *arg, char *why, size_t n);

/* The entries written since the last read, at most max, to fn. Returns the
 * count (0: nothing new) or -1 with why. Never waits. */
long qt_logmon_journal_poll(qt_logmon_journal *jr, size_t max, qt_log_line_fn fn, void *arg, char *why, size_t n);

void qt_logmon_journal_close(qt_logmon_journal *jr);   /* NULL: nothing */

/* The line for one entry (pure; see above): usec since the epoch, the
 * fields' values (NULL or empty: "-" for the host, the identifier left out
 * with its pid). Writes at most cap-1 bytes and a NUL; returns the length. */
size_t qt_logmon_journal_line(char *out, size_t cap, uint64_t usec, const char *host, size_t hl, const char *ident,
                              size_t il, const char *pid, size_t pl, const char *msg, size_t ml);

#endif
