/* Unit tests: the queue reader (diag/queue) on queues written by
 * tests/unit/queue_fixture.c as qmail-queue and qmail-send write them:
 * counts as qmail-qstat gives them, the split read from the tree, the
 * sums, incremental re-reads and the per-sample budget, files vanishing
 * mid-scan, an unreadable queue, hostile envelopes and headers, and the
 * findings with their severities. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/core/rootfs.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/queue/queue.h"
#include "tests/unit/queue_fixture.h"

#define NOW 1800000000.0

static double fake_now(void) { return NOW; }

struct fx {
    char root[256];
    char qdir[512];
    qt_ctx ctx;
};

static struct fx *fx_new(unsigned split)
{
    struct fx *f = qt_calloc(1, sizeof *f);
    snprintf(f->root, sizeof f->root, "/tmp/qt-queue-XXXXXX");
    assert_non_null(mkdtemp(f->root));
    snprintf(f->qdir, sizeof f->qdir, "%s", qf_make(f->root, split));
    qt_ctx_defaults(&f->ctx);
    f->ctx.root = f->root;
    f->ctx.now = fake_now;
    return f;
}

static void fx_free(struct fx *f)
{
    qf_rmtree(f->root);
    free(f);
}

static void scan_ok(struct fx *f, qt_queue_state **st, size_t budget, qt_queue *q)
{
    char err[256] = "";
    int rc = qt_queue_scan(&f->ctx, st, budget, q, err, sizeof err);
    if (rc != 0)
        fail_msg("scan failed: %s", err);
}

static const char *const one_remote[] = {"TRbob@example.net", NULL};

/* Counts as qmail-qstat: files under mess/ (all split dirs) and in todo/. */
static void counts_like_qstat(void **s)
{
    (void)s;
    struct fx *f = fx_new(23);
    static const char *const mixed[] = {"TRa@remote.example", "DRb@remote.example", "TLc@local.example",
                                        "TRd@other.example", NULL};
    qt_queue_state *st = NULL;
    qt_queue q;

    qf_add(f->qdir, 23, "alice@local.example", mixed, NOW - 60, NULL);
    qf_add(f->qdir, 23, "alice@local.example", one_remote, NOW - 7200, NULL);
    qf_add(f->qdir, 23, "", one_remote, NOW - 2 * 86400, NULL);               /* bounce */
    qf_add(f->qdir, 23, "#@[]", (const char *const[]){"TLpostmaster@local.example", NULL}, NOW - 30, NULL);
    qf_add(f->qdir, 23, "old@x.example", one_remote, NOW - 8 * 86400, NULL);  /* past queuelifetime */
    qf_add_todo(f->qdir, 23, "new@x.example", "z@y.example");
    qf_add_todo(f->qdir, 23, "new@x.example", "z@y.example");

    scan_ok(f, &st, 0, &q);
    assert_int_equal(q.absent, 0);
    assert_int_equal(q.split, 23);
    assert_int_equal(q.messages, 7);        /* find mess/ -type f */
    assert_int_equal(q.unpreprocessed, 2);  /* find todo -type f */
    assert_int_equal(q.intd, 2);
    assert_int_equal(q.listed, 5);          /* messages with info/ */
    assert_int_equal(q.partial, 0);
    assert_int_equal(q.bounces, 1);
    assert_int_equal(q.bounces_remote, 1);
    assert_int_equal(q.double_bounces, 1);
    assert_int_equal(q.expired, 1);
    assert_true(q.lifetime_default);
    assert_int_equal(q.remote_msgs, 4);
    assert_int_equal(q.remote_rcpts, 5);    /* the done one is not pending */
    assert_int_equal(q.local_msgs, 2);
    assert_int_equal(q.local_rcpts, 2);
    assert_int_equal(q.age[QT_QAGE_1H], 2);
    assert_int_equal(q.age[QT_QAGE_1D], 1);
    assert_int_equal(q.age[QT_QAGE_7D], 1);
    assert_int_equal(q.age[QT_QAGE_OLDER], 1);
    assert_string_equal(q.senders[0].key, "alice@local.example");
    assert_int_equal(q.senders[0].msgs, 2);
    assert_int_equal(q.senders[0].rcpts, 4);
    assert_int_equal(q.distinct_senders, 4);
    assert_string_equal(q.domains[0].key, "example.net");   /* one_remote's */
    assert_int_equal(q.domains[0].msgs, 3);
    assert_string_equal(q.domains[1].key, "local.example");
    assert_int_equal(q.domains[1].msgs, 2);
    assert_int_equal(q.distinct_domains, 4);
    assert_true(fabs(q.oldest - (NOW - 8 * 86400)) < 1);
    qt_queue_free(&q);

    /* control/queuelifetime is read next to the queue */
    qf_write(f->qdir, "../control/queuelifetime", "3600\n", 5);
    scan_ok(f, &st, 0, &q);
    assert_false(q.lifetime_default);
    assert_int_equal((int)q.lifetime, 3600);
    assert_int_equal(q.expired, 3);
    qt_queue_free(&q);
    qt_queue_state_free(st);
    fx_free(f);
}

/* The split is read from the tree, and a message lives in id % split. */
static void split_from_tree(void **s)
{
    (void)s;
    struct fx *f = fx_new(5);
    qt_queue_state *st = NULL;
    qt_queue q;
    unsigned long id = qf_add(f->qdir, 5, "a@b.example", one_remote, NOW, NULL);
    const struct qt_qmsg *m;

    scan_ok(f, &st, 0, &q);
    assert_int_equal(q.split, 5);
    assert_non_null(m = qt_queue_find(&q, id));
    assert_string_equal(m->sender, "a@b.example");
    assert_int_equal(m->remote_todo, 1);
    assert_string_equal(m->rcpt[0], "Rbob@example.net");
    assert_null(qt_queue_find(&q, id + 1));
    assert_int_equal(qt_queue_bouncing(&q, id), 0);
    qt_queue_free(&q);
    qt_queue_state_free(st);
    fx_free(f);
}

/* Nothing changed: nothing re-read. One new message: only its subdirectory. */
static void incremental(void **s)
{
    (void)s;
    struct fx *f = fx_new(23);
    qt_queue_state *st = NULL;
    qt_queue q;
    size_t first;

    for (int i = 0; i < 100; i++)
        qf_add(f->qdir, 23, "a@b.example", one_remote, NOW - i, NULL);
    scan_ok(f, &st, 0, &q);
    first = q.files_read;
    assert_true(first >= 200);              /* info + remote of each */
    assert_int_equal(q.listed, 100);
    qt_queue_free(&q);

    scan_ok(f, &st, 0, &q);
    assert_int_equal(q.files_read, 0);
    assert_int_equal(q.listed, 100);
    assert_int_equal(q.messages, 100);
    qt_queue_free(&q);

    {
        unsigned long id = qf_add(f->qdir, 23, "c@d.example", one_remote, NOW, NULL);
        size_t in_split = 0;
        const struct qt_qmsg *m;
        scan_ok(f, &st, 0, &q);
        for (size_t i = 0; (m = qt_queue_msg(&q, i)); i++)
            in_split += m->id % 23 == id % 23;
        /* only the new message's subdirectory: info and remote of each of its messages */
        assert_int_equal(q.files_read, 2 * in_split);
        assert_true(q.files_read < first);
    }
    assert_int_equal(q.listed, 101);
    assert_int_equal(q.messages, 101);
    qt_queue_free(&q);
    qt_queue_state_free(st);
    fx_free(f);
}

/* A budget of messages per sample: the rest comes next sample, "partial"
 * meanwhile. With a budget of 1 each sample reads exactly one subdirectory
 * (which ones hold messages depends on the inode numbers the file system
 * hands out, so only the subdirectory counts are exact). */
static void budget_partial(void **s)
{
    (void)s;
    struct fx *f = fx_new(4);
    qt_queue_state *st = NULL;
    qt_queue q;
    int rounds = 0, partial;

    for (int i = 0; i < 40; i++)
        qf_add(f->qdir, 4, "a@b.example", one_remote, NOW, NULL);
    do {
        scan_ok(f, &st, 1, &q);
        rounds++;
        partial = q.partial;
        if (partial) {
            assert_int_equal(q.pending_dirs, 4 - rounds);
            assert_true(q.listed <= 40);
            qt_queue_free(&q);
        }
    } while (partial && rounds < 10);
    assert_int_equal(rounds, 4);
    assert_int_equal(q.pending_dirs, 0);
    assert_int_equal(q.listed, 40);
    assert_int_equal(q.messages, 40);
    qt_queue_free(&q);
    qt_queue_state_free(st);
    fx_free(f);
}

/* A file that vanishes between the listing and the open is skipped: the
 * race hook removes the second message when the first one's info file is
 * open (after info/0 was listed). */
static char vanish_path[3][1024];
static char vanish_trigger[1024];
static int vanish_done;
static void vanish_hook(const char *where)
{
    char fd[64], target[1024];
    if (strcmp(where, "entry") != 0 || vanish_done)
        return;
    for (int i = 3; i < 256; i++) {
        ssize_t n;
        snprintf(fd, sizeof fd, "/proc/self/fd/%d", i);
        if ((n = readlink(fd, target, sizeof target - 1)) <= 0)
            continue;
        target[n] = '\0';
        if (strcmp(target, vanish_trigger) == 0) {
            vanish_done = 1;
            for (int k = 0; k < 3; k++)
                unlink(vanish_path[k]);
            return;
        }
    }
}

static void vanished_mid_scan(void **s)
{
    (void)s;
    struct fx *f = fx_new(1);
    qt_queue_state *st = NULL;
    qt_queue q;
    unsigned long a = qf_add(f->qdir, 1, "a@b.example", one_remote, NOW, NULL);
    unsigned long b = qf_add(f->qdir, 1, "c@d.example", one_remote, NOW, NULL);
    unsigned long later = a > b ? a : b, first = a < b ? a : b;
    char real[1024];

    snprintf(vanish_path[0], sizeof vanish_path[0], "%s/info/0/%lu", f->qdir, later);
    snprintf(vanish_path[1], sizeof vanish_path[1], "%s/remote/0/%lu", f->qdir, later);
    snprintf(vanish_path[2], sizeof vanish_path[2], "%s/mess/0/%lu", f->qdir, later);
    snprintf(vanish_trigger, sizeof vanish_trigger, "%s/info/0/%lu", f->qdir, first);
    assert_non_null(realpath(vanish_trigger, real));
    snprintf(vanish_trigger, sizeof vanish_trigger, "%s", real);
    vanish_done = 0;
    qt_rootfs_set_race_hook(vanish_hook);
    scan_ok(f, &st, 0, &q);
    qt_rootfs_set_race_hook(NULL);
    assert_int_equal(vanish_done, 1);
    assert_int_equal(q.listed, 1);
    assert_int_equal(q.vanished, 1);
    assert_null(qt_queue_find(&q, later));
    qt_queue_free(&q);
    qt_queue_state_free(st);
    fx_free(f);
}

/* Unreadable: a clear failure naming the path, never an empty queue. */
static void unreadable(void **s)
{
    (void)s;
    struct fx *f = fx_new(3);
    qt_queue_state *st = NULL;
    qt_queue q;
    char path[1024], err[256];

    qf_add(f->qdir, 3, "a@b.example", one_remote, NOW, NULL);
    {
        char away[1024];
        snprintf(path, sizeof path, "%s/info/1", f->qdir);
        snprintf(away, sizeof away, "%s/info1.away", f->qdir);
        assert_int_equal(rename(path, away), 0);
        qf_write(f->qdir, "info/1", "x", 1);   /* not a directory: cannot be listed */
    }
    assert_int_equal(qt_queue_scan(&f->ctx, &st, 0, &q, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot read the queue ("));
    assert_non_null(strstr(err, "/var/qmail/queue/info/1"));
    assert_int_equal(q.messages, 0);
    assert_null(q.blocks);
    qt_queue_free(&q);
    qt_queue_state_free(st);

    /* no such queue: absent (no qmail here), not a failure and not zeros shown as a queue */
    f->ctx.queue_dir = "/var/qmail/nosuchqueue";
    st = NULL;
    assert_int_equal(qt_queue_scan(&f->ctx, &st, 0, &q, err, sizeof err), 0);
    assert_int_equal(q.absent, 1);
    qt_queue_free(&q);
    qt_queue_state_free(st);
    /* mess/ without split subdirectories is not a queue */
    snprintf(path, sizeof path, "%s/var/qmail/notaqueue", f->root);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/var/qmail/notaqueue/mess", f->root);
    assert_int_equal(mkdir(path, 0700), 0);
    f->ctx.queue_dir = "/var/qmail/notaqueue";
    st = NULL;
    assert_int_equal(qt_queue_scan(&f->ctx, &st, 0, &q, err, sizeof err), -1);
    assert_non_null(strstr(err, "no split subdirectories"));
    qt_queue_free(&q);
    qt_queue_state_free(st);
    fx_free(f);
}

/* The queue follows qmail's prefix (--qmail-dir or discovery) when no
 * queue directory is named: QMAIL/queue, and its control/ next to it. */
static void follows_prefix(void **s)
{
    (void)s;
    struct fx *f = fx_new(3);
    char from[600], to[600], err[256] = "";
    qt_queue_state *st = NULL;
    qt_queue q;

    qf_add(f->qdir, 3, "a@x.example", one_remote, NOW - 60, NULL);
    qf_add(f->qdir, 3, "b@x.example", one_remote, NOW - 60, NULL);
    assert_string_equal(qt_queue_dir(&f->ctx, from, sizeof from), "/var/qmail/queue");
    /* the same tree moved to /opt/qm: the default place has nothing */
    snprintf(from, sizeof from, "%s/var/qmail", f->root);
    snprintf(to, sizeof to, "%s/opt", f->root);
    assert_int_equal(mkdir(to, 0700), 0);
    snprintf(to, sizeof to, "%s/opt/qm", f->root);
    assert_int_equal(rename(from, to), 0);
    snprintf(to, sizeof to, "%s/opt/qm/control/queuelifetime", f->root);
    {
        FILE *fp = fopen(to, "w");
        assert_non_null(fp);
        fputs("3600\n", fp);
        fclose(fp);
    }
    assert_int_equal(qt_queue_scan(&f->ctx, &st, 0, &q, err, sizeof err), 0);
    assert_int_equal(q.absent, 1);
    qt_queue_free(&q);
    qt_queue_state_free(st);
    st = NULL;

    snprintf(f->ctx.qmail_prefix, sizeof f->ctx.qmail_prefix, "/opt/qm");
    assert_string_equal(qt_queue_dir(&f->ctx, from, sizeof from), "/opt/qm/queue");
    scan_ok(f, &st, 0, &q);
    assert_int_equal(q.absent, 0);
    assert_string_equal(q.dir, "/opt/qm/queue");
    assert_int_equal(q.messages, 2);
    assert_int_equal(q.listed, 2);
    assert_int_equal((long)q.lifetime, 3600);
    assert_false(q.lifetime_default);
    qt_queue_free(&q);
    qt_queue_state_free(st);

    /* a named queue directory still wins over the prefix */
    f->ctx.queue_dir = "/var/qmail/queue";
    assert_string_equal(qt_queue_dir(&f->ctx, from, sizeof from), "/var/qmail/queue");
    fx_free(f);
}

/* A recipient marked done in place (qmail-send writes 'D' over 'T' in
 * remote/S/ID; the directory's mtime does not move) is seen on a later
 * sample: the recheck finds the file's mtime after the block's read and
 * the subdirectory is read again. */
static void done_in_place(void **s)
{
    (void)s;
    struct fx *f = fx_new(1);
    static const char *const two[] = {"TRa@remote.example", "TRb@remote.example", NULL};
    qt_queue_state *st = NULL;
    qt_queue q;
    char path[1024];
    struct stat before, after;
    unsigned long id = qf_add(f->qdir, 1, "s@x.example", two, NOW - 60, NULL);
    int fd;

    scan_ok(f, &st, 0, &q);
    assert_int_equal(q.remote_rcpts, 2);
    qt_queue_free(&q);
    snprintf(path, sizeof path, "%s/remote/0", f->qdir);
    assert_int_equal(stat(path, &before), 0);
    usleep(30000); /* past the coarse clock's tick of the read */
    snprintf(path, sizeof path, "%s/remote/0/%lu", f->qdir, id);
    fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "D", 1, 0), 1);   /* qmail-send's markdone */
    close(fd);
    snprintf(path, sizeof path, "%s/remote/0", f->qdir);
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);     /* the directory did not change */
    assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
    scan_ok(f, &st, 0, &q);   /* this sample's recheck sees the file's mtime */
    qt_queue_free(&q);
    scan_ok(f, &st, 0, &q);   /* and this one reads the subdirectory again */
    assert_int_equal(q.remote_rcpts, 1);
    assert_int_equal(q.files_read > 0, 1);
    qt_queue_free(&q);
    scan_ok(f, &st, 0, &q);   /* then nothing changes: nothing is read */
    assert_int_equal(q.remote_rcpts, 1);
    assert_int_equal(q.files_read, 0);
    qt_queue_free(&q);
    qt_queue_state_free(st);
    fx_free(f);
}

/* Hostile envelope: a huge sender with control bytes is capped, kept raw
 * (panes escape); a cut recipient file counts what it read. */
static void hostile_envelope(void **s)
{
    (void)s;
    struct fx *f = fx_new(1);
    qt_queue_state *st = NULL;
    qt_queue q;
    char *big = qt_malloc(20000);
    const struct qt_qmsg *m;
    unsigned long id;
    char rel[64];

    memset(big, 'A', 19999);
    big[0] = '\x1b';
    big[19999] = '\0';
    id = qf_add(f->qdir, 1, big, one_remote, NOW, NULL);
    /* a remote file bigger than the cap: many "T" records, the last one cut */
    {
        size_t n = QT_QUEUE_ENV_MAX + 4096, i = 0;
        char *env = qt_malloc(n);
        while (i + 20 < n) {
            memcpy(env + i, "Tx@flood.example", 16);
            env[i + 16] = '\0';
            i += 17;
        }
        memset(env + i, 'T', n - i);
        snprintf(rel, sizeof rel, "remote/0/%lu", id);
        qf_write(f->qdir, rel, env, n);
        free(env);
    }
    scan_ok(f, &st, 0, &q);
    assert_non_null(m = qt_queue_find(&q, id));
    assert_int_equal(strlen(m->sender), QT_QUEUE_ADDR_MAX);
    assert_int_equal(m->sender[0], '\x1b');
    assert_int_equal(m->cut, 1);
    assert_int_equal(m->remote_todo, QT_QUEUE_ENV_MAX / 17);
    assert_int_equal(m->nrcpt, QT_QUEUE_RCPT_KEEP);
    assert_int_equal(q.cut, 1);
    assert_int_equal(q.many_rcpts, 1);
    qt_queue_free(&q);
    qt_queue_state_free(st);
    free(big);
    fx_free(f);
}

/* Headers: the wanted ones, folded lines joined, never the body. */
static void hostile_headers(void **s)
{
    (void)s;
    struct fx *f = fx_new(2);
    qt_queue_state *st = NULL;
    qt_queue q;
    char why[256], *h, *safe;
    unsigned long id = qf_add(f->qdir, 2, "a@b.example", one_remote, NOW,
                              "Received: from x\r\n\tby y\r\nSubject: \x1b[2Jhi\r\nX-Other: no\r\n"
                              "From: <a@b.example>\r\n\r\nSubject: BODYSECRET\r\n");

    scan_ok(f, &st, 0, &q);
    h = qt_queue_headers(&f->ctx, &q, id, why, sizeof why);
    assert_non_null(h);
    assert_non_null(strstr(h, "Received: from x by y\n"));
    assert_non_null(strstr(h, "Subject: \x1b[2Jhi\n"));
    assert_non_null(strstr(h, "From: <a@b.example>\n"));
    assert_null(strstr(h, "X-Other"));
    assert_null(strstr(h, "BODYSECRET"));
    safe = qt_safe_strdup(h, strlen(h));
    assert_null(strchr(safe, '\x1b'));
    free(safe);
    free(h);
    assert_null(qt_queue_headers(&f->ctx, &q, id + 1000, why, sizeof why));
    assert_non_null(strstr(why, "left the queue"));
    qt_queue_free(&q);
    qt_queue_state_free(st);
    fx_free(f);
}

/* --- findings --- */

static size_t find(const qt_findings *fs, const char *id_prefix, enum qt_sev *sev, const qt_finding **out)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        if (strncmp(fs->v[i].id, id_prefix, strlen(id_prefix)) == 0) {
            n++;
            if (sev)
                *sev = fs->v[i].sev;
            if (out)
                *out = &fs->v[i];
        }
    return n;
}

static void analyse(struct fx *f, const qt_history *h, qt_findings *fs, qt_queue *q)
{
    qt_snapshot snap;
    qt_queue_state *st = NULL;
    memset(&snap, 0, sizeof snap);
    memset(fs, 0, sizeof *fs);
    scan_ok(f, &st, 0, q);
    snap.queue = q;
    qt_queue_analyse(&f->ctx, &snap, h, fs);
    qt_queue_state_free(st);
}

static void flood_findings(void **s)
{
    (void)s;
    struct fx *f = fx_new(23);
    qt_findings fs;
    qt_queue q;
    enum qt_sev sev;
    const qt_finding *x = NULL;

    for (int i = 0; i < 20; i++)
        qf_add(f->qdir, 23, "user@local.example", one_remote, NOW, NULL);
    analyse(f, NULL, &fs, &q);
    assert_int_equal(find(&fs, "queue.sender:", NULL, NULL), 0);   /* 20 messages: below the line */
    assert_int_equal(find(&fs, "queue.summary", &sev, NULL), 1);
    assert_int_equal(sev, QT_SEV_OK);
    qt_findings_free(&fs);
    qt_queue_free(&q);

    for (int i = 0; i < 100; i++)
        qf_add(f->qdir, 23, "user@local.example", one_remote, NOW, NULL);
    for (int i = 0; i < 60; i++)
        qf_add(f->qdir, 23, "", one_remote, NOW, NULL);                       /* backscatter */
    for (int i = 0; i < 10; i++)
        qf_add(f->qdir, 23, "#@[]", one_remote, NOW, NULL);
    qf_write(f->qdir, "../control/doublebounceto", "dbl@remote.example\n", 19);
    analyse(f, NULL, &fs, &q);
    assert_int_equal(find(&fs, "queue.sender:user@local.example", &sev, &x), 1);
    assert_int_equal(sev, QT_SEV_WARN);                                       /* 63 %, 120 < 1000 */
    assert_non_null(strstr(x->evidence, "120 of 190 messages"));
    assert_non_null(strstr(x->fix, "vpasswd user@local.example"));
    assert_non_null(strstr(x->fix, "svc -d /service/qmail-send"));
    assert_non_null(strstr(x->fix, "= Fuser@local.example ]"));
    assert_string_equal(x->inc_kind, "queue-flood");
    assert_string_equal(x->inc_service, "queue");
    assert_int_equal(find(&fs, "queue.backscatter", &sev, &x), 1);
    assert_int_equal(sev, QT_SEV_WARN);
    assert_string_equal(x->inc_kind, "bounces");
    assert_non_null(strstr(x->fix, "= F ]"));
    assert_int_equal(find(&fs, "queue.double-bounces", &sev, &x), 1);
    assert_non_null(strstr(x->evidence, "doublebounceto: dbl@remote.example"));
    assert_non_null(strstr(x->fix, "= 'F#@[]' ]"));
    qt_findings_free(&fs);
    qt_queue_free(&q);

    /* 1000 messages and over half of the queue: CRIT */
    for (int i = 0; i < 900; i++)
        qf_add(f->qdir, 23, "user@local.example", one_remote, NOW, NULL);
    analyse(f, NULL, &fs, &q);
    assert_int_equal(find(&fs, "queue.sender:", &sev, NULL), 1);
    assert_int_equal(sev, QT_SEV_CRIT);
    qt_findings_free(&fs);
    qt_queue_free(&q);
    fx_free(f);
}

static void growth_finding(void **s)
{
    (void)s;
    struct fx *f = fx_new(1);
    qt_history h = {0};
    qt_findings fs;
    qt_queue q;
    enum qt_sev sev;
    double span;

    qf_add(f->qdir, 1, "a@b.example", one_remote, NOW, NULL);
    assert_true(isnan(qt_queue_growth(&h, &span)));
    qt_history_push(&h, "queue_messages", NOW - 120, 100);
    qt_history_push(&h, "queue_messages", NOW - 60, 150);
    qt_history_push(&h, "queue_messages", NOW, 300);
    assert_true(fabs(qt_queue_growth(&h, &span) - 100.0) < 0.01);
    assert_true(fabs(span - 120) < 0.01);
    analyse(f, &h, &fs, &q);
    assert_int_equal(find(&fs, "queue.growing", &sev, NULL), 1);
    assert_int_equal(sev, QT_SEV_WARN);
    qt_findings_free(&fs);
    qt_queue_free(&q);
    qt_history_push(&h, "queue_messages", NOW + 60, 2000);
    analyse(f, &h, &fs, &q);
    assert_int_equal(find(&fs, "queue.growing", &sev, NULL), 1);
    assert_int_equal(sev, QT_SEV_CRIT);
    qt_findings_free(&fs);
    qt_queue_free(&q);
    qt_history_free(&h);
    fx_free(f);
}

/* The collector through the sampler: metrics, and STALE (never zeros) when unreadable. */
static void collector(void **s)
{
    (void)s;
    struct fx *f = fx_new(3);
    qt_sampler smp;
    qt_snapshot *snap;
    const qt_metric *m;
    char path[1024];

    memset(&smp, 0, sizeof smp);
    qf_add(f->qdir, 3, "a@b.example", one_remote, NOW, NULL);
    qf_add_todo(f->qdir, 3, "a@b.example", "c@d.example");
    f->ctx.proc = "/proc";
    snap = qt_sample(&smp, &f->ctx);
    assert_int_equal(snap->src[QT_SRC_QUEUE].state, QT_SRC_OK);
    assert_non_null(m = qt_metrics_find(&snap->metrics, "queue_messages", NULL));
    assert_int_equal((int)m->value, 2);
    assert_non_null(m = qt_metrics_find(&snap->metrics, "queue_unpreprocessed", NULL));
    assert_int_equal((int)m->value, 1);
    qt_snapshot_free(snap);

    {
        char away[1024];
        snprintf(path, sizeof path, "%s/mess/0", f->qdir);
        snprintf(away, sizeof away, "%s/mess0.away", f->qdir);
        assert_int_equal(rename(path, away), 0);
        qf_write(f->qdir, "mess/0", "x", 1);   /* not a directory any more: cannot be listed */
    }
    snap = qt_sample(&smp, &f->ctx);
    assert_int_equal(snap->src[QT_SRC_QUEUE].state, QT_SRC_FAILED);
    assert_non_null(strstr(snap->src[QT_SRC_QUEUE].err, "cannot read the queue"));
    assert_null(snap->queue);
    assert_null(qt_metrics_find(&snap->metrics, "queue_messages", NULL));
    qt_snapshot_free(snap);
    qt_sampler_free(&smp);
    fx_free(f);
}

/* Subdirectories read on two threads give the model one thread gives. */
static void threads_same(void **s)
{
    (void)s;
    struct fx *f = fx_new(23);
    qt_queue q[2];
    qt_queue_state *st[2] = {NULL, NULL};
    char snd[64];

    for (int i = 0; i < 400; i++) {
        snprintf(snd, sizeof snd, "s%d@local.example", i % 7);
        qf_add(f->qdir, 23, i % 50 ? snd : "", one_remote, NOW - i, NULL);
    }
    for (int t = 0; t < 2; t++) {
        qt_queue_threads = t + 1;
        scan_ok(f, &st[t], SIZE_MAX, &q[t]);
    }
    qt_queue_threads = QT_QUEUE_THREADS;
    assert_int_equal(q[0].listed, 400);
    assert_int_equal(q[1].listed, q[0].listed);
    assert_int_equal(q[1].messages, q[0].messages);
    assert_int_equal(q[1].remote_rcpts, q[0].remote_rcpts);
    assert_int_equal(q[1].bounces, q[0].bounces);
    assert_int_equal(q[1].files_read, q[0].files_read);
    assert_int_equal(q[1].nsenders, q[0].nsenders);
    for (size_t i = 0; i < q[0].nsenders; i++) {
        assert_string_equal(q[1].senders[i].key, q[0].senders[i].key);
        assert_int_equal(q[1].senders[i].msgs, q[0].senders[i].msgs);
    }
    for (size_t i = 0; i < q[0].listed; i++)
        assert_int_equal(qt_queue_msg(&q[1], i)->id, qt_queue_msg(&q[0], i)->id);
    for (int t = 0; t < 2; t++) {
        qt_queue_free(&q[t]);
        qt_queue_state_free(st[t]);
    }
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_like_qstat),
        cmocka_unit_test(split_from_tree),
        cmocka_unit_test(incremental),
        cmocka_unit_test(budget_partial),
        cmocka_unit_test(vanished_mid_scan),
        cmocka_unit_test(unreadable),
        cmocka_unit_test(hostile_envelope),
        cmocka_unit_test(hostile_headers),
        cmocka_unit_test(flood_findings),
        cmocka_unit_test(growth_finding),
        cmocka_unit_test(collector),
        cmocka_unit_test(follows_prefix),
        cmocka_unit_test(done_in_place),
        cmocka_unit_test(threads_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
