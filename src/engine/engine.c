/* engine.c — the engine object: configuration, jail, languages, and the
 * synchronous execute path shared by the CLI and the server. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/artifact_cache.h"
#include "engine/engine_impl.h"
#include "engine/lang.h"
#include "engine/warm_pool.h"
#include "jail/jail.h"
#include "kiln.h"
#include "runtime/exec.h"
#include "runtime/js.h"
#include "runtime/python.h"
#include "util/err.h"

#ifndef KILN_LANGUAGES_DIR
#define KILN_LANGUAGES_DIR "/usr/local/share/kiln/languages"
#endif


/* The warm runtimes built into this kiln, by the name a definition's
 * `runtime` key gives. */
static const struct zygote_runtime *warm_runtime(const char *name)
{
    static const struct zygote_runtime *const built_in[] = {
        &python_runtime, &javascript_runtime, &typescript_runtime,
    };
    for (size_t i = 0; i < sizeof built_in / sizeof built_in[0]; i++)
        if (!strcmp(name, built_in[i]->name))
            return built_in[i];
    return NULL;
}


void kiln_config_init(struct kiln_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->languages_dir = KILN_LANGUAGES_DIR;
    cfg->slots = 2;
    /* Four slots, two children kept ready when idle. A client sending one
     * request after another alternates between slots (one runs while the
     * other's child is forked), so with one kept ready every first request
     * after a quiet spell would fork on its own path. Under load a used
     * slot waits for its child's exit and the next fork (~3-5 ms for V8), so
     * two slots starved even one client sending back to back: make
     * bench-http measured javascript at c=20 286 -> 381 req/s and sequential
     * p50 3.7 -> 2.7 ms, python 437 -> 563 req/s, going from 2 to 4 (6 gave
     * no more). An idle child costs about 1 MiB (PSS, `kiln bench`); slots
     * beyond warm_min are filled only under demand. */
    cfg->warm_slots = 4;
    cfg->warm_min = 2;
    cfg->warm_idle_ms = 30000;
    cfg->queue_max = 64;
    cfg->queue_wait_ms = 10000;
    /* Each live session holds a slot (a uid, a cgroup, a network namespace)
     * and a process of about 10 MiB: eight fit anywhere. */
    cfg->session_slots = 8;
    /* 128 MiB: a few thousand compiled C programs, or hundreds of Go ones. */
    cfg->artifact_cache_kib = 128 << 10;
    cfg->uid_base = 62000;
    cfg->cgroup_name = "kiln";
    cfg->run_defaults = (struct kiln_limits){
        .cpu_ms = 5000, .wall_ms = 10000, .mem_kib = 256 << 10, .procs = 64,
        .output_kib = 1024, .fsize_kib = 64 << 10, .disk_kib = 64 << 10, .nofile = 256,
    };
    cfg->run_maxima = (struct kiln_limits){
        .cpu_ms = 60000, .wall_ms = 120000, .mem_kib = 4 << 20, .procs = 1024,
        .output_kib = 64 << 10, .fsize_kib = 1 << 20, .disk_kib = 1 << 20, .nofile = 4096,
    };
    cfg->compile_defaults = (struct kiln_limits){
        .cpu_ms = 15000, .wall_ms = 30000, .mem_kib = 1 << 20, .procs = 64,
        .output_kib = 1024, .fsize_kib = 256 << 10, .disk_kib = 256 << 10, .nofile = 256,
    };
    cfg->compile_maxima = (struct kiln_limits){
        .cpu_ms = 120000, .wall_ms = 240000, .mem_kib = 4 << 20, .procs = 1024,
        .output_kib = 64 << 10, .fsize_kib = 1 << 20, .disk_kib = 1 << 20, .nofile = 4096,
    };
}


/* Which definitions can run here; returns how many are warm. */
static unsigned mark_available(kiln_engine *e)
{
    unsigned nwarm = 0;
    for (size_t i = 0; i < lang_registry_count(e->langs); i++) {
        const struct lang_def *d = lang_registry_at(e->langs, i);
        struct lang_state *st = &e->lang_state[i];
        const struct zygote_runtime *rt = warm_runtime(d->runtime);
        if (!strcmp(d->runtime, "exec"))
            exec_available(d, &st->missing);
        else if (!rt)
            st->missing = "its warm runtime (not built into this kiln)";
        else if (rt->missing)
            st->missing = rt->missing();
        nwarm += rt && !st->missing;
    }
    return nwarm;
}

/* Warm pools take the slots after the exec slots, warm_slots each. Their
 * children are born with the language's default limits. */
static int create_pools(kiln_engine *e, char *err, size_t errlen)
{
    unsigned next = e->cfg.slots;
    const struct warm_pool_sizing sizing = {
        .min = e->cfg.warm_min, .idle_ms = e->cfg.warm_idle_ms,
        .queue_max = e->cfg.queue_max, .queue_wait_ms = e->cfg.queue_wait_ms,
    };
    for (size_t i = 0; i < lang_registry_count(e->langs); i++) {
        const struct lang_def *d = lang_registry_at(e->langs, i);
        const struct zygote_runtime *rt = warm_runtime(d->runtime);
        if (!rt || e->lang_state[i].missing)
            continue;
        struct kiln_limits l = { 0 };
        if (engine_resolve_limits(&l, &l, &e->cfg.run_defaults, &d->run_limits, &e->cfg.run_maxima,
                           d->name, err, errlen) < 0)
            return -1;
        e->lang_state[i].pool = warm_pool_create(e->cfg.zygote_exe, e->jail, rt, next,
                                                 e->cfg.warm_slots, &l, &sizing);
        if (!e->lang_state[i].pool)
            return err_set(err, errlen, "out of memory");
        next += e->cfg.warm_slots;
    }
    return 0;
}

kiln_engine *kiln_engine_create(const struct kiln_config *cfg, char *err, size_t errlen)
{
    kiln_engine *e = calloc(1, sizeof *e);
    if (!e) {
        err_set(err, errlen, "out of memory");
        return NULL;
    }
    e->cfg = *cfg;
    pthread_mutex_init(&e->lock, NULL);
    e->langs = lang_registry_load(cfg->languages_dir, err, errlen);
    if (!e->langs)
        goto fail;
    size_t n = lang_registry_count(e->langs);
    e->lang_state = calloc(n ? n : 1, sizeof *e->lang_state);
    if (!e->lang_state) {
        err_set(err, errlen, "out of memory");
        goto fail;
    }
    e->artifacts = artifact_cache_create((size_t)cfg->artifact_cache_kib << 10);
    if (!e->artifacts) {
        err_set(err, errlen, "out of memory");
        goto fail;
    }
    unsigned nwarm = mark_available(e);
    e->session_lo = cfg->slots + nwarm * cfg->warm_slots;
    struct jail_config jc = { .slots = e->session_lo + cfg->session_slots,
                              .uid_base = cfg->uid_base, .cgroup_name = cfg->cgroup_name };
    e->jail = jail_create(&jc, err, errlen);
    if (!e->jail || create_pools(e, err, errlen) < 0)
        goto fail;
    return e;
fail:
    kiln_engine_destroy(e);
    return NULL;
}

void kiln_engine_destroy(kiln_engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; e->lang_state && i < lang_registry_count(e->langs); i++)
        warm_pool_destroy(e->lang_state[i].pool);
    jail_destroy(e->jail);
    lang_registry_free(e->langs);
    free(e->lang_state);
    artifact_cache_destroy(e->artifacts);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

static size_t lang_index(const kiln_engine *e, const struct lang_def *def)
{
    for (size_t i = 0; i < lang_registry_count(e->langs); i++)
        if (lang_registry_at(e->langs, i) == def)
            return i;
    return 0;
}

struct lang_state *engine_lang_state(kiln_engine *e, const struct lang_def *def)
{
    return &e->lang_state[lang_index(e, def)];
}

/* Engine defaults, then the language's overrides within the maxima, then
 * the request's values, each checked against the maxima. */
int engine_resolve_limits(struct kiln_limits *dst, const struct kiln_limits *requested,
                          const struct kiln_limits *defaults, const struct kiln_limits *lang,
                          const struct kiln_limits *maxima, const char *stage, char *err,
                          size_t errlen)
{
    struct kiln_limits d = *defaults;
    for (size_t i = 0; i < kiln_limit_field_count; i++) {
        size_t off = kiln_limit_fields[i].offset;
        uint32_t over = *(const uint32_t *)((const char *)lang + off);
        uint32_t max = *(const uint32_t *)((const char *)maxima + off);
        if (over)
            *(uint32_t *)((char *)&d + off) = over < max ? over : max;
    }
    *dst = *requested;
    if (kiln_limits_resolve(dst, &d, maxima, err, errlen) < 0)
        return err_prefix(err, errlen, stage);
    return 0;
}

static int validate_files(const struct kiln_request *req, char *err, size_t errlen)
{
    if (req->nfiles == 0 || !req->files)
        return err_set(err, errlen, "no files to run");
    for (size_t i = 0; i < req->nfiles; i++) {
        if (!box_path_valid(req->files[i].name))
            return err_set(err, errlen, "invalid file name '%s': relative paths only, no '..'",
                           req->files[i].name ? req->files[i].name : "(null)");
        if (!req->files[i].data && req->files[i].len)
            return err_set(err, errlen, "file '%s' has no data", req->files[i].name);
        for (size_t k = 0; k < i; k++)
            if (!strcmp(req->files[k].name, req->files[i].name))
                return err_set(err, errlen, "file '%s' given twice", req->files[i].name);
    }
    if (strchr(req->files[0].name, '/'))
        return err_set(err, errlen, "the entry file '%s' must be at the top level",
                       req->files[0].name);
    if (req->ncases > KILN_CASES_MAX)
        return err_set(err, errlen, "%zu cases: at most %d", req->ncases, KILN_CASES_MAX);
    if (req->ncases && !req->cases)
        return err_set(err, errlen, "ncases is %zu but there are no cases", req->ncases);
    for (size_t i = 0; i < req->ncases; i++)
        if (!req->cases[i].stdin_data && req->cases[i].stdin_len)
            return err_set(err, errlen, "case %zu has no stdin data", i);
    if (req->stdin_fd > 0 && (req->ncases || req->mode != KILN_MODE_SCRIPT))
        return err_set(err, errlen, "an interactive stdin (stdin_fd) is for one script run: "
                       "not with cases or interpret mode");
    return 0;
}

/* A warm language's cases: one fresh child per case, as many requests. */
static int warm_cases(struct warm_pool *pool, const struct kiln_request *req,
                      const struct kiln_limits *limits, struct kiln_result *res, char *err,
                      size_t errlen)
{
    if (!(res->cases = calloc(req->ncases, sizeof *res->cases))) {
        err_set(err, errlen, "out of memory");
        return KILN_ERR_INTERNAL;
    }
    for (size_t i = 0; i < req->ncases; i++) {
        struct kiln_request one = *req;
        one.stdin_data = req->cases[i].stdin_data;
        one.stdin_len = req->cases[i].stdin_len;
        one.cases = NULL;
        one.ncases = 0;
        struct kiln_result r;
        memset(&r, 0, sizeof r);
        int rc = warm_pool_execute(pool, &one, (int)i, limits, &r, err, errlen);
        if (rc < 0)
            return rc;
        res->cases[res->ncases++] = r.run;
        r.run = (struct kiln_stage){ 0 };
        if (!res->version[0])
            snprintf(res->version, sizeof res->version, "%s", r.version);
        kiln_result_free(&r);
    }
    res->status = kiln_result_deciding_run(res)->status;
    return 0;
}

/* Interpret mode is the warm runtimes' (the REPL-like evaluation is theirs). */
static int check_mode(const struct kiln_request *req, const struct lang_def *def,
                      const struct lang_state *st, char *err, size_t errlen)
{
    if (req->mode == KILN_MODE_SCRIPT)
        return 0;
    if (req->mode != KILN_MODE_INTERPRET)
        return err_set(err, errlen, "unknown mode %d", (int)req->mode);
    if (!st->pool)
        return err_set(err, errlen,
                       "interpret mode needs a warm runtime (javascript, typescript, python);"
                       " '%s' runs only as a script", def->name);
    return 0;
}

const struct lang_def *engine_find_language(kiln_engine *e, const char *name, char *err,
                                            size_t errlen)
{
    const struct lang_def *def = name ? lang_registry_find(e->langs, name) : NULL;
    if (!def) {
        err_set(err, errlen, "unknown language '%s'", name ? name : "(none)");
        return NULL;
    }
    const char *missing = e->lang_state[lang_index(e, def)].missing;
    if (missing) {
        err_set(err, errlen, "language '%s' is not available: '%s' is not installed", def->name,
                missing);
        return NULL;
    }
    return def;
}

int kiln_execute(kiln_engine *e, const struct kiln_request *req, struct kiln_result *res,
                 char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    const struct lang_def *def = engine_find_language(e, req->language, err, errlen);
    if (!def || validate_files(req, err, errlen) < 0)
        return KILN_ERR_INVALID;
    struct exec_job job = { .lang = def, .req = req, .cache = e->artifacts };
    if (engine_resolve_limits(&job.run_limits, &req->run_limits, &e->cfg.run_defaults,
                       &def->run_limits, &e->cfg.run_maxima, "run", err, errlen) < 0 ||
        engine_resolve_limits(&job.compile_limits, &req->compile_limits, &e->cfg.compile_defaults,
                       &def->compile_limits, &e->cfg.compile_maxima, "compile", err, errlen) < 0)
        return KILN_ERR_INVALID;
    snprintf(res->language, sizeof res->language, "%s", def->name);
    struct lang_state *st = &e->lang_state[lang_index(e, def)];
    if (check_mode(req, def, st, err, errlen) < 0)
        return KILN_ERR_INVALID;
    pthread_mutex_lock(&e->lock);
    snprintf(res->version, sizeof res->version, "%s", st->version);
    pthread_mutex_unlock(&e->lock);
    if (st->pool) {
        /* Nothing of the engine is touched after the pool returns: a
         * kiln_engine_destroy may be draining it. */
        int rc = req->ncases ? warm_cases(st->pool, req, &job.run_limits, res, err, errlen)
                             : warm_pool_execute(st->pool, req, -1, &job.run_limits, res, err,
                                                 errlen);
        if (rc < 0)
            kiln_result_free(res);
        return rc;
    }
    unsigned slot = jail_slot_acquire(e->jail, 0, e->cfg.slots);
    int rc = exec_execute(e->jail, slot, &job, res, err, errlen);
    jail_slot_release(e->jail, slot);
    if (rc < 0) {
        kiln_result_free(res);
        return KILN_ERR_INTERNAL; /* the request was valid: the jail failed to run it */
    }
    return 0;
}

size_t kiln_language_count(const kiln_engine *e)
{
    return lang_registry_count(e->langs);
}

int kiln_language_lookup(const kiln_engine *e, const char *name, struct kiln_language_info *out)
{
    const struct lang_def *d = lang_registry_find(e->langs, name);
    return d ? kiln_language_get(e, lang_index(e, d), out) : -1;
}

int kiln_language_for_file(const kiln_engine *e, const char *filename,
                           struct kiln_language_info *out)
{
    const struct lang_def *d = lang_registry_find_by_file(e->langs, filename);
    return d ? kiln_language_get(e, lang_index(e, d), out) : -1;
}

void kiln_cache_stats(kiln_engine *e, struct kiln_cache_stats *out)
{
    artifact_cache_stats(e->artifacts, out);
}

void kiln_engine_report(const kiln_engine *e, struct kiln_host_report *out)
{
    struct jail_report r;
    jail_report(e->jail, &r);
    *out = (struct kiln_host_report){
        .cgroup_version = r.cgroup_version, .cg_memory = r.cg_memory, .cg_pids = r.cg_pids,
        .cg_cpu = r.cg_cpu, .seccomp_rules = r.seccomp_rules, .slots = r.slots,
        .uid_base = r.uid_base,
    };
}

int kiln_language_get(const kiln_engine *e, size_t index, struct kiln_language_info *out)
{
    if (index >= lang_registry_count(e->langs))
        return -1;
    const struct lang_def *d = lang_registry_at(e->langs, index);
    out->name = d->name;
    out->display = d->display;
    out->aliases = d->aliases;
    out->source = d->source;
    out->packages = d->packages;
    out->compiled = d->compile_argv != NULL;
    out->missing = e->lang_state[index].missing;
    out->available = out->missing == NULL;
    return 0;
}

int kiln_language_version(kiln_engine *e, const char *language, char *buf, size_t buflen,
                          char *err, size_t errlen)
{
    const struct lang_def *def = engine_find_language(e, language, err, errlen);
    if (!def)
        return -1;
    struct lang_state *st = &e->lang_state[lang_index(e, def)];
    pthread_mutex_lock(&e->lock);
    int cached = st->version[0] != '\0';
    if (cached)
        snprintf(buf, buflen, "%s", st->version);
    pthread_mutex_unlock(&e->lock);
    if (cached)
        return 0;
    int rc;
    if (st->pool) {
        /* A warm runtime knows its own version once its zygote runs. */
        rc = warm_pool_warm(st->pool, err, errlen);
        warm_pool_version(st->pool, buf, buflen);
    } else {
        unsigned slot = jail_slot_acquire(e->jail, 0, e->cfg.slots);
        rc = exec_version(e->jail, slot, def, buf, buflen, err, errlen);
        jail_slot_release(e->jail, slot);
    }
    if (rc == 0) {
        pthread_mutex_lock(&e->lock);
        snprintf(st->version, sizeof st->version, "%s", buf);
        pthread_mutex_unlock(&e->lock);
    }
    return rc;
}

int kiln_pool_stats(kiln_engine *e, const char *language, struct kiln_pool_stats *out)
{
    const struct lang_def *def = lang_registry_find(e->langs, language);
    struct warm_pool *p = def ? e->lang_state[lang_index(e, def)].pool : NULL;
    if (!p)
        return -1;
    warm_pool_stats(p, out);
    return 0;
}

int kiln_engine_warm(kiln_engine *e, char *err, size_t errlen)
{
    for (size_t i = 0; i < lang_registry_count(e->langs); i++)
        if (e->lang_state[i].pool && warm_pool_warm(e->lang_state[i].pool, err, errlen) < 0)
            return err_prefix(err, errlen, lang_registry_at(e->langs, i)->name);
    return 0;
}

int kiln_zygote_main(int argc, char **argv)
{
    return zygote_exec_main(argc > 1 ? warm_runtime(argv[1]) : NULL, argc, argv);
}
