/* argv.c — NULL-terminated string vectors: split a command line, copy, free.
 *
 * The splitter knows blanks, "double quotes" and two escapes inside them,
 * nothing else: commands come from language definitions and are executed
 * without a shell, so there is no expansion to imitate and none to exploit.
 */
#include "argv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Copies one word starting at *p into word (which has room for the whole
 * rest of the line, since a word never grows) and moves *p past it.
 * Returns the word's length, or -1 on an unterminated quote. */
static long scan_word(const char **p, char *word)
{
    const char *s = *p;
    size_t n = 0;
    bool quoted = false;

    while (*s && (quoted || !is_blank(*s))) {
        if (*s == '"') {
            quoted = !quoted;
            s++;
        } else if (quoted && *s == '\\' && (s[1] == '"' || s[1] == '\\')) {
            word[n++] = s[1];
            s += 2;
        } else {
            word[n++] = *s++;
        }
    }
    if (quoted)
        return -1;
    *p = s;
    return (long)n;
}

/* Appends a copy of word[0..n) to *argv, which holds *count entries plus
 * the terminating NULL. */
static int push_word(char ***argv, size_t *count, const char *word, size_t n)
{
    char **grown = realloc(*argv, (*count + 2) * sizeof **argv);
    if (!grown)
        return -1;
    *argv = grown;
    grown[*count] = strndup(word, n);
    if (!grown[*count])
        return -1;
    grown[++*count] = NULL;
    return 0;
}

char **argv_split(const char *line, char *err, size_t errlen)
{
    size_t count = 0;
    char **argv = calloc(1, sizeof *argv);
    char *word = malloc(strlen(line) + 1);
    const char *p = line;

    if (!argv || !word)
        goto nomem;
    for (;;) {
        while (is_blank(*p))
            p++;
        if (!*p)
            break;
        long n = scan_word(&p, word);
        if (n < 0) {
            err_set(err, errlen, "unterminated quote");
            goto fail;
        }
        if (push_word(&argv, &count, word, (size_t)n) < 0)
            goto nomem;
    }
    free(word);
    return argv;

nomem:
    err_set(err, errlen, "out of memory");
fail:
    free(word);
    argv_free(argv);
    return NULL;
}

size_t argv_count(char *const *argv)
{
    size_t n = 0;
    while (argv && argv[n])
        n++;
    return n;
}

char **argv_dup(char *const *argv)
{
    size_t n = argv_count(argv);
    char **copy = calloc(n + 1, sizeof *copy);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        copy[i] = strdup(argv[i]);
        if (!copy[i]) {
            argv_free(copy);
            return NULL;
        }
    }
    return copy;
}

void argv_free(char **argv)
{
    if (!argv)
        return;
    for (size_t i = 0; argv[i]; i++)
        free(argv[i]);
    free(argv);
}
