/* auth_redact.h - remove the password, in every form it travels in, from
 * text: what a server sends back (a hostile one may echo the AUTH data it
 * received, "535 5.7.8 <base64>"), what a helper program prints, what we
 * show of our own lines.
 *
 * Forms, each replaced by a marker: the raw bytes ("<password>"), base64 of
 * the password as AUTH LOGIN sends it and hex in both cases ("<password
 * (base64)>", "<password (hex)>"), base64 of the AUTH PLAIN string
 * "\0user\0password" ("<AUTH PLAIN string>"), and an extra form the caller
 * sent (the CRAM-MD5 response: "<CRAM-MD5 response>"). A piece of a form is
 * replaced too when it is long enough to tell (8 bytes of the raw password,
 * 12 characters of an encoding): an echo cut short must not leak a prefix.
 * Forms shorter than 6 characters are not searched: they would mangle
 * everything and give away nearly nothing.
 */
#ifndef QT_AUTH_REDACT_H
#define QT_AUTH_REDACT_H

#include <stddef.h>

#include "diag/core/secret.h"

/* Copy of text[0..n) (NUL bytes kept as they are) with every form of pass
 * replaced. user: the login (for the PLAIN string; may be NULL); pass: NULL
 * or empty = nothing to hide (plain copy); extra: NULL or another secret
 * string. *hits (may be NULL) gets the number of replacements. The result
 * is NUL-terminated, caller frees; secret forms are wiped before return. */
char *qt_auth_redact(const char *user, const qt_secret *pass, const char *extra, const char *text, size_t n,
                     size_t *hits);

#endif
