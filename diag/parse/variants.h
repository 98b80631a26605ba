/* variants.h - option tables of the TCP/TLS front ends qmail runs behind.
 *
 * Each variant is described from its source (docs/domain/ucspi.md): the
 * exact getopt string, what every option means in THAT variant, defaults,
 * and where the TLS handshake deadline (if any) comes from. The same letter
 * means different things in different variants (-T: illegal in stock
 * tcpserver, handshake deadline in sslserver, relay idle timeout in
 * indimail), so nothing in qtriage interprets an option letter without
 * going through this table.
 *
 * Everything here is static, read-only data: no allocation, no ownership.
 */
#ifndef QT_VARIANTS_H
#define QT_VARIANTS_H

enum qt_variant {
    QT_VAR_UNKNOWN = 0,
    QT_VAR_UCSPI_TCP,      /* DJB ucspi-tcp 0.88 tcpserver */
    QT_VAR_UCSPI_TCP6,     /* fehcom ucspi-tcp6 tcpserver */
    QT_VAR_SSL_PATCH,      /* tcpserver with Andre Oppermann's SSL patch (-s -S -n) */
    QT_VAR_SSLSERVER,      /* SuperScript (William Baxter) ucspi-ssl sslserver 0.70+ */
    QT_VAR_SSLSERVER_FEH,  /* fehcom ucspi-ssl 0.9x sslserver */
    QT_VAR_INDIMAIL,       /* indimail-mta tcpserver */
    QT_VAR_S6_TCPSERVER,   /* s6-tcpserver (wrapper that execs the chain) */
    QT_VAR_S6_TCPSERVERD,  /* s6-tcpserverd/4d/6d: the long-running accept loop */
    QT_VAR_S6_TLSSERVER,   /* s6-tlsserver (wrapper) */
    QT_VAR_COUNT
};

/* What an option is about; lint and the pane use it, not the letter. */
enum qt_optrole {
    QT_OR_OTHER = 0,
    QT_OR_LIMIT,          /* max simultaneous children (-c) */
    QT_OR_IPLIMIT,        /* per-IP limit (-C) */
    QT_OR_IDENT_ON,       /* do the RFC 1413 ident lookup (-r) */
    QT_OR_IDENT_OFF,      /* (-R) */
    QT_OR_IDENT_TIMEOUT,  /* ident timeout (-t) */
    QT_OR_DNS_ON,         /* reverse DNS of the client (-h) */
    QT_OR_DNS_OFF,        /* (-H) */
    QT_OR_HANDSHAKE,      /* TLS handshake deadline (-T sslserver, -S indimail, -K s6) */
    QT_OR_IO_TIMEOUT,     /* relay/program I/O idle timeout (-w sslserver, -T indimail) */
    QT_OR_TLS_ON,         /* turns TLS on (-s SSL patch, -n/-s indimail) */
    QT_OR_TLS_OFF,
    QT_OR_TCPENV_ON,      /* sslserver -e: set TCP* variables */
    QT_OR_TCPENV_OFF,
    QT_OR_RULES,          /* -x cdb */
    QT_OR_RULES_OPTIONAL, /* -X */
    QT_OR_VERBOSE,
    QT_OR_QUIET,
    QT_OR_CERT,           /* certificate file argument */
    QT_OR_STARTTLS,       /* fehcom -n: TLS only after the program asks */
};

struct qt_optdef {
    char letter;
    unsigned char arg;      /* 1: takes an argument (per the getopt string) */
    unsigned char role;     /* enum qt_optrole */
    const char *argname;    /* "n", "cdb"; NULL for flags */
    const char *meaning;    /* what it does in this variant, one line */
    const char *dflt;       /* "default" when it is the default, or "default 26"; NULL */
    const char *excl;       /* letters that override it (the last one given wins); NULL */
};

enum qt_variant_tls { /* how a front end speaks TLS (not the wizard's qt_tls_mode) */
    QT_TLS_NEVER = 0,     /* no TLS in the front end at all */
    QT_TLS_BY_OPTION,     /* TLS only when an option says so (SSL patch -s, indimail -n/-s) */
    QT_TLS_ALWAYS,        /* the front end always speaks TLS (sslserver, s6-tlsserver) */
};

struct qt_variant_def {
    enum qt_variant id;
    const char *key;          /* stable short name: "ucspi-tcp", "sslserver-feh" */
    const char *label;        /* for people: "ucspi-tcp 0.88 tcpserver" */
    const char *program;      /* usual program name */
    const char *optstring;    /* the getopt string exactly as the source has it */
    const char *source;       /* where the facts come from */
    const struct qt_optdef *opts;
    int nopts;
    int has_host_port;        /* 0: prog follows the options directly (s6-tcpserverd) */
    unsigned default_limit;   /* -c default; 0 = the variant has no limit option */
    int ident_default;        /* 1: ident lookup on unless -R */
    int dns_default;          /* 1: reverse DNS on unless -H */
    enum qt_variant_tls tls;
    /* Handshake deadline: the option letter (0 = the variant has none),
     * its default in seconds (-1 = none/infinite) and a unit multiplier
     * for the option value (1000 when the option is in milliseconds). */
    char handshake_opt;
    long handshake_default;
    unsigned handshake_unit_ms;
    const char *handshake_note;  /* one line: how the handshake is bounded, or why not */
    const char *usage;           /* the usage line it prints on a bad option (exit 100) */
    int per_ip_limit;            /* 1: has a per-IP limit option */
};

const struct qt_variant_def *qt_variant_get(enum qt_variant v);
/* The definition of option letter in v, or NULL when v does not know it. */
const struct qt_optdef *qt_variant_opt(const struct qt_variant_def *d, char letter);
/* "ucspi-tcp" -> id; QT_VAR_UNKNOWN if no such key. */
enum qt_variant qt_variant_by_key(const char *key);

/* Which variants a program name can be. basename is the last path part of
 * argv[0] (or of the executable). Fills out (up to max) in the order of
 * likelihood and returns the count; 0 = not a front end we know. */
int qt_variant_candidates(const char *basename, enum qt_variant *out, int max);

/* Variant whose getopt string equals s exactly, else QT_VAR_UNKNOWN. For
 * strings that are close but not equal (local patches), *why explains the
 * guess when a feature test (s/S/n: -> SSL patch, T: w: -> sslserver,
 * S: T: n: -> indimail) names one; else QT_VAR_UNKNOWN. why may be NULL. */
enum qt_variant qt_variant_from_optstring(const char *s, const char **why);

/* Does s look like a getopt string (letters/digits with ':' after some)? */
int qt_looks_like_optstring(const char *s, unsigned long len);

#endif
