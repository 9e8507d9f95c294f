/* seccomp.c — the syscall policy of jailed programs.
 *
 * Default allow, with a deny list: the jail's namespaces, read-only
 * mounts, uids and cgroups are the boundary; this filter removes the
 * kernel interfaces that could cross it or that carry most of the kernel's
 * privilege-escalation history. Denied calls fail with EPERM (ENOSYS for
 * clone3), so programs see an ordinary error; the EPERM comes from the
 * supervisor, which counts each denial (SECCOMP_RET_USER_NOTIF, denials.h).
 * clone3 is answered by the filter itself: libc probes it at every thread
 * start, and that is not an event. Syscalls of another
 * architecture (32-bit int 0x80, x32) kill the process: every rule here is
 * written for the native numbers, and the other tables would bypass them.
 */
#define _GNU_SOURCE
#include "seccomp.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/err.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

enum rule_kind {
    DENY,          /* always EPERM */
    DENY_ENOSYS,   /* always ENOSYS */
    DENY_IF_BITS,  /* EPERM when (arg & value) == value */
    DENY_IF_NE,    /* EPERM when arg != value */
    DENY_IF_EQ32,  /* EPERM when (arg & 0xffffffff) == value */
};

struct seccomp_rule {
    const char *syscall;
    enum rule_kind kind;
    unsigned arg;
    unsigned long long value;
    const char *why;
};

static const struct seccomp_rule SECCOMP_POLICY[] = {
    /* The jail's shape is fixed: no new namespaces, mounts or roots. */
    { "unshare", DENY, 0, 0, "new namespaces; user namespaces open most kernel attack surface" },
    { "setns", DENY, 0, 0, "joining another namespace" },
    { "clone", DENY_IF_BITS, 0, CLONE_NEWNS, "new namespace through clone" },
    { "clone", DENY_IF_BITS, 0, CLONE_NEWUTS, "new namespace through clone" },
    { "clone", DENY_IF_BITS, 0, CLONE_NEWIPC, "new namespace through clone" },
    { "clone", DENY_IF_BITS, 0, CLONE_NEWUSER, "new namespace through clone" },
    { "clone", DENY_IF_BITS, 0, CLONE_NEWPID, "new namespace through clone" },
    { "clone", DENY_IF_BITS, 0, CLONE_NEWNET, "new namespace through clone" },
    { "clone", DENY_IF_BITS, 0, CLONE_NEWCGROUP, "new namespace through clone" },
    { "clone", DENY_IF_BITS, 0, CLONE_NEWTIME, "new namespace through clone" },
    { "clone3", DENY_ENOSYS, 0, 0, "flags sit in memory the filter cannot read; ENOSYS makes libc fall back to clone" },
    { "mount", DENY, 0, 0, "mounts" },
    { "umount2", DENY, 0, 0, "uncovering what the jail's mounts hide" },
    { "pivot_root", DENY, 0, 0, "changing the root" },
    { "chroot", DENY, 0, 0, "changing the root" },
    { "open_tree", DENY, 0, 0, "new mount API" },
    { "move_mount", DENY, 0, 0, "new mount API" },
    { "fsopen", DENY, 0, 0, "new mount API" },
    { "fsconfig", DENY, 0, 0, "new mount API" },
    { "fsmount", DENY, 0, 0, "new mount API" },
    { "fspick", DENY, 0, 0, "new mount API" },
    { "mount_setattr", DENY, 0, 0, "new mount API" },
    /* Other processes: the per-slot uid already forbids most of it. */
    { "ptrace", DENY, 0, 0, "reading or steering other processes" },
    { "process_vm_readv", DENY, 0, 0, "reading other processes' memory" },
    { "process_vm_writev", DENY, 0, 0, "writing other processes' memory" },
    { "pidfd_getfd", DENY, 0, 0, "stealing another process's file descriptors" },
    { "kcmp", DENY, 0, 0, "probing other processes' kernel objects" },
    /* Kernel interfaces that are not namespaced or are large attack surface. */
    { "keyctl", DENY, 0, 0, "the kernel keyring is shared with the host" },
    { "add_key", DENY, 0, 0, "the kernel keyring is shared with the host" },
    { "request_key", DENY, 0, 0, "the kernel keyring is shared with the host" },
    { "bpf", DENY, 0, 0, "eBPF: large attack surface" },
    { "perf_event_open", DENY, 0, 0, "performance counters: side channels and kernel bugs" },
    { "userfaultfd", DENY, 0, 0, "stalls kernel threads at will, a common exploit aid" },
    { "io_uring_setup", DENY, 0, 0, "io_uring bypasses syscall filtering and has a long CVE list" },
    { "io_uring_enter", DENY, 0, 0, "io_uring" },
    { "io_uring_register", DENY, 0, 0, "io_uring" },
    { "open_by_handle_at", DENY, 0, 0, "opens files by inode, around the mount tree (the 'shocker' escape)" },
    { "name_to_handle_at", DENY, 0, 0, "pairs with open_by_handle_at" },
    { "fanotify_init", DENY, 0, 0, "watching the host's file accesses" },
    { "lookup_dcookie", DENY, 0, 0, "kernel profiling interface" },
    { "syslog", DENY, 0, 0, "the kernel log is the host's" },
    { "acct", DENY, 0, 0, "process accounting is host-wide" },
    { "quotactl", DENY, 0, 0, "disk quotas are host-wide" },
    { "kexec_load", DENY, 0, 0, "replacing the kernel" },
    { "kexec_file_load", DENY, 0, 0, "replacing the kernel" },
    { "init_module", DENY, 0, 0, "loading kernel code" },
    { "finit_module", DENY, 0, 0, "loading kernel code" },
    { "delete_module", DENY, 0, 0, "unloading kernel code" },
    { "reboot", DENY, 0, 0, "the host's power" },
    { "swapon", DENY, 0, 0, "the host's swap" },
    { "swapoff", DENY, 0, 0, "the host's swap" },
    { "iopl", DENY, 0, 0, "raw I/O ports" },
    { "ioperm", DENY, 0, 0, "raw I/O ports" },
    { "modify_ldt", DENY, 0, 0, "segment descriptors: old exploit vector" },
    { "uselib", DENY, 0, 0, "obsolete loader interface" },
    { "vhangup", DENY, 0, 0, "terminals of the host" },
    { "settimeofday", DENY, 0, 0, "the host's clock" },
    { "clock_settime", DENY, 0, 0, "the host's clock" },
    { "clock_adjtime", DENY, 0, 0, "the host's clock" },
    { "adjtimex", DENY, 0, 0, "the host's clock" },
    /* ASLR and executable-data switches help exploits, not programs. */
    { "personality", DENY_IF_BITS, 0, 0x0040000, "ADDR_NO_RANDOMIZE" },
    { "personality", DENY_IF_BITS, 0, 0x0400000, "READ_IMPLIES_EXEC" },
    { "personality", DENY_IF_BITS, 0, 0x0100000, "MMAP_PAGE_ZERO" },
    /* Network: the namespace is empty; sockets other than AF_UNIX have no
     * business here, and refusing them early gives a clear error. */
    { "socket", DENY_IF_NE, 0, AF_UNIX, "only AF_UNIX sockets" },
    { "socketpair", DENY_IF_NE, 0, AF_UNIX, "only AF_UNIX sockets" },
    /* Terminal input injection (TIOCSTI) into whatever terminal is reachable. */
    { "ioctl", DENY_IF_EQ32, 1, TIOCSTI, "typing into a terminal" },
    { "ioctl", DENY_IF_EQ32, 1, TIOCLINUX, "console control" },
};

/* Denials go to the supervisor, which answers EPERM (denials.c). */
#define DENY_ACTION SCMP_ACT_NOTIFY

static int add_rule(scmp_filter_ctx ctx, const struct seccomp_rule *r, int nr)
{
    switch (r->kind) {
    case DENY:
        return seccomp_rule_add(ctx, DENY_ACTION, nr, 0);
    case DENY_ENOSYS:
        return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
    case DENY_IF_BITS:
        return seccomp_rule_add(ctx, DENY_ACTION, nr, 1,
                                SCMP_CMP(r->arg, SCMP_CMP_MASKED_EQ, r->value, r->value));
    case DENY_IF_NE:
        return seccomp_rule_add(ctx, DENY_ACTION, nr, 1, SCMP_CMP(r->arg, SCMP_CMP_NE, r->value));
    case DENY_IF_EQ32:
        return seccomp_rule_add(ctx, DENY_ACTION, nr, 1,
                                SCMP_CMP(r->arg, SCMP_CMP_MASKED_EQ, 0xffffffffULL, r->value));
    }
    return -EINVAL;
}

const char *seccomp_denied_name(int nr)
{
    for (size_t i = 0; i < sizeof SECCOMP_POLICY / sizeof *SECCOMP_POLICY; i++)
        if (seccomp_syscall_resolve_name(SECCOMP_POLICY[i].syscall) == nr)
            return SECCOMP_POLICY[i].syscall;
    return "unknown";
}

/* libseccomp writes BPF to an fd; a memfd brings it back into memory. */
static int export_bpf(scmp_filter_ctx ctx, struct seccomp_prog *out, char *err, size_t errlen)
{
    int fd = memfd_create("kiln-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return err_set(err, errlen, "memfd_create: %m");
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0) {
        close(fd);
        return err_set(err, errlen, "seccomp_export_bpf: %s", strerror(-rc));
    }
    off_t size = lseek(fd, 0, SEEK_END);
    struct sock_filter *insns = size > 0 ? malloc((size_t)size) : NULL;
    if (!insns || pread(fd, insns, (size_t)size, 0) != size) {
        free(insns);
        close(fd);
        return err_set(err, errlen, "reading the exported filter: %m");
    }
    close(fd);
    out->fprog.len = (unsigned short)((size_t)size / sizeof *insns);
    out->fprog.filter = insns;
    return 0;
}

int seccomp_compile(struct seccomp_prog *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx)
        return err_set(err, errlen, "seccomp_init failed");
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    for (size_t i = 0; rc == 0 && i < sizeof SECCOMP_POLICY / sizeof *SECCOMP_POLICY; i++) {
        const struct seccomp_rule *r = &SECCOMP_POLICY[i];
        int nr = seccomp_syscall_resolve_name(r->syscall);
        if (nr == __NR_SCMP_ERROR)
            continue; /* not a syscall of this architecture */
        rc = add_rule(ctx, r, nr);
        if (rc < 0) {
            seccomp_release(ctx);
            return err_set(err, errlen, "seccomp rule for %s: %s", r->syscall, strerror(-rc));
        }
        out->rules++;
    }
    if (rc < 0) {
        seccomp_release(ctx);
        return err_set(err, errlen, "seccomp_attr_set: %s", strerror(-rc));
    }
    rc = export_bpf(ctx, out, err, errlen);
    seccomp_release(ctx);
    return rc;
}

void seccomp_prog_free(struct seccomp_prog *prog)
{
    if (!prog)
        return;
    free(prog->fprog.filter);
    prog->fprog.filter = NULL;
    prog->fprog.len = 0;
}

int seccomp_apply(const struct seccomp_prog *prog)
{
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                        &prog->fprog);
}
