/* ws.c — an interactive run over a WebSocket (see the header).
 *
 * The socket thread owns the socket and the write ends of two pipes: the
 * program's stdin, and the run's signal pipe (kiln_request.signal_fd),
 * whose closing cancels the run. The run thread calls kiln_execute; its
 * events become messages. Both queue messages in the one wslay context,
 * under the connection's lock; the run thread then wakes the socket
 * thread, which sends them.
 *
 * Everything a client can make the connection hold is bounded: a message
 * by max_body, stdin not yet read by the program by WS_STDIN_PENDING_MAX,
 * output by the run's output limit (events are what the run kept), the
 * wait for `init` by WS_INIT_TIMEOUT_MS, the wait for the client's close
 * by WS_CLOSE_WAIT_MS, and the connection's life after the run by
 * WS_LINGER_MS. */
#define _GNU_SOURCE
#include "server/ws.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <nettle/base64.h>
#include <nettle/sha1.h>
#include <wslay/wslay.h>

#include "server/deadline.h"
#include "server/reply.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/utf8.h"

#define WS_INIT_TIMEOUT_MS 10000
#define WS_CLOSE_WAIT_MS 2000
/* From the run's end, how long a client that does not read what is queued
 * for it may hold the connection. */
#define WS_LINGER_MS 10000
/* What is read and dropped after the close, at most. */
#define WS_LINGER_MAX_BYTES (16u << 20)
#define WS_STDIN_PENDING_MAX (1u << 20)
/* How often the socket thread looks at the clock and the server's state
 * when nothing happens. */
#define WS_TICK_MS 100

/* Close codes: Piston's, and RFC 6455's. */
enum {
    WS_CLOSE_GOING_AWAY = 1001,
    WS_CLOSE_ALREADY_INIT = 4000,
    WS_CLOSE_INIT_TIMEOUT = 4001,
    WS_CLOSE_ERROR = 4002,
    WS_CLOSE_NOT_INIT = 4003,
    WS_CLOSE_STDIN_ONLY = 4004,
    WS_CLOSE_BAD_SIGNAL = 4005,
    WS_CLOSE_DONE = 4999,
};

enum ws_phase {
    WS_AWAIT_INIT, /* upgraded; the init message has not come */
    WS_RUNNING,    /* the run thread is in kiln_execute */
    WS_ENDED,      /* the exit (or an error) and the close are queued */
};

struct ws_conn {
    struct server *s;
    char accept[BASE64_ENCODE_RAW_LENGTH(SHA1_DIGEST_SIZE) + 1];
    /* The places the upgrade request was admitted with, once upgraded. */
    int key;
    bool holds_place, holds_key;
    MHD_socket sock;
    struct MHD_UpgradeResponseHandle *urh;
    struct buf early; /* bytes after the handshake that libmicrohttpd read */
    size_t early_used;
    bool peer_gone;   /* the socket failed or reached its end */

    pthread_mutex_t lock; /* ctx, phase, jreq, carry */
    wslay_event_context_ptr ctx;
    enum ws_phase phase;
    int64_t phase_at_ms; /* when the phase began: the init and close waits */
    int64_t ended_at_ms;
    uint16_t close_code; /* to send once the queue is empty; 0: none (or sent) */
    char close_reason[64];
    struct jreq jreq;
    struct utf8_carry carry[2];
    pthread_t run_thread;
    bool run_thread_started;

    int wake[2];       /* the run thread's messages wake the socket thread */
    int in_r, in_w;    /* the program's stdin */
    int sig_r, sig_w;  /* kiln_request.signal_fd */
    struct buf stdin_pending; /* written by the client, not yet into the pipe */
    size_t stdin_taken;
    bool stdin_eof;    /* the client sent eof: close in_w once pending is in */
};

static int64_t now_ms(void)
{
    return srv_now_ns() / 1000000;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* ---- the handshake ------------------------------------------------------ */

/* RFC 6455 4.2.2: base64(SHA-1(key + the protocol's GUID)). */
static void accept_value(const char *key, char *out)
{
    static const char GUID[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    struct sha1_ctx sha;
    uint8_t digest[SHA1_DIGEST_SIZE];
    sha1_init(&sha);
    sha1_update(&sha, strlen(key), (const uint8_t *)key);
    sha1_update(&sha, sizeof GUID - 1, (const uint8_t *)GUID);
    sha1_digest(&sha, sizeof digest, digest);
    base64_encode_raw(out, sizeof digest, digest);
    out[BASE64_ENCODE_RAW_LENGTH(SHA1_DIGEST_SIZE)] = '\0';
}

/* A header value holds `token` as one of its comma-separated items. */
static bool header_has_token(const char *value, const char *token)
{
    size_t n = strlen(token);
    for (const char *p = value; p && *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        size_t end = len;
        while (end && (p[end - 1] == ' ' || p[end - 1] == '\t'))
            end--;
        if (end == n && !strncasecmp(p, token, n))
            return true;
        p += len;
    }
    return false;
}

/* The key is 16 bytes in base64: 22 characters and "==". */
static bool key_valid(const char *key)
{
    if (!key || strlen(key) != 24 || strcmp(key + 22, "=="))
        return false;
    for (int i = 0; i < 22; i++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", key[i]))
            return false;
    return true;
}

static const char *header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

void ws_handshake(struct server *s, struct srv_req *r, struct srv_reply *out)
{
    const char *upgrade = header(r->conn, "Upgrade"), *key = header(r->conn, "Sec-WebSocket-Key");
    const char *version = header(r->conn, "Sec-WebSocket-Version");
    if (!header_has_token(upgrade, "websocket") ||
        !header_has_token(header(r->conn, "Connection"), "upgrade")) {
        reply_error(out, SRV_API_V2, 426, "upgrade_required", "%s is a WebSocket: send "
                    "Connection: Upgrade and Upgrade: websocket", r->route->path);
        return;
    }
    if (!version || strcmp(version, "13")) {
        reply_error(out, SRV_API_V2, 426, "upgrade_required", "WebSocket version 13 only "
                    "(Sec-WebSocket-Version: 13)");
        return;
    }
    if (!key_valid(key)) {
        reply_error(out, SRV_API_V2, 400, "invalid_request", "Sec-WebSocket-Key must be 16 "
                    "bytes in base64");
        return;
    }
    struct ws_conn *w = calloc(1, sizeof *w);
    if (!w) {
        reply_error(out, SRV_API_V2, 500, "internal_error", "out of memory");
        return;
    }
    w->s = s;
    w->sock = MHD_INVALID_SOCKET;
    w->wake[0] = w->wake[1] = w->in_r = w->in_w = w->sig_r = w->sig_w = -1;
    pthread_mutex_init(&w->lock, NULL);
    accept_value(key, w->accept);
    r->ws = w;
    *out = (struct srv_reply){ .status = MHD_HTTP_SWITCHING_PROTOCOLS, .upgrade = w };
}

void ws_abandon(struct ws_conn *w)
{
    if (!w)
        return;
    buf_free(&w->early);
    buf_free(&w->stdin_pending);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

/* ---- messages ----------------------------------------------------------- */

/* With the lock held: queues o as a text message, and deletes it. */
static void send_json(struct ws_conn *w, cJSON *o)
{
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    if (text) {
        struct wslay_event_msg m = { .opcode = WSLAY_TEXT_FRAME, .msg = (const uint8_t *)text,
                                     .msg_length = strlen(text) };
        wslay_event_queue_msg(w->ctx, &m); /* copies; fails only once the close is queued */
    }
    free(text);
    cJSON_Delete(o);
}

static cJSON *message(const char *type)
{
    cJSON *o = cJSON_CreateObject();
    if (o)
        cJSON_AddStringToObject(o, "type", type);
    return o;
}

/* With the lock held: the close, once the messages before it are out
 * (wslay sends control frames ahead of queued messages). */
static void end(struct ws_conn *w, uint16_t code, const char *reason)
{
    if (w->phase == WS_ENDED)
        return;
    w->phase = WS_ENDED;
    w->phase_at_ms = w->ended_at_ms = now_ms();
    w->close_code = code;
    snprintf(w->close_reason, sizeof w->close_reason, "%s", reason);
}

/* With the lock held: the close that end() asked for, when its turn came. */
static void queue_close(struct ws_conn *w)
{
    if (!w->close_code || wslay_event_want_write(w->ctx))
        return;
    wslay_event_queue_close(w->ctx, w->close_code, (const uint8_t *)w->close_reason,
                            strlen(w->close_reason));
    w->close_code = 0;
    w->phase_at_ms = now_ms(); /* the wait for the client's close starts now */
}

/* With the lock held: an error message, then the close. */
static void fail(struct ws_conn *w, uint16_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct ws_conn *w, uint16_t code, const char *fmt, ...)
{
    char text[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cJSON *o = message("error");
    cJSON_AddStringToObject(o, "message", text);
    send_json(w, o);
    static const char *const reasons[] = { "Already Initialized", "Initialization Timeout",
                                           "Notified Error", "Not yet Initialized",
                                           "Can only write to stdin", "Invalid Signal" };
    end(w, code, code >= 4000 && code <= 4005 ? reasons[code - 4000] : "Error");
}

/* The run thread wrote something for the socket thread to send. */
static void wake(struct ws_conn *w)
{
    char b = 1;
    if (write(w->wake[1], &b, 1) < 0) {
        /* full: a wake-up is pending already */
    }
}

/* ---- the run ------------------------------------------------------------ */

/* Called in kiln_execute, on the run thread. */
static void on_event(const struct kiln_event *ev, void *arg)
{
    struct ws_conn *w = arg;
    cJSON *o = NULL;
    struct buf b = { 0 };
    pthread_mutex_lock(&w->lock);
    switch (ev->type) {
    case KILN_EVENT_START:
        w->carry[0].n = w->carry[1].n = 0; /* a new process: nothing carries over */
        o = message("stage");
        cJSON_AddStringToObject(o, "stage", ev->stage);
        break;
    case KILN_EVENT_STDOUT:
    case KILN_EVENT_STDERR: {
        int which = ev->type == KILN_EVENT_STDERR;
        if (utf8_carry_take(&w->carry[which], ev->data, ev->len, &b) < 0 || !b.len)
            break;
        o = message("data");
        cJSON_AddStringToObject(o, "stream", which ? "stderr" : "stdout");
        cJSON_AddItemToObject(o, "data", json_bytes(b.data, b.len));
        break;
    }
    case KILN_EVENT_VIOLATION:
        o = message("violation");
        cJSON_AddStringToObject(o, "stage", ev->stage);
        cJSON_AddStringToObject(o, "syscall", ev->syscall ? ev->syscall : "unknown");
        break;
    case KILN_EVENT_MEMORY_WARNING:
        o = message("memory-warning");
        cJSON_AddStringToObject(o, "stage", ev->stage);
        cJSON_AddNumberToObject(o, "memory", (double)ev->mem_kib * 1024);
        cJSON_AddNumberToObject(o, "limit", (double)ev->limit_kib * 1024);
        break;
    }
    if (o)
        send_json(w, o);
    pthread_mutex_unlock(&w->lock);
    buf_free(&b);
    if (o)
        wake(w);
}

/* Piston's exit message, with kiln's status and measurements. */
static cJSON *exit_message(const struct kiln_result *res)
{
    bool compile_failed = res->status == KILN_CE;
    const struct kiln_stage *st = compile_failed ? &res->compile : &res->run;
    cJSON *o = message("exit");
    cJSON_AddStringToObject(o, "stage", compile_failed ? "compile" : "run");
    cJSON_AddItemToObject(o, "code", reply_exit_code(st));
    cJSON_AddItemToObject(o, "signal", reply_signal(st->signal));
    cJSON_AddStringToObject(o, "status", kiln_status_name(res->status));
    cJSON_AddStringToObject(o, "message", st->message);
    cJSON_AddNumberToObject(o, "cpu_time", (double)st->cpu_ms);
    cJSON_AddNumberToObject(o, "wall_time", (double)st->wall_ms);
    cJSON_AddNumberToObject(o, "memory", (double)st->mem_kib * 1024);
    return o;
}

static void *run_main(void *arg)
{
    struct ws_conn *w = arg;
    struct kiln_result res;
    char err[512] = "";
    int64_t t0 = srv_now_ns();
    int rc = kiln_execute(w->s->engine, &w->jreq.req, &res, err, sizeof err);
    uint64_t ns = (uint64_t)(srv_now_ns() - t0);
    size_t lang = (size_t)(w->jreq.lang - w->s->langs);
    pthread_mutex_lock(&w->lock);
    if (rc < 0)
        fail(w, WS_CLOSE_ERROR, "%s", err);
    else {
        send_json(w, exit_message(&res));
        end(w, WS_CLOSE_DONE, "Job Completed");
    }
    pthread_mutex_unlock(&w->lock);
    if (rc == 0) {
        metrics_run(w->s->metrics, lang, &res, ns);
        kiln_result_free(&res);
    }
    wake(w);
    return NULL;
}

/* With the lock held: the init message. */
static void start_run(struct ws_conn *w, const char *text, size_t len)
{
    struct jreq_error e;
    if (jreq_parse_v2(text, len, &w->s->jctx, &w->jreq, &e) < 0) {
        fail(w, WS_CLOSE_ERROR, "%s", e.message);
        return;
    }
    int in[2], sig[2];
    if (pipe2(in, O_CLOEXEC) < 0) {
        fail(w, WS_CLOSE_ERROR, "pipe: %s", strerror(errno));
        return;
    }
    w->in_r = in[0];
    w->in_w = in[1];
    if (pipe2(sig, O_CLOEXEC) < 0) {
        fail(w, WS_CLOSE_ERROR, "pipe: %s", strerror(errno));
        return;
    }
    w->sig_r = sig[0];
    w->sig_w = sig[1];
    /* A program that does not read, or a run between its stages, must not
     * stall the socket thread. */
    fcntl(w->in_w, F_SETFL, O_NONBLOCK);
    fcntl(w->sig_w, F_SETFL, O_NONBLOCK);
    struct kiln_request *req = &w->jreq.req;
    if (req->stdin_len && buf_append(&w->stdin_pending, req->stdin_data, req->stdin_len) < 0) {
        fail(w, WS_CLOSE_ERROR, "out of memory");
        return;
    }
    req->stdin_fd = w->in_r;
    req->signal_fd = w->sig_r;
    req->on_event = on_event;
    req->event_arg = w;
    cJSON *o = message("runtime");
    cJSON_AddStringToObject(o, "language", w->jreq.lang->name);
    cJSON_AddStringToObject(o, "version", w->jreq.lang->version);
    send_json(w, o);
    w->phase = WS_RUNNING;
    w->phase_at_ms = now_ms();
    if (pthread_create(&w->run_thread, NULL, run_main, w) != 0) {
        fail(w, WS_CLOSE_ERROR, "cannot start the run: %s", strerror(errno));
        return;
    }
    w->run_thread_started = true;
}

static const struct {
    const char *name;
    int sig;
} SIGNALS[] = {
    { "SIGHUP", SIGHUP }, { "SIGINT", SIGINT }, { "SIGQUIT", SIGQUIT }, { "SIGKILL", SIGKILL },
    { "SIGUSR1", SIGUSR1 }, { "SIGUSR2", SIGUSR2 }, { "SIGTERM", SIGTERM },
};

/* "SIGINT", "INT" or 2; 0 for anything else. */
static int signal_number(const cJSON *v)
{
    for (size_t i = 0; i < sizeof SIGNALS / sizeof *SIGNALS; i++) {
        if (cJSON_IsString(v) && (!strcmp(v->valuestring, SIGNALS[i].name) ||
                                  !strcmp(v->valuestring, SIGNALS[i].name + 3)))
            return SIGNALS[i].sig;
        if (cJSON_IsNumber(v) && v->valuedouble == SIGNALS[i].sig)
            return SIGNALS[i].sig;
    }
    return 0;
}

/* With the lock held: a message of a running connection. */
static void take_input(struct ws_conn *w, const char *type, const cJSON *doc)
{
    if (!strcmp(type, "data")) {
        const cJSON *stream = cJSON_GetObjectItemCaseSensitive(doc, "stream");
        const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data");
        if (!cJSON_IsString(stream) || strcmp(stream->valuestring, "stdin"))
            fail(w, WS_CLOSE_STDIN_ONLY, "data messages are for stream \"stdin\" only");
        else if (!cJSON_IsString(data))
            fail(w, WS_CLOSE_ERROR, "a data message needs data, a string");
        else if (w->stdin_eof)
            fail(w, WS_CLOSE_ERROR, "stdin was closed by an eof message");
        else if (w->stdin_pending.len - w->stdin_taken + strlen(data->valuestring) >
                 WS_STDIN_PENDING_MAX)
            fail(w, WS_CLOSE_ERROR, "over %u bytes of stdin that the program has not read",
                 WS_STDIN_PENDING_MAX);
        else if (buf_append(&w->stdin_pending, data->valuestring, strlen(data->valuestring)) < 0)
            fail(w, WS_CLOSE_ERROR, "out of memory");
    } else if (!strcmp(type, "eof")) {
        w->stdin_eof = true;
    } else if (!strcmp(type, "signal")) {
        unsigned char sig = (unsigned char)signal_number(
            cJSON_GetObjectItemCaseSensitive(doc, "signal"));
        if (!sig)
            fail(w, WS_CLOSE_BAD_SIGNAL, "signal must be one of SIGHUP, SIGINT, SIGQUIT, "
                 "SIGKILL, SIGUSR1, SIGUSR2, SIGTERM");
        else if (write(w->sig_w, &sig, 1) < 0 && errno != EAGAIN)
            fail(w, WS_CLOSE_ERROR, "the signal could not be passed on: %s", strerror(errno));
        /* EAGAIN: 64 KiB of signals the run has not taken; one more is moot */
    } else if (!strcmp(type, "init"))
        fail(w, WS_CLOSE_ALREADY_INIT, "the run is initialized already");
    else
        fail(w, WS_CLOSE_ERROR, "unknown message type \"%s\"", type);
}

/* wslay, in wslay_event_recv under the lock: one whole message. */
static void on_message(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *m,
                       void *arg)
{
    struct ws_conn *w = arg;
    (void)ctx;
    if (m->opcode != WSLAY_TEXT_FRAME && m->opcode != WSLAY_BINARY_FRAME)
        return; /* pings are answered and closes echoed by wslay itself */
    if (w->phase == WS_ENDED)
        return;
    const char *text = (const char *)m->msg;
    /* What cJSON cannot carry (a NUL would cut a string short) or should
     * not be asked to (deep nesting) is refused, as in an HTTP body. */
    struct jreq_error e;
    if (jreq_prescan(text, m->msg_length, w->s->jctx.max_depth, &e) < 0) {
        fail(w, WS_CLOSE_ERROR, "%s", e.message);
        return;
    }
    cJSON *doc = cJSON_ParseWithLength(text, m->msg_length);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(doc, "type");
    if (!cJSON_IsString(type))
        fail(w, WS_CLOSE_ERROR, "a message is a JSON object with a string \"type\"");
    else if (w->phase == WS_AWAIT_INIT && strcmp(type->valuestring, "init"))
        fail(w, WS_CLOSE_NOT_INIT, "the first message must be init");
    else if (w->phase == WS_AWAIT_INIT)
        start_run(w, text, m->msg_length);
    else
        take_input(w, type->valuestring, doc);
    cJSON_Delete(doc);
}

/* ---- the socket --------------------------------------------------------- */

static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
                       void *arg)
{
    struct ws_conn *w = arg;
    (void)flags;
    if (w->early_used < w->early.len) {
        size_t n = w->early.len - w->early_used < len ? w->early.len - w->early_used : len;
        memcpy(buf, w->early.data + w->early_used, n);
        w->early_used += n;
        return (ssize_t)n;
    }
    ssize_t n = recv(w->sock, buf, len, 0);
    if (n > 0)
        return n;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    w->peer_gone = true;
    wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                       void *arg)
{
    struct ws_conn *w = arg;
    (void)flags; /* the batch is corked instead (send_queued) */
    ssize_t n = send(w->sock, data, len, MSG_NOSIGNAL);
    if (n >= 0)
        return n;
    if (errno == EAGAIN || errno == EINTR)
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    else {
        w->peer_gone = true;
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    }
    return -1;
}

/* The pipe took a part of what was pending: the rest moves to the front
 * once the taken part is the larger, so that the buffer stays within
 * twice the bound however long a client keeps a slow reader fed. */
static void compact_stdin(struct ws_conn *w)
{
    size_t left = w->stdin_pending.len - w->stdin_taken;
    if (!w->stdin_taken || w->stdin_taken < left)
        return;
    memmove(w->stdin_pending.data, w->stdin_pending.data + w->stdin_taken, left);
    w->stdin_pending.len = left;
    w->stdin_taken = 0;
}

/* Moves what stdin has pending into the pipe, as far as it takes it. */
static void feed_stdin(struct ws_conn *w)
{
    while (w->in_w >= 0 && w->stdin_taken < w->stdin_pending.len) {
        ssize_t n = write(w->in_w, w->stdin_pending.data + w->stdin_taken,
                          w->stdin_pending.len - w->stdin_taken);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            compact_stdin(w);
            return;
        }
        if (n < 0) { /* EPIPE cannot happen (in_r is ours); anything else: stop feeding */
            close_fd(&w->in_w);
            return;
        }
        w->stdin_taken += (size_t)n;
    }
    w->stdin_pending.len = w->stdin_taken = 0;
    if (w->stdin_eof)
        close_fd(&w->in_w);
}

/* With the lock held: the clock's part (the init timeout, a shutdown). */
static void check_time(struct ws_conn *w)
{
    if (w->phase != WS_AWAIT_INIT)
        return;
    pthread_mutex_lock(&w->s->lock);
    bool draining = w->s->draining;
    pthread_mutex_unlock(&w->s->lock);
    if (draining)
        end(w, WS_CLOSE_GOING_AWAY, "the server is shutting down");
    else if (now_ms() - w->phase_at_ms >= WS_INIT_TIMEOUT_MS)
        fail(w, WS_CLOSE_INIT_TIMEOUT, "no init message within %u ms", WS_INIT_TIMEOUT_MS);
}

/* With the lock held: the connection is over (the close is through, or
 * the client is gone, or it did not answer the close in time). */
static bool finished(struct ws_conn *w)
{
    if (w->peer_gone || (w->phase == WS_ENDED && now_ms() - w->ended_at_ms >= WS_LINGER_MS))
        return true;
    bool rd = wslay_event_want_read(w->ctx), wr = wslay_event_want_write(w->ctx);
    if (!rd && !wr)
        return true;
    return w->phase == WS_ENDED && !wr && !w->close_code &&
           now_ms() - w->phase_at_ms >= WS_CLOSE_WAIT_MS;
}

/* With the lock held: what is queued, as few segments as it takes. wslay
 * writes a frame's header and payload apart: uncorked, with Nagle off each
 * would be a segment of its own, and with Nagle on the payload waited for
 * the client's delayed ACK (~40 ms: measured, a run's first output came
 * 43 ms after the runtime message). */
static void send_queued(struct ws_conn *w)
{
    if (w->peer_gone || !wslay_event_want_write(w->ctx))
        return;
    int on = 1, off = 0;
    setsockopt(w->sock, IPPROTO_TCP, TCP_CORK, &on, sizeof on);
    if (wslay_event_send(w->ctx) < 0)
        w->peer_gone = true;
    setsockopt(w->sock, IPPROTO_TCP, TCP_CORK, &off, sizeof off);
}

static void serve(struct ws_conn *w)
{
    for (;;) {
        pthread_mutex_lock(&w->lock);
        check_time(w);
        queue_close(w);
        bool done = finished(w);
        bool rd = wslay_event_want_read(w->ctx), wr = wslay_event_want_write(w->ctx);
        bool early = w->early_used < w->early.len;
        pthread_mutex_unlock(&w->lock);
        if (done)
            return;
        bool feeding = w->in_w >= 0 && w->stdin_taken < w->stdin_pending.len;
        struct pollfd p[3] = {
            { .fd = w->sock, .events = (short)((rd ? POLLIN : 0) | (wr ? POLLOUT : 0)) },
            { .fd = w->wake[0], .events = POLLIN },
            { .fd = feeding ? w->in_w : -1, .events = POLLOUT },
        };
        if (poll(p, 3, early ? 0 : WS_TICK_MS) < 0 && errno != EINTR)
            return;
        if (p[1].revents) {
            char drain[64];
            while (read(w->wake[0], drain, sizeof drain) > 0)
                ;
        }
        pthread_mutex_lock(&w->lock);
        if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) || early) {
            if (wslay_event_recv(w->ctx) < 0)
                w->peer_gone = true;
        }
        send_queued(w);
        queue_close(w);
        send_queued(w);
        pthread_mutex_unlock(&w->lock);
        feed_stdin(w);
    }
}

/* Gives back the places the connection was admitted with. */
static void release_places(struct ws_conn *w)
{
    if (w->holds_place)
        workers_unreserve(w->s->workers);
    if (w->holds_key)
        access_release(w->s->access, w->key);
}

/* The close is sent: what the client still sends is read and dropped for
 * a moment, so that its kernel does not answer our close with a reset
 * (which can destroy the close frame before the client reads it). */
static void linger(struct ws_conn *w)
{
    if (w->peer_gone || shutdown(w->sock, SHUT_WR) < 0)
        return;
    char scratch[65536];
    size_t dropped = 0;
    int64_t until = now_ms() + WS_CLOSE_WAIT_MS;
    while (dropped < WS_LINGER_MAX_BYTES && now_ms() < until) {
        struct pollfd p = { .fd = w->sock, .events = POLLIN };
        if (poll(&p, 1, (int)(until - now_ms())) <= 0)
            return;
        ssize_t n = recv(w->sock, scratch, sizeof scratch, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            return;
        dropped += n > 0 ? (size_t)n : 0;
    }
}

/* The end of an upgraded connection, its run over or never begun: the
 * socket back to libmicrohttpd to close, the places given back, and the
 * server told it has one WebSocket less. */
static void finish(struct ws_conn *w)
{
    struct server *s = w->s;
    int *fds[] = { &w->sig_w, &w->sig_r, &w->in_w, &w->in_r, &w->wake[0], &w->wake[1] };
    for (size_t i = 0; i < sizeof fds / sizeof *fds; i++)
        close_fd(fds[i]);
    if (w->ctx)
        wslay_event_context_free(w->ctx);
    jreq_free(&w->jreq);
    MHD_upgrade_action(w->urh, MHD_UPGRADE_ACTION_CLOSE);
    release_places(w);
    ws_abandon(w);
    pthread_mutex_lock(&s->lock);
    s->websockets--;
    pthread_mutex_unlock(&s->lock);
}

static void *socket_main(void *arg)
{
    struct ws_conn *w = arg;
    serve(w);
    linger(w);
    /* The run ends now if it has not: the closed signal pipe cancels it. */
    close_fd(&w->sig_w);
    close_fd(&w->in_w);
    if (w->run_thread_started)
        pthread_join(w->run_thread, NULL);
    finish(w);
    return NULL;
}

static const struct wslay_event_callbacks CALLBACKS = {
    .recv_callback = on_recv, .send_callback = on_send, .on_msg_recv_callback = on_message,
};

/* Everything the socket thread needs, before it starts. */
static int prepare(struct ws_conn *w, const char *extra, size_t extra_len)
{
    if (buf_append(&w->early, extra, extra_len) < 0 ||
        pipe2(w->wake, O_CLOEXEC | O_NONBLOCK) < 0 ||
        wslay_event_context_server_init(&w->ctx, &CALLBACKS, w) != 0)
        return -1;
    wslay_event_config_set_max_recv_msg_length(w->ctx, w->s->cfg.max_body);
    int one = 1; /* a lone small frame goes at once (batches are corked) */
    setsockopt(w->sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int fl = fcntl(w->sock, F_GETFL);
    return fl < 0 || fcntl(w->sock, F_SETFL, fl | O_NONBLOCK) < 0 ? -1 : 0;
}

/* libmicrohttpd, on its thread, once the 101 is sent: the socket is ours. */
static void upgraded(void *cls, struct MHD_Connection *c, void *req_cls, const char *extra_in,
                     size_t extra_in_size, MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
    struct ws_conn *w = cls;
    struct srv_req *r = req_cls;
    /* The time a client may take over a request is not a WebSocket's: the
     * run's limits and the waits here bound it. */
    deadlines_pause(w->s->deadlines, c);
    w->sock = sock;
    w->urh = urh;
    w->phase_at_ms = now_ms();
    /* The request's places are the connection's now, for as long as it lives. */
    w->key = r->key;
    w->holds_place = r->reserved;
    w->holds_key = r->key_slot;
    r->reserved = r->key_slot = false;
    r->ws = NULL;
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_mutex_lock(&w->s->lock);
    w->s->websockets++;
    pthread_mutex_unlock(&w->s->lock);
    if (prepare(w, extra_in, extra_in_size) < 0 || pthread_create(&t, &attr, socket_main, w)) {
        fprintf(stderr, "kiln serve: a WebSocket could not start: %s\n", strerror(errno));
        finish(w);
    }
    pthread_attr_destroy(&attr);
}

struct MHD_Response *ws_response(struct ws_conn *w)
{
    struct MHD_Response *resp = MHD_create_response_for_upgrade(upgraded, w);
    if (!resp)
        return NULL;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_UPGRADE, "websocket");
    MHD_add_response_header(resp, "Sec-WebSocket-Accept", w->accept);
    return resp;
}
