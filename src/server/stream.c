/* stream.c — a run's events as Server-Sent Events (see the header). */
#define _GNU_SOURCE
#include "server/stream.h"

#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/json.h"
#include "util/utf8.h"

/* Bytes of events waiting for a slow client before output events are
 * dropped; start, violation, memory-warning and the last event always go. */
#define STREAM_PENDING_MAX (4u << 20)
#define STREAM_BLOCK 16384

struct srv_stream {
    pthread_mutex_t lock;
    struct MHD_Connection *conn;
    struct buf pending; /* event bytes not yet handed to libmicrohttpd */
    size_t taken;       /* of pending, already handed */
    unsigned refs;      /* the request's, and the response's once made */
    bool done;          /* the last event is in pending */
    bool parked;        /* the reader suspended the connection, waiting */
    bool gone;          /* the response was freed: nobody reads any more */
    uint64_t dropped;   /* output bytes not sent to a slow client */
    /* Per stream (stdout, stderr): the start of a UTF-8 sequence cut by a
     * chunk's end, held for the next chunk. */
    struct utf8_carry carry[2];
};

bool stream_wanted(struct MHD_Connection *c)
{
    const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
    return accept && strcasestr(accept, "text/event-stream");
}

struct srv_stream *stream_new(struct MHD_Connection *c)
{
    struct srv_stream *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    pthread_mutex_init(&st->lock, NULL);
    st->conn = c;
    st->refs = 1;
    return st;
}

void stream_release(struct srv_stream *st)
{
    if (!st)
        return;
    pthread_mutex_lock(&st->lock);
    bool last = --st->refs == 0;
    pthread_mutex_unlock(&st->lock);
    if (!last)
        return;
    buf_free(&st->pending);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

/* With the lock held: the reader waits for bytes; give them to it. */
static void wake(struct srv_stream *st)
{
    if (st->parked && !st->gone) {
        st->parked = false;
        MHD_resume_connection(st->conn);
    }
}

/* With the lock held: one event, `event: NAME` and its JSON on one line. */
static void queue_event(struct srv_stream *st, const char *name, const char *json, size_t len,
                        bool droppable)
{
    if (st->gone || st->done)
        return;
    if (droppable && st->pending.len - st->taken + len > STREAM_PENDING_MAX) {
        st->dropped += len;
        return;
    }
    if (st->taken == st->pending.len) { /* all handed: start the buffer over */
        st->pending.len = 0;
        st->taken = 0;
    }
    size_t before = st->pending.len;
    if (buf_append(&st->pending, "event: ", 7) < 0 ||
        buf_append(&st->pending, name, strlen(name)) < 0 ||
        buf_append(&st->pending, "\ndata: ", 7) < 0 || buf_append(&st->pending, json, len) < 0 ||
        buf_append(&st->pending, "\n\n", 2) < 0)
        st->pending.len = before; /* out of memory: the event is lost, not half-sent */
    wake(st);
}

/* An output chunk, whole UTF-8 sequences only; a cut one waits for the
 * next chunk of its stream. */
static cJSON *chunk_json(struct srv_stream *st, int which, const char *data, size_t len)
{
    struct buf b = { 0 };
    cJSON *s = utf8_carry_take(&st->carry[which], data, len, &b) < 0 ? NULL
                                                                      : json_bytes(b.data, b.len);
    buf_free(&b);
    return s;
}

static const char *event_name(enum kiln_event_type t)
{
    switch (t) {
    case KILN_EVENT_START: return "start";
    case KILN_EVENT_STDOUT: return "stdout";
    case KILN_EVENT_STDERR: return "stderr";
    case KILN_EVENT_VIOLATION: return "violation";
    case KILN_EVENT_MEMORY_WARNING: return "memory-warning";
    }
    return "unknown";
}

/* The event's JSON; NULL when out of memory. */
static cJSON *event_json(struct srv_stream *st, const struct kiln_event *ev)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "stage", ev->stage);
    cJSON_AddItemToObject(o, "case", ev->case_index >= 0 ? cJSON_CreateNumber(ev->case_index)
                                                         : cJSON_CreateNull());
    switch (ev->type) {
    case KILN_EVENT_START:
        st->carry[0].n = st->carry[1].n = 0; /* a new process: nothing carries over */
        break;
    case KILN_EVENT_STDOUT:
    case KILN_EVENT_STDERR:
        cJSON_AddItemToObject(o, "data", chunk_json(st, ev->type == KILN_EVENT_STDERR,
                                                    ev->data, ev->len));
        break;
    case KILN_EVENT_VIOLATION:
        cJSON_AddStringToObject(o, "syscall", ev->syscall ? ev->syscall : "unknown");
        break;
    case KILN_EVENT_MEMORY_WARNING:
        cJSON_AddNumberToObject(o, "memory", (double)ev->mem_kib * 1024);
        cJSON_AddNumberToObject(o, "limit", (double)ev->limit_kib * 1024);
        break;
    }
    return o;
}

void stream_on_event(const struct kiln_event *ev, void *arg)
{
    struct srv_stream *st = arg;
    pthread_mutex_lock(&st->lock);
    cJSON *o = st->gone ? NULL : event_json(st, ev);
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    if (text) {
        bool output = ev->type == KILN_EVENT_STDOUT || ev->type == KILN_EVENT_STDERR;
        queue_event(st, event_name(ev->type), text, strlen(text), output);
    }
    pthread_mutex_unlock(&st->lock);
    free(text);
    cJSON_Delete(o);
}

void stream_finish(struct srv_stream *st, unsigned http, const char *body, size_t len)
{
    pthread_mutex_lock(&st->lock);
    if (st->dropped) {
        char json[64];
        int n = snprintf(json, sizeof json, "{\"bytes\":%llu}", (unsigned long long)st->dropped);
        queue_event(st, "dropped", json, (size_t)n, false);
    }
    queue_event(st, http == 200 ? "complete" : "error", body ? body : "{}", body ? len : 2, false);
    st->done = true;
    wake(st);
    pthread_mutex_unlock(&st->lock);
}

/* libmicrohttpd asks for the next bytes. Nothing pending: park the
 * connection until the producer has some (returning 0 unparked would make
 * libmicrohttpd call again at once, a busy loop). */
static ssize_t read_events(void *cls, uint64_t pos, char *out, size_t max)
{
    struct srv_stream *st = cls;
    (void)pos;
    pthread_mutex_lock(&st->lock);
    size_t n = st->pending.len - st->taken;
    if (n > max)
        n = max;
    ssize_t rc = (ssize_t)n;
    if (n) {
        memcpy(out, st->pending.data + st->taken, n);
        st->taken += n;
    } else if (st->done)
        rc = MHD_CONTENT_READER_END_OF_STREAM;
    else {
        st->parked = true;
        MHD_suspend_connection(st->conn);
    }
    pthread_mutex_unlock(&st->lock);
    return rc;
}

static void response_freed(void *cls)
{
    struct srv_stream *st = cls;
    pthread_mutex_lock(&st->lock);
    st->gone = true;
    pthread_mutex_unlock(&st->lock);
    stream_release(st);
}

struct MHD_Response *stream_response(struct srv_stream *st)
{
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, read_events, st,
                                          response_freed);
    if (!r)
        return NULL;
    pthread_mutex_lock(&st->lock);
    st->refs++;
    pthread_mutex_unlock(&st->lock);
    return r;
}
