/* auth_wizdns.c - the wizard's step 6: control/helohost and me, A/AAAA,
 * PTR and FCrDNS through c-ares asking only --dns-server; see
 * auth_wizard.h. */
#include "diag/auth/auth_wizard.h"
#include "diag/auth/auth_wizard_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- 6. HELO and reverse DNS ---------- */

qt_job *qt_wiz_step_dns(qt_wizard *w)
{
    struct qt_wiz_result *r = &w->res[QT_WS_DNS];
    const char *helo;
    char err[200];
    qt_job *j;

    qt_wiz_read_control(w->ctx, "helohost", w->helohost, sizeof w->helohost);
    qt_wiz_read_control(w->ctx, "me", w->me, sizeof w->me);
    helo = w->helohost[0] ? w->helohost : w->me;
    r->command = qt_dns_commands(w->ctx->dns_server, helo, w->in.public_ip);
    qt_wiz_line(&r->detail, "control/helohost: %s", w->helohost[0] ? w->helohost : "(missing: qmail-remote uses control/me)");
    qt_wiz_line(&r->detail, "control/me: %s", w->me[0] ? w->me : "(missing)");
    qt_wiz_line(&r->detail, "public address: %s%s", w->in.public_ip[0] ? w->in.public_ip : "(unknown)",
                w->in.public_ip_derived ? " (from the outbound interface; behind NAT the public one differs: "
                "--public-ip)" : "");
    if (!helo[0]) {
        qt_wiz_set(r, QT_V_FAIL, NULL, "neither control/helohost nor control/me exists");
        qt_wiz_line(&r->explain, "qmail-remote refuses to run without a name to say in HELO.");
        qt_wiz_line(&r->fix, "echo mail.example.com > %s/control/me   # your server's public name",
                    qt_ctx_qmail_dir(w->ctx));
        return NULL;
    }
    if (!w->ctx->dns_server || !*w->ctx->dns_server) {
        qt_wiz_set(r, QT_V_SKIPPED, NULL, "no DNS server configured: nothing looked up (HELO name %s)", helo);
        qt_wiz_line(&r->explain, "qtriage never asks the machine's own resolver; give one with --dns-server IP[:PORT], "
                    "or run the commands shown.");
        return NULL;
    }
    j = qt_dns_job_new(w->ctx->dns_server, helo, w->in.public_ip, w->in.timeout < 8 ? w->in.timeout : 8, err,
                       sizeof err);
    if (!j) {
        qt_wiz_set(r, QT_V_WARN, NULL, "DNS not checked: %s", err);
        return NULL;
    }
    return j;
}

static void addrs_line(char **field, const char *what, const struct qt_dns_addrs *a)
{
    qt_buf b = {0};
    for (int i = 0; i < a->n; i++)
        qt_buf_printf(&b, "%s%s", i ? " " : "", a->addr[i]);
    qt_wiz_line(field, "%s: %s%s%s", what, qt_dns_status_name(a->st), a->n ? " " : "", qt_buf_str(&b));
    qt_buf_free(&b);
}

void qt_wiz_dns_collect(qt_wizard *w, qt_job *inner, int aborted)
{
    struct qt_wiz_result *r = &w->res[QT_WS_DNS];
    const struct qt_dns_facts *f = qt_dns_job_facts(inner);
    struct qt_fcrdns_verdict *v = &w->fcr;
    const char *helo = w->helohost[0] ? w->helohost : w->me;

    w->dns = *f;
    r->took = f->took;
    if (aborted) {
        qt_wiz_set(r, QT_V_SKIPPED, NULL, "aborted by the user");
        return;
    }
    w->dns_ran = 1;
    qt_wiz_line(&r->detail, "DNS server: %s (nothing else is asked)", f->server);
    addrs_line(&r->detail, "A of the HELO name", &f->helo_a);
    addrs_line(&r->detail, "AAAA of the HELO name", &f->helo_aaaa);
    {
        qt_buf b = {0};
        for (int i = 0; i < f->nptr; i++)
            qt_buf_printf(&b, "%s%s", i ? " " : "", f->ptr[i]);
        qt_wiz_line(&r->detail, "PTR of %s: %s %s", f->ip[0] ? f->ip : "(no address)", qt_dns_status_name(f->ptr_st),
                    qt_buf_str(&b));
        qt_buf_free(&b);
    }
    for (int i = 0; i < f->nptr; i++) {
        char what[300];
        snprintf(what, sizeof what, "A of %s", f->ptr[i]);
        addrs_line(&r->detail, what, &f->ptr_a[i]);
    }
    if (!f->ip[0]) {
        qt_wiz_set(r, QT_V_WARN, NULL, "public address unknown: only the HELO name was looked up");
        qt_wiz_line(&r->fix, "give it with --public-ip (or e in the wizard)");
        return;
    }
    qt_fcrdns_judge(f, v);
    switch (v->kind) {
    case QT_FCRDNS_PASS:
        if (v->helo_is_ptr)
            qt_wiz_set(r, QT_V_OK, NULL, "FCrDNS pass: %s", v->summary);
        else {
            qt_wiz_set(r, QT_V_WARN, NULL, "FCrDNS pass, but HELO says %s and the PTR says %s", helo, v->confirmed);
            qt_wiz_line(&r->explain, "receivers that compare the HELO name with the PTR name score or reject the mail.");
            qt_wiz_line(&r->fix, "echo %s > %s/control/helohost", v->confirmed, qt_ctx_qmail_dir(w->ctx));
        }
        return;
    case QT_FCRDNS_DNS_DOWN:
        qt_wiz_set(r, QT_V_WARN, NULL, "could not check: %s", v->summary);
        qt_wiz_line(&r->explain, "the DNS server %s did not answer within the deadline.", f->server);
        return;
    default:
        qt_wiz_set(r, QT_V_FAIL, NULL, "FCrDNS %s: %s", qt_fcrdns_name(v->kind), v->summary);
        break;
    }
    qt_wiz_line(&r->explain, "receivers check that the sending IP's PTR name resolves back to the IP "
                "(forward-confirmed reverse DNS); without it they reject or junk mail, and qmail-remote "
                "reports \"Connected to X but my name was rejected\" or \"sender was rejected\".");
    qt_wiz_line(&r->fix, "ask whoever owns %s (hosting provider, ISP) to set its PTR to %s", f->ip, helo);
    qt_wiz_line(&r->fix, "make %s's A record point to %s", helo, f->ip);
    if (w->helohost[0] == '\0')
        qt_wiz_line(&r->fix, "and put that name in %s/control/helohost", qt_ctx_qmail_dir(w->ctx));
}

