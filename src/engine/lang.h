/* lang.h — language definitions: *.lang files parsed into a registry.
 *
 * A definition is data (STYLE 11): how to name, compile and run a language.
 * The file format, one `key = value` per line, `#` starts a comment:
 *
 *     name    = c                      # [a-z0-9+#._-], 1-31 chars; required
 *     display = C (GCC)                # free text, optional
 *     aliases = gcc c99                # space-separated, optional
 *     source  = main.c                 # default entry file name; required
 *     extensions = .c .h               # entry-file endings that mean this language;
 *                                      #   default: the ending of `source`
 *     runtime = exec                   # exec (default): the commands below run as
 *                                      #   processes; python, javascript, typescript:
 *                                      #   a warm runtime embedded in kiln
 *     version = gcc -dumpfullversion   # command printing the version; required for exec
 *     compile = gcc -O2 -o main {source} -lm   # optional
 *     run     = ./main                 # required for exec
 *     env     = GOCACHE=/tmp/go        # repeatable: extra environment
 *     packages = gcc libc6-dev         # Debian packages providing the toolchain,
 *                                      #   for scripts/install-languages.sh
 *     run.cpu_ms = 5000                # limit overrides, any kiln_limit_fields name,
 *     compile.mem_kib = 524288         #   prefixed run. or compile.
 *
 * Commands are split on blanks; "double quotes" group words. {source} in a
 * command stands for the entry file's name and is expanded by the runtime.
 */
#ifndef KILN_ENGINE_LANG_H
#define KILN_ENGINE_LANG_H

#include <stddef.h>

#include "kiln.h"

#define LANG_NAME_MAX 32

struct lang_def {
    char name[LANG_NAME_MAX];
    char display[64];
    char aliases[128];            /* space-separated, each a valid name */
    char source[64];              /* entry file name, no '/' */
    char extensions[64];          /* space-separated, each starting with '.' */
    char runtime[16];             /* "exec", "python", "javascript" or "typescript" */
    char packages[160];           /* space-separated Debian package names, may be "" */
    char **version_argv;          /* NULL-terminated; may be NULL for a warm runtime */
    char **compile_argv;          /* NULL-terminated, or NULL: interpreted */
    char **run_argv;              /* NULL-terminated; NULL for a warm runtime */
    char **env;                   /* NULL-terminated "KEY=value", may be empty */
    struct kiln_limits run_limits;     /* overrides; 0 = engine default */
    struct kiln_limits compile_limits;
};

/* Parses one definition. `origin` (a file name) prefixes error messages,
 * which name the line: "c.lang:4: unknown key 'colour'". */
int lang_parse(const char *text, size_t len, const char *origin, struct lang_def *out,
               char *err, size_t errlen);
void lang_def_free(struct lang_def *def);

struct lang_registry;

/* Loads every *.lang file of dir, sorted by name. A file that does not
 * parse, or a name or alias used twice, fails the whole load. */
struct lang_registry *lang_registry_load(const char *dir, char *err, size_t errlen);
void lang_registry_free(struct lang_registry *reg);
size_t lang_registry_count(const struct lang_registry *reg);
const struct lang_def *lang_registry_at(const struct lang_registry *reg, size_t index);
/* By name or alias, case-insensitive; NULL if unknown. */
const struct lang_def *lang_registry_find(const struct lang_registry *reg, const char *name);
/* By the ending of a file name ("hello.c" -> c); NULL if none claims it.
 * When two definitions claim an ending, the first by name wins. */
const struct lang_def *lang_registry_find_by_file(const struct lang_registry *reg,
                                                  const char *filename);

#endif
