/* err.h — error messages into caller-owned buffers (STYLE: the engine never exits). */
#ifndef KILN_UTIL_ERR_H
#define KILN_UTIL_ERR_H

#include <stddef.h>

/* Formats into err (if not NULL) and returns -1, so that error paths read
 * `return err_set(err, errlen, "open %s: %m", path);`. Preserves errno. */
int err_set(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prepends "what: " to the message already in err, keeping it readable
 * when an error travels up through layers. Returns -1. */
int err_prefix(char *err, size_t errlen, const char *what);

#endif
