/* Unit tests: the Ports pane end to end on a fixture /proc (procs and
 * sockets collectors, stages, views, drill-down) and its keys (K, b, d)
 * against the ui double (tests/unit/ui_double.h) that records what the pane asked for. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag/firewall/firewall.h"
#include "panes/ports_views.h"
#include "diag/core/job.h"
#include "tests/unit/ui_double.h"
#include "tests/unit/ports_fixture.h"

/* --- the fixture, sampled --- */

static double now_v = FX_BTIME + 100;
static double fake_now(void) { return now_v; }

struct env {
    struct fx fx;
    qt_ctx ctx;
    qt_sampler sampler;
    qt_snapshot *snap;
    pid_t child;            /* a real process standing in for a per-connection child */
    struct qt_ui_double ui;
};

static void resample(struct env *e)
{
    qt_snapshot_free(e->snap);
    e->snap = qt_sample(&e->sampler, &e->ctx);
    assert_int_equal(e->snap->src[QT_SRC_SOCKETS].state, QT_SRC_OK);
}

/* Start ticks of a real process (field 22 of its stat). */
static unsigned long long real_ticks(pid_t pid)
{
    char path[64], *t = NULL;
    struct qt_proc p;
    unsigned long long ticks = 0;
    long n;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    n = qt_read_file(path, 4096, &t);
    assert_true(n > 0);
    assert_int_equal(qt_proc_parse_stat(t, (size_t)n, &p, &ticks), 0);
    free(t);
    return ticks;
}

static int setup(void **state)
{
    struct env *e = qt_calloc(1, sizeof *e);
    static const unsigned c[] = {1020};
    char err[128], path[256];
    const char envtext[] = "PATH=/bin\0TCPREMOTEIP=198.51.100.7\0TCPREMOTEPORT=40002\0TCPLOCALPORT=465\0";

    qt_ui_double_init(&e->ui);
    e->ui.answer = QT_UID_HOLD;   /* each test answers the question itself */
    e->ui.job_timeout = 2.0;      /* jobs (d) run to their end inside the key */
    fx_scenario(&e->fx);
    /* a real child process, pretending to be a stuck TLS child of 200 */
    e->child = fork();
    assert_true(e->child >= 0);
    if (e->child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);   /* never outlive a crashed test */
        alarm(60);
        pause();
        _exit(0);
    }
    fx_proc(&e->fx, (int)e->child, 200, 'S', real_ticks(e->child),
            "/usr/bin/tcpserver -s -n cert.pem -v -R -c 4 -u 89 0 465 /var/qmail/bin/qmail-smtpd", c, 1);
    fx_sock(&e->fx, "127.0.0.1", 465, "198.51.100.11", 40020, 1, 0, 1020);
    /* an outgoing connection that uses lab's port as its source port on another address */
    fx_sock(&e->fx, "127.1.0.5", 24465, "127.0.0.1", 80, 1, 0, 5000);
    fx_flush(&e->fx);
    snprintf(path, sizeof path, "%s/202/environ", e->fx.dir);
    fx_write(path, envtext, sizeof envtext - 1);
    qt_ctx_defaults(&e->ctx);
    assert_int_equal(qt_ctx_parse_ports(&e->ctx, FX_PORTS, err, sizeof err), 0);
    e->ctx.proc = e->fx.dir;
    e->ctx.now = fake_now;
    e->ctx.limit = 4;
    resample(e);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;
    if (e->child > 0) {
        kill(e->child, SIGKILL);
        waitpid(e->child, NULL, 0);
    }
    qt_snapshot_free(e->snap);
    qt_sampler_free(&e->sampler);
    fx_rm(&e->fx);
    qt_ui_double_free(&e->ui);
    free(e);
    return 0;
}

struct built {
    qt_table head, main;
};

static void fill(struct env *e, const qt_view *v, const char *key, struct built *b)
{
    struct qt_view_in in = {.ctx = &e->ctx, .snap = e->snap, .hist = &e->sampler.hist, .key = key};
    qt_table_init(&b->head, "");
    qt_table_init(&b->main, "");
    qt_view_fill(v, &in, &b->head, &b->main);
}

static void unfill(struct built *b)
{
    qt_table_free(&b->head);
    qt_table_free(&b->main);
}

static const char *cell(const qt_table *t, const char *row, const char *col)
{
    size_t r = qt_table_find(t, row);
    assert_true(r != (size_t)-1);
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->cols[c].title, col) == 0)
            return t->rows[r].cells[c].text ? t->rows[r].cells[c].text : "";
    fail_msg("no column %s", col);
    return NULL;
}

/* The value column of a label/value table. */
static const char *val(const qt_table *t, const char *row)
{
    size_t r = qt_table_find(t, row);
    assert_true(r != (size_t)-1);
    return t->rows[r].cells[1].text ? t->rows[r].cells[1].text : "";
}

static int key(struct env *e, const qt_view *v, const char *viewkey, const char *row, int ch)
{
    struct qt_view_in in = {.ctx = &e->ctx, .snap = e->snap, .hist = &e->sampler.hist, .key = viewkey};
    return qt_view_key(v, &e->ui.ui, &in, row, ch);
}

static void top_view(void **state)
{
    struct env *e = *state;
    struct built b;

    resample(e); /* two samples: the sparkline has history */
    fill(e, &qt_ports_top_view, NULL, &b);
    assert_int_equal(b.head.nrows, 4);
    /* 6 ESTABLISHED = 5 accepted + 1 queued: the queue is apart (issue 14) */
    assert_string_equal(cell(&b.head, "smtps", "ACC/LIMIT"), "5/4");
    /* ... while the metric keeps its meaning: ss ESTABLISHED, queued included */
    assert_true(qt_metrics_find(&e->snap->metrics, "established", "smtps")->value == 6);
    assert_string_equal(cell(&b.head, "smtps", "QUEUE"), "1");
    assert_string_equal(cell(&b.head, "smtps", "STALLED"), "3");
    assert_string_equal(cell(&b.head, "smtps", "ESTABLISHED, LAST 20 SAMPLES"), "@@");
    assert_int_equal(b.head.rows[0].cells[2].role, QT_ROLE_CRIT);    /* 5 accepted >= limit 4 */
    /* pop3s: 2 stalled seen, and one connection whose owner may be the
     * unreadable process 400: a lower bound, never a plain count */
    assert_string_equal(cell(&b.head, "pop3s", "STALLED"), ">=2");
    assert_non_null(strstr(b.head.note, "STALLED ? = unknown"));
    assert_non_null(strstr(b.head.note, "1 processes' fd lists could not be read"));
    assert_string_equal(cell(&b.head, "pop3s", "CL-WAIT"), "1");
    assert_string_equal(cell(&b.head, "imap", "ACC/LIMIT"), "2/4");
    assert_string_equal(cell(&b.head, "lab", "ACC/LIMIT"), "2/4");   /* not the outgoing one */
    assert_true(qt_table_find(&b.main, "127.0.0.1") == (size_t)-1);
    /* remote IPs, most connections first */
    assert_string_equal(cell(&b.main, "198.51.100.7", "TOTAL"), "4");
    assert_string_equal(cell(&b.main, "198.51.100.7", "smtps"), "3");
    assert_string_equal(cell(&b.main, "198.51.100.7", "pop3s"), "1");
    assert_string_equal(cell(&b.main, "198.51.100.7", "STALLED"), "2");
    assert_string_equal(cell(&b.main, "198.51.100.7", "OLDEST"), "1m30s");
    assert_string_equal(cell(&b.main, "203.0.113.9", "smtps"), "1");  /* the v4-mapped peer */
    assert_string_equal(cell(&b.main, "2001:db8::5", "TOTAL"), "1");
    assert_string_equal(cell(&b.main, "198.51.100.7", "IN"), "-");     /* /proc has no byte counters */
    assert_int_equal(b.main.sort_col, 1);
    unfill(&b);
}

/* The owners of smtps's sockets cannot be read (what a non-root run sees
 * for root's tcpserver): its stalled count is unknown, never 0 (issue 12,
 * item 6), and the views say why. A fresh sampler, so that no owner is
 * remembered from the readable first sample. */
static void owners_unreadable(void **state)
{
    struct env *e = *state;
    struct built b;
    static const int hidden[] = {200, 201, 202, 204, 206};
    const qt_finding *f = NULL;

    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
        fx_unreadable(&e->fx, hidden[i]);
    fx_unreadable(&e->fx, (int)e->child);
    qt_sampler_free(&e->sampler);
    memset(&e->sampler, 0, sizeof e->sampler);
    resample(e);

    fill(e, &qt_ports_top_view, NULL, &b);
    assert_string_equal(cell(&b.head, "smtps", "STALLED"), "?");    /* was 3 when readable */
    assert_string_equal(cell(&b.head, "imap", "STALLED"), "0");     /* its owner is readable */
    assert_non_null(strstr(b.head.note, "STALLED ? = unknown"));
    assert_non_null(strstr(b.head.note, "socket owners not readable: "));
    assert_string_equal(cell(&b.main, "198.51.100.8", "STALLED"), "?");
    assert_string_equal(cell(&b.main, "198.51.100.8", "OLDEST"), "?");
    assert_string_equal(cell(&b.main, "198.51.100.7", "STALLED"), ">=1");   /* 1 stalled on pop3s seen */
    unfill(&b);
    fill(e, &qt_ports_ip_view, "198.51.100.7", &b);
    assert_string_equal(cell(&b.main, "198.51.100.7|465|40001", "STAGE"), "unknown");
    assert_string_equal(cell(&b.main, "198.51.100.7|465|40001", "PID"), "?");
    assert_string_equal(cell(&b.main, "198.51.100.7|465|40001", "AGE"), "?");
    assert_non_null(strstr(cell(&b.main, "198.51.100.7|465|40001", "PROGRAM"), "not visible (socket owners not readable: "));
    assert_string_equal(cell(&b.main, "198.51.100.7|465|40005", "PROGRAM"), "not accepted");   /* queued: known */
    unfill(&b);
    for (size_t i = 0; i < e->snap->findings.n; i++)
        if (strcmp(e->snap->findings.v[i].id, "ports.accept-queue:smtps") == 0)
            f = &e->snap->findings.v[i];
    assert_non_null(f);
    assert_non_null(strstr(f->evidence, geteuid() == 0 ? "listener pid unknown (owner not visible)"
                                                       : "listener pid unknown (not root)"));
    assert_null(strstr(f->evidence, "pid 0"));
}

static void drill_down(void **state)
{
    struct env *e = *state;
    struct built b;
    struct qt_view_in in = {.ctx = &e->ctx, .snap = e->snap, .hist = &e->sampler.hist};

    assert_ptr_equal(qt_view_drill(&qt_ports_top_view, &in, "198.51.100.7"), &qt_ports_ip_view);
    fill(e, &qt_ports_ip_view, "198.51.100.7", &b);
    assert_int_equal(b.main.nrows, 4);
    assert_string_equal(cell(&b.main, "198.51.100.7|465|40001", "STAGE"), "handshake pending");
    assert_string_equal(cell(&b.main, "198.51.100.7|465|40001", "AGE"), "1m30s");
    assert_string_equal(cell(&b.main, "198.51.100.7|465|40001", "PID"), "201");
    assert_string_equal(cell(&b.main, "198.51.100.7|465|40001", "PROGRAM"), "tcpserver");
    assert_string_equal(cell(&b.main, "198.51.100.7|465|40002", "STAGE"), "in mail program");
    assert_string_equal(cell(&b.main, "198.51.100.7|465|40002", "PROGRAM"), "tcpserver > qmail-smtpd");
    assert_string_equal(cell(&b.main, "198.51.100.7|465|40005", "STAGE"), "queued");
    assert_string_equal(cell(&b.main, "198.51.100.7|465|40005", "PROGRAM"), "not accepted");
    assert_string_equal(cell(&b.main, "198.51.100.7|995|41001", "STAGE"), "handshake pending");
    assert_string_equal(cell(&b.head, "ip", "CONNECTIONS"), "4");
    unfill(&b);

    in.key = "198.51.100.7";
    assert_ptr_equal(qt_view_drill(&qt_ports_ip_view, &in, "198.51.100.7|465|40002"), &qt_ports_proc_view);
    fill(e, &qt_ports_proc_view, "198.51.100.7|465|40002", &b);
    assert_non_null(strstr(val(&b.main, "stage"), "in mail program: the mail program runs beneath the owner"));
    assert_non_null(strstr(val(&b.main, "owner"), "202 tcpserver"));
    assert_non_null(strstr(val(&b.main, "child.203"), "203 qmail-smtpd"));
    assert_non_null(strstr(val(&b.main, "parent.200"), "-s -n cert.pem"));
    assert_non_null(strstr(val(&b.main, "parent.101"), "supervise smtps"));
    assert_true(qt_table_find(&b.main, "parent.100") == (size_t)-1);  /* stops at supervise */
    assert_non_null(strstr(val(&b.main, "env.202.TCPREMOTEIP"), "TCPREMOTEIP=198.51.100.7"));
    assert_non_null(strstr(val(&b.main, "env.203"), "not readable"));
    unfill(&b);

    /* gone connections and unknown IPs say so */
    fill(e, &qt_ports_proc_view, "198.51.100.7|465|1", &b);
    assert_non_null(b.main.note);
    unfill(&b);
    fill(e, &qt_ports_ip_view, "192.0.2.1", &b);
    assert_non_null(strstr(b.main.note, "no connections from 192.0.2.1"));
    unfill(&b);
}

/* The fixture's boot time made the live one, resampled: the sampled start
 * of the real child is then what the live /proc says, so K can be answered
 * on the live /proc (the only one where it acts, diag/act/act.h). */
static void fixture_live_btime(struct env *e)
{
    char path[256], line[64], *t = NULL, *b;
    assert_true(qt_read_file("/proc/stat", 1 << 20, &t) > 0);
    assert_non_null(b = strstr(t, "\nbtime "));
    snprintf(line, sizeof line, "cpu  1 2 3 4\nbtime %lu\n", strtoul(b + 7, NULL, 10));
    free(t);
    snprintf(path, sizeof path, "%s/stat", e->fx.dir);
    fx_write(path, line, strlen(line));
    resample(e);
}

static void key_kill(void **state)
{
    struct env *e = *state;
    char id[160];
    int st;

    snprintf(id, sizeof id, "198.51.100.11|465|40020");
    e->ui.read_only = 1;
    assert_true(key(e, &qt_ports_ip_view, "198.51.100.11", id, 'K'));
    assert_non_null(strstr(e->ui.flash, "read-only"));
    assert_null(e->ui.yes);
    e->ui.read_only = 0;
    /* never a process serving many connections, nor a queued one */
    assert_true(key(e, &qt_ports_ip_view, "127.0.0.4", "127.0.0.4|143|43001", 'K'));
    assert_non_null(strstr(e->ui.flash, "pid 600 (imapsrv) is a listener: not killing it"));
    assert_true(key(e, &qt_ports_ip_view, "198.51.100.7", "198.51.100.7|465|40005", 'K'));
    assert_non_null(strstr(e->ui.flash, "no visible process"));
    assert_null(e->ui.yes);
    /* the real child: asked with pid, program and client named; "no" kills nothing */
    assert_true(key(e, &qt_ports_ip_view, "198.51.100.11", id, 'K'));
    snprintf(id, sizeof id, "Kill pid %d (tcpserver) serving 198.51.100.11 port 40020 on smtps?", (int)e->child);
    assert_string_equal(e->ui.question, id);
    qt_ui_double_answer(&e->ui, 0);
    assert_int_equal(kill(e->child, 0), 0);
    /* "yes" on a fixture /proc: its pid may name any live process, so nothing is signalled */
    fixture_live_btime(e);
    assert_true(key(e, &qt_ports_proc_view, "198.51.100.11|465|40020", NULL, 'K'));
    qt_ui_double_answer(&e->ui, 1);
    assert_non_null(strstr(e->ui.flash, "not reading the live /proc (--proc "));
    assert_int_equal(kill(e->child, 0), 0);
    /* "yes" from the process view, answered on the live /proc */
    assert_true(key(e, &qt_ports_proc_view, "198.51.100.11|465|40020", NULL, 'K'));
    e->ctx.proc = "/proc";
    qt_ui_double_answer(&e->ui, 1);
    assert_non_null(strstr(e->ui.flash, "sent SIGTERM"));
    assert_true(e->ui.resamples);
    assert_int_equal(waitpid(e->child, &st, 0), e->child);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    e->child = 0;
}

static void key_kill_reused_pid(void **state)
{
    struct env *e = *state;
    char path[256];
    static const unsigned c[] = {1020};

    char want[128];

    /* the sample saw pid N start 5 s after the live child: by the answer,
     * on the live /proc, pid N is another process than the one asked about */
    snprintf(path, sizeof path, "rm -rf %s/%d", e->fx.dir, (int)e->child);
    assert_int_equal(system(path), 0);
    fx_proc(&e->fx, (int)e->child, 200, 'S', real_ticks(e->child) + 500,
            "/usr/bin/tcpserver -s -n cert.pem -v -R -c 4 -u 89 0 465 /var/qmail/bin/qmail-smtpd", c, 1);
    fx_flush(&e->fx);
    fixture_live_btime(e);
    assert_true(key(e, &qt_ports_ip_view, "198.51.100.11", "198.51.100.11|465|40020", 'K'));
    assert_non_null(e->ui.yes);
    e->ctx.proc = "/proc";
    qt_ui_double_answer(&e->ui, 1);
    snprintf(want, sizeof want, "pid %d is now another process (pid reused): not signalled", (int)e->child);
    assert_string_equal(e->ui.flash, want);
    assert_int_equal(kill(e->child, 0), 0);
}

static void key_block(void **state)
{
    struct env *e = *state;
    assert_true(key(e, &qt_ports_top_view, NULL, "198.51.100.7", 'b'));
    assert_string_equal(e->ui.title, "Firewall lines for 198.51.100.7 (iptables)");
    assert_non_null(strstr(e->ui.text, "iptables -I INPUT -s 198.51.100.7 -p tcp --dport 465 -j DROP"));
    assert_non_null(strstr(e->ui.text, "iptables -I INPUT -s 198.51.100.7 -p tcp --dport 995 -j DROP"));
    /* long commands folded for the dialog, still one shell command each */
    assert_non_null(strstr(e->ui.text, "iptables -I INPUT -p tcp --syn --dport 465 -m connlimit \\\n--connlimit-above 8"));
    for (const char *l = e->ui.text; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        assert_true(strcspn(l, "\n") <= 72);
    assert_null(strstr(e->ui.text, "--dport 143"));
    assert_non_null(strstr(e->ui.text, "qtriage does not run these"));
    /* from the connection view, the IP comes from the connection */
    free(e->ui.text);
    e->ui.text = NULL;
    assert_true(key(e, &qt_ports_proc_view, "198.51.100.7|465|40001", NULL, 'b'));
    assert_non_null(strstr(e->ui.text, "-s 198.51.100.7"));
    assert_true(key(e, &qt_ports_top_view, NULL, NULL, 'b'));
    assert_non_null(strstr(e->ui.flash, "select a remote IP"));
    /* an nftables ruleset of its own in use: the same dialog in nft words */
    assert_non_null(e->snap->firewall);
    e->snap->firewall->tool = QT_FW_TOOL_NFT;
    free(e->ui.text);
    e->ui.text = NULL;
    assert_true(key(e, &qt_ports_top_view, NULL, "198.51.100.7", 'b'));
    assert_string_equal(e->ui.title, "Firewall lines for 198.51.100.7 (nft)");
    assert_non_null(strstr(e->ui.text, "nft add rule inet qtriage input ip saddr 198.51.100.7 tcp dport 465 \\\ndrop\n"));
    /* folded at shell-safe points: never inside the single quotes nft's braces need */
    assert_non_null(strstr(e->ui.text, "\n'{ type filter hook input priority filter - 10; }'\n"));
    assert_null(strstr(e->ui.text, "iptables"));
}

/* --- d: names through a fake DNS server on loopback --- */

static size_t put_name(unsigned char *p, const char *name)
{
    size_t n = 0;
    while (*name) {
        size_t l = strcspn(name, ".");
        p[n++] = (unsigned char)l;
        memcpy(p + n, name, l);
        n += l;
        name += l + (name[l] == '.');
    }
    p[n++] = 0;
    return n;
}

/* Answer PTR queries: 7.100.51.198.in-addr.arpa -> mail.example.test, NXDOMAIN otherwise. */
static void dns_child(int fd)
{
    unsigned char q[512], r[600];
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    alarm(5);
    for (;;) {
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
        size_t qend = 12, len;
        int hit;
        if (n < 17)
            continue;
        while (qend < (size_t)n && q[qend])
            qend += q[qend] + 1u;
        qend += 5;                         /* root label, type, class */
        if (qend > (size_t)n || qend > 400)
            continue;
        hit = memmem(q, (size_t)n, "\x01" "7\x03" "100\x02" "51\x03" "198\x07in-addr", 21) != NULL;
        memcpy(r, q, qend);
        r[2] = 0x81;
        r[3] = hit ? 0x80 : 0x83;          /* RA; rcode 0 or NXDOMAIN */
        r[6] = 0;
        r[7] = hit ? 1 : 0;                /* answers */
        r[8] = r[9] = r[10] = r[11] = 0;
        len = qend;
        if (hit) {
            unsigned char *a = r + len;
            size_t nl;
            a[0] = 0xc0; a[1] = 12;        /* the question's name */
            a[2] = 0; a[3] = 12;           /* PTR */
            a[4] = 0; a[5] = 1;            /* IN */
            a[6] = 0; a[7] = 0; a[8] = 0; a[9] = 60;
            nl = put_name(a + 12, "mail.example.test");
            a[10] = 0; a[11] = (unsigned char)nl;
            len += 12 + nl;
        }
        sendto(fd, r, len, 0, (struct sockaddr *)&from, fl);
    }
}

static void key_names(void **state)
{
    struct env *e = *state;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    char server[64];
    struct built b;
    pid_t dns;
    int fd;

    /* no server: no lookups at all */
    assert_true(key(e, &qt_ports_top_view, NULL, NULL, 'd'));
    assert_non_null(strstr(e->ui.flash, "no --dns-server"));
    assert_false(qt_ports_names_on());

    fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    dns = fork();
    if (dns == 0)
        dns_child(fd);
    close(fd);
    snprintf(server, sizeof server, "127.0.0.1:%u", ntohs(a.sin_port));
    e->ctx.dns_server = server;
    assert_true(key(e, &qt_ports_top_view, NULL, NULL, 'd'));
    kill(dns, SIGKILL);
    waitpid(dns, NULL, 0);
    assert_true(qt_ports_names_on());
    assert_non_null(strstr(e->ui.flash, "peer names: 1 of 9 resolved"));
    fill(e, &qt_ports_top_view, NULL, &b);
    assert_string_equal(cell(&b.main, "198.51.100.7", "NAME"), "mail.example.test");
    assert_string_equal(cell(&b.main, "198.51.100.8", "NAME"), "(no PTR)");
    unfill(&b);
    assert_true(key(e, &qt_ports_top_view, NULL, NULL, 'd'));
    assert_false(qt_ports_names_on());
    fill(e, &qt_ports_top_view, NULL, &b);
    for (int c = 0; c < b.main.ncols; c++)
        assert_string_not_equal(b.main.cols[c].title, "NAME");
    unfill(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(top_view, setup, teardown),
        cmocka_unit_test_setup_teardown(drill_down, setup, teardown),
        cmocka_unit_test_setup_teardown(key_kill, setup, teardown),
        cmocka_unit_test_setup_teardown(key_kill_reused_pid, setup, teardown),
        cmocka_unit_test_setup_teardown(key_block, setup, teardown),
        cmocka_unit_test_setup_teardown(key_names, setup, teardown),
        cmocka_unit_test_setup_teardown(owners_unreadable, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
