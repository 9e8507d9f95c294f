/* supervise.h — the supervisor's side of one run: pipes, messages, limits. */
#ifndef KILN_JAIL_SUPERVISE_H
#define KILN_JAIL_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "jail/cgroup.h"
#include "jail/jail.h"

struct supervision {
    /* in */
    pid_t keeper;                   /* 0 for a warm child: kill through the cgroup */
    int chan, out_fd, err_fd;       /* read ends; closed by supervise() */
    int hangup_fd;                  /* watched, not closed: when it hangs up the
                                     * run is cancelled (XX); -1: none */
    int signal_fd;                  /* watched, not closed: each byte read is a
                                     * signal for the program, end of file
                                     * cancels the run (XX); -1: none */
    int listener;                   /* seccomp listener (denials.h), or -1 until
                                     * MSG_LISTENER brings it; closed by supervise() */
    const struct kiln_limits *limits;
    struct cg_slot *cg;
    unsigned ncpus;
    uint32_t grace_ms;              /* kill this long after a time limit: a warm
                                     * runtime that stops its program itself at
                                     * the limit gets to flush and report */
    /* A warm child's channel is also in reach of the program it runs: from
     * its MSG_STARTED on, what comes on chan is the program's word. Only
     * MSG_EXITED is taken then, its verdict only if verdict_trusted (a
     * runtime whose programs cannot reach the fd); anything else is
     * ignored. */
    bool chan_shared, verdict_trusted;
    /* A session's cell: the run ends at the child's MSG_CELL_DONE, with
     * the output that came before it; the process, its pipes and channel
     * stay for the next cell (supervise() leaves them open unless the run
     * was killed or the process ended). */
    bool cell;
    const struct jail_events *events; /* NULL: none; else output chunks, the start,
                                       * first denials and the memory warning */
    int reaper_fd;                  /* a warm child's status socket: the zygote's
                                     * MSG_EXITED when it reaps the child (the
                                     * kernel's wait status) ends the run too;
                                     * watched, not closed; -1: none */
    /* out: what the keeper reported */
    bool started, exited, failed, files_done;
    bool cell_done; /* a cell ended (exited is set with it) */
    int wait_status;
    uint32_t verdict; /* enum msg_verdict, from a warm child */
    int64_t wall_ns;
    int fail_errno;
    char fail_what[160];
    /* out: why the supervisor killed the run (KILN_OK if it did not) */
    enum kiln_status kill_reason;
    char kill_message[128];
    int64_t killed_at_ms;
    int64_t started_at_ns; /* when supervise() began */
    uint64_t cpu_ns; /* last reading */
    bool start_told, memory_told; /* events sent once */
};

/* Runs the event loop until the keeper has gone and both pipes reached end
 * of file, enforcing wall time, CPU time and output limits; fills
 * o->out/err/files and the fields above. Returns -1 only on an internal
 * error (the run is killed then). */
int supervise(struct supervision *s, struct jail_outcome *o, char *err, size_t errlen);

#endif
