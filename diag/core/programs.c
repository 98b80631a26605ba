/* programs.c - the registry of programs qtriage knows. See programs.h.
 *
 * Where the collectors' old lists differed, the roles keep each use's set
 * unless the union was right for both uses:
 *  - supervisors: the same three names everywhere (zombies, servers).
 *  - UCSPI (zombies: listener or connection) stays tcpserver, tcpserver-ssl,
 *    sslserver: the zombies checks explain tcpserver's -c accounting, which
 *    docs/domain/ucspi.md describes for ucspi-tcp and ucspi-ssl only; s6,
 *    tcpsvd and couriertcpd children are not counted that way there.
 *  - LISTENER (stage: processes read first when hunting socket owners) is
 *    stage's list plus tcpserver-ssl and the s6-tcpserver4/6/d names: they
 *    are the same listeners under other names, so reading them first is
 *    right, and the order only decides what is read first.
 *  - MAIL (stage) and MAIL_CHAIN (zombies) stay two sets: stage asks "is the
 *    connection in its mail program", so listeners (tcpserver) and chain
 *    helpers (recordio, fixcrio, simscan, vdelivermail, jgreylist) must not
 *    count; zombies asks "is this group part of a mail service" and never
 *    counted courier's imapd/pop3d by name (it finds them by service name).
 *  - stunnel: stage knew stunnel, stunnel3, stunnel4 exactly, servers any
 *    name starting with "stunnel"; one prefix entry serves both (every
 *    stunnelN or stunnel-* is stunnel, which always terminates TLS).
 *  - FRONTEND is exactly the names diag/parse/variants.c has option tables for;
 *    servers_find.c's run-script test ("mentions tcpserver, sslserver or
 *    s6-tlsserver") is the same set written as substrings.
 * Facts: tcpserver(1) and socat(1), stunnel4(8) as installed; the ucspi
 * front ends from docs/domain/ucspi.md; what no installed man page or docs/
 * file states is "unknown". */
#include "diag/core/programs.h"

#include <stdint.h>
#include <string.h>

#define UCSPI_DOC "docs/domain/ucspi.md#handshake-deadlines"

static const struct qt_program programs[] = {
    /* supervisors (docs/domain/supervision.md) */
    {"supervise", 0, QT_PROG_SUPERVISOR, NULL, NULL, "daemontools supervise(8)", NULL},
    {"runsv", 0, QT_PROG_SUPERVISOR, NULL, NULL, "runit runsv(8)", NULL},
    {"s6-supervise", 0, QT_PROG_SUPERVISOR, NULL, NULL, "s6 doc/s6-supervise.html", NULL},

    /* ucspi front ends */
    {"tcpserver", 0, QT_PROG_UCSPI | QT_PROG_LISTENER | QT_PROG_FRONTEND | QT_PROG_MAIL_CHAIN,
     "-c n (default 40)",
     "nothing: stock tcpserver does no TLS; the SSL patch's -s has no deadline; indimail's -S (default 60 s)",
     "tcpserver(1); " UCSPI_DOC, NULL},
    {"tcpserver-ssl", 0, QT_PROG_UCSPI | QT_PROG_LISTENER | QT_PROG_MAIL_CHAIN, "-c n (default 40)",
     "nothing: blocking SSL_accept() (Oppermann SSL patch)", "docs/domain/ucspi.md#ssl-patched-tcpserver", NULL},
    {"sslserver", 0, QT_PROG_UCSPI | QT_PROG_LISTENER | QT_PROG_FRONTEND | QT_PROG_TLS | QT_PROG_MAIL_CHAIN,
     "-c n (default 40)", "-T n (default 26 s)", "sslserver(1); " UCSPI_DOC, NULL},
    {"s6-tcpserver", 0, QT_PROG_LISTENER | QT_PROG_FRONTEND, "-c maxconn, -C localmaxconn", NULL,
     "s6-networking doc/s6-tcpserver.html; docs/domain/ucspi.md#s6", NULL},
    {"s6-tcpserver4", 0, QT_PROG_LISTENER | QT_PROG_FRONTEND, "-c maxconn, -C localmaxconn", NULL,
     "s6-networking doc/s6-tcpserver.html", NULL},
    {"s6-tcpserver6", 0, QT_PROG_LISTENER | QT_PROG_FRONTEND, "-c maxconn, -C localmaxconn", NULL,
     "s6-networking doc/s6-tcpserver.html", NULL},
    {"s6-tcpserverd", 0, QT_PROG_LISTENER | QT_PROG_FRONTEND, "-c maxconn, -C localmaxconn", NULL,
     "s6-networking doc/s6-tcpserverd.html", NULL},
    {"s6-tcpserver4d", 0, QT_PROG_LISTENER | QT_PROG_FRONTEND, "-c maxconn, -C localmaxconn", NULL,
     "s6-networking doc/s6-tcpserverd.html", NULL},
    {"s6-tcpserver6d", 0, QT_PROG_LISTENER | QT_PROG_FRONTEND, "-c maxconn, -C localmaxconn", NULL,
     "s6-networking doc/s6-tcpserverd.html", NULL},
    {"tcpsvd", 0, QT_PROG_LISTENER, "unknown", "unknown", "ipsvd / busybox tcpsvd (no man page installed)", NULL},
    {"couriertcpd", 0, QT_PROG_LISTENER, "unknown", "unknown", "courier couriertcpd (no man page installed)", NULL},

    /* TLS front ends */
    {"s6-tlsserver", 0, QT_PROG_FRONTEND | QT_PROG_TLS, "-c maxconn, -C localmaxconn (passed to s6-tcpserver)",
     "-K kimeout in ms (0, the default: unbounded)", "s6-networking doc/s6-tlsserver.html; " UCSPI_DOC, NULL},
    {"s6-tlsd", 0, QT_PROG_TLS, NULL, "-K kimeout in ms (0, the default: unbounded)",
     "s6-networking doc/s6-tlsd.html; " UCSPI_DOC, NULL},
    {"s6-tlsd-io", 0, QT_PROG_TLS, NULL, "unknown", "s6-networking", NULL},
    {"stunnel", 1, QT_PROG_TLS | QT_PROG_TLS_RELAY, "none: stunnel4(8) documents no connection limit",
     "TIMEOUTbusy (the wait for expected data; each byte resets it)", "stunnel4(8); " UCSPI_DOC, NULL},
    {"sslhandle", 0, QT_PROG_TLS, "unknown", "unknown", "ucspi-ssl sslhandle (no man page installed)", NULL},
    {"couriertls", 0, QT_PROG_TLS, "unknown", "unknown", "courier couriertls (no man page installed)", NULL},
    {"sslio", 0, QT_PROG_TLS, "unknown", "unknown", "ipsvd sslio (no man page installed)", NULL},
    /* TLS only with an OPENSSL-LISTEN address: stage reads its argv */
    {"socat", 0, QT_PROG_LISTENER, "max-children=<count> address option (default no limit)",
     "nothing: -T is an idle timeout that does not cover the handshake", "socat(1); " UCSPI_DOC, NULL},

    /* proxies and super-servers in front of mail: facts only, no collector yet */
    {"haproxy", 0, QT_PROG_PROXY, "maxconn (config key, global and per frontend)", "unknown",
     "haproxy configuration.txt (not installed here)", NULL},
    {"nginx", 0, QT_PROG_PROXY, "worker_connections (config key, events block)",
     "unknown for the mail module; the stream module has ssl_handshake_timeout",
     "nginx src/stream/ngx_stream_ssl_module.h (not installed here)", NULL},
    {"sslh", 0, QT_PROG_PROXY, "unknown", "unknown", "sslh (no man page installed)", NULL},
    {"xinetd", 0, QT_PROG_PROXY, "instances (config key per service; per_source per address)", NULL,
     "xinetd.conf(5) (not installed here)", NULL},

    /* mail programs */
    {"qmail-", 1, QT_PROG_MAIL_CHAIN, NULL, NULL, "docs/domain/qmail.md", NULL},
    {"qmail-smtpd", 1, QT_PROG_MAIL, NULL, NULL, "docs/domain/qmail.md (qmail-smtpd.real: a renamed one)", NULL},
    {"qmail-popup", 0, QT_PROG_MAIL, NULL, NULL, "docs/domain/qmail.md", NULL},
    {"qmail-pop3d", 0, QT_PROG_MAIL, NULL, NULL, "docs/domain/qmail.md", NULL},
    {"qmail-qmtpd", 0, QT_PROG_MAIL, NULL, NULL, "docs/domain/qmail.md", NULL},
    {"qmail-qmqpd", 0, QT_PROG_MAIL, NULL, NULL, "docs/domain/qmail.md", NULL},
    {"imapd", 0, QT_PROG_MAIL, NULL, NULL, "courier-imap imapd", NULL},
    {"pop3d", 0, QT_PROG_MAIL, NULL, NULL, "courier-imap pop3d", NULL},
    {"imapd-ssl", 0, QT_PROG_MAIL, NULL, NULL, "courier-imap imapd-ssl", NULL},
    {"pop3d-ssl", 0, QT_PROG_MAIL, NULL, NULL, "courier-imap pop3d-ssl", NULL},
    {"rblsmtpd", 0, QT_PROG_MAIL | QT_PROG_MAIL_CHAIN, NULL, NULL, "rblsmtpd(1)", NULL},
    {"spamdyke", 0, QT_PROG_MAIL | QT_PROG_MAIL_CHAIN, NULL, NULL, "spamdyke", NULL},
    {"vchkpw", 0, QT_PROG_MAIL | QT_PROG_MAIL_CHAIN, NULL, NULL, "docs/domain/vpopmail.md", NULL},
    {"recordio", 0, QT_PROG_MAIL_CHAIN, NULL, NULL, "recordio(1)", NULL},
    {"fixcrio", 0, QT_PROG_MAIL_CHAIN, NULL, NULL, "ucspi-tcp fixcrio", NULL},
    {"vdelivermail", 0, QT_PROG_MAIL_CHAIN, NULL, NULL, "docs/domain/vpopmail.md", NULL},
    {"simscan", 0, QT_PROG_MAIL_CHAIN, NULL, NULL, "simscan", NULL},
    {"jgreylist", 0, QT_PROG_MAIL_CHAIN, NULL, NULL, "jgreylist", NULL},

    /* chain-loading wrappers before the server in a run script; diag/parse/argv.c
     * knows each one's options (docs/domain/supervision.md) */
    {"exec", 0, QT_PROG_WRAPPER, NULL, NULL, "sh(1) exec", NULL},
    {"env", 0, QT_PROG_WRAPPER, NULL, NULL, "env(1)", NULL},
    {"nice", 0, QT_PROG_WRAPPER, NULL, NULL, "nice(1)", NULL},
    {"softlimit", 0, QT_PROG_WRAPPER, NULL, NULL, "daemontools softlimit(8)", NULL},
    {"s6-softlimit", 0, QT_PROG_WRAPPER, NULL, NULL, "s6 doc/s6-softlimit.html", "softlimit"},
    {"envuidgid", 0, QT_PROG_WRAPPER, NULL, NULL, "daemontools envuidgid(8)", NULL},
    {"s6-envuidgid", 0, QT_PROG_WRAPPER, NULL, NULL, "s6 doc/s6-envuidgid.html", "envuidgid"},
    {"setuidgid", 0, QT_PROG_WRAPPER, NULL, NULL, "daemontools setuidgid(8)", NULL},
    {"s6-setuidgid", 0, QT_PROG_WRAPPER, NULL, NULL, "s6 doc/s6-setuidgid.html", "setuidgid"},
    {"envdir", 0, QT_PROG_WRAPPER, NULL, NULL, "daemontools envdir(8)", NULL},
    {"s6-envdir", 0, QT_PROG_WRAPPER, NULL, NULL, "s6 doc/s6-envdir.html", "envdir"},
    {"argv0", 0, QT_PROG_WRAPPER, NULL, NULL, "ucspi-tcp argv0(1)", NULL},
    {"fghack", 0, QT_PROG_WRAPPER, NULL, NULL, "daemontools fghack(8)", NULL},
    {"pgrphack", 0, QT_PROG_WRAPPER, NULL, NULL, "daemontools pgrphack(8)", NULL},
    {"chpst", 0, QT_PROG_WRAPPER, NULL, NULL, "runit chpst(8)", NULL},
    {"setlock", 0, QT_PROG_WRAPPER, NULL, NULL, "daemontools setlock(8)", NULL},
};

const struct qt_program *qt_programs(size_t *n)
{
    *n = sizeof programs / sizeof programs[0];
    return programs;
}

/* Called for every process of a sample (stage, zombies): the first byte
 * rejects most entries before a string compare. */
static int matches(const struct qt_program *p, const char *name)
{
    if (p->name[0] != name[0])
        return 0;
    return p->prefix ? strncmp(name, p->name, strlen(p->name)) == 0 : strcmp(name, p->name) == 0;
}

static const struct qt_program *find_uncached(const char *name)
{
    const struct qt_program *best = NULL;
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        const struct qt_program *p = &programs[i];
        if (!matches(p, name))
            continue;
        if (!p->prefix)
            return p;
        if (!best || strlen(p->name) > strlen(best->name))
            best = p;
    }
    return best;
}

static unsigned roles_uncached(const char *name)
{
    unsigned r = 0;
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++)
        if (matches(&programs[i], name))
            r |= programs[i].roles;
    return r;
}

/* The answers for recent names. Collectors ask for every process of every
 * sample (10,000 per-connection children ask the same few names again and
 * again), so each name's answer is kept in a small per-thread table keyed by
 * the name's bytes: a hash and one compare instead of a walk of the
 * registry. Keyed by content, an answer cannot outlive the name it is for
 * (a process that exec'd asks with its new name). Longer names are not kept. */
#define MEMO_SLOTS 64
#define MEMO_NAME 64
struct memo {
    char name[MEMO_NAME]; /* "" : empty slot */
    unsigned roles;
    const struct qt_program *find;
};
static _Thread_local struct memo g_memo[MEMO_SLOTS];

static const struct memo *memo_get(const char *name)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    size_t len = 0;
    struct memo *m;

    for (; name[len]; len++) {
        if (len + 1 >= MEMO_NAME)
            return NULL;
        h = (h ^ (unsigned char)name[len]) * 16777619u;
    }
    if (!len)
        return NULL;
    m = &g_memo[h % MEMO_SLOTS];
    if (strcmp(m->name, name) != 0) {
        memcpy(m->name, name, len + 1);
        m->roles = roles_uncached(name);
        m->find = find_uncached(name);
    }
    return m;
}

const struct qt_program *qt_program_find(const char *name)
{
    const struct memo *m;
    if (!name)
        return NULL;
    m = memo_get(name);
    return m ? m->find : find_uncached(name);
}

unsigned qt_program_roles(const char *name)
{
    const struct memo *m;
    if (!name)
        return 0;
    m = memo_get(name);
    return m ? m->roles : roles_uncached(name);
}

int qt_program_is(const char *name, unsigned mask)
{
    return (qt_program_roles(name) & mask) != 0;
}
