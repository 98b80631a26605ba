/* auth_wizard.c - the wizard engine: inputs, defaults, step jobs; see
 * auth_wizard.h. The steps themselves are in auth_wizsteps.c, the
 * diagnosis in auth_diagnose.c. */
#include "diag/auth/auth_wizard.h"
#include "diag/auth/auth_wizard_int.h"
#include "diag/auth/auth_b64.h"
#include "diag/core/passwd.h"
#include "diag/procs/procs.h"
#include "diag/core/snapshot.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

const char *qt_wiz_step_name(int step)
{
    static const char *const n[] = {"Account", "vchkpw", "AUTH strings", "SMTP session", "Diagnosis",
                                    "HELO and reverse DNS"};
    return step >= 0 && step < QT_WS_COUNT ? n[step] : "?";
}

const char *qt_verdict_name(enum qt_verdict v)
{
    static const char *const n[] = {"pending", "running", "OK", "WARN", "FAIL", "SKIPPED"};
    return (unsigned)v < QT_ARRAY_LEN(n) ? n[v] : "?";
}

const char *qt_wizard_service_for_port(unsigned port)
{
    switch (port) {
    case 25: return "smtp";
    case 465: return "smtps";
    case 587: return "submission";
    case 110: return "pop3";
    case 995: return "pop3s";
    case 143: return "imap";
    case 993: return "imaps";
    default: return "";
    }
}

const char *qt_wiz_sys(const qt_wizard *w, const char *path, char *out, size_t n)
{
    qt_ctx_unroot(w->ctx, path, out, n);
    return out;
}

/* --- results --- */

static void result_clear(struct qt_wiz_result *r)
{
    free(r->command);
    free(r->result);
    free(r->explain);
    free(r->fix);
    free(r->detail);
    memset(r, 0, sizeof *r);
}

void qt_wiz_set(struct qt_wiz_result *r, enum qt_verdict v, char *command, const char *fmt, ...)
{
    va_list ap;
    r->verdict = v;
    if (command) {
        free(r->command);
        r->command = command;
    }
    free(r->result);
    va_start(ap, fmt);
    r->result = qt_vasprintf(fmt, ap);
    va_end(ap);
}

void qt_wiz_line(char **field, const char *fmt, ...)
{
    qt_buf b = {0};
    va_list ap;
    if (*field && **field) {
        qt_buf_puts(&b, *field);
        qt_buf_putc(&b, '\n');
    }
    va_start(ap, fmt);
    qt_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    free(*field);
    *field = qt_buf_steal(&b);
}

/* --- defaults --- */

static int executable(const char *p)
{
    return p && *p && access(p, X_OK) == 0;
}

static int basename_is(const char *path, const char *name)
{
    const char *b = strrchr(path, '/');
    return strcmp(b ? b + 1 : path, name) == 0;
}

/* uid, gid and home of name from <root>/etc/passwd (home under the root). */
int qt_wiz_passwd(const qt_ctx *ctx, const char *name, unsigned *uid, unsigned *gid, char *out, size_t n)
{
    char home[4096];
    if (!qt_passwd_lookup(ctx, name, uid, gid, out ? home : NULL, sizeof home))
        return 0;
    return !out || qt_ctx_path(ctx, home, out, n) != NULL;
}

/* Try path as the default: 1 if it exists and passes the trust check;
 * otherwise 0, and a refusal is added to the note. */
static int try_default(struct qt_wiz_inputs *in, const char *path, const char *from)
{
    char why[300];
    size_t l = strlen(in->vchkpw_note);
    if (!executable(path))
        return 0;
    if (qt_trust_check(path, in->vpop_uid, why, sizeof why) == 0) {
        snprintf(in->vchkpw, sizeof in->vchkpw, "%s", path);
        return 1;
    }
    if (l + 2 < sizeof in->vchkpw_note)
        snprintf(in->vchkpw_note + l, sizeof in->vchkpw_note - l, "%srefused %s (%s): %s", l ? "; " : "", path, from,
                 why);
    return 0;
}

static void default_vchkpw(const qt_ctx *ctx, const qt_snapshot *snap, struct qt_wiz_inputs *in)
{
    static const char *const homes[] = {"/home/vpopmail", "/var/vpopmail", "/usr/local/vpopmail"};
    char path[4096], from[96];
    unsigned u, g;

    in->vchkpw_origin = QT_ORIGIN_DETECTED;
    /* a running service's command line names it: ... qmail-smtpd /home/vpopmail/bin/vchkpw /bin/true;
     * any user can start a process with such a command line, so root's and
     * vpopmail's processes come first and every path must pass the trust check */
    if (snap && snap->procs)
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < snap->procs->n; i++) {
                const struct qt_proc *p = &snap->procs->v[i];
                int owner_ok = p->uid == 0 || (in->vpop_uid != QT_TRUST_NO_UID && p->uid == in->vpop_uid);
                if (owner_ok != (pass == 0))
                    continue;
                for (int a = 1; a < p->argc; a++)
                    if (p->argv[a][0] == '/' && basename_is(p->argv[a], "vchkpw")) {
                        snprintf(from, sizeof from, "named by pid %d of uid %u", p->pid, p->uid);
                        if (try_default(in, p->argv[a], from))
                            return;
                    }
            }
    if (qt_wiz_passwd(ctx, "vpopmail", &u, &g, path, sizeof path - 16)) {
        size_t l = strlen(path);
        snprintf(path + l, sizeof path - l, "/bin/vchkpw");
        if (try_default(in, path, "~vpopmail from /etc/passwd"))
            return;
    }
    for (size_t i = 0; i < QT_ARRAY_LEN(homes); i++) {
        char abs[64];
        snprintf(abs, sizeof abs, "%s/bin/vchkpw", homes[i]);
        if (qt_ctx_path(ctx, abs, path, sizeof path) && try_default(in, path, "a usual vpopmail home"))
            return;
    }
    /* nothing usable: the usual place, checked again when step 2 runs */
    if (!qt_ctx_path(ctx, "/home/vpopmail/bin/vchkpw", in->vchkpw, sizeof in->vchkpw))
        snprintf(in->vchkpw, sizeof in->vchkpw, "/home/vpopmail/bin/vchkpw");
}

/* The address this host uses to reach the Internet: connect() a UDP socket
 * (no packet is sent) towards TEST-NET-1 and read the local address. */
static int outbound_ip(char *out, size_t n)
{
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(53)}, me;
    socklen_t ml = sizeof me;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ok = 0;
    if (fd < 0)
        return 0;
    inet_pton(AF_INET, "192.0.2.1", &dst.sin_addr);
    if (connect(fd, (struct sockaddr *)&dst, sizeof dst) == 0 && getsockname(fd, (struct sockaddr *)&me, &ml) == 0)
        ok = inet_ntop(AF_INET, &me.sin_addr, out, (socklen_t)n) != NULL;
    close(fd);
    return ok;
}

/* The watched service the wizard tests by default: the --ports entry named
 * submission, else smtps (docs/auth-wizard.md); NULL when neither. */
static const struct qt_service *default_service(const qt_ctx *ctx)
{
    static const char *const pref[] = {"submission", "smtps"};
    for (size_t p = 0; p < QT_ARRAY_LEN(pref); p++)
        for (int i = 0; i < ctx->nservices; i++)
            if (strcmp(ctx->services[i].name, pref[p]) == 0 && ctx->services[i].port)
                return &ctx->services[i];
    return NULL;
}

void qt_wizard_target_from_ports(const qt_ctx *ctx, struct qt_wiz_inputs *in)
{
    const struct qt_service *sv = default_service(ctx);
    if (!sv)
        return;
    snprintf(in->target, sizeof in->target, "127.0.0.1:%u", sv->port);
    snprintf(in->service, sizeof in->service, "%s", sv->name);
}

void qt_wizard_defaults(const qt_ctx *ctx, const qt_snapshot *snap, struct qt_wiz_inputs *in)
{
    memset(in, 0, sizeof *in);
    snprintf(in->target, sizeof in->target, "127.0.0.1:587");
    if (!qt_wiz_passwd(ctx, "vpopmail", &in->vpop_uid, &in->vpop_gid, NULL, 0))
        in->vpop_uid = in->vpop_gid = QT_TRUST_NO_UID;
    default_vchkpw(ctx, snap, in);
    in->nrunas = qt_wiz_runas_collect(ctx, snap, in->vpop_uid, in->runas, QT_WIZ_MAXRUNAS);
    in->ntlsports = qt_wiz_tls_ports(snap, in->tlsports, QT_WIZ_MAXTLSPORTS);
    snprintf(in->program, sizeof in->program, "%s", executable("/usr/bin/id") ? "/usr/bin/id" : "/bin/true");
    snprintf(in->service, sizeof in->service, "submission");
    snprintf(in->mech, sizeof in->mech, "auto");
    snprintf(in->tls, sizeof in->tls, "auto");
    snprintf(in->remote_ip, sizeof in->remote_ip, "127.0.0.1");
    if (ctx->public_ip && *ctx->public_ip) {
        snprintf(in->public_ip, sizeof in->public_ip, "%s", ctx->public_ip);
    } else if (outbound_ip(in->public_ip, sizeof in->public_ip)) {
        in->public_ip_derived = 1;
    }
    in->timeout = 15;
}

/* --- lifecycle --- */

qt_wizard *qt_wizard_new(const qt_ctx *ctx)
{
    qt_wizard *w = qt_calloc(1, sizeof *w);
    w->ctx = ctx;
    w->running = -1;
    w->acct_state = -1;
    w->acct_clear_pass = -1;
    return w;
}

static void reset_all(qt_wizard *w)
{
    for (int i = 0; i < QT_WS_COUNT; i++)
        result_clear(&w->res[i]);
    w->acct_state = -1;
    w->acct_closed = 0;
    w->domain_missing = 0;
    w->vpasswd_denied = 0;
    w->vpasswd_why[0] = '\0';
    w->acct_clear_pass = -1;
    w->vui_ran = w->look_ran = w->vck_ran = w->dns_ran = 0;
    memset(&w->smtp, 0, sizeof w->smtp);
    w->cause[0] = '\0';
}

void qt_wizard_free(qt_wizard *w)
{
    if (!w)
        return;
    reset_all(w);
    qt_secret_free(w->pass);
    qt_secret_wipe(w, sizeof *w);
    free(w);
}

/* The port the emulated service really listens on, for a service given by
 * name: its --ports entry, else a Servers row of that name, else the name's
 * well-known port (known). A number or "none" is taken as given. */
static unsigned service_port(const qt_ctx *ctx, const struct qt_wiz_inputs *in, unsigned known, char *why, size_t n)
{
    unsigned long v;
    if (!in->service[0] || qt_parse_ulong(in->service, &v) == 0 || !strcasecmp(in->service, "none") ||
        !strcasecmp(in->service, "unset"))
        return known;
    for (int i = 0; i < ctx->nservices; i++)
        if (!strcasecmp(ctx->services[i].name, in->service) && ctx->services[i].port) {
            if (ctx->services[i].port != known)
                snprintf(why, n, "--ports %s=%u", ctx->services[i].name, ctx->services[i].port);
            return ctx->services[i].port;
        }
    for (int i = 0; i < in->nrunas; i++)
        if (!strcasecmp(in->runas[i].name, in->service) && in->runas[i].port) {
            if (in->runas[i].port != known)
                snprintf(why, n, "service %s listens on port %u (Servers pane)", in->runas[i].name,
                         in->runas[i].port);
            return in->runas[i].port;
        }
    return known;
}

/* TCPLOCALPORT as vchkpw will see it: sslserver without -e sets none
 * (sslserver.c flagtcpenv), so vchkpw logs as vchkpw-0. */
static unsigned env_port(const struct qt_wiz_inputs *in, unsigned port, char *why, size_t n)
{
    for (int i = 0; port && i < in->nrunas; i++)
        if (in->runas[i].port == port && in->runas[i].localport_env < 0) {
            size_t l = strlen(why);
            snprintf(why + l, n - l, "%s%s on port %u runs without -e: no TCPLOCALPORT", l ? "; " : "",
                     in->runas[i].front, port);
            return 0;
        }
    return port;
}

/* On a port vchkpw does not name it guesses the protocol from its program
 * argument: only one containing "true" is SMTP (vchkpw.c), and qmail-smtpd
 * passes /bin/true. An SMTP service emulated there with /usr/bin/id would
 * be taken for POP (webmail from 127.0.0.1): run /bin/true, as the service. */
static void smtp_program(qt_wizard *w)
{
    static const char *const smtp[] = {"smtp", "smtps", "submission"};
    unsigned long num;
    int is_smtp = 0;
    if (qt_port_name(w->port) || strstr(w->in.program, "true"))
        return;
    for (size_t i = 0; i < QT_ARRAY_LEN(smtp); i++)
        is_smtp |= !strcasecmp(w->in.service, smtp[i]);
    /* the service given as the SMTP target's own port: that SMTP service */
    is_smtp |= qt_parse_ulong(w->in.service, &num) == 0 && num == w->target.port;
    if (!is_smtp || access("/bin/true", X_OK) != 0)
        return;
    snprintf(w->in.program, sizeof w->in.program, "/bin/true");
    {
        size_t l = strlen(w->port_why);
        snprintf(w->port_why + l, sizeof w->port_why - l, "%sprogram /bin/true: on port %u vchkpw takes only a "
                 "program named *true* for SMTP, as qmail-smtpd runs it", l ? "; " : "", w->port);
    }
}

/* auto on a port where TLS starts with the first byte: 465, a front end
 * the Servers pane saw doing TLS on connect, a --ports entry named smtps.
 * Only for a loopback target: the local services are the ones known. */
static enum qt_tls_mode auto_tls(const qt_ctx *ctx, const struct qt_wiz_inputs *in, const struct qt_smtp_target *t,
                                 char *why, size_t n)
{
    if (t->port == 465) {
        snprintf(why, n, "port 465 (smtps)");
        return QT_TLS_IMPLICIT;
    }
    if (!t->loopback)
        return QT_TLS_AUTO;
    for (int i = 0; i < in->ntlsports; i++)
        if (in->tlsports[i].port == t->port) {
            snprintf(why, n, "%s on port %u does TLS on connect (Servers pane)", in->tlsports[i].front, t->port);
            return QT_TLS_IMPLICIT;
        }
    for (int i = 0; i < ctx->nservices; i++)
        if (ctx->services[i].port == t->port && !strcasecmp(ctx->services[i].name, "smtps")) {
            snprintf(why, n, "--ports names port %u smtps", t->port);
            return QT_TLS_IMPLICIT;
        }
    return QT_TLS_AUTO;
}

int qt_wizard_set_inputs(qt_wizard *w, const struct qt_wiz_inputs *in, char *err, size_t errlen)
{
    struct qt_smtp_target t;
    unsigned port, mech = 0;
    int tls;
    const char *at;
    char e[200];

    if (!in->account[0]) {
        snprintf(err, errlen, "account: give the login as the client types it (user@domain)");
        return -1;
    }
    for (const char *p = in->account; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f) {
            snprintf(err, errlen, "account: no spaces or control characters");
            return -1;
        }
    if (qt_smtp_parse_target(in->target, 587, &t, e, sizeof e) != 0) {
        snprintf(err, errlen, "target: %s", e);
        return -1;
    }
    if (qt_vchkpw_service_port(in->service, &port) != 0 && !(port = service_port(w->ctx, in, 0, e, sizeof e))) {
        snprintf(err, errlen, "service \"%.20s\": want submission, smtp, smtps, pop3, pop3s, imap, imaps, "
                 "a port number, or none", in->service);
        return -1;
    }
    if (in->mech[0] && strcasecmp(in->mech, "auto") != 0 && !(mech = qt_mech_parse(in->mech))) {
        snprintf(err, errlen, "mechanism \"%.20s\": want auto, PLAIN, LOGIN or CRAM-MD5", in->mech);
        return -1;
    }
    if ((tls = qt_tls_mode_parse(in->tls[0] ? in->tls : "auto")) < 0) {
        snprintf(err, errlen, "tls \"%.20s\": want auto, starttls, implicit or none", in->tls);
        return -1;
    }
    if (in->public_ip[0]) {
        unsigned char b[16];
        if (inet_pton(AF_INET, in->public_ip, b) != 1 && inet_pton(AF_INET6, in->public_ip, b) != 1) {
            snprintf(err, errlen, "public address \"%.60s\" is not an IP address", in->public_ip);
            return -1;
        }
    }
    if (!in->vchkpw[0] || !in->program[0]) {
        snprintf(err, errlen, "vchkpw path and program must not be empty");
        return -1;
    }
    reset_all(w);
    w->in = *in;
    if (w->in.timeout < 1 || w->in.timeout > 300)
        w->in.timeout = 15;
    if (!w->in.remote_ip[0])
        snprintf(w->in.remote_ip, sizeof w->in.remote_ip, "127.0.0.1");
    at = strrchr(in->account, '@');
    if (at) {
        snprintf(w->user, sizeof w->user, "%.*s", (int)(at - in->account), in->account);
        snprintf(w->domain, sizeof w->domain, "%s", at + 1);
    } else {
        snprintf(w->user, sizeof w->user, "%s", in->account);
        w->domain[0] = '\0';
    }
    w->port_why[0] = w->tls_why[0] = '\0';
    w->port = env_port(&w->in, service_port(w->ctx, &w->in, port, w->port_why, sizeof w->port_why), w->port_why,
                       sizeof w->port_why);
    w->target = t;
    smtp_program(w);
    w->mech = mech;
    w->tls = (enum qt_tls_mode)tls;
    if (w->tls == QT_TLS_AUTO)
        w->tls = auto_tls(w->ctx, &w->in, &t, w->tls_why, sizeof w->tls_why);
    return 0;
}

int qt_wizard_set_password(qt_wizard *w, const char *pw, size_t n)
{
    qt_secret *s = qt_secret_new(pw, n);
    if (!s)
        return -1;
    qt_secret_free(w->pass);
    w->pass = s;
    for (int i = 0; i < QT_WS_COUNT; i++)
        if (i != QT_WS_ACCOUNT && i != QT_WS_DNS)
            qt_wizard_reset(w, i);
    return 0;
}

void qt_wizard_set_related(qt_wizard *w, const qt_findings *fs)
{
    qt_buf b = {0};
    w->related[0] = '\0';
    if (!fs)
        return;
    for (size_t i = 0; i < fs->n; i++) {
        const qt_finding *f = &fs->v[i];
        if (strcmp(f->source, "servers") != 0 || f->sev < QT_SEV_WARN)
            continue;
        if (strcasestr(f->id, "checkpassword") || strcasestr(f->id, "vchkpw") || strcasestr(f->id, "auth") ||
            strcasestr(f->title, "checkpassword") || strcasestr(f->title, "vchkpw") || strcasestr(f->title, "AUTH"))
            qt_buf_printf(&b, "%s[%s] %s", b.len ? "; " : "", qt_sev_name(f->sev), f->title);
    }
    snprintf(w->related, sizeof w->related, "%s", qt_buf_str(&b));
    qt_buf_free(&b);
}

void qt_wizard_reset(qt_wizard *w, int step)
{
    if (step < 0 || step >= QT_WS_COUNT || step == w->running)
        return;
    result_clear(&w->res[step]);
    switch (step) {
    case QT_WS_ACCOUNT:
        w->acct_state = -1;
        w->acct_closed = 0;
        w->acct_clear_pass = -1;
        w->vui_ran = w->look_ran = 0;
        break;
    case QT_WS_VCHKPW: w->vck_ran = 0; break;
    case QT_WS_SMTP: memset(&w->smtp, 0, sizeof w->smtp); break;
    case QT_WS_DNS: w->dns_ran = 0; break;
    default: break;
    }
    if (step != QT_WS_DIAG && w->res[QT_WS_DIAG].verdict >= QT_V_OK)
        qt_wizard_diagnose(w);
}

/* --- the job that wraps a step's own job --- */

struct wiz_job {
    qt_job base;
    qt_wizard *w;
    int step;
    qt_job *inner;
    int collected;
};

static int wj_pollfds(qt_job *j, struct pollfd *p, int max)
{
    struct wiz_job *wj = (struct wiz_job *)j;
    return wj->inner->ops->pollfds(wj->inner, p, max);
}

static double wj_deadline(qt_job *j)
{
    struct wiz_job *wj = (struct wiz_job *)j;
    return wj->inner->ops->deadline(wj->inner);
}

static void after_step(qt_wizard *w, int step)
{
    if (step != QT_WS_DIAG && w->res[QT_WS_DIAG].verdict >= QT_V_OK)
        qt_wizard_diagnose(w);
}

static int wj_step(qt_job *j, const struct pollfd *p, int n, double now)
{
    struct wiz_job *wj = (struct wiz_job *)j;
    int r = wj->inner->ops->step(wj->inner, p, n, now);
    if (r && !wj->collected) {
        wj->collected = 1;
        wj->w->running = -1;
        qt_wiz_collect(wj->w, wj->step, wj->inner, 0);
        after_step(wj->w, wj->step);
    }
    return r;
}

static void wj_cancel(qt_job *j)
{
    struct wiz_job *wj = (struct wiz_job *)j;
    wj->inner->ops->cancel(wj->inner);
    if (!wj->collected) {
        wj->collected = 1;
        wj->w->running = -1;
        qt_wiz_collect(wj->w, wj->step, wj->inner, 1);
        after_step(wj->w, wj->step);
    }
}

static void wj_free(qt_job *j)
{
    struct wiz_job *wj = (struct wiz_job *)j;
    wj->inner->ops->free(wj->inner);
    free(wj);
}

static const struct qt_job_ops wiz_ops = {
    .pollfds = wj_pollfds, .deadline = wj_deadline, .step = wj_step, .cancel = wj_cancel, .free = wj_free,
};

qt_job *qt_wizard_start(qt_wizard *w, int step)
{
    qt_job *inner = NULL;
    struct wiz_job *wj;

    if (step < 0 || step >= QT_WS_COUNT || w->running >= 0)
        return NULL;
    qt_wizard_reset(w, step);
    w->res[step].verdict = QT_V_RUNNING;
    switch (step) {
    case QT_WS_ACCOUNT: inner = qt_wiz_step_account(w); break;
    case QT_WS_VCHKPW: inner = qt_wiz_step_vchkpw(w); break;
    case QT_WS_STRINGS: qt_wiz_step_strings(w); break;
    case QT_WS_SMTP: inner = qt_wiz_step_smtp(w); break;
    case QT_WS_DIAG: qt_wizard_diagnose(w); break;
    case QT_WS_DNS: inner = qt_wiz_step_dns(w); break;
    default: break;
    }
    if (!inner) {
        after_step(w, step);
        return NULL;
    }
    wj = qt_calloc(1, sizeof *wj);
    wj->base.ops = &wiz_ops;
    wj->w = w;
    wj->step = step;
    wj->inner = inner;
    w->running = step;
    return &wj->base;
}

char *qt_wizard_auth_strings(const qt_wizard *w, int reveal)
{
    qt_buf b = {0};
    char plain[2 * (QT_SECRET_MAX + 300)], u64[400], p64[2 * QT_SECRET_MAX + 8];

    if (!w->pass) {
        qt_buf_puts(&b, "(no password given)");
        return qt_buf_steal(&b);
    }
    if (qt_auth_plain(w->in.account, qt_secret_str(w->pass), qt_secret_len(w->pass), plain, sizeof plain) < 0 ||
        qt_b64_encode(w->in.account, strlen(w->in.account), u64, sizeof u64) < 0 ||
        qt_b64_encode(qt_secret_str(w->pass), qt_secret_len(w->pass), p64, sizeof p64) < 0) {
        qt_buf_puts(&b, "(account or password too long to encode)");
    } else {
        qt_buf_printf(&b, "AUTH PLAIN %s\n", reveal ? plain : "******** (x reveals)");
        qt_buf_printf(&b, "AUTH LOGIN, then on 334 VXNlcm5hbWU6 (\"Username:\"): %s\n", u64);
        qt_buf_printf(&b, "           then on 334 UGFzc3dvcmQ6 (\"Password:\"): %s\n",
                      reveal ? p64 : "******** (x reveals)");
        qt_buf_puts(&b, "AUTH CRAM-MD5: computed from the server's challenge (step 4)");
    }
    qt_secret_wipe(plain, sizeof plain);
    qt_secret_wipe(p64, sizeof p64);
    return qt_buf_steal(&b);
}
