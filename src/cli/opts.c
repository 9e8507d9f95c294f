/* opts.c — options of `kiln run` and `kiln eval`. Limits are named and
 * bounded by the engine's limits table, as in every other front end. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char RUN_USAGE[] =
    "usage: kiln run [options] FILE... [-- ARGS...]\n"
    "       kiln eval -l LANG [options] CODE [-- ARGS...]\n"
    "\n"
    "Runs FILE (the entry point; other files go beside it) or CODE in a fresh jail.\n"
    "The language comes from -l or from the entry file's ending.\n"
    "\n"
    "  -l, --lang NAME       language name or alias (see `kiln languages`)\n"
    "      --time MS         CPU time limit of the run (all its processes)\n"
    "      --wall MS         wall-clock limit of the run\n"
    "      --mem MIB         memory limit of the run, in MiB\n"
    "      --procs N         processes and threads at once\n"
    "      --output KIB      bytes kept of stdout and of stderr, each, in KiB\n"
    "      --fsize KIB       largest file the program may write, in KiB\n"
    "      --limit NAME=V    any run limit by its name (cpu_ms, wall_ms, mem_kib, procs,\n"
    "                        output_kib, fsize_kib, disk_kib, nofile)\n"
    "      --compile-limit NAME=V   the same for the compile step\n"
    "      --stdin FILE      the program's stdin (default: kiln's own stdin unless it\n"
    "                        is a terminal, then empty)\n"
    "      --case FILE       repeatable: compile once, then run once per FILE with\n"
    "                        FILE as stdin, each run a fresh process (at most 64)\n"
    "      --interpret       javascript, typescript, python: evaluate as a REPL does and\n"
    "                        print the value of the last expression (or of a top-level\n"
    "                        return) after the program's output; top-level await works\n"
    "      --context JSON    with --interpret: a JSON value the code sees as `context`\n"
    "      --json            print the whole result as one JSON object\n"
    "  -h, --help            this text\n"
    "\n"
    "Other FILEs in the entry file's folder or below keep their path relative to it\n"
    "(`kiln run app/main.py app/lib/util.py` gives /box/main.py, /box/lib/util.py);\n"
    "any other FILE goes beside the entry file under its base name.\n"
    "\n"
    "Exit status: the program's own exit code when it exited (OK or RE);\n"
    "128+N when it was killed by signal N (SG); 121 compile error (CE);\n"
    "122 output limit (OL); 123 memory limit (ML); 124 time limit, CPU or wall (TO);\n"
    "125 kiln itself failed or was used wrongly (XX). For any status but OK and RE,\n"
    "a line `kiln: STATUS: reason` follows the program's stderr. With --case, the\n"
    "status of the first case that was not OK, and each case's output follows a line\n"
    "`kiln: case N: STATUS ...` on stderr.\n";

enum { OPT_TIME = 256, OPT_WALL, OPT_MEM, OPT_PROCS, OPT_OUTPUT, OPT_FSIZE, OPT_LIMIT,
       OPT_CLIMIT, OPT_STDIN, OPT_JSON, OPT_CASE, OPT_INTERPRET, OPT_CONTEXT };

static int parse_u32(const char *s, uint64_t scale, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v == 0 || v > UINT32_MAX / scale)
        return -1;
    *out = (uint32_t)(v * scale);
    return 0;
}

/* --limit NAME=VALUE, through the limits table. */
static int parse_named_limit(const char *arg, struct kiln_limits *l)
{
    const char *eq = strchr(arg, '=');
    for (size_t i = 0; eq && i < kiln_limit_field_count; i++) {
        const struct kiln_limit_field *f = &kiln_limit_fields[i];
        if (strlen(f->name) == (size_t)(eq - arg) && !strncmp(f->name, arg, (size_t)(eq - arg)))
            return parse_u32(eq + 1, 1, (uint32_t *)((char *)l + f->offset));
    }
    return -1;
}

static bool json_valid(const char *text)
{
    cJSON *doc = cJSON_Parse(text);
    cJSON_Delete(doc);
    return doc != NULL;
}

static int parse_option(int c, const char *arg, struct cli_run_opts *o)
{
    switch (c) {
    case 'l': o->lang = arg; return 0;
    case OPT_TIME: return parse_u32(arg, 1, &o->run.cpu_ms);
    case OPT_WALL: return parse_u32(arg, 1, &o->run.wall_ms);
    case OPT_MEM: return parse_u32(arg, 1024, &o->run.mem_kib);
    case OPT_PROCS: return parse_u32(arg, 1, &o->run.procs);
    case OPT_OUTPUT: return parse_u32(arg, 1, &o->run.output_kib);
    case OPT_FSIZE: return parse_u32(arg, 1, &o->run.fsize_kib);
    case OPT_LIMIT: return parse_named_limit(arg, &o->run);
    case OPT_CLIMIT: return parse_named_limit(arg, &o->compile);
    case OPT_STDIN: o->stdin_file = arg; return 0;
    case OPT_JSON: o->json = true; return 0;
    case OPT_INTERPRET: o->interpret = true; return 0;
    case OPT_CONTEXT: return json_valid(arg) ? (o->context = arg, 0) : -1;
    case OPT_CASE:
        if (o->ncases == KILN_CASES_MAX)
            return -1;
        o->case_files[o->ncases++] = arg;
        return 0;
    }
    return -1;
}

int cli_parse_run(int argc, char **argv, bool eval, struct cli_run_opts *o)
{
    static const struct option longopts[] = {
        { "lang", required_argument, NULL, 'l' }, { "time", required_argument, NULL, OPT_TIME },
        { "wall", required_argument, NULL, OPT_WALL }, { "mem", required_argument, NULL, OPT_MEM },
        { "procs", required_argument, NULL, OPT_PROCS },
        { "output", required_argument, NULL, OPT_OUTPUT },
        { "fsize", required_argument, NULL, OPT_FSIZE },
        { "limit", required_argument, NULL, OPT_LIMIT },
        { "compile-limit", required_argument, NULL, OPT_CLIMIT },
        { "stdin", required_argument, NULL, OPT_STDIN }, { "json", no_argument, NULL, OPT_JSON },
        { "case", required_argument, NULL, OPT_CASE },
        { "interpret", no_argument, NULL, OPT_INTERPRET },
        { "context", required_argument, NULL, OPT_CONTEXT },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    memset(o, 0, sizeof *o);
    /* Everything after "--" belongs to the program, untouched by getopt. */
    int end = 1;
    while (end < argc && strcmp(argv[end], "--"))
        end++;
    if (end < argc) {
        o->args = (const char *const *)argv + end + 1;
        o->nargs = (size_t)(argc - end - 1);
    }
    optind = 1;
    opterr = 1;
    int c;
    while ((c = getopt_long(end, argv, "l:h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(RUN_USAGE, stdout);
            return 1;
        }
        if (c == '?' || parse_option(c, optarg, o) < 0) {
            if (c == OPT_CASE)
                fprintf(stderr, "kiln: at most %d --case files\n", KILN_CASES_MAX);
            else if (c != '?')
                fprintf(stderr, "kiln: invalid value '%s' for --%s\n", optarg,
                        longopts[c == 'l' ? 0 : c - OPT_TIME + 1].name);
            fprintf(stderr, "kiln: see `kiln %s --help`\n", argv[0]);
            return -1;
        }
    }
    o->positional = argv + optind;
    o->npositional = (size_t)(end - optind);
    if (o->npositional == 0 || (eval && (o->npositional != 1 || !o->lang))) {
        fprintf(stderr, eval ? "kiln: eval needs -l LANG and one CODE argument\n"
                             : "kiln: run needs at least one FILE\n");
        fprintf(stderr, "kiln: see `kiln %s --help`\n", argv[0]);
        return -1;
    }
    return 0;
}

bool cli_json_flag(int argc, char **argv, const char *usage, int *rc)
{
    bool json = false;
    *rc = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = true;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage, stdout);
            *rc = 0;
        } else {
            fprintf(stderr, "kiln: unknown option '%s'\n%s", argv[i], usage);
            *rc = CLI_EXIT_XX;
        }
    }
    return json;
}
