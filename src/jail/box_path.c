/* box_path.c — the rule for a file name inside /box (see box_path.h). */
#include "jail/box_path.h"

#include <stddef.h>

bool box_path_valid(const char *name)
{
    size_t total = 0, comp = 0;
    if (!name || !*name || *name == '/')
        return false;
    for (const char *p = name;; p++) {
        if (*p == '/' || *p == '\0') {
            const char *start = p - comp;
            if (comp == 0 || (comp == 1 && start[0] == '.') ||
                (comp == 2 && start[0] == '.' && start[1] == '.'))
                return false;
            if (*p == '\0')
                return true;
            comp = 0;
        } else {
            if ((unsigned char)*p < 0x20 || *p == 0x7f || ++comp > 255)
                return false;
        }
        if (++total > 1024)
            return false;
    }
}
