/* qmail-smtpd - lab stand-in for qmail-smtpd with the SMTP AUTH patch.
 *
 * Usage (Hoffmann convention, as QMailToaster and sagredo run it):
 *   qmail-smtpd [checkpassword subprogram...]
 * Speaks SMTP on fd 0/1 (run it under tcpserver, socat or stunnel).
 *   - banner "220 HOST ESMTP"; HOST = $QT_SMTPD_HOSTNAME or gethostname()
 *   - EHLO advertises "AUTH LOGIN PLAIN" when a checkpassword is given
 *   - AUTH PLAIN / LOGIN: pipe + fork, the child gets the pipe on fd 3 and
 *     execvp()s argv[1..]; the parent writes "user\0pass\0".  Exit 0 ->
 *     "235 ok, go ahead (#2.0.0)"; non-zero -> sleep $QT_SMTPD_AUTHSLEEP
 *     (default 5, like the patch) then "535 authentication failed (#5.7.1)";
 *     a crashed child -> 454.
 *   - every read waits at most $QT_SMTPD_TIMEOUT seconds (default 1200, like
 *     control/timeoutsmtpd); then "451 timeout (#4.4.2)" and exit 1.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char host[256];
static char **childargs;
static int timeout_s = 1200;
static int authsleep = 5;

static char inbuf[4096];
static size_t inlen;

static void out(const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t w = write(1, s, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            _exit(1);
        }
        s += w;
        n -= (size_t)w;
    }
}

static void outf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void outf(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    out(buf);
}

/* Read one line (without CR LF) into line[size]; over-long lines are cut.
 * Exits on EOF, read error, or the idle timeout. */
static void getln(char *line, size_t size)
{
    size_t ll = 0;
    for (;;) {
        char *nl = memchr(inbuf, '\n', inlen);
        size_t take = nl ? (size_t)(nl - inbuf) : inlen;
        size_t room = size - 1 - ll;
        size_t c = take < room ? take : room;
        memcpy(line + ll, inbuf, c);
        ll += c;
        size_t used = nl ? take + 1 : inlen;
        memmove(inbuf, inbuf + used, inlen - used);
        inlen -= used;
        if (nl) {
            line[ll] = 0;
            if (ll && line[ll - 1] == '\r')
                line[--ll] = 0;
            return;
        }
        struct pollfd p = { .fd = 0, .events = POLLIN };
        int r = poll(&p, 1, timeout_s * 1000);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0) {
            out("451 timeout (#4.4.2)\r\n");
            _exit(1);
        }
        ssize_t n = read(0, inbuf + inlen, sizeof inbuf - inlen);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(1);
        inlen += (size_t)n;
    }
}

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Decode base64 s into out; returns length or -1 if malformed. */
static long b64decode(const char *s, char *outb, size_t size)
{
    size_t n = 0;
    unsigned acc = 0;
    int bits = 0, pad = 0;
    for (; *s; s++) {
        if (*s == '=') {
            pad++;
            continue;
        }
        int v = b64val((unsigned char)*s);
        if (v < 0 || pad)
            return -1;
        acc = acc << 6 | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n >= size)
                return -1;
            outb[n++] = (char)(acc >> bits & 0xff);
        }
    }
    return (long)n;
}

/* Run the checkpassword program as the AUTH patch does. */
static void authenticate(const char *user, const char *pass, int *authed)
{
    int pi[2];
    if (pipe(pi) == -1) {
        out("454 oops, unable to open pipe and I can't auth (#4.3.0)\r\n");
        return;
    }
    pid_t pid = fork();
    if (pid == -1) {
        close(pi[0]);
        close(pi[1]);
        out("454 oops, child won't start and I can't auth (#4.3.0)\r\n");
        return;
    }
    if (pid == 0) {
        close(pi[1]);
        if (pi[0] != 3) {
            if (dup2(pi[0], 3) == -1)
                _exit(1);
            close(pi[0]);
        }
        signal(SIGPIPE, SIG_DFL);
        execvp(childargs[0], childargs);
        _exit(1);
    }
    close(pi[0]);
    char buf[520];
    size_t ul = strlen(user), pl = strlen(pass);
    if (ul + pl + 2 > sizeof buf) {
        ul = 0;
        pl = 0;
    }
    memcpy(buf, user, ul);
    buf[ul] = 0;
    memcpy(buf + ul + 1, pass, pl);
    buf[ul + 1 + pl] = 0;
    ssize_t w = write(pi[1], buf, ul + pl + 2);
    (void)w;
    close(pi[1]);
    int st;
    while (waitpid(pid, &st, 0) == -1)
        if (errno != EINTR) {
            out("454 oops, problem with child and I can't auth (#4.3.0)\r\n");
            return;
        }
    if (WIFSIGNALED(st)) {
        out("454 oops, problem with child and I can't auth (#4.3.0)\r\n");
        return;
    }
    if (WEXITSTATUS(st) != 0) {
        if (authsleep > 0)
            sleep((unsigned)authsleep);
        out("535 authentication failed (#5.7.1)\r\n");
        return;
    }
    *authed = 1;
    setenv("RELAYCLIENT", "", 1);
    setenv("TCPREMOTEINFO", user, 1);
    out("235 ok, go ahead (#2.0.0)\r\n");
}

/* Read one AUTH continuation line; returns 0 if the client cancelled. */
static int auth_getln(char *line, size_t size)
{
    getln(line, size);
    if (strcmp(line, "*") == 0) {
        out("501 auth exchange canceled (#5.0.0)\r\n");
        return 0;
    }
    return 1;
}

static void smtp_auth(char *arg, int *authed, int seenmail)
{
    if (!childargs) {
        out("503 auth not available (#5.3.3)\r\n");
        return;
    }
    if (*authed) {
        out("503 you're already authenticated (#5.5.0)\r\n");
        return;
    }
    if (seenmail) {
        out("503 no auth during mail transaction (#5.5.0)\r\n");
        return;
    }
    char *mech = strtok(arg, " ");
    char *init = strtok(NULL, " ");
    char line[1024], user[520], pass[520], dec[1024];
    long n;
    if (mech && strcasecmp(mech, "LOGIN") == 0) {
        if (init) {
            snprintf(line, sizeof line, "%s", init);
        } else {
            out("334 VXNlcm5hbWU6\r\n"); /* Username: */
            if (!auth_getln(line, sizeof line))
                return;
        }
        n = b64decode(line, user, sizeof user - 1);
        if (n <= 0) {
            out("501 malformed auth input (#5.5.4)\r\n");
            return;
        }
        user[n] = 0;
        out("334 UGFzc3dvcmQ6\r\n"); /* Password: */
        if (!auth_getln(line, sizeof line))
            return;
        n = b64decode(line, pass, sizeof pass - 1);
        if (n <= 0) {
            out("501 malformed auth input (#5.5.4)\r\n");
            return;
        }
        pass[n] = 0;
    } else if (mech && strcasecmp(mech, "PLAIN") == 0) {
        if (init) {
            snprintf(line, sizeof line, "%s", init);
        } else {
            out("334 \r\n");
            if (!auth_getln(line, sizeof line))
                return;
        }
        n = b64decode(line, dec, sizeof dec - 1);
        if (n <= 0) {
            out("501 malformed auth input (#5.5.4)\r\n");
            return;
        }
        dec[n] = 0;
        /* authzid \0 authcid \0 password */
        size_t a = strnlen(dec, (size_t)n);
        if ((long)a + 1 >= n) {
            out("501 malformed auth input (#5.5.4)\r\n");
            return;
        }
        const char *u = dec + a + 1;
        size_t ul = strnlen(u, (size_t)(n - (long)a - 1));
        if ((long)(a + 1 + ul + 1) > n || ul == 0) {
            out("501 malformed auth input (#5.5.4)\r\n");
            return;
        }
        const char *p = u + ul + 1;
        size_t pl = (size_t)(n - (long)(a + 1 + ul + 1));
        if (pl == 0) {
            out("501 malformed auth input (#5.5.4)\r\n");
            return;
        }
        snprintf(user, sizeof user, "%s", u);
        snprintf(pass, sizeof pass, "%.*s", (int)pl, p);
    } else {
        out("504 auth type unimplemented (#5.5.1)\r\n");
        return;
    }
    authenticate(user, pass, authed);
}

static int envint(const char *name, int def)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return def;
    int v = atoi(s);
    return v > 0 ? v : (strcmp(s, "0") == 0 ? 0 : def);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    timeout_s = envint("QT_SMTPD_TIMEOUT", 1200);
    if (timeout_s <= 0)
        timeout_s = 1; /* qmail-smtpd forces <= 0 to 1 */
    authsleep = envint("QT_SMTPD_AUTHSLEEP", 5);
    const char *h = getenv("QT_SMTPD_HOSTNAME");
    if (h && *h)
        snprintf(host, sizeof host, "%s", h);
    else if (gethostname(host, sizeof host - 1) != 0)
        strcpy(host, "localhost");
    if (argc > 1)
        childargs = argv + 1;

    outf("220 %s ESMTP\r\n", host);
    int seenmail = 0, nrcpt = 0, authed = 0;
    char line[1024];
    for (;;) {
        getln(line, sizeof line);
        char *arg = line + strcspn(line, " ");
        if (*arg)
            *arg++ = 0;
        while (*arg == ' ')
            arg++;
        if (strcasecmp(line, "HELO") == 0) {
            seenmail = 0;
            outf("250 %s\r\n", host);
        } else if (strcasecmp(line, "EHLO") == 0) {
            seenmail = 0;
            if (childargs)
                outf("250-%s\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 AUTH LOGIN PLAIN\r\n", host);
            else
                outf("250-%s\r\n250-PIPELINING\r\n250 8BITMIME\r\n", host);
        } else if (strcasecmp(line, "AUTH") == 0) {
            smtp_auth(arg, &authed, seenmail);
        } else if (strcasecmp(line, "MAIL") == 0) {
            seenmail = 1;
            nrcpt = 0;
            out("250 ok\r\n");
        } else if (strcasecmp(line, "RCPT") == 0) {
            if (!seenmail) {
                out("503 MAIL first (#5.5.1)\r\n");
            } else {
                nrcpt++;
                out("250 ok\r\n");
            }
        } else if (strcasecmp(line, "DATA") == 0) {
            if (!seenmail) {
                out("503 MAIL first (#5.5.1)\r\n");
            } else if (!nrcpt) {
                out("503 RCPT first (#5.5.1)\r\n");
            } else {
                out("354 go ahead\r\n");
                do
                    getln(line, sizeof line);
                while (strcmp(line, ".") != 0);
                outf("250 ok %ld qp %ld\r\n", (long)time(NULL), (long)getpid());
                seenmail = 0;
                nrcpt = 0;
            }
        } else if (strcasecmp(line, "RSET") == 0) {
            seenmail = 0;
            nrcpt = 0;
            out("250 flushed\r\n");
        } else if (strcasecmp(line, "NOOP") == 0) {
            out("250 ok\r\n");
        } else if (strcasecmp(line, "VRFY") == 0) {
            out("252 send some mail, i'll try my best\r\n");
        } else if (strcasecmp(line, "HELP") == 0) {
            out("214 qmail home page: http://pobox.com/~djb/qmail.html\r\n");
        } else if (strcasecmp(line, "QUIT") == 0) {
            outf("221 %s\r\n", host);
            return 0;
        } else {
            out("502 unimplemented (#5.5.1)\r\n");
        }
    }
}
