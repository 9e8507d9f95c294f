/* v8_bench.c — timings of the V8 runtime in the zygote's pattern.
 *
 * Initialises the runtime once, then forks N children one after another;
 * each child calls v8rt_prepare (timed), then v8rt_run (timed) with its
 * stdout and stderr on /dev/null, and reports both through a pipe. Prints
 * the medians and 95th percentiles of prepare, run and fork-to-exit (the
 * whole CPU cost of one child as the parent sees it), for a JavaScript
 * hello and a TypeScript hello.
 *
 *   build/bench/v8_bench [-n RUNS] [-j PARALLEL] [-c CODE] [-t]    (-t: CODE is TypeScript)
 *
 * -j 2 keeps two children in flight (the zygote forks the next one as soon
 * as one is reaped), which gives the children/s a 2-core machine sustains.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/v8.h"
#include "stats.h"

struct sample {
    double prepare_us, run_us, total_us;
    long prepare_faults, run_faults;
    int rc;
};

static long minor_faults(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

static void child(int wfd, const char *code, bool ts)
{
    struct sample s = {0};
    char err[256];
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    dup2(null, 1);
    dup2(null, 2);
    long f0 = minor_faults();
    double t0 = now_us();
    if (v8rt_prepare_for(262144, ts, err, sizeof err) < 0)
        _exit(99);
    double t1 = now_us();
    long f1 = minor_faults();
    s.rc = v8rt_run(code, strlen(code), ts, "", 0, NULL, 0);
    double t2 = now_us();
    s.prepare_faults = f1 - f0;
    s.run_faults = minor_faults() - f1;
    s.prepare_us = t1 - t0;
    s.run_us = t2 - t1;
    if (write(wfd, &s, sizeof s) != (ssize_t)sizeof s)
        _exit(98);
    _exit(s.rc < 0 ? 97 : s.rc);
}

static void report(const char *what, double *v, int n)
{
    sort_us(v, n);
    printf("  %-22s p50 %9.1f us   p95 %9.1f us\n", what, pct(v, n, 0.5), pct(v, n, 0.95));
}

static int bench(const char *label, const char *code, bool ts, int n, int parallel)
{
    double *prep = calloc((size_t)n, sizeof *prep), *run = calloc((size_t)n, sizeof *run);
    double *total = calloc((size_t)n, sizeof *total), *started = calloc((size_t)n, sizeof *started);
    double *pf = calloc((size_t)n, sizeof *pf), *rf = calloc((size_t)n, sizeof *rf);
    pid_t *pids = calloc((size_t)n, sizeof *pids);
    int fds[2], failed = 0, ok = 0, launched = 0, inflight = 0;
    if (!prep || !run || !total || !started || !pf || !rf || !pids || pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    double t_all = now_us();
    while (ok + failed < n) {
        while (inflight < parallel && launched < n) {
            started[launched] = now_us();
            pid_t pid = fork();
            if (pid == 0)
                child(fds[1], code, ts);
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
        struct sample s;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
            read(fds[0], &s, sizeof s) != (ssize_t)sizeof s) {
            failed++;
            continue;
        }
        prep[ok] = s.prepare_us;
        run[ok] = s.run_us;
        total[ok] = now_us() - started[i];
        pf[ok] = (double)s.prepare_faults;
        rf[ok] = (double)s.run_faults;
        ok++;
    }
    double secs = (now_us() - t_all) / 1e6;
    printf("%s: %d children (%d failed), %d at a time: %.0f children/s\n", label, n, failed,
           parallel, ok / secs);
    if (ok > 0) {
        report("v8rt_prepare", prep, ok);
        report("v8rt_run", run, ok);
        report("fork to reaped", total, ok);
        sort_us(pf, ok);
        sort_us(rf, ok);
        printf("  %-22s prepare %.0f, run %.0f\n", "page faults (p50)", pct(pf, ok, 0.5),
               pct(rf, ok, 0.5));
    }
    close(fds[0]);
    close(fds[1]);
    free(prep);
    free(run);
    free(total);
    free(started);
    free(pf);
    free(rf);
    free(pids);
    return failed ? -1 : 0;
}

int main(int argc, char **argv)
{
    int n = 200, parallel = 1, opt;
    const char *code = NULL;
    bool ts = false;
    while ((opt = getopt(argc, argv, "n:j:c:t")) != -1) {
        if (opt == 'n')
            n = atoi(optarg);
        else if (opt == 'j')
            parallel = atoi(optarg) > 0 ? atoi(optarg) : 1;
        else if (opt == 'c')
            code = optarg;
        else if (opt == 't')
            ts = true;
        else {
            fprintf(stderr, "usage: %s [-n RUNS] [-j PARALLEL] [-c CODE] [-t]\n", argv[0]);
            return 2;
        }
    }
    if (n < 1)
        n = 1;
    char err[256];
    double t0 = now_us();
    if (v8rt_init(err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    printf("v8rt_init: %.1f ms\n", (now_us() - t0) / 1e3);
    int rc = 0;
    if (code) {
        rc |= bench(ts ? "typescript (given)" : "javascript (given)", code, ts, n, parallel);
    } else {
        rc |= bench("javascript: console.log(2+2)", "console.log(2+2)", false, n, parallel);
        rc |= bench("typescript: hello",
                    "const who: string = 'world';\nconsole.log(`hello ${who}`);\n", true, n,
                    parallel);
    }
    return rc ? 1 : 0;
}
