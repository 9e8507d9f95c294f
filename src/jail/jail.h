/* jail.h — run one command in a fresh jail, under limits, and report how it ended.
 *
 * A `struct jail` is made once per engine: the read-only root filesystem
 * (a template mount namespace), the compiled seccomp filter, and one slot
 * per concurrent run (cgroup, empty network namespace, uid). jail_run()
 * then runs one process tree in one slot; see jail.c for the theory of
 * operation.
 */
#ifndef KILN_JAIL_JAIL_H
#define KILN_JAIL_JAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jail/denials.h"
#include "kiln.h"
#include "util/buf.h"
#include "jail/box_path.h"

struct jail_config {
    unsigned slots;
    uint32_t uid_base;       /* slot i runs as uid and gid uid_base + i */
    const char *cgroup_name; /* e.g. "kiln": groups live at <mount>/kiln/<instance>/slotN */
};

struct jail;

struct jail *jail_create(const struct jail_config *cfg, char *err, size_t errlen);
/* Removes every cgroup the jail made and closes its namespaces. Accepts NULL. */
void jail_destroy(struct jail *jail);

/* Blocks until a slot in [lo, hi) is free; returns its index. Ranges let
 * each warm pool own its slots while exec runs share the rest. */
unsigned jail_slot_acquire(struct jail *jail, unsigned lo, unsigned hi);
void jail_slot_release(struct jail *jail, unsigned slot);
/* The same without waiting: a free slot in [lo, hi), or -1 if none is. */
int jail_slot_try_acquire(struct jail *jail, unsigned lo, unsigned hi);
/* Memory the slot's cgroup uses now, in KiB (0 if unknown). */
uint64_t jail_slot_mem_kib(struct jail *jail, unsigned slot);

struct jail_file {
    char *name;  /* relative to the working directory, validated by box_path_valid */
    char *data;
    size_t len;
    uint32_t mode; /* permission bits: 0644 or 0755 */
};

/* Where a run's events go (kiln.h's kiln_event), and what the caller
 * knows of the run that the jail does not: its stage and case. */
struct jail_events {
    kiln_event_fn fn;
    void *arg;
    const char *stage; /* "compile" or "run" */
    int case_index;    /* -1 without cases */
};

struct jail_spec {
    char *const *argv;  /* argv[0]: an absolute path, or relative to /box */
    char *const *envp;
    const struct jail_file *files; /* written into /box before the start */
    size_t nfiles;
    const char *stdin_data;
    size_t stdin_len;
    struct kiln_limits limits;     /* resolved: every field non-zero */
    bool collect;                  /* return the regular files of /box afterwards */
    int hangup_fd;                 /* > 0: cancel the run when it hangs up (kiln.h) */
    int stdin_fd;                  /* > 0: stdin is this fd, not stdin_data (kiln.h) */
    int signal_fd;                 /* > 0: signals for the run (kiln.h) */
    const struct jail_events *events; /* NULL: none */
};

struct jail_outcome {
    enum kiln_status status;   /* OK RE SG TO ML OL or XX */
    int exit_code;
    int signal;
    struct buf out, err;
    bool out_truncated, err_truncated;
    uint64_t cpu_ms, wall_ms, mem_kib;
    char message[256];
    struct denials denials;    /* syscalls the seccomp policy denied */
    struct jail_file *files;   /* with spec.collect */
    size_t nfiles;
    /* Interpret mode: what the runtime wrote as the program's value
     * (zygote_job.result_fd), at most the output limit; empty if none. */
    struct buf value;
    bool value_truncated;
};

/* Runs spec in slot. Returns 0 with the outcome filled (status XX when the
 * sandbox failed mid-way, with the reason in message), or -1 when nothing
 * could be started (err says why). Free the outcome with jail_outcome_free. */
int jail_run(struct jail *jail, unsigned slot, const struct jail_spec *spec,
             struct jail_outcome *out, char *err, size_t errlen);
void jail_outcome_free(struct jail_outcome *out);
void jail_files_free(struct jail_file *files, size_t n);

/* Finds a command the way execvp would inside the jail (PATH below), by
 * looking at the host's read-only directories the jail binds. */
int jail_resolve_command(const char *name, char *path, size_t pathlen);
#define JAIL_PATH "/usr/local/bin:/usr/bin:/bin"
/* The environment every jailed program starts from (a language may add). */
#define JAIL_BASE_ENV                                                                   \
    "PATH=" JAIL_PATH, "HOME=/box", "TMPDIR=/tmp", "LANG=C.UTF-8", "USER=kiln", \
        "LOGNAME=kiln"

/* For warm runtimes (zygote.c), which run their children in the jail's
 * slots without a keeper. */
struct cg_slot;
struct seccomp_prog;
struct supervision;
struct jail_slot_view {
    uint32_t uid;
    int net_fd;
    struct cg_slot *cg;
};
int jail_mnt_fd(const struct jail *jail);
const struct seccomp_prog *jail_seccomp(const struct jail *jail);
unsigned jail_ncpus(const struct jail *jail);
void jail_slot_view(const struct jail *jail, unsigned slot, struct jail_slot_view *out);
/* Before a run: empties the slot's cgroup (unless keep_procs: a warm
 * child is already inside), writes changed limits, resets the counters. */
int jail_slot_prepare(struct jail *jail, unsigned slot, const struct kiln_limits *l,
                      bool keep_procs, char *err, size_t errlen);
/* After a run: reads the cgroup's figures, turns what was observed into a
 * status and, with clear, kills anything left and waits for the group to
 * be empty (a warm pool does that later, off the request path). */
void jail_slot_finish(struct jail *jail, unsigned slot, const struct supervision *sv,
                      const struct kiln_limits *l, bool clear, struct jail_outcome *out);
/* Kills everything in the slot's cgroup and waits until it is empty. */
int jail_slot_clear(struct jail *jail, unsigned slot, char *err, size_t errlen);
/* A sealed memfd holding data, positioned at 0; -1 with err on failure. */
int jail_memfd(const char *name, const char *data, size_t len, char *err, size_t errlen);
/* A run's stdin: a fresh descriptor of stdin_fd when it is > 0 (an
 * interactive run's pipe, kiln.h), else a sealed memfd of data. */
int jail_stdin(int stdin_fd, const char *data, size_t len, char *err, size_t errlen);

/* What the host offers, for `kiln check`. */
struct jail_report {
    const char *cgroup_version;
    bool cg_memory, cg_pids, cg_cpu;
    unsigned seccomp_rules;
    unsigned slots;
    uint32_t uid_base;
};
void jail_report(const struct jail *jail, struct jail_report *out);

#endif
