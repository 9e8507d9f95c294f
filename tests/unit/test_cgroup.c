/* test_cgroup.c — unit tests of src/jail/cgroup*: mountinfo parsing and
 * names (pure), then a slot's whole life on this host's cgroups (root). */
#define _GNU_SOURCE /* pipe2 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jail/cgroup.h"
#include "jail/cgroup_impl.h" /* cg_group_check, cg_parse_u64 */

#define MIB (1024u * 1024u)

/* ---- pure: mountinfo ---------------------------------------------------- */

/* This project's machine: v1 controllers, cpu and cpuacct apart, and an
 * empty cgroup2 at /sys/fs/cgroup/unified (cat /proc/self/mountinfo). */
static const char mi_this_host[] =
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
    "23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
    "24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs "
    "rw,size=12334464k,nr_inodes=3083616,mode=755\n"
    "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

/* Debian 12 and most current distributions. */
static const char mi_pure_v2[] =
    "22 29 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "25 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n"
    "29 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n";

/* systemd's hybrid layout of Debian 10: cpu and cpuacct in one hierarchy
 * (the last line carries no trailing newline). */
static const char mi_cpu_cpuacct[] =
    "30 24 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:5 - cgroup2 "
    "cgroup2 rw,nsdelegate\n"
    "32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:6 - cgroup "
    "cgroup rw,xattr,name=systemd\n"
    "35 30 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:9 - cgroup "
    "cgroup rw,cpu,cpuacct\n"
    "37 30 0:33 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:11 - cgroup "
    "cgroup rw,memory";

static void parse_ok(const char *text, struct cg_host *host)
{
    char err[256] = "";
    if (cg_host_parse_mountinfo(text, host, err, sizeof err) < 0)
        fail_msg("cg_host_parse_mountinfo: %s", err);
}

static void test_parse_this_host(void **state)
{
    (void)state;
    struct cg_host h;
    parse_ok(mi_this_host, &h);
    assert_int_equal(h.version, CG_V1);
    assert_string_equal(h.memory, "/sys/fs/cgroup/memory");
    assert_string_equal(h.pids, "/sys/fs/cgroup/pids");
    /* "rw,cpu" must not pass for cpuacct */
    assert_string_equal(h.cpu, "/sys/fs/cgroup/cpuacct");
}

static void test_parse_pure_v2(void **state)
{
    (void)state;
    struct cg_host h;
    parse_ok(mi_pure_v2, &h);
    assert_int_equal(h.version, CG_V2);
    assert_string_equal(h.memory, "/sys/fs/cgroup");
    assert_string_equal(h.pids, "/sys/fs/cgroup");
    assert_string_equal(h.cpu, "/sys/fs/cgroup");
}

static void test_parse_cpu_cpuacct(void **state)
{
    (void)state;
    struct cg_host h;
    parse_ok(mi_cpu_cpuacct, &h);
    assert_int_equal(h.version, CG_V1);
    assert_string_equal(h.memory, "/sys/fs/cgroup/memory");
    assert_string_equal(h.pids, ""); /* not mounted: skipped, not an error */
    assert_string_equal(h.cpu, "/sys/fs/cgroup/cpu,cpuacct");
}

static void test_parse_no_cgroups(void **state)
{
    (void)state;
    static const char text[] = "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
                               "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
                               "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw\n";
    const char *texts[] = {text, "", "\n\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct cg_host h = {.version = CG_V2};
        char err[256] = "";
        assert_int_equal(cg_host_parse_mountinfo(texts[i], &h, err, sizeof err), -1);
        assert_int_equal(h.version, CG_NONE);
        assert_non_null(strstr(err, "no cgroup"));
    }
}

static void test_parse_escaped_paths(void **state)
{
    (void)state;
    /* mountinfo writes ' ' as \040 and '\' as \134; optional fields vary. */
    static const char text[] =
        "40 31 0:40 / /mnt/my\\040cgroups/mem\\134ory rw,relatime - cgroup cgroup rw,memory\n"
        "41 31 0:41 / /mnt/my\\040cgroups/pids rw,relatime shared:3 master:1 - cgroup none "
        "rw,pids\n"
        "42 31 0:42 / /mnt/tab\\011acct rw - cgroup cgroup rw,cpuacct,cpu\n";
    struct cg_host h;
    parse_ok(text, &h);
    assert_int_equal(h.version, CG_V1);
    assert_string_equal(h.memory, "/mnt/my cgroups/mem\\ory");
    assert_string_equal(h.pids, "/mnt/my cgroups/pids");
    assert_string_equal(h.cpu, "/mnt/tab\tacct");
}

static void test_parse_prefers_root_mount(void **state)
{
    (void)state;
    /* A container's bind of its own subfolder, then the hierarchy's root. */
    static const char text[] =
        "50 40 0:32 /docker/abc /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n"
        "51 40 0:32 / /host/cgroup/memory rw - cgroup cgroup rw,memory\n"
        "52 40 0:36 /docker/abc /sys/fs/cgroup/pids ro - cgroup cgroup rw,pids\n";
    struct cg_host h;
    parse_ok(text, &h);
    assert_string_equal(h.memory, "/host/cgroup/memory");
    assert_string_equal(h.pids, "/sys/fs/cgroup/pids"); /* the only one: used */
}

static void test_parse_skips_malformed(void **state)
{
    (void)state;
    static const char text[] = "garbage\n"
                               "1 2 3 4 5 6 7 8 9 10 11 12\n"
                               "60 1 0:9 / /x rw - cgroup\n"
                               "61 1 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
    struct cg_host h;
    parse_ok(text, &h);
    assert_int_equal(h.version, CG_V2);
    assert_string_equal(h.memory, "/sys/fs/cgroup");
}

static void test_group_check(void **state)
{
    (void)state;
    static const char *const good[] = {"kiln", "kiln/1234-5f3a/slot0", "a.b_c-d/e"};
    static const char *const bad[] = {"", "/kiln", "kiln/", "kiln//x", "..", "kiln/../x",
                                      "kiln/./x", "a b", "kiln\n", "x/~y"};
    char err[256];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(cg_group_check(good[i], err, sizeof err), 0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(cg_group_check(bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "cgroup name"));
    }
}

static void test_parse_u64(void **state)
{
    (void)state;
    uint64_t v;
    assert_int_equal(cg_parse_u64("123\n", &v), 0);
    assert_int_equal(v, 123);
    assert_int_equal(cg_parse_u64("max\n", &v), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(cg_parse_u64("18446744073709551615", &v), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(cg_parse_u64("18446744073709551616", &v), -1);
    assert_int_equal(cg_parse_u64("", &v), -1);
    assert_int_equal(cg_parse_u64("12a", &v), -1);
    assert_int_equal(cg_parse_u64("-1", &v), -1);
}

static void test_version_name(void **state)
{
    (void)state;
    assert_string_equal(cg_version_name(CG_NONE), "none");
    assert_string_equal(cg_version_name(CG_V1), "v1");
    assert_string_equal(cg_version_name(CG_V2), "v2");
}

static void test_create_refuses_bad_input(void **state)
{
    (void)state;
    char err[256] = "";
    struct cg_host none = {0};
    assert_null(cg_slot_create(&none, "kiln/x", err, sizeof err));
    assert_non_null(strstr(err, "no cgroup support"));
    /* The name is checked before anything is touched: the mount is bogus. */
    struct cg_host v1 = {.version = CG_V1, .memory = "/nonexistent"};
    assert_null(cg_slot_create(&v1, "../escape", err, sizeof err));
    assert_non_null(strstr(err, "cgroup name"));
    cg_slot_destroy(NULL);
}

/* ---- live: a slot on this host's cgroups --------------------------------
 *
 * Each live test runs once per version (the prestate) and skips, saying
 * why, when the host is the other one or we are not root. The fixture
 * owns the slot, so the teardown removes the folders even after a failed
 * assertion; the group teardown removes kiln-test itself. */

static const enum cg_version want_v1 = CG_V1;
static const enum cg_version want_v2 = CG_V2;

struct live {
    struct cg_host host;
    char parent[64]; /* kiln-test/<pid> */
    char group[80];  /* kiln-test/<pid>/slot0 */
    struct cg_slot *slot;
    const char *skip_why;
    char why[600];
    char err[512];
};

static int live_setup(void **state)
{
    enum cg_version want = *(const enum cg_version *)*state;
    struct live *lv = calloc(1, sizeof *lv);
    if (!lv)
        return -1;
    snprintf(lv->parent, sizeof lv->parent, "kiln-test/%d", (int)getpid());
    snprintf(lv->group, sizeof lv->group, "%s/slot0", lv->parent);
    if (geteuid() != 0) {
        lv->skip_why = "not root";
    } else if (cg_host_detect(&lv->host, lv->err, sizeof lv->err) < 0) {
        snprintf(lv->why, sizeof lv->why, "no usable cgroups: %s", lv->err);
        lv->skip_why = lv->why;
    } else if (lv->host.version != want) {
        snprintf(lv->why, sizeof lv->why, "needs cgroup %s, host is %s", cg_version_name(want),
                 cg_version_name(lv->host.version));
        lv->skip_why = lv->why;
    }
    *state = lv;
    return 0;
}

static int live_teardown(void **state)
{
    struct live *lv = *state;
    cg_slot_destroy(lv->slot);
    cg_group_remove(&lv->host, lv->parent);
    /* Killed children, and grandchildren handed to us as subreaper. */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    free(lv);
    return 0;
}

static struct live *live_begin(void **state)
{
    struct live *lv = *state;
    if (lv->skip_why) {
        print_message("      skipped: %s\n", lv->skip_why);
        skip();
    }
    return lv;
}

/* Fails the test with the layer's message when call returns -1. */
#define CHECK(lv, call)                                      \
    do {                                                     \
        (lv)->err[0] = '\0';                                 \
        if ((call) < 0)                                      \
            fail_msg("%s: %s", #call, (lv)->err);            \
    } while (0)

static void live_create(struct live *lv)
{
    lv->slot = cg_slot_create(&lv->host, lv->group, lv->err, sizeof lv->err);
    if (!lv->slot)
        fail_msg("cg_slot_create %s: %s", lv->group, lv->err);
}

/* Forks a child that waits until it has been attached, then _exits with
 * fn(arg): it never returns into cmocka. */
static pid_t spawn_attached(struct live *lv, int (*fn)(void *), void *arg)
{
    int go[2];
    assert_int_equal(pipe2(go, O_CLOEXEC), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char c;
        ssize_t n;
        close(go[1]);
        do
            n = read(go[0], &c, 1);
        while (n < 0 && errno == EINTR);
        _exit(n == 1 ? fn(arg) : 99); /* EOF: the attach failed */
    }
    close(go[0]);
    lv->err[0] = '\0';
    int rc = cg_slot_attach(lv->slot, pid, lv->err, sizeof lv->err);
    if (rc == 0)
        assert_int_equal(write(go[1], "g", 1), 1);
    close(go[1]);
    if (rc < 0)
        fail_msg("cg_slot_attach: %s", lv->err);
    return pid;
}

static int wait_status(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    return status;
}

static void assert_exit0(int status)
{
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("child status 0x%x (exit %d, signal %d)", status,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Maps and writes one byte per page: the memory is really charged. A raw
 * mmap keeps the sanitizers' allocators out of the figures. */
static int child_touch(void *arg)
{
    size_t len = *(const size_t *)arg;
    if (len == 0)
        return 0;
    volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 3;
    for (size_t i = 0; i < len; i += 4096)
        p[i] = 1;
    return 0;
}

static void read_text(const char *mount, const char *group, const char *file, char *buf,
                      size_t size)
{
    char path[PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/%s/%s", mount, group, file);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail_msg("open %s: %s", path, strerror(errno));
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    assert_true(n >= 0);
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
}

static void test_live_detect(void **state)
{
    struct live *lv = live_begin(state);
    struct stat st;
    assert_int_equal(stat(lv->host.memory, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    print_message("      host: cgroup %s, memory %s, pids %s, cpu %s\n",
                  cg_version_name(lv->host.version), lv->host.memory,
                  lv->host.pids[0] ? lv->host.pids : "-", lv->host.cpu[0] ? lv->host.cpu : "-");
}

static void expect_limits(struct live *lv, const char *mem, const char *pids)
{
    char got[64];
    bool v1 = lv->host.version == CG_V1;
    read_text(lv->host.memory, lv->group, v1 ? "memory.limit_in_bytes" : "memory.max", got,
              sizeof got);
    assert_string_equal(got, mem);
    char path[PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/%s/memory.memsw.limit_in_bytes", lv->host.memory, lv->group);
    if (v1 && access(path, F_OK) == 0) {
        read_text(lv->host.memory, lv->group, "memory.memsw.limit_in_bytes", got, sizeof got);
        assert_string_equal(got, mem);
    }
    snprintf(path, sizeof path, "%s/%s/memory.swap.max", lv->host.memory, lv->group);
    if (!v1 && access(path, F_OK) == 0) {
        read_text(lv->host.memory, lv->group, "memory.swap.max", got, sizeof got);
        assert_string_equal(got, "0");
    }
    if (lv->host.pids[0]) {
        read_text(lv->host.pids, lv->group, "pids.max", got, sizeof got);
        assert_string_equal(got, pids);
    }
}

/* v1 refuses memsw < limit at every step: raising and lowering both work. */
static void test_live_limits(void **state)
{
    struct live *lv = live_begin(state);
    live_create(lv);
    CHECK(lv, cg_slot_set_limits(lv->slot, 64 * MIB, 16, lv->err, sizeof lv->err));
    expect_limits(lv, "67108864", "16");
    CHECK(lv, cg_slot_set_limits(lv->slot, 256 * MIB, 0, lv->err, sizeof lv->err));
    expect_limits(lv, "268435456", "max");
    CHECK(lv, cg_slot_set_limits(lv->slot, 32 * MIB, 8, lv->err, sizeof lv->err));
    expect_limits(lv, "33554432", "8");
}

static void usage(struct live *lv, struct cg_usage *u)
{
    CHECK(lv, cg_slot_usage(lv->slot, u, lv->err, sizeof lv->err));
    print_message("      usage: cpu %llu ns, peak %llu KiB, oom kills %llu\n",
                  (unsigned long long)u->cpu_ns, (unsigned long long)(u->mem_peak_bytes >> 10),
                  (unsigned long long)u->oom_kills);
}

static void test_live_memory(void **state)
{
    struct live *lv = live_begin(state);
    live_create(lv);
    CHECK(lv, cg_slot_set_limits(lv->slot, 64 * MIB, 16, lv->err, sizeof lv->err));
    CHECK(lv, cg_slot_prepare(lv->slot, lv->err, sizeof lv->err));

    size_t len = 32 * MIB;
    assert_exit0(wait_status(spawn_attached(lv, child_touch, &len)));
    struct cg_usage u;
    usage(lv, &u);
    assert_true(u.mem_peak_bytes >= 32 * MIB);
    assert_true(u.cpu_ns > 0);
    assert_int_equal(u.oom_kills, 0);
    uint64_t ns;
    CHECK(lv, cg_slot_cpu_ns(lv->slot, &ns, lv->err, sizeof lv->err));
    assert_true(ns >= u.cpu_ns);

    /* Over the limit: the kernel's OOM killer, inside the group only. */
    len = 128 * MIB;
    int status = wait_status(spawn_attached(lv, child_touch, &len));
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    usage(lv, &u);
    assert_int_equal(u.oom_kills, 1);

    /* A new run starts from zero: the peak and the OOM count. */
    CHECK(lv, cg_slot_prepare(lv->slot, lv->err, sizeof lv->err));
    len = 0;
    assert_exit0(wait_status(spawn_attached(lv, child_touch, &len)));
    usage(lv, &u);
    assert_true(u.mem_peak_bytes < 8 * MIB);
    assert_int_equal(u.oom_kills, 0);
}

/* Forks up to 40 sleepers; exits 0 if fork failed with EAGAIN first. */
static int child_fork_many(void *arg)
{
    (void)arg;
    pid_t kids[40];
    int n = 0;
    bool eagain = false;
    while (n < 40) {
        pid_t k = fork();
        if (k == 0) {
            pause();
            _exit(0);
        }
        if (k < 0) {
            eagain = errno == EAGAIN;
            break;
        }
        kids[n++] = k;
    }
    for (int i = 0; i < n; i++)
        kill(kids[i], SIGKILL);
    for (int i = 0; i < n; i++)
        waitpid(kids[i], NULL, 0);
    return eagain && n < 16 ? 0 : 1;
}

static void test_live_pids(void **state)
{
    struct live *lv = live_begin(state);
    if (!lv->host.pids[0]) {
        print_message("      skipped: no pids controller\n");
        skip();
    }
    live_create(lv);
    CHECK(lv, cg_slot_set_limits(lv->slot, 64 * MIB, 16, lv->err, sizeof lv->err));
    CHECK(lv, cg_slot_prepare(lv->slot, lv->err, sizeof lv->err));
    assert_exit0(wait_status(spawn_attached(lv, child_fork_many, NULL)));
}

/* Forks three sleepers, says so on the pipe, sleeps. */
static int child_family(void *arg)
{
    int ready = *(const int *)arg;
    for (int i = 0; i < 3; i++) {
        pid_t k = fork();
        if (k == 0)
            for (;;)
                pause();
        if (k < 0)
            return 1;
    }
    if (write(ready, "r", 1) != 1)
        return 2;
    for (;;)
        pause();
}

static bool gone(const char *mount, const char *group)
{
    char path[PATH_MAX + 128];
    struct stat st;
    if (!mount[0])
        return true;
    snprintf(path, sizeof path, "%s/%s", mount, group);
    return stat(path, &st) < 0 && errno == ENOENT;
}

/* Starts child_family in the slot and waits until all four are there. */
static pid_t spawn_family(struct live *lv)
{
    int ready[2];
    assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
    pid_t pid = spawn_attached(lv, child_family, &ready[1]);
    close(ready[1]);
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    return pid;
}

static void test_live_kill_all(void **state)
{
    struct live *lv = live_begin(state);
    live_create(lv);
    CHECK(lv, cg_slot_set_limits(lv->slot, 64 * MIB, 16, lv->err, sizeof lv->err));
    CHECK(lv, cg_slot_prepare(lv->slot, lv->err, sizeof lv->err));
    pid_t pid = spawn_family(lv);
    lv->err[0] = '\0';
    int killed = cg_slot_kill_all(lv->slot, lv->err, sizeof lv->err);
    if (killed < 0)
        fail_msg("cg_slot_kill_all: %s", lv->err);
    assert_int_equal(killed, 4);
    int status = wait_status(pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    assert_int_equal(cg_slot_kill_all(lv->slot, lv->err, sizeof lv->err), 0);
}

static void test_live_adopt(void **state)
{
    struct live *lv = live_begin(state);
    live_create(lv);
    pid_t pid = spawn_family(lv);
    /* A busy group is refused: its processes would join the next run... */
    lv->err[0] = '\0';
    assert_null(cg_slot_create(&lv->host, lv->group, lv->err, sizeof lv->err));
    assert_non_null(strstr(lv->err, "holds processes"));
    assert_int_equal(cg_slot_kill_all(lv->slot, lv->err, sizeof lv->err), 4);
    (void)wait_status(pid);
    /* ...an empty one is adopted. Both slots now name one folder: the
     * teardown's destroy of the first finds it gone, which is harmless. */
    struct cg_slot *again = cg_slot_create(&lv->host, lv->group, lv->err, sizeof lv->err);
    if (!again)
        fail_msg("adopt: %s", lv->err);
    cg_slot_destroy(again);
    assert_true(gone(lv->host.memory, lv->group));
}

static void test_live_destroy(void **state)
{
    struct live *lv = live_begin(state);
    live_create(lv);
    size_t len = 0;
    assert_exit0(wait_status(spawn_attached(lv, child_touch, &len)));
    cg_slot_destroy(lv->slot);
    lv->slot = NULL;
    assert_true(gone(lv->host.memory, lv->group));
    assert_true(gone(lv->host.pids, lv->group));
    assert_true(gone(lv->host.cpu, lv->group));
    assert_false(gone(lv->host.memory, lv->parent));
    cg_group_remove(&lv->host, lv->parent);
    assert_true(gone(lv->host.memory, lv->parent));
    assert_true(gone(lv->host.pids, lv->parent));
    assert_true(gone(lv->host.cpu, lv->parent));
}

/* Here cgroup2 is mounted but holds no controller: a v2 slot must be
 * refused before any folder is made. */
static void test_v2_refused_without_memory(void **state)
{
    (void)state;
    static const char unified[] = "/sys/fs/cgroup/unified";
    char list[512] = "";
    int fd = open("/sys/fs/cgroup/unified/cgroup.controllers", O_RDONLY | O_CLOEXEC);
    if (geteuid() != 0 || fd < 0 || read(fd, list, sizeof list - 1) < 0 ||
        cg_has_word(list, "memory")) {
        if (fd >= 0)
            close(fd);
        print_message("      skipped: needs root and a cgroup2 at %s without memory\n", unified);
        skip();
    }
    close(fd);
    struct cg_host h = {.version = CG_V2};
    snprintf(h.memory, sizeof h.memory, "%s", unified);
    snprintf(h.pids, sizeof h.pids, "%s", unified);
    snprintf(h.cpu, sizeof h.cpu, "%s", unified);
    char group[64], err[512] = "";
    snprintf(group, sizeof group, "kiln-test/%d/v2", (int)getpid());
    struct cg_slot *slot = cg_slot_create(&h, group, err, sizeof err);
    cg_slot_destroy(slot);
    assert_null(slot);
    assert_non_null(strstr(err, "cgroup.subtree_control"));
    assert_true(gone(unified, group));
}

#define LIVE(f, v) {#f "_" #v, f, live_setup, live_teardown, (void *)&want_##v}

/* Removes kiln-test on every mount (best effort: another run may use it). */
static int group_teardown(void **state)
{
    (void)state;
    struct cg_host h;
    char err[256];
    if (cg_host_detect(&h, err, sizeof err) == 0)
        cg_group_remove(&h, "kiln-test");
    return 0;
}

int main(void)
{
    /* Grandchildren of killed children come back to us to be reaped. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_this_host),
        cmocka_unit_test(test_parse_pure_v2),
        cmocka_unit_test(test_parse_cpu_cpuacct),
        cmocka_unit_test(test_parse_no_cgroups),
        cmocka_unit_test(test_parse_escaped_paths),
        cmocka_unit_test(test_parse_prefers_root_mount),
        cmocka_unit_test(test_parse_skips_malformed),
        cmocka_unit_test(test_group_check),
        cmocka_unit_test(test_parse_u64),
        cmocka_unit_test(test_version_name),
        cmocka_unit_test(test_create_refuses_bad_input),
        LIVE(test_live_detect, v1),
        LIVE(test_live_limits, v1),
        LIVE(test_live_memory, v1),
        LIVE(test_live_pids, v1),
        LIVE(test_live_kill_all, v1),
        LIVE(test_live_adopt, v1),
        LIVE(test_live_destroy, v1),
        LIVE(test_live_detect, v2),
        LIVE(test_live_limits, v2),
        LIVE(test_live_memory, v2),
        LIVE(test_live_pids, v2),
        LIVE(test_live_kill_all, v2),
        LIVE(test_live_adopt, v2),
        LIVE(test_live_destroy, v2),
        cmocka_unit_test(test_v2_refused_without_memory),
    };
    return cmocka_run_group_tests(tests, NULL, group_teardown);
}
