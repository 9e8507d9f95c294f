/* metrics.h — counters of the service and their Prometheus text form. */
#ifndef KILN_SERVER_METRICS_H
#define KILN_SERVER_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "kiln.h"
#include "server/callback.h"
#include "server/jobq.h"
#include "server/json_req.h"
#include "server/runners.h"
#include "server/workers.h"

struct srv_metrics;

/* Route names label kiln_http_requests_total; languages label the runs.
 * Both arrays must outlive the metrics. */
struct srv_metrics *metrics_create(const char *const *routes, size_t nroutes,
                                   const struct srv_lang *langs, size_t nlangs);
void metrics_destroy(struct srv_metrics *m);

void metrics_http(struct srv_metrics *m, size_t route, unsigned status);
/* One finished run: its language (index into langs), its result (status,
 * security events) and time. */
void metrics_run(struct srv_metrics *m, size_t lang, const struct kiln_result *res, uint64_t ns);

/* Runs of a language, and those in which the sandbox worked (not XX). */
void metrics_lang(struct srv_metrics *m, size_t lang, uint64_t *runs, uint64_t *sandbox_ok);

/* What /metrics and /api/v1/health tell of the submissions. */
struct metrics_queue {
    const char *node; /* this node's name */
    const char *kind; /* "sqlite" or "redis" */
    bool available;   /* the store answered; else jobs is zero */
    struct jobq_stats jobs;
    struct runners_stats runners;
    struct callbacks_stats callbacks;
};

/* The Prometheus text exposition (format 0.0.4), malloc'd; NULL on ENOMEM.
 * warm[i] holds the engine's pool figures of langs[i] where langs[i].warm;
 * cache, the compiled-artifact cache's. */
char *metrics_render(struct srv_metrics *m, const struct workers_stats *workers,
                     const struct kiln_pool_stats *warm, const struct kiln_cache_stats *cache,
                     const struct metrics_queue *queue, double uptime_s, size_t *len);

#endif
