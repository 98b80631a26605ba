/* stage.c - socket -> owning process -> connection stage. See stage.h. */
#include "diag/ports/stage_int.h"
#include "diag/core/programs.h"
#include "diag/core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define RETRY_SECONDS 60.0   /* full re-read of every process, at most this often, only when needed */

const char *qt_stage_name(unsigned stage)
{
    static const char *const n[] = {"-", "queued", "handshake pending", "starting", "in mail program",
                                    "in program", "unknown"};
    return stage < QT_ARRAY_LEN(n) ? n[stage] : "?";
}

const char *qt_stage_why_text(unsigned why)
{
    static const char *const t[QT_WHY_COUNT] = {
        [QT_WHY_NONE] = "",
        [QT_WHY_NOT_ACCEPTED] = "not accepted yet: waiting in the listener's accept queue (no process has it)",
        [QT_WHY_UNREADABLE] = "owner not visible: some processes' fd lists could not be read (run as root)",
        [QT_WHY_NOT_FOUND] = "owner not found in any readable process (newer than the process table, or hidden)",
        [QT_WHY_VANISHED] = "the owning process exited during the sample",
        [QT_WHY_TLS_NO_BYTES] = "TLS not started: behind a TLS front end and the client has sent no byte (tcp_info)",
        [QT_WHY_TLS_COPY] = "forked copy of the TLS listener with nothing running beneath it",
        [QT_WHY_TLS_NO_PROG] = "TLS front end with nothing running beneath it",
        [QT_WHY_TLS_SHARED] = "one TLS process serves many connections: per-connection stage not visible",
        [QT_WHY_COPY_NO_EXEC] = "forked copy of the listener that has not started its program (ident/DNS lookup or rules check)",
        [QT_WHY_MAIL_SELF] = "the owner is the mail program",
        [QT_WHY_MAIL_BENEATH] = "the mail program runs beneath the owner",
        [QT_WHY_PROG_SELF] = "the owner runs a program that is not a known mail program",
        [QT_WHY_PROG_BENEATH] = "a program that is not a known mail program runs beneath the owner",
        [QT_WHY_SHARED] = "one process serves many connections",
        [QT_WHY_NO_PROCS] = "the process table could not be read",
        [QT_WHY_TLS_NO_REPLY] = "behind a TLS front end, the client sent bytes but none of the server's were "
                                "acknowledged (tcp_info): partial ClientHello or a drip, handshake not complete",
        [QT_WHY_TLS_PROG_FIRST] = "the TLS front end started the program before the handshake (fehcom sslserver); "
                                  "the byte counts cannot tell whether the handshake completed",
        [QT_WHY_TLS_NO_COUNTS] = "the TLS front end started the program before the handshake (fehcom sslserver) "
                                 "and /proc/net/tcp has no byte counts",
        [QT_WHY_TLS_ORDER] = "sslserver of unknown variant (binary not readable): fehcom's starts the program "
                             "before the handshake, so a running program proves nothing",
    };
    return why < QT_WHY_COUNT && t[why] ? t[why] : "?";
}

const char *qt_stage_label(unsigned stage, unsigned why)
{
    return stage == QT_STAGE_HANDSHAKE && why == QT_WHY_TLS_NO_BYTES ? "TLS not started" : qt_stage_name(stage);
}

/* --- name rules: the registry diag/core/programs.h --- */

int qt_stage_is_mail_name(const char *name)
{
    return qt_program_is(name, QT_PROG_MAIL);
}

/* tcpserver (stock, SSL-patched, fehcom) option letters that take an argument. */
static int tcpserver_tls(const struct qt_proc *p)
{
    int tls = 0;
    for (int i = 1; i < p->argc; i++) {
        const char *a = p->argv[i];
        if (a[0] != '-' || a[1] == '\0')
            break;                       /* host: options end */
        if (strcmp(a, "--") == 0)
            break;
        for (const char *c = a + 1; *c; c++) {
            if (strchr("xtuglbBcnI", *c)) {
                if (!c[1])
                    i++;                 /* the argument is the next word */
                break;
            }
            if (*c == 's')
                tls = 1;
            else if (*c == 'S')
                tls = 0;
        }
    }
    return tls;
}

int qt_stage_is_tls(const struct qt_proc *p)
{
    const char *n = qt_proc_name(p);
    if (qt_program_is(n, QT_PROG_TLS))
        return 1;
    if (strcmp(n, "socat") == 0) {
        for (int i = 1; i < p->argc; i++)
            if (strncasecmp(p->argv[i], "OPENSSL-LISTEN", 14) == 0 || strncasecmp(p->argv[i], "SSL-L:", 6) == 0 ||
                strcasecmp(p->argv[i], "SSL-L") == 0)
                return 1;
        return 0;
    }
    if (strncmp(n, "tcpserver", 9) == 0)
        return tcpserver_tls(p);
    return 0;
}

int qt_stage_same_argv(const struct qt_proc *a, const struct qt_proc *b)
{
    if (a->argc == 0 || a->argc != b->argc)
        return 0;
    for (int i = 0; i < a->argc; i++)
        if (strcmp(a->argv[i], b->argv[i]) != 0)
            return 0;
    return 1;
}

static int interesting(const struct qt_proc *p)
{
    const char *n = qt_proc_name(p);
    return qt_program_is(n, QT_PROG_LISTENER) || qt_stage_is_tls(p) || qt_stage_is_mail_name(n);
}

/* --- persistent state --- */


static size_t slot(const struct inrec *map, size_t cap, uint32_t inode)
{
    size_t i = (inode * 2654435761u) & (cap - 1);
    while (map[i].inode && map[i].inode != inode)
        i = (i + 1) & (cap - 1);
    return i;
}

static struct inrec *map_get(const qt_stage_state *st, uint32_t inode)
{
    size_t i;
    if (!st->mapcap || !inode)
        return NULL;
    i = slot(st->map, st->mapcap, inode);
    return st->map[i].inode ? &st->map[i] : NULL;
}

/* A process of the last sample that is gone (or whose pid was reused):
 * its parent's walk beneath changed. Returns whether it held, listened or
 * lay on an owner's way up (qt_stage_had_role). */
static int gone(struct pidrec *nv, const qt_procs *procs, const struct pidrec *old)
{
    int pi = old->ppid > 0 ? qt_procs_index(procs, old->ppid) : -1;
    if (pi >= 0)
        nv[pi].flags |= PF_KIDS;
    return qt_stage_had_role(old);
}

/* New pid table for this sample's processes, carrying what is known about
 * processes that are still the same (same pid, start time and image), and
 * marking what changed (PF_DIRTY: stage_facts.c). Returns 1 when a change
 * may touch the mapping (qt_stage_touched), 0 when none can. */
static int merge_pids(qt_stage_state *st, const qt_procs *procs)
{
    struct pidrec *nv = qt_calloc(procs->n ? procs->n : 1, sizeof *nv);
    size_t j = 0;
    int touched = 0;
    for (size_t i = 0; i < procs->n; i++) {
        const struct qt_proc *p = &procs->v[i];
        const struct pidrec *o;
        for (; j < st->npids && st->pids[j].pid < p->pid; j++)
            touched |= gone(nv, procs, &st->pids[j]);
        nv[i].pid = p->pid;
        nv[i].ppid = p->ppid;
        nv[i].start = p->start;
        nv[i].image = p->image;
        nv[i].alive = (uint8_t)qt_stage_alive(p);
        o = j < st->npids && st->pids[j].pid == p->pid ? &st->pids[j++] : NULL;
        /* an exec (new image) may have opened other sockets: read it again */
        if (o && o->start == p->start && o->image == p->image) {
            nv[i].flags |= o->flags & ~PF_SAMPLE;   /* |=: gone() may have marked it */
            nv[i].f = o->f;
            nv[i].nconn = o->nconn;   /* a reused sample counts none (stage_reuse.c) */
            if (o->ppid != p->ppid || o->alive != nv[i].alive)
                nv[i].flags |= PF_DIRTY;
            if (o->ppid != p->ppid)
                touched |= gone(nv, procs, o);   /* re-parented: the old parent lost it */
        } else {
            nv[i].flags |= PF_DIRTY;
            if (o)
                touched |= gone(nv, procs, o);
        }
    }
    for (; j < st->npids; j++)
        touched |= gone(nv, procs, &st->pids[j]);
    free(st->pids);
    st->pids = nv;
    st->npids = procs->n;
    for (size_t i = 0; i < st->npids && !touched; i++)
        if (nv[i].flags & (PF_DIRTY | PF_KIDS))
            touched = qt_stage_touched(st, procs, (int)i);
    return touched;
}

/* New inode map holding exactly this sample's inodes. */
static void rebuild_map(qt_stage_state *st, const struct qt_sock *socks, size_t n)
{
    size_t cap = 64;
    struct inrec *nm;
    while (cap < 2 * n + 2)
        cap *= 2;
    nm = qt_calloc(cap, sizeof *nm);
    for (size_t k = 0; k < n; k++) {
        const struct inrec *old;
        size_t i;
        if (!socks[k].inode)
            continue;
        i = slot(nm, cap, socks[k].inode);
        if (nm[i].inode) /* the same inode twice (dump raced): keep the first */
            continue;
        nm[i].inode = socks[k].inode;
        nm[i].idx = (uint32_t)k;
        if ((old = map_get(st, socks[k].inode))) {
            nm[i].pid = old->pid;
            nm[i].lost = old->lost;
        }
    }
    free(st->map);
    st->map = nm;
    st->mapcap = cap;
}

void qt_stage_state_free(qt_stage_state *st)
{
    if (!st)
        return;
    qt_tls_cache_free(st->tls);
    free(st->pids);
    free(st->map);
    free(st->keys);
    free(st->own);
    free(st);
}

/* --- scanning --- */

struct scan {
    qt_stage_state *st;
    const qt_ctx *ctx;
    const qt_procs *procs;
    const struct qt_sock *socks;
    size_t unresolved;      /* inodes with no owner that are not "lost" */
    size_t lost;            /* inodes with no owner, given up until the next full retry */
    struct qt_stage_stats *stats;
};

static int is_ancestor(const qt_procs *procs, int anc, int pid)
{
    for (int hops = 0; hops < 64 && pid > 1; hops++) {
        const struct qt_proc *p = qt_procs_find(procs, pid);
        if (!p)
            return 0;
        if (p->ppid == anc)
            return 1;
        pid = p->ppid;
    }
    return 0;
}

/* Process pid (index pi) holds inode: record it unless a better owner is known. */
static void found(struct scan *sc, struct inrec *r, size_t pi)
{
    int pid = sc->st->pids[pi].pid, old = r->pid;
    int listen = sc->socks[r->idx].state == QT_TCP_LISTEN;

    if (old && old != pid && qt_procs_index(sc->procs, old) >= 0) {
        if (listen) {
            /* a LISTEN socket belongs to the topmost holder (children may inherit it) */
            if (!is_ancestor(sc->procs, pid, old))
                return;
        } else {
            /* a connection belongs to the deepest holder that is not a listener
             * (a forking server holds it for an instant after fork) */
            int oi = qt_procs_index(sc->procs, old);
            int old_listener = oi >= 0 && (sc->st->pids[oi].flags & PF_LISTENER);
            if (!is_ancestor(sc->procs, old, pid) && !(old_listener && !(sc->st->pids[pi].flags & PF_LISTENER)))
                return;
        }
    }
    if (!old && !r->lost && sc->unresolved)
        sc->unresolved--;
    else if (!old && r->lost && sc->lost)
        sc->lost--;
    r->pid = pid;
    r->lost = 0;
}

static uint32_t socket_inode(const char *link, ssize_t n)
{
    unsigned long v = 0;
    ssize_t i = 8;
    if (n < 10 || memcmp(link, "socket:[", 8) != 0 || link[n - 1] != ']')
        return 0;
    for (; i < n - 1; i++) {
        if (link[i] < '0' || link[i] > '9' || v > 0xffffffffUL / 10)
            return 0;
        v = v * 10 + (unsigned long)(link[i] - '0');
    }
    return v <= 0xffffffffUL ? (uint32_t)v : 0;
}

static void scan_pid(struct scan *sc, size_t pi)
{
    struct pidrec *pr = &sc->st->pids[pi];
    char rel[64], path[4096];
    unsigned held = 0, listens = 0;
    DIR *d;
    struct dirent *de;

    if (pr->flags & PF_NOW)
        return;
    if (pr->flags & PF_SCANNED)
        sc->stats->rescanned++;
    sc->stats->scanned++;
    pr->flags = (pr->flags & ~PF_PARTLY) | PF_SCANNED | PF_NOW;
    snprintf(rel, sizeof rel, "%d/fd", pr->pid);
    if (!qt_ctx_proc(sc->ctx, rel, path, sizeof path))
        return;
    d = opendir(path);
    if (!d) {
        if (errno != ENOENT) /* ENOENT: it exited, which is normal */
            pr->flags |= PF_UNREADABLE;
        return;
    }
    while ((de = readdir(d))) {
        char link[64];
        ssize_t n;
        uint32_t ino;
        struct inrec *r;
        if (de->d_name[0] == '.')
            continue;
        n = readlinkat(dirfd(d), de->d_name, link, sizeof link);
        if (n <= 0 || !(ino = socket_inode(link, n)) || !(r = map_get(sc->st, ino)))
            continue;
        held++;
        if (sc->socks[r->idx].state == QT_TCP_LISTEN)
            listens++;
        found(sc, r, pi);
    }
    closedir(d);
    if (listens && !(pr->flags & PF_LISTENER))
        pr->flags |= PF_LISTENER | PF_DIRTY;
    if (listens || held >= 2)
        pr->flags |= PF_HOLDER;
}

/* A listener's new child holds its connection on fd 0 and 1 (ucspi-tcp
 * tcpserver.c: fd_move(0,t), fd_copy(1,0) after fork; sslserver the same,
 * docs/domain/ucspi.md): two readlinks instead of the whole fd list (at
 * 10,000 children the first sample read 52k links and 10k directories).
 * Returns 1 when one of them was a socket with no known owner (the child
 * is then "partly read"); otherwise the caller reads the whole list. */
static int scan_quick(struct scan *sc, size_t pi)
{
    struct pidrec *pr = &sc->st->pids[pi];
    int hit = 0;

    if (pr->flags & PF_NOW)
        return 1;
    for (int fd = 0; fd < 2; fd++) {
        char rel[64], path[4096], link[64];
        ssize_t n;
        uint32_t ino;
        struct inrec *r;
        snprintf(rel, sizeof rel, "%d/fd/%d", pr->pid, fd);
        if (!qt_ctx_proc(sc->ctx, rel, path, sizeof path) || (n = readlink(path, link, sizeof link)) <= 0 ||
            !(ino = socket_inode(link, n)) || !(r = map_get(sc->st, ino)))
            continue;
        if (!r->pid && !r->lost && sc->socks[r->idx].state != QT_TCP_LISTEN)
            hit = 1;
        found(sc, r, pi);
    }
    if (hit) {
        pr->flags |= PF_SCANNED | PF_NOW | PF_PARTLY;
        sc->stats->partly++;
    }
    return hit;
}

/* A new process: a listener's child is read quickly first. */
static void scan_new(struct scan *sc, size_t pi)
{
    int pp = qt_procs_index(sc->procs, sc->procs->v[pi].ppid);
    if (pp >= 0 && (sc->st->pids[pp].flags & PF_LISTENER) && scan_quick(sc, pi))
        return;
    scan_pid(sc, pi);
}

/* Every new child of a known listener (PF_LISTENER). */
static void listeners_children(struct scan *sc)
{
    for (size_t i = 0; i < sc->st->npids; i++) {
        int pp = qt_procs_index(sc->procs, sc->procs->v[i].ppid);
        if (!(sc->st->pids[i].flags & PF_SCANNED) && pp >= 0 && (sc->st->pids[pp].flags & PF_LISTENER))
            scan_new(sc, i);
    }
}

/* Read only at fd 0 and 1 in this sample: make it readable as a whole
 * (not counted as an earlier sample's read). */
static void unquick(struct pidrec *pr)
{
    if ((pr->flags & (PF_PARTLY | PF_NOW)) == (PF_PARTLY | PF_NOW))
        pr->flags &= ~(PF_NOW | PF_SCANNED);
}

/* Sockets still unmapped after (1)-(3): a child partly read in this sample
 * may hold a second one past fd 1; read the whole lists of those, while
 * needed. (Those of earlier samples wait for (4).) */
static void scan_partly(struct scan *sc)
{
    for (size_t i = 0; i < sc->st->npids && sc->unresolved; i++) {
        struct pidrec *pr = &sc->st->pids[i];
        if ((pr->flags & (PF_PARTLY | PF_NOW)) != (PF_PARTLY | PF_NOW))
            continue;
        unquick(pr);
        scan_pid(sc, i);
    }
}

/* (5) New children of connection owners: the program may hold the socket
 * too (fehcom's sslserver execs it with the socket open). Reading each such
 * child once, when it is new, makes the deepest holder the owner in every
 * sample, not only when the scan order of (2) happened to reach it. */
static void deepest_holders(struct scan *sc, const struct qt_sock *socks)
{
    qt_stage_state *st = sc->st;
    unsigned char *owns = qt_calloc(st->npids ? st->npids : 1, 1);

    for (size_t i = 0; i < st->mapcap; i++) {
        const struct inrec *r = &st->map[i];
        int pi;
        if (r->inode && r->pid && socks[r->idx].state != QT_TCP_LISTEN && (pi = qt_procs_index(sc->procs, r->pid)) >= 0)
            owns[pi] = 1;
    }
    for (size_t i = 0; i < st->npids; i++) {
        int pp = qt_procs_index(sc->procs, sc->procs->v[i].ppid);
        if (!(st->pids[i].flags & PF_SCANNED) && pp >= 0 && owns[pp] && !(st->pids[pp].flags & PF_LISTENER))
            scan_pid(sc, i);
    }
    free(owns);
}

/* --- classification --- */


/* Behind a per-connection TLS front end: what the connection did decides
 * (tcp_info), then the front end's order of handshake and program. Returns
 * 1 when it decided the stage. */
static int classify_tls(const struct qt_sock *s, struct qt_owner *o, const struct facts *f)
{
    int bytes = (s->flags & QT_SOCK_HAS_BYTES) != 0;

    if (!f->fe || f->order == QT_TLS_PLAIN_FIRST)
        return 0; /* -n: the program talks plaintext first, like any plain server */
    if (bytes && s->bytes_received == 0) {
        o->stage = QT_STAGE_HANDSHAKE;
        o->why = QT_WHY_TLS_NO_BYTES;
        return 1;
    }
    if (bytes && s->bytes_acked == 0) {
        /* a TLS server answers a complete ClientHello before the handshake
         * can complete (RFC 8446 section 2, RFC 5246 section 7.3) */
        o->stage = QT_STAGE_HANDSHAKE;
        o->why = QT_WHY_TLS_NO_REPLY;
        return 1;
    }
    if (f->order == QT_TLS_HANDSHAKE_FIRST || !f->prog)
        return 0; /* a running program proves the handshake done; none: the rules below */
    o->stage = QT_STAGE_UNKNOWN;
    o->why = f->order == QT_TLS_ORDER_UNKNOWN ? QT_WHY_TLS_ORDER : bytes ? QT_WHY_TLS_PROG_FIRST : QT_WHY_TLS_NO_COUNTS;
    o->prog_pid = f->prog;
    return 1;
}

static void classify(struct qt_facts_pass *fp, const struct qt_sock *s, struct qt_owner *o, unsigned unreadable)
{
    const qt_procs *procs = fp->procs;
    const struct facts *f;
    int pi;

    o->start = 0;
    o->prog_pid = 0;
    if (s->state == QT_TCP_LISTEN || s->state == QT_TCP_SYN_RECV) {
        o->stage = QT_STAGE_NONE;
        o->why = QT_WHY_NONE;
        return;
    }
    if (!s->inode) {
        o->stage = QT_STAGE_QUEUED;
        o->why = QT_WHY_NOT_ACCEPTED;
        return;
    }
    o->stage = QT_STAGE_UNKNOWN;
    if (!procs) {
        o->why = QT_WHY_NO_PROCS;
        return;
    }
    if (!o->pid) {
        o->why = unreadable ? QT_WHY_UNREADABLE : QT_WHY_NOT_FOUND;
        return;
    }
    pi = qt_procs_index(procs, o->pid);
    if (pi < 0 || !qt_stage_alive(&procs->v[pi])) {
        o->why = QT_WHY_VANISHED;
        return;
    }
    f = qt_facts_get(fp, pi, s->svc);
    if (!f->shared)
        o->start = procs->v[pi].start;
    if (classify_tls(s, o, f))
        return;
    if (f->tls && f->order != QT_TLS_PLAIN_FIRST && (s->flags & QT_SOCK_HAS_BYTES) && s->bytes_received == 0) {
        o->stage = QT_STAGE_HANDSHAKE;
        o->why = QT_WHY_TLS_NO_BYTES;
        return;
    }
    if (f->mailself) {
        o->stage = QT_STAGE_MAIL;
        o->why = QT_WHY_MAIL_SELF;
        o->prog_pid = o->pid;
        return;
    }
    if (f->shared) {
        /* one process, many connections: what runs beneath it says nothing about this one */
        o->stage = f->tls ? QT_STAGE_UNKNOWN : QT_STAGE_PROGRAM;
        o->why = f->tls ? QT_WHY_TLS_SHARED : QT_WHY_SHARED;
        o->prog_pid = f->tls ? 0 : o->pid;
        return;
    }
    if (f->mail) {
        o->stage = QT_STAGE_MAIL;
        o->why = QT_WHY_MAIL_BENEATH;
        o->prog_pid = f->mail;
        return;
    }
    if (f->any) {
        o->stage = QT_STAGE_PROGRAM;
        o->why = QT_WHY_PROG_BENEATH;
        o->prog_pid = f->any;
        return;
    }
    if (f->tls) {
        o->stage = QT_STAGE_HANDSHAKE;
        o->why = f->copy ? QT_WHY_TLS_COPY : QT_WHY_TLS_NO_PROG;
        return;
    }
    if (f->copy) {
        o->stage = QT_STAGE_STARTING;
        o->why = QT_WHY_COPY_NO_EXEC;
        return;
    }
    o->stage = QT_STAGE_PROGRAM;
    o->why = QT_WHY_PROG_SELF;
    o->prog_pid = o->pid;
}

/* --- the sample --- */

/* Does the socket's owner make its service a TLS one: a listener that is a
 * TLS front end, or a connection whose classification found one (the owner
 * or an ancestor below the listener)? After classify(): facts are filled. */
static int tls_owner(const qt_procs *procs, const qt_stage_state *st, const struct qt_sock *s, int pid)
{
    const struct pidrec *r;
    int pi;
    if (!procs || !pid || (pi = qt_procs_index(procs, pid)) < 0)
        return 0;
    if (s->state == QT_TCP_LISTEN)
        return qt_stage_is_tls(&procs->v[pi]);
    r = &st->pids[pi];
    return (r->flags & PF_CHECKED) && r->f.done && (r->f.tls || r->f.fe);
}

/* A reused sample loads what a full one would: the listeners' command
 * lines (qt_facts_want_argv; the owners' are carried with their image). */
static void want_listeners(const qt_stage_state *st, qt_procs *procs)
{
    for (int s = 0; s < QT_MAX_SERVICES; s++)
        for (int i = 0; i < st->nlisteners[s]; i++)
            qt_procs_want_chain(procs, st->listeners[s][i]);
    qt_procs_load(procs);
}

/* Did the listeners of any service change since the last sample? Bit s per
 * service; the new set is kept for the next sample. */
static unsigned listeners_changed(qt_stage_state *st, int (*l)[MAX_LISTENERS], const int *nl)
{
    unsigned changed = 0;
    for (int s = 0; s < QT_MAX_SERVICES; s++) {
        if (nl[s] != st->nlisteners[s] || memcmp(l[s], st->listeners[s], (size_t)nl[s] * sizeof l[s][0]) != 0)
            changed |= 1u << s;
        st->nlisteners[s] = nl[s];
        memcpy(st->listeners[s], l[s], (size_t)nl[s] * sizeof l[s][0]);
    }
    return changed;
}


void qt_stage_map(qt_stage_state **stp, const qt_ctx *ctx, qt_procs *procs, const struct qt_sock *socks,
                  size_t n, struct qt_owner *own, struct qt_stage_stats *stats)
{
    qt_stage_state *st = *stp;
    double t0 = qt_now_mono(), c0 = qt_now_cpu(), now = qt_ctx_now(ctx);
    struct scan sc = {.ctx = ctx, .procs = procs, .socks = socks, .stats = stats};
    int listeners[QT_MAX_SERVICES][MAX_LISTENERS];
    int nlisteners[QT_MAX_SERVICES] = {0};
    struct qt_facts_pass fp = {.ctx = ctx, .procs = procs, .listeners = listeners, .nlisteners = nlisteners,
                               .stats = stats};

    memset(stats, 0, sizeof *stats);
    if (!st) {
        st = *stp = qt_calloc(1, sizeof *st);
        st->last_full = now;
    }
    sc.st = fp.st = st;
    if (procs && qt_stage_reuse(st, socks, n, merge_pids(st, procs), own, stats)) {
        /* what a full sample leaves behind: the facts above a change dropped */
        qt_facts_begin(&fp);
        want_listeners(st, procs);
        goto done;
    }
    rebuild_map(st, socks, n);
    if (procs) {
        /* owners that exited are no owners; nor is a new process that got
         * an old owner's pid (a mapping comes from reading that very
         * process, which marked it scanned) */
        for (size_t i = 0; i < st->mapcap; i++) {
            struct inrec *r = &st->map[i];
            int pi;
            if (!r->inode)
                continue;
            if (r->pid && ((pi = qt_procs_index(procs, r->pid)) < 0 || !(st->pids[pi].flags & PF_SCANNED))) {
                r->pid = 0;
                r->lost = 0;
            }
            if (!r->pid && !r->lost)
                sc.unresolved++;
            else if (!r->pid)
                sc.lost++;
        }
        /* (1) new children of listeners: where new connections appear */
        listeners_children(&sc);
        /* (2) listeners and processes that held several sockets may have
         * accepted more: event-loop servers (socat without fork, stunnel,
         * aiosmtpd) accept with no process event, and their fds are few */
        for (size_t i = 0; i < st->npids && sc.unresolved; i++)
            if ((st->pids[i].flags & (PF_HOLDER | PF_UNREADABLE)) == PF_HOLDER)
                scan_pid(&sc, i);
        /* (3) other new or exec'd processes, likely servers first, while something is unmapped */
        for (int pass = 0; pass < 2 && sc.unresolved; pass++) {
            for (size_t i = 0; i < st->npids && sc.unresolved; i++)
                if (!(st->pids[i].flags & PF_SCANNED) && interesting(&procs->v[i]) == !pass)
                    scan_new(&sc, i);
            /* listeners found by the first pass: their children next, before any
             * other process (a local client holding 10,000 sockets, say) */
            if (pass == 0 && sc.unresolved)
                listeners_children(&sc);
        }
        scan_partly(&sc);
        /* (4) still missing: everything readable, at most once a minute */
        if (sc.unresolved + sc.lost && now - st->last_full >= RETRY_SECONDS) {
            stats->full_rescan = 1;
            st->last_full = now;
            for (size_t i = 0; i < st->npids; i++)
                if (!(st->pids[i].flags & PF_UNREADABLE)) {
                    unquick(&st->pids[i]);
                    scan_pid(&sc, i);
                }
        }
        deepest_holders(&sc, socks);
        for (size_t i = 0; i < st->npids; i++) {
            st->pids[i].nconn = 0;
            if (st->pids[i].flags & PF_UNREADABLE)
                stats->unreadable++;
        }
    }
    /* owners, listeners, and connections per owner */
    for (size_t k = 0; k < n; k++) {
        struct inrec *r = map_get(st, socks[k].inode);
        own[k] = (struct qt_owner){0};
        if (!r || r->idx != k)
            continue;
        if (!r->pid)
            r->lost = 1;
        own[k].pid = r->pid;
        if (!r->pid) {
            stats->lost++;
            continue;
        }
        if (socks[k].state == QT_TCP_LISTEN) {
            int s = socks[k].svc;
            if (s >= 0 && s < QT_MAX_SERVICES && nlisteners[s] < MAX_LISTENERS)
                listeners[s][nlisteners[s]++] = r->pid;
        } else if (procs) {
            int pi = qt_procs_index(procs, r->pid);
            if (pi >= 0)
                st->pids[pi].nconn++;
        }
    }
    fp.lchanged = listeners_changed(st, listeners, nlisteners);
    if (procs) {
        qt_facts_begin(&fp);
        qt_facts_want_argv(&fp, socks, own, n);
    }
    for (size_t k = 0; k < n; k++) {
        int s = socks[k].svc;
        classify(&fp, &socks[k], &own[k], stats->unreadable);
        if (s >= 0 && s < QT_MAX_SERVICES && tls_owner(procs, st, &socks[k], own[k].pid))
            stats->tls_svcs |= 1u << s;
    }
    qt_facts_end(&fp);
    if (procs)
        qt_stage_keep(st, procs, socks, n, own, stats, fp.lchanged);
done:
    stats->took = qt_now_mono() - t0;
    stats->cpu = qt_now_cpu() - c0;
}
