/* peer_cert.c - diag/auth/auth_smtpio.c with fz_cert_names() (see fuzz_peer.h). */
#include "diag/auth/auth_smtpio.c"

#include "fuzz/fuzz_peer.h"

int fz_cert_names(const unsigned char *der, size_t len, char *subject, char *issuer, size_t n)
{
    const unsigned char *p = der;
    X509 *c = d2i_X509(NULL, &p, (long)len);
    if (!c)
        return -1;
    /* what cert_info() shows of a peer's certificate */
    qt_x509_name_text(X509_get_subject_name(c), subject, n);
    qt_x509_name_text(X509_get_issuer_name(c), issuer, n);
    X509_free(c);
    return 0;
}
