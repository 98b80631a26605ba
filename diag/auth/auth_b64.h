/* auth_b64.h - the strings a mail client sends for SMTP AUTH, built with
 * OpenSSL (EVP base64, HMAC-MD5), so the admin can compare them with what
 * a client or swaks sends.
 *
 * Every function writes into a caller buffer and returns the length
 * written (without the NUL), or -1 if it does not fit or the input is bad.
 * Buffers that receive secret material must be wiped by the caller with
 * qt_secret_wipe() once used.
 */
#ifndef QT_AUTH_B64_H
#define QT_AUTH_B64_H

#include <stddef.h>

/* Base64 (RFC 4648, with padding, no newlines) of n bytes. */
long qt_b64_encode(const void *in, size_t n, char *out, size_t outlen);
/* Decode base64 (whitespace around it ignored, padding required for a
 * length that is not a multiple of 4... as SMTP servers send it).
 * Returns the decoded length or -1 on malformed input. out gets a NUL. */
long qt_b64_decode(const char *in, size_t n, unsigned char *out, size_t outlen);

/* AUTH PLAIN initial response: base64 of "\0user\0password" (RFC 4616,
 * empty authorization identity, as qmail-smtpd expects). */
long qt_auth_plain(const char *user, const char *pass, size_t passlen, char *out, size_t outlen);

/* CRAM-MD5 response (RFC 2195): base64 of "user " + lowercase hex
 * HMAC-MD5(key = password, data = decoded challenge). challenge_b64 is
 * the text after "334 ". */
long qt_auth_cram_md5(const char *user, const char *pass, size_t passlen, const char *challenge_b64,
                      char *out, size_t outlen);

#endif
