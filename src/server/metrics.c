/* metrics.c — request and run counters, run-time histograms per language.
 * Written by the HTTP thread (requests) and the workers (runs), read by
 * /metrics and /api/v1/health: one mutex, held for a few additions. */
#include "server/metrics.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* Status codes the service answers with; anything else counts as "other". */
static const unsigned HTTP_CODES[] = { 200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415,
                                       429, 500, 503 };
#define NCODES (sizeof HTTP_CODES / sizeof *HTTP_CODES + 1)

/* Upper bounds of the run-time histogram, in seconds: from a warm run
 * (sub-millisecond) to the longest wall-time limit worth telling apart. */
static const double BUCKETS_S[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                    0.25,  0.5,    1,     2.5,  5,     10,   30 };
#define NBUCKETS (sizeof BUCKETS_S / sizeof *BUCKETS_S)
#define NSTATUS (KILN_XX + 1)

/* Distinct syscalls counted per language: the policy denies fewer. */
#define NDENIED 64

struct lang_counts {
    uint64_t runs[NSTATUS];
    uint64_t bucket[NBUCKETS + 1]; /* not cumulative; the last is +Inf */
    double sum_s;
    uint64_t tripped;              /* runs that made a denied syscall */
    struct {
        const char *syscall;       /* the engine's static name: compared by pointer */
        uint64_t count;
    } denied[NDENIED];
    size_t ndenied;
};

struct srv_metrics {
    pthread_mutex_t lock;
    const char *const *routes;
    size_t nroutes;
    const struct srv_lang *langs;
    size_t nlangs;
    uint64_t *http; /* [nroutes][NCODES] */
    struct lang_counts *lang;
};

struct srv_metrics *metrics_create(const char *const *routes, size_t nroutes,
                                   const struct srv_lang *langs, size_t nlangs)
{
    struct srv_metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    pthread_mutex_init(&m->lock, NULL);
    m->routes = routes;
    m->nroutes = nroutes;
    m->langs = langs;
    m->nlangs = nlangs;
    m->http = calloc(nroutes * NCODES, sizeof *m->http);
    m->lang = calloc(nlangs ? nlangs : 1, sizeof *m->lang);
    if (!m->http || !m->lang) {
        metrics_destroy(m);
        return NULL;
    }
    return m;
}

void metrics_destroy(struct srv_metrics *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m->http);
    free(m->lang);
    free(m);
}

static size_t code_index(unsigned status)
{
    for (size_t i = 0; i < NCODES - 1; i++)
        if (HTTP_CODES[i] == status)
            return i;
    return NCODES - 1;
}

void metrics_http(struct srv_metrics *m, size_t route, unsigned status)
{
    if (route >= m->nroutes)
        return;
    pthread_mutex_lock(&m->lock);
    m->http[route * NCODES + code_index(status)]++;
    pthread_mutex_unlock(&m->lock);
}

/* With the lock held: one stage's denied syscalls. */
static void count_denied(struct lang_counts *c, const struct kiln_stage *st)
{
    for (unsigned i = 0; i < st->ndenied; i++) {
        size_t k = 0;
        while (k < c->ndenied && c->denied[k].syscall != st->denied[i].syscall)
            k++;
        if (k == c->ndenied && k < NDENIED)
            c->denied[c->ndenied++].syscall = st->denied[i].syscall;
        if (k < NDENIED)
            c->denied[k].count += st->denied[i].count;
    }
}

void metrics_run(struct srv_metrics *m, size_t lang, const struct kiln_result *res, uint64_t ns)
{
    if (lang >= m->nlangs || (unsigned)res->status >= NSTATUS)
        return;
    double s = (double)ns / 1e9;
    size_t b = 0;
    while (b < NBUCKETS && s > BUCKETS_S[b])
        b++;
    pthread_mutex_lock(&m->lock);
    struct lang_counts *c = &m->lang[lang];
    c->runs[res->status]++;
    c->bucket[b]++;
    c->sum_s += s;
    c->tripped += res->compile.ndenied + res->run.ndenied > 0;
    count_denied(c, &res->compile);
    count_denied(c, &res->run);
    pthread_mutex_unlock(&m->lock);
}

void metrics_lang(struct srv_metrics *m, size_t lang, uint64_t *runs, uint64_t *sandbox_ok)
{
    *runs = *sandbox_ok = 0;
    if (lang >= m->nlangs)
        return;
    pthread_mutex_lock(&m->lock);
    for (unsigned s = 0; s < NSTATUS; s++) {
        *runs += m->lang[lang].runs[s];
        if (s != KILN_XX)
            *sandbox_ok += m->lang[lang].runs[s];
    }
    pthread_mutex_unlock(&m->lock);
}

/* The text being built; the first failed append spoils it (ENOMEM). */
struct out {
    struct buf b;
    bool failed;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line || buf_append(&o->b, line, (size_t)n) < 0)
        o->failed = true;
}

static void render_http(struct srv_metrics *m, struct out *o)
{
    put(o, "# HELP kiln_http_requests_total HTTP requests answered, by route and status code.\n"
           "# TYPE kiln_http_requests_total counter\n");
    for (size_t r = 0; r < m->nroutes; r++) {
        for (size_t c = 0; c < NCODES; c++) {
            uint64_t v = m->http[r * NCODES + c];
            char code[16] = "other";
            if (!v)
                continue;
            if (c < NCODES - 1)
                snprintf(code, sizeof code, "%u", HTTP_CODES[c]);
            put(o, "kiln_http_requests_total{route=\"%s\",code=\"%s\"} %llu\n", m->routes[r],
                code, (unsigned long long)v);
        }
    }
}

static void render_histogram(const char *lang, const struct lang_counts *c, struct out *o)
{
    uint64_t cum = 0;
    for (size_t i = 0; i <= NBUCKETS; i++) {
        char le[32] = "+Inf";
        cum += c->bucket[i];
        if (i < NBUCKETS)
            snprintf(le, sizeof le, "%g", BUCKETS_S[i]);
        put(o, "kiln_run_duration_seconds_bucket{language=\"%s\",le=\"%s\"} %llu\n", lang, le,
            (unsigned long long)cum);
    }
    put(o, "kiln_run_duration_seconds_sum{language=\"%s\"} %.6f\n", lang, c->sum_s);
    put(o, "kiln_run_duration_seconds_count{language=\"%s\"} %llu\n", lang,
        (unsigned long long)cum);
}

static void render_runs(struct srv_metrics *m, struct out *o)
{
    put(o, "# HELP kiln_runs_total Finished runs, by language and kiln status.\n"
           "# TYPE kiln_runs_total counter\n");
    for (size_t l = 0; l < m->nlangs; l++)
        for (unsigned s = 0; m->langs[l].available && s < NSTATUS; s++)
            put(o, "kiln_runs_total{language=\"%s\",status=\"%s\"} %llu\n", m->langs[l].name,
                kiln_status_name((enum kiln_status)s), (unsigned long long)m->lang[l].runs[s]);
    put(o, "# HELP kiln_run_duration_seconds Time of kiln_execute (compile and run), by "
           "language.\n# TYPE kiln_run_duration_seconds histogram\n");
    for (size_t l = 0; l < m->nlangs; l++)
        if (m->langs[l].available)
            render_histogram(m->langs[l].name, &m->lang[l], o);
}

/* Security events: what the seccomp policy denied, answered EPERM. */
static void render_security(struct srv_metrics *m, struct out *o)
{
    put(o, "# HELP kiln_security_events_total Syscalls the seccomp policy denied, by language "
           "and syscall.\n# TYPE kiln_security_events_total counter\n");
    for (size_t l = 0; l < m->nlangs; l++)
        for (size_t k = 0; k < m->lang[l].ndenied; k++)
            put(o, "kiln_security_events_total{language=\"%s\",syscall=\"%s\"} %llu\n",
                m->langs[l].name, m->lang[l].denied[k].syscall,
                (unsigned long long)m->lang[l].denied[k].count);
    put(o, "# HELP kiln_runs_with_security_events_total Runs that made at least one denied "
           "syscall, by language.\n# TYPE kiln_runs_with_security_events_total counter\n");
    for (size_t l = 0; l < m->nlangs; l++)
        if (m->langs[l].available)
            put(o, "kiln_runs_with_security_events_total{language=\"%s\"} %llu\n",
                m->langs[l].name, (unsigned long long)m->lang[l].tripped);
}

static void render_workers(const struct workers_stats *w, double uptime_s, struct out *o)
{
    put(o, "# HELP kiln_queue_depth Requests admitted and not yet taken by a worker.\n"
           "# TYPE kiln_queue_depth gauge\nkiln_queue_depth %u\n",
        w->pending);
    put(o, "# HELP kiln_workers Worker threads of the server, by state.\n"
           "# TYPE kiln_workers gauge\nkiln_workers{state=\"busy\"} %u\n"
           "kiln_workers{state=\"idle\"} %u\n",
        w->busy, w->workers - w->busy);
    put(o, "# HELP kiln_uptime_seconds Seconds since the service started.\n"
           "# TYPE kiln_uptime_seconds gauge\nkiln_uptime_seconds %.3f\n",
        uptime_s);
}

/* The figures of a warm pool (struct kiln_pool_stats) served one family
 * each, a line per warm language. */
struct warm_family {
    const char *name, *type, *help;
    size_t offset;
    bool wide; /* a uint64_t counter, else an unsigned gauge */
};

#define WARM_GAUGE(n, m, h) { n, "gauge", h, offsetof(struct kiln_pool_stats, m), false }
#define WARM_COUNTER(n, m, h) { n, "counter", h, offsetof(struct kiln_pool_stats, m), true }

static const struct warm_family WARM_FAMILIES[] = {
    WARM_GAUGE("kiln_warm_target", target,
               "Children a warm pool keeps forked ahead now: from its minimum up to its slots."),
    WARM_GAUGE("kiln_warm_min", min, "Children a warm pool keeps forked ahead when idle."),
    WARM_GAUGE("kiln_warm_queued", queued, "Requests waiting for a slot of a warm pool."),
    WARM_COUNTER("kiln_warm_restarts_total", restarts,
                 "Times a warm runtime was found dead and restarted."),
    WARM_COUNTER("kiln_warm_rejected_total", rejected,
                 "Requests a warm pool refused as busy (HTTP 503 pool_busy)."),
    WARM_COUNTER("kiln_warm_spawned_total", spawned, "Children a warm pool forked."),
    WARM_COUNTER("kiln_warm_reaped_total", reaped,
                 "Children a warm pool retired after waiting warm_idle_ms unused."),
    WARM_COUNTER("kiln_warm_stuck_total", stuck,
                 "Times a used slot's processes could not all be killed (the slot waits)."),
};

static uint64_t warm_value(const struct kiln_pool_stats *w, const struct warm_family *f)
{
    const char *p = (const char *)w + f->offset;
    return f->wide ? *(const uint64_t *)p : *(const unsigned *)p;
}

/* The engine's warm pools: children forked ahead, per language. Each
 * family's lines stay together, as the text format requires. */
static void render_warm(struct srv_metrics *m, const struct kiln_pool_stats *warm, struct out *o)
{
    put(o, "# HELP kiln_warm_slots Slots of a warm language's pool, by state.\n"
           "# TYPE kiln_warm_slots gauge\n");
    for (size_t l = 0; warm && l < m->nlangs; l++) {
        const struct kiln_pool_stats *w = &warm[l];
        if (!m->langs[l].warm)
            continue;
        put(o, "kiln_warm_slots{language=\"%s\",state=\"busy\"} %u\n"
               "kiln_warm_slots{language=\"%s\",state=\"ready\"} %u\n"
               "kiln_warm_slots{language=\"%s\",state=\"total\"} %u\n",
            m->langs[l].name, w->busy, m->langs[l].name, w->ready, m->langs[l].name, w->slots);
    }
    for (size_t f = 0; warm && f < sizeof WARM_FAMILIES / sizeof *WARM_FAMILIES; f++) {
        const struct warm_family *fam = &WARM_FAMILIES[f];
        put(o, "# HELP %s %s\n# TYPE %s %s\n", fam->name, fam->help, fam->name, fam->type);
        for (size_t l = 0; l < m->nlangs; l++)
            if (m->langs[l].warm)
                put(o, "%s{language=\"%s\"} %llu\n", fam->name, m->langs[l].name,
                    (unsigned long long)warm_value(&warm[l], fam));
    }
}

/* The compiled-artifact cache: how often the same program came back. */
static void render_cache(const struct kiln_cache_stats *c, struct out *o)
{
    put(o, "# HELP kiln_artifact_cache_lookups_total Compilations looked up in the cache.\n"
           "# TYPE kiln_artifact_cache_lookups_total counter\n"
           "kiln_artifact_cache_lookups_total{result=\"hit\"} %llu\n"
           "kiln_artifact_cache_lookups_total{result=\"miss\"} %llu\n",
        (unsigned long long)c->hits, (unsigned long long)c->misses);
    put(o, "# HELP kiln_artifact_cache_evicted_total Entries dropped for room.\n"
           "# TYPE kiln_artifact_cache_evicted_total counter\n"
           "kiln_artifact_cache_evicted_total %llu\n",
        (unsigned long long)c->evicted);
    put(o, "# HELP kiln_artifact_cache_entries Compiled programs in the cache.\n"
           "# TYPE kiln_artifact_cache_entries gauge\nkiln_artifact_cache_entries %llu\n",
        (unsigned long long)c->entries);
    put(o, "# HELP kiln_artifact_cache_bytes Bytes the cache holds, of at most "
           "kiln_artifact_cache_max_bytes.\n"
           "# TYPE kiln_artifact_cache_bytes gauge\nkiln_artifact_cache_bytes %llu\n"
           "# HELP kiln_artifact_cache_max_bytes The cache's bound.\n"
           "# TYPE kiln_artifact_cache_max_bytes gauge\nkiln_artifact_cache_max_bytes %llu\n",
        (unsigned long long)c->bytes, (unsigned long long)c->max_bytes);
}

static void render_queue(const struct metrics_queue *q, struct out *o)
{
    put(o, "# HELP kiln_node_info This node: its name in the queue and the queue's kind.\n"
           "# TYPE kiln_node_info gauge\nkiln_node_info{node=\"%s\",queue=\"%s\"} 1\n",
        q->node, q->kind);
    put(o, "# HELP kiln_queue_up Whether the submissions' store answered this scrape.\n"
           "# TYPE kiln_queue_up gauge\nkiln_queue_up %d\n", q->available ? 1 : 0);
    put(o, "# HELP kiln_submissions Submissions in the queue by state (of every node sharing "
           "it).\n# TYPE kiln_submissions gauge\n"
           "kiln_submissions{state=\"queued\"} %llu\nkiln_submissions{state=\"running\"} %llu\n"
           "kiln_submissions{state=\"done\"} %llu\n",
        (unsigned long long)q->jobs.queued, (unsigned long long)q->jobs.running,
        (unsigned long long)q->jobs.done);
    put(o, "# HELP kiln_queue_oldest_age_seconds Age of the oldest queued submission (0: none).\n"
           "# TYPE kiln_queue_oldest_age_seconds gauge\nkiln_queue_oldest_age_seconds %.3f\n",
        q->jobs.oldest_queued_ms > 0 ? (double)q->jobs.oldest_queued_ms / 1000 : 0.0);
    put(o, "# HELP kiln_runners Submission runners of this node, and those running one.\n"
           "# TYPE kiln_runners gauge\nkiln_runners{state=\"all\"} %u\n"
           "kiln_runners{state=\"busy\"} %u\n", q->runners.runners, q->runners.busy);
    put(o, "# HELP kiln_submissions_completed_total Results this node stored.\n"
           "# TYPE kiln_submissions_completed_total counter\n"
           "kiln_submissions_completed_total %llu\n"
           "# HELP kiln_submissions_requeued_total Jobs given back for want of an engine slot.\n"
           "# TYPE kiln_submissions_requeued_total counter\n"
           "kiln_submissions_requeued_total %llu\n"
           "# HELP kiln_queue_errors_total Calls to the store that failed.\n"
           "# TYPE kiln_queue_errors_total counter\nkiln_queue_errors_total %llu\n",
        (unsigned long long)q->runners.completed, (unsigned long long)q->runners.requeued,
        (unsigned long long)q->runners.store_errors);
    put(o, "# HELP kiln_callbacks_total Callbacks this node sent, by outcome.\n"
           "# TYPE kiln_callbacks_total counter\n"
           "kiln_callbacks_total{result=\"delivered\"} %llu\n"
           "kiln_callbacks_total{result=\"failed\"} %llu\n"
           "# HELP kiln_callback_retries_total Callback tries after a first one failed.\n"
           "# TYPE kiln_callback_retries_total counter\nkiln_callback_retries_total %llu\n"
           "# HELP kiln_callbacks_pending Callbacks waiting for a try.\n"
           "# TYPE kiln_callbacks_pending gauge\nkiln_callbacks_pending %u\n",
        (unsigned long long)q->callbacks.delivered, (unsigned long long)q->callbacks.failed,
        (unsigned long long)q->callbacks.retries, q->callbacks.pending);
}

char *metrics_render(struct srv_metrics *m, const struct workers_stats *workers,
                     const struct kiln_pool_stats *warm, const struct kiln_cache_stats *cache,
                     const struct metrics_queue *queue, double uptime_s, size_t *len)
{
    struct out o = { { 0 }, false };
    pthread_mutex_lock(&m->lock);
    render_http(m, &o);
    render_runs(m, &o);
    render_security(m, &o);
    pthread_mutex_unlock(&m->lock);
    render_workers(workers, uptime_s, &o);
    render_warm(m, warm, &o);
    render_cache(cache, &o);
    render_queue(queue, &o);
    if (o.failed) {
        buf_free(&o.b);
        return NULL;
    }
    return buf_steal(&o.b, len);
}
