/* jobq.c — picks the store a URL names and forwards to it (jobq.h). */
#include "server/jobq_impl.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/err.h"

int64_t jobq_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct jobq *jobq_open(const struct jobq_params *p, char *err, size_t errlen)
{
    if (!strcmp(p->url, "sqlite"))
        return jobq_sqlite_open(p, err, errlen);
    if (!strncmp(p->url, "redis://", 8))
        return jobq_redis_open(p, err, errlen);
    err_set(err, errlen, "queue: '%s' is neither sqlite nor redis://HOST:PORT", p->url);
    return NULL;
}

void jobq_close(struct jobq *q)
{
    if (q)
        q->ops->close(q);
}

const char *jobq_kind(const struct jobq *q)
{
    return q->ops->kind;
}

int jobq_submit(struct jobq *q, const struct jobq_new *subs, size_t n, char *err, size_t errlen)
{
    return q->ops->submit(q, subs, n, err, errlen);
}

int jobq_get(struct jobq *q, const char *token, struct jobq_sub *out, char *err, size_t errlen)
{
    return q->ops->get(q, token, out, err, errlen);
}

void jobq_sub_free(struct jobq_sub *s)
{
    free(s->request);
    free(s->callback_url);
    free(s->result);
    s->request = s->callback_url = s->result = NULL;
}

int jobq_cancel(struct jobq *q, const char *token, char *err, size_t errlen)
{
    return q->ops->cancel(q, token, err, errlen);
}

int jobq_take(struct jobq *q, int wait_ms, struct jobq_job *out, char *err, size_t errlen)
{
    return q->ops->take(q, wait_ms, out, err, errlen);
}

void jobq_job_free(struct jobq_job *j)
{
    free(j->request);
    free(j->callback_url);
    j->request = j->callback_url = NULL;
}

int jobq_finish(struct jobq *q, const struct jobq_job *j, const char *result_json,
                bool callback_pending, char *err, size_t errlen)
{
    return q->ops->finish(q, j, result_json, callback_pending, err, errlen);
}

int jobq_release(struct jobq *q, const struct jobq_job *j, char *err, size_t errlen)
{
    return q->ops->release(q, j, err, errlen);
}

int jobq_callback_state(struct jobq *q, const char *token, const char *state, unsigned attempts,
                        char *err, size_t errlen)
{
    return q->ops->callback_state(q, token, state, attempts, err, errlen);
}

int jobq_stats(struct jobq *q, struct jobq_stats *out, char *err, size_t errlen)
{
    return q->ops->stats(q, out, err, errlen);
}
