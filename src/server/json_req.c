/* json_req.c — the bodies of /api/v1/execute and /api/v2/execute to a
 * kiln_request. Every client value is checked here: JSON shape and depth,
 * types, UTF-8, the language and version, and each limit through
 * kiln_limits_resolve against the server's maxima (STYLE 10). Messages
 * name the client's own field, never a host path. */
#include "server/json_req.h"

#include <regex.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/codec.h"
#include "util/utf8.h"

#define JREQ_FILES_MAX 64
#define JREQ_ARGS_MAX 256

enum { STAGE_RUN, STAGE_COMPILE };

/* A limit field of a client API and the kiln limits it sets. */
struct limit_map {
    const char *json;
    int stage;
    const char *limit[2];   /* names in kiln_limit_fields; [1] may be NULL */
    uint32_t mul, div;      /* kiln value = ceil(value * mul / div) */
    bool minus_one_default; /* Piston's -1 means "the default" */
};

static const struct limit_map V1_LIMITS[] = {
    /* Valkode's one timeout bounds the run: CPU time and wall time. */
    { "timeout", STAGE_RUN, { "cpu_ms", "wall_ms" }, 1, 1, false },
    { "memoryLimit", STAGE_RUN, { "mem_kib", NULL }, 1024, 1, false }, /* MiB */
};

static const struct limit_map V2_LIMITS[] = {
    { "run_timeout", STAGE_RUN, { "wall_ms", NULL }, 1, 1, true },
    { "run_cpu_time", STAGE_RUN, { "cpu_ms", NULL }, 1, 1, true },
    { "run_memory_limit", STAGE_RUN, { "mem_kib", NULL }, 1, 1024, true }, /* bytes */
    { "compile_timeout", STAGE_COMPILE, { "wall_ms", NULL }, 1, 1, true },
    { "compile_cpu_time", STAGE_COMPILE, { "cpu_ms", NULL }, 1, 1, true },
    { "compile_memory_limit", STAGE_COMPILE, { "mem_kib", NULL }, 1, 1024, true },
};

static int fail(struct jreq_error *e, unsigned http, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct jreq_error *e, unsigned http, const char *code, const char *fmt, ...)
{
    va_list ap;
    e->http = http;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return -1;
}

static int out_of_memory(struct jreq_error *e)
{
    return fail(e, 500, "internal_error", "out of memory");
}

/* How much of a client's (valid UTF-8) string a message quotes: at most
 * QUOTE_MAX bytes, cut before a character, not inside one. The message
 * goes out in a JSON string, and half a character is not UTF-8. */
#define QUOTE_MAX 64
static int quote_len(const char *s)
{
    size_t n = strnlen(s, QUOTE_MAX + 1);
    if (n <= QUOTE_MAX)
        return (int)n;
    n = QUOTE_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) /* s[n] continues a character */
        n--;
    return (int)n;
}

bool jreq_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq_len(p + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* cJSON recurses once per level and keeps strings as C strings: the depth
 * is bounded here (a deep body is a cheap way to exhaust a stack), and a
 * NUL, which cJSON would silently cut a string at, is refused. */
int jreq_prescan(const char *s, size_t n, unsigned max_depth, struct jreq_error *e)
{
    unsigned depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\0')
            return fail(e, 400, "malformed_json", "the body holds a NUL byte at offset %zu", i);
        if (in_string) {
            if (c == '\\') {
                if (i + 5 < n && s[i + 1] == 'u' && !memcmp(s + i + 2, "0000", 4))
                    return fail(e, 400, "invalid_field",
                                "NUL characters (\\u0000) are not supported in strings; "
                                "send such a file base64-encoded (/api/v2)");
                i++; /* the escaped character cannot end the string */
            } else if (c == '"')
                in_string = false;
        } else if (c == '"')
            in_string = true;
        else if ((c == '[' || c == '{') && ++depth > max_depth)
            return fail(e, 400, "too_deep", "the JSON body is nested deeper than %u levels",
                        max_depth);
        else if ((c == ']' || c == '}') && depth)
            depth--;
    }
    return 0;
}

static bool word_in(const char *list, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, " ");
        if (n == wl && !strncasecmp(p, word, n))
            return true;
        p += n + (p[n] == ' ');
    }
    return false;
}

const struct srv_lang *jreq_find_lang(const struct srv_lang *langs, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (!strcasecmp(langs[i].name, name) || word_in(langs[i].aliases, name))
            return &langs[i];
    return NULL;
}

/* "bash, c, python": the available languages, for error messages. */
static void known_languages(const struct jreq_ctx *ctx, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ctx->nlangs && used < len; i++) {
        if (!ctx->langs[i].available)
            continue;
        int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", ctx->langs[i].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static int find_language(const struct jreq_ctx *ctx, const char *name, const struct srv_lang **out,
                         struct jreq_error *e)
{
    char known[512];
    known_languages(ctx, known, sizeof known);
    const struct srv_lang *l = jreq_find_lang(ctx->langs, ctx->nlangs, name);
    if (!l)
        return fail(e, 400, "unknown_language", "unknown language '%.*s'; known languages: %s",
                    quote_len(name), name, known);
    if (!l->available)
        return fail(e, 400, "language_unavailable",
                    "language '%s' is not installed on this server; available: %s", l->name, known);
    *out = l;
    return 0;
}

/* A member that is absent or JSON null reads as absent. */
static const cJSON *member(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return v && !cJSON_IsNull(v) ? v : NULL;
}

static int string_value(const cJSON *v, const char *what, bool utf8, const char **out,
                        struct jreq_error *e)
{
    if (!cJSON_IsString(v) || !v->valuestring)
        return fail(e, 400, "invalid_field", "field '%s' must be a string", what);
    if (utf8 && !jreq_utf8_valid(v->valuestring, strlen(v->valuestring)))
        return fail(e, 400, "invalid_utf8", "field '%s' is not valid UTF-8", what);
    *out = v->valuestring;
    return 0;
}

static int get_string(const cJSON *obj, const char *name, bool required, const char **out,
                      struct jreq_error *e)
{
    const cJSON *v = member(obj, name);
    *out = NULL;
    if (!v)
        return required ? fail(e, 400, "missing_field", "field '%s' is required (a string)", name)
                        : 0;
    return string_value(v, name, true, out, e);
}

static int get_args(const cJSON *obj, struct jreq *r, struct jreq_error *e)
{
    const cJSON *a = member(obj, "args"), *it;
    if (!a)
        return 0;
    if (!cJSON_IsArray(a))
        return fail(e, 400, "invalid_field", "field 'args' must be an array of strings");
    int n = cJSON_GetArraySize(a);
    if (n > JREQ_ARGS_MAX)
        return fail(e, 400, "invalid_field", "field 'args' has %d items; at most %d", n,
                    JREQ_ARGS_MAX);
    r->args = calloc(n ? (size_t)n : 1, sizeof *r->args);
    if (!r->args)
        return out_of_memory(e);
    size_t i = 0;
    cJSON_ArrayForEach(it, a)
    {
        char what[32];
        snprintf(what, sizeof what, "args[%zu]", i);
        if (string_value(it, what, true, &r->args[i], e) < 0)
            return -1;
        i++;
    }
    r->req.args = r->args;
    r->req.nargs = i;
    return 0;
}

/* `cases`: [{"stdin": "..."}, ...], one run per case after one compilation. */
static int get_cases(const cJSON *obj, struct jreq *r, struct jreq_error *e)
{
    const cJSON *a = member(obj, "cases"), *it;
    if (!a)
        return 0;
    int n = cJSON_IsArray(a) ? cJSON_GetArraySize(a) : -1;
    if (n < 1 || n > KILN_CASES_MAX)
        return fail(e, 400, "invalid_field",
                    "field 'cases' must be an array of 1 to %d objects {\"stdin\": string}",
                    KILN_CASES_MAX);
    if (member(obj, "stdin"))
        return fail(e, 400, "invalid_field",
                    "fields 'stdin' and 'cases' exclude each other: give each case its stdin");
    if (!(r->cases = calloc((size_t)n, sizeof *r->cases)))
        return out_of_memory(e);
    size_t i = 0;
    cJSON_ArrayForEach(it, a)
    {
        char what[32];
        const char *in = NULL;
        snprintf(what, sizeof what, "cases[%zu].stdin", i);
        if (!cJSON_IsObject(it))
            return fail(e, 400, "invalid_field", "field 'cases[%zu]' must be an object", i);
        const cJSON *v = member(it, "stdin");
        if (v && string_value(v, what, true, &in, e) < 0)
            return -1;
        r->cases[i++] = (struct kiln_case){ .stdin_data = in ? in : "",
                                            .stdin_len = in ? strlen(in) : 0 };
    }
    r->req.cases = r->cases;
    r->req.ncases = i;
    return 0;
}

/* An optional whole number >= 1 (or Piston's -1, read as absent). */
static int get_count(const cJSON *obj, const char *name, bool minus_one_default, uint64_t *out,
                     bool *present, struct jreq_error *e)
{
    const cJSON *v = member(obj, name);
    *present = false;
    if (!v)
        return 0;
    if (!cJSON_IsNumber(v))
        return fail(e, 400, "invalid_field", "field '%s' must be a number", name);
    double d = v->valuedouble;
    if (minus_one_default && d == -1)
        return 0;
    /* Bounded before the conversion: anything this large fails the limit
     * check anyway, with the maximum in the message. */
    if (d > 1e15)
        d = 1e15;
    if (!(d >= 1) || d != (double)(uint64_t)d)
        return fail(e, 400, "invalid_field", "field '%s' must be a whole number, at least 1%s",
                    name, minus_one_default ? " (or -1 for the default)" : "");
    *out = (uint64_t)d;
    *present = true;
    return 0;
}

static const struct kiln_limit_field *limit_field(const char *name)
{
    for (size_t i = 0; i < kiln_limit_field_count; i++)
        if (!strcmp(kiln_limit_fields[i].name, name))
            return &kiln_limit_fields[i];
    return NULL;
}

/* The field f of a limits struct, to set, and its value. */
static uint32_t *limit_at(struct kiln_limits *l, const struct kiln_limit_field *f)
{
    return (uint32_t *)(void *)((char *)l + f->offset);
}

static uint32_t limit_of(const struct kiln_limits *l, const struct kiln_limit_field *f)
{
    return *(const uint32_t *)(const void *)((const char *)l + f->offset);
}

/* One client field into the request's limits, checked alone against the
 * server's defaults and maxima so that the message names that field. */
static int apply_limit(const struct limit_map *m, uint64_t v, const struct jreq_ctx *ctx,
                       struct kiln_request *req, struct jreq_error *e)
{
    bool run = m->stage == STAGE_RUN;
    uint64_t k = (v * m->mul + m->div - 1) / m->div; /* v <= 1e15, mul <= 1024: no overflow */
    uint32_t value = k > UINT32_MAX ? UINT32_MAX : (uint32_t)k;
    struct kiln_limits *dst = run ? &req->run_limits : &req->compile_limits, one = { 0 };
    for (size_t i = 0; i < 2 && m->limit[i]; i++) {
        const struct kiln_limit_field *f = limit_field(m->limit[i]);
        *limit_at(dst, f) = value;
        *limit_at(&one, f) = value;
    }
    char err[256];
    const struct kiln_config *c = ctx->limits;
    if (kiln_limits_resolve(&one, run ? &c->run_defaults : &c->compile_defaults,
                            run ? &c->run_maxima : &c->compile_maxima, err, sizeof err) < 0)
        return fail(e, 400, "limit_out_of_range", "field '%s': %s %s", m->json,
                    run ? "run" : "compile", err);
    return 0;
}

static int apply_limits(const cJSON *obj, const struct limit_map *map, size_t n,
                        const struct jreq_ctx *ctx, struct kiln_request *req, struct jreq_error *e)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        bool present;
        if (get_count(obj, map[i].json, map[i].minus_one_default, &v, &present, e) < 0)
            return -1;
        if (present && apply_limit(&map[i], v, ctx, req, e) < 0)
            return -1;
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A key twice in one object is refused: cJSON would take the first, a proxy
 * in front of kiln may take the last, and the two would read different
 * requests from one body. Sorted per object: O(n log n) however many keys a
 * body of the size limit holds; the depth is bounded by jreq_prescan. */
static int check_duplicate_keys(const cJSON *node, struct jreq_error *e)
{
    size_t n = 0, i = 0;
    for (const cJSON *c = node->child; c; c = c->next)
        n++;
    if (cJSON_IsObject(node) && n > 1) {
        const char **names = malloc(n * sizeof *names);
        if (!names)
            return out_of_memory(e);
        for (const cJSON *c = node->child; c; c = c->next)
            names[i++] = c->string ? c->string : "";
        qsort(names, n, sizeof *names, cmp_names);
        for (i = 1; i < n && strcmp(names[i - 1], names[i]); i++)
            ;
        int dup = i < n;
        if (dup && jreq_utf8_valid(names[i], strlen(names[i])))
            fail(e, 400, "malformed_json", "the key \"%.*s\" appears twice in one object",
                 quote_len(names[i]), names[i]);
        else if (dup)
            fail(e, 400, "malformed_json", "a key appears twice in one object");
        free(names);
        if (dup)
            return -1;
    }
    for (const cJSON *c = node->child; c; c = c->next)
        if (check_duplicate_keys(c, e) < 0)
            return -1;
    return 0;
}

/* The body must be one JSON object and nothing after it, without a key
 * twice in any object. */
static cJSON *parse_object(const char *body, size_t len, const struct jreq_ctx *ctx,
                           struct jreq_error *e)
{
    if (jreq_prescan(body, len, ctx->max_depth, e) < 0)
        return NULL;
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(body, len, &end, false);
    size_t at = end && end >= body ? (size_t)(end - body) : 0;
    while (doc && at < len && strchr(" \t\r\n", body[at]))
        at++;
    if (!doc || at < len) {
        fail(e, 400, "malformed_json", "the body is not valid JSON (at byte %zu of %zu)", at, len);
        cJSON_Delete(doc);
        return NULL;
    }
    if (!cJSON_IsObject(doc)) {
        fail(e, 400, "invalid_field", "the body must be a JSON object");
        cJSON_Delete(doc);
        return NULL;
    }
    if (check_duplicate_keys(doc, e) < 0) {
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

static int get_stdin(const cJSON *doc, struct kiln_request *req, struct jreq_error *e)
{
    const char *in;
    if (get_string(doc, "stdin", false, &in, e) < 0)
        return -1;
    req->stdin_data = in;
    req->stdin_len = in ? strlen(in) : 0;
    return 0;
}

/* ---- profiles ------------------------------------------------------------ */

/* The request's "profile": its run limits become the defaults, and a limit
 * the request sets may only be lower. Runs after apply_limits. */
static int apply_profile(const cJSON *doc, const struct jreq_ctx *ctx, struct jreq *r,
                         struct jreq_error *e)
{
    const char *name;
    if (get_string(doc, "profile", false, &name, e) < 0)
        return -1;
    if (!name)
        return 0;
    r->profile = ctx->profiles ? profiles_find(ctx->profiles, name) : NULL;
    if (!r->profile) {
        char known[256] = "none";
        if (ctx->profiles)
            profiles_names(ctx->profiles, known, sizeof known);
        return fail(e, 400, "unknown_profile", "profile '%.*s' is unknown; this server has %s",
                    quote_len(name), name, known);
    }
    for (size_t i = 0; i < kiln_limit_field_count; i++) {
        const struct kiln_limit_field *f = &kiln_limit_fields[i];
        uint32_t *got = limit_at(&r->req.run_limits, f);
        uint32_t allowed = limit_of(&r->profile->run, f);
        uint32_t max = limit_of(&ctx->limits->run_maxima, f);
        if (allowed == 0) /* the profile leaves it to the server's default */
            allowed = limit_of(&ctx->limits->run_defaults, f);
        else if (allowed > max) /* a profile cannot go beyond the server's maximum */
            allowed = max;
        if (*got > allowed)
            return fail(e, 400, "profile_exceeded",
                        "run %s %u%s%s is more than profile %s allows (%u); a request may only "
                        "tighten its profile", f->name, *got, *f->unit ? " " : "", f->unit,
                        r->profile->name, allowed);
        if (*got == 0)
            *got = allowed;
    }
    return 0;
}

static size_t count_lines(const char *s, size_t n)
{
    size_t lines = n > 0 && s[n - 1] != '\n';
    for (const char *p = s; (p = memchr(p, '\n', n - (size_t)(p - s))); p++)
        lines++;
    return lines;
}

/* The profile's content rules over every file, as bytes: a NUL does not
 * end the text a rule sees (REG_STARTEND). 403 names the rule. */
static int check_content(const struct jreq_ctx *ctx, const struct jreq *r, struct jreq_error *e)
{
    const struct srv_profile *p = r->profile;
    if (!p)
        return 0;
    size_t bytes = 0, lines = 0, idx = (size_t)(p - ctx->profiles->p);
    for (size_t i = 0; i < r->req.nfiles; i++) {
        const struct kiln_file *f = &r->req.files[i];
        bytes += f->len;
        lines += count_lines(f->data, f->len);
        for (size_t j = 0; ctx->rules && j < ctx->rules->nre[idx]; j++) {
            regmatch_t m = { .rm_so = 0, .rm_eo = (regoff_t)f->len };
            if (regexec(&ctx->rules->re[idx][j], f->data, 1, &m, REG_STARTEND) == 0)
                return fail(e, 403, "policy_violation",
                            "profile %s: rule 'block: %s' matches %s", p->name, p->blocked[j],
                            i == 0 ? "the code" : "a file");
        }
    }
    if (p->max_code_bytes && bytes > p->max_code_bytes)
        return fail(e, 403, "policy_violation",
                    "profile %s: rule 'max_code_bytes: %u': the code is %zu bytes", p->name,
                    p->max_code_bytes, bytes);
    if (p->max_lines && lines > p->max_lines)
        return fail(e, 403, "policy_violation",
                    "profile %s: rule 'max_lines: %u': the code is %zu lines", p->name,
                    p->max_lines, lines);
    return 0;
}

int jreq_get_mode(const cJSON *doc, const struct srv_lang *lang, struct jreq *r,
                  struct jreq_error *e)
{
    const char *mode;
    if (get_string(doc, "mode", false, &mode, e) < 0)
        return -1;
    if (mode && strcmp(mode, "script") != 0 && strcmp(mode, "interpret") != 0)
        return fail(e, 400, "invalid_field", "field 'mode' must be \"script\" or \"interpret\"");
    bool interpret = mode && !strcmp(mode, "interpret");
    if (interpret && !lang->warm)
        return fail(e, 400, "mode_unsupported",
                    "interpret mode is for the warm languages (javascript, typescript, python);"
                    " '%s' runs only as a script", lang->name);
    const cJSON *context = member(doc, "context");
    if (context && !interpret)
        return fail(e, 400, "invalid_field", "field 'context' needs \"mode\": \"interpret\"");
    if (context && !(r->context = cJSON_PrintUnformatted(context)))
        return out_of_memory(e);
    r->req.mode = interpret ? KILN_MODE_INTERPRET : KILN_MODE_SCRIPT;
    r->req.context = r->context;
    r->req.context_len = r->context ? strlen(r->context) : 0;
    return 0;
}

int jreq_parse_v1(const char *body, size_t len, const struct jreq_ctx *ctx, struct jreq *out,
                  struct jreq_error *e)
{
    memset(out, 0, sizeof *out);
    const char *code, *language;
    cJSON *doc = out->doc = parse_object(body, len, ctx, e);
    if (!doc || get_string(doc, "code", true, &code, e) < 0 ||
        get_string(doc, "language", true, &language, e) < 0 ||
        find_language(ctx, language, &out->lang, e) < 0 || get_stdin(doc, &out->req, e) < 0 ||
        get_args(doc, out, e) < 0 || get_cases(doc, out, e) < 0 ||
        jreq_get_mode(doc, out->lang, out, e) < 0 ||
        apply_limits(doc, V1_LIMITS, sizeof V1_LIMITS / sizeof *V1_LIMITS, ctx, &out->req, e) < 0 ||
        apply_profile(doc, ctx, out, e) < 0)
        return -1;
    out->files = calloc(1, sizeof *out->files);
    if (!out->files)
        return out_of_memory(e);
    out->files[0] = (struct kiln_file){ .name = out->lang->source, .data = code,
                                        .len = strlen(code) };
    out->nfiles = 1;
    out->req.language = out->lang->name;
    out->req.files = out->files;
    out->req.nfiles = 1;
    return check_content(ctx, out, e);
}

/* Content as sent, or decoded from base64 or hex (kept in r->decoded). */
static int file_content(const cJSON *f, size_t i, struct jreq *r, struct kiln_file *file,
                        struct jreq_error *e)
{
    char what[48];
    const char *content, *encoding = NULL;
    const cJSON *c = member(f, "content"), *enc = member(f, "encoding");
    snprintf(what, sizeof what, "files[%zu].encoding", i);
    if (enc && string_value(enc, what, true, &encoding, e) < 0)
        return -1;
    bool utf8 = !encoding || !strcmp(encoding, "utf8") || !strcmp(encoding, "utf-8");
    if (!utf8 && strcmp(encoding, "base64") && strcmp(encoding, "hex"))
        return fail(e, 400, "invalid_field", "field '%s' must be utf8, base64 or hex", what);
    snprintf(what, sizeof what, "files[%zu].content", i);
    if (!c)
        return fail(e, 400, "missing_field", "field '%s' is required (a string)", what);
    if (string_value(c, what, utf8, &content, e) < 0)
        return -1;
    size_t len = strlen(content);
    if (utf8) {
        *file = (struct kiln_file){ .data = content, .len = len };
        return 0;
    }
    bool b64 = !strcmp(encoding, "base64");
    r->decoded[i] = b64 ? codec_base64_decode(content, len, &file->len)
                        : codec_hex_decode(content, len, &file->len);
    if (!r->decoded[i])
        return fail(e, 400, "invalid_field", "field '%s' is not valid %s", what, encoding);
    file->data = r->decoded[i];
    return 0;
}

/* Piston's rule for unnamed files: the first is the language's entry file,
 * the others file<i>.code. */
static int get_file(const cJSON *f, size_t i, struct jreq *r, struct jreq_error *e)
{
    char what[48];
    const cJSON *name = member(f, "name");
    struct kiln_file *file = &r->files[i];
    if (!cJSON_IsObject(f))
        return fail(e, 400, "invalid_field", "field 'files[%zu]' must be an object", i);
    if (file_content(f, i, r, file, e) < 0)
        return -1;
    snprintf(what, sizeof what, "files[%zu].name", i);
    if (name)
        return string_value(name, what, true, &file->name, e);
    if (i == 0) {
        file->name = r->lang->source;
        return 0;
    }
    char generated[32];
    snprintf(generated, sizeof generated, "file%zu.code", i);
    if (!(r->names[i] = strdup(generated)))
        return out_of_memory(e);
    file->name = r->names[i];
    return 0;
}

/* Names go through the engine's rule (kiln_file_name_valid) here, so that a
 * refusal is the client's 400 and not a failed run. */
static int check_names(const struct jreq *r, struct jreq_error *e)
{
    for (size_t i = 0; i < r->nfiles; i++) {
        const char *name = r->files[i].name;
        if (!kiln_file_name_valid(name))
            return fail(e, 400, "invalid_field",
                        "field 'files[%zu].name': '%.*s' is not a relative path without '..'", i,
                        quote_len(name), name);
        if (i == 0 && strchr(name, '/'))
            return fail(e, 400, "invalid_field",
                        "field 'files[0].name': the entry file must be at the top level");
        for (size_t k = 0; k < i; k++)
            if (!strcmp(r->files[k].name, name))
                return fail(e, 400, "invalid_field", "field 'files[%zu].name': '%.*s' is given "
                            "twice", i, quote_len(name), name);
    }
    return 0;
}

static int get_files(const cJSON *doc, struct jreq *r, struct jreq_error *e)
{
    const cJSON *fs = member(doc, "files"), *f;
    if (!fs)
        return fail(e, 400, "missing_field",
                    "field 'files' is required (an array of {name, content, encoding})");
    if (!cJSON_IsArray(fs))
        return fail(e, 400, "invalid_field", "field 'files' must be an array");
    int n = cJSON_GetArraySize(fs);
    if (n < 1 || n > JREQ_FILES_MAX)
        return fail(e, 400, "invalid_field", "field 'files' must hold 1 to %d files, not %d",
                    JREQ_FILES_MAX, n);
    r->files = calloc((size_t)n, sizeof *r->files);
    r->decoded = calloc((size_t)n, sizeof *r->decoded);
    r->names = calloc((size_t)n, sizeof *r->names);
    if (!r->files || !r->decoded || !r->names)
        return out_of_memory(e);
    cJSON_ArrayForEach(f, fs)
    {
        r->nfiles++; /* before the parse, so that jreq_free sees what it filled */
        if (get_file(f, r->nfiles - 1, r, e) < 0)
            return -1;
    }
    r->req.files = r->files;
    r->req.nfiles = r->nfiles;
    return check_names(r, e);
}

static int check_version(const struct srv_lang *l, const char *version, struct jreq_error *e)
{
    if (!strcmp(version, "*") || !strcmp(version, l->version))
        return 0;
    return fail(e, 400, "unknown_version",
                "%s-%.*s runtime is unknown; this server has %s %s (or ask for version \"*\")",
                l->name, quote_len(version), version, l->name, l->version);
}

int jreq_parse_v2(const char *body, size_t len, const struct jreq_ctx *ctx, struct jreq *out,
                  struct jreq_error *e)
{
    memset(out, 0, sizeof *out);
    const char *language, *version;
    cJSON *doc = out->doc = parse_object(body, len, ctx, e);
    if (!doc || get_string(doc, "language", true, &language, e) < 0 ||
        get_string(doc, "version", true, &version, e) < 0 ||
        find_language(ctx, language, &out->lang, e) < 0 ||
        check_version(out->lang, version, e) < 0 || get_files(doc, out, e) < 0 ||
        get_stdin(doc, &out->req, e) < 0 || get_args(doc, out, e) < 0 ||
        get_cases(doc, out, e) < 0 || jreq_get_mode(doc, out->lang, out, e) < 0 ||
        apply_limits(doc, V2_LIMITS, sizeof V2_LIMITS / sizeof *V2_LIMITS, ctx, &out->req, e) < 0 ||
        apply_profile(doc, ctx, out, e) < 0 || check_content(ctx, out, e) < 0)
        return -1;
    out->req.language = out->lang->name;
    return 0;
}

void jreq_free(struct jreq *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nfiles; i++) {
        if (r->decoded)
            free(r->decoded[i]);
        if (r->names)
            free(r->names[i]);
    }
    free(r->files);
    free(r->decoded);
    free(r->names);
    free(r->args);
    free(r->cases);
    free(r->context);
    cJSON_Delete(r->doc);
    memset(r, 0, sizeof *r);
}

/* ---- sessions ------------------------------------------------------------ */

static int get_seconds(const cJSON *doc, const char *name, uint32_t max, uint32_t *out,
                       struct jreq_error *e)
{
    uint64_t v = 0;
    bool present;
    *out = 0;
    if (get_count(doc, name, false, &v, &present, e) < 0)
        return -1;
    if (present && v > max)
        return fail(e, 400, "invalid_field", "field '%s' is %llu s; this server allows at most %u s",
                    name, (unsigned long long)v, max);
    *out = (uint32_t)v;
    return 0;
}

int jreq_parse_session(const char *body, size_t len, const struct jreq_ctx *ctx,
                       uint32_t max_idle_s, uint32_t max_lifetime_s, struct jreq *out,
                       uint32_t *idle_s, uint32_t *lifetime_s, struct jreq_error *e)
{
    memset(out, 0, sizeof *out);
    const char *language;
    cJSON *doc = out->doc = parse_object(body, len, ctx, e);
    if (!doc || get_string(doc, "language", true, &language, e) < 0 ||
        find_language(ctx, language, &out->lang, e) < 0)
        return -1;
    if (!out->lang->warm)
        return fail(e, 400, "mode_unsupported",
                    "sessions are for the warm languages (javascript, typescript, python); '%s' "
                    "runs only as a script", out->lang->name);
    if (apply_limits(doc, V1_LIMITS, sizeof V1_LIMITS / sizeof *V1_LIMITS, ctx, &out->req, e) < 0 ||
        apply_profile(doc, ctx, out, e) < 0 ||
        get_seconds(doc, "idleTimeout", max_idle_s, idle_s, e) < 0 ||
        get_seconds(doc, "maxLifetime", max_lifetime_s, lifetime_s, e) < 0)
        return -1;
    out->req.language = out->lang->name;
    return 0;
}

int jreq_parse_cell(const char *body, size_t len, const struct jreq_ctx *ctx,
                    const struct srv_lang *lang, const struct srv_profile *profile,
                    struct jreq *out, struct jreq_error *e)
{
    memset(out, 0, sizeof *out);
    const char *code;
    cJSON *doc = out->doc = parse_object(body, len, ctx, e);
    out->lang = lang;
    out->profile = profile;
    if (!doc || get_string(doc, "code", true, &code, e) < 0 || get_stdin(doc, &out->req, e) < 0)
        return -1;
    /* A cell is always interpreted: `context` needs no mode. */
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "mode");
    cJSON_AddStringToObject(doc, "mode", "interpret");
    if (jreq_get_mode(doc, lang, out, e) < 0)
        return -1;
    out->files = calloc(1, sizeof *out->files);
    if (!out->files)
        return out_of_memory(e);
    out->files[0] = (struct kiln_file){ .name = lang->source, .data = code, .len = strlen(code) };
    out->nfiles = 1;
    out->req.language = lang->name;
    out->req.files = out->files;
    out->req.nfiles = 1;
    return check_content(ctx, out, e);
}
