/* probe_run - runs one probe job (diag/probe/probe.h) and prints its result
 * as key=value lines, for tests/integ/test_probe.py.
 * Usage: probe_run handshake|legacy|idle|partial HOST PORT [implicit|smtp|pop3|imap] [SECONDS] [NAME] */
#include "diag/probe/probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    struct qt_probe_target t;
    const struct qt_probe_result *r;
    char why[256];
    qt_job *j;
    const char *mode = argc > 1 ? argv[1] : "";
    double secs = argc > 5 ? atof(argv[5]) : 5;
    int rc;

    if (argc < 4) {
        fprintf(stderr, "usage: probe_run handshake|legacy|idle|partial HOST PORT [implicit|smtp|pop3|imap] [SECONDS] [NAME]\n");
        return 2;
    }
    if (qt_probe_target_set(&t, "test", argv[2], (unsigned)atoi(argv[3]), why, sizeof why) != 0) {
        printf("refused=%s\n", why);
        return 1;
    }
    if (argc > 4)
        t.starttls = !strcmp(argv[4], "smtp") ? QT_STLS_SMTP : !strcmp(argv[4], "pop3") ? QT_STLS_POP3
                     : !strcmp(argv[4], "imap") ? QT_STLS_IMAP : QT_STLS_IMPLICIT;
    if (argc > 6)
        snprintf(t.verify_name, sizeof t.verify_name, "%s", argv[6]);
    if (!strcmp(mode, "handshake") || !strcmp(mode, "legacy"))
        j = qt_probe_tls_new(&t, !strcmp(mode, "legacy"), secs);
    else
        j = qt_probe_idle_new(&t, !strcmp(mode, "partial"), secs);
    rc = qt_job_run(j, 5);
    r = qt_probe_job_result(j);
    printf("status=%s\ntook=%.3f\ntotal=%.3f\nwhy=%s\nversion=%s\ncipher=%s\nsubject=%s\nissuer=%s\nsan=%s\n"
           "days_left=%ld\nname_match=%d\nself_signed=%d\nbytes_in=%zu\n",
           qt_probe_status_name(r->status), r->took, r->total, r->why, r->version, r->cipher, r->subject, r->issuer,
           r->san, r->days_left, r->name_match, r->self_signed, r->bytes_in);
    j->ops->free(j);
    return rc == 0 ? 0 : 1;
}
