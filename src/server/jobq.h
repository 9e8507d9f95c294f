/* jobq.h — where submissions (/api/v1/submissions) wait, run and keep their
 * results: one interface, two stores.
 *
 *   sqlite               one node: a SQLite database in the data directory
 *                        (jobq_sqlite.c); durable across kill -9 and restart
 *   redis://HOST:PORT    many nodes sharing one Redis (jobq_redis.c): a
 *                        Stream with a consumer group holds the jobs, a hash
 *                        per submission its state and result, with a TTL
 *
 * Every function may be called from any thread at once. Times are Unix
 * milliseconds; 0 means "not yet". A job is taken by one runner
 * (jobq_take), which ends it with jobq_finish (the result is stored, then
 * the job acknowledged: a crash in between runs it again, never loses it)
 * or gives it back with jobq_release. */
#ifndef KILN_SERVER_JOBQ_H
#define KILN_SERVER_JOBQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOBQ_TOKEN_LEN 32 /* hex characters of a token: 128 random bits */

enum jobq_state { JOBQ_QUEUED, JOBQ_RUNNING, JOBQ_DONE };

/* A submission to store (jobq_submit). The strings are copied. */
struct jobq_new {
    char token[JOBQ_TOKEN_LEN + 1];
    int owner;                /* API key index; -1 without keys */
    const char *request;      /* the execute body, JSON text */
    const char *callback_url; /* NULL: none */
};

/* A submission as stored (jobq_get); free with jobq_sub_free. */
struct jobq_sub {
    char token[JOBQ_TOKEN_LEN + 1];
    enum jobq_state state;
    int owner;
    char *request;      /* JSON text */
    char *callback_url; /* NULL: none */
    char *result;       /* JSON text, once done; else NULL */
    int64_t created_ms, started_ms, finished_ms;
    char node[64];      /* the node that ran (or runs) it; "" while queued */
    unsigned attempts;  /* times a runner took it: more than 1 after a reclaim */
    char callback_state[16]; /* "", "pending", "delivered", "failed" */
    unsigned callback_attempts;
};

/* A job taken by a runner; free with jobq_job_free. */
struct jobq_job {
    char token[JOBQ_TOKEN_LEN + 1];
    int owner;
    char *request;
    char *callback_url; /* NULL: none */
    unsigned attempts;  /* including this one */
    char handle[64];    /* the store's own name of the job (stream entry id, row id) */
};

struct jobq_stats {
    uint64_t queued, running, done;
    int64_t oldest_queued_ms; /* age of the oldest queued job; -1 when none */
};

struct jobq_params {
    const char *url;      /* "sqlite" or "redis://HOST:PORT" */
    const char *data_dir; /* sqlite: the directory of kiln.db (created if missing) */
    const char *node;     /* this node's name: the Redis consumer, jobq_sub.node */
    uint32_t keep_s;      /* a finished result is kept this long */
    uint32_t reclaim_ms;  /* redis: a job whose node has shown no life this long is
                           * taken again (XAUTOCLAIM); a live node renews its jobs'
                           * claims every reclaim_ms / 3 (XCLAIM JUSTID) */
};

struct jobq;

/* Opens the store named by p->url. NULL with err. */
struct jobq *jobq_open(const struct jobq_params *p, char *err, size_t errlen);
/* Accepts NULL. No other call may be running. */
void jobq_close(struct jobq *q);
/* "sqlite" or "redis". */
const char *jobq_kind(const struct jobq *q);

/* Stores n submissions, queued, all or none. 0, or -1 with err. */
int jobq_submit(struct jobq *q, const struct jobq_new *subs, size_t n, char *err, size_t errlen);
/* 1 with *out filled, 0 when there is no such token (or it expired), -1 with err. */
int jobq_get(struct jobq *q, const char *token, struct jobq_sub *out, char *err, size_t errlen);
void jobq_sub_free(struct jobq_sub *s);

enum jobq_cancel_result { JOBQ_CANCELLED = 1, JOBQ_NOT_FOUND = 0, JOBQ_NOT_QUEUED = 2 };
/* Deletes a queued submission: an enum jobq_cancel_result, or -1 with err. */
int jobq_cancel(struct jobq *q, const char *token, char *err, size_t errlen);

/* Takes the oldest queued job (or, redis, one reclaimed from a dead node),
 * waiting up to wait_ms for one. 1 with *out filled (state running, node
 * and started set, attempts counted), 0 when none came, -1 with err. */
int jobq_take(struct jobq *q, int wait_ms, struct jobq_job *out, char *err, size_t errlen);
void jobq_job_free(struct jobq_job *j);
/* Stores the result (state done, kept keep_s), then acknowledges the job.
 * callback_pending: the submission has a callback about to be sent. */
int jobq_finish(struct jobq *q, const struct jobq_job *j, const char *result_json,
                bool callback_pending, char *err, size_t errlen);
/* Puts a taken job back at the end of the queue (the engine was busy, or
 * the server is stopping); its attempt is not counted. */
int jobq_release(struct jobq *q, const struct jobq_job *j, char *err, size_t errlen);
/* Records how the callback of a finished submission went. */
int jobq_callback_state(struct jobq *q, const char *token, const char *state, unsigned attempts,
                        char *err, size_t errlen);

int jobq_stats(struct jobq *q, struct jobq_stats *out, char *err, size_t errlen);

#endif
