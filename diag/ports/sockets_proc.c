/* sockets_proc.c - the /proc/net/tcp{,6} reader, used when netlink is
 * unavailable and for fixture trees. See sockets.h.
 *
 * Line format (net/ipv4/tcp_ipv4.c get_tcp4_sock, tcp6: ipv6/tcp_ipv6.c):
 *   "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu ..."
 *   sl: local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
 * An IPv4 address is one 32-bit word, an IPv6 address four, each printed
 * as the host-order value of the network-order bytes. For a LISTEN socket
 * rx_queue is the accept queue length; the backlog is not shown.
 */
#include "diag/ports/sockets.h"
#include "diag/core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Exactly n hex digits at *p (n <= 16); advances *p. */
static int hexn(const char **p, const char *end, int n, uint64_t *out)
{
    uint64_t v = 0;
    if (end - *p < n)
        return -1;
    for (int i = 0; i < n; i++) {
        int d = hexval((*p)[i]);
        if (d < 0)
            return -1;
        v = v << 4 | (uint64_t)d;
    }
    *p += n;
    *out = v;
    return 0;
}

/* 1..16 hex digits ending at a non-hex byte. */
static int hexany(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    int n = 0;
    while (s + n < end && n <= 16 && hexval(s[n]) >= 0)
        n++;
    if (n == 0 || n > 16)
        return -1;
    return hexn(p, end, n, out);
}

static int dec(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (s >= end || *s < '0' || *s > '9')
        return -1;
    while (s < end && *s >= '0' && *s <= '9') {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
        s++;
    }
    *p = s;
    *out = v;
    return 0;
}

static int spaces(const char **p, const char *end)
{
    const char *s = *p;
    while (s < end && *s == ' ')
        s++;
    if (s == *p)
        return -1;
    *p = s;
    return 0;
}

static int lit(const char **p, const char *end, char c)
{
    if (*p >= end || **p != c)
        return -1;
    (*p)++;
    return 0;
}

/* "ADDR:PORT": words of 8 hex digits, each the host-order value of 4 network bytes. */
static int addr_port(const char **p, const char *end, int words, uint8_t *addr, unsigned *port)
{
    uint64_t w, pt;
    for (int i = 0; i < words; i++) {
        uint32_t v;
        if (hexn(p, end, 8, &w) != 0)
            return -1;
        v = (uint32_t)w;
        memcpy(addr + 4 * i, &v, 4); /* same machine, same byte order as the kernel that printed it */
    }
    if (lit(p, end, ':') != 0 || hexn(p, end, 4, &pt) != 0)
        return -1;
    *port = (unsigned)pt;
    return 0;
}

/* One line without its newline. 1 kept, 0 filtered out, -1 malformed. */
static int parse_line(const char *s, const char *end, int family, const struct qt_sockfilter *f, qt_socklist *out)
{
    int words = family == AF_INET6 ? 4 : 1;
    uint8_t la[16] = {0}, ra[16] = {0};
    unsigned lp, rp;
    uint64_t sl = 0, st = 0, txq = 0, rxq = 0, tr = 0, when = 0, retr = 0, uid = 0, timeout = 0, inode = 0;

    while (s < end && *s == ' ')
        s++;
    if (dec(&s, end, &sl) || lit(&s, end, ':') || spaces(&s, end) ||
        addr_port(&s, end, words, la, &lp) || spaces(&s, end) ||
        addr_port(&s, end, words, ra, &rp) || spaces(&s, end) ||
        hexn(&s, end, 2, &st) || spaces(&s, end) ||
        hexany(&s, end, &txq) || lit(&s, end, ':') || hexany(&s, end, &rxq) || spaces(&s, end) ||
        hexany(&s, end, &tr) || lit(&s, end, ':') || hexany(&s, end, &when) || spaces(&s, end) ||
        hexany(&s, end, &retr) || spaces(&s, end) || dec(&s, end, &uid) || spaces(&s, end))
        return -1;
    /* timeout is printed with %8d: may be negative */
    if (s < end && *s == '-')
        s++;
    if (dec(&s, end, &timeout) || spaces(&s, end) || dec(&s, end, &inode))
        return -1;
    /* the inode must be a whole field: a line cut inside it is truncated */
    if (s < end && *s != ' ')
        return -1;
    if (s == end) /* nothing after the inode: cut mid-line (the kernel always prints more) */
        return -1;
    if (st == 0 || st > 12 || uid > UINT32_MAX || inode > UINT32_MAX || txq > UINT32_MAX || rxq > UINT32_MAX)
        return -1;
    (void)sl; (void)when; (void)retr; (void)timeout;
    if (!qt_socklist_add(out, f, family, (unsigned)st, la, lp, ra, rp, (uint32_t)rxq, 0, (uint32_t)inode,
                         (uint32_t)uid))
        return 0;
    /* "tr": the same timer codes as inet_diag's idiag_timer (net/ipv4/tcp_ipv4.c get_tcp4_sock) */
    out->v[out->n - 1].timer = tr <= 4 ? (uint8_t)tr : 0;
    return 1;
}

static size_t parse_body(const char *text, size_t len, int family, const struct qt_sockfilter *f, qt_socklist *out)
{
    const char *p = text, *end = text + len;
    size_t kept = 0;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (le > p) {
            int r = parse_line(p, le, family, f, out);
            if (r < 0)
                out->bad++;
            else
                kept += (size_t)r;
        }
        p = nl ? nl + 1 : end;
    }
    return kept;
}

size_t qt_sock_proc_parse(const char *text, size_t len, int family, const struct qt_sockfilter *f, qt_socklist *out)
{
    const char *nl = memchr(text, '\n', len);
    size_t l1 = nl ? (size_t)(nl - text) : len;

    /* the header names the columns; anything else in line one is data */
    if (memmem(text, l1, "local_address", 13)) {
        size_t skip = nl ? l1 + 1 : len;
        text += skip;
        len -= skip;
    }
    return parse_body(text, len, family, f, out);
}

/* Stream the file through a fixed buffer, so 50k sockets never need the
 * whole text (several MB) in memory at once. */
static int read_one(const qt_ctx *ctx, const char *rel, int family, const struct qt_sockfilter *f,
                    qt_socklist *out, int optional, char *err, size_t errlen)
{
    enum { BUFSZ = 64 * 1024 };
    char path[4096], *buf;
    size_t have = 0;
    int fd, first = 1;

    if (!qt_ctx_proc(ctx, rel, path, sizeof path)) {
        snprintf(err, errlen, "path too long under %s", ctx->proc);
        return -1;
    }
    /* O_NONBLOCK + fstat: a FIFO or a device given as --proc net/tcp is
     * refused instead of blocking or reading forever */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (optional && errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    {
        struct stat sb;
        int ok = fstat(fd, &sb) == 0;
        if (!ok || !S_ISREG(sb.st_mode)) {
            snprintf(err, errlen, "cannot read %s: %s%s", path, ok ? qt_file_kind((unsigned)sb.st_mode) : strerror(errno),
                     ok ? ", not a regular file" : "");
            close(fd);
            return -1;
        }
    }
    buf = qt_malloc(BUFSZ);
    for (;;) {
        ssize_t r = read(fd, buf + have, BUFSZ - have);
        size_t used;
        char *nl;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        have += (size_t)r;
        /* parse up to the last complete line; at EOF, parse what is left */
        nl = r == 0 ? buf + have : memrchr(buf, '\n', have);
        if (!nl && have == BUFSZ) /* a line longer than the buffer: skip it */
            nl = buf + have;
        if (nl) {
            used = (size_t)(nl - buf) + (nl < buf + have);
            if (first && used) {
                qt_sock_proc_parse(buf, used, family, f, out);
                first = 0;
            } else if (used) {
                parse_body(buf, used, family, f, out);
            }
            memmove(buf, buf + used, have - used);
            have -= used;
        }
        if (r == 0)
            break;
    }
    free(buf);
    close(fd);
    return 0;
}

int qt_sock_read_proc(const qt_ctx *ctx, const struct qt_sockfilter *f, qt_socklist *out, char *err, size_t errlen)
{
    if (read_one(ctx, "net/tcp", AF_INET, f, out, 0, err, errlen) != 0)
        return -1;
    return read_one(ctx, "net/tcp6", AF_INET6, f, out, 1, err, errlen);
}
