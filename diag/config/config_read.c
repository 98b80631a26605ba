/* config_read.c - reading the mail configuration under --root (config.h):
 * control files, ~alias, users/assign, vpopmail domains and their users.
 * Every file goes through qt_ctx_open (docs/security.md): symlinks stay in
 * the root, regular files only, QT_CONFIG_MAX_FILE bytes at most. */
#include "diag/config/config.h"
#include "diag/config/config_int.h"
#include "diag/config/qmailfile.h"
#include "diag/core/passwd.h"
#include "diag/core/rootfs.h"
#include "diag/core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DIR_ENTRIES 200000   /* entries of one directory looked at */

static double st_mtime_of(const struct stat *st)
{
    return (double)st->st_mtim.tv_sec + st->st_mtim.tv_nsec / 1e9;
}

/* Record the file at abs (as on the system); read its text unless secret. */
static struct qt_cfg_file *add_file(const qt_ctx *ctx, qt_config *cfg, enum qt_cfg_kind kind, const char *abs,
                                    const char *name, const char *owner, int secret)
{
    if (cfg->n >= QT_CONFIG_MAX_FILES) {
        cfg->capped = 1;
        return NULL;
    }
    qt_grow(&cfg->files, &cfg->cap, cfg->n + 1, sizeof *cfg->files);
    struct qt_cfg_file *f = &cfg->files[cfg->n++];
    memset(f, 0, sizeof *f);
    f->path = qt_strdup(abs);
    f->name = qt_strdup(name);
    f->owner = qt_strdup(owner ? owner : "");
    f->kind = kind;
    f->secret = secret;
    struct stat st;
    char why[128] = "";
    int fd = qt_ctx_open(ctx, abs, secret ? O_PATH : 0, &st, why, sizeof why);
    if (fd < 0) {
        if (errno == ENOENT) {
            f->present = 0;
        } else {
            f->present = -1;
            snprintf(f->why, sizeof f->why, "%s", why[0] ? why : strerror(errno));
        }
        return f;
    }
    f->mode = st.st_mode;
    f->mtime = st_mtime_of(&st);
    if (secret) {
        close(fd);
        f->present = S_ISREG(st.st_mode) ? 1 : -1;
        if (f->present < 0)
            snprintf(f->why, sizeof f->why, "%s, not a regular file", qt_file_kind(st.st_mode));
        return f;
    }
    struct qt_fileinfo info = {0};
    char *text = NULL;
    long n = qt_read_fd_close(fd, NULL, QT_CONFIG_MAX_FILE, &text, &info);
    if (n < 0) {
        f->present = -1;
        snprintf(f->why, sizeof f->why, "%s", info.why);
        return f;
    }
    f->present = 1;
    f->text = text;
    f->len = (size_t)n;
    f->truncated = info.truncated;
    return f;
}

static double mtime_of(const qt_ctx *ctx, const char *abs)
{
    struct stat st;
    return qt_ctx_stat(ctx, abs, &st) == 0 ? st_mtime_of(&st) : 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in directory abs (sorted, each malloc'd), filtered by keep. */
/* The names in the directory open on fd that keep() accepts, sorted;
 * closes fd. */
static size_t list_fd(int fd, int (*keep)(const char *), char ***out)
{
    *out = NULL;
    if (fd < 0)
        return 0;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return 0;
    }
    size_t n = 0, cap = 0, seen = 0;
    struct dirent *e;
    while ((e = readdir(d)) && seen++ < MAX_DIR_ENTRIES) {
        if (!keep(e->d_name))
            continue;
        qt_grow(out, &cap, n + 1, sizeof **out);
        (*out)[n++] = qt_strdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(*out, n, sizeof **out, cmp_name);  /* stable output for tests and screens */
    return n;
}

static size_t list_dir(const qt_ctx *ctx, const char *abs, int (*keep)(const char *), char ***out)
{
    return list_fd(qt_ctx_open(ctx, abs, O_DIRECTORY, NULL, NULL, 0), keep, out);
}

/* The entry name (one component, from a listing of dfd, itself opened
 * inside the root) of a directory: O_NOFOLLOW refuses a symlink, so the
 * listing cannot leave the root; one openat instead of a walk from the
 * root per user (the 100k-user budget, bench/config_tree.sh). */
static size_t list_entry(int dfd, const char *name, int (*keep)(const char *), char ***out)
{
    return list_fd(openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), keep, out);
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int is_dotqmail(const char *n) { return strncmp(n, ".qmail-", 7) == 0 && n[7]; }
static int is_home_dotqmail(const char *n) { return strcmp(n, ".qmail") == 0 || is_dotqmail(n); }
static int is_user_dir(const char *n) { return n[0] != '.' && strcmp(n, "Maildir") != 0; }

static void read_controls(const qt_ctx *ctx, qt_config *cfg)
{
    size_t nd;
    const struct qt_control_def *d = qt_control_defs(&nd);
    char rel[128], abs[512];
    for (size_t i = 0; i < nd; i++) {
        snprintf(rel, sizeof rel, "control/%s", d[i].name);
        struct qt_cfg_file *f = NULL;
        if (qt_ctx_qmail(ctx, rel, abs, sizeof abs))
            f = add_file(ctx, cfg, QT_CFG_CONTROL, abs, d[i].name, "", d[i].secret);
        if (f && f->present == 1 && strcmp(d[i].name, "servercert.pem") == 0)
            qt_config_read_cert(ctx, cfg, abs);
    }
    if (qt_ctx_qmail(ctx, "control/morercpthosts.cdb", abs, sizeof abs))
        cfg->mrh_cdb_mtime = mtime_of(ctx, abs);
    if (qt_ctx_qmail(ctx, "users/cdb", abs, sizeof abs))
        cfg->assign_cdb_mtime = mtime_of(ctx, abs);
}

/* ~alias (INSTALL.alias): the standard aliases are recorded even when missing. */
static void read_aliases(const qt_ctx *ctx, qt_config *cfg)
{
    static const char *const std[] = {".qmail-postmaster", ".qmail-mailer-daemon", ".qmail-root"};
    char home[256], abs[512];
    unsigned uid, gid;
    if (!qt_passwd_lookup(ctx, "alias", &uid, &gid, home, sizeof home) &&
        !qt_ctx_qmail(ctx, "alias", home, sizeof home))
        return;
    char **names;
    size_t n = list_dir(ctx, home, is_dotqmail, &names);
    for (size_t i = 0; i < sizeof std / sizeof std[0]; i++) {
        snprintf(abs, sizeof abs, "%s/%s", home, std[i]);
        add_file(ctx, cfg, QT_CFG_ALIAS, abs, std[i], "alias", 0);
    }
    for (size_t i = 0; i < n; i++) {
        int dup = 0;
        for (size_t j = 0; j < sizeof std / sizeof std[0]; j++)
            dup |= strcmp(names[i], std[j]) == 0;
        snprintf(abs, sizeof abs, "%s/%s", home, names[i]);
        if (!dup)
            add_file(ctx, cfg, QT_CFG_ALIAS, abs, names[i], "alias", 0);
    }
    free_list(names, n);
}

/* A vpopmail user directory: its .qmail, read by vdelivermail; with
 * vpopmail built --enable-qmail-ext also its .qmail-EXT files (vdelivermail.c
 * check_forward_deliver: .qmail-EXT, then .qmail-...-default, then .qmail),
 * which costs a directory read per user instead of a stat. */
static void read_user(const qt_ctx *ctx, qt_config *cfg, int dfd, const char *udir, const char *user,
                      const char *domain)
{
    char abs[1024], owner[512];
    snprintf(abs, sizeof abs, "%s/.qmail", udir);
    snprintf(owner, sizeof owner, "%s@%s", user, domain);
    if (cfg->vpop_qmail_ext != 1) {
        struct stat st;
        if (qt_ctx_stat(ctx, abs, &st) == 0)
            add_file(ctx, cfg, QT_CFG_VUSER, abs, user, owner, 0);
        return;  /* no .qmail: vdelivermail delivers to USER/Maildir/ */
    }
    /* one listing instead of the stat: .qmail and .qmail-* */
    char **names;
    size_t n = dfd >= 0 ? list_entry(dfd, user, is_home_dotqmail, &names) : list_dir(ctx, udir, is_home_dotqmail, &names);
    for (size_t i = 0; i < n && !cfg->capped; i++) {
        snprintf(abs, sizeof abs, "%s/%s", udir, names[i]);
        add_file(ctx, cfg, QT_CFG_VUSER, abs, strcmp(names[i], ".qmail") == 0 ? user : names[i], owner, 0);
    }
    free_list(names, n);
}

/* Whether vpopmail was built with --enable-qmail-ext: its configure
 * defines QMAIL_EXT in config.h, installed as
 * ~vpopmail/include/vpopmail_config.h (vpopmail Makefile.am). */
static int vpop_qmail_ext(const qt_ctx *ctx, const char *home)
{
    char abs[512], *text = NULL;
    snprintf(abs, sizeof abs, "%s/include/vpopmail_config.h", home);
    long n = qt_ctx_read(ctx, abs, 1 << 20, &text, NULL);
    if (n < 0)
        return -1;
    int on = 0;
    for (char *p = text; (p = strstr(p, "#define QMAIL_EXT")) != NULL; p++)
        if (p[17] == ' ' || p[17] == '\t')
            on = 1;
    free(text);
    return on;
}

/* A vpopmail domain directory: .qmail-* files and user directories, with
 * the hashed layout of big domains (one-character subdirectories, vpopmail
 * bigdir.c) one level down. */
static void read_domain(const qt_ctx *ctx, qt_config *cfg, const char *dir, const char *domain)
{
    char abs[1024];
    char **names;
    size_t n = list_dir(ctx, dir, is_dotqmail, &names);
    for (size_t i = 0; i < n; i++) {
        snprintf(abs, sizeof abs, "%s/%s", dir, names[i]);
        add_file(ctx, cfg, QT_CFG_DOMAIN, abs, names[i], domain, 0);
    }
    free_list(names, n);
    n = list_dir(ctx, dir, is_user_dir, &names);
    int dfd = cfg->vpop_qmail_ext == 1 ? qt_ctx_open(ctx, dir, O_DIRECTORY, NULL, NULL, 0) : -1;
    for (size_t i = 0; i < n && !cfg->capped; i++) {
        snprintf(abs, sizeof abs, "%s/%s", dir, names[i]);
        char md[1100];
        snprintf(md, sizeof md, "%s/Maildir", abs);
        struct stat st;
        if (strlen(names[i]) == 1 && qt_ctx_stat(ctx, md, &st) != 0) {
            char **sub;
            size_t m = list_dir(ctx, abs, is_user_dir, &sub);
            for (size_t j = 0; j < m && !cfg->capped; j++) {
                char ud[1100];
                snprintf(ud, sizeof ud, "%s/%s", abs, sub[j]);
                read_user(ctx, cfg, -1, ud, sub[j], domain);
            }
            free_list(sub, m);
        } else {
            read_user(ctx, cfg, dfd, abs, names[i], domain);
        }
    }
    if (dfd >= 0)
        close(dfd);
    free_list(names, n);
}

/* users/assign (qmail-users(5)): "+LOCAL-:USER:UID:GID:DIR:DASH:EXT:" lines;
 * vpopmail writes one per domain, DIR its domain directory (vpopmail.c
 * add_domain_assign). Domains found here are read; without the file,
 * ~vpopmail/domains/ is listed. */
static void read_vpopmail(const qt_ctx *ctx, qt_config *cfg)
{
    char abs[512], home[256];
    unsigned uid, gid;
    if (qt_passwd_lookup(ctx, "vpopmail", &uid, &gid, home, sizeof home))
        snprintf(cfg->vpopmail_home, sizeof cfg->vpopmail_home, "%s", home);
    cfg->vpop_qmail_ext = cfg->vpopmail_home[0] ? vpop_qmail_ext(ctx, cfg->vpopmail_home) : -1;
    int nd = 0;
    if (qt_ctx_qmail(ctx, "users/assign", abs, sizeof abs)) {
        struct qt_cfg_file *a = add_file(ctx, cfg, QT_CFG_ASSIGN, abs, "assign", "", 0);
        const char *s = a && a->text ? a->text : NULL;
        while (s && *s && !cfg->capped) {
            const char *nl = strchr(s, '\n');
            size_t l = nl ? (size_t)(nl - s) : strlen(s);
            char line[1024];
            snprintf(line, sizeof line, "%.*s", (int)(l < sizeof line ? l : sizeof line - 1), s);
            s += l + (nl ? 1 : 0);
            char *fld[8] = {0};
            int k = 0;
            for (char *p = line, *c; k < 8 && (c = strsep(&p, ":"));)
                fld[k++] = c;
            if (k < 5 || line[0] != '+' || fld[4][0] != '/')
                continue;
            int vp = strstr(fld[4], "/domains/") != NULL ||
                     (cfg->vpopmail_home[0] && strncmp(fld[4], cfg->vpopmail_home, strlen(cfg->vpopmail_home)) == 0);
            if (!vp)
                continue;
            read_domain(ctx, cfg, fld[4], fld[1]);
            nd++;
        }
    }
    if (nd == 0 && cfg->vpopmail_home[0]) {
        char dom[512];
        snprintf(dom, sizeof dom, "%s/domains", cfg->vpopmail_home);
        char **names;
        size_t n = list_dir(ctx, dom, is_user_dir, &names);
        for (size_t i = 0; i < n && !cfg->capped; i++) {
            char dd[1024];
            snprintf(dd, sizeof dd, "%s/%s", dom, names[i]);
            read_domain(ctx, cfg, dd, names[i]);
        }
        free_list(names, n);
    }
}

/* System users' ~/.qmail (qmail-local, dot-qmail(5)): every account of
 * <root>/etc/passwd but root (qmail-getpw refuses uid 0: "root never
 * receives mail", INSTALL.alias), qmail's alias user (read above) and
 * vpopmail (its domains are read from users/assign). */
#define MAX_PASSWD_USERS 5000

struct homes {
    const qt_ctx *ctx;
    qt_config *cfg;
    int users;
};

static int read_home(char *const f[7], int n, void *arg)
{
    struct homes *h = arg;
    unsigned long uid;
    char abs[1024], **names;
    size_t nn;

    if (h->users >= MAX_PASSWD_USERS || h->cfg->capped)
        return 1;
    if (n < 6 || qt_parse_ulong(f[2], &uid) != 0 || uid == 0 || f[5][0] != '/' || strcmp(f[5], "/") == 0 ||
        strcmp(f[0], "alias") == 0 || strcmp(f[0], "vpopmail") == 0)
        return 0;
    h->users++;
    /* ~/.qmail for USER, ~/.qmail-EXT for USER-EXT (dot-qmail(5)) */
    nn = list_dir(h->ctx, f[5], is_home_dotqmail, &names);
    for (size_t i = 0; i < nn && !h->cfg->capped; i++) {
        snprintf(abs, sizeof abs, "%s/%s", f[5], names[i]);
        add_file(h->ctx, h->cfg, QT_CFG_HOME, abs, names[i], f[0], 0);
    }
    free_list(names, nn);
    return 0;
}

static void read_homes(const qt_ctx *ctx, qt_config *cfg)
{
    struct homes h = {.ctx = ctx, .cfg = cfg};
    qt_passwd_each(ctx, read_home, &h);
}

/* What <root>/bin/sh is (qmail-command(8) runs '|' lines with /bin/sh -c):
 * the name its symlinks end in ("dash" on Debian, "bash" on CentOS). */
static void read_binsh(const qt_ctx *ctx, qt_config *cfg)
{
    char real[512];
    struct stat st;
    if (qt_ctx_stat(ctx, "/bin/sh", &st) != 0 || !qt_rooted_realpath(ctx, "/bin/sh", real, sizeof real))
        return;
    const char *b = strrchr(real, '/');
    b = b ? b + 1 : real;
    if (strcmp(b, "sh") != 0)
        snprintf(cfg->binsh, sizeof cfg->binsh, "%.63s", b);
}

void qt_config_add_rules(const qt_ctx *ctx, qt_config *cfg, const char *path)
{
    add_file(ctx, cfg, QT_CFG_RULES, path, "tcp.smtp", "", 0);
}

void qt_config_read(const qt_ctx *ctx, qt_config *cfg)
{
    snprintf(cfg->prefix, sizeof cfg->prefix, "%s", qt_ctx_qmail_dir(ctx));
    cfg->read_at = qt_ctx_now(ctx);
    char ctl[512];
    struct stat st;
    cfg->installed = qt_ctx_qmail(ctx, "control", ctl, sizeof ctl) && qt_ctx_stat(ctx, ctl, &st) == 0 &&
                     S_ISDIR(st.st_mode);
    if (!cfg->installed)
        return;  /* no qmail here: nothing to audit (and no open relay to report) */
    read_controls(ctx, cfg);
    read_aliases(ctx, cfg);
    read_vpopmail(ctx, cfg);
    read_homes(ctx, cfg);
    read_binsh(ctx, cfg);
}

void qt_config_free(qt_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n; i++) {
        free(cfg->files[i].path);
        free(cfg->files[i].name);
        free(cfg->files[i].owner);
        free(cfg->files[i].text);
    }
    free(cfg->files);
    memset(cfg, 0, sizeof *cfg);
}

const struct qt_cfg_file *qt_config_find(const qt_config *cfg, enum qt_cfg_kind kind, const char *name)
{
    for (size_t i = 0; cfg && i < cfg->n; i++)
        if (cfg->files[i].kind == kind && strcmp(cfg->files[i].name, name) == 0)
            return &cfg->files[i];
    return NULL;
}

const struct qt_cfg_file *qt_config_by_path(const qt_config *cfg, const char *path)
{
    for (size_t i = 0; cfg && path && i < cfg->n; i++)
        if (strcmp(cfg->files[i].path, path) == 0)
            return &cfg->files[i];
    return NULL;
}

const char *qt_cfg_kind_name(enum qt_cfg_kind k)
{
    static const char *const names[] = {"control", "alias", "assign", "domain", "user", "rules", "home"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}
