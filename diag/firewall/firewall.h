/* firewall.h - the live packet filter, read-only (issue 18, docs/firewall.md):
 * the rules that limit connections or their rate, per source IP or in
 * total, which watched ports they cover, and the one writer of firewall
 * lines qtriage suggests (never runs).
 *
 * Sources: the nftables ruleset through libnftables as JSON (iptables-nft
 * rules are in it; matches nft cannot translate are `xt` expressions, named
 * in qt_firewall.xt_names), and legacy iptables through iptables-legacy-save /
 * ip6tables-legacy-save when legacy tables are in use. Parsing is pure
 * (qt_fw_parse_*: text or JSON in, rules out); the runner (qt_fw_read) is
 * thin, so the tests feed recorded outputs (tests/fixtures/firewall/).
 *
 * Memory: a qt_firewall owns its rules and their strings; qt_fw_free frees
 * them (the struct itself is the caller's).
 */
#ifndef QT_FIREWALL_H
#define QT_FIREWALL_H

#include <stddef.h>

#include "diag/core/ctx.h"
#include "diag/core/finding.h"
#include "diag/core/util.h"

#define QT_FW_V4 1u
#define QT_FW_V6 2u
#define QT_FW_MAXPORTS 16      /* port ranges kept per rule; more: ports_unknown */
#define QT_FW_MIN_LIMIT 8      /* the smallest per-IP limit suggested (connections) */

/* The tool whose lines qtriage suggests. */
enum qt_fw_tool {
    QT_FW_TOOL_IPTABLES = 0,   /* iptables and ip6tables (legacy or the nft backend) */
    QT_FW_TOOL_NFT,            /* nft: an nftables ruleset of its own is in use */
};

enum qt_fw_kind {
    QT_FW_CONNLIMIT,   /* iptables -m connlimit --connlimit-above N (count) */
    QT_FW_CT_COUNT,    /* nft ct count over N, in a set/meter keyed by saddr (per IP) or bare (total) */
    QT_FW_HASHLIMIT,   /* iptables -m hashlimit (rate; per IP with --hashlimit-mode srcip) */
    QT_FW_RATE,        /* iptables -m limit or nft limit rate (rate; per IP in a set/meter) */
    QT_FW_XT,          /* an iptables-nft match nft shows only by name (xt connlimit/hashlimit) */
};

struct qt_fw_range {
    unsigned lo, hi;
};

struct qt_fw_rule {
    char *text;             /* how the admin wrote it (iptables) or nft's words for it, one line */
    const char *origin;     /* static: "nft", "iptables-legacy", "ip6tables-legacy" */
    unsigned fam;           /* QT_FW_V4 | QT_FW_V6: the families it can match */
    enum qt_fw_kind kind;
    int per_ip;             /* 1 per source address (or prefix), 0 one total for all, -1 not shown (xt) */
    long count;             /* connection kinds: the limit (above/over N); 0 for rates */
    char rate[32];          /* rate kinds: "5/minute"; "" */
    int mask;               /* connlimit prefix length; -1 not given */
    int blocks;             /* its verdict drops or rejects what goes over the limit */
    int input;              /* in a chain the input hook (INPUT) reaches; output/forward are not */
    int nports;             /* port ranges it matches (tcp dport), 0 = every port */
    struct qt_fw_range ports[QT_FW_MAXPORTS];
    int ports_unknown;      /* a port match qtriage cannot read (negated, xt multiport): covers nothing sure */
};

/* One watched service, as the coverage check needs it. */
struct qt_fw_service {
    const char *name;       /* "smtps" */
    unsigned port;
    unsigned fam;           /* families it listens on for other hosts (not only loopback); 0 = skip */
    long fe_limit;          /* per-IP limit the front end enforces itself (MAXCONNIP), -1 none */
    const char *fe_source;  /* where fe_limit comes from ("MAXCONNIP in the rules cdb") */
    unsigned peak;          /* largest per-IP count seen from a source past the TLS handshake */
};

typedef struct qt_firewall {
    struct qt_fw_rule *rules;   /* only rules with a limit (kinds above); the rest is counted */
    size_t nrules, cap;
    unsigned total;             /* every rule read, limits or not */
    int nft_read;               /* libnftables listed the ruleset */
    unsigned nft_tables;        /* tables in it */
    unsigned nft_ipt_tables;    /* of them, tables iptables-nft made (ip/ip6 filter, nat, ...) */
    char nft_why[200];          /* why it was not read; "" */
    char xt_names[160];         /* xt matches seen in the nft ruleset, "connlimit, multiport"; "" */
    int legacy_in_use[2];       /* [0] IPv4, [1] IPv6: /proc/net/ip{,6}_tables_names not empty (1),
                                   empty or absent (0), not readable (-1, legacy_why says why) */
    int legacy_read[2];
    char legacy_why[2][200];    /* why a legacy table set in use was not read; "" */
    enum qt_fw_tool tool;       /* qt_fw_pick_tool() */
    struct qt_fw_service svc[QT_MAX_SERVICES];   /* filled by the collector (diag/lint/firewall_collector.c) */
    char svc_names[QT_MAX_SERVICES][32];
    int nsvc;
} qt_firewall;

/* --- parsing (pure) --- */

/* Add the limiting rules of `nft -j list ruleset` output (json, len bytes)
 * to fw, with the chains the input hook reaches (jumps and gotos followed,
 * the jump's port match carried into the chain). Returns 0, or -1 with a
 * reason in err (not JSON, no "nftables" array). Sets nft_tables,
 * nft_ipt_tables, xt_names. */
int qt_fw_parse_nft(qt_firewall *fw, const char *json, size_t len, char *err, size_t n);

/* Add the limiting rules of iptables-save output (text, len bytes) for one
 * family (QT_FW_V4 or QT_FW_V6); origin is a static name for the rules.
 * Only the filter table's INPUT and the chains it jumps to count as input.
 * Lines it cannot read are skipped. Returns the rules read (all, not only
 * limits). */
int qt_fw_parse_save(qt_firewall *fw, const char *text, size_t len, unsigned fam, const char *origin);

/* After parsing: nft when an nftables ruleset of its own is in use (tables
 * other than iptables-nft's), else iptables. Sets and returns fw->tool. */
enum qt_fw_tool qt_fw_pick_tool(qt_firewall *fw);

/* 1 when rule r matches port (its own port match and the chain's). */
int qt_fw_rule_has_port(const struct qt_fw_rule *r, unsigned port);

void qt_fw_free(qt_firewall *fw);

/* --- reading the live system (fw_read.c) --- */

/* Read the live ruleset into fw: nftables through libnftables (when built
 * with it: "nftables not read: built without libnftables"), then the legacy
 * tables in use (<proc>/net/ip{,6}_tables_names) through
 * /usr/sbin/ip{,6}tables-legacy-save (fixed paths, checked by trust.h, no
 * shell, 3 s deadline, output capped), as root only. What could not be read
 * is said in nft_why/legacy_why. Always picks the tool. */
void qt_fw_read(qt_firewall *fw, const qt_ctx *ctx);

/* --- analysis (fw_check.c) --- */

/* The findings "firewall.per-ip:SERVICE" for each service with fam != 0:
 * WARN no per-IP connection limit (or IPv4/IPv6 only), with the lines to
 * add for the tool in use; INFO covered, naming the rule or the front end's
 * own limit; INFO when the ruleset could not be read. */
void qt_fw_analyse(const qt_firewall *fw, qt_findings *out);

/* A rule that limits connections per client IP on port for every family in
 * fam (docs/firewall.md "Which rules count"): the IPv4 one when both are
 * asked; NULL when a family is not covered. fw may be NULL (NULL). */
const struct qt_fw_rule *qt_fw_port_limit(const qt_firewall *fw, unsigned port, unsigned fam);
/* The families the service on port listens on for other hosts (fw->svc),
 * QT_FW_V4 | QT_FW_V6 when fw does not know the port. */
unsigned qt_fw_port_fam(const qt_firewall *fw, unsigned port);

/* The per-IP limit to suggest: max(QT_FW_MIN_LIMIT, 2 x peak). */
unsigned qt_fw_limit_for(unsigned peak);

/* --- the one writer of firewall lines (fw_suggest.c) --- */

/* Lines, one command per line (comments start with "#"), that limit every
 * client to `limit` connections on port, for the families in fam, in the
 * tool's words; with rate != 0 also at most 5 new connections a minute per
 * client. Appended to out. */
void qt_fw_lines_limit(enum qt_fw_tool tool, unsigned fam, unsigned port, const char *svcname,
                       unsigned limit, int rate, qt_buf *out);
/* Lines that drop ip (text form; family AF_INET or AF_INET6) on port and
 * close what it holds (ss -K), appended to out. */
void qt_fw_lines_block(enum qt_fw_tool tool, int family, const char *ip, unsigned port, qt_buf *out);
/* The lines for one port as the Ports pane's `b` dialog and the Ports and
 * servers findings show them: limit every client of family (AF_INET or
 * AF_INET6; 0: both) on port to qt_fw_limit_for(the service's peak in fw)
 * connections and 5 new ones a minute, and when ip is not NULL drop it
 * there (qt_fw_lines_block). When a rule in fw limits each client on the
 * port already, a comment naming it replaces the limit lines. fw may be
 * NULL (no firewall model: iptables words, the minimum limit). */
void qt_fw_lines_port(const qt_firewall *fw, int family, const char *ip, unsigned port, const char *svcname,
                      qt_buf *out);
/* The tool in use: fw->tool, iptables when fw is NULL. */
enum qt_fw_tool qt_fw_tool_of(const qt_firewall *fw);
/* "nft" or "iptables" (for titles and help). */
const char *qt_fw_tool_name(enum qt_fw_tool tool);

#endif
