// attack: name_to_handle_at on a file, then open_by_handle_at with guessed inode handles of the
//   host's root file system
// why: the "shocker" escape from Docker (2014) opened host files by inode, around every mount
// expect: status=OK
// stdout: DONE
// absent: OPENED-BY-HANDLE
// denied: name_to_handle_at open_by_handle_at
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void)
{
    struct file_handle *h = malloc(sizeof *h + 128);
    h->handle_bytes = 128;
    int mnt;
    if (name_to_handle_at(AT_FDCWD, "/etc/passwd", h, &mnt, 0) == 0) puts("got a handle");
    h->handle_bytes = 8;
    h->handle_type = 1;
    memset(h->f_handle, 0, 8);
    h->f_handle[0] = 2; /* inode 2: the root of most file systems */
    int fd = open_by_handle_at(open("/", O_RDONLY), h, O_RDONLY);
    if (fd >= 0) printf("OPENED-BY-HANDLE %d\n", fd);
    puts("DONE");
    return 0;
}
