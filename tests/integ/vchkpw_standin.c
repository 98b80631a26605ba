/* vchkpw_standin.c - a stand-in for vpopmail's vchkpw for the auth wizard's
 * integration tests (lab/README.md, "Recipe: the vchkpw stand-in"). It follows
 * the real program where the wizard can see it (docs/domain/vpopmail.md):
 *  - reads fd 3 ("user\0password\0[timestamp\0]", at most AUTH_SIZE 156 bytes);
 *  - exit 11 with vchkpw's message if fd 3 is unreadable or no program is given;
 *  - exit 12/13 for an empty user/password, 20 for invalid characters;
 *  - exit 3 for a bad password or an unknown user, 1 when the account's
 *    flags close the service, 24 when the "backend" is down;
 *  - on success sets USER, HOME, SHELL=NOLOGIN, VPOPUSER and execvp()s argv[1]
 *    (falling through to exit 0 if that fails, as the real one does);
 *  - names itself vchkpw-<service> from TCPLOCALPORT (not argv[0]) and
 *    writes its syslog line to stderr: "vpopmail[PID]: vchkpw-smtp: password fail u@d:IP".
 * Fixture files next to the binary: vchkpw-creds (user@domain:password[:flags]
 * lines; flags "nosmtp", "nopop", "noimap"), vchkpw-default-domain,
 * vchkpw-backend-down, vchkpw-sleep-ms (sleep after reading fd 3, so a test
 * can read /proc/PID/cmdline and environ while it runs).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define AUTH_SIZE 156

static char dir[PATH_MAX];
static char logname[64];
static const char *ip = "";

static void vlog(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "vpopmail[%d]: %s: ", (int)getpid(), logname);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
}

static int read_fixture(const char *name, char *buf, size_t n)
{
    char path[PATH_MAX + 64];
    FILE *f;
    size_t r;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!(f = fopen(path, "r")))
        return -1;
    r = fread(buf, 1, n - 1, f);
    buf[r] = '\0';
    fclose(f);
    while (r && (buf[r - 1] == '\n' || buf[r - 1] == '\r'))
        buf[--r] = '\0';
    return 0;
}

int main(int argc, char **argv)
{
    char auth[AUTH_SIZE + 1], user[AUTH_SIZE + 64], tmp[64], creds[8192];
    const char *pass, *port_s = getenv("TCPLOCALPORT");
    size_t got = 0;
    ssize_t r;
    int port = port_s ? atoi(port_s) : 0, smtp;
    char *slash;

    snprintf(dir, sizeof dir, "%s", argv[0]);
    slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    ip = getenv("TCPREMOTEIP") ? getenv("TCPREMOTEIP") : "";
    switch (port) {
    case 25: snprintf(logname, sizeof logname, "vchkpw-smtp"); break;
    case 465: snprintf(logname, sizeof logname, "vchkpw-smtps"); break;
    case 587: snprintf(logname, sizeof logname, "vchkpw-submission"); break;
    case 110: snprintf(logname, sizeof logname, "vchkpw-pop3"); break;
    case 995: snprintf(logname, sizeof logname, "vchkpw-pop3s"); break;
    case 143: snprintf(logname, sizeof logname, "vchkpw-imap"); break;
    case 993: snprintf(logname, sizeof logname, "vchkpw-imaps"); break;
    default: snprintf(logname, sizeof logname, "vchkpw-%d", port); break;
    }
    smtp = port == 25 || port == 465 || port == 587 || (argc > 1 && strstr(argv[1], "true"));

    if (argc < 2) {
        fprintf(stderr, "vchkpw: usage: vchkpw prog\n");
        return 11;
    }
    while (got < AUTH_SIZE && (r = read(3, auth + got, AUTH_SIZE - got)) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "vchkpw is only for talking with qmail-popup and qmail-pop3d.\n"
                            "It is not for runnning on the command line.\n");
            return 11;
        }
        got += (size_t)r;
    }
    close(3);
    auth[got] = '\0';
    if (read_fixture("vchkpw-sleep-ms", tmp, sizeof tmp) == 0) {
        struct timespec ts = {atoi(tmp) / 1000, (atoi(tmp) % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    snprintf(user, sizeof user, "%s", auth);
    pass = strlen(auth) < got ? auth + strlen(auth) + 1 : "";
    if (!*user) {
        vlog("null user name given %s:%s", "", ip);
        return 12;
    }
    if (!*pass) {
        vlog("null password given %s:%s", user, ip);
        return 13;
    }
    for (const char *p = user; *p; p++)
        if (strchr(" \t;|&<>$`'\"\\", *p)) {
            vlog("invalid user/domain characters %s:%s", user, ip);
            return 20;
        }
    if (!strchr(user, '@') && read_fixture("vchkpw-default-domain", tmp, sizeof tmp) == 0) {
        size_t l = strlen(user);
        snprintf(user + l, sizeof user - l, "@%s", tmp);
    }
    if (read_fixture("vchkpw-backend-down", tmp, sizeof tmp) == 0)
        return 24; /* vauth_open failed: nothing logged */
    if (read_fixture("vchkpw-creds", creds, sizeof creds) != 0)
        return 24;
    for (char *line = strtok(creds, "\n"); line; line = strtok(NULL, "\n")) {
        char *c1 = strchr(line, ':'), *c2;
        if (!c1)
            continue;
        *c1 = '\0';
        if (strcmp(line, user) != 0)
            continue;
        c2 = strchr(c1 + 1, ':');
        if (c2)
            *c2 = '\0';
        if (strcmp(c1 + 1, pass) != 0) {
            vlog("password fail %s:%s", user, ip);
            return 3;
        }
        if (c2 && ((smtp && strstr(c2 + 1, "nosmtp")) || (!smtp && strstr(c2 + 1, "nopop")))) {
            vlog(smtp ? "smtp access denied %s:%s" : "pop access denied %s:%s", user, ip);
            return 1;
        }
        setenv("USER", user, 1);
        setenv("HOME", dir, 1);
        setenv("SHELL", "NOLOGIN", 1);
        setenv("VPOPUSER", user, 1);
        execvp(argv[1], argv + 1);
        return 0;
    }
    vlog("vpopmail user not found %s:%s", user, ip);
    return 3;
}
