/* run_python.c — the smallest use of libkiln: run one Python program in a
 * fresh jail and print what it wrote, its status and its resources.
 *
 *     cc run_python.c $(pkg-config --cflags --libs kiln) -o run_python
 *     sudo ./run_python 'print(6 * 7)'
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

    const char *code = argc > 1 ? argv[1] : "print('hello from the jail')";
    struct kiln_config cfg;
    char err[512];
    kiln_config_init(&cfg);
    kiln_engine *engine = kiln_engine_create(&cfg, err, sizeof err);
    if (!engine) {
        fprintf(stderr, "run_python: %s\n", err);
        return 1;
    }

    const struct kiln_file file = { .name = "main.py", .data = code, .len = strlen(code) };
    const struct kiln_request req = { .language = "python", .files = &file, .nfiles = 1 };
    struct kiln_result res;
    int rc = kiln_execute(engine, &req, &res, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "run_python: %s\n", err);
        kiln_engine_destroy(engine);
        return 1;
    }
    fwrite(res.run.out, 1, res.run.out_len, stdout);
    fwrite(res.run.err, 1, res.run.err_len, stderr);
    printf("status %s, exit %d, %llu ms CPU, %llu KiB\n", kiln_status_name(res.status),
           res.run.exit_code, (unsigned long long)res.run.cpu_ms,
           (unsigned long long)res.run.mem_kib);
    kiln_result_free(&res);
    kiln_engine_destroy(engine);
    return 0;
}
