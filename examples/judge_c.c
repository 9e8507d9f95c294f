/* judge_c.c — what an online judge does with libkiln: compile a C program
 * once, run it once per test case (each run a fresh process in a fresh
 * jail), and compare every output with the expected one.
 *
 *     cc judge_c.c $(pkg-config --cflags --libs kiln) -o judge_c
 *     sudo ./judge_c
 */
#include <stdio.h>
#include <string.h>

#include <kiln.h>

static const char PROGRAM[] =
    "#include <stdio.h>\n"
    "int main(void) { long a, b; if (scanf(\"%ld %ld\", &a, &b) != 2) return 2;\n"
    "                 printf(\"%ld\\n\", a + b); return 0; }\n";

struct test {
    const char *input, *expected;
};

static const struct test TESTS[] = {
    { "1 2\n", "3\n" }, { "40 2\n", "42\n" }, { "-5 5\n", "0\n" }, { "oops\n", "" },
};
#define NTESTS (sizeof TESTS / sizeof TESTS[0])

int main(int argc, char **argv)
{
    if (argc > 0 && !strcmp(argv[0], "kiln-zygote"))
        return kiln_zygote_main(argc, argv);

    struct kiln_config cfg;
    char err[512];
    kiln_config_init(&cfg);
    kiln_engine *engine = kiln_engine_create(&cfg, err, sizeof err);
    if (!engine) {
        fprintf(stderr, "judge_c: %s\n", err);
        return 1;
    }

    struct kiln_case cases[NTESTS];
    for (size_t i = 0; i < NTESTS; i++)
        cases[i] = (struct kiln_case){ TESTS[i].input, strlen(TESTS[i].input) };
    const struct kiln_file file = { "main.c", PROGRAM, sizeof PROGRAM - 1 };
    struct kiln_request req = { .language = "c", .files = &file, .nfiles = 1,
                                .cases = cases, .ncases = NTESTS };
    req.run_limits.cpu_ms = 1000; /* a judge's time limit; the rest are the defaults */
    struct kiln_result res;
    if (kiln_execute(engine, &req, &res, err, sizeof err) < 0) {
        fprintf(stderr, "judge_c: %s\n", err);
        kiln_engine_destroy(engine);
        return 1;
    }
    unsigned accepted = 0;
    if (res.status == KILN_CE)
        printf("compile error:\n%.*s", (int)res.compile.err_len, res.compile.err);
    for (size_t i = 0; i < res.ncases; i++) {
        const struct kiln_stage *run = &res.cases[i];
        bool same = run->status == KILN_OK && !strcmp(run->out, TESTS[i].expected);
        accepted += same;
        printf("case %zu: %s, exit %d, %s\n", i + 1, kiln_status_name(run->status),
               run->exit_code, same ? "accepted" : "wrong answer");
    }
    printf("%u of %zu accepted\n", accepted, NTESTS);
    kiln_result_free(&res);
    kiln_engine_destroy(engine);
    return 0;
}
