/* test_session.c — sessions through the library (kiln_session_*) and
 * interpret mode's values: state kept across cells and never across
 * sessions, errors that keep a session and ends that do not, limits, kill
 * while a cell runs, and the session slots' bound.
 *
 * The binary serves as its own zygote (kiln_zygote_main), as every program
 * embedding libkiln must. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
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

/* The warm languages alone: a folder of links to the repo's definitions. */
static char lang_dir[] = "/tmp/kiln-unit-session-XXXXXX";
static const char *const LANGS[] = { "python", "javascript", "typescript" };

static int make_lang_dir(void)
{
    if (!mkdtemp(lang_dir))
        return -1;
    for (size_t i = 0; i < 3; i++) {
        char from[256], to[256];
        snprintf(from, sizeof from, "%s/%s.lang", KILN_LANGUAGES_DIR, LANGS[i]);
        snprintf(to, sizeof to, "%s/%s.lang", lang_dir, LANGS[i]);
        if (symlink(from, to) < 0)
            return -1;
    }
    return 0;
}

static void remove_lang_dir(void)
{
    for (size_t i = 0; i < 3; i++) {
        char to[256];
        snprintf(to, sizeof to, "%s/%s.lang", lang_dir, LANGS[i]);
        unlink(to);
    }
    rmdir(lang_dir);
}

static int setup(void **state)
{
    (void)state;
    struct kiln_config cfg;
    char err[512];
    kiln_config_init(&cfg);
    cfg.languages_dir = lang_dir;
    cfg.slots = 1;
    cfg.warm_slots = 1;
    cfg.warm_min = 1;
    cfg.session_slots = 3;
    cfg.cgroup_name = "kiln-unit-session";
    engine = kiln_engine_create(&cfg, err, sizeof err);
    if (!engine) {
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

static kiln_session *open_session(const char *language, uint32_t mem_kib, uint32_t cpu_ms)
{
    struct kiln_session_options o = { .language = language,
                                      .limits = { .mem_kib = mem_kib, .cpu_ms = cpu_ms } };
    kiln_session *s = NULL;
    char err[256] = "";
    int rc = kiln_session_open(engine, &o, &s, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "kiln_session_open: %s\n", err);
    assert_int_equal(rc, 0);
    return s;
}

/* Runs a cell; the result is the caller's to free. */
static void cell(kiln_session *s, const char *code, struct kiln_result *r)
{
    struct kiln_cell c = { .code = code, .code_len = strlen(code) };
    char err[256] = "";
    int rc = kiln_session_execute(s, &c, r, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "kiln_session_execute: %s\n", err);
    assert_int_equal(rc, 0);
}

/* A cell whose status and JSON value are as given (json NULL: none). */
static void expect(kiln_session *s, const char *code, enum kiln_status st, const char *json)
{
    struct kiln_result r;
    cell(s, code, &r);
    if (r.status != st || (json && (!r.run.value_json || strcmp(r.run.value_json, json))))
        fprintf(stderr, "cell [%s]: %s value %s out [%s] err [%s] (%s)\n", code,
                kiln_status_name(r.status), r.run.value_json ? r.run.value_json : "(none)",
                r.run.out, r.run.err, r.run.message);
    assert_int_equal(r.status, st);
    if (json)
        assert_string_equal(r.run.value_json, json);
    kiln_result_free(&r);
}

static void test_python_state_kept(void **state)
{
    (void)state;
    kiln_session *s = open_session("python", 0, 0);
    expect(s, "import math\nx = 40\ndef f(n):\n    return n + 2", KILN_OK, NULL);
    expect(s, "f(x)", KILN_OK, "42");
    expect(s, "math.floor(2.5) + x", KILN_OK, "42");
    expect(s, "open('/box/notes.txt', 'w').write('kept')", KILN_OK, "4");
    expect(s, "open('/box/notes.txt').read()", KILN_OK, "\"kept\"");
    /* An error is the cell's, not the session's. */
    expect(s, "1/0", KILN_RE, NULL);
    expect(s, "x", KILN_OK, "40");
    struct kiln_session_info info;
    kiln_session_info(s, &info);
    assert_true(info.alive);
    assert_int_equal(info.cells, 7);
    assert_true(info.mem_kib > 0);
    kiln_session_close(s, true);
}

static void test_never_across_sessions(void **state)
{
    (void)state;
    kiln_session *a = open_session("python", 0, 0), *b = open_session("python", 0, 0);
    expect(a, "secret = 'a'", KILN_OK, NULL);
    struct kiln_result r;
    cell(b, "secret", &r);
    assert_int_equal(r.status, KILN_RE);
    assert_non_null(strstr(r.run.err, "NameError"));
    kiln_result_free(&r);
    expect(b, "open('/box/notes.txt', 'w').write('b')", KILN_OK, NULL);
    cell(a, "import os; os.path.exists('/box/notes.txt')", &r);
    assert_string_equal(r.run.value_json, "false");
    kiln_result_free(&r);
    kiln_session_close(a, false);
    kiln_session_close(b, false);
}

static void test_javascript_state_kept(void **state)
{
    (void)state;
    kiln_session *s = open_session("javascript", 0, 0);
    expect(s, "let n = 40; function add(a, b) { return a + b }", KILN_OK, NULL);
    expect(s, "add(n, 2)", KILN_OK, "42");
    expect(s, "const v = await Promise.resolve(n); v + 2", KILN_OK, "42");
    expect(s, "return [1,2,3,4,5].reduce((s,n)=>s+n*n,0)", KILN_OK, "55");
    expect(s, "throw new Error('cell error')", KILN_RE, NULL);
    expect(s, "n", KILN_OK, "40");
    /* V8 stops a cell at its time limit itself: the session lives on. */
    expect(s, "for (;;) {}", KILN_TO, NULL);
    expect(s, "add(n, 1)", KILN_OK, "41");
    kiln_session_close(s, true);
    kiln_session *t = open_session("typescript", 0, 0);
    expect(t, "const k: number = 6;\ninterface P { x: number }", KILN_OK, NULL);
    expect(t, "({ x: k * 7 } as P)", KILN_OK, "{\"x\":42}");
    kiln_session_close(t, true);
}

static void expect_gone(kiln_session *s, const char *why_part)
{
    struct kiln_session_info info;
    kiln_session_info(s, &info);
    if (info.alive || !strstr(info.ended, why_part))
        fprintf(stderr, "ended: [%s], wanted [%s]\n", info.ended, why_part);
    assert_false(info.alive);
    assert_non_null(strstr(info.ended, why_part));
    struct kiln_cell c = { .code = "1", .code_len = 1 };
    struct kiln_result r;
    char err[256];
    assert_int_equal(kiln_session_execute(s, &c, &r, err, sizeof err), KILN_ERR_GONE);
    assert_non_null(strstr(err, why_part));
}

static void test_ends(void **state)
{
    (void)state;
    kiln_session *s = open_session("python", 0, 0);
    expect(s, "import sys; sys.exit(3)", KILN_RE, NULL);
    expect_gone(s, "exited with code 3");
    kiln_session_close(s, true);

    s = open_session("python", 64 << 10, 0);
    expect(s, "x = bytearray(200 << 20)", KILN_ML, NULL);
    expect_gone(s, "memory limit");
    kiln_session_close(s, true);

    s = open_session("python", 0, 300);
    expect(s, "while True: pass", KILN_TO, NULL);
    expect_gone(s, "CPU time limit");
    kiln_session_close(s, true);

    s = open_session("javascript", 0, 0);
    expect(s, "process.exit(5)", KILN_RE, NULL);
    expect_gone(s, "exited with code 5");
    kiln_session_close(s, true);
}

struct running {
    kiln_session *s;
    struct kiln_result r;
    int64_t ms;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *run_long_cell(void *arg)
{
    struct running *run = arg;
    int64_t t0 = now_ms();
    cell(run->s, "import time\ntime.sleep(8)", &run->r);
    run->ms = now_ms() - t0;
    return NULL;
}

static void test_kill_while_running(void **state)
{
    (void)state;
    struct running run = { .s = open_session("python", 0, 0) };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, run_long_cell, &run), 0);
    struct kiln_session_info info;
    for (int i = 0; i < 200; i++) {
        kiln_session_info(run.s, &info);
        if (info.running)
            break;
        usleep(10000);
    }
    assert_true(info.running);
    usleep(200000);
    kiln_session_kill(run.s, "killed by the test");
    pthread_join(t, NULL);
    assert_true(run.ms < 3000);
    assert_true(run.r.status != KILN_OK);
    assert_non_null(strstr(run.r.run.message, "killed by the test"));
    kiln_result_free(&run.r);
    expect_gone(run.s, "killed by the test");
    kiln_session_close(run.s, false);
}

static void test_slots_bound(void **state)
{
    (void)state;
    kiln_session *s[3];
    for (int i = 0; i < 3; i++)
        s[i] = open_session("python", 0, 0);
    struct kiln_session_options o = { .language = "python" };
    kiln_session *extra = NULL;
    char err[256];
    assert_int_equal(kiln_session_open(engine, &o, &extra, err, sizeof err), KILN_ERR_BUSY);
    assert_non_null(strstr(err, "session slots"));
    kiln_session_close(s[0], false);
    assert_int_equal(kiln_session_open(engine, &o, &extra, err, sizeof err), 0);
    expect(extra, "'fresh' if 'x' not in globals() else 'stale'", KILN_OK, "\"fresh\"");
    kiln_session_close(extra, false);
    kiln_session_close(s[1], false);
    kiln_session_close(s[2], false);
    o.language = "c";
    assert_int_equal(kiln_session_open(engine, &o, &extra, err, sizeof err), KILN_ERR_INVALID);
}

/* interpret mode through kiln_execute: values of every kind. */
static void value(const char *language, const char *code, const char *context, const char *json,
                  const char *text)
{
    struct kiln_file f = { .name = strcmp(language, "python") ? "main.js" : "main.py",
                           .data = code, .len = strlen(code) };
    struct kiln_request req = { .language = language, .files = &f, .nfiles = 1,
                                .mode = KILN_MODE_INTERPRET, .context = context,
                                .context_len = context ? strlen(context) : 0 };
    struct kiln_result r;
    char err[256] = "";
    assert_int_equal(kiln_execute(engine, &req, &r, err, sizeof err), 0);
    if (r.status != KILN_OK || (json ? !r.run.value_json || strcmp(r.run.value_json, json)
                                     : r.run.value_json != NULL) ||
        (text && (!r.run.value_text || strcmp(r.run.value_text, text))))
        fprintf(stderr, "[%s] %s: json %s text %s err [%s]\n", code, kiln_status_name(r.status),
                r.run.value_json ? r.run.value_json : "(none)",
                r.run.value_text ? r.run.value_text : "(none)", r.run.err);
    assert_int_equal(r.status, KILN_OK);
    if (json)
        assert_string_equal(r.run.value_json, json);
    else
        assert_null(r.run.value_json);
    if (text)
        assert_string_equal(r.run.value_text, text);
    kiln_result_free(&r);
}

static void test_interpret_values(void **state)
{
    (void)state;
    value("javascript", "return [1,2,3,4,5].reduce((s,n)=>s+n*n,0)", NULL, "55", "55");
    value("javascript", "const a = await Promise.resolve([1, 'x']);\na", NULL, "[1,\"x\"]", NULL);
    value("javascript", "context.numbers.length", "{\"numbers\":[1,2,3]}", "3", "3");
    value("javascript", "(function named() {})", NULL, NULL, "[Function: named]");
    value("javascript", "10n ** 20n", NULL, NULL, "100000000000000000000n");
    value("typescript", "const s: string = 'ts';\ns + '!'", NULL, "\"ts!\"", "'ts!'");
    value("python", "sum(n * n for n in context['numbers'])", "{\"numbers\":[1,2,3]}", "14", "14");
    value("python", "import asyncio\nawait asyncio.sleep(0)\n{'a': (1, 2)}", NULL,
          "{\"a\": [1, 2]}", "{'a': (1, 2)}");
    value("python", "float('nan')", NULL, NULL, "nan");
    value("python", "x = 1", NULL, NULL, NULL);
}

int main(int argc, char **argv)
{
    if (argc > 0 && !strcmp(argv[0], "kiln-zygote"))
        return kiln_zygote_main(argc, argv);
    if (make_lang_dir() < 0) {
        perror("languages folder");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_python_state_kept),
        cmocka_unit_test(test_never_across_sessions),
        cmocka_unit_test(test_javascript_state_kept),
        cmocka_unit_test(test_ends),
        cmocka_unit_test(test_kill_while_running),
        cmocka_unit_test(test_slots_bound),
        cmocka_unit_test(test_interpret_values),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    remove_lang_dir();
    return rc;
}
