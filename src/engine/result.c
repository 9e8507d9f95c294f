/* result.c — status names and the lifetime of results. */
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "engine/result.h"
#include "jail/seccomp.h"
#include "kiln.h"

const uint64_t kiln_latency_bounds_us[KILN_LATENCY_BUCKETS] = {
    100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 1000000, UINT64_MAX,
};

const char *kiln_status_name(enum kiln_status status)
{
    static const char *const names[] = {
        [KILN_OK] = "OK", [KILN_RE] = "RE", [KILN_SG] = "SG", [KILN_TO] = "TO",
        [KILN_ML] = "ML", [KILN_OL] = "OL", [KILN_CE] = "CE", [KILN_XX] = "XX",
    };
    if ((unsigned)status < sizeof names / sizeof *names && names[status])
        return names[status];
    return "XX";
}

static void stage_free(struct kiln_stage *st)
{
    free(st->out);
    free(st->err);
    free(st->value_text);
    free(st->value_json);
    st->value_text = st->value_json = NULL;
    st->out = st->err = NULL;
    st->out_len = st->err_len = 0;
}

void kiln_result_free(struct kiln_result *result)
{
    if (!result)
        return;
    stage_free(&result->compile);
    stage_free(&result->run);
    for (size_t i = 0; i < result->ncases; i++)
        stage_free(&result->cases[i]);
    free(result->cases);
    result->cases = NULL;
    result->ncases = 0;
}

const struct kiln_stage *kiln_result_deciding_run(const struct kiln_result *r)
{
    for (size_t i = 0; i < r->ncases; i++)
        if (r->cases[i].status != KILN_OK || i + 1 == r->ncases)
            return &r->cases[i];
    return &r->run;
}

/* The runtime's value record, "TEXT\0JSON": the program wrote it (it is
 * its word, like its stdout), so the JSON is kept only if it parses. */
static void take_value(struct kiln_stage *st, struct jail_outcome *o)
{
    st->value_truncated = o->value_truncated;
    if (!o->value.data)
        return;
    size_t text_len = strnlen(o->value.data, o->value.len);
    st->value_text = strndup(o->value.data, text_len);
    if (text_len + 1 >= o->value.len || o->value_truncated)
        return;
    const char *json = o->value.data + text_len + 1, *end = NULL;
    size_t json_len = o->value.len - text_len - 1;
    cJSON *parsed = cJSON_ParseWithLengthOpts(json, json_len, &end, 0);
    if (parsed && end == json + json_len)
        st->value_json = strndup(json, json_len);
    cJSON_Delete(parsed);
}

/* Moves a jail outcome into a public stage (the buffers change owner). */
void result_stage_from_outcome(struct kiln_stage *st, struct jail_outcome *o)
{
    st->status = o->status;
    st->exit_code = o->exit_code;
    st->signal = o->signal;
    st->out = buf_steal(&o->out, &st->out_len);
    st->err = buf_steal(&o->err, &st->err_len);
    st->out_truncated = o->out_truncated;
    st->err_truncated = o->err_truncated;
    st->cpu_ms = o->cpu_ms;
    st->wall_ms = o->wall_ms;
    st->mem_kib = o->mem_kib;
    snprintf(st->message, sizeof st->message, "%s", o->message);
    _Static_assert(KILN_DENIED_MAX >= DENIALS_MAX, "every distinct denial fits");
    take_value(st, o);
    st->ndenied = o->denials.ncalls;
    st->denied_total = o->denials.total;
    for (unsigned i = 0; i < o->denials.ncalls; i++)
        st->denied[i] = (struct kiln_denied){ .syscall = seccomp_denied_name(o->denials.calls[i].nr),
                                              .count = o->denials.calls[i].count };
}

/* The request's files as jail files (borrowed pointers, not copies). */
struct jail_file *result_request_files(const struct kiln_request *req)
{
    struct jail_file *f = calloc(req->nfiles, sizeof *f);
    for (size_t i = 0; f && i < req->nfiles; i++) {
        f[i].name = (char *)req->files[i].name;
        f[i].data = (char *)req->files[i].data;
        f[i].len = req->files[i].len;
        f[i].mode = 0644;
    }
    return f;
}
