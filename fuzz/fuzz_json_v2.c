/* fuzz_json_v2.c — libFuzzer target: the body of Piston's POST /api/v2/execute
 * through the server's parser (jreq_parse_v2), checked by body_check.c. */
#include "body_check.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    body_check(BODY_API_V2, data, size);
    return 0;
}
