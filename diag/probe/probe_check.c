/* probe_check.c - probe results as findings and metrics (issue 18).
 * Severities: certificate WARN under 21 days, CRIT under 7 or expired;
 * TLS 1.0/1.1 accepted WARN (RFC 8996 deprecates both); a TLS port that
 * speaks no TLS WARN; a silent client still connected at the bound on a
 * front end without a handshake deadline confirms the lint's inference
 * (docs/domain/ucspi.md#handshake-deadlines). */
#include "diag/probe/probe_run.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SRC "probe"
#define CERT_WARN_DAYS 21
#define CERT_CRIT_DAYS 7

static const char *const HS_HELP = "TLS handshake time measured by qtriage's probe, in milliseconds.";
static const char *const CERT_HELP = "Days until the server certificate expires (negative: expired), from the probe.";
static const char *const IDLE_HELP = "Seconds until the server dropped a silent client (unknown: still open at the bound).";

static qt_finding *add(qt_snapshot *snap, enum qt_sev sev, const char *check, const struct qt_probe_svc *s,
                       const char *title)
{
    char id[160];
    qt_finding *f;
    snprintf(id, sizeof id, "probe.%s:%s", check, s->service);
    f = qt_findings_add(&snap->findings, sev, SRC, id, title);
    qt_finding_subject(f, "%s", s->service);
    return f;
}

static void cert_lines(qt_finding *f, const struct qt_probe_svc *s, const struct qt_probe_result *r)
{
    qt_finding_evidence(f, "%s:%u: %s, %s, handshake %.0f ms", s->t.host, s->port, r->version, r->cipher, r->took * 1000);
    if (!r->has_cert) {
        qt_finding_evidence(f, "no server certificate");
        return;
    }
    qt_finding_evidence(f, "certificate subject: %s", r->subject);
    qt_finding_evidence(f, "issuer: %s%s", r->issuer, r->self_signed ? " (self-signed)" : "");
    qt_finding_evidence(f, "subject alternative names: %s", *r->san ? r->san : "(none)");
    qt_finding_evidence(f, "expires %s (%ld days)", r->not_after, r->days_left);
    if (r->name_match >= 0)
        qt_finding_evidence(f, "control/me %s: %s", s->t.verify_name,
                            r->name_match ? "named by the certificate" : "NOT named by the certificate");
}

/* config.served-cert-name:SERVER of this service's front end, or NULL. */
static qt_finding *served_finding(const struct qt_probe_svc *s, qt_snapshot *snap)
{
    char id[160];
    snprintf(id, sizeof id, "config.served-cert-name:%s", s->server);
    for (size_t i = 0; s->server[0] && i < snap->findings.n; i++)
        if (!strcmp(snap->findings.v[i].id, id))
            return &snap->findings.v[i];
    return NULL;
}

static void report_cert(const struct qt_probe_svc *s, qt_snapshot *snap)
{
    const struct qt_probe_result *r = &s->hs;
    enum qt_sev sev = r->days_left < CERT_CRIT_DAYS ? QT_SEV_CRIT : r->days_left < CERT_WARN_DAYS ? QT_SEV_WARN : QT_SEV_OK;
    char title[160];
    qt_finding *f;

    if (r->days_left < 0)
        snprintf(title, sizeof title, "Certificate expired %ld days ago", -r->days_left);
    else if (sev != QT_SEV_OK)
        snprintf(title, sizeof title, "Certificate expires in %ld days", r->days_left);
    else
        snprintf(title, sizeof title, "Certificate valid for %ld more days", r->days_left);
    f = add(snap, sev, "cert", s, title);
    qt_finding_evidence(f, "expires %s; subject %s", r->not_after, r->subject);
    if (sev != QT_SEV_OK) {
        qt_finding_explain(f, "Clients that verify certificates refuse the connection once it expires.");
        qt_finding_fix(f, "# renew the certificate the front end of %s serves, then restart it", s->service);
    }
    qt_metrics_add(&snap->metrics, "cert_days", s->service, s->port, (double)r->days_left, -1, CERT_HELP);
    /* the config audit's finding about the file this front end serves:
     * the live certificate is more evidence of it, not a second finding */
    f = served_finding(s, snap);
    if (f) {
        qt_finding_evidence(f, "probe: the handshake on %s:%u served subject %s; SAN %s", s->t.host, s->port,
                            r->subject, *r->san ? r->san : "(none)");
        if (r->name_match >= 0)
            qt_finding_evidence(f, "probe: control/me %s %s by the certificate served", s->t.verify_name,
                                r->name_match ? "named" : "NOT named");
    }
    if (r->name_match == 0 && !f) {
        f = add(snap, QT_SEV_INFO, "cert-name", s, "Certificate does not name this host (control/me)");
        qt_finding_evidence(f, "control/me: %s; subject: %s; SAN: %s", s->t.verify_name, r->subject, *r->san ? r->san : "(none)");
        qt_finding_explain(f, "Clients that check the name (most do) warn or refuse when they connect by that name.");
    }
}

static void report_handshake(const struct qt_probe_svc *s, qt_snapshot *snap)
{
    const struct qt_probe_result *r = &s->hs;
    qt_finding *f;

    switch (r->status) {
    case QT_PR_OK: {
        char title[160];
        snprintf(title, sizeof title, "TLS handshake in %.0f ms (%s)", r->took * 1000, r->version);
        f = add(snap, QT_SEV_OK, "tls", s, title);
        cert_lines(f, s, r);
        qt_metrics_add(&snap->metrics, "tls_handshake_ms", s->service, s->port, r->took * 1000, -1, HS_HELP);
        if (r->has_cert)
            report_cert(s, snap);
        return;
    }
    case QT_PR_NO_TLS:
        f = add(snap, QT_SEV_WARN, "tls", s, s->t.starttls == QT_STLS_IMPLICIT ? "No TLS at all on a TLS port"
                                                                                : "STARTTLS not available");
        qt_finding_explain(f, "Mail clients set up for TLS cannot connect, or send passwords in clear text.");
        break;
    case QT_PR_TIMEOUT:
        f = add(snap, QT_SEV_WARN, "tls", s, "TLS handshake did not finish in time");
        qt_finding_incident(f, "tls-stall", s->service, "the probe's handshake got no answer in %.1f s", r->total);
        qt_finding_explain(f, "A client gets the same: the front end accepts the connection but does not answer.");
        break;
    case QT_PR_CONNECT:
        f = add(snap, QT_SEV_WARN, "tls", s, "Probe could not connect");
        break;
    default:
        f = add(snap, QT_SEV_WARN, "tls", s, "TLS handshake failed");
        break;
    }
    qt_finding_evidence(f, "%s:%u: %s", s->t.host, s->port, r->why);
    qt_metrics_add_unknown(&snap->metrics, "tls_handshake_ms", s->service, s->port, NAN, NAN, -1, HS_HELP, r->why);
}

static void report_legacy(const struct qt_probe_svc *s, qt_snapshot *snap)
{
    const struct qt_probe_result *r = &s->legacy;
    qt_finding *f;

    if (r->status == QT_PR_OK) {
        char title[160];
        snprintf(title, sizeof title, "Old TLS still accepted (%s)", r->version);
        f = add(snap, QT_SEV_WARN, "legacy-tls", s, title);
        qt_finding_evidence(f, "a client offering only TLS 1.0/1.1 got %s, %s", r->version, r->cipher);
        qt_finding_explain(f, "TLS 1.0 and 1.1 are deprecated (RFC 8996); accepting them lets old clients use weak ciphers.");
        qt_finding_fix(f, "# set the minimum protocol of the front end to TLS 1.2 (stunnel: sslVersionMin = TLSv1.2; "
                          "sslserver: CIPHERS/ TLS options of ucspi-ssl)");
    } else if (r->status == QT_PR_REFUSED) {
        f = add(snap, QT_SEV_OK, "legacy-tls", s, "TLS 1.0 and 1.1 refused");
        qt_finding_evidence(f, "%s", r->why);
    }
}

/* Join the lint's inferred finding of this service (servers.no-handshake-deadline:NAME). */
static void join_inferred(const struct qt_probe_svc *s, qt_snapshot *snap, const char *line)
{
    char id[160];
    snprintf(id, sizeof id, "servers.no-handshake-deadline:%s", s->server);
    for (size_t i = 0; i < snap->findings.n; i++)
        if (!strcmp(snap->findings.v[i].id, id))
            qt_finding_evidence(&snap->findings.v[i], "measured: %s", line);
}

static void report_idle(const struct qt_probe_svc *s, const struct qt_probe_result *r, int partial, qt_snapshot *snap)
{
    const char *who = partial ? "a client that sent half a ClientHello" : "a silent client";
    const char *check = partial ? "partial-hello" : "idle";
    char line[300], title[200];
    qt_finding *f;

    if (r->status == QT_PR_OK) {
        int late = s->handshake > 0 && r->took > s->handshake + 5;
        snprintf(line, sizeof line, "dropped %s after %.1f s (%s)", who, r->took, *s->hs_detail ? s->hs_detail : "deadline not known");
        snprintf(title, sizeof title, "Dropped %s after %.1f s", who, r->took);
        f = add(snap, late ? QT_SEV_WARN : QT_SEV_OK, check, s, title);
        if (late)
            qt_finding_explain(f, "The configured deadline is %.0f s, yet the connection lived %.1f s.", s->handshake, r->took);
        if (!partial)
            qt_metrics_add(&snap->metrics, "idle_drop_s", s->service, s->port, r->took, -1, IDLE_HELP);
    } else if (r->status == QT_PR_OPEN) {
        int below = s->handshake > 0 && r->bound < s->handshake + 5;
        if (below) {
            snprintf(line, sizeof line, "%s still open after %.0f s (the bound is below the configured %s)", who, r->bound, s->hs_detail);
            f = add(snap, QT_SEV_INFO, check, s, "Still open at the probe's bound");
        } else if (s->no_deadline || s->handshake < 0) {
            snprintf(line, sizeof line, "%s still open after %.0f s: no handshake deadline, confirmed", who, r->bound);
            f = add(snap, QT_SEV_WARN, check, s, partial ? "A slow handshake is never cut off (measured)"
                                                         : "A silent client is never dropped (measured)");
            qt_finding_incident(f, "no-deadline", s->service, "a probe connection still held a slot after %.0f s", r->bound);
            join_inferred(s, snap, line);
        } else {
            snprintf(line, sizeof line, "%s still open after %.0f s although the deadline is %s", who, r->bound, s->hs_detail);
            f = add(snap, QT_SEV_WARN, check, s, "The configured handshake deadline is not enforced");
            qt_finding_incident(f, "no-deadline", s->service, "a probe connection still held a slot after %.0f s", r->bound);
        }
        qt_finding_explain(f, "Every client that stalls like this holds one of the %ld -c slots as long.", s->limit);
        if (!partial)
            qt_metrics_add_unknown(&snap->metrics, "idle_drop_s", s->service, s->port, r->bound, INFINITY, -1, IDLE_HELP,
                                   "still open at the probe's bound");
    } else {
        snprintf(line, sizeof line, "%s", r->why);
        f = add(snap, QT_SEV_INFO, check, s, "Idle probe did not run");
    }
    qt_finding_evidence(f, "%s:%u: %s", s->t.host, s->port, line);
    if (r->bytes_in)
        qt_finding_evidence(f, "the server sent %zu bytes meanwhile", r->bytes_in);
}

void qt_probe_report(const struct qt_probe_set *ps, qt_snapshot *snap)
{
    for (size_t i = 0; i < ps->n; i++) {
        const struct qt_probe_svc *s = &ps->v[i];
        if (!s->probe) {
            if (s->tls_expected) {
                qt_finding *f = add(snap, QT_SEV_INFO, "skipped", s, "Not probed");
                qt_finding_evidence(f, "%s", s->skip);
            }
            continue;
        }
        if (s->done & QT_PS_HANDSHAKE)
            report_handshake(s, snap);
        if (s->done & QT_PS_LEGACY)
            report_legacy(s, snap);
        if (s->done & QT_PS_IDLE)
            report_idle(s, &s->idle, 0, snap);
        if (s->done & QT_PS_PARTIAL)
            report_idle(s, &s->partial, 1, snap);
    }
    qt_findings_sort(&snap->findings);
}
