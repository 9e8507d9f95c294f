/* server.c — `kiln serve`: the lifecycle of the HTTP service.
 *
 * Theory of operation.
 *
 * Threads
 *   main     reads the configuration, creates everything below, then waits
 *            on a signalfd for SIGTERM or SIGINT; then drains and destroys.
 *   HTTP     libmicrohttpd's internal polling thread (epoll): every
 *            callback of handler.c but the jobs. It never waits on a run.
 *   workers  threads of workers.c, each running one kiln_execute at a
 *            time: as many as the engine runs at once (cfg.slots exec slots
 *            plus warm_slots per warm language), so that no language's
 *            capacity idles; a worker may still wait inside the engine for
 *            a slot of its language while another language's are free (at
 *            most queue_max per warm pool, each queue_wait_ms: then 503).
 *
 * A POST, step by step (handler.c): the HTTP thread admits it on its
 * headers (or answers 4xx/503 with nothing allocated), reads the body,
 * parses it (json_req.c), suspends the connection and pushes the request
 * to the queue. A worker runs it, renders the reply into the request,
 * marks it done and resumes the connection. The HTTP thread is called
 * again, queues the reply, and the completion callback frees the request.
 *
 * Ownership. The server object owns the engine, workers, metrics, access
 * table, language table and OpenAPI text. All exist before the daemon
 * starts and are destroyed after it has stopped and the workers are
 * joined, so no thread ever sees one half-made. A request belongs to the
 * HTTP thread while it is read, to the queue and then one worker while it
 * is queued (its connection suspended: libmicrohttpd neither calls back
 * nor closes a suspended connection), and to the HTTP thread again once
 * done. server.lock guards that hand-over (phase) and the counters
 * inflight, suspended and draining.
 *
 * Which thread touches what. Configuration, language table and OpenAPI
 * text: read-only after startup, any thread. Metrics, workers and access
 * table: their own mutexes. The engine: workers only (and main, before
 * the daemon starts, for the language versions). libmicrohttpd: the HTTP
 * thread, except MHD_resume_connection (workers, as the library allows)
 * and MHD_quiesce_daemon and MHD_stop_daemon (main).
 *
 * Shutdown. SIGTERM and SIGINT (and SIGPIPE, see cmd_serve) are blocked
 * before any thread exists, so every thread inherits the mask (the jail's
 * keeper and the warm zygote reset their own before a program runs), and
 * main reads them from a signalfd: no work in a signal handler and no
 * static state. main stops accepting connections, answers new execute
 * requests on open ones with 503 (health too, saying "draining"), waits
 * up to drain_ms for the requests in flight, answers those still queued
 * with 503, waits for the running ones (each bounded by its wall-time
 * limit: the engine cannot cancel a run), stops the daemon, joins the
 * workers and destroys the engine, which removes its cgroups. Exit 0.
 */
#define _GNU_SOURCE
#include "server/server.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/callback.h"
#include "server/deadline.h"
#include "server/handler.h"
#include "server/jobq.h"
#include "server/runners.h"
#include "server/sessions.h"
#include "server/openapi.h"
#include "server/srv.h"
#include "util/err.h"

#define SERVE_EXIT_FAIL 125 /* as the CLI: kiln itself failed */

/* After the last reply is resumed, time given to libmicrohttpd to write it. */
#define SERVE_FLUSH_MS 1000

int64_t srv_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void load_language(struct server *s, size_t i)
{
    struct kiln_language_info li;
    struct srv_lang *l = &s->langs[i];
    char err[256];
    kiln_language_get(s->engine, i, &li);
    snprintf(l->name, sizeof l->name, "%s", li.name);
    snprintf(l->aliases, sizeof l->aliases, "%s", li.aliases ? li.aliases : "");
    snprintf(l->source, sizeof l->source, "%s", li.source);
    struct kiln_pool_stats ps;
    l->available = li.available;
    l->compiled = li.compiled;
    l->warm = l->available && kiln_pool_stats(s->engine, l->name, &ps) == 0;
    if (!l->available) {
        fprintf(stderr, "kiln serve: %s: unavailable (%s not installed)\n", l->name,
                li.missing ? li.missing : "?");
        return;
    }
    if (kiln_language_version(s->engine, l->name, l->version, sizeof l->version, err,
                              sizeof err) < 0) {
        l->available = !l->warm; /* a warm pool that cannot start runs nothing */
        /* Still served: Piston clients may ask for version "*". */
        fprintf(stderr, "kiln serve: %s: version unknown: %s\n", l->name, err);
        snprintf(l->version, sizeof l->version, "unknown");
    }
}

/* The language table, with versions computed once (each is a jailed run,
 * or the start of a warm pool), and the number of workers: one per run
 * the engine can hold at once, exec slots plus every warm pool's. */
static int load_languages(struct server *s, char *err, size_t errlen)
{
    s->nlangs = kiln_language_count(s->engine);
    s->langs = calloc(s->nlangs ? s->nlangs : 1, sizeof *s->langs);
    if (!s->langs)
        return err_set(err, errlen, "out of memory");
    s->nworkers = s->cfg.slots;
    for (size_t i = 0; i < s->nlangs; i++) {
        load_language(s, i);
        if (s->langs[i].warm)
            s->nworkers += s->cfg.warm_slots;
        if (s->langs[i].available)
            fprintf(stderr, "kiln serve: %s %s%s\n", s->langs[i].name, s->langs[i].version,
                    s->langs[i].warm ? " (warm)" : "");
    }
    s->jctx = (struct jreq_ctx){ .langs = s->langs, .nlangs = s->nlangs,
                                 .limits = &s->cfg.engine, .max_depth = s->cfg.max_json_depth,
                                 .profiles = &s->cfg.profiles, .rules = &s->rules };
    return 0;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    (void)cls;
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && line[n - 1] == '\n')
        line[--n] = '\0';
    fprintf(stderr, "kiln serve: libmicrohttpd: %s\n", line);
}

/* Each connection is an fd, and so is much of the engine (slots' cgroup,
 * namespace and lock files, warm children's sockets and pipes): the
 * soft limit (often 1024) is raised to the hard one when max_connections
 * needs it. Runs get their own limit (the nofile limit) in the jail. */
static void raise_fd_limit(const struct server *s)
{
    const rlim_t headroom = 256;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= s->cfg.max_connections + headroom)
        return;
    rlim_t want = s->cfg.max_connections + headroom;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < want)
        fprintf(stderr, "kiln serve: open files limited to %llu: fewer than max_connections "
                        "(%u) may be served at once\n",
                (unsigned long long)rl.rlim_cur, s->cfg.max_connections);
}

static int start_daemon(struct server *s, char *err, size_t errlen)
{
    raise_fd_limit(s);
    struct sockaddr_storage addr;
    socklen_t addrlen;
    if (config_listen_addr(&s->cfg, &addr, &addrlen, err, errlen) < 0)
        return -1;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_ALLOW_UPGRADE | MHD_USE_ERROR_LOG |
                     (addr.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    /* The logger first: libmicrohttpd logs problems with later options. */
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, handler_access, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED,
        handler_completed, s, MHD_OPTION_NOTIFY_CONNECTION, deadlines_notify, s->deadlines,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->cfg.idle_timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->cfg.max_connections,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
    if (!s->daemon)
        return err_set(err, errlen, "cannot listen on %s (in use?)", s->cfg.listen);
    /* The port actually bound: with port 0 the kernel chose it, and this
     * line is how a caller (the tests) learns it. */
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    int hostlen = (int)(strrchr(s->cfg.listen, ':') - s->cfg.listen);
    fprintf(stderr, "kiln serve: listening on http://%.*s:%u (workers %u, backlog %u, runners %u, "
            "node %s, queue %s)\n", hostlen, s->cfg.listen, di ? di->port : 0, s->nworkers,
            s->cfg.backlog, s->cfg.runners ? s->cfg.runners : s->nworkers, s->node,
            jobq_kind(s->jobq));
    return 0;
}

static void server_destroy(struct server *s);

/* A callback's last try is over: its outcome is part of the submission. */
static void callback_done(void *arg, const char *token, bool delivered, unsigned attempts)
{
    struct server *s = arg;
    char err[512];
    if (jobq_callback_state(s->jobq, token, delivered ? "delivered" : "failed", attempts, err,
                            sizeof err) < 0)
        fprintf(stderr, "kiln serve: submission %s: recording its callback: %s\n", token, err);
}

/* The queue of submissions, the sender of their callbacks and the runners. */
static int start_submissions(struct server *s, char *err, size_t errlen)
{
    if (s->cfg.node_id[0])
        snprintf(s->node, sizeof s->node, "%s", s->cfg.node_id);
    else {
        char host[64] = "kiln";
        gethostname(host, sizeof host - 1);
        snprintf(s->node, sizeof s->node, "%.40s-%d", host, (int)getpid());
    }
    struct jobq_params jp = { .url = s->cfg.queue, .data_dir = s->cfg.data_dir, .node = s->node,
                              .keep_s = s->cfg.results_keep_s, .reclaim_ms = s->cfg.reclaim_ms };
    if (!(s->jobq = jobq_open(&jp, err, errlen)))
        return -1;
    struct callbacks_params cp = { .allow = s->cfg.callback_allow,
                                   .attempts = s->cfg.callback_attempts,
                                   .timeout_ms = s->cfg.callback_timeout_ms,
                                   .backoff_ms = s->cfg.callback_backoff_ms,
                                   .max_pending = 10000, .done = callback_done, .arg = s };
    if (!(s->callbacks = callbacks_create(&cp, err, errlen)))
        return err_prefix(err, errlen, "callback_allow");
    s->runners = runners_create(s, s->cfg.runners ? s->cfg.runners : s->nworkers, err, errlen);
    return s->runners ? 0 : -1;
}

static struct server *server_create(const struct srv_config *cfg, char *err, size_t errlen)
{
    struct server *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    s->cfg = *cfg;
    s->cfg.engine.languages_dir = s->cfg.languages_dir; /* it pointed into *cfg */
    s->started_ns = srv_now_ns();
    if (profile_rules_compile(&s->cfg.profiles, &s->rules, err, errlen) < 0)
        goto fail;
    size_t nroutes;
    const char *const *routes = handler_route_names(&nroutes);
    if (!(s->engine = kiln_engine_create(&s->cfg.engine, err, errlen)))
        goto fail;
    /* Warm pools start now rather than on their first request. A pool
     * that cannot start leaves its language unavailable (load_language). */
    char werr[512];
    if (kiln_engine_warm(s->engine, werr, sizeof werr) < 0)
        fprintf(stderr, "kiln serve: warm pools: %s\n", werr);
    if (load_languages(s, err, errlen) < 0)
        goto fail;
    s->access = access_create(s->cfg.keys, s->cfg.key_rate, s->cfg.key_burst,
                              s->cfg.key_concurrency, err, errlen);
    s->metrics = metrics_create(routes, nroutes, s->langs, s->nlangs);
    s->openapi = openapi_document(&s->openapi_len);
    s->deadlines = deadlines_create(s->cfg.request_timeout_s);
    if (!s->access || !s->metrics || !s->openapi || !s->deadlines) {
        if (s->access)
            err_set(err, errlen, "out of memory");
        goto fail;
    }
    s->sessions = sessions_create(s, err, errlen);
    if (!s->sessions)
        goto fail;
    s->workers = workers_create(s->nworkers, s->cfg.backlog, handler_job_run, s, err, errlen);
    if (!s->workers || start_submissions(s, err, errlen) < 0 || start_daemon(s, err, errlen) < 0)
        goto fail;
    return s;
fail:
    server_destroy(s);
    return NULL;
}

static void server_destroy(struct server *s)
{
    if (!s)
        return;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    workers_destroy(s->workers); /* after the daemon: nothing can push any more */
    runners_destroy(s->runners); /* their running jobs end; the queued ones wait in the queue */
    callbacks_destroy(s->callbacks); /* after the runners, which send them */
    jobq_close(s->jobq);             /* after the callbacks, which record their outcome */
    sessions_destroy(s->sessions); /* after the workers: no request holds one */
    deadlines_destroy(s->deadlines);
    kiln_engine_destroy(s->engine);
    metrics_destroy(s->metrics);
    access_destroy(s->access);
    free(s->openapi);
    free(s->langs);
    profile_rules_free(&s->cfg.profiles, &s->rules);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* Waits up to timeout_ms (-1: forever) for SIGTERM or SIGINT; returns the
 * signal, or 0 when the time ran out. */
static int wait_signal(int sfd, int timeout_ms)
{
    struct pollfd p = { .fd = sfd, .events = POLLIN };
    int n = poll(&p, 1, timeout_ms);
    if (n <= 0)
        return 0;
    struct signalfd_siginfo si;
    if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si)
        return 0;
    return (int)si.ssi_signo;
}

static unsigned counter(struct server *s, const unsigned *c)
{
    pthread_mutex_lock(&s->lock);
    unsigned v = *c;
    pthread_mutex_unlock(&s->lock);
    return v;
}

/* Waits while *c > 0, until deadline_ns (0: none) or, when sfd >= 0, a
 * signal. Returns the count left. */
static unsigned wait_zero(struct server *s, const unsigned *c, int64_t deadline_ns, int sfd)
{
    unsigned left;
    while ((left = counter(s, c)) > 0 && (!deadline_ns || srv_now_ns() < deadline_ns)) {
        if (sfd >= 0 && wait_signal(sfd, 20)) {
            fprintf(stderr, "kiln serve: second signal: not waiting for requests any longer\n");
            break;
        }
        if (sfd < 0)
            poll(NULL, 0, 20);
    }
    return left;
}

/* See "Shutdown" above. Returns the listening socket to close after the
 * daemon has stopped. */
static MHD_socket server_drain(struct server *s, int sfd)
{
    MHD_socket listen_fd = MHD_quiesce_daemon(s->daemon);
    /* Quiesced, the socket still queues connections nobody will accept:
     * shut down, it refuses them at once. It is closed after the daemon
     * stops, as libmicrohttpd asks. */
    if (listen_fd != MHD_INVALID_SOCKET)
        shutdown(listen_fd, SHUT_RDWR);
    pthread_mutex_lock(&s->lock);
    s->draining = true;
    unsigned inflight = s->inflight;
    pthread_mutex_unlock(&s->lock);
    fprintf(stderr, "kiln serve: stopping: %u requests in flight, waiting up to %u ms\n",
            inflight, s->cfg.drain_ms);
    int64_t deadline = srv_now_ns() + (int64_t)s->cfg.drain_ms * 1000000;
    if (wait_zero(s, &s->inflight, deadline, sfd) > 0) {
        size_t n = workers_cancel_queued(s->workers, handler_job_cancel);
        fprintf(stderr, "kiln serve: deadline: %zu queued requests answered 503; waiting for "
                "the running ones\n", n);
    }
    wait_zero(s, &s->suspended, 0, -1); /* runs end at their wall-time limits */
    wait_zero(s, &s->websockets, 0, -1); /* as do theirs; then each closes */
    wait_zero(s, &s->inflight, srv_now_ns() + (int64_t)SERVE_FLUSH_MS * 1000000, -1);
    return listen_fd;
}

int cmd_serve(int argc, char **argv)
{
    char err[1024];
    struct srv_config *cfg = malloc(sizeof *cfg); /* ~9 KiB: not on the stack */
    int rc = cfg ? config_load(cfg, argc, argv, err, sizeof err) : err_set(err, sizeof err,
                                                                           "out of memory");
    if (rc != 0) {
        if (rc < 0)
            fprintf(stderr, "kiln serve: %s\n", err);
        free(cfg);
        return rc > 0 ? 0 : SERVE_EXIT_FAIL;
    }
    sigset_t stop, blocked;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    /* SIGPIPE too: a client gone mid-reply, or a log reader gone (stderr a
     * broken pipe), must be an EPIPE return, not the death of the server
     * before it cleans up. Blocked rather than ignored: an ignored signal
     * stays ignored across exec into the warm zygote; a blocked mask is
     * reset by the zygote and the keeper, and pending signals are not
     * inherited by fork. */
    blocked = stop;
    sigaddset(&blocked, SIGPIPE);
    /* Before any thread exists, so that every thread inherits the mask. */
    pthread_sigmask(SIG_BLOCK, &blocked, NULL);
    int sfd = signalfd(-1, &stop, SFD_CLOEXEC);
    struct server *s = sfd < 0 ? NULL : server_create(cfg, err, sizeof err);
    if (sfd < 0)
        err_set(err, sizeof err, "signalfd: %s", strerror(errno));
    free(cfg); /* the server keeps its own copy */
    if (!s) {
        fprintf(stderr, "kiln serve: %s\n", err);
        if (sfd >= 0)
            close(sfd);
        return SERVE_EXIT_FAIL;
    }
    int sig;
    while ((sig = wait_signal(sfd, 1000)) == 0) {
        unsigned late = deadlines_sweep(s->deadlines);
        if (late)
            fprintf(stderr, "kiln serve: closed %u connections slower than request_timeout_s "
                    "(%u s)\n", late, s->cfg.request_timeout_s);
    }
    fprintf(stderr, "kiln serve: %s received\n", sigabbrev_np(sig) ? sigabbrev_np(sig) : "signal");
    MHD_socket listen_fd = server_drain(s, sfd);
    server_destroy(s);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    close(sfd);
    fprintf(stderr, "kiln serve: stopped\n");
    return 0;
}
