/* tree_fixture.c - the shared harness of tree_fixture.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tree_fixture.h"

void qt_fx_sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof cmd);
    assert_int_equal(system(cmd), 0);
}

void qt_fx_put(const char *root, const char *rel, const char *fmt, ...)
{
    char path[512], dir[512];
    va_list ap;
    FILE *f;

    assert_true((size_t)snprintf(path, sizeof path, "%s/%s", root, rel) < sizeof path);
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    mkdir(dir, 0755);
    assert_non_null(f = fopen(path, "w"));
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    assert_int_equal(fclose(f), 0);
}

void qt_fx_tree(char *root, size_t rootlen, const char *tag, qt_ctx *ctx, int own_proc)
{
    static char proc[300];
    assert_true((size_t)snprintf(root, rootlen, "/tmp/qt-%s.XXXXXX", tag) < rootlen);
    assert_non_null(mkdtemp(root));
    qt_ctx_defaults(ctx);
    ctx->root = root;
    if (own_proc) {
        snprintf(proc, sizeof proc, "%s/proc", root);
        qt_fx_sh("mkdir -p %s", proc);
        ctx->proc = proc;
    }
}

void qt_fx_tree_remove(const char *root)
{
    if (root[0])
        qt_fx_sh("rm -rf %s", root);
}

const qt_finding *qt_fx_finding_prefix(const qt_findings *fs, const char *prefix)
{
    for (size_t i = 0; i < fs->n; i++)
        if (strncmp(fs->v[i].id, prefix, strlen(prefix)) == 0)
            return &fs->v[i];
    return NULL;
}
