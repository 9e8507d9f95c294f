/* cli.h — the `kiln` command line: subcommands and what they share. */
#ifndef KILN_CLI_CLI_H
#define KILN_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "kiln.h"

/* Exit codes of `kiln run` and `kiln eval` beyond the program's own. */
enum {
    CLI_EXIT_CE = 121, /* compile error */
    CLI_EXIT_OL = 122, /* output limit */
    CLI_EXIT_ML = 123, /* memory limit */
    CLI_EXIT_TO = 124, /* time limit, as timeout(1) */
    CLI_EXIT_XX = 125, /* kiln itself failed, usage errors included, as timeout(1) */
};

struct cli_run_opts {
    const char *lang;
    struct kiln_limits run, compile;
    const char *stdin_file;
    const char *case_files[KILN_CASES_MAX]; /* --case: one run per file, as its stdin */
    size_t ncases;
    bool json;
    bool interpret;           /* --interpret: KILN_MODE_INTERPRET */
    const char *context;      /* --context JSON */
    char **positional;        /* files (run) or the code (eval) */
    size_t npositional;
    const char *const *args;  /* after "--" */
    size_t nargs;
};

/* Parses argv of `run` or `eval` (argv[0] is the subcommand). Prints its
 * own error and returns -1 on bad usage; returns 1 when help was printed. */
int cli_parse_run(int argc, char **argv, bool eval, struct cli_run_opts *o);

/* Parses the options of `languages` and `check` (only --json and --help).
 * Sets *rc to -1 to go on, or to the exit code when help or an error was
 * printed. */
bool cli_json_flag(int argc, char **argv, const char *usage, int *rc);

/* An engine for one CLI command: one slot, the default configuration, the
 * languages folder from $KILN_LANGUAGES_DIR when set. Prints the error. */
kiln_engine *cli_engine(void);
/* The same with `slots` exec slots and `slots` children per warm language. */
kiln_engine *cli_engine_slots(unsigned slots);

int cmd_run(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_languages(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_bench(int argc, char **argv);

/* JSON of a result, with every string made valid UTF-8. */
cJSON *json_result(const struct kiln_result *r);
/* Prints a JSON document on stdout followed by a newline; -1 on ENOMEM. */
int json_print(cJSON *doc);

int cli_exit_code(const struct kiln_result *r);

#endif
