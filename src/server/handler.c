/* handler.c — one HTTP request, from its headers to its completion.
 *
 * First handler call (HTTP thread): route, method, drain, API key, and for
 * POST the content type, declared length, rate, per-key concurrency and a
 * worker place, each answered at once when refused, before any per-request
 * state exists (STYLE 13, libmicrohttpd's largepost.c). Then a srv_req is
 * allocated; it is freed only in handler_completed.
 * Body calls: bytes appended up to max_body, discarded beyond.
 * Last call: parse (json_req.c); on success suspend the connection and
 * push the request to the queue. A worker runs kiln_execute, renders the
 * reply into the srv_req, marks it done and resumes the connection; the
 * HTTP thread is called once more and queues the reply. */
#include "server/handler.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "server/deadline.h"
#include "server/reply.h"
#include "server/route_v1.h"
#include "server/route_v2.h"
#include "server/sessions.h"
#include "server/stream.h"
#include "server/submissions.h"
#include "server/ws.h"

/* The request state of an admitted GET between its first call and the
 * next, where it is answered: answered on the first call, libmicrohttpd
 * would close the connection (the request is not complete yet). Only its
 * address is used; nothing is allocated for a GET. */
static const char GET_PENDING = 0;
#define GET_STATE ((void *)&GET_PENDING)

/* Bytes of an over-long chunked body read (and dropped) before the
 * connection is simply closed: a 413 is owed, a firehose is not. */
#define HANDLER_DISCARD_MAX (16u << 20)

static void get_metrics(struct server *s, struct srv_reply *out)
{
    struct workers_stats ws;
    workers_stats(s->workers, &ws);
    struct kiln_pool_stats *warm = calloc(s->nlangs ? s->nlangs : 1, sizeof *warm);
    for (size_t i = 0; warm && i < s->nlangs; i++)
        if (s->langs[i].warm)
            kiln_pool_stats(s->engine, s->langs[i].name, &warm[i]);
    struct kiln_cache_stats cache;
    kiln_cache_stats(s->engine, &cache);
    double uptime = (double)(srv_now_ns() - s->started_ns) / 1e9;
    struct metrics_queue q;
    submissions_stats(s, &q);
    reply_free(out);
    out->body = warm ? metrics_render(s->metrics, &ws, warm, &cache, &q, uptime, &out->len) : NULL;
    free(warm);
    out->status = out->body ? 200 : 500;
    out->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

static void get_openapi(struct server *s, struct srv_reply *out)
{
    out->status = 200;
    out->static_body = s->openapi;
    out->len = s->openapi_len;
    out->content_type = "application/json";
}

/* With API keys, only what runs code or tells about its use needs one. */
static const struct srv_route ROUTES[] = {
    { "/api/v1/health", SRV_API_V1, "GET", true, v1_health, NULL, NULL, NULL, false },
    { "/api/v1/languages", SRV_API_V1, "GET", true, v1_languages, NULL, NULL, NULL, false },
    { "/api/v1/execute", SRV_API_V1, "POST", false, NULL, jreq_parse_v1, v1_render, NULL, false },
    { "/api/v2/runtimes", SRV_API_V2, "GET", true, v2_runtimes, NULL, NULL, NULL, false },
    { "/api/v2/execute", SRV_API_V2, "POST", false, NULL, jreq_parse_v2, v2_render, NULL, false },
    { "/metrics", SRV_API_V1, "GET", false, get_metrics, NULL, NULL, NULL, false },
    { "/api/openapi.json", SRV_API_V1, "GET", true, get_openapi, NULL, NULL, NULL, false },
    { "/api/v1/sessions", SRV_API_V1, "*", false, NULL, NULL, NULL, sessions_job, false },
    { "/api/v2/connect", SRV_API_V2, "GET", false, NULL, NULL, NULL, NULL, true },
    { "/api/v1/submissions", SRV_API_V1, "*", false, NULL, NULL, NULL, submissions_job, false },
};
#define NROUTES (sizeof ROUTES / sizeof *ROUTES)

static const char *const ROUTE_NAMES[] = {
    "/api/v1/health", "/api/v1/languages", "/api/v1/execute", "/api/v2/runtimes",
    "/api/v2/execute", "/metrics", "/api/openapi.json", "/api/v1/sessions", "/api/v2/connect",
    "/api/v1/submissions", "other",
};
_Static_assert(sizeof ROUTE_NAMES / sizeof *ROUTE_NAMES == NROUTES + 1, "a name per route");

const char *const *handler_route_names(size_t *n)
{
    *n = NROUTES + 1;
    return ROUTE_NAMES;
}

/* What the first call knows of a request, for its reply. */
struct call {
    struct server *s;
    struct MHD_Connection *c;
    struct reply_meta meta;
    enum srv_api api;
};

/* Exact paths, except that a job route also serves what lies below it. */
static bool route_matches(const struct srv_route *rt, const char *url)
{
    size_t n = strlen(rt->path);
    return !strcmp(rt->path, url) || (rt->job && !strncmp(rt->path, url, n) && url[n] == '/');
}

static const struct srv_route *route_find(const char *url, size_t *index)
{
    for (size_t i = 0; i < NROUTES; i++) {
        if (route_matches(&ROUTES[i], url)) {
            *index = i;
            return &ROUTES[i];
        }
    }
    *index = NROUTES;
    return NULL;
}

static enum MHD_Result send_call(struct call *k, struct srv_reply *out)
{
    return reply_send(k->s, k->c, out, &k->meta);
}

static enum MHD_Result refuse(struct call *k, unsigned status, const char *code, const char *msg)
{
    struct srv_reply out = { 0 };
    reply_error(&out, k->api, status, code, "%s", msg);
    return send_call(k, &out);
}

static bool method_allowed(const struct srv_route *rt, const char *method)
{
    if (!strcmp(rt->method, "*"))
        return !strcmp(method, "GET") || !strcmp(method, "HEAD") || !strcmp(method, "POST") ||
               !strcmp(method, "DELETE");
    return !strcmp(method, rt->method) || (!strcmp(rt->method, "GET") && !strcmp(method, "HEAD"));
}

static bool draining(struct server *s)
{
    pthread_mutex_lock(&s->lock);
    bool d = s->draining;
    pthread_mutex_unlock(&s->lock);
    return d;
}

/* application/json, anything+json, and text/plain (which some Piston
 * clients send with a JSON body); no header at all is read as JSON. */
static bool json_content_type(const char *ct)
{
    if (!ct)
        return true;
    while (*ct == ' ')
        ct++;
    size_t n = strcspn(ct, ";");
    while (n && ct[n - 1] == ' ')
        n--;
    return (n == 16 && !strncasecmp(ct, "application/json", n)) ||
           (n == 10 && !strncasecmp(ct, "text/plain", n)) ||
           (n > 5 && !strncasecmp(ct + n - 5, "+json", 5));
}

static bool declared_too_long(const char *content_length, uint32_t max)
{
    if (!content_length)
        return false;
    char *end;
    unsigned long long v = strtoull(content_length, &end, 10);
    return end == content_length || v > max;
}

/* Checks for a POST before anything is allocated; then the srv_req. */
static enum MHD_Result admit(struct call *k, int key, void **req_cls)
{
    struct server *s = k->s;
    struct srv_reply out = { 0 };
    if (draining(s)) { /* GETs are still answered: they cost nothing and hold nothing */
        reply_error(&out, k->api, 503, "shutting_down", "the server is shutting down");
        out.close = true;
        return send_call(k, &out);
    }
    const char *ct = MHD_lookup_connection_value(k->c, MHD_HEADER_KIND, "Content-Type");
    if (!json_content_type(ct))
        return refuse(k, 415, "unsupported_media_type", "the body must be JSON "
                      "(Content-Type: application/json)");
    if (declared_too_long(MHD_lookup_connection_value(k->c, MHD_HEADER_KIND, "Content-Length"),
                          s->cfg.max_body)) {
        reply_error(&out, k->api, 413, "body_too_large", "the body is larger than %u bytes",
                    s->cfg.max_body);
        out.close = true; /* the body is not read */
        return send_call(k, &out);
    }
    unsigned wait_s = access_take_token(s->access, key, k->meta.t0_ns);
    if (wait_s) {
        reply_error(&out, k->api, 429, "rate_limited", "this API key sent more than %u requests a "
                    "minute; retry in %u s", s->cfg.key_rate, wait_s);
        out.retry_after = wait_s;
        return send_call(k, &out);
    }
    if (access_acquire(s->access, key) < 0) {
        reply_error(&out, k->api, 429, "concurrency_limit", "this API key has %u requests "
                    "running already", s->cfg.key_concurrency);
        out.retry_after = 1;
        return send_call(k, &out);
    }
    if (workers_reserve(s->workers) < 0) {
        access_release(s->access, key);
        reply_error(&out, k->api, 503, "queue_full", "every worker is busy and the queue (%u) "
                    "is full; retry shortly", s->cfg.backlog);
        out.retry_after = 1;
        return send_call(k, &out);
    }
    struct srv_req *r = calloc(1, sizeof *r);
    if (!r) {
        workers_unreserve(s->workers);
        access_release(s->access, key);
        return MHD_NO;
    }
    *r = (struct srv_req){ .conn = k->c, .route = k->meta.route, .method = k->meta.method,
                           .t0_ns = k->meta.t0_ns, .key = key, .reserved = true, .key_slot = true };
    snprintf(r->url, sizeof r->url, "%s", k->meta.url);
    pthread_mutex_lock(&s->lock);
    s->inflight++;
    pthread_mutex_unlock(&s->lock);
    *req_cls = r;
    return MHD_YES;
}

static enum MHD_Result first_call(struct server *s, struct MHD_Connection *c, const char *url,
                                  const char *method, void **req_cls)
{
    struct call k = { .s = s, .c = c, .meta = { .method = method, .url = url,
                                                .t0_ns = srv_now_ns() } };
    const struct srv_route *rt = k.meta.route = route_find(url, &k.meta.route_index);
    k.api = rt ? rt->api : strncmp(url, "/api/v2/", 8) ? SRV_API_V1 : SRV_API_V2;
    struct srv_reply out = { 0 };
    if (!rt)
        return refuse(&k, 404, "not_found", "no such route; /api/openapi.json lists them");
    if (!strcmp(method, "OPTIONS") && s->cfg.cors[0]) {
        out = (struct srv_reply){ .status = 204, .preflight = true };
        return send_call(&k, &out);
    }
    if (!method_allowed(rt, method)) {
        reply_error(&out, k.api, 405, "method_not_allowed", "%s %s is not served; use %s", method,
                    rt->path, rt->method);
        out.allow = !strcmp(rt->method, "GET") ? "GET, HEAD"
                    : !strcmp(rt->method, "*") ? "GET, HEAD, POST, DELETE" : rt->method;
        return send_call(&k, &out);
    }
    int key = -1;
    if (access_enabled(s->access) && !rt->open &&
        (key = access_check(s->access, MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                                   "Authorization"))) < 0) {
        reply_error(&out, k.api, 401, "unauthorized", "a valid API key is required "
                    "(Authorization: Bearer KEY)");
        out.www_authenticate = true;
        return send_call(&k, &out);
    }
    if (rt->get) {
        *req_cls = GET_STATE;
        return MHD_YES;
    }
    return admit(&k, key, req_cls);
}

/* The admitted GET's second call: its body (if any) is ignored. */
static enum MHD_Result answer_get(struct server *s, struct MHD_Connection *c, const char *url,
                                  const char *method, size_t *upload_size)
{
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    struct reply_meta m = { .method = method, .url = url, .t0_ns = srv_now_ns() };
    struct srv_reply out = { 0 };
    m.route = route_find(url, &m.route_index);
    m.route->get(s, &out);
    return reply_send(s, c, &out, &m);
}

static enum MHD_Result send_req(struct server *s, struct srv_req *r, struct srv_reply *out)
{
    size_t index = (size_t)(r->route - ROUTES);
    struct reply_meta m = { .method = r->method, .route = r->route, .route_index = index,
                            .language = r->jreq.lang ? r->jreq.lang->name : NULL,
                            .t0_ns = r->t0_ns };
    return reply_send(s, r->conn, out, &m);
}

static enum MHD_Result fail_req(struct server *s, struct srv_req *r, unsigned status,
                                const char *code, const char *message)
{
    reply_error(&r->reply, r->route->api, status, code, "%s", message);
    return send_req(s, r, &r->reply);
}

/* Last call of a fresh request: parse, then hand it to a worker. */
static enum MHD_Result start(struct server *s, struct srv_req *r)
{
    struct jreq_error e;
    char msg[64];
    if (r->too_large) {
        snprintf(msg, sizeof msg, "the body is larger than %u bytes", s->cfg.max_body);
        return fail_req(s, r, 413, "body_too_large", msg);
    }
    if (r->oom)
        return fail_req(s, r, 500, "internal_error", "out of memory");
    if (r->route->websocket) {
        ws_handshake(s, r, &r->reply);
        return send_req(s, r, &r->reply);
    }
    if (r->route->job && strlen(r->url) + 1 >= sizeof r->url)
        return fail_req(s, r, 404, "not_found", "no such route; /api/openapi.json lists them");
    if (r->route->job) {
        const char *g = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "graceful");
        r->graceful = g && (!strcmp(g, "1") || !strcmp(g, "true"));
        const char *t = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "tokens");
        if (t && !(r->query_tokens = strdup(t)))
            return fail_req(s, r, 500, "internal_error", "out of memory");
    } else {
        if (r->route->parse(r->body.data ? r->body.data : "", r->body.len, &s->jctx, &r->jreq,
                            &e) < 0)
            return fail_req(s, r, e.http, e.code, e.message);
        buf_free(&r->body); /* the parsed document holds copies */
        if (stream_wanted(r->conn) && !(r->stream = stream_new(r->conn)))
            return fail_req(s, r, 500, "internal_error", "out of memory");
    }
    MHD_suspend_connection(r->conn);
    /* libmicrohttpd refuses to suspend a connection the client has closed
     * for writing; running the job then would resume an unsuspended one. */
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_SUSPENDED);
    if (!ci || ci->suspended != MHD_YES)
        return fail_req(s, r, 400, "invalid_request",
                        "the connection was half-closed before the answer");
    deadlines_pause(s->deadlines, r->conn); /* the run's time is not the client's */
    pthread_mutex_lock(&s->lock);
    r->phase = REQ_QUEUED;
    r->suspended = true;
    s->suspended++;
    pthread_mutex_unlock(&s->lock);
    r->reserved = false; /* the place is the queue entry now */
    workers_push(s->workers, r);
    return MHD_YES;
}

static enum MHD_Result body_done(struct server *s, struct srv_req *r)
{
    pthread_mutex_lock(&s->lock);
    enum req_phase phase = r->phase;
    if (phase == REQ_DONE && r->suspended) {
        r->suspended = false;
        s->suspended--;
    }
    pthread_mutex_unlock(&s->lock);
    if (phase == REQ_READING)
        return start(s, r);
    if (r->stream && (phase == REQ_STREAMING || phase == REQ_DONE)) {
        /* Resumed by the worker that took it (which may have finished
         * already: the stream holds every event). The run's time is not
         * the client's: no deadline on the stream. */
        struct srv_reply out = { .status = 200, .content_type = "text/event-stream",
                                 .stream = r->stream };
        return send_req(s, r, &out);
    }
    if (phase == REQ_DONE) {
        deadlines_restart(s->deadlines, r->conn); /* the reply's own time on the wire */
        return send_req(s, r, &r->reply);
    }
    /* Queued and called again: never expected while suspended; wait more. */
    MHD_suspend_connection(r->conn);
    return MHD_YES;
}

enum MHD_Result handler_access(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **req_cls)
{
    struct server *s = cls;
    struct srv_req *r = *req_cls;
    (void)version;
    if (!r)
        return first_call(s, c, url, method, req_cls);
    if (r == GET_STATE)
        return answer_get(s, c, url, method, upload_size);
    if (*upload_size == 0)
        return body_done(s, r);
    size_t n = *upload_size;
    *upload_size = 0;
    if (!r->too_large && r->body.len + n > s->cfg.max_body)
        r->too_large = true;
    if (r->too_large) {
        r->discarded += n;
        return r->discarded > HANDLER_DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    if (!r->oom && buf_append(&r->body, upload, n) < 0)
        r->oom = true;
    return MHD_YES;
}

static void req_free(struct server *s, struct srv_req *r)
{
    if (r->reserved)
        workers_unreserve(s->workers);
    if (r->key_slot)
        access_release(s->access, r->key);
    jreq_free(&r->jreq);
    stream_release(r->stream);
    ws_abandon(r->ws);
    buf_free(&r->body);
    reply_free(&r->reply);
    free(r->query_tokens);
    free(r);
    pthread_mutex_lock(&s->lock);
    s->inflight--;
    pthread_mutex_unlock(&s->lock);
}

void handler_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                       enum MHD_RequestTerminationCode toe)
{
    struct server *s = cls;
    struct srv_req *r = *req_cls;
    (void)toe;
    /* The next request on the connection; an upgraded one has none, and
     * its WebSocket's own bounds (ws.c) instead of the request's. */
    if (!r || r == GET_STATE || !r->route->websocket)
        deadlines_restart(s->deadlines, c);
    if (!r || r == GET_STATE)
        return;
    *req_cls = NULL;
    pthread_mutex_lock(&s->lock);
    /* A queued request's connection is suspended, and libmicrohttpd does
     * not close suspended connections: this is defence, not a path. A
     * streamed one ends while its worker may still run (the client went
     * away): the worker frees it. */
    bool queued = r->orphaned = r->phase == REQ_QUEUED || r->phase == REQ_STREAMING;
    if (r->suspended && r->phase != REQ_STREAMING) {
        r->suspended = false;
        s->suspended--;
    }
    pthread_mutex_unlock(&s->lock);
    if (!queued)
        req_free(s, r);
}

/* A streamed request: the HTTP thread sends the stream's response as soon
 * as the worker takes it, and the events follow as the run makes them. */
static void stream_begin(struct server *s, struct srv_req *r)
{
    r->jreq.req.on_event = stream_on_event;
    r->jreq.req.event_arg = r->stream;
    pthread_mutex_lock(&s->lock);
    r->phase = REQ_STREAMING;
    pthread_mutex_unlock(&s->lock);
    MHD_resume_connection(r->conn); /* suspended by start(): it cannot have been closed */
}

/* The stream's last event is queued: the request stops counting as
 * suspended, and is freed here if its connection has already ended. */
static void stream_done(struct server *s, struct srv_req *r)
{
    pthread_mutex_lock(&s->lock);
    bool orphaned = r->orphaned;
    r->phase = REQ_DONE;
    if (r->suspended) {
        r->suspended = false;
        s->suspended--;
    }
    pthread_mutex_unlock(&s->lock);
    if (orphaned)
        req_free(s, r);
}

/* The reply is in r->reply: hand the request back to the HTTP thread. */
static void job_done(struct server *s, struct srv_req *r)
{
    pthread_mutex_lock(&s->lock);
    bool orphaned = r->orphaned;
    r->phase = REQ_DONE;
    pthread_mutex_unlock(&s->lock);
    if (orphaned)
        req_free(s, r);
    else
        MHD_resume_connection(r->conn); /* suspended: it cannot have been closed */
}

void handler_job_run(void *item, void *arg)
{
    struct srv_req *r = item;
    struct server *s = arg;
    if (r->route->job) {
        r->route->job(s, r);
        job_done(s, r);
        return;
    }
    struct kiln_result res;
    char err[512] = "";
    /* A client that hangs up stops its run: nobody would read the result,
     * and the slot is freed for the others. */
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    int hangup_fd = ci && ci->connect_fd > 0 ? ci->connect_fd : -1;
    /* A streamed connection is resumed while its run goes on: libmicrohttpd
     * may close the socket then, and its number be given to another client.
     * The run watches its own descriptor of the socket. */
    if (r->stream && hangup_fd >= 0)
        hangup_fd = fcntl(hangup_fd, F_DUPFD_CLOEXEC, 3);
    r->jreq.req.hangup_fd = hangup_fd > 0 ? hangup_fd : 0;
    if (r->stream)
        stream_begin(s, r);
    int64_t t0 = srv_now_ns();
    int rc = kiln_execute(s->engine, &r->jreq.req, &res, err, sizeof err);
    uint64_t ns = (uint64_t)(srv_now_ns() - t0);
    if (r->stream && hangup_fd > 0)
        close(hangup_fd);
    size_t lang = (size_t)(r->jreq.lang - s->langs);
    if (rc < 0)
        fprintf(stderr, "kiln serve: %s request refused by the engine: %s\n", r->jreq.lang->name,
                err);
    else {
        metrics_run(s->metrics, lang, &res, ns);
        if (res.status == KILN_XX)
            fprintf(stderr, "kiln serve: %s run failed in the sandbox: %s\n", r->jreq.lang->name,
                    res.run.message[0] ? res.run.message : res.compile.message);
    }
    /* A streamed request's reply is its last event; r->reply is the HTTP
     * thread's then. */
    struct srv_reply streamed = { 0 };
    r->route->render(s, &r->jreq, rc, rc == 0 ? &res : NULL, err,
                     r->stream ? &streamed : &r->reply);
    if (rc == 0)
        kiln_result_free(&res);
    if (r->stream) {
        stream_finish(r->stream, streamed.status, streamed.body ? streamed.body
                                                                : streamed.static_body,
                      streamed.len);
        reply_free(&streamed);
        stream_done(s, r);
    } else
        job_done(s, r);
}

void handler_job_cancel(void *item, void *arg)
{
    struct srv_req *r = item;
    stream_release(r->stream); /* never begun: the 503 is a plain reply */
    r->stream = NULL;
    reply_error(&r->reply, r->route->api, 503, "shutting_down",
                "the server shut down before this request could run");
    r->reply.close = true;
    job_done(arg, r);
}
