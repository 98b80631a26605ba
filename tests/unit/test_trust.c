/* Unit tests: the trust check (diag/core/trust.c) on a temporary tree under
 * /tmp: root-owned and vpopmail-owned components pass, a directory owned
 * by nobody, a group- or world-writable one, a file others can write, a
 * sticky directory not owned by root, a symbolic link owned by another
 * user or leading into such a directory are refused with the reason; the
 * descriptor returned is the file that was checked. Needs root (chown);
 * skipped otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/core/trust.h"
#include "diag/core/util.h"

#define NOBODY 65534u
#define VPOP 4242u

static char top[64];

static char *p(const char *rel)
{
    return qt_asprintf("%s/%s", top, rel);
}

static void mkfile(const char *rel, mode_t mode, uid_t uid)
{
    char *f = p(rel);
    int fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0700);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
    close(fd);
    assert_int_equal(chmod(f, mode), 0);
    assert_int_equal(chown(f, uid, 0), 0);
    free(f);
}

static void mkd(const char *rel, mode_t mode, uid_t uid)
{
    char *d = p(rel);
    assert_int_equal(mkdir(d, 0700), 0);
    assert_int_equal(chmod(d, mode), 0);
    assert_int_equal(chown(d, uid, 0), 0);
    free(d);
}

/* check rel: want 0 (trusted) or -1 with want_why in the reason */
static void expect(const char *rel, unsigned vpop, int want, const char *want_why)
{
    char why[300] = "", *f = p(rel);
    int r = qt_trust_check(f, vpop, why, sizeof why);
    if (r != want || (want_why && !strstr(why, want_why)))
        fail_msg("%s: got %d \"%s\", want %d \"%s\"", f, r, why, want, want_why ? want_why : "");
    free(f);
}

static int setup(void **st)
{
    (void)st;
    snprintf(top, sizeof top, "/tmp/qt-trust-XXXXXX");
    if (!mkdtemp(top))
        return -1;
    chmod(top, 0755);
    return 0;
}

static int teardown(void **st)
{
    char *cmd = qt_asprintf("rm -rf '%s'", top);
    (void)st;
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", top);
    free(cmd);
    return 0;
}

static void trust_tree(void **st)
{
    (void)st;
    if (geteuid() != 0)
        skip();
    mkd("ok", 0755, 0);
    mkfile("ok/vchkpw", 0755, 0);
    expect("ok/vchkpw", QT_TRUST_NO_UID, 0, NULL);   /* /tmp is root's and sticky: fine */

    mkd("evil", 0755, NOBODY);
    mkfile("evil/vchkpw", 0755, 0);
    expect("evil/vchkpw", QT_TRUST_NO_UID, -1, "/evil is owned by uid 65534");

    mkd("grp", 0775, 0);
    mkfile("grp/vchkpw", 0755, 0);
    expect("grp/vchkpw", QT_TRUST_NO_UID, -1, "/grp is writable by its group");

    mkd("wo", 0757, 0);
    mkfile("wo/vchkpw", 0755, 0);
    expect("wo/vchkpw", QT_TRUST_NO_UID, -1, "/wo is writable by others");

    mkfile("ok/writable", 0757, 0);
    expect("ok/writable", QT_TRUST_NO_UID, -1, "/ok/writable is writable by others");
    mkfile("ok/owned", 0755, NOBODY);
    expect("ok/owned", QT_TRUST_NO_UID, -1, "/ok/owned is owned by uid 65534");

    /* sticky: root's is safe (like /tmp), another user's is not; the file itself never may be writable */
    mkd("sticky", 01777, 0);
    mkfile("sticky/vchkpw", 0755, 0);
    expect("sticky/vchkpw", QT_TRUST_NO_UID, 0, NULL);
    mkd("sticky2", 01777, NOBODY);
    mkfile("sticky2/vchkpw", 0755, 0);
    expect("sticky2/vchkpw", QT_TRUST_NO_UID, -1, "/sticky2 is owned by uid 65534");

    /* the vpopmail user is the second trusted owner */
    mkd("vpop", 0755, VPOP);
    mkfile("vpop/vchkpw", 0755, VPOP);
    expect("vpop/vchkpw", VPOP, 0, NULL);
    expect("vpop/vchkpw", QT_TRUST_NO_UID, -1, "/vpop is owned by uid 4242");

    /* not a regular file */
    expect("ok", QT_TRUST_NO_UID, -1, "not a regular file");
    expect("ok/missing", QT_TRUST_NO_UID, -1, "No such file");
}

static void trust_links(void **st)
{
    char *t, *l;
    (void)st;
    if (geteuid() != 0)
        skip();
    /* a root-owned link to a trusted directory: followed and fine */
    t = p("ok");
    l = p("lnk");
    assert_int_equal(symlink(t, l), 0);
    expect("lnk/vchkpw", QT_TRUST_NO_UID, 0, NULL);
    free(l);
    /* a link owned by nobody (in a sticky directory nobody could replace it) */
    l = p("sticky/nlink");
    assert_int_equal(symlink(t, l), 0);
    assert_int_equal(lchown(l, NOBODY, 0), 0);
    expect("sticky/nlink/vchkpw", QT_TRUST_NO_UID, -1, "/sticky/nlink is owned by uid 65534");
    free(l);
    free(t);
    /* a root-owned relative link into a nobody-owned directory: the target is judged */
    l = p("ok/rel");
    assert_int_equal(symlink("../evil/vchkpw", l), 0);
    expect("ok/rel", QT_TRUST_NO_UID, -1, "/evil is owned by uid 65534");
    free(l);
    /* a loop */
    l = p("ok/loop");
    assert_int_equal(symlink("loop", l), 0);
    expect("ok/loop", QT_TRUST_NO_UID, -1, "too many symbolic links");
    free(l);
}

static void trust_fd(void **st)
{
    char why[200], *f = p("ok/vchkpw");
    struct stat a, b;
    int fd;
    (void)st;
    if (geteuid() != 0)
        skip();
    fd = qt_trust_open(f, QT_TRUST_NO_UID, why, sizeof why);
    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &a), 0);
    assert_int_equal(stat(f, &b), 0);
    assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    close(fd);
    assert_int_equal(qt_trust_check("relative/vchkpw", QT_TRUST_NO_UID, why, sizeof why), -1);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trust_tree),
        cmocka_unit_test(trust_links),
        cmocka_unit_test(trust_fd),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
