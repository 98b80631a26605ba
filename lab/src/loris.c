/* loris - one process holding many slow client connections on loopback.
 *
 *   loris -p PORT -s SRC[:N][,SRC[:N]...] [-n N] [-m MODE] [-t HOLD]
 *         [-H DSTADDR] [-i SECONDS] [-r] [-o STATUSFILE]
 *   -p PORT      destination port (required)
 *   -H DSTADDR   destination IPv4 address (default 127.0.0.1); must be 127/8
 *   -s LIST      source addresses (127/8 only); SRC:N holds N connections from
 *                SRC, a bare SRC holds -n connections (default 1)
 *   -m MODE      silent       connect and say nothing
 *                partial-tls  send a TLS record header + the start of a
 *                             ClientHello that is never completed
 *                drip         send a never-ending ClientHello, one byte every
 *                             -i seconds (default 3)
 *   -t HOLD      hard upper bound of the process's life in seconds (default
 *                600); everything is closed and loris exits at that point
 *   -r           reconnect when the server closes a connection (scanner-like
 *                churn); without it a closed connection stays closed
 *   -o FILE      rewrite FILE (atomically) every second with one line:
 *                "wanted=W established=E connecting=C closed=X reconnects=R"
 * Connect failures are retried every second until HOLD.  At most 1000
 * connections per process.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXCONN 1000

enum mode { SILENT, PARTIAL_TLS, DRIP };
enum state { IDLE, CONNECTING, UP, DEAD };

struct conn {
    struct in_addr src;
    int fd;
    enum state st;
    double next;   /* time of next action: connect retry or drip byte */
    size_t sent;   /* drip progress */
};

static struct conn conns[MAXCONN];
static int nconn;
static struct sockaddr_in dst;
static enum mode mode = SILENT;
static double drip_s = 3;
static int reconnect;
static long reconnects;
static volatile sig_atomic_t stop;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

/* A ClientHello that claims 16384 bytes: it can never complete. */
static const unsigned char hello_head[] = {
    0x16, 0x03, 0x01, 0x40, 0x00,       /* handshake record, 16384 bytes */
    0x01, 0x00, 0x3f, 0xfc,             /* ClientHello, 16380 bytes */
    0x03, 0x03,                         /* TLS 1.2 */
};

static unsigned char drip_byte(size_t i)
{
    return i < sizeof hello_head ? hello_head[i] : (unsigned char)(0x41 + i % 26);
}

static void start_connect(struct conn *c, double t)
{
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        c->st = IDLE;
        c->next = t + 1;
        return;
    }
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = c->src };
    if (bind(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        (connect(c->fd, (struct sockaddr *)&dst, sizeof dst) != 0 &&
         errno != EINPROGRESS)) {
        close(c->fd);
        c->fd = -1;
        c->st = IDLE;
        c->next = t + 1;
        return;
    }
    c->st = CONNECTING;
    c->sent = 0;
}

static void on_up(struct conn *c, double t)
{
    c->st = UP;
    if (mode == PARTIAL_TLS) {
        ssize_t w = send(c->fd, hello_head, sizeof hello_head, MSG_NOSIGNAL);
        (void)w;
    } else if (mode == DRIP) {
        c->next = t; /* first byte now */
    }
}

static void on_closed(struct conn *c, double t)
{
    close(c->fd);
    c->fd = -1;
    if (reconnect) {
        c->st = IDLE;
        c->next = t + 0.2;
        reconnects++;
    } else {
        c->st = DEAD;
    }
}

static int parse_sources(char *list, long defn)
{
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        long n = defn;
        char *colon = strchr(tok, ':');
        if (colon) {
            *colon = 0;
            n = atol(colon + 1);
        }
        struct in_addr a;
        if (inet_pton(AF_INET, tok, &a) != 1 || (ntohl(a.s_addr) >> 24) != 127) {
            fprintf(stderr, "loris: source %s is not a 127/8 address\n", tok);
            return -1;
        }
        if (n < 0 || nconn + n > MAXCONN) {
            fprintf(stderr, "loris: too many connections (max %d)\n", MAXCONN);
            return -1;
        }
        for (long i = 0; i < n; i++) {
            conns[nconn].src = a;
            conns[nconn].fd = -1;
            conns[nconn].st = IDLE;
            nconn++;
        }
    }
    return 0;
}

static void write_status(const char *path)
{
    int e = 0, c = 0, x = 0;
    for (int i = 0; i < nconn; i++) {
        e += conns[i].st == UP;
        c += conns[i].st == CONNECTING;
        x += conns[i].st == DEAD;
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    fprintf(f, "wanted=%d established=%d connecting=%d closed=%d reconnects=%ld\n",
            nconn, e, c, x, reconnects);
    if (fclose(f) == 0)
        rename(tmp, path);
}

static void usage(void)
{
    fprintf(stderr, "usage: loris -p PORT -s SRC[:N][,SRC[:N]...] [-n N] "
                    "[-m silent|partial-tls|drip] [-t HOLD] [-H DST] [-i SECONDS] "
                    "[-r] [-o STATUSFILE]\n");
    exit(100);
}

int main(int argc, char **argv)
{
    long port = 0, defn = 1;
    double hold = 600;
    char *sources = NULL, *statusfile = NULL;
    const char *dsthost = "127.0.0.1";
    int c;
    while ((c = getopt(argc, argv, "p:s:n:m:t:H:i:ro:")) != -1) {
        switch (c) {
        case 'p': port = atol(optarg); break;
        case 's': sources = strdup(optarg); break; /* keep argv intact for ps */
        case 'n': defn = atol(optarg); break;
        case 'm':
            if (!strcmp(optarg, "silent")) mode = SILENT;
            else if (!strcmp(optarg, "partial-tls")) mode = PARTIAL_TLS;
            else if (!strcmp(optarg, "drip")) mode = DRIP;
            else usage();
            break;
        case 't': hold = atof(optarg); break;
        case 'H': dsthost = optarg; break;
        case 'i': drip_s = atof(optarg); break;
        case 'r': reconnect = 1; break;
        case 'o': statusfile = optarg; break;
        default: usage();
        }
    }
    if (port <= 0 || port > 65535 || !sources || hold <= 0 || drip_s <= 0)
        usage();
    dst.sin_family = AF_INET;
    dst.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, dsthost, &dst.sin_addr) != 1 ||
        (ntohl(dst.sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "loris: destination %s is not a 127/8 address\n", dsthost);
        return 100;
    }
    if (parse_sources(sources, defn) != 0)
        return 100;

    struct sigaction sa = { .sa_handler = on_term };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    double t0 = now(), end = t0 + hold, last_status = 0;
    static struct pollfd pfd[MAXCONN];
    static int idx[MAXCONN];
    while (!stop) {
        double t = now();
        if (t >= end)
            break;
        double wake = end;
        for (int i = 0; i < nconn; i++) {
            struct conn *k = &conns[i];
            if (k->st == IDLE && t >= k->next)
                start_connect(k, t);
            if (k->st == UP && mode == DRIP && t >= k->next) {
                unsigned char b = drip_byte(k->sent);
                if (send(k->fd, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
                    k->sent++;
                k->next = t + drip_s;
            }
            if ((k->st == IDLE || (k->st == UP && mode == DRIP)) && k->next < wake)
                wake = k->next;
        }
        if (statusfile && t - last_status >= 1) {
            write_status(statusfile);
            last_status = t;
        }
        if (statusfile && last_status + 1 < wake)
            wake = last_status + 1;
        int np = 0;
        for (int i = 0; i < nconn; i++) {
            if (conns[i].st == CONNECTING) {
                pfd[np] = (struct pollfd){ .fd = conns[i].fd, .events = POLLOUT };
                idx[np++] = i;
            } else if (conns[i].st == UP) {
                pfd[np] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN | POLLRDHUP };
                idx[np++] = i;
            }
        }
        int ms = (int)((wake - t) * 1000) + 1;
        if (ms < 1)
            ms = 1;
        int r = poll(pfd, (nfds_t)np, ms);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            perror("loris: poll");
            break;
        }
        t = now();
        for (int j = 0; j < np && r > 0; j++) {
            if (!pfd[j].revents)
                continue;
            struct conn *k = &conns[idx[j]];
            if (k->st == CONNECTING) {
                int err = 0;
                socklen_t el = sizeof err;
                getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &el);
                if (err == 0 && (pfd[j].revents & POLLOUT)) {
                    on_up(k, t);
                } else { /* refused or reset: retry in a second */
                    close(k->fd);
                    k->fd = -1;
                    k->st = IDLE;
                    k->next = t + 1;
                }
            } else if (k->st == UP) {
                char buf[4096];
                ssize_t n = recv(k->fd, buf, sizeof buf, MSG_DONTWAIT);
                if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) ||
                    (pfd[j].revents & (POLLHUP | POLLERR)))
                    on_closed(k, t);
            }
        }
    }
    for (int i = 0; i < nconn; i++)
        if (conns[i].fd >= 0)
            close(conns[i].fd);
    if (statusfile)
        unlink(statusfile);
    return 0;
}
