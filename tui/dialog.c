/* dialog.c - the modal dialogs: confirm (y/N), scrollable text, one-line
 * prompt (optionally secret), and the help overlay. One at a time; each
 * survives resize because it is redrawn from its state every frame. */
#include "panes/wrap.h"
#include "tui/app.h"
#include "tui/term.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void qt_dialog_close(struct qt_shell *ui)
{
    struct qt_dialog *d = &ui->dlg;
    if (d->free_arg)
        d->free_arg(d->arg);
    free(d->title);
    if (d->text) /* may hold AUTH strings the wizard showed on request */
        OPENSSL_cleanse(d->text, strlen(d->text));
    free(d->text);
    if (d->shown.s) /* the pager's wrapped copy of the text */
        OPENSSL_cleanse(d->shown.s, d->shown.cap);
    qt_buf_free(&d->shown);
    if (d->win)
        delwin(d->win);
    OPENSSL_cleanse(d->buf, sizeof d->buf);
    memset(d, 0, sizeof *d);
    ui->dirty = 1;
}

static void open_dialog(struct qt_shell *ui, enum qt_dlg_kind kind, const char *title, const char *text)
{
    if (ui->dlg.kind != QT_DLG_NONE)
        qt_dialog_close(ui);
    ui->dlg.kind = kind;
    ui->dlg.title = qt_strdup(title);
    ui->dlg.text = qt_strdup(text ? text : "");
    ui->dirty = 1;
}

void qt_shell_confirm(struct qt_shell *ui, const char *question, void (*yes)(struct qt_ui *, void *), void *arg,
                      void (*free_arg)(void *))
{
    /* questions name processes and directories read from /proc: escaped
     * like every other text (printable ASCII only, so a byte is a column) */
    char *safe = qt_safe_strdup(question, strlen(question));
    open_dialog(ui, QT_DLG_CONFIRM, "Confirm", safe);
    free(safe);
    ui->dlg.yes = yes;
    ui->dlg.arg = arg;
    ui->dlg.free_arg = free_arg;
}

void qt_shell_text(struct qt_shell *ui, const char *title, const char *text)
{
    char *safe = qt_safe_strdup(text, strlen(text));
    /* keep newlines: qt_safe_strdup escaped them as \x0a */
    qt_buf b = {0};
    for (const char *p = safe; *p; p++) {
        if (strncmp(p, "\\x0a", 4) == 0) {
            qt_buf_putc(&b, '\n');
            p += 3;
        } else {
            qt_buf_putc(&b, *p);
        }
    }
    free(safe);
    open_dialog(ui, QT_DLG_TEXT, title, qt_buf_str(&b));
    qt_buf_free(&b);
}

void qt_shell_prompt(struct qt_shell *ui, const char *label, const char *initial, int secret,
                     void (*done)(struct qt_ui *, const char *, void *), void *arg)
{
    open_dialog(ui, QT_DLG_PROMPT, label, NULL);
    ui->dlg.secret = secret;
    ui->dlg.done = done;
    ui->dlg.arg = arg;
    if (initial) {
        snprintf(ui->dlg.buf, sizeof ui->dlg.buf, "%s", initial);
        ui->dlg.len = strlen(ui->dlg.buf);
    }
}

static void help_text(struct qt_shell *ui, qt_buf *b)
{
    struct qt_pane_state *p = qt_focused(ui);
    const qt_level *l = qt_pane_level(p);

    qt_buf_printf(b, "Keys in %s%s%s\n", p->def->name, p->depth > 1 ? " > " : "",
                  p->depth > 1 ? (l->main.title[0] ? l->main.title : l->view->name) : "");
    if (l->view->keys && l->view->keys->label)
        for (const struct qt_view_key *k = l->view->keys; k->label; k++)
            qt_buf_printf(b, "  %-10s %s\n", k->label, k->help);
    else
        qt_buf_puts(b, "  (no keys of its own)\n");
    qt_buf_puts(b, "\nEverywhere\n");
    qt_keys_help(ui, b);
    qt_buf_puts(b,
                "\nMarks and colours (the word is always there; colour only repeats it)\n"
                "  CRIT       hurting users now          (red, bold)\n"
                "  WARN       will hurt soon              (yellow, bold)\n"
                "  INFO       worth knowing               (cyan)\n"
                "  OK         checked and fine            (green)\n"
                "  FROZEN     sampling paused; numbers are from the time in the header\n"
                "  LOADED     a saved report (--load): read-only, its own time in the header\n"
                "  STALE: X   collector X failed; its pane shows why, never zeros\n"
                "  ~          a value cut to fit the column (zoom with z to see it whole)\n"
                "  v ^        sort column and direction in a table header\n");
    if (p->def->legend)
        qt_buf_printf(b, "\n%s\n%s\n", p->def->name, p->def->legend);
}

void qt_help_open(struct qt_shell *ui)
{
    qt_buf b = {0};
    help_text(ui, &b);
    open_dialog(ui, QT_DLG_HELP, "Help", qt_buf_str(&b));
    qt_buf_free(&b);
}

static int count_lines(const char *s)
{
    int n = 1;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* A fresh boxed window of h x w at y, x with d's title on the top border
 * (the dialogs and the pager). 0 when curses could not make it. */
int qt_dialog_frame(struct qt_dialog *d, int h, int w, int y, int x)
{
    if (d->win)
        delwin(d->win);
    d->win = newwin(h, w, y, x);
    if (!d->win)
        return 0;
    werase(d->win);
    if (qt_term_utf8())
        box(d->win, 0, 0);
    else
        wborder(d->win, '|', '|', '-', '-', '+', '+', '+', '+');
    wattrset(d->win, A_BOLD);
    mvwprintw(d->win, 0, 2, " %.*s ", w - 8, d->title);
    wattrset(d->win, A_NORMAL);
    return 1;
}

int qt_dialog_key(struct qt_shell *ui, int key, int is_code)
{
    struct qt_dialog *d = &ui->dlg;

    switch (d->kind) {
    case QT_DLG_NONE:
        return 0;
    case QT_DLG_CONFIRM:
        if (!is_code && (key == 'y' || key == 'Y')) {
            void (*yes)(struct qt_ui *, void *) = d->yes;
            void *arg = d->arg;
            void (*fa)(void *) = d->free_arg;
            d->free_arg = NULL;
            qt_dialog_close(ui);
            yes(&ui->handle, arg);
            if (fa)
                fa(arg);
        } else if (is_code && key == KEY_RESIZE) {
            return 0;
        } else {
            qt_dialog_close(ui);
            qt_shell_flash(ui, "cancelled");
        }
        return 1;
    case QT_DLG_TEXT:
    case QT_DLG_HELP:
        return qt_pager_key(ui, key, is_code);
    case QT_DLG_PROMPT:
        if (is_code && key == KEY_RESIZE)
            return 0;
        if (!is_code && (key == '\r' || key == '\n')) {
            void (*done)(struct qt_ui *, const char *, void *) = d->done;
            void *arg = d->arg;
            char buf[sizeof d->buf];
            memcpy(buf, d->buf, sizeof buf);
            qt_dialog_close(ui);
            done(&ui->handle, buf, arg);
            OPENSSL_cleanse(buf, sizeof buf);
        } else if (!is_code && key == 27) {
            void (*done)(struct qt_ui *, const char *, void *) = d->done;
            void *arg = d->arg;
            qt_dialog_close(ui);
            done(&ui->handle, NULL, arg);
        } else if ((is_code && key == KEY_BACKSPACE) || (!is_code && (key == 127 || key == 8))) {
            /* drop one UTF-8 character */
            while (d->len > 0 && ((unsigned char)d->buf[d->len - 1] & 0xC0) == 0x80)
                d->len--;
            if (d->len > 0)
                d->len--;
            d->buf[d->len] = '\0';
        } else if (!is_code && key == 21) { /* Ctrl-U */
            OPENSSL_cleanse(d->buf, sizeof d->buf);
            d->len = 0;
        } else if (!is_code && key == 0 && d->secret) { /* Ctrl-@ / Ctrl-Space */
            qt_shell_flash(ui, "the password contains a NUL byte: it cannot travel through the checkpassword "
                        "protocol (not taken)");
        } else if (!is_code && key >= 32) {
            char mb[MB_LEN_MAX];
            mbstate_t st;
            size_t n;
            memset(&st, 0, sizeof st);
            n = wcrtomb(mb, (wchar_t)key, &st);
            if (n != (size_t)-1 && d->len + n < sizeof d->buf - 1) {
                memcpy(d->buf + d->len, mb, n);
                d->len += n;
                d->buf[d->len] = '\0';
            }
        }
        ui->dirty = 1;
        return 1;
    }
    return 0;
}

void qt_dialog_draw(struct qt_shell *ui)
{
    static qt_buf wrapped;
    struct qt_dialog *d = &ui->dlg;
    const char *text = d->text;
    int h, w, y, x, lines;

    if (d->kind == QT_DLG_NONE)
        return;
    if (d->kind == QT_DLG_TEXT || d->kind == QT_DLG_HELP) {
        qt_pager_draw(ui);
        return;
    }
    /* as wide as the question (the prompt: 60), within 40..76 and the screen */
    w = d->kind == QT_DLG_CONFIRM ? (int)strlen(d->text) + 4 : 60;
    if (w < 40)
        w = 40;
    if (w > 76)
        w = 76;
    if (w > ui->cols - 4)
        w = ui->cols - 4;
    if (d->kind == QT_DLG_CONFIRM) {
        qt_buf_reset(&wrapped);
        qt_wrap_text(d->text, w - 4, &wrapped);
        text = qt_buf_str(&wrapped);
    }
    lines = count_lines(text);
    h = 5 + (d->kind == QT_DLG_CONFIRM ? lines - 1 : 0);
    if (h > ui->rows - 2)
        h = ui->rows - 2;
    if (h < 3)
        h = 3;
    y = (ui->rows - h) / 2;
    x = (ui->cols - w) / 2;
    if (!qt_dialog_frame(d, h, w, y, x))
        return;
    if (d->kind == QT_DLG_PROMPT) {
        size_t shown = d->len;
        mvwaddstr(d->win, 2, 2, "> ");
        if (d->secret) {
            /* a fixed marker: neither the secret nor its length is drawn */
            waddnstr(d->win, d->len ? "(hidden)" : "", w - 6);
        } else {
            const char *s = d->buf;
            if ((int)shown > w - 6) { /* the start is scrolled off: marked */
                s += shown - (size_t)(w - 7);
                waddch(d->win, '~');
            }
            waddstr(d->win, s);
        }
        wattrset(d->win, qt_term_attr(QT_ROLE_DIM));
        mvwaddnstr(d->win, h - 1, 2, " Enter accept  Esc cancel  Ctrl-U clear ", w - 4);
    } else {
        int row = 1;
        int skip = 0;
        const char *p = text;
        for (int ln = 0; *p || ln == 0; ln++) {
            const char *nl = strchr(p, '\n');
            int len = nl ? (int)(nl - p) : (int)strlen(p);
            if (ln >= skip && row < h - 1) {
                mvwaddnstr(d->win, row++, 2, p, len < w - 4 ? len : w - 4);
            }
            if (!nl)
                break;
            p = nl + 1;
        }
        wattrset(d->win, qt_term_attr(QT_ROLE_DIM));
        mvwaddnstr(d->win, h - 1, 2, " y yes   any other key: no ", w - 4);
    }
    wattrset(d->win, A_NORMAL);
    wnoutrefresh(d->win);
}
