/* report_write.c - putting reports (and the Prometheus file) on disk safely.
 *
 * A report often lands in /tmp or a shared directory during an incident, and
 * the console may be killed at any moment. So: the bytes go to a temporary
 * name created in the target's directory with O_CREAT|O_EXCL|O_NOFOLLOW
 * (a planted file or symlink makes creation fail instead of being followed),
 * are fsync'ed, and only then renamed onto the final name; a symlink at the
 * final name is refused; a failure removes the temporary file and says why. */
#include "report/report_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Split path into directory (".", if none) and base name. */
static int split(const char *path, char *dir, size_t dn, const char **base)
{
    const char *slash = strrchr(path, '/');
    int r;
    if (!slash) {
        r = snprintf(dir, dn, ".");
        *base = path;
    } else if (slash == path) {
        r = snprintf(dir, dn, "/");
        *base = slash + 1;
    } else {
        r = snprintf(dir, dn, "%.*s", (int)(slash - path), path);
        *base = slash + 1;
    }
    return (r < 0 || (size_t)r >= dn || !**base) ? -1 : 0;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Make a temporary file next to base in dirfd. Returns the fd; name gets it. */
static int make_temp(int dirfd, const char *base, unsigned mode, char *name, size_t n)
{
    for (int tries = 0; tries < 16; tries++) {
        unsigned char rnd[6];
        int fd;
        if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            memcpy(rnd, &ts.tv_nsec, sizeof rnd < sizeof ts.tv_nsec ? sizeof rnd : sizeof ts.tv_nsec);
            rnd[0] ^= (unsigned char)getpid();
            rnd[1] ^= (unsigned char)tries;
        }
        snprintf(name, n, ".%.200s.%02x%02x%02x%02x%02x%02x.tmp", base, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
                 rnd[5]);
        fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode & 0777);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

static int fail_errno(char *err, size_t errlen, const char *what, const char *path, int e)
{
    snprintf(err, errlen, "cannot %s %s: %s", what, path, strerror(e));
    errno = e;
    return -1;
}

int qt_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode, int replace, char *err,
                         size_t errlen)
{
    char dir[PATH_MAX], tmp[300];
    const char *base;
    struct stat st;
    int dirfd, fd, e;

    if (split(path, dir, sizeof dir, &base) != 0) {
        snprintf(err, errlen, "bad file name '%s'", path);
        errno = EINVAL;
        return -1;
    }
    dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return fail_errno(err, errlen, "open directory", dir, errno);
    if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode)) {
            close(dirfd);
            snprintf(err, errlen, "refusing to write %s: it is a symbolic link", path);
            errno = ELOOP;
            return -1;
        }
        if (!S_ISREG(st.st_mode) || !replace) {
            close(dirfd);
            snprintf(err, errlen, "refusing to write %s: %s", path,
                     S_ISREG(st.st_mode) ? "the file exists" : "it exists and is not a regular file");
            errno = EEXIST;
            return -1;
        }
    }
    fd = make_temp(dirfd, base, mode, tmp, sizeof tmp);
    if (fd < 0) {
        e = errno;
        close(dirfd);
        return fail_errno(err, errlen, "write in", dir, e);
    }
    /* exact mode whatever the umask */
    if (fchmod(fd, mode & 0777) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        e = errno;
        close(fd);
        unlinkat(dirfd, tmp, 0);
        close(dirfd);
        return fail_errno(err, errlen, "write", path, e);
    }
    if (close(fd) != 0) {
        e = errno;
        unlinkat(dirfd, tmp, 0);
        close(dirfd);
        return fail_errno(err, errlen, "write", path, e);
    }
    if (replace) {
        /* rename never follows a symlink at the target; a symlink planted
         * after the check above is replaced, not written through */
        if (renameat(dirfd, tmp, dirfd, base) != 0) {
            e = errno;
            unlinkat(dirfd, tmp, 0);
            close(dirfd);
            return fail_errno(err, errlen, "rename to", path, e);
        }
    } else if (renameat2(dirfd, tmp, dirfd, base, RENAME_NOREPLACE) != 0) {
        e = errno;
        /* file systems without RENAME_NOREPLACE: link() never replaces either */
        if ((e == EINVAL || e == ENOSYS) && linkat(dirfd, tmp, dirfd, base, 0) == 0) {
            unlinkat(dirfd, tmp, 0);
        } else {
            if (e == EINVAL || e == ENOSYS)
                e = errno;
            unlinkat(dirfd, tmp, 0);
            close(dirfd);
            if (e == EEXIST) {
                snprintf(err, errlen, "refusing to write %s: something appeared at that name", path);
                errno = EEXIST;
                return -1;
            }
            return fail_errno(err, errlen, "rename to", path, e);
        }
    }
    fsync(dirfd); /* the rename itself durable; failure here loses nothing written */
    close(dirfd);
    return 0;
}

void qt_report_stem(const qt_snapshot *snap, char *out, size_t n)
{
    char host[65], when[32];
    time_t t = (time_t)snap->wall;
    struct tm tm;
    size_t k = 0;

    for (const char *p = snap->host; *p && k < sizeof host - 1; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '_' || (c == '.' && k > 0);
        host[k++] = ok ? c : '_';
    }
    host[k] = '\0';
    if (!k)
        snprintf(host, sizeof host, "unknown");
    if (!localtime_r(&t, &tm) || !strftime(when, sizeof when, "%Y%m%d-%H%M%S", &tm))
        snprintf(when, sizeof when, "00000000-000000");
    snprintf(out, n, "qtriage-%s-%s", host, when);
}

/* Render both documents. */
static void render(const struct qt_report_in *in, qt_buf *md, qt_buf *json)
{
    qt_report_doc *d = qt_report_doc_build(in);
    if (md)
        qt_report_md(d, md);
    if (json)
        qt_report_json_text(d, json);
    qt_report_doc_free(d);
}

static int is_fallback_errno(int e)
{
    return e == EACCES || e == EPERM || e == EROFS || e == ENOSPC || e == EDQUOT || e == ENOENT;
}

/* Both files in dir, never replacing anything. */
static int export_in(const char *dir, const char *stem, const qt_buf *md, const qt_buf *json, char *paths,
                     size_t pathslen, char *err, size_t errlen)
{
    char p_md[PATH_MAX], p_json[PATH_MAX], absdir[PATH_MAX], clean[PATH_MAX];
    const char *shown;
    size_t dl = strlen(dir);
    struct stat st;

    /* "reports/" and "reports" name the same place: no "//" in the paths */
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    if (dl >= sizeof clean) {
        snprintf(err, errlen, "directory name too long");
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(clean, dir, dl);
    clean[dl] = '\0';
    dir = strcmp(clean, "/") == 0 ? "" : clean;
    shown = dir;
    if (strcmp(dir, ".") == 0 && getcwd(absdir, sizeof absdir))
        shown = absdir;
    for (int n = 1; n < 100; n++) {
        char sfx[8] = "";
        int ex_md, ex_json;
        if (n > 1)
            snprintf(sfx, sizeof sfx, "-%d", n);
        if (snprintf(p_md, sizeof p_md, "%s/%s%s.md", dir, stem, sfx) >= (int)sizeof p_md ||
            snprintf(p_json, sizeof p_json, "%s/%s%s.json", dir, stem, sfx) >= (int)sizeof p_json) {
            snprintf(err, errlen, "directory name too long: %s", dir);
            errno = ENAMETOOLONG;
            return -1;
        }
        ex_md = lstat(p_md, &st) == 0;
        if (ex_md && S_ISLNK(st.st_mode)) {
            snprintf(err, errlen, "refusing to write %s: it is a symbolic link", p_md);
            errno = ELOOP;
            return -1;
        }
        ex_json = lstat(p_json, &st) == 0;
        if (ex_json && S_ISLNK(st.st_mode)) {
            snprintf(err, errlen, "refusing to write %s: it is a symbolic link", p_json);
            errno = ELOOP;
            return -1;
        }
        if (ex_md || ex_json)
            continue;
        if (qt_write_file_atomic(p_md, md->s, md->len, 0600, 0, err, errlen) != 0)
            return -1;
        if (qt_write_file_atomic(p_json, json->s, json->len, 0600, 0, err, errlen) != 0) {
            int e = errno;
            unlink(p_md); /* both or neither */
            errno = e;
            return -1;
        }
        snprintf(paths, pathslen, "%s/%s%s.{md,json}", shown, stem, sfx);
        return 0;
    }
    snprintf(err, errlen, "too many reports named %s in %s", stem, dir);
    errno = EEXIST;
    return -1;
}

int qt_report_export(const struct qt_report_in *in, const char *dir, char *paths, size_t pathslen, char *err,
                     size_t errlen)
{
    qt_buf md = {0}, json = {0};
    char stem[128], err1[512];
    int rc;

    qt_report_stem(in->snap, stem, sizeof stem);
    render(in, &md, &json);
    if (dir) {
        rc = export_in(dir, stem, &md, &json, paths, pathslen, err, errlen);
    } else {
        rc = export_in(".", stem, &md, &json, paths, pathslen, err1, sizeof err1);
        if (rc != 0 && is_fallback_errno(errno)) {
            const char *home = getenv("HOME");
            if (home && *home && strcmp(home, ".") != 0) {
                rc = export_in(home, stem, &md, &json, paths, pathslen, err, errlen);
                if (rc != 0) {
                    char both[1100];
                    snprintf(both, sizeof both, "%s; %s", err1, err);
                    snprintf(err, errlen, "%s", both);
                }
            } else {
                snprintf(err, errlen, "%s (and no $HOME to fall back to)", err1);
            }
        } else if (rc != 0) {
            snprintf(err, errlen, "%s", err1);
        }
    }
    qt_buf_free(&md);
    qt_buf_free(&json);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

int qt_report_target_kind(const char *target, char *err, size_t errlen)
{
    struct stat st;
    if (!target || !*target) {
        snprintf(err, errlen, "empty file name");
        return -1;
    }
    if (strcmp(target, "-") == 0)
        return QT_REPORT_STDOUT_MD;
    if (ends_with(target, "/") || (stat(target, &st) == 0 && S_ISDIR(st.st_mode)))
        return QT_REPORT_DIR;
    if (ends_with(target, ".md"))
        return QT_REPORT_FILE_MD;
    if (ends_with(target, ".json"))
        return QT_REPORT_FILE_JSON;
    snprintf(err, errlen, "want a FILE.md, a FILE.json, a directory (both files), or - (Markdown on stdout)");
    return -1;
}

int qt_report_write_target(const struct qt_report_in *in, const char *target, char *written, size_t wlen,
                           char *err, size_t errlen)
{
    int kind = qt_report_target_kind(target, err, errlen);
    qt_buf b = {0};
    int rc = 0;
    char dummy[8];

    if (!written) {
        written = dummy;
        wlen = sizeof dummy;
    }
    switch (kind) {
    case QT_REPORT_DIR:
        return qt_report_export(in, target, written, wlen, err, errlen);
    case QT_REPORT_STDOUT_MD:
        render(in, &b, NULL);
        if (fwrite(b.s, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
            snprintf(err, errlen, "cannot write to standard output: %s", strerror(errno));
            rc = -1;
        }
        snprintf(written, wlen, "standard output");
        break;
    case QT_REPORT_FILE_MD:
    case QT_REPORT_FILE_JSON:
        if (kind == QT_REPORT_FILE_MD)
            render(in, &b, NULL);
        else
            render(in, NULL, &b);
        rc = qt_write_file_atomic(target, b.s, b.len, 0600, 1, err, errlen);
        snprintf(written, wlen, "%s", target);
        break;
    default:
        return -1;
    }
    qt_buf_free(&b);
    return rc;
}
