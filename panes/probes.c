/* probes.c - see probes.h */
#include "panes/probes.h"
#include "diag/core/util.h"

static qt_probe_sched the_sched;

qt_probe_sched *qt_panes_probes(void) { return &the_sched; }

static void tls_row(qt_table *t, const struct qt_probe_svc *s)
{
    const struct qt_probe_result *r = &s->hs;
    if (!(s->done & QT_PS_HANDSHAKE))
        return;
    if (r->status != QT_PR_OK) {
        qt_table_kv(t, "probe.tls", "probe TLS", QT_ROLE_WARN, "%s: %s", qt_probe_status_name(r->status), r->why);
        return;
    }
    qt_table_kv(t, "probe.tls", "probe TLS", QT_ROLE_OK, "handshake %.0f ms, %s %s%s", r->took * 1000, r->version,
                r->cipher, (s->done & QT_PS_LEGACY) && s->legacy.status == QT_PR_OK ? "; TLS 1.0/1.1 ACCEPTED" : "");
    if (r->has_cert)
        qt_table_kv(t, "probe.cert", "certificate", r->days_left < 7 ? QT_ROLE_CRIT : r->days_left < 21 ? QT_ROLE_WARN : QT_ROLE_NORMAL,
                    "%s; expires %s (%ld days); SAN %s", r->subject, r->not_after, r->days_left, *r->san ? r->san : "(none)");
}

static void idle_row(qt_table *t, const char *id, const char *label, const struct qt_probe_result *r)
{
    if (r->status == QT_PR_OK)
        qt_table_kv(t, id, label, QT_ROLE_OK, "dropped after %.1f s", r->took);
    else if (r->status == QT_PR_OPEN)
        qt_table_kv(t, id, label, QT_ROLE_WARN, "still open after %.0f s", r->bound);
    else
        qt_table_kv(t, id, label, QT_ROLE_DIM, "%s", r->why);
}

void qt_panes_probe_rows(const struct qt_view_in *in, unsigned port, qt_table *t)
{
    const struct qt_probe_svc *s;

    if (in->store)
        return; /* a loaded report: its findings say what the probes saw */
    if (in->ctx->no_probe) {
        qt_table_kv(t, "probe", "probes", QT_ROLE_DIM, "off (--no-probe)");
        return;
    }
    s = qt_probe_sched_find(&the_sched, in->ctx, port);
    if (!s)
        return;
    if (!s->probe) {
        qt_table_kv(t, "probe", "probes", s->tls_expected ? QT_ROLE_WARN : QT_ROLE_DIM, "not probed: %s", s->skip);
        return;
    }
    qt_table_kv(t, "probe", "probes", QT_ROLE_NORMAL, "%s%s", qt_probe_sched_busy(&the_sched, in->ctx, port) ? "running now; " : "",
                "handshake every 10 min, idle drop every hour; P probes the idle drop now");
    tls_row(t, s);
    if (s->done & QT_PS_IDLE)
        idle_row(t, "probe.idle", "silent client", &s->idle);
    if (s->done & QT_PS_PARTIAL)
        idle_row(t, "probe.partial", "half a hello", &s->partial);
}
