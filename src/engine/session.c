/* session.c — sessions: one jailed process of a warm language kept across
 * cells (kiln.h has the contract).
 *
 * A session owns a jail slot from the engine's session range for its whole
 * life, so its process has a uid, a cgroup and a network namespace that
 * nothing else uses while it lives; the slot is emptied (every process
 * killed, the cgroup drained) before it is given back. Its process is a
 * child of the language's zygote, spawned for that slot with the
 * session's limits, and kept: zygote_cell() runs each cell in it.
 *
 * Two locks. run_lock is held for a whole cell and by close, so that cells
 * of one session run one after another and close can wait for the running
 * one; state_lock guards the fields that info and kill read and write,
 * and is never held while a cell runs, so neither waits for one.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_impl.h"
#include "engine/result.h"
#include "jail/zygote.h"
#include "util/err.h"

struct kiln_session {
    kiln_engine *engine;
    const struct lang_def *def;
    struct warm_pool *pool;
    unsigned slot;
    struct kiln_limits limits;
    struct zygote_child child;
    pthread_mutex_t run_lock;
    pthread_mutex_t state_lock;
    /* under state_lock */
    bool alive, running, killed;
    char ended[256];
    uint64_t cells, cpu_ms, peak_mem_kib;
};

static void session_free(kiln_session *s)
{
    pthread_mutex_destroy(&s->run_lock);
    pthread_mutex_destroy(&s->state_lock);
    free(s);
}

/* With the session's slot: a clean cgroup with the session's limits, then
 * a child spawned into it and waited for. */
static int start_process(kiln_session *s, char *err, size_t errlen)
{
    struct jail *jail = s->engine->jail;
    if (jail_slot_prepare(jail, s->slot, &s->limits, false, err, errlen) < 0)
        return KILN_ERR_INTERNAL;
    int rc = warm_pool_spawn_for(s->pool, s->slot, &s->limits, &s->child, err, errlen);
    if (rc < 0)
        return rc;
    if (zygote_child_await_ready(&s->child, err, errlen) < 0) {
        zygote_child_close(&s->child);
        jail_slot_clear(jail, s->slot, NULL, 0);
        return KILN_ERR_INTERNAL;
    }
    return 0;
}

/* The language, the limits and a free session slot. */
static int session_init(kiln_session *s, kiln_engine *e, const struct kiln_session_options *o,
                        char *err, size_t errlen)
{
    s->def = engine_find_language(e, o->language, err, errlen);
    if (!s->def)
        return KILN_ERR_INVALID;
    s->pool = engine_lang_state(e, s->def)->pool;
    if (!s->pool) {
        err_set(err, errlen, "sessions need a warm runtime (javascript, typescript, python);"
                " '%s' runs only as a script", s->def->name);
        return KILN_ERR_INVALID;
    }
    if (engine_resolve_limits(&s->limits, &o->limits, &e->cfg.run_defaults, &s->def->run_limits,
                              &e->cfg.run_maxima, "session", err, errlen) < 0)
        return KILN_ERR_INVALID;
    int slot = jail_slot_try_acquire(e->jail, e->session_lo, e->session_lo + e->cfg.session_slots);
    if (slot < 0) {
        err_set(err, errlen, "all %u session slots are in use", e->cfg.session_slots);
        return KILN_ERR_BUSY;
    }
    s->slot = (unsigned)slot;
    return 0;
}

int kiln_session_open(kiln_engine *e, const struct kiln_session_options *o, kiln_session **out,
                      char *err, size_t errlen)
{
    *out = NULL;
    kiln_session *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(err, errlen, "out of memory");
        return KILN_ERR_INTERNAL;
    }
    s->engine = e;
    s->child = (struct zygote_child){ .req_fd = -1, .status_fd = -1, .out_fd = -1,
                                      .err_fd = -1, .listener_fd = -1 };
    pthread_mutex_init(&s->run_lock, NULL);
    pthread_mutex_init(&s->state_lock, NULL);
    int rc = session_init(s, e, o, err, errlen);
    if (rc == 0) {
        rc = start_process(s, err, errlen);
        if (rc < 0)
            jail_slot_release(e->jail, s->slot);
    }
    if (rc < 0) {
        session_free(s);
        return rc;
    }
    s->alive = true;
    *out = s;
    return 0;
}

/* With state_lock held: the session is over, for this reason. */
static void mark_ended(kiln_session *s, const char *why)
{
    if (!s->alive)
        return;
    s->alive = false;
    snprintf(s->ended, sizeof s->ended, "%s", why);
}

/* Why a cell's process is gone, from the cell's outcome. */
static void describe_end(const struct jail_outcome *o, char *why, size_t len)
{
    if (o->status == KILN_OK || o->status == KILN_RE)
        snprintf(why, len, "the program exited with code %d", o->exit_code);
    else if (o->message[0])
        snprintf(why, len, "%s: %.200s", kiln_status_name(o->status), o->message);
    else
        snprintf(why, len, "%s: its process ended", kiln_status_name(o->status));
}

/* Runs the cell in the process; with run_lock held, state_lock not. */
static int run_cell(kiln_session *s, const struct kiln_cell *cell, struct kiln_result *res,
                    char *err, size_t errlen)
{
    struct jail_file entry = { .name = (char *)s->def->source, .data = (char *)cell->code,
                               .len = cell->code_len, .mode = 0644 };
    struct zygote_request zr = {
        .files = &entry, .nfiles = 1, .stdin_data = cell->stdin_data,
        .stdin_len = cell->stdin_len, .interpret = true, .context = cell->context,
        .context_len = cell->context ? cell->context_len : 0,
    };
    struct jail_outcome o;
    bool alive = false;
    int rc = zygote_cell(s->engine->jail, s->slot, &s->child, &zr, &s->limits, &o, &alive, err,
                         errlen);
    char why[256] = "";
    if (rc == 0 && !alive)
        describe_end(&o, why, sizeof why);
    pthread_mutex_lock(&s->state_lock);
    s->running = false;
    if (rc == 0) {
        s->cells++;
        s->cpu_ms += o.cpu_ms;
        if (o.mem_kib > s->peak_mem_kib)
            s->peak_mem_kib = o.mem_kib;
        if (s->killed)
            snprintf(o.message, sizeof o.message, "the session was killed: %.200s", s->ended);
    }
    if (rc < 0 || !alive)
        mark_ended(s, rc < 0 ? err : why);
    bool dead = !s->alive;
    pthread_mutex_unlock(&s->state_lock);
    if (rc == 0) {
        result_stage_from_outcome(&res->run, &o);
        res->status = res->run.status;
    }
    jail_outcome_free(&o);
    if (dead) {
        zygote_child_close(&s->child);
        jail_slot_clear(s->engine->jail, s->slot, NULL, 0);
    }
    return rc < 0 ? KILN_ERR_INTERNAL : 0;
}

/* With both locks held: false (and the session ended) if its process went
 * away since its last cell: the memory limit, or a thread of its own that
 * exited. */
static bool still_there(kiln_session *s)
{
    if (!s->alive)
        return false;
    if (!zygote_child_gone(&s->child))
        return true;
    char why[256];
    snprintf(why, sizeof why,
             "its process ended between cells (the memory limit of %u KiB, or an exit)",
             s->limits.mem_kib);
    mark_ended(s, why);
    return false;
}

int kiln_session_execute(kiln_session *s, const struct kiln_cell *cell, struct kiln_result *res,
                         char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    pthread_mutex_lock(&s->run_lock);
    pthread_mutex_lock(&s->state_lock);
    bool there = still_there(s);
    if (there)
        s->running = true;
    else
        err_set(err, errlen, "the session has ended: %s", s->ended);
    pthread_mutex_unlock(&s->state_lock);
    int rc = KILN_ERR_GONE;
    if (there) {
        snprintf(res->language, sizeof res->language, "%s", s->def->name);
        warm_pool_version(s->pool, res->version, sizeof res->version);
        rc = run_cell(s, cell, res, err, errlen);
        if (rc < 0)
            kiln_result_free(res);
    } else {
        zygote_child_close(&s->child);
        jail_slot_clear(s->engine->jail, s->slot, NULL, 0);
    }
    pthread_mutex_unlock(&s->run_lock);
    return rc;
}

void kiln_session_info(kiln_session *s, struct kiln_session_info *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->language, sizeof out->language, "%s", s->def->name);
    warm_pool_version(s->pool, out->version, sizeof out->version);
    pthread_mutex_lock(&s->state_lock);
    out->alive = s->alive;
    out->running = s->running;
    snprintf(out->ended, sizeof out->ended, "%s", s->ended);
    out->cells = s->cells;
    out->cpu_ms = s->cpu_ms;
    out->peak_mem_kib = s->peak_mem_kib;
    out->limits = s->limits;
    pthread_mutex_unlock(&s->state_lock);
    if (out->alive)
        out->mem_kib = jail_slot_mem_kib(s->engine->jail, s->slot);
}

void kiln_session_kill(kiln_session *s, const char *why)
{
    pthread_mutex_lock(&s->state_lock);
    bool was_alive = s->alive;
    mark_ended(s, why ? why : "killed");
    s->killed = s->killed || was_alive;
    pthread_mutex_unlock(&s->state_lock);
    /* The slot is the session's until close: no other run can be in it. */
    if (was_alive)
        jail_slot_clear(s->engine->jail, s->slot, NULL, 0);
}

void kiln_session_close(kiln_session *s, bool graceful)
{
    if (!s)
        return;
    if (!graceful)
        kiln_session_kill(s, "closed");
    pthread_mutex_lock(&s->run_lock); /* the running cell, if any, is over */
    kiln_session_kill(s, "closed");
    zygote_child_close(&s->child);
    jail_slot_clear(s->engine->jail, s->slot, NULL, 0);
    pthread_mutex_unlock(&s->run_lock);
    jail_slot_release(s->engine->jail, s->slot);
    session_free(s);
}
