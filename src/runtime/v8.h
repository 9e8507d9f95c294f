/* v8.h — the V8 runtime (JavaScript and TypeScript) for fork-ahead zygotes.
 *
 * Life of a run:
 *   zygote   v8rt_init() once: V8 (Debian's libnode108, V8 10.2), one
 *            isolate, one context with kiln's prelude (console, timers,
 *            process, Buffer, require shims), sucrase and Node's
 *            util.inspect loaded, and the whole request path warmed.
 *            Single-threaded: no V8 thread exists, so the zygote may fork
 *            whenever v8rt_init has returned.
 *   child    (forked) v8rt_prepare() ahead of the request, then v8rt_run()
 *            once, then _exit() with its result (not exit(): V8 must not be
 *            torn down, and after V8RT_HEAP_LIMIT it must not be touched).
 * Each child reuses the zygote's context: every run is a fresh process, so
 * what a program changes (globals, Object.prototype) dies with it.
 *
 * Programs run as the body of a CommonJS function (exports, require,
 * module, __filename, __dirname), as Node runs a .js file: sloppy unless
 * "use strict", top-level `return` allowed. A program that mentions `await`
 * gets an async function instead, so top-level await works. Files with
 * import/export statements go through sucrase's imports transform first.
 * The script is /box/main.js (or /box/main.ts); process.argv is
 * ["node", "/box/main.js", ...argv]. Node's modules other than fs (stdin,
 * stdout, stderr only), readline, events, util, assert, buffer, timers, os,
 * perf_hooks and process throw "... is not available in kiln's javascript;
 * use language node".
 *
 * Not async-signal-safe and not thread-safe, except v8rt_terminate().
 */
#ifndef KILN_RUNTIME_V8_H
#define KILN_RUNTIME_V8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* v8rt_run's results other than an exit code 0..255. */
#define V8RT_HEAP_LIMIT (-2) /* the heap limit was hit: report "memory limit" */
#define V8RT_TERMINATED (-3) /* v8rt_terminate() stopped the program */
#define V8RT_INTERNAL (-4)   /* the runtime itself failed (message on fd 2) */

/* In the zygote, once, before any fork; as root or not, before or after
 * entering the jail's mount namespace: it opens /dev/urandom (V8's seeds),
 * /proc/self/maps (the stack's bounds) and /etc/localtime (the time zone),
 * and no file after it returns. Takes about 0.5 s: it runs the request path
 * a few hundred times so that children start with compiled code and warm
 * inline caches. Returns -1 with a message. */
int v8rt_init(char *err, size_t errlen);

/* V8's version, e.g. "10.2.154.26" (without a "-node.N" suffix). */
void v8rt_version(char *buf, size_t buflen);

/* In a forked child, once, before the request: bounds the V8 heap (young
 * plus old generation, plus ArrayBuffer memory) to heap_limit_kib (0: no
 * bound of kiln's own; at least 16 MiB, the runtime itself uses ~8), reseeds
 * Math.random, and runs a throw-away program so that the request does not
 * pay the copy-on-write faults. The bound is checked after each collection:
 * one allocation bigger than the whole limit can still succeed if the
 * system has the memory, so the cgroup limit stays the hard bound. May run
 * after setuid and seccomp. Returns -1 with a message. */
int v8rt_prepare(uint32_t heap_limit_kib, char *err, size_t errlen);

/* The same, for a child that will run `typescript` (true) or JavaScript
 * (false, which is v8rt_prepare): the warm-up then goes through sucrase, so
 * the child spends about 0.5 ms more ahead of the request and the
 * TypeScript request about 150 us less. */
int v8rt_prepare_for(uint32_t heap_limit_kib, bool typescript, char *err, size_t errlen);

/* In the child, once: runs one program to completion (its timers, promises
 * and stdin events included). typescript: strip types with sucrase first.
 * stdin_data is the program's whole stdin (fd 0 is not read). argv become
 * process.argv[2..]. Output goes to fds 1 and 2 (stdout buffered, all of it
 * written before return). Returns the exit code (0; 1 for an uncaught error
 * or unhandled rejection, printed with its stack on fd 2; n for
 * process.exit(n) or process.exitCode), or V8RT_HEAP_LIMIT,
 * V8RT_TERMINATED, V8RT_INTERNAL. */
int v8rt_run(const char *code, size_t len, bool typescript, const char *stdin_data,
             size_t stdin_len, const char *const *argv, size_t argc);

/* Interpret mode (kiln_request.mode): the same run, evaluated as a REPL
 * evaluates. The code runs as a classic script at global scope, so its
 * completion value (the value of the last expression statement) is the
 * value; when that does not compile because the code uses top-level
 * `return` or `await`, it runs as the body of an async function whose
 * return value is the value, with the last line (or lines) made its
 * `return` when they form an expression. A promise as the value is
 * awaited. require, module, exports, __filename and __dirname are globals;
 * `context` too when context is given (JSON text). The value is written to
 * value_fd as util.inspect's text, a NUL, then JSON.stringify's (none when
 * the value has no JSON form). In a session (a cell), the globals stay for
 * the next call, 'exit' listeners do not run, and *exited tells whether
 * the program called process.exit (or hit the heap limit): the session
 * must then end. Returns as v8rt_run. */
struct v8rt_interpret_opts {
    const char *context;
    size_t context_len;
    int value_fd;
    bool session;
    bool exited; /* out */
};
int v8rt_interpret(const char *code, size_t len, bool typescript, const char *stdin_data,
                   size_t stdin_len, const char *const *argv, size_t argc,
                   struct v8rt_interpret_opts *ip);

/* Stops the running program at its next loop iteration or call, or its
 * sleep until a timer within 50 ms (v8rt_run returns V8RT_TERMINATED). Safe
 * from another thread; from a signal handler it is best effort (V8 takes a
 * recursive lock to post the interrupt). */
void v8rt_terminate(void);

#ifdef __cplusplus
}
#endif
#endif
