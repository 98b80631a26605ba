/* servers_find.c - the file-system half of server discovery: service
 * directories under --root (symlinks resolved inside the root), run
 * scripts, log/run, supervise/status, control files, /etc/services, and the
 * binary of a front end. The process half is in servers.c. */
#include "diag/servers/servers.h"
#include "diag/servers/servers_int.h"
#include "diag/core/programs.h"
#include "diag/core/rootfs.h"
#include "diag/core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Map a real path on this machine (e.g. a supervise process's cwd) back to
 * a path under the root. NULL if it lies outside the root. */
char *qt_unroot(const qt_ctx *ctx, const char *real, char *out, size_t n)
{
    return qt_ctx_unroot(ctx, real, out, n) ? out : NULL;
}

int qt_supervise_status_parse(const unsigned char *b, size_t n, struct qt_supervise_status *st)
{
    unsigned long long sec = 0;
    memset(st, 0, sizeof *st);
    if (n != 18 && n != 20)
        return -1;
    for (int i = 0; i < 8; i++)
        sec = (sec << 8) | b[i];
    if (sec >= 0x4000000000000000ULL + 10)
        st->since = (double)(sec - 0x4000000000000000ULL - 10); /* TAI64 label -> Unix (daemontools' 10 s) */
    st->pid = (int)((unsigned)b[12] | (unsigned)b[13] << 8 | (unsigned)b[14] << 16 | (unsigned)b[15] << 24);
    if (st->pid < 0)
        st->pid = 0;
    st->paused = b[16] != 0;
    st->want_up = b[17] != 'd';
    st->readable = 1;
    return 0;
}

unsigned qt_servers_port(const qt_ctx *ctx, const char *word)
{
    unsigned long v;
    char *text = NULL;
    unsigned port = 0;

    if (!word || !*word)
        return 0;
    if (qt_parse_ulong(word, &v) == 0)
        return v <= 65535 ? (unsigned)v : 0;
    /* a service name: /etc/services under the root ("smtps 465/tcp ..."), then built-ins */
    if (qt_ctx_read(ctx, "/etc/services", 1 << 20, &text, NULL) >= 0) {
        for (char *line = text, *nl; line && *line && !port; line = nl ? nl + 1 : NULL) {
            char name[64], pp[32];
            nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            if (sscanf(line, "%63s %31s", name, pp) == 2 && name[0] != '#' && strstr(pp, "/tcp")) {
                int match = strcmp(name, word) == 0;
                /* aliases after the port */
                char *rest = strstr(line, pp) + strlen(pp);
                for (char *tok = strtok(rest, " \t"); tok && !match && tok[0] != '#'; tok = strtok(NULL, " \t"))
                    match = strcmp(tok, word) == 0;
                if (match && qt_scan_ulong(pp) <= 65535) /* else no port: try on */
                    port = (unsigned)qt_scan_ulong(pp);
            }
        }
        free(text);
    }
    if (!port)
        port = qt_port_number(word);
    return port;
}

static void spend(qt_servers *s, const qt_runscript *rs)
{
    s->script_bytes += rs->spent_bytes;
    s->script_substs += rs->spent_substs;
}

static int sample_spent(const qt_servers *s)
{
    return s->script_bytes > QT_SERVERS_SAMPLE_BYTES || s->script_substs > QT_SERVERS_SAMPLE_SUBSTS;
}

/* The directory multilog (or svlogd, s6-log) writes to, from the log/run
 * of the service whose real directory is realdir; out "" when none. */
static void find_logdir(const qt_ctx *ctx, qt_servers *s, const char *realdir, char *out, size_t outn)
{
    char path[1100];
    qt_runscript rs;
    int rc;

    out[0] = '\0';
    snprintf(path, sizeof path, "%s/log/run", realdir);
    rc = qt_runscript_read(ctx, path, realdir, &rs, NULL);
    spend(s, &rs);
    if (rc == 0) {
        for (int i = 0; i < rs.argc; i++) {
            const char *b = qt_basename(rs.argv[i]);
            if (strcmp(b, "multilog") == 0 || strcmp(b, "svlogd") == 0 || strcmp(b, "s6-log") == 0) {
                for (int k = rs.argc - 1; k > i; k--)
                    if ((rs.argv[k][0] == '/' || rs.argv[k][0] == '.') && !rs.unresolved[k]) {
                        const char *a = rs.argv[k];
                        char *t;
                        while (a[0] == '.' && a[1] == '/')
                            a += 2;
                        t = a[0] == '/' ? qt_strdup(a) : qt_asprintf("%s/log/%s", realdir, a);
                        qt_copy(out, outn, t);
                        free(t);
                        break;
                    }
                break;
            }
        }
    }
    qt_runscript_free(&rs);
}

/* Does a run script that starts no front end run a mail program? qmail's
 * programs all begin "qmail-" (qmail-start, qmail-send, qmail-pop3d...);
 * splogger is qmail's syslog logger (qmail-send's run may pipe into it). */
static int mentions_mail(const char *text)
{
    return text && (strstr(text, "qmail-") || strstr(text, "splogger") || strstr(text, "vdelivermail"));
}

/* Keep a mail service's logger (bounded side list, servers.h). */
static void keep_logger(const qt_ctx *ctx, qt_servers *s, const char *svcdir, const char *realdir, const char *name,
                        const char *text)
{
    struct qt_mail_logger *lg;

    if (s->nloggers >= QT_SERVERS_LOGGERS_MAX)
        return;
    lg = &s->loggers[s->nloggers++];
    memset(lg, 0, sizeof *lg);
    qt_copy(lg->name, sizeof lg->name, name);
    snprintf(lg->logrun, sizeof lg->logrun, "%.500s/log/run", svcdir);
    lg->is_send = strstr(text, "qmail-start") || strstr(text, "qmail-send");
    find_logdir(ctx, s, realdir, lg->logdir, sizeof lg->logdir);
    /* one service reached twice (/service/X -> /var/qmail/supervise/X) */
    for (int i = 0; i < s->nloggers - 1 && *lg->logdir; i++)
        if (!strcmp(s->loggers[i].logdir, lg->logdir)) {
            s->loggers[i].is_send |= lg->is_send;
            s->nloggers--;
            break;
        }
}

/* Does the text name a front end the servers collector models? (Substrings:
 * "s6-tcpserver4" and "/usr/bin/tcpserver" name tcpserver too.) */
static int mentions_front_end(const char *text)
{
    size_t n;
    const struct qt_program *p = qt_programs(&n);
    if (!text)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((p[i].roles & QT_PROG_FRONTEND) && strstr(text, p[i].name))
            return 1;
    return 0;
}

static int known_dir(const qt_servers *s, const char *realdir)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].realdir, realdir) == 0)
            return 1;
    return 0;
}

struct qt_server *qt_servers_add(qt_servers *s)
{
    struct qt_server *sv;
    qt_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v);
    sv = &s->v[s->n++];
    memset(sv, 0, sizeof *sv);
    sv->limit = -1;
    sv->iplimit = -1;
    sv->handshake = -1;
    sv->limit_source = "unknown";
    sv->proc.server = -1;
    sv->script.server = -1;
    return sv;
}

/* The run file exists but was not read (a FIFO, unreadable, a link out of
 * the root or to nothing): 1 with the reason in why; 0 when there is no run. */
static int run_unreadable(const qt_ctx *ctx, const char *realdir, int err, const char *error, char *why, size_t n)
{
    char target[512];
    struct stat sb;
    ssize_t tl;
    int dfd;

    if (err != ENOENT) {
        snprintf(why, n, "%s", error);
        return 1;
    }
    if ((dfd = qt_ctx_open(ctx, realdir, O_DIRECTORY, NULL, NULL, 0)) < 0)
        return 0;
    if (fstatat(dfd, "run", &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(sb.st_mode) ||
        (tl = readlinkat(dfd, "run", target, sizeof target - 1)) < 0) {
        close(dfd);
        return 0;
    }
    close(dfd);
    target[tl] = '\0';
    snprintf(why, n, "run is a symlink to %.120s, which is not a file under the root", target);
    return 1;
}

static void add_service(const qt_ctx *ctx, qt_servers *s, const char *svcdir, const char *name)
{
    char realdir[512], run[600], path[700], *text = NULL;
    struct qt_server *sv;
    qt_runscript rs;
    int rc;
    long n;

    if (!qt_rooted_realpath(ctx, svcdir, realdir, sizeof realdir) || known_dir(s, realdir))
        return;
    if (sample_spent(s)) {
        /* listed, not read: the lint says why (script-budget) */
        sv = qt_servers_add(s);
        qt_copy(sv->name, sizeof sv->name, name);
        qt_copy(sv->svcdir, sizeof sv->svcdir, svcdir);
        qt_copy(sv->realdir, sizeof sv->realdir, realdir);
        sv->has_script = 1;
        if (s->script_substs > QT_SERVERS_SAMPLE_SUBSTS)
            snprintf(sv->rs.budget, sizeof sv->rs.budget, "substitutions in the run scripts of one sample: more than %d",
                     QT_SERVERS_SAMPLE_SUBSTS);
        else
            snprintf(sv->rs.budget, sizeof sv->rs.budget, "bytes of run scripts evaluated in one sample: more than %d",
                     QT_SERVERS_SAMPLE_BYTES);
        snprintf(sv->rs.error, sizeof sv->rs.error, "not evaluated: %s", sv->rs.budget);
        s->not_evaluated++;
        return;
    }
    snprintf(run, sizeof run, "%s/run", realdir);
    rc = qt_runscript_read(ctx, run, realdir, &rs, &text);
    spend(s, &rs);
    if (!text) {
        char why[200];
        if (!run_unreadable(ctx, realdir, errno, rs.error, why, sizeof why)) {
            qt_runscript_free(&rs);   /* no run script: not a service */
            return;
        }
        sv = qt_servers_add(s);     /* listed with the reason, never dropped silently */
        qt_copy(sv->name, sizeof sv->name, name);
        qt_copy(sv->svcdir, sizeof sv->svcdir, svcdir);
        qt_copy(sv->realdir, sizeof sv->realdir, realdir);
        qt_copy(sv->run_error, sizeof sv->run_error, why);
        qt_runscript_free(&rs);
        return;
    }
    if (rc == 0) {
        qt_cmd probe;
        qt_cmd_parse(&probe, rs.argc, rs.argv, rs.unresolved, QT_VAR_UNKNOWN);
        rc = probe.status == QT_CMD_NO_SERVER || probe.status == QT_CMD_EMPTY ? 1 : 0;
        qt_cmd_free(&probe);
    }
    /* qmail-send, log services, anything else -- but a script too complex
     * to evaluate or cut short may hide a front end: listed with the reason.
     * A mail service's logger is kept for the logs collector. */
    if (rc != 0 && !rs.budget[0] && !rs.truncated && !mentions_front_end(text)) {
        if (mentions_mail(text))
            keep_logger(ctx, s, svcdir, realdir, name, text);
        qt_runscript_free(&rs);
        free(text);
        return;
    }
    sv = qt_servers_add(s);
    qt_copy(sv->name, sizeof sv->name, name);
    qt_copy(sv->svcdir, sizeof sv->svcdir, svcdir);
    qt_copy(sv->realdir, sizeof sv->realdir, realdir);
    sv->run_text = text;
    sv->rs = rs;
    sv->has_script = 1;
    if (rs.argv) {
        qt_cmd_parse(&sv->script, rs.argc, rs.argv, rs.unresolved, QT_VAR_UNKNOWN);
        sv->has_script_cmd = sv->script.status != QT_CMD_NO_SERVER && sv->script.status != QT_CMD_EMPTY;
    }
    find_logdir(ctx, s, sv->realdir, sv->logdir, sizeof sv->logdir);
    snprintf(path, sizeof path, "%s/down", realdir);
    {
        struct stat db;
        sv->down_file = qt_ctx_stat(ctx, path, &db) == 0;
    }
    snprintf(path, sizeof path, "%s/supervise/status", realdir);
    {
        char *b = NULL;
        n = qt_ctx_read(ctx, path, 64, &b, NULL);
        if (n >= 0)
            qt_supervise_status_parse((const unsigned char *)b, (size_t)n, &sv->st);
        free(b);
    }
}

void qt_servers_scan_dirs(const qt_ctx *ctx, qt_servers *s)
{
    /* scan directories (what svscan/runsvdir watch) first, then definitions */
    static const char *const bases[] = {
        "/service", "/var/service", "/etc/service", "/var/qmail/supervise", "/etc/sv", "/command",
    };
    /* the active scan directories (servers_scan.c) first, then these */
    for (size_t b = 0; b < (size_t)s->nscandirs + QT_ARRAY_LEN(bases); b++) {
        const char *base = b < (size_t)s->nscandirs ? s->scandirs[b] : bases[b - (size_t)s->nscandirs];
        char why[160];
        int dup = 0;
        DIR *d = NULL;
        struct dirent *de;
        long total = 0;
        int fd;

        for (int k = 0; b >= (size_t)s->nscandirs && k < s->nscandirs; k++)
            dup |= !strcmp(base, s->scandirs[k]);
        if (dup)
            continue;
        fd = qt_ctx_open(ctx, base, O_DIRECTORY, NULL, why, sizeof why);

        if (fd < 0 || !(d = fdopendir(fd))) {
            if (errno != ENOENT && errno != ENOTDIR)
                qt_buf_printf(&s->notes, "%s: %s\n", base, fd < 0 ? why : strerror(errno));
            if (fd >= 0)
                close(fd);
            continue;
        }
        /* at most QT_SERVERS_MAX_DIRS entries are read; the rest are only
         * counted (up to a bound) so the note can say how many are missing */
        while ((de = readdir(d)) && total < QT_SERVERS_COUNT_MAX) {
            char svc[600];
            if (de->d_name[0] == '.')
                continue;
            if (++total > QT_SERVERS_MAX_DIRS)
                continue;
            snprintf(svc, sizeof svc, "%s/%s", base, de->d_name);
            add_service(ctx, s, svc, de->d_name);
        }
        if (total > QT_SERVERS_MAX_DIRS)
            qt_buf_printf(&s->notes, "%s: %d of %s%ld entries shown (qtriage reads at most %d per directory)\n", base,
                          QT_SERVERS_MAX_DIRS, de ? "more than " : "", total, QT_SERVERS_MAX_DIRS);
        closedir(d);
    }
    if (s->not_evaluated)
        qt_buf_printf(&s->notes, "%d service directories listed without reading their run scripts: the budget of one sample "
                                 "(%d MiB of script text and expansions, %d substitutions) was spent\n",
                      s->not_evaluated, QT_SERVERS_SAMPLE_BYTES >> 20, QT_SERVERS_SAMPLE_SUBSTS);
}

/* Find the executable of program word prog (absolute, or along PATH) under the root. */
int qt_find_binary(const qt_ctx *ctx, const char *prog, const char *pathvar, char *out, size_t n)
{
    static const char *const dirs = "/usr/local/bin:/usr/bin:/bin:/command:/usr/local/sbin:/usr/sbin:/sbin:/package/host/superscript.com/command";
    struct stat sb;
    const char *list = pathvar && *pathvar ? pathvar : dirs;

    if (strchr(prog, '/')) {
        if (prog[0] != '/')
            return -1;
        snprintf(out, n, "%s", prog);
        return qt_ctx_stat(ctx, prog, &sb) == 0 && S_ISREG(sb.st_mode) ? 0 : -1;
    }
    while (*list) {
        size_t l = strcspn(list, ":");
        char cand[1024];
        if (l && l < 512) {
            snprintf(cand, sizeof cand, "%.*s/%s", (int)l, list, prog);
            if (qt_ctx_stat(ctx, cand, &sb) == 0 && S_ISREG(sb.st_mode)) {
                snprintf(out, n, "%s", cand);
                return 0;
            }
        }
        list += l;
        if (*list == ':')
            list++;
    }
    return -1;
}
