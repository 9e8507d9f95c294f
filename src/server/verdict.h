/* verdict.h — a judge's verdict of a finished run against the output it
 * was expected to print (a submission's expected_output). Pure code. */
#ifndef KILN_SERVER_VERDICT_H
#define KILN_SERVER_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "kiln.h"

/* True when out[0..len) and expected print the same text, ignoring
 * whitespace at the ends of lines and blank lines at the end: what judges
 * (Judge0, Codeforces' default checker) accept, since a trailing space or
 * newline is not a wrong answer. */
bool verdict_output_matches(const char *out, size_t len, const char *expected);

/* "AC" when the stage exited OK and printed what was expected, "WA" when
 * it exited OK with other output, else the stage's own status (RE, TO, ML,
 * OL, SG, XX): a program that did not finish has no answer to compare. */
const char *verdict_of(const struct kiln_stage *st, const char *expected);

#endif
