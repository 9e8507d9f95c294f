/* runners.c — the threads that run submissions (runners.h).
 *
 * A runner takes one job at a time from the queue (jobq_take), so a node
 * never holds more jobs than it has runners: with Redis, a busy node
 * simply stops reading the stream and the others take the work. The job
 * is parsed again as the execute body it was checked as, run by the
 * engine, and its outcome stored ({"result": the execute reply's data} or
 * {"error": {code, message}}) before it is acknowledged; then the
 * callback, if any, is handed to the sender (callback.c). A job the engine
 * had no slot for (KILN_ERR_BUSY) goes back to the queue. */
#define _GNU_SOURCE
#include "server/runners.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/callback.h"
#include "server/jobq.h"
#include "server/route_v1.h"
#include "server/srv.h"
#include "server/submissions.h"
#include "server/verdict.h"

/* How long a take waits for work before looking at the stop flag again. */
#define RUNNER_TAKE_MS 500
/* After a store error: the pause before the next take, and the tries of a finish. */
#define RUNNER_RETRY_MS 1000
#define RUNNER_FINISH_TRIES 5

struct srv_runners {
    struct server *s;
    pthread_t *threads;
    unsigned n, started;
    atomic_bool stop;
    pthread_mutex_t lock; /* guards the counters */
    unsigned busy;
    uint64_t completed, requeued, store_errors;
};

static void count(struct srv_runners *rs, uint64_t *counter, int busy_delta)
{
    pthread_mutex_lock(&rs->lock);
    if (counter)
        (*counter)++;
    rs->busy = (unsigned)((int)rs->busy + busy_delta);
    pthread_mutex_unlock(&rs->lock);
}

static void add_error(cJSON *outcome, const char *code, const char *message)
{
    cJSON *e = cJSON_AddObjectToObject(outcome, "error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
}

/* With expected_output: a verdict per case and one for the run (the first
 * case that is not AC decides), or for the single run. */
static void add_verdicts(cJSON *data, const cJSON *expected, const struct kiln_result *res)
{
    if (!expected || cJSON_IsNull(expected))
        return;
    const char *overall = "AC";
    if (res->status == KILN_CE || !res->ncases) {
        overall = res->status != KILN_OK ? kiln_status_name(res->status)
                                         : verdict_of(&res->run, expected->valuestring);
        cJSON_AddStringToObject(data, "verdict", overall);
        return;
    }
    cJSON *cases = cJSON_GetObjectItemCaseSensitive(data, "cases");
    for (size_t i = 0; i < res->ncases; i++) {
        const cJSON *x = cJSON_GetArrayItem(expected, (int)i);
        const char *v = verdict_of(&res->cases[i], x && cJSON_IsString(x) ? x->valuestring : "");
        cJSON_AddStringToObject(cJSON_GetArrayItem(cases, (int)i), "verdict", v);
        if (!strcmp(overall, "AC"))
            overall = v;
    }
    cJSON_AddStringToObject(data, "verdict", overall);
}

/* Runs a parsed job: 0 with its outcome added, or KILN_ERR_BUSY. */
static int execute(struct server *s, struct jreq *jr, cJSON *outcome)
{
    struct kiln_result res;
    char err[512] = "";
    int64_t t0 = srv_now_ns();
    int rc = kiln_execute(s->engine, &jr->req, &res, err, sizeof err);
    if (rc == KILN_ERR_BUSY)
        return rc;
    if (rc < 0) {
        fprintf(stderr, "kiln serve: %s submission refused by the engine: %s\n", jr->lang->name,
                err);
        add_error(outcome, rc == KILN_ERR_INVALID ? "invalid_request" : "sandbox_error",
                  rc == KILN_ERR_INVALID ? err : "the sandbox failed (not the program)");
        return 0;
    }
    metrics_run(s->metrics, (size_t)(jr->lang - s->langs), &res,
                (uint64_t)(srv_now_ns() - t0));
    if (res.status == KILN_XX) {
        fprintf(stderr, "kiln serve: %s submission failed in the sandbox: %s\n", jr->lang->name,
                res.run.message[0] ? res.run.message : res.compile.message);
        add_error(outcome, "sandbox_error", "the sandbox failed (not the program)");
    } else {
        cJSON *data, *doc = v1_result_json(jr, &res, &data);
        cJSON_DetachItemViaPointer(doc, data);
        cJSON_Delete(doc);
        add_verdicts(data, cJSON_GetObjectItemCaseSensitive(jr->doc, "expected_output"), &res);
        cJSON_AddItemToObject(outcome, "result", data);
    }
    kiln_result_free(&res);
    return 0;
}

/* The result is stored before the job is acknowledged; a store that
 * fails is tried again, and past that the job stays taken, to be run
 * again (Redis: reclaimed; SQLite: at the next start). */
static int finish(struct srv_runners *rs, struct jobq_job *j, const char *text)
{
    char err[512];
    for (int i = 0; i < RUNNER_FINISH_TRIES; i++) {
        if (jobq_finish(rs->s->jobq, j, text, j->callback_url != NULL, err, sizeof err) == 0)
            return 0;
        fprintf(stderr, "kiln serve: submission %s: storing the result: %s\n", j->token, err);
        count(rs, &rs->store_errors, 0);
        poll(NULL, 0, RUNNER_RETRY_MS);
    }
    return -1;
}

static void send_callback(struct server *s, const struct jobq_job *j)
{
    struct jobq_sub sub;
    char err[512];
    if (jobq_get(s->jobq, j->token, &sub, err, sizeof err) != 1) {
        fprintf(stderr, "kiln serve: submission %s: callback not sent: %s\n", j->token, err);
        return;
    }
    cJSON *doc = submission_json(&sub);
    char *body = cJSON_PrintUnformatted(doc);
    if (!body || callbacks_send(s->callbacks, j->token, j->callback_url, body,
                                strlen(body)) < 0) {
        fprintf(stderr, "kiln serve: submission %s: callback refused (queue full or the "
                "destination is no longer allowed)\n", j->token);
        jobq_callback_state(s->jobq, j->token, "failed", 0, err, sizeof err);
    }
    free(body);
    cJSON_Delete(doc);
    jobq_sub_free(&sub);
}

static void run_job(struct srv_runners *rs, struct jobq_job *j)
{
    struct server *s = rs->s;
    struct jreq jr;
    struct jreq_error e;
    char err[512];
    cJSON *outcome = cJSON_CreateObject();
    int rc = 0;
    /* Checked when submitted; refused now only if this node's languages
     * or limits differ from the node that took it. */
    if (jreq_parse_v1(j->request, strlen(j->request), &s->jctx, &jr, &e) < 0)
        add_error(outcome, e.code, e.message);
    else
        rc = execute(s, &jr, outcome);
    jreq_free(&jr);
    char *text = rc == KILN_ERR_BUSY ? NULL : cJSON_PrintUnformatted(outcome);
    if (!text) { /* no slot, or no memory to store the outcome: back to the queue */
        if (jobq_release(s->jobq, j, err, sizeof err) < 0)
            fprintf(stderr, "kiln serve: submission %s: giving it back: %s\n", j->token, err);
        count(rs, &rs->requeued, 0);
        poll(NULL, 0, 50); /* the engine's slots are taken: let them drain */
    } else if (finish(rs, j, text) == 0) {
        count(rs, &rs->completed, 0);
        if (j->callback_url)
            send_callback(s, j);
    }
    free(text);
    cJSON_Delete(outcome);
}

static void *runner_main(void *arg)
{
    struct srv_runners *rs = arg;
    char err[512];
    while (!atomic_load(&rs->stop)) {
        struct jobq_job j;
        int rc = jobq_take(rs->s->jobq, RUNNER_TAKE_MS, &j, err, sizeof err);
        if (rc < 0) {
            fprintf(stderr, "kiln serve: submissions: taking a job: %s\n", err);
            count(rs, &rs->store_errors, 0);
            poll(NULL, 0, RUNNER_RETRY_MS);
            continue;
        }
        if (rc == 0)
            continue;
        count(rs, NULL, 1);
        run_job(rs, &j);
        count(rs, NULL, -1);
        jobq_job_free(&j);
    }
    return NULL;
}

struct srv_runners *runners_create(struct server *s, unsigned n, char *err, size_t errlen)
{
    struct srv_runners *rs = calloc(1, sizeof *rs);
    if (rs)
        rs->threads = calloc(n ? n : 1, sizeof *rs->threads);
    if (!rs || !rs->threads) {
        free(rs);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    rs->s = s;
    rs->n = n;
    pthread_mutex_init(&rs->lock, NULL);
    for (; rs->started < n; rs->started++) {
        int rc = pthread_create(&rs->threads[rs->started], NULL, runner_main, rs);
        if (rc != 0) {
            snprintf(err, errlen, "runner thread: %s", strerror(rc));
            runners_destroy(rs);
            return NULL;
        }
    }
    return rs;
}

void runners_destroy(struct srv_runners *rs)
{
    if (!rs)
        return;
    atomic_store(&rs->stop, true);
    for (unsigned i = 0; i < rs->started; i++)
        pthread_join(rs->threads[i], NULL);
    pthread_mutex_destroy(&rs->lock);
    free(rs->threads);
    free(rs);
}

void runners_stats(struct srv_runners *rs, struct runners_stats *out)
{
    pthread_mutex_lock(&rs->lock);
    *out = (struct runners_stats){ .runners = rs->n, .busy = rs->busy,
                                   .completed = rs->completed, .requeued = rs->requeued,
                                   .store_errors = rs->store_errors };
    pthread_mutex_unlock(&rs->lock);
}
