/* queue_sums.c - the queue model's sums: by sender, by recipient domain, by
 * age. Each subdirectory's block is summed once when it is read; a sample
 * merges the blocks' small tables (see queue_int.h). */
#include "diag/queue/queue_int.h"
#include "diag/core/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A small open-addressing table of raw keys (borrowed, not copied). */
struct tally {
    struct qt_qcount *v;
    size_t n, cap;      /* cap: a power of two */
};

static size_t hash(const char *s)
{
    size_t h = (size_t)1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)tolower((unsigned char)*s)) * (size_t)1099511628211ULL;
    return h;
}

static void tally_grow(struct tally *t)
{
    struct tally old = *t;
    t->cap = old.cap ? old.cap * 2 : 64;
    t->v = qt_calloc(t->cap, sizeof *t->v);
    t->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.v[i].key) {
            size_t h = hash(old.v[i].key) & (t->cap - 1);
            while (t->v[h].key)
                h = (h + 1) & (t->cap - 1);
            t->v[h] = old.v[i];
            t->n++;
        }
    free(old.v);
}

/* Domains compare without case (RFC 5321 section 2.4); senders too, since
 * a flood varies the case of one address. */
static struct qt_qcount *tally_add(struct tally *t, const char *key, size_t msgs, size_t rcpts, double oldest)
{
    size_t h;
    if (2 * (t->n + 1) > t->cap)
        tally_grow(t);
    h = hash(key) & (t->cap - 1);
    while (t->v[h].key && strcasecmp(t->v[h].key, key) != 0)
        h = (h + 1) & (t->cap - 1);
    if (!t->v[h].key) {
        t->v[h].key = (char *)key;
        t->v[h].oldest = oldest;
        t->n++;
    }
    t->v[h].msgs += msgs;
    t->v[h].rcpts += rcpts;
    if (oldest < t->v[h].oldest)
        t->v[h].oldest = oldest;
    return &t->v[h];
}

/* Keep the first QT_QUEUE_AUTH_SAMPLE message ids of a sender. */
static void sample_add(struct qt_qcount *c, const unsigned long *ids, unsigned n)
{
    for (unsigned i = 0; i < n && c->nsample < QT_QUEUE_AUTH_SAMPLE; i++)
        c->sample[c->nsample++] = ids[i];
}

/* The table's rows packed into an array (keys still borrowed); frees t. */
static struct qt_qcount *tally_pack(struct tally *t, size_t *n)
{
    struct qt_qcount *out = qt_calloc(t->n ? t->n : 1, sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < t->cap; i++)
        if (t->v[i].key)
            out[k++] = t->v[i];
    *n = k;
    free(t->v);
    return out;
}

static int by_msgs(const void *a, const void *b)
{
    const struct qt_qcount *x = a, *y = b;
    if (x->msgs != y->msgs)
        return x->msgs > y->msgs ? -1 : 1;
    if (x->rcpts != y->rcpts)
        return x->rcpts > y->rcpts ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Keep the QT_QUEUE_TOP biggest rows, keys copied; frees t. */
static struct qt_qcount *tally_top(struct tally *t, size_t *n, size_t *distinct)
{
    size_t all, keep;
    struct qt_qcount *v = tally_pack(t, &all);

    *distinct = all;
    if (all)
        qsort(v, all, sizeof *v, by_msgs);
    keep = all < QT_QUEUE_TOP ? all : QT_QUEUE_TOP;
    for (size_t i = 0; i < keep; i++)
        v[i].key = qt_strdup(v[i].key);
    *n = keep;
    return qt_realloc(v, (keep ? keep : 1) * sizeof *v);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Recipient domains of one message: each domain once per message (msgs),
 * every kept recipient counted (rcpts). Only the QT_QUEUE_RCPT_KEEP kept
 * addresses have a domain. */
static void add_domains(struct tally *d, const struct qt_qmsg *m)
{
    for (unsigned i = 0; i < m->nrcpt; i++) {
        const char *dom = qt_qaddr_domain(m->rcpt[i] + 1);
        int first = 1;
        for (unsigned j = 0; j < i; j++)
            if (strcasecmp(qt_qaddr_domain(m->rcpt[j] + 1), dom) == 0)
                first = 0;
        tally_add(d, dom, (size_t)first, 1, m->birth);
    }
}

void qt_qblock_sum(struct qt_qblock *b)
{
    struct tally snd = {0}, dom = {0};

    b->births = qt_malloc((b->n ? b->n : 1) * sizeof *b->births);
    for (size_t i = 0; i < b->n; i++) {
        const struct qt_qmsg *m = &b->m[i];
        size_t todo = (size_t)m->local_todo + m->remote_todo;

        b->births[i] = m->birth;
        b->local_msgs += m->local_todo > 0;
        b->remote_msgs += m->remote_todo > 0;
        b->local_rcpts += m->local_todo;
        b->remote_rcpts += m->remote_todo;
        b->bounces += qt_qsender_is_bounce(m->sender);
        b->bounces_remote += qt_qsender_is_bounce(m->sender) && m->remote_todo > 0;
        b->double_bounces += qt_qsender_is_double_bounce(m->sender);
        b->many_rcpts += todo >= QT_QUEUE_MANY_RCPTS;
        b->cut += m->cut;
        sample_add(tally_add(&snd, m->sender, 1, todo, m->birth), &m->id, 1);
        add_domains(&dom, m);
    }
    if (b->n)
        qsort(b->births, b->n, sizeof *b->births, cmp_d);
    b->snd = tally_pack(&snd, &b->nsnd);
    b->dom = tally_pack(&dom, &b->ndom);
}

void qt_qblock_sum_free(struct qt_qblock *b)
{
    free(b->births);
    free(b->snd);
    free(b->dom);
}

/* Births (sorted) at or after t. */
static size_t born_since(const double *v, size_t n, double t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return n - lo;
}

void qt_queue_aggregate(qt_queue *q)
{
    struct tally snd = {0}, dom = {0};
    /* age limits of the buckets, youngest first: under 1 h, 1 d, 7 d */
    static const double lim[QT_QAGE_OLDER] = {3600, 86400, 7 * 86400};

    for (unsigned s = 0; s < q->split; s++) {
        const struct qt_qblock *b = q->blocks[s];
        size_t prev = 0;
        if (!b) {
            q->partial = 1;
            continue;
        }
        q->messages += b->mess;
        q->listed += b->n;
        q->local_msgs += b->local_msgs;
        q->remote_msgs += b->remote_msgs;
        q->local_rcpts += b->local_rcpts;
        q->remote_rcpts += b->remote_rcpts;
        q->bounces += b->bounces;
        q->bounces_remote += b->bounces_remote;
        q->double_bounces += b->double_bounces;
        q->many_rcpts += b->many_rcpts;
        q->cut += b->cut;
        /* ages: born after now - limit is younger than the limit */
        for (int a = 0; a < QT_QAGE_OLDER; a++) {
            size_t young = born_since(b->births, b->n, q->now - lim[a] + 1e-9);
            q->age[a] += young - prev;
            prev = young;
        }
        q->age[QT_QAGE_OLDER] += b->n - prev;
        q->expired += b->n - born_since(b->births, b->n, q->now - q->lifetime);
        if (b->n && (!q->oldest || b->births[0] < q->oldest))
            q->oldest = b->births[0];
        for (size_t i = 0; i < b->nsnd; i++)
            sample_add(tally_add(&snd, b->snd[i].key, b->snd[i].msgs, b->snd[i].rcpts, b->snd[i].oldest),
                       b->snd[i].sample, b->snd[i].nsample);
        for (size_t i = 0; i < b->ndom; i++)
            tally_add(&dom, b->dom[i].key, b->dom[i].msgs, b->dom[i].rcpts, b->dom[i].oldest);
    }
    q->senders = tally_top(&snd, &q->nsenders, &q->distinct_senders);
    q->domains = tally_top(&dom, &q->ndomains, &q->distinct_domains);
}
