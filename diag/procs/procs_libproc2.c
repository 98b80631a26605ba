/* procs_libproc2.c - the process table through libproc2 (procps 4 pids API).
 *
 * Two struct pids_info are kept across samples (qt_lp2): one reaps the stat
 * fields of every process, the other reads argv and uid of chosen pids
 * (procps_pids_select), so each sample reuses libproc2's stacks and buffers.
 * (A third is the same without argv, for kernel threads; a zombie's uid is
 * one status read, done by the /proc reader's code.)
 * We copy what procs.h promises and repair the two places where libproc2's
 * view is lossy (see procs.h): escaped comm names and the "-" that stands
 * for an empty command line.
 */
#include "diag/procs/procs.h"
#include "diag/procs/procs_int.h"
#include "diag/core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libproc2/pids.h>

/* every process: the stat line only */
static enum pids_item scan_items[] = {
    PIDS_ID_PID, PIDS_ID_PPID, PIDS_ID_PGRP, PIDS_ID_SESSION, PIDS_STATE, PIDS_TICS_BEGAN,
    PIDS_CMD, PIDS_FLAGS, PIDS_NLWP, PIDS_ADDR_CODE_START, PIDS_ADDR_STACK_START,
};
enum { S_PID, S_PPID, S_PGRP, S_SID, S_STATE, S_BEGAN, S_CMD, S_FLAGS, S_NLWP, S_CODE, S_STACK };

/* chosen processes: stat again (identity), status and cmdline; kernel
 * threads have no command line, so for them the same items but the last
 * (one file less to read); zombies go to the /proc reader (qt_lp2_load) */
static enum pids_item load_items[] = {
    PIDS_ID_PID, PIDS_TICS_BEGAN, PIDS_STATE, PIDS_CMD, PIDS_FLAGS, PIDS_ADDR_CODE_START,
    PIDS_ADDR_STACK_START, PIDS_ID_RUID, PIDS_CMDLINE_V,
};
enum { L_PID, L_BEGAN, L_STATE, L_CMD, L_FLAGS, L_CODE, L_STACK, L_RUID, L_ARGV, L_NITEMS };


/* pids per procps_pids_select() call (libproc2 takes at most 255) */
#define SELECT_BATCH 200

struct qt_lp2 {
    struct pids_info *scan, *load, *load_noargv;
    long hz;
};

struct qt_lp2 *qt_lp2_new(char *err, size_t errlen)
{
    struct qt_lp2 *lp = qt_calloc(1, sizeof *lp);
    int rc = procps_pids_new(&lp->scan, scan_items, (int)QT_ARRAY_LEN(scan_items));

    if (rc >= 0 && (rc = procps_pids_new(&lp->load, load_items, L_NITEMS)) < 0)
        procps_pids_unref(&lp->scan);
    if (rc >= 0 && (rc = procps_pids_new(&lp->load_noargv, load_items, L_ARGV)) < 0) {
        procps_pids_unref(&lp->scan);
        procps_pids_unref(&lp->load);
    }
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
    procps_pids_unref(&lp->scan);
    procps_pids_unref(&lp->load);
    procps_pids_unref(&lp->load_noargv);
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

/* Raw comm where libproc2 may have escaped it (same process: same start). */
static void set_comm(const qt_ctx *ctx, struct qt_proc *p, const char *cmd)
{
    snprintf(p->comm, sizeof p->comm, "%s", cmd ? cmd : "");
    if (cmd && maybe_escaped(cmd)) {
        struct qt_proc raw;
        unsigned long long ticks = 0;
        memset(&raw, 0, sizeof raw);
        if (qt_proc_reread_stat(ctx, p->pid, &raw, &ticks) == 0 && ticks == p->ticks)
            memcpy(p->comm, raw.comm, sizeof p->comm);
    }
}

static void scan_fill(const qt_ctx *ctx, struct qt_lp2 *lp, struct pids_stack *s, double boot, struct qt_proc *p)
{
    memset(p, 0, sizeof *p);
    p->pid = PIDS_VAL(S_PID, s_int, s, lp->scan);
    p->ppid = PIDS_VAL(S_PPID, s_int, s, lp->scan);
    p->pgid = PIDS_VAL(S_PGRP, s_int, s, lp->scan);
    p->sid = PIDS_VAL(S_SID, s_int, s, lp->scan);
    p->uid = (unsigned)-1;
    p->state = (char)PIDS_VAL(S_STATE, s_ch, s, lp->scan);
    p->ticks = PIDS_VAL(S_BEGAN, ull_int, s, lp->scan);
    p->start = boot + (double)p->ticks / (double)lp->hz;
    p->flags = PIDS_VAL(S_FLAGS, ul_int, s, lp->scan);
    p->nlwp = PIDS_VAL(S_NLWP, s_int, s, lp->scan);
    p->image = PIDS_VAL(S_CODE, ul_int, s, lp->scan) ^ PIDS_VAL(S_STACK, ul_int, s, lp->scan);
    p->lazy = QT_PROC_UNREAD;
    set_comm(ctx, p, PIDS_VAL(S_CMD, str, s, lp->scan));
}

int qt_lp2_scan(struct qt_lp2 *lp, const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    struct pids_fetch *f;

    memset(out, 0, sizeof *out);
    out->backend = "libproc2";
    errno = 0;
    f = procps_pids_reap(lp->scan, PIDS_FETCH_TASKS_ONLY);
    if (!f) {
        snprintf(err, errlen, "libproc2: cannot read the process table: %s",
                 errno ? strerror(errno) : "procps_pids_reap failed");
        return -1;
    }
    out->boot = qt_procs_boot_time(ctx);
    out->n = f->counts->total > 0 ? (size_t)f->counts->total : 0;
    out->v = qt_calloc(out->n ? out->n : 1, sizeof *out->v);
    for (size_t i = 0; i < out->n; i++)
        scan_fill(ctx, lp, f->stacks[i], out->boot, &out->v[i]);
    qsort(out->v, out->n, sizeof *out->v, by_pid);
    return 0;
}

void qt_lp2_scan_pids(struct qt_lp2 *lp, const qt_ctx *ctx, const int *pids, size_t n, double boot, qt_procs *out)
{
    memset(out, 0, sizeof *out);
    out->backend = "libproc2";
    out->boot = boot;
    if (!n)
        return;
    out->v = qt_calloc(n, sizeof *out->v);
    for (size_t at = 0; at < n; at += SELECT_BATCH) {
        unsigned batch[SELECT_BATCH];
        size_t k = n - at < SELECT_BATCH ? n - at : SELECT_BATCH;
        struct pids_fetch *f;
        for (size_t i = 0; i < k; i++)
            batch[i] = (unsigned)pids[at + i];
        /* pids missing from the answer are gone */
        if (!(f = procps_pids_select(lp->scan, batch, (int)k, PIDS_SELECT_PID)))
            continue;
        for (int j = 0; j < f->counts->total && out->n < n; j++)
            scan_fill(ctx, lp, f->stacks[j], boot, &out->v[out->n++]);
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, by_pid);
}

/* argv and uid from a load stack into p, if it is the process the scan saw. */
static void load_fill(const qt_ctx *ctx, struct qt_lp2 *lp, struct pids_stack *s, int with_argv, struct qt_proc *p)
{
    char **argv = with_argv ? PIDS_VAL(L_ARGV, strv, s, lp->load) : NULL;

    (void)lp; /* PIDS_VAL() takes the info but does not use it */

    if (PIDS_VAL(L_BEGAN, ull_int, s, lp->load) != p->ticks)
        return; /* pid reused since the scan: nothing is known of this one */
    /* it may have exec'd since the scan: keep comm and argv of one image */
    p->state = (char)PIDS_VAL(L_STATE, s_ch, s, lp->load);
    p->image = PIDS_VAL(L_CODE, ul_int, s, lp->load) ^ PIDS_VAL(L_STACK, ul_int, s, lp->load);
    set_comm(ctx, p, PIDS_VAL(L_CMD, str, s, lp->load));
    p->uid = PIDS_VAL(L_RUID, u_int, s, lp->load);
    if (argv && argv[0] && !argv[1] && strcmp(argv[0], "-") == 0) {
        /* libproc2's stand-in for an empty cmdline, or a real lone "-" */
        if (p->state != 'Z' && !(PIDS_VAL(L_FLAGS, ul_int, s, lp->load) & QT_PF_KTHREAD))
            qt_proc_reread_cmdline(ctx, p->pid, p);
    } else if (argv && argv[0]) {
        int n = 0;
        while (argv[n])
            n++;
        /* libproc2 read it all; keep what the /proc reader would keep */
        n = qt_proc_argv_keep(n, argv, &p->argv_more);
        if (n == 0) {
            /* argv[0] alone is over the cap: kept cut, as the /proc reader does */
            char *first[2] = {qt_strndup(argv[0], QT_PROC_ARGV_MAX_BYTES - 1), NULL};
            p->argv = qt_proc_argv_block(1, first);
            p->argv_more = -1;
            n = 1;
            free(first[0]);
        } else {
            p->argv = qt_proc_argv_block(n, argv);
        }
        p->argc = n;
        p->argv_block = 1;
    }
}

/* One procps_pids_select() per batch of pids, all with or all without argv. */
static void load_batch(struct qt_lp2 *lp, const qt_ctx *ctx, qt_procs *t, const size_t *idx, size_t k, int with_argv)
{
    unsigned pids[SELECT_BATCH];
    struct pids_info *info = with_argv ? lp->load : lp->load_noargv;
    struct pids_fetch *f;

    for (size_t i = 0; i < k; i++) {
        t->v[idx[i]].lazy &= (unsigned char)~(QT_PROC_UNREAD | QT_PROC_WANTED);
        pids[i] = (unsigned)t->v[idx[i]].pid;
    }
    /* processes missing from the answer vanished: argc 0, uid unknown */
    if (!(f = procps_pids_select(info, pids, (int)k, PIDS_SELECT_PID)))
        return;
    for (int j = 0; j < f->counts->total; j++) {
        struct pids_stack *st = f->stacks[j];
        int pid = PIDS_VAL(L_PID, s_int, st, info);
        for (size_t i = 0; i < k; i++) {
            struct qt_proc *p = &t->v[idx[i]];
            if (p->pid != pid || p->argc != 0)
                continue;
            load_fill(ctx, lp, st, with_argv, p);
            break;
        }
    }
}

void qt_lp2_load(struct qt_lp2 *lp, const qt_ctx *ctx, qt_procs *t, const size_t *idx, size_t n)
{
    size_t batch[2][SELECT_BATCH], nb[2] = {0, 0}, *zombies = NULL, nz = 0;

    for (size_t i = 0; i < n; i++) {
        const struct qt_proc *p = &t->v[idx[i]];
        int with_argv = !(p->flags & QT_PF_KTHREAD);
        if (p->state == 'Z') {
            /* a zombie's uid is one status read, which the /proc reader does
             * in half the time of a procps_pids_select() (measured: 12 vs 23
             * ms for 1,000 zombies) */
            if (!zombies)
                zombies = qt_calloc(n, sizeof *zombies);
            zombies[nz++] = idx[i];
            continue;
        }
        batch[with_argv][nb[with_argv]++] = idx[i];
        if (nb[with_argv] == SELECT_BATCH) {
            load_batch(lp, ctx, t, batch[with_argv], SELECT_BATCH, with_argv);
            nb[with_argv] = 0;
        }
    }
    for (int w = 0; w < 2; w++)
        if (nb[w])
            load_batch(lp, ctx, t, batch[w], nb[w], w);
    qt_proc_load(ctx, t, zombies, nz);
    free(zombies);
}
