/* test_lang.c — unit tests of the language-definition parser and registry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/lang.h"

#ifndef KILN_LANGUAGES_DIR
#error "KILN_LANGUAGES_DIR must name the repository's languages/ folder"
#endif

/* The smallest valid definition; error cases append a line 5. */
#define BASE "name = t\nsource = main.t\nversion = t --version\nrun = t {source}\n"

static int parse(const char *text, struct lang_def *def, char *err, size_t errlen)
{
    return lang_parse(text, strlen(text), "t.lang", def, err, errlen);
}

/* Parsing text fails with a message starting with want_prefix (which
 * names the line) and containing want. */
static void expect_error(const char *text, const char *want_prefix, const char *want)
{
    struct lang_def def;
    char err[256] = "";
    int rc = parse(text, &def, err, sizeof err);
    if (rc == 0 || strncmp(err, want_prefix, strlen(want_prefix)) != 0 || !strstr(err, want))
        fail_msg("input:\n%s\nerror: '%s'\nwanted '%s' ... '%s'", text, err, want_prefix, want);
    /* A failed parse leaves nothing to free. */
    assert_null(def.run_argv);
    assert_null(def.env);
    assert_string_equal(def.name, "");
}

/* BASE plus one bad line, which is line 5. */
static void expect_line5_error(const char *line, const char *want)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s\n", BASE, line);
    expect_error(text, "t.lang:5: ", want);
}

static void test_parse_every_key(void **state)
{
    (void)state;
    const char *text = "name = c\n"
                       "display = C (GCC)\n"
                       "aliases = gcc   c99\n"
                       "source = main.c\n"
                       "extensions = .c .h\n"
                       "version = gcc -dumpfullversion\n"
                       "compile = gcc -O2 -o main {source} \"-DMSG=a b\" -lm\n"
                       "run = ./main\n"
                       "env = GOCACHE=/tmp/go\n"
                       "env = LANG=C.UTF-8\n"
                       "packages =  gcc libc6-dev  g++-12\n"
                       "run.cpu_ms = 5000\n"
                       "compile.mem_kib = 524288\n"
                       "run.nofile = 64\n";
    struct lang_def def;
    char err[256] = "";
    assert_int_equal(parse(text, &def, err, sizeof err), 0);
    assert_string_equal(def.name, "c");
    assert_string_equal(def.display, "C (GCC)");
    assert_string_equal(def.aliases, "gcc c99");
    assert_string_equal(def.source, "main.c");
    assert_string_equal(def.extensions, ".c .h");
    assert_string_equal(def.version_argv[0], "gcc");
    assert_string_equal(def.version_argv[1], "-dumpfullversion");
    assert_null(def.version_argv[2]);
    const char *compile[] = { "gcc", "-O2", "-o", "main", "{source}", "-DMSG=a b", "-lm", NULL };
    for (size_t i = 0; compile[i]; i++)
        assert_string_equal(def.compile_argv[i], compile[i]);
    assert_null(def.compile_argv[7]);
    assert_string_equal(def.run_argv[0], "./main");
    assert_null(def.run_argv[1]);
    assert_string_equal(def.env[0], "GOCACHE=/tmp/go");
    assert_string_equal(def.env[1], "LANG=C.UTF-8");
    assert_null(def.env[2]);
    assert_string_equal(def.packages, "gcc libc6-dev g++-12");
    assert_int_equal(def.run_limits.cpu_ms, 5000);
    assert_int_equal(def.run_limits.nofile, 64);
    assert_int_equal(def.run_limits.mem_kib, 0);
    assert_int_equal(def.compile_limits.mem_kib, 524288);
    assert_int_equal(def.compile_limits.cpu_ms, 0);
    lang_def_free(&def);
    assert_null(def.run_argv);
    lang_def_free(&def); /* freeing twice, or NULL, is harmless */
    lang_def_free(NULL);
}

static void test_parse_defaults(void **state)
{
    (void)state;
    struct lang_def def;
    char err[256] = "";
    assert_int_equal(parse(BASE, &def, err, sizeof err), 0);
    assert_string_equal(def.display, "");
    assert_string_equal(def.aliases, "");
    assert_string_equal(def.extensions, ".t");
    assert_null(def.compile_argv);
    assert_non_null(def.env);
    assert_null(def.env[0]);
    assert_int_equal(def.run_limits.cpu_ms, 0);
    lang_def_free(&def);

    /* No '.' in source: no extension. */
    const char *text = "name=t\nsource=Makefile\nversion=make -v\nrun=make";
    assert_int_equal(parse(text, &def, err, sizeof err), 0);
    assert_string_equal(def.extensions, "");
    lang_def_free(&def);
}

static void test_parse_layout(void **state)
{
    (void)state;
    /* CRLF, blank lines, blank-only lines, comments, no final newline,
     * blanks around '=' or none, '#' inside a word kept. */
    const char *text = "# a definition\r\n"
                       "\r\n"
                       "   \t \r\n"
                       "  # indented comment\r\n"
                       "name=c#\r\n"
                       "\tdisplay\t=\tC# (Mono)   # comment after a value\r\n"
                       "source   =   main.cs\r\n"
                       "version = mono --version #\r\n"
                       "run = mono main.exe";
    struct lang_def def;
    char err[256] = "";
    assert_int_equal(parse(text, &def, err, sizeof err), 0);
    assert_string_equal(def.name, "c#");
    assert_string_equal(def.display, "C# (Mono)");
    assert_string_equal(def.source, "main.cs");
    assert_string_equal(def.version_argv[1], "--version");
    assert_null(def.version_argv[2]);
    assert_string_equal(def.run_argv[1], "main.exe");
    lang_def_free(&def);

    /* Line numbers count CRLF lines as one each. */
    expect_error("name = t\r\n\r\n# x\r\ncolour = red\r\n", "t.lang:4: ", "unknown key 'colour'");
}

/* The parser reads exactly len bytes: what follows is not part of it. */
static void test_parse_reads_len_only(void **state)
{
    (void)state;
    const char text[] = BASE "colour = red\n";
    struct lang_def def;
    char err[256] = "";
    assert_int_equal(lang_parse(text, strlen(BASE), "t.lang", &def, err, sizeof err), 0);
    lang_def_free(&def);
    /* An unterminated buffer, cut in the middle of the run line. */
    char *heap = malloc(strlen(BASE));
    memcpy(heap, BASE, strlen(BASE));
    assert_int_equal(lang_parse(heap, strlen(BASE) - 3, "t.lang", &def, err, sizeof err), 0);
    assert_string_equal(def.run_argv[1], "{sourc");
    lang_def_free(&def);
    free(heap);
}

static void test_error_nul_and_control(void **state)
{
    (void)state;
    const char text[] = "name = t\nsource = ma\0in.t\nversion = v\nrun = r\n";
    struct lang_def def;
    char err[256] = "";
    assert_int_equal(lang_parse(text, sizeof text - 1, "t.lang", &def, err, sizeof err), -1);
    assert_string_equal(err, "t.lang:2: NUL byte");
    expect_line5_error("display = a\rb", "control character 0x0d");
    expect_line5_error("display = a\x1b[31m", "control character 0x1b");
}

static void test_error_keys(void **state)
{
    (void)state;
    expect_line5_error("colour = red", "unknown key 'colour'");
    expect_line5_error("Name = x", "unknown key 'Name'");
    expect_line5_error("display C", "missing '='");
    expect_line5_error("= x", "missing key");
    expect_line5_error("name = u", "duplicate key 'name'");
    expect_line5_error("run = other", "duplicate key 'run'");
    expect_error(BASE "run.cpu_ms = 1\nrun.cpu_ms = 2\n", "t.lang:6: ",
                 "duplicate key 'run.cpu_ms'");
    expect_error("display = a\ndisplay = b\n" BASE, "t.lang:2: ", "duplicate key 'display'");
}

static void test_error_missing_required(void **state)
{
    (void)state;
    expect_error("source = m.t\nversion = v\nrun = r\n", "t.lang: ", "missing required key 'name'");
    expect_error("name = t\nversion = v\nrun = r\n", "t.lang: ", "missing required key 'source'");
    expect_error("name = t\nsource = m.t\nrun = r\n", "t.lang: ", "missing required key 'version'");
    expect_error("name = t\nsource = m.t\nversion = v\n", "t.lang: ", "missing required key 'run'");
    expect_error("", "t.lang: ", "missing required key");
}

static void test_error_too_long(void **state)
{
    (void)state;
    char line[1200];
    snprintf(line, sizeof line, "display = %070d", 0);
    expect_line5_error(line, "too long");
    snprintf(line, sizeof line, "aliases = %s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
             "bbbbbbbbbbbbbbbbbbbbbbbbbbbbb ccccccccccccccccccccccccccccc "
             "ddddddddddddddddddddddddddddd eeeeeeeeeeeeeeeeeeeeeeeeeeeee");
    expect_line5_error(line, "value of 'aliases' too long");
    snprintf(line, sizeof line, "compile = x%01100d", 0);
    expect_line5_error(line, "too long");
    char text[256];
    snprintf(text, sizeof text, "name = t\nsource = %070d\nversion = v\nrun = r\n", 0);
    expect_error(text, "t.lang:2: ", "too long");
}

static void test_error_names(void **state)
{
    (void)state;
    expect_error("name = Python\n", "t.lang:1: ", "invalid name 'Python'");
    expect_error("name = -x\n", "t.lang:1: ", "invalid name");
    expect_error("name = .x\n", "t.lang:1: ", "invalid name");
    expect_error("name = a b\n", "t.lang:1: ", "invalid name");
    expect_error("name = \n", "t.lang:1: ", "invalid name");
    expect_error("name = a/b\n", "t.lang:1: ", "invalid name");
    expect_error("name = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "t.lang:1: ", "invalid name");
    expect_line5_error("aliases = ok Bad", "invalid alias 'Bad'");
    expect_line5_error("aliases = ok _x", "invalid alias '_x'");
    expect_line5_error("aliases = x y x", "alias 'x' given twice");
    /* Package names reach apt-get: no options, no shell, no upper case. */
    expect_line5_error("packages = gcc -y", "invalid package '-y'");
    expect_line5_error("packages = gcc;reboot", "invalid package 'gcc;reboot'");
    expect_line5_error("packages = Gcc", "invalid package 'Gcc'");
    expect_line5_error("packages = g", "invalid package 'g'");
    expect_line5_error("packages = gcc gcc", "package 'gcc' given twice");
    /* The name may come after the aliases, so this is found at the end. */
    expect_error("aliases = y t\n" BASE, "t.lang: ", "alias 't' repeats the name");

    /* Limits of the charset that are allowed. */
    struct lang_def def;
    char err[256];
    const char *text = "name = 9c+#._-\naliases = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
                       "source = m.t\nversion = v\nrun = r\n";
    assert_int_equal(parse(text, &def, err, sizeof err), 0);
    lang_def_free(&def);
}

static void test_error_source_extensions(void **state)
{
    (void)state;
    const char *fmt = "name = t\nsource = %s\nversion = v\nrun = r\n";
    const char *bad[] = { "a/b.c", "/main.c", ".", "..", "a b.c", "-main.c", "" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, fmt, bad[i]);
        expect_error(text, "t.lang:2: ", "invalid source");
    }
    expect_line5_error("extensions = .c py", "invalid extension 'py'");
    expect_line5_error("extensions = .", "invalid extension '.'");
    expect_line5_error("extensions = .tar.gz", "invalid extension '.tar.gz'");
    expect_line5_error("extensions = .a/b", "invalid extension");
    expect_line5_error("extensions = .c .h .c", "extension '.c' given twice");
    /* The default from source must be a valid extension too. */
    expect_error("name = t\nsource = m.c#\nversion = v\nrun = r\n", "t.lang: ",
                 "set 'extensions'");
    struct lang_def def;
    char err[256];
    assert_int_equal(parse("name = t\nsource = m.c#\nextensions = .cs\nversion = v\nrun = r\n",
                           &def, err, sizeof err), 0);
    assert_string_equal(def.extensions, ".cs");
    lang_def_free(&def);
}

static void test_error_limits(void **state)
{
    (void)state;
    expect_line5_error("run.colour = 1", "unknown limit 'run.colour'");
    expect_line5_error("compile. = 1", "unknown limit");
    expect_line5_error("build.cpu_ms = 1", "unknown key 'build.cpu_ms'");
    expect_line5_error("run.cpu_ms = 0", "run.cpu_ms");
    expect_line5_error("run.cpu_ms = 600001", "[1, 600000]");
    expect_line5_error("run.cpu_ms = -1", "expected an integer");
    expect_line5_error("run.cpu_ms = +1", "expected an integer");
    expect_line5_error("run.cpu_ms = 1 000", "expected an integer");
    expect_line5_error("run.cpu_ms = 0x10", "expected an integer");
    expect_line5_error("run.cpu_ms = 12ms", "expected an integer");
    expect_line5_error("run.cpu_ms =", "expected an integer");
    expect_line5_error("run.cpu_ms = 99999999999999999999999", "expected an integer");
    expect_line5_error("run.cpu_ms = 4294967296", "expected an integer");
    expect_line5_error("compile.mem_kib = 1023", "[1024, ");

    /* Bounds themselves are accepted, and leading zeros are decimal. */
    struct lang_def def;
    char err[256];
    assert_int_equal(parse(BASE "run.cpu_ms = 600000\ncompile.cpu_ms = 0010\n", &def, err,
                           sizeof err), 0);
    assert_int_equal(def.run_limits.cpu_ms, 600000);
    assert_int_equal(def.compile_limits.cpu_ms, 10);
    lang_def_free(&def);
}

static void test_error_env_and_commands(void **state)
{
    (void)state;
    expect_line5_error("env = FOO", "expected KEY=value");
    expect_line5_error("env = =x", "expected KEY=value");
    expect_line5_error("env =", "expected KEY=value");
    expect_line5_error("env = 1X=y", "invalid variable name '1X'");
    expect_line5_error("env = A-B=y", "invalid variable name");
    expect_error(BASE "env = A=1\nenv = A=2\n", "t.lang:6: ", "env: 'A' set twice");
    expect_line5_error("compile = gcc \"-DX=1", "compile: unterminated quote");
    expect_line5_error("compile =", "compile: empty command");
    /* one word, but empty: no program (found by fuzz_lang) */
    expect_line5_error("compile = \"\" -O2", "compile: empty command");
    expect_error("name = t\nsource = m.t\nversion = v\nrun = \"\"\n", "t.lang:4: ",
                 "run: empty command");
    expect_error("name = t\nsource = m.t\nversion = \"\nrun = r\n", "t.lang:3: ",
                 "version: unterminated quote");

    struct lang_def def;
    char err[256];
    assert_int_equal(parse(BASE "env = A=\nenv = AB=x=y z\n", &def, err, sizeof err), 0);
    assert_string_equal(def.env[0], "A=");
    assert_string_equal(def.env[1], "AB=x=y z");
    lang_def_free(&def);
}

static void test_error_origin_null(void **state)
{
    (void)state;
    struct lang_def def;
    char err[256];
    assert_int_equal(lang_parse("x", 1, NULL, &def, err, sizeof err), -1);
    assert_string_equal(err, "<definition>:1: missing '=' in 'x'");
    assert_int_equal(lang_parse(NULL, 0, "n.lang", &def, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing required key"));
}

/* ---- the repository's languages/ --------------------------------------- */

static int load_repo(void **state)
{
    char err[512] = "";
    struct lang_registry *reg = lang_registry_load(KILN_LANGUAGES_DIR, err, sizeof err);
    if (!reg) {
        fprintf(stderr, "load %s: %s\n", KILN_LANGUAGES_DIR, err);
        return -1;
    }
    *state = reg;
    return 0;
}

static int free_repo(void **state)
{
    lang_registry_free(*state);
    return 0;
}

static void test_runtime_key(void **state)
{
    (void)state;
    struct lang_def d;
    char err[256];
    static const char warm[] = "name = w\nsource = main.py\nruntime = python\n";
    assert_int_equal(lang_parse(warm, sizeof warm - 1, "w.lang", &d, err, sizeof err), 0);
    assert_string_equal(d.runtime, "python");
    assert_null(d.run_argv);
    lang_def_free(&d);
    static const char dflt[] = "name = e\nsource = main.sh\nversion = bash --version\nrun = bash x\n";
    assert_int_equal(lang_parse(dflt, sizeof dflt - 1, "e.lang", &d, err, sizeof err), 0);
    assert_string_equal(d.runtime, "exec");
    lang_def_free(&d);
    static const char norun[] = "name = e\nsource = main.sh\nversion = bash --version\n";
    assert_int_equal(lang_parse(norun, sizeof norun - 1, "e.lang", &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "'run' (runtime exec)"));
    static const char bad[] = "name = e\nsource = main.sh\nruntime = ruby\n";
    assert_int_equal(lang_parse(bad, sizeof bad - 1, "e.lang", &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "e.lang:3: unknown runtime 'ruby'"));
}

/* Every definition of languages/ parses (the registry loaded), names a
 * display and its commands, and says which Debian packages provide it. */
static void test_repo_languages(void **state)
{
    const struct lang_registry *reg = *state;
    const char *warm[][2] = { { "javascript", "javascript" }, { "python", "python" },
                              { "typescript", "typescript" } };
    const char *compiled[] = { "c", "cpp", "go", "rust", "java", "kotlin", "scala", "csharp",
                               "haskell", "ocaml", "fortran", "pascal", "ada", "cobol", "d",
                               "nim", "crystal", "nasm" };
    size_t n = lang_registry_count(reg);
    assert_true(n >= 40);
    for (size_t i = 0; i < n; i++) {
        const struct lang_def *d = lang_registry_at(reg, i);
        if (i > 0) /* sorted by name */
            assert_true(strcmp(lang_registry_at(reg, i - 1)->name, d->name) < 0);
        assert_true(d->display[0] != '\0');
        if (!strcmp(d->runtime, "exec")) { /* a warm runtime needs no commands */
            assert_non_null(d->run_argv[0]);
            assert_non_null(d->version_argv[0]);
            if (!d->packages[0])
                fail_msg("%s: no packages line", d->name);
        }
    }
    assert_null(lang_registry_at(reg, n));
    for (size_t i = 0; i < sizeof warm / sizeof *warm; i++)
        assert_string_equal(lang_registry_find(reg, warm[i][0])->runtime, warm[i][1]);
    for (size_t i = 0; i < sizeof compiled / sizeof *compiled; i++) {
        const struct lang_def *d = lang_registry_find(reg, compiled[i]);
        if (!d || !d->compile_argv)
            fail_msg("%s: expected a compiled language", compiled[i]);
    }
    assert_null(lang_registry_find(reg, "python")->compile_argv);
    assert_null(lang_registry_find(reg, "ruby")->compile_argv);
    assert_string_equal(lang_registry_find(reg, "go")->packages, "golang-go");
}

static void expect_find(const struct lang_registry *reg, const char *what, const char *name)
{
    const struct lang_def *d = lang_registry_find(reg, what);
    if (!name) {
        assert_null(d);
        return;
    }
    assert_non_null(d);
    assert_string_equal(d->name, name);
}

static void test_repo_find(void **state)
{
    const struct lang_registry *reg = *state;
    expect_find(reg, "python", "python");
    expect_find(reg, "PY", "python");
    expect_find(reg, "Python3", "python3");
    expect_find(reg, "c++", "cpp");
    expect_find(reg, "G++", "cpp");
    expect_find(reg, "js", "javascript");
    expect_find(reg, "node", "node");
    expect_find(reg, "nodejs", "node");
    expect_find(reg, "TS", "typescript");
    expect_find(reg, "gcc", "c");
    expect_find(reg, "sh", "bash");
    expect_find(reg, "C", "c");
    expect_find(reg, "golang", "go");
    expect_find(reg, "rb", "ruby");
    expect_find(reg, "C#", "csharp");
    expect_find(reg, "kt", "kotlin");
    expect_find(reg, "rs", "rust");
    expect_find(reg, "hs", "haskell");
    expect_find(reg, "swipl", "prolog");
    expect_find(reg, "pl", "perl");
    expect_find(reg, "pyt", NULL);
    expect_find(reg, "py ", NULL);
    expect_find(reg, "", NULL);
    expect_find(reg, NULL, NULL);
}

static void expect_file(const struct lang_registry *reg, const char *file, const char *name)
{
    const struct lang_def *d = lang_registry_find_by_file(reg, file);
    const char *shown = file ? file : "(NULL)";
    if (!name) {
        if (d)
            fail_msg("%s: expected no language, got %s", shown, d->name);
        return;
    }
    if (!d)
        fail_msg("%s: expected %s, got none", shown, name);
    assert_string_equal(d->name, name);
}

static void test_repo_find_by_file(void **state)
{
    const struct lang_registry *reg = *state;
    expect_file(reg, "x.cc", "cpp");
    expect_file(reg, "x.C", "cpp");
    expect_file(reg, "x.cxx", "cpp");
    expect_file(reg, "src/main.cpp", "cpp");
    expect_file(reg, "x.c", "c");
    expect_file(reg, "a.sh", "bash");
    expect_file(reg, "main.py", "python");
    expect_file(reg, "main.go", "go");
    expect_file(reg, "Main.java", "java");
    expect_file(reg, "main.pl", "perl");
    expect_file(reg, "main.pro", "prolog");
    expect_file(reg, "main.lua", "lua");
    expect_file(reg, "main.R", "r");
    expect_file(reg, "main.exs", "elixir");
    expect_file(reg, "main.js", "javascript");
    expect_file(reg, "main.ts", "typescript");
    expect_file(reg, "lib.mjs", NULL);
    expect_file(reg, "a.tar.py", "python");
    expect_file(reg, "noext", NULL);
    expect_file(reg, "dir.py/noext", NULL);
    expect_file(reg, "x.PY", NULL); /* endings are case-sensitive */
    expect_file(reg, "x.", NULL);
    expect_file(reg, "x.rs", "rust");
    expect_file(reg, "x.unknown", NULL);
    expect_file(reg, "", NULL);
    expect_file(reg, NULL, NULL);
}

/* ---- registries of temporary folders ----------------------------------- */

static int make_tmpdir(void **state)
{
    char *dir = strdup("/tmp/kiln-test-lang-XXXXXX");
    if (!dir || !mkdtemp(dir)) {
        free(dir);
        return -1;
    }
    *state = dir;
    return 0;
}

static int remove_tmpdir(void **state)
{
    char *dir = *state;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, ".."))
            if (unlinkat(dirfd(d), de->d_name, 0) < 0)
                unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
    if (d)
        closedir(d);
    rmdir(dir);
    free(dir);
    return 0;
}

static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    write_file(dir, name, text, strlen(text));
}

static void write_def(const char *dir, const char *file, const char *name, const char *aliases)
{
    char text[512];
    int n = snprintf(text, sizeof text, "name = %s\naliases = %s\nsource = m.%s\n"
                     "version = v\nrun = r\n", name, aliases, name);
    write_file(dir, file, text, (size_t)n);
}

static void test_tmp_alias_collision(void **state)
{
    const char *dir = *state;
    char err[512] = "";
    write_def(dir, "a.lang", "alpha", "x a1");
    write_def(dir, "b.lang", "beta", "b1 x");
    assert_null(lang_registry_load(dir, err, sizeof err));
    if (!strstr(err, "a.lang") || !strstr(err, "b.lang") || !strstr(err, "'x'"))
        fail_msg("error does not name both files and the alias: %s", err);
}

static void test_tmp_name_collision(void **state)
{
    const char *dir = *state;
    char err[512] = "";
    write_def(dir, "one.lang", "alpha", "");
    write_def(dir, "two.lang", "beta", "ALPHA");
    /* Aliases are lower case, so upper case is caught by the parser. */
    assert_null(lang_registry_load(dir, err, sizeof err));
    assert_non_null(strstr(err, "two.lang:2: invalid alias 'ALPHA'"));

    write_def(dir, "two.lang", "alpha", "");
    assert_null(lang_registry_load(dir, err, sizeof err));
    if (!strstr(err, "one.lang") || !strstr(err, "two.lang") || !strstr(err, "'alpha'"))
        fail_msg("error does not name both files and the name: %s", err);

    write_def(dir, "two.lang", "beta", "gamma");
    write_def(dir, "three.lang", "gamma", "");
    assert_null(lang_registry_load(dir, err, sizeof err));
    if (!strstr(err, "three.lang") || !strstr(err, "two.lang"))
        fail_msg("error does not name both files: %s", err);
}

static void test_tmp_skips_and_sorts(void **state)
{
    const char *dir = *state;
    char err[512] = "", path[512];
    write_def(dir, "z.lang", "alpha", "");
    write_def(dir, "a.lang", "zeta", "");
    write_def(dir, "m.lang", "mid", "");
    write_text(dir, "README", "not a definition");
    write_text(dir, "x.lang.orig", "garbage");
    write_text(dir, ".hidden.lang", "garbage");
    snprintf(path, sizeof path, "%s/sub.lang", dir);
    assert_int_equal(mkdir(path, 0700), 0);

    struct lang_registry *reg = lang_registry_load(dir, err, sizeof err);
    if (!reg)
        fail_msg("load: %s", err);
    assert_int_equal(lang_registry_count(reg), 3);
    assert_string_equal(lang_registry_at(reg, 0)->name, "alpha");
    assert_string_equal(lang_registry_at(reg, 1)->name, "mid");
    assert_string_equal(lang_registry_at(reg, 2)->name, "zeta");
    lang_registry_free(reg);
}

static void test_tmp_errors(void **state)
{
    const char *dir = *state;
    char err[512] = "";

    assert_null(lang_registry_load(dir, err, sizeof err));
    assert_non_null(strstr(err, "no *.lang files"));

    char missing[512];
    snprintf(missing, sizeof missing, "%s/nope", dir);
    assert_null(lang_registry_load(missing, err, sizeof err));
    assert_non_null(strstr(err, "nope"));

    write_def(dir, "ok.lang", "ok", "");
    write_text(dir, "bad.lang", BASE "colour = red\n");
    assert_null(lang_registry_load(dir, err, sizeof err));
    assert_non_null(strstr(err, "/bad.lang:5: unknown key 'colour'"));

    /* 64 KiB is the limit: exactly that parses, one byte more does not. */
    size_t big = 64 << 10;
    char *text = malloc(big + 1);
    memcpy(text, BASE, strlen(BASE));
    memset(text + strlen(BASE), '\n', big + 1 - strlen(BASE));
    write_file(dir, "bad.lang", text, big);
    struct lang_registry *reg = lang_registry_load(dir, err, sizeof err);
    if (!reg)
        fail_msg("load: %s", err);
    assert_int_equal(lang_registry_count(reg), 2);
    lang_registry_free(reg);
    write_file(dir, "bad.lang", text, big + 1);
    free(text);
    assert_null(lang_registry_load(dir, err, sizeof err));
    assert_non_null(strstr(err, "bad.lang: larger than 65536 bytes"));
}

static void test_tmp_find_by_file_tie(void **state)
{
    const char *dir = *state;
    char err[512] = "";
    /* Both claim ".t", beta's file sorts first, alpha's name does. */
    write_text(dir, "b.lang", "name = alpha\nsource = x.t\nversion = v\nrun = r\n");
    write_text(dir, "a.lang", "name = beta\nsource = y.t\nversion = v\nrun = r\n");
    struct lang_registry *reg = lang_registry_load(dir, err, sizeof err);
    if (!reg)
        fail_msg("load: %s", err);
    assert_string_equal(lang_registry_find_by_file(reg, "q.t")->name, "alpha");
    lang_registry_free(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_every_key),
        cmocka_unit_test(test_parse_defaults),
        cmocka_unit_test(test_parse_layout),
        cmocka_unit_test(test_parse_reads_len_only),
        cmocka_unit_test(test_error_nul_and_control),
        cmocka_unit_test(test_error_keys),
        cmocka_unit_test(test_error_missing_required),
        cmocka_unit_test(test_error_too_long),
        cmocka_unit_test(test_error_names),
        cmocka_unit_test(test_error_source_extensions),
        cmocka_unit_test(test_error_limits),
        cmocka_unit_test(test_error_env_and_commands),
        cmocka_unit_test(test_error_origin_null),
        cmocka_unit_test_setup_teardown(test_tmp_alias_collision, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_tmp_name_collision, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_tmp_skips_and_sorts, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_tmp_errors, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_tmp_find_by_file_tie, make_tmpdir, remove_tmpdir),
        cmocka_unit_test(test_runtime_key),
        cmocka_unit_test_setup_teardown(test_repo_languages, load_repo, free_repo),
        cmocka_unit_test_setup_teardown(test_repo_find, load_repo, free_repo),
        cmocka_unit_test_setup_teardown(test_repo_find_by_file, load_repo, free_repo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
