/* cgroup.h — one memory + pids + cpu accounting cgroup per jail slot.
 *
 * Two backends behind this interface: cgroup v1 (a hierarchy per
 * controller, as on this project's machines) and cgroup v2 (the unified
 * hierarchy of current distributions). The host is probed once; a slot's
 * group is created once and reused run after run (joining an existing
 * group costs ~40 us, mkdir/rmdir per run ~230 us).
 *
 * Layout: <mount>/<group> for each controller's mount, where group is
 * e.g. "kiln/1234-5f3a/slot0". Parents are created as needed; on v2 the
 * controllers are enabled in every parent's cgroup.subtree_control.
 */
#ifndef KILN_JAIL_CGROUP_H
#define KILN_JAIL_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum cg_version { CG_NONE = 0, CG_V1 = 1, CG_V2 = 2 };

struct cg_host {
    enum cg_version version;
    /* Mount point serving each controller ("" if absent). On v2 all three
     * are the unified mount. cpu is cpuacct on v1, cpu on v2. */
    char memory[PATH_MAX];
    char pids[PATH_MAX];
    char cpu[PATH_MAX];
};

/* Pure: fills host from the text of /proc/self/mountinfo. v1 is chosen
 * when a v1 hierarchy carries the memory controller; otherwise v2 when a
 * cgroup2 mount is present (its cgroup.controllers is checked later, by
 * cg_host_detect). Fails when neither is found. */
int cg_host_parse_mountinfo(const char *text, struct cg_host *host, char *err, size_t errlen);

/* Reads /proc/self/mountinfo; on v2 also checks that the unified root
 * offers the memory controller. */
int cg_host_detect(struct cg_host *host, char *err, size_t errlen);

struct cg_usage {
    uint64_t cpu_ns;        /* CPU time of the group since cg_slot_prepare */
    uint64_t mem_peak_bytes;/* highest memory use since cg_slot_prepare */
    uint64_t oom_kills;     /* OOM kills in the group since cg_slot_prepare */
};

struct cg_slot;

/* Creates (or adopts, if it exists and is empty) the group on every
 * controller the host has. */
struct cg_slot *cg_slot_create(const struct cg_host *host, const char *group, char *err,
                               size_t errlen);
/* mem_bytes also bounds swap where the kernel accounts it (v1 memsw, v2
 * memory.swap.max = 0). pids_max of 0 leaves pids unlimited. */
int cg_slot_set_limits(struct cg_slot *slot, uint64_t mem_bytes, uint32_t pids_max, char *err,
                       size_t errlen);
/* Before each run: resets the peak and takes the CPU and OOM baselines. */
int cg_slot_prepare(struct cg_slot *slot, char *err, size_t errlen);
/* Moves pid (and its future children) into the group on every controller. */
int cg_slot_attach(struct cg_slot *slot, pid_t pid, char *err, size_t errlen);
/* CPU time since prepare; cheap, called while a run is in progress. */
int cg_slot_cpu_ns(struct cg_slot *slot, uint64_t *ns, char *err, size_t errlen);
int cg_slot_usage(struct cg_slot *slot, struct cg_usage *out, char *err, size_t errlen);
/* Memory the group uses now, page cache included (a session's, between
 * its cells). Not on the run path: it opens the file each time. */
int cg_slot_mem_current(struct cg_slot *slot, uint64_t *bytes, char *err, size_t errlen);
/* SIGKILLs whatever is still in the group until it is empty (a safety net:
 * the jail's PID namespace normally empties it). Returns how many were
 * killed, or -1. */
int cg_slot_kill_all(struct cg_slot *slot, char *err, size_t errlen);
/* Opens cgroup.procs of each of the slot's hierarchies for writing. A
 * process holding these fds joins the group by writing "0" (itself) to
 * each: a child forked ahead joins its slot before the request arrives, so
 * the cost of moving a task (an RCU grace period on v1) is off the request
 * path. Returns how many fds it opened, or -1. */
#define CG_PROCS_FDS_MAX 3
int cg_slot_open_procs(struct cg_slot *slot, int fds[CG_PROCS_FDS_MAX], char *err, size_t errlen);
/* One pass of SIGKILL over the group's processes, without waiting for them
 * to go: for the request path, when waiting would only measure the kernel
 * tearing processes down. cg_slot_kill_all must still empty the group
 * before another run uses it. Returns how many were signalled, or -1. */
int cg_slot_signal_all(struct cg_slot *slot, char *err, size_t errlen);
/* One pass of `sig` over the group's processes but `spare` (0: none): a
 * signal an interactive client sends its run. Returns how many, or -1. */
int cg_slot_signal(struct cg_slot *slot, int sig, pid_t spare, char *err, size_t errlen);
/* Kills what is left, removes the group. Accepts NULL. */
void cg_slot_destroy(struct cg_slot *slot);
/* Removes the (empty) folder `group` on every controller, e.g. the
 * engine's "kiln/1234-5f3a" once its slots are gone. Best effort. */
void cg_group_remove(const struct cg_host *host, const char *group);

const char *cg_version_name(enum cg_version v);

#endif
