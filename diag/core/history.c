/* history.c - see history.h */
#include "diag/core/history.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static qt_series *find(const qt_history *h, const char *key)
{
    for (size_t i = 0; i < h->n; i++)
        if (strncmp(h->s[i].key, key, sizeof h->s[i].key - 1) == 0)
            return &h->s[i];
    return NULL;
}

void qt_history_push(qt_history *h, const char *key, double t, double v)
{
    qt_series *s = find(h, key);

    if (!s) {
        qt_grow(&h->s, &h->cap, h->n + 1, sizeof *h->s);
        s = &h->s[h->n++];
        memset(s, 0, sizeof *s);
        snprintf(s->key, sizeof s->key, "%s", key);
    }
    s->t[s->head] = t;
    s->v[s->head] = v;
    s->head = (s->head + 1) % QT_HIST_LEN;
    if (s->n < QT_HIST_LEN)
        s->n++;
}

const qt_series *qt_history_get(const qt_history *h, const char *key)
{
    return find(h, key);
}

size_t qt_series_values(const qt_series *s, double *out, size_t max)
{
    size_t k = s->n < max ? s->n : max;
    /* oldest of the last k values */
    unsigned start = (s->head + QT_HIST_LEN - (unsigned)k) % QT_HIST_LEN;
    for (size_t i = 0; i < k; i++)
        out[i] = s->v[(start + i) % QT_HIST_LEN];
    return k;
}

double qt_series_at(const qt_series *s, unsigned back)
{
    if (!s || back >= s->n)
        return 0;
    return s->v[(s->head + QT_HIST_LEN - 1 - back) % QT_HIST_LEN];
}

void qt_history_free(qt_history *h)
{
    free(h->s);
    memset(h, 0, sizeof *h);
}
