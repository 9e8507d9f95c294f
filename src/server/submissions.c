/* submissions.c — /api/v1/submissions: execute requests that outlive their
 * HTTP request. A submission is checked as /api/v1/execute checks a body
 * (so that a bad one is a 400 now, not a failed job later), stored in the
 * queue (jobq.h) and answered 201 with its token; a runner (runners.c)
 * runs it later, on this node or another one sharing the queue. */
#include "server/submissions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/callback.h"
#include "server/jobq.h"
#include "server/reply.h"
#include "server/runners.h"
#include "util/token.h"

#define SUB_PATH "/api/v1/submissions"

static const char *const STATE_NAMES[] = { "queued", "running", "done" };

/* `expected_output`: a string, or with cases an array of one string per case. */
static int check_expected(const cJSON *doc, const struct jreq *jr, struct jreq_error *e)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(doc, "expected_output");
    if (!x || cJSON_IsNull(x))
        return 0;
    e->http = 400;
    e->code = "invalid_field";
    if (!jr->req.ncases && !cJSON_IsString(x)) {
        snprintf(e->message, sizeof e->message, "field 'expected_output' must be a string");
        return -1;
    }
    if (jr->req.ncases && (!cJSON_IsArray(x) ||
                           (size_t)cJSON_GetArraySize(x) != jr->req.ncases)) {
        snprintf(e->message, sizeof e->message, "with cases, field 'expected_output' must be "
                 "an array of %zu strings, one per case", jr->req.ncases);
        return -1;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, x) {
        if (!cJSON_IsString(c)) {
            snprintf(e->message, sizeof e->message, "field 'expected_output' must hold strings");
            return -1;
        }
    }
    return 0;
}

/* `callback_url`: a string the server's allow-list (callback_allow) names. */
static int check_callback(struct server *s, const cJSON *doc, const char **url,
                          struct jreq_error *e)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(doc, "callback_url");
    *url = NULL;
    if (!x || cJSON_IsNull(x))
        return 0;
    e->http = 400;
    e->code = "invalid_field";
    if (!cJSON_IsString(x) || !*x->valuestring) {
        snprintf(e->message, sizeof e->message, "field 'callback_url' must be a URL");
        return -1;
    }
    if (callbacks_allowed(s->callbacks, x->valuestring, e->message, sizeof e->message) < 0) {
        e->http = 403;
        e->code = "callback_not_allowed";
        return -1;
    }
    *url = x->valuestring;
    return 0;
}

/* One submission's body, checked; on success *text is its JSON (malloc'd)
 * and *callback points into *jr. */
static int check_one(struct server *s, const char *body, size_t len, struct jreq *jr,
                     const char **callback, struct jreq_error *e)
{
    if (jreq_parse_v1(body, len, &s->jctx, jr, e) < 0 || check_expected(jr->doc, jr, e) < 0 ||
        check_callback(s, jr->doc, callback, e) < 0)
        return -1;
    return 0;
}

static cJSON *token_json(const char *token)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "token", token);
    cJSON_AddStringToObject(o, "state", "queued");
    return o;
}

static void store_failed(struct srv_req *r, const char *err)
{
    fprintf(stderr, "kiln serve: submissions: %s\n", err);
    reply_error(&r->reply, SRV_API_V1, 503, "queue_unavailable",
                "the submission queue is unavailable; retry shortly");
    r->reply.retry_after = 1;
}

static void create_one(struct server *s, struct srv_req *r)
{
    struct jreq jr;
    struct jreq_error e;
    struct jobq_new n = { .owner = r->key };
    char err[512];
    const char *body = r->body.data ? r->body.data : "";
    if (check_one(s, body, r->body.len, &jr, &n.callback_url, &e) < 0) {
        reply_error(&r->reply, SRV_API_V1, e.http, e.code, "%s", e.message);
        jreq_free(&jr);
        return;
    }
    char *text = cJSON_PrintUnformatted(jr.doc);
    token_random_hex(n.token, JOBQ_TOKEN_LEN / 2);
    n.request = text;
    if (!text)
        reply_error(&r->reply, SRV_API_V1, 500, "internal_error", "out of memory");
    else if (jobq_submit(s->jobq, &n, 1, err, sizeof err) < 0)
        store_failed(r, err);
    else
        reply_v1_data(&r->reply, 201, token_json(n.token));
    free(text);
    jreq_free(&jr);
}

/* The batch's items, checked and printed; all of them or an error. */
static int batch_items(struct server *s, const cJSON *list, struct jobq_new *items, char **texts,
                       int owner, struct jreq_error *e)
{
    size_t i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, list) {
        struct jreq jr = { 0 };
        char *one = cJSON_PrintUnformatted(it);
        const char *cb = NULL;
        int rc = one ? check_one(s, one, strlen(one), &jr, &cb, e) : -1;
        if (rc == 0 && cb && !(items[i].callback_url = strdup(cb)))
            rc = -1;
        jreq_free(&jr);
        texts[i] = one;
        items[i].request = one;
        items[i].owner = owner;
        token_random_hex(items[i].token, JOBQ_TOKEN_LEN / 2);
        if (rc < 0) {
            if (!one || (rc < 0 && !e->code)) {
                e->http = 500, e->code = "internal_error";
                snprintf(e->message, sizeof e->message, "out of memory");
            } else {
                char why[sizeof e->message];
                snprintf(why, sizeof why, "%s", e->message);
                snprintf(e->message, sizeof e->message, "submissions[%zu]: %.700s", i, why);
            }
            return -1;
        }
        i++;
    }
    return 0;
}

static void create_batch(struct server *s, struct srv_req *r)
{
    struct jreq_error e = { 0 };
    const char *body = r->body.data ? r->body.data : "";
    char err[512];
    if (jreq_prescan(body, r->body.len, s->jctx.max_depth, &e) < 0) {
        reply_error(&r->reply, SRV_API_V1, e.http, e.code, "%s", e.message);
        return;
    }
    cJSON *doc = cJSON_ParseWithLength(body, r->body.len);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "submissions");
    int n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : -1;
    if (n < 1 || (unsigned)n > s->cfg.batch_max) {
        reply_error(&r->reply, SRV_API_V1, 400, "invalid_field", "the body must be "
                    "{\"submissions\": [...]} with 1 to %u submissions", s->cfg.batch_max);
        cJSON_Delete(doc);
        return;
    }
    struct jobq_new *items = calloc((size_t)n, sizeof *items);
    char **texts = calloc((size_t)n, sizeof *texts);
    if (!items || !texts)
        reply_error(&r->reply, SRV_API_V1, 500, "internal_error", "out of memory");
    else if (batch_items(s, list, items, texts, r->key, &e) < 0)
        reply_error(&r->reply, SRV_API_V1, e.http, e.code, "%s", e.message);
    else if (jobq_submit(s->jobq, items, (size_t)n, err, sizeof err) < 0)
        store_failed(r, err);
    else {
        cJSON *data = cJSON_CreateObject(), *out = cJSON_AddArrayToObject(data, "submissions");
        for (int i = 0; i < n; i++)
            cJSON_AddItemToArray(out, token_json(items[i].token));
        reply_v1_data(&r->reply, 201, data);
    }
    for (int i = 0; items && texts && i < n; i++) {
        free(texts[i]);
        free((char *)items[i].callback_url);
    }
    free(items);
    free(texts);
    cJSON_Delete(doc);
}

void submissions_stats(struct server *s, struct metrics_queue *out)
{
    char err[512];
    memset(out, 0, sizeof *out);
    out->node = s->node;
    out->kind = jobq_kind(s->jobq);
    out->available = jobq_stats(s->jobq, &out->jobs, err, sizeof err) == 0;
    if (!out->available) {
        fprintf(stderr, "kiln serve: submissions: queue figures: %s\n", err);
        memset(&out->jobs, 0, sizeof out->jobs);
        out->jobs.oldest_queued_ms = -1;
    }
    runners_stats(s->runners, &out->runners);
    callbacks_stats(s->callbacks, &out->callbacks);
}

static cJSON *time_json(int64_t ms)
{
    return ms ? cJSON_CreateNumber((double)ms) : cJSON_CreateNull();
}

cJSON *submission_json(const struct jobq_sub *sub)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "token", sub->token);
    cJSON_AddStringToObject(o, "state", STATE_NAMES[sub->state]);
    cJSON_AddItemToObject(o, "createdAt", time_json(sub->created_ms));
    cJSON_AddItemToObject(o, "startedAt", time_json(sub->started_ms));
    cJSON_AddItemToObject(o, "finishedAt", time_json(sub->finished_ms));
    cJSON_AddItemToObject(o, "node", sub->node[0] ? cJSON_CreateString(sub->node)
                                                  : cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "attempts", sub->attempts);
    /* The stored outcome is {"result": {...}} or {"error": {...}} (runners.c). */
    cJSON *stored = sub->result ? cJSON_Parse(sub->result) : NULL;
    cJSON *result = cJSON_DetachItemFromObject(stored, "result");
    cJSON *error = cJSON_DetachItemFromObject(stored, "error");
    cJSON_AddItemToObject(o, "result", result ? result : cJSON_CreateNull());
    if (error)
        cJSON_AddItemToObject(o, "error", error);
    cJSON_Delete(stored);
    if (sub->callback_url) {
        cJSON *cb = cJSON_AddObjectToObject(o, "callback");
        cJSON_AddStringToObject(cb, "url", sub->callback_url);
        cJSON_AddStringToObject(cb, "state", sub->callback_state[0] ? sub->callback_state
                                                                    : "waiting");
        cJSON_AddNumberToObject(cb, "attempts", sub->callback_attempts);
    }
    return o;
}

/* 1 with *sub, 0 when unknown or another key's, -1 with the reply written. */
static int lookup(struct server *s, struct srv_req *r, const char *token, struct jobq_sub *sub)
{
    char err[512];
    int rc = jobq_get(s->jobq, token, sub, err, sizeof err);
    if (rc < 0) {
        store_failed(r, err);
        return -1;
    }
    if (rc == 1 && sub->owner != r->key) {
        jobq_sub_free(sub);
        return 0;
    }
    return rc;
}

static void not_found(struct srv_req *r, const char *token)
{
    reply_error(&r->reply, SRV_API_V1, 404, "submission_not_found", "no submission %.*s (unknown, "
                "deleted, or its result has expired)", JOBQ_TOKEN_LEN, token);
}

static bool token_valid(const char *t, size_t len)
{
    if (len != JOBQ_TOKEN_LEN)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
            return false;
    return true;
}

static void get_one(struct server *s, struct srv_req *r, const char *token)
{
    struct jobq_sub sub;
    int rc = token_valid(token, strlen(token)) ? lookup(s, r, token, &sub) : 0;
    if (rc == 0)
        not_found(r, token);
    if (rc != 1)
        return;
    reply_v1_data(&r->reply, 200, submission_json(&sub));
    jobq_sub_free(&sub);
}

/* GET /batch?tokens=a,b,c: each token's submission, or its state "not_found". */
static void get_batch(struct server *s, struct srv_req *r)
{
    const char *t = r->query_tokens ? r->query_tokens : "";
    cJSON *data = cJSON_CreateObject(), *out = cJSON_AddArrayToObject(data, "submissions");
    unsigned count = 0;
    while (*t) {
        size_t n = strcspn(t, ",");
        char token[JOBQ_TOKEN_LEN + 1] = "";
        struct jobq_sub sub;
        int rc = 0;
        if (++count > s->cfg.batch_max) {
            cJSON_Delete(data);
            reply_error(&r->reply, SRV_API_V1, 400, "invalid_field", "at most %u tokens at once",
                        s->cfg.batch_max);
            return;
        }
        if (token_valid(t, n)) {
            memcpy(token, t, n);
            if ((rc = lookup(s, r, token, &sub)) < 0) {
                cJSON_Delete(data);
                return;
            }
        }
        if (rc == 1) {
            cJSON_AddItemToArray(out, submission_json(&sub));
            jobq_sub_free(&sub);
        } else {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddItemToObject(o, "token", cJSON_CreateString(token_valid(t, n) ? token : ""));
            cJSON_AddStringToObject(o, "state", "not_found");
            cJSON_AddItemToArray(out, o);
        }
        t += n + (t[n] == ',');
    }
    if (!count) {
        cJSON_Delete(data);
        reply_error(&r->reply, SRV_API_V1, 400, "invalid_field", "tokens=T1,T2,... is required");
        return;
    }
    reply_v1_data(&r->reply, 200, data);
}

static void delete_one(struct server *s, struct srv_req *r, const char *token)
{
    struct jobq_sub sub;
    char err[512];
    int rc = token_valid(token, strlen(token)) ? lookup(s, r, token, &sub) : 0;
    if (rc == 0)
        not_found(r, token);
    if (rc != 1)
        return;
    jobq_sub_free(&sub);
    rc = jobq_cancel(s->jobq, token, err, sizeof err);
    if (rc < 0)
        store_failed(r, err);
    else if (rc == JOBQ_NOT_FOUND)
        not_found(r, token);
    else if (rc == JOBQ_NOT_QUEUED)
        reply_error(&r->reply, SRV_API_V1, 409, "not_queued", "submission %s is running or done: "
                    "only a queued one can be deleted", token);
    else {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "token", token);
        cJSON_AddStringToObject(o, "state", "deleted");
        reply_v1_data(&r->reply, 200, o);
    }
}

static void method_refused(struct srv_req *r, const char *allowed)
{
    reply_error(&r->reply, SRV_API_V1, 405, "method_not_allowed", "%s %s is not served; use %s",
                r->method, r->url, allowed);
    r->reply.allow = allowed;
}

void submissions_job(struct server *s, struct srv_req *r)
{
    const char *rest = r->url + strlen(SUB_PATH);
    bool get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
    if (!*rest || !strcmp(rest, "/")) {
        if (!strcmp(r->method, "POST"))
            create_one(s, r);
        else
            method_refused(r, "POST");
    } else if (!strcmp(rest, "/batch")) {
        if (!strcmp(r->method, "POST"))
            create_batch(s, r);
        else if (get)
            get_batch(s, r);
        else
            method_refused(r, "GET, HEAD, POST");
    } else if (strchr(rest + 1, '/'))
        not_found(r, "");
    else if (get)
        get_one(s, r, rest + 1);
    else if (!strcmp(r->method, "DELETE"))
        delete_one(s, r, rest + 1);
    else
        method_refused(r, "GET, HEAD, DELETE");
}
