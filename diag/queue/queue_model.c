/* queue_model.c - the queue model's lookups, its control files
 * (queuelifetime, doublebounceto) and the header reader. Sums:
 * queue_sums.c. See queue.h. */
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
    for (size_t i = 0; i < q->nsenders; i++) {
        free(q->senders[i].key);
        free(q->senders[i].auth);
    }
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
    else {
        char rel[128];
        snprintf(rel, sizeof rel, "control/%s", name);
        if (!qt_ctx_qmail(ctx, rel, path, sizeof path))
            return NULL;
    }
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
