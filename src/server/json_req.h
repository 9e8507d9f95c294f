/* json_req.h — the JSON bodies of both HTTP APIs (Valkode's /api/v1, Piston's
 * /api/v2) turned into one kiln_request. Pure code: no engine, no HTTP, no
 * global state, so that every rule is unit-tested (tests/unit/test_server_req.c). */
#ifndef KILN_SERVER_JSON_REQ_H
#define KILN_SERVER_JSON_REQ_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "kiln.h"
#include "server/profile.h"

/* A language as the server announces it, computed once at startup. */
struct srv_lang {
    char name[32];
    char aliases[128]; /* space-separated */
    char source[64];   /* default entry file name */
    char version[64];  /* from kiln_language_version; "" when unknown */
    bool available;
    bool compiled;
    bool warm; /* runs in a warm pool (kiln_pool_stats) */
};

/* What parsing needs to know of the server. */
struct jreq_ctx {
    const struct srv_lang *langs;
    size_t nlangs;
    const struct kiln_config *limits; /* run and compile defaults and maxima */
    unsigned max_depth;               /* deepest nesting of arrays and objects */
    const struct srv_profiles *profiles; /* may be NULL: no profiles */
    const struct profile_rules *rules;   /* their compiled block rules */
};

/* Why a body was refused: the HTTP status, a stable machine-readable code
 * (the list is in docs/api.md) and a message for the client. */
struct jreq_error {
    unsigned http;
    const char *code;
    char message[768];
};

/* A parsed request. `req` points into the members below, which it owns. */
struct jreq {
    cJSON *doc;
    const struct srv_lang *lang;
    struct kiln_file *files;
    char **decoded; /* per file: bytes decoded from base64 or hex, or NULL */
    char **names;   /* per file: the generated name of an unnamed file, or NULL */
    size_t nfiles;
    const char **args;
    struct kiln_case *cases;
    const struct srv_profile *profile; /* the one the request named, or NULL */
    char *context; /* `context` as JSON text, or NULL */
    struct kiln_request req;
};

/* Each returns 0 and fills `out`, or -1 with `e` filled; `out` needs
 * jreq_free either way. body need not be NUL-terminated. */
int jreq_parse_v1(const char *body, size_t len, const struct jreq_ctx *ctx, struct jreq *out,
                  struct jreq_error *e);
int jreq_parse_v2(const char *body, size_t len, const struct jreq_ctx *ctx, struct jreq *out,
                  struct jreq_error *e);
void jreq_free(struct jreq *r);

/* `mode` ("script" or "interpret") and `context` (any JSON value, with
 * interpret mode only) of an execute body or a session's cell. Interpret
 * mode needs a warm language. Exposed for the sessions' routes. */
int jreq_get_mode(const cJSON *doc, const struct srv_lang *lang, struct jreq *r,
                  struct jreq_error *e);

/* The body of POST /api/v1/sessions: `language` (a warm one), Valkode's
 * limits (`timeout` per cell, `memoryLimit` for the session), `profile`,
 * and `idleTimeout` and `maxLifetime` in seconds (0 when absent, for the
 * server's defaults; more than the maxima given is refused). The limits
 * are in out->req.run_limits. */
int jreq_parse_session(const char *body, size_t len, const struct jreq_ctx *ctx,
                       uint32_t max_idle_s, uint32_t max_lifetime_s, struct jreq *out,
                       uint32_t *idle_s, uint32_t *lifetime_s, struct jreq_error *e);
/* The body of POST /api/v1/sessions/{id}/execute: `code`, `stdin`,
 * `context`; the session's language and profile (its content rules
 * apply). The cell's code is out->files[0]. */
int jreq_parse_cell(const char *body, size_t len, const struct jreq_ctx *ctx,
                    const struct srv_lang *lang, const struct srv_profile *profile,
                    struct jreq *out, struct jreq_error *e);

/* By name or alias, case-insensitive, available or not; NULL if unknown. */
const struct srv_lang *jreq_find_lang(const struct srv_lang *langs, size_t n, const char *name);

/* Checks the nesting depth and the characters cJSON cannot carry (NUL,
 * raw or as \u0000) before cJSON sees the body. Exposed for the tests. */
int jreq_prescan(const char *body, size_t len, unsigned max_depth, struct jreq_error *e);

/* True when s[0..len) is valid UTF-8. */
bool jreq_utf8_valid(const char *s, size_t len);

#endif
