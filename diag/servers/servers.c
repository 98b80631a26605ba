/* servers.c - see servers.h. The process half of discovery (listeners,
 * children, supervise parents), matching to service directories, variant
 * identification, and the numbers each row shows. */
#include "diag/servers/servers.h"
#include "diag/servers/servers_int.h"
#include "diag/parse/elfstrings.h"
#include "diag/procs/procs.h"
#include "diag/core/programs.h"
#include "diag/core/rootfs.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_ENV_READS 1024   /* children whose environment is read per sample */

/* What a process's name makes it to the walks below: a front end whose
 * options diag/parse/variants.c knows, or a TLS relay (programs.h). The
 * last answer is kept (one memo per walk): the 10,000 per-connection
 * children of a listener share a name and sit next to each other, in pid
 * order and in the children index, so a walk asks once per run of equal
 * names instead of once per process. Names of 64 bytes or more are not kept. */
struct name_kind {
    char name[64];
    int front, relay;
};

static const struct name_kind *kind_of(const struct qt_proc *p, struct name_kind *m, struct name_kind *tmp)
{
    const char *name = qt_proc_name(p);
    enum qt_variant c[4];
    size_t len;

    if (strcmp(m->name, name) == 0)
        return m;
    if ((len = strlen(name)) >= sizeof m->name)
        m = tmp;
    else
        memcpy(m->name, name, len + 1);
    m->front = qt_variant_candidates(name, c, 4) > 0;
    m->relay = qt_program_is(name, QT_PROG_TLS_RELAY);
    return m;
}

static int is_front_end(const struct qt_proc *p, struct name_kind *m)
{
    struct name_kind tmp;
    if (p->argc == 0 || p->state == 'Z')
        return 0;
    return kind_of(p, m, &tmp)->front;
}

/* Before argv is read: could it be a front end or an stunnel, judging by
 * comm (the executable's name, cut at 15 bytes by the kernel)? */
struct comm_memo {
    char comm[64];
    int yes;
};

/* The table is sorted by pid and a listener's children are usually next
 * to each other with one name: the last answer is kept (memo, one per
 * sample) so thousands of children cost one name lookup, not thousands. */
static int maybe_front_end(const struct qt_proc *p, struct comm_memo *m)
{
    enum qt_variant c[4];
    if (p->state == 'Z' || (p->flags & QT_PF_KTHREAD))
        return 0;
    if (strcmp(m->comm, p->comm) != 0) {
        snprintf(m->comm, sizeof m->comm, "%s", p->comm);
        m->yes = qt_variant_candidates(p->comm, c, 4) > 0 || qt_program_is(p->comm, QT_PROG_TLS_RELAY) ||
                 strlen(p->comm) >= 15;
    }
    return m->yes;
}

static int is_supervisor(const struct qt_proc *p)
{
    return qt_program_is(qt_proc_name(p), QT_PROG_SUPERVISOR);
}

/* Service directory of a supervisor process, as a path under the root:
 * 0, or 1 when its cwd lies outside the root (another tree's service: a
 * same-named directory here is not its), or -1 when the cwd is unreadable. */
static int supervisor_dir(const qt_ctx *ctx, const struct qt_proc *p, char *out, size_t n)
{
    char rel[64], link[4096], real[4096];
    ssize_t l;

    snprintf(rel, sizeof rel, "%d/cwd", p->pid);
    if (qt_ctx_proc(ctx, rel, link, sizeof link) && (l = readlink(link, real, sizeof real - 1)) > 0) {
        real[l] = '\0';
        return qt_unroot(ctx, real, out, n) ? 0 : 1;
    }
    return -1;
}

static struct qt_ip_cache *g_ips; /* set by the collector for one collect() call */

static int by_count(const void *a, const void *b)
{
    const struct qt_ipcount *x = a, *y = b;
    return (y->n > x->n) - (y->n < x->n);
}

/* Which row of sv->ips counts this IP: an open-addressing hash of the
 * rows by IP (slots hold row + 1; 0 empty), so 10,000 children from
 * 10,000 addresses cost 10,000 probes, not 50 million compares. The IP's
 * hash and length come with it from the cache (servers_ip.c): a steady
 * sample neither hashes nor formats text. Rows keep the order of first
 * sight. */
struct ip_rows {
    int *slot;
    uint64_t *hash;    /* per row, for growing */
    size_t mask, caphash;
};

static int ip_row(struct ip_rows *h, struct qt_server *sv, size_t *cap, const struct qt_ip_seen *e)
{
    size_t i;

    if ((size_t)sv->nips * 2 + 2 > h->mask + 1 || !h->slot) {
        size_t size = h->slot ? (h->mask + 1) * 2 : 64;
        free(h->slot);
        h->slot = qt_calloc(size, sizeof *h->slot);
        h->mask = size - 1;
        for (int k = 0; k < sv->nips; k++) {
            for (i = h->hash[k] & h->mask; h->slot[i]; i = (i + 1) & h->mask)
                ;
            h->slot[i] = k + 1;
        }
    }
    for (i = e->hash & h->mask; h->slot[i]; i = (i + 1) & h->mask) {
        int r = h->slot[i] - 1;
        if (h->hash[r] == e->hash && memcmp(sv->ips[r].ip, e->ip, e->iplen + 1) == 0)
            return r;
    }
    qt_grow(&sv->ips, cap, (size_t)sv->nips + 1, sizeof *sv->ips);
    qt_grow(&h->hash, &h->caphash, (size_t)sv->nips + 1, sizeof *h->hash);
    memcpy(sv->ips[sv->nips].ip, e->ip, e->iplen + 1);
    sv->ips[sv->nips].n = 0;
    h->hash[sv->nips] = e->hash;
    h->slot[i] = sv->nips + 1;
    return sv->nips++;
}

static void count_children(const qt_ctx *ctx, const qt_procs_kids *kids, struct qt_server *sv, int *env_budget)
{
    const qt_procs *procs = kids->procs;
    size_t cap = 0, first, n = qt_procs_kids_of(kids, sv->pid, &first);
    const struct qt_proc *listener = qt_procs_find(procs, sv->pid);
    struct name_kind memo = {"", 0, 0}, tmp;
    struct ip_rows rows = {0};
    struct qt_ip_seen scratch;

    for (size_t ci = 0; ci < n; ci++) {
        const struct qt_proc *c = &procs->v[kids->by_ppid[first + ci]];
        const struct qt_ip_seen *ip = NULL;
        if (c->pid == sv->pid)
            continue;
        sv->children++;
        if (c->state == 'Z') {
            sv->zombies++;
            continue;
        }
        if (is_front_end(c, &memo) || kind_of(c, &memo, &tmp)->relay) {
            /* SSL relay child (same program) or stunnel in inetd mode: the
             * program is its child, started only after the handshake */
            size_t gfirst, gn = qt_procs_kids_of(kids, c->pid, &gfirst);
            for (size_t g = 0; g < gn; g++) {
                const struct qt_proc *gc = &procs->v[kids->by_ppid[gfirst + g]];
                if (gc->state != 'Z' && gc->pid != c->pid) {
                    sv->progs_running++;
                    if (!ip)
                        ip = qt_ip_child(ctx, g_ips, gc, c, &scratch, env_budget);
                }
            }
        } else {
            sv->progs_running++;
            ip = qt_ip_child(ctx, g_ips, c, listener, &scratch, env_budget);
        }
        if (ip) {
            int row = ip_row(&rows, sv, &cap, ip); /* may move sv->ips */
            sv->ips_known++;
            sv->ips[row].n++;
        }
    }
    free(rows.slot);
    free(rows.hash);
    if (sv->nips > 1)
        qsort(sv->ips, (size_t)sv->nips, sizeof *sv->ips, by_count);
}

/* Attach a running listener to its service (by supervisor cwd, then by
 * name when the cwd is not readable), or make a row for it. */
static void attach_listener(const qt_ctx *ctx, const qt_procs *procs, qt_servers *s, const struct qt_proc *p)
{
    struct qt_server *sv = NULL;
    const struct qt_proc *q = p;
    int sup = 0, outside = 0;

    for (int up = 0; up < 4 && q; up++) {
        q = qt_procs_find(procs, q->ppid);
        if (q && is_supervisor(q)) {
            char dir[4096], real[512];
            int where = supervisor_dir(ctx, q, dir, sizeof dir);
            sup = q->pid;
            outside = where == 1;
            if (where == 0 && qt_rooted_realpath(ctx, dir, real, sizeof real))
                for (size_t i = 0; i < s->n && !sv; i++)
                    if (strcmp(s->v[i].realdir, real) == 0 && !s->v[i].pid)
                        sv = &s->v[i];
            /* by name only when the cwd is unknown: a supervise running in
             * another tree (outside --root) is not this tree's same-named service */
            if (!sv && where != 1 && q->argc > 1)
                for (size_t i = 0; i < s->n && !sv; i++)
                    if (strcmp(s->v[i].name, qt_basename(q->argv[1])) == 0 && !s->v[i].pid)
                        sv = &s->v[i];
            break;
        }
    }
    if (!sv) {
        sv = qt_servers_add(s);
        snprintf(sv->name, sizeof sv->name, "%s", qt_proc_name(p));
    }
    sv->pid = p->pid;
    sv->supervisor_pid = sup;
    sv->outside_root = outside;
    sv->started = p->start;
    sv->uid = p->uid;
    qt_cmd_parse(&sv->proc, p->argc, p->argv, NULL, QT_VAR_UNKNOWN);
    sv->proc.argv_more = p->argv_more;
}

/* --- variant identification --- */

/* ELF scans are cached across samples by file identity: a listener's binary
 * is read once, not every second. */
#define ELF_CACHE 64
struct elf_cache {
    struct {
        dev_t dev;
        ino_t ino;
        time_t mtime;
        off_t size;
        int rc;
        struct qt_elfinfo info;
    } e[ELF_CACHE];
    int n, next;
};

static struct elf_cache *g_cache; /* set by the collector for one collect() call */

static int elf_scan_cached(int fd, struct qt_elfinfo *out)
{
    struct stat sb;
    int rc, slot;

    if (!g_cache || fstat(fd, &sb) != 0)
        return qt_elf_scan_fd(fd, QT_ELF_MAX_BYTES, out);
    for (int i = 0; i < g_cache->n; i++)
        if (g_cache->e[i].dev == sb.st_dev && g_cache->e[i].ino == sb.st_ino && g_cache->e[i].mtime == sb.st_mtime &&
            g_cache->e[i].size == sb.st_size) {
            *out = g_cache->e[i].info;
            return g_cache->e[i].rc;
        }
    rc = qt_elf_scan_fd(fd, QT_ELF_MAX_BYTES, out);
    slot = g_cache->n < ELF_CACHE ? g_cache->n++ : g_cache->next++ % ELF_CACHE;
    g_cache->e[slot].dev = sb.st_dev;
    g_cache->e[slot].ino = sb.st_ino;
    g_cache->e[slot].mtime = sb.st_mtime;
    g_cache->e[slot].size = sb.st_size;
    g_cache->e[slot].rc = rc;
    g_cache->e[slot].info = *out;
    return rc;
}

/* Scan the binary open on fd (closed here); -1 with why when fd < 0. */
static int elf_scan_opened(int fd, const char *shown, struct qt_elfinfo *out)
{
    int rc;
    if (fd < 0) {
        memset(out, 0, sizeof *out);
        snprintf(out->error, sizeof out->error, "cannot open %.120s: %s", shown, strerror(errno));
        return -1;
    }
    rc = elf_scan_cached(fd, out);
    close(fd);
    return rc;
}

void qt_servers_identify(const qt_ctx *ctx, struct qt_server *sv)
{
    qt_cmd *c = sv->pid ? &sv->proc : &sv->script;
    enum qt_variant cand[4], ok[4];
    int nc, nok = 0;
    struct qt_elfinfo elf;
    char binpath[1024] = "", where[1100] = "";
    int elf_ok = -1;
    qt_buf ev = {0};

    if (c->server < 0)
        return;
    nc = qt_variant_candidates(c->server_name, cand, 4);
    if (sv->pid) {
        char rel[64];
        snprintf(rel, sizeof rel, "%d/exe", sv->pid);
        if (qt_ctx_proc(ctx, rel, binpath, sizeof binpath))
            elf_ok = elf_scan_opened(open(binpath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), binpath, &elf);
        snprintf(where, sizeof where, "/proc/%d/exe", sv->pid);
    } else if (sv->no_binary) {
        snprintf(elf.error, sizeof elf.error, "a pasted command line: no binary to read");
    } else {
        const struct qt_rs_var *pv = qt_runscript_var(&sv->rs, "PATH");
        char prog[1024];
        if (!c->unresolved || !c->unresolved[c->server]) {
            if (qt_find_binary(ctx, c->argv[c->server], pv && pv->resolved ? pv->value : NULL, prog, sizeof prog) == 0) {
                /* opened inside the root: a link out of it reads nothing */
                elf_ok = elf_scan_opened(qt_ctx_open(ctx, prog, 0, NULL, NULL, 0), prog, &elf);
                snprintf(where, sizeof where, "%s", prog);
            } else {
                snprintf(elf.error, sizeof elf.error, "binary %s not found under the root", c->argv[c->server]);
            }
        } else {
            snprintf(elf.error, sizeof elf.error, "program name not resolved");
        }
    }
    if (elf_ok == 0) {
        snprintf(sv->elf_optstring, sizeof sv->elf_optstring, "%s", elf.optstring);
        if (elf.variant != QT_VAR_UNKNOWN) {
            sv->variant = elf.variant;
            sv->variant_certain = elf.why && strcmp(elf.why, "exact getopt string") == 0;
            qt_buf_printf(&ev, "%s in %s: \"%s\"", elf.why ? elf.why : "option string", where, elf.optstring);
            goto done;
        }
    }
    /* no binary evidence: which candidates accept this command line? A
     * running process proves its binary accepted it. */
    nok = qt_variant_sift(c, cand, nc, ok, &ev);
    if (nok == 0) {
        sv->variant = nc ? ok[0] : QT_VAR_UNKNOWN;
        qt_buf_printf(&ev, "no known variant of %s accepts these options%s%s", c->server_name, nc ? "; closest: " : "",
                      nc ? qt_variant_get(ok[0])->label : "");
    } else {
        sv->variant = ok[0];
        sv->variant_certain = nok == 1 && sv->pid;
        if (nok == 1)
            qt_buf_printf(&ev, "only %s accepts these options%s", qt_variant_get(ok[0])->label,
                          sv->pid ? " (the process runs, so its binary accepted them)" : "");
        else {
            qt_buf_printf(&ev, "name \"%s\" fits", c->server_name);
            for (int i = 0; i < nok; i++)
                qt_buf_printf(&ev, "%s %s", i ? "," : "", qt_variant_get(ok[i])->label);
            qt_buf_printf(&ev, "; guessed the first");
        }
    }
    qt_buf_printf(&ev, "; binary evidence missing: %s", elf_ok == 0 ? elf.error : elf.error[0] ? elf.error : "not read");
done:
    snprintf(sv->variant_evidence, sizeof sv->variant_evidence, "%s", qt_buf_str(&ev));
    qt_buf_free(&ev);
    qt_cmd_reparse(c, sv->variant);
    if (sv->pid && sv->has_script_cmd)
        qt_cmd_reparse(&sv->script, sv->variant);
}

/* --- what is in effect --- */

static long control_int(const qt_ctx *ctx, const char *file, long dflt)
{
    char *t = NULL;
    long v = dflt;
    if (qt_ctx_read(ctx, file, 4096, &t, NULL) >= 0 && t[0] >= '0' && t[0] <= '9')
        v = (long)qt_scan_ulong(t);
    free(t);
    return v;
}

void qt_servers_derive(const qt_ctx *ctx, struct qt_server *sv)
{
    const qt_cmd *c = sv->cmd;
    const struct qt_variant_def *d = qt_variant_get(sv->variant);
    const struct qt_opt *o;
    int stunnel, tlsd, smtpd;

    if (!c || c->server < 0)
        return;
    if (c->host >= 0)
        snprintf(sv->host, sizeof sv->host, "%s", c->argv[c->host]);
    if (c->port >= 0 && !(c->unresolved && c->unresolved[c->port]))
        sv->port = qt_servers_port(ctx, c->argv[c->port]);
    if (!sv->port && sv->has_script_cmd && sv->script.port >= 0)   /* s6-tcpserverd: from the script */
        sv->port = qt_servers_port(ctx, sv->script.argv[sv->script.port]);

    o = qt_cmd_last_role(c, QT_OR_LIMIT, QT_OR_LIMIT);
    if (o) {
        if (c->unresolved && c->unresolved[o->argword]) {
            sv->limit = -1;
            sv->limit_source = "unknown";
        } else if (sv->variant == QT_VAR_INDIMAIL && o->arg[0] && (o->arg[0] < '0' || o->arg[0] > '9')) {
            char path[1100];
            /* a relative file is read from the service directory, the server's cwd */
            if (o->arg[0] != '/' && sv->realdir[0])
                snprintf(path, sizeof path, "%s/%s", sv->realdir, o->arg);
            else
                snprintf(path, sizeof path, "%s", o->arg);
            sv->limit = control_int(ctx, path, -1);
            sv->limit_source = "option -c (file)";
        } else {
            sv->limit = (long)qt_scan_ulong(o->arg);
            sv->limit_source = "option -c";
            if (sv->variant >= QT_VAR_S6_TCPSERVER && sv->limit == 0)
                sv->limit = 1;
        }
    } else if (d->default_limit) {
        sv->limit = d->default_limit;
        sv->limit_source = "default";
    }
    o = qt_cmd_last_role(c, QT_OR_IPLIMIT, QT_OR_IPLIMIT);
    if (o)
        sv->iplimit = (long)qt_scan_ulong(o->arg);
    else if (d->per_ip_limit)
        sv->iplimit = sv->variant == QT_VAR_INDIMAIL ? 20 : sv->limit;

    /* TLS and its handshake deadline */
    stunnel = qt_cmd_link(c, QT_LINK_STUNNEL);
    tlsd = qt_cmd_link(c, QT_LINK_S6_TLSD);
    smtpd = qt_cmd_link(c, QT_LINK_QMAIL_SMTPD);
    if (d->tls == QT_TLS_ALWAYS || (d->tls == QT_TLS_BY_OPTION && qt_cmd_state(c, QT_OR_TLS_ON, QT_OR_TLS_OFF, 0))) {
        sv->tls = 1;
        o = d->handshake_opt ? qt_cmd_last(c, d->handshake_opt) : NULL;
        if (!d->handshake_opt) {
            sv->hs_source = QT_HS_NONE;
            snprintf(sv->hs_detail, sizeof sv->hs_detail, "none possible (%s)", d->label);
        } else if (o) {
            double v = (double)qt_scan_ulong(o->arg) / (d->handshake_unit_ms ? 1000.0 : 1.0);
            if (d->handshake_unit_ms && v == 0) {
                sv->hs_source = QT_HS_NONE;
                snprintf(sv->hs_detail, sizeof sv->hs_detail, "-%c 0 = infinite", d->handshake_opt);
            } else {
                sv->handshake = v;
                sv->hs_source = QT_HS_OPTION;
                snprintf(sv->hs_detail, sizeof sv->hs_detail, "-%c %s", d->handshake_opt, o->arg);
            }
        } else if (d->handshake_default >= 0) {
            sv->handshake = (double)d->handshake_default;
            sv->hs_source = QT_HS_DEFAULT;
            snprintf(sv->hs_detail, sizeof sv->hs_detail, "default %ld s (no -%c)", d->handshake_default, d->handshake_opt);
        } else {
            sv->hs_source = QT_HS_NONE;
            snprintf(sv->hs_detail, sizeof sv->hs_detail, "no -%c: infinite", d->handshake_opt);
        }
    } else if (stunnel >= 0) {
        long busy = 300; /* stunnel's TIMEOUTbusy default */
        char *text = NULL, path[1100];
        const char *f = c->links[stunnel].file;
        sv->tls = 1;
        if (f && (f[0] == '/' || sv->realdir[0])) {
            if (f[0] == '/')
                snprintf(path, sizeof path, "%s", f);
            else
                snprintf(path, sizeof path, "%s/%s", sv->realdir, f);
            if (qt_ctx_read(ctx, path, 1 << 20, &text, NULL) >= 0) {
                char *p = strstr(text, "TIMEOUTbusy");
                const char *src = "default";
                if (p && (p = strchr(p, '='))) {
                    busy = (long)qt_scan_ulong(p + 1 + strspn(p + 1, " \t"));
                    src = "TIMEOUTbusy";
                }
                sv->handshake = (double)busy;
                sv->hs_source = QT_HS_CHAIN;
                snprintf(sv->hs_detail, sizeof sv->hs_detail, "stunnel %s %ld s (%.100s)", src, busy, path);
                free(text);
                return;
            }
        }
        sv->hs_source = QT_HS_UNKNOWN;
        snprintf(sv->hs_detail, sizeof sv->hs_detail, "stunnel config %s not readable", f ? f : "(none given)");
    } else if (tlsd >= 0) {
        sv->tls = 1;
        if (c->links[tlsd].num > 0) {
            sv->handshake = c->links[tlsd].num / 1000.0;
            sv->hs_source = QT_HS_CHAIN;
            snprintf(sv->hs_detail, sizeof sv->hs_detail, "s6-tlsd -K %.0f ms", c->links[tlsd].num);
        } else {
            sv->hs_source = QT_HS_NONE;
            snprintf(sv->hs_detail, sizeof sv->hs_detail, "s6-tlsd without -K: infinite");
        }
    } else if (smtpd >= 0 && qt_servers_env(ctx, sv, "SMTPS") && *qt_servers_env(ctx, sv, "SMTPS")) {
        char abs[4096];
        long t = qt_ctx_qmail(ctx, "control/timeoutsmtpd", abs, sizeof abs) ? control_int(ctx, abs, 1200) : 1200;
        sv->tls = 1;
        sv->handshake = (double)(t <= 0 ? 1 : t);
        sv->hs_source = QT_HS_PROGRAM;
        snprintf(sv->hs_detail, sizeof sv->hs_detail, "qmail-smtpd SMTPS: control/timeoutsmtpd %ld s", t);
    } else if (sv->port == 465 || sv->port == 993 || sv->port == 995) {
        sv->hs_source = QT_HS_UNKNOWN;
        snprintf(sv->hs_detail, sizeof sv->hs_detail, "TLS port but no TLS in the front end: the program must do it");
    } else {
        sv->hs_source = QT_HS_NA;
        snprintf(sv->hs_detail, sizeof sv->hs_detail, "no TLS on connect (STARTTLS, if any, is the program's)");
    }
}

/* Rules cdb and qmail-smtpd binary facts for the lint. */
static void file_facts(const qt_ctx *ctx, struct qt_server *sv)
{
    const qt_cmd *c = sv->cmd;
    const struct qt_opt *x;
    struct stat sb, src;
    char path[4096], text[4096], bin[1024];
    int smtpd;
    size_t l;

    sv->rules_exists = -1;
    sv->smtpd_smtpauth = -1;
    if (!c || sv->outside_root)
        return;
    x = qt_cmd_last_role(c, QT_OR_RULES, QT_OR_RULES);
    if (x && !(c->unresolved && c->unresolved[x->argword]) && (x->arg[0] == '/' || sv->realdir[0])) {
        if (x->arg[0] == '/')
            snprintf(path, sizeof path, "%s", x->arg);
        else
            snprintf(path, sizeof path, "%s/%s", sv->realdir, x->arg);
        qt_copy(sv->rules, sizeof sv->rules, path);
        sv->rules_exists = qt_ctx_stat(ctx, sv->rules, &sb) == 0;
        l = strlen(sv->rules);
        if (sv->rules_exists && l > 4 && !strcmp(sv->rules + l - 4, ".cdb")) {
            snprintf(text, sizeof text, "%.*s", (int)(l - 4), sv->rules);
            if (qt_ctx_stat(ctx, text, &src) == 0 && src.st_mtime > sb.st_mtime)
                sv->rules_stale = 1;
        }
    }
    smtpd = qt_cmd_link(c, QT_LINK_QMAIL_SMTPD);
    if (smtpd >= 0 && qt_find_binary(ctx, c->argv[c->links[smtpd].first], NULL, bin, sizeof bin) == 0) {
        int fd = qt_ctx_open(ctx, bin, 0, NULL, NULL, 0);
        sv->smtpd_smtpauth = fd < 0 ? -1 : qt_elf_has_string_fd(fd, "SMTPAUTH", 0);
        if (fd >= 0)
            close(fd);
    }
}

/* Compare the run script's command with the running argv, from the server on. */
static void compare(const qt_ctx *ctx, struct qt_server *sv)
{
    const qt_cmd *a = &sv->script, *b = &sv->proc;
    int i, j;
    char path[700];
    struct stat sb;

    if (!sv->pid || !sv->has_script_cmd || a->server < 0 || b->server < 0)
        return;
    for (i = a->server, j = b->server; i < a->argc && j < b->argc; i++, j++) {
        if (a->unresolved && a->unresolved[i])
            continue; /* cannot tell */
        if (strcmp(a->argv[i], b->argv[j]) != 0)
            break;
    }
    if (i == a->argc && j == b->argc)
        return;
    if (b->argv_more && j == b->argc)
        return; /* the running command line was cut there: cannot tell */
    sv->differs = 1;
    snprintf(sv->differs_detail, sizeof sv->differs_detail, "word %d: run script has '%.80s', running process has '%.80s'",
             i - a->server, i < a->argc ? a->argv[i] : "(end)", j < b->argc ? b->argv[j] : "(end)");
    snprintf(path, sizeof path, "%s/run", sv->realdir);
    if (qt_ctx_stat(ctx, path, &sb) == 0 && sb.st_mtime > sv->started) {
        size_t l = strlen(sv->differs_detail);
        snprintf(sv->differs_detail + l, sizeof sv->differs_detail - l, "; run changed after the process started");
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct qt_server *)a)->name, ((const struct qt_server *)b)->name);
}

int qt_servers_collect(const qt_ctx *ctx, qt_procs *procs, qt_servers *out, char *err, size_t errlen)
{
    return qt_servers_collect_listeners(ctx, procs, NULL, 0, out, err, errlen);
}

int qt_servers_collect_listeners(const qt_ctx *ctx, qt_procs *procs, const struct qt_listen_pid *l, size_t nl,
                                 qt_servers *out, char *err, size_t errlen)
{
    int env_budget = MAX_ENV_READS;
    qt_procs_kids kids = {0};

    (void)err;
    (void)errlen;
    memset(out, 0, sizeof *out);
    qt_servers_find_scandirs(ctx, procs, out);
    qt_servers_scan_dirs(ctx, out);
    if (procs) {
        /* command lines of the possible front ends and of their ancestors
         * (the supervisor names the service) */
        struct comm_memo memo = {"", 0};
        struct name_kind kind = {"", 0, 0};
        for (size_t i = 0; i < procs->n; i++)
            if (maybe_front_end(&procs->v[i], &memo))
                qt_procs_want_chain(procs, procs->v[i].pid);
        qt_procs_load(procs);
        for (size_t i = 0; i < procs->n; i++) {
            const struct qt_proc *p = &procs->v[i], *parent;
            if (!is_front_end(p, &kind))
                continue;
            parent = qt_procs_find(procs, p->ppid);
            if (parent && is_front_end(parent, &kind))
                continue; /* a per-connection child (SSL relay) */
            attach_listener(ctx, procs, out, p);
        }
    } else {
        qt_buf_puts(&out->notes, "process table not available: running servers unknown\n");
    }
    qt_servers_mark_scanned(ctx, out);
    if (procs)
        qt_procs_kids_build(&kids, procs);
    for (size_t i = 0; i < out->n; i++) {
        struct qt_server *sv = &out->v[i];
        qt_servers_identify(ctx, sv);
        sv->cmd = sv->pid ? &sv->proc : sv->has_script_cmd ? &sv->script : NULL;
        qt_servers_derive(ctx, sv);
        file_facts(ctx, sv);
        qt_servers_certfile(ctx, sv);
        qt_servers_rules_iplimit(ctx, sv);
        compare(ctx, sv);
        if (sv->pid && procs)
            count_children(ctx, &kids, sv, &env_budget);
        qt_servers_auth_access(ctx, procs, procs ? &kids : NULL, sv);
        if (!sv->svcdir[0] && sv->port) /* unsupervised: name it by program and port */
            snprintf(sv->name, sizeof sv->name, "%.40s:%u", sv->proc.server_name, sv->port);
    }
    if (procs)
        qt_servers_add_others(ctx, procs, &kids, l, nl, out);
    qt_procs_kids_free(&kids);
    if (env_budget <= 0)
        qt_buf_printf(&out->notes, "remote IPs: environments of at most %d new children are read per sample; the others count as unreadable until a later sample\n",
                      MAX_ENV_READS);
    /* names are row ids: make them unique (two unsupervised listeners on one port...) */
    for (size_t i = 0; i < out->n; i++)
        for (size_t k = 0; k < i; k++)
            if (strcmp(out->v[i].name, out->v[k].name) == 0) {
                char n[64];
                snprintf(n, sizeof n, "%.40s#%d", out->v[i].name, out->v[i].pid);
                qt_copy(out->v[i].name, sizeof out->v[i].name, n);
                break;
            }
    /* stable order for the pane and reports; cmd points into the element, so fix it up */
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, by_name);
    for (size_t i = 0; i < out->n; i++) {
        struct qt_server *sv = &out->v[i];
        sv->cmd = sv->pid ? &sv->proc : sv->has_script_cmd ? &sv->script : NULL;
    }
    return 0;
}

void qt_servers_free(qt_servers *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct qt_server *sv = &s->v[i];
        free(sv->run_text);
        qt_runscript_free(&sv->rs);
        qt_cmd_free(&sv->script);
        qt_cmd_free(&sv->proc);
        free(sv->ips);
    }
    free(s->v);
    qt_buf_free(&s->notes);
    memset(s, 0, sizeof *s);
}

int qt_servers_limit(const struct qt_servers *s, unsigned port, const char **source)
{
    const struct qt_server *best = NULL;

    if (source)
        *source = "unknown";
    for (size_t i = 0; s && i < s->n; i++)
        if (s->v[i].port == port && s->v[i].cmd && (!best || (s->v[i].pid && !best->pid)))
            best = &s->v[i]; /* a running listener beats a stopped service */
    if (!best || best->limit < 0)
        return -1;
    if (source)
        *source = best->limit_source;
    return (int)best->limit;
}

const struct qt_server *qt_servers_find(const qt_servers *s, const char *name)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (strcmp(s->v[i].name, name) == 0)
            return &s->v[i];
    return NULL;
}

const char *qt_hs_source_name(enum qt_hs_source s)
{
    static const char *const n[] = {"n/a", "option", "default", "none", "chain", "program", "unknown"};
    return (unsigned)s < QT_ARRAY_LEN(n) ? n[s] : "?";
}

/* --- collector --- */

struct servers_state {
    struct elf_cache elf;
    struct qt_ip_cache ips;
};

int qt_servers_collector_collect(const qt_ctx *ctx, void **state, qt_snapshot *snap, char *err, size_t errlen)
{
    return qt_servers_collector_collect_l(ctx, state, snap, NULL, 0, err, errlen);
}

int qt_servers_collector_collect_l(const qt_ctx *ctx, void **state, qt_snapshot *snap, const struct qt_listen_pid *l, size_t nl,
                                   char *err, size_t errlen)
{
    qt_servers *s = qt_calloc(1, sizeof *s);
    struct servers_state *st;
    int rc;
    if (!*state)
        *state = qt_calloc(1, sizeof(struct servers_state));
    st = *state;
    g_cache = &st->elf;
    g_ips = &st->ips;
    rc = qt_servers_collect_listeners(ctx, snap->procs, l, nl, s, err, errlen);
    qt_ip_cache_turn(&st->ips);
    g_cache = NULL;
    g_ips = NULL;
    if (rc != 0) {
        qt_servers_free(s);
        free(s);
        return -1;
    }
    snap->servers = s;
    return 0;
}

void qt_servers_collector_measure(const qt_ctx *ctx, const qt_snapshot *snap, qt_metrics *out)
{
    (void)ctx;
    if (!snap->servers)
        return;
    for (size_t i = 0; i < snap->servers->n; i++) {
        const struct qt_server *sv = &snap->servers->v[i];
        if (!sv->pid)
            continue;
        qt_metrics_add(out, "server_children", sv->name, sv->port, sv->children, sv->limit >= 0 ? (double)sv->limit : -1,
                       "live per-connection children of the tcpserver/sslserver listener");
    }
}

void qt_servers_collector_free_model(qt_snapshot *snap)
{
    if (snap->servers) {
        qt_servers_free(snap->servers);
        free(snap->servers);
        snap->servers = NULL;
    }
}

void qt_servers_collector_free_state(void *state)
{
    struct servers_state *st = state;
    if (st) {
        qt_ip_cache_free(&st->ips);
    }
    free(st);
}
