/* common.c - helpers shared by pane views. */
#include "panes/pane.h"

unsigned char qt_sev_role(enum qt_sev s)
{
    switch (s) {
    case QT_SEV_CRIT: return QT_ROLE_CRIT;
    case QT_SEV_WARN: return QT_ROLE_WARN;
    case QT_SEV_INFO: return QT_ROLE_INFO;
    default: return QT_ROLE_OK;
    }
}

int qt_view_source_state(const struct qt_view_in *in, enum qt_src_id src, qt_table *main)
{
    const struct qt_src_status *st = &in->snap->src[src];

    switch (st->state) {
    case QT_SRC_OK:
        return 0;
    case QT_SRC_FAILED:
        qt_table_note(main, QT_ROLE_CRIT, "STALE: %s collector failed: %s", qt_src_name(src), st->err);
        return 1;
    case QT_SRC_NONE:
    default:
        qt_table_note(main, QT_ROLE_DIM, "no collector yet");
        return 1;
    }
}

void qt_view_fill(const qt_view *v, const struct qt_view_in *in, qt_table *head, qt_table *main)
{
    if (in->store)
        in->store->fill(in->store, v->name, in->key, head, main);
    else
        v->build(in, head, main);
}

const qt_view *qt_view_drill(const qt_view *v, const struct qt_view_in *in, const char *row_id)
{
    if (in->store)
        return in->store->drill(in->store, v->name, in->key, row_id);
    return v->drill ? v->drill(in, row_id) : NULL;
}

int qt_view_key(const qt_view *v, struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    if (!v->keys || ch == 0)
        return 0;
    for (const struct qt_view_key *k = v->keys; k->label; k++)
        for (int i = 0; i < 4 && k->keys[i]; i++)
            if (k->keys[i] == ch)
                return k->run ? k->run(ui, in, row_id, ch) : 0;
    return 0;
}
