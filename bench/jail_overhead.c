/* jail_overhead.c — what the jail adds to one run, measured.
 *
 * For each command, N runs through jail_run (fresh namespaces, root copy,
 * tmpfs, cgroup, seccomp, uid: everything a real run gets) and N plain
 * posix_spawn + waitpid of the same command on the host. Prints the
 * median, p95 and p99 of each and the difference of the medians.
 *
 *   build/bench/jail_overhead [-n RUNS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jail/jail.h"
#include "stats.h"

extern char **environ;

static void report(const char *what, double *v, int n)
{
    sort_us(v, n);
    printf("%-34s median %8.0f us   p95 %8.0f us   p99 %8.0f us\n", what, pct(v, n, 0.5),
           pct(v, n, 0.95), pct(v, n, 0.99));
}

static int bare_run(char *const *argv)
{
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc)
        return -1;
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* An empty static C program, built once with the host's gcc. */
static int build_empty(const char *path, struct jail_file *f)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "printf 'int main(void){return 0;}' | gcc -O2 -static -x c - -o %s",
             path);
    if (system(cmd) != 0)
        return -1;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    struct stat st;
    fstat(fileno(fp), &st);
    f->len = (size_t)st.st_size;
    f->data = malloc(f->len);
    f->name = "empty";
    f->mode = 0755;
    size_t got = fread(f->data, 1, f->len, fp);
    fclose(fp);
    return got == f->len ? 0 : -1;
}

static int measure(struct jail *j, const char *label, char *const *jail_argv,
                   char *const *host_argv, const struct jail_file *files, size_t nfiles, int n)
{
    static char *const env[] = { "PATH=/usr/bin:/bin", "HOME=/box", NULL };
    struct kiln_limits limits = { .cpu_ms = 10000, .wall_ms = 20000, .mem_kib = 256 << 10,
                                  .procs = 64, .output_kib = 1024, .fsize_kib = 65536,
                                  .disk_kib = 65536, .nofile = 256 };
    struct jail_spec spec = { .argv = jail_argv, .envp = env, .files = files, .nfiles = nfiles,
                              .limits = limits };
    double *jt = calloc((size_t)n, sizeof *jt), *ht = calloc((size_t)n, sizeof *ht);
    char err[256], what[128];
    for (int i = 0; i < n; i++) {
        struct jail_outcome o;
        double t0 = now_us();
        if (jail_run(j, 0, &spec, &o, err, sizeof err) < 0 || o.status != KILN_OK) {
            fprintf(stderr, "jail run failed: %s %s\n", err, o.message);
            return -1;
        }
        jt[i] = now_us() - t0;
        jail_outcome_free(&o);
        t0 = now_us();
        if (bare_run(host_argv) < 0) {
            fprintf(stderr, "host run of %s failed\n", host_argv[0]);
            return -1;
        }
        ht[i] = now_us() - t0;
    }
    snprintf(what, sizeof what, "%s, jailed", label);
    report(what, jt, n);
    snprintf(what, sizeof what, "%s, bare posix_spawn", label);
    report(what, ht, n);
    printf("%-34s %8.0f us per run\n\n", "  jail overhead (median - median)",
           pct(jt, n, 0.5) - pct(ht, n, 0.5));
    free(jt);
    free(ht);
    return 0;
}

int main(int argc, char **argv)
{
    int n = 100;
    if (argc == 3 && !strcmp(argv[1], "-n"))
        n = atoi(argv[2]);
    if (n < 1) {
        fprintf(stderr, "usage: jail_overhead [-n RUNS]\n");
        return 2;
    }
    char err[512];
    struct jail_config cfg = { .slots = 1, .uid_base = 62000, .cgroup_name = "kiln-bench" };
    struct jail *j = jail_create(&cfg, err, sizeof err);
    if (!j) {
        fprintf(stderr, "jail_create: %s\n", err);
        return 1;
    }
    struct jail_file empty;
    char host_empty[] = "/tmp/kiln-bench-empty";
    int rc = build_empty(host_empty, &empty);
    printf("%d runs each, one slot, sequential\n\n", n);
    char *je[] = { "./empty", NULL }, *he[] = { host_empty, NULL };
    char *jp[] = { "/usr/bin/python3", "-c", "pass", NULL };
    if (rc == 0)
        rc = measure(j, "empty C program", je, he, &empty, 1, n);
    if (rc == 0)
        rc = measure(j, "python3 -c pass", jp, jp, NULL, 0, n);
    unlink(host_empty);
    free(empty.data);
    jail_destroy(j);
    return rc ? 1 : 0;
}
