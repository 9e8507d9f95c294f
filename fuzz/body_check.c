/* body_check.c — one request body through jreq_parse_v1/v2, and the checks
 * of what came out.
 *
 * The server the parser sees here is fixed: a table of languages like the
 * repository's (one of them not installed) and limits narrower than the
 * absolute bounds of kiln_limit_fields, so that "within the server's
 * maxima" and "within the table's bounds" are different claims. It is not
 * kiln_config_init's: that lives in engine.c, which links the jail. */
#include "body_check.h"

#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "kiln.h"
#include "server/json_req.h"

static const struct srv_lang LANGS[] = {
    { .name = "bash", .aliases = "sh", .source = "main.sh", .version = "5.2.15",
      .available = true },
    { .name = "c", .aliases = "gcc", .source = "main.c", .version = "12.2.0", .available = true,
      .compiled = true },
    { .name = "cpp", .aliases = "c++ g++", .source = "main.cpp", .version = "12.2.0",
      .available = true, .compiled = true },
    { .name = "javascript", .aliases = "js node", .source = "main.js", .version = "18.19.0",
      .available = true, .warm = true },
    { .name = "python", .aliases = "py python3", .source = "main.py", .version = "3.11.2",
      .available = true, .warm = true },
    { .name = "typescript", .aliases = "ts", .source = "main.ts", .version = "5.0.4",
      .available = true, .warm = true },
    { .name = "cobol", .aliases = "cob", .source = "main.cob", .version = "", .available = false },
};
#define NLANGS (sizeof LANGS / sizeof *LANGS)

static const struct kiln_config CONFIG = {
    .run_defaults = { .cpu_ms = 5000, .wall_ms = 10000, .mem_kib = 256 << 10, .procs = 64,
                      .output_kib = 1024, .fsize_kib = 64 << 10, .disk_kib = 64 << 10,
                      .nofile = 256 },
    .run_maxima = { .cpu_ms = 20000, .wall_ms = 40000, .mem_kib = 1 << 20, .procs = 256,
                    .output_kib = 8 << 10, .fsize_kib = 256 << 10, .disk_kib = 256 << 10,
                    .nofile = 1024 },
    .compile_defaults = { .cpu_ms = 15000, .wall_ms = 30000, .mem_kib = 1 << 20, .procs = 64,
                          .output_kib = 1024, .fsize_kib = 256 << 10, .disk_kib = 256 << 10,
                          .nofile = 256 },
    .compile_maxima = { .cpu_ms = 60000, .wall_ms = 120000, .mem_kib = 2 << 20, .procs = 256,
                        .output_kib = 8 << 10, .fsize_kib = 512 << 10, .disk_kib = 512 << 10,
                        .nofile = 1024 },
};

#define MAX_DEPTH 64 /* the server's default max_json_depth */
#define FILES_MAX 64 /* json_req.c's JREQ_FILES_MAX, as docs/api.md states it */
#define ARGS_MAX 256

/* The codes a refusal may carry: the table in docs/api.md. */
static const char *const ERROR_CODES[] = {
    "malformed_json", "too_deep",         "missing_field",        "invalid_field",
    "invalid_utf8",   "unknown_language", "language_unavailable", "unknown_version",
    "limit_out_of_range",
};

/* UTF-8 by RFC 3629, written apart from util/utf8.c so that the two can
 * disagree: no overlongs, no surrogates, nothing above U+10FFFF. */
static bool utf8_ok(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < len;) {
        unsigned c = s[i], n = c < 0x80 ? 1 : c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3
                                             : c < 0xf5 ? 4 : 0;
        if (n == 0 || i + n > len)
            return false;
        unsigned cp = n == 1 ? c : c & (0x7f >> n);
        for (unsigned k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n;
    }
    return true;
}

static bool text_ok(const char *s)
{
    return s && utf8_ok(s, strlen(s));
}

/* Each limit is unset (0: the engine's default) or within the table's
 * bounds and the server's maxima; and the engine's own resolution, which
 * fills the defaults in, must accept the whole set. */
static void check_limits(const struct kiln_limits *asked, const struct kiln_limits *defaults,
                         const struct kiln_limits *maxima)
{
    for (size_t i = 0; i < kiln_limit_field_count; i++) {
        const struct kiln_limit_field *f = &kiln_limit_fields[i];
        uint32_t v = *(const uint32_t *)((const char *)asked + f->offset);
        uint32_t max = *(const uint32_t *)((const char *)maxima + f->offset);
        FUZZ_CHECK(v == 0 || (v >= f->min && v <= f->max && v <= max));
    }
    struct kiln_limits resolved = *asked;
    char err[256];
    FUZZ_CHECK(kiln_limits_resolve(&resolved, defaults, maxima, err, sizeof err) == 0);
}

static void check_files(const struct jreq *r, enum body_api api)
{
    FUZZ_CHECK(r->req.files == r->files && r->req.nfiles == r->nfiles);
    FUZZ_CHECK(r->nfiles >= 1 && r->nfiles <= (api == BODY_API_V1 ? 1 : FILES_MAX));
    FUZZ_CHECK(!strchr(r->files[0].name, '/')); /* the entry file is at the top level */
    for (size_t i = 0; i < r->nfiles; i++) {
        const struct kiln_file *f = &r->files[i];
        FUZZ_CHECK(f->name && kiln_file_name_valid(f->name) && text_ok(f->name));
        FUZZ_CHECK(f->data != NULL);
        bool decoded = api == BODY_API_V2 && r->decoded[i];
        if (decoded) /* codec.h: NUL-terminated for convenience */
            FUZZ_CHECK(f->data == r->decoded[i] && f->data[f->len] == '\0');
        else /* as sent: a JSON string, so no NUL and valid UTF-8 */
            FUZZ_CHECK(f->len == strlen(f->data) && utf8_ok(f->data, f->len));
        for (size_t k = 0; k < i; k++)
            FUZZ_CHECK(strcmp(r->files[k].name, f->name) != 0);
    }
}

/* Levels of arrays and objects in v, counting v itself. */
static unsigned depth(const cJSON *v)
{
    unsigned deepest = 0;
    if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
        return 0;
    for (const cJSON *c = v->child; c; c = c->next) {
        unsigned d = depth(c);
        deepest = d > deepest ? d : deepest;
    }
    return deepest + 1;
}

static void check_parsed(const struct jreq *r, enum body_api api)
{
    const struct kiln_request *q = &r->req;
    FUZZ_CHECK(r->doc != NULL && depth(r->doc) <= MAX_DEPTH);
    FUZZ_CHECK(r->lang >= LANGS && r->lang < LANGS + NLANGS && r->lang->available);
    FUZZ_CHECK(q->language == r->lang->name);
    check_files(r, api);
    FUZZ_CHECK(q->stdin_data ? q->stdin_len == strlen(q->stdin_data) &&
                                   utf8_ok(q->stdin_data, q->stdin_len)
                             : q->stdin_len == 0);
    FUZZ_CHECK(q->nargs <= ARGS_MAX && (q->nargs == 0 || q->args));
    for (size_t i = 0; i < q->nargs; i++)
        FUZZ_CHECK(text_ok(q->args[i]));
    check_limits(&q->run_limits, &CONFIG.run_defaults, &CONFIG.run_maxima);
    check_limits(&q->compile_limits, &CONFIG.compile_defaults, &CONFIG.compile_maxima);
    static const struct kiln_limits unset;
    if (api == BODY_API_V1) /* Valkode has no compile limits */
        FUZZ_CHECK(!memcmp(&q->compile_limits, &unset, sizeof unset));
}

/* A refusal names a documented code, the status that goes with it, and a
 * message for the client, which goes out in a JSON string: valid UTF-8. */
static void check_refused(const struct jreq_error *e)
{
    FUZZ_CHECK(e->code != NULL);
    FUZZ_CHECK(memchr(e->message, '\0', sizeof e->message) && e->message[0]);
    FUZZ_CHECK(text_ok(e->message));
    if (!strcmp(e->code, "internal_error")) { /* out of memory: not for a fuzzer's inputs */
        FUZZ_CHECK(e->http == 500);
        return;
    }
    bool known = false;
    for (size_t i = 0; i < sizeof ERROR_CODES / sizeof *ERROR_CODES; i++)
        known = known || !strcmp(e->code, ERROR_CODES[i]);
    FUZZ_CHECK(known && e->http == 400);
}

void body_check(enum body_api api, const uint8_t *body, size_t len)
{
    const struct jreq_ctx ctx = { .langs = LANGS, .nlangs = NLANGS, .limits = &CONFIG,
                                  .max_depth = MAX_DEPTH };
    struct jreq r;
    struct jreq_error e = { 0 };
    int rc = api == BODY_API_V1 ? jreq_parse_v1((const char *)body, len, &ctx, &r, &e)
                                : jreq_parse_v2((const char *)body, len, &ctx, &r, &e);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc == 0)
        check_parsed(&r, api);
    else
        check_refused(&e);
    jreq_free(&r);
}
