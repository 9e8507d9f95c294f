/* test_util.c — unit tests of src/util: argv vectors and error buffers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "util/argv.h"
#include "util/err.h"

/* Splits line and checks the words; want is NULL-terminated. */
static void expect_split(const char *line, const char *const *want)
{
    char err[128] = "";
    char **argv = argv_split(line, err, sizeof err);
    assert_non_null(argv);
    assert_string_equal(err, "");
    size_t n = 0;
    while (want[n])
        n++;
    assert_int_equal(argv_count(argv), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(argv[i], want[i]);
    assert_null(argv[n]);
    argv_free(argv);
}

static void expect_split_error(const char *line)
{
    char err[128] = "";
    assert_null(argv_split(line, err, sizeof err));
    assert_string_equal(err, "unterminated quote");
}

static void test_split_blanks(void **state)
{
    (void)state;
    expect_split("a b  c", (const char *[]){ "a", "b", "c", NULL });
    expect_split(" \tgcc\t-O2   -o main \t", (const char *[]){ "gcc", "-O2", "-o", "main", NULL });
    expect_split("one", (const char *[]){ "one", NULL });
}

static void test_split_empty(void **state)
{
    (void)state;
    expect_split("", (const char *[]){ NULL });
    expect_split("   \t  ", (const char *[]){ NULL });
}

static void test_split_quotes(void **state)
{
    (void)state;
    expect_split("\"a b\" c", (const char *[]){ "a b", "c", NULL });
    expect_split("a\"b c\"d e", (const char *[]){ "ab cd", "e", NULL });
    expect_split("\"\"", (const char *[]){ "", NULL });
    expect_split("x \"\" y", (const char *[]){ "x", "", "y", NULL });
    expect_split("\"\t tab \"", (const char *[]){ "\t tab ", NULL });
}

static void test_split_escapes(void **state)
{
    (void)state;
    expect_split("echo \"say \\\"hi\\\"\"", (const char *[]){ "echo", "say \"hi\"", NULL });
    expect_split("\"a\\\\b\"", (const char *[]){ "a\\b", NULL });
    /* Other backslashes, and all of them outside quotes, are literal. */
    expect_split("\"a\\nb\"", (const char *[]){ "a\\nb", NULL });
    expect_split("a\\b a\\", (const char *[]){ "a\\b", "a\\", NULL });
    expect_split("a\\\"b c\"", (const char *[]){ "a\\b c", NULL });
    expect_split("\"\\\\\"", (const char *[]){ "\\", NULL });
}

static void test_split_unterminated(void **state)
{
    (void)state;
    expect_split_error("\"abc");
    expect_split_error("a \"b c");
    expect_split_error("\"abc\\\"");   /* the closing quote is escaped */
    expect_split_error("\"a\" \"");
    /* The error buffer is optional. */
    assert_null(argv_split("\"", NULL, 0));
}

static void test_count_dup_free(void **state)
{
    (void)state;
    char err[64];
    char **argv = argv_split("x yy zzz", err, sizeof err);
    assert_non_null(argv);
    assert_int_equal(argv_count(argv), 3);
    assert_int_equal(argv_count(NULL), 0);

    char **copy = argv_dup(argv);
    assert_non_null(copy);
    assert_int_equal(argv_count(copy), 3);
    for (size_t i = 0; i < 3; i++) {
        assert_ptr_not_equal(copy[i], argv[i]);
        assert_string_equal(copy[i], argv[i]);
    }
    assert_null(copy[3]);
    argv_free(argv);
    assert_string_equal(copy[2], "zzz"); /* the copy owns its strings */
    argv_free(copy);

    char **empty = argv_dup(NULL);
    assert_non_null(empty);
    assert_null(empty[0]);
    argv_free(empty);
    argv_free(NULL);
}

static void test_err_set(void **state)
{
    (void)state;
    char err[16];
    assert_int_equal(err_set(err, sizeof err, "open %s: %d", "x", 5), -1);
    assert_string_equal(err, "open x: 5");

    assert_int_equal(err_set(err, sizeof err, "%s", "0123456789abcdefghij"), -1);
    assert_string_equal(err, "0123456789abcde");

    errno = ENOENT;
    assert_int_equal(err_set(err, sizeof err, "f: %m"), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(err_set(NULL, 0, "nothing"), -1);
    assert_int_equal(errno, ENOENT);
}

static void test_err_prefix(void **state)
{
    (void)state;
    char err[64];
    err_set(err, sizeof err, "unknown key 'x'");
    assert_int_equal(err_prefix(err, sizeof err, "c.lang:4"), -1);
    assert_string_equal(err, "c.lang:4: unknown key 'x'");

    err[0] = '\0';
    err_prefix(err, sizeof err, "what");
    assert_string_equal(err, "what: ");
}

/* A full buffer keeps the prefix and the start of the message, and stays
 * terminated inside its length. */
static void test_err_prefix_full(void **state)
{
    (void)state;
    char buf[20];
    memset(buf, '#', sizeof buf);
    char *err = buf + 2; /* guards on both sides */
    size_t errlen = 16;
    err_set(err, errlen, "%s", "0123456789abcdefghij");
    assert_string_equal(err, "0123456789abcde");
    err_prefix(err, errlen, "abc");
    assert_string_equal(err, "abc: 0123456789");
    assert_int_equal(strlen(err), errlen - 1);
    assert_int_equal(buf[0], '#');
    assert_int_equal(buf[1], '#');
    assert_int_equal(buf[18], '#');
    assert_int_equal(buf[19], '#');

    /* A message that is not terminated inside errlen. */
    memset(buf, 'x', sizeof buf);
    err_prefix(err, 8, "ab");
    assert_string_equal(err, "ab: xxx");
    assert_int_equal(buf[10], 'x');

    /* A prefix that cannot fit leaves the message alone. */
    err_set(err, 8, "short");
    assert_int_equal(err_prefix(err, 8, "a-long-prefix"), -1);
    assert_string_equal(err, "short");
    assert_int_equal(err_prefix(err, 8, "abcdef"), -1);
    assert_string_equal(err, "short");

    assert_int_equal(err_prefix(NULL, 0, "x"), -1);
    assert_int_equal(err_prefix(err, 0, "x"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_blanks),
        cmocka_unit_test(test_split_empty),
        cmocka_unit_test(test_split_quotes),
        cmocka_unit_test(test_split_escapes),
        cmocka_unit_test(test_split_unterminated),
        cmocka_unit_test(test_count_dup_free),
        cmocka_unit_test(test_err_set),
        cmocka_unit_test(test_err_prefix),
        cmocka_unit_test(test_err_prefix_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
