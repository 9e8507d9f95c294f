/* utf8.c — UTF-8 validation and repair of program output. */
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* How many of the last bytes of p[0..n) begin a UTF-8 sequence that the
 * chunk cuts short (0-3). */
static size_t cut_sequence(const unsigned char *p, size_t n)
{
    for (size_t back = 1; back <= 3 && back <= n; back++) {
        unsigned char b = p[n - back];
        if ((b & 0xC0) == 0x80)
            continue; /* a continuation byte: look further back */
        size_t want = b >= 0xF0 && b <= 0xF7 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        return want > back ? back : 0;
    }
    return 0;
}

int utf8_carry_take(struct utf8_carry *c, const char *data, size_t len, struct buf *out)
{
    out->len = 0;
    if (buf_append(out, c->bytes, c->n) < 0 || buf_append(out, data, len) < 0)
        return -1;
    size_t cut = cut_sequence((const unsigned char *)out->data, out->len);
    out->len -= cut;
    memcpy(c->bytes, out->data + out->len, cut);
    c->n = cut;
    return 0;
}

size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
    if (avail == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        if (c == 0xED)
            hi = 0x9F; /* UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else
        return 0;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

char *utf8_sanitize(const char *s, size_t len, size_t *outlen)
{
    static const char replacement[] = "\xEF\xBF\xBD";
    /* Worst case: every byte becomes three. */
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0;
    while (i < len) {
        size_t n = p[i] ? utf8_seq_len(p + i, len - i) : 0;
        if (n) {
            memcpy(out + o, p + i, n);
            o += n;
            i += n;
        } else {
            memcpy(out + o, replacement, 3);
            o += 3;
            i++;
        }
    }
    out[o] = '\0';
    if (outlen)
        *outlen = o;
    return out;
}
