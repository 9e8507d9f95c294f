/* codec.h — decoding of the file encodings of Piston's API (base64, hex). */
#ifndef KILN_SERVER_CODEC_H
#define KILN_SERVER_CODEC_H

#include <stddef.h>

/* Decodes base64 (standard or URL-safe alphabet; padding optional;
 * whitespace ignored, as in wrapped base64 and in Node's decoder that
 * Piston clients were written against). Returns a malloc'd buffer of
 * *outlen bytes (NUL-terminated for convenience, may hold NULs), or NULL
 * when s is not base64 (errno EINVAL) or on ENOMEM. */
char *codec_base64_decode(const char *s, size_t len, size_t *outlen);

/* Decodes an even number of hex digits, either case. NULL as above. */
char *codec_hex_decode(const char *s, size_t len, size_t *outlen);

#endif
