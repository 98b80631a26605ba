/* rulescdb.c - one variable of a tcpserver rules cdb. See rulescdb.h.
 *
 * cdb layout (cdb.txt, D. J. Bernstein): 256 (position, slots) pairs of
 * little-endian 32-bit words, then the records (klen, dlen, key, data),
 * then the hash tables. The records end where the first hash table
 * starts: the smallest table position that is past the header. */
#include "diag/parse/rulescdb.h"

#include <stdint.h>
#include <string.h>

static uint32_t u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The value of +name=... in one record's data, -2 when absent, -1 when not a number. */
static long value_in(const unsigned char *d, size_t n, const char *name)
{
    size_t nl = strlen(name), i = 0;
    if (n >= 2 && d[0] == 'D' && d[1] == '\0')
        i = 2; /* deny */
    while (i < n) {
        const unsigned char *e = memchr(d + i, '\0', n - i);
        size_t el = e ? (size_t)(e - (d + i)) : n - i;
        if (el > nl + 1 && d[i] == '+' && memcmp(d + i + 1, name, nl) == 0 && d[i + 1 + nl] == '=') {
            long v = 0;
            size_t k = i + 2 + nl;
            if (k == i + el)
                return -1;
            for (; k < i + el; k++) {
                if (d[k] < '0' || d[k] > '9' || v > 100000000L)
                    return -1;
                v = v * 10 + (d[k] - '0');
            }
            return v;
        }
        i += el + 1;
    }
    return -2;
}

int qt_rulescdb_var(const unsigned char *cdb, size_t len, const char *name, struct qt_rulesvar *out)
{
    size_t end = len, pos = 2048;

    memset(out, 0, sizeof *out);
    out->dflt = out->min = out->max = -1;
    if (!cdb || len < 2048)
        return -1;
    for (int i = 0; i < 256; i++) {
        uint32_t tp = u32(cdb + 8 * i);
        if (tp < 2048 || tp > len)
            return -1;
        if (tp < end)
            end = tp;
    }
    while (pos < end) {
        uint32_t kl, dl;
        long v;
        if (end - pos < 8)
            return -1;
        kl = u32(cdb + pos);
        dl = u32(cdb + pos + 4);
        if (kl > end - pos - 8 || dl > end - pos - 8 - kl)
            return -1;
        v = value_in(cdb + pos + 8 + kl, dl, name);
        if (v >= 0) {
            out->rules++;
            if (kl == 0)
                out->dflt = v;
            if (out->min < 0 || v < out->min)
                out->min = v;
            if (v > out->max)
                out->max = v;
        }
        pos += 8 + (size_t)kl + dl;
    }
    return 0;
}
