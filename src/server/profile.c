/* profile.c — the profiles table: built-ins, settings, compiled rules. */
#include "server/profile.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "util/num.h"

/* Run limits and content bounds of the built-ins. Memory and processes
 * leave room for the JVM and BEAM languages in moderate (their definitions
 * ask for 128 processes) and for none of them in strict. */
static const struct srv_profile BUILTIN[] = {
    { .name = "strict",
      .run = { .cpu_ms = 1000, .wall_ms = 3000, .mem_kib = 64 << 10, .procs = 16,
               .output_kib = 64, .fsize_kib = 1024, .disk_kib = 16 << 10, .nofile = 64 },
      .max_code_bytes = 64 << 10, .max_lines = 2000 },
    { .name = "moderate",
      .run = { .cpu_ms = 5000, .wall_ms = 10000, .mem_kib = 256 << 10, .procs = 128,
               .output_kib = 1024, .fsize_kib = 64 << 10, .disk_kib = 64 << 10, .nofile = 256 },
      .max_code_bytes = 256 << 10, .max_lines = 10000 },
    { .name = "permissive",
      .run = { .cpu_ms = 30000, .wall_ms = 60000, .mem_kib = 1 << 20, .procs = 256,
               .output_kib = 16 << 10, .fsize_kib = 256 << 10, .disk_kib = 256 << 10,
               .nofile = 1024 } },
};

void profiles_init(struct srv_profiles *ps)
{
    memset(ps, 0, sizeof *ps);
    for (size_t i = 0; i < sizeof BUILTIN / sizeof *BUILTIN; i++)
        ps->p[ps->n++] = BUILTIN[i];
}

const struct srv_profile *profiles_find(const struct srv_profiles *ps, const char *name)
{
    for (size_t i = 0; name && i < ps->n; i++)
        if (!strcmp(ps->p[i].name, name))
            return &ps->p[i];
    return NULL;
}

void profiles_names(const struct srv_profiles *ps, char *buf, size_t buflen)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ps->n && used < buflen; i++) {
        int n = snprintf(buf + used, buflen - used, "%s%s", i ? ", " : "", ps->p[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static bool profile_name_valid(const char *s, size_t n)
{
    if (n == 0 || n >= PROFILE_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_' &&
            s[i] != '-')
            return false;
    return true;
}

/* The profile named s[0..n), created empty (every limit the server's
 * default) when new. */
static struct srv_profile *profile_get(struct srv_profiles *ps, const char *s, size_t n,
                                       char *err, size_t errlen)
{
    if (!profile_name_valid(s, n)) {
        err_set(err, errlen, "profile name '%.*s': use 1-31 of [a-z0-9_-]", (int)n, s);
        return NULL;
    }
    for (size_t i = 0; i < ps->n; i++)
        if (strlen(ps->p[i].name) == n && !strncmp(ps->p[i].name, s, n))
            return &ps->p[i];
    if (ps->n >= PROFILE_MAX) {
        err_set(err, errlen, "too many profiles (at most %d)", PROFILE_MAX);
        return NULL;
    }
    struct srv_profile *p = &ps->p[ps->n++];
    memset(p, 0, sizeof *p);
    memcpy(p->name, s, n);
    return p;
}

static int add_rule(struct srv_profile *p, const char *value, char *err, size_t errlen)
{
    regex_t re;
    size_t n = strlen(value);
    if (n == 0 || n >= PROFILE_RULE_MAX)
        return err_set(err, errlen, "block: a rule of 1-%d bytes", PROFILE_RULE_MAX - 1);
    if (p->nblocked >= PROFILE_BLOCK_MAX)
        return err_set(err, errlen, "too many block rules (at most %d)", PROFILE_BLOCK_MAX);
    int rc = regcomp(&re, value, REG_EXTENDED | REG_NOSUB);
    if (rc) {
        char why[128];
        regerror(rc, &re, why, sizeof why);
        return err_set(err, errlen, "block '%s': %s", value, why);
    }
    regfree(&re);
    memcpy(p->blocked[p->nblocked++], value, n + 1);
    return 0;
}

int profiles_set(struct srv_profiles *ps, const char *key, const char *value, char *err,
                 size_t errlen)
{
    const char *dot = strchr(key, '.');
    if (!dot)
        return err_set(err, errlen, "profile.%s: expected profile.NAME.FIELD", key);
    struct srv_profile *p = profile_get(ps, key, (size_t)(dot - key), err, errlen);
    const char *field = dot + 1;
    if (!p)
        return -1;
    if (!strcmp(field, "block"))
        return add_rule(p, value, err, errlen);
    uint32_t *slot = NULL, min = 0, max = UINT32_MAX;
    if (!strcmp(field, "max_code_bytes"))
        slot = &p->max_code_bytes;
    else if (!strcmp(field, "max_lines"))
        slot = &p->max_lines;
    for (size_t i = 0; !slot && i < kiln_limit_field_count; i++)
        if (!strcmp(field, kiln_limit_fields[i].name)) {
            slot = (uint32_t *)(void *)((char *)&p->run + kiln_limit_fields[i].offset);
            min = kiln_limit_fields[i].min;
            max = kiln_limit_fields[i].max;
        }
    if (!slot)
        return err_set(err, errlen, "profile.%s: unknown field '%s' (a run limit, "
                       "max_code_bytes, max_lines or block)", key, field);
    if (num_parse_u32(value, min, max, slot) < 0)
        return err_set(err, errlen, "profile.%s: '%s' is not a whole number in [%u, %u]", key,
                       value, min, max);
    return 0;
}

int profile_rules_compile(const struct srv_profiles *ps, struct profile_rules *out, char *err,
                          size_t errlen)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < ps->n; i++)
        for (size_t j = 0; j < ps->p[i].nblocked; j++) {
            if (regcomp(&out->re[i][j], ps->p[i].blocked[j], REG_EXTENDED | REG_NOSUB)) {
                profile_rules_free(ps, out);
                return err_set(err, errlen, "profile %s: rule '%s' does not compile",
                               ps->p[i].name, ps->p[i].blocked[j]);
            }
            out->nre[i] = j + 1;
        }
    return 0;
}

void profile_rules_free(const struct srv_profiles *ps, struct profile_rules *rules)
{
    for (size_t i = 0; i < ps->n; i++) {
        for (size_t j = 0; j < rules->nre[i]; j++)
            regfree(&rules->re[i][j]);
        rules->nre[i] = 0;
    }
}
