/* cgroup.c — host detection, the slot's lifecycle over the backend ops
 * table (cgroup_v1.c, cgroup_v2.c), and the file helpers they share. */
#include "jail/cgroup.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jail/cgroup_impl.h"
#include "util/err.h"

/* A drain gives up after CG_DRAIN_LIMIT_NS (~1 s): a process stuck in the
 * kernel (D state) must not hang the supervisor. Between rounds it pauses
 * from 50 us doubling to 2 ms: an exiting process is usually gone within a
 * few hundred microseconds, and a warm pool drains a slot after every run. */
#define CG_DRAIN_LIMIT_NS 1000000000L
#define CG_DRAIN_PAUSE_MIN_NS 50000L
#define CG_DRAIN_PAUSE_MAX_NS 2000000L
/* Fields of one mountinfo line; real lines have ~11. */
#define MI_MAX_FIELDS 64

/* ---- mountinfo ---------------------------------------------------------- */

struct mi_field {
    const char *s;
    size_t n;
};

/* The best mount seen so far for one role (a v1 controller, or cgroup2). */
struct mi_pick {
    struct mi_field mount;
    bool at_root;
    bool set;
};

struct mi_picks {
    struct mi_pick memory, pids, cpuacct, unified;
};

static bool mi_eq(struct mi_field f, const char *s)
{
    return strlen(s) == f.n && memcmp(f.s, s, f.n) == 0;
}

/* Splits on sep. Mountinfo fields are separated by single spaces (blanks
 * inside a field are escaped); super options by commas. */
static size_t mi_split(struct mi_field text, char sep, struct mi_field *f, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i <= text.n && n < max; i++) {
        size_t start = i;
        while (i < text.n && text.s[i] != sep)
            i++;
        f[n++] = (struct mi_field){text.s + start, i - start};
    }
    return n;
}

/* Whether a comma-separated option list holds opt exactly ("cpu,cpuacct"
 * holds both; "cpuacct" does not hold "cpu"). */
static bool mi_has_opt(struct mi_field opts, const char *opt)
{
    struct mi_field f[MI_MAX_FIELDS];
    size_t n = mi_split(opts, ',', f, MI_MAX_FIELDS);
    for (size_t i = 0; i < n; i++)
        if (mi_eq(f[i], opt))
            return true;
    return false;
}

static bool is_odigit(char c)
{
    return c >= '0' && c <= '7';
}

/* The kernel writes space, tab, newline and backslash in paths as \ooo. */
static int mi_unescape(struct mi_field f, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < f.n; i++) {
        char c = f.s[i];
        if (c == '\\' && i + 3 < f.n && is_odigit(f.s[i + 1]) && is_odigit(f.s[i + 2]) &&
            is_odigit(f.s[i + 3])) {
            int v = (f.s[i + 1] - '0') * 64 + (f.s[i + 2] - '0') * 8 + (f.s[i + 3] - '0');
            if (v == 0 || v > 255)
                return -1;
            c = (char)v;
            i += 3;
        }
        if (o + 1 >= size)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

/* A bind of a subfolder (a container's view) can serve, but a mount of
 * the hierarchy's root wins: groups are named from the root. */
static void mi_offer(struct mi_pick *p, struct mi_field mount, bool at_root)
{
    if (!p->set || (at_root && !p->at_root))
        *p = (struct mi_pick){mount, at_root, true};
}

/* "36 25 0:31 / /sys/fs/cgroup/memory rw,nosuid shared:8 - cgroup cgroup rw,memory"
 * Malformed lines are skipped: one odd mount must not hide the others. */
static void mi_line(const char *line, size_t len, struct mi_picks *picks)
{
    struct mi_field f[MI_MAX_FIELDS];
    size_t n = mi_split((struct mi_field){line, len}, ' ', f, MI_MAX_FIELDS);
    size_t sep = 6; /* optional fields start after the per-mount options */
    while (sep < n && !mi_eq(f[sep], "-"))
        sep++;
    if (sep + 3 >= n)
        return;
    struct mi_field mount = f[4];
    bool at_root = mi_eq(f[3], "/");
    struct mi_field fstype = f[sep + 1];
    struct mi_field super = f[sep + 3];
    if (mi_eq(fstype, "cgroup2")) {
        mi_offer(&picks->unified, mount, at_root);
    } else if (mi_eq(fstype, "cgroup")) {
        if (mi_has_opt(super, "memory"))
            mi_offer(&picks->memory, mount, at_root);
        if (mi_has_opt(super, "pids"))
            mi_offer(&picks->pids, mount, at_root);
        if (mi_has_opt(super, "cpuacct"))
            mi_offer(&picks->cpuacct, mount, at_root);
    }
}

static int mi_copy(const struct mi_pick *p, char *dst, char *err, size_t errlen)
{
    if (!p->set)
        return 0;
    if (mi_unescape(p->mount, dst, PATH_MAX) < 0) {
        errno = ENAMETOOLONG;
        return err_set(err, errlen, "mountinfo: bad or too long mount point \"%.*s\"",
                       (int)(p->mount.n > 80 ? 80 : p->mount.n), p->mount.s);
    }
    return 0;
}

int cg_host_parse_mountinfo(const char *text, struct cg_host *host, char *err, size_t errlen)
{
    struct mi_picks picks = {0};
    memset(host, 0, sizeof *host);
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        mi_line(p, len, &picks);
        p += len + (nl != NULL);
    }
    int rc;
    /* v1 wins when it holds memory: the controller is then absent from any
     * cgroup2 mount (hybrid hosts mount an empty one for systemd). */
    if (picks.memory.set) {
        host->version = CG_V1;
        rc = mi_copy(&picks.memory, host->memory, err, errlen);
        if (rc == 0)
            rc = mi_copy(&picks.pids, host->pids, err, errlen);
        if (rc == 0)
            rc = mi_copy(&picks.cpuacct, host->cpu, err, errlen);
    } else if (picks.unified.set) {
        host->version = CG_V2;
        rc = mi_copy(&picks.unified, host->memory, err, errlen);
        memcpy(host->pids, host->memory, sizeof host->pids);
        memcpy(host->cpu, host->memory, sizeof host->cpu);
    } else {
        errno = ENOENT;
        rc = err_set(err, errlen, "mountinfo: no cgroup v1 memory hierarchy and no cgroup2 mount");
    }
    if (rc < 0)
        memset(host, 0, sizeof *host);
    return rc;
}

/* ---- file helpers ------------------------------------------------------- */

int cg_open(int dirfd, const char *file, int flags)
{
    int fd;
    do
        fd = openat(dirfd, file, flags | O_CLOEXEC | O_NOFOLLOW);
    while (fd < 0 && errno == EINTR);
    return fd;
}

bool cg_file_exists(int dirfd, const char *file)
{
    return faccessat(dirfd, file, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int cg_write_file(int dirfd, const char *dir, const char *file, const char *val, char *err,
                  size_t errlen)
{
    int fd = cg_open(dirfd, file, O_WRONLY);
    if (fd < 0)
        return err_set(err, errlen, "open %s/%s: %m", dir, file);
    /* One write(2) per value: cgroupfs parses each write on its own, so a
     * value split over two calls would be two wrong values. */
    size_t len = strlen(val);
    ssize_t n;
    do
        n = write(fd, val, len);
    while (n < 0 && errno == EINTR);
    int rc = 0;
    if (n < 0)
        rc = err_set(err, errlen, "write %s/%s \"%s\": %m", dir, file, val);
    else if ((size_t)n != len)
        rc = err_set(err, errlen, "write %s/%s \"%s\": short write", dir, file, val);
    close(fd);
    return rc;
}

/* Reads from offset 0 until EOF or buf is full; returns the length. */
static ssize_t fd_read_at0(int fd, char *buf, size_t size)
{
    size_t len = 0;
    while (len < size) {
        ssize_t n = pread(fd, buf + len, size - len, (off_t)len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        len += (size_t)n;
    }
    return (ssize_t)len;
}

int cg_read_file(int dirfd, const char *dir, const char *file, char *buf, size_t size, char *err,
                 size_t errlen)
{
    int fd = cg_open(dirfd, file, O_RDONLY);
    if (fd < 0)
        return err_set(err, errlen, "open %s/%s: %m", dir, file);
    ssize_t n = fd_read_at0(fd, buf, size);
    int rc = 0;
    if (n < 0) {
        rc = err_set(err, errlen, "read %s/%s: %m", dir, file);
    } else if ((size_t)n == size) {
        errno = EFBIG;
        rc = err_set(err, errlen, "read %s/%s: more than %zu bytes", dir, file, size - 1);
    } else {
        buf[n] = '\0';
    }
    close(fd);
    return rc;
}

/* Reads a file of unknown size (mountinfo, cgroup.procs) into *out (malloc). */
static int fd_read_alloc(int fd, const char *what, char **out, char *err, size_t errlen)
{
    size_t cap = 4096;
    size_t len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return err_set(err, errlen, "read %s: %m", what);
    for (;;) {
        if (len + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                return err_set(err, errlen, "read %s: %m", what);
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            return err_set(err, errlen, "read %s: %m", what);
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    *out = buf;
    return 0;
}

int cg_parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = s;
    if (strncmp(p, "max", 3) == 0) {
        v = UINT64_MAX;
        p += 3;
    } else {
        if (!isdigit((unsigned char)*p))
            return -1;
        for (; isdigit((unsigned char)*p); p++) {
            uint64_t d = (uint64_t)(*p - '0');
            if (v > (UINT64_MAX - d) / 10)
                return -1;
            v = v * 10 + d;
        }
    }
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    if (*p)
        return -1;
    *out = v;
    return 0;
}

bool cg_has_word(const char *list, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = list; *p;) {
        p += strspn(p, " \t\n");
        size_t n = strcspn(p, " \t\n");
        if (n == wl && memcmp(p, word, n) == 0)
            return true;
        p += n;
    }
    return false;
}

int cg_read_u64(int dirfd, const char *dir, const char *file, uint64_t *out, char *err,
                size_t errlen)
{
    char what[PATH_MAX + NAME_MAX + 2];
    snprintf(what, sizeof what, "%s/%s", dir, file);
    int fd = cg_open(dirfd, file, O_RDONLY);
    if (fd < 0)
        return err_set(err, errlen, "open %s: %m", what);
    int rc = cg_fd_read_u64(fd, what, out, err, errlen);
    close(fd);
    return rc;
}

/* Finds "key value" among the lines of buf (which it cuts up). */
static int parse_key_u64(char *buf, const char *what, const char *key, uint64_t *out, bool *found,
                         char *err, size_t errlen)
{
    size_t kl = strlen(key);
    *out = 0;
    for (char *line = buf; *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
            if (cg_parse_u64(line + kl + 1, out) < 0) {
                errno = EINVAL;
                return err_set(err, errlen, "read %s: bad line \"%.40s\"", what, line);
            }
            if (found)
                *found = true;
            return 0;
        }
        line = nl ? nl + 1 : line + strlen(line);
    }
    if (found) {
        *found = false;
        return 0;
    }
    errno = ENOENT;
    return err_set(err, errlen, "read %s: no \"%s\" line", what, key);
}

int cg_read_key_u64(int dirfd, const char *dir, const char *file, const char *key,
                    uint64_t *out, bool *found, char *err, size_t errlen)
{
    char buf[4096], what[PATH_MAX + NAME_MAX + 2];
    if (cg_read_file(dirfd, dir, file, buf, sizeof buf, err, errlen) < 0)
        return -1;
    snprintf(what, sizeof what, "%s/%s", dir, file);
    return parse_key_u64(buf, what, key, out, found, err, errlen);
}

int cg_fd_read_key_u64(int fd, const char *what, const char *key, uint64_t *out, bool *found,
                       char *err, size_t errlen)
{
    char buf[4096];
    ssize_t n = fd_read_at0(fd, buf, sizeof buf);
    if (n < 0)
        return err_set(err, errlen, "read %s: %m", what);
    if ((size_t)n == sizeof buf) {
        errno = EFBIG;
        return err_set(err, errlen, "read %s: more than %zu bytes", what, sizeof buf - 1);
    }
    buf[n] = '\0';
    return parse_key_u64(buf, what, key, out, found, err, errlen);
}

int cg_fd_read_u64(int fd, const char *what, uint64_t *out, char *err, size_t errlen)
{
    char buf[64];
    ssize_t n = fd_read_at0(fd, buf, sizeof buf - 1);
    if (n < 0)
        return err_set(err, errlen, "read %s: %m", what);
    buf[n] = '\0';
    if (cg_parse_u64(buf, out) < 0) {
        errno = EINVAL;
        return err_set(err, errlen, "read %s: not a number: \"%.30s\"", what, buf);
    }
    return 0;
}

/* ---- folders ------------------------------------------------------------ */

/* ASCII only, whatever the locale says isalnum means. */
static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}

int cg_group_check(const char *group, char *err, size_t errlen)
{
    const char *p = group ? group : "";
    for (;;) {
        size_t n = strcspn(p, "/");
        bool ok = n > 0 && n <= NAME_MAX && !(n == 1 && p[0] == '.') &&
                  !(n == 2 && p[0] == '.' && p[1] == '.');
        for (size_t i = 0; ok && i < n; i++)
            ok = is_name_char(p[i]);
        if (!ok) {
            errno = EINVAL;
            return err_set(err, errlen,
                           "cgroup name \"%.100s\": want relative components of [A-Za-z0-9._-]",
                           group ? group : "(null)");
        }
        p += n;
        if (!*p)
            return 0;
        p++; /* a trailing or doubled '/' leaves an empty component: refused above */
    }
}

/* Walks group from the mount root with *at calls, so no component can be
 * swapped for a symlink between the checks and the use. */
static int mkdir_group(const char *mount, const char *group, cg_parent_hook hook, bool *created,
                       char *err, size_t errlen)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", mount); /* callers checked mount/group fits */
    int fd = cg_open(AT_FDCWD, mount, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return err_set(err, errlen, "open %s: %m", mount);
    for (const char *p = group; *p;) {
        char name[NAME_MAX + 1];
        size_t n = strcspn(p, "/");
        memcpy(name, p, n);
        name[n] = '\0';
        if (hook && hook(fd, dir, err, errlen) < 0)
            goto fail;
        *created = mkdirat(fd, name, 0755) == 0;
        if (!*created && errno != EEXIST) {
            err_set(err, errlen, "mkdir %s/%s: %m", dir, name);
            goto fail;
        }
        int child = cg_open(fd, name, O_RDONLY | O_DIRECTORY);
        if (child < 0) {
            err_set(err, errlen, "open %s/%s: %m", dir, name);
            goto fail;
        }
        close(fd);
        fd = child;
        size_t dl = strlen(dir);
        snprintf(dir + dl, sizeof dir - dl, "/%s", name);
        p += n + (p[n] == '/');
    }
    return fd;
fail:
    close(fd);
    return -1;
}

int cg_slot_add_dir(struct cg_slot *slot, int i, const char *mount, const char *group,
                    cg_parent_hook hook, char *err, size_t errlen)
{
    if ((size_t)snprintf(slot->path[i], sizeof slot->path[i], "%s/%s", mount, group) >=
        sizeof slot->path[i]) {
        errno = ENAMETOOLONG;
        return err_set(err, errlen, "cgroup path %s/%s: too long", mount, group);
    }
    for (int j = 0; j < i; j++) {
        /* Co-mounted controllers ("rw,memory,pids", or v2): one folder. */
        if (slot->dirfd[j] >= 0 && strcmp(slot->path[j], slot->path[i]) == 0) {
            slot->dirfd[i] = slot->dirfd[j];
            return 0;
        }
    }
    slot->dirfd[i] = mkdir_group(mount, group, hook, &slot->created[i], err, errlen);
    return slot->dirfd[i] < 0 ? -1 : 0;
}

bool cg_slot_dir_is_first(const struct cg_slot *slot, int i)
{
    if (slot->dirfd[i] < 0)
        return false;
    for (int j = 0; j < i; j++)
        if (slot->dirfd[j] == slot->dirfd[i])
            return false;
    return true;
}

/* ---- processes ---------------------------------------------------------- */

/* cgroup.procs of one folder, as a malloc'd array. */
static int procs_read(int dirfd, const char *dir, pid_t **pids, size_t *n, char *err,
                      size_t errlen)
{
    char what[PATH_MAX + 16];
    snprintf(what, sizeof what, "%s/cgroup.procs", dir);
    int fd = cg_open(dirfd, "cgroup.procs", O_RDONLY);
    if (fd < 0)
        return err_set(err, errlen, "open %s: %m", what);
    char *text;
    int rc = fd_read_alloc(fd, what, &text, err, errlen);
    close(fd);
    if (rc < 0)
        return -1;
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    *pids = malloc((lines + 1) * sizeof **pids);
    if (!*pids) {
        free(text);
        return err_set(err, errlen, "read %s: %m", what);
    }
    *n = 0;
    for (char *p = text; *p;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end != p && v > 0 && v <= INT32_MAX)
            (*pids)[(*n)++] = (pid_t)v;
        p = end + strcspn(end, "\n");
        p += *p == '\n';
    }
    free(text);
    return 0;
}

int cg_procs_attach(struct cg_slot *slot, pid_t pid, char *err, size_t errlen)
{
    char val[24];
    snprintf(val, sizeof val, "%d", (int)pid);
    for (int i = 0; i < CG_NCTL; i++)
        if (cg_slot_dir_is_first(slot, i) &&
            cg_write_file(slot->dirfd[i], slot->path[i], "cgroup.procs", val, err, errlen) < 0)
            return -1;
    return 0;
}

int cg_slot_open_procs(struct cg_slot *slot, int fds[CG_PROCS_FDS_MAX], char *err, size_t errlen)
{
    int n = 0;
    for (int i = 0; i < CG_NCTL && n < CG_PROCS_FDS_MAX; i++) {
        if (!cg_slot_dir_is_first(slot, i))
            continue;
        int fd = cg_open(slot->dirfd[i], "cgroup.procs", O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            while (n > 0)
                close(fds[--n]);
            return err_set(err, errlen, "open %s/cgroup.procs: %m", slot->path[i]);
        }
        fds[n++] = fd;
    }
    return n;
}

int cg_procs_count(struct cg_slot *slot, char *err, size_t errlen)
{
    int count = 0;
    for (int i = 0; i < CG_NCTL; i++) {
        pid_t *pids;
        size_t n;
        if (!cg_slot_dir_is_first(slot, i))
            continue;
        if (procs_read(slot->dirfd[i], slot->path[i], &pids, &n, err, errlen) < 0)
            return -1;
        free(pids);
        count += (int)n;
    }
    return count;
}

/* Pids signalled so far, so that one slow to die is counted once. */
struct pid_set {
    pid_t *v;
    size_t n, cap;
};

/* 1 if pid is new to the set, 0 if it was there, -1 on ENOMEM. */
static int pid_set_add(struct pid_set *s, pid_t pid)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == pid)
            return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        pid_t *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = pid;
    return 1;
}

/* One round of a drain: *left counts what is still listed. With a signal,
 * every process but `spare` (and the caller) gets it; a signal other than
 * SIGKILL only once, though v1 lists a process in each controller's group
 * (a second SIGINT would interrupt the handler of the first). A pid read here could
 * in principle be reaped and reused before kill(2); the window is
 * microseconds, and v2 avoids it with cgroup.kill. */
static int drain_round(struct cg_slot *slot, int sig, pid_t spare, struct pid_set *killed,
                       size_t *left, char *err, size_t errlen)
{
    pid_t self = getpid();
    *left = 0;
    for (int i = 0; i < CG_NCTL; i++) {
        pid_t *pids;
        size_t n;
        if (!cg_slot_dir_is_first(slot, i))
            continue;
        if (procs_read(slot->dirfd[i], slot->path[i], &pids, &n, err, errlen) < 0)
            return -1;
        *left += n;
        for (size_t j = 0; sig && j < n; j++) {
            if (pids[j] == self || pids[j] == spare) /* never shoot the supervisor */
                continue;
            int fresh = pid_set_add(killed, pids[j]);
            if (fresh < 0) {
                free(pids);
                return err_set(err, errlen, "realloc: %m");
            }
            if (fresh || sig == SIGKILL)
                kill(pids[j], sig);
        }
        free(pids);
    }
    return 0;
}

int cg_procs_drain(struct cg_slot *slot, bool send_kill, char *err, size_t errlen)
{
    struct pid_set killed = {0};
    int rc = -1;
    long pause_ns = CG_DRAIN_PAUSE_MIN_NS, waited_ns = 0;
    for (;;) {
        size_t left;
        if (drain_round(slot, send_kill ? SIGKILL : 0, 0, &killed, &left, err, errlen) < 0)
            goto out;
        if (left == 0) {
            rc = (int)killed.n;
            goto out;
        }
        if (waited_ns >= CG_DRAIN_LIMIT_NS)
            break;
        /* SIGKILL is delivered asynchronously: give the exits a moment. */
        struct timespec pause = {0, pause_ns};
        nanosleep(&pause, NULL);
        waited_ns += pause_ns;
        pause_ns = pause_ns * 2 > CG_DRAIN_PAUSE_MAX_NS ? CG_DRAIN_PAUSE_MAX_NS : pause_ns * 2;
    }
    errno = EBUSY;
    err_set(err, errlen, "cgroup %s: processes left after %ld ms%s", slot->path[0],
            waited_ns / 1000000, send_kill ? " of SIGKILL" : " of waiting");
out:
    free(killed.v);
    return rc;
}

/* ---- the slot ----------------------------------------------------------- */

/* Closes the folders; removes them all, or only those this slot made. */
static void slot_free(struct cg_slot *slot, bool remove_all)
{
    if (slot->ops->release)
        slot->ops->release(slot);
    for (int i = 0; i < CG_NKEPT; i++)
        if (slot->kept_fd[i] >= 0)
            close(slot->kept_fd[i]);
    for (int i = 0; i < CG_NCTL; i++) {
        if (!cg_slot_dir_is_first(slot, i))
            continue;
        if (remove_all || slot->created[i])
            rmdir(slot->path[i]); /* best effort: nothing to do about EBUSY here */
    }
    for (int i = 0; i < CG_NCTL; i++)
        if (cg_slot_dir_is_first(slot, i))
            close(slot->dirfd[i]);
    free(slot);
}

/* An existing group is adopted only when empty: processes in it would be
 * counted against, and killed with, the next run. */
static int slot_check_empty(struct cg_slot *slot, char *err, size_t errlen)
{
    int n = cg_procs_count(slot, err, errlen);
    if (n < 0)
        return -1;
    if (n > 0) {
        errno = EBUSY;
        return err_set(err, errlen, "cgroup %s exists and holds processes", slot->path[0]);
    }
    return 0;
}

struct cg_slot *cg_slot_create(const struct cg_host *host, const char *group, char *err,
                               size_t errlen)
{
    if (!host || (host->version != CG_V1 && host->version != CG_V2)) {
        errno = EINVAL;
        err_set(err, errlen, "cgroup slot: no cgroup support detected");
        return NULL;
    }
    if (cg_group_check(group, err, errlen) < 0)
        return NULL;
    struct cg_slot *slot = calloc(1, sizeof *slot);
    if (!slot) {
        err_set(err, errlen, "calloc: %m");
        return NULL;
    }
    for (int i = 0; i < CG_NCTL; i++)
        slot->dirfd[i] = -1;
    for (int i = 0; i < CG_NKEPT; i++)
        slot->kept_fd[i] = -1;
    slot->peak_fd = -1;
    slot->ops = host->version == CG_V1 ? &cg_v1_ops : &cg_v2_ops;
    if (slot->ops->create(slot, host, group, err, errlen) < 0 ||
        slot_check_empty(slot, err, errlen) < 0) {
        slot_free(slot, false);
        return NULL;
    }
    return slot;
}

static int no_slot(char *err, size_t errlen)
{
    errno = EINVAL;
    return err_set(err, errlen, "cgroup: no slot");
}

int cg_slot_set_limits(struct cg_slot *slot, uint64_t mem_bytes, uint32_t pids_max, char *err,
                       size_t errlen)
{
    if (!slot)
        return no_slot(err, errlen);
    if (slot->ops->set_limits(slot, mem_bytes, pids_max, err, errlen) < 0)
        return -1;
    slot->limits_set = true;
    slot->mem_bytes = mem_bytes;
    slot->pids_max = pids_max;
    return 0;
}

int cg_slot_prepare(struct cg_slot *slot, char *err, size_t errlen)
{
    return slot ? slot->ops->prepare(slot, err, errlen) : no_slot(err, errlen);
}

int cg_slot_attach(struct cg_slot *slot, pid_t pid, char *err, size_t errlen)
{
    if (pid <= 0) {
        errno = EINVAL;
        return err_set(err, errlen, "cgroup attach: bad pid %d", (int)pid);
    }
    return slot ? slot->ops->attach(slot, pid, err, errlen) : no_slot(err, errlen);
}

int cg_slot_cpu_ns(struct cg_slot *slot, uint64_t *ns, char *err, size_t errlen)
{
    return slot ? slot->ops->cpu_ns(slot, ns, err, errlen) : no_slot(err, errlen);
}

int cg_slot_usage(struct cg_slot *slot, struct cg_usage *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    return slot ? slot->ops->usage(slot, out, err, errlen) : no_slot(err, errlen);
}

int cg_slot_mem_current(struct cg_slot *slot, uint64_t *bytes, char *err, size_t errlen)
{
    if (!slot)
        return no_slot(err, errlen);
    const char *file = slot->ops == &cg_v1_ops ? "memory.usage_in_bytes" : "memory.current";
    return cg_read_u64(slot->dirfd[CG_CTL_MEMORY], slot->path[CG_CTL_MEMORY], file, bytes, err,
                       errlen);
}

int cg_slot_signal_all(struct cg_slot *slot, char *err, size_t errlen)
{
    return cg_slot_signal(slot, SIGKILL, 0, err, errlen);
}

int cg_slot_signal(struct cg_slot *slot, int sig, pid_t spare, char *err, size_t errlen)
{
    if (!slot)
        return no_slot(err, errlen);
    struct pid_set killed = { 0 };
    size_t left;
    int rc = drain_round(slot, sig, spare, &killed, &left, err, errlen);
    free(killed.v);
    return rc < 0 ? -1 : (int)killed.n;
}

int cg_slot_kill_all(struct cg_slot *slot, char *err, size_t errlen)
{
    return slot ? slot->ops->kill_all(slot, err, errlen) : no_slot(err, errlen);
}

void cg_slot_destroy(struct cg_slot *slot)
{
    if (!slot)
        return;
    /* Kill first: rmdir of a populated group fails (EBUSY), and a group
     * left behind would keep its processes out of anyone's sight. */
    char err[256];
    (void)slot->ops->kill_all(slot, err, sizeof err);
    slot_free(slot, true);
}

void cg_group_remove(const struct cg_host *host, const char *group)
{
    if (!host || host->version == CG_NONE || cg_group_check(group, NULL, 0) < 0)
        return;
    const char *mounts[CG_NCTL] = {host->memory, host->pids, host->cpu};
    for (int i = 0; i < CG_NCTL; i++) {
        bool seen = !mounts[i][0];
        for (int j = 0; j < i && !seen; j++)
            seen = strcmp(mounts[i], mounts[j]) == 0;
        char path[PATH_MAX];
        if (!seen && (size_t)snprintf(path, sizeof path, "%s/%s", mounts[i], group) < sizeof path)
            rmdir(path);
    }
}

/* ---- host --------------------------------------------------------------- */

int cg_host_detect(struct cg_host *host, char *err, size_t errlen)
{
    memset(host, 0, sizeof *host);
    int fd = cg_open(AT_FDCWD, "/proc/self/mountinfo", O_RDONLY);
    if (fd < 0)
        return err_set(err, errlen, "open /proc/self/mountinfo: %m");
    char *text;
    int rc = fd_read_alloc(fd, "/proc/self/mountinfo", &text, err, errlen);
    close(fd);
    if (rc < 0)
        return -1;
    rc = cg_host_parse_mountinfo(text, host, err, errlen);
    free(text);
    if (rc == 0 && host->version == CG_V2 && cg_v2_check_host(host, err, errlen) < 0) {
        memset(host, 0, sizeof *host);
        return -1;
    }
    return rc;
}

const char *cg_version_name(enum cg_version v)
{
    return v == CG_V1 ? "v1" : v == CG_V2 ? "v2" : "none";
}
