/* auth_runas.h - the uid:gid a mail service runs its checkpassword program
 * with, so that the wizard's step 2 reproduces it (docs/auth-wizard.md,
 * "Which uid runs what"). Separate from auth_wizard.h because it reads the
 * Servers model (servers.h), whose headers do not mix with the SMTP ones.
 */
#ifndef QT_AUTH_RUNAS_H
#define QT_AUTH_RUNAS_H

#include <stddef.h>

#include "diag/core/ctx.h"

struct qt_snapshot;

struct qt_wiz_runas {
    unsigned port;          /* the service's port */
    unsigned uid, gid;
    char source[200];       /* "tcpserver -u -g on port 587 (service submission)" */
    char name[64];          /* the service's name (its directory, "submission") */
    char front[64];         /* the front end's program name ("sslserver") */
    int tls;                /* 1: TLS from the first byte (the front end or a chain link does it) */
    int localport_env;      /* TCPLOCALPORT for the program: 1 set, -1 not (sslserver without -e), 0 unknown */
};
#define QT_WIZ_MAXRUNAS 8

/* A port where TLS starts with the first byte (implicit TLS), and which
 * front end says so ("sslserver", "socat"). */
struct qt_wiz_tlsport {
    unsigned port;
    char front[64];
};
#define QT_WIZ_MAXTLSPORTS 8

/* Every running or supervised front end in snap (NULL: none) that does TLS
 * on connect (qt_server.tls: sslserver, the SSL patch's -s, socat
 * OPENSSL-LISTEN, stunnel...), whoever runs it: it only decides whether the
 * wizard starts with a TLS handshake. Returns the count (<= max). */
int qt_wiz_tls_ports(const struct qt_snapshot *snap, struct qt_wiz_tlsport *out, int max);

/* One entry per front end with a known port in snap (NULL: none): its -u/-g,
 * else the running qmail-smtpd children's real ids, else the listener's own
 * uid (tcpserver without -u runs the program as itself). Only front ends
 * root or vpop_uid controls count (a running listener of that uid, or a
 * stopped service whose run script that uid owns); vpop_uid QT_TRUST_NO_UID
 * = root only. Returns the count (<= max). */
int qt_wiz_runas_collect(const qt_ctx *ctx, const struct qt_snapshot *snap, unsigned vpop_uid,
                         struct qt_wiz_runas *out, int max);

/* The uid:gid for vchkpw on port: the service's on that port, else the
 * vpopmail user's (vpop_uid QT_TRUST_NO_UID = none). 0 with the source in
 * why, or -1 when neither is known (why says so). */
int qt_wiz_runas_pick(const struct qt_wiz_runas *v, int n, unsigned vpop_uid, unsigned vpop_gid, unsigned port,
                      unsigned *uid, unsigned *gid, char *why, size_t wn);

#endif
