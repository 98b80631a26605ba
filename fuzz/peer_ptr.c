/* peer_ptr.c - diag/ports/peername.c with fz_peer_ptr() (see fuzz_peer.h). */
#include "diag/ports/peername.c"

#include "fuzz/fuzz_peer.h"

void fz_peer_ptr(const unsigned char *abuf, size_t alen, const unsigned char *addr, int addrlen,
                 struct qt_peername *r)
{
    struct peer_job j;
    struct cb_arg *a = calloc(1, sizeof *a);
    struct hostent *h = NULL;
    int st;

    memset(&j, 0, sizeof j);
    memset(r, 0, sizeof *r);
    r->status = QT_PEER_PENDING;
    j.res = r;
    j.n = j.pending = 1;
    a->j = &j;
    a->i = 0;
    st = ares_parse_ptr_reply(abuf, (int)alen, addr, addrlen, addrlen == 4 ? AF_INET : AF_INET6, &h);
    on_host(a, st, 0, st == ARES_SUCCESS ? h : NULL); /* frees a */
    if (h)
        ares_free_hostent(h);
}
