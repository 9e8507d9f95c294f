/* rootfs.h — the jail's root filesystem: a template made once, a private
 * copy with fresh writable mounts for every run. */
#ifndef KILN_JAIL_ROOTFS_H
#define KILN_JAIL_ROOTFS_H

#include <stddef.h>
#include <stdint.h>

/* Builds the read-only root in a new mount namespace (by a short-lived
 * child) and returns an fd that keeps that namespace alive. passwd and
 * group list each of the n uids as user "kiln". */
int rootfs_create(int *mnt_fd, const uint32_t *uids, unsigned n, char *err, size_t errlen);

/* tmpfs options of a run, formatted by the supervisor before the clone so
 * that the keeper does no formatting. */
struct rootfs_run_opts {
    char box[128];    /* /box: the program's files, owned by its uid */
    char tmp[128];    /* /tmp and /var/tmp */
    char shm[128];    /* /dev/shm */
};
void rootfs_run_opts_format(struct rootfs_run_opts *o, uint32_t uid, uint32_t disk_kib);

/* The steps of entering the jail, async-signal-safe; on failure each
 * returns -1 with errno set and *what naming the step.
 *   rootfs_join: join the template's namespace and unshare a private copy;
 *   rootfs_mount_box: fresh tmpfs on /box, /tmp, /var/tmp, /dev/shm, then
 *     chdir /box (needs a private mount namespace);
 *   rootfs_mount_proc: a /proc of the caller's PID namespace, hidepid=2.
 * rootfs_enter does all three, for a keeper. A zygote joins and mounts its
 * /proc once; each of its children unshares again and mounts its boxes. */
int rootfs_join(int mnt_fd, const char **what);
int rootfs_mount_box(const struct rootfs_run_opts *o, const char **what);
int rootfs_mount_proc(const char **what);
int rootfs_enter(int mnt_fd, const struct rootfs_run_opts *o, const char **what);

/* Writes a file below the current directory (/box), creating its folders;
 * name must satisfy box_path_valid. With owner >= 0 the folders and file
 * are given to that uid and gid. Async-signal-safe; -1 with errno. */
int rootfs_write_box_file(const char *name, const char *data, size_t len, uint32_t mode,
                          long owner);

#endif
