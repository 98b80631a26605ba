/* Unit tests: the configuration audit (issue 17, diag/config): the file
 * formats as qmail-local, vdelivermail and control.c read them, the reader
 * on fixture trees built in a temporary --root, and every check in its
 * right and its wrong form (qmail-control(5), qmail-send(8), dot-qmail(5),
 * vpopmail vdelivermail.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "diag/config/config.h"
#include "diag/config/qmailfile.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/servers/servers.h"
#include "config_fixture.h"
#include "tree_fixture.h"

static int setup(void **st)
{
    (void)st;
    snprintf(cfx_root, sizeof cfx_root, "/tmp/qt-config-XXXXXX");
    assert_non_null(mkdtemp(cfx_root));
    return 0;
}

/* A healthy base tree: every later test breaks one thing in it. */
static void base_tree(void)
{
    cfx_put("var/qmail/control/me", "mail.example.com\n", 0644);
    cfx_put("var/qmail/control/locals", "mail.example.com\nlocalhost\n", 0644);
    cfx_put("var/qmail/control/rcpthosts", "mail.example.com\nexample.com\n", 0644);
    cfx_put("var/qmail/control/virtualdomains", "example.com:example.com\n", 0644);
    cfx_put("var/qmail/alias/.qmail-postmaster", "&admin@example.com\n", 0644);
    cfx_put("var/qmail/alias/.qmail-mailer-daemon", "&postmaster\n", 0644);
    cfx_put("var/qmail/alias/.qmail-root", "&postmaster\n", 0644);
    cfx_put("var/qmail/users/assign", "+example.com-:example.com:89:89:/home/vpopmail/domains/example.com:-::\n.\n", 0644);
    cfx_put("var/qmail/users/cdb", "", 0644);
    cfx_put("home/vpopmail/domains/example.com/.qmail-default", "| /home/vpopmail/bin/vdelivermail '' delete\n", 0600);
    cfx_put("home/vpopmail/domains/example.com/alice/Maildir/new/.keep", "", 0600);
}

/* --- formats --- */

static void control_formats(void **st)
{
    (void)st;
    char *l = qt_control_line("mail.example.com \t\nsecond\n", 25);
    assert_string_equal(l, "mail.example.com");
    free(l);
    l = qt_control_line("", 0);
    assert_string_equal(l, "");
    free(l);
    unsigned long u = 7;
    assert_int_equal(qt_control_int("20\n", 3, &u), 1);
    assert_int_equal(u, 20);
    assert_int_equal(qt_control_int("12abc\n", 6, &u), 1);   /* scan_ulong takes the leading digits */
    assert_int_equal(u, 12);
    assert_int_equal(qt_control_int("abc\n", 4, &u), 0);     /* default kept, silently */
    assert_int_equal(qt_control_int(" 5\n", 3, &u), 0);
    char **v;
    int *no;
    const char *t = "# comment\na.example\n\n  \nb.example  \n#x\nc.example";
    size_t n = qt_control_list(t, strlen(t), &v, &no);
    assert_int_equal(n, 3);
    assert_string_equal(v[0], "a.example");
    assert_string_equal(v[1], "b.example");
    assert_string_equal(v[2], "c.example");
    assert_int_equal(no[1], 5);
    qt_control_list_free(v, no, n);
    assert_non_null(qt_control_def("doublebounceto"));
    assert_string_equal(qt_control_def("doublebounceto")->def, "postmaster");
    assert_true(qt_control_def("servercert.pem")->secret);
}

static void dotqmail_local(void **st)
{
    (void)st;
    qt_dotqmail dq;
    const char *t = "# forward\n&joe@example.org  \nmary@example.net\n./Maildir/\n./Mailbox\n|preline x\n+list\n\n&Joe User <a@b.example>\n&<a@b.example>";
    qt_dotqmail_parse(t, strlen(t), QT_DQ_QMAIL_LOCAL, &dq);
    assert_null(dq.fatal);
    assert_int_equal(dq.n, 10);
    assert_int_equal(dq.v[0].kind, QT_DQ_COMMENT);
    assert_int_equal(dq.v[1].kind, QT_DQ_FORWARD);
    assert_string_equal(dq.v[1].arg, "joe@example.org");   /* trailing spaces stripped */
    assert_null(dq.v[1].trap);
    assert_int_equal(dq.v[2].kind, QT_DQ_FORWARD);          /* a bare address */
    assert_int_equal(dq.v[3].kind, QT_DQ_MAILDIR);
    assert_int_equal(dq.v[4].kind, QT_DQ_MBOX);
    assert_int_equal(dq.v[5].kind, QT_DQ_PROGRAM);
    assert_string_equal(dq.v[5].arg, "preline x");
    assert_int_equal(dq.v[6].kind, QT_DQ_LIST);
    assert_int_equal(dq.v[7].kind, QT_DQ_BLANK);            /* skipped after the first line */
    assert_null(dq.v[7].trap);
    assert_int_equal(dq.v[8].kind, QT_DQ_FORWARD);
    assert_string_equal(dq.v[8].arg, "Joe User <a@b.example>");
    assert_non_null(dq.v[8].trap);
    assert_non_null(dq.v[9].trap);
    assert_int_equal(dq.forwards, 4);
    assert_int_equal(dq.programs, 1);
    assert_int_equal(dq.files, 2);
    qt_dotqmail_free(&dq);
    qt_dotqmail_parse("\n&a@b\n", 6, QT_DQ_QMAIL_LOCAL, &dq);
    assert_non_null(dq.fatal);
    assert_int_equal(dq.fatal_line, 1);
    qt_dotqmail_free(&dq);
}

static void dotqmail_vdelivermail(void **st)
{
    (void)st;
    qt_dotqmail dq;
    const char *t = "./Maildir/\n./Maildir/ \n&a@b.example\n\n/home/x/mbox";
    qt_dotqmail_parse(t, strlen(t), QT_DQ_VDELIVERMAIL, &dq);
    assert_int_equal(dq.n, 5);
    assert_int_equal(dq.v[0].kind, QT_DQ_MAILDIR);
    assert_null(dq.v[0].trap);
    assert_int_equal(dq.v[1].kind, QT_DQ_MBOX);             /* no stripping in vdelivermail */
    assert_non_null(dq.v[1].trap);
    assert_string_equal(dq.v[2].arg, "a@b.example");
    assert_non_null(dq.v[3].trap);                           /* blank line: an empty address */
    assert_non_null(dq.v[4].trap);                           /* mbox: defers */
    qt_dotqmail_free(&dq);
    /* the same text under qmail-local: "./Maildir/ " is a maildir there */
    qt_dotqmail_parse(t, strlen(t), QT_DQ_QMAIL_LOCAL, &dq);
    assert_int_equal(dq.v[1].kind, QT_DQ_MAILDIR);
    assert_null(dq.v[1].trap);
    qt_dotqmail_free(&dq);
}

/* --- the reader --- */

static void reader_tree(void **st)
{
    (void)st;
    base_tree();
    cfx_put("var/qmail/control/servercert.pem", "-----BEGIN PRIVATE KEY-----\nsecret\n", 0600);
    cfx_put("home/vpopmail/domains/example.com/bob/.qmail", "&bob@elsewhere.example\n", 0600);
    cfx_put("home/vpopmail/domains/example.com/0/carol/.qmail", "./Maildir/\n", 0600);   /* hashed big domain */
    cfx_put("home/vpopmail/domains/example.com/0/carol/Maildir/new/.keep", "", 0600);
    char fifo[1024];
    snprintf(fifo, sizeof fifo, "%s/var/qmail/control/smtproutes", cfx_root);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    qt_ctx c = cfx_ctx();
    qt_config cfg = {0};
    qt_config_read(&c, &cfg);
    const struct qt_cfg_file *f = qt_config_find(&cfg, QT_CFG_CONTROL, "me");
    assert_non_null(f);
    assert_int_equal(f->present, 1);
    assert_string_equal(f->path, "/var/qmail/control/me");
    f = qt_config_find(&cfg, QT_CFG_CONTROL, "doublebounceto");
    assert_int_equal(f->present, 0);
    f = qt_config_find(&cfg, QT_CFG_CONTROL, "servercert.pem");
    assert_int_equal(f->present, 1);
    assert_true(f->secret);
    assert_null(f->text);                       /* a key is never read */
    f = qt_config_find(&cfg, QT_CFG_CONTROL, "smtproutes");
    assert_int_equal(f->present, -1);           /* a FIFO is refused, not opened */
    assert_non_null(strstr(f->why, "FIFO"));
    f = qt_config_by_path(&cfg, "/home/vpopmail/domains/example.com/bob/.qmail");
    assert_non_null(f);
    assert_int_equal(f->kind, QT_CFG_VUSER);
    assert_string_equal(f->owner, "bob@example.com");
    f = qt_config_by_path(&cfg, "/home/vpopmail/domains/example.com/0/carol/.qmail");
    assert_non_null(f);
    assert_string_equal(f->owner, "carol@example.com");
    f = qt_config_by_path(&cfg, "/home/vpopmail/domains/example.com/.qmail-default");
    assert_non_null(f);
    assert_int_equal(f->kind, QT_CFG_DOMAIN);
    assert_string_equal(f->owner, "example.com");
    assert_null(qt_config_by_path(&cfg, "/home/vpopmail/domains/example.com/alice/.qmail"));
    qt_config_free(&cfg);
    unlink(fifo);
    cfx_rm("var/qmail/control/servercert.pem");
    cfx_rm("home/vpopmail/domains/example.com/bob/.qmail");
    cfx_rm("home/vpopmail/domains/example.com/0/carol/.qmail");
}

static void reader_stays_in_root(void **st)
{
    (void)st;
    base_tree();
    /* an absolute symlink is taken under the root, never the real /etc */
    char l[1024];
    snprintf(l, sizeof l, "%s/var/qmail/alias/.qmail-abuse", cfx_root);
    assert_int_equal(symlink("/etc/passwd", l), 0);
    qt_ctx c = cfx_ctx();
    qt_config cfg = {0};
    qt_config_read(&c, &cfg);
    const struct qt_cfg_file *f = qt_config_find(&cfg, QT_CFG_ALIAS, ".qmail-abuse");
    assert_non_null(f);
    assert_int_equal(f->present, 0);
    qt_config_free(&cfg);
    unlink(l);
}

/* --- checks, each in its right and its wrong form --- */

static void no_qmail_no_audit(void **st)
{
    (void)st;
    qt_findings fs;
    qt_config cfg;
    char ctl[300], keep[300];
    snprintf(ctl, sizeof ctl, "%s/var/qmail/control", cfx_root);
    snprintf(keep, sizeof keep, "%s/var/qmail/control-away", cfx_root);
    base_tree();
    assert_int_equal(rename(ctl, keep), 0);
    cfx_audit(&fs, &cfg, NULL);
    assert_int_equal(cfg.installed, 0);
    assert_int_equal(fs.n, 0);        /* no rcpthosts-missing on a host without qmail */
    cfx_done(&fs, &cfg);
    assert_int_equal(rename(keep, ctl), 0);
}

static void healthy_tree_is_quiet(void **st)
{
    (void)st;
    base_tree();
    qt_findings fs;
    qt_config cfg;
    cfx_audit(&fs, &cfg, NULL);
    for (size_t i = 0; i < fs.n; i++)
        print_message("unexpected: %s %s\n", qt_sev_name(fs.v[i].sev), fs.v[i].id);
    assert_int_equal(fs.n, 0);
    cfx_done(&fs, &cfg);
}

static void helohost(void **st)
{
    (void)st;
    base_tree();
    qt_findings fs;
    qt_config cfg;
    cfx_put("var/qmail/control/helohost", "mail.example.com\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    assert_null(qt_findings_find(&fs, "config.helohost-differs"));
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/control/helohost", "smtp.example.com\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    const qt_finding *f = qt_findings_find(&fs, "config.helohost-differs");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "line 1: smtp.example.com"));
    cfx_done(&fs, &cfg);
    cfx_rm("var/qmail/control/helohost");
}

static void doublebounce(void **st)
{
    (void)st;
    base_tree();
    qt_findings fs;
    qt_config cfg;
    const qt_finding *f;
    cfx_put("var/qmail/control/doublebounceto", "\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.doublebounceto-empty");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_non_null(strstr(f->explain, "triple bounce: discarding"));
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/control/doublebounceto", "postmaster@remote.example\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.doublebounceto-address");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "double bounces go to postmaster@remote.example@mail.example.com"));
    assert_non_null(strstr(f->fix, "echo postmaster > /var/qmail/control/doublebounceto"));
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/control/doublebounceto", "postmaster\n", 0644);
    cfx_put("var/qmail/control/doublebouncehost", "remote.example\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.doublebounceto-remote");
    assert_non_null(f);
    assert_non_null(strstr(f->explain, "MAIL FROM:<#@[]>"));
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/control/doublebouncehost", "mail.example.com\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    assert_null(qt_fx_finding_prefix(&fs, "config.doublebounce"));
    cfx_done(&fs, &cfg);
    cfx_rm("var/qmail/control/doublebounceto");
    cfx_rm("var/qmail/control/doublebouncehost");
}

static void aliases(void **st)
{
    (void)st;
    base_tree();
    qt_findings fs;
    qt_config cfg;
    cfx_rm("var/qmail/alias/.qmail-mailer-daemon");
    cfx_audit(&fs, &cfg, NULL);
    const qt_finding *f = qt_findings_find(&fs, "config.alias-missing:.qmail-mailer-daemon");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_string_equal(f->subject, "/var/qmail/alias/.qmail-mailer-daemon");
    assert_null(qt_findings_find(&fs, "config.alias-missing:.qmail-postmaster"));
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/alias/.qmail-default", "./Mailbox\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.alias-missing:.qmail-mailer-daemon");
    assert_int_equal(f->sev, QT_SEV_INFO);
    cfx_done(&fs, &cfg);
    cfx_rm("var/qmail/alias/.qmail-default");
}

static void relay(void **st)
{
    (void)st;
    base_tree();
    qt_findings fs;
    qt_config cfg;
    const qt_finding *f;
    cfx_rm("var/qmail/control/rcpthosts");
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.rcpthosts-missing");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);     /* no qmail-smtpd runs: not yet a relay */
    assert_non_null(strstr(f->evidence, "no running qmail-smtpd"));
    assert_null(qt_findings_find(&fs, "config.rcpthosts-empty"));
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/control/rcpthosts", "# nothing yet\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.rcpthosts-empty");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);
    assert_null(qt_findings_find(&fs, "config.rcpthosts-missing"));
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/control/rcpthosts", "mail.example.com\nexample.com\nother.example\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.rcpthosts-not-local:other.example");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_null(qt_findings_find(&fs, "config.rcpthosts-not-local:example.com"));
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/control/rcpthosts", "mail.example.com\n", 0644);   /* example.com left out */
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.not-in-rcpthosts:example.com");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_null(qt_findings_find(&fs, "config.not-in-rcpthosts:localhost"));   /* locals' localhost is not for SMTP */
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/control/rcpthosts", "mail.example.com\nexample.com\n", 0644);
    /* tcprules: a catch-all RELAYCLIENT is an open relay, a scoped one is not */
    qt_ctx c = cfx_ctx();
    cfx_put("etc/tcp.smtp", "127.:allow,RELAYCLIENT=\"\"\n:allow\n", 0644);
    memset(&cfg, 0, sizeof cfg);
    memset(&fs, 0, sizeof fs);
    qt_config_read(&c, &cfg);
    qt_config_add_rules(&c, &cfg, "/etc/tcp.smtp");
    qt_config_check(&c, &cfg, NULL, &fs);
    assert_null(qt_fx_finding_prefix(&fs, "config.rules-relay-all"));
    cfx_done(&fs, &cfg);
    cfx_put("etc/tcp.smtp", "127.:allow,RELAYCLIENT=\"\"\n:allow,RELAYCLIENT=\"\"\n", 0644);
    qt_config_read(&c, &cfg);
    qt_config_add_rules(&c, &cfg, "/etc/tcp.smtp");
    qt_config_check(&c, &cfg, NULL, &fs);
    f = qt_findings_find(&fs, "config.rules-relay-all:/etc/tcp.smtp");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);
    assert_non_null(strstr(f->evidence, "line 2: :allow,RELAYCLIENT=\"\""));
    cfx_done(&fs, &cfg);
}

static void numbers_and_stale(void **st)
{
    (void)st;
    base_tree();
    qt_findings fs;
    qt_config cfg;
    cfx_put("var/qmail/control/timeoutsmtpd", "20 minutes\n", 0644);
    cfx_put("var/qmail/control/databytes", "ten megs\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    assert_null(qt_findings_find(&fs, "config.not-a-number:timeoutsmtpd"));   /* "20" is read */
    const qt_finding *f = qt_findings_find(&fs, "config.not-a-number:databytes");
    assert_non_null(f);
    assert_non_null(strstr(f->explain, "default (0)"));
    assert_null(qt_fx_finding_prefix(&fs, "config.stale"));
    cfx_done(&fs, &cfg);
    cfx_rm("var/qmail/control/timeoutsmtpd");
    cfx_rm("var/qmail/control/databytes");
    /* users/assign newer than users/cdb */
    char p[1024];
    snprintf(p, sizeof p, "%s/var/qmail/users/cdb", cfx_root);
    struct timeval tv[2] = {{1000000, 0}, {1000000, 0}};
    assert_int_equal(utimes(p, tv), 0);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.stale:users/cdb");
    assert_non_null(f);
    assert_non_null(strstr(f->fix, "/var/qmail/bin/qmail-newu"));
    cfx_done(&fs, &cfg);
}

static void forwards(void **st)
{
    (void)st;
    base_tree();
    qt_findings fs;
    qt_config cfg;
    const qt_finding *f;
    const char *carol = "/home/vpopmail/domains/example.com/carol/.qmail";
    cfx_put("home/vpopmail/domains/example.com/carol/.qmail", "./Maildir/\n&carol@remote.example\n", 0600);
    cfx_put("home/vpopmail/domains/example.com/dave/.qmail", "|/var/qmail/bin/forward dave@remote.example\n", 0600);
    cfx_put("home/vpopmail/domains/example.com/erin/.qmail",
        "|/var/qmail/bin/qmail-inject -f erin@example.com -a erin@remote.example\n", 0600);
    cfx_put("home/vpopmail/domains/example.com/frank/.qmail", "&frank@example.com\n&alice\n", 0600);
    cfx_audit(&fs, &cfg, NULL);
    char id[300];
    snprintf(id, sizeof id, "config.forward-spf:%s", carol);
    f = qt_findings_find(&fs, id);
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "line 2: &carol@remote.example"));
    assert_non_null(strstr(f->fix, "line 2 -> |/var/qmail/bin/qmail-inject -f carol@example.com -a carol@remote.example"));
    assert_non_null(qt_findings_find(&fs, "config.forward-spf:/home/vpopmail/domains/example.com/dave/.qmail"));
    f = qt_findings_find(&fs, "config.forward-rewrites:/home/vpopmail/domains/example.com/erin/.qmail");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_null(qt_findings_find(&fs, "config.forward-spf:/home/vpopmail/domains/example.com/erin/.qmail"));
    assert_null(qt_fx_finding_prefix(&fs, "config.forward-spf:/home/vpopmail/domains/example.com/frank"));  /* local */
    cfx_done(&fs, &cfg);
    /* a system user's ~/.qmail (qmail-local); root's is never read */
    cfx_put("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nhank:x:1000:1000::/home/hank:/bin/sh\n", 0644);
    cfx_put("home/hank/.qmail", "&hank@remote.example\n", 0600);
    cfx_put("root/.qmail", "&root@remote.example\n", 0600);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.forward-spf:/home/hank/.qmail");
    assert_non_null(f);
    assert_non_null(strstr(f->fix, "-f hank@mail.example.com -a hank@remote.example"));
    assert_null(qt_findings_find(&fs, "config.forward-spf:/root/.qmail"));
    cfx_done(&fs, &cfg);
    cfx_rm("etc/passwd");
    cfx_rm("home/hank/.qmail");
    cfx_rm("root/.qmail");
    /* with SRS the patch rewrites forwards: no SPF finding */
    cfx_put("var/qmail/control/srs_domain", "srs.example.com\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    assert_null(qt_fx_finding_prefix(&fs, "config.forward-spf"));
    cfx_done(&fs, &cfg);
    cfx_rm("var/qmail/control/srs_domain");
    /* a domain's catch-all forwarding elsewhere */
    cfx_put("home/vpopmail/domains/example.com/.qmail-default",
        "| /home/vpopmail/bin/vdelivermail '' all@remote.example\n", 0600);
    cfx_audit(&fs, &cfg, NULL);
    assert_non_null(qt_findings_find(&fs, "config.forward-spf:/home/vpopmail/domains/example.com/.qmail-default"));
    cfx_done(&fs, &cfg);
    cfx_put("home/vpopmail/domains/example.com/.qmail-default", "| /home/vpopmail/bin/vdelivermail '' delete\n", 0600);
    cfx_rm("home/vpopmail/domains/example.com/carol/.qmail");
    cfx_rm("home/vpopmail/domains/example.com/dave/.qmail");
    cfx_rm("home/vpopmail/domains/example.com/erin/.qmail");
    cfx_rm("home/vpopmail/domains/example.com/frank/.qmail");
}

static void traps(void **st)
{
    (void)st;
    base_tree();
    qt_findings fs;
    qt_config cfg;
    const qt_finding *f;
    cfx_put("var/qmail/alias/.qmail-abuse", "&Joe User <joe@example.com>\n&<joe@example.com>\n", 0644);
    cfx_put("var/qmail/alias/.qmail-hostmaster", "\n&postmaster\n", 0644);
    cfx_put("var/qmail/alias/.qmail-www", "&postmaster\n", 0666);
    cfx_put("home/vpopmail/domains/example.com/gina/.qmail", "./Maildir/ \n", 0600);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.dotqmail-trap:/var/qmail/alias/.qmail-abuse");
    assert_non_null(f);
    assert_non_null(strstr(f->evidence, "line 1: &Joe User <joe@example.com>"));
    assert_non_null(strstr(f->evidence, "line 2: &<joe@example.com>"));
    f = qt_findings_find(&fs, "config.dotqmail-defers:/var/qmail/alias/.qmail-hostmaster");
    assert_non_null(f);
    assert_non_null(strstr(f->explain, "#4.2.1"));
    assert_non_null(qt_findings_find(&fs, "config.dotqmail-writable:/var/qmail/alias/.qmail-www"));
    f = qt_findings_find(&fs, "config.dotqmail-trap:/home/vpopmail/domains/example.com/gina/.qmail");
    assert_non_null(f);
    assert_non_null(strstr(f->explain, "vdelivermail"));
    /* the right forms stay quiet */
    assert_null(qt_fx_finding_prefix(&fs, "config.dotqmail-trap:/var/qmail/alias/.qmail-root"));
    cfx_done(&fs, &cfg);
    cfx_rm("var/qmail/alias/.qmail-abuse");
    cfx_rm("var/qmail/alias/.qmail-hostmaster");
    cfx_rm("var/qmail/alias/.qmail-www");
    cfx_rm("home/vpopmail/domains/example.com/gina/.qmail");
}

static void bashisms(void **st)
{
    (void)st;
    base_tree();
    qt_findings fs;
    qt_config cfg;
    const qt_finding *f;
    const char *id = "config.dotqmail-bashism:/var/qmail/alias/.qmail-log";
    cfx_put("var/qmail/alias/.qmail-log", "|/usr/bin/logger -t mail &>> /tmp/x\n", 0644);
    cfx_put("usr/bin/dash", "", 0755);
    cfx_put("usr/bin/bash", "", 0755);
    char sh[1024];
    qt_fx_sh("mkdir -p %s/bin", cfx_root);
    snprintf(sh, sizeof sh, "%s/bin/sh", cfx_root);
    assert_int_equal(symlink("/usr/bin/dash", sh), 0);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, id);
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->explain, "dash"));
    cfx_done(&fs, &cfg);
    unlink(sh);
    assert_int_equal(symlink("/usr/bin/bash", sh), 0);
    cfx_audit(&fs, &cfg, NULL);
    assert_null(qt_findings_find(&fs, id));
    cfx_done(&fs, &cfg);
    unlink(sh);
    cfx_put("var/qmail/alias/.qmail-log", "|/usr/bin/logger -t mail >> /tmp/x 2>&1\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    assert_null(qt_fx_finding_prefix(&fs, "config.dotqmail-bashism"));
    cfx_done(&fs, &cfg);
    cfx_rm("var/qmail/alias/.qmail-log");
}

static void catchall(void **st)
{
    (void)st;
    base_tree();
    qt_findings fs;
    qt_config cfg;
    cfx_put("home/vpopmail/domains/example.com/.qmail-default",
        "| /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox\n", 0600);
    cfx_audit(&fs, &cfg, NULL);
    const qt_finding *f = qt_findings_find(&fs, "config.catchall-bounce:example.com");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->fix, "| /home/vpopmail/bin/vdelivermail '' delete"));
    cfx_done(&fs, &cfg);
    cfx_put("home/vpopmail/domains/example.com/.qmail-default", "| /home/vpopmail/bin/vdelivermail '' delete\n", 0600);
    cfx_audit(&fs, &cfg, NULL);
    assert_null(qt_fx_finding_prefix(&fs, "config.catchall"));
    cfx_done(&fs, &cfg);
}

/* concurrencyincoming against the -c of the service whose run script reads it */
static void concurrency(void **st)
{
    (void)st;
    base_tree();
    cfx_put("var/qmail/control/concurrencyincoming", "40\n", 0644);
    qt_ctx c = cfx_ctx();
    qt_config cfg = {0};
    qt_findings fs = {0};
    qt_config_read(&c, &cfg);
    struct qt_server sv;
    memset(&sv, 0, sizeof sv);
    snprintf(sv.name, sizeof sv.name, "qmail-smtpd");
    snprintf(sv.svcdir, sizeof sv.svcdir, "/service/qmail-smtpd");
    sv.pid = 4242;
    sv.port = 2525;
    sv.limit = 20;
    sv.limit_source = "option -c";
    sv.run_text = "MAXSMTPD=`cat /var/qmail/control/concurrencyincoming`\nexec tcpserver -c \"$MAXSMTPD\" ...\n";
    qt_servers servers = {.v = &sv, .n = 1};
    qt_snapshot snap = {0};
    snap.servers = &servers;
    qt_config_check(&c, &cfg, &snap, &fs);
    const qt_finding *f = qt_findings_find(&fs, "config.concurrency-differs:qmail-smtpd");
    assert_non_null(f);
    assert_non_null(strstr(f->evidence, "qmail-smtpd (pid 4242) runs with -c 20 (option -c)"));
    assert_non_null(strstr(f->fix, "svc -t /service/qmail-smtpd"));
    qt_findings_free(&fs);
    sv.outside_root = 1;   /* the same front end of another tree (supervise outside --root) */
    qt_config_check(&c, &cfg, &snap, &fs);
    assert_null(qt_fx_finding_prefix(&fs, "config.concurrency-differs"));
    qt_findings_free(&fs);
    sv.outside_root = 0;
    sv.limit = 40;   /* restarted: they agree */
    memset(&fs, 0, sizeof fs);
    qt_config_check(&c, &cfg, &snap, &fs);
    assert_null(qt_fx_finding_prefix(&fs, "config.concurrency-differs"));
    qt_findings_free(&fs);
    sv.limit = 20;   /* another service that does not read the file, not on port 25 */
    sv.run_text = "exec tcpserver -c 20 0 2525 prog\n";
    memset(&fs, 0, sizeof fs);
    qt_config_check(&c, &cfg, &snap, &fs);
    assert_null(qt_fx_finding_prefix(&fs, "config.concurrency-differs"));
    cfx_done(&fs, &cfg);
    cfx_rm("var/qmail/control/concurrencyincoming");
}

/* --- servercert.pem: dates, names, key; its bytes never kept --- */

static double far_future(void) { return 4102444800.0; }  /* 2100-01-01 */

static void openssl_cert(const char *cn, const char *out_rel, int other_key)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem -days 30 "
             "-subj '/CN=%s' -addext 'subjectAltName=DNS:%s' >/dev/null 2>&1 && "
             "%s cat c.pem k.pem > '%s' && rm -f c.pem k.pem k2.pem",
             cfx_root, cn, cn,
             other_key ? "openssl genpkey -algorithm RSA -out k2.pem >/dev/null 2>&1 && mv k2.pem k.pem &&" : "",
             out_rel);
    assert_int_equal(system(cmd), 0);
}

static void certificate(void **st)
{
    (void)st;
    base_tree();
    qt_findings fs;
    qt_config cfg;
    const char *rel = "var/qmail/control/servercert.pem";
    openssl_cert("mail.example.com", rel, 0);
    cfx_audit(&fs, &cfg, NULL);
    assert_int_equal(cfg.cert_key, 1);
    assert_string_equal(cfg.cert_names, "mail.example.com");
    assert_null(qt_fx_finding_prefix(&fs, "config.cert"));
    assert_null(qt_config_find(&cfg, QT_CFG_CONTROL, "servercert.pem")->text);   /* never kept */
    cfx_done(&fs, &cfg);
    /* thirty days later than 2100: expired (a fake clock) */
    qt_ctx c = cfx_ctx();
    c.now = far_future;
    memset(&cfg, 0, sizeof cfg);
    memset(&fs, 0, sizeof fs);
    qt_config_read(&c, &cfg);
    qt_config_check(&c, &cfg, NULL, &fs);
    const qt_finding *f = qt_findings_find(&fs, "config.cert-expiry");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);
    cfx_done(&fs, &cfg);
    openssl_cert("other.example.org", rel, 0);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.cert-name");
    assert_non_null(f);
    assert_non_null(strstr(f->evidence, "certificate names: other.example.org"));
    cfx_done(&fs, &cfg);
    openssl_cert("mail.example.com", rel, 1);
    cfx_audit(&fs, &cfg, NULL);
    assert_int_equal(cfg.cert_key, 0);
    f = qt_findings_find(&fs, "config.cert-key-mismatch");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);
    for (size_t i = 0; i < fs.n; i++)   /* no byte of the key in any finding */
        assert_null(strstr(fs.v[i].evidence, "PRIVATE KEY"));
    cfx_done(&fs, &cfg);
    cfx_rm(rel);
}

/* --- the collector: re-read on an mtime change or qt_config_reread() --- */

static void collector_rereads(void **st)
{
    (void)st;
    base_tree();
    qt_ctx c = cfx_ctx();
    c.proc = "/nonexistent-proc";
    void *state = NULL;
    qt_snapshot s1 = {0}, s2 = {0}, s3 = {0}, s4 = {0};
    char err[256];
    assert_int_equal(qt_collector_config.collect(&c, &state, &s1, err, sizeof err), 0);
    assert_int_equal(qt_collector_config.collect(&c, &state, &s2, err, sizeof err), 0);
    assert_ptr_equal(s1.config, s2.config);          /* nothing changed: not read again */
    cfx_put("var/qmail/control/me", "other.example.com\n", 0644);
    char p[1024];
    snprintf(p, sizeof p, "%s/var/qmail/control/me", cfx_root);
    struct timeval tv[2] = {{2000000000, 0}, {2000000000, 0}};
    assert_int_equal(utimes(p, tv), 0);
    assert_int_equal(qt_collector_config.collect(&c, &state, &s3, err, sizeof err), 0);
    assert_ptr_not_equal(s2.config, s3.config);
    assert_non_null(strstr(qt_config_find(s3.config, QT_CFG_CONTROL, "me")->text, "other.example.com"));
    qt_config_reread();
    assert_int_equal(qt_collector_config.collect(&c, &state, &s4, err, sizeof err), 0);
    assert_ptr_not_equal(s3.config, s4.config);
    qt_collector_config.free_model(&s1);
    qt_collector_config.free_model(&s2);
    qt_collector_config.free_model(&s3);
    qt_collector_config.free_model(&s4);
    qt_collector_config.free_state(state);
    cfx_put("var/qmail/control/me", "mail.example.com\n", 0644);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(control_formats),
        cmocka_unit_test(dotqmail_local),
        cmocka_unit_test(dotqmail_vdelivermail),
        cmocka_unit_test(reader_tree),
        cmocka_unit_test(reader_stays_in_root),
        cmocka_unit_test(no_qmail_no_audit),
        cmocka_unit_test(healthy_tree_is_quiet),
        cmocka_unit_test(helohost),
        cmocka_unit_test(doublebounce),
        cmocka_unit_test(aliases),
        cmocka_unit_test(relay),
        cmocka_unit_test(numbers_and_stale),
        cmocka_unit_test(forwards),
        cmocka_unit_test(traps),
        cmocka_unit_test(bashisms),
        cmocka_unit_test(catchall),
        cmocka_unit_test(concurrency),
        cmocka_unit_test(certificate),
        cmocka_unit_test(collector_rereads),
    };
    return cmocka_run_group_tests(tests, setup, cfx_teardown);
}
