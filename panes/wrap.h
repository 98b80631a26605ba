/* wrap.h - long text made readable in a width: commands break at
 * shell-safe points, nothing is cut without a mark (issue 14 item 4). */
#ifndef QT_WRAP_H
#define QT_WRAP_H

#include "diag/core/util.h"

/* Append text (lines separated by '\n') to out, each line broken to at most
 * width columns (bytes: the text is escaped ASCII; width < 8 counts as 8).
 * A line breaks at a blank outside quotes, the continued line ending in
 * " \" (so the result pastes into sh as the same command). A word longer
 * than a line is split: outside single quotes the piece ends in "\" (a
 * backslash-newline, which sh removes), inside them the quote is closed,
 * continued and reopened ('ab'\ + newline + 'cd'). Every continued line
 * ends in "\": nothing is cut, and the lines paste as the same command.
 * A comment (# to the end of the line) goes on as a comment: the next
 * line starts with "# " (a backslash does not continue a comment).
 * Lines that fit are copied unchanged. text may be NULL (nothing appended). */
void qt_wrap_cmd(const char *text, int width, qt_buf *out);

/* The same for prose (the help screen): lines break at the last blank that
 * fits, continued lines keep the first line's indent, no " \" marks (nothing
 * is cut: a word longer than a line is split in two). */
void qt_wrap_text(const char *text, int width, qt_buf *out);

#endif
