/* result.c — status names and the lifetime of results. */
#include <stdlib.h>
#include <string.h>

#include "kiln.h"

const char *kiln_status_name(enum kiln_status status)
{
    static const char *const names[] = {
        [KILN_OK] = "OK", [KILN_RE] = "RE", [KILN_SG] = "SG", [KILN_TO] = "TO",
        [KILN_ML] = "ML", [KILN_OL] = "OL", [KILN_CE] = "CE", [KILN_XX] = "XX",
    };
    if ((unsigned)status < sizeof names / sizeof *names && names[status])
        return names[status];
    return "XX";
}

static void stage_free(struct kiln_stage *st)
{
    free(st->out);
    free(st->err);
    st->out = st->err = NULL;
    st->out_len = st->err_len = 0;
}

void kiln_result_free(struct kiln_result *result)
{
    if (!result)
        return;
    stage_free(&result->compile);
    stage_free(&result->run);
}
