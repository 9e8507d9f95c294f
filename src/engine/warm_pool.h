/* warm_pool.h — a warm language's slots, each with a child forked ahead from
 * the language's zygote as demand requires, and a bounded queue in front. */
#ifndef KILN_ENGINE_WARM_POOL_H
#define KILN_ENGINE_WARM_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "jail/jail.h"
#include "jail/zygote.h"
#include "kiln.h"

struct warm_pool;

/* How a pool sizes itself and its queue (kiln_config's fields of the same
 * names; min is at most the pool's slots). */
struct warm_pool_sizing {
    unsigned min;           /* children kept forked ahead when idle */
    uint32_t idle_ms;       /* a child beyond min unused this long is retired */
    unsigned queue_max;     /* requests that may wait for a slot */
    uint32_t queue_wait_ms; /* longest wait for a slot */
};

/* The pool owns jail slots [slot_lo, slot_lo + nslots). The zygote starts
 * on first use (or warm_pool_warm). child_limits: the limits children are born
 * with; a request with other rlimit-type limits gets a child of its own.
 * NULL when out of memory or threads. */
struct warm_pool *warm_pool_create(const char *exe, struct jail *jail,
                                   const struct zygote_runtime *rt, unsigned slot_lo, unsigned nslots,
                                   const struct kiln_limits *child_limits,
                                   const struct warm_pool_sizing *sizing);
/* Drains, then frees: requests waiting for a slot fail (KILN_ERR_BUSY),
 * running ones finish; then the children and the zygote are killed.
 * Accepts NULL. No warm_pool_execute may start once it is called. */
void warm_pool_destroy(struct warm_pool *pool);

/* Starts the zygote and forks the children kept ahead (sizing.min); -1 if
 * the runtime cannot start here. */
int warm_pool_warm(struct warm_pool *pool, char *err, size_t errlen);
/* The runtime's own version, "" before the zygote first started. */
void warm_pool_version(struct warm_pool *pool, char *buf, size_t buflen);

/* Runs req's files[0] with the warm runtime; fills res->run, res->status
 * and (if empty) res->version. Returns 0, KILN_ERR_BUSY (no slot within the
 * queue's bounds, the runtime restarting, the pool draining) or
 * KILN_ERR_INTERNAL (the runtime could not be started), err saying why.
 * Touches nothing of the pool after it returns (warm_pool_destroy may be
 * waiting for it). case_index: what req's events name (-1: no cases). */
int warm_pool_execute(struct warm_pool *pool, const struct kiln_request *req, int case_index,
                      const struct kiln_limits *limits, struct kiln_result *res, char *err,
                      size_t errlen);

void warm_pool_stats(struct warm_pool *pool, struct kiln_pool_stats *out);

/* A child of the pool's zygote (started if need be) for a slot outside
 * the pool, born with limits l: a session's. 0 or a kiln_error. */
int warm_pool_spawn_for(struct warm_pool *pool, unsigned slot, const struct kiln_limits *l,
                        struct zygote_child *child, char *err, size_t errlen);

#endif
