/* term.c - see term.h */
#include "tui/term.h"
#include "diag/core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int active;
static int utf8;
static int mono;
static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t got_signal;

/* colour pair per role: fg, -1 = default background; mono attributes as fallback */
static const struct { short fg; attr_t color_attr; attr_t mono_attr; } roles[QT_ROLE_ALL] = {
    [QT_ROLE_NORMAL] = {-1, A_NORMAL, A_NORMAL},
    [QT_ROLE_DIM]    = {-1, A_DIM, A_DIM},
    [QT_ROLE_OK]     = {COLOR_GREEN, A_NORMAL, A_NORMAL},
    [QT_ROLE_INFO]   = {COLOR_CYAN, A_NORMAL, A_NORMAL},
    [QT_ROLE_WARN]   = {COLOR_YELLOW, A_BOLD, A_BOLD},
    [QT_ROLE_CRIT]   = {COLOR_RED, A_BOLD, A_BOLD | A_UNDERLINE},
    [QT_ROLE_HILITE] = {COLOR_MAGENTA, A_BOLD, A_BOLD | A_UNDERLINE},
    [QT_ROLE_TITLE]  = {COLOR_CYAN, A_BOLD, A_BOLD | A_REVERSE},
    [QT_ROLE_BAR]    = {-1, A_REVERSE, A_REVERSE},
    [QT_ROLE_SELECT] = {-1, A_REVERSE, A_REVERSE},
};

attr_t qt_term_attr(int role)
{
    if (role < 0 || role >= QT_ROLE_ALL)
        role = QT_ROLE_NORMAL;
    if (mono)
        return roles[role].mono_attr;
    if (roles[role].fg < 0)
        return roles[role].color_attr;
    return COLOR_PAIR(role + 1) | roles[role].color_attr;
}

int qt_term_utf8(void) { return utf8; }

static void on_term_signal(int sig)
{
    int e = errno;
    char c = (char)sig;
    got_signal = sig;
    if (sig_pipe[1] >= 0 && write(sig_pipe[1], &c, 1) < 0) {
        /* pipe full: the flag is enough */
    }
    errno = e;
}

static void on_fatal_signal(int sig)
{
    /* best effort: endwin is not async-signal-safe, but the alternative is a
     * wrecked terminal; SA_RESETHAND makes the re-raise fatal */
    if (active)
        endwin();
    raise(sig);
}

static void fatal_hook(void) { qt_term_done(); }

int qt_term_signal_fd(void) { return sig_pipe[0]; }
int qt_term_signalled(void) { return got_signal; }

static void install_signals(void)
{
    struct sigaction sa;
    /* SIGQUIT (Ctrl-\ in cbreak mode) too: its default action would leave
     * the terminal raw on the alternate screen */
    static const int term_sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    static const int fatal_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

    if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        sig_pipe[0] = sig_pipe[1] = -1;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_term_signal;
    for (size_t i = 0; i < QT_ARRAY_LEN(term_sigs); i++)
        sigaction(term_sigs[i], &sa, NULL);
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = SA_RESETHAND;
    for (size_t i = 0; i < QT_ARRAY_LEN(fatal_sigs); i++)
        sigaction(fatal_sigs[i], &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = 0;
    sigaction(SIGPIPE, &sa, NULL);
}

int qt_term_init(const struct qt_term_opts *o)
{
    const char *cs = nl_langinfo(CODESET);

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "qtriage: the console needs a terminal; use --once or --batch for plain text\n");
        return -1;
    }
    utf8 = !o->ascii && cs && strcmp(cs, "UTF-8") == 0;
    /* A user's ESCDELAY wins; otherwise Esc should answer fast, but not so
     * fast that arrow keys over a slow SSH link split into Esc + letters. */
    if (!getenv("ESCDELAY"))
        set_escdelay(75);
    if (!initscr()) {
        fprintf(stderr, "qtriage: cannot initialise the terminal (TERM=%s)\n", getenv("TERM") ? getenv("TERM") : "");
        return -1;
    }
    active = 1;
    qt_set_fatal_hook(fatal_hook);
    install_signals();
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    mono = o->no_color || !has_colors();
    if (!mono) {
        start_color();
        use_default_colors();
        for (int r = 0; r < QT_ROLE_ALL; r++)
            if (roles[r].fg >= 0)
                init_pair((short)(r + 1), roles[r].fg, -1);
    }
    return 0;
}

void qt_term_done(void)
{
    if (!active)
        return;
    active = 0;
    curs_set(1);
    endwin();
    qt_set_fatal_hook(NULL);
}
