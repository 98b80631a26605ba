/* procs_libproc2.c - the process table through libproc2 (procps 4 pids API).
 *
 * One struct pids_info is kept across samples (qt_lp2): procps_pids_reap()
 * then reuses its stacks and buffers instead of setting them up again.
 * libproc2 reads stat, status (real uid) and cmdline of every process; we
 * copy what procs.h promises and repair the two places where libproc2's
 * view is lossy (see procs.h): escaped comm names and the "-" that stands
 * for an empty command line.
 */
#include "procs.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libproc2/pids.h>

static enum pids_item items[] = {
    PIDS_ID_PID, PIDS_ID_PPID, PIDS_ID_PGRP, PIDS_ID_SESSION, PIDS_ID_RUID,
    PIDS_STATE, PIDS_TICS_BEGAN, PIDS_CMD, PIDS_CMDLINE_V, PIDS_FLAGS, PIDS_NLWP,
};
enum { I_PID, I_PPID, I_PGRP, I_SID, I_RUID, I_STATE, I_BEGAN, I_CMD, I_ARGV, I_FLAGS, I_NLWP };

struct qt_lp2 {
    struct pids_info *info;
    long hz;
};

struct qt_lp2 *qt_lp2_new(char *err, size_t errlen)
{
    struct qt_lp2 *lp = qt_calloc(1, sizeof *lp);
    int rc = procps_pids_new(&lp->info, items, (int)QT_ARRAY_LEN(items));

    if (rc < 0) {
        snprintf(err, errlen, "libproc2: procps_pids_new failed: %s", strerror(-rc));
        free(lp);
        return NULL;
    }
    lp->hz = sysconf(_SC_CLK_TCK);
    if (lp->hz <= 0)
        lp->hz = 100;
    return lp;
}

void qt_lp2_free(struct qt_lp2 *lp)
{
    if (!lp)
        return;
    procps_pids_unref(&lp->info);
    free(lp);
}

/* Could libproc2 have escaped this comm? Its escape_str() turns control
 * bytes, DEL and invalid UTF-8 into '?' (or '.' in procps 4.0.2's C-locale
 * path); valid UTF-8 survives only in a UTF-8 locale. */
static int maybe_escaped(const char *cmd)
{
    for (const unsigned char *s = (const unsigned char *)cmd; *s; s++)
        if (*s < 0x20 || *s > 0x7e || *s == '?' || *s == '.')
            return 1;
    return 0;
}

static int by_pid(const void *a, const void *b)
{
    const struct qt_proc *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

static void fill(const qt_ctx *ctx, struct qt_lp2 *lp, struct pids_stack *s, double boot, struct qt_proc *p)
{
    char **argv = PIDS_VAL(I_ARGV, strv, s, lp->info);
    const char *cmd = PIDS_VAL(I_CMD, str, s, lp->info);
    unsigned long long began = PIDS_VAL(I_BEGAN, ull_int, s, lp->info);

    memset(p, 0, sizeof *p);
    p->pid = PIDS_VAL(I_PID, s_int, s, lp->info);
    p->ppid = PIDS_VAL(I_PPID, s_int, s, lp->info);
    p->pgid = PIDS_VAL(I_PGRP, s_int, s, lp->info);
    p->sid = PIDS_VAL(I_SID, s_int, s, lp->info);
    p->uid = PIDS_VAL(I_RUID, u_int, s, lp->info);
    p->state = (char)PIDS_VAL(I_STATE, s_ch, s, lp->info);
    p->start = boot + (double)began / (double)lp->hz;
    p->flags = PIDS_VAL(I_FLAGS, ul_int, s, lp->info);
    p->nlwp = PIDS_VAL(I_NLWP, s_int, s, lp->info);
    snprintf(p->comm, sizeof p->comm, "%s", cmd ? cmd : "");
    if (cmd && maybe_escaped(cmd)) {
        struct qt_proc raw;
        unsigned long long ticks = 0;
        memset(&raw, 0, sizeof raw);
        if (qt_proc_reread_stat(ctx, p->pid, &raw, &ticks) == 0 && ticks == began)
            memcpy(p->comm, raw.comm, sizeof p->comm);
    }

    if (argv && argv[0] && !argv[1] && strcmp(argv[0], "-") == 0) {
        /* libproc2's stand-in for an empty cmdline, or a real lone "-" */
        if (p->state != 'Z' && !(p->flags & QT_PF_KTHREAD))
            qt_proc_reread_cmdline(ctx, p->pid, p);
    } else if (argv && argv[0]) {
        /* one block: the array, then the strings */
        size_t n = 0, bytes = 0, head;
        char *text;
        while (argv[n])
            bytes += strlen(argv[n++]) + 1;
        head = (n + 1) * sizeof *p->argv;
        p->argv = qt_malloc(head + bytes);
        text = (char *)p->argv + head;
        for (size_t a = 0; a < n; a++) {
            size_t l = strlen(argv[a]) + 1;
            memcpy(text, argv[a], l);
            p->argv[a] = text;
            text += l;
        }
        p->argv[n] = NULL;
        p->argc = (int)n;
        p->argv_block = 1;
    }
}

int qt_lp2_read(struct qt_lp2 *lp, const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    struct pids_fetch *f;

    memset(out, 0, sizeof *out);
    out->backend = "libproc2";
    errno = 0;
    f = procps_pids_reap(lp->info, PIDS_FETCH_TASKS_ONLY);
    if (!f) {
        snprintf(err, errlen, "libproc2: cannot read the process table: %s",
                 errno ? strerror(errno) : "procps_pids_reap failed");
        return -1;
    }
    out->boot = qt_procs_boot_time(ctx);
    out->n = f->counts->total > 0 ? (size_t)f->counts->total : 0;
    out->v = qt_calloc(out->n ? out->n : 1, sizeof *out->v);
    for (size_t i = 0; i < out->n; i++)
        fill(ctx, lp, f->stacks[i], out->boot, &out->v[i]);
    qsort(out->v, out->n, sizeof *out->v, by_pid);
    return 0;
}

int qt_procs_read_libproc2(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    struct qt_lp2 *lp = qt_lp2_new(err, errlen);
    int rc;

    if (!lp) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    rc = qt_lp2_read(lp, ctx, out, err, errlen);
    qt_lp2_free(lp);
    return rc;
}
