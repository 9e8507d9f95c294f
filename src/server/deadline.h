/* deadline.h — a bound on how long a client may take over one request.
 *
 * libmicrohttpd's connection timeout is an idle timeout: a client that sends
 * a byte every few seconds (slowloris) keeps its connection, and its place
 * among max_connections, for ever. Every connection is tracked from the
 * moment it is accepted (MHD_OPTION_NOTIFY_CONNECTION). Its clock runs while
 * the client sends a request or reads a reply: it starts at the accept,
 * stops while the request is run (the connection is suspended), starts
 * again when the reply is ready and when a request is complete. The main
 * thread sweeps once a second and shuts down the socket of a connection
 * whose clock has run past the limit; libmicrohttpd sees the end of the
 * stream and closes it.
 *
 * Threads: the HTTP thread adds, removes and re-arms entries (libmicrohttpd
 * callbacks); main sweeps. One mutex guards the list. libmicrohttpd calls
 * NOTIFY_CLOSED before it closes a socket, and the entry leaves the list
 * then, under the mutex: a sweep never shuts down a reused fd.
 */
#ifndef KILN_SERVER_DEADLINE_H
#define KILN_SERVER_DEADLINE_H

#include <microhttpd.h>

struct srv_deadlines;

/* limit_s: seconds a request (or a reply) may take on the wire. */
struct srv_deadlines *deadlines_create(unsigned limit_s);
/* After the daemon has stopped (no callback runs any more). Accepts NULL. */
void deadlines_destroy(struct srv_deadlines *d);

/* The MHD_OPTION_NOTIFY_CONNECTION callback; cls is the srv_deadlines. */
void deadlines_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                      enum MHD_ConnectionNotificationCode code);

/* The connection's clock: stopped while its request runs, started again
 * (from zero) when the reply is ready or the request is complete. */
void deadlines_pause(struct srv_deadlines *d, struct MHD_Connection *c);
void deadlines_restart(struct srv_deadlines *d, struct MHD_Connection *c);

/* Shuts down every connection past the limit; returns how many. */
unsigned deadlines_sweep(struct srv_deadlines *d);

#endif
