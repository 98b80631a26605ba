/* fuzz_netlink.c - libFuzzer target for the inet_diag (NETLINK_SOCK_DIAG)
 * message parser: arbitrary bytes as one received buffer. Invariants: no
 * crash or sanitizer report, kept sockets match the filter, and byte
 * counters are only set from a tcp_info long enough to hold them. */
#include "diag/ports/sockets.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static const unsigned ports[] = {465, 993, 995, 24601, 24602};
    struct qt_sockfilter f = {.ports = ports, .nports = 5, .states = QT_SOCK_STATES};
    qt_socklist l = {0};
    int kerr;
    /* a private, exactly sized copy so ASan sees any read past the end */
    unsigned char *buf = malloc(size ? size : 1);

    memcpy(buf, data, size);
    qt_sock_nl_parse(buf, size, &f, &l, &kerr);
    for (size_t i = 0; i < l.n; i++)
        if (qt_sockfilter_match(&f, l.v[i].lport, l.v[i].state) != l.v[i].svc)
            abort();
    qt_socklist_free(&l);
    free(buf);
    return 0;
}
