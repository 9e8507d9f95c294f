/* cmd_run.c — `kiln run` and `kiln eval`: one request through the engine,
 * the program's output passed through, its status as the exit code. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/json.h"
#include "util/buf.h"

/* Bound on a source file or stdin read by the CLI. */
#define CLI_INPUT_MAX (64u << 20)

static int read_fd(int fd, struct buf *b, const char *what)
{
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "kiln: read %s: %s\n", what, strerror(errno));
            return -1;
        }
        if (n == 0)
            return 0;
        if (b->len + (size_t)n > CLI_INPUT_MAX) {
            fprintf(stderr, "kiln: %s is larger than %u MiB\n", what, CLI_INPUT_MAX >> 20);
            return -1;
        }
        if (buf_append(b, chunk, (size_t)n) < 0) {
            fprintf(stderr, "kiln: out of memory reading %s\n", what);
            return -1;
        }
    }
}

static int read_path(const char *path, struct buf *b)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "kiln: open %s: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = read_fd(fd, b, path);
    close(fd);
    return rc;
}

static int read_stdin(const struct cli_run_opts *o, struct buf *b)
{
    if (o->stdin_file)
        return read_path(o->stdin_file, b);
    if (isatty(0))
        return 0;
    return read_fd(0, b, "stdin");
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

int cli_exit_code(const struct kiln_result *r)
{
    const struct kiln_stage *run = kiln_result_deciding_run(r);
    switch (r->status) {
    case KILN_OK:
    case KILN_RE: return run->exit_code;
    case KILN_SG: return 128 + run->signal;
    case KILN_CE: return CLI_EXIT_CE;
    case KILN_OL: return CLI_EXIT_OL;
    case KILN_ML: return CLI_EXIT_ML;
    case KILN_TO: return CLI_EXIT_TO;
    case KILN_XX: break;
    }
    return CLI_EXIT_XX;
}

/* Security events, one line a stage: "kiln: run: denied syscalls: mount (1), socket (2)". */
static void print_denied(const char *stage, const struct kiln_stage *st)
{
    if (!st->ndenied)
        return;
    fprintf(stderr, "kiln: %s: denied syscalls:", stage);
    for (unsigned i = 0; i < st->ndenied; i++)
        fprintf(stderr, "%s %s (%u)", i ? "," : "", st->denied[i].syscall, st->denied[i].count);
    fputc('\n', stderr);
}

/* Each case's output after a line naming it and how it ended. */
static void print_cases(const struct kiln_result *r)
{
    for (size_t i = 0; i < r->ncases; i++) {
        const struct kiln_stage *st = &r->cases[i];
        fprintf(stderr, "kiln: case %zu: %s, exit %d, %llu ms%s%s\n", i + 1,
                kiln_status_name(st->status), st->exit_code, (unsigned long long)st->wall_ms,
                st->message[0] ? ": " : "", st->message);
        write_all(1, st->out, st->out_len);
        write_all(2, st->err, st->err_len);
        print_denied("run", st);
    }
}

/* The compiler's output goes to stderr; the program's to stdout and stderr. */
static void print_plain(const struct kiln_result *r)
{
    bool ran = r->run.out != NULL;
    if (r->compiled) {
        write_all(2, r->compile.out, r->compile.out_len);
        write_all(2, r->compile.err, r->compile.err_len);
    }
    if (r->ncases) {
        print_cases(r);
        return;
    }
    if (ran) {
        write_all(1, r->run.out, r->run.out_len);
        write_all(2, r->run.err, r->run.err_len);
    }
    if (r->run.value_text) /* interpret mode: the value, as a REPL shows it */
        printf("%s\n", r->run.value_text);
    if (r->status != KILN_OK && r->status != KILN_RE)
        fprintf(stderr, "kiln: %s: %s\n", kiln_status_name(r->status),
                r->status == KILN_CE ? "compilation failed"
                : ran                ? r->run.message
                                     : r->compile.message);
    print_denied("compile", &r->compile);
    print_denied("run", &r->run);
}

/* A FILE's name in /box: its path relative to the entry file's folder
 * when it lies below it (a valid box path, so no ".."), else its base
 * name. The entry file itself is always its base name. */
static const char *box_name(const char *entry, const char *path)
{
    const char *slash = strrchr(entry, '/');
    size_t dir = slash ? (size_t)(slash - entry) + 1 : 0;
    if (path != entry && !strncmp(path, entry, dir) && kiln_file_name_valid(path + dir))
        return path + dir;
    const char *base = strrchr(path, '/');
    return base ? base + 1 : path;
}

/* Fills the request's files from the command line: `run` reads each FILE
 * (placed in /box under its base name), `eval` makes the language's
 * default source file from CODE. */
static int load_files(const struct cli_run_opts *o, bool eval, const struct kiln_language_info *li,
                      struct kiln_file *files, struct buf *bufs)
{
    if (eval) {
        files[0] = (struct kiln_file){ .name = li->source, .data = o->positional[0],
                                       .len = strlen(o->positional[0]) };
        return 0;
    }
    for (size_t i = 0; i < o->npositional; i++) {
        if (read_path(o->positional[i], &bufs[i]) < 0)
            return -1;
        files[i] = (struct kiln_file){ .name = box_name(o->positional[0], o->positional[i]),
                                       .data = bufs[i].data ? bufs[i].data : "",
                                       .len = bufs[i].len };
    }
    return 0;
}

/* The stdin of every --case, read into bufs. */
static int load_cases(const struct cli_run_opts *o, struct kiln_case *cases, struct buf *bufs)
{
    for (size_t i = 0; i < o->ncases; i++) {
        if (read_path(o->case_files[i], &bufs[i]) < 0)
            return -1;
        cases[i] = (struct kiln_case){ .stdin_data = bufs[i].data ? bufs[i].data : "",
                                       .stdin_len = bufs[i].len };
    }
    return 0;
}

static int find_language(kiln_engine *e, const struct cli_run_opts *o,
                         struct kiln_language_info *li)
{
    if (o->lang ? kiln_language_lookup(e, o->lang, li) == 0
                : kiln_language_for_file(e, o->positional[0], li) == 0)
        return 0;
    if (o->lang)
        fprintf(stderr, "kiln: unknown language '%s'; see `kiln languages`\n", o->lang);
    else
        fprintf(stderr, "kiln: cannot tell the language of '%s'; use -l LANG\n", o->positional[0]);
    return -1;
}

static int execute_and_report(kiln_engine *e, const struct cli_run_opts *o,
                              const struct kiln_request *req)
{
    struct kiln_result res;
    char err[512];
    if (o->json) {
        char verr[256], version[64];
        kiln_language_version(e, req->language, version, sizeof version, verr, sizeof verr);
    }
    if (kiln_execute(e, req, &res, err, sizeof err) < 0) {
        fprintf(stderr, "kiln: %s\n", err);
        return CLI_EXIT_XX;
    }
    int code = cli_exit_code(&res);
    if (o->json) {
        cJSON *doc = json_result(&res);
        cJSON *run = doc ? cJSON_GetObjectItem(doc, "run") : NULL;
        if (req->mode == KILN_MODE_INTERPRET && cJSON_IsObject(run))
            json_add_value(run, &res.run, "result_text", "result_truncated");
        if (!doc || json_print(doc) < 0) {
            fprintf(stderr, "kiln: out of memory writing JSON\n");
            code = CLI_EXIT_XX;
        }
        cJSON_Delete(doc);
    } else
        print_plain(&res);
    kiln_result_free(&res);
    return code;
}

static int run_or_eval(int argc, char **argv, bool eval)
{
    struct cli_run_opts o;
    int rc = cli_parse_run(argc, argv, eval, &o);
    if (rc != 0)
        return rc > 0 ? 0 : CLI_EXIT_XX;
    kiln_engine *e = cli_engine();
    if (!e)
        return CLI_EXIT_XX;
    struct kiln_language_info li;
    size_t nfiles = eval ? 1 : o.npositional;
    struct kiln_file *files = calloc(nfiles, sizeof *files);
    size_t nbufs = nfiles + 1 + o.ncases; /* files, stdin, cases */
    struct buf *bufs = calloc(nbufs, sizeof *bufs), *in = bufs ? &bufs[nfiles] : NULL;
    struct kiln_case cases[KILN_CASES_MAX];
    rc = CLI_EXIT_XX;
    if (!files || !bufs)
        fprintf(stderr, "kiln: out of memory\n");
    else if (find_language(e, &o, &li) == 0 && load_files(&o, eval, &li, files, bufs) == 0 &&
             load_cases(&o, cases, in + 1) == 0 && (o.ncases || read_stdin(&o, in) == 0)) {
        struct kiln_request req = {
            .language = li.name, .files = files, .nfiles = nfiles,
            .stdin_data = in->data, .stdin_len = in->len, .args = o.args, .nargs = o.nargs,
            .run_limits = o.run, .compile_limits = o.compile,
            .cases = cases, .ncases = o.ncases,
            .mode = o.interpret ? KILN_MODE_INTERPRET : KILN_MODE_SCRIPT,
            .context = o.context, .context_len = o.context ? strlen(o.context) : 0,
        };
        rc = execute_and_report(e, &o, &req);
    }
    for (size_t i = 0; bufs && i < nbufs; i++)
        buf_free(&bufs[i]);
    free(bufs);
    free(files);
    kiln_engine_destroy(e);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    return run_or_eval(argc, argv, false);
}

int cmd_eval(int argc, char **argv)
{
    return run_or_eval(argc, argv, true);
}
