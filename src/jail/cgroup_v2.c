/* cgroup_v2.c — the cgroup v2 backend: one folder in the unified hierarchy,
 * per Documentation/admin-guide/cgroup-v2.rst. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail/cgroup_impl.h"
#include "util/err.h"

#define V2_SUBTREE "cgroup.subtree_control"

/* Controllers a slot needs from its parents; only memory is mandatory. */
static const char *const v2_controllers[] = {"memory", "pids", "cpu"};

/* Enables the controllers for dir's children (a parent hook of
 * cg_slot_add_dir). One write per controller, because a multi-controller
 * write is all-or-nothing and a host may lack pids or cpu. Controllers
 * already on are not written again: a non-root parent holding processes
 * (the no-internal-process rule, root exempt) refuses even a no-op. */
static int v2_enable_controllers(int dirfd, const char *dir, char *err, size_t errlen)
{
    char on[512];
    if (cg_read_file(dirfd, dir, V2_SUBTREE, on, sizeof on, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < sizeof v2_controllers / sizeof v2_controllers[0]; i++) {
        char op[32];
        if (cg_has_word(on, v2_controllers[i]))
            continue;
        snprintf(op, sizeof op, "+%s", v2_controllers[i]);
        if (i > 0) {
            /* Without pids or cpu the slot still works, unlimited there. */
            char ignored[256];
            (void)cg_write_file(dirfd, dir, V2_SUBTREE, op, ignored, sizeof ignored);
            continue;
        }
        if (cg_write_file(dirfd, dir, V2_SUBTREE, op, err, errlen) == 0)
            continue;
        if (errno == EBUSY)
            return err_set(err, errlen, "write %s/%s \"+memory\": %m (processes in %s: move them "
                           "into a child group first)", dir, V2_SUBTREE, dir);
        return -1;
    }
    return 0;
}

static int v2_create(struct cg_slot *slot, const struct cg_host *host, const char *group,
                     char *err, size_t errlen)
{
    /* All three controllers live in the one folder: the later indexes
     * share the first's fd (cg_slot_add_dir sees the same path). */
    for (int i = 0; i < CG_NCTL; i++)
        if (cg_slot_add_dir(slot, i, host->memory, group, v2_enable_controllers, err, errlen) < 0)
            return -1;
    slot->fresh = slot->created[CG_CTL_MEMORY];
    return 0;
}

static int v2_set_limits(struct cg_slot *slot, uint64_t mem_bytes, uint32_t pids_max, char *err,
                         size_t errlen)
{
    int fd = slot->dirfd[CG_CTL_MEMORY];
    const char *dir = slot->path[CG_CTL_MEMORY];
    char val[32] = "max";
    if (mem_bytes)
        snprintf(val, sizeof val, "%" PRIu64, mem_bytes);
    if (cg_write_file(fd, dir, "memory.max", val, err, errlen) < 0)
        return -1;
    /* memory.max does not count swap: without this a run could page out
     * and use more than mem_bytes in all. Absent without swap accounting. */
    if (cg_file_exists(fd, "memory.swap.max") &&
        cg_write_file(fd, dir, "memory.swap.max", "0", err, errlen) < 0)
        return -1;
    if (!cg_file_exists(fd, "pids.max")) /* no pids controller on this host */
        return 0;
    snprintf(val, sizeof val, "max");
    if (pids_max)
        snprintf(val, sizeof val, "%" PRIu32, pids_max);
    return cg_write_file(fd, dir, "pids.max", val, err, errlen);
}

static void v2_close_peak(struct cg_slot *slot)
{
    if (slot->peak_fd >= 0)
        close(slot->peak_fd);
    slot->peak_fd = -1;
}

/* Kernels before 6.12 cannot reset memory.peak, whose value then runs from
 * the folder's creation: make a new folder (~230 us a run, on those
 * kernels only). A folder nothing has joined since it was made is skipped. */
static int v2_recreate(struct cg_slot *slot, char *err, size_t errlen)
{
    const char *dir = slot->path[CG_CTL_MEMORY];
    if (!slot->fresh) {
        v2_close_peak(slot);
        if (rmdir(dir) < 0)
            return err_set(err, errlen, "rmdir %s: %m", dir);
        if (mkdir(dir, 0755) < 0)
            return err_set(err, errlen, "mkdir %s: %m", dir);
        int fd = cg_open(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY);
        if (fd < 0)
            return err_set(err, errlen, "open %s: %m", dir);
        close(slot->dirfd[CG_CTL_MEMORY]);
        for (int i = 0; i < CG_NCTL; i++)
            slot->dirfd[i] = fd;
        slot->created[CG_CTL_MEMORY] = true;
        slot->fresh = true;
        if (slot->limits_set &&
            v2_set_limits(slot, slot->mem_bytes, slot->pids_max, err, errlen) < 0)
            return -1;
    }
    if (slot->peak_fd < 0) {
        slot->peak_fd = cg_open(slot->dirfd[CG_CTL_MEMORY], "memory.peak", O_RDONLY);
        if (slot->peak_fd < 0)
            return err_set(err, errlen, "open %s/memory.peak: %m", dir);
    }
    return 0;
}

/* The reset is per open file (a write of any non-empty string resets the
 * peak seen through that fd), so the fd stays open for the slot's life.
 * On kernels without the write handler the read-write open fails (EACCES):
 * those fall back to recreating the folder. */
static int v2_reset_peak(struct cg_slot *slot, char *err, size_t errlen)
{
    int dirfd = slot->dirfd[CG_CTL_MEMORY];
    if (slot->peak_mode == CG_PEAK_UNKNOWN) {
        if (!cg_file_exists(dirfd, "memory.peak")) { /* before Linux 5.19 */
            slot->peak_mode = CG_PEAK_ABSENT;
            return 0;
        }
        slot->peak_fd = cg_open(dirfd, "memory.peak", O_RDWR);
        slot->peak_mode = slot->peak_fd >= 0 ? CG_PEAK_RESET_FD : CG_PEAK_RECREATE;
    }
    if (slot->peak_mode == CG_PEAK_RESET_FD) {
        ssize_t n;
        do
            n = pwrite(slot->peak_fd, "reset", 5, 0);
        while (n < 0 && errno == EINTR);
        if (n == 5)
            return 0;
        v2_close_peak(slot);
        slot->peak_mode = CG_PEAK_RECREATE;
    }
    return slot->peak_mode == CG_PEAK_RECREATE ? v2_recreate(slot, err, errlen) : 0;
}

static int v2_read_cpu_usec(struct cg_slot *slot, uint64_t *usec, char *err, size_t errlen)
{
    /* cpu.stat and its usage_usec exist even where the cpu controller is
     * not enabled (the core provides them). */
    return cg_read_key_u64(slot->dirfd[CG_CTL_MEMORY], slot->path[CG_CTL_MEMORY], "cpu.stat",
                           "usage_usec", usec, NULL, err, errlen);
}

static int v2_read_oom(struct cg_slot *slot, uint64_t *kills, char *err, size_t errlen)
{
    return cg_read_key_u64(slot->dirfd[CG_CTL_MEMORY], slot->path[CG_CTL_MEMORY],
                           "memory.events", "oom_kill", kills, &slot->has_oom_kill, err, errlen);
}

static int v2_prepare(struct cg_slot *slot, char *err, size_t errlen)
{
    if (v2_reset_peak(slot, err, errlen) < 0 ||
        v2_read_cpu_usec(slot, &slot->cpu_base, err, errlen) < 0)
        return -1;
    return v2_read_oom(slot, &slot->oom_base, err, errlen);
}

static int v2_attach(struct cg_slot *slot, pid_t pid, char *err, size_t errlen)
{
    if (cg_procs_attach(slot, pid, err, errlen) < 0)
        return -1;
    slot->fresh = false;
    return 0;
}

static int v2_cpu_ns(struct cg_slot *slot, uint64_t *ns, char *err, size_t errlen)
{
    uint64_t usec;
    if (v2_read_cpu_usec(slot, &usec, err, errlen) < 0)
        return -1;
    *ns = cg_since(usec, slot->cpu_base) * 1000;
    return 0;
}

static int v2_read_peak(struct cg_slot *slot, uint64_t *bytes, char *err, size_t errlen)
{
    char what[PATH_MAX + 16];
    snprintf(what, sizeof what, "%s/memory.peak", slot->path[CG_CTL_MEMORY]);
    *bytes = 0;
    if (slot->peak_fd >= 0)
        return cg_fd_read_u64(slot->peak_fd, what, bytes, err, errlen);
    /* Before any prepare: the peak since the folder was made, if known. */
    if (slot->peak_mode == CG_PEAK_ABSENT ||
        !cg_file_exists(slot->dirfd[CG_CTL_MEMORY], "memory.peak"))
        return 0;
    return cg_read_u64(slot->dirfd[CG_CTL_MEMORY], slot->path[CG_CTL_MEMORY], "memory.peak",
                       bytes, err, errlen);
}

static int v2_usage(struct cg_slot *slot, struct cg_usage *out, char *err, size_t errlen)
{
    uint64_t kills;
    if (v2_cpu_ns(slot, &out->cpu_ns, err, errlen) < 0 ||
        v2_read_peak(slot, &out->mem_peak_bytes, err, errlen) < 0 ||
        v2_read_oom(slot, &kills, err, errlen) < 0)
        return -1;
    out->oom_kills = cg_since(kills, slot->oom_base);
    return 0;
}

/* cgroup.kill (Linux 5.14) kills the whole group at once and copes with
 * forks in flight, which a loop over cgroup.procs cannot; the loop remains
 * for older kernels. Either way, wait until the group is empty. */
static int v2_kill_all(struct cg_slot *slot, char *err, size_t errlen)
{
    int fd = slot->dirfd[CG_CTL_MEMORY];
    if (!cg_file_exists(fd, "cgroup.kill"))
        return cg_procs_drain(slot, true, err, errlen);
    int n = cg_procs_count(slot, err, errlen);
    if (n <= 0)
        return n;
    if (cg_write_file(fd, slot->path[CG_CTL_MEMORY], "cgroup.kill", "1", err, errlen) < 0 ||
        cg_procs_drain(slot, false, err, errlen) < 0)
        return -1;
    return n;
}

/* On v2 the unified root must offer memory: a hybrid host may mount an
 * empty cgroup2 while v1 was not mounted at all (or holds nothing we use). */
int cg_v2_check_host(const struct cg_host *host, char *err, size_t errlen)
{
    char list[512];
    int fd = cg_open(AT_FDCWD, host->memory, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return err_set(err, errlen, "open %s: %m", host->memory);
    int rc = cg_read_file(fd, host->memory, "cgroup.controllers", list, sizeof list, err, errlen);
    close(fd);
    if (rc == 0 && !cg_has_word(list, "memory")) {
        errno = ENOTSUP;
        rc = err_set(err, errlen, "cgroup v2 at %s does not offer the memory controller",
                     host->memory);
    }
    return rc;
}

const struct cg_ops cg_v2_ops = {
    .create = v2_create,
    .set_limits = v2_set_limits,
    .prepare = v2_prepare,
    .attach = v2_attach,
    .cpu_ns = v2_cpu_ns,
    .usage = v2_usage,
    .kill_all = v2_kill_all,
    .release = v2_close_peak,
};
