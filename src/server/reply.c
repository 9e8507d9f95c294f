/* reply.c — replies: JSON bodies, both APIs' error shapes, the headers every
 * reply carries, the request log line and the HTTP metrics. Called on the
 * HTTP thread (reply_send) and on workers (reply_json, reply_error). */
#define _GNU_SOURCE
#include "server/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/stream.h"
#include "server/ws.h"
#include "util/json.h"
#include "util/utf8.h"

/* Served when even an error body cannot be allocated. */
static const char OOM_BODY[] =
    "{\"success\":false,\"error\":{\"code\":\"internal_error\",\"message\":\"out of memory\"}}";

void reply_json(struct srv_reply *r, unsigned status, cJSON *doc)
{
    char *text = doc ? cJSON_PrintUnformatted(doc) : NULL;
    cJSON_Delete(doc);
    reply_free(r);
    r->content_type = "application/json";
    if (!text) {
        r->status = 500;
        r->static_body = OOM_BODY;
        r->len = sizeof OOM_BODY - 1;
        return;
    }
    r->status = status;
    r->body = text;
    r->len = strlen(text);
}

void reply_error(struct srv_reply *r, enum srv_api api, unsigned status, const char *code,
                 const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    cJSON *doc = cJSON_CreateObject();
    if (api == SRV_API_V2) {
        /* Piston's shape is {"message"}; the code is kiln's addition. */
        cJSON_AddStringToObject(doc, "message", message);
        cJSON_AddStringToObject(doc, "code", code);
    } else {
        cJSON_AddBoolToObject(doc, "success", false);
        cJSON *e = cJSON_AddObjectToObject(doc, "error");
        cJSON_AddStringToObject(e, "code", code);
        cJSON_AddStringToObject(e, "message", message);
    }
    reply_json(r, status, doc);
}

void reply_v1_data(struct srv_reply *r, unsigned status, cJSON *data)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddBoolToObject(doc, "success", true);
    cJSON_AddItemToObject(doc, "data", data);
    reply_json(r, status, doc);
}

void reply_engine_error(struct srv_reply *r, enum srv_api api, int rc, const char *err)
{
    switch (rc) {
    case KILN_ERR_INVALID: /* json_req.c checks first: this is a request it let through */
        reply_error(r, api, 400, "invalid_request", "%s", err);
        return;
    case KILN_ERR_BUSY:
        reply_error(r, api, 503, "pool_busy", "%s", err);
        r->retry_after = 1;
        return;
    default: /* KILN_ERR_INTERNAL, or a run that ended XX: messages may name host paths */
        reply_error(r, api, 500, "sandbox_error",
                    "the sandbox failed (not the program); the server log has the details");
    }
}

void reply_free(struct srv_reply *r)
{
    free(r->body);
    r->body = NULL;
    r->static_body = NULL;
    r->len = 0;
    r->stream = NULL; /* the request's, not the reply's */
}

cJSON *reply_bytes(const char *data, size_t len)
{
    return json_bytes(data, len);
}

cJSON *reply_exit_code(const struct kiln_stage *st)
{
    bool exited = st->signal == 0 && (st->status == KILN_OK || st->status == KILN_RE);
    return exited ? cJSON_CreateNumber(st->exit_code) : cJSON_CreateNull();
}

cJSON *reply_signal(int sig)
{
    if (sig <= 0)
        return cJSON_CreateNull();
    const char *abbrev = sigabbrev_np(sig);
    char name[32];
    snprintf(name, sizeof name, "SIG%s", abbrev ? abbrev : "UNKNOWN");
    return cJSON_CreateString(name);
}

static void add_headers(const struct server *s, struct MHD_Response *resp,
                        const struct srv_reply *r)
{
    char num[16];
    if (r->len || r->content_type)
        MHD_add_response_header(resp, "Content-Type",
                                r->content_type ? r->content_type : "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->retry_after) {
        snprintf(num, sizeof num, "%u", r->retry_after);
        MHD_add_response_header(resp, "Retry-After", num);
    }
    if (r->allow)
        MHD_add_response_header(resp, "Allow", r->allow);
    if (r->www_authenticate)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"kiln\"");
    if (r->close)
        MHD_add_response_header(resp, "Connection", "close");
    if (r->stream) /* a proxy (nginx) must pass events on as they come */
        MHD_add_response_header(resp, "X-Accel-Buffering", "no");
    if (!s->cfg.cors[0])
        return;
    MHD_add_response_header(resp, "Access-Control-Allow-Origin", s->cfg.cors);
    if (strcmp(s->cfg.cors, "*"))
        MHD_add_response_header(resp, "Vary", "Origin");
    MHD_add_response_header(resp, "Access-Control-Expose-Headers", "Retry-After");
    if (!r->preflight)
        return;
    MHD_add_response_header(resp, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    MHD_add_response_header(resp, "Access-Control-Allow-Headers", "Content-Type, Authorization");
    MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
}

/* Printable ASCII only, at most n-1 bytes: a URL or method is the client's. */
static void printable(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    for (; src && *src && i + 1 < n; src++)
        dst[i++] = *src > ' ' && *src < 0x7f ? *src : '?';
    dst[i] = '\0';
}

/* One line, one write(2): lines of concurrent requests do not interleave. */
static void log_request(const struct reply_meta *m, unsigned status)
{
    char method[16], url[80], line[256];
    printable(method, sizeof method, m->method);
    printable(url, sizeof url, m->route ? m->route->path : m->url);
    double ms = (double)(srv_now_ns() - m->t0_ns) / 1e6;
    int n = snprintf(line, sizeof line, "%s %s %s %u %.1fms\n", method, url,
                     m->language ? m->language : "-", status, ms);
    if (n > 0 && write(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0) {
        /* nowhere left to report it */
    }
}

enum MHD_Result reply_send(struct server *s, struct MHD_Connection *c, struct srv_reply *r,
                           const struct reply_meta *m)
{
    struct MHD_Response *resp;
    if (r->stream)
        resp = stream_response(r->stream);
    else if (r->upgrade)
        resp = ws_response(r->upgrade);
    else if (r->body) {
        resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
        if (resp)
            r->body = NULL; /* libmicrohttpd frees it with the response */
    } else
        resp = MHD_create_response_from_buffer(r->len, (void *)r->static_body,
                                               MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        reply_free(r);
        return MHD_NO;
    }
    add_headers(s, resp, r);
    enum MHD_Result ret = MHD_queue_response(c, r->status, resp);
    MHD_destroy_response(resp);
    metrics_http(s->metrics, m->route_index, r->status);
    log_request(m, r->status);
    reply_free(r);
    return ret;
}
