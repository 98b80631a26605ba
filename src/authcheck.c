/* authcheck.c - see authcheck.h */
#include "src/authcheck.h"
#include "diag/auth/auth_wizard.h"
#include "diag/core/snapshot.h"
#include "diag/servers/servers.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_tty;
static volatile sig_atomic_t tty_changed;

static void restore_tty_and_die(int sig)
{
    if (tty_changed)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* One line from fd 0 into buf, byte by byte (no stdio buffer keeps a copy).
 * Returns the length, or -1 on EOF before anything or a read error. */
static long read_password(char *buf, size_t cap, const char *account, int *too_long)
{
    int tty = isatty(STDIN_FILENO);
    size_t n = 0;
    int got = 0;
    char c;
    ssize_t r;

    *too_long = 0;
    if (tty && tcgetattr(STDIN_FILENO, &saved_tty) == 0) {
        struct termios t = saved_tty;
        signal(SIGINT, restore_tty_and_die);
        signal(SIGTERM, restore_tty_and_die);
        signal(SIGHUP, restore_tty_and_die);
        t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
        t.c_lflag |= ECHONL;
        fprintf(stderr, "Password for %s: ", account);
        fflush(stderr);
        if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0)
            tty_changed = 1;
    }
    for (;;) {
        r = read(STDIN_FILENO, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r != 1)
            break;
        got = 1;
        if (c == '\n')
            break;
        if (n + 1 < cap)
            buf[n++] = c;
        else
            *too_long = 1;
    }
    if (tty_changed) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
        tty_changed = 0;
    }
    if (tty) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
    }
    c = 0;
    if (!got)
        return -1;
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    return (long)n;
}

/* Append n bytes, with every byte that is not printable ASCII as \xNN:
 * peers' bytes never reach a terminal raw. Unlike qt_buf_put_safe() a
 * backslash stays single, so the commands shown can be pasted. */
static void put_clean(qt_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f) {
            qt_buf_putc(out, (char)c);
        } else {
            char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            qt_buf_add(out, e, 4);
        }
    }
}

/* Print text (possibly several lines) with a label. */
static void print_field(qt_buf *out, const char *label, const char *text)
{
    const char *p = text;
    int first = 1;
    if (!text || !*text)
        return;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        qt_buf_printf(out, "%-8s ", first ? label : "");
        put_clean(out, p, len);
        qt_buf_putc(out, '\n');
        first = 0;
        if (!nl)
            break;
        p = nl + 1;
    }
}

static void print_step(const qt_wizard *w, int step, qt_buf *out)
{
    const struct qt_wiz_result *r = &w->res[step];
    qt_buf_printf(out, "\n== Step %d/%d: %s: %s ==\n", step + 1, QT_WS_COUNT, qt_wiz_step_name(step),
                  qt_verdict_name(r->verdict));
    print_field(out, "command:", r->command);
    print_field(out, "result:", r->result);
    print_field(out, "why:", r->explain);
    print_field(out, "fix:", r->fix);
    if (r->took > 0)
        qt_buf_printf(out, "took:    %.0f ms\n", r->took * 1000);
    if (r->detail && *r->detail) {
        qt_buf_puts(out, "detail:\n");
        for (const char *p = r->detail;;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            qt_buf_puts(out, "  ");
            put_clean(out, p, len);
            qt_buf_putc(out, '\n');
            if (!nl)
                break;
            p = nl + 1;
        }
    }
}

/* 1 when a front end of the Servers model listens on port. */
static int listened(const qt_snapshot *snap, unsigned port)
{
    for (size_t i = 0; snap && snap->servers && i < snap->servers->n; i++)
        if (snap->servers->v[i].port == port && snap->servers->v[i].pid)
            return 1;
    return 0;
}

static void setopt(char *dst, size_t n, const char *v)
{
    if (v)
        snprintf(dst, n, "%s", v);
}

int qt_authcheck_run(const qt_options *o)
{
    qt_sampler sampler = {0};
    qt_snapshot *snap;
    struct qt_wiz_inputs in;
    qt_wizard *w;
    char err[256], pw[QT_SECRET_MAX + 2];
    long pl;
    int too_long, rc;
    qt_buf out = {0};

    signal(SIGPIPE, SIG_IGN);
    /* one sample: the running services name vchkpw, the Servers findings are cited */
    snap = qt_sample(&sampler, &o->ctx);
    qt_wizard_defaults(&o->ctx, snap, &in);
    setopt(in.account, sizeof in.account, o->auth);
    setopt(in.target, sizeof in.target, o->auth_target);
    setopt(in.mech, sizeof in.mech, o->auth_mech);
    setopt(in.tls, sizeof in.tls, o->auth_tls);
    setopt(in.program, sizeof in.program, o->auth_program);
    if (o->vchkpw) {   /* named by the admin: trusted as given (docs/auth-wizard.md) */
        setopt(in.vchkpw, sizeof in.vchkpw, o->vchkpw);
        in.vchkpw_origin = QT_ORIGIN_EXPLICIT;
    }
    if (o->auth_service)
        setopt(in.service, sizeof in.service, o->auth_service);
    else {
        struct qt_smtp_target t;
        int parsed = qt_smtp_parse_target(in.target, 587, &t, err, sizeof err) == 0;
        if (parsed && *qt_wizard_service_for_port(t.port))
            setopt(in.service, sizeof in.service, qt_wizard_service_for_port(t.port));
        else if (parsed && t.loopback && listened(snap, t.port))
            /* a local service on its own port: vchkpw sees TCPLOCALPORT=PORT and
             * logs as vchkpw-PORT, run with that service's ids (issue 15) */
            snprintf(in.service, sizeof in.service, "%u", t.port);
    }
    if (o->auth_timeout > 0)
        in.timeout = o->auth_timeout;

    w = qt_wizard_new(&o->ctx);
    if (qt_wizard_set_inputs(w, &in, err, sizeof err) != 0) {
        fprintf(stderr, "qtriage: --auth: %s\n", err);
        qt_wizard_free(w);
        qt_snapshot_free(snap);
        qt_sampler_free(&sampler);
        return 2;
    }
    qt_wizard_set_related(w, &snap->findings);
    qt_snapshot_free(snap);
    qt_sampler_free(&sampler);

    pl = read_password(pw, sizeof pw, in.account, &too_long);
    if (pl < 0 || too_long || memchr(pw, '\0', (size_t)pl) || qt_wizard_set_password(w, pw, (size_t)pl) != 0) {
        const char *why = pl < 0 ? "no password on stdin (one line expected)"
                          : too_long ? "password too long"
                          : memchr(pw, '\0', (size_t)pl) ? "the password contains a NUL byte: it cannot travel "
                                                            "through the checkpassword protocol"
                          : "password too long";
        qt_secret_wipe(pw, sizeof pw);
        fprintf(stderr, "qtriage: --auth: %s\n", why);
        qt_wizard_free(w);
        return 3;
    }
    qt_secret_wipe(pw, sizeof pw);

    qt_buf_printf(&out, "qtriage %s authentication wizard\n", QT_VERSION);
    qt_buf_printf(&out, "account %s  target %s:%u (%s)  service %s  mechanism %s\n", w->in.account,
                  w->target.host, w->target.port, qt_tls_mode_name(w->tls), w->in.service,
                  w->mech ? qt_mech_name(w->mech) : "auto");
    qt_buf_puts(&out, "qmail ");
    put_clean(&out, o->ctx.qmail_prefix, strlen(o->ctx.qmail_prefix));
    qt_buf_puts(&out, " (");
    put_clean(&out, o->ctx.qmail_source, strlen(o->ctx.qmail_source));
    qt_buf_puts(&out, ")\n");
    qt_buf_puts(&out, "vchkpw ");
    put_clean(&out, w->in.vchkpw, strlen(w->in.vchkpw));   /* may come from another user's command line */
    qt_buf_printf(&out, " (%s)  program %s  password: %zu bytes, %s\n",
                  w->in.vchkpw_origin == QT_ORIGIN_EXPLICIT ? "named with --vchkpw" : "detected",
                  w->in.program, qt_secret_len(w->pass),
                  qt_secret_locked(w->pass) ? "locked in RAM" : "not lockable (mlock refused)");
    if (w->in.vchkpw_note[0]) {
        qt_buf_puts(&out, "vchkpw detected and refused: ");
        put_clean(&out, w->in.vchkpw_note, strlen(w->in.vchkpw_note));
        qt_buf_putc(&out, '\n');
    }
    fputs(qt_buf_str(&out), stdout);
    fflush(stdout);
    qt_buf_reset(&out);

    for (int step = 0; step < QT_WS_COUNT; step++) {
        qt_job *j = qt_wizard_start(w, step);
        if (j) {
            if (qt_job_run(j, 2.0) != 0)
                fprintf(stderr, "qtriage: step %s overstayed its deadline and was cancelled\n",
                        qt_wiz_step_name(step));
            j->ops->free(j);
        }
        print_step(w, step, &out);
        fputs(qt_buf_str(&out), stdout);
        fflush(stdout);
        qt_buf_reset(&out);
    }
    qt_buf_puts(&out, "\n== Summary ==\n");
    for (int step = 0; step < QT_WS_COUNT; step++)
        qt_buf_printf(&out, "%-22s %s\n", qt_wiz_step_name(step), qt_verdict_name(w->res[step].verdict));
    qt_buf_printf(&out, "smtp-outcome: %s\n", w->smtp.ran ? qt_smtp_outcome_name(w->smtp.outcome) : "none");
    qt_buf_printf(&out, "smtp-class: %s\n", w->smtp.ran ? qt_smtp_class(w->smtp.outcome, w->smtp.phase) : "none");
    qt_buf_printf(&out, "vchkpw-exit: %d\n", w->vck_ran ? w->vck.code : -1);
    qt_buf_printf(&out, "fcrdns: %s\n", w->dns_ran && w->dns.ip[0] ? qt_fcrdns_name(w->fcr.kind) : "none");
    qt_buf_printf(&out, "cause: %s\n", w->cause[0] ? w->cause : "none");
    fputs(qt_buf_str(&out), stdout);
    qt_buf_free(&out);
    rc = w->res[QT_WS_DIAG].verdict == QT_V_OK || w->res[QT_WS_DIAG].verdict == QT_V_WARN ? 0 : 1;
    qt_wizard_free(w);
    fflush(stdout);
    return ferror(stdout) ? 1 : rc;
}
