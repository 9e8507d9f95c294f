/* test_v8.c — the V8 runtime (src/runtime/v8.h) in the zygote's pattern.
 *
 * The test process initialises the runtime once, like a zygote; every test
 * forks children from it. A child calls v8rt_prepare and v8rt_run with its
 * stdout and stderr on pipes, and sends v8rt_run's result through a third
 * pipe; the parent checks output and result exactly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/v8.h"

#define HEAP_KIB (256u * 1024u)

struct run {
    int rc;     /* v8rt_run's result */
    int status; /* the child's wait status */
    char out[1 << 20];
    size_t out_len;
    char err[1 << 16];
    size_t err_len;
};

struct opts {
    bool ts;
    const char *in;
    const char *const *argv;
    size_t argc;
    uint32_t heap_kib;
    int terminate_after_ms; /* > 0: a thread calls v8rt_terminate */
};

static void *terminator(void *arg)
{
    usleep((useconds_t)(*(int *)arg) * 1000);
    v8rt_terminate();
    return NULL;
}

static void child(const char *code, const struct opts *o, int out, int err, int res)
{
    char msg[256];
    dup2(out, 1);
    dup2(err, 2);
    if (v8rt_prepare(o->heap_kib ? o->heap_kib : HEAP_KIB, msg, sizeof msg) < 0) {
        dprintf(2, "prepare: %s\n", msg);
        _exit(120);
    }
    static int after;
    after = o->terminate_after_ms;
    pthread_t t;
    if (after > 0 && pthread_create(&t, NULL, terminator, &after) != 0)
        _exit(121);
    const char *in = o->in ? o->in : "";
    int rc = v8rt_run(code, strlen(code), o->ts, in, strlen(in), o->argv, o->argc);
    if (write(res, &rc, sizeof rc) != (ssize_t)sizeof rc)
        _exit(122);
    _exit(0);
}

/* Reads both pipes to their end (a child may fill either first). */
static void drain(int out, int err, struct run *r)
{
    struct pollfd p[2] = {{.fd = out, .events = POLLIN}, {.fd = err, .events = POLLIN}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char *buf = i == 0 ? r->out : r->err;
            size_t *len = i == 0 ? &r->out_len : &r->err_len;
            size_t cap = (i == 0 ? sizeof r->out : sizeof r->err) - 1;
            char scratch[4096];
            ssize_t n = *len < cap ? read(p[i].fd, buf + *len, cap - *len)
                                   : read(p[i].fd, scratch, sizeof scratch);
            if (n <= 0) {
                p[i].fd = -1;
                open_fds--;
            } else if (*len < cap) {
                *len += (size_t)n;
            }
        }
    }
    r->out[r->out_len] = 0;
    r->err[r->err_len] = 0;
}

static struct run *run_opts(const char *code, const struct opts *o)
{
    static struct run r;
    memset(&r, 0, sizeof r);
    r.rc = -100;
    int out[2], err[2], res[2];
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    assert_int_equal(pipe2(err, O_CLOEXEC), 0);
    assert_int_equal(pipe2(res, O_CLOEXEC), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        child(code, o, out[1], err[1], res[1]);
    close(out[1]);
    close(err[1]);
    close(res[1]);
    drain(out[0], err[0], &r);
    if (read(res[0], &r.rc, sizeof r.rc) != (ssize_t)sizeof r.rc)
        r.rc = -100;
    close(out[0]);
    close(err[0]);
    close(res[0]);
    assert_int_equal(waitpid(pid, &r.status, 0), pid);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0 || r.rc == -100)
        fprintf(stderr, "# child status %#x rc %d\n# stdout: %s\n# stderr: %s\n", r.status, r.rc,
                r.out, r.err);
    assert_true(WIFEXITED(r.status));
    assert_int_equal(WEXITSTATUS(r.status), 0);
    return &r;
}

static struct run *run_js(const char *code)
{
    struct opts o = {0};
    return run_opts(code, &o);
}

static struct run *run_in(const char *code, const char *in)
{
    struct opts o = {.in = in};
    return run_opts(code, &o);
}

static void expect(const struct run *r, int rc, const char *out)
{
    if (strcmp(r->out, out) != 0 || r->rc != rc)
        fprintf(stderr, "# rc %d\n# stdout:\n%s\n# stderr:\n%s\n", r->rc, r->out, r->err);
    assert_string_equal(r->out, out);
    assert_int_equal(r->rc, rc);
}

/* ---- console ---- */

static void test_console_formats(void **state)
{
    (void)state;
    struct run *r = run_js(
        "console.log({a:[1,2]});\n"
        "console.log('top', ['nested', \"it's\"], 42, -0, null, undefined);\n"
        "console.log(new Map([['k', 1], ['j', {x: [1]}]]), new Set([1, 'x']));\n"
        "console.log([1,2,3,4,5,6,7,8,9,10]);\n"
        "console.log('%s is %d years and %o', 'Bob', 42.5, {x:1});\n"
        "console.log({s: 'str', n: {deep: {deeper: {deepest: 1}}}});\n"
        "console.info('info'); console.debug('debug');\n"
        "console.log(true, 10n, Symbol('s'), [undefined, null], {});\n"
        "console.log(function foo() {}, class Bar {}, () => {});\n"
        "console.log('%i|%f|%j|%%|%c.', 3.9, '1.5', {j: 1}, 'css');\n"
        "console.log([ 'a'.repeat(30), 'b'.repeat(30), 'c'.repeat(30) ]);\n"
        "console.log(Object.create(null), new (class Foo { constructor() { this.x = 1 } }));\n"
        "console.log([1.5, -2, 'x', [[[[1]]]]], { 'a-b': 1, b: undefined });\n"
        "console.log(Promise.resolve(7), new Promise(() => {}));\n"
        "console.log(Buffer.from('hi'), new Uint8Array([1, 2]));\n"
        "console.log(\"multi\\nline\", ['multi\\nline']);\n"
        "console.error('to', 'err'); console.warn({w: 1});\n");
    expect(r, 0,
           "{ a: [ 1, 2 ] }\n"
           "top [ 'nested', \"it's\" ] 42 -0 null undefined\n"
           "Map(2) { 'k' => 1, 'j' => { x: [ 1 ] } } Set(2) { 1, 'x' }\n"
           "[\n  1, 2, 3, 4,  5,\n  6, 7, 8, 9, 10\n]\n"
           "Bob is 42.5 years and { x: 1 }\n"
           "{ s: 'str', n: { deep: { deeper: [Object] } } }\n"
           "info\ndebug\n"
           "true 10n Symbol(s) [ undefined, null ] {}\n"
           "[Function: foo] [class Bar] [Function (anonymous)]\n"
           "3|1.5|{\"j\":1}|%|.\n"
           "[\n  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',\n  'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',\n"
           "  'cccccccccccccccccccccccccccccc'\n]\n"
           "[Object: null prototype] {} Foo { x: 1 }\n"
           "[ 1.5, -2, 'x', [ [ [Array] ] ] ] { 'a-b': 1, b: undefined }\n"
           "Promise { 7 } Promise { <pending> }\n"
           "<Buffer 68 69> Uint8Array(2) [ 1, 2 ]\n"
           "multi\nline [ 'multi\\nline' ]\n");
    assert_string_equal(r->err, "to err\n{ w: 1 }\n");
}

static void test_console_error_stack(void **state)
{
    (void)state;
    struct run *r = run_js("function make() { return new Error('boom'); }\n"
                           "console.log(make());\n"
                           "const e = new TypeError('bad'); e.code = 'E_BAD';\n"
                           "console.log({ e });\n");
    assert_int_equal(r->rc, 0);
    assert_non_null(strstr(r->out, "Error: boom\n    at make (/box/main.js:1:26)\n"));
    assert_non_null(
        strstr(r->out, "{\n  e: TypeError: bad\n      at Object.<anonymous> (/box/main.js:3:11)"));
    assert_non_null(strstr(r->out, "code: 'E_BAD'"));
}

/* ---- the event loop ---- */

static void test_top_level_await_and_timers(void **state)
{
    (void)state;
    struct run *r = run_js("console.log('a');\n"
                           "setTimeout(() => console.log('t2'), 20);\n"
                           "setTimeout(() => console.log('t1'), 10);\n"
                           "await new Promise(r => setTimeout(r, 30));\n"
                           "console.log('b');\n"
                           "const v = await Promise.resolve(5);\n"
                           "console.log('v', v);\n");
    expect(r, 0, "a\nt1\nt2\nb\nv 5\n");
}

static void test_set_interval_cleared(void **state)
{
    (void)state;
    struct run *r = run_js("let n = 0;\n"
                           "const id = setInterval(() => {\n"
                           "  n++; console.log('tick', n);\n"
                           "  if (n === 3) { clearInterval(id); console.log('done'); }\n"
                           "}, 5);\n"
                           "setTimeout(() => console.log('after', n), 100);\n");
    expect(r, 0, "tick 1\ntick 2\ntick 3\ndone\nafter 3\n");
}

static void test_microtask_order(void **state)
{
    (void)state;
    struct run *r = run_js("setTimeout(() => console.log('timeout'), 0);\n"
                           "Promise.resolve().then(() => console.log('promise'));\n"
                           "queueMicrotask(() => console.log('microtask'));\n"
                           "process.nextTick(() => console.log('tick'));\n"
                           "(async () => { await null; console.log('async'); })();\n"
                           "console.log('sync');\n");
    expect(r, 0, "sync\ntick\npromise\nmicrotask\nasync\ntimeout\n");
}

static void test_unref_and_clear(void **state)
{
    (void)state;
    struct run *r =
        run_js("setTimeout(() => console.log('never'), 10000).unref();\n"
               "const t = setTimeout(() => console.log('cleared'), 1); clearTimeout(t);\n"
               "setImmediate(() => console.log('immediate'));\n");
    expect(r, 0, "immediate\n");
}

/* ---- Node's input and output idioms ---- */

static void test_read_file_sync_stdin(void **state)
{
    (void)state;
    struct run *r = run_in("const fs = require('fs');\n"
                           "const s = fs.readFileSync(0, 'utf8');\n"
                           "console.log(JSON.stringify(s));\n"
                           "console.log(JSON.stringify(fs.readFileSync(0, 'utf8')));\n",
                           "1 2\n3 4\n");
    expect(r, 0, "\"1 2\\n3 4\\n\"\n\"\"\n");
    r = run_in("const b = require('fs').readFileSync('/dev/stdin');\n"
               "console.log(b.length, b.toString().trim().split(/\\s+/).map(Number).reduce((a, x) "
               "=> a + x));\n",
               "10 20\n30\n");
    expect(r, 0, "9 60\n");
}

static void test_readline_events(void **state)
{
    (void)state;
    struct run *r =
        run_in("const rl = require('readline').createInterface({ input: process.stdin });\n"
               "const lines = [];\n"
               "rl.on('line', (l) => lines.push(l));\n"
               "rl.on('close', () => console.log(lines.length, lines.join('|')));\n",
               "a\nb\r\n\nc");
    expect(r, 0, "4 a|b||c\n");
}

static void test_readline_for_await(void **state)
{
    (void)state;
    struct run *r = run_in(
        "import * as readline from 'node:readline';\n"
        "const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });\n"
        "let sum = 0;\n"
        "for await (const line of rl) sum += Number(line);\n"
        "console.log(sum);\n",
        "1\n2\n3\n");
    expect(r, 0, "6\n");
    r = run_in("const rl = require('readline/promises').createInterface({ input: process.stdin, "
               "output: process.stdout });\n"
               "const a = await rl.question('a? ');\n"
               "const b = await rl.question('b? ');\n"
               "console.log(Number(a) + Number(b));\n"
               "rl.close();\n",
               "40\n2\n");
    expect(r, 0, "a? b? 42\n");
}

static void test_stdin_data_end(void **state)
{
    (void)state;
    struct run *r =
        run_in("let d = '';\n"
               "process.stdin.setEncoding('utf8');\n"
               "process.stdin.on('data', (c) => { d += c; });\n"
               "process.stdin.on('end', () => {\n"
               "  console.log(d.trim().split('\\n').map(Number).reduce((a, b) => a + b));\n"
               "});\n",
               "5\n6\n7\n");
    expect(r, 0, "18\n");
    r = run_in("const chunks = [];\n"
               "process.stdin.on('data', (c) => chunks.push(c));\n"
               "process.stdin.on('end', () => console.log(Buffer.isBuffer(chunks[0]), "
               "Buffer.concat(chunks).toString()));\n",
               "héllo");
    expect(r, 0, "true héllo\n");
}

static void test_argv(void **state)
{
    (void)state;
    const char *argv[] = {"x", "y z"};
    struct opts o = {.argv = argv, .argc = 2};
    struct run *r =
        run_opts("console.log(process.argv.slice(2).join(','), process.argv.length);", &o);
    expect(r, 0, "x,y z 4\n");
}

static void test_process_exit(void **state)
{
    (void)state;
    struct run *r = run_js("setTimeout(() => console.log('timer'), 5);\n"
                           "process.on('exit', (c) => console.log('exit event', c));\n"
                           "console.log('before');\n"
                           "process.exit(3);\n"
                           "console.log('after');\n");
    expect(r, 3, "before\nexit event 3\n");
    r = run_js("process.exitCode = 4; console.log('set');");
    expect(r, 4, "set\n");
    r = run_js("let n = 0;\n"
               "process.on('beforeExit', () => { if (n++ < 2) setTimeout(() => console.log('more', "
               "n), 1); });\n"
               "process.on('exit', (c) => console.log('exit', c, n));\n");
    expect(r, 0, "more 1\nmore 2\nexit 0 3\n");
    r = run_js("process.stdout.write('no newline'); process.stderr.write('e');");
    expect(r, 0, "no newline");
    assert_string_equal(r->err, "e");
}

static void test_top_level_return(void **state)
{
    (void)state;
    struct run *r = run_js("console.log(1);\nif (true) return;\nconsole.log(2);\n");
    expect(r, 0, "1\n");
    r = run_js("const v = await (async () => 5)();\nif (v === 5) return;\nconsole.log('no');");
    expect(r, 0, "");
    r = run_js("var await = 3; console.log(await);");
    expect(r, 0, "3\n");
}

/* ---- errors ---- */

static void test_uncaught_throw(void **state)
{
    (void)state;
    struct run *r = run_js("console.log('out');\n"
                           "function f() { throw new Error('boom'); }\n"
                           "f();\n");
    expect(r, 1, "out\n");
    assert_non_null(strstr(r->err, "/box/main.js:2\nfunction f() { throw new Error('boom'); }\n"
                                   "               ^\n\nError: boom\n"
                                   "    at f (/box/main.js:2:22)\n"));
    r = run_js("setTimeout(() => { null.x; }, 1);");
    assert_int_equal(r->rc, 1);
    assert_non_null(strstr(r->err, "TypeError: Cannot read properties of null (reading 'x')"));
    r = run_js("Promise.reject(new RangeError('late'));\nsetTimeout(() => console.log('no'), 5);");
    expect(r, 1, "");
    assert_non_null(
        strstr(r->err, "RangeError: late\n    at Object.<anonymous> (/box/main.js:1:16)"));
    r = run_js("let x = ;");
    expect(r, 1, "");
    assert_non_null(strstr(
        r->err, "/box/main.js:1\nlet x = ;\n        ^\n\nSyntaxError: Unexpected token ';'"));
    r = run_js("throw 'plain';");
    expect(r, 1, "");
    assert_string_equal(r->err, "\n/box/main.js:1\nthrow 'plain';\n^\nplain\n");
    r = run_js("await null;\nthrow { a: 1 };");
    expect(r, 1, "");
    assert_string_equal(r->err, "{ a: 1 }\n");
    r = run_js("Promise.reject(42);");
    expect(r, 1, "");
    assert_non_null(strstr(r->err,
                           "UnhandledPromiseRejection: This error originated either by throwing "
                           "inside of an async function without a catch block"));
    assert_non_null(strstr(r->err, "The promise rejected with the reason \"42\"."));
}

static void test_require_unavailable(void **state)
{
    (void)state;
    struct run *r = run_js("require('http');");
    expect(r, 1, "");
    assert_non_null(strstr(r->err, "Cannot find module 'http'"));
    assert_non_null(strstr(r->err, "not available in kiln's javascript; use language node"));
    r = run_js(
        "const { EventEmitter } = require('events'); const util = require('node:util');\n"
        "const e = new EventEmitter(); e.once('x', (v) => console.log(util.format('%s!', v)));\n"
        "e.emit('x', 'hi'); e.emit('x', 'again'); console.log(require('os').EOL === '\\n');");
    expect(r, 0, "hi!\ntrue\n");
}

/* ---- TypeScript ---- */

static void test_typescript(void **state)
{
    (void)state;
    struct opts o = {.ts = true};
    struct run *r = run_opts("import type { Shape } from './shapes';\n"
                             "import { readFileSync } from 'fs';\n"
                             "enum Color { Red, Green = 5, Blue }\n"
                             "interface Point<T> { x: T; y?: T }\n"
                             "abstract class Base { protected abstract area(): number; }\n"
                             "class Box<T> extends Base {\n"
                             "  constructor(private readonly w: number, public h: number, "
                             "protected tag?: T) { super(); }\n"
                             "  area(): number { return this.w * this.h; }\n"
                             "}\n"
                             "function first<T>(xs: T[]): T { return xs[0]!; }\n"
                             "const p: Point<number> = { x: 1 };\n"
                             "const y = (p.y ?? 2) as number;\n"
                             "let s: Shape | undefined;\n"
                             "const b = new Box<string>(2, 3, 'tag');\n"
                             "console.log(Color.Green, Color[6], b.area(), b.h, "
                             "first<string>(['q']), y, typeof readFileSync);\n"
                             "const n: number = await Promise.resolve(7);\n"
                             "console.log(n satisfies number);\n",
                             &o);
    expect(r, 0, "5 Blue 6 3 q 2 function\n7\n");
    r = run_opts("let x: number = ;\n", &o);
    expect(r, 1, "");
    assert_non_null(strstr(r->err, "SyntaxError"));
    assert_non_null(strstr(r->err, "/box/main.ts:1"));
}

/* ---- limits and isolation ---- */

static void test_heap_limit(void **state)
{
    (void)state;
    struct opts o = {.heap_kib = 64 * 1024};
    struct run *r = run_opts("const a = [];\nfor (;;) a.push(new Array(1e5).fill(1.5));\n", &o);
    assert_int_equal(r->rc, V8RT_HEAP_LIMIT);
    r = run_opts("const m = new Map(); let i = 0;\nfor (;;) m.set(i++, { s: 'x' + i });\n", &o);
    assert_int_equal(r->rc, V8RT_HEAP_LIMIT);
    r = run_opts("const b = new ArrayBuffer(256 * 1024 * 1024); console.log(b.byteLength);", &o);
    assert_int_equal(r->rc, V8RT_HEAP_LIMIT);
    r = run_opts("const a = new Array(1e6).fill(0); console.log(a.length);", &o);
    expect(r, 0, "1000000\n");
}

static void test_terminate(void **state)
{
    (void)state;
    struct opts o = {.terminate_after_ms = 50};
    struct run *r = run_opts("console.log('spin'); for (;;) {}", &o);
    expect(r, V8RT_TERMINATED, "spin\n");
}

static void test_fifty_forks(void **state)
{
    (void)state;
    for (int i = 0; i < 50; i++) {
        char code[160], want[80];
        snprintf(code, sizeof code,
                 i % 2 ? "console.log(%d * 2, [%d].map(x => x + 1));"
                       : "const n: number = %d; console.log(n * 2, [n + 1]);",
                 i, i);
        snprintf(want, sizeof want, "%d [ %d ]\n", i * 2, i + 1);
        struct opts o = {.ts = i % 2 == 0};
        struct run *r = run_opts(code, &o);
        expect(r, 0, want);
    }
}

static void test_isolation_between_children(void **state)
{
    (void)state;
    struct run *r = run_js("Object.prototype.polluted = 1; globalThis.leak = 2;\n"
                           "Array.prototype.push = null; console.log = null;\n"
                           "process.stdout.write(String(({}).polluted));");
    expect(r, 0, "1");
    r = run_js("console.log(({}).polluted, typeof leak, typeof [].push);");
    expect(r, 0, "undefined undefined function\n");
}

static void test_random_differs(void **state)
{
    (void)state;
    char first[64];
    struct run *r = run_js("console.log(Math.random(), Math.random() < 1);");
    snprintf(first, sizeof first, "%.63s", r->out);
    r = run_js("console.log(Math.random(), Math.random() < 1);");
    assert_string_not_equal(first, r->out);
    assert_non_null(strstr(r->out, " true\n"));
}

static void test_node_globals(void **state)
{
    (void)state;
    struct run *r = run_js(
        "#!/usr/bin/env node\n"
        "const o = { a: [1, { b: new Map([[1, 2]]) }] }; o.self = o;\n"
        "const c = structuredClone(o);\n"
        "console.log(c.self === c, c.a[1].b.get(1), c !== o);\n"
        "const b = Buffer.from('héllo wörld');\n"
        "console.log(b.length, b.toString('hex').slice(0, 6), b.toString('base64'), "
        "Buffer.from(b.toString('base64'), 'base64').toString());\n"
        "console.log(new TextDecoder().decode(new TextEncoder().encode('ü')), atob(btoa('hi')));\n"
        "require('fs').writeSync(1, 'via fd 1\\n');\n"
        "console.log(typeof performance.now(), typeof crypto.randomUUID(), global === "
        "globalThis);\n");
    expect(r, 0,
           "true 2 true\n13 68c3a9 aMOpbGxvIHfDtnJsZA== héllo wörld\nü hi\nvia fd 1\n"
           "number string true\n");
}

static void test_esm_and_late_handlers(void **state)
{
    (void)state;
    struct run *r =
        run_js("import { EventEmitter } from 'events';\n"
               "export const answer = 42;\n"
               "const p = Promise.reject(new Error('later'));\n"
               "await null;\n"
               "p.catch((e) => console.log('caught', e.message, answer, typeof EventEmitter));\n");
    expect(r, 0, "caught later 42 function\n");
    r = run_in("process.stdin.on('readable', () => {\n"
               "  let chunk; while ((chunk = process.stdin.read()) !== null) console.log('got', "
               "String(chunk).trim());\n"
               "});\n"
               "process.stdin.on('end', () => console.log('end'));\n",
               "abc\n");
    expect(r, 0, "got abc\nend\n");
}

/* V8 marks some of its mappings MADV_DONTFORK; a child forked from the
 * zygote would crash on them. v8rt_init leaves none (VmFlags "dc"). */
static void test_no_mapping_dontfork(void **state)
{
    (void)state;
    FILE *fp = fopen("/proc/self/smaps", "r");
    assert_non_null(fp);
    char line[512];
    int flagged = 0, seen = 0;
    while (fgets(line, sizeof line, fp))
        if (!strncmp(line, "VmFlags:", 8)) {
            seen++;
            flagged += strstr(line, " dc") != NULL;
        }
    fclose(fp);
    assert_true(seen > 10);
    assert_int_equal(flagged, 0);
}

static void test_large_output(void **state)
{
    (void)state;
    struct run *r = run_js("for (let i = 0; i < 100000; i++) console.log(i);");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->out_len, 588890);
    assert_non_null(strstr(r->out, "\n99999\n"));
}

static int group_setup(void **state)
{
    (void)state;
    char err[256];
    if (v8rt_init(err, sizeof err) < 0) {
        fprintf(stderr, "# %s\n", err);
        return -1;
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_console_formats),
        cmocka_unit_test(test_console_error_stack),
        cmocka_unit_test(test_top_level_await_and_timers),
        cmocka_unit_test(test_set_interval_cleared),
        cmocka_unit_test(test_microtask_order),
        cmocka_unit_test(test_unref_and_clear),
        cmocka_unit_test(test_read_file_sync_stdin),
        cmocka_unit_test(test_readline_events),
        cmocka_unit_test(test_readline_for_await),
        cmocka_unit_test(test_stdin_data_end),
        cmocka_unit_test(test_argv),
        cmocka_unit_test(test_process_exit),
        cmocka_unit_test(test_top_level_return),
        cmocka_unit_test(test_uncaught_throw),
        cmocka_unit_test(test_require_unavailable),
        cmocka_unit_test(test_typescript),
        cmocka_unit_test(test_heap_limit),
        cmocka_unit_test(test_terminate),
        cmocka_unit_test(test_fifty_forks),
        cmocka_unit_test(test_isolation_between_children),
        cmocka_unit_test(test_random_differs),
        cmocka_unit_test(test_node_globals),
        cmocka_unit_test(test_esm_and_late_handlers),
        cmocka_unit_test(test_no_mapping_dontfork),
        cmocka_unit_test(test_large_output),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
