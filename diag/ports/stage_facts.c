/* stage_facts.c - what is known about each socket owner (stage_int.h), kept
 * across samples.
 *
 * An owner's facts depend on the owner (its name and command line: same
 * pid, start and image), on what runs beneath it (MAX_DEPTH levels: the
 * mail program, any program), on its ancestors up to the listener (the
 * per-connection TLS front end) and on how many connections it holds. With
 * 10,000 per-connection processes and nothing changing, recomputing them
 * every sample was most of the stage mapping (name tests per process, the
 * children index sorted again, the walks beneath each owner); now a sample
 * recomputes only the facts of owners near a change: a process that is new,
 * exec'd, re-parented, died or became a listener (PF_DIRTY), or lost a child
 * (PF_KIDS), drops the facts of itself and its ancestors MAX_DEPTH levels up,
 * and an owner with a PF_DIRTY process on its way up to the listener
 * recomputes its own. */
#include "diag/ports/stage_int.h"
#include "diag/core/util.h"

#include <stdlib.h>
#include <string.h>

int qt_stage_alive(const struct qt_proc *p)
{
    return p->state != 'Z' && p->state != 'X';
}

/* --- walks --- */

/* What a walk beneath an owner does with each process it meets. */
enum visit { VISIT_DOWN, VISIT_SKIP, VISIT_STOP };

/* Breadth first beneath owner, at most MAX_DEPTH levels and MAX_VISIT
 * processes; visit() says whether to go below each one or stop. */
static void walk_beneath(const qt_procs_kids *t, int owner, enum visit (*visit)(const struct qt_proc *, void *),
                         void *arg)
{
    int queue[MAX_VISIT], depth[MAX_VISIT];
    size_t qh = 0, qt = 0;

    queue[qt] = owner;
    depth[qt++] = 0;
    while (qh < qt) {
        int pid = queue[qh], d = depth[qh++];
        size_t first, n;
        if (d >= MAX_DEPTH)
            continue;
        n = qt_procs_kids_of(t, pid, &first);
        for (size_t k = 0; k < n && qt < MAX_VISIT; k++) {
            const struct qt_proc *c = &t->procs->v[t->by_ppid[first + k]];
            enum visit v;
            if (c->pid == pid || (v = visit(c, arg)) == VISIT_SKIP)
                continue;
            if (v == VISIT_STOP)
                return;
            queue[qt] = c->pid;
            depth[qt++] = d + 1;
        }
    }
}

struct found {
    int mail, any;
};

static enum visit find_program(const struct qt_proc *c, void *arg)
{
    struct found *f = arg;
    if (!qt_stage_alive(c))
        return VISIT_SKIP;
    if (!f->any)
        f->any = c->pid;
    if (qt_stage_is_mail_name(qt_proc_name(c))) {
        f->mail = c->pid;
        return VISIT_STOP;
    }
    return VISIT_DOWN;
}

/* Beneath owner (breadth first): the first live mail program, else the first live process. */
static void beneath(const qt_procs_kids *t, int owner, int *mail, int *any)
{
    struct found f = {0, 0};
    walk_beneath(t, owner, find_program, &f);
    *mail = f.mail;
    *any = f.any;
}

static const qt_procs_kids *kids(struct qt_facts_pass *fp)
{
    if (!fp->kids_built) {
        qt_procs_kids_build(&fp->kids, fp->procs);
        fp->kids_built = 1;
    }
    return &fp->kids;
}

/* The per-connection TLS front end of the owner at index pi: the owner
 * itself or its nearest ancestor below the listener (fehcom's program is a
 * child of the sslserver copy that does the handshake). -1 if none. */
static int tls_front(const qt_procs *procs, const qt_stage_state *st, int pi)
{
    for (int hops = 0; hops < MAX_DEPTH && pi >= 0; hops++) {
        const struct qt_proc *p = &procs->v[pi];
        if (st->pids[pi].flags & PF_LISTENER)
            return -1;
        if (qt_stage_is_tls(p))
            return pi;
        if (p->ppid <= 1)
            return -1;
        pi = qt_procs_index(procs, p->ppid);
    }
    return -1;
}

/* --- validity --- */

static int is_shared(const struct pidrec *r)
{
    return (r->flags & PF_LISTENER) || r->nconn > 1;
}

/* Are the kept facts of the owner at pi still what computing them gives? */
static int facts_ok(const struct qt_facts_pass *fp, int pi)
{
    const struct pidrec *r = &fp->st->pids[pi];
    if (!r->f.done || r->f.shared != is_shared(r))
        return 0;
    /* a change on the way up to the listener may change the TLS front end */
    for (int hops = 0; fp->ndirty && hops < MAX_DEPTH && pi >= 0; hops++) {
        const struct qt_proc *p = &fp->procs->v[pi];
        if (fp->st->pids[pi].flags & PF_DIRTY)
            return 0;
        if ((fp->st->pids[pi].flags & PF_LISTENER) || p->ppid <= 1)
            break;
        pi = qt_procs_index(fp->procs, p->ppid);
    }
    return 1;
}

void qt_facts_begin(struct qt_facts_pass *fp)
{
    qt_stage_state *st = fp->st;

    fp->ndirty = 0;
    for (size_t i = 0; i < st->npids; i++) {
        int pi = (int)i;
        if (!(st->pids[i].flags & (PF_DIRTY | PF_KIDS)))
            continue;
        fp->ndirty += (st->pids[i].flags & PF_DIRTY) != 0;
        /* it and the MAX_DEPTH levels above it, whose walks beneath reach it */
        for (int up = 0; up <= MAX_DEPTH && pi >= 0; up++) {
            int ppid = fp->procs->v[pi].ppid;
            st->pids[pi].f.done = 0;
            if (ppid <= 1)
                break;
            pi = qt_procs_index(fp->procs, ppid);
        }
    }
    /* another listener set: the "forked copy of the listener" tests again */
    for (size_t i = 0; fp->lchanged && i < st->npids; i++) {
        struct facts *f = &st->pids[i].f;
        if (f->done && f->svc >= 0 && f->svc < QT_MAX_SERVICES && (fp->lchanged & (1u << f->svc)))
            f->svc = -2;
    }
}

/* --- computing --- */

static void compute(struct qt_facts_pass *fp, int pi)
{
    const qt_procs_kids *t = kids(fp);
    const struct qt_proc *p = &fp->procs->v[pi];
    struct pidrec *r = &fp->st->pids[pi];
    struct facts *f = &r->f;
    int fe;

    memset(f, 0, sizeof *f);
    f->done = 1;
    f->shared = (uint8_t)is_shared(r);
    f->tls = (uint8_t)qt_stage_is_tls(p);
    f->mailself = (uint8_t)qt_stage_is_mail_name(qt_proc_name(p));
    if (!f->shared && !f->mailself)
        beneath(t, p->pid, &f->mail, &f->any);
    f->svc = -2;
    fe = f->shared ? -1 : tls_front(fp->procs, fp->st, pi);
    f->order = QT_TLS_HANDSHAKE_FIRST;
    if (fe >= 0) {
        int mail, any;
        f->fe = fp->procs->v[fe].pid;
        f->order = (uint8_t)qt_stage_tls_order(&fp->st->tls, fp->ctx, &fp->procs->v[fe]);
        if (fe != pi) {
            f->prog = p->pid;        /* the owner is the program (or runs beneath it) */
        } else {
            beneath(t, p->pid, &mail, &any);
            f->prog = mail ? mail : any;
        }
    }
    fp->stats->facts++;
}

const struct facts *qt_facts_get(struct qt_facts_pass *fp, int pi, int svc)
{
    struct pidrec *r = &fp->st->pids[pi];
    struct facts *f = &r->f;
    const struct qt_proc *p = &fp->procs->v[pi];

    if (!(r->flags & PF_CHECKED)) {
        if (!facts_ok(fp, pi))
            compute(fp, pi);
        r->flags |= PF_CHECKED;
    }
    if (f->svc != svc) {
        int ok = svc >= 0 && svc < QT_MAX_SERVICES;
        f->svc = svc;
        f->copy = 0;
        for (int i = 0; ok && i < fp->nlisteners[svc]; i++) {
            int li = qt_procs_index(fp->procs, fp->listeners[svc][i]);
            if (li >= 0 && li != pi && qt_stage_same_argv(p, &fp->procs->v[li]))
                f->copy = 1;
        }
    }
    return f;
}

/* --- command lines --- */

static enum visit want_one(const struct qt_proc *c, void *procs)
{
    qt_procs_want(procs, (struct qt_proc *)c); /* c is an element of procs */
    return VISIT_DOWN;
}

void qt_facts_want_argv(struct qt_facts_pass *fp, const struct qt_sock *socks, const struct qt_owner *own, size_t n)
{
    qt_stage_state *st = fp->st;

    for (size_t k = 0; k < n; k++) {
        int pi;
        struct pidrec *r;
        if (!own[k].pid || (pi = qt_procs_index(fp->procs, own[k].pid)) < 0)
            continue;
        r = &st->pids[pi];
        if (r->flags & (PF_ARGV | PF_CHECKED))
            continue; /* a server holding 50k sockets is looked at once */
        /* the chain (the drill-down shows it) and what runs beneath: for owners whose
         * facts are due, and the listeners (their copy test) */
        r->flags |= PF_ARGV;
        if (socks[k].state != QT_TCP_LISTEN && facts_ok(fp, pi)) {
            r->flags |= PF_CHECKED;   /* what it read is carried over with the same image */
            continue;
        }
        qt_procs_want_chain(fp->procs, own[k].pid);
        if (socks[k].state != QT_TCP_LISTEN)
            walk_beneath(kids(fp), own[k].pid, want_one, fp->procs);
    }
    qt_procs_load(fp->procs);
}

void qt_facts_end(struct qt_facts_pass *fp)
{
    if (fp->kids_built)
        qt_procs_kids_free(&fp->kids);
    fp->kids_built = 0;
}
