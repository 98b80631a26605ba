/* zombie-maker - a parent that makes zombie children and never reaps them.
 *
 *   zombie-maker [-n COUNT] [-g SECONDS] [-m MAX] [-t LIFETIME] [-c CHILD]
 *                [-- ARGV0 ARGS...]
 *   -n COUNT     children forked at start (default 5)
 *   -g SECONDS   fork one more child every SECONDS (default 0: no growth)
 *   -m MAX       never more than MAX children in total (default 50)
 *   -t LIFETIME  exit after LIFETIME seconds (default 3600); PID 1 then reaps
 *   -c CHILD     the children's name (prctl PR_SET_NAME; default qmail-smtpd)
 *   -- ARGV...   re-exec itself with exactly this argv (e.g. "tcpserver -v -R
 *                ... qmail-smtpd") so ps shows a tcpserver-like command line;
 *                the process name (comm) becomes basename(ARGV0).
 * Options may also come from env QT_ZM="n=5,g=10,m=30,t=3600,c=qmail-smtpd";
 * then argv is not parsed at all (for `exec -a tcpserver zombie-maker ...`
 * in run scripts), and comm is set from basename(argv[0]).
 * Each child sets its name and _exit(0)s at once; the parent keeps SIGCHLD at
 * SIG_DFL and never calls wait(), so `ps` shows "[CHILD] <defunct>".
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
    long n, g, m, t;
    char c[16];
};

static void parse_env(const char *s, struct opts *o)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *save = NULL, *kv = strtok_r(buf, ",", &save); kv;
         kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq || eq != kv + 1)
            continue;
        const char *v = eq + 1;
        switch (kv[0]) {
        case 'n': o->n = atol(v); break;
        case 'g': o->g = atol(v); break;
        case 'm': o->m = atol(v); break;
        case 't': o->t = atol(v); break;
        case 'c': snprintf(o->c, sizeof o->c, "%s", v); break;
        }
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: zombie-maker [-n COUNT] [-g SECONDS] [-m MAX] "
                    "[-t LIFETIME] [-c CHILD] [-- ARGV0 ARGS...]\n");
    exit(100);
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

int main(int argc, char **argv)
{
    struct opts o = { .n = 5, .g = 0, .m = 50, .t = 3600, .c = "qmail-smtpd" };
    const char *env = getenv("QT_ZM");
    if (env && *env) {
        parse_env(env, &o);
    } else {
        int c;
        while ((c = getopt(argc, argv, "+n:g:m:t:c:")) != -1) {
            switch (c) {
            case 'n': o.n = atol(optarg); break;
            case 'g': o.g = atol(optarg); break;
            case 'm': o.m = atol(optarg); break;
            case 't': o.t = atol(optarg); break;
            case 'c': snprintf(o.c, sizeof o.c, "%s", optarg); break;
            default: usage();
            }
        }
        if (optind < argc) {
            /* re-exec with the fake argv, options through the environment */
            char spec[128];
            snprintf(spec, sizeof spec, "n=%ld,g=%ld,m=%ld,t=%ld,c=%s", o.n, o.g,
                     o.m, o.t, o.c);
            setenv("QT_ZM", spec, 1);
            execv("/proc/self/exe", argv + optind);
            fprintf(stderr, "zombie-maker: re-exec: %s\n", strerror(errno));
            return 111;
        }
    }
    if (o.n < 0 || o.m < 0 || o.g < 0 || o.t <= 0)
        usage();
    if (o.n > o.m)
        o.n = o.m;

    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    prctl(PR_SET_NAME, base, 0, 0, 0);
    signal(SIGCHLD, SIG_DFL); /* SIG_IGN would let the kernel reap them */

    long made = 0;
    for (; made < o.n; made++)
        spawn(o.c);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long age = (long)(now.tv_sec - start.tv_sec);
        if (age >= o.t)
            return 0;
        if (o.g > 0) {
            long want = o.n + age / o.g;
            if (want > o.m)
                want = o.m;
            for (; made < want; made++)
                spawn(o.c);
        }
        /* sleep to the next whole second of age (or the end of life) */
        struct timespec next = { start.tv_sec + age + 1, start.tv_nsec };
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
            ;
    }
}
