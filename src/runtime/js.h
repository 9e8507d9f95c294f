/* js.h — the warm JavaScript and TypeScript runtimes: V8 (runtime/v8.cc,
 * loaded from kiln_v8.so) in fork-ahead zygotes, for zygote.c. */
#ifndef KILN_RUNTIME_JS_H
#define KILN_RUNTIME_JS_H

#include "jail/zygote.h"

extern const struct zygote_runtime javascript_runtime;
extern const struct zygote_runtime typescript_runtime;

#endif
