/* num.c — whole numbers from text, strictly. */
#include "util/num.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

int num_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
    char *end;
    /* strtoull would take blanks and a sign first: the first byte is a digit. */
    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = (uint32_t)v;
    return 0;
}
