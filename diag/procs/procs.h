/* procs.h - the process table, from libproc2 (procps 4) or a plain /proc
 * reader, behind one interface. The backend is chosen at build time
 * (meson option procs); the /proc reader is also used whenever ctx->proc
 * is not "/proc" (fixture trees), since libproc2 reads only /proc.
 *
 * Cheap for every process, costly only where needed. A sample reads the
 * stat line of every process (pid, ppid, pgid, sid, state, start, comm,
 * flags, threads). The command line and the real uid (cmdline and status:
 * two more files, about two thirds of the cost) are read lazily: a
 * collector marks the processes it looks at with qt_procs_want*() and calls
 * qt_procs_load() (libproc2 reads them in batches; a zombie's uid, its only
 * lazy field, is one status read by our own code). What was read is carried
 * over to later samples of the same reader for the same process image (same
 * pid, start time, comm and code/stack addresses: no exec since), so a
 * steady console re-reads only new processes -- htop does the same. A
 * process that rewrites its own argv (setproctitle) keeps the first one
 * read. After the sample the table is sealed (qt_procs_seal(), run by the
 * sampler): loads are then no-ops and unread entries keep QT_PROC_UNREAD.
 * The one-shot readers (qt_procs_read*) load every process.
 *
 * Both backends report the same values for pid, ppid, pgid, sid, uid,
 * state, start, comm and argv (a unit test holds them to it):
 *  - comm is the raw name between the first '(' and the LAST ')' of
 *    /proc/PID/stat. libproc2 escapes it (control bytes and invalid UTF-8
 *    become '?' or '.', depending on version and locale); where that may
 *    have happened the libproc2 backend re-reads the raw stat line.
 *  - argv is /proc/PID/cmdline split at NULs (a missing final NUL is
 *    tolerated; empty arguments are kept). argc 0 means "no command line":
 *    zombies and kernel threads, whose cmdline is empty. libproc2 reports an
 *    empty cmdline as the one-element vector {"-"}, which is also what a
 *    live `exec -a - prog` shows; the backend tells them apart (zombie or
 *    kernel thread, else a re-read of the raw cmdline).
 *  - uid is the REAL uid from the Uid: line of /proc/PID/status (the owner
 *    of /proc/PID is the effective uid, and root for non-dumpable
 *    processes such as a tcpserver that changed uid).
 *
 * Processes that vanish between listing and reading are skipped silently;
 * processes whose files cannot be read keep what could be read (uid
 * (unsigned)-1 when status is unreadable, argc 0 when cmdline is). A load
 * checks the start time, so a pid reused in between is never mixed up --
 * except for zombies, whose uid is read from status alone (they have no
 * command line, and keep their pid until reaped): there "still a zombie of
 * the same parent" is what is checked.
 */
#ifndef QT_PROCS_H
#define QT_PROCS_H

#include <stddef.h>

#include "diag/core/ctx.h"

#define QT_PF_KTHREAD 0x00200000ul   /* kernel thread (stat flags, include/linux/sched.h) */

/* What is kept of one command line (docs/security.md: any local user can
 * start a process named tcpserver with hundreds of thousands of arguments;
 * the kernel allows up to 6 MiB). Only whole arguments are kept: as many
 * as fit in QT_PROC_ARGV_MAX_BYTES (NULs included), at most
 * QT_PROC_ARGV_MAX_ARGS; qt_proc.argv_more says what was left out. When
 * not even argv[0] fits, it is kept cut to QT_PROC_ARGV_MAX_BYTES - 1 bytes
 * (argc 1, argv_more -1): one long first argument must not hide the
 * command line. The
 * /proc reader reads no more than that (plus one byte); libproc2 reads the
 * whole cmdline and the copy is cut the same way. */
#define QT_PROC_ARGV_MAX_BYTES (32 * 1024)
#define QT_PROC_ARGV_MAX_ARGS  2048

/* struct qt_proc.lazy bits */
#define QT_PROC_UNREAD 1u   /* argv and uid not read (yet): argc 0, uid (unsigned)-1 */
#define QT_PROC_WANTED 2u   /* marked for the next qt_procs_load() */
#define QT_PROC_CHAIN  4u   /* qt_procs_want_chain() went up from here this sample */

struct qt_proc {
    int pid, ppid, pgid, sid;
    unsigned uid;          /* real uid; (unsigned)-1 if unknown */
    char state;            /* R S D Z T t X I ...; '?' if unknown */
    double start;          /* start time, wall-clock epoch seconds (boot + ticks / HZ) */
    char comm[64];         /* raw comm (kernel cuts at 15 bytes, 63 for kernel threads); any byte but NUL */
    int argc;              /* 0 when no command line */
    char **argv;           /* argc strings + NULL; raw bytes, not escaped (see argv_block for freeing) */
    int argv_more;         /* arguments after argv[argc-1] that were not kept: 0 none; N > 0
                              exactly N; -1 cut at QT_PROC_ARGV_MAX_BYTES (how many is not known) */
    /* additive fields (not compared between backends: they may change between two reads) */
    int nlwp;              /* threads in the process (stat num_threads); 0 if unknown */
    unsigned long flags;   /* kernel PF_* flags from stat; QT_PF_KTHREAD marks kernel threads */
    unsigned char argv_block; /* 1: argv and its strings are one malloc'd block (the readers make
                                 these: less memory); 0: the array and each string are malloc'd
                                 separately (tables built by hand); 2: one block shared with the
                                 reader's carried cache (qt_proc_argv_share: unref, never free).
                                 qt_procs_free() handles all three. */
    unsigned char lazy;    /* QT_PROC_* bits; 0 in tables built by hand (everything known) */
    unsigned long long ticks; /* start time in clock ticks since boot: with pid, the identity */
    unsigned long long image; /* stat start_code ^ start_stack: changes on exec (ASLR); 0 if hidden */
};

typedef struct qt_procs {
    struct qt_proc *v;     /* sorted by pid */
    size_t n;
    double boot;           /* boot time, epoch seconds */
    const char *backend;   /* "libproc2" or "proc" (static string) */
    struct qt_procs_reader *loader; /* reads argv/uid on request; NULL once sealed */
    const qt_ctx *ctx;     /* for the loader */
    unsigned long repairs; /* safety-net scans that found the event-driven table wrong, so far
                              (qt_procs_track_stats); 0 when not event-driven */
    struct qt_procs_memo *memo; /* lookup indexes (pid hash, children by ppid), built on first use
                                   by qt_procs_find / qt_procs_kids_build, freed by qt_procs_free;
                                   NULL in tables built by hand. Rebuilt when v or n changed; a
                                   table whose pids or ppids are rewritten in place after a lookup
                                   must set it to NULL after qt_procs_memo_free (procs_int.h). */
    struct qt_procs_pool *pool; /* where v came from (the event-driven reader recycles its arrays,
                                   procs_int.h): qt_procs_free gives v back to it; NULL: v is
                                   malloc'd. Never realloc or take over v of a table with a pool. */
} qt_procs;

/* Read the whole table (argv and uid of every process) with the build's
 * backend. 0, or -1 with err. */
int qt_procs_read(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen);
/* The plain /proc reader, always available (tests compare it to libproc2). */
int qt_procs_read_proc(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen);
#ifdef QT_HAVE_LIBPROC2
int qt_procs_read_libproc2(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen);
#endif

/* A reader that keeps the backend's handles across reads (libproc2's
 * struct pids_info and its buffers), so repeated samples skip the setup.
 * The procs collector keeps one in its state. Not thread-safe. */
typedef struct qt_procs_reader qt_procs_reader;
qt_procs_reader *qt_procs_reader_new(void);
/* Read the stat of every process; argv and uid only as carried over from
 * earlier samples (see the top of this file). The table may load more
 * until qt_procs_seal(); r must outlive that. 0, or -1 with err. */
int qt_procs_reader_read(qt_procs_reader *r, const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen);
void qt_procs_reader_free(qt_procs_reader *r);
/* How many processes the reader loaded (argv/uid read from /proc) and
 * carried over (from its cache) in its last sample. */
void qt_procs_reader_stats(const qt_procs_reader *r, size_t *loaded, size_t *carried);

/* Event-driven samples (issue 19; procs_events.h, procs_track.c). The
 * reader takes ev (ownership; subscribed with qt_proc_events_listen(), or
 * fed by hand in tests): from then on a sample re-reads only the stat of
 * processes the kernel said changed, known zombies that kill(pid, 0) finds
 * reaped (a fixture tree: all of them) and children of exited
 * processes, with a full scan at the first read, after lost events and
 * every 30 s (the safety net, which counts repairs; its scan is the /proc
 * reader's qt_proc_scan in both builds, equal to libproc2's entry for
 * entry, and the table keeps the build's backend name). The tables it returns
 * are what a full scan returns, except the R/S/D/T state of processes that
 * did not change (zombie or not stays exact), pgid after setpgid() (no
 * event; until the next safety net) and the "-queue" end of a kernel
 * workqueue worker's comm (the queue it runs now). uid and argv carried over are
 * read again for a process whose uid, gid or comm changed. */
struct qt_proc_events;
void qt_procs_reader_use_events(qt_procs_reader *r, struct qt_proc_events *ev);
struct qt_procs_track_stats {
    unsigned long samples;        /* reads since the start */
    unsigned long full_scans;     /* of which whole-table scans (start, lost events, safety net) */
    unsigned long lost_rescans;   /* full scans because events were lost (ENOBUFS, a sequence gap) */
    unsigned long safety_scans;   /* 30 s safety nets that compared */
    unsigned long repairs;        /* safety nets that found the table wrong */
    unsigned long repaired_procs; /* processes they found wrong, in all */
    unsigned long reread;         /* stat lines re-read one by one, in all */
    unsigned long events, lost;   /* kernel messages, times lost (qt_proc_events_counts) */
};
/* 1 and *out filled when the reader follows events, else 0. */
int qt_procs_reader_track_stats(const qt_procs_reader *r, struct qt_procs_track_stats *out);
/* Make the next read a safety-net scan (tests; otherwise every 30 s). */
void qt_procs_reader_rescan_soon(qt_procs_reader *r);

/* A read by the procs collector's own reader (events subscribed first
 * when they apply), for a start-up look at the table (qmaildir.c): the
 * first collect() of the same tree takes the reader over, so with events
 * its sample re-reads only what changed since instead of scanning again,
 * and what was loaded here and sealed (qt_procs_seal) is carried. out is
 * lazy like a sample's table; seal it, then qt_procs_free it. 0, or -1
 * with err. */
int qt_procs_prime(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen);
/* Drop a primed reader no collect() will take (a run that does not sample:
 * its event socket would keep filling). */
void qt_procs_unprime(void);

/* Mark a process, a pid, a pid and its ancestors up to PID 1, or the
 * children of a pid, for the next load. No-ops on sealed tables and on
 * processes already read. */
void qt_procs_want(qt_procs *t, struct qt_proc *p);
void qt_procs_want_pid(qt_procs *t, int pid);
void qt_procs_want_chain(qt_procs *t, int pid);
/* Read argv and uid of every marked process. */
void qt_procs_load(qt_procs *t);
/* Read argv and uid of every process. */
void qt_procs_load_all(qt_procs *t);
/* End of the sample: hand what was read to the reader's cache for the next
 * sample, and make the table read-only. Idempotent. */
void qt_procs_seal(qt_procs *t);

/* Children by parent, for walks down the tree: indexes into t->v sorted by
 * ppid (then by index), so 10k per-connection children are not each
 * searched for among 10k processes. The sort is done once per table (kept
 * in t->memo and copied into k: every collector of a sample shares it) and
 * carried by the reader to the next sample's table when no (pid, ppid)
 * changed. k owns its copy: free it with qt_procs_kids_free. */
typedef struct qt_procs_kids {
    const qt_procs *procs;
    size_t *by_ppid;
} qt_procs_kids;
void qt_procs_kids_build(qt_procs_kids *k, const qt_procs *t);
/* How many processes have this ppid; they are procs->v[by_ppid[*first + i]]. */
size_t qt_procs_kids_of(const qt_procs_kids *k, int ppid, size_t *first);
void qt_procs_kids_free(qt_procs_kids *k);

/* Process with this pid, or NULL. Tables of 64 processes or more build a
 * pid hash on the first call (procs_index.c), kept in t->memo: O(1) after.
 * That cache is written through the const table, so two threads must not
 * look up in one table at once (qtriage samples and renders on one thread). */
const struct qt_proc *qt_procs_find(const qt_procs *p, int pid);
/* The same lookup as an index into p->v, or -1: for callers that keep
 * arrays parallel to the table. */
int qt_procs_index(const qt_procs *p, int pid);
/* The real gid of pid from <proc>/PID/status ("Gid:\treal\t..."): 1 and
 * *gid, or 0 when unreadable (gone, or no such line). */
int qt_proc_real_gid(const qt_ctx *ctx, int pid, unsigned *gid);
/* Base name of argv[0] if there is one, else comm. Never NULL. */
const char *qt_proc_name(const struct qt_proc *p);
/* Command line joined with spaces and made display-safe; "[comm]" when argc
 * is 0 (no command line), "comm (command line not read)" when unread; a cut
 * command line ends with qt_proc_argv_more_text(). Caller frees. */
char *qt_proc_cmdline(const struct qt_proc *p);
/* The mark of a cut command line (argv_more, see struct qt_proc):
 * "... (N more arguments not shown)" or "... (argv truncated at 32 KiB)";
 * "" when more is 0. Static storage, overwritten by the next call. */
const char *qt_proc_argv_more_text(int more);
/* How many of argv[0..argc-1] are kept under the caps above (whole
 * arguments only); *more (may be NULL) gets argc - kept. */
int qt_proc_argv_keep(int argc, char *const *argv, int *more);
/* Is it a zombie: state Z and not a thread group whose leader exited while
 * other threads run (ps "Zl": nothing to reap there). */
int qt_proc_is_zombie(const struct qt_proc *p);
void qt_procs_free(qt_procs *p);
/* Boot time from <proc>/stat btime, epoch seconds (0 if unreadable). */
double qt_procs_boot_time(const qt_ctx *ctx);

/* Parse the text of /proc/PID/stat into p (pid, comm, state, ppid, pgid,
 * sid, flags, nlwp, ticks, image) and *start_ticks (start time in clock
 * ticks since boot; may be NULL). Fields after the start time are optional
 * (image 0 without them). The comm field ends at the LAST ')' of the text, so names
 * with spaces, parentheses or newlines parse. text need not be
 * NUL-terminated. Other fields of p are left alone.
 * Returns 0, or -1 if the text is malformed (p may be partly written). */
int qt_proc_parse_stat(const char *text, size_t len, struct qt_proc *p, unsigned long long *start_ticks);

/* NUL-separated environment of pid (raw), read on demand. Returns the length
 * or -1 (errno set; EACCES for other users' processes). *out is malloc'd. */
long qt_proc_read_environ(const qt_ctx *ctx, int pid, char **out);
/* Value of NAME in such an environment block, or NULL. Points into env. */
const char *qt_environ_get(const char *env, size_t len, const char *name);

/* Re-read one process's raw stat line (comm, state, ...) into p. Returns 0,
 * or -1 if it vanished or the text is malformed. If start_ticks is not NULL
 * it receives the start time in ticks (to check it is the same process). */
int qt_proc_reread_stat(const qt_ctx *ctx, int pid, struct qt_proc *p, unsigned long long *start_ticks);
/* Open <proc>/PID as a directory. The descriptor pins that process: reads
 * through it fail once it has exited, even when the pid is reused, so what
 * is read through it (qt_proc_ident_at, openat "cwd") belongs to one
 * process. Returns the descriptor (caller closes) or -1 with errno. */
int qt_proc_open_pid(const qt_ctx *ctx, int pid);
/* Through such a descriptor: *ticks (may be NULL) the start time in clock
 * ticks from stat, *uid (may be NULL) the real uid from status
 * ((unsigned)-1 when status is unreadable). 0, or -1 when the process is
 * gone or its stat is malformed or names another pid. */
int qt_proc_ident_at(int piddfd, int pid, unsigned long long *ticks, unsigned *uid);
/* Re-read one process's raw cmdline into p->argc/argv (which must be empty).
 * Returns 0 (argc may stay 0), or -1 if unreadable. */
int qt_proc_reread_cmdline(const qt_ctx *ctx, int pid, struct qt_proc *p);

/* The procs collector for the collector table. */
struct qt_collector;
extern const struct qt_collector qt_collector_procs;

/* Internal: the backends. scan fills the stat fields of every process
 * (lazy = QT_PROC_UNREAD, sorted by pid); load reads argv and uid of the
 * n entries idx[] of t and clears their QT_PROC_UNREAD. On a procfs mount
 * qt_proc_scan reads each stat file with openat + one read + close, no kind
 * check (docs/security.md). */
int qt_proc_scan(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen);
/* A copy of argc strings as one argv block (array, NULL, then the strings:
 * argv_block = 1); NULL when argc is 0. */
char **qt_proc_argv_block(int argc, char *const *argv);
/* The same block with a reference count (argv_block 2), for argv the reader
 * carries from sample to sample: each table that shows it takes a reference
 * instead of a copy. share: count 1 (NULL when argc is 0); ref: one more
 * (NULL stays NULL), returns argv; unref: one less, freed at 0. */
char **qt_proc_argv_share(int argc, char *const *argv);
char **qt_proc_argv_ref(char **argv);
void qt_proc_argv_unref(char **argv);
void qt_proc_load(const qt_ctx *ctx, qt_procs *t, const size_t *idx, size_t n);
#ifdef QT_HAVE_LIBPROC2
struct qt_lp2;
struct qt_lp2 *qt_lp2_new(char *err, size_t errlen);
int qt_lp2_scan(struct qt_lp2 *lp, const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen);
void qt_lp2_load(struct qt_lp2 *lp, const qt_ctx *ctx, qt_procs *t, const size_t *idx, size_t n);
void qt_lp2_free(struct qt_lp2 *lp);
#endif

#endif
