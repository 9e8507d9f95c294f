/* cgroup_v1.c — the cgroup v1 backend: a folder of the same name under
 * each of the memory, pids and cpuacct hierarchies (pids and cpuacct
 * optional). Documentation/admin-guide/cgroup-v1/memory.rst. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jail/cgroup_impl.h"
#include "util/err.h"

#define V1_LIMIT "memory.limit_in_bytes"
#define V1_MEMSW "memory.memsw.limit_in_bytes"
#define V1_PEAK "memory.max_usage_in_bytes"

/* The control files every run reads or writes, opened when the slot is
 * made and kept (cg_slot.kept_fd): an open and a close of a cgroup file cost
 * more than the read, and a read from offset 0 gets fresh contents. */
static const struct {
    int ctl;
    const char *file;
    int flags;
} V1_KEPT[CG_NKEPT] = {
    [CG_KEPT_CPU] = { CG_CTL_CPU, "cpuacct.usage", O_RDONLY },
    [CG_KEPT_PEAK] = { CG_CTL_MEMORY, V1_PEAK, O_RDWR }, /* a write of 0 resets it */
    [CG_KEPT_OOM] = { CG_CTL_MEMORY, "memory.oom_control", O_RDONLY },
};

static int v1_open_kept(struct cg_slot *slot, char *err, size_t errlen)
{
    for (int i = 0; i < CG_NKEPT; i++) {
        int dirfd = slot->dirfd[V1_KEPT[i].ctl];
        if (dirfd < 0) /* cpuacct not mounted: no CPU figures */
            continue;
        slot->kept_fd[i] = cg_open(dirfd, V1_KEPT[i].file, V1_KEPT[i].flags);
        if (slot->kept_fd[i] < 0)
            return err_set(err, errlen, "open %s/%s: %m", slot->path[V1_KEPT[i].ctl],
                           V1_KEPT[i].file);
    }
    return 0;
}

static int v1_create(struct cg_slot *slot, const struct cg_host *host, const char *group,
                     char *err, size_t errlen)
{
    const char *mounts[CG_NCTL] = {host->memory, host->pids, host->cpu};
    if (!host->memory[0]) {
        errno = ENOENT;
        return err_set(err, errlen, "cgroup v1: no memory hierarchy mounted");
    }
    for (int i = 0; i < CG_NCTL; i++) {
        if (!mounts[i][0]) /* pids or cpuacct not mounted: that part is skipped */
            continue;
        if (cg_slot_add_dir(slot, i, mounts[i], group, NULL, err, errlen) < 0)
            return -1;
    }
    /* memsw exists only with swap accounting (CONFIG_MEMCG_SWAP, swapaccount=1). */
    slot->has_memsw = cg_file_exists(slot->dirfd[CG_CTL_MEMORY], V1_MEMSW);
    return v1_open_kept(slot, err, errlen);
}

static int v1_set_memory(struct cg_slot *slot, uint64_t mem_bytes, char *err, size_t errlen)
{
    int fd = slot->dirfd[CG_CTL_MEMORY];
    const char *dir = slot->path[CG_CTL_MEMORY];
    char val[32] = "-1"; /* v1's "unlimited" */
    if (mem_bytes)
        snprintf(val, sizeof val, "%" PRIu64, mem_bytes);
    if (!slot->has_memsw)
        return cg_write_file(fd, dir, V1_LIMIT, val, err, errlen);
    /* The kernel refuses (EINVAL) any step that leaves memsw below the
     * limit: when raising, lift memsw first; when lowering, the limit. */
    uint64_t cur;
    if (cg_read_u64(fd, dir, V1_LIMIT, &cur, err, errlen) < 0)
        return -1;
    bool raising = (mem_bytes ? mem_bytes : UINT64_MAX) >= cur;
    if (cg_write_file(fd, dir, raising ? V1_MEMSW : V1_LIMIT, val, err, errlen) < 0)
        return -1;
    return cg_write_file(fd, dir, raising ? V1_LIMIT : V1_MEMSW, val, err, errlen);
}

static int v1_set_limits(struct cg_slot *slot, uint64_t mem_bytes, uint32_t pids_max, char *err,
                         size_t errlen)
{
    if (v1_set_memory(slot, mem_bytes, err, errlen) < 0)
        return -1;
    if (slot->dirfd[CG_CTL_PIDS] < 0)
        return 0;
    char val[16] = "max";
    if (pids_max)
        snprintf(val, sizeof val, "%" PRIu32, pids_max);
    return cg_write_file(slot->dirfd[CG_CTL_PIDS], slot->path[CG_CTL_PIDS], "pids.max", val, err,
                         errlen);
}

/* v1_kept: what, the file's path for messages; returns its kept fd (-1 if
 * the controller is not mounted). */
static int v1_kept(const struct cg_slot *slot, int which, char *what, size_t whatlen)
{
    snprintf(what, whatlen, "%s/%s", slot->path[V1_KEPT[which].ctl], V1_KEPT[which].file);
    return slot->kept_fd[which];
}

static int v1_read_cpu(struct cg_slot *slot, uint64_t *ns, char *err, size_t errlen)
{
    char what[PATH_MAX + 32];
    int fd = v1_kept(slot, CG_KEPT_CPU, what, sizeof what);
    *ns = 0;
    return fd < 0 ? 0 : cg_fd_read_u64(fd, what, ns, err, errlen);
}

/* memory.oom_control: "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"; the
 * oom_kill line came with Linux 4.13. */
static int v1_read_oom(struct cg_slot *slot, uint64_t *kills, char *err, size_t errlen)
{
    char what[PATH_MAX + 32];
    int fd = v1_kept(slot, CG_KEPT_OOM, what, sizeof what);
    return cg_fd_read_key_u64(fd, what, "oom_kill", kills, &slot->has_oom_kill, err, errlen);
}

static int v1_prepare(struct cg_slot *slot, char *err, size_t errlen)
{
    /* Writing 0 sets the high-water mark to the current usage. */
    char what[PATH_MAX + 32];
    if (pwrite(v1_kept(slot, CG_KEPT_PEAK, what, sizeof what), "0", 1, 0) != 1)
        return err_set(err, errlen, "write %s: %m", what);
    /* Baselines rather than writing 0 to cpuacct.usage: a read is enough,
     * and v2's counters, which cannot be reset, work the same way. */
    if (v1_read_cpu(slot, &slot->cpu_base, err, errlen) < 0)
        return -1;
    return v1_read_oom(slot, &slot->oom_base, err, errlen);
}

static int v1_attach(struct cg_slot *slot, pid_t pid, char *err, size_t errlen)
{
    return cg_procs_attach(slot, pid, err, errlen);
}

static int v1_cpu_ns(struct cg_slot *slot, uint64_t *ns, char *err, size_t errlen)
{
    if (v1_read_cpu(slot, ns, err, errlen) < 0)
        return -1;
    *ns = cg_since(*ns, slot->cpu_base);
    return 0;
}

static int v1_usage(struct cg_slot *slot, struct cg_usage *out, char *err, size_t errlen)
{
    uint64_t kills;
    char what[PATH_MAX + 32];
    int peak = v1_kept(slot, CG_KEPT_PEAK, what, sizeof what);
    if (v1_cpu_ns(slot, &out->cpu_ns, err, errlen) < 0 ||
        cg_fd_read_u64(peak, what, &out->mem_peak_bytes, err, errlen) < 0 ||
        v1_read_oom(slot, &kills, err, errlen) < 0)
        return -1;
    out->oom_kills = cg_since(kills, slot->oom_base);
    return 0;
}

/* v1 has no cgroup.kill: SIGKILL what cgroup.procs lists until it is empty. */
static int v1_kill_all(struct cg_slot *slot, char *err, size_t errlen)
{
    return cg_procs_drain(slot, true, err, errlen);
}

const struct cg_ops cg_v1_ops = {
    .create = v1_create,
    .set_limits = v1_set_limits,
    .prepare = v1_prepare,
    .attach = v1_attach,
    .cpu_ns = v1_cpu_ns,
    .usage = v1_usage,
    .kill_all = v1_kill_all,
    .release = NULL,
};
