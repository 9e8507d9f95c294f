/* warm_pool.c — warm pools.
 *
 * Theory of operation. A pool owns a range of the jail's slots and one
 * zygote. Every slot holds at most one child, forked ahead with the pool's
 * default limits. A request takes a free slot (one whose child is ready,
 * the one released longest ago), uses its child if the child fits the
 * request's limits (else spawns one that does), and hands the result back
 * as soon as the child has reported. The slot is then dirty: the pool's
 * refill thread kills whatever the run left, waits until the slot's cgroup
 * is empty and, if the pool keeps a child there, asks the zygote for the
 * slot's next child. Only then is the slot free again (or handed to the
 * first waiting request), so nothing of one run meets the next, and none of
 * that work is on a request's path.
 *
 * Sizing. `target` is how many children the pool keeps ready in free
 * slots: from sizing.min up to nslots. A request that finds no child ready
 * (it takes a slot without one and forks on its own path, or it must wait)
 * raises target by one, and the refill thread forks children into free
 * slots until target are ready. When the child that has waited longest has
 * waited idle_ms unused and target is above min, target drops by one and,
 * if that leaves a child too many, the child is retired: its sockets are
 * closed (it exits on EOF) and its slot is emptied like a used one. A burst
 * grows the pool to what it used; a quiet pool shrinks back to min, one
 * child per idle_ms.
 *
 * Queue. With no free slot a request waits in a FIFO of at most queue_max
 * waiters, for at most queue_wait_ms; the refill thread hands each slot it
 * frees to the first waiter. A full queue or a wait that passed its limit
 * is KILN_ERR_BUSY: the caller retries, and nothing grows without bound.
 *
 * Threads and locking: `lock` guards the slots' flags, the waiters, target,
 * the zygote pointer and its generation, and the counters. A slot's child
 * is touched under the lock, or without it only by the thread holding the
 * slot: a request thread while busy, the refill thread while dirty. Runs
 * and clean-ups proceed without the lock.
 *
 * Healing: a zygote found dead is restarted on the next request (or when
 * the refill thread forks ahead), but not within RESTART_BACKOFF_MS of its
 * previous start (a request meanwhile gets KILN_ERR_BUSY); children of the
 * dead one (their generation is older) are discarded; a run in flight when
 * it died ends as XX.
 *
 * Shutdown: warm_pool_destroy fails the waiters, waits until no request is
 * inside warm_pool_execute (a run ends by its wall-time limit at the
 * latest), stops the refill thread, then kills the zygote and with it every
 * child.
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
/* A slot whose group could not be emptied is tried again after this. */
#define SLOT_CLEAR_RETRY_MS 1000

struct warm_slot {
    struct zygote_child child;
    bool has_child;
    unsigned generation;   /* of the zygote that forked the child */
    bool busy;
    bool dirty;            /* used or retired: to be emptied before its next child */
    int64_t clear_after_ms; /* dirty, and emptying it failed: not tried again before */
    uint64_t released;     /* release order: the least recent child has had the most time */
    int64_t idle_since_ms; /* the child waits unused since (forked, or last counted idle) */
};

/* A request waiting for a slot: on its own thread's stack, in the FIFO. */
struct warm_waiter {
    struct warm_waiter *next;
    pthread_cond_t granted_cv;
    const struct kiln_limits *limits; /* the child its slot should get */
    unsigned slot;
    bool granted;
};

struct warm_pool {
    const char *exe; /* the kiln binary the zygote runs */
    struct jail *jail;
    const struct zygote_runtime *rt;
    unsigned slot_lo, nslots;
    struct kiln_limits child_limits;
    struct warm_pool_sizing sizing;
    struct warm_slot *slots;
    pthread_mutex_t lock;
    pthread_cond_t refill_cv;  /* work for the refill thread: a dirty slot, a higher target */
    pthread_cond_t drained_cv; /* draining, and the last request left */
    pthread_t refill;
    struct warm_waiter *wait_head, **wait_tail;
    unsigned target;        /* children kept ready ahead: sizing.min .. nslots */
    unsigned inside;        /* requests in warm_pool_execute, waiting or running */
    bool draining;          /* warm_pool_destroy began: no waits, no forks ahead */
    bool stopping;          /* the refill thread exits */
    int64_t fork_after_ms;  /* a fork ahead failed: no next try before this */
    struct zygote *zygote;
    unsigned generation;    /* of the current zygote; 0 before the first start */
    int64_t restart_after_ms;
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

/* A CLOCK_MONOTONIC time in ms as pthread_cond_timedwait wants it. */
static struct timespec monotonic_timespec(int64_t ms)
{
    return (struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };
}

/* Waits measure CLOCK_MONOTONIC: a wall-clock step must not stretch them. */
static int cond_init_monotonic(pthread_cond_t *cv)
{
    pthread_condattr_t a;
    int rc = pthread_condattr_init(&a);
    if (rc != 0)
        return rc;
    rc = pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(cv, &a);
    pthread_condattr_destroy(&a);
    return rc;
}

static void *refill_main(void *arg);

struct warm_pool *warm_pool_create(const char *exe, struct jail *jail,
                                   const struct zygote_runtime *rt, unsigned slot_lo, unsigned nslots,
                                   const struct kiln_limits *child_limits,
                                   const struct warm_pool_sizing *sizing)
{
    struct warm_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->slots = calloc(nslots ? nslots : 1, sizeof *p->slots))) {
        free(p);
        return NULL;
    }
    p->exe = exe;
    p->jail = jail;
    p->rt = rt;
    p->slot_lo = slot_lo;
    p->nslots = nslots;
    p->child_limits = *child_limits;
    p->sizing = *sizing;
    if (p->sizing.min > nslots)
        p->sizing.min = nslots;
    p->target = p->sizing.min;
    p->wait_tail = &p->wait_head;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->drained_cv, NULL);
    if (cond_init_monotonic(&p->refill_cv) != 0)
        goto fail_cv;
    if (pthread_create(&p->refill, NULL, refill_main, p) != 0)
        goto fail_thread;
    return p;
fail_thread:
    pthread_cond_destroy(&p->refill_cv);
fail_cv:
    pthread_cond_destroy(&p->drained_cv);
    pthread_mutex_destroy(&p->lock);
    free(p->slots);
    free(p);
    return NULL;
}

static void drop_child(struct warm_slot *s)
{
    if (s->has_child)
        zygote_child_close(&s->child);
    s->has_child = false;
}

void warm_pool_destroy(struct warm_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->draining = true;
    for (struct warm_waiter *w = p->wait_head; w; w = w->next)
        pthread_cond_signal(&w->granted_cv);
    while (p->inside > 0)
        pthread_cond_wait(&p->drained_cv, &p->lock);
    p->stopping = true;
    pthread_cond_signal(&p->refill_cv);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->refill, NULL);
    for (unsigned i = 0; i < p->nslots; i++)
        drop_child(&p->slots[i]);
    zygote_destroy(p->zygote);
    pthread_cond_destroy(&p->refill_cv);
    pthread_cond_destroy(&p->drained_cv);
    pthread_mutex_destroy(&p->lock);
    free(p->slots);
    free(p);
}

/* With the lock held: a live zygote, restarted if it died. 0, or
 * KILN_ERR_BUSY within the restart backoff, or KILN_ERR_INTERNAL. */
static int ensure_zygote(struct warm_pool *p, char *err, size_t errlen)
{
    if (p->zygote && zygote_alive(p->zygote))
        return 0;
    if (p->zygote) {
        zygote_destroy(p->zygote);
        p->zygote = NULL;
        p->stats.restarts++;
        /* A runtime that dies as it starts must not be restarted in a loop. */
        p->restart_after_ms = p->last_start_ms + RESTART_BACKOFF_MS;
    }
    if (now_ms() < p->restart_after_ms) {
        err_set(err, errlen, "the %s runtime died; restarting in under %d ms", p->rt->name,
                RESTART_BACKOFF_MS);
        return KILN_ERR_BUSY;
    }
    p->last_start_ms = now_ms();
    p->zygote = zygote_create(p->exe, p->jail, p->rt, err, errlen);
    if (!p->zygote)
        return KILN_ERR_INTERNAL;
    p->generation++;
    snprintf(p->version, sizeof p->version, "%s", zygote_version(p->zygote));
    return 0;
}

/* With the lock held: gives slot i a child fitting l. 0 or a kiln_error. */
static int ensure_child(struct warm_pool *p, unsigned i, const struct kiln_limits *l, char *err,
                        size_t errlen)
{
    struct warm_slot *s = &p->slots[i];
    int rc = ensure_zygote(p, err, errlen);
    if (rc < 0)
        return rc;
    if (s->has_child && s->generation == p->generation && zygote_child_fits(&s->child.limits, l))
        return 0;
    drop_child(s);
    if (zygote_spawn(p->zygote, p->jail, p->slot_lo + i, l, &s->child, err, errlen) < 0)
        return KILN_ERR_INTERNAL;
    s->has_child = true;
    s->generation = p->generation;
    s->idle_since_ms = now_ms();
    p->stats.spawned++;
    return 0;
}

/* A free slot whose child, of the live zygote, waits for a request. */
static bool child_ready(const struct warm_pool *p, const struct warm_slot *s)
{
    return !s->busy && !s->dirty && s->has_child && s->generation == p->generation;
}

static unsigned ready_children(const struct warm_pool *p)
{
    unsigned n = 0;
    for (unsigned i = 0; i < p->nslots; i++)
        n += child_ready(p, &p->slots[i]);
    return n;
}

int warm_pool_warm(struct warm_pool *p, char *err, size_t errlen)
{
    pthread_mutex_lock(&p->lock);
    int rc = ensure_zygote(p, err, errlen);
    for (unsigned i = 0; rc == 0 && i < p->nslots && ready_children(p) < p->target; i++) {
        struct warm_slot *s = &p->slots[i];
        if (!s->busy && !s->dirty && !child_ready(p, s))
            rc = ensure_child(p, i, &p->child_limits, err, errlen);
    }
    pthread_mutex_unlock(&p->lock);
    return rc < 0 ? -1 : 0;
}

void warm_pool_version(struct warm_pool *p, char *buf, size_t buflen)
{
    pthread_mutex_lock(&p->lock);
    snprintf(buf, buflen, "%s", p->version);
    pthread_mutex_unlock(&p->lock);
}

/* ------------------------------------------------------ taking a slot */

/* Whether free slot a suits a request better than free slot b. For a
 * request the default child fits (want_child), a slot with a ready child
 * first, then the one released longest ago: its child, forked right after
 * that release, is the likeliest to have started. For another request, a
 * slot without one, so that no ready child is thrown away. */
static bool better_slot(const struct warm_pool *p, unsigned a, unsigned b, bool want_child)
{
    const struct warm_slot *sa = &p->slots[a], *sb = &p->slots[b];
    bool a_suits = child_ready(p, sa) == want_child, b_suits = child_ready(p, sb) == want_child;
    return a_suits != b_suits ? a_suits : sa->released < sb->released;
}

/* With the lock held: the free slot a request should take, or nslots. */
static unsigned pick_free(const struct warm_pool *p, bool want_child)
{
    unsigned best = p->nslots;
    for (unsigned i = 0; i < p->nslots; i++)
        if (!p->slots[i].busy && !p->slots[i].dirty &&
            (best == p->nslots || better_slot(p, i, best, want_child)))
            best = i;
    return best;
}

static void take_slot(struct warm_pool *p, unsigned i)
{
    p->slots[i].busy = true;
    p->stats.busy++;
}

/* A request found no child ready: keep one more ahead from now on. */
static void grow(struct warm_pool *p)
{
    if (p->target < p->nslots) {
        p->target++;
        pthread_cond_signal(&p->refill_cv);
    }
}

static void unlink_waiter(struct warm_pool *p, struct warm_waiter *w)
{
    struct warm_waiter **pp = &p->wait_head;
    while (*pp && *pp != w)
        pp = &(*pp)->next;
    if (!*pp)
        return;
    *pp = w->next;
    if (p->wait_tail == &w->next)
        p->wait_tail = pp;
    p->stats.queued--;
}

/* With the lock held: waits in the FIFO until the refill thread hands this
 * request a slot, within queue_max and queue_wait_ms. 0 with *slot taken,
 * or KILN_ERR_BUSY. */
static int wait_for_slot(struct warm_pool *p, const struct kiln_limits *l, unsigned *slot,
                         char *err, size_t errlen)
{
    if (p->stats.queued >= p->sizing.queue_max) {
        p->stats.rejected++;
        err_set(err, errlen, "the %s pool is busy: %u request%s already waiting (queue_max); "
                "retry later", p->rt->name, p->stats.queued, p->stats.queued == 1 ? "" : "s");
        return KILN_ERR_BUSY;
    }
    struct warm_waiter w = { .limits = l };
    int rc = cond_init_monotonic(&w.granted_cv);
    if (rc != 0) {
        err_set(err, errlen, "the %s pool cannot queue a request: %s", p->rt->name,
                strerror(rc));
        return KILN_ERR_INTERNAL;
    }
    *p->wait_tail = &w;
    p->wait_tail = &w.next;
    p->stats.queued++;
    struct timespec until = monotonic_timespec(now_ms() + p->sizing.queue_wait_ms);
    while (!w.granted && !p->draining && rc == 0) /* 0 includes a spurious wake-up */
        rc = pthread_cond_timedwait(&w.granted_cv, &p->lock, &until);
    if (!w.granted)
        unlink_waiter(p, &w); /* else the refill thread has */
    pthread_cond_destroy(&w.granted_cv);
    if (w.granted) {
        *slot = w.slot;
        return 0;
    }
    p->stats.rejected++;
    if (p->draining)
        err_set(err, errlen, "the %s pool is shutting down", p->rt->name);
    else
        err_set(err, errlen, "the %s pool is busy: no slot freed within %u ms (queue_wait_ms); "
                "retry later", p->rt->name, (unsigned)p->sizing.queue_wait_ms);
    return KILN_ERR_BUSY;
}

/* With the lock held: a slot for a request, free at once or after a wait.
 * 0 with *slot taken, or a kiln_error. */
static int acquire(struct warm_pool *p, const struct kiln_limits *l, unsigned *slot, char *err,
                   size_t errlen)
{
    if (p->draining) {
        p->stats.rejected++;
        err_set(err, errlen, "the %s pool is shutting down", p->rt->name);
        return KILN_ERR_BUSY;
    }
    bool want_child = zygote_child_fits(&p->child_limits, l);
    /* Waiters first: a slot is free only while none waits. */
    unsigned i = p->wait_head ? p->nslots : pick_free(p, want_child);
    if (i < p->nslots) {
        /* A miss; but before the first start nothing could have been ready. */
        if (want_child && p->generation > 0 && !child_ready(p, &p->slots[i]))
            grow(p);
        take_slot(p, i);
        *slot = i;
        return 0;
    }
    grow(p);
    return wait_for_slot(p, l, slot, err, errlen);
}

/* ------------------------------------------------------------ a run */

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
    pthread_cond_signal(&p->refill_cv);
}

/* Without the lock, holding slot i: the request through its child. */
static int run_child(struct warm_pool *p, unsigned i, const struct kiln_request *req,
                     int case_index, const struct kiln_limits *limits, struct kiln_result *res,
                     char *err, size_t errlen)
{
    const struct jail_events events = { .fn = req->on_event, .arg = req->event_arg,
                                        .stage = "run", .case_index = case_index };
    struct jail_file *files = result_request_files(req);
    if (!files) {
        err_set(err, errlen, "out of memory");
        return KILN_ERR_INTERNAL;
    }
    struct zygote_request zr = {
        .files = files, .nfiles = req->nfiles, .args = req->args, .nargs = req->nargs,
        .stdin_data = req->stdin_data, .stdin_len = req->stdin_len,
        .hangup_fd = req->hangup_fd, .stdin_fd = req->stdin_fd, .signal_fd = req->signal_fd,
        .interpret = req->mode == KILN_MODE_INTERPRET,
        .context = req->context, .context_len = req->context_len,
        .events = req->on_event ? &events : NULL,
    };
    struct jail_outcome o;
    /* The child is used up, or broken: the refill thread drops it. */
    int rc = zygote_run(p->jail, p->slot_lo + i, &p->slots[i].child, &zr, limits, &o, err, errlen);
    if (rc == 0) {
        result_stage_from_outcome(&res->run, &o);
        res->status = res->run.status;
    }
    jail_outcome_free(&o);
    free(files);
    return rc < 0 ? KILN_ERR_INTERNAL : 0;
}

/* With the lock held, which it releases: the request leaves the pool. The
 * pool may be freed right after (warm_pool_destroy waits for this). */
static void leave(struct warm_pool *p)
{
    p->inside--;
    if (p->draining && p->inside == 0)
        pthread_cond_signal(&p->drained_cv);
    pthread_mutex_unlock(&p->lock);
}

int warm_pool_execute(struct warm_pool *p, const struct kiln_request *req, int case_index,
                      const struct kiln_limits *limits, struct kiln_result *res, char *err,
                      size_t errlen)
{
    int64_t t0 = now_us();
    unsigned i;
    pthread_mutex_lock(&p->lock);
    p->inside++;
    int rc = acquire(p, limits, &i, err, errlen);
    if (rc == 0) {
        rc = ensure_child(p, i, limits, err, errlen);
        pthread_mutex_unlock(&p->lock);
        if (rc == 0)
            rc = run_child(p, i, req, case_index, limits, res, err, errlen);
        pthread_mutex_lock(&p->lock);
        release(p, i, rc == 0 ? res : NULL, (uint64_t)(now_us() - t0));
        if (rc == 0 && !res->version[0])
            snprintf(res->version, sizeof res->version, "%s", p->version);
    }
    leave(p);
    return rc;
}

/* ------------------------------------------------------ refill thread */

/* With the lock held: forks a child ahead into free slot i. A failure is
 * not a request's: the next request to take the slot forks and reports. */
static void fork_ahead(struct warm_pool *p, unsigned i, const struct kiln_limits *l)
{
    char err[256];
    if (ensure_child(p, i, l, err, sizeof err) < 0)
        p->fork_after_ms = now_ms() + RESTART_BACKOFF_MS; /* no retry loop while it is down */
}

/* Forks ahead only for a pool whose zygote was started (pools start on
 * first use) and that is not draining. */
static bool may_fork_ahead(const struct warm_pool *p, int64_t now)
{
    return !p->draining && p->generation > 0 && now >= p->fork_after_ms;
}

/* With the lock held: slot i is clean: the first waiter takes it, else it
 * is free. */
static void slot_freed(struct warm_pool *p, unsigned i)
{
    p->slots[i].dirty = false;
    struct warm_waiter *w = p->draining ? NULL : p->wait_head;
    if (!w)
        return;
    unlink_waiter(p, w);
    take_slot(p, i);
    w->slot = i;
    w->granted = true;
    pthread_cond_signal(&w->granted_cv);
}

/* With the lock held (dropped while the cgroup empties): empties dirty slot
 * i, gives it its next child if a waiter will take it or fewer than target
 * are ready, and frees it. */
static void refill_slot(struct warm_pool *p, unsigned i)
{
    char err[256];
    drop_child(&p->slots[i]); /* used up, or left by a request that failed */
    pthread_mutex_unlock(&p->lock);
    int rc = jail_slot_clear(p->jail, p->slot_lo + i, err, sizeof err);
    pthread_mutex_lock(&p->lock);
    if (rc < 0) {
        /* What is left (a process stuck in the kernel) would share the next
         * run's process limit and be killed with it: the slot stays out of
         * use, and is tried again later, the others meanwhile. */
        p->stats.stuck++;
        p->slots[i].clear_after_ms = now_ms() + SLOT_CLEAR_RETRY_MS;
        return;
    }
    p->slots[i].clear_after_ms = 0;
    if (may_fork_ahead(p, now_ms()) && (p->wait_head || ready_children(p) < p->target))
        fork_ahead(p, i, p->wait_head ? p->wait_head->limits : &p->child_limits);
    slot_freed(p, i);
}

static void earliest(int64_t *wake_ms, int64_t t)
{
    if (*wake_ms == 0 || t < *wake_ms)
        *wake_ms = t;
}

/* With the lock held: forks a child into a free slot without one while
 * fewer than target are ready. False if there was nothing to do now. */
static bool fork_to_target(struct warm_pool *p, int64_t now, int64_t *wake_ms)
{
    if (p->draining || p->generation == 0 || ready_children(p) >= p->target)
        return false;
    unsigned i = 0;
    while (i < p->nslots && (p->slots[i].busy || p->slots[i].dirty || child_ready(p, &p->slots[i])))
        i++;
    if (i == p->nslots)
        return false;
    if (!may_fork_ahead(p, now)) {
        earliest(wake_ms, p->fork_after_ms);
        return false;
    }
    fork_ahead(p, i, &p->child_limits);
    return true;
}

/* With the lock held: when the child waiting longest has waited idle_ms
 * unused, target drops by one (not below min) and the child is retired if
 * it is now one too many. False if there was nothing to do now. */
static bool shrink_idle(struct warm_pool *p, int64_t now, int64_t *wake_ms)
{
    if (p->draining || p->target <= p->sizing.min)
        return false;
    unsigned old = p->nslots;
    for (unsigned i = 0; i < p->nslots; i++)
        if (child_ready(p, &p->slots[i]) &&
            (old == p->nslots || p->slots[i].idle_since_ms < p->slots[old].idle_since_ms))
            old = i;
    if (old == p->nslots)
        return false; /* every child is in use: no sign of idleness */
    struct warm_slot *s = &p->slots[old];
    if (now < s->idle_since_ms + (int64_t)p->sizing.idle_ms) {
        earliest(wake_ms, s->idle_since_ms + (int64_t)p->sizing.idle_ms);
        return false;
    }
    p->target--;
    s->idle_since_ms = now; /* one step per idle_ms */
    if (ready_children(p) > p->target) {
        drop_child(s);
        s->dirty = true; /* refill_slot empties its cgroup */
        p->stats.reaped++;
    }
    return true;
}

/* Empties used slots, forks children ahead up to target, retires idle
 * ones; sleeps until there is work or a child's idle time runs out. */
static void *refill_main(void *arg)
{
    struct warm_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stopping) {
        int64_t now = now_ms(), wake_ms = 0;
        unsigned i = 0;
        for (; i < p->nslots; i++) {
            struct warm_slot *s = &p->slots[i];
            if (s->dirty && s->clear_after_ms > now)
                earliest(&wake_ms, s->clear_after_ms);
            else if (s->dirty)
                break;
        }
        if (i < p->nslots) {
            refill_slot(p, i);
            continue;
        }
        if (fork_to_target(p, now, &wake_ms) || shrink_idle(p, now, &wake_ms))
            continue;
        if (wake_ms) {
            struct timespec until = monotonic_timespec(wake_ms);
            pthread_cond_timedwait(&p->refill_cv, &p->lock, &until);
        } else
            pthread_cond_wait(&p->refill_cv, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

void warm_pool_stats(struct warm_pool *p, struct kiln_pool_stats *out)
{
    pthread_mutex_lock(&p->lock);
    *out = p->stats;
    out->slots = p->nslots;
    out->min = p->sizing.min;
    out->target = p->target;
    out->ready = ready_children(p);
    out->alive = p->zygote != NULL;
    pthread_mutex_unlock(&p->lock);
}

int warm_pool_spawn_for(struct warm_pool *p, unsigned slot, const struct kiln_limits *l,
                        struct zygote_child *child, char *err, size_t errlen)
{
    pthread_mutex_lock(&p->lock);
    int rc = p->draining ? err_set(err, errlen, "the engine is shutting down"), KILN_ERR_BUSY
                         : ensure_zygote(p, err, errlen);
    if (rc == 0 && zygote_spawn(p->zygote, p->jail, slot, l, child, err, errlen) < 0)
        rc = KILN_ERR_INTERNAL;
    if (rc == 0)
        p->stats.spawned++;
    pthread_mutex_unlock(&p->lock);
    return rc;
}
