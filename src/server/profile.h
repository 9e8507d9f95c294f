/* profile.h — named sets of run limits and content rules a request may ask
 * for by name ("profile": "strict"), and may then only tighten.
 *
 * Built in: strict, moderate, permissive. The config file changes them or
 * adds more, one key per line:
 *     profile.NAME.cpu_ms = 2000        # any kiln_limit_fields name: the run's limit
 *     profile.NAME.max_code_bytes = 4096
 *     profile.NAME.max_lines = 200
 *     profile.NAME.block = os\.system   # repeatable: a POSIX extended regex
 *
 * Content rules are a convenience for a platform's own policies (no shell
 * calls in a beginner's exercise, code size): the jail, not these rules, is
 * the security boundary, and a rule is easy to write around. */
#ifndef KILN_SERVER_PROFILE_H
#define KILN_SERVER_PROFILE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kiln.h"

#define PROFILE_MAX 16
#define PROFILE_BLOCK_MAX 16
#define PROFILE_NAME_MAX 32
#define PROFILE_RULE_MAX 200

struct srv_profile {
    char name[PROFILE_NAME_MAX];
    struct kiln_limits run;   /* 0: the server's default; clamped to its maxima */
    uint32_t max_code_bytes;  /* of all files together; 0: no bound but max_body */
    uint32_t max_lines;       /* of all files together; 0: none */
    size_t nblocked;
    char blocked[PROFILE_BLOCK_MAX][PROFILE_RULE_MAX]; /* each rule as written */
};

struct srv_profiles {
    struct srv_profile p[PROFILE_MAX];
    size_t n;
};

/* The compiled rules of every profile, built once at server start. */
struct profile_rules {
    regex_t re[PROFILE_MAX][PROFILE_BLOCK_MAX];
    size_t nre[PROFILE_MAX];
};

/* strict, moderate and permissive. */
void profiles_init(struct srv_profiles *ps);
/* key is what follows "profile." in a setting: "NAME.FIELD". */
int profiles_set(struct srv_profiles *ps, const char *key, const char *value, char *err,
                 size_t errlen);
int profile_rules_compile(const struct srv_profiles *ps, struct profile_rules *out, char *err,
                          size_t errlen);
void profile_rules_free(const struct srv_profiles *ps, struct profile_rules *rules);

/* By exact name; NULL if none. */
const struct srv_profile *profiles_find(const struct srv_profiles *ps, const char *name);
/* "strict, moderate, permissive": for error messages. */
void profiles_names(const struct srv_profiles *ps, char *buf, size_t buflen);

#endif
