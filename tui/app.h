/* app.h - the shell's state, private to tui/. Panes see only the ops table
 * (panes/ui_ops.h) that tui/shell.c implements on it. */
#ifndef QT_APP_H
#define QT_APP_H

#include <curses.h>

#include "diag/core/job.h"
#include "diag/core/snapshot.h"
#include "tui/tui.h"
#include "tui/tableview.h"
#include "panes/ui_ops.h"

#define QT_MAX_DEPTH 8
#define QT_MAX_JOBS 16

struct qt_pane_state {
    const qt_pane_def *def;
    qt_level stack[QT_MAX_DEPTH];
    int depth;              /* levels in use, >= 1 */
    int auto_zoomed;        /* zoom came from a drill-down: undo it when back at top */
    WINDOW *win;            /* NULL when not on screen */
};

enum qt_dlg_kind { QT_DLG_NONE, QT_DLG_CONFIRM, QT_DLG_TEXT, QT_DLG_PROMPT, QT_DLG_HELP };

struct qt_dialog {
    enum qt_dlg_kind kind;
    char *title;
    char *text;              /* confirm question, text body */
    int scroll;
    /* confirm */
    void (*yes)(struct qt_ui *, void *);
    void *arg;
    void (*free_arg)(void *);
    /* prompt */
    char buf[512];
    size_t len;
    int secret;
    void (*done)(struct qt_ui *, const char *, void *);
    WINDOW *win;
    /* text and help: the pager (tui/pager.c) */
    qt_buf shown;            /* text wrapped to the dialog's width at the last draw */
    int nlines, page;        /* lines in shown, lines on screen */
    char find[64];           /* the / search */
    size_t flen;
    int finding;             /* typing the search */
    int notfound;            /* the last search matched nothing */
};

enum qt_input_mode { QT_INPUT_NONE, QT_INPUT_SEARCH, QT_INPUT_FILTER };

struct qt_job_slot {
    int id;
    qt_job *job;
    void (*done)(struct qt_ui *, void *);
    void *arg;
};

struct qt_report_store;

struct qt_shell {
    struct qt_ui handle;      /* what views get: the ops table (tui/shell.c) on this shell */
    struct qt_tui_config cfg;  /* a copy; the pointers in it are borrowed */
    const qt_ctx *ctx;        /* the live context, or the loaded report's */
    const struct qt_report_store *loaded;  /* --load: read-only, never sampled */
    qt_sampler sampler;
    qt_ctx sample_ctx;        /* what samples read: *cfg.ctx with want_bytes from the views on
                               * screen; lives as long as the shell (models point to it) */
    qt_snapshot *snap;
    double sampled_at;        /* monotonic time of the last sample */
    double next_sample;       /* monotonic */
    int frozen;
    int want_sample;

    struct qt_pane_state *panes;  /* npanes of them, in screen order */
    int npanes;
    int focus;
    int zoom;                 /* focused pane fills the screen */

    struct qt_dialog dlg;     /* one modal at a time */
    enum qt_input_mode input;
    char input_buf[128];
    char input_saved[128];    /* filter before the edit, restored by Esc */
    size_t input_saved_sel;

    char flash[256];
    double flash_until;

    struct qt_job_slot jobs[QT_MAX_JOBS];
    int next_job_id;

    WINDOW *w_header, *w_status, *w_keys;
    WINDOW *w_tabs;           /* the tab bar below 70x20, else NULL */
    WINDOW *w_strip;          /* the incidents strip (incidents.c) */
    int strip_h;              /* its rows at the last layout */
    int inc_on;               /* the strip is selected: keys go to it first */
    long inc_sel;             /* the selected incident's index ... */
    char inc_id[128];         /* ... and id (kept across samples) */
    int rows, cols;
    int too_small;
    int dirty, relayout, repaint_all, quit;
};

/* layout.c */
void qt_layout(struct qt_shell *ui);               /* (re)create windows for the current size */
void qt_draw(struct qt_shell *ui);                 /* draw everything dirty, one doupdate */
void qt_layout_free(struct qt_shell *ui);

/* incidents.c: the incidents strip under the header (docs/incidents.md) */
int qt_strip_rows(const struct qt_shell *ui);      /* rows it wants: 1 .. max(1, rows/6) */
void qt_strip_draw(struct qt_shell *ui);
void qt_strip_enter(struct qt_shell *ui);          /* the i key: select the strip, or the next incident */
int qt_strip_key(struct qt_shell *ui, int key);    /* key as in the key tables; 1 if the selected strip took it */

/* dialog.c: return 1 if the key was consumed by the open dialog */
int qt_dialog_key(struct qt_shell *ui, int key, int is_code);
void qt_dialog_draw(struct qt_shell *ui);
void qt_dialog_close(struct qt_shell *ui);
void qt_help_open(struct qt_shell *ui);

/* pager.c: the text and help dialogs as a pager (less-like keys; long lines
 * wrapped, never cut). key: 1 if consumed. draw: the window at the size of
 * its text. The dialog must be QT_DLG_TEXT or QT_DLG_HELP. */
int qt_pager_key(struct qt_shell *ui, int key, int is_code);
void qt_pager_draw(struct qt_shell *ui);
/* dialog.c: a fresh boxed window for d with its title (0: curses failed). */
int qt_dialog_frame(struct qt_dialog *d, int h, int w, int y, int x);

/* shell.c: accessors and the ops table */
struct qt_pane_state *qt_focused(struct qt_shell *ui);
qt_level *qt_pane_level(struct qt_pane_state *p);
void qt_shell_view_in(struct qt_shell *ui, struct qt_view_in *in);
void qt_shell_bind(struct qt_shell *ui);        /* ui->handle = the ops table on ui */
/* the status line message (escaped here), for the shell and the ops table */
void qt_shell_flash(struct qt_shell *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* dialog.c: the dialog services of the ops table */
void qt_shell_confirm(struct qt_shell *ui, const char *question, void (*yes)(struct qt_ui *, void *), void *arg,
                      void (*free_arg)(void *));
void qt_shell_text(struct qt_shell *ui, const char *title, const char *text);
void qt_shell_prompt(struct qt_shell *ui, const char *label, const char *initial, int secret,
                     void (*done)(struct qt_ui *, const char *, void *), void *arg);

/* jobs.c: the scheduler behind run_job/cancel_job */
struct pollfd;
int qt_jobs_start(struct qt_shell *ui, struct qt_job *job, void (*done)(struct qt_ui *, void *), void *arg);
void qt_jobs_cancel(struct qt_shell *ui, int id);
void qt_jobs_cancel_all(struct qt_shell *ui);
double qt_jobs_deadline(struct qt_shell *ui, double until);   /* min(until, every job's deadline) */
/* Append the jobs' fds to pfd (room for QT_MAX_JOBS * QT_JOB_MAXFDS), each
 * with its slot in owner_of; returns how many. */
int qt_jobs_pollfds(struct qt_shell *ui, struct pollfd *pfd, int *owner_of);
/* Step the jobs whose fds are ready or whose deadline passed. */
void qt_jobs_step(struct qt_shell *ui, struct pollfd *pfd, int *owner_of, int nfds, double now);

/* ptrcheck.c: the public IP's PTR lookup in the background (issue 17).
 * start: the lookup if due and a job slot is to spare (call after a
 * sample; one job at most). join: the latest result into a new sample's findings.
 * free: after qt_jobs_cancel_all(). */
void qt_ptr_start(struct qt_shell *ui);
void qt_ptr_join(qt_snapshot *snap);
void qt_ptr_free(void);

/* nav.c */
void qt_nav_push(struct qt_shell *ui);          /* drill into the selected row */
int qt_nav_pop(struct qt_shell *ui);            /* back one level; 0 if already at the top, unzoomed */
void qt_nav_focus(struct qt_shell *ui, int i);  /* out-of-range i is ignored */
int qt_nav_page_rows(struct qt_shell *ui);

/* input.c: the search / filter line */
void qt_input_begin(struct qt_shell *ui, enum qt_input_mode m);
void qt_input_key(struct qt_shell *ui, int key, int is_code);

/* export.c: the w key */
void qt_export_report(struct qt_shell *ui);

/* clipboard.c: the y key (panes/ui_ops.h copy): OSC 52 to the terminal,
 * and a new 0600 file in the report directory unless secret (then a
 * warning dialog first, and no file). */
void qt_clip_copy(struct qt_shell *ui, const char *what, const char *text, int secret);

/* keys.c: read and dispatch every pending key; the help and the key bar
 * generated from the same key tables */
#define QT_KEY_CODE 0x1000000   /* a curses key code in a key table: KEY_UP | QT_KEY_CODE */
void qt_keys_read(struct qt_shell *ui);
/* The "Everywhere" lines of the ? help: the shell's table and the panes' hotkeys. */
void qt_keys_help(const struct qt_shell *ui, qt_buf *b);
struct qt_bar_item {
    char key[8];
    const char *word;
};
/* The key bar's items in order (at most max); returns how many. */
size_t qt_keys_bar(const struct qt_shell *ui, struct qt_bar_item *out, size_t max);

#endif
