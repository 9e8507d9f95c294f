/* fuzz_json_v1.c — libFuzzer target: the body of Valkode's POST /api/v1/execute
 * through the server's parser (jreq_parse_v1), checked by body_check.c. */
#include "body_check.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    body_check(BODY_API_V1, data, size);
    return 0;
}
