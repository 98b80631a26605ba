/* config_fixture.c - see config_fixture.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_fixture.h"

char cfx_root[256];

static void mkdirs(const char *path)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(tmp, 0755);
            *p = '/';
        }
    mkdir(tmp, 0755);
}

void cfx_put(const char *rel, const char *text, mode_t mode)
{
    char p[1024], d[1024];
    snprintf(p, sizeof p, "%s/%s", cfx_root, rel);
    snprintf(d, sizeof d, "%s", p);
    *strrchr(d, '/') = 0;
    mkdirs(d);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(p, mode);
}

void cfx_rm(const char *rel)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", cfx_root, rel);
    unlink(p);
}

int cfx_setup(void **st)
{
    (void)st;
    snprintf(cfx_root, sizeof cfx_root, "/tmp/qt-cfgfx-XXXXXX");
    assert_non_null(mkdtemp(cfx_root));
    cfx_put("var/qmail/control/me", "mail.example.com\n", 0644);
    cfx_put("var/qmail/control/locals", "mail.example.com\nlocalhost\n", 0644);
    cfx_put("var/qmail/control/rcpthosts", "mail.example.com\nexample.com\n", 0644);
    cfx_put("var/qmail/control/virtualdomains", "example.com:example.com\n", 0644);
    cfx_put("var/qmail/alias/.qmail-postmaster", "&admin@example.com\n", 0644);
    cfx_put("var/qmail/alias/.qmail-mailer-daemon", "&postmaster\n", 0644);
    cfx_put("var/qmail/alias/.qmail-root", "&postmaster\n", 0644);
    cfx_put("var/qmail/users/assign", "+example.com-:example.com:89:89:/home/vpopmail/domains/example.com:-::\n.\n",
            0644);
    cfx_put("var/qmail/users/cdb", "", 0644);
    cfx_put("home/vpopmail/domains/example.com/.qmail-default", "| /home/vpopmail/bin/vdelivermail '' delete\n",
            0600);
    return 0;
}

int cfx_teardown(void **st)
{
    (void)st;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", cfx_root);
    assert_int_equal(system(cmd), 0);
    return 0;
}

qt_ctx cfx_ctx(void)
{
    qt_ctx c;
    qt_ctx_defaults(&c);
    c.root = cfx_root;
    return c;
}

void cfx_audit(qt_findings *fs, qt_config *cfg, qt_snapshot *snap)
{
    qt_ctx c = cfx_ctx();
    memset(fs, 0, sizeof *fs);
    memset(cfg, 0, sizeof *cfg);
    qt_config_read(&c, cfg);
    if (snap)
        snap->config = cfg;
    qt_config_check(&c, cfg, snap, fs);
}

void cfx_done(qt_findings *fs, qt_config *cfg)
{
    qt_findings_free(fs);
    qt_config_free(cfg);
}
