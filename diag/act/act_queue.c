/* act_queue.c - see act_queue.h. */
#include "diag/act/act_queue.h"
#include "diag/core/rootfs.h"
#include "diag/core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int qt_act_queue_send_running(const qt_ctx *ctx, int *pid, char *err, size_t errlen)
{
    DIR *d = opendir(ctx->proc);
    struct dirent *e;
    int found = 0;

    if (!d) {
        snprintf(err, errlen, "cannot read the process table (%s): %s", ctx->proc, strerror(errno));
        return -1;
    }
    while (!found && (e = readdir(d))) {
        char rel[300], path[4096], *comm = NULL;
        unsigned long p;
        if (qt_parse_ulong(e->d_name, &p) != 0)
            continue;
        snprintf(rel, sizeof rel, "%s/comm", e->d_name);
        if (qt_ctx_proc(ctx, rel, path, sizeof path) && qt_read_file(path, 64, &comm) > 0) {
            comm[strcspn(comm, "\n")] = '\0';
            if (strcmp(comm, "qmail-send") == 0) {
                found = 1;
                *pid = (int)p;
            }
        }
        free(comm);
    }
    closedir(d);
    return found;
}

/* Does info/S/ID still hold "F" + sender + NUL? */
static int same_sender(int infofd, const char *name, const char *sender)
{
    int fd = qt_rootfs_openat(infofd, name, O_NOFOLLOW, NULL, NULL, 0);
    char *buf = NULL;
    long n;
    int same;
    size_t sl = strlen(sender);

    if (fd < 0)
        return 0;
    n = qt_read_fd_close(fd, NULL, sl + 8, &buf, NULL);
    same = n == (long)sl + 2 && buf[0] == 'F' && memcmp(buf + 1, sender, sl) == 0 && buf[sl + 1] == '\0';
    free(buf);
    return same;
}

/* unlinkat(2) of name in directory rel of the queue (no link followed);
 * a missing directory or file is fine: the message had none there. */
static int remove_in(int qfd, const char *rel, const char *name)
{
    int dfd = qt_rootfs_openat(qfd, rel, O_DIRECTORY | O_NOFOLLOW, NULL, NULL, 0);
    int rc = 0;
    if (dfd < 0)
        return errno == ENOENT ? 0 : -1;
    if (unlinkat(dfd, name, 0) != 0 && errno != ENOENT)
        rc = -1;
    close(dfd);
    return rc;
}

int qt_act_queue_remove(const qt_ctx *ctx, const char *qdir, unsigned split, const char *sender,
                        const unsigned long *ids, size_t n, size_t *removed, size_t *kept, char *err, size_t errlen)
{
    char why[256];
    int pid = 0, qfd, running = qt_act_queue_send_running(ctx, &pid, why, sizeof why);

    *removed = *kept = 0;
    if (running < 0) {
        snprintf(err, errlen, "%s: not removed", why);
        return -1;
    }
    if (running) {
        snprintf(err, errlen, "qmail-send runs (pid %d): stop it first (svc -d): not removed", pid);
        return -1;
    }
    if (!split) {
        snprintf(err, errlen, "no split subdirectories: not removed");
        return -1;
    }
    if ((qfd = qt_ctx_open(ctx, qdir, O_DIRECTORY, NULL, why, sizeof why)) < 0) {
        snprintf(err, errlen, "cannot open the queue %s: %s", qdir, why);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char name[32], sub[16], rel[48];
        int infofd, ok = 1;

        snprintf(name, sizeof name, "%lu", ids[i]);
        snprintf(sub, sizeof sub, "%lu", ids[i] % split);
        snprintf(rel, sizeof rel, "info/%s", sub);
        infofd = qt_rootfs_openat(qfd, rel, O_DIRECTORY | O_NOFOLLOW, NULL, NULL, 0);
        if (infofd < 0 || !same_sender(infofd, name, sender)) {
            if (infofd >= 0)
                close(infofd);
            (*kept)++;
            continue;
        }
        close(infofd);
        /* mess/ last: an interrupted removal leaves a message qmail-send cleans up */
        for (const char *const *d = (const char *const[]){"local", "remote", NULL}; *d; d++) {
            snprintf(rel, sizeof rel, "%s/%s", *d, sub);
            ok &= remove_in(qfd, rel, name) == 0;
        }
        for (const char *const *d = (const char *const[]){"bounce", "todo", "intd", NULL}; *d; d++)
            ok &= remove_in(qfd, *d, name) == 0;
        snprintf(rel, sizeof rel, "info/%s", sub);
        ok &= remove_in(qfd, rel, name) == 0;
        snprintf(rel, sizeof rel, "mess/%s", sub);
        ok &= ok && remove_in(qfd, rel, name) == 0;
        if (ok)
            (*removed)++;
        else
            (*kept)++;
    }
    close(qfd);
    return 0;
}
