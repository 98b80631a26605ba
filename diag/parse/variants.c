/* variants.c - see variants.h. Facts from docs/domain/ucspi.md and the
 * sources it cites (ucspi-tcp 0.88 man page and binary, LKML-tcpserver.c,
 * SuperScript/ucspi-ssl doc/sslserver.txt, fehcom ucspi-ssl 0.95b
 * src/sslserver.c + man/sslserver.1, indimail-mta ucspi-tcp-x/tcpserver.9,
 * skarnet s6-networking docs and src/conn-tools/). */
#include "diag/parse/variants.h"
#include "diag/core/util.h"

#include <string.h>

#define FLAG(l, role, meaning, dflt, excl) {l, 0, role, NULL, meaning, dflt, excl}
#define ARG(l, role, an, meaning, dflt) {l, 1, role, an, meaning, dflt, NULL}

/* Options common to DJB's tcpserver and everything derived from it. */
#define DJB_COMMON(IDENT_R_DEFAULT, IDENT_r_DEFAULT, REMOTEINFO)                                       \
    FLAG('d', QT_OR_OTHER, "delay sending data when the client is slow (Nagle on)", "default", "D"),     \
    FLAG('D', QT_OR_OTHER, "never delay sending data (TCP_NODELAY)", NULL, "d"),                         \
    FLAG('v', QT_OR_VERBOSE, "verbose: log status/pid/ok/deny/end lines", NULL, "qQ"),                   \
    FLAG('q', QT_OR_QUIET, "quiet: print no error messages", NULL, "vQ"),                                \
    FLAG('Q', QT_OR_OTHER, "print error messages only", "default", "vq"),                                \
    FLAG('h', QT_OR_DNS_ON, "look up the client's host name in DNS before starting the program", "default", "H"), \
    FLAG('H', QT_OR_DNS_OFF, "no reverse-DNS lookup of the client", NULL, "h"),                          \
    FLAG('r', QT_OR_IDENT_ON, "ask the client's ident server (port 113) for $" REMOTEINFO " before starting the program; waits up to -t seconds", IDENT_r_DEFAULT, "R"), \
    FLAG('R', QT_OR_IDENT_OFF, "no ident (port 113) lookup", IDENT_R_DEFAULT, "r"),                      \
    FLAG('1', QT_OR_OTHER, "print the local port number on stdout after binding", NULL, NULL),           \
    FLAG('U', QT_OR_OTHER, "same as -g $GID -u $UID (set by envuidgid)", NULL, NULL),                    \
    FLAG('X', QT_OR_RULES_OPTIONAL, "with -x: accept connections even if the rules cdb does not exist", NULL, NULL), \
    ARG('x', QT_OR_RULES, "cdb", "follow the tcprules cdb (a missing cdb drops every connection unless -X)", NULL), \
    ARG('t', QT_OR_IDENT_TIMEOUT, "n", "give up the ident ($" REMOTEINFO ") lookup after n seconds; ident only, NOT a TLS or session timeout", "default 26"), \
    ARG('u', QT_OR_OTHER, "uid", "switch to this uid after binding", NULL),                             \
    ARG('g', QT_OR_OTHER, "gid", "switch to this gid after binding", NULL),                             \
    ARG('l', QT_OR_OTHER, "localname", "use localname for the local host name (no local DNS lookup)", NULL), \
    ARG('b', QT_OR_OTHER, "n", "listen backlog", "default 20"),                                         \
    ARG('B', QT_OR_OTHER, "banner", "write banner to the client right after connecting", NULL),         \
    ARG('c', QT_OR_LIMIT, "n", "at most n simultaneous children; more clients wait in the listen queue", "default 40"), \
    FLAG('p', QT_OR_OTHER, "paranoid: drop the host name unless it resolves back to the client IP", NULL, "P"), \
    FLAG('P', QT_OR_OTHER, "not paranoid", "default", "p"),                                              \
    FLAG('o', QT_OR_OTHER, "leave IP options alone", NULL, "O"),                                         \
    FLAG('O', QT_OR_OTHER, "kill IP options", "default", "o")

static const struct qt_optdef opts_ucspi_tcp[] = {
    DJB_COMMON(NULL, "default", "TCPREMOTEINFO"),
};

static const struct qt_optdef opts_ucspi_tcp6[] = {
    DJB_COMMON("default", NULL, "TCPREMOTEINFO"),
    FLAG('4', QT_OR_OTHER, "IPv4 sockets only", NULL, NULL),
    FLAG('6', QT_OR_OTHER, "IPv6 mode in the environment variables", NULL, NULL),
    ARG('I', QT_OR_OTHER, "interface", "bind to this network interface (IPv6 link-local)", NULL),
};

static const struct qt_optdef opts_ssl_patch[] = {
    DJB_COMMON(NULL, "default", "TCPREMOTEINFO"),
    FLAG('s', QT_OR_TLS_ON, "speak SSL/TLS: a child does a blocking SSL_accept() with NO deadline, then relays with a fixed 3600 s idle timeout", NULL, "S"),
    FLAG('S', QT_OR_TLS_OFF, "no SSL", "default", "s"),
    ARG('n', QT_OR_CERT, "certfile", "PEM file with key and certificate (relative to the service directory)", "default ./cert.pem"),
};

static const struct qt_optdef opts_sslserver[] = {
    DJB_COMMON(NULL, "default", "SSLREMOTEINFO"),
    ARG('T', QT_OR_HANDSHAKE, "n", "give up the TLS handshake after n seconds (total deadline, before the program starts)", "default 26"),
    ARG('w', QT_OR_IO_TIMEOUT, "n", "give up a connection or program after n seconds without read or write", "default 3600"),
    FLAG('3', QT_OR_OTHER, "read the key password from fd 3", NULL, NULL),
    FLAG('I', QT_OR_OTHER, "do not require client certificates", "default", "i"),
    FLAG('i', QT_OR_OTHER, "require valid client certificates", NULL, "I"),
    FLAG('E', QT_OR_TCPENV_OFF, "do not set TCP* variables (vchkpw logs as vchkpw-0, no client IP)", "default", "e"),
    FLAG('e', QT_OR_TCPENV_ON, "also set TCPLOCALPORT, TCPREMOTEIP... from the SSL* variables", NULL, "E"),
    FLAG('S', QT_OR_OTHER, "do not store certificate data in the environment", "default", "s"),
    FLAG('s', QT_OR_OTHER, "store client/server certificate data in the environment (mod_ssl style)", NULL, "S"),
    FLAG('a', QT_OR_OTHER, "switch uid/gid after reading the certificates", NULL, "A"),
    FLAG('A', QT_OR_OTHER, "switch uid/gid before reading the certificates", "default", "a"),
};

static const struct qt_optdef opts_sslserver_feh[] = {
    DJB_COMMON("default", NULL, "SSLREMOTEINFO"),
    FLAG('3', QT_OR_OTHER, "read the key password from fd 3", NULL, NULL),
    FLAG('4', QT_OR_OTHER, "IPv4 sockets and DNS only", NULL, NULL),
    FLAG('6', QT_OR_OTHER, "IPv6 mode in the environment variables", NULL, NULL),
    FLAG('V', QT_OR_VERBOSE, "verbose plus TLS protocol and cipher in the log", NULL, "vqQ"),
    ARG('T', QT_OR_HANDSHAKE, "n", "give up the TLS handshake after n seconds (total deadline)", "default 26"),
    ARG('w', QT_OR_IO_TIMEOUT, "n", "give up a connection or program after n seconds without read or write", "default 3600"),
    FLAG('I', QT_OR_OTHER, "bind to an interface: the source reads an argument, but the getopt string gives -I none, so the next word is NOT its argument", NULL, NULL),
    FLAG('E', QT_OR_TCPENV_OFF, "do not set TCP* variables (vchkpw logs as vchkpw-0, no client IP)", "default", "e"),
    FLAG('e', QT_OR_TCPENV_ON, "also set TCPLOCALPORT, TCPREMOTEIP... from the SSL* variables", NULL, "E"),
    FLAG('S', QT_OR_OTHER, "do not store certificate data in the environment", "default", "s"),
    FLAG('s', QT_OR_OTHER, "store client/server certificate data in the environment (mod_ssl style)", NULL, "S"),
    FLAG('n', QT_OR_STARTTLS, "UCSPI-TLS: start TLS only when the program asks (STARTTLS)", NULL, "N"),
    FLAG('N', QT_OR_OTHER, "start TLS right after accept", "default", "n"),
    FLAG('z', QT_OR_OTHER, "require a valid client certificate matching the host name", NULL, "Zm"),
    FLAG('Z', QT_OR_OTHER, "do not require client certificates", "default", "zm"),
    FLAG('m', QT_OR_OTHER, "require a valid client certificate (no name check)", NULL, "zZ"),
};

static const struct qt_optdef opts_indimail[] = {
    DJB_COMMON(NULL, "default", "TCPREMOTEINFO"),
    ARG('e', QT_OR_OTHER, "arg", "(takes an argument; meaning not verified)", NULL),
    ARG('m', QT_OR_OTHER, "db.conf", "follow tcprules kept in MySQL", NULL),
    ARG('M', QT_OR_OTHER, "method", "TLS method/protocol", NULL),
    ARG('T', QT_OR_IO_TIMEOUT, "n", "drop the connection when no data arrives for n seconds (TLS relay idle timeout, NOT the handshake)", "default 300"),
    ARG('C', QT_OR_IPLIMIT, "n", "at most n simultaneous connections from one host", "default 20"),
    FLAG('4', QT_OR_OTHER, "IPv4 sockets only", NULL, NULL),
    FLAG('6', QT_OR_OTHER, "IPv6 mode in the environment variables", NULL, NULL),
    ARG('I', QT_OR_OTHER, "interface", "bind to this network interface (IPv6 link-local)", NULL),
    FLAG('s', QT_OR_TLS_ON, "TLS with the default certificate (servercert.pem in the cert dir)", NULL, NULL),
    FLAG('N', QT_OR_OTHER, "allow client-initiated renegotiation", NULL, NULL),
    ARG('n', QT_OR_TLS_ON, "certfile", "TLS with this certificate (without -n or -s no TLS)", NULL),
    ARG('a', QT_OR_OTHER, "cafile", "CA certificates file", NULL),
    ARG('f', QT_OR_OTHER, "ciphers", "TLS cipher list", NULL),
    ARG('i', QT_OR_OTHER, "certdir", "certificate directory", NULL),
    ARG('L', QT_OR_OTHER, "crlfile", "certificate revocation lists", NULL),
    ARG('S', QT_OR_HANDSHAKE, "n", "give up the TLS accept (handshake) after n seconds", "default 60"),
    FLAG('z', QT_OR_OTHER, "set TLS_PROVIDER with details of the TLS session", NULL, NULL),
};

#define S6_COMMON                                                                              \
    FLAG('q', QT_OR_QUIET, "quiet: fatal errors only", NULL, "Qv"),                            \
    FLAG('Q', QT_OR_OTHER, "warnings and fatal errors", "default", "qv"),                      \
    FLAG('v', QT_OR_VERBOSE, "verbose: status and connection lines", NULL, "qQ"),              \
    FLAG('1', QT_OR_OTHER, "print the local port on stdout after binding", NULL, NULL),        \
    ARG('c', QT_OR_LIMIT, "maxconn", "at most maxconn simultaneous connections", "default 40"), \
    ARG('C', QT_OR_IPLIMIT, "localmaxconn", "at most localmaxconn connections from one IP", "default 40 (never above -c)"), \
    ARG('b', QT_OR_OTHER, "backlog", "listen backlog", NULL),                                  \
    ARG('G', QT_OR_OTHER, "gidlist", "supplementary groups", NULL),                            \
    ARG('g', QT_OR_OTHER, "gid", "switch to this gid", NULL),                                  \
    ARG('u', QT_OR_OTHER, "uid", "switch to this uid", NULL),                                  \
    FLAG('U', QT_OR_OTHER, "take uid/gid from $UID/$GID", NULL, NULL)

static const struct qt_optdef opts_s6_tcpserver[] = {
    S6_COMMON,
};

static const struct qt_optdef opts_s6_tcpserverd[] = {
    FLAG('1', QT_OR_OTHER, "print the local port on stdout", NULL, NULL),
    ARG('c', QT_OR_LIMIT, "maxconn", "at most maxconn simultaneous connections", "default 40"),
    ARG('C', QT_OR_IPLIMIT, "localmaxconn", "at most localmaxconn connections from one IP", "default 40 (never above -c)"),
    ARG('v', QT_OR_OTHER, "verbosity", "log verbosity", "default 1"),
};

static const struct qt_optdef opts_s6_tlsserver[] = {
    S6_COMMON,
    FLAG('4', QT_OR_OTHER, "IPv4 only", NULL, NULL),
    FLAG('6', QT_OR_OTHER, "IPv6 only", NULL, NULL),
    FLAG('W', QT_OR_OTHER, "(s6-tcpserver-access) no warning on failed lookups", "default", "w"),
    FLAG('w', QT_OR_OTHER, "(s6-tcpserver-access) warn on failed lookups", NULL, "W"),
    FLAG('D', QT_OR_OTHER, "(s6-tcpserver-access) TCP_NODELAY", NULL, "d"),
    FLAG('d', QT_OR_OTHER, "(s6-tcpserver-access) Nagle on", "default", "D"),
    FLAG('H', QT_OR_DNS_OFF, "(s6-tcpserver-access) no reverse DNS", NULL, "h"),
    FLAG('h', QT_OR_DNS_ON, "(s6-tcpserver-access) reverse DNS of the client", "default", "H"),
    FLAG('R', QT_OR_IDENT_OFF, "(s6-tcpserver-access) no ident lookup", "default", "r"),
    FLAG('r', QT_OR_IDENT_ON, "(s6-tcpserver-access) ident lookup", NULL, "R"),
    FLAG('P', QT_OR_OTHER, "(s6-tcpserver-access) not paranoid", "default", "p"),
    FLAG('p', QT_OR_OTHER, "(s6-tcpserver-access) paranoid reverse DNS", NULL, "P"),
    ARG('l', QT_OR_OTHER, "localname", "(s6-tcpserver-access) local host name", NULL),
    ARG('B', QT_OR_OTHER, "banner", "(s6-tcpserver-access) banner", NULL),
    ARG('t', QT_OR_IDENT_TIMEOUT, "timeout", "(s6-tcpserver-access) ident/DNS lookup timeout in ms", "default 0 = none"),
    ARG('i', QT_OR_RULES, "rulesdir", "(s6-tcpserver-access) access rules directory", NULL),
    ARG('x', QT_OR_RULES, "rulesfile", "(s6-tcpserver-access) access rules cdb", NULL),
    FLAG('S', QT_OR_OTHER, "(s6-tlsd) close the TLS session cleanly on EOF", NULL, "s"),
    FLAG('s', QT_OR_OTHER, "(s6-tlsd) do not send close_notify on EOF", "default", "S"),
    FLAG('J', QT_OR_OTHER, "(s6-tlsd) exit on close_notify", NULL, "j"),
    FLAG('j', QT_OR_OTHER, "(s6-tlsd) ignore close_notify", "default", "J"),
    FLAG('Y', QT_OR_OTHER, "(s6-tlsd) no client certificate", "default", "y"),
    FLAG('y', QT_OR_OTHER, "(s6-tlsd) request a client certificate", NULL, "Y"),
    FLAG('Z', QT_OR_OTHER, "(s6-tlsd) no automatic client certificate check", "default", "z"),
    FLAG('z', QT_OR_OTHER, "(s6-tlsd) check client certificates", NULL, "Z"),
    ARG('K', QT_OR_HANDSHAKE, "kimeout", "(s6-tlsd) close the connection if the handshake takes more than kimeout ms", "default 0 = infinite"),
    ARG('k', QT_OR_OTHER, "snilevel", "(s6-tlsd) SNI handling", NULL),
};

#define N(a) (int)QT_ARRAY_LEN(a)

static const struct qt_variant_def defs[QT_VAR_COUNT] = {
    [QT_VAR_UNKNOWN] = {
        .id = QT_VAR_UNKNOWN, .key = "unknown", .label = "unknown", .program = "?",
        .optstring = "", .source = "", .opts = NULL, .nopts = 0,
        .handshake_default = -1, .handshake_note = "unknown front end",
    },
    [QT_VAR_UCSPI_TCP] = {
        .id = QT_VAR_UCSPI_TCP, .key = "ucspi-tcp", .label = "ucspi-tcp 0.88 tcpserver",
        .program = "tcpserver", .optstring = "dDvqQhHrR1UXx:t:u:g:l:b:B:c:pPoO",
        .source = "man tcpserver; /usr/bin/tcpserver (Debian ucspi-tcp 0.88)",
        .opts = opts_ucspi_tcp, .nopts = N(opts_ucspi_tcp), .has_host_port = 1,
        .default_limit = 40, .ident_default = 1, .dns_default = 1, .tls = QT_TLS_NEVER,
        .handshake_opt = 0, .handshake_default = -1,
        .handshake_note = "no TLS in stock tcpserver (TLS, if any, is done by the program)",
        .usage = "tcpserver: usage: tcpserver [ -1UXpPhHrRoOdDqQv ] [ -c limit ] [ -x rules.cdb ] [ -B banner ] [ -g gid ] [ -u uid ] [ -b backlog ] [ -l localname ] [ -t timeout ] host port program",
    },
    [QT_VAR_UCSPI_TCP6] = {
        .id = QT_VAR_UCSPI_TCP6, .key = "ucspi-tcp6", .label = "fehcom ucspi-tcp6 tcpserver",
        .program = "tcpserver", .optstring = "46dDvqQhHrR1UXx:t:u:g:l:b:B:c:I:pPoO",
        .source = "ucspi-tcp6-0.99a src/tcpserver.c",
        .opts = opts_ucspi_tcp6, .nopts = N(opts_ucspi_tcp6), .has_host_port = 1,
        .default_limit = 40, .ident_default = 0, .dns_default = 1, .tls = QT_TLS_NEVER,
        .handshake_opt = 0, .handshake_default = -1,
        .handshake_note = "no TLS in tcpserver (TLS, if any, is done by the program)",
    },
    [QT_VAR_SSL_PATCH] = {
        .id = QT_VAR_SSL_PATCH, .key = "tcpserver-sslpatch", .label = "tcpserver + Oppermann SSL patch",
        .program = "tcpserver", .optstring = "dDvqQhHrRsS1UXx:t:u:g:l:b:B:c:n:pPoO",
        .source = "LKML-tcpserver.c (ucspi-tcp-ssl-20020705 patch, docs/domain/ucspi.md)",
        .opts = opts_ssl_patch, .nopts = N(opts_ssl_patch), .has_host_port = 1,
        .default_limit = 40, .ident_default = 1, .dns_default = 1, .tls = QT_TLS_BY_OPTION,
        .handshake_opt = 0, .handshake_default = -1,
        .handshake_note = "none possible: blocking SSL_accept() without a deadline; a silent client holds a -c slot until it disconnects",
        .usage = "tcpserver: usage: tcpserver [ -1UXpPhHrRoOdDqQsSv ] [ -c limit ] [ -x rules.cdb ] [ -B banner ] [ -g gid ] [ -u uid ] [ -b backlog ] [ -l localname ] [ -t timeout ] [ -n certfile ] host port program",
    },
    [QT_VAR_SSLSERVER] = {
        .id = QT_VAR_SSLSERVER, .key = "sslserver", .label = "ucspi-ssl sslserver (SuperScript 0.70+)",
        .program = "sslserver", .optstring = "dDvqQhHrR1UXx:t:T:u:g:l:b:B:c:pPoO3IiEeSsaAw:",
        .source = "SuperScript/ucspi-ssl doc/sslserver.txt, src/sslserver.c",
        .opts = opts_sslserver, .nopts = N(opts_sslserver), .has_host_port = 1,
        .default_limit = 40, .ident_default = 1, .dns_default = 1, .tls = QT_TLS_ALWAYS,
        .handshake_opt = 'T', .handshake_default = 26, .handshake_unit_ms = 0,
        .handshake_note = "-T n: total handshake deadline before the program starts (default 26 s)",
    },
    [QT_VAR_SSLSERVER_FEH] = {
        .id = QT_VAR_SSLSERVER_FEH, .key = "sslserver-feh", .label = "fehcom ucspi-ssl 0.9x sslserver",
        .program = "sslserver", .optstring = "1346dDvVqQhHrRUXx:t:T:u:g:l:b:B:c:pPoOIEeSsw:nNzZm",
        .source = "fehcom ucspi-ssl 0.95b src/sslserver.c, man/sslserver.1",
        .opts = opts_sslserver_feh, .nopts = N(opts_sslserver_feh), .has_host_port = 1,
        .default_limit = 40, .ident_default = 0, .dns_default = 1, .tls = QT_TLS_ALWAYS,
        .handshake_opt = 'T', .handshake_default = 26, .handshake_unit_ms = 0,
        .handshake_note = "-T n: total handshake deadline (default 26 s)",
        .usage = "sslserver: usage: sslserver [ -1346UXpPhHrRoOdDqQvVIeEsSnNmzZ ] [ -c limit ] [ -x rules.cdb ] [ -B banner ] [ -g gid ] [ -u uid ] [ -b backlog ] [ -l localname ] [ -t timeout ] [ -I interface ] [ -T ssltimeout ] [ -w progtimeout ] host port program",
    },
    [QT_VAR_INDIMAIL] = {
        .id = QT_VAR_INDIMAIL, .key = "indimail", .label = "indimail-mta tcpserver",
        .program = "tcpserver", .optstring = "dDe:vqQhHrR1UXx:m:M:t:T:u:g:l:b:B:c:C:pPoO46I:sNn:a:f:M:i:L:S:z",
        .source = "indimail-mta ucspi-tcp-x/tcpserver.c and tcpserver.9",
        .opts = opts_indimail, .nopts = N(opts_indimail), .has_host_port = 1,
        .default_limit = 40, .ident_default = 1, .dns_default = 1, .tls = QT_TLS_BY_OPTION,
        .handshake_opt = 'S', .handshake_default = 60, .handshake_unit_ms = 0,
        .handshake_note = "-S n: TLS accept timeout (default 60 s); -T is the relay idle timeout",
        .per_ip_limit = 1,
    },
    [QT_VAR_S6_TCPSERVER] = {
        .id = QT_VAR_S6_TCPSERVER, .key = "s6-tcpserver", .label = "s6-networking s6-tcpserver",
        .program = "s6-tcpserver", .optstring = "qQv1c:C:b:G:g:u:U",
        .source = "skarnet.org s6-tcpserver.html",
        .opts = opts_s6_tcpserver, .nopts = N(opts_s6_tcpserver), .has_host_port = 1,
        .default_limit = 40, .ident_default = 0, .dns_default = 0, .tls = QT_TLS_NEVER,
        .handshake_opt = 0, .handshake_default = -1,
        .handshake_note = "no TLS in s6-tcpserver (s6-tlsd -K in the program chain bounds it)",
        .per_ip_limit = 1,
    },
    [QT_VAR_S6_TCPSERVERD] = {
        .id = QT_VAR_S6_TCPSERVERD, .key = "s6-tcpserverd", .label = "s6-networking s6-tcpserverd",
        .program = "s6-tcpserverd", .optstring = "1c:C:v:",
        .source = "skarnet s6-networking src/conn-tools/s6-tcpserverd.c",
        .opts = opts_s6_tcpserverd, .nopts = N(opts_s6_tcpserverd), .has_host_port = 0,
        .default_limit = 40, .ident_default = 0, .dns_default = 0, .tls = QT_TLS_NEVER,
        .handshake_opt = 0, .handshake_default = -1,
        .handshake_note = "no TLS in s6-tcpserverd (s6-tlsd -K in the program chain bounds it)",
        .per_ip_limit = 1,
    },
    [QT_VAR_S6_TLSSERVER] = {
        .id = QT_VAR_S6_TLSSERVER, .key = "s6-tlsserver", .label = "s6-networking s6-tlsserver",
        .program = "s6-tlsserver", .optstring = "qQv461c:C:b:G:g:u:UWwDdHhRrPpl:B:t:i:x:SsJjYyZzK:k:",
        .source = "skarnet s6-networking src/conn-tools/s6-tlsserver.c, doc/s6-tlsd.html",
        .opts = opts_s6_tlsserver, .nopts = N(opts_s6_tlsserver), .has_host_port = 1,
        .default_limit = 40, .ident_default = 0, .dns_default = 1, .tls = QT_TLS_ALWAYS,
        .handshake_opt = 'K', .handshake_default = -1, .handshake_unit_ms = 1,
        .handshake_note = "-K ms: handshake deadline; default 0 = infinite",
        .per_ip_limit = 1,
    },
};

const struct qt_variant_def *qt_variant_get(enum qt_variant v)
{
    if ((unsigned)v >= QT_VAR_COUNT)
        v = QT_VAR_UNKNOWN;
    return &defs[v];
}

const struct qt_optdef *qt_variant_opt(const struct qt_variant_def *d, char letter)
{
    for (int i = 0; i < d->nopts; i++)
        if (d->opts[i].letter == letter)
            return &d->opts[i];
    return NULL;
}

enum qt_variant qt_variant_by_key(const char *key)
{
    for (int i = 1; i < QT_VAR_COUNT; i++)
        if (strcmp(defs[i].key, key) == 0)
            return (enum qt_variant)i;
    return QT_VAR_UNKNOWN;
}

int qt_variant_candidates(const char *base, enum qt_variant *out, int max)
{
    static const struct { const char *name; enum qt_variant v[4]; } names[] = {
        /* a plain "tcpserver" can be any of these; stock first (most common) */
        {"tcpserver", {QT_VAR_UCSPI_TCP, QT_VAR_SSL_PATCH, QT_VAR_UCSPI_TCP6, QT_VAR_INDIMAIL}},
        {"sslserver", {QT_VAR_SSLSERVER, QT_VAR_SSLSERVER_FEH, 0, 0}},
        {"s6-tcpserver", {QT_VAR_S6_TCPSERVER, 0, 0, 0}},
        {"s6-tcpserver4", {QT_VAR_S6_TCPSERVER, 0, 0, 0}},
        {"s6-tcpserver6", {QT_VAR_S6_TCPSERVER, 0, 0, 0}},
        {"s6-tcpserverd", {QT_VAR_S6_TCPSERVERD, 0, 0, 0}},
        {"s6-tcpserver4d", {QT_VAR_S6_TCPSERVERD, 0, 0, 0}},
        {"s6-tcpserver6d", {QT_VAR_S6_TCPSERVERD, 0, 0, 0}},
        {"s6-tlsserver", {QT_VAR_S6_TLSSERVER, 0, 0, 0}},
    };
    int n = 0;

    if (!base)
        return 0;
    for (size_t i = 0; i < QT_ARRAY_LEN(names); i++)
        if (strcmp(base, names[i].name) == 0) {
            for (int k = 0; k < 4 && names[i].v[k] && n < max; k++)
                out[n++] = names[i].v[k];
            return n;
        }
    /* Local names of an SSL-patched tcpserver ("tcpserver-ssl", "tcpserver.ssl",
     * "ssl-tcpserver"): the name alone proves nothing; every tcpserver is possible,
     * the SSL patch first. */
    if (strstr(base, "tcpserver") && !strstr(base, "s6-")) {
        enum qt_variant v[] = {QT_VAR_SSL_PATCH, QT_VAR_UCSPI_TCP, QT_VAR_UCSPI_TCP6, QT_VAR_INDIMAIL};
        for (size_t k = 0; k < QT_ARRAY_LEN(v) && n < max; k++)
            out[n++] = v[k];
        return n;
    }
    if (strstr(base, "sslserver")) {
        if (n < max)
            out[n++] = QT_VAR_SSLSERVER;
        if (n < max)
            out[n++] = QT_VAR_SSLSERVER_FEH;
    }
    return n;
}

/* Letters of s that take an argument ("x:" -> 'x') or not, as a set test. */
static int has_opt(const char *s, char c, int with_arg)
{
    for (const char *p = s; *p; p++) {
        if (*p == ':')
            continue;
        if (*p == c && (p[1] == ':') == (with_arg != 0))
            return 1;
    }
    return 0;
}

enum qt_variant qt_variant_from_optstring(const char *s, const char **why)
{
    if (why)
        *why = NULL;
    for (int i = 1; i < QT_VAR_COUNT; i++)
        if (strcmp(defs[i].optstring, s) == 0) {
            if (why)
                *why = "exact getopt string";
            return (enum qt_variant)i;
        }
    /* Not exact: recognise by the letters that tell the families apart. */
    if (!has_opt(s, 'x', 1) || !has_opt(s, 'c', 1))
        return QT_VAR_UNKNOWN;
    if (has_opt(s, 'T', 1) && (has_opt(s, 'S', 1) || has_opt(s, 'C', 1))) {
        if (why)
            *why = "getopt string has T: with S: or C: (indimail tcpserver family)";
        return QT_VAR_INDIMAIL;
    }
    if (has_opt(s, 'T', 1) && has_opt(s, 'w', 1)) {
        if (why)
            *why = has_opt(s, 'n', 0) ? "getopt string has T:, w: and n (fehcom sslserver family)"
                                      : "getopt string has T: and w: (sslserver family)";
        return has_opt(s, 'n', 0) ? QT_VAR_SSLSERVER_FEH : QT_VAR_SSLSERVER;
    }
    if (has_opt(s, 's', 0) && has_opt(s, 'S', 0) && has_opt(s, 'n', 1)) {
        if (why)
            *why = "getopt string has s, S and n: (Oppermann SSL patch family)";
        return QT_VAR_SSL_PATCH;
    }
    if (!has_opt(s, 'T', 1) && has_opt(s, 't', 1) && has_opt(s, 'I', 1)) {
        if (why)
            *why = "getopt string has I: and no T: (ucspi-tcp6 family)";
        return QT_VAR_UCSPI_TCP6;
    }
    if (!has_opt(s, 'T', 1) && has_opt(s, 't', 1)) {
        if (why)
            *why = "getopt string close to stock tcpserver (no T:, no s/S)";
        return QT_VAR_UCSPI_TCP;
    }
    return QT_VAR_UNKNOWN;
}

int qt_looks_like_optstring(const char *s, unsigned long len)
{
    unsigned long colons = 0, letters = 0;

    if (len < 8 || len > 120 || s[0] == ':')
        return 0;
    for (unsigned long i = 0; i < len; i++) {
        char c = s[i];
        if (c == ':') {
            if (i + 1 < len && s[i + 1] == ':')
                return 0; /* "::" (GNU optional args) is not DJB style */
            colons++;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            letters++;
        } else {
            return 0;
        }
    }
    /* a front end has a handful of arguments (-x -t -u -g -l -b -B -c) */
    return colons >= 4 && letters >= 8;
}
