/* json.c — cJSON helpers shared by the CLI and the server. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "kiln.h"
#include "util/utf8.h"

cJSON *json_bytes(const char *data, size_t len)
{
    char *clean = utf8_sanitize(data ? data : "", data ? len : 0, NULL);
    if (!clean)
        return NULL;
    cJSON *s = cJSON_CreateString(clean);
    free(clean);
    return s;
}

void json_add_words(cJSON *array, const char *words)
{
    char word[64];
    for (const char *p = words; array && p && *p;) {
        size_t n = strcspn(p, " ");
        if (n && n < sizeof word) {
            memcpy(word, p, n);
            word[n] = '\0';
            cJSON_AddItemToArray(array, cJSON_CreateString(word));
        }
        p += n + (p[n] == ' ');
    }
}

cJSON *json_denied(const struct kiln_stage *st)
{
    cJSON *list = cJSON_CreateArray();
    for (unsigned i = 0; list && i < st->ndenied; i++) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "syscall", st->denied[i].syscall);
        cJSON_AddNumberToObject(d, "count", st->denied[i].count);
        cJSON_AddItemToArray(list, d);
    }
    return list;
}

void json_add_value(cJSON *obj, const struct kiln_stage *st, const char *text_key,
                    const char *truncated_key)
{
    cJSON *value = st->value_json ? cJSON_Parse(st->value_json) : NULL;
    cJSON_AddItemToObject(obj, "result", value ? value : cJSON_CreateNull());
    cJSON_AddItemToObject(obj, text_key, st->value_text
                                                  ? json_bytes(st->value_text, strlen(st->value_text))
                                                  : cJSON_CreateNull());
    cJSON_AddBoolToObject(obj, truncated_key, st->value_truncated);
}
