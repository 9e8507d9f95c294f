/* sessions.c — /api/v1/sessions (sessions.h has the routes).
 *
 * The table holds one record per session: its id (128 random bits), the
 * API key that opened it (the only one that sees it), its limits in time
 * and the libkiln session. A record outlives its session as a tombstone,
 * so that the next call learns why the session ended (410), until
 * session_ended_keep_s has passed.
 *
 * Lifetimes. Requests and the sweeper hold a record through `users`; only
 * the one that drops the last use of a record whose session has ended
 * closes the libkiln session (which frees its slot), and nobody touches
 * `ks` after that. Ending is separate from closing: the sweeper, DELETE
 * and a fatal cell end a session (kiln_session_kill is safe while a cell
 * runs); the close follows when the record is no longer in use.
 */
#define _GNU_SOURCE
#include "server/sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/reply.h"
#include "server/route_v1.h"
#include "util/err.h"
#include "util/token.h"

#define SESSION_ID_BYTES 16
#define SWEEP_INTERVAL_MS 500
/* Cells' wall times kept per session for its percentiles. */
#define LATENCY_RING 256

struct srv_session {
    char id[2 * SESSION_ID_BYTES + 1];
    int key;                       /* the API key that opened it; -1 without keys */
    const struct srv_lang *lang;
    const struct srv_profile *profile;
    kiln_session *ks;              /* NULL once closed */
    unsigned users;                /* requests (and the sweeper) holding the record */
    bool ending;                   /* ended by kiln (idle, lifetime, DELETE) or by itself */
    bool deleted;                  /* DELETE: the record goes when its users are done */
    char ended[256];
    time_t created_wall;
    int64_t created_ns, used_ns, ended_ns;
    uint32_t idle_s, lifetime_s;
    uint64_t by_status[KILN_STATUS_COUNT];
    uint32_t wall_ms[LATENCY_RING];
    size_t nlat;                   /* cells recorded, all time */
};

struct srv_sessions {
    struct server *s;
    pthread_mutex_t lock;
    pthread_cond_t released; /* a record lost a user */
    pthread_cond_t wake;     /* the sweeper's sleep */
    bool stop;
    pthread_t sweeper;
    bool sweeper_started;
    struct srv_session **items;
    size_t n, cap;
    uint64_t opened, expired, cells;
};

/* ---------------------------------------------------------------- table */

static struct srv_session *find(struct srv_sessions *ss, const char *id, int key)
{
    for (size_t i = 0; i < ss->n; i++)
        if (!strcmp(ss->items[i]->id, id) && ss->items[i]->key == key && !ss->items[i]->deleted)
            return ss->items[i];
    return NULL;
}

static void remove_item(struct srv_sessions *ss, struct srv_session *it)
{
    for (size_t i = 0; i < ss->n; i++)
        if (ss->items[i] == it) {
            ss->items[i] = ss->items[--ss->n];
            break;
        }
    free(it);
}

/* With the lock held: the session is over, for this reason (the first one
 * given stays). */
static void mark_ending(struct srv_session *it, const char *why)
{
    if (it->ending)
        return;
    it->ending = true;
    it->ended_ns = srv_now_ns();
    snprintf(it->ended, sizeof it->ended, "%s", why);
}

/* With the lock: the record loses a use; a deleted one no longer used goes. */
static void drop_use(struct srv_sessions *ss, struct srv_session *it)
{
    if (--it->users == 0 && it->deleted && !it->ks)
        remove_item(ss, it);
    pthread_cond_broadcast(&ss->released);
}

/* Drops a use. The last use of an ended session closes it, outside the
 * lock but still holding the record, so that nobody frees it meanwhile. */
static void release(struct srv_sessions *ss, struct srv_session *it)
{
    pthread_mutex_lock(&ss->lock);
    kiln_session *to_close = NULL;
    if (it->users == 1 && it->ending && it->ks) {
        to_close = it->ks;
        it->ks = NULL;
    } else
        drop_use(ss, it);
    pthread_mutex_unlock(&ss->lock);
    if (!to_close)
        return;
    kiln_session_close(to_close, false);
    pthread_mutex_lock(&ss->lock);
    drop_use(ss, it);
    pthread_mutex_unlock(&ss->lock);
}

static unsigned open_of_key(const struct srv_sessions *ss, int key)
{
    unsigned n = 0;
    for (size_t i = 0; i < ss->n; i++)
        n += ss->items[i]->key == key && ss->items[i]->ks && !ss->items[i]->ending;
    return n;
}

/* -------------------------------------------------------------- sweeper */

/* Why a live session must end now, or NULL. */
static const char *expiry(const struct srv_session *it, int64_t now, char *why, size_t len)
{
    if (now - it->created_ns >= (int64_t)it->lifetime_s * 1000000000) {
        snprintf(why, len, "it reached its maximum lifetime of %u s", it->lifetime_s);
        return why;
    }
    if (it->users == 0 && now - it->used_ns >= (int64_t)it->idle_s * 1000000000) {
        snprintf(why, len, "it was idle for more than %u s", it->idle_s);
        return why;
    }
    return NULL;
}

/* One pass: ends what expired, notices what died on its own, forgets old
 * tombstones. The sessions to kill are held while the lock is released. */
static void sweep(struct srv_sessions *ss)
{
    int64_t now = srv_now_ns(), keep = (int64_t)ss->s->cfg.session_ended_keep_s * 1000000000;
    struct srv_session *held[64];
    size_t nheld = 0;
    pthread_mutex_lock(&ss->lock);
    for (size_t i = ss->n; i-- > 0;) {
        struct srv_session *it = ss->items[i];
        char why[128];
        if (!it->ks && it->users == 0 && (it->deleted || now - it->ended_ns >= keep)) {
            remove_item(ss, it);
            continue;
        }
        if (!it->ks || it->ending || nheld == sizeof held / sizeof *held)
            continue;
        if (expiry(it, now, why, sizeof why)) {
            mark_ending(it, why);
            ss->expired++;
        }
        it->users++;
        held[nheld++] = it;
    }
    pthread_mutex_unlock(&ss->lock);
    for (size_t i = 0; i < nheld; i++) {
        struct srv_session *it = held[i];
        struct kiln_session_info info;
        if (it->ending) {
            kiln_session_kill(it->ks, it->ended);
        } else if (kiln_session_info(it->ks, &info), !info.alive) {
            pthread_mutex_lock(&ss->lock);
            mark_ending(it, info.ended);
            pthread_mutex_unlock(&ss->lock);
        }
        release(ss, it);
    }
}

static void *sweeper_main(void *arg)
{
    struct srv_sessions *ss = arg;
    pthread_mutex_lock(&ss->lock);
    while (!ss->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += SWEEP_INTERVAL_MS * 1000000L;
        ts.tv_sec += ts.tv_nsec / 1000000000;
        ts.tv_nsec %= 1000000000;
        pthread_cond_timedwait(&ss->wake, &ss->lock, &ts);
        if (ss->stop)
            break;
        pthread_mutex_unlock(&ss->lock);
        sweep(ss);
        pthread_mutex_lock(&ss->lock);
    }
    pthread_mutex_unlock(&ss->lock);
    return NULL;
}

struct srv_sessions *sessions_create(struct server *s, char *err, size_t errlen)
{
    struct srv_sessions *ss = calloc(1, sizeof *ss);
    if (!ss) {
        err_set(err, errlen, "out of memory");
        return NULL;
    }
    ss->s = s;
    pthread_mutex_init(&ss->lock, NULL);
    pthread_cond_init(&ss->released, NULL);
    pthread_cond_init(&ss->wake, NULL);
    int rc = pthread_create(&ss->sweeper, NULL, sweeper_main, ss);
    if (rc != 0) {
        err_set(err, errlen, "sessions: start the sweeper: %s", strerror(rc));
        sessions_destroy(ss);
        return NULL;
    }
    ss->sweeper_started = true;
    return ss;
}

void sessions_destroy(struct srv_sessions *ss)
{
    if (!ss)
        return;
    pthread_mutex_lock(&ss->lock);
    ss->stop = true;
    pthread_cond_signal(&ss->wake);
    pthread_mutex_unlock(&ss->lock);
    if (ss->sweeper_started)
        pthread_join(ss->sweeper, NULL);
    for (size_t i = 0; i < ss->n; i++) {
        kiln_session_close(ss->items[i]->ks, false);
        free(ss->items[i]);
    }
    free(ss->items);
    pthread_cond_destroy(&ss->released);
    pthread_cond_destroy(&ss->wake);
    pthread_mutex_destroy(&ss->lock);
    free(ss);
}

void sessions_stats(struct srv_sessions *ss, struct sessions_stats *out)
{
    pthread_mutex_lock(&ss->lock);
    *out = (struct sessions_stats){ .opened = ss->opened, .expired = ss->expired,
                                    .cells = ss->cells };
    for (size_t i = 0; i < ss->n; i++)
        out->open += ss->items[i]->ks != NULL;
    pthread_mutex_unlock(&ss->lock);
}

/* --------------------------------------------------------------- replies */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Cells by status, and the percentiles of their wall times (the last
 * LATENCY_RING cells). With the lock held. */
static cJSON *metrics_json(const struct srv_session *it)
{
    cJSON *m = cJSON_CreateObject(), *by = cJSON_AddObjectToObject(m, "byStatus");
    for (int st = 0; st < KILN_STATUS_COUNT; st++)
        if (it->by_status[st])
            cJSON_AddNumberToObject(by, kiln_status_name((enum kiln_status)st),
                                    (double)it->by_status[st]);
    size_t n = it->nlat < LATENCY_RING ? it->nlat : LATENCY_RING;
    uint32_t sorted[LATENCY_RING];
    memcpy(sorted, it->wall_ms, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_u32);
    static const struct { const char *name; unsigned pct; } P[] = {
        { "p50Ms", 50 }, { "p95Ms", 95 }, { "p99Ms", 99 } };
    for (size_t i = 0; i < sizeof P / sizeof *P; i++)
        cJSON_AddItemToObject(m, P[i].name, n ? cJSON_CreateNumber(sorted[(n - 1) * P[i].pct / 100])
                                              : cJSON_CreateNull());
    return m;
}

static cJSON *limits_json(const struct kiln_limits *l)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "cpuTime", l->cpu_ms);
    cJSON_AddNumberToObject(o, "wallTime", l->wall_ms);
    cJSON_AddNumberToObject(o, "memory", (double)l->mem_kib * 1024);
    cJSON_AddNumberToObject(o, "processes", l->procs);
    cJSON_AddNumberToObject(o, "output", (double)l->output_kib * 1024);
    return o;
}

/* The record as JSON. The caller holds a use (ks stays valid), not the lock. */
static cJSON *status_json(struct srv_sessions *ss, struct srv_session *it)
{
    struct kiln_session_info info = { 0 };
    pthread_mutex_lock(&ss->lock);
    kiln_session *ks = it->ending ? NULL : it->ks;
    pthread_mutex_unlock(&ss->lock);
    if (ks)
        kiln_session_info(ks, &info);
    int64_t now = srv_now_ns();
    char created[32];
    struct tm tm;
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&it->created_wall, &tm));
    cJSON *o = cJSON_CreateObject();
    pthread_mutex_lock(&ss->lock);
    bool alive = ks && info.alive && !it->ending;
    cJSON_AddStringToObject(o, "id", it->id);
    cJSON_AddStringToObject(o, "language", it->lang->name);
    cJSON_AddStringToObject(o, "version", it->lang->version);
    cJSON_AddStringToObject(o, "state", !alive ? "ended" : info.running ? "running" : "idle");
    cJSON_AddItemToObject(o, "endedReason",
                          alive ? cJSON_CreateNull()
                                : cJSON_CreateString(it->ending ? it->ended : info.ended));
    cJSON_AddStringToObject(o, "createdAt", created);
    cJSON_AddNumberToObject(o, "uptimeMs", (double)((now - it->created_ns) / 1000000));
    cJSON_AddNumberToObject(o, "idleMs", (double)((now - it->used_ns) / 1000000));
    cJSON_AddNumberToObject(o, "executionCount", (double)it->nlat);
    cJSON_AddNumberToObject(o, "memoryUsed", (double)info.mem_kib * 1024);
    cJSON_AddNumberToObject(o, "peakMemory", (double)info.peak_mem_kib * 1024);
    cJSON_AddNumberToObject(o, "cpuTime", (double)info.cpu_ms);
    cJSON_AddNumberToObject(o, "idleTimeout", it->idle_s);
    cJSON_AddNumberToObject(o, "maxLifetime", it->lifetime_s);
    if (ks)
        cJSON_AddItemToObject(o, "limits", limits_json(&info.limits));
    cJSON_AddItemToObject(o, "metrics", metrics_json(it));
    pthread_mutex_unlock(&ss->lock);
    return o;
}

static void reply_gone(struct srv_req *r, const struct srv_session *it, const char *why)
{
    reply_error(&r->reply, SRV_API_V1, 410, "session_ended", "session %s has ended: %s", it->id,
                why);
}

/* ---------------------------------------------------------------- routes */

/* With the lock: refuses when the key has as many as it may. */
static bool key_full(struct srv_sessions *ss, int key, unsigned *max)
{
    const struct srv_config *c = &ss->s->cfg;
    *max = c->sessions_per_key ? c->sessions_per_key : c->sessions;
    return open_of_key(ss, key) >= *max;
}

static struct srv_session *new_record(struct srv_sessions *ss, const struct jreq *jr, int key,
                                      uint32_t idle_s, uint32_t lifetime_s)
{
    const struct srv_config *c = &ss->s->cfg;
    struct srv_session *it = calloc(1, sizeof *it);
    if (!it)
        return NULL;
    token_random_hex(it->id, SESSION_ID_BYTES);
    it->key = key;
    it->lang = jr->lang;
    it->profile = jr->profile;
    it->created_wall = time(NULL);
    it->created_ns = it->used_ns = srv_now_ns();
    it->idle_s = idle_s ? idle_s : c->session_idle_s;
    it->lifetime_s = lifetime_s ? lifetime_s : c->session_lifetime_s;
    return it;
}

/* With the lock: the record joins the table, held once. */
static int add_record(struct srv_sessions *ss, struct srv_session *it)
{
    if (ss->n == ss->cap) {
        size_t cap = ss->cap ? ss->cap * 2 : 16;
        struct srv_session **items = realloc(ss->items, cap * sizeof *items);
        if (!items)
            return -1;
        ss->items = items;
        ss->cap = cap;
    }
    it->users = 1;
    ss->items[ss->n++] = it;
    ss->opened++;
    return 0;
}

static void open_session(struct srv_sessions *ss, struct srv_req *r)
{
    struct server *s = ss->s;
    struct jreq jr;
    struct jreq_error e;
    uint32_t idle_s, lifetime_s;
    if (jreq_parse_session(r->body.data ? r->body.data : "", r->body.len, &s->jctx,
                           s->cfg.session_max_idle_s, s->cfg.session_max_lifetime_s, &jr,
                           &idle_s, &lifetime_s, &e) < 0) {
        reply_error(&r->reply, SRV_API_V1, e.http, e.code, "%s", e.message);
        jreq_free(&jr);
        return;
    }
    unsigned max;
    pthread_mutex_lock(&ss->lock);
    bool full = key_full(ss, r->key, &max);
    pthread_mutex_unlock(&ss->lock);
    if (full) {
        jreq_free(&jr);
        reply_error(&r->reply, SRV_API_V1, 429, "session_limit",
                    "this API key has %u sessions open already; close one first", max);
        r->reply.retry_after = 1;
        return;
    }
    struct srv_session *it = new_record(ss, &jr, r->key, idle_s, lifetime_s);
    struct kiln_session_options o = { .language = jr.lang->name, .limits = jr.req.run_limits };
    char err[512] = "out of memory";
    int rc = it ? kiln_session_open(s->engine, &o, &it->ks, err, sizeof err) : KILN_ERR_INTERNAL;
    jreq_free(&jr);
    if (rc < 0) {
        free(it);
        if (rc == KILN_ERR_BUSY && !strstr(err, "shutting down")) {
            reply_error(&r->reply, SRV_API_V1, 429, "session_limit", "%s; close one first", err);
            r->reply.retry_after = 1;
        } else
            reply_engine_error(&r->reply, SRV_API_V1, rc, err);
        return;
    }
    pthread_mutex_lock(&ss->lock);
    int added = add_record(ss, it);
    pthread_mutex_unlock(&ss->lock);
    if (added < 0) {
        kiln_session_close(it->ks, false);
        free(it);
        reply_error(&r->reply, SRV_API_V1, 500, "internal_error", "out of memory");
        return;
    }
    reply_v1_data(&r->reply, 201, status_json(ss, it));
    release(ss, it);
}

static void list_sessions(struct srv_sessions *ss, struct srv_req *r)
{
    cJSON *list = cJSON_CreateArray();
    struct srv_session *held[256];
    size_t nheld = 0;
    pthread_mutex_lock(&ss->lock);
    for (size_t i = 0; i < ss->n && nheld < sizeof held / sizeof *held; i++)
        if (ss->items[i]->key == r->key && !ss->items[i]->deleted) {
            ss->items[i]->users++;
            held[nheld++] = ss->items[i];
        }
    pthread_mutex_unlock(&ss->lock);
    for (size_t i = 0; i < nheld; i++) {
        cJSON_AddItemToArray(list, status_json(ss, held[i]));
        release(ss, held[i]);
    }
    reply_v1_data(&r->reply, 200, list);
}

/* The cell's reply: the execute reply, with the session's state. */
static void cell_reply(struct srv_sessions *ss, struct srv_req *r, struct srv_session *it,
                       const struct jreq *jr, const struct kiln_result *res)
{
    cJSON *data, *doc = v1_result_json(jr, res, &data);
    struct kiln_session_info info;
    kiln_session_info(it->ks, &info);
    pthread_mutex_lock(&ss->lock);
    if (!info.alive)
        mark_ending(it, info.ended);
    cJSON *sess = cJSON_AddObjectToObject(data, "session");
    cJSON_AddStringToObject(sess, "id", it->id);
    cJSON_AddNumberToObject(sess, "executionCount", (double)it->nlat);
    cJSON_AddBoolToObject(sess, "alive", !it->ending);
    cJSON_AddItemToObject(sess, "endedReason",
                          it->ending ? cJSON_CreateString(it->ended) : cJSON_CreateNull());
    pthread_mutex_unlock(&ss->lock);
    reply_json(&r->reply, 200, doc);
}

static void record_cell(struct srv_sessions *ss, struct srv_session *it,
                        const struct kiln_result *res)
{
    pthread_mutex_lock(&ss->lock);
    it->used_ns = srv_now_ns();
    if ((unsigned)res->status < KILN_STATUS_COUNT)
        it->by_status[res->status]++;
    it->wall_ms[it->nlat++ % LATENCY_RING] = (uint32_t)res->run.wall_ms;
    ss->cells++;
    pthread_mutex_unlock(&ss->lock);
}

/* POST .../execute, holding a use of a live session. */
static void run_cell(struct srv_sessions *ss, struct srv_req *r, struct srv_session *it)
{
    struct server *s = ss->s;
    struct jreq jr;
    struct jreq_error e;
    if (jreq_parse_cell(r->body.data ? r->body.data : "", r->body.len, &s->jctx, it->lang,
                        it->profile, &jr, &e) < 0) {
        reply_error(&r->reply, SRV_API_V1, e.http, e.code, "%s", e.message);
        jreq_free(&jr);
        return;
    }
    struct kiln_cell cell = { .code = jr.files[0].data, .code_len = jr.files[0].len,
                              .stdin_data = jr.req.stdin_data, .stdin_len = jr.req.stdin_len,
                              .context = jr.req.context, .context_len = jr.req.context_len };
    struct kiln_result res;
    char err[512] = "";
    int rc = kiln_session_execute(it->ks, &cell, &res, err, sizeof err);
    if (rc == KILN_ERR_GONE) {
        pthread_mutex_lock(&ss->lock);
        mark_ending(it, err);
        pthread_mutex_unlock(&ss->lock);
        reply_gone(r, it, it->ended);
    } else if (rc < 0) {
        reply_engine_error(&r->reply, SRV_API_V1, rc, err);
    } else {
        record_cell(ss, it, &res);
        metrics_run(s->metrics, (size_t)(it->lang - s->langs), &res,
                    (uint64_t)res.run.wall_ms * 1000000);
        cell_reply(ss, r, it, &jr, &res);
        kiln_result_free(&res);
    }
    jreq_free(&jr);
}

/* DELETE: ends it (graceful: once the running cell is over) and forgets
 * it; the caller's use is the one given. */
static void delete_session(struct srv_sessions *ss, struct srv_req *r, struct srv_session *it)
{
    pthread_mutex_lock(&ss->lock);
    while (r->graceful && it->users > 1 && it->ks)
        pthread_cond_wait(&ss->released, &ss->lock);
    mark_ending(it, "it was deleted");
    it->deleted = true;
    kiln_session *ks = it->ks;
    pthread_mutex_unlock(&ss->lock);
    if (ks)
        kiln_session_kill(ks, "it was deleted");
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "id", it->id);
    cJSON_AddBoolToObject(data, "deleted", true);
    reply_v1_data(&r->reply, 200, data);
}

/* The session named by the URL, held, or a reply saying why not. */
static struct srv_session *take(struct srv_sessions *ss, struct srv_req *r, const char *id)
{
    pthread_mutex_lock(&ss->lock);
    struct srv_session *it = find(ss, id, r->key);
    if (it)
        it->users++;
    pthread_mutex_unlock(&ss->lock);
    if (!it)
        reply_error(&r->reply, SRV_API_V1, 404, "session_not_found",
                    "no session %.40s (sessions are seen only by the API key that opened them)",
                    id);
    return it;
}

static void one_session(struct srv_sessions *ss, struct srv_req *r, const char *id,
                        const char *action)
{
    bool get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
    bool exec = !strcmp(r->method, "POST") && !strcmp(action, "execute");
    bool del = !strcmp(r->method, "DELETE") && !*action;
    if (!(get && !*action) && !exec && !del) {
        reply_error(&r->reply, SRV_API_V1, *action && strcmp(action, "execute") ? 404 : 405,
                    *action && strcmp(action, "execute") ? "not_found" : "method_not_allowed",
                    "%s %s is not served; see /api/openapi.json", r->method, r->url);
        return;
    }
    struct srv_session *it = take(ss, r, id);
    if (!it)
        return;
    pthread_mutex_lock(&ss->lock);
    bool ended = it->ending || !it->ks;
    pthread_mutex_unlock(&ss->lock);
    if (del)
        delete_session(ss, r, it);
    else if (get)
        reply_v1_data(&r->reply, 200, status_json(ss, it));
    else if (ended)
        reply_gone(r, it, it->ended);
    else
        run_cell(ss, r, it);
    release(ss, it);
}

void sessions_job(struct server *s, struct srv_req *r)
{
    struct srv_sessions *ss = s->sessions;
    const char *rest = r->url + strlen("/api/v1/sessions");
    if (!*rest || !strcmp(rest, "/")) {
        if (!strcmp(r->method, "POST"))
            open_session(ss, r);
        else if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))
            list_sessions(ss, r);
        else
            reply_error(&r->reply, SRV_API_V1, 405, "method_not_allowed",
                        "%s /api/v1/sessions is not served; use GET or POST", r->method);
        return;
    }
    char id[64] = "";
    const char *slash = strchr(rest + 1, '/');
    size_t idlen = slash ? (size_t)(slash - rest - 1) : strlen(rest + 1);
    if (idlen == 0 || idlen >= sizeof id) {
        reply_error(&r->reply, SRV_API_V1, 404, "session_not_found", "no such session");
        return;
    }
    memcpy(id, rest + 1, idlen);
    one_session(ss, r, id, slash ? slash + 1 : "");
}
