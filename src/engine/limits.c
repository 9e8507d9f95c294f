/* limits.c — the table of per-run limits, and their resolution against
 * defaults and maxima. Every front end (CLI flags, config, HTTP) names and
 * bounds a limit through this one table (STYLE 10). */
#include <stdio.h>
#include <string.h>

#include "kiln.h"
#include "util/err.h"

#define FIELD(f, lo, hi, u, w) \
    { #f, offsetof(struct kiln_limits, f), (lo), (hi), (u), (w) }

/* min and max are absolute bounds: an engine's configured maxima may only
 * narrow them. */
const struct kiln_limit_field kiln_limit_fields[] = {
    FIELD(cpu_ms, 1, 600000, "ms", "CPU time of all processes of the run"),
    FIELD(wall_ms, 1, 3600000, "ms", "wall-clock time of the run"),
    FIELD(mem_kib, 1024, 64u << 20, "KiB", "memory of all processes, tmpfs files included"),
    FIELD(procs, 1, 32768, "", "processes and threads alive at once"),
    FIELD(output_kib, 1, 1u << 20, "KiB", "bytes kept of stdout and of stderr, each"),
    FIELD(fsize_kib, 1, 16u << 20, "KiB", "largest file a process may write"),
    FIELD(disk_kib, 64, 16u << 20, "KiB", "size of each writable tmpfs"),
    FIELD(nofile, 8, 65536, "", "open file descriptors per process"),
};
const size_t kiln_limit_field_count = sizeof kiln_limit_fields / sizeof kiln_limit_fields[0];

static uint32_t *limit_slot(struct kiln_limits *l, const struct kiln_limit_field *f)
{
    return (uint32_t *)((char *)l + f->offset);
}

static uint32_t limit_value(const struct kiln_limits *l, const struct kiln_limit_field *f)
{
    return *(const uint32_t *)((const char *)l + f->offset);
}

int kiln_limits_resolve(struct kiln_limits *dst, const struct kiln_limits *defaults,
                        const struct kiln_limits *maxima, char *err, size_t errlen)
{
    for (size_t i = 0; i < kiln_limit_field_count; i++) {
        const struct kiln_limit_field *f = &kiln_limit_fields[i];
        uint32_t *v = limit_slot(dst, f);
        uint32_t max = f->max;
        if (maxima && limit_value(maxima, f) && limit_value(maxima, f) < max)
            max = limit_value(maxima, f);
        if (*v == 0 && defaults)
            *v = limit_value(defaults, f);
        if (*v == 0)
            *v = max;
        if (*v < f->min || *v > max)
            return err_set(err, errlen, "limit %s=%u out of range [%u, %u]%s%s", f->name, *v,
                           f->min, max, *f->unit ? " " : "", f->unit);
    }
    return 0;
}
