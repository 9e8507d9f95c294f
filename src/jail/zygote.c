/* zygote.c — warm runtimes: a runtime initialised once inside the jail,
 * forking sandboxed children ahead of demand.
 *
 * Theory of operation.
 *
 *   engine (threads)
 *     └─ zygote Z: pid 1 of its own PID namespace; own IPC, UTS and empty
 *        network namespaces; a private copy of the jail's root with a
 *        /proc of its namespace; root, but it never sees request data
 *          └─ child, one per slot, forked ahead: joins the slot's cgroup
 *             (writes 0 to inherited cgroup.procs fds), the slot's network
 *             namespace, a private mount namespace with fresh tmpfs; drops
 *             to the slot's uid under seccomp; warms the runtime; says
 *             READY; waits for its one request; runs it; exits.
 *
 * Z is forked (after unshare(CLONE_NEWPID) in the calling thread, undone
 * right after) and at once execs the kiln binary as "kiln-zygote RUNTIME":
 * a fresh image, so that no byte of the engine's memory (its arguments,
 * keys, other users' requests) is in Z or in any child that untrusted code
 * runs in. Z is single-threaded; its own forks are ordinary.
 *
 * Channels. Z's control socket (SOCK_SEQPACKET): MSG_READY with the
 * runtime's version once, then MSG_SPAWN from the engine, each carrying the
 * new child's fds (request socket, stdout and stderr pipes, status socket,
 * the slot's netns and cgroup.procs). Per child: its request socket
 * (READY from the child, then the REQUEST with a payload memfd and a stdin
 * memfd), and a status socket that only Z holds: when Z reaps the child it
 * writes MSG_EXITED with the wait status there and closes it. The engine
 * supervises a warm run exactly like a keeper's run (supervise.c), except
 * that it kills through the slot's cgroup, which holds only the run.
 *
 * Everything a run leaves (daemons, orphans reparented to Z) is killed by
 * the engine through the cgroup after the run; Z reaps them.
 */
#define _GNU_SOURCE
#include "zygote.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jail/cgroup.h"
#include "jail/msg.h"
#include "jail/rootfs.h"
#include "jail/sandbox.h"
#include "jail/supervise.h"
#include "util/buf.h"
#include "util/err.h"

#define ZYGOTE_INIT_TIMEOUT_MS 30000
#define ZYGOTE_ARGV0 "kiln-zygote"
#define CHILD_READY_TIMEOUT_MS 10000

struct zygote {
    const struct zygote_runtime *rt;
    pid_t pid;
    int ctl;
    char version[64];
};

/* MSG_SPAWN's payload; the fds travel beside it in this order. */
struct spawn_msg {
    struct sandbox sandbox; /* its seccomp pointer is replaced by Z's own */
    struct rootfs_run_opts mounts;
    struct kiln_limits limits; /* the child's, for the runtime's prepare */
    uint32_t ncg;           /* cgroup.procs fds at the end */
};
enum { FD_REQ, FD_OUT, FD_ERR, FD_STATUS, FD_NET, FD_CG0 };

/* MSG_REQUEST's payload; the payload memfd, the stdin memfd and, in
 * interpret mode, the value memfd travel beside it. The payload memfd
 * holds, per file: u32 name length, u32 mode, u64 size, name, data; then
 * per argument: u32 length, bytes; then context_len bytes of context. */
struct request_msg {
    uint32_t nfiles;
    uint32_t nargs;
    uint64_t size;
    uint32_t cpu_ms, wall_ms; /* the run's limits, for a runtime's own deadline */
    uint32_t flags;           /* REQ_* */
    uint32_t context_len;
};
#define REQ_INTERPRET 1u
#define REQ_SESSION 2u

/* ---------------------------------------------------------------- child */

static _Noreturn void child_fail(int req, const char *what)
{
    msg_send_fail(req, errno, what, NULL);
    _exit(127);
}

/* One request as the child unpacked it. */
struct unpacked {
    const char *entry;
    char **args;
    char *context;
};

static void unpacked_free(struct unpacked *u, uint32_t nargs)
{
    for (uint32_t i = 0; u->args && i < nargs; i++)
        free(u->args[i]);
    free(u->args);
    free((char *)u->entry);
    free(u->context);
    memset(u, 0, sizeof *u);
}

/* Writes one file of the request into /box. A session's cell may bring a
 * file again (its entry, each time): the old one goes first. */
static int write_file(const char *name, const char *data, uint64_t len, uint32_t mode,
                      bool replace)
{
    if (replace && unlink(name) < 0 && errno != ENOENT)
        return -1;
    return rootfs_write_box_file(name, data, len, mode, -1);
}

/* Reads the request's memfd: writes the files into /box, returns the
 * entry, the args and the context. */
static void unpack_request(int req, int payload, const struct request_msg *rm,
                           struct unpacked *u)
{
    char *base = rm->size ? mmap(NULL, rm->size, PROT_READ, MAP_PRIVATE, payload, 0) : NULL;
    u->args = calloc(rm->nargs + 1, sizeof *u->args);
    if ((rm->size && base == MAP_FAILED) || !u->args)
        child_fail(req, "map the request");
    size_t at = 0;
    for (uint32_t i = 0; i < rm->nfiles; i++) {
        uint32_t nl, mode;
        uint64_t len;
        if (at + 16 > rm->size)
            child_fail(req, "request: truncated");
        memcpy(&nl, base + at, 4);
        memcpy(&mode, base + at + 4, 4);
        memcpy(&len, base + at + 8, 8);
        at += 16;
        if (nl == 0 || nl > 1024 || len > rm->size - at - nl)
            child_fail(req, "request: bad file record");
        char name[1025];
        memcpy(name, base + at, nl);
        name[nl] = '\0';
        if (!box_path_valid(name) ||
            write_file(name, base + at + nl, len, mode, rm->flags & REQ_SESSION) < 0)
            child_fail(req, "write a file of the request");
        if (i == 0)
            u->entry = strdup(name);
        at += nl + len;
    }
    for (uint32_t i = 0; i < rm->nargs; i++) {
        uint32_t l;
        if (at + 4 > rm->size || (memcpy(&l, base + at, 4), l > rm->size - at - 4))
            child_fail(req, "request: bad argument");
        u->args[i] = strndup(base + at + 4, l);
        at += 4 + l;
    }
    if (rm->context_len > rm->size - at)
        child_fail(req, "request: bad context");
    if (rm->context_len && !(u->context = strndup(base + at, rm->context_len)))
        child_fail(req, "request: context");
    if (!u->entry)
        child_fail(req, "request: no entry file");
    if (base)
        munmap(base, rm->size);
}

/* Returns the seccomp listener (denials.h). */
static int child_setup(const struct spawn_msg *sm, const int *fds, size_t nfds, int req)
{
    const char *what = NULL;
    for (size_t i = FD_CG0; i < nfds; i++)
        if (write(fds[i], "0", 1) != 1)
            child_fail(req, "join the slot's cgroup");
    if (setns(fds[FD_NET], CLONE_NEWNET) < 0)
        child_fail(req, "setns net");
    if (unshare(CLONE_NEWNS) < 0)
        child_fail(req, "unshare mnt");
    if (rootfs_mount_box(&sm->mounts, &what) < 0)
        child_fail(req, what);
    if (dup2(fds[FD_OUT], 1) < 0 || dup2(fds[FD_ERR], 2) < 0)
        child_fail(req, "dup2");
    for (size_t i = FD_OUT; i < nfds; i++)
        if (fds[i] > 2)
            close(fds[i]);
    int listener = sandbox_enter(&sm->sandbox, &what);
    if (listener < 0)
        child_fail(req, what);
    return listener;
}

/* What ps and /proc/PID/cmdline show: the zygote's argv area, rewritten in
 * place as "RUNTIME ENTRY", like `python3 main.py` would show. */
static void set_cmdline(char *area, size_t len, const char *runtime, const char *entry)
{
    if (!area || !len)
        return;
    memset(area, 0, len);
    size_t rl = strlen(runtime), el = strlen(entry);
    if (rl + 1 + el + 1 > len)
        el = len > rl + 2 ? len - rl - 2 : 0;
    memcpy(area, runtime, rl < len ? rl : len - 1);
    if (rl + 1 < len)
        memcpy(area + rl + 1, entry, el);
}

/* Waits for the next MSG_REQUEST: 0 when the engine closed the channel
 * (the child was retired, or its session closed), else 1 with the
 * message, its payload memfd in *payload_fd and the value memfd
 * (interpret mode) in *value_fd. The stdin memfd becomes fd 0. */
static int await_request(int req, struct request_msg *rm, int *payload_fd, int *value_fd)
{
    char buf[sizeof(struct msg_hdr) + sizeof(struct request_msg)];
    int rfds[MSG_FDS_MAX];
    size_t nr = 0;
    ssize_t n;
    /* A runtime's own signal (the V8 watchdog's wake-up) may interrupt. */
    while ((n = msg_recv_fds(req, buf, sizeof buf, rfds, &nr)) < 0 && errno == EINTR)
        ;
    if (n == 0)
        return 0;
    if (n != (ssize_t)sizeof buf)
        child_fail(req, "request: malformed");
    memcpy(rm, buf + sizeof(struct msg_hdr), sizeof *rm);
    size_t want = rm->flags & REQ_INTERPRET ? 3 : 2;
    if (nr != want)
        child_fail(req, "request: malformed");
    if (dup2(rfds[1], 0) < 0)
        child_fail(req, "dup2 stdin");
    close(rfds[1]);
    *value_fd = want == 3 ? rfds[2] : -1;
    *payload_fd = rfds[0];
    return 1;
}

/* Unpacks the request into /box and u, and describes it in job. */
static void start_job(int req, const struct request_msg *rm, int payload_fd, int value_fd,
                      struct unpacked *u, struct zygote_job *job)
{
    unpack_request(req, payload_fd, rm, u);
    close(payload_fd);
    *job = (struct zygote_job){ .entry = u->entry, .args = u->args, .nargs = rm->nargs,
                                .cpu_ms = rm->cpu_ms, .wall_ms = rm->wall_ms,
                                .interpret = rm->flags & REQ_INTERPRET,
                                .context = u->context, .context_len = rm->context_len,
                                .result_fd = value_fd, .session = rm->flags & REQ_SESSION };
}

static _Noreturn void child_main(const struct zygote_runtime *rt, const struct spawn_msg *sm,
                                 int *fds, size_t nfds, char *argv_area, size_t argv_len)
{
    int req = fds[FD_REQ];
    int keep[MSG_FDS_MAX + 3] = { 0, 1, 2 };
    for (size_t i = 0; i < nfds; i++)
        keep[3 + i] = i == FD_STATUS ? -1 : fds[i];
    sandbox_close_fds_except(keep, 3 + nfds);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int listener = child_setup(sm, fds, nfds, req);

    char err[256] = "";
    if (rt->prepare && rt->prepare(&sm->limits, err, sizeof err) < 0) {
        errno = EINVAL;
        child_fail(req, err);
    }
    /* The listener goes to the engine with READY, and this process keeps no
     * copy: a program holding it could let its own denied calls through. */
    if (msg_send_fds(req, MSG_READY, NULL, 0, &listener, 1) < 0)
        child_fail(req, "send READY");
    close(listener);
    struct request_msg rm;
    int payload_fd = -1, value_fd = -1;
    if (await_request(req, &rm, &payload_fd, &value_fd) == 0)
        _exit(0); /* the engine retired this child unused */
    /* From the first STARTED on the program runs in this process, and req
     * is in its reach: the engine takes nothing from it after that but an
     * exit, or in a session the end of a cell. */
    if (msg_send(req, MSG_STARTED, NULL, 0) < 0)
        child_fail(req, "send STARTED");
    for (;;) {
        struct zygote_job job;
        struct unpacked u = { 0 };
        start_job(req, &rm, payload_fd, value_fd, &u, &job);
        set_cmdline(argv_area, argv_len, rt->name, job.entry);
        int code = rt->run(&job);
        if (value_fd >= 0)
            close(value_fd);
        unpacked_free(&u, rm.nargs);
        struct msg_exited done = { .wait_status = (code & 0xff) << 8, .verdict = job.verdict };
        if (!job.session || job.end_session) {
            /* Report before exiting: the engine need not wait for this
             * process's teardown and the zygote's reap. Output is flushed;
             * closing 1 and 2 lets the engine see the end of it at once. */
            close(1);
            close(2);
            msg_send(req, MSG_EXITED, &done, sizeof done);
            _exit(code);
        }
        if (msg_send(req, MSG_CELL_DONE, &done, sizeof done) < 0 ||
            await_request(req, &rm, &payload_fd, &value_fd) == 0)
            _exit(0); /* the session was closed */
    }
}

/* --------------------------------------------------------------- zygote */

struct tracked {
    pid_t pid;
    int status_fd;
};

struct zygote_state {
    const struct zygote_runtime *rt;
    char *argv_area; /* the process's argument strings, contiguous */
    size_t argv_len;
    const struct seccomp_prog *seccomp;
    int ctl;
    struct tracked *kids;
    size_t nkids, capkids;
};

static void spawn_child(struct zygote_state *zs, struct spawn_msg *sm, int *fds, size_t nfds)
{
    sm->sandbox.seccomp = zs->seccomp;
    struct tracked *kids = zs->kids;
    if (zs->nkids == zs->capkids) {
        size_t cap = zs->capkids ? zs->capkids * 2 : 16;
        kids = realloc(zs->kids, cap * sizeof *kids);
        if (kids) {
            zs->kids = kids;
            zs->capkids = cap;
        }
    }
    pid_t pid = -1;
    if (zs->nkids < zs->capkids) {
        zs->rt->before_fork();
        pid = fork();
        if (pid == 0) {
            zs->rt->after_fork_child();
            child_main(zs->rt, sm, fds, nfds, zs->argv_area, zs->argv_len);
        }
        zs->rt->after_fork_parent();
    }
    for (size_t i = 0; i < nfds; i++)
        if (i != FD_STATUS || pid < 0)
            close(fds[i]); /* a failed fork: the closed status socket tells the engine */
    if (pid > 0)
        zs->kids[zs->nkids++] = (struct tracked){ .pid = pid, .status_fd = fds[FD_STATUS] };
}

/* Reaps every child that ended: a tracked one gets its status reported;
 * orphans of runs (reparented to pid 1, killed through the cgroup) are
 * only reaped. */
static void reap(struct zygote_state *zs)
{
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        for (size_t i = 0; i < zs->nkids; i++) {
            if (zs->kids[i].pid != pid)
                continue;
            struct msg_exited e = { .wait_status = st };
            msg_send(zs->kids[i].status_fd, MSG_EXITED, &e, sizeof e);
            close(zs->kids[i].status_fd);
            zs->kids[i] = zs->kids[--zs->nkids];
            break;
        }
    }
}

static _Noreturn void zygote_loop(struct zygote_state *zs, int sigfd)
{
    for (;;) {
        struct pollfd p[2] = { { .fd = zs->ctl, .events = POLLIN }, { .fd = sigfd, .events = POLLIN } };
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            _exit(1);
        if (p[1].revents) {
            struct signalfd_siginfo si;
            while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si)
                ;
            reap(zs);
        }
        if (!p[0].revents)
            continue;
        char buf[sizeof(struct msg_hdr) + sizeof(struct spawn_msg)];
        int fds[MSG_FDS_MAX];
        size_t nfds;
        ssize_t n = msg_recv_fds(zs->ctl, buf, sizeof buf, fds, &nfds);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EMSGSIZE))
            _exit(0); /* the engine is gone; our namespace goes with us */
        struct spawn_msg sm;
        if (n != (ssize_t)sizeof buf || nfds < FD_CG0) {
            while (nfds)
                close(fds[--nfds]);
            continue;
        }
        memcpy(&sm, buf + sizeof(struct msg_hdr), sizeof sm);
        spawn_child(zs, &sm, fds, nfds);
    }
}

/* Inside the new PID namespace, as pid 1, in a fresh image of the kiln
 * binary: build the zygote's jail, start the runtime, report, serve. */
static _Noreturn void zygote_main(const struct zygote_runtime *rt, int mnt_fd, int ctl,
                                  char *argv_area, size_t argv_len)
{
    static char *const env[] = { JAIL_BASE_ENV, NULL };
    const char *what = NULL;
    int keep[] = { ctl, mnt_fd };
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    sandbox_close_fds_except(keep, 2);
    /* 0, 1 and 2 first, so that nothing below lands there: the runtime's
     * stdin, stdout and stderr objects wrap these numbers. */
    int null = open("/dev/null", O_RDWR);
    if (null != 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
        what = "open /dev/null";
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_SETMASK, &chld, NULL);
    int sigfd = -1;
    char loaderr[160] = "";
    if (!what && rt->load && rt->load(loaderr, sizeof loaderr) < 0) {
        msg_send_fail(ctl, 0, loaderr, NULL);
        _exit(1);
    }
    if (!what) {
        sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sigfd < 0 || unshare(CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET) < 0 ||
            sethostname("kiln", 4) < 0)
            what = "namespaces";
        else if (rootfs_join(mnt_fd, &what) == 0 && rootfs_mount_proc(&what) == 0)
            what = NULL;
    }
    if (what) {
        msg_send_fail(ctl, errno, what, NULL);
        _exit(1);
    }
    close(mnt_fd);
    if (chdir("/") < 0) {
        msg_send_fail(ctl, errno, "chdir /", NULL);
        _exit(1);
    }
    environ = (char **)env;
    char version[64] = "", err[160] = "";
    struct seccomp_prog seccomp;
    if (seccomp_compile(&seccomp, err, sizeof err) < 0 ||
        rt->init(version, sizeof version, err, sizeof err) < 0) {
        msg_send_fail(ctl, 0, err, NULL);
        _exit(1);
    }
    msg_send(ctl, MSG_READY, version, (uint32_t)strnlen(version, sizeof version - 1));
    struct zygote_state zs = { .rt = rt, .seccomp = &seccomp, .ctl = ctl,
                               .argv_area = argv_area, .argv_len = argv_len };
    zygote_loop(&zs, sigfd);
}

int zygote_exec_main(const struct zygote_runtime *rt, int argc, char **argv)
{
    if (argc != 4 || !rt || strcmp(argv[1], rt->name) != 0)
        return 125;
    /* The kernel lays argv's strings out one after the other. */
    size_t len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[0]);
    zygote_main(rt, atoi(argv[3]), atoi(argv[2]), argv[0], len);
}

/* ---------------------------------------------------------------- engine */

/* Forks with the child as pid 1 of a new PID namespace; only the calling
 * thread's pid_ns_for_children changes, and it is set back at once. */
static pid_t fork_into_new_pidns(char *err, size_t errlen)
{
    int home = open("/proc/thread-self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (home < 0)
        return err_set(err, errlen, "open /proc/thread-self/ns/pid: %m");
    if (unshare(CLONE_NEWPID) < 0) {
        close(home);
        return err_set(err, errlen, "unshare(CLONE_NEWPID): %m");
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(home);
        return 0;
    }
    int saved = errno;
    if (setns(home, CLONE_NEWPID) < 0)
        err_set(err, errlen, "setns back to the host PID namespace: %m");
    close(home);
    errno = saved;
    if (pid < 0)
        return err_set(err, errlen, "fork zygote: %m");
    return pid;
}

static int await_init(struct zygote *z, char *err, size_t errlen)
{
    struct pollfd p = { .fd = z->ctl, .events = POLLIN };
    int n = poll(&p, 1, ZYGOTE_INIT_TIMEOUT_MS);
    if (n <= 0)
        return err_set(err, errlen, "the %s zygote did not start within %d ms", z->rt->name,
                       ZYGOTE_INIT_TIMEOUT_MS);
    char buf[sizeof(struct msg_hdr) + sizeof(struct msg_fail)];
    ssize_t m = recv(z->ctl, buf, sizeof buf, 0);
    struct msg_hdr h;
    if (m < (ssize_t)sizeof h)
        return err_set(err, errlen, "the %s zygote died while starting", z->rt->name);
    memcpy(&h, buf, sizeof h);
    if (h.type == MSG_FAIL && m == (ssize_t)sizeof buf) {
        struct msg_fail f;
        memcpy(&f, buf + sizeof h, sizeof f);
        f.what[sizeof f.what - 1] = '\0';
        return err_set(err, errlen, "%s zygote: %s%s%s", z->rt->name, f.what, f.err ? ": " : "",
                       f.err ? strerror(f.err) : "");
    }
    if (h.type != MSG_READY || h.len >= sizeof z->version)
        return err_set(err, errlen, "the %s zygote sent a malformed greeting", z->rt->name);
    memcpy(z->version, buf + sizeof h, h.len);
    z->version[h.len] = '\0';
    return 0;
}

/* In the forked child: ctl on fd 3, the template on fd 4, everything else
 * closed at exec, and a fresh image of the kiln binary. The zygote must not
 * start as a copy of the engine: that memory holds the engine's arguments,
 * configuration, keys and other users' requests, and every warm child could
 * read it. Only async-signal-safe calls: the engine may be threaded. */
static _Noreturn void exec_zygote(const char *exe, const struct zygote_runtime *rt, int ctl,
                                  int mnt_fd)
{
    static char *const env[] = { JAIL_BASE_ENV, NULL };
    char *argv[] = { ZYGOTE_ARGV0, (char *)rt->name, "3", "4", NULL };
    /* Move both out of the way of 3 and 4 first, then into place; dup2
     * clears close-on-exec on the copies. */
    int c = fcntl(ctl, F_DUPFD_CLOEXEC, 10), m = fcntl(mnt_fd, F_DUPFD_CLOEXEC, 10);
    if (c >= 0 && m >= 0 && dup2(c, 3) == 3 && dup2(m, 4) == 4)
        execve(exe, argv, env);
    _exit(127);
}

struct zygote *zygote_create(const char *exe, struct jail *jail, const struct zygote_runtime *rt,
                             char *err, size_t errlen)
{
    struct zygote *z = calloc(1, sizeof *z);
    int ctl[2];
    if (!z || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) < 0) {
        free(z);
        err_set(err, errlen, "zygote: %m");
        return NULL;
    }
    z->rt = rt;
    z->ctl = ctl[0];
    z->pid = fork_into_new_pidns(err, errlen);
    if (z->pid == 0)
        exec_zygote(exe ? exe : "/proc/self/exe", rt, ctl[1], jail_mnt_fd(jail));
    close(ctl[1]);
    if (z->pid < 0 || await_init(z, err, errlen) < 0) {
        zygote_destroy(z);
        return NULL;
    }
    return z;
}

void zygote_destroy(struct zygote *z)
{
    if (!z)
        return;
    close(z->ctl);
    if (z->pid > 0) {
        kill(z->pid, SIGKILL);
        while (waitpid(z->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    free(z);
}

const char *zygote_version(const struct zygote *z)
{
    return z->version;
}

bool zygote_alive(struct zygote *z)
{
    if (z->pid <= 0)
        return false;
    pid_t w = waitpid(z->pid, NULL, WNOHANG);
    if (w == z->pid)
        z->pid = -1; /* reaped: the pid may now be reused, never signal it */
    return z->pid > 0;
}

bool zygote_child_fits(const struct kiln_limits *have, const struct kiln_limits *want)
{
    return have->fsize_kib == want->fsize_kib && have->nofile == want->nofile &&
           have->disk_kib == want->disk_kib && have->procs == want->procs &&
           have->cpu_ms / 1000 == want->cpu_ms / 1000 && have->mem_kib == want->mem_kib;
}

void zygote_child_close(struct zygote_child *c)
{
    int *fds[] = { &c->req_fd, &c->status_fd, &c->out_fd, &c->err_fd, &c->listener_fd };
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (*fds[i] >= 0) {
            close(*fds[i]);
            *fds[i] = -1;
        }
    c->ready = false;
}

static void close_pair(int p[2])
{
    for (int i = 0; i < 2; i++)
        if (p[i] >= 0)
            close(p[i]);
}

int zygote_spawn(struct zygote *z, struct jail *jail, unsigned slot, const struct kiln_limits *l,
                 struct zygote_child *c, char *err, size_t errlen)
{
    struct jail_slot_view v;
    jail_slot_view(jail, slot, &v);
    int req[2] = { -1, -1 }, st[2] = { -1, -1 }, out[2] = { -1, -1 }, er[2] = { -1, -1 };
    int cg[CG_PROCS_FDS_MAX], ncg = 0, rc = -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, req) < 0 ||
        socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, st) < 0 ||
        pipe2(out, O_CLOEXEC) < 0 || pipe2(er, O_CLOEXEC) < 0) {
        err_set(err, errlen, "zygote spawn: %m");
        goto out;
    }
    if ((ncg = cg_slot_open_procs(v.cg, cg, err, errlen)) < 0)
        goto out;
    struct spawn_msg sm = { .ncg = (uint32_t)ncg, .limits = *l };
    sandbox_init(&sm.sandbox, v.uid, l, NULL);
    sm.sandbox.new_ipc = true; /* the zygote's is shared by all its children */
    rootfs_run_opts_format(&sm.mounts, v.uid, l->disk_kib);
    int fds[MSG_FDS_MAX] = { [FD_REQ] = req[1], [FD_OUT] = out[1], [FD_ERR] = er[1],
                             [FD_STATUS] = st[1], [FD_NET] = v.net_fd };
    for (int i = 0; i < ncg; i++)
        fds[FD_CG0 + i] = cg[i];
    if (msg_send_fds(z->ctl, MSG_SPAWN, &sm, sizeof sm, fds, (size_t)(FD_CG0 + ncg)) < 0) {
        err_set(err, errlen, "the %s zygote does not answer: %m", z->rt->name);
        goto out;
    }
    *c = (struct zygote_child){ .req_fd = req[0], .status_fd = st[0], .out_fd = out[0],
                                .err_fd = er[0], .listener_fd = -1,
                                .grace_ms = z->rt->stop_grace_ms,
                                .limits = *l };
    req[0] = st[0] = out[0] = er[0] = -1;
    rc = 0;
out:
    while (ncg > 0)
        close(cg[--ncg]);
    close_pair(req);
    close_pair(st);
    close_pair(out);
    close_pair(er);
    return rc;
}

/* Waits for the child's READY; its failure report becomes the error. */
static int await_ready(struct zygote_child *c, char *err, size_t errlen)
{
    struct pollfd p = { .fd = c->req_fd, .events = POLLIN };
    if (poll(&p, 1, CHILD_READY_TIMEOUT_MS) <= 0)
        return err_set(err, errlen, "the warm child was not ready within %d ms",
                       CHILD_READY_TIMEOUT_MS);
    char buf[sizeof(struct msg_hdr) + sizeof(struct msg_fail)];
    int fds[MSG_FDS_MAX];
    size_t nfds = 0;
    ssize_t n = msg_recv_fds(c->req_fd, buf, sizeof buf, fds, &nfds);
    struct msg_hdr h = { 0 };
    if (n >= (ssize_t)sizeof h)
        memcpy(&h, buf, sizeof h);
    if (h.type == MSG_READY && nfds == 1) {
        c->listener_fd = fds[0];
        c->ready = true;
        return 0;
    }
    while (nfds)
        close(fds[--nfds]);
    if (h.type == MSG_FAIL && n == (ssize_t)sizeof buf) {
        struct msg_fail f;
        memcpy(&f, buf + sizeof h, sizeof f);
        f.what[sizeof f.what - 1] = '\0';
        return err_set(err, errlen, "warm child setup failed: %s: %s", f.what, strerror(f.err));
    }
    return err_set(err, errlen, "the warm child died before it was ready");
}

/* The zygote's MSG_EXITED for a child that ended without its own report. */
static void await_zygote_report(int status_fd, struct supervision *sv)
{
    struct pollfd p = { .fd = status_fd, .events = POLLIN };
    char buf[sizeof(struct msg_hdr) + sizeof(struct msg_exited)];
    struct msg_hdr h;
    struct msg_exited e;
    if (poll(&p, 1, CHILD_READY_TIMEOUT_MS) <= 0 || recv(status_fd, buf, sizeof buf, 0) != sizeof buf)
        return;
    memcpy(&h, buf, sizeof h);
    memcpy(&e, buf + sizeof h, sizeof e);
    if (h.type != MSG_EXITED)
        return;
    sv->exited = true;
    sv->wait_status = e.wait_status;
}

static int put(struct buf *b, const void *p, size_t n)
{
    return buf_append(b, p, n);
}

/* Serialises files and arguments into a sealed memfd (format at request_msg). */
static int pack_request(const struct zygote_request *r, const struct kiln_limits *limits,
                        bool session, struct request_msg *rm, char *err, size_t errlen)
{
    struct buf b = { 0 };
    int bad = 0;
    for (size_t i = 0; i < r->nfiles; i++) {
        const struct jail_file *f = &r->files[i];
        uint32_t nl = (uint32_t)strlen(f->name), mode = f->mode;
        uint64_t len = f->len;
        bad |= put(&b, &nl, 4) | put(&b, &mode, 4) | put(&b, &len, 8) | put(&b, f->name, nl) |
               put(&b, f->data, f->len);
    }
    for (size_t i = 0; i < r->nargs; i++) {
        uint32_t l = (uint32_t)strlen(r->args[i]);
        bad |= put(&b, &l, 4) | put(&b, r->args[i], l);
    }
    size_t context_len = r->interpret && r->context ? r->context_len : 0;
    bad |= context_len > UINT32_MAX || put(&b, r->context, context_len);
    *rm = (struct request_msg){ .nfiles = (uint32_t)r->nfiles, .nargs = (uint32_t)r->nargs,
                                .size = b.len, .cpu_ms = limits->cpu_ms,
                                .wall_ms = limits->wall_ms,
                                .flags = (r->interpret ? REQ_INTERPRET : 0) |
                                         (session ? REQ_SESSION : 0),
                                .context_len = (uint32_t)context_len };
    int fd = bad ? err_set(err, errlen, "out of memory") :
                   jail_memfd("request", b.data ? b.data : "", b.len, err, errlen);
    buf_free(&b);
    return fd;
}

/* Sends the request; in interpret mode *value_fd gets the memfd the
 * runtime writes the program's value into (the caller closes it). */
static int send_request(struct zygote_child *c, const struct zygote_request *r,
                        const struct kiln_limits *l, bool session, int *value_fd, char *err,
                        size_t errlen)
{
    struct request_msg rm;
    int fds[3] = { -1, -1, -1 }, rc = -1;
    size_t nfds = r->interpret ? 3 : 2;
    *value_fd = -1;
    fds[0] = pack_request(r, l, session, &rm, err, errlen);
    if (fds[0] >= 0)
        fds[1] = jail_stdin(r->stdin_fd, r->stdin_data, r->stdin_len, err, errlen);
    if (fds[1] >= 0 && nfds == 3 && (fds[2] = memfd_create("value", MFD_CLOEXEC)) < 0)
        err_set(err, errlen, "memfd_create: %m");
    if (fds[1] >= 0 && (nfds == 2 || fds[2] >= 0)) {
        rc = msg_send_fds(c->req_fd, MSG_REQUEST, &rm, sizeof rm, fds, nfds);
        if (rc < 0)
            err_set(err, errlen, "the warm child went away: %m");
    }
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (rc == 0)
        *value_fd = fds[2];
    else if (fds[2] >= 0)
        close(fds[2]);
    return rc;
}

/* What the runtime wrote into the value memfd, at most the output limit:
 * the program's word, like its stdout. */
static void read_value(int fd, const struct kiln_limits *l, struct jail_outcome *out)
{
    size_t cap = (size_t)l->output_kib * 1024;
    char chunk[16384];
    ssize_t n;
    while (fd >= 0 && out->value.len < cap &&
           (n = pread(fd, chunk, sizeof chunk, (off_t)out->value.len)) > 0) {
        size_t room = cap - out->value.len, take = (size_t)n < room ? (size_t)n : room;
        if (buf_append(&out->value, chunk, take) < 0)
            break;
    }
    struct stat st;
    out->value_truncated = fd >= 0 && fstat(fd, &st) == 0 && (size_t)st.st_size > out->value.len;
}

int zygote_run(struct jail *jail, unsigned slot, struct zygote_child *c,
               const struct zygote_request *req, const struct kiln_limits *l,
               struct jail_outcome *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct jail_slot_view v;
    jail_slot_view(jail, slot, &v);
    int value_fd = -1;
    if ((!c->ready && await_ready(c, err, errlen) < 0) ||
        jail_slot_prepare(jail, slot, l, true, err, errlen) < 0 ||
        send_request(c, req, l, false, &value_fd, err, errlen) < 0)
        return -1;
    /* The child's own report (on its request socket) ends the run; a child
     * that died without one (a signal, os._exit) is reported by the zygote
     * on the status socket. */
    struct supervision sv = {
        .keeper = 0, .chan = c->req_fd, .out_fd = c->out_fd, .err_fd = c->err_fd,
        .limits = l, .cg = v.cg, .ncpus = jail_ncpus(jail), .grace_ms = c->grace_ms,
        .listener = c->listener_fd, .reaper_fd = c->status_fd,
        .hangup_fd = req->hangup_fd > 0 ? req->hangup_fd : -1,
        .signal_fd = req->signal_fd > 0 ? req->signal_fd : -1,
        .events = req->events,
        /* The program runs in the process that holds the channel; only a
         * runtime that stops its programs itself (V8, whose programs have
         * no way to the fd) has verdicts to tell. */
        .chan_shared = true, .verdict_trusted = c->grace_ms > 0,
    };
    c->req_fd = c->out_fd = c->err_fd = c->listener_fd = -1; /* supervise() closes them */
    int rc = supervise(&sv, out, err, errlen);
    if (!sv.exited && sv.kill_reason == KILN_OK)
        await_zygote_report(c->status_fd, &sv);
    jail_slot_finish(jail, slot, &sv, l, false, out);
    zygote_child_close(c);
    read_value(value_fd, l, out);
    if (value_fd >= 0)
        close(value_fd);
    return rc < 0 && out->status != KILN_XX ? -1 : 0;
}

/* The supervision of one cell: a warm run's, except that the cell ends at
 * the child's MSG_CELL_DONE and the client's hang-up is not watched (a
 * session outlives the connection that sent a cell). */
static void cell_supervision(struct supervision *sv, struct zygote_child *c,
                             const struct jail_slot_view *v, const struct kiln_limits *l,
                             unsigned ncpus)
{
    *sv = (struct supervision){
        .keeper = 0, .chan = c->req_fd, .out_fd = c->out_fd, .err_fd = c->err_fd,
        .limits = l, .cg = v->cg, .ncpus = ncpus, .grace_ms = c->grace_ms,
        .listener = c->listener_fd, .reaper_fd = c->status_fd, .hangup_fd = -1,
        .signal_fd = -1,
        .chan_shared = true, .verdict_trusted = c->grace_ms > 0,
        .cell = true, .started = c->started,
    };
}

int zygote_cell(struct jail *jail, unsigned slot, struct zygote_child *c,
                const struct zygote_request *req, const struct kiln_limits *l,
                struct jail_outcome *out, bool *alive, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    *alive = false;
    struct jail_slot_view v;
    jail_slot_view(jail, slot, &v);
    struct zygote_request cell = *req;
    cell.interpret = true;
    int value_fd = -1;
    if ((!c->ready && await_ready(c, err, errlen) < 0) ||
        jail_slot_prepare(jail, slot, l, true, err, errlen) < 0 ||
        send_request(c, &cell, l, true, &value_fd, err, errlen) < 0) {
        zygote_child_close(c);
        return -1;
    }
    struct supervision sv;
    cell_supervision(&sv, c, &v, l, jail_ncpus(jail));
    c->req_fd = c->out_fd = c->err_fd = c->listener_fd = -1; /* back below if it lives */
    int rc = supervise(&sv, out, err, errlen);
    bool done = sv.cell_done && sv.kill_reason == KILN_OK;
    if (!sv.exited && sv.kill_reason == KILN_OK)
        await_zygote_report(c->status_fd, &sv);
    jail_slot_finish(jail, slot, &sv, l, false, out);
    read_value(value_fd, l, out);
    if (value_fd >= 0)
        close(value_fd);
    /* A cell that hit the memory limit may have left the process alive
     * (the OOM killer chose another of its processes); the session ends
     * all the same, with the status that says why. */
    if (done && sv.chan >= 0 && out->status != KILN_ML) {
        c->req_fd = sv.chan;
        c->out_fd = sv.out_fd;
        c->err_fd = sv.err_fd;
        c->listener_fd = sv.listener;
        c->started = true;
        *alive = true;
    } else {
        int *left[] = { &sv.chan, &sv.out_fd, &sv.err_fd, &sv.listener };
        for (size_t i = 0; i < sizeof left / sizeof left[0]; i++)
            if (*left[i] >= 0)
                close(*left[i]);
        zygote_child_close(c);
    }
    return rc < 0 && out->status != KILN_XX ? -1 : 0;
}

bool zygote_child_gone(const struct zygote_child *c)
{
    struct pollfd p = { .fd = c->status_fd, .events = POLLIN };
    return c->status_fd < 0 || c->req_fd < 0 || poll(&p, 1, 0) != 0;
}

int zygote_child_await_ready(struct zygote_child *c, char *err, size_t errlen)
{
    return c->ready ? 0 : await_ready(c, err, errlen);
}
