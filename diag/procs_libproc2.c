/* procs_libproc2.c - the process table through libproc2 (procps 4). */
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
    PIDS_STATE, PIDS_TICS_BEGAN, PIDS_CMD, PIDS_CMDLINE_V,
};
enum { I_PID, I_PPID, I_PGRP, I_SID, I_RUID, I_STATE, I_BEGAN, I_CMD, I_ARGV };


static int by_pid(const void *a, const void *b)
{
    const struct qt_proc *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

int qt_procs_read_libproc2(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    struct pids_info *info = NULL;
    struct pids_fetch *f;
    long hz = sysconf(_SC_CLK_TCK);
    int rc;

    memset(out, 0, sizeof *out);
    out->backend = "libproc2";
    if (hz <= 0)
        hz = 100;
    if ((rc = procps_pids_new(&info, items, (int)QT_ARRAY_LEN(items))) < 0) {
        snprintf(err, errlen, "libproc2: procps_pids_new failed: %s", strerror(-rc));
        return -1;
    }
    f = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY);
    if (!f) {
        snprintf(err, errlen, "libproc2: cannot read the process table: %s", strerror(errno));
        procps_pids_unref(&info);
        return -1;
    }
    out->boot = qt_procs_boot_time(ctx);
    out->n = (size_t)f->counts->total;
    out->v = qt_calloc(out->n ? out->n : 1, sizeof *out->v);
    for (size_t i = 0; i < out->n; i++) {
        struct pids_stack *s = f->stacks[i];
        struct qt_proc *p = &out->v[i];
        char **argv = PIDS_VAL(I_ARGV, strv, s, info);
        const char *cmd = PIDS_VAL(I_CMD, str, s, info);

        p->pid = PIDS_VAL(I_PID, s_int, s, info);
        p->ppid = PIDS_VAL(I_PPID, s_int, s, info);
        p->pgid = PIDS_VAL(I_PGRP, s_int, s, info);
        p->sid = PIDS_VAL(I_SID, s_int, s, info);
        p->uid = PIDS_VAL(I_RUID, u_int, s, info);
        p->state = (char)PIDS_VAL(I_STATE, s_ch, s, info);
        p->start = out->boot + (double)PIDS_VAL(I_BEGAN, ull_int, s, info) / (double)hz;
        snprintf(p->comm, sizeof p->comm, "%s", cmd ? cmd : "");
        /* libproc2 shows an empty command line as a lone "-": keep "no argv" */
        if (argv && argv[0] && !(strcmp(argv[0], "-") == 0 && !argv[1])) {
            int n = 0;
            while (argv[n])
                n++;
            p->argv = qt_calloc((size_t)n + 1, sizeof *p->argv);
            for (int a = 0; a < n; a++)
                p->argv[a] = qt_strdup(argv[a]);
            p->argc = n;
        }
    }
    procps_pids_unref(&info);
    qsort(out->v, out->n, sizeof *out->v, by_pid);
    return 0;
}
