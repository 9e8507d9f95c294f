/* js.c — the warm JavaScript and TypeScript runtimes for zygote.c.
 *
 * The V8 runtime itself (v8.cc, on Debian's libnode108) is built as a
 * shared object, kiln_v8.so, and loaded only by these two zygotes, before
 * they enter the jail's root. The kiln binary does not link libnode: the
 * CLI, the server and the Python zygote stay free of its 47 MB and of the
 * relocations every process mapping it would pay, and a host without the
 * V8 runtime still runs every other language.
 *
 * Limits. The cgroup is the hard bound on memory and the supervisor's kill
 * the hard bound on time; both end the process without flushing what the
 * program printed. So a child also bounds V8's heap (three quarters of the
 * run's memory limit, leaving room for the code, stacks and the runtime's
 * own mappings), and a watchdog thread stops the program with V8's
 * TerminateExecution at its CPU or wall deadline; the supervisor's kill
 * comes JS_STOP_GRACE_MS later. The program then
 * ends cleanly, its output written, and the child reports which limit it
 * hit (msg_verdict) so the run gets the same status a kill would give.
 */
#define _GNU_SOURCE
#include "runtime/js.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jail/msg.h"
#include "runtime/v8.h"
#include "util/buf.h"

#ifndef KILN_V8_SO
#define KILN_V8_SO "/usr/local/lib/kiln/kiln_v8.so"
#endif

/* The watchdog stops the program at its limits; the supervisor kills the
 * process this much later, time for V8 to unwind (TerminateExecution is
 * seen at the next loop iteration or call) and the output to be written. */
#define JS_STOP_GRACE_MS 100
#define WATCHDOG_STACK (64 * 1024)

/* The entry points of kiln_v8.so. Written once, by js_load in a zygote
 * process (never in the engine), before that process forks its children. */
static struct {
    int (*init)(char *, size_t);
    void (*version)(char *, size_t);
    int (*prepare_for)(uint32_t, bool, char *, size_t);
    int (*run)(const char *, size_t, bool, const char *, size_t, const char *const *, size_t);
    int (*interpret)(const char *, size_t, bool, const char *, size_t, const char *const *, size_t,
                     struct v8rt_interpret_opts *);
    void (*terminate)(void);
} v8;

/* The child's watchdog: armed for each program (a session's child runs
 * one per cell), disarmed when it ends. */
static struct {
    pthread_t thread;
    pthread_t main;
    pthread_mutex_t lock;
    pthread_cond_t armed_cond;
    bool armed;
    int64_t cpu_deadline_ns, wall_deadline_ns; /* 0: none */
    atomic_uint verdict;                       /* enum msg_verdict */
} dog = { .lock = PTHREAD_MUTEX_INITIALIZER, .armed_cond = PTHREAD_COND_INITIALIZER };

static const char *js_missing(void)
{
    return access(KILN_V8_SO, R_OK) == 0 ? NULL : "kiln's V8 runtime (" KILN_V8_SO ")";
}

static int js_load(char *err, size_t errlen)
{
    void *so = dlopen(KILN_V8_SO, RTLD_NOW | RTLD_LOCAL);
    if (!so) {
        snprintf(err, errlen, "load %s: %s", KILN_V8_SO, dlerror());
        return -1;
    }
    *(void **)&v8.init = dlsym(so, "v8rt_init");
    *(void **)&v8.version = dlsym(so, "v8rt_version");
    *(void **)&v8.prepare_for = dlsym(so, "v8rt_prepare_for");
    *(void **)&v8.run = dlsym(so, "v8rt_run");
    *(void **)&v8.interpret = dlsym(so, "v8rt_interpret");
    *(void **)&v8.terminate = dlsym(so, "v8rt_terminate");
    if (!v8.init || !v8.version || !v8.prepare_for || !v8.run || !v8.interpret || !v8.terminate) {
        snprintf(err, errlen, "%s lacks the v8rt_* entry points", KILN_V8_SO);
        return -1;
    }
    return 0; /* never unloaded: the zygote and its children live on it */
}

static int js_init(char *version, size_t versionlen, char *err, size_t errlen)
{
    if (v8.init(err, errlen) < 0)
        return -1;
    v8.version(version, versionlen);
    return 0;
}

static void js_fork_noop(void)
{
    /* V8 runs on the single-threaded platform: nothing to quiesce. */
}

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A signal that only interrupts the event loop's sleep (nanosleep returns
 * EINTR), so that a stop during setTimeout is seen at once. */
static void wake_handler(int sig)
{
    (void)sig;
}

static void stop_program(uint32_t verdict)
{
    atomic_store(&dog.verdict, verdict);
    v8.terminate();
    pthread_kill(dog.main, SIGURG);
}

/* Sleeps in wall time until the nearer deadline of the armed program:
 * one thread runs the program, so CPU time cannot grow faster than wall
 * time. Disarming wakes it. */
static void *watchdog_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&dog.lock);
    for (;;) {
        while (!dog.armed)
            pthread_cond_wait(&dog.armed_cond, &dog.lock);
        int64_t cpu_left = dog.cpu_deadline_ns - clock_ns(CLOCK_PROCESS_CPUTIME_ID);
        int64_t wall_left = dog.wall_deadline_ns - clock_ns(CLOCK_MONOTONIC);
        if (cpu_left <= 0 || wall_left <= 0) {
            dog.armed = false;
            stop_program(cpu_left <= 0 ? MSG_VERDICT_CPU_TIME : MSG_VERDICT_WALL_TIME);
            continue;
        }
        int64_t left = cpu_left < wall_left ? cpu_left : wall_left;
        int64_t until = clock_ns(CLOCK_REALTIME) + left;
        struct timespec ts = { .tv_sec = until / 1000000000, .tv_nsec = until % 1000000000 };
        pthread_cond_timedwait(&dog.armed_cond, &dog.lock, &ts);
    }
    return NULL;
}

/* Started ahead of the request, so that the run does not pay for it. */
static int watchdog_start(char *err, size_t errlen)
{
    struct sigaction sa = { .sa_handler = wake_handler }; /* no SA_RESTART */
    sigemptyset(&sa.sa_mask);
    pthread_attr_t attr;
    dog.main = pthread_self();
    int rc = sigaction(SIGURG, &sa, NULL) < 0 ? errno : pthread_attr_init(&attr);
    if (rc == 0) {
        pthread_attr_setstacksize(&attr, WATCHDOG_STACK);
        rc = pthread_create(&dog.thread, &attr, watchdog_main, NULL);
        pthread_attr_destroy(&attr);
    }
    if (rc != 0) {
        snprintf(err, errlen, "javascript: start the watchdog: %s", strerror(rc));
        return -1;
    }
    return 0;
}

static int64_t deadline_ns(clockid_t id, uint32_t limit_ms)
{
    return clock_ns(id) + (int64_t)limit_ms * 1000000;
}

static void watchdog_arm(const struct zygote_job *job)
{
    pthread_mutex_lock(&dog.lock);
    dog.cpu_deadline_ns = deadline_ns(CLOCK_PROCESS_CPUTIME_ID, job->cpu_ms);
    dog.wall_deadline_ns = deadline_ns(CLOCK_MONOTONIC, job->wall_ms);
    dog.armed = true;
    pthread_cond_signal(&dog.armed_cond);
    pthread_mutex_unlock(&dog.lock);
}

static void watchdog_disarm(void)
{
    pthread_mutex_lock(&dog.lock);
    dog.armed = false;
    pthread_cond_signal(&dog.armed_cond);
    pthread_mutex_unlock(&dog.lock);
}

static int prepare(const struct kiln_limits *l, bool typescript, char *err, size_t errlen)
{
    uint32_t heap_kib = l->mem_kib / 4 * 3;
    if (v8.prepare_for(heap_kib, typescript, err, errlen) < 0)
        return -1;
    return watchdog_start(err, errlen);
}

static int js_prepare(const struct kiln_limits *l, char *err, size_t errlen)
{
    return prepare(l, false, err, errlen);
}

static int ts_prepare(const struct kiln_limits *l, char *err, size_t errlen)
{
    return prepare(l, true, err, errlen);
}

/* A pipe to its end (an interactive run's stdin, kiln_request.stdin_fd):
 * the V8 runtime serves stdin from memory, so the program starts once the
 * client has closed it. Bounded by the run's memory limit. */
static char *read_to_end(int fd, size_t *len)
{
    struct buf b = { 0 };
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || buf_append(&b, chunk, (size_t)n) < 0)
            break;
    }
    if (buf_append(&b, "", 1) < 0) { /* the NUL, not counted */
        buf_free(&b);
        return NULL;
    }
    *len = b.len - 1;
    return b.data;
}

/* A whole file into memory: the entry in /box, or the stdin memfd. */
static char *read_fd(int fd, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return NULL;
    if (!S_ISREG(st.st_mode))
        return read_to_end(fd, len);
    char *data = malloc((size_t)st.st_size + 1);
    size_t at = 0;
    while (data && at < (size_t)st.st_size) {
        ssize_t n = pread(fd, data + at, (size_t)st.st_size - at, (off_t)at);
        if (n <= 0)
            break;
        at += (size_t)n;
    }
    if (data)
        data[at] = '\0';
    *len = at;
    return data;
}

static int run(struct zygote_job *job, bool typescript)
{
    const char *name = typescript ? "ts-node" : "node";
    int fd = open(job->entry, O_RDONLY | O_CLOEXEC);
    size_t len = 0, in_len = 0;
    char *code = fd >= 0 ? read_fd(fd, &len) : NULL;
    char *in = read_fd(0, &in_len);
    if (fd >= 0)
        close(fd);
    if (!code) {
        dprintf(2, "%s: cannot open '/box/%s': %s\n", name, job->entry, strerror(errno));
        return 1;
    }
    atomic_store(&dog.verdict, MSG_VERDICT_NONE);
    watchdog_arm(job);
    struct v8rt_interpret_opts ip = { .context = job->context, .context_len = job->context_len,
                                 .value_fd = job->result_fd, .session = job->session };
    int rc = job->interpret ? v8.interpret(code, len, typescript, in, in_len,
                                           (const char *const *)job->args, job->nargs, &ip)
                            : v8.run(code, len, typescript, in, in_len,
                                     (const char *const *)job->args, job->nargs);
    watchdog_disarm();
    free(code);
    free(in);
    job->end_session = ip.exited;
    if (rc == V8RT_HEAP_LIMIT)
        job->verdict = MSG_VERDICT_MEMORY;
    else if (rc == V8RT_TERMINATED)
        job->verdict = atomic_load(&dog.verdict);
    else if (rc == V8RT_INTERNAL)
        dprintf(2, "%s: kiln's V8 runtime failed\n", name);
    return rc < 0 ? 1 : rc;
}

static int js_run(struct zygote_job *job)
{
    return run(job, false);
}

static int ts_run(struct zygote_job *job)
{
    return run(job, true);
}

const struct zygote_runtime javascript_runtime = {
    .name = "javascript",
    .missing = js_missing,
    .load = js_load,
    .init = js_init,
    .before_fork = js_fork_noop,
    .after_fork_parent = js_fork_noop,
    .after_fork_child = js_fork_noop,
    .prepare = js_prepare,
    .run = js_run,
    .stop_grace_ms = JS_STOP_GRACE_MS,
};

const struct zygote_runtime typescript_runtime = {
    .name = "typescript",
    .missing = js_missing,
    .load = js_load,
    .init = js_init,
    .before_fork = js_fork_noop,
    .after_fork_parent = js_fork_noop,
    .after_fork_child = js_fork_noop,
    .prepare = ts_prepare,
    .run = ts_run,
    .stop_grace_ms = JS_STOP_GRACE_MS,
};
