/* result.h — moving the jail's outcomes into the public result types. */
#ifndef KILN_ENGINE_RESULT_H
#define KILN_ENGINE_RESULT_H

#include "jail/jail.h"
#include "kiln.h"

/* Moves a jail outcome into a public stage (the output buffers change
 * owner; collected files stay with the outcome). */
void result_stage_from_outcome(struct kiln_stage *st, struct jail_outcome *o);
/* The request's files as jail files: borrowed pointers, free() the array. */
struct jail_file *result_request_files(const struct kiln_request *req);

#endif
