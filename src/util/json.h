/* json.h — cJSON helpers shared by the CLI and the server. */
#ifndef KILN_UTIL_JSON_H
#define KILN_UTIL_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* A JSON string from bytes that may hold invalid UTF-8 or NULs (each bad
 * sequence becomes U+FFFD); NULL on ENOMEM. */
cJSON *json_bytes(const char *data, size_t len);
/* Appends each blank-separated word of words (e.g. a language's aliases)
 * to array as a string. */
void json_add_words(cJSON *array, const char *words);

struct kiln_stage;
/* A stage's security events: [{"syscall": "mount", "count": 2}, ...]. */
cJSON *json_denied(const struct kiln_stage *st);

/* Interpret mode's value of a stage, added to obj: "result" (the value as
 * JSON, null when it has no JSON form or there was none), text_key (its
 * representation in the language, or null) and truncated_key. */
void json_add_value(cJSON *obj, const struct kiln_stage *st, const char *text_key,
                    const char *truncated_key);

#endif
