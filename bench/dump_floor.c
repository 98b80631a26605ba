/* dump_floor.c - what the kernel's socket dump costs by itself (issue 19,
 * docs/performance-ports.md "Fourth round"): the ports collector's own
 * inet_diag dump and parse (qt_sock_nl_dump, IPv4, the collector's states,
 * no tcp_info) of one port, and the same dump for a port nobody uses,
 * which walks the same connection table and fills no answer. The
 * difference is what filling and parsing the matched sockets costs.
 *
 *   build/bench/dump_floor PORT [ROUNDS]      (default 20 rounds; root)
 *
 * Prints, for each, the sockets kept and the median and smallest CPU time
 * of one dump (CLOCK_PROCESS_CPUTIME_ID: the kernel's work in recv() is
 * this process's system time). */
#include "diag/ports/sockets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ROUNDS dumps of port; 0, or -1 after printing why. */
static int measure(unsigned port, int rounds, const char *what)
{
    unsigned ports[1] = {port};
    struct qt_sockfilter f = {.ports = ports, .nports = 1,
                              .states = QT_SOCK_STATES & ~QT_TCPF(QT_TCP_LISTEN)};
    double *ms = calloc((size_t)rounds, sizeof *ms);
    size_t kept = 0;
    char err[256];

    if (!ms)
        return -1;
    for (int i = 0; i < rounds; i++) {
        qt_socklist l = {0};
        double t0 = cpu_ms();
        if (qt_sock_nl_dump(AF_INET, &f, 0, &l, NULL, NULL, err, sizeof err) != 0) {
            fprintf(stderr, "dump_floor: %s\n", err);
            qt_socklist_free(&l);
            free(ms);
            return -1;
        }
        ms[i] = cpu_ms() - t0;
        kept = l.n;
        qt_socklist_free(&l);
    }
    qsort(ms, (size_t)rounds, sizeof *ms, by_value);
    printf("%s (port %u): %zu sockets, CPU median %.2f ms, min %.2f ms (%d dumps)\n", what, port, kept,
           ms[rounds / 2], ms[0], rounds);
    free(ms);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned port = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 0;
    int rounds = argc > 2 ? atoi(argv[2]) : 20;

    if (port == 0 || port > 65535 || rounds < 1) {
        fprintf(stderr, "usage: dump_floor PORT [ROUNDS]\n");
        return 2;
    }
    if (measure(port, rounds, "dump of the port") != 0 ||
        measure(port == 1 ? 2 : 1, rounds, "dump matching nothing") != 0)
        return 1;
    return 0;
}
