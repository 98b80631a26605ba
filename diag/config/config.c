/* config.c - the config collector (config.h): reads the configuration at
 * start, when a watched mtime changes, and after qt_config_reread(); the
 * model is shared (reference-counted) between the samples that did not
 * re-read it. */
#include "diag/config/config.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/servers/servers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int want_reread;

void qt_config_reread(void) { want_reread = 1; }

struct watch {
    char *path;
    double mtime;   /* 0: missing */
};

struct state {
    qt_config *cfg;
    struct watch *w;
    size_t nw, cap;
    char prefix[256];
};

static double mtime_now(const qt_ctx *ctx, const char *abs)
{
    struct stat st;
    return qt_ctx_stat(ctx, abs, &st) == 0 ? (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9 : 0;
}

static void watch_add(const qt_ctx *ctx, struct state *s, const char *path)
{
    for (size_t i = 0; i < s->nw; i++)
        if (strcmp(s->w[i].path, path) == 0)
            return;
    qt_grow(&s->w, &s->cap, s->nw + 1, sizeof *s->w);
    s->w[s->nw].path = qt_strdup(path);
    s->w[s->nw++].mtime = mtime_now(ctx, path);
}

static void watch_free(struct state *s)
{
    for (size_t i = 0; i < s->nw; i++)
        free(s->w[i].path);
    free(s->w);
    s->w = NULL;
    s->nw = s->cap = 0;
}

/* Every file but a vpopmail user's .qmail, and the directory of every file
 * (a user's directory changes when its .qmail is replaced by an editor). */
static void watch_build(const qt_ctx *ctx, struct state *s)
{
    watch_free(s);
    char dir[1024];
    for (size_t i = 0; i < s->cfg->n; i++) {
        const struct qt_cfg_file *f = &s->cfg->files[i];
        if (f->kind != QT_CFG_VUSER)
            watch_add(ctx, s, f->path);
        snprintf(dir, sizeof dir, "%s", f->path);
        char *sl = strrchr(dir, '/');
        if (sl && sl != dir) {
            *sl = 0;
            watch_add(ctx, s, dir);
        }
    }
    for (size_t i = 0; i < s->cfg->nserved; i++)
        watch_add(ctx, s, s->cfg->served[i].path);
}

static int watch_changed(const qt_ctx *ctx, const struct state *s)
{
    for (size_t i = 0; i < s->nw; i++)
        if (mtime_now(ctx, s->w[i].path) != s->w[i].mtime)
            return 1;
    return 0;
}

static void cfg_unref(qt_config *cfg)
{
    if (cfg && --cfg->refs == 0) {
        qt_config_free(cfg);
        free(cfg);
    }
}

/* The tcprules text of each running smtp (port 25) front end: the .cdb
 * path without ".cdb" (tcprules(1)'s convention). */
static void read_rules(const qt_ctx *ctx, qt_config *cfg, const qt_snapshot *snap);

static int collect(const qt_ctx *ctx, void **statep, qt_snapshot *snap, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    struct state *s = *statep;
    if (!s)
        *statep = s = qt_calloc(1, sizeof *s);
    /* a front end that now serves another certificate file: read again */
    int again = !s->cfg || want_reread || strcmp(s->prefix, qt_ctx_qmail_dir(ctx)) != 0 || watch_changed(ctx, s) ||
                !qt_config_served_same(s->cfg, snap->servers);
    if (again) {
        want_reread = 0;
        cfg_unref(s->cfg);
        s->cfg = qt_calloc(1, sizeof *s->cfg);
        s->cfg->refs = 1;
        qt_config_read(ctx, s->cfg);
        read_rules(ctx, s->cfg, snap);
        qt_config_read_served(ctx, s->cfg, snap->servers);
        snprintf(s->prefix, sizeof s->prefix, "%s", qt_ctx_qmail_dir(ctx));
        watch_build(ctx, s);
    }
    s->cfg->refs++;
    snap->config = s->cfg;
    return 0;
}

static void read_rules(const qt_ctx *ctx, qt_config *cfg, const qt_snapshot *snap)
{
    for (size_t i = 0; snap->servers && i < snap->servers->n; i++) {
        const struct qt_server *sv = &snap->servers->v[i];
        size_t l = strlen(sv->rules);
        if (sv->port != 25 || l < 5 || strcmp(sv->rules + l - 4, ".cdb") != 0)
            continue;
        char text[512];
        snprintf(text, sizeof text, "%.*s", (int)(l - 4), sv->rules);
        if (!qt_config_by_path(cfg, text))
            qt_config_add_rules(ctx, cfg, text);
    }
}

static void analyse(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out)
{
    (void)hist;
    qt_config_check(ctx, snap->config, snap, out);
}

static void free_model(qt_snapshot *snap)
{
    cfg_unref(snap->config);
    snap->config = NULL;
}

static void free_state(void *p)
{
    struct state *s = p;
    cfg_unref(s->cfg);
    watch_free(s);
    free(s);
}

const qt_collector qt_collector_config = {
    .id = QT_SRC_CONFIG,
    .name = "config",
    .collect = collect,
    .analyse = analyse,
    .free_model = free_model,
    .free_state = free_state,
};
