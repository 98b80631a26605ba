/* incidents.c - the incidents strip at the top of the console
 * (docs/incidents.md): one line per incident, worst first, SEV KIND SERVICE
 * impact, cut with a visible '~'; "No incidents" when there is none. Up to
 * four lines at 80x24, rows/6 on a taller terminal.
 *
 * i selects the strip (the worst incident first; i again, j/k or the arrows
 * move; 1-9 pick the Nth while the strip is selected, so any of the first
 * nine is three keys from anywhere: i, N, Enter); Enter opens the
 * incident's evidence and every fix of its findings in the pager, wrapped
 * whole; Esc or q leaves the strip. Outside the strip the digits stay pane
 * keys. */
#include "tui/app.h"
#include "tui/term.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int qt_strip_rows(const struct qt_shell *ui)
{
    size_t n = ui->snap ? ui->snap->incidents.n : 0;
    int cap = ui->rows / 6;
    if (cap < 1)
        cap = 1;
    return n < 1 ? 1 : n > (size_t)cap ? cap : (int)n;
}

static const qt_incidents *incs(const struct qt_shell *ui)
{
    return ui->snap ? &ui->snap->incidents : NULL;
}

/* The selected incident's index now: found by id (the order changes when
 * severities do), else the old index clamped; -1 when there is none. */
static long selected(struct qt_shell *ui)
{
    const qt_incidents *is = incs(ui);
    long i;
    if (!is || !is->n)
        return -1;
    if ((i = qt_incidents_find(is, ui->inc_id)) < 0)
        i = ui->inc_sel < (long)is->n ? ui->inc_sel : (long)is->n - 1;
    return i;
}

static void select_at(struct qt_shell *ui, long i)
{
    const qt_incidents *is = incs(ui);
    if (!is || !is->n)
        return;
    i = i < 0 ? 0 : i >= (long)is->n ? (long)is->n - 1 : i;
    ui->inc_sel = i;
    snprintf(ui->inc_id, sizeof ui->inc_id, "%s", is->v[i].id);
    ui->dirty = 1;
}

/* Everything about one incident, for the pager: impact, since, evidence,
 * then each finding's title and fix lines (the deciding finding first). */
static void incident_text(const qt_snapshot *s, const qt_incident *inc, qt_buf *b)
{
    char since[32], age[32];
    time_t t = (time_t)inc->since;
    struct tm tm;

    localtime_r(&t, &tm);
    strftime(since, sizeof since, "%H:%M:%S", &tm);
    qt_fmt_age(s->wall - inc->since, age, sizeof age);
    qt_buf_printf(b, "%s\n\nsince %s (%s), id %s\n\nevidence:\n%s\n", inc->impact, since, age, inc->id, inc->evidence);
    for (size_t k = 0; k < inc->nids; k++) {
        const qt_finding *f = qt_findings_find(&s->findings, inc->finding_ids[k]);
        if (!f)
            continue;
        qt_buf_printf(b, "\n%s %s (%s)\n", qt_sev_name(f->sev), f->title, f->id);
        if (*f->fix)
            qt_buf_printf(b, "fix:\n%s\n", f->fix);
        else
            qt_buf_puts(b, "fix: none given; the Findings pane (4) explains it\n");
    }
}

static void open_selected(struct qt_shell *ui)
{
    long i = selected(ui);
    qt_buf b = {0};
    char title[160];
    const qt_incident *inc;
    if (i < 0)
        return;
    inc = &ui->snap->incidents.v[i];
    snprintf(title, sizeof title, "%s %s %s", qt_sev_name(inc->sev), inc->kind, inc->service);
    incident_text(ui->snap, inc, &b);
    qt_shell_text(ui, title, qt_buf_str(&b));
    qt_buf_free(&b);
}

void qt_strip_enter(struct qt_shell *ui)
{
    if (!incs(ui) || !incs(ui)->n) {
        qt_shell_flash(ui, "no incidents");
        return;
    }
    if (ui->inc_on)
        select_at(ui, (selected(ui) + 1) % (long)incs(ui)->n);
    else
        select_at(ui, 0);
    ui->inc_on = 1;
}

int qt_strip_key(struct qt_shell *ui, int key)
{
    long i = selected(ui);
    if (!ui->inc_on)
        return 0;
    if (i < 0) {
        ui->inc_on = 0;
        return 0;
    }
    if (key == 'i' || key == 'j' || key == (KEY_DOWN | QT_KEY_CODE))
        select_at(ui, key == 'i' ? (i + 1) % (long)incs(ui)->n : i + 1);
    else if (key == 'k' || key == (KEY_UP | QT_KEY_CODE))
        select_at(ui, i - 1);
    else if (key >= '1' && key <= '9')
        select_at(ui, key - '1');
    else if (key == '\r' || key == '\n' || key == (KEY_ENTER | QT_KEY_CODE))
        open_selected(ui);
    else if (key == 27 || key == 'q') {
        ui->inc_on = 0;
        ui->dirty = 1;
    } else {
        ui->inc_on = 0;   /* any other key leaves the strip and does its usual job */
        ui->dirty = 1;
        return 0;
    }
    return 1;
}

void qt_strip_draw(struct qt_shell *ui)
{
    WINDOW *w = ui->w_strip;
    const qt_incidents *is = incs(ui);
    long sel = ui->inc_on ? selected(ui) : -1, first = 0;
    int h, wd;

    if (!w)
        return;
    getmaxyx(w, h, wd);
    werase(w);
    if (!is || !is->n) {
        wattrset(w, qt_term_attr(QT_ROLE_OK));
        mvwaddnstr(w, 0, 0, ui->snap ? "No incidents" : "incidents: waiting for the first sample", wd);
        wattrset(w, A_NORMAL);
        wnoutrefresh(w);
        return;
    }
    if (sel >= h)
        first = sel - h + 1;   /* keep the selection on the strip */
    for (int y = 0; y < h && first + y < (long)is->n; y++) {
        const qt_incident *inc = &is->v[first + y];
        char line[1024];
        int n;
        if (y == h - 1 && first + y + 1 < (long)is->n && sel < first + y)
            n = snprintf(line, sizeof line, "... %zu more incidents: i selects, j/k move, Enter opens",
                         is->n - (size_t)(first + y));
        else
            n = snprintf(line, sizeof line, "%-4s %-12s %-8s %s", qt_sev_name(inc->sev), inc->kind, inc->service,
                         qt_incident_impact_short(inc));
        wattrset(w, qt_term_attr(qt_sev_role(inc->sev)) | (first + y == sel ? A_REVERSE : 0));
        mvwaddnstr(w, y, 0, line, wd);
        if (n > wd && wd > 0)
            mvwaddch(w, y, wd - 1, '~');   /* cut like a cell: Enter shows it whole */
    }
    wattrset(w, A_NORMAL);
    wnoutrefresh(w);
}
