/* elfstrings.h - which front end is this binary? Answered without running it.
 *
 * Reads an ELF file's read-only data (allocated, non-writable,
 * non-executable PROGBITS sections such as .rodata; without section
 * headers, the whole file up to the byte budget) and looks for a DJB-style
 * getopt string (letters with ':' after those that take an argument,
 * e.g. "dDvqQhHrR1UXx:t:u:g:l:b:B:c:pPoO"). The string tells stock
 * tcpserver from the SSL patch (s, S, n:), sslserver (T:, w:) or indimail
 * (S:, T:, C:) - see variants.h.
 *
 * Every read is bounded by max_bytes. Nothing is allocated that outlives a
 * call. Unknown stays unknown: error says what evidence is missing.
 */
#ifndef QT_ELFSTRINGS_H
#define QT_ELFSTRINGS_H

#include <stddef.h>

#include "diag/parse/variants.h"

#define QT_ELF_MAX_BYTES (8u << 20)   /* default read budget per binary */

struct qt_elfinfo {
    char optstring[128];       /* best getopt-like string found; "" if none */
    enum qt_variant variant;   /* from optstring; QT_VAR_UNKNOWN if none or not recognised */
    const char *why;           /* static: how optstring mapped to the variant; NULL */
    int ncandidates;           /* getopt-like strings seen */
    unsigned long bytes;       /* bytes of data scanned */
    char error[200];           /* when nothing was found: why ("not an ELF file", "no getopt string") */
};

/* Scan the file at path (already resolved: under --root, or <proc>/PID/exe).
 * Returns 0 when a getopt-like string was found, -1 otherwise (out->error). */
int qt_elf_scan_path(const char *path, size_t max_bytes, struct qt_elfinfo *out);
/* Same for an open fd (a regular file opened under --root by qt_ctx_open,
 * so the binary read is the one inside the root). fd is not closed. */
int qt_elf_scan_fd(int fd, size_t max_bytes, struct qt_elfinfo *out);
/* Same for a buffer holding (the start of) a file: for tests and fuzzing. */
int qt_elf_scan_mem(const unsigned char *buf, size_t len, struct qt_elfinfo *out);

/* Does the ELF file at path (first max_bytes) contain the NUL-terminated
 * string needle? 1 yes, 0 no, -1 unreadable or not ELF. */
int qt_elf_has_string(const char *path, const char *needle, size_t max_bytes);
/* Same for an open fd (regular files only; fd is not closed). */
int qt_elf_has_string_fd(int fd, const char *needle, size_t max_bytes);

#endif
