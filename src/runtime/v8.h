/* v8.h — the V8 runtime (JavaScript and TypeScript) for fork-ahead zygotes.
 *
 * Life of a run:
 *   zygote   v8rt_init() once: V8, one isolate, one context with kiln's
 *            prelude (console, timers, process, Buffer, require shims) and
 *            sucrase loaded and warmed. Single-threaded: no V8 thread exists,
 *            so the zygote may fork at any time after init returns.
 *   child    (forked) v8rt_prepare() ahead of the request: heap limit, a
 *            fresh random seed, a throw-away run that takes the copy-on-write
 *            faults early. Then v8rt_run() once, then _exit() with its result.
 * The child reuses the zygote's context: each run is a fresh process, so what
 * a program changes (globals, Object.prototype) dies with it.
 *
 * Programs run as CommonJS inside an async function (exports, require,
 * module, __filename, __dirname): sloppy mode unless "use strict", top-level
 * `return` and top-level `await` both work. Files with import/export
 * statements go through sucrase's imports transform first (ESM -> require).
 * The script is /box/main.js (or /box/main.ts); process.argv is
 * ["node", "/box/main.js", ...argv].
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

/* In the zygote, once, before any fork and before seccomp (it reads no
 * file, but sets V8 flags and maps code). Returns -1 with a message. */
int v8rt_init(char *err, size_t errlen);

/* In a forked child, once, before the request: bounds the V8 heap (young
 * plus old generation) to heap_limit_kib (0: no bound of kiln's own),
 * reseeds Math.random, and warms the run path. May run after setuid and
 * seccomp. Returns -1 with a message. */
int v8rt_prepare(uint32_t heap_limit_kib, char *err, size_t errlen);

/* In the child, once: runs one program to completion (its timers, promises
 * and stdin events included). typescript: strip types with sucrase first.
 * stdin_data is the program's whole stdin (fd 0 is not read). argv become
 * process.argv[2..]. Output goes to fds 1 and 2, all of it written before
 * return. Returns the exit code (0; 1 for an uncaught error, printed with
 * its stack on fd 2; n for process.exit(n)), or V8RT_HEAP_LIMIT,
 * V8RT_TERMINATED, V8RT_INTERNAL. */
int v8rt_run(const char *code, size_t len, bool typescript, const char *stdin_data,
             size_t stdin_len, const char *const *argv, size_t argc);

/* Stops the running program at its next loop or call (v8rt_run returns
 * V8RT_TERMINATED). Safe from another thread; from a signal handler it is
 * best effort (V8 takes a lock to post the interrupt). */
void v8rt_terminate(void);

#ifdef __cplusplus
}
#endif
#endif
