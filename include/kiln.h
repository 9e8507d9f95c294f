/* kiln.h — public API of libkiln: run untrusted programs in a Linux jail.
 *
 * An engine owns the jail machinery (a read-only root filesystem, one
 * cgroup, network namespace and uid per concurrent slot, a compiled seccomp
 * filter) and the language definitions. kiln_execute() runs one request:
 * it compiles the program if its language has a compile step, then runs it,
 * each stage in a fresh jailed process, and fills a result.
 *
 * Threads: kiln_execute() may be called from several threads at once; at
 * most `slots` exec runs (and `warm_slots` runs per warm language) proceed
 * together and the others wait for a free slot; a warm language's wait is
 * bounded (queue_max, queue_wait_ms).
 * Errors: functions that can fail return -1 (or NULL) and write a one-line
 * message into a caller-owned buffer; nothing in the library exits.
 * kiln_execute() tells its errors apart (enum kiln_error).
 */
#ifndef KILN_H
#define KILN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_VERSION "0.1.0"

/* How a stage (compile or run) ended. The first three letters of each
 * name are what the CLI, the JSON and the HTTP API print. */
enum kiln_status {
    KILN_OK = 0, /* exited with code 0 */
    KILN_RE,     /* runtime error: exited with a non-zero code */
    KILN_SG,     /* killed by a signal it raised or received */
    KILN_TO,     /* time limit: CPU time or wall time */
    KILN_ML,     /* memory limit: the kernel's OOM killer fired in its cgroup */
    KILN_OL,     /* output limit: stdout or stderr grew past its limit */
    KILN_CE,     /* compile error (overall status only) */
    KILN_XX,     /* the sandbox failed, not the program: see `message` */
};

const char *kiln_status_name(enum kiln_status status);

/* Limits of one stage. Zero in a request means "the engine's default";
 * every value is then checked against the engine's maxima. */
struct kiln_limits {
    uint32_t cpu_ms;     /* CPU time of all processes of the run */
    uint32_t wall_ms;    /* wall-clock time from start to exit */
    uint32_t mem_kib;    /* memory of all processes, page cache included */
    uint32_t procs;      /* processes and threads alive at once */
    uint32_t output_kib; /* bytes kept of stdout and of stderr, each */
    uint32_t fsize_kib;  /* largest file the run may write */
    uint32_t disk_kib;   /* size of each writable tmpfs (/box, /tmp, ...) */
    uint32_t nofile;     /* open file descriptors per process */
};

/* One row of the limits table: used by the CLI, the config file and the
 * HTTP APIs so that every front end names, bounds and documents a limit
 * the same way. */
struct kiln_limit_field {
    const char *name; /* "cpu_ms", "mem_kib", ... */
    size_t offset;    /* offset of the uint32_t in struct kiln_limits */
    uint32_t min, max;
    const char *unit;
    const char *what;
};
extern const struct kiln_limit_field kiln_limit_fields[];
extern const size_t kiln_limit_field_count;

/* Fills `dst` where it is zero from `defaults`, then checks every value
 * against [field.min, min(field.max, maxima)]. Returns -1 naming the first
 * field out of range. */
int kiln_limits_resolve(struct kiln_limits *dst, const struct kiln_limits *defaults,
                        const struct kiln_limits *maxima, char *err, size_t errlen);

struct kiln_config {
    const char *languages_dir; /* folder of *.lang definitions */
    unsigned slots;            /* exec runs that may proceed at once */
    /* Warm languages (python): each has a pool of its own. */
    unsigned warm_slots;       /* the most runs of one warm language at once: the jail
                                * slots its pool owns, and the most children it keeps
                                * forked ahead */
    unsigned warm_min;         /* children kept forked ahead when the pool is idle (at
                                * most warm_slots; more means warm_slots). Demand raises
                                * the number up to warm_slots */
    uint32_t warm_idle_ms;     /* a child ahead beyond warm_min that waited this long
                                * unused is retired (0: as soon as the pool is idle) */
    unsigned queue_max;        /* requests that may wait for a slot of one warm pool;
                                * one more fails at once with KILN_ERR_BUSY (0: none
                                * waits, not even for a slot being emptied after a run) */
    uint32_t queue_wait_ms;    /* longest wait for a warm slot; then KILN_ERR_BUSY */
    uint32_t artifact_cache_kib; /* compiled programs kept in memory, by their sources,
                                  * language and compile limits, so that the same program
                                  * submitted again is not compiled again (0: no cache) */
    const char *zygote_exe;    /* binary that runs kiln_zygote_main; NULL: /proc/self/exe */
    uint32_t uid_base;         /* each slot claims a free uid (= gid) from uid_base ..
                                * uid_base+999, locked in /run/kiln, so that engines
                                * running at once never share one */
    const char *cgroup_name;   /* folder kiln creates under each hierarchy */
    struct kiln_limits run_defaults, run_maxima;
    struct kiln_limits compile_defaults, compile_maxima;
    unsigned session_slots;    /* sessions open at once (kiln_session_open), each with
                                * a slot and a process of its own */
};

/* Defaults: the compiled-in languages folder, 2 slots, 4 warm slots of which
 * 2 are kept forked ahead when idle (warm_min 2), warm_idle_ms 30000,
 * queue_max 64, queue_wait_ms 10000, 8 session slots, uid 62000, "kiln". */
void kiln_config_init(struct kiln_config *cfg);

typedef struct kiln_engine kiln_engine;

/* Needs root. Builds the jail's root filesystem, cgroups and seccomp
 * filter, and reads the language definitions. */
kiln_engine *kiln_engine_create(const struct kiln_config *cfg, char *err, size_t errlen);
/* Removes every cgroup and namespace the engine made. Accepts NULL. Warm
 * pools drain first: a kiln_execute waiting for a warm slot fails with
 * KILN_ERR_BUSY, one running finishes. No kiln_execute may start once
 * this is called, and exec runs must have returned. */
void kiln_engine_destroy(kiln_engine *engine);

/* A source file. `name` is relative, may hold subfolders, never "..". */
/* True if name is acceptable as a kiln_file name: relative, no empty, "."
 * or ".." component, no control characters, at most 255 bytes a component
 * and 1024 in all. kiln_execute refuses any other. */
bool kiln_file_name_valid(const char *name);
struct kiln_file {
    const char *name;
    const char *data;
    size_t len;
};

/* One input of a program run once per input (a judge's test case). */
struct kiln_case {
    const char *stdin_data; /* may be NULL */
    size_t stdin_len;
};
#define KILN_CASES_MAX 64

/* How a program runs. */
enum kiln_mode {
    KILN_MODE_SCRIPT = 0,    /* as `python3 main.py` or `node main.js` would */
    KILN_MODE_INTERPRET = 1, /* as a REPL would: the value of the last expression
                              * (JavaScript and TypeScript: or of a top-level
                              * `return`; awaited when it is a promise) comes back
                              * in kiln_stage.value_*, top-level await is allowed,
                              * and `context` is the program's global `context`.
                              * Warm languages only (javascript, typescript,
                              * python) */
};
/* Events while a request runs, for a caller that streams them (the HTTP
 * service's Server-Sent Events). Called on the thread inside kiln_execute,
 * in order, while the supervisor waits: a callback must be quick and must
 * not call into the engine. Pointers are valid during the call only. */
enum kiln_event_type {
    KILN_EVENT_START,          /* a stage's program started */
    KILN_EVENT_STDOUT,         /* data, len: bytes it wrote, as kept (never past the
                                * output limit) */
    KILN_EVENT_STDERR,
    KILN_EVENT_VIOLATION,      /* syscall: the first denial of that call in this stage */
    KILN_EVENT_MEMORY_WARNING, /* the stage's memory reached 80 % of its limit: once a
                                * stage, mem_kib (peak so far) and limit_kib */
};
struct kiln_event {
    enum kiln_event_type type;
    const char *stage;  /* "compile" or "run" */
    int case_index;     /* with cases, the case (0-based); else -1 */
    const char *data;   /* STDOUT, STDERR */
    size_t len;
    const char *syscall; /* VIOLATION */
    uint64_t mem_kib, limit_kib; /* MEMORY_WARNING */
};
typedef void (*kiln_event_fn)(const struct kiln_event *event, void *arg);

struct kiln_request {
    const char *language;           /* a name or an alias */
    const struct kiln_file *files;  /* files[0] is the entry point */
    size_t nfiles;
    const char *stdin_data;         /* may be NULL; ignored when there are cases */
    size_t stdin_len;
    /* ncases > 0: compile once, then run once per case, each run a fresh
     * process in a fresh jail with the case's stdin; results in
     * kiln_result.cases. At most KILN_CASES_MAX. */
    const struct kiln_case *cases;
    size_t ncases;
    const char *const *args;        /* program arguments, after the run command */
    size_t nargs;
    struct kiln_limits run_limits;     /* zeros: engine defaults */
    struct kiln_limits compile_limits; /* zeros: engine defaults */
    /* > 0: an fd watched while the request runs, typically the socket of
     * the client that asked for it; when it hangs up (POLLRDHUP, POLLHUP,
     * POLLERR) the run is stopped and ends as XX "cancelled". 0: none. */
    int hangup_fd;
    enum kiln_mode mode;
    /* Interpret mode: JSON text (an object, usually) given to the program as
     * its global `context`; NULL: none. The caller checks that it is JSON. */
    const char *context;
    size_t context_len;
    kiln_event_fn on_event;         /* NULL: no events */
    void *event_arg;
    /* An interactive run (the HTTP service's WebSocket). stdin_fd > 0: the
     * run stage reads its stdin from this descriptor, typically the read
     * end of a pipe the caller writes to as input comes, instead of
     * stdin_data; the compile stage's stdin stays empty. The caller keeps
     * and closes it. Not with cases, not in interpret mode. */
    int stdin_fd;
    /* > 0: signals for the running stage, from a pipe's read end: each byte
     * read is a signal number (SIGHUP, SIGINT, SIGQUIT, SIGKILL, SIGUSR1,
     * SIGUSR2, SIGTERM; others are ignored), sent to every process of the
     * program. End of file (the write end closed) cancels the run as XX
     * "cancelled", as a hangup of hangup_fd does. */
    int signal_fd;
};

#define KILN_DENIED_MAX 16

struct kiln_stage {
    enum kiln_status status;
    int exit_code;      /* valid when the process exited */
    int signal;         /* the killing signal, or 0 */
    char *out;          /* stdout, NUL-terminated; may hold other NULs */
    size_t out_len;
    bool out_truncated;
    char *err;          /* stderr */
    size_t err_len;
    bool err_truncated;
    uint64_t cpu_ms;
    uint64_t wall_ms;
    uint64_t mem_kib;   /* peak memory of the run's cgroup */
    char message[256];  /* why, for anything but OK and RE; else "" */
    /* Security events: the calls the seccomp policy denied (with EPERM),
     * by syscall, in the order first tried; denied_total counts all. */
    struct kiln_denied {
        const char *syscall; /* static string, e.g. "mount" */
        uint32_t count;
    } denied[KILN_DENIED_MAX];
    unsigned ndenied;
    uint32_t denied_total;
    /* Interpret mode: the program's value. value_text is its representation
     * in the language (repr(), util.inspect), NULL when the program ended
     * without one (an error, an exit, no final expression); value_json is
     * the same value as JSON text, checked to be valid JSON, NULL when the
     * value has no JSON form (a function, undefined, NaN, a cycle). Each is
     * at most the output limit; value_truncated says the text was cut. */
    char *value_text;
    char *value_json;
    bool value_truncated;
};

struct kiln_result {
    enum kiln_status status; /* CE if compilation failed, else run.status; with cases,
                              * the status of the first case that was not OK, or OK */
    bool compiled;           /* the language has a compile step, and it ran or its
                              * artifacts came from the cache */
    bool cached;             /* they came from the cache: `compile` then holds the
                              * compiler's output of the first time, with zero times,
                              * because nothing ran */
    struct kiln_stage compile;
    struct kiln_stage run;   /* without cases; unused (zero) with cases */
    struct kiln_stage *cases; /* with cases: one per case, in order; fewer than asked
                               * (ncases) only after a failed compilation (then none) */
    size_t ncases;
    char language[32];       /* canonical name */
    char version[64];        /* "" unless kiln_language_version ran before */
};

/* Why kiln_execute produced no result. All are negative: `rc < 0` is an error. */
enum kiln_error {
    KILN_ERR_INVALID = -1,  /* the request is wrong: unknown or unavailable language,
                             * bad files, a limit out of range */
    KILN_ERR_BUSY = -2,     /* no slot: the warm pool's queue is full, the wait passed
                             * queue_wait_ms, its runtime is restarting, or the engine
                             * is shutting down. Retry later */
    KILN_ERR_INTERNAL = -3, /* the engine could not run it: a runtime would not start,
                             * out of memory, the jail could not be set up */
    KILN_ERR_GONE = -4,     /* the session has ended; kiln_session_info says why */
};

/* Runs a request to completion. Returns 0 when a result was produced (its
 * status may still be XX when the sandbox failed mid-run), or an enum
 * kiln_error with the reason in err. Free the result with kiln_result_free
 * (after an error there is nothing to free). */
int kiln_execute(kiln_engine *engine, const struct kiln_request *req,
                 struct kiln_result *result, char *err, size_t errlen);
void kiln_result_free(struct kiln_result *result);
/* The run that decided the result's status: `run`, or with cases the
 * first case that was not OK (the last when all were OK). */
const struct kiln_stage *kiln_result_deciding_run(const struct kiln_result *result);

/* ---- sessions: one jailed process kept across runs ("cells") ----
 *
 * A session is a process of a warm language (javascript, typescript,
 * python) in a slot of its own, under its own uid, cgroup and network
 * namespace, forked from the language's zygote like any warm run but kept:
 * each cell runs in interpret mode in that process, with the variables,
 * functions, imports and /box files the cells before it left. Nothing
 * else ever runs in it. mem_kib and procs bound the process for its whole
 * life; cpu_ms, wall_ms and output_kib bound each cell. A cell that dies
 * or is killed at a limit ends the session (JavaScript stops a cell at its
 * time limits itself and the session lives on). */
typedef struct kiln_session kiln_session;

struct kiln_session_options {
    const char *language;      /* a warm language, by name or alias */
    struct kiln_limits limits; /* zeros: the engine's run defaults */
};

struct kiln_cell {
    const char *code;
    size_t code_len;
    const char *stdin_data; /* may be NULL */
    size_t stdin_len;
    const char *context;    /* JSON text, the cell's global `context`; may be NULL */
    size_t context_len;
};

struct kiln_session_info {
    char language[32];
    char version[64];
    bool alive;
    bool running;         /* a cell is running now */
    char ended[256];      /* why it ended; "" while alive */
    uint64_t cells;       /* cells run */
    uint64_t cpu_ms;      /* all its cells' */
    uint64_t mem_kib;     /* in use now; 0 once ended */
    uint64_t peak_mem_kib; /* the highest peak of one cell */
    struct kiln_limits limits;
};

/* Opens a session: its slot, its process started and warm. Returns 0, or
 * KILN_ERR_INVALID (not a warm language, limits out of range),
 * KILN_ERR_BUSY (every session slot is taken: engine cfg.session_slots)
 * or KILN_ERR_INTERNAL, with err. */
int kiln_session_open(kiln_engine *engine, const struct kiln_session_options *opts,
                      kiln_session **out, char *err, size_t errlen);
/* Runs one cell in the session; cells of one session run one at a time
 * (a second call waits). Fills res like kiln_execute in interpret mode
 * (res->run). Returns 0, KILN_ERR_GONE when the session had already
 * ended, or KILN_ERR_INTERNAL. */
int kiln_session_execute(kiln_session *session, const struct kiln_cell *cell,
                         struct kiln_result *res, char *err, size_t errlen);
/* Never waits for a running cell. */
void kiln_session_info(kiln_session *session, struct kiln_session_info *out);
/* From any thread: ends the session now, `why` becoming its `ended`; a
 * running cell ends at once (its status says it was killed). */
void kiln_session_kill(kiln_session *session, const char *why);
/* Ends the session (graceful: after the running cell, if any; else at
 * once) and frees it. Close every session before kiln_engine_destroy. */
void kiln_session_close(kiln_session *session, bool graceful);

/* Language definitions as loaded, whether or not their toolchain is here. */
struct kiln_language_info {
    const char *name;
    const char *display;
    const char *aliases;   /* space-separated */
    const char *source;    /* default entry file name */
    const char *packages;  /* Debian packages of its toolchain, space-separated; may be "" */
    bool compiled;
    bool available;        /* its commands resolve inside the jail */
    const char *missing;   /* the command that did not resolve, or NULL */
};
size_t kiln_language_count(const kiln_engine *engine);
/* By name or alias (case-insensitive); -1 if unknown. */
int kiln_language_lookup(const kiln_engine *engine, const char *name,
                         struct kiln_language_info *out);
/* By the ending of a file name ("hello.c" -> c); -1 if none claims it. */
int kiln_language_for_file(const kiln_engine *engine, const char *filename,
                           struct kiln_language_info *out);
int kiln_language_get(const kiln_engine *engine, size_t index, struct kiln_language_info *out);
/* Runs the language's version command in the jail once per engine (then
 * cached) and writes the version number it printed ("3.11.2"). */
int kiln_language_version(kiln_engine *engine, const char *language, char *buf, size_t buflen,
                          char *err, size_t errlen);

/* Warm pools (python today): forked-ahead children per language. */
#define KILN_STATUS_COUNT 8
#define KILN_LATENCY_BUCKETS 12
/* Upper bounds of the latency buckets, in microseconds; the last is UINT64_MAX. */
extern const uint64_t kiln_latency_bounds_us[KILN_LATENCY_BUCKETS];
struct kiln_pool_stats {
    unsigned slots;      /* the most runs at once (warm_slots), one child per slot */
    unsigned min;        /* children kept forked ahead when idle (warm_min) */
    unsigned target;     /* children the pool keeps forked ahead now: min..slots */
    unsigned busy;       /* slots running a request */
    unsigned ready;      /* idle slots whose child is forked, waiting */
    unsigned queued;     /* requests waiting for a slot */
    bool alive;          /* the zygote is running */
    uint64_t runs;       /* requests that produced a result */
    uint64_t restarts;   /* times the zygote was found dead */
    uint64_t rejected;   /* requests refused with KILN_ERR_BUSY */
    uint64_t spawned;    /* children forked (ahead or on a request's path) */
    uint64_t reaped;     /* children ahead retired after warm_idle_ms unused */
    uint64_t stuck;      /* times a used slot's processes could not all be killed:
                          * the slot is held out of use and tried again */
    uint64_t by_status[KILN_STATUS_COUNT];
    uint64_t latency[KILN_LATENCY_BUCKETS]; /* submit to result, per bucket */
};
/* Figures of a warm language's pool; -1 if the language is not warm. */
int kiln_pool_stats(kiln_engine *engine, const char *language, struct kiln_pool_stats *out);
/* Starts every warm pool now (a server calls it once at start; otherwise a
 * pool starts on its language's first request). */
int kiln_engine_warm(kiln_engine *engine, char *err, size_t errlen);

/* A warm runtime's zygote is a fresh exec of a binary (config.zygote_exe,
 * by default the running one) with argv[0] "kiln-zygote": never a copy of
 * the engine's memory, which holds other users' data. A program embedding
 * libkiln calls this first thing in main:
 *     if (!strcmp(argv[0], "kiln-zygote")) return kiln_zygote_main(argc, argv);
 * It returns only when argv is not a zygote's. */
int kiln_zygote_main(int argc, char **argv);

/* The compiled-artifact cache (config.artifact_cache_kib). */
struct kiln_cache_stats {
    uint64_t hits, misses;  /* lookups of compiled languages */
    uint64_t stored;        /* compilations added */
    uint64_t evicted;       /* entries dropped for room, least recently used first */
    uint64_t entries, bytes; /* now; bytes of sources and artifacts */
    uint64_t max_bytes;
};
void kiln_cache_stats(kiln_engine *engine, struct kiln_cache_stats *out);

/* What the jail uses on this host, for `kiln check`. */
struct kiln_host_report {
    const char *cgroup_version; /* "v1" or "v2" */
    bool cg_memory, cg_pids, cg_cpu;
    unsigned seccomp_rules;
    unsigned slots;
    uint32_t uid_base;          /* the uid of slot 0 */
};
void kiln_engine_report(const kiln_engine *engine, struct kiln_host_report *out);

#ifdef __cplusplus
}
#endif
#endif
