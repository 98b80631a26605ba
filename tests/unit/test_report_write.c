/* Unit tests: report files on disk - names, mode 0600, atomic replacement,
 * symlinks refused, read-only and full file systems reported, the $HOME
 * fallback, nothing left behind on failure.
 *
 * Read-only and full file systems are real: a private mount namespace with
 * small tmpfs mounts (root only; the mounts vanish with the test process and
 * never touch the machine's mount table). Without that privilege those two
 * tests are skipped and say so. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/report_fixture.h"

static char tmp[256];
static int have_ns;

static int setup(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/qt-test-write-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    /* a private mount namespace: mounts below are ours alone */
    if (unshare(CLONE_NEWNS) == 0 && mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
        have_ns = 1;
    return 0;
}

static int teardown(void **state)
{
    char cmd[300];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static void sub(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", tmp, name);
    mkdir(out, 0755);
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;
    assert_non_null(d);
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static struct qt_report_in fx_in(qt_ctx *ctx, qt_snapshot *snap)
{
    struct qt_report_in in = {0};
    fx_ctx(ctx);
    in.ctx = ctx;
    in.snap = snap;
    in.panes = fx_panes;
    in.npanes = fx_npanes;
    return in;
}

static void names_and_mode(void **state)
{
    qt_ctx ctx;
    qt_snapshot *snap = fx_snapshot();
    struct qt_report_in in = fx_in(&ctx, snap);
    char dir[300], paths[1024], err[512], stem[128], p[600];
    struct stat st;
    mode_t old = umask(0); /* the mode must not depend on the umask */
    (void)state;

    sub(dir, sizeof dir, "names");
    snprintf(snap->host, sizeof snap->host, "mx1/../evil host");
    qt_report_stem(snap, stem, sizeof stem);
    assert_string_equal(stem, "qtriage-mx1_.._evil_host-20231114-221320"); /* TZ=UTC */
    assert_int_equal(qt_report_export(&in, dir, paths, sizeof paths, err, sizeof err), 0);
    snprintf(p, sizeof p, "%s/%s.{md,json}", dir, stem);
    assert_string_equal(paths, p);
    snprintf(p, sizeof p, "%s/%s.md", dir, stem);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_true(S_ISREG(st.st_mode));
    snprintf(p, sizeof p, "%s/%s.json", dir, stem);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    /* a second export in the same second never replaces the first */
    assert_int_equal(qt_report_export(&in, dir, paths, sizeof paths, err, sizeof err), 0);
    assert_non_null(strstr(paths, "-2.{md,json}"));
    assert_int_equal(count_entries(dir), 4);
    umask(old);
    qt_snapshot_free(snap);
}

static void symlink_refused(void **state)
{
    qt_ctx ctx;
    qt_snapshot *snap = fx_snapshot();
    struct qt_report_in in = fx_in(&ctx, snap);
    char dir[300], paths[1024], err[512], stem[128], link[600], victim[600], buf[64];
    int fd;
    (void)state;

    sub(dir, sizeof dir, "symlink");
    qt_report_stem(snap, stem, sizeof stem);
    /* an attacker plants a link where the report will go */
    snprintf(victim, sizeof victim, "%s/victim", tmp);
    fd = open(victim, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "precious", 8), 8);
    close(fd);
    snprintf(link, sizeof link, "%s/%s.json", dir, stem);
    assert_int_equal(symlink(victim, link), 0);
    assert_int_equal(qt_report_export(&in, dir, paths, sizeof paths, err, sizeof err), -1);
    assert_non_null(strstr(err, "refusing to write"));
    assert_non_null(strstr(err, "symbolic link"));
    /* the victim is untouched, nothing else was left */
    fd = open(victim, O_RDONLY);
    assert_int_equal(read(fd, buf, sizeof buf), 8);
    close(fd);
    assert_int_equal(count_entries(dir), 1);

    /* an explicit --report FILE: same refusal, and a dangling link too */
    snprintf(link, sizeof link, "%s/out.md", dir);
    assert_int_equal(symlink("/nonexistent/target", link), 0);
    assert_int_equal(qt_report_write_target(&in, link, NULL, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "symbolic link"));
    assert_int_equal(count_entries(dir), 2);
    qt_snapshot_free(snap);
}

static void explicit_targets(void **state)
{
    qt_ctx ctx;
    qt_snapshot *snap = fx_snapshot();
    struct qt_report_in in = fx_in(&ctx, snap);
    char dir[300], p[600], err[512], written[600], *data;
    struct stat st;
    (void)state;

    sub(dir, sizeof dir, "explicit");
    assert_int_equal(qt_report_target_kind("-", err, sizeof err), QT_REPORT_STDOUT_MD);
    assert_int_equal(qt_report_target_kind("a.md", err, sizeof err), QT_REPORT_FILE_MD);
    assert_int_equal(qt_report_target_kind("x/a.json", err, sizeof err), QT_REPORT_FILE_JSON);
    assert_int_equal(qt_report_target_kind(dir, err, sizeof err), QT_REPORT_DIR);
    assert_int_equal(qt_report_target_kind("new-dir/", err, sizeof err), QT_REPORT_DIR);
    assert_int_equal(qt_report_target_kind("report.txt", err, sizeof err), -1);
    assert_non_null(strstr(err, "FILE.md"));

    snprintf(p, sizeof p, "%s/r.json", dir);
    assert_int_equal(qt_report_write_target(&in, p, written, sizeof written, err, sizeof err), 0);
    assert_string_equal(written, p);
    assert_true(qt_read_file(p, 1 << 24, &data) > 0);
    assert_true(strncmp(data, "{\"format\":\"qtriage-report\"", 26) == 0);
    free(data);
    /* a regular file is replaced (atomically), keeping mode 0600 */
    chmod(p, 0644);
    assert_int_equal(qt_report_write_target(&in, p, written, sizeof written, err, sizeof err), 0);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    snprintf(p, sizeof p, "%s/r.md", dir);
    assert_int_equal(qt_report_write_target(&in, p, written, sizeof written, err, sizeof err), 0);
    assert_true(qt_read_file(p, 1 << 24, &data) > 0);
    assert_true(strncmp(data, "# qtriage report: mx1.example.test", 34) == 0);
    free(data);
    /* a FIFO (or any non-regular file) in the way is not replaced */
    snprintf(p, sizeof p, "%s/d.md", dir);
    assert_int_equal(mkfifo(p, 0600), 0);
    assert_int_equal(qt_report_write_target(&in, p, written, sizeof written, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    /* a missing directory is an error, not a crash */
    snprintf(p, sizeof p, "%s/missing/r.md", dir);
    assert_int_equal(qt_report_write_target(&in, p, written, sizeof written, err, sizeof err), -1);
    assert_non_null(strstr(err, "No such file or directory"));
    assert_int_equal(count_entries(dir), 3);
    qt_snapshot_free(snap);
}

static void read_only_dir(void **state)
{
    qt_ctx ctx;
    qt_snapshot *snap = fx_snapshot();
    struct qt_report_in in = fx_in(&ctx, snap);
    char dir[300], paths[1024], err[512];
    (void)state;

    if (!have_ns) {
        qt_snapshot_free(snap);
        print_message("no mount namespace (not root): read-only tmpfs test skipped\n");
        skip();
    }
    sub(dir, sizeof dir, "ro");
    assert_int_equal(mount("tmpfs", dir, "tmpfs", MS_RDONLY, "size=64k"), 0);
    assert_int_equal(qt_report_export(&in, dir, paths, sizeof paths, err, sizeof err), -1);
    assert_non_null(strstr(err, "Read-only file system"));
    assert_non_null(strstr(err, dir));
    assert_int_equal(qt_write_file_atomic("/proc/qtriage-test.prom", "x", 1, 0644, 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot write in /proc"));
    umount(dir);
    qt_snapshot_free(snap);
}

static void disk_full(void **state)
{
    qt_ctx ctx;
    qt_snapshot *snap = fx_snapshot();
    struct qt_report_in in = fx_in(&ctx, snap);
    char dir[300], paths[1024], err[512];
    (void)state;

    if (!have_ns) {
        qt_snapshot_free(snap);
        print_message("no mount namespace (not root): full tmpfs test skipped\n");
        skip();
    }
    sub(dir, sizeof dir, "full");
    /* 8 KiB: the fixture report is larger */
    assert_int_equal(mount("tmpfs", dir, "tmpfs", 0, "size=8k"), 0);
    assert_int_equal(qt_report_export(&in, dir, paths, sizeof paths, err, sizeof err), -1);
    assert_non_null(strstr(err, "No space left on device"));
    assert_int_equal(count_entries(dir), 0); /* no half report, no temporary file */
    umount(dir);
    qt_snapshot_free(snap);
}

static void home_fallback(void **state)
{
    qt_ctx ctx;
    qt_snapshot *snap = fx_snapshot();
    struct qt_report_in in = fx_in(&ctx, snap);
    char ro[300], home[300], paths[1024], err[512], cwd[1024];
    char *old_home = getenv("HOME") ? qt_strdup(getenv("HOME")) : NULL;
    (void)state;

    if (!have_ns && geteuid() == 0) {
        qt_snapshot_free(snap);
        free(old_home);
        print_message("root without a mount namespace cannot make an unwritable cwd: skipped\n");
        skip();
    }
    sub(ro, sizeof ro, "cwd-ro");
    sub(home, sizeof home, "home");
    if (have_ns)
        assert_int_equal(mount("tmpfs", ro, "tmpfs", MS_RDONLY, "size=64k"), 0);
    else
        chmod(ro, 0555);
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(ro), 0);
    setenv("HOME", home, 1);
    assert_int_equal(qt_report_export(&in, NULL, paths, sizeof paths, err, sizeof err), 0);
    assert_true(strncmp(paths, home, strlen(home)) == 0);
    assert_int_equal(count_entries(home), 2);
    /* no $HOME: the cwd's error is reported */
    unsetenv("HOME");
    assert_int_equal(qt_report_export(&in, NULL, paths, sizeof paths, err, sizeof err), -1);
    assert_non_null(strstr(err, "no $HOME"));
    assert_int_equal(chdir(cwd), 0);
    if (old_home)
        setenv("HOME", old_home, 1);
    free(old_home);
    if (have_ns)
        umount(ro);
    qt_snapshot_free(snap);
}

static void atomic_primitive(void **state)
{
    char dir[300], p[600], err[512], *data;
    struct stat st;
    (void)state;

    sub(dir, sizeof dir, "atomic");
    snprintf(p, sizeof p, "%s/m.prom", dir);
    assert_int_equal(qt_write_file_atomic(p, "a 1\n", 4, 0644, 1, err, sizeof err), 0);
    assert_int_equal(qt_write_file_atomic(p, "a 2\n", 4, 0644, 1, err, sizeof err), 0);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);
    assert_int_equal(qt_read_file(p, 100, &data), 4);
    assert_string_equal(data, "a 2\n");
    free(data);
    /* replace=0 never replaces */
    assert_int_equal(qt_write_file_atomic(p, "a 3\n", 4, 0644, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "exists"));
    assert_int_equal(count_entries(dir), 1);
    assert_int_equal(qt_write_file_atomic("", "x", 1, 0600, 1, err, sizeof err), -1);
    assert_int_equal(qt_write_file_atomic("dir/", "x", 1, 0600, 1, err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_and_mode),
        cmocka_unit_test(symlink_refused),
        cmocka_unit_test(explicit_targets),
        cmocka_unit_test(read_only_dir),
        cmocka_unit_test(disk_full),
        cmocka_unit_test(home_fallback),
        cmocka_unit_test(atomic_primitive),
    };
    setenv("TZ", "UTC", 1);
    return cmocka_run_group_tests(tests, setup, teardown);
}
