/* fw_suggest.c - the one writer of the firewall lines qtriage suggests
 * (the firewall findings, the servers lint's one-IP fix, the Ports pane's
 * `b` dialog): in nft(8) words when an nftables ruleset of its own is in
 * use, else iptables/ip6tables (iptables-extensions(8) connlimit,
 * hashlimit). qtriage never runs them. The nft lines keep to a table of
 * their own ("inet qtriage") so they neither touch nor depend on the
 * admin's tables; a dynamic set per port and family counts connections per
 * source address (nft(8) "SET STATEMENT": add @set { ip saddr ct count over N }). */
#include "diag/firewall/firewall.h"

#include <string.h>
#include <sys/socket.h>

static void nft_base(qt_buf *out)
{
    qt_buf_puts(out, "nft add table inet qtriage\n");
    qt_buf_puts(out, "nft add chain inet qtriage input '{ type filter hook input priority filter - 10; }'\n");
}

static void nft_limit(unsigned fam, unsigned port, unsigned limit, int rate, qt_buf *out)
{
    nft_base(out);
    for (int v6 = 0; v6 < 2; v6++) {
        const char *ip = v6 ? "ip6" : "ip", *type = v6 ? "ipv6_addr" : "ipv4_addr";
        if (!(fam & (v6 ? QT_FW_V6 : QT_FW_V4)))
            continue;
        qt_buf_printf(out, "nft add set inet qtriage qt%uv%d '{ type %s; flags dynamic; }'\n", port, v6 ? 6 : 4, type);
        qt_buf_printf(out, "nft add rule inet qtriage input tcp dport %u ct state new add @qt%uv%d '{ %s saddr ct count over %u }' reject with tcp reset\n",
                      port, port, v6 ? 6 : 4, ip, limit);
        if (rate)
            qt_buf_printf(out, "nft add rule inet qtriage input tcp dport %u ct state new meter qt%ur%d '{ %s saddr limit rate over 5/minute burst 5 packets }' drop\n",
                          port, port, v6 ? 6 : 4, ip);
    }
}

static void ipt_limit(unsigned fam, unsigned port, unsigned limit, int rate, qt_buf *out)
{
    for (int v6 = 0; v6 < 2; v6++) {
        const char *ipt = v6 ? "ip6tables" : "iptables";
        if (!(fam & (v6 ? QT_FW_V6 : QT_FW_V4)))
            continue;
        qt_buf_printf(out, "%s -I INPUT -p tcp --syn --dport %u -m connlimit --connlimit-above %u --connlimit-mask %d -j REJECT --reject-with tcp-reset\n",
                      ipt, port, limit, v6 ? 128 : 32);
        if (rate)
            qt_buf_printf(out, "%s -I INPUT -p tcp --syn --dport %u -m hashlimit --hashlimit-name qt%u --hashlimit-mode srcip --hashlimit-above 5/minute --hashlimit-burst 5 -j DROP\n",
                          ipt, port, port);
    }
}

void qt_fw_lines_limit(enum qt_fw_tool tool, unsigned fam, unsigned port, const char *svcname,
                       unsigned limit, int rate, qt_buf *out)
{
    qt_buf_printf(out, "# every client: at most %u connections%s on port %u (%s)\n", limit,
                  rate ? " and 5 new ones a minute" : "", port, svcname ? svcname : "?");
    if (tool == QT_FW_TOOL_NFT)
        nft_limit(fam, port, limit, rate, out);
    else
        ipt_limit(fam, port, limit, rate, out);
}

void qt_fw_lines_block(enum qt_fw_tool tool, int family, const char *ip, unsigned port, qt_buf *out)
{
    qt_buf_printf(out, "# drop %s on port %u\n", ip, port);
    if (tool == QT_FW_TOOL_NFT) {
        nft_base(out);
        qt_buf_printf(out, "nft add rule inet qtriage input %s saddr %s tcp dport %u drop\n",
                      family == AF_INET6 ? "ip6" : "ip", ip, port);
    } else {
        qt_buf_printf(out, "%s -I INPUT -s %s -p tcp --dport %u -j DROP\n",
                      family == AF_INET6 ? "ip6tables" : "iptables", ip, port);
    }
    qt_buf_puts(out, "# close what it already holds (kernel with CONFIG_INET_DIAG_DESTROY)\n");
    if (family == AF_INET6)
        qt_buf_printf(out, "ss -K dst [%s] sport = :%u\n", ip, port);
    else
        qt_buf_printf(out, "ss -K dst %s sport = :%u\n", ip, port);
}

enum qt_fw_tool qt_fw_tool_of(const qt_firewall *fw)
{
    return fw ? fw->tool : QT_FW_TOOL_IPTABLES;
}

void qt_fw_lines_port(const qt_firewall *fw, int family, const char *ip, unsigned port, const char *svcname,
                      qt_buf *out)
{
    unsigned peak = 0, fam = family == AF_INET6 ? QT_FW_V6 : family == AF_INET ? QT_FW_V4 : QT_FW_V4 | QT_FW_V6;
    const struct qt_fw_rule *r;

    for (int i = 0; fw && i < fw->nsvc; i++)
        if (fw->svc[i].port == port)
            peak = fw->svc[i].peak;
    if ((r = qt_fw_port_limit(fw, port, fam))) {
        /* nothing to add: say which rule limits it (its text is the ruleset's: escaped) */
        qt_buf_printf(out, "# every client is limited on port %u already: ", port);
        qt_buf_put_safe(out, r->text, strlen(r->text));
        qt_buf_putc(out, '\n');
    } else {
        qt_fw_lines_limit(qt_fw_tool_of(fw), fam, port, svcname, qt_fw_limit_for(peak), 1, out);
    }
    if (ip)
        qt_fw_lines_block(qt_fw_tool_of(fw), family, ip, port, out);
}
