/* num.h — whole numbers from text, strictly. */
#ifndef KILN_UTIL_NUM_H
#define KILN_UTIL_NUM_H

#include <stdint.h>

/* s is decimal digits only (no sign, no blanks, nothing after) with a value
 * in [min, max]: 0 and *out set; else -1 and *out untouched. */
int num_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

#endif
