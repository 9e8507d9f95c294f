/* test_server_req.c — the server's pure pieces: JSON bodies of both HTTP
 * APIs to a kiln_request (every rule and every error), the file encodings,
 * and the OpenAPI document. No engine, no HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/codec.h"
#include "server/json_req.h"
#include "server/openapi.h"

static const struct srv_lang LANGS[] = {
    { .name = "python", .aliases = "py python3", .source = "main.py", .version = "3.11.2",
      .available = true },
    { .name = "c", .aliases = "gcc", .source = "main.c", .version = "12.2.0", .available = true,
      .compiled = true },
    { .name = "cobol", .aliases = "cob", .source = "main.cob", .version = "", .available = false },
};

static struct kiln_config CFG;
static struct jreq_ctx CTX;

static int setup(void **state)
{
    (void)state;
    kiln_config_init(&CFG);
    CTX = (struct jreq_ctx){ .langs = LANGS, .nlangs = 3, .limits = &CFG, .max_depth = 64 };
    return 0;
}

/* Parses body with the API's parser; checks the outcome. */
static int parse(int api, const char *body, struct jreq *r, struct jreq_error *e)
{
    memset(e, 0, sizeof *e);
    return api == 1 ? jreq_parse_v1(body, strlen(body), &CTX, r, e)
                    : jreq_parse_v2(body, strlen(body), &CTX, r, e);
}

/* The body is refused with this status and code, and the message holds `has`. */
static void refused(int api, const char *body, unsigned http, const char *code, const char *has)
{
    struct jreq r;
    struct jreq_error e;
    int rc = parse(api, body, &r, &e);
    if (rc != -1 || e.http != http || strcmp(e.code, code) || (has && !strstr(e.message, has)))
        print_error("body %s\n  rc=%d http=%u code=%s message=%s\n  wanted %u %s '%s'\n", body, rc,
                    e.http, e.code ? e.code : "(null)", e.message, http, code, has ? has : "");
    assert_int_equal(rc, -1);
    assert_int_equal(e.http, http);
    assert_string_equal(e.code, code);
    if (has)
        assert_non_null(strstr(e.message, has));
    jreq_free(&r);
}

static void test_v1_minimal(void **state)
{
    (void)state;
    struct jreq r;
    struct jreq_error e;
    assert_int_equal(parse(1, "{\"code\":\"print(1)\",\"language\":\"python\"}", &r, &e), 0);
    assert_string_equal(r.req.language, "python");
    assert_int_equal(r.req.nfiles, 1);
    assert_string_equal(r.req.files[0].name, "main.py");
    assert_int_equal(r.req.files[0].len, 8);
    assert_memory_equal(r.req.files[0].data, "print(1)", 8);
    assert_null(r.req.stdin_data);
    assert_int_equal(r.req.nargs, 0);
    /* No limit asked: zeros, the engine's (and the language's) defaults. */
    assert_int_equal(r.req.run_limits.cpu_ms, 0);
    assert_int_equal(r.req.run_limits.mem_kib, 0);
    jreq_free(&r);
}

static void test_v1_full(void **state)
{
    (void)state;
    struct jreq r;
    struct jreq_error e;
    const char *body = "{\"code\":\"x\",\"language\":\"PY\",\"timeout\":2500,\"stdin\":\"5\\n\","
                       "\"args\":[\"a\",\"b c\"],\"memoryLimit\":64,\"unknown\":[1,2]}";
    assert_int_equal(parse(1, body, &r, &e), 0);
    assert_string_equal(r.req.language, "python"); /* alias, any case */
    assert_int_equal(r.req.run_limits.cpu_ms, 2500);
    assert_int_equal(r.req.run_limits.wall_ms, 2500);
    assert_int_equal(r.req.run_limits.mem_kib, 64 * 1024);
    assert_int_equal(r.req.stdin_len, 2);
    assert_memory_equal(r.req.stdin_data, "5\n", 2);
    assert_int_equal(r.req.nargs, 2);
    assert_string_equal(r.req.args[1], "b c");
    jreq_free(&r);
    /* JSON null reads as absent */
    assert_int_equal(parse(1, "{\"code\":\"\",\"language\":\"c\",\"stdin\":null,\"timeout\":null}",
                           &r, &e), 0);
    assert_string_equal(r.req.files[0].name, "main.c");
    assert_int_equal(r.req.files[0].len, 0);
    jreq_free(&r);
}

static void test_v1_missing_and_wrong_type(void **state)
{
    (void)state;
    refused(1, "{\"language\":\"python\"}", 400, "missing_field", "'code'");
    refused(1, "{\"code\":\"1\"}", 400, "missing_field", "'language'");
    refused(1, "{\"code\":1,\"language\":\"python\"}", 400, "invalid_field", "'code'");
    refused(1, "{\"code\":\"1\",\"language\":[\"python\"]}", 400, "invalid_field", "'language'");
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"stdin\":5}", 400, "invalid_field",
            "'stdin'");
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"args\":\"a b\"}", 400, "invalid_field",
            "'args'");
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"args\":[\"a\",2]}", 400,
            "invalid_field", "'args[1]'");
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"timeout\":\"5\"}", 400, "invalid_field",
            "'timeout'");
}

static void test_v1_language(void **state)
{
    (void)state;
    refused(1, "{\"code\":\"1\",\"language\":\"typescript\"}", 400, "unknown_language",
            "known languages: python, c");
    refused(1, "{\"code\":\"1\",\"language\":\"cobol\"}", 400, "language_unavailable",
            "not installed");
}

static void test_limits(void **state)
{
    (void)state;
    struct jreq r;
    struct jreq_error e;
    /* Above the maxima (60000 ms CPU by default): the field, the limit, the maximum. */
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"timeout\":60001}", 400,
            "limit_out_of_range", "field 'timeout': run limit cpu_ms=60001 out of range [1, 60000]");
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"timeout\":1e30}", 400,
            "limit_out_of_range", "60000");
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"memoryLimit\":4097}", 400,
            "limit_out_of_range", "mem_kib");
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"timeout\":0}", 400, "invalid_field",
            "'timeout'");
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"timeout\":-1}", 400, "invalid_field",
            "'timeout'");
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"timeout\":1.5}", 400, "invalid_field",
            "whole number");
    /* The configured maxima are the ones that count. */
    CFG.run_maxima.cpu_ms = 1000;
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"timeout\":1001}", 400,
            "limit_out_of_range", "[1, 1000] ms");
    assert_int_equal(parse(1, "{\"code\":\"1\",\"language\":\"python\",\"timeout\":1000}", &r, &e),
                     0);
    jreq_free(&r);
    kiln_config_init(&CFG);
}

/* Profiles: defaults from the profile, tightening only, the maxima still
 * binding a profile written above them, and the content rules. */
static void test_profiles(void **state)
{
    (void)state;
    struct srv_profiles ps;
    struct profile_rules rules;
    char err[256];
    struct jreq r;
    struct jreq_error e;
    profiles_init(&ps);
    assert_int_equal(profiles_set(&ps, "t.cpu_ms", "700", err, sizeof err), 0);
    assert_int_equal(profiles_set(&ps, "t.mem_kib", "4194304", err, sizeof err), 0);
    assert_int_equal(profiles_set(&ps, "t.block", "ev[a]l", err, sizeof err), 0);
    assert_int_equal(profiles_set(&ps, "t.max_lines", "3", err, sizeof err), 0);
    assert_int_equal(profiles_set(&ps, "t.nofile", "7", err, sizeof err), -1);
    assert_non_null(strstr(err, "[8, 65536]"));
    assert_int_equal(profiles_set(&ps, "t", "1", err, sizeof err), -1);
    assert_int_equal(profiles_set(&ps, "t.block", "(", err, sizeof err), -1);
    assert_int_equal(profile_rules_compile(&ps, &rules, err, sizeof err), 0);
    CTX.profiles = &ps;
    CTX.rules = &rules;
    CFG.run_maxima.mem_kib = 1 << 20;

    assert_int_equal(parse(1, "{\"code\":\"1\",\"language\":\"python\",\"profile\":\"t\"}",
                           &r, &e), 0);
    assert_int_equal(r.req.run_limits.cpu_ms, 700);
    assert_int_equal(r.req.run_limits.mem_kib, 1 << 20); /* the profile's 4 GiB, held to the max */
    assert_int_equal(r.req.run_limits.procs, CFG.run_defaults.procs); /* unset: the default */
    jreq_free(&r);
    assert_int_equal(parse(1, "{\"code\":\"1\",\"language\":\"python\",\"profile\":\"t\","
                              "\"timeout\":300}", &r, &e), 0);
    assert_int_equal(r.req.run_limits.cpu_ms, 300);
    jreq_free(&r);
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"profile\":\"t\",\"timeout\":701}",
            400, "profile_exceeded", "run cpu_ms 701 ms is more than profile t allows (700)");
    refused(1, "{\"code\":\"x = eval(y)\",\"language\":\"python\",\"profile\":\"t\"}", 403,
            "policy_violation", "rule 'block: ev[a]l'");
    refused(1, "{\"code\":\"1\\n2\\n3\\n4\",\"language\":\"python\",\"profile\":\"t\"}",
            403, "policy_violation", "the code is 4 lines");
    assert_int_equal(parse(1, "{\"code\":\"1\\n2\\n3\\n\",\"language\":\"python\","
                              "\"profile\":\"t\"}", &r, &e), 0);
    jreq_free(&r);
    refused(2, "{\"language\":\"python\",\"version\":\"*\",\"profile\":\"nope\","
               "\"files\":[{\"content\":\"1\"}]}", 400, "unknown_profile",
            "strict, moderate, permissive, t");
    refused(2, "{\"language\":\"python\",\"version\":\"*\",\"profile\":[1],"
               "\"files\":[{\"content\":\"1\"}]}", 400, "invalid_field", "'profile'");

    profile_rules_free(&ps, &rules);
    CTX.profiles = NULL;
    CTX.rules = NULL;
    kiln_config_init(&CFG);
}

static void test_json_shape(void **state)
{
    (void)state;
    refused(1, "", 400, "malformed_json", NULL);
    refused(1, "{\"code\":\"1\",", 400, "malformed_json", NULL);
    refused(1, "{\"code\":\"1\",\"language\":\"python\"} x", 400, "malformed_json", NULL);
    refused(1, "[1]", 400, "invalid_field", "JSON object");
    refused(2, "\"str\"", 400, "invalid_field", "JSON object");
    /* A NUL cannot live in a C string: refused, not silently cut. */
    refused(1, "{\"code\":\"a\\u0000b\",\"language\":\"python\"}", 400, "invalid_field",
            "\\u0000");
    struct jreq r;
    struct jreq_error e;
    /* "\\u0000" is a backslash and "u0000": fine. */
    assert_int_equal(parse(1, "{\"code\":\"a\\\\u0000\",\"language\":\"python\"}", &r, &e), 0);
    assert_string_equal(r.req.files[0].data, "a\\u0000");
    jreq_free(&r);
    /* A key twice, at the top or inside files[]: which one counts would
     * depend on the parser, so neither does. */
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"code\":\"2\"}", 400,
            "malformed_json", "\"code\" appears twice");
    refused(2, "{\"language\":\"python\",\"files\":[{\"content\":\"1\",\"name\":\"a.py\","
               "\"content\":\"2\"}]}",
            400, "malformed_json", "\"content\" appears twice");
    assert_int_equal(parse(2, "{\"language\":\"python\",\"version\":\"*\",\"files\":[{\"content\":\"1\"},"
                              "{\"content\":\"2\",\"name\":\"b.py\"}]}",
                           &r, &e),
                     0);
    jreq_free(&r);
    const char raw[] = "{\"code\":\"a\0b\",\"language\":\"python\"}";
    memset(&e, 0, sizeof e);
    assert_int_equal(jreq_parse_v1(raw, sizeof raw - 1, &CTX, &r, &e), -1);
    assert_string_equal(e.code, "malformed_json");
    jreq_free(&r);
}

static char *nested(unsigned depth)
{
    /* {"x": [[...]], "code": ...}: the object is level 1. */
    size_t n = 2 * depth + 64;
    char *s = malloc(n), *p = s;
    p += sprintf(p, "{\"x\":");
    for (unsigned i = 1; i < depth; i++)
        *p++ = '[';
    for (unsigned i = 1; i < depth; i++)
        *p++ = ']';
    sprintf(p, ",\"code\":\"1\",\"language\":\"c\"}");
    return s;
}

static void test_depth(void **state)
{
    (void)state;
    struct jreq r;
    struct jreq_error e;
    char *ok = nested(64), *deep = nested(65), *huge = nested(100000);
    assert_int_equal(parse(1, ok, &r, &e), 0);
    jreq_free(&r);
    refused(1, deep, 400, "too_deep", "64 levels");
    refused(2, huge, 400, "too_deep", NULL);
    /* Brackets inside strings are not nesting. */
    assert_int_equal(parse(1, "{\"code\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                              "[[[[[[[[[[[[[[[[[[[[[\",\"language\":\"c\"}", &r, &e), 0);
    jreq_free(&r);
    free(ok);
    free(deep);
    free(huge);
}

static void test_utf8(void **state)
{
    (void)state;
    refused(1, "{\"code\":\"print('\xff')\",\"language\":\"python\"}", 400, "invalid_utf8",
            "'code'");
    refused(1, "{\"code\":\"\xc0\xaf\",\"language\":\"python\"}", 400, "invalid_utf8", "'code'");
    refused(1, "{\"code\":\"1\",\"language\":\"python\",\"stdin\":\"\xed\xa0\x80\"}", 400,
            "invalid_utf8", "'stdin'");
    refused(2, "{\"language\":\"c\",\"version\":\"*\",\"files\":[{\"content\":\"\xfe\"}]}", 400,
            "invalid_utf8", "'files[0].content'");
    struct jreq r;
    struct jreq_error e;
    assert_int_equal(parse(1, "{\"code\":\"print('h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80')\","
                              "\"language\":\"python\"}", &r, &e), 0);
    jreq_free(&r);
    /* Escaped surrogate pairs are characters; lone surrogates are not JSON to cJSON. */
    assert_int_equal(parse(1, "{\"code\":\"\\ud83d\\ude00\",\"language\":\"python\"}", &r, &e), 0);
    assert_string_equal(r.req.files[0].data, "\xf0\x9f\x98\x80");
    jreq_free(&r);
    refused(1, "{\"code\":\"\\ud800\",\"language\":\"python\"}", 400, "malformed_json", NULL);
}

static void test_v2_files(void **state)
{
    (void)state;
    struct jreq r;
    struct jreq_error e;
    const char *body = "{\"language\":\"python\",\"version\":\"3.11.2\",\"files\":["
                       "{\"name\":\"main.py\",\"content\":\"import helper\"},"
                       "{\"name\":\"lib/helper.py\",\"content\":\"X=1\"},{\"content\":\"third\"}],"
                       "\"stdin\":\"in\",\"args\":[\"1\"]}";
    assert_int_equal(parse(2, body, &r, &e), 0);
    assert_string_equal(r.req.language, "python");
    assert_int_equal(r.req.nfiles, 3);
    assert_string_equal(r.req.files[0].name, "main.py");
    assert_string_equal(r.req.files[1].name, "lib/helper.py");
    assert_string_equal(r.req.files[2].name, "file2.code"); /* Piston's name for it */
    assert_int_equal(r.req.files[1].len, 3);
    assert_int_equal(r.req.stdin_len, 2);
    assert_int_equal(r.req.nargs, 1);
    jreq_free(&r);
    /* An unnamed entry file takes the language's source name; version "*". */
    assert_int_equal(parse(2, "{\"language\":\"gcc\",\"version\":\"*\",\"files\":[{\"content\":"
                              "\"int main(){}\"}]}", &r, &e), 0);
    assert_string_equal(r.req.language, "c");
    assert_string_equal(r.req.files[0].name, "main.c");
    jreq_free(&r);
}

static void test_v2_encodings(void **state)
{
    (void)state;
    struct jreq r;
    struct jreq_error e;
    /* "print(1)\n" in base64, and bytes with a NUL in hex */
    assert_int_equal(parse(2, "{\"language\":\"py\",\"version\":\"*\",\"files\":["
                              "{\"content\":\"cHJpbnQoMSkK\",\"encoding\":\"base64\"},"
                              "{\"name\":\"d.bin\",\"content\":\"00ff41\",\"encoding\":\"hex\"},"
                              "{\"name\":\"t.txt\",\"content\":\"x\",\"encoding\":\"utf8\"}]}",
                           &r, &e), 0);
    assert_int_equal(r.req.files[0].len, 9);
    assert_memory_equal(r.req.files[0].data, "print(1)\n", 9);
    assert_int_equal(r.req.files[1].len, 3);
    assert_memory_equal(r.req.files[1].data, "\x00\xff\x41", 3);
    jreq_free(&r);
    refused(2, "{\"language\":\"py\",\"version\":\"*\",\"files\":[{\"content\":\"@@@\","
               "\"encoding\":\"base64\"}]}", 400, "invalid_field", "'files[0].content' is not "
               "valid base64");
    refused(2, "{\"language\":\"py\",\"version\":\"*\",\"files\":[{\"content\":\"abc\","
               "\"encoding\":\"hex\"}]}", 400, "invalid_field", "valid hex");
    refused(2, "{\"language\":\"py\",\"version\":\"*\",\"files\":[{\"content\":\"a\","
               "\"encoding\":\"rot13\"}]}", 400, "invalid_field", "utf8, base64 or hex");
}

static void test_v2_errors(void **state)
{
    (void)state;
    refused(2, "{\"version\":\"*\",\"files\":[{\"content\":\"1\"}]}", 400, "missing_field",
            "'language'");
    refused(2, "{\"language\":\"python\",\"files\":[{\"content\":\"1\"}]}", 400, "missing_field",
            "'version'");
    refused(2, "{\"language\":\"python\",\"version\":\"3.10.0\",\"files\":[{\"content\":\"1\"}]}",
            400, "unknown_version", "python-3.10.0 runtime is unknown");
    refused(2, "{\"language\":\"ts\",\"version\":\"*\",\"files\":[{\"content\":\"1\"}]}", 400,
            "unknown_language", "known languages");
    refused(2, "{\"language\":\"python\",\"version\":\"*\"}", 400, "missing_field", "'files'");
    refused(2, "{\"language\":\"python\",\"version\":\"*\",\"files\":{}}", 400, "invalid_field",
            "'files'");
    refused(2, "{\"language\":\"python\",\"version\":\"*\",\"files\":[]}", 400, "invalid_field",
            "1 to 64");
    refused(2, "{\"language\":\"python\",\"version\":\"*\",\"files\":[\"x\"]}", 400,
            "invalid_field", "'files[0]'");
    refused(2, "{\"language\":\"python\",\"version\":\"*\",\"files\":[{\"name\":\"a.py\"}]}", 400,
            "missing_field", "'files[0].content'");
    refused(2, "{\"language\":\"python\",\"version\":\"*\",\"files\":[{\"content\":\"1\","
               "\"name\":7}]}", 400, "invalid_field", "'files[0].name'");
}

static void test_v2_names(void **state)
{
    (void)state;
    static const char *const bad[] = { "../x.py", "/etc/passwd", "a/../../b", "a//b", "./x",
                                       "", "a/\x01" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char body[256];
        snprintf(body, sizeof body, "{\"language\":\"python\",\"version\":\"*\",\"files\":["
                 "{\"content\":\"1\"},{\"name\":\"%s\",\"content\":\"2\"}]}", bad[i]);
        refused(2, body, 400, "invalid_field", "'files[1].name'");
    }
    refused(2, "{\"language\":\"python\",\"version\":\"*\",\"files\":[{\"name\":\"d/main.py\","
               "\"content\":\"1\"}]}", 400, "invalid_field", "top level");
    refused(2, "{\"language\":\"python\",\"version\":\"*\",\"files\":[{\"name\":\"a.py\","
               "\"content\":\"1\"},{\"name\":\"a.py\",\"content\":\"2\"}]}", 400, "invalid_field",
            "twice");
}

/* A client's string quoted in a message is cut at 64 bytes, before a
 * character rather than inside it: the message goes out as JSON, and half
 * a character is not UTF-8 (found by fuzz_json_v2). */
static void test_quotes_cut_between_characters(void **state)
{
    (void)state;
    char a63[64], body[512];
    memset(a63, 'a', 63);
    a63[63] = '\0';
    static const char *const bodies[] = {
        /* \xc3\xa9 (e acute) takes bytes 64 and 65 of each quoted string */
        "{\"language\":\"python\",\"version\":\"*\",\"files\":[{\"content\":\"1\"},"
        "{\"name\":\"%s\xc3\xa9/../x\",\"content\":\"2\"}]}",
        "{\"language\":\"%s\xc3\xa9\",\"version\":\"*\",\"files\":[{\"content\":\"1\"}]}",
        "{\"language\":\"py\",\"version\":\"%s\xc3\xa9\",\"files\":[{\"content\":\"1\"}]}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        struct jreq r;
        struct jreq_error e;
        snprintf(body, sizeof body, bodies[i], a63);
        assert_int_equal(parse(2, body, &r, &e), -1);
        assert_true(jreq_utf8_valid(e.message, strlen(e.message)));
        assert_non_null(strstr(e.message, a63));
        assert_null(strstr(e.message, "\xc3"));
        jreq_free(&r);
    }
}

static void test_v2_limits(void **state)
{
    (void)state;
    struct jreq r;
    struct jreq_error e;
    assert_int_equal(parse(2, "{\"language\":\"c\",\"version\":\"*\",\"files\":[{\"content\":"
                              "\"1\"}],\"run_timeout\":3000,\"run_cpu_time\":2000,"
                              "\"run_memory_limit\":134217729,\"compile_timeout\":10000,"
                              "\"compile_cpu_time\":-1,\"compile_memory_limit\":-1}", &r, &e), 0);
    assert_int_equal(r.req.run_limits.wall_ms, 3000);
    assert_int_equal(r.req.run_limits.cpu_ms, 2000);
    assert_int_equal(r.req.run_limits.mem_kib, 131073); /* bytes rounded up to KiB */
    assert_int_equal(r.req.compile_limits.wall_ms, 10000);
    assert_int_equal(r.req.compile_limits.cpu_ms, 0); /* -1: the default */
    assert_int_equal(r.req.compile_limits.mem_kib, 0);
    jreq_free(&r);
    refused(2, "{\"language\":\"c\",\"version\":\"*\",\"files\":[{\"content\":\"1\"}],"
               "\"run_timeout\":999999999}", 400, "limit_out_of_range",
            "field 'run_timeout': run limit wall_ms");
    refused(2, "{\"language\":\"c\",\"version\":\"*\",\"files\":[{\"content\":\"1\"}],"
               "\"compile_cpu_time\":999999999}", 400, "limit_out_of_range",
            "field 'compile_cpu_time': compile limit cpu_ms");
    refused(2, "{\"language\":\"c\",\"version\":\"*\",\"files\":[{\"content\":\"1\"}],"
               "\"run_memory_limit\":1000}", 400, "limit_out_of_range", "mem_kib=1 out of range");
    refused(2, "{\"language\":\"c\",\"version\":\"*\",\"files\":[{\"content\":\"1\"}],"
               "\"run_memory_limit\":-2}", 400, "invalid_field", "-1 for the default");
}

static void test_find_lang(void **state)
{
    (void)state;
    assert_ptr_equal(jreq_find_lang(LANGS, 3, "Python3"), &LANGS[0]);
    assert_ptr_equal(jreq_find_lang(LANGS, 3, "GCC"), &LANGS[1]);
    assert_ptr_equal(jreq_find_lang(LANGS, 3, "cob"), &LANGS[2]);
    assert_null(jreq_find_lang(LANGS, 3, "pyth"));
    assert_null(jreq_find_lang(LANGS, 3, ""));
    assert_null(jreq_find_lang(LANGS, 3, NULL));
}

static void test_codec(void **state)
{
    (void)state;
    size_t n;
    char *d;
    static const struct { const char *in, *out; } ok[] = {
        { "", "" }, { "YQ==", "a" }, { "YQ", "a" }, { "YWI=", "ab" }, { "YWJj", "abc" },
        { "YW Jj\nZA==", "abcd" }, { "-_8=", "\xfb\xff" }, { "+/8=", "\xfb\xff" },
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        d = codec_base64_decode(ok[i].in, strlen(ok[i].in), &n);
        assert_non_null(d);
        assert_int_equal(n, strlen(ok[i].out));
        assert_memory_equal(d, ok[i].out, n);
        free(d);
    }
    static const char *const bad[] = { "Y", "YQ=a", "YR==", "Y$==", "YQ===" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_null(codec_base64_decode(bad[i], strlen(bad[i]), &n));
    d = codec_hex_decode("00Ff7a", 6, &n);
    assert_non_null(d);
    assert_int_equal(n, 3);
    assert_memory_equal(d, "\x00\xff\x7a", 3);
    free(d);
    assert_null(codec_hex_decode("0", 1, &n));
    assert_null(codec_hex_decode("0g", 2, &n));
}

static void test_openapi(void **state)
{
    (void)state;
    size_t len = 0;
    char *doc = openapi_document(&len);
    assert_non_null(doc);
    assert_int_equal(strlen(doc), len);
    cJSON *j = cJSON_Parse(doc);
    assert_non_null(j);
    cJSON *paths = cJSON_GetObjectItem(j, "paths");
    static const char *const routes[] = { "/api/v1/health", "/api/v1/languages",
                                          "/api/v1/execute", "/api/v2/runtimes",
                                          "/api/v2/execute", "/metrics", "/api/openapi.json" };
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++)
        assert_non_null(cJSON_GetObjectItem(paths, routes[i]));
    assert_string_equal(cJSON_GetObjectItem(j, "openapi")->valuestring, "3.0.3");
    cJSON_Delete(j);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v1_minimal),
        cmocka_unit_test(test_v1_full),
        cmocka_unit_test(test_v1_missing_and_wrong_type),
        cmocka_unit_test(test_v1_language),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_profiles),
        cmocka_unit_test(test_json_shape),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_v2_files),
        cmocka_unit_test(test_v2_encodings),
        cmocka_unit_test(test_v2_errors),
        cmocka_unit_test(test_v2_names),
        cmocka_unit_test(test_quotes_cut_between_characters),
        cmocka_unit_test(test_v2_limits),
        cmocka_unit_test(test_find_lang),
        cmocka_unit_test(test_codec),
        cmocka_unit_test(test_openapi),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
