/* greeter - trivial POP3 / IMAP servers on fd 0/1 for the lab's TLS ports.
 *
 * Built twice: as "qmail-popup" (POP3) and as "imapd" (IMAP); the protocol is
 * chosen from basename(argv[0]).  Neither authenticates anyone: they give a
 * real-looking greeting, answer CAPA/CAPABILITY/NOOP/QUIT/LOGOUT, and refuse
 * logins.  Each read waits at most $QT_GREETER_TIMEOUT seconds (default 1200,
 * qmail-popup's 20-minute idle timeout) and then the program exits.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static int timeout_s = 1200;

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

/* One line from fd 0, byte by byte (tiny protocol, tiny traffic). */
static int getln(char *line, size_t size)
{
    size_t n = 0;
    for (;;) {
        struct pollfd p = { .fd = 0, .events = POLLIN };
        int r = poll(&p, 1, timeout_s * 1000);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0;
        char c;
        ssize_t k = read(0, &c, 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return 0;
        if (c == '\n') {
            if (n && line[n - 1] == '\r')
                n--;
            line[n] = 0;
            return 1;
        }
        if (n < size - 1)
            line[n++] = c;
    }
}

static void pop3(const char *host)
{
    char buf[1200];
    snprintf(buf, sizeof buf, "+OK <%ld.%ld@%s>\r\n", (long)getpid(),
             (long)time(NULL), host);
    out(buf);
    while (getln(buf, sizeof buf)) {
        char *sp = strchr(buf, ' ');
        if (sp)
            *sp = 0;
        if (!strcasecmp(buf, "QUIT")) {
            out("+OK \r\n");
            return;
        } else if (!strcasecmp(buf, "CAPA")) {
            out("+OK capa\r\nTOP\r\nUIDL\r\nUSER\r\n.\r\n");
        } else if (!strcasecmp(buf, "USER")) {
            out("+OK \r\n");
        } else if (!strcasecmp(buf, "PASS") || !strcasecmp(buf, "APOP")) {
            out("-ERR authorization failed\r\n");
        } else if (!strcasecmp(buf, "NOOP")) {
            out("+OK \r\n");
        } else {
            out("-ERR authorization first\r\n");
        }
    }
}

static void imap(const char *host)
{
    char buf[1200], reply[1400];
    snprintf(buf, sizeof buf,
             "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] %s IMAP4rev1 lab server ready\r\n",
             host);
    out(buf);
    while (getln(buf, sizeof buf)) {
        char *tag = buf, *cmd = strchr(buf, ' ');
        if (!cmd) {
            out("* BAD missing command\r\n");
            continue;
        }
        *cmd++ = 0;
        char *sp = strchr(cmd, ' ');
        if (sp)
            *sp = 0;
        if (!strcasecmp(cmd, "LOGOUT")) {
            snprintf(reply, sizeof reply, "* BYE logging out\r\n%s OK LOGOUT completed\r\n", tag);
            out(reply);
            return;
        } else if (!strcasecmp(cmd, "CAPABILITY")) {
            snprintf(reply, sizeof reply, "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n%s OK CAPABILITY completed\r\n", tag);
        } else if (!strcasecmp(cmd, "NOOP")) {
            snprintf(reply, sizeof reply, "%s OK NOOP completed\r\n", tag);
        } else if (!strcasecmp(cmd, "LOGIN") || !strcasecmp(cmd, "AUTHENTICATE")) {
            snprintf(reply, sizeof reply, "%s NO [AUTHENTICATIONFAILED] Authentication failed.\r\n", tag);
        } else {
            snprintf(reply, sizeof reply, "%s BAD Please login first\r\n", tag);
        }
        out(reply);
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    const char *t = getenv("QT_GREETER_TIMEOUT");
    if (t && atoi(t) > 0)
        timeout_s = atoi(t);
    char host[256] = "localhost";
    const char *h = getenv("QT_SMTPD_HOSTNAME");
    if (h && *h)
        snprintf(host, sizeof host, "%s", h);
    else
        gethostname(host, sizeof host - 1);
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    if (strstr(base, "imap"))
        imap(host);
    else
        pop3(host);
    return 0;
}
