/* servers_int.h - internals shared by servers.c and servers_find.c
 * (not for other modules). */
#ifndef QT_SERVERS_INT_H
#define QT_SERVERS_INT_H

#include <stdint.h>
#include <string.h>

#include "diag/core/rootfs.h"
#include "diag/servers/servers.h"

char *qt_unroot(const qt_ctx *ctx, const char *real, char *out, size_t n);
struct qt_server *qt_servers_add(qt_servers *s);
void qt_servers_scan_dirs(const qt_ctx *ctx, qt_servers *s);
struct qt_procs;
/* Fill s->scandirs/scan_source (servers_scan.c); before qt_servers_scan_dirs,
 * which lists the active scan directories first. */
void qt_servers_find_scandirs(const qt_ctx *ctx, const struct qt_procs *procs, qt_servers *s);
struct qt_procs_kids;
struct qt_listen_pid;
/* A row for every listener pid in l that no row has (servers_other.c). */
void qt_servers_add_others(const qt_ctx *ctx, struct qt_procs *procs, const struct qt_procs_kids *kids,
                           const struct qt_listen_pid *l, size_t nl, qt_servers *s);
/* Each service's in_scan, and the note naming the scan directories. */
void qt_servers_mark_scanned(const qt_ctx *ctx, qt_servers *s);
/* sv->auth_*: may the service's vchkpw read vpasswd.cdb (servers_vpop.c);
 * the ids of a running qmail-smtpd child first (procs, kids may be NULL),
 * else -u/-g, else the listener's own uid. */
struct qt_procs_kids;
void qt_servers_auth_access(const qt_ctx *ctx, struct qt_procs *procs, const struct qt_procs_kids *kids,
                            struct qt_server *sv);
/* The variant and its evidence (sv->variant*, the commands reparsed with
 * it), then what is in effect (port, limits, TLS and the handshake
 * deadline); servers.c, also used by servers_explain.c. */
void qt_servers_identify(const qt_ctx *ctx, struct qt_server *sv);
void qt_servers_derive(const qt_ctx *ctx, struct qt_server *sv);
/* The value of variable name in the front end's environment: VAR=val given
 * to env before the server, the running listener's environ, else the run
 * script's exported assignment; NULL when unset. The result may be a
 * static buffer, valid until the next call (servers_cert.c). */
const char *qt_servers_env(const qt_ctx *ctx, const struct qt_server *sv, const char *name);
/* sv->certfile and sv->cert_from: the PEM file the TLS front end serves
 * (servers_cert.c). After qt_servers_derive (sv->tls, sv->realdir). */
void qt_servers_certfile(const qt_ctx *ctx, struct qt_server *sv);
int qt_find_binary(const qt_ctx *ctx, const char *prog, const char *pathvar, char *out, size_t n);
/* QMailToaster's tcpserver: the per-IP limit from MAXCONNIP in the rules
 * cdb, when the binary has the string and no option set one
 * (servers_rules.c). After file_facts (sv->rules). */
void qt_servers_rules_iplimit(const qt_ctx *ctx, struct qt_server *sv);

/* Copy src into dst (size n), cut if needed, always terminated. */
static inline void qt_copy(char *dst, size_t n, const char *src)
{
    size_t l = strlen(src);
    if (l >= n)
        l = n - 1;
    memcpy(dst, src, l);
    dst[l] = '\0';
}

/* Remote IPs of per-connection children, kept across samples of one
 * collector (servers_ip.c). An entry is (pid, start ticks, image): an IP
 * found is kept while the process lives; "none found" only until it
 * execs. The IP's length and hash are kept with it, so a steady sample
 * copies entries and counts rows without formatting or hashing text
 * (issue 19). reads counts environments read (tests, bench). */
struct qt_proc;
struct qt_ip_seen {
    int pid;
    unsigned iplen;               /* strlen(ip) */
    unsigned long long ticks, image;
    uint64_t hash;                /* qt_fnv1a of the ip's iplen bytes */
    char ip[48];                  /* "" none */
};
struct qt_ip_cache {
    /* prev: last sample's, sorted by pid; next: this sample's. The two
     * buffers swap at each turn: a steady sample allocates nothing. */
    struct qt_ip_seen *prev, *next;
    size_t nprev, nnext, capprev, capnext;
    size_t hint;                  /* the prev entry the next lookup tries first */
    int unsorted;                 /* next is not in pid order */
    unsigned long reads;
};
/* The IP of child (a child of parent, which may be NULL): from c (may be
 * NULL: no cache), else from its environment while *budget lasts (one
 * read each). A child with its parent's image (forked, not exec'd) is not
 * read: its environment is the parent's. Returns the entry with the IP
 * (in c, or in *scratch without a cache), valid until the next call or
 * turn; NULL when the child shows none or was not read. */
const struct qt_ip_seen *qt_ip_child(const qt_ctx *ctx, struct qt_ip_cache *c, const struct qt_proc *child,
                                     const struct qt_proc *parent, struct qt_ip_seen *scratch, int *budget);
/* End of a sample: what was seen now is what the next one looks up. */
void qt_ip_cache_turn(struct qt_ip_cache *c);
void qt_ip_cache_free(struct qt_ip_cache *c);

#endif
