/* kernel.h - the kernel's side of a flood or a stall, read-only (issue 18):
 * the TCP and conntrack sysctls, each watched listener's backlog against
 * net.core.somaxconn, the keepalive timer the kernel keeps per socket, and
 * the limits the front ends run under (/proc/PID/limits, softlimit in the
 * run script). docs/kernel.md gives every fact and its source.
 *
 * Everything is read through qt_ctx_proc() (tests run on fixture trees of
 * /proc/sys and /proc/PID/limits). qtriage never writes a sysctl or a
 * limit: the findings say the line to put in /etc/sysctl.d or the run
 * script.
 *
 * Unknown, never zero: a sysctl that cannot be read is QT_KVAL_UNKNOWN and
 * its checks are skipped; a tree without <proc>/sys/net at all (a fixture
 * made for another collector) leaves have_sys 0 and no finding.
 *
 * Memory: a qt_kernel owns its listener array; qt_kernel_free frees it.
 */
#ifndef QT_KERNEL_H
#define QT_KERNEL_H

#include <stddef.h>

#include "diag/core/ctx.h"
#include "diag/core/snapshot.h"

#define QT_KVAL_UNKNOWN (-1LL)       /* not readable / not present */
#define QT_KVAL_UNLIMITED (-2LL)     /* a limit of "unlimited" (/proc/PID/limits) */

/* What one TLS child of a front end needs, measured (docs/kernel.md
 * "Limits": fehcom sslserver 0.95b and SuperScript sslserver 0.70 with
 * OpenSSL 3.0 on Debian 12, an RSA 2048 certificate, one handshake by
 * openssl s_client; the smallest softlimit -a / -d / -o under which the
 * handshake still completed, found by bisection, bench/tls_limits.sh).
 * The checks warn below twice these. */
#define QT_KERNEL_TLS_AS_BYTES 8524315LL    /* RLIMIT_AS (VmPeak of the child: 8296 kB) */
#define QT_KERNEL_TLS_DATA_BYTES 724022LL   /* RLIMIT_DATA (VmData of the child: 688 kB) */
#define QT_KERNEL_TLS_NOFILE 12             /* RLIMIT_NOFILE (fehcom; SuperScript needed 7) */

/* The sysctls read, in this order (kernel.c has the table: path, default). */
enum qt_sysctl {
    QT_SYS_SYNCOOKIES,        /* net.ipv4.tcp_syncookies */
    QT_SYS_MAX_SYN_BACKLOG,   /* net.ipv4.tcp_max_syn_backlog */
    QT_SYS_SOMAXCONN,         /* net.core.somaxconn */
    QT_SYS_CT_COUNT,          /* net.netfilter.nf_conntrack_count (module loaded only) */
    QT_SYS_CT_MAX,            /* net.netfilter.nf_conntrack_max */
    QT_SYS_CT_ESTABLISHED,    /* net.netfilter.nf_conntrack_tcp_timeout_established */
    QT_SYS_KA_TIME,           /* net.ipv4.tcp_keepalive_time */
    QT_SYS_KA_INTVL,          /* net.ipv4.tcp_keepalive_intvl */
    QT_SYS_KA_PROBES,         /* net.ipv4.tcp_keepalive_probes */
    QT_SYS_COUNT
};

/* "net.ipv4.tcp_syncookies" (static); "?" out of range. */
const char *qt_sysctl_name(enum qt_sysctl id);
/* The kernel's default (Documentation/networking/ip-sysctl.rst,
 * nf_conntrack-sysctl.rst), or QT_KVAL_UNKNOWN where it depends on the
 * machine (tcp_max_syn_backlog, nf_conntrack_max). */
long long qt_sysctl_default(enum qt_sysctl id);

/* The resource limits of one process, soft values from /proc/PID/limits:
 * QT_KVAL_UNLIMITED, QT_KVAL_UNKNOWN, or the number (bytes for memory). */
struct qt_rlimits {
    long long nofile, nproc, as, data;
};

/* A running front end of a watched port and its limits. */
struct qt_klistener {
    int svc;                  /* index into ctx->services */
    int pid;
    unsigned uid;             /* the listener's real uid ((unsigned)-1 unknown) */
    int readable;             /* 1: /proc/PID/limits was read */
    struct qt_rlimits lim;
};

typedef struct qt_kernel {
    int have_sys;             /* 1: <proc>/sys/net exists (else nothing was read) */
    int conntrack;            /* 1: nf_conntrack is loaded (net/netfilter/nf_conntrack_count exists) */
    long long v[QT_SYS_COUNT];/* QT_KVAL_UNKNOWN when not readable */
    struct qt_klistener *lis;
    size_t nlis;
} qt_kernel;

/* Read the sysctls under <ctx->proc>/sys into k (never fails: what is
 * missing stays unknown). */
void qt_kernel_read_sysctls(const qt_ctx *ctx, qt_kernel *k);

/* Parse the text of /proc/PID/limits into lim (fields not found stay
 * QT_KVAL_UNKNOWN). Returns the number of the four limits found. */
int qt_rlimits_parse(const char *text, struct qt_rlimits *lim);

/* softlimit's options in a command's wrappers (argv.h QT_WRAP_SOFTLIMIT),
 * as softlimit(8) applies them: -m sets data, stack, locked memory and
 * address space; -a address space; -d data; -o open files; -p processes;
 * the last of each wins. Fields not set stay QT_KVAL_UNKNOWN ("=" means
 * unlimited: QT_KVAL_UNLIMITED). Returns 1 when a softlimit was found. */
struct qt_cmd;
int qt_softlimit_of(const struct qt_cmd *c, struct qt_rlimits *lim);

void qt_kernel_free(qt_kernel *k);

/* The checks: sysctls and listeners (kernel_check.c), keepalive
 * (kernel_keepalive.c), limits (kernel_limits.c). Pure. */
void qt_kernel_analyse(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out);
void qt_kernel_check_keepalive(const qt_ctx *ctx, const qt_snapshot *snap, qt_findings *out);
void qt_kernel_check_limits(const qt_ctx *ctx, const qt_snapshot *snap, qt_findings *out);

/* The collector (diag/collectors.c). */
extern const qt_collector qt_collector_kernel;

#endif
