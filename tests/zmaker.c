/* zmaker - test and benchmark helper: a parent that makes zombie children and
 * never reaps them, optionally with live (sleeping) children too.
 *
 *   zmaker [-z ZOMBIES] [-l LIVE] [-g SECONDS] [-m MAX] [-t LIFETIME]
 *          [-n NAME] [-L LIVENAME] [-p PIDFILE] [-- ARGV0 ARGS...]
 *
 *   -z N        zombie children forked at start (default 5): each sets its
 *               name with prctl(PR_SET_NAME, NAME) and _exit(0)s at once
 *   -l N        live children (default 0): they pause() until the end
 *   -g SECONDS  make one more zombie every SECONDS (default 0: no growth)
 *   -m MAX      at most MAX zombies in total with -g (default 100)
 *   -t SECONDS  lifetime (default 60, at most 3600): then the live children
 *               are killed by their recorded pids and zmaker exits; PID 1
 *               reaps the orphaned zombies
 *   -n NAME     zombie children's name (default qmail-smtpd)
 *   -L NAME     live children's name (default zmaker-live)
 *   -p FILE     write "PID\n" of the parent once everything is staged
 *   -- ARGV...  re-exec itself with exactly this argv (e.g. "tcpserver -v -R
 *               -H 0 25 qmail-smtpd") so ps shows that command line; the
 *               process name (comm) becomes basename(ARGV0)
 *
 * SIGCHLD stays at SIG_DFL (SIG_IGN would make the kernel reap the
 * children) and the parent never calls wait(): that is the bug being staged.
 * SIGTERM/SIGINT end it early (live children killed first). Lifetime is
 * always bounded so a failed test cannot leave it behind.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define ENV_CONF "QT_ZMAKER_CONF"

struct conf {
    long zombies, live, grow, max, life;
    char name[16], livename[16], pidfile[512];
};

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

static void usage(void)
{
    fputs("usage: zmaker [-z N] [-l N] [-g SECONDS] [-m MAX] [-t SECONDS] [-n NAME] [-L NAME] [-p FILE] [-- ARGV...]\n",
          stderr);
    exit(2);
}

static long num(const char *s, long lo, long hi)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi)
        usage();
    return v;
}

static void conf_to_env(const struct conf *c)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%ld,%ld,%ld,%ld,%ld,%s,%s,%s", c->zombies, c->live, c->grow, c->max, c->life,
             c->name, c->livename, c->pidfile);
    setenv(ENV_CONF, buf, 1);
}

static int conf_from_env(struct conf *c)
{
    const char *s = getenv(ENV_CONF);
    char buf[1024], *f[8];
    int n = 0;

    if (!s)
        return 0;
    snprintf(buf, sizeof buf, "%s", s);
    /* the pidfile is last and may be empty: split only the first 7 commas */
    for (char *p = buf; n < 8; n++) {
        f[n] = p;
        if (n == 7)
            break;
        p = strchr(p, ',');
        if (!p)
            usage();
        *p++ = '\0';
    }
    c->zombies = num(f[0], 0, 100000);
    c->live = num(f[1], 0, 100000);
    c->grow = num(f[2], 0, 3600);
    c->max = num(f[3], 0, 100000);
    c->life = num(f[4], 1, 3600);
    snprintf(c->name, sizeof c->name, "%s", f[5]);
    snprintf(c->livename, sizeof c->livename, "%s", f[6]);
    snprintf(c->pidfile, sizeof c->pidfile, "%s", f[7]);
    unsetenv(ENV_CONF);
    return 1;
}

static pid_t *livepids;
static long nlive;

static void kill_live(void)
{
    for (long i = 0; i < nlive; i++)
        if (livepids[i] > 0)
            kill(livepids[i], SIGKILL);
}

static int make_zombie(const char *name)
{
    pid_t p = fork();
    if (p == 0) {
        prctl(PR_SET_NAME, name);
        _exit(0);
    }
    return p > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct conf c = {.zombies = 5, .max = 100, .life = 60};
    struct sigaction sa;
    int opt;
    double end, next_grow = 0;
    long made = 0;

    snprintf(c.name, sizeof c.name, "qmail-smtpd");
    snprintf(c.livename, sizeof c.livename, "zmaker-live");
    if (!conf_from_env(&c)) {
        while ((opt = getopt(argc, argv, "+z:l:g:m:t:n:L:p:")) != -1) {
            switch (opt) {
            case 'z': c.zombies = num(optarg, 0, 100000); break;
            case 'l': c.live = num(optarg, 0, 100000); break;
            case 'g': c.grow = num(optarg, 0, 3600); break;
            case 'm': c.max = num(optarg, 0, 100000); break;
            case 't': c.life = num(optarg, 1, 3600); break;
            case 'n': snprintf(c.name, sizeof c.name, "%s", optarg); break;
            case 'L': snprintf(c.livename, sizeof c.livename, "%s", optarg); break;
            case 'p':
                if (strchr(optarg, ','))
                    usage();
                snprintf(c.pidfile, sizeof c.pidfile, "%s", optarg);
                break;
            default: usage();
            }
        }
        if (optind < argc) {
            /* re-exec with the requested argv; options travel in the environment */
            conf_to_env(&c);
            execv("/proc/self/exe", argv + optind);
            perror("zmaker: re-exec");
            return 111;
        }
    } else {
        const char *base = strrchr(argv[0], '/');
        prctl(PR_SET_NAME, base ? base + 1 : argv[0]);
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, NULL);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (c.live > 0) {
        livepids = calloc((size_t)c.live, sizeof *livepids);
        if (!livepids)
            return 111;
    }
    for (long i = 0; i < c.live && !stop; i++) {
        pid_t p = fork();
        if (p == 0) {
            prctl(PR_SET_NAME, c.livename);
            prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the maker */
            for (;;)
                pause();
        }
        if (p < 0) {
            perror("zmaker: fork (live)");
            kill_live();
            return 111;
        }
        livepids[nlive++] = p;
    }
    for (long i = 0; i < c.zombies && !stop; i++, made++)
        if (make_zombie(c.name) != 0) {
            perror("zmaker: fork (zombie)");
            kill_live();
            return 111;
        }
    if (c.pidfile[0]) {
        char tmp[600];
        FILE *f;
        snprintf(tmp, sizeof tmp, "%s.tmp", c.pidfile);
        f = fopen(tmp, "w");
        if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0 || rename(tmp, c.pidfile) != 0) {
            perror("zmaker: pidfile");
            kill_live();
            return 111;
        }
    }

    {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        end = (double)ts.tv_sec + ts.tv_nsec / 1e9 + (double)c.life;
        next_grow = (double)ts.tv_sec + ts.tv_nsec / 1e9 + (double)c.grow;
    }
    while (!stop) {
        struct timespec ts, nap = {0, 100 * 1000 * 1000};
        double now;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        now = (double)ts.tv_sec + ts.tv_nsec / 1e9;
        if (now >= end)
            break;
        if (c.grow > 0 && now >= next_grow && made < c.max) {
            if (make_zombie(c.name) == 0)
                made++;
            next_grow = now + (double)c.grow;
        }
        nanosleep(&nap, NULL); /* SIGCHLD is not caught: this sleep is not cut short by child exits */
    }
    kill_live();
    /* _exit: no atexit work; under ASan, LeakSanitizer's exit-time scan of a
     * process with zombie children was seen spinning for 30 min */
    _exit(0);
}
