/* queue.c - the Queue pane: qmail's queue (diag/queue/queue.h). The top view
 * is the summary (qmail-qstat's two counts first) and one table of the top
 * senders, recipient domains and age buckets; Enter on one of them lists
 * its messages; Enter on a message shows its envelope and a few header
 * lines (Subject, From, To, Date, Message-ID, Received; never the body) in
 * a text dialog, read at that moment from mess/ (so reports, which build
 * views but press no keys, never carry a stranger's headers).
 * D removes the selected sender's messages (diag/act/act_queue.h): asks
 * first naming the count, refused with --read-only and while qmail-send runs.
 * Envelope text is written by strangers: it reaches the screen only through
 * qt_table_cell / qt_table_kv (which escape) and qt_safe_strdup. */
#include "panes/pane.h"
#include "panes/panes.h"
#include "panes/ui_ops.h"
#include "diag/act/act_queue.h"
#include "diag/queue/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MSGS_SHOWN 500   /* rows of a message list (a note says how many more) */

static const char *age_names[QT_QAGE_N] = {"under 1 hour", "1 hour to 1 day", "1 to 7 days", "over 7 days"};

/* Row ids carry raw addresses hex-encoded: opaque, ASCII, exact. */
static char *hex_id(char kind, const char *s)
{
    qt_buf b = {0};
    qt_buf_putc(&b, kind);
    qt_buf_putc(&b, ':');
    for (; *s; s++)
        qt_buf_printf(&b, "%02x", (unsigned char)*s);
    return qt_buf_steal(&b);
}

/* The raw text of a hex row id ("s:6162" -> "ab"), or NULL. Caller frees. */
static char *unhex(const char *id, char kind)
{
    size_t n;
    char *out;
    if (!id || id[0] != kind || id[1] != ':')
        return NULL;
    id += 2;
    n = strlen(id) / 2;
    out = qt_malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(id + 2 * i, "%2x", &v) != 1) {
            free(out);
            return NULL;
        }
        out[i] = (char)v;
    }
    out[n] = '\0';
    return out;
}

static const char *shown_sender(const char *s)
{
    return qt_qsender_is_bounce(s) ? "<>" : s;
}

static void age_cell(qt_table *t, double now, double when)
{
    char a[32];
    if (when <= 0) {
        qt_table_cell_num(t, QT_ROLE_DIM, -1, "-");
        return;
    }
    qt_fmt_age(now - when, a, sizeof a);
    qt_table_cell_num(t, QT_ROLE_NORMAL, now - when, "%s", a);
}

/* --- top view --- */

static void summary(const qt_queue *q, qt_table *head)
{
    char age[32];

    qt_table_init(head, "Queue");
    qt_table_col(head, "", 14, 0);
    qt_table_col(head, "", 40, QT_COL_FLEX);
    qt_table_kv(head, "dir", "queue", QT_ROLE_DIM, "%s (split %u)", q->dir, q->split);
    /* qmail-qstat's two lines, one row each (a row wider than the pane wraps) */
    qt_table_kv(head, "messages", "in queue", q->messages ? QT_ROLE_HILITE : QT_ROLE_OK,
                "%s%zu messages in queue", q->partial ? ">=" : "", q->messages);
    qt_table_kv(head, "todo", "todo", q->unpreprocessed ? QT_ROLE_HILITE : QT_ROLE_OK,
                "%s%zu messages in queue but not yet preprocessed", q->partial ? ">=" : "", q->unpreprocessed);
    qt_table_kv(head, "where", "to", QT_ROLE_NORMAL, "remote: %zu messages, %zu recipients; local: %zu messages, %zu "
                "recipients; %zu messages with %d+ recipients", q->remote_msgs, q->remote_rcpts, q->local_msgs,
                q->local_rcpts, q->many_rcpts, QT_QUEUE_MANY_RCPTS);
    qt_table_kv(head, "bounces", "bounces", q->bounces_remote || q->double_bounces ? QT_ROLE_WARN : QT_ROLE_NORMAL,
                "%zu bounces <> (%zu to remote senders), %zu double bounces #@[], %zu being built (bounce/)",
                q->bounces, q->bounces_remote, q->double_bounces, q->bounce_files);
    qt_fmt_age(q->oldest > 0 ? q->now - q->oldest : 0, age, sizeof age);
    qt_table_kv(head, "age", "oldest", q->expired ? QT_ROLE_WARN : QT_ROLE_NORMAL,
                "%s; %zu older than queuelifetime (%.0f s%s)", q->oldest > 0 ? age : "-", q->expired, q->lifetime,
                q->lifetime_default ? ", the default" : "");
    if (q->partial)
        qt_table_kv(head, "partial", "partial", QT_ROLE_WARN, "%u of %u subdirectories wait to be read (at most %d "
                    "messages read per sample): counts are lower bounds", q->pending_dirs, q->split,
                    QT_QUEUE_SAMPLE_MSGS);
}

static void count_row(qt_table *t, const qt_queue *q, char kind, const char *what, const struct qt_qcount *c,
                      const char *name)
{
    char *id = hex_id(kind, c->key);
    qt_table_row(t, "%s", id);
    qt_table_cell(t, QT_ROLE_DIM, "%s", what);
    qt_table_cell(t, QT_ROLE_NORMAL, "%s", name);
    qt_table_cell_num(t, QT_ROLE_NORMAL, (double)c->msgs, "%zu", c->msgs);
    qt_table_cell_num(t, QT_ROLE_NORMAL, (double)c->rcpts, "%zu", c->rcpts);
    qt_table_cell_num(t, QT_ROLE_NORMAL, q->listed ? (double)c->msgs / (double)q->listed : 0, "%.0f %%",
                      q->listed ? 100.0 * (double)c->msgs / (double)q->listed : 0.0);
    age_cell(t, q->now, c->oldest);
    /* senders: the SMTP AUTH user qmail-smtpd recorded (diag/queue/queue_auth.c) */
    if (c->auth)
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", c->auth);
    else
        qt_table_cell(t, QT_ROLE_DIM, "%s", kind == 's' && c->auth_read ? "(none)" : "");
    free(id);
}

static void build_top(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_queue *q = in->snap->queue;

    qt_table_init(t, "Queue: senders, recipient domains, ages");
    qt_table_col(t, "KIND", 6, 0);
    qt_table_col(t, "NAME", 24, QT_COL_FLEX);
    qt_table_col(t, "MSGS", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "RCPTS", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "SHARE", 5, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "OLDEST", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "AUTH", 12, QT_COL_FLEX);
    t->sort_col = -1;
    if (qt_view_source_state(in, QT_SRC_QUEUE, t))
        return;
    if (q->absent) {
        qt_table_note(t, QT_ROLE_DIM, "no qmail queue at %s", q->dir);
        return;
    }
    summary(q, head);
    for (size_t i = 0; i < q->nsenders; i++)
        count_row(t, q, 's', "sender", &q->senders[i], shown_sender(q->senders[i].key));
    for (size_t i = 0; i < q->ndomains; i++)
        count_row(t, q, 'd', "domain", &q->domains[i], *q->domains[i].key ? q->domains[i].key : "(no domain)");
    for (int a = 0; a < QT_QAGE_N; a++) {
        qt_table_row(t, "a:%d", a);
        qt_table_cell(t, QT_ROLE_DIM, "age");
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", age_names[a]);
        qt_table_cell_num(t, a == QT_QAGE_OLDER && q->age[a] ? QT_ROLE_WARN : QT_ROLE_NORMAL, (double)q->age[a], "%zu",
                          q->age[a]);
        qt_table_cell(t, QT_ROLE_DIM, "%s", "");
        qt_table_cell_num(t, QT_ROLE_NORMAL, q->listed ? (double)q->age[a] / (double)q->listed : 0, "%.0f %%",
                          q->listed ? 100.0 * (double)q->age[a] / (double)q->listed : 0.0);
        qt_table_cell(t, QT_ROLE_DIM, "%s", "");
        qt_table_cell(t, QT_ROLE_DIM, "%s", "");
    }
    if (q->distinct_senders > q->nsenders)
        qt_table_note(t, QT_ROLE_DIM, "top %zu of %zu senders and %zu of %zu domains shown", q->nsenders,
                      q->distinct_senders, q->ndomains, q->distinct_domains);
    else if (!q->listed)
        qt_table_note(t, QT_ROLE_OK, "no preprocessed message in the queue");
}

/* --- message list: the messages of a sender, a domain or an age bucket --- */

struct pick {
    char kind;      /* 's', 'd', 'a' */
    char *key;      /* raw sender or domain */
    int age;
};

static int pick_parse(const char *id, struct pick *p)
{
    memset(p, 0, sizeof *p);
    if (!id)
        return -1;
    p->kind = id[0];
    if (p->kind == 'a')
        return sscanf(id, "a:%d", &p->age) == 1 && p->age >= 0 && p->age < QT_QAGE_N ? 0 : -1;
    if (p->kind != 's' && p->kind != 'd')
        return -1;
    return (p->key = unhex(id, p->kind)) ? 0 : -1;
}

static int age_index(double age)
{
    return age < 3600 ? QT_QAGE_1H : age < 86400 ? QT_QAGE_1D : age < 7 * 86400 ? QT_QAGE_7D : QT_QAGE_OLDER;
}

static int picked(const struct pick *p, const qt_queue *q, const struct qt_qmsg *m)
{
    switch (p->kind) {
    case 's':
        return strcasecmp(m->sender, p->key) == 0;
    case 'a':
        return age_index(q->now - m->birth) == p->age;
    default:
        for (unsigned i = 0; i < m->nrcpt; i++)
            if (strcasecmp(qt_qaddr_domain(m->rcpt[i] + 1), p->key) == 0)
                return 1;
        return 0;
    }
}

static void build_msgs(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_queue *q = in->snap->queue;
    const struct qt_qmsg *m;
    struct pick p;
    size_t n = 0;

    (void)head;
    qt_table_init(t, "Messages");
    qt_table_col(t, "MSG", 9, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "AGE", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "BYTES", 7, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "SENDER", 20, 0);
    qt_table_col(t, "REM", 4, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "LOC", 4, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "RECIPIENT", 24, QT_COL_FLEX);
    t->sort_col = 1;
    t->sort_desc = 1;
    if (qt_view_source_state(in, QT_SRC_QUEUE, t))
        return;
    if (q->absent || pick_parse(in->key, &p) != 0) {
        qt_table_note(t, QT_ROLE_DIM, "nothing selected");
        return;
    }
    if (p.kind == 'a')
        snprintf(t->title, sizeof t->title, "Messages queued %s", age_names[p.age]);
    else
        snprintf(t->title, sizeof t->title, "Messages %s %.80s", p.kind == 's' ? "from" : "to",
                 p.kind == 's' ? shown_sender(p.key) : p.key);
    for (size_t i = 0; (m = qt_queue_msg(q, i)); i++) {
        if (!picked(&p, q, m))
            continue;
        if (++n > MSGS_SHOWN)
            continue;
        qt_table_row(t, "m:%lu", m->id);
        qt_table_cell_num(t, QT_ROLE_NORMAL, (double)m->id, "%lu", m->id);
        age_cell(t, q->now, m->birth);
        qt_table_cell_num(t, QT_ROLE_NORMAL, (double)m->size, "%lld", m->size);
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", shown_sender(m->sender));
        qt_table_cell_num(t, QT_ROLE_NORMAL, m->remote_todo, "%u", m->remote_todo);
        qt_table_cell_num(t, QT_ROLE_NORMAL, m->local_todo, "%u", m->local_todo);
        qt_table_cell(t, QT_ROLE_NORMAL, "%s%s", m->nrcpt ? m->rcpt[0] + 1 : "-",
                      m->remote_todo + m->local_todo > 1 ? " ..." : "");
    }
    if (n > MSGS_SHOWN)
        qt_table_note(t, QT_ROLE_DIM, "first %d of %zu messages shown", MSGS_SHOWN, n);
    else if (!n)
        qt_table_note(t, QT_ROLE_OK, "no message left (delivered, or not read yet)");
    free(p.key);
}

/* --- one message: envelope and headers, in a text dialog --- */

/* Each line of raw escaped (qt_buf_put_safe), the line breaks kept. Caller frees. */
static char *safe_lines(const char *raw)
{
    qt_buf b = {0};
    for (const char *l = raw; *l;) {
        const char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l) : strlen(l);
        qt_buf_put_safe(&b, l, n);
        qt_buf_putc(&b, '\n');
        l += n + (nl != NULL);
    }
    return qt_buf_steal(&b);
}

/* The dialog text (raw; escaped line by line at the end). Caller frees. */
static char *message_text(const qt_ctx *ctx, const qt_queue *q, const struct qt_qmsg *m)
{
    qt_buf b = {0};
    char why[256], age[32], *hdr, *safe;

    qt_fmt_age(q->now - m->birth, age, sizeof age);
    qt_buf_printf(&b, "message %lu (%s/mess/%lu/%lu), %lld bytes, queued %s ago%s\n", m->id, q->dir,
                  m->id % (q->split ? q->split : 1), m->id, m->size, age,
                  qt_queue_bouncing(q, m->id) ? ", bouncing" : "");
    qt_buf_printf(&b, "envelope sender: <%s>\n", m->sender);
    qt_buf_printf(&b, "pending: %u remote, %u local; done: %u remote, %u local%s\n", m->remote_todo, m->local_todo,
                  m->remote_done, m->local_done, m->cut ? " (envelope cut at the size cap: at least)" : "");
    for (unsigned i = 0; i < m->nrcpt; i++)
        qt_buf_printf(&b, "  %s %s\n", m->rcpt[i][0] == 'R' ? "remote" : "local ", m->rcpt[i] + 1);
    if (m->remote_todo + m->local_todo > m->nrcpt)
        qt_buf_printf(&b, "  ... %u more\n", m->remote_todo + m->local_todo - m->nrcpt);
    qt_buf_puts(&b, "\nheaders (the body is never shown):\n");
    if ((hdr = qt_queue_headers(ctx, q, m->id, why, sizeof why))) {
        qt_buf_puts(&b, *hdr ? hdr : "(none of Subject, From, To, Date, Message-ID, Received)\n");
        free(hdr);
    } else {
        qt_buf_printf(&b, "cannot read them: %s\n", why);
    }
    safe = qt_buf_steal(&b);
    hdr = safe_lines(safe);
    free(safe);
    return hdr;
}

static int k_show(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    unsigned long id;
    const struct qt_qmsg *m;
    char title[64], *text;

    (void)ch;
    if (!in->snap->queue || !row_id || sscanf(row_id, "m:%lu", &id) != 1)
        return 0;
    if (!(m = qt_queue_find(in->snap->queue, id))) {
        qt_ui_flash(ui, "message %lu is not in this sample any more", id);
        return 1;
    }
    text = message_text(in->ctx, in->snap->queue, m);
    snprintf(title, sizeof title, "Message %lu", id);
    qt_ui_text(ui, title, text);
    free(text);
    return 1;
}

/* --- D: remove a sender's messages --- */

struct removal {
    const qt_ctx *ctx;
    char dir[512];
    unsigned split;
    char *sender;           /* raw */
    unsigned long *ids;
    size_t n;
};

static void removal_free(void *arg)
{
    struct removal *r = arg;
    free(r->sender);
    free(r->ids);
    free(r);
}

static void remove_yes(struct qt_ui *ui, void *arg)
{
    struct removal *r = arg;
    char err[256];
    size_t removed, kept;

    if (qt_act_queue_remove(r->ctx, r->dir, r->split, r->sender, r->ids, r->n, &removed, &kept, err, sizeof err))
        qt_ui_flash(ui, "%s", err);
    else
        qt_ui_flash(ui, "removed %zu messages of <%s> from the queue%s", removed, r->sender,
                    kept ? " (some were gone or changed since the sample: kept)" : "");
    qt_ui_resample(ui);
}

static int k_remove(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    const qt_queue *q = in->snap->queue;
    const struct qt_qmsg *m;
    struct removal *r;
    struct pick p;
    char question[768], why[256];
    int pid = 0, running;

    (void)ch;
    if (qt_ui_read_only(ui)) {
        qt_ui_flash(ui, "read-only mode: D (remove messages) is disabled");
        return 1;
    }
    /* the top view acts on the selected row, the message list on its sender */
    if (!q || pick_parse(in->key && in->key[0] == 's' ? in->key : row_id, &p) != 0 || p.kind != 's') {
        if (q)
            free(p.key);
        qt_ui_flash(ui, "D removes one sender's messages: select a sender");
        return 1;
    }
    running = qt_act_queue_send_running(in->ctx, &pid, why, sizeof why);
    if (running) {
        if (running > 0)
            qt_ui_flash(ui, "qmail-send runs (pid %d): stop it first (svc -d /service/qmail-send)", pid);
        else
            qt_ui_flash(ui, "%s: D refused", why);
        free(p.key);
        return 1;
    }
    r = qt_calloc(1, sizeof *r);
    r->ctx = in->ctx;
    snprintf(r->dir, sizeof r->dir, "%s", q->dir);
    r->split = q->split;
    r->sender = p.key;
    for (size_t i = 0; (m = qt_queue_msg(q, i)); i++)
        if (strcmp(m->sender, r->sender) == 0) {
            r->ids = qt_realloc(r->ids, (r->n + 1) * sizeof *r->ids);
            r->ids[r->n++] = m->id;
        }
    if (!r->n) {
        qt_ui_flash(ui, "no message of that sender in this sample");
        removal_free(r);
        return 1;
    }
    snprintf(question, sizeof question, "Remove %zu message%s of <%.200s> from %.200s? qmail-send is not running. "
             "This cannot be undone.", r->n, r->n == 1 ? "" : "s", r->sender, r->dir);
    qt_ui_confirm(ui, question, remove_yes, r, removal_free);
    return 1;
}

static const struct qt_view_key top_keys[] = {
    {{'\r', '\n'}, "Enter", NULL, "the messages of the selected sender, recipient domain or age"},
    {{'D'}, "D", k_remove, "remove the selected sender's messages from the queue (asks first; only while "
                           "qmail-send is stopped)"},
    {{0}, NULL, NULL, NULL},
};

static const struct qt_view_key msgs_keys[] = {
    {{'\r', '\n'}, "Enter", k_show, "the message's envelope and headers: Subject, From, To, Date, Received (never "
                                    "the body)"},
    {{'D'}, "D", k_remove, "remove this sender's messages from the queue (asks first; only while qmail-send is "
                           "stopped)"},
    {{0}, NULL, NULL, NULL},
};

static const qt_view msgs_view = {
    .name = "queue.messages",
    .build = build_msgs,
    .keys = msgs_keys,
};

static const qt_view *drill_top(const struct qt_view_in *in, const char *row_id)
{
    (void)in;
    return row_id && strchr("sda", row_id[0]) && row_id[1] == ':' ? &msgs_view : NULL;
}

static const qt_view top = {
    .name = "queue",
    .build = build_top,
    .drill = drill_top,
    .keys = top_keys,
};

const qt_pane_def qt_pane_queue = {
    .name = "Queue",
    .top = &top,
    .legend = "qmail's queue, read-only: the first line has qmail-qstat's two counts.\n"
              "KIND  sender (envelope sender, <> = bounce, #@[] = double bounce), domain (recipient), age\n"
              "MSGS  messages; RCPTS pending recipients; SHARE of the preprocessed messages\n"
              "Counts marked >= are lower bounds while a big queue is read over several samples",
    .slot = QT_SLOT_NONE,
    .min_rows = 8,
};
