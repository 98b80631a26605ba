/* Unit tests: the servers collector, lint and pane on a fixture --root built
 * from the corpus in tests/fixtures/servers (no processes: an empty --proc).
 * Also the ELF option-string scan on real and synthetic binaries. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/parse/elfstrings.h"
#include "diag/lint/lint.h"
#include "diag/servers/servers.h"
#include "diag/core/snapshot.h"
#include "panes/pane.h"
#include "panes/panes.h"
#include "tree_fixture.h"

#define DATA QT_SRCDIR "/tests/fixtures/servers"

static char root[256];
static qt_ctx ctx;

static void service(const char *name, const char *corpus, const char *prefix)
{
    qt_fx_sh("mkdir -p %s/var/qmail/supervise/%s/log %s/service && ln -sfn /var/qmail/supervise/%s %s/service/%s", root, name, root, name, root, name);
    qt_fx_sh("{ echo '#!/bin/sh'; %s grep -v '^#' %s/%s; } > %s/var/qmail/supervise/%s/run", prefix, DATA, corpus, root, name);
    qt_fx_sh("echo 'exec setuidgid qmaill multilog t ./main' > %s/var/qmail/supervise/%s/log/run", root, name);
}

static int setup(void **st)
{
    (void)st;
    qt_fx_tree(root, sizeof root, "servers-test", &ctx, 1);
    qt_fx_sh("cp -r %s/root/. %s/ && mkdir -p %s/usr/bin %s/etc/tcprules.d", DATA, root, root, root);
    /* the SSL-patched binary (synthetic ELF with its getopt string) */
    qt_fx_sh("cp %s %s/usr/bin/tcpserver", FAKE_SSLPATCH, root);
    service("smtps", "gentoo-lkml-ssl.cmdline", "printf 'exec ';");
    service("smtp", "lwq-qmail-smtpd.run", "");
    service("smtps-incident", "incident-tcpserver-T.run", "");
    service("lab-tls", "lab-stunnel.run", "");
    service("lab-tls2", "lab-stunnel.run", "");
    service("submission", "jms1-sslserver.run", "");
    service("imaps", "incident-folklore.run", "");
    service("s6tls", "s6-tlsd.run", "");
    qt_fx_sh("cp %s/inetd.conf %s/var/qmail/supervise/lab-tls/", DATA, root);
    /* hostile: a FIFO where run should be (listed with the reason) and a
     * symlink loop (skipped): never a hang */
    qt_fx_sh("mkdir -p %s/service/fifo && mkfifo %s/service/fifo/run && ln -sfn loop %s/service/loop", root, root, root);
    /* a cdb older than its text file: tcprules was not rerun */
    qt_fx_sh("touch -d 2020-01-01 %s/etc/tcprules.d/tcp.smtp.cdb && echo '127.:allow,RELAYCLIENT=\"\"' > %s/etc/tcprules.d/tcp.smtp", root, root);
    /* supervise/status: TAI64 label of 1700000000, pid 0, not paused, want up */
    qt_fx_sh("printf '\\100\\0\\0\\0\\145\\123\\361\\012\\0\\0\\0\\0\\0\\0\\0\\0\\0u' > %s/var/qmail/supervise/smtp/supervise_status", root);
    qt_fx_sh("mkdir -p %s/var/qmail/supervise/smtp/supervise && mv %s/var/qmail/supervise/smtp/supervise_status %s/var/qmail/supervise/smtp/supervise/status",
       root, root, root);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    qt_fx_tree_remove(root);
    return 0;
}

static void discovery_and_lint(void **st)
{
    qt_sampler sm = {0};
    qt_snapshot *s;
    const struct qt_server *sv;
    const qt_finding *f;
    const char *src;
    (void)st;

    s = qt_sample(&sm, &ctx);
    assert_int_equal(s->src[QT_SRC_SERVERS].state, QT_SRC_OK);
    assert_non_null(s->servers);
    /* each found once, via /service and /var/qmail/supervise, plus the FIFO run */
    assert_int_equal(s->servers->n, 9);
    sv = qt_servers_find(s->servers, "fifo");
    assert_non_null(sv);
    assert_string_equal(sv->run_error, "cannot read /service/fifo/run: a FIFO, not a regular file");
    assert_null(sv->run_text);
    f = qt_findings_find(&s->findings, "servers.script-unread:fifo");
    assert_non_null(f);
    assert_string_equal(f->title, "run script not read: cannot read /service/fifo/run: a FIFO, not a regular file");

    /* SSL patch, proven by the binary's option string */
    sv = qt_servers_find(s->servers, "smtps");
    assert_non_null(sv);
    assert_string_equal(sv->svcdir, "/service/smtps");
    assert_string_equal(sv->realdir, "/var/qmail/supervise/smtps");
    assert_string_equal(sv->logdir, "/var/qmail/supervise/smtps/log/main");
    assert_int_equal(sv->variant, QT_VAR_SSL_PATCH);
    assert_true(sv->variant_certain);
    assert_int_equal(sv->port, 465);
    assert_int_equal(sv->limit, 40);
    assert_int_equal(sv->hs_source, QT_HS_NONE);
    f = qt_findings_find(&s->findings, "servers.no-handshake-deadline:smtps");
    assert_non_null(f);
    /* docs/severity.md: CRIT only for a live listener while stalls exist;
     * this one is not running (its own "down" finding is the CRIT) */
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "not running"));
    assert_int_equal(qt_findings_find(&s->findings, "servers.down:smtps")->sev, QT_SEV_CRIT);
    /* docs/incidents.md: not live, so no "no-deadline" incident; the down
     * service it should be is one (watched port 465: the service smtps) */
    assert_string_equal(f->inc_kind, "");
    assert_string_equal(qt_findings_find(&s->findings, "servers.down:smtps")->inc_kind, "service-down");
    assert_string_equal(qt_findings_find(&s->findings, "servers.down:smtps")->inc_service, "smtps");
    assert_non_null(strstr(qt_findings_find(&s->findings, "servers.down:smtps")->inc_impact, "smtps 465: smtps is not running although its scan directory starts it"));
    assert_non_null(strstr(f->fix, "corrected: exec sslserver -e -T 30 -p -v -R"));
    assert_non_null(strstr(f->fix, "svc -t /service/smtps"));
    assert_non_null(strstr(f->explain, "-t is the ident timeout"));
    /* its rules file exists; the LWQ one does not */
    assert_null(qt_findings_find(&s->findings, "servers.rules-missing:smtps"));
    f = qt_findings_find(&s->findings, "servers.rules-stale:smtps");
    assert_non_null(f);
    assert_non_null(strstr(f->fix, "tcprules /etc/tcprules.d/tcp.smtp.cdb /etc/tcprules.d/tcp.smtp.tmp < /etc/tcprules.d/tcp.smtp"));
    f = qt_findings_find(&s->findings, "servers.rules-missing:smtp");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);

    /* LWQ: -c from control/concurrencyincoming, port from etc/services */
    sv = qt_servers_find(s->servers, "smtp");
    assert_int_equal(sv->port, 25);
    assert_int_equal(sv->limit, 30);
    assert_true(sv->st.readable);
    assert_true(sv->st.since == 1700000000.0); /* label 0x6553f10a - 10 */
    assert_int_equal(qt_servers_limit(s->servers, 25, &src), 30);
    assert_string_equal(src, "option -c");
    assert_int_equal(qt_servers_limit(s->servers, 4242, &src), -1);
    assert_non_null(qt_findings_find(&s->findings, "servers.dns-on:smtp"));
    assert_null(qt_findings_find(&s->findings, "servers.ident-on:smtp"));        /* -R given */
    f = qt_findings_find(&s->findings, "servers.down:smtp");                      /* empty process table */
    assert_non_null(f);
    assert_non_null(strstr(f->evidence, "supervise/status: pid 0, want up"));

    /* the incident's -T: stock tcpserver would refuse to start */
    f = qt_findings_find(&s->findings, "servers.script-refused:smtps-incident");
    assert_non_null(f);
    assert_non_null(strstr(f->title, "illegal option -- T"));
    assert_non_null(strstr(f->fix, "corrected: exec tcpserver -v -R -H -c 100"));
    /* a command that cannot start has no port; two working ones on one port clash */
    assert_null(qt_findings_find(&s->findings, "servers.port-clash:465:smtps:smtps-incident"));
    assert_non_null(qt_findings_find(&s->findings, "servers.port-clash:24465:lab-tls:lab-tls2"));

    /* tcpserver + stunnel inetd mode: TIMEOUTbusy from the config next to run */
    sv = qt_servers_find(s->servers, "lab-tls");
    assert_int_equal(sv->hs_source, QT_HS_CHAIN);
    assert_true(sv->handshake == 5);
    f = qt_findings_find(&s->findings, "servers.handshake:lab-tls");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_OK);

    /* jms1 sslserver -seVn: fehcom only (V, n); -e is in the bundle */
    sv = qt_servers_find(s->servers, "submission");
    assert_int_equal(sv->variant, QT_VAR_SSLSERVER_FEH);
    assert_int_equal(sv->port, 587);
    assert_int_equal(sv->hs_source, QT_HS_DEFAULT);
    assert_true(sv->handshake == 26);
    assert_null(qt_findings_find(&s->findings, "servers.no-e:submission"));
    assert_non_null(qt_findings_find(&s->findings, "servers.handshake:submission"));

    /* the incident's folklore */
    sv = qt_servers_find(s->servers, "imaps");
    assert_int_equal(sv->variant, QT_VAR_SSL_PATCH);
    assert_string_equal(sv->script.server_name, "tcpserver-ssl");
    assert_int_equal(sv->port, 993);
    assert_int_equal(qt_findings_find(&s->findings, "servers.no-handshake-deadline:imaps")->sev, QT_SEV_WARN);
    f = qt_findings_find(&s->findings, "servers.t-meaningless:imaps");
    assert_non_null(f);
    assert_non_null(strstr(f->explain, "not a TLS handshake timeout"));
    assert_non_null(qt_findings_find(&s->findings, "servers.folklore-env:imaps"));
    assert_non_null(qt_findings_find(&s->findings, "servers.name:imaps"));

    /* s6: s6-tlsd without -K in the chain; -C limits one IP */
    sv = qt_servers_find(s->servers, "s6tls");
    assert_int_equal(sv->variant, QT_VAR_S6_TCPSERVER);
    assert_int_equal(sv->limit, 100);
    assert_int_equal(sv->iplimit, 10);
    assert_int_equal(sv->hs_source, QT_HS_NONE);
    f = qt_findings_find(&s->findings, "servers.no-handshake-deadline:s6tls");
    assert_non_null(f);
    assert_non_null(strstr(f->fix, "s6-tlsd -K30000 -- /var/qmail/bin/qmail-smtpd"));
    assert_null(qt_findings_find(&s->findings, "servers.one-ip:s6tls"));   /* 10 of 100: fine */

    qt_snapshot_free(s);
    qt_sampler_free(&sm);
}

static void corrected_line(void **st)
{
    qt_sampler sm = {0};
    qt_snapshot *s;
    struct qt_fixline fl;
    qt_buf line = {0}, marks = {0};
    (void)st;

    s = qt_sample(&sm, &ctx);
    assert_int_equal(qt_lint_corrected(&ctx, qt_servers_find(s->servers, "smtps"), &fl), 1);
    qt_fixline_render(&fl, &line, &marks);
    printf("corrected: %s\n           %s\n", qt_buf_str(&line), qt_buf_str(&marks));
    /* every fix applied: sslserver with -e -T 30, -H added, -c explicit already */
    assert_non_null(strstr(qt_buf_str(&line), "exec sslserver -e -T 30 -H -p -v -R -x /etc/tcprules.d/tcp.smtp.cdb -c 40"));
    assert_null(strstr(qt_buf_str(&line), " -s "));
    assert_null(strstr(qt_buf_str(&line), "ssmtp.crt"));
    /* the marks line has '^' exactly under the changed words */
    {
        const char *l = qt_buf_str(&line), *m = qt_buf_str(&marks);
        const char *p = strstr(l, "-e -T 30");
        assert_int_equal(m[p - l], '^');
        assert_int_equal(m[p - l + 2], ' ');
        p = strstr(l, "-v");
        assert_true((size_t)(p - l) >= strlen(m) || m[p - l] == ' ');
    }
    qt_buf_free(&line);
    qt_buf_free(&marks);
    qt_fixline_free(&fl);
    qt_snapshot_free(s);
    qt_sampler_free(&sm);
}

static void pane(void **st)
{
    qt_sampler sm = {0};
    qt_snapshot *s;
    qt_table head, main;
    struct qt_view_in in = {.ctx = &ctx};
    const qt_view *d;
    size_t r;
    (void)st;

    s = qt_sample(&sm, &ctx);
    in.snap = s;
    qt_table_init(&head, "");
    qt_table_init(&main, "");
    qt_view_fill(qt_pane_servers.top, &in, &head, &main);
    assert_int_equal(main.nrows, 9);
    r = qt_table_find(&main, "fifo");
    assert_true(r != (size_t)-1);
    assert_non_null(strstr(main.rows[r].cells[7].text, "run script not read: cannot read /service/fifo/run: a FIFO"));
    r = qt_table_find(&main, "smtps");
    assert_true(r != (size_t)-1);
    assert_string_equal(main.rows[r].cells[2].text, "tcpserver-sslpatch");
    assert_string_equal(main.rows[r].cells[5].text, "NONE");
    assert_int_equal(main.rows[r].cells[5].role, QT_ROLE_CRIT);
    assert_non_null(strstr(main.rows[r].cells[7].text, "CRIT"));
    d = qt_view_drill(qt_pane_servers.top, &in, "smtps");
    assert_non_null(d);
    qt_table_free(&main);
    qt_table_free(&head);
    in.key = "smtps";
    qt_table_init(&head, "");
    qt_table_init(&main, "");
    qt_view_fill(d, &in, &head, &main);
    /* the corrected line (158 columns) is wrapped at shell-safe points, not
     * cut: rows fix, fix~1, ... each within the value column, every one but
     * the last ending in " \\"; joined they give the whole line. The ^ marks
     * only line up with a line that fits: the changed words are listed. */
    {
        qt_buf joined = {0};
        size_t k;
        int w = qt_table_kv_width(&main);
        r = qt_table_find(&main, "fix");
        assert_true(r != (size_t)-1);
        assert_true(qt_table_find(&main, "fix~1") != (size_t)-1);
        for (k = r; k < main.nrows && (k == r || strncmp(main.rows[k].id, "fix~", 4) == 0); k++) {
            const char *c = main.rows[k].cells[1].text;
            size_t l = strlen(c);
            assert_true((int)l <= w);
            if (k + 1 < main.nrows && strncmp(main.rows[k + 1].id, "fix~", 4) == 0) {
                assert_true(l >= 2 && strcmp(c + l - 2, " \\") == 0);
                qt_buf_add(&joined, c, l - 1);
            } else {
                qt_buf_add(&joined, c, l);
            }
        }
        assert_non_null(strstr(qt_buf_str(&joined), "exec sslserver -e -T 30 -H -p -v -R -x /etc/tcprules.d/tcp.smtp.cdb "
                                                     "-c 40 -u 89 -g 89 0.0.0.0 465 /var/qmail/bin/qmail-smtpd"));
        qt_buf_free(&joined);
    }
    assert_true(qt_table_find(&main, "fix.marks") == (size_t)-1);
    r = qt_table_find(&main, "fix.word.0");
    assert_true(r != (size_t)-1);
    assert_int_equal(main.rows[r].cells[1].role, QT_ROLE_HILITE);
    /* each option with its meaning in this variant */
    {
        int seen = 0;
        for (size_t i = 0; i < main.nrows; i++)
            if (main.rows[i].cells[1].text && strstr(main.rows[i].cells[1].text, "-s  speak SSL/TLS"))
                seen = 1;
        assert_true(seen);
    }
    qt_table_free(&main);
    qt_table_free(&head);
    qt_snapshot_free(s);
    qt_sampler_free(&sm);
}

static void elf_scan(void **st)
{
    struct qt_elfinfo e;
    unsigned char junk[4096];
    (void)st;
    assert_int_equal(qt_elf_scan_path(FAKE_SSLPATCH, 0, &e), 0);
    assert_int_equal(e.variant, QT_VAR_SSL_PATCH);
    assert_string_equal(e.why, "exact getopt string");
    if (access("/usr/bin/tcpserver", R_OK) == 0) { /* Debian ucspi-tcp */
        assert_int_equal(qt_elf_scan_path("/usr/bin/tcpserver", 0, &e), 0);
        assert_int_equal(e.variant, QT_VAR_UCSPI_TCP);
        assert_string_equal(e.optstring, "dDvqQhHrR1UXx:t:u:g:l:b:B:c:pPoO");
        /* a tiny budget reads too little: unknown, and it says why */
        assert_int_equal(qt_elf_scan_path("/usr/bin/tcpserver", 512, &e), -1);
        assert_non_null(strstr(e.error, "no getopt-like option string"));
    }
    assert_int_equal(qt_elf_scan_path("/nonexistent/bin", 0, &e), -1);
    assert_non_null(strstr(e.error, "cannot open"));
    assert_int_equal(qt_elf_scan_path(DATA "/inetd.conf", 0, &e), -1);
    assert_string_equal(e.error, "not an ELF file");
    /* an ELF header with absurd section offsets: bounded, no crash */
    memset(junk, 0xff, sizeof junk);
    memcpy(junk, "\177ELF\2\1\1", 7);
    assert_int_equal(qt_elf_scan_mem(junk, sizeof junk, &e), -1);
    junk[63] = 0; /* strings in .rodata are NUL-separated */
    memcpy(junk + 64, "dDvqQhHrR1UXx:t:u:g:l:b:B:c:pPoO", 33);
    assert_int_equal(qt_elf_scan_mem(junk, sizeof junk, &e), 0);
    assert_int_equal(e.variant, QT_VAR_UCSPI_TCP);
    assert_int_equal(qt_elf_has_string(FAKE_SSLPATCH, "dDvqQhHrRsS1UXx:t:u:g:l:b:B:c:n:pPoO", 0), 1);
    assert_int_equal(qt_elf_has_string(FAKE_SSLPATCH, "SMTPAUTH", 0), 0);
}

/* A /proc/PID/stat line with this ppid and start time (clock ticks). */
static void fake_proc(const char *proc, int pid, const char *comm, int ppid, unsigned long long start, const char *env)
{
    qt_fx_sh("mkdir -p %s/%d && printf '%d (%s) S %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 %llu 0\\n' > %s/%d/stat",
       proc, pid, pid, comm, ppid, pid, pid, start, proc, pid);
    qt_fx_sh("printf 'Name:\\t%s\\nUid:\\t0\\t0\\t0\\t0\\n' > %s/%d/status", comm, proc, pid);
    qt_fx_sh("printf '%s\\0' > %s/%d/cmdline", comm, proc, pid);
    if (env)
        qt_fx_sh("printf '%s\\0' > %s/%d/environ", env, proc, pid);
}

/* A /proc tree ROOT/NAME with init and a `tcpserver -v 0 2525 qmail-smtpd`
 * listener, pid 100: the parent of the children a test adds. */
static void smtpd_listener(char *proc, size_t n, const char *name)
{
    snprintf(proc, n, "%s/%s", root, name);
    qt_fx_sh("mkdir -p %s && printf 'btime 1700000000\\n' > %s/stat", proc, proc);
    fake_proc(proc, 1, "init", 0, 1, NULL);
    fake_proc(proc, 100, "tcpserver", 1, 10, NULL);
    qt_fx_sh("printf 'tcpserver\\0-v\\0000\\02525\\0qmail-smtpd\\0' > %s/100/cmdline", proc);
}

/* How many children of sv came from ip (0 if none). */
static int ip_count(const struct qt_server *sv, const char *ip)
{
    for (int i = 0; i < sv->nips; i++)
        if (strcmp(sv->ips[i].ip, ip) == 0)
            return sv->ips[i].n;
    return 0;
}

/* The remote IP of a per-connection child is read once per process and
 * carried across samples: a changed environment is not re-read, a new
 * process under the same pid is, and a child whose environment showed no
 * IP yet is read again (these stat lines have no image key: see
 * child_ip_kept_per_image for "none" kept until an exec). */
static void child_ips_are_read_once(void **st)
{
    char proc[300];
    qt_ctx c = ctx;
    qt_sampler sm = {0};
    qt_snapshot *s;
    const struct qt_server *sv;
    (void)st;

    smtpd_listener(proc, sizeof proc, "proc-ips");
    fake_proc(proc, 200, "qmail-smtpd", 100, 50, "TCPREMOTEIP=192.0.2.1");
    fake_proc(proc, 201, "qmail-smtpd", 100, 51, "TCPREMOTEIP=192.0.2.2");
    fake_proc(proc, 202, "qmail-smtpd", 100, 52, "TCPREMOTEIP=192.0.2.1");
    fake_proc(proc, 203, "qmail-smtpd", 100, 53, "PATH=/bin");
    c.proc = proc;

    for (int round = 0; round < 3; round++) {
        if (round == 1) {
            /* the environment of 201 changes: the same process, not re-read;
             * 203 shows its IP only now */
            qt_fx_sh("printf 'TCPREMOTEIP=198.51.100.7\\0' > %s/201/environ", proc);
            qt_fx_sh("printf 'TCPREMOTEIP=203.0.113.5\\0' > %s/203/environ", proc);
        }
        if (round == 2) /* pid 201 is now another process (later start): read */
            fake_proc(proc, 201, "qmail-smtpd", 100, 90, "TCPREMOTEIP=198.51.100.7");
        s = qt_sample(&sm, &c);
        assert_non_null(s->servers);
        sv = NULL;
        for (size_t i = 0; i < s->servers->n; i++)
            if (s->servers->v[i].pid == 100)
                sv = &s->servers->v[i];
        assert_non_null(sv);
        assert_int_equal(sv->children, 4);
        assert_int_equal(sv->ips_known, round == 0 ? 3 : 4);
        assert_int_equal(ip_count(sv, "192.0.2.1"), 2);
        assert_int_equal(ip_count(sv, "192.0.2.2"), round < 2 ? 1 : 0);
        assert_int_equal(ip_count(sv, "198.51.100.7"), round < 2 ? 0 : 1);
        assert_int_equal(ip_count(sv, "203.0.113.5"), round == 0 ? 0 : 1);
        assert_string_equal(sv->ips[0].ip, "192.0.2.1");
        qt_snapshot_free(s);
    }
    qt_sampler_free(&sm);
}

/* Rewrite PID's stat line with start_code and start_stack (fields 26 and
 * 28 of proc(5)): the image key, which an exec changes. */
static void fake_image(const char *proc, int pid, const char *comm, int ppid, unsigned long long start,
                       unsigned long code, unsigned long stack)
{
    qt_fx_sh("printf '%d (%s) S %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 %llu 0 0 0 %lu 0 %lu 0\\n' > %s/%d/stat",
       pid, comm, ppid, pid, pid, start, code, stack, proc, pid);
}

/* fake_proc with an image in its stat (code, stack: the parent's for a fork
 * that has not exec'd, its own for a program). */
static void fake_exec(const char *proc, int pid, const char *comm, int ppid, unsigned long long start, const char *env,
                      unsigned long code, unsigned long stack)
{
    fake_proc(proc, pid, comm, ppid, start, env);
    fake_image(proc, pid, comm, ppid, start, code, stack);
}

static const struct qt_server *server_of(const qt_snapshot *s, int pid)
{
    for (size_t i = 0; s->servers && i < s->servers->n; i++)
        if (s->servers->v[i].pid == pid)
            return &s->servers->v[i];
    return NULL;
}

/* Issue 19: what a child's environment showed is kept per process image.
 * A child that showed no IP is not read again until it execs (its image
 * changes); a child that forked and has not exec'd (its parent's image)
 * shows its parent's environment and is not read at all. */
static void child_ip_kept_per_image(void **st)
{
    char proc[300];
    qt_ctx c = ctx;
    qt_sampler sm = {0};
    qt_snapshot *s;
    const struct qt_server *sv;
    (void)st;

    smtpd_listener(proc, sizeof proc, "proc-ipimg");
    fake_image(proc, 100, "tcpserver", 1, 10, 4096, 8192);
    /* forked, not exec'd: the listener's image (an IP here would be the listener's) */
    fake_exec(proc, 300, "bench-sleeper", 100, 60, "TCPREMOTEIP=192.0.2.9", 4096, 8192);
    /* exec'd, no IP in its environment yet */
    fake_exec(proc, 301, "qmail-smtpd", 100, 61, "PATH=/bin", 1111, 2222);
    c.proc = proc;

    for (int round = 0; round < 3; round++) {
        if (round == 1) /* same image: "none" is kept, the new environment not read */
            qt_fx_sh("printf 'TCPREMOTEIP=203.0.113.9\\0' > %s/301/environ", proc);
        if (round == 2) /* an exec (new image): read again */
            fake_image(proc, 301, "qmail-smtpd", 100, 61, 1111, 3333);
        s = qt_sample(&sm, &c);
        assert_non_null(sv = server_of(s, 100));
        assert_int_equal(sv->children, 2);
        assert_int_equal(ip_count(sv, "192.0.2.9"), 0);
        assert_int_equal(ip_count(sv, "203.0.113.9"), round == 2 ? 1 : 0);
        assert_int_equal(sv->ips_known, round == 2 ? 1 : 0);
        qt_snapshot_free(s);
    }
    qt_sampler_free(&sm);
}

/* Many children from many addresses: one row per address with its count
 * (the rows are found by a hash, which grows past 31 addresses), the
 * address with most children first, the others in the order first seen. */
static void child_ips_many_addresses(void **st)
{
    char proc[300];
    qt_ctx c = ctx;
    qt_sampler sm = {0};
    qt_snapshot *s;
    const struct qt_server *sv;
    (void)st;

    smtpd_listener(proc, sizeof proc, "proc-manyips");
    /* 200..399: 192.0.2.(pid - 200) for pids below 390, then 10 more from 198.51.100.1 */
    qt_fx_sh("cd %s && for p in $(seq 200 399); do mkdir -p $p; "
             "printf '%%d (qmail-smtpd) S 100 %%d %%d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 50 0\\n' $p $p $p > $p/stat; "
             "printf 'Name:\\tqmail-smtpd\\nUid:\\t0\\t0\\t0\\t0\\n' > $p/status; printf 'qmail-smtpd\\0' > $p/cmdline; "
             "if [ $p -lt 390 ]; then ip=192.0.2.$((p - 200)); else ip=198.51.100.1; fi; "
             "printf 'TCPREMOTEIP=%%s\\0' $ip > $p/environ; done", proc);
    c.proc = proc;
    s = qt_sample(&sm, &c);
    assert_non_null(sv = server_of(s, 100));
    assert_int_equal(sv->children, 200);
    assert_int_equal(sv->ips_known, 200);
    assert_int_equal(sv->nips, 191);
    assert_string_equal(sv->ips[0].ip, "198.51.100.1");
    assert_int_equal(sv->ips[0].n, 10);
    for (int i = 1; i < sv->nips; i++) {
        char want[48];
        snprintf(want, sizeof want, "192.0.2.%d", i - 1);
        assert_string_equal(sv->ips[i].ip, want);
        assert_int_equal(sv->ips[i].n, 1);
    }
    qt_snapshot_free(s);
    qt_sampler_free(&sm);
}

/* One sample's rows of listener 100 as text: "ip=n ..." in row order,
 * then the child counts. */
static void rows_text(const qt_snapshot *s, char *out, size_t n)
{
    const struct qt_server *sv = server_of(s, 100);
    size_t l;
    assert_non_null(sv);
    l = (size_t)snprintf(out, n, "children=%d progs=%d known=%d nips=%d:", sv->children, sv->progs_running,
                         sv->ips_known, sv->nips);
    for (int i = 0; i < sv->nips && l < n; i++)
        l += (size_t)snprintf(out + l, n - l, " %s=%d", sv->ips[i].ip, sv->ips[i].n);
    assert_true(l < n);
}

/* Issue 19: samples after the first count the children from the kept
 * entries (copied, not re-read or re-formatted): the second and third
 * give the same rows, counts and order as the first, although every
 * environment now shows another address (a live process's is not re-read)
 * and the children that showed none now show one (same image: kept); a
 * child read later joins its address's row. */
static void steady_samples_same_rows(void **st)
{
    char proc[300], first[4096], now[4096];
    qt_ctx c = ctx;
    qt_sampler sm = {0};
    qt_snapshot *s;
    (void)st;

    smtpd_listener(proc, sizeof proc, "proc-steady");
    fake_image(proc, 100, "tcpserver", 1, 10, 4096, 8192);
    /* 200..239 from 192.0.2.(pid % 7) (ties), 240..249 from 198.51.100.1,
     * 250..254 none yet, 255..256 forked not exec'd (the listener's image) */
    qt_fx_sh("cd %s && for p in $(seq 200 256); do mkdir -p $p; img='1111 0 2222'; "
             "if [ $p -ge 255 ]; then img='4096 0 8192'; fi; "
             "printf '%%d (qmail-smtpd) S 100 %%d %%d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 50 0 0 0 %%s 0\\n' $p $p $p \"$img\" > $p/stat; "
             "printf 'Name:\\tqmail-smtpd\\nUid:\\t0\\t0\\t0\\t0\\n' > $p/status; printf 'qmail-smtpd\\0' > $p/cmdline; "
             "if [ $p -lt 240 ]; then e=TCPREMOTEIP=192.0.2.$((p %% 7)); elif [ $p -lt 250 ]; then e=TCPREMOTEIP=198.51.100.1; "
             "elif [ $p -lt 255 ]; then e=PATH=/bin; else e=TCPREMOTEIP=203.0.113.99; fi; "
             "printf '%%s\\0' $e > $p/environ; done", proc);
    /* TLS relays: the IP is the program's, their child's; 258's first child
     * shows none. Their pids are below the others (wrapped): the walk's
     * order is not pid order, and the kept entries must be sorted. */
    fake_exec(proc, 257, "stunnel", 100, 55, NULL, 5555, 6666);
    fake_exec(proc, 150, "qmail-smtpd", 257, 56, "TCPREMOTEIP=2001:db8::7", 1111, 2222);
    fake_exec(proc, 258, "stunnel", 100, 57, NULL, 5555, 6666);
    fake_exec(proc, 151, "qmail-smtpd", 258, 58, "PATH=/bin", 1111, 2222);
    fake_exec(proc, 152, "qmail-smtpd", 258, 59, "TCPREMOTEIP=2001:db8::7", 1111, 2222);
    c.proc = proc;

    for (int round = 0; round < 3; round++) {
        if (round == 1)
            qt_fx_sh("cd %s && for p in $(seq 200 256) 150 151 152; do printf 'TCPREMOTEIP=203.0.113.%%d\\0' $((p %% 200)) "
                     "> $p/environ; done", proc);
        s = qt_sample(&sm, &c);
        rows_text(s, round ? now : first, sizeof first);
        qt_snapshot_free(s);
        if (round)
            assert_string_equal(now, first);
    }
    assert_string_equal(first, "children=59 progs=60 known=52 nips=9: 198.51.100.1=10 192.0.2.4=6 192.0.2.5=6 "
                               "192.0.2.6=6 192.0.2.0=6 192.0.2.1=6 192.0.2.2=5 192.0.2.3=5 2001:db8::7=2");
    /* a new child read now counts in the same row as the kept entries; a
     * child gone (254) makes the next lookup search the kept entries */
    qt_fx_sh("rm -rf %s/254", proc);
    fake_exec(proc, 259, "qmail-smtpd", 100, 70, "TCPREMOTEIP=192.0.2.4", 1111, 2222);
    s = qt_sample(&sm, &c);
    rows_text(s, now, sizeof now);
    qt_snapshot_free(s);
    assert_string_equal(now, "children=59 progs=60 known=53 nips=9: 198.51.100.1=10 192.0.2.4=7 192.0.2.5=6 "
                             "192.0.2.6=6 192.0.2.0=6 192.0.2.1=6 192.0.2.2=5 192.0.2.3=5 2001:db8::7=2");
    qt_sampler_free(&sm);
}

/* Findings about a running front end on a port nobody watches (not in
 * --ports) are marked unwatched, with a line saying so: --check leaves them
 * out (docs/monitoring.md). The same front end watched is not marked. */
static void unwatched_front_end(void **st)
{
    char proc[300], err[128];
    qt_ctx c = ctx;
    (void)st;

    snprintf(proc, sizeof proc, "%s/proc-unwatched", root);
    qt_fx_sh("mkdir -p %s && printf 'btime 1700000000\\n' > %s/stat", proc, proc);
    fake_proc(proc, 1, "init", 0, 1, NULL);
    fake_proc(proc, 100, "tcpserver", 1, 10, NULL);
    /* `timeout 60` in the chain: a WARN about the running front end */
    qt_fx_sh("printf '%%s\\0' tcpserver -v -c 10 0 2525 timeout 60 qmail-smtpd > %s/100/cmdline", proc);
    c.proc = proc;
    for (int watched = 0; watched < 2; watched++) {
        qt_sampler sm = {0};
        qt_snapshot *s;
        const qt_finding *f = NULL;
        if (watched)
            assert_int_equal(qt_ctx_parse_ports(&c, "smtp=2525", err, sizeof err), 0);
        s = qt_sample(&sm, &c);
        for (size_t i = 0; i < s->findings.n; i++)
            if (!strncmp(s->findings.v[i].id, "servers.timeout-wrapper:", 24))
                f = &s->findings.v[i];
        assert_non_null(f);
        assert_int_equal(f->sev, QT_SEV_WARN);
        assert_int_equal(f->unwatched, !watched);
        if (watched)
            assert_null(strstr(f->evidence, "not watched"));
        else
            assert_non_null(strstr(f->evidence, "port 2525 is not watched (--ports): --check leaves this out"));
        /* findings about watched ports and host-wide ones are never marked */
        for (size_t i = 0; i < s->findings.n; i++)
            if (strcmp(s->findings.v[i].source, "servers"))
                assert_int_equal(s->findings.v[i].unwatched, 0);
        qt_snapshot_free(s);
        qt_sampler_free(&sm);
    }
}

/* A running front end is this tree's service only when its supervise runs
 * in that service's directory: a supervise of the same name whose cwd lies
 * outside --root (another tree on the host, e.g. a second lab) is not
 * attached to it by name. By name only when the cwd is unreadable. */
static void supervise_of_another_tree(void **st)
{
    char proc[300];
    qt_ctx c = ctx;
    (void)st;

    snprintf(proc, sizeof proc, "%s/proc-other-tree", root);
    for (int round = 0; round < 3; round++) {
        qt_sampler sm = {0};
        qt_snapshot *s;
        const struct qt_server *named = NULL, *listener = NULL;
        char id[300];
        qt_fx_sh("rm -rf %s && mkdir -p %s && printf 'btime 1700000000\\n' > %s/stat", proc, proc, proc);
        fake_proc(proc, 1, "init", 0, 1, NULL);
        fake_proc(proc, 50, "supervise", 1, 5, NULL);
        qt_fx_sh("printf '%%s\\0' supervise smtp > %s/50/cmdline", proc);
        if (round == 0)      /* the same name, in another tree */
            qt_fx_sh("ln -s /nonexistent-other-tree/service/smtp %s/50/cwd", proc);
        else if (round == 1) /* this tree's service directory */
            qt_fx_sh("ln -s %s/service/smtp %s/50/cwd", root, proc);
        /* round 2: no cwd link (not readable): matched by name */
        fake_proc(proc, 100, "tcpserver", 50, 10, NULL);
        qt_fx_sh("printf '%%s\\0' tcpserver -v -c 10 -x /nonexistent-other-tree/etc/tcp.smtp.cdb 0 2525 qmail-smtpd > %s/100/cmdline", proc);
        c.proc = proc;
        s = qt_sample(&sm, &c);
        assert_non_null(s->servers);
        for (size_t i = 0; i < s->servers->n; i++) {
            if (!strcmp(s->servers->v[i].name, "smtp"))
                named = &s->servers->v[i];
            if (s->servers->v[i].pid == 100)
                listener = &s->servers->v[i];
        }
        assert_non_null(named);
        assert_non_null(listener);
        if (round == 0) {
            assert_true(named != listener);
            assert_int_equal(named->pid, 0);
            assert_int_equal(listener->supervisor_pid, 50);
            /* nothing about the other tree's process is blamed on this run
             * script, and its files (outside the root) are not checked here */
            assert_int_equal(listener->outside_root, 1);
            assert_int_equal(listener->rules_exists, -1);
            snprintf(id, sizeof id, "servers.rules-missing:%s", listener->name);
            for (size_t i = 0; i < s->findings.n; i++) {
                assert_null(strstr(s->findings.v[i].id, "servers.script-differs:smtp"));
                assert_string_not_equal(s->findings.v[i].id, id);
            }
        } else {
            assert_ptr_equal(named, listener);
            assert_int_equal(listener->outside_root, 0);
            assert_int_equal(listener->rules_exists, 0); /* under this root: checked, missing */
        }
        qt_snapshot_free(s);
        qt_sampler_free(&sm);
    }
}

static void status_file(void **st)
{
    struct qt_supervise_status s;
    const unsigned char b[18] = {0x40, 0, 0, 0, 0x65, 0x53, 0xf1, 0x0a, 0, 0, 0, 0, 0x39, 0x30, 0, 0, 1, 'd'};
    (void)st;
    assert_int_equal(qt_supervise_status_parse(b, 18, &s), 0);
    assert_int_equal(s.pid, 12345);
    assert_true(s.paused);
    assert_false(s.want_up);
    assert_int_equal(qt_supervise_status_parse(b, 17, &s), -1);
    assert_int_equal(qt_servers_port(&ctx, "smtps"), 465);
    assert_int_equal(qt_servers_port(&ctx, "ssmtp"), 465);   /* alias in etc/services */
    assert_int_equal(qt_servers_port(&ctx, "99999"), 0);
    assert_int_equal(qt_servers_port(&ctx, "nosuch"), 0);
}

/* An /etc/services number outside 1..65535 is no port: the name falls
 * through to the next line and the built-ins (fuzz_readers found
 * "smtps 465587/tcp" returned as port 465587). */
static void services_port_range(void **st)
{
    char r[64], cmd[256];
    qt_ctx c;
    (void)st;
    snprintf(r, sizeof r, "/tmp/qt-services-test.XXXXXX");
    assert_non_null(mkdtemp(r));
    snprintf(cmd, sizeof cmd, "mkdir -p %s/etc && printf 'smtps\\t465587/tcp\\nsubmission 587/tcp\\n"
             "huge 99999999999999999999999/tcp mail\\n' > %s/etc/services", r, r);
    qt_fx_sh("%s", cmd);
    qt_ctx_defaults(&c);
    c.root = r;
    assert_int_equal(qt_servers_port(&c, "smtps"), 465); /* the built-in */
    assert_int_equal(qt_servers_port(&c, "submission"), 587);
    assert_int_equal(qt_servers_port(&c, "huge"), 0);
    assert_int_equal(qt_servers_port(&c, "mail"), 0);
    qt_fx_sh("rm -rf %s", r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(discovery_and_lint),
        cmocka_unit_test(corrected_line),
        cmocka_unit_test(pane),
        cmocka_unit_test(elf_scan),
        cmocka_unit_test(status_file),
        cmocka_unit_test(services_port_range),
        cmocka_unit_test(child_ips_are_read_once),
        cmocka_unit_test(child_ip_kept_per_image),
        cmocka_unit_test(child_ips_many_addresses),
        cmocka_unit_test(steady_samples_same_rows),
        cmocka_unit_test(unwatched_front_end),
        cmocka_unit_test(supervise_of_another_tree),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
