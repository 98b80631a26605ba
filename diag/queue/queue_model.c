/* queue_model.c - the queue model's sums (by sender, recipient domain, age),
 * lookups, queuelifetime and the header reader. See queue.h. */
#include "diag/queue/queue_int.h"
#include "diag/core/rootfs.h"
#include "diag/core/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int qt_qsender_is_bounce(const char *s)
{
    return s && !*s;
}

/* qmail-send's double bounce sender (qmail-send.c: "#@[]") */
int qt_qsender_is_double_bounce(const char *s)
{
    return s && strcmp(s, "#@[]") == 0;
}

const char *qt_qaddr_domain(const char *a)
{
    const char *at = a ? strrchr(a, '@') : NULL;
    return at ? at + 1 : "";
}

const struct qt_qmsg *qt_queue_msg(const qt_queue *q, size_t i)
{
    for (unsigned s = 0; q->blocks && s < q->split; s++) {
        const struct qt_qblock *b = q->blocks[s];
        if (!b)
            continue;
        if (i < b->n)
            return &b->m[i];
        i -= b->n;
    }
    return NULL;
}

const struct qt_qmsg *qt_queue_find(const qt_queue *q, unsigned long id)
{
    const struct qt_qblock *b;
    size_t lo = 0, hi;

    if (!q->split || !q->blocks || !(b = q->blocks[id % q->split]))
        return NULL;
    hi = b->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (b->m[mid].id == id)
            return &b->m[mid];
        if (b->m[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int qt_queue_bouncing(const qt_queue *q, unsigned long id)
{
    size_t lo = 0, hi = q->nbounce_ids;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (q->bounce_ids[mid] == id)
            return 1;
        if (q->bounce_ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

void qt_queue_free(qt_queue *q)
{
    if (!q)
        return;
    for (unsigned s = 0; q->blocks && s < q->split; s++)
        qt_qblock_unref(q->blocks[s]);
    free(q->blocks);
    free(q->bounce_ids);
    for (size_t i = 0; i < q->nsenders; i++)
        free(q->senders[i].key);
    for (size_t i = 0; i < q->ndomains; i++)
        free(q->domains[i].key);
    free(q->senders);
    free(q->domains);
    memset(q, 0, sizeof *q);
}

/* --- control files: queuelifetime, doublebounceto (qmail-send.9) --- */

/* The first line of control file name (qmail-control.9), or NULL. Caller frees. */
static char *control_line(const qt_ctx *ctx, const qt_queue *q, const char *name)
{
    char path[600], *buf = NULL;
    size_t l = strlen(q->dir);

    /* control/ is the queue's sibling: QMAIL/queue and QMAIL/control */
    if (l > 6 && strcmp(q->dir + l - 6, "/queue") == 0)
        snprintf(path, sizeof path, "%.*s/control/%s", (int)(l - 6), q->dir, name);
    else
        snprintf(path, sizeof path, "/var/qmail/control/%s", name);
    if (qt_ctx_read(ctx, path, 1024, &buf, NULL) <= 0) {
        free(buf);
        return NULL;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf;
}

void qt_queue_controls(const qt_ctx *ctx, qt_queue *q)
{
    char *buf;
    unsigned long v;

    q->lifetime = QT_QUEUE_LIFETIME;
    q->lifetime_default = 1;
    if ((buf = control_line(ctx, q, "doublebounceto"))) {
        snprintf(q->doublebounceto, sizeof q->doublebounceto, "%s", buf);
        free(buf);
    }
    if ((buf = control_line(ctx, q, "queuelifetime"))) {
        buf[strcspn(buf, " \t\r\n")] = '\0';
        if (qt_parse_ulong(buf, &v) == 0) {
            q->lifetime = (double)v;
            q->lifetime_default = 0;
        }
    }
    free(buf);
}

/* --- sums: a small open-addressing table of raw keys --- */

struct tally {
    struct qt_qcount *v;
    size_t n, cap;      /* cap: a power of two */
};

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 1099511628211ULL;
    return h;
}

static void tally_add(struct tally *t, const char *key, size_t rcpts, double birth, int count_msg);

static void tally_grow(struct tally *t)
{
    struct tally old = *t;
    t->cap = old.cap ? old.cap * 2 : 256;
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
static void tally_add(struct tally *t, const char *key, size_t rcpts, double birth, int count_msg)
{
    size_t h;
    if (2 * (t->n + 1) > t->cap)
        tally_grow(t);
    h = hash(key) & (t->cap - 1);
    while (t->v[h].key && strcasecmp(t->v[h].key, key) != 0)
        h = (h + 1) & (t->cap - 1);
    if (!t->v[h].key) {
        t->v[h].key = (char *)key;  /* borrowed until tally_top copies the kept rows */
        t->v[h].oldest = birth;
        t->n++;
    }
    t->v[h].msgs += (size_t)count_msg;
    t->v[h].rcpts += rcpts;
    if (birth < t->v[h].oldest)
        t->v[h].oldest = birth;
}

static int by_msgs(const void *a, const void *b)
{
    const struct qt_qcount *x = a, *y = b;
    if (!x->key || !y->key)
        return !x->key - !y->key;
    if (x->msgs != y->msgs)
        return x->msgs > y->msgs ? -1 : 1;
    if (x->rcpts != y->rcpts)
        return x->rcpts > y->rcpts ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Keep the QT_QUEUE_TOP biggest rows (keys copied); frees the table. */
static struct qt_qcount *tally_top(struct tally *t, size_t *n, size_t *distinct)
{
    size_t keep;
    struct qt_qcount *out;

    *distinct = t->n;
    if (t->cap)
        qsort(t->v, t->cap, sizeof *t->v, by_msgs);
    keep = t->n < QT_QUEUE_TOP ? t->n : QT_QUEUE_TOP;
    out = qt_calloc(keep ? keep : 1, sizeof *out);
    for (size_t i = 0; i < keep; i++) {
        out[i] = t->v[i];
        out[i].key = qt_strdup(t->v[i].key);
    }
    *n = keep;
    free(t->v);
    return out;
}

static void age_bucket(qt_queue *q, double age)
{
    if (age < 3600)
        q->age[QT_QAGE_1H]++;
    else if (age < 86400)
        q->age[QT_QAGE_1D]++;
    else if (age < 7 * 86400)
        q->age[QT_QAGE_7D]++;
    else
        q->age[QT_QAGE_OLDER]++;
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
        tally_add(d, dom, 1, m->birth, first);
    }
}

void qt_queue_aggregate(qt_queue *q)
{
    struct tally snd = {0}, dom = {0};

    for (unsigned s = 0; s < q->split; s++) {
        const struct qt_qblock *b = q->blocks[s];
        if (!b) {
            q->partial = 1;
            continue;
        }
        q->messages += b->mess;
        for (size_t i = 0; i < b->n; i++) {
            const struct qt_qmsg *m = &b->m[i];
            size_t todo = (size_t)m->local_todo + m->remote_todo;
            double age = q->now - m->birth;

            q->listed++;
            q->local_msgs += m->local_todo > 0;
            q->remote_msgs += m->remote_todo > 0;
            q->local_rcpts += m->local_todo;
            q->remote_rcpts += m->remote_todo;
            q->bounces += qt_qsender_is_bounce(m->sender);
            q->bounces_remote += qt_qsender_is_bounce(m->sender) && m->remote_todo > 0;
            q->double_bounces += qt_qsender_is_double_bounce(m->sender);
            q->expired += age > q->lifetime;
            q->many_rcpts += todo >= QT_QUEUE_MANY_RCPTS;
            q->cut += m->cut;
            if (!q->oldest || m->birth < q->oldest)
                q->oldest = m->birth;
            age_bucket(q, age);
            tally_add(&snd, m->sender, todo, m->birth, 1);
            add_domains(&dom, m);
        }
    }
    q->senders = tally_top(&snd, &q->nsenders, &q->distinct_senders);
    q->domains = tally_top(&dom, &q->ndomains, &q->distinct_domains);
}

/* --- headers --- */

static int wanted(const char *line, size_t n)
{
    static const char *const names[] = {"Subject", "From", "To", "Date", "Message-ID", "Received", "Return-Path",
                                        NULL};
    for (const char *const *p = names; *p; p++) {
        size_t l = strlen(*p);
        if (n > l && line[l] == ':' && strncasecmp(line, *p, l) == 0)
            return 1;
    }
    return 0;
}

#define HDR_LINE_MAX 998   /* RFC 5322 section 2.1.1: a line is at most 998 characters */
#define HDR_LINES_MAX 40

char *qt_queue_headers(const qt_ctx *ctx, const qt_queue *q, unsigned long id, char *why, size_t n)
{
    char rel[64], *buf = NULL;
    struct qt_fileinfo info;
    qt_buf out = {0};
    int qfd, fd, lines = 0, keep = 0;
    long len;
    size_t i = 0, cur = 0;

    if (!q->split) {
        snprintf(why, n, "no queue");
        return NULL;
    }
    if ((qfd = qt_ctx_open(ctx, q->dir, O_DIRECTORY, NULL, why, n)) < 0)
        return NULL;
    snprintf(rel, sizeof rel, "mess/%lu/%lu", id % q->split, id);
    fd = qt_rootfs_openat(qfd, rel, 0, NULL, why, n);
    close(qfd);
    if (fd < 0) {
        if (errno == ENOENT)
            snprintf(why, n, "message %lu has left the queue", id);
        return NULL;
    }
    if ((len = qt_read_fd_close(fd, why, QT_QUEUE_HDR_MAX, &buf, &info)) < 0) {
        snprintf(why, n, "%s", info.why);
        return NULL;
    }
    /* header lines up to the first empty line; folded lines joined */
    while (i < (size_t)len && lines < HDR_LINES_MAX) {
        const char *l = buf + i, *nl = memchr(l, '\n', (size_t)len - i);
        size_t ll = nl ? (size_t)(nl - l) : (size_t)len - i;
        i += ll + 1;
        if (ll && l[ll - 1] == '\r')
            ll--;
        if (ll == 0)
            break; /* the body starts: never shown */
        if (l[0] == ' ' || l[0] == '\t') {
            if (keep && cur < HDR_LINE_MAX) {
                size_t k = ll < HDR_LINE_MAX - cur ? ll : HDR_LINE_MAX - cur;
                qt_buf_putc(&out, ' ');
                while (k && (*l == ' ' || *l == '\t'))
                    l++, k--;
                qt_buf_add(&out, l, k);
                cur += k + 1;
            }
            continue;
        }
        if (keep)
            qt_buf_putc(&out, '\n'), lines++;
        keep = wanted(l, ll);
        if (keep) {
            cur = ll < HDR_LINE_MAX ? ll : HDR_LINE_MAX;
            qt_buf_add(&out, l, cur);
        }
    }
    if (keep)
        qt_buf_putc(&out, '\n');
    free(buf);
    return qt_buf_steal(&out);
}
