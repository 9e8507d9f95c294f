// attack: perf_event_open on this process and on every CPU
// why: performance counters leak other tenants' activity and have had escalations
//   (CVE-2013-2094 "perf_swevent")
// expect: status=OK
// stdout: DONE
// absent: PERF-ALLOWED
// denied: perf_event_open
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.type = PERF_TYPE_SOFTWARE;
    a.config = PERF_COUNT_SW_CPU_CLOCK;
    if (syscall(SYS_perf_event_open, &a, 0, -1, -1, 0) >= 0) puts("PERF-ALLOWED self");
    if (syscall(SYS_perf_event_open, &a, -1, 0, -1, 0) >= 0) puts("PERF-ALLOWED cpu0");
    puts("DONE");
    return 0;
}
