/* ports_record.c - stage known sockets on loopback and record what the
 * kernel says about them, as fixtures for the unit tests:
 *   DIR/nl-v4.bin, DIR/nl-v6.bin   raw recv() buffers of the inet_diag dumps
 *                                  (filter: ports 24601, 24602)
 *   DIR/proc-net-tcp, proc-net-tcp6  /proc/net/tcp{,6}: header + the lines of
 *                                  ports 24601-24603 (nothing else of this machine)
 * Staged (see tests/fixtures/ports/README.md for the expected values):
 *   127.0.0.1:24601 LISTEN backlog 7: clients from 127.0.0.2 and .3 accepted
 *     (.2 sent 5 bytes and got 7), .4 not accepted (queued), .6 accepted and
 *     then closed by the client (CLOSE-WAIT)
 *   [::]:24602 LISTEN backlog 5, dual stack: a v4 client from 127.0.0.5
 *     (IPv4-mapped) and a v6 client from ::1, both accepted
 *   127.0.0.1:24603 LISTEN: outside the filter
 * Usage: ports_record DIR  (run as any user; loopback only) */
#include "diag/ports/sockets.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "ports_record: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int listener4(const char *ip, int port, int backlog)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);
    inet_pton(AF_INET, ip, &a.sin_addr);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, backlog))
        die("listen v4");
    return s;
}

static int client4(const char *src, const char *dst, int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET}, b = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int s = socket(AF_INET, SOCK_STREAM, 0);
    inet_pton(AF_INET, src, &a.sin_addr);
    inet_pton(AF_INET, dst, &b.sin_addr);
    if (bind(s, (struct sockaddr *)&a, sizeof a) || connect(s, (struct sockaddr *)&b, sizeof b))
        die("connect v4");
    return s;
}

static void tap(const void *buf, size_t len, void *arg)
{
    if (fwrite(buf, 1, len, arg) != len)
        die("write");
}

static void record_nl(const char *dir, const char *name, int family, const unsigned *ports)
{
    char path[4096], err[256];
    struct qt_sockfilter f = {.ports = ports, .nports = 2, .states = QT_SOCK_STATES};
    qt_socklist l = {0};
    FILE *out;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!(out = fopen(path, "wb")))
        die(path);
    if (qt_sock_nl_dump(family, &f, 1, &l, tap, out, err, sizeof err) != 0) {
        fprintf(stderr, "ports_record: %s\n", err);
        exit(1);
    }
    fclose(out);
    printf("%s: %zu sockets\n", name, l.n);
    qt_socklist_free(&l);
}

static void record_proc(const char *dir, const char *src, const char *name, const char *const *pat)
{
    char path[4096], line[512];
    FILE *in = fopen(src, "r"), *out;
    int first = 1;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!in || !(out = fopen(path, "w")))
        die(path);
    while (fgets(line, sizeof line, in)) {
        /* local address field holds the port in hex after the first ':' of the address */
        int keep = first;
        for (int i = 0; pat[i] && !keep; i++)
            if (strstr(line, pat[i]))
                keep = 1;
        if (keep)
            fputs(line, out);
        first = 0;
    }
    fclose(in);
    fclose(out);
}

int main(int argc, char **argv)
{
    static const unsigned ports[] = {24601, 24602};
    static const char *const pat[] = {":6019 ", ":601A ", ":601B ", NULL}; /* 24601..24603 in hex */
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(24602), .sin6_addr = IN6ADDR_ANY_INIT};
    struct sockaddr_in6 lo6 = {.sin6_family = AF_INET6, .sin6_port = htons(24602), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    int zero = 0, one = 1, l1, l2, l3, c1, c2, c6, c5, a1, acw;
    char buf[16];

    if (argc != 2) {
        fprintf(stderr, "usage: ports_record DIR\n");
        return 2;
    }
    l1 = listener4("127.0.0.1", 24601, 7);
    l3 = listener4("127.0.0.1", 24603, 3);
    l2 = socket(AF_INET6, SOCK_STREAM, 0);
    setsockopt(l2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(l2, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (bind(l2, (struct sockaddr *)&a6, sizeof a6) || listen(l2, 5))
        die("listen v6");

    c1 = client4("127.0.0.2", "127.0.0.1", 24601);
    a1 = accept(l1, NULL, NULL);
    c2 = client4("127.0.0.3", "127.0.0.1", 24601);
    (void)accept(l1, NULL, NULL);
    c6 = client4("127.0.0.6", "127.0.0.1", 24601);
    acw = accept(l1, NULL, NULL);
    (void)client4("127.0.0.4", "127.0.0.1", 24601);   /* stays in the accept queue */
    (void)client4("127.0.0.5", "127.0.0.1", 24602);   /* v4 to the dual-stack listener */
    (void)accept(l2, NULL, NULL);
    c5 = socket(AF_INET6, SOCK_STREAM, 0);
    if (connect(c5, (struct sockaddr *)&lo6, sizeof lo6))
        die("connect v6");
    (void)accept(l2, NULL, NULL);
    if (write(c1, "hello", 5) != 5 || read(a1, buf, 5) != 5 || write(a1, "welcome", 7) != 7 || read(c1, buf, 7) != 7)
        die("exchange");
    close(c6);                                         /* acw goes to CLOSE-WAIT */
    usleep(200 * 1000);
    (void)c2;
    (void)acw;
    (void)l3;

    record_nl(argv[1], "nl-v4.bin", AF_INET, ports);
    record_nl(argv[1], "nl-v6.bin", AF_INET6, ports);
    record_proc(argv[1], "/proc/net/tcp", "proc-net-tcp", pat);
    record_proc(argv[1], "/proc/net/tcp6", "proc-net-tcp6", pat);
    if (system("ss -tanei '( sport = :24601 or sport = :24602 or sport = :24603 )'") != 0)
        fprintf(stderr, "ports_record: ss failed\n");
    return 0;
}
