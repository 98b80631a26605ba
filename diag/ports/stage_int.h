/* stage_int.h - what stage.c (mapping, classification) and stage_facts.c
 * (what is known about each owner, kept across samples) share. Private to
 * diag/ports: see stage.h for the module.
 *
 * Memory: qt_stage_state owns its arrays; a facts pass (struct qt_facts_pass)
 * borrows the state and the table for one qt_stage_map() call and owns only
 * the children index it may build.
 */
#ifndef QT_STAGE_INT_H
#define QT_STAGE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "diag/ports/stage.h"

#define MAX_DEPTH 4          /* how far beneath the owner to look for the program */
#define MAX_VISIT 256
#define MAX_LISTENERS 8      /* per service */

#define PF_SCANNED    1u
#define PF_UNREADABLE 2u
#define PF_LISTENER   4u   /* holds a LISTEN socket of a watched port */
#define PF_HOLDER     8u   /* held several watched sockets: may accept more later */
#define PF_NOW       16u   /* read in this sample already (cleared each sample) */
#define PF_DIRTY     32u   /* this sample: new, exec'd, re-parented, died or became a
                            * listener (cleared each sample) */
#define PF_CHECKED   64u   /* facts valid for this sample (stage_facts.c; cleared each sample) */
#define PF_ARGV     128u   /* command lines wanted this sample (cleared each sample) */
#define PF_KIDS     256u   /* this sample: a child of it is gone (its walk beneath changed,
                            * not its descendants' way up; cleared each sample) */
#define PF_PARTLY   512u   /* only fd 0 and 1 were read (a listener's child: stage.c) */
#define PF_UPPATH  1024u   /* on an owner's way up to its listener when the last
                            * fixed point was kept (stage_reuse.c) */
#define PF_SAMPLE   (PF_NOW | PF_DIRTY | PF_CHECKED | PF_ARGV | PF_KIDS)

/* What is known about an owner, the same for all its sockets: computed once
 * per owner, and kept across samples while nothing it depends on changed
 * (stage_facts.c says what that is). */
struct facts {
    int done;
    int svc;              /* service the copy test was made for */
    uint8_t tls, mailself, copy, shared;
    uint8_t order;        /* enum qt_tls_order of the front end */
    int mail, any;        /* beneath(): live mail program / any live process */
    int fe;               /* pid of the per-connection TLS front end (owner or an ancestor), 0 none */
    int prog;             /* the program behind fe: the owner or beneath fe; 0 none */
};

struct pidrec {            /* parallel to procs->v (sorted by pid) */
    int pid, ppid;
    unsigned flags;
    double start;
    unsigned long long image; /* struct qt_proc.image: changes on exec */
    unsigned nconn;        /* this sample: watched connections it owns */
    uint8_t alive;         /* not a zombie */
    struct facts f;        /* carried while pid, start and image stay the same */
};

struct inrec {
    uint32_t inode;        /* 0 = empty slot */
    uint32_t idx;          /* this sample: index into socks */
    int pid;               /* owner, 0 = not found */
    uint32_t lost;         /* not found: do not hunt again before a full retry */
};

struct qt_stage_state {
    qt_tls_cache *tls;     /* sslserver binaries: handshake order (stage_tls.c) */
    struct pidrec *pids;
    size_t npids;
    struct inrec *map;
    size_t mapcap;         /* power of two */
    double last_full;
    int listeners[QT_MAX_SERVICES][MAX_LISTENERS]; /* last sample's, per service */
    int nlisteners[QT_MAX_SERVICES];
    /* the last sample's result while it is a fixed point (stage_reuse.c) */
    int fixed;             /* it read and computed nothing and every socket had an owner */
    uint64_t *keys;        /* per socket: what the mapping reads of it */
    struct qt_owner *own;
    size_t nkeys;
    struct qt_stage_stats stats;
    int no_reuse;          /* tests: map every sample in full */
};


/* A full sample's result is kept when the sample was a fixed point: it
 * read no fd list, computed no facts, found an owner for every socket and
 * the listeners were the last sample's (lchanged 0); the processes on the
 * owners' way up are marked PF_UPPATH. Then the same input gives the same
 * result, so a later sample whose sockets are the kept ones (inode, state,
 * service, byte-counter tests, in dump order) and in which no process
 * changed near a socket (touched 0: qt_stage_touched) takes it as it is:
 * own (n entries) and stats are filled and 1 returned. Otherwise 0,
 * nothing written. Both in stage_reuse.c. */
void qt_stage_keep(qt_stage_state *st, const qt_procs *procs, const struct qt_sock *socks, size_t n,
                   const struct qt_owner *own, const struct qt_stage_stats *stats, unsigned lchanged);
int qt_stage_reuse(const qt_stage_state *st, const struct qt_sock *socks, size_t n, int touched,
                   struct qt_owner *own, struct qt_stage_stats *stats);
/* Could a change at the process at index i (PF_DIRTY or PF_KIDS) change the
 * mapping? Yes when it lies on an owner's way up (PF_UPPATH: the TLS front
 * end is looked for there), or when it or a process up to MAX_DEPTH + 1
 * levels above it holds watched connections or listens (walks beneath an
 * owner reach it; a new child of a listener or an owner is read). */
int qt_stage_touched(const qt_stage_state *st, const qt_procs *procs, int i);
/* The same for a process of the last sample that is gone or was replaced
 * (exec): did it hold, listen or lie on an owner's way up? */
int qt_stage_had_role(const struct pidrec *old);

/* Not a zombie (nor dead). */
int qt_stage_alive(const struct qt_proc *p);

/* One sample's use of the owners' facts. */
struct qt_facts_pass {
    qt_stage_state *st;
    const qt_ctx *ctx;
    qt_procs *procs;
    const int (*listeners)[MAX_LISTENERS];   /* this sample's, per service */
    const int *nlisteners;
    unsigned lchanged;     /* bit s: service s's listeners differ from the last sample's */
    size_t ndirty;         /* PF_DIRTY processes this sample */
    qt_procs_kids kids;    /* built on first need */
    int kids_built;
    struct qt_stage_stats *stats;
};

/* Start the pass after the fd scans and the connection counts (nconn):
 * drops the facts of every process whose subtree, to MAX_DEPTH levels,
 * holds a change (PF_DIRTY or PF_KIDS, marked by merge_pids and scan_pid). */
void qt_facts_begin(struct qt_facts_pass *fp);
/* Load the command lines the classification will read: owners whose facts
 * must be computed, with their ancestors and what runs beneath them, and
 * the listeners. */
void qt_facts_want_argv(struct qt_facts_pass *fp, const struct qt_sock *socks, const struct qt_owner *own, size_t n);
/* The facts of the owner at index pi for a socket of service svc:
 * computed now, or kept from an earlier sample when still valid. */
const struct facts *qt_facts_get(struct qt_facts_pass *fp, int pi, int svc);
void qt_facts_end(struct qt_facts_pass *fp);

#endif
