/* vchkpw - lab stand-in for vpopmail's vchkpw (checkpassword interface).
 *
 * Reads "user\0password\0[challenge-or-timestamp\0]" (at most 512 bytes) from
 * fd 3, checks it against the lab credentials file (QT_LAB_VPASSWD, see
 * vpw.h) and, on success, sets USER/HOME/SHELL/VPOPUSER and
 * execvp(argv[1], argv+1), like vpopmail 5.4/5.6 vchkpw.c.
 *
 * Exit codes are vpopmail's real ones (docs/domain/vpopmail.md#exit-codes): 3 password fail or
 * user not found, 11 misuse, 1 access denied by flags, 12/13 null user or
 * password, 15 user has no password, 20 invalid characters, 24 backend down
 * (credentials file unreadable).  The service name in log lines comes from
 * TCPLOCALPORT (docs/domain/vpopmail.md#service-name).  Lab extension: when QT_LAB_PORT_BASE is set
 * and TCPLOCALPORT-QT_LAB_PORT_BASE is one of the well-known ports, that port
 * is used for the name, so the lab's offset ports log like production.
 *
 * Log lines go to the file named by QT_LAB_VCHKPW_LOG (appended, syslog file
 * format "Mon DD HH:MM:SS host vpopmail[PID]: LINE"), or to syslog(3) if
 * unset.  QT_LAB_VCHKPW_LOGGING selects vpopmail's --enable-logging level:
 * n, y, e (default), p, v.
 *
 * Test settings (env, or without QT_LAB_VPASSWD a file beside the program,
 * see vpw.h): QT_LAB_DEFAULT_DOMAIN / vchkpw-default-domain;
 * QT_LAB_VCHKPW_SLEEP_MS / vchkpw-sleep-ms (sleep after reading fd 3, so a
 * test can read /proc/PID while it runs); QT_LAB_BACKEND_DOWN /
 * vchkpw-backend-down (exists: exit 24 as if the backend were down).  With
 * the settings beside the program and no QT_LAB_VCHKPW_LOG, log lines go to
 * stderr as "vpopmail[PID]: LINE", where the wizard shows them.
 */
#include "md5.h"
#include "vpw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

enum conn { POP_CONN, SMTP_CONN, IMAP_CONN, WEBMAIL_CONN };

static char logname[40];
static char ip[64];
static int loglevel = 2; /* ENABLE_LOGGING: 0 n, 1 y, 2 e, 3 p, 4 v */

/* Append one line, syslog style, to QT_LAB_VCHKPW_LOG (or syslog). */
static void vlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void vlog(const char *fmt, ...)
{
    char line[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    for (char *p = line; *p; p++)
        if (*p == '%')
            *p = '#'; /* vchkpw.c sysc() */
    const char *path = getenv("QT_LAB_VCHKPW_LOG");
    if ((!path || !*path) && vpw_beside()) {
        fprintf(stderr, "vpopmail[%ld]: %s\n", (long)getpid(), line);
        return;
    }
    if (!path || !*path) {
        openlog("vpopmail", LOG_PID, LOG_MAIL);
        syslog(LOG_NOTICE, "%s", line);
        closelog();
        return;
    }
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    host[strcspn(host, ".")] = 0;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
    char out[900];
    int n = snprintf(out, sizeof out, "%s %s vpopmail[%ld]: %s\n", stamp, host,
                     (long)getpid(), line);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof out)
        n = sizeof out - 1;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    ssize_t w = write(fd, out, (size_t)n); /* one write: lines never interleave */
    (void)w;
    close(fd);
}

static void set_remote_ip(void)
{
    const char *s = getenv("TCPREMOTEIP");
    if (!s)
        s = getenv("REMOTE_HOST");
    if (!s)
        s = "";
    if (strncmp(s, "::ffff:", 7) == 0)
        s += 7;
    vpw_copy(ip, sizeof ip, s);
    for (char *p = ip; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
              (*p >= 'A' && *p <= 'F') || *p == '.' || *p == ':'))
            *p = '_';
}

static int well_known(unsigned p)
{
    return p == 25 || p == 110 || p == 143 || p == 465 || p == 587 ||
           p == 993 || p == 995;
}

static enum conn set_logname(const char *argv1)
{
    const char *s = getenv("TCPLOCALPORT");
    unsigned port = s ? (unsigned)strtoul(s, NULL, 10) : 0;
    const char *b = getenv("QT_LAB_PORT_BASE");
    if (b && *b) {
        unsigned base = (unsigned)strtoul(b, NULL, 10);
        if (port > base && well_known(port - base))
            port -= base;
    }
    enum conn c;
    switch (port) {
    case 25: strcpy(logname, "vchkpw-smtp"); c = SMTP_CONN; break;
    case 110: strcpy(logname, "vchkpw-pop3"); c = POP_CONN; break;
    case 143: strcpy(logname, "vchkpw-imap"); c = IMAP_CONN; break;
    case 465: strcpy(logname, "vchkpw-smtps"); c = SMTP_CONN; break;
    case 587: strcpy(logname, "vchkpw-submission"); c = SMTP_CONN; break;
    case 993: strcpy(logname, "vchkpw-imaps"); c = IMAP_CONN; break;
    case 995: strcpy(logname, "vchkpw-pop3s"); c = POP_CONN; break;
    default:
        snprintf(logname, sizeof logname, "vchkpw-%u", port);
        if (argv1 && strstr(argv1, "true"))
            c = SMTP_CONN;
        else if (argv1 && strstr(argv1, "imap"))
            c = IMAP_CONN;
        else
            c = POP_CONN;
    }
    if ((c == IMAP_CONN || c == POP_CONN) && strcmp(ip, "127.0.0.1") == 0) {
        strcpy(logname, "vchkpw-webmail"); /* webmailips[] = {"127.0.0.1"} */
        c = WEBMAIL_CONN;
    }
    return c;
}

static void misuse(void)
{
    fprintf(stderr,
            "%s: vchkpw is only for talking with qmail-popup and qmail-pop3d. "
            "It is not for runnning on the command line.\n",
            logname);
    exit(11);
}

static void hex16(const uint8_t d[16], char out[33])
{
    static const char hx[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        out[2 * i] = hx[d[i] >> 4];
        out[2 * i + 1] = hx[d[i] & 15];
    }
    out[32] = 0;
}

/* CRAM-MD5: response is hex(HMAC-MD5(key=password, challenge)). */
static int cram_ok(const char *resp, const char *chal, const char *clear)
{
    uint8_t d[16];
    char hx[33];
    hmac_md5(clear, strlen(clear), chal, strlen(chal), d);
    hex16(d, hx);
    return strcmp(resp, hx) == 0;
}

/* APOP: response is hex(MD5(timestamp password)). */
static int apop_ok(const char *resp, const char *ts, const char *clear)
{
    char buf[600];
    uint8_t d[16];
    char hx[33];
    snprintf(buf, sizeof buf, "%s%s", ts, clear);
    md5(buf, strlen(buf), d);
    hex16(d, hx);
    return strcmp(resp, hx) == 0;
}

static int valid_chars(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 33 || (unsigned char)*s > 126 || *s == ':')
            return 0;
    return 1;
}

/* QT_LAB_VCHKPW_SLEEP_MS / vchkpw-sleep-ms: hold still for a test */
static void test_sleep(void)
{
    char v[32];
    if (!vpw_setting("QT_LAB_VCHKPW_SLEEP_MS", "vchkpw-sleep-ms", v, sizeof v))
        return;
    long ms = strtol(v, NULL, 10);
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int main(int argc, char **argv)
{
    vpw_init(argv[0]);
    const char *lv = getenv("QT_LAB_VCHKPW_LOGGING");
    if (lv && *lv)
        loglevel = *lv == 'n' ? 0 : *lv == 'y' ? 1 : *lv == 'p' ? 3
                 : *lv == 'v' ? 4 : 2;
    set_remote_ip();
    enum conn conn = set_logname(argc > 1 ? argv[1] : NULL);
    if (argc < 2)
        misuse();

    /* Read fd 3 to EOF, at most 512 bytes (checkpassword interface). */
    char buf[513];
    size_t len = 0;
    for (;;) {
        ssize_t r = read(3, buf + len, sizeof buf - 1 - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            misuse();
        }
        if (r == 0)
            break;
        len += (size_t)r;
        if (len == sizeof buf - 1)
            break;
    }
    close(3);
    buf[len] = 0;
    test_sleep();

    const char *fields[3] = { "", "", "" };
    size_t pos = 0;
    for (int i = 0; i < 3 && pos < len; i++) {
        fields[i] = buf + pos;
        pos += strlen(buf + pos) + 1;
    }
    const char *name = fields[0], *pass = fields[1], *chal = fields[2];

    if (!*name) {
        vlog("%s: null user name given %s:%s", logname, name, ip);
        return 12;
    }
    if (!*pass) {
        if (loglevel >= 1)
            vlog("%s: null password given %s:%s", logname, name, ip);
        return 13;
    }

    char user[160], domain[160] = "";
    vpw_copy(user, sizeof user, name);
    char *at = strchr(user, '@');
    if (at) {
        *at = 0;
        vpw_copy(domain, sizeof domain, at + 1);
    } else {
        vpw_setting("QT_LAB_DEFAULT_DOMAIN", "vchkpw-default-domain", domain, sizeof domain);
    }
    if (!valid_chars(user) || !valid_chars(domain) || strchr(domain, '@')) {
        if (loglevel >= 1)
            vlog("%s: invalid user/domain characters %s:%s", logname, name, ip);
        return 20;
    }

    struct vpw_entry e;
    char down[8];
    int found = -1;
    if (vpw_setting("QT_LAB_BACKEND_DOWN", "vchkpw-backend-down", down, sizeof down))
        errno = EIO; /* a backend outage on demand */
    else
        found = vpw_lookup(user, domain, &e);
    if (found < 0) {
        fprintf(stderr, "%s: vauth_open failed: %s\n", logname, strerror(errno));
        return 24;
    }
    if (found == 0) {
        vlog("%s: vpopmail user not found %s@%s:%s", logname, user, domain, ip);
        return 3;
    }
    if (!e.password[0]) {
        vlog("%s: user has no password %s@%s:%s", logname, user, domain, ip);
        return 15;
    }

    const char *authtype = "PLAIN";
    int ok = 0;
    if (*chal && conn == SMTP_CONN && cram_ok(pass, chal, e.password)) {
        ok = 1;
        authtype = "CRAM-MD5";
    } else if (*chal && conn == POP_CONN && apop_ok(pass, chal, e.password)) {
        ok = 1;
        authtype = "APOP";
    } else if (strcmp(pass, e.password) == 0) {
        ok = 1;
    }
    if (!ok) {
        if (loglevel == 1 || loglevel == 2)
            vlog("%s: password fail %s@%s:%s", logname, user, domain, ip);
        else if (loglevel >= 3)
            vlog("%s: password fail (pass: '%s') %s@%s:%s", logname, pass, user,
                 domain, ip);
        return 3;
    }

    static const struct { enum conn c; unsigned flag; const char *what; } deny[] = {
        { POP_CONN, VPW_NO_POP, "pop" },       { SMTP_CONN, VPW_NO_SMTP, "smtp" },
        { IMAP_CONN, VPW_NO_IMAP, "imap" },    { WEBMAIL_CONN, VPW_NO_WEBMAIL, "webmail" },
    };
    for (size_t i = 0; i < sizeof deny / sizeof deny[0]; i++)
        if (conn == deny[i].c && (e.flags & deny[i].flag)) {
            vlog("%s: %s access denied %s@%s:%s", logname, deny[i].what, user,
                 domain, ip);
            return 1;
        }

    if (loglevel == 1 || loglevel == 4)
        vlog("%s: (%s) login success %s@%s:%s", logname, authtype, user, domain, ip);

    char dir[512];
    vpw_dir(&e, dir, sizeof dir);
    if (setenv("USER", user, 1) != 0)
        return 7;
    if (setenv("HOME", dir, 1) != 0)
        return 8;
    if (setenv("SHELL", "NOLOGIN", 1) != 0)
        return 9;
    if (setenv("VPOPUSER", name, 1) != 0)
        return 10;
    execvp(argv[1], argv + 1);
    return 0; /* like vchkpw.c: a failed execvp falls through to exit(0) */
}
