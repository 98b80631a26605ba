/* auth_vchkpw.c - see auth_vchkpw.h */
#include "diag/auth/auth_vchkpw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* vpopmail vchkpw.c (5.4 and 5.6.13 number them the same): docs/domain/vpopmail.md#exit-codes */
static const struct qt_vchkpw_exit exits[] = {
    {0, "accepted, but vchkpw could not exec the program given to it (it falls through to exit 0)", NULL},
    {1, "access denied by the account's flags (or MIN_LOGIN_INTERVAL)", "smtp access denied"},
    {3, "bad password or unknown user", "password fail"},
    {4, "setgid failed", NULL},
    {5, "setuid failed", NULL},
    {6, "chdir to the mailbox or creating it failed", NULL},
    {7, "putenv USER failed", NULL},
    {8, "putenv HOME failed", NULL},
    {9, "putenv SHELL failed", NULL},
    {10, "putenv VPOPUSER failed", NULL},
    {11, "misuse: fd 3 unreadable or no program argument", NULL},
    {12, "null user name given", "null user name given"},
    {13, "null password given", "null password given"},
    {14, "dir auto create failed", "dir auto create failed"},
    {15, "user has no password", "user has no password"},
    {20, "invalid user/domain characters", "invalid user/domain characters"},
    {21, "system user not found", "system user not found"},
    {22, "system shadow entry not found", NULL},
    {23, "system password fail", "system password fail"},
    {24, "authentication backend unavailable (vauth_open failed, e.g. MySQL down) or crypt() failed", NULL},
};

const struct qt_vchkpw_exit *qt_vchkpw_exit_lookup(int code)
{
    for (size_t i = 0; i < QT_ARRAY_LEN(exits); i++)
        if (exits[i].code == code)
            return &exits[i];
    return NULL;
}

const char *qt_vchkpw_kind_name(enum qt_vchkpw_kind k)
{
    static const char *const n[] = {"accepted", "rejected", "denied", "misuse", "backend-down", "bad-input",
                                    "no-password", "setup", "not-run", "timeout", "crash", "unknown"};
    return (unsigned)k < QT_ARRAY_LEN(n) ? n[k] : "?";
}

static const struct { const char *name; unsigned port; } services[] = {
    {"smtp", 25}, {"pop3", 110}, {"imap", 143}, {"smtps", 465}, {"submission", 587},
    {"imaps", 993}, {"pop3s", 995},
};

int qt_vchkpw_service_port(const char *service, unsigned *port)
{
    unsigned long v;
    if (!service || !*service || strcasecmp(service, "none") == 0 || strcasecmp(service, "unset") == 0) {
        *port = 0;
        return 0;
    }
    for (size_t i = 0; i < QT_ARRAY_LEN(services); i++)
        if (strcasecmp(service, services[i].name) == 0) {
            *port = services[i].port;
            return 0;
        }
    if (qt_parse_ulong(service, &v) == 0 && v <= 65535) {
        *port = (unsigned)v;
        return 0;
    }
    return -1;
}

void qt_vchkpw_log_name(unsigned port, const char *remote_ip, const char *program, char *out, size_t n)
{
    enum { SMTP, POP, IMAP } type;
    const char *name = NULL;

    switch (port) {
    case 25: name = "smtp"; type = SMTP; break;
    case 465: name = "smtps"; type = SMTP; break;
    case 587: name = "submission"; type = SMTP; break;
    case 110: name = "pop3"; type = POP; break;
    case 995: name = "pop3s"; type = POP; break;
    case 143: name = "imap"; type = IMAP; break;
    case 993: name = "imaps"; type = IMAP; break;
    default:
        /* unknown port: vchkpw guesses the type from its program argument */
        type = program && strstr(program, "true") ? SMTP : program && strstr(program, "imap") ? IMAP : POP;
        break;
    }
    if (type != SMTP && remote_ip && strcmp(remote_ip, "127.0.0.1") == 0)
        snprintf(out, n, "vchkpw-webmail");
    else if (name)
        snprintf(out, n, "vchkpw-%s", name);
    else
        snprintf(out, n, "vchkpw-%u", port);
}

static const char *remote(const struct qt_vchkpw_req *r)
{
    return r->remote_ip && *r->remote_ip ? r->remote_ip : "127.0.0.1";
}

char *qt_vchkpw_command(const struct qt_vchkpw_req *r)
{
    qt_buf b = {0};
    qt_buf_puts(&b, "printf '%s\\0' ");
    qt_shell_quote(&b, r->user);
    qt_buf_puts(&b, " '<password>' | env - ");
    if (r->port)
        qt_buf_printf(&b, "TCPLOCALPORT=%u ", r->port);
    qt_buf_printf(&b, "TCPREMOTEIP=%s ", remote(r));
    if (r->drop)
        qt_buf_printf(&b, "setpriv --reuid=%u --regid=%u --groups=%u ", r->uid, r->gid, r->gid);
    qt_shell_quote(&b, r->vchkpw);
    qt_buf_putc(&b, ' ');
    qt_shell_quote(&b, r->program);
    qt_buf_puts(&b, " 3<&0; echo $?");
    return qt_buf_steal(&b);
}

qt_job *qt_vchkpw_job_new(const struct qt_vchkpw_req *r)
{
    char port_env[32], ip_env[80];
    char *argv[3], *envp[6];
    int ne = 0;
    size_t ul = strlen(r->user), pl = qt_secret_len(r->pass);
    char raw[2 + 256 + QT_SECRET_MAX];
    qt_secret *payload;
    struct qt_child_spec sp;
    qt_job *j;

    argv[0] = (char *)r->vchkpw;
    argv[1] = (char *)r->program;
    argv[2] = NULL;
    envp[ne++] = (char *)"PATH=/usr/bin:/bin";
    if (r->port) {
        snprintf(port_env, sizeof port_env, "TCPLOCALPORT=%u", r->port);
        envp[ne++] = port_env;
    }
    snprintf(ip_env, sizeof ip_env, "TCPREMOTEIP=%s", remote(r));
    envp[ne++] = ip_env;
    envp[ne++] = (char *)"TCPLOCALIP=127.0.0.1";
    envp[ne++] = (char *)"PROTO=TCP";
    envp[ne] = NULL;

    /* "user\0password\0" as qmail-smtpd's AUTH patch writes it */
    if (ul > 256)
        ul = 256;
    memcpy(raw, r->user, ul);
    raw[ul] = '\0';
    memcpy(raw + ul + 1, qt_secret_str(r->pass), pl);
    raw[ul + 1 + pl] = '\0';
    payload = qt_secret_new(raw, ul + pl + 2);
    qt_secret_wipe(raw, sizeof raw);

    memset(&sp, 0, sizeof sp);
    sp.path = r->vchkpw;
    sp.argv = argv;
    sp.envp = envp;
    sp.fd3 = payload ? qt_secret_str(payload) : NULL;
    sp.fd3_len = payload ? qt_secret_len(payload) : 0;
    if (!payload) {
        /* cannot build the payload safely: give vchkpw an empty fd 3 rather than none */
        sp.fd3 = "";
        sp.fd3_len = 0;
    }
    sp.timeout = r->timeout > 0 ? r->timeout : 10;
    sp.has_exec_fd = r->has_exec_fd;
    sp.exec_fd = r->exec_fd;
    sp.drop = r->drop;
    sp.uid = r->uid;
    sp.gid = r->gid;
    j = qt_child_job_new(&sp);
    qt_secret_free(payload);
    return j;
}

void qt_vchkpw_interpret(const struct qt_vchkpw_req *r, const struct qt_child_result *res,
                         struct qt_vchkpw_outcome *o)
{
    const struct qt_vchkpw_exit *x;
    const char *ip = remote(r);

    memset(o, 0, sizeof *o);
    o->code = -1;
    qt_child_status_str(res, o->status, sizeof o->status);
    qt_vchkpw_log_name(r->port, ip, r->program, o->log_name, sizeof o->log_name);
    if (!res->started || res->exec_errno) {
        o->kind = QT_VCK_NOT_RUN;
        snprintf(o->meaning, sizeof o->meaning, "vchkpw did not run (%s)", o->status);
        return;
    }
    if (res->timed_out) {
        o->kind = QT_VCK_TIMEOUT;
        snprintf(o->meaning, sizeof o->meaning, "vchkpw did not finish in time; its process group was killed");
        return;
    }
    if (res->signaled) {
        o->kind = QT_VCK_CRASH;
        snprintf(o->meaning, sizeof o->meaning,
                 "vchkpw died from a signal (qmail-smtpd answers 454 for a crashed checkpassword)");
        return;
    }
    o->code = res->code;
    o->ran_program = strstr(qt_buf_str(&res->out), "uid=") != NULL;
    x = qt_vchkpw_exit_lookup(res->code);
    if (res->code == 0) {
        o->kind = QT_VCK_ACCEPTED;
        if (o->ran_program || !strstr(r->program, "id"))
            snprintf(o->meaning, sizeof o->meaning, "password accepted: vchkpw ran %s", r->program);
        else
            snprintf(o->meaning, sizeof o->meaning, "password accepted, but %s printed nothing: %s", r->program,
                     exits[0].what);
        return;
    }
    if (!x) {
        o->kind = QT_VCK_UNKNOWN;
        snprintf(o->meaning, sizeof o->meaning,
                 "exit %d is not one of vchkpw's codes: is this really vpopmail's vchkpw?", res->code);
        return;
    }
    snprintf(o->meaning, sizeof o->meaning, "%s", x->what);
    switch (res->code) {
    case 1: o->kind = QT_VCK_DENIED; break;
    case 3: o->kind = QT_VCK_REJECTED; break;
    case 11: o->kind = QT_VCK_MISUSE; break;
    case 12: case 13: case 20: o->kind = QT_VCK_INPUT; break;
    case 15: o->kind = QT_VCK_NOPASS; break;
    case 24: o->kind = QT_VCK_BACKEND; break;
    default: o->kind = QT_VCK_SETUP; break;
    }
    if (res->code == 3)
        snprintf(o->log_line, sizeof o->log_line, "%s: password fail %s:%s  (or: %s: vpopmail user not found %s:%s)",
                 o->log_name, r->user, ip, o->log_name, r->user, ip);
    else if (res->code == 1) {
        const char *svc = strstr(o->log_name, "pop") ? "pop" : strstr(o->log_name, "imap") ? "imap"
                          : strstr(o->log_name, "webmail") ? "webmail" : "smtp";
        snprintf(o->log_line, sizeof o->log_line, "%s: %s access denied %s:%s", o->log_name, svc, r->user, ip);
    } else if (x->log)
        snprintf(o->log_line, sizeof o->log_line, "%s: %s %s:%s", o->log_name, x->log, r->user, ip);
}
