/* json.c — cJSON helpers shared by the CLI and the server. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

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
