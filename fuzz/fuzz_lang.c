/* fuzz_lang.c — libFuzzer target: a language definition (*.lang) through
 * lang_parse (src/engine/lang.c), with what lang.h promises of a parsed
 * definition checked field by field.
 *
 * Definitions are trusted configuration, but they decide what runs as whom
 * and the parser claims to be safe on any bytes; and a definition's source
 * name becomes the entry file of every request in its language, so it must
 * pass the engine's file-name rule. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "engine/lang.h"
#include "fuzz.h"
#include "kiln.h"

#define ORIGIN "fuzz.lang"

/* Holds a NUL within its array. */
#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

static bool name_ok(const char *s, size_t n)
{
    if (n == 0 || n >= LANG_NAME_MAX ||
        !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
            !memchr("+#._-", s[i], 5))
            return false;
    return true;
}

static bool extension_ok(const char *s, size_t n)
{
    if (n < 2 || s[0] != '.')
        return false;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !memchr("+_-", s[i], 3))
            return false;
    return true;
}

/* Every word of a space-separated list passes `ok`, none is `except`, none
 * is given twice, and words are one space apart. */
static void check_list(const char *list, bool (*ok)(const char *, size_t), const char *except)
{
    size_t len = strlen(list);
    FUZZ_CHECK(len == 0 || (list[0] != ' ' && list[len - 1] != ' ' && !strstr(list, "  ")));
    for (const char *w = list; *w;) {
        size_t n = strcspn(w, " ");
        FUZZ_CHECK(ok(w, n));
        FUZZ_CHECK(!except || strlen(except) != n || strncmp(w, except, n) != 0);
        for (const char *v = w + n; *v;) {
            v += *v == ' ';
            size_t m = strcspn(v, " ");
            FUZZ_CHECK(m != n || strncmp(v, w, n) != 0);
            v += m;
        }
        w += n + (w[n] == ' ');
    }
}

/* A command: at least one word, and the first (the program) not empty. */
static void check_command(char **argv, bool required)
{
    FUZZ_CHECK(argv || !required);
    if (argv)
        FUZZ_CHECK(argv[0] != NULL && argv[0][0] != '\0');
}

static void check_env(char **env)
{
    size_t n = 0;
    FUZZ_CHECK(env != NULL);
    for (; env[n]; n++) {
        const char *eq = strchr(env[n], '=');
        FUZZ_CHECK(eq && eq > env[n] && !isdigit((unsigned char)env[n][0]));
        for (const char *c = env[n]; c < eq; c++)
            FUZZ_CHECK(isalnum((unsigned char)*c) || *c == '_');
        for (size_t k = 0; k < n; k++) /* each variable once */
            FUZZ_CHECK(strncmp(env[k], env[n], (size_t)(eq - env[n]) + 1) != 0);
    }
    FUZZ_CHECK(n <= 64);
}

static void check_limits(const struct kiln_limits *l)
{
    for (size_t i = 0; i < kiln_limit_field_count; i++) {
        const struct kiln_limit_field *f = &kiln_limit_fields[i];
        uint32_t v = *(const uint32_t *)((const char *)l + f->offset);
        FUZZ_CHECK(v == 0 || (v >= f->min && v <= f->max));
    }
}

static void check_parsed(const struct lang_def *d)
{
    FUZZ_CHECK(TERMINATED(d->name) && TERMINATED(d->display) && TERMINATED(d->aliases) &&
               TERMINATED(d->source) && TERMINATED(d->extensions) && TERMINATED(d->runtime));
    FUZZ_CHECK(name_ok(d->name, strlen(d->name)));
    check_list(d->aliases, name_ok, d->name);
    check_list(d->extensions, extension_ok, NULL);
    /* one plain file name at the top of /box that no tool takes for an option */
    FUZZ_CHECK(kiln_file_name_valid(d->source) && !strpbrk(d->source, "/ \t") &&
               d->source[0] != '-');
    bool exec = !strcmp(d->runtime, "exec");
    FUZZ_CHECK(exec || !strcmp(d->runtime, "python") || !strcmp(d->runtime, "javascript") ||
               !strcmp(d->runtime, "typescript"));
    check_command(d->version_argv, exec);
    check_command(d->run_argv, exec);
    check_command(d->compile_argv, false);
    check_env(d->env);
    check_limits(&d->run_limits);
    check_limits(&d->compile_limits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lang_def def;
    char err[512] = "";
    int rc = lang_parse((const char *)data, size, ORIGIN, &def, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc == 0) {
        check_parsed(&def);
    } else {
        /* a message that names the file, and nothing left to free */
        FUZZ_CHECK(!strncmp(err, ORIGIN, strlen(ORIGIN)) && strlen(err) > strlen(ORIGIN));
        FUZZ_CHECK(!memcmp(&def, &(struct lang_def){ 0 }, sizeof def));
    }
    lang_def_free(&def);
    return 0;
}
