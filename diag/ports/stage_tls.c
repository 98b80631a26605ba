/* stage_tls.c - does a TLS front end start the program before or after its
 * handshake? See stage.h (enum qt_tls_order).
 *
 * fehcom ucspi-ssl 0.9x sslserver (src/sslserver.c, doit()) forks and execs
 * the program before the handshake unless -s makes the program's side wait
 * for the SSL environment, which the front end sends only after
 * ssl_timeoutaccept(); with -n (UCSPI-TLS, flagsslwait) the program talks
 * plaintext until it asks for TLS. SuperScript's sslserver 0.70
 * (src/sslserver.c) completes the handshake before it forks the program.
 * Both are named sslserver: only the getopt string in the binary tells them
 * apart (variants.h, elfstrings.h), read once per binary (device + inode). */
#include "diag/ports/stage.h"
#include "diag/parse/argv.h"
#include "diag/parse/elfstrings.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CACHE_MAX 16   /* distinct sslserver binaries remembered */

struct bin {
    dev_t dev;
    ino_t ino;
    struct timespec mtime;
    enum qt_variant variant;
};

struct qt_tls_cache {
    struct bin v[CACHE_MAX];
    size_t n, next;
};

void qt_tls_cache_free(qt_tls_cache *c)
{
    free(c);
}

const char *qt_tls_order_text(enum qt_tls_order o)
{
    switch (o) {
    case QT_TLS_HANDSHAKE_FIRST: return "handshake before the program";
    case QT_TLS_PROGRAM_FIRST: return "program started before the handshake (fehcom sslserver, UCSPI-TLS)";
    case QT_TLS_PLAIN_FIRST: return "plaintext until the program asks for TLS (sslserver -n)";
    default: return "sslserver variant not known (binary not readable)";
    }
}

enum qt_tls_order qt_stage_tls_order_of(enum qt_variant v, const struct qt_proc *p)
{
    const struct qt_variant_def *d;
    struct qt_opt *o = NULL;
    size_t cap = 0;
    int n = 0, end = 0, miss = 0, wait = 0, env = 0;

    if (v == QT_VAR_SSLSERVER)
        return QT_TLS_HANDSHAKE_FIRST;
    if (v != QT_VAR_SSLSERVER_FEH || !(d = qt_variant_get(v)) || p->argc < 1)
        return QT_TLS_ORDER_UNKNOWN;
    /* a bad command line never got this far: sslserver exits 100 on it */
    qt_sgetopt(p->argc, p->argv, 1, d->optstring, &o, &n, &cap, &end, &miss);
    for (int i = 0; i < n; i++) {   /* the last of each pair wins */
        if (o[i].letter == 'n' || o[i].letter == 'N')
            wait = o[i].letter == 'n';
        if (o[i].letter == 's' || o[i].letter == 'S')
            env = o[i].letter == 's';
    }
    free(o);
    if (wait)
        return QT_TLS_PLAIN_FIRST;
    return env ? QT_TLS_HANDSHAKE_FIRST : QT_TLS_PROGRAM_FIRST;
}

static enum qt_variant binary_variant(qt_tls_cache **cp, const qt_ctx *ctx, int pid)
{
    qt_tls_cache *c = *cp ? *cp : (*cp = qt_calloc(1, sizeof **cp));
    char rel[64], path[4096];
    struct qt_elfinfo info;
    struct stat sb;
    struct bin *b;

    snprintf(rel, sizeof rel, "%d/exe", pid);
    if (!qt_ctx_proc(ctx, rel, path, sizeof path) || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return QT_VAR_UNKNOWN;
    for (size_t i = 0; i < c->n; i++) {
        b = &c->v[i];
        if (b->dev == sb.st_dev && b->ino == sb.st_ino && b->mtime.tv_sec == sb.st_mtim.tv_sec &&
            b->mtime.tv_nsec == sb.st_mtim.tv_nsec)
            return b->variant;
    }
    memset(&info, 0, sizeof info);
    if (qt_elf_scan_path(path, QT_ELF_MAX_BYTES, &info) != 0)
        info.variant = QT_VAR_UNKNOWN;
    b = &c->v[c->n < CACHE_MAX ? c->n++ : c->next++ % CACHE_MAX];
    b->dev = sb.st_dev;
    b->ino = sb.st_ino;
    b->mtime = sb.st_mtim;
    b->variant = info.variant;
    return b->variant;
}

enum qt_tls_order qt_stage_tls_order(qt_tls_cache **cache, const qt_ctx *ctx, const struct qt_proc *p)
{
    if (strcmp(qt_proc_name(p), "sslserver") != 0)
        return QT_TLS_HANDSHAKE_FIRST; /* stunnel, socat, tcpserver -s, ...: handshake, then the program */
    return qt_stage_tls_order_of(binary_variant(cache, ctx, p->pid), p);
}
