/* sessions.h — /api/v1/sessions: interpreter sessions over HTTP, each a
 * libkiln session (kiln_session_*) with an id, an owner, an idle timeout
 * and a lifetime. */
#ifndef KILN_SERVER_SESSIONS_H
#define KILN_SERVER_SESSIONS_H

#include "server/srv.h"

struct srv_sessions;

/* Starts the sweeper that ends sessions past their idle timeout or their
 * lifetime. NULL with err. */
struct srv_sessions *sessions_create(struct server *s, char *err, size_t errlen);
/* Stops the sweeper and ends every session. No request may be running.
 * Accepts NULL. */
void sessions_destroy(struct srv_sessions *ss);

/* The route's job, on a worker:
 *   POST   /api/v1/sessions               open one (201)
 *   GET    /api/v1/sessions               the caller's sessions
 *   GET    /api/v1/sessions/ID            its status
 *   POST   /api/v1/sessions/ID/execute    run a cell
 *   DELETE /api/v1/sessions/ID[?graceful=1]  end it (graceful: after the running cell)
 * An ended session answers 410 with the reason it ended, for
 * session_ended_keep_s; a session of another API key is 404. */
void sessions_job(struct server *s, struct srv_req *r);

/* For /metrics and /health: sessions open, opened since start, ended by
 * the sweeper (idle or lifetime). */
struct sessions_stats {
    unsigned open;
    uint64_t opened, expired, cells;
};
void sessions_stats(struct srv_sessions *ss, struct sessions_stats *out);

#endif
