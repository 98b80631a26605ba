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

    if (!qt_rs_spend(st, &st->spent->substs, 1, QT_RS_MAX_SUBST, "command substitutions and ~user"))
        return;
    if (st->depth >= MAX_DEPTH) {
        qt_rs_note(st, "%s: nested too deep", src);
        qt_rs_add_text(st, src, strlen(src), 1);
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
        qt_rs_end_word(&sub);
        finish_command(&sub, ';');
        if (sub.collected == 1)
            v = qt_rs_eval_subst(st, &got, src, &unres);
        else if (!subst_redirect(st, inner, n, src, &v, &unres))
            qt_rs_note(st, "%s not resolved (qtriage never runs commands from a run script)", src);
    }
    qt_rs_cmd_free(&sub.cur);
    qt_rs_cmd_free(&got);
    if (v)
        qt_rs_add_expansion(st, v, quoted, unres);
    else
        qt_rs_add_text(st, src, strlen(src), 1);
    free(v);
}

/* The '}' closing a ${ whose name starts at i: quotes and nested ${...}
 * inside the word are skipped (${MAX:+"-c${MAX}"}). len when none. */
static size_t brace_close(const char *s, size_t i, size_t len)
{
    int depth = 1;
    char q = 0;
    for (; i < len; i++) {
        if (q) {
            if (s[i] == '\\' && q == '"' && i + 1 < len)
                i++;
            else if (s[i] == q)
                q = 0;
        } else if (s[i] == '\\' && i + 1 < len) {
            i++;
        } else if (s[i] == '\'' || s[i] == '"') {
            q = s[i];
        } else if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
            depth++;
            i++;
        } else if (s[i] == '}' && --depth == 0) {
            return i;
        }
    }
    return len;
}

/* ${NAME:+word} / ${NAME+word}: word when NAME is set (and, with ':', not
 * empty), else nothing. Unquoted, the word is read in place with the
 * shell's quoting and expansions (${MAXCONN:+"-c$MAXCONN"} gives one word
 * -c40); a NAME the script does not set is taken as unset, as ${NAME:-word}
 * does, and a note says so. */
static int alt_value(struct st *st, const char *name, size_t n, int colon, const char *word, size_t close, int quoted,
                     const char *src)
{
    const struct qt_rs_var *v = qt_rs_find_var(st->rs, name, n);
    size_t wstart = (size_t)(word - st->s);
    int rc = 0;

    if (!v) {
        qt_rs_note(st, "%s: %.*s is not set in the script: taken as unset (environment unknown)", src, (int)n, name);
    } else if (!v->resolved) {
        qt_rs_note(st, "%s: %.*s is not resolved", src, (int)n, name);
        qt_rs_add_text(st, src, strlen(src), 1);
    } else if (colon && !*v->value) {
        /* set but empty: nothing */
    } else if (quoted || st->pdepth >= MAX_DEPTH) {
        if (memchr(word, '$', close - wstart) || memchr(word, '`', close - wstart) || memchr(word, '"', close - wstart) ||
            memchr(word, '\'', close - wstart)) {
            qt_rs_note(st, "%s: this parameter expansion is not supported here", src);
            qt_rs_add_text(st, src, strlen(src), 1);
        } else {
            qt_rs_add_text(st, word, close - wstart, 0);
        }
    } else {
        size_t save_len = st->len;
        st->pdepth++;
        st->i = wstart;
        rc = tokenize(st, close);
        st->len = save_len;
        st->pdepth--;
    }
    st->i = close + 1;
    return rc;
}

/* $NAME, ${NAME}, ${NAME:-word}, ${NAME-word}, ${NAME:+word}, $(...). i points at '$'. */
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
        close = brace_close(s, i + 1, st->len);
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
            if ((op[0] == ':' && nl + 1 < close && op[1] == '+') || op[0] == '+')
                return alt_value(st, s + start, nl - start, op[0] == ':', word, close, quoted, src);
            if (!((op[0] == ':' && nl + 1 < close && (op[1] == '-' || op[1] == '=')) || op[0] == '-' || op[0] == '=')) {
                qt_rs_note(st, "%s: this parameter expansion is not supported", src);
                qt_rs_add_text(st, src, strlen(src), 1);
                st->i = close + 1;
                return 0;
            }
        }
        v = nl > start ? qt_rs_find_var(st->rs, s + start, nl - start) : NULL;
        if (v && (!op || op[0] != ':' || *v->value)) {
            qt_rs_add_var(st, v, quoted);
        } else if (op) {
            char *w = qt_strndup(word, (size_t)(s + close - word));
            qt_rs_add_expansion(st, w, quoted, 0);
            free(w);
        } else {
            qt_rs_note(st, "%s is not set in the script (environment unknown)", src);
            qt_rs_add_text(st, src, strlen(src), 1);
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
            qt_rs_add_text(st, src, 2, 1);
            st->i = i + 1;
            return 0;
        }
        qt_rs_add_text(st, "$", 1, 0);
        st->i = i;
        return 0;
    }
    {
        const struct qt_rs_var *v = qt_rs_find_var(st->rs, s + start, i - start);
        snprintf(src, sizeof src, "$%.*s", (int)(i - start > 200 ? 200 : i - start), s + start);
        if (v) {
            qt_rs_add_var(st, v, quoted);
        } else {
            qt_rs_note(st, "%s is not set in the script (environment unknown)", src);
            qt_rs_add_text(st, src, strlen(src), 1);
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
            qt_buf_free(&c->w[c->n - 1].m);
            c->n--;
        } else {
            qt_rs_end_word(st);
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

        if (!qt_rs_step(st))
            return -1;      /* a budget is exceeded: rs->budget says which */
        if (ch == '\\') {
            if (st->i + 1 < end && s[st->i + 1] == '\n') {   /* line continuation */
                st->i += 2;
                st->line++;
                continue;
            }
            if (st->i + 1 < end)
                qt_rs_add_text(st, s + st->i + 1, 1, 0);
            st->i += 2;
            continue;
        }
        if (ch == '#' && at_word_start) {
            while (st->i < end && s[st->i] != '\n')
                st->i++;
            continue;
        }
        if (ch == ' ' || ch == '\t' || ch == '\r') {
            qt_rs_end_word(st);
            st->i++;
            continue;
        }
        if (ch == '\n' || ch == ';' || ch == '&' || ch == '|' || ch == '(' || ch == ')') {
            if ((ch == '&' || ch == '|') && st->i + 1 < end && s[st->i + 1] == '>') {
                skip_redirection(st);
                continue;
            }
            qt_rs_end_word(st);
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
                if (!qt_rs_spend(st, &st->spent->substs, 1, QT_RS_MAX_SUBST, "command substitutions and ~user"))
                    return -1;
                home = qt_rs_passwd_lookup(st, user, 5);
                if (home) {
                    qt_rs_add_text(st, home, strlen(home), 0);
                    free(home);
                    st->i = j;
                    continue;
                }
                qt_rs_note(st, "~%s: user not found in /etc/passwd under the root", user);
                qt_rs_add_text(st, s + st->i, j - st->i, 1);
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
            qt_rs_add_text(st, s + st->i + 1, j - st->i - 1, 0);
            if (qt_rs_cur_word(st))
                qt_rs_cur_word(st)->used = 1;
            for (size_t k = st->i; k < j; k++)
                if (s[k] == '\n')
                    st->line++;
            st->i = j + 1;
            continue;
        }
        if (ch == '"') {
            int startline = st->line;
            st->i++;
            if (qt_rs_cur_word(st))
                qt_rs_cur_word(st)->used = 1;
            while (st->i < end && s[st->i] != '"') {
                char d = s[st->i];
                if (d == '\\' && st->i + 1 < end && strchr("$`\"\\\n", s[st->i + 1])) {
                    if (s[st->i + 1] != '\n')
                        qt_rs_add_text(st, s + st->i + 1, 1, 0);
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
                    qt_rs_add_text(st, &d, 1, 0);
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
        qt_rs_add_text(st, &ch, 1, 0);
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
        qt_buf_free(&c->w[c->n - 1].m);
        c->n--;
    }
    if (c->n == 0)
        return;
    if (st->collect) {                      /* inside $(...): hand the words over */
        if (!st->collected++) {
            *st->collect = *c;
            memset(c, 0, sizeof *c);
        } else {
            qt_rs_cmd_free(c);
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
                    if (!qt_rs_spend(st, &st->spent->assignments, 1, QT_RS_MAX_ASSIGNMENTS, "assignments"))
                        break;
                    name = qt_strndup(w, (size_t)(eq - w));
                    qt_rs_set_var_word(rs, c, k, name, eq, exported);
                    free(name);
                } else {
                    const struct qt_rs_var *v = qt_rs_find_var(rs, w, strlen(w));
                    if (v)
                        qt_rs_set_var_m(rs, w, v->value, v->umask, v->resolved, exported);
                    else if (exported)
                        qt_rs_set_var(rs, w, "", 0, 1);
                }
            }
            qt_rs_cmd_free(c);
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
                if (!qt_rs_spend(st, &st->spent->assignments, 1, QT_RS_MAX_ASSIGNMENTS, "assignments"))
                    break;
                name = qt_strndup(w, (size_t)(eq - w));
                qt_rs_set_var_word(rs, c, a, name, eq, 0);
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
    qt_rs_cmd_free(c);
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
        qt_rs_end_word(&st);
        finish_command(&st, '\n');
    }
    qt_rs_cmd_free(&st.cur);
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
        free(rs->vars[i].umask);
    }
    free(rs->vars);
    qt_buf_free(&rs->notes);
    memset(rs, 0, sizeof *rs);
}
