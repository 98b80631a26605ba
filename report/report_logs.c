/* report_logs.c - the report's "logs" object (format 5): what the mail logs
 * said, for machines (docs/report.schema.json "logs", docs/monitoring.md).
 * Written from the logs collector's model (diag/logmon/logmon.h); a loaded
 * report keeps the object it was given (checked here) and writes it again. */
#include "report/report_json.h"
#include "report/report_ld.h"
#include "diag/logmon/logmon.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TXT 1024   /* bytes of a path, reason or key written */

static json_t *jint(unsigned long long v)
{
    return json_integer((json_int_t)v);
}

/* Bytes from the logs, written escaped (\xNN) as every display string is. */
static json_t *jraw(const char *s, size_t n)
{
    qt_buf b = {0};
    json_t *j;
    qt_buf_put_safe(&b, s, n);
    j = qt_report_jtext(qt_buf_str(&b), TXT);
    qt_buf_free(&b);
    return j;
}

static const char *src_state(const struct qt_logmon_src *s)
{
    if (s->gone)
        return "gone";
    if (*s->err)
        return "unreadable";
    if (!strncmp(s->why, "not counted", 11))
        return "not counted";
    if (!strncmp(s->why, "not read", 8))
        return "not read";
    return "ok";
}

static json_t *sources(const qt_logmon *m)
{
    json_t *a = json_array();
    for (size_t i = 0; i < m->nsrc; i++) {
        const struct qt_logmon_src *s = &m->src[i];
        json_t *o = json_object();
        qt_report_jset(o, "name", jraw(s->name, strlen(s->name)));
        qt_report_jset(o, "kind", json_string(s->kind));
        qt_report_jset(o, "state", json_string(src_state(s)));
        qt_report_jset(o, "path", jraw(s->path, strlen(s->path)));
        qt_report_jset(o, "why", jraw(s->why, strlen(s->why)));
        qt_report_jset(o, "error", *s->err ? jraw(s->err, strlen(s->err)) : json_null());
        qt_report_jset(o, "found", json_real(s->found));
        qt_report_jset(o, "lines", jint(s->lines));
        qt_report_jset(o, "bytes", jint(s->bytes));
        qt_report_jset(o, "files_read_back", jint(s->files_back));
        qt_report_jset(o, "deferrals", jint(s->deferrals));
        qt_report_jadd(a, o);
    }
    return a;
}

static json_t *ent(const struct qt_logmon_ent *e, const char *a, const char *b, const char *c, int reason)
{
    json_t *o = json_object();
    qt_report_jset(o, "key", jraw(e->key, strlen(e->key)));
    qt_report_jset(o, a, jint(e->fail));
    qt_report_jset(o, b, jint(e->ok));
    qt_report_jset(o, c, jint(e->other));
    qt_report_jset(o, "first", e->first ? json_integer(e->first) : json_null());
    qt_report_jset(o, "last", e->last ? json_integer(e->last) : json_null());
    qt_report_jset(o, "service", jraw(e->service, strlen(e->service)));
    if (reason)
        qt_report_jset(o, "reason", jraw(e->reason, strlen(e->reason)));
    return o;
}

static int by_events(const void *x, const void *y)
{
    const struct qt_logmon_ent *a = *(const struct qt_logmon_ent *const *)x, *b = *(const struct qt_logmon_ent *const *)y;
    unsigned long ea = a->fail + a->ok + a->other, eb = b->fail + b->ok + b->other;
    return ea != eb ? (ea < eb ? 1 : -1) : strcmp(a->key, b->key);
}

/* {"top": [entries, most events first], "others": {...}, "evicted": N} */
static json_t *table(const struct qt_logmon_tab *t, const char *a, const char *b, const char *c, int reason)
{
    const struct qt_logmon_ent *v[QT_LOGMON_TOP];
    json_t *o = json_object(), *top = json_array();

    for (size_t i = 0; i < t->n; i++)
        v[i] = &t->v[i];
    qsort(v, t->n, sizeof v[0], by_events);
    for (size_t i = 0; i < t->n; i++)
        qt_report_jadd(top, ent(v[i], a, b, c, reason));
    qt_report_jset(o, "top", top);
    qt_report_jset(o, "others", ent(&t->others, a, b, c, 0));
    qt_report_jset(o, "evicted", jint(t->evicted));
    return o;
}

json_t *qt_report_logs_json(const qt_logmon *m)
{
    json_t *o = json_object(), *cats = json_object(), *auth = json_array(), *b = json_object(), *d = json_object();

    qt_report_jset(o, "started", json_real(m->started));
    qt_report_jset(o, "window_seconds", json_integer(m->window));
    qt_report_jset(o, "counted_from", json_real(m->started - (double)m->window));
    qt_report_jset(o, "sources", sources(m));
    qt_report_jset(o, "notes", jraw(m->notes, strlen(m->notes)));
    for (int c = 0; c < QT_LOG_NCATS; c++)
        qt_report_jset(cats, qt_log_cat_name((enum qt_log_cat)c), jint(m->count[c]));
    qt_report_jset(o, "categories", cats);
    for (size_t k = 0; k <= m->nauth_svc; k++) {
        const struct qt_logmon_svc *v = k < m->nauth_svc ? &m->auth_svc[k] : &m->auth_svc_others;
        json_t *s;
        if (k == m->nauth_svc && !v->fail && !v->ok)
            break;
        s = json_object();
        qt_report_jset(s, "service", jraw(v->name, strlen(v->name)));
        qt_report_jset(s, "failures", jint(v->fail));
        qt_report_jset(s, "successes", jint(v->ok));
        qt_report_jadd(auth, s);
    }
    qt_report_jset(o, "auth_per_service", auth);
    qt_report_jset(o, "ips", table(&m->ips, "auth_failures", "auth_successes", "connections", 0));
    qt_report_jset(o, "users", table(&m->users, "auth_failures", "auth_successes", "other", 0));
    qt_report_jset(o, "domains", table(&m->domains, "failures", "deferrals", "no_mailbox", 1));
    qt_report_jset(o, "no_mailbox_senders", table(&m->senders, "fail", "ok", "no_mailbox", 0));
    qt_report_jset(b, "bounces", jint(m->count[QT_LOG_BOUNCE]));
    qt_report_jset(b, "double_bounces", jint(m->double_bounce_msgs));
    qt_report_jset(b, "double_bounce_lines", jint(m->count[QT_LOG_DOUBLE_BOUNCE]));
    qt_report_jset(b, "triple_bounces", jint(m->count[QT_LOG_TRIPLE_BOUNCE]));
    qt_report_jset(o, "bounces", b);
    for (size_t i = 0; i < m->nsrc; i++)
        if (m->src[i].deferrals)
            qt_report_jset(d, m->src[i].name, jint(m->src[i].deferrals));
    qt_report_jset(o, "deferrals_per_source", d);
    qt_report_jset(o, "own_logins_left_out", jint(m->own_logins));
    qt_report_jset(o, "lines_older_than_window", jint(m->old_lines));
    return o;
}

/* ---- loading: the object is kept as given once every value is checked ---- */

static const char *const src_states[] = {"ok", "unreadable", "gone", "not counted", "not read"};

/* Every string display text (qt_ld_get_text's rules), every number finite,
 * depth at most 4: the generic check under the typed ones below. */
static void check_values(struct qt_ld *l, const json_t *j, int depth)
{
    const char *k;
    json_t *v;
    size_t i;

    if (depth > 4) {
        qt_ld_fail(l, "nested too deep");
        return;
    }
    if (json_is_object(j)) {
        json_object_foreach((json_t *)j, k, v) {
            if (json_is_string(v)) {
                free(qt_ld_get_text(l, j, k, TXT, 0));   /* names its place itself */
            } else {
                size_t m = qt_ld_push(l, k);
                check_values(l, v, depth + 1);
                qt_ld_pop(l, m);
            }
            if (l->failed)
                return;
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) {
            size_t m = qt_ld_push_idx(l, i);
            if (json_is_string(v))
                qt_ld_fail(l, "a string where an object or number belongs");
            else
                check_values(l, v, depth + 1);
            qt_ld_pop(l, m);
            if (l->failed)
                return;
        }
    } else if (json_is_real(j) && !isfinite(json_real_value(j))) {
        qt_ld_fail(l, "not a finite number");
    }
}

json_t *qt_report_logs_load(struct qt_ld *l, const json_t *j)
{
    json_t *a, *o;
    size_t i;

    qt_ld_get_num(l, j, "started", 0, 32503680000.0, 0, 0);
    qt_ld_get_int(l, j, "window_seconds", 0, 1LL << 40, 0, 0);
    if ((a = qt_ld_get_array(l, j, "sources", QT_LOGMON_SOURCES, 0))) {
        size_t m = qt_ld_push(l, "sources");
        json_array_foreach(a, i, o) {
            size_t m2 = qt_ld_push_idx(l, i);
            json_t *e = qt_ld_elem_obj(l, a, i);
            char *st = e ? qt_ld_get_name(l, e, "state", 32, 0) : NULL;
            int known = 0;
            for (size_t k = 0; st && k < QT_ARRAY_LEN(src_states); k++)
                known |= !strcmp(st, src_states[k]);
            if (st && !known)
                qt_ld_fail(l, "unknown source state \"%s\"", st);
            free(st);
            if (e)
                free(qt_ld_get_name(l, e, "name", 64, 0));
            qt_ld_pop(l, m2);
        }
        qt_ld_pop(l, m);
    }
    if ((o = qt_ld_get(l, j, "categories", JSON_OBJECT, 0)))
        for (int c = 0; c < QT_LOG_NCATS; c++) {
            size_t m = qt_ld_push(l, "categories");
            qt_ld_get_int(l, o, qt_log_cat_name((enum qt_log_cat)c), 0, 1LL << 53, 0, 0);
            qt_ld_pop(l, m);
        }
    qt_ld_get_array(l, j, "auth_per_service", QT_LOGMON_SERVICES + 1, 0);
    for (const char *const *t = (const char *const[]){"ips", "users", "domains", NULL}; *t; t++)
        if ((o = qt_ld_get(l, j, *t, JSON_OBJECT, 0))) {
            size_t m = qt_ld_push(l, *t);
            qt_ld_get_array(l, o, "top", QT_LOGMON_TOP, 0);
            qt_ld_get(l, o, "others", JSON_OBJECT, 0);
            qt_ld_pop(l, m);
        }
    qt_ld_get(l, j, "bounces", JSON_OBJECT, 0);
    if (!l->failed)
        check_values(l, j, 0);
    return l->failed ? NULL : json_deep_copy(j);
}
