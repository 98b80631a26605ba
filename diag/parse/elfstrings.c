/* elfstrings.c - see elfstrings.h. A tiny ELF reader: header, section
 * headers, then read-only data. Both classes (32/64 bit) and both byte
 * orders; every offset and size is checked against the data actually read. */
#include "diag/parse/elfstrings.h"
#include "diag/core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHT_PROGBITS 1
#define SHF_WRITE 0x1
#define SHF_ALLOC 0x2
#define SHF_EXECINSTR 0x4

struct src {
    /* either a buffer or a file */
    const unsigned char *mem;
    size_t memlen;
    int fd;
    size_t budget;     /* bytes we may still read */
    size_t filesize;
};

static uint64_t get(const unsigned char *p, int n, int be)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
    return v;
}

/* Read len bytes at off into a new buffer, within budget and file size. */
static unsigned char *rd(struct src *s, uint64_t off, uint64_t len)
{
    unsigned char *b;
    if (off > s->filesize || len > s->filesize - off || len > s->budget)
        return NULL;
    b = qt_malloc((size_t)len + 1);
    if (s->mem) {
        memcpy(b, s->mem + off, (size_t)len);
    } else {
        size_t got = 0;
        while (got < len) {
            ssize_t r = pread(s->fd, b + got, (size_t)(len - got), (off_t)(off + got));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        if (got < len) {
            free(b);
            return NULL;
        }
    }
    s->budget -= (size_t)len;
    b[len] = 0;
    return b;
}

static void consider(struct qt_elfinfo *out, const char *str, size_t n)
{
    const char *why = NULL;
    enum qt_variant v;
    char tmp[128];

    if (!qt_looks_like_optstring(str, n) || n >= sizeof tmp)
        return;
    memcpy(tmp, str, n);
    tmp[n] = '\0';
    out->ncandidates++;
    v = qt_variant_from_optstring(tmp, &why);
    /* keep an exact match over a family guess over an unrecognised string */
    if (!out->optstring[0] || (v != QT_VAR_UNKNOWN && out->variant == QT_VAR_UNKNOWN) ||
        (why && strcmp(why, "exact getopt string") == 0 &&
         !(out->why && strcmp(out->why, "exact getopt string") == 0))) {
        memcpy(out->optstring, tmp, n + 1);
        out->variant = v;
        out->why = why;
    }
}

static void scan_strings(struct qt_elfinfo *out, const unsigned char *b, size_t n)
{
    size_t start = 0;
    out->bytes += n;
    for (size_t i = 0; i <= n; i++)
        if (i == n || b[i] == 0) {
            if (i > start)
                consider(out, (const char *)b + start, i - start);
            start = i + 1;
        }
}

static int scan(struct src *s, struct qt_elfinfo *out)
{
    unsigned char *eh, *sh;
    int is64, be, scanned = 0;
    uint64_t shoff, shentsize, shnum;

    memset(out, 0, sizeof *out);
    eh = rd(s, 0, 64 <= s->filesize ? 64 : s->filesize);
    if (!eh || s->filesize < 52 || memcmp(eh, "\177ELF", 4) != 0) {
        free(eh);
        snprintf(out->error, sizeof out->error, "not an ELF file");
        return -1;
    }
    is64 = eh[4] == 2;
    be = eh[5] == 2;
    if ((eh[4] != 1 && eh[4] != 2) || (eh[5] != 1 && eh[5] != 2) || (is64 && s->filesize < 64)) {
        free(eh);
        snprintf(out->error, sizeof out->error, "ELF header not understood");
        return -1;
    }
    shoff = is64 ? get(eh + 0x28, 8, be) : get(eh + 0x20, 4, be);
    shentsize = is64 ? get(eh + 0x3a, 2, be) : get(eh + 0x2e, 2, be);
    shnum = is64 ? get(eh + 0x3c, 2, be) : get(eh + 0x30, 2, be);
    free(eh);
    if (shoff && shnum && shnum <= 4096 && shentsize >= (uint64_t)(is64 ? 64 : 40) && shentsize <= 256 &&
        (sh = rd(s, shoff, shnum * shentsize)) != NULL) {
        for (uint64_t i = 0; i < shnum; i++) {
            const unsigned char *e = sh + i * shentsize;
            uint64_t type = get(e + 4, 4, be);
            uint64_t flags = is64 ? get(e + 8, 8, be) : get(e + 8, 4, be);
            uint64_t off = is64 ? get(e + 0x18, 8, be) : get(e + 0x10, 4, be);
            uint64_t size = is64 ? get(e + 0x20, 8, be) : get(e + 0x14, 4, be);
            unsigned char *data;
            if (type != SHT_PROGBITS || !(flags & SHF_ALLOC) || (flags & (SHF_WRITE | SHF_EXECINSTR)))
                continue;
            if ((data = rd(s, off, size)) != NULL) {
                scan_strings(out, data, (size_t)size);
                scanned = 1;
                free(data);
            }
        }
        free(sh);
    }
    if (!scanned) {
        /* no usable section headers: scan the file itself, as far as the budget goes */
        size_t n = s->filesize < s->budget ? s->filesize : s->budget;
        unsigned char *data = rd(s, 0, n);
        if (data) {
            scan_strings(out, data, n);
            free(data);
        }
    }
    if (!out->optstring[0]) {
        snprintf(out->error, sizeof out->error, "no getopt-like option string in %lu bytes of read-only data", out->bytes);
        return -1;
    }
    if (out->variant == QT_VAR_UNKNOWN)
        snprintf(out->error, sizeof out->error, "option string \"%.100s\" matches no known front end", out->optstring);
    return 0;
}

int qt_elf_scan_mem(const unsigned char *buf, size_t len, struct qt_elfinfo *out)
{
    struct src s = {.mem = buf, .memlen = len, .fd = -1, .budget = QT_ELF_MAX_BYTES, .filesize = len};
    return scan(&s, out);
}

int qt_elf_scan_fd(int fd, size_t max_bytes, struct qt_elfinfo *out)
{
    struct src s = {.fd = fd, .budget = max_bytes ? max_bytes : QT_ELF_MAX_BYTES};
    struct stat sb;

    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0) {
        memset(out, 0, sizeof *out);
        snprintf(out->error, sizeof out->error, "not a regular file or empty");
        return -1;
    }
    s.filesize = (size_t)sb.st_size;
    return scan(&s, out);
}

int qt_elf_scan_path(const char *path, size_t max_bytes, struct qt_elfinfo *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), rc;

    if (fd < 0) {
        memset(out, 0, sizeof *out);
        snprintf(out->error, sizeof out->error, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    rc = qt_elf_scan_fd(fd, max_bytes, out);
    if (rc != 0 && strcmp(out->error, "not a regular file or empty") == 0)
        snprintf(out->error, sizeof out->error, "%s: not a regular file or empty", path);
    close(fd);
    return rc;
}

int qt_elf_has_string_fd(int fd, const char *needle, size_t max_bytes)
{
    char *buf = NULL;
    long n = qt_read_fd(fd, max_bytes ? max_bytes : QT_ELF_MAX_BYTES, &buf, NULL);
    int found;

    if (n < 0)
        return -1;
    found = n >= 4 && memcmp(buf, "\177ELF", 4) == 0 ? memmem(buf, (size_t)n, needle, strlen(needle) + 1) != NULL : -1;
    free(buf);
    return found;
}

int qt_elf_has_string(const char *path, const char *needle, size_t max_bytes)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), found;

    if (fd < 0)
        return -1;
    found = qt_elf_has_string_fd(fd, needle, max_bytes);
    close(fd);
    return found;
}
