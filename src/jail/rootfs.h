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

/* Keeper side, async-signal-safe: joins the template, unshares a private
 * copy, mounts the run's tmpfs and its /proc. On failure returns -1 with
 * errno set and *what naming the step. */
int rootfs_enter(int mnt_fd, const struct rootfs_run_opts *o, const char **what);

#endif
