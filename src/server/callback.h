/* callback.h — the server's sender of submission callbacks: when an async
 * submission finishes, its result JSON is POSTed to its callback_url.
 *
 * Only the server sends them, never the jailed program, and only to the
 * origins (scheme, host, port) the operator lists in callback_allow; the
 * default list is empty and refuses every callback. Judge0's
 * CVE-2024-29021 was callbacks aimed at internal services (SSRF): here a
 * URL is parsed by curl's own URL parser, the one that will send it, and
 * its origin must equal an entry exactly. No redirect is followed, no
 * environment proxy is used, no protocol but http and https is spoken.
 *
 * Theory of operation: one sender thread owns a queue (mutex + condvar) of
 * at most max_pending entries, each with a copy of its body and the time
 * of its next try. The thread takes the entry that is due first, makes one
 * try (bounded by timeout_ms, and cut short by callbacks_destroy), and
 * either finishes it (2xx, or the last try failed: done() is called on the
 * sender thread, without the lock held) or puts it back with its next try
 * backoff_ms later, doubling each time up to CALLBACK_BACKOFF_MAX_MS. The
 * HTTP threads call callbacks_allowed; the runners call callbacks_send;
 * both only touch the queue under the mutex.
 */
#ifndef KILN_SERVER_CALLBACK_H
#define KILN_SERVER_CALLBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CALLBACK_BACKOFF_MAX_MS 60000u /* the longest wait between two tries */
#define CALLBACK_TOKEN_MAX 64          /* longest token sent in X-Kiln-Token */

struct callbacks;

/* Called on the sender thread once a callback is finished: delivered, or
 * not after its last try; attempts counts the tries made. */
typedef void (*callbacks_done_fn)(void *arg, const char *token, bool delivered,
                                  unsigned attempts);

struct callbacks_params {
    const char *allow;    /* comma- or space-separated origins: http://HOST[:PORT] or
                           * https://HOST[:PORT], no path; "" or NULL: none */
    unsigned attempts;    /* tries per callback, >= 1 (e.g. 5) */
    unsigned timeout_ms;  /* per try: connect and the whole transfer, >= 1 */
    unsigned backoff_ms;  /* wait before the 2nd try; doubled for each next one */
    unsigned max_pending; /* callbacks waiting (or being tried) at once, >= 1 */
    callbacks_done_fn done; /* may be NULL */
    void *arg;
};

/* Parses the allow list and starts the sender thread. Refuses a malformed
 * list with a message naming the bad entry. Calls curl_global_init, a
 * process-wide initialisation (thread-safe in libcurl >= 7.84, which
 * counts calls and pairs them with the curl_global_cleanup of destroy). */
struct callbacks *callbacks_create(const struct callbacks_params *p, char *err, size_t errlen);

/* Stops the sender: a running try is cut short within about a second
 * (never later than timeout_ms), the thread joined. Callbacks still queued
 * are dropped and counted on stderr; done() is not called for them (their
 * results stay readable through GET). Accepts NULL. */
void callbacks_destroy(struct callbacks *cb);

/* 0 when url may be used as a callback_url; -1 with why, e.g.
 * "callback_url: http://10.0.0.1:80 is not in the allowed destinations
 * (callback_allow)". Any thread. */
int callbacks_allowed(const struct callbacks *cb, const char *url, char *why, size_t whylen);

/* Queues a POST of body (copied, len bytes) to url, with token in the
 * X-Kiln-Token header. -1 when url is not allowed (checked again: the list
 * is the only word), token is not [A-Za-z0-9_-]{1,64}, the queue is full,
 * the sender is stopping, or memory runs out. Any thread. */
int callbacks_send(struct callbacks *cb, const char *token, const char *url, const char *body,
                   size_t len);

struct callbacks_stats {
    uint64_t delivered, failed, retries; /* since create; retries: tries after a first */
    unsigned pending;                    /* queued or being tried now */
};
void callbacks_stats(struct callbacks *cb, struct callbacks_stats *out);

/* ---- for the tests: the pure origin check ---- */

/* What a callback may reach: scheme, host, port, compared exactly. */
struct callback_origin {
    char scheme[8];  /* "http" or "https" */
    char host[256];  /* as curl normalises it; IPv6 in brackets */
    unsigned port;   /* the scheme's default filled in */
};

/* Parses url with curl's URL API into its origin: scheme http or https, a
 * host, no user name or password, no IPv6 zone id; any path, query and
 * fragment. -1 with the reason in err. */
int callback_origin_parse(const char *url, struct callback_origin *out, char *err,
                          size_t errlen);

/* The same, for an allow-list entry: also refuses a path, a query or a
 * fragment (an entry names an origin, and a path would suggest a narrower
 * rule than is enforced). */
int callback_origin_parse_entry(const char *entry, struct callback_origin *out, char *err,
                                size_t errlen);

/* Same scheme, same host (ASCII case-insensitive), same port. */
bool callback_origin_equal(const struct callback_origin *a, const struct callback_origin *b);

#endif
