/* logmon_ipauth.c - failed logins per remote IP over the window's auth
 * events: what the Ports pane's per-IP table and the cross-reference of
 * the analyses read (contract in logmon.h). */
#include "diag/logmon/logmon.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned long qt_logmon_ip_auth_fails(const qt_logmon *m, const char *ip, int64_t from, size_t *users)
{
    const char *seen[8];
    size_t nseen = 0, nu = 0;
    unsigned long n = 0;

    for (size_t i = 0; m && ip && *ip && i < m->nev; i++) {
        const struct qt_logmon_ev *e = &m->ev[i];
        size_t k = 0;
        if (e->ok || e->t < from || strcmp(e->ip, ip))
            continue;
        n++;
        while (k < nseen && strcmp(seen[k], e->user))
            k++;
        if (k == nseen) {
            nu++;   /* distinct users, exact up to the first 8 kept */
            if (nseen < QT_ARRAY_LEN(seen))
                seen[nseen++] = e->user;
        }
    }
    if (users)
        *users = nu;
    return n;
}

static int by_ip(const void *a, const void *b)
{
    return strcmp(((const struct qt_logmon_ipfail *)a)->ip, ((const struct qt_logmon_ipfail *)b)->ip);
}

struct qt_logmon_ipfail *qt_logmon_ip_fails(const qt_logmon *m, int64_t from, size_t *n)
{
    struct qt_logmon_ipfail *v;
    size_t k = 0, out = 0;

    *n = 0;
    if (!m || !m->nev)
        return NULL;
    v = qt_calloc(m->nev, sizeof *v);
    for (size_t i = 0; i < m->nev; i++)
        if (!m->ev[i].ok && m->ev[i].t >= from && *m->ev[i].ip) {
            memcpy(v[k].ip, m->ev[i].ip, sizeof v[k].ip);
            v[k++].fail = 1;
        }
    qsort(v, k, sizeof *v, by_ip);
    for (size_t i = 0; i < k; i++) {
        if (out && !strcmp(v[out - 1].ip, v[i].ip))
            v[out - 1].fail++;
        else
            v[out++] = v[i];
    }
    *n = out;
    return v;
}

unsigned long qt_logmon_ip_fails_find(const struct qt_logmon_ipfail *v, size_t n, const char *ip)
{
    struct qt_logmon_ipfail key;
    const struct qt_logmon_ipfail *e;

    if (!v || !n || !ip)
        return 0;
    memset(&key, 0, sizeof key);
    snprintf(key.ip, sizeof key.ip, "%s", ip);
    e = bsearch(&key, v, n, sizeof *v, by_ip);
    return e ? e->fail : 0;
}
