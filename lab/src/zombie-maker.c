/* zombie-maker - a parent that makes zombie children and never reaps them.
 *
 *   zombie-maker [-n COUNT] [-g SECONDS] [-m MAX] [-t LIFETIME] [-c CHILD]
 *                [-l LIVE] [-L LIVENAME] [-p PIDFILE] [-- ARGV0 ARGS...]
 *   -n COUNT     children forked at start (default 5)
 *   -g SECONDS   fork one more child every SECONDS (default 0: no growth)
 *   -m MAX       never more than MAX children in total (default 50)
 *   -t LIFETIME  exit after LIFETIME seconds (default 3600); PID 1 then reaps
 *   -c CHILD     the children's name (prctl PR_SET_NAME; default qmail-smtpd)
 *   -l LIVE      also LIVE living children (default 0) that pause() until the
 *                maker ends (PR_SET_PDEATHSIG: they never outlive it)
 *   -L LIVENAME  the living children's name (default zombie-live)
 *   -p PIDFILE   write "PID\n" of the maker there once everything is staged
 *                (written to PIDFILE.tmp, then renamed)
 *   -- ARGV...   re-exec itself with exactly this argv (e.g. "tcpserver -v -R
 *                ... qmail-smtpd") so ps shows a tcpserver-like command line;
 *                the process name (comm) becomes basename(ARGV0).
 * Options may also come from env
 * QT_ZM="n=5,g=10,m=30,t=3600,c=qmail-smtpd,l=0,L=zombie-live,p=FILE";
 * then argv is not parsed at all (for `exec -a tcpserver zombie-maker ...`
 * in run scripts), and comm is set from basename(argv[0]).
 * Each child sets its name and _exit(0)s at once; the parent keeps SIGCHLD at
 * SIG_DFL and never calls wait(), so `ps` shows "[CHILD] <defunct>".
 * Bad options: usage on stderr, exit 100; a failed fork of a living child or
 * the pidfile: exit 111. SIGTERM/SIGINT end it early, like its lifetime.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

struct opts {
    long n, g, m, t, l;
    char c[16], L[16], p[512];
};

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

static void usage(void)
{
    fprintf(stderr, "usage: zombie-maker [-n COUNT] [-g SECONDS] [-m MAX] "
                    "[-t LIFETIME] [-c CHILD] [-l LIVE] [-L LIVENAME] [-p PIDFILE] "
                    "[-- ARGV0 ARGS...]\n");
    exit(100);
}

/* a whole decimal number, else usage */
static long num(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end)
        usage();
    return v;
}

static void set_opt(struct opts *o, int key, const char *v)
{
    switch (key) {
    case 'n': o->n = num(v); break;
    case 'g': o->g = num(v); break;
    case 'm': o->m = num(v); break;
    case 't': o->t = num(v); break;
    case 'l': o->l = num(v); break;
    case 'c': snprintf(o->c, sizeof o->c, "%s", v); break;
    case 'L': snprintf(o->L, sizeof o->L, "%s", v); break;
    case 'p':
        if (strchr(v, ',')) /* the env form splits on commas */
            usage();
        snprintf(o->p, sizeof o->p, "%s", v);
        break;
    default: usage();
    }
}

static void parse_env(const char *s, struct opts *o)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *save = NULL, *kv = strtok_r(buf, ",", &save); kv;
         kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq || eq != kv + 1)
            continue;
        set_opt(o, kv[0], eq + 1);
    }
}

static void spawn(const char *name)
{
    pid_t p = fork();
    if (p == 0) {
        prctl(PR_SET_NAME, name, 0, 0, 0);
        _exit(0);
    }
    if (p < 0)
        fprintf(stderr, "zombie-maker: fork: %s\n", strerror(errno));
}

static pid_t *livepids;
static long nlive;

static void kill_live(void)
{
    for (long i = 0; i < nlive; i++)
        if (livepids[i] > 0)
            kill(livepids[i], SIGKILL);
}

/* the living children: pause() until the maker kills them or dies */
static int spawn_live(const struct opts *o)
{
    if (o->l <= 0)
        return 0;
    livepids = calloc((size_t)o->l, sizeof *livepids);
    if (!livepids)
        return -1;
    for (long i = 0; i < o->l && !stop; i++) {
        pid_t p = fork();
        if (p == 0) {
            prctl(PR_SET_NAME, o->L, 0, 0, 0);
            prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
            for (;;)
                pause();
        }
        if (p < 0) {
            fprintf(stderr, "zombie-maker: fork (live): %s\n", strerror(errno));
            return -1;
        }
        livepids[nlive++] = p;
    }
    return 0;
}

static int write_pidfile(const char *path)
{
    char tmp[600];
    FILE *f;
    if (!path[0])
        return 0;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "zombie-maker: pidfile %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* lifetime over or a signal: the living children go first; _exit: under
 * ASan, LeakSanitizer's exit-time scan of a process with zombie children
 * was seen spinning for 30 minutes */
static void finish(int code)
{
    kill_live();
    _exit(code);
}

int main(int argc, char **argv)
{
    struct opts o = { .n = 5, .g = 0, .m = 50, .t = 3600, .l = 0, .c = "qmail-smtpd", .L = "zombie-live" };
    const char *env = getenv("QT_ZM");
    if (env && *env) {
        parse_env(env, &o); /* kept in the environment: lab/lib/truth.py looks for it */
    } else {
        int c;
        while ((c = getopt(argc, argv, "+n:g:m:t:c:l:L:p:")) != -1) {
            if (c == '?')
                usage();
            set_opt(&o, c, optarg);
        }
        if (optind < argc) {
            /* re-exec with the fake argv, options through the environment */
            char spec[1024];
            snprintf(spec, sizeof spec, "n=%ld,g=%ld,m=%ld,t=%ld,c=%s,l=%ld,L=%s,p=%s", o.n, o.g,
                     o.m, o.t, o.c, o.l, o.L, o.p);
            setenv("QT_ZM", spec, 1);
            execv("/proc/self/exe", argv + optind);
            fprintf(stderr, "zombie-maker: re-exec: %s\n", strerror(errno));
            return 111;
        }
    }
    if (o.n < 0 || o.m < 0 || o.g < 0 || o.t <= 0 || o.l < 0)
        usage();
    if (o.n > o.m)
        o.n = o.m;

    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    prctl(PR_SET_NAME, base, 0, 0, 0);
    signal(SIGCHLD, SIG_DFL); /* SIG_IGN would let the kernel reap them */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    if (spawn_live(&o) != 0)
        finish(111);
    long made = 0;
    for (; made < o.n && !stop; made++)
        spawn(o.c);
    if (write_pidfile(o.p) != 0)
        finish(111);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (!stop) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long age = (long)(now.tv_sec - start.tv_sec);
        if (age >= o.t)
            break;
        if (o.g > 0) {
            long want = o.n + age / o.g;
            if (want > o.m)
                want = o.m;
            for (; made < want; made++)
                spawn(o.c);
        }
        /* sleep to the next whole second of age (or the end of life); a
         * signal cuts it short, a child's exit does not (SIGCHLD not caught) */
        struct timespec next = { start.tv_sec + age + 1, start.tv_nsec };
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
    finish(0);
}
