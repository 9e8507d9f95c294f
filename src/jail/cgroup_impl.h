/* cgroup_impl.h — private to src/jail/cgroup*.c: the slot, the backend ops
 * table, and the file helpers both backends share.
 *
 * Every control file is reached with *at() calls from a directory fd taken
 * when the slot was created, so the paths below are for messages and rmdir
 * only. cgroupfs is out of the box's reach, but the habit costs nothing.
 */
#ifndef KILN_JAIL_CGROUP_IMPL_H
#define KILN_JAIL_CGROUP_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "jail/cgroup.h"

/* Index of a controller in a slot's dirfd/path arrays. */
enum { CG_CTL_MEMORY = 0, CG_CTL_PIDS = 1, CG_CTL_CPU = 2, CG_NCTL = 3 };

/* How a v2 slot gets a per-run memory peak (see cgroup_v2.c). */
enum cg_peak_mode {
    CG_PEAK_UNKNOWN = 0, /* not probed yet: the first prepare decides */
    CG_PEAK_RESET_FD,    /* kernel >= 6.12: write to memory.peak resets it for that fd */
    CG_PEAK_RECREATE,    /* older: recreate the folder so the peak starts from zero */
    CG_PEAK_ABSENT,      /* kernel < 5.19: no memory.peak, peak reported as 0 */
};

/* Index of a kept control file in cg_slot.kept_fd. */
enum { CG_KEPT_CPU = 0, CG_KEPT_PEAK = 1, CG_KEPT_OOM = 2, CG_NKEPT = 3 };

struct cg_ops;

struct cg_slot {
    const struct cg_ops *ops;
    /* dirfd[i] serves controller i, -1 if the host lacks it. Controllers
     * co-mounted in one hierarchy (always on v2) share one fd; close and
     * walk only the first occurrence (cg_slot_dir_is_first). */
    int dirfd[CG_NCTL];
    char path[CG_NCTL][PATH_MAX];
    bool created[CG_NCTL]; /* we made the leaf (so a failed create removes it) */
    /* Limits as last set, re-applied when v2 recreates the folder. */
    bool limits_set;
    uint64_t mem_bytes;
    uint32_t pids_max;
    /* Counters at cg_slot_prepare: CPU in the backend's unit, OOM kills. */
    uint64_t cpu_base;
    uint64_t oom_base;
    bool has_memsw;  /* v1: memory.memsw.* exist (swap accounting on) */
    bool has_oom_kill; /* the oom_kill counter exists (v1: kernel >= 4.13) */
    /* Control files that every run reads or writes, opened by the backend
     * when the slot is made and kept (v1: cgroup_v1.c). -1: not open. */
    int kept_fd[CG_NKEPT];
    /* v2 only. */
    int peak_fd;
    enum cg_peak_mode peak_mode;
    bool fresh; /* no process attached since the folder was made */
};

/* One backend. create fills dirfd/path/created from host and group (the
 * group is already validated); the others do what cgroup.h says. */
struct cg_ops {
    int (*create)(struct cg_slot *slot, const struct cg_host *host, const char *group,
                  char *err, size_t errlen);
    int (*set_limits)(struct cg_slot *slot, uint64_t mem_bytes, uint32_t pids_max, char *err,
                      size_t errlen);
    int (*prepare)(struct cg_slot *slot, char *err, size_t errlen);
    int (*attach)(struct cg_slot *slot, pid_t pid, char *err, size_t errlen);
    int (*cpu_ns)(struct cg_slot *slot, uint64_t *ns, char *err, size_t errlen);
    int (*usage)(struct cg_slot *slot, struct cg_usage *out, char *err, size_t errlen);
    int (*kill_all)(struct cg_slot *slot, char *err, size_t errlen);
    /* Frees backend-only resources before the folders go (may be NULL). */
    void (*release)(struct cg_slot *slot);
};

extern const struct cg_ops cg_v1_ops;
extern const struct cg_ops cg_v2_ops;

/* cg_host_detect's check of a v2 host: the unified root offers memory. */
int cg_v2_check_host(const struct cg_host *host, char *err, size_t errlen);

/* Checks a group name: relative, components of [A-Za-z0-9._-] only, no
 * "", "." or "..". Keeps a request-derived name from walking out of the
 * mount or colliding with an interface file written as a path. */
int cg_group_check(const char *group, char *err, size_t errlen);

/* Gives the slot its folder for controller i: mount/group, made one
 * component at a time from the mount root (existing folders are fine).
 * Before each component is made, hook (if not NULL) is called on its
 * parent, from the mount root down: v2 enables controllers there. If a
 * lower index already has the same mount, its fd is shared instead. */
typedef int (*cg_parent_hook)(int dirfd, const char *dir, char *err, size_t errlen);
int cg_slot_add_dir(struct cg_slot *slot, int i, const char *mount, const char *group,
                    cg_parent_hook hook, char *err, size_t errlen);

/* True when slot->dirfd[i] is open and not shared with a lower index. */
bool cg_slot_dir_is_first(const struct cg_slot *slot, int i);

/* dir/file helpers; dir is the folder's path for messages. */
/* openat with O_CLOEXEC | O_NOFOLLOW added, EINTR retried. */
int cg_open(int dirfd, const char *file, int flags);
bool cg_file_exists(int dirfd, const char *file);
int cg_write_file(int dirfd, const char *dir, const char *file, const char *val, char *err,
                  size_t errlen);
/* Reads a small file whole into buf (NUL-terminated); fails if it does not fit. */
int cg_read_file(int dirfd, const char *dir, const char *file, char *buf, size_t size, char *err,
                 size_t errlen);
/* A single decimal value; "max" reads as UINT64_MAX. */
int cg_read_u64(int dirfd, const char *dir, const char *file, uint64_t *out, char *err,
                size_t errlen);
/* The value of `key` in a flat-keyed file ("key value" lines). When found
 * is NULL a missing key is an error; otherwise *found says and *out is 0. */
int cg_read_key_u64(int dirfd, const char *dir, const char *file, const char *key,
                    uint64_t *out, bool *found, char *err, size_t errlen);
/* Reads a value from an fd kept open (offset 0 each time). */
int cg_fd_read_u64(int fd, const char *what, uint64_t *out, char *err, size_t errlen);
/* cg_read_key_u64 through an fd kept open; what names the file in messages. */
int cg_fd_read_key_u64(int fd, const char *what, const char *key, uint64_t *out, bool *found,
                       char *err, size_t errlen);

/* Parses a decimal u64 followed only by blanks; "max" gives UINT64_MAX. Pure. */
int cg_parse_u64(const char *s, uint64_t *out);
/* Whether a blank-separated list (cgroup.controllers) holds word. Pure. */
bool cg_has_word(const char *list, const char *word);

/* A counter's growth since base (never negative if the counter restarted). */
static inline uint64_t cg_since(uint64_t now, uint64_t base)
{
    return now > base ? now - base : 0;
}

/* Writes pid into cgroup.procs of every distinct folder of the slot. */
int cg_procs_attach(struct cg_slot *slot, pid_t pid, char *err, size_t errlen);
/* Number of processes listed in the slot's folders (a pid counted once
 * per folder), or -1. */
int cg_procs_count(struct cg_slot *slot, char *err, size_t errlen);
/* Rounds of: read every folder's cgroup.procs, SIGKILL what is listed (if
 * send_kill), sleep briefly; until all are empty or the rounds run out
 * (an error). Returns how many distinct pids were signalled. */
int cg_procs_drain(struct cg_slot *slot, bool send_kill, char *err, size_t errlen);

#endif
