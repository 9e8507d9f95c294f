/* reply.h — building and sending replies: JSON bodies, the error shapes of
 * both APIs, common headers (CORS), and the one log line per request. */
#ifndef KILN_SERVER_REPLY_H
#define KILN_SERVER_REPLY_H

#include <cjson/cJSON.h>

#include "server/srv.h"

/* Serialises doc (then deleted) as the reply's body. */
void reply_json(struct srv_reply *r, unsigned status, cJSON *doc);

/* A v1 success: {"success": true, "data": data} (data is taken over). */
void reply_v1_data(struct srv_reply *r, unsigned status, cJSON *data);

/* An error in the shape of the API: v1 {"success":false,"error":{"code",
 * "message"}}, v2 (Piston) {"message","code"}. */
void reply_error(struct srv_reply *r, enum srv_api api, unsigned status, const char *code,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The reply to a kiln_execute that produced no result (rc, an enum
 * kiln_error) or whose sandbox failed (res->status XX): 400 for a request
 * the engine refused, 503 with Retry-After when a warm pool was busy, else
 * 500. err, the engine's message, is shown only when it is about the
 * request or the load; the worker logs it. */
void reply_engine_error(struct srv_reply *r, enum srv_api api, int rc, const char *err);

/* What the log line and the metrics need of a request. */
struct reply_meta {
    const char *method;
    const char *url;
    const struct srv_route *route; /* NULL: unknown route */
    size_t route_index;            /* for the metrics */
    const char *language;          /* NULL: none */
    int64_t t0_ns;
};

/* Queues the reply on the connection (its body goes to libmicrohttpd),
 * counts it and logs it. */
enum MHD_Result reply_send(struct server *s, struct MHD_Connection *c, struct srv_reply *r,
                           const struct reply_meta *m);
void reply_free(struct srv_reply *r);

/* A JSON string of bytes that may hold invalid UTF-8 (made U+FFFD). */
cJSON *reply_bytes(const char *data, size_t len);
/* The stage's exit code when the program exited by itself (OK or RE),
 * else JSON null. */
cJSON *reply_exit_code(const struct kiln_stage *st);
/* "SIGKILL" for 9, JSON null for 0. */
cJSON *reply_signal(int sig);

#endif
