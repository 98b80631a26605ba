/* runscript_files.c - the part of the run-script reader that touches
 * files: reading the script itself, and the files and /etc/passwd that a
 * command substitution names, all under --root and through the allowlist
 * (allowlist.h). See runscript.h. */
#include "diag/parse/runscript.h"
#include "diag/parse/runscript_int.h"
#include "diag/core/allowlist.h"
#include "diag/core/passwd.h"
#include "diag/core/rootfs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *qt_basename_c(const char *p)
{
    const char *s = strrchr(p, '/');
    return s && s[1] ? s + 1 : p;
}

/* "<not read: why>" for a word the script would get from a file qtriage
 * will not show (allowlist.h), with a note saying so. */
static char *not_read(struct st *st, const char *file, int *unres, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static char *not_read(struct st *st, const char *file, int *unres, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    qt_rs_note(st, "%s: not read: %s", file, why);
    *unres = 1;
    return qt_asprintf("<not read: %s>", why);
}

/* The content of a file a command substitution reads, under the root and
 * inside the allowlist (qt_allow_read); "" for a missing file (what the
 * shell gets); a "<not read: ...>" text flagged *unres when qtriage will
 * not show it. */
static char *read_rooted(struct st *st, const char *file, int first_line, int *exists, int *unres)
{
    const struct qt_rs_var *key = qt_rs_find_var(st->rs, "KEYFILE", 7);
    char rel[4096], why[256], *text;
    int missing = 0, cut = 0;
    long n;

    *exists = 0;
    *unres = 0;
    if (file[0] == '/')
        snprintf(rel, sizeof rel, "%s", file);
    else if (st->svcdir)
        snprintf(rel, sizeof rel, "%s/%s", st->svcdir, file);
    else
        return NULL;
    *exists = 1;
    text = qt_allow_read(st->ctx, rel, st->owner, key && key->resolved ? key->value : NULL, MAX_VALUE, &missing, &cut,
                         why, sizeof why);
    if (!text && !missing)
        return not_read(st, file, unres, "%s", why);
    if (!text) {
        *exists = 0;
        return qt_strdup("");
    }
    if (cut)
        qt_rs_note(st, "%s: read only the first %d KiB", file, MAX_VALUE / 1024);
    if (first_line) {
        char *nl = strchr(text, '\n');
        if (nl)
            *nl = '\0';
    }
    /* command substitution strips trailing newlines */
    n = (long)strlen(text);
    while (n > 0 && text[n - 1] == '\n')
        text[--n] = '\0';
    return text;
}

char *qt_rs_passwd_lookup(struct st *st, const char *user, int field)
{
    unsigned uid, gid;
    char home[4096], num[16];
    if (!qt_passwd_lookup(st->ctx, user, &uid, &gid, field == 5 ? home : NULL, sizeof home))
        return NULL;
    if (field == 5)
        return qt_strdup(home);
    snprintf(num, sizeof num, "%u", field == 2 ? uid : gid);
    return qt_strdup(num);
}

/* Answer a command substitution from its words, or NULL when qtriage will not. */
char *qt_rs_eval_subst(struct st *st, struct cmd *c, const char *src, int *unres)
{
    const char *w[6] = {0};
    int exists = 1;
    char *v = NULL;

    if (c->n == 0 || c->n > 5)
        goto no;
    for (size_t i = 0; i < c->n; i++) {
        if (c->w[i].unresolved)
            goto no;
        w[i] = qt_buf_str(&c->w[i].b);
    }
    if (c->n == 2 && strcmp(qt_basename_c(w[0]), "cat") == 0)
        v = read_rooted(st, w[1], 0, &exists, unres);
    else if (c->n == 3 && strcmp(qt_basename_c(w[0]), "head") == 0 && (strcmp(w[1], "-1") == 0 || strcmp(w[1], "-n1") == 0))
        v = read_rooted(st, w[2], 1, &exists, unres);
    else if (c->n == 4 && strcmp(qt_basename_c(w[0]), "head") == 0 && strcmp(w[1], "-n") == 0 && strcmp(w[2], "1") == 0)
        v = read_rooted(st, w[3], 1, &exists, unres);
    else if (c->n == 3 && strcmp(qt_basename_c(w[0]), "id") == 0 && (strcmp(w[1], "-u") == 0 || strcmp(w[1], "-g") == 0)) {
        v = qt_rs_passwd_lookup(st, w[2], w[1][1] == 'u' ? 2 : 3);
        if (!v) {
            qt_rs_note(st, "%s: user %s not found in /etc/passwd under the root", src, w[2]);
            return NULL;
        }
        return v;
    } else
        goto no;
    if (!v) {
        qt_rs_note(st, "%s: file not readable under the root", src);
        return NULL;
    }
    if (!exists)
        qt_rs_note(st, "%s: the file does not exist, so the shell substitutes an empty string", src);
    return v;
no:
    qt_rs_note(st, "%s not resolved (qtriage never runs commands from a run script)", src);
    return NULL;
}

int qt_runscript_read(const qt_ctx *ctx, const char *path, const char *svcdir, qt_runscript *rs, char **out_text)
{
    char *text = NULL;
    struct qt_fileinfo fi;
    long n;
    int rc;

    if (out_text)
        *out_text = NULL;
    /* inside the root, regular files only: a FIFO or a link out reads nothing;
     * one byte over the cap tells qt_runscript_parse that the script was cut */
    if ((n = qt_ctx_read(ctx, path, QT_RUNSCRIPT_MAX + 1, &text, &fi)) < 0) {
        int e = errno;
        memset(rs, 0, sizeof *rs);
        snprintf(rs->error, sizeof rs->error, "cannot read %.100s: %.80s", path, fi.why);
        errno = e;
        return -1;
    }
    rc = qt_runscript_parse_owned(ctx, text, (size_t)n, svcdir, fi.uid, rs);
    if (out_text)
        *out_text = text;
    else
        free(text);
    return rc;
}
