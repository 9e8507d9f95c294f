/* codec.c — base64 and hex decoding of request files. */
#include "server/codec.h"

#include <errno.h>
#include <stdlib.h>

/* Value of a base64 digit in either alphabet, -1 for anything else. */
static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *codec_base64_decode(const char *s, size_t len, size_t *outlen)
{
    char *out = malloc(len / 4 * 3 + 4);
    if (!out)
        return NULL;
    size_t n = 0, pad = 0;
    unsigned acc = 0, bits = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_space(c))
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        int v = b64_value(c);
        if (v < 0 || pad) /* a digit after padding is not base64 either */
            goto invalid;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (char)((acc >> bits) & 0xFF);
        }
    }
    /* Leftover bits must be the zero fill of a final partial group, and a
     * lone sixth bit group (6 bits, no byte) is a truncated input. */
    if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0 || pad > 2)
        goto invalid;
    out[n] = '\0';
    *outlen = n;
    return out;
invalid:
    free(out);
    errno = EINVAL;
    return NULL;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *codec_hex_decode(const char *s, size_t len, size_t *outlen)
{
    if (len % 2) {
        errno = EINVAL;
        return NULL;
    }
    char *out = malloc(len / 2 + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i += 2) {
        int hi = hex_value((unsigned char)s[i]), lo = hex_value((unsigned char)s[i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            errno = EINVAL;
            return NULL;
        }
        out[i / 2] = (char)(hi << 4 | lo);
    }
    out[len / 2] = '\0';
    *outlen = len / 2;
    return out;
}
