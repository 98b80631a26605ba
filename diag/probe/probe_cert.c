/* probe_cert.c - what the handshake probe records of the session and of
 * the server certificate (subject, issuer, SAN, expiry, name check). */
#include "diag/probe/probe_int.h"
#include "diag/core/x509text.h"

#include <arpa/inet.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void san_print(X509 *c, char *out, size_t n)
{
    GENERAL_NAMES *gs = X509_get_ext_d2i(c, NID_subject_alt_name, NULL, NULL);
    size_t len = 0;

    out[0] = '\0';
    for (int i = 0; gs && i < sk_GENERAL_NAME_num(gs) && len + 1 < n; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gs, i);
        char item[160] = "";
        if (g->type == GEN_DNS) {
            const unsigned char *d = ASN1_STRING_get0_data(g->d.dNSName);
            snprintf(item, sizeof item, "DNS:%.*s", ASN1_STRING_length(g->d.dNSName) > 120 ? 120
                     : ASN1_STRING_length(g->d.dNSName), (const char *)d);
        } else if (g->type == GEN_IPADD) {
            char ip[INET6_ADDRSTRLEN] = "?";
            int l = ASN1_STRING_length(g->d.iPAddress);
            const unsigned char *d = ASN1_STRING_get0_data(g->d.iPAddress);
            if (l == 4 || l == 16)
                inet_ntop(l == 4 ? AF_INET : AF_INET6, d, ip, sizeof ip);
            snprintf(item, sizeof item, "IP:%s", ip);
        } else {
            continue;
        }
        len += (size_t)snprintf(out + len, n - len, "%s%s", len ? ", " : "", item);
    }
    if (len >= n)
        out[n - 1] = '\0';
    GENERAL_NAMES_free(gs);
}

void qt_probe_cert_info(SSL *ssl, const char *verify_name, struct qt_probe_result *r)
{
    X509 *c = SSL_get1_peer_certificate(ssl);
    const ASN1_TIME *na;
    struct tm tm;
    int days = 0, secs = 0;

    snprintf(r->version, sizeof r->version, "%s", SSL_get_version(ssl));
    snprintf(r->cipher, sizeof r->cipher, "%s", SSL_get_cipher_name(ssl));
    r->name_match = -1;
    if (!c)
        return;
    r->has_cert = 1;
    qt_x509_name_text(X509_get_subject_name(c), r->subject, sizeof r->subject);
    qt_x509_name_text(X509_get_issuer_name(c), r->issuer, sizeof r->issuer);
    san_print(c, r->san, sizeof r->san);
    na = X509_get0_notAfter(c);
    if (na && ASN1_TIME_to_tm(na, &tm) == 1) {
        strftime(r->not_after, sizeof r->not_after, "%Y-%m-%d %H:%M:%S UTC", &tm);
        if (ASN1_TIME_diff(&days, &secs, NULL, na) == 1)
            r->days_left = days == 0 && secs < 0 ? -1 : days; /* expired an hour ago: -1, not 0 */
    }
    r->self_signed = X509_check_issued(c, c) == X509_V_OK;
    if (verify_name && *verify_name) {
        struct in6_addr a6;
        if (strchr(verify_name, ':') ? inet_pton(AF_INET6, verify_name, &a6) == 1 : inet_addr(verify_name) != INADDR_NONE)
            r->name_match = X509_check_ip_asc(c, verify_name, 0) == 1;
        else
            r->name_match = X509_check_host(c, verify_name, 0, 0, NULL) == 1;
    }
    X509_free(c);
}
