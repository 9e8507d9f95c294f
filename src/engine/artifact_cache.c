/* artifact_cache.c — compiled programs kept in memory (see the header).
 *
 * Entries sit on one list, most recently used first. A lookup walks it
 * comparing 64-bit hashes, then lengths, then bytes: an entry holds at
 * least a compiled binary (tens of KiB), so the byte bound keeps the list
 * to a few thousand entries, a walk of microseconds next to a run's
 * milliseconds.
 */
#include "engine/artifact_cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

struct artifact_entry {
    struct artifact_entry *prev, *next;
    struct artifact_key key;
    struct jail_file *files;
    size_t nfiles;
    char *out, *err; /* the compiler's output, NUL-terminated */
    size_t out_len, err_len;
    char message[256];
    size_t bytes; /* what the entry counts against the bound */
};

struct artifact_cache {
    pthread_mutex_t lock;
    struct artifact_entry *head, *tail;
    size_t max_bytes, bytes, entries;
    uint64_t hits, misses, stored, evicted;
};

struct artifact_cache *artifact_cache_create(size_t max_bytes)
{
    struct artifact_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    c->max_bytes = max_bytes;
    return c;
}

static void entry_free(struct artifact_entry *e)
{
    jail_files_free(e->files, e->nfiles);
    free(e->key.bytes);
    free(e->out);
    free(e->err);
    free(e);
}

void artifact_cache_destroy(struct artifact_cache *c)
{
    if (!c)
        return;
    for (struct artifact_entry *e = c->head, *next; e; e = next) {
        next = e->next;
        entry_free(e);
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* FNV-1a: only to skip most entries quickly; equality is decided by bytes. */
static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* A length before every field, so that no two keys serialise alike. */
static int put_field(struct buf *b, const void *data, size_t len)
{
    uint64_t n = len;
    return buf_append(b, (const char *)&n, sizeof n) < 0 || buf_append(b, data, len) < 0 ? -1 : 0;
}

static int put_words(struct buf *b, char *const *words)
{
    size_t n = 0;
    while (words && words[n])
        n++;
    if (put_field(b, &n, sizeof n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (put_field(b, words[i], strlen(words[i])) < 0)
            return -1;
    return 0;
}

int artifact_key_build(struct artifact_key *key, const struct lang_def *lang,
                       const struct kiln_request *req, const struct kiln_limits *compile_limits)
{
    struct buf b = { 0 };
    int rc = put_field(&b, lang->name, strlen(lang->name)) < 0 ||
             put_words(&b, lang->compile_argv) < 0 || put_words(&b, lang->env) < 0 ||
             put_field(&b, compile_limits, sizeof *compile_limits) < 0 ||
             put_field(&b, &req->nfiles, sizeof req->nfiles) < 0;
    for (size_t i = 0; !rc && i < req->nfiles; i++)
        rc = put_field(&b, req->files[i].name, strlen(req->files[i].name)) < 0 ||
             put_field(&b, req->files[i].data, req->files[i].len) < 0;
    if (rc) {
        buf_free(&b);
        return -1;
    }
    key->bytes = buf_steal(&b, &key->len);
    key->hash = fnv1a(key->bytes, key->len);
    return key->bytes ? 0 : -1;
}

static void unlink_entry(struct artifact_cache *c, struct artifact_entry *e)
{
    *(e->prev ? &e->prev->next : &c->head) = e->next;
    *(e->next ? &e->next->prev : &c->tail) = e->prev;
    e->prev = e->next = NULL;
}

static void link_front(struct artifact_cache *c, struct artifact_entry *e)
{
    e->prev = NULL;
    e->next = c->head;
    *(c->head ? &c->head->prev : &c->tail) = e;
    c->head = e;
}

static struct artifact_entry *find(struct artifact_cache *c, const struct artifact_key *key)
{
    for (struct artifact_entry *e = c->head; e; e = e->next)
        if (e->key.hash == key->hash && e->key.len == key->len &&
            !memcmp(e->key.bytes, key->bytes, key->len))
            return e;
    return NULL;
}

static char *copy_bytes(const char *data, size_t len)
{
    char *p = malloc(len + 1);
    if (p) {
        if (len)
            memcpy(p, data, len);
        p[len] = '\0';
    }
    return p;
}

static struct jail_file *copy_files(const struct jail_file *src, size_t n)
{
    struct jail_file *f = calloc(n ? n : 1, sizeof *f);
    for (size_t i = 0; f && i < n; i++) {
        f[i] = (struct jail_file){ .name = strdup(src[i].name),
                                   .data = copy_bytes(src[i].data, src[i].len),
                                   .len = src[i].len, .mode = src[i].mode };
        if (!f[i].name || !f[i].data) {
            jail_files_free(f, i + 1);
            return NULL;
        }
    }
    return f;
}

int artifact_cache_get(struct artifact_cache *c, const struct artifact_key *key,
                       struct jail_file **files, size_t *nfiles, struct kiln_stage *compile)
{
    int rc = -1;
    pthread_mutex_lock(&c->lock);
    struct artifact_entry *e = find(c, key);
    if (e) {
        unlink_entry(c, e);
        link_front(c, e);
        *files = copy_files(e->files, e->nfiles);
        *nfiles = e->nfiles;
        *compile = (struct kiln_stage){ .status = KILN_OK,
                                        .out = copy_bytes(e->out, e->out_len),
                                        .out_len = e->out_len,
                                        .err = copy_bytes(e->err, e->err_len),
                                        .err_len = e->err_len };
        snprintf(compile->message, sizeof compile->message, "%s", e->message);
        if (*files && compile->out && compile->err)
            rc = 0;
        else {
            jail_files_free(*files, *nfiles);
            free(compile->out);
            free(compile->err);
            *files = NULL;
        }
    }
    if (rc == 0)
        c->hits++;
    else
        c->misses++;
    pthread_mutex_unlock(&c->lock);
    return rc;
}

static size_t entry_bytes(const struct artifact_key *key, const struct jail_file *files,
                          size_t nfiles, const struct kiln_stage *compile)
{
    size_t n = sizeof(struct artifact_entry) + key->len + compile->out_len + compile->err_len;
    for (size_t i = 0; i < nfiles; i++)
        n += sizeof *files + strlen(files[i].name) + files[i].len;
    return n;
}

static void evict_for(struct artifact_cache *c, size_t need)
{
    while (c->tail && c->bytes + need > c->max_bytes) {
        struct artifact_entry *e = c->tail;
        unlink_entry(c, e);
        c->bytes -= e->bytes;
        c->entries--;
        c->evicted++;
        entry_free(e);
    }
}

/* The entry built outside the lock: copying megabytes must not stall
 * the other threads' lookups. */
static struct artifact_entry *entry_new(struct artifact_key *key, const struct jail_file *files,
                                        size_t nfiles, const struct kiln_stage *compile,
                                        size_t bytes)
{
    struct artifact_entry *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->files = copy_files(files, nfiles);
    e->nfiles = nfiles;
    e->out = copy_bytes(compile->out ? compile->out : "", compile->out_len);
    e->out_len = compile->out_len;
    e->err = copy_bytes(compile->err ? compile->err : "", compile->err_len);
    e->err_len = compile->err_len;
    snprintf(e->message, sizeof e->message, "%s", compile->message);
    e->bytes = bytes;
    if (!e->files || !e->out || !e->err) {
        entry_free(e);
        return NULL;
    }
    e->key = *key;
    key->bytes = NULL;
    return e;
}

void artifact_cache_put(struct artifact_cache *c, struct artifact_key *key,
                        const struct jail_file *files, size_t nfiles,
                        const struct kiln_stage *compile)
{
    size_t bytes = entry_bytes(key, files, nfiles, compile);
    if (bytes > c->max_bytes)
        return;
    struct artifact_entry *e = entry_new(key, files, nfiles, compile, bytes);
    if (!e)
        return;
    pthread_mutex_lock(&c->lock);
    if (find(c, &e->key)) { /* another thread compiled the same program meanwhile */
        pthread_mutex_unlock(&c->lock);
        entry_free(e);
        return;
    }
    evict_for(c, bytes);
    link_front(c, e);
    c->bytes += bytes;
    c->entries++;
    c->stored++;
    pthread_mutex_unlock(&c->lock);
}

void artifact_cache_stats(struct artifact_cache *c, struct kiln_cache_stats *out)
{
    pthread_mutex_lock(&c->lock);
    *out = (struct kiln_cache_stats){ .hits = c->hits, .misses = c->misses, .stored = c->stored,
                                      .evicted = c->evicted, .entries = c->entries,
                                      .bytes = c->bytes, .max_bytes = c->max_bytes };
    pthread_mutex_unlock(&c->lock);
}
