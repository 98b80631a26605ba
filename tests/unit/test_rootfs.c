/* Unit tests: rooted open and read (diag/core/rootfs.c) and the regular-file
 * check of qt_read_file, on temporary trees. Every case runs twice: with
 * openat2(RESOLVE_IN_ROOT) and with the component walk used without it. */
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
#include <sys/sysmacros.h>
#include <unistd.h>

#include "diag/core/allowlist.h"
#include "diag/core/rootfs.h"
#include "diag/core/util.h"
#include "diag/parse/runscript.h"

static char top[256], root[300];

static void put(const char *rel, const char *text)
{
    char p[600];
    FILE *f;
    snprintf(p, sizeof p, "%s/%s", top, rel);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void link_(const char *target, const char *rel)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", top, rel);
    assert_int_equal(symlink(target, p), 0);
}

static void mkdir_(const char *rel)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", top, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static int setup(void **st)
{
    char p[600], big[10000];
    (void)st;
    snprintf(top, sizeof top, "/tmp/qt_rootfs_XXXXXX");
    assert_non_null(mkdtemp(top));
    snprintf(root, sizeof root, "%s/root", top);
    mkdir_("root");
    mkdir_("outside");
    mkdir_("root/etc");
    mkdir_("root/data");
    mkdir_("root/outside");
    mkdir_("root/dev");
    put("outside/target", "MARKER-OUTSIDE\n");
    put("root/outside/target", "inside\n");
    put("root/etc/ok", "hello\n");
    put("root/data/file", "data\n");
    snprintf(p, sizeof p, "%s/outside/target", top);
    link_(p, "root/etc/linkout");                        /* absolute, to a real outside path */
    link_("../../../../../../../outside/target", "root/etc/up"); /* ".." escape */
    link_("/data/file", "root/etc/abs");                 /* absolute: taken inside the root */
    link_("/etc", "root/dirlink");
    link_("loop2", "root/loop1");
    link_("loop1", "root/loop2");
    snprintf(p, sizeof p, "%s/root/fifo", top);
    assert_int_equal(mkfifo(p, 0600), 0);
    snprintf(p, sizeof p, "%s/root/dev/zero", top);
    if (mknod(p, S_IFCHR | 0666, makedev(1, 5)) != 0)
        put("root/dev/zero", "no mknod here\n");
    link_("/dev/zero", "root/devzero");
    memset(big, 'x', sizeof big);
    big[sizeof big - 1] = '\0';
    put("root/big", big);
    memset(big, 'y', 4096);
    big[4096] = '\0';
    put("root/exact", big);
    return 0;
}

static int teardown(void **st)
{
    char cmd[400];
    (void)st;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    return system(cmd) == 0 ? 0 : -1;
}

static long rd(const char *abs, size_t max, char **out, struct qt_fileinfo *fi)
{
    qt_ctx ctx;
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    return qt_ctx_read(&ctx, abs, max, out, fi);
}

static void expect_text(const char *abs, const char *want)
{
    char *t = NULL;
    struct qt_fileinfo fi;
    long n = rd(abs, 4096, &t, &fi);
    if (n < 0)
        fail_msg("%s: %s", abs, fi.why);
    assert_string_equal(t, want);
    free(t);
}

static void expect_fail(const char *abs, int err, const char *why_part)
{
    char *t = NULL;
    struct qt_fileinfo fi;
    long n = rd(abs, 4096, &t, &fi);
    if (n >= 0)
        fail_msg("%s: read %ld bytes: %s", abs, n, t);
    assert_null(t);
    assert_int_equal(errno, err);
    if (why_part && !strstr(fi.why, why_part))
        fail_msg("%s: why '%s' lacks '%s'", abs, fi.why, why_part);
}

static void cases(void)
{
    char p[600];
    expect_text("/etc/ok", "hello\n");
    expect_text("etc/ok", "hello\n");
    /* links out of the root never reach the outside file */
    expect_fail("/etc/linkout", ENOENT, NULL);
    expect_text("/etc/up", "inside\n");
    expect_text("/../../../outside/target", "inside\n");
    expect_text("/etc/abs", "data\n");
    expect_text("/dirlink/ok", "hello\n");
    expect_text("/dirlink/../data/file", "data\n");
    expect_fail("/loop1", ELOOP, "too many symlinks");
    /* no FIFO blocks, no device is read */
    expect_fail("/fifo", EINVAL, "a FIFO, not a regular file");
    expect_fail("/devzero", EINVAL, "not a regular file");
    expect_fail("/dev/zero", EINVAL, "not a regular file");
    expect_fail("/etc", EINVAL, "a directory");
    /* a path that already names the root is taken inside it */
    snprintf(p, sizeof p, "%s/etc/ok", root);
    expect_text(p, "hello\n");
    {
        char *t = NULL;
        struct qt_fileinfo fi;
        assert_int_equal(rd("/big", 4096, &t, &fi), 4096);
        assert_int_equal(fi.truncated, 1);
        assert_int_equal(fi.uid, getuid());
        free(t);
        assert_int_equal(rd("/exact", 4096, &t, &fi), 4096);
        assert_int_equal(fi.truncated, 0);
        free(t);
    }
    {
        qt_ctx ctx;
        struct stat sb;
        int fd;
        qt_ctx_defaults(&ctx);
        ctx.root = root;
        assert_int_equal(qt_ctx_stat(&ctx, "/fifo", &sb), 0);
        assert_true(S_ISFIFO(sb.st_mode));
        assert_int_equal(qt_ctx_stat(&ctx, "/etc/linkout", &sb), -1);
        fd = qt_ctx_open(&ctx, "/dirlink", O_DIRECTORY, &sb, NULL, 0);
        assert_true(fd >= 0);
        assert_true(S_ISDIR(sb.st_mode));
        close(fd);
    }
}

static void rooted_kernel(void **st)
{
    (void)st;
    qt_rootfs_force_walk(0);
    cases();
}

static void rooted_walk(void **st)
{
    (void)st;
    qt_rootfs_force_walk(1);
    cases();
    qt_rootfs_force_walk(0);
}

/* D7: between the check of the O_PATH fd and the open for reading, the
 * name is swapped for a FIFO. The reopen goes through /proc/self/fd, so
 * the checked file is read, and the FIFO is never opened. */
static char swap_fifo_at[600];

static void swap_in_fifo(const char *where)
{
    char tmp[700];
    if (strcmp(where, "reopen") != 0)
        return;
    snprintf(tmp, sizeof tmp, "%s.new", swap_fifo_at);
    assert_int_equal(mkfifo(tmp, 0666), 0);
    assert_int_equal(rename(tmp, swap_fifo_at), 0);
}

static void reopen_same_inode(void **st)
{
    (void)st;
    for (int walk = 0; walk < 2; walk++) {
        char *t = NULL;
        struct qt_fileinfo fi;
        struct stat sb;
        qt_rootfs_force_walk(walk);
        put("root/data/swapped", "checked\n");
        snprintf(swap_fifo_at, sizeof swap_fifo_at, "%s/root/data/swapped", top);
        qt_rootfs_set_race_hook(swap_in_fifo);
        if (rd("/data/swapped", 4096, &t, &fi) < 0)
            fail_msg("walk=%d: %s", walk, fi.why);
        qt_rootfs_set_race_hook(NULL);
        assert_string_equal(t, "checked\n");
        free(t);
        assert_int_equal(lstat(swap_fifo_at, &sb), 0);
        assert_true(S_ISFIFO(sb.st_mode));   /* the swap did happen */
        unlink(swap_fifo_at);
    }
    qt_rootfs_force_walk(0);
}

/* qt_rootfs_open_entry: one openat below a directory fd; a regular file
 * only, never a link (not even one swapped in after the open: the fd is
 * the inode that was opened), a FIFO refused without blocking. */
static char entry_swap_at[600], entry_swap_to[600];

static void entry_swap_link(const char *where)
{
    if (strcmp(where, "entry") == 0 && entry_swap_at[0]) {
        char tmp[700];
        snprintf(tmp, sizeof tmp, "%s.new", entry_swap_at);
        assert_int_equal(symlink(entry_swap_to, tmp), 0);
        assert_int_equal(rename(tmp, entry_swap_at), 0);
        entry_swap_at[0] = '\0';
    }
}

static int entry_open(const char *dir, const char *name, char *why, size_t n)
{
    char p[600];
    int dfd, fd, e;
    snprintf(p, sizeof p, "%s/%s", root, dir);
    dfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(dfd >= 0);
    fd = qt_rootfs_open_entry(dfd, name, NULL, why, n);
    e = errno;
    close(dfd);
    errno = e;
    return fd;
}

static void open_entry(void **st)
{
    (void)st;
    char why[200], *t = NULL;
    struct stat sb;
    int fd = entry_open("etc", "ok", why, sizeof why);

    assert_true(fd >= 0);
    assert_int_equal(qt_read_fd_close(fd, NULL, 100, &t, NULL), 6);
    assert_string_equal(t, "hello\n");
    free(t);
    assert_int_equal(entry_open("etc", "linkout", why, sizeof why), -1);
    assert_int_equal(errno, ELOOP);
    assert_string_equal(why, "a symlink");
    assert_int_equal(entry_open("etc", "abs", why, sizeof why), -1);   /* even one inside the root */
    assert_int_equal(errno, ELOOP);
    assert_int_equal(entry_open(".", "fifo", why, sizeof why), -1);    /* no writer: would block without O_NONBLOCK */
    assert_int_equal(errno, EINVAL);
    assert_non_null(strstr(why, "FIFO, not a regular file"));
    assert_int_equal(entry_open(".", "etc", why, sizeof why), -1);
    assert_int_equal(errno, EINVAL);
    assert_non_null(strstr(why, "not a regular file"));
    if (stat("/dev/null", &sb) == 0 && S_ISCHR(sb.st_mode)) {
        char p[600];
        snprintf(p, sizeof p, "%s/dev/zero", root);
        if (lstat(p, &sb) == 0 && S_ISCHR(sb.st_mode)) {
            assert_int_equal(entry_open("dev", "zero", why, sizeof why), -1);
            assert_non_null(strstr(why, "not a regular file"));
        }
    }
    for (const char *const *bad = (const char *const[]){"../etc/ok", "data/file", ".", "..", "", NULL}; *bad; bad++) {
        assert_int_equal(entry_open(".", *bad, why, sizeof why), -1);
        assert_int_equal(errno, EINVAL);
    }
    /* a link swapped in once the entry is open changes nothing: the open file is read */
    put("root/data/entry", "opened\n");
    snprintf(entry_swap_at, sizeof entry_swap_at, "%s/root/data/entry", top);
    snprintf(entry_swap_to, sizeof entry_swap_to, "%s/outside/target", top);
    qt_rootfs_set_race_hook(entry_swap_link);
    fd = entry_open("data", "entry", why, sizeof why);
    qt_rootfs_set_race_hook(NULL);
    assert_true(fd >= 0);
    assert_int_equal(qt_read_fd_close(fd, NULL, 100, &t, NULL), 7);
    assert_string_equal(t, "opened\n");
    free(t);
    snprintf(entry_swap_at, sizeof entry_swap_at, "%s/root/data/entry", top);
    assert_int_equal(lstat(entry_swap_at, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));   /* the swap did happen */
    entry_swap_at[0] = '\0';
}

/* qt_rootfs_open_entry reads with O_NOATIME: a file whose atime is before
 * its mtime (relatime would update it on this read) keeps its atime. The
 * tests run as root or as the files' owner, who may ask for it. */
static void open_entry_noatime(void **st)
{
    (void)st;
    char p[600], why[200], *t = NULL;
    struct stat sb;
    struct timespec ts[2] = {{.tv_sec = 1000000000}, {.tv_nsec = UTIME_NOW}};
    int fd;

    put("root/data/noatime", "queued\n");
    snprintf(p, sizeof p, "%s/root/data/noatime", top);
    assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
    fd = entry_open("data", "noatime", why, sizeof why);
    assert_true(fd >= 0);
    assert_int_equal(qt_read_fd_close(fd, NULL, 100, &t, NULL), 7);
    free(t);
    assert_int_equal(stat(p, &sb), 0);
    assert_int_equal(sb.st_atim.tv_sec, 1000000000);
}

/* O_NOFOLLOW: no symlink anywhere on the path (for a canonical name). */
static void open_no_symlinks(void **st)
{
    qt_ctx ctx;
    char why[160];
    struct stat sb;
    int fd;
    (void)st;
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    for (int walk = 0; walk < 2; walk++) {
        qt_rootfs_force_walk(walk);
        fd = qt_ctx_open(&ctx, "/etc/ok", O_NOFOLLOW, &sb, why, sizeof why);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(qt_ctx_open(&ctx, "/etc/abs", O_NOFOLLOW, NULL, why, sizeof why), -1);   /* last component */
        assert_int_equal(errno, ELOOP);
        assert_int_equal(qt_ctx_open(&ctx, "/dirlink/ok", O_NOFOLLOW, NULL, why, sizeof why), -1); /* a directory */
        assert_int_equal(errno, ELOOP);
        assert_int_equal(qt_ctx_open(&ctx, "/etc/abs", O_NOFOLLOW | O_PATH, NULL, why, sizeof why), -1);
        assert_int_equal(errno, ELOOP);
    }
    qt_rootfs_force_walk(0);
}

/* qt_read_file itself (used for --proc and --load) refuses what is not a
 * regular file instead of blocking on a FIFO or reading /dev/zero. */
/* With --root / a link inside /proc (/proc/self/root) leads anywhere:
 * refused by both the kernel (RESOLVE_NO_MAGICLINKS) and the walk. */
static void proc_magic_links(void **st)
{
    qt_ctx ctx;
    char p[600], *t = NULL, out[600];
    struct qt_fileinfo fi;
    (void)st;
    qt_ctx_defaults(&ctx);
    snprintf(p, sizeof p, "/proc/self/root%s/root/etc/ok", top);
    for (int walk = 0; walk < 2; walk++) {
        qt_rootfs_force_walk(walk);
        assert_int_equal(qt_ctx_read(&ctx, p, 4096, &t, &fi), -1);
        assert_int_equal(errno, ELOOP);
        assert_null(t);
    }
    qt_rootfs_force_walk(0);
    snprintf(p, sizeof p, "%s/root/etc/ok", top);   /* the same file, named plainly */
    assert_int_equal(qt_ctx_read(&ctx, p, 4096, &t, &fi), 6);
    free(t);
    assert_string_equal(qt_rooted_realpath(&ctx, "/proc/self/root/etc", out, sizeof out), "/proc/self/root/etc");
}

static void read_file_regular_only(void **st)
{
    char p[600], *t = (char *)1;
    struct qt_fileinfo fi;
    (void)st;
    snprintf(p, sizeof p, "%s/root/fifo", top);
    assert_int_equal(qt_read_file_info(p, 1 << 20, &t, &fi), -1);
    assert_int_equal(errno, EINVAL);
    assert_null(t);
    assert_string_equal(fi.why, "a FIFO, not a regular file");
    assert_int_equal(qt_read_file("/dev/zero", 1 << 20, &t), -1);
    assert_int_equal(errno, EINVAL);
    assert_true(qt_read_file("/proc/self/stat", 1 << 20, &t) > 0); /* procfs files are regular */
    free(t);
}

static void rooted_realpath(void **st)
{
    qt_ctx ctx;
    char out[600], want[600];
    (void)st;
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    assert_string_equal(qt_rooted_realpath(&ctx, "/dirlink/ok", out, sizeof out), "/etc/ok");
    assert_string_equal(qt_rooted_realpath(&ctx, "/etc/up", out, sizeof out), "/outside/target");
    assert_string_equal(qt_rooted_realpath(&ctx, "/etc/abs", out, sizeof out), "/data/file");
    assert_string_equal(qt_rooted_realpath(&ctx, "/../etc/./ok", out, sizeof out), "/etc/ok");
    assert_string_equal(qt_rooted_realpath(&ctx, "/no/such/../x", out, sizeof out), "/no/x");
    assert_string_equal(qt_rooted_realpath(&ctx, "/", out, sizeof out), "/");
    snprintf(want, sizeof want, "%s/outside/target", top);  /* kept inside: does not exist there */
    assert_string_equal(qt_rooted_realpath(&ctx, "/etc/linkout", out, sizeof out), want);
    assert_null(qt_rooted_realpath(&ctx, "/loop1", out, sizeof out));
    snprintf(want, sizeof want, "%s/dirlink/ok", root);     /* a path already under the root */
    assert_string_equal(qt_rooted_realpath(&ctx, want, out, sizeof out), "/etc/ok");
}

/* the fstat of a descriptor, as qt_allow_read passes it */
static const struct stat *fst(unsigned uid, unsigned mode)
{
    static struct stat sb;
    memset(&sb, 0, sizeof sb);
    sb.st_uid = uid;
    sb.st_mode = S_IFREG | mode;
    return &sb;
}

static void allowlist_rules(void **st)
{
    char why[128];
    (void)st;
    assert_null(qt_allow_file("/var/qmail/control/me", fst(1000, 0644), why, sizeof why));
    assert_null(qt_allow_file("/etc/passwd", fst(1000, 0644), why, sizeof why));
    assert_null(qt_allow_file("/etc/group", fst(1000, 0644), why, sizeof why));
    assert_null(qt_allow_file("/etc/services", fst(1000, 0644), why, sizeof why));
    assert_null(qt_allow_file("/home/u/x", fst(0, 0644), why, sizeof why));
    assert_non_null(qt_allow_file("/root/.my.cnf", fst(0, 0600), why, sizeof why));   /* D2 */
    assert_string_equal(why, "readable only by root (mode 0600)");
    assert_non_null(qt_allow_file("/root/.my.cnf", fst(0, 0640), why, sizeof why));
    assert_string_equal(why, "readable only by root (mode 0640)");
    assert_null(qt_allow_file("/var/qmail/control/smtproutes", fst(0, 0600), why, sizeof why)); /* own clause */
    assert_null(qt_allow_file("/etc/passwd", fst(0, 0600), why, sizeof why));
    assert_non_null(qt_allow_file("/home/u/x", fst(1000, 0644), why, sizeof why));
    assert_string_equal(why, "owned by uid 1000, not an allowed file");
    assert_non_null(qt_allow_file("/var/qmail/control/sub/x", fst(1000, 0644), why, sizeof why));
    assert_non_null(qt_allow_file("/var/qmail/controlx", fst(1000, 0644), why, sizeof why));
    assert_non_null(qt_allow_file("/proc/1/environ", fst(0, 0644), why, sizeof why));
    assert_string_equal(why, "under /proc, /sys or /dev");
    assert_true(qt_allow_secret_name("/var/qmail/control/srs_secrets"));
    assert_true(qt_allow_secret_name("/etc/stunnel/Server.KEY"));
    assert_true(qt_allow_secret_name("/home/vpopmail/etc/vpopmail.mysql"));
    assert_true(qt_allow_secret_name("vpopmail.ldap"));
    assert_true(qt_allow_secret_name("/etc/shadow"));
    assert_true(qt_allow_secret_name("/etc/gshadow-"));
    assert_true(qt_allow_secret_name("/home/vpopmail/domains/example.test/vpasswd.cdb"));
    assert_false(qt_allow_secret_name("/var/qmail/control/servercert.pem"));
    assert_false(qt_allow_secret_name("/keys/hostname"));  /* only the name counts */
    assert_true(qt_allow_secret_text("x\n-----BEGIN RSA PRIVATE KEY-----\n", 34));
    assert_false(qt_allow_secret_text("-----BEGIN CERTIFICATE-----\n", 28));
}

static const char *var(const char *script, unsigned owner, qt_runscript *rs)
{
    qt_ctx ctx;
    const struct qt_rs_var *v;
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    assert_int_equal(qt_runscript_parse_owned(&ctx, script, strlen(script), "/service/x", owner, rs), 0);
    v = qt_runscript_var(rs, "X");
    assert_non_null(v);
    return v->value;
}

/* What a run script reads passes the rooted open and the allowlist. */
static void runscript_reads(void **st)
{
    qt_runscript rs;
    char p[600];
    (void)st;
    put("root/data/key.pem", "-----BEGIN PRIVATE KEY-----\nMARKER\n");
    put("root/data/plain.pem", "-----BEGIN PRIVATE KEY-----\nMARKER\n");
    snprintf(p, sizeof p, "%s/root/data/user", top);
    put("root/data/user", "user data\n");
    assert_int_equal(chown(p, 65534, 65534), 0);

    assert_string_equal(var("X=`cat /etc/ok`\nexec true\n", 0, &rs), "hello");
    qt_runscript_free(&rs);
    assert_string_equal(var("X=`cat /etc/ok`\nexec true\n", 1000, &rs), "<not read: run script owned by uid 1000>");
    assert_false(qt_runscript_var(&rs, "X")->resolved);
    assert_non_null(strstr(qt_buf_str(&rs.notes), "/etc/ok: not read: run script owned by uid 1000"));
    qt_runscript_free(&rs);
    {
        char want[700];
        snprintf(want, sizeof want, "<not read: symlink to %s/outside/target, which does not exist under the root>", top);
        assert_string_equal(var("X=$(cat /etc/linkout)\nexec true\n", 0, &rs), want);
    }
    qt_runscript_free(&rs);
    assert_string_equal(var("X=$(cat /etc/up)\nexec true\n", 0, &rs), "inside");
    qt_runscript_free(&rs);
    assert_string_equal(var("X=$(cat /fifo)\nexec true\n", 0, &rs), "<not read: a FIFO, not a regular file>");
    qt_runscript_free(&rs);
    assert_string_equal(var("X=$(cat /data/key.pem)\nexec true\n", 0, &rs), "<not read: secret file>");
    qt_runscript_free(&rs);
    assert_string_equal(var("X=$(cat /data/plain.pem)\nexec true\n", 0, &rs), "<not read: secret file>");
    qt_runscript_free(&rs);
    assert_string_equal(var("KEYFILE=/data/file\nX=$(cat /data/file)\nexec true\n", 0, &rs), "<not read: secret file>");
    qt_runscript_free(&rs);
    assert_string_equal(var("X=$(head -1 /data/user)\nexec true\n", 0, &rs), "<not read: owned by uid 65534, not an allowed file>");
    qt_runscript_free(&rs);
    {   /* D2: root's 0600 file (a user's link to /root/.my.cnf) is not published; 0644 is */
        struct stat sb;
        put("root/data/mycnf", "password=MARKER\n");
        snprintf(p, sizeof p, "%s/root/data/mycnf", top);
        assert_int_equal(chmod(p, 0600), 0);
        link_("/data/mycnf", "root/data/mycnf-link");
        assert_string_equal(var("X=$(cat /data/mycnf-link)\nexec true\n", 0, &rs), "<not read: readable only by root (mode 0600)>");
        qt_runscript_free(&rs);
        assert_int_equal(chmod(p, 0640), 0);
        assert_int_equal(chown(p, 0, 42), 0);
        assert_string_equal(var("X=$(cat /data/mycnf)\nexec true\n", 0, &rs), "<not read: readable only by root and group 42 (mode 0640)>");
        qt_runscript_free(&rs);
        assert_int_equal(chmod(p, 0644), 0);
        assert_int_equal(stat(p, &sb), 0);
        assert_int_equal(sb.st_uid, 0);
        assert_string_equal(var("X=$(cat /data/mycnf-link)\nexec true\n", 0, &rs), "password=MARKER");
        qt_runscript_free(&rs);
    }
    assert_string_equal(var("X=$(</etc/ok)\nexec true\n", 0, &rs), "hello");   /* $(<FILE) reads like cat */
    qt_runscript_free(&rs);
    assert_string_equal(var("X=\"$( < /data/key.pem )\"\nexec true\n", 0, &rs), "<not read: secret file>");
    qt_runscript_free(&rs);
    assert_string_equal(var("X=$(</etc/ok)\nexec true\n", 1000, &rs), "<not read: run script owned by uid 1000>");
    qt_runscript_free(&rs);
    assert_string_equal(var("X=$(<$F)\nexec true\n", 0, &rs), "$(<$F)");   /* not a plain word: not read */
    assert_false(qt_runscript_var(&rs, "X")->resolved);
    qt_runscript_free(&rs);
    assert_string_equal(var("X=$(cat /no/such)\nexec true\n", 0, &rs), ""); /* what the shell gets */
    assert_true(qt_runscript_var(&rs, "X")->resolved);
    qt_runscript_free(&rs);
}

/* D1: the file is swapped for a link to a root-owned file after its
 * canonical name was taken. The canonical name is opened refusing every
 * symlink, so the link is refused instead of followed. */
static char swap_at[600], swap_to[600];

static void swap_in_link(const char *where)
{
    char tmp[700];
    if (strcmp(where, "allow") != 0)
        return;
    snprintf(tmp, sizeof tmp, "%s.new", swap_at);
    assert_int_equal(symlink(swap_to, tmp), 0);
    assert_int_equal(rename(tmp, swap_at), 0);
}

static void allow_read_swapped_link(void **st)
{
    qt_runscript rs;
    (void)st;
    put("root/data/rootfile", "ROOT-ONLY-MARKER\n");   /* owned by root (the test runs as root), 0644 */
    for (int walk = 0; walk < 2; walk++) {
        qt_rootfs_force_walk(walk);
        snprintf(swap_at, sizeof swap_at, "%s/root/data/victim", top);
        snprintf(swap_to, sizeof swap_to, "/data/rootfile");
        put("root/data/victim", "plain\n");
        assert_int_equal(chown(swap_at, 65534, 65534), 0);
        qt_rootfs_set_race_hook(swap_in_link);
        assert_string_equal(var("X=$(cat /data/victim)\nexec true\n", 0, &rs), "<not read: a symlink on the path>");
        qt_rootfs_set_race_hook(NULL);
        qt_runscript_free(&rs);
        unlink(swap_at);
    }
    qt_rootfs_force_walk(0);
}

/* D3: a file refused by its name (/dev, /proc, /sys) or by its owner is
 * never opened for reading: only looked at through an O_PATH descriptor. */
static int reopens;

static void count_reopen(const char *where)
{
    if (strcmp(where, "reopen") == 0)
        reopens++;
}

static void allow_refused_never_opened(void **st)
{
    qt_runscript rs;
    char p[600];
    (void)st;
    put("root/dev/file", "device-ish\n");
    put("root/data/theirs", "theirs\n");
    snprintf(p, sizeof p, "%s/root/data/theirs", top);
    assert_int_equal(chown(p, 65534, 65534), 0);
    qt_rootfs_set_race_hook(count_reopen);
    reopens = 0;
    assert_string_equal(var("X=$(cat /dev/file)\nexec true\n", 0, &rs), "<not read: under /proc, /sys or /dev>");
    qt_runscript_free(&rs);
    assert_int_equal(reopens, 0);
    assert_string_equal(var("X=$(cat /data/theirs)\nexec true\n", 0, &rs), "<not read: owned by uid 65534, not an allowed file>");
    qt_runscript_free(&rs);
    assert_int_equal(reopens, 0);
    assert_string_equal(var("X=$(cat /etc/ok)\nexec true\n", 0, &rs), "hello");   /* allowed: opened once, to read */
    qt_runscript_free(&rs);
    assert_int_equal(reopens, 1);
    qt_rootfs_set_race_hook(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rooted_kernel),
        cmocka_unit_test(rooted_walk),
        cmocka_unit_test(reopen_same_inode),
        cmocka_unit_test(open_no_symlinks),
        cmocka_unit_test(open_entry),
        cmocka_unit_test(open_entry_noatime),
        cmocka_unit_test(proc_magic_links),
        cmocka_unit_test(read_file_regular_only),
        cmocka_unit_test(rooted_realpath),
        cmocka_unit_test(allowlist_rules),
        cmocka_unit_test(runscript_reads),
        cmocka_unit_test(allow_read_swapped_link),
        cmocka_unit_test(allow_refused_never_opened),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
