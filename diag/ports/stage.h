/* stage.h - which process holds each socket, and how far the connection got.
 *
 * tcpserver-style servers fork one child per connection. A connection is
 * ESTABLISHED in the kernel long before the mail program runs: the TLS
 * front end may still wait for a ClientHello. The kernel cannot tell; the
 * process tree can. This module maps socket inodes to owning processes by
 * reading <proc>/PID/fd, incrementally, and classifies each connection:
 *
 *   queued             inode 0: still in the listener's accept queue
 *   handshake pending  the owner is a TLS front end (a forked copy of the
 *                      TLS listener, stunnel, socat OPENSSL-LISTEN,
 *                      sslserver, tcpserver -s) with no program beneath it,
 *                      or the connection is behind one (the owner or an
 *                      ancestor below the listener) and tcp_info shows the
 *                      client sent no byte ("TLS not started") or got no
 *                      byte of a reply acknowledged: a TLS handshake cannot
 *                      have completed
 *   starting           a forked copy of a plain listener that has not
 *                      started its program yet (ident/DNS lookups, rules)
 * The stage of a connection is the same whichever of its holders is the
 * owner (a front end and the program beneath it may both hold the socket).
 *
 *   in mail program    the owner is, or has beneath it, qmail-smtpd,
 *                      qmail-popup, qmail-pop3d, imapd, rblsmtpd, spamdyke...
 *   in program         the owner runs some other program (named)
 *   unknown            the program runs behind a front end that starts it
 *                      before the handshake (fehcom sslserver without -s or
 *                      -n: stage_tls.c) and the byte counts cannot tell
 *                      whether the handshake completed; or
 *                      the owner is not visible (permissions, or newer
 *                      than the process table) or one process serves many
 *                      connections so the per-connection stage is hidden.
 *                      The reason is given; nothing is guessed.
 *
 * Incremental mapping: the inode->pid map and the set of scanned pids live
 * in the collector's persistent state. Each sample reads the fd lists of
 * (1) new children of known listeners, always (cheap, and where new
 * connections live); (2) other new processes, likely servers first, only
 * while some socket is still unmapped; (3) known holders of many sockets,
 * only then; (4) everything readable, at most once a minute, only then;
 * (5) new children of connection owners, always (a program that inherited
 * the socket is the deepest holder: the owner does not depend on scan order).
 * A socket that stays unmapped is "lost" and does not trigger (2)-(3)
 * again; (4) retries it. A listener's child is read at fd 0 and 1 first
 * (tcpserver and sslserver put the connection there): when that finds an
 * unmapped socket the child is "partly read", and its whole fd list is
 * read only while sockets stay unmapped after (1)-(3). What is known about each owner (its name tests,
 * the program beneath it, its TLS front end) is kept across samples and
 * recomputed only near a change in the process table (stage_facts.c), so
 * a steady sample does no per-owner work.
 */
#ifndef QT_STAGE_H
#define QT_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "diag/core/ctx.h"
#include "diag/procs/procs.h"
#include "diag/ports/sockets.h"
#include "diag/parse/variants.h"

enum qt_stage {
    QT_STAGE_NONE = 0,     /* not a connection: LISTEN, SYN-RECV */
    QT_STAGE_QUEUED,
    QT_STAGE_HANDSHAKE,
    QT_STAGE_STARTING,
    QT_STAGE_MAIL,
    QT_STAGE_PROGRAM,
    QT_STAGE_UNKNOWN,
    QT_STAGE_COUNT
};

/* Why a stage was chosen (shown with the connection). */
enum qt_stage_why {
    QT_WHY_NONE = 0,
    QT_WHY_NOT_ACCEPTED,    /* inode 0 */
    QT_WHY_UNREADABLE,      /* owner not found, some fd lists were unreadable */
    QT_WHY_NOT_FOUND,       /* owner not found in any readable process */
    QT_WHY_VANISHED,        /* the owner exited during the sample */
    QT_WHY_TLS_NO_BYTES,    /* TLS front end, tcp_info: 0 bytes received */
    QT_WHY_TLS_COPY,        /* forked copy of the TLS listener, nothing beneath */
    QT_WHY_TLS_NO_PROG,     /* TLS front end, nothing beneath */
    QT_WHY_TLS_SHARED,      /* one TLS process serves many connections */
    QT_WHY_COPY_NO_EXEC,    /* forked copy of a plain listener, program not exec'd */
    QT_WHY_MAIL_SELF,       /* the owner is the mail program */
    QT_WHY_MAIL_BENEATH,    /* the mail program runs beneath the owner */
    QT_WHY_PROG_SELF,       /* the owner runs another program */
    QT_WHY_PROG_BENEATH,    /* another program runs beneath the owner */
    QT_WHY_SHARED,          /* one non-TLS process serves many connections */
    QT_WHY_NO_PROCS,        /* the process table could not be read */
    QT_WHY_TLS_NO_REPLY,    /* behind TLS, tcp_info: client sent bytes, none of ours acknowledged */
    QT_WHY_TLS_PROG_FIRST,  /* program started before the handshake; byte counts cannot tell */
    QT_WHY_TLS_NO_COUNTS,   /* program started before the handshake; no tcp_info (/proc reader) */
    QT_WHY_TLS_ORDER,       /* sslserver of unknown variant runs a program: handshake order unknown */
    QT_WHY_COUNT
};

/* "queued", "handshake pending", "starting", "in mail program", "in program", "unknown", "-". */
const char *qt_stage_name(unsigned stage);
/* One line explaining a why code. */
const char *qt_stage_why_text(unsigned why);
/* The stage as a connection's row shows it: qt_stage_name, but "TLS not
 * started" for a handshake pending whose client has sent no byte. Static. */
const char *qt_stage_label(unsigned stage, unsigned why);

/* Result for one socket. */
struct qt_owner {
    int pid;          /* process holding the socket; 0 if none found */
    int prog_pid;     /* the program that serves it (owner or beneath it); 0 if none */
    double start;     /* owner's start (epoch s) when it serves only this
                       * connection (per-connection child): the connection's
                       * age. 0 = unknown */
    uint8_t stage;    /* enum qt_stage */
    uint8_t why;      /* enum qt_stage_why */
};

struct qt_stage_stats {
    unsigned scanned;      /* fd lists read this sample */
    unsigned rescanned;    /* of them, processes read in an earlier sample */
    unsigned unreadable;   /* processes whose fd list could not be read (EACCES...) */
    unsigned lost;         /* sockets whose owner was not found */
    unsigned full_rescan;  /* 1 if this sample re-read every readable process */
    unsigned partly;       /* listeners' children read at fd 0 and 1 only (their
                            * connection was there), not as a whole fd list */
    unsigned facts;        /* owners whose facts (name tests, walks beneath) were computed
                            * this sample; the others' were kept (stage_facts.c) */
    unsigned reused;       /* 1 if nothing changed since the last sample, whose mapping was
                            * taken as it was (stage_reuse.c) */
    unsigned tls_svcs;     /* bit i: service i has a TLS front end (a listener that is
                            * one, or a connection behind one): its stage rules read
                            * tcp_info, so the next dump must ask for it */
    double took;           /* seconds spent mapping and classifying */
    double cpu;            /* CPU seconds of that */
};

typedef struct qt_stage_state qt_stage_state;

/* Map every socket with an inode to its owner and classify the connections.
 * *st is the persistent state (NULL at first; created here). own must have
 * n entries. procs is this sample's process table (may be NULL: then every
 * connection is unknown); the command lines it needs are loaded into it. now = ctx clock, for the retry timer. */
void qt_stage_map(qt_stage_state **st, const qt_ctx *ctx, qt_procs *procs,
                  const struct qt_sock *socks, size_t n, struct qt_owner *own,
                  struct qt_stage_stats *stats);
void qt_stage_state_free(qt_stage_state *st);

/* --- classification rules, exposed for tests and other checks --- */

/* Is the process a TLS front end: a QT_PROG_TLS name of the program registry
 * (diag/core/programs.c: stunnel*, sslserver, sslhandle, s6-tlsd,
 * s6-tlsserver, couriertls, ...), socat with an OPENSSL-LISTEN/SSL-L address,
 * or tcpserver* with -s (the SSL patch; a later -S turns it off)? */
int qt_stage_is_tls(const struct qt_proc *p);
/* Is the name (a basename) a mail program or a mail-session wrapper that
 * runs in front of one (rblsmtpd, spamdyke)? QT_PROG_MAIL in the registry. */
int qt_stage_is_mail_name(const char *name);
/* Same argv, i.e. a forked copy that has not exec'd. */
int qt_stage_same_argv(const struct qt_proc *a, const struct qt_proc *b);

/* --- TLS front ends: handshake before or after the program (stage_tls.c) --- */

enum qt_tls_order {
    QT_TLS_ORDER_UNKNOWN = 0, /* an sslserver whose binary could not be read */
    QT_TLS_HANDSHAKE_FIRST,   /* the program starts after the handshake: SuperScript
                               * sslserver, fehcom sslserver -s, stunnel, socat, tcpserver -s */
    QT_TLS_PROGRAM_FIRST,     /* fehcom sslserver 0.9x without -s: program exec'd first */
    QT_TLS_PLAIN_FIRST,       /* fehcom sslserver -n: plaintext until the program asks */
};
typedef struct qt_tls_cache qt_tls_cache;

/* The order for TLS front-end process p (qt_stage_is_tls): sslserver's
 * variant comes from the getopt string of <proc>/PID/exe (elfstrings.h),
 * scanned once per binary and kept in *cache (created here; free with
 * qt_tls_cache_free). Any other front end: QT_TLS_HANDSHAKE_FIRST. */
enum qt_tls_order qt_stage_tls_order(qt_tls_cache **cache, const qt_ctx *ctx, const struct qt_proc *p);
/* The same for a known variant (QT_VAR_SSLSERVER, QT_VAR_SSLSERVER_FEH)
 * and p's argv (the last of -s/-S and of -n/-N wins); else unknown. */
enum qt_tls_order qt_stage_tls_order_of(enum qt_variant v, const struct qt_proc *p);
/* One phrase for people. Static. */
const char *qt_tls_order_text(enum qt_tls_order o);
void qt_tls_cache_free(qt_tls_cache *c);

#endif
