/* main.c — `kiln`: subcommand dispatch and the engine the CLI uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "server/server.h"

static const char USAGE[] =
    "kiln " KILN_VERSION " — run untrusted code in a Linux jail, a fresh process per run\n"
    "\n"
    "usage: kiln COMMAND [options]\n"
    "\n"
    "  run FILE... [-- ARGS]     compile if needed, then run FILE in the jail\n"
    "  eval -l LANG CODE         run CODE as a program of LANG\n"
    "  languages [--json]        the languages kiln knows, and which are installed\n"
    "  check [--json]            which protections are active on this host\n"
    "  bench [-l LANG] [-n N] [-c C]   latency and throughput of this machine\n"
    "  serve [options]           the HTTP service (Valkode's and Piston's APIs) on\n"
    "                            127.0.0.1:3000; `kiln serve --help` lists its settings\n"
    "\n"
    "`kiln COMMAND --help` tells more. kiln must run as root.\n"
    "Exit status of run and eval: the program's own exit code; 128+N when killed by\n"
    "signal N; 121 compile error, 122 output limit, 123 memory limit, 124 time limit,\n"
    "125 kiln failed or was used wrongly.\n"
    "Environment: KILN_LANGUAGES_DIR overrides the folder of language definitions.\n";

kiln_engine *cli_engine(void)
{
    return cli_engine_slots(1);
}

kiln_engine *cli_engine_slots(unsigned slots)
{
    struct kiln_config cfg;
    kiln_config_init(&cfg);
    cfg.slots = slots;
    cfg.warm_slots = slots;
    cfg.warm_min = slots; /* a command's pool lives seconds: nothing to save by shrinking */
    const char *dir = getenv("KILN_LANGUAGES_DIR");
    if (dir && *dir)
        cfg.languages_dir = dir;
    char err[512];
    kiln_engine *e = kiln_engine_create(&cfg, err, sizeof err);
    if (!e)
        fprintf(stderr, "kiln: %s\n", err);
    return e;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } commands[] = {
        { "run", cmd_run }, { "eval", cmd_eval }, { "languages", cmd_languages },
        { "check", cmd_check }, { "bench", cmd_bench }, { "serve", cmd_serve },
    };
    if (argc > 0 && !strcmp(argv[0], "kiln-zygote"))
        return kiln_zygote_main(argc, argv);
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
        !strcmp(argv[1], "help")) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_XX : 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        puts("kiln " KILN_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "kiln: unknown command '%s'; see `kiln --help`\n", argv[1]);
    return CLI_EXIT_XX;
}
