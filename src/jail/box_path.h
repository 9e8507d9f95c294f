/* box_path.h — the rule for a file name inside /box. Pure and apart from
 * jail.c, so that code checking requests (the server's parser, its fuzz
 * targets) links it without the jail. */
#ifndef KILN_JAIL_BOX_PATH_H
#define KILN_JAIL_BOX_PATH_H

#include <stdbool.h>

/* True if name is a safe relative path for a file in /box: no leading '/',
 * no empty, "." or ".." component, no control characters, at most 255
 * bytes per component and 1024 in all. Async-signal-safe. */
bool box_path_valid(const char *name);

#endif
