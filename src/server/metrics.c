/* metrics.c — request and run counters, run-time histograms per language.
 * Written by the HTTP thread (requests) and the workers (runs), read by
 * /metrics and /api/v1/health: one mutex, held for a few additions. */
#include "server/metrics.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* Status codes the service answers with; anything else counts as "other". */
static const unsigned HTTP_CODES[] = { 200, 204, 400, 401, 404, 405, 413, 415, 429, 500, 503 };
#define NCODES (sizeof HTTP_CODES / sizeof *HTTP_CODES + 1)

/* Upper bounds of the run-time histogram, in seconds: from a warm run
 * (sub-millisecond) to the longest wall-time limit worth telling apart. */
static const double BUCKETS_S[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                    0.25,  0.5,    1,     2.5,  5,     10,   30 };
#define NBUCKETS (sizeof BUCKETS_S / sizeof *BUCKETS_S)
#define NSTATUS (KILN_XX + 1)

struct lang_counts {
    uint64_t runs[NSTATUS];
    uint64_t bucket[NBUCKETS + 1]; /* not cumulative; the last is +Inf */
    double sum_s;
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

void metrics_run(struct srv_metrics *m, size_t lang, enum kiln_status status, uint64_t ns)
{
    if (lang >= m->nlangs || (unsigned)status >= NSTATUS)
        return;
    double s = (double)ns / 1e9;
    size_t b = 0;
    while (b < NBUCKETS && s > BUCKETS_S[b])
        b++;
    pthread_mutex_lock(&m->lock);
    struct lang_counts *c = &m->lang[lang];
    c->runs[status]++;
    c->bucket[b]++;
    c->sum_s += s;
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

static int put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int put(struct buf *b, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line)
        return -1;
    return buf_append(b, line, (size_t)n);
}

static void render_http(struct srv_metrics *m, struct buf *b)
{
    put(b, "# HELP kiln_http_requests_total HTTP requests answered, by route and status code.\n"
           "# TYPE kiln_http_requests_total counter\n");
    for (size_t r = 0; r < m->nroutes; r++) {
        for (size_t c = 0; c < NCODES; c++) {
            uint64_t v = m->http[r * NCODES + c];
            if (!v)
                continue;
            char code[16];
            snprintf(code, sizeof code, c < NCODES - 1 ? "%u" : "other",
                     c < NCODES - 1 ? HTTP_CODES[c] : 0);
            put(b, "kiln_http_requests_total{route=\"%s\",code=\"%s\"} %llu\n", m->routes[r], code,
                (unsigned long long)v);
        }
    }
}

static void render_runs(struct srv_metrics *m, struct buf *b)
{
    put(b, "# HELP kiln_runs_total Finished runs, by language and kiln status.\n"
           "# TYPE kiln_runs_total counter\n");
    for (size_t l = 0; l < m->nlangs; l++)
        for (unsigned s = 0; m->langs[l].available && s < NSTATUS; s++)
            put(b, "kiln_runs_total{language=\"%s\",status=\"%s\"} %llu\n", m->langs[l].name,
                kiln_status_name((enum kiln_status)s), (unsigned long long)m->lang[l].runs[s]);
    put(b, "# HELP kiln_run_duration_seconds Time of kiln_execute (compile and run), by "
           "language.\n# TYPE kiln_run_duration_seconds histogram\n");
    for (size_t l = 0; l < m->nlangs; l++) {
        if (!m->langs[l].available)
            continue;
        const struct lang_counts *c = &m->lang[l];
        uint64_t cum = 0;
        for (size_t i = 0; i <= NBUCKETS; i++) {
            char le[32];
            cum += c->bucket[i];
            snprintf(le, sizeof le, i < NBUCKETS ? "%g" : "+Inf", i < NBUCKETS ? BUCKETS_S[i] : 0);
            put(b, "kiln_run_duration_seconds_bucket{language=\"%s\",le=\"%s\"} %llu\n",
                m->langs[l].name, le, (unsigned long long)cum);
        }
        put(b, "kiln_run_duration_seconds_sum{language=\"%s\"} %.6f\n", m->langs[l].name,
            c->sum_s);
        put(b, "kiln_run_duration_seconds_count{language=\"%s\"} %llu\n", m->langs[l].name,
            (unsigned long long)cum);
    }
}

static void render_pool(const struct pool_stats *p, double uptime_s, struct buf *b)
{
    put(b, "# HELP kiln_queue_depth Requests admitted and waiting for a worker.\n"
           "# TYPE kiln_queue_depth gauge\nkiln_queue_depth %u\n",
        p->pending);
    put(b, "# HELP kiln_workers Worker threads (engine slots), by state.\n"
           "# TYPE kiln_workers gauge\nkiln_workers{state=\"busy\"} %u\n"
           "kiln_workers{state=\"idle\"} %u\n",
        p->busy, p->workers - p->busy);
    put(b, "# HELP kiln_uptime_seconds Seconds since the service started.\n"
           "# TYPE kiln_uptime_seconds gauge\nkiln_uptime_seconds %.3f\n",
        uptime_s);
}

char *metrics_render(struct srv_metrics *m, const struct pool_stats *pool, double uptime_s,
                     size_t *len)
{
    struct buf b = { 0 };
    pthread_mutex_lock(&m->lock);
    render_http(m, &b);
    render_runs(m, &b);
    pthread_mutex_unlock(&m->lock);
    render_pool(pool, uptime_s, &b);
    return buf_steal(&b, len);
}
