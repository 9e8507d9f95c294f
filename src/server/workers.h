/* workers.h — a fixed set of worker threads taking jobs from a bounded queue.
 *
 * Admission is decided before a request is read (STYLE 13): workers_reserve
 * takes a place, or fails when the requests admitted and not finished
 * would exceed workers + queue. The place is later used by workers_push
 * (which therefore never fails) or given back by workers_unreserve. */
#ifndef KILN_SERVER_WORKERS_H
#define KILN_SERVER_WORKERS_H

#include <stddef.h>

struct srv_workers;

/* run(item, arg) is called on a worker thread for every pushed item. */
typedef void (*workers_fn)(void *item, void *arg);

struct workers_stats {
    unsigned workers;
    unsigned busy;    /* workers inside run() */
    unsigned pending; /* admitted, not yet taken by a worker (reading or queued) */
    unsigned queued;  /* pushed, not yet taken */
};

struct srv_workers *workers_create(unsigned workers, unsigned queue, workers_fn run, void *arg, char *err,
                             size_t errlen);
/* Lets the queued items run, then joins the workers. Accepts NULL. */
void workers_destroy(struct srv_workers *p);

/* 0 with a place taken, -1 when full. */
int workers_reserve(struct srv_workers *p);
void workers_unreserve(struct srv_workers *p);
/* Queues an item on a place taken by workers_reserve. */
void workers_push(struct srv_workers *p, void *item);
/* Takes every queued item off the queue and calls cancel(item, arg) for
 * each, on the caller's thread. Returns how many. */
size_t workers_cancel_queued(struct srv_workers *p, workers_fn cancel);
void workers_stats(struct srv_workers *p, struct workers_stats *out);

#endif
