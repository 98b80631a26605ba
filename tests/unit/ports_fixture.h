/* ports_fixture.h - build fake /proc trees for the Ports tests: processes
 * (stat, cmdline, fd/N -> socket:[INODE]) and net/tcp{,6} lines, in a
 * temporary directory that a qt_ctx points at with ctx.proc.
 *
 * The layouts follow the real files: stat as fs/proc/array.c prints it,
 * fd entries as symlinks whose target is "socket:[N]", net/tcp lines as
 * net/ipv4/tcp_ipv4.c prints them (host-order hex words). Header-only,
 * for test programs. */
#ifndef QT_PORTS_FIXTURE_H
#define QT_PORTS_FIXTURE_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FX_BTIME 1700000000.0

struct fx {
    char dir[64];
    char tcp[16384], tcp6[16384];
    int n4, n6;
};

static void fx_write(const char *path, const char *data, size_t len) __attribute__((unused));
static void fx_write(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "w");
    if (!f || fwrite(data, 1, len, f) != len) {
        perror(path);
        abort();
    }
    fclose(f);
}

__attribute__((unused)) static void fx_init(struct fx *x)
{
    char p[256];
    snprintf(x->dir, sizeof x->dir, "/tmp/qt-portsfx-XXXXXX");
    if (!mkdtemp(x->dir))
        abort();
    snprintf(p, sizeof p, "%s/stat", x->dir);
    fx_write(p, "cpu  1 2 3 4\nbtime 1700000000\n", 30);
    snprintf(p, sizeof p, "%s/net", x->dir);
    mkdir(p, 0755);
    x->n4 = x->n6 = 0;
    snprintf(x->tcp, sizeof x->tcp, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
    snprintf(x->tcp6, sizeof x->tcp6, "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
}

/* A process: argv words separated by single spaces; start in clock ticks after boot. */
__attribute__((unused)) static void fx_proc(struct fx *x, int pid, int ppid, char state, unsigned long long ticks, const char *argv,
                    const unsigned *inodes, int ninodes)
{
    char p[256], buf[1024], comm[16];
    const char *base = argv;
    size_t n;

    snprintf(p, sizeof p, "%s/%d", x->dir, pid);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/%d/fd", x->dir, pid);
    mkdir(p, 0755);
    /* comm: basename of argv[0], cut at 15 bytes like the kernel */
    for (const char *c = argv; *c && *c != ' '; c++)
        if (*c == '/')
            base = c + 1;
    n = strcspn(base, " ");
    snprintf(comm, sizeof comm, "%.*s", (int)(n > 15 ? 15 : n), base);
    n = (size_t)snprintf(buf, sizeof buf,
                         "%d (%s) %c %d %d %d 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 %llu 1000 100 18446744073709551615\n",
                         pid, comm, state, ppid, pid, pid, ticks);
    snprintf(p, sizeof p, "%s/%d/stat", x->dir, pid);
    fx_write(p, buf, n);
    snprintf(buf, sizeof buf, "%s", state == 'Z' ? "" : argv);
    n = strlen(buf);
    for (size_t i = 0; i < n; i++)
        if (buf[i] == ' ')
            buf[i] = '\0';
    snprintf(p, sizeof p, "%s/%d/cmdline", x->dir, pid);
    fx_write(p, buf, n ? n + 1 : 0);
    for (int i = 0; i < ninodes; i++) {
        char target[64];
        snprintf(p, sizeof p, "%s/%d/fd/%d", x->dir, pid, i + 3);
        snprintf(target, sizeof target, "socket:[%u]", inodes[i]);
        if (symlink(target, p) != 0)
            abort();
    }
    /* a pipe too, as real fd lists have */
    snprintf(p, sizeof p, "%s/%d/fd/%d", x->dir, pid, ninodes + 3);
    if (symlink("pipe:[99]", p) != 0)
        abort();
}

/* Give the process an image key (stat startcode ^ startstack, which an
 * exec changes): appends vsize..startstack-style fields to its stat line. */
__attribute__((unused)) static void fx_image(struct fx *x, int pid, unsigned long long image)
{
    char p[256], buf[1024];
    size_t n;
    FILE *f;

    snprintf(p, sizeof p, "%s/%d/stat", x->dir, pid);
    f = fopen(p, "r");
    if (!f)
        abort();
    n = fread(buf, 1, sizeof buf - 64, f);
    fclose(f);
    if (n == 0 || buf[n - 1] != '\n')
        abort();
    n += (size_t)snprintf(buf + n - 1, 64, " %llu 0 0\n", image) - 1;
    fx_write(p, buf, n);
}

/* One more descriptor of pid: fd -> socket:[inode] (fx_proc puts sockets at fd 3 and up). */
__attribute__((unused)) static void fx_fd(struct fx *x, int pid, int fd, unsigned inode)
{
    char p[256], target[64];
    snprintf(p, sizeof p, "%s/%d/fd/%d", x->dir, pid, fd);
    snprintf(target, sizeof target, "socket:[%u]", inode);
    if (symlink(target, p) != 0)
        abort();
}

/* The fd list cannot be read (as for another user's process). */
__attribute__((unused)) static void fx_unreadable(struct fx *x, int pid)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s/%d/fd && touch %s/%d/fd", x->dir, pid, x->dir, pid);
    if (system(cmd) != 0)
        abort();
}

__attribute__((unused)) static void fx_gone(struct fx *x, int pid)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s/%d", x->dir, pid);
    if (system(cmd) != 0)
        abort();
}

__attribute__((unused)) static void hexaddr(const char *ip, char *out, size_t n)
{
    unsigned char a[16];
    uint32_t w[4];
    if (strchr(ip, ':')) {
        if (inet_pton(AF_INET6, ip, a) != 1)
            abort();
        memcpy(w, a, 16);
        snprintf(out, n, "%08X%08X%08X%08X", w[0], w[1], w[2], w[3]);
    } else {
        if (inet_pton(AF_INET, ip, a) != 1)
            abort();
        memcpy(w, a, 4);
        snprintf(out, n, "%08X", w[0]);
    }
}

/* One socket line; state as the kernel number (1 ESTAB, 8 CLOSE-WAIT, 10 LISTEN). */
__attribute__((unused)) static void fx_sock(struct fx *x, const char *lip, unsigned lport, const char *rip, unsigned rport, unsigned state,
                    unsigned rxq, unsigned inode)
{
    char la[40], ra[40], line[512];
    int v6 = strchr(lip, ':') != NULL;
    hexaddr(lip, la, sizeof la);
    hexaddr(rip, ra, sizeof ra);
    snprintf(line, sizeof line, "%4d: %s:%04X %s:%04X %02X %08X:%08X 00:00000000 00000000     0        0 %u 1 0000000000000000 20 4 30 10 -1\n",
             v6 ? x->n6++ : x->n4++, la, lport, ra, rport, state, 0u, rxq, inode);
    strncat(v6 ? x->tcp6 : x->tcp, line, sizeof x->tcp - strlen(v6 ? x->tcp6 : x->tcp) - 1);
}

__attribute__((unused)) static void fx_flush(struct fx *x)
{
    char p[256];
    snprintf(p, sizeof p, "%s/net/tcp", x->dir);
    fx_write(p, x->tcp, strlen(x->tcp));
    snprintf(p, sizeof p, "%s/net/tcp6", x->dir);
    fx_write(p, x->tcp6, strlen(x->tcp6));
}

__attribute__((unused)) static void fx_rm(struct fx *x)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", x->dir);
    if (system(cmd) != 0)
        abort();
}

/* The incident scenario used by the stage and pane tests. Services:
 * 0 smtps=465 (SSL-patched tcpserver), 1 pop3s=995 (plain tcpserver
 * running stunnel), 2 lab=24465 (socat OPENSSL-LISTEN fork), 3 imap=143
 * (one process serving many). Start ticks are 1/100 s after FX_BTIME. */
#define FX_PORTS "smtps=465,pop3s=995,lab=24465,imap=143"
__attribute__((unused)) static void fx_scenario(struct fx *x)
{
    static const unsigned l200[] = {1000}, c201[] = {1001}, c202[] = {1002}, c204[] = {1003}, c206[] = {1004};
    static const unsigned l300[] = {2000, 2010}, c301[] = {2001}, c302[] = {2002}, c304[] = {2003};
    static const unsigned l500[] = {3000}, c501[] = {3001}, c502[] = {3002}, s600[] = {4000, 4001, 4002};
    const char *ssl = "/usr/bin/tcpserver -s -n cert.pem -v -R -c 4 -u 89 0 465 /var/qmail/bin/qmail-smtpd";
    const char *plain = "tcpserver -v -R -H -l 0 -c 20 0 995 stunnel4 /etc/stunnel/pop3s.conf";
    const char *socat = "socat OPENSSL-LISTEN:24465,bind=127.0.0.1,reuseaddr,fork,cert=lab.pem,verify=0 EXEC:/usr/local/bin/qmail-smtpd";

    fx_init(x);
    fx_proc(x, 1, 0, 'S', 1, "/sbin/init", NULL, 0);
    fx_proc(x, 100, 1, 'S', 100, "svscan /service", NULL, 0);
    fx_proc(x, 101, 100, 'S', 100, "supervise smtps", NULL, 0);
    fx_proc(x, 200, 101, 'S', 200, ssl, l200, 1);
    fx_proc(x, 201, 200, 'S', 1000, ssl, c201, 1);                /* stuck in SSL_accept */
    fx_proc(x, 202, 200, 'S', 5000, ssl, c202, 1);                /* relaying ... */
    fx_proc(x, 203, 202, 'S', 5000, "/var/qmail/bin/qmail-smtpd", NULL, 0);  /* ... to the mail program */
    fx_proc(x, 204, 200, 'S', 2000, ssl, c204, 1);                /* stuck, its qmail-smtpd timed out */
    fx_proc(x, 205, 204, 'Z', 2000, "qmail-smtpd", NULL, 0);
    fx_proc(x, 206, 200, 'S', 8000, "qmail-smtpd", c206, 1);      /* v4-mapped peer */
    fx_proc(x, 300, 1, 'S', 300, plain, l300, 2);
    fx_proc(x, 301, 300, 'S', 3000, "stunnel4 /etc/stunnel/pop3s.conf", c301, 1);
    fx_proc(x, 302, 300, 'S', 3000, "stunnel4 /etc/stunnel/pop3s.conf", c302, 1);
    fx_proc(x, 303, 302, 'S', 3000, "/var/qmail/bin/qmail-popup mail.example.com /bin/checkpassword /var/qmail/bin/qmail-pop3d Maildir", NULL, 0);
    fx_proc(x, 304, 300, 'S', 9000, plain, c304, 1);              /* forked, before exec */
    fx_proc(x, 400, 1, 'S', 400, "/usr/sbin/secretd", NULL, 0);
    fx_unreadable(x, 400);
    fx_proc(x, 500, 1, 'S', 500, socat, l500, 1);
    fx_proc(x, 501, 500, 'S', 4000, socat, c501, 1);
    fx_proc(x, 502, 500, 'S', 4000, socat, c502, 1);
    fx_proc(x, 503, 502, 'S', 4000, "/bin/cat", NULL, 0);
    fx_proc(x, 600, 1, 'S', 600, "/usr/sbin/imapsrv", s600, 3);

    fx_sock(x, "0.0.0.0", 465, "0.0.0.0", 0, 10, 1, 1000);
    fx_sock(x, "127.0.0.1", 465, "198.51.100.7", 40001, 1, 0, 1001);
    fx_sock(x, "127.0.0.1", 465, "198.51.100.7", 40002, 1, 0, 1002);
    fx_sock(x, "127.0.0.1", 465, "198.51.100.8", 40003, 1, 0, 1003);
    fx_sock(x, "127.0.0.1", 465, "198.51.100.7", 40005, 1, 0, 0);     /* queued */
    fx_sock(x, "::ffff:127.0.0.1", 465, "::ffff:203.0.113.9", 40004, 1, 0, 1004);
    fx_sock(x, "0.0.0.0", 995, "0.0.0.0", 0, 10, 0, 2000);
    fx_sock(x, "::", 995, "::", 0, 10, 0, 2010);
    fx_sock(x, "127.0.0.1", 995, "198.51.100.7", 41001, 1, 0, 2001);
    fx_sock(x, "127.0.0.1", 995, "198.51.100.9", 41002, 1, 0, 2002);
    fx_sock(x, "127.0.0.1", 995, "198.51.100.9", 41003, 1, 0, 2003);
    fx_sock(x, "::1", 995, "2001:db8::5", 41004, 8, 0, 2004);     /* nobody visible holds it */
    fx_sock(x, "127.0.0.1", 24465, "0.0.0.0", 0, 10, 0, 3000);
    fx_sock(x, "127.0.0.1", 24465, "127.0.0.2", 42001, 1, 0, 3001);
    fx_sock(x, "127.0.0.1", 24465, "127.0.0.3", 42002, 1, 0, 3002);
    fx_sock(x, "0.0.0.0", 143, "0.0.0.0", 0, 10, 0, 4000);
    fx_sock(x, "127.0.0.1", 143, "127.0.0.4", 43001, 1, 0, 4001);
    fx_sock(x, "127.0.0.1", 143, "127.0.0.4", 43002, 1, 0, 4002);
    fx_sock(x, "127.0.0.1", 25, "127.0.0.4", 43003, 1, 0, 4003);      /* not watched */
    fx_flush(x);
}

#endif
