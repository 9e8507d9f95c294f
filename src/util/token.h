/* token.h — unguessable identifiers (session ids, submission tokens). */
#ifndef KILN_UTIL_TOKEN_H
#define KILN_UTIL_TOKEN_H

#include <stddef.h>

/* Writes 2 * nbytes lowercase hex characters of the kernel's randomness
 * (getrandom) and a NUL into out. Aborts when the kernel has none to give:
 * a guessable identifier would be worse than no server. */
void token_random_hex(char *out, size_t nbytes);

#endif
