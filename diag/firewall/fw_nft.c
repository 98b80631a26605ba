/* fw_nft.c - the limiting rules of an nftables ruleset, from the JSON of
 * `nft -j list ruleset` (libnftables-json(5)): `ct count` (total, or per
 * source address inside a set or meter keyed by ip/ip6 saddr), `limit rate`
 * (the same), and the iptables-nft matches nft can only name (`xt`). */
#include "diag/firewall/fw_int.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

struct rule_scan {
    struct qt_fw_rule r;
    struct fw_ports own;
    int is_limit;            /* one of the limit kinds was found */
    int not_tcp;             /* matches udp (or another protocol's) ports only */
    const char *jump;        /* jump/goto target */
    const char *verdict;     /* "drop", "reject", "accept", ...; NULL none */
    qt_buf desc;
};

static unsigned family_bits(const char *fam)
{
    if (!strcmp(fam, "ip"))
        return QT_FW_V4;
    if (!strcmp(fam, "ip6"))
        return QT_FW_V6;
    if (!strcmp(fam, "inet"))
        return QT_FW_V4 | QT_FW_V6;
    return 0;   /* arp, bridge, netdev: not the input path of this host's sockets */
}

static void add_port_value(struct fw_ports *p, json_t *v)
{
    json_t *range;
    if (json_is_integer(v)) {
        fw_ports_add(p, (unsigned)json_integer_value(v), (unsigned)json_integer_value(v));
    } else if (json_is_object(v) && (range = json_object_get(v, "range")) && json_is_array(range) &&
               json_array_size(range) == 2 && json_is_integer(json_array_get(range, 0)) &&
               json_is_integer(json_array_get(range, 1))) {
        fw_ports_add(p, (unsigned)json_integer_value(json_array_get(range, 0)),
                     (unsigned)json_integer_value(json_array_get(range, 1)));
    } else {
        p->unknown = 1;   /* a named set (@ports), a map: not followed */
    }
}

/* "ip" / "ip6" when v is {"payload": {"protocol": ..., "field": "saddr"}} */
static const char *saddr_proto(json_t *v)
{
    json_t *pl = json_object_get(v, "payload");
    const char *proto = json_string_value(json_object_get(pl, "protocol"));
    const char *field = json_string_value(json_object_get(pl, "field"));
    if (proto && field && !strcmp(field, "saddr") && (!strcmp(proto, "ip") || !strcmp(proto, "ip6")))
        return proto;
    if (json_is_array(json_object_get(v, "concat"))) {
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(v, "concat"), i, e)
            if ((proto = saddr_proto(e)))
                return proto;
    }
    return NULL;
}

static void scan_match(struct rule_scan *s, json_t *m)
{
    json_t *left = json_object_get(m, "left"), *right = json_object_get(m, "right");
    const char *op = json_string_value(json_object_get(m, "op"));
    json_t *pl = json_object_get(left, "payload");
    const char *proto = json_string_value(json_object_get(pl, "protocol"));
    const char *field = json_string_value(json_object_get(pl, "field"));
    const char *meta = json_string_value(json_object_get(json_object_get(left, "meta"), "key"));

    if (proto && field && !strcmp(field, "dport")) {
        if (strcmp(proto, "tcp") && strcmp(proto, "th")) {
            s->not_tcp = 1;
            return;
        }
        if (op && strcmp(op, "==") && strcmp(op, "in")) {
            s->own.all = 0, s->own.unknown = 1;   /* != and friends: not followed */
            return;
        }
        if (json_is_object(right) && json_is_array(json_object_get(right, "set"))) {
            size_t i;
            json_t *e;
            json_array_foreach(json_object_get(right, "set"), i, e)
                add_port_value(&s->own, e);
        } else {
            add_port_value(&s->own, right);
        }
        qt_buf_puts(&s->desc, "tcp dport ");
        return;
    }
    if (proto && (!strcmp(proto, "ip") || !strcmp(proto, "ip6")))
        s->r.fam &= !strcmp(proto, "ip") ? QT_FW_V4 : QT_FW_V6;
    if (meta && !strcmp(meta, "nfproto") && json_is_string(right))
        s->r.fam &= !strcmp(json_string_value(right), "ipv4") ? QT_FW_V4 : QT_FW_V6;
    if (meta && !strcmp(meta, "l4proto") && json_is_string(right) && strcmp(json_string_value(right), "tcp"))
        s->not_tcp = 1;
}

static void set_rate(struct rule_scan *s, json_t *lim)
{
    snprintf(s->r.rate, sizeof s->r.rate, "%lld/%s", (long long)json_integer_value(json_object_get(lim, "rate")),
             json_string_value(json_object_get(lim, "per")) ? json_string_value(json_object_get(lim, "per")) : "?");
}

/* A limit statement (ct count or limit), per IP when key names a saddr. */
static void scan_limit(struct rule_scan *s, const char *name, json_t *v, const char *key_proto)
{
    int inv = json_is_true(json_object_get(v, "inv"));
    if (!strcmp(name, "ct count")) {
        s->r.kind = QT_FW_CT_COUNT;
        s->r.count = (long)json_integer_value(json_object_get(v, "val"));
    } else if (!strcmp(name, "limit")) {
        s->r.kind = QT_FW_RATE;
        set_rate(s, v);
    } else {
        return;
    }
    s->is_limit = 1;
    s->r.per_ip = key_proto != NULL;
    if (key_proto)
        s->r.fam &= !strcmp(key_proto, "ip") ? QT_FW_V4 : QT_FW_V6;
    /* "over" (inv) matches what exceeds the limit: a drop/reject after it limits */
    s->r.blocks = inv ? 1 : 0;
    if (s->r.kind == QT_FW_CT_COUNT)
        qt_buf_printf(&s->desc, "%s%sct count %s%ld", key_proto ? key_proto : "", key_proto ? " saddr " : "",
                      inv ? "over " : "", s->r.count);
    else
        qt_buf_printf(&s->desc, "%s%slimit rate %s%s", key_proto ? key_proto : "", key_proto ? " saddr " : "",
                      inv ? "over " : "", s->r.rate);
    qt_buf_puts(&s->desc, key_proto ? " (per IP), " : " (total, not per IP), ");
}

static void scan_keyed(struct rule_scan *s, json_t *v, const char *keyname)
{
    const char *proto = saddr_proto(json_object_get(v, keyname));
    json_t *st = json_object_get(v, "stmt");
    const char *k;
    json_t *inner;
    size_t i;
    json_t *e;

    if (json_is_object(st)) {
        json_object_foreach(st, k, inner)
            scan_limit(s, k, inner, proto);
    } else if (json_is_array(st)) {
        json_array_foreach(st, i, e)
            json_object_foreach(e, k, inner)
                scan_limit(s, k, inner, proto);
    }
}

static void xt_note(qt_firewall *fw, const char *name)
{
    size_t len = strlen(fw->xt_names);
    char want[48];
    snprintf(want, sizeof want, "%s", name);
    for (const char *p = fw->xt_names; (p = strstr(p, want)); p += strlen(want))
        if ((p == fw->xt_names || p[-1] == ' ') && (p[strlen(want)] == ',' || p[strlen(want)] == '\0'))
            return;
    snprintf(fw->xt_names + len, sizeof fw->xt_names - len, "%s%s", len ? ", " : "", name);
}

static void scan_expr(qt_firewall *fw, struct rule_scan *s, const char *k, json_t *v)
{
    if (!strcmp(k, "match")) {
        scan_match(s, v);
    } else if (!strcmp(k, "ct count") || !strcmp(k, "limit")) {
        scan_limit(s, k, v, NULL);
    } else if (!strcmp(k, "set")) {
        scan_keyed(s, v, "elem");
    } else if (!strcmp(k, "meter")) {
        scan_keyed(s, v, "key");
    } else if (!strcmp(k, "xt")) {
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *type = json_string_value(json_object_get(v, "type"));
        if (!name)
            return;
        xt_note(fw, name);
        if (type && !strcmp(type, "target")) {
            if (!strcmp(name, "REJECT") || !strcmp(name, "DROP"))
                s->verdict = "reject";
        } else if (!strcmp(name, "connlimit") || !strcmp(name, "hashlimit")) {
            /* nft shows only the name: the limit and its mode are not in the JSON */
            s->is_limit = 1;
            /* xt hashlimit is a rate whatever its mode: never a connection count */
            s->r.kind = !strcmp(name, "hashlimit") ? QT_FW_HASHLIMIT : QT_FW_XT;
            s->r.per_ip = -1;
            s->r.blocks = 1;
            qt_buf_printf(&s->desc, "xt %s (its parameters are not in nft's output), ", name);
        } else if (!strcmp(name, "multiport")) {
            s->own.all = 0, s->own.unknown = 1;
        }
    } else if (!strcmp(k, "jump") || !strcmp(k, "goto")) {
        s->jump = json_string_value(json_object_get(v, "target"));
    } else if (!strcmp(k, "drop") || !strcmp(k, "reject") || !strcmp(k, "accept") || !strcmp(k, "return")) {
        s->verdict = k;
    }
}

static void scan_rule(qt_firewall *fw, struct fw_graph *g, json_t *rule)
{
    const char *fam = json_string_value(json_object_get(rule, "family"));
    const char *table = json_string_value(json_object_get(rule, "table"));
    const char *chain = json_string_value(json_object_get(rule, "chain"));
    json_t *expr = json_object_get(rule, "expr"), *e, *v;
    struct rule_scan s;
    const char *k;
    size_t i;

    if (!fam || !table || !chain || !json_is_array(expr) || !family_bits(fam))
        return;
    fw->total++;
    memset(&s, 0, sizeof s);
    s.r.fam = family_bits(fam);
    s.r.mask = -1;
    s.r.origin = "nft";
    fw_ports_all(&s.own);
    json_array_foreach(expr, i, e)
        json_object_foreach(e, k, v)
            scan_expr(fw, &s, k, v);
    if (s.not_tcp || !s.r.fam) {
        qt_buf_free(&s.desc);
        return;
    }
    if (s.jump)
        fw_jump_add(g, table, chain, s.jump, &s.own);
    if (s.is_limit) {
        qt_buf t = {0};
        struct qt_fw_rule fake = {.ports_unknown = s.own.unknown, .nports = s.own.all ? 0 : s.own.n};
        memcpy(fake.ports, s.own.r, sizeof s.own.r);
        if (s.r.blocks && (!s.verdict || (strcmp(s.verdict, "drop") && strcmp(s.verdict, "reject"))))
            s.r.blocks = 0;
        qt_buf_printf(&t, "%s %s (handle %lld): tcp dport ", table, chain,
                      (long long)json_integer_value(json_object_get(rule, "handle")));
        fw_ports_str(&fake, &t);
        qt_buf_puts(&t, ", ");
        /* desc has "tcp dport " markers only for the port match: drop them */
        for (const char *d = qt_buf_str(&s.desc); *d;) {
            if (!strncmp(d, "tcp dport ", 10)) {
                d += 10;
                continue;
            }
            qt_buf_putc(&t, *d++);
        }
        qt_buf_puts(&t, s.jump ? "jump" : s.verdict ? s.verdict : "no verdict");
        s.r.text = qt_buf_steal(&t);
        fw_pending_add(g, table, chain, &s.r, &s.own);
    }
    qt_buf_free(&s.desc);
}

static void scan_chain(qt_firewall *fw, struct fw_graph *g, json_t *c)
{
    const char *fam = json_string_value(json_object_get(c, "family"));
    const char *table = json_string_value(json_object_get(c, "table"));
    const char *name = json_string_value(json_object_get(c, "name"));
    const char *hook = json_string_value(json_object_get(c, "hook"));
    (void)fw;
    if (!fam || !table || !name || !family_bits(fam))
        return;
    fw_chain_get(g, table, name)->base_input = hook && !strcmp(hook, "input");
}

/* iptables-nft's tables: family ip/ip6, the names iptables(8) knows */
static int ipt_table(json_t *t)
{
    static const char *const names[] = {"filter", "nat", "mangle", "raw", "security"};
    const char *fam = json_string_value(json_object_get(t, "family"));
    const char *name = json_string_value(json_object_get(t, "name"));
    if (!fam || !name || (strcmp(fam, "ip") && strcmp(fam, "ip6")))
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i]))
            return 1;
    return 0;
}

int qt_fw_parse_nft(qt_firewall *fw, const char *json, size_t len, char *err, size_t n)
{
    json_error_t jerr;
    json_t *root = json_loadb(json, len, 0, &jerr), *arr, *e, *v;
    struct fw_graph g = {0};
    size_t i;

    if (!root) {
        snprintf(err, n, "nft JSON not readable: line %d: %s", jerr.line, jerr.text);
        return -1;
    }
    if (!json_is_array(arr = json_object_get(root, "nftables"))) {
        snprintf(err, n, "nft JSON without an \"nftables\" array");
        json_decref(root);
        return -1;
    }
    /* tables and chains first: a chain's table family decides its rules' tables
     * (chain names are per table; the same name in ip and ip6 tables is kept apart) */
    json_array_foreach(arr, i, e) {
        if ((v = json_object_get(e, "table")) && json_is_object(v)) {
            fw->nft_tables++;
            fw->nft_ipt_tables += (unsigned)ipt_table(v);
        }
    }
    json_array_foreach(arr, i, e) {
        if ((v = json_object_get(e, "chain")) && json_is_object(v)) {
            json_t *fam = json_object_get(v, "family");
            json_t *tab = json_object_get(v, "table");
            char key[96];
            if (!json_is_string(fam) || !json_is_string(tab))
                continue;
            snprintf(key, sizeof key, "%s %s", json_string_value(fam), json_string_value(tab));
            json_object_set_new(v, "table", json_string(key));
            scan_chain(fw, &g, v);
        }
    }
    json_array_foreach(arr, i, e) {
        if ((v = json_object_get(e, "rule")) && json_is_object(v)) {
            json_t *fam = json_object_get(v, "family");
            json_t *tab = json_object_get(v, "table");
            char key[96];
            if (!json_is_string(fam) || !json_is_string(tab))
                continue;
            snprintf(key, sizeof key, "%s %s", json_string_value(fam), json_string_value(tab));
            json_object_set_new(v, "table", json_string(key));
            scan_rule(fw, &g, v);
        }
    }
    fw_graph_resolve(&g, fw);
    json_decref(root);
    return 0;
}
