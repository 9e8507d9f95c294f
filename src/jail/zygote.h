/* zygote.h — warm runtimes: a process inside the jail with a language
 * runtime initialised once, forking sandboxed children ahead of demand. */
#ifndef KILN_JAIL_ZYGOTE_H
#define KILN_JAIL_ZYGOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "jail/jail.h"

/* What a child received: its files are already written in /box, its stdin
 * is fd 0, and stdout and stderr are fds 1 and 2. */
struct zygote_job {
    const char *entry;        /* the entry file's name, in /box */
    char *const *args;        /* the program's arguments (after the entry) */
    size_t nargs;
    uint32_t cpu_ms, wall_ms; /* the run's time limits (the supervisor enforces them) */
    /* Interpret mode: the entry is evaluated the way a REPL would, and the
     * value of its last expression (or of a top-level return) is written
     * to result_fd as its text representation, a NUL, then its JSON (none
     * when it has no JSON form). context (JSON text, may be NULL) becomes
     * the program's global `context`. */
    bool interpret;
    const char *context;
    size_t context_len;
    int result_fd;            /* -1 unless interpret */
    /* A session's cell: the program's globals are those the cells before
     * it left; the runtime must return, not end the process, unless the
     * program asked to exit (then it sets end_session). */
    bool session;
    bool end_session;         /* out */
    uint32_t verdict;         /* out: enum msg_verdict, when the runtime stopped
                               * the program at a limit itself */
};

/* A language runtime, called only inside the jail. init runs once in the
 * zygote, as root but with no request data in reach; everything else runs
 * in a child after its sandbox is on. */
struct zygote_runtime {
    const char *name;
    /* In the engine: NULL if the runtime can start here, else what is
     * missing (shown by `kiln languages`). NULL hook: always available. */
    const char *(*missing)(void);
    /* In the zygote, before it enters the jail's root (host paths are still
     * visible): loads what init needs. NULL hook: nothing to load. */
    int (*load)(char *err, size_t errlen);
    int (*init)(char *version, size_t versionlen, char *err, size_t errlen);
    void (*before_fork)(void);
    void (*after_fork_parent)(void);
    void (*after_fork_child)(void);
    /* Before the request: take the copy-on-write faults a run would. l is
     * what the child was born with (its memory limit bounds a heap). */
    int (*prepare)(const struct kiln_limits *l, char *err, size_t errlen);
    /* Runs the job; returns the exit code of the process. */
    int (*run)(struct zygote_job *job);
    /* A runtime that stops its program itself at the time limits: how long
     * after them the supervisor's kill waits, so that the program ends with
     * its output written and the limit reported (0: kill at the limit). */
    uint32_t stop_grace_ms;
};

struct zygote;

/* Forks the zygote into a new PID namespace, where it execs exe (the kiln
 * binary; NULL: /proc/self/exe) as "kiln-zygote RUNTIME", and waits until
 * its runtime is initialised. The version is then in zygote_version(). */
struct zygote *zygote_create(const char *exe, struct jail *jail, const struct zygote_runtime *rt,
                             char *err, size_t errlen);
/* The zygote's side: what the kiln binary runs when argv[0] is
 * "kiln-zygote". Does not return unless argv is not a zygote's (125). */
int zygote_exec_main(const struct zygote_runtime *rt, int argc, char **argv);
/* Kills the zygote and, with its namespace, every child. Accepts NULL. */
void zygote_destroy(struct zygote *z);
const char *zygote_version(const struct zygote *z);
/* False once the zygote has died; its children are then gone too. */
bool zygote_alive(struct zygote *z);

/* A child forked ahead for one slot, with limits fixed at its birth. */
struct zygote_child {
    int req_fd;      /* engine <-> child: READY, then the request */
    int status_fd;   /* zygote -> engine: the child's wait status */
    int out_fd, err_fd;
    int listener_fd; /* its seccomp listener, from READY (denials.h) */
    bool ready;
    bool started;      /* a session's child has run a cell: from then on
                        * its channel is the program's word */
    uint32_t grace_ms; /* the runtime's stop_grace_ms */
    struct kiln_limits limits;
};

/* Asks the zygote for a child in slot; returns at once (the child gets
 * ready in the background). */
int zygote_spawn(struct zygote *z, struct jail *jail, unsigned slot, const struct kiln_limits *l,
                 struct zygote_child *child, char *err, size_t errlen);
/* True when a child born with `have` limits can serve `want`: the limits
 * set at birth (rlimits, tmpfs sizes) must match; memory, processes and
 * time are the cgroup's and the supervisor's, set per run. */
bool zygote_child_fits(const struct kiln_limits *have, const struct kiln_limits *want);
void zygote_child_close(struct zygote_child *child);

struct zygote_request {
    const struct jail_file *files; /* files[0] is the entry point */
    size_t nfiles;
    const char *const *args;
    size_t nargs;
    const char *stdin_data;
    size_t stdin_len;
    int hangup_fd; /* > 0: cancel the run when it hangs up (kiln.h) */
    int stdin_fd;  /* > 0: stdin is this fd, not stdin_data (kiln.h) */
    int signal_fd; /* > 0: signals for the run (kiln.h) */
    bool interpret; /* zygote_job.interpret; the value comes back in
                     * jail_outcome.value */
    const char *context; /* JSON text or NULL */
    size_t context_len;
    const struct jail_events *events; /* NULL: none */
};

/* Runs req in the child (waiting for it to be ready), supervised like any
 * run. The child is used up. What the run left in the slot's cgroup has
 * been signalled but may not be gone yet: call jail_slot_clear before the
 * slot gets its next child. */
int zygote_run(struct jail *jail, unsigned slot, struct zygote_child *child,
               const struct zygote_request *req, const struct kiln_limits *l,
               struct jail_outcome *out, char *err, size_t errlen);

/* A session: one child kept across requests ("cells"), each run in the
 * process the cells before it left, with its globals. The child must have
 * been spawned for the session's slot; it is the session's alone. Runs one
 * cell like zygote_run, in interpret mode. *alive tells whether the
 * session's process is still there to take the next cell: false after an
 * exit, a kill at a limit (the status says which) or a sandbox failure;
 * the child is then closed and the slot must be cleared. */
int zygote_cell(struct jail *jail, unsigned slot, struct zygote_child *child,
                const struct zygote_request *req, const struct kiln_limits *l,
                struct jail_outcome *out, bool *alive, char *err, size_t errlen);
/* Whether a session's child has ended between cells (the zygote reported
 * its exit); never blocks. */
bool zygote_child_gone(const struct zygote_child *child);
/* Waits until a spawned child is ready (zygote_run and zygote_cell do it
 * themselves if need be); its setup failure becomes the error. */
int zygote_child_await_ready(struct zygote_child *child, char *err, size_t errlen);

#endif
