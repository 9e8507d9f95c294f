/* err.c — error messages into caller-owned buffers. */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(char *err, size_t errlen, const char *fmt, ...)
{
    int saved = errno;
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    errno = saved;
    return -1;
}

int err_prefix(char *err, size_t errlen, const char *what)
{
    if (!err || !errlen)
        return -1;
    size_t wl = strlen(what);
    size_t ml = strnlen(err, errlen - 1);
    if (wl + 2 >= errlen)
        return -1;
    if (wl + 2 + ml >= errlen)
        ml = errlen - 1 - wl - 2;
    memmove(err + wl + 2, err, ml);
    memcpy(err, what, wl);
    err[wl] = ':';
    err[wl + 1] = ' ';
    err[wl + 2 + ml] = '\0';
    return -1;
}
