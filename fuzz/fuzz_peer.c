/* libFuzzer target: what a hostile network peer hands back to the auth
 * wizard and the Remote IPs view (issue 12). The first byte modulo 3
 * selects; helper programs' output has its own target (fuzz_child.c):
 *
 *   0 DNS answers  up to five raw answer packets (2-byte big-endian length,
 *                  then the packet) for HELO A, HELO AAAA, PTR, A and AAAA
 *                  of the PTR name, through auth_dns.c's c-ares callback
 *                  (ares_parse_a/aaaa/ptr_reply + our handling), then the
 *                  FCrDNS judgement and its one-line summary
 *   1 PTR answer   a raw PTR answer parsed by c-ares and handed to
 *                  peername.c's callback (the Remote IPs names)
 *   2 certificate  DER bytes -> d2i_X509 -> auth_smtpio.c's name printer
 *                  (subject and issuer as the wizard shows them)
 *
 * The static callbacks are reached through peer_dns.c, peer_ptr.c and
 * peer_cert.c, which compile those diag/ files with the harness entry points
 * (fuzz_peer.h). */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/core/util.h"
#include "fuzz/fuzz_peer.h"
#include "fuzz/fuzz_check.h"

static void dns(const uint8_t *d, size_t n)
{
    struct qt_dns_facts f;
    struct qt_fcrdns_verdict v;
    int v6 = n && (d[0] & 1);

    memset(&f, 0, sizeof f);
    snprintf(f.server, sizeof f.server, "127.0.0.1:5353");
    snprintf(f.helo, sizeof f.helo, "mx.example.test");
    snprintf(f.ip, sizeof f.ip, "%s", v6 ? "2001:db8::7" : "192.0.2.7");
    if (n) {
        d++;
        n--;
    }
    for (int kind = 0; kind < 5 && n >= 2; kind++) {
        size_t len = (size_t)d[0] << 8 | d[1];
        d += 2;
        n -= 2;
        if (len > n)
            len = n;
        if (kind >= 3 && !f.nptr)
            break; /* no PTR name to look up */
        fz_dns_answer(&f, kind, 0 /* ARES_SUCCESS */, d, len);
        d += len;
        n -= len;
    }
    if (f.nptr < 0 || f.nptr > QT_DNS_MAXNAMES || f.helo_a.n > QT_DNS_MAXADDR || f.helo_aaaa.n > QT_DNS_MAXADDR)
        abort();
    for (int i = 0; i < f.nptr; i++) {
        check_str(f.ptr[i], sizeof f.ptr[i], 0); /* c-ares escapes what is not printable */
        for (int k = 0; k < f.ptr_a[i].n; k++)
            check_str(f.ptr_a[i].addr[k], sizeof f.ptr_a[i].addr[k], 1);
    }
    qt_fcrdns_judge(&f, &v);
    check_str(v.summary, sizeof v.summary, 0);
    check_str(v.confirmed, sizeof v.confirmed, 0);
}

static void ptr(const uint8_t *d, size_t n)
{
    struct qt_peername r;
    unsigned char a4[4] = {192, 0, 2, 7}, a6[16];
    int v6 = n && (d[0] & 1);

    inet_pton(AF_INET6, "2001:db8::7", a6);
    if (n) {
        d++;
        n--;
    }
    fz_peer_ptr(d, n, v6 ? a6 : a4, v6 ? 16 : 4, &r);
    check_str(r.name, sizeof r.name, 1); /* peername promises display-safe names */
    if (r.status == QT_PEER_PENDING)
        abort();
}

static void cert(const uint8_t *d, size_t n)
{
    char subject[256], issuer[256];
    if (fz_cert_names(d, n, subject, issuer, sizeof subject) == 0) {
        /* one line: XN_FLAG_ONELINE escapes control characters */
        check_str(subject, sizeof subject, 0);
        check_str(issuer, sizeof issuer, 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0: dns(data + 1, size - 1); break;
    case 1: ptr(data + 1, size - 1); break;
    case 2: cert(data + 1, size - 1); break;
    }
    return 0;
}
