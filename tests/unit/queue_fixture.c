/* queue_fixture.c - see queue_fixture.h. */
#include "tests/unit/queue_fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static void die(const char *what, const char *path)
{
    fprintf(stderr, "queue_fixture: %s %s: %s\n", what, path, strerror(errno));
    abort();
}

static void mkd(const char *p)
{
    if (mkdir(p, 0750) != 0 && errno != EEXIST)
        die("mkdir", p);
}

static void mkdirs(const char *path)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkd(p);
            *s = '/';
        }
    mkd(p);
}

const char *qf_make(const char *root, unsigned split)
{
    static char q[4096];
    static const char *const chans[] = {"mess", "info", "local", "remote"};
    char p[4200];

    snprintf(q, sizeof q, "%s/var/qmail/queue", root);
    mkdirs(q);
    snprintf(p, sizeof p, "%s/var/qmail/control", root);
    mkdirs(p);
    for (const char *const *d = (const char *const[]){"pid", "todo", "intd", "bounce", "lock", NULL}; *d; d++) {
        snprintf(p, sizeof p, "%s/%s", q, *d);
        mkd(p);
    }
    for (size_t c = 0; c < 4; c++) {
        snprintf(p, sizeof p, "%s/%s", q, chans[c]);
        mkd(p);
        for (unsigned s = 0; s < split; s++) {
            snprintf(p, sizeof p, "%s/%s/%u", q, chans[c], s);
            mkd(p);
        }
    }
    return q;
}

static void write_all(int fd, const void *data, size_t n, const char *path)
{
    const char *b = data;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w <= 0)
            die("write", path);
        b += w;
        n -= (size_t)w;
    }
}

void qf_write(const char *qdir, const char *rel, const void *data, size_t n)
{
    char p[4200];
    int fd;
    snprintf(p, sizeof p, "%s/%s", qdir, rel);
    if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
        die("open", p);
    write_all(fd, data, n, p);
    close(fd);
}

/* pid/ file -> its inode -> mess/S/N (qmail-queue.c) */
static unsigned long new_mess(const char *qdir, unsigned split, const char *text)
{
    static unsigned seq;
    char tmp[4200], mess[4200];
    struct stat st;
    unsigned long id;
    int fd;

    snprintf(tmp, sizeof tmp, "%s/pid/%d.%u", qdir, (int)getpid(), seq++);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0 || fstat(fd, &st) != 0)
        die("create", tmp);
    id = (unsigned long)st.st_ino;
    snprintf(mess, sizeof mess, "%s/mess/%lu/%lu", qdir, id % split, id);
    if (link(tmp, mess) != 0 || unlink(tmp) != 0)
        die("link", mess);
    if (text)
        write_all(fd, text, strlen(text), mess);
    close(fd);
    return id;
}

static void set_mtime(const char *path, double t)
{
    struct timeval tv[2];
    tv[0].tv_sec = tv[1].tv_sec = (time_t)t;
    tv[0].tv_usec = tv[1].tv_usec = 0;
    if (utimes(path, tv) != 0)
        die("utimes", path);
}

/* "F<sender>\0" or a channel file of "T/D<addr>\0" records */
static void envelope(const char *qdir, const char *dir, unsigned long id, unsigned split, const char *const *rcpts,
                     char chan)
{
    char rel[128], *buf = NULL;
    size_t n = 0, cap = 0;

    for (const char *const *r = rcpts; r && *r; r++) {
        size_t l = strlen(*r);
        if ((*r)[1] != chan)
            continue;
        if (n + l + 1 > cap) {
            cap = (n + l + 1) * 2;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
        buf[n++] = (*r)[0];
        memcpy(buf + n, *r + 2, l - 2);
        n += l - 2;
        buf[n++] = '\0';
    }
    if (n) {
        snprintf(rel, sizeof rel, "%s/%lu/%lu", dir, id % split, id);
        qf_write(qdir, rel, buf, n);
    }
    free(buf);
}

unsigned long qf_add(const char *qdir, unsigned split, const char *sender, const char *const *rcpts, double birth,
                     const char *text)
{
    unsigned long id = new_mess(qdir, split, text ? text : "Subject: test\n\nbody\n");
    char rel[128], path[4300], *info;
    size_t sl = strlen(sender);

    info = malloc(sl + 2);
    if (!info)
        abort();
    info[0] = 'F';
    memcpy(info + 1, sender, sl);
    info[sl + 1] = '\0';
    envelope(qdir, "local", id, split, rcpts, 'L');
    envelope(qdir, "remote", id, split, rcpts, 'R');
    snprintf(rel, sizeof rel, "info/%lu/%lu", id % split, id);
    qf_write(qdir, rel, info, sl + 2);
    free(info);
    snprintf(path, sizeof path, "%s/%s", qdir, rel);
    set_mtime(path, birth);
    return id;
}

unsigned long qf_add_todo(const char *qdir, unsigned split, const char *sender, const char *rcpt)
{
    unsigned long id = new_mess(qdir, split, "Subject: todo\n\nbody\n");
    char rel[128], intd[4300], todo[4300];
    char env[1024];
    int n = snprintf(env, sizeof env, "u0%cp1%cF%s%cT%s%c", 0, 0, sender, 0, rcpt, 0);

    snprintf(rel, sizeof rel, "intd/%lu", id);
    qf_write(qdir, rel, env, (size_t)n);
    snprintf(intd, sizeof intd, "%s/intd/%lu", qdir, id);
    snprintf(todo, sizeof todo, "%s/todo/%lu", qdir, id);
    if (link(intd, todo) != 0)
        die("link", todo);
    return id;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

void qf_rmtree(const char *root)
{
    if (root && strlen(root) > 5)
        nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
