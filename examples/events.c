/* events.c — a run's events as they happen (kiln_request.on_event): each
 * stage's start, every chunk of output when the program writes it, the
 * first denial of a system call, the memory warning.
 *
 *     cc events.c $(pkg-config --cflags --libs kiln) -o events
 *     sudo ./events 'import time; print(1, flush=True); time.sleep(0.5); print(2)'
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <kiln.h>

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Called inside kiln_execute while the program runs: quick, and never
 * into the engine. */
static void on_event(const struct kiln_event *ev, void *arg)
{
    double t = seconds_since(arg);
    switch (ev->type) {
    case KILN_EVENT_START:
        printf("+%.3f s %s started\n", t, ev->stage);
        break;
    case KILN_EVENT_STDOUT:
    case KILN_EVENT_STDERR:
        printf("+%.3f s %s: %.*s", t, ev->type == KILN_EVENT_STDOUT ? "stdout" : "stderr",
               (int)ev->len, ev->data);
        if (ev->len && ev->data[ev->len - 1] != '\n')
            putchar('\n');
        break;
    case KILN_EVENT_VIOLATION:
        printf("+%.3f s denied: %s\n", t, ev->syscall);
        break;
    case KILN_EVENT_MEMORY_WARNING:
        printf("+%.3f s memory at %llu of %llu KiB\n", t, (unsigned long long)ev->mem_kib,
               (unsigned long long)ev->limit_kib);
        break;
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    /* The warm python runtime's zygote is a fresh exec of this binary. */
    if (argc > 0 && !strcmp(argv[0], "kiln-zygote"))
        return kiln_zygote_main(argc, argv);

    const char *code = argc > 1 ? argv[1] : "print('hello')";
    struct kiln_config cfg;
    char err[512];
    kiln_config_init(&cfg);
    kiln_engine *engine = kiln_engine_create(&cfg, err, sizeof err);
    if (!engine) {
        fprintf(stderr, "events: %s\n", err);
        return 1;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const struct kiln_file file = { .name = "main.py", .data = code, .len = strlen(code) };
    const struct kiln_request req = { .language = "python", .files = &file, .nfiles = 1,
                                      .on_event = on_event, .event_arg = &t0 };
    struct kiln_result res;
    if (kiln_execute(engine, &req, &res, err, sizeof err) < 0) {
        fprintf(stderr, "events: %s\n", err);
        kiln_engine_destroy(engine);
        return 1;
    }
    printf("+%.3f s status %s, exit %d\n", seconds_since(&t0), kiln_status_name(res.status),
           res.run.exit_code);
    kiln_result_free(&res);
    kiln_engine_destroy(engine);
    return 0;
}
