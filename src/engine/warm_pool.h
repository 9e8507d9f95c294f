/* warm_pool.h — a warm language's slots, each with a child forked ahead from
 * the language's zygote. */
#ifndef KILN_ENGINE_WARM_POOL_H
#define KILN_ENGINE_WARM_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "jail/jail.h"
#include "jail/zygote.h"
#include "kiln.h"

struct warm_pool;

/* The pool owns jail slots [slot_lo, slot_lo + nslots). The zygote starts
 * on first use (or warm_pool_warm). child_limits: the limits children are born
 * with; a request with other rlimit-type limits gets a child of its own. */
struct warm_pool *warm_pool_create(const char *exe, struct jail *jail, const struct zygote_runtime *rt,
                         unsigned slot_lo, unsigned nslots, const struct kiln_limits *child_limits);
void warm_pool_destroy(struct warm_pool *pool);

/* Starts the zygote and forks a child for every slot; -1 if the runtime
 * cannot start here. */
int warm_pool_warm(struct warm_pool *pool, char *err, size_t errlen);
/* The runtime's own version, "" before the zygote first started. */
void warm_pool_version(struct warm_pool *pool, char *buf, size_t buflen);

/* Runs req's files[0] with the warm runtime; fills res->run. Returns -1
 * when the runtime could not be started (err says why). */
int warm_pool_execute(struct warm_pool *pool, const struct kiln_request *req,
                 const struct kiln_limits *limits, struct kiln_result *res, char *err,
                 size_t errlen);

void warm_pool_stats(struct warm_pool *pool, struct kiln_pool_stats *out);

#endif
