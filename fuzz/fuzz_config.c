/* libFuzzer target: the mail configuration readers (issue 17, diag/config).
 * The first input byte picks what reads the rest:
 *
 *   0 .qmail, qmail-local's rules      qt_dotqmail_parse(QT_DQ_QMAIL_LOCAL)
 *   1 .qmail, vdelivermail's rules     qt_dotqmail_parse(QT_DQ_VDELIVERMAIL)
 *   2 control file formats             qt_control_line / _int / _list
 *   3 a file in a fixture tree, then the whole reader and every check
 *     (qt_config_read + qt_config_check): the second byte picks the file
 *     (control/me, rcpthosts, doublebounceto, locals, virtualdomains,
 *     ~alias/.qmail-postmaster, users/assign, a domain's .qmail-default, a
 *     vpopmail user's .qmail, /etc/passwd, the TLS patch's
 *     tlsserverciphers, the SPF patch's spfbehavior, vpopmail's
 *     vpopmail_config.h, a user's .qmail-lists), so the real path runs: open
 *     under the root, size cap, parse, findings.
 *   4 the certificate a TLS front end serves (servers_cert.c,
 *     config_served.c): the second byte picks whether the rest is the
 *     stunnel configuration (its `cert =` line) or the PEM file it names;
 *     then the config reader with that front end and every check.
 *
 * Bounded: inputs are capped by libFuzzer's -max_len; the tree lives in a
 * private temporary directory (tmpfs when there is one). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/config/config.h"
#include "diag/config/qmailfile.h"
#include "diag/core/ctx.h"
#include "diag/core/util.h"
#include "diag/servers/servers.h"
#include "diag/servers/servers_int.h"

static char top[64];
static qt_ctx ctx;

static const char *const files[] = {
    "var/qmail/control/me",
    "var/qmail/control/rcpthosts",
    "var/qmail/control/doublebounceto",
    "var/qmail/control/locals",
    "var/qmail/control/virtualdomains",
    "var/qmail/alias/.qmail-postmaster",
    "var/qmail/users/assign",
    "home/vpopmail/domains/example.com/.qmail-default",
    "home/vpopmail/domains/example.com/alice/.qmail",
    "etc/passwd",
    "var/qmail/control/tlsserverciphers",
    "var/qmail/control/spfbehavior",
    "home/vpopmail/include/vpopmail_config.h",
    "home/vpopmail/domains/example.com/alice/.qmail-lists",
};
#define NFILES (sizeof files / sizeof files[0])

static void put(const char *rel, const void *data, size_t len)
{
    char p[512], d[512];
    snprintf(p, sizeof p, "%s/root/%s", top, rel);
    snprintf(d, sizeof d, "%s", p);
    for (char *s = d + strlen(top) + 1; (s = strchr(s, '/')); s++) {
        *s = 0;
        mkdir(d, 0755);
        *s = '/';
    }
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        abort();
    if (len && write(fd, data, len) != (ssize_t)len)
        abort();
    close(fd);
}

static void base(void)
{
    static const char *const text[] = {
        "mail.example.com\n", "mail.example.com\nexample.com\n", "postmaster\n", "mail.example.com\n",
        "example.com:example.com\n", "&admin@example.org\n",
        "+example.com-:example.com:89:89:/home/vpopmail/domains/example.com:-::\n.\n",
        "| /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox\n", "./Maildir/\n&a@remote.example\n",
        "root:x:0:0:root:/root:/bin/sh\nvpopmail:x:89:89::/home/vpopmail:/bin/false\n",
        "HIGH:!aNULL:RC4\n", "0\n", "#define QMAIL_EXT 1\n", "&b@remote.example\n",
    };
    _Static_assert(sizeof text / sizeof text[0] == NFILES, "one text per file");
    for (size_t i = 0; i < NFILES; i++)
        put(files[i], text[i], strlen(text[i]));
}

static void rm_tree(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    if (system(cmd) != 0)
        return;
}

static void init(void)
{
    snprintf(top, sizeof top, "%s", "/dev/shm/qtriage-fuzz-config.XXXXXX");
    if (!mkdtemp(top)) {
        snprintf(top, sizeof top, "%s", "/tmp/qtriage-fuzz-config.XXXXXX");
        if (!mkdtemp(top))
            abort();
    }
    atexit(rm_tree);
    qt_ctx_defaults(&ctx);
    static char root[96];
    snprintf(root, sizeof root, "%s/root", top);
    ctx.root = root;
    ctx.proc = "/nonexistent-proc";
}

static void dotqmail(const char *d, size_t n, enum qt_dq_dialect dia)
{
    qt_dotqmail dq;
    qt_dotqmail_parse(d, n, dia, &dq);
    size_t files_seen = 0;
    for (size_t i = 0; i < dq.n; i++) {
        if (!dq.v[i].arg || dq.v[i].no < 1)
            abort();
        files_seen += dq.v[i].kind == QT_DQ_MAILDIR || dq.v[i].kind == QT_DQ_MBOX;
        qt_dq_addr_domain(dq.v[i].arg);
    }
    if (files_seen != (size_t)dq.files)
        abort();
    qt_dotqmail_free(&dq);
}

static void control(const char *d, size_t n)
{
    char *l = qt_control_line(d, n);
    if (strchr(l, '\n'))
        abort();  /* the first line only */
    free(l);
    unsigned long u;
    qt_control_int(d, n, &u);
    char **v;
    int *no;
    size_t k = qt_control_list(d, n, &v, &no);
    for (size_t i = 0; i < k; i++)
        if (!v[i][0] || v[i][0] == '#')
            abort();  /* empty and comment lines are skipped */
    qt_control_list_free(v, no, k);
}

static void tree(const uint8_t *d, size_t n)
{
    if (n == 0)
        return;
    base();
    put(files[d[0] % NFILES], d + 1, n - 1);
    qt_config cfg = {0};
    qt_findings fs = {0};
    qt_config_read(&ctx, &cfg);
    qt_config_check(&ctx, &cfg, NULL, &fs);
    qt_findings_free(&fs);
    qt_config_free(&cfg);
}

/* A tcpserver + stunnel front end reading etc/stunnel/s.conf; d[0] odd:
 * the rest is the PEM the configuration names, even: the configuration. */
static void served(const uint8_t *d, size_t n)
{
    static const char *const conf = "etc/stunnel/s.conf", *pem = "etc/ssl/s.pem";
    static const char *const argv[] = {"tcpserver", "0", "465", "/usr/bin/stunnel4", "/etc/stunnel/s.conf", NULL};
    if (n == 0)
        return;
    base();
    if (d[0] & 1) {
        put(conf, "cert = /etc/ssl/s.pem\n", 22);
        put(pem, d + 1, n - 1);
    } else {
        put(conf, d + 1, n - 1);
        put(pem, "not a certificate\n", 18);
    }
    qt_servers s;
    if (qt_servers_explain(&ctx, 5, (char *const *)argv, QT_VAR_UNKNOWN, &s) != 0)
        abort();
    qt_servers_certfile(&ctx, &s.v[0]);
    if (strlen(s.v[0].certfile) >= sizeof s.v[0].certfile)
        abort();
    qt_config cfg = {0};
    qt_findings fs = {0};
    qt_config_read(&ctx, &cfg);
    qt_config_read_served(&ctx, &cfg, &s);
    if (!qt_config_served_same(&cfg, &s))
        abort();   /* what was just read is what the servers model serves */
    qt_config_check(&ctx, &cfg, NULL, &fs);
    qt_findings_free(&fs);
    qt_config_free(&cfg);
    qt_servers_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!top[0])
        init();
    if (size == 0)
        return 0;
    const char *d = (const char *)data + 1;
    size_t n = size - 1;
    switch (data[0] % 5) {
    case 0: dotqmail(d, n, QT_DQ_QMAIL_LOCAL); break;
    case 1: dotqmail(d, n, QT_DQ_VDELIVERMAIL); break;
    case 2: control(d, n); break;
    case 3: tree(data + 1, n); break;
    case 4: served(data + 1, n); break;
    }
    return 0;
}
