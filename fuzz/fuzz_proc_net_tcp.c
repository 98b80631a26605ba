/* fuzz_proc_net_tcp.c - libFuzzer target for the /proc/net/tcp{,6} parser.
 * The first byte picks the family; the rest is the file text. Invariants
 * checked: no crash or sanitizer report, every kept socket matches the
 * filter, and kept + bad never exceeds the number of lines. */
#include "diag/ports/sockets.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static const unsigned ports[] = {465, 993, 995, 24601, 24602};
    struct qt_sockfilter f = {.ports = ports, .nports = 5, .states = QT_SOCK_STATES};
    qt_socklist l = {0};
    size_t lines = 1;
    int family;

    if (size < 1)
        return 0;
    family = data[0] & 1 ? AF_INET6 : AF_INET;
    for (size_t i = 1; i < size; i++)
        lines += data[i] == '\n';
    qt_sock_proc_parse((const char *)data + 1, size - 1, family, &f, &l);
    if (l.n + l.bad > lines)
        abort();
    for (size_t i = 0; i < l.n; i++)
        if (qt_sockfilter_match(&f, l.v[i].lport, l.v[i].state) != l.v[i].svc)
            abort();
    qt_socklist_free(&l);
    return 0;
}
