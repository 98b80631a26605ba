/* ports_views.h - internal to the Ports pane (panes/ports*.c): the views
 * and the helpers they share. */
#ifndef QT_PORTS_VIEWS_H
#define QT_PORTS_VIEWS_H

#include "panes/pane.h"
#include "diag/ports/ports.h"

extern const qt_view qt_ports_top_view;    /* services + remote IPs */
extern const qt_view qt_ports_ip_view;     /* one IP's connections (key: IP text) */
extern const qt_view qt_ports_proc_view;   /* one connection's process (key: connection id) */

/* Connection row ids: "IP|LPORT|RPORT" (IP in text form). */
void qt_ports_conn_id(const struct qt_sock *s, char *out, size_t n);
/* Index of the connection with this id in m->socks, or -1. ip (>= 64
 * bytes, may be NULL) gets the IP part. */
long qt_ports_find_conn(const qt_sockets *m, const char *id, char *ip);
/* "0", "999", "1.2K", "3.4M", "5.6G". */
void qt_ports_fmt_bytes(uint64_t v, char *out, size_t n);

/* Keys shared by the views. */
int qt_ports_key_block(struct qt_ui *ui, const struct qt_view_in *in, const char *ip);   /* b */
int qt_ports_key_kill(struct qt_ui *ui, const struct qt_view_in *in, const char *conn_id); /* K */
int qt_ports_key_names(struct qt_ui *ui, const struct qt_view_in *in);                  /* d */
/* The peer's name when name resolution is on and it is known, else NULL. */
const char *qt_ports_peer_name(const char *ip);
int qt_ports_names_on(void);

#endif
