/* sslserver (stand-in) - the process shape of fehcom ucspi-ssl 0.9x
 * sslserver (UCSPI-TLS), without TLS, for tests on loopback.
 *
 *   sslserver [-c LIMIT] [-s] [-n] [-T SECS] HOST PORT PROGRAM [ARG...]
 *
 * Like fehcom's src/sslserver.c: the listener accepts, forks a child per
 * connection (at most LIMIT, default 40: the -c slots); the child forks
 * again and the grandchild execs PROGRAM at once - before any handshake -
 * with stdin/stdout on pipes to the child and the TCP socket still open
 * (inherited, as in doit()); the child stays as the "TLS" side and waits
 * for the client. -s makes the grandchild wait until the client has sent
 * a byte before exec (fehcom -s waits for the SSL environment); -n is
 * accepted (and ignored). -T bounds the wait for the client's first byte
 * (default 26 s, fehcom's ssltimeout) like fehcom's handshake deadline.
 *
 * When the client closes, the child ends the program and exits, unless
 * QT_FEH_EOFBUG=1 is set: then it closes the socket, ends the program and
 * stays alive (sleeping), holding its -c slot with no TCP connection - the
 * 0.95b behaviour without SSL_OP_IGNORE_UNEXPECTED_EOF, minus the CPU burn.
 *
 * The binary carries fehcom 0.95b's getopt string so qtriage's variant scan
 * (diag/parse/elfstrings.c) reads it as fehcom sslserver. Loopback only. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* fehcom ucspi-ssl 0.95b src/sslserver.c: the getopt string */
static const char fehcom_opts[] = "1346dDvVqQhHrRUXx:t:T:u:g:l:b:B:c:pPoOIEeSsw:nNzZm";

static volatile sig_atomic_t children;

static void reap(int sig)
{
    int e = errno;
    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        children--;
    errno = e;
}

static void usage(void)
{
    fprintf(stderr, "sslserver: usage: sslserver [-c limit] [-s] [-n] [-T secs] host port program\n");
    exit(100);
}

/* The per-connection "TLS" side: wait for the client, as fehcom's child
 * waits in ssl_timeoutaccept(). */
static void front(int t, pid_t prog, int envwait_fd, int deadline)
{
    char buf[512];
    int waited = 0, got = 0;

    for (;;) {
        struct pollfd p = {.fd = t, .events = POLLIN};
        int r = poll(&p, 1, 1000);
        ssize_t n;
        if (r == 0) {
            if (!got && ++waited >= deadline)
                break; /* handshake deadline */
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        n = read(t, buf, sizeof buf);
        if (n > 0) {
            if (!got && envwait_fd >= 0 && write(envwait_fd, "Y", 1) != 1)
                break;
            got = 1;
            continue;
        }
        break; /* EOF or error: the client left */
    }
    if (getenv("QT_FEH_EOFBUG") && strcmp(getenv("QT_FEH_EOFBUG"), "1") == 0) {
        close(t);
        kill(prog, SIGTERM);
        waitpid(prog, NULL, 0);
        for (;;)
            pause(); /* the slot stays taken; no socket left */
    }
    kill(prog, SIGTERM);
    waitpid(prog, NULL, 0);
    _exit(0);
}

static void doit(int t, char **prog, int envwait, int deadline)
{
    int pi[2], po[2], ctl[2] = {-1, -1};
    pid_t pid;

    if (pipe(pi) != 0 || pipe(po) != 0 || (envwait && pipe(ctl) != 0))
        _exit(111);
    pid = fork();
    if (pid < 0)
        _exit(111);
    if (pid == 0) {
        char c;
        close(pi[1]);
        close(po[0]);
        if (envwait) {
            close(ctl[1]);
            if (read(ctl[0], &c, 1) != 1)
                _exit(111);
            close(ctl[0]);
        }
        if (dup2(pi[0], 0) < 0 || dup2(po[1], 1) < 0)
            _exit(111);
        execvp(prog[0], prog); /* t stays open: the program holds the socket too */
        _exit(111);
    }
    close(pi[0]);
    close(po[1]);
    if (envwait)
        close(ctl[0]);
    front(t, pid, envwait ? ctl[1] : -1, deadline);
}

int main(int argc, char **argv)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    long limit = 40, deadline = 26;
    int envwait = 0, s, one = 1, opt;
    struct sigaction sc = {.sa_handler = reap};

    if (argc > 1000)
        puts(fehcom_opts); /* keep the string in the binary */
    while ((opt = getopt(argc, argv, "+c:snT:")) != -1) {
        switch (opt) {
        case 'c': limit = strtol(optarg, NULL, 10); break;
        case 's': envwait = 1; break;
        case 'n': break;
        case 'T': deadline = strtol(optarg, NULL, 10); break;
        default: usage();
        }
    }
    if (argc - optind < 3 || limit < 1 || deadline < 1)
        usage();
    if (inet_pton(AF_INET, argv[optind], &sa.sin_addr) != 1 || (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "sslserver: loopback IPv4 addresses only\n");
        return 100;
    }
    sa.sin_port = htons((unsigned short)strtoul(argv[optind + 1], NULL, 10));
    s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s, 64) != 0) {
        perror("sslserver: listen");
        return 111;
    }
    sigemptyset(&sc.sa_mask);
    sc.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sc, NULL);
    for (;;) {
        int t;
        pid_t pid;
        while (children >= limit)
            usleep(100000); /* the -c limit: accept nothing until a child exits */
        t = accept(s, NULL, NULL); /* no SOCK_CLOEXEC: the program inherits it */
        if (t < 0)
            continue;
        pid = fork();
        if (pid == 0) {
            sigaction(SIGCHLD, &(struct sigaction){.sa_handler = SIG_DFL}, NULL);
            close(s);
            doit(t, argv + optind + 2, envwait, (int)deadline);
        }
        if (pid > 0)
            children++;
        close(t);
    }
}
