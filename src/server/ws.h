/* ws.h — /api/v2/connect: one interactive run over a WebSocket, in the
 * spirit of Piston's. The client's `init` message is a /api/v2/execute
 * body; its `data` messages are the program's stdin as it types, `eof`
 * closes that stdin, `signal` signals the program. The program's output
 * comes back in `data` messages as it is written, then `exit`, then the
 * close. docs/api.md has the protocol.
 *
 * The framing (RFC 6455) is libwslay's, over the socket libmicrohttpd
 * hands over after the 101. Each connection has two threads: one for the
 * socket (frames in and out, the stdin pipe), one that waits in
 * kiln_execute. The connection keeps the places its upgrade request was
 * admitted with (a worker place, the API key's) until it closes. */
#ifndef KILN_SERVER_WS_H
#define KILN_SERVER_WS_H

#include "server/srv.h"

struct ws_conn;

/* The route's answer to r's GET: a 101 with out->upgrade set (r->ws
 * holds the connection until the upgrade happens), or an error reply when
 * the headers are not a WebSocket handshake (RFC 6455 4.2.1). */
void ws_handshake(struct server *s, struct srv_req *r, struct srv_reply *out);
/* The 101 response for reply_send; NULL when out of memory. */
struct MHD_Response *ws_response(struct ws_conn *w);
/* A handshake whose upgrade never happened (the client went away first).
 * Accepts NULL. */
void ws_abandon(struct ws_conn *w);

#endif
