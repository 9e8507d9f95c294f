/* srv.h — the server object and the per-request state, shared by the files
 * of src/server/ (internal: the rest of kiln sees only server.h). */
#ifndef KILN_SERVER_SRV_H
#define KILN_SERVER_SRV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

#include "kiln.h"
#include "server/access.h"
#include "server/config.h"
#include "server/json_req.h"
#include "server/metrics.h"
#include "server/workers.h"
#include "util/buf.h"

/* Which API's shapes a route answers in (errors differ: see reply.c). */
enum srv_api { SRV_API_V1, SRV_API_V2 };

/* A reply being built: status, body, and the headers that vary. */
struct srv_reply {
    unsigned status;
    char *body;              /* malloc'd; or NULL and static_body */
    const char *static_body; /* outlives the server */
    size_t len;
    const char *content_type;
    const char *allow;     /* 405: the methods of the route */
    unsigned retry_after;  /* seconds; 0: no header */
    bool www_authenticate; /* 401 */
    bool close;            /* Connection: close */
    bool preflight;        /* CORS preflight answer */
    struct srv_stream *stream; /* the body is this event stream (stream.h) */
    struct ws_conn *upgrade;   /* 101: the connection becomes this WebSocket (ws.h) */
};

struct server;
struct srv_req;

/* The route table's entries (handler.c). */
struct srv_route {
    const char *path;
    enum srv_api api;
    const char *method; /* "GET" (HEAD follows) or "POST" */
    bool open;          /* answered without an API key */
    void (*get)(struct server *s, struct srv_reply *out);
    int (*parse)(const char *body, size_t len, const struct jreq_ctx *ctx, struct jreq *out,
                 struct jreq_error *e);
    /* On a worker: the reply of a finished kiln_execute (rc 0 with res, or
     * an enum kiln_error with err). */
    void (*render)(struct server *s, const struct jreq *jr, int rc, const struct kiln_result *res,
                   const char *err, struct srv_reply *out);
    /* Instead of parse and render: a route that answers on a worker by
     * itself, from the method, the URL below `path` and the raw body. Its
     * method is "*": GET, HEAD, POST and DELETE. */
    void (*job)(struct server *s, struct srv_req *r);
    /* A WebSocket route (ws.h): a GET answered with the upgrade. */
    bool websocket;
};

enum req_phase {
    REQ_READING, /* HTTP thread: headers admitted, body arriving */
    REQ_QUEUED,  /* connection suspended; the queue (then a worker) owns the request */
    REQ_DONE,    /* reply written by the worker; the HTTP thread sends it */
    REQ_STREAMING, /* a worker runs it and feeds its event stream, which the HTTP
                    * thread sends as it comes; still counted as suspended, so that
                    * a shutdown waits for the run */
};

/* One admitted POST, from its first handler call to the completion callback. */
struct srv_req {
    struct MHD_Connection *conn;
    const struct srv_route *route;
    const char *method;
    int64_t t0_ns;
    int key;        /* index of the API key, -1 without keys */
    bool reserved;  /* holds a workers place it has not pushed */
    bool key_slot;  /* holds one of its key's in-flight places */
    bool too_large; /* the body passed max_body: the rest is discarded */
    bool oom;
    char url[256];  /* the path asked for (a job route reads it) */
    bool graceful;  /* the query's graceful=1 (a job route reads it) */
    char *query_tokens; /* the query's tokens=..., malloc'd (a job route reads it) */
    bool suspended; /* counted in server.suspended */
    bool orphaned;  /* completed while queued: the worker frees it */
    size_t discarded;
    struct buf body;
    struct jreq jreq;
    struct srv_stream *stream; /* Accept: text/event-stream (stream.h); else NULL */
    struct ws_conn *ws;        /* a WebSocket handshake answered, not yet upgraded */
    enum req_phase phase;   /* under server.lock once queued */
    struct srv_reply reply; /* written by the worker before REQ_DONE */
};

struct server {
    struct srv_config cfg;
    kiln_engine *engine;
    struct srv_lang *langs;
    size_t nlangs;
    struct jreq_ctx jctx;
    struct profile_rules rules; /* of cfg.profiles, compiled once */
    struct srv_workers *workers;
    struct srv_sessions *sessions;
    unsigned nworkers;
    struct srv_metrics *metrics;
    struct srv_access *access;
    char *openapi; /* the OpenAPI document, minified once */
    size_t openapi_len;
    struct srv_deadlines *deadlines;
    struct jobq *jobq;             /* where submissions wait (jobq.h) */
    struct callbacks *callbacks;   /* their callbacks' sender (callback.h) */
    struct srv_runners *runners;   /* the threads that run them (runners.h) */
    char node[64];                 /* this node's name (cfg.node_id or HOSTNAME-PID) */
    struct MHD_Daemon *daemon;
    int64_t started_ns;
    pthread_mutex_t lock; /* guards the three below and srv_req.phase/orphaned/suspended */
    unsigned inflight;    /* srv_req alive */
    unsigned suspended;   /* connections suspended: the daemon may stop only at 0 */
    unsigned websockets;  /* upgraded connections: the daemon may stop only at 0 */
    bool draining;
};

int64_t srv_now_ns(void);

#endif
