/* jobq_sqlite.c — the one-node store of jobq.h: SQLite in the data directory.
 *
 * One table, one row per submission; a queued row is a job. Durability:
 * WAL with synchronous=FULL, so that a submission answered 201 and a
 * stored result survive kill -9 and power loss alike. A row left running
 * by a server that died is queued again when the next one opens the
 * database: on one node nothing else could be running it, which the lock
 * file (flock, held while open) guarantees.
 *
 * One connection behind one mutex: SQLite writes one transaction at a time
 * anyway, and each of ours is a statement or two. Runners wait for work on
 * a condition variable that submit and release signal. */
#define _GNU_SOURCE
#include "server/jobq_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "util/err.h"

/* Finished rows past their time are deleted at most this often. */
#define SQ_SWEEP_MS 10000

struct jobq_sqlite {
    struct jobq base;
    pthread_mutex_t lock;
    pthread_cond_t work; /* a job was queued */
    sqlite3 *db;
    int lock_fd;
    char node[64];
    uint32_t keep_s;
    int64_t swept_ms;
};

static const char SQ_SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS submissions ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " token TEXT NOT NULL UNIQUE,"
    " state INTEGER NOT NULL," /* enum jobq_state */
    " qseq INTEGER NOT NULL,"  /* place in the queue: release moves a job to the end */
    " owner INTEGER NOT NULL,"
    " request TEXT NOT NULL,"
    " callback_url TEXT,"
    " result TEXT,"
    " created_ms INTEGER NOT NULL,"
    " started_ms INTEGER NOT NULL DEFAULT 0,"
    " finished_ms INTEGER NOT NULL DEFAULT 0,"
    " expires_ms INTEGER NOT NULL DEFAULT 0,"
    " node TEXT NOT NULL DEFAULT '',"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " cb_state TEXT NOT NULL DEFAULT '',"
    " cb_attempts INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS submissions_queue ON submissions(state, qseq);";

static struct jobq_sqlite *sq_of(struct jobq *q)
{
    return (struct jobq_sqlite *)q;
}

static int sq_fail(struct jobq_sqlite *q, char *err, size_t errlen, const char *what)
{
    return err_set(err, errlen, "sqlite: %s: %s", what, sqlite3_errmsg(q->db));
}

static int sq_exec(struct jobq_sqlite *q, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(q->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    err_set(err, errlen, "sqlite: %s", msg ? msg : sqlite3_errmsg(q->db));
    sqlite3_free(msg);
    return -1;
}

static sqlite3_stmt *sq_prepare(struct jobq_sqlite *q, const char *sql, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
        sq_fail(q, err, errlen, "prepare");
        return NULL;
    }
    return st;
}

static char *sq_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? strdup((const char *)t) : NULL;
}

static void sq_copy(char *dst, size_t size, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", t ? (const char *)t : "");
}

/* Runs a statement that returns no rows; its changes() on success. */
static int sq_step_done(struct jobq_sqlite *q, sqlite3_stmt *st, char *err, size_t errlen)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return sq_fail(q, err, errlen, "step");
    return sqlite3_changes(q->db);
}

static void sq_close(struct jobq *base)
{
    struct jobq_sqlite *q = sq_of(base);
    sqlite3_close(q->db);
    if (q->lock_fd >= 0)
        close(q->lock_fd); /* releases the flock */
    pthread_cond_destroy(&q->work);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

static int sq_insert(struct jobq_sqlite *q, const struct jobq_new *s, int64_t now, char *err,
                     size_t errlen)
{
    sqlite3_stmt *st = sq_prepare(q, "INSERT INTO submissions(token, state, qseq, owner, "
                                     "request, callback_url, created_ms) VALUES(?, 0, "
                                     "(SELECT COALESCE(MAX(qseq), 0) + 1 FROM submissions), "
                                     "?, ?, ?, ?)", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, s->token, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, s->owner);
    sqlite3_bind_text(st, 3, s->request, -1, SQLITE_STATIC);
    if (s->callback_url)
        sqlite3_bind_text(st, 4, s->callback_url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    return sq_step_done(q, st, err, errlen) < 0 ? -1 : 0;
}

static int sq_submit(struct jobq *base, const struct jobq_new *subs, size_t n, char *err,
                     size_t errlen)
{
    struct jobq_sqlite *q = sq_of(base);
    int64_t now = jobq_now_ms();
    pthread_mutex_lock(&q->lock);
    int rc = sq_exec(q, "BEGIN IMMEDIATE", err, errlen);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = sq_insert(q, &subs[i], now, err, errlen);
    if (rc == 0)
        rc = sq_exec(q, "COMMIT", err, errlen);
    else
        sq_exec(q, "ROLLBACK", NULL, 0);
    if (rc == 0)
        pthread_cond_broadcast(&q->work);
    pthread_mutex_unlock(&q->lock);
    return rc;
}

/* A finished row is gone once past its time, even before a sweep deletes it. */
#define SQ_LIVE "NOT (state = 2 AND expires_ms <= ?)"

static int sq_get(struct jobq *base, const char *token, struct jobq_sub *out, char *err,
                  size_t errlen)
{
    struct jobq_sqlite *q = sq_of(base);
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&q->lock);
    sqlite3_stmt *st = sq_prepare(q, "SELECT state, owner, request, callback_url, result, "
                                     "created_ms, started_ms, finished_ms, node, attempts, "
                                     "cb_state, cb_attempts FROM submissions WHERE token = ? "
                                     "AND " SQ_LIVE, err, errlen);
    int rc = -1;
    if (st) {
        sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, jobq_now_ms());
        int step = sqlite3_step(st);
        rc = step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : sq_fail(q, err, errlen, "get");
    }
    if (rc == 1) {
        snprintf(out->token, sizeof out->token, "%s", token);
        out->state = (enum jobq_state)sqlite3_column_int(st, 0);
        out->owner = sqlite3_column_int(st, 1);
        out->request = sq_text(st, 2);
        out->callback_url = sq_text(st, 3);
        out->result = sq_text(st, 4);
        out->created_ms = sqlite3_column_int64(st, 5);
        out->started_ms = sqlite3_column_int64(st, 6);
        out->finished_ms = sqlite3_column_int64(st, 7);
        sq_copy(out->node, sizeof out->node, st, 8);
        out->attempts = (unsigned)sqlite3_column_int(st, 9);
        sq_copy(out->callback_state, sizeof out->callback_state, st, 10);
        out->callback_attempts = (unsigned)sqlite3_column_int(st, 11);
        if (!out->request) {
            jobq_sub_free(out);
            rc = err_set(err, errlen, "out of memory");
        }
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&q->lock);
    return rc;
}

static int sq_cancel(struct jobq *base, const char *token, char *err, size_t errlen)
{
    struct jobq_sqlite *q = sq_of(base);
    pthread_mutex_lock(&q->lock);
    sqlite3_stmt *st = sq_prepare(q, "DELETE FROM submissions WHERE token = ? AND state = 0",
                                  err, errlen);
    int rc = -1;
    if (st) {
        sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
        rc = sq_step_done(q, st, err, errlen);
    }
    pthread_mutex_unlock(&q->lock);
    if (rc != 0)
        return rc < 0 ? -1 : JOBQ_CANCELLED;
    /* Not deleted: unknown, or no longer queued. */
    struct jobq_sub s;
    rc = sq_get(base, token, &s, err, errlen);
    if (rc <= 0)
        return rc < 0 ? -1 : JOBQ_NOT_FOUND;
    jobq_sub_free(&s);
    return JOBQ_NOT_QUEUED;
}

/* Deletes finished rows past their time, at most every SQ_SWEEP_MS. Under the lock. */
static void sq_sweep(struct jobq_sqlite *q, int64_t now)
{
    if (now - q->swept_ms < SQ_SWEEP_MS)
        return;
    q->swept_ms = now;
    sqlite3_stmt *st = sq_prepare(q, "DELETE FROM submissions WHERE state = 2 AND "
                                     "expires_ms <= ?", NULL, 0);
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, now);
    sq_step_done(q, st, NULL, 0);
}

/* The oldest queued row, marked running on this node: 1, 0 when none, -1. Under the lock. */
static int sq_take_one(struct jobq_sqlite *q, struct jobq_job *out, char *err, size_t errlen)
{
    int64_t now = jobq_now_ms();
    sq_sweep(q, now);
    sqlite3_stmt *st = sq_prepare(q, "UPDATE submissions SET state = 1, node = ?, "
                                     "started_ms = ?, attempts = attempts + 1 WHERE seq = "
                                     "(SELECT seq FROM submissions WHERE state = 0 ORDER BY "
                                     "qseq LIMIT 1) RETURNING seq, token, owner, request, "
                                     "callback_url, attempts", err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, q->node, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    int step = sqlite3_step(st), rc = 0;
    if (step == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        snprintf(out->handle, sizeof out->handle, "%lld",
                 (long long)sqlite3_column_int64(st, 0));
        sq_copy(out->token, sizeof out->token, st, 1);
        out->owner = sqlite3_column_int(st, 2);
        out->request = sq_text(st, 3);
        out->callback_url = sq_text(st, 4);
        out->attempts = (unsigned)sqlite3_column_int(st, 5);
        rc = 1;
        /* The UPDATE is done only once RETURNING has given its last row. */
        if (sqlite3_step(st) != SQLITE_DONE || !out->request) {
            jobq_job_free(out);
            rc = out->request ? sq_fail(q, err, errlen, "take")
                              : err_set(err, errlen, "out of memory");
        }
    } else if (step != SQLITE_DONE)
        rc = sq_fail(q, err, errlen, "take");
    sqlite3_finalize(st);
    return rc;
}

static int sq_take(struct jobq *base, int wait_ms, struct jobq_job *out, char *err,
                   size_t errlen)
{
    struct jobq_sqlite *q = sq_of(base);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (long)(wait_ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&q->lock);
    int rc;
    while ((rc = sq_take_one(q, out, err, errlen)) == 0)
        if (pthread_cond_timedwait(&q->work, &q->lock, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&q->lock);
    return rc;
}

static int sq_finish(struct jobq *base, const struct jobq_job *j, const char *result_json,
                     bool callback_pending, char *err, size_t errlen)
{
    struct jobq_sqlite *q = sq_of(base);
    int64_t now = jobq_now_ms();
    pthread_mutex_lock(&q->lock);
    sqlite3_stmt *st = sq_prepare(q, "UPDATE submissions SET state = 2, result = ?, "
                                     "finished_ms = ?, expires_ms = ?, cb_state = ? WHERE "
                                     "seq = ?", err, errlen);
    int rc = -1;
    if (st) {
        sqlite3_bind_text(st, 1, result_json, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now);
        sqlite3_bind_int64(st, 3, now + (int64_t)q->keep_s * 1000);
        sqlite3_bind_text(st, 4, callback_pending ? "pending" : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, strtoll(j->handle, NULL, 10));
        rc = sq_step_done(q, st, err, errlen) < 0 ? -1 : 0;
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

static int sq_release(struct jobq *base, const struct jobq_job *j, char *err, size_t errlen)
{
    struct jobq_sqlite *q = sq_of(base);
    pthread_mutex_lock(&q->lock);
    sqlite3_stmt *st = sq_prepare(q, "UPDATE submissions SET state = 0, node = '', "
                                     "started_ms = 0, attempts = attempts - 1, qseq = "
                                     "(SELECT MAX(qseq) + 1 FROM submissions) WHERE seq = ? "
                                     "AND state = 1", err, errlen);
    int rc = -1;
    if (st) {
        sqlite3_bind_int64(st, 1, strtoll(j->handle, NULL, 10));
        rc = sq_step_done(q, st, err, errlen) < 0 ? -1 : 0;
    }
    if (rc == 0)
        pthread_cond_broadcast(&q->work);
    pthread_mutex_unlock(&q->lock);
    return rc;
}

static int sq_callback_state(struct jobq *base, const char *token, const char *state,
                             unsigned attempts, char *err, size_t errlen)
{
    struct jobq_sqlite *q = sq_of(base);
    pthread_mutex_lock(&q->lock);
    sqlite3_stmt *st = sq_prepare(q, "UPDATE submissions SET cb_state = ?, cb_attempts = ? "
                                     "WHERE token = ?", err, errlen);
    int rc = -1;
    if (st) {
        sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, (int)attempts);
        sqlite3_bind_text(st, 3, token, -1, SQLITE_STATIC);
        rc = sq_step_done(q, st, err, errlen) < 0 ? -1 : 0;
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

static int sq_stats(struct jobq *base, struct jobq_stats *out, char *err, size_t errlen)
{
    struct jobq_sqlite *q = sq_of(base);
    int64_t now = jobq_now_ms();
    memset(out, 0, sizeof *out);
    out->oldest_queued_ms = -1;
    pthread_mutex_lock(&q->lock);
    sqlite3_stmt *st = sq_prepare(q, "SELECT state, COUNT(*), MIN(created_ms) FROM "
                                     "submissions WHERE " SQ_LIVE " GROUP BY state", err,
                                  errlen);
    int rc = st ? 0 : -1, step = SQLITE_DONE;
    if (st)
        sqlite3_bind_int64(st, 1, now);
    while (st && (step = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t n = (uint64_t)sqlite3_column_int64(st, 1);
        switch (sqlite3_column_int(st, 0)) {
        case JOBQ_QUEUED:
            out->queued = n;
            out->oldest_queued_ms = now - sqlite3_column_int64(st, 2);
            break;
        case JOBQ_RUNNING:
            out->running = n;
            break;
        default:
            out->done = n;
        }
    }
    if (st && step != SQLITE_DONE)
        rc = sq_fail(q, err, errlen, "stats");
    sqlite3_finalize(st);
    pthread_mutex_unlock(&q->lock);
    return rc;
}

static const struct jobq_ops SQ_OPS = {
    "sqlite", sq_close, sq_submit, sq_get, sq_cancel, sq_take, sq_finish, sq_release,
    sq_callback_state, sq_stats,
};

/* The data directory's lock: one server per database. */
static int sq_lock_dir(struct jobq_sqlite *q, const char *dir, char *err, size_t errlen)
{
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return err_set(err, errlen, "data_dir: mkdir %s: %m", dir);
    char path[4200];
    snprintf(path, sizeof path, "%s/kiln.lock", dir);
    q->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (q->lock_fd < 0)
        return err_set(err, errlen, "data_dir: open %s: %m", path);
    if (flock(q->lock_fd, LOCK_EX | LOCK_NB) < 0)
        return err_set(err, errlen, "data_dir %s is in use by another kiln serve (%s is locked)",
                       dir, path);
    return 0;
}

/* Jobs a dead server left running: nothing runs them now. */
static int sq_requeue_orphans(struct jobq_sqlite *q, char *err, size_t errlen)
{
    sqlite3_stmt *st = sq_prepare(q, "UPDATE submissions SET state = 0, node = '' WHERE "
                                     "state = 1", err, errlen);
    int n = st ? sq_step_done(q, st, err, errlen) : -1;
    if (n > 0)
        fprintf(stderr, "kiln serve: %d submissions left running by the last server are "
                "queued again\n", n);
    return n < 0 ? -1 : 0;
}

struct jobq *jobq_sqlite_open(const struct jobq_params *p, char *err, size_t errlen)
{
    struct jobq_sqlite *q = calloc(1, sizeof *q);
    if (!q) {
        err_set(err, errlen, "out of memory");
        return NULL;
    }
    q->base.ops = &SQ_OPS;
    q->lock_fd = -1;
    q->keep_s = p->keep_s;
    snprintf(q->node, sizeof q->node, "%s", p->node);
    pthread_mutex_init(&q->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->work, &ca);
    pthread_condattr_destroy(&ca);
    char path[4200];
    snprintf(path, sizeof path, "%s/kiln.db", p->data_dir);
    if (sq_lock_dir(q, p->data_dir, err, errlen) < 0)
        goto fail;
    if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        err_set(err, errlen, "sqlite: open %s: %s", path,
                q->db ? sqlite3_errmsg(q->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(q->db, 5000);
    if (sq_exec(q, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", err, errlen) < 0 ||
        sq_exec(q, SQ_SCHEMA, err, errlen) < 0 || sq_requeue_orphans(q, err, errlen) < 0) {
        err_prefix(err, errlen, path);
        goto fail;
    }
    return &q->base;
fail:
    sq_close(&q->base);
    return NULL;
}
