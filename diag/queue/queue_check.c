/* queue_check.c - findings about qmail's queue: the summary, a queue
 * growing fast, one sender owning the queue (a compromised account),
 * backscatter, double bounces going nowhere. Fixes are shown, never
 * applied. Severity lines: queue.h, docs/severity.md ("Queue"). */
#include "diag/queue/queue_int.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The supervised qmail-send service as LWQ installs it (docs/domain/supervision.md). */
#define SEND_SERVICE "/service/qmail-send"

static const char *shown_sender(const char *s)
{
    return qt_qsender_is_bounce(s) ? "<>" : s;
}

static double pct(size_t part, size_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void summary(const qt_queue *q, double rate, double span, qt_findings *out)
{
    char age[32], *title = qt_asprintf("Queue: %s%zu messages, %zu not yet preprocessed", q->partial ? ">=" : "",
                                        q->messages, q->unpreprocessed);
    qt_finding *f = qt_findings_add(out, QT_SEV_OK, "queue", "queue.summary", title);

    free(title);
    qt_finding_subject(f, "%s", q->dir);
    qt_finding_evidence(f, "messages in queue: %zu%s", q->messages, q->partial ? " (partial: at least)" : "");
    qt_finding_evidence(f, "messages in queue but not yet preprocessed: %zu", q->unpreprocessed);
    qt_finding_evidence(f, "remote: %zu messages, %zu recipients; local: %zu messages, %zu recipients", q->remote_msgs,
                        q->remote_rcpts, q->local_msgs, q->local_rcpts);
    qt_finding_evidence(f, "bounces <>: %zu (%zu to a remote sender); double bounces #@[]: %zu", q->bounces,
                        q->bounces_remote, q->double_bounces);
    if (q->oldest > 0) {
        qt_fmt_age(q->now - q->oldest, age, sizeof age);
        qt_finding_evidence(f, "oldest: %s; older than queuelifetime (%.0f s%s): %zu", age, q->lifetime,
                            q->lifetime_default ? ", the default" : "", q->expired);
    }
    if (!isnan(rate))
        qt_finding_evidence(f, "growth: %+.0f messages/min over %.0f s", rate, span);
    if (q->partial)
        qt_finding_evidence(f, "partial: %u of %u subdirectories wait to be read (at most %d messages per sample)",
                            q->pending_dirs, q->split, QT_QUEUE_SAMPLE_MSGS);
}

static void stop_send(qt_finding *f)
{
    qt_finding_fix(f, "svc -d %s    # stop qmail-send first: it must not deliver or rewrite the queue while "
                      "files go (QMailToaster: /service/send)", SEND_SERVICE);
}

/* The removal command for every message whose info file is exactly
 * "F" + sender (qmail INTERNALS: all seven files of the message go). */
static void remove_by_sender(qt_finding *f, const qt_queue *q, const char *sender)
{
    qt_buf b = {0}, d = {0};
    char *fq;

    qt_buf_printf(&b, "F%s", sender);
    qt_shell_quote(&d, q->dir);
    fq = qt_buf_steal(&b);
    qt_shell_quote(&b, fq);
    qt_finding_fix(f, "cd %s && for f in info/*/*; do [ \"$(tr -d '\\000' < \"$f\")\" = %s ] || continue; "
                      "id=${f##*/}; s=${f#info/}; s=${s%%/*}; rm -f \"mess/$s/$id\" \"info/$s/$id\" \"local/$s/$id\" "
                      "\"remote/$s/$id\" \"todo/$id\" \"intd/$id\" \"bounce/$id\"; done",
                   qt_buf_str(&d), qt_buf_str(&b));
    qt_finding_fix(f, "svc -u %s    # start qmail-send again", SEND_SERVICE);
    free(fq);
    qt_buf_free(&b);
    qt_buf_free(&d);
}

static void growth(const qt_queue *q, double rate, double span, qt_findings *out)
{
    enum qt_sev sev;
    qt_finding *f;
    char *title;

    if (isnan(rate) || span < QT_QSEV_GROWTH_SPAN || rate < QT_QSEV_GROWTH_WARN)
        return;
    sev = rate >= QT_QSEV_GROWTH_CRIT ? QT_SEV_CRIT : QT_SEV_WARN;
    title = qt_asprintf("Queue growing fast: %+.0f messages/min", rate);
    f = qt_findings_add(out, sev, "queue", "queue.growing", title);
    free(title);
    qt_finding_subject(f, "%s", q->dir);
    qt_finding_evidence(f, "%+.0f messages/min over the last %.0f s; %zu messages in queue now", rate, span,
                        q->messages);
    if (q->nsenders)
        qt_finding_evidence(f, "top sender: %s with %zu messages (%.0f %%)", shown_sender(q->senders[0].key),
                            q->senders[0].msgs, pct(q->senders[0].msgs, q->listed));
    qt_finding_explain(f, "Messages enter faster than qmail-send delivers them: a flood (a compromised account, "
                          "an open relay, a bounce storm) or remote hosts refusing or deferring mail.");
    qt_finding_fix(f, "# the Queue pane's sender and domain tables say who sends and where it goes");
    qt_finding_incident(f, "queue-flood", "queue", "%+.0f messages/min; %zu in queue", rate, q->messages);
}

#define AUTH_IPS_KEPT 64    /* distinct login IPs counted for the top sender's AUTH user */
#define AUTH_IPS_SHOWN 10   /* of them named in the evidence and the fix */

/* What the AUTH user behind the top sender tells (queue_auth.c) and its
 * logins in the logs (queue_logs.c, nips of them found): evidence lines. */
static void auth_evidence(qt_finding *f, const struct qt_qcount *top, const struct qt_logmon *logs,
                          char ips[][46], size_t nips, unsigned long logins)
{
    qt_buf b = {0};

    if (!top->auth) {
        if (top->auth_read)
            qt_finding_evidence(f, "no SMTP AUTH user in the %u messages read (qmail-smtpd's Received header): "
                                   "sent without AUTH, or injected locally", top->auth_read);
        return;
    }
    qt_finding_evidence(f, "SMTP AUTH user: %s (qmail-smtpd's Received header \"with ESMTPA\", %u of %u messages "
                           "read)", top->auth, top->auth_hits, top->auth_read);
    if (!logs)
        return;
    for (size_t i = 0; i < nips && i < AUTH_IPS_SHOWN; i++)
        qt_buf_printf(&b, "%s%s", i ? ", " : "", ips[i]);
    qt_finding_evidence(f, "the logs in the window: %lu AUTH logins of %s from %s%zu IPs%s%s%s", logins, top->auth,
                        nips == AUTH_IPS_KEPT ? ">=" : "", nips, nips ? " (" : "", qt_buf_str(&b),
                        nips > AUTH_IPS_SHOWN ? ", ...)" : nips ? ")" : "");
    qt_buf_free(&b);
}

/* vpasswd for a vpopmail account (user@domain), quoted for the shell. */
static void fix_password(qt_finding *f, const char *account)
{
    qt_buf b = {0};
    const char *at = strrchr(account, '@');

    if (!at || at == account || !at[1])
        return;
    qt_shell_quote(&b, account);
    qt_finding_fix(f, "vpasswd %s    # a vpopmail account: a new password (it asks for it) stops the "
                      "botnet's logins", qt_buf_str(&b));
    qt_buf_free(&b);
}

static void sender_flood(const qt_queue *q, const struct qt_logmon *logs, qt_findings *out)
{
    const struct qt_qcount *top = q->nsenders ? &q->senders[0] : NULL;
    char ips[AUTH_IPS_KEPT][46];
    double share;
    enum qt_sev sev;
    qt_finding *f;
    char *title, *id;
    size_t nips;
    unsigned long logins = 0;

    if (!top || qt_qsender_is_bounce(top->key) || qt_qsender_is_double_bounce(top->key) ||
        top->msgs < QT_QSEV_SENDER_MIN)
        return;
    share = q->listed ? (double)top->msgs / (double)q->listed : 0;
    if (share < QT_QSEV_SENDER_WARN)
        return;
    sev = share >= QT_QSEV_SENDER_CRIT && top->msgs >= QT_QSEV_SENDER_CRIT_MSGS ? QT_SEV_CRIT : QT_SEV_WARN;
    nips = top->auth ? qt_queue_auth_ips(logs, top->auth, ips, AUTH_IPS_KEPT, &logins) : 0;
    if (nips >= QT_QSEV_AUTH_IPS) {
        sev = QT_SEV_CRIT;
        title = qt_asprintf("Compromised account %s: logged in from %s%zu IPs, sends %.0f %% of the queue", top->auth,
                            nips == AUTH_IPS_KEPT ? ">=" : "", nips, 100 * share);
    } else {
        title = qt_asprintf("One sender owns %.0f %% of the queue: %s", 100 * share, top->key);
    }
    id = qt_asprintf("queue.sender:%s", top->key);
    f = qt_findings_add(out, sev, "queue", id, title);
    free(id);
    free(title);
    qt_finding_subject(f, "%s", top->key);
    qt_finding_evidence(f, "%zu of %zu messages (%.0f %%), %zu pending recipients; %zu distinct senders", top->msgs,
                        q->listed, 100 * share, top->rcpts, q->distinct_senders);
    auth_evidence(f, top, logs, ips, nips, logins);
    qt_finding_explain(f, "One envelope sender with most of the queue is the mark of a compromised account: its "
                          "password leaked and a botnet sends through SMTP AUTH from many addresses. The server's "
                          "IP lands on blocklists and every user's mail is deferred.");
    if (!top->auth)
        qt_finding_explain(f, "The envelope sender is written by the client: check the smtpd log for the AUTH user "
                              "that sent it before blaming the address.");
    fix_password(f, top->auth ? top->auth : top->key);
    if (nips) {
        qt_buf b = {0};
        for (size_t i = 0; i < nips && i < AUTH_IPS_SHOWN; i++)
            if (strcmp(ips[i], "-") != 0)
                qt_buf_printf(&b, " %s:deny", ips[i]);
        if (b.len)
            qt_finding_fix(f, "# the addresses that logged in as %s, for the smtpd's tcprules file (above its allow "
                              "lines):%s", top->auth, qt_buf_str(&b));
        qt_buf_free(&b);
    }
    qt_finding_fix(f, "# block the sending IPs in the smtpd rules (tcprules): a line 'IP:deny' per address, "
                      "then rebuild the cdb");
    stop_send(f);
    remove_by_sender(f, q, top->key);
    if (nips >= QT_QSEV_AUTH_IPS)
        qt_finding_incident(f, "queue-flood", "queue", "%zu of %zu queued messages (%.0f %%) from %s, logged in "
                            "from %zu IPs", top->msgs, q->listed, 100 * share, top->auth, nips);
    else
        qt_finding_incident(f, "queue-flood", "queue", "%zu of %zu queued messages (%.0f %%) from one sender",
                            top->msgs, q->listed, 100 * share);
}

static void backscatter(const qt_queue *q, qt_findings *out)
{
    enum qt_sev sev;
    qt_finding *f;
    char *title;

    if (q->bounces_remote < QT_QSEV_BOUNCE_MIN)
        return;
    sev = q->bounces_remote >= QT_QSEV_BOUNCE_CRIT ? QT_SEV_CRIT : QT_SEV_WARN;
    title = qt_asprintf("%zu bounces waiting for remote senders (backscatter)", q->bounces_remote);
    f = qt_findings_add(out, sev, "queue", "queue.backscatter", title);
    free(title);
    qt_finding_subject(f, "%s", q->dir);
    qt_finding_evidence(f, "%zu bounces (envelope sender <>) in the queue, %zu of them to a remote address; "
                           "%zu messages in queue", q->bounces, q->bounces_remote, q->messages);
    qt_finding_explain(f, "Mail accepted for addresses that do not exist is bounced to its forged sender: the "
                          "bounces pile up (most senders do not exist either) and hit innocent third parties, "
                          "which gets the server blocklisted.");
    qt_finding_fix(f, "# refuse unknown recipients during SMTP instead of bouncing later (a recipient check in "
                      "qmail-smtpd), and let vpopmail's .qmail-default delete mail for unknown users");
    stop_send(f);
    remove_by_sender(f, q, "");
    qt_finding_incident(f, "bounces", "queue", "%zu bounces queued for remote senders; %zu messages in queue",
                        q->bounces_remote, q->messages);
}

static void double_bounces(const qt_queue *q, qt_findings *out)
{
    qt_finding *f;
    char *title;
    const char *to = q->doublebounceto[0] ? q->doublebounceto : "postmaster";

    if (q->double_bounces < QT_QSEV_DOUBLE_MIN)
        return;
    title = qt_asprintf("%zu double bounces in the queue", q->double_bounces);
    f = qt_findings_add(out, QT_SEV_WARN, "queue", "queue.double-bounces", title);
    free(title);
    qt_finding_subject(f, "%s", q->dir);
    qt_finding_evidence(f, "%zu messages with envelope sender #@[]; control/doublebounceto: %s%s", q->double_bounces,
                        to, q->doublebounceto[0] ? "" : " (absent: the default)");
    qt_finding_explain(f, "A double bounce is a bounce that could not be delivered. They go to doublebounceto; "
                          "when that is a remote address, many servers refuse the sender #@[] and they end as "
                          "triple bounces, after waiting in the queue (docs/domain/qmail.md, bounces).");
    qt_finding_fix(f, "echo postmaster > /var/qmail/control/doublebounceto    # a local mailbox someone reads");
    stop_send(f);
    remove_by_sender(f, q, "#@[]");
    qt_finding_incident(f, "bounces", "queue", "%zu double bounces queued", q->double_bounces);
}

void qt_queue_analyse(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out)
{
    const qt_queue *q = snap->queue;
    double span, rate = qt_queue_growth(hist, &span);
    (void)ctx;

    if (!q || q->absent)
        return; /* failed: the STALE line says why; absent: no qmail queue here */
    summary(q, rate, span, out);
    growth(q, rate, span, out);
    sender_flood(q, snap->logs, out);
    backscatter(q, out);
    double_bounces(q, out);
    qt_queue_deferring(q, snap->logs, out);
}
