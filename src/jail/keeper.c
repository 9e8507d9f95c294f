/* keeper.c — pid 1 of a run's PID namespace.
 *
 * The keeper is a raw clone of the supervisor's thread. In a threaded
 * process only async-signal-safe work is allowed after such a clone, so
 * everything here is plain syscalls on memory prepared beforehand: no
 * malloc, no stdio, and raw setresuid/setgroups (glibc's wrappers would
 * try to signal the parent's other threads, which do not exist here).
 *
 * Sequence: reset signals, close every inherited fd but its own, wait for
 * the supervisor to put it in the slot's cgroup, enter the root filesystem
 * (private copy, fresh tmpfs, /proc), join the slot's network namespace,
 * write the files, fork the program, report STARTED. When the program's
 * first process exits, kill(-1) and reaping leave the namespace empty
 * before EXITED is sent: no process outlives its run. With `collect`, the
 * files of /box follow. Any failure is reported as MSG_FAIL and ends the
 * keeper, and with it the namespace.
 */
#define _GNU_SOURCE
#include "keeper.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jail/msg.h"
#include "jail/sandbox.h"

#define COLLECT_DEPTH_MAX 8

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static _Noreturn void fail(const struct keeper_plan *p, const char *what, const char *object)
{
    msg_send_fail(p->chan, errno, what, object);
    _exit(1);
}

static void reset_signals(void)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    for (int sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL); /* EINVAL for SIGKILL, SIGSTOP, libc's own: fine */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Moves an fd out of 0..2, so that dup2 onto 0..2 later cannot clobber it. */
static int lift_fd(int *fd)
{
    if (*fd > 2)
        return 0;
    int n = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
    if (n < 0)
        return -1;
    close(*fd);
    *fd = n;
    return 0;
}

static void write_file(const struct keeper_plan *p, const struct jail_file *f)
{
    if (!box_path_valid(f->name)) {
        errno = EINVAL;
        fail(p, "file name", f->name);
    }
    if (rootfs_write_box_file(f->name, f->data, f->len, f->mode, (long)p->uid) < 0)
        fail(p, "write", f->name);
}

/* Child of the keeper: becomes the program. Reports a failure before exec
 * as errno + step on errfd, which exec closes (O_CLOEXEC) on success. */
static _Noreturn void program_exec(struct keeper_plan *p, int errfd)
{
    const char *what;
    int e, listener;
    /* The channel moves to 4 (out of the way of 0-3 first): the seccomp
     * listener goes up through it before exec. */
    int chan = fcntl(p->chan, F_DUPFD_CLOEXEC, 10);
    if ((what = "dup2", chan) < 0 || dup2(p->stdin_fd, 0) < 0 || dup2(p->out_fd, 1) < 0 ||
        dup2(p->err_fd, 2) < 0 || (errfd != 3 && dup3(errfd, 3, O_CLOEXEC) < 0) ||
        dup3(chan, 4, O_CLOEXEC) < 0)
        goto out;
    syscall(SYS_close_range, 5, ~0U, 0);
    if ((what = "setsid", setsid()) < 0 || (listener = sandbox_enter(&p->sandbox, &what)) < 0)
        goto out;
    /* Nothing untrusted may hold the listener: it can let denied calls through. */
    what = "send the seccomp listener";
    if (msg_send_fds(4, MSG_LISTENER, NULL, 0, &listener, 1) < 0)
        goto out;
    close(listener);
    close(4);
    what = "exec";
    execve(p->argv[0], p->argv, p->envp);
out:
    e = errno;
    {
        char report[sizeof e + 64] = { 0 };
        memcpy(report, &e, sizeof e);
        strncpy(report + sizeof e, what, 63);
        if (write(3, report, sizeof report) < 0)
            _exit(127);
    }
    _exit(127);
}

/* Waits for the program's first process; then kills and reaps the rest. */
static int reap_all(pid_t main_pid, int64_t *end_ns)
{
    int status = 0, st;
    for (;;) {
        pid_t w = wait4(-1, &st, __WALL, NULL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            break;
        if (w == main_pid) {
            status = st;
            break;
        }
    }
    *end_ns = now_ns();
    /* As pid 1, kill(-1) reaches every other process of the namespace. */
    kill(-1, SIGKILL);
    while (wait4(-1, NULL, __WALL, NULL) > 0 || errno == EINTR)
        ;
    return status;
}

static pid_t start_program(struct keeper_plan *p)
{
    int errpipe[2];
    if (pipe2(errpipe, O_CLOEXEC) < 0 || lift_fd(&errpipe[0]) < 0 || lift_fd(&errpipe[1]) < 0)
        fail(p, "pipe", NULL);
    pid_t pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) {
        close(errpipe[0]);
        program_exec(p, errpipe[1]);
    }
    if (pid < 0)
        fail(p, "clone program", NULL);
    close(errpipe[1]);
    close(p->stdin_fd);
    close(p->out_fd);
    close(p->err_fd);
    char report[sizeof(int) + 64];
    ssize_t n;
    do
        n = read(errpipe[0], report, sizeof report);
    while (n < 0 && errno == EINTR);
    close(errpipe[0]);
    if (n > 0) {
        memcpy(&errno, report, sizeof(int));
        report[sizeof report - 1] = '\0';
        fail(p, report + sizeof(int), p->argv[0]);
    }
    return pid;
}

static void send_file(const struct keeper_plan *p, int dirfd, const char *name, const char *rel)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return;
    }
    char buf[16384];
    struct msg_file *mf = (struct msg_file *)buf;
    size_t rl = strlen(rel);
    mf->mode = st.st_mode & 0777;
    mf->name_len = (uint32_t)rl;
    mf->size = (uint64_t)st.st_size;
    memcpy(buf + sizeof *mf, rel, rl);
    msg_send(p->chan, MSG_FILE, buf, (uint32_t)(sizeof *mf + rl));
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0 && msg_send(p->chan, MSG_DATA, buf, (uint32_t)n) < 0)
            break;
    close(fd);
}

/* Sends the regular files under dirfd; symlinks, FIFOs, devices and
 * sockets the program left are skipped, never followed. */
static void send_tree(const struct keeper_plan *p, int dirfd, char *rel, size_t rel_len, int depth)
{
    char dents[4096];
    long n;
    while ((n = syscall(SYS_getdents64, dirfd, dents, sizeof dents)) > 0) {
        for (long off = 0; off < n;) {
            struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; }
                *d = (void *)(dents + off);
            off += d->reclen;
            size_t nl = strlen(d->name);
            if (!strcmp(d->name, ".") || !strcmp(d->name, "..") || rel_len + nl + 2 > 1024)
                continue;
            memcpy(rel + rel_len, d->name, nl + 1);
            struct stat st;
            if (fstatat(dirfd, d->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                continue;
            if (S_ISREG(st.st_mode))
                send_file(p, dirfd, d->name, rel);
            else if (S_ISDIR(st.st_mode) && depth < COLLECT_DEPTH_MAX) {
                int sub = openat(dirfd, d->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0)
                    continue;
                rel[rel_len + nl] = '/';
                send_tree(p, sub, rel, rel_len + nl + 1, depth + 1);
                close(sub);
            }
        }
    }
    rel[rel_len] = '\0';
}

_Noreturn void keeper_main(struct keeper_plan *p)
{
    reset_signals();
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    int keep[] = { p->chan, p->stdin_fd, p->out_fd, p->err_fd, p->mnt_fd, p->net_fd };
    sandbox_close_fds_except(keep, sizeof keep / sizeof *keep);
    if (lift_fd(&p->stdin_fd) < 0 || lift_fd(&p->out_fd) < 0 || lift_fd(&p->err_fd) < 0)
        fail(p, "fcntl F_DUPFD", NULL);

    struct msg_hdr go;
    ssize_t n;
    do
        n = recv(p->chan, &go, sizeof go, 0);
    while (n < 0 && errno == EINTR);
    if (n != sizeof go || go.type != MSG_ATTACHED)
        _exit(1); /* the supervisor gave up on this run */

    const char *what;
    if (rootfs_enter(p->mnt_fd, &p->mounts, &what) < 0)
        fail(p, what, NULL);
    if (sethostname("kiln", 4) < 0)
        fail(p, "sethostname", NULL);
    if (setns(p->net_fd, CLONE_NEWNET) < 0)
        fail(p, "setns net", NULL);
    close(p->mnt_fd);
    close(p->net_fd);
    for (size_t i = 0; i < p->nfiles; i++)
        write_file(p, &p->files[i]);

    struct msg_started started = { .start_ns = now_ns() };
    pid_t pid = start_program(p);
    msg_send(p->chan, MSG_STARTED, &started, sizeof started);
    struct msg_exited exited = { 0 };
    int64_t end_ns;
    exited.wait_status = reap_all(pid, &end_ns);
    exited.wall_ns = end_ns - started.start_ns;
    msg_send(p->chan, MSG_EXITED, &exited, sizeof exited);
    if (p->collect) {
        char rel[1100] = "";
        int box = open("/box", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (box >= 0)
            send_tree(p, box, rel, 0, 0);
        msg_send(p->chan, MSG_FILES_END, NULL, 0);
    }
    _exit(0);
}
