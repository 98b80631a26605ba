/* kernel.c - the kernel collector: sysctls from <proc>/sys, the watched
 * listeners' /proc/PID/limits. Checks in kernel_check.c,
 * kernel_keepalive.c, kernel_limits.c. See kernel.h. */
#include "diag/kernel/kernel.h"
#include "diag/core/util.h"
#include "diag/servers/servers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Paths under /proc/sys and the kernel defaults (ip-sysctl.rst,
 * nf_conntrack-sysctl.rst; somaxconn is 4096 since Linux 5.4, 128 before). */
static const struct {
    const char *name, *rel;
    long long dflt;
} sysctls[QT_SYS_COUNT] = {
    [QT_SYS_SYNCOOKIES] = {"net.ipv4.tcp_syncookies", "sys/net/ipv4/tcp_syncookies", 1},
    [QT_SYS_MAX_SYN_BACKLOG] = {"net.ipv4.tcp_max_syn_backlog", "sys/net/ipv4/tcp_max_syn_backlog", QT_KVAL_UNKNOWN},
    [QT_SYS_SOMAXCONN] = {"net.core.somaxconn", "sys/net/core/somaxconn", 4096},
    [QT_SYS_CT_COUNT] = {"net.netfilter.nf_conntrack_count", "sys/net/netfilter/nf_conntrack_count", QT_KVAL_UNKNOWN},
    [QT_SYS_CT_MAX] = {"net.netfilter.nf_conntrack_max", "sys/net/netfilter/nf_conntrack_max", QT_KVAL_UNKNOWN},
    [QT_SYS_CT_ESTABLISHED] = {"net.netfilter.nf_conntrack_tcp_timeout_established",
                               "sys/net/netfilter/nf_conntrack_tcp_timeout_established", 432000},
    [QT_SYS_KA_TIME] = {"net.ipv4.tcp_keepalive_time", "sys/net/ipv4/tcp_keepalive_time", 7200},
    [QT_SYS_KA_INTVL] = {"net.ipv4.tcp_keepalive_intvl", "sys/net/ipv4/tcp_keepalive_intvl", 75},
    [QT_SYS_KA_PROBES] = {"net.ipv4.tcp_keepalive_probes", "sys/net/ipv4/tcp_keepalive_probes", 9},
};

const char *qt_sysctl_name(enum qt_sysctl id)
{
    return (unsigned)id < QT_SYS_COUNT ? sysctls[id].name : "?";
}

long long qt_sysctl_default(enum qt_sysctl id)
{
    return (unsigned)id < QT_SYS_COUNT ? sysctls[id].dflt : QT_KVAL_UNKNOWN;
}

/* The first decimal number of a /proc/sys file; QT_KVAL_UNKNOWN otherwise. */
static long long read_number(const qt_ctx *ctx, const char *rel)
{
    char path[4096], *text = NULL, *end;
    long long v = QT_KVAL_UNKNOWN;

    if (!qt_ctx_proc(ctx, rel, path, sizeof path) || qt_read_file(path, 4096, &text) < 0)
        return QT_KVAL_UNKNOWN;
    errno = 0;
    {
        long long x = strtoll(text, &end, 10);
        if (end != text && errno == 0 && x >= 0 && (*end == '\0' || *end == '\n' || *end == '\t' || *end == ' '))
            v = x;
    }
    free(text);
    return v;
}

void qt_kernel_read_sysctls(const qt_ctx *ctx, qt_kernel *k)
{
    char path[4096];
    struct stat st;

    for (int i = 0; i < QT_SYS_COUNT; i++)
        k->v[i] = QT_KVAL_UNKNOWN;
    k->have_sys = qt_ctx_proc(ctx, "sys/net", path, sizeof path) && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    if (!k->have_sys)
        return;
    for (int i = 0; i < QT_SYS_COUNT; i++)
        k->v[i] = read_number(ctx, sysctls[i].rel);
    k->conntrack = k->v[QT_SYS_CT_COUNT] != QT_KVAL_UNKNOWN;
}

/* /proc/PID/limits: "Max open files  1024  524288  files" (fs/proc/base.c
 * proc_pid_limits: the name padded to 25 columns, soft, hard, units). */
static long long limit_value(const char *s)
{
    char *end;
    long long v;

    while (*s == ' ' || *s == '\t')
        s++;
    if (strncmp(s, "unlimited", 9) == 0)
        return QT_KVAL_UNLIMITED;
    errno = 0;
    v = strtoll(s, &end, 10);
    return end == s || errno || v < 0 ? QT_KVAL_UNKNOWN : v;
}

int qt_rlimits_parse(const char *text, struct qt_rlimits *lim)
{
    static const struct {
        const char *name;
        size_t off;
    } rows[] = {
        {"Max open files", offsetof(struct qt_rlimits, nofile)},
        {"Max processes", offsetof(struct qt_rlimits, nproc)},
        {"Max address space", offsetof(struct qt_rlimits, as)},
        {"Max data size", offsetof(struct qt_rlimits, data)},
    };
    int found = 0;

    lim->nofile = lim->nproc = lim->as = lim->data = QT_KVAL_UNKNOWN;
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        for (size_t r = 0; r < QT_ARRAY_LEN(rows); r++) {
            size_t n = strlen(rows[r].name);
            /* the name is followed by spaces, never by more letters */
            if (strncmp(line, rows[r].name, n) == 0 && (line[n] == ' ' || line[n] == '\t')) {
                long long v = limit_value(line + n);
                memcpy((char *)lim + rows[r].off, &v, sizeof v);
                found += v != QT_KVAL_UNKNOWN;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return found;
}

/* The running front ends of watched ports, with their limits. */
static void read_listeners(const qt_ctx *ctx, const qt_snapshot *snap, qt_kernel *k)
{
    size_t cap = 0;

    if (!snap->servers)
        return;
    for (size_t i = 0; i < snap->servers->n; i++) {
        const struct qt_server *sv = &snap->servers->v[i];
        int svc = sv->port ? qt_ctx_service_index(ctx, sv->port) : -1;
        char rel[64], path[4096], *text = NULL;
        struct qt_klistener *L;

        if (sv->pid <= 0 || svc < 0 || sv->other[0])
            continue;
        qt_grow(&k->lis, &cap, k->nlis + 1, sizeof *k->lis);
        L = &k->lis[k->nlis++];
        memset(L, 0, sizeof *L);
        L->svc = svc;
        L->pid = sv->pid;
        L->uid = sv->uid;
        L->lim.nofile = L->lim.nproc = L->lim.as = L->lim.data = QT_KVAL_UNKNOWN;
        snprintf(rel, sizeof rel, "%d/limits", sv->pid);
        if (qt_ctx_proc(ctx, rel, path, sizeof path) && qt_read_file(path, 16384, &text) >= 0) {
            L->readable = qt_rlimits_parse(text, &L->lim) > 0;
            free(text);
        }
    }
}

void qt_kernel_free(qt_kernel *k)
{
    if (!k)
        return;
    free(k->lis);
    memset(k, 0, sizeof *k);
}

static int collect(const qt_ctx *ctx, void **state, qt_snapshot *snap, char *err, size_t errlen)
{
    qt_kernel *k = qt_calloc(1, sizeof *k);

    (void)state;
    (void)err;
    (void)errlen;
    qt_kernel_read_sysctls(ctx, k);
    read_listeners(ctx, snap, k);
    /* said once in the header, not as a finding: nothing to check then */
    if (k->have_sys && !k->conntrack)
        snprintf(snap->src[QT_SRC_KERNEL].note, sizeof snap->src[QT_SRC_KERNEL].note,
                 "kernel: nf_conntrack not loaded (no connection-tracking table to check)");
    snap->kernel = k;
    return 0;
}

static void measure(const qt_ctx *ctx, const qt_snapshot *snap, qt_metrics *out)
{
    const qt_kernel *k = snap->kernel;

    (void)ctx;
    if (!k || !k->conntrack)
        return;
    qt_metrics_add(out, "conntrack_entries", NULL, 0, (double)k->v[QT_SYS_CT_COUNT],
                   k->v[QT_SYS_CT_MAX] > 0 ? (double)k->v[QT_SYS_CT_MAX] : -1.0,
                   "Entries in the kernel's connection-tracking table (nf_conntrack_count; max nf_conntrack_max)");
}

static void free_model(qt_snapshot *snap)
{
    qt_kernel_free(snap->kernel);
    free(snap->kernel);
    snap->kernel = NULL;
}

const qt_collector qt_collector_kernel = {
    .id = QT_SRC_KERNEL,
    .name = "kernel",
    .collect = collect,
    .measure = measure,
    .analyse = qt_kernel_analyse,
    .free_model = free_model,
};
