/* jobq_impl.h — what a store of jobq.h implements (internal to jobq*.c). */
#ifndef KILN_SERVER_JOBQ_IMPL_H
#define KILN_SERVER_JOBQ_IMPL_H

#include "server/jobq.h"

struct jobq_ops {
    const char *kind;
    void (*close)(struct jobq *q);
    int (*submit)(struct jobq *q, const struct jobq_new *subs, size_t n, char *err, size_t errlen);
    int (*get)(struct jobq *q, const char *token, struct jobq_sub *out, char *err, size_t errlen);
    int (*cancel)(struct jobq *q, const char *token, char *err, size_t errlen);
    int (*take)(struct jobq *q, int wait_ms, struct jobq_job *out, char *err, size_t errlen);
    int (*finish)(struct jobq *q, const struct jobq_job *j, const char *result_json,
                  bool callback_pending, char *err, size_t errlen);
    int (*release)(struct jobq *q, const struct jobq_job *j, char *err, size_t errlen);
    int (*callback_state)(struct jobq *q, const char *token, const char *state,
                          unsigned attempts, char *err, size_t errlen);
    int (*stats)(struct jobq *q, struct jobq_stats *out, char *err, size_t errlen);
};

/* The first member of each store's own struct. */
struct jobq {
    const struct jobq_ops *ops;
};

struct jobq *jobq_sqlite_open(const struct jobq_params *p, char *err, size_t errlen);
struct jobq *jobq_redis_open(const struct jobq_params *p, char *err, size_t errlen);

/* Unix time in milliseconds (CLOCK_REALTIME: stored times outlive the process). */
int64_t jobq_now_ms(void);

#endif
