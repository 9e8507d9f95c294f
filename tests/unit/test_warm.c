/* test_warm.c — the warm python runtime through a long-lived engine:
 * semantics, isolation between runs, healing, and nothing left behind;
 * then the pool's sizing, queue and shutdown, each with an engine of its
 * own configured small.
 *
 * The binary serves as its own zygote (kiln_zygote_main), as every program
 * embedding libkiln must. */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "kiln.h"

static kiln_engine *engine;

/* The engines here know python alone (a folder with a link to the repo's
 * python.lang): other warm languages' children would count among this
 * engine's processes, and their zygotes would only cost time. */
static char python_only_dir[] = "/tmp/kiln-unit-py-XXXXXX";
static char python_lang_link[sizeof python_only_dir + 16];

static int make_python_only_dir(void)
{
    if (!mkdtemp(python_only_dir))
        return -1;
    snprintf(python_lang_link, sizeof python_lang_link, "%s/python.lang", python_only_dir);
    return symlink(KILN_LANGUAGES_DIR "/python.lang", python_lang_link);
}

static void remove_python_only_dir(void)
{
    unlink(python_lang_link);
    rmdir(python_only_dir);
}

static int setup(void **state)
{
    (void)state;
    struct kiln_config cfg;
    char err[512];
    kiln_config_init(&cfg);
    cfg.languages_dir = python_only_dir;
    cfg.slots = 1;
    cfg.warm_slots = 2;
    cfg.cgroup_name = "kiln-unit";
    engine = kiln_engine_create(&cfg, err, sizeof err);
    if (!engine || kiln_engine_warm(engine, err, sizeof err) < 0) {
        fprintf(stderr, "engine: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kiln_engine_destroy(engine);
    return 0;
}

/* Runs code as python; fills res. */
static void py(const char *code, const char *in, struct kiln_result *res)
{
    struct kiln_file f = { .name = "main.py", .data = code, .len = strlen(code) };
    const char *args[] = { "one", "two" };
    struct kiln_request req = { .language = "python", .files = &f, .nfiles = 1,
                                .stdin_data = in, .stdin_len = in ? strlen(in) : 0,
                                .args = args, .nargs = 2 };
    char err[256] = "";
    int rc = kiln_execute(engine, &req, res, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "kiln_execute: %s\n", err);
    assert_int_equal(rc, 0);
}

static void expect(const char *code, const char *in, enum kiln_status st, int code_exit,
                   const char *out)
{
    struct kiln_result r;
    py(code, in, &r);
    if (r.status != st || r.run.exit_code != code_exit || (out && strcmp(r.run.out, out)))
        fprintf(stderr, "got %s exit %d out [%s] err [%s] (%s)\n", kiln_status_name(r.status),
                r.run.exit_code, r.run.out, r.run.err, r.run.message);
    assert_int_equal(r.status, st);
    assert_int_equal(r.run.exit_code, code_exit);
    if (out)
        assert_string_equal(r.run.out, out);
    kiln_result_free(&r);
}

static void test_semantics(void **state)
{
    (void)state;
    expect("print(2+2)", NULL, KILN_OK, 0, "4\n");
    expect("import sys; print(sys.argv)", NULL, KILN_OK, 0, "['main.py', 'one', 'two']\n");
    expect("print(input()[::-1]); import sys; print(sys.stdin.read())", "abc\nrest", KILN_OK, 0,
           "cba\nrest\n");
    expect("import sys; sys.exit(4)", NULL, KILN_RE, 4, "");
    expect("import os; os._exit(9)", NULL, KILN_RE, 9, "");
    expect("print(__name__, __file__)", NULL, KILN_OK, 0, "__main__ /box/main.py\n");
    expect("import atexit; atexit.register(lambda: print('bye')); print('hi')", NULL, KILN_OK, 0,
           "hi\nbye\n");
    /* The zygote's imports and the child's rehearsal leave nothing in the
     * program's globals: only what `python3 main.py` shows. */
    expect("print(sorted(globals()))", NULL, KILN_OK, 0,
           "['__annotations__', '__builtins__', '__cached__', '__doc__', '__file__', '__loader__', "
           "'__name__', "
           "'__package__', '__spec__']\n");
    expect("import sys; print(sys.path[0], 'json' in sys.modules)", NULL, KILN_OK, 0,
           "/box True\n");
    expect("import sys; print('x', file=sys.stderr); print(1)", NULL, KILN_OK, 0, "1\n");
    struct kiln_result r;
    py("def f():\n    raise KeyError('k')\nf()", NULL, &r);
    assert_int_equal(r.status, KILN_RE);
    assert_int_equal(r.run.exit_code, 1);
    assert_non_null(strstr(r.run.err, "Traceback (most recent call last):"));
    assert_non_null(strstr(r.run.err, "File \"/box/main.py\", line 2, in f"));
    assert_non_null(strstr(r.run.err, "KeyError: 'k'"));
    kiln_result_free(&r);
}

/* A run that changes the interpreter's shared state leaves the next run
 * untouched: each run is its own process. */
static void test_isolation_between_runs(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) /* more runs than slots: every child gets dirtied */
        expect("import builtins, sys, math\n"
               "builtins.print = lambda *a, **k: None\n"
               "math.pi = 3\n"
               "sys.modules['json'] = None\n"
               "open('/tmp/marker', 'w').write('x')\n",
               NULL, KILN_OK, 0, "");
    expect("import math, json, os\n"
           "print(math.pi > 3.14, json.dumps([1]), os.path.exists('/tmp/marker'))",
           NULL, KILN_OK, 0, "True [1] False\n");
}

static void test_hostile_runs_then_clean_run(void **state)
{
    (void)state;
    /* pid 1 is the zygote, root: the run may not signal it. */
    expect("import os\ntry:\n    os.kill(1, 9)\nexcept OSError as e:\n    print(e.errno)", NULL,
           KILN_OK, 0, "1\n");
    expect("import os; os.kill(os.getppid(), 9); print('alive')", NULL, KILN_RE, 1, "");
    struct kiln_result r;
    struct kiln_file f = { .name = "main.py", .data = "x = bytearray(400 << 20)", .len = 24 };
    struct kiln_request req = { .language = "python", .files = &f, .nfiles = 1,
                                .run_limits = { .mem_kib = 64 << 10 } };
    char err[256];
    assert_int_equal(kiln_execute(engine, &req, &r, err, sizeof err), 0);
    assert_int_equal(r.status, KILN_ML);
    kiln_result_free(&r);
    expect("import os\nif os.fork() == 0:\n    import time; time.sleep(60)\nprint('parent')",
           NULL, KILN_OK, 0, "parent\n");
    expect("print('clean')", NULL, KILN_OK, 0, "clean\n");
}

static int count_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* The uids of this process's engine's slots: the lock files it holds in
 * /run/kiln (other engines on the host, such as another test run, have
 * their own). */
static size_t engine_uids(unsigned *uids, size_t max)
{
    size_t n = 0;
    DIR *d = opendir("/proc/self/fd");
    for (struct dirent *e; d && (e = readdir(d)) && n < max;) {
        char path[300], target[256];
        snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
        ssize_t len = readlink(path, target, sizeof target - 1);
        if (len <= 0)
            continue;
        target[len] = '\0';
        n += sscanf(target, "/run/kiln/uid-%u.lock", &uids[n]) == 1;
    }
    if (d)
        closedir(d);
    return n;
}

/* Processes running as one of uids. */
static int count_uid_processes(const unsigned *uids, size_t nuids)
{
    int n = 0;
    DIR *d = opendir("/proc");
    for (struct dirent *e; d && (e = readdir(d));) {
        char path[300], line[256];
        snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
        FILE *fp = e->d_name[0] >= '0' && e->d_name[0] <= '9' ? fopen(path, "r") : NULL;
        while (fp && fgets(line, sizeof line, fp))
            if (!strncmp(line, "Uid:", 4)) {
                unsigned uid = (unsigned)strtoul(line + 4, NULL, 10);
                for (size_t i = 0; i < nuids; i++)
                    n += uid == uids[i];
            }
        if (fp)
            fclose(fp);
    }
    if (d)
        closedir(d);
    return n;
}

/* Processes running as one of this engine's slot uids. */
static int count_box_processes(void)
{
    unsigned uids[64];
    size_t nuids = engine_uids(uids, 64);
    assert_true(nuids > 0); /* else nothing would be counted */
    return count_uid_processes(uids, nuids);
}

/* The refill thread gives a used slot its next child shortly after the
 * run; counts are compared once every slot holds a ready child again. */
static void wait_pool_settled(void)
{
    struct kiln_pool_stats st;
    for (int i = 0; i < 500; i++) {
        assert_int_equal(kiln_pool_stats(engine, "python", &st), 0);
        if (st.busy == 0 && st.ready == st.slots)
            return;
        usleep(10 * 1000);
    }
    fail_msg("the pool did not settle: %u of %u slots ready", st.ready, st.slots);
}

static void test_many_runs_leave_nothing(void **state)
{
    (void)state;
    expect("print(1)", NULL, KILN_OK, 0, "1\n");
    wait_pool_settled();
    int fds = count_fds();
    for (int i = 0; i < 1000; i++) {
        struct kiln_result r;
        py("print(7)", NULL, &r);
        if (r.status != KILN_OK)
            fprintf(stderr, "run %d: %s %s\n", i, kiln_status_name(r.status), r.run.message);
        assert_int_equal(r.status, KILN_OK);
        kiln_result_free(&r);
    }
    wait_pool_settled();
    assert_int_equal(count_fds(), fds);
    /* Only the children forked ahead, one per warm slot of every warm
     * language, are box processes. */
    struct kiln_pool_stats st;
    unsigned warm_slots = 0;
    for (size_t i = 0; i < kiln_language_count(engine); i++) {
        struct kiln_language_info info;
        kiln_language_get(engine, i, &info);
        if (kiln_pool_stats(engine, info.name, &st) == 0)
            warm_slots += st.slots;
    }
    assert_true(count_box_processes() <= (int)warm_slots);
    assert_int_equal(kiln_pool_stats(engine, "python", &st), 0);
    assert_true(st.runs >= 1000);
    assert_int_equal(st.busy, 0);
}

/* Kills this process's python zygotes (its children: other engines, such
 * as another test run, may have theirs on the host); returns how many. */
static int kill_own_zygotes(void)
{
    char cmd[96], line[32];
    snprintf(cmd, sizeof cmd, "pgrep -P %d -f '^kiln-zygote python'", (int)getpid());
    FILE *fp = popen(cmd, "r");
    int killed = 0;
    while (fp && fgets(line, sizeof line, fp))
        killed += kill(atoi(line), SIGKILL) == 0;
    if (fp)
        pclose(fp);
    return killed;
}

/* The zygote is pid 1 of a PID namespace that the engine holds; killing it
 * from outside kills every child. The engine restarts it. */
static void test_zygote_death_heals(void **state)
{
    (void)state;
    assert_true(kill_own_zygotes() >= 1);
    usleep(1100 * 1000); /* past the restart backoff */
    struct kiln_result r;
    int ok = 0;
    for (int i = 0; i < 3 && !ok; i++) { /* a run may meet a child of the dead zygote */
        struct kiln_file f = { .name = "main.py", .data = "print('back')", .len = 13 };
        struct kiln_request req = { .language = "python", .files = &f, .nfiles = 1 };
        char err[256];
        if (kiln_execute(engine, &req, &r, err, sizeof err) == 0) {
            ok = r.status == KILN_OK && !strcmp(r.run.out, "back\n");
            kiln_result_free(&r);
        }
    }
    assert_true(ok);
    struct kiln_pool_stats st;
    kiln_pool_stats(engine, "python", &st);
    assert_true(st.restarts >= 1);
}

/* Each wrong request is KILN_ERR_INVALID, told apart from a busy pool and
 * from the engine's own failures. */
static void test_invalid_request_kinds(void **state)
{
    (void)state;
    struct kiln_file ok = { .name = "main.py", .data = "print(1)", .len = 8 };
    struct kiln_file bad = { .name = "../main.py", .data = "print(1)", .len = 8 };
    struct kiln_request req = { .language = "klingon", .files = &ok, .nfiles = 1 };
    struct kiln_result r;
    char err[256] = "";
    assert_int_equal(kiln_execute(engine, &req, &r, err, sizeof err), KILN_ERR_INVALID);
    assert_non_null(strstr(err, "unknown language 'klingon'"));
    req.language = "python";
    req.files = &bad;
    assert_int_equal(kiln_execute(engine, &req, &r, err, sizeof err), KILN_ERR_INVALID);
    assert_non_null(strstr(err, "invalid file name"));
    req.files = &ok;
    req.run_limits.cpu_ms = 1000u * 1000 * 1000;
    assert_int_equal(kiln_execute(engine, &req, &r, err, sizeof err), KILN_ERR_INVALID);
    assert_non_null(strstr(err, "cpu_ms"));
    req.run_limits.cpu_ms = 0;
    assert_int_equal(kiln_execute(engine, &req, &r, err, sizeof err), 0);
    kiln_result_free(&r);
}

/* ------------------------------------------------------------ pool tests */

/* A python request on a thread of its own. */
struct bg_run {
    pthread_t thread;
    kiln_engine *engine;
    const char *code;
    int rc;
    enum kiln_status status;
    char out[64];
    char err[256];
};

static void *bg_main(void *arg)
{
    struct bg_run *b = arg;
    struct kiln_file f = { .name = "main.py", .data = b->code, .len = strlen(b->code) };
    struct kiln_request req = { .language = "python", .files = &f, .nfiles = 1 };
    struct kiln_result r;
    b->rc = kiln_execute(b->engine, &req, &r, b->err, sizeof b->err);
    if (b->rc == 0) {
        b->status = r.status;
        snprintf(b->out, sizeof b->out, "%s", r.run.out ? r.run.out : "");
        snprintf(b->err, sizeof b->err, "%s", r.run.message);
        kiln_result_free(&r);
    }
    return NULL;
}

static void bg_start(struct bg_run *b, kiln_engine *e, const char *code)
{
    *b = (struct bg_run){ .engine = e, .code = code };
    assert_int_equal(pthread_create(&b->thread, NULL, bg_main, b), 0);
}

/* Joins a run that must have produced an OK result printing out. */
static void bg_expect_ok(struct bg_run *b, const char *out)
{
    pthread_join(b->thread, NULL);
    if (b->rc != 0 || b->status != KILN_OK)
        fprintf(stderr, "background run: rc %d %s: %s\n", b->rc, kiln_status_name(b->status),
                b->err);
    assert_int_equal(b->rc, 0);
    assert_int_equal(b->status, KILN_OK);
    assert_string_equal(b->out, out);
}

/* A pool test's configuration and engine: made by pool_setup, destroyed
 * by pool_teardown even when an assertion ended the test. */
struct pool_case {
    unsigned warm_min;
    uint32_t idle_ms;
    unsigned queue_max;
    uint32_t wait_ms;
    kiln_engine *engine;
};

static int pool_setup(void **state)
{
    struct pool_case *c = *state;
    struct kiln_config cfg;
    char err[512];
    kiln_config_init(&cfg);
    cfg.languages_dir = python_only_dir;
    cfg.slots = 1;
    cfg.warm_slots = 2;
    cfg.warm_min = c->warm_min;
    cfg.warm_idle_ms = c->idle_ms;
    cfg.queue_max = c->queue_max;
    cfg.queue_wait_ms = c->wait_ms;
    cfg.cgroup_name = "kiln-unit";
    c->engine = kiln_engine_create(&cfg, err, sizeof err);
    if (!c->engine || kiln_engine_warm(c->engine, err, sizeof err) < 0) {
        fprintf(stderr, "engine: %s\n", err);
        return -1;
    }
    return 0;
}

static int pool_teardown(void **state)
{
    struct pool_case *c = *state;
    kiln_engine_destroy(c->engine);
    c->engine = NULL;
    return 0;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Polls the python pool's figures until cond holds; the bound is generous,
 * the machine is shared. */
#define WAIT_STATS(e, st, cond)                                                                 \
    do {                                                                                        \
        int64_t until_ = mono_ms() + 30000;                                                     \
        for (;;) {                                                                              \
            assert_int_equal(kiln_pool_stats((e), "python", &(st)), 0);                         \
            if (cond)                                                                           \
                break;                                                                          \
            if (mono_ms() > until_)                                                             \
                fail_msg("waited 30 s for %s: target %u ready %u busy %u queued %u", #cond,     \
                         (st).target, (st).ready, (st).busy, (st).queued);                     \
            usleep(10 * 1000);                                                                  \
        }                                                                                       \
    } while (0)

static const char SLEEP_2S[] = "import time; time.sleep(2); print('slept')";

/* Two slots, one child kept ahead: three requests at once cannot all find
 * a child ready, so the pool raises its target to both slots, and keeps a
 * child ready in each after the burst. */
static struct pool_case grows_case = { 1, 600000, 4, 60000, NULL };

static void test_pool_grows_under_demand(void **state)
{
    kiln_engine *e = ((struct pool_case *)*state)->engine;
    struct kiln_pool_stats st;
    assert_int_equal(kiln_pool_stats(e, "python", &st), 0);
    assert_int_equal(st.slots, 2);
    assert_int_equal(st.min, 1);
    assert_int_equal(st.target, 1);
    assert_int_equal(st.ready, 1);
    uint64_t spawned = st.spawned;
    struct bg_run b[3];
    for (int i = 0; i < 3; i++)
        bg_start(&b[i], e, SLEEP_2S);
    WAIT_STATS(e, st, st.busy == 2 && st.queued == 1);
    assert_int_equal(st.target, 2);
    for (int i = 0; i < 3; i++)
        bg_expect_ok(&b[i], "slept\n");
    WAIT_STATS(e, st, st.busy == 0 && st.ready == 2);
    assert_int_equal(st.target, 2);
    assert_true(st.spawned >= spawned + 3); /* the waiter's, then one ahead in each slot */
    assert_int_equal(st.reaped, 0);
    assert_int_equal(st.rejected, 0);
}

/* After a burst, children beyond warm_min that wait warm_idle_ms unused are
 * retired until the pool is back at its minimum. The burst is two long
 * runs and a short one queued behind them, so that it ends with both
 * slots' children ready well within warm_idle_ms of each other. */
static struct pool_case reaps_case = { 1, 1000, 4, 60000, NULL };

static void test_pool_reaps_idle_children(void **state)
{
    kiln_engine *e = ((struct pool_case *)*state)->engine;
    struct kiln_pool_stats st;
    struct bg_run b[3];
    bg_start(&b[0], e, SLEEP_2S);
    bg_start(&b[1], e, SLEEP_2S);
    WAIT_STATS(e, st, st.busy == 2);
    bg_start(&b[2], e, "print('queued')");
    WAIT_STATS(e, st, st.queued == 1);
    assert_int_equal(st.target, 2);
    bg_expect_ok(&b[0], "slept\n");
    bg_expect_ok(&b[1], "slept\n");
    bg_expect_ok(&b[2], "queued\n");
    WAIT_STATS(e, st, st.busy == 0 && st.target == 1 && st.ready == 1);
    assert_int_equal(st.reaped, 1);
    /* The retired child is gone, not just forgotten. */
    int box = count_box_processes();
    for (int64_t until = mono_ms() + 10000; box > 1 && mono_ms() < until;) {
        usleep(10 * 1000);
        box = count_box_processes();
    }
    assert_int_equal(box, 1);
    /* The minimum is kept, however long it waits unused. */
    usleep(1500 * 1000);
    assert_int_equal(kiln_pool_stats(e, "python", &st), 0);
    assert_int_equal(st.target, 1);
    assert_int_equal(st.ready, 1);
    assert_int_equal(st.reaped, 1);
    struct bg_run one;
    bg_start(&one, e, "print('still warm')");
    bg_expect_ok(&one, "still warm\n");
}

/* queue_max requests wait; the next one is refused at once as busy, and
 * the waiter still runs when a slot frees. */
static struct pool_case full_queue_case = { 2, 600000, 1, 60000, NULL };

static void test_pool_full_queue_is_busy(void **state)
{
    kiln_engine *e = ((struct pool_case *)*state)->engine;
    struct kiln_pool_stats st;
    struct bg_run b[3];
    bg_start(&b[0], e, "import time; time.sleep(3); print('slept')");
    bg_start(&b[1], e, "import time; time.sleep(3); print('slept')");
    WAIT_STATS(e, st, st.busy == 2);
    bg_start(&b[2], e, "print('waited')");
    WAIT_STATS(e, st, st.queued == 1);
    struct kiln_file f = { .name = "main.py", .data = "print(1)", .len = 8 };
    struct kiln_request req = { .language = "python", .files = &f, .nfiles = 1 };
    struct kiln_result r;
    char err[256] = "";
    int64_t t0 = mono_ms();
    assert_int_equal(kiln_execute(e, &req, &r, err, sizeof err), KILN_ERR_BUSY);
    int64_t waited = mono_ms() - t0;
    assert_string_equal(err, "the python pool is busy: 1 request already waiting (queue_max); "
                             "retry later");
    assert_true(waited < 2000); /* refused, not queued behind the 3 s runs */
    bg_expect_ok(&b[0], "slept\n");
    bg_expect_ok(&b[1], "slept\n");
    bg_expect_ok(&b[2], "waited\n");
    assert_int_equal(kiln_pool_stats(e, "python", &st), 0);
    assert_int_equal(st.rejected, 1);
    assert_int_equal(st.queued, 0);
}

/* A wait longer than queue_wait_ms ends as busy. */
static struct pool_case wait_limit_case = { 2, 600000, 4, 300, NULL };

static void test_pool_wait_limit_is_busy(void **state)
{
    kiln_engine *e = ((struct pool_case *)*state)->engine;
    struct kiln_pool_stats st;
    struct bg_run b[2];
    bg_start(&b[0], e, "import time; time.sleep(3); print('slept')");
    bg_start(&b[1], e, "import time; time.sleep(3); print('slept')");
    WAIT_STATS(e, st, st.busy == 2);
    struct kiln_file f = { .name = "main.py", .data = "print(1)", .len = 8 };
    struct kiln_request req = { .language = "python", .files = &f, .nfiles = 1 };
    struct kiln_result r;
    char err[256] = "";
    int64_t t0 = mono_ms();
    assert_int_equal(kiln_execute(e, &req, &r, err, sizeof err), KILN_ERR_BUSY);
    int64_t waited = mono_ms() - t0;
    assert_string_equal(err, "the python pool is busy: no slot freed within 300 ms "
                             "(queue_wait_ms); retry later");
    if (waited < 295 || waited > 2500)
        fprintf(stderr, "waited %lld ms\n", (long long)waited);
    assert_true(waited >= 295 && waited <= 2500);
    bg_expect_ok(&b[0], "slept\n");
    bg_expect_ok(&b[1], "slept\n");
    assert_int_equal(kiln_pool_stats(e, "python", &st), 0);
    assert_int_equal(st.rejected, 1);
}

/* A run in flight when the zygote dies ends as XX (the sandbox failed,
 * not the program): a result, not an error; then the pool heals. */
static struct pool_case death_case = { 2, 600000, 4, 60000, NULL };

static void test_zygote_death_in_flight_is_xx(void **state)
{
    kiln_engine *e = ((struct pool_case *)*state)->engine;
    struct kiln_pool_stats st;
    struct bg_run b;
    bg_start(&b, e, "import time; time.sleep(10); print('slept')");
    WAIT_STATS(e, st, st.busy == 1);
    usleep(200 * 1000); /* the child has the request */
    assert_true(kill_own_zygotes() >= 1);
    pthread_join(b.thread, NULL);
    if (b.rc != 0 || b.status != KILN_XX)
        fprintf(stderr, "run in flight: rc %d %s %s\n", b.rc, kiln_status_name(b.status), b.err);
    assert_int_equal(b.rc, 0);
    assert_int_equal(b.status, KILN_XX);
    assert_true(b.err[0] != '\0'); /* the message says what failed */
    usleep(1100 * 1000); /* past the restart backoff */
    struct bg_run after;
    bg_start(&after, e, "print('back')");
    bg_expect_ok(&after, "back\n");
    assert_int_equal(kiln_pool_stats(e, "python", &st), 0);
    assert_int_equal(st.restarts, 1);
}

/* Destroying the engine lets the running requests finish and fails the
 * waiting one as busy; nothing is used after it is freed (ASan). */
static struct pool_case drain_case = { 2, 600000, 4, 60000, NULL };

static void test_destroy_drains(void **state)
{
    kiln_engine *e = ((struct pool_case *)*state)->engine;
    struct kiln_pool_stats st;
    struct bg_run b[3];
    bg_start(&b[0], e, "import time; time.sleep(1); print('finished')");
    bg_start(&b[1], e, "import time; time.sleep(1); print('finished')");
    WAIT_STATS(e, st, st.busy == 2);
    bg_start(&b[2], e, "print('never')");
    WAIT_STATS(e, st, st.queued == 1);
    unsigned uids[64];
    size_t nuids = engine_uids(uids, 64);
    assert_true(nuids > 0);
    kiln_engine_destroy(e);
    ((struct pool_case *)*state)->engine = NULL;
    bg_expect_ok(&b[0], "finished\n");
    bg_expect_ok(&b[1], "finished\n");
    pthread_join(b[2].thread, NULL);
    assert_int_equal(b[2].rc, KILN_ERR_BUSY);
    assert_string_equal(b[2].err, "the python pool is shutting down");
    assert_int_equal(count_uid_processes(uids, nuids), 0);
}

int main(int argc, char **argv)
{
    if (argc > 0 && !strcmp(argv[0], "kiln-zygote"))
        return kiln_zygote_main(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_semantics),
        cmocka_unit_test(test_isolation_between_runs),
        cmocka_unit_test(test_hostile_runs_then_clean_run),
        cmocka_unit_test(test_many_runs_leave_nothing),
        cmocka_unit_test(test_invalid_request_kinds),
        cmocka_unit_test(test_zygote_death_heals),
    };
#define POOL_TEST(f, c) cmocka_unit_test_prestate_setup_teardown(f, pool_setup, pool_teardown, &c)
    const struct CMUnitTest pool_tests[] = {
        POOL_TEST(test_pool_grows_under_demand, grows_case),
        POOL_TEST(test_pool_reaps_idle_children, reaps_case),
        POOL_TEST(test_pool_full_queue_is_busy, full_queue_case),
        POOL_TEST(test_pool_wait_limit_is_busy, wait_limit_case),
        POOL_TEST(test_zygote_death_in_flight_is_xx, death_case),
        POOL_TEST(test_destroy_drains, drain_case),
    };
    if (make_python_only_dir() < 0) {
        perror("test_warm: the python-only languages folder");
        return 1;
    }
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    failed += cmocka_run_group_tests(pool_tests, NULL, NULL);
    remove_python_only_dir();
    return failed;
}
