/* stats.h — the clock and the percentiles every benchmark of bench/ prints. */
#ifndef KILN_BENCH_STATS_H
#define KILN_BENCH_STATS_H

#include <stdlib.h>
#include <time.h>

static inline double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The p-quantile (0..1) of n values already sorted by sort_us. */
static inline double pct(const double *v, int n, double p)
{
    return v[(int)(p * (n - 1) + 0.5)];
}

static inline void sort_us(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
}

#endif
