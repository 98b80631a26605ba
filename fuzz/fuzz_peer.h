/* fuzz_peer.h - entry points fuzz_peer.c calls in the peer_*.c units, each
 * of which compiles one diag/ file with its static functions in view (the
 * answer callbacks and the certificate printer are static). */
#ifndef QT_FUZZ_PEER_H
#define QT_FUZZ_PEER_H

#include <stddef.h>

#include "diag/auth/auth_dns.h"
#include "diag/ports/peername.h"

/* auth_dns.c: one answer packet for a query of kind (0 HELO A, 1 HELO AAAA,
 * 2 PTR of f->ip, 3 A of f->ptr[0], 4 AAAA of f->ptr[0]) into f, through
 * its c-ares callback. */
void fz_dns_answer(struct qt_dns_facts *f, int kind, int status, const unsigned char *abuf, size_t alen);
/* peername.c: a PTR answer for addr (4 or 16 bytes), parsed by c-ares as
 * ares_gethostbyaddr does, handed to its callback; the result in *r. */
void fz_peer_ptr(const unsigned char *abuf, size_t alen, const unsigned char *addr, int addrlen,
                 struct qt_peername *r);
/* auth_smtpio.c: the certificate name printer on a DER certificate's
 * subject and issuer; 0, or -1 when the DER does not parse. */
int fz_cert_names(const unsigned char *der, size_t len, char *subject, char *issuer, size_t n);

#endif
