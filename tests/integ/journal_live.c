/* journal_live.c - the logs collector on a real journal (issue 16), run by
 * test_journal.sh inside a private mount and network namespace where a
 * private systemd-journald writes ROOT/run/log/journal. Usage:
 *   journal_live ROOT
 * It sends entries with sd_journal_send (journald's own socket), samples the
 * collector under --root ROOT, and checks: the mail entries of the window
 * read back, a non-mail entry left out, an entry by identifier only taken,
 * new entries followed once each with their own time, and, with a syslog
 * file that carries the same lines, the journal not counted. Prints
 * "ok - ..." / "not ok - ..." lines; exit 1 when one failed. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

#include "diag/core/ctx.h"
#include "diag/core/snapshot.h"
#include "diag/logmon/logmon.h"

static int failed;

static void check(int good, const char *what, long got)
{
    printf("%s - %s (%ld)\n", good ? "ok" : "not ok", what, got);
    failed |= !good;
}

static const struct qt_logmon_src *src_named(const qt_logmon *m, const char *name)
{
    for (size_t i = 0; m && i < m->nsrc; i++)
        if (!strcmp(m->src[i].name, name))
            return &m->src[i];
    return NULL;
}

static void send_mail(const char *user, const char *ip)
{
    sd_journal_send("MESSAGE=vchkpw-smtp: password fail %s:%s", user, ip, "SYSLOG_FACILITY=2",
                    "SYSLOG_IDENTIFIER=vpopmail", "PRIORITY=5", NULL);
}

/* sample until source journal has read `want` lines (journald writes
 * asynchronously), at most 5 s */
static const qt_logmon *wait_lines(qt_sampler *s, qt_ctx *ctx, qt_snapshot **snap, unsigned long want)
{
    for (int i = 0; i < 50; i++) {
        const struct qt_logmon_src *j;
        if (*snap)
            qt_snapshot_free(*snap);
        *snap = qt_sample(s, ctx);
        j = src_named((*snap)->logs, "journal");
        if (j && j->lines >= want)
            break;
        usleep(100000);
    }
    return (*snap)->logs;
}

int main(int argc, char **argv)
{
    qt_ctx ctx;
    qt_sampler s = {0}, s2 = {0};
    qt_snapshot *snap = NULL;
    const qt_logmon *m;
    const struct qt_logmon_src *j;
    const struct qt_logmon_line *l;
    char path[600];
    FILE *f;

    if (argc != 2)
        return 2;
    /* the window: three mail entries, one by identifier only, one not mail */
    for (int i = 0; i < 3; i++)
        send_mail("old@example.test", "192.0.2.10");
    sd_journal_send("MESSAGE=ok 4242 mx:127.0.0.1:25 :192.0.2.11::40000", "SYSLOG_FACILITY=3",
                    "SYSLOG_IDENTIFIER=tcpserver", NULL);
    sd_journal_send("MESSAGE=vchkpw-smtp: password fail nomail@example.test:192.0.2.12", "SYSLOG_FACILITY=4",
                    "SYSLOG_IDENTIFIER=sshd", NULL);
    usleep(300000);
    qt_ctx_defaults(&ctx);
    ctx.root = argv[1];
    ctx.proc = "/nonexistent-proc";
    m = wait_lines(&s, &ctx, &snap, 4);
    j = src_named(m, "journal");
    check(j != NULL, "the journal is a source", j ? 1 : 0);
    if (!j)
        return 1;
    printf("# journal: %s (%s) %s\n", j->path, j->why, j->err);
    check(j->lines == 4, "window: the 4 mail entries read back (3 by facility, 1 by identifier)", (long)j->lines);
    check(m->count[QT_LOG_AUTH_FAIL] == 3, "window: 3 auth_fail, the non-mail entry left out",
          (long)m->count[QT_LOG_AUTH_FAIL]);
    check(strstr(j->why, "SYSLOG_FACILITY=2") != NULL, "the filter is said", 0);

    /* followed: new entries once each, with their own time */
    send_mail("new@example.test", "198.51.100.7");
    send_mail("new@example.test", "198.51.100.7");
    m = wait_lines(&s, &ctx, &snap, 6);
    j = src_named(m, "journal");
    check(j->lines == 6, "follow: 2 new entries read", (long)j->lines);
    qt_snapshot_free(snap);
    snap = qt_sample(&s, &ctx);
    m = snap->logs;
    check(src_named(m, "journal")->lines == 6, "follow: nothing read twice", (long)src_named(m, "journal")->lines);
    check(m->count[QT_LOG_AUTH_FAIL] == 5, "follow: 5 auth_fail", (long)m->count[QT_LOG_AUTH_FAIL]);
    l = qt_logmon_recent(m, QT_LOG_AUTH_FAIL, 0);
    check(l && l->stamped && labs((long)(l->sec - time(NULL))) <= 10, "the line has the entry's own time",
          l ? (long)(l->sec - time(NULL)) : -999);
    check(l && !strcmp(l->ip, "198.51.100.7") && !strcmp(l->user, "new@example.test"), "ip and user extracted", 0);
    check(l && memmem(l->text, l->len, " vpopmail[", 10) != NULL, "the line names the identifier and pid", 0);
    qt_snapshot_free(snap);
    qt_sampler_free(&s);

    /* rsyslog forwarding: maillog carries the same lines, read once */
    snprintf(path, sizeof path, "%s/var/log/maillog", argv[1]);
    f = fopen(path, "w");
    if (!f)
        return 1;
    fprintf(f, "Dec  7 10:00:00 mx vpopmail[77]: vchkpw-smtp: password fail new@example.test:198.51.100.7\n");
    fclose(f);
    snap = qt_sample(&s2, &ctx);
    m = snap->logs;
    j = src_named(m, "journal");
    check(j && strstr(j->why, "not counted") && strstr(j->why, "maillog"), "duplicate: the journal not counted, said",
          j ? (long)j->lines : -1);
    if (j)
        printf("# journal: %s\n", j->why);
    check(j && j->lines == 0, "duplicate: no journal line read", j ? (long)j->lines : -1);
    check(src_named(m, "maillog") && src_named(m, "maillog")->lines == 1, "duplicate: the file read", 0);
    qt_snapshot_free(snap);
    qt_sampler_free(&s2);
    return failed;
}
