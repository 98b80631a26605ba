/* Unit tests: vchkpw's exit table and log names (docs/domain/vpopmail.md), the
 * shell command shown, the interpretation of results, and the child runner
 * with real local programs (/bin/sh, /usr/bin/env, /bin/sleep): fd 3
 * bytes, exact environment, deadline kill, exec failure. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/auth/auth_vchkpw.h"
#include "diag/core/util.h"

static void exit_table(void **st)
{
    (void)st;
    assert_non_null(strstr(qt_vchkpw_exit_lookup(3)->what, "bad password or unknown user"));
    assert_non_null(strstr(qt_vchkpw_exit_lookup(11)->what, "misuse"));
    assert_non_null(strstr(qt_vchkpw_exit_lookup(24)->what, "backend"));
    assert_non_null(strstr(qt_vchkpw_exit_lookup(1)->what, "access denied"));
    assert_non_null(qt_vchkpw_exit_lookup(12));
    assert_non_null(qt_vchkpw_exit_lookup(20));
    /* not vchkpw codes: the checkpassword convention vchkpw does not follow */
    assert_null(qt_vchkpw_exit_lookup(2));
    assert_null(qt_vchkpw_exit_lookup(111));
    assert_null(qt_vchkpw_exit_lookup(100));
}

static void log_names(void **st)
{
    (void)st;
    char n[48];
    unsigned port;
    qt_vchkpw_log_name(587, "127.0.0.1", "/usr/bin/id", n, sizeof n);
    assert_string_equal(n, "vchkpw-submission");
    qt_vchkpw_log_name(25, "203.0.113.9", "/bin/true", n, sizeof n);
    assert_string_equal(n, "vchkpw-smtp");
    qt_vchkpw_log_name(465, "127.0.0.1", "/bin/true", n, sizeof n);
    assert_string_equal(n, "vchkpw-smtps");
    qt_vchkpw_log_name(0, "127.0.0.1", "/bin/true", n, sizeof n);
    assert_string_equal(n, "vchkpw-0");      /* sslserver without -e */
    qt_vchkpw_log_name(2525, "127.0.0.1", "/bin/true", n, sizeof n);
    assert_string_equal(n, "vchkpw-2525");
    qt_vchkpw_log_name(110, "127.0.0.1", "qmail-pop3d", n, sizeof n);
    assert_string_equal(n, "vchkpw-webmail"); /* POP from 127.0.0.1 */
    qt_vchkpw_log_name(995, "203.0.113.9", "qmail-pop3d", n, sizeof n);
    assert_string_equal(n, "vchkpw-pop3s");
    qt_vchkpw_log_name(2110, "127.0.0.1", "qmail-pop3d", n, sizeof n);
    assert_string_equal(n, "vchkpw-webmail"); /* unknown port, not "true": POP */
    assert_int_equal(qt_vchkpw_service_port("submission", &port), 0);
    assert_int_equal(port, 587);
    assert_int_equal(qt_vchkpw_service_port("IMAPS", &port), 0);
    assert_int_equal(port, 993);
    assert_int_equal(qt_vchkpw_service_port("none", &port), 0);
    assert_int_equal(port, 0);
    assert_int_equal(qt_vchkpw_service_port("2525", &port), 0);
    assert_int_equal(port, 2525);
    assert_int_equal(qt_vchkpw_service_port("gopher", &port), -1);
    assert_int_equal(qt_vchkpw_service_port("70000", &port), -1);
}

static void command_shown(void **st)
{
    (void)st;
    qt_secret *pw = qt_secret_new("hunter2!", 8);
    struct qt_vchkpw_req r = {.vchkpw = "/home/vpopmail/bin/vchkpw", .program = "/usr/bin/id",
                              .user = "o'neil@example.com", .pass = pw, .port = 587};
    char *c = qt_vchkpw_command(&r);
    assert_string_equal(c, "printf '%s\\0' 'o'\\''neil@example.com' '<password>' | env - TCPLOCALPORT=587 "
                           "TCPREMOTEIP=127.0.0.1 /home/vpopmail/bin/vchkpw /usr/bin/id 3<&0; echo $?");
    assert_null(strstr(c, "hunter2"));
    free(c);
    qt_secret_free(pw);
}

static struct qt_child_result fake(int exited, int code, int sig, const char *out)
{
    struct qt_child_result r;
    memset(&r, 0, sizeof r);
    r.started = 1;
    r.exited = exited;
    r.code = code;
    r.signaled = sig != 0;
    r.sig = sig;
    qt_buf_puts(&r.out, out);
    return r;
}

static void interpret(void **st)
{
    (void)st;
    struct qt_vchkpw_req q = {.vchkpw = "/v", .program = "/usr/bin/id", .user = "joe@example.test", .port = 587};
    struct qt_vchkpw_outcome o;
    struct qt_child_result r;

    r = fake(1, 0, 0, "uid=89(vpopmail) gid=89(vchkpw)\n");
    qt_vchkpw_interpret(&q, &r, &o);
    assert_int_equal(o.kind, QT_VCK_ACCEPTED);
    assert_true(o.ran_program);
    qt_buf_free(&r.out);

    r = fake(1, 0, 0, "");
    qt_vchkpw_interpret(&q, &r, &o);
    assert_int_equal(o.kind, QT_VCK_ACCEPTED);
    assert_non_null(strstr(o.meaning, "could not exec"));
    qt_buf_free(&r.out);

    r = fake(1, 3, 0, "");
    qt_vchkpw_interpret(&q, &r, &o);
    assert_int_equal(o.kind, QT_VCK_REJECTED);
    assert_string_equal(o.log_name, "vchkpw-submission");
    assert_non_null(strstr(o.log_line, "vchkpw-submission: password fail joe@example.test:127.0.0.1"));
    qt_buf_free(&r.out);

    r = fake(1, 1, 0, "");
    qt_vchkpw_interpret(&q, &r, &o);
    assert_int_equal(o.kind, QT_VCK_DENIED);
    assert_string_equal(o.log_line, "vchkpw-submission: smtp access denied joe@example.test:127.0.0.1");
    qt_buf_free(&r.out);

    r = fake(1, 24, 0, "");
    qt_vchkpw_interpret(&q, &r, &o);
    assert_int_equal(o.kind, QT_VCK_BACKEND);
    qt_buf_free(&r.out);

    r = fake(1, 11, 0, "");
    qt_vchkpw_interpret(&q, &r, &o);
    assert_int_equal(o.kind, QT_VCK_MISUSE);
    qt_buf_free(&r.out);

    r = fake(1, 111, 0, "");
    qt_vchkpw_interpret(&q, &r, &o);
    assert_int_equal(o.kind, QT_VCK_UNKNOWN);
    assert_non_null(strstr(o.meaning, "not one of vchkpw's codes"));
    qt_buf_free(&r.out);

    r = fake(0, 0, SIGSEGV, "");
    qt_vchkpw_interpret(&q, &r, &o);
    assert_int_equal(o.kind, QT_VCK_CRASH);
    qt_buf_free(&r.out);

    r = fake(0, 0, SIGKILL, "");
    r.timed_out = 1;
    qt_vchkpw_interpret(&q, &r, &o);
    assert_int_equal(o.kind, QT_VCK_TIMEOUT);
    qt_buf_free(&r.out);

    r = fake(0, 0, 0, "");
    r.exec_errno = ENOENT;
    qt_vchkpw_interpret(&q, &r, &o);
    assert_int_equal(o.kind, QT_VCK_NOT_RUN);
    qt_buf_free(&r.out);
}

/* Members of process group pgid that are not zombies (/proc/PID/stat:
 * state is the field after ")", the process group the third after it). */
static int live_in_group(pid_t pgid)
{
    int n = 0;
    DIR *d = opendir("/proc");
    struct dirent *de;
    assert_non_null(d);
    while ((de = readdir(d))) {
        char path[300], buf[512], state;
        int pgrp;
        FILE *f;
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
        if (!(f = fopen(path, "r")))
            continue;   /* gone meanwhile */
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = 0;
        char *rp = strrchr(buf, ')');
        if (rp && sscanf(rp + 1, " %c %*d %d", &state, &pgrp) == 2 && pgrp == pgid && state != 'Z')
            n++;
    }
    closedir(d);
    return n;
}

static qt_job *run(const char *path, char **argv, char **envp, const char *fd3, size_t fd3_len, double timeout)
{
    struct qt_child_spec sp = {.path = path, .argv = argv, .envp = envp, .fd3 = fd3, .fd3_len = fd3_len,
                               .timeout = timeout};
    qt_job *j = qt_child_job_new(&sp);
    assert_int_equal(qt_job_run(j, 2.0), 0);
    return j;
}

static void child_runner(void **st)
{
    (void)st;
    char *env[] = {(char *)"PATH=/usr/bin:/bin", (char *)"TCPLOCALPORT=587", NULL};
    const struct qt_child_result *r;
    qt_job *j;

    {   /* fd 3 carries the bytes (with NULs); stdin is /dev/null; stdout/stderr captured */
        char *argv[] = {(char *)"/bin/sh", (char *)"-c",
                        (char *)"tr '\\000' '|' <&3; cat; echo err >&2", NULL};
        j = run("/bin/sh", argv, env, "u@d\0pw", 7, 5);
        r = qt_child_job_result(j);
        assert_true(r->exited);
        assert_int_equal(r->code, 0);
        assert_string_equal(qt_buf_str(&r->out), "u@d|pw|");
        assert_string_equal(qt_buf_str(&r->err), "err\n");
        j->ops->free(j);
    }
    {   /* the environment is exactly what was given */
        char *argv[] = {(char *)"/usr/bin/env", NULL};
        j = run("/usr/bin/env", argv, env, NULL, 0, 5);
        r = qt_child_job_result(j);
        assert_string_equal(qt_buf_str(&r->out), "PATH=/usr/bin:/bin\nTCPLOCALPORT=587\n");
        j->ops->free(j);
    }
    {   /* a child that hangs is killed with its group at the deadline */
        char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)"sleep 30 & sleep 30", NULL};
        double t0 = qt_now_mono();
        j = run("/bin/sh", argv, env, NULL, 0, 0.3);
        r = qt_child_job_result(j);
        assert_true(r->timed_out);
        assert_true(r->signaled);
        assert_int_equal(r->sig, SIGKILL);
        assert_true(qt_now_mono() - t0 < 2.0);
        /* the background sleep was in the group: killed too. Reaping it is
         * init's business (an orphan): a zombie left in the group is dead,
         * so only live members count (an init that reaps late made
         * kill(-pgid, 0) fail this under load) */
        {
            double end = qt_now_mono() + 2;
            while (live_in_group(r->pid) && qt_now_mono() < end)
                ;
            assert_int_equal(live_in_group(r->pid), 0);
        }
        j->ops->free(j);
    }
    {   /* exec failure is reported, not mistaken for an exit code */
        char *argv[] = {(char *)"/nonexistent/vchkpw", NULL};
        char st[160];
        j = run("/nonexistent/vchkpw", argv, env, "x", 1, 5);
        r = qt_child_job_result(j);
        assert_int_equal(r->exec_errno, ENOENT);
        qt_child_status_str(r, st, sizeof st);
        assert_non_null(strstr(st, "could not run"));
        j->ops->free(j);
    }
    {   /* exit codes and a lot of output (bounded) */
        char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)"head -c 200000 /dev/zero; exit 3", NULL};
        j = run("/bin/sh", argv, env, NULL, 0, 5);
        r = qt_child_job_result(j);
        assert_int_equal(r->code, 3);
        assert_int_equal(r->out.len, QT_CHILD_MAXOUT);
        assert_int_equal(r->dropped, 200000 - QT_CHILD_MAXOUT);
        j->ops->free(j);
    }
    {   /* cancel kills and reaps */
        char *argv[] = {(char *)"/bin/sleep", (char *)"30", NULL};
        struct qt_child_spec sp = {.path = "/bin/sleep", .argv = argv, .envp = env, .timeout = 30};
        j = qt_child_job_new(&sp);
        j->ops->cancel(j);
        r = qt_child_job_result(j);
        assert_true(r->timed_out);
        assert_int_equal(kill(r->pid, 0), -1);
        j->ops->free(j);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_table), cmocka_unit_test(log_names), cmocka_unit_test(command_shown),
        cmocka_unit_test(interpret), cmocka_unit_test(child_runner),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
