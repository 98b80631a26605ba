/* Unit tests: configuration findings that explain what the logs show become
 * incidents (issue 17, diag/config/config_incident.c, docs/incidents.md):
 * fixture trees in a temporary --root and the logs model fed with qmail-send
 * lines (docs/domain/qmail.md#qmail-send-log) in the same snapshot. Without
 * the log evidence the finding stays a plain finding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag/config/config.h"
#include "diag/core/incident.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/logmon/logmon.h"
#include "config_fixture.h"

/* A logs model holding lines (qmail-send's multilog, one source). */
static qt_logmon *logs_of(const char *const *lines)
{
    qt_logmon *m = qt_malloc(sizeof *m);
    qt_logmon_init(m, (double)time(NULL), 3600);
    m->nsrc = 1;
    snprintf(m->src[0].name, sizeof m->src[0].name, "send");
    qt_logmon_srcctx *c = qt_logmon_srcctx_new((int64_t)time(NULL));
    for (size_t i = 0; lines && lines[i]; i++)
        qt_logmon_ingest(m, c, 0, lines[i], strlen(lines[i]), 0);
    qt_logmon_srcctx_free(c);
    return m;
}

/* Read the tree and check it with logs (NULL: no logs model). */
static void audit(qt_findings *fs, qt_config *cfg, qt_logmon *logs)
{
    qt_snapshot snap;
    memset(&snap, 0, sizeof snap);
    snap.logs = logs;
    cfx_audit(fs, cfg, &snap);
}

/* A spam bounce that cannot be delivered, its double bounce, then the triple. */
static const char *const triple[] = {
    "@400000006b13e8ff20ec4131 new msg 100",
    "@400000006b13e8ff20ec4131 info msg 100: bytes 900 from <> qp 1 uid 89",
    "@400000006b13e8ff20ec4131 starting delivery 5: msg 100 to remote x@forged.example",
    "@400000006b13e8ff20ec4131 delivery 5: failure: Sorry,_I_couldn't_find_any_host_named_forged.example._(#5.1.2)/",
    "@400000006b13e9000a8838f6 bounce msg 100 qp 2",
    "@400000006b13e90539bcffae info msg 101: bytes 2464 from <#@[]> qp 3 uid 89",
    "@400000006b13e907250b9c48 triple bounce: discarding bounce/101",
    NULL};

static const char *const no_triple[] = {
    "@400000006b13e8ff20ec4131 new msg 100",
    "@400000006b13e8ff20ec4131 info msg 100: bytes 900 from <a@example.com> qp 1 uid 89",
    "@400000006b13e8ff20ec4131 starting delivery 5: msg 100 to local example.com-alice@example.com",
    "@400000006b13e8ff20ec4131 delivery 5: success: did_1+0+0/",
    NULL};

/* doublebounceto empty: INFO, an incident only with triple bounces logged */
static void bounce_empty(void **st)
{
    (void)st;
    qt_findings fs;
    qt_config cfg;
    const qt_finding *f;
    cfx_put("var/qmail/control/doublebounceto", "\n", 0644);
    audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.doublebounceto-empty");
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "");
    cfx_done(&fs, &cfg);

    qt_logmon *m = logs_of(no_triple);
    audit(&fs, &cfg, m);
    f = qt_findings_find(&fs, "config.doublebounceto-empty");
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "");   /* logs read, but nothing lost */
    assert_null(strstr(f->evidence, "logs:"));
    cfx_done(&fs, &cfg);
    free(m);

    m = logs_of(triple);
    audit(&fs, &cfg, m);
    f = qt_findings_find(&fs, "config.doublebounceto-empty");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_string_equal(f->inc_kind, "bounce-config");
    assert_string_equal(f->inc_service, "host");
    assert_string_equal(f->inc_impact, "1 double bounces discarded (triple bounce): control/doublebounceto is empty "
                                       "(they go to @mail.example.com)");
    assert_non_null(strstr(f->evidence, "logs: 1 triple bounce (\"triple bounce: discarding\"), 1 double bounce"));
    assert_non_null(strstr(f->evidence, "logs: triple bounce: discarding bounce/101"));
    /* the incident grouping gives it its own id */
    qt_incidents is = {0};
    qt_findings_sort(&fs);
    qt_incidents_build(&fs, 1.0, NULL, &is);
    assert_true(qt_incidents_find(&is, "bounce-config:host") >= 0);
    qt_incidents_free(&is);
    cfx_done(&fs, &cfg);
    free(m);
    cfx_rm("var/qmail/control/doublebounceto");
}

/* a whole address in doublebounceto, and an off-site doublebouncehost */
static void bounce_address_remote(void **st)
{
    (void)st;
    qt_findings fs;
    qt_config cfg;
    const qt_finding *f;
    qt_logmon *m = logs_of(triple);
    cfx_put("var/qmail/control/doublebounceto", "postmaster@remote.example\n", 0644);
    audit(&fs, &cfg, m);
    f = qt_findings_find(&fs, "config.doublebounceto-address");
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "bounce-config");
    assert_non_null(strstr(f->inc_impact, "holds a whole address (they go to postmaster@remote.example@mail.example.com)"));
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/control/doublebounceto", "postmaster\n", 0644);
    cfx_put("var/qmail/control/doublebouncehost", "remote.example\n", 0644);
    audit(&fs, &cfg, m);
    f = qt_findings_find(&fs, "config.doublebounceto-remote");
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "bounce-config");
    cfx_done(&fs, &cfg);
    free(m);
    cfx_rm("var/qmail/control/doublebounceto");
    cfx_rm("var/qmail/control/doublebouncehost");
}

/* no postmaster alias: double bounces (to postmaster by default) are lost */
static void bounce_alias(void **st)
{
    (void)st;
    qt_findings fs;
    qt_config cfg;
    const qt_finding *f;
    qt_logmon *m = logs_of(triple);
    cfx_rm("var/qmail/alias/.qmail-postmaster");
    audit(&fs, &cfg, m);
    f = qt_findings_find(&fs, "config.alias-missing:.qmail-postmaster");
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "bounce-config");
    assert_non_null(strstr(f->inc_impact, "the alias they go to is missing (they go to postmaster@mail.example.com)"));
    cfx_done(&fs, &cfg);
    /* ~alias/.qmail-default takes postmaster's mail: INFO, not the cause */
    cfx_put("var/qmail/alias/.qmail-default", "./Mailbox\n", 0644);
    audit(&fs, &cfg, m);
    f = qt_findings_find(&fs, "config.alias-missing:.qmail-postmaster");
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "");
    cfx_done(&fs, &cfg);
    cfx_rm("var/qmail/alias/.qmail-default");
    /* another alias missing is not where double bounces go */
    cfx_put("var/qmail/alias/.qmail-postmaster", "&admin@example.com\n", 0644);
    cfx_rm("var/qmail/alias/.qmail-root");
    audit(&fs, &cfg, m);
    f = qt_findings_find(&fs, "config.alias-missing:.qmail-root");
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "");
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/alias/.qmail-root", "&postmaster\n", 0644);
    free(m);
}

/* A forward to remote.example and the remote's SPF refusal of it. */
static const char *const spf_refused[] = {
    "@400000006b13e8ff20ec4131 new msg 200",
    "@400000006b13e8ff20ec4131 info msg 200: bytes 900 from <boss@partner.example> qp 1 uid 89",
    "@400000006b13e8ff20ec4131 starting delivery 7: msg 200 to remote carol@remote.example",
    "@400000006b13e8ff20ec4131 delivery 7: failure: Connected_to_192.0.2.25_but_sender_was_rejected./"
    "Remote_host_said:_550_5.7.23_SPF_validation_failed_for_boss@partner.example/",
    NULL};

static const char *const other_refused[] = {
    "@400000006b13e8ff20ec4131 new msg 200",
    "@400000006b13e8ff20ec4131 info msg 200: bytes 900 from <boss@partner.example> qp 1 uid 89",
    "@400000006b13e8ff20ec4131 starting delivery 7: msg 200 to remote carol@remote.example",
    "@400000006b13e8ff20ec4131 delivery 7: deferral: Connected_to_192.0.2.25_but_connection_died._(#4.4.2)/",
    "@400000006b13e8ff20ec4131 starting delivery 8: msg 200 to remote bob@elsewhere.example",
    "@400000006b13e8ff20ec4131 delivery 8: failure: Remote_host_said:_550_5.7.23_SPF_validation_failed/",
    NULL};

static void spf_forward(void **st)
{
    (void)st;
    qt_findings fs;
    qt_config cfg;
    const qt_finding *f;
    const char *id = "config.forward-spf:/home/vpopmail/domains/example.com/carol/.qmail";
    cfx_put("home/vpopmail/domains/example.com/carol/.qmail", "./Maildir/\n&carol@remote.example\n", 0600);
    audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, id);
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "");
    cfx_done(&fs, &cfg);

    qt_logmon *m = logs_of(spf_refused);
    audit(&fs, &cfg, m);
    f = qt_findings_find(&fs, id);
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "spf-forward");
    assert_string_equal(f->inc_service, "remote.example");
    assert_string_equal(f->inc_impact, "remote.example: 1 mails failed and 0 deferred, the reply names SPF; "
                                       "/home/vpopmail/domains/example.com/carol/.qmail forwards there keeping the "
                                       "original sender");
    assert_non_null(strstr(f->evidence, "logs: mail to remote.example: 1 failed, 0 deferred; the receiver's reply "
                                        "names SPF"));
    assert_non_null(strstr(f->evidence, "550_5.7.23_SPF_validation_failed"));
    cfx_done(&fs, &cfg);
    free(m);

    /* the domain defers for another reason, the SPF refusal is another
     * domain's: evidence, but no incident */
    m = logs_of(other_refused);
    audit(&fs, &cfg, m);
    f = qt_findings_find(&fs, id);
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "");
    assert_non_null(strstr(f->evidence, "logs: mail to remote.example: 0 failed, 1 deferred; no reply read names SPF"));
    cfx_done(&fs, &cfg);
    free(m);

    /* with SRS the forward is rewritten: no finding, no incident */
    cfx_put("var/qmail/control/srs_domain", "srs.example.com\n", 0644);
    m = logs_of(spf_refused);
    audit(&fs, &cfg, m);
    assert_null(qt_findings_find(&fs, id));
    cfx_done(&fs, &cfg);
    free(m);
    cfx_rm("var/qmail/control/srs_domain");
    cfx_rm("home/vpopmail/domains/example.com/carol/.qmail");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bounce_empty),
        cmocka_unit_test(bounce_address_remote),
        cmocka_unit_test(bounce_alias),
        cmocka_unit_test(spf_forward),
    };
    return cmocka_run_group_tests(tests, cfx_setup, cfx_teardown);
}
