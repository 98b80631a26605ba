/* clipboard.c - the y key's service (panes/ui_ops.h copy): text goes to the
 * admin's own clipboard over SSH as an OSC 52 sequence written to the
 * terminal (xterm's ctlseqs: "ESC ] 52 ; c ; BASE64 BEL"), and, unless it is
 * a secret, to a new file of mode 0600 in the report directory (the one the
 * w key writes to), whose path is flashed.
 *
 * tmux 3.3 takes an application's OSC 52 into its paste buffer (and passes
 * it on to the outer terminal) only with `set -g set-clipboard on`
 * (tmux(1), set-clipboard); a DCS passthrough wrapper would instead need
 * allow-passthrough and bypass the buffer, so the sequence is sent plain.
 *
 * A secret (an AUTH string: base64 of the password) is sent only after a
 * warning dialog, never written to a file or logged; every copy of it made
 * here is wiped with OPENSSL_cleanse (docs/security.md). */
#include "tui/app.h"
#include "report/report.h"

#include <errno.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Write the OSC 52 sequence for text to the terminal. Returns 0 or -1. */
static int osc52(const char *text, size_t n)
{
    static const char head[] = "\033]52;c;";
    size_t cap = sizeof head + 4 * ((n + 2) / 3) + 2;
    char *seq = qt_malloc(cap);
    size_t len = sizeof head - 1, off = 0;
    int rc = 0;

    memcpy(seq, head, len);
    len += (size_t)EVP_EncodeBlock((unsigned char *)seq + len, (const unsigned char *)text, (int)n);
    seq[len++] = '\a';
    /* curses has flushed its frame (keys are read between updates) */
    fflush(stdout);
    while (off < len) {
        ssize_t w = write(STDOUT_FILENO, seq + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = -1;
            break;
        }
        off += (size_t)w;
    }
    OPENSSL_cleanse(seq, cap);
    free(seq);
    return rc;
}

static int fallback_errno(int e)
{
    return e == EACCES || e == EPERM || e == EROFS || e == ENOSPC || e == EDQUOT || e == ENOENT;
}

/* A new file STEM-fix[-N].txt in dir, never replacing one. */
static int save_in(struct qt_shell *ui, const char *dir, const char *text, char *path, size_t pn, char *err,
                   size_t en)
{
    char stem[128], absdir[PATH_MAX];
    if (strcmp(dir, ".") == 0 && getcwd(absdir, sizeof absdir))
        dir = absdir;
    qt_report_stem(ui->snap, stem, sizeof stem);
    for (int n = 1; n < 100; n++) {
        char sfx[8] = "";
        if (n > 1)
            snprintf(sfx, sizeof sfx, "-%d", n);
        if (snprintf(path, pn, "%s/%s-fix%s.txt", strcmp(dir, "/") ? dir : "", stem, sfx) >= (int)pn) {
            snprintf(err, en, "directory name too long");
            errno = ENAMETOOLONG;
            return -1;
        }
        /* O_CREAT|O_EXCL|O_NOFOLLOW temporary, linked without replacing */
        if (qt_write_file_atomic(path, text, strlen(text), 0600, 0, err, en) == 0)
            return 0;
        if (errno != EEXIST)
            return -1;
    }
    snprintf(err, en, "too many files named %s-fix in %.200s", stem, dir);
    return -1;
}

/* The report directory as the w key uses it: --report-dir, else the
 * current directory, falling back to $HOME. */
static int save_file(struct qt_shell *ui, const char *text, char *path, size_t pn, char *err, size_t en)
{
    const char *home = getenv("HOME");
    if (ui->cfg.report_dir)
        return save_in(ui, ui->cfg.report_dir, text, path, pn, err, en);
    if (save_in(ui, ".", text, path, pn, err, en) == 0)
        return 0;
    if (!fallback_errno(errno) || !home || !*home)
        return -1;
    return save_in(ui, home, text, path, pn, err, en);
}

struct pending {
    char *what;
    char *text;
    size_t cap;
};

static void pending_free(void *arg)
{
    struct pending *p = arg;
    OPENSSL_cleanse(p->text, p->cap);
    free(p->text);
    free(p->what);
    free(p);
}

static void secret_yes(struct qt_ui *h, void *arg)
{
    struct pending *p = arg;
    struct qt_shell *ui = h->self;
    if (osc52(p->text, strlen(p->text)) == 0)
        qt_shell_flash(ui, "%s sent to your clipboard (OSC 52), no file written: clear it after use", p->what);
    else
        qt_shell_flash(ui, "%s NOT copied: cannot write to the terminal", p->what);
}

void qt_clip_copy(struct qt_shell *ui, const char *what, const char *text, int secret)
{
    char path[PATH_MAX], err[512], q[512];

    if (!text || !*text) {
        qt_shell_flash(ui, "nothing to copy: %s is empty", what);
        return;
    }
    if (secret) {
        struct pending *p = qt_calloc(1, sizeof *p);
        p->what = qt_strdup(what);
        p->cap = strlen(text) + 1;
        p->text = qt_malloc(p->cap);
        memcpy(p->text, text, p->cap);
        snprintf(q, sizeof q, "WARNING: %s holds the password (base64 is not encryption). Send it to your "
                 "terminal's clipboard with OSC 52? Anything that reads your clipboard can then read it; "
                 "it is written to no file.", what);
        qt_shell_confirm(ui, q, secret_yes, p, pending_free);
        return;
    }
    if (osc52(text, strlen(text)) != 0) {
        qt_shell_flash(ui, "%s NOT copied: cannot write to the terminal", what);
        return;
    }
    if (!ui->snap || save_file(ui, text, path, sizeof path, err, sizeof err) != 0)
        qt_shell_flash(ui, "%s copied (OSC 52); file NOT written: %s", what, ui->snap ? err : "no sample yet");
    else
        qt_shell_flash(ui, "%s copied (OSC 52) and saved: %s", what, path);
}
