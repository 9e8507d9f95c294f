/* cmd_bench.c — `kiln bench`: what this machine does, measured through the
 * engine as a user's requests would go: latency percentiles from submit to
 * result, runs per second, the memory of every kiln process and the CPU time
 * they spend per run. */
#define _GNU_SOURCE
#include <dirent.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

static const char BENCH_USAGE[] =
    "usage: kiln bench [-l LANG] [-n RUNS] [-c CONCURRENCY] [-s SLOTS] [-r RATE] [CODE]\n"
    "Runs CODE (default: the language's hello world) RUNS times (default 2000) from\n"
    "CONCURRENCY threads (default 2), each a fresh jailed process, and prints the\n"
    "latency percentiles, runs per second, and the total PSS of kiln's processes\n"
    "(engine, zygotes, warm children) at idle after warm-up and at the end, and\n"
    "the CPU time per run of all of them, with the ceiling it sets on runs/s.\n"
    "SLOTS (default: CONCURRENCY) is how many runs of the language may proceed at\n"
    "once, each slot with a child forked ahead. RATE paces the runs at that many\n"
    "per second in all (default: as fast as they complete): the latency of a run\n"
    "that finds its child ready, apart from what saturation adds.\n";

struct bench {
    kiln_engine *engine;
    struct kiln_request req;
    int runs;
    double rate;       /* runs started per second in all; 0: unpaced */
    double t0_us;      /* when the measured runs began */
    int next;          /* next run to take; guarded by lock */
    double *lat_us;
    int failed;
    pthread_mutex_t lock;
};

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void *worker(void *arg)
{
    struct bench *b = arg;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        int i = b->next < b->runs ? b->next++ : -1;
        pthread_mutex_unlock(&b->lock);
        if (i < 0)
            return NULL;
        double due = b->rate > 0 ? b->t0_us + i * 1e6 / b->rate : 0, wait = due - now_us();
        if (wait > 0)
            usleep((useconds_t)wait);
        struct kiln_result r;
        char err[256];
        double t0 = now_us();
        int rc = kiln_execute(b->engine, &b->req, &r, err, sizeof err);
        b->lat_us[i] = now_us() - t0;
        if (rc < 0 || r.status != KILN_OK) {
            pthread_mutex_lock(&b->lock);
            if (b->failed++ == 0)
                fprintf(stderr, "kiln: run %d: %s\n", i,
                        rc < 0 ? err : r.run.message[0] ? r.run.message : r.run.err);
            pthread_mutex_unlock(&b->lock);
        }
        if (rc == 0)
            kiln_result_free(&r);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The number after "key" in /proc/PID/file (e.g. "Pss:" in smaps_rollup,
 * in KiB; "PPid:" in status); 0 if unreadable. */
static long proc_value(int pid, const char *file, const char *key)
{
    char path[64], line[256];
    size_t kl = strlen(key);
    long v = 0;
    snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
    FILE *fp = fopen(path, "r");
    while (fp && fgets(line, sizeof line, fp))
        if (!strncmp(line, key, kl))
            v = strtol(line + kl, NULL, 10);
    if (fp)
        fclose(fp);
    return v;
}

/* This process and every descendant (the zygotes and the warm children):
 * up to max pids into pids; returns how many. */
static int kiln_pids(int *pids, int max)
{
    int self = getpid(), n = 0;
    DIR *d = opendir("/proc");
    for (struct dirent *e; d && (e = readdir(d)) && n < max;) {
        int pid = atoi(e->d_name), p = pid;
        while (p > 1 && p != self)
            p = (int)proc_value(p, "status", "PPid:");
        if (pid > 0 && p == self)
            pids[n++] = pid;
    }
    if (d)
        closedir(d);
    return n;
}

#define KILN_PIDS_MAX 4096

static long kiln_pss_kib(int *nprocs)
{
    int pids[KILN_PIDS_MAX];
    long total = 0;
    *nprocs = kiln_pids(pids, KILN_PIDS_MAX);
    for (int i = 0; i < *nprocs; i++)
        total += proc_value(pids[i], "smaps_rollup", "Pss:");
    return total;
}

/* CPU time of a process and of its reaped children (utime, stime, cutime,
 * cstime of /proc/PID/stat), in clock ticks. */
static long long proc_cpu_ticks(int pid)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *fp = fopen(path, "r");
    char *at = fp && fgets(line, sizeof line, fp) ? strrchr(line, ')') : NULL;
    if (fp)
        fclose(fp);
    long long v[4] = { 0 };
    /* after "(comm)": state and ten more fields, then the four times */
    if (!at || sscanf(at + 1, " %*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %lld %lld %lld %lld",
                      &v[0], &v[1], &v[2], &v[3]) != 4)
        return 0;
    return v[0] + v[1] + v[2] + v[3];
}

/* CPU time (us) of the engine (self) and of the zygotes with their children,
 * live and reaped: a warm child's time moves into its zygote's when it is
 * reaped, so a difference of two readings counts every run once. */
static void kiln_cpu_us(double *engine_us, double *zygotes_us)
{
    int pids[KILN_PIDS_MAX], n = kiln_pids(pids, KILN_PIDS_MAX), self = getpid();
    double tick_us = 1e6 / (double)sysconf(_SC_CLK_TCK);
    *engine_us = *zygotes_us = 0;
    for (int i = 0; i < n; i++)
        *(pids[i] == self ? engine_us : zygotes_us) += (double)proc_cpu_ticks(pids[i]) * tick_us;
}

static const char *hello_world(const char *lang)
{
    if (!strcmp(lang, "javascript") || !strcmp(lang, "typescript") || !strcmp(lang, "node"))
        return "console.log(2 + 2)";
    if (!strcmp(lang, "bash"))
        return "echo 4";
    return "print(2 + 2)";
}

static void report(struct bench *b, double wall_s, int conc)
{
    qsort(b->lat_us, (size_t)b->runs, sizeof *b->lat_us, cmp_double);
#define PCT(p) b->lat_us[(int)((p) * (b->runs - 1) + 0.5)]
    printf("runs %d, concurrency %d, failed %d\n", b->runs, conc, b->failed);
    printf("latency submit->result: p50 %.0f us, p95 %.0f us, p99 %.0f us, max %.0f us\n",
           PCT(0.50), PCT(0.95), PCT(0.99), b->lat_us[b->runs - 1]);
    printf("throughput: %.0f runs/s (%.2f s)\n", b->runs / wall_s, wall_s);
#undef PCT
}

static int run_bench(struct bench *b, int conc)
{
    pthread_t *t = calloc((size_t)conc, sizeof *t);
    int nprocs;
    char err[512];
    if (!t || kiln_engine_warm(b->engine, err, sizeof err) < 0) {
        fprintf(stderr, "kiln: %s\n", t ? err : "out of memory");
        free(t);
        return CLI_EXIT_XX;
    }
    for (int i = 0; i < 20; i++) { /* warm-up, not measured */
        struct kiln_result r;
        if (kiln_execute(b->engine, &b->req, &r, err, sizeof err) == 0)
            kiln_result_free(&r);
    }
    usleep(100 * 1000);
    long idle = kiln_pss_kib(&nprocs);
    printf("memory at idle: PSS %.1f MiB in %d kiln processes\n", idle / 1024.0, nprocs);
    double e0, z0, e1, z1;
    kiln_cpu_us(&e0, &z0);
    double t0 = now_us();
    b->t0_us = t0;
    for (int i = 0; i < conc; i++)
        pthread_create(&t[i], NULL, worker, b);
    for (int i = 0; i < conc; i++)
        pthread_join(t[i], NULL);
    report(b, (now_us() - t0) / 1e6, conc);
    usleep(100 * 1000); /* the last children reaped and refilled */
    kiln_cpu_us(&e1, &z1);
    double per_run = (e1 - e0 + z1 - z0) / b->runs;
    long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
    printf("CPU per run: %.0f us (engine %.0f, zygotes and their children %.0f): at most %.0f "
           "runs/s on %ld CPUs\n",
           per_run, (e1 - e0) / b->runs, (z1 - z0) / b->runs,
           per_run > 0 ? ncpus * 1e6 / per_run : 0.0, ncpus);
    long end = kiln_pss_kib(&nprocs);
    printf("memory at the end: PSS %.1f MiB in %d kiln processes\n", end / 1024.0, nprocs);
    free(t);
    return b->failed ? 1 : 0;
}

int cmd_bench(int argc, char **argv)
{
    const char *lang = "python";
    int runs = 2000, conc = 2, slots = 0, c;
    optind = 1;
    double rate = 0;
    while ((c = getopt(argc, argv, "l:n:c:s:r:h")) != -1) {
        if (c == 'l')
            lang = optarg;
        else if (c == 'n')
            runs = atoi(optarg);
        else if (c == 'c')
            conc = atoi(optarg);
        else if (c == 's')
            slots = atoi(optarg);
        else if (c == 'r')
            rate = atof(optarg);
        else {
            fputs(BENCH_USAGE, c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : CLI_EXIT_XX;
        }
    }
    if (!slots)
        slots = conc;
    if (runs < 1 || conc < 1 || conc > 256 || slots < 1 || slots > 256 || rate < 0 ||
        optind < argc - 1) {
        fputs(BENCH_USAGE, stderr);
        return CLI_EXIT_XX;
    }
    kiln_engine *e = cli_engine_slots((unsigned)slots);
    struct kiln_language_info li;
    if (!e)
        return CLI_EXIT_XX;
    if (kiln_language_lookup(e, lang, &li) < 0) {
        fprintf(stderr, "kiln: unknown language '%s'\n", lang);
        kiln_engine_destroy(e);
        return CLI_EXIT_XX;
    }
    const char *code = optind < argc ? argv[optind] : hello_world(li.name);
    struct kiln_file f = { .name = li.source, .data = code, .len = strlen(code) };
    struct bench b = { .engine = e, .runs = runs, .rate = rate,
                       .lat_us = calloc((size_t)runs, sizeof(double)),
                       .req = { .language = li.name, .files = &f, .nfiles = 1 } };
    pthread_mutex_init(&b.lock, NULL);
    printf("kiln bench: %s, %s\n", li.name, li.display);
    int rc = b.lat_us ? run_bench(&b, conc) : CLI_EXIT_XX;
    pthread_mutex_destroy(&b.lock);
    free(b.lat_us);
    kiln_engine_destroy(e);
    return rc;
}
