/* warm_pool.c — warm pools.
 *
 * Theory of operation. A pool owns a range of the jail's slots and one
 * zygote. Every slot holds at most one child forked ahead with the pool's
 * default limits. A request takes a free slot (the one released longest
 * ago, waiting if none), uses its child if the child fits the request's
 * limits (else spawns one that does), and hands the result back as soon as
 * the child has reported. The slot is then dirty: the pool's refill thread
 * kills whatever the run left, waits until the slot's cgroup is empty, and
 * asks the zygote for the slot's next child. Only then is the slot free
 * again, so nothing of one run meets the next, and none of that work is on
 * a request's path.
 *
 * Threads and locking: `lock` guards the slots' flags, the zygote pointer
 * and its generation, and the counters. A slot's child is touched only by
 * the thread holding the slot: a request thread while busy, the refill
 * thread while dirty. Runs and clean-ups proceed without the lock.
 *
 * Healing: a zygote found dead is restarted on the next request, at most
 * once per RESTART_BACKOFF_MS; children of the dead one (their generation
 * is older) are discarded; a run in flight when it died ends as XX.
 */
#define _GNU_SOURCE
#include "warm_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/result.h"
#include "util/err.h"

#define RESTART_BACKOFF_MS 1000

struct warm_slot {
    struct zygote_child child;
    bool has_child;
    unsigned generation; /* of the zygote that forked the child */
    bool busy;
    bool dirty;          /* used: to be emptied and given a new child */
    uint64_t released;   /* release order: the least recent child has had the most time */
};

struct warm_pool {
    const char *exe; /* the kiln binary the zygote runs */
    struct jail *jail;
    const struct zygote_runtime *rt;
    unsigned slot_lo, nslots;
    struct kiln_limits child_limits;
    struct warm_slot *slots;
    pthread_mutex_t lock;
    pthread_cond_t freed;   /* a slot became free */
    pthread_cond_t soiled;  /* a slot became dirty, or the pool is stopping */
    pthread_t refill;
    bool stopping;
    struct zygote *zygote;
    unsigned generation;
    int64_t last_start_ms;
    char version[64];
    struct kiln_pool_stats stats;
    uint64_t releases;
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t now_ms(void)
{
    return now_us() / 1000;
}

static void *refill_main(void *arg);

struct warm_pool *warm_pool_create(const char *exe, struct jail *jail, const struct zygote_runtime *rt,
                         unsigned slot_lo, unsigned nslots, const struct kiln_limits *child_limits)
{
    struct warm_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->slots = calloc(nslots, sizeof *p->slots))) {
        free(p);
        return NULL;
    }
    p->exe = exe;
    p->jail = jail;
    p->rt = rt;
    p->slot_lo = slot_lo;
    p->nslots = nslots;
    p->child_limits = *child_limits;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    pthread_cond_init(&p->soiled, NULL);
    if (pthread_create(&p->refill, NULL, refill_main, p) != 0) {
        pthread_cond_destroy(&p->soiled);
        pthread_cond_destroy(&p->freed);
        pthread_mutex_destroy(&p->lock);
        free(p->slots);
        free(p);
        return NULL;
    }
    return p;
}

void warm_pool_destroy(struct warm_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->soiled);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->refill, NULL);
    for (unsigned i = 0; i < p->nslots; i++)
        if (p->slots[i].has_child)
            zygote_child_close(&p->slots[i].child);
    zygote_destroy(p->zygote);
    pthread_cond_destroy(&p->soiled);
    pthread_cond_destroy(&p->freed);
    pthread_mutex_destroy(&p->lock);
    free(p->slots);
    free(p);
}

/* With the lock held: a live zygote, restarted if it died. */
static int ensure_zygote(struct warm_pool *p, char *err, size_t errlen)
{
    if (p->zygote && zygote_alive(p->zygote))
        return 0;
    if (p->zygote) {
        zygote_destroy(p->zygote);
        p->zygote = NULL;
        p->stats.restarts++;
        if (now_ms() - p->last_start_ms < RESTART_BACKOFF_MS)
            return err_set(err, errlen, "the %s runtime died; restarting in under %d ms",
                           p->rt->name, RESTART_BACKOFF_MS);
    }
    p->last_start_ms = now_ms();
    p->zygote = zygote_create(p->exe, p->jail, p->rt, err, errlen);
    if (!p->zygote)
        return -1;
    p->generation++;
    snprintf(p->version, sizeof p->version, "%s", zygote_version(p->zygote));
    return 0;
}

/* With the lock held: gives slot i a child fitting l. */
static int ensure_child(struct warm_pool *p, unsigned i, const struct kiln_limits *l, char *err,
                        size_t errlen)
{
    struct warm_slot *s = &p->slots[i];
    if (ensure_zygote(p, err, errlen) < 0)
        return -1;
    if (s->has_child && s->generation == p->generation && zygote_child_fits(&s->child.limits, l))
        return 0;
    if (s->has_child)
        zygote_child_close(&s->child);
    s->has_child = false;
    if (zygote_spawn(p->zygote, p->jail, p->slot_lo + i, l, &s->child, err, errlen) < 0)
        return -1;
    s->has_child = true;
    s->generation = p->generation;
    return 0;
}

int warm_pool_warm(struct warm_pool *p, char *err, size_t errlen)
{
    pthread_mutex_lock(&p->lock);
    int rc = 0;
    for (unsigned i = 0; rc == 0 && i < p->nslots; i++)
        if (!p->slots[i].busy && !p->slots[i].dirty)
            rc = ensure_child(p, i, &p->child_limits, err, errlen);
    pthread_mutex_unlock(&p->lock);
    return rc;
}

void warm_pool_version(struct warm_pool *p, char *buf, size_t buflen)
{
    pthread_mutex_lock(&p->lock);
    snprintf(buf, buflen, "%s", p->version);
    pthread_mutex_unlock(&p->lock);
}

static unsigned acquire(struct warm_pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->stats.queued++;
    for (;;) {
        /* The free slot released longest ago: its child, forked right after
         * that release, is the likeliest to be ready. */
        unsigned best = p->nslots;
        for (unsigned i = 0; i < p->nslots; i++)
            if (!p->slots[i].busy && !p->slots[i].dirty &&
                (best == p->nslots || p->slots[i].released < p->slots[best].released))
                best = i;
        if (best < p->nslots) {
            p->slots[best].busy = true;
            p->stats.queued--;
            p->stats.busy++;
            return best; /* with the lock held */
        }
        pthread_cond_wait(&p->freed, &p->lock);
    }
}

static void record(struct warm_pool *p, const struct kiln_result *res, uint64_t us)
{
    p->stats.runs++;
    if ((unsigned)res->status < KILN_STATUS_COUNT)
        p->stats.by_status[res->status]++;
    unsigned b = 0;
    while (b + 1 < KILN_LATENCY_BUCKETS && us > kiln_latency_bounds_us[b])
        b++;
    p->stats.latency[b]++;
}

/* After a run, with the lock held: the slot goes to the refill thread. */
static void release(struct warm_pool *p, unsigned i, const struct kiln_result *res, uint64_t us)
{
    if (res)
        record(p, res, us);
    p->slots[i].busy = false;
    p->slots[i].dirty = true;
    p->slots[i].released = ++p->releases;
    p->stats.busy--;
    pthread_cond_signal(&p->soiled);
    pthread_mutex_unlock(&p->lock);
}

/* Empties a dirty slot's cgroup and forks its next child, then frees it. */
static void *refill_main(void *arg)
{
    struct warm_pool *p = arg;
    char err[256];
    pthread_mutex_lock(&p->lock);
    while (!p->stopping) {
        unsigned i = 0;
        while (i < p->nslots && !p->slots[i].dirty)
            i++;
        if (i == p->nslots) {
            pthread_cond_wait(&p->soiled, &p->lock);
            continue;
        }
        pthread_mutex_unlock(&p->lock);
        int rc = jail_slot_clear(p->jail, p->slot_lo + i, err, sizeof err);
        pthread_mutex_lock(&p->lock);
        if (rc < 0 || ensure_child(p, i, &p->child_limits, err, sizeof err) < 0)
            p->slots[i].has_child = false; /* the next request spawns one itself */
        p->slots[i].dirty = false;
        pthread_cond_signal(&p->freed);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int warm_pool_execute(struct warm_pool *p, const struct kiln_request *req,
                 const struct kiln_limits *limits, struct kiln_result *res, char *err,
                 size_t errlen)
{
    int64_t t0 = now_us();
    unsigned i = acquire(p);
    struct warm_slot *s = &p->slots[i];
    int rc = ensure_child(p, i, limits, err, errlen);
    pthread_mutex_unlock(&p->lock);
    struct jail_file *files = rc == 0 ? result_request_files(req) : NULL;
    if (rc == 0 && !files)
        rc = err_set(err, errlen, "out of memory");
    if (rc == 0) {
        struct zygote_request zr = {
            .files = files, .nfiles = req->nfiles, .args = req->args, .nargs = req->nargs,
            .stdin_data = req->stdin_data, .stdin_len = req->stdin_len,
        };
        struct jail_outcome o;
        rc = zygote_run(p->jail, p->slot_lo + i, &s->child, &zr, limits, &o, err, errlen);
        s->has_child = false; /* used up, or broken */
        if (rc == 0) {
            result_stage_from_outcome(&res->run, &o);
            res->status = res->run.status;
        }
        jail_outcome_free(&o);
    }
    free(files);
    pthread_mutex_lock(&p->lock);
    release(p, i, rc == 0 ? res : NULL, (uint64_t)(now_us() - t0));
    return rc;
}

void warm_pool_stats(struct warm_pool *p, struct kiln_pool_stats *out)
{
    pthread_mutex_lock(&p->lock);
    *out = p->stats;
    out->slots = p->nslots;
    out->ready = 0;
    for (unsigned i = 0; i < p->nslots; i++)
        out->ready += p->slots[i].has_child && !p->slots[i].busy && !p->slots[i].dirty;
    out->alive = p->zygote != NULL;
    pthread_mutex_unlock(&p->lock);
}
