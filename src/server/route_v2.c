/* route_v2.c — Piston's v2 API, answered in Piston's shapes: a bare array
 * of runtimes, and {language, version, run, compile} where `compile` is
 * present only for compiled languages and `run` is absent after a failed
 * compilation, as Piston does. Times in ms, memory in bytes. */
#include "server/route_v2.h"

#include <string.h>

#include "server/reply.h"
#include "util/buf.h"
#include "util/json.h"

void v2_runtimes(struct server *s, struct srv_reply *out)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < s->nlangs; i++) {
        const struct srv_lang *l = &s->langs[i];
        if (!l->available)
            continue;
        cJSON *rt = cJSON_CreateObject();
        cJSON_AddStringToObject(rt, "language", l->name);
        cJSON_AddStringToObject(rt, "version", l->version);
        json_add_words(cJSON_AddArrayToObject(rt, "aliases"), l->aliases);
        cJSON_AddItemToArray(list, rt);
    }
    reply_json(out, 200, list);
}

/* stdout then stderr: kiln keeps the two apart, so their interleaving in
 * time is not known. */
static cJSON *output_json(const struct kiln_stage *st)
{
    struct buf b = { 0 };
    if (buf_append(&b, st->out ? st->out : "", st->out ? st->out_len : 0) < 0 ||
        buf_append(&b, st->err ? st->err : "", st->err ? st->err_len : 0) < 0) {
        buf_free(&b);
        return NULL;
    }
    cJSON *s = reply_bytes(b.data, b.len);
    buf_free(&b);
    return s;
}

static cJSON *stage_json(const struct kiln_stage *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "stdout", reply_bytes(st->out, st->out_len));
    cJSON_AddItemToObject(o, "stderr", reply_bytes(st->err, st->err_len));
    cJSON_AddItemToObject(o, "output", output_json(st));
    cJSON_AddItemToObject(o, "code", reply_exit_code(st));
    cJSON_AddItemToObject(o, "signal", reply_signal(st->signal));
    cJSON_AddItemToObject(o, "message",
                          st->message[0] ? cJSON_CreateString(st->message) : cJSON_CreateNull());
    /* Piston's status is null for a normal exit, else a two-letter code. */
    cJSON_AddItemToObject(o, "status", st->status == KILN_OK
                                           ? cJSON_CreateNull()
                                           : cJSON_CreateString(kiln_status_name(st->status)));
    cJSON_AddNumberToObject(o, "cpu_time", (double)st->cpu_ms);
    cJSON_AddNumberToObject(o, "wall_time", (double)st->wall_ms);
    cJSON_AddNumberToObject(o, "memory", (double)st->mem_kib * 1024);
    cJSON_AddItemToObject(o, "denied_syscalls", json_denied(st));
    return o;
}

void v2_render(struct server *s, const struct jreq *jr, int rc, const struct kiln_result *res,
               const char *err, struct srv_reply *out)
{
    (void)s;
    if (rc < 0 || res->status == KILN_XX) {
        reply_engine_error(out, SRV_API_V2, rc, err); /* the worker logs err */
        return;
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "language", jr->lang->name);
    cJSON_AddStringToObject(doc, "version", jr->lang->version);
    /* No run after a failed compile step (CE, or a limit hit while compiling).
     * With cases, `run` is the case that decided the status, and `cases`
     * (kiln's, not Piston's) holds every one. */
    const struct kiln_stage *run = kiln_result_deciding_run(res);
    if (res->status != KILN_CE && !(res->compiled && !run->out)) {
        cJSON *stage = stage_json(run);
        if (jr->req.mode == KILN_MODE_INTERPRET)
            json_add_value(stage, run, "result_text", "result_truncated");
        cJSON_AddItemToObject(doc, "run", stage);
    }
    if (res->compiled) {
        cJSON *compile = stage_json(&res->compile);
        cJSON_AddBoolToObject(compile, "cached", res->cached);
        cJSON_AddItemToObject(doc, "compile", compile);
    }
    if (res->ncases) {
        cJSON *cases = cJSON_AddArrayToObject(doc, "cases");
        for (size_t i = 0; i < res->ncases; i++) {
            cJSON *stage = stage_json(&res->cases[i]);
            if (jr->req.mode == KILN_MODE_INTERPRET)
                json_add_value(stage, &res->cases[i], "result_text", "result_truncated");
            cJSON_AddItemToArray(cases, stage);
        }
    }
    reply_json(out, 200, doc);
}
