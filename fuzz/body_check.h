/* body_check.h — one HTTP request body through the server's JSON parser
 * (src/server/json_req.c), with the invariants a parsed request must hold.
 * Shared by the targets of both APIs: fuzz_json_v1.c and fuzz_json_v2.c. */
#ifndef KILN_FUZZ_BODY_CHECK_H
#define KILN_FUZZ_BODY_CHECK_H

#include <stddef.h>
#include <stdint.h>

enum body_api { BODY_API_V1 = 1, BODY_API_V2 = 2 };

/* Parses body as api's POST /execute would, checks the outcome, frees all.
 * Returns only if every invariant held (a broken one aborts). */
void body_check(enum body_api api, const uint8_t *body, size_t len);

#endif
