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
 *            zygote child does before its request), run the program with
 *            stdout on /dev/null, _exit: what a warm child does, less the jail
 *
 * Prints the wall time from fork to reaped (p50, p95), the CPU time per
 * child (the child's own and the parent's fork, from getrusage), and the
 * ceiling that CPU time puts on runs per second on this machine's CPUs.
 * The engine's warm runs cannot go faster than that ceiling. In run mode a
 * child also reports how long its prepare and its run took and how many
 * page faults each caused.
 *
 *   build/bench/fork_floor [-l python|javascript|typescript] [-m exit|run]
 *                          [-n N] [-j PARALLEL] [-c CODE]
 *
 * CODE (default: a hello world) is the program, in the language given.
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

/* What a child in run mode reports through the pipe. */
struct sample {
    double prepare_us, run_us;
    long prepare_faults, run_faults;
};

/* The samples of n children, and the wall time of each from fork to reaped. */
struct samples {
    double *wall, *prepare, *run, *prepare_faults, *run_faults;
    int n;
};

static double cpu_us(int who)
{
    struct rusage ru;
    getrusage(who, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static long minor_faults(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

static _Noreturn void child(const struct hello *h, bool run, int report)
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
    struct sample s;
    long f0 = minor_faults();
    double t0 = now_us();
    if (h->rt->prepare && h->rt->prepare(&l, err, sizeof err) < 0)
        _exit(98);
    double t1 = now_us();
    long f1 = minor_faults();
    struct zygote_job job = { .entry = h->file, .cpu_ms = l.cpu_ms, .wall_ms = l.wall_ms };
    int rc = h->rt->run(&job);
    s = (struct sample){ .prepare_us = t1 - t0, .run_us = now_us() - t1,
                         .prepare_faults = f1 - f0, .run_faults = minor_faults() - f1 };
    if (write(report, &s, sizeof s) != (ssize_t)sizeof s)
        _exit(97);
    _exit(rc == 0 ? 0 : 96);
}

/* Forks s->n children, `parallel` in flight; returns how many failed. */
static int fork_children(const struct hello *h, bool run, int parallel, struct samples *s)
{
    double *started = calloc((size_t)s->n, sizeof *started);
    pid_t *pids = calloc((size_t)s->n, sizeof *pids);
    int launched = 0, done = 0, ok = 0, inflight = 0, report[2];
    if (!started || !pids || pipe2(report, O_CLOEXEC) < 0) {
        free(started);
        free(pids);
        return s->n;
    }
    while (done < s->n) {
        while (inflight < parallel && launched < s->n) {
            h->rt->before_fork();
            started[launched] = now_us();
            pid_t pid = fork();
            if (pid == 0)
                child(h, run, report[1]);
            h->rt->after_fork_parent();
            if (pid < 0) {
                perror("fork");
                done = s->n;
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
        done++;
        int i = 0;
        while (i < launched && pids[i] != pid)
            i++;
        struct sample smp = { 0 };
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
            (run && read(report[0], &smp, sizeof smp) != (ssize_t)sizeof smp))
            continue;
        s->wall[ok] = now_us() - started[i];
        s->prepare[ok] = smp.prepare_us;
        s->run[ok] = smp.run_us;
        s->prepare_faults[ok] = (double)smp.prepare_faults;
        s->run_faults[ok] = (double)smp.run_faults;
        ok++;
    }
    close(report[0]);
    close(report[1]);
    free(started);
    free(pids);
    int failed = s->n - ok;
    s->n = ok;
    return failed;
}

static void print_pct(const char *what, double *v, int n, const char *unit)
{
    sort_us(v, n);
    printf("  %-16s p50 %8.0f%s, p95 %8.0f%s\n", what, pct(v, n, 0.5), unit, pct(v, n, 0.95),
           unit);
}

/* Writes the program into a fresh folder and makes it the working
 * directory: the runtime reads it from there, as from /box. */
static int enter_program_dir(const char *file, const char *code, char *dir)
{
    FILE *f = NULL;
    if (!mkdtemp(dir) || chdir(dir) < 0 || !(f = fopen(file, "w")) || fputs(code, f) < 0) {
        perror("fork_floor: the program's folder");
        if (f)
            fclose(f);
        return -1;
    }
    return fclose(f) == 0 ? 0 : -1;
}

static int usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [-l python|javascript|typescript] [-m exit|run] [-n N] [-j PARALLEL]"
            " [-c CODE]\n",
            argv0);
    return 2;
}

int main(int argc, char **argv)
{
    const char *lang = "python", *mode = "run", *code = NULL;
    int n = 1000, parallel = 1, opt;
    while ((opt = getopt(argc, argv, "l:m:n:j:c:")) != -1) {
        if (opt == 'l')
            lang = optarg;
        else if (opt == 'm')
            mode = optarg;
        else if (opt == 'n')
            n = atoi(optarg) > 0 ? atoi(optarg) : 1;
        else if (opt == 'j')
            parallel = atoi(optarg) > 0 ? atoi(optarg) : 1;
        else if (opt == 'c')
            code = optarg;
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

    char dir[] = "/tmp/kiln-fork-floor-XXXXXX", err[256] = "", version[64] = "";
    if (enter_program_dir(h->file, code ? code : h->code, dir) < 0)
        return 1;
    const char *missing = h->rt->missing ? h->rt->missing() : NULL;
    if (missing || (h->rt->load && h->rt->load(err, sizeof err) < 0) ||
        h->rt->init(version, sizeof version, err, sizeof err) < 0) {
        fprintf(stderr, "fork_floor: %s: %s\n", lang, missing ? missing : err);
        return 1;
    }
    struct samples s = { .n = n };
    double **cols[] = { &s.wall, &s.prepare, &s.run, &s.prepare_faults, &s.run_faults };
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        if (!(*cols[i] = calloc((size_t)n, sizeof(double))))
            return 1;
    double cpu0 = cpu_us(RUSAGE_SELF) + cpu_us(RUSAGE_CHILDREN), t0 = now_us();
    int failed = fork_children(h, run, parallel, &s);
    double secs = (now_us() - t0) / 1e6;
    double cpu = (cpu_us(RUSAGE_SELF) + cpu_us(RUSAGE_CHILDREN) - cpu0) / n;
    unlink(h->file);
    rmdir(dir);
    if (failed) {
        fprintf(stderr, "fork_floor: %d of %d children failed\n", failed, n);
        return 1;
    }
    long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
    printf("%s %s (%s), %d children, %d at a time, no jail: %.0f children/s\n", lang, mode,
           version, n, parallel, n / secs);
    print_pct("fork to reaped", s.wall, n, " us");
    if (run) {
        print_pct("prepare", s.prepare, n, " us");
        print_pct("run", s.run, n, " us");
        print_pct("faults, prepare", s.prepare_faults, n, "");
        print_pct("faults, run", s.run_faults, n, "");
    }
    printf("  CPU per child (its own and the fork in the parent): %.0f us\n", cpu);
    printf("  ceiling on %ld CPUs: %.0f runs/s\n", ncpus, cpu > 0 ? ncpus * 1e6 / cpu : 0.0);
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        free(*cols[i]);
    return 0;
}
