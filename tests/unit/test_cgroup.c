/* test_cgroup.c — unit tests of src/jail/cgroup*: mountinfo parsing and
 * names (pure), then a slot's whole life on this host's cgroups (root). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define _GNU_SOURCE
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
    "24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12334464k,nr_inodes=3083616,mode=755\n"
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
