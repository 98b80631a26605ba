/* config_cert.c - control/servercert.pem: the certificate (and key) the
 * STARTTLS patches of qmail-smtpd serve, often also sslserver's CERTFILE.
 * The file holds the private key, so its bytes are never kept: it is read
 * once, the certificate's dates and names and whether the key matches are
 * taken, and the buffer is wiped (OPENSSL_cleanse, docs/security.md). */
#include "diag/config/config_int.h"
#include "diag/core/util.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC "config"

static void add_name(char *names, size_t size, const char *n, size_t len)
{
    size_t have = strlen(names);
    if (have + len + 2 >= size)
        return;
    snprintf(names + have, size - have, "%s%.*s", have ? " " : "", (int)len, n);
}

long qt_config_pem_read(const qt_ctx *ctx, const char *abs, struct qt_cfg_pem *out)
{
    char *text = NULL;
    memset(out, 0, sizeof *out);
    out->key = -1;
    long n = qt_ctx_read(ctx, abs, QT_CONFIG_MAX_FILE, &text, NULL);
    if (n < 0) {
        snprintf(out->error, sizeof out->error, "cannot be read under the root");
        return n;
    }
    BIO *b = BIO_new_mem_buf(text, (int)n);
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    if (!x) {
        snprintf(out->error, sizeof out->error, "no PEM certificate in the file");
    } else {
        ASN1_TIME *na = X509_get_notAfter(x);
        struct tm tm;
        if (na && ASN1_TIME_to_tm(na, &tm) == 1)
            out->not_after = (double)timegm(&tm);
        GENERAL_NAMES *sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
        for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); i++) {
            const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
            if (g->type == GEN_DNS)
                add_name(out->names, sizeof out->names, (const char *)ASN1_STRING_get0_data(g->d.dNSName),
                         (size_t)ASN1_STRING_length(g->d.dNSName));
        }
        GENERAL_NAMES_free(sans);
        if (!out->names[0]) {
            char cn[256];
            int l = X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof cn);
            if (l > 0)
                add_name(out->names, sizeof out->names, cn, (size_t)l);
        }
        /* the key: anywhere in the same file (qmail's servercert.pem holds both) */
        BIO *kb = BIO_new_mem_buf(text, (int)n);
        EVP_PKEY *k = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
        out->key = k ? (X509_check_private_key(x, k) == 1 ? 1 : 0) : -1;
        EVP_PKEY_free(k);
        BIO_free(kb);
        X509_free(x);
    }
    BIO_free(b);
    OPENSSL_cleanse(text, (size_t)n);
    free(text);
    return n;
}

void qt_config_read_cert(const qt_ctx *ctx, qt_config *cfg, const char *abs)
{
    struct qt_cfg_pem p;
    if (qt_config_pem_read(ctx, abs, &p) < 0)
        return;
    cfg->cert_not_after = p.not_after;
    snprintf(cfg->cert_names, sizeof cfg->cert_names, "%s", p.names);
    cfg->cert_key = p.key;
    snprintf(cfg->cert_error, sizeof cfg->cert_error, "%s", p.error);
}

/* RFC 6125 6.4.3, simplified: exact, or "*." matching one leftmost label. */
static int name_matches(const char *pat, size_t pl, const char *host)
{
    size_t hl = strlen(host);
    if (pl == hl && strncasecmp(pat, host, hl) == 0)
        return 1;
    if (pl > 2 && pat[0] == '*' && pat[1] == '.') {
        const char *dot = strchr(host, '.');
        return dot && strlen(dot) == pl - 1 && strncasecmp(dot, pat + 1, pl - 1) == 0;
    }
    return 0;
}

int qt_config_names_match(const char *names, const char *host)
{
    for (const char *s = names; *s;) {
        const char *e = strchr(s, ' ');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        if (name_matches(s, l, host))
            return 1;
        s += l + (e ? 1 : 0);
    }
    return 0;
}

void qt_config_check_cert(const qt_ctx *ctx, const qt_config *cfg, qt_findings *out)
{
    const struct qt_cfg_file *c = qt_config_find(cfg, QT_CFG_CONTROL, "servercert.pem");
    if (!c || c->present != 1)
        return;
    qt_finding *f;
    if (cfg->cert_error[0]) {
        f = qt_findings_add(out, QT_SEV_WARN, SRC, "config.cert-unreadable", "servercert.pem holds no certificate");
        qt_finding_subject(f, "%s", c->path);
        qt_finding_evidence(f, "%s: %s", c->path, cfg->cert_error);
        qt_finding_explain(f, "STARTTLS (and sslserver with CERTFILE pointing here) fails for every client");
        qt_finding_fix(f, "cat cert.pem key.pem > %s; chmod 640 %s", c->path, c->path);
        return;
    }
    double now = qt_ctx_now(ctx), left = cfg->cert_not_after - now;
    if (cfg->cert_not_after > 0 && left < 14 * 86400) {
        char a[32];
        qt_fmt_age(left < 0 ? -left : left, a, sizeof a);
        f = qt_findings_add(out, left < 0 ? QT_SEV_CRIT : QT_SEV_WARN, SRC, "config.cert-expiry",
                            left < 0 ? "The server certificate has expired" : "The server certificate expires soon");
        qt_finding_subject(f, "%s", c->path);
        qt_finding_evidence(f, "notAfter %s %s", a, left < 0 ? "ago" : "from now");
        qt_finding_explain(f, "mail clients refuse an expired certificate on STARTTLS and on port 465");
        qt_finding_fix(f, "renew it, then: cat fullchain.pem privkey.pem > %s", c->path);
    }
    if (cfg->cert_key == 0) {
        f = qt_findings_add(out, QT_SEV_CRIT, SRC, "config.cert-key-mismatch",
                            "The key in servercert.pem does not belong to its certificate");
        qt_finding_subject(f, "%s", c->path);
        qt_finding_evidence(f, "X509_check_private_key: the private key does not match the certificate");
        qt_finding_explain(f, "every TLS handshake with this file fails");
        qt_finding_fix(f, "cat the certificate and ITS key: cat cert.pem key.pem > %s", c->path);
    }
    char *me = qt_cfg_value(cfg, "me", NULL);
    int hit = qt_config_names_match(cfg->cert_names, me);
    if (me[0] && cfg->cert_names[0] && !hit) {
        f = qt_findings_add(out, QT_SEV_WARN, SRC, "config.cert-name", "The server certificate does not name control/me");
        qt_finding_subject(f, "%s", c->path);
        qt_finding_evidence(f, "certificate names: %s", cfg->cert_names);
        qt_finding_evidence(f, "control/me: %s", me);
        qt_finding_explain(f, "the SMTP banner and HELO say %s: clients that connect by that name (the MX) fail "
                              "hostname verification",
                           me);
        qt_finding_fix(f, "get a certificate for %s (or make me the name the certificate holds)", me);
    }
    free(me);
}
