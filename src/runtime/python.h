/* python.h — the warm Python runtime: CPython 3.11 embedded from Debian's
 * libpython3.11, for zygote.c. Semantics are those of `python3 main.py`. */
#ifndef KILN_RUNTIME_PYTHON_H
#define KILN_RUNTIME_PYTHON_H

#include "jail/zygote.h"

extern const struct zygote_runtime python_runtime;

#endif
