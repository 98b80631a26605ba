/* queue_auth.c - the SMTP AUTH user behind the top senders: read from the
 * header qmail-smtpd wrote into the message, for a few messages of the
 * first QT_QUEUE_AUTH_SENDERS senders only (bounded work), remembered by
 * message between samples (a queued message never changes: qmail
 * INTERNALS). Where the user is written: notqmail's SMTP AUTH branch,
 * qmail-smtpd.c smtp_auth() sets protocol "ESMTPA" and remoteinfo = the
 * user; received.c writes "(remoteinfo@remoteip)" and "with PROTOCOL";
 * qmail-queue.c puts its own "Received: (qmail N invoked ...)" line above. */
#include "diag/queue/queue_int.h"
#include "diag/core/rootfs.h"
#include "diag/core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define HDR_UNFOLD 1024     /* bytes of qmail-smtpd's header looked at (its two lines) */

/* The header starting at p (end e): its unfolded text into out (cut at on
 * bytes); returns where the next header starts (e when none). */
static const char *header(const char *p, const char *e, char *out, size_t on)
{
    size_t k = 0;
    while (p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *end = nl ? nl : e;
        for (const char *c = p; c < end && k + 1 < on; c++)
            if (*c != '\r')
                out[k++] = *c;
        p = nl ? nl + 1 : e;
        if (p >= e || (*p != ' ' && *p != '\t'))
            break;
        if (k + 1 < on)
            out[k++] = '\n';
    }
    out[k] = 0;
    return p;
}

int qt_queue_auth_user(const char *buf, size_t n, char *user, size_t un)
{
    char h[HDR_UNFOLD];
    const char *e = buf + n, *p, *first_end, *open, *close, *at;
    size_t l;

    *user = 0;
    if (!un)
        return 0;
    /* qmail-queue's line: "Received: (qmail 4242 invoked from network); ..." */
    p = header(buf, e, h, sizeof h);
    if (strncmp(h, "Received: (qmail ", 17) != 0 || !strstr(h, " invoked "))
        return 0;
    /* qmail-smtpd's: "Received: from HOST (HELO H) (USER@IP)\n  by ME with ESMTPA; DATE" */
    header(p, e, h, sizeof h);
    if (strncmp(h, "Received: from ", 15) != 0 || (!strstr(h, " with ESMTPA;") && !strstr(h, " with ESMTPSA;")))
        return 0;
    first_end = strchr(h, '\n');
    if (!first_end)
        return 0;
    while (first_end > h && (first_end[-1] == ' ' || first_end[-1] == '\t'))
        first_end--;
    close = first_end - 1;
    if (close <= h || *close != ')')
        return 0;
    for (open = close; open > h && *open != '('; open--)
        ;
    if (*open != '(')
        return 0;
    for (at = close; at > open && *at != '@'; at--)
        ;
    if (at <= open + 1)
        return 0;   /* "(IP)": no remoteinfo, or an empty user */
    l = (size_t)(at - open - 1);
    if (l >= un)
        l = un - 1;
    memcpy(user, open + 1, l);
    user[l] = 0;
    return 1;
}

/* ---- the per-sample lookup, remembered by message ---- */

#define CACHE 64    /* messages remembered (QT_QUEUE_AUTH_SENDERS * QT_QUEUE_AUTH_SAMPLE fit many times) */

struct qt_qauth_cache {
    struct {
        unsigned long id;
        double birth;       /* an inode number is reused once a message leaves: the birth tells them apart */
        int have, found;
        char user[QT_QUEUE_AUTH_MAX];
    } v[CACHE];
    size_t next;
};

void qt_qauth_cache_free(struct qt_qauth_cache *c)
{
    free(c);
}

/* Read the start of mess/S/ID below the queue fd: 1 user found, 0 none, -1 unreadable (gone). */
static int read_one(int qfd, const qt_queue *q, unsigned long id, char *user, size_t un)
{
    char rel[64], buf[QT_QUEUE_AUTH_READ];
    ssize_t got;
    size_t len = 0;
    int fd;

    snprintf(rel, sizeof rel, "mess/%lu/%lu", id % q->split, id);
    if ((fd = qt_rootfs_openat(qfd, rel, 0, NULL, NULL, 0)) < 0)
        return -1;
    while (len < sizeof buf && (got = read(fd, buf + len, sizeof buf - len)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    return qt_queue_auth_user(buf, len, user, un);
}

/* The AUTH user of message id: remembered, or read (the queue directory
 * opened on the first read of the call: *qfd, -1 until then). */
static int lookup(struct qt_qauth_cache *c, const qt_ctx *ctx, int *qfd, const qt_queue *q, unsigned long id,
                  char *user, size_t un)
{
    const struct qt_qmsg *m = qt_queue_find(q, id);
    char why[256];
    int r;

    if (!m)
        return -1;
    for (size_t i = 0; i < CACHE; i++)
        if (c->v[i].have && c->v[i].id == id && c->v[i].birth == m->birth) {
            snprintf(user, un, "%s", c->v[i].user);
            return c->v[i].found;
        }
    if (*qfd < 0 && (*qfd = qt_ctx_open(ctx, q->dir, O_DIRECTORY, NULL, why, sizeof why)) < 0)
        return -1;
    r = read_one(*qfd, q, id, user, un);
    if (r < 0)
        return -1;  /* gone mid-scan: not remembered */
    c->v[c->next].id = id;
    c->v[c->next].birth = m->birth;
    c->v[c->next].have = 1;
    c->v[c->next].found = r;
    snprintf(c->v[c->next].user, sizeof c->v[c->next].user, "%s", r ? user : "");
    c->next = (c->next + 1) % CACHE;
    return r;
}

void qt_queue_auth(const qt_ctx *ctx, struct qt_qauth_cache **cp, qt_queue *q)
{
    char user[QT_QUEUE_AUTH_MAX];
    int qfd = -1;

    if (!*cp)
        *cp = qt_calloc(1, sizeof **cp);
    for (size_t i = 0; i < q->nsenders && i < QT_QUEUE_AUTH_SENDERS; i++) {
        struct qt_qcount *s = &q->senders[i];
        if (qt_qsender_is_bounce(s->key) || qt_qsender_is_double_bounce(s->key))
            continue;   /* qmail-send's own bounces: no SMTP session behind them */
        for (unsigned k = 0; k < s->nsample; k++) {
            int r = lookup(*cp, ctx, &qfd, q, s->sample[k], user, sizeof user);
            if (r < 0)
                continue;
            s->auth_read++;
            if (r && !s->auth) {
                s->auth = qt_strdup(user);
                s->auth_hits++;
            } else if (r && strcasecmp(s->auth, user) == 0) {
                s->auth_hits++;
            }
        }
    }
    if (qfd >= 0)
        close(qfd);
}
