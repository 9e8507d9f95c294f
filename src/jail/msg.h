/* msg.h — the messages between the supervisor and a run's keeper.
 *
 * One SOCK_SEQPACKET socketpair per run: every message is one datagram,
 * a header and its payload, so neither side needs to reassemble. The
 * keeper's side must stay async-signal-safe (it runs after a raw clone of
 * a possibly multi-threaded process), hence fixed-size structs and no
 * allocation there.
 */
#ifndef KILN_JAIL_MSG_H
#define KILN_JAIL_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MSG_PAYLOAD_MAX 65536

enum msg_type {
    MSG_ATTACHED = 1, /* supervisor -> keeper: you are in the slot's cgroup, go on */
    MSG_STARTED,      /* keeper: the program is running (struct msg_started) */
    MSG_EXITED,       /* keeper: the program ended, all its processes are dead */
    MSG_FAIL,         /* keeper: the jail could not be set up (struct msg_fail) */
    MSG_FILE,         /* keeper: a file of /box follows (struct msg_file + name) */
    MSG_DATA,         /* keeper: the next bytes of that file */
    MSG_FILES_END,    /* keeper: no more files */
    MSG_SPAWN,        /* engine -> zygote: fork a child for a slot (fds attached) */
    MSG_READY,        /* zygote: runtime initialised (version follows); child: sandboxed, warm */
    MSG_REQUEST,      /* engine -> child: run this (payload memfd and stdin memfd attached) */
    MSG_LISTENER,     /* the program, before exec: its seccomp listener (fd attached) */
    MSG_CELL_DONE,    /* a session's child: the cell ended (struct msg_exited,
                       * the cell's exit code as a wait status); the next
                       * MSG_REQUEST may come */
};

struct msg_hdr {
    uint32_t type;
    uint32_t len; /* of the payload that follows */
};

struct msg_started {
    int64_t start_ns; /* CLOCK_MONOTONIC just before the program was forked */
};

/* What a warm runtime found itself, beyond an exit status: a V8 child that
 * stopped its program at the heap limit or at a deadline exits normally,
 * with its output flushed, and says why here. Keepers send MSG_VERDICT_NONE. */
enum msg_verdict {
    MSG_VERDICT_NONE = 0,
    MSG_VERDICT_MEMORY,   /* the runtime's heap limit was hit */
    MSG_VERDICT_CPU_TIME, /* stopped at the run's CPU time limit */
    MSG_VERDICT_WALL_TIME /* stopped at the run's wall time limit */
};

struct msg_exited {
    int32_t wait_status; /* of the program's first process */
    uint32_t verdict;    /* enum msg_verdict */
    int64_t wall_ns;
};

struct msg_fail {
    int32_t err;     /* errno of the call that failed */
    char what[160];  /* the call and its object, e.g. "mount /tmp" */
};

struct msg_file {
    uint32_t mode;
    uint32_t name_len; /* name bytes follow the struct, no NUL */
    uint64_t size;
};

/* Sends one message; async-signal-safe. Returns -1 with errno on failure. */
int msg_send(int fd, uint32_t type, const void *payload, uint32_t len);
/* The same with file descriptors attached (SCM_RIGHTS), at most MSG_FDS_MAX. */
#define MSG_FDS_MAX 8
int msg_send_fds(int fd, uint32_t type, const void *payload, uint32_t len, const int *fds,
                 size_t nfds);
/* Receives one message into buf (header included) and up to MSG_FDS_MAX
 * fds, made close-on-exec. Returns the message's length, 0 at end of file,
 * -1 on error or a truncated message (any fds received are closed). */
ssize_t msg_recv_fds(int fd, void *buf, size_t buflen, int *fds, size_t *nfds);
/* Sends MSG_FAIL with errno and a description built from two strings
 * (either may be NULL); async-signal-safe. */
void msg_send_fail(int fd, int err, const char *what, const char *object);

#endif
