/* exec.h — the exec runtime: a language's compile and run commands, each
 * a process in its own fresh jail. */
#ifndef KILN_RUNTIME_EXEC_H
#define KILN_RUNTIME_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/artifact_cache.h"
#include "engine/lang.h"
#include "jail/jail.h"
#include "kiln.h"

/* True when every command of the definition resolves inside the jail;
 * otherwise *missing names the first that does not. */
bool exec_available(const struct lang_def *lang, const char **missing);

struct exec_job {
    const struct lang_def *lang;
    const struct kiln_request *req;
    struct kiln_limits run_limits, compile_limits; /* resolved */
    struct artifact_cache *cache; /* compiled programs; NULL: compile every time */
};

/* Compiles (if the language has a compile step, unless the cache has the
 * program) and runs, once or once per case, in `slot`. Fills res; returns
 * -1 only when the jail could not start at all. */
int exec_execute(struct jail *jail, unsigned slot, const struct exec_job *job,
                 struct kiln_result *res, char *err, size_t errlen);

/* Runs the version command; writes the version number found in its first
 * line ("Python 3.11.2" -> "3.11.2"), or the whole line if none. */
int exec_version(struct jail *jail, unsigned slot, const struct lang_def *lang, char *buf,
                 size_t buflen, char *err, size_t errlen);

#endif
