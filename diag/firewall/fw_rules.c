/* fw_rules.c - the rule list and the chain graph shared by the nft and the
 * iptables-save parsers: which chains the input hook reaches (nft(8)
 * "CHAINS": base chains and jump/goto; iptables(8) "TARGETS": user-defined
 * chains) and with which destination ports. */
#include "diag/firewall/fw_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fw_ports_all(struct fw_ports *p)
{
    memset(p, 0, sizeof *p);
    p->all = 1;
}

void fw_ports_add(struct fw_ports *p, unsigned lo, unsigned hi)
{
    p->all = 0;
    if (p->n >= QT_FW_MAXPORTS) {
        p->unknown = 1;
        return;
    }
    p->r[p->n].lo = lo < hi ? lo : hi;
    p->r[p->n].hi = lo < hi ? hi : lo;
    p->n++;
}

static void ports_meet(const struct fw_ports *a, const struct fw_ports *b, struct fw_ports *out)
{
    if (a->all) {
        *out = *b;
        return;
    }
    if (b->all) {
        *out = *a;
        return;
    }
    memset(out, 0, sizeof *out);
    out->unknown = a->unknown || b->unknown;
    for (int i = 0; i < a->n; i++)
        for (int k = 0; k < b->n; k++) {
            unsigned lo = a->r[i].lo > b->r[k].lo ? a->r[i].lo : b->r[k].lo;
            unsigned hi = a->r[i].hi < b->r[k].hi ? a->r[i].hi : b->r[k].hi;
            if (lo <= hi)
                fw_ports_add(out, lo, hi);
        }
}

/* a |= b; returns 1 when a grew */
static int ports_join(struct fw_ports *a, const struct fw_ports *b)
{
    int grew = 0;
    if (a->all)
        return 0;
    if (b->all) {
        fw_ports_all(a);
        return 1;
    }
    if (b->unknown && !a->unknown)
        a->unknown = grew = 1;
    for (int k = 0; k < b->n; k++) {
        int have = 0;
        for (int i = 0; i < a->n && !have; i++)
            have = a->r[i].lo <= b->r[k].lo && b->r[k].hi <= a->r[i].hi;
        if (!have) {
            fw_ports_add(a, b->r[k].lo, b->r[k].hi);
            grew = 1;
        }
    }
    return grew;
}

struct fw_chain *fw_chain_get(struct fw_graph *g, const char *table, const char *name)
{
    struct fw_chain *c;
    for (size_t i = 0; i < g->nc; i++)
        if (!strcmp(g->c[i].table, table) && !strcmp(g->c[i].name, name))
            return &g->c[i];
    qt_grow(&g->c, &g->capc, g->nc + 1, sizeof *g->c);
    c = &g->c[g->nc++];
    memset(c, 0, sizeof *c);
    snprintf(c->table, sizeof c->table, "%s", table);
    snprintf(c->name, sizeof c->name, "%s", name);
    return c;
}

void fw_jump_add(struct fw_graph *g, const char *table, const char *from, const char *to, const struct fw_ports *ports)
{
    struct fw_jump *j;
    qt_grow(&g->j, &g->capj, g->nj + 1, sizeof *g->j);
    j = &g->j[g->nj++];
    snprintf(j->table, sizeof j->table, "%s", table);
    snprintf(j->from, sizeof j->from, "%s", from);
    snprintf(j->to, sizeof j->to, "%s", to);
    j->ports = *ports;
}

void fw_pending_add(struct fw_graph *g, const char *table, const char *chain, struct qt_fw_rule *rule,
                    const struct fw_ports *own)
{
    struct fw_pending *p;
    qt_grow(&g->p, &g->capp, g->np + 1, sizeof *g->p);
    p = &g->p[g->np++];
    snprintf(p->table, sizeof p->table, "%s", table);
    snprintf(p->chain, sizeof p->chain, "%s", chain);
    p->rule = *rule;
    p->own = *own;
    rule->text = NULL;
}

static void rule_push(qt_firewall *fw, const struct qt_fw_rule *r)
{
    qt_grow(&fw->rules, &fw->cap, fw->nrules + 1, sizeof *fw->rules);
    fw->rules[fw->nrules++] = *r;
}

void fw_graph_resolve(struct fw_graph *g, qt_firewall *fw)
{
    for (size_t i = 0; i < g->nc; i++)
        if (g->c[i].base_input) {
            g->c[i].reached = 1;
            fw_ports_all(&g->c[i].entry);
        }
    /* a chain reached by a jump takes the jump rule's ports; chains are a
     * DAG (nft and iptables refuse loops), so at most nc rounds settle it */
    for (size_t round = 0, grew = 1; grew && round <= g->nc; round++) {
        grew = 0;
        for (size_t k = 0; k < g->nj; k++) {
            struct fw_chain *from = fw_chain_get(g, g->j[k].table, g->j[k].from);
            struct fw_chain *to;
            struct fw_ports eff;
            if (!from->reached)
                continue;
            ports_meet(&from->entry, &g->j[k].ports, &eff);
            to = fw_chain_get(g, g->j[k].table, g->j[k].to);
            if (!to->reached) {
                to->reached = 1;
                to->entry = eff;
                grew = 1;
            } else {
                grew |= (size_t)ports_join(&to->entry, &eff);
            }
        }
    }
    for (size_t i = 0; i < g->np; i++) {
        struct fw_pending *p = &g->p[i];
        struct fw_chain *c = fw_chain_get(g, p->table, p->chain);
        struct fw_ports eff;
        if (c->reached) {
            p->rule.input = 1;
            ports_meet(&c->entry, &p->own, &eff);
        } else {
            eff = p->own;
        }
        p->rule.nports = eff.all ? 0 : eff.n;
        memcpy(p->rule.ports, eff.r, sizeof eff.r);
        p->rule.ports_unknown = eff.unknown;
        if (!eff.all && eff.n == 0 && !eff.unknown)
            p->rule.input = 0, p->rule.ports_unknown = 1;   /* the chain's ports and its own do not meet */
        rule_push(fw, &p->rule);
    }
    free(g->c);
    free(g->j);
    free(g->p);
    memset(g, 0, sizeof *g);
}

int qt_fw_rule_has_port(const struct qt_fw_rule *r, unsigned port)
{
    if (r->ports_unknown)
        return 0;
    if (r->nports == 0)
        return 1;
    for (int i = 0; i < r->nports; i++)
        if (r->ports[i].lo <= port && port <= r->ports[i].hi)
            return 1;
    return 0;
}

void fw_ports_str(const struct qt_fw_rule *r, qt_buf *out)
{
    if (r->ports_unknown) {
        qt_buf_puts(out, "?");
        return;
    }
    if (r->nports == 0) {
        qt_buf_puts(out, "any");
        return;
    }
    if (r->nports > 1)
        qt_buf_putc(out, '{');
    for (int i = 0; i < r->nports; i++) {
        if (i)
            qt_buf_putc(out, ',');
        if (r->ports[i].lo == r->ports[i].hi)
            qt_buf_printf(out, "%u", r->ports[i].lo);
        else
            qt_buf_printf(out, "%u-%u", r->ports[i].lo, r->ports[i].hi);
    }
    if (r->nports > 1)
        qt_buf_putc(out, '}');
}

enum qt_fw_tool qt_fw_pick_tool(qt_firewall *fw)
{
    /* nft only when the admin keeps an nftables ruleset of their own: the
     * tables iptables-nft makes are managed with iptables (iptables-nft(8)) */
    int legacy = fw->legacy_in_use[0] > 0 || fw->legacy_in_use[1] > 0;
    fw->tool = !legacy && fw->nft_tables > fw->nft_ipt_tables ? QT_FW_TOOL_NFT : QT_FW_TOOL_IPTABLES;
    return fw->tool;
}

const char *qt_fw_tool_name(enum qt_fw_tool tool)
{
    return tool == QT_FW_TOOL_NFT ? "nft" : "iptables";
}

unsigned qt_fw_limit_for(unsigned peak)
{
    return peak * 2 > QT_FW_MIN_LIMIT ? peak * 2 : QT_FW_MIN_LIMIT;
}

void qt_fw_free(qt_firewall *fw)
{
    for (size_t i = 0; i < fw->nrules; i++)
        free(fw->rules[i].text);
    free(fw->rules);
    fw->rules = NULL;
    fw->nrules = fw->cap = 0;
}
