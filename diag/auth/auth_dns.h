/* auth_dns.h - HELO name and reverse DNS: A/AAAA of the helohost, PTR of
 * the public address, and forward-confirmed reverse DNS (FCrDNS), with
 * c-ares driven as a job (ares_getsock / ares_process_fd, deadlines).
 *
 * Only the one server given (--dns-server IP[:PORT]) is ever asked: the
 * channel is created with ARES_OPT_SERVERS, set with
 * ares_set_servers_ports_csv(), and checked with ares_get_servers_ports()
 * before the first query. No server configured = no lookup at all (the
 * caller shows the step as skipped): the machine's own resolver is never
 * used.
 */
#ifndef QT_AUTH_DNS_H
#define QT_AUTH_DNS_H

#include <stddef.h>

#include "diag/core/job.h"

#define QT_DNS_MAXADDR 8
#define QT_DNS_MAXNAMES 4

enum qt_dns_status {
    QT_DNS_PENDING = 0, QT_DNS_OK, QT_DNS_NXDOMAIN, QT_DNS_NODATA, QT_DNS_TIMEOUT,
    QT_DNS_UNREACHABLE, QT_DNS_SERVFAIL, QT_DNS_REFUSED, QT_DNS_ERROR, QT_DNS_SKIPPED,
};
const char *qt_dns_status_name(enum qt_dns_status s);

struct qt_dns_addrs {
    enum qt_dns_status st;
    int n;
    char addr[QT_DNS_MAXADDR][46];
};

struct qt_dns_facts {
    char server[80];                 /* "127.0.0.1:5353" */
    char helo[256];
    char ip[46];
    struct qt_dns_addrs helo_a, helo_aaaa;
    enum qt_dns_status ptr_st;
    int nptr;
    char ptr[QT_DNS_MAXNAMES][256];
    struct qt_dns_addrs ptr_a[QT_DNS_MAXNAMES], ptr_aaaa[QT_DNS_MAXNAMES];
    double took;
};

enum qt_fcrdns {
    QT_FCRDNS_PASS,        /* PTR -> name -> A/AAAA contains the IP */
    QT_FCRDNS_PTR_ONLY,    /* PTR names a host that has no address */
    QT_FCRDNS_A_ONLY,      /* the helohost resolves to the IP, the IP has no PTR */
    QT_FCRDNS_MISMATCH,    /* PTR names a host whose address is another one */
    QT_FCRDNS_NXDOMAIN,    /* neither the helohost nor the PTR exist */
    QT_FCRDNS_NO_PTR,      /* no PTR, and the helohost points elsewhere */
    QT_FCRDNS_DNS_DOWN,    /* the server did not answer: could not check */
};
const char *qt_fcrdns_name(enum qt_fcrdns k);

struct qt_fcrdns_verdict {
    enum qt_fcrdns kind;
    int helo_is_ptr;           /* the helohost is (one of) the PTR name(s) */
    int helo_has_ip;           /* the helohost's A/AAAA contains the IP */
    char confirmed[256];       /* the PTR name that resolves back, "" if none */
    char summary[1024];        /* one line */
};
/* Pure: judge the facts. */
void qt_fcrdns_judge(const struct qt_dns_facts *f, struct qt_fcrdns_verdict *v);

/* Parse "IP[:PORT]" / "[IPv6]:PORT" into the csv form c-ares takes
 * ("127.0.0.1:5353", "[::1]:53"). 0, or -1 with err. */
int qt_dns_server_csv(const char *server, char *csv, size_t n, char *err, size_t errlen);

/* Start the lookups. helo may be "" (only the PTR is looked up), ip may be
 * "" (only the helohost). Returns NULL with err if the server is unusable
 * (then nothing was sent). timeout caps the whole job. */
qt_job *qt_dns_job_new(const char *server, const char *helo, const char *ip, double timeout, char *err,
                       size_t errlen);
/* The facts gathered (complete once the job finished; valid until freed). */
const struct qt_dns_facts *qt_dns_job_facts(qt_job *j);

/* The dig commands an admin would type for the same checks. Caller frees. */
char *qt_dns_commands(const char *server, const char *helo, const char *ip);

#endif
