/* config.c — settings of `kiln serve` from defaults, a config file, the
 * environment and flags, through one table (STYLE 10): a setting's key is
 * its config-file key, its flag (--key with '-' for '_') and its
 * environment variable (KILN_KEY, upper case, '.' as '_'). Limits come
 * from the engine's limits table: run.NAME.max, compile.NAME.default, ... */
#include "server/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"
#include "util/lines.h"
#include "util/num.h"

enum cfg_type { CFG_STR, CFG_U32, CFG_BOOL };

struct cfg_setting {
    const char *key;
    enum cfg_type type;
    size_t offset;
    size_t size; /* of a string member */
    uint32_t min, max;
    const char *help;
};

#define MEMBER_SIZE(m) sizeof(((struct srv_config *)0)->m)
#define STR(k, h) { #k, CFG_STR, offsetof(struct srv_config, k), MEMBER_SIZE(k), 0, 0, h }
#define U32(k, lo, hi, h) { #k, CFG_U32, offsetof(struct srv_config, k), 0, lo, hi, h }
#define BOOL(k, h) { #k, CFG_BOOL, offsetof(struct srv_config, k), 0, 0, 1, h }

static const struct cfg_setting SETTINGS[] = {
    STR(listen, "HOST:PORT to listen on (127.0.0.1:3000; port 0: any free port)"),
    BOOL(allow_remote, "allow a listen address other than loopback (off)"),
    U32(slots, 1, 256, "exec runs at once: engine slots (2)"),
    U32(warm_slots, 1, 256, "runs at once per warm language, e.g. python (4)"),
    U32(warm_min, 0, 256, "children kept forked ahead per warm language when idle (2)"),
    U32(warm_idle_ms, 0, 86400000, "a child ahead beyond warm_min unused this long is retired "
        "(30000)"),
    U32(queue_max, 0, 100000, "requests waiting for a warm language's slot; more get 503 (64)"),
    U32(queue_wait_ms, 0, 3600000, "longest wait for a warm language's slot; then 503 (10000)"),
    U32(artifact_cache_kib, 0, 64u << 20, "KiB of compiled programs kept in memory, so that a "
        "program sent again is not compiled again (131072; 0: off)"),
    U32(backlog, 0, 100000, "requests that may wait for a worker; more get 503 (1024)"),
    U32(max_body, 1024, 64u << 20, "largest request body in bytes; more gets 413 (1048576)"),
    STR(keys, "file of API keys, one a line; then `Authorization: Bearer KEY` is required"),
    STR(cors, "origin allowed to call from a browser, or * (off)"),
    U32(drain_ms, 0, 3600000, "on SIGTERM, time queued and running requests get (10000)"),
    U32(key_rate, 0, 1000000, "execute requests per minute per API key (0: unlimited)"),
    U32(key_burst, 1, 1000000, "requests a key may send at once within key_rate (10)"),
    U32(key_concurrency, 0, 100000, "execute requests in flight per API key (0: unlimited)"),
    U32(max_json_depth, 2, 1000, "deepest nesting of a JSON body (64)"),
    U32(idle_timeout_s, 1, 3600, "seconds before an idle connection is closed (30)"),
    U32(request_timeout_s, 1, 3600, "seconds a client may take to send a request or read a reply, "
        "however slowly (30)"),
    U32(max_connections, 4, 100000, "connections open at once (1024)"),
    U32(sessions, 0, 1000, "sessions (/api/v1/sessions) open at once, each a process (8)"),
    U32(sessions_per_key, 0, 1000, "sessions open at once per API key (4; 0: as sessions)"),
    U32(session_idle_s, 1, 86400, "a session unused this long is ended (300)"),
    U32(session_lifetime_s, 1, 604800, "a session is ended this long after it opened (3600)"),
    U32(session_max_idle_s, 1, 86400, "the longest idle timeout a client may ask (3600)"),
    U32(session_max_lifetime_s, 1, 604800, "the longest lifetime a client may ask (86400)"),
    U32(session_ended_keep_s, 1, 86400, "an ended session answers 410 with its reason this "
        "long, then 404 (600)"),
    STR(languages_dir, "folder of language definitions"),
    STR(queue, "where submissions wait: sqlite (in data_dir) or redis://HOST:PORT, shared by "
        "many nodes (sqlite)"),
    STR(data_dir, "directory of the SQLite queue, kiln.db (/var/lib/kiln)"),
    STR(node_id, "this node's name in the queue, health and metrics (HOSTNAME-PID)"),
    U32(runners, 0, 1024, "submissions run at once by this node (0: as many as workers)"),
    U32(results_keep_s, 1, 31u * 86400, "a finished submission's result is kept this long "
        "(86400)"),
    U32(batch_max, 1, 1000, "submissions in one batch, and tokens in one batch GET (20)"),
    U32(reclaim_ms, 1000, 86400000, "redis: a job whose node has not shown life this long is "
        "run elsewhere (30000)"),
    STR(callback_allow, "origins callbacks may go to, e.g. \"http://10.0.0.5:8080 "
        "https://hooks.example.com\" (none)"),
    U32(callback_attempts, 1, 100, "tries of a callback before it is marked failed (5)"),
    U32(callback_timeout_ms, 100, 600000, "time a callback's try may take (5000)"),
    U32(callback_backoff_ms, 0, 3600000, "wait before a callback's second try, doubled for each "
        "next (1000)"),
};
#define SETTING_COUNT (sizeof SETTINGS / sizeof *SETTINGS)

static const char USAGE_HEAD[] =
    "usage: kiln serve [--listen HOST:PORT] [--config FILE] [--slots N] [--backlog N]\n"
    "                  [--queue sqlite|redis://HOST:PORT] [--data-dir DIR]\n"
    "                  [--max-body BYTES] [--keys FILE] [--cors ORIGIN] [--allow-remote]\n"
    "                  [--set KEY=VALUE]...\n"
    "\n"
    "Serves kiln over HTTP: Valkode's API (/api/v1), Piston's (/api/v2), /metrics and\n"
    "/api/openapi.json. SIGTERM or SIGINT: stop accepting, let requests finish, exit 0.\n"
    "Submissions (/api/v1/submissions) wait in --queue: SQLite in --data-dir by default,\n"
    "or one Redis shared by every node given the same redis://HOST:PORT.\n"
    "\n"
    "Every setting is a flag (--KEY, '-' for '_'), an environment variable (KILN_KEY)\n"
    "and a line `KEY = VALUE` of the --config file (or $KILN_CONFIG); a flag beats the\n"
    "environment, which beats the file. Settings (default in parentheses):\n";

static const char USAGE_TAIL[] =
    "\n"
    "Limits, by the names of `kiln run --help`: run.NAME.max, run.NAME.default,\n"
    "compile.NAME.max, compile.NAME.default (e.g. --set run.cpu_ms.max=10000, or\n"
    "KILN_RUN_CPU_MS_MAX=10000). A request asking for more than a maximum gets 400.\n"
    "Profiles (a request's \"profile\": strict, moderate, permissive, or one of the\n"
    "config's): profile.NAME.LIMIT (a run limit by the same names), profile.NAME.\n"
    "max_code_bytes, profile.NAME.max_lines, profile.NAME.block = REGEX (repeatable;\n"
    "a match is answered 403). A request may only tighten its profile's limits.\n";

static void print_usage(void)
{
    fputs(USAGE_HEAD, stdout);
    for (size_t i = 0; i < SETTING_COUNT; i++) {
        char flag[64];
        snprintf(flag, sizeof flag, "--%s", SETTINGS[i].key);
        for (char *p = flag + 2; *p; p++)
            *p = *p == '_' ? '-' : *p;
        printf("  %-20s %s\n", flag, SETTINGS[i].help);
    }
    fputs(USAGE_TAIL, stdout);
}

static const struct cfg_setting *setting_find(const char *key)
{
    for (size_t i = 0; i < SETTING_COUNT; i++)
        if (!strcmp(SETTINGS[i].key, key))
            return &SETTINGS[i];
    return NULL;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "1", "true", "yes", "on" }, *const no[] = { "0", "false",
                                                                                  "no", "off" };
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(s, yes[i]) || !strcasecmp(s, no[i])) {
            *out = !strcasecmp(s, yes[i]);
            return 0;
        }
    }
    return -1;
}

static int set_setting(struct srv_config *cfg, const struct cfg_setting *s, const char *value,
                       char *err, size_t errlen)
{
    char *field = (char *)cfg + s->offset;
    switch (s->type) {
    case CFG_STR:
        if (strlen(value) >= s->size)
            return err_set(err, errlen, "%s: value longer than %zu bytes", s->key, s->size - 1);
        memcpy(field, value, strlen(value) + 1);
        return 0;
    case CFG_U32:
        if (num_parse_u32(value, s->min, s->max, (uint32_t *)field) < 0)
            return err_set(err, errlen, "%s: '%s' is not a whole number in [%u, %u]", s->key,
                           value, s->min, s->max);
        return 0;
    case CFG_BOOL:
        if (parse_bool(value, (bool *)field) < 0)
            return err_set(err, errlen, "%s: '%s' is not true or false", s->key, value);
        return 0;
    }
    return -1;
}

/* "run.cpu_ms.max" -> the uint32_t it names in cfg->engine, or NULL; a
 * default is marked as configured in cfg->defaults_set. */
static uint32_t *limit_slot(struct srv_config *cfg, const char *key,
                            const struct kiln_limit_field **field)
{
    struct kiln_limits *stage[2][2] = {
        { &cfg->engine.run_maxima, &cfg->engine.run_defaults },
        { &cfg->engine.compile_maxima, &cfg->engine.compile_defaults },
    };
    const char *const stages[2] = { "run.", "compile." };
    for (size_t s = 0; s < 2; s++) {
        size_t sl = strlen(stages[s]);
        if (strncmp(key, stages[s], sl))
            continue;
        for (size_t i = 0; i < kiln_limit_field_count; i++) {
            const struct kiln_limit_field *f = &kiln_limit_fields[i];
            size_t fl = strlen(f->name);
            const char *rest = key + sl + fl;
            if (strncmp(key + sl, f->name, fl) || (strcmp(rest, ".max") && strcmp(rest, ".default")))
                continue;
            *field = f;
            if (rest[1] == 'd')
                cfg->defaults_set[s] |= 1u << i;
            return (uint32_t *)((char *)stage[s][rest[1] == 'd'] + f->offset);
        }
    }
    return NULL;
}

int config_set(struct srv_config *cfg, const char *key, const char *value, char *err,
               size_t errlen)
{
    const struct cfg_setting *s = setting_find(key);
    if (s)
        return set_setting(cfg, s, value, err, errlen);
    if (!strncmp(key, "profile.", 8))
        return profiles_set(&cfg->profiles, key + 8, value, err, errlen);
    const struct kiln_limit_field *f;
    uint32_t *slot = limit_slot(cfg, key, &f);
    if (!slot)
        return err_set(err, errlen, "unknown setting '%s' (see `kiln serve --help`)", key);
    if (num_parse_u32(value, f->min, f->max, slot) < 0)
        return err_set(err, errlen, "%s: '%s' is not a whole number in [%u, %u]%s%s", key, value,
                       f->min, f->max, *f->unit ? " " : "", f->unit);
    return 0;
}

static int apply_line(void *ctx, char *line, char *err, size_t errlen)
{
    char *eq = strchr(line, '=');
    if (!eq)
        return err_set(err, errlen, "expected `key = value`");
    *eq = '\0';
    return config_set(ctx, lines_trim(line), lines_trim(eq + 1), err, errlen);
}

static int apply_file(struct srv_config *cfg, const char *path, char *err, size_t errlen)
{
    return lines_read(path, "config file", apply_line, cfg, err, errlen);
}

/* KILN_<KEY>: upper case, '.' as '_'. */
static int apply_env_key(struct srv_config *cfg, const char *key, char *err, size_t errlen)
{
    char name[96] = "KILN_";
    size_t n = 5;
    for (const char *p = key; *p && n + 1 < sizeof name; p++)
        name[n++] = *p == '.' ? '_' : (char)toupper((unsigned char)*p);
    name[n] = '\0';
    const char *v = getenv(name);
    if (!v)
        return 0;
    if (config_set(cfg, key, v, err, errlen) < 0)
        return err_prefix(err, errlen, name);
    return 0;
}

static int apply_env(struct srv_config *cfg, char *err, size_t errlen)
{
    static const char *const kinds[] = { "run.%s.max", "run.%s.default", "compile.%s.max",
                                         "compile.%s.default" };
    for (size_t i = 0; i < SETTING_COUNT; i++)
        if (apply_env_key(cfg, SETTINGS[i].key, err, errlen) < 0)
            return -1;
    for (size_t i = 0; i < kiln_limit_field_count; i++) {
        for (size_t k = 0; k < 4; k++) {
            char key[96];
            snprintf(key, sizeof key, kinds[k], kiln_limit_fields[i].name);
            if (apply_env_key(cfg, key, err, errlen) < 0)
                return -1;
        }
    }
    return 0;
}

struct flag_value {
    char key[96];
    const char *value;
};

/* One flag of argv at *i: --key VALUE, --key=VALUE, --bool-key, --set KEY=VALUE. */
static int parse_flag(int argc, char **argv, int *i, struct flag_value *fv, char *err,
                      size_t errlen)
{
    const char *a = argv[*i], *eq = strchr(a, '=');
    size_t nl = eq ? (size_t)(eq - a) - 2 : strlen(a) - 2;
    if (strncmp(a, "--", 2) || nl == 0 || nl >= sizeof fv->key)
        return err_set(err, errlen, "unexpected argument '%s' (see `kiln serve --help`)", a);
    memcpy(fv->key, a + 2, nl);
    fv->key[nl] = '\0';
    for (char *p = fv->key; *p; p++)
        *p = *p == '-' ? '_' : *p;
    const struct cfg_setting *s = setting_find(fv->key);
    fv->value = eq ? eq + 1 : NULL;
    if (!fv->value && s && s->type == CFG_BOOL)
        fv->value = "true";
    if (!fv->value && *i + 1 >= argc)
        return err_set(err, errlen, "--%.*s needs a value", (int)nl, a + 2);
    if (!fv->value)
        fv->value = argv[++*i];
    if (strcmp(fv->key, "set"))
        return 0;
    const char *sep = strchr(fv->value, '=');
    if (!sep || (size_t)(sep - fv->value) >= sizeof fv->key)
        return err_set(err, errlen, "--set needs KEY=VALUE, not '%s'", fv->value);
    memcpy(fv->key, fv->value, (size_t)(sep - fv->value));
    fv->key[sep - fv->value] = '\0';
    fv->value = sep + 1;
    return 0;
}

/* A maximum set below a built-in default takes the default down with it;
 * a default configured above its maximum is an error (check_limits). */
static void follow_maxima(struct kiln_limits *def, const struct kiln_limits *max, uint32_t set)
{
    for (size_t i = 0; i < kiln_limit_field_count; i++) {
        uint32_t *d = (uint32_t *)((char *)def + kiln_limit_fields[i].offset);
        uint32_t m = *(const uint32_t *)((const char *)max + kiln_limit_fields[i].offset);
        if (!(set & (1u << i)) && m && *d > m)
            *d = m;
    }
}

/* Limits: each default within its maximum, as a request's would be. */
static int check_limits(struct srv_config *cfg, char *err, size_t errlen)
{
    follow_maxima(&cfg->engine.run_defaults, &cfg->engine.run_maxima, cfg->defaults_set[0]);
    follow_maxima(&cfg->engine.compile_defaults, &cfg->engine.compile_maxima,
                  cfg->defaults_set[1]);
    struct kiln_limits run = cfg->engine.run_defaults, compile = cfg->engine.compile_defaults;
    if (kiln_limits_resolve(&run, NULL, &cfg->engine.run_maxima, err, errlen) < 0)
        return err_prefix(err, errlen, "run defaults");
    if (kiln_limits_resolve(&compile, NULL, &cfg->engine.compile_maxima, err, errlen) < 0)
        return err_prefix(err, errlen, "compile defaults");
    return 0;
}

static void config_defaults(struct srv_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    kiln_config_init(&cfg->engine);
    snprintf(cfg->listen, sizeof cfg->listen, "127.0.0.1:3000");
    snprintf(cfg->languages_dir, sizeof cfg->languages_dir, "%s", cfg->engine.languages_dir);
    cfg->slots = cfg->engine.slots;
    cfg->warm_slots = cfg->engine.warm_slots;
    cfg->warm_min = cfg->engine.warm_min;
    cfg->warm_idle_ms = cfg->engine.warm_idle_ms;
    cfg->queue_max = cfg->engine.queue_max;
    cfg->queue_wait_ms = cfg->engine.queue_wait_ms;
    cfg->artifact_cache_kib = cfg->engine.artifact_cache_kib;
    cfg->backlog = 1024;
    snprintf(cfg->queue, sizeof cfg->queue, "sqlite");
    snprintf(cfg->data_dir, sizeof cfg->data_dir, "/var/lib/kiln");
    cfg->results_keep_s = 86400;
    cfg->batch_max = 20;
    cfg->reclaim_ms = 30000;
    cfg->callback_attempts = 5;
    cfg->callback_timeout_ms = 5000;
    cfg->callback_backoff_ms = 1000;
    cfg->max_body = 1u << 20;
    cfg->drain_ms = 10000;
    cfg->key_burst = 10;
    cfg->max_json_depth = 64;
    cfg->idle_timeout_s = 30;
    cfg->request_timeout_s = 30;
    cfg->sessions = cfg->engine.session_slots;
    cfg->sessions_per_key = 4;
    cfg->session_idle_s = 300;
    cfg->session_lifetime_s = 3600;
    cfg->session_max_idle_s = 3600;
    cfg->session_max_lifetime_s = 86400;
    cfg->session_ended_keep_s = 600;
    cfg->max_connections = 1024;
    profiles_init(&cfg->profiles);
}

static int apply_flags(struct srv_config *cfg, const struct flag_value *fv, size_t n, char *err,
                       size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(fv[i].key, "config"))
            continue;
        if (config_set(cfg, fv[i].key, fv[i].value, err, errlen) < 0)
            return -1;
    }
    return 0;
}

int config_load(struct srv_config *cfg, int argc, char **argv, char *err, size_t errlen)
{
    config_defaults(cfg);
    struct flag_value *fv = calloc((size_t)argc + 1, sizeof *fv);
    if (!fv)
        return err_set(err, errlen, "out of memory");
    size_t n = 0;
    const char *file = getenv("KILN_CONFIG");
    int rc = 0;
    for (int i = 1; rc == 0 && i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            print_usage();
            rc = 1;
            break;
        }
        rc = parse_flag(argc, argv, &i, &fv[n], err, errlen);
        if (rc == 0 && !strcmp(fv[n].key, "config"))
            file = fv[n].value;
        n += rc == 0;
    }
    /* Lowest precedence first, so that each source overrides the one before. */
    if (rc == 0 && file && *file)
        rc = apply_file(cfg, file, err, errlen);
    if (rc == 0)
        rc = apply_env(cfg, err, errlen);
    if (rc == 0)
        rc = apply_flags(cfg, fv, n, err, errlen);
    if (rc == 0)
        rc = check_limits(cfg, err, errlen);
    struct sockaddr_storage addr; /* checked now: refused before anything starts */
    socklen_t addrlen;
    if (rc == 0)
        rc = config_listen_addr(cfg, &addr, &addrlen, err, errlen);
    free(fv);
    cfg->engine.slots = cfg->slots;
    cfg->engine.warm_slots = cfg->warm_slots;
    cfg->engine.warm_min = cfg->warm_min;
    cfg->engine.warm_idle_ms = cfg->warm_idle_ms;
    cfg->engine.queue_max = cfg->queue_max;
    cfg->engine.queue_wait_ms = cfg->queue_wait_ms;
    cfg->engine.artifact_cache_kib = cfg->artifact_cache_kib;
    cfg->engine.session_slots = cfg->sessions;
    cfg->engine.languages_dir = cfg->languages_dir;
    return rc;
}

static bool is_loopback(const struct sockaddr_storage *a)
{
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)a;
        return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    }
    const struct in6_addr *v6 = &((const struct sockaddr_in6 *)a)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(v6) || (IN6_IS_ADDR_V4MAPPED(v6) && v6->s6_addr[12] == 127);
}

/* Splits "HOST:PORT" or "[V6]:PORT" into host and port. */
static int split_listen(const char *listen, char *host, size_t hostlen, uint32_t *port)
{
    const char *colon = strrchr(listen, ':');
    if (!colon || num_parse_u32(colon + 1, 0, 65535, port) < 0)
        return -1;
    const char *h = listen;
    size_t hl = (size_t)(colon - listen);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    if (hl == 0 || hl >= hostlen)
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    return 0;
}

int config_listen_addr(const struct srv_config *cfg, struct sockaddr_storage *addr,
                       socklen_t *len, char *err, size_t errlen)
{
    char host[256];
    uint32_t port;
    if (split_listen(cfg->listen, host, sizeof host, &port) < 0)
        return err_set(err, errlen, "listen: '%s' is not HOST:PORT", cfg->listen);
    memset(addr, 0, sizeof *addr);
    struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
    if (!strcasecmp(host, "localhost"))
        snprintf(host, sizeof host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof *v4;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
    } else
        return err_set(err, errlen, "listen: '%s' is not a numeric address or localhost", host);
    /* kiln runs untrusted code for whoever reaches it: loopback unless asked. */
    if (!is_loopback(addr) && !cfg->allow_remote)
        return err_set(err, errlen,
                       "listen: refusing %s, which is not a loopback address; kiln runs code "
                       "for whoever can reach it (--allow-remote to serve other hosts)",
                       cfg->listen);
    return 0;
}
