/* fuzz.h — what every libFuzzer target of kiln shares: the entry point's
 * prototype and the check that turns a broken invariant into a crash.
 *
 * A target feeds its input through kiln's real parser, frees everything
 * (so that LeakSanitizer checks the error paths too) and checks with
 * FUZZ_CHECK what must hold whatever the input. A failed check aborts:
 * libFuzzer reports it like any crash and keeps the input. */
#ifndef KILN_FUZZ_FUZZ_H
#define KILN_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Called by libFuzzer once per input; data holds exactly size bytes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Not assert(): a -DNDEBUG build must not silence the checks. */
#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_failed(#cond, __FILE__, __LINE__))

static inline void fuzz_failed(const char *what, const char *file, int line)
{
    fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
    abort();
}

#endif
