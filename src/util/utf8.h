/* utf8.h — make program output safe to carry in JSON strings. */
#ifndef KILN_UTIL_UTF8_H
#define KILN_UTIL_UTF8_H

#include <stddef.h>

#include "util/buf.h"

/* Copies s into a new NUL-terminated string in which every byte sequence
 * that is not valid UTF-8 (overlongs, surrogates, > U+10FFFF, truncated)
 * and every NUL byte becomes U+FFFD. Programs print arbitrary bytes; JSON
 * strings must be valid UTF-8 and C strings cannot hold NUL. NULL on ENOMEM. */
char *utf8_sanitize(const char *s, size_t len, size_t *outlen);

/* Length of the valid UTF-8 sequence starting at s (1-4), or 0 if the
 * bytes there do not start one. */
size_t utf8_seq_len(const unsigned char *s, size_t avail);

/* Output that arrives in chunks may cut a character in two: the cut start
 * of a sequence waits in the carry for the next chunk of the same stream. */
struct utf8_carry {
    unsigned char bytes[4];
    size_t n;
};
/* The carry and data, whole sequences only, in out (appended; emptied
 * first); the cut end goes to the carry. -1 on ENOMEM. */
int utf8_carry_take(struct utf8_carry *c, const char *data, size_t len, struct buf *out);

#endif
