/* rootfs.c — the jail's root filesystem.
 *
 * The template: a tmpfs root holding read-only, nosuid, nodev binds of
 * the host's /usr (and the /bin, /lib... links or folders beside it), a
 * few /etc files the toolchains need, generated passwd/group/hosts, and a
 * /dev with only null, zero, random and urandom. Nothing else of the host
 * is reachable: no /home, /root, /run, /sys, no host /etc/shadow, and of
 * /var only /var/lib/ghc (a toolchain's package database).
 * The root tmpfs and /dev are remounted read-only once built.
 *
 * Per run (rootfs_enter): the keeper joins the template's namespace,
 * unshares a private copy (~tens of us) and mounts fresh tmpfs on /box,
 * /tmp, /var/tmp and /dev/shm, and a /proc of the run's PID namespace with
 * hidepid=2. They vanish with the run's namespace: nothing persists.
 */
#define _GNU_SOURCE
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/err.h"

/* Where the template is assembled: a folder every host has, covered by a
 * tmpfs inside the builder's private mount namespace only. */
#define ROOT_STAGE "/tmp"
#define RO_FLAGS (MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)

struct rootfs_bind {
    const char *path;
    const char *why;
};

/* Host paths the jail sees, read-only. A path that is a symlink on the host
 * (merged /usr: /bin -> usr/bin) is recreated as the same symlink. */
static const struct rootfs_bind ROOTFS_BINDS[] = {
    { "/usr", "programs, libraries, toolchains" },
    { "/bin", "merged-/usr link, or the folder on older hosts" },
    { "/sbin", "merged-/usr link" },
    { "/lib", "merged-/usr link: the dynamic linker's path" },
    { "/lib32", "multilib" },
    { "/lib64", "the x86-64 dynamic linker /lib64/ld-linux-x86-64.so.2" },
    { "/libx32", "multilib" },
    { "/etc/alternatives", "Debian alternatives: cc, c++, awk, java resolve through it" },
    { "/etc/ld.so.cache", "the dynamic linker finds libraries without scanning folders" },
    { "/etc/ld.so.conf", "read by tools that inspect the linker setup" },
    { "/etc/ld.so.conf.d", "as ld.so.conf" },
    { "/etc/localtime", "the local time zone" },
    { "/etc/python3.11", "Debian's sitecustomize for python3.11" },
    /* Toolchains whose Debian packages keep configuration in /etc: without
     * it they do not start (java.security, machine.config, Renviron, ...). */
    { "/etc/java-17-openjdk", "the JDK's conf/ links here" },
    { "/etc/mono", "mono's machine.config and assembly map" },
    { "/etc/R", "R_HOME/etc: Renviron, Makeconf" },
    { "/etc/nim", "nim.cfg, the compiler's search paths" },
    { "/etc/php", "php.ini and the extensions to load" },
    { "/etc/racket", "config.rktd: where racket's compiled collections are" },
    { "/etc/groovy", "groovy-starter.conf, groovy's class path" },
    { "/etc/ldc2.conf", "ldc2's import and library paths" },
    { "/etc/gnucobol", "cobc's dialect configurations" },
    { "/etc/fpc.cfg", "fpc's unit paths (a link into /etc/alternatives)" },
    { "/etc/fpc-3.2.2.cfg", "the target of that link" },
    { "/var/lib/ghc", "ghc's package database (/usr/lib/ghc/package.conf.d links here)" },
};

struct rootfs_text {
    const char *path;
    const char *text;
};

static const struct rootfs_text ROOTFS_FILES[] = {
    { "/etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost\n" },
    { "/etc/hostname", "kiln\n" },
    { "/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files\n" },
    { "/etc/resolv.conf", "" },
};

static const char *const ROOTFS_DIRS[] = {
    "/etc", "/box", "/tmp", "/var", "/var/lib", "/var/tmp", "/proc", "/dev",
};

static int write_text(const char *path, const char *text, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return err_set(err, errlen, "open %s: %m", path);
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    close(fd);
    if (n != (ssize_t)len)
        return err_set(err, errlen, "write %s: %m", path);
    return 0;
}

/* Makes path (inside the new root) a copy of the host's: a symlink, or a
 * read-only bind of a folder or file. Absent host paths are skipped. */
static int bind_host_path(const char *host, char *err, size_t errlen)
{
    char dst[PATH_MAX];
    struct stat st;
    if (lstat(host, &st) < 0)
        return errno == ENOENT ? 0 : err_set(err, errlen, "lstat %s: %m", host);
    snprintf(dst, sizeof dst, ROOT_STAGE "%s", host);
    if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlink(host, target, sizeof target - 1);
        if (n < 0)
            return err_set(err, errlen, "readlink %s: %m", host);
        target[n] = '\0';
        if (symlink(target, dst) < 0)
            return err_set(err, errlen, "symlink %s: %m", dst);
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        if (mkdir(dst, 0755) < 0 && errno != EEXIST)
            return err_set(err, errlen, "mkdir %s: %m", dst);
    } else if (write_text(dst, "", err, errlen) < 0)
        return -1;
    /* Not MS_REC: submounts would keep their own (writable) flags. */
    if (mount(host, dst, NULL, MS_BIND, NULL) < 0)
        return err_set(err, errlen, "bind %s: %m", host);
    if (mount(NULL, dst, NULL, RO_FLAGS, NULL) < 0)
        return err_set(err, errlen, "remount %s read-only: %m", dst);
    return 0;
}

static int make_dev(char *err, size_t errlen)
{
    static const struct { const char *name; unsigned minor; } nodes[] = {
        { "null", 3 }, { "zero", 5 }, { "random", 8 }, { "urandom", 9 },
    };
    static const struct { const char *name, *target; } links[] = {
        { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
        { "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
    };
    const char *dev = ROOT_STAGE "/dev";
    if (mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=755") < 0)
        return err_set(err, errlen, "mount tmpfs %s: %m", dev);
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++) {
        snprintf(path, sizeof path, "%s/%s", dev, nodes[i].name);
        if (mknod(path, S_IFCHR | 0666, makedev(1, nodes[i].minor)) < 0 || chmod(path, 0666) < 0)
            return err_set(err, errlen, "mknod %s: %m", path);
    }
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        snprintf(path, sizeof path, "%s/%s", dev, links[i].name);
        if (symlink(links[i].target, path) < 0)
            return err_set(err, errlen, "symlink %s: %m", path);
    }
    snprintf(path, sizeof path, "%s/shm", dev);
    if (mkdir(path, 01777) < 0)
        return err_set(err, errlen, "mkdir %s: %m", path);
    if (mount(NULL, dev, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, NULL) < 0)
        return err_set(err, errlen, "remount %s read-only: %m", dev);
    return 0;
}

/* passwd and group list every slot's uid as "kiln", so that tools which
 * look up their user (whoami, getpass, ssh-less git) find one. */
static int write_ids(const char *path, const char *head, const char *fmt, const uint32_t *uids,
                     unsigned n, char *err, size_t errlen)
{
    size_t cap = strlen(head) + 1 + (size_t)n * 64;
    char *text = malloc(cap);
    if (!text)
        return err_set(err, errlen, "out of memory");
    size_t at = (size_t)snprintf(text, cap, "%s", head);
    for (unsigned i = 0; i < n && at < cap; i++)
        at += (size_t)snprintf(text + at, cap - at, fmt, uids[i], uids[i]);
    int rc = write_text(path, text, err, errlen);
    free(text);
    return rc;
}

static int write_passwd(const uint32_t *uids, unsigned n, char *err, size_t errlen)
{
    if (write_ids(ROOT_STAGE "/etc/passwd",
                  "root:x:0:0:root:/root:/usr/sbin/nologin\n"
                  "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
                  "kiln:x:%u:%u:kiln:/box:/bin/sh\n", uids, n, err, errlen) < 0)
        return -1;
    return write_ids(ROOT_STAGE "/etc/group", "root:x:0:\nnogroup:x:65534:\n",
                     "kiln:x:%u:\n", uids, n, err, errlen);
}

/* Runs in the builder child, in its own mount namespace. */
static int build_template(const uint32_t *uids, unsigned n, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (unshare(CLONE_NEWNS) < 0)
        return err_set(err, errlen, "unshare(CLONE_NEWNS): %m");
    /* Nothing done here may propagate back to the host's mounts. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return err_set(err, errlen, "make / private: %m");
    if (mount("tmpfs", ROOT_STAGE, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755") < 0)
        return err_set(err, errlen, "mount tmpfs %s: %m", ROOT_STAGE);
    for (size_t i = 0; i < sizeof ROOTFS_DIRS / sizeof *ROOTFS_DIRS; i++) {
        snprintf(path, sizeof path, ROOT_STAGE "%s", ROOTFS_DIRS[i]);
        if (mkdir(path, 0755) < 0)
            return err_set(err, errlen, "mkdir %s: %m", path);
    }
    for (size_t i = 0; i < sizeof ROOTFS_BINDS / sizeof *ROOTFS_BINDS; i++)
        if (bind_host_path(ROOTFS_BINDS[i].path, err, errlen) < 0)
            return -1;
    for (size_t i = 0; i < sizeof ROOTFS_FILES / sizeof *ROOTFS_FILES; i++) {
        snprintf(path, sizeof path, ROOT_STAGE "%s", ROOTFS_FILES[i].path);
        if (write_text(path, ROOTFS_FILES[i].text, err, errlen) < 0)
            return -1;
    }
    if (write_passwd(uids, n, err, errlen) < 0 || make_dev(err, errlen) < 0)
        return -1;
    if (chmod(ROOT_STAGE "/tmp", 01777) < 0 || chmod(ROOT_STAGE "/var/tmp", 01777) < 0)
        return err_set(err, errlen, "chmod tmp: %m");
    /* pivot_root(".", ".") stacks the old root on the new one; detaching
     * it leaves the template as the only tree of this namespace. */
    if (chdir(ROOT_STAGE) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
        return err_set(err, errlen, "pivot_root %s: %m", ROOT_STAGE);
    if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
        return err_set(err, errlen, "detach the old root: %m");
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
        return err_set(err, errlen, "remount / read-only: %m");
    return 0;
}

/* The builder reports on `report` (a message, empty for success) and then
 * waits until the parent has opened its namespace and closes `hold`. */
static _Noreturn void builder_main(int report, int hold, const uint32_t *uids, unsigned n)
{
    char err[512] = "";
    int rc = build_template(uids, n, err, sizeof err);
    if (write(report, err, rc < 0 ? strlen(err) : 0) < 0 || close(report) < 0)
        _exit(1);
    char c;
    while (read(hold, &c, 1) < 0 && errno == EINTR)
        ;
    _exit(rc < 0);
}

static int open_builder_ns(pid_t pid, int report, int *mnt_fd, char *err, size_t errlen)
{
    char msg[512];
    ssize_t n;
    do
        n = read(report, msg, sizeof msg - 1);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return err_set(err, errlen, "reading the rootfs builder's report: %m");
    if (n > 0) {
        msg[n] = '\0';
        return err_set(err, errlen, "building the jail root: %s", msg);
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int)pid);
    *mnt_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*mnt_fd < 0)
        return err_set(err, errlen, "open %s: %m", path);
    return 0;
}

int rootfs_create(int *mnt_fd, const uint32_t *uids, unsigned n, char *err, size_t errlen)
{
    int report[2], hold[2];
    if (pipe2(report, O_CLOEXEC) < 0)
        return err_set(err, errlen, "pipe: %m");
    if (pipe2(hold, O_CLOEXEC) < 0) {
        close(report[0]);
        close(report[1]);
        return err_set(err, errlen, "pipe: %m");
    }
    /* fork, not a raw clone: the builder allocates, and glibc's fork keeps
     * malloc usable in the child of a threaded process. */
    pid_t pid = fork();
    if (pid == 0) {
        close(report[0]);
        close(hold[1]);
        builder_main(report[1], hold[0], uids, n);
    }
    close(report[1]);
    close(hold[0]);
    int rc = pid < 0 ? err_set(err, errlen, "fork: %m")
                     : open_builder_ns(pid, report[0], mnt_fd, err, errlen);
    close(report[0]);
    close(hold[1]);
    if (pid > 0)
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
    return rc;
}

void rootfs_run_opts_format(struct rootfs_run_opts *o, uint32_t uid, uint32_t disk_kib)
{
    /* nr_inodes bounds the kernel memory a flood of empty files can take. */
    snprintf(o->box, sizeof o->box, "size=%uk,nr_inodes=16384,mode=755,uid=%u,gid=%u", disk_kib,
             uid, uid);
    snprintf(o->tmp, sizeof o->tmp, "size=%uk,nr_inodes=16384,mode=1777", disk_kib);
    snprintf(o->shm, sizeof o->shm, "size=%uk,nr_inodes=4096,mode=1777", disk_kib);
}

int rootfs_join(int mnt_fd, const char **what)
{
    if ((*what = "setns mnt", setns(mnt_fd, CLONE_NEWNS)) < 0 ||
        (*what = "unshare mnt", unshare(CLONE_NEWNS)) < 0)
        return -1;
    return 0;
}

int rootfs_mount_box(const struct rootfs_run_opts *o, const char **what)
{
    const unsigned long rw = MS_NOSUID | MS_NODEV;
    if ((*what = "mount /box", mount("tmpfs", "/box", "tmpfs", rw, o->box)) < 0 ||
        (*what = "mount /tmp", mount("tmpfs", "/tmp", "tmpfs", rw, o->tmp)) < 0 ||
        (*what = "mount /var/tmp", mount("tmpfs", "/var/tmp", "tmpfs", rw, o->tmp)) < 0 ||
        (*what = "mount /dev/shm", mount("tmpfs", "/dev/shm", "tmpfs", rw | MS_NOEXEC, o->shm)) < 0 ||
        (*what = "chdir /box", chdir("/box")) < 0)
        return -1;
    return 0;
}

int rootfs_mount_proc(const char **what)
{
    *what = "mount /proc";
    return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2");
}

int rootfs_enter(int mnt_fd, const struct rootfs_run_opts *o, const char **what)
{
    if (rootfs_join(mnt_fd, what) < 0 || rootfs_mount_box(o, what) < 0 ||
        rootfs_mount_proc(what) < 0)
        return -1;
    *what = NULL;
    return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int rootfs_write_box_file(const char *name, const char *data, size_t len, uint32_t mode,
                          long owner)
{
    char path[1100];
    size_t n = strlen(name);
    if (n >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(path, name, n + 1);
    for (char *slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(path, 0755) == 0) {
            if (owner >= 0 && chown(path, (uid_t)owner, (gid_t)owner) < 0)
                return -1;
        } else if (errno != EEXIST)
            return -1;
        *slash = '/';
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 0777);
    if (fd < 0)
        return -1;
    int rc = write_all(fd, data, len);
    if (rc == 0 && owner >= 0)
        rc = fchown(fd, (uid_t)owner, (gid_t)owner);
    if (rc == 0)
        rc = fchmod(fd, mode & 0777);
    close(fd);
    return rc;
}
