/* workers.c — worker threads and their bounded queue (a ring of pointers).
 * One mutex guards every counter and the ring; workers sleep on `work`. */
#include "server/workers.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

struct srv_workers {
    pthread_mutex_t lock;
    pthread_cond_t work;
    void **ring; /* capacity cap = workers + queue: every admitted request fits */
    size_t cap, head, count;
    unsigned workers, queue;
    unsigned reserved; /* places taken and not yet taken over by a worker */
    unsigned busy;
    bool stopping;
    workers_fn run;
    void *arg;
    pthread_t *threads;
    unsigned started;
};

static void *worker_main(void *cls)
{
    struct srv_workers *p = cls;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->count && !p->stopping)
            pthread_cond_wait(&p->work, &p->lock);
        if (!p->count)
            break; /* stopping, and nothing left to run */
        void *item = p->ring[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        p->reserved--;
        p->busy++;
        pthread_mutex_unlock(&p->lock);
        p->run(item, p->arg);
        pthread_mutex_lock(&p->lock);
        p->busy--;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct srv_workers *workers_create(unsigned workers, unsigned queue, workers_fn run, void *arg, char *err,
                             size_t errlen)
{
    struct srv_workers *p = calloc(1, sizeof *p);
    if (!p) {
        err_set(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    p->workers = workers;
    p->queue = queue;
    p->cap = (size_t)workers + queue;
    p->run = run;
    p->arg = arg;
    p->ring = calloc(p->cap, sizeof *p->ring);
    p->threads = calloc(workers, sizeof *p->threads);
    if (!p->ring || !p->threads) {
        err_set(err, errlen, "out of memory");
        goto fail;
    }
    for (; p->started < workers; p->started++) {
        int rc = pthread_create(&p->threads[p->started], NULL, worker_main, p);
        if (rc) {
            errno = rc;
            err_set(err, errlen, "pthread_create: %m");
            goto fail;
        }
    }
    return p;
fail:
    workers_destroy(p);
    return NULL;
}

void workers_destroy(struct srv_workers *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->started; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p->ring);
    free(p);
}

int workers_reserve(struct srv_workers *p)
{
    pthread_mutex_lock(&p->lock);
    bool room = p->reserved + p->busy < p->cap;
    if (room)
        p->reserved++;
    pthread_mutex_unlock(&p->lock);
    return room ? 0 : -1;
}

void workers_unreserve(struct srv_workers *p)
{
    pthread_mutex_lock(&p->lock);
    p->reserved--;
    pthread_mutex_unlock(&p->lock);
}

void workers_push(struct srv_workers *p, void *item)
{
    pthread_mutex_lock(&p->lock);
    /* reserved + busy <= cap and count <= reserved: the ring has room. */
    p->ring[(p->head + p->count) % p->cap] = item;
    p->count++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
}

size_t workers_cancel_queued(struct srv_workers *p, workers_fn cancel)
{
    size_t n = 0;
    pthread_mutex_lock(&p->lock);
    while (p->count) {
        void *item = p->ring[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        p->reserved--;
        pthread_mutex_unlock(&p->lock);
        cancel(item, p->arg); /* unlocked: it may take other locks */
        n++;
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return n;
}

void workers_stats(struct srv_workers *p, struct workers_stats *out)
{
    pthread_mutex_lock(&p->lock);
    *out = (struct workers_stats){ .workers = p->workers, .busy = p->busy, .pending = p->reserved,
                                .queued = (unsigned)p->count };
    pthread_mutex_unlock(&p->lock);
}
