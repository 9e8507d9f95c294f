/* route_v1.h — Valkode's API: /api/v1/health, /languages, /execute. */
#ifndef KILN_SERVER_ROUTE_V1_H
#define KILN_SERVER_ROUTE_V1_H

#include "server/srv.h"

void v1_health(struct server *s, struct srv_reply *out);
void v1_languages(struct server *s, struct srv_reply *out);
/* A finished run as Valkode's envelope; *data (if not NULL) is its "data". */
cJSON *v1_result_json(const struct jreq *jr, const struct kiln_result *res, cJSON **data);
void v1_render(struct server *s, const struct jreq *jr, int rc, const struct kiln_result *res,
               const char *err, struct srv_reply *out);

#endif
