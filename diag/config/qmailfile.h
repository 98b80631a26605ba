/* qmailfile.h - the formats of qmail's and vpopmail's configuration files,
 * parsed exactly as the programs parse them (pure: text in, values out).
 *
 * Control files (notqmail control.c): control_readline takes the first
 * line and strips trailing spaces, tabs and newlines; control_readint then
 * takes the leading digits (scan_ulong) and silently keeps the default when
 * there are none; control_readfile takes every line, stripped the same way,
 * skipping empty lines and lines starting with '#'. A missing file gives
 * the default, or control/me for the files the program reads with flagme
 * (control_rldef).
 *
 * .qmail files: qmail-local (notqmail qmail-local.c, dot-qmail(5)) and
 * vdelivermail (vpopmail vdelivermail.c) read them differently; see
 * qt_dotqmail_parse.
 *
 * Memory: results are malloc'd, freed by the matching *_free; text bytes
 * are raw (escape before display).
 */
#ifndef QT_QMAILFILE_H
#define QT_QMAILFILE_H
#include <stddef.h>

enum qt_ctl_type {
    QT_CTL_LINE = 0,   /* control_readline / control_rldef */
    QT_CTL_INT,        /* control_readint */
    QT_CTL_LIST,       /* control_readfile */
    QT_CTL_PEM,        /* a certificate (and key): never shown */
};

struct qt_control_def {
    const char *name;     /* "doublebounceto" */
    enum qt_ctl_type type;
    int flagme;           /* missing: control/me when me exists (control_rldef flagme=1) */
    const char *def;      /* missing (and no me for flagme): this; NULL = none */
    const char *reader;   /* the program and source file that reads it */
    int secret;           /* holds a key or a secret: never shown */
};

/* The control files qtriage reads, in qmail-control(5)'s order, plus the
 * common patches' (spfbehavior, tlsserverciphers, srs_*) when present. */
const struct qt_control_def *qt_control_defs(size_t *n);
/* The definition of name, or NULL. */
const struct qt_control_def *qt_control_def(const char *name);

/* control_readline on text: the first line, trailing " \t\n" stripped.
 * Returns a malloc'd string (never NULL; "" for an empty file). */
char *qt_control_line(const char *text, size_t len);
/* control_readint on text: 1 and *out set when the first line starts with a
 * digit; 0 when it does not (qmail then keeps its default silently). */
int qt_control_int(const char *text, size_t len, unsigned long *out);
/* control_readfile on text: the kept lines in order (each malloc'd) and
 * their 1-based line numbers (lines may be NULL). Returns the count; free
 * with qt_control_list_free. */
size_t qt_control_list(const char *text, size_t len, char ***out, int **lines);
void qt_control_list_free(char **v, int *lines, size_t n);

/* Which program delivers with the file. */
enum qt_dq_dialect {
    QT_DQ_QMAIL_LOCAL = 0,  /* qmail-local: ~alias, system users, vpopmail domains' .qmail-* */
    QT_DQ_VDELIVERMAIL,     /* vdelivermail: a vpopmail user's DOMAIN/USER/.qmail */
};

enum qt_dq_kind {
    QT_DQ_COMMENT = 0,  /* '#' */
    QT_DQ_BLANK,        /* empty line (qmail-local skips it except as the first line) */
    QT_DQ_PROGRAM,      /* '|': arg is the command, run with /bin/sh -c (qmail-command(8)) */
    QT_DQ_FORWARD,      /* '&' or a bare address: arg is the address as handed on */
    QT_DQ_MAILDIR,      /* '.' or '/' ending in '/' */
    QT_DQ_MBOX,         /* '.' or '/' not ending in '/' */
    QT_DQ_LIST,         /* qmail-local "+list" (mailing-list owner line) */
};

typedef struct qt_dq_line {
    int no;                 /* 1-based line number in the file */
    enum qt_dq_kind kind;
    char *arg;              /* program, address or path (after '|' / '&'), raw */
    const char *trap;       /* static: why this line does not do what it seems, or NULL */
} qt_dq_line;

typedef struct qt_dotqmail {
    qt_dq_line *v;
    size_t n;
    int forwards, programs, files;
    const char *fatal;      /* static: the program defers every message ("first line of
                             * .qmail file is blank (#4.2.1)"), NULL when fine */
    int fatal_line;
} qt_dotqmail;

/* Parse a .qmail file's text as dialect does:
 * - qmail-local: lines split on '\n' (a missing final newline added),
 *   trailing spaces and tabs stripped, a blank first line defers the
 *   message, '#' comment, '.' or '/' a file (maildir when it ends in '/'),
 *   '|' a program, "+list", '&' then anything, or anything else, a forward
 *   address taken verbatim (so "&Joe <a@b>" forwards to that literal);
 * - vdelivermail: lines read with fgets, only the newline removed (no
 *   stripping: "./Maildir/ " is an mbox it refuses and defers), '#'
 *   comment, '|' program, '.' or '/' a maildir that must end in '/' (an
 *   mbox defers), anything else an address with a leading '&' dropped.
 * out is zeroed and filled; free with qt_dotqmail_free. */
void qt_dotqmail_parse(const char *text, size_t len, enum qt_dq_dialect d, qt_dotqmail *out);
void qt_dotqmail_free(qt_dotqmail *dq);

/* The domain part of a forward address ("a@b.example" -> "b.example"), or
 * NULL when it has none (a local name qmail-inject completes). Points into addr. */
const char *qt_dq_addr_domain(const char *addr);
#endif
