/* lines.h — small line-based files: API keys, configuration. */
#ifndef KILN_UTIL_LINES_H
#define KILN_UTIL_LINES_H

#include <stddef.h>

/* Calls fn for each line of path with surrounding blanks removed, skipping
 * blank lines and lines starting with '#'. A failure of fn stops the read,
 * and its message is prefixed with "PATH: line N: ". A file that cannot be
 * opened gives "WHAT PATH: reason". Returns 0 or -1. */
int lines_read(const char *path, const char *what,
               int (*fn)(void *ctx, char *line, char *err, size_t errlen), void *ctx, char *err,
               size_t errlen);
/* Removes leading and trailing blanks in place; returns the start. */
char *lines_trim(char *s);

#endif
