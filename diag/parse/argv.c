/* argv.c - see argv.h. The option loop follows DJB's subgetopt.c line by
 * line so that bundles, attached arguments, "--" and "-" behave exactly as
 * in the real servers. */
#include "diag/parse/argv.h"
#include "diag/core/programs.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int qt_sgetopt(int argc, char *const *argv, int start, const char *optstring,
               struct qt_opt **opts, int *nopts, size_t *cap, int *optend, int *missing_arg)
{
    int ind = start, pos = 0;

    *missing_arg = 0;
    for (;;) {
        const char *s;
        int c;

        if (ind >= argc || !argv[ind])
            break;
        if (pos && !argv[ind][pos]) {       /* end of a bundle: next word */
            ind++;
            pos = 0;
            if (ind >= argc || !argv[ind])
                break;
        }
        if (!pos) {
            if (argv[ind][0] != '-')
                break;                      /* first operand */
            pos = 1;
            c = argv[ind][1];
            if (c == '-' || c == 0) {       /* "--..." is consumed, "-" is not */
                if (c)
                    ind++;
                pos = 0;
                break;
            }
        }
        c = argv[ind][pos];
        pos++;
        for (s = optstring; *s; s++) {
            if (*s == ':')
                continue;
            if (c == *s)
                break;
        }
        if (!*s) {
            *optend = ind;
            return c ? c : '?';
        }
        qt_grow(opts, cap, (size_t)*nopts + 1, sizeof **opts);
        {
            struct qt_opt *o = &(*opts)[(*nopts)++];
            memset(o, 0, sizeof *o);
            o->letter = (char)c;
            o->word = ind;
            o->pos = pos - 1;
            o->argword = -1;
            if (s[1] == ':') {
                const char *a = argv[ind] + pos;
                ind++;
                pos = 0;
                if (!*a) {
                    if (ind >= argc || !argv[ind]) {   /* argument past the end */
                        (*nopts)--;
                        *missing_arg = 1;
                        *optend = ind;
                        return c;
                    }
                    a = argv[ind];
                    o->argword = ind;
                    ind++;
                } else {
                    o->argword = o->word;
                }
                o->arg = a;
            }
        }
    }
    *optend = ind;
    return 0;
}

const char *qt_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

unsigned long qt_scan_ulong(const char *s)
{
    unsigned long v = 0;
    if (!s)
        return 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (~0UL - 9) / 10)
            return ~0UL;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    return v;
}

double qt_parse_duration(const char *s)
{
    char *end;
    double v, mul = 1;

    if (!s || !*s || !(isdigit((unsigned char)*s) || *s == '.'))
        return -1;
    v = strtod(s, &end);
    if (end == s)
        return -1;
    if (*end) {
        if (end[1])
            return -1;
        switch (*end) {
        case 's': mul = 1; break;
        case 'm': mul = 60; break;
        case 'h': mul = 3600; break;
        case 'd': mul = 86400; break;
        default: return -1;
        }
    }
    return v * mul;
}

char *qt_cmd_join(const qt_cmd *c, int first, int last)
{
    qt_buf b = {0};
    if (first < 0)
        first = 0;
    if (last >= c->argc)
        last = c->argc - 1;
    for (int i = first; i <= last; i++) {
        if (i > first)
            qt_buf_putc(&b, ' ');
        qt_shell_quote(&b, c->argv[i]);
    }
    return qt_buf_steal(&b);
}

static const char *const wrap_names[] = {
    [QT_WRAP_EXEC] = "exec", [QT_WRAP_ENV] = "env", [QT_WRAP_SOFTLIMIT] = "softlimit",
    [QT_WRAP_ENVUIDGID] = "envuidgid", [QT_WRAP_SETUIDGID] = "setuidgid", [QT_WRAP_ENVDIR] = "envdir",
    [QT_WRAP_ARGV0] = "argv0", [QT_WRAP_NICE] = "nice", [QT_WRAP_FGHACK] = "fghack",
    [QT_WRAP_PGRPHACK] = "pgrphack", [QT_WRAP_CHPST] = "chpst", [QT_WRAP_SETLOCK] = "setlock",
};

const char *qt_wrap_name(enum qt_wrap_kind k)
{
    return (unsigned)k < QT_ARRAY_LEN(wrap_names) ? wrap_names[k] : "?";
}

static const char *const link_names[] = {
    [QT_LINK_RBLSMTPD] = "rblsmtpd", [QT_LINK_RECORDIO] = "recordio", [QT_LINK_FIXCRIO] = "fixcrio",
    [QT_LINK_SPAMDYKE] = "spamdyke", [QT_LINK_TIMEOUT] = "timeout", [QT_LINK_JGREYLIST] = "jgreylist",
    [QT_LINK_S6_ACCESS] = "s6-tcpserver-access", [QT_LINK_S6_TLSD] = "s6-tlsd", [QT_LINK_S6_OTHER] = "s6 helper",
    [QT_LINK_STUNNEL] = "stunnel", [QT_LINK_WRAPPER] = "wrapper", [QT_LINK_QMAIL_SMTPD] = "qmail-smtpd",
    [QT_LINK_QMAIL_POPUP] = "qmail-popup", [QT_LINK_OTHER] = "program",
};

const char *qt_link_name(enum qt_link_kind k)
{
    return (unsigned)k < QT_ARRAY_LEN(link_names) ? link_names[k] : "?";
}

/* --- wrappers --- */

/* Which wrapper base is, from the program registry (diag/core/programs.h):
 * wrap_names[] above only names the kinds whose options this file knows. */
static int wrap_kind(const char *base, enum qt_wrap_kind *k)
{
    const struct qt_program *p = qt_program_find(base);
    const char *as;
    if (!p || !(p->roles & QT_PROG_WRAPPER))
        return 0;
    as = p->same_as ? p->same_as : p->name;
    for (size_t i = 0; i < QT_ARRAY_LEN(wrap_names); i++)
        if (wrap_names[i] && strcmp(as, wrap_names[i]) == 0) {
            *k = (enum qt_wrap_kind)i;
            return 1;
        }
    return 0;
}

static void add_note(char *note, size_t n, const char *msg)
{
    size_t l = strlen(note);
    if (l && l + 2 < n) {
        note[l++] = ';';
        note[l++] = ' ';
        note[l] = '\0';
    }
    snprintf(note + l, n - l, "%s", msg);
}

static int valid_env_name(const char *s, const char *eq)
{
    if (eq == s)
        return 0;
    for (const char *p = s; p < eq; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return 0;
    return !isdigit((unsigned char)*s);
}

/* A sgetopt-style wrapper: skip its options; returns the index of its child
 * (program word) or -1 after noting the problem. */
static int skip_getopt(qt_cmd *c, int i, const char *optstring, const char *name)
{
    struct qt_opt *o = NULL;
    int n = 0, end, miss;
    size_t cap = 0;
    int bad = qt_sgetopt(c->argc, c->argv, i + 1, optstring, &o, &n, &cap, &end, &miss);
    free(o);
    if (bad) {
        char m[120];
        snprintf(m, sizeof m, "%s: %s -- %c (it would print its usage and exit)", name,
                 miss ? "option requires an argument" : "illegal option", bad);
        add_note(c->note, sizeof c->note, m);
        return -1;
    }
    return end;
}

/* Peel one wrapper at word i. Returns the index of the next word to look
 * at (the wrapped program), or -1 when the wrapper swallowed everything or
 * could not be followed. *server_name_word receives argv0's fake name index. */
static int peel_wrapper(qt_cmd *c, int i, enum qt_wrap_kind k, int *fakename)
{
    int j = i + 1;

    *fakename = -1;
    switch (k) {
    case QT_WRAP_EXEC:
        while (j < c->argc && c->argv[j][0] == '-' && c->argv[j][1]) {
            if (strcmp(c->argv[j], "--") == 0) {
                j++;
                break;
            }
            if (strcmp(c->argv[j], "-a") == 0) {
                if (j + 1 >= c->argc)
                    return -1;
                *fakename = j + 1;
                j += 2;
                continue;
            }
            j++; /* -c, -l, -cl */
        }
        return j;
    case QT_WRAP_ENV:
        while (j < c->argc) {
            const char *w = c->argv[j];
            const char *eq = strchr(w, '=');
            if (strcmp(w, "-") == 0 || strcmp(w, "-i") == 0 || strcmp(w, "--ignore-environment") == 0) {
                c->env_cleared = 1;
                j++;
            } else if (strcmp(w, "-u") == 0 || strcmp(w, "--unset") == 0 || strcmp(w, "-C") == 0 ||
                       strcmp(w, "--chdir") == 0) {
                j += 2;
            } else if (strncmp(w, "-u", 2) == 0 || strncmp(w, "--unset=", 8) == 0 ||
                       strncmp(w, "--chdir=", 8) == 0 || strcmp(w, "-0") == 0 || strcmp(w, "--null") == 0 ||
                       strncmp(w, "-C", 2) == 0) {
                j++;
            } else if (strcmp(w, "-S") == 0 || strncmp(w, "--split-string", 14) == 0 || strncmp(w, "-S", 2) == 0) {
                add_note(c->note, sizeof c->note, "env -S splits a string into words: not followed");
                return -1;
            } else if (strcmp(w, "--") == 0) {
                j++;
                break;
            } else if (eq && valid_env_name(w, eq)) {
                j++;
            } else {
                break;
            }
        }
        return j;
    case QT_WRAP_SOFTLIMIT:
        return skip_getopt(c, i, "a:c:d:f:l:m:o:p:r:s:t:", "softlimit");
    case QT_WRAP_ENVUIDGID:
    case QT_WRAP_SETUIDGID:
    case QT_WRAP_ENVDIR:
        /* s6-* variants accept a few flags; daemontools ones none */
        while (j < c->argc && c->argv[j][0] == '-' && c->argv[j][1] && strcmp(c->argv[j], "--") != 0 &&
               strncmp(qt_basename(c->argv[i]), "s6-", 3) == 0)
            j++;
        if (j < c->argc && strcmp(c->argv[j], "--") == 0)
            j++;
        return j + 1; /* account / dir */
    case QT_WRAP_ARGV0:
        /* argv0 realname fakename args: runs realname with argv[0] = fakename */
        if (j + 1 >= c->argc)
            return -1;
        *fakename = j + 1;
        return j;
    case QT_WRAP_NICE:
        while (j < c->argc && c->argv[j][0] == '-' && c->argv[j][1]) {
            const char *w = c->argv[j];
            if (strcmp(w, "--") == 0) {
                j++;
                break;
            }
            if (strcmp(w, "-n") == 0 || strcmp(w, "--adjustment") == 0)
                j += 2;
            else
                j++; /* -nN, -N, --adjustment=N */
        }
        return j;
    case QT_WRAP_FGHACK:
    case QT_WRAP_PGRPHACK:
        return j;
    case QT_WRAP_CHPST: {
        int end = skip_getopt(c, i, "u:U:b:e:/:C:n:l:L:m:d:o:p:f:c:r:t:vP012V", "chpst");
        /* chpst -b NAME: the program runs with argv[0] = NAME */
        for (int w = i + 1; end > 0 && w < end; w++)
            if (strcmp(c->argv[w], "-b") == 0 && w + 1 < end)
                *fakename = w + 1;
        return end;
    }
    case QT_WRAP_SETLOCK: {
        int end = skip_getopt(c, i, "nNxX", "setlock");
        return end < 0 ? -1 : end + 1; /* lock file */
    }
    }
    return -1;
}

/* --- the program chain after host/port --- */

static int is_spamdyke_flag(const char *w)
{
    /* spamdyke long options that take no value (spamdyke 4/5 documentation) */
    static const char *const flags[] = {
        "--config-test", "--help", "--version", "-h", "-v", "--log-level",
    };
    for (size_t i = 0; i < QT_ARRAY_LEN(flags); i++)
        if (strcmp(w, flags[i]) == 0)
            return strcmp(w, "--log-level") != 0;
    return 0;
}

static void parse_chain(qt_cmd *c, int i)
{
    while (i >= 0 && i < c->argc && c->nlinks < QT_CMD_MAXLINK) {
        const char *base = qt_basename(c->argv[i]);
        struct qt_link *l = &c->links[c->nlinks++];
        enum qt_wrap_kind wk;
        int next = -1, fake;

        memset(l, 0, sizeof *l);
        l->first = i;
        l->num = -1;
        l->kind = QT_LINK_OTHER;
        if (strcmp(base, "rblsmtpd") == 0) {
            struct qt_opt *o = NULL;
            int n = 0, end, miss;
            size_t cap = 0;
            l->kind = QT_LINK_RBLSMTPD;
            l->num = 60; /* rblsmtpd default -t */
            if (qt_sgetopt(c->argc, c->argv, i + 1, "bBcCt:r:a:", &o, &n, &cap, &end, &miss) != 0) {
                snprintf(l->note, sizeof l->note, "rblsmtpd: bad option (it would print its usage and exit 100)");
                end = -1;
            }
            for (int k = 0; k < n; k++)
                if (o[k].letter == 't')
                    l->num = (double)qt_scan_ulong(o[k].arg);
            free(o);
            next = end;
        } else if (strcmp(base, "recordio") == 0 || strcmp(base, "fixcrio") == 0 ||
                   strcmp(base, "jgreylist") == 0) {
            l->kind = base[0] == 'r' ? QT_LINK_RECORDIO : base[0] == 'f' ? QT_LINK_FIXCRIO : QT_LINK_JGREYLIST;
            next = i + 1;
        } else if (strcmp(base, "spamdyke") == 0) {
            int j = i + 1;
            l->kind = QT_LINK_SPAMDYKE;
            snprintf(l->note, sizeof l->note, "spamdyke options read heuristically (--opt=value, --opt value)");
            while (j < c->argc && c->argv[j][0] == '-') {
                const char *w = c->argv[j];
                if (strcmp(w, "--") == 0) {
                    j++;
                    break;
                }
                if (strcmp(w, "--config-file") == 0 || strcmp(w, "-f") == 0) {
                    if (j + 1 < c->argc)
                        l->file = c->argv[j + 1];
                    j += 2;
                } else if (strncmp(w, "--config-file=", 14) == 0) {
                    l->file = w + 14;
                    j++;
                } else if (strchr(w, '=') || is_spamdyke_flag(w)) {
                    j++;
                } else {
                    j += 2; /* --option value */
                }
            }
            next = j;
        } else if (strcmp(base, "timeout") == 0) {
            int j = i + 1;
            l->kind = QT_LINK_TIMEOUT;
            while (j < c->argc && c->argv[j][0] == '-' && c->argv[j][1]) {
                const char *w = c->argv[j];
                if (strcmp(w, "--") == 0) {
                    j++;
                    break;
                }
                if (strcmp(w, "-k") == 0 || strcmp(w, "-s") == 0 || strcmp(w, "--kill-after") == 0 ||
                    strcmp(w, "--signal") == 0)
                    j += 2;
                else
                    j++;
            }
            if (j < c->argc) {
                l->num = qt_parse_duration(c->argv[j]);
                j++;
            }
            next = j;
        } else if (strcmp(base, "s6-tcpserver-access") == 0) {
            l->kind = QT_LINK_S6_ACCESS;
            next = skip_getopt(c, i, "WwDdHhRrPpv:l:B:t:i:x:", "s6-tcpserver-access");
        } else if (strcmp(base, "s6-tlsd") == 0 || strcmp(base, "s6-ucspitlsd") == 0) {
            struct qt_opt *o = NULL;
            int n = 0, end, miss;
            size_t cap = 0;
            l->kind = QT_LINK_S6_TLSD;
            if (qt_sgetopt(c->argc, c->argv, i + 1, "SsJjYyZzv:K:k:", &o, &n, &cap, &end, &miss) != 0) {
                snprintf(l->note, sizeof l->note, "s6-tlsd: bad option (it would print its usage and exit 100)");
                end = -1;
            }
            for (int k = 0; k < n; k++)
                if (o[k].letter == 'K')
                    l->num = (double)qt_scan_ulong(o[k].arg);
            free(o);
            next = end;
        } else if (strcmp(base, "s6-connlimit") == 0 || strcmp(base, "s6-applyuidgid") == 0 ||
                   strcmp(base, "s6-ipcserver-access") == 0) {
            l->kind = QT_LINK_S6_OTHER;
            next = base[3] == 'c' ? i + 1 : skip_getopt(c, i, "u:g:G:Uz", base);
        } else if (strncmp(base, "stunnel", 7) == 0) {
            l->kind = QT_LINK_STUNNEL;
            if (i + 1 < c->argc)
                l->file = c->argv[i + 1];
        } else if (wrap_kind(base, &wk) && wk != QT_WRAP_EXEC) {
            l->kind = QT_LINK_WRAPPER;
            next = peel_wrapper(c, i, wk, &fake);
        } else if (strncmp(base, "qmail-smtpd", 11) == 0) {
            l->kind = QT_LINK_QMAIL_SMTPD;
        } else if (strcmp(base, "qmail-popup") == 0) {
            l->kind = QT_LINK_QMAIL_POPUP;
        }
        l->args = next >= 0 ? next : i + 1;
        l->last = (next > i ? next : c->argc) - 1;
        if (next < 0 || next >= c->argc) {
            l->last = c->argc - 1;
            break;
        }
        i = next;
    }
}

/* --- the whole line --- */

static void parse_server(qt_cmd *c)
{
    const struct qt_variant_def *d = qt_variant_get(c->variant);
    int miss = 0, bad;
    const char *prog = c->server_name;

    free(c->opts);
    c->opts = NULL;
    c->nopts = 0;
    c->optcap = 0;
    c->host = c->port = c->prog = -1;
    c->nlinks = 0;
    c->status = QT_CMD_OK;
    c->error[0] = '\0';
    c->exit_code = 0;
    c->bad_letter = 0;

    bad = qt_sgetopt(c->argc, c->argv, c->opt_start, d->optstring, &c->opts, &c->nopts, &c->optcap,
                     &c->optend, &miss);
    /* later options override earlier ones of the same letter or of an exclusive partner */
    for (int i = 0; i < c->nopts; i++) {
        const struct qt_optdef *od = qt_variant_opt(d, c->opts[i].letter);
        for (int j = i + 1; j < c->nopts && !c->opts[i].overridden; j++)
            if (c->opts[j].letter == c->opts[i].letter || (od && od->excl && strchr(od->excl, c->opts[j].letter)))
                c->opts[i].overridden = 1;
    }
    if (bad) {
        c->status = QT_CMD_BAD_OPTION;
        c->bad_letter = (char)bad;
        c->exit_code = 100;
        snprintf(c->error, sizeof c->error, "%s: %s -- %c; then it prints its usage and exits 100", prog,
                 miss ? "option requires an argument" : "illegal option", bad);
        return;
    }
    if (d->has_host_port) {
        if (c->optend < c->argc)
            c->host = c->optend;
        if (c->optend + 1 < c->argc)
            c->port = c->optend + 1;
        if (c->optend + 2 < c->argc)
            c->prog = c->optend + 2;
    } else if (c->optend < c->argc) {
        c->prog = c->optend;
    }
    if (c->prog < 0) {
        c->status = QT_CMD_USAGE;
        c->exit_code = 100;
        snprintf(c->error, sizeof c->error, "%s: %s missing; it prints its usage and exits 100", prog,
                 d->has_host_port ? (c->host < 0 ? "host, port and program" : c->port < 0 ? "port and program" : "program")
                                  : "program");
        return;
    }
    parse_chain(c, c->prog);
}

void qt_cmd_parse(qt_cmd *c, int argc, char *const *argv, const unsigned char *unresolved, enum qt_variant v)
{
    int i = 0;

    memset(c, 0, sizeof *c);
    c->server = -1;
    c->host = c->port = c->prog = -1;
    c->argc = argc > 0 ? argc : 0;
    c->argv = qt_calloc((size_t)c->argc + 1, sizeof *c->argv);
    for (int k = 0; k < c->argc; k++)
        c->argv[k] = qt_strdup(argv[k] ? argv[k] : "");
    if (unresolved) {
        c->unresolved = qt_calloc((size_t)c->argc + 1, 1);
        memcpy(c->unresolved, unresolved, (size_t)c->argc);
    }
    if (c->argc == 0) {
        c->status = QT_CMD_EMPTY;
        snprintf(c->error, sizeof c->error, "empty command line");
        return;
    }
    /* peel wrappers until a front end shows up */
    while (i >= 0 && i < c->argc) {
        const char *base = qt_basename(c->argv[i]);
        enum qt_variant cand[4];
        enum qt_wrap_kind k;
        int next, fake;

        if (qt_variant_candidates(base, cand, 4) > 0) {
            c->server = i;
            c->opt_start = i + 1;
            snprintf(c->server_name, sizeof c->server_name, "%s", base);
            /* after argv0 the fake name is the word after the real one */
            if (c->nwraps && c->wraps[c->nwraps - 1].kind == QT_WRAP_ARGV0 && i + 1 < c->argc) {
                c->opt_start = i + 2;
                snprintf(c->server_name, sizeof c->server_name, "%s", qt_basename(c->argv[i + 1]));
            }
            c->variant = v != QT_VAR_UNKNOWN ? v : cand[0];
            parse_server(c);
            return;
        }
        if (!wrap_kind(base, &k) || c->nwraps == QT_CMD_MAXWRAP)
            break;
        next = peel_wrapper(c, i, k, &fake);
        c->wraps[c->nwraps].kind = k;
        c->wraps[c->nwraps].first = i;
        c->wraps[c->nwraps].last = (next > i && next <= c->argc ? next : c->argc) - 1;
        c->nwraps++;
        if (k == QT_WRAP_ARGV0)
            next = i + 1; /* realname is the program */
        i = next;
    }
    c->status = QT_CMD_NO_SERVER;
    snprintf(c->error, sizeof c->error, "no tcpserver/sslserver/s6 front end in this command line");
}

void qt_cmd_reparse(qt_cmd *c, enum qt_variant v)
{
    if (c->server < 0)
        return;
    c->variant = v;
    parse_server(c);
}

void qt_cmd_free(qt_cmd *c)
{
    for (int i = 0; i < c->argc; i++)
        free(c->argv[i]);
    free(c->argv);
    free(c->unresolved);
    free(c->opts);
    memset(c, 0, sizeof *c);
    c->server = -1;
}

const struct qt_opt *qt_cmd_last(const qt_cmd *c, char letter)
{
    for (int i = c->nopts - 1; i >= 0; i--)
        if (c->opts[i].letter == letter)
            return &c->opts[i];
    return NULL;
}

const struct qt_opt *qt_cmd_last_role(const qt_cmd *c, int role_a, int role_b)
{
    const struct qt_variant_def *d = qt_variant_get(c->variant);
    for (int i = c->nopts - 1; i >= 0; i--) {
        const struct qt_optdef *od = qt_variant_opt(d, c->opts[i].letter);
        if (od && (od->role == role_a || od->role == role_b))
            return &c->opts[i];
    }
    return NULL;
}

int qt_cmd_state(const qt_cmd *c, int role_on, int role_off, int dflt)
{
    const struct qt_opt *o = qt_cmd_last_role(c, role_on, role_off);
    if (!o)
        return dflt;
    return qt_variant_opt(qt_variant_get(c->variant), o->letter)->role == role_on;
}

int qt_cmd_link(const qt_cmd *c, enum qt_link_kind k)
{
    for (int i = 0; i < c->nlinks; i++)
        if (c->links[i].kind == k)
            return i;
    return -1;
}
