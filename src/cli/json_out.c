/* json_out.c — results as JSON (cJSON), with program output made valid UTF-8. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "util/json.h"

static cJSON *json_stage(const struct kiln_stage *st)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "status", kiln_status_name(st->status));
    cJSON_AddNumberToObject(o, "exit_code", st->exit_code);
    cJSON_AddNumberToObject(o, "signal", st->signal);
    cJSON_AddItemToObject(o, "stdout", json_bytes(st->out, st->out_len));
    cJSON_AddBoolToObject(o, "stdout_truncated", st->out_truncated);
    cJSON_AddItemToObject(o, "stderr", json_bytes(st->err, st->err_len));
    cJSON_AddBoolToObject(o, "stderr_truncated", st->err_truncated);
    cJSON_AddNumberToObject(o, "cpu_ms", (double)st->cpu_ms);
    cJSON_AddNumberToObject(o, "wall_ms", (double)st->wall_ms);
    cJSON_AddNumberToObject(o, "memory_kib", (double)st->mem_kib);
    cJSON_AddStringToObject(o, "message", st->message);
    cJSON_AddItemToObject(o, "denied_syscalls", json_denied(st));
    return o;
}

cJSON *json_result(const struct kiln_result *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "status", kiln_status_name(r->status));
    cJSON_AddStringToObject(o, "language", r->language);
    cJSON_AddStringToObject(o, "version", r->version);
    cJSON_AddItemToObject(o, "compile", r->compiled ? json_stage(&r->compile) : cJSON_CreateNull());
    cJSON_AddBoolToObject(o, "cached", r->cached);
    bool no_run = r->ncases || r->status == KILN_CE || (r->compiled && !r->run.out);
    cJSON_AddItemToObject(o, "run", no_run ? cJSON_CreateNull() : json_stage(&r->run));
    if (r->ncases) {
        cJSON *cases = cJSON_AddArrayToObject(o, "cases");
        for (size_t i = 0; cases && i < r->ncases; i++)
            cJSON_AddItemToArray(cases, json_stage(&r->cases[i]));
    }
    return o;
}

int json_print(cJSON *doc)
{
    char *text = cJSON_PrintUnformatted(doc);
    if (!text)
        return -1;
    puts(text);
    free(text);
    return fflush(stdout) == 0 ? 0 : -1;
}
