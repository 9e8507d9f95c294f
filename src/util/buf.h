/* buf.h — a growable byte buffer, always NUL-terminated for convenience. */
#ifndef KILN_UTIL_BUF_H
#define KILN_UTIL_BUF_H

#include <stddef.h>

struct buf {
    char *data; /* NULL until the first append */
    size_t len;
    size_t cap;
};

/* Appends n bytes. Returns -1 (errno ENOMEM) and leaves b unchanged on failure. */
int buf_append(struct buf *b, const void *p, size_t n);
/* Hands the bytes to the caller (never NULL: "" for an empty buffer) and
 * empties b. Returns NULL only when allocating "" fails. */
char *buf_steal(struct buf *b, size_t *len);
void buf_free(struct buf *b);

#endif
