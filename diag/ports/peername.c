/* peername.c - batched PTR lookups over c-ares as a job. See peername.h. */
#include "diag/ports/peername.h"
#include "diag/core/ares_poll.h"
#include "diag/core/util.h"

#include <arpa/inet.h>
#include <ares.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct peer_job {
    qt_job job;              /* first: the job pointer is this struct */
    ares_channel ch;
    int have_ch;
    int finished;            /* results final: res is not touched again */
    double deadline;
    size_t n, pending;
    struct qt_peername *res;
};

const char *qt_peername_status_name(enum qt_peername_status s)
{
    switch (s) {
    case QT_PEER_OK: return "ok";
    case QT_PEER_NONE: return "no PTR";
    case QT_PEER_TIMEOUT: return "timeout";
    case QT_PEER_ERROR: return "error";
    default: return "pending";
    }
}

struct cb_arg {
    struct peer_job *j;
    size_t i;
};

static void on_host(void *arg, int status, int timeouts, struct hostent *h)
{
    struct cb_arg *a = arg;
    struct qt_peername *r = &a->j->res[a->i];
    (void)timeouts;

    if (a->j->finished && status != ARES_EDESTRUCTION) {
        free(a);
        return;
    }
    if (r->status == QT_PEER_PENDING) {
        if (status == ARES_SUCCESS && h && h->h_name) {
            char *safe = qt_safe_strdup(h->h_name, strlen(h->h_name));
            snprintf(r->name, sizeof r->name, "%s", safe);
            free(safe);
            r->status = QT_PEER_OK;
        } else if (status == ARES_ENOTFOUND || status == ARES_ENODATA) {
            r->status = QT_PEER_NONE;
        } else if (status == ARES_ETIMEOUT || status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) {
            r->status = QT_PEER_TIMEOUT;
        } else {
            r->status = QT_PEER_ERROR;
        }
        a->j->pending--;
    }
    free(a);
}

static int j_pollfds(qt_job *job, struct pollfd *pfd, int max)
{
    struct peer_job *j = (struct peer_job *)job;
    if (!j->have_ch)
        return 0;
    return qt_ares_pollfds(j->ch, pfd, max);
}

static double j_deadline(qt_job *job)
{
    struct peer_job *j = (struct peer_job *)job;
    struct timeval tv, *t;
    double d = j->deadline;

    /* wake up for c-ares's own retransmissions too */
    if (j->have_ch && (t = ares_timeout(j->ch, NULL, &tv))) {
        double at = qt_now_mono() + (double)t->tv_sec + (double)t->tv_usec / 1e6;
        if (at < d)
            d = at;
    }
    return d;
}

static void finish(struct peer_job *j)
{
    if (j->finished)
        return;
    j->finished = 1;
    if (j->have_ch) {
        j->have_ch = 0;
        ares_destroy(j->ch); /* calls the pending callbacks with ARES_EDESTRUCTION */
    }
    for (size_t i = 0; i < j->n; i++)
        if (j->res[i].status == QT_PEER_PENDING)
            j->res[i].status = QT_PEER_TIMEOUT;
    j->pending = 0;
}

static int j_step(qt_job *job, const struct pollfd *pfd, int n, double now)
{
    struct peer_job *j = (struct peer_job *)job;

    qt_ares_process(j->ch, pfd, n);
    if (j->pending == 0 || now >= j->deadline) {
        finish(j);
        return 1;
    }
    return 0;
}

static void j_cancel(qt_job *job)
{
    finish((struct peer_job *)job);
}

static void j_free(qt_job *job)
{
    struct peer_job *j = (struct peer_job *)job;
    finish(j);
    free(j);
}

static const struct qt_job_ops ops = {
    .pollfds = j_pollfds,
    .deadline = j_deadline,
    .step = j_step,
    .cancel = j_cancel,
    .free = j_free,
};

qt_job *qt_peername_start(const char *server, struct qt_peername *res, size_t n, double timeout, char *err,
                          size_t errlen)
{
    static int lib_init;
    struct peer_job *j;
    struct ares_options o;
    char lookups[] = "b";
    int rc;

    if (!server || !*server) {
        snprintf(err, errlen, "no DNS server configured (--dns-server)");
        return NULL;
    }
    if (!lib_init) {
        if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
            snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
            return NULL;
        }
        lib_init = 1;
    }
    if (n > QT_PEERNAME_MAX)
        n = QT_PEERNAME_MAX;
    j = qt_calloc(1, sizeof *j);
    j->job.ops = &ops;
    j->res = res;
    j->n = n;
    for (size_t i = 0; i < n; i++) {
        res[i].status = QT_PEER_PENDING;
        res[i].name[0] = '\0';
    }
    memset(&o, 0, sizeof o);
    o.timeout = (int)(timeout * 1000 / 2 > 200 ? timeout * 1000 / 2 : 200); /* ms per try */
    o.tries = 2;
    o.lookups = lookups;            /* DNS only: no /etc/hosts */
    rc = ares_init_options(&j->ch, &o, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS);
    if (rc != ARES_SUCCESS) {
        snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
        free(j);
        return NULL;
    }
    j->have_ch = 1;
    /* the one server, before any query: never the system resolver */
    if ((rc = ares_set_servers_ports_csv(j->ch, server)) != ARES_SUCCESS) {
        snprintf(err, errlen, "--dns-server '%s': %s", server, ares_strerror(rc));
        j_free(&j->job);
        return NULL;
    }
    j->deadline = qt_now_mono() + timeout;
    for (size_t i = 0; i < n; i++) {
        unsigned char a[16];
        int fam = strchr(res[i].ip, ':') ? AF_INET6 : AF_INET;
        struct cb_arg *cb;

        if (inet_pton(fam, res[i].ip, a) != 1) {
            j->res[i].status = QT_PEER_ERROR;
            continue;
        }
        cb = qt_calloc(1, sizeof *cb);
        cb->j = j;
        cb->i = i;
        j->pending++;
        ares_gethostbyaddr(j->ch, a, fam == AF_INET ? 4 : 16, fam, on_host, cb);
    }
    return &j->job;
}
