/* runscript.h - static reading of daemontools/runit run scripts.
 *
 * qtriage never runs a run script. It reads the shell text and resolves
 * what can be known without executing anything:
 *   - variables assigned from literals, from other variables
 *     (${X:-default} too), and from `cat FILE`, `head -1 FILE`,
 *     `head -n 1 FILE`, `$(<FILE)`, `id -u USER`, `id -g USER` in backticks
 *     or $(...), with FILE and /etc/passwd read under --root without leaving
 *     it (rootfs.h), and FILE only when the allowlist lets it be shown
 *     (allowlist.h; else the word is "<not read: REASON>", unresolved);
 *   - quotes ('...', "...", backslashes), line continuations, comments,
 *     `;` `&&` `||` separators, redirections (dropped), `export`;
 *   - ${X:+word} / ${X+word} (word read with its quotes and expansions);
 *   - unquoted expansions are split into words like the shell does
 *     (jms1-style `exec $CMD`), also when part of the value is unresolved:
 *     only the words built from that part are flagged.
 * The command is the last `exec` line (or, without one, the last simple
 * command). Everything that could not be resolved is listed in notes and
 * the words built from it are flagged unresolved; nothing is guessed.
 * if/case/loops are read top to bottom without evaluating conditions (a
 * note says so).
 *
 * Memory: a qt_runscript owns everything in it; free with qt_runscript_free.
 */
#ifndef QT_RUNSCRIPT_H
#define QT_RUNSCRIPT_H

#include <stddef.h>

#include "diag/core/ctx.h"
#include "diag/core/util.h"

#define QT_RUNSCRIPT_MAX (64 * 1024)   /* bytes of script read */

/* Budgets of one script's evaluation (docs/security.md): counts and bytes,
 * with time only as a backstop. A script that exceeds one is not evaluated
 * further: qt_runscript_parse() returns -1 with rs->budget naming it. */
#define QT_RS_MAX_WORDS      16384          /* words in one command line */
#define QT_RS_MAX_EXPANDED   (256 * 1024)   /* bytes produced by all expansions */
#define QT_RS_MAX_EXPANSIONS 8192           /* $NAME, ${...}, $(...), `...` */
#define QT_RS_MAX_ASSIGNMENTS 4096          /* NAME=value words */
#define QT_RS_MAX_SUBST      64             /* command substitutions (files read by cat/head/id) */
#define QT_RS_MAX_MS         2000           /* backstop: wall-clock milliseconds */

struct qt_rs_var {
    char *name;
    char *value;
    int resolved;      /* 0: value is, or holds, unresolved text ("`hostname`") */
    unsigned char *umask; /* when !resolved: one byte per byte of value, 1 = that byte came
                             from something not resolved (so that `exec $CMD` splits the
                             value and flags only the words built from it); NULL = all */
    int exported;
};

typedef struct qt_runscript {
    int argc;
    char **argv;                 /* the command's words (with `exec`), NULL-terminated */
    unsigned char *unresolved;   /* per word */
    int line;                    /* 1-based line where that command starts; 0 = none */
    struct qt_rs_var *vars;      /* in assignment order (last one wins) */
    size_t nvars, capvars;
    qt_buf notes;                /* one line per thing not resolved */
    char error[200];             /* syntax error (unterminated quote...); "" when none */
    char budget[120];            /* the budget exceeded and its value ("bytes produced by
                                    expansions: more than 262144"); "" when none */
    int truncated;               /* 1: the text was longer than QT_RUNSCRIPT_MAX and was cut */
    size_t spent_bytes;          /* what evaluating it cost: bytes of text read plus bytes
                                    produced by expansions (for per-sample budgets) */
    size_t spent_substs;         /* command substitutions and ~user lookups evaluated */
    unsigned owner;              /* uid owning the script (qt_runscript_parse: 0) */
} qt_runscript;

/* Parse script text. svcdir is the service directory (absolute, as on the
 * system, NOT under root) used for relative paths in cat/head; may be NULL.
 * Returns 0, or -1 with rs->error set (rs is still valid and freeable); when
 * a budget (QT_RS_MAX_*) was exceeded rs->budget says which, rs->argv is
 * NULL and the variables are those assigned before it.
 * len may exceed QT_RUNSCRIPT_MAX: the text is cut there and rs->truncated
 * set (the command may be missing). */
int qt_runscript_parse(const qt_ctx *ctx, const char *text, size_t len, const char *svcdir, qt_runscript *rs);
/* Same for a script owned by uid owner (qt_runscript_parse: 0, root). A
 * script not owned by root is parsed, but no file it names is read: such
 * words become "<not read: run script owned by uid N>" (unresolved). Files
 * a root-owned script reads pass the allowlist (allowlist.h) or become
 * "<not read: REASON>" too. */
int qt_runscript_parse_owned(const qt_ctx *ctx, const char *text, size_t len, const char *svcdir, unsigned owner,
                             qt_runscript *rs);
/* Read path (absolute, under ctx->root, reached without leaving it and a
 * regular file: rootfs.h; at most QT_RUNSCRIPT_MAX bytes, one more to see
 * whether it was cut) and parse it. -1 with rs->error when unreadable or
 * unparsable. If out_text
 * is not NULL it receives the text read (caller frees), or NULL. */
int qt_runscript_read(const qt_ctx *ctx, const char *path, const char *svcdir, qt_runscript *rs, char **out_text);
void qt_runscript_free(qt_runscript *rs);

/* Value of a variable assigned in the script, or NULL. */
const struct qt_rs_var *qt_runscript_var(const qt_runscript *rs, const char *name);

#endif
