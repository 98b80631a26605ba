/* auth_wizard.h - the authentication wizard's engine: six steps, each a
 * job or an immediate computation, with a shell command, a result, a
 * verdict, an explanation, a fix and a detail text (transcript), and a
 * diagnosis that combines the evidence into a named cause.
 *
 *   1 Account    vuserinfo user@domain, or the vpopmail domain directory
 *   2 vchkpw     the password on fd 3, vchkpw's real exit codes
 *   3 AUTH       the AUTH PLAIN / LOGIN strings (masked unless revealed)
 *   4 SMTP       banner, EHLO, STARTTLS, EHLO, AUTH, QUIT
 *   5 Diagnosis  the named cause and its fix
 *   6 HELO/DNS   control/helohost and me, A/AAAA, PTR, FCrDNS (c-ares)
 *
 * No curses here: the Auth pane (panes/wizard.c) and `qtriage --auth`
 * (src/authcheck.c) both drive it. Steps run in any order; the diagnosis
 * uses whatever evidence exists and says what was not checked.
 *
 * Secrets: the password lives in one qt_secret (diag/core/secret.h), wiped by
 * qt_wizard_free() or when replaced. Results never contain it; the AUTH
 * strings are produced on demand by qt_wizard_auth_strings().
 *
 * This is the package's public header (for panes/wizard.c, src/authcheck.c
 * and tests); what the steps share among themselves is in auth_wizard_int.h,
 * for diag/auth/ only.
 */
#ifndef QT_AUTH_WIZARD_H
#define QT_AUTH_WIZARD_H

#include "diag/auth/auth_dns.h"
#include "diag/auth/auth_runas.h"
#include "diag/core/secret.h"
#include "diag/auth/auth_smtp.h"
#include "diag/auth/auth_vchkpw.h"
#include "diag/auth/auth_vuserinfo.h"
#include "diag/core/ctx.h"
#include "diag/core/finding.h"
#include "diag/core/job.h"
#include "diag/core/trust.h"

struct qt_snapshot;

enum qt_wiz_step {
    QT_WS_ACCOUNT = 0, QT_WS_VCHKPW, QT_WS_STRINGS, QT_WS_SMTP, QT_WS_DIAG, QT_WS_DNS, QT_WS_COUNT
};

enum qt_verdict { QT_V_PENDING = 0, QT_V_RUNNING, QT_V_OK, QT_V_WARN, QT_V_FAIL, QT_V_SKIPPED };

const char *qt_wiz_step_name(int step);      /* "Account", "vchkpw", ... */
const char *qt_verdict_name(enum qt_verdict v);   /* "OK", "WARN", "FAIL", "SKIPPED", "pending", "running" */

/* Where the vchkpw path came from (docs/auth-wizard.md, "Trust"): a path
 * the admin named (--vchkpw, typed or edited in the wizard) runs as given;
 * a detected one (a process's command line, ~vpopmail) only when every
 * component passes the trust check (trust.h), and so does vuserinfo. */
enum qt_wiz_origin { QT_ORIGIN_DETECTED = 0, QT_ORIGIN_EXPLICIT = 1 };

struct qt_wiz_inputs {
    char account[257];      /* user@domain as the client would type it */
    char target[128];       /* host:port of the SMTP service (default 127.0.0.1:587) */
    char vchkpw[1024];      /* path of vchkpw */
    int vchkpw_origin;      /* enum qt_wiz_origin */
    char vchkpw_note[600];  /* detected paths refused and why, "" (shown in step 2 and by --auth) */
    unsigned vpop_uid, vpop_gid;   /* from <root>/etc/passwd; QT_TRUST_NO_UID when absent */
    struct qt_wiz_runas runas[QT_WIZ_MAXRUNAS];   /* services found in the snapshot */
    int nrunas;
    struct qt_wiz_tlsport tlsports[QT_WIZ_MAXTLSPORTS];   /* implicit-TLS ports of the snapshot */
    int ntlsports;
    char program[256];      /* what vchkpw runs on success: /usr/bin/id or /bin/true */
    char service[32];       /* emulated service: submission, smtp, smtps, pop3, ..., a port, or none */
    char mech[16];          /* "" / "auto", PLAIN, LOGIN, CRAM-MD5 */
    char tls[16];           /* auto, starttls, implicit, none */
    char public_ip[64];     /* for the PTR check; "" = unknown */
    int public_ip_derived;  /* taken from the outbound interface, not --public-ip */
    char remote_ip[64];     /* TCPREMOTEIP given to vchkpw (default 127.0.0.1) */
    double timeout;         /* seconds per network phase / for each child (default 15) */
};

struct qt_wiz_result {
    enum qt_verdict verdict;
    char *command;          /* the equivalent shell command (password as <password>) */
    char *result;           /* one line */
    char *explain;          /* lines: why, in plain words */
    char *fix;              /* lines: what to do */
    char *detail;           /* lines: transcript, raw output (redacted, bounded) */
    double took;
};

struct qt_wiz_smtp_ev {
    int ran;
    enum qt_smtp_outcome outcome;
    enum qt_smtp_phase phase;
    int have_ehlo1, have_ehlo2;
    qt_ehlo ehlo1, ehlo2;
    struct qt_tls_info tls;
    int tls_active;
    unsigned mech_used, mech_wanted;
    enum qt_tls_mode tls_mode;
    int last_code;
    char last_text[256];
    char why[256];
};

typedef struct qt_wizard {
    const qt_ctx *ctx;
    struct qt_wiz_inputs in;
    qt_secret *pass;
    char user[257], domain[257];   /* account split at the last '@' ("" domain if none) */
    unsigned port;                 /* TCPLOCALPORT of the emulated service (0 = unset) */
    char port_why[240];            /* where port comes from ("--ports submission=26025; sslserver without -e
                                    * sets no TCPLOCALPORT"), "" for the service's well-known port */
    char tls_why[160];             /* why tls is implicit when auto chose it ("port 465", "sslserver on
                                    * port 24465 (Servers pane)"), "" */
    unsigned mech;                 /* chosen mechanism, 0 = best offered */
    enum qt_tls_mode tls;          /* resolved (auto -> implicit on 465) */
    struct qt_smtp_target target;
    struct qt_wiz_result res[QT_WS_COUNT];
    int running;                   /* step whose job runs, or -1 */

    /* evidence, read by the diagnosis */
    int acct_state;                /* 1 exists, 0 unknown user, -1 not known */
    int domain_missing;            /* 1: vpopmail has no such domain (users/assign, ~vpopmail/domains) */
    int vpasswd_denied;            /* 1: step 2's uid:gid cannot read the domain's vpasswd.cdb */
    char vpasswd_why[400];         /* the component that stops it (uaccess.h) */
    int acct_closed;               /* the emulated service is closed by the account's flags */
    int acct_clear_pass;           /* -1 unknown, 0/1: a clear password is stored (CRAM-MD5 needs it) */
    struct qt_vuserinfo vui;
    int vui_ran;
    struct qt_vpop_lookup look;
    int look_ran;
    struct qt_vchkpw_outcome vck;
    int vck_ran;
    struct qt_wiz_smtp_ev smtp;
    struct qt_dns_facts dns;
    struct qt_fcrdns_verdict fcr;
    int dns_ran;
    char helohost[256], me[256];
    char cause[48];                /* the diagnosis' cause id: "bad-password", "mech-mismatch-cram", ... */
    char related[512];             /* titles of Servers findings about checkpassword/AUTH, "" if none */
    char runas_used[400];          /* step 2: "uid 89 gid 89 (tcpserver -u -g on port 587 ...)" */
    char runas_ids[48];            /* step 2: "uid 89 gid 89" */
} qt_wizard;

/* Fill in with defaults: target 127.0.0.1:587, service submission (the
 * --auth command line's defaults); vchkpw from a running
 * service's command line in snap (may be NULL; processes of root or
 * vpopmail first) or ~vpopmail/bin/vchkpw under --root - the first that
 * passes the trust check (trust.h), the refused ones listed in vchkpw_note;
 * vchkpw_origin DETECTED; the uid:gid of each mail service (runas), the
 * vpopmail uid:gid; program /usr/bin/id,
 * public IP from --public-ip or the outbound interface, timeout 15 s. */
void qt_wizard_defaults(const qt_ctx *ctx, const struct qt_snapshot *snap, struct qt_wiz_inputs *in);
/* The console wizard's default target: 127.0.0.1 on the port of the
 * --ports entry named submission, else smtps, with that entry's name as the
 * service; in is left alone when --ports has neither. */
void qt_wizard_target_from_ports(const qt_ctx *ctx, struct qt_wiz_inputs *in);
/* Service name for a port ("submission" for 587), or "" if none. */
const char *qt_wizard_service_for_port(unsigned port);

qt_wizard *qt_wizard_new(const qt_ctx *ctx);
/* Wipe the password and free everything. A running step must have been
 * cancelled first (its job freed). NULL is ignored. */
void qt_wizard_free(qt_wizard *w);
/* Check and take new inputs; every result goes back to pending. 0, or -1
 * with a message naming the bad field in err (inputs unchanged). */
int qt_wizard_set_inputs(qt_wizard *w, const struct qt_wiz_inputs *in, char *err, size_t errlen);
/* Take the password (copied into a locked buffer; the caller wipes its
 * copy). Results go back to pending. 0, or -1 if it is too long. */
int qt_wizard_set_password(qt_wizard *w, const char *pw, size_t n);
/* Related findings from the Servers pane (cited by the diagnosis). */
void qt_wizard_set_related(qt_wizard *w, const qt_findings *fs);

/* Run a step. Returns a job to run in the loop (the step shows
 * "running"; the result is filled in when the job finishes and before its
 * step() returns 1; cancelling it records "aborted"), or NULL when the
 * step finished at once. The caller frees the job after it finished. */
qt_job *qt_wizard_start(qt_wizard *w, int step);
/* Reset a step to pending (and the diagnosis, which depends on it). */
void qt_wizard_reset(qt_wizard *w, int step);

/* The AUTH strings: "AUTH PLAIN <b64>", LOGIN user and password lines.
 * reveal=0 masks the secret parts. Caller frees (and should wipe when
 * revealed: qt_secret_wipe(s, strlen(s))). */
char *qt_wizard_auth_strings(const qt_wizard *w, int reveal);

/* Diagnosis (auth_diagnose.c): recompute res[QT_WS_DIAG] and cause. */
void qt_wizard_diagnose(qt_wizard *w);

#endif
