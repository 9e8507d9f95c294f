/* supervise.c — the supervisor's event loop for one run.
 *
 * One thread, one poll() over the program's stdout and stderr pipes and
 * the keeper's message socket (and the fds below). The timeout of each
 * poll is the nearest of: the wall deadline, the next CPU check, the setup
 * deadline.
 * CPU time is read from the slot's cgroup, so it counts every process of
 * the run; the next check comes when the remaining budget could at the
 * earliest be spent (remaining / CPUs), which keeps the enforcement within
 * a few ms of the limit without polling in a tight loop.
 *
 * Killing the keeper (pid 1 of the run's PID namespace) makes the kernel
 * kill every process of the run; the pipes then reach end of file.
 *
 * With an event sink (a caller streaming the run), the loop also tells
 * the start, every chunk of output as kept, the first denial of each call
 * and, once, memory at 80 % of its limit: for that it reads the group's
 * peak every MEM_CHECK_MS, which only a streamed run pays for.
 *
 * Two more fds may join the poll: the client's socket (hangup_fd), whose
 * hang-up cancels the run, and an interactive run's signal pipe
 * (signal_fd), each byte a signal for the program's processes.
 */
#define _GNU_SOURCE
#include "supervise.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "jail/denials.h"
#include "jail/msg.h"
#include "jail/seccomp.h"
#include "util/err.h"

/* How long the keeper may take to set up the jail, or to send the files
 * back, before the run is declared a sandbox failure. */
#define SETUP_TIMEOUT_MS 10000
#define COLLECT_TIMEOUT_MS 10000
/* After a kill the kernel empties the namespace at once; this only bounds
 * the wait for the pipes' end of file if something is badly wrong. */
#define DRAIN_TIMEOUT_MS 5000
/* A warm run has no keeper whose death empties its namespace: after a kill
 * the slot's group is signalled again this often, since a fork bomb forks
 * while a pass goes over it, until the pipes close. */
#define KILL_REPEAT_MS 10
#define CPU_CHECK_MIN_MS 2
#define CPU_CHECK_MAX_MS 100
#define MEM_CHECK_MS 10
#define MEM_WARN_PERCENT 80
/* The loop's own times, in ms of CLOCK_MONOTONIC (0: not yet). */
struct supervise_clock {
    int64_t started_at;     /* the program started (or the loop saw it had) */
    int64_t exited_at;      /* the keeper reported the program's exit */
    int64_t next_cpu_check; /* when the slot's CPU counter is read next */
    int64_t last_kill_pass; /* the last SIGKILL pass over a warm run's group */
    int64_t next_mem_check; /* with events: when the group's peak is read next */
};

/* Denied calls answered for one run before it is killed (SG): far more
 * than a program that probes a few calls makes, few enough that answering
 * them costs the supervisor at most ~150 ms of CPU. */
#define DENIALS_PER_RUN_MAX 10000
/* Bound on what the keeper may send back, whatever the tmpfs sizes. */
#define COLLECT_MAX_BYTES (256u << 20)

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t mono_ms(void)
{
    return mono_ns() / 1000000;
}

static void kill_run(struct supervision *s, enum kiln_status why, const char *fmt, unsigned v)
{
    if (s->kill_reason != KILN_OK)
        return;
    s->kill_reason = why;
    s->killed_at_ms = mono_ms();
    snprintf(s->kill_message, sizeof s->kill_message, fmt, v);
    /* A keeper is pid 1 of the run: killing it empties the namespace. A
     * warm child has no keeper: its slot's cgroup holds exactly the run. */
    if (s->keeper > 0)
        kill(s->keeper, SIGKILL);
    else
        cg_slot_signal_all(s->cg, NULL, 0);
}

/* One event to the sink, with the stage and case it knows. */
static void tell(const struct supervision *s, struct kiln_event ev)
{
    ev.stage = s->events->stage;
    ev.case_index = s->events->case_index;
    s->events->fn(&ev, s->events->arg);
}

/* The start, once: when STARTED arrives, or with the first output, which
 * the same poll may have brought before it. */
static void tell_start(struct supervision *s)
{
    if (!s->start_told) {
        s->start_told = true;
        tell(s, (struct kiln_event){ .type = KILN_EVENT_START });
    }
}

/* The signals a client may send its program: those a terminal or a
 * process manager would. */
static bool signal_allowed(int sig)
{
    return sig == SIGHUP || sig == SIGINT || sig == SIGQUIT || sig == SIGKILL ||
           sig == SIGUSR1 || sig == SIGUSR2 || sig == SIGTERM;
}

/* signal_fd is readable: the signals written to it go to every process of
 * the program (a cold run's keeper is spared: it reports how the program
 * ended); its end of file cancels the run. */
static void take_signals(struct supervision *s)
{
    unsigned char sigs[16];
    ssize_t n = read(s->signal_fd, sigs, sizeof sigs);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        kill_run(s, KILN_XX, "cancelled: the client went away%.0u", 0u);
        s->signal_fd = -1;
        return;
    }
    for (ssize_t i = 0; i < n && s->kill_reason == KILN_OK; i++)
        if (signal_allowed(sigs[i]))
            cg_slot_signal(s->cg, sigs[i], s->keeper > 0 ? s->keeper : 0, NULL, 0);
}

/* Keeps at most `limit` bytes; past that, flags and stops the run. */
static int read_output(struct supervision *s, int *fd, struct buf *b, bool *truncated,
                       enum kiln_event_type stream)
{
    char chunk[65536];
    ssize_t n = read(*fd, chunk, sizeof chunk);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : -1;
    if (n == 0) {
        close(*fd);
        *fd = -1;
        return 0;
    }
    size_t limit = (size_t)s->limits->output_kib * 1024;
    size_t room = b->len < limit ? limit - b->len : 0;
    size_t kept = (size_t)n < room ? (size_t)n : room;
    if (buf_append(b, chunk, kept) < 0)
        return -1;
    if (s->events && kept) {
        tell_start(s);
        tell(s, (struct kiln_event){ .type = stream, .data = chunk, .len = kept });
    }
    if ((size_t)n > room) {
        *truncated = true;
        kill_run(s, KILN_OL, "output limit of %u KiB exceeded", s->limits->output_kib);
    }
    return 0;
}

static int on_file_msg(struct jail_outcome *o, const char *p, uint32_t len, size_t *total)
{
    struct msg_file mf;
    if (len < sizeof mf)
        return -1;
    memcpy(&mf, p, sizeof mf);
    if (mf.name_len == 0 || mf.name_len > len - sizeof mf || mf.size > COLLECT_MAX_BYTES)
        return -1;
    struct jail_file *files = realloc(o->files, (o->nfiles + 1) * sizeof *files);
    if (!files)
        return -1;
    o->files = files;
    struct jail_file *f = &files[o->nfiles];
    memset(f, 0, sizeof *f);
    f->name = strndup(p + sizeof mf, mf.name_len);
    f->mode = mf.mode;
    o->nfiles++;
    *total += mf.name_len;
    return f->name && box_path_valid(f->name) ? 0 : -1;
}

static int on_data_msg(struct jail_outcome *o, const char *p, uint32_t len, size_t *total)
{
    if (o->nfiles == 0 || *total + len > COLLECT_MAX_BYTES)
        return -1;
    struct jail_file *f = &o->files[o->nfiles - 1];
    char *d = realloc(f->data, f->len + len + 1);
    if (!d)
        return -1;
    memcpy(d + f->len, p, len);
    f->data = d;
    f->len += len;
    d[f->len] = '\0';
    *total += len;
    return 0;
}

/* A warm child's report, or the zygote's, ends its run: whatever the run
 * left would hold the pipes open, so it is shot now; the pool empties the
 * group for good before the slot is used again. */
static void end_warm_run(struct supervision *s)
{
    s->wall_ns = mono_ns() - s->started_at_ns;
    cg_slot_signal_all(s->cg, NULL, 0);
}

/* Whether a message on chan is the program's word rather than kiln's. */
static bool from_program(const struct supervision *s)
{
    return s->chan_shared && s->started;
}

static int on_message(struct supervision *s, struct jail_outcome *o, const char *m, size_t n,
                      int *fds, size_t nfds, size_t *collected)
{
    struct msg_hdr h;
    if (n < sizeof h)
        return -1;
    memcpy(&h, m, sizeof h);
    const char *p = m + sizeof h;
    if (h.len != n - sizeof h)
        return -1;
    /* A program can claim it has ended (its own loss: the run is ended and
     * its processes killed), never that the sandbox failed or sent files. */
    if (from_program(s) && h.type != MSG_EXITED && !(s->cell && h.type == MSG_CELL_DONE))
        return -1;
    switch (h.type) {
    case MSG_STARTED:
        s->started = true;
        return 0;
    case MSG_EXITED: {
        struct msg_exited e;
        if (h.len != sizeof e)
            return -1;
        memcpy(&e, p, sizeof e);
        s->exited = true;
        s->wait_status = e.wait_status;
        s->verdict = s->chan_shared && !s->verdict_trusted ? MSG_VERDICT_NONE : e.verdict;
        s->wall_ns = e.wall_ns;
        if (s->keeper <= 0)
            end_warm_run(s);
        return 0;
    }
    case MSG_CELL_DONE: {
        struct msg_exited e;
        if (!s->cell || h.len != sizeof e)
            return -1;
        memcpy(&e, p, sizeof e);
        s->cell_done = s->exited = true;
        s->wait_status = e.wait_status;
        s->verdict = s->verdict_trusted ? e.verdict : MSG_VERDICT_NONE;
        s->wall_ns = mono_ns() - s->started_at_ns;
        return 0;
    }
    case MSG_FAIL: {
        struct msg_fail f;
        if (h.len != sizeof f)
            return -1;
        memcpy(&f, p, sizeof f);
        s->failed = true;
        s->fail_errno = f.err;
        memcpy(s->fail_what, f.what, sizeof s->fail_what);
        s->fail_what[sizeof s->fail_what - 1] = '\0';
        return 0;
    }
    case MSG_FILE:
        return on_file_msg(o, p, h.len, collected);
    case MSG_DATA:
        return on_data_msg(o, p, h.len, collected);
    case MSG_FILES_END:
        s->files_done = true;
        return 0;
    case MSG_LISTENER:
        if (nfds != 1 || s->listener >= 0)
            return -1;
        s->listener = fds[0];
        fds[0] = -1;
        return 0;
    }
    return -1;
}

/* After a cell's end: what its output pipes already hold (the child wrote
 * it before it reported), without waiting for more. */
static void drain_ready(struct supervision *s, struct jail_outcome *o)
{
    int *fds[2] = { &s->out_fd, &s->err_fd };
    struct buf *bufs[2] = { &o->out, &o->err };
    bool *truncated[2] = { &o->out_truncated, &o->err_truncated };
    enum kiln_event_type types[2] = { KILN_EVENT_STDOUT, KILN_EVENT_STDERR };
    for (int i = 0; i < 2; i++) {
        struct pollfd p = { .fd = *fds[i], .events = POLLIN };
        while (*fds[i] >= 0 && s->kill_reason == KILN_OK && poll(&p, 1, 0) > 0 &&
               (p.revents & POLLIN) && read_output(s, fds[i], bufs[i], truncated[i], types[i]) == 0)
            p.fd = *fds[i];
    }
}

/* A message from the keeper or the warm child, with any fds it carries
 * (only MSG_LISTENER has one). -1: the run must be killed as malformed. */
/* The zygote's report of a warm child's exit, the kernel's wait status: it
 * ends the run even when the child sent none (os._exit, a signal) and
 * something the run left holds the pipes open. Read once; the fd is the
 * caller's. */
static void read_reaper(struct supervision *s)
{
    char buf[sizeof(struct msg_hdr) + sizeof(struct msg_exited)];
    struct msg_hdr h;
    struct msg_exited e;
    ssize_t n = recv(s->reaper_fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    s->reaper_fd = -1;
    if (n != (ssize_t)sizeof buf)
        return; /* the zygote is gone: its PID namespace, and the run, with it */
    memcpy(&h, buf, sizeof h);
    memcpy(&e, buf + sizeof h, sizeof e);
    if (h.type != MSG_EXITED || s->exited)
        return; /* the child's own report came first: the run ended there */
    s->exited = true;
    s->wait_status = e.wait_status;
    end_warm_run(s);
}

/* The program wrote on kiln's channel something other than an exit: the
 * channel is read no more (a flood would cost the supervisor, not the run),
 * and the zygote's report of the exit ends the run. */
static int ignore_program(struct supervision *s)
{
    close(s->chan);
    s->chan = -1;
    return 0;
}

static int read_message(struct supervision *s, struct jail_outcome *o, char *msg, size_t msg_cap,
                        size_t *collected)
{
    int fds[MSG_FDS_MAX];
    size_t nfds = 0;
    ssize_t m = msg_recv_fds(s->chan, msg, msg_cap, fds, &nfds);
    if (m < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (m < 0 && errno == EMSGSIZE)
        return from_program(s) ? ignore_program(s) : -1;
    if (m <= 0) {
        close(s->chan);
        s->chan = -1;
        return 0;
    }
    int rc = on_message(s, o, msg, (size_t)m, fds, nfds, collected);
    while (nfds)
        if (fds[--nfds] >= 0)
            close(fds[nfds]);
    if (rc < 0 && from_program(s))
        return ignore_program(s);
    return rc;
}

/* When a CPU budget of cpu_left ms could at the earliest be spent: in
 * cpu_left / CPUs, clamped to CPU_CHECK_MIN_MS..CPU_CHECK_MAX_MS. */
static int64_t cpu_check_wait(const struct supervision *s, int64_t cpu_left)
{
    int64_t wait = cpu_left / (s->ncpus ? s->ncpus : 1);
    return wait < CPU_CHECK_MIN_MS ? CPU_CHECK_MIN_MS : wait > CPU_CHECK_MAX_MS ? CPU_CHECK_MAX_MS : wait;
}

/* Reads the slot's CPU counter; returns the budget left (ms) and sets the
 * time of the next reading. */
static int64_t check_cpu(struct supervision *s, int64_t now, int64_t *next_check)
{
    if (cg_slot_cpu_ns(s->cg, &s->cpu_ns, NULL, 0) < 0) {
        *next_check = INT64_MAX; /* no accounting: the wall limit still holds */
        return 1;
    }
    int64_t cpu_left = (int64_t)s->limits->cpu_ms + s->grace_ms - (int64_t)(s->cpu_ns / 1000000);
    *next_check = now + cpu_check_wait(s, cpu_left);
    return cpu_left;
}

/* With events: tells once that the group's peak memory reached
 * MEM_WARN_PERCENT of its limit. */
static void check_memory(struct supervision *s, struct supervise_clock *c, int64_t now)
{
    if (now < c->next_mem_check)
        return;
    c->next_mem_check = now + MEM_CHECK_MS;
    struct cg_usage u;
    if (cg_slot_usage(s->cg, &u, NULL, 0) < 0)
        return;
    uint64_t limit = (uint64_t)s->limits->mem_kib << 10;
    if (u.mem_peak_bytes * 100 < limit * MEM_WARN_PERCENT)
        return;
    s->memory_told = true;
    tell(s, (struct kiln_event){ .type = KILN_EVENT_MEMORY_WARNING,
                                 .mem_kib = u.mem_peak_bytes >> 10,
                                 .limit_kib = s->limits->mem_kib });
}

/* After a kill (or a warm run's end) at from_ms, which made a SIGKILL pass
 * over the group, until DRAIN_TIMEOUT_MS has passed: the time to wait for
 * the pipes, and for a warm run another pass each KILL_REPEAT_MS. */
static int drain(struct supervision *s, struct supervise_clock *c, int64_t from_ms)
{
    int64_t now = mono_ms(), left = from_ms + DRAIN_TIMEOUT_MS - now;
    if (left <= 0)
        return 0;
    if (s->keeper > 0)
        return (int)left;
    if (c->last_kill_pass < from_ms)
        c->last_kill_pass = from_ms;
    if (now - c->last_kill_pass >= KILL_REPEAT_MS) {
        cg_slot_signal_all(s->cg, NULL, 0);
        c->last_kill_pass = now;
    }
    return (int)(left < KILL_REPEAT_MS ? left : KILL_REPEAT_MS);
}

/* When the loop began to wait for the pipes after a kill or a warm run's
 * end (0: it is not waiting for that). */
static int64_t drain_from(const struct supervision *s, const struct supervise_clock *c)
{
    if (s->kill_reason != KILN_OK)
        return s->killed_at_ms;
    return s->exited && s->keeper <= 0 ? c->exited_at : 0;
}

/* Milliseconds until the next thing the loop must check. Kills the run
 * when a deadline has passed. The cgroup is read only when a CPU check is
 * due, not on every wake-up: a short run wakes the loop four or five times
 * (output, end of file, the report), and each reading costs an open, two
 * reads and a close of a cgroup file. */
static int next_timeout(struct supervision *s, int64_t t0, struct supervise_clock *c)
{
    int64_t now = mono_ms();
    if (s->exited && s->keeper <= 0 && !c->exited_at)
        c->exited_at = now; /* a warm run has ended: what it left is shot */
    if (drain_from(s, c))
        return drain(s, c, drain_from(s, c));
    if (!s->started && !s->exited) {
        if (now - t0 >= SETUP_TIMEOUT_MS)
            kill_run(s, KILN_XX, "the jail took over %u ms to set up", SETUP_TIMEOUT_MS);
        return s->kill_reason ? drain(s, c, s->killed_at_ms) : (int)(t0 + SETUP_TIMEOUT_MS - now);
    }
    if (s->exited) {
        if (!c->exited_at)
            c->exited_at = now;
        if (now - c->exited_at >= COLLECT_TIMEOUT_MS)
            kill_run(s, KILN_XX, "collecting files took over %u ms", COLLECT_TIMEOUT_MS);
        return s->kill_reason ? drain(s, c, s->killed_at_ms) : (int)(c->exited_at + COLLECT_TIMEOUT_MS - now);
    }
    if (!c->started_at) {
        c->started_at = now;
        /* The slot's counters were read when it was prepared: the whole
         * budget is left, and the first check can wait. */
        c->next_cpu_check = now + cpu_check_wait(s, (int64_t)s->limits->cpu_ms);
    }
    int64_t wall_left = c->started_at + s->limits->wall_ms + s->grace_ms - now;
    if (wall_left <= 0) {
        kill_run(s, KILN_TO, "wall time limit of %u ms exceeded", s->limits->wall_ms);
        return drain(s, c, s->killed_at_ms);
    }
    if (now >= c->next_cpu_check && check_cpu(s, now, &c->next_cpu_check) <= 0) {
        kill_run(s, KILN_TO, "CPU time limit of %u ms exceeded", s->limits->cpu_ms);
        return drain(s, c, s->killed_at_ms);
    }
    int64_t next = c->next_cpu_check < now + wall_left ? c->next_cpu_check : now + wall_left;
    if (s->events && !s->memory_told) {
        check_memory(s, c, now);
        if (!s->memory_told && c->next_mem_check < next)
            next = c->next_mem_check;
    }
    return (int)(next - now);
}

int supervise(struct supervision *s, struct jail_outcome *o, char *err, size_t errlen)
{
    s->started_at_ns = mono_ns();
    int64_t t0 = mono_ms();
    struct supervise_clock clock = { 0 };
    size_t msg_cap = sizeof(struct msg_hdr) + MSG_PAYLOAD_MAX, collected = 0;
    char *msg = malloc(msg_cap);
    int rc = 0;
    if (!msg) {
        kill_run(s, KILN_XX, "out of memory (%u)", 0);
        rc = err_set(err, errlen, "out of memory");
    }
    /* A warm run is not over before an exit is known: a program may close
     * its pipes and stop talking on chan, and still run under its limits. */
    while (s->chan >= 0 || s->out_fd >= 0 || s->err_fd >= 0 || (s->reaper_fd >= 0 && !s->exited)) {
        struct pollfd pfd[7] = {
            { .fd = s->out_fd, .events = POLLIN },
            { .fd = s->err_fd, .events = POLLIN },
            { .fd = s->chan, .events = POLLIN },
            { .fd = s->listener, .events = POLLIN },
            { .fd = s->kill_reason == KILN_OK ? s->hangup_fd : -1, .events = POLLRDHUP },
            { .fd = s->reaper_fd, .events = POLLIN },
            { .fd = s->kill_reason == KILN_OK ? s->signal_fd : -1, .events = POLLIN },
        };
        int timeout = next_timeout(s, t0, &clock);
        int n = poll(pfd, 7, timeout);
        if (n < 0 && errno != EINTR) {
            kill_run(s, KILN_XX, "poll failed (%u)", (unsigned)errno);
            rc = err_set(err, errlen, "poll: %m");
            break;
        }
        /* Killed or ended, yet the pipes stay open (or keep flowing): give up
         * on them. */
        int64_t from = drain_from(s, &clock);
        if (from && mono_ms() - from >= DRAIN_TIMEOUT_MS)
            break;
        if (n <= 0)
            continue;
        if (pfd[0].revents &&
            read_output(s, &s->out_fd, &o->out, &o->out_truncated, KILN_EVENT_STDOUT) < 0)
            kill_run(s, KILN_XX, "reading stdout failed (%u)", (unsigned)errno);
        if (pfd[1].revents &&
            read_output(s, &s->err_fd, &o->err, &o->err_truncated, KILN_EVENT_STDERR) < 0)
            kill_run(s, KILN_XX, "reading stderr failed (%u)", (unsigned)errno);
        if (pfd[4].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) {
            /* "%.0u" prints nothing of the 0: the message has no number. */
            kill_run(s, KILN_XX, "cancelled: the client went away%.0u", 0u);
            s->hangup_fd = -1;
        }
        if (pfd[6].revents)
            take_signals(s);
        /* Denied calls first: their callers are blocked until answered. */
        unsigned ncalls = o->denials.ncalls;
        if ((pfd[3].revents & POLLIN) && denials_answer(s->listener, &o->denials) < 0 &&
            errno != ENOENT && errno != EINTR) {
            close(s->listener);
            s->listener = -1;
        } else if ((pfd[3].revents & POLLIN) && o->denials.total > DENIALS_PER_RUN_MAX) {
            /* Each answer costs the supervisor ~15 us that no cgroup charges
             * to the run: a loop of denied calls would make the host spend
             * more CPU than the run's own limit. A plain seccomp kill would
             * have stopped it at the first; this stops it at the bound. */
            kill_run(s, KILN_SG, "killed after %u denied system calls", DENIALS_PER_RUN_MAX);
        } else if (pfd[3].revents & (POLLHUP | POLLERR | POLLNVAL)) {
            close(s->listener); /* no process of the run is left under the filter */
            s->listener = -1;
        }
        if (s->events && o->denials.ncalls > ncalls)
            tell(s, (struct kiln_event){ .type = KILN_EVENT_VIOLATION,
                                         .syscall = seccomp_denied_name(
                                             o->denials.calls[o->denials.ncalls - 1].nr) });
        if (pfd[2].revents && msg && read_message(s, o, msg, msg_cap, &collected) < 0)
            kill_run(s, KILN_XX, "malformed message from the keeper (%u)", 0u);
        if (s->events && s->started)
            tell_start(s);
        if (s->cell_done) {
            drain_ready(s, o);
            break;
        }
        if (pfd[5].revents)
            read_reaper(s);
        if (s->exited && s->keeper <= 0 && s->chan >= 0) {
            close(s->chan); /* a warm child says nothing after its report */
            s->chan = -1;
        }
    }
    free(msg);
    /* A run shorter than MEM_CHECK_MS, or one that grew between the last
     * check and its end, has its peak read once more: the group's peak
     * outlives the processes. */
    if (s->events && !s->memory_told && clock.started_at) {
        clock.next_mem_check = 0;
        check_memory(s, &clock, mono_ms());
    }
    /* Without the keeper's EXITED (it was killed), the wall time is the
     * supervisor's own observation, from STARTED to the kill. */
    if (clock.started_at && s->wall_ns == 0)
        s->wall_ns = ((s->killed_at_ms ? s->killed_at_ms : mono_ms()) - clock.started_at) * 1000000;
    int *fds[] = { &s->chan, &s->out_fd, &s->err_fd, &s->listener };
    bool keep = s->cell_done && s->kill_reason == KILN_OK; /* for the next cell */
    for (size_t i = 0; !keep && i < sizeof fds / sizeof fds[0]; i++)
        if (*fds[i] >= 0) {
            close(*fds[i]);
            *fds[i] = -1;
        }
    return rc;
}
