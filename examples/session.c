/* session.c — a libkiln session: one jailed Python process kept across
 * cells, each cell's value printed as the REPL would show it. The cells
 * come from the arguments (or a small default), and the session's state
 * is printed at the end.
 *
 *     cc session.c $(pkg-config --cflags --libs kiln) -o session
 *     sudo ./session 'import math' 'r = 2' 'math.pi * r ** 2'
 */
#include <stdio.h>
#include <string.h>

#include <kiln.h>

int main(int argc, char **argv)
{
    /* The warm python runtime forks from a zygote, a fresh exec of this
     * binary: it must take that path before doing anything else. */
    if (argc > 0 && !strcmp(argv[0], "kiln-zygote"))
        return kiln_zygote_main(argc, argv);

    static const char *const fallback[] = { "import math\nr = 2", "math.pi * r ** 2" };
    const char *const *cells = argc > 1 ? (const char *const *)argv + 1 : fallback;
    int ncells = argc > 1 ? argc - 1 : 2;
    struct kiln_config cfg;
    char err[512];
    kiln_config_init(&cfg);
    kiln_engine *engine = kiln_engine_create(&cfg, err, sizeof err);
    if (!engine) {
        fprintf(stderr, "session: %s\n", err);
        return 1;
    }
    kiln_session *s = NULL;
    const struct kiln_session_options opts = { .language = "python" };
    if (kiln_session_open(engine, &opts, &s, err, sizeof err) < 0) {
        fprintf(stderr, "session: %s\n", err);
        kiln_engine_destroy(engine);
        return 1;
    }
    int rc = 0;
    for (int i = 0; i < ncells && rc == 0; i++) {
        const struct kiln_cell cell = { .code = cells[i], .code_len = strlen(cells[i]) };
        struct kiln_result res;
        if (kiln_session_execute(s, &cell, &res, err, sizeof err) < 0) {
            fprintf(stderr, "session: cell %d: %s\n", i + 1, err);
            rc = 1;
            break;
        }
        fwrite(res.run.out, 1, res.run.out_len, stdout);
        fwrite(res.run.err, 1, res.run.err_len, stderr);
        if (res.run.value_text)
            printf("%s\n", res.run.value_text);
        kiln_result_free(&res);
    }
    struct kiln_session_info info;
    kiln_session_info(s, &info);
    printf("cells %llu, %s%s\n", (unsigned long long)info.cells, info.alive ? "alive" : "ended: ",
           info.ended);
    kiln_session_close(s, true);
    kiln_engine_destroy(engine);
    return rc;
}
