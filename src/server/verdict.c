/* verdict.c — expected output against actual output (verdict.h). */
#include "server/verdict.h"

#include <string.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The length of the line at s[0..len) up to its '\n', without trailing blanks. */
static size_t line_len(const char *s, size_t len, size_t *next)
{
    const char *nl = memchr(s, '\n', len);
    size_t n = nl ? (size_t)(nl - s) : len;
    *next = nl ? n + 1 : len;
    while (n && is_blank(s[n - 1]))
        n--;
    return n;
}

/* Whether only blank lines remain. */
static bool rest_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_blank(s[i]) && s[i] != '\n')
            return false;
    return true;
}

bool verdict_output_matches(const char *out, size_t len, const char *expected)
{
    size_t elen = strlen(expected);
    if (!out)
        len = 0;
    while (len && elen) {
        size_t an, en, a = line_len(out, len, &an), e = line_len(expected, elen, &en);
        if (a != e || memcmp(out, expected, a))
            return false;
        out += an, len -= an;
        expected += en, elen -= en;
    }
    return rest_blank(out, len) && rest_blank(expected, elen);
}

const char *verdict_of(const struct kiln_stage *st, const char *expected)
{
    if (st->status != KILN_OK)
        return kiln_status_name(st->status);
    return verdict_output_matches(st->out, st->out_len, expected) ? "AC" : "WA";
}
