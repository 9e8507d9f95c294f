/* lang.c — language definitions: parse *.lang files into a registry.
 *
 * The parser is strict because definitions decide what runs as whom: every
 * line must be a known key with a valid value, and anything else is an
 * error naming the file and line rather than a guess. It reads text by
 * length, never relies on a terminating NUL, and rejects NUL and other
 * control bytes, so that it is safe on hostile input (it is fuzzed).
 */
#include "engine/lang.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/argv.h"
#include "util/err.h"

#define LANG_VALUE_MAX 1024    /* longest command or env value, with its NUL */
#define LANG_KEY_MAX 48        /* longer keys are unknown anyway */
#define LANG_ENV_MAX 64        /* env lines per definition */
#define LANG_FILE_MAX (64 << 10)
#define LANG_SUFFIX ".lang"

enum key_kind {
    KEY_NAME, KEY_TEXT, KEY_ALIASES, KEY_SOURCE, KEY_EXTENSIONS, KEY_COMMAND, KEY_ENV, KEY_RUNTIME,
    KEY_PACKAGES
};

struct key {
    const char *name;
    enum key_kind kind;
    size_t offset; /* of the char array or the char ** in struct lang_def */
    size_t size;   /* of the char array; 0 for vectors */
    bool required;
};

#define TEXT(f, k, req) \
    { #f, (k), offsetof(struct lang_def, f), sizeof ((struct lang_def *)0)->f, (req) }
#define VEC(f, key, k, req) { (key), (k), offsetof(struct lang_def, f), 0, (req) }

/* Keys that are not limit overrides. Order is the order of the "missing
 * required key" checks; the index is the bit in parser.seen. */
static const struct key lang_keys[] = {
    TEXT(name, KEY_NAME, true),
    TEXT(display, KEY_TEXT, false),
    TEXT(aliases, KEY_ALIASES, false),
    TEXT(source, KEY_SOURCE, true),
    TEXT(extensions, KEY_EXTENSIONS, false),
    /* version and run are required of exec definitions only (finish()). */
    VEC(version_argv, "version", KEY_COMMAND, false),
    VEC(compile_argv, "compile", KEY_COMMAND, false),
    VEC(run_argv, "run", KEY_COMMAND, false),
    VEC(env, "env", KEY_ENV, false), /* repeats: one variable per line */
    TEXT(runtime, KEY_RUNTIME, false),
    TEXT(packages, KEY_PACKAGES, false),
};

/* How a language runs: exec is its commands as processes; the others are
 * warm runtimes embedded in kiln, forked ahead from a zygote. */
static const char *const LANG_RUNTIMES[] = { "exec", "python", "javascript", "typescript" };
#define LANG_KEY_COUNT (sizeof lang_keys / sizeof lang_keys[0])

struct parser {
    struct lang_def *def;
    unsigned line;
    unsigned seen; /* bit i: lang_keys[i] was given */
    size_t nenv;
    char *err;
    size_t errlen;
};

static bool key_seen(const struct parser *p, const char *name)
{
    for (size_t i = 0; i < LANG_KEY_COUNT; i++)
        if (strcmp(lang_keys[i].name, name) == 0)
            return p->seen & (1u << i);
    return false;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Returns the next blank-separated word of s and its length, or NULL. */
static const char *next_word(const char **s, size_t *len)
{
    const char *p = *s;
    while (is_blank(*p))
        p++;
    if (!*p)
        return NULL;
    const char *start = p;
    while (*p && !is_blank(*p))
        p++;
    *len = (size_t)(p - start);
    *s = p;
    return start;
}

/* Does the blank-separated list contain word[0..n)? */
static bool list_has(const char *list, const char *word, size_t n, bool nocase)
{
    const char *w;
    size_t wl;
    while ((w = next_word(&list, &wl)))
        if (wl == n && (nocase ? strncasecmp(w, word, n) : strncmp(w, word, n)) == 0)
            return true;
    return false;
}

/* n bytes of lower-case letters, digits and the punctuation in punct, the
 * first a letter or digit, min <= n < max. */
static bool lower_word_valid(const char *s, size_t n, size_t min, size_t max, const char *punct)
{
    if (n < min || n >= max || !(islower((unsigned char)*s) || isdigit((unsigned char)*s)))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!islower(c) && !isdigit(c) && !(c && strchr(punct, c)))
            return false;
    }
    return true;
}

/* Names and aliases are typed on command lines and in URLs, hence the
 * small alphabet; lower case only because lookups ignore case. */
static bool name_valid(const char *s, size_t n)
{
    return lower_word_valid(s, n, 1, LANG_NAME_MAX, "+#._-");
}

/* An extension is matched against the part of a file name from its last
 * '.', so a second '.' could never match. */
static bool ext_valid(const char *s, size_t n)
{
    if (n < 2 || s[0] != '.')
        return false;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !(s[i] && strchr("+_-", s[i])))
            return false;
    return true;
}

/* A Debian package name (Debian Policy 5.6.7): lower case letters, digits
 * and + - . , at least two, starting with a letter or digit. The install
 * script hands these to apt-get, so nothing else may pass. */
static bool package_valid(const char *s, size_t n)
{
    return lower_word_valid(s, n, 2, SIZE_MAX, "+-.");
}

/* Copies a blank-separated list of valid words into dst, one space apart. */
static int set_list(struct parser *p, const struct key *k, const char *value,
                    bool (*valid)(const char *, size_t), const char *what)
{
    char *dst = (char *)p->def + k->offset;
    size_t used = 0;
    const char *w;
    size_t wl;

    dst[0] = '\0';
    while ((w = next_word(&value, &wl))) {
        if (!valid(w, wl))
            return err_set(p->err, p->errlen, "invalid %s '%.*s'", what, (int)wl, w);
        if (list_has(dst, w, wl, false))
            return err_set(p->err, p->errlen, "%s '%.*s' given twice", what, (int)wl, w);
        if (used + (used > 0) + wl >= k->size)
            return err_set(p->err, p->errlen, "value of '%s' too long (max %zu bytes)", k->name,
                           k->size - 1);
        if (used)
            dst[used++] = ' ';
        memcpy(dst + used, w, wl);
        used += wl;
        dst[used] = '\0';
    }
    return 0;
}

static int set_text(struct parser *p, const struct key *k, const char *value)
{
    char *dst = (char *)p->def + k->offset;
    size_t n = strlen(value);
    if (n >= k->size)
        return err_set(p->err, p->errlen, "value of '%s' too long (max %zu bytes)", k->name,
                       k->size - 1);
    memcpy(dst, value, n + 1);
    return 0;
}

static int set_name(struct parser *p, const struct key *k, const char *value)
{
    if (!name_valid(value, strlen(value)))
        return err_set(p->err, p->errlen,
                       "invalid name '%s': use 1-31 of [a-z0-9+#._-], starting with a letter "
                       "or digit", value);
    return set_text(p, k, value);
}

/* The source name becomes a file in the box and a word of commands:
 * keep it one plain file name that no tool can take for an option. */
static int set_source(struct parser *p, const struct key *k, const char *value)
{
    if (!*value || strcmp(value, ".") == 0 || strcmp(value, "..") == 0 || strchr(value, '/') ||
        strpbrk(value, " \t") || value[0] == '-')
        return err_set(p->err, p->errlen,
                       "invalid source '%s': a file name without '/' or blanks", value);
    return set_text(p, k, value);
}

static int set_runtime(struct parser *p, const struct key *k, const char *value)
{
    for (size_t i = 0; i < sizeof LANG_RUNTIMES / sizeof *LANG_RUNTIMES; i++)
        if (!strcmp(value, LANG_RUNTIMES[i]))
            return set_text(p, k, value);
    return err_set(p->err, p->errlen,
                   "unknown runtime '%s': use exec, python, javascript or typescript", value);
}

static int set_command(struct parser *p, const struct key *k, const char *value)
{
    char ***dst = (char ***)(void *)((char *)p->def + k->offset);
    char **argv = argv_split(value, p->err, p->errlen);
    if (!argv)
        return err_prefix(p->err, p->errlen, k->name);
    /* `run = ""` is one word, but an empty one: no program to run. */
    if (!argv[0] || !argv[0][0]) {
        argv_free(argv);
        return err_set(p->err, p->errlen, "%s: empty command", k->name);
    }
    *dst = argv;
    return 0;
}

/* Variable names are restricted to what a shell could export, so that a
 * definition cannot smuggle odd entries into the environment. */
static int add_env(struct parser *p, const char *value)
{
    const char *eq = strchr(value, '=');
    size_t kl = eq ? (size_t)(eq - value) : 0;

    if (!eq || kl == 0)
        return err_set(p->err, p->errlen, "env '%s': expected KEY=value", value);
    for (size_t i = 0; i < kl; i++)
        if (!(isalpha((unsigned char)value[i]) || value[i] == '_' ||
              (i > 0 && isdigit((unsigned char)value[i]))))
            return err_set(p->err, p->errlen, "env: invalid variable name '%.*s'", (int)kl, value);
    for (size_t i = 0; i < p->nenv; i++)
        if (strncmp(p->def->env[i], value, kl + 1) == 0)
            return err_set(p->err, p->errlen, "env: '%.*s' set twice", (int)kl, value);
    if (p->nenv >= LANG_ENV_MAX)
        return err_set(p->err, p->errlen, "too many env lines (max %d)", LANG_ENV_MAX);

    char **grown = realloc(p->def->env, (p->nenv + 2) * sizeof *grown);
    if (!grown)
        return err_set(p->err, p->errlen, "out of memory");
    p->def->env = grown;
    grown[p->nenv] = strdup(value);
    if (!grown[p->nenv])
        return err_set(p->err, p->errlen, "out of memory");
    grown[++p->nenv] = NULL;
    return 0;
}

/* Strict decimal: digits only, no sign, no blanks, no overflow. */
static bool parse_u32(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > UINT32_MAX)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* key is "run.X" or "compile.X" with X a kiln_limit_fields name. Returns
 * 1 when the key is not a limit override at all. */
static int set_limit(struct parser *p, const char *key, const char *value)
{
    struct kiln_limits *limits;
    const char *field;

    if (strncmp(key, "run.", 4) == 0) {
        limits = &p->def->run_limits;
        field = key + 4;
    } else if (strncmp(key, "compile.", 8) == 0) {
        limits = &p->def->compile_limits;
        field = key + 8;
    } else {
        return 1;
    }
    for (size_t i = 0; i < kiln_limit_field_count; i++) {
        const struct kiln_limit_field *f = &kiln_limit_fields[i];
        if (strcmp(field, f->name) != 0)
            continue;
        uint32_t *slot = (uint32_t *)(void *)((char *)limits + f->offset);
        uint32_t v;
        /* Every field's min is at least 1, so a set slot is never 0. */
        if (*slot)
            return err_set(p->err, p->errlen, "duplicate key '%s'", key);
        if (!parse_u32(value, &v) || v < f->min || v > f->max)
            return err_set(p->err, p->errlen, "%s = '%s': expected an integer in [%u, %u]", key,
                           value, f->min, f->max);
        *slot = v;
        return 0;
    }
    return err_set(p->err, p->errlen, "unknown limit '%s'", key);
}

static int set_key(struct parser *p, const char *key, const char *value)
{
    for (size_t i = 0; i < LANG_KEY_COUNT; i++) {
        const struct key *k = &lang_keys[i];
        if (strcmp(key, k->name) != 0)
            continue;
        if (k->kind == KEY_ENV)
            return add_env(p, value);
        if (p->seen & (1u << i))
            return err_set(p->err, p->errlen, "duplicate key '%s'", key);
        p->seen |= 1u << i;
        switch (k->kind) {
        case KEY_NAME: return set_name(p, k, value);
        case KEY_TEXT: return set_text(p, k, value);
        case KEY_ALIASES: return set_list(p, k, value, name_valid, "alias");
        case KEY_SOURCE: return set_source(p, k, value);
        case KEY_EXTENSIONS: return set_list(p, k, value, ext_valid, "extension");
        case KEY_COMMAND: return set_command(p, k, value);
        case KEY_RUNTIME: return set_runtime(p, k, value);
        case KEY_PACKAGES: return set_list(p, k, value, package_valid, "package");
        case KEY_ENV: break;
        }
    }
    int rc = set_limit(p, key, value);
    return rc == 1 ? err_set(p->err, p->errlen, "unknown key '%s'", key) : rc;
}

/* Removes a comment ('#' at the start or after a blank; '#' inside a word
 * belongs to it, as in "c#") and surrounding blanks. */
static void strip_line(const char **s, size_t *n)
{
    const char *b = *s;
    size_t len = *n;
    for (size_t i = 0; i < len; i++)
        if (b[i] == '#' && (i == 0 || is_blank(b[i - 1]))) {
            len = i;
            break;
        }
    while (len && is_blank(b[len - 1]))
        len--;
    while (len && is_blank(*b)) {
        b++;
        len--;
    }
    *s = b;
    *n = len;
}

static int check_bytes(struct parser *p, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0)
            return err_set(p->err, p->errlen, "NUL byte");
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return err_set(p->err, p->errlen, "control character 0x%02x", c);
    }
    return 0;
}

/* Parses one line of n bytes (its newline and CR already removed). */
static int parse_line(struct parser *p, const char *s, size_t n)
{
    char key[LANG_KEY_MAX], value[LANG_VALUE_MAX];

    if (check_bytes(p, s, n) < 0)
        return -1;
    strip_line(&s, &n);
    if (n == 0)
        return 0;
    const char *eq = memchr(s, '=', n);
    if (!eq)
        return err_set(p->err, p->errlen, "missing '=' in '%.*s'", (int)(n > 40 ? 40 : n), s);
    size_t kl = (size_t)(eq - s), vl = n - kl - 1;
    const char *v = eq + 1;
    while (kl && is_blank(s[kl - 1]))
        kl--;
    while (vl && is_blank(*v)) {
        v++;
        vl--;
    }
    if (kl == 0)
        return err_set(p->err, p->errlen, "missing key before '='");
    if (kl >= sizeof key)
        return err_set(p->err, p->errlen, "unknown key '%.*s...'", (int)sizeof key, s);
    if (vl >= sizeof value)
        return err_set(p->err, p->errlen, "value of '%.*s' too long (max %zu bytes)", (int)kl, s,
                       sizeof value - 1);
    memcpy(key, s, kl);
    key[kl] = '\0';
    memcpy(value, v, vl);
    value[vl] = '\0';
    return set_key(p, key, value);
}

/* An alias must differ from the name, which may come after it; the
 * registry checks names and aliases across definitions. */
static int check_labels(struct parser *p)
{
    const char *name = p->def->name;
    if (list_has(p->def->aliases, name, strlen(name), false))
        return err_set(p->err, p->errlen, "alias '%s' repeats the name", name);
    return 0;
}

/* The default extension is the ending of source: "main.py" -> ".py". */
static int finish(struct parser *p)
{
    struct lang_def *d = p->def;

    for (size_t i = 0; i < LANG_KEY_COUNT; i++)
        if (lang_keys[i].required && !(p->seen & (1u << i)))
            return err_set(p->err, p->errlen, "missing required key '%s'", lang_keys[i].name);
    if (!d->runtime[0])
        snprintf(d->runtime, sizeof d->runtime, "exec");
    if (!strcmp(d->runtime, "exec") && (!d->run_argv || !d->version_argv))
        return err_set(p->err, p->errlen, "missing required key '%s' (runtime exec)",
                       d->run_argv ? "version" : "run");
    if (check_labels(p) < 0)
        return -1;
    if (!key_seen(p, "extensions")) {
        const char *dot = strrchr(d->source, '.');
        if (dot && dot[1]) {
            if (!ext_valid(dot, strlen(dot)))
                return err_set(p->err, p->errlen,
                               "source '%s' ends in no valid extension: set 'extensions'",
                               d->source);
            snprintf(d->extensions, sizeof d->extensions, "%s", dot);
        }
    }
    if (!d->env)
        d->env = calloc(1, sizeof *d->env);
    if (!d->env)
        return err_set(p->err, p->errlen, "out of memory");
    return 0;
}

int lang_parse(const char *text, size_t len, const char *origin, struct lang_def *out,
               char *err, size_t errlen)
{
    struct parser p = { .def = out, .err = err, .errlen = errlen };
    char where[256];
    size_t pos = 0;

    memset(out, 0, sizeof *out);
    if (!text)
        len = 0;
    if (!origin)
        origin = "<definition>";
    while (pos < len) {
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl != NULL);
        p.line++;
        if (n && s[n - 1] == '\r') /* CRLF endings from Windows editors */
            n--;
        if (parse_line(&p, s, n) < 0) {
            snprintf(where, sizeof where, "%s:%u", origin, p.line);
            goto fail;
        }
    }
    if (finish(&p) == 0)
        return 0;
    snprintf(where, sizeof where, "%s", origin);
fail:
    lang_def_free(out);
    return err_prefix(err, errlen, where);
}

void lang_def_free(struct lang_def *def)
{
    if (!def)
        return;
    argv_free(def->version_argv);
    argv_free(def->compile_argv);
    argv_free(def->run_argv);
    argv_free(def->env);
    memset(def, 0, sizeof *def);
}

/* ---- registry ---------------------------------------------------------- */

struct lang_entry {
    struct lang_def def;
    char file[256]; /* the definition's file name, for collision messages */
};

struct lang_registry {
    struct lang_entry *entries;
    size_t count;
};

/* Reads a whole regular file of at most LANG_FILE_MAX bytes into buf.
 * Returns its length, -1 on error, -2 if it is not a regular file. */
static long read_definition(int dirfd, const char *name, char *buf, char *err, size_t errlen)
{
    struct stat st;
    long total = 0, rc = -1;

    /* stat before open: opening a FIFO or a device could block or act. */
    if (fstatat(dirfd, name, &st, 0) < 0)
        return err_set(err, errlen, "stat: %m");
    if (!S_ISREG(st.st_mode))
        return -2;
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return err_set(err, errlen, "open: %m");
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        err_set(err, errlen, "not a regular file");
        goto out;
    }
    /* Read one byte more than allowed, to notice a file that grew. */
    while (total <= LANG_FILE_MAX) {
        ssize_t n = read(fd, buf + total, (size_t)(LANG_FILE_MAX + 1 - total));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err_set(err, errlen, "read: %m");
            goto out;
        }
        if (n == 0)
            break;
        total += n;
    }
    if (total > LANG_FILE_MAX)
        err_set(err, errlen, "larger than %d bytes", LANG_FILE_MAX);
    else
        rc = total;
out:
    close(fd);
    return rc;
}

static bool is_definition_name(const char *name)
{
    size_t n = strlen(name), sl = strlen(LANG_SUFFIX);
    /* Hidden files are skipped: editors leave them beside the real ones. */
    return name[0] != '.' && n > sl && strcmp(name + n - sl, LANG_SUFFIX) == 0;
}

/* Parses dir/name and appends it to reg. Returns 1 if skipped. */
static int load_one(struct lang_registry *reg, int dirfd, const char *dir, const char *name,
                    char *buf, char *err, size_t errlen)
{
    char origin[512];
    snprintf(origin, sizeof origin, "%s/%s", dir, name);

    long n = read_definition(dirfd, name, buf, err, errlen);
    if (n == -2)
        return 1;
    if (n < 0)
        return err_prefix(err, errlen, origin);

    struct lang_entry *grown = realloc(reg->entries, (reg->count + 1) * sizeof *grown);
    if (!grown)
        return err_set(err, errlen, "%s: out of memory", origin);
    reg->entries = grown;
    struct lang_entry *e = &grown[reg->count];
    if (lang_parse(buf, (size_t)n, origin, &e->def, err, errlen) < 0)
        return -1;
    snprintf(e->file, sizeof e->file, "%s", name);
    reg->count++;
    return 0;
}

static int read_dir(struct lang_registry *reg, const char *dir, char *err, size_t errlen)
{
    int rc = -1;
    char *buf = malloc(LANG_FILE_MAX + 1);
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!buf) {
        err_set(err, errlen, "out of memory");
        goto out;
    }
    if (!d) {
        err_set(err, errlen, "%s: %m", dir);
        goto out;
    }
    errno = 0;
    while ((de = readdir(d))) {
        if (is_definition_name(de->d_name) &&
            load_one(reg, dirfd(d), dir, de->d_name, buf, err, errlen) < 0)
            goto out;
        errno = 0;
    }
    if (errno) {
        err_set(err, errlen, "%s: readdir: %m", dir);
        goto out;
    }
    rc = 0;
out:
    if (d)
        closedir(d);
    free(buf);
    return rc;
}

static int entry_cmp(const void *a, const void *b)
{
    const struct lang_entry *x = a, *y = b;
    return strcmp(x->def.name, y->def.name);
}

/* Is word[0..n) the name or an alias of def? */
static bool def_has_label(const struct lang_def *def, const char *word, size_t n)
{
    return (strlen(def->name) == n && strncasecmp(def->name, word, n) == 0) ||
           list_has(def->aliases, word, n, true);
}

/* Fails if a name or alias of entry i is a name or alias of an earlier
 * entry: a request must never be able to mean two languages. */
static int check_collisions(const struct lang_registry *reg, size_t i, const char *dir,
                            char *err, size_t errlen)
{
    const struct lang_entry *e = &reg->entries[i];
    const char *list = e->def.aliases, *w = e->def.name;
    size_t wl = strlen(w);

    do {
        for (size_t j = 0; j < i; j++) {
            const struct lang_entry *o = &reg->entries[j];
            if (def_has_label(&o->def, w, wl))
                return err_set(err, errlen, "%s/%s: '%.*s' is already a name or alias of "
                               "'%s' in %s", dir, e->file, (int)wl, w, o->def.name, o->file);
        }
    } while ((w = next_word(&list, &wl)));
    return 0;
}

struct lang_registry *lang_registry_load(const char *dir, char *err, size_t errlen)
{
    struct lang_registry *reg = calloc(1, sizeof *reg);

    if (!reg) {
        err_set(err, errlen, "out of memory");
        return NULL;
    }
    if (!dir) {
        err_set(err, errlen, "no languages folder given");
        goto fail;
    }
    if (read_dir(reg, dir, err, errlen) < 0)
        goto fail;
    if (reg->count == 0) {
        err_set(err, errlen, "%s: no *%s files", dir, LANG_SUFFIX);
        goto fail;
    }
    /* Sorted, so that collisions are reported and ties broken the same
     * way whatever order readdir returns. */
    qsort(reg->entries, reg->count, sizeof *reg->entries, entry_cmp);
    for (size_t i = 1; i < reg->count; i++)
        if (check_collisions(reg, i, dir, err, errlen) < 0)
            goto fail;
    return reg;
fail:
    lang_registry_free(reg);
    return NULL;
}

void lang_registry_free(struct lang_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->count; i++)
        lang_def_free(&reg->entries[i].def);
    free(reg->entries);
    free(reg);
}

size_t lang_registry_count(const struct lang_registry *reg)
{
    return reg ? reg->count : 0;
}

const struct lang_def *lang_registry_at(const struct lang_registry *reg, size_t index)
{
    return reg && index < reg->count ? &reg->entries[index].def : NULL;
}

const struct lang_def *lang_registry_find(const struct lang_registry *reg, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0)
        return NULL;
    for (size_t i = 0; i < lang_registry_count(reg); i++)
        if (def_has_label(&reg->entries[i].def, name, n))
            return &reg->entries[i].def;
    return NULL;
}

const struct lang_def *lang_registry_find_by_file(const struct lang_registry *reg,
                                                  const char *filename)
{
    const char *base = filename ? strrchr(filename, '/') : NULL;
    base = base ? base + 1 : filename;
    const char *dot = base ? strrchr(base, '.') : NULL;
    if (!dot || !dot[1])
        return NULL;
    for (size_t i = 0; i < lang_registry_count(reg); i++)
        if (list_has(reg->entries[i].def.extensions, dot, strlen(dot), false))
            return &reg->entries[i].def;
    return NULL;
}
