/* x509text.h - a certificate's names as one line of text, for evidence.
 *
 * Shared by the auth wizard's SMTP client (diag/auth/auth_smtpio.c) and the
 * handshake probe (diag/probe/probe_cert.c).
 */
#ifndef QT_X509TEXT_H
#define QT_X509TEXT_H

#include <stddef.h>
#include <openssl/x509.h>

/* nm as OpenSSL's one-line form ("CN = mail.example.com, O = Example"),
 * multi-byte characters kept, cut to fit out (n > 0); "" when nm is NULL
 * or OpenSSL fails. The text still comes from the peer: escape it before
 * it reaches the screen (the finding setters do). */
void qt_x509_name_text(X509_NAME *nm, char *out, size_t n);

#endif
