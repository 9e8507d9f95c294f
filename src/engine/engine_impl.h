/* engine_impl.h — the engine object's insides, for the engine's own files
 * (engine.c, session.c); nothing outside src/engine/ includes it. */
#ifndef KILN_ENGINE_ENGINE_IMPL_H
#define KILN_ENGINE_ENGINE_IMPL_H

#include <pthread.h>

#include "engine/artifact_cache.h"
#include "engine/lang.h"
#include "engine/warm_pool.h"
#include "jail/jail.h"
#include "kiln.h"

struct lang_state {
    const char *missing;    /* first command that does not resolve, or NULL */
    char version[64];       /* "" until first asked */
    struct warm_pool *pool; /* warm languages only */
};

struct kiln_engine {
    struct kiln_config cfg;
    struct jail *jail;
    struct lang_registry *langs;
    struct lang_state *lang_state; /* parallel to the registry */
    struct artifact_cache *artifacts;
    pthread_mutex_t lock;          /* guards lang_state[].version */
    unsigned session_lo;           /* sessions' slots: [session_lo, +cfg.session_slots) */
};

/* A definition by name or alias that can run here; NULL with err. */
const struct lang_def *engine_find_language(kiln_engine *e, const char *name, char *err,
                                            size_t errlen);
struct lang_state *engine_lang_state(kiln_engine *e, const struct lang_def *def);
/* requested's zeros from the language's overrides, else defaults; every
 * value checked against maxima. stage names the limits in err. */
int engine_resolve_limits(struct kiln_limits *dst, const struct kiln_limits *requested,
                          const struct kiln_limits *defaults, const struct kiln_limits *lang,
                          const struct kiln_limits *maxima, const char *stage, char *err,
                          size_t errlen);

#endif
