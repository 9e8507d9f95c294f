/* fork_floor.c — what a fresh process per run costs before any jail: the
 * floor under every warm run.
 *
 * Initialises a warm runtime in this process exactly as its zygote does
 * (load, init: the same interpreter state, the same imports), then forks N
 * children from it, one or more at a time, with no namespace, cgroup,
 * seccomp or socket in the way. Each child does one of:
 *
 *   exit     fork, _exit(0): the cost of a fresh copy of the image
 *   run      fork, the runtime's after-fork hook, prepare (the warm-up a
 *            zygote child does before its request), run a hello world with
 *            stdout on /dev/null, _exit: what a warm child does, less the jail
 *
 * Prints the wall time from fork to reaped (p50, p95), the CPU time per
 * child (the child's own and the parent's fork, from getrusage), and the
 * ceiling that CPU time puts on runs per second on this machine's CPUs.
 * The engine's warm runs cannot go faster than that ceiling.
 *
 *   build/bench/fork_floor [-l python|javascript|typescript] [-m exit|run] [-n N] [-j PARALLEL]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiln.h"
#include "runtime/js.h"
#include "runtime/python.h"
#include "stats.h"

struct hello {
    const struct zygote_runtime *rt;
    const char *file, *code;
};

static const struct hello HELLOS[] = {
    { &python_runtime, "main.py", "print(2 + 2)\n" },
    { &javascript_runtime, "main.js", "console.log(2 + 2)\n" },
    { &typescript_runtime, "main.ts", "const n: number = 2 + 2;\nconsole.log(n);\n" },
};

static double cpu_us(int who)
{
    struct rusage ru;
    getrusage(who, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static _Noreturn void child(const struct hello *h, bool run)
{
    if (!run)
        _exit(0);
    h->rt->after_fork_child();
    char err[256];
    struct kiln_config cfg;
    kiln_config_init(&cfg);
    struct kiln_limits l = cfg.run_defaults;
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
        _exit(99);
    if (h->rt->prepare && h->rt->prepare(&l, err, sizeof err) < 0)
        _exit(98);
    struct zygote_job job = { .entry = h->file, .cpu_ms = l.cpu_ms, .wall_ms = l.wall_ms };
    _exit(h->rt->run(&job) == 0 ? 0 : 97);
}

/* Forks n children, `parallel` in flight; fills wall[] (us, fork to reaped). */
static int fork_children(const struct hello *h, bool run, int n, int parallel, double *wall)
{
    double *started = calloc((size_t)n, sizeof *started);
    pid_t *pids = calloc((size_t)n, sizeof *pids);
    int launched = 0, done = 0, failed = 0, inflight = 0;
    if (!started || !pids)
        return -1;
    while (done < n) {
        while (inflight < parallel && launched < n) {
            h->rt->before_fork();
            started[launched] = now_us();
            pid_t pid = fork();
            if (pid == 0)
                child(h, run);
            h->rt->after_fork_parent();
            if (pid < 0) {
                perror("fork");
                failed = n;
                break;
            }
            pids[launched++] = pid;
            inflight++;
        }
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0)
            break;
        inflight--;
        int i = 0;
        while (i < launched && pids[i] != pid)
            i++;
        wall[done++] = now_us() - started[i];
        failed += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
    }
    free(started);
    free(pids);
    return failed;
}

static int usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [-l python|javascript|typescript] [-m exit|run] [-n N] [-j PARALLEL]\n",
            argv0);
    return 2;
}

int main(int argc, char **argv)
{
    const char *lang = "python", *mode = "run";
    int n = 1000, parallel = 1, opt;
    while ((opt = getopt(argc, argv, "l:m:n:j:")) != -1) {
        if (opt == 'l')
            lang = optarg;
        else if (opt == 'm')
            mode = optarg;
        else if (opt == 'n')
            n = atoi(optarg) > 0 ? atoi(optarg) : 1;
        else if (opt == 'j')
            parallel = atoi(optarg) > 0 ? atoi(optarg) : 1;
        else
            return usage(argv[0]);
    }
    const struct hello *h = NULL;
    for (size_t i = 0; i < sizeof HELLOS / sizeof HELLOS[0]; i++)
        if (!strcmp(HELLOS[i].rt->name, lang))
            h = &HELLOS[i];
    bool run = !strcmp(mode, "run");
    if (!h || (!run && strcmp(mode, "exit")))
        return usage(argv[0]);

    /* The hello world is read from the working directory, as from /box. */
    char dir[] = "/tmp/kiln-fork-floor-XXXXXX", err[256] = "", version[64] = "";
    FILE *f = NULL;
    if (!mkdtemp(dir) || chdir(dir) < 0 || !(f = fopen(h->file, "w")) || fputs(h->code, f) < 0 ||
        fclose(f) != 0) {
        perror("fork_floor: the hello world's folder");
        return 1;
    }
    if ((h->rt->missing && h->rt->missing()) || (h->rt->load && h->rt->load(err, sizeof err) < 0) ||
        h->rt->init(version, sizeof version, err, sizeof err) < 0) {
        fprintf(stderr, "fork_floor: %s: %s\n", lang,
                err[0] ? err : h->rt->missing ? h->rt->missing() : "cannot start");
        return 1;
    }
    double *wall = calloc((size_t)n, sizeof *wall);
    double cpu0 = cpu_us(RUSAGE_SELF) + cpu_us(RUSAGE_CHILDREN), t0 = now_us();
    int failed = wall ? fork_children(h, run, n, parallel, wall) : -1;
    double secs = (now_us() - t0) / 1e6;
    double cpu = (cpu_us(RUSAGE_SELF) + cpu_us(RUSAGE_CHILDREN) - cpu0) / n;
    unlink(h->file);
    rmdir(dir);
    if (failed != 0) {
        fprintf(stderr, "fork_floor: %d of %d children failed\n", failed < 0 ? n : failed, n);
        return 1;
    }
    sort_us(wall, n);
    long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
    printf("%s %s (%s), %d children, %d at a time, no jail\n", lang, mode, version, n, parallel);
    printf("  fork to reaped: p50 %.0f us, p95 %.0f us; %.0f children/s\n", pct(wall, n, 0.5),
           pct(wall, n, 0.95), n / secs);
    printf("  CPU per child (its own and the fork in the parent): %.0f us\n", cpu);
    printf("  ceiling on %ld CPUs: %.0f runs/s\n", ncpus, cpu > 0 ? ncpus * 1e6 / cpu : 0.0);
    free(wall);
    return 0;
}
