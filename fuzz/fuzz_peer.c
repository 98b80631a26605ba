/* libFuzzer target: what a hostile peer or helper program hands back to the
 * auth wizard (issue 12). The low 4 bits of the first byte select: 0-3 DNS
 * answers, 4-7 PTR answer, 8-11 certificate, 12-14 child output, 15 child
 * capture (a real child costs a fork, so one value in 16):
 *
 *   DNS answers    up to five raw answer packets (2-byte big-endian length,
 *                  then the packet) for HELO A, HELO AAAA, PTR, A and AAAA
 *                  of the PTR name, through auth_dns.c's c-ares callback
 *                  (ares_parse_a/aaaa/ptr_reply + our handling), then the
 *                  FCrDNS judgement and its one-line summary
 *   PTR answer     a raw PTR answer parsed by c-ares and handed to
 *                  peername.c's callback (the Remote IPs names)
 *   certificate    DER bytes -> d2i_X509 -> auth_smtpio.c's name printer
 *                  (subject and issuer as the wizard shows them)
 *   child output   a vchkpw/vuserinfo result: exit code and flags from two
 *                  bytes, stdout and stderr split at the first 0xff, through
 *                  qt_vchkpw_interpret, qt_child_status_str, vuserinfo
 *                  redact + parse
 *   child capture  a real child (/bin/cat /dev/fd/3, the input on fd 3) run
 *                  by qt_child_job: what it prints must come back byte for
 *                  byte
 *
 * The static callbacks are reached through peer_dns.c, peer_ptr.c and
 * peer_cert.c, which compile those diag/ files with the harness entry points
 * (fuzz_peer.h). */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../diag/auth_child.h"
#include "../diag/auth_vchkpw.h"
#include "../diag/auth_vuserinfo.h"
#include "../diag/job.h"
#include "../diag/util.h"
#include "fuzz_peer.h"

static void check_str(const char *s, size_t n, int display_safe)
{
    const char *end = memchr(s, '\0', n);
    if (!end)
        abort();
    for (const char *p = s; p < end; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f || (display_safe && c >= 0x80))
            abort();
    }
}

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

static void interpret(const struct qt_child_result *res)
{
    static const struct qt_vchkpw_req req = {
        .vchkpw = "/home/vpopmail/bin/vchkpw", .program = "/usr/bin/id", .user = "joe@example.test", .port = 587,
    };
    struct qt_vchkpw_outcome o;
    struct qt_vuserinfo u;
    char st[160], *red;

    qt_vchkpw_interpret(&req, res, &o);
    check_str(o.status, sizeof o.status, 0);
    check_str(o.meaning, sizeof o.meaning, 0);
    check_str(o.log_line, sizeof o.log_line, 0);
    qt_child_status_str(res, st, sizeof st);
    red = qt_vuserinfo_redact(qt_buf_str(&res->out), res->out.len);
    qt_vuserinfo_parse(red, strlen(red), &u);
    free(red);
}

static void child_output(const uint8_t *d, size_t n)
{
    struct qt_child_result res;
    const uint8_t *sep;

    memset(&res, 0, sizeof res);
    if (n < 2)
        return;
    res.started = 1;
    res.code = d[0];
    res.exited = !(d[1] & 3);
    res.signaled = (d[1] & 3) == 1;
    res.sig = res.signaled ? d[0] % 65 : 0;
    res.timed_out = (d[1] & 3) == 2;
    res.exec_errno = (d[1] & 3) == 3 ? d[0] % 134 : 0;
    d += 2;
    n -= 2;
    sep = memchr(d, 0xff, n);
    qt_buf_add(&res.out, (const char *)d, sep ? (size_t)(sep - d) : n);
    if (sep)
        qt_buf_add(&res.err, (const char *)sep + 1, n - (size_t)(sep - d) - 1);
    qt_buf_add(&res.out, "", 0);
    qt_buf_add(&res.err, "", 0);
    interpret(&res);
    qt_buf_free(&res.out);
    qt_buf_free(&res.err);
}

static void child_capture(const uint8_t *d, size_t n)
{
    static char *const argv[] = {"cat", "/dev/fd/3", NULL};
    static char *const envp[] = {"PATH=/usr/bin:/bin", NULL};
    struct qt_child_spec sp = {.path = "/bin/cat", .argv = argv, .envp = envp, .timeout = 5};
    const struct qt_child_result *res;
    qt_job *j;

    sp.fd3 = d;
    sp.fd3_len = n > 4096 ? 4096 : n;
    j = qt_child_job_new(&sp);
    if (qt_job_run(j, 2.0) != 0)
        abort();
    res = qt_child_job_result(j);
    if (res->started && res->exited && res->code == 0 &&
        (res->out.len != sp.fd3_len || memcmp(qt_buf_str(&res->out), d, sp.fd3_len) != 0 || res->dropped))
        abort(); /* captured bytes differ from what the child wrote */
    interpret(res);
    j->ops->free(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch ((data[0] & 15) >> 2) {
    case 0: dns(data + 1, size - 1); break;
    case 1: ptr(data + 1, size - 1); break;
    case 2: cert(data + 1, size - 1); break;
    default:
        if ((data[0] & 15) == 15)
            child_capture(data + 1, size - 1);
        else
            child_output(data + 1, size - 1);
        break;
    }
    return 0;
}
