/* peer_dns.c - diag/auth/auth_dns.c with fz_dns_answer() (see fuzz_peer.h). */
#include "diag/auth/auth_dns.c"

#include "fuzz/fuzz_peer.h"

void fz_dns_answer(struct qt_dns_facts *f, int kind, int status, const unsigned char *abuf, size_t alen)
{
    static const enum qkind kinds[] = {Q_HELO_A, Q_HELO_AAAA, Q_PTR, Q_NAME_A, Q_NAME_AAAA};
    struct dns_job *j = calloc(1, sizeof *j);
    struct qslot *q = &j->slots[0];
    unsigned char *b = malloc(alen ? alen : 1); /* exact size for ASan */

    memcpy(b, abuf, alen);
    j->f = *f;
    q->job = j;
    q->kind = kinds[kind % 5];
    q->idx = 0;
    q->pending = 1;
    j->npending = 1;
    on_answer(q, status, 0, b, (int)alen);
    *f = j->f;
    free(b);
    free(j);
}
