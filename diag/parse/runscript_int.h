/* runscript_int.h - internal to diag/parse/runscript*.c: the evaluator's
 * state, shared by the tokenizer/evaluator (runscript.c) and the part that
 * reads files under --root (runscript_files.c). */
#ifndef QT_RUNSCRIPT_INT_H
#define QT_RUNSCRIPT_INT_H

#include <stddef.h>
#include <time.h>

#include "diag/parse/runscript.h"

#define MAX_VALUE (64 * 1024) /* bytes of one variable value */
#define MAX_DEPTH 4          /* nested command substitutions */

struct word {
    qt_buf b;
    int used;        /* something (maybe an empty quoted string) was added */
    int unresolved;
};

struct cmd {
    struct word *w;
    size_t n, cap;
    int line;
    size_t scanned;      /* words already looked at by assignment_start */
    int not_assign;      /* one of them is neither NAME=... nor export & co */
};

/* What the evaluation has spent (shared by nested substitutions). */
struct spent {
    size_t expanded, expansions, assignments, substs;
    unsigned steps;
    struct timespec start;
};

struct st {
    const qt_ctx *ctx;
    unsigned owner;      /* uid owning the run script: not 0 = read no file it names */
    const char *svcdir;
    qt_runscript *rs;
    const char *s;
    size_t len, i;
    int line;
    int depth;
    struct cmd cur;
    int cur_assign;      /* the word being built is NAME=value: no field splitting */
    /* for command substitution: collect the first command instead of running it */
    struct cmd *collect;
    int collected;
    int conditional_noted;
    struct spent *spent;
};

/* Add a note "line N: ..." to rs->notes (bounded). */
void qt_rs_note(struct st *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The variable name[0..n) or NULL. */
const struct qt_rs_var *qt_rs_find_var(const qt_runscript *rs, const char *name, size_t n);
/* Answer a command substitution (cat/head FILE, id -u/-g USER) from its
 * words, under the root and the allowlist; a new string, or NULL (with a
 * note) when qtriage will not. *unres is set when the answer stands for a
 * file qtriage does not show. */
char *qt_rs_eval_subst(struct st *st, struct cmd *c, const char *src, int *unres);
/* Field `field` (2 uid, 3 gid, 5 home) of user's line in /etc/passwd under
 * the root: a new string, or NULL. */
char *qt_rs_passwd_lookup(struct st *st, const char *user, int field);

#endif
