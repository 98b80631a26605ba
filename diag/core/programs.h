/* programs.h - the registry of programs qtriage knows by name.
 *
 * One table (diag/core/programs.c) of the supervisors, ucspi and TLS front
 * ends, proxies, mail programs and chain-loading wrappers that the collectors
 * recognise in the process table or a run script, each with its roles and,
 * for front ends, where it keeps its connection limit and what bounds its TLS
 * handshake (facts: docs/domain/ucspi.md#handshake-deadlines, the man pages
 * named in each entry). Collectors ask the registry instead of keeping their
 * own lists of names. Data only: no I/O, no allocation; every pointer
 * returned points into static storage. Answers for names up to 63 bytes are
 * kept in a small per-thread table keyed by the name (programs.c): asking
 * for the same name again costs a hash and a compare.
 *
 * Roles are per use where the uses disagree on purpose (see programs.c for
 * each decision): a name is looked up by exact name, and the registry also
 * has prefix entries ("qmail-", "stunnel") that match every name starting so.
 */
#ifndef QT_PROGRAMS_H
#define QT_PROGRAMS_H

#include <stddef.h>

enum qt_prog_role {
    QT_PROG_SUPERVISOR = 1u << 0, /* daemontools/runit/s6 supervisor of one service directory */
    QT_PROG_UCSPI = 1u << 1,      /* tcpserver-style listener: forks a child per connection that
                                   * counts against -c (zombies: listener vs connection) */
    QT_PROG_LISTENER = 1u << 2,   /* owns listening sockets: read first when hunting socket owners (stage) */
    QT_PROG_FRONTEND = 1u << 3,   /* front end whose options diag/parse/variants.c knows (servers collector) */
    QT_PROG_TLS = 1u << 4,        /* terminates TLS whatever its options (stage) */
    QT_PROG_MAIL = 1u << 5,       /* the mail program a connection ends up in (stage: "in mail program") */
    QT_PROG_MAIL_CHAIN = 1u << 6, /* a program of a mail service's chain (zombies: the group is mail) */
    QT_PROG_WRAPPER = 1u << 7,    /* chain-loading wrapper before the server (diag/parse/argv.c peels it) */
    QT_PROG_PROXY = 1u << 8,      /* a TCP/TLS proxy or super-server in front of mail; no collector
                                   * models it yet: listed for its facts */
    QT_PROG_TLS_RELAY = 1u << 9,  /* TLS relay a ucspi server may run per connection (stunnel in
                                   * inetd mode): the mail program is its child (servers) */
};

struct qt_program {
    const char *name;      /* argv[0] basename or comm; a prefix when prefix is set */
    unsigned prefix;       /* 1: matches every name that starts with name */
    unsigned roles;        /* enum qt_prog_role bits */
    const char *limit;     /* where its connection limit is set; NULL: none / not a front end;
                            * "unknown": not verified */
    const char *handshake; /* what bounds its TLS handshake; NULL: does no TLS itself;
                            * "nothing": unbounded; "unknown": not verified */
    const char *source;    /* where the facts come from (man page, docs/, upstream file) */
    const char *same_as;   /* a wrapper that behaves as another ("s6-envdir" -> "envdir"); NULL */
};

/* The entry for name: the exact entry, else the longest prefix entry that
 * matches; NULL if none (or name NULL). */
const struct qt_program *qt_program_find(const char *name);

/* The union of the roles of every entry matching name (exact and prefix
 * entries: "qmail-smtpd.real" is MAIL by "qmail-smtpd" and MAIL_CHAIN by
 * "qmail-"); 0 if none. */
unsigned qt_program_roles(const char *name);

/* Does name have any of the roles in mask? */
int qt_program_is(const char *name, unsigned mask);

/* The whole table, for iteration (tests, docs); *n receives its length. */
const struct qt_program *qt_programs(size_t *n);

#endif
