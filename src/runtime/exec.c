/* exec.c — the exec runtime.
 *
 * A compiled language runs in two jails: the compile command sees the
 * sources in /box and its /box comes back (collect); the run command then
 * sees those files in a fresh /box. Nothing but the files crosses from one
 * stage to the next: no process, no /tmp, no environment.
 */
#define _GNU_SOURCE
#include "exec.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/result.h"
#include "util/argv.h"
#include "util/err.h"

static const char *const BASE_ENV[] = { JAIL_BASE_ENV };
#define BASE_ENV_COUNT (sizeof BASE_ENV / sizeof *BASE_ENV)

bool exec_available(const struct lang_def *lang, const char **missing)
{
    char path[PATH_MAX];
    char *const *cmds[] = { lang->compile_argv, lang->run_argv, lang->version_argv };
    for (size_t i = 0; i < 3; i++) {
        const char *prog = cmds[i] && cmds[i][0] ? cmds[i][0] : NULL;
        /* Relative commands (./main) are built by the compile step. */
        if (prog && !strchr(prog, '/') && jail_resolve_command(prog, path, sizeof path) < 0) {
            *missing = prog;
            return false;
        }
    }
    *missing = NULL;
    return true;
}

/* Replaces every {source} in word with source. */
static char *expand_word(const char *word, const char *source)
{
    static const char key[] = "{source}";
    size_t n = 0, kl = sizeof key - 1, sl = strlen(source);
    for (const char *p = strstr(word, key); p; p = strstr(p + kl, key))
        n++;
    char *out = malloc(strlen(word) + n * sl + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = word;;) {
        const char *hit = strstr(p, key);
        size_t len = hit ? (size_t)(hit - p) : strlen(p);
        memcpy(o, p, len);
        o += len;
        if (!hit)
            break;
        memcpy(o, source, sl);
        o += sl;
        p = hit + kl;
    }
    *o = '\0';
    return out;
}

/* The command with {source} expanded, argv[0] resolved on the jail's PATH,
 * and the request's arguments appended. */
static char **build_argv(char *const *cmd, const char *source, const char *const *args,
                         size_t nargs, char *err, size_t errlen)
{
    size_t n = argv_count(cmd);
    char **argv = calloc(n + nargs + 1, sizeof *argv);
    if (!argv) {
        err_set(err, errlen, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!(argv[i] = expand_word(cmd[i], source)))
            goto oom;
    for (size_t i = 0; i < nargs; i++)
        if (!(argv[n + i] = strdup(args[i])))
            goto oom;
    char path[PATH_MAX];
    if (jail_resolve_command(argv[0], path, sizeof path) < 0) {
        err_set(err, errlen, "command '%s' not found in the jail", argv[0]);
        argv_free(argv);
        return NULL;
    }
    free(argv[0]);
    if (!(argv[0] = strdup(path)))
        goto oom;
    return argv;
oom:
    argv_free(argv);
    err_set(err, errlen, "out of memory");
    return NULL;
}

static char **build_env(const struct lang_def *lang)
{
    size_t extra = lang->env ? argv_count(lang->env) : 0;
    char **env = calloc(BASE_ENV_COUNT + extra + 1, sizeof *env);
    if (!env)
        return NULL;
    for (size_t i = 0; i < BASE_ENV_COUNT; i++)
        if (!(env[i] = strdup(BASE_ENV[i])))
            goto oom;
    for (size_t i = 0; i < extra; i++)
        if (!(env[BASE_ENV_COUNT + i] = strdup(lang->env[i])))
            goto oom;
    return env;
oom:
    argv_free(env);
    return NULL;
}

struct stage_args {
    const char *stage; /* "compile" or "run", for events */
    int case_index;    /* -1 without cases */
    char *const *cmd;
    const struct jail_file *files;
    size_t nfiles;
    const char *stdin_data;
    size_t stdin_len;
    int stdin_fd; /* > 0: instead of stdin_data */
    const char *const *args;
    size_t nargs;
    const struct kiln_limits *limits;
    bool collect;
};

static int run_stage(struct jail *jail, unsigned slot, const struct exec_job *job,
                     const struct stage_args *a, struct jail_outcome *o, char *err, size_t errlen)
{
    const char *source = job->req->files[0].name;
    char **argv = build_argv(a->cmd, source, a->args, a->nargs, err, errlen);
    char **env = build_env(job->lang);
    int rc = -1;
    const struct jail_events events = { .fn = job->req->on_event, .arg = job->req->event_arg,
                                        .stage = a->stage, .case_index = a->case_index };
    if (argv && env) {
        struct jail_spec spec = {
            .argv = argv, .envp = env, .files = a->files, .nfiles = a->nfiles,
            .stdin_data = a->stdin_data, .stdin_len = a->stdin_len, .limits = *a->limits,
            .stdin_fd = a->stdin_fd, .collect = a->collect, .hangup_fd = job->req->hangup_fd,
            .signal_fd = job->req->signal_fd,
            .events = job->req->on_event ? &events : NULL,
        };
        rc = jail_run(jail, slot, &spec, o, err, errlen);
    } else if (argv)
        err_set(err, errlen, "out of memory");
    argv_free(argv);
    argv_free(env);
    return rc;
}

static int compile_stage(struct jail *jail, unsigned slot, const struct exec_job *job,
                         const struct jail_file *src, struct kiln_result *res,
                         struct jail_outcome *co, char *err, size_t errlen)
{
    struct stage_args a = {
        .stage = "compile", .case_index = -1,
        .cmd = job->lang->compile_argv, .files = src, .nfiles = job->req->nfiles,
        .limits = &job->compile_limits, .collect = true,
    };
    if (run_stage(jail, slot, job, &a, co, err, errlen) < 0)
        return -1;
    res->compiled = true;
    result_stage_from_outcome(&res->compile, co); /* takes the output, leaves co->files */
    if (co->status == KILN_RE || co->status == KILN_SG)
        res->status = KILN_CE;
    else if (co->status != KILN_OK)
        res->status = co->status;
    return 0;
}

/* What the run stage starts from: the sources, or the /box the compile
 * stage left, compiled now or found in the cache. */
struct artifacts {
    const struct jail_file *files;
    size_t nfiles;
    struct jail_file *cached; /* owned copies from the cache */
    struct jail_outcome co;   /* of the compile stage, when it ran */
};

/* 0: ready to run (or a failed compilation, with res->status saying so);
 * -1: the jail could not run the compiler. */
static int prepare(struct jail *jail, unsigned slot, const struct exec_job *job,
                   const struct jail_file *src, struct artifacts *art, struct kiln_result *res,
                   char *err, size_t errlen)
{
    art->files = src;
    art->nfiles = job->req->nfiles;
    if (!job->lang->compile_argv)
        return 0;
    struct artifact_key key = { 0 };
    bool keyed = job->cache && artifact_key_build(&key, job->lang, job->req,
                                                  &job->compile_limits) == 0;
    if (keyed && artifact_cache_get(job->cache, &key, &art->cached, &art->nfiles,
                                    &res->compile) == 0) {
        free(key.bytes);
        res->compiled = res->cached = true;
        art->files = art->cached;
        return 0;
    }
    int rc = compile_stage(jail, slot, job, src, res, &art->co, err, errlen);
    if (rc == 0 && res->status == KILN_OK) {
        art->files = art->co.files;
        art->nfiles = art->co.nfiles;
        if (keyed)
            artifact_cache_put(job->cache, &key, art->files, art->nfiles, &res->compile);
    }
    free(key.bytes);
    return rc;
}

static int run_once(struct jail *jail, unsigned slot, const struct exec_job *job,
                    const struct artifacts *art, int case_index, const char *in, size_t in_len,
                    struct kiln_stage *st, char *err, size_t errlen)
{
    struct stage_args a = {
        .stage = "run", .case_index = case_index,
        .cmd = job->lang->run_argv, .files = art->files, .nfiles = art->nfiles,
        .stdin_data = in, .stdin_len = in_len, .stdin_fd = job->req->stdin_fd,
        .args = job->req->args, .nargs = job->req->nargs, .limits = &job->run_limits,
    };
    struct jail_outcome ro = { 0 };
    if (run_stage(jail, slot, job, &a, &ro, err, errlen) < 0)
        return -1;
    result_stage_from_outcome(st, &ro);
    jail_outcome_free(&ro);
    return 0;
}

/* One fresh jail per case; the result's status is the deciding case's
 * (kiln_result_deciding_run). */
static int run_cases(struct jail *jail, unsigned slot, const struct exec_job *job,
                     const struct artifacts *art, struct kiln_result *res, char *err,
                     size_t errlen)
{
    const struct kiln_request *req = job->req;
    if (!(res->cases = calloc(req->ncases, sizeof *res->cases)))
        return err_set(err, errlen, "out of memory");
    for (size_t i = 0; i < req->ncases; i++) {
        if (run_once(jail, slot, job, art, (int)i, req->cases[i].stdin_data,
                     req->cases[i].stdin_len,
                     &res->cases[i], err, errlen) < 0)
            return -1;
        res->ncases++;
    }
    res->status = kiln_result_deciding_run(res)->status;
    return 0;
}

int exec_execute(struct jail *jail, unsigned slot, const struct exec_job *job,
                 struct kiln_result *res, char *err, size_t errlen)
{
    const struct kiln_request *req = job->req;
    struct jail_file *src = result_request_files(req);
    struct artifacts art = { 0 };
    if (!src)
        return err_set(err, errlen, "out of memory");
    res->status = KILN_OK;
    int rc = prepare(jail, slot, job, src, &art, res, err, errlen);
    if (rc == 0 && res->status == KILN_OK) {
        if (req->ncases)
            rc = run_cases(jail, slot, job, &art, res, err, errlen);
        else if ((rc = run_once(jail, slot, job, &art, -1, req->stdin_data, req->stdin_len,
                                &res->run, err, errlen)) == 0)
            res->status = res->run.status;
    }
    jail_outcome_free(&art.co);
    jail_files_free(art.cached, art.nfiles);
    free(src);
    return rc;
}

/* The first run of digits and dots holding a dot: "v20.1.0" -> "20.1.0". */
static void pick_version(const char *line, char *buf, size_t buflen)
{
    for (const char *p = line; *p; p++) {
        if (!isdigit((unsigned char)*p) || (p > line && isdigit((unsigned char)p[-1])))
            continue;
        size_t n = strspn(p, "0123456789.");
        while (n && p[n - 1] == '.')
            n--;
        if (memchr(p, '.', n)) {
            snprintf(buf, buflen, "%.*s", (int)n, p);
            return;
        }
    }
    snprintf(buf, buflen, "%s", line);
}

int exec_version(struct jail *jail, unsigned slot, const struct lang_def *lang, char *buf,
                 size_t buflen, char *err, size_t errlen)
{
    static const struct kiln_limits limits = {
        .cpu_ms = 10000, .wall_ms = 20000, .mem_kib = 1 << 20, .procs = 128, .output_kib = 64,
        /* The BEAM's JIT sizes a memfd with ftruncate, which RLIMIT_FSIZE
         * bounds: 1 MiB would kill `elixir --version` with SIGXFSZ. */
        .fsize_kib = 64 << 10, .disk_kib = 1024, .nofile = 256,
    };
    const struct kiln_file none = { .name = lang->source, .data = "", .len = 0 };
    const struct kiln_request req = { .language = lang->name, .files = &none, .nfiles = 1 };
    const struct exec_job job = { .lang = lang, .req = &req };
    struct stage_args a = { .stage = "run", .case_index = -1, .cmd = lang->version_argv,
                            .limits = &limits };
    struct jail_outcome o;
    if (run_stage(jail, slot, &job, &a, &o, err, errlen) < 0)
        return -1;
    const char *text = o.out.len ? o.out.data : o.err.data ? o.err.data : "";
    size_t line = strcspn(text, "\r\n");
    char first[256];
    snprintf(first, sizeof first, "%.*s", (int)line, text);
    int rc = 0;
    if (o.status != KILN_OK || !*first)
        rc = err_set(err, errlen, "version command of %s: %s%s", lang->name,
                     kiln_status_name(o.status), *o.message ? o.message : " (no output)");
    else
        pick_version(first, buf, buflen);
    jail_outcome_free(&o);
    return rc;
}
