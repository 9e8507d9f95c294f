/* route_v1.c — Valkode's API, answered as Valkode's README documents it
 * ({"success":…, "data":{…}}), with kiln's fuller result fields beside
 * Valkode's own. */
#include "server/route_v1.h"

#include <stdio.h>
#include <string.h>

#include "server/reply.h"
#include "server/submissions.h"
#include "util/json.h"

static cJSON *envelope(cJSON **data)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddBoolToObject(doc, "success", true);
    *data = cJSON_AddObjectToObject(doc, "data");
    return doc;
}

static cJSON *runners_json(struct server *s, unsigned workers)
{
    cJSON *runners = cJSON_CreateObject();
    for (size_t i = 0; i < s->nlangs; i++) {
        uint64_t runs, ok;
        metrics_lang(s->metrics, i, &runs, &ok);
        cJSON *r = cJSON_AddObjectToObject(runners, s->langs[i].name);
        cJSON_AddBoolToObject(r, "available", s->langs[i].available);
        /* exec languages share the engine's exec slots. */
        cJSON_AddNumberToObject(r, "totalWorkers", s->langs[i].available ? workers : 0);
        cJSON_AddNumberToObject(r, "runs", (double)runs);
        /* Runs in which the sandbox worked (not XX), in percent: a
         * program's own failure is not the runner's. */
        cJSON_AddNumberToObject(r, "successRate", runs ? 100.0 * (double)ok / (double)runs : 100);
        struct kiln_pool_stats ps;
        cJSON_AddBoolToObject(r, "warm", s->langs[i].warm);
        if (!s->langs[i].warm || kiln_pool_stats(s->engine, s->langs[i].name, &ps) < 0)
            continue;
        /* A warm language has slots of its own, children forked ahead. */
        cJSON_ReplaceItemInObject(r, "totalWorkers", cJSON_CreateNumber(ps.slots));
        cJSON_AddNumberToObject(r, "busyWorkers", ps.busy);
        cJSON_AddNumberToObject(r, "readyWorkers", ps.ready);
        cJSON_AddNumberToObject(r, "targetReady", ps.target);
        cJSON_AddNumberToObject(r, "minReady", ps.min);
        cJSON_AddNumberToObject(r, "queued", ps.queued);
        cJSON_AddNumberToObject(r, "restarts", (double)ps.restarts);
        cJSON_AddNumberToObject(r, "rejected", (double)ps.rejected);
        cJSON_AddNumberToObject(r, "spawned", (double)ps.spawned);
        cJSON_AddNumberToObject(r, "reaped", (double)ps.reaped);
        cJSON_AddBoolToObject(r, "alive", ps.alive);
    }
    return runners;
}

/* The queue as this node sees it: shared by every node on one Redis. */
static cJSON *queue_json(struct server *s)
{
    struct metrics_queue q;
    submissions_stats(s, &q);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "queue", q.kind);
    cJSON_AddBoolToObject(o, "available", q.available);
    cJSON_AddNumberToObject(o, "queued", (double)q.jobs.queued);
    cJSON_AddNumberToObject(o, "running", (double)q.jobs.running);
    cJSON_AddNumberToObject(o, "done", (double)q.jobs.done);
    cJSON_AddItemToObject(o, "oldestQueuedAgeMs", q.jobs.oldest_queued_ms >= 0
                                                      ? cJSON_CreateNumber((double)q.jobs.oldest_queued_ms)
                                                      : cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "runners", q.runners.runners);
    cJSON_AddNumberToObject(o, "busyRunners", q.runners.busy);
    cJSON_AddNumberToObject(o, "completed", (double)q.runners.completed);
    cJSON_AddNumberToObject(o, "callbacksPending", q.callbacks.pending);
    return o;
}

void v1_health(struct server *s, struct srv_reply *out)
{
    struct workers_stats ps;
    workers_stats(s->workers, &ps);
    pthread_mutex_lock(&s->lock);
    bool draining = s->draining;
    pthread_mutex_unlock(&s->lock);
    cJSON *data, *doc = envelope(&data);
    cJSON_AddStringToObject(data, "status", draining ? "draining" : "ok");
    cJSON_AddNumberToObject(data, "uptime", (double)((srv_now_ns() - s->started_ns) / 1000000000));
    cJSON_AddStringToObject(data, "version", KILN_VERSION);
    cJSON *pp = cJSON_AddObjectToObject(data, "processPool");
    cJSON_AddNumberToObject(pp, "totalWorkers", ps.workers);
    cJSON_AddNumberToObject(pp, "busyWorkers", ps.busy);
    cJSON_AddNumberToObject(pp, "idleWorkers", ps.workers - ps.busy);
    cJSON_AddNumberToObject(pp, "pendingRequests", ps.pending);
    cJSON_AddItemToObject(data, "runners", runners_json(s, s->cfg.slots));
    cJSON_AddStringToObject(data, "node", s->node);
    cJSON_AddItemToObject(data, "submissions", queue_json(s));
    /* 503 while draining: load balancers stop sending work here. */
    reply_json(out, draining ? 503 : 200, doc);
}

/* Names and aliases of the languages that can run here. */
void v1_languages(struct server *s, struct srv_reply *out)
{
    cJSON *data, *doc = envelope(&data);
    cJSON *list = cJSON_AddArrayToObject(data, "languages");
    for (size_t i = 0; i < s->nlangs; i++) {
        if (!s->langs[i].available)
            continue;
        cJSON_AddItemToArray(list, cJSON_CreateString(s->langs[i].name));
        json_add_words(list, s->langs[i].aliases);
    }
    reply_json(out, 200, doc);
}

static void add_stage_fields(cJSON *o, const struct kiln_stage *st)
{
    cJSON_AddStringToObject(o, "status", kiln_status_name(st->status));
    cJSON_AddItemToObject(o, "stdout", reply_bytes(st->out, st->out_len));
    cJSON_AddItemToObject(o, "stderr", reply_bytes(st->err, st->err_len));
    cJSON_AddBoolToObject(o, "stdoutTruncated", st->out_truncated);
    cJSON_AddBoolToObject(o, "stderrTruncated", st->err_truncated);
    cJSON_AddItemToObject(o, "exitCode", reply_exit_code(st));
    cJSON_AddItemToObject(o, "signal", reply_signal(st->signal));
    cJSON_AddItemToObject(o, "message",
                          st->message[0] ? cJSON_CreateString(st->message) : cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "cpuTime", (double)st->cpu_ms);
    cJSON_AddNumberToObject(o, "wallTime", (double)st->wall_ms);
    cJSON_AddNumberToObject(o, "memory", (double)st->mem_kib * 1024);
    cJSON_AddItemToObject(o, "deniedSyscalls", json_denied(st));
}

/* Valkode's `output`: what the program printed, without the final line
 * break(s), as Valkode's runners return it. */
static cJSON *output_json(const struct kiln_stage *st)
{
    size_t n = st->out ? st->out_len : 0;
    while (n && (st->out[n - 1] == '\n' || st->out[n - 1] == '\r'))
        n--;
    return reply_bytes(st->out, n);
}

/* Valkode's `error` of a failed run: the compiler's or the program's
 * stderr, or kiln's reason when the run was stopped. */
/* Whether the program itself ran: not after a failed compile step (CE, or
 * a limit hit while compiling, which leaves run.out NULL). */
static bool program_ran(const struct kiln_result *res)
{
    return res->status != KILN_CE && !(res->compiled && !kiln_result_deciding_run(res)->out);
}

static cJSON *error_json(const struct kiln_result *res)
{
    const struct kiln_stage *st = program_ran(res) ? kiln_result_deciding_run(res) : &res->compile;
    char why[300];
    if ((res->status == KILN_CE || res->status == KILN_RE) && st->err_len)
        return reply_bytes(st->err, st->err_len);
    if (res->status == KILN_CE && st->out_len)
        return reply_bytes(st->out, st->out_len);
    if (st->message[0])
        return cJSON_CreateString(st->message);
    if (res->status == KILN_CE)
        return cJSON_CreateString("compilation failed");
    snprintf(why, sizeof why, "exited with code %d", st->exit_code);
    return cJSON_CreateString(why);
}

/* The reply to a finished run: Valkode's envelope, {"success", "data"}. */
cJSON *v1_result_json(const struct jreq *jr, const struct kiln_result *res, cJSON **data_out)
{
    /* With cases, the top-level fields are the case that decided the status. */
    const struct kiln_stage *run = kiln_result_deciding_run(res);
    cJSON *data, *doc = envelope(&data);
    cJSON_AddBoolToObject(data, "success", res->status == KILN_OK);
    cJSON_AddItemToObject(data, "output", output_json(run));
    cJSON_AddNumberToObject(data, "executionTime", (double)run->wall_ms);
    if (res->status != KILN_OK)
        cJSON_AddItemToObject(data, "error", error_json(res));
    add_stage_fields(data, run);
    cJSON_ReplaceItemInObject(data, "status", cJSON_CreateString(kiln_status_name(res->status)));
    if (!program_ran(res))
        cJSON_ReplaceItemInObject(data, "exitCode", cJSON_CreateNull());
    cJSON_AddStringToObject(data, "language", jr->lang->name);
    cJSON_AddStringToObject(data, "version", jr->lang->version);
    if (jr->req.mode == KILN_MODE_INTERPRET)
        json_add_value(data, run, "resultText", "resultTruncated");
    cJSON *compile = res->compiled ? cJSON_CreateObject() : cJSON_CreateNull();
    if (res->compiled) {
        add_stage_fields(compile, &res->compile);
        cJSON_AddBoolToObject(compile, "cached", res->cached);
    }
    cJSON_AddItemToObject(data, "compile", compile);
    if (res->ncases) {
        cJSON *cases = cJSON_AddArrayToObject(data, "cases");
        for (size_t i = 0; i < res->ncases; i++) {
            cJSON *c = cJSON_CreateObject();
            add_stage_fields(c, &res->cases[i]);
            if (jr->req.mode == KILN_MODE_INTERPRET)
                json_add_value(c, &res->cases[i], "resultText", "resultTruncated");
            cJSON_AddItemToArray(cases, c);
        }
    }
    if (data_out)
        *data_out = data;
    return doc;
}

void v1_render(struct server *s, const struct jreq *jr, int rc, const struct kiln_result *res,
               const char *err, struct srv_reply *out)
{
    (void)s;
    if (rc < 0 || res->status == KILN_XX) {
        reply_engine_error(out, SRV_API_V1, rc, err); /* the worker logs err */
        return;
    }
    reply_json(out, 200, v1_result_json(jr, res, NULL));
}
