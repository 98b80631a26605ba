/* argv.h - a front end's command line, parsed exactly as the program would.
 *
 * Three layers, left to right:
 *   wrappers   exec, env (incl. `env -` and VAR=val), softlimit, envuidgid,
 *              setuidgid, envdir, argv0, nice, fghack, pgrphack, chpst, setlock
 *   server     tcpserver/sslserver/s6-...: options parsed with DJB sgetopt
 *              semantics and the variant's getopt string (variants.h), then
 *              host, port, program
 *   chain      the program after host/port: rblsmtpd, recordio, fixcrio,
 *              spamdyke, timeout N, jgreylist, s6-tcpserver-access, s6-tlsd,
 *              stunnel, wrappers again, and finally qmail-smtpd (with its AUTH
 *              arguments), qmail-popup or any other program.
 *
 * DJB sgetopt (notqmail/subgetopt.c), reproduced exactly:
 *   - flags may be bundled (-vRHl0: v R H, then l with argument "0");
 *   - an argument may be attached (-c40) or the next word (-c 40), and then
 *     it may start with '-' (-c -5 gives "-5");
 *   - "--" ends the options and is consumed; so is any word starting "--";
 *   - a lone "-" ends the options and is NOT consumed (it becomes host);
 *   - the first word not starting with '-' ends the options;
 *   - an unknown letter, or a missing argument at the end, is an error: the
 *     real server prints "illegal option -- X" (or "option requires an
 *     argument -- X") and its usage line, and exits 100;
 *   - later options override earlier ones (-v then -q is quiet).
 *   Missing host, port or program: usage, exit 100 too.
 *
 * Memory: a qt_cmd owns a copy of every word (argv), its option and link
 * arrays. qt_opt.arg points into that copy. Free with qt_cmd_free().
 */
#ifndef QT_ARGV_H
#define QT_ARGV_H

#include "diag/core/util.h"
#include "diag/parse/variants.h"

#define QT_CMD_MAXWRAP 16
#define QT_CMD_MAXLINK 16

/* One option as sgetopt returned it. */
struct qt_opt {
    char letter;
    int word;          /* argv index of the word holding the letter */
    int pos;           /* offset of the letter in that word */
    int argword;       /* argv index of the argument's word; -1 for a flag */
    const char *arg;   /* the argument (points into argv), NULL for a flag */
    int overridden;    /* 1: a later option of the same kind replaced it */
};

/* DJB sgetopt over argv[start..argc-1]. Appends every option to *opts
 * (grown with qt_grow; *cap tracks capacity). On return *optend is the
 * index of the first non-option word. Returns 0, or the offending letter
 * with *missing_arg = 1 when its argument was missing, 0 when the letter is
 * not in optstring. */
int qt_sgetopt(int argc, char *const *argv, int start, const char *optstring,
               struct qt_opt **opts, int *nopts, size_t *cap, int *optend, int *missing_arg);

enum qt_wrap_kind {
    QT_WRAP_EXEC, QT_WRAP_ENV, QT_WRAP_SOFTLIMIT, QT_WRAP_ENVUIDGID, QT_WRAP_SETUIDGID,
    QT_WRAP_ENVDIR, QT_WRAP_ARGV0, QT_WRAP_NICE, QT_WRAP_FGHACK, QT_WRAP_PGRPHACK,
    QT_WRAP_CHPST, QT_WRAP_SETLOCK,
};

struct qt_wrap {
    enum qt_wrap_kind kind;
    int first, last;   /* argv indices, inclusive */
};

enum qt_link_kind {
    QT_LINK_RBLSMTPD, QT_LINK_RECORDIO, QT_LINK_FIXCRIO, QT_LINK_SPAMDYKE, QT_LINK_TIMEOUT,
    QT_LINK_JGREYLIST, QT_LINK_S6_ACCESS, QT_LINK_S6_TLSD, QT_LINK_S6_OTHER, QT_LINK_STUNNEL,
    QT_LINK_WRAPPER, QT_LINK_QMAIL_SMTPD, QT_LINK_QMAIL_POPUP, QT_LINK_OTHER,
};

struct qt_link {
    enum qt_link_kind kind;
    int first, last;   /* argv indices, inclusive */
    int args;          /* index of the first argument after the link's own options (its next program, or its own args for terminal links) */
    double num;        /* timeout: seconds; rblsmtpd -t (default 60); s6-tlsd -K in ms; -1 = not given/unparsable */
    const char *file;  /* stunnel config, spamdyke --config-file; NULL */
    char note[160];    /* parse remark ("spamdyke options read heuristically"); "" */
};

enum qt_cmd_status {
    QT_CMD_OK = 0,
    QT_CMD_EMPTY,        /* no words at all */
    QT_CMD_NO_SERVER,    /* no known front end after the wrappers */
    QT_CMD_BAD_OPTION,   /* illegal option or missing option argument: usage, exit 100 */
    QT_CMD_USAGE,        /* host, port or program missing: usage, exit 100 */
};

typedef struct qt_cmd {
    int argc;
    char **argv;                 /* owned copy, NULL-terminated */
    unsigned char *unresolved;   /* per word, 1 = built from something the reader could not resolve; NULL = all known */
    struct qt_wrap wraps[QT_CMD_MAXWRAP];
    int nwraps;
    int env_cleared;             /* `env -` or `env -i` seen before the server */
    int server;                  /* argv index of the front end, -1 */
    int opt_start;               /* first option word (server+1, or +2 after argv0) */
    char server_name[64];        /* basename of the name it runs as */
    enum qt_variant variant;     /* the option table used to parse */
    struct qt_opt *opts;
    int nopts;
    size_t optcap;
    int optend;                  /* first word after the options */
    int host, port, prog;        /* argv indices or -1 */
    enum qt_cmd_status status;
    char bad_letter;             /* for QT_CMD_BAD_OPTION */
    char error[240];             /* what the real program would print; "" when OK */
    int exit_code;               /* 100 when the program would refuse to start, else 0 */
    struct qt_link links[QT_CMD_MAXLINK];
    int nlinks;
    char note[200];              /* remarks about wrappers ("env -S cannot be followed"); "" */
    int argv_more;               /* words of the real command line not in argv (a process's cut
                                    command line, procs.h argv_more): 0 none, N, -1 unknown;
                                    set by the caller after qt_cmd_parse, kept by qt_cmd_reparse */
} qt_cmd;

/* Parse argv (argc words; unresolved may be NULL) with the option table of
 * variant v; QT_VAR_UNKNOWN means "the first candidate for the server's
 * name". Never fails: look at status. Always free with qt_cmd_free. */
void qt_cmd_parse(qt_cmd *c, int argc, char *const *argv, const unsigned char *unresolved, enum qt_variant v);
/* Parse the same words again with another variant's table. */
void qt_cmd_reparse(qt_cmd *c, enum qt_variant v);
void qt_cmd_free(qt_cmd *c);

/* The last (effective) occurrence of letter, or NULL. */
const struct qt_opt *qt_cmd_last(const qt_cmd *c, char letter);
/* The last option whose role (in c->variant) is one of the two given;
 * NULL when neither appears. */
const struct qt_opt *qt_cmd_last_role(const qt_cmd *c, int role_a, int role_b);
/* Effective on/off state of a pair of roles (e.g. IDENT_ON/IDENT_OFF):
 * 1 or 0 from the last of them, dflt when neither is given. */
int qt_cmd_state(const qt_cmd *c, int role_on, int role_off, int dflt);
/* DJB scan_ulong of an argument: leading decimal digits, 0 when none. */
unsigned long qt_scan_ulong(const char *s);
/* Index of the first link of kind k, or -1. */
int qt_cmd_link(const qt_cmd *c, enum qt_link_kind k);
/* Basename of a word (pointer into it). */
const char *qt_basename(const char *path);

/* Words first..last joined with spaces, each quoted for a shell when needed
 * ('...'). Raw bytes are kept; display code escapes them. Caller frees. */
char *qt_cmd_join(const qt_cmd *c, int first, int last);

/* Parse a GNU timeout / sleep duration ("30", "1.5m", "2h", "1d"): seconds, or -1. */
double qt_parse_duration(const char *s);

/* Without the binary: reparse c with each of the nc candidates and put
 * those that accept it in ok (most likely first; a file-valued -c leaves
 * only indimail's). Appends to ev (may be NULL) what rules each other one
 * out ("ucspi-tcp 0.88 tcpserver has no -s; "). Returns how many accept;
 * when none, ok[0] is the candidate that read the most options. c is left
 * parsed with the last candidate tried: reparse it with the one chosen. */
int qt_variant_sift(qt_cmd *c, const enum qt_variant *cand, int nc, enum qt_variant *ok, qt_buf *ev);

const char *qt_wrap_name(enum qt_wrap_kind k);
const char *qt_link_name(enum qt_link_kind k);

#endif
