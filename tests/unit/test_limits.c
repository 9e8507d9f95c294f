/* test_limits.c — the limits table and limit resolution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kiln.h"

static const struct kiln_limits DEFAULTS = {
    .cpu_ms = 5000, .wall_ms = 10000, .mem_kib = 262144, .procs = 64,
    .output_kib = 1024, .fsize_kib = 65536, .disk_kib = 65536, .nofile = 256,
};
static const struct kiln_limits MAXIMA = {
    .cpu_ms = 60000, .wall_ms = 120000, .mem_kib = 4194304, .procs = 1024,
    .output_kib = 65536, .fsize_kib = 1048576, .disk_kib = 1048576, .nofile = 4096,
};

static void test_table_covers_struct(void **state)
{
    (void)state;
    /* Every uint32_t of the struct has exactly one row. */
    assert_int_equal(kiln_limit_field_count * sizeof(uint32_t), sizeof(struct kiln_limits));
    for (size_t i = 0; i < kiln_limit_field_count; i++) {
        assert_true(kiln_limit_fields[i].min >= 1);
        assert_true(kiln_limit_fields[i].min <= kiln_limit_fields[i].max);
        for (size_t k = 0; k < i; k++) {
            assert_int_not_equal(kiln_limit_fields[i].offset, kiln_limit_fields[k].offset);
            assert_string_not_equal(kiln_limit_fields[i].name, kiln_limit_fields[k].name);
        }
    }
}

static void test_zero_takes_default(void **state)
{
    (void)state;
    struct kiln_limits l = { .cpu_ms = 1234 };
    char err[128] = "";
    assert_int_equal(kiln_limits_resolve(&l, &DEFAULTS, &MAXIMA, err, sizeof err), 0);
    assert_int_equal(l.cpu_ms, 1234);
    assert_int_equal(l.wall_ms, DEFAULTS.wall_ms);
    assert_int_equal(l.mem_kib, DEFAULTS.mem_kib);
    assert_int_equal(l.nofile, DEFAULTS.nofile);
}

static void test_above_maximum_is_refused(void **state)
{
    (void)state;
    struct kiln_limits l = { .mem_kib = MAXIMA.mem_kib + 1 };
    char err[128] = "";
    assert_int_equal(kiln_limits_resolve(&l, &DEFAULTS, &MAXIMA, err, sizeof err), -1);
    assert_non_null(strstr(err, "mem_kib"));
    assert_non_null(strstr(err, "4194304"));
}

static void test_below_minimum_is_refused(void **state)
{
    (void)state;
    struct kiln_limits l = { .mem_kib = 100 }; /* the table's minimum is 1024 KiB */
    char err[128] = "";
    assert_int_equal(kiln_limits_resolve(&l, &DEFAULTS, &MAXIMA, err, sizeof err), -1);
    assert_non_null(strstr(err, "mem_kib=100"));
}

static void test_maxima_cannot_widen_the_table(void **state)
{
    (void)state;
    struct kiln_limits wide = MAXIMA;
    wide.cpu_ms = UINT32_MAX;
    struct kiln_limits l = { .cpu_ms = 600001 }; /* the table's cap is 600000 */
    char err[128] = "";
    assert_int_equal(kiln_limits_resolve(&l, &DEFAULTS, &wide, err, sizeof err), -1);
    l.cpu_ms = 600000;
    assert_int_equal(kiln_limits_resolve(&l, &DEFAULTS, &wide, err, sizeof err), 0);
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(kiln_status_name(KILN_OK), "OK");
    assert_string_equal(kiln_status_name(KILN_ML), "ML");
    assert_string_equal(kiln_status_name(KILN_CE), "CE");
    assert_string_equal(kiln_status_name((enum kiln_status)99), "XX");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_covers_struct),
        cmocka_unit_test(test_zero_takes_default),
        cmocka_unit_test(test_above_maximum_is_refused),
        cmocka_unit_test(test_below_minimum_is_refused),
        cmocka_unit_test(test_maxima_cannot_widen_the_table),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
