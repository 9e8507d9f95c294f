/* test_jail.c — the jail's pure pieces, and jail_run on real programs. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "jail/jail.h"
#include "jail/rootfs.h"
#include "jail/seccomp.h"
#include "util/utf8.h"

static void test_box_path_valid(void **state)
{
    (void)state;
    assert_true(box_path_valid("main.c"));
    assert_true(box_path_valid("src/util/x.h"));
    assert_true(box_path_valid(".hidden"));
    assert_true(box_path_valid("a..b"));
    assert_false(box_path_valid(NULL));
    assert_false(box_path_valid(""));
    assert_false(box_path_valid("/etc/passwd"));
    assert_false(box_path_valid(".."));
    assert_false(box_path_valid("../x"));
    assert_false(box_path_valid("a/../../x"));
    assert_false(box_path_valid("a/./b"));
    assert_false(box_path_valid("a//b"));
    assert_false(box_path_valid("a/"));
    assert_false(box_path_valid("new\nline"));
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_false(box_path_valid(longname)); /* a component over 255 bytes */
}

static void test_resolve_command(void **state)
{
    (void)state;
    char path[256];
    assert_int_equal(jail_resolve_command("sh", path, sizeof path), 0);
    assert_true(path[0] == '/');
    assert_int_equal(jail_resolve_command("./main", path, sizeof path), 0);
    assert_string_equal(path, "./main");
    assert_int_equal(jail_resolve_command("no-such-command-kiln", path, sizeof path), -1);
    assert_int_equal(jail_resolve_command("sh", path, 4), -1); /* does not fit */
}

static void test_seccomp_compiles(void **state)
{
    (void)state;
    struct seccomp_prog p;
    char err[256] = "";
    assert_int_equal(seccomp_compile(&p, err, sizeof err), 0);
    assert_true(p.rules > 50);
    assert_true(p.fprog.len > p.rules); /* every rule is at least one instruction */
    seccomp_prog_free(&p);
    assert_null(p.fprog.filter);
}

static void test_run_opts_format(void **state)
{
    (void)state;
    struct rootfs_run_opts o;
    rootfs_run_opts_format(&o, 62003, 4096);
    assert_string_equal(o.box, "size=4096k,nr_inodes=16384,mode=755,uid=62003,gid=62003");
    assert_non_null(strstr(o.tmp, "mode=1777"));
    assert_non_null(strstr(o.shm, "size=4096k"));
}

static void test_utf8_sanitize(void **state)
{
    (void)state;
    size_t n;
    char *s = utf8_sanitize("h\xc3\xa9llo", 6, &n);
    assert_string_equal(s, "h\xc3\xa9llo");
    free(s);
    /* NUL, a lone continuation byte, an overlong '/', a surrogate, a truncated sequence */
    s = utf8_sanitize("a\0b\x80" "c\xc0\xaf" "d\xed\xa0\x80" "e\xe2\x82", 14, &n);
    assert_string_equal(s, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd"
                           "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "e\xef\xbf\xbd\xef\xbf\xbd");
    assert_int_equal(n, strlen(s));
    free(s);
}

/* Live runs need root, namespaces and cgroups: this host must have them. */
struct live {
    struct jail *jail;
};

static int live_setup(void **state)
{
    static struct live live;
    char err[512];
    struct jail_config cfg = { .slots = 2, .uid_base = 62100, .cgroup_name = "kiln-unit" };
    live.jail = jail_create(&cfg, err, sizeof err);
    if (!live.jail) {
        fprintf(stderr, "jail_create: %s\n", err);
        return -1;
    }
    *state = &live;
    return 0;
}

static int live_teardown(void **state)
{
    struct live *live = *state;
    jail_destroy(live->jail);
    return 0;
}

static const struct kiln_limits LIMITS = {
    .cpu_ms = 5000, .wall_ms = 10000, .mem_kib = 131072, .procs = 32, .output_kib = 64,
    .fsize_kib = 1024, .disk_kib = 4096, .nofile = 64,
};

static int sh(struct live *live, unsigned slot, const char *script, const char *in,
              struct jail_outcome *o, bool collect, const struct jail_file *files, size_t n)
{
    char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
    char *env[] = { "PATH=/usr/bin:/bin", NULL };
    struct jail_spec spec = { .argv = argv, .envp = env, .files = files, .nfiles = n,
                              .stdin_data = in, .stdin_len = in ? strlen(in) : 0,
                              .limits = LIMITS, .collect = collect };
    char err[256] = "";
    int rc = jail_run(live->jail, slot, &spec, o, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "jail_run: %s\n", err);
    return rc;
}

static void test_live_stdin_stdout_exit(void **state)
{
    struct jail_outcome o;
    assert_int_equal(sh(*state, 0, "read x; echo got $x; echo oops >&2; exit 3", "hello\n", &o,
                        false, NULL, 0), 0);
    assert_int_equal(o.status, KILN_RE);
    assert_int_equal(o.exit_code, 3);
    assert_string_equal(o.out.data, "got hello\n");
    assert_string_equal(o.err.data, "oops\n");
    jail_outcome_free(&o);
}

static void test_live_files_in_and_collected(void **state)
{
    struct jail_file in[] = {
        { .name = "a.txt", .data = "alpha", .len = 5, .mode = 0644 },
        { .name = "sub/b.txt", .data = "beta", .len = 4, .mode = 0644 },
    };
    struct jail_outcome o;
    assert_int_equal(sh(*state, 1, "cat a.txt sub/b.txt; echo made > out.bin; ln -s /etc/passwd link;"
                        " mkfifo fifo", NULL, &o, true, in, 2), 0);
    assert_int_equal(o.status, KILN_OK);
    assert_string_equal(o.out.data, "alphabeta");
    /* Regular files come back; the symlink and the FIFO do not. */
    bool made = false, sub = false;
    for (size_t i = 0; i < o.nfiles; i++) {
        assert_string_not_equal(o.files[i].name, "link");
        assert_string_not_equal(o.files[i].name, "fifo");
        if (!strcmp(o.files[i].name, "out.bin")) {
            made = true;
            assert_int_equal(o.files[i].len, 5);
            assert_memory_equal(o.files[i].data, "made\n", 5);
        }
        sub |= !strcmp(o.files[i].name, "sub/b.txt");
    }
    assert_true(made);
    assert_true(sub);
    jail_outcome_free(&o);
}

static void test_live_signal_status(void **state)
{
    struct jail_outcome o;
    assert_int_equal(sh(*state, 0, "kill -SEGV $$", NULL, &o, false, NULL, 0), 0);
    assert_int_equal(o.status, KILN_SG);
    assert_int_equal(o.signal, 11);
    assert_non_null(strstr(o.message, "SIGSEGV"));
    jail_outcome_free(&o);
}

static void test_live_exec_failure_is_xx(void **state)
{
    char *argv[] = { "/box/does-not-exist", NULL };
    char *env[] = { NULL };
    struct jail_spec spec = { .argv = argv, .envp = env, .limits = LIMITS };
    struct jail_outcome o;
    struct live *live = *state;
    assert_int_equal(jail_run(live->jail, 0, &spec, &o, NULL, 0), 0);
    assert_int_equal(o.status, KILN_XX);
    assert_non_null(strstr(o.message, "No such file"));
    jail_outcome_free(&o);
}

static void test_live_background_child_is_killed(void **state)
{
    /* A child that outlives the main process keeps stdout open; the run
     * must still end at once, because the keeper kills it. */
    struct jail_outcome o;
    assert_int_equal(sh(*state, 0, "sleep 30 & echo started", NULL, &o, false, NULL, 0), 0);
    assert_int_equal(o.status, KILN_OK);
    assert_true(o.wall_ms < 1000);
    jail_outcome_free(&o);
}

static void test_live_rejects_bad_file_name(void **state)
{
    struct jail_file in[] = { { .name = "../escape", .data = "x", .len = 1, .mode = 0644 } };
    struct jail_outcome o;
    assert_int_equal(sh(*state, 0, "true", NULL, &o, false, in, 1), -1);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_box_path_valid),
        cmocka_unit_test(test_resolve_command),
        cmocka_unit_test(test_seccomp_compiles),
        cmocka_unit_test(test_run_opts_format),
        cmocka_unit_test(test_utf8_sanitize),
    };
    const struct CMUnitTest live[] = {
        cmocka_unit_test(test_live_stdin_stdout_exit),
        cmocka_unit_test(test_live_files_in_and_collected),
        cmocka_unit_test(test_live_signal_status),
        cmocka_unit_test(test_live_exec_failure_is_xx),
        cmocka_unit_test(test_live_background_child_is_killed),
        cmocka_unit_test(test_live_rejects_bad_file_name),
    };
    int failed = cmocka_run_group_tests_name("jail pure", pure, NULL, NULL);
    return failed + cmocka_run_group_tests_name("jail live", live, live_setup, live_teardown);
}
