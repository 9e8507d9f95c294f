/* handler.h — libmicrohttpd's callbacks and the workers' jobs: one request
 * from its headers to its completion. */
#ifndef KILN_SERVER_HANDLER_H
#define KILN_SERVER_HANDLER_H

#include "server/srv.h"

/* MHD_AccessHandlerCallback and MHD_RequestCompletedCallback; cls is the server. */
enum MHD_Result handler_access(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **req_cls);
void handler_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                       enum MHD_RequestTerminationCode toe);

/* workers_fn: run a queued request (worker), or answer it 503 (drain deadline). */
void handler_job_run(void *item, void *arg);
void handler_job_cancel(void *item, void *arg);

/* Labels of kiln_http_requests_total: the routes' paths, then "other". */
const char *const *handler_route_names(size_t *n);

#endif
