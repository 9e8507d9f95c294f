/* utf8.h — make program output safe to carry in JSON strings. */
#ifndef KILN_UTIL_UTF8_H
#define KILN_UTIL_UTF8_H

#include <stddef.h>

/* Copies s into a new NUL-terminated string in which every byte sequence
 * that is not valid UTF-8 (overlongs, surrogates, > U+10FFFF, truncated)
 * and every NUL byte becomes U+FFFD. Programs print arbitrary bytes; JSON
 * strings must be valid UTF-8 and C strings cannot hold NUL. NULL on ENOMEM. */
char *utf8_sanitize(const char *s, size_t len, size_t *outlen);

/* Length of the valid UTF-8 sequence starting at s (1-4), or 0 if the
 * bytes there do not start one. */
size_t utf8_seq_len(const unsigned char *s, size_t avail);

#endif
