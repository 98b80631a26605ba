/* runscript_words.c - see runscript.h. The evaluator's words and
 * variables: budgets spent, words built byte by byte with a mask of what is
 * not resolved, expansions split like the shell splits them, assignments.
 * Shared with runscript.c through runscript_int.h. */
#include "diag/parse/runscript.h"
#include "diag/parse/runscript_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Stop evaluating: record the first budget exceeded. Returns 0 so that
 * callers can write `return qt_rs_over(...)`. */
int qt_rs_over(struct st *st, const char *what, unsigned long limit)
{
    if (!st->rs->budget[0])
        snprintf(st->rs->budget, sizeof st->rs->budget, "%s: more than %lu", what, limit);
    return 0;
}

int qt_rs_spend(struct st *st, size_t *counter, size_t n, size_t limit, const char *what)
{
    if (st->rs->budget[0])
        return 0;
    if (*counter + n > limit)
        return qt_rs_over(st, what, (unsigned long)limit);
    *counter += n;
    return 1;
}

/* Time is only a backstop (checked every 1024 steps): the counts above
 * stop every script we know of long before. */
int qt_rs_step(struct st *st)
{
    struct timespec now;
    if (st->rs->budget[0])
        return 0;
    if (++st->spent->steps % 1024)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((now.tv_sec - st->spent->start.tv_sec) * 1000 + (now.tv_nsec - st->spent->start.tv_nsec) / 1000000 > QT_RS_MAX_MS)
        return qt_rs_over(st, "evaluation time in ms", QT_RS_MAX_MS);
    return 1;
}

void qt_rs_note(struct st *st, const char *fmt, ...)
{
    va_list ap;
    if (st->rs->notes.len > 8192)
        return; /* bounded: hostile scripts cannot grow this forever */
    if (st->rs->notes.len)
        qt_buf_putc(&st->rs->notes, '\n');
    qt_buf_printf(&st->rs->notes, "line %d: ", st->line);
    va_start(ap, fmt);
    qt_buf_vprintf(&st->rs->notes, fmt, ap);
    va_end(ap);
}

void qt_rs_cmd_free(struct cmd *c)
{
    for (size_t i = 0; i < c->n; i++) {
        qt_buf_free(&c->w[i].b);
        qt_buf_free(&c->w[i].m);
    }
    free(c->w);
    memset(c, 0, sizeof *c);
}

struct word *qt_rs_cur_word(struct st *st)
{
    struct cmd *c = &st->cur;
    if (c->n == 0 || c->w[c->n - 1].used < 0) {
        if (c->n >= QT_RS_MAX_WORDS) {
            qt_rs_over(st, "words in one command", QT_RS_MAX_WORDS);
            return NULL;
        }
        qt_grow(&c->w, &c->cap, c->n + 1, sizeof *c->w);
        memset(&c->w[c->n], 0, sizeof c->w[c->n]);
        if (c->n == 0)
            c->line = st->line;
        c->n++;
    }
    return &c->w[c->n - 1];
}

/* Close the current word: a word that never got anything is dropped. */
void qt_rs_end_word(struct st *st)
{
    struct cmd *c = &st->cur;
    st->cur_assign = 0;
    if (c->n == 0 || c->w[c->n - 1].used < 0)
        return;
    if (!c->w[c->n - 1].used) {
        qt_buf_free(&c->w[c->n - 1].b);
        qt_buf_free(&c->w[c->n - 1].m);
        c->n--;
        return;
    }
    c->w[c->n - 1].used = -1; /* closed */
}

/* Add n bytes; mask (may be NULL: every byte is `unresolved`) says which
 * of them came from something not resolved. */
void qt_rs_add_masked(struct st *st, const char *t, const unsigned char *mask, size_t n, int unresolved)
{
    struct word *w = qt_rs_cur_word(st);
    if (!w)
        return;
    if (w->b.len + n < MAX_VALUE) {
        qt_buf_add(&w->b, t, n);
        for (size_t k = 0; k < n; k++) {
            int u = mask ? mask[k] : unresolved;
            qt_buf_putc(&w->m, u ? 1 : 0);
            w->unresolved |= u;
        }
    }
    w->used = 1;
    w->unresolved |= unresolved && !mask;
}

void qt_rs_add_text(struct st *st, const char *t, size_t n, int unresolved)
{
    qt_rs_add_masked(st, t, NULL, n, unresolved);
}

/* Expansion result: split on blanks unless quoted or an assignment value.
 * mask (may be NULL) flags the bytes of v that are not resolved: an
 * unquoted value is split like the shell would, and only the words holding
 * such bytes are unresolved (CMD="$SSLSERVER -l $HOSTNAME ..."; exec $CMD). */
void qt_rs_add_expansion_m(struct st *st, const char *v, const unsigned char *mask, int quoted, int unresolved)
{
    const char *v0 = v;
    /* the words multiply (A1=$A0$A0 ... then $A12 many times): count what
     * every expansion produces, not only each value */
    if (!qt_rs_spend(st, &st->spent->expansions, 1, QT_RS_MAX_EXPANSIONS, "expansions") ||
        !qt_rs_spend(st, &st->spent->expanded, strlen(v), QT_RS_MAX_EXPANDED, "bytes produced by expansions"))
        return;
    if (quoted || st->cur_assign || (unresolved && !mask)) {
        qt_rs_add_masked(st, v, mask, strlen(v), unresolved);
        if (quoted) {
            struct word *w = qt_rs_cur_word(st);
            if (w)
                w->used = 1;
        }
        return;
    }
    while (*v && !st->rs->budget[0]) {
        size_t k = strcspn(v, " \t\n");
        if (k)
            qt_rs_add_masked(st, v, mask ? mask + (v - v0) : NULL, k, 0);
        v += k;
        if (*v) {
            qt_rs_end_word(st);
            v += strspn(v, " \t\n");
        }
    }
}

void qt_rs_add_expansion(struct st *st, const char *v, int quoted, int unresolved)
{
    qt_rs_add_expansion_m(st, v, NULL, quoted, unresolved);
}

/* A variable's value, split (when unquoted) word by word as resolved or not. */
void qt_rs_add_var(struct st *st, const struct qt_rs_var *v, int quoted)
{
    qt_rs_add_expansion_m(st, v->value, v->resolved ? NULL : v->umask, quoted, !v->resolved);
}

const struct qt_rs_var *qt_rs_find_var(const qt_runscript *rs, const char *name, size_t n)
{
    for (size_t i = rs->nvars; i-- > 0;)
        if (strlen(rs->vars[i].name) == n && memcmp(rs->vars[i].name, name, n) == 0)
            return &rs->vars[i];
    return NULL;
}

const struct qt_rs_var *qt_runscript_var(const qt_runscript *rs, const char *name)
{
    return qt_rs_find_var(rs, name, strlen(name));
}

/* mask: one byte per byte of value (1 = not resolved), or NULL; copied
 * only when the value is not resolved. */
void qt_rs_set_var_m(qt_runscript *rs, const char *name, const char *value, const unsigned char *mask, int resolved,
                      int exported)
{
    struct qt_rs_var *v = NULL;
    char *nv = qt_strdup(value); /* value and mask may point at the old ones */
    unsigned char *nm = NULL;
    if (!resolved && mask) {
        nm = qt_malloc(strlen(value) + 1);
        memcpy(nm, mask, strlen(value) + 1);
    }
    for (size_t i = 0; i < rs->nvars && !v; i++)
        if (strcmp(rs->vars[i].name, name) == 0)
            v = &rs->vars[i];
    if (!v) {
        if (rs->nvars >= 4096) {
            free(nv);
            free(nm);
            return;
        }
        qt_grow(&rs->vars, &rs->capvars, rs->nvars + 1, sizeof *rs->vars);
        v = &rs->vars[rs->nvars++];
        memset(v, 0, sizeof *v);
        v->name = qt_strdup(name);
    }
    free(v->value);
    free(v->umask);
    v->value = nv;
    v->umask = nm;
    v->resolved = resolved;
    v->exported |= exported;
}

void qt_rs_set_var(qt_runscript *rs, const char *name, const char *value, int resolved, int exported)
{
    qt_rs_set_var_m(rs, name, value, NULL, resolved, exported);
}

/* NAME=value word k of c: the value's mask starts after the '='. */
void qt_rs_set_var_word(qt_runscript *rs, struct cmd *c, size_t k, const char *name, const char *eq, int exported)
{
    struct word *wd = &c->w[k];
    size_t off = (size_t)(eq + 1 - qt_buf_str(&wd->b));
    int masked = wd->m.len == wd->b.len;
    qt_buf_putc(&wd->m, 0); /* the mask is read up to the value's NUL */
    qt_rs_set_var_m(rs, name, eq + 1, masked ? (const unsigned char *)wd->m.s + off : NULL, !wd->unresolved, exported);
}
