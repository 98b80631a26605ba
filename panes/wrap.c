/* wrap.c - shell-safe wrapping of commands and long text (panes/wrap.h). */
#include "panes/wrap.h"

#include <string.h>

/* Quote state after the bytes s[0..n): 0, '\'' or '"', or '#' in a
 * comment (an unquoted # starting a word: the rest of the line, where a
 * backslash-newline does not continue it); *esc (may be NULL) is set when
 * s[n-1] is a backslash that escapes the byte after it. */
static char scan(const char *s, size_t n, char q, int *esc)
{
    int e = 0;
    for (size_t i = 0; i < n && q != '#'; i++) {
        if (q == 0 && s[i] == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
            q = '#';
        } else if (q == '\'') {
            if (s[i] == '\'')
                q = 0;
        } else if (s[i] == '\\') {
            if (i + 1 < n)
                i++;
            else
                e = 1;
        } else if (q == '"') {
            if (s[i] == '"')
                q = 0;
        } else if (s[i] == '\'' || s[i] == '"') {
            q = s[i];
        }
    }
    if (esc)
        *esc = e;
    return q;
}

static char quote_after(const char *s, size_t n, char q) { return scan(s, n, q, NULL); }

/* The last blank outside quotes (or in a comment) in s[1..room], or 0. */
static size_t break_at(const char *s, size_t room, char q)
{
    size_t best = 0;
    for (size_t i = 1; i <= room; i++)
        if (s[i] == ' ' && (quote_after(s, i, q) == 0 || quote_after(s, i, q) == '#'))
            best = i;
    return best;
}

static void wrap_line(const char *s, size_t len, int width, qt_buf *out)
{
    char q = 0;
    size_t used = 0;   /* columns already on the line: the reopening quote */
    while (used + len > (size_t)width) {
        size_t room = (size_t)width - used - 2, cut;   /* room for " \" */
        cut = break_at(s, room, q);   /* room < len: stays inside the line */
        if (cut && quote_after(s, cut, q) == '#') {
            /* a comment goes on as a comment: "# " on the next line */
            qt_buf_add(out, s, cut);
            qt_buf_puts(out, "\n# ");
            q = '#';
            cut += strspn(s + cut, " ");
            used = 2;
        } else if (cut) {
            qt_buf_add(out, s, cut);
            qt_buf_puts(out, " \\\n");
            q = quote_after(s, cut, q);
            cut += strspn(s + cut, " ");
            used = 0;
        } else if (quote_after(s, room, q) == '#') {
            cut = room + 2;   /* no " \" to leave room for */
            qt_buf_add(out, s, cut);
            qt_buf_puts(out, "\n# ");
            used = 2;
        } else if (quote_after(s, room, q) == '\'') {
            /* inside '...' a backslash is literal: close the quote, continue
             * the line, reopen it on the next one ('ab'\<nl>'cd' is 'abcd') */
            cut = room;
            qt_buf_add(out, s, cut);
            qt_buf_puts(out, "'\\\n'");
            q = '\'';
            used = 1;
        } else {
            /* no blank fits: split the word before a backslash-newline, which
             * sh removes outside single quotes (sh(1), "Escape Character") */
            int esc;
            cut = room + 1;
            while (scan(s, cut, q, &esc), esc && cut > 1)
                cut--;   /* never leave an escape dangling before the mark */
            qt_buf_add(out, s, cut);
            qt_buf_puts(out, "\\\n");
            q = quote_after(s, cut, q);
            used = 0;
        }
        s += cut;
        len -= cut;
    }
    qt_buf_add(out, s, len);
}

static void wrap_prose_line(const char *s, size_t len, int width, qt_buf *out);

/* Each line of text (split at '\n') through one line wrapper. */
static void each_line(const char *text, int width, qt_buf *out,
                      void (*wrap)(const char *s, size_t len, int width, qt_buf *out))
{
    if (!text)
        return;
    if (width < 8)
        width = 8;
    for (const char *p = text;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        wrap(p, len, width, out);
        if (!nl)
            break;
        qt_buf_putc(out, '\n');
        p = nl + 1;
    }
}

void qt_wrap_cmd(const char *text, int width, qt_buf *out)
{
    each_line(text, width, out, wrap_line);
}

/* One prose line: break at the last blank that fits; continued lines keep
 * the first line's indent; a word longer than a line is split. */
static void wrap_prose_line(const char *s, size_t len, int width, qt_buf *out)
{
    size_t indent = strspn(s, " "), room = (size_t)width;
    int first = 1;

    if (indent > room / 2)
        indent = room / 2;
    for (;;) {
        size_t avail = first ? room : room - indent, cut;
        if (len <= avail)
            break;
        cut = avail;
        while (cut > 0 && s[cut] != ' ')
            cut--;
        if (cut == 0 || (first && cut <= indent))
            cut = avail;             /* no blank to break at: split the word */
        qt_buf_add(out, s, cut);
        qt_buf_putc(out, '\n');
        while (cut < len && s[cut] == ' ')
            cut++;
        s += cut;
        len -= cut;
        if (!len)
            return;
        for (size_t i = 0; i < indent; i++)
            qt_buf_putc(out, ' ');
        first = 0;
    }
    qt_buf_add(out, s, len);
}

void qt_wrap_text(const char *text, int width, qt_buf *out)
{
    each_line(text, width, out, wrap_prose_line);
}
