/* route_v2.h — Piston's API: /api/v2/runtimes and /api/v2/execute. */
#ifndef KILN_SERVER_ROUTE_V2_H
#define KILN_SERVER_ROUTE_V2_H

#include "server/srv.h"

void v2_runtimes(struct server *s, struct srv_reply *out);
void v2_render(struct server *s, const struct jreq *jr, int rc, const struct kiln_result *res,
               const char *err, struct srv_reply *out);

#endif
