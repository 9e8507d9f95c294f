/* lines.c — small line-based files: API keys, configuration. */
#define _GNU_SOURCE
#include "lines.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

char *lines_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

int lines_read(const char *path, const char *what,
               int (*fn)(void *ctx, char *line, char *err, size_t errlen), void *ctx, char *err,
               size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return err_set(err, errlen, "%s %s: %m", what, path);
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        lineno++;
        char *s = lines_trim(line);
        if (!*s || *s == '#')
            continue;
        rc = fn(ctx, s, err, errlen);
        if (rc < 0) {
            char where[32];
            snprintf(where, sizeof where, "line %u", lineno);
            err_prefix(err, errlen, where);
            err_prefix(err, errlen, path);
        }
    }
    free(line);
    fclose(f);
    return rc;
}
