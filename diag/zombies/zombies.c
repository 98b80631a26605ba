/* zombies.c - the zombies model: grouping by parent, the parent chain up to
 * the supervisor, first-seen memory, trend from the history, and the
 * collector. Findings are made in zombies_check.c. See zombies.h. */
#include "diag/zombies/zombies.h"
#include "diag/procs/procs.h"
#include "diag/core/programs.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- program names: the registry diag/core/programs.h --- */

int qt_zprog_is_mail(const char *name)
{
    return qt_program_is(name, QT_PROG_MAIL_CHAIN);
}

/* Does either name of p (argv[0] basename, comm) satisfy pred? */
static int proc_is(const struct qt_proc *p, int (*pred)(const char *))
{
    return pred(qt_proc_name(p)) || pred(p->comm);
}

static int is_ucspi(const char *n) { return qt_program_is(n, QT_PROG_UCSPI); }

/* The supervisor's name as the registry spells it (static), or NULL. */
static const char *supervisor_kind(const struct qt_proc *p)
{
    const struct qt_program *k = qt_program_find(qt_proc_name(p));
    if (!k || !(k->roles & QT_PROG_SUPERVISOR))
        k = qt_program_find(p->comm);
    return k && (k->roles & QT_PROG_SUPERVISOR) ? k->name : NULL;
}
static int is_supervisor(const char *n) { return qt_program_is(n, QT_PROG_SUPERVISOR); }

/* A service name or directory that says "mail": qmail-smtpd, smtp, smtps,
 * submission, pop3s, imapd, qmail-send, QMailToaster's "send"... */
static int svc_is_mail(const char *s)
{
    static const char *const words[] = {"qmail", "smtp", "pop3", "imap", "submission", "mail", "spamdyke", "vpop", NULL};
    char low[128];
    size_t i;
    const char *base;

    if (!s || !*s)
        return 0;
    /* the last two components: "qmail-pop3d/log", "supervise/smtp" */
    base = s + strlen(s);
    for (int slashes = 0; base > s; base--)
        if (base[-1] == '/' && ++slashes == 2)
            break;
    for (i = 0; base[i] && i < sizeof low - 1; i++)
        low[i] = (char)tolower((unsigned char)base[i]);
    low[i] = '\0';
    if (strcmp(low, "send") == 0 || strcmp(low, "send/log") == 0 || (strlen(low) > 5 && strcmp(low + strlen(low) - 5, "/send") == 0))
        return 1;
    for (const char *const *w = words; *w; w++)
        if (strstr(low, *w))
            return 1;
    return 0;
}

/* --- first-seen memory --- */

struct seen_ent {
    int pid;
    double start, seen;
};

struct qt_zseen {
    struct seen_ent *v;
    size_t n;
};

void qt_zseen_free(qt_zseen *s)
{
    if (!s)
        return;
    free(s->v);
    free(s);
}

/* btime in /proc/stat may move by a second between reads: start times
 * within this tolerance are the same process */
#define SAME_START(a, b) (fabs((a) - (b)) < 2.0)

static double seen_lookup(const qt_zseen *s, int pid, double start, double now)
{
    size_t lo = 0, hi = s ? s->n : 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->v[mid].pid == pid)
            return SAME_START(s->v[mid].start, start) ? s->v[mid].seen : now;
        if (s->v[mid].pid < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return now;
}

/* --- building --- */

static int by_ppid_start(const void *a, const void *b)
{
    const struct qt_proc *x = *(const struct qt_proc *const *)a, *y = *(const struct qt_proc *const *)b;
    if (x->ppid != y->ppid)
        return x->ppid < y->ppid ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

static int by_rank(const void *a, const void *b)
{
    const struct qt_zgroup *x = a, *y = b;
    if (x->mail != y->mail)
        return x->mail ? -1 : 1;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return (x->ppid > y->ppid) - (x->ppid < y->ppid);
}

static char *map_root(const qt_ctx *ctx, const char *path)
{
    const char *root = ctx->root ? ctx->root : "/";
    size_t rl = strlen(root);

    while (rl > 0 && root[rl - 1] == '/')
        rl--;
    if (rl > 0 && strncmp(path, root, rl) == 0 && (path[rl] == '/' || path[rl] == '\0'))
        return qt_strdup(path[rl] ? path + rl : "/");
    return qt_strdup(path);
}

static void read_cwd(const qt_ctx *ctx, struct qt_zgroup *g)
{
    char rel[32], path[4096], target[4096];
    ssize_t n;

    snprintf(rel, sizeof rel, "%d/cwd", g->svc_pid);
    if (!qt_ctx_proc(ctx, rel, path, sizeof path))
        return;
    n = readlink(path, target, sizeof target - 1);
    if (n <= 0)
        return; /* EACCES for other users' processes when not root: the name must do */
    target[n] = '\0';
    g->svc_dir_real = qt_strdup(target);
    g->svc_dir = map_root(ctx, target);
}

static void make_label(struct qt_zgroup *g)
{
    char name[24];
    size_t i;
    for (i = 0; g->pname[i] && i < sizeof name - 1; i++) {
        unsigned char c = (unsigned char)g->pname[i];
        name[i] = (char)(isalnum(c) || c == '-' || c == '_' || c == '.' ? c : '_');
    }
    name[i] = '\0';
    snprintf(g->label, sizeof g->label, "%s", i ? name : "unknown");
}

/* Label order among parents of the same name: by supervised service, then
 * start time, then pid, so "#2" stays with the same parent between samples
 * (the group order, by count, changes as zombies come and go). */
static int label_before(const struct qt_zgroup *a, const struct qt_zgroup *b)
{
    int c = strcmp(a->svc_name, b->svc_name);
    if (c)
        return c < 0;
    if (a->pstart != b->pstart)
        return a->pstart < b->pstart;
    return a->ppid < b->ppid;
}

/* Parents with the same program name: the second gets "NAME#2", the third
 * "NAME#3" (docs/monitoring.md: perfdata labels carry no pid, so a restart
 * does not start a new series). */
static void number_labels(qt_zombies *z)
{
    unsigned *k = qt_calloc(z->n ? z->n : 1, sizeof *k);
    for (size_t i = 0; i < z->n; i++)
        for (size_t j = 0; j < z->n; j++)
            if (j != i && strcmp(z->g[j].label, z->g[i].label) == 0 && label_before(&z->g[j], &z->g[i]))
                k[i]++;
    for (size_t i = 0; i < z->n; i++)
        if (k[i]) {
            struct qt_zgroup *g = &z->g[i];
            char suffix[12];
            int sl = snprintf(suffix, sizeof suffix, "#%u", k[i] + 1);
            size_t room = sizeof g->label - 1 - (size_t)sl;
            if (strlen(g->label) > room)
                g->label[room] = '\0';
            strcat(g->label, suffix);
        }
    free(k);
}

/* The supervisor's argument: svscan gives "NAME" (or "NAME/log"), an
 * inittab or unit file often "/service/NAME". The name is what an admin
 * calls the service; an absolute argument also tells the directory when
 * the cwd could not be read. */
static void service_from_arg(const qt_ctx *ctx, const char *arg, struct qt_zgroup *g)
{
    char a[256];
    size_t l;
    const char *name = a;

    snprintf(a, sizeof a, "%s", arg);
    l = strlen(a);
    while (l > 1 && a[l - 1] == '/')
        a[--l] = '\0';
    if (a[0] == '/') {
        char *b = strrchr(a, '/');
        name = b + 1;
        if (strcmp(name, "log") == 0 && b > a) {
            /* "/service/x/log" -> "x/log" */
            *b = '\0';
            char *b2 = strrchr(a, '/');
            *b = '/';
            name = b2 ? b2 + 1 : a;
        }
        if (!g->svc_dir) {
            g->svc_dir_real = qt_strdup(a);
            g->svc_dir = map_root(ctx, a);
        }
    }
    snprintf(g->svc_name, sizeof g->svc_name, "%s", *name ? name : a);
}

/* argv joined with spaces, or "[comm]": raw bytes (the display escapes). */
static char *raw_cmdline(const struct qt_proc *p)
{
    qt_buf b = {0};
    if (p->argc == 0)
        qt_buf_printf(&b, "[%s]", p->comm);
    for (int i = 0; i < p->argc; i++) {
        if (i)
            qt_buf_putc(&b, ' ');
        qt_buf_puts(&b, p->argv[i]);
    }
    if (p->argv_more) {
        qt_buf_putc(&b, ' ');
        qt_buf_puts(&b, qt_proc_argv_more_text(p->argv_more));
    }
    return qt_buf_steal(&b);
}

/* Walk from the parent up to the supervisor (inclusive) or PID 1. */
static void walk_chain(const qt_ctx *ctx, const qt_procs *procs, const struct qt_proc *parent, struct qt_zgroup *g)
{
    const struct qt_proc *p = parent;
    int any_mail = 0, ended = 0;

    g->chain = qt_calloc(QT_ZCHAIN_MAX, sizeof *g->chain);
    while (p && g->nchain < QT_ZCHAIN_MAX) {
        struct qt_zlink *l = &g->chain[g->nchain++];
        const char *kind = supervisor_kind(p);

        l->pid = p->pid;
        l->state = p->state;
        snprintf(l->name, sizeof l->name, "%s", qt_proc_name(p));
        l->cmdline = raw_cmdline(p);
        if (g->nchain > 1 && proc_is(p, qt_zprog_is_mail))
            any_mail = 1;
        if (kind) {
            g->svc_pid = p->pid;
            g->svc_start = p->start;
            g->svc_ticks = p->ticks;
            g->svc_kind = kind;
            read_cwd(ctx, g);
            if (p->argc >= 2)
                service_from_arg(ctx, p->argv[1], g);
            if (!g->svc_name[0] && g->svc_dir) {
                const char *b = strrchr(g->svc_dir, '/');
                snprintf(g->svc_name, sizeof g->svc_name, "%s", b && b[1] ? b + 1 : g->svc_dir);
            }
            ended = 1;
            break;
        }
        if (p->pid <= 1 || p->ppid <= 0 || p->ppid == p->pid) {
            ended = 1;
            break;
        }
        p = qt_procs_find(procs, p->ppid);
    }
    g->chain_cut = p && !ended; /* stopped by the cap: said in the pane, not silent */
    g->mail = proc_is(parent, qt_zprog_is_mail) || any_mail || svc_is_mail(g->svc_name) ||
              (g->svc_dir && svc_is_mail(g->svc_dir));
}

static enum qt_zrole find_role(const qt_procs *procs, const struct qt_proc *parent, const struct qt_zgroup *g)
{
    const struct qt_proc *pp;

    if (supervisor_kind(parent))
        return QT_ZROLE_SUPERVISOR;
    pp = qt_procs_find(procs, parent->ppid);
    if (proc_is(parent, is_ucspi))
        return pp && proc_is(pp, is_ucspi) ? QT_ZROLE_CONNECTION : QT_ZROLE_LISTENER;
    /* below a listener (before the supervisor): a per-connection process */
    for (size_t i = 1; i < g->nchain; i++) {
        const struct qt_proc *a = qt_procs_find(procs, g->chain[i].pid);
        if (a && proc_is(a, is_supervisor))
            break;
        if (a && proc_is(a, is_ucspi))
            return QT_ZROLE_CONNECTION;
    }
    if (proc_is(parent, qt_zprog_is_mail) || g->svc_pid)
        return QT_ZROLE_DAEMON;
    return QT_ZROLE_OTHER;
}

static void fill_group(const qt_ctx *ctx, const qt_procs *procs, struct qt_proc *const *zs, size_t n,
                       const qt_zseen *prev, double now, struct qt_zgroup *g)
{
    const struct qt_proc *parent = qt_procs_find(procs, zs[0]->ppid);

    memset(g, 0, sizeof *g);
    g->ppid = zs[0]->ppid;
    g->pstate = '?';
    g->puid = (unsigned)-1;
    if (parent) {
        g->pstart = parent->start;
        g->pticks = parent->ticks;
        g->pstate = parent->state;
        g->puid = parent->uid;
        snprintf(g->pname, sizeof g->pname, "%s", qt_proc_name(parent));
        g->pcmdline = raw_cmdline(parent);
        walk_chain(ctx, procs, parent, g);
        g->role = find_role(procs, parent, g);
    } else {
        /* the parent vanished between listing and reading, or is not visible */
        snprintf(g->pname, sizeof g->pname, "?");
        g->pcmdline = qt_asprintf("[pid %d not readable]", g->ppid);
    }
    make_label(g);
    g->z = qt_calloc(n, sizeof *g->z);
    g->n = n;
    for (size_t i = 0; i < n; i++) {
        struct qt_zombie *z = &g->z[i];
        z->pid = zs[i]->pid;
        z->uid = zs[i]->uid;
        memcpy(z->comm, zs[i]->comm, sizeof z->comm);
        z->start = zs[i]->start;
        z->seen = seen_lookup(prev, z->pid, z->start, now);
    }
    g->oldest = g->z[0].start;
    g->newest = g->z[n - 1].start;
}

static int seen_by_pid(const void *a, const void *b)
{
    const struct seen_ent *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

void qt_zombies_build(const qt_ctx *ctx, struct qt_procs *procs, double now, qt_zseen **seen,
                      qt_zombies *out)
{
    struct qt_proc **zs;
    size_t nz = 0, cap = 0;
    const char *procdir = ctx->proc ? ctx->proc : "/proc";

    memset(out, 0, sizeof *out);
    out->now = now;
    out->scanned = procs->n;
    out->live = strcmp(procdir, "/proc") == 0;
    out->euid = (unsigned)geteuid();
    zs = qt_calloc(procs->n ? procs->n : 1, sizeof *zs);
    /* what the groups show: each zombie's uid, the parents' chains */
    for (size_t i = 0; i < procs->n; i++)
        if (qt_proc_is_zombie(&procs->v[i])) {
            qt_procs_want(procs, &procs->v[i]);
            qt_procs_want_chain(procs, procs->v[i].ppid);
        }
    qt_procs_load(procs);
    for (size_t i = 0; i < procs->n; i++) {
        struct qt_proc *p = &procs->v[i];
        if (qt_proc_is_zombie(p))
            zs[nz++] = p;
        else if (p->state == 'Z')
            out->leaders++;
    }
    qsort(zs, nz, sizeof *zs, by_ppid_start);
    for (size_t i = 0; i < nz;) {
        size_t j = i;
        while (j < nz && zs[j]->ppid == zs[i]->ppid)
            j++;
        qt_grow(&out->g, &cap, out->n + 1, sizeof *out->g);
        fill_group(ctx, procs, zs + i, j - i, seen ? *seen : NULL, now, &out->g[out->n]);
        out->total += j - i;
        if (out->g[out->n].mail)
            out->mail_total += j - i;
        out->n++;
        i = j;
    }
    number_labels(out);
    if (out->n > 1)
        qsort(out->g, out->n, sizeof *out->g, by_rank);
    if (seen) {
        /* remember this sample's zombies for the next one */
        qt_zseen *s = qt_calloc(1, sizeof *s);
        s->v = qt_calloc(nz ? nz : 1, sizeof *s->v);
        for (size_t i = 0; i < out->n; i++)
            for (size_t k = 0; k < out->g[i].n; k++)
                s->v[s->n++] = (struct seen_ent){out->g[i].z[k].pid, out->g[i].z[k].start, out->g[i].z[k].seen};
        qsort(s->v, s->n, sizeof *s->v, seen_by_pid);
        qt_zseen_free(*seen);
        *seen = s;
    }
    free(zs);
}

void qt_zombies_free(qt_zombies *z)
{
    for (size_t i = 0; i < z->n; i++) {
        struct qt_zgroup *g = &z->g[i];
        for (size_t k = 0; k < g->nchain; k++)
            free(g->chain[k].cmdline);
        free(g->chain);
        free(g->z);
        free(g->pcmdline);
        free(g->svc_dir);
        free(g->svc_dir_real);
    }
    free(z->g);
    memset(z, 0, sizeof *z);
}

const struct qt_zgroup *qt_zombies_find(const qt_zombies *z, int ppid)
{
    for (size_t i = 0; z && i < z->n; i++)
        if (z->g[i].ppid == ppid)
            return &z->g[i];
    return NULL;
}

/* --- text helpers --- */

char *qt_zgroup_names(const struct qt_zgroup *g)
{
    struct { const char *name; size_t n; } *c = qt_calloc(g->n ? g->n : 1, sizeof *c);
    size_t nc = 0;
    qt_buf b = {0};

    for (size_t i = 0; i < g->n; i++) {
        size_t k;
        for (k = 0; k < nc && strcmp(c[k].name, g->z[i].comm) != 0; k++)
            ;
        if (k == nc)
            c[nc++].name = g->z[i].comm;
        c[k].n++;
    }
    /* most frequent first (stable: first seen wins ties) */
    for (size_t i = 1; i < nc; i++)
        for (size_t k = i; k > 0 && c[k].n > c[k - 1].n; k--) {
            __typeof__(*c) t = c[k];
            c[k] = c[k - 1];
            c[k - 1] = t;
        }
    for (size_t i = 0; i < nc; i++) {
        if (i)
            qt_buf_puts(&b, ", ");
        qt_buf_puts(&b, c[i].name);
        if (c[i].n > 1)
            qt_buf_printf(&b, " x%zu", c[i].n);
    }
    free(c);
    return qt_buf_steal(&b);
}

char *qt_zgroup_chain(const struct qt_zgroup *g)
{
    qt_buf b = {0};
    for (size_t i = 0; i < g->nchain; i++) {
        const struct qt_zlink *l = &g->chain[i];
        if (i)
            qt_buf_puts(&b, " <- ");
        qt_buf_puts(&b, l->name);
        if (g->svc_pid == l->pid && g->svc_name[0]) {
            qt_buf_putc(&b, ' ');
            qt_buf_puts(&b, g->svc_name);
        }
        qt_buf_printf(&b, "[%d]", l->pid);
    }
    if (!g->nchain)
        qt_buf_printf(&b, "?[%d]", g->ppid);
    return qt_buf_steal(&b);
}

const char *qt_zgroup_dir_shown(const struct qt_zgroup *g, char *buf, size_t n, int *assumed)
{
    *assumed = 0;
    if (g->svc_dir)
        return g->svc_dir;
    if (g->svc_pid && g->svc_name[0] && !strchr(g->svc_name, '/')) {
        *assumed = 1;
        snprintf(buf, n, "/service/%s", g->svc_name);
        return buf;
    }
    return NULL;
}

const char *qt_ztrend_name(enum qt_ztrend t)
{
    switch (t) {
    case QT_ZT_NEW: return "new";
    case QT_ZT_GROWING: return "growing";
    case QT_ZT_STABLE: return "stable";
    case QT_ZT_CLEARING: return "clearing";
    default: return "?";
    }
}

const char *qt_zrole_name(enum qt_zrole r)
{
    switch (r) {
    case QT_ZROLE_LISTENER: return "listener";
    case QT_ZROLE_CONNECTION: return "connection";
    case QT_ZROLE_DAEMON: return "service process";
    case QT_ZROLE_SUPERVISOR: return "supervisor";
    default: return "other";
    }
}

enum qt_sev qt_zgroup_sev(const struct qt_zgroup *g, enum qt_ztrend t)
{
    /* docs/severity.md: WARN whatever the trend. The trend flips between
     * growing and stable as a slow leak adds one zombie now and then, and a
     * CRIT that comes and goes with it made the header count jitter; the
     * slots the zombies hold are CRIT through the saturation rule. */
    (void)t;
    if (!g->mail)
        return QT_SEV_INFO;
    return QT_SEV_WARN;
}

/* --- trend --- */

/* Value of series s at sample time t, or 0 when it was not recorded then
 * (a group that did not exist in that sample). */
static double value_at(const qt_series *s, double t)
{
    for (unsigned i = 0; s && i < s->n; i++) {
        unsigned k = (s->head + QT_HIST_LEN - 1 - i) % QT_HIST_LEN;
        if (s->t[k] == t)
            return s->v[k];
        if (s->t[k] < t)
            break;
    }
    return 0;
}

enum qt_ztrend qt_zombies_trend(const qt_history *hist, const char *label, unsigned window,
                                double *from, double *to)
{
    const qt_series *tot, *s;
    double v[QT_HIST_LEN], cur, first, mx;
    unsigned k, j;
    char key[96];

    if (from)
        *from = 0;
    if (to)
        *to = 0;
    if (!hist || !(tot = qt_history_get(hist, "zombies")) || tot->n == 0)
        return QT_ZT_UNKNOWN;
    if (label)
        snprintf(key, sizeof key, "zombies.%s", label);
    s = label ? qt_history_get(hist, key) : tot;
    if (window < 2)
        window = 2;
    k = tot->n < window ? tot->n : window;
    /* the total series is pushed every sample: its times are the timeline */
    for (unsigned i = 0; i < k; i++) {
        unsigned idx = (tot->head + QT_HIST_LEN - k + i) % QT_HIST_LEN;
        v[i] = value_at(s, tot->t[idx]);
    }
    cur = v[k - 1];
    if (to)
        *to = cur;
    /* start where the count was last non-zero before a run of presence */
    for (j = 0; j < k - 1 && v[j] == 0; j++)
        ;
    if (cur == 0) {
        if (from)
            *from = j < k - 1 ? v[j] : 0;
        return j < k - 1 ? QT_ZT_CLEARING : QT_ZT_STABLE;
    }
    if (j >= k - 1)
        return QT_ZT_NEW;
    first = v[j];
    mx = first;
    for (unsigned i = j; i < k - 1; i++)
        if (v[i] > mx)
            mx = v[i];
    if (from)
        *from = first;
    if (cur > first && cur >= mx)
        return QT_ZT_GROWING;
    if (cur < first)
        return QT_ZT_CLEARING;
    return QT_ZT_STABLE;
}

/* --- collector --- */

static int collect(const qt_ctx *ctx, void **state, qt_snapshot *snap, char *err, size_t errlen)
{
    qt_zombies *z;

    if (!snap->procs) {
        const struct qt_src_status *ps = &snap->src[QT_SRC_PROCS];
        snprintf(err, errlen, "no process table (procs: %s)", ps->err[0] ? ps->err : "not collected");
        return -1;
    }
    z = qt_calloc(1, sizeof *z);
    qt_zombies_build(ctx, snap->procs, snap->wall, (qt_zseen **)state, z);
    snap->zombies = z;
    return 0;
}

static const char metric_help[] = "zombie processes (exited, not reaped by their parent); per parent when labelled";

static void measure(const qt_ctx *ctx, const qt_snapshot *snap, qt_metrics *out)
{
    const qt_zombies *z = snap->zombies;
    (void)ctx;
    if (!z)
        return;
    qt_metrics_add(out, "zombies", NULL, 0, (double)z->total, -1, metric_help);
    qt_metrics_add(out, "zombies_mail", NULL, 0, (double)z->mail_total, -1,
                   "zombies whose parent belongs to the mail system");
    for (size_t i = 0; i < z->n; i++)
        qt_metrics_add(out, "zombies", z->g[i].label, 0, (double)z->g[i].n, -1, metric_help);
}

static void free_model(qt_snapshot *snap)
{
    if (snap->zombies) {
        qt_zombies_free(snap->zombies);
        free(snap->zombies);
        snap->zombies = NULL;
    }
}

static void free_state(void *state)
{
    qt_zseen_free(state);
}

const qt_collector qt_collector_zombies = {
    .id = QT_SRC_ZOMBIES,
    .name = "zombies",
    .collect = collect,
    .measure = measure,
    .analyse = qt_zombies_analyse,
    .free_model = free_model,
    .free_state = free_state,
};
