/* runscript.c - see runscript.h. A small, bounded reader for the subset of
 * sh that run scripts use. It never executes anything: command
 * substitutions are answered only for cat/head/id, from files under --root
 * (runscript_files.c). This file: the tokenizer and the evaluator. */
#include "diag/parse/runscript.h"
#include "diag/parse/runscript_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Stop evaluating: record the first budget exceeded. Returns 0 so that
 * callers can write `return over(...)`. */
static int over(struct st *st, const char *what, unsigned long limit)
{
    if (!st->rs->budget[0])
        snprintf(st->rs->budget, sizeof st->rs->budget, "%s: more than %lu", what, limit);
    return 0;
}

static int spend(struct st *st, size_t *counter, size_t n, size_t limit, const char *what)
{
    if (st->rs->budget[0])
        return 0;
    if (*counter + n > limit)
        return over(st, what, (unsigned long)limit);
    *counter += n;
    return 1;
}

/* Time is only a backstop (checked every 1024 steps): the counts above
 * stop every script we know of long before. */
static int step(struct st *st)
{
    struct timespec now;
    if (st->rs->budget[0])
        return 0;
    if (++st->spent->steps % 1024)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((now.tv_sec - st->spent->start.tv_sec) * 1000 + (now.tv_nsec - st->spent->start.tv_nsec) / 1000000 > QT_RS_MAX_MS)
        return over(st, "evaluation time in ms", QT_RS_MAX_MS);
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

static void cmd_free(struct cmd *c)
{
    for (size_t i = 0; i < c->n; i++)
        qt_buf_free(&c->w[i].b);
    free(c->w);
    memset(c, 0, sizeof *c);
}

static struct word *cur_word(struct st *st)
{
    struct cmd *c = &st->cur;
    if (c->n == 0 || c->w[c->n - 1].used < 0) {
        if (c->n >= QT_RS_MAX_WORDS) {
            over(st, "words in one command", QT_RS_MAX_WORDS);
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
static void end_word(struct st *st)
{
    struct cmd *c = &st->cur;
    st->cur_assign = 0;
    if (c->n == 0 || c->w[c->n - 1].used < 0)
        return;
    if (!c->w[c->n - 1].used) {
        qt_buf_free(&c->w[c->n - 1].b);
        c->n--;
        return;
    }
    c->w[c->n - 1].used = -1; /* closed */
}

static void add_text(struct st *st, const char *t, size_t n, int unresolved)
{
    struct word *w = cur_word(st);
    if (!w)
        return;
    if (w->b.len + n < MAX_VALUE)
        qt_buf_add(&w->b, t, n);
    w->used = 1;
    w->unresolved |= unresolved;
}

/* Expansion result: split on blanks unless quoted or an assignment value. */
static void add_expansion(struct st *st, const char *v, int quoted, int unresolved)
{
    /* the words multiply (A1=$A0$A0 ... then $A12 many times): count what
     * every expansion produces, not only each value */
    if (!spend(st, &st->spent->expansions, 1, QT_RS_MAX_EXPANSIONS, "expansions") ||
        !spend(st, &st->spent->expanded, strlen(v), QT_RS_MAX_EXPANDED, "bytes produced by expansions"))
        return;
    if (quoted || st->cur_assign || unresolved) {
        add_text(st, v, strlen(v), unresolved);
        if (quoted) {
            struct word *w = cur_word(st);
            if (w)
                w->used = 1;
        }
        return;
    }
    while (*v && !st->rs->budget[0]) {
        size_t k = strcspn(v, " \t\n");
        if (k)
            add_text(st, v, k, 0);
        v += k;
        if (*v) {
            end_word(st);
            v += strspn(v, " \t\n");
        }
    }
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

static void set_var(qt_runscript *rs, const char *name, const char *value, int resolved, int exported)
{
    struct qt_rs_var *v;
    for (size_t i = 0; i < rs->nvars; i++)
        if (strcmp(rs->vars[i].name, name) == 0) {
            char *nv = qt_strdup(value); /* value may point at the old one */
            free(rs->vars[i].value);
            rs->vars[i].value = nv;
            rs->vars[i].resolved = resolved;
            rs->vars[i].exported |= exported;
            return;
        }
    if (rs->nvars >= 4096)
        return;
    qt_grow(&rs->vars, &rs->capvars, rs->nvars + 1, sizeof *rs->vars);
    v = &rs->vars[rs->nvars++];
    v->name = qt_strdup(name);
    v->value = qt_strdup(value);
    v->resolved = resolved;
    v->exported = exported;
}

static int name_char(char c, int first)
{
    return isalpha((unsigned char)c) || c == '_' || (!first && isdigit((unsigned char)c));
}

static void finish_command(struct st *st, int sep);
static int tokenize(struct st *st, size_t end);

/* $(<FILE): the shell reads FILE itself, as `cat FILE` would. Only a plain
 * word (no quotes, no expansion) is taken. 1 when inner is that form (*v
 * is the answer, or NULL with a note), 0 when it is not. */
static int subst_redirect(struct st *st, const char *inner, size_t n, const char *src, char **v, int *unres)
{
    struct word w[2];
    struct cmd c = {0};
    size_t i = 0, start, end;

    while (i < n && (inner[i] == ' ' || inner[i] == '\t'))
        i++;
    if (i >= n || inner[i] != '<' || (i + 1 < n && strchr("<>&", inner[i + 1])))
        return 0;
    for (i++; i < n && (inner[i] == ' ' || inner[i] == '\t'); i++)
        ;
    for (start = i; i < n && !strchr(" \t\n", inner[i]); i++)
        if (strchr("$`'\"\\;&|<>()", inner[i]))
            return 0;
    end = i;
    while (i < n && strchr(" \t\n", inner[i]))
        i++;
    if (end == start || i != n)
        return 0;
    memset(w, 0, sizeof w);
    qt_buf_puts(&w[0].b, "cat");
    qt_buf_add(&w[1].b, inner + start, end - start);
    c.w = w;
    c.n = 2;
    *v = qt_rs_eval_subst(st, &c, src, unres);
    qt_buf_free(&w[0].b);
    qt_buf_free(&w[1].b);
    return 1;
}

/* Evaluate inner text of `...` or $(...) and add the result. */
static void do_subst(struct st *st, const char *inner, size_t n, int quoted, const char *src)
{
    struct st sub;
    struct cmd got = {0};
    char *v = NULL;
    int unres = 0;

    if (!spend(st, &st->spent->substs, 1, QT_RS_MAX_SUBST, "command substitutions and ~user"))
        return;
    if (st->depth >= MAX_DEPTH) {
        qt_rs_note(st, "%s: nested too deep", src);
        add_text(st, src, strlen(src), 1);
        return;
    }
    memset(&sub, 0, sizeof sub);
    sub.ctx = st->ctx;
    sub.owner = st->owner;
    sub.svcdir = st->svcdir;
    sub.rs = st->rs;
    sub.s = inner;
    sub.len = n;
    sub.line = st->line;
    sub.depth = st->depth + 1;
    sub.collect = &got;
    sub.spent = st->spent;
    if (tokenize(&sub, n) == 0) {
        end_word(&sub);
        finish_command(&sub, ';');
        if (sub.collected == 1)
            v = qt_rs_eval_subst(st, &got, src, &unres);
        else if (!subst_redirect(st, inner, n, src, &v, &unres))
            qt_rs_note(st, "%s not resolved (qtriage never runs commands from a run script)", src);
    }
    cmd_free(&sub.cur);
    cmd_free(&got);
    if (v)
        add_expansion(st, v, quoted, unres);
    else
        add_text(st, src, strlen(src), 1);
    free(v);
}

/* $NAME, ${NAME}, ${NAME:-word}, ${NAME-word}, $(...). i points at '$'. */
static int do_dollar(struct st *st, int quoted)
{
    const char *s = st->s;
    size_t i = st->i + 1, start;
    char src[256];

    if (i < st->len && s[i] == '(') {
        int depth = 1;
        size_t j = i + 1;
        char q = 0;
        for (; j < st->len && depth; j++) {
            if (q) {
                if (s[j] == q)
                    q = 0;
            } else if (s[j] == '\'' || s[j] == '"') {
                q = s[j];
            } else if (s[j] == '(') {
                depth++;
            } else if (s[j] == ')') {
                depth--;
            }
        }
        if (depth) {
            snprintf(st->rs->error, sizeof st->rs->error, "line %d: unterminated $( command substitution", st->line);
            return -1;
        }
        snprintf(src, sizeof src, "$(%.*s)", (int)(j - i - 2 > 200 ? 200 : j - i - 2), s + i + 1);
        for (size_t k = st->i; k < j; k++)
            if (s[k] == '\n')
                st->line++;
        do_subst(st, s + i + 1, j - i - 2, quoted, src);
        st->i = j;
        return 0;
    }
    if (i < st->len && s[i] == '{') {
        const char *op = NULL, *word = NULL;
        size_t close, nl;
        const struct qt_rs_var *v;
        for (close = i + 1; close < st->len && s[close] != '}'; close++)
            ;
        if (close >= st->len) {
            snprintf(st->rs->error, sizeof st->rs->error, "line %d: unterminated ${", st->line);
            return -1;
        }
        start = i + 1;
        for (nl = start; nl < close && name_char(s[nl], nl == start); nl++)
            ;
        snprintf(src, sizeof src, "%.*s", (int)(close - st->i + 1 > 200 ? 200 : close - st->i + 1), s + st->i);
        if (nl < close) {
            op = s + nl;
            word = (s[nl] == ':' && nl + 1 < close) ? s + nl + 2 : s + nl + 1;
            if (!((op[0] == ':' && nl + 1 < close && (op[1] == '-' || op[1] == '=')) || op[0] == '-' || op[0] == '=')) {
                qt_rs_note(st, "%s: this parameter expansion is not supported", src);
                add_text(st, src, strlen(src), 1);
                st->i = close + 1;
                return 0;
            }
        }
        v = nl > start ? qt_rs_find_var(st->rs, s + start, nl - start) : NULL;
        if (v && (!op || op[0] != ':' || *v->value)) {
            add_expansion(st, v->value, quoted, !v->resolved);
        } else if (op) {
            char *w = qt_strndup(word, (size_t)(s + close - word));
            add_expansion(st, w, quoted, 0);
            free(w);
        } else {
            qt_rs_note(st, "%s is not set in the script (environment unknown)", src);
            add_text(st, src, strlen(src), 1);
        }
        st->i = close + 1;
        return 0;
    }
    start = i;
    while (i < st->len && name_char(s[i], i == start))
        i++;
    if (i == start) {
        if (i < st->len && strchr("0123456789@*#?$!-", s[i])) {
            snprintf(src, sizeof src, "$%c", s[i]);
            qt_rs_note(st, "%s is not known statically", src);
            add_text(st, src, 2, 1);
            st->i = i + 1;
            return 0;
        }
        add_text(st, "$", 1, 0);
        st->i = i;
        return 0;
    }
    {
        const struct qt_rs_var *v = qt_rs_find_var(st->rs, s + start, i - start);
        snprintf(src, sizeof src, "$%.*s", (int)(i - start > 200 ? 200 : i - start), s + start);
        if (v) {
            add_expansion(st, v->value, quoted, !v->resolved);
        } else {
            qt_rs_note(st, "%s is not set in the script (environment unknown)", src);
            add_text(st, src, strlen(src), 1);
        }
    }
    st->i = i;
    return 0;
}

static int do_backtick(struct st *st, int quoted)
{
    size_t j = st->i + 1;
    char src[256];
    qt_buf inner = {0};

    for (; j < st->len && st->s[j] != '`'; j++) {
        if (st->s[j] == '\\' && j + 1 < st->len && strchr("$`\\", st->s[j + 1]))
            j++;
        qt_buf_putc(&inner, st->s[j]);
    }
    if (j >= st->len) {
        qt_buf_free(&inner);
        snprintf(st->rs->error, sizeof st->rs->error, "line %d: unterminated ` command substitution", st->line);
        return -1;
    }
    snprintf(src, sizeof src, "`%.200s`", qt_buf_str(&inner));
    do_subst(st, qt_buf_str(&inner), inner.len, quoted, src);
    for (size_t k = st->i; k < j; k++)
        if (st->s[k] == '\n')
            st->line++;
    qt_buf_free(&inner);
    st->i = j + 1;
    return 0;
}

/* Is the word being started an assignment (NAME=...)? Only at command
 * position: every earlier word of the command is an assignment too, or the
 * command is export/readonly/local/declare. */
static int assignment_start(struct st *st)
{
    size_t j = st->i;
    struct cmd *c = &st->cur;
    if (!name_char(st->s[j], 1))
        return 0;
    while (j < st->len && name_char(st->s[j], 0))
        j++;
    if (j >= st->len || st->s[j] != '=')
        return 0;
    /* each closed word is looked at once: a long command stays linear */
    for (; c->scanned < c->n; c->scanned++) {
        size_t k = c->scanned;
        const char *w = qt_buf_str(&c->w[k].b);
        if (k == 0 && (!strcmp(w, "export") || !strcmp(w, "readonly") || !strcmp(w, "local") || !strcmp(w, "declare")))
            continue;
        if (!strchr(w, '='))
            c->not_assign = 1;
    }
    return !c->not_assign;
}

static void skip_redirection(struct st *st)
{
    struct cmd *c = &st->cur;
    /* a pending word of digits is the fd number ("2>&1") */
    if (c->n && c->w[c->n - 1].used > 0) {
        const char *w = qt_buf_str(&c->w[c->n - 1].b);
        if (strspn(w, "0123456789") == strlen(w)) {
            qt_buf_free(&c->w[c->n - 1].b);
            c->n--;
        } else {
            end_word(st);
        }
    }
    if (st->s[st->i] == '<' && st->i + 1 < st->len && st->s[st->i + 1] == '<')
        qt_rs_note(st, "here-document not read");
    while (st->i < st->len && strchr("<>&|", st->s[st->i]))
        st->i++;
    while (st->i < st->len && (st->s[st->i] == ' ' || st->s[st->i] == '\t'))
        st->i++;
    /* the target word: skip it (quotes included) */
    while (st->i < st->len && !strchr(" \t\n;&|", st->s[st->i])) {
        char q = st->s[st->i];
        if (q == '\'' || q == '"') {
            st->i++;
            while (st->i < st->len && st->s[st->i] != q)
                st->i++;
        }
        st->i++;
    }
}

static int tokenize(struct st *st, size_t end)
{
    const char *s = st->s;

    while (st->i < end) {
        char ch = s[st->i];
        struct cmd *c = &st->cur;
        int at_word_start = c->n == 0 || c->w[c->n - 1].used < 0;

        if (!step(st))
            return -1;      /* a budget is exceeded: rs->budget says which */
        if (ch == '\\') {
            if (st->i + 1 < end && s[st->i + 1] == '\n') {   /* line continuation */
                st->i += 2;
                st->line++;
                continue;
            }
            if (st->i + 1 < end)
                add_text(st, s + st->i + 1, 1, 0);
            st->i += 2;
            continue;
        }
        if (ch == '#' && at_word_start) {
            while (st->i < end && s[st->i] != '\n')
                st->i++;
            continue;
        }
        if (ch == ' ' || ch == '\t' || ch == '\r') {
            end_word(st);
            st->i++;
            continue;
        }
        if (ch == '\n' || ch == ';' || ch == '&' || ch == '|' || ch == '(' || ch == ')') {
            if ((ch == '&' || ch == '|') && st->i + 1 < end && s[st->i + 1] == '>') {
                skip_redirection(st);
                continue;
            }
            end_word(st);
            finish_command(st, ch);
            if (ch == '\n')
                st->line++;
            st->i++;
            continue;
        }
        if (ch == '<' || ch == '>') {
            skip_redirection(st);
            continue;
        }
        if (at_word_start && assignment_start(st))
            st->cur_assign = 1;
        if (ch == '~' && (at_word_start || (st->cur_assign && st->i > 0 && s[st->i - 1] == '='))) { /* ~user/ -> home */
            size_t j = st->i + 1;
            char user[64];
            while (j < end && j - st->i < sizeof user && name_char(s[j], 0))
                j++;
            if (j - st->i - 1 > 0 && j - st->i - 1 < sizeof user && (j == end || s[j] == '/' || strchr(" \t\n;", s[j]))) {
                char *home;
                memcpy(user, s + st->i + 1, j - st->i - 1);
                user[j - st->i - 1] = '\0';
                if (!spend(st, &st->spent->substs, 1, QT_RS_MAX_SUBST, "command substitutions and ~user"))
                    return -1;
                home = qt_rs_passwd_lookup(st, user, 5);
                if (home) {
                    add_text(st, home, strlen(home), 0);
                    free(home);
                    st->i = j;
                    continue;
                }
                qt_rs_note(st, "~%s: user not found in /etc/passwd under the root", user);
                add_text(st, s + st->i, j - st->i, 1);
                st->i = j;
                continue;
            }
        }
        if (ch == '\'') {
            size_t j = st->i + 1;
            while (j < end && s[j] != '\'')
                j++;
            if (j >= end) {
                snprintf(st->rs->error, sizeof st->rs->error, "line %d: unterminated ' quote", st->line);
                return -1;
            }
            add_text(st, s + st->i + 1, j - st->i - 1, 0);
            if (cur_word(st))
                cur_word(st)->used = 1;
            for (size_t k = st->i; k < j; k++)
                if (s[k] == '\n')
                    st->line++;
            st->i = j + 1;
            continue;
        }
        if (ch == '"') {
            int startline = st->line;
            st->i++;
            if (cur_word(st))
                cur_word(st)->used = 1;
            while (st->i < end && s[st->i] != '"') {
                char d = s[st->i];
                if (d == '\\' && st->i + 1 < end && strchr("$`\"\\\n", s[st->i + 1])) {
                    if (s[st->i + 1] != '\n')
                        add_text(st, s + st->i + 1, 1, 0);
                    else
                        st->line++;
                    st->i += 2;
                } else if (d == '$') {
                    if (do_dollar(st, 1) != 0)
                        return -1;
                } else if (d == '`') {
                    if (do_backtick(st, 1) != 0)
                        return -1;
                } else {
                    if (d == '\n')
                        st->line++;
                    add_text(st, &d, 1, 0);
                    st->i++;
                }
            }
            if (st->i >= end) {
                snprintf(st->rs->error, sizeof st->rs->error, "line %d: unterminated \" quote", startline);
                return -1;
            }
            st->i++;
            continue;
        }
        if (ch == '$') {
            if (do_dollar(st, 0) != 0)
                return -1;
            continue;
        }
        if (ch == '`') {
            if (do_backtick(st, 0) != 0)
                return -1;
            continue;
        }
        add_text(st, &ch, 1, 0);
        st->i++;
    }
    return 0;
}

static int is_keyword(const char *w)
{
    static const char *const kw[] = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until",
                                     "for", "case", "esac", "!", "{", "}", "in", ";;"};
    for (size_t i = 0; i < QT_ARRAY_LEN(kw); i++)
        if (strcmp(w, kw[i]) == 0)
            return 1;
    return 0;
}

static void finish_command(struct st *st, int sep)
{
    struct cmd *c = &st->cur;
    size_t first = 0;
    qt_runscript *rs = st->rs;

    (void)sep;
    if (c->n && c->w[c->n - 1].used == 0) {
        qt_buf_free(&c->w[c->n - 1].b);
        c->n--;
    }
    if (c->n == 0)
        return;
    if (st->collect) {                      /* inside $(...): hand the words over */
        if (!st->collected++) {
            *st->collect = *c;
            memset(c, 0, sizeof *c);
        } else {
            cmd_free(c);
        }
        return;
    }
    while (first < c->n && is_keyword(qt_buf_str(&c->w[first].b))) {
        if (!st->conditional_noted) {
            qt_rs_note(st, "if/case/loop read top to bottom; conditions are not evaluated");
            st->conditional_noted = 1;
        }
        first++;
    }
    if (first < c->n) {
        const char *w0 = qt_buf_str(&c->w[first].b);
        int exported = 0;
        size_t k = first;
        if (!strcmp(w0, "export") || !strcmp(w0, "readonly") || !strcmp(w0, "local") || !strcmp(w0, "declare")) {
            exported = w0[0] == 'e';
            for (k = first + 1; k < c->n; k++) {
                const char *w = qt_buf_str(&c->w[k].b);
                const char *eq = strchr(w, '=');
                if (eq) {
                    char *name;
                    if (!spend(st, &st->spent->assignments, 1, QT_RS_MAX_ASSIGNMENTS, "assignments"))
                        break;
                    name = qt_strndup(w, (size_t)(eq - w));
                    set_var(rs, name, eq + 1, !c->w[k].unresolved, exported);
                    free(name);
                } else {
                    const struct qt_rs_var *v = qt_rs_find_var(rs, w, strlen(w));
                    if (v)
                        set_var(rs, w, v->value, v->resolved, exported);
                    else if (exported)
                        set_var(rs, w, "", 0, 1);
                }
            }
            cmd_free(c);
            return;
        }
        /* leading NAME=value words */
        while (k < c->n && c->w[k].b.s && strchr(c->w[k].b.s, '=') &&
               name_char(c->w[k].b.s[0], 1) && strspn(c->w[k].b.s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == (size_t)(strchr(c->w[k].b.s, '=') - c->w[k].b.s))
            k++;
        if (k == c->n) {                    /* only assignments */
            for (size_t a = first; a < c->n; a++) {
                const char *w = qt_buf_str(&c->w[a].b);
                const char *eq = strchr(w, '=');
                char *name;
                if (!spend(st, &st->spent->assignments, 1, QT_RS_MAX_ASSIGNMENTS, "assignments"))
                    break;
                name = qt_strndup(w, (size_t)(eq - w));
                set_var(rs, name, eq + 1, !c->w[a].unresolved, 0);
                free(name);
            }
        } else if (!strcmp(qt_buf_str(&c->w[k].b), "exec") && k + 1 == c->n) {
            /* `exec 2>&1`: only redirects the script's own output */
        } else if (!strcmp(qt_buf_str(&c->w[k].b), "exec") || rs->line == 0 || !rs->argv ||
                   strcmp(rs->argv[0], "exec") != 0) {
            const char *cw = qt_buf_str(&c->w[k].b);
            /* commands that are not the service's program */
            if (strcmp(cw, "echo") && strcmp(cw, "printf") && strcmp(cw, "[") && strcmp(cw, "test") &&
                strcmp(cw, "cd") && strcmp(cw, "umask") && strcmp(cw, "ulimit") && strcmp(cw, "sleep") &&
                strcmp(cw, "set") && strcmp(cw, ":") && strcmp(cw, "exit") && strcmp(cw, "return") && strcmp(cw, "true") && strcmp(cw, "false") &&
                strcmp(cw, "fi") && strcmp(cw, "done") && strcmp(cw, "esac") && strcmp(cw, ".") && strcmp(cw, "source")) {
                for (int a = 0; a < rs->argc; a++)
                    free(rs->argv[a]);
                free(rs->argv);
                free(rs->unresolved);
                rs->argc = (int)(c->n - first);
                rs->argv = qt_calloc((size_t)rs->argc + 1, sizeof *rs->argv);
                rs->unresolved = qt_calloc((size_t)rs->argc + 1, 1);
                for (size_t a = first; a < c->n; a++) {
                    rs->argv[a - first] = qt_strdup(qt_buf_str(&c->w[a].b));
                    rs->unresolved[a - first] = (unsigned char)c->w[a].unresolved;
                }
                rs->line = c->line;
            } else if (!strcmp(cw, ".") || !strcmp(cw, "source")) {
                qt_rs_note(st, "sourced file not read: variables it sets are unknown");
            }
        }
    }
    cmd_free(c);
}

int qt_runscript_parse(const qt_ctx *ctx, const char *text, size_t len, const char *svcdir, qt_runscript *rs)
{
    return qt_runscript_parse_owned(ctx, text, len, svcdir, 0, rs);
}

int qt_runscript_parse_owned(const qt_ctx *ctx, const char *text, size_t len, const char *svcdir, unsigned owner,
                             qt_runscript *rs)
{
    struct st st;
    struct spent spent = {0};
    int rc;

    memset(rs, 0, sizeof *rs);
    memset(&st, 0, sizeof st);
    clock_gettime(CLOCK_MONOTONIC, &spent.start);
    st.spent = &spent;
    st.ctx = ctx;
    st.owner = owner;
    rs->owner = owner;
    st.svcdir = svcdir;
    st.rs = rs;
    st.s = text;
    st.len = len > QT_RUNSCRIPT_MAX ? QT_RUNSCRIPT_MAX : len;
    rs->truncated = len > QT_RUNSCRIPT_MAX;
    st.line = 1;
    if (memchr(text, '\0', st.len)) {
        st.len = strnlen(text, st.len);
        qt_rs_note(&st, "NUL byte in the script: read up to it");
    }
    rc = tokenize(&st, st.len);
    if (rc == 0) {
        end_word(&st);
        finish_command(&st, '\n');
    }
    cmd_free(&st.cur);
    rs->spent_bytes = st.len + spent.expanded;
    rs->spent_substs = spent.substs;
    if (rs->budget[0]) {
        /* a partial command would be a guess: none is reported */
        for (int a = 0; a < rs->argc; a++)
            free(rs->argv[a]);
        free(rs->argv);
        free(rs->unresolved);
        rs->argv = NULL;
        rs->unresolved = NULL;
        rs->argc = 0;
        rs->line = 0;
        snprintf(rs->error, sizeof rs->error, "too complex to evaluate: %s", rs->budget);
        return -1;
    }
    if (rc != 0)
        return -1;
    if (!rs->argv) {
        snprintf(rs->error, sizeof rs->error, "no command found in the script");
        return -1;
    }
    return 0;
}

void qt_runscript_free(qt_runscript *rs)
{
    for (int i = 0; i < rs->argc; i++)
        free(rs->argv[i]);
    free(rs->argv);
    free(rs->unresolved);
    for (size_t i = 0; i < rs->nvars; i++) {
        free(rs->vars[i].name);
        free(rs->vars[i].value);
    }
    free(rs->vars);
    qt_buf_free(&rs->notes);
    memset(rs, 0, sizeof *rs);
}
