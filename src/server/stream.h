/* stream.h — a run's events as Server-Sent Events (text/event-stream).
 *
 * An execute request sent with `Accept: text/event-stream` is answered
 * 200 as soon as a worker takes it; the body is a stream of events, each
 * `event: NAME` and one `data:` line of JSON:
 *
 *     start           {"stage":"run","case":null}
 *     stdout, stderr  {"stage":"run","case":null,"data":"..."}
 *     violation       {"stage":"run","case":null,"syscall":"mount"}
 *     memory-warning  {"stage":"run","case":null,"memory":N,"limit":N}   (bytes)
 *     dropped         {"bytes":N}: output events a slow reader missed (rare)
 *     complete        the reply the route gives without streaming
 *     error           the error reply, when the engine could not run it
 *
 * The worker thread produces (stream_on_event, stream_finish); the HTTP
 * thread consumes through libmicrohttpd's content reader, which parks the
 * connection (suspends it) when nothing is pending, and the producer
 * resumes it. Both sides hold the stream's lock around suspend and resume,
 * so a wake-up is never lost and a connection is never resumed twice.
 *
 * Pending bytes are bounded (STREAM_PENDING_MAX): a client reading slower
 * than the program writes loses output events, never the server's memory,
 * and `complete` always carries the whole result.
 */
#ifndef KILN_SERVER_STREAM_H
#define KILN_SERVER_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

#include "kiln.h"

struct srv_stream;

/* True when the request asks for an event stream. */
bool stream_wanted(struct MHD_Connection *c);

struct srv_stream *stream_new(struct MHD_Connection *c);
/* The producer's side: a kiln_event_fn (arg: the stream). */
void stream_on_event(const struct kiln_event *ev, void *arg);
/* The last event: `complete` (http 200) or `error` with the reply's body. */
void stream_finish(struct srv_stream *st, unsigned http, const char *body, size_t len);
/* The response whose body is the stream; libmicrohttpd then owns a
 * reference, dropped by stream_release when it is done with it. */
struct MHD_Response *stream_response(struct srv_stream *st);
/* Drops one of the two references (the request's, the response's). */
void stream_release(struct srv_stream *st);

#endif
