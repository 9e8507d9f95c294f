/* netns.h — empty network namespaces for jail slots. */
#ifndef KILN_JAIL_NETNS_H
#define KILN_JAIL_NETNS_H

#include <stddef.h>

/* Returns in *fd a new network namespace with only a down loopback. One per
 * slot, made once: creating one per run costs 0.5-1.2 ms with multi-ms
 * tails. Not shared between slots, because abstract unix sockets are
 * scoped by network namespace and would link concurrent runs. */
int netns_create_empty(int *fd, char *err, size_t errlen);

#endif
