/* test_warm.c — the warm python runtime through a long-lived engine:
 * semantics, isolation between runs, healing, and nothing left behind.
 *
 * The binary serves as its own zygote (kiln_zygote_main), as every program
 * embedding libkiln must. */
#define _GNU_SOURCE
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kiln.h"

static kiln_engine *engine;

static int setup(void **state)
{
    (void)state;
    struct kiln_config cfg;
    char err[512];
    kiln_config_init(&cfg);
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

static int count_box_processes(void)
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
                n += uid >= 62000 && uid < 63000;
            }
        if (fp)
            fclose(fp);
    }
    if (d)
        closedir(d);
    return n;
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

/* The zygote is pid 1 of a PID namespace that the engine holds; killing it
 * from outside kills every child. The engine restarts it. */
static void test_zygote_death_heals(void **state)
{
    (void)state;
    char cmd[128]; /* this engine's zygote only: its parent is this process */
    snprintf(cmd, sizeof cmd, "pgrep -P %d -f '^kiln-zygote python'", (int)getpid());
    FILE *fp = popen(cmd, "r");
    char line[32];
    int killed = 0;
    while (fp && fgets(line, sizeof line, fp))
        killed += kill(atoi(line), SIGKILL) == 0;
    if (fp)
        pclose(fp);
    assert_true(killed >= 1);
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

int main(int argc, char **argv)
{
    if (argc > 0 && !strcmp(argv[0], "kiln-zygote"))
        return kiln_zygote_main(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_semantics),
        cmocka_unit_test(test_isolation_between_runs),
        cmocka_unit_test(test_hostile_runs_then_clean_run),
        cmocka_unit_test(test_many_runs_leave_nothing),
        cmocka_unit_test(test_zygote_death_heals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
