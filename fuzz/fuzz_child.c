/* libFuzzer target: what a helper program (vchkpw, vuserinfo) hands back to
 * the auth wizard (issue 12). The first byte selects: 3 (mod 4) runs a real
 * child, anything else fabricates its result (a fork costs milliseconds):
 *
 *   child output   a vchkpw/vuserinfo result: exit code and flags from two
 *                  bytes, stdout and stderr split at the first 0xff, through
 *                  qt_vchkpw_interpret, qt_child_status_str, vuserinfo
 *                  redact + parse
 *   child capture  a real child (/bin/cat /dev/fd/3, the input on fd 3) run
 *                  by qt_child_job: what it prints must come back byte for
 *                  byte, then the same interpretation */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/core/child.h"
#include "diag/auth/auth_vchkpw.h"
#include "diag/auth/auth_vuserinfo.h"
#include "diag/core/job.h"
#include "diag/core/util.h"
#include "fuzz/fuzz_check.h"

static void interpret(const struct qt_child_result *res)
{
    static const struct qt_vchkpw_req req = {
        .vchkpw = "/home/vpopmail/bin/vchkpw", .program = "/usr/bin/id", .user = "joe@example.test", .port = 587,
    };
    struct qt_vchkpw_outcome o;
    struct qt_vuserinfo u;
    char st[160], *red;

    qt_vchkpw_interpret(&req, res, &o);
    check_str(o.status, sizeof o.status, 0);
    check_str(o.meaning, sizeof o.meaning, 0);
    check_str(o.log_line, sizeof o.log_line, 0);
    qt_child_status_str(res, st, sizeof st);
    red = qt_vuserinfo_redact(qt_buf_str(&res->out), res->out.len);
    qt_vuserinfo_parse(red, strlen(red), &u);
    free(red);
}

static void child_output(const uint8_t *d, size_t n)
{
    struct qt_child_result res;
    const uint8_t *sep;

    memset(&res, 0, sizeof res);
    if (n < 2)
        return;
    res.started = 1;
    res.code = d[0];
    res.exited = !(d[1] & 3);
    res.signaled = (d[1] & 3) == 1;
    res.sig = res.signaled ? d[0] % 65 : 0;
    res.timed_out = (d[1] & 3) == 2;
    res.exec_errno = (d[1] & 3) == 3 ? d[0] % 134 : 0;
    d += 2;
    n -= 2;
    sep = memchr(d, 0xff, n);
    qt_buf_add(&res.out, (const char *)d, sep ? (size_t)(sep - d) : n);
    if (sep)
        qt_buf_add(&res.err, (const char *)sep + 1, n - (size_t)(sep - d) - 1);
    qt_buf_add(&res.out, "", 0);
    qt_buf_add(&res.err, "", 0);
    interpret(&res);
    qt_buf_free(&res.out);
    qt_buf_free(&res.err);
}

static void child_capture(const uint8_t *d, size_t n)
{
    static char *const argv[] = {"cat", "/dev/fd/3", NULL};
    static char *const envp[] = {"PATH=/usr/bin:/bin", NULL};
    struct qt_child_spec sp = {.path = "/bin/cat", .argv = argv, .envp = envp, .timeout = 5};
    const struct qt_child_result *res;
    qt_job *j;

    sp.fd3 = d;
    sp.fd3_len = n > 4096 ? 4096 : n;
    j = qt_child_job_new(&sp);
    if (qt_job_run(j, 2.0) != 0)
        abort();
    res = qt_child_job_result(j);
    if (res->started && res->exited && res->code == 0 &&
        (res->out.len != sp.fd3_len || memcmp(qt_buf_str(&res->out), d, sp.fd3_len) != 0 || res->dropped))
        abort(); /* captured bytes differ from what the child wrote */
    interpret(res);
    j->ops->free(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if ((data[0] & 3) == 3)
        child_capture(data + 1, size - 1);
    else
        child_output(data + 1, size - 1);
    return 0;
}
