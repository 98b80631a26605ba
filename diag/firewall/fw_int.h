/* fw_int.h - inside diag/firewall: the chain graph both parsers fill and
 * resolve (which chains the input hook reaches, and for which ports). */
#ifndef QT_FW_INT_H
#define QT_FW_INT_H

#include "diag/firewall/firewall.h"

/* A set of tcp destination ports: every port, some ranges, or unknown. */
struct fw_ports {
    int all, unknown, n;
    struct qt_fw_range r[QT_FW_MAXPORTS];
};

struct fw_chain {
    char table[64], name[64];
    int base_input;          /* a base chain on the input hook (nft) / the filter INPUT chain */
    int reached;
    struct fw_ports entry;   /* the ports that can enter it */
};

struct fw_jump {
    char table[64], from[64], to[64];
    struct fw_ports ports;   /* the jump rule's own port match */
};

struct fw_pending {
    char table[64], chain[64];
    struct qt_fw_rule rule;  /* ports filled at resolve time from own */
    struct fw_ports own;
};

struct fw_graph {
    struct fw_chain *c;
    size_t nc, capc;
    struct fw_jump *j;
    size_t nj, capj;
    struct fw_pending *p;
    size_t np, capp;
};

void fw_ports_all(struct fw_ports *p);
void fw_ports_add(struct fw_ports *p, unsigned lo, unsigned hi);
struct fw_chain *fw_chain_get(struct fw_graph *g, const char *table, const char *name);
void fw_jump_add(struct fw_graph *g, const char *table, const char *from, const char *to, const struct fw_ports *ports);
/* Takes ownership of rule->text. */
void fw_pending_add(struct fw_graph *g, const char *table, const char *chain, struct qt_fw_rule *rule,
                    const struct fw_ports *own);
/* Follow the jumps from the input base chains, move the pending rules into
 * fw (input flag and effective ports set) and free the graph. */
void fw_graph_resolve(struct fw_graph *g, qt_firewall *fw);
/* Port ranges as text: "465", "{25,465,587}", "110-143", "any", "?". */
void fw_ports_str(const struct qt_fw_rule *r, qt_buf *out);

#endif
