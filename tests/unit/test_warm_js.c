/* test_warm_js.c — the warm javascript and typescript runtimes through a
 * long-lived engine, as kiln_execute's callers see them: Node's I/O idioms,
 * TypeScript constructs, limits that end a run with its output kept,
 * isolation between runs, healing, and nothing left behind.
 *
 * The binary serves as its own zygote (kiln_zygote_main); the zygotes load
 * build/kiln_v8.so. (The V8 runtime's own unit test is test_v8.) */
#define _GNU_SOURCE
#include <dirent.h>
#include <glob.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "kiln.h"

#define CGROUP_NAME "kiln-unit-js"

static kiln_engine *engine;

static int setup(void **state)
{
    (void)state;
    struct kiln_config cfg;
    char err[512];
    kiln_config_init(&cfg);
    cfg.slots = 1;
    cfg.warm_slots = 2;
    cfg.cgroup_name = CGROUP_NAME;
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

struct job {
    const char *lang;
    const char *code;
    const char *in;
    struct kiln_limits limits;
};

static void run(const struct job *j, struct kiln_result *res)
{
    const char *name = !strcmp(j->lang, "typescript") ? "main.ts" : "main.js";
    struct kiln_file f = { .name = name, .data = j->code, .len = strlen(j->code) };
    const char *args[] = { "one", "two" };
    struct kiln_request req = { .language = j->lang, .files = &f, .nfiles = 1,
                                .stdin_data = j->in, .stdin_len = j->in ? strlen(j->in) : 0,
                                .args = args, .nargs = 2, .run_limits = j->limits };
    char err[256] = "";
    int rc = kiln_execute(engine, &req, res, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "kiln_execute: %s\n", err);
    assert_int_equal(rc, 0);
}

/* Runs j; checks status, exit code and (unless NULL) stdout exactly. */
static void expect_job(const struct job *j, enum kiln_status st, int exit_code, const char *out)
{
    struct kiln_result r;
    run(j, &r);
    if (r.status != st || r.run.exit_code != exit_code || (out && strcmp(r.run.out, out)))
        fprintf(stderr, "%s: got %s exit %d out [%s] err [%s] (%s)\n", j->code,
                kiln_status_name(r.status), r.run.exit_code, r.run.out, r.run.err,
                r.run.message);
    assert_int_equal(r.status, st);
    assert_int_equal(r.run.exit_code, exit_code);
    if (out)
        assert_string_equal(r.run.out, out);
    kiln_result_free(&r);
}

static void js(const char *code, const char *in, const char *out)
{
    expect_job(&(struct job){ .lang = "javascript", .code = code, .in = in }, KILN_OK, 0, out);
}

static void ts(const char *code, const char *out)
{
    expect_job(&(struct job){ .lang = "typescript", .code = code }, KILN_OK, 0, out);
}

static void test_console_and_exit(void **state)
{
    (void)state;
    js("console.log({a:[1,2]}, 'x', 3n, null)", NULL, "{ a: [ 1, 2 ] } x 3n null\n");
    js("console.info(new Map([[1,'a']])); console.debug([undefined, -0])", NULL,
       "Map(1) { 1 => 'a' }\n[ undefined, -0 ]\n");
    js("process.stdout.write('no newline'); console.error('to stderr')", NULL, "no newline");
    js("console.log(process.argv.join(' '))", NULL, "node /box/main.js one two\n");
    expect_job(&(struct job){ .lang = "js", .code = "console.log('a'); process.exit(7); "
                                                     "console.log('b')" },
               KILN_RE, 7, "a\n");
    expect_job(&(struct job){ .lang = "js", .code = "process.exitCode = 3" }, KILN_RE, 3, "");
    struct kiln_result r;
    run(&(struct job){ .lang = "javascript",
                       .code = "console.warn('w');\nfunction f() { throw new TypeError('bad'); }\nf();" },
        &r);
    assert_int_equal(r.status, KILN_RE);
    assert_int_equal(r.run.exit_code, 1);
    assert_non_null(strstr(r.run.err, "w\n"));
    assert_non_null(strstr(r.run.err, "TypeError: bad"));
    assert_non_null(strstr(r.run.err, "/box/main.js:2"));
    kiln_result_free(&r);
    expect_job(&(struct job){ .lang = "js", .code = "Promise.reject(new Error('nope'))" },
               KILN_RE, 1, "");
}

/* The input idioms of judge and playground programs, unchanged from Node. */
static void test_node_stdin_idioms(void **state)
{
    (void)state;
    js("const s = require('fs').readFileSync(0, 'utf8'); console.log(s.split('\\n').length)",
       "a\nb\nc", "3\n");
    js("const s = require('fs').readFileSync('/dev/stdin').toString(); console.log(s.trim())",
       "  hi  \n", "hi\n");
    js("const rl = require('readline').createInterface({ input: process.stdin });\n"
       "const lines = [];\n"
       "rl.on('line', l => lines.push(Number(l)));\n"
       "rl.on('close', () => console.log(lines.reduce((a, b) => a + b, 0)));\n",
       "1\n2\n39\n", "42\n");
    js("let d = '';\n"
       "process.stdin.on('data', c => d += c);\n"
       "process.stdin.on('end', () => console.log(d.toUpperCase()));\n",
       "abc", "ABC\n");
}

static void test_await_and_timers(void **state)
{
    (void)state;
    js("const v = await new Promise(r => setTimeout(() => r(5), 20)); console.log(v)", NULL,
       "5\n");
    js("setTimeout(() => console.log('timeout'), 0);\n"
       "Promise.resolve().then(() => console.log('promise'));\n"
       "queueMicrotask(() => console.log('microtask'));\n"
       "console.log('sync');\n",
       NULL, "sync\npromise\nmicrotask\ntimeout\n");
    js("let n = 0; const t = setInterval(() => { if (++n === 3) { clearInterval(t); "
       "console.log(n); } }, 5)",
       NULL, "3\n");
}

static void test_typescript_constructs(void **state)
{
    (void)state;
    ts("enum Color { Red, Green = 5, Blue }\n"
       "interface P { x: number; y?: string }\n"
       "function first<T>(xs: T[]): T { return xs[0]; }\n"
       "const p: P = { x: first<number>([Color.Blue]) };\n"
       "console.log(p.x, Color[5]);\n",
       "6 Green\n");
    ts("import type { Readable } from 'stream';\n"
       "class Box { constructor(private readonly v: number, public name: string) {}\n"
       "  protected twice(): number { return this.v * 2; }\n"
       "  get(): number { return this.twice(); } }\n"
       "const b = new Box(21, 'b');\n"
       "const s = (b as unknown) as { name: string };\n"
       "const m: Map<string, number> = new Map();\n"
       "m.set('k', b.get());\n"
       "let r: Readable | undefined;\n"
       "console.log(s.name, m.get('k')!, r ?? 'none');\n",
       "b 42 none\n");
    /* Types are stripped, not checked: a type error still runs. */
    ts("const n: number = 'not a number' as any as number; console.log(typeof n)", "string\n");
    expect_job(&(struct job){ .lang = "ts", .code = "const x: number = ;" }, KILN_RE, 1, "");
}

/* What a run changes dies with its process: more runs than slots, so that
 * every child is used, then a check from a fresh one. */
static void test_isolation_between_runs(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++)
        js("Object.prototype.polluted = 1;\n"
           "Array.prototype.push = () => 0;\n"
           "globalThis.leak = 'x';\n"
           "Math.random = () => 4;\n"
           "JSON.stringify = () => 'no';\n"
           "console.log = () => {};\n",
           NULL, "");
    js("console.log(({}).polluted, typeof leak, [].push(1), Math.random() < 1, "
       "JSON.stringify([1]))",
       NULL, "undefined undefined 1 true [1]\n");
    for (int i = 0; i < 3; i++)
        ts("(globalThis as any).shared = (globalThis as any).shared ?? 'first';\n"
           "console.log((globalThis as any).shared)",
           "first\n");
}

/* Limits end the run with what it printed; the next run is clean. */
static void test_limits_keep_output(void **state)
{
    (void)state;
    struct kiln_result r;
    run(&(struct job){ .lang = "javascript", .code = "console.log('start'); for (;;) {}",
                       .limits = { .cpu_ms = 300 } },
        &r);
    assert_int_equal(r.status, KILN_TO);
    assert_string_equal(r.run.out, "start\n");
    assert_non_null(strstr(r.run.message, "CPU time limit of 300 ms"));
    kiln_result_free(&r);

    run(&(struct job){ .lang = "javascript",
                       .code = "console.log('waiting'); setTimeout(() => {}, 1e9)",
                       .limits = { .wall_ms = 300 } },
        &r);
    assert_int_equal(r.status, KILN_TO);
    assert_string_equal(r.run.out, "waiting\n");
    assert_non_null(strstr(r.run.message, "wall time limit of 300 ms"));
    assert_true(r.run.wall_ms < 600);
    kiln_result_free(&r);

    run(&(struct job){ .lang = "typescript",
                       .code = "const a: number[][] = []; console.log('grow');\n"
                               "for (;;) a.push(new Array(1e6).fill(1.5));",
                       .limits = { .mem_kib = 96 << 10 } },
        &r);
    assert_int_equal(r.status, KILN_ML);
    assert_string_equal(r.run.out, "grow\n");
    kiln_result_free(&r);

    run(&(struct job){ .lang = "javascript", .code = "const b = new Uint8Array(500 << 20);",
                       .limits = { .mem_kib = 96 << 10 } },
        &r);
    assert_int_equal(r.status, KILN_ML);
    kiln_result_free(&r);

    js("function f() { return f(); } try { f(); } catch (e) { console.log(e.name) }", NULL,
       "RangeError\n");
    js("console.log('after the limits')", NULL, "after the limits\n");
}

static void *close_after_300ms(void *fd)
{
    usleep(300 * 1000);
    close(*(int *)fd);
    return NULL;
}

/* hangup_fd: when the watched fd hangs up (the client went away), the run
 * stops at once and ends as XX; the next run is unaffected. */
static void test_hangup_cancels(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, close_after_300ms, &sv[1]), 0);
    const char *code = "console.log('started'); setTimeout(() => console.log('late'), 5000)";
    struct kiln_file f = { .name = "main.js", .data = code, .len = strlen(code) };
    struct kiln_request req = { .language = "javascript", .files = &f, .nfiles = 1,
                                .hangup_fd = sv[0] };
    struct kiln_result r;
    char err[256];
    assert_int_equal(kiln_execute(engine, &req, &r, err, sizeof err), 0);
    pthread_join(t, NULL);
    close(sv[0]);
    assert_int_equal(r.status, KILN_XX);
    assert_non_null(strstr(r.run.message, "cancelled"));
    assert_true(r.run.wall_ms < 3000);
    kiln_result_free(&r);
    js("console.log('next')", NULL, "next\n");
}

/* Node's modules beyond the I/O idioms are not there: a clear error. */
static void test_node_modules_refused(void **state)
{
    (void)state;
    struct kiln_result r;
    run(&(struct job){ .lang = "javascript", .code = "require('child_process').execSync('id')" },
        &r);
    assert_int_equal(r.status, KILN_RE);
    assert_non_null(strstr(r.run.err, "use language node"));
    kiln_result_free(&r);
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

static int count_lines(const char *path)
{
    FILE *fp = fopen(path, "r");
    int n = 0;
    for (int c; fp && (c = fgetc(fp)) != EOF;)
        n += c == '\n';
    if (fp)
        fclose(fp);
    return n;
}

/* This engine's cgroup folders ("<engine pid>-<tag>" and its slots), in
 * whichever hierarchies exist: other engines on the host do not count. */
static int count_cgroups(void)
{
    static const char *const roots[] = {
        "/sys/fs/cgroup", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids",
        "/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/cpu,cpuacct",
    };
    int n = 0;
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        char pattern[256];
        glob_t g;
        snprintf(pattern, sizeof pattern, "%s/%s/%d-*/", roots[i], CGROUP_NAME, (int)getpid());
        if (glob(pattern, GLOB_MARK, NULL, &g) == 0) {
            n += (int)g.gl_pathc;
            globfree(&g);
        }
        snprintf(pattern, sizeof pattern, "%s/%s/%d-*/*/", roots[i], CGROUP_NAME, (int)getpid());
        if (glob(pattern, GLOB_MARK, NULL, &g) == 0) {
            n += (int)g.gl_pathc;
            globfree(&g);
        }
    }
    return n;
}

/* Processes in this engine's slot cgroups ("<engine pid>-<tag>/slotN"),
 * whichever hierarchy holds them: other engines on the machine do not count. */
static int count_slot_processes(void)
{
    char pattern[256];
    int n = 0;
    static const char *const roots[] = { "/sys/fs/cgroup/pids", "/sys/fs/cgroup" };
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        snprintf(pattern, sizeof pattern, "%s/%s/%d-*/slot*/cgroup.procs", roots[i], CGROUP_NAME,
                 (int)getpid());
        glob_t g;
        if (glob(pattern, 0, NULL, &g) != 0)
            continue;
        for (size_t k = 0; k < g.gl_pathc; k++)
            n += count_lines(g.gl_pathv[k]);
        globfree(&g);
        if (n > 0 || g.gl_pathc > 0)
            break;
    }
    return n;
}

static void wait_pool_settled(const char *lang)
{
    struct kiln_pool_stats st;
    for (int i = 0; i < 500; i++) {
        assert_int_equal(kiln_pool_stats(engine, lang, &st), 0);
        if (st.busy == 0 && st.ready == st.slots)
            return;
        usleep(10 * 1000);
    }
    fail_msg("the %s pool did not settle: %u of %u slots ready", lang, st.ready, st.slots);
}

static void wait_all_settled(void)
{
    wait_pool_settled("javascript");
    wait_pool_settled("typescript");
}

/* 1,000 runs leave no process, fd, mount or cgroup behind. */
static void test_many_runs_leave_nothing(void **state)
{
    (void)state;
    js("console.log(1)", NULL, "1\n");
    ts("console.log(1 as number)", "1\n");
    wait_all_settled();
    int fds = count_fds(), mounts = count_lines("/proc/self/mountinfo");
    int cgroups = count_cgroups();
    assert_true(cgroups > 0);
    for (int i = 0; i < 1000; i++) { /* one in four through sucrase */
        struct kiln_result r;
        bool typed = i % 4 == 0;
        run(&(struct job){ .lang = typed ? "typescript" : "javascript",
                           .code = typed ? "const s: string = 'x'; console.log(s)" :
                                           "console.log('x')" },
            &r);
        if (r.status != KILN_OK)
            fprintf(stderr, "run %d: %s %s %s\n", i, kiln_status_name(r.status), r.run.message,
                    r.run.err);
        assert_int_equal(r.status, KILN_OK);
        assert_string_equal(r.run.out, "x\n");
        kiln_result_free(&r);
    }
    wait_all_settled();
    assert_int_equal(count_fds(), fds);
    assert_int_equal(count_lines("/proc/self/mountinfo"), mounts);
    assert_int_equal(count_cgroups(), cgroups);
    /* Only the children forked ahead run as a slot's uid: at most one a
     * warm slot, over every warm language of the engine. */
    struct kiln_pool_stats st;
    unsigned warm_slots = 0;
    uint64_t runs = 0;
    for (size_t i = 0; i < kiln_language_count(engine); i++) {
        struct kiln_language_info info;
        kiln_language_get(engine, i, &info);
        if (kiln_pool_stats(engine, info.name, &st) == 0) {
            warm_slots += st.slots;
            runs += !strcmp(info.name, "python") ? 0 : st.runs;
        }
    }
    int procs = count_slot_processes();
    assert_true(procs > 0); /* the children ahead are there: the count sees them */
    assert_true(procs <= (int)warm_slots);
    assert_true(runs >= 1000);
}

/* The zygote is pid 1 of a PID namespace the engine holds; killed from
 * outside, it takes its children along, and the engine restarts it. */
static void test_zygote_death_heals(void **state)
{
    (void)state;
    char cmd[128]; /* this engine's zygote only: its parent is this process */
    snprintf(cmd, sizeof cmd, "pgrep -P %d -f '^kiln-zygote javascript'", (int)getpid());
    FILE *fp = popen(cmd, "r");
    char line[32];
    int killed = 0;
    while (fp && fgets(line, sizeof line, fp))
        killed += kill(atoi(line), SIGKILL) == 0;
    if (fp)
        pclose(fp);
    assert_true(killed >= 1);
    usleep(1100 * 1000); /* past the restart backoff */
    int ok = 0;
    for (int i = 0; i < 3 && !ok; i++) { /* a run may meet a child of the dead zygote */
        struct kiln_file f = { .name = "main.js", .data = "console.log('back')", .len = 19 };
        struct kiln_request req = { .language = "javascript", .files = &f, .nfiles = 1 };
        struct kiln_result r;
        char err[256];
        if (kiln_execute(engine, &req, &r, err, sizeof err) == 0) {
            ok = r.status == KILN_OK && !strcmp(r.run.out, "back\n");
            kiln_result_free(&r);
        }
    }
    assert_true(ok);
    struct kiln_pool_stats st;
    assert_int_equal(kiln_pool_stats(engine, "javascript", &st), 0);
    assert_true(st.restarts >= 1);
}

int main(int argc, char **argv)
{
    if (argc > 0 && !strcmp(argv[0], "kiln-zygote"))
        return kiln_zygote_main(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_console_and_exit),
        cmocka_unit_test(test_node_stdin_idioms),
        cmocka_unit_test(test_await_and_timers),
        cmocka_unit_test(test_typescript_constructs),
        cmocka_unit_test(test_isolation_between_runs),
        cmocka_unit_test(test_limits_keep_output),
        cmocka_unit_test(test_node_modules_refused),
        cmocka_unit_test(test_hangup_cancels),
        cmocka_unit_test(test_many_runs_leave_nothing),
        cmocka_unit_test(test_zygote_death_heals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
