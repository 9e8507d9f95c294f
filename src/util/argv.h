/* argv.h — NULL-terminated string vectors: split a command line, copy, free. */
#ifndef KILN_UTIL_ARGV_H
#define KILN_UTIL_ARGV_H

#include <stddef.h>

/* Splits on blanks (space, tab). "Double quotes" group words; inside them
 * \" and \\ stand for " and \. No other shell syntax. An empty line gives
 * an empty vector; an unterminated quote is an error. Result from malloc. */
char **argv_split(const char *line, char *err, size_t errlen);
size_t argv_count(char *const *argv);
/* Copies a vector, or NULL on allocation failure. */
char **argv_dup(char *const *argv);
void argv_free(char **argv);

#endif
