/* artifact_cache.h — compiled programs kept in memory, so that the same
 * program submitted again runs without compiling again.
 *
 * The key is everything that decides what a compilation produces: the
 * language's name, compile command and environment, the compile limits,
 * and every source file's name and bytes, in order. The entry keeps the
 * whole key, not only its hash: a lookup compares the bytes, so no crafted
 * collision can hand one user's binary to another's sources. The value is
 * the /box the compile stage left (its regular files, copied) and the
 * compiler's output. Only successful compilations are kept.
 *
 * Bounded by bytes (keys and values together); the least recently used
 * entries go first. Thread-safe: one mutex, held only to look up, copy and
 * link, never while anything runs.
 */
#ifndef KILN_ENGINE_ARTIFACT_CACHE_H
#define KILN_ENGINE_ARTIFACT_CACHE_H

#include <stddef.h>

#include "engine/lang.h"
#include "jail/jail.h"
#include "kiln.h"

struct artifact_cache;

/* max_bytes 0: a cache that keeps nothing (every lookup misses). */
struct artifact_cache *artifact_cache_create(size_t max_bytes);
void artifact_cache_destroy(struct artifact_cache *cache);

/* The key of a compilation, serialised; free() it. NULL when out of memory. */
struct artifact_key {
    char *bytes;
    size_t len;
    uint64_t hash;
};
int artifact_key_build(struct artifact_key *key, const struct lang_def *lang,
                       const struct kiln_request *req, const struct kiln_limits *compile_limits);

/* On a hit, returns 0 with copies of the artifacts in *files (free with
 * jail_files_free) and the compiler's output in *compile (free its
 * out and err). -1 on a miss or when out of memory. */
int artifact_cache_get(struct artifact_cache *cache, const struct artifact_key *key,
                       struct jail_file **files, size_t *nfiles, struct kiln_stage *compile);
/* Adds a successful compilation: copies files and output, and takes the
 * key's bytes when it keeps the entry (key->bytes is then NULL; free() it
 * either way). Keeps nothing when the entry alone would exceed the bound,
 * or when the key is already there. */
void artifact_cache_put(struct artifact_cache *cache, struct artifact_key *key,
                        const struct jail_file *files, size_t nfiles,
                        const struct kiln_stage *compile);
void artifact_cache_stats(struct artifact_cache *cache, struct kiln_cache_stats *out);

#endif
