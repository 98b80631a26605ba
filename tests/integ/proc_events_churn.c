/* proc_events_churn - the event-driven process table against a full scan,
 * live, under churn (issue 19). Rounds of forks that exit at once, execs,
 * zombies made and reaped, setuid children, threads, comm changes, new
 * sessions and orphans re-parented to us (a subreaper) when their parent
 * is killed; after each round settles, the
 * table the event-driven reader returns must equal a full scan taken right
 * after it, for every process that no event touched while the two were read
 * (a second listener on the connector tells which: the machine is shared).
 * Exit 77 with the reason when the connector is not available (no
 * CAP_NET_ADMIN, not in the initial namespaces). Bounded: about 3 s of
 * churn, a 60 s alarm. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <time.h>
#include <unistd.h>

#include "diag/procs/procs.h"
#include "diag/procs/procs_events.h"
#include "diag/core/util.h"

#define ROUNDS 15
#define QUICK_EXITS 150  /* per round: fork + exit + reap */
#define MAX_KIDS 4096

static pid_t kids[MAX_KIDS];
static size_t nkids;
static int fails, compared, skipped;

static void keep(pid_t pid)
{
    if (pid > 0 && nkids < MAX_KIDS)
        kids[nkids++] = pid;
}

static void *idle_thread(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

/* One child in its final state; ready is closed (by exit, exec or close) once it is there. */
static void child(int kind, int ready)
{
    char name[16];
    pthread_t th;

    switch (kind) {
    case 0: /* exec a sleeper */
        execl("/bin/sleep", "sleep", "60", (char *)NULL);
        _exit(127);
    case 1: /* setuid without exec */
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(126);
        break;
    case 2: /* threads */
        for (int i = 0; i < 3; i++)
            pthread_create(&th, NULL, idle_thread, NULL);
        break;
    case 3: /* a new comm */
        snprintf(name, sizeof name, "churn-%d", (int)(getpid() % 1000));
        prctl(PR_SET_NAME, name);
        break;
    case 4: /* a parent with a child: killed next round, its child is re-parented to the subreaper */
        if (fork() == 0) {
            close(ready);
            for (;;)
                pause();
        }
        break;
    case 5: /* a zombie: exits now, reaped a round later */
        _exit(3);
    case 6: /* a new session */
        setsid();
        break;
    }
    close(ready);
    for (;;)
        pause();
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int in(const struct qt_proc_changes *c, int pid, int ppid_a, int ppid_b)
{
    /* empty sets are NULL: bsearch(NULL) is undefined */
    return (c->ndirty && bsearch(&pid, c->dirty, c->ndirty, sizeof(int), cmp_int)) ||
           (c->nexited && (bsearch(&ppid_a, c->exited, c->nexited, sizeof(int), cmp_int) ||
                           bsearch(&ppid_b, c->exited, c->nexited, sizeof(int), cmp_int)));
}

/* A kernel workqueue worker's comm names the queue it runs now (fs/proc/array.c):
 * it changes without an event, like a process's R/S state; procs.h says so. */
static int same_comm(const struct qt_proc *a, const struct qt_proc *b)
{
    size_t n = strcspn(a->comm, "-+");
    if (!(a->flags & b->flags & 0x20ul)) /* PF_WQ_WORKER, include/linux/sched.h */
        return strcmp(a->comm, b->comm) == 0;
    return n == strcspn(b->comm, "-+") && memcmp(a->comm, b->comm, n) == 0;
}

static int same(const struct qt_proc *a, const struct qt_proc *b)
{
    return a->ppid == b->ppid && a->sid == b->sid && a->ticks == b->ticks && a->image == b->image &&
           a->nlwp == b->nlwp && (a->state == 'Z') == (b->state == 'Z') && same_comm(a, b);
}

static int ours(int pid)
{
    for (size_t i = 0; i < nkids; i++)
        if (kids[i] == pid)
            return 1;
    return 0;
}

/* Compare the event-driven table t with a full scan, leaving out what changed meanwhile. */
static void check(int round, const qt_procs *t, const qt_procs *full, const struct qt_proc_changes *late)
{
    size_t i = 0, j = 0;

    while (i < t->n || j < full->n) {
        const struct qt_proc *a = i < t->n ? &t->v[i] : NULL, *b = j < full->n ? &full->v[j] : NULL;
        if (a && (!b || a->pid < b->pid)) {
            i++;
            /* a zombie reaped meanwhile: the one change no event reports */
            if (in(late, a->pid, a->ppid, a->ppid) || a->state == 'Z') {
                skipped++;
                continue;
            }
            fprintf(stderr, "round %d: pid %d (%s %c) in the event table, not in the scan\n", round, a->pid, a->comm, a->state);
            fails++;
        } else if (b && (!a || b->pid < a->pid)) {
            j++;
            if (in(late, b->pid, b->ppid, b->ppid)) {
                skipped++;
                continue;
            }
            fprintf(stderr, "round %d: pid %d (%s %c) in the scan, not in the event table\n", round, b->pid, b->comm, b->state);
            fails++;
        } else {
            i++, j++;
            if (in(late, a->pid, a->ppid, b->ppid)) {
                skipped++;
                continue;
            }
            compared++;
            if (!same(a, b) || (ours(a->pid) && a->uid != b->uid)) {
                fprintf(stderr, "round %d: pid %d differs: events ppid %d sid %d ticks %llu nlwp %d %c uid %u '%s'; "
                        "scan ppid %d sid %d ticks %llu nlwp %d %c uid %u '%s'\n", round, a->pid, a->ppid, a->sid,
                        a->ticks, a->nlwp, a->state, a->uid, a->comm, b->ppid, b->sid, b->ticks, b->nlwp, b->state,
                        b->uid, b->comm);
                fails++;
            }
        }
    }
}

static pid_t zombies[64], middles[64];
static size_t nzombies, nmiddles;

static void one_round(void)
{
    int p[2];
    char c;

    /* last round's zombies are reaped now: no event says so; last round's
     * parents die: their children are re-parented, with no event of their own */
    for (size_t i = 0; i < nzombies; i++)
        waitpid(zombies[i], NULL, 0);
    for (size_t i = 0; i < nmiddles; i++) {
        kill(middles[i], SIGKILL);
        waitpid(middles[i], NULL, 0);
    }
    nzombies = nmiddles = 0;
    if (pipe2(p, O_CLOEXEC) != 0)
        exit(99);
    for (int k = 0; k < 7 * 3; k++) {
        pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            child(k % 7, p[1]);
        }
        if (k % 7 == 4)
            middles[nmiddles++] = pid;
        else if (k % 7 == 5)
            zombies[nzombies++] = pid;
        else
            keep(pid);
    }
    for (int k = 0; k < QUICK_EXITS; k++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid > 0)
            waitpid(pid, NULL, 0);
    }
    close(p[1]);
    while (read(p[0], &c, 1) > 0)
        ;
    close(p[0]);
}

/* Every process forked by us or re-parented to us (the orphans): killing
 * a parent re-parents its children, so until none is left. */
static void kill_ours(const qt_ctx *ctx)
{
    char err[256];

    for (size_t i = 0; i < nkids; i++)
        kill(kids[i], SIGKILL);
    for (int tries = 0; tries < 50; tries++) {
        qt_procs t;
        int left = 0;
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (qt_procs_read(ctx, &t, err, sizeof err) != 0)
            break;
        for (size_t i = 0; i < t.n; i++)
            if (t.v[i].ppid == getpid()) {
                left++;
                if (t.v[i].state != 'Z')
                    kill(t.v[i].pid, SIGKILL);
            }
        qt_procs_free(&t);
        if (!left)
            break;
        usleep(20000);
    }
}

/* Port ids of our own NETLINK_CONNECTOR sockets (/proc/net/netlink by the
 * inodes of /proc/self/fd). */
static int our_ports(unsigned *port, int max)
{
    char line[512], link[64], path[300];
    unsigned long inodes[64];
    int ni = 0, n = 0;
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;
    FILE *f;

    while (d && (de = readdir(d)) && ni < 64) {
        ssize_t l;
        snprintf(path, sizeof path, "/proc/self/fd/%s", de->d_name);
        if ((l = readlink(path, link, sizeof link - 1)) > 0) {
            link[l] = '\0';
            if (sscanf(link, "socket:[%lu]", &inodes[ni]) == 1)
                ni++;
        }
    }
    if (d)
        closedir(d);
    if (!(f = fopen("/proc/net/netlink", "r")))
        return 0;
    while (fgets(line, sizeof line, f) && n < max) {
        unsigned long ino;
        unsigned pid;
        int eth;
        if (sscanf(line, "%*s %d %u %*s %*s %*s %*s %*s %*s %lu", &eth, &pid, &ino) != 3 || eth != NETLINK_CONNECTOR)
            continue;
        for (int i = 0; i < ni; i++)
            if (inodes[i] == ino)
                port[n++] = pid;
    }
    fclose(f);
    return n;
}

/* A local process sends a connector message with a sequence gap to each of
 * our listeners: it must not count (only the kernel's messages do). */
static int fake_loss(void)
{
    /* nlmsghdr, cn_msg, proc_event in a byte buffer (cn_msg ends in a
     * flexible array: clang refuses it in the middle of a struct) */
    unsigned char buf[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(struct proc_event))] __attribute__((aligned(NLMSG_ALIGNTO)));
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    struct cn_msg *cn = NLMSG_DATA(h);
    struct proc_event pe;
    unsigned ports[8];
    int n = our_ports(ports, 8), s = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR), sent = 0;

    memset(buf, 0, sizeof buf);
    memset(&pe, 0, sizeof pe);
    h->nlmsg_len = NLMSG_LENGTH(sizeof *cn + sizeof pe);
    h->nlmsg_type = NLMSG_DONE;
    cn->id.idx = CN_IDX_PROC;
    cn->id.val = CN_VAL_PROC;
    cn->len = sizeof pe;
    pe.what = PROC_EVENT_EXEC;
    pe.event_data.exec.process_pid = pe.event_data.exec.process_tgid = 1;
    memcpy(cn->data, &pe, sizeof pe);
    for (int k = 0; k < 2; k++) /* two numbers far apart on cpu 0: a gap however the first one lands */
        for (int i = 0; i < n; i++) {
            struct sockaddr_nl to = {.nl_family = AF_NETLINK, .nl_pid = ports[i]};
            cn->seq = k ? 5u : 4000000000u;
            sent += sendto(s, buf, h->nlmsg_len, 0, (struct sockaddr *)&to, sizeof to) == (ssize_t)h->nlmsg_len;
        }
    close(s);
    return sent;
}

int main(void)
{
    qt_proc_events *ev = qt_proc_events_new(), *watch = qt_proc_events_new();
    qt_procs_reader *r = qt_procs_reader_new();
    struct qt_procs_track_stats ts;
    struct qt_proc_changes late;
    qt_ctx ctx;
    char err[256];

    alarm(60);
    if (qt_proc_events_listen(ev, 1000, err, sizeof err) != 0 || qt_proc_events_listen(watch, 1000, err, sizeof err) != 0) {
        printf("SKIP: %s\n", err);
        return 77;
    }
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    qt_ctx_defaults(&ctx);
    qt_procs_reader_use_events(r, ev);
    for (int round = 0; round <= ROUNDS; round++) {
        qt_procs t, full;
        if (round > 0)
            one_round();
        if (round % 5 == 4)
            qt_procs_reader_rescan_soon(r);
        /* what changes from here to the end of the full scan is left out */
        qt_proc_events_drain(watch);
        qt_proc_events_take(watch, &late);
        qt_proc_changes_free(&late);
        if (qt_procs_reader_read(r, &ctx, &t, err, sizeof err) != 0) {
            fprintf(stderr, "read: %s\n", err);
            return 1;
        }
        for (size_t i = 0; i < nkids; i++)
            qt_procs_want_pid(&t, kids[i]);
        qt_procs_load(&t);
        if (qt_procs_read(&ctx, &full, err, sizeof err) != 0) {
            fprintf(stderr, "scan: %s\n", err);
            return 1;
        }
        /* a change can be seen in /proc a moment before its event is sent
         * (exec: the new image, then the event): let those events arrive */
        usleep(100 * 1000);
        qt_proc_events_drain(watch);
        qt_proc_events_take(watch, &late);
        if (late.lost) {
            printf("round %d: the watching listener lost events; not compared\n", round);
        } else {
            check(round, &t, &full, &late);
            /* our children had settled: each must have been compared, none left out */
            for (size_t i = 0; i < nkids; i++)
                if (in(&late, kids[i], 0, 0)) {
                    fprintf(stderr, "round %d: our settled child %d changed during the check\n", round, kids[i]);
                    fails++;
                }
        }
        qt_proc_changes_free(&late);
        qt_procs_seal(&t);
        qt_procs_free(&t);
        qt_procs_free(&full);
    }
    kill_ours(&ctx);
    /* forged messages: delivered to our sockets, and not taken for a loss */
    {
        struct qt_procs_track_stats before;
        qt_procs t;
        int sent;
        qt_procs_reader_track_stats(r, &before);
        sent = fake_loss();
        if (qt_procs_reader_read(r, &ctx, &t, err, sizeof err) == 0) {
            qt_procs_seal(&t);
            qt_procs_free(&t);
        }
        qt_procs_reader_track_stats(r, &ts);
        printf("forged messages sent: %d; lost rescans %lu -> %lu\n", sent, before.lost_rescans, ts.lost_rescans);
        if (sent < 4 || ts.lost_rescans != before.lost_rescans) {
            fprintf(stderr, "forged connector messages from a local process were %s\n",
                    sent < 4 ? "not delivered (test broken)" : "taken for lost events");
            fails++;
        }
    }
    qt_procs_reader_track_stats(r, &ts);
    printf("%d rounds, %zu children kept, %d comparisons, %d left out (changed while compared), %d wrong; "
           "reader: %lu samples, %lu full scans (%lu after lost events), %lu safety nets, %lu repairs, "
           "%lu stat lines re-read, %lu events\n", ROUNDS, nkids, compared, skipped, fails, ts.samples, ts.full_scans,
           ts.lost_rescans, ts.safety_scans, ts.repairs, ts.reread, ts.events);
    qt_procs_reader_free(r);
    qt_proc_events_free(watch);
    return fails || compared == 0 ? 1 : 0;
}
