/* auth_b64.c - see auth_b64.h */
#include "diag/auth/auth_b64.h"
#include "diag/core/secret.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

long qt_b64_encode(const void *in, size_t n, char *out, size_t outlen)
{
    size_t need = 4 * ((n + 2) / 3) + 1;
    if (outlen < need || n > (size_t)1 << 20)
        return -1;
    return (long)EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

static int b64_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

long qt_b64_decode(const char *in, size_t n, unsigned char *out, size_t outlen)
{
    size_t pad = 0, len;
    int r;

    while (n && (*in == ' ' || *in == '\t')) {
        in++;
        n--;
    }
    while (n && (in[n - 1] == ' ' || in[n - 1] == '\t' || in[n - 1] == '\r' || in[n - 1] == '\n'))
        n--;
    if (n % 4 != 0 || n > (size_t)1 << 20)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '=') {
            /* padding only at the very end, at most two */
            if (i < n - 2)
                return -1;
            pad++;
        } else if (!b64_char(c) || pad) {
            return -1;
        }
    }
    len = n / 4 * 3;
    if (outlen < len + 1)
        return -1;
    /* EVP_DecodeBlock keeps the bytes that stand for padding: subtract them */
    r = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n);
    if (r < 0 || (size_t)r < pad)
        return -1;
    r -= (int)pad;
    out[r] = '\0';
    return r;
}

long qt_auth_plain(const char *user, const char *pass, size_t passlen, char *out, size_t outlen)
{
    size_t ul = strlen(user);
    unsigned char raw[2 + 256 + QT_SECRET_MAX];
    long r;

    if (ul > 256 || passlen > QT_SECRET_MAX)
        return -1;
    raw[0] = '\0';
    memcpy(raw + 1, user, ul);
    raw[1 + ul] = '\0';
    memcpy(raw + 2 + ul, pass, passlen);
    r = qt_b64_encode(raw, 2 + ul + passlen, out, outlen);
    qt_secret_wipe(raw, sizeof raw);
    return r;
}

long qt_auth_cram_md5(const char *user, const char *pass, size_t passlen, const char *challenge_b64,
                      char *out, size_t outlen)
{
    unsigned char chal[1024];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    char resp[256 + 1 + 2 * EVP_MAX_MD_SIZE + 1];
    static const char hex[] = "0123456789abcdef";
    size_t ul = strlen(user), k;
    long cl, r;

    if (ul > 256 || passlen > QT_SECRET_MAX)
        return -1;
    cl = qt_b64_decode(challenge_b64, strlen(challenge_b64), chal, sizeof chal);
    if (cl < 0)
        return -1;
    if (!HMAC(EVP_md5(), pass, (int)passlen, chal, (size_t)cl, mac, &maclen))
        return -1;
    memcpy(resp, user, ul);
    k = ul;
    resp[k++] = ' ';
    for (unsigned int i = 0; i < maclen; i++) {
        resp[k++] = hex[mac[i] >> 4];
        resp[k++] = hex[mac[i] & 15];
    }
    r = qt_b64_encode(resp, k, out, outlen);
    qt_secret_wipe(mac, sizeof mac);
    qt_secret_wipe(resp, sizeof resp);
    return r;
}
