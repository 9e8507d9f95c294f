/* submissions.h — /api/v1/submissions: runs that outlive their request,
 * kept in the queue of jobq.h (SQLite, or Redis shared by many nodes).
 *   POST   /api/v1/submissions              one execute body (+ callback_url,
 *                                           expected_output): 201 {token}
 *   POST   /api/v1/submissions/batch        {"submissions": [...]}: all or none
 *   GET    /api/v1/submissions/TOKEN        state (queued, running, done), result
 *   GET    /api/v1/submissions/batch?tokens=T1,T2
 *   DELETE /api/v1/submissions/TOKEN        a queued one (409 once running)
 * A submission of another API key is 404, as an unknown one. */
#ifndef KILN_SERVER_SUBMISSIONS_H
#define KILN_SERVER_SUBMISSIONS_H

#include <cjson/cJSON.h>

#include "server/jobq.h"
#include "server/srv.h"

/* The route's job, on a worker. */
void submissions_job(struct server *s, struct srv_req *r);

/* The queue's figures, this node's runners' and callbacks'. A store that
 * does not answer is logged and reported as unavailable. */
void submissions_stats(struct server *s, struct metrics_queue *out);

/* The JSON of a submission as GET answers it, and as its callback is sent. */
cJSON *submission_json(const struct jobq_sub *sub);

#endif
