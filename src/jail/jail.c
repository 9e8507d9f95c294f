/* jail.c — the jail: made once per engine, entered once per run.
 *
 * Theory of operation.
 *
 *   supervisor (the engine's thread, root)
 *     └─ keeper: raw clone with new PID, IPC and UTS namespaces; pid 1
 *          └─ program: the slot's uid, no capabilities, no_new_privs,
 *             seccomp; exec of the run command
 *
 * Made once (jail_create): a template mount namespace holding the
 * read-only root (rootfs.c), the seccomp filter as BPF (seccomp.c), and
 * per slot an empty network namespace (netns.c), a cgroup (cgroup.c) and
 * a uid. Slots are the unit of concurrency: one run per slot at a time, so
 * a uid, a cgroup and a network namespace never hold two runs at once.
 *
 * Per run (jail_run), in order:
 *   1. the supervisor sets the slot's cgroup limits, resets its counters,
 *      makes the pipes (stdout, stderr), a sealed memfd with stdin, a
 *      message socketpair, and formats everything the keeper will need;
 *   2. clone; the supervisor moves the keeper into the cgroup, then says
 *      ATTACHED, so that every byte the run allocates is charged there;
 *   3. the keeper enters a private copy of the root with fresh tmpfs,
 *      writes the files, starts the program (keeper.c) and reports;
 *   4. the supervisor pumps output and enforces the limits (supervise.c);
 *   5. the keeper reaps the program, kills what it left, reports EXITED,
 *      optionally sends /box back, and exits; its namespace and mounts go
 *      with it. The supervisor reads the cgroup's figures and, as a safety
 *      net, kills anything still in the cgroup.
 *
 * Ownership: the supervisor owns every fd it created and closes its copies
 * of the keeper's ends right after the clone. The keeper owns nothing the
 * supervisor needs. No path inside a box is ever followed by the host: the
 * files go in and out through the keeper, inside the jail.
 */
#define _GNU_SOURCE
#include "jail.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jail/cgroup.h"
#include "jail/keeper.h"
#include "jail/msg.h"
#include "jail/netns.h"
#include "jail/rootfs.h"
#include "jail/seccomp.h"
#include "jail/supervise.h"
#include "util/err.h"

struct jail_slot {
    struct cg_slot *cg;
    int net_fd;
    uint32_t uid;
    int uid_lock;  /* flock held on UID_LOCK_DIR/uid-<uid>.lock while the jail lives */
    bool busy;
    uint32_t mem_kib, procs; /* limits last written to the cgroup; 0: none yet */
};

struct jail {
    struct cg_host cg_host;
    char group[128];   /* "kiln/<pid>-<random>": this jail's cgroups */
    int mnt_fd;
    struct seccomp_prog seccomp;
    unsigned ncpus;
    unsigned nslots;
    struct jail_slot *slots;
    pthread_mutex_t lock;
    pthread_cond_t slot_freed;
};

/* Every engine on the host draws its slot uids from one range. A uid is
 * claimed with a lock file, so two engines (two `kiln run` at once, or a
 * server and a CLI) never share one: RLIMIT_NPROC counts per uid across
 * the host, and a shared uid would let one run's processes use another's
 * budget. */
#define UID_LOCK_DIR "/run/kiln"
#define UID_RANGE 1000

static int claim_uids(struct jail *j, uint32_t uid_base, uint32_t *uids, char *err, size_t errlen)
{
    if (mkdir("/run", 0755) < 0 && errno != EEXIST)
        return err_set(err, errlen, "mkdir /run: %m");
    if (mkdir(UID_LOCK_DIR, 0700) < 0 && errno != EEXIST)
        return err_set(err, errlen, "mkdir " UID_LOCK_DIR ": %m");
    unsigned got = 0;
    for (uint32_t uid = uid_base; uid < uid_base + UID_RANGE && got < j->nslots; uid++) {
        char path[64];
        snprintf(path, sizeof path, UID_LOCK_DIR "/uid-%u.lock", uid);
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
            return err_set(err, errlen, "open %s: %m", path);
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
            close(fd);
            continue;
        }
        j->slots[got].uid = uid;
        j->slots[got].uid_lock = fd;
        uids[got++] = uid;
    }
    if (got < j->nslots)
        return err_set(err, errlen, "no free uid for slot %u: %u-%u are all claimed by other engines",
                       got, uid_base, uid_base + UID_RANGE - 1);
    return 0;
}

static int create_slots(struct jail *j, char *err, size_t errlen)
{
    for (unsigned i = 0; i < j->nslots; i++) {
        struct jail_slot *s = &j->slots[i];
        char group[160];
        if (netns_create_empty(&s->net_fd, err, errlen) < 0)
            return -1;
        snprintf(group, sizeof group, "%s/slot%u", j->group, i);
        s->cg = cg_slot_create(&j->cg_host, group, err, errlen);
        if (!s->cg)
            return -1;
    }
    return 0;
}

/* An engine killed with SIGKILL leaves its groups ("<pid>-<tag>") behind;
 * the next one removes those whose process is gone, killing whatever is
 * still inside. A reused pid only postpones the clean-up. */
static void reap_stale_groups(const struct cg_host *host, const char *name)
{
    char dir[PATH_MAX + 256], group[512], slotdir[PATH_MAX + 512];
    if ((size_t)snprintf(dir, sizeof dir, "%s/%s", host->memory, name) >= sizeof dir)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        int pid;
        unsigned tag;
        char tail;
        if (sscanf(e->d_name, "%d-%x%c", &pid, &tag, &tail) != 2 || pid <= 0 ||
            kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        for (unsigned i = 0;; i++) {
            if ((size_t)snprintf(group, sizeof group, "%s/%s/slot%u", name, e->d_name, i) >=
                sizeof group)
                break;
            snprintf(slotdir, sizeof slotdir, "%s/%s", host->memory, group);
            if (access(slotdir, F_OK) != 0)
                break;
            cg_slot_destroy(cg_slot_create(host, group, NULL, 0));
        }
        snprintf(group, sizeof group, "%s/%s", name, e->d_name);
        cg_group_remove(host, group);
    }
    closedir(d);
}

struct jail *jail_create(const struct jail_config *cfg, char *err, size_t errlen)
{
    if (geteuid() != 0) {
        err_set(err, errlen, "kiln must run as root: it creates namespaces, mounts and cgroups");
        return NULL;
    }
    if (cfg->slots == 0 || cfg->slots > UID_RANGE || cfg->uid_base == 0 ||
        cfg->uid_base > 0x7fffffff - UID_RANGE) {
        err_set(err, errlen, "invalid jail config: slots %u, uid_base %u", cfg->slots,
                cfg->uid_base);
        return NULL;
    }
    struct jail *j = calloc(1, sizeof *j);
    struct jail_slot *slots = calloc(cfg->slots, sizeof *slots);
    if (!j || !slots) {
        free(j);
        free(slots);
        err_set(err, errlen, "out of memory");
        return NULL;
    }
    j->slots = slots;
    j->nslots = cfg->slots;
    j->mnt_fd = -1;
    for (unsigned i = 0; i < cfg->slots; i++)
        slots[i].net_fd = slots[i].uid_lock = -1;
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->slot_freed, NULL);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    j->ncpus = n > 0 ? (unsigned)n : 1;
    uint32_t tag = 0;
    if (getrandom(&tag, sizeof tag, 0) < 0)
        tag = (uint32_t)getpid();
    snprintf(j->group, sizeof j->group, "%s/%d-%08x", cfg->cgroup_name ? cfg->cgroup_name : "kiln",
             (int)getpid(), tag);
    if (cg_host_detect(&j->cg_host, err, errlen) < 0) {
        jail_destroy(j);
        return NULL;
    }
    reap_stale_groups(&j->cg_host, cfg->cgroup_name ? cfg->cgroup_name : "kiln");
    uint32_t *uids = calloc(cfg->slots, sizeof *uids);
    if (!uids || claim_uids(j, cfg->uid_base, uids, err, errlen) < 0 ||
        seccomp_compile(&j->seccomp, err, errlen) < 0 ||
        rootfs_create(&j->mnt_fd, uids, cfg->slots, err, errlen) < 0 ||
        create_slots(j, err, errlen) < 0) {
        if (!uids)
            err_set(err, errlen, "out of memory");
        free(uids);
        jail_destroy(j);
        return NULL;
    }
    free(uids);
    return j;
}

void jail_destroy(struct jail *j)
{
    if (!j)
        return;
    for (unsigned i = 0; i < j->nslots; i++) {
        cg_slot_destroy(j->slots[i].cg);
        if (j->slots[i].net_fd >= 0)
            close(j->slots[i].net_fd);
        if (j->slots[i].uid_lock >= 0)
            close(j->slots[i].uid_lock); /* releases the uid for other engines */
    }
    if (j->cg_host.version != CG_NONE)
        cg_group_remove(&j->cg_host, j->group);
    if (j->mnt_fd >= 0)
        close(j->mnt_fd);
    seccomp_prog_free(&j->seccomp);
    pthread_cond_destroy(&j->slot_freed);
    pthread_mutex_destroy(&j->lock);
    free(j->slots);
    free(j);
}

unsigned jail_slot_acquire(struct jail *j, unsigned lo, unsigned hi)
{
    if (hi > j->nslots)
        hi = j->nslots;
    pthread_mutex_lock(&j->lock);
    for (;;) {
        for (unsigned i = lo; i < hi; i++)
            if (!j->slots[i].busy) {
                j->slots[i].busy = true;
                pthread_mutex_unlock(&j->lock);
                return i;
            }
        pthread_cond_wait(&j->slot_freed, &j->lock);
    }
}

int jail_slot_try_acquire(struct jail *j, unsigned lo, unsigned hi)
{
    int got = -1;
    pthread_mutex_lock(&j->lock);
    for (unsigned i = lo; got < 0 && i < hi && i < j->nslots; i++)
        if (!j->slots[i].busy) {
            j->slots[i].busy = true;
            got = (int)i;
        }
    pthread_mutex_unlock(&j->lock);
    return got;
}

uint64_t jail_slot_mem_kib(struct jail *j, unsigned slot)
{
    uint64_t bytes = 0;
    if (cg_slot_mem_current(j->slots[slot].cg, &bytes, NULL, 0) < 0)
        return 0;
    return bytes / 1024;
}

void jail_slot_release(struct jail *j, unsigned slot)
{
    pthread_mutex_lock(&j->lock);
    j->slots[slot].busy = false;
    pthread_cond_broadcast(&j->slot_freed); /* waiters may want different ranges */
    pthread_mutex_unlock(&j->lock);
}

int jail_resolve_command(const char *name, char *path, size_t pathlen)
{
    if (strchr(name, '/')) {
        if (strlen(name) >= pathlen)
            return -1;
        strcpy(path, name);
        return 0;
    }
    const char *dirs = JAIL_PATH;
    while (*dirs) {
        size_t dl = strcspn(dirs, ":");
        struct stat st;
        if ((size_t)snprintf(path, pathlen, "%.*s/%s", (int)dl, dirs, name) < pathlen &&
            stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
            return 0;
        dirs += dl + (dirs[dl] == ':');
    }
    return -1;
}

void jail_report(const struct jail *j, struct jail_report *out)
{
    out->cgroup_version = cg_version_name(j->cg_host.version);
    out->cg_memory = j->cg_host.memory[0] != '\0';
    out->cg_pids = j->cg_host.pids[0] != '\0';
    out->cg_cpu = j->cg_host.cpu[0] != '\0';
    out->seccomp_rules = j->seccomp.rules;
    out->slots = j->nslots;
    out->uid_base = j->nslots ? j->slots[0].uid : 0;
}

void jail_files_free(struct jail_file *files, size_t n)
{
    for (size_t i = 0; files && i < n; i++) {
        free(files[i].name);
        free(files[i].data);
    }
    free(files);
}

void jail_outcome_free(struct jail_outcome *o)
{
    if (!o)
        return;
    buf_free(&o->out);
    buf_free(&o->err);
    buf_free(&o->value);
    jail_files_free(o->files, o->nfiles);
    o->files = NULL;
    o->nfiles = 0;
}

/* A sealed memfd: the program reads its stdin as a file, the supervisor
 * never blocks on a pipe the program does not drain. */
int jail_memfd(const char *name, const char *data, size_t len, char *err, size_t errlen)
{
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return err_set(err, errlen, "memfd_create: %m");
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return err_set(err, errlen, "write stdin memfd: %m");
        }
        done += (size_t)n;
    }
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0 ||
        lseek(fd, 0, SEEK_SET) < 0) {
        close(fd);
        return err_set(err, errlen, "seal stdin memfd: %m");
    }
    return fd;
}

int jail_stdin(int stdin_fd, const char *data, size_t len, char *err, size_t errlen)
{
    if (stdin_fd <= 0)
        return jail_memfd("stdin", data ? data : "", len, err, errlen);
    int fd = fcntl(stdin_fd, F_DUPFD_CLOEXEC, 3);
    return fd < 0 ? err_set(err, errlen, "dup stdin: %m") : fd;
}

struct run_fds {
    int chan[2], out[2], err[2], in;
};

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static void run_fds_close(struct run_fds *f)
{
    for (int i = 0; i < 2; i++) {
        close_fd(&f->chan[i]);
        close_fd(&f->out[i]);
        close_fd(&f->err[i]);
    }
    close_fd(&f->in);
}

static int run_fds_open(struct run_fds *f, const struct jail_spec *spec, char *err, size_t errlen)
{
    f->chan[0] = f->chan[1] = f->out[0] = f->out[1] = f->err[0] = f->err[1] = f->in = -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, f->chan) < 0)
        return err_set(err, errlen, "socketpair: %m");
    if (pipe2(f->out, O_CLOEXEC) < 0 || pipe2(f->err, O_CLOEXEC) < 0) {
        run_fds_close(f);
        return err_set(err, errlen, "pipe: %m");
    }
    f->in = jail_stdin(spec->stdin_fd, spec->stdin_data, spec->stdin_len, err, errlen);
    if (f->in < 0) {
        run_fds_close(f);
        return -1;
    }
    return 0;
}

static void describe_signal(struct jail_outcome *o, int sig)
{
    const char *name = sigabbrev_np(sig);
    if (sig == SIGXFSZ)
        snprintf(o->message, sizeof o->message, "file size limit exceeded (SIGXFSZ)");
    else
        snprintf(o->message, sizeof o->message, "killed by signal %d (SIG%s)", sig,
                 name ? name : "?");
}

/* Turns what the keeper reported and what the cgroup counted into a status. */
/* A warm runtime stopped its own program at a limit (msg.h), so the run
 * ends with the output it had flushed, under the same status and message a
 * kill by the supervisor or the cgroup would give. */
static void runtime_verdict(uint32_t verdict, const struct kiln_limits *l,
                            struct jail_outcome *o)
{
    if (verdict == MSG_VERDICT_MEMORY) {
        o->status = KILN_ML;
        snprintf(o->message, sizeof o->message, "memory limit of %u KiB exceeded (heap)",
                 l->mem_kib);
    } else if (verdict == MSG_VERDICT_WALL_TIME) {
        o->status = KILN_TO;
        snprintf(o->message, sizeof o->message, "wall time limit of %u ms exceeded", l->wall_ms);
    } else {
        o->status = KILN_TO;
        snprintf(o->message, sizeof o->message, "CPU time limit of %u ms exceeded", l->cpu_ms);
    }
}

static void decide_status(const struct supervision *s, const struct cg_usage *u,
                          const struct kiln_limits *l, struct jail_outcome *o)
{
    if (s->exited && WIFSIGNALED(s->wait_status))
        o->signal = WTERMSIG(s->wait_status);
    else if (s->exited)
        o->exit_code = WEXITSTATUS(s->wait_status);
    if (s->failed) {
        o->status = KILN_XX;
        snprintf(o->message, sizeof o->message, "jail setup failed: %s: %s", s->fail_what,
                 strerror(s->fail_errno));
    } else if (s->kill_reason != KILN_OK) {
        o->status = s->kill_reason;
        snprintf(o->message, sizeof o->message, "%s", s->kill_message);
    } else if (u->oom_kills > 0) {
        o->status = KILN_ML;
        snprintf(o->message, sizeof o->message, "memory limit of %u KiB exceeded", l->mem_kib);
    } else if (s->exited && s->verdict != MSG_VERDICT_NONE) {
        runtime_verdict(s->verdict, l, o);
    } else if (!s->exited) {
        o->status = KILN_XX;
        snprintf(o->message, sizeof o->message, "the run's keeper ended without a report");
    } else if (o->cpu_ms > l->cpu_ms || o->signal == SIGXCPU) {
        o->status = KILN_TO;
        snprintf(o->message, sizeof o->message, "CPU time limit of %u ms exceeded", l->cpu_ms);
    } else if (o->signal) {
        o->status = KILN_SG;
        describe_signal(o, o->signal);
    } else
        o->status = o->exit_code ? KILN_RE : KILN_OK;
}

static void fill_plan(struct keeper_plan *p, const struct jail *j, const struct jail_slot *slot,
                      const struct jail_spec *spec, const struct run_fds *f)
{
    memset(p, 0, sizeof *p);
    p->chan = f->chan[1];
    p->stdin_fd = f->in;
    p->out_fd = f->out[1];
    p->err_fd = f->err[1];
    p->mnt_fd = j->mnt_fd;
    p->net_fd = slot->net_fd;
    p->uid = slot->uid;
    rootfs_run_opts_format(&p->mounts, slot->uid, spec->limits.disk_kib);
    sandbox_init(&p->sandbox, slot->uid, &spec->limits, &j->seccomp);
    p->argv = spec->argv;
    p->envp = spec->envp;
    p->files = spec->files;
    p->nfiles = spec->nfiles;
    p->collect = spec->collect;
}

static int prepare_slot(struct jail_slot *slot, const struct kiln_limits *l, bool keep_procs,
                        char *err, size_t errlen)
{
    if (!keep_procs && cg_slot_kill_all(slot->cg, err, errlen) < 0)
        return err_prefix(err, errlen, "cgroup");
    /* Runs of one language mostly share limits: write them only on change. */
    if (slot->mem_kib != l->mem_kib || slot->procs != l->procs) {
        slot->mem_kib = slot->procs = 0;
        if (cg_slot_set_limits(slot->cg, (uint64_t)l->mem_kib * 1024, l->procs, err, errlen) < 0)
            return err_prefix(err, errlen, "cgroup");
        slot->mem_kib = l->mem_kib;
        slot->procs = l->procs;
    }
    if (cg_slot_prepare(slot->cg, err, errlen) < 0)
        return err_prefix(err, errlen, "cgroup");
    return 0;
}

/* Clone the keeper, attach it to the cgroup and let it go. */
static pid_t start_keeper(struct jail_slot *slot, struct keeper_plan *plan, int chan, char *err,
                          size_t errlen)
{
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD,
                               0, 0, 0, 0);
    if (pid == 0)
        keeper_main(plan);
    if (pid < 0)
        return err_set(err, errlen, "clone: %m");
    if (cg_slot_attach(slot->cg, pid, err, errlen) < 0 ||
        msg_send(chan, MSG_ATTACHED, NULL, 0) < 0) {
        if (errno)
            err_prefix(err, errlen, "attach keeper");
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        return -1;
    }
    return pid;
}

static void finish_outcome(struct jail_slot *slot, const struct supervision *sv,
                           const struct kiln_limits *limits, bool clear,
                           struct jail_outcome *out)
{
    struct cg_usage usage = { 0 };
    char cgerr[256];
    if (cg_slot_usage(slot->cg, &usage, cgerr, sizeof cgerr) < 0)
        usage.cpu_ns = sv->cpu_ns;
    if (clear)
        cg_slot_kill_all(slot->cg, NULL, 0);
    out->cpu_ms = usage.cpu_ns / 1000000;
    out->mem_kib = usage.mem_peak_bytes / 1024;
    out->wall_ms = sv->wall_ns > 0 ? (uint64_t)sv->wall_ns / 1000000 : 0;
    decide_status(sv, &usage, limits, out);
}

int jail_mnt_fd(const struct jail *j)
{
    return j->mnt_fd;
}

const struct seccomp_prog *jail_seccomp(const struct jail *j)
{
    return &j->seccomp;
}

unsigned jail_ncpus(const struct jail *j)
{
    return j->ncpus;
}

void jail_slot_view(const struct jail *j, unsigned slot, struct jail_slot_view *out)
{
    out->uid = j->slots[slot].uid;
    out->net_fd = j->slots[slot].net_fd;
    out->cg = j->slots[slot].cg;
}

int jail_slot_prepare(struct jail *j, unsigned slot, const struct kiln_limits *l,
                      bool keep_procs, char *err, size_t errlen)
{
    return prepare_slot(&j->slots[slot], l, keep_procs, err, errlen);
}

void jail_slot_finish(struct jail *j, unsigned slot, const struct supervision *sv,
                      const struct kiln_limits *l, bool clear, struct jail_outcome *out)
{
    finish_outcome(&j->slots[slot], sv, l, clear, out);
}

int jail_slot_clear(struct jail *j, unsigned slot, char *err, size_t errlen)
{
    return cg_slot_kill_all(j->slots[slot].cg, err, errlen) < 0 ? -1 : 0;
}

static void check_collected(const struct jail_spec *spec, const struct supervision *sv,
                            struct jail_outcome *out)
{
    if (spec->collect && !sv->files_done && out->status == KILN_OK) {
        out->status = KILN_XX;
        snprintf(out->message, sizeof out->message, "the files of the run were not all returned");
    }
}

int jail_run(struct jail *j, unsigned slot_index, const struct jail_spec *spec,
             struct jail_outcome *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (slot_index >= j->nslots || !spec->argv || !spec->argv[0])
        return err_set(err, errlen, "jail_run: invalid slot or command");
    for (size_t i = 0; i < spec->nfiles; i++)
        if (!box_path_valid(spec->files[i].name))
            return err_set(err, errlen, "invalid file name '%s'", spec->files[i].name);
    struct jail_slot *slot = &j->slots[slot_index];
    struct run_fds fds;
    struct keeper_plan plan;
    if (prepare_slot(slot, &spec->limits, false, err, errlen) < 0 ||
        run_fds_open(&fds, spec, err, errlen) < 0)
        return -1;
    fill_plan(&plan, j, slot, spec, &fds);
    pid_t pid = start_keeper(slot, &plan, fds.chan[0], err, errlen);
    close_fd(&fds.chan[1]);
    close_fd(&fds.out[1]);
    close_fd(&fds.err[1]);
    close_fd(&fds.in);
    if (pid < 0) {
        run_fds_close(&fds);
        return -1;
    }
    struct supervision sv = {
        .keeper = pid, .chan = fds.chan[0], .out_fd = fds.out[0], .err_fd = fds.err[0],
        .limits = &spec->limits, .cg = slot->cg, .ncpus = j->ncpus, .listener = -1,
        .hangup_fd = spec->hangup_fd > 0 ? spec->hangup_fd : -1, .reaper_fd = -1,
        .signal_fd = spec->signal_fd > 0 ? spec->signal_fd : -1,
        .events = spec->events,
    };
    fds.chan[0] = fds.out[0] = fds.err[0] = -1; /* supervise() closes them */
    int rc = supervise(&sv, out, err, errlen);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    finish_outcome(slot, &sv, &spec->limits, true, out);
    check_collected(spec, &sv, out);
    return rc < 0 && out->status != KILN_XX ? -1 : 0;
}
