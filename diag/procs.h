/* procs.h - the process table, from libproc2 (procps 4) or a plain /proc
 * reader, behind one interface. The backend is chosen at build time
 * (meson option procs_backend); the /proc reader is also used whenever
 * ctx->proc is not "/proc" (fixture trees), since libproc2 reads only /proc.
 *
 * Processes that vanish between listing and reading are skipped silently;
 * processes whose files cannot be read keep what could be read (argc 0 means
 * "no command line": zombie, kernel thread, or unreadable).
 */
#ifndef QT_PROCS_H
#define QT_PROCS_H

#include <stddef.h>

#include "ctx.h"

struct qt_proc {
    int pid, ppid, pgid, sid;
    unsigned uid;          /* real uid; (unsigned)-1 if unknown */
    char state;            /* R S D Z T t X I ...; '?' if unknown */
    double start;          /* start time, wall-clock epoch seconds */
    char comm[64];         /* raw comm (kernel cuts at 15 bytes); may hold any byte but NUL */
    int argc;              /* 0 when no command line */
    char **argv;           /* argc strings + NULL; raw bytes, not escaped */
};

typedef struct qt_procs {
    struct qt_proc *v;     /* sorted by pid */
    size_t n;
    double boot;           /* boot time, epoch seconds */
    const char *backend;   /* "libproc2" or "proc" (static string) */
} qt_procs;

/* Read the whole table with the build's backend. 0, or -1 with err. */
int qt_procs_read(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen);
/* The plain /proc reader, always available (tests compare it to libproc2). */
int qt_procs_read_proc(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen);
#ifdef QT_HAVE_LIBPROC2
int qt_procs_read_libproc2(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen);
#endif

/* Process with this pid, or NULL. */
const struct qt_proc *qt_procs_find(const qt_procs *p, int pid);
/* Base name of argv[0] if there is one, else comm. Never NULL. */
const char *qt_proc_name(const struct qt_proc *p);
/* Command line joined with spaces and made display-safe; "[comm]" when argc is 0. Caller frees. */
char *qt_proc_cmdline(const struct qt_proc *p);
void qt_procs_free(qt_procs *p);
/* Boot time from <proc>/stat btime, epoch seconds (0 if unreadable). */
double qt_procs_boot_time(const qt_ctx *ctx);

/* Parse the text of /proc/PID/stat into p (pid, comm, state, ppid, pgid, sid
 * and start time in clock ticks since boot). The comm field ends at the LAST
 * ')' of the line, so names with spaces, parentheses or newlines parse.
 * Returns 0, or -1 if the text is malformed. */
int qt_proc_parse_stat(const char *text, size_t len, struct qt_proc *p, unsigned long long *start_ticks);

/* NUL-separated environment of pid (raw), read on demand. Returns the length
 * or -1 (errno set; EACCES for other users' processes). *out is malloc'd. */
long qt_proc_read_environ(const qt_ctx *ctx, int pid, char **out);
/* Value of NAME in such an environment block, or NULL. Points into env. */
const char *qt_environ_get(const char *env, size_t len, const char *name);

/* The procs collector for the collector table. */
struct qt_collector;
extern const struct qt_collector qt_collector_procs;

#endif
