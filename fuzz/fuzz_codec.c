/* fuzz_codec.c — libFuzzer target: the file encodings of Piston's API
 * (src/server/codec.c) against a model of the rules codec.h states.
 *
 * codec.c has no encoder, so this file has one of each, written apart:
 * the input, as bytes, must come back from decode(encode(x)); and the
 * input, as text, must decode exactly when the model says it is valid
 * base64 or hex, to the bytes the model reads from it. */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "server/codec.h"

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard alphabet, '=' padding unless `pad` is false, a newline every
 * `wrap` characters (0: none). Returns the malloc'd text. */
static char *b64_encode(const uint8_t *p, size_t n, bool pad, size_t wrap, size_t *outlen)
{
    char *out = malloc(n / 3 * 8 + 16), *o = out;
    size_t col = 0;
    if (!out)
        abort(); /* a fuzzer's inputs are small: not a case to handle */
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        size_t digits = n - i >= 3 ? 4 : n - i + 1;
        for (size_t k = 0; k < 4; k++) {
            if (k >= digits && !pad)
                break;
            *o++ = k < digits ? B64[v >> (18 - 6 * k) & 63] : '=';
            if (wrap && ++col % wrap == 0)
                *o++ = '\n';
        }
    }
    *outlen = (size_t)(o - out);
    return out;
}

/* The model of codec_base64_decode: blanks (space, tab, CR, LF) anywhere;
 * digits of either alphabet; then at most two '='; no digit after a '=';
 * the digits not one more than a multiple of four (6 bits make no byte);
 * and the bits that make no byte all zero. Fills `model` with the bytes. */
static bool b64_model(const char *s, size_t len, uint8_t *model, size_t *n)
{
    static const char URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t digits = 0, pads = 0;
    uint32_t acc = 0;
    *n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        const char *at = c ? strchr(B64, c) : NULL, *url = c ? strchr(URL, c) : NULL;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (c == '=') {
            pads++;
            continue;
        }
        if ((!at && !url) || pads)
            return false;
        acc = acc << 6 | (uint32_t)(at ? at - B64 : url - URL);
        if (++digits % 4 == 0) {
            model[(*n)++] = (uint8_t)(acc >> 16);
            model[(*n)++] = (uint8_t)(acc >> 8);
            model[(*n)++] = (uint8_t)acc;
            acc = 0;
        }
    }
    size_t tail = digits % 4; /* 0, 2 or 3 digits: 0, 1 or 2 bytes */
    if (pads > 2 || tail == 1)
        return false;
    if (tail == 2) {
        if (acc & 0xf)
            return false;
        model[(*n)++] = (uint8_t)(acc >> 4);
    } else if (tail == 3) {
        if (acc & 0x3)
            return false;
        model[(*n)++] = (uint8_t)(acc >> 10);
        model[(*n)++] = (uint8_t)(acc >> 2);
    }
    return true;
}

static int hex_digit(char c)
{
    static const char lower[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
    const char *at = c ? strchr(lower, c) : NULL;
    if (at)
        return (int)(at - lower);
    at = c ? strchr(upper, c) : NULL;
    return at ? (int)(at - upper) : -1;
}

/* Decoded exactly when the model says so, to the model's bytes, with the
 * NUL after them that codec.h promises. */
static void check_decoded(const char *out, size_t outlen, bool valid, const uint8_t *model,
                          size_t n)
{
    FUZZ_CHECK(valid == (out != NULL));
    if (!out)
        return;
    FUZZ_CHECK(outlen == n && !memcmp(out, model, n) && out[n] == '\0');
}

static void check_text(const char *s, size_t len)
{
    uint8_t *model = malloc(len + 1);
    size_t n, outlen = 0;
    if (!model)
        abort();
    bool valid = b64_model(s, len, model, &n);
    char *out = codec_base64_decode(s, len, &outlen);
    check_decoded(out, outlen, valid, model, n);
    free(out);

    valid = len % 2 == 0;
    for (n = 0; valid && 2 * n < len; n++) {
        int hi = hex_digit(s[2 * n]), lo = hex_digit(s[2 * n + 1]);
        valid = hi >= 0 && lo >= 0;
        model[n] = valid ? (uint8_t)(hi << 4 | lo) : 0;
    }
    out = codec_hex_decode(s, len, &outlen);
    check_decoded(out, outlen, valid, model, n);
    free(out);
    free(model);
}

static void check_round_trip(const uint8_t *p, size_t n)
{
    size_t len, outlen;
    /* padded; then unpadded, URL-safe and wrapped at 76 as MIME does */
    for (int form = 0; form < 2; form++) {
        char *text = b64_encode(p, n, form == 0, form == 0 ? 0 : 76, &len);
        if (form == 1)
            for (size_t i = 0; i < len; i++)
                text[i] = text[i] == '+' ? '-' : text[i] == '/' ? '_' : text[i];
        char *out = codec_base64_decode(text, len, &outlen);
        FUZZ_CHECK(out && outlen == n && !memcmp(out, p, n));
        free(out);
        free(text);
    }
    char *hex = malloc(2 * n + 1);
    if (!hex)
        abort();
    for (size_t i = 0; i < n; i++) /* mixed case: the decoder takes either */
        snprintf(hex + 2 * i, 3, i % 2 ? "%02X" : "%02x", p[i]);
    char *out = codec_hex_decode(hex, 2 * n, &outlen);
    FUZZ_CHECK(out && outlen == n && !memcmp(out, p, n));
    free(out);
    free(hex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_text((const char *)data, size);
    check_round_trip(data, size);
    return 0;
}
