/* fw_save.c - the limiting rules of iptables-save output (iptables-save(8)
 * format: "*table", ":CHAIN POLICY", "-A CHAIN match... -j TARGET",
 * "COMMIT"), matches as iptables-extensions(8) writes them: connlimit
 * (--connlimit-above, --connlimit-mask, --connlimit-saddr/daddr), hashlimit
 * (--hashlimit-above/--hashlimit-upto, --hashlimit-mode), limit (--limit),
 * tcp/multiport destination ports. Only the filter table's INPUT chain and
 * the chains it jumps to are the input path. */
#include "diag/firewall/fw_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXWORDS 96

struct save_rule {
    struct qt_fw_rule r;
    struct fw_ports own;
    int is_limit, not_tcp, hash_srcip, hash_above, daddr;
    const char *target;
};

static void parse_ports(struct fw_ports *p, const char *w)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", w);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        unsigned long lo, hi;
        char *colon = strchr(t, ':');
        if (colon)
            *colon = '\0';
        if (qt_parse_ulong(t, &lo) != 0 || lo > 65535) {
            p->all = 0, p->unknown = 1;   /* a service name: iptables-save writes numbers */
            continue;
        }
        hi = lo;
        if (colon && (qt_parse_ulong(colon + 1, &hi) != 0 || hi > 65535))
            hi = 65535;
        fw_ports_add(p, (unsigned)lo, (unsigned)hi);
    }
}

static void scan_words(struct save_rule *s, char **w, int n)
{
    for (int i = 0; i < n; i++) {
        const char *a = w[i], *b = i + 1 < n ? w[i + 1] : "";
        if (!strcmp(a, "!") && i + 1 < n && (!strcmp(b, "--dport") || !strcmp(b, "--dports") ||
                                              !strcmp(b, "--destination-port"))) {
            s->own.all = 0, s->own.unknown = 1;
            i += 2;
        } else if (!strcmp(a, "-p") || !strcmp(a, "--protocol")) {
            s->not_tcp = strcmp(b, "tcp") != 0 && strcmp(b, "6") != 0;
            i++;
        } else if (!strcmp(a, "--dport") || !strcmp(a, "--dports") || !strcmp(a, "--destination-port")) {
            parse_ports(&s->own, b);
            i++;
        } else if (!strcmp(a, "--connlimit-above")) {
            s->is_limit = 1;
            s->r.kind = QT_FW_CONNLIMIT;
            s->r.count = strtol(b, NULL, 10);
            i++;
        } else if (!strcmp(a, "--connlimit-upto")) {
            s->is_limit = 1;   /* matches below the limit: an ACCEPT then, not a limit by itself */
            s->r.kind = QT_FW_CONNLIMIT;
            s->r.count = strtol(b, NULL, 10);
            s->r.blocks = -1;
            i++;
        } else if (!strcmp(a, "--connlimit-mask")) {
            s->r.mask = (int)strtol(b, NULL, 10);
            i++;
        } else if (!strcmp(a, "--connlimit-daddr")) {
            s->daddr = 1;
        } else if (!strcmp(a, "--hashlimit-above") || !strcmp(a, "--hashlimit-upto") ||
                   !strcmp(a, "--hashlimit")) {
            s->is_limit = 1;
            s->r.kind = QT_FW_HASHLIMIT;
            s->hash_above = !strcmp(a, "--hashlimit-above");
            snprintf(s->r.rate, sizeof s->r.rate, "%s", b);
            i++;
        } else if (!strcmp(a, "--hashlimit-mode")) {
            s->hash_srcip = strstr(b, "srcip") != NULL;
            i++;
        } else if (!strcmp(a, "--limit")) {
            s->is_limit = 1;
            s->r.kind = QT_FW_RATE;
            snprintf(s->r.rate, sizeof s->r.rate, "%s", b);
            i++;
        } else if (!strcmp(a, "-j") || !strcmp(a, "-g") || !strcmp(a, "--jump") || !strcmp(a, "--goto")) {
            s->target = b;
            i++;
        }
    }
}

static void finish_limit(struct save_rule *s)
{
    int drops = s->target && (!strcmp(s->target, "DROP") || !strcmp(s->target, "REJECT") ||
                              !strcmp(s->target, "TARPIT"));
    switch (s->r.kind) {
    case QT_FW_CONNLIMIT:
        s->r.per_ip = !s->daddr;
        s->r.blocks = s->r.blocks == -1 ? 0 : drops;
        break;
    case QT_FW_HASHLIMIT:
        s->r.per_ip = s->hash_srcip;
        s->r.blocks = s->hash_above && drops;
        break;
    default:   /* -m limit: one bucket for all (iptables-extensions(8) "limit") */
        s->r.per_ip = 0;
        s->r.blocks = 0;   /* it matches below the rate: an ACCEPT then, a drop after it limits */
        break;
    }
}

static int split(char *line, char **w, int max)
{
    int n = 0;
    for (char *save = NULL, *t = strtok_r(line, " \t", &save); t && n < max; t = strtok_r(NULL, " \t", &save))
        w[n++] = t;
    return n;
}

int qt_fw_parse_save(qt_firewall *fw, const char *text, size_t len, unsigned fam, const char *origin)
{
    struct fw_graph g = {0};
    char table[64] = "", *copy = qt_strndup(text, len), *w[MAXWORDS];
    const char *cmd = fam == QT_FW_V6 ? "ip6tables" : "iptables";
    int count = 0;

    for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        struct save_rule s;
        char *orig;
        int n;

        if (line[0] == '*') {
            snprintf(table, sizeof table, "%s", line + 1);
            continue;
        }
        if (line[0] == ':' && !strcmp(table, "filter")) {
            char name[64];
            snprintf(name, sizeof name, "%s", line + 1);
            name[strcspn(name, " ")] = '\0';
            fw_chain_get(&g, table, name)->base_input = !strcmp(name, "INPUT");
            continue;
        }
        if (strncmp(line, "-A ", 3) != 0)
            continue;
        count++;
        fw->total++;
        if (strcmp(table, "filter"))
            continue;
        orig = qt_strdup(line);
        n = split(line, w, MAXWORDS);
        memset(&s, 0, sizeof s);
        s.r.fam = fam;
        s.r.mask = -1;
        s.r.origin = origin;
        fw_ports_all(&s.own);
        scan_words(&s, w + 2, n - 2);
        if (!s.not_tcp && s.target && n > 1 && strcmp(s.target, "ACCEPT") && strcmp(s.target, "DROP") &&
            strcmp(s.target, "REJECT") && strcmp(s.target, "RETURN") && strcmp(s.target, "LOG"))
            fw_jump_add(&g, table, w[1], s.target, &s.own);
        if (s.is_limit && !s.not_tcp && n > 1) {
            finish_limit(&s);
            s.r.text = qt_asprintf("%s %s", cmd, orig);
            fw_pending_add(&g, table, w[1], &s.r, &s.own);
        }
        free(orig);
    }
    fw_graph_resolve(&g, fw);
    free(copy);
    return count;
}
