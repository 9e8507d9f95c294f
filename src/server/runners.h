/* runners.h — threads that run submissions from the queue (jobq.h), each
 * one job at a time, and hand finished ones' callbacks to callback.h. */
#ifndef KILN_SERVER_RUNNERS_H
#define KILN_SERVER_RUNNERS_H

#include <stddef.h>
#include <stdint.h>

struct server;
struct srv_runners;

/* Starts n runners on s->jobq. NULL with err. */
struct srv_runners *runners_create(struct server *s, unsigned n, char *err, size_t errlen);
/* Stops taking jobs and waits for the running ones (each bounded by its
 * limits). Accepts NULL. */
void runners_destroy(struct srv_runners *rs);

struct runners_stats {
    unsigned runners, busy;
    uint64_t completed; /* results stored */
    uint64_t requeued;  /* given back: the engine had no slot */
    uint64_t store_errors;
};
void runners_stats(struct srv_runners *rs, struct runners_stats *out);

#endif
