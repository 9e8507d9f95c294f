/* access.h — who may call the API: API keys (constant-time compared), and
 * per key a limit of requests in flight and a token-bucket rate limit. */
#ifndef KILN_SERVER_ACCESS_H
#define KILN_SERVER_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct srv_access;

/* keys_file "" or NULL: no keys, every request is anonymous (key -1) and
 * the per-key limits do not apply. rate_per_min 0 and concurrency 0 mean
 * unlimited. */
struct srv_access *access_create(const char *keys_file, uint32_t rate_per_min, uint32_t burst,
                                 uint32_t concurrency, char *err, size_t errlen);
void access_destroy(struct srv_access *a);

bool access_enabled(const struct srv_access *a);
size_t access_key_count(const struct srv_access *a);

/* The index of the key in an `Authorization: Bearer KEY` header value,
 * or -1. Every key is compared, each in time independent of where the
 * bytes differ. */
int access_check(const struct srv_access *a, const char *authorization);

/* Takes a token from the key's bucket: 0, or the seconds until one is
 * there (for Retry-After). now_ns: CLOCK_MONOTONIC. */
unsigned access_take_token(struct srv_access *a, int key, int64_t now_ns);

/* A place among the key's requests in flight: 0, or -1 at the limit. */
int access_acquire(struct srv_access *a, int key);
void access_release(struct srv_access *a, int key);

#endif
