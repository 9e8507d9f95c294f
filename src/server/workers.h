/* pool.h — a fixed set of worker threads taking jobs from a bounded queue.
 *
 * Admission is decided before a request is read (STYLE 13): pool_reserve
 * takes a place, or fails when the requests admitted and not finished
 * would exceed workers + queue. The place is later used by pool_push
 * (which therefore never fails) or given back by pool_unreserve. */
#ifndef KILN_SERVER_POOL_H
#define KILN_SERVER_POOL_H

#include <stddef.h>

struct srv_pool;

/* run(item, arg) is called on a worker thread for every pushed item. */
typedef void (*pool_fn)(void *item, void *arg);

struct pool_stats {
    unsigned workers;
    unsigned busy;    /* workers inside run() */
    unsigned pending; /* admitted, not yet taken by a worker (reading or queued) */
    unsigned queued;  /* pushed, not yet taken */
};

struct srv_pool *pool_create(unsigned workers, unsigned queue, pool_fn run, void *arg, char *err,
                             size_t errlen);
/* Lets the queued items run, then joins the workers. Accepts NULL. */
void pool_destroy(struct srv_pool *p);

/* 0 with a place taken, -1 when full. */
int pool_reserve(struct srv_pool *p);
void pool_unreserve(struct srv_pool *p);
/* Queues an item on a place taken by pool_reserve. */
void pool_push(struct srv_pool *p, void *item);
/* Takes every queued item off the queue and calls cancel(item, arg) for
 * each, on the caller's thread. Returns how many. */
size_t pool_cancel_queued(struct srv_pool *p, pool_fn cancel);
void pool_stats(struct srv_pool *p, struct pool_stats *out);

#endif
