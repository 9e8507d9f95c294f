/* token.c — unguessable identifiers from getrandom(2). */
#include "util/token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

void token_random_hex(char *out, size_t nbytes)
{
    unsigned char raw[64];
    size_t got = 0;
    if (nbytes > sizeof raw)
        abort(); /* an invariant of the callers, not input */
    while (got < nbytes) {
        ssize_t n = getrandom(raw + got, nbytes - got, 0);
        if (n > 0)
            got += (size_t)n;
        else if (errno != EINTR)
            abort();
    }
    for (size_t i = 0; i < nbytes; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    out[2 * nbytes] = '\0';
}
