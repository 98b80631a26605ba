/* queue_fixture.h - writes qmail queues for tests, bit for bit as qmail-queue
 * and qmail-send leave them (qmail INTERNALS, "Queue structure" and "How
 * messages enter the queue"): the message file is created in pid/, its
 * inode number becomes the message number, it is renamed to mess/S/N with
 * S = N % split; info/S/N holds "F<sender>\0" (its mtime the queue time);
 * local/S/N and remote/S/N hold "T<addr>\0" (pending) or "D<addr>\0" (done).
 * Also used by bench/ and fuzz/ to build queues. Paths are plain (tests
 * write their own temporary trees). Every function aborts on error. */
#ifndef QT_QUEUE_FIXTURE_H
#define QT_QUEUE_FIXTURE_H

#include <stddef.h>

/* Create ROOT/var/qmail/queue with split subdirectories and ROOT/var/qmail/control.
 * Returns the queue directory (static buffer until the next call). */
const char *qf_make(const char *root, unsigned split);

/* Queue one preprocessed message (state S5). rcpts: NULL-terminated, each
 * "T" or "D" then "L" or "R" then the address ("TRbob@example.net": pending
 * remote). birth: the info file's mtime. headers: the message text (headers,
 * blank line, body). Returns the message number. */
unsigned long qf_add(const char *qdir, unsigned split, const char *sender, const char *const *rcpts, double birth,
                     const char *text);

/* Queue one message not yet preprocessed (state S4: mess, intd, todo). */
unsigned long qf_add_todo(const char *qdir, unsigned split, const char *sender, const char *rcpt);

/* Write raw bytes to QDIR/REL (an envelope file with any content). */
void qf_write(const char *qdir, const char *rel, const void *data, size_t n);

/* Remove the whole tree under root (rm -rf, bounded to root). */
void qf_rmtree(const char *root);

#endif
