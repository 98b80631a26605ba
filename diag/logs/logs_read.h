/* logs_read.h - lines of a log file, plain or gzip-compressed (issue 16).
 *
 * A reader owns the descriptor it is given (closed by qt_log_reader_free)
 * and reads it through zlib (gzdopen: a .gz rotation is inflated, any other
 * file passes through as it is), so the caller decides nothing from the
 * name. Memory is fixed: a 256 KiB buffer; a line longer than
 * QT_LOG_LINE_MAX is returned cut to that length (its rest is skipped, the
 * next call returns the line after it). The caller opened the descriptor
 * by the project's rules (docs/security.md#files-qtriage-reads).
 */
#ifndef QT_LOGS_READ_H
#define QT_LOGS_READ_H

#include <stddef.h>

#define QT_LOG_LINE_MAX 65536

typedef struct qt_log_reader qt_log_reader;

/* NULL (fd closed, errno set) when zlib cannot take the descriptor. */
qt_log_reader *qt_log_reader_new(int fd);
void qt_log_reader_free(qt_log_reader *rd);   /* NULL: nothing */

/* The next line, without its '\n': *line (valid until the next call) and
 * *n bytes; *cut is 1 when the line was longer than QT_LOG_LINE_MAX. A last
 * line without '\n' is a line. Returns 1 (a line), 0 (end of file) or -1
 * (a read or inflate error: why, n bytes, says which; lines already
 * returned stay valid). */
int qt_log_reader_next(qt_log_reader *rd, const char **line, size_t *n, int *cut, char *why, size_t whyn);

#endif
