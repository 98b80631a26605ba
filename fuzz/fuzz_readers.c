/* libFuzzer target: the small readers of outside input, one target with a
 * selector byte (issue 12). The first input byte picks the reader, the rest
 * is what it reads. Readers that take a file are fed through a fixture tree
 * in a private temporary directory (--root and --proc point there), so the
 * real path runs: open, size cap, regular-file check, parse.
 *
 *   0 supervise/status    qt_supervise_status_parse (daemontools' 18/20 bytes)
 *   1 /etc/services       qt_servers_port: names and aliases, then built-ins
 *   2 /etc/passwd         a run script's $(id -u USER)/$(id -g USER) (runscript.c)
 *   3 control files       the whole service scan (qt_servers_collect without
 *                         processes): control/timeoutsmtpd (control_int),
 *                         $(cat control/...), indimail's -c FILE, stunnel conf
 *   4 rooted realpath     a symlink with the input's target, resolved in the root
 *   5 environ             qt_environ_get on a NUL-separated block
 *   6 /proc/PID/status    uid of a live process and of a zombie
 *   7 /proc/PID/cmdline   argv split, display line, re-read
 *   8 <proc>/stat btime   qt_procs_boot_time
 *   9 fd links            <proc>/PID/fd/N -> input lines, mapped by qt_stage_map
 *  10 --ports             qt_ctx_parse_ports
 *  11 options             qt_options_parse on NUL-separated words
 *  12 wizard /etc/passwd  qt_wiz_passwd (auth_wizard.c): uid, gid, home
 *                         under the root of vpopmail and other names
 *  13 wizard control      qt_wiz_read_control (auth_wizsteps.c): the first
 *                         line of control/me and control/helohost
 *  14 qmail queue         qt_queue_scan (diag/queue): the input is message 7's
 *                         info, local and remote envelope files and its
 *                         mess/ text, then qt_queue_headers on it and
 *                         qt_queue_auth_user (the AUTH user's header)
 *  15 users/assign        the service scan's vpasswd.cdb lookup for a
 *                         service running vchkpw (servers_vpop.c)
 *  16 rules cdb           qt_rulescdb_var (rulescdb.c): MAXCONNIP of a tcprules cdb
 *  17 kernel              <proc>/PID/limits (qt_rlimits_parse) and a /proc/sys
 *                         number (qt_kernel_read_sysctls: somaxconn, conntrack)
 *  18 nft JSON            qt_fw_parse_nft (diag/firewall/fw_nft.c): `nft -j list
 *                         ruleset`, then the coverage check on three services
 *  19 iptables-save       qt_fw_parse_save (fw_save.c) as IPv4 and IPv6, then
 *                         the coverage check
 *
 * The auth wizard's readers are declared in diag/auth/auth_wizard_int.h,
 * internal to diag/auth/ (scripts/check-includes; fuzz/ is outside that
 * rule); readers_wizard.c calls them and checks what they return. */
#include <errno.h>
#include <fcntl.h>

#include "diag/parse/rulescdb.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/core/ctx.h"
#include "diag/procs/procs.h"
#include "diag/parse/runscript.h"
#include "diag/servers/servers.h"
#include "diag/servers/servers_int.h"
#include "diag/ports/stage.h"
#include "diag/core/util.h"
#include "diag/queue/queue.h"
#include "diag/kernel/kernel.h"
#include "diag/firewall/firewall.h"
#include "src/options.h"
#include "fuzz/readers_wizard.h"

static char top[64];        /* the fixture: top/root and top/proc */
static qt_ctx ctx;
static FILE *devnull;

static void path_of(char *out, size_t n, const char *rel)
{
    snprintf(out, n, "%s/%s", top, rel);
}

static void put(const char *rel, const void *data, size_t len)
{
    char p[512];
    int fd;
    path_of(p, sizeof p, rel);
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        abort();
    if (len && write(fd, data, len) != (ssize_t)len)
        abort();
    close(fd);
}

static void puts_file(const char *rel, const char *text)
{
    put(rel, text, strlen(text));
}

static void mkdirs(const char *rel)
{
    char p[512];
    path_of(p, sizeof p, rel);
    for (char *s = p + strlen(top) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(p, 0755);
        *s = '/';
    }
    mkdir(p, 0755);
}

static void relink(const char *rel, const char *target)
{
    char p[512];
    path_of(p, sizeof p, rel);
    unlink(p);
    if (symlink(target, p) != 0 && errno != ENOENT && errno != ENAMETOOLONG)
        abort();
}

/* The kernel collector's readers: the input as /proc/PID/limits and as
 * the sysctl files; a value is a number >= 0, or unknown/unlimited. */
static void kernel(const char *d, size_t n)
{
    struct qt_rlimits l;
    qt_kernel k;
    char *z = qt_strndup(d, n);

    if (qt_rlimits_parse(z, &l) < 0 || l.nofile < QT_KVAL_UNLIMITED || l.as < QT_KVAL_UNLIMITED)
        abort();
    free(z);
    mkdirs("proc/sys/net/core");
    mkdirs("proc/sys/net/netfilter");
    put("proc/sys/net/core/somaxconn", d, n);
    put("proc/sys/net/netfilter/nf_conntrack_count", d, n);
    memset(&k, 0, sizeof k);
    qt_kernel_read_sysctls(&ctx, &k);
    for (int i = 0; i < QT_SYS_COUNT; i++)
        if (k.v[i] < QT_KVAL_UNKNOWN)
            abort();
    if (!k.have_sys || k.conntrack != (k.v[QT_SYS_CT_COUNT] >= 0))
        abort();
}

static void rm_tree(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    if (system(cmd) != 0)
        return;
}

static const char live_stat[] = "4242 (tcpserver) S 1 4242 4242 0 -1 4194304 155 0 1 0 0 0 0 0 20 0 1 0 250447 "
                                "2535424 369 18446744073709551615 1 2 3 0 0 0 0 4096 16386 1 0 0 17 1 0 0 0 0 0 4 5 "
                                "6 7 8 9 10 0\n";
static const char zombie_stat[] = "4243 (qmail-smtpd) Z 4242 4242 4242 0 -1 4227148 18 0 0 0 0 0 0 0 20 0 1 0 250448 "
                                  "0 0 18446744073709551615 0 0 0 0 0 0 0 4096 16386 1 0 0 17 0 0 0 0 0 0 0 0 0 0 0 "
                                  "0 0 0\n";

static void init(void)
{
    /* tmpfs when there is one: a file per run on a disk costs milliseconds */
    snprintf(top, sizeof top, "%s", "/dev/shm/qtriage-fuzz-readers.XXXXXX");
    if (!mkdtemp(top)) {
        snprintf(top, sizeof top, "%s", "/tmp/qtriage-fuzz-readers.XXXXXX");
        if (!mkdtemp(top))
            abort();
    }
    atexit(rm_tree);
    devnull = fopen("/dev/null", "w");
    qt_ctx_defaults(&ctx);
    {
        static char root[96], proc[96];
        path_of(root, sizeof root, "root");
        path_of(proc, sizeof proc, "proc");
        ctx.root = root;
        ctx.proc = proc;
    }
    mkdirs("root/etc");
    mkdirs("root/var/qmail/control");
    mkdirs("root/service/smtps/supervise");
    mkdirs("root/service/indi/supervise");
    mkdirs("root/service/tls/supervise");
    mkdirs("root/real/a/b");
    mkdirs("root/var/qmail/users");
    mkdirs("root/service/auth/supervise");
    mkdirs("root/home/vpopmail/domains/example.test");
    puts_file("root/home/vpopmail/domains/example.test/vpasswd.cdb", "cdb");
    puts_file("root/service/auth/run", "#!/bin/sh\nexec tcpserver -u 1001 -g 1002 0 587 qmail-smtpd h "
                                       "/home/vpopmail/bin/vchkpw /bin/true\n");
    mkdirs("proc/4242/fd");
    mkdirs("proc/4243/fd");
    puts_file("proc/stat", "cpu  1 2 3 4\nbtime 1700000000\n");
    puts_file("proc/4242/stat", live_stat);
    puts_file("proc/4243/stat", zombie_stat);
    puts_file("proc/4242/status", "Name:\ttcpserver\nState:\tS (sleeping)\nPPid:\t1\nUid:\t0\t0\t0\t0\n");
    puts_file("proc/4243/status", "Name:\tqmail-smtpd\nState:\tZ (zombie)\nPPid:\t4242\nUid:\t89\t89\t89\t89\n");
    put("proc/4242/cmdline", "tcpserver\0-c\0" "40\0" "0\0" "465\0qmail-smtpd\0", 35);
    /* services whose run scripts read the control files and passwd */
    puts_file("root/service/smtps/run",
              "#!/bin/sh\nQUID=`id -u vpopmail`\nexport SMTPS=1\nMAX=$(cat /var/qmail/control/concurrencyincoming)\n"
              "exec tcpserver -v -c \"$MAX\" -u \"$QUID\" -g $(id -g vpopmail) 0 smtps qmail-smtpd\n");
    puts_file("root/service/indi/run", "#!/bin/sh\nexec tcpserver -c /var/qmail/control/concurrencyincoming -u 89 -g 89 0 "
                                       "submission qmail-smtpd\n");
    puts_file("root/service/tls/run", "#!/bin/sh\nexec tcpserver 0 995 stunnel /var/qmail/control/stunnel.conf\n");
}

/* 1: /etc/services, then the names a run script could give */
static void services(const char *d, size_t n)
{
    static const char *const words[] = {"smtps", "submission", "pop3s", "ssmtp", "urd", "smtp", "x", "65536", ""};
    char word[64];
    size_t wl = strcspn(d, " \t\n/#");
    put("root/etc/services", d, n);
    for (size_t i = 0; i < QT_ARRAY_LEN(words); i++)
        if (qt_servers_port(&ctx, words[i]) > 65535)
            abort();
    snprintf(word, sizeof word, "%.*s", (int)(wl < sizeof word ? wl : sizeof word - 1), d);
    if (qt_servers_port(&ctx, word) > 65535)
        abort();
}

/* 2: /etc/passwd through a run script's id -u/-g */
static void passwd(const char *d, size_t n)
{
    static const char script[] = "#!/bin/sh\nU=`id -u vpopmail`\nG=$(id -g vpopmail)\nQ=$(id -u qmaild)\n"
                                 "R=$(id -u root)\nexec envuidgid vpopmail tcpserver -u $U -g $G -x $Q 0 25 qmail-smtpd $R\n";
    qt_runscript rs;
    put("root/etc/passwd", d, n);
    if (qt_runscript_parse(&ctx, script, sizeof script - 1, "/service/smtps", &rs) == 0)
        for (int i = 0; i < rs.argc; i++)
            if (!rs.argv[i])
                abort();
    qt_runscript_free(&rs);
}

/* 3: control files, read by the service scan */
static void control(const char *d, size_t n)
{
    qt_servers s;
    char err[128];
    put("root/var/qmail/control/concurrencyincoming", d, n);
    put("root/var/qmail/control/timeoutsmtpd", d, n);
    put("root/var/qmail/control/stunnel.conf", d, n);
    put("root/service/smtps/supervise/status", d, n < 20 ? n : 20);
    if (qt_servers_collect(&ctx, NULL, &s, err, sizeof err) != 0)
        abort();
    for (size_t i = 0; i < s.n; i++)
        if (!memchr(s.v[i].name, '\0', sizeof s.v[i].name) || !memchr(s.v[i].hs_detail, '\0', sizeof s.v[i].hs_detail))
            abort();
    qt_servers_free(&s);
}

/* 4: "TARGET\nPATH": root/real/a/l -> TARGET, then PATH resolved in the root */
static void realpath_in_root(const char *d, size_t n)
{
    char target[1024], path[1024], out[512];
    const char *nl = memchr(d, '\n', n);
    size_t tl = nl ? (size_t)(nl - d) : n;
    snprintf(target, sizeof target, "%.*s", (int)(tl < sizeof target ? tl : sizeof target - 1), d);
    snprintf(path, sizeof path, "%s", nl ? nl + 1 : "/real/a/l/b");
    relink("root/real/a/l", target);
    relink("root/real/a/b/up", "../../../real/a/l");
    if (qt_rooted_realpath(&ctx, path, out, sizeof out)) {
        /* canonical: absolute, no empty, "." or ".." component (nothing
         * can climb out of the root) */
        if (out[0] != '/' || strstr(out, "//") || strstr(out, "/./") || strstr(out, "/../"))
            abort();
        size_t l = strlen(out);
        if ((l >= 2 && strcmp(out + l - 2, "/.") == 0) || (l >= 3 && strcmp(out + l - 3, "/..") == 0))
            abort();
    }
}

/* 5: environ block lookups */
static void environ_get(const char *d, size_t n)
{
    static const char *const names[] = {"TCPREMOTEIP", "SMTPS", "PATH", "", "A"};
    char *env = qt_malloc(n ? n : 1); /* exact size: ASan sees any overread */
    memcpy(env, d, n);
    for (size_t i = 0; i < QT_ARRAY_LEN(names); i++) {
        const char *v = qt_environ_get(env, n, names[i]);
        if (v && (v < env || v >= env + n || !memchr(v, '\0', (size_t)(env + n - v))))
            abort();
    }
    free(env);
}

static void read_procs(void)
{
    qt_procs t;
    char err[256];
    if (qt_procs_read(&ctx, &t, err, sizeof err) == 0) {
        qt_procs_load_all(&t);
        for (size_t i = 0; i < t.n; i++) {
            char *line = qt_proc_cmdline(&t.v[i]);
            for (const char *p = line; *p; p++)
                if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
                    abort(); /* display-safe */
            free(line);
        }
        qt_procs_seal(&t);
    }
    qt_procs_free(&t);
}

/* 6: status of the live process and of the zombie */
static void status(const char *d, size_t n)
{
    put("proc/4242/status", d, n);
    put("proc/4243/status", d, n);
    read_procs();
}

/* 7: cmdline */
static void cmdline(const char *d, size_t n)
{
    struct qt_proc p;
    put("proc/4242/cmdline", d, n);
    read_procs();
    memset(&p, 0, sizeof p);
    if (qt_proc_reread_cmdline(&ctx, 4242, &p) == 0) {
        for (int i = 0; i < p.argc; i++)
            if (!p.argv[i])
                abort();
        if (p.argc && p.argv[p.argc])
            abort();
    }
    free(p.argv); /* one block (argv_block) */
}

/* 8: btime */
static void btime(const char *d, size_t n)
{
    put("proc/stat", d, n);
    (void)qt_procs_boot_time(&ctx);
}

/* 9: fd links: each input line is the target of one fd of pid 4242 */
static void fd_links(const char *d, size_t n)
{
    struct qt_sock socks[3];
    struct qt_owner own[3];
    struct qt_stage_stats stats;
    qt_stage_state *st = NULL;
    qt_procs t;
    char err[256];
    int fd = 3;

    for (int i = 3; i < 11; i++) {
        char p[512], rel[64];
        snprintf(rel, sizeof rel, "proc/4242/fd/%d", i);
        path_of(p, sizeof p, rel);
        unlink(p);
    }
    while (n && fd < 11) {
        const char *nl = memchr(d, '\n', n);
        size_t l = nl ? (size_t)(nl - d) : n;
        char target[256], rel[64];
        snprintf(target, sizeof target, "%.*s", (int)(l < sizeof target ? l : sizeof target - 1), d);
        snprintf(rel, sizeof rel, "proc/4242/fd/%d", fd++);
        if (target[0])
            relink(rel, target);
        d += nl ? l + 1 : l;
        n -= nl ? l + 1 : l;
    }
    memset(socks, 0, sizeof socks);
    socks[0].family = 2;
    socks[0].state = QT_TCP_LISTEN;
    socks[0].lport = 465;
    socks[0].inode = 1234;
    socks[1].family = 2;
    socks[1].state = QT_TCP_ESTABLISHED;
    socks[1].lport = 465;
    socks[1].inode = 4294967295u;
    socks[2] = socks[1];
    socks[2].inode = 7;
    memset(own, 0, sizeof own);
    memset(&stats, 0, sizeof stats);
    if (qt_procs_read(&ctx, &t, err, sizeof err) == 0) {
        qt_stage_map(&st, &ctx, &t, socks, 3, own, &stats);
        for (int i = 0; i < 3; i++)
            if (own[i].stage >= QT_STAGE_COUNT || own[i].why >= QT_WHY_COUNT || (own[i].pid && own[i].pid != 4242))
                abort();
        qt_procs_seal(&t);
    }
    qt_stage_state_free(st);
    qt_procs_free(&t);
}

/* 10: --ports */
static void ports(const char *d, size_t n)
{
    qt_ctx c;
    char err[256];
    char *s = qt_strndup(d, n);
    qt_ctx_defaults(&c);
    if (qt_ctx_parse_ports(&c, s, err, sizeof err) == 0) {
        if (c.nservices < 1 || c.nservices > QT_MAX_SERVICES)
            abort();
        for (int i = 0; i < c.nservices; i++)
            if (c.services[i].port < 1 || c.services[i].port > 65535 ||
                !memchr(c.services[i].name, '\0', sizeof c.services[i].name))
                abort();
    } else if (!memchr(err, '\0', sizeof err)) {
        abort();
    }
    free(s);
}

/* 11: the command line: NUL-separated words after "qtriage" */
static void options(const char *d, size_t n)
{
    char *copy = qt_malloc(n + 1), *argv[66];
    int argc = 0;
    qt_options o;
    memcpy(copy, d, n);
    copy[n] = '\0';
    argv[argc++] = "qtriage";
    for (size_t i = 0; i <= n && argc < 65;) {
        argv[argc++] = copy + i;
        i += strlen(copy + i) + 1;
    }
    argv[argc] = NULL;
    (void)qt_options_parse(argc, argv, &o, devnull, devnull);
    free(copy);
}

/* 12, 13: the auth wizard's readers, in readers_wizard.c (the wizard's
 * internal header stays out of this file) */
static void wiz_passwd(const char *d, size_t n)
{
    put("root/etc/passwd", d, n);
    qt_fuzz_wiz_passwd(&ctx, d, n);
}

static void wiz_control(const char *d, size_t n)
{
    put("root/var/qmail/control/me", d, n);
    put("root/var/qmail/control/helohost", d, n);
    qt_fuzz_wiz_control(&ctx);
}

/* One message of a split-1 queue, every envelope file holding the input. */
static void queue(const char *d, size_t n)
{
    static int made;
    qt_queue_state *st = NULL;
    qt_queue q;
    const struct qt_qmsg *m;
    char err[256], why[256], *h;

    if (!made) {
        mkdirs("root/var/qmail/queue/mess/0");
        mkdirs("root/var/qmail/queue/info/0");
        mkdirs("root/var/qmail/queue/local/0");
        mkdirs("root/var/qmail/queue/remote/0");
        mkdirs("root/var/qmail/queue/todo");
        made = 1;
    }
    put("root/var/qmail/queue/mess/0/7", d, n);
    put("root/var/qmail/queue/info/0/7", d, n);
    put("root/var/qmail/queue/local/0/7", d, n);
    put("root/var/qmail/queue/remote/0/7", d, n);
    if (qt_queue_scan(&ctx, &st, 0, &q, err, sizeof err) != 0)
        abort();
    if (q.messages != 1 || q.listed != 1 || !(m = qt_queue_find(&q, 7)))
        abort();
    if (strlen(m->sender) > QT_QUEUE_ADDR_MAX || m->nrcpt > QT_QUEUE_RCPT_KEEP ||
        m->nrcpt > m->local_todo + m->remote_todo)
        abort();
    for (unsigned i = 0; i < m->nrcpt; i++)
        if (strlen(m->rcpt[i]) > QT_QUEUE_ADDR_MAX || (m->rcpt[i][0] != 'L' && m->rcpt[i][0] != 'R'))
            abort();
    if ((h = qt_queue_headers(&ctx, &q, 7, why, sizeof why))) {
        fputs(h, devnull);
        free(h);
    }
    /* the scan looked up the AUTH user of its top sender in mess/0/7 */
    if (q.nsenders && q.senders[0].auth && strlen(q.senders[0].auth) >= QT_QUEUE_AUTH_MAX)
        abort();
    if (qt_queue_auth_user(d, n, err, sizeof err) != (int)(*err != 0) || strlen(err) >= sizeof err)
        abort();
    qt_queue_free(&q);
    qt_queue_state_free(st);
}

/* 15: users/assign, read for the vpasswd.cdb of a service running vchkpw */
static void assign(const char *d, size_t n)
{
    qt_servers s;
    char err[128];
    put("root/var/qmail/users/assign", d, n);
    if (qt_servers_collect(&ctx, NULL, &s, err, sizeof err) != 0)
        abort();
    for (size_t i = 0; i < s.n; i++)
        if (!memchr(s.v[i].auth_path, '\0', sizeof s.v[i].auth_path) ||
            !memchr(s.v[i].auth_why, '\0', sizeof s.v[i].auth_why) || (s.v[i].auth_denied && !s.v[i].auth_why[0]))
            abort();
    qt_servers_free(&s);
}

/* the firewall parsers (diag/firewall) on exactly n bytes, then coverage */
static void firewall(int nft, const char *d, size_t n)
{
    qt_firewall fw = {0};
    qt_findings out = {0};
    char err[200], *b = qt_malloc(n ? n : 1);
    static const unsigned ports[] = {25, 465, 993};

    memcpy(b, d, n);   /* exactly n bytes: ASan sees any overread */
    if (nft) {
        if (qt_fw_parse_nft(&fw, b, n, err, sizeof err) == 0)
            fw.nft_read = 1;
    } else {
        qt_fw_parse_save(&fw, b, n, QT_FW_V4, "iptables-legacy");
        qt_fw_parse_save(&fw, b, n, QT_FW_V6, "ip6tables-legacy");
        fw.legacy_in_use[0] = fw.legacy_in_use[1] = fw.legacy_read[0] = fw.legacy_read[1] = 1;
    }
    qt_fw_pick_tool(&fw);
    for (size_t i = 0; i < fw.nrules; i++)
        if (!fw.rules[i].text || !fw.rules[i].fam || fw.rules[i].nports > QT_FW_MAXPORTS)
            abort();
    for (int i = 0; i < 3; i++) {
        fw.svc[i].name = "svc";
        fw.svc[i].port = ports[i];
        fw.svc[i].fam = QT_FW_V4 | QT_FW_V6;
        fw.svc[i].fe_limit = -1;
    }
    fw.nsvc = 3;
    qt_fw_analyse(&fw, &out);
    qt_findings_free(&out);
    qt_fw_free(&fw);
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    const char *d = (const char *)data + 1;
    size_t n;
    char *z;

    if (!ready) {
        init();
        ready = 1;
    }
    if (size < 1)
        return 0;
    n = size - 1;
    switch (data[0] % 20) {
    case 0: {
        struct qt_supervise_status st;
        unsigned char *b = qt_malloc(n ? n : 1);
        memcpy(b, d, n);
        if (qt_supervise_status_parse(b, n, &st) == 0 && (st.pid < 0 || !st.readable))
            abort();
        free(b);
        break;
    }
    case 1: z = qt_strndup(d, n); services(z, n); free(z); break;
    case 2: passwd(d, n); break;
    case 3: control(d, n); break;
    case 4: z = qt_strndup(d, n); realpath_in_root(z, strlen(z)); free(z); break;
    case 5: environ_get(d, n); break;
    case 6: status(d, n); break;
    case 7: cmdline(d, n); break;
    case 8: btime(d, n); break;
    case 9: fd_links(d, n); break;
    case 10: ports(d, n); break;
    case 11: options(d, n); break;
    case 12: wiz_passwd(d, n); break;
    case 13: wiz_control(d, n); break;
    case 14: queue(d, n); break;
    case 15: assign(d, n); break;
    case 16: {
        struct qt_rulesvar v;
        unsigned char *b = qt_malloc(n ? n : 1);
        memcpy(b, d, n);   /* exactly n bytes: ASan sees any overread */
        if (qt_rulescdb_var(b, n, "MAXCONNIP", &v) == 0 && (v.dflt > v.max || (v.rules && v.min > v.max)))
            abort();
        free(b);
        break;
    }
    case 17: kernel(d, n); break;
    case 18:
    case 19: firewall(data[0] % 20 == 18, d, n); break;
    }
    return 0;
}
