/* x509text.c - see x509text.h */
#include "diag/core/x509text.h"

#include <openssl/bio.h>

void qt_x509_name_text(X509_NAME *nm, char *out, size_t n)
{
    BIO *b;
    int len;

    out[0] = '\0';
    if (!nm || !(b = BIO_new(BIO_s_mem())))
        return;
    X509_NAME_print_ex(b, nm, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    len = BIO_read(b, out, (int)n - 1);
    out[len > 0 ? len : 0] = '\0';
    BIO_free(b);
}
