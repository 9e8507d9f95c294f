/* access.c — API keys and the per-key limits. Keys are read once at
 * startup; the counters and buckets change under one mutex (they are
 * touched by the HTTP thread on admission and on completion). */
#include "server/access.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"
#include "util/lines.h"

/* Keys are compared over this many bytes whatever their length, so that
 * the time of a comparison says nothing about the key. */
#define ACCESS_KEY_MAX 256

struct access_key {
    char key[ACCESS_KEY_MAX];
    size_t len;
    unsigned inflight;
    double tokens;
    int64_t refilled_ns;
};

struct srv_access {
    struct access_key *keys;
    size_t nkeys;
    double rate_per_ns; /* tokens per nanosecond; 0: unlimited */
    double burst;
    uint32_t concurrency;
    pthread_mutex_t lock;
};

static int add_key(struct srv_access *a, const char *k, size_t len)
{
    struct access_key *v = realloc(a->keys, (a->nkeys + 1) * sizeof *v);
    if (!v)
        return -1;
    a->keys = v;
    v = &a->keys[a->nkeys++];
    memset(v, 0, sizeof *v);
    memcpy(v->key, k, len);
    v->len = len;
    v->tokens = a->burst;
    return 0;
}

static bool key_chars_ok(const char *k, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isgraph((unsigned char)k[i]))
            return false;
    return true;
}

/* One key a line; blank lines and lines starting with '#' are skipped. */
static int read_key(void *ctx, char *key, char *err, size_t errlen)
{
    struct srv_access *a = ctx;
    size_t n = strlen(key);
    if (n >= ACCESS_KEY_MAX || !key_chars_ok(key, n))
        return err_set(err, errlen, "a key is 1 to %d printable characters without spaces",
                       ACCESS_KEY_MAX - 1);
    if (add_key(a, key, n) < 0)
        return err_set(err, errlen, "out of memory");
    return 0;
}

static int read_keys(struct srv_access *a, const char *path, char *err, size_t errlen)
{
    if (lines_read(path, "keys file", read_key, a, err, errlen) < 0)
        return -1;
    if (a->nkeys == 0)
        return err_set(err, errlen, "keys file %s holds no key", path);
    return 0;
}

struct srv_access *access_create(const char *keys_file, uint32_t rate_per_min, uint32_t burst,
                                 uint32_t concurrency, char *err, size_t errlen)
{
    struct srv_access *a = calloc(1, sizeof *a);
    if (!a) {
        err_set(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&a->lock, NULL);
    a->rate_per_ns = rate_per_min / 60e9;
    a->burst = burst ? burst : 1;
    a->concurrency = concurrency;
    if (keys_file && *keys_file && read_keys(a, keys_file, err, errlen) < 0) {
        access_destroy(a);
        return NULL;
    }
    return a;
}

void access_destroy(struct srv_access *a)
{
    if (!a)
        return;
    pthread_mutex_destroy(&a->lock);
    /* Keys are secrets: do not leave them in freed memory. */
    if (a->keys)
        explicit_bzero(a->keys, a->nkeys * sizeof *a->keys);
    free(a->keys);
    free(a);
}

bool access_enabled(const struct srv_access *a)
{
    return a->nkeys > 0;
}

size_t access_key_count(const struct srv_access *a)
{
    return a->nkeys;
}

static bool equal_const_time(const struct access_key *k, const char *tok, size_t len)
{
    unsigned char diff = (unsigned char)(k->len != len);
    for (size_t i = 0; i < ACCESS_KEY_MAX; i++) {
        unsigned char t = i < len ? (unsigned char)tok[i] : 0;
        diff |= (unsigned char)(k->key[i] ^ t);
    }
    return diff == 0;
}

int access_check(const struct srv_access *a, const char *authorization)
{
    if (!authorization || strncasecmp(authorization, "Bearer ", 7))
        return -1;
    const char *tok = authorization + 7;
    while (*tok == ' ')
        tok++;
    size_t len = strlen(tok);
    while (len && tok[len - 1] == ' ')
        len--;
    if (len == 0 || len >= ACCESS_KEY_MAX)
        return -1;
    int found = -1;
    for (size_t i = 0; i < a->nkeys; i++) /* no early exit: every key costs the same */
        if (equal_const_time(&a->keys[i], tok, len))
            found = (int)i;
    return found;
}

unsigned access_take_token(struct srv_access *a, int key, int64_t now_ns)
{
    if (key < 0 || a->rate_per_ns == 0)
        return 0;
    unsigned wait_s = 0;
    pthread_mutex_lock(&a->lock);
    struct access_key *k = &a->keys[key];
    if (k->refilled_ns)
        k->tokens += (double)(now_ns - k->refilled_ns) * a->rate_per_ns;
    if (k->tokens > a->burst)
        k->tokens = a->burst;
    k->refilled_ns = now_ns;
    if (k->tokens >= 1)
        k->tokens -= 1;
    else
        wait_s = (unsigned)((1 - k->tokens) / a->rate_per_ns / 1e9) + 1;
    pthread_mutex_unlock(&a->lock);
    return wait_s;
}

int access_acquire(struct srv_access *a, int key)
{
    if (key < 0 || a->concurrency == 0)
        return 0;
    int rc = 0;
    pthread_mutex_lock(&a->lock);
    if (a->keys[key].inflight >= a->concurrency)
        rc = -1;
    else
        a->keys[key].inflight++;
    pthread_mutex_unlock(&a->lock);
    return rc;
}

void access_release(struct srv_access *a, int key)
{
    if (key < 0 || a->concurrency == 0)
        return;
    pthread_mutex_lock(&a->lock);
    a->keys[key].inflight--;
    pthread_mutex_unlock(&a->lock);
}
