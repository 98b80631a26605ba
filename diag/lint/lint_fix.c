/* lint_fix.c - editing a parsed command line: the corrected line that each
 * finding shows, with its changed parts marked. */
#include "diag/lint/lint.h"
#include "diag/lint/lint_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void qt_ops_add(struct qt_ops *o, enum qt_op_kind k, char letter, const char *value, int at, int at2)
{
    struct qt_op *p;
    if (o->n >= QT_MAXOPS)
        return;
    p = &o->v[o->n++];
    memset(p, 0, sizeof *p);
    p->k = k;
    p->letter = letter;
    if (value)
        snprintf(p->value, sizeof p->value, "%s", value);
    p->at = at;
    p->at2 = at2;
}

/* Word list with the original index of each word (-1 for inserted ones). */
struct wl {
    struct qt_fixline *f;
    int *orig;
    size_t ocap;
};

static int pos_of(const struct wl *l, int orig)
{
    for (int i = 0; i < l->f->n; i++)
        if (l->orig[i] == orig)
            return i;
    return -1;
}

static void insert_at(struct wl *l, int at, const char *s, int orig, int changed)
{
    struct qt_fixline *f = l->f;
    size_t cap2 = l->ocap;
    qt_grow(&f->w, &f->cap, (size_t)f->n + 1, sizeof *f->w);
    qt_grow(&l->orig, &cap2, (size_t)f->n + 1, sizeof *l->orig);
    l->ocap = cap2;
    memmove(&f->w[at + 1], &f->w[at], (size_t)(f->n - at) * sizeof *f->w);
    memmove(&l->orig[at + 1], &l->orig[at], (size_t)(f->n - at) * sizeof *l->orig);
    f->w[at].s = qt_strdup(s);
    f->w[at].changed = changed;
    l->orig[at] = orig;
    f->n++;
}

static void delete_at(struct wl *l, int at)
{
    struct qt_fixline *f = l->f;
    if (at < 0 || at >= f->n)
        return;
    if (l->orig[at] >= 0 && f->removed)
        f->removed[l->orig[at]] = 1;
    free(f->w[at].s);
    memmove(&f->w[at], &f->w[at + 1], (size_t)(f->n - at - 1) * sizeof *f->w);
    memmove(&l->orig[at], &l->orig[at + 1], (size_t)(f->n - at - 1) * sizeof *l->orig);
    f->n--;
}

static void set_word(struct wl *l, int at, const char *s)
{
    struct qt_fixline *f = l->f;
    if (at < 0)
        return;
    free(f->w[at].s);
    f->w[at].s = qt_strdup(s);
    f->w[at].changed = 1;
    if (l->orig[at] >= 0 && f->removed)
        f->removed[l->orig[at]] = 2; /* modified */
}

/* Where new options go: right after the front end's name (after inserts
 * already made there, so several adds keep their order). */
static int add_pos(struct wl *l, const qt_cmd *c, int *after)
{
    int p;
    if (*after >= 0)
        return *after;
    p = pos_of(l, c->opt_start - 1);
    return p < 0 ? l->f->n : p + 1;
}

/* Every occurrence of letter goes. Positions are looked up in a map built
 * once and the words are dropped in one pass at the end: a command line with
 * thousands of occurrences stays linear (a run script may have 16,384 words). */
static void remove_opt(struct wl *l, const qt_cmd *c, char letter)
{
    struct qt_fixline *f = l->f;
    int *at_of = qt_malloc(((size_t)c->argc + 1) * sizeof *at_of);   /* original index -> position */
    unsigned char *dead = qt_calloc((size_t)f->n + 1, 1);
    int k = 0;

    for (int i = 0; i < c->argc; i++)
        at_of[i] = -1;
    for (int i = 0; i < f->n; i++)
        if (l->orig[i] >= 0 && l->orig[i] < c->argc)
            at_of[l->orig[i]] = i;
    for (int i = c->nopts - 1; i >= 0; i--) {
        const struct qt_opt *o = &c->opts[i];
        int at = o->word >= 0 && o->word < c->argc ? at_of[o->word] : -1, whole;
        const char *w;
        if (o->letter != letter || at < 0 || dead[at])
            continue;
        w = f->w[at].s;
        /* the word holds only this option (and maybe its attached argument) */
        whole = o->pos == 1 && (o->argword == o->word || w[2] == '\0');
        if (o->argword >= 0 && o->argword != o->word && o->argword < c->argc && at_of[o->argword] >= 0)
            dead[at_of[o->argword]] = 1;
        if (whole) {
            dead[at] = 1;
        } else if ((size_t)o->pos < strlen(w)) {
            char *n = qt_strdup(w);
            if (o->argword == o->word)
                n[o->pos] = '\0';          /* cut the letter and its attached argument */
            else
                memmove(n + o->pos, n + o->pos + 1, strlen(n + o->pos));
            if (strcmp(n, "-") == 0)
                dead[at] = 1;
            else
                set_word(l, at, n);
            free(n);
        }
    }
    for (int i = 0; i < f->n; i++) {
        if (dead[i]) {
            if (l->orig[i] >= 0 && f->removed)
                f->removed[l->orig[i]] = 1;
            free(f->w[i].s);
            continue;
        }
        f->w[k] = f->w[i];
        l->orig[k] = l->orig[i];
        k++;
    }
    f->n = k;
    free(at_of);
    free(dead);
}

static void apply(struct wl *l, const qt_cmd *c, const struct qt_op *op, int *after)
{
    char flag[4] = {'-', op->letter, 0, 0};
    switch (op->k) {
    case QT_OP_ADD_FLAG: {
        int p = add_pos(l, c, after);
        insert_at(l, p, flag, -1, 1);
        *after = p + 1;
        break;
    }
    case QT_OP_SET: {
        const struct qt_opt *o = qt_cmd_last(c, op->letter);
        int at = o ? pos_of(l, o->argword) : -1;
        if (o && at >= 0) {
            if (o->argword == o->word) {
                char *n = qt_strndup(l->f->w[at].s, (size_t)o->pos + 1);
                char *s = qt_asprintf("%s%s", n, op->value);
                set_word(l, at, s);
                free(n);
                free(s);
            } else {
                set_word(l, at, op->value);
            }
        } else {
            int p = add_pos(l, c, after);
            insert_at(l, p, flag, -1, 1);
            insert_at(l, p + 1, op->value, -1, 1);
            *after = p + 2;
        }
        break;
    }
    case QT_OP_REMOVE:
        remove_opt(l, c, op->letter);
        break;
    case QT_OP_PROG: {
        int at = pos_of(l, c->server);
        if (at >= 0) {
            const char *w = l->f->w[at].s, *slash = strrchr(w, '/');
            char *s = slash ? qt_asprintf("%.*s/%s", (int)(slash - w), w, op->value) : qt_strdup(op->value);
            set_word(l, at, s);
            free(s);
        }
        break;
    }
    case QT_OP_INSERT_AFTER: {
        int at = pos_of(l, op->at);
        if (at >= 0)
            insert_at(l, at + 1, op->value, -1, 1);
        break;
    }
    case QT_OP_REMOVE_RANGE:
        for (int k = op->at2; k >= op->at; k--)
            delete_at(l, pos_of(l, k));
        break;
    }
}

int qt_fixline_build(const qt_cmd *c, const struct qt_ops *ops, struct qt_fixline *f)
{
    struct wl l;
    int after = -1;

    memset(f, 0, sizeof *f);
    memset(&l, 0, sizeof l);
    l.f = f;
    if (!c || c->argc == 0)
        return 0;
    f->nbase = c->argc;
    f->removed = qt_calloc((size_t)c->argc, 1);
    for (int i = 0; i < c->argc; i++)
        insert_at(&l, f->n, c->argv[i], i, 0);
    for (int i = 0; i < ops->n; i++)
        apply(&l, c, &ops->v[i], &after);
    f->nchanges = ops->n;
    free(l.orig);
    return ops->n > 0;
}

void qt_fixline_free(struct qt_fixline *f)
{
    for (int i = 0; i < f->n; i++)
        free(f->w[i].s);
    free(f->w);
    free(f->removed);
    memset(f, 0, sizeof *f);
}

static void render_words(qt_buf *line, qt_buf *marks, int n, const char *(*get)(const void *, int, int *), const void *arg)
{
    for (int i = 0; i < n; i++) {
        int mark;
        const char *s = get(arg, i, &mark);
        size_t before = line->len;
        if (i) {
            qt_buf_putc(line, ' ');
            if (marks)
                qt_buf_putc(marks, ' ');
            before++;
        }
        qt_shell_quote(line, s);
        if (marks)
            for (size_t k = before; k < line->len; k++)
                qt_buf_putc(marks, mark ? '^' : ' ');
    }
    if (marks)
        while (marks->len && marks->s[marks->len - 1] == ' ')
            marks->s[--marks->len] = '\0';
}

static const char *get_fix(const void *arg, int i, int *mark)
{
    const struct qt_fixline *f = arg;
    *mark = f->w[i].changed;
    return f->w[i].s;
}

void qt_fixline_render(const struct qt_fixline *f, qt_buf *line, qt_buf *marks)
{
    render_words(line, marks, f->n, get_fix, f);
}

struct curarg {
    const qt_cmd *c;
    const struct qt_fixline *f;
};

static const char *get_cur(const void *arg, int i, int *mark)
{
    const struct curarg *a = arg;
    *mark = a->f->removed && a->f->removed[i];
    return a->c->argv[i];
}

void qt_fixline_render_current(const qt_cmd *c, const struct qt_fixline *f, qt_buf *line, qt_buf *marks)
{
    struct curarg a = {c, f};
    render_words(line, marks, c->argc, get_cur, &a);
}
