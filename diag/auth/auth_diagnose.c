/* auth_diagnose.c - step 5: combine the evidence of steps 1-4 into one
 * named cause and its fix (docs/domain/README.md#incidents, 4). Pure: reads the wizard's
 * evidence, writes res[QT_WS_DIAG] and cause. */
#include "diag/auth/auth_wizard.h"
#include "diag/auth/auth_wizard_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void client_fix(qt_wizard *w, struct qt_wiz_result *r, const char *auth_method)
{
    qt_wiz_line(&r->fix, "in the mail client (Thunderbird: Account Settings > Outgoing Server (SMTP) > Edit):");
    qt_wiz_line(&r->fix, "  User Name: %s (the full address)", w->domain[0] ? w->in.account : "user@domain");
    /* what this server does: TLS on connect, STARTTLS only where offered */
    qt_wiz_line(&r->fix, "  Port %u, Connection security: %s", w->target.port,
                w->tls == QT_TLS_IMPLICIT ? "SSL/TLS"
                : w->smtp.have_ehlo1 && !w->smtp.ehlo1.starttls ? "None (this server offers no STARTTLS)"
                                                               : "STARTTLS");
    qt_wiz_line(&r->fix, "  Authentication method: %s", auth_method);
    qt_wiz_line(&r->fix, "  then delete the saved password (Settings > Privacy & Security > Saved Passwords) "
                "so the client asks again");
}

static void cause(qt_wizard *w, enum qt_verdict v, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void cause(qt_wizard *w, enum qt_verdict v, const char *id, const char *fmt, ...)
{
    struct qt_wiz_result *r = &w->res[QT_WS_DIAG];
    va_list ap;
    char text[512];
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    snprintf(w->cause, sizeof w->cause, "%s", id);
    qt_wiz_set(r, v, NULL, "%s", text);
}

static int smtp_is(const qt_wizard *w, enum qt_smtp_outcome o)
{
    return w->smtp.ran && w->smtp.outcome == o;
}

void qt_wizard_diagnose(qt_wizard *w)
{
    struct qt_wiz_result *r = &w->res[QT_WS_DIAG];
    const struct qt_wiz_smtp_ev *s = &w->smtp;
    int vck = w->vck_ran, smtp = s->ran;
    int no_domain = !w->domain[0];
    enum qt_vchkpw_kind k = w->vck.kind;
    const qt_ehlo *e = s->have_ehlo2 ? &s->ehlo2 : &s->ehlo1;
    char sys[1024];

    free(r->explain);
    free(r->fix);
    free(r->detail);
    r->explain = r->fix = r->detail = NULL;
    free(r->command);
    r->command = qt_strdup("(no command: combines the evidence of steps 1-4)");
    w->cause[0] = '\0';

    if (vck && k == QT_VCK_BACKEND) {
        cause(w, QT_V_FAIL, "backend-down", "the vpopmail authentication backend is down (vchkpw exit 24)");
        qt_wiz_line(&r->explain, "every login fails, for every user, until the database answers again.");
        qt_wiz_line(&r->fix, "check the vpopmail database server (MySQL/LDAP) and ~vpopmail/etc/vpopmail.mysql");
    } else if (w->acct_closed || (vck && k == QT_VCK_DENIED)) {
        cause(w, QT_V_FAIL, "service-closed", "the account exists but this service is closed by its flags");
        qt_wiz_line(&r->explain, "vchkpw refuses before checking the password (\"smtp access denied\", exit 1); "
                    "qmail-smtpd then answers 535 like for a wrong password.");
        qt_wiz_line(&r->fix, "vuserinfo %s   # shows the limits", w->in.account);
        qt_wiz_line(&r->fix, "vmoduser -x %s   # clears all flags (re-add the wanted ones)", w->in.account);
    } else if (w->vpasswd_denied && ((vck && k == QT_VCK_REJECTED) || smtp_is(w, QT_SMTP_AUTH_FAILED))) {
        cause(w, QT_V_FAIL, "vpasswd-unreadable", "vchkpw runs as the service's %s and cannot read vpopmail's "
              "passwords: every login fails as \"user not found\"", w->runas_ids);
        qt_wiz_line(&r->explain, "%s. vpopmail keeps ~vpopmail/domains mode 0700 for vpopmail; vchkpw then logs "
                    "\"vpopmail user not found\" (exit 3) for everybody and qmail-smtpd answers 535: not a password "
                    "and not a qmail-smtpd argument problem.", w->vpasswd_why);
        if (w->related[0])
            qt_wiz_line(&r->explain, "Servers pane: %s", w->related);
        qt_wiz_line(&r->fix, "run the AUTH service as vpopmail (tcpserver -u $(id -u vpopmail) -g $(id -g vpopmail)), "
                    "not -u qmaild; or remove -u/-g; or chown vpopmail:vchkpw vchkpw && chmod 4711 it");
    } else if (w->domain_missing) {
        cause(w, QT_V_FAIL, "unknown-domain", "unknown domain: %s is not a vpopmail domain", w->domain);
        qt_wiz_line(&r->explain, "vchkpw logs \"vpopmail user not found\" (exit 3) for every login of a domain "
                    "vpopmail does not host: neither vadduser nor vpasswd can fix that.");
        qt_wiz_line(&r->fix, "check the domain part of the login in the client (%s)", w->in.account);
        qt_wiz_line(&r->fix, "vadddomain %s   # if this server should host it, then vadduser %s", w->domain,
                    w->in.account);
    } else if (w->acct_state == 0 || (no_domain && ((vck && k == QT_VCK_REJECTED) || smtp_is(w, QT_SMTP_AUTH_FAILED)))) {
        if (no_domain) {
            cause(w, QT_V_FAIL, "no-domain", "login without @domain: vpopmail looks in its default domain");
            qt_wiz_line(&r->explain, "\"%s\" has no domain part; vchkpw appends vpopmail's DEFAULT_DOMAIN, so the "
                        "lookup fails (\"vpopmail user not found\" or \"password fail\", exit 3) and SMTP says 535.",
                        w->in.account);
            client_fix(w, r, "Normal password");
        } else {
            cause(w, QT_V_FAIL, "unknown-user", "unknown user: %s does not exist in vpopmail", w->in.account);
            qt_wiz_line(&r->explain, "vchkpw logs \"vpopmail user not found\" with the same exit 3 as a bad password.");
            qt_wiz_line(&r->fix, "check the spelling in the client; vadduser %s creates it", w->in.account);
        }
    } else if (vck && k == QT_VCK_REJECTED && !smtp_is(w, QT_SMTP_AUTH_OK)) {
        /* the account exists (or is not known): vchkpw's 3 is the password itself */
        cause(w, QT_V_FAIL, "bad-password", "wrong password: vchkpw rejects it (exit 3)%s",
              smtp_is(w, QT_SMTP_AUTH_FAILED) ? " and so does the SMTP server" : "");
        qt_wiz_line(&r->explain, "the account exists, so \"password fail\" it is: the password typed here is not "
                    "the one vpopmail stores. Users often have an old password saved in the client.");
        qt_wiz_line(&r->fix, "vpasswd %s   # set a new password, then update it in the client", w->in.account);
        client_fix(w, r, "Normal password");
        if (smtp && s->outcome != QT_SMTP_AUTH_FAILED && s->outcome != QT_SMTP_AUTH_OK)
            qt_wiz_line(&r->explain, "also: the SMTP session failed on its own (%s): see step 4.", s->why);
    } else if (smtp_is(w, QT_SMTP_MECH_MISMATCH)) {
        char offered[64];
        qt_mechs_str(e->mechs, offered, sizeof offered);
        if (s->mech_wanted == QT_MECH_CRAM_MD5) {
            cause(w, QT_V_FAIL, "mech-mismatch-cram", "mechanism mismatch: the client insists on CRAM-MD5, "
                  "the server offers %s", e->mech_list[0] ? e->mech_list : offered);
            qt_wiz_line(&r->explain, "Thunderbird's \"Encrypted password\" is CRAM-MD5; this server only takes "
                        "PLAIN/LOGIN (QMailToaster removed CRAM-MD5 in 2014). Over STARTTLS, PLAIN is safe.");
            client_fix(w, r, "Normal password");
        } else {
            cause(w, QT_V_FAIL, "mech-mismatch-plain", "mechanism mismatch: %s was asked for, the server offers "
                  "only %s", s->mech_wanted ? qt_mech_name(s->mech_wanted) : "PLAIN/LOGIN",
                  e->mech_list[0] ? e->mech_list : offered);
            qt_wiz_line(&r->explain, "the client must use \"Encrypted password\" (CRAM-MD5), and vchkpw can check "
                        "CRAM-MD5 only when vpopmail stores the clear-text password%s.",
                        w->acct_clear_pass == 0 ? " - and for this account it does not" : "");
            qt_wiz_line(&r->fix, "either set the client's authentication method to \"Encrypted password\",");
            qt_wiz_line(&r->fix, "or let qmail-smtpd offer LOGIN PLAIN (sagredo: SMTPAUTH=\"\" or \"+cram\" in the "
                        "run script; other patches: rebuild without CRAM_MD5 only)");
        }
    } else if (smtp_is(w, QT_SMTP_NO_STARTTLS) || smtp_is(w, QT_SMTP_STARTTLS_REFUSED) ||
               smtp_is(w, QT_SMTP_TLS_FAILED)) {
        cause(w, QT_V_FAIL, "tls-failed", "STARTTLS does not work: %s", s->why);
        qt_wiz_line(&r->explain, "clients set to STARTTLS (the right setting on 587) stop before AUTH; "
                    "with AUTH offered only after STARTTLS nobody can log in.");
        qt_wiz_line(&r->fix, "check control/servercert.pem (key + certificate, readable by the qmail-smtpd user)");
        qt_wiz_line(&r->fix, "and the TLS front end (see the Servers pane)");
    } else if (smtp_is(w, QT_SMTP_NO_AUTH)) {
        cause(w, QT_V_FAIL, "no-auth", "the SMTP server offers no AUTH at all");
        qt_wiz_line(&r->explain, "qmail-smtpd offers AUTH only when its command line names a checkpassword "
                    "program: qmail-smtpd [hostname] /home/vpopmail/bin/vchkpw /bin/true.");
        qt_wiz_line(&r->fix, "see the Servers pane for the qmail-smtpd command line");
    } else if (smtp_is(w, QT_SMTP_CLEARTEXT)) {
        cause(w, QT_V_WARN, "no-tls-remote", "no TLS to the remote server: password not sent");
        qt_wiz_line(&r->fix, "enable STARTTLS on the server, or test from the server itself (127.0.0.1)");
    } else if (smtp && (s->outcome == QT_SMTP_CONNECT_FAILED || s->outcome == QT_SMTP_TIMEOUT ||
                        s->outcome == QT_SMTP_CLOSED || s->outcome == QT_SMTP_BANNER_REJECTED ||
                        s->outcome == QT_SMTP_EHLO_FAILED || s->outcome == QT_SMTP_PROTOCOL)) {
        cause(w, QT_V_FAIL, "smtp-broken", "the SMTP service at %s:%u does not get as far as AUTH: %s",
              w->target.host, w->target.port, s->why);
        qt_wiz_line(&r->explain, "this is not a password problem: no client can log in until the service answers "
                    "properly (see the Ports and Servers panes: limit reached, stalled TLS, wrong port).");
    } else if (smtp_is(w, QT_SMTP_AUTH_TEMPFAIL)) {
        cause(w, QT_V_FAIL, "checkpassword-crash", "qmail-smtpd's checkpassword program crashed or did not start (454)");
        qt_wiz_line(&r->fix, "check the checkpassword path and permissions on the qmail-smtpd command line");
    } else if (smtp_is(w, QT_SMTP_AUTH_REFUSED)) {
        cause(w, QT_V_FAIL, "auth-refused", "the server refused the AUTH command itself: %d %s", s->last_code,
              s->last_text);
    } else if (vck && k == QT_VCK_ACCEPTED && smtp_is(w, QT_SMTP_AUTH_FAILED)) {
        cause(w, QT_V_FAIL, "smtpd-checkpassword", "vchkpw accepts the password, but the SMTP server answers %d",
              s->last_code);
        qt_wiz_line(&r->explain, "the account and password are fine; the SMTP service checks them differently: "
                    "qmail-smtpd's checkpassword arguments are wrong (missing hostname for old AUTH patches, "
                    "another vchkpw, a wrapper), or the service is not this qmail.");
        if (w->related[0])
            qt_wiz_line(&r->explain, "Servers pane: %s", w->related);
        qt_wiz_line(&r->fix, "compare the qmail-smtpd command line (Servers pane) with: qmail-smtpd "
                    "%s /bin/true", qt_wiz_sys(w, w->in.vchkpw, sys, sizeof sys));
    } else if (vck && k == QT_VCK_ACCEPTED && smtp_is(w, QT_SMTP_AUTH_OK)) {
        cause(w, QT_V_OK, "client-password", "the server side works: vchkpw and SMTP AUTH accept this password");
        qt_wiz_line(&r->explain, "if the user still sees \"password fail\" in the log, the client sends something "
                    "else: an old saved password, a login without @domain, or the wrong method.");
        client_fix(w, r, "Normal password");
    } else if (vck && k != QT_VCK_ACCEPTED && smtp_is(w, QT_SMTP_AUTH_OK)) {
        cause(w, QT_V_WARN, "vchkpw-differs", "SMTP AUTH accepts the password but vchkpw here does not (%s)",
              w->vck.status);
        qt_wiz_line(&r->explain, "the SMTP service does not authenticate through %s (another vchkpw, another "
                    "backend, or not qmail).", qt_wiz_sys(w, w->in.vchkpw, sys, sizeof sys));
    } else if (vck && k != QT_VCK_ACCEPTED) {
        cause(w, QT_V_FAIL, "vchkpw-broken", "vchkpw cannot check passwords here: %s", w->vck.meaning);
    } else if (smtp_is(w, QT_SMTP_AUTH_OK)) {
        cause(w, QT_V_OK, "client-password", "SMTP AUTH accepts this password");
        client_fix(w, r, "Normal password");
    } else if (smtp_is(w, QT_SMTP_AUTH_FAILED)) {
        cause(w, QT_V_FAIL, "auth-failed", "the SMTP server rejects the login (%d); run step 2 to tell a bad "
              "password from a server problem", s->last_code);
    } else if (vck && k == QT_VCK_ACCEPTED) {
        cause(w, QT_V_OK, "vchkpw-ok", "vchkpw accepts the password (SMTP not tested yet)");
    } else {
        cause(w, QT_V_SKIPPED, "incomplete", "not enough evidence yet: run steps 1, 2 and 4");
    }

    if (s->have_ehlo1 && s->have_ehlo2 && !s->ehlo1.auth && s->ehlo2.auth)
        qt_wiz_line(&r->explain, "note: AUTH is offered only after STARTTLS - the client must use STARTTLS "
                    "(not \"None\", and not SSL/TLS on port 587).");
    qt_wiz_line(&r->detail, "account: %s", w->acct_state == 1 ? "exists" : w->acct_state == 0 ? "unknown user" : "not checked");
    qt_wiz_line(&r->detail, "vchkpw: %s", vck ? w->vck.status : "not run");
    qt_wiz_line(&r->detail, "SMTP: %s%s%s", smtp ? qt_smtp_outcome_name(s->outcome) : "not run", smtp ? " - " : "",
                smtp ? s->why : "");
    qt_wiz_line(&r->detail, "cause id: %s", w->cause);
}
