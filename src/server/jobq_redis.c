/* jobq_redis.c — the jobq.h store in Redis, shared by every node that names it.
 *
 * Theory of operation. The jobs are entries of the Stream kiln:jobs, each
 * {token: T}, read through the consumer group "kiln" with this node's name
 * as the consumer. What a submission is lives in the hash kiln:sub:T:
 *
 *   state        queued | running | done
 *   owner        the API key index (-1 without keys)
 *   request      the execute body
 *   callback_url absent when there is none
 *   created, started, finished   Unix ms, 0 until then
 *   node         who runs (ran) it; "" while queued
 *   attempts     takes counted (a reclaim counts, a release does not)
 *   result       once done
 *   entry        the id of its entry in kiln:jobs
 *   cb_state, cb_attempts        how its callback went
 *
 * A finished hash expires after keep_s; the sorted set kiln:done (member T,
 * score the expiry in ms) counts the results kept. An entry is pending in
 * the group from its delivery (XREADGROUP, or XAUTOCLAIM when its node has
 * shown no life for reclaim_ms) until finish or release acknowledge and
 * delete it, in the same script that stores the result or requeues it: a
 * crash before that leaves it pending (reclaimed, run again), after it
 * leaves it done. Whatever reads, writes and decides on the same hash runs
 * as one Lua script, so two nodes never interleave on a submission; an
 * entry whose hash says it is stale (cancelled, expired, done, or requeued
 * under a newer entry) is acknowledged and dropped when it is delivered.
 *
 * Threads. A hiredis context serves one thread at a time: every call
 * borrows one from a pool (a mutex and a short list of idle ones; a new
 * connection when none is idle) and gives it back, or frees it when its
 * connection broke, so the next call reconnects. A take holds its context
 * while it blocks. The mutex also guards the reclaim schedule and cursor,
 * the list of runs held here and the heartbeat's stop flag. No user
 * string is ever part of a command's text: every argument goes with its
 * length (redisCommandArgv).
 *
 * Liveness. XAUTOCLAIM goes by the time since an entry's last claim, so a
 * heartbeat thread claims this process's runs again every reclaim_ms/3:
 * only a node that stopped (or lost Redis) for reclaim_ms loses its runs.
 * If it comes back and finishes anyway, the first result stored stays.
 *
 * Limits. Needs Redis 6.2 (XAUTOCLAIM, exclusive XRANGE); 7.0 also drops
 * entries deleted while pending from the pending list. One server, no
 * Cluster: a script touches keys of several slots. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "server/jobq_impl.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "util/err.h"

#define RQ_STREAM "kiln:jobs"
#define RQ_GROUP "kiln"
#define RQ_DONE "kiln:done"
#define RQ_SUB_PREFIX "kiln:sub:"
#define RQ_DEFAULT_PORT 6379
#define RQ_CONNECT_MS 2000
#define RQ_COMMAND_MS 5000  /* a reply's wait, beyond a BLOCK's own time */
#define RQ_IDLE_MAX 16      /* idle connections kept; more are closed when given back */
#define RQ_BATCH_MAX 100000 /* submissions in one call: Redis takes ~1M arguments */
#define RQ_RECLAIM_EVERY_MS 1000
/* XAUTOCLAIM ... COUNT 1 looks at about 10 pending entries; this many steps
 * a turn walk a long pending list faster than one step a second. */
#define RQ_RECLAIM_STEPS 8
#define RQ_BEAT_CHUNK 100 /* runs refreshed by one script call */

/* ---------------------------------------------------------------- scripts */

enum rq_script_id {
    RQ_SUBMIT,
    RQ_CANCEL,
    RQ_START,
    RQ_FINISH,
    RQ_RELEASE,
    RQ_CALLBACK,
    RQ_STATS,
    RQ_BEAT,
    RQ_NSCRIPTS
};

/* KEYS[1] stream, KEYS[1+i] the hash of submission i; ARGV[1] now, then five
 * per submission: token, owner, request, has callback ("1"), callback_url.
 * Everything is checked before the first write, so the batch is stored
 * whole or not at all (Redis does not stop a script for memory once it
 * has written). */
static const char RQ_LUA_SUBMIT[] =
    "local seen = {}\n"
    "for i = 2, #KEYS do\n"
    "  if seen[KEYS[i]] or redis.call('EXISTS', KEYS[i]) == 1 then\n"
    "    return redis.error_reply('ERR token ' .. ARGV[2 + (i - 2) * 5] .. ' exists')\n"
    "  end\n"
    "  seen[KEYS[i]] = true\n"
    "end\n"
    "for i = 2, #KEYS do\n"
    "  local a = 2 + (i - 2) * 5\n"
    "  local id = redis.call('XADD', KEYS[1], '*', 'token', ARGV[a])\n"
    "  redis.call('HSET', KEYS[i], 'state', 'queued', 'owner', ARGV[a + 1],\n"
    "    'request', ARGV[a + 2], 'created', ARGV[1], 'started', '0', 'finished', '0',\n"
    "    'node', '', 'attempts', '0', 'entry', id, 'cb_state', '', 'cb_attempts', '0')\n"
    "  if ARGV[a + 3] == '1' then\n"
    "    redis.call('HSET', KEYS[i], 'callback_url', ARGV[a + 4])\n"
    "  end\n"
    "end\n"
    "return #KEYS - 1\n";

/* KEYS hash, stream. 0 not found, 2 not queued, 1 cancelled. */
static const char RQ_LUA_CANCEL[] = "local st = redis.call('HGET', KEYS[1], 'state')\n"
                                    "if not st then return 0 end\n"
                                    "if st ~= 'queued' then return 2 end\n"
                                    "local e = redis.call('HGET', KEYS[1], 'entry')\n"
                                    "if e then redis.call('XDEL', KEYS[2], e) end\n"
                                    "redis.call('DEL', KEYS[1])\n"
                                    "return 1\n";

/* KEYS hash, stream; ARGV entry id, node, now, group. A delivered entry
 * becomes a run, or is dropped when its hash is gone (cancelled, expired),
 * done (the ack of an earlier run was lost) or names a newer entry.
 * Running is taken over: that is a reclaim from a silent node. */
static const char RQ_LUA_START[] =
    "local h = redis.call('HMGET', KEYS[1], 'state', 'entry')\n"
    "if not h[1] or h[1] == 'done' or h[2] ~= ARGV[1] then\n"
    "  redis.call('XACK', KEYS[2], ARGV[4], ARGV[1])\n"
    "  redis.call('XDEL', KEYS[2], ARGV[1])\n"
    "  return false\n"
    "end\n"
    "redis.call('HSET', KEYS[1], 'state', 'running', 'node', ARGV[2], 'started', ARGV[3])\n"
    "local n = redis.call('HINCRBY', KEYS[1], 'attempts', 1)\n"
    "local f = redis.call('HMGET', KEYS[1], 'request', 'callback_url', 'owner')\n"
    "return {f[1], f[2], f[3], n}\n";

/* KEYS hash, stream, done set; ARGV handle, result, now, keep ms, callback
 * pending ("1"), token, group, node, expiry ms. The first result stored
 * wins: a node that was reclaimed from while it ran may finish too. The
 * done set is trimmed here too, so that it stays small without stats. */
static const char RQ_LUA_FINISH[] =
    "local st = redis.call('HGET', KEYS[1], 'state')\n"
    "if st and st ~= 'done' then\n"
    "  redis.call('HSET', KEYS[1], 'state', 'done', 'result', ARGV[2], 'finished', ARGV[3],\n"
    "    'node', ARGV[8])\n"
    "  if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 'cb_state', 'pending') end\n"
    "  redis.call('PEXPIRE', KEYS[1], ARGV[4])\n"
    "  redis.call('ZADD', KEYS[3], ARGV[9], ARGV[6])\n"
    "end\n"
    "redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[3])\n"
    "redis.call('XACK', KEYS[2], ARGV[7], ARGV[1])\n"
    "redis.call('XDEL', KEYS[2], ARGV[1])\n"
    "return 1\n";

/* KEYS hash, stream; ARGV handle, node, token, group. Requeues under a new
 * entry when the run is still this node's; leaves alone a run another node
 * took over (its pending entry is that node's now). */
static const char RQ_LUA_RELEASE[] =
    "local h = redis.call('HMGET', KEYS[1], 'state', 'node', 'entry')\n"
    "if h[1] == 'running' and h[3] == ARGV[1] then\n"
    "  if h[2] ~= ARGV[2] then return 0 end\n"
    "  local id = redis.call('XADD', KEYS[2], '*', 'token', ARGV[3])\n"
    "  redis.call('HSET', KEYS[1], 'state', 'queued', 'node', '', 'started', '0', 'entry', id)\n"
    "  redis.call('HINCRBY', KEYS[1], 'attempts', -1)\n"
    "end\n"
    "redis.call('XACK', KEYS[2], ARGV[4], ARGV[1])\n"
    "redis.call('XDEL', KEYS[2], ARGV[1])\n"
    "return 1\n";

/* KEYS hash; ARGV state, attempts. Never recreates an expired hash. */
static const char RQ_LUA_CALLBACK[] =
    "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
    "redis.call('HSET', KEYS[1], 'cb_state', ARGV[1], 'cb_attempts', ARGV[2])\n"
    "return 1\n";

/* KEYS stream, done set; ARGV now, group. {entries, pending, done, the id
 * of the oldest entry not yet delivered or nil}, from one moment. Without
 * the group (Redis lost it; the next take makes it again) every entry is
 * undelivered. */
static const char RQ_LUA_STATS[] =
    "redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])\n"
    "local done = redis.call('ZCARD', KEYS[2])\n"
    "if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0, done, false} end\n"
    "local len = redis.call('XLEN', KEYS[1])\n"
    "local last, pending = '0-0', 0\n"
    "for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do\n"
    "  local f = {}\n"
    "  for i = 1, #g, 2 do f[g[i]] = g[i + 1] end\n"
    "  if f['name'] == ARGV[2] then last, pending = f['last-delivered-id'], f['pending'] end\n"
    "end\n"
    "local r = redis.call('XRANGE', KEYS[1], '(' .. last, '+', 'COUNT', 1)\n"
    "local oldest = false\n"
    "if #r > 0 then oldest = r[1][1] end\n"
    "return {len, pending, done, oldest}\n";

/* KEYS stream; ARGV group, node, then entry ids. Resets the idle time of
 * those of them still pending with this node (XCLAIM to itself, JUSTID:
 * no delivery counted), so that XAUTOCLAIM leaves a live run alone; one
 * another node has taken over stays that node's. */
static const char RQ_LUA_BEAT[] =
    "local n = 0\n"
    "for i = 3, #ARGV do\n"
    "  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)\n"
    "  if p[1] and p[1][2] == ARGV[2] then\n"
    "    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')\n"
    "    n = n + 1\n"
    "  end\n"
    "end\n"
    "return n\n";

static const char *const rq_script_body[RQ_NSCRIPTS] = {
    [RQ_SUBMIT] = RQ_LUA_SUBMIT, [RQ_CANCEL] = RQ_LUA_CANCEL,   [RQ_START] = RQ_LUA_START,
    [RQ_FINISH] = RQ_LUA_FINISH, [RQ_RELEASE] = RQ_LUA_RELEASE, [RQ_CALLBACK] = RQ_LUA_CALLBACK,
    [RQ_STATS] = RQ_LUA_STATS,   [RQ_BEAT] = RQ_LUA_BEAT,
};

/* ---------------------------------------------------------------- the store */

struct rq {
    struct jobq base;
    char host[256];
    int port;
    char node[64];
    uint32_t keep_s, reclaim_ms;
    char sha[RQ_NSCRIPTS][41]; /* SCRIPT LOAD's names; written only by open */
    pthread_mutex_t lock;      /* guards what follows */
    redisContext *idle[RQ_IDLE_MAX];
    size_t nidle;
    int64_t reclaim_due_ms;  /* monotonic */
    char reclaim_cursor[64]; /* where XAUTOCLAIM's walk of the pending list stands */
    char (*held)[64];        /* handles of the runs taken here and not yet ended */
    size_t nheld, capheld;
    pthread_cond_t wake; /* the heartbeat's sleep */
    bool stop;
    pthread_t beat;
    bool beat_started;
};

/* The id of a stream entry, and the token it names ("" if it names none). */
struct rq_entry {
    char id[64];
    char token[JOBQ_TOKEN_LEN + 1];
};

static int64_t rq_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct timeval rq_tv(int64_t ms)
{
    struct timeval tv = {.tv_sec = (time_t)(ms / 1000), .tv_usec = (suseconds_t)(ms % 1000) * 1000};
    return tv;
}

/* "redis HOST:PORT: what: detail", so that a log says which server failed. */
static int rq_fail(const struct rq *q, char *err, size_t errlen, const char *what,
                   const char *detail)
{
    return err_set(err, errlen, "redis %s:%d: %s: %s", q->host, q->port, what, detail);
}

/* The hash of a token; -1 when the token cannot be one (empty, too long). */
static int rq_sub_key(char key[64], const char *token)
{
    size_t n = strnlen(token, JOBQ_TOKEN_LEN + 1);
    if (!n || n > JOBQ_TOKEN_LEN)
        return -1;
    snprintf(key, 64, RQ_SUB_PREFIX "%s", token);
    return 0;
}

/* ---------------------------------------------------------------- arguments */

/* A command's arguments with their lengths; numbers are formatted into
 * strings it owns. A failed allocation is remembered and reported once,
 * when the command would be sent. */
struct rq_argv {
    int n, cap;
    const char **v;
    size_t *len;
    char **owned;
    bool oom;
};

static void argv_push(struct rq_argv *a, const char *s, size_t len, char *owned)
{
    if (a->n == a->cap) {
        int cap = a->cap ? 2 * a->cap : 16;
        const char **v = realloc(a->v, (size_t)cap * sizeof *v);
        if (v)
            a->v = v;
        size_t *l = realloc(a->len, (size_t)cap * sizeof *l);
        if (l)
            a->len = l;
        char **o = realloc(a->owned, (size_t)cap * sizeof *o);
        if (o)
            a->owned = o;
        if (!v || !l || !o) {
            a->oom = true;
            free(owned);
            return;
        }
        a->cap = cap;
    }
    a->v[a->n] = s;
    a->len[a->n] = len;
    a->owned[a->n++] = owned;
}

static void argv_str(struct rq_argv *a, const char *s)
{
    argv_push(a, s, strlen(s), NULL);
}

/* Several strings, up to a NULL. */
__attribute__((sentinel)) static void argv_strs(struct rq_argv *a, ...)
{
    va_list ap;
    va_start(ap, a);
    for (const char *s; (s = va_arg(ap, const char *));)
        argv_str(a, s);
    va_end(ap);
}

/* A copy of s, for a string that does not outlive the arguments' building. */
static void argv_dup(struct rq_argv *a, const char *s)
{
    char *d = strdup(s);
    if (!d) {
        a->oom = true;
        return;
    }
    argv_push(a, d, strlen(d), d);
}

static void argv_i64(struct rq_argv *a, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    argv_dup(a, buf);
}

static void argv_free(struct rq_argv *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->owned[i]);
    free(a->v);
    free(a->len);
    free(a->owned);
    memset(a, 0, sizeof *a);
}

/* ---------------------------------------------------------------- commands */

/* Sends a; the reply, an error reply included, or NULL with err when the
 * connection failed (c->err is then set: the pool frees c). */
static redisReply *rq_send(struct rq *q, redisContext *c, const char *what, struct rq_argv *a,
                           char *err, size_t errlen)
{
    if (a->oom) {
        rq_fail(q, err, errlen, what, "out of memory");
        return NULL;
    }
    redisReply *r = redisCommandArgv(c, a->n, a->v, a->len);
    /* a socket timeout reads as EAGAIN, whose text says nothing about time */
    if (!r && c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK))
        rq_fail(q, err, errlen, what, "no reply in time");
    else if (!r)
        rq_fail(q, err, errlen, what, c->err ? c->errstr : "no reply");
    return r;
}

static bool rq_is_error(const redisReply *r, const char *code)
{
    return r->type == REDIS_REPLY_ERROR && !strncmp(r->str, code, strlen(code));
}

/* r, or NULL with err when it is an error reply. */
static redisReply *rq_check(struct rq *q, redisReply *r, const char *what, char *err, size_t errlen)
{
    if (r && r->type == REDIS_REPLY_ERROR) {
        rq_fail(q, err, errlen, what, r->str);
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

static redisReply *rq_run(struct rq *q, redisContext *c, const char *what, struct rq_argv *a,
                          char *err, size_t errlen)
{
    return rq_check(q, rq_send(q, c, what, a, err, errlen), what, err, errlen);
}

/* The group is made from the stream's start ("0", not "$"): when Redis lost
 * it (restarted without persistence) while nodes went on submitting, the
 * jobs added since are still read. An existing group is fine. */
static int rq_group_create(struct rq *q, redisContext *c, char *err, size_t errlen)
{
    struct rq_argv a = {0};
    argv_strs(&a, "XGROUP", "CREATE", RQ_STREAM, RQ_GROUP, "0", "MKSTREAM", NULL);
    redisReply *r = rq_send(q, c, "XGROUP CREATE", &a, err, errlen);
    argv_free(&a);
    if (!r)
        return -1;
    int rc = 0;
    if (r->type == REDIS_REPLY_ERROR && !rq_is_error(r, "BUSYGROUP"))
        rc = rq_fail(q, err, errlen, "XGROUP CREATE", r->str);
    freeReplyObject(r);
    return rc;
}

/* rq_run for a command on the group: a group gone missing is made again
 * and the command sent once more. */
static redisReply *rq_run_group(struct rq *q, redisContext *c, const char *what, struct rq_argv *a,
                                char *err, size_t errlen)
{
    redisReply *r = rq_send(q, c, what, a, err, errlen);
    if (r && rq_is_error(r, "NOGROUP")) {
        freeReplyObject(r);
        if (rq_group_create(q, c, err, errlen) < 0)
            return NULL;
        r = rq_send(q, c, what, a, err, errlen);
    }
    return rq_check(q, r, what, err, errlen);
}

/* Starts the arguments of a script's call; the caller adds its keys, then
 * its arguments. */
static void rq_eval_begin(struct rq_argv *a, const struct rq *q, enum rq_script_id id, int nkeys)
{
    argv_str(a, "EVALSHA");
    argv_str(a, q->sha[id]);
    argv_i64(a, nkeys);
}

/* Runs the script by its SHA-1 name; when Redis no longer knows it (a
 * restart, SCRIPT FLUSH), sends the body instead, which loads it again. */
static redisReply *rq_eval(struct rq *q, redisContext *c, enum rq_script_id id, const char *what,
                           struct rq_argv *a, char *err, size_t errlen)
{
    redisReply *r = rq_send(q, c, what, a, err, errlen);
    if (r && rq_is_error(r, "NOSCRIPT")) {
        freeReplyObject(r);
        a->v[0] = "EVAL";
        a->len[0] = 4;
        a->v[1] = rq_script_body[id];
        a->len[1] = strlen(rq_script_body[id]);
        r = rq_send(q, c, what, a, err, errlen);
    }
    return rq_check(q, r, what, err, errlen);
}

/* ---------------------------------------------------------------- connections */

static redisContext *rq_connect(const struct rq *q, char *err, size_t errlen)
{
    redisContext *c = redisConnectWithTimeout(q->host, q->port, rq_tv(RQ_CONNECT_MS));
    if (!c) {
        err_set(err, errlen, "redis %s:%d: out of memory", q->host, q->port);
        return NULL;
    }
    if (c->err) {
        err_set(err, errlen, "redis %s:%d: %s", q->host, q->port, c->errstr);
        redisFree(c);
        return NULL;
    }
    if (redisSetTimeout(c, rq_tv(RQ_COMMAND_MS)) != REDIS_OK) {
        err_set(err, errlen, "redis %s:%d: setting the timeout: %s", q->host, q->port, c->errstr);
        redisFree(c);
        return NULL;
    }
    return c;
}

/* Whether an idle connection is still open: Redis closes idle clients
 * (its timeout setting) and all of them when it restarts. Their EOF is
 * already in the socket, so a peek tells without a round trip, and a
 * restart costs no failed calls. */
static bool rq_alive(const redisContext *c)
{
    char b;
    ssize_t n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

/* An idle connection that is still open, or a new one. */
static redisContext *rq_get(struct rq *q, char *err, size_t errlen)
{
    for (;;) {
        redisContext *c = NULL;
        pthread_mutex_lock(&q->lock);
        if (q->nidle)
            c = q->idle[--q->nidle];
        pthread_mutex_unlock(&q->lock);
        if (!c)
            return rq_connect(q, err, errlen);
        if (rq_alive(c))
            return c;
        redisFree(c);
    }
}

/* Gives c back; a broken one (or one too many) is closed instead. */
static void rq_put(struct rq *q, redisContext *c)
{
    if (!c->err) {
        pthread_mutex_lock(&q->lock);
        if (q->nidle < RQ_IDLE_MAX) {
            q->idle[q->nidle++] = c;
            c = NULL;
        }
        pthread_mutex_unlock(&q->lock);
    }
    if (c)
        redisFree(c);
}

/* ---------------------------------------------------------------- replies */

static char *rq_dup(const redisReply *v)
{
    char *s = malloc(v->len + 1);
    if (s) {
        memcpy(s, v->str, v->len);
        s[v->len] = '\0';
    }
    return s;
}

static bool rq_is_str(const redisReply *v)
{
    return v->type == REDIS_REPLY_STRING || v->type == REDIS_REPLY_STATUS;
}

static int64_t rq_i64(const redisReply *v)
{
    if (v->type == REDIS_REPLY_INTEGER)
        return v->integer;
    return rq_is_str(v) ? strtoll(v->str, NULL, 10) : 0;
}

static void rq_copy(char *dst, size_t size, const redisReply *v)
{
    snprintf(dst, size, "%.*s", (int)(v->len < size ? v->len : size - 1), v->str);
}

/* One field of a submission's hash into out; -1 when out of memory. */
static int rq_sub_field(struct jobq_sub *out, const char *name, const redisReply *v)
{
    char **str = NULL;
    if (!strcmp(name, "state"))
        out->state = !strcmp(v->str, "done")      ? JOBQ_DONE
                     : !strcmp(v->str, "running") ? JOBQ_RUNNING
                                                  : JOBQ_QUEUED;
    else if (!strcmp(name, "owner"))
        out->owner = (int)rq_i64(v);
    else if (!strcmp(name, "created"))
        out->created_ms = rq_i64(v);
    else if (!strcmp(name, "started"))
        out->started_ms = rq_i64(v);
    else if (!strcmp(name, "finished"))
        out->finished_ms = rq_i64(v);
    else if (!strcmp(name, "attempts"))
        out->attempts = (unsigned)rq_i64(v);
    else if (!strcmp(name, "cb_attempts"))
        out->callback_attempts = (unsigned)rq_i64(v);
    else if (!strcmp(name, "node"))
        rq_copy(out->node, sizeof out->node, v);
    else if (!strcmp(name, "cb_state"))
        rq_copy(out->callback_state, sizeof out->callback_state, v);
    else if (!strcmp(name, "request"))
        str = &out->request;
    else if (!strcmp(name, "callback_url"))
        str = &out->callback_url;
    else if (!strcmp(name, "result"))
        str = &out->result;
    if (str && !*str && !(*str = rq_dup(v)))
        return -1;
    return 0;
}

/* HGETALL's flat field/value list into out. */
static int rq_sub_fill(struct rq *q, const char *token, const redisReply *r, struct jobq_sub *out,
                       char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    snprintf(out->token, sizeof out->token, "%s", token);
    bool has_state = false;
    for (size_t i = 0; i + 1 < r->elements; i += 2) {
        const redisReply *k = r->element[i], *v = r->element[i + 1];
        if (!rq_is_str(k) || !rq_is_str(v))
            continue;
        if (!strcmp(k->str, "state"))
            has_state =
                !strcmp(v->str, "queued") || !strcmp(v->str, "running") || !strcmp(v->str, "done");
        if (rq_sub_field(out, k->str, v) < 0) {
            jobq_sub_free(out);
            return rq_fail(q, err, errlen, "HGETALL", "out of memory");
        }
    }
    if (!has_state || !out->request) {
        jobq_sub_free(out);
        return err_set(err, errlen, "redis %s:%d: %s%s: no valid state, or no request", q->host,
                       q->port, RQ_SUB_PREFIX, token);
    }
    return 1;
}

/* A stream entry [id, [field, value, ...]] into e. 0 when it is none (a
 * nil: an entry deleted while pending, as Redis 6.2 reports it). */
static int rq_entry_parse(const redisReply *r, struct rq_entry *e)
{
    memset(e, 0, sizeof *e);
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 || !rq_is_str(r->element[0]))
        return 0;
    rq_copy(e->id, sizeof e->id, r->element[0]);
    const redisReply *f = r->elements > 1 ? r->element[1] : NULL;
    for (size_t i = 0; f && f->type == REDIS_REPLY_ARRAY && i + 1 < f->elements; i += 2) {
        const redisReply *k = f->element[i], *v = f->element[i + 1];
        if (rq_is_str(k) && rq_is_str(v) && !strcmp(k->str, "token") && v->len &&
            v->len <= JOBQ_TOKEN_LEN)
            rq_copy(e->token, sizeof e->token, v);
    }
    return 1;
}

/* ---------------------------------------------------------------- submit, get, cancel */

static int rq_submit(struct jobq *jq, const struct jobq_new *subs, size_t n, char *err,
                     size_t errlen)
{
    struct rq *q = (struct rq *)jq;
    if (!n)
        return 0;
    if (n > RQ_BATCH_MAX)
        return rq_fail(q, err, errlen, "submit", "too many submissions in one batch");
    struct rq_argv a = {0};
    rq_eval_begin(&a, q, RQ_SUBMIT, (int)n + 1);
    argv_str(&a, RQ_STREAM);
    for (size_t i = 0; i < n; i++) {
        char key[64];
        if (rq_sub_key(key, subs[i].token) < 0 || !subs[i].request) {
            argv_free(&a);
            return rq_fail(q, err, errlen, "submit", "a token is not one, or a request missing");
        }
        argv_dup(&a, key);
    }
    argv_i64(&a, jobq_now_ms());
    for (size_t i = 0; i < n; i++) {
        argv_str(&a, subs[i].token);
        argv_i64(&a, subs[i].owner);
        argv_strs(&a, subs[i].request, subs[i].callback_url ? "1" : "0",
                  subs[i].callback_url ? subs[i].callback_url : "", NULL);
    }
    int rc = -1;
    redisContext *c = rq_get(q, err, errlen);
    if (c) {
        redisReply *r = rq_eval(q, c, RQ_SUBMIT, "submit", &a, err, errlen);
        rc = r ? 0 : -1;
        freeReplyObject(r);
        rq_put(q, c);
    }
    argv_free(&a);
    return rc;
}

static int rq_get_sub(struct jobq *jq, const char *token, struct jobq_sub *out, char *err,
                      size_t errlen)
{
    struct rq *q = (struct rq *)jq;
    char key[64];
    if (rq_sub_key(key, token) < 0)
        return 0;
    redisContext *c = rq_get(q, err, errlen);
    if (!c)
        return -1;
    struct rq_argv a = {0};
    argv_strs(&a, "HGETALL", key, NULL);
    redisReply *r = rq_run(q, c, "HGETALL", &a, err, errlen);
    int rc = -1;
    if (r && r->type != REDIS_REPLY_ARRAY)
        rq_fail(q, err, errlen, "HGETALL", "not an array");
    else if (r)
        rc = r->elements ? rq_sub_fill(q, token, r, out, err, errlen) : 0;
    freeReplyObject(r);
    argv_free(&a);
    rq_put(q, c);
    return rc;
}

/* Runs a script on one submission's hash (KEYS hash [, stream [, done]])
 * whose reply is an integer; that integer, or -1 with err. */
static int rq_eval_int(struct rq *q, enum rq_script_id id, const char *what, struct rq_argv *a,
                       char *err, size_t errlen)
{
    redisContext *c = rq_get(q, err, errlen);
    if (!c)
        return -1;
    redisReply *r = rq_eval(q, c, id, what, a, err, errlen);
    int rc = -1;
    if (r && r->type != REDIS_REPLY_INTEGER)
        rq_fail(q, err, errlen, what, "the script's reply is not a number");
    else if (r)
        rc = (int)r->integer;
    freeReplyObject(r);
    rq_put(q, c);
    return rc;
}

static int rq_cancel(struct jobq *jq, const char *token, char *err, size_t errlen)
{
    struct rq *q = (struct rq *)jq;
    char key[64];
    if (rq_sub_key(key, token) < 0)
        return JOBQ_NOT_FOUND;
    struct rq_argv a = {0};
    rq_eval_begin(&a, q, RQ_CANCEL, 2);
    argv_strs(&a, key, RQ_STREAM, NULL);
    int rc = rq_eval_int(q, RQ_CANCEL, "cancel", &a, err, errlen);
    argv_free(&a);
    return rc;
}

/* ---------------------------------------------------------------- heartbeat */

/* XAUTOCLAIM goes by the time since an entry was delivered or last
 * claimed, not by its node's life: without this a run longer than
 * reclaim_ms would be taken over while it still runs. So a thread of the
 * store claims this process's runs again (to itself) every third of
 * reclaim_ms, however busy the runners are. A run left out of the list
 * (no memory) is only reclaimed earlier: never lost. */
static void rq_held_add(struct rq *q, const char *handle)
{
    pthread_mutex_lock(&q->lock);
    if (q->nheld == q->capheld) {
        size_t cap = q->capheld ? 2 * q->capheld : 16;
        char(*h)[64] = realloc(q->held, cap * sizeof *h);
        if (h) {
            q->held = h;
            q->capheld = cap;
        }
    }
    if (q->nheld < q->capheld)
        snprintf(q->held[q->nheld++], 64, "%s", handle);
    pthread_mutex_unlock(&q->lock);
}

/* At the call that ends the run, whatever its outcome: a run whose result
 * cannot be stored is left to be reclaimed, as jobq.h promises. */
static void rq_held_drop(struct rq *q, const char *handle)
{
    pthread_mutex_lock(&q->lock);
    for (size_t i = 0; i < q->nheld; i++)
        if (!strcmp(q->held[i], handle)) {
            memcpy(q->held[i], q->held[--q->nheld], 64);
            break;
        }
    pthread_mutex_unlock(&q->lock);
}

/* Claims ids[0..n) again; a failure is left to the next beat (there is no
 * caller to tell), and at worst a run is reclaimed early. */
static void rq_beat_send(struct rq *q, char (*ids)[64], size_t n)
{
    char err[256];
    redisContext *c = rq_get(q, err, sizeof err);
    for (size_t i = 0; c && i < n; i += RQ_BEAT_CHUNK) {
        struct rq_argv a = {0};
        rq_eval_begin(&a, q, RQ_BEAT, 1);
        argv_strs(&a, RQ_STREAM, RQ_GROUP, q->node, NULL);
        for (size_t k = i; k < n && k < i + RQ_BEAT_CHUNK; k++)
            argv_str(&a, ids[k]);
        freeReplyObject(rq_eval(q, c, RQ_BEAT, "heartbeat", &a, err, sizeof err));
        argv_free(&a);
    }
    if (c)
        rq_put(q, c);
}

static void *rq_beat_main(void *arg)
{
    struct rq *q = arg;
    int64_t every_ms = q->reclaim_ms / 3 > 50 ? q->reclaim_ms / 3 : 50;
    pthread_mutex_lock(&q->lock);
    while (!q->stop) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += (time_t)(every_ms / 1000);
        until.tv_nsec += (long)(every_ms % 1000) * 1000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        while (!q->stop && pthread_cond_timedwait(&q->wake, &q->lock, &until) == 0)
            ;
        size_t n = q->stop ? 0 : q->nheld;
        char(*ids)[64] = n ? malloc(n * sizeof *ids) : NULL;
        if (ids)
            memcpy(ids, q->held, n * sizeof *ids);
        pthread_mutex_unlock(&q->lock);
        if (ids)
            rq_beat_send(q, ids, n);
        free(ids);
        pthread_mutex_lock(&q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

/* The heartbeat's condition variable waits on CLOCK_MONOTONIC: a step of
 * the wall clock neither stalls nor hurries it. */
static int rq_beat_start(struct rq *q, char *err, size_t errlen)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->wake, &ca);
    pthread_condattr_destroy(&ca);
    int e = pthread_create(&q->beat, NULL, rq_beat_main, q);
    if (e) {
        pthread_cond_destroy(&q->wake);
        errno = e;
        return err_set(err, errlen, "queue: redis: starting the heartbeat thread: %m");
    }
    q->beat_started = true;
    return 0;
}

/* ---------------------------------------------------------------- take */

/* Whether this take should look for jobs of silent nodes (at most once a
 * second in this process, unless the last look found one); the cursor to
 * go on from. */
static bool rq_reclaim_due(struct rq *q, char cursor[64])
{
    int64_t now = rq_mono_ms();
    pthread_mutex_lock(&q->lock);
    bool due = now >= q->reclaim_due_ms;
    if (due) {
        q->reclaim_due_ms = now + RQ_RECLAIM_EVERY_MS;
        memcpy(cursor, q->reclaim_cursor, 64);
    }
    pthread_mutex_unlock(&q->lock);
    return due;
}

static void rq_reclaim_done(struct rq *q, const char *cursor, bool found)
{
    pthread_mutex_lock(&q->lock);
    snprintf(q->reclaim_cursor, sizeof q->reclaim_cursor, "%s", cursor);
    if (found)
        q->reclaim_due_ms = 0; /* a silent node may have left more */
    pthread_mutex_unlock(&q->lock);
}

/* One XAUTOCLAIM step from cursor (updated). 1 with e, 0 none, -1. Redis 7
 * replies [next cursor, entries, deleted ids], 6.2 without the third. */
static int rq_reclaim_step(struct rq *q, redisContext *c, char cursor[64], struct rq_entry *e,
                           char *err, size_t errlen)
{
    struct rq_argv a = {0};
    argv_strs(&a, "XAUTOCLAIM", RQ_STREAM, RQ_GROUP, q->node, NULL);
    argv_i64(&a, q->reclaim_ms);
    argv_strs(&a, cursor, "COUNT", "1", NULL);
    redisReply *r = rq_run_group(q, c, "XAUTOCLAIM", &a, err, errlen);
    argv_free(&a);
    if (!r)
        return -1;
    int rc = 0;
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 || !rq_is_str(r->element[0]) ||
        r->element[1]->type != REDIS_REPLY_ARRAY) {
        rc = rq_fail(q, err, errlen, "XAUTOCLAIM", "unexpected reply");
    } else {
        rq_copy(cursor, 64, r->element[0]);
        if (r->element[1]->elements)
            rc = rq_entry_parse(r->element[1]->element[0], e);
    }
    freeReplyObject(r);
    return rc;
}

static int rq_reclaim(struct rq *q, redisContext *c, struct rq_entry *e, char *err, size_t errlen)
{
    char cursor[64];
    /* 0 would take every run over at once: read as "never" */
    if (!q->reclaim_ms || !rq_reclaim_due(q, cursor))
        return 0;
    int rc = 0;
    for (int i = 0; i < RQ_RECLAIM_STEPS && !rc; i++) {
        rc = rq_reclaim_step(q, c, cursor, e, err, errlen);
        if (!strcmp(cursor, "0-0"))
            break; /* the whole pending list seen */
    }
    if (rc >= 0)
        rq_reclaim_done(q, cursor, rc > 0);
    return rc;
}

/* XREADGROUP of one new entry, blocking up to wait_ms (0: not at all).
 * 1 with e, 0 none came, -1. */
static int rq_read(struct rq *q, redisContext *c, int64_t wait_ms, struct rq_entry *e, char *err,
                   size_t errlen)
{
    struct rq_argv a = {0};
    argv_strs(&a, "XREADGROUP", "GROUP", RQ_GROUP, q->node, "COUNT", "1", NULL);
    if (wait_ms > 0) { /* BLOCK 0 would wait for ever */
        argv_str(&a, "BLOCK");
        argv_i64(&a, wait_ms);
        redisSetTimeout(c, rq_tv(wait_ms + RQ_COMMAND_MS));
    }
    argv_strs(&a, "STREAMS", RQ_STREAM, ">", NULL);
    redisReply *r = rq_run_group(q, c, "XREADGROUP", &a, err, errlen);
    argv_free(&a);
    if (wait_ms > 0 && !c->err)
        redisSetTimeout(c, rq_tv(RQ_COMMAND_MS));
    if (!r)
        return -1;
    int rc = 0; /* a nil: the wait ended with nothing */
    if (r->type == REDIS_REPLY_ARRAY && r->elements) {
        const redisReply *s = r->element[0]; /* [stream, [entry]] */
        if (s->type == REDIS_REPLY_ARRAY && s->elements == 2 &&
            s->element[1]->type == REDIS_REPLY_ARRAY && s->element[1]->elements)
            rc = rq_entry_parse(s->element[1]->element[0], e);
    }
    freeReplyObject(r);
    return rc;
}

/* The start script's {request, callback_url, owner, attempts} into out. */
static int rq_job_fill(struct rq *q, const struct rq_entry *e, const redisReply *r,
                       struct jobq_job *out, char *err, size_t errlen)
{
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 4 || !rq_is_str(r->element[0]))
        return rq_fail(q, err, errlen, "take", "the start script's reply is not a job");
    memset(out, 0, sizeof *out);
    snprintf(out->token, sizeof out->token, "%s", e->token);
    snprintf(out->handle, sizeof out->handle, "%s", e->id);
    out->owner = (int)rq_i64(r->element[2]);
    out->attempts = (unsigned)rq_i64(r->element[3]);
    out->request = rq_dup(r->element[0]);
    if (rq_is_str(r->element[1]))
        out->callback_url = rq_dup(r->element[1]);
    if (!out->request || (rq_is_str(r->element[1]) && !out->callback_url)) {
        jobq_job_free(out);
        return rq_fail(q, err, errlen, "take", "out of memory");
    }
    return 1;
}

/* Makes a delivered entry this node's run: 1 with out, 0 when it was stale
 * (and is dropped), -1. */
static int rq_start(struct rq *q, redisContext *c, const struct rq_entry *e, struct jobq_job *out,
                    char *err, size_t errlen)
{
    /* an entry without a token (not kiln's) gets a key no submission has:
     * the script drops it */
    char key[64] = RQ_SUB_PREFIX;
    rq_sub_key(key, e->token);
    struct rq_argv a = {0};
    rq_eval_begin(&a, q, RQ_START, 2);
    argv_strs(&a, key, RQ_STREAM, e->id, q->node, NULL);
    argv_i64(&a, jobq_now_ms());
    argv_str(&a, RQ_GROUP);
    redisReply *r = rq_eval(q, c, RQ_START, "take", &a, err, errlen);
    argv_free(&a);
    if (!r)
        return -1;
    int rc = r->type == REDIS_REPLY_NIL ? 0 : rq_job_fill(q, e, r, out, err, errlen);
    freeReplyObject(r);
    return rc;
}

static int rq_take(struct jobq *jq, int wait_ms, struct jobq_job *out, char *err, size_t errlen)
{
    struct rq *q = (struct rq *)jq;
    int64_t deadline = rq_mono_ms() + (wait_ms > 0 ? wait_ms : 0);
    redisContext *c = rq_get(q, err, errlen);
    if (!c)
        return -1;
    int rc;
    for (;;) {
        struct rq_entry e;
        rc = rq_reclaim(q, c, &e, err, errlen);
        if (!rc) {
            int64_t left = deadline - rq_mono_ms();
            rc = rq_read(q, c, left > 0 ? left : 0, &e, err, errlen);
        }
        if (rc > 0)
            rc = rq_start(q, c, &e, out, err, errlen);
        /* 0 after an entry: it was stale; look again while time is left */
        if (rc != 0 || rq_mono_ms() >= deadline)
            break;
    }
    if (rc > 0)
        rq_held_add(q, out->handle);
    rq_put(q, c);
    return rc;
}

/* ---------------------------------------------------------------- finish, release */

static int rq_finish(struct jobq *jq, const struct jobq_job *j, const char *result_json,
                     bool callback_pending, char *err, size_t errlen)
{
    struct rq *q = (struct rq *)jq;
    char key[64];
    if (rq_sub_key(key, j->token) < 0 || !result_json)
        return rq_fail(q, err, errlen, "finish", "no result, or the job's token is not one");
    rq_held_drop(q, j->handle);
    int64_t now = jobq_now_ms(), keep_ms = (int64_t)q->keep_s * 1000;
    struct rq_argv a = {0};
    rq_eval_begin(&a, q, RQ_FINISH, 3);
    argv_strs(&a, key, RQ_STREAM, RQ_DONE, j->handle, result_json, NULL);
    argv_i64(&a, now);
    argv_i64(&a, keep_ms);
    argv_strs(&a, callback_pending ? "1" : "0", j->token, RQ_GROUP, q->node, NULL);
    argv_i64(&a, now + keep_ms);
    int rc = rq_eval_int(q, RQ_FINISH, "finish", &a, err, errlen);
    argv_free(&a);
    return rc < 0 ? -1 : 0;
}

static int rq_release(struct jobq *jq, const struct jobq_job *j, char *err, size_t errlen)
{
    struct rq *q = (struct rq *)jq;
    char key[64];
    if (rq_sub_key(key, j->token) < 0)
        return rq_fail(q, err, errlen, "release", "the job's token is empty or too long");
    rq_held_drop(q, j->handle);
    struct rq_argv a = {0};
    rq_eval_begin(&a, q, RQ_RELEASE, 2);
    argv_strs(&a, key, RQ_STREAM, j->handle, q->node, j->token, RQ_GROUP, NULL);
    int rc = rq_eval_int(q, RQ_RELEASE, "release", &a, err, errlen);
    argv_free(&a);
    return rc < 0 ? -1 : 0;
}

static int rq_callback_state(struct jobq *jq, const char *token, const char *state,
                             unsigned attempts, char *err, size_t errlen)
{
    struct rq *q = (struct rq *)jq;
    char key[64];
    if (!state)
        return rq_fail(q, err, errlen, "callback state", "no state");
    if (rq_sub_key(key, token) < 0)
        return 0; /* no such submission: nothing to record */
    struct rq_argv a = {0};
    rq_eval_begin(&a, q, RQ_CALLBACK, 1);
    argv_strs(&a, key, state, NULL);
    argv_i64(&a, attempts);
    int rc = rq_eval_int(q, RQ_CALLBACK, "callback state", &a, err, errlen);
    argv_free(&a);
    return rc < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- stats */

/* The stats script's {entries, pending, done, oldest undelivered id} into out. */
static int rq_stats_fill(struct rq *q, const redisReply *r, struct jobq_stats *out, char *err,
                         size_t errlen)
{
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 4)
        return rq_fail(q, err, errlen, "stats", "the script's reply is not four values");
    int64_t len = rq_i64(r->element[0]), pending = rq_i64(r->element[1]);
    /* pending may count an entry cancelled after its delivery, until the
     * node that read it drops it */
    out->queued = len > pending ? (uint64_t)(len - pending) : 0;
    out->running = pending > 0 ? (uint64_t)pending : 0;
    out->done = (uint64_t)rq_i64(r->element[2]);
    out->oldest_queued_ms = -1;
    if (rq_is_str(r->element[3])) {
        /* an entry's id is "<Redis's clock in ms>-<seq>": its enqueue time */
        int64_t age = jobq_now_ms() - strtoll(r->element[3]->str, NULL, 10);
        out->oldest_queued_ms = age > 0 ? age : 0; /* the clocks may differ */
    }
    return 0;
}

static int rq_stats(struct jobq *jq, struct jobq_stats *out, char *err, size_t errlen)
{
    struct rq *q = (struct rq *)jq;
    redisContext *c = rq_get(q, err, errlen);
    if (!c)
        return -1;
    struct rq_argv a = {0};
    rq_eval_begin(&a, q, RQ_STATS, 2);
    argv_strs(&a, RQ_STREAM, RQ_DONE, NULL);
    argv_i64(&a, jobq_now_ms());
    argv_str(&a, RQ_GROUP);
    redisReply *r = rq_eval(q, c, RQ_STATS, "stats", &a, err, errlen);
    argv_free(&a);
    int rc = r ? rq_stats_fill(q, r, out, err, errlen) : -1;
    freeReplyObject(r);
    rq_put(q, c);
    return rc;
}

/* ---------------------------------------------------------------- open, close */

static void rq_close(struct jobq *jq)
{
    struct rq *q = (struct rq *)jq;
    if (q->beat_started) {
        pthread_mutex_lock(&q->lock);
        q->stop = true;
        pthread_cond_signal(&q->wake);
        pthread_mutex_unlock(&q->lock);
        pthread_join(q->beat, NULL);
        pthread_cond_destroy(&q->wake);
    }
    for (size_t i = 0; i < q->nidle; i++)
        redisFree(q->idle[i]);
    free(q->held);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

static const struct jobq_ops rq_ops = {
    .kind = "redis",
    .close = rq_close,
    .submit = rq_submit,
    .get = rq_get_sub,
    .cancel = rq_cancel,
    .take = rq_take,
    .finish = rq_finish,
    .release = rq_release,
    .callback_state = rq_callback_state,
    .stats = rq_stats,
};

/* "redis://HOST[:PORT]" into q->host, q->port. HOST is a name or an IPv4
 * address: no credentials, IPv6, database or options, which hiredis's
 * plain connect would not honour. The URL is not echoed when it may hold
 * a password. */
static int rq_parse_url(struct rq *q, const char *url, char *err, size_t errlen)
{
    static const char host_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789.-";
    const char *h = url + strlen("redis://");
    if (strchr(h, '@'))
        return err_set(err, errlen, "queue: a redis URL with user:password@ is not supported");
    size_t hl = strspn(h, host_chars);
    long port = RQ_DEFAULT_PORT;
    bool ok = hl && hl < sizeof q->host && (!h[hl] || h[hl] == ':');
    if (ok && h[hl] == ':') {
        const char *p = h + hl + 1;
        char *end;
        port = strtol(p, &end, 10);
        ok = *p >= '0' && *p <= '9' && !*end && port >= 1 && port <= 65535;
    }
    if (!ok)
        return err_set(err, errlen,
                       "queue: '%s' is not redis://HOST:PORT (HOST a name or an "
                       "IPv4 address, PORT 1 to 65535, nothing after it)",
                       url);
    memcpy(q->host, h, hl);
    q->host[hl] = '\0';
    q->port = (int)port;
    return 0;
}

/* PING, the group, and the scripts' names (SCRIPT LOAD). */
static int rq_prepare(struct rq *q, redisContext *c, char *err, size_t errlen)
{
    struct rq_argv a = {0};
    argv_str(&a, "PING");
    redisReply *r = rq_run(q, c, "PING", &a, err, errlen);
    argv_free(&a);
    if (!r)
        return -1;
    freeReplyObject(r);
    if (rq_group_create(q, c, err, errlen) < 0)
        return -1;
    for (int i = 0; i < RQ_NSCRIPTS; i++) {
        argv_strs(&a, "SCRIPT", "LOAD", rq_script_body[i], NULL);
        r = rq_run(q, c, "SCRIPT LOAD", &a, err, errlen);
        argv_free(&a);
        if (!r)
            return -1;
        int ok = r->type == REDIS_REPLY_STRING && r->len == 40;
        if (ok)
            memcpy(q->sha[i], r->str, 41);
        freeReplyObject(r);
        if (!ok)
            return rq_fail(q, err, errlen, "SCRIPT LOAD", "the reply is not a SHA-1");
    }
    return 0;
}

struct jobq *jobq_redis_open(const struct jobq_params *p, char *err, size_t errlen)
{
    if (!p->node || !*p->node || strlen(p->node) >= sizeof((struct rq *)0)->node) {
        err_set(err, errlen, "queue: redis needs a node name of 1 to 63 characters");
        return NULL;
    }
    struct rq *q = calloc(1, sizeof *q);
    if (!q) {
        err_set(err, errlen, "queue: out of memory");
        return NULL;
    }
    q->base.ops = &rq_ops;
    snprintf(q->node, sizeof q->node, "%s", p->node);
    q->keep_s = p->keep_s;
    q->reclaim_ms = p->reclaim_ms;
    snprintf(q->reclaim_cursor, sizeof q->reclaim_cursor, "0-0");
    pthread_mutex_init(&q->lock, NULL);
    if (rq_parse_url(q, p->url, err, errlen) < 0) {
        rq_close(&q->base);
        return NULL;
    }
    redisContext *c = rq_connect(q, err, errlen);
    if (!c || rq_prepare(q, c, err, errlen) < 0) {
        if (c)
            redisFree(c);
        rq_close(&q->base);
        return NULL;
    }
    rq_put(q, c);
    if (q->reclaim_ms && rq_beat_start(q, err, errlen) < 0) {
        rq_close(&q->base);
        return NULL;
    }
    return &q->base;
}
