/* test_cache.c — unit tests of src/engine/artifact_cache.c: keys, copies,
 * the byte bound and least-recently-used eviction. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "engine/artifact_cache.h"

static char gcc[] = "gcc", opt[] = "-O2", source[] = "{source}";
static char *cc_argv[] = { gcc, opt, source, NULL };
static char *no_env[] = { NULL };

static struct lang_def lang_c(void)
{
    struct lang_def d;
    memset(&d, 0, sizeof d);
    strcpy(d.name, "c");
    d.compile_argv = cc_argv;
    d.env = no_env;
    return d;
}

static const struct kiln_limits LIMITS = { .cpu_ms = 1000, .mem_kib = 1024 };

/* A key for one source file. */
static struct artifact_key key_of(const struct lang_def *d, const char *name, const char *src,
                                  const struct kiln_limits *limits)
{
    struct kiln_file f = { .name = name, .data = src, .len = strlen(src) };
    struct kiln_request req = { .language = d->name, .files = &f, .nfiles = 1 };
    struct artifact_key k;
    assert_int_equal(artifact_key_build(&k, d, &req, limits), 0);
    return k;
}

/* Stores an artifact of `size` bytes under the key of src. */
static void put(struct artifact_cache *c, const char *src, size_t size)
{
    struct lang_def d = lang_c();
    struct artifact_key k = key_of(&d, "main.c", src, &LIMITS);
    char *bin = calloc(1, size);
    assert_non_null(bin);
    struct jail_file f = { .name = "main", .data = bin, .len = size, .mode = 0755 };
    char warning[] = "warning: x";
    struct kiln_stage st = { .status = KILN_OK, .err = warning, .err_len = strlen(warning) };
    artifact_cache_put(c, &k, &f, 1, &st);
    free(k.bytes);
    free(bin);
}

static bool has(struct artifact_cache *c, const char *src)
{
    struct lang_def d = lang_c();
    struct artifact_key k = key_of(&d, "main.c", src, &LIMITS);
    struct jail_file *files = NULL;
    size_t n = 0;
    struct kiln_stage st;
    int rc = artifact_cache_get(c, &k, &files, &n, &st);
    free(k.bytes);
    if (rc < 0)
        return false;
    jail_files_free(files, n);
    free(st.out);
    free(st.err);
    return true;
}

static void test_keys_differ_by_every_part(void **state)
{
    (void)state;
    struct lang_def d = lang_c(), cpp = lang_c();
    strcpy(cpp.name, "cpp");
    struct kiln_limits other = LIMITS;
    other.mem_kib++;
    struct artifact_key base = key_of(&d, "main.c", "int main;", &LIMITS);
    struct artifact_key same = key_of(&d, "main.c", "int main;", &LIMITS);
    struct artifact_key keys[] = {
        key_of(&d, "main.c", "int main; ", &LIMITS), key_of(&d, "mainc", "int main;", &LIMITS),
        key_of(&d, "main.c", "int main;", &other), key_of(&cpp, "main.c", "int main;", &LIMITS),
        /* a name/content boundary moved: lengths keep them apart */
        key_of(&d, "main.ci", "nt main;", &LIMITS),
    };
    assert_int_equal(base.len, same.len);
    assert_memory_equal(base.bytes, same.bytes, base.len);
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        assert_false(keys[i].len == base.len && !memcmp(keys[i].bytes, base.bytes, base.len));
        free(keys[i].bytes);
    }
    free(base.bytes);
    free(same.bytes);
}

static void test_hit_returns_copies(void **state)
{
    (void)state;
    struct artifact_cache *c = artifact_cache_create(1 << 20);
    put(c, "A", 100);
    struct lang_def d = lang_c();
    struct artifact_key k = key_of(&d, "main.c", "A", &LIMITS);
    struct jail_file *files;
    size_t n;
    struct kiln_stage st;
    assert_int_equal(artifact_cache_get(c, &k, &files, &n, &st), 0);
    assert_int_equal(n, 1);
    assert_string_equal(files[0].name, "main");
    assert_int_equal(files[0].len, 100);
    assert_int_equal(files[0].mode, 0755);
    assert_string_equal(st.err, "warning: x");
    files[0].data[0] = 'X'; /* a caller's copy: the cache's stays as stored */
    jail_files_free(files, n);
    free(st.out);
    free(st.err);
    assert_int_equal(artifact_cache_get(c, &k, &files, &n, &st), 0);
    assert_int_equal(files[0].data[0], 0);
    jail_files_free(files, n);
    free(st.out);
    free(st.err);
    free(k.bytes);
    assert_false(has(c, "B"));
    struct kiln_cache_stats s;
    artifact_cache_stats(c, &s);
    assert_int_equal(s.hits, 2);
    assert_int_equal(s.misses, 1);
    assert_int_equal(s.entries, 1);
    artifact_cache_destroy(c);
}

static void test_bound_evicts_least_recent(void **state)
{
    (void)state;
    struct artifact_cache *c = artifact_cache_create(40000);
    put(c, "A", 12000);
    put(c, "B", 12000);
    put(c, "C", 12000);
    assert_true(has(c, "A")); /* A is now the most recent; B the least */
    put(c, "D", 12000);
    assert_false(has(c, "B"));
    assert_true(has(c, "A"));
    assert_true(has(c, "C"));
    assert_true(has(c, "D"));
    put(c, "huge", 50000); /* larger than the bound: not kept, nothing evicted */
    assert_false(has(c, "huge"));
    assert_true(has(c, "A"));
    struct kiln_cache_stats s;
    artifact_cache_stats(c, &s);
    assert_int_equal(s.evicted, 1);
    assert_true(s.bytes <= s.max_bytes);
    artifact_cache_destroy(c);
}

static void test_zero_bound_keeps_nothing(void **state)
{
    (void)state;
    struct artifact_cache *c = artifact_cache_create(0);
    put(c, "A", 10);
    assert_false(has(c, "A"));
    artifact_cache_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_differ_by_every_part),
        cmocka_unit_test(test_hit_returns_copies),
        cmocka_unit_test(test_bound_evicts_least_recent),
        cmocka_unit_test(test_zero_bound_keeps_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
