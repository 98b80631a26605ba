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
    qt_buf m;        /* one byte per byte of b: 1 = it came from something not resolved */
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
    int pdepth;          /* nested ${NAME:+word} being read in place */
    struct spent *spent;
};

/* runscript_words.c: budgets (0 = exceeded, rs->budget says which) */
int qt_rs_over(struct st *st, const char *what, unsigned long limit);
int qt_rs_spend(struct st *st, size_t *counter, size_t n, size_t limit, const char *what);
int qt_rs_step(struct st *st);
/* words: the one being built (NULL over budget), closing it, adding bytes
 * (mask: one byte per byte, 1 = not resolved; NULL = all `unresolved`) */
void qt_rs_cmd_free(struct cmd *c);
struct word *qt_rs_cur_word(struct st *st);
void qt_rs_end_word(struct st *st);
void qt_rs_add_masked(struct st *st, const char *t, const unsigned char *mask, size_t n, int unresolved);
void qt_rs_add_text(struct st *st, const char *t, size_t n, int unresolved);
/* an expansion's value: split on blanks unless quoted or an assignment */
void qt_rs_add_expansion_m(struct st *st, const char *v, const unsigned char *mask, int quoted, int unresolved);
void qt_rs_add_expansion(struct st *st, const char *v, int quoted, int unresolved);
void qt_rs_add_var(struct st *st, const struct qt_rs_var *v, int quoted);
/* assignments: value copied (mask too when not resolved) */
void qt_rs_set_var_m(qt_runscript *rs, const char *name, const char *value, const unsigned char *mask, int resolved,
                     int exported);
void qt_rs_set_var(qt_runscript *rs, const char *name, const char *value, int resolved, int exported);
/* word k of c is NAME=value (eq points at its '='): assign it */
void qt_rs_set_var_word(qt_runscript *rs, struct cmd *c, size_t k, const char *name, const char *eq, int exported);

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
 * the root (qt_passwd_lookup: a well-formed line, an absolute home): a new
 * string, or NULL. */
char *qt_rs_passwd_lookup(struct st *st, const char *user, int field);

#endif
