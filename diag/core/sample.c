/* sample.c - run the collector table into a snapshot. See snapshot.h. */
#include "diag/core/snapshot.h"
#include "diag/core/util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *qt_src_name(enum qt_src_id id)
{
    if ((unsigned)id >= qt_ncollectors || !qt_collectors[id])
        return "?";
    return qt_collectors[id]->name;
}

int qt_src_parse(const char *name)
{
    for (size_t i = 0; i < qt_ncollectors; i++)
        if (qt_collectors[i] && strcmp(qt_collectors[i]->name, name) == 0)
            return (int)i;
    return -1;
}

qt_snapshot *qt_sample(qt_sampler *s, const qt_ctx *ctx)
{
    qt_snapshot *snap = qt_calloc(1, sizeof *snap);
    double t0 = qt_now_mono();

    snap->seq = ++s->seq;
    snap->wall = qt_ctx_now(ctx);
    if (gethostname(snap->host, sizeof snap->host - 1) != 0)
        strcpy(snap->host, "?");

    for (size_t i = 0; i < qt_ncollectors; i++) {
        const qt_collector *c = qt_collectors[i];
        struct qt_src_status *st = &snap->src[c->id];
        double c0 = qt_now_mono();

        if (c->collect(ctx, &s->state[c->id], snap, st->err, sizeof st->err) == 0) {
            st->state = QT_SRC_OK;
            st->err[0] = '\0';
        } else {
            st->state = QT_SRC_FAILED;
            if (!st->err[0])
                strcpy(st->err, "failed");
        }
        st->took = qt_now_mono() - c0;
    }
    for (size_t i = 0; i < qt_ncollectors; i++)
        if (qt_collectors[i]->seal)
            qt_collectors[i]->seal(snap);
    for (size_t i = 0; i < qt_ncollectors; i++)
        if (qt_collectors[i]->measure)
            qt_collectors[i]->measure(ctx, snap, &snap->metrics);
    for (size_t i = 0; i < snap->metrics.n; i++) {
        char key[96];
        qt_metrics_key_at(&snap->metrics, i, key, sizeof key);
        qt_history_push(&s->hist, key, snap->wall, snap->metrics.v[i].value);
    }
    for (size_t i = 0; i < qt_ncollectors; i++)
        if (qt_collectors[i]->analyse)
            qt_collectors[i]->analyse(ctx, snap, &s->hist, &snap->findings);
    qt_findings_sort(&snap->findings);
    qt_incidents_build(&snap->findings, snap->wall, &s->seen, &snap->incidents);
    qt_incidents_copy(&s->seen, &snap->incidents);
    snap->took = qt_now_mono() - t0;
    return snap;
}

void qt_snapshot_free(qt_snapshot *snap)
{
    if (!snap)
        return;
    for (size_t i = 0; i < qt_ncollectors; i++)
        if (qt_collectors[i]->free_model)
            qt_collectors[i]->free_model(snap);
    qt_findings_free(&snap->findings);
    qt_incidents_free(&snap->incidents);
    qt_metrics_free(&snap->metrics);
    free(snap);
}

void qt_sampler_free(qt_sampler *s)
{
    for (size_t i = 0; i < qt_ncollectors; i++) {
        const qt_collector *c = qt_collectors[i];
        if (c->free_state && s->state[c->id])
            c->free_state(s->state[c->id]);
        s->state[c->id] = NULL;
    }
    qt_history_free(&s->hist);
    qt_incidents_free(&s->seen);
}
