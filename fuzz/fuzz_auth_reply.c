/* libFuzzer target: the SMTP reply reader, the EHLO parser and the AUTH
 * engine fed with arbitrary server bytes. The first byte picks the
 * mechanism and the TLS mode; the rest is split at 0xff bytes into reads,
 * and a read that starts with 0xfe reports a finished TLS handshake. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "diag/auth/auth_reply.h"
#include "diag/auth/auth_smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static qt_secret *pw;
    static const unsigned mechs[] = {0, QT_MECH_PLAIN, QT_MECH_LOGIN, QT_MECH_CRAM_MD5};
    qt_reply_reader r;
    qt_smtp s;
    struct qt_smtp_cfg cfg;
    size_t off = 0;

    if (!pw)
        pw = qt_secret_new("tanstaaftanstaaf", 16);
    if (size < 1)
        return 0;

    /* 1. the reader on its own, then EHLO parsing of every complete reply */
    qt_reply_reader_init(&r);
    while (off < size) {
        qt_reply rep = {0};
        size_t used = 0;
        int st = qt_reply_feed(&r, (const char *)data + off, size - off, &used, &rep);
        off += used;
        if (st == QT_REPLY_DONE) {
            qt_ehlo e;
            char m[64], first[128];
            qt_ehlo_parse(&rep, &e);
            qt_mechs_str(e.mechs, m, sizeof m);
            qt_reply_first_line(&rep, first, sizeof first);
            qt_reply_free(&rep);
        } else {
            break;
        }
        if (used == 0)
            break;
    }
    qt_reply_reader_free(&r);

    /* 2. the engine */
    memset(&cfg, 0, sizeof cfg);
    cfg.user = "tim";
    cfg.pass = pw;
    cfg.mech = mechs[data[0] & 3];
    cfg.tls = (enum qt_tls_mode)((data[0] >> 2) & 3);
    cfg.helo = "fuzz.test";
    cfg.cleartext_ok = (data[0] >> 4) & 1;
    qt_smtp_init(&s, &cfg);
    if (cfg.tls == QT_TLS_IMPLICIT)
        qt_smtp_tls_result(&s, 1, NULL);
    qt_smtp_start(&s);
    for (size_t i = 1; i < size && !s.done;) {
        size_t j = i;
        while (j < size && data[j] != 0xff)
            j++;
        if (j > i && data[i] == 0xfe && s.want_tls)
            qt_smtp_tls_result(&s, (data[i + 1 < j ? i + 1 : i] & 1), "fuzz");
        else if (j > i)
            qt_smtp_input(&s, (const char *)data + i, j - i);
        qt_smtp_sent(&s, s.out.len - s.out_off);
        i = j + 1;
    }
    if (!s.done)
        qt_smtp_eof(&s);
    (void)qt_smtp_class(s.outcome, s.fail_phase);
    /* what the client sent must never show the password (the server's own
     * text may contain anything: the wizard scrubs it separately) */
    for (const char *p = qt_buf_str(&s.transcript); p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len >= 3 && p[0] == 'C' && p[1] == ':' && memmem(p, len, "tanstaaf", 8))
            __builtin_trap();
        p = nl ? nl + 1 : NULL;
    }
    qt_smtp_free(&s);
    return 0;
}
