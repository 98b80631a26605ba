/* servers_find.c - the file-system half of server discovery: service
 * directories under --root (symlinks resolved inside the root), run
 * scripts, log/run, supervise/status, control files, /etc/services, and the
 * binary of a front end. The process half is in servers.c. */
#include "servers.h"
#include "servers_int.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Canonical absolute path of abs, with every symlink resolved inside the
 * root (an absolute link target is taken under the root too, as it would
 * be on the real machine). Returns out, or NULL. */
char *qt_rooted_realpath(const qt_ctx *ctx, const char *abs, char *out, size_t n)
{
    char todo[4096], done[4096] = "";
    int links = 0;

    if (snprintf(todo, sizeof todo, "%s", abs) >= (int)sizeof todo)
        return NULL;
    for (char *p = todo; *p;) {
        char comp[256], cand[4096], real[4096], target[4096];
        size_t cl;
        struct stat sb;
        ssize_t tl;

        while (*p == '/')
            p++;
        if (!*p)
            break;
        cl = strcspn(p, "/");
        if (cl >= sizeof comp)
            return NULL;
        memcpy(comp, p, cl);
        comp[cl] = '\0';
        p += cl;
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            char *s = strrchr(done, '/');
            if (s)
                *s = '\0';
            continue;
        }
        if (snprintf(cand, sizeof cand, "%s/%s", done, comp) >= (int)sizeof cand)
            return NULL;
        if (!qt_ctx_path(ctx, cand, real, sizeof real))
            return NULL;
        if (lstat(real, &sb) == 0 && S_ISLNK(sb.st_mode)) {
            char rest[4096];
            if (++links > 40)
                return NULL;
            tl = readlink(real, target, sizeof target - 1);
            if (tl < 0)
                return NULL;
            target[tl] = '\0';
            if (snprintf(rest, sizeof rest, "%s", p) >= (int)sizeof rest)
                return NULL;
            if (target[0] == '/') {
                done[0] = '\0';
                if (snprintf(todo, sizeof todo, "%s%s", target, rest) >= (int)sizeof todo)
                    return NULL;
            } else {
                if (snprintf(todo, sizeof todo, "%s/%s%s", done, target, rest) >= (int)sizeof todo)
                    return NULL;
                done[0] = '\0';
            }
            p = todo;
            continue;
        }
        memcpy(done, cand, strlen(cand) + 1);
    }
    if (snprintf(out, n, "%s", done[0] ? done : "/") >= (int)n)
        return NULL;
    return out;
}

/* Map a real path on this machine (e.g. a supervise process's cwd) back to
 * a path under the root. NULL if it lies outside the root. */
char *qt_unroot(const qt_ctx *ctx, const char *real, char *out, size_t n)
{
    char root[PATH_MAX];
    size_t rl;

    if (!ctx->root || strcmp(ctx->root, "/") == 0) {
        snprintf(out, n, "%s", real);
        return out;
    }
    if (!realpath(ctx->root, root))
        return NULL;
    rl = strlen(root);
    if (strncmp(real, root, rl) != 0 || (real[rl] != '/' && real[rl] != '\0'))
        return NULL;
    snprintf(out, n, "%s", real[rl] ? real + rl : "/");
    return out;
}

long qt_read_rooted(const qt_ctx *ctx, const char *abs, size_t max, char **out)
{
    char path[4096];
    struct stat sb;
    *out = NULL;
    if (!qt_ctx_path(ctx, abs, path, sizeof path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (stat(path, &sb) != 0)
        return -1;
    if (!S_ISREG(sb.st_mode)) { /* a FIFO (supervise/control) would block */
        errno = EINVAL;
        return -1;
    }
    return qt_read_file(path, max, out);
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
    if (qt_read_rooted(ctx, "/etc/services", 1 << 20, &text) >= 0) {
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
    if (!port && strcmp(word, "ssmtp") == 0)
        port = 465;
    return port;
}

/* The directory multilog (or svlogd, s6-log) writes to, from log/run. */
static void find_logdir(const qt_ctx *ctx, struct qt_server *sv)
{
    char path[1100];
    qt_runscript rs;

    snprintf(path, sizeof path, "%s/log/run", sv->realdir);
    if (qt_runscript_read(ctx, path, sv->realdir, &rs, NULL) == 0) {
        for (int i = 0; i < rs.argc; i++) {
            const char *b = qt_basename(rs.argv[i]);
            if (strcmp(b, "multilog") == 0 || strcmp(b, "svlogd") == 0 || strcmp(b, "s6-log") == 0) {
                for (int k = rs.argc - 1; k > i; k--)
                    if ((rs.argv[k][0] == '/' || rs.argv[k][0] == '.') && !rs.unresolved[k]) {
                        const char *a = rs.argv[k];
                        char *t;
                        while (a[0] == '.' && a[1] == '/')
                            a += 2;
                        t = a[0] == '/' ? qt_strdup(a) : qt_asprintf("%s/log/%s", sv->realdir, a);
                        qt_copy(sv->logdir, sizeof sv->logdir, t);
                        free(t);
                        break;
                    }
                break;
            }
        }
    }
    qt_runscript_free(&rs);
}

static int mentions_front_end(const char *text)
{
    return text && (strstr(text, "tcpserver") || strstr(text, "sslserver") || strstr(text, "s6-tlsserver"));
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

static void add_service(const qt_ctx *ctx, qt_servers *s, const char *svcdir, const char *name)
{
    char realdir[512], run[600], path[700], *text = NULL;
    struct qt_server *sv;
    qt_runscript rs;
    int rc;
    long n;

    if (!qt_rooted_realpath(ctx, svcdir, realdir, sizeof realdir) || known_dir(s, realdir))
        return;
    snprintf(run, sizeof run, "%s/run", realdir);
    rc = qt_runscript_read(ctx, run, realdir, &rs, &text);
    if (!text) {               /* no run script: not a service */
        qt_runscript_free(&rs);
        return;
    }
    if (rc == 0) {
        qt_cmd probe;
        qt_cmd_parse(&probe, rs.argc, rs.argv, rs.unresolved, QT_VAR_UNKNOWN);
        rc = probe.status == QT_CMD_NO_SERVER || probe.status == QT_CMD_EMPTY ? 1 : 0;
        qt_cmd_free(&probe);
    }
    if (rc != 0 && !mentions_front_end(text)) {   /* qmail-send, log services, anything else */
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
    find_logdir(ctx, sv);
    snprintf(path, sizeof path, "%s/supervise/status", realdir);
    {
        char *b = NULL;
        n = qt_read_rooted(ctx, path, 64, &b);
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
    for (size_t b = 0; b < QT_ARRAY_LEN(bases); b++) {
        char path[4096];
        DIR *d;
        struct dirent *de;
        int count = 0;

        if (!qt_ctx_path(ctx, bases[b], path, sizeof path) || !(d = opendir(path))) {
            if (errno != ENOENT && errno != ENOTDIR)
                qt_buf_printf(&s->notes, "%s: %s\n", bases[b], strerror(errno));
            continue;
        }
        while ((de = readdir(d)) && count < 512) {
            char svc[600];
            if (de->d_name[0] == '.')
                continue;
            count++;
            snprintf(svc, sizeof svc, "%s/%s", bases[b], de->d_name);
            add_service(ctx, s, svc, de->d_name);
        }
        closedir(d);
    }
}

/* Find the executable of program word prog (absolute, or along PATH) under the root. */
int qt_find_binary(const qt_ctx *ctx, const char *prog, const char *pathvar, char *out, size_t n)
{
    static const char *const dirs = "/usr/local/bin:/usr/bin:/bin:/command:/usr/local/sbin:/usr/sbin:/sbin:/package/host/superscript.com/command";
    char path[4096];
    struct stat sb;
    const char *list = pathvar && *pathvar ? pathvar : dirs;

    if (strchr(prog, '/')) {
        if (prog[0] != '/')
            return -1;
        snprintf(out, n, "%s", prog);
        return qt_ctx_path(ctx, prog, path, sizeof path) && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? 0 : -1;
    }
    while (*list) {
        size_t l = strcspn(list, ":");
        char cand[1024];
        if (l && l < 512) {
            snprintf(cand, sizeof cand, "%.*s/%s", (int)l, list, prog);
            if (qt_ctx_path(ctx, cand, path, sizeof path) && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
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
