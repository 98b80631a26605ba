/* Unit tests: the kernel collector (diag/kernel) on fixture trees of
 * /proc/sys and /proc/PID/limits in temporary directories: every finding
 * in its right and wrong form. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "diag/core/finding.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/kernel/kernel.h"
#include "diag/parse/argv.h"
#include "diag/ports/ports.h"
#include "diag/ports/sockets.h"
#include "diag/servers/servers.h"

/* --- fixture tree --- */

static char tree[64];

static void put(const char *rel, const char *text)
{
    char path[512], cmd[600];
    snprintf(path, sizeof path, "%s/%s", tree, rel);
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", path);
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void put_num(const char *rel, long long v)
{
    char t[32];
    snprintf(t, sizeof t, "%lld\n", v);
    put(rel, t);
}

/* A healthy Debian 12 machine with nf_conntrack loaded. */
static void healthy_tree(void)
{
    put_num("sys/net/ipv4/tcp_syncookies", 1);
    put_num("sys/net/ipv4/tcp_max_syn_backlog", 512);
    put_num("sys/net/core/somaxconn", 4096);
    put_num("sys/net/netfilter/nf_conntrack_count", 100);
    put_num("sys/net/netfilter/nf_conntrack_max", 262144);
    put_num("sys/net/netfilter/nf_conntrack_tcp_timeout_established", 3600);
    put_num("sys/net/ipv4/tcp_keepalive_time", 7200);
    put_num("sys/net/ipv4/tcp_keepalive_intvl", 75);
    put_num("sys/net/ipv4/tcp_keepalive_probes", 9);
}

static int setup(void **st)
{
    (void)st;
    snprintf(tree, sizeof tree, "/tmp/qt-kernel-XXXXXX");
    assert_non_null(mkdtemp(tree));
    healthy_tree();
    return 0;
}

static int teardown(void **st)
{
    char cmd[128];
    (void)st;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tree);
    return system(cmd);
}

static qt_ctx test_ctx(void)
{
    qt_ctx c;
    char err[128];
    qt_ctx_defaults(&c);
    c.proc = tree;
    assert_int_equal(qt_ctx_parse_ports(&c, "smtp=25,smtps=465", err, sizeof err), 0);
    return c;
}

/* One sample's kernel findings (collector + analyser, no other model). */
static void run(qt_snapshot *snap, const qt_history *hist, qt_findings *out)
{
    qt_ctx c = test_ctx();
    char err[128] = "";
    memset(out, 0, sizeof *out);
    assert_int_equal(qt_collector_kernel.collect(&c, NULL, snap, err, sizeof err), 0);
    qt_collector_kernel.analyse(&c, snap, hist, out);
}

static void done(qt_snapshot *snap, qt_findings *fs)
{
    qt_collector_kernel.free_model(snap);
    qt_findings_free(fs);
}

/* --- sysctls --- */

static void reads_sysctls(void **st)
{
    qt_ctx c = test_ctx();
    qt_kernel k;
    (void)st;
    memset(&k, 0, sizeof k);
    qt_kernel_read_sysctls(&c, &k);
    assert_int_equal(k.have_sys, 1);
    assert_int_equal(k.conntrack, 1);
    assert_int_equal(k.v[QT_SYS_SOMAXCONN], 4096);
    assert_int_equal(k.v[QT_SYS_MAX_SYN_BACKLOG], 512);
    assert_int_equal(k.v[QT_SYS_CT_MAX], 262144);
    assert_int_equal(k.v[QT_SYS_KA_PROBES], 9);
    /* a garbage value is unknown, never zero */
    put("sys/net/core/somaxconn", "lots\n");
    qt_kernel_read_sysctls(&c, &k);
    assert_true(k.v[QT_SYS_SOMAXCONN] == QT_KVAL_UNKNOWN);
    put_num("sys/net/core/somaxconn", 4096);
    assert_string_equal(qt_sysctl_name(QT_SYS_CT_ESTABLISHED), "net.netfilter.nf_conntrack_tcp_timeout_established");
    assert_true(qt_sysctl_default(QT_SYS_KA_TIME) == 7200);
}

static void healthy_no_findings(void **st)
{
    qt_snapshot snap;
    qt_findings fs;
    (void)st;
    memset(&snap, 0, sizeof snap);
    run(&snap, NULL, &fs);
    assert_int_equal(fs.n, 0);
    assert_string_equal(snap.src[QT_SRC_KERNEL].note, "");
    done(&snap, &fs);
}

static void no_proc_sys_nothing(void **st)
{
    qt_snapshot snap;
    qt_findings fs;
    char cmd[128];
    (void)st;
    snprintf(cmd, sizeof cmd, "rm -rf '%s/sys'", tree);
    assert_int_equal(system(cmd), 0);
    memset(&snap, 0, sizeof snap);
    run(&snap, NULL, &fs);
    assert_int_equal(snap.kernel->have_sys, 0);
    assert_int_equal(fs.n, 0);
    done(&snap, &fs);
    healthy_tree();
}

static void syncookies_off(void **st)
{
    qt_snapshot snap;
    qt_findings fs;
    const qt_finding *f;
    (void)st;
    put_num("sys/net/ipv4/tcp_syncookies", 0);
    memset(&snap, 0, sizeof snap);
    run(&snap, NULL, &fs);
    assert_non_null(f = qt_findings_find(&fs, "kernel.syncookies:host"));
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "net.ipv4.tcp_syncookies = 0"));
    assert_non_null(strstr(f->evidence, "tcp_max_syn_backlog = 512"));
    assert_non_null(strstr(f->fix, "echo 'net.ipv4.tcp_syncookies = 1' >> /etc/sysctl.d/"));
    assert_non_null(strstr(f->fix, "sysctl -w net.ipv4.tcp_syncookies=1"));
    done(&snap, &fs);
    /* 2 (always send cookies) is on too */
    put_num("sys/net/ipv4/tcp_syncookies", 2);
    run(&snap, NULL, &fs);
    assert_null(qt_findings_find(&fs, "kernel.syncookies:host"));
    done(&snap, &fs);
    put_num("sys/net/ipv4/tcp_syncookies", 1);
}

static void conntrack_levels(void **st)
{
    static const struct {
        long long count;
        int sev;   /* -1: no finding */
    } cases[] = {{10, -1}, {79, -1}, {80, QT_SEV_WARN}, {94, QT_SEV_WARN}, {95, QT_SEV_CRIT}, {100, QT_SEV_CRIT}};
    (void)st;
    put_num("sys/net/netfilter/nf_conntrack_max", 100);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qt_snapshot snap;
        qt_findings fs;
        const qt_finding *f;
        long long count = cases[i].count;
        put_num("sys/net/netfilter/nf_conntrack_count", count);
        memset(&snap, 0, sizeof snap);
        run(&snap, NULL, &fs);
        f = qt_findings_find(&fs, "kernel.conntrack-full:host");
        if (cases[i].sev < 0) {
            assert_null(f);
        } else {
            char want[96];
            assert_non_null(f);
            assert_int_equal(f->sev, cases[i].sev);
            snprintf(want, sizeof want, "nf_conntrack_count = %lld of nf_conntrack_max = 100", count);
            assert_non_null(strstr(f->evidence, want));
            assert_non_null(strstr(f->fix, "sysctl -w net.netfilter.nf_conntrack_max=200"));
            assert_string_equal(f->inc_kind, cases[i].sev == QT_SEV_CRIT ? "saturation" : "");
        }
        done(&snap, &fs);
    }
    put_num("sys/net/netfilter/nf_conntrack_count", 100);
    put_num("sys/net/netfilter/nf_conntrack_max", 262144);
}

static void conntrack_absent(void **st)
{
    qt_snapshot snap;
    qt_findings fs;
    char cmd[160];
    (void)st;
    snprintf(cmd, sizeof cmd, "rm -rf '%s/sys/net/netfilter'", tree);
    assert_int_equal(system(cmd), 0);
    memset(&snap, 0, sizeof snap);
    run(&snap, NULL, &fs);
    assert_int_equal(snap.kernel->conntrack, 0);
    assert_int_equal(fs.n, 0);
    assert_non_null(strstr(snap.src[QT_SRC_KERNEL].note, "nf_conntrack not loaded"));
    done(&snap, &fs);
    healthy_tree();
}

static void conntrack_timeout_default(void **st)
{
    qt_snapshot snap;
    qt_findings fs;
    const qt_finding *f;
    (void)st;
    put_num("sys/net/netfilter/nf_conntrack_tcp_timeout_established", 432000);
    memset(&snap, 0, sizeof snap);
    run(&snap, NULL, &fs);
    assert_non_null(f = qt_findings_find(&fs, "kernel.conntrack-timeout:host"));
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_non_null(strstr(f->evidence, "= 432000 s (the kernel default)"));
    assert_non_null(strstr(f->fix, "net.netfilter.nf_conntrack_tcp_timeout_established=3600"));
    done(&snap, &fs);
    put_num("sys/net/netfilter/nf_conntrack_tcp_timeout_established", 3600);
}

/* --- listeners: somaxconn and the accept queue --- */

struct fake {
    qt_sockets m;
    qt_servers s;
    qt_cmd cmd;
    struct qt_listener lis[2];
};

/* smtp on 0.0.0.0:25 and [::]:25, held by pid 100 running argv. */
static void fake_listener(struct fake *fk, qt_snapshot *snap, int argc, char *const *argv, unsigned backlog)
{
    memset(fk, 0, sizeof *fk);
    fk->m.nsvc = 2;
    for (int i = 0; i < 2; i++) {
        fk->lis[i].svc = 0;
        fk->lis[i].family = i ? AF_INET6 : AF_INET;
        fk->lis[i].backlog = backlog;
        fk->lis[i].pid = 100;
    }
    fk->m.listeners = fk->lis;
    fk->m.nlisteners = 2;
    qt_cmd_parse(&fk->cmd, argc, argv, NULL, QT_VAR_UCSPI_TCP);
    fk->s.v = qt_calloc(1, sizeof *fk->s.v);
    fk->s.n = 1;
    snprintf(fk->s.v[0].name, sizeof fk->s.v[0].name, "smtp");
    fk->s.v[0].port = 25;
    fk->s.v[0].pid = 100;
    fk->s.v[0].cmd = &fk->cmd;
    fk->s.v[0].variant = QT_VAR_UCSPI_TCP;
    snap->sockets = &fk->m;
    snap->servers = &fk->s;
}

static void fake_free(struct fake *fk, qt_snapshot *snap)
{
    qt_cmd_free(&fk->cmd);
    free(fk->s.v);
    snap->sockets = NULL;
    snap->servers = NULL;
}

static void somaxconn_caps_backlog(void **st)
{
    char *const big[] = {"tcpserver", "-b", "1024", "-c", "40", "0", "25", "qmail-smtpd", NULL};
    char *const small[] = {"tcpserver", "-b", "100", "0", "25", "qmail-smtpd", NULL};
    char *const dflt[] = {"tcpserver", "-c", "40", "0", "25", "qmail-smtpd", NULL};
    qt_snapshot snap;
    qt_findings fs;
    struct fake fk;
    const qt_finding *f;
    (void)st;

    put_num("sys/net/core/somaxconn", 128);
    memset(&snap, 0, sizeof snap);
    fake_listener(&fk, &snap, 8, big, 128);
    run(&snap, NULL, &fs);
    assert_non_null(f = qt_findings_find(&fs, "kernel.somaxconn:smtp"));
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "0.0.0.0:25: tcpserver asked for a backlog of 1024 (-b); the kernel gives 128"));
    assert_non_null(strstr(f->evidence, "[::]:25: tcpserver asked for a backlog of 1024 (-b)"));
    assert_non_null(strstr(f->evidence, "net.core.somaxconn = 128"));
    assert_non_null(strstr(f->fix, "sysctl -w net.core.somaxconn=1024"));
    done(&snap, &fs);
    fake_free(&fk, &snap);

    /* asked for less than somaxconn: nothing */
    fake_listener(&fk, &snap, 6, small, 100);
    run(&snap, NULL, &fs);
    assert_null(qt_findings_find(&fs, "kernel.somaxconn:smtp"));
    done(&snap, &fs);
    fake_free(&fk, &snap);

    /* tcpserver's default backlog is 20 (tcpserver.c): cut by a somaxconn of 16 */
    put_num("sys/net/core/somaxconn", 16);
    fake_listener(&fk, &snap, 6, dflt, 16);
    run(&snap, NULL, &fs);
    assert_non_null(f = qt_findings_find(&fs, "kernel.somaxconn:smtp"));
    assert_non_null(strstr(f->evidence, "asked for a backlog of 20 (default); the kernel gives 16"));
    done(&snap, &fs);
    fake_free(&fk, &snap);
    put_num("sys/net/core/somaxconn", 4096);
}

static void accept_queue_steady(void **st)
{
    char *const argv[] = {"tcpserver", "0", "25", "qmail-smtpd", NULL};
    qt_history h = {0};
    qt_snapshot snap;
    qt_findings fs;
    struct fake fk;
    const qt_finding *f;
    (void)st;

    memset(&snap, 0, sizeof snap);
    fake_listener(&fk, &snap, 4, argv, 20);
    fk.m.svc[0].backlog = 20;
    /* 3, 0, 5, 4: the zero two samples ago clears it */
    qt_history_push(&h, "accept_queue.smtp", 1, 3);
    qt_history_push(&h, "accept_queue.smtp", 2, 0);
    qt_history_push(&h, "accept_queue.smtp", 3, 5);
    qt_history_push(&h, "accept_queue.smtp", 4, 4);
    run(&snap, &h, &fs);
    assert_null(qt_findings_find(&fs, "kernel.accept-queue-steady:smtp"));
    done(&snap, &fs);
    qt_history_push(&h, "accept_queue.smtp", 5, 2);
    run(&snap, &h, &fs);
    assert_non_null(f = qt_findings_find(&fs, "kernel.accept-queue-steady:smtp"));
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "in the last 3 samples: at least 2 each time"));
    assert_non_null(strstr(f->evidence, "backlog (Send-Q): 20; net.core.somaxconn = 4096"));
    done(&snap, &fs);
    /* smtps never queued */
    assert_null(qt_findings_find(&fs, "kernel.accept-queue-steady:smtps"));
    fake_free(&fk, &snap);
    qt_history_free(&h);
}

/* --- keepalive --- */

/* n accepted ESTABLISHED sockets of smtp (svc 0), the first `ka` with a keepalive timer. */
static void fake_conns(struct fake *fk, unsigned n, unsigned ka)
{
    for (unsigned i = 0; i < n; i++) {
        struct qt_sock *s;
        qt_grow(&fk->m.socks.v, &fk->m.socks.cap, fk->m.socks.n + 1, sizeof *s);
        s = &fk->m.socks.v[fk->m.socks.n++];
        memset(s, 0, sizeof *s);
        s->family = AF_INET;
        s->state = QT_TCP_ESTABLISHED;
        s->svc = 0;
        s->lport = 25;
        s->rport = (uint16_t)(40000 + i);
        s->inode = 1000 + i;
        s->timer = i < ka ? QT_SOCK_TIMER_KEEPALIVE : QT_SOCK_TIMER_NONE;
    }
}

static void keepalive_unused(void **st)
{
    char *const argv[] = {"tcpserver", "0", "25", "qmail-smtpd", NULL};
    qt_snapshot snap;
    qt_findings fs;
    struct fake fk;
    const qt_finding *f;
    (void)st;

    memset(&snap, 0, sizeof snap);
    /* the kernel defaults: nothing to say, whatever the sockets */
    fake_listener(&fk, &snap, 4, argv, 20);
    fake_conns(&fk, 3, 0);
    run(&snap, NULL, &fs);
    assert_null(qt_findings_find(&fs, "kernel.keepalive-unused:smtp"));
    done(&snap, &fs);

    /* tuned, and no socket has the timer: the INFO */
    put_num("sys/net/ipv4/tcp_keepalive_time", 600);
    run(&snap, NULL, &fs);
    assert_non_null(f = qt_findings_find(&fs, "kernel.keepalive-unused:smtp"));
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_non_null(strstr(f->evidence, "tcp_keepalive_time/intvl/probes = 600/75/9"));
    assert_non_null(strstr(f->evidence, "3 accepted connections: none with a keepalive timer"));
    assert_non_null(strstr(f->evidence, "front end: tcpserver, pid 100"));
    assert_non_null(strstr(f->fix, "control/timeoutsmtpd"));
    /* smtps has no connection: nothing measured, nothing said */
    assert_null(qt_findings_find(&fs, "kernel.keepalive-unused:smtps"));
    done(&snap, &fs);

    /* one socket that has SO_KEEPALIVE: something sets it, no finding */
    qt_socklist_free(&fk.m.socks);
    fake_conns(&fk, 3, 1);
    run(&snap, NULL, &fs);
    assert_null(qt_findings_find(&fs, "kernel.keepalive-unused:smtp"));
    done(&snap, &fs);
    qt_socklist_free(&fk.m.socks);
    fake_free(&fk, &snap);
    put_num("sys/net/ipv4/tcp_keepalive_time", 7200);
}

/* The timer kind from both socket readers: /proc/net/tcp's "tr" and
 * inet_diag's idiag_timer. */
static void socket_timer_read(void **st)
{
    static const char text[] =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 0100007F:0019 0100007F:9C40 01 00000000:00000000 02:00001D4C 00000000     0        0 1234 1 0 20 4 30 10 -1\n"
        "   1: 0100007F:0019 0100007F:9C41 01 00000000:00000000 00:00000000 00000000     0        0 1235 1 0 20 4 30 10 -1\n";
    unsigned ports[] = {25};
    struct qt_sockfilter flt = {ports, 1, QT_SOCK_STATES};
    qt_socklist l = {0};
    struct {
        struct nlmsghdr h;
        struct inet_diag_msg m;
    } msg;
    int kerr;
    (void)st;

    assert_int_equal(qt_sock_proc_parse(text, strlen(text), AF_INET, &flt, &l), 2);
    assert_int_equal(l.v[0].timer, QT_SOCK_TIMER_KEEPALIVE);
    assert_int_equal(l.v[1].timer, QT_SOCK_TIMER_NONE);
    qt_socklist_free(&l);

    memset(&msg, 0, sizeof msg);
    msg.h.nlmsg_len = sizeof msg;
    msg.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    msg.m.idiag_family = AF_INET;
    msg.m.idiag_state = QT_TCP_ESTABLISHED;
    msg.m.idiag_timer = 2;
    msg.m.id.idiag_sport = htons(25);
    msg.m.id.idiag_dport = htons(40000);
    msg.m.idiag_inode = 77;
    assert_int_equal(qt_sock_nl_parse(&msg, sizeof msg, &flt, &l, &kerr), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].timer, QT_SOCK_TIMER_KEEPALIVE);
    qt_socklist_free(&l);
}

/* --- limits --- */

/* <tree>/PID/limits as fs/proc/base.c prints it (soft values given; "-" unlimited). */
static void put_limits(int pid, const char *nproc, const char *nofile, const char *as, const char *data)
{
    char rel[32], text[2048];
    const char *rows[][2] = {
        {"Max cpu time", "unlimited"}, {"Max file size", "unlimited"}, {"Max data size", data},
        {"Max stack size", "8388608"}, {"Max core file size", "0"}, {"Max resident set", "unlimited"},
        {"Max processes", nproc}, {"Max open files", nofile}, {"Max locked memory", "8388608"},
        {"Max address space", as}, {"Max file locks", "unlimited"},
    };
    size_t o = (size_t)snprintf(text, sizeof text, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "%-25s %-20s %-20s %-10s\n", rows[i][0], rows[i][1],
                              "unlimited", "bytes");
    snprintf(rel, sizeof rel, "%d/limits", pid);
    put(rel, text);
}

static void rlimits_parse(void **st)
{
    struct qt_rlimits l;
    char *text = NULL;
    (void)st;
    put_limits(100, "50", "1024", "unlimited", "724022");
    {
        char path[128];
        snprintf(path, sizeof path, "%s/100/limits", tree);
        assert_true(qt_read_file(path, 16384, &text) > 0);
    }
    assert_int_equal(qt_rlimits_parse(text, &l), 4);
    assert_true(l.nproc == 50);
    assert_true(l.nofile == 1024);
    assert_true(l.as == QT_KVAL_UNLIMITED);
    assert_true(l.data == 724022);
    free(text);
    /* this process's own limits parse too (the real kernel's format) */
    assert_true(qt_read_file("/proc/self/limits", 16384, &text) > 0);
    assert_int_equal(qt_rlimits_parse(text, &l), 4);
    assert_true(l.nofile != QT_KVAL_UNKNOWN);
    free(text);
    assert_int_equal(qt_rlimits_parse("Max processes\n", &l), 0);
    assert_true(l.nproc == QT_KVAL_UNKNOWN);
}

static void softlimit_words(void **st)
{
    char *const a[] = {"softlimit", "-m", "3000000", "-o", "20", "sslserver", "-c", "40", "0", "465", "qmail-smtpd", NULL};
    char *const b[] = {"softlimit", "-m", "3000000", "-a", "=", "-p50", "sslserver", "0", "465", "qmail-smtpd", NULL};
    char *const c[] = {"sslserver", "0", "465", "qmail-smtpd", NULL};
    qt_cmd cmd;
    struct qt_rlimits l;
    (void)st;
    qt_cmd_parse(&cmd, 11, a, NULL, QT_VAR_SSLSERVER_FEH);
    assert_int_equal(qt_softlimit_of(&cmd, &l), 1);
    assert_true(l.as == 3000000 && l.data == 3000000 && l.nofile == 20 && l.nproc == QT_KVAL_UNKNOWN);
    qt_cmd_free(&cmd);
    qt_cmd_parse(&cmd, 10, b, NULL, QT_VAR_SSLSERVER_FEH);
    assert_int_equal(qt_softlimit_of(&cmd, &l), 1);
    assert_true(l.as == QT_KVAL_UNLIMITED && l.data == 3000000 && l.nproc == 50);
    qt_cmd_free(&cmd);
    qt_cmd_parse(&cmd, 4, c, NULL, QT_VAR_SSLSERVER_FEH);
    assert_int_equal(qt_softlimit_of(&cmd, &l), 0);
    qt_cmd_free(&cmd);
}

/* smtps on 465: pid 100, uid 89, -c 40, sslserver (tls) or tcpserver. */
static void fake_server(struct fake *fk, qt_snapshot *snap, int tls, unsigned uid)
{
    char *const ssl[] = {"sslserver", "-c", "40", "0", "465", "qmail-smtpd", NULL};
    char *const tcp[] = {"tcpserver", "-c", "40", "0", "465", "qmail-smtpd", NULL};
    memset(fk, 0, sizeof *fk);
    qt_cmd_parse(&fk->cmd, 6, tls ? ssl : tcp, NULL, tls ? QT_VAR_SSLSERVER_FEH : QT_VAR_UCSPI_TCP);
    fk->s.v = qt_calloc(1, sizeof *fk->s.v);
    fk->s.n = 1;
    snprintf(fk->s.v[0].name, sizeof fk->s.v[0].name, "smtps");
    snprintf(fk->s.v[0].svcdir, sizeof fk->s.v[0].svcdir, "/service/smtps");
    fk->s.v[0].port = 465;
    fk->s.v[0].pid = 100;
    fk->s.v[0].uid = uid;
    fk->s.v[0].cmd = &fk->cmd;
    fk->s.v[0].tls = tls;
    fk->s.v[0].limit = 40;
    fk->s.v[0].limit_source = "option -c";
    fk->s.v[0].variant = tls ? QT_VAR_SSLSERVER_FEH : QT_VAR_UCSPI_TCP;
    fk->s.v[0].st.readable = 1;
    fk->s.v[0].st.want_up = 1;
    fk->s.v[0].in_scan = 1;
    snap->servers = &fk->s;
}

static void nproc_below_c(void **st)
{
    qt_snapshot snap;
    qt_findings fs;
    struct fake fk;
    const qt_finding *f;
    (void)st;
    memset(&snap, 0, sizeof snap);

    /* sslserver -c 40: 2 processes per connection + the listener = 81 > 50 */
    put_limits(100, "50", "1024", "unlimited", "unlimited");
    fake_server(&fk, &snap, 1, 89);
    run(&snap, NULL, &fs);
    assert_non_null(f = qt_findings_find(&fs, "kernel.nproc:smtps"));
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "pid 100 (sslserver, uid 89): Max processes 50 (/proc/100/limits)"));
    assert_non_null(strstr(f->evidence, "-c 40 (option -c): 2 processes per connection + the listener = 81"));
    assert_non_null(strstr(f->fix, "softlimit -p 81"));
    assert_non_null(strstr(f->fix, "svc -t /service/smtps"));
    done(&snap, &fs);
    fake_free(&fk, &snap);

    /* tcpserver -c 40 needs 41: 50 is enough */
    fake_server(&fk, &snap, 0, 89);
    run(&snap, NULL, &fs);
    assert_null(qt_findings_find(&fs, "kernel.nproc:smtps"));
    done(&snap, &fs);
    fake_free(&fk, &snap);

    /* root is exempt */
    fake_server(&fk, &snap, 1, 0);
    run(&snap, NULL, &fs);
    assert_null(qt_findings_find(&fs, "kernel.nproc:smtps"));
    done(&snap, &fs);
    fake_free(&fk, &snap);

    /* ... but a root listener with -u 89 (fehcom sslserver) counts for uid 89 */
    {
        char *const argv[] = {"sslserver", "-u", "89", "-c", "40", "0", "465", "qmail-smtpd", NULL};
        fake_server(&fk, &snap, 1, 0);
        qt_cmd_free(&fk.cmd);
        qt_cmd_parse(&fk.cmd, 8, argv, NULL, QT_VAR_SSLSERVER_FEH);
        run(&snap, NULL, &fs);
        assert_non_null(f = qt_findings_find(&fs, "kernel.nproc:smtps"));
        assert_non_null(strstr(f->evidence, "the connections' processes run as uid 89 (-u)"));
        done(&snap, &fs);
        fake_free(&fk, &snap);
    }

    /* enough: 81 */
    put_limits(100, "81", "1024", "unlimited", "unlimited");
    fake_server(&fk, &snap, 1, 89);
    run(&snap, NULL, &fs);
    assert_null(qt_findings_find(&fs, "kernel.nproc:smtps"));
    done(&snap, &fs);
    fake_free(&fk, &snap);
}

static void tls_memory(void **st)
{
    char *const script[] = {"softlimit", "-m", "5000000", "sslserver", "-c", "40", "0", "465", "qmail-smtpd", NULL};
    qt_snapshot snap;
    qt_findings fs;
    struct fake fk;
    const qt_finding *f;
    (void)st;
    memset(&snap, 0, sizeof snap);

    /* the running sslserver under softlimit -m 10000000: below 2 x 8.5 MB */
    put_limits(100, "unlimited", "1024", "10000000", "10000000");
    fake_server(&fk, &snap, 1, 89);
    run(&snap, NULL, &fs);
    assert_non_null(f = qt_findings_find(&fs, "kernel.tls-limits:smtps"));
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "Max address space 10000000 bytes (/proc/100/limits); a TLS child measured 8524315, 2x = 17048630"));
    assert_null(strstr(f->evidence, "Max data size"));   /* 10 MB of data is plenty */
    assert_non_null(strstr(f->fix, "softlimit -m 20000000"));
    done(&snap, &fs);
    fake_free(&fk, &snap);

    /* the same limits on a plain tcpserver: no OpenSSL in the front end, nothing */
    fake_server(&fk, &snap, 0, 89);
    run(&snap, NULL, &fs);
    assert_null(qt_findings_find(&fs, "kernel.tls-limits:smtps"));
    done(&snap, &fs);
    fake_free(&fk, &snap);

    /* generous limits and 16 open files: only the files */
    put_limits(100, "unlimited", "16", "unlimited", "unlimited");
    fake_server(&fk, &snap, 1, 89);
    run(&snap, NULL, &fs);
    assert_non_null(f = qt_findings_find(&fs, "kernel.tls-limits:smtps"));
    assert_non_null(strstr(f->evidence, "Max open files 16 (/proc/100/limits); a TLS child needed 12, 2x = 24"));
    assert_null(strstr(f->evidence, "address space"));
    done(&snap, &fs);
    fake_free(&fk, &snap);

    /* softlimit -d 1000000: the data limit alone */
    put_limits(100, "unlimited", "1024", "unlimited", "1000000");
    fake_server(&fk, &snap, 1, 89);
    run(&snap, NULL, &fs);
    assert_non_null(f = qt_findings_find(&fs, "kernel.tls-limits:smtps"));
    assert_non_null(strstr(f->evidence, "Max data size 1000000 bytes (/proc/100/limits); a TLS child measured 724022, 2x = 1448044"));
    done(&snap, &fs);
    fake_free(&fk, &snap);

    /* not running: the run script's softlimit -m 5000000 */
    put_limits(100, "unlimited", "1024", "unlimited", "unlimited");
    fake_server(&fk, &snap, 1, 89);
    fk.s.v[0].pid = 0;
    fk.s.v[0].has_script_cmd = 1;
    qt_cmd_parse(&fk.s.v[0].script, 9, script, NULL, QT_VAR_SSLSERVER_FEH);
    run(&snap, NULL, &fs);
    assert_non_null(f = qt_findings_find(&fs, "kernel.tls-limits:smtps"));
    assert_non_null(strstr(f->evidence, "Max address space 5000000 bytes (the run script (not running))"));
    assert_null(strstr(f->evidence, "Max data size"));   /* 5 MB of data is over 2 x 724022 */
    assert_non_null(strstr(f->evidence, "set by softlimit -m 5000000 in /service/smtps/run"));
    done(&snap, &fs);
    qt_cmd_free(&fk.s.v[0].script);
    fake_free(&fk, &snap);

    /* generous everything: nothing */
    fake_server(&fk, &snap, 1, 89);
    run(&snap, NULL, &fs);
    assert_null(qt_findings_find(&fs, "kernel.tls-limits:smtps"));
    done(&snap, &fs);
    fake_free(&fk, &snap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_sysctls),
        cmocka_unit_test(healthy_no_findings),
        cmocka_unit_test(no_proc_sys_nothing),
        cmocka_unit_test(syncookies_off),
        cmocka_unit_test(conntrack_levels),
        cmocka_unit_test(conntrack_absent),
        cmocka_unit_test(conntrack_timeout_default),
        cmocka_unit_test(somaxconn_caps_backlog),
        cmocka_unit_test(accept_queue_steady),
        cmocka_unit_test(keepalive_unused),
        cmocka_unit_test(socket_timer_read),
        cmocka_unit_test(rlimits_parse),
        cmocka_unit_test(softlimit_words),
        cmocka_unit_test(nproc_below_c),
        cmocka_unit_test(tls_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
